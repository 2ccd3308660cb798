/*
 * repl.c: prof's interactive shell (see repl.h; pprof's interactive.go, reference §2).
 *
 * One session config (struct prof_config) holds the `name=value` settings;
 * every report command runs report_run() on a copy of it with the command's
 * own arguments applied, and hands the bytes to output_emit().  The profile is
 * never re-read, and what consecutive reports share (the filtered view, the
 * graph and its builds) is kept in a struct report_cache.  Reports run in the
 * shell's process: Ctrl-C sets prof_interrupted, which their long loops watch.
 */
#include "prof/repl.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "config.h"
#include "prof/commands.h"
#include "prof/output.h"
#include "prof/report.h"
#include "prof/strbuf.h"
#include "prof/units.h"
#include "prof/util.h"

#if HAVE_LIBEDIT
#include <histedit.h>
#endif

/* ------------------------------------------------------------------------ */
/* Help texts (prof's own words; shared with the man page through repl.h).   */

/* How a command's arguments look, for its usage block. */
enum usage_kind {
    U_NONE,   /* no arguments worth describing */
    U_TEXT,   /* [n] [focus]* [-ignore]* [-cum] [>file] */
    U_GRAPH,  /* [n] [focus]* [-ignore]* [>file] */
    U_VIEW,   /* [n] [focus]* [-ignore]*: shown in a viewer */
    U_SYMBOL, /* func_regex|address [focus]* [-ignore]* [>file] */
    U_PEEK,   /* func_regex [focus]* [-ignore]* [>file] */
    U_WEBLIST,
    U_TAGS,
    U_ALL, /* [focus]* [-ignore]* [>file]: reports without a node limit */
};

struct cmd_usage {
    const char *name;
    enum usage_kind kind;
    const char *more; /* an extra line about the command, or NULL */
};

/* Sorted by name, one per command of the command table. */
static const struct cmd_usage cmd_usages[] = {
    {"callgrind", U_GRAPH,
     "The output is for callgrind_annotate or KCachegrind; it goes to a file in the shell."},
    {"comments", U_NONE, NULL},
    {"disasm", U_SYMBOL, "Needs the profiled binary and objdump."},
    {"dot", U_GRAPH, NULL},
    {"eog", U_VIEW, NULL},
    {"evince", U_VIEW, NULL},
    {"gif", U_GRAPH, "Needs Graphviz (dot); the image goes to a file in the shell."},
    {"gv", U_VIEW, NULL},
    {"kcachegrind", U_VIEW, NULL},
    {"list", U_SYMBOL, "Source files are searched in source_path, after removing trim_path."},
    {"pdf", U_GRAPH, "Needs Graphviz (dot); the document goes to a file in the shell."},
    {"peek", U_PEEK, NULL},
    {"png", U_GRAPH, "Needs Graphviz (dot); the image goes to a file in the shell."},
    {"proto", U_ALL, "The profile after filtering, gzipped; it goes to a file in the shell."},
    {"ps", U_GRAPH, "Needs Graphviz (dot); the document goes to a file in the shell."},
    {"raw", U_ALL, NULL},
    {"svg", U_GRAPH, "Needs Graphviz (dot)."},
    {"tags", U_TAGS, NULL},
    {"text", U_TEXT, NULL},
    {"top", U_TEXT, NULL},
    {"topproto", U_ALL, "The top entries as a gzipped profile; it goes to a file in the shell."},
    {"traces", U_ALL, NULL},
    {"tree", U_TEXT, NULL},
    {"web", U_VIEW, NULL},
    {"weblist", U_WEBLIST, NULL},
};

/* The lines after an option's one-line description (which is in the option table). */
struct opt_more {
    const char *name;
    const char *text;
};

/* Sorted by name. */
static const struct opt_more opt_mores[] = {
    {"addresses", "Nodes are instruction addresses; function names, files and lines are shown with them."},
    {"call_tree", "Keep a function reached through different call paths as separate nodes.\n"
                  "Only the graph reports (dot, svg, web, ...) and callgrind use it."},
    {"compact_labels", "Leave out the File/Type/Time/Duration header lines of text and graph reports.\n"
                       "On in the shell, off on the command line."},
    {"cum", "Order text and tree entries by cumulative value (the node and everything it calls)."},
    {"divide_by", "Every value is divided by this number before it is shown,\n"
                  "e.g. the number of workers or iterations.  0 is an error."},
    {"drop_negative", "Leave out nodes whose value is negative (useful with -base profiles)."},
    {"edgefraction", "Graph edges carrying less than this fraction of the total are dropped."},
    {"filefunctions", "Nodes are functions, kept apart when the same name is defined in several files."},
    {"files", "Nodes are source files."},
    {"flat", "Order text and tree entries by flat value (the node itself)."},
    {"focus", "Keep only the samples whose stack has a frame matching this regexp.\n"
              "Function names, file names and mapping (object) names are matched."},
    {"functions", "Nodes are functions, whatever file they are defined in (the default)."},
    {"granularity", "What a node of a report stands for; one of:"},
    {"hide", "Remove the frames matching this regexp from every stack; the rest of the\n"
             "samples stay and are shown.  Function, file and object names are matched."},
    {"ignore", "Drop the samples whose stack has a frame matching this regexp.\n"
               "Function names, file names and mapping (object) names are matched."},
    {"intel_syntax", "Used by disasm and weblist."},
    {"lines", "Nodes are source lines (function, file and line number)."},
    {"mean", "Divide each sample's value by its first value (the count):\n"
             "the average per allocation for heap profiles, per event for contention profiles."},
    {"nodecount", "Show at most this many nodes.  -1 picks the report's default: in the shell\n"
                  "10 for top and text, 80 for the graph reports, all for the others.\n"
                  "0 means no limit.  In graphs, dotted edges stand for paths through removed nodes."},
    {"nodefraction", "Nodes whose cumulative value is below this fraction of the total are dropped."},
    {"noinlines", "Charge inlined functions to the function they were inlined into."},
    {"normalize", "Scale the profile so that its total matches the base profile's\n"
                  "(needs -base or -diff_base on the command line)."},
    {"output", "Reports go to this file instead of standard output.\n"
               "For one command, end it with >file instead."},
    {"prune_from", "In every stack, drop the frames below (called by) the frame matching this\n"
                   "regexp, keeping the matching frame."},
    {"relative_percentages", "Without it, percentages are of the whole profile even when focus or\n"
                             "ignore removed samples, so filtered views can be compared with the whole."},
    {"sample_index", "A profile has one value per sample type (e.g. samples and cpu time).\n"
                     "sample_index=i selects the i-th, counting from 0.  A sample type's name\n"
                     "alone selects it too; total_NAME and mean_NAME also set mean."},
    {"show", "Keep only the frames matching this regexp in every stack.\n"
             "Function, file and object names are matched."},
    {"show_from", "In every stack, drop the frames above (calling) the highest frame matching\n"
                  "this regexp."},
    {"showcolumns", "With granularity=lines, column numbers are kept in node names."},
    {"sort", "How text and tree entries are ordered; one of:"},
    {"source_path", "Colon-separated directories searched for source files (list, weblist).\n"
                    "Default: the current directory."},
    {"tagfocus", "Keep only the samples whose labels match.  key=value limits the match to\n"
                 "one label key.  String labels match a regexp (foo, mytag=foo.*bar);\n"
                 "numeric labels a value or range with a unit (1kb, 1kb:10kb, bytes=32mb:)."},
    {"taghide", "Labels whose key matches this regexp are left out of the tags report."},
    {"tagignore", "Drop the samples whose labels match; same syntax as tagfocus."},
    {"tagleaf", "A comma-separated list of label keys; each adds a frame named after the\n"
                "sample's label value below the leaf of its stack."},
    {"tagroot", "A comma-separated list of label keys; each adds a frame named after the\n"
                "sample's label value above the root of its stack."},
    {"tagshow", "Only labels whose key matches this regexp are shown in the tags report."},
    {"trim", "Set to false to see the whole graph: nodecount, nodefraction and\n"
             "edgefraction are then all ignored."},
    {"trim_path", "Path prefix removed from the profile's source file names before they are\n"
                  "looked up in source_path."},
    {"unit", "The unit values are shown in.  minimum (the default) picks one unit per\n"
             "report; auto picks one per value; or name one: ns, us, ms, s, hrs,\n"
             "B, kB, MB, GB, TB, PB (also spelled nanoseconds, kilobytes, ...)."},
};

static int by_name(const void *key, const void *elem) { return strcmp(key, *(const char *const *)elem); }

static const struct cmd_usage *usage_find(const char *name)
{
    return bsearch(name, cmd_usages, PROF_ARRAY_LEN(cmd_usages), sizeof(cmd_usages[0]), by_name);
}

static const char *opt_more_find(const char *name)
{
    const struct opt_more *m =
        bsearch(name, opt_mores, PROF_ARRAY_LEN(opt_mores), sizeof(opt_mores[0]), by_name);
    return m ? m->text : NULL;
}

static void add_lines(struct strbuf *sb, const char *indent, const char *text)
{
    while (text && *text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        strbuf_adds(sb, indent);
        strbuf_add(sb, text, n);
        strbuf_addc(sb, '\n');
        text += n + (nl ? 1 : 0);
    }
}

/* Frees the static buffers of the help texts at exit (nothing is left
 * allocated: valgrind's leak check, tests/valgrind.sh). */
static struct strbuf *help_bufs[2];

static void free_help_bufs(void)
{
    for (size_t i = 0; i < PROF_ARRAY_LEN(help_bufs); i++)
        if (help_bufs[i])
            strbuf_release(help_bufs[i]);
}

static void release_at_exit(struct strbuf *sb)
{
    size_t i = 0;
    while (i < PROF_ARRAY_LEN(help_bufs) && help_bufs[i] && help_bufs[i] != sb)
        i++;
    if (i == PROF_ARRAY_LEN(help_bufs) || help_bufs[i])
        return;
    if (i == 0)
        atexit(free_help_bufs);
    help_bufs[i] = sb;
}

const char *repl_command_help(const char *name)
{
    static struct strbuf sb = STRBUF_INIT;
    const struct prof_cmd *c = cmd_find(name);
    const struct cmd_usage *u = usage_find(name);
    if (!c || !u)
        return NULL;
    release_at_exit(&sb);
    strbuf_reset(&sb);
    strbuf_addf(&sb, "%s\n", c->help);
    const char *n = c->name;
    switch (u->kind) {
    case U_NONE:
        break;
    case U_TEXT:
        strbuf_addf(&sb, "  Usage:\n    %s [n] [focus_regex]* [-ignore_regex]* [-cum] [>file]\n", n);
        add_lines(&sb, "    ",
                  strcmp(n, "tree")
                      ? "Show at most n entries (default 10 in the shell, unless nodecount is set)."
                      : "Show at most n entries (default 80).");
        add_lines(&sb, "    ",
                  "Keep samples matching any focus_regex, drop those matching an ignore_regex.\n"
                  "-cum sorts by cumulative value.\n"
                  "Write the report to file instead of the terminal.");
        break;
    case U_GRAPH:
        strbuf_addf(&sb, "  Usage:\n    %s [n] [focus_regex]* [-ignore_regex]* [>file]\n", n);
        add_lines(&sb, "    ",
                  "Show at most n nodes (default 80).\n"
                  "Keep samples matching any focus_regex, drop those matching an ignore_regex.\n"
                  "Write the report to file.");
        break;
    case U_VIEW:
        strbuf_addf(&sb, "  Usage:\n    %s [n] [focus_regex]* [-ignore_regex]*\n", n);
        add_lines(&sb, "    ",
                  "Show at most n nodes (default 80).\n"
                  "Keep samples matching any focus_regex, drop those matching an ignore_regex.");
        break;
    case U_SYMBOL:
        strbuf_addf(&sb, "  Usage:\n    %s func_regex|address [focus_regex]* [-ignore_regex]* [>file]\n", n);
        add_lines(&sb, "    ",
                  "Show the functions matching func_regex, or the one containing the address.\n"
                  "Keep samples matching any focus_regex, drop those matching an ignore_regex.\n"
                  "Write the report to file instead of the terminal.");
        break;
    case U_PEEK:
        strbuf_addf(&sb, "  Usage:\n    %s func_regex [focus_regex]* [-ignore_regex]* [>file]\n", n);
        add_lines(&sb, "    ",
                  "Show the callers and callees of the functions matching func_regex.\n"
                  "Keep samples matching any focus_regex, drop those matching an ignore_regex.\n"
                  "Write the report to file instead of the terminal.");
        break;
    case U_WEBLIST:
        strbuf_addf(&sb, "  Usage:\n    %s func_regex|address [focus_regex]* [-ignore_regex]*\n", n);
        add_lines(&sb, "    ",
                  "Show the functions matching func_regex, or the one containing the address.\n"
                  "Keep samples matching any focus_regex, drop those matching an ignore_regex.");
        break;
    case U_TAGS:
        strbuf_addf(&sb, "  Usage:\n    %s [tag_regex]* [-tag_regex]* [>file]\n", n);
        add_lines(&sb, "    ",
                  "Keep samples whose labels match any tag_regex (tagfocus), drop those\n"
                  "matching a -tag_regex (tagignore).\n"
                  "Write the report to file instead of the terminal.");
        break;
    case U_ALL:
        strbuf_addf(&sb, "  Usage:\n    %s [focus_regex]* [-ignore_regex]* [>file]\n", n);
        add_lines(&sb, "    ",
                  "Keep samples matching any focus_regex, drop those matching an ignore_regex.\n"
                  "Write the report to file instead of the terminal.");
        break;
    }
    if (u->more)
        add_lines(&sb, "    ", u->more);
    strbuf_addc(&sb, '\n');
    return sb.buf;
}

const char *repl_option_help(const char *name)
{
    static struct strbuf sb = STRBUF_INIT;
    const struct prof_opt *o = opt_find(name);
    if (!o || !(o->flags & (OPTF_CONFIG | OPTF_CHOICE)))
        return NULL;
    release_at_exit(&sb);
    strbuf_reset(&sb);
    strbuf_addf(&sb, "%s\n", o->help);
    add_lines(&sb, "", opt_more_find(name));
    if (o->type == OPT_CHOICE) {
        for (size_t k = 0; o->choices[k]; k++) {
            const struct prof_opt *c = opt_find(o->choices[k]);
            strbuf_addf(&sb, "  %-16s %s\n", o->choices[k], c ? c->help : "");
        }
        strbuf_addf(&sb, "Set it with %s=<choice>, or with <choice>=true.\n", o->name);
    } else if (o->flags & OPTF_CHOICE) {
        strbuf_addf(&sb, "Select it with %s=true or %s=%s.\n", o->name, o->group, o->name);
    }
    strbuf_addc(&sb, '\n');
    return sb.buf;
}

/* Help for the shell's own words. */
static const char *builtin_help(const char *name)
{
    if (!strcmp(name, "o") || !strcmp(name, "options"))
        return "List options and their current values\n"
               "Each line can be pasted back as a command: the text after //: is ignored.\n\n";
    if (!strcmp(name, "q") || !strcmp(name, "quit") || !strcmp(name, "exit") || !strcmp(name, "^D"))
        return "Exit prof (so does end of input, Ctrl-D)\n\n";
    if (!strcmp(name, "help"))
        return "Show the list of commands and options, or help on one\n"
               "  Usage:\n    help [command|option]\n\n";
    if (!strcmp(name, ":"))
        return "Clear focus, ignore, hide, tagfocus and tagignore\n\n";
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Go-compatible text helpers.                                               */

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Trimmed copy of s[0..n). */
static char *trim_dup(const char *s, size_t n)
{
    while (n && is_space((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && is_space((unsigned char)s[n - 1]))
        n--;
    return xstrndup(s, n);
}

struct words {
    char **v;
    size_t n, cap;
};

static void words_add(struct words *w, char *s)
{
    xgrow(&w->v, &w->cap, w->n + 1, sizeof(char *));
    w->v[w->n++] = s;
}

static void words_free(struct words *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i]);
    free(w->v);
    memset(w, 0, sizeof(*w));
}

/* Go's strings.Fields over s[0..n). */
static void fields(struct words *w, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && is_space((unsigned char)s[i]))
            i++;
        size_t st = i;
        while (i < n && !is_space((unsigned char)s[i]))
            i++;
        if (i > st)
            words_add(w, xstrndup(s + st, i - st));
    }
}

/* Go's %q (strconv.Quote) of s. */
static void add_quoted(struct strbuf *sb, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    strbuf_addc(sb, '"');
    while (*p) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            strbuf_addc(sb, '\\');
            strbuf_addc(sb, (char)c);
            p++;
            continue;
        }
        if (c >= 0x20 && c < 0x7f) {
            strbuf_addc(sb, (char)c);
            p++;
            continue;
        }
        if (c < 0x80) {
            const char *esc = NULL;
            switch (c) {
            case '\a':
                esc = "\\a";
                break;
            case '\b':
                esc = "\\b";
                break;
            case '\f':
                esc = "\\f";
                break;
            case '\n':
                esc = "\\n";
                break;
            case '\r':
                esc = "\\r";
                break;
            case '\t':
                esc = "\\t";
                break;
            case '\v':
                esc = "\\v";
                break;
            default:
                break;
            }
            if (esc)
                strbuf_adds(sb, esc);
            else
                strbuf_addf(sb, "\\x%02x", c);
            p++;
            continue;
        }
        /* A valid UTF-8 sequence is kept (Go keeps printable runes); a stray byte is escaped. */
        size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
        size_t k = 1;
        while (len && k < len && (p[k] & 0xc0) == 0x80)
            k++;
        if (len && k == len) {
            uint32_t cp = len == 2 ? (uint32_t)(c & 0x1f) << 6 | (p[1] & 0x3f) : 0;
            if (len == 2 && cp < 0xa0) {
                strbuf_addf(sb, "\\u%04x", (unsigned)cp);
            } else {
                strbuf_add(sb, p, len);
            }
            p += len;
        } else {
            strbuf_addf(sb, "\\x%02x", c);
            p++;
        }
    }
    strbuf_addc(sb, '"');
}

/* Go's strconv.ParseInt(s, 10, bits): 0, -1 bad syntax, -2 out of range. */
static int go_parse_dec(const char *s, int bits, long long *out)
{
    const char *d = s;
    bool neg = false;
    if (*d == '+' || *d == '-') {
        neg = *d == '-';
        d++;
    }
    if (!*d)
        return -1;
    unsigned long long v = 0, lim = bits == 32 ? (neg ? 2147483648ULL : 2147483647ULL)
                                               : (neg ? 9223372036854775808ULL : 9223372036854775807ULL);
    bool over = false;
    for (; *d; d++) {
        if (*d < '0' || *d > '9')
            return -1;
        if (!over) {
            v = v * 10 + (unsigned)(*d - '0');
            if (v > lim)
                over = true;
        }
    }
    if (over)
        return -2;
    *out = neg ? (long long)(0 - v) : (long long)v;
    return 0;
}

/* pprof's stringToBool (not Go's ParseBool: "yes", "y" and "" are true). */
static int pprof_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "t", "yes", "y", "1", ""};
    static const char *const no[] = {"false", "f", "no", "n", "0"};
    for (size_t i = 0; i < PROF_ARRAY_LEN(yes); i++)
        if (!strcasecmp(s, yes[i])) {
            *out = true;
            return 0;
        }
    for (size_t i = 0; i < PROF_ARRAY_LEN(no); i++)
        if (!strcasecmp(s, no[i])) {
            *out = false;
            return 0;
        }
    return -1;
}

/* ------------------------------------------------------------------------ */
/* The session.                                                              */


static void on_sigint(int sig)
{
    (void)sig;
    prof_interrupted = 1;
}

struct repl {
    const struct profile *p;
    struct prof_config cfg; /* the session's settings */
    struct arena scratch;
    bool tty; /* standard input is a terminal: prompt, editing, cancellable reports */
    struct report_cache *cache; /* owned: what reports on this profile share */
    bool warming;               /* warm is running (see warm_start) */
    pthread_t warm;
    struct arena warm_scratch;
    bool color; /* errors in red */
    FILE *eout; /* where the prompt and the editor write */

    /* function names for completion, built on first use */
    char **fnames; /* regexp-quoted, sorted, unique */
    const char **fraw;
    size_t nfnames;
    bool fnames_ready;

#if HAVE_LIBEDIT
    EditLine *el;
    History *hist;
    char *histfile;
    bool cancelled;
#endif
};

static void shell_error(struct repl *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void shell_error(struct repl *r, const char *fmt, ...)
{
    struct strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    fflush(stdout);
    if (r->color)
        fprintf(stderr, "\033[0;31m%s\033[0m\n", sb.buf);
    else
        fprintf(stderr, "%s\n", sb.buf);
    strbuf_release(&sb);
}

/* ---- greeting ---- */

static void greet(struct repl *r)
{
    const struct profile *p = r->p;
    const struct prof_config *c = &r->cfg;
    struct prof_err err = {0};
    int si = profile_sample_index(p, c->sample_index, &err);
    if (si >= 0 && c->divide_by != 0) {
        struct report rep;
        memset(&rep, 0, sizeof(rep));
        rep.prof = p;
        rep.cfg = c;
        rep.cmd = "";
        rep.a = &r->scratch;
        rep.sample_index = si;
        rep.sample_type = c->mean ? arena_printf(&r->scratch, "mean_%s", p->sample_types[si].type)
                                  : p->sample_types[si].type;
        rep.sample_unit = p->sample_types[si].unit;
        rep.ratio = 1 / c->divide_by;
        rep.output_unit = c->unit;
        /* pprof's computeTotal over the whole profile. */
        int64_t total = 0, div = 0, dtotal = 0, ddiv = 0;
        for (size_t i = 0; i < p->nsamples; i++) {
            const struct prof_sample *s = &p->samples[i];
            int64_t v = abs64(s->values[si]), d = c->mean ? abs64(s->values[0]) : 0;
            total += v;
            div += d;
            if (s->nlabels && sample_is_diff_base(s)) {
                dtotal += v;
                ddiv += d;
            }
        }
        if (dtotal > 0) {
            total = dtotal;
            div = ddiv;
        }
        rep.total = div != 0 ? div64(total, div) : total;
        const char **lines;
        size_t n;
        report_profile_labels(&rep, &lines, &n);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "%s\n", lines[i]);
        if (n == 0)
            fputc('\n', stderr);
        if (rep.total == 0 && p->nsample_types > 1) {
            fputs("No samples were found with the default sample value type.\n", stderr);
            fputs("Try \"sample_index\" command to analyze different sample values.\n", stderr);
        }
        arena_reset(&r->scratch);
    }
    fputs("Entering interactive mode (type \"help\" for commands, \"o\" for options)\n", stderr);
}

/* ---- options ---- */

static void *field_of(struct prof_config *c, const struct prof_opt *o) { return (char *)c + o->offset; }

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void sample_type_list(const struct profile *p, struct strbuf *sb, const char *sep)
{
    for (size_t i = 0; i < p->nsample_types; i++) {
        if (i)
            strbuf_adds(sb, sep);
        strbuf_adds(sb, p->sample_types[i].type);
    }
}

static void print_options(struct repl *r)
{
    struct words lines = {0};
    for (size_t i = 0; i < prof_nopts; i++) {
        const struct prof_opt *o = &prof_opts[i];
        if (!(o->flags & OPTF_CONFIG) || !strcmp(o->name, "source_path"))
            continue;
        void *f = field_of(&r->cfg, o);
        struct strbuf v = STRBUF_INIT, comment = STRBUF_INIT;
        char num[64];
        switch (o->type) {
        case OPT_BOOL:
            strbuf_adds(&v, *(bool *)f ? "true" : "false");
            break;
        case OPT_INT:
            strbuf_addf(&v, "%d", *(int *)f);
            if (*(int *)f == -1 && !strcmp(o->name, "nodecount"))
                strbuf_adds(&comment, "//: default");
            break;
        case OPT_FLOAT:
            units_go_float(num, sizeof(num), *(double *)f);
            strbuf_adds(&v, num);
            break;
        case OPT_CHOICE: {
            const char *s = *(char **)f;
            /* An unset granularity is functions for every report the shell prints. */
            strbuf_adds(&v, s[0] ? s : o->choices[0]);
            const char *sorted[16];
            size_t n = 0;
            for (; o->choices[n] && n < PROF_ARRAY_LEN(sorted); n++)
                sorted[n] = o->choices[n];
            qsort(sorted, n, sizeof(sorted[0]), cmp_str);
            strbuf_adds(&comment, "//: [");
            for (size_t k = 0; k < n; k++)
                strbuf_addf(&comment, "%s%s", k ? " | " : "", sorted[k]);
            strbuf_addc(&comment, ']');
            break;
        }
        case OPT_STRING: {
            const char *s = *(char **)f;
            if (!strcmp(o->name, "sample_index")) {
                if (!s[0] && r->p->nsample_types)
                    s = r->p->sample_types[profile_default_sample_index(r->p)].type;
                strbuf_adds(&comment, "//: [");
                sample_type_list(r->p, &comment, " | ");
                strbuf_addc(&comment, ']');
            }
            strbuf_adds(&v, s[0] ? s : "\"\"");
            break;
        }
        }
        struct strbuf line = STRBUF_INIT;
        strbuf_adds(&line, "  ");
        strbuf_addpad(&line, o->name, 25, 1);
        strbuf_adds(&line, " = ");
        strbuf_addpad(&line, v.buf, 20, 1);
        strbuf_addc(&line, ' ');
        strbuf_adds(&line, comment.buf);
        words_add(&lines, strbuf_detach(&line, NULL));
        strbuf_release(&v);
        strbuf_release(&comment);
    }
    qsort(lines.v, lines.n, sizeof(char *), cmp_str);
    fflush(stdout);
    for (size_t i = 0; i < lines.n; i++)
        fprintf(stderr, "%s\n", lines.v[i]);
    words_free(&lines);
}

/* Is name settable with name=value in the shell (an option or one choice of a group)? */
static const struct prof_opt *shell_opt(const char *name)
{
    const struct prof_opt *o = opt_find(name);
    if (o && (o->flags & (OPTF_CONFIG | OPTF_CHOICE)))
        return o;
    return NULL;
}

static bool opt_is_boolish(const struct prof_opt *o)
{
    return o->type == OPT_BOOL || (o->flags & OPTF_CHOICE);
}

static void set_option(struct repl *r, const struct prof_opt *o, const char *value)
{
    struct strbuf q = STRBUF_INIT;
    add_quoted(&q, value);
    void *f = field_of(&r->cfg, o);
    if (o->flags & OPTF_CHOICE) {
        /* A choice: cum=true selects sort=cum.  Unlike pprof, a bare `cum` works too. */
        const struct prof_opt *g = opt_find(o->group);
        bool b;
        if (!g || pprof_bool(value, &b) || !b)
            shell_error(r, "%s can only be selected (%s=true); to change %s, use %s=<val>", o->name, o->name,
                        o->group, o->group);
        else
            config_set_str(field_of(&r->cfg, g), o->name);
        strbuf_release(&q);
        return;
    }
    switch (o->type) {
    case OPT_CHOICE: {
        bool ok = false;
        for (size_t k = 0; o->choices[k]; k++)
            ok |= !strcmp(o->choices[k], value);
        if (ok) {
            config_set_str(f, value);
        } else {
            struct strbuf qn = STRBUF_INIT;
            add_quoted(&qn, o->name);
            shell_error(r, "invalid %s value %s", qn.buf, q.buf);
            strbuf_release(&qn);
        }
        break;
    }
    case OPT_STRING:
        if (!strcmp(o->name, "sample_index")) {
            struct prof_err err = {0};
            int si = profile_sample_index(r->p, value, &err);
            if (si < 0) {
                shell_error(r, "%s", err.msg);
                break;
            }
            value = r->p->sample_types[si].type;
        }
        config_set_str(f, value);
        break;
    case OPT_INT: {
        long long v;
        int rc = go_parse_dec(value, 64, &v);
        if (rc)
            shell_error(r, "strconv.Atoi: parsing %s: %s", q.buf,
                        rc == -2 ? "value out of range" : "invalid syntax");
        else
            *(int *)f = v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : (int)v;
        break;
    }
    case OPT_FLOAT: {
        double v;
        int rc = parse_go_float(value, &v);
        if (rc)
            shell_error(r, "strconv.ParseFloat: parsing %s: %s", q.buf,
                        rc == -2 ? "value out of range" : "invalid syntax");
        else
            *(double *)f = v;
        break;
    }
    case OPT_BOOL: {
        bool b;
        if (pprof_bool(value, &b))
            shell_error(r, "illegal value \"%s\" for bool variable", value);
        else
            *(bool *)f = b;
        break;
    }
    }
    strbuf_release(&q);
}

/* ---- help ---- */

static void print_usage(struct repl *r)
{
    (void)r;
    struct strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "  Commands:\n");
    for (size_t i = 0; i < prof_ncmds; i++)
        strbuf_addf(&sb, "    %-16s %s\n", prof_cmds[i].name, prof_cmds[i].help);
    strbuf_addf(&sb, "    %-16s %s\n", "o/options", "List options and their current values");
    strbuf_addf(&sb, "    %-16s %s\n", "q/quit/exit/^D", "Exit prof");
    strbuf_adds(&sb, "\n  Options:\n");
    for (size_t i = 0; i < prof_nopts; i++) {
        const struct prof_opt *o = &prof_opts[i];
        if ((o->flags & OPTF_CONFIG) && o->type != OPT_CHOICE)
            strbuf_addf(&sb, "    %-16s %s\n", o->name, o->help);
    }
    strbuf_adds(&sb, "\n  Option groups (only set one per group):\n");
    for (size_t i = 0; i < prof_nopts; i++) {
        const struct prof_opt *o = &prof_opts[i];
        if (!(o->flags & OPTF_CONFIG) || o->type != OPT_CHOICE)
            continue;
        strbuf_addf(&sb, "    %-16s \n", o->name);
        for (size_t k = 0; o->choices[k]; k++) {
            const struct prof_opt *c = opt_find(o->choices[k]);
            strbuf_addf(&sb, "      %-16s %s\n", o->choices[k], c ? c->help : "");
        }
    }
    strbuf_adds(&sb, "  :   Clear focus/ignore/hide/tagfocus/tagignore\n"
                     "\n"
                     "  type \"help <cmd|option>\" for more information\n");
    fflush(stdout);
    fputs(sb.buf, stderr);
    strbuf_release(&sb);
}

static void help(struct repl *r, const char *topic)
{
    const char *h;
    if (!topic[0]) {
        print_usage(r);
        return;
    }
    fflush(stdout);
    if ((h = repl_command_help(topic)) || (h = builtin_help(topic))) {
        fputs(h, stderr);
        return;
    }
    if ((h = repl_option_help(topic))) {
        if (!strcmp(topic, "sample_index")) {
            /* Before the final empty line: the profile's own types. */
            fwrite(h, 1, strlen(h) - 1, stderr);
            struct strbuf sb = STRBUF_INIT;
            sample_type_list(r->p, &sb, " ");
            fprintf(stderr, "Or use sample_index=name, with name in [%s].\n\n", sb.buf);
            strbuf_release(&sb);
        } else {
            fputs(h, stderr);
        }
        return;
    }
    shell_error(r, "Unknown command: %s", topic);
}

/* ------------------------------------------------------------------------ */
/* Running a report.                                                         */

/*
 * Deliver a report.  A text report for the terminal goes out in slices, so
 * that Ctrl-C stops a long one (a blocked write is not interrupted otherwise).
 * Returns 1 when interrupted, else as output_emit().
 */
static int emit(struct repl *r, const struct prof_cmd *cmd, const struct prof_config *cfg, struct strbuf *sb,
                struct prof_err *err)
{
    if (!r->tty || cfg->output[0] || (cmd->flags & (CMD_BINARY | CMD_VIEWER)))
        return output_emit(cmd, cfg, sb, true, err);
    const size_t slice = 1 << 16;
    struct strbuf part = STRBUF_INIT;
    int rc = 0;
    size_t off = 0;
    do {
        if (prof_interrupted) {
            rc = 1;
            break;
        }
        size_t n = sb->len - off < slice ? sb->len - off : slice;
        strbuf_reset(&part);
        strbuf_add(&part, sb->buf + off, n);
        rc = output_emit(cmd, cfg, &part, true, err);
        off += n;
    } while (rc == 0 && off < sb->len);
    strbuf_release(&part);
    if (rc == 0 && prof_interrupted)
        rc = 1;
    return rc;
}

/* The shell's own defaults for a command (pprof's interactive ones). */
static void shell_defaults(const char *cmd, struct prof_config *c)
{
    if (c->nodecount == -1 && (!strcmp(cmd, "text") || !strcmp(cmd, "top")))
        c->nodecount = 10;
}

/*
 * While the greeting is read and the first line typed, a second thread runs
 * the session's default report (`top`) into the cache, so that the first
 * `top`, `tree`, `peek` or `list` finds its view, graph and builds made.  The
 * shell waits for it before it runs any line: the cache and the session
 * settings are only ever used by one thread at a time.
 */
static void *warm_run(void *arg)
{
    struct repl *r = arg;
    struct strbuf sb = STRBUF_INIT;
    struct prof_err err;
    struct prof_config c;
    config_copy(&c, &r->cfg);
    shell_defaults("top", &c);
    report_cache_quiet(r->cache, true);
    (void)report_run(r->p, &c, "top", NULL, &sb, &r->warm_scratch, r->cache, &err);
    report_cache_quiet(r->cache, false);
    config_release(&c);
    strbuf_release(&sb);
    arena_release(&r->warm_scratch);
    return NULL;
}

static void warm_start(struct repl *r)
{
    if (!r->cache)
        return;
    arena_init(&r->warm_scratch, 1 << 20);
    r->warming = pthread_create(&r->warm, NULL, warm_run, r) == 0;
    if (!r->warming)
        arena_release(&r->warm_scratch);
}

static void warm_wait(struct repl *r)
{
    if (r->warming) {
        pthread_join(r->warm, NULL);
        r->warming = false;
    }
}

static void run_report(struct repl *r, const struct prof_cmd *cmd, const char *arg,
                       const struct prof_config *cfg)
{
    struct strbuf sb = STRBUF_INIT;
    struct prof_err err = {0};
    prof_interrupted = 0;
    int rc;
    rc = report_run(r->p, cfg, cmd->name, arg, &sb, &r->scratch, r->cache, &err);
    arena_reset(&r->scratch);
    if (rc == 0)
        rc = emit(r, cmd, cfg, &sb, &err);
    if (rc == 1 || (rc && prof_interrupted)) {
        fflush(stdout);
        fputc('\n', stderr); /* after the terminal's ^C */
        shell_error(r, "interrupted");
    } else if (rc) {
        shell_error(r, "%s", err.msg);
    }
    strbuf_release(&sb);
    fflush(stdout);
    clearerr(stdout);
    prof_interrupted = 0;
}

static void cat_regex(struct strbuf *sb, const char *re)
{
    if (sb->len && re[0])
        strbuf_addc(sb, '|');
    strbuf_adds(sb, re);
}

/* A report command with its arguments (pprof's parseCommandLine). */
static void run_command(struct repl *r, struct words *tok)
{
    char *name = xstrdup(tok->v[0]);
    char **args = tok->v + 1;
    size_t nargs = tok->n - 1;
    char *digits = NULL;
    const struct prof_cmd *cmd = cmd_find(name);
    if (!cmd) {
        /* top10, tree3: split the trailing digits off as an argument. */
        size_t len = strlen(name), k = len;
        while (k > 0 && name[k - 1] >= '0' && name[k - 1] <= '9')
            k--;
        if (k > 0 && k < len) {
            digits = xstrdup(name + k);
            name[k] = 0;
            cmd = cmd_find(name);
        }
    }
    struct words a = {0};
    if (digits)
        words_add(&a, digits);
    for (size_t i = 0; i < nargs; i++)
        words_add(&a, xstrdup(args[i]));
    if (!cmd) {
        const struct prof_opt *o = opt_find(name);
        if (o && (shell_opt(name)))
            shell_error(r, "did you mean: %s=%s", name, a.n ? a.v[0] : "<val>");
        else {
            struct strbuf q = STRBUF_INIT;
            add_quoted(&q, name);
            shell_error(r, "unrecognized command: %s", q.buf);
            strbuf_release(&q);
        }
        goto out;
    }
    size_t i = 0;
    const char *arg = NULL;
    if (cmd->flags & CMD_PARAM) {
        if (a.n == 0) {
            shell_error(r, "command %s requires an argument", name);
            goto out;
        }
        arg = a.v[i++];
    }
    struct prof_config c;
    config_copy(&c, &r->cfg);
    struct strbuf focus = STRBUF_INIT, ignore = STRBUF_INIT;
    for (; i < a.n; i++) {
        const char *t = a.v[i];
        long long n;
        if (go_parse_dec(t, 32, &n) == 0) {
            c.nodecount = (int)n;
            continue;
        }
        if (t[0] == '>') {
            const char *file = t + 1;
            if (!file[0]) {
                if (++i >= a.n) {
                    shell_error(r, "unexpected end of line after >");
                    goto done;
                }
                file = a.v[i];
            }
            config_set_str(&c.output, file);
        } else if (t[0] == '-') {
            if (!strcmp(t, "-cum") || !strcmp(t, "--cum"))
                config_set_str(&c.sort, "cum");
            else
                cat_regex(&ignore, t + 1);
        } else {
            cat_regex(&focus, t);
        }
    }
    bool tags = !strcmp(cmd->name, "tags");
    if (focus.len)
        config_set_str(tags ? &c.tagfocus : &c.focus, focus.buf);
    if (ignore.len)
        config_set_str(tags ? &c.tagignore : &c.ignore, ignore.buf);
    shell_defaults(cmd->name, &c);
    run_report(r, cmd, arg, &c);
done:
    strbuf_release(&focus);
    strbuf_release(&ignore);
    config_release(&c);
out:
    words_free(&a);
    free(name);
}

/* ------------------------------------------------------------------------ */
/* Lines.                                                                    */

/* One line after shortcut expansion; false to leave the shell. */
static bool process_one(struct repl *r, const char *line)
{
    /* name=value (the name part may be a choice: cum=true). */
    const char *eq = strchr(line, '=');
    char *name = trim_dup(line, eq ? (size_t)(eq - line) : strlen(line));
    const struct prof_opt *o = shell_opt(name);
    if (o) {
        char *value;
        if (eq) {
            /* Drop a //: comment (as `options` prints) from the last one on. */
            const char *v = eq + 1, *end = v + strlen(v);
            for (const char *s = v; (s = strstr(s, "//:")); s++)
                end = s;
            value = trim_dup(v, (size_t)(end - v));
        } else {
            value = xstrdup("");
        }
        if (!eq && !opt_is_boolish(o))
            shell_error(r, "please specify a value, e.g. %s=<val>", name);
        else
            set_option(r, o, value);
        free(value);
        free(name);
        return true;
    }
    free(name);

    struct words tok = {0};
    fields(&tok, line, strlen(line));
    bool go_on = true;
    if (tok.n == 0) {
        /* nothing */
    } else if (!strcmp(tok.v[0], "o") || !strcmp(tok.v[0], "options")) {
        print_options(r);
    } else if (!strcmp(tok.v[0], "exit") || !strcmp(tok.v[0], "quit") || !strcmp(tok.v[0], "q")) {
        go_on = false;
    } else if (!strcmp(tok.v[0], "help")) {
        struct strbuf topic = STRBUF_INIT;
        for (size_t i = 1; i < tok.n; i++) {
            if (i > 1)
                strbuf_addc(&topic, ' ');
            strbuf_adds(&topic, tok.v[i]);
        }
        help(r, topic.buf);
        strbuf_release(&topic);
    } else {
        run_command(r, &tok);
    }
    words_free(&tok);
    return go_on;
}

/* A line as typed: shortcuts expand to several lines.  False to leave. */
static bool process_line(struct repl *r, const char *input)
{
    warm_wait(r);
    char *line = trim_dup(input, strlen(input));
    bool go_on = true;
    if (!strcmp(line, ":")) {
        static const char *const clear[] = {"focus=", "ignore=", "hide=", "tagfocus=", "tagignore="};
        for (size_t i = 0; i < PROF_ARRAY_LEN(clear); i++)
            process_one(r, clear[i]);
        free(line);
        return true;
    }
    const struct profile *p = r->p;
    for (size_t i = 0; i < p->nsample_types; i++) {
        const char *t = p->sample_types[i].type;
        const char *mean = NULL;
        if (!strcmp(line, t))
            mean = "";
        else if (!strncmp(line, "total_", 6) && !strcmp(line + 6, t))
            mean = "mean=0";
        else if (!strncmp(line, "mean_", 5) && !strcmp(line + 5, t))
            mean = "mean=1";
        if (mean) {
            if (mean[0])
                process_one(r, mean);
            char *set = xmalloc(strlen(t) + 16);
            snprintf(set, strlen(t) + 16, "sample_index=%s", t);
            process_one(r, set);
            free(set);
            free(line);
            return true;
        }
    }
    go_on = process_one(r, line);
    free(line);
    return go_on;
}

#if HAVE_LIBEDIT
/* ------------------------------------------------------------------------ */
/* Completion (TAB): the candidates for the word before the cursor.          */

struct cands {
    const char **v;
    size_t n, cap;
};

static void cands_add(struct cands *c, const char *s)
{
    xgrow(&c->v, &c->cap, c->n + 1, sizeof(char *));
    c->v[c->n++] = s;
}

static bool has_prefix(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

/* Function names, unique and sorted, with their regexp-quoted forms. */
static void load_fnames(struct repl *r)
{
    if (r->fnames_ready)
        return;
    r->fnames_ready = true;
    const struct profile *p = r->p;
    const char **v = xmalloc((p->nfunctions + 1) * sizeof(char *));
    size_t n = 0;
    for (size_t i = 0; i < p->nfunctions; i++)
        if (p->functions[i].name[0])
            v[n++] = p->functions[i].name;
    qsort(v, n, sizeof(char *), cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || strcmp(v[u - 1], v[i]) != 0)
            v[u++] = v[i];
    r->fraw = v;
    r->nfnames = u;
    r->fnames = xmalloc((u + 1) * sizeof(char *));
    for (size_t i = 0; i < u; i++) {
        struct strbuf sb = STRBUF_INIT;
        for (const char *s = v[i]; *s; s++) {
            if (strchr("\\.+*?()|[]{}^$", *s))
                strbuf_addc(&sb, '\\');
            strbuf_addc(&sb, *s);
        }
        r->fnames[i] = strbuf_detach(&sb, NULL);
    }
}

/* Function-name candidates for word: names starting with it (as typed or
 * quoted); failing that, names containing it (as pprof's completer). */
static void function_cands(struct repl *r, const char *word, struct cands *c)
{
    load_fnames(r);
    for (size_t i = 0; i < r->nfnames; i++)
        if (has_prefix(r->fnames[i], word) || has_prefix(r->fraw[i], word))
            cands_add(c, r->fnames[i]);
    if (c->n == 0 && word[0])
        for (size_t i = 0; i < r->nfnames; i++)
            if (strstr(r->fraw[i], word))
                cands_add(c, r->fnames[i]);
}

static const char *const unit_names[] = {
    "minimum", "auto",  "ns",        "us",        "ms",        "s",           "hrs",          "B",
    "kB",      "MB",    "GB",        "TB",        "PB",        "nanoseconds", "microseconds", "milliseconds",
    "seconds", "bytes", "kilobytes", "megabytes", "gigabytes", "terabytes",   "petabytes"};

/* Values of option o starting with word. */
static void value_cands(struct repl *r, const struct prof_opt *o, const char *word, struct cands *c)
{
    if (o->type == OPT_CHOICE) {
        for (size_t k = 0; o->choices[k]; k++)
            if (has_prefix(o->choices[k], word))
                cands_add(c, o->choices[k]);
    } else if (o->type == OPT_BOOL || (o->flags & OPTF_CHOICE)) {
        if (has_prefix("true", word))
            cands_add(c, "true");
        if (has_prefix("false", word))
            cands_add(c, "false");
    } else if (!strcmp(o->name, "sample_index")) {
        for (size_t i = 0; i < r->p->nsample_types; i++)
            if (has_prefix(r->p->sample_types[i].type, word))
                cands_add(c, r->p->sample_types[i].type);
    } else if (!strcmp(o->name, "unit")) {
        for (size_t i = 0; i < PROF_ARRAY_LEN(unit_names); i++)
            if (has_prefix(unit_names[i], word))
                cands_add(c, unit_names[i]);
    } else if (!strcmp(o->name, "focus") || !strcmp(o->name, "ignore") || !strcmp(o->name, "hide") ||
               !strcmp(o->name, "show") || !strcmp(o->name, "show_from") || !strcmp(o->name, "prune_from")) {
        function_cands(r, word, c);
    }
}

/* The first word of a line: commands, options, the shell's words, sample types. */
static void first_word_cands(struct repl *r, const char *word, struct cands *c)
{
    static const char *const words[] = {"help", "options", "quit", "exit"};
    for (size_t i = 0; i < prof_ncmds; i++)
        if (has_prefix(prof_cmds[i].name, word))
            cands_add(c, prof_cmds[i].name);
    for (size_t i = 0; i < prof_nopts; i++)
        if ((prof_opts[i].flags & (OPTF_CONFIG | OPTF_CHOICE)) && has_prefix(prof_opts[i].name, word))
            cands_add(c, prof_opts[i].name);
    for (size_t i = 0; i < PROF_ARRAY_LEN(words); i++)
        if (has_prefix(words[i], word))
            cands_add(c, words[i]);
    for (size_t i = 0; i < r->p->nsample_types; i++) {
        const char *t = r->p->sample_types[i].type;
        /* alloc_space, total_delay...: also flag-only option names, but shortcuts in the shell. */
        if (has_prefix(t, word) && !cmd_find(t) && !shell_opt(t))
            cands_add(c, t);
    }
}

struct completion {
    size_t start;      /* byte offset in the line where the replaced text begins */
    struct cands c;    /* full replacements for line[start..cursor) */
    const char *after; /* appended to a unique candidate: " ", "=" or "" */
};

/* Decide what the text before the cursor (line[0..cur)) completes to. */
static void complete_line(struct repl *r, const char *line, size_t cur, struct completion *out)
{
    memset(out, 0, sizeof(*out));
    size_t ws = cur;
    while (ws > 0 && !is_space((unsigned char)line[ws - 1]))
        ws--;
    struct words before = {0};
    fields(&before, line, ws);
    char *word = xstrndup(line + ws, cur - ws);
    out->start = ws;
    out->after = " ";
    if (before.n == 0) {
        const char *eq = strchr(word, '=');
        if (eq) {
            char *name = xstrndup(word, (size_t)(eq - word));
            const struct prof_opt *o = shell_opt(name);
            if (o) {
                out->start = ws + (size_t)(eq - word) + 1;
                value_cands(r, o, eq + 1, &out->c);
            }
            free(name);
        } else {
            first_word_cands(r, word, &out->c);
            if (out->c.n == 1) {
                const struct prof_opt *o = shell_opt(out->c.v[0]);
                if (o && !cmd_find(out->c.v[0]))
                    out->after = opt_is_boolish(o) ? "" : "=";
            }
        }
    } else if (before.n == 1 && !strcmp(before.v[0], "help")) {
        for (size_t i = 0; i < prof_ncmds; i++)
            if (has_prefix(prof_cmds[i].name, word))
                cands_add(&out->c, prof_cmds[i].name);
        for (size_t i = 0; i < prof_nopts; i++)
            if ((prof_opts[i].flags & (OPTF_CONFIG | OPTF_CHOICE)) && has_prefix(prof_opts[i].name, word))
                cands_add(&out->c, prof_opts[i].name);
        out->after = "";
    } else {
        /* A report command's arguments: function names (tag regexps for tags). */
        char *cmd = xstrdup(before.v[0]);
        size_t k = strlen(cmd);
        while (k > 0 && cmd[k - 1] >= '0' && cmd[k - 1] <= '9')
            k--;
        if (!cmd_find(cmd) && k > 0)
            cmd[k] = 0;
        if (cmd_find(cmd) && strcmp(cmd, "tags") != 0 && word[0] != '>') {
            const char *w = word;
            if (w[0] == '-') {
                w++;
                out->start++;
            }
            function_cands(r, w, &out->c);
        }
        free(cmd);
    }
    free(word);
    words_free(&before);
}

/* ------------------------------------------------------------------------ */
/* libedit.                                                                  */

static struct repl *el_repl(EditLine *el)
{
    void *d = NULL;
    el_get(el, EL_CLIENTDATA, &d);
    return d;
}

static char *el_prompt(EditLine *el)
{
    static char prompt[] = "(prof) ";
    (void)el;
    return prompt;
}

/* Print candidates in columns below the line. */
static void list_cands(FILE *f, const struct cands *c)
{
    size_t width = 0, max = 200;
    size_t n = c->n < max ? c->n : max;
    for (size_t i = 0; i < n; i++) {
        size_t w = utf8_runes(c->v[i], strlen(c->v[i]));
        if (w > width)
            width = w;
    }
    width += 2;
    size_t cols = 80;
    struct winsize ws;
    if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        cols = ws.ws_col;
    size_t per = cols / width ? cols / width : 1;
    size_t rows = (n + per - 1) / per;
    fputc('\n', f);
    struct strbuf sb = STRBUF_INIT;
    for (size_t row = 0; row < rows; row++) {
        strbuf_reset(&sb);
        for (size_t col = 0; col < per; col++) {
            size_t i = col * rows + row;
            if (i >= n)
                break;
            bool last = col + 1 == per || (col + 1) * rows + row >= n;
            strbuf_addpad(&sb, c->v[i], last ? 0 : (int)width, 1);
        }
        fprintf(f, "%s\n", sb.buf);
    }
    if (c->n > n)
        fprintf(f, "... and %zu more\n", c->n - n);
    strbuf_release(&sb);
}

static unsigned char el_complete(EditLine *el, int ch)
{
    (void)ch;
    struct repl *r = el_repl(el);
    const LineInfo *li = el_line(el);
    size_t cur = (size_t)(li->cursor - li->buffer);
    char *line = xstrndup(li->buffer, cur);
    struct completion cp;
    complete_line(r, line, cur, &cp);
    unsigned char rc = CC_REFRESH;
    const char *typed = line + cp.start;
    if (cp.c.n == 0) {
        rc = CC_REFRESH_BEEP;
    } else {
        struct strbuf repl = STRBUF_INIT;
        if (cp.c.n == 1) {
            strbuf_adds(&repl, cp.c.v[0]);
            strbuf_adds(&repl, cp.after);
        } else {
            size_t l = strlen(cp.c.v[0]);
            for (size_t i = 1; i < cp.c.n; i++) {
                size_t k = 0;
                while (k < l && cp.c.v[i][k] == cp.c.v[0][k])
                    k++;
                l = k;
            }
            /* Do not stop inside a UTF-8 sequence. */
            while (l > 0 && ((unsigned char)cp.c.v[0][l] & 0xc0) == 0x80)
                l--;
            if (l > strlen(typed) && has_prefix(cp.c.v[0], typed))
                strbuf_add(&repl, cp.c.v[0], l);
        }
        if (repl.len) {
            el_deletestr(el, (int)utf8_runes(typed, strlen(typed)));
            el_insertstr(el, repl.buf);
        } else {
            list_cands(r->eout, &cp.c);
            rc = CC_REDISPLAY;
        }
        strbuf_release(&repl);
    }
    free(cp.c.v);
    free(line);
    return rc;
}

/* Ctrl-C at the prompt: show ^C, end the line and forget it. */
static unsigned char el_cancel(EditLine *el, int ch)
{
    (void)ch;
    struct repl *r = el_repl(el);
    el_cursor(el, INT_MAX / 2);
    el_insertstr(el, "^C");
    el_push(el, "\n");
    r->cancelled = true;
    return CC_REFRESH;
}

/* Ctrl-Z at the prompt: the terminal does not send the signal while editing (-isig). */
static unsigned char el_suspend(EditLine *el, int ch)
{
    (void)el;
    (void)ch;
    kill(getpid(), SIGTSTP);
    return CC_REDISPLAY;
}

static char *history_path(void)
{
    const char *x = getenv("XDG_STATE_HOME");
    struct strbuf sb = STRBUF_INIT;
    if (x && x[0] == '/') {
        mkdir(x, 0700);
        strbuf_addf(&sb, "%s/prof", x);
        mkdir(sb.buf, 0700);
        strbuf_adds(&sb, "/history");
        return strbuf_detach(&sb, NULL);
    }
    const char *h = getenv("HOME");
    if (!h || !h[0]) {
        strbuf_release(&sb);
        return NULL;
    }
    strbuf_addf(&sb, "%s/.prof_history", h);
    return strbuf_detach(&sb, NULL);
}

static void editor_start(struct repl *r)
{
    char *old = xstrdup(setlocale(LC_CTYPE, NULL));
    setlocale(LC_CTYPE, "");
    r->el = el_init("prof", stdin, r->eout, stderr);
    setlocale(LC_CTYPE, old);
    free(old);
    if (!r->el)
        return;
    HistEvent ev;
    r->hist = history_init();
    history(r->hist, &ev, H_SETSIZE, 1000);
    history(r->hist, &ev, H_SETUNIQUE, 1);
    r->histfile = history_path();
    if (r->histfile)
        history(r->hist, &ev, H_LOAD, r->histfile);
    el_set(r->el, EL_CLIENTDATA, (void *)r);
    el_set(r->el, EL_EDITOR, "emacs");
    el_set(r->el, EL_SIGNAL, 1);
    el_set(r->el, EL_PROMPT, el_prompt);
    el_set(r->el, EL_HIST, history, r->hist);
    /* Wide strings: libedit keeps these pointers (el_set would leak converted copies). */
    el_wset(r->el, EL_ADDFN, L"prof-complete", L"Complete a command, option, value or function name",
            el_complete);
    el_wset(r->el, EL_ADDFN, L"prof-cancel", L"Cancel the line", el_cancel);
    el_wset(r->el, EL_ADDFN, L"prof-suspend", L"Suspend prof", el_suspend);
    el_set(r->el, EL_BIND, "^I", "prof-complete", NULL);
    el_set(r->el, EL_BIND, "^C", "prof-cancel", NULL);
    el_set(r->el, EL_BIND, "^Z", "prof-suspend", NULL);
    /* Ctrl-C and Ctrl-Z reach the editor as keys, not as signals. */
    el_set(r->el, EL_SETTY, "-d", "-isig", NULL);
    el_source(r->el, NULL);
}

static void editor_end(struct repl *r)
{
    if (r->hist) {
        HistEvent ev;
        if (r->histfile)
            history(r->hist, &ev, H_SAVE, r->histfile);
        history_end(r->hist);
    }
    if (r->el)
        el_end(r->el);
    free(r->histfile);
}

/* The next line from the editor (malloc'd, no newline), or NULL at end of input. */
static char *editor_read(struct repl *r)
{
    for (;;) {
        r->cancelled = false;
        char *old = xstrdup(setlocale(LC_CTYPE, NULL));
        setlocale(LC_CTYPE, "");
        int count = 0;
        errno = 0;
        const char *s = el_gets(r->el, &count);
        int e = errno;
        setlocale(LC_CTYPE, old);
        free(old);
        if (!s) {
            if (count == -1 && e == EINTR)
                continue;
            fputc('\n', r->eout); /* after libedit's "^D" */
            fflush(r->eout);
            return NULL;
        }
        if (r->cancelled)
            continue;
        size_t n = strlen(s);
        while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
            n--;
        char *line = xstrndup(s, n);
        bool blank = true;
        for (const char *q = line; *q; q++)
            blank &= is_space((unsigned char)*q);
        if (!blank) {
            HistEvent ev;
            history(r->hist, &ev, H_ENTER, line);
        }
        return line;
    }
}
#endif /* HAVE_LIBEDIT */

/* The next line from standard input (malloc'd, no newline), or NULL at end.
 * A last line without a newline counts. */
static char *plain_read(struct repl *r)
{
    char *line = NULL;
    size_t cap = 0;
    for (;;) {
        if (r->tty) {
            fputs("(prof) ", r->eout);
            fflush(r->eout);
        }
        errno = 0;
        ssize_t n = getline(&line, &cap, stdin);
        if (n < 0) {
            if (errno == EINTR && prof_interrupted) {
                warm_wait(r); /* it saw the flag too, and kept nothing */
                prof_interrupted = 0;
                clearerr(stdin);
                fputc('\n', r->eout);
                continue;
            }
            free(line);
            return NULL;
        }
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = 0;
        return line;
    }
}

/* ------------------------------------------------------------------------ */

/* A session on p with the shell's defaults (pprof's: compact labels). */
static void session_init(struct repl *r, const struct profile *p, const struct prof_config *cfg)
{
    memset(r, 0, sizeof(*r));
    r->p = p;
    config_copy(&r->cfg, cfg);
    r->cfg.compact_labels = true;
    arena_init(&r->scratch, 1 << 20);
    /* PROF_CACHE=0 runs every report from scratch (for tests that compare
     * both ways); PROF_CACHE_STATS=1 prints the cache's use at exit. */
    const char *c = getenv("PROF_CACHE");
    r->cache = c && !strcmp(c, "0") ? NULL : report_cache_new();
}

static void session_release(struct repl *r)
{
    warm_wait(r);
    for (size_t i = 0; i < r->nfnames; i++)
        free(r->fnames[i]);
    free(r->fnames);
    free(r->fraw);
    arena_release(&r->scratch);
    const char *st = getenv("PROF_CACHE_STATS");
    if (st && !strcmp(st, "1")) {
        size_t hits, misses;
        report_cache_stats(r->cache, &hits, &misses);
        fprintf(stderr, "prof: cache: %zu graph builds restored, %zu walked\n", hits, misses);
    }
    report_cache_free(r->cache);
    config_release(&r->cfg);
}

int repl_run(const struct profile *p, const struct prof_config *cfg)
{
    struct repl r;
    session_init(&r, p, cfg);
    r.tty = isatty(STDIN_FILENO);
    r.eout = isatty(STDOUT_FILENO) || !isatty(STDERR_FILENO) ? stdout : stderr;
    const char *nc = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    r.color = isatty(STDERR_FILENO) && !(nc && nc[0]) && !(term && !strcmp(term, "dumb"));

    struct sigaction sa, old_int;
    if (r.tty) {
        /* Ctrl-C interrupts the running report (its loops watch
         * prof_interrupted), not prof. */
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_sigint;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int);
    }

    greet(&r);
    if (r.tty)
        warm_start(&r);
#if HAVE_LIBEDIT
    if (r.tty)
        editor_start(&r);
#endif
    for (;;) {
        char *line;
#if HAVE_LIBEDIT
        if (r.el)
            line = editor_read(&r);
        else
#endif
            line = plain_read(&r);
        if (!line)
            break;
        bool go_on = process_line(&r, line);
        free(line);
        if (!go_on)
            break;
    }
#if HAVE_LIBEDIT
    editor_end(&r);
#endif
    if (r.tty)
        sigaction(SIGINT, &old_int, NULL);
    session_release(&r);
    fflush(stdout);
    return 0;
}

struct repl *repl_open(const struct profile *p, const struct prof_config *cfg)
{
    struct repl *r = xmalloc(sizeof(*r));
    session_init(r, p, cfg);
    r->eout = stderr;
    return r;
}

bool repl_process_line(struct repl *r, const char *line) { return process_line(r, line); }

void repl_close(struct repl *r)
{
    if (!r)
        return;
    session_release(r);
    free(r);
}
