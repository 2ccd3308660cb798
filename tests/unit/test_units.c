#include "harness.h"
#include "prof/arena.h"
#include "prof/graph.h"
#include "prof/units.h"

static const char *lbl(int64_t v, const char *from, const char *to)
{
    static char buf[8][64];
    static int k;
    k = (k + 1) % 8;
    units_scaled_label(buf[k], sizeof(buf[k]), v, from, to);
    return buf[k];
}

static const char *pct(int64_t v, int64_t t)
{
    static char buf[8][64];
    static int k;
    k = (k + 1) % 8;
    units_percentage(buf[k], sizeof(buf[k]), v, t);
    return buf[k];
}

static const char *gof(double v)
{
    static char buf[8][64];
    static int k;
    k = (k + 1) % 8;
    units_go_float(buf[k], sizeof(buf[k]), v);
    return buf[k];
}

void test_units(void)
{
    /* Examples from pprof's reports (reference §3). */
    STR_EQ(lbl(1120000000, "nanoseconds", "s"), "1.12s");
    STR_EQ(lbl(1000000000, "nanoseconds", "s"), "1s");
    STR_EQ(lbl(10000000, "nanoseconds", "s"), "0.01s");
    STR_EQ(lbl(1500000000, "nanoseconds", "auto"), "1.50s");
    STR_EQ(lbl(65536000, "bytes", "MB"), "62.50MB");
    STR_EQ(lbl(1024000, "bytes", "kB"), "1000kB");
    STR_EQ(lbl(100000000, "nanoseconds", "minimum"), "100ms");
    STR_EQ(lbl(11111, "count", "minimum"), "11111");
    STR_EQ(lbl(11111, "cycles", "cycles"), "11111cycles");
    STR_EQ(lbl(0, "nanoseconds", "s"), "0");
    STR_EQ(lbl(-30000000, "nanoseconds", "ms"), "-30ms");
    STR_EQ(lbl(1430000000, "nanoseconds", "ms"), "1430ms");
    STR_EQ(lbl(1430000000, "nanoseconds", "MB"), "1.43s"); /* foreign unit: family default */
    STR_EQ(lbl(1, "count", "bytes"), "1bytes");
    STR_EQ(lbl(1500000, "\xce\xbcs", "\xce\xbcs"), "1500000\xce\xbcs"); /* unknown unit kept */
    STR_EQ(lbl(1500000, "\xce\xbcs", "minimum"), "1500000");
    STR_EQ(lbl(7200, "seconds", "auto"), "2hrs");
    STR_EQ(lbl(5, "microseconds", "auto"), "5us");
    STR_EQ(lbl(2048, "kilobytes", "auto"), "2MB");
    STR_EQ(lbl(3, "gcu", "auto"), "3GCU");

    STR_EQ(pct(1, 1), "  100%");
    STR_EQ(pct(9821, 10000), "98.21%");
    STR_EQ(pct(893, 10000), " 8.93%");
    STR_EQ(pct(89, 10000), " 0.89%");
    STR_EQ(pct(9, 1000), "  0.9%");
    STR_EQ(pct(9, 100000), "0.009%");
    STR_EQ(pct(0, 100), "    0%");
    STR_EQ(pct(1, 10000000), "1e-05%");
    STR_EQ(pct(-50, 60), "83.33%");
    STR_EQ(pct(12, 10), "120.00%");
    STR_EQ(pct(5, 0), "    0%");

    STR_EQ(gof(0.005), "0.005");
    STR_EQ(gof(1), "1");
    STR_EQ(gof(1e-05), "1e-05");
    STR_EQ(gof(0.001), "0.001");
    STR_EQ(gof(123456789), "1.23456789e+08");
    STR_EQ(gof(100000), "100000");
    STR_EQ(gof(1000000), "1e+06");
    STR_EQ(gof(-2.5), "-2.5");

    struct arena a;
    arena_init(&a, 0);
    STR_EQ(path_clean(&a, "a/b/../c"), "a/c");
    STR_EQ(path_clean(&a, "/../x"), "/x");
    STR_EQ(path_clean(&a, "../../x/./y/"), "../../x/y");
    STR_EQ(path_clean(&a, ""), ".");
    STR_EQ(path_clean(&a, "//a//b"), "/a/b");
    STR_EQ(path_clean(&a, "a/.."), ".");
    STR_EQ(path_clean(&a, "./main.go"), "main.go");
    arena_release(&a);
}
