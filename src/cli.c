/*
 * cli.c: prof's command line.  Flags follow Go's flag package exactly as
 * pprof uses it: -name or --name, -name=value or -name value (not for
 * booleans), parsing stops at the first non-flag argument or at "--".
 */
#include "prof/cli.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "prof/commands.h"
#include "prof/merge.h"
#include "prof/options.h"
#include "prof/output.h"
#include "prof/profile.h"
#include "prof/repl.h"
#include "prof/report.h"
#include "prof/strbuf.h"
#include "prof/util.h"

static const char usage_head[] =
    "usage:\n"
    "\n"
    "Produce output in the specified format.\n"
    "\n"
    "   prof <format> [options] [binary] <source> ...\n"
    "\n"
    "Omit the format to get an interactive shell whose commands can be used\n"
    "to generate various views of a profile\n"
    "\n"
    "   prof [options] [binary] <source> ...\n"
    "\n"
    "Details:\n";

static const char usage_sources[] =
    "  Source options:\n"
    "    -seconds              Duration for time-based profile collection\n"
    "    -timeout              Timeout in seconds for profile collection\n"
    "    -max_size             Largest profile to decompress or read from a pipe or URL:\n"
    "                          bytes, or kb/mb/gb (default 4gb, 0 for no limit; prof only)\n"
    "    -buildid              Override build id for main binary\n"
    "    -add_comment          Free-form annotation to add to the profile\n"
    "                          Displayed on some reports or with prof -comments\n"
    "    -all_frames           Ignore the profile's drop_frames and keep_frames\n"
    "    -diff_base source     Source of base profile for comparison\n"
    "    -base source          Source of base profile for profile subtraction\n"
    "    profile.pb.gz         Profile in compressed protobuf format\n"
    "    legacy_profile        Profile in legacy pprof format\n"
    "    http://host/profile   URL for profile handler to retrieve\n"
    "    -symbolize=           Controls source of symbol information\n"
    "      none                  Do not attempt symbolization\n"
    "      local                 Examine only local binaries\n"
    "      fastlocal             Only get function names from local binaries\n"
    "      remote                Do not examine local binaries\n"
    "      force                 Force re-symbolization\n"
    "    Binary                  Local path or build id of binary for symbolization\n"
    "    -tls_cert             TLS client certificate file for fetching profile and symbols\n"
    "    -tls_key              TLS private key file for fetching profile and symbols\n"
    "    -tls_ca               TLS CA certs file for fetching profile and symbols\n"
    "\n"
    "  Misc options:\n"
    "   -http              Provide web interface at host:port.\n"
    "                      Host is optional and 'localhost' by default.\n"
    "                      Port is optional and a randomly available port by default.\n"
    "   -no_browser        Skip opening a browser for the interactive web UI.\n"
    "   -tools             Search path for object tools\n"
    "   -notrim            Same as -trim=false (prof only)\n"
    "   -v                 Say on stderr how each mapping was symbolized (prof only)\n"
    "\n"
    "  Legacy convenience options:\n"
    "   -inuse_space           Same as -sample_index=inuse_space\n"
    "   -inuse_objects         Same as -sample_index=inuse_objects\n"
    "   -alloc_space           Same as -sample_index=alloc_space\n"
    "   -alloc_objects         Same as -sample_index=alloc_objects\n"
    "   -total_delay           Same as -sample_index=delay\n"
    "   -contentions           Same as -sample_index=contentions\n"
    "   -mean_delay            Same as -mean -sample_index=delay\n"
    "\n"
    "  Environment Variables:\n"
    "   PPROF_TMPDIR       Location for saved profiles (default $HOME/pprof)\n"
    "   PPROF_TOOLS        Search path for object-level tools\n"
    "   PPROF_BINARY_PATH  Search path for local binary files\n"
    "                      default: $HOME/pprof/binaries\n"
    "                      searches $buildid/$name, $buildid/*, $path/$buildid,\n"
    "                      ${buildid:0:2}/${buildid:2}.debug, $name, $path,\n"
    "                      ${name}.debug, $dir/.debug/${name}.debug,\n"
    "                      usr/lib/debug/$dir/${name}.debug\n"
    "   * On Windows, %USERPROFILE% is used instead of $HOME\n";

void cli_usage(FILE *f)
{
    fputs(usage_head, f);
    fputs("  Output formats (select at most one):\n", f);
    for (size_t i = 0; i < prof_ncmds; i++) {
        char name[64];
        snprintf(name, sizeof(name), "-%s%s", prof_cmds[i].name, prof_cmds[i].flags & CMD_PARAM ? "=RE" : "");
        fprintf(f, "    %-16s %s\n", name, prof_cmds[i].help);
    }
    fputs("\n  Options:\n", f);
    for (size_t i = 0; i < prof_nopts; i++) {
        const struct prof_opt *o = &prof_opts[i];
        if (!(o->flags & OPTF_CONFIG) || o->type == OPT_CHOICE)
            continue;
        char name[64];
        snprintf(name, sizeof(name), "-%s", o->name);
        fprintf(f, "    %-16s %s\n", name, o->help);
    }
    fputs("\n  Option groups (only set one per group):\n", f);
    static const char *const groups[] = {"granularity", "sort"};
    static const char *const order[2][6] = {{"functions", "filefunctions", "files", "lines", "addresses", NULL},
                                            {"cum", "flat", NULL}};
    for (int gi = 0; gi < 2; gi++) {
        fprintf(f, "    %-16s \n", groups[gi]);
        for (int k = 0; order[gi][k]; k++) {
            const struct prof_opt *o = opt_find(order[gi][k]);
            char name[64];
            snprintf(name, sizeof(name), "-%s", o->name);
            fprintf(f, "      %-16s %s\n", name, o->help);
        }
    }
    fputc('\n', f);
    fputs(usage_sources, f);
}

static int usage_error(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    cli_usage(stderr);
    return 2;
}

/* Is path an object file (ELF, Mach-O, fat Mach-O, PE), to be taken as the binary? */
static int is_object_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    unsigned char m[4] = {0};
    ssize_t n = read(fd, m, 4);
    close(fd);
    if (n < 4)
        return n >= 2 && m[0] == 'M' && m[1] == 'Z';
    if (m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F')
        return 1;
    uint32_t be = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
    uint32_t le = (uint32_t)m[3] << 24 | (uint32_t)m[2] << 16 | (uint32_t)m[1] << 8 | m[0];
    if (be == 0xfeedface || be == 0xfeedfacf || le == 0xfeedface || le == 0xfeedfacf || be == 0xcafebabe)
        return 1;
    return m[0] == 'M' && m[1] == 'Z';
}

/* Flags that select a report: -top, -list=RE ... (values kept per command). */
struct cmd_flags {
    bool set[64];
    char *param[64];
};

int prof_cli_main(int argc, char **argv)
{
    struct prof_config cfg;
    config_init(&cfg);
    struct cmd_flags cf;
    memset(&cf, 0, sizeof(cf));
    struct prof_err err = {0};
    int status = 0;
    struct profile *p = NULL;

    int i = 1;
    for (; i < argc; i++) {
        const char *s = argv[i];
        if (strlen(s) < 2 || s[0] != '-')
            break;
        int minuses = 1;
        if (s[1] == '-') {
            minuses = 2;
            if (s[2] == 0) {
                i++;
                break;
            }
        }
        const char *name = s + minuses;
        if (!name[0] || name[0] == '-' || name[0] == '=') {
            status = usage_error("bad flag syntax: %s%s", s, "");
            goto out;
        }
        char nbuf[256];
        const char *value = NULL;
        const char *eq = strchr(name + 1, '=');
        if (eq) {
            snprintf(nbuf, sizeof(nbuf), "%.*s", (int)(eq - name), name);
            value = eq + 1;
        } else {
            snprintf(nbuf, sizeof(nbuf), "%s", name);
        }
        const struct prof_cmd *cmd = cmd_find(nbuf);
        const struct prof_opt *opt = opt_find(nbuf);
        if (opt && !(opt->flags & OPTF_FLAG))
            opt = NULL;
        if (!cmd && !opt) {
            if (!strcmp(nbuf, "help") || !strcmp(nbuf, "h")) {
                cli_usage(stderr);
                status = 0;
                goto out;
            }
            status = usage_error("flag provided but not defined: -%s%s", nbuf, "");
            goto out;
        }
        int is_bool = cmd ? !(cmd->flags & CMD_PARAM) : opt->type == OPT_BOOL;
        if (!is_bool && !value) {
            if (i + 1 < argc) {
                value = argv[++i];
            } else {
                status = usage_error("flag needs an argument: -%s%s", nbuf, "");
                goto out;
            }
        }
        if (cmd) {
            size_t ci = (size_t)(cmd - prof_cmds);
            if (is_bool) {
                bool b = true;
                if (value && parse_go_bool(value, &b)) {
                    char msg[512];
                    snprintf(msg, sizeof(msg), "invalid boolean value \"%s\" for -%s: parse error", value, nbuf);
                    status = usage_error("%s%s", msg, "");
                    goto out;
                }
                cf.set[ci] = b;
            } else {
                free(cf.param[ci]);
                cf.param[ci] = xstrdup(value);
            }
            continue;
        }
        if (opt_set_flag(&cfg, opt, value ? value : "true", &err)) {
            status = usage_error("%s%s", err.msg, "");
            goto out;
        }
    }

    if (cfg.notrim)
        cfg.trim = false;

    /* Choice groups: at most one choice each. */
    {
        static const char *const grans[] = {"functions", "filefunctions", "files", "lines", "addresses"};
        const char *set1 = NULL, *set2 = NULL;
        for (int k = 0; k < 5; k++)
            if (cfg.gran_choice[k]) {
                if (set1)
                    set2 = grans[k];
                else
                    set1 = grans[k];
            }
        if (!set2 && cfg.cum_choice && cfg.flat_choice) {
            set1 = "cum";
            set2 = "flat";
        }
        if (set2) {
            fprintf(stderr, "prof: conflicting options set: [%s %s]\n", set1, set2);
            status = 2;
            goto out;
        }
        if (set1)
            config_set_str(&cfg.granularity, set1);
        if (cfg.cum_choice)
            config_set_str(&cfg.sort, "cum");
        else if (cfg.flat_choice)
            config_set_str(&cfg.sort, "flat");
    }

    const char *cmdname = NULL, *cmdarg = NULL;
    int ncmds = 0;
    for (size_t k = 0; k < prof_ncmds; k++) {
        if (cf.set[k] || (cf.param[k] && cf.param[k][0])) {
            ncmds++;
            cmdname = prof_cmds[k].name;
            cmdarg = cf.param[k];
        }
    }
    if (argc - i == 0) {
        cli_usage(stderr);
        fprintf(stderr, "prof: no profile source specified\n");
        status = 2;
        goto out;
    }
    if (ncmds > 1) {
        fprintf(stderr, "prof: must set at most one output format\n");
        status = 2;
        goto out;
    }
    if (cfg.base[0] && cfg.diff_base[0]) {
        fprintf(stderr, "prof: -base and -diff_base flags cannot both be specified\n");
        status = 2;
        goto out;
    }
    if (cfg.normalize && !cfg.base[0] && !cfg.diff_base[0]) {
        fprintf(stderr, "prof: must have base profile to normalize by\n");
        status = 2;
        goto out;
    }

    /* Legacy sample selectors, in pprof's order. */
    {
        struct {
            bool flag;
            const char *type, *name;
        } sel[] = {{cfg.total_delay, "delay", "-total_delay"},   {cfg.mean_delay, "delay", "-mean_delay"},
                   {cfg.contentions, "contentions", "-contentions"}, {cfg.inuse_space, "inuse_space", "-inuse_space"},
                   {cfg.inuse_objects, "inuse_objects", "-inuse_objects"},
                   {cfg.alloc_space, "alloc_space", "-alloc_space"}, {cfg.alloc_objects, "alloc_objects", "-alloc_objects"}};
        for (size_t k = 0; k < PROF_ARRAY_LEN(sel); k++) {
            if (!sel[k].flag)
                continue;
            if (!cfg.sample_index[0])
                config_set_str(&cfg.sample_index, sel[k].type);
            else
                fprintf(stderr, "Multiple value selections, ignoring %s\n", sel[k].name);
        }
        if (cfg.mean_delay)
            cfg.mean = true;
    }

    int npos = argc - i;
    char **pos = argv + i;
    const char *binary = NULL;
    if (npos >= 2 && is_object_file(pos[0])) {
        binary = pos[0];
        pos++;
        npos--;
    }
    p = profile_load_sources((const char *const *)pos, (size_t)npos, binary, &cfg, &err);
    if (!p) {
        fprintf(stderr, "prof: %s\n", err.msg);
        status = prof_err_status(&err);
        goto out;
    }
    if (!cmdname) {
        status = repl_run(p, &cfg);
        goto out;
    }

    struct arena scratch;
    arena_init(&scratch, 1 << 20);
    /* Huge pages pay for the profile's arena (big, filled at once, kept to
     * the end); a report's blocks are partly used and freed soon: ordinary
     * pages keep -dot on the 200k bench profile at 78-79 MB peak instead of
     * 82-85 MB, at the same speed. */
    scratch.small_pages = true;
    struct strbuf sb = STRBUF_INIT;
    if (report_run(p, &cfg, cmdname, cmdarg, &sb, &scratch, NULL, &err)) {
        fprintf(stderr, "prof: %s\n", err.msg);
        status = prof_err_status(&err);
    } else {
        if (output_emit(cmd_find(cmdname), &cfg, &sb, false, &err)) {
            fprintf(stderr, "prof: %s\n", err.msg);
            status = prof_err_status(&err);
        }
    }
    strbuf_release(&sb);
    arena_release(&scratch);

out:
    profile_free(&p);
    for (size_t k = 0; k < prof_ncmds; k++)
        free(cf.param[k]);
    config_release(&cfg);
    return status;
}
