#include "prof/hashmap.h"

#include <stdlib.h>
#include <string.h>

#include "prof/util.h"

void u64map_init(struct u64map *m, size_t expected)
{
    size_t cap = 16;
    while (cap < expected * 2)
        cap *= 2;
    m->cap = cap;
    m->len = 0;
    m->keys = xmalloc(cap * sizeof(*m->keys));
    m->vals = xmalloc(cap * sizeof(*m->vals));
    m->used = xcalloc(cap, 1);
}

void u64map_release(struct u64map *m)
{
    free(m->keys);
    free(m->vals);
    free(m->used);
    memset(m, 0, sizeof(*m));
}

bool u64map_get(const struct u64map *m, uint64_t key, uint32_t *val)
{
    size_t mask = m->cap - 1;
    for (size_t i = hash_u64(key) & mask;; i = (i + 1) & mask) {
        if (!m->used[i])
            return false;
        if (m->keys[i] == key) {
            *val = m->vals[i];
            return true;
        }
    }
}

static void grow(struct u64map *m)
{
    struct u64map n;
    u64map_init(&n, m->cap);
    for (size_t i = 0; i < m->cap; i++)
        if (m->used[i]) {
            bool ins;
            u64map_put(&n, m->keys[i], m->vals[i], &ins);
        }
    u64map_release(m);
    *m = n;
}

uint32_t *u64map_put(struct u64map *m, uint64_t key, uint32_t val, bool *inserted)
{
    if ((m->len + 1) * 2 > m->cap)
        grow(m);
    size_t mask = m->cap - 1;
    for (size_t i = hash_u64(key) & mask;; i = (i + 1) & mask) {
        if (!m->used[i]) {
            m->used[i] = 1;
            m->keys[i] = key;
            m->vals[i] = val;
            m->len++;
            *inserted = true;
            return &m->vals[i];
        }
        if (m->keys[i] == key) {
            *inserted = false;
            return &m->vals[i];
        }
    }
}
