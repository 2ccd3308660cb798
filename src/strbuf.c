#include "prof/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof/util.h"

char strbuf_empty[1];

void strbuf_init(struct strbuf *sb)
{
    sb->buf = strbuf_empty;
    sb->len = 0;
    sb->alloc = 0;
}

void strbuf_swap(struct strbuf *a, struct strbuf *b)
{
    struct strbuf t = *a;
    *a = *b;
    *b = t;
}

void strbuf_release(struct strbuf *sb)
{
    if (sb->alloc)
        free(sb->buf);
    strbuf_init(sb);
}

void strbuf_reset(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->alloc)
        sb->buf[0] = 0;
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->alloc)
        return;
    size_t n = sb->alloc ? sb->alloc : 64;
    while (n < need)
        n *= 2;
    if (sb->alloc) {
        sb->buf = xrealloc(sb->buf, n);
    } else {
        sb->buf = xmalloc(n);
        sb->buf[0] = 0;
    }
    sb->alloc = n;
}

void strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
    strbuf_grow(sb, n);
    memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = 0;
}

void strbuf_adds(struct strbuf *sb, const char *s) { strbuf_add(sb, s, strlen(s)); }

void strbuf_addc(struct strbuf *sb, char c)
{
    strbuf_grow(sb, 1);
    sb->buf[sb->len++] = c;
    sb->buf[sb->len] = 0;
}

void strbuf_addchars(struct strbuf *sb, char c, size_t n)
{
    strbuf_grow(sb, n);
    memset(sb->buf + sb->len, c, n);
    sb->len += n;
    sb->buf[sb->len] = 0;
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof(tmp), fmt, cp);
    va_end(cp);
    if (n < 0)
        BUG("vsnprintf failed");
    if ((size_t)n < sizeof(tmp)) {
        strbuf_add(sb, tmp, (size_t)n);
        return;
    }
    strbuf_grow(sb, (size_t)n);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
}

size_t utf8_runes(const char *s, size_t n)
{
    size_t r = 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        size_t len = 1;
        if (c >= 0xc2 && c <= 0xdf)
            len = 2;
        else if (c >= 0xe0 && c <= 0xef)
            len = 3;
        else if (c >= 0xf0 && c <= 0xf4)
            len = 4;
        if (len > 1) {
            if (i + len > n)
                len = 1;
            else
                for (size_t k = 1; k < len; k++)
                    if ((p[i + k] & 0xc0) != 0x80) {
                        len = 1;
                        break;
                    }
        }
        i += len;
        r++;
    }
    return r;
}

void strbuf_addpad(struct strbuf *sb, const char *s, int width, int left_align)
{
    size_t n = strlen(s);
    size_t runes = utf8_runes(s, n);
    size_t pad = width > 0 && (size_t)width > runes ? (size_t)width - runes : 0;
    if (!left_align)
        strbuf_addchars(sb, ' ', pad);
    strbuf_add(sb, s, n);
    if (left_align)
        strbuf_addchars(sb, ' ', pad);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
    char *r = sb->alloc ? sb->buf : xstrdup("");
    if (len)
        *len = sb->len;
    strbuf_init(sb);
    return r;
}
