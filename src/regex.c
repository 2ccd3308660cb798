/*
 * regex.c: Go (RE2) regexps on top of PCRE2.
 *
 * regex_compile runs the pattern through a one-pass translator (struct xlat)
 * that follows Go's regexp/syntax grammar: it rejects what Go rejects but
 * PCRE2 would accept, and re-spells what both accept but read differently:
 *
 *   Go                      PCRE2 pattern emitted
 *   \s  \S                  [\t\n\f\r ] and its complement (PCRE2's \s has \v)
 *   \v                      \x{B} (in PCRE2 \v is vertical-space class)
 *   \d \w [:name:]          explicit ASCII ranges, so (?i) folds them as Go
 *                           does ((?i)\w matches U+212A KELVIN SIGN)
 *   \012 \0                octal characters, never backreferences
 *   \pC \PC                Cc|Cf|Co|Cs (PCRE2's C includes unassigned Cn)
 *   \p{Greek}               \p{sc:Greek} (PCRE2 >= 10.40 uses Script_Extensions)
 *   literal { (a{,3})       \{ (PCRE2 10.43+ reads {,3} as a repeat)
 *   class items             re-spelled one by one ([\d-z], [[.a.]], [:x:] ok)
 *   (?P<n>re) (?<n>re)      (re): names only matter for submatches
 *   ^* \b+ (assertions)     (?:^)* (PCRE2 cannot repeat an assertion)
 *   a(?i)*                  a*(?i) (the quantifier binds to a, as in Go)
 *   \x{D800} (surrogate)    \p{Cs}: accepted, never matches, as in Go
 *
 * Compile options: UTF with MATCH_INVALID_UTF, no UCP (NEVER_UCP), LF as
 * the only newline, DOLLAR_ENDONLY ($ is \z unless (?m)), ALT_CIRCUMFLEX
 * ((?m)^ also matches after a final \n), NEVER_BACKSLASH_C.
 *
 * Everything PCRE2 itself diagnoses (unbalanced parentheses, invalid UTF-8,
 * a trailing backslash, ...) is passed through and reported with PCRE2's
 * message.  The translator records, for every output byte, the source offset
 * it came from, so PCRE2's error offsets refer to the caller's pattern.
 *
 * Subjects: Go decodes each byte that does not start a valid UTF-8 sequence
 * as U+FFFD, so `.` and [^a] match it.  regex_match does the same: a subject
 * that is not valid UTF-8 is copied into a per-thread buffer with those bytes
 * replaced (plain ASCII is checked eight bytes at a time and used as is).
 *
 * Limits: PCRE2 backtracks while RE2 is linear-time, so a pathological
 * pattern (^(a+)+$ on "aaa...b") could run for ages.  A shared match context
 * caps the work per call at PCRE2's default-sized limits: 10,000,000 match
 * steps, depth 10,000,000 and 20 MB of heap for the interpreter.  That is far
 * beyond what real patterns need on function or file names, and a call that
 * hits a limit answers "no match" (about 50 ms of JIT time).  The JIT runs on
 * a per-thread JIT stack (up to 8 MB, mapped lazily); if it overflows, the
 * match is retried with the interpreter.  Repeated groups on subjects of a
 * megabyte or more ((a|b)*c on 1,000,000 bytes) also exhaust these limits
 * and answer "no match"; 100 KB subjects are fine.
 *
 * Known differences left (all outside pprof's practical use):
 *  - (?i) does not fold \p classes: Go's (?i)\p{Lu} also matches lowercase
 *    letters, prof's does not;
 *  - Unicode tables are PCRE2's (Unicode 14 in 10.42), not Go's;
 *  - (?<name>re) is accepted as in Go 1.22+ (Go 1.19 rejects it); duplicate
 *    group names are accepted, as in Go 1.19;
 *  - Go's size limits ("expression too large") are not reproduced; PCRE2
 *    rejects compiled patterns over its own limit (64 KB with the default
 *    link size, e.g. a 100,000-character literal) and more than about 500
 *    nested non-capturing groups, which Go accepts;
 *  - error messages are PCRE2's or prof's own wording, not Go's.
 */
#include "prof/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof/error.h"
#include "prof/strbuf.h"
#include "prof/util.h"

struct prof_regex {
    pcre2_code *code;
    char *pattern; /* as given by the caller */
    unsigned flags;
    bool jit;      /* JIT-compiled: match with pcre2_jit_match */
};

#define MATCH_LIMIT 10000000u
#define DEPTH_LIMIT 10000000u
#define HEAP_LIMIT_KIB 20000u
#define JIT_STACK_START (32u * 1024)
#define JIT_STACK_MAX (8u * 1024 * 1024)
/* Go's limits: repeat counts up to 1000, nesting depth 1000. */
#define MAX_REPEAT 1000
#define MAX_NEST 1000

#define NOT_GO " is not supported in Go (RE2) syntax"
#define NOT_GO_PL " are not supported in Go (RE2) syntax"

/* ---------------------------------------------------------------------- */
/* UTF-8, as Go's unicode/utf8 decodes it                                  */

/*
 * Length of the valid UTF-8 sequence at s[0..n) and its code point in *cp,
 * or 0 if s does not start with one (overlong forms, surrogates, code points
 * above U+10FFFF and truncated sequences are invalid, as in Go).
 */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v;
    unsigned char lo = 0x80, hi = 0xBF;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c < 0xC2)
        return 0;
    if (c < 0xE0) {
        len = 2;
        v = c & 0x1F;
    } else if (c < 0xF0) {
        len = 3;
        v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c < 0xF5) {
        len = 4;
        v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    v = (v << 6) | (s[1] & 0x3F);
    for (size_t i = 2; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

static bool is_alnum(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(int c) { return c >= '0' && c <= '9'; }

/* ---------------------------------------------------------------------- */
/* Unicode class names Go accepts (Go's unicode.Categories and .Scripts)   */

static const char *const go_categories[] = {
    "C",  "Cc", "Cf", "Co", "Cs", "L",  "Ll", "Lm", "Lo", "Lt", "Lu", "M",
    "Mc", "Me", "Mn", "N",  "Nd", "Nl", "No", "P",  "Pc", "Pd", "Pe", "Pf",
    "Pi", "Po", "Ps", "S",  "Sc", "Sk", "Sm", "So", "Z",  "Zl", "Zp", "Zs",
};

/* Script names of Unicode 15 (Go 1.21+; Go 1.19 knows those of Unicode 13). */
static const char *const go_scripts[] = {
    "Adlam", "Ahom", "Anatolian_Hieroglyphs", "Arabic", "Armenian", "Avestan",
    "Balinese", "Bamum", "Bassa_Vah", "Batak", "Bengali", "Bhaiksuki", "Bopomofo",
    "Brahmi", "Braille", "Buginese", "Buhid", "Canadian_Aboriginal", "Carian",
    "Caucasian_Albanian", "Chakma", "Cham", "Cherokee", "Chorasmian", "Common",
    "Coptic", "Cuneiform", "Cypriot", "Cypro_Minoan", "Cyrillic", "Deseret",
    "Devanagari", "Dives_Akuru", "Dogra", "Duployan", "Egyptian_Hieroglyphs",
    "Elbasan", "Elymaic", "Ethiopic", "Georgian", "Glagolitic", "Gothic", "Grantha",
    "Greek", "Gujarati", "Gunjala_Gondi", "Gurmukhi", "Han", "Hangul",
    "Hanifi_Rohingya", "Hanunoo", "Hatran", "Hebrew", "Hiragana", "Imperial_Aramaic",
    "Inherited", "Inscriptional_Pahlavi", "Inscriptional_Parthian", "Javanese",
    "Kaithi", "Kannada", "Katakana", "Kawi", "Kayah_Li", "Kharoshthi",
    "Khitan_Small_Script", "Khmer", "Khojki", "Khudawadi", "Lao", "Latin", "Lepcha",
    "Limbu", "Linear_A", "Linear_B", "Lisu", "Lycian", "Lydian", "Mahajani",
    "Makasar", "Malayalam", "Mandaic", "Manichaean", "Marchen", "Masaram_Gondi",
    "Medefaidrin", "Meetei_Mayek", "Mende_Kikakui", "Meroitic_Cursive",
    "Meroitic_Hieroglyphs", "Miao", "Modi", "Mongolian", "Mro", "Multani", "Myanmar",
    "Nabataean", "Nag_Mundari", "Nandinagari", "New_Tai_Lue", "Newa", "Nko", "Nushu",
    "Nyiakeng_Puachue_Hmong", "Ogham", "Ol_Chiki", "Old_Hungarian", "Old_Italic",
    "Old_North_Arabian", "Old_Permic", "Old_Persian", "Old_Sogdian",
    "Old_South_Arabian", "Old_Turkic", "Old_Uyghur", "Oriya", "Osage", "Osmanya",
    "Pahawh_Hmong", "Palmyrene", "Pau_Cin_Hau", "Phags_Pa", "Phoenician",
    "Psalter_Pahlavi", "Rejang", "Runic", "Samaritan", "Saurashtra", "Sharada",
    "Shavian", "Siddham", "SignWriting", "Sinhala", "Sogdian", "Sora_Sompeng",
    "Soyombo", "Sundanese", "Syloti_Nagri", "Syriac", "Tagalog", "Tagbanwa",
    "Tai_Le", "Tai_Tham", "Tai_Viet", "Takri", "Tamil", "Tangsa", "Tangut", "Telugu",
    "Thaana", "Thai", "Tibetan", "Tifinagh", "Tirhuta", "Toto", "Ugaritic", "Vai",
    "Vithkuqi", "Wancho", "Warang_Citi", "Yezidi", "Yi", "Zanabazar_Square",
};

static bool name_in(const char *const *list, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && memcmp(list[i], name, len) == 0)
            return true;
    return false;
}

/* ---------------------------------------------------------------------- */
/* ASCII classes, spelled out as ranges                                    */

/*
 * Go's POSIX classes ([:name:] inside a class) and Perl classes (\d \s \w),
 * as Go defines them.  They are emitted as explicit ranges rather than
 * PCRE2's own [:name:] and \w so that (?i) folds them as Go does (Go's
 * (?i)\w also matches U+017F and U+212A, the other case forms of s and k)
 * and \s leaves out \v.
 */
struct ascii_class {
    const char *name;
    int n;
    unsigned char r[8]; /* n [lo, hi] pairs */
};

static const struct ascii_class ascii_classes[] = {
    {"alnum", 3, {'0', '9', 'A', 'Z', 'a', 'z'}},
    {"alpha", 2, {'A', 'Z', 'a', 'z'}},
    {"ascii", 1, {0x00, 0x7F}},
    {"blank", 2, {'\t', '\t', ' ', ' '}},
    {"cntrl", 2, {0x00, 0x1F, 0x7F, 0x7F}},
    {"digit", 1, {'0', '9'}},
    {"graph", 1, {'!', '~'}},
    {"lower", 1, {'a', 'z'}},
    {"print", 1, {' ', '~'}},
    {"punct", 4, {'!', '/', ':', '@', '[', '`', '{', '~'}},
    {"space", 2, {'\t', '\r', ' ', ' '}},
    {"upper", 1, {'A', 'Z'}},
    {"word", 4, {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'}},
    {"xdigit", 3, {'0', '9', 'A', 'F', 'a', 'f'}},
};
static const struct ascii_class perl_d = {"d", 1, {'0', '9'}};
static const struct ascii_class perl_s = {"s", 3, {'\t', '\n', '\f', '\r', ' ', ' '}};
static const struct ascii_class perl_w = {"w", 4, {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'}};

/* A small set of code point ranges. */
struct rset {
    int n;
    uint32_t lo[24], hi[24];
};

static void rs_add(struct rset *s, uint32_t lo, uint32_t hi)
{
    int i = s->n;
    if (s->n >= (int)PROF_ARRAY_LEN(s->lo))
        BUG("regex: range set overflow");
    /* insertion sort by lo, then merge overlapping or adjacent ranges */
    while (i > 0 && s->lo[i - 1] > lo) {
        s->lo[i] = s->lo[i - 1];
        s->hi[i] = s->hi[i - 1];
        i--;
    }
    s->lo[i] = lo;
    s->hi[i] = hi;
    s->n++;
    for (i = 0; i + 1 < s->n;) {
        if (s->lo[i + 1] <= s->hi[i] + 1) {
            if (s->hi[i + 1] > s->hi[i])
                s->hi[i] = s->hi[i + 1];
            memmove(s->lo + i + 1, s->lo + i + 2, (size_t)(s->n - i - 2) * sizeof(s->lo[0]));
            memmove(s->hi + i + 1, s->hi + i + 2, (size_t)(s->n - i - 2) * sizeof(s->hi[0]));
            s->n--;
        } else {
            i++;
        }
    }
}

static bool rs_has(const struct rset *s, uint32_t c)
{
    for (int i = 0; i < s->n; i++)
        if (c >= s->lo[i] && c <= s->hi[i])
            return true;
    return false;
}

/* Close an ASCII set under Unicode simple case folding. */
static void rs_fold_ascii(struct rset *s)
{
    struct rset orig = *s; /* rs_add reorders s */
    for (int i = 0; i < orig.n; i++) {
        uint32_t lo = orig.lo[i], hi = orig.hi[i];
        uint32_t a = lo > 'A' ? lo : 'A', b = hi < 'Z' ? hi : 'Z';
        if (a <= b)
            rs_add(s, a + 32, b + 32);
        a = lo > 'a' ? lo : 'a';
        b = hi < 'z' ? hi : 'z';
        if (a <= b)
            rs_add(s, a - 32, b - 32);
    }
    if (rs_has(s, 's'))
        rs_add(s, 0x17F, 0x17F); /* LATIN SMALL LETTER LONG S */
    if (rs_has(s, 'k'))
        rs_add(s, 0x212A, 0x212A); /* KELVIN SIGN */
}

static void rs_negate(struct rset *s)
{
    struct rset t = {0};
    uint32_t next = 0;
    for (int i = 0; i < s->n; i++) {
        if (s->lo[i] > next)
            rs_add(&t, next, s->lo[i] - 1);
        next = s->hi[i] + 1;
    }
    if (next <= 0x10FFFF)
        rs_add(&t, next, 0x10FFFF);
    *s = t;
}

/* ---------------------------------------------------------------------- */
/* The translator                                                          */

enum { LAST_NONE, LAST_ITEM, LAST_ASSERT, LAST_REPEAT };

/* An open group; frame 0 is the whole pattern. */
struct frame {
    size_t out_start; /* output offset of its '(' */
    bool fold;        /* the (?i) state to restore at its ')' */
    bool capture;
    long prod;        /* largest product of nested repeat counts inside */
};

struct xlat {
    const char *src; /* the pattern being translated (possibly wrapped) */
    size_t len;
    size_t pos;      /* next source byte */
    size_t tok;      /* source offset of the construct being emitted */
    struct strbuf out;
    size_t *map;     /* map[k]: source offset for output byte k */
    size_t map_cap;
    bool fold;       /* (?i) in effect */
    struct frame *frames;
    size_t nframes, frames_cap;
    int captures;    /* open capturing groups */
    /* the last operand: output [atom_start, atom_end), what it is, and the
     * product of repeat counts inside it (Go's repeat-size rule) */
    int last;
    bool flags_after; /* a (?flags) group came after it */
    bool lazy;        /* LAST_REPEAT: the quantifier ended in '?' */
    size_t atom_start, atom_end;
    long atom_prod;
    size_t err_off;
    char err_msg[256];
};

static void insert(struct xlat *x, size_t at, const char *s, size_t n)
{
    size_t tail = x->out.len - at;
    xgrow(&x->map, &x->map_cap, x->out.len + n + 1, sizeof(*x->map));
    strbuf_grow(&x->out, n);
    memmove(x->out.buf + at + n, x->out.buf + at, tail + 1);
    memcpy(x->out.buf + at, s, n);
    x->out.len += n;
    memmove(x->map + at + n, x->map + at, tail * sizeof(*x->map));
    for (size_t i = 0; i < n; i++)
        x->map[at + i] = x->tok;
}

static void emit(struct xlat *x, const char *s, size_t n) { insert(x, x->out.len, s, n); }

static void emits(struct xlat *x, const char *s) { emit(x, s, strlen(s)); }

/* Emit code point cp as a literal, in or outside a character class. */
static void emit_cp(struct xlat *x, uint32_t cp)
{
    char buf[16];
    if (cp < 0x80 && is_alnum((int)cp)) {
        buf[0] = (char)cp;
        emit(x, buf, 1);
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
        /* Go accepts surrogates (they never match: a subject's invalid
         * bytes read as U+FFFD); PCRE2 rejects them.  \p{Cs} is the
         * never-matching equivalent that works in and outside classes. */
        emits(x, "\\p{Cs}");
    } else {
        int n = snprintf(buf, sizeof(buf), "\\x{%X}", (unsigned)cp);
        emit(x, buf, (size_t)n);
    }
}

/* Emit the class range lo-hi (inside a class), minus any surrogates. */
static void emit_range(struct xlat *x, uint32_t lo, uint32_t hi)
{
    if (lo <= 0xDFFF && hi >= 0xD800) {
        if (lo < 0xD800)
            emit_range(x, lo, 0xD7FF);
        emits(x, "\\p{Cs}");
        if (hi > 0xDFFF)
            emit_range(x, 0xE000, hi);
        return;
    }
    emit_cp(x, lo);
    if (hi != lo) {
        emits(x, "-");
        emit_cp(x, hi);
    }
}

static int xfail(struct xlat *x, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int xfail(struct xlat *x, size_t off, const char *fmt, ...)
{
    va_list ap;
    x->err_off = off;
    va_start(ap, fmt);
    vsnprintf(x->err_msg, sizeof(x->err_msg), fmt, ap);
    va_end(ap);
    return -1;
}

/* Operand bookkeeping: call atom_begin before emitting one, atom_end after. */
static void commit_atom(struct xlat *x)
{
    struct frame *f = &x->frames[x->nframes - 1];
    if (x->last != LAST_NONE && x->atom_prod > f->prod)
        f->prod = x->atom_prod;
}

static void atom_begin(struct xlat *x)
{
    commit_atom(x);
    x->atom_start = x->out.len;
}

static void atom_end(struct xlat *x, int kind, long prod)
{
    x->atom_end = x->out.len;
    x->last = kind;
    x->flags_after = false;
    x->atom_prod = prod;
}

/* Byte length of the (possibly invalid) UTF-8 character at src[at]. */
static size_t char_len(const struct xlat *x, size_t at)
{
    uint32_t cp;
    size_t n = utf8_decode((const unsigned char *)x->src + at, x->len - at, &cp);
    return n ? n : 1;
}

/* Report the escape sequence at src[at] as unsupported. */
static int bad_escape(struct xlat *x, size_t at)
{
    size_t n = 1 + char_len(x, at + 1);
    char c = x->src[at + 1];

    if (c == 'Z')
        return xfail(x, at, "\\Z" NOT_GO " (use \\z)");
    if ((c >= '1' && c <= '9') || c == 'g' || c == 'k')
        return xfail(x, at, "backreferences" NOT_GO_PL);
    return xfail(x, at, "invalid escape sequence %.*s (not supported in Go (RE2) syntax)",
                 (int)n, x->src + at);
}

/*
 * Parse the single-character escape at src[at] == '\\' (Go's set:
 * punctuation, octal, \x, \a \f \n \r \t \v).  Store the code point in *cp
 * and the offset after the escape in *end.  The caller has checked that a
 * character follows the backslash.
 */
static int parse_escape(struct xlat *x, size_t at, uint32_t *cp, size_t *end)
{
    const char *s = x->src;
    size_t i = at + 1;
    unsigned char c = (unsigned char)s[i];

    if (c < 0x80 && !is_alnum(c)) {
        *cp = c;
        *end = i + 1;
        return 0;
    }
    switch (c) {
    case '1': case '2': case '3': case '4': case '5': case '6': case '7':
        /* \1 alone is a backreference; \12 is octal */
        if (i + 1 >= x->len || s[i + 1] < '0' || s[i + 1] > '7')
            break;
        /* fall through */
    case '0': {
        uint32_t v = c - '0';
        i++;
        for (int k = 1; k < 3 && i < x->len && s[i] >= '0' && s[i] <= '7'; k++, i++)
            v = v * 8 + (uint32_t)(s[i] - '0');
        *cp = v;
        *end = i;
        return 0;
    }
    case 'x': {
        uint32_t v = 0;
        i++;
        if (i < x->len && s[i] == '{') {
            int nhex = 0;
            for (i++; i < x->len && s[i] != '}'; i++, nhex++) {
                int h = hex_digit((unsigned char)s[i]);
                if (h < 0)
                    break;
                v = v * 16 + (uint32_t)h;
                if (v > 0x10FFFF)
                    break;
            }
            if (i >= x->len || s[i] != '}' || nhex == 0)
                return xfail(x, at, "invalid escape sequence %.*s",
                             (int)(i - at + (i < x->len ? char_len(x, i) : 0)), s + at);
            *cp = v;
            *end = i + 1;
            return 0;
        }
        if (i + 1 < x->len && hex_digit((unsigned char)s[i]) >= 0 &&
            hex_digit((unsigned char)s[i + 1]) >= 0) {
            *cp = (uint32_t)(hex_digit((unsigned char)s[i]) * 16 +
                             hex_digit((unsigned char)s[i + 1]));
            *end = i + 2;
            return 0;
        }
        return xfail(x, at, "invalid escape sequence %.*s",
                     (int)(i - at + (i < x->len ? char_len(x, i) : 0)), s + at);
    }
    case 'a': *cp = 7; *end = i + 1; return 0;
    case 'f': *cp = '\f'; *end = i + 1; return 0;
    case 'n': *cp = '\n'; *end = i + 1; return 0;
    case 'r': *cp = '\r'; *end = i + 1; return 0;
    case 't': *cp = '\t'; *end = i + 1; return 0;
    case 'v': *cp = '\v'; *end = i + 1; return 0;
    default:
        break;
    }
    return bad_escape(x, at);
}

/*
 * Emit an ASCII class (negated or not) as ranges: inside a class the
 * negation has to be spelled out as the complement, and under (?i) that
 * complement must be taken of the case-folded set, as Go does.
 */
static void emit_ascii_class(struct xlat *x, const struct ascii_class *c, bool neg,
                             bool in_class)
{
    struct rset s = {0};
    for (int i = 0; i < c->n; i++)
        rs_add(&s, c->r[2 * i], c->r[2 * i + 1]);
    if (neg && in_class) {
        if (x->fold)
            rs_fold_ascii(&s);
        rs_negate(&s);
    }
    if (!in_class)
        emits(x, neg ? "[^" : "[");
    for (int i = 0; i < s.n; i++)
        emit_range(x, s.lo[i], s.hi[i]);
    if (!in_class)
        emits(x, "]");
}

/* Perl class escapes \d \D \s \S \w \W at src[at]; 1 if handled. */
static int perl_class(struct xlat *x, size_t at, bool in_class)
{
    const struct ascii_class *c;
    if (at + 1 >= x->len || x->src[at] != '\\')
        return 0;
    switch (x->src[at + 1]) {
    case 'd': case 'D': c = &perl_d; break;
    case 's': case 'S': c = &perl_s; break;
    case 'w': case 'W': c = &perl_w; break;
    default: return 0;
    }
    x->tok = at;
    emit_ascii_class(x, c, x->src[at + 1] < 'a', in_class);
    x->pos = at + 2;
    return 1;
}

/*
 * Unicode class \pX, \p{Name}, \PX, \P{Name}, \p{^Name} at src[at]: 0 if
 * there is none, 1 if translated, -1 on error.
 */
static int unicode_class(struct xlat *x, size_t at, bool in_class)
{
    const char *s = x->src;
    size_t name, name_len, end;
    bool neg;
    char buf[96];

    if (at + 1 >= x->len || s[at] != '\\' || (s[at + 1] != 'p' && s[at + 1] != 'P'))
        return 0;
    neg = s[at + 1] == 'P';
    if (at + 2 >= x->len)
        return xfail(x, at, "invalid character class range %.*s", 2, s + at);
    if (s[at + 2] != '{') {
        name = at + 2;
        name_len = char_len(x, name);
        end = name + name_len;
    } else {
        const char *close = memchr(s + at + 3, '}', x->len - (at + 3));
        if (!close)
            return xfail(x, at, "invalid character class range %.*s", (int)(x->len - at),
                         s + at);
        name = at + 3;
        name_len = (size_t)(close - (s + name));
        end = (size_t)(close - s) + 1;
    }
    if (name_len > 0 && s[name] == '^') {
        neg = !neg;
        name++;
        name_len--;
    }
    x->tok = at;
    if (name_len == 3 && memcmp(s + name, "Any", 3) == 0) {
        snprintf(buf, sizeof(buf), "\\%c{Any}", neg ? 'P' : 'p');
    } else if (name_len == 1 && s[name] == 'C') {
        /* Go's C is Cc|Cf|Co|Cs; PCRE2's also has Cn (unassigned).  The
         * complement is every other general category, Cn included. */
        snprintf(buf, sizeof(buf), "%s%s%s", in_class ? "" : "[",
                 neg ? "\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}\\p{Z}\\p{Cn}"
                     : "\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}",
                 in_class ? "" : "]");
    } else if (name_in(go_categories, PROF_ARRAY_LEN(go_categories), s + name, name_len)) {
        snprintf(buf, sizeof(buf), "\\%c{%.*s}", neg ? 'P' : 'p', (int)name_len, s + name);
    } else if (name_in(go_scripts, PROF_ARRAY_LEN(go_scripts), s + name, name_len)) {
        /* PCRE2 >= 10.40 reads \p{Greek} as Script_Extensions; Go uses Script. */
#if PCRE2_MAJOR > 10 || (PCRE2_MAJOR == 10 && PCRE2_MINOR >= 40)
        snprintf(buf, sizeof(buf), "\\%c{sc:%.*s}", neg ? 'P' : 'p', (int)name_len, s + name);
#else
        snprintf(buf, sizeof(buf), "\\%c{%.*s}", neg ? 'P' : 'p', (int)name_len, s + name);
#endif
    } else {
        return xfail(x, at, "invalid character class range %.*s", (int)(end - at), s + at);
    }
    emits(x, buf);
    x->pos = end;
    return 1;
}

/*
 * A class character at src[pos] (Go's parseClassChar): a literal or an
 * escape.  1 (and nothing consumed) for a trailing backslash or invalid
 * UTF-8, which PCRE2 then diagnoses.
 */
static int class_char(struct xlat *x, uint32_t *cp)
{
    size_t at = x->pos, n;
    if (x->src[at] == '\\') {
        if (at + 1 >= x->len)
            return 1;
        return parse_escape(x, at, cp, &x->pos);
    }
    n = utf8_decode((const unsigned char *)x->src + at, x->len - at, cp);
    if (n == 0)
        return 1;
    x->pos = at + n;
    return 0;
}

/*
 * A bracketed class at src[pos] == '['.  Go's grammar: optional ^; ] or -
 * first is literal; items are [:name:], \p classes, Perl classes, characters
 * and ranges a-z (a - before the closing ] is literal).  Every item is
 * re-spelled, so PCRE2-only syntax ([.x.], [=x=], \Q, a class escape as a
 * range end) never reaches PCRE2.
 */
static int parse_class(struct xlat *x)
{
    const char *s = x->src;
    bool first = true;

    x->tok = x->pos;
    x->pos++;
    emits(x, "[");
    if (x->pos < x->len && s[x->pos] == '^') {
        emits(x, "^");
        x->pos++;
    }
    while (x->pos >= x->len || s[x->pos] != ']' || first) {
        size_t at = x->pos;
        uint32_t lo, hi;
        int r;

        first = false;
        x->tok = at;
        if (at >= x->len)
            return 0; /* unterminated: PCRE2 says "missing terminating ]" */
        if (x->len - at > 2 && s[at] == '[' && s[at + 1] == ':') {
            /* Go: [: up to the next :] anywhere after it is a POSIX name */
            size_t k;
            for (k = at + 2; k + 1 < x->len; k++)
                if (s[k] == ':' && s[k + 1] == ']')
                    break;
            if (k + 1 < x->len) {
                size_t nb = at + 2;
                bool neg = s[nb] == '^';
                const struct ascii_class *c = NULL;
                nb += neg;
                for (size_t j = 0; j < PROF_ARRAY_LEN(ascii_classes); j++)
                    if (strlen(ascii_classes[j].name) == k - nb &&
                        memcmp(ascii_classes[j].name, s + nb, k - nb) == 0)
                        c = &ascii_classes[j];
                if (!c)
                    return xfail(x, at, "invalid character class range %.*s",
                                 (int)(k + 2 - at), s + at);
                emit_ascii_class(x, c, neg, true);
                x->pos = k + 2;
                continue;
            }
        }
        r = unicode_class(x, at, true);
        if (r < 0)
            return -1;
        if (r > 0 || perl_class(x, at, true))
            continue;
        r = class_char(x, &lo);
        if (r < 0)
            return -1;
        if (r > 0) {
            /* pass the raw byte through for PCRE2 to diagnose */
            emit(x, s + at, 1);
            x->pos = at + 1;
            continue;
        }
        hi = lo;
        if (x->pos + 1 < x->len && s[x->pos] == '-' && s[x->pos + 1] != ']') {
            x->pos++;
            r = class_char(x, &hi);
            if (r < 0)
                return -1;
            if (r > 0) {
                emit_cp(x, lo);
                emits(x, "-"); /* PCRE2 diagnoses what follows */
                continue;
            }
            if (hi < lo)
                return xfail(x, at, "invalid character class range %.*s",
                             (int)(x->pos - at), s + at);
        }
        emit_range(x, lo, hi);
    }
    x->tok = x->pos;
    emits(x, "]");
    x->pos++;
    return 0;
}

/*
 * A Go repeat count at src[pos] == '{': {n}, {n,} or {n,m}, decimal numbers
 * without leading zeros.  1 with min/max filled (max -1: unbounded; -2: a
 * number over 1000) if it is one, else 0: the { is then a literal.
 */
static int parse_count(const struct xlat *x, size_t *end, long *min, long *max)
{
    const char *s = x->src;
    size_t i = x->pos + 1;
    long v[2] = {0, -1};

    for (int n = 0; n < 2; n++) {
        long val = 0;
        if (i >= x->len || !is_digit(s[i]))
            return 0;
        if (s[i] == '0' && i + 1 < x->len && is_digit(s[i + 1]))
            return 0;
        for (; i < x->len && is_digit(s[i]); i++)
            if (val <= MAX_REPEAT)
                val = val * 10 + (s[i] - '0');
        v[n] = val > MAX_REPEAT ? -2 : val;
        if (n == 1 || i >= x->len || s[i] != ',') {
            if (n == 0)
                v[1] = v[0];
            break;
        }
        i++; /* the comma */
        if (i < x->len && s[i] == '}')
            break; /* {n,} */
    }
    if (i >= x->len || s[i] != '}')
        return 0;
    *min = v[0];
    *max = v[1];
    *end = i + 1;
    return 1;
}

/* A quantifier at src[pos]: *, +, ?, or a valid {...}.  0 if none. */
static int parse_quantifier(struct xlat *x)
{
    const char *s = x->src;
    size_t at = x->pos, end;
    char c = s[at];
    long min = 0, max = 0, prod = x->atom_prod;
    bool counted = c == '{';
    char buf[48];

    if (counted) {
        if (!parse_count(x, &end, &min, &max))
            return 0;
        if (min == -2 || max == -2 || (max >= 0 && min > max))
            return xfail(x, at, "invalid repeat count %.*s", (int)(end - at), s + at);
        if (min == max)
            snprintf(buf, sizeof(buf), "{%ld}", min);
        else if (max < 0)
            snprintf(buf, sizeof(buf), "{%ld,}", min);
        else
            snprintf(buf, sizeof(buf), "{%ld,%ld}", min, max);
    } else {
        end = at + 1;
        buf[0] = c;
        buf[1] = 0;
    }
    if (x->last == LAST_REPEAT && !x->flags_after) {
        if (c == '+' && !x->lazy)
            return xfail(x, at, "possessive quantifiers" NOT_GO_PL);
        return xfail(x, at, "invalid nested repetition operator %.*s", (int)(end - at),
                     s + at);
    }
    if (x->last == LAST_NONE)
        return xfail(x, at, "missing argument to repetition operator %.*s", (int)(end - at),
                     s + at);
    if (counted) {
        /* Go: nested counted repeats may multiply to at most 1000 */
        long m = max >= 0 ? max : min;
        prod = m == 0 ? 0 : m * (prod > 0 ? prod : 1);
        if ((min >= 2 || max >= 2) && prod > MAX_REPEAT)
            return xfail(x, at, "invalid repeat count %.*s", (int)(end - at), s + at);
    }
    x->lazy = end < x->len && s[end] == '?';
    if (x->lazy) {
        strcat(buf, "?");
        end++;
    }
    x->tok = at;
    /* Go repeats assertions (^* \b+) and, across a flag group, an operand
     * that is already repeated (a*(?i)*); PCRE2 needs a group for both. */
    if (x->last == LAST_ASSERT || x->last == LAST_REPEAT) {
        insert(x, x->atom_start, "(?:", 3);
        x->atom_end += 3;
        insert(x, x->atom_end, ")", 1);
        x->atom_end += 1;
    }
    /* after a flag group the quantifier still belongs to the operand
     * before it: a(?i)* is a* */
    insert(x, x->atom_end, buf, strlen(buf));
    x->atom_end += strlen(buf);
    x->pos = end;
    x->last = LAST_REPEAT;
    x->flags_after = false;
    x->atom_prod = prod;
    return 1;
}

/* Push a group frame for the '(' just emitted at output offset start. */
static void push_frame(struct xlat *x, size_t start, bool capture)
{
    struct frame *f;
    xgrow(&x->frames, &x->frames_cap, x->nframes + 1, sizeof(*x->frames));
    f = &x->frames[x->nframes++];
    f->out_start = start;
    f->fold = x->fold;
    f->capture = capture;
    f->prod = 0;
    x->captures += capture;
    x->last = LAST_NONE;
}

/*
 * The flag group at src[at] == '(' (after "(?" comes no other construct):
 * [imsU]* with at most one '-' (and a flag after it), then ':' (a
 * non-capturing group) or ')' (flags for the rest of the current group).
 */
static int parse_flags(struct xlat *x, size_t at)
{
    const char *s = x->src, *t = s + at + 2;
    size_t rest = x->len - at - 2, i, start;
    bool neg = false, saw = false, fold = x->fold;

    for (i = 0; i < rest; i++) {
        char c = t[i];
        if (c == 'i' || c == 'm' || c == 's' || c == 'U') {
            saw = true;
            if (c == 'i')
                fold = !neg;
        } else if (c == '-' && !neg) {
            neg = true;
            saw = false;
        } else if ((c == ':' || c == ')') && !(neg && !saw)) {
            break;
        } else {
            /* show "(?" and the flags up to the offending character */
            return xfail(x, at, "invalid or unsupported Perl syntax %.*s",
                         (int)(2 + i + char_len(x, at + 2 + i)), s + at);
        }
    }
    if (i >= rest)
        return xfail(x, at, "invalid or unsupported Perl syntax %.*s", (int)(2 + i), s + at);
    x->pos = at + 3 + i;
    if (t[i] == ')') {
        /* (?i): not an operand; a quantifier after it applies to what
         * came before, as in Go */
        if (i > 0)
            emit(x, s + at, 3 + i);
        x->fold = fold;
        if (x->last != LAST_NONE)
            x->flags_after = true;
        return 0;
    }
    commit_atom(x);
    start = x->out.len;
    emit(x, s + at, 3 + i);
    push_frame(x, start, false);
    x->fold = fold;
    return 0;
}

/* A group opener at src[pos] == '('. */
static int parse_group(struct xlat *x)
{
    const char *s = x->src;
    size_t at = x->pos, start;
    const char *t = s + at + 2; /* after "(?" */
    size_t rest = x->len - at;

    x->tok = at;
    if (rest >= 2 && s[at + 1] == '*')
        return xfail(x, at + 1, "missing argument to repetition operator * "
                                "(PCRE2 verbs" NOT_GO_PL ")");
    if (rest >= 2 && s[at + 1] == '?') {
        rest -= 2;
        /* named capture: (?P<name>re), (?<name>re) */
        if (rest >= 2 && ((t[0] == 'P' && t[1] == '<') ||
                          (t[0] == '<' && t[1] != '=' && t[1] != '!'))) {
            size_t nb = (size_t)(t - s) + (t[0] == 'P' ? 2 : 1), ne = nb, i;
            while (ne < x->len && s[ne] != '>')
                ne++;
            if (ne >= x->len)
                return xfail(x, at, "invalid named capture %.*s", (int)(x->len - at), s + at);
            for (i = nb; i < ne && (is_alnum(s[i]) || s[i] == '_'); i++)
                ;
            if (ne == nb || i < ne)
                return xfail(x, at, "invalid named capture %.*s", (int)(ne + 1 - at), s + at);
            /* the name only matters for submatch extraction: emit a plain
             * group (PCRE2 would also reject names starting with a digit) */
            x->pos = ne + 1;
        } else {
            switch (rest ? t[0] : 0) {
            case 'P':
                if (rest >= 2 && t[1] == '=')
                    return xfail(x, at, "backreferences" NOT_GO_PL);
                if (rest >= 2 && t[1] == '>')
                    return xfail(x, at, "recursion and subroutine calls" NOT_GO_PL);
                break;
            case '=': case '!': case '*':
                return xfail(x, at, "lookahead assertions" NOT_GO_PL);
            case '<':
                return xfail(x, at, "lookbehind assertions" NOT_GO_PL);
            case '>':
                return xfail(x, at, "atomic groups" NOT_GO_PL);
            case 'R': case '&': case '+':
            case '0': case '1': case '2': case '3': case '4':
            case '5': case '6': case '7': case '8': case '9':
                return xfail(x, at, "recursion and subroutine calls" NOT_GO_PL);
            case '-':
                if (rest >= 2 && is_digit(t[1]))
                    return xfail(x, at, "recursion and subroutine calls" NOT_GO_PL);
                break;
            case '(':
                return xfail(x, at, "conditional groups" NOT_GO_PL);
            case '#':
                return xfail(x, at, "comment groups" NOT_GO_PL);
            case '|':
                return xfail(x, at, "branch reset groups" NOT_GO_PL);
            case 'C':
                return xfail(x, at, "callouts" NOT_GO_PL);
            default:
                break;
            }
            return parse_flags(x, at);
        }
    } else {
        x->pos = at + 1;
    }
    /* a capturing group */
    if (x->captures + 1 >= MAX_NEST)
        return xfail(x, at, "expression nests too deeply");
    commit_atom(x);
    start = x->out.len;
    emits(x, "(");
    push_frame(x, start, true);
    return 0;
}

/* A ')' at src[pos]. */
static void close_group(struct xlat *x)
{
    x->tok = x->pos;
    x->pos++;
    if (x->nframes <= 1) {
        emits(x, ")"); /* unmatched: PCRE2 reports it */
        return;
    }
    commit_atom(x);
    {
        struct frame f = x->frames[--x->nframes];
        x->fold = f.fold;
        x->captures -= f.capture;
        emits(x, ")");
        x->atom_start = f.out_start;
        atom_end(x, LAST_ITEM, f.prod > 0 ? f.prod : 1);
    }
}

/* A top-level escape at src[pos] == '\\'. */
static int parse_top_escape(struct xlat *x)
{
    const char *s = x->src;
    size_t at = x->pos;
    uint32_t cp;
    int r;

    x->tok = at;
    if (at + 1 >= x->len) {
        /* trailing backslash: PCRE2 reports "\ at end of pattern" */
        emits(x, "\\");
        x->pos = at + 1;
        return 0;
    }
    switch (s[at + 1]) {
    case 'A': case 'b': case 'B': case 'z':
        atom_begin(x);
        emit(x, s + at, 2);
        atom_end(x, LAST_ASSERT, 1);
        x->pos = at + 2;
        return 0;
    case 'Q': {
        /* literal text up to \E or the end of the pattern */
        size_t i = at + 2, stop;
        for (stop = i; stop < x->len; stop++)
            if (s[stop] == '\\' && stop + 1 < x->len && s[stop + 1] == 'E')
                break;
        while (i < stop) {
            size_t n = utf8_decode((const unsigned char *)s + i, stop - i, &cp);
            x->tok = i;
            atom_begin(x);
            if (n == 0) {
                emit(x, s + i, 1); /* invalid UTF-8: PCRE2 reports it */
                i++;
            } else {
                emit_cp(x, cp);
                i += n;
            }
            atom_end(x, LAST_ITEM, 1);
        }
        x->pos = stop < x->len ? stop + 2 : stop;
        return 0;
    }
    default:
        break;
    }
    atom_begin(x);
    r = unicode_class(x, at, false);
    if (r < 0)
        return -1;
    if (r == 0 && !perl_class(x, at, false)) {
        if (parse_escape(x, at, &cp, &x->pos) < 0)
            return -1;
        emit_cp(x, cp);
    }
    atom_end(x, LAST_ITEM, 1);
    return 0;
}

static int translate(struct xlat *x)
{
    const char *s = x->src;

    push_frame(x, 0, false);
    while (x->pos < x->len) {
        size_t at = x->pos;
        char c = s[at];
        int r;

        x->tok = at;
        switch (c) {
        case '(':
            r = parse_group(x);
            break;
        case ')':
            close_group(x);
            r = 0;
            break;
        case '|':
            commit_atom(x);
            emits(x, "|");
            x->pos++;
            x->last = LAST_NONE;
            r = 0;
            break;
        case '[':
            atom_begin(x);
            r = parse_class(x);
            atom_end(x, LAST_ITEM, 1);
            break;
        case '\\':
            r = parse_top_escape(x);
            break;
        case '*': case '+': case '?': case '{':
            r = parse_quantifier(x);
            if (r != 0)
                break;
            /* a { that does not start a repeat count is a literal */
            atom_begin(x);
            emits(x, "\\{");
            atom_end(x, LAST_ITEM, 1);
            x->pos++;
            break;
        case '^': case '$':
            atom_begin(x);
            emit(x, &c, 1);
            atom_end(x, LAST_ASSERT, 1);
            x->pos++;
            r = 0;
            break;
        case '.':
            atom_begin(x);
            emit(x, &c, 1);
            atom_end(x, LAST_ITEM, 1);
            x->pos++;
            r = 0;
            break;
        case '}': case ']':
            atom_begin(x);
            emit_cp(x, (unsigned char)c);
            atom_end(x, LAST_ITEM, 1);
            x->pos++;
            r = 0;
            break;
        default: {
            /* a literal character; invalid UTF-8 passes through for PCRE2 */
            size_t n = char_len(x, at);
            atom_begin(x);
            emit(x, s + at, n);
            atom_end(x, LAST_ITEM, 1);
            x->pos = at + n;
            r = 0;
            break;
        }
        }
        if (r < 0)
            return -1;
    }
    x->tok = x->len;
    xgrow(&x->map, &x->map_cap, x->out.len + 1, sizeof(*x->map));
    x->map[x->out.len] = x->len;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Per-thread match state                                                  */

struct tls_state {
    pcre2_match_data *md;
    pcre2_jit_stack *jit_stack;
    bool jit_stack_failed;
    char *buf; /* scratch for subjects with invalid UTF-8 */
    size_t cap;
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static pthread_key_t tls_key;
static pcre2_match_context *match_ctx;
static _Thread_local struct tls_state *tls;

static void tls_free(void *p)
{
    struct tls_state *t = p;
    pcre2_match_data_free(t->md);
    pcre2_jit_stack_free(t->jit_stack);
    free(t->buf);
    free(t);
    tls = NULL;
}

/* JIT stack callback: the calling thread's stack, created on first use. */
static pcre2_jit_stack *jit_stack_cb(void *data)
{
    struct tls_state *t = tls;
    (void)data;
    if (!t)
        return NULL;
    if (!t->jit_stack && !t->jit_stack_failed) {
        t->jit_stack = pcre2_jit_stack_create(JIT_STACK_START, JIT_STACK_MAX, NULL);
        t->jit_stack_failed = t->jit_stack == NULL;
    }
    return t->jit_stack; /* NULL: PCRE2 uses 32 KB of the machine stack */
}

/* At exit: the exiting thread's state (key destructors only run when a
 * thread ends, never for the thread that calls exit()) and the globals, so
 * that nothing is left allocated (valgrind's leak check: tests/valgrind.sh). */
static void free_at_exit(void)
{
    if (tls) {
        pthread_setspecific(tls_key, NULL);
        tls_free(tls);
    }
    pcre2_match_context_free(match_ctx);
    match_ctx = NULL;
}

static void init_globals(void)
{
    if (pthread_key_create(&tls_key, tls_free) != 0)
        BUG("pthread_key_create failed");
    atexit(free_at_exit);
    match_ctx = pcre2_match_context_create(NULL);
    if (!match_ctx)
        BUG("out of memory creating a PCRE2 match context");
    pcre2_set_match_limit(match_ctx, MATCH_LIMIT);
    pcre2_set_depth_limit(match_ctx, DEPTH_LIMIT);
    pcre2_set_heap_limit(match_ctx, HEAP_LIMIT_KIB);
    pcre2_jit_stack_assign(match_ctx, jit_stack_cb, NULL);
}

static struct tls_state *get_tls(void)
{
    struct tls_state *t = tls;
    if (t)
        return t;
    pthread_once(&init_once, init_globals);
    t = xcalloc(1, sizeof(*t));
    /* one ovector pair: only "matched or not" is wanted (a match with more
     * groups than pairs returns 0, still a match) */
    t->md = pcre2_match_data_create(1, NULL);
    if (!t->md)
        BUG("out of memory creating PCRE2 match data");
    tls = t;
    pthread_setspecific(tls_key, t);
    return t;
}

/*
 * s as Go reads it: if it is not valid UTF-8, a copy in which every byte
 * that does not start a valid sequence is replaced by U+FFFD.
 */
static const char *go_subject(struct tls_state *t, const char *s, size_t *len)
{
    size_t n = *len, i = 0, o = 0;
    const unsigned char *u = (const unsigned char *)s;
    uint32_t cp;

    /* the common case, plain ASCII, eight bytes at a time */
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, u + i, 8);
        if (w & 0x8080808080808080ULL)
            break;
    }
    while (i < n && u[i] < 0x80)
        i++;
    while (i < n) {
        size_t k = utf8_decode(u + i, n - i, &cp);
        if (k == 0)
            break;
        i += k;
    }
    if (i == n)
        return s;
    if (t->cap < 3 * n)
        xgrow(&t->buf, &t->cap, 3 * n, 1);
    memcpy(t->buf, s, i);
    o = i;
    while (i < n) {
        size_t k;
        if (u[i] < 0x80) {
            t->buf[o++] = (char)u[i++];
            continue;
        }
        k = utf8_decode(u + i, n - i, &cp);
        if (k == 0) {
            memcpy(t->buf + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        } else {
            memcpy(t->buf + o, s + i, k);
            o += k;
            i += k;
        }
    }
    *len = o;
    return t->buf;
}

/* ---------------------------------------------------------------------- */
/* API                                                                     */

int regex_compile(struct prof_regex **out, const char *pattern, unsigned flags,
                  struct prof_err *err)
{
    struct xlat x;
    struct strbuf wrapped = STRBUF_INIT;
    size_t skip = 0, plen = strlen(pattern);
    pcre2_compile_context *cctx;
    pcre2_code *code;
    int errcode;
    PCRE2_SIZE erroff;
    uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY |
                       PCRE2_ALT_CIRCUMFLEX | PCRE2_NEVER_BACKSLASH_C | PCRE2_NEVER_UCP;

    *out = NULL;
    memset(&x, 0, sizeof(x));
    strbuf_init(&x.out);
    if (flags & REGEX_ANCHORED) {
        strbuf_adds(&wrapped, "^(?:");
        strbuf_add(&wrapped, pattern, plen);
        strbuf_adds(&wrapped, ")$");
        x.src = wrapped.buf;
        x.len = wrapped.len;
        skip = 4;
    } else {
        x.src = pattern;
        x.len = plen;
    }

    if (translate(&x) < 0) {
        size_t off = x.err_off >= skip ? x.err_off - skip : 0;
        if (off > plen)
            off = plen;
        prof_errf(err, PROF_EUSAGE, "%s at offset %zu in `%s`", x.err_msg, off, pattern);
        goto fail;
    }

    cctx = pcre2_compile_context_create(NULL);
    if (!cctx)
        BUG("out of memory creating a PCRE2 compile context");
    pcre2_set_newline(cctx, PCRE2_NEWLINE_LF);
    pcre2_set_parens_nest_limit(cctx, MAX_NEST + 100);
    code = pcre2_compile((PCRE2_SPTR)x.out.buf, x.out.len, options, &errcode, &erroff, cctx);
    pcre2_compile_context_free(cctx);
    if (!code) {
        PCRE2_UCHAR msg[256];
        size_t off = erroff <= x.out.len ? x.map[erroff] : x.len;
        off = off >= skip ? off - skip : 0;
        if (off > plen)
            off = plen;
        if (pcre2_get_error_message(errcode, msg, sizeof(msg)) < 0)
            snprintf((char *)msg, sizeof(msg), "PCRE2 error %d", errcode);
        prof_errf(err, PROF_EUSAGE, "%s at offset %zu in `%s`", (const char *)msg, off,
                  pattern);
        goto fail;
    }
    *out = xcalloc(1, sizeof(**out));
    /* the interpreter stays available if the JIT is missing or fails */
    (*out)->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
    (*out)->code = code;
    (*out)->pattern = xstrndup(pattern, plen);
    (*out)->flags = flags;
    strbuf_release(&x.out);
    strbuf_release(&wrapped);
    free(x.map);
    free(x.frames);
    return 0;

fail:
    strbuf_release(&x.out);
    strbuf_release(&wrapped);
    free(x.map);
    free(x.frames);
    return -1;
}

bool regex_match(const struct prof_regex *re, const char *s, size_t len)
{
    struct tls_state *t = get_tls();
    int rc;

    if (!s)
        s = "";
    s = go_subject(t, s, &len);
    if (re->jit) {
        /* the JIT fast path skips pcre2_match's option checks */
        rc = pcre2_jit_match(re->code, (PCRE2_SPTR)s, len, 0, 0, t->md, match_ctx);
        if (rc != PCRE2_ERROR_JIT_STACKLIMIT)
            return rc >= 0;
    }
    rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT, t->md,
                     match_ctx);
    /* rc 0: matched, ovector too small; negative: no match or a limit hit */
    return rc >= 0;
}

const char *regex_pattern(const struct prof_regex *re) { return re->pattern; }

void regex_free(struct prof_regex **re)
{
    if (!re || !*re)
        return;
    pcre2_code_free((*re)->code);
    free((*re)->pattern);
    free(*re);
    *re = NULL;
}
