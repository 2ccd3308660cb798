/*
 * graph.c: pprof's graph (internal/graph/graph.go) over a profile view.
 *
 * Speed notes: node identity is decided once per (view location, line) by
 * hashing node_info contents; the per-sample walk then touches only dense
 * indices.  cum is deduplicated per sample with a generation stamp in each
 * node; edges with a stamp in each edge and a one-entry (callee -> edge)
 * cache per caller in front of the (caller, callee) hash map.
 */
#include "prof/graph.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof/strbuf.h"
#include "prof/util.h"

/* ---- paths ---- */

const char *path_clean(struct arena *a, const char *path)
{
    /* Go's filepath.Clean (Unix). */
    size_t n = strlen(path);
    if (n == 0)
        return ".";
    int rooted = path[0] == '/';
    char *out = arena_alloc(a, n + 2);
    size_t w = 0, r = 0, dotdot = 0;
    if (rooted) {
        out[w++] = '/';
        r = 1;
        dotdot = 1;
    }
    while (r < n) {
        if (path[r] == '/') {
            r++;
        } else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
            r++;
        } else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
            r += 2;
            if (w > dotdot) {
                w--;
                while (w > dotdot && out[w] != '/')
                    w--;
            } else if (!rooted) {
                if (w > 0)
                    out[w++] = '/';
                out[w++] = '.';
                out[w++] = '.';
                dotdot = w;
            }
        } else {
            if ((rooted && w != 1) || (!rooted && w != 0))
                out[w++] = '/';
            for (; r < n && path[r] != '/'; r++)
                out[w++] = path[r];
        }
    }
    if (w == 0)
        out[w++] = '.';
    out[w] = 0;
    return out;
}

/* pprof's trimPath: heuristics from -source_path, then -trim_path and the
 * /proc/self/cwd prefixes. */
static const char *trim_path(const char *path, const char *trim, const char *search)
{
    if (!trim[0] && search[0]) {
        const char *d = search;
        while (*d) {
            const char *end = strchr(d, ':');
            size_t len = end ? (size_t)(end - d) : strlen(d);
            if (len) {
                char dir[4096], base[1024], want[1100];
                snprintf(dir, sizeof(dir), "%.*s", (int)len, d);
                path_base(dir, base, sizeof(base));
                snprintf(want, sizeof(want), "/%s/", base);
                const char *f = strstr(path, want);
                if (f)
                    return f + strlen(want);
            }
            d += len;
            if (*d == ':')
                d++;
        }
    }
    const char *t = trim;
    while (*t) {
        const char *end = strchr(t, ':');
        size_t len = end ? (size_t)(end - t) : strlen(t);
        if (len) {
            int slash = t[len - 1] == '/';
            if (strncmp(path, t, len) == 0 && (slash || path[len] == '/'))
                return path + len + (slash ? 0 : 1);
        }
        t += len;
        if (*t == ':')
            t++;
    }
    if (strncmp(path, "/proc/self/cwd/./", 17) == 0)
        return path + 17;
    if (strncmp(path, "/proc/self/cwd/", 15) == 0)
        return path + 15;
    return path;
}

/* ---- node map ---- */

struct node_table {
    uint32_t *slots; /* node index + 1, 0 = empty */
    uint64_t *hashes;
    size_t cap;
};

static uint64_t info_hash(const struct node_info *ni)
{
    uint64_t h = HASH_SEED;
    h = hash_bytes(h, ni->name, strlen(ni->name) + 1);
    h = hash_bytes(h, ni->orig_name, strlen(ni->orig_name) + 1);
    h = hash_bytes(h, ni->file, strlen(ni->file) + 1);
    h = hash_bytes(h, ni->objfile, strlen(ni->objfile) + 1);
    uint64_t nums[4] = {ni->address, (uint64_t)ni->start_line, (uint64_t)ni->lineno, (uint64_t)ni->columnno};
    h = hash_bytes(h, nums, sizeof(nums));
    return hash_u64(h);
}

static bool info_eq(const struct node_info *a, const struct node_info *b)
{
    return a->address == b->address && a->lineno == b->lineno && a->columnno == b->columnno &&
           a->start_line == b->start_line && strcmp(a->name, b->name) == 0 &&
           strcmp(a->orig_name, b->orig_name) == 0 && strcmp(a->file, b->file) == 0 &&
           strcmp(a->objfile, b->objfile) == 0;
}

static uint32_t find_or_insert(struct graph *g, struct node_table *t, size_t *capnodes, const struct node_info *ni)
{
    if ((g->nnodes + 1) * 2 > t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 1024;
        uint32_t *ns = xcalloc(ncap, sizeof(uint32_t));
        uint64_t *nh = xcalloc(ncap, sizeof(uint64_t));
        for (size_t i = 0; i < t->cap; i++)
            if (t->slots[i]) {
                size_t j = t->hashes[i] & (ncap - 1);
                while (ns[j])
                    j = (j + 1) & (ncap - 1);
                ns[j] = t->slots[i];
                nh[j] = t->hashes[i];
            }
        free(t->slots);
        free(t->hashes);
        t->slots = ns;
        t->hashes = nh;
        t->cap = ncap;
    }
    uint64_t h = info_hash(ni);
    size_t j = h & (t->cap - 1);
    while (t->slots[j]) {
        if (t->hashes[j] == h && info_eq(&g->nodes[t->slots[j] - 1].info, ni))
            return t->slots[j] - 1;
        j = (j + 1) & (t->cap - 1);
    }
    if (g->nnodes == *capnodes) {
        size_t nc = *capnodes ? *capnodes * 2 : 256;
        struct graph_node *nn = arena_alloc(g->arena, nc * sizeof(*nn));
        if (g->nnodes)
            memcpy(nn, g->nodes, g->nnodes * sizeof(*nn));
        g->nodes = nn;
        *capnodes = nc;
    }
    uint32_t idx = (uint32_t)g->nnodes++;
    struct graph_node *n = &g->nodes[idx];
    memset(n, 0, sizeof(*n));
    n->info = *ni;
    t->slots[j] = idx + 1;
    t->hashes[j] = h;
    return idx;
}

void graph_init(struct graph *g, struct arena *a, const struct graph_input *in, const struct graph_options *o)
{
    memset(g, 0, sizeof(*g));
    g->arena = a;
    u64map_init(&g->edge_map, 1024);
    const struct profile *p = in->prof;
    enum granularity gran = o->gran == GRAN_DEFAULT ? GRAN_FUNCTIONS : o->gran;
    bool keep_all = gran == GRAN_ADDRESSES && !o->noinlines; /* pprof aggregates nothing */
    bool keep_name = gran != GRAN_FILES;
    bool keep_file = gran != GRAN_FUNCTIONS;
    bool keep_line = gran == GRAN_LINES || gran == GRAN_ADDRESSES;
    bool keep_col = keep_all || (keep_line && o->showcolumns);
    bool keep_addr = gran == GRAN_ADDRESSES;
    bool inlines = !o->noinlines;

    /* File names are trimmed and cleaned once per function, not per line. */
    const char **fn_files = arena_calloc(a, p->nfunctions ? p->nfunctions : 1, sizeof(char *));

    size_t total_lines = 0;
    for (size_t i = 0; i < in->nlocs; i++)
        total_lines += in->locs[i].nlines ? in->locs[i].nlines : 1;
    g->loc_first = arena_alloc(a, (in->nlocs + 1) * sizeof(uint32_t));
    g->loc_count = arena_alloc(a, (in->nlocs + 1) * sizeof(uint32_t));
    g->loc_nodes = arena_alloc(a, (total_lines + 1) * sizeof(uint32_t));

    struct node_table t = {NULL, NULL, 0};
    size_t capnodes = 0;
    uint32_t off = 0;
    for (size_t i = 0; i < in->nlocs; i++) {
        const struct view_loc *vl = &in->locs[i];
        g->loc_first[i] = off;
        if (vl->absent) {
            g->loc_count[i] = 0;
            continue;
        }
        const struct prof_location *loc = vl->loc;
        const char *objfile = "";
        if (loc && loc->mapping != PROF_NONE)
            objfile = p->mappings[loc->mapping].file;
        uint64_t addr = loc && keep_addr ? loc->address : 0;
        uint32_t first = 0, nl = vl->nlines;
        if (!inlines && nl > 1) {
            first = nl - 1;
        }
        if (nl == 0) {
            struct node_info ni = {"", "", addr, "", 0, 0, 0, objfile};
            g->loc_nodes[off++] = find_or_insert(g, &t, &capnodes, &ni);
            g->loc_count[i] = 1;
            continue;
        }
        for (uint32_t k = first; k < nl; k++) {
            const struct view_line *ln = &vl->lines[k];
            struct node_info ni = {"", "", addr, "", 0, 0, 0, ""};
            if (!ln->fn) {
                ni.objfile = objfile;
            } else {
                const struct prof_function *fn = ln->fn;
                if (keep_name) {
                    ni.name = fn->name;
                    if (o->orig_names)
                        ni.orig_name = fn->system_name;
                }
                if (keep_file && fn->filename[0]) {
                    size_t fi = (size_t)(fn - p->functions);
                    if (fi < p->nfunctions) {
                        if (!fn_files[fi])
                            fn_files[fi] = path_clean(a, trim_path(fn->filename, o->trim_path, o->source_path));
                        ni.file = fn_files[fi];
                    } else {
                        ni.file = path_clean(a, fn->filename);
                    }
                }
                if (keep_line) {
                    ni.lineno = ln->line;
                    if (keep_col)
                        ni.columnno = ln->column;
                }
                if (o->obj_names || (!ni.name[0] && !ni.orig_name[0])) {
                    ni.objfile = objfile;
                    ni.start_line = fn->start_line;
                }
            }
            g->loc_nodes[off++] = find_or_insert(g, &t, &capnodes, &ni);
        }
        g->loc_count[i] = nl - first;
    }
    free(t.slots);
    free(t.hashes);
}

void graph_release(struct graph *g)
{
    free(g->edges);
    u64map_release(&g->edge_map);
    g->edges = NULL;
    g->nedges = g->capedges = 0;
}

static uint32_t edge_get(struct graph *g, uint32_t src, uint32_t dst)
{
    struct graph_node *s = &g->nodes[src];
    if (s->cache_dst == dst + 1)
        return s->cache_edge;
    bool ins;
    uint32_t *slot = u64map_put(&g->edge_map, (uint64_t)src << 32 | dst, (uint32_t)g->nedges, &ins);
    if (ins) {
        xgrow(&g->edges, &g->capedges, g->nedges + 1, sizeof(*g->edges));
        struct graph_edge *e = &g->edges[g->nedges++];
        memset(e, 0, sizeof(*e));
        e->src = src;
        e->dst = dst;
        e->is_inline = true; /* cleared by any non-inline contribution */
    }
    s->cache_dst = dst + 1;
    s->cache_edge = *slot;
    return *slot;
}

/* Build in/out edge lists (arena) from the edge array. */
static void build_adjacency(struct graph *g)
{
    for (size_t i = 0; i < g->nnodes; i++) {
        g->nodes[i].nin = g->nodes[i].nout = 0;
    }
    for (size_t e = 0; e < g->nedges; e++) {
        if (g->edges[e].removed)
            continue;
        g->nodes[g->edges[e].src].nout++;
        g->nodes[g->edges[e].dst].nin++;
    }
    for (size_t i = 0; i < g->nnodes; i++) {
        struct graph_node *n = &g->nodes[i];
        n->in = n->nin ? arena_alloc(g->arena, n->nin * sizeof(uint32_t)) : NULL;
        n->out = n->nout ? arena_alloc(g->arena, n->nout * sizeof(uint32_t)) : NULL;
        n->capin = n->nin;
        n->capout = n->nout;
        n->nin = n->nout = 0;
    }
    for (size_t e = 0; e < g->nedges; e++) {
        if (g->edges[e].removed)
            continue;
        struct graph_node *s = &g->nodes[g->edges[e].src], *d = &g->nodes[g->edges[e].dst];
        s->out[s->nout++] = (uint32_t)e;
        d->in[d->nin++] = (uint32_t)e;
    }
}

void graph_build(struct graph *g, const struct graph_input *in, const bool *kept, bool drop_negative)
{
    for (size_t i = 0; i < g->nnodes; i++) {
        struct graph_node *n = &g->nodes[i];
        n->flat = n->flat_div = n->cum = n->cum_div = 0;
        n->stamp = 0;
        n->cache_dst = 0;
    }
    g->nedges = 0;
    u64map_release(&g->edge_map);
    u64map_init(&g->edge_map, 1024);

    for (size_t si = 0; si < in->nsamples; si++) {
        const struct view_sample *s = &in->samples[si];
        int64_t w = s->value, dw = s->div;
        if (w == 0 && dw == 0)
            continue;
        uint32_t stamp = (uint32_t)si + 1;
        uint32_t parent = PROF_NONE;
        bool residual = false;
        for (uint32_t i = s->nlocs; i-- > 0;) {
            uint32_t li = s->locs[i];
            uint32_t first = g->loc_first[li], cnt = g->loc_count[li];
            for (uint32_t k = cnt; k-- > 0;) {
                uint32_t ni = g->loc_nodes[first + k];
                if (kept && !kept[ni]) {
                    residual = true;
                    continue;
                }
                struct graph_node *n = &g->nodes[ni];
                if (n->stamp != stamp) {
                    n->stamp = stamp;
                    n->cum += w;
                    n->cum_div += dw;
                }
                if (parent != PROF_NONE && parent != ni) {
                    uint32_t ei = edge_get(g, parent, ni); /* may grow g->edges */
                    struct graph_edge *e = &g->edges[ei];
                    if (e->stamp != stamp) {
                        e->stamp = stamp;
                        e->weight += w;
                        e->weight_div += dw;
                        if (residual)
                            e->residual = true;
                        if (k == cnt - 1)
                            e->is_inline = false;
                    }
                }
                parent = ni;
                residual = false;
            }
        }
        if (parent != PROF_NONE && !residual) {
            g->nodes[parent].flat += w;
            g->nodes[parent].flat_div += dw;
        }
    }
    build_adjacency(g);

    g->order = arena_alloc(g->arena, (g->nnodes + 1) * sizeof(uint32_t));
    g->norder = 0;
    for (size_t i = 0; i < g->nnodes; i++) {
        const struct graph_node *n = &g->nodes[i];
        if (n->cum == 0 && n->flat == 0)
            continue;
        if (drop_negative && (n->flat < 0 || (n->flat == 0 && n->cum < 0)))
            continue;
        g->order[g->norder++] = (uint32_t)i;
    }
}

/* ---- names ---- */

const char *node_printable_name(struct arena *a, const struct node_info *ni)
{
    struct strbuf sb = STRBUF_INIT;
    if (ni->address)
        strbuf_addf(&sb, "%016" PRIx64, ni->address);
    if (ni->name[0]) {
        if (sb.len)
            strbuf_addc(&sb, ' ');
        strbuf_adds(&sb, ni->name);
    }
    const char *last = NULL;
    char tmp[64];
    if (ni->lineno != 0) {
        if (sb.len)
            strbuf_addc(&sb, ' ');
        strbuf_addf(&sb, "%s:%" PRId64, ni->file, ni->lineno);
        if (ni->columnno != 0)
            strbuf_addf(&sb, ":%" PRId64, ni->columnno);
    } else if (ni->file[0]) {
        last = ni->file;
    } else if (ni->name[0]) {
        /* the function name is all there is */
    } else if (ni->objfile[0]) {
        char base[1024];
        path_base(ni->objfile, base, sizeof(base));
        if (sb.len)
            strbuf_addc(&sb, ' ');
        strbuf_addf(&sb, "[%s]", base);
    } else {
        last = "<unknown>";
    }
    (void)tmp;
    if (last) {
        if (sb.len)
            strbuf_addc(&sb, ' ');
        strbuf_adds(&sb, last);
    }
    const char *r = arena_strndup(a, sb.buf, sb.len);
    strbuf_release(&sb);
    return r;
}

static const char *gname(struct graph *g, uint32_t i)
{
    struct graph_node *n = &g->nodes[i];
    if (!n->pname)
        n->pname = node_printable_name(g->arena, &n->info);
    return n->pname;
}

void graph_printable_names(struct graph *g)
{
    for (size_t i = 0; i < g->norder; i++)
        gname(g, g->order[i]);
}

/* fmt.Sprint of pprof's NodeInfo, the last tie-break of node order. */
static const char *node_key(struct graph *g, const struct node_info *ni)
{
    return arena_printf(g->arena, "{%s %s %" PRIu64 " %s %" PRId64 " %" PRId64 " %" PRId64 " %s}", ni->name,
                        ni->orig_name, ni->address, ni->file, ni->start_line, ni->lineno, ni->columnno,
                        ni->objfile);
}

/* ---- sorting ---- */

static struct graph *sort_graph;
static int64_t *sort_score;
static enum node_order sort_order;

static int cmp_i64_desc(int64_t a, int64_t b) { return a > b ? -1 : a < b ? 1 : 0; }

static int node_cmp(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    struct graph *g = sort_graph;
    const struct graph_node *l = &g->nodes[a], *r = &g->nodes[b];
    int c;
    switch (sort_order) {
    case ORDER_FLAT:
        if ((c = cmp_i64_desc(abs64(l->flat), abs64(r->flat))))
            return c;
        if ((c = strcmp(gname(g, a), gname(g, b))))
            return c;
        if ((c = cmp_i64_desc(abs64(l->cum), abs64(r->cum))))
            return c;
        break;
    case ORDER_CUM:
        if ((c = cmp_i64_desc(abs64(l->cum), abs64(r->cum))))
            return c;
        if ((c = strcmp(gname(g, a), gname(g, b))))
            return c;
        if ((c = cmp_i64_desc(abs64(l->flat), abs64(r->flat))))
            return c;
        break;
    case ORDER_ENTROPY:
        if ((c = cmp_i64_desc(abs64(sort_score[a]), abs64(sort_score[b]))))
            return c;
        if ((c = strcmp(gname(g, a), gname(g, b))))
            return c;
        if ((c = cmp_i64_desc(abs64(l->flat), abs64(r->flat))))
            return c;
        break;
    }
    return strcmp(node_key(g, &l->info), node_key(g, &r->info));
}

/* Go's math.Log2. */
static double go_log2(double x)
{
    int exp;
    double frac = frexp(x, &exp);
    if (frac == 0.5)
        return (double)(exp - 1);
    return log(frac) * (1 / M_LN2) + (double)exp;
}

/* float64 -> int64 as amd64 converts: NaN and out-of-range give INT64_MIN. */
static int64_t go_f2i(double v)
{
    if (isnan(v) || v >= 9223372036854775808.0 || v < -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)v;
}

static double edge_entropy(struct graph *g, const uint32_t *edges, uint32_t n, int64_t self)
{
    double score = 0;
    int64_t total = self;
    for (uint32_t i = 0; i < n; i++) {
        int64_t w = g->edges[edges[i]].weight;
        if (w > 0)
            total += abs64(w);
    }
    if (total != 0) {
        for (uint32_t i = 0; i < n; i++) {
            double frac = (double)abs64(g->edges[edges[i]].weight) / (double)total;
            score += -frac * go_log2(frac);
        }
        if (self > 0) {
            double frac = (double)abs64(self) / (double)total;
            score += -frac * go_log2(frac);
        }
    }
    return score;
}

static int64_t entropy_score(struct graph *g, const struct graph_node *n)
{
    double score = 0;
    if (n->nin == 0)
        score++;
    else
        score += edge_entropy(g, n->in, n->nin, 0);
    if (n->nout == 0)
        score++;
    else
        score += edge_entropy(g, n->out, n->nout, n->flat);
    return (int64_t)((uint64_t)go_f2i(score * (double)n->cum) + (uint64_t)n->flat);
}

void graph_sort(struct graph *g, enum node_order order)
{
    sort_graph = g;
    sort_order = order;
    sort_score = NULL;
    if (order == ORDER_ENTROPY) {
        sort_score = arena_alloc(g->arena, (g->nnodes + 1) * sizeof(int64_t));
        for (size_t i = 0; i < g->norder; i++)
            sort_score[g->order[i]] = entropy_score(g, &g->nodes[g->order[i]]);
    }
    qsort(g->order, g->norder, sizeof(uint32_t), node_cmp);
    sort_graph = NULL;
}

static int edge_cmp(const void *pa, const void *pb)
{
    struct graph *g = sort_graph;
    const struct graph_edge *a = &g->edges[*(const uint32_t *)pa], *b = &g->edges[*(const uint32_t *)pb];
    if (a->weight != b->weight) {
        int64_t x = abs64(a->weight), y = abs64(b->weight);
        return x > y ? -1 : x < y ? 1 : 0;
    }
    int c = strcmp(gname(g, a->src), gname(g, b->src));
    if (c)
        return c;
    return strcmp(gname(g, a->dst), gname(g, b->dst));
}

uint32_t *graph_sorted_edges(struct graph *g, const uint32_t *edges, uint32_t n)
{
    uint32_t *r = arena_alloc(g->arena, (n + 1) * sizeof(uint32_t));
    if (n)
        memcpy(r, edges, n * sizeof(uint32_t));
    sort_graph = g;
    qsort(r, n, sizeof(uint32_t), edge_cmp);
    sort_graph = NULL;
    return r;
}

/* ---- trimming ---- */

int64_t graph_flat_sum(const struct graph *g)
{
    int64_t s = 0;
    for (size_t i = 0; i < g->norder; i++)
        s += g->nodes[g->order[i]].flat;
    return s;
}

static int trim_edges(struct graph *g, int64_t cutoff)
{
    int dropped = 0;
    for (size_t i = 0; i < g->norder; i++) {
        struct graph_node *n = &g->nodes[g->order[i]];
        for (uint32_t k = 0; k < n->nin; k++) {
            struct graph_edge *e = &g->edges[n->in[k]];
            if (!e->removed && abs64(e->weight) < cutoff) {
                e->removed = true;
                dropped++;
            }
        }
    }
    if (dropped)
        build_adjacency(g);
    return dropped;
}

static int64_t cutoff_of(int64_t total, double fraction)
{
    return abs64(go_f2i((double)total * fraction));
}

void graph_trimmed(struct graph *g, const struct graph_input *in, const struct graph_options *o,
                   const struct trim_options *t, struct trim_result *res)
{
    memset(res, 0, sizeof(*res));
    graph_build(g, in, NULL, o->drop_negative);
    int64_t total = 0;
    for (size_t i = 0; i < g->norder; i++)
        total += g->nodes[g->order[i]].flat;
    int64_t node_cutoff = cutoff_of(total, t->nodefraction);
    int64_t edge_cutoff = cutoff_of(total, t->edgefraction);

    bool *kept = NULL;
    if (node_cutoff > 0) {
        kept = arena_calloc(g->arena, g->nnodes + 1, sizeof(bool));
        size_t nkept = 0;
        for (size_t i = 0; i < g->norder; i++)
            if (abs64(g->nodes[g->order[i]].cum) >= node_cutoff) {
                kept[g->order[i]] = true;
                nkept++;
            }
        if (nkept != g->norder) {
            res->dropped_nodes = (int)(g->norder - nkept);
            graph_build(g, in, kept, o->drop_negative);
        }
    }
    res->orig_count = (int)g->norder;
    graph_sort(g, t->order);
    if (t->nodecount > 0) {
        trim_edges(g, edge_cutoff);
        size_t max = (size_t)t->nodecount;
        if (max < g->norder) {
            kept = arena_calloc(g->arena, g->nnodes + 1, sizeof(bool));
            for (size_t i = 0; i < max; i++)
                kept[g->order[i]] = true;
            graph_build(g, in, kept, o->drop_negative);
            graph_sort(g, t->order);
        }
    }
    res->dropped_edges = trim_edges(g, edge_cutoff);
}
