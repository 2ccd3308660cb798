#include "prof/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "prof/strbuf.h"

int prof_errf(struct prof_err *err, enum prof_errcode code, const char *fmt, ...)
{
    va_list ap;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return -1;
}

void prof_err_prefix(struct prof_err *err, const char *fmt, ...)
{
    char prefix[256], old[sizeof(err->msg)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof(old));
    size_t np = strlen(prefix), no = strlen(old), cap = sizeof(err->msg) - 1;
    if (np > cap)
        np = cap;
    memcpy(err->msg, prefix, np);
    size_t n = np;
    for (const char *sep = ": "; *sep && n < cap; sep++)
        err->msg[n++] = *sep;
    if (no > cap - n)
        no = cap - n;
    memcpy(err->msg + n, old, no);
    err->msg[n + no] = 0;
}

int prof_err_status(const struct prof_err *err) { return err->code == PROF_EUSAGE ? 2 : 1; }

volatile sig_atomic_t prof_interrupted;

static struct strbuf *warn_sink;

void prof_warnf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (warn_sink) {
        strbuf_vaddf(warn_sink, fmt, ap);
        strbuf_addc(warn_sink, '\n');
    } else {
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
    }
    va_end(ap);
}

struct strbuf *prof_warn_capture(struct strbuf *sb)
{
    struct strbuf *old = warn_sink;
    warn_sink = sb;
    return old;
}
