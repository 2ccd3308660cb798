/*
 * legacy.c: see legacy.h.  The rules are pprof's (profile/legacy_profile.go,
 * profile/legacy_java_profile.go), re-implemented:
 *
 *  - the parsers are tried in pprof's order (CPU binary, heap text, Go count,
 *    thread, contention, Java heap/contention); one that does not recognise
 *    its header hands over to the next, one that recognised it and then
 *    failed ends the search with its message;
 *  - text is split into lines as Go's bufio.Scanner does (a trailing \r is
 *    dropped, a line of 64 KiB or more is an error), lines are trimmed as Go's
 *    strings.TrimSpace trims, numbers parsed as strconv parses them (base 0:
 *    0x, 0o, 0b, leading-0 octal, underscores);
 *  - the regular expressions with real backtracking (memory maps, heap and
 *    contention samples, Java lines) run on PCRE2 with Go's ASCII classes
 *    spelled out, so their captures are Go's leftmost-first ones;
 *  - Go's math.Exp on amd64 (an assembly routine, with and without FMA) is
 *    reproduced, so heap unsampling rounds exactly as pprof's does.
 *
 * A builder collects locations (one per distinct address), samples and
 * mappings in malloc'ed vectors, then pprof's post-processing runs
 * (massageMappings, remapLocationIDs, remapFunctionIDs, remapMappingIDs) and
 * the result is laid out in the profile's arena with dense indices.
 *
 * One addition to pprof: Go's ?debug=1 text carries, after each sample, '#'
 * comment lines with every frame's address, function and file:line.  pprof
 * ignores them; here they name the locations whose address they give.
 */
#include "prof/legacy.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "prof/hashmap.h"
#include "prof/strbuf.h"
#include "prof/util.h"

/* Outcome of one parser: recognised, not its format, or failed (message in err). */
enum { LP_OK = 0, LP_UNRECOGNIZED = 1, LP_ERROR = 2 };

/* ---- Go's text and number helpers ---- */

struct str {
    const char *s;
    size_t n;
};

static struct str mkstr(const char *s, size_t n) { return (struct str){s, n}; }

static bool has_prefix(struct str s, const char *p)
{
    size_t n = strlen(p);
    return s.n >= n && memcmp(s.s, p, n) == 0;
}

static bool contains(struct str s, const char *p)
{
    size_t n = strlen(p);
    if (n > s.n)
        return false;
    for (size_t i = 0; i + n <= s.n; i++)
        if (s.s[i] == p[0] && memcmp(s.s + i, p, n) == 0)
            return true;
    return false;
}

/* Length of the Unicode white space (Go's unicode.IsSpace) starting at s[0], or 0. */
static size_t space_at(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return 1;
    if (c == 0xc2 && n >= 2 && (s[1] == 0x85 || s[1] == 0xa0))
        return 2;
    if (n >= 3) {
        unsigned cp = 0;
        if (c == 0xe1 && s[1] == 0x9a && s[2] == 0x80)
            return 3; /* U+1680 */
        if (c == 0xe2 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80)
            cp = 0x2000 | ((unsigned)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
        if ((cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f)
            return 3;
        if (c == 0xe3 && s[1] == 0x80 && s[2] == 0x80)
            return 3; /* U+3000 */
    }
    return 0;
}

/* Length of the Unicode white space ending at s[n-1], or 0. */
static size_t space_before(const unsigned char *s, size_t n)
{
    for (size_t k = 1; k <= 3 && k <= n; k++) {
        size_t m = space_at(s + n - k, k);
        if (m == k)
            return k;
    }
    return 0;
}

/* Go's strings.TrimSpace. */
static struct str trim_space(struct str s)
{
    const unsigned char *b = (const unsigned char *)s.s;
    size_t i = 0, j = s.n, k;
    while (i < j && (k = space_at(b + i, j - i)) != 0)
        i += k;
    while (j > i && (k = space_before(b + i, j - i)) != 0)
        j -= k;
    return mkstr(s.s + i, j - i);
}

static bool is_space_or_comment(struct str line)
{
    struct str t = trim_space(line);
    return t.n == 0 || t.s[0] == '#';
}

static bool is_memory_map_sentinel(struct str line)
{
    return contains(line, "--- Memory map: ---") || contains(line, "MAPPED_LIBRARIES:");
}

static int digit_val(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/* Go's strconv underscoreOK: underscores only between digits (or after a base prefix). */
static bool underscore_ok(struct str s)
{
    char saw = '^';
    size_t i = 0;
    if (s.n >= 1 && (s.s[0] == '-' || s.s[0] == '+')) {
        s.s++;
        s.n--;
    }
    bool hex = false;
    if (s.n >= 2 && s.s[0] == '0') {
        char c = (char)(s.s[1] | 0x20);
        if (c == 'b' || c == 'o' || c == 'x') {
            i = 2;
            saw = '0';
            hex = c == 'x';
        }
    }
    for (; i < s.n; i++) {
        char c = s.s[i], l = (char)(c | 0x20);
        if ((c >= '0' && c <= '9') || (hex && l >= 'a' && l <= 'f')) {
            saw = '0';
            continue;
        }
        if (c == '_') {
            if (saw != '0')
                return false;
            saw = '_';
            continue;
        }
        if (saw == '_')
            return false;
        saw = '!';
    }
    return saw != '_';
}

enum { NUM_OK = 0, NUM_SYNTAX = 1, NUM_RANGE = 2 };

/* Go's strconv.ParseUint(s, base, 64) for base 0, 10 or 16. */
static int parse_uint(struct str s0, int base, uint64_t *out)
{
    struct str s = s0;
    *out = 0;
    if (s.n == 0)
        return NUM_SYNTAX;
    bool base0 = base == 0;
    if (base0) {
        base = 10;
        if (s.s[0] == '0') {
            char c = s.n >= 3 ? (char)(s.s[1] | 0x20) : 0;
            if (c == 'b' || c == 'o' || c == 'x') {
                base = c == 'b' ? 2 : c == 'o' ? 8 : 16;
                s.s += 2;
                s.n -= 2;
            } else {
                base = 8;
                s.s++;
                s.n--;
            }
        }
    }
    uint64_t cutoff = UINT64_MAX / (uint64_t)base + 1, n = 0;
    bool underscores = false;
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.s[i];
        if (c == '_' && base0) {
            underscores = true;
            continue;
        }
        int d = digit_val(c);
        if (d >= base)
            return NUM_SYNTAX;
        if (n >= cutoff) {
            *out = UINT64_MAX;
            return NUM_RANGE;
        }
        n *= (uint64_t)base;
        uint64_t n1 = n + (uint64_t)d;
        if (n1 < n) {
            *out = UINT64_MAX;
            return NUM_RANGE;
        }
        n = n1;
    }
    if (underscores && !underscore_ok(s0))
        return NUM_SYNTAX;
    *out = n;
    return NUM_OK;
}

/* Go's strconv.ParseInt(s, base, 64). */
static int parse_int(struct str s, int base, int64_t *out)
{
    *out = 0;
    if (s.n == 0)
        return NUM_SYNTAX;
    bool neg = false;
    struct str u = s;
    if (u.s[0] == '+' || u.s[0] == '-') {
        neg = u.s[0] == '-';
        u.s++;
        u.n--;
    }
    uint64_t v;
    int r = parse_uint(u, base, &v);
    if (r == NUM_OK && base == 0 && !underscore_ok(s) && memchr(s.s, '_', s.n))
        r = NUM_SYNTAX;
    if (r != NUM_OK)
        return r;
    if (!neg && v > (uint64_t)INT64_MAX)
        return NUM_RANGE;
    if (neg && v > (uint64_t)INT64_MAX + 1)
        return NUM_RANGE;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return NUM_OK;
}

static int64_t wrap_mul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }

/* Go's int64(f) on amd64: out of range (and NaN) is the minimum int64. */
static int64_t go_f2i(double f)
{
    if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0))
        return INT64_MIN;
    return (int64_t)f;
}

/*
 * Go's math.Exp on amd64 (src/math/exp_amd64.s, after N. Shibata's method):
 * x = e*ln2 + r, r reduced by 1/16, a degree-8 Taylor polynomial, squared
 * back four times, then scaled by 2^e.  Go uses fused multiply-adds when the
 * CPU has AVX and FMA; so does this.
 */
static double go_exp(double x)
{
    static int use_fma = -1;
    if (use_fma < 0) {
#if defined(__x86_64__) && defined(__GNUC__)
        __builtin_cpu_init();
        use_fma = __builtin_cpu_supports("avx") && __builtin_cpu_supports("fma");
#else
        use_fma = 0;
#endif
    }
    const double ln2u = 0.69314718055966295651160180568695068359375;
    const double ln2l = 0.28235290563031577122588448175013436025525412068e-12;
    const double log2e = 1.4426950408889634073599246810018920;
    const double c[8] = {2.4801587301587301587e-5, 1.9841269841269841270e-4, 1.3888888888888888889e-3,
                         8.3333333333333333333e-3, 4.1666666666666666667e-2, 1.6666666666666666667e-1,
                         0.5, 1.0};
    if (isnan(x) || x == INFINITY)
        return x;
    if (x == -INFINITY)
        return 0;
    if (x > 7.09782712893384e+02)
        return INFINITY;
    double t = log2e * x, rt = nearbyint(t);
    int32_t e = rt >= -2147483648.0 && rt <= 2147483647.0 ? (int32_t)rt : INT32_MIN;
    double fe = (double)e, r, q;
    if (use_fma) {
        r = fma(-fe, ln2u, x);
        r = fma(-fe, ln2l, r);
        r *= 0.0625;
        q = c[0];
        for (int i = 1; i < 8; i++)
            q = fma(q, r, c[i]);
        r *= q;
        for (int i = 0; i < 3; i++)
            r *= r + 2.0;
        r = fma(r, r + 2.0, 1.0);
    } else {
        volatile double v = fe * ln2u;
        r = x - v;
        v = fe * ln2l;
        r = r - v;
        r *= 0.0625;
        q = c[0] * r;
        for (int i = 1; i < 7; i++) {
            q += c[i];
            q *= r;
        }
        q += c[7];
        r *= q;
        for (int i = 0; i < 4; i++)
            r *= r + 2.0;
        r += 1.0;
    }
    int64_t b = (int64_t)e + 0x3ff;
    uint64_t bits;
    double scale;
    if (b <= 0) {
        if (b < -52)
            return 0;
        bits = (uint64_t)(b + 0x3fe) << 52;
        memcpy(&scale, &bits, sizeof(scale));
        r *= scale;
        b = 1;
    } else if (b >= 0x7ff) {
        return INFINITY;
    }
    bits = (uint64_t)b << 52;
    memcpy(&scale, &bits, sizeof(scale));
    return r * scale;
}

/* ---- lines as Go's bufio.Scanner splits them ---- */

#define SCAN_MAX_TOKEN 65536

struct scanner {
    const char *d;
    size_t len, pos;
    struct str tok; /* the current line; "" after the end */
    bool toolong;   /* stopped on a line of SCAN_MAX_TOKEN bytes or more */
    bool done;
};

static void scan_init(struct scanner *sc, const char *d, size_t len)
{
    memset(sc, 0, sizeof(*sc));
    sc->d = d;
    sc->len = len;
    sc->tok = mkstr("", 0);
}

static bool scan(struct scanner *sc)
{
    if (sc->done)
        return false;
    if (sc->pos >= sc->len) {
        sc->done = true;
        sc->tok = mkstr("", 0);
        return false;
    }
    const char *start = sc->d + sc->pos;
    size_t rest = sc->len - sc->pos;
    const char *nl = memchr(start, '\n', rest < SCAN_MAX_TOKEN ? rest : SCAN_MAX_TOKEN);
    size_t n;
    if (nl) {
        n = (size_t)(nl - start);
        sc->pos += n + 1;
    } else if (rest < SCAN_MAX_TOKEN) {
        n = rest;
        sc->pos = sc->len;
    } else {
        sc->toolong = true;
        sc->done = true;
        return false;
    }
    if (n > 0 && start[n - 1] == '\r')
        n--;
    sc->tok = mkstr(start, n);
    return true;
}

/* ---- regular expressions ---- */

/* Go's \s, \S, \d, \w and POSIX classes are ASCII: spelled out for PCRE2. */
#define SP "[\\t\\n\\f\\r ]"
#define NSP "[^\\t\\n\\f\\r ]"
#define XD "[0-9A-Fa-f]"

enum {
    RE_HEAP_HEADER,
    RE_HEAP_SAMPLE,
    RE_GROWTH_HEADER,
    RE_FRAG_HEADER,
    RE_JEMALLOC_HEADER,
    RE_JEMALLOC_THREAD,
    RE_JEMALLOC_BACKTRACE,
    RE_CONTENTION_SAMPLE,
    RE_THREADZ_START,
    RE_THREAD_START,
    RE_PROC_MAPS,
    RE_BRIEF_MAPS,
    RE_LOG_INFO,
    RE_JAVA_ATTRIBUTE,
    RE_JAVA_SAMPLE,
    RE_JAVA_LOCATION,
    RE_JAVA_FILE_LINE,
    RE_JAVA_PATH,
    RE_COUNT,
};

#define HEX_RANGE SP "*(?:0x)?(" XD "+)[\\t\\n\\f\\r -]?" SP "*(?:0x)?(" XD "+):?"
#define PERM "(?:" SP "+([-rwxp]+))?"

static const char *const re_src[RE_COUNT] = {
    [RE_HEAP_HEADER] = "heap profile: *(\\d+): *(\\d+) *\\[ *(\\d+): *(\\d+) *\\] *@ *(heap[_a-z0-9]*)/?(\\d*)",
    [RE_HEAP_SAMPLE] = "(-?\\d+): *(-?\\d+) *\\[ *(\\d+): *(\\d+) *\\] @([ x0-9a-f]*)",
    [RE_GROWTH_HEADER] = "heap profile: *(\\d+): *(\\d+) *\\[ *(\\d+): *(\\d+) *\\] @ growthz?",
    [RE_FRAG_HEADER] = "heap profile: *(\\d+): *(\\d+) *\\[ *(\\d+): *(\\d+) *\\] @ fragmentationz?",
    [RE_JEMALLOC_HEADER] = "^heap_v2/*(\\d+)$",
    [RE_JEMALLOC_THREAD] = "t(\\d+): (-?\\d+): *(-?\\d+) *\\[ *(\\d+): *(\\d+) *\\]",
    [RE_JEMALLOC_BACKTRACE] = "@([ x0-9a-f]*)",
    [RE_CONTENTION_SAMPLE] = "(\\d+) *(\\d+) @([ x0-9a-f]*)",
    [RE_THREADZ_START] = "--- threadz \\d+ ---",
    [RE_THREAD_START] = "--- Thread (" XD "+) \\(name: (.*)/(\\d+)\\) stack: ---",
    [RE_PROC_MAPS] = "^" HEX_RANGE PERM "(?:" SP "+(" XD "+))?" SP "+" XD "+:" XD "+" SP "+[0-9]+(?:" SP "+(" NSP
                     "+))?",
    [RE_BRIEF_MAPS] = "^" HEX_RANGE PERM "(?:" SP "+(" NSP "+))?(?:" SP "+\\(@(" XD "+)\\))?(?:" SP "+(" XD "+))?",
    [RE_LOG_INFO] = "^[^\\[\\]]+:[0-9]+\\]" SP,
    [RE_JAVA_ATTRIBUTE] = "([0-9A-Za-z_ ]+)=([0-9A-Za-z_ ]+)",
    [RE_JAVA_SAMPLE] = " *(\\d+) +(\\d+) +@ +([ x0-9a-f]*)",
    [RE_JAVA_LOCATION] = "^" SP "*0x(" XD "+)" SP "+(.*)" SP "*$",
    [RE_JAVA_FILE_LINE] = "^(.*)" SP "+\\((.+):(-?[0-9]+)\\)$",
    [RE_JAVA_PATH] = "^(.*)" SP "+\\((.*)\\)$",
};

#define MAX_CAPS 8

struct regexps {
    pcre2_code *code[RE_COUNT]; /* owned, compiled on first use */
    pcre2_match_data *md;       /* owned */
};

/* Captures of the last match: cap[i] (i = 0 the whole match); unset groups are "". */
struct match {
    struct str cap[MAX_CAPS];
    size_t start, end; /* of the whole match */
};

static bool re_match(struct regexps *rx, int id, struct str s, struct match *m)
{
    if (!rx->code[id]) {
        int ec;
        PCRE2_SIZE eo;
        rx->code[id] = pcre2_compile((PCRE2_SPTR)re_src[id], PCRE2_ZERO_TERMINATED, PCRE2_DOLLAR_ENDONLY, &ec, &eo,
                                     NULL);
        if (!rx->code[id])
            BUG("legacy regexp %d does not compile (offset %zu)", id, (size_t)eo);
        pcre2_jit_compile(rx->code[id], PCRE2_JIT_COMPLETE); /* matching falls back to the interpreter without */
    }
    if (!rx->md)
        rx->md = pcre2_match_data_create(MAX_CAPS, NULL);
    int rc = pcre2_match(rx->code[id], (PCRE2_SPTR)(s.n ? s.s : ""), s.n, 0, 0, rx->md, NULL);
    if (rc < 0)
        return false;
    if (m) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(rx->md);
        for (int i = 0; i < MAX_CAPS; i++) {
            if (i < rc && ov[2 * i] != PCRE2_UNSET)
                m->cap[i] = mkstr(s.s + ov[2 * i], ov[2 * i + 1] - ov[2 * i]);
            else
                m->cap[i] = mkstr("", 0);
        }
        m->start = ov[0];
        m->end = ov[1];
    }
    return true;
}

static void regexps_release(struct regexps *rx)
{
    for (int i = 0; i < RE_COUNT; i++)
        pcre2_code_free(rx->code[i]);
    pcre2_match_data_free(rx->md);
}

/* ---- the builder ---- */

struct lline {
    uint32_t fn;
    int64_t line;
};

struct lloc {
    uint64_t addr;
    int32_t mapping; /* index into maps, -1 = none */
    uint32_t line0, nlines; /* into lines */
    uint32_t id;     /* position in the final order + 1; 0 = not (yet) placed */
};

struct lsample {
    size_t loc0;  /* into slocs */
    uint32_t nlocs;
    size_t val0;  /* into vals */
    int64_t bytes;
    bool has_bytes;
    const char *thread; /* arena: jemalloc's thread label, or NULL */
};

struct lmap {
    uint64_t start, limit, offset;
    const char *file, *build_id; /* arena */
};

struct lfn {
    const char *name, *file; /* arena */
    uint32_t id;             /* final id; 0 = unused */
};

struct lp {
    struct profile *p; /* strings go to its arena */
    struct regexps *rx;
    struct prof_err *err;
    const char *types[4][2];
    size_t ntypes;
    const char *period_type, *period_unit;
    int64_t period, duration;

    struct lloc *locs;
    size_t nlocs, caplocs;
    struct u64map addr2loc;
    uint32_t *order; /* final location order (indices into locs) */
    size_t norder;

    struct lsample *samples;
    size_t nsamples, capsamples;
    uint32_t *slocs;
    size_t nslocs, capslocs;
    int64_t *vals;
    size_t nvals, capvals;

    struct lmap *maps;
    size_t nmaps, capmaps;

    struct lfn *fns;
    size_t nfns, capfns;
    struct lline *lines;
    size_t nlines, caplines;
};

static void lp_init(struct lp *lp, struct profile *p, struct regexps *rx, struct prof_err *err)
{
    memset(lp, 0, sizeof(*lp));
    lp->p = p;
    lp->rx = rx;
    lp->err = err;
    lp->period_type = lp->period_unit = "";
    u64map_init(&lp->addr2loc, 64);
}

static void lp_release(struct lp *lp)
{
    free(lp->locs);
    u64map_release(&lp->addr2loc);
    free(lp->order);
    free(lp->samples);
    free(lp->slocs);
    free(lp->vals);
    free(lp->maps);
    free(lp->fns);
    free(lp->lines);
}

static void lp_types(struct lp *lp, const char *t0, const char *u0, const char *t1, const char *u1)
{
    lp->ntypes = 0;
    if (t0) {
        lp->types[lp->ntypes][0] = t0;
        lp->types[lp->ntypes++][1] = u0;
    }
    if (t1) {
        lp->types[lp->ntypes][0] = t1;
        lp->types[lp->ntypes++][1] = u1;
    }
}

/* The location of addr (one per distinct address, as pprof's parsers keep). */
static uint32_t lp_loc(struct lp *lp, uint64_t addr)
{
    bool added;
    uint32_t *v = u64map_put(&lp->addr2loc, addr, (uint32_t)lp->nlocs, &added);
    if (!added)
        return *v;
    xgrow(&lp->locs, &lp->caplocs, lp->nlocs + 1, sizeof(*lp->locs));
    struct lloc *l = &lp->locs[lp->nlocs];
    memset(l, 0, sizeof(*l));
    l->addr = addr;
    l->mapping = -1;
    return (uint32_t)lp->nlocs++;
}

/* A new sample with values vals[0..nv) and the locations of addrs: each
 * address but the first is lowered by one when adjust_from is 1 (return
 * addresses moved onto their call), every one when it is 0, none when -1. */
static struct lsample *lp_sample(struct lp *lp, const int64_t *vals, size_t nv, const uint64_t *addrs,
                                 size_t naddrs, int adjust_from)
{
    xgrow(&lp->samples, &lp->capsamples, lp->nsamples + 1, sizeof(*lp->samples));
    struct lsample *s = &lp->samples[lp->nsamples++];
    memset(s, 0, sizeof(*s));
    s->loc0 = lp->nslocs;
    s->nlocs = (uint32_t)naddrs;
    xgrow(&lp->slocs, &lp->capslocs, lp->nslocs + naddrs, sizeof(*lp->slocs));
    for (size_t i = 0; i < naddrs; i++) {
        uint64_t a = addrs[i];
        if (adjust_from >= 0 && i >= (size_t)adjust_from)
            a--;
        lp->slocs[lp->nslocs++] = lp_loc(lp, a);
    }
    s->val0 = lp->nvals;
    xgrow(&lp->vals, &lp->capvals, lp->nvals + nv, sizeof(*lp->vals));
    memcpy(lp->vals + lp->nvals, vals, nv * sizeof(*vals));
    lp->nvals += nv;
    return s;
}

static char *lp_strdup(struct lp *lp, struct str s) { return arena_strndup(&lp->p->arena, s.s, s.n); }

static int lp_fail(struct lp *lp, const char *fmt, const char *a, const char *b)
{
    prof_errf(lp->err, PROF_EDATA, fmt, a, b);
    return LP_ERROR;
}

/* "strconv.ParseInt: parsing "S": value out of range" and friends, for messages. */
static const char *num_err(char *buf, size_t bufsz, const char *fn, struct str s, int code)
{
    snprintf(buf, bufsz, "strconv.%s: parsing \"%.*s\": %s", fn, (int)(s.n > 200 ? 200 : s.n), s.s,
             code == NUM_RANGE ? "value out of range" : "invalid syntax");
    return buf;
}

/* pprof's parseHexAddresses: every 0x[0-9a-f]+ in s.  -1 (with *bad set) when one exceeds 64 bits. */
static int hex_addresses(struct str s, uint64_t **out, size_t *n, size_t *cap, struct str *bad)
{
    *n = 0;
    for (size_t i = 0; i + 2 < s.n;) {
        if (s.s[i] == '0' && s.s[i + 1] == 'x' && digit_val((unsigned char)s.s[i + 2]) < 16 &&
            !(s.s[i + 2] >= 'A' && s.s[i + 2] <= 'F')) {
            size_t j = i + 2;
            while (j < s.n && ((s.s[j] >= '0' && s.s[j] <= '9') || (s.s[j] >= 'a' && s.s[j] <= 'f')))
                j++;
            uint64_t v;
            if (parse_uint(mkstr(s.s + i, j - i), 0, &v) != NUM_OK) {
                *bad = mkstr(s.s + i, j - i);
                return -1;
            }
            xgrow(out, cap, *n + 1, sizeof(**out));
            (*out)[(*n)++] = v;
            i = j;
        } else {
            i++;
        }
    }
    return 0;
}

/* ---- memory maps (ParseMemoryMap and the post-processing) ---- */

/* Go's strings.Replacer over "$attr" -> value pairs: at each position the
 * earliest-defined key that matches is replaced. */
struct attrs {
    struct str *kv; /* owned: key, value, key, value ... */
    size_t n, cap;  /* entries of kv */
};

static char *apply_attrs(const struct attrs *at, struct str line, size_t *outlen)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_grow(&sb, line.n);
    for (size_t i = 0; i < line.n;) {
        const struct str *hit = NULL;
        if (line.s[i] == '$')
            for (size_t k = 0; k < at->n; k += 2)
                if (at->kv[k].n <= line.n - i && memcmp(line.s + i, at->kv[k].s, at->kv[k].n) == 0) {
                    hit = &at->kv[k];
                    break;
                }
        if (hit) {
            strbuf_add(&sb, hit[1].s, hit[1].n);
            i += hit->n;
        } else {
            strbuf_addc(&sb, line.s[i++]);
        }
    }
    return strbuf_detach(&sb, outlen);
}

/* pprof's parseMappingEntry: 1 = a mapping, 0 = a non-executable entry, -1 = not a mapping line. */
static int mapping_entry(struct lp *lp, struct str l, struct lmap *m)
{
    struct match mt;
    struct str start, end, perm, file, offset, build_id = mkstr("", 0);
    if (re_match(lp->rx, RE_PROC_MAPS, l, &mt)) {
        start = mt.cap[1], end = mt.cap[2], perm = mt.cap[3], offset = mt.cap[4], file = mt.cap[5];
    } else if (re_match(lp->rx, RE_BRIEF_MAPS, l, &mt)) {
        start = mt.cap[1], end = mt.cap[2], perm = mt.cap[3], file = mt.cap[4], offset = mt.cap[5];
        build_id = mt.cap[6];
    } else {
        return -1;
    }
    if (perm.n && !memchr(perm.s, 'x', perm.n))
        return 0;
    memset(m, 0, sizeof(*m));
    if (parse_uint(start, 16, &m->start) || parse_uint(end, 16, &m->limit))
        return -1;
    if (offset.n && parse_uint(offset, 16, &m->offset))
        return -1;
    m->file = lp_strdup(lp, file);
    m->build_id = lp_strdup(lp, build_id);
    return 1;
}

/* libRx of massageMappings: `([.]so$|[.]so[._][0-9]+)`. */
static bool is_library(const char *f, size_t n)
{
    for (size_t i = 0; i + 3 <= n; i++) {
        if (memcmp(f + i, ".so", 3) != 0)
            continue;
        if (i + 3 == n)
            return true;
        if (i + 5 <= n && (f[i + 3] == '.' || f[i + 3] == '_') && f[i + 4] >= '0' && f[i + 4] <= '9')
            return true;
    }
    return false;
}

static bool adjacent(const struct lmap *a, const struct lmap *b)
{
    if (a->file[0] && b->file[0] && strcmp(a->file, b->file) != 0)
        return false;
    if (a->build_id[0] && b->build_id[0] && strcmp(a->build_id, b->build_id) != 0)
        return false;
    if (a->limit != b->start)
        return false;
    if (a->offset != 0 && b->offset != 0 && a->offset + (a->limit - a->start) != b->offset)
        return false;
    return true;
}

/* pprof's massageMappings.  Locations have no mapping yet at this point. */
static void massage_mappings(struct lp *lp)
{
    if (lp->nmaps > 1) {
        size_t k = 1;
        for (size_t i = 1; i < lp->nmaps; i++) {
            struct lmap *lm = &lp->maps[k - 1], *m = &lp->maps[i];
            if (adjacent(lm, m)) {
                lm->limit = m->limit;
                if (m->file[0])
                    lm->file = m->file;
                if (m->build_id[0])
                    lm->build_id = m->build_id;
                continue;
            }
            lp->maps[k++] = *m;
        }
        lp->nmaps = k;
    }
    /* The main binary (first mapping that is not a library or [special]) goes first. */
    for (size_t i = 0; i < lp->nmaps; i++) {
        const char *f = lp->maps[i].file;
        size_t n = strlen(f);
        char *clean = xmalloc(n + 1);
        size_t c = 0;
        for (size_t j = 0; j < n;) {
            if (n - j >= 9 && memcmp(f + j, "(deleted)", 9) == 0) {
                j += 9;
                continue;
            }
            clean[c++] = f[j++];
        }
        struct str t = trim_space(mkstr(clean, c));
        bool skip = t.n == 0 || is_library(t.s, t.n) || t.s[0] == '[';
        free(clean);
        if (skip)
            continue;
        struct lmap tmp = lp->maps[0];
        lp->maps[0] = lp->maps[i];
        lp->maps[i] = tmp;
        break;
    }
}

/* pprof's remapLocationIDs: the locations the samples use, in first-use order. */
static void remap_locations(struct lp *lp)
{
    free(lp->order);
    lp->order = xmalloc((lp->nlocs + 1) * sizeof(*lp->order));
    lp->norder = 0;
    for (size_t i = 0; i < lp->nlocs; i++)
        lp->locs[i].id = 0;
    for (size_t s = 0; s < lp->nsamples; s++) {
        const struct lsample *sm = &lp->samples[s];
        for (uint32_t k = 0; k < sm->nlocs; k++) {
            struct lloc *l = &lp->locs[lp->slocs[sm->loc0 + k]];
            if (l->id)
                continue;
            l->id = (uint32_t)++lp->norder;
            lp->order[lp->norder - 1] = lp->slocs[sm->loc0 + k];
        }
    }
}

/* pprof's remapMappingIDs over the ordered locations. */
static void remap_mappings(struct lp *lp)
{
    if (lp->nmaps > 1 && strncmp(lp->maps[0].file, "/anon_hugepage", 14) == 0 &&
        lp->maps[0].limit == lp->maps[1].start) {
        memmove(lp->maps, lp->maps + 1, (lp->nmaps - 1) * sizeof(*lp->maps));
        lp->nmaps--;
    }
    if (lp->nmaps > 0 && lp->maps[0].start - lp->maps[0].offset == 0x400000) {
        lp->maps[0].start = 0x400000;
        lp->maps[0].offset = 0;
    }
    int32_t fake = -1;
    for (size_t i = 0; i < lp->norder; i++) {
        struct lloc *l = &lp->locs[lp->order[i]];
        uint64_t a = l->addr;
        if (l->mapping >= 0 || a == 0)
            continue;
        for (size_t k = 0; k < lp->nmaps && l->mapping < 0; k++)
            if (lp->maps[k].start <= a && a < lp->maps[k].limit)
                l->mapping = (int32_t)k;
        for (size_t k = 0; k < lp->nmaps && l->mapping < 0; k++) {
            struct lmap *m = &lp->maps[k];
            if (m->offset != 0 && m->start - m->offset <= a && a < m->start) {
                m->start -= m->offset;
                m->offset = 0;
                l->mapping = (int32_t)k;
            }
        }
        if (l->mapping >= 0)
            continue;
        if (fake < 0) {
            xgrow(&lp->maps, &lp->capmaps, lp->nmaps + 1, sizeof(*lp->maps));
            struct lmap *m = &lp->maps[lp->nmaps];
            memset(m, 0, sizeof(*m));
            m->limit = UINT64_MAX;
            m->file = m->build_id = "";
            fake = (int32_t)lp->nmaps++;
        }
        l->mapping = fake;
    }
}

/* pprof's ParseMemoryMapFromScanner: mapping lines from sc on, then the renumbering. */
static int parse_memory_map(struct lp *lp, struct scanner *sc)
{
    struct attrs at = {NULL, 0, 0};
    while (scan(sc)) {
        struct str line = sc->tok;
        struct match mt;
        if (re_match(lp->rx, RE_LOG_INFO, line, &mt))
            line = mkstr(line.s + mt.end, line.n - mt.end);
        size_t n;
        char *buf = apply_attrs(&at, line, &n);
        struct lmap m;
        int r = mapping_entry(lp, mkstr(buf, n), &m);
        if (r < 0) {
            const char *eq = memchr(buf, '=', n);
            if (eq) {
                xgrow(&at.kv, &at.cap, at.n + 2, sizeof(*at.kv));
                struct str k = trim_space(mkstr(buf, (size_t)(eq - buf)));
                struct str v = trim_space(mkstr(eq + 1, n - (size_t)(eq - buf) - 1));
                char *key = arena_printf(&lp->p->arena, "$%.*s", (int)k.n, k.s);
                at.kv[at.n++] = mkstr(key, strlen(key));
                at.kv[at.n++] = mkstr(lp_strdup(lp, v), v.n);
            }
        } else if (r > 0) {
            xgrow(&lp->maps, &lp->capmaps, lp->nmaps + 1, sizeof(*lp->maps));
            lp->maps[lp->nmaps++] = m;
        }
        free(buf);
    }
    free(at.kv);
    if (sc->toolong)
        return lp_fail(lp, "%s%s", "bufio.Scanner: token too long", "");
    massage_mappings(lp);
    remap_locations(lp);
    remap_mappings(lp);
    return LP_OK;
}

/* pprof's parseAdditionalSections: skip to a memory map sentinel, parse the map. */
static int additional_sections(struct lp *lp, struct scanner *sc)
{
    while (!is_memory_map_sentinel(sc->tok) && scan(sc))
        ;
    if (sc->toolong)
        return lp_fail(lp, "%s%s", "bufio.Scanner: token too long", "");
    return parse_memory_map(lp, sc);
}

/* pprof's cleanupDuplicateLocations: a leaf repeated as leaf-1 is dropped. */
static void cleanup_duplicate_locations(struct lp *lp)
{
    for (size_t i = 0; i < lp->nsamples; i++) {
        struct lsample *s = &lp->samples[i];
        uint32_t *l = lp->slocs + s->loc0;
        if (s->nlocs > 1 && lp->locs[l[0]].addr == lp->locs[l[1]].addr + 1) {
            memmove(l + 1, l + 2, (s->nlocs - 2) * sizeof(*l));
            s->nlocs--;
        }
    }
}

/* ---- gperftools CPU profiles (binary) ---- */

struct words {
    const unsigned char *b;
    size_t n;
    bool nil; /* Go's nil slice: a read ran out of bytes */
    int kind; /* 0: 32-bit little endian, 1: 32 big, 2: 64 little, 3: 64 big */
};

static uint64_t word(struct words *w)
{
    size_t sz = w->kind < 2 ? 4 : 8;
    if (w->nil || w->n < sz) {
        w->nil = true;
        w->n = 0;
        return 0;
    }
    uint64_t v = 0;
    bool big = w->kind & 1;
    for (size_t i = 0; i < sz; i++)
        v |= (uint64_t)w->b[big ? sz - 1 - i : i] << (8 * i);
    w->b += sz;
    w->n -= sz;
    return v;
}

/* pprof's parseCPUSamples: records until the 0,1,0 trailer.  adjust lowers
 * every address but the leaf by one. */
static int cpu_samples(struct lp *lp, struct words *w, bool adjust)
{
    uint64_t *addrs = NULL;
    size_t cap = 0;
    int rc = LP_OK;
    while (!w->nil && w->n > 0) {
        uint64_t count = word(w), nstk = word(w);
        if (w->nil || nstk > w->n / 4) {
            rc = LP_UNRECOGNIZED;
            break;
        }
        xgrow(&addrs, &cap, nstk + 1, sizeof(*addrs));
        for (uint64_t i = 0; i < nstk; i++)
            addrs[i] = word(w);
        if (count == 0 && nstk == 1 && addrs[0] == 0)
            break;
        int64_t v[2] = {(int64_t)count, wrap_mul((int64_t)count, lp->period)};
        lp_sample(lp, v, 2, addrs, nstk, adjust ? 1 : -1);
    }
    free(addrs);
    return rc;
}

static int parse_java_locations(struct lp *lp, struct str rest);
static int java_aggregate(struct lp *lp);

static int parse_cpu(struct lp *lp, const unsigned char *data, size_t len)
{
    for (int kind = 0; kind < 4; kind++) {
        struct words w = {data, len, false, kind};
        uint64_t n1 = word(&w), n2 = word(&w), n3 = word(&w), n4 = word(&w), n5 = word(&w);
        if (w.nil || n1 != 0 || n2 != 3 || n4 == 0 || n5 != 0 || n3 > 1)
            continue;
        bool java = n3 == 1;
        lp_types(lp, "samples", "count", "cpu", "nanoseconds");
        lp->period_type = "cpu";
        lp->period_unit = "nanoseconds";
        lp->period = wrap_mul((int64_t)n4, 1000);
        int r = cpu_samples(lp, &w, !java);
        if (r != LP_OK)
            return r;
        struct str rest = w.nil ? mkstr("", 0) : mkstr((const char *)w.b, w.n);
        if (java) {
            r = parse_java_locations(lp, rest);
            return r != LP_OK ? r : java_aggregate(lp);
        }
        /* A second frame most samples share is the signal handler's: remove it (at most twice). */
        size_t margin = lp->nsamples / 32;
        for (int iter = 0; iter < 2; iter++) {
            struct u64map cnt;
            u64map_init(&cnt, 64);
            uint64_t found = 0;
            bool have = false;
            for (size_t i = 0; i < lp->nsamples && !have; i++) {
                const struct lsample *s = &lp->samples[i];
                if (s->nlocs <= 1)
                    continue;
                uint64_t a = lp->locs[lp->slocs[s->loc0 + 1]].addr;
                bool added;
                uint32_t *c = u64map_put(&cnt, a, 0, &added);
                ++*c;
                if (*c >= lp->nsamples - margin) {
                    found = a;
                    have = true;
                }
            }
            u64map_release(&cnt);
            if (!have)
                continue;
            for (size_t i = 0; i < lp->nsamples; i++) {
                struct lsample *s = &lp->samples[i];
                uint32_t *l = lp->slocs + s->loc0;
                if (s->nlocs > 1 && lp->locs[l[1]].addr == found) {
                    memmove(l + 1, l + 2, (s->nlocs - 2) * sizeof(*l));
                    s->nlocs--;
                }
            }
        }
        struct scanner sc;
        scan_init(&sc, rest.s, rest.n);
        r = parse_memory_map(lp, &sc);
        if (r != LP_OK)
            return r;
        cleanup_duplicate_locations(lp);
        return LP_OK;
    }
    return LP_UNRECOGNIZED;
}

/* ---- heap profiles ---- */

/* pprof's scaleHeapSample: unsample a Poisson-sampled (count, size) at rate. */
static void scale_heap_sample(int64_t *count, int64_t *size, int64_t rate)
{
    if (*count == 0 || *size == 0) {
        *count = *size = 0;
        return;
    }
    if (rate <= 1)
        return;
    double avg = (double)*size / (double)*count;
    double scale = 1 / (1 - go_exp(-avg / (double)rate));
    *count = go_f2i((double)*count * scale);
    *size = go_f2i((double)*size * scale);
}

enum { SAMPLING_NONE, SAMPLING_V2, SAMPLING_JEMALLOC };

/* addValues of parseHeapSample: append (count, size), unsampled. */
static int heap_values(struct lp *lp, struct str line, struct str cs, struct str ss, const char *label, int sampling,
                       int64_t *vals, size_t *nv, int64_t *blocksize)
{
    int64_t count, size;
    int r = parse_int(cs, 10, &count);
    struct str bad = cs;
    if (r == NUM_OK) {
        r = parse_int(ss, 10, &size);
        bad = ss;
    }
    if (r != NUM_OK) {
        char nb[300];
        char *l = arena_strndup(&lp->p->arena, line.s, line.n);
        return lp_fail(lp, "malformed sample: %s: %s", l, num_err(nb, sizeof(nb), "ParseInt", bad, r));
    }
    if (count == 0 && size != 0) {
        prof_errf(lp->err, PROF_EDATA, "%s count was 0 but %s bytes was %" PRId64, label, label, size);
        return LP_ERROR;
    }
    if (count != 0) {
        *blocksize = count == -1 && size == INT64_MIN ? INT64_MIN : size / count;
        if (sampling != SAMPLING_NONE)
            scale_heap_sample(&count, &size, lp->period);
    }
    vals[(*nv)++] = count;
    vals[(*nv)++] = size;
    return LP_OK;
}

static int parse_heap_sample(struct lp *lp, struct str line, int sampling, bool has_alloc, uint64_t **addrs,
                             size_t *naddrs, size_t *cap)
{
    struct match m;
    if (!re_match(lp->rx, RE_HEAP_SAMPLE, line, &m)) {
        prof_errf(lp->err, PROF_EDATA, "unexpected number of sample values: got 0, want 6");
        return LP_ERROR;
    }
    int64_t vals[4], blocksize = 0;
    size_t nv = 0;
    int r;
    if (has_alloc &&
        (r = heap_values(lp, line, m.cap[3], m.cap[4], "allocation", sampling, vals, &nv, &blocksize)) != LP_OK)
        return r;
    if ((r = heap_values(lp, line, m.cap[1], m.cap[2], "inuse", sampling, vals, &nv, &blocksize)) != LP_OK)
        return r;
    struct str bad;
    if (hex_addresses(m.cap[5], addrs, naddrs, cap, &bad)) {
        char *l = arena_strndup(&lp->p->arena, line.s, line.n);
        char *b = arena_printf(&lp->p->arena, "failed to parse as hex 64-bit number: %.*s", (int)bad.n, bad.s);
        return lp_fail(lp, "malformed sample: %s: %s", l, b);
    }
    struct lsample *s = lp_sample(lp, vals, nv, *addrs, *naddrs, 0);
    s->has_bytes = true;
    s->bytes = blocksize;
    return LP_OK;
}

/* jemalloc's per-thread line "tN: count: size [count: size]". */
struct jthread {
    struct str tid;
    int64_t vals[2];
    int64_t blocksize;
};

static int parse_jemalloc(struct lp *lp, struct scanner *sc)
{
    uint64_t *addrs = NULL;
    size_t naddrs = 0, cap = 0, nth = 0, capth = 0;
    struct jthread *th = NULL;
    int rc = LP_OK;
    while (rc == LP_OK && scan(sc)) {
        struct str line = trim_space(sc->tok);
        if (is_space_or_comment(line))
            continue;
        if (is_memory_map_sentinel(line))
            break;
        struct match m;
        bool thread = re_match(lp->rx, RE_JEMALLOC_THREAD, line, &m);
        if (thread && naddrs == 0)
            continue; /* per-thread values before any backtrace: the global totals */
        if (thread) {
            int64_t vals[2], blocksize = 0;
            size_t nv = 0;
            int r = heap_values(lp, line, m.cap[2], m.cap[3], "inuse", SAMPLING_JEMALLOC, vals, &nv, &blocksize);
            if (r != LP_OK) {
                char *inner = arena_strdup(&lp->p->arena, lp->err->msg);
                char *l = arena_strndup(&lp->p->arena, line.s, line.n);
                rc = lp_fail(lp, "malformed sample: %s: %s", l, inner);
                break;
            }
            /* A thread seen again in the same group replaces its values. */
            size_t k = 0;
            while (k < nth && !(th[k].tid.n == m.cap[1].n && memcmp(th[k].tid.s, m.cap[1].s, m.cap[1].n) == 0))
                k++;
            if (k == nth) {
                xgrow(&th, &capth, nth + 1, sizeof(*th));
                nth++;
            }
            th[k].tid = m.cap[1];
            th[k].vals[0] = vals[0];
            th[k].vals[1] = vals[1];
            th[k].blocksize = blocksize;
        }
        if (re_match(lp->rx, RE_JEMALLOC_BACKTRACE, line, &m)) {
            if (naddrs > 0 && nth > 0) {
                /* Complete the previous group: one sample per thread, by thread id (as strings). */
                for (size_t i = 1; i < nth; i++)
                    for (size_t j = i; j > 0; j--) {
                        struct str a = th[j - 1].tid, b = th[j].tid;
                        size_t mn = a.n < b.n ? a.n : b.n;
                        int c = memcmp(a.s, b.s, mn);
                        if (c < 0 || (c == 0 && a.n <= b.n))
                            break;
                        struct jthread t = th[j - 1];
                        th[j - 1] = th[j];
                        th[j] = t;
                    }
                for (size_t i = 0; i < nth; i++) {
                    struct lsample *s = lp_sample(lp, th[i].vals, 2, addrs, naddrs, 0);
                    s->has_bytes = true;
                    s->bytes = th[i].blocksize;
                    s->thread = lp_strdup(lp, th[i].tid);
                }
                naddrs = 0;
                nth = 0;
            }
            struct str bad;
            if (hex_addresses(m.cap[1], &addrs, &naddrs, &cap, &bad)) {
                prof_errf(lp->err, PROF_EDATA, "failed to parse as hex 64-bit number: %.*s", (int)bad.n, bad.s);
                rc = LP_ERROR;
            }
        }
    }
    free(addrs);
    free(th);
    if (rc != LP_OK)
        return rc;
    if (sc->toolong)
        return lp_fail(lp, "%s%s", "bufio.Scanner: token too long", "");
    return additional_sections(lp, sc);
}

static int parse_heap(struct lp *lp, const char *data, size_t len)
{
    struct scanner sc;
    scan_init(&sc, data, len);
    if (!scan(&sc))
        return sc.toolong ? lp_fail(lp, "%s%s", "bufio.Scanner: token too long", "") : LP_UNRECOGNIZED;
    struct str line = sc.tok;
    struct match m;
    int sampling = SAMPLING_NONE;
    bool has_alloc = false;
    lp->period_type = "space";
    lp->period_unit = "bytes";
    if (re_match(lp->rx, RE_HEAP_HEADER, line, &m)) {
        int64_t period = 0;
        if (m.cap[6].n && parse_int(m.cap[6], 10, &period) != NUM_OK)
            return LP_UNRECOGNIZED;
        if ((m.cap[3].n != m.cap[1].n || memcmp(m.cap[3].s, m.cap[1].s, m.cap[1].n) != 0) &&
            !(m.cap[3].n == 1 && m.cap[3].s[0] == '0'))
            has_alloc = true;
        if ((m.cap[4].n != m.cap[2].n || memcmp(m.cap[4].s, m.cap[2].s, m.cap[2].n) != 0) &&
            !(m.cap[4].n == 1 && m.cap[4].s[0] == '0'))
            has_alloc = true;
        struct str kind = m.cap[5];
        if ((kind.n == 8 && memcmp(kind.s, "heapz_v2", 8) == 0) || (kind.n == 7 && memcmp(kind.s, "heap_v2", 7) == 0)) {
            sampling = SAMPLING_V2;
            lp->period = period;
        } else if (kind.n == 11 && memcmp(kind.s, "heapprofile", 11) == 0) {
            lp->period = 1;
        } else if (kind.n == 4 && memcmp(kind.s, "heap", 4) == 0) {
            sampling = SAMPLING_V2;
            lp->period = period / 2;
        } else {
            return LP_UNRECOGNIZED;
        }
    } else if (re_match(lp->rx, RE_GROWTH_HEADER, line, NULL) || re_match(lp->rx, RE_FRAG_HEADER, line, NULL)) {
        lp->period = 1;
    } else if (re_match(lp->rx, RE_JEMALLOC_HEADER, line, &m)) {
        int64_t period = 0;
        if (m.cap[1].n && parse_int(m.cap[1], 10, &period) != NUM_OK)
            return LP_UNRECOGNIZED;
        lp->period = period;
        sampling = SAMPLING_JEMALLOC;
    } else {
        return LP_UNRECOGNIZED;
    }
    if (has_alloc) {
        lp_types(lp, "alloc_objects", "count", "alloc_space", "bytes");
        lp->types[2][0] = "inuse_objects";
        lp->types[2][1] = "count";
        lp->types[3][0] = "inuse_space";
        lp->types[3][1] = "bytes";
        lp->ntypes = 4;
    } else {
        lp_types(lp, "objects", "count", "space", "bytes");
    }
    if (sampling == SAMPLING_JEMALLOC)
        return parse_jemalloc(lp, &sc);

    uint64_t *addrs = NULL;
    size_t naddrs = 0, cap = 0;
    int rc = LP_OK;
    while (scan(&sc)) {
        line = trim_space(sc.tok);
        if (is_space_or_comment(line))
            continue;
        if (is_memory_map_sentinel(line))
            break;
        if ((rc = parse_heap_sample(lp, line, sampling, has_alloc, &addrs, &naddrs, &cap)) != LP_OK)
            break;
    }
    free(addrs);
    if (rc != LP_OK)
        return rc;
    if (sc.toolong)
        return lp_fail(lp, "%s%s", "bufio.Scanner: token too long", "");
    return additional_sections(lp, &sc);
}

/* ---- Go count profiles (goroutine, threadcreate) ---- */

/* countStartRE `\A(\S+) profile: total \d+\z`: the type, or an empty string. */
static struct str count_start(struct str l)
{
    size_t i = 0;
    while (i < l.n && l.s[i] != '\t' && l.s[i] != '\n' && l.s[i] != '\f' && l.s[i] != '\r' && l.s[i] != ' ')
        i++;
    const char *mid = " profile: total ";
    size_t ml = strlen(mid);
    if (i == 0 || l.n - i < ml + 1 || memcmp(l.s + i, mid, ml) != 0)
        return mkstr("", 0);
    for (size_t j = i + ml; j < l.n; j++)
        if (l.s[j] < '0' || l.s[j] > '9')
            return mkstr("", 0);
    return mkstr(l.s, i);
}

static int parse_go_count(struct lp *lp, const char *data, size_t len)
{
    struct scanner sc;
    scan_init(&sc, data, len);
    while (scan(&sc) && is_space_or_comment(sc.tok))
        ;
    if (sc.toolong)
        return lp_fail(lp, "%s%s", "bufio.Scanner: token too long", "");
    struct str type = count_start(sc.tok);
    if (type.n == 0)
        return LP_UNRECOGNIZED;
    const char *t = lp_strdup(lp, type);
    lp->period_type = t;
    lp->period_unit = "count";
    lp->period = 1;
    lp_types(lp, t, "count", NULL, NULL);
    uint64_t *addrs = NULL;
    size_t naddrs = 0, cap = 0;
    int rc = LP_OK;
    while (scan(&sc)) {
        struct str l = sc.tok;
        if (is_space_or_comment(l))
            continue;
        if (has_prefix(l, "---"))
            break;
        /* countRE `\A(\d+) @(( 0x[0-9a-f]+)+)\z` */
        size_t i = 0;
        while (i < l.n && l.s[i] >= '0' && l.s[i] <= '9')
            i++;
        struct str num = mkstr(l.s, i);
        bool ok = i > 0 && l.n - i >= 2 && l.s[i] == ' ' && l.s[i + 1] == '@';
        naddrs = 0;
        i += 2;
        while (ok && i < l.n) {
            if (l.n - i < 4 || l.s[i] != ' ' || l.s[i + 1] != '0' || l.s[i + 2] != 'x') {
                ok = false;
                break;
            }
            size_t j = i + 3;
            while (j < l.n && ((l.s[j] >= '0' && l.s[j] <= '9') || (l.s[j] >= 'a' && l.s[j] <= 'f')))
                j++;
            uint64_t a;
            if (j == i + 3 || parse_uint(mkstr(l.s + i + 1, j - i - 1), 0, &a) != NUM_OK) {
                ok = false;
                break;
            }
            xgrow(&addrs, &cap, naddrs + 1, sizeof(*addrs));
            addrs[naddrs++] = a;
            i = j;
        }
        int64_t n;
        if (!ok || naddrs == 0 || parse_int(num, 0, &n) != NUM_OK) {
            prof_errf(lp->err, PROF_EDATA, "malformed profile format");
            rc = LP_ERROR;
            break;
        }
        lp_sample(lp, &n, 1, addrs, naddrs, 0);
    }
    free(addrs);
    if (rc != LP_OK)
        return rc;
    if (sc.toolong)
        return lp_fail(lp, "%s%s", "bufio.Scanner: token too long", "");
    return additional_sections(lp, &sc);
}

/* ---- thread profiles ---- */

/* pprof's parseThreadSample: one thread's frames; *same when "same as previous thread". */
static int thread_sample(struct lp *lp, struct scanner *sc, struct str *next, uint64_t **addrs, size_t *naddrs,
                         size_t *cap, bool *same)
{
    struct str line = mkstr("", 0);
    *same = false;
    *naddrs = 0;
    uint64_t *part = NULL;
    size_t npart = 0, cappart = 0;
    while (scan(sc)) {
        line = trim_space(sc->tok);
        if (line.n == 0)
            continue;
        if (has_prefix(line, "---"))
            break;
        if (contains(line, "same as previous thread")) {
            *same = true;
            continue;
        }
        struct str bad;
        if (hex_addresses(line, &part, &npart, &cappart, &bad)) {
            free(part);
            char *l = arena_strndup(&lp->p->arena, line.s, line.n);
            char *b = arena_printf(&lp->p->arena, "failed to parse as hex 64-bit number: %.*s", (int)bad.n, bad.s);
            return lp_fail(lp, "malformed sample: %s: %s", l, b);
        }
        xgrow(addrs, cap, *naddrs + npart + 1, sizeof(**addrs));
        if (npart)
            memcpy(*addrs + *naddrs, part, npart * sizeof(*part));
        *naddrs += npart;
    }
    free(part);
    if (sc->toolong)
        return lp_fail(lp, "%s%s", "bufio.Scanner: token too long", "");
    *next = line;
    return LP_OK;
}

static int parse_thread(struct lp *lp, const char *data, size_t len)
{
    struct scanner sc;
    scan_init(&sc, data, len);
    while (scan(&sc) && is_space_or_comment(sc.tok))
        ;
    struct str line = sc.tok;
    if (re_match(lp->rx, RE_THREADZ_START, line, NULL)) {
        while (scan(&sc)) {
            line = sc.tok;
            if (is_memory_map_sentinel(line) || has_prefix(line, "-"))
                break;
        }
    } else if (!re_match(lp->rx, RE_THREAD_START, line, NULL)) {
        return LP_UNRECOGNIZED;
    }
    lp_types(lp, "thread", "count", NULL, NULL);
    lp->period_type = "thread";
    lp->period_unit = "count";
    lp->period = 1;
    uint64_t *addrs = NULL;
    size_t naddrs = 0, cap = 0;
    int rc = LP_OK;
    while (!is_memory_map_sentinel(line)) {
        if (has_prefix(line, "---- no stack trace for")) {
            line = mkstr("", 0);
            break;
        }
        if (!re_match(lp->rx, RE_THREAD_START, line, NULL)) {
            rc = LP_UNRECOGNIZED;
            break;
        }
        bool same;
        if ((rc = thread_sample(lp, &sc, &line, &addrs, &naddrs, &cap, &same)) != LP_OK)
            break;
        if (same || naddrs == 0) {
            if (lp->nsamples > 0)
                lp->vals[lp->samples[lp->nsamples - 1].val0]++;
            continue;
        }
        int64_t one = 1;
        lp_sample(lp, &one, 1, addrs, naddrs, 1);
    }
    free(addrs);
    if (rc != LP_OK)
        return rc;
    if ((rc = additional_sections(lp, &sc)) != LP_OK)
        return rc;
    cleanup_duplicate_locations(lp);
    return LP_OK;
}

/* ---- contention profiles ---- */

/* contentionSampleRE `(\d+) *(\d+) @([ x0-9a-f]*)` (with its backtracking into the first number). */
static int parse_contention(struct lp *lp, const char *data, size_t len)
{
    struct scanner sc;
    scan_init(&sc, data, len);
    if (!scan(&sc))
        return sc.toolong ? lp_fail(lp, "%s%s", "bufio.Scanner: token too long", "") : LP_UNRECOGNIZED;
    if (!has_prefix(sc.tok, "--- contentionz ") && !has_prefix(sc.tok, "--- mutex:") &&
        !has_prefix(sc.tok, "--- contention:"))
        return LP_UNRECOGNIZED;
    lp_types(lp, "contentions", "count", "delay", "nanoseconds");
    lp->period_type = "contentions";
    lp->period_unit = "count";
    lp->period = 1;
    int64_t cpu_hz = 0;
    while (scan(&sc)) {
        struct str line = trim_space(sc.tok);
        if (is_space_or_comment(line))
            continue;
        if (has_prefix(line, "---"))
            break;
        const char *eq = memchr(line.s, '=', line.n);
        if (!eq)
            break;
        struct str key = trim_space(mkstr(line.s, (size_t)(eq - line.s)));
        struct str val = trim_space(mkstr(eq + 1, line.n - (size_t)(eq - line.s) - 1));
#define KEY(k) (key.n == strlen(k) && memcmp(key.s, k, key.n) == 0)
        if (KEY("cycles/second")) {
            if (parse_int(val, 0, &cpu_hz) != NUM_OK)
                return LP_UNRECOGNIZED;
        } else if (KEY("sampling period")) {
            if (parse_int(val, 0, &lp->period) != NUM_OK)
                return LP_UNRECOGNIZED;
        } else if (KEY("ms since reset")) {
            int64_t ms;
            if (parse_int(val, 0, &ms) != NUM_OK)
                return LP_UNRECOGNIZED;
            lp->duration = wrap_mul(wrap_mul(ms, 1000), 1000);
        } else if (!KEY("discarded samples")) {
            return LP_UNRECOGNIZED; /* format, resolution (Java) and anything else */
        }
#undef KEY
    }
    if (sc.toolong)
        return lp_fail(lp, "%s%s", "bufio.Scanner: token too long", "");
    uint64_t *addrs = NULL;
    size_t naddrs = 0, cap = 0;
    int rc = LP_OK;
    for (;;) {
        struct str line = trim_space(sc.tok);
        if (has_prefix(line, "---"))
            break;
        if (!is_space_or_comment(line)) {
            struct match m;
            if (!re_match(lp->rx, RE_CONTENTION_SAMPLE, line, &m)) {
                rc = LP_UNRECOGNIZED;
                break;
            }
            int64_t v1, v2;
            int r = parse_int(m.cap[1], 10, &v1);
            struct str bad = m.cap[1];
            if (r == NUM_OK) {
                r = parse_int(m.cap[2], 10, &v2);
                bad = m.cap[2];
            }
            if (r != NUM_OK) {
                char nb[300];
                char *l = arena_strndup(&lp->p->arena, line.s, line.n);
                rc = lp_fail(lp, "malformed sample: %s: %s", l, num_err(nb, sizeof(nb), "ParseInt", bad, r));
                break;
            }
            if (lp->period > 0) {
                if (cpu_hz > 0) {
                    double ghz = (double)cpu_hz / 1e9;
                    v1 = go_f2i((double)v1 * (double)lp->period / ghz);
                }
                v2 = wrap_mul(v2, lp->period);
            }
            struct str bad2;
            if (hex_addresses(m.cap[3], &addrs, &naddrs, &cap, &bad2)) {
                char *l = arena_strndup(&lp->p->arena, line.s, line.n);
                char *b = arena_printf(&lp->p->arena, "failed to parse as hex 64-bit number: %.*s", (int)bad2.n,
                                       bad2.s);
                rc = lp_fail(lp, "malformed sample: %s: %s", l, b);
                break;
            }
            int64_t v[2] = {v2, v1};
            lp_sample(lp, v, 2, addrs, naddrs, 0);
        }
        if (!scan(&sc))
            break;
    }
    free(addrs);
    if (rc != LP_OK)
        return rc;
    if (sc.toolong)
        return lp_fail(lp, "%s%s", "bufio.Scanner: token too long", "");
    return additional_sections(lp, &sc);
}

/* ---- Java profiles ---- */

/* The function named name (and, when by_file, in file): one entry per distinct key. */
static uint32_t lp_function(struct lp *lp, struct u64map *byname, const char *name, const char *file, bool by_file)
{
    uint64_t h = hash_bytes(HASH_SEED, name, strlen(name));
    if (by_file)
        h = hash_bytes(h ^ 0xff, file, strlen(file));
    bool added;
    /* Keys colliding in the hash are told apart by probing on. */
    for (;; h++) {
        uint32_t *v = u64map_put(byname, h, (uint32_t)lp->nfns, &added);
        if (added)
            break;
        const struct lfn *f = &lp->fns[*v];
        if (strcmp(f->name, name) == 0 && (!by_file || strcmp(f->file, file) == 0))
            return *v;
    }
    xgrow(&lp->fns, &lp->capfns, lp->nfns + 1, sizeof(*lp->fns));
    lp->fns[lp->nfns].name = name;
    lp->fns[lp->nfns].file = file;
    lp->fns[lp->nfns].id = 0;
    return (uint32_t)lp->nfns++;
}

static uint32_t lp_add_line(struct lp *lp, uint32_t fn, int64_t line)
{
    xgrow(&lp->lines, &lp->caplines, lp->nlines + 1, sizeof(*lp->lines));
    lp->lines[lp->nlines].fn = fn;
    lp->lines[lp->nlines].line = line;
    return (uint32_t)lp->nlines++;
}

/* pprof's parseJavaLocations: "0x<addr> <method> (<file>:<line>)" lines name the locations. */
static int parse_java_locations(struct lp *lp, struct str rest)
{
    struct u64map byname;
    u64map_init(&byname, 64);
    size_t pos = 0;
    int rc = LP_OK;
    while (pos < rest.n) {
        const char *nl = memchr(rest.s + pos, '\n', rest.n - pos);
        size_t end = nl ? (size_t)(nl - rest.s) : rest.n;
        struct str line = trim_space(mkstr(rest.s + pos, end - pos));
        pos = nl ? end + 1 : rest.n;
        struct match m;
        if (line.n == 0 || !re_match(lp->rx, RE_JAVA_LOCATION, line, &m))
            continue;
        uint64_t addr;
        int r = parse_uint(m.cap[1], 16, &addr);
        if (r != NUM_OK) {
            char nb[300];
            char *l = arena_strndup(&lp->p->arena, line.s, line.n);
            rc = lp_fail(lp, "parsing sample %s: %s", l, num_err(nb, sizeof(nb), "ParseUint", m.cap[1], r));
            break;
        }
        uint32_t li;
        if (!u64map_get(&lp->addr2loc, addr, &li))
            continue;
        struct str what = m.cap[2], func, file = mkstr("", 0);
        int64_t lineno = 0;
        struct match fm;
        if (re_match(lp->rx, RE_JAVA_FILE_LINE, what, &fm)) {
            func = fm.cap[1];
            file = fm.cap[2];
            int64_t n;
            if (parse_int(fm.cap[3], 10, &n) == NUM_OK && n > 0)
                lineno = n;
        } else if (re_match(lp->rx, RE_JAVA_PATH, what, &fm)) {
            func = fm.cap[1];
            /* filepath.Base */
            struct str pth = fm.cap[2];
            while (pth.n > 1 && pth.s[pth.n - 1] == '/')
                pth.n--;
            size_t k = pth.n;
            while (k > 0 && pth.s[k - 1] != '/')
                k--;
            file = pth.n == 0 ? mkstr(".", 1) : mkstr(pth.s + k, pth.n - k);
        } else if (contains(what, "generated stub/JIT")) {
            func = mkstr("STUB", 4);
        } else {
            func = what;
        }
        uint32_t fn = lp_function(lp, &byname, lp_strdup(lp, func), lp_strdup(lp, file), false);
        struct lloc *l = &lp->locs[li];
        l->line0 = lp_add_line(lp, fn, lineno);
        l->nlines = 1;
        l->addr = 0;
    }
    u64map_release(&byname);
    if (rc != LP_OK)
        return rc;
    remap_locations(lp);
    remap_mappings(lp);
    return LP_OK;
}

/* Aggregate(true, true, true, true, false): every address goes; then CheckValid. */
static int java_aggregate(struct lp *lp)
{
    for (size_t i = 0; i < lp->nlocs; i++)
        lp->locs[i].addr = 0;
    if (lp->ntypes == 0 && lp->nsamples != 0) {
        prof_errf(lp->err, PROF_EDATA, "missing sample type information");
        return LP_ERROR;
    }
    return LP_OK;
}

static int parse_java_profile(struct lp *lp, const char *data, size_t len)
{
    const char *nl = memchr(data, '\n', len);
    if (!nl)
        return LP_UNRECOGNIZED;
    struct str header = trim_space(mkstr(data, (size_t)(nl - data) + 1));
    bool heap;
    if (header.n == 15 && memcmp(header.s, "--- heapz 1 ---", 15) == 0)
        heap = true;
    else if (header.n == 21 && memcmp(header.s, "--- contentionz 1 ---", 21) == 0)
        heap = false;
    else
        return LP_UNRECOGNIZED;
    struct str b = mkstr(nl + 1, len - (size_t)(nl + 1 - data));
    lp->ntypes = 0;
    /* parseJavaHeader: "attribute = value" lines. */
    for (;;) {
        const char *e = memchr(b.s, '\n', b.n);
        if (!e)
            break;
        struct str line = trim_space(mkstr(b.s, (size_t)(e - b.s)));
        if (line.n) {
            struct match m;
            if (!re_match(lp->rx, RE_JAVA_ATTRIBUTE, line, &m))
                break;
            struct str attr = trim_space(m.cap[1]), val = trim_space(m.cap[2]);
#define IS(v, lit) ((v).n == strlen(lit) && memcmp((v).s, lit, (v).n) == 0)
            if (IS(attr, "format")) {
                if (!IS(val, "java"))
                    return LP_UNRECOGNIZED;
            } else if (IS(attr, "resolution")) {
                const char *unit = lp_strdup(lp, val);
                if (heap)
                    lp_types(lp, "inuse_objects", "count", "inuse_space", unit);
                else
                    lp_types(lp, "contentions", "count", "delay", unit);
            } else if (!heap && IS(attr, "sampling period")) {
                lp->period_type = "contentions";
                lp->period_unit = "count";
                int r = parse_int(val, 0, &lp->period);
                if (r != NUM_OK) {
                    char nb[300];
                    char *l = arena_strndup(&lp->p->arena, line.s, line.n);
                    return lp_fail(lp, "failed to parse attribute %s: %s", l,
                                   num_err(nb, sizeof(nb), "ParseInt", val, r));
                }
            } else if (!heap && IS(attr, "ms since reset")) {
                int64_t ms;
                int r = parse_int(val, 0, &ms);
                if (r != NUM_OK) {
                    char nb[300];
                    char *l = arena_strndup(&lp->p->arena, line.s, line.n);
                    return lp_fail(lp, "failed to parse attribute %s: %s", l,
                                   num_err(nb, sizeof(nb), "ParseInt", val, r));
                }
                lp->duration = wrap_mul(wrap_mul(ms, 1000), 1000);
            } else {
                return LP_UNRECOGNIZED;
            }
#undef IS
        }
        b = mkstr(e + 1, b.n - (size_t)(e + 1 - b.s));
    }
    /* parseJavaSamples: "<size> <count> @ <addrs>". */
    uint64_t *addrs = NULL;
    size_t naddrs = 0, cap = 0;
    int rc = LP_OK;
    for (;;) {
        const char *e = memchr(b.s, '\n', b.n);
        if (!e)
            break;
        struct str line = trim_space(mkstr(b.s, (size_t)(e - b.s)));
        if (line.n) {
            struct match m;
            if (!re_match(lp->rx, RE_JAVA_SAMPLE, line, &m))
                break;
            struct str bad;
            if (hex_addresses(m.cap[3], &addrs, &naddrs, &cap, &bad)) {
                char *l = arena_strndup(&lp->p->arena, line.s, line.n);
                char *bb = arena_printf(&lp->p->arena, "failed to parse as hex 64-bit number: %.*s", (int)bad.n,
                                        bad.s);
                rc = lp_fail(lp, "malformed sample: %s: %s", l, bb);
                break;
            }
            int64_t v[2];
            int r = parse_int(m.cap[2], 0, &v[0]);
            struct str badn = m.cap[2];
            if (r == NUM_OK) {
                r = parse_int(m.cap[1], 0, &v[1]);
                badn = m.cap[1];
            }
            if (r != NUM_OK) {
                char nb[300];
                char *l = arena_strndup(&lp->p->arena, line.s, line.n);
                rc = lp_fail(lp, "parsing sample %s: %s", l, num_err(nb, sizeof(nb), "ParseInt", badn, r));
                break;
            }
            int64_t bytes = 0;
            if (heap) {
                if (v[0] == 0) {
                    char *l = arena_strndup(&lp->p->arena, line.s, line.n);
                    rc = lp_fail(lp, "parsing sample %s: %s", l, "second value must be non-zero");
                    break;
                }
                bytes = v[0] == -1 && v[1] == INT64_MIN ? INT64_MIN : v[1] / v[0];
                scale_heap_sample(&v[0], &v[1], 524288); /* Java's heapz sampling rate, 512 KiB */
            } else if (lp->period != 0) {
                v[0] = wrap_mul(v[0], lp->period);
                v[1] = wrap_mul(v[1], lp->period);
            }
            struct lsample *s = lp_sample(lp, v, 2, addrs, naddrs, -1);
            if (heap) {
                s->has_bytes = true;
                s->bytes = bytes;
            }
        }
        b = mkstr(e + 1, b.n - (size_t)(e + 1 - b.s));
    }
    free(addrs);
    if (rc != LP_OK)
        return rc;
    if ((rc = parse_java_locations(lp, b)) != LP_OK)
        return rc;
    return java_aggregate(lp);
}

/* ---- names from Go's debug=1 comments ---- */

/*
 * Go's debug=1 text follows each sample with one line per frame:
 * "#\t0x<pc>\t<function>+0x<off>\t<file>:<line>", innermost first, inlined
 * frames sharing their pc.  The pc is the location's address (the return
 * address minus one, as the parsers adjust).  The first block naming an
 * address gives its lines; a repeated function at one pc starts a new frame
 * (direct recursion), since Go never inlines a function into itself.
 *
 * Go (printStackRecord) leaves out the runtime frames before the first frame
 * it shows (allocator frames: they stay unnamed) and runtime.goexit.  So a
 * frame of the sample's stack without a comment after the first commented
 * one is runtime.goexit, and is named so (without file and line).
 */
struct d1stack {
    uint64_t *a;       /* owned: the sample line's addresses, lowered by one */
    size_t n, cap;
    uint8_t *covered;  /* owned: frames a comment named */
    size_t capc;
    size_t first;      /* first commented frame, SIZE_MAX if none yet */
    size_t next;       /* where the next frame's comment is looked for */
};

static void d1_name(struct lp *lp, uint32_t li, uint32_t fi, int64_t lineno, bool start)
{
    struct lloc *l = &lp->locs[li];
    if (start) {
        l->line0 = (uint32_t)lp->nlines;
        l->nlines = 0;
    }
    lp_add_line(lp, fi, lineno);
    l->nlines++;
}

/* The block of st ends: its uncommented frames after the first commented one are runtime.goexit. */
static void d1_end_block(struct lp *lp, struct d1stack *st, uint8_t *done, struct u64map *byname)
{
    for (size_t k = st->first == SIZE_MAX ? st->n : st->first + 1; k < st->n; k++) {
        uint32_t li;
        if (st->covered[k] || !u64map_get(&lp->addr2loc, st->a[k], &li) || done[li] || lp->locs[li].nlines)
            continue;
        done[li] = 1;
        d1_name(lp, li, lp_function(lp, byname, "runtime.goexit", "", true), 0, true);
    }
    st->n = 0;
    st->first = SIZE_MAX;
    st->next = 0;
}

static void debug1_names(struct lp *lp, const char *data, size_t len)
{
    struct u64map byname;
    u64map_init(&byname, 64);
    uint8_t *done = xcalloc(lp->nlocs + 1, 1); /* named by an earlier block */
    struct d1stack st = {NULL, 0, 0, NULL, 0, SIZE_MAX, 0};
    bool in_frame = false;            /* the previous line was a frame's comment */
    bool naming = false;              /* ... and named its location */
    uint64_t cur_addr = 0;            /* that frame's pc */
    uint32_t cur_first_fn = UINT32_MAX; /* and its first function */
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        struct str line = mkstr(data + pos, end - pos);
        pos = nl ? end + 1 : len;
        if (line.n == 0 || line.s[0] != '#') {
            /* A sample line (or anything else) ends the block; a sample line starts the next stack. */
            d1_end_block(lp, &st, done, &byname);
            in_frame = naming = false;
            const char *at = NULL;
            for (size_t k = line.n; k > 0 && !at; k--)
                if (line.s[k - 1] == '@')
                    at = line.s + k;
            struct str bad;
            if (at && hex_addresses(mkstr(at, (size_t)(line.s + line.n - at)), &st.a, &st.n, &st.cap, &bad) == 0) {
                for (size_t k = 0; k < st.n; k++)
                    st.a[k]--;
                xgrow(&st.covered, &st.capc, st.n + 1, 1);
                memset(st.covered, 0, st.n + 1);
            } else {
                st.n = 0;
            }
            continue;
        }
        /* Fields separated by tabs (or spaces): address, function+offset, file:line. */
        struct str f[3];
        size_t nf = 0, i = 1;
        while (nf < 3) {
            while (i < line.n && (line.s[i] == '\t' || line.s[i] == ' '))
                i++;
            if (i >= line.n)
                break;
            size_t j = i;
            while (j < line.n && line.s[j] != '\t' && (nf == 1 || line.s[j] != ' '))
                j++;
            f[nf++] = mkstr(line.s + i, j - i);
            i = j;
        }
        uint64_t addr;
        if (nf < 1 || !has_prefix(f[0], "0x") || parse_uint(f[0], 0, &addr) != NUM_OK) {
            in_frame = naming = false;
            continue;
        }
        /* Which frame of the stack this comment is (an address-only comment names nothing). */
        uint32_t li = UINT32_MAX, fi = UINT32_MAX;
        int64_t lineno = 0;
        if (nf == 3 && u64map_get(&lp->addr2loc, addr, &li)) {
            /* The file:line field runs to the end of the line. */
            struct str fl = trim_space(mkstr(f[2].s, (size_t)(line.s + line.n - f[2].s)));
            struct str fn = f[1];
            for (size_t k = fn.n; k > 0; k--)
                if (fn.s[k - 1] == '+') {
                    if (has_prefix(mkstr(fn.s + k, fn.n - k), "0x"))
                        fn.n = k - 1;
                    break;
                }
            struct str file = fl;
            for (size_t k = fl.n; k > 0; k--)
                if (fl.s[k - 1] == ':') {
                    int64_t n;
                    if (parse_int(mkstr(fl.s + k, fl.n - k), 10, &n) == NUM_OK) {
                        file.n = k - 1;
                        lineno = n;
                    }
                    break;
                }
            fi = lp_function(lp, &byname, lp_strdup(lp, fn), lp_strdup(lp, file), true);
        }
        bool new_frame = !in_frame || addr != cur_addr || fi == UINT32_MAX || fi == cur_first_fn;
        if (!new_frame) {
            if (naming)
                d1_name(lp, li, fi, lineno, false); /* an inlined frame at the same pc */
            continue;
        }
        for (size_t k = st.next; k < st.n; k++)
            if (st.a[k] == addr) {
                st.covered[k] = 1;
                if (st.first == SIZE_MAX)
                    st.first = k;
                st.next = k + 1;
                break;
            }
        in_frame = true;
        cur_addr = addr;
        cur_first_fn = fi;
        /* The first block naming a location gives its lines (Java symbols stay). */
        naming = fi != UINT32_MAX && !done[li] && !lp->locs[li].nlines;
        if (naming) {
            done[li] = 1;
            d1_name(lp, li, fi, lineno, true);
        }
    }
    d1_end_block(lp, &st, done, &byname);
    free(st.a);
    free(st.covered);
    free(done);
    u64map_release(&byname);
}

/* ---- the profile ---- */

/* addLegacyFrameInfo: what pprof prunes by default for each kind of profile. */
static const char *const alloc_rx =
    "calloc|cfree|malloc|free|memalign|do_memalign|(__)?posix_memalign|pvalloc|valloc|realloc|"
    "tcmalloc::.*|tc_calloc|tc_cfree|tc_malloc|tc_free|tc_memalign|tc_posix_memalign|tc_pvalloc|tc_valloc|"
    "tc_realloc|tc_new|tc_delete|tc_newarray|tc_deletearray|tc_new_nothrow|tc_newarray_nothrow|"
    "malloc_zone_malloc|malloc_zone_calloc|malloc_zone_valloc|malloc_zone_realloc|malloc_zone_memalign|"
    "malloc_zone_free|runtime\\..*|BaseArena::.*|(::)?do_malloc_no_errno|(::)?do_malloc_pages|(::)?do_malloc|"
    "DoSampledAllocation|MallocedMemBlock::MallocedMemBlock|_M_allocate|__builtin_(vec_)?delete|"
    "__builtin_(vec_)?new|__gnu_cxx::new_allocator::allocate|__libc_malloc|__malloc_alloc_template::allocate|"
    "allocate|cpp_alloc|operator new(\\[\\])?|simple_alloc::allocate";
static const char *const alloc_skip_rx = "runtime\\.panic|runtime\\.reflectcall|runtime\\.call[0-9]*";
static const char *const cpu_profiler_rx =
    "ProfileData::Add|ProfileData::prof_handler|CpuProfiler::prof_handler|__pthread_sighandler|__restore";
static const char *const lock_rx =
    "RecordLockProfileData|(base::)?RecordLockProfileData.*|(base::)?SubmitMutexProfileData.*|"
    "(base::)?SubmitSpinLockProfileData.*|(base::Mutex::)?AwaitCommon.*|(base::Mutex::)?Unlock.*|"
    "(base::Mutex::)?UnlockSlow.*|(base::Mutex::)?ReaderUnlock.*|(base::MutexLock::)?~MutexLock.*|"
    "(Mutex::)?AwaitCommon.*|(Mutex::)?Unlock.*|(Mutex::)?UnlockSlow.*|(Mutex::)?ReaderUnlock.*|"
    "(MutexLock::)?~MutexLock.*|(SpinLock::)?Unlock.*|(SpinLock::)?SlowUnlock.*|(SpinLockHolder::)?~SpinLockHolder.*";

static bool types_are(const struct lp *lp, const char *const *t, size_t n)
{
    if (lp->ntypes != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(lp->types[i][0], t[i]) != 0)
            return false;
    return true;
}

static void frame_info(const struct lp *lp, struct profile *p)
{
    static const char *const h1[] = {"allocations", "size"}, *const h2[] = {"objects", "space"},
                             *const h3[] = {"inuse_objects", "inuse_space"},
                             *const h4[] = {"alloc_objects", "alloc_space"},
                             *const h5[] = {"alloc_objects", "alloc_space", "inuse_objects", "inuse_space"},
                             *const c1[] = {"contentions", "delay"};
    if (types_are(lp, h1, 2) || types_are(lp, h2, 2) || types_are(lp, h3, 2) || types_are(lp, h4, 2) ||
        types_are(lp, h5, 4)) {
        p->drop_frames = alloc_rx;
        p->keep_frames = alloc_skip_rx;
    } else if (types_are(lp, c1, 2)) {
        p->drop_frames = lock_rx;
        p->keep_frames = "";
    } else {
        p->drop_frames = cpu_profiler_rx;
        p->keep_frames = "";
    }
}

/* Lay the builder out as the profile: dense indices in pprof's final order. */
static void build(struct lp *lp)
{
    struct profile *p = lp->p;
    struct arena *a = &p->arena;
    p->nsample_types = lp->ntypes;
    p->sample_types = ARENA_NEWN(a, struct prof_valuetype, lp->ntypes + 1);
    for (size_t i = 0; i < lp->ntypes; i++) {
        p->sample_types[i].type = lp->types[i][0];
        p->sample_types[i].unit = lp->types[i][1];
    }
    p->period_type.type = lp->period_type;
    p->period_type.unit = lp->period_unit;
    p->period = lp->period;
    p->duration_nanos = lp->duration;
    p->default_sample_type = p->doc_url = "";
    frame_info(lp, p);

    /* Functions: first use by the ordered locations. */
    uint32_t nf = 0;
    for (size_t i = 0; i < lp->nfns; i++)
        lp->fns[i].id = 0;
    for (size_t i = 0; i < lp->norder; i++) {
        const struct lloc *l = &lp->locs[lp->order[i]];
        for (uint32_t k = 0; k < l->nlines; k++) {
            struct lfn *f = &lp->fns[lp->lines[l->line0 + k].fn];
            if (!f->id)
                f->id = ++nf;
        }
    }
    p->nfunctions = nf;
    p->functions = ARENA_NEWN(a, struct prof_function, nf + 1);
    for (size_t i = 0; i < lp->nfns; i++) {
        const struct lfn *f = &lp->fns[i];
        if (!f->id)
            continue;
        struct prof_function *pf = &p->functions[f->id - 1];
        pf->id = f->id;
        pf->name = pf->system_name = f->name;
        pf->filename = f->file;
    }

    /* Mappings; with none at all, pprof's driver adds an empty one for every location. */
    bool fake = lp->nmaps == 0;
    p->nmappings = fake ? 1 : lp->nmaps;
    p->mappings = ARENA_NEWN(a, struct prof_mapping, p->nmappings);
    for (size_t i = 0; i < p->nmappings; i++) {
        struct prof_mapping *m = &p->mappings[i];
        m->id = i + 1;
        m->file = m->build_id = "";
        if (fake)
            continue;
        m->start = lp->maps[i].start;
        m->limit = lp->maps[i].limit;
        m->offset = lp->maps[i].offset;
        m->file = lp->maps[i].file;
        m->build_id = lp->maps[i].build_id;
    }

    p->nlocations = lp->norder;
    p->locations = ARENA_NEWN(a, struct prof_location, lp->norder + 1);
    for (size_t i = 0; i < lp->norder; i++) {
        const struct lloc *l = &lp->locs[lp->order[i]];
        struct prof_location *pl = &p->locations[i];
        pl->id = i + 1;
        pl->address = l->addr;
        pl->mapping = fake ? 0 : l->mapping >= 0 ? (uint32_t)l->mapping : PROF_NONE;
        pl->nlines = l->nlines;
        pl->lines = ARENA_NEWN(a, struct prof_line, l->nlines + 1);
        for (uint32_t k = 0; k < l->nlines; k++) {
            const struct lline *ln = &lp->lines[l->line0 + k];
            pl->lines[k].function = lp->fns[ln->fn].id - 1;
            pl->lines[k].line = ln->line;
        }
    }

    p->nsamples = lp->nsamples;
    p->samples = ARENA_NEWN(a, struct prof_sample, lp->nsamples + 1);
    for (size_t i = 0; i < lp->nsamples; i++) {
        const struct lsample *s = &lp->samples[i];
        struct prof_sample *ps = &p->samples[i];
        ps->nlocs = s->nlocs;
        ps->locs = arena_alloc(a, (s->nlocs + 1) * sizeof(uint32_t));
        for (uint32_t k = 0; k < s->nlocs; k++)
            ps->locs[k] = lp->locs[lp->slocs[s->loc0 + k]].id - 1;
        ps->values = arena_alloc(a, (lp->ntypes + 1) * sizeof(int64_t));
        if (lp->ntypes)
            memcpy(ps->values, lp->vals + s->val0, lp->ntypes * sizeof(int64_t));
        ps->nlabels = (uint32_t)((s->thread != NULL) + s->has_bytes);
        ps->labels = ps->nlabels ? ARENA_NEWN(a, struct prof_label, ps->nlabels) : NULL;
        uint32_t k = 0;
        if (s->has_bytes) {
            ps->labels[k].key = "bytes";
            ps->labels[k].str = NULL;
            ps->labels[k].num = s->bytes;
            ps->labels[k++].unit = "";
        }
        if (s->thread) {
            ps->labels[k].key = "thread";
            ps->labels[k].str = s->thread;
            ps->labels[k].unit = "";
        }
    }
    profile_intern_stacks(p);
}

typedef int (*text_parser)(struct lp *, const char *, size_t);

struct profile *legacy_parse(const unsigned char *data, size_t len, struct prof_err *err)
{
    static const text_parser text[] = {parse_heap, parse_go_count, parse_thread, parse_contention,
                                       parse_java_profile};
    err->code = PROF_OK;
    err->msg[0] = 0;
    struct regexps rx;
    memset(&rx, 0, sizeof(rx));
    struct profile *p = NULL;
    int rc = LP_UNRECOGNIZED;
    bool text_format = false;
    for (size_t i = 0; i <= PROF_ARRAY_LEN(text) && rc == LP_UNRECOGNIZED; i++) {
        profile_free(&p);
        p = xcalloc(1, sizeof(*p));
        arena_init(&p->arena, 1 << 16);
        struct lp lp;
        lp_init(&lp, p, &rx, err);
        if (i == 0) {
            rc = parse_cpu(&lp, data, len);
        } else {
            rc = text[i - 1](&lp, (const char *)data, len);
            text_format = true;
        }
        if (rc == LP_OK) {
            if (text_format && memmem(data, len, "\n#\t0x", 5))
                debug1_names(&lp, (const char *)data, len);
            build(&lp);
        }
        lp_release(&lp);
    }
    regexps_release(&rx);
    if (rc == LP_OK)
        return p;
    profile_free(&p);
    if (rc == LP_ERROR) {
        prof_err_prefix(err, "parsing profile");
        return NULL;
    }
    err->code = PROF_OK;
    return NULL;
}
