/**
 * read.h: bytes of a profile source.  A path (or "-" for stdin) is read whole;
 * data starting with the gzip magic 1f 8b is inflated (concatenated members
 * too, as Go's reader does).
 */
#ifndef PROF_READ_H
#define PROF_READ_H

#include <stddef.h>

#include "prof/error.h"

/** Decompressed sizes above this fail with a clear message (a gzip bomb guard). */
#define PROF_MAX_INFLATED_DEFAULT ((size_t)4 << 30)

struct prof_bytes {
    unsigned char *data; /* owned (xmalloc) */
    size_t len;          /* bytes */
};

/** Read path ("-" = stdin) whole into out.  -1 + err (message without the path). */
int read_source(const char *path, struct prof_bytes *out, struct prof_err *err);
/** The same; standard input and other sources that are not regular files
 * (pipes, devices) fail beyond max_size bytes (0: PROF_MAX_INFLATED_DEFAULT;
 * SIZE_MAX: no limit). */
int read_source_max(const char *path, size_t max_size, struct prof_bytes *out, struct prof_err *err);
/** If in starts with the gzip magic, replace it by its inflated content. */
int read_inflate(struct prof_bytes *in, size_t max_size, struct prof_err *err);
void prof_bytes_release(struct prof_bytes *b);

#endif
