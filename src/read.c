#include "prof/read.h"
#include "prof/arena.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "prof/util.h"

void prof_bytes_release(struct prof_bytes *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

/* strerror() text in Go's lowercase style ("no such file or directory"). */
static const char *errtext(int e, char *buf, size_t n)
{
    snprintf(buf, n, "%s", strerror(e));
    if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
        buf[0] = (char)(buf[0] - 'A' + 'a');
    return buf;
}

/* Read fd to its end.  max: the largest size accepted (SIZE_MAX: any). */
static int read_fd(int fd, size_t hint, size_t max, struct prof_bytes *out, struct prof_err *err)
{
    size_t cap = hint ? hint + 1 : 1 << 16, len = 0;
    unsigned char *buf = xmalloc(cap);
    for (;;) {
        if (len > max) {
            free(buf);
            return prof_errf(err, PROF_EDATA, "read: the input is larger than the limit of %zu bytes "
                             "(raise it with -max_size)", max);
        }
        if (len == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            char eb[128];
            free(buf);
            return prof_errf(err, PROF_EIO, "read: %s", errtext(errno, eb, sizeof(eb)));
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    out->data = buf;
    out->len = len;
    return 0;
}

int read_source(const char *path, struct prof_bytes *out, struct prof_err *err)
{
    return read_source_max(path, 0, out, err);
}

int read_source_max(const char *path, size_t max_size, struct prof_bytes *out, struct prof_err *err)
{
    char eb[128];
    out->data = NULL;
    out->len = 0;
    /* A regular file is read whole (its size is real content); standard
     * input or a pipe may not end: it is held to the limit. */
    size_t max = max_size ? max_size : PROF_MAX_INFLATED_DEFAULT;
    if (strcmp(path, "-") == 0)
        return read_fd(0, 0, max, out, err);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return prof_errf(err, PROF_EIO, "open: %s", errtext(errno, eb, sizeof(eb)));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return prof_errf(err, PROF_EIO, "stat: %s", errtext(e, eb, sizeof(eb)));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return prof_errf(err, PROF_EIO, "is a directory, not a profile");
    }
    int rc = S_ISREG(st.st_mode) ? read_fd(fd, (size_t)st.st_size, SIZE_MAX, out, err) : read_fd(fd, 0, max, out, err);
    close(fd);
    return rc;
}

/* No profile starts with this many zero bytes: profile.proto data starts with
 * a field key (never 0) and the legacy formats with text or a header that
 * holds non-zero words.  Inflating stops there, so that a gzip bomb (a few
 * hundred KB that inflate to gigabytes of zeros) costs neither the time nor
 * the memory of its inflated size. */
#define ZERO_RUN_LIMIT ((size_t)1 << 20)

/* One inflation in progress: the zlib stream, its input and its output. */
struct inflate_state {
    z_stream z;
    bool z_init;
    unsigned char *in;     /* the compressed bytes (owned by a stream, not by read_inflate) */
    size_t in_len;
    size_t in_left;        /* input not yet handed to zlib */
    unsigned char *out;    /* owned */
    size_t len, cap;       /* bytes inflated; bytes allocated */
    size_t max_size, limit;
    bool zeros;            /* every byte inflated so far is 0 */
};

/* The buffer may grow one byte past max_size: output that fills it exceeds
 * the limit, output of exactly max_size bytes does not. */
static void inflate_begin(struct inflate_state *s, unsigned char *in, size_t in_len, size_t max_size, size_t cap)
{
    memset(s, 0, sizeof(*s));
    s->max_size = max_size;
    s->limit = max_size == SIZE_MAX ? SIZE_MAX : max_size + 1;
    s->in = in;
    s->in_len = in_len;
    s->cap = cap;
    s->out = xmalloc(cap);
    mem_advise_huge(s->out, cap);
    s->zeros = true;
    if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK)
        BUG("inflateInit2 failed");
    s->z_init = true;
    s->z.next_in = in;
    s->z.avail_in = (uInt)(in_len > UINT32_MAX ? UINT32_MAX : in_len);
    s->in_left = in_len - s->z.avail_in;
}

/* The gzip trailer holds the size modulo 2^32: a good first guess.  0: none. */
static size_t trailer_size(const unsigned char *d, size_t n)
{
    if (n < 18)
        return 0;
    const unsigned char *t = d + n - 4;
    return (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
}

/*
 * Inflate until the stream ends.  grow: the output buffer may be
 * reallocated (else the run stops, returning 1, when it is full).  step: at
 * most this many bytes per inflate() call, each call's output then published
 * by publish(arg, len) (0: no limit, no publishing).  0: the stream ended
 * (s->len bytes, maybe above max_size: the caller says so); -1 + err.
 */
static int inflate_run(struct inflate_state *s, bool grow, size_t step, void (*publish)(void *, size_t), void *arg,
                       struct prof_err *err)
{
    z_stream *z = &s->z;
    for (;;) {
        if (s->len > s->max_size)
            return 0; /* too big: said by the caller */
        if (s->len == s->cap) {
            if (!grow)
                return 1;
            s->cap = s->cap > s->limit / 2 ? s->limit : s->cap * 2;
            s->out = xrealloc(s->out, s->cap);
            mem_advise_huge(s->out, s->cap);
        }
        size_t room = s->cap - s->len;
        /* While the output is all zeros, inflate in small steps (only the
         * pages written count in the resident size). */
        if (s->zeros && room > 1 << 16)
            room = 1 << 16;
        if (step && room > step)
            room = step;
        z->next_out = s->out + s->len;
        z->avail_out = (uInt)(room > UINT32_MAX ? UINT32_MAX : room);
        uInt before = z->avail_out;
        if (z->avail_in == 0 && s->in_left) {
            size_t chunk = s->in_left > UINT32_MAX ? UINT32_MAX : s->in_left;
            z->avail_in = (uInt)chunk;
            s->in_left -= chunk;
        }
        int zr = inflate(z, Z_NO_FLUSH);
        size_t got = before - z->avail_out;
        if (s->zeros) {
            for (size_t i = 0; s->zeros && i < got; i++)
                s->zeros = s->out[s->len + i] == 0;
            if (s->zeros && s->len + got > ZERO_RUN_LIMIT)
                return prof_errf(err, PROF_EDATA,
                                 "decompressing profile: the data starts with more than %zu zero bytes, "
                                 "which no profile does (a gzip bomb?)",
                                 ZERO_RUN_LIMIT);
        }
        s->len += got;
        if (publish && got)
            publish(arg, s->len);
        if (zr == Z_STREAM_END) {
            /* Another gzip member may follow (Go's reader accepts them). */
            size_t rest = z->avail_in + s->in_left;
            if (rest >= 2 && z->next_in[0] == 0x1f && z->next_in[1] == 0x8b) {
                inflateReset(z);
                continue;
            }
            if (rest > 0) {
                /* Zero padding is tolerated; anything else is an invalid next header. */
                int all_zero = s->in_left == 0;
                for (uInt i = 0; all_zero && i < z->avail_in; i++)
                    all_zero = z->next_in[i] == 0;
                if (!all_zero)
                    return prof_errf(err, PROF_EDATA,
                                     "decompressing profile: %zu bytes of garbage after the gzip stream", rest);
            }
            return 0;
        }
        if (zr == Z_BUF_ERROR && z->avail_in == 0 && !s->in_left)
            return prof_errf(err, PROF_EDATA,
                             "decompressing profile: unexpected end of gzip data (truncated file)");
        if (zr == Z_DATA_ERROR)
            return prof_errf(err, PROF_EDATA, "decompressing profile: corrupt gzip data: %s",
                             z->msg ? z->msg : "invalid data");
        if (zr == Z_MEM_ERROR)
            BUG("zlib out of memory");
        if (zr != Z_OK && zr != Z_BUF_ERROR)
            return prof_errf(err, PROF_EDATA, "decompressing profile: zlib error %d", zr);
    }
}

/* The end of an inflation: the limit is checked, zlib released; on success
 * the output is handed to out (and s->out is NULL), on failure it is freed. */
static int inflate_end(struct inflate_state *s, int rc, struct prof_bytes *out, struct prof_err *err)
{
    if (s->z_init)
        inflateEnd(&s->z);
    s->z_init = false;
    if (!rc && s->len > s->max_size)
        rc = prof_errf(err, PROF_EDATA,
                       "decompressing profile: inflated size exceeds the limit of %zu bytes "
                       "(raise it with -max_size)",
                       s->max_size);
    if (rc) {
        free(s->out);
    } else {
        out->data = s->out;
        out->len = s->len;
    }
    s->out = NULL;
    return rc;
}

int read_inflate(struct prof_bytes *in, size_t max_size, struct prof_err *err)
{
    if (in->len < 2 || in->data[0] != 0x1f || in->data[1] != 0x8b)
        return 0;
    if (!max_size)
        max_size = PROF_MAX_INFLATED_DEFAULT;
    size_t limit = max_size == SIZE_MAX ? SIZE_MAX : max_size + 1;
    size_t cap = limit < 1 << 16 ? limit : 1 << 16;
    size_t isize = trailer_size(in->data, in->len);
    if (isize > cap && isize <= max_size)
        cap = isize + 1;
    struct inflate_state s;
    inflate_begin(&s, in->data, in->len, max_size, cap);
    int rc = inflate_run(&s, true, 0, NULL, NULL, err);
    struct prof_bytes out;
    if (inflate_end(&s, rc, &out, err))
        return -1;
    free(in->data);
    *in = out;
    return 0;
}

/* ---- inflating on a second thread ---- */

/* Compressed inputs below this are inflated in place: a thread costs more
 * than it hides.  PROF_INFLATE_THREAD_MIN (bytes) overrides it, for tests. */
#define STREAM_MIN ((size_t)1 << 20)
/* Output published (and the decoder woken) every this many bytes. */
#define STREAM_STEP ((size_t)256 << 10)

struct read_stream {
    struct inflate_state s; /* the inflater thread's until it is joined */
    pthread_t thread;
    struct prof_err err;    /* the inflater's error */
    int rc;                 /* inflate_run's result */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t avail;           /* under mu: bytes of s.out that are final */
    int state;              /* under mu: 0 running, 1 complete, -1 stopped */
    bool waiting;           /* under mu: the decoder waits on cv */
};

static void stream_publish(void *arg, size_t len)
{
    struct read_stream *rs = arg;
    pthread_mutex_lock(&rs->mu);
    rs->avail = len;
    if (rs->waiting)
        pthread_cond_signal(&rs->cv);
    pthread_mutex_unlock(&rs->mu);
}

static void *stream_main(void *arg)
{
    struct read_stream *rs = arg;
    rs->rc = inflate_run(&rs->s, false, STREAM_STEP, stream_publish, rs, &rs->err);
    bool ok = rs->rc == 0 && rs->s.len <= rs->s.max_size;
    if (ok) {
        /* The input is no longer needed: its memory goes now, not after the decode. */
        free(rs->s.in);
        rs->s.in = NULL;
    }
    pthread_mutex_lock(&rs->mu);
    rs->avail = rs->s.len;
    rs->state = ok ? 1 : -1;
    pthread_cond_signal(&rs->cv);
    pthread_mutex_unlock(&rs->mu);
    return NULL;
}

struct read_stream *read_inflate_start(struct prof_bytes *in, size_t max_size)
{
    if (in->len < 18 || in->data[0] != 0x1f || in->data[1] != 0x8b)
        return NULL;
    size_t min = STREAM_MIN;
    const char *env = getenv("PROF_INFLATE_THREAD_MIN");
    if (env && *env)
        min = (size_t)strtoull(env, NULL, 10);
    if (in->len < min || sysconf(_SC_NPROCESSORS_ONLN) < 2)
        return NULL;
    if (!max_size)
        max_size = PROF_MAX_INFLATED_DEFAULT;
    /* The output buffer cannot move while the decoder reads it: it is sized
     * from the trailer, and a wrong size stops the thread (the rest is then
     * inflated by read_inflate_finish, as read_inflate would). */
    size_t isize = trailer_size(in->data, in->len);
    if (isize == 0 || isize > max_size)
        return NULL;
    struct read_stream *rs = xcalloc(1, sizeof(*rs));
    inflate_begin(&rs->s, in->data, in->len, max_size, isize + 1);
    pthread_mutex_init(&rs->mu, NULL);
    pthread_cond_init(&rs->cv, NULL);
    if (pthread_create(&rs->thread, NULL, stream_main, rs) != 0) {
        inflateEnd(&rs->s.z);
        free(rs->s.out);
        pthread_mutex_destroy(&rs->mu);
        pthread_cond_destroy(&rs->cv);
        free(rs);
        return NULL;
    }
    in->data = NULL;
    in->len = 0;
    return rs;
}

const unsigned char *read_stream_data(const struct read_stream *rs)
{
    return rs->s.out;
}

size_t read_stream_wait(struct read_stream *rs, size_t want, int *state)
{
    pthread_mutex_lock(&rs->mu);
    while (rs->avail < want && rs->state == 0) {
        rs->waiting = true;
        pthread_cond_wait(&rs->cv, &rs->mu);
        rs->waiting = false;
    }
    size_t avail = rs->avail;
    *state = rs->state;
    pthread_mutex_unlock(&rs->mu);
    return avail;
}

int read_inflate_finish(struct read_stream *rs, struct prof_bytes *out, struct prof_err *err)
{
    pthread_join(rs->thread, NULL);
    int rc = rs->rc;
    if (rc < 0)
        *err = rs->err;
    else if (rc == 1) /* the trailer's size was wrong: go on, growing the buffer */
        rc = inflate_run(&rs->s, true, 0, NULL, NULL, err);
    out->data = NULL;
    out->len = 0;
    rc = inflate_end(&rs->s, rc, out, err);
    free(rs->s.in);
    pthread_mutex_destroy(&rs->mu);
    pthread_cond_destroy(&rs->cv);
    free(rs);
    return rc ? -1 : 0;
}
