/**
 * strbuf.h: a growable NUL-terminated byte string (after git's strbuf).
 * Invariants: buf is never NULL after strbuf_init(); buf[len] == 0.
 */
#ifndef PROF_STRBUF_H
#define PROF_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
    char *buf;    /* owned (or the static empty string before the first growth) */
    size_t len;   /* bytes, excluding the terminating NUL */
    size_t alloc; /* bytes allocated, 0 while buf is the static empty string */
};

#define STRBUF_INIT {strbuf_empty, 0, 0}
extern char strbuf_empty[];

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
/** Exchange the contents of a and b. */
void strbuf_swap(struct strbuf *a, struct strbuf *b);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addc(struct strbuf *sb, char c);
void strbuf_addchars(struct strbuf *sb, char c, size_t n);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/** Append s padded with spaces to width runes (UTF-8 aware, as Go's %Ns / %-Ns). */
void strbuf_addpad(struct strbuf *sb, const char *s, int width, int left_align);
/** Take ownership of the buffer; sb is reset to empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

/** Number of UTF-8 runes in s (invalid bytes count one each, as Go does). */
size_t utf8_runes(const char *s, size_t n);

#endif
