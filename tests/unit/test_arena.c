#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "prof/arena.h"
#include "prof/hashmap.h"

void test_arena(void)
{
    struct arena a;
    arena_init(&a, 256);
    char *s = arena_strdup(&a, "hello");
    STR_EQ(s, "hello");
    /* alignment and independence of allocations */
    void *p1 = arena_alloc(&a, 3), *p2 = arena_alloc(&a, 5);
    CHECK(((uintptr_t)p1 & 15) == 0);
    CHECK(((uintptr_t)p2 & 15) == 0);
    CHECK(p1 != p2);
    /* a request larger than a block gets its own block */
    char *big = arena_alloc(&a, 100000);
    memset(big, 'x', 100000);
    CHECK(big[99999] == 'x');
    int *z = arena_calloc(&a, 1000, sizeof(int));
    int allzero = 1;
    for (int i = 0; i < 1000; i++)
        allzero &= z[i] == 0;
    CHECK(allzero);
    STR_EQ(arena_printf(&a, "%d-%s", 42, "x"), "42-x");
    STR_EQ(s, "hello"); /* earlier allocations survive later blocks */
    arena_reset(&a);
    STR_EQ(arena_strdup(&a, "again"), "again");
    /* Reset keeps the blocks: the same big request gets the same memory back. */
    char *big2 = arena_alloc(&a, 100000);
    CHECK(big2 == big);
    arena_reset(&a);
    CHECK(a.head == NULL && a.spare != NULL);
    arena_release(&a);
    CHECK(a.head == NULL && a.spare == NULL);

    struct u64map m;
    u64map_init(&m, 0);
    bool ins;
    for (uint64_t k = 0; k < 10000; k++)
        u64map_put(&m, k * 7919, (uint32_t)k, &ins);
    INT_EQ(m.len, 10000);
    uint32_t v = 0;
    CHECK(u64map_get(&m, 7919 * 1234, &v));
    INT_EQ(v, 1234);
    CHECK(!u64map_get(&m, 1, &v));
    u64map_put(&m, 0, 99, &ins);
    CHECK(!ins); /* key 0 was inserted as 0*7919 */
    u64map_release(&m);
}
