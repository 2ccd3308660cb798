/**
 * error.h: the error convention.  A fallible function returns -1 and fills a
 * struct prof_err passed as its last argument (git's `return error(...)`);
 * only the driver prints it, once, as `prof: <msg>`.
 */
#ifndef PROF_ERROR_H
#define PROF_ERROR_H

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

#endif
