/**
 * util.h: allocation that never fails (it aborts on out-of-memory, like
 * cmark's xcalloc and redis's zmalloc), and small helpers shared by every
 * module.  Callers never check allocation results for NULL.
 */
#ifndef PROF_UTIL_H
#define PROF_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define PROF_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/** Grow *p (an array of elem-sized items with capacity *cap) to hold need items. */
void xgrow(void *pp, size_t *cap, size_t need, size_t elem);

/** Report an impossible state and abort (git's BUG()). */
#define BUG(...) prof_bug(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void prof_bug(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** The last path component of path, as Go's filepath.Base (borrowed into out). */
const char *path_base(const char *path, char *out, size_t outsz);

static inline int64_t abs64(int64_t v) { return v < 0 ? (int64_t)(0 - (uint64_t)v) : v; }
/** The value of hex digit c (either case), or -1. */
static inline int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
/** Go's x / y for int64 (y != 0): the most negative value divided by -1 is itself, not a trap. */
static inline int64_t div64(int64_t x, int64_t y) { return y == -1 ? (int64_t)(0 - (uint64_t)x) : x / y; }

/** 64-bit mixing hash (splitmix64 finaliser). */
static inline uint64_t hash_u64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/** FNV-1a over n bytes, continuing from h. */
static inline uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}
#define HASH_SEED 0xcbf29ce484222325ULL

#endif
