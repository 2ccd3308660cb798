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

/*
 * Inflating on a second thread while the caller decodes what is already
 * inflated.  read_inflate_start() starts it when it is worth it (gzip data of
 * at least 1 MiB, two CPUs, a plausible size in the gzip trailer), taking
 * in's bytes (in is left empty); else it returns NULL and in is untouched.
 * The output buffer (read_stream_data) does not move until
 * read_inflate_finish(); bytes below what read_stream_wait() returns are final.
 */
struct read_stream;
struct read_stream *read_inflate_start(struct prof_bytes *in, size_t max_size);
const unsigned char *read_stream_data(const struct read_stream *rs);
/** Wait until want bytes are inflated or the inflater stops; the bytes
 * inflated.  *state: 0 running, 1 complete (the result is the whole output),
 * -1 stopped before the end (an error, or the trailer's size was wrong):
 * only read_inflate_finish() says what follows. */
size_t read_stream_wait(struct read_stream *rs, size_t want, int *state);
/** Join the inflater, finish the inflation and free rs: out gets the
 * inflated bytes, or -1 + the error read_inflate() would give. */
int read_inflate_finish(struct read_stream *rs, struct prof_bytes *out, struct prof_err *err);

#endif
