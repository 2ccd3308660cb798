/**
 * hashmap.h: an open-addressing map from uint64_t keys to uint32_t values,
 * used for wire id -> dense index and for integer-pair edge keys.  Keys are
 * arbitrary (0 included); values are caller data.  Memory is owned by the map.
 */
#ifndef PROF_HASHMAP_H
#define PROF_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct u64map {
    uint64_t *keys;  /* owned */
    uint32_t *vals;  /* owned */
    uint8_t *used;   /* owned: 1 where a slot holds a key */
    size_t cap;      /* slots, a power of two */
    size_t len;      /* keys stored */
};

void u64map_init(struct u64map *m, size_t expected);
void u64map_release(struct u64map *m);
/** The value stored for key in *val; false if absent. */
bool u64map_get(const struct u64map *m, uint64_t key, uint32_t *val);
/** Store key -> val unless present; returns a pointer to the stored value and
 *  sets *inserted to whether it was new. */
uint32_t *u64map_put(struct u64map *m, uint64_t key, uint32_t val, bool *inserted);

#endif
