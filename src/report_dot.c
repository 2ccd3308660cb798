/*
 * report_dot.c: -dot (and the images made from it: svg, png, web, ...) and
 * -callgrind, after pprof's printDOT / graph.ComposeDot (dotgraph.go) and
 * printCallgrind.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof/report.h"
#include "prof/units.h"
#include "prof/util.h"

#define MAX_NODELETS 4

/* float64 -> int64 as Go on amd64 converts it (NaN, overflow: INT64_MIN). */
static int64_t go_i64(double v)
{
    if (isnan(v) || v >= 9223372036854775808.0 || v < -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)v;
}

/* Graphviz escaping (escapeStringForDot): \ " and newline. */
static void add_escaped(struct strbuf *sb, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            strbuf_adds(sb, "\\\\");
        else if (*s == '"')
            strbuf_adds(sb, "\\\"");
        else if (*s == '\n')
            strbuf_adds(sb, "\\l");
        else
            strbuf_addc(sb, *s);
    }
}

static const char *escaped(struct arena *a, const char *s)
{
    struct strbuf sb = STRBUF_INIT;
    add_escaped(&sb, s);
    const char *r = arena_strndup(a, sb.buf, sb.len);
    strbuf_release(&sb);
    return r;
}

/* dotColor: a score in [-1, 1] to a red (positive) / green (negative) shade. */
static const char *dot_color(struct arena *a, double score, bool bg)
{
    double sat = bg ? 0.1 : 1.0, val = bg ? 0.93 : 0.7;
    if (!isnan(score)) {
        if (score > 1.0)
            score = 1.0;
        if (score < -1.0)
            score = -1.0;
    }
    if (fabs(score) < 0.2)
        sat *= fabs(score) / 0.2;
    /* math.Pow(x, 0.3) is Exp(0.3 * Log(x)) in Go. */
    if (score > 0.0)
        score = exp(0.3 * log(score));
    if (score < 0.0)
        score = -exp(0.3 * log(-score));
    double r, g, b;
    if (score < 0.0) {
        g = val;
        r = val * (1 + sat * score);
    } else {
        r = val;
        g = val * (1 - sat * score);
    }
    b = val * (1 - sat);
    /* uint8(x * 255): Go converts through int64 and truncates */
    unsigned rr = (uint8_t)go_i64(r * 255.0), gg = (uint8_t)go_i64(g * 255.0), bb = (uint8_t)go_i64(b * 255.0);
    return arena_printf(a, "#%02x%02x%02x", rr, gg, bb);
}

static const char *node_pname(struct graph *g, uint32_t i)
{
    struct graph_node *n = &g->nodes[i];
    if (!n->pname)
        n->pname = n->info_id != i && n->info_id < g->ninfo ? node_pname(g, n->info_id)
                                                            : node_printable_name(g->arena, &n->info);
    return n->pname;
}

/* multilinePrintableName: the shortened name split on :: and dots, the file's base name. */
static void add_multiline_name(struct strbuf *sb, struct arena *a, const struct node_info *ni)
{
    bool any = false;
    if (ni->address) {
        strbuf_addf(sb, "%016" PRIx64, ni->address);
        any = true;
    }
    if (ni->name[0]) {
        if (any)
            strbuf_adds(sb, "\\n");
        const char *s = escaped(a, graph_shorten_name(a, ni->name));
        for (; *s; s++) {
            if (s[0] == ':' && s[1] == ':') {
                strbuf_adds(sb, "\\n");
                s++;
            } else if (*s == '.') {
                strbuf_adds(sb, "\\n");
            } else {
                strbuf_addc(sb, *s);
            }
        }
        any = true;
    }
    char base[4096];
    const char *file = ni->file[0] ? path_base(ni->file, base, sizeof(base)) : "";
    const char *last = NULL;
    if (ni->lineno != 0) {
        if (any)
            strbuf_adds(sb, "\\n");
        strbuf_addf(sb, "%s:%" PRId64, file, ni->lineno);
        if (ni->columnno != 0)
            strbuf_addf(sb, ":%" PRId64, ni->columnno);
        any = true;
    } else if (file[0]) {
        last = file;
    } else if (ni->name[0]) {
        /* the name was all */
    } else if (ni->objfile[0]) {
        char ob[4096];
        last = arena_printf(a, "[%s]", path_base(ni->objfile, ob, sizeof(ob)));
    } else {
        last = "<unknown>";
    }
    if (last) {
        if (any)
            strbuf_adds(sb, "\\n");
        strbuf_adds(sb, last);
    }
    strbuf_adds(sb, "\\n");
}

/* ---- nodelets ---- */

struct dtag {
    const char *name;
    const char *unit;
    uint32_t labelset;
    int64_t value, flat, flat_div, cum, cum_div;
};

static int64_t dflat(const struct dtag *t) { return t->flat_div ? div64(t->flat, t->flat_div) : t->flat; }
static int64_t dcum(const struct dtag *t) { return t->cum_div ? div64(t->cum, t->cum_div) : t->cum; }

static bool sort_flat;

/* SortTags: |cum| first for leaf nodes, then |flat|, then name. */
static int dtag_cmp(const void *pa, const void *pb)
{
    const struct dtag *a = pa, *b = pb;
    if (!sort_flat && a->cum != b->cum) {
        int64_t x = abs64(a->cum), y = abs64(b->cum);
        if (x != y)
            return x > y ? -1 : 1;
    }
    if (a->flat != b->flat) {
        int64_t x = abs64(a->flat), y = abs64(b->flat);
        if (x != y)
            return x > y ? -1 : 1;
    }
    return strcmp(a->name, b->name);
}

static void sort_tags(struct dtag *t, size_t n, bool flat)
{
    sort_flat = flat;
    qsort(t, n, sizeof(*t), dtag_cmp);
}

static double tag_distance(const struct dtag *t, const struct dtag *u)
{
    const char *unit;
    double v = units_scale(u->value, u->unit, t->unit, &unit);
    return v < (double)t->value ? (double)t->value - v : v - (double)t->value;
}

/* collapsedTags: at most `count` tags, more values bucketed around the heaviest. */
static size_t collapse_tags(struct arena *a, struct dtag *ts, size_t n, size_t count, bool flat, struct dtag *out,
                            size_t *group)
{
    sort_tags(ts, n, flat);
    if (n <= count) {
        memcpy(out, ts, n * sizeof(*ts));
        return n;
    }
    for (size_t i = 0; i < count; i++)
        group[i] = i;
    for (size_t i = count; i < n; i++) {
        size_t g = 0;
        double d = tag_distance(&ts[i], &ts[0]);
        for (size_t k = 1; k < count; k++) {
            double nd = tag_distance(&ts[i], &ts[k]);
            if (nd < d) {
                g = k;
                d = nd;
            }
        }
        group[i] = g;
    }
    for (size_t k = 0; k < count; k++) {
        struct dtag *o = &out[k];
        memset(o, 0, sizeof(*o));
        size_t members = 0;
        const struct dtag *min = &ts[k], *max = &ts[k];
        int64_t f = 0, df = 0, c = 0, dc = 0;
        for (size_t i = 0; i < n; i++) {
            if (group[i] != k)
                continue;
            const struct dtag *t = &ts[i];
            members++;
            if (i != k) {
                const char *u;
                if (go_i64(units_scale(t->value, t->unit, min->unit, &u)) < min->value)
                    min = t;
                if (go_i64(units_scale(t->value, t->unit, max->unit, &u)) > max->value)
                    max = t;
            }
            f += t->flat;
            df += t->flat_div;
            c += t->cum;
            dc += t->cum_div;
        }
        char b1[128], b2[128];
        if (members == 1) {
            units_label(b1, sizeof(b1), ts[k].value, ts[k].unit);
            o->name = arena_strdup(a, b1);
            o->flat = dflat(&ts[k]);
            o->cum = dcum(&ts[k]);
        } else {
            units_label(b1, sizeof(b1), min->value, min->unit);
            units_label(b2, sizeof(b2), max->value, max->unit);
            o->name = arena_printf(a, "%s..%s", b1, b2);
            o->flat = df ? div64(f, df) : f;
            o->cum = dc ? div64(c, dc) : c;
        }
        o->unit = "";
    }
    sort_tags(out, count, flat);
    return count;
}

/* Work arrays for add_nodelets, each as long as the most numeric tags a node
 * has: allocated once per graph, not once per node. */
struct nodelet_work {
    struct dtag *nums, *collapsed;
    size_t *group;
};

static void numeric_nodelets(struct report *r, struct dtag *nts, size_t n, bool flat, const char *source,
                             const struct nodelet_work *work)
{
    struct dtag *c = work->collapsed;
    size_t nc = collapse_tags(r->a, nts, n, MAX_NODELETS, flat, c, work->group);
    for (size_t j = 0; j < nc; j++) {
        const struct dtag *t = &c[j];
        int64_t w = dcum(t);
        const char *attr = " style=\"dotted\"";
        if (flat || dflat(t) == dcum(t)) {
            w = dflat(t);
            attr = "";
        }
        if (w == 0)
            continue;
        const char *wt = report_value(r, w);
        strbuf_addf(r->out, "N%s_%zu [label = \"%s\" id=\"N%s_%zu\" fontsize=8 shape=box3d tooltip=\"%s\"]\n",
                    source, j, t->name, source, j, wt);
        strbuf_addf(r->out, "%s -> N%s_%zu [label=\" %s\" weight=100 tooltip=\"%s\" labeltooltip=\"%s\"%s]\n",
                    source, source, j, wt, wt, wt, attr);
    }
}

static void to_dtag(struct dtag *d, const struct graph *g, const struct graph_tag *t)
{
    d->name = graph_tag_name(g, t);
    d->unit = graph_tag_unit(g, t);
    d->labelset = t->labelset;
    d->value = t->value;
    d->flat = t->flat;
    d->flat_div = t->flat_div;
    d->cum = t->cum;
    d->cum_div = t->cum_div;
}

/* addNodelets: the node's label tags (top 4) and their numeric tags. */
static bool add_nodelets(struct report *r, struct graph *g, const struct graph_node *n, size_t id,
                         const struct nodelet_work *work)
{
    size_t before = r->out->len;
    bool flat = n->nout > 0;
    /* The first MAX_NODELETS label tags in SortTags order (a node can have a
     * label tag per label set of the profile: select, do not sort them all). */
    struct dtag sorted[MAX_NODELETS];
    size_t nts = 0;
    sort_flat = flat;
    for (uint32_t k = 0; k < n->ntags; k++) {
        const struct graph_tag *t = &g->tags[n->tags[k]];
        if (t->removed || t->numeric)
            continue;
        struct dtag d;
        to_dtag(&d, g, t);
        size_t i = nts;
        if (nts < MAX_NODELETS)
            nts++;
        else if (dtag_cmp(&d, &sorted[MAX_NODELETS - 1]) < 0)
            i = MAX_NODELETS - 1;
        else
            continue;
        for (; i > 0 && dtag_cmp(&d, &sorted[i - 1]) < 0; i--)
            sorted[i] = sorted[i - 1];
        sorted[i] = d;
    }
    struct dtag *nums = work->nums;
    for (size_t i = 0; i < nts; i++) {
        const struct dtag *t = &sorted[i];
        int64_t w = flat ? dflat(t) : dcum(t);
        if (w == 0)
            continue;
        const char *wt = report_value(r, w);
        strbuf_addf(r->out, "N%zu_%zu [label = \"%s\" id=\"N%zu_%zu\" fontsize=8 shape=box3d tooltip=\"%s\"]\n",
                    id, i, t->name, id, i, wt);
        strbuf_addf(r->out, "N%zu -> N%zu_%zu [label=\" %s\" weight=100 tooltip=\"%s\" labeltooltip=\"%s\"]\n",
                    id, id, i, wt, wt, wt);
        size_t total = 0;
        for (uint32_t k = 0; k < n->ntags; k++) {
            const struct graph_tag *gt = &g->tags[n->tags[k]];
            if (!gt->removed && gt->numeric && gt->labelset == t->labelset)
                to_dtag(&nums[total++], g, gt);
        }
        if (total)
            numeric_nodelets(r, nums, total, flat, arena_printf(r->a, "N%zu_%zu", id, i), work);
    }
    size_t total = 0;
    for (uint32_t k = 0; k < n->ntags; k++) {
        const struct graph_tag *gt = &g->tags[n->tags[k]];
        if (!gt->removed && gt->numeric && gt->labelset == 0)
            to_dtag(&nums[total++], g, gt);
    }
    if (total)
        numeric_nodelets(r, nums, total, flat, arena_printf(r->a, "N%zu", id), work);
    return r->out->len != before;
}

int report_dot(struct report *r, struct prof_err *err)
{
    (void)err;
    const char *unit_option = r->output_unit;
    r->gopt.tags = true;
    r->gopt.call_tree = r->cfg->call_tree;
    r->gopt.tag_unit = unit_option;
    /* A view of its own (not the shell's cached one) is this report's to merge. */
    r->gopt.own_input = r->cache == NULL;
    struct graph g;
    struct trim_result tr;
    report_graph(r, &g, &tr);
    report_select_unit(r, &g);

    int64_t shown = 0;
    for (size_t i = 0; i < g.norder; i++)
        shown += node_flat(&g.nodes[g.order[i]]);
    const char **labels;
    size_t nlabels;
    report_graph_labels(r, shown, (int)g.norder, tr.orig_count, tr.dropped_nodes, tr.dropped_edges, true, &labels,
                        &nlabels);

    struct strbuf *o = r->out;
    const struct profile *p = r->prof;
    char base[4096];
    const char *title = "";
    if (p->nmappings > 0 && p->mappings[0].file[0])
        title = path_base(p->mappings[0].file, base, sizeof(base));
    strbuf_addf(o, "digraph \"%s\" {\n", title[0] ? title : "unnamed");
    strbuf_adds(o, "node [style=filled fillcolor=\"#f8f8f8\"]\n");
    /* The legend: labels plus the pointer to the documentation. */
    strbuf_adds(o, "subgraph cluster_L { \"");
    add_escaped(o, nlabels ? labels[0] : "");
    strbuf_adds(o, "\" [shape=box fontsize=16 label=\"");
    for (size_t i = 0; i < nlabels; i++) {
        add_escaped(o, labels[i]);
        strbuf_adds(o, "\\l");
    }
    add_escaped(o, "\nSee https://git.io/JfYMW for how to read the graph");
    strbuf_adds(o, "\\l\"");
    if (title[0])
        strbuf_addf(o, " tooltip=\"%s\"", title);
    strbuf_adds(o, "] }\n");

    if (g.norder == 0) {
        strbuf_adds(o, "}\n");
        graph_release(&g);
        return 0;
    }

    uint32_t *ids = arena_calloc(r->a, g.nnodes + 1, sizeof(uint32_t));
    bool *nodelets = arena_calloc(r->a, g.nnodes + 1, sizeof(bool));
    double max_flat = (double)abs64(node_flat(&g.nodes[g.order[0]]));
    size_t nedges = 0;
    for (size_t i = 0; i < g.norder; i++) {
        const struct graph_node *n = &g.nodes[g.order[i]];
        ids[g.order[i]] = (uint32_t)(i + 1);
        if ((double)abs64(node_flat(n)) > max_flat)
            max_flat = (double)abs64(node_flat(n));
        nedges += n->nout;
    }
    double abs_total = (double)abs64(r->total);
    uint32_t *edges = arena_alloc(r->a, (nedges + 1) * sizeof(uint32_t));
    nedges = 0;
    struct strbuf label = STRBUF_INIT;
    char pct[64];
    size_t maxnum = 0;
    for (size_t i = 0; i < g.norder; i++) {
        const struct graph_node *n = &g.nodes[g.order[i]];
        size_t num = 0;
        for (uint32_t k = 0; k < n->ntags; k++)
            num += g.tags[n->tags[k]].numeric;
        if (num > maxnum)
            maxnum = num;
    }
    struct nodelet_work work = {
        arena_alloc(r->a, (maxnum + 1) * sizeof(struct dtag)),
        arena_alloc(r->a, (maxnum + 1) * sizeof(struct dtag)),
        arena_alloc(r->a, (maxnum + 1) * sizeof(size_t)),
    };
    for (size_t i = 0; i < g.norder; i++) {
        uint32_t ni = g.order[i];
        const struct graph_node *n = &g.nodes[ni];
        int64_t flat = node_flat(n), cum = node_cum(n);
        strbuf_reset(&label);
        add_multiline_name(&label, r->a, &n->info);
        const char *flat_value = report_value(r, flat);
        if (flat != 0) {
            units_percentage_trim(pct, sizeof(pct), flat, r->total);
            strbuf_addf(&label, "%s (%s)", flat_value, pct);
        } else {
            strbuf_addc(&label, '0');
        }
        const char *cum_value = flat_value;
        if (cum != flat) {
            strbuf_adds(&label, flat != 0 ? "\\n" : " ");
            cum_value = report_value(r, cum);
            units_percentage_trim(pct, sizeof(pct), cum, r->total);
            strbuf_addf(&label, "of %s (%s)", cum_value, pct);
        }
        int font = 8;
        if (max_flat != 0 && flat != 0 && (double)abs64(flat) <= max_flat)
            font += (int)ceil(16.0 * sqrt((double)abs64(flat) / max_flat));
        double score = (double)cum / abs_total;
        strbuf_addf(o, "N%zu [label=\"%s\" id=\"node%zu\" fontsize=%d shape=box tooltip=\"%s (%s)\" color=\"%s\" "
                       "fillcolor=\"%s\"]\n",
                    i + 1, label.buf, i + 1, font, escaped(r->a, node_pname(&g, ni)), cum_value,
                    dot_color(r->a, score, false), dot_color(r->a, score, true));
        nodelets[ni] = add_nodelets(r, &g, n, i + 1, &work);
        for (uint32_t k = 0; k < n->nout; k++)
            edges[nedges++] = n->out[k];
    }
    strbuf_release(&label);

    const uint32_t *sorted = graph_sorted_edges(&g, edges, (uint32_t)nedges);
    for (size_t k = 0; k < nedges; k++) {
        const struct graph_edge *e = &g.edges[sorted[k]];
        int64_t w = edge_value(e);
        const char *wt = report_value(r, w);
        strbuf_addf(o, "N%" PRIu32 " -> N%" PRIu32 " [label=\" %s%s\"", ids[e->src], ids[e->dst], wt,
                    e->is_inline ? "\\n (inline)" : "");
        if (r->total != 0) {
            int64_t x = abs64(div64((int64_t)((uint64_t)w * 100), r->total));
            int weight = 1 + (int)(x < 100 ? x : 100);
            if (weight > 1)
                strbuf_addf(o, " weight=%d", weight);
            x = abs64(div64((int64_t)((uint64_t)w * 5), r->total));
            int width = 1 + (int)(x < 5 ? x : 5);
            if (width > 1)
                strbuf_addf(o, " penwidth=%d", width);
            strbuf_addf(o, " color=\"%s\"", dot_color(r->a, (double)w / abs_total, false));
        }
        const char *tip = arena_printf(r->a, "\"%s %s %s (%s)\"", escaped(r->a, node_pname(&g, e->src)),
                                       e->residual ? "..." : "->", escaped(r->a, node_pname(&g, e->dst)), wt);
        strbuf_addf(o, " tooltip=%s labeltooltip=%s", tip, tip);
        if (e->residual)
            strbuf_adds(o, " style=\"dotted\"");
        if (nodelets[e->src])
            strbuf_adds(o, " minlen=2");
        strbuf_adds(o, "]\n");
    }
    strbuf_adds(o, "}\n");
    graph_release(&g);
    return 0;
}

/* ---- callgrind ---- */

/* callgrindName: "(N) name" the first time, "(N)" after; "" stays "". */
struct cg_table {
    struct u64map ids;
    const char **names;
    size_t n, cap;
};

static void cg_name(struct strbuf *o, struct cg_table *t, const char *name)
{
    if (!name[0])
        return;
    size_t len = strlen(name);
    for (uint64_t h = hash_bytes(HASH_SEED, name, len);; h++) {
        uint32_t id;
        if (!u64map_get(&t->ids, h, &id)) {
            bool ins;
            u64map_put(&t->ids, h, (uint32_t)t->n, &ins);
            xgrow(&t->names, &t->cap, t->n + 1, sizeof(char *));
            t->names[t->n++] = name;
            strbuf_addf(o, "(%zu) %s", t->n, name);
            return;
        }
        if (t->names[id] == name || strcmp(t->names[id], name) == 0) {
            strbuf_addf(o, "(%u)", id + 1);
            return;
        }
    }
}

/* callgrindAddress: absolute first, then relative to the previous node when shorter. */
static void cg_address(struct strbuf *o, const struct node_info *prev, uint64_t cur)
{
    char abs[32], rel[32];
    int na = snprintf(abs, sizeof(abs), "0x%" PRIx64, cur);
    if (!prev) {
        strbuf_add(o, abs, (size_t)na);
        return;
    }
    if (prev->address == cur) {
        strbuf_addc(o, '*');
        return;
    }
    int nr = snprintf(rel, sizeof(rel), "%+" PRId64, (int64_t)(cur - prev->address));
    if (nr < na)
        strbuf_add(o, rel, (size_t)nr);
    else
        strbuf_add(o, abs, (size_t)na);
}

static int scmp(const char *a, const char *b) { return a == b ? 0 : strcmp(a, b); }

static struct graph *cg_graph;
static const uint32_t *cg_pos; /* node -> position in the graph's order */

/* Order for getDisambiguatedNames: (file, name), then the node's function
 * (its info without address/line/column, and its tree parent), then position. */
static int cg_cmp(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    const struct graph_node *x = &cg_graph->nodes[a], *y = &cg_graph->nodes[b];
    int c;
    if ((c = scmp(x->info.file, y->info.file)) || (c = scmp(x->info.name, y->info.name)))
        return c;
    if (x->tree_parent != y->tree_parent)
        return x->tree_parent < y->tree_parent ? -1 : 1;
    if ((c = scmp(x->info.orig_name, y->info.orig_name)) || (c = scmp(x->info.objfile, y->info.objfile)))
        return c;
    if (x->info.start_line != y->info.start_line)
        return x->info.start_line < y->info.start_line ? -1 : 1;
    return cg_pos[a] < cg_pos[b] ? -1 : cg_pos[a] > cg_pos[b];
}

static bool same_function(const struct graph_node *x, const struct graph_node *y)
{
    return x->tree_parent == y->tree_parent && x->info.start_line == y->info.start_line &&
           scmp(x->info.orig_name, y->info.orig_name) == 0 && scmp(x->info.objfile, y->info.objfile) == 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* getDisambiguatedNames: " [i/n]" when one (file, name) covers several functions. */
static const char **disambiguated_names(struct arena *a, struct graph *g)
{
    const char **names = arena_calloc(a, g->nnodes + 1, sizeof(char *));
    uint32_t *pos = arena_calloc(a, g->nnodes + 1, sizeof(uint32_t));
    uint32_t *v = arena_alloc(a, (g->norder + 1) * sizeof(uint32_t));
    for (size_t i = 0; i < g->norder; i++) {
        pos[g->order[i]] = (uint32_t)i;
        v[i] = g->order[i];
        names[g->order[i]] = g->nodes[g->order[i]].info.name;
    }
    cg_graph = g;
    cg_pos = pos;
    qsort(v, g->norder, sizeof(uint32_t), cg_cmp);
    uint32_t *firsts = arena_alloc(a, (g->norder + 1) * sizeof(uint32_t));
    for (size_t i = 0; i < g->norder;) {
        const struct graph_node *n = &g->nodes[v[i]];
        size_t j = i + 1;
        while (j < g->norder && scmp(g->nodes[v[j]].info.file, n->info.file) == 0 &&
               scmp(g->nodes[v[j]].info.name, n->info.name) == 0)
            j++;
        /* Functions of the group, by first position. */
        size_t nf = 0;
        for (size_t k = i; k < j; k++)
            if (k == i || !same_function(&g->nodes[v[k]], &g->nodes[v[k - 1]]))
                firsts[nf++] = pos[v[k]];
        if (nf > 1) {
            qsort(firsts, nf, sizeof(uint32_t), cmp_u32);
            uint32_t first = 0;
            for (size_t k = i; k < j; k++) {
                if (k == i || !same_function(&g->nodes[v[k]], &g->nodes[v[k - 1]]))
                    first = pos[v[k]];
                uint32_t *f = bsearch(&first, firsts, nf, sizeof(uint32_t), cmp_u32);
                names[v[k]] = arena_printf(a, "%s [%zu/%zu]", n->info.name, (size_t)(f - firsts) + 1, nf);
            }
        }
        i = j;
    }
    cg_graph = NULL;
    cg_pos = NULL;
    return names;
}

static int64_t cg_scaled(struct report *r, int64_t v)
{
    const char *u;
    return go_i64(units_scale(v, r->sample_unit, r->output_unit, &u));
}

int report_callgrind(struct report *r, struct prof_err *err)
{
    (void)err;
    r->gopt.call_tree = r->cfg->call_tree;
    struct graph g;
    struct trim_result tr;
    report_graph(r, &g, &tr);
    report_select_unit(r, &g);
    const char **names = disambiguated_names(r->a, &g);
    bool *in_graph = arena_calloc(r->a, g.nnodes + 1, sizeof(bool));
    for (size_t i = 0; i < g.norder; i++)
        in_graph[g.order[i]] = true;

    struct strbuf *o = r->out;
    strbuf_adds(o, "positions: instr line\n");
    strbuf_addf(o, "events: %s(%s)\n", r->sample_type, r->output_unit);
    struct cg_table obs = {{0}, NULL, 0, 0}, files = {{0}, NULL, 0, 0}, fns = {{0}, NULL, 0, 0};
    u64map_init(&obs.ids, 16);
    u64map_init(&files.ids, 64);
    u64map_init(&fns.ids, 256);
    const struct node_info *prev = NULL;
    for (size_t i = 0; i < g.norder; i++) {
        const struct graph_node *n = &g.nodes[g.order[i]];
        const struct node_info *ni = &n->info;
        if (!prev || scmp(ni->objfile, prev->objfile) != 0 || scmp(ni->file, prev->file) != 0 ||
            scmp(ni->name, prev->name) != 0) {
            strbuf_adds(o, "\nob=");
            cg_name(o, &obs, ni->objfile);
            strbuf_adds(o, "\nfl=");
            cg_name(o, &files, ni->file);
            strbuf_adds(o, "\nfn=");
            cg_name(o, &fns, ni->name);
            strbuf_addc(o, '\n');
        }
        cg_address(o, prev, ni->address);
        strbuf_addf(o, " %" PRId64 " %" PRId64 "\n", ni->lineno, cg_scaled(r, node_flat(n)));
        const uint32_t *out = n->nout > 1 ? graph_sorted_edges(&g, n->out, n->nout) : n->out;
        for (uint32_t k = 0; k < n->nout; k++) {
            const struct graph_edge *e = &g.edges[out[k]];
            const struct graph_node *callee = &g.nodes[e->dst];
            strbuf_adds(o, "cfl=");
            cg_name(o, &files, callee->info.file);
            strbuf_adds(o, "\ncfn=");
            cg_name(o, &fns, in_graph[e->dst] ? names[e->dst] : "");
            strbuf_adds(o, "\ncalls=0 ");
            cg_address(o, prev, callee->info.address);
            strbuf_addf(o, " %" PRId64 "\n* * %" PRId64 "\n", callee->info.lineno, cg_scaled(r, e->weight));
        }
        prev = ni;
    }
    u64map_release(&obs.ids);
    u64map_release(&files.ids);
    u64map_release(&fns.ids);
    free(obs.names);
    free(files.names);
    free(fns.names);
    graph_release(&g);
    return 0;
}
