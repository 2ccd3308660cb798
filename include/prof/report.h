/**
 * report.h: turning a loaded profile plus a configuration into the bytes of
 * one report.  A report is generated whole into a strbuf before anything is
 * written, so an error leaves stdout and the output file untouched.
 *
 * Each format family has its own renderer (report_text.c, ...) selected from
 * the format table in report.c; they share the helpers declared here.
 */
#ifndef PROF_REPORT_H
#define PROF_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "prof/arena.h"
#include "prof/error.h"
#include "prof/graph.h"
#include "prof/options.h"
#include "prof/profile.h"
#include "prof/strbuf.h"

enum report_format {
    RPT_CALLGRIND,
    RPT_COMMENTS,
    RPT_DIS,
    RPT_DOT,
    RPT_LIST,
    RPT_PROTO,
    RPT_RAW,
    RPT_TAGS,
    RPT_TEXT,
    RPT_TOPPROTO,
    RPT_TRACES,
    RPT_TREE,
    RPT_WEBLIST,
};

struct prof_regex;

/** Everything a renderer needs; built by report_run(). */
struct report {
    const struct profile *prof;       /* borrowed */
    const struct prof_config *cfg;    /* borrowed: effective settings, overrides applied */
    const char *cmd;                  /* command name ("top", "tree", ...) */
    enum report_format fmt;
    const char *symbol;               /* borrowed: the command's regexp argument, or NULL */
    struct prof_regex *symbol_re;     /* owned: compiled symbol */
    struct arena *a;                  /* borrowed scratch arena */
    struct strbuf *out;               /* borrowed destination */

    int sample_index;
    const char *sample_type;   /* "mean_" + type with -mean */
    const char *sample_unit;
    double ratio;              /* 1 / divide_by */
    const char *output_unit;   /* the unit option, replaced by select_output_unit */
    int64_t total;
    const char **filters;      /* arena: "focus=..." lines for the legend */
    size_t nfilters;

    struct report_cache *cache; /* borrowed: the shell's cache, or NULL */
    struct graph_input in;     /* the filtered view of the profile (the cache's when it has it: read only) */
    struct graph_options gopt;
    struct trim_options topt;
};

/**
 * Generate the report of command cmd (a name from the command table) with
 * optional argument arg into out.  -1 + err on failure (nothing appended).
 */
int report_run(const struct profile *p, const struct prof_config *cfg, const char *cmd, const char *arg,
               struct strbuf *out, struct arena *scratch, struct report_cache *cache, struct prof_err *err);

/**
 * What the shell keeps between reports on one loaded profile: the last view,
 * its graph skeleton and a memo of graph builds (report.c).  report_run()
 * with a cache reuses what matches its settings; NULL runs without one.
 * Clear it when the profile changes.
 */
struct report_cache;
struct report_cache *report_cache_new(void);
void report_cache_clear(struct report_cache *c);
void report_cache_free(struct report_cache *c);
/** With quiet, reports through c print no warnings (they are kept and
 *  printed by the next report that uses the same view). */
void report_cache_quiet(struct report_cache *c, bool quiet);
/** Graph builds restored from the memo and walked, since the cache was made. */
void report_cache_stats(const struct report_cache *c, size_t *hits, size_t *misses);

/* ---- helpers shared by the renderers ---- */

/** pprof's formatValue: divide_by ratio, then scaled to the output unit. */
const char *report_value(struct report *r, int64_t v);
/** Per-value auto scaling (formatValue with unit "minimum"/"auto" semantics as used by traces, tags, list). */
const char *report_value_auto(struct report *r, int64_t v);
/** Untrimmed percentage string in the arena. */
const char *report_pct(struct report *r, int64_t v, int64_t total);
/** pprof's selectOutputUnit over a built graph. */
void report_select_unit(struct report *r, const struct graph *g);
/** The profile header lines (File, Build ID, comments, Type, Time, Duration), one per line, into out. */
void report_profile_labels(struct report *r, const char ***lines, size_t *n);
/** reportLabels: headers (unless compact), filters, "Showing nodes...", dropped/top lines. */
void report_graph_labels(struct report *r, int64_t shown, int nodecount, int origcount, int dropped_nodes,
                         int dropped_edges, bool full_headers, const char ***lines, size_t *n);
/** Whether a sample carries the -diff_base label pprof::base=true. */
bool sample_is_diff_base(const struct prof_sample *s);
/** Build and trim the report's graph. */
void report_graph(struct report *r, struct graph *g, struct trim_result *tr);

/* Renderers: one per format family (each in its own report_*.c). */
int report_text(struct report *r, struct prof_err *err);      /* report_text.c */
int report_tree(struct report *r, struct prof_err *err);      /* report_tree.c: tree, peek */
int report_traces(struct report *r, struct prof_err *err);    /* report_traces.c */
int report_tags(struct report *r, struct prof_err *err);      /* report_traces.c */
int report_raw(struct report *r, struct prof_err *err);       /* report_traces.c */
int report_comments(struct report *r, struct prof_err *err);  /* report_traces.c */
int report_dot(struct report *r, struct prof_err *err);       /* report_dot.c */
int report_callgrind(struct report *r, struct prof_err *err); /* report_dot.c */
int report_proto(struct report *r, struct prof_err *err);     /* report_proto.c */
int report_topproto(struct report *r, struct prof_err *err);  /* report_proto.c */
int report_list(struct report *r, struct prof_err *err);      /* report_list.c */
int report_disasm(struct report *r, struct prof_err *err);    /* report_list.c */
int report_weblist(struct report *r, struct prof_err *err);   /* report_list.c */

/** A renderer that does not exist yet: fills err. */
int report_unimplemented(struct report *r, struct prof_err *err);

#endif
