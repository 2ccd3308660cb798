/*
 * test_regex.c: Go (RE2) regexps on PCRE2.  The expected answers are those of
 * Go's regexp package (MatchString; drop_frames-style anchoring for
 * REGEX_ANCHORED).
 */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "prof/error.h"
#include "prof/regex.h"

/* Does pattern (compiled with flags) match the n-byte subject s?  -1 if the
 * pattern does not compile. */
static int matches_n(const char *pattern, unsigned flags, const char *s, size_t n)
{
    struct prof_regex *re = NULL;
    struct prof_err err;
    bool m;

    if (regex_compile(&re, pattern, flags, &err) < 0) {
        fprintf(stderr, "unexpected error: %s\n", err.msg);
        return -1;
    }
    m = regex_match(re, s, n);
    regex_free(&re);
    return m;
}

static int matches(const char *pattern, const char *s)
{
    return matches_n(pattern, 0, s, strlen(s));
}

static int matches_anchored(const char *pattern, const char *s)
{
    return matches_n(pattern, REGEX_ANCHORED, s, strlen(s));
}

/* Compile pattern expecting failure; return the message ("" on success). */
static const char *compile_error(const char *pattern, unsigned flags)
{
    static struct prof_err err;
    struct prof_regex *re = (struct prof_regex *)&err; /* must be reset to NULL */

    memset(&err, 0, sizeof(err));
    if (regex_compile(&re, pattern, flags, &err) == 0) {
        regex_free(&re);
        return "";
    }
    if (re != NULL || err.code != PROF_EUSAGE)
        return "(bad error state)";
    return err.msg;
}

/* The message ends with " at offset N in `pattern`". */
static bool error_ends_with(const char *pattern, const char *tail)
{
    const char *msg = compile_error(pattern, 0);
    size_t n = strlen(msg), t = strlen(tail);
    return n > t && strcmp(msg + n - t, tail) == 0;
}

static void test_basic_matching(void)
{
    /* examples from pprof usage */
    INT_EQ(matches("line[X3]0", "line30"), 1);
    INT_EQ(matches("line[X3]0", "fooX lineX0 bar"), 1);
    INT_EQ(matches("line[X3]0", "line40"), 0);
    INT_EQ(matches("[12]00", "x200y"), 1);
    INT_EQ(matches("[12]00", "100"), 1);
    INT_EQ(matches("[12]00", "300"), 0);
    INT_EQ(matches("(?i)MAIN", "main.main"), 1);
    INT_EQ(matches("(?i)MAIN", "Main"), 1);
    INT_EQ(matches("MAIN", "main"), 0);
    INT_EQ(matches("(?i:M)AIN", "mAIN"), 1);
    INT_EQ(matches("(?i:M)AIN", "main"), 0);
    INT_EQ(matches("\\d+", "abc123"), 1);
    INT_EQ(matches("\\d+", "abc"), 0);
    INT_EQ(matches("\\d", "\xd9\xa3"), 0); /* ARABIC-INDIC DIGIT THREE: \d is ASCII */
    INT_EQ(matches("^runtime\\.", "runtime.mallocgc"), 1);
    INT_EQ(matches("^runtime\\.", "xruntime.mallocgc"), 0);
    INT_EQ(matches("^runtime\\.", "runtimeXmallocgc"), 0);
    INT_EQ(matches("main\\.(main|init)$", "main.init"), 1);
    INT_EQ(matches("main\\.(main|init)$", "main.initx"), 0);

    /* the empty pattern matches everything */
    INT_EQ(matches("", ""), 1);
    INT_EQ(matches("", "anything"), 1);
    INT_EQ(matches_anchored("", ""), 1);
    INT_EQ(matches_anchored("", "x"), 0);

    /* . and newlines, $ and a trailing newline (Go: $ is \z without (?m)) */
    INT_EQ(matches("a.b", "a\nb"), 0);
    INT_EQ(matches("(?s)a.b", "a\nb"), 1);
    INT_EQ(matches("a.b", "a\rb"), 1);
    INT_EQ(matches("a$", "a\n"), 0);
    INT_EQ(matches("a$", "ba"), 1);
    INT_EQ(matches("(?m)a$", "a\nb"), 1);
    INT_EQ(matches("(?m)^b", "a\nb"), 1);
    INT_EQ(matches("^b", "a\nb"), 0);
    INT_EQ(matches("(?m)^$", "a\n"), 1); /* (?m)^ matches after a final \n */
    INT_EQ(matches("\\Aab\\z", "ab"), 1);
    INT_EQ(matches("ab\\z", "ab\n"), 0);

    /* ASCII-only Perl and POSIX classes; \s has no \v; \v is a character */
    INT_EQ(matches("\\w", "\xc3\xa9"), 0);
    INT_EQ(matches("[[:alpha:]]", "\xc3\xa9"), 0);
    INT_EQ(matches("[[:^alpha:]]", "\xc3\xa9"), 1);
    INT_EQ(matches("\\s", "\v"), 0);
    INT_EQ(matches("\\S", "\v"), 1);
    INT_EQ(matches("[\\S]", "\v"), 1);
    INT_EQ(matches("[^\\S]", "\v"), 0);
    INT_EQ(matches("\\s", "\t"), 1);
    INT_EQ(matches("[[:space:]]", "\v"), 1);
    INT_EQ(matches("\\v", "\v"), 1);
    INT_EQ(matches("\\v", "\n"), 0);
    INT_EQ(matches("\\bfoo\\b", "a foo b"), 1);
    INT_EQ(matches("\\bfoo\\b", "afoo"), 0);
    INT_EQ(matches("\\bfoo\\b", "\xc3\xa9" "foo"), 1); /* é is not a word character */
    INT_EQ(matches("[[:word:]]+", "_"), 1);

    /* Unicode classes */
    INT_EQ(matches("\\pL", "\xc3\xa9"), 1);
    INT_EQ(matches("\\PL", "\xc3\xa9"), 0);
    INT_EQ(matches("\\p{^L}", "1"), 1);
    INT_EQ(matches("\\p{Greek}", "\xce\xa9"), 1);
    INT_EQ(matches("\\p{Greek}", "\xcd\x82"), 0); /* U+0342: Script Inherited */
    INT_EQ(matches("[\\p{Lu}\\d]", "7"), 1);
    INT_EQ(matches("\\pC", "\xcd\xb8"), 0); /* U+0378 is unassigned: not in Go's C */
    INT_EQ(matches("\\PC", "\xcd\xb8"), 1);
    INT_EQ(matches("\\pC", "\x01"), 1);
    INT_EQ(matches("\\p{Any}", "\xf4\x8f\xbf\xbf"), 1);

    /* (?i) folds as Go: Kelvin sign and long s are cases of k and s */
    INT_EQ(matches("(?i)k", "\xe2\x84\xaa"), 1);
    INT_EQ(matches("(?i)\\w", "\xe2\x84\xaa"), 1);
    INT_EQ(matches("(?i)[[:upper:]]", "\xc5\xbf"), 1);
    INT_EQ(matches("(?i)[^\\W]", "\xc5\xbf"), 1);
    INT_EQ(matches("(?i)[\\W]", "\xc5\xbf"), 0);
    INT_EQ(matches("\\w", "\xe2\x84\xaa"), 0);
    INT_EQ(matches("(?i)stra\xc3\x9f" "e", "STRA\xe1\xba\x9e" "E"), 1);

    /* escapes */
    INT_EQ(matches("\\101", "A"), 1);  /* octal */
    INT_EQ(matches("\\0", "a\0b"), 0); /* (strlen subject) */
    INT_EQ(matches_n("\\0", 0, "a\0b", 3), 1);
    INT_EQ(matches("\\x41\\x{42}", "AB"), 1);
    INT_EQ(matches("\\Qa.b\\E+", "a.bb"), 1);
    INT_EQ(matches("\\Qa.b\\E", "axb"), 0);
    INT_EQ(matches("\\Qa.b", "a.b"), 1);
    INT_EQ(matches("[(?=]", "="), 1);
    INT_EQ(matches("\\(?=", "="), 1);
    INT_EQ(matches("\\(?=", "(="), 1);
    INT_EQ(matches("\\x{D800}", "\xed\xa0\x80"), 0); /* Go accepts; never matches */

    /* a { that is not a repeat count is literal */
    INT_EQ(matches("a{,3}", "a{,3}"), 1);
    INT_EQ(matches("x{01}", "x{01}"), 1);
    INT_EQ(matches("x{01}", "x"), 0);
    INT_EQ(matches("a{2}", "aa"), 1);
    INT_EQ(matches("^a{2,3}$", "aaaa"), 0);
    INT_EQ(matches("a{1000}", "a"), 0);

    /* brackets: ] first, - first or last, [: not a POSIX class outside [] */
    INT_EQ(matches("[]a]", "]"), 1);
    INT_EQ(matches("[^]a]", "]"), 0);
    INT_EQ(matches("[a-]", "-"), 1);
    INT_EQ(matches("[\\d-z]", "-"), 1);
    INT_EQ(matches("[:alpha:]", ":"), 1);
    INT_EQ(matches("[[.a.]]", "a]"), 1); /* the class [[.a.] and a literal ] */
    INT_EQ(matches("[[.a.]]", "a"), 0);

    /* named groups, non-greedy, flags */
    INT_EQ(matches("(?P<pkg>\\w+)\\.(?<fn>\\w+)", "main.main"), 1);
    INT_EQ(matches("(?P<1x>a)", "a"), 1);
    INT_EQ(matches("a+?b", "aab"), 1);
    INT_EQ(matches("(?U)a+b", "aab"), 1);
    INT_EQ(matches("(?i-s:A.)", "a\n"), 0);
    INT_EQ(matches("(?)a", "a"), 1);

    /* repeated assertions and a quantifier across a flag group, as Go */
    INT_EQ(matches("^*a", "ba"), 1);
    INT_EQ(matches("\\b+x", "x"), 1);
    INT_EQ(matches("^a(?i)*$", "aaa"), 1);
    INT_EQ(matches("^x(?i)+$", "xx"), 1);
}

static void test_invalid_utf8_subjects(void)
{
    /* every invalid byte reads as U+FFFD, as in Go */
    INT_EQ(matches("a.b", "a\xff" "b"), 1);
    INT_EQ(matches("foo", "\xff" "foo\xfe"), 1);
    INT_EQ(matches("^.$", "\xff"), 1);
    INT_EQ(matches("^.$", "\xc3"), 1);           /* truncated sequence */
    INT_EQ(matches("^..$", "x\xe2\x82"), 0);     /* x + two U+FFFD */
    INT_EQ(matches("^...$", "x\xe2\x82"), 1);
    INT_EQ(matches("^...$", "\xed\xa0\x80"), 1); /* encoded surrogate: 3 bytes */
    INT_EQ(matches("^.$", "\xc0\xaf"), 0);       /* overlong '/': 2 bytes */
    INT_EQ(matches("[^a]", "\x80"), 1);
    INT_EQ(matches("\\x{FFFD}", "\xff"), 1);
    INT_EQ(matches("\\PC", "\xff"), 1);
    INT_EQ(matches("^\\S$", "\xff"), 1);
    INT_EQ(matches("^\\W$", "\xff"), 1);
    INT_EQ(matches("\xc3\xa9", "\xc3\xa9"), 1);
    INT_EQ(matches_anchored("a.c", "a\xf5" "c"), 1);
    INT_EQ(matches_n("b", 0, "a\0b", 3), 1);
    INT_EQ(matches_n("x", 0, NULL, 0), 0);
    INT_EQ(matches_n("", 0, NULL, 0), 1);
}

static void test_anchored(void)
{
    struct prof_regex *re = NULL;
    struct prof_err err;

    INT_EQ(matches_anchored(".*operator new.*|malloc", "operator new(unsigned long)"), 1);
    INT_EQ(matches_anchored(".*operator new.*|malloc", "void* operator new[](size_t)"), 1);
    INT_EQ(matches_anchored(".*operator new.*|malloc", "malloc"), 1);
    INT_EQ(matches_anchored(".*operator new.*|malloc", "xmalloc"), 0);
    INT_EQ(matches_anchored(".*operator new.*|malloc", "malloc_zone"), 0);
    INT_EQ(matches(".*operator new.*|malloc", "xmalloc"), 1);
    INT_EQ(matches_anchored("a|ab", "ab"), 1);
    INT_EQ(matches_anchored("runtime\\..*", "runtime.gc"), 1);
    INT_EQ(matches_anchored("runtime\\..*", "xruntime.gc"), 0);
    INT_EQ(matches_anchored("a", "a\n"), 0);
    INT_EQ(matches_anchored("(?m)a", "a\n"), 0);
    /* the wrapper is textual, as pprof's "^(" + RE + ")$" */
    INT_EQ(matches_anchored("a)|(b", "b"), 1);

    CHECK(regex_compile(&re, "a|b", REGEX_ANCHORED, &err) == 0);
    STR_EQ(regex_pattern(re), "a|b");
    CHECK(regex_match(re, "b", 1));
    CHECK(!regex_match(re, "ab", 2));
    regex_free(&re);
    CHECK(re == NULL);
    regex_free(&re);   /* NULL-safe */
    regex_free(NULL);

    CHECK(regex_compile(&re, "x+", 0, &err) == 0);
    STR_EQ(regex_pattern(re), "x+");
    regex_free(&re);

    /* offsets are into the caller's pattern, not the wrapped one */
    STR_EQ(compile_error("(", REGEX_ANCHORED), "missing closing parenthesis at offset 1 in `(`");
    STR_EQ(compile_error("a\\1", REGEX_ANCHORED),
           "backreferences are not supported in Go (RE2) syntax at offset 1 in `a\\1`");
}

static void test_rejections(void)
{
    /* PCRE2's own messages for plain syntax errors */
    STR_EQ(compile_error("(", 0), "missing closing parenthesis at offset 1 in `(`");
    CHECK(error_ends_with(")", " at offset 0 in `)`"));
    CHECK(error_ends_with("[a", " at offset 2 in `[a`"));
    CHECK(error_ends_with("ab(c", " at offset 4 in `ab(c`"));
    CHECK(error_ends_with("x\\", " at offset 2 in `x\\`"));
    CHECK(error_ends_with("a\xff", " at offset 1 in `a\xff`")); /* invalid UTF-8 */

    /* what RE2 rejects and PCRE2 would accept */
    STR_EQ(compile_error("(a)\\1", 0),
           "backreferences are not supported in Go (RE2) syntax at offset 3 in `(a)\\1`");
    STR_EQ(compile_error("(?P<n>a)\\k<n>", 0),
           "backreferences are not supported in Go (RE2) syntax at offset 8 in `(?P<n>a)\\k<n>`");
    STR_EQ(compile_error("(a)\\g1", 0),
           "backreferences are not supported in Go (RE2) syntax at offset 3 in `(a)\\g1`");
    STR_EQ(compile_error("(?P<n>a)(?P=n)", 0),
           "backreferences are not supported in Go (RE2) syntax at offset 8 in `(?P<n>a)(?P=n)`");
    STR_EQ(compile_error("\\8", 0),
           "backreferences are not supported in Go (RE2) syntax at offset 0 in `\\8`");
    STR_EQ(compile_error("a(?=b)", 0),
           "lookahead assertions are not supported in Go (RE2) syntax at offset 1 in `a(?=b)`");
    STR_EQ(compile_error("a(?!b)", 0),
           "lookahead assertions are not supported in Go (RE2) syntax at offset 1 in `a(?!b)`");
    STR_EQ(compile_error("(?<=a)b", 0),
           "lookbehind assertions are not supported in Go (RE2) syntax at offset 0 in `(?<=a)b`");
    STR_EQ(compile_error("(?<!a)b", 0),
           "lookbehind assertions are not supported in Go (RE2) syntax at offset 0 in `(?<!a)b`");
    STR_EQ(compile_error("(?>a+)b", 0),
           "atomic groups are not supported in Go (RE2) syntax at offset 0 in `(?>a+)b`");
    STR_EQ(compile_error("a*+", 0),
           "possessive quantifiers are not supported in Go (RE2) syntax at offset 2 in `a*+`");
    STR_EQ(compile_error("a++", 0),
           "possessive quantifiers are not supported in Go (RE2) syntax at offset 2 in `a++`");
    STR_EQ(compile_error("a?+", 0),
           "possessive quantifiers are not supported in Go (RE2) syntax at offset 2 in `a?+`");
    STR_EQ(compile_error("a{2}+", 0),
           "possessive quantifiers are not supported in Go (RE2) syntax at offset 4 in `a{2}+`");
    STR_EQ(compile_error("a(?R)", 0),
           "recursion and subroutine calls are not supported in Go (RE2) syntax at offset 1 in "
           "`a(?R)`");
    STR_EQ(compile_error("(a)(?1)", 0),
           "recursion and subroutine calls are not supported in Go (RE2) syntax at offset 3 in "
           "`(a)(?1)`");
    STR_EQ(compile_error("(?(1)a|b)", 0),
           "conditional groups are not supported in Go (RE2) syntax at offset 0 in `(?(1)a|b)`");
    STR_EQ(compile_error("a\\Z", 0),
           "\\Z is not supported in Go (RE2) syntax (use \\z) at offset 1 in `a\\Z`");
    STR_EQ(compile_error("\\Ga", 0),
           "invalid escape sequence \\G (not supported in Go (RE2) syntax) at offset 0 in `\\Ga`");
    STR_EQ(compile_error("a\\Kb", 0),
           "invalid escape sequence \\K (not supported in Go (RE2) syntax) at offset 1 in `a\\Kb`");
    STR_EQ(compile_error("\\h", 0),
           "invalid escape sequence \\h (not supported in Go (RE2) syntax) at offset 0 in `\\h`");
    STR_EQ(compile_error("\\R", 0),
           "invalid escape sequence \\R (not supported in Go (RE2) syntax) at offset 0 in `\\R`");
    STR_EQ(compile_error("\\X", 0),
           "invalid escape sequence \\X (not supported in Go (RE2) syntax) at offset 0 in `\\X`");
    STR_EQ(compile_error("\\N", 0),
           "invalid escape sequence \\N (not supported in Go (RE2) syntax) at offset 0 in `\\N`");
    STR_EQ(compile_error("\\e", 0),
           "invalid escape sequence \\e (not supported in Go (RE2) syntax) at offset 0 in `\\e`");
    STR_EQ(compile_error("\\C", 0),
           "invalid escape sequence \\C (not supported in Go (RE2) syntax) at offset 0 in `\\C`");
    STR_EQ(compile_error("[\\b]", 0),
           "invalid escape sequence \\b (not supported in Go (RE2) syntax) at offset 1 in `[\\b]`");
    STR_EQ(compile_error("a{1001}", 0), "invalid repeat count {1001} at offset 1 in `a{1001}`");
    STR_EQ(compile_error("a{2,1}", 0), "invalid repeat count {2,1} at offset 1 in `a{2,1}`");
    STR_EQ(compile_error("(a{2}){600}", 0),
           "invalid repeat count {600} at offset 6 in `(a{2}){600}`");
    STR_EQ(compile_error("a**", 0), "invalid nested repetition operator * at offset 2 in `a**`");
    STR_EQ(compile_error("{2}", 0),
           "missing argument to repetition operator {2} at offset 0 in `{2}`");
    STR_EQ(compile_error("(?x)a b", 0),
           "invalid or unsupported Perl syntax (?x at offset 0 in `(?x)a b`");
    STR_EQ(compile_error("(?#c)", 0),
           "comment groups are not supported in Go (RE2) syntax at offset 0 in `(?#c)`");
    CHECK(error_ends_with("(*FAIL)", " at offset 1 in `(*FAIL)`"));
    CHECK(error_ends_with("(*UCP)\\w", " at offset 1 in `(*UCP)\\w`"));
    STR_EQ(compile_error("[[:foo:]]", 0),
           "invalid character class range [:foo:] at offset 1 in `[[:foo:]]`");
    STR_EQ(compile_error("\\p{greek}", 0),
           "invalid character class range \\p{greek} at offset 0 in `\\p{greek}`");
    STR_EQ(compile_error("[z-a]", 0), "invalid character class range z-a at offset 1 in `[z-a]`");
    STR_EQ(compile_error("(?P<a-b>x)", 0),
           "invalid named capture (?P<a-b> at offset 0 in `(?P<a-b>x)`");
    STR_EQ(compile_error("\\x{110000}", 0),
           "invalid escape sequence \\x{110000 at offset 0 in `\\x{110000}`");
    STR_EQ(compile_error("\\E", 0),
           "invalid escape sequence \\E (not supported in Go (RE2) syntax) at offset 0 in `\\E`");

    /* escapes, classes and groups that only look like rejected syntax */
    STR_EQ(compile_error("[(?=]", 0), "");
    STR_EQ(compile_error("\\(?=", 0), "");
    STR_EQ(compile_error("[\\12-\\17]", 0), ""); /* octal, not backreferences */
}

/* Go is linear-time; PCRE2 backtracks, capped by its match limit. */
static double seconds(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_pathological(void)
{
    char subject[64];
    struct prof_regex *re = NULL;
    struct prof_err err;
    double t0;

    memset(subject, 'a', 30);
    subject[30] = 'b';

    CHECK(regex_compile(&re, "(a*)*b", 0, &err) == 0);
    t0 = seconds();
    CHECK(!regex_match(re, subject, 30));
    CHECK(regex_match(re, subject, 31));
    CHECK(seconds() - t0 < 2.0);
    regex_free(&re);

    /* exponential backtracking: answers "no match" when the limit is hit
     * (here Go also answers false) */
    CHECK(regex_compile(&re, "^(a+)+$", 0, &err) == 0);
    t0 = seconds();
    CHECK(!regex_match(re, subject, 31));
    CHECK(regex_match(re, subject, 30));
    CHECK(seconds() - t0 < 10.0);
    regex_free(&re);
}

struct thread_arg {
    const struct prof_regex *re;
    int hits;
};

static void *match_thread(void *p)
{
    struct thread_arg *a = p;
    static const char *const subjects[] = {
        "runtime.mallocgc", "main.main", "runtime\xffgc", "x/runtime.newobject",
    };
    for (int i = 0; i < 20000; i++) {
        const char *s = subjects[i % 4];
        a->hits += regex_match(a->re, s, strlen(s));
    }
    return NULL;
}

static void test_threads(void)
{
    struct prof_regex *re = NULL;
    struct prof_err err;
    struct thread_arg args[4];
    pthread_t tid[4];

    CHECK(regex_compile(&re, "^runtime.(mallocgc|gc)$|newobject", 0, &err) == 0);
    for (int i = 0; i < 4; i++) {
        args[i].re = re;
        args[i].hits = 0;
        CHECK(pthread_create(&tid[i], NULL, match_thread, &args[i]) == 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(tid[i], NULL);
        INT_EQ(args[i].hits, 15000);
    }
    regex_free(&re);
}

void test_regex(void)
{
    test_basic_matching();
    test_invalid_utf8_subjects();
    test_anchored();
    test_rejections();
    test_pathological();
    test_threads();
}
