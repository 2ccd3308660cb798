#include "prof/read.h"
#include "prof/arena.h"

#include <errno.h>
#include <fcntl.h>
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

int read_inflate(struct prof_bytes *in, size_t max_size, struct prof_err *err)
{
    if (in->len < 2 || in->data[0] != 0x1f || in->data[1] != 0x8b)
        return 0;
    if (!max_size)
        max_size = PROF_MAX_INFLATED_DEFAULT;
    /* The buffer may grow one byte past max_size: output that fills it
     * exceeds the limit, output of exactly max_size bytes does not. */
    size_t limit = max_size == SIZE_MAX ? SIZE_MAX : max_size + 1;

    /* The gzip trailer holds the size modulo 2^32: a good first guess. */
    size_t cap = limit < 1 << 16 ? limit : 1 << 16;
    if (in->len >= 18) {
        const unsigned char *t = in->data + in->len - 4;
        size_t isize = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
        if (isize > cap && isize <= max_size)
            cap = isize + 1;
    }
    unsigned char *out = xmalloc(cap);
    mem_advise_huge(out, cap);
    size_t len = 0;
    bool zeros = true; /* every byte inflated so far is 0 */

    z_stream z;
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        BUG("inflateInit2 failed");
    z.next_in = in->data;
    z.avail_in = (uInt)(in->len > UINT32_MAX ? UINT32_MAX : in->len);
    size_t in_left = in->len - z.avail_in; /* input not yet handed to zlib */
    int rc = 0;
    for (;;) {
        if (len > max_size)
            break; /* too big: said below */
        if (len == cap) {
            cap = cap > limit / 2 ? limit : cap * 2;
            out = xrealloc(out, cap);
            mem_advise_huge(out, cap);
        }
        size_t room = cap - len;
        /* While the output is all zeros, inflate in small steps (only the
         * pages written count in the resident size). */
        if (zeros && room > 1 << 16)
            room = 1 << 16;
        z.next_out = out + len;
        z.avail_out = (uInt)(room > UINT32_MAX ? UINT32_MAX : room);
        uInt before = z.avail_out;
        if (z.avail_in == 0 && in_left) {
            size_t chunk = in_left > UINT32_MAX ? UINT32_MAX : in_left;
            z.avail_in = (uInt)chunk;
            in_left -= chunk;
        }
        int zr = inflate(&z, Z_NO_FLUSH);
        size_t got = before - z.avail_out;
        if (zeros) {
            for (size_t i = 0; zeros && i < got; i++)
                zeros = out[len + i] == 0;
            if (zeros && len + got > ZERO_RUN_LIMIT) {
                rc = prof_errf(err, PROF_EDATA,
                               "decompressing profile: the data starts with more than %zu zero bytes, "
                               "which no profile does (a gzip bomb?)",
                               ZERO_RUN_LIMIT);
                break;
            }
        }
        len += got;
        if (zr == Z_STREAM_END) {
            /* Another gzip member may follow (Go's reader accepts them). */
            size_t rest = z.avail_in + in_left;
            if (rest >= 2 && z.next_in[0] == 0x1f && z.next_in[1] == 0x8b) {
                inflateReset(&z);
                continue;
            }
            if (rest > 0) {
                /* Zero padding is tolerated; anything else is an invalid next header. */
                int all_zero = in_left == 0;
                for (uInt i = 0; all_zero && i < z.avail_in; i++)
                    all_zero = z.next_in[i] == 0;
                if (!all_zero) {
                    rc = prof_errf(err, PROF_EDATA,
                                   "decompressing profile: %zu bytes of garbage after the gzip stream", rest);
                    break;
                }
            }
            break;
        }
        if (zr == Z_BUF_ERROR && z.avail_in == 0 && !in_left) {
            rc = prof_errf(err, PROF_EDATA,
                           "decompressing profile: unexpected end of gzip data (truncated file)");
            break;
        }
        if (zr == Z_DATA_ERROR) {
            rc = prof_errf(err, PROF_EDATA, "decompressing profile: corrupt gzip data: %s",
                           z.msg ? z.msg : "invalid data");
            break;
        }
        if (zr == Z_MEM_ERROR)
            BUG("zlib out of memory");
        if (zr != Z_OK && zr != Z_BUF_ERROR) {
            rc = prof_errf(err, PROF_EDATA, "decompressing profile: zlib error %d", zr);
            break;
        }
    }
    inflateEnd(&z);
    if (!rc && len > max_size)
        rc = prof_errf(err, PROF_EDATA,
                       "decompressing profile: inflated size exceeds the limit of %zu bytes "
                       "(raise it with -max_size)",
                       max_size);
    if (rc) {
        free(out);
        return rc;
    }
    free(in->data);
    in->data = out;
    in->len = len;
    return 0;
}
