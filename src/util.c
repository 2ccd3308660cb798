#include "prof/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void oom(size_t n)
{
    fprintf(stderr, "prof: out of memory allocating %zu bytes\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void xgrow(void *pp, size_t *cap, size_t need, size_t elem)
{
    void **p = pp;
    if (need <= *cap)
        return;
    size_t c = *cap ? *cap : 8;
    while (c < need)
        c *= 2;
    *p = xrealloc(*p, c * elem);
    *cap = c;
}

void prof_bug(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "prof: BUG: %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

const char *path_base(const char *path, char *out, size_t outsz)
{
    /* Go's filepath.Base: strip trailing slashes, take the last element,
     * "." for an empty path and "/" for a path of slashes only. */
    size_t n = strlen(path);
    if (n == 0) {
        snprintf(out, outsz, ".");
        return out;
    }
    while (n > 0 && path[n - 1] == '/')
        n--;
    if (n == 0) {
        snprintf(out, outsz, "/");
        return out;
    }
    size_t i = n;
    while (i > 0 && path[i - 1] != '/')
        i--;
    snprintf(out, outsz, "%.*s", (int)(n - i), path + i);
    return out;
}
