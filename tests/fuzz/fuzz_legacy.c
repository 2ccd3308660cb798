/*
 * fuzz_legacy.c: the legacy parsers (src/legacy.c) straight from the bytes:
 * gperftools CPU (binary, both word sizes and byte orders), heap, growth,
 * contention and thread text, Go's count and ?debug=1 texts, Java profiles,
 * with their memory maps.  legacy_parse() picks the parser from the data, so
 * the corpus holds seeds of every format.  A parsed profile is validated and
 * goes through the reports as a loaded one does.
 */
#include "fuzz.h"

#include "prof/legacy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct prof_err err = {PROF_OK, ""};
    struct profile *p = legacy_parse(data, size, &err);
    if (!p) {
        if (err.code != PROF_OK)
            fuzz_check_err(&err, "legacy_parse");
        return 0;
    }
    if (profile_check(p, &err)) {
        fuzz_check_err(&err, "profile_check");
        profile_free(&p);
        return 0;
    }
    fuzz_reports(p);
    profile_free(&p);
    return 0;
}
