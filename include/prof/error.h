/**
 * error.h: the error convention.  A fallible function returns -1 and fills a
 * struct prof_err passed as its last argument (git's `return error(...)`);
 * only the driver prints it, once, as `prof: <msg>`.
 */
#ifndef PROF_ERROR_H
#define PROF_ERROR_H

#include <signal.h>

enum prof_errcode {
    PROF_OK = 0,
    PROF_EDATA,  /* the input is malformed: exit 1 */
    PROF_EIO,    /* a file could not be read or written: exit 1 */
    PROF_EUSAGE, /* bad flag, option value or regexp: exit 2 */
};

struct prof_err {
    enum prof_errcode code;
    char msg[512];
};

/** Fill err and return -1. */
int prof_errf(struct prof_err *err, enum prof_errcode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Prefix err's message with "<prefix>: ". */
void prof_err_prefix(struct prof_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** The exit status for err: 1 for data and I/O errors, 2 for usage errors. */
int prof_err_status(const struct prof_err *err);

/**
 * Set by the shell's SIGINT handler (never by the command line, where Ctrl-C
 * ends the process).  Long loops of a report stop early when it is set, and
 * report_run() then fails with "interrupted" and keeps nothing it computed.
 */
extern volatile sig_atomic_t prof_interrupted;
/** In a long loop over i: whether to stop (checked every 1024 steps). */
#define PROF_STOP(i) (((i) & 1023) == 0 && prof_interrupted)

struct strbuf;
/**
 * A warning line for stderr (pprof's "focus expression matched no samples"
 * and the like).  While a capture buffer is set, warnings go there instead,
 * so that the shell can repeat them when it reuses a cached result.
 */
void prof_warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Send warnings to sb (NULL: back to stderr); returns the previous buffer. */
struct strbuf *prof_warn_capture(struct strbuf *sb);

#endif
