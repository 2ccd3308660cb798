/*
 * report.c: the report pipeline shared by every format (pprof's
 * generateRawReport + report.New): per-command overrides, sample value
 * selection, the filtered view, the total, labels and unit selection; then the
 * format's renderer.
 */
#include "prof/report.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "prof/commands.h"
#include "prof/filter.h"
#include "prof/options.h"
#include "prof/regex.h"
#include "prof/units.h"
#include "prof/util.h"

struct report_fmt {
    enum report_format format;
    int (*render)(struct report *r, struct prof_err *err);
};

static const struct report_fmt formats[] = {
    {RPT_CALLGRIND, report_callgrind}, {RPT_COMMENTS, report_comments}, {RPT_DIS, report_disasm},
    {RPT_DOT, report_dot},             {RPT_LIST, report_list},         {RPT_PROTO, report_proto},
    {RPT_RAW, report_raw},             {RPT_TAGS, report_tags},         {RPT_TEXT, report_text},
    {RPT_TOPPROTO, report_topproto},   {RPT_TRACES, report_traces},     {RPT_TREE, report_tree},
    {RPT_WEBLIST, report_weblist},
};

int report_unimplemented(struct report *r, struct prof_err *err)
{
    return prof_errf(err, PROF_EUSAGE, "-%s: this report is not implemented yet", r->cmd);
}

/* ---- values, percentages ---- */

const char *report_value(struct report *r, int64_t v)
{
    if (r->ratio > 0 && r->ratio != 1)
        v = (int64_t)((double)v * r->ratio);
    char buf[128];
    units_scaled_label(buf, sizeof(buf), v, r->sample_unit, r->output_unit);
    return arena_strdup(r->a, buf);
}

const char *report_value_auto(struct report *r, int64_t v)
{
    if (r->ratio > 0 && r->ratio != 1)
        v = (int64_t)((double)v * r->ratio);
    char buf[128];
    units_scaled_label(buf, sizeof(buf), v, r->sample_unit, "auto");
    return arena_strdup(r->a, buf);
}

const char *report_pct(struct report *r, int64_t v, int64_t total)
{
    char buf[64];
    units_percentage(buf, sizeof(buf), v, total);
    return arena_strdup(r->a, buf);
}

void report_select_unit(struct report *r, const struct graph *g)
{
    if (strcmp(r->output_unit, "minimum") != 0 || g->norder == 0)
        return;
    int64_t min = 0;
    for (size_t i = 0; i < g->norder; i++) {
        const struct graph_node *n = &g->nodes[g->order[i]];
        int64_t v = abs64(node_flat(n));
        if (v == 0)
            v = abs64(node_cum(n));
        if (v > 0 && (min == 0 || v < min))
            min = v;
    }
    int64_t max = r->total;
    if (min == 0)
        min = max;
    if (r->ratio > 0 && r->ratio != 1) {
        min = (int64_t)((double)min * r->ratio);
        max = (int64_t)((double)max * r->ratio);
    }
    const char *minu, *maxu, *unit;
    units_scale(min, r->sample_unit, "minimum", &minu);
    units_scale(max, r->sample_unit, "minimum", &maxu);
    unit = minu;
    if (strcmp(minu, maxu) != 0 && min * 100 < max && r->fmt != RPT_CALLGRIND)
        units_scale(100 * min, r->sample_unit, "minimum", &unit);
    r->output_unit = unit[0] ? arena_strdup(r->a, unit) : r->sample_unit;
}

/* ---- labels ---- */

struct lines {
    const char **v;
    size_t n, cap;
};

static void lines_add(struct report *r, struct lines *l, const char *s)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 16;
        const char **nv = arena_alloc(r->a, nc * sizeof(char *));
        if (l->n)
            memcpy(nv, l->v, l->n * sizeof(char *));
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n++] = s;
}

static void profile_labels(struct report *r, struct lines *l)
{
    const struct profile *p = r->prof;
    char base[1024];
    if (p->nmappings > 0) {
        if (p->mappings[0].file[0])
            lines_add(r, l, arena_printf(r->a, "File: %s", path_base(p->mappings[0].file, base, sizeof(base))));
        if (p->mappings[0].build_id[0])
            lines_add(r, l, arena_printf(r->a, "Build ID: %s", p->mappings[0].build_id));
    }
    for (size_t i = 0; i < p->ncomments; i++)
        if (p->comments[i][0] != '#')
            lines_add(r, l, p->comments[i]);
    if (r->sample_type[0])
        lines_add(r, l, arena_printf(r->a, "Type: %s", r->sample_type));
    if (p->doc_url[0])
        lines_add(r, l, arena_printf(r->a, "Doc: %s", p->doc_url));
    if (p->time_nanos != 0) {
        int64_t sec = p->time_nanos / 1000000000;
        if (p->time_nanos % 1000000000 < 0)
            sec--;
        time_t t = (time_t)sec;
        struct tm tm;
        char tb[128];
        localtime_r(&t, &tm);
        strftime(tb, sizeof(tb), "%Y-%m-%d %H:%M:%S %Z", &tm);
        lines_add(r, l, arena_printf(r->a, "Time: %s", tb));
    }
    if (p->duration_nanos != 0) {
        char dur[64];
        units_label(dur, sizeof(dur), p->duration_nanos, "nanoseconds");
        const char *tu;
        double tn = units_scale(r->total, r->sample_unit, "nanoseconds", &tu);
        const char *ratio = "";
        if (strcmp(tu, "ns") == 0 && tn != 0)
            ratio = arena_printf(r->a, "(%s)", report_pct(r, (int64_t)tn, p->duration_nanos));
        lines_add(r, l,
                  arena_printf(r->a, "Duration: %s, Total samples = %s %s", dur, report_value(r, r->total), ratio));
    }
}

void report_profile_labels(struct report *r, const char ***lines, size_t *n)
{
    struct lines l = {NULL, 0, 0};
    profile_labels(r, &l);
    *lines = l.v;
    *n = l.n;
}

void report_graph_labels(struct report *r, int64_t shown, int nodecount, int origcount, int dropped_nodes,
                         int dropped_edges, bool full_headers, const char ***lines, size_t *n)
{
    struct lines l = {NULL, 0, 0};
    if (full_headers || !r->cfg->compact_labels)
        profile_labels(r, &l);
    if (r->nfilters) {
        lines_add(r, &l, "Active filters:");
        for (size_t i = 0; i < r->nfilters; i++) {
            const char *f = r->filters[i];
            if (strlen(f) > 80)
                lines_add(r, &l, arena_printf(r->a, "   %.80s\xe2\x80\xa6", f));
            else
                lines_add(r, &l, arena_printf(r->a, "   %s", f));
        }
    }
    char pct[64];
    units_percentage_trim(pct, sizeof(pct), shown, r->total);
    lines_add(r, &l, arena_printf(r->a, "Showing nodes accounting for %s, %s of %s total", report_value(r, shown), pct,
                                  report_value(r, r->total)));
    if (r->total != 0) {
        if (dropped_nodes > 0)
            lines_add(r, &l,
                      arena_printf(r->a, "Dropped %d node%s (cum <= %s)", dropped_nodes, dropped_nodes > 1 ? "s" : "",
                                   report_value(r, abs64((int64_t)((double)r->total * r->cfg->nodefraction)))));
        if (dropped_edges > 0)
            lines_add(r, &l,
                      arena_printf(r->a, "Dropped %d edge%s (freq <= %s)", dropped_edges, dropped_edges > 1 ? "s" : "",
                                   report_value(r, abs64((int64_t)((double)r->total * r->cfg->edgefraction)))));
        if (nodecount > 0 && nodecount < origcount)
            lines_add(r, &l, arena_printf(r->a, "Showing top %d nodes out of %d", nodecount, origcount));
    }
    *lines = l.v;
    *n = l.n;
}

/* ---- the shell's cache ----
 *
 * A shell keeps the profile loaded; most commands in a row share their view
 * (same filters, sample value, granularity) and often their graph.  The cache
 * keeps the last view, the graph skeleton made from it (graph_init) and a memo
 * of the graph's builds, each keyed by the settings it depends on, so that
 * `top` after `top`, `top -cum`, `tree` or `peek` repeats no walk over the
 * samples.  Warnings the view's filters print are kept and printed again, as
 * pprof, which recomputes everything, prints them for every command. */
/* One view with its graph skeleton and memo of builds. */
struct cache_slot {
    bool view_ok;
    struct strbuf view_key;
    struct arena view_arena;
    struct graph_input in;
    int64_t total;
    struct strbuf warnings;
    bool graph_ok;
    struct strbuf graph_key;
    struct arena graph_arena;
    struct graph skel;
    struct graph_memo *memo;
    uint64_t used; /* tick of the last use */
};

/* Two views: a filtered one and the one before it (`focus=x`, `top`, `:`,
 * `top` computes the second view once). */
#define CACHE_SLOTS 2

struct report_cache {
    struct cache_slot slot[CACHE_SLOTS];
    struct cache_slot *cur; /* the running report's view, when cached */
    uint64_t tick;
    bool quiet; /* print no warnings (a report run ahead of time) */
};

void report_cache_quiet(struct report_cache *c, bool quiet)
{
    if (c)
        c->quiet = quiet;
}

struct report_cache *report_cache_new(void)
{
    struct report_cache *c = xcalloc(1, sizeof(*c));
    for (int i = 0; i < CACHE_SLOTS; i++) {
        struct cache_slot *sl = &c->slot[i];
        strbuf_init(&sl->view_key);
        strbuf_init(&sl->warnings);
        strbuf_init(&sl->graph_key);
        arena_init(&sl->view_arena, 0);
        arena_init(&sl->graph_arena, 0);
        sl->memo = graph_memo_new();
    }
    return c;
}

static void slot_drop_graph(struct cache_slot *sl)
{
    if (sl->graph_ok)
        graph_release(&sl->skel);
    sl->graph_ok = false;
    strbuf_reset(&sl->graph_key);
    graph_memo_clear(sl->memo);
    arena_reset(&sl->graph_arena);
}

static void slot_clear(struct cache_slot *sl)
{
    slot_drop_graph(sl);
    sl->view_ok = false;
    strbuf_reset(&sl->view_key);
    strbuf_reset(&sl->warnings);
    arena_reset(&sl->view_arena);
}

void report_cache_clear(struct report_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < CACHE_SLOTS; i++)
        slot_clear(&c->slot[i]);
    c->cur = NULL;
}

void report_cache_free(struct report_cache *c)
{
    if (!c)
        return;
    report_cache_clear(c);
    for (int i = 0; i < CACHE_SLOTS; i++) {
        struct cache_slot *sl = &c->slot[i];
        graph_memo_free(sl->memo);
        arena_release(&sl->view_arena);
        arena_release(&sl->graph_arena);
        strbuf_release(&sl->view_key);
        strbuf_release(&sl->warnings);
        strbuf_release(&sl->graph_key);
    }
    free(c);
}

void report_cache_stats(const struct report_cache *c, size_t *hits, size_t *misses)
{
    *hits = *misses = 0;
    for (int i = 0; c && i < CACHE_SLOTS; i++) {
        size_t h, m;
        graph_memo_stats(c->slot[i].memo, &h, &m);
        *hits += h;
        *misses += m;
    }
}

/* Every setting a view may depend on, as name=value lines (not those that
 * only change how it is shown: the graph memo is keyed by the kept nodes). */
static void view_key(struct strbuf *k, const struct prof_config *cfg, bool aggregate)
{
    strbuf_addf(k, "aggregate=%d\n", aggregate);
    for (size_t i = 0; i < prof_nopts; i++) {
        const struct prof_opt *o = &prof_opts[i];
        if (o->flags & OPTF_SHOWN)
            continue;
        const void *f = (const char *)cfg + o->offset;
        switch (o->type) {
        case OPT_BOOL:
            strbuf_addf(k, "%s=%d\n", o->name, *(const bool *)f);
            break;
        case OPT_INT:
            strbuf_addf(k, "%s=%d\n", o->name, *(const int *)f);
            break;
        case OPT_FLOAT:
            strbuf_addf(k, "%s=%.17g\n", o->name, *(const double *)f);
            break;
        case OPT_STRING:
        case OPT_CHOICE: {
            const char *v = *(char *const *)f;
            strbuf_addf(k, "%s=%zu:%s\n", o->name, v ? strlen(v) : 0, v ? v : "");
            break;
        }
        }
    }
}

static void graph_key(struct strbuf *k, const struct graph_options *o)
{
    strbuf_addf(k, "%d %d %d %d %d %d %zu:%s %zu:%s", (int)o->gran, o->noinlines, o->showcolumns, o->obj_names,
                o->orig_names, o->drop_negative, strlen(o->trim_path ? o->trim_path : ""),
                o->trim_path ? o->trim_path : "", strlen(o->source_path ? o->source_path : ""),
                o->source_path ? o->source_path : "");
}

/* A graph ready to build: from the cache's skeleton when the report's view is
 * the cached one and the graph options match, else made now. */
static void init_graph(struct report *r, struct graph *g)
{
    struct cache_slot *sl = r->cache ? r->cache->cur : NULL;
    if (!sl || r->gopt.tags || r->gopt.call_tree) {
        graph_init(g, r->a, &r->in, &r->gopt);
        return;
    }
    struct strbuf key = STRBUF_INIT;
    graph_key(&key, &r->gopt);
    if (!sl->graph_ok || strcmp(key.buf, sl->graph_key.buf) != 0) {
        slot_drop_graph(sl);
        graph_init(&sl->skel, &sl->graph_arena, &r->in, &r->gopt);
        strbuf_swap(&sl->graph_key, &key);
        sl->graph_ok = true;
    }
    strbuf_release(&key);
    graph_from_skeleton(g, &sl->skel, r->a, sl->memo);
}

/* peek prints the edges of the nodes its regexp matches, and no others. */
static const bool *peek_edge_nodes(struct report *r, struct graph *g)
{
    if (r->fmt != RPT_TREE || !r->symbol_re || r->gopt.call_tree)
        return NULL;
    bool *m = arena_calloc(r->a, g->ninfo + 1, sizeof(bool));
    for (size_t i = 0; i < g->ninfo; i++) {
        struct graph_node *n = &g->nodes[i];
        if (!n->pname)
            n->pname = node_printable_name(g->arena, &n->info);
        m[i] = regex_match(r->symbol_re, n->pname, strlen(n->pname));
    }
    return m;
}

void report_graph(struct report *r, struct graph *g, struct trim_result *tr)
{
    init_graph(r, g);
    struct trim_options t = r->topt;
    t.edge_nodes = peek_edge_nodes(r, g);
    graph_trimmed(g, &r->in, &r->gopt, &t, tr);
    graph_printable_names(g);
}

/* ---- the view ---- */

/* The identity view: every sample, every location as in the profile.
 * Filters (filter.c) rewrite it.  With premerge, samples that
 * aggregate_stacks() would sum anyway are summed here already, one entry per
 * stack, so that the filters and the aggregation see a few hundred thousand
 * entries instead of millions of samples: only for reports that ignore labels
 * and when no filter reads them (pprof::base samples stay apart, for the
 * total). */
static void view_identity(struct report *r, bool premerge)
{
    const struct profile *p = r->prof;
    struct graph_input *in = &r->in;
    in->prof = p;
    in->nlocs = p->nlocations;
    in->locs = arena_alloc(r->a, (p->nlocations + 1) * sizeof(struct view_loc));
    /* struct view_line mirrors prof_line with a function pointer instead of an index. */
    size_t total = 0;
    for (size_t i = 0; i < p->nlocations; i++)
        total += p->locations[i].nlines;
    struct view_line *vlines = arena_alloc(r->a, (total + 1) * sizeof(struct view_line));
    for (size_t i = 0, off = 0; i < p->nlocations; i++) {
        const struct prof_location *l = &p->locations[i];
        struct view_loc *vl = &in->locs[i];
        vl->loc = l;
        vl->absent = false;
        vl->nlines = l->nlines;
        vl->lines = vlines + off;
        for (uint32_t k = 0; k < l->nlines; k++) {
            struct view_line *v = &vlines[off + k];
            v->fn = l->lines[k].function == PROF_NONE ? NULL : &p->functions[l->lines[k].function];
            v->line = l->lines[k].line;
            v->column = l->lines[k].column;
        }
        off += l->nlines;
    }
    in->nstacks = p->nstacks;
    in->samples = arena_alloc(r->a, (p->nsamples + 1) * sizeof(struct view_sample));
    in->has_mean = r->cfg->mean;
    uint32_t *slot = NULL;
    if (premerge && p->nstacks) {
        slot = arena_alloc(r->a, p->nstacks * sizeof(uint32_t));
        memset(slot, 0xff, p->nstacks * sizeof(uint32_t));
    }
    size_t n = 0;
    for (size_t i = 0; i < p->nsamples; i++) {
        const struct prof_sample *s = &p->samples[i];
        int64_t value = s->values[r->sample_index], div = r->cfg->mean ? s->values[0] : 0;
        if (slot && s->stack < p->nstacks && value > 0 && div >= 0 && !(s->nlabels && sample_is_diff_base(s))) {
            uint32_t k = slot[s->stack];
            if (k != PROF_NONE) {
                in->samples[k].value += value;
                in->samples[k].div += div;
                continue;
            }
            slot[s->stack] = (uint32_t)n;
        }
        struct view_sample *vs = &in->samples[n++];
        vs->src = s;
        vs->locs = s->locs;
        vs->nlocs = s->nlocs;
        vs->stack = s->stack;
        vs->value = value;
        vs->div = div;
    }
    in->nsamples = n;
}

bool sample_is_diff_base(const struct prof_sample *s)
{
    for (uint32_t i = 0; i < s->nlabels; i++)
        if (s->labels[i].str && strcmp(s->labels[i].key, "pprof::base") == 0 && strcmp(s->labels[i].str, "true") == 0)
            return true;
    return false;
}

/* pprof's computeTotal: sum of |value| (over the diff base samples only when
 * there are any), divided by the summed -mean divisors. */
static int64_t compute_total(const struct graph_input *in)
{
    int64_t total = 0, div = 0, dtotal = 0, ddiv = 0;
    for (size_t i = 0; i < in->nsamples; i++) {
        int64_t v = abs64(in->samples[i].value), d = abs64(in->samples[i].div);
        total += v;
        div += d;
        if (in->samples[i].src && in->samples[i].src->nlabels && sample_is_diff_base(in->samples[i].src)) {
            dtotal += v;
            ddiv += d;
        }
    }
    if (dtotal > 0) {
        total = dtotal;
        div = ddiv;
    }
    return div != 0 ? div64(total, div) : total;
}

static void add_filter(struct report *r, const char *name, const char *value)
{
    if (!value || !value[0])
        return;
    const char **nv = arena_alloc(r->a, (r->nfilters + 1) * sizeof(char *));
    if (r->nfilters)
        memcpy(nv, r->filters, r->nfilters * sizeof(char *));
    nv[r->nfilters++] = arena_printf(r->a, "%s=%s", name, value);
    r->filters = nv;
}

/*
 * Reports that ignore labels see one sample per distinct stack: the values of
 * samples with equal stacks are summed, so the graph walks each stack once.
 * Only samples with value > 0 and divisor >= 0 are combined, so a sum is never
 * zero where its parts were not (pprof walks every non-zero sample, and
 * opposite values of one stack must still leave their zero-weight edges).
 * Stacks keep the order of their first sample, the order pprof walks them in.
 */
static void aggregate_stacks(struct report *r)
{
    struct graph_input *in = &r->in;
    if (in->nstacks == 0 || in->nsamples < 2)
        return;
    uint32_t *slot = arena_alloc(r->a, in->nstacks * sizeof(uint32_t));
    memset(slot, 0xff, in->nstacks * sizeof(uint32_t));
    /* In place: the view's samples are this report's own, and a sample is
     * only ever written at or before its own index. */
    struct view_sample *out = in->samples;
    size_t n = 0;
    for (size_t i = 0; i < in->nsamples; i++) {
        const struct view_sample s = in->samples[i];
        if (s.value == 0 && s.div == 0)
            continue;
        if (s.stack == PROF_NONE || s.stack >= in->nstacks || s.value <= 0 || s.div < 0) {
            out[n++] = s;
            continue;
        }
        uint32_t k = slot[s.stack];
        if (k == PROF_NONE) {
            slot[s.stack] = (uint32_t)n;
            out[n++] = s;
        } else {
            out[k].value += s.value;
            out[k].div += s.div;
        }
    }
    in->samples = out;
    in->nsamples = n;
}

static enum granularity parse_gran(const char *s)
{
    static const char *const names[] = {"functions", "filefunctions", "files", "lines", "addresses"};
    for (int i = 0; i < 5; i++)
        if (strcmp(s, names[i]) == 0)
            return (enum granularity)(GRAN_FUNCTIONS + i);
    return GRAN_DEFAULT;
}

/* The view: identity, then drop_frames pruning and tagroot/tagleaf frames;
 * the other filters run before the total only with -relative_percentages;
 * equal stacks summed for the reports that ignore labels. */
static int make_view(struct report *r, bool aggregate, struct prof_err *err)
{
    const struct prof_config *c = r->cfg;
    bool labels = c->tagfocus[0] || c->tagignore[0] || c->tagshow[0] || c->taghide[0] || c->tagroot[0] ||
                  c->tagleaf[0];
    view_identity(r, aggregate && !labels);
    if (filter_prepare(r, err))
        return -1;
    if (r->cfg->relative_percentages && filter_apply(r, err))
        return -1;
    r->total = compute_total(&r->in);
    if (!r->cfg->relative_percentages && filter_apply(r, err))
        return -1;
    if (aggregate)
        aggregate_stacks(r);
    return 0;
}

/* make_view() through the cache: the cached view when its settings match,
 * else a new one made in the cache's arena (and kept unless it failed or was
 * interrupted). */
static int cached_view(struct report *r, struct report_cache *c, bool aggregate, struct prof_err *err)
{
    struct strbuf key = STRBUF_INIT;
    view_key(&key, r->cfg, aggregate);
    c->cur = NULL;
    struct cache_slot *sl = &c->slot[0];
    for (int i = 0; i < CACHE_SLOTS; i++) {
        struct cache_slot *s = &c->slot[i];
        if (s->view_ok && strcmp(key.buf, s->view_key.buf) == 0) {
            strbuf_release(&key);
            s->used = ++c->tick;
            c->cur = s;
            r->in = s->in;
            r->total = s->total;
            if (!c->quiet)
                fputs(s->warnings.buf, stderr);
            return 0;
        }
        if (!s->view_ok ? sl->view_ok : sl->view_ok && s->used < sl->used)
            sl = s; /* an empty slot, else the least recently used */
    }
    slot_clear(sl);
    struct arena *scratch = r->a;
    r->a = &sl->view_arena;
    struct strbuf *old = prof_warn_capture(&sl->warnings);
    int rc = make_view(r, aggregate, err);
    prof_warn_capture(old);
    r->a = scratch;
    if (!c->quiet)
        fputs(sl->warnings.buf, stderr);
    if (rc == 0 && !prof_interrupted) {
        sl->in = r->in;
        sl->total = r->total;
        strbuf_swap(&sl->view_key, &key);
        sl->view_ok = true;
        sl->used = ++c->tick;
        c->cur = sl;
    }
    strbuf_release(&key);
    return rc;
}

int report_run(const struct profile *p, const struct prof_config *cfg_in, const char *cmdname, const char *arg,
               struct strbuf *out, struct arena *scratch, struct report_cache *cache, struct prof_err *err)
{
    const struct prof_cmd *cmd = cmd_find(cmdname);
    if (!cmd)
        return prof_errf(err, PROF_EUSAGE, "unrecognized command: \"%s\"", cmdname);
    const struct report_fmt *rf = NULL;
    for (size_t i = 0; i < PROF_ARRAY_LEN(formats); i++)
        if (formats[i].format == cmd->format)
            rf = &formats[i];
    if (!rf)
        return prof_errf(err, PROF_EUSAGE, "%s: this report is not implemented yet", cmdname);

    /* Per-command overrides (pprof's applyCommandOverrides) on a copy. */
    struct prof_config cfg;
    config_copy(&cfg, cfg_in);
    bool trim = cfg.trim;
    if (!strcmp(cmdname, "disasm")) {
        trim = false;
        config_set_str(&cfg.granularity, "addresses");
        cfg.noinlines = true;
    } else if (!strcmp(cmdname, "weblist")) {
        trim = false;
        config_set_str(&cfg.granularity, "addresses");
        cfg.noinlines = false;
    } else if (!strcmp(cmdname, "peek")) {
        trim = false;
    } else if (!strcmp(cmdname, "list")) {
        trim = false;
        config_set_str(&cfg.granularity, "lines");
    } else if (!strcmp(cmdname, "text") || !strcmp(cmdname, "top") || !strcmp(cmdname, "topproto")) {
        if (cfg.nodecount == -1)
            cfg.nodecount = 0;
    } else if (cfg.nodecount == -1) {
        cfg.nodecount = 80;
    }
    if (cmd->format == RPT_PROTO || cmd->format == RPT_RAW || cmd->format == RPT_CALLGRIND) {
        trim = false;
        config_set_str(&cfg.granularity, "addresses");
    }
    if (!trim) {
        cfg.nodecount = 0;
        cfg.nodefraction = 0;
        cfg.edgefraction = 0;
    }

    struct report r;
    memset(&r, 0, sizeof(r));
    r.prof = p;
    r.cfg = &cfg;
    r.cmd = cmd->name;
    r.fmt = cmd->format;
    r.symbol = arg;
    r.a = scratch;
    r.cache = cache;
    int rc = -1;
    struct strbuf body = STRBUF_INIT;
    r.out = &body;

    /* Sample value (pprof's sampleFormat) and divisor. */
    int si = profile_sample_index(p, cfg.sample_index, err);
    if (si < 0)
        goto out;
    r.sample_index = si;
    r.sample_type = cfg.mean ? arena_printf(scratch, "mean_%s", p->sample_types[si].type) : p->sample_types[si].type;
    r.sample_unit = p->sample_types[si].unit;
    if (cfg.divide_by == 0) {
        prof_errf(err, PROF_EUSAGE, "zero divisor specified");
        goto out;
    }
    r.ratio = 1 / cfg.divide_by;
    r.output_unit = cfg.unit;
    if (arg && (cmd->flags & CMD_PARAM)) {
        if (regex_compile(&r.symbol_re, arg, 0, err)) {
            prof_err_prefix(err, "parsing argument regexp %s", arg);
            goto out;
        }
    }
    add_filter(&r, "focus", cfg.focus);
    add_filter(&r, "ignore", cfg.ignore);
    add_filter(&r, "hide", cfg.hide);
    add_filter(&r, "show", cfg.show);
    add_filter(&r, "show_from", cfg.show_from);
    add_filter(&r, "tagfocus", cfg.tagfocus);
    add_filter(&r, "tagignore", cfg.tagignore);
    add_filter(&r, "tagshow", cfg.tagshow);
    add_filter(&r, "taghide", cfg.taghide);

    bool aggregate = cmd->format == RPT_TEXT || cmd->format == RPT_TREE || cmd->format == RPT_LIST ||
                     cmd->format == RPT_DIS || cmd->format == RPT_WEBLIST || cmd->format == RPT_CALLGRIND ||
                     cmd->format == RPT_TOPPROTO;
    if (cache ? cached_view(&r, cache, aggregate, err) : make_view(&r, aggregate, err))
        goto out;

    r.gopt.gran = parse_gran(cfg.granularity);
    r.gopt.noinlines = cfg.noinlines;
    r.gopt.showcolumns = cfg.showcolumns;
    r.gopt.drop_negative = cfg.drop_negative;
    r.gopt.trim_path = cfg.trim_path;
    r.gopt.source_path = cfg.source_path;
    r.gopt.obj_names = cmd->format == RPT_RAW || cmd->format == RPT_LIST || cmd->format == RPT_WEBLIST ||
                       cmd->format == RPT_DIS || cmd->format == RPT_CALLGRIND;
    r.topt.nodecount = cfg.nodecount;
    r.topt.nodefraction = cfg.nodefraction;
    r.topt.edgefraction = cfg.edgefraction;
    r.topt.visual = cmd->format == RPT_DOT;
    r.topt.order = r.topt.visual ? ORDER_ENTROPY : strcmp(cfg.sort, "cum") == 0 ? ORDER_CUM : ORDER_FLAT;

    rc = rf->render(&r, err);
    if (prof_interrupted) {
        /* Loops stopped early: nothing of this report is kept or shown. */
        rc = prof_errf(err, PROF_EDATA, "interrupted");
        report_cache_clear(cache);
    }
    if (rc == 0)
        strbuf_add(out, body.buf, body.len);
out:
    strbuf_release(&body);
    regex_free(&r.symbol_re);
    config_release(&cfg);
    return rc;
}
