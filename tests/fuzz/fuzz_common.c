/* fuzz_common.c: helpers shared by the fuzz targets (fuzz.h). */
#include "fuzz.h"

#include "prof/arena.h"
#include "prof/report.h"
#include "prof/strbuf.h"

void fuzz_check_err(const struct prof_err *err, const char *what)
{
    if (!err->msg[0] || strchr(err->msg, '\n')) {
        fprintf(stderr, "fuzz: %s failed with a bad message: \"%s\"\n", what, err->msg);
        abort();
    }
}

void fuzz_reports(const struct profile *p)
{
    static const char *const cmds[] = {"top", "tree", "traces", "raw", "tags", "dot"};
    struct prof_config cfg;
    config_init(&cfg);
    struct arena scratch;
    arena_init(&scratch, 1 << 16);
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        struct strbuf sb = STRBUF_INIT;
        struct prof_err err = {0};
        if (report_run(p, &cfg, cmds[i], NULL, &sb, &scratch, NULL, &err))
            fuzz_check_err(&err, cmds[i]);
        strbuf_release(&sb);
        arena_reset(&scratch);
    }
    /* The same with line granularity and the cumulative sort (other graph paths). */
    config_set_str(&cfg.granularity, "lines");
    config_set_str(&cfg.sort, "cum");
    struct strbuf sb = STRBUF_INIT;
    struct prof_err err = {0};
    if (report_run(p, &cfg, "top", NULL, &sb, &scratch, NULL, &err))
        fuzz_check_err(&err, "top -lines -cum");
    strbuf_release(&sb);
    arena_reset(&scratch);
    /* -mean: every value divided by the sample's first value (any int64, -1 too). */
    config_set_str(&cfg.granularity, "functions");
    config_set_str(&cfg.sort, "flat");
    cfg.mean = true;
    static const char *const mean_cmds[] = {"top", "traces", "dot"};
    for (size_t i = 0; i < sizeof(mean_cmds) / sizeof(mean_cmds[0]); i++) {
        struct strbuf mb = STRBUF_INIT;
        struct prof_err merr = {0};
        if (report_run(p, &cfg, mean_cmds[i], NULL, &mb, &scratch, NULL, &merr))
            fuzz_check_err(&merr, mean_cmds[i]);
        strbuf_release(&mb);
        arena_reset(&scratch);
    }
    arena_release(&scratch);
    config_release(&cfg);
}
