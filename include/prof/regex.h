/**
 * regex.h: Go (RE2) regular expressions, implemented with PCRE2.
 *
 * pprof's regexps (focus=, ignore=, hide=, show=, show_from=, prune_from=,
 * tag filters, -list=RE and friends, a profile's drop_frames/keep_frames) use
 * Go's regexp syntax.  This module accepts exactly that dialect: the pattern
 * is checked and translated into an equivalent PCRE2 pattern, so constructs
 * PCRE2 knows but Go rejects (backreferences, lookaround, atomic groups,
 * possessive quantifiers, recursion, conditionals, \Z \G \K \h \R \X \N ...,
 * repeat counts over 1000) fail to compile, and the constructs both know
 * behave as in Go:
 *
 *  - \d \w \s \b and [[:alpha:]] are ASCII-only; \s is [\t\n\f\r ] (no \v);
 *    \v is the vertical-tab character, not a class;
 *  - `.` excludes only \n; `$` without (?m) matches only at the very end of
 *    the subject; (?m)^ also matches after a trailing newline;
 *  - octal escapes \0 \012 \123 are always characters, \1..\9 alone are errors;
 *  - `{` that does not start a valid repeat ({,3} {01} {x}) is a literal;
 *  - \p{Greek} is the Script property, \pC excludes unassigned code points;
 *  - subjects may hold any bytes: each byte that is not part of a valid UTF-8
 *    sequence reads as U+FFFD, as Go's decoder does, so `.` and [^x] match it.
 *
 * Matching is a boolean "does it match anywhere" (Go's MatchString); with
 * REGEX_ANCHORED the whole subject must match.  Compiled regexps are
 * JIT-compiled when possible and may be shared between threads.
 */
#ifndef PROF_REGEX_H
#define PROF_REGEX_H

#include <stdbool.h>
#include <stddef.h>

struct prof_err;

/** A compiled regexp (opaque). */
struct prof_regex;

enum {
    /**
     * Match the whole subject.  The pattern is wrapped textually as
     * `^(?:RE)$` before it is parsed, exactly as pprof builds its
     * drop_frames/keep_frames regexps (`"^(" + RE + ")$"`).
     */
    REGEX_ANCHORED = 1,
};

/**
 * Compile the Go-syntax pattern into *out.  flags is 0 or REGEX_ANCHORED.
 * On error return -1, leave *out NULL and fill err (PROF_EUSAGE) with a
 * message such as "missing closing parenthesis at offset 1 in `(`" (PCRE2's
 * text) or "backreferences are not supported in Go (RE2) syntax at offset 3
 * in `(a)\1`"; callers prefix it with "parsing <what> regexp: ".  Offsets are
 * byte offsets into pattern.
 */
int regex_compile(struct prof_regex **out, const char *pattern, unsigned flags,
                  struct prof_err *err);

/**
 * Whether re matches s[0..len) (anywhere, or as a whole with
 * REGEX_ANCHORED).  s may contain any bytes, including NUL and invalid UTF-8;
 * s may be NULL when len is 0.  Safe to call concurrently on one compiled
 * regexp; does not allocate after a thread's first call (match data, JIT
 * stack and a scratch buffer are kept per thread).  A match that exceeds
 * PCRE2's backtracking limits (pathological patterns only; see regex.c)
 * counts as no match.
 */
bool regex_match(const struct prof_regex *re, const char *s, size_t len);

/** The pattern as given to regex_compile (without the anchoring wrapper). */
const char *regex_pattern(const struct prof_regex *re);

/** Free *re and set *re to NULL.  NULL-safe (re or *re may be NULL). */
void regex_free(struct prof_regex **re);

#endif
