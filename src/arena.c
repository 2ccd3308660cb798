#include "prof/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "prof/util.h"

struct arena_block {
    struct arena_block *next; /* owned */
    size_t size;              /* bytes usable in data */
    size_t off;               /* bytes used */
    _Alignas(16) unsigned char data[];
};

void arena_init(struct arena *a, size_t block_size)
{
    a->head = NULL;
    a->block_size = block_size ? block_size : 64 * 1024;
    a->used = 0;
}

void mem_advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (n < 2 * huge)
        return;
    uintptr_t start = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)p + n) & ~(huge - 1);
    if (end > start)
        (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

static struct arena_block *new_block(size_t size)
{
    struct arena_block *b = xmalloc(sizeof(*b) + size);
    mem_advise_huge(b, sizeof(*b) + size);
    b->next = NULL;
    b->size = size;
    b->off = 0;
    return b;
}

void *arena_alloc(struct arena *a, size_t n)
{
    if (!a->block_size)
        a->block_size = 64 * 1024;
    n = (n + 15) & ~(size_t)15;
    struct arena_block *b = a->head;
    if (!b || b->size - b->off < n) {
        if (n > a->block_size / 4) {
            /* A large request gets a block of its own, linked behind the
             * current one so the current block's free space is not wasted. */
            struct arena_block *big = new_block(n);
            big->off = n;
            if (b) {
                big->next = b->next;
                b->next = big;
            } else {
                a->head = big;
            }
            a->used += n;
            return big->data;
        }
        b = new_block(a->block_size);
        b->next = a->head;
        a->head = b;
        /* Grow block size geometrically up to 8 MiB, so huge profiles need few blocks. */
        if (a->block_size < 8u * 1024 * 1024)
            a->block_size *= 2;
    }
    void *p = b->data + b->off;
    b->off += n;
    a->used += n;
    return p;
}

void *arena_zalloc(struct arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

void *arena_calloc(struct arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        BUG("arena_calloc overflow: %zu * %zu", count, size);
    return arena_zalloc(a, count * size);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(struct arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    if (!fmt)
        BUG("arena_printf without a format");
    va_start(ap, fmt);
    char probe[1];
    int n = vsnprintf(probe, sizeof(probe), fmt, ap);
    va_end(ap);
    if (n < 0)
        BUG("vsnprintf failed");
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_reset(struct arena *a)
{
    struct arena_block *keep = NULL;
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        if (!next) {
            keep = b; /* the oldest, first block */
        } else {
            free(b);
        }
        b = next;
    }
    if (keep)
        keep->off = 0;
    a->head = keep;
    a->used = 0;
}

void arena_release(struct arena *a)
{
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used = 0;
}
