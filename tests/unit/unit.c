/* The unit-test runner: `unit NAME` runs one group of checks. */
#include <stdio.h>
#include <string.h>

#include "harness.h"

int unit_passed, unit_failed;

static const struct {
    const char *name;
    void (*fn)(void);
} groups[] = {
    {"arena", test_arena}, {"filter", test_filter}, {"regex", test_regex},   {"strbuf", test_strbuf},
    {"symbolz", test_symbolz}, {"tables", test_tables}, {"units", test_units},
};

int main(int argc, char **argv)
{
    int ran = 0;
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        if (argc > 1 && strcmp(argv[1], groups[i].name) != 0)
            continue;
        groups[i].fn();
        ran++;
    }
    if (!ran) {
        fprintf(stderr, "unit: no test group named '%s'\n", argc > 1 ? argv[1] : "");
        return 2;
    }
    printf("%d passed, %d failed\n", unit_passed, unit_failed);
    return unit_failed ? 1 : 0;
}
