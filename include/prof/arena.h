/**
 * arena.h: a bump allocator.  Everything allocated from an arena is freed at
 * once by arena_release() (or kept for reuse by arena_reset(), so that a
 * shell's next command does not fault its pages in again).  A loaded
 * profile lives in one arena; every command gets a scratch arena that the
 * dispatcher resets afterwards, so reports need no frees on any path.
 */
#ifndef PROF_ARENA_H
#define PROF_ARENA_H

#include <stdbool.h>
#include <stddef.h>

struct arena_block;

struct arena {
    struct arena_block *head; /* owned: newest block first */
    size_t block_size;        /* bytes: size of ordinary blocks */
    size_t used;              /* bytes: total handed out, for statistics */
    struct arena_block *spare; /* owned: blocks kept by arena_reset() for reuse */
    bool small_pages;          /* no transparent huge pages for its big blocks (mem_advise_huge) */
};

#define ARENA_INIT {NULL, 0, 0, NULL, false}

void arena_init(struct arena *a, size_t block_size);
/** Memory for n bytes, aligned to 16, uninitialised.  Never NULL. */
void *arena_alloc(struct arena *a, size_t n);
/** Like arena_alloc() but zeroed. */
void *arena_zalloc(struct arena *a, size_t n);
/** count*size bytes, zeroed, aborting on overflow. */
void *arena_calloc(struct arena *a, size_t count, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/** printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Free everything but the first block; the arena stays usable. */
void arena_reset(struct arena *a);
/** Free everything. */
void arena_release(struct arena *a);

/**
 * Ask the kernel to back the 2 MiB-aligned part of [p, p + n) with huge
 * pages (transparent huge pages in `madvise` mode, Debian's default): a big
 * buffer then costs one page fault per 2 MiB instead of one per 4 KiB.
 * Does nothing for small buffers or where the kernel says no.
 */
void mem_advise_huge(void *p, size_t n);

#define ARENA_NEW(a, type) ((type *)arena_zalloc((a), sizeof(type)))
#define ARENA_NEWN(a, type, n) ((type *)arena_calloc((a), (n), sizeof(type)))

#endif
