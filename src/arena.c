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
    a->spare = NULL;
    a->small_pages = false;
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

/* The smallest spare block with at least size bytes, unlinked, or NULL. */
static struct arena_block *take_spare(struct arena *a, size_t size)
{
    struct arena_block **best = NULL;
    for (struct arena_block **pp = &a->spare; *pp; pp = &(*pp)->next)
        if ((*pp)->size >= size && (!best || (*pp)->size < (*best)->size))
            best = pp;
    if (!best)
        return NULL;
    struct arena_block *b = *best;
    *best = b->next;
    b->next = NULL;
    b->off = 0;
    return b;
}

static struct arena_block *new_block(const struct arena *a, size_t size)
{
    struct arena_block *b = xmalloc(sizeof(*b) + size);
    if (!a->small_pages)
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
            struct arena_block *big = take_spare(a, n);
            if (!big)
                big = new_block(a, n);
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
        b = take_spare(a, a->block_size);
        if (!b)
            b = new_block(a, a->block_size);
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
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        b->off = 0;
        b->next = a->spare;
        a->spare = b;
        b = next;
    }
    a->head = NULL;
    a->used = 0;
}

static void free_blocks(struct arena_block *b)
{
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
}

void arena_release(struct arena *a)
{
    free_blocks(a->head);
    free_blocks(a->spare);
    a->head = NULL;
    a->spare = NULL;
    a->used = 0;
}
