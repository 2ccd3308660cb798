/**
 * options.h: every setting prof has, in one table (after pprof's config.go).
 * The same table makes the command-line flags, the shell's name=value
 * settings, the `options` listing, help text, completion and the man page.
 *
 * struct prof_config owns its strings (heap); config_copy() deep-copies and
 * config_release() frees, so the shell can apply per-command overrides to a
 * copy.
 */
#ifndef PROF_OPTIONS_H
#define PROF_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "prof/error.h"

struct prof_config {
    /* report options (pprof's config; also settable in the shell) */
    char *output;
    bool call_tree;
    bool relative_percentages;
    char *unit;
    bool compact_labels;
    char *source_path;
    char *trim_path;
    bool intel_syntax;
    bool mean;
    char *sample_index;
    double divide_by;
    bool normalize;
    char *sort;        /* choice: "", "cum", "flat" */
    char *tagroot;
    char *tagleaf;
    bool drop_negative;
    int nodecount;     /* -1 = the format's default */
    double nodefraction;
    double edgefraction;
    bool trim;
    char *focus, *ignore, *prune_from, *hide, *show, *show_from;
    char *tagfocus, *tagignore, *tagshow, *taghide;
    bool noinlines;
    bool showcolumns;
    char *granularity; /* choice: "", functions, filefunctions, files, lines, addresses */

    /* source and miscellaneous flags (command line only) */
    int seconds, timeout;
    char *buildid, *add_comment, *symbolize, *base, *diff_base, *tools, *http;
    char *tls_cert, *tls_key, *tls_ca;
    char *max_size;               /* -max_size: largest decompressed profile ("" = the default) */
    bool all_frames, no_browser;
    bool inuse_space, inuse_objects, alloc_space, alloc_objects, total_delay, contentions, mean_delay;
    bool flat_choice, cum_choice; /* the -flat / -cum choice flags */
    bool notrim;                  /* -notrim: the same as -trim=false */
    bool verbose;                 /* -v: say how each mapping was symbolized */
    bool gran_choice[5];          /* -functions ... -addresses choice flags */
};

enum opt_type { OPT_BOOL, OPT_INT, OPT_FLOAT, OPT_STRING, OPT_CHOICE };

enum {
    OPTF_CONFIG = 1,  /* a report option: listed by `options`, settable in the shell */
    OPTF_FLAG = 2,    /* exists as a command-line flag */
    OPTF_CHOICE = 4,  /* one choice of a group (a bool flag on the command line) */
    OPTF_HIDDEN = 8,  /* not in usage (pprof lists it elsewhere) */
    OPTF_SHOWN = 16,  /* changes only how a report is trimmed, sorted or printed, not which
                       * samples and frames it reads (the shell's cache keys views on the others) */
};

struct prof_opt {
    const char *name;
    enum opt_type type;
    size_t offset;               /* into struct prof_config */
    unsigned flags;
    const char *group;           /* choice group name for OPTF_CHOICE / OPT_CHOICE */
    const char *const *choices;  /* OPT_CHOICE: NULL-terminated, in pprof's order */
    const char *help;            /* one line */
};

extern const struct prof_opt prof_opts[];
extern const size_t prof_nopts;

void config_init(struct prof_config *c);      /* pprof's defaults */
void config_release(struct prof_config *c);
void config_copy(struct prof_config *dst, const struct prof_config *src);

const struct prof_opt *opt_find(const char *name);

/** Set a string option's value (owned copy). */
void config_set_str(char **field, const char *value);

/** Go's strconv.ParseBool. */
int parse_go_bool(const char *s, bool *out);
/** Go's strconv.ParseInt(s, 0, 64) into an int (32-bit range checked too); -1 bad syntax, -2 range. */
int parse_go_int(const char *s, int *out);
/** Go's strconv.ParseFloat(s, 64); -1 on bad syntax. */
int parse_go_float(const char *s, double *out);

/** A byte size: digits with an optional unit (b, k/kb/kib, m/mb/mib, g/gb/gib, t/tb/tib,
 * any case, powers of 1024); 0 means no limit (SIZE_MAX).  -1 bad syntax, -2 range. */
int parse_byte_size(const char *s, size_t *out);

/** -max_size in bytes: 0 when not set (the caller's default), SIZE_MAX for no limit. */
size_t config_max_size(const struct prof_config *c);

/** Set an option from text, as the command line does. err says Go flag's text. */
int opt_set_flag(struct prof_config *c, const struct prof_opt *o, const char *value, struct prof_err *err);

#endif
