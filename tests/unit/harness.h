/*
 * harness.h: the unit-test macros (after cmark's api_test harness).  A failed
 * check prints file:line and the two values and marks the run failed; the
 * runner (unit.c) prints "N passed, M failed" for the selected test.
 */
#ifndef PROF_TEST_HARNESS_H
#define PROF_TEST_HARNESS_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

extern int unit_passed, unit_failed;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (cond) {                                                                   \
            unit_passed++;                                                            \
        } else {                                                                      \
            unit_failed++;                                                            \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
        }                                                                             \
    } while (0)

#define INT_EQ(got, want)                                                             \
    do {                                                                              \
        long long g_ = (long long)(got), w_ = (long long)(want);                      \
        if (g_ == w_) {                                                               \
            unit_passed++;                                                            \
        } else {                                                                      \
            unit_failed++;                                                            \
            fprintf(stderr, "%s:%d: %s: got %lld, want %lld\n", __FILE__, __LINE__,   \
                    #got, g_, w_);                                                    \
        }                                                                             \
    } while (0)

#define STR_EQ(got, want)                                                             \
    do {                                                                              \
        const char *g_ = (got), *w_ = (want);                                         \
        if (g_ && w_ && strcmp(g_, w_) == 0) {                                        \
            unit_passed++;                                                            \
        } else {                                                                      \
            unit_failed++;                                                            \
            fprintf(stderr, "%s:%d: %s: got \"%s\", want \"%s\"\n", __FILE__,         \
                    __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");          \
        }                                                                             \
    } while (0)

/* Every test file defines one or more `void test_NAME(void)` listed in unit.c. */
void test_arena(void);
void test_strbuf(void);
void test_units(void);
void test_regex(void);
void test_tables(void);
void test_filter(void);
void test_symbolz(void);

#endif
