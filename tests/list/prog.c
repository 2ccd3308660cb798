/*
 * prog.c: a small program for the -disasm/-list/-weblist tests.  It is only
 * compiled and inspected (nm, objdump, addr2line), never run.  Built with
 * `cc -O1 -g`; the functions cover: a leaf with a loop, an inlined helper, a
 * static function, two names for one address (an alias: "AKA" lines), and
 * long instructions (the separate-line location layout of -disasm).
 */
#include <stdint.h>
#include <string.h>

volatile uint64_t sink;

static inline uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

__attribute__((noinline)) uint64_t leaf_sum(const uint64_t *v, int n)
{
    uint64_t s = 0;
    for (int i = 0; i < n; i++)
        s += mix(v[i]);
    return s;
}

__attribute__((noinline)) static uint64_t hidden_work(uint64_t seed)
{
    uint64_t buf[64];
    for (int i = 0; i < 64; i++)
        buf[i] = seed * (uint64_t)(i + 1) + 0x123456789abcdefULL;
    return leaf_sum(buf, 64);
}

__attribute__((noinline)) uint64_t aliased_target(uint64_t a, uint64_t b)
{
    uint64_t r = a;
    for (int i = 0; i < 16; i++)
        r = mix(r + b);
    return r;
}

uint64_t alias_name(uint64_t a, uint64_t b) __attribute__((alias("aliased_target")));

__attribute__((noinline)) void copy_block(char *dst, const char *src, size_t n)
{
    memcpy(dst, src, n);
    dst[0] ^= (char)0x5a;
}

int main(int argc, char **argv)
{
    (void)argv;
    char a[256], b[256];
    memset(b, argc, sizeof(b));
    uint64_t t = 0;
    for (int k = 0; k < 1000; k++) {
        t += hidden_work((uint64_t)k + (uint64_t)argc);
        t += alias_name(t, (uint64_t)k);
        copy_block(a, b, sizeof(a));
    }
    sink = t + (uint64_t)a[0];
    return 0;
}
