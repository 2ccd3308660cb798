/*
 * test_filter.c: filter.c checks that the golden tests cannot reach: pprof's
 * simplifyFunc, and filters on a tiny hand-made profile whose numeric labels
 * mix declared and missing units (expected outputs from `go tool pprof -top`).
 */
#include <stdlib.h>

#include "harness.h"
#include "prof/arena.h"
#include "prof/filter.h"
#include "prof/options.h"
#include "prof/profile.h"
#include "prof/report.h"
#include "prof/strbuf.h"

static const char *simp(const char *name)
{
    static char buf[4][128];
    static int k;
    k = (k + 1) % 4;
    const char *s;
    size_t n = filter_simplify_func(name, &s);
    snprintf(buf[k], sizeof(buf[k]), "%.*s", (int)n, s);
    return buf[k];
}

/* Sample type alloc_space/bytes, mapping /bin/app, functions main.a (a.go),
 * main.b (b.go), operator()(int) (c.cc), five samples:
 *   [a b] 100: size=2048 bytes, size=3 kilobytes, h=x
 *   [b]   200: size=4096 (no unit), size=7 bytes, lat=5 ms, lat=9 seconds
 *   [a]   300: size=1 MB, pid=42 (no unit), h=y, h=z
 *   [op a] 50: size=100 bytes, size=5 (no unit)
 *   []      7: request=65536 (no unit)
 * (profile.proto, not gzipped; no time so that no Time: line depends on TZ) */
static const unsigned char mixed_pb[] = {
    0x32, 0x00, 0x32, 0x0b, 0x61, 0x6c, 0x6c, 0x6f, 0x63, 0x5f, 0x73, 0x70, 0x61, 0x63, 0x65, 0x32,
    0x05, 0x62, 0x79, 0x74, 0x65, 0x73, 0x32, 0x04, 0x73, 0x69, 0x7a, 0x65, 0x32, 0x09, 0x6b, 0x69,
    0x6c, 0x6f, 0x62, 0x79, 0x74, 0x65, 0x73, 0x32, 0x01, 0x68, 0x32, 0x01, 0x78, 0x32, 0x03, 0x6c,
    0x61, 0x74, 0x32, 0x02, 0x6d, 0x73, 0x32, 0x07, 0x73, 0x65, 0x63, 0x6f, 0x6e, 0x64, 0x73, 0x32,
    0x02, 0x4d, 0x42, 0x32, 0x03, 0x70, 0x69, 0x64, 0x32, 0x01, 0x79, 0x32, 0x01, 0x7a, 0x32, 0x07,
    0x72, 0x65, 0x71, 0x75, 0x65, 0x73, 0x74, 0x32, 0x08, 0x2f, 0x62, 0x69, 0x6e, 0x2f, 0x61, 0x70,
    0x70, 0x32, 0x06, 0x6d, 0x61, 0x69, 0x6e, 0x2e, 0x61, 0x32, 0x04, 0x61, 0x2e, 0x67, 0x6f, 0x32,
    0x06, 0x6d, 0x61, 0x69, 0x6e, 0x2e, 0x62, 0x32, 0x04, 0x62, 0x2e, 0x67, 0x6f, 0x32, 0x0f, 0x6f,
    0x70, 0x65, 0x72, 0x61, 0x74, 0x6f, 0x72, 0x28, 0x29, 0x28, 0x69, 0x6e, 0x74, 0x29, 0x32, 0x04,
    0x63, 0x2e, 0x63, 0x63, 0x0a, 0x04, 0x08, 0x01, 0x10, 0x02, 0x12, 0x1d, 0x08, 0x01, 0x08, 0x02,
    0x10, 0x64, 0x1a, 0x07, 0x08, 0x03, 0x18, 0x80, 0x10, 0x20, 0x02, 0x1a, 0x06, 0x08, 0x03, 0x18,
    0x03, 0x20, 0x04, 0x1a, 0x04, 0x08, 0x05, 0x10, 0x06, 0x12, 0x24, 0x08, 0x02, 0x10, 0xc8, 0x01,
    0x1a, 0x05, 0x08, 0x03, 0x18, 0x80, 0x20, 0x1a, 0x06, 0x08, 0x03, 0x18, 0x07, 0x20, 0x02, 0x1a,
    0x06, 0x08, 0x07, 0x18, 0x05, 0x20, 0x08, 0x1a, 0x06, 0x08, 0x07, 0x18, 0x09, 0x20, 0x09, 0x12,
    0x1f, 0x08, 0x01, 0x10, 0xac, 0x02, 0x1a, 0x06, 0x08, 0x03, 0x18, 0x01, 0x20, 0x0a, 0x1a, 0x04,
    0x08, 0x0b, 0x18, 0x2a, 0x1a, 0x04, 0x08, 0x05, 0x10, 0x0c, 0x1a, 0x04, 0x08, 0x05, 0x10, 0x0d,
    0x12, 0x14, 0x08, 0x03, 0x08, 0x01, 0x10, 0x32, 0x1a, 0x06, 0x08, 0x03, 0x18, 0x64, 0x20, 0x02,
    0x1a, 0x04, 0x08, 0x03, 0x18, 0x05, 0x12, 0x0a, 0x10, 0x07, 0x1a, 0x06, 0x08, 0x0e, 0x18, 0x80,
    0x80, 0x04, 0x1a, 0x0a, 0x08, 0x01, 0x10, 0x80, 0x20, 0x18, 0x80, 0x40, 0x28, 0x0f, 0x22, 0x0d,
    0x08, 0x01, 0x10, 0x00, 0x18, 0x81, 0x20, 0x22, 0x04, 0x08, 0x01, 0x10, 0x0a, 0x22, 0x0d, 0x08,
    0x02, 0x10, 0x00, 0x18, 0x82, 0x20, 0x22, 0x04, 0x08, 0x02, 0x10, 0x14, 0x22, 0x0d, 0x08, 0x03,
    0x10, 0x00, 0x18, 0x83, 0x20, 0x22, 0x04, 0x08, 0x03, 0x10, 0x1e, 0x2a, 0x06, 0x08, 0x01, 0x10,
    0x10, 0x20, 0x11, 0x2a, 0x06, 0x08, 0x02, 0x10, 0x12, 0x20, 0x13, 0x2a, 0x06, 0x08, 0x03, 0x10,
    0x14, 0x20, 0x15,
};

/* Run `top` with options (name, value pairs, NULL-terminated); the report, or NULL
 * with the error message in errmsg. */
static char *run_top(const struct profile *p, const char *const *opts, char *errmsg, size_t errsz)
{
    struct prof_config cfg;
    config_init(&cfg);
    for (size_t i = 0; opts[i]; i += 2) {
        const struct prof_opt *o = opt_find(opts[i]);
        struct prof_err err;
        if (!o || opt_set_flag(&cfg, o, opts[i + 1], &err)) {
            fprintf(stderr, "test_filter: cannot set %s\n", opts[i]);
            config_release(&cfg);
            return NULL;
        }
    }
    struct arena a;
    arena_init(&a, 1 << 16);
    struct strbuf out = STRBUF_INIT;
    struct prof_err err;
    char *res = NULL;
    if (report_run(p, &cfg, "top", NULL, &out, &a, NULL, &err) == 0)
        res = strbuf_detach(&out, NULL);
    else
        snprintf(errmsg, errsz, "%s", err.msg);
    strbuf_release(&out);
    arena_release(&a);
    config_release(&cfg);
    return res;
}

static void check_top(const struct profile *p, const char *const *opts, const char *want)
{
    char msg[512] = "";
    char *got = run_top(p, opts, msg, sizeof(msg));
    if (!got)
        fprintf(stderr, "test_filter: %s\n", msg);
    STR_EQ(got, want);
    free(got);
}

/* The shell's cache: the same reports with and without it; an interrupted
 * report fails, keeps nothing, and the next one is whole; warnings can be
 * captured. */
static void check_cache(const struct profile *p)
{
    static const char *const none[] = {NULL};
    char msg[512] = "";
    char *want = run_top(p, none, msg, sizeof(msg));
    CHECK(want != NULL);
    struct report_cache *c = report_cache_new();
    struct prof_config cfg;
    config_init(&cfg);
    struct arena a;
    arena_init(&a, 1 << 16);
    struct prof_err err;
    for (int round = 0; round < 3; round++) {
        struct strbuf out = STRBUF_INIT;
        prof_interrupted = round == 1;
        int rc = report_run(p, &cfg, "top", NULL, &out, &a, c, &err);
        if (round == 1) {
            CHECK(rc == -1 && out.len == 0);
            STR_EQ(err.msg, "interrupted");
        } else {
            CHECK(rc == 0);
            STR_EQ(out.buf, want ? want : "");
        }
        prof_interrupted = 0;
        strbuf_release(&out);
        arena_reset(&a);
    }
    /* Every report family stops: list, traces, raw. */
    static const char *const cmds[][2] = {{"list", "main"}, {"traces", NULL}, {"raw", NULL}, {"tree", NULL}};
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        struct strbuf out = STRBUF_INIT;
        prof_interrupted = 1;
        int rc = report_run(p, &cfg, cmds[i][0], cmds[i][1], &out, &a, c, &err);
        prof_interrupted = 0;
        CHECK(rc == -1 && out.len == 0);
        STR_EQ(err.msg, "interrupted");
        strbuf_release(&out);
        arena_reset(&a);
    }
    size_t hits, misses;
    report_cache_stats(c, &hits, &misses);
    CHECK(misses >= 1); /* the interrupted report walked, and kept nothing */
    report_cache_free(c);
    arena_release(&a);
    config_release(&cfg);
    free(want);

    struct strbuf w = STRBUF_INIT;
    struct strbuf *old = prof_warn_capture(&w);
    prof_warnf("%s expression matched no samples", "Focus");
    CHECK(prof_warn_capture(old) == &w);
    STR_EQ(w.buf, "Focus expression matched no samples\n");
    strbuf_release(&w);
}

void test_filter(void)
{
    STR_EQ(simp("main.f"), "main.f");
    STR_EQ(simp(".main.f"), "main.f");
    STR_EQ(simp("..x"), ".x");
    STR_EQ(simp("f(int)"), "f");
    STR_EQ(simp("(anonymous namespace)::Bar::Foo(int)"), "(anonymous namespace)::Bar::Foo");
    STR_EQ(simp("A::operator()(int) const"), "A::operator()");
    STR_EQ(simp("operator()()"), "operator()");
    STR_EQ(simp("operator("), "operator");
    STR_EQ(simp("(a)"), "");
    STR_EQ(simp("."), "");
    STR_EQ(simp(""), "");
    STR_EQ(simp("((anonymous namespace)"), "");
    STR_EQ(simp("op(anonymous namespace)x(y)"), "op(anonymous namespace)x");
    STR_EQ(simp("java.Foo.run(java.lang.Runnable)"), "java.Foo.run");

    struct prof_err err;
    struct profile *p = profile_decode(mixed_pb, sizeof(mixed_pb), &err);
    CHECK(p != NULL);
    if (!p)
        return;

    /* Numeric values use their own units (padded with "" once any value of the
     * key has one); keys without any unit print unscaled. */
    static const char *const tagroot[] = {"tagroot", "size", NULL};
    check_top(p, tagroot,
              "File: app\n"
              "Type: alloc_space\n"
              "Showing nodes accounting for 657B, 100% of 657B total\n"
              "      flat  flat%   sum%        cum   cum%\n"
              "      400B 60.88% 60.88%       450B 68.49%  main.a\n"
              "      200B 30.44% 91.32%       300B 45.66%  main.b\n"
              "       50B  7.61% 98.93%        50B  7.61%  operator()(int)\n"
              "        7B  1.07%   100%         7B  1.07%  <unknown>\n"
              "         0     0%   100%        50B  7.61%  100B,5\n"
              "         0     0%   100%       300B 45.66%  1MB\n"
              "         0     0%   100%       100B 15.22%  2kB,3kB\n"
              "         0     0%   100%       200B 30.44%  4096,7B\n");

    static const char *const tagleaf[] = {"tagleaf", "h,size", "unit", "kb", NULL};
    check_top(p, tagleaf,
              "File: app\n"
              "Type: alloc_space\n"
              "Showing nodes accounting for 0.64kB, 100% of 0.64kB total\n"
              "      flat  flat%   sum%        cum   cum%\n"
              "    0.29kB 45.66% 45.66%     0.29kB 45.66%  1024kB\n"
              "    0.20kB 30.44% 76.10%     0.20kB 30.44%  4096kb,0.01kB\n"
              "    0.10kB 15.22% 91.32%     0.10kB 15.22%  2kB,3kB\n"
              "    0.05kB  7.61% 98.93%     0.05kB  7.61%  0.10kB,5kb\n"
              "    0.01kB  1.07%   100%     0.25kB 39.12%  <unknown>\n"
              "         0     0%   100%     0.44kB 68.49%  main.a\n"
              "         0     0%   100%     0.29kB 45.66%  main.b\n"
              "         0     0%   100%     0.05kB  7.61%  operator()(int)\n"
              "         0     0%   100%     0.10kB 15.22%  x\n"
              "         0     0%   100%     0.29kB 45.66%  y,z\n");

    /* Ranges compare in the key's unit: the first declared one (bytes for size). */
    static const char *const ge1kb[] = {"tagfocus", "size=1kb:", NULL};
    check_top(p, ge1kb,
              "File: app\n"
              "Type: alloc_space\n"
              "Active filters:\n"
              "   tagfocus=size=1kb:\n"
              "Showing nodes accounting for 300B, 45.66% of 657B total\n"
              "      flat  flat%   sum%        cum   cum%\n"
              "      200B 30.44% 30.44%       300B 45.66%  main.b\n"
              "      100B 15.22% 45.66%       100B 15.22%  main.a\n");

    /* A unitless range matches a key without declared unit (its unit is its name). */
    static const char *const pid[] = {"tagfocus", "pid=42", NULL};
    check_top(p, pid,
              "File: app\n"
              "Type: alloc_space\n"
              "Active filters:\n"
              "   tagfocus=pid=42\n"
              "Showing nodes accounting for 300B, 45.66% of 657B total\n"
              "      flat  flat%   sum%        cum   cum%\n"
              "      300B 45.66% 45.66%       300B 45.66%  main.a\n");

    /* prune_from matches the simplified name "operator()". */
    static const char *const prune[] = {"prune_from", "operator\\(\\)$", NULL};
    check_top(p, prune,
              "File: app\n"
              "Type: alloc_space\n"
              "Showing nodes accounting for 650B, 98.93% of 657B total\n"
              "      flat  flat%   sum%        cum   cum%\n"
              "      400B 60.88% 60.88%       450B 68.49%  main.a\n"
              "      200B 30.44% 91.32%       300B 45.66%  main.b\n"
              "       50B  7.61% 98.93%        50B  7.61%  operator()(int)\n");

    /* Errors: the first bad regexp in pprof's order wins, nothing is produced. */
    static const char *const bad[] = {"prune_from", "(", "hide", "[", NULL};
    char msg[512] = "";
    char *got = run_top(p, bad, msg, sizeof(msg));
    CHECK(got == NULL);
    CHECK(strncmp(msg, "parsing hide regexp: ", 21) == 0);
    free(got);

    check_cache(p);
    profile_free(&p);
}
