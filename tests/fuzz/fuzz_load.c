/*
 * fuzz_load.c: the loader, as `prof -top FILE` runs it on a file's bytes:
 * gzip (read_inflate, from memory), profile.proto decoding (or a legacy
 * format), validation, symbolize=none, then reports on the loaded profile.
 * Inflated data is limited to 64 MiB here (the CLI's default limit is 4 GiB)
 * so that gzip bombs stay within libFuzzer's memory limit.
 */
#include "fuzz.h"

#include "prof/read.h"
#include "prof/symbolize.h"
#include "prof/util.h"

#define FUZZ_MAX_INFLATED ((size_t)64 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct prof_err err = {0};
    struct prof_bytes b;
    b.data = xmalloc(size ? size : 1);
    if (size)
        memcpy(b.data, data, size);
    b.len = size;
    if (read_inflate(&b, FUZZ_MAX_INFLATED, &err)) {
        fuzz_check_err(&err, "read_inflate");
        prof_bytes_release(&b);
        return 0;
    }
    struct profile *p = profile_decode_bytes(&b, &err);
    if (!p) {
        fuzz_check_err(&err, "profile_decode");
        return 0;
    }
    if (profile_check(p, &err)) {
        fuzz_check_err(&err, "profile_check");
        profile_free(&p);
        return 0;
    }
    struct symbolize_args sym = {.mode = "none"};
    if (symbolize_profile(p, &sym, &err))
        fuzz_check_err(&err, "symbolize_profile");
    fuzz_reports(p);
    profile_free(&p);
    return 0;
}
