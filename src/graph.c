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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof/error.h"
#include "prof/strbuf.h"
#include "prof/units.h"
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
    if (g->nnodes == *capnodes) /* on the heap while growing: see graph_init */
        xgrow(&g->nodes, capnodes, g->nnodes + 1, sizeof(*g->nodes));
    uint32_t idx = (uint32_t)g->nnodes++;
    struct graph_node *n = &g->nodes[idx];
    memset(n, 0, sizeof(*n));
    n->info = *ni;
    n->info_id = idx;
    n->tree_parent = PROF_NONE;
    t->slots[j] = idx + 1;
    t->hashes[j] = h;
    return idx;
}

/* ---- tags (dot nodelets) ----
 *
 * Tags are keyed per sample, not per frame: graph_init turns every view
 * sample's string labels into a labelset id (the joined "k:v" text, interned)
 * and its `bytes` numeric labels into (labelset, formatted value) ids, so the
 * walk only does one map lookup per tag and node.  Nothing here runs unless
 * the options ask for tags. */

struct tag_num {
    uint32_t combo; /* index into combo_labelset/combo_name */
    int64_t value;
};

struct strtab {
    struct u64map map; /* hash (probed on collision) -> index */
    const char **strs;
    size_t n, cap;
};

struct graph_tagdata {
    /* Samples with equal stacks and equal tag keys walk the graph the same
     * way: graph_init merges them (values summed) into `merged`, which
     * graph_build walks instead of `src`.  The arrays below are per merged
     * sample. */
    const struct graph_input *src;
    struct graph_input merged;
    struct graph_input by_stack; /* merged by stack alone, for walks without tags */
    uint32_t *labelset;        /* per view sample */
    uint32_t *num_first;       /* per view sample, into nums */
    uint32_t *num_count;
    struct tag_num *nums;
    struct strtab labelsets;   /* [0] = "" */
    struct strtab names;       /* numeric tag names */
    uint32_t *combo_labelset;  /* per combo */
    uint32_t *combo_name;
    size_t ncombos;
    const char *unit;          /* unit of the `bytes` values */
};

#define TAG_NUMERIC 0x80000000u

static uint32_t strtab_intern(struct arena *a, struct strtab *t, const char *s, size_t len)
{
    uint64_t h = hash_bytes(HASH_SEED, s, len);
    for (;; h++) {
        uint32_t idx;
        if (!u64map_get(&t->map, h, &idx)) {
            if (t->n == t->cap) {
                size_t nc = t->cap ? t->cap * 2 : 16;
                const char **ns = arena_alloc(a, nc * sizeof(char *));
                if (t->n)
                    memcpy(ns, t->strs, t->n * sizeof(char *));
                t->strs = ns;
                t->cap = nc;
            }
            bool ins;
            u64map_put(&t->map, h, (uint32_t)t->n, &ins);
            t->strs[t->n] = arena_strndup(a, s, len);
            return (uint32_t)t->n++;
        }
        if (strlen(t->strs[idx]) == len && memcmp(t->strs[idx], s, len) == 0)
            return idx;
    }
}

static int cmp_cstr(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* The unit of the `bytes` numeric label, as pprof's NumLabelUnits decides it
 * over the whole profile: the first unit given, else the key itself. */
static const char *bytes_unit(const struct profile *p)
{
    for (size_t i = 0; i < p->nsamples; i++) {
        const struct prof_sample *s = &p->samples[i];
        for (uint32_t k = 0; k < s->nlabels; k++)
            if (!s->labels[k].str && s->labels[k].unit[0] && strcmp(s->labels[k].key, "bytes") == 0)
                return s->labels[k].unit;
    }
    return "bytes";
}

static bool same_tag_keys(const struct graph_tagdata *td, uint32_t a, const uint32_t *lsb, const uint32_t *nfb,
                          const uint32_t *ncb, size_t b)
{
    if (td->labelset[a] != lsb[b] || td->num_count[a] != ncb[b])
        return false;
    for (uint32_t k = 0; k < ncb[b]; k++) {
        const struct tag_num *x = &td->nums[td->num_first[a] + k], *y = &td->nums[nfb[b] + k];
        if (x->combo != y->combo || x->value != y->value)
            return false;
    }
    return true;
}

/* Merge samples with equal stacks and tag keys.  Like report.c's stack
 * aggregation, only samples with value > 0 and divisor >= 0 are combined, so
 * no sum becomes zero where its parts were not. */
static void tagdata_merge(struct graph *g, const struct graph_input *in, struct graph_tagdata *td, bool own_input)
{
    struct arena *a = g->arena;
    size_t ns = in->nsamples;
    /* In place (an entry is only written at or before its own index): the
     * tag keys are the graph's own; the samples too when the input is the
     * graph's to rewrite (o->own_input). */
    uint32_t *ls = td->labelset, *nf = td->num_first, *nc = td->num_count;
    struct view_sample *out = own_input ? in->samples : arena_alloc(a, (ns + 1) * sizeof(*out));
    struct u64map seen;
    u64map_init(&seen, ns < 1024 ? 1024 : ns);
    size_t n = 0;
    for (size_t i = 0; i < ns; i++) {
        const struct view_sample *s = &in->samples[i];
        if (s->value == 0 && s->div == 0)
            continue;
        bool mergeable = s->stack != PROF_NONE && s->stack < in->nstacks && s->value > 0 && s->div >= 0;
        if (mergeable) {
            uint64_t h = hash_u64((uint64_t)s->stack << 32 | ls[i]);
            for (uint32_t k = 0; k < nc[i]; k++) {
                const struct tag_num *t = &td->nums[nf[i] + k];
                h = hash_u64(h ^ t->combo) ^ (uint64_t)t->value;
            }
            bool found = false;
            for (;; h++) {
                uint32_t m;
                if (!u64map_get(&seen, h, &m))
                    break;
                if (out[m].stack == s->stack && same_tag_keys(td, m, ls, nf, nc, i)) {
                    out[m].value += s->value;
                    out[m].div += s->div;
                    found = true;
                    break;
                }
            }
            if (found)
                continue;
            bool ins;
            u64map_put(&seen, h, (uint32_t)n, &ins);
        }
        out[n] = *s;
        td->labelset[n] = ls[i];
        td->num_first[n] = nf[i];
        td->num_count[n] = nc[i];
        n++;
    }
    td->src = in;
    td->merged = *in;
    td->merged.samples = out;
    td->merged.nsamples = n;

    /* The same by stack alone. */
    struct view_sample *bs = arena_alloc(a, (n + 1) * sizeof(*bs));
    uint32_t *slot = arena_alloc(a, (in->nstacks + 1) * sizeof(uint32_t));
    memset(slot, 0xff, (in->nstacks + 1) * sizeof(uint32_t));
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const struct view_sample *s = &out[i];
        if (s->stack == PROF_NONE || s->stack >= in->nstacks || s->value <= 0 || s->div < 0) {
            bs[m++] = *s;
            continue;
        }
        if (slot[s->stack] == PROF_NONE) {
            slot[s->stack] = (uint32_t)m;
            bs[m++] = *s;
        } else {
            bs[slot[s->stack]].value += s->value;
            bs[slot[s->stack]].div += s->div;
        }
    }
    u64map_release(&seen);
    td->by_stack = *in;
    td->by_stack.samples = bs;
    td->by_stack.nsamples = m;
}

static void tagdata_init(struct graph *g, const struct graph_input *in, const struct graph_options *o)
{
    struct arena *a = g->arena;
    struct graph_tagdata *td = ARENA_NEW(a, struct graph_tagdata);
    g->td = td;
    size_t ns = in->nsamples;
    td->labelset = arena_calloc(a, ns + 1, sizeof(uint32_t));
    td->num_first = arena_calloc(a, ns + 1, sizeof(uint32_t));
    td->num_count = arena_calloc(a, ns + 1, sizeof(uint32_t));
    u64map_init(&td->labelsets.map, 64);
    u64map_init(&td->names.map, 64);
    strtab_intern(a, &td->labelsets, "", 0);
    td->unit = bytes_unit(in->prof);
    const char *tag_unit = o->tags && o->tag_unit && o->tag_unit[0] ? o->tag_unit : "minimum";

    struct u64map combos; /* labelset << 32 | name -> combo */
    u64map_init(&combos, 64);
    size_t capcombo = 0, capnums = 0, nnums = 0;
    const char **strs = NULL;
    size_t capstrs = 0;
    size_t *kvoff = NULL, capkv = 0;
    struct tag_num *nums = NULL; /* on the heap while growing */
    struct strbuf sb = STRBUF_INIT, kv = STRBUF_INIT;
    for (size_t si = 0; si < ns; si++) {
        const struct view_sample *vs = &in->samples[si];
        const struct prof_label *labels = vs->labels;
        uint32_t nlabels = vs->nlabels;
        if (!labels && vs->src) {
            labels = vs->src->labels;
            nlabels = vs->src->nlabels;
        }
        if (nlabels == 0)
            continue;
        /* string labels, sorted "k:v" joined by the two characters \n */
        size_t nstr = 0;
        strbuf_reset(&kv);
        for (uint32_t k = 0; k < nlabels; k++) {
            const struct prof_label *l = &labels[k];
            if (!l->str || strcmp(l->key, "pprof::base") == 0)
                continue;
            xgrow(&kvoff, &capkv, nstr + 1, sizeof(size_t));
            kvoff[nstr++] = kv.len;
            strbuf_addf(&kv, "%s:%s", l->key, l->str);
            strbuf_addc(&kv, 0);
        }
        xgrow(&strs, &capstrs, nstr + 1, sizeof(char *));
        for (size_t k = 0; k < nstr; k++)
            strs[k] = kv.buf + kvoff[k];
        uint32_t ls = 0;
        if (nstr) {
            qsort(strs, nstr, sizeof(char *), cmp_cstr);
            strbuf_reset(&sb);
            for (size_t k = 0; k < nstr; k++) {
                if (k)
                    strbuf_adds(&sb, "\\n");
                strbuf_adds(&sb, strs[k]);
            }
            ls = strtab_intern(a, &td->labelsets, sb.buf, sb.len);
        }
        td->labelset[si] = ls;
        td->num_first[si] = (uint32_t)nnums;
        for (uint32_t k = 0; k < nlabels; k++) {
            const struct prof_label *l = &labels[k];
            if (l->str || strcmp(l->key, "bytes") != 0)
                continue;
            char buf[128];
            units_scaled_label(buf, sizeof(buf), l->num, td->unit, tag_unit);
            uint32_t name = strtab_intern(a, &td->names, buf, strlen(buf));
            bool ins;
            uint32_t *c = u64map_put(&combos, (uint64_t)ls << 32 | name, (uint32_t)td->ncombos, &ins);
            if (ins) {
                if (td->ncombos == capcombo) {
                    size_t nc = capcombo ? capcombo * 2 : 64;
                    uint32_t *nl = arena_alloc(a, nc * sizeof(uint32_t)), *nn = arena_alloc(a, nc * sizeof(uint32_t));
                    if (td->ncombos) {
                        memcpy(nl, td->combo_labelset, td->ncombos * sizeof(uint32_t));
                        memcpy(nn, td->combo_name, td->ncombos * sizeof(uint32_t));
                    }
                    td->combo_labelset = nl;
                    td->combo_name = nn;
                    capcombo = nc;
                }
                td->combo_labelset[td->ncombos] = ls;
                td->combo_name[td->ncombos] = name;
                td->ncombos++;
            }
            xgrow(&nums, &capnums, nnums + 1, sizeof(*nums));
            nums[nnums].combo = *c;
            nums[nnums].value = l->num;
            nnums++;
        }
        td->num_count[si] = (uint32_t)nnums - td->num_first[si];
    }
    td->nums = arena_alloc(a, (nnums + 1) * sizeof(*td->nums));
    if (nnums)
        memcpy(td->nums, nums, nnums * sizeof(*nums));
    free(nums);
    free(strs);
    free(kvoff);
    strbuf_release(&sb);
    strbuf_release(&kv);
    u64map_release(&combos);
    u64map_release(&td->labelsets.map);
    u64map_release(&td->names.map);
    tagdata_merge(g, in, td, o->own_input);
}

const char *graph_labelset_name(const struct graph *g, uint32_t labelset)
{
    if (!g->td || labelset >= g->td->labelsets.n)
        return "";
    return g->td->labelsets.strs[labelset];
}

const char *graph_tag_name(const struct graph *g, const struct graph_tag *t)
{
    const struct graph_tagdata *td = g->td;
    return t->numeric ? td->names.strs[td->combo_name[t->combo]] : td->labelsets.strs[t->labelset];
}

const char *graph_tag_unit(const struct graph *g, const struct graph_tag *t) { return t->numeric ? g->td->unit : ""; }

static struct graph_tag *tag_get(struct graph *g, uint32_t node, uint32_t key, bool *created)
{
    bool ins;
    uint32_t *slot = u64map_put(&g->tag_map, (uint64_t)node << 32 | key, (uint32_t)g->ntags, &ins);
    *created = ins;
    if (ins) {
        xgrow(&g->tags, &g->captags, g->ntags + 1, sizeof(*g->tags));
        struct graph_tag *t = &g->tags[g->ntags++];
        memset(t, 0, sizeof(*t));
        return t;
    }
    return &g->tags[*slot];
}

/* pprof's addSample for the tags of node ni and view sample si. */
static void add_tags(struct graph *g, uint32_t ni, size_t si, int64_t w, int64_t dw, bool flat)
{
    const struct graph_tagdata *td = g->td;
    bool created;
    uint32_t ls = td->labelset[si];
    if (ls) {
        struct graph_tag *t = tag_get(g, ni, ls, &created);
        if (created)
            t->labelset = ls;
        if (flat) {
            t->flat += w;
            t->flat_div += dw;
        } else {
            t->cum += w;
            t->cum_div += dw;
        }
    }
    for (uint32_t k = 0; k < td->num_count[si]; k++) {
        const struct tag_num *tn = &td->nums[td->num_first[si] + k];
        struct graph_tag *t = tag_get(g, ni, TAG_NUMERIC | tn->combo, &created);
        if (created) {
            t->combo = tn->combo;
            t->value = tn->value;
            t->labelset = td->combo_labelset[tn->combo];
            t->numeric = true;
        }
        if (flat) {
            t->flat += w;
            t->flat_div += dw;
        } else {
            t->cum += w;
            t->cum_div += dw;
        }
    }
}

static void tags_reset(struct graph *g)
{
    g->ntags = 0;
    u64map_release(&g->tag_map);
    u64map_init(&g->tag_map, 256);
}

/* Per-node tag lists (arena) from the tag map. */
static void build_tag_lists(struct graph *g)
{
    for (size_t i = 0; i < g->nnodes; i++) {
        g->nodes[i].ntags = 0;
        g->nodes[i].tags = NULL;
    }
    if (!g->ntags)
        return;
    uint32_t *owner = xmalloc(g->ntags * sizeof(uint32_t));
    for (size_t i = 0; i < g->tag_map.cap; i++)
        if (g->tag_map.used[i]) {
            owner[g->tag_map.vals[i]] = (uint32_t)(g->tag_map.keys[i] >> 32);
            g->nodes[g->tag_map.keys[i] >> 32].ntags++;
        }
    for (size_t i = 0; i < g->nnodes; i++) {
        struct graph_node *n = &g->nodes[i];
        if (n->ntags)
            n->tags = arena_alloc(g->arena, n->ntags * sizeof(uint32_t));
        n->ntags = 0;
    }
    /* In creation order, so the lists do not depend on the map's layout. */
    for (size_t t = 0; t < g->ntags; t++) {
        struct graph_node *n = &g->nodes[owner[t]];
        n->tags[n->ntags++] = (uint32_t)t;
    }
    free(owner);
}

void graph_init(struct graph *g, struct arena *a, const struct graph_input *in, const struct graph_options *o)
{
    memset(g, 0, sizeof(*g));
    g->arena = a;
    u64map_init(&g->edge_map, 1024);
    u64map_init(&g->tag_map, 16);
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
    /* The nodes grew on the heap (no abandoned copies in the arena); they
     * live in the arena from here on. */
    struct graph_node *nodes = arena_alloc(a, (g->nnodes + 1) * sizeof(*nodes));
    if (g->nnodes)
        memcpy(nodes, g->nodes, g->nnodes * sizeof(*nodes));
    free(g->nodes);
    g->nodes = nodes;
    g->ninfo = g->nnodes;
    if (o->tags)
        tagdata_init(g, in, o);
}

void graph_release(struct graph *g)
{
    free(g->edges);
    u64map_release(&g->edge_map);
    g->edges = NULL;
    g->nedges = g->capedges = 0;
    free(g->tags);
    u64map_release(&g->tag_map);
    g->tags = NULL;
    g->ntags = g->captags = 0;
    if (g->nodes_heap) {
        free(g->nodes);
        g->nodes = NULL;
        g->nnodes = g->ninfo = 0;
        g->nodes_heap = false;
    }
}

/* The edge src -> dst of an edge table (array + map keyed src << 32 | dst),
 * made (zeroed, inline until a call says otherwise) if new. */
static uint32_t edge_table_get(struct graph_edge **edges, size_t *n, size_t *cap, struct u64map *map, uint32_t src,
                               uint32_t dst)
{
    bool ins;
    uint32_t *slot = u64map_put(map, (uint64_t)src << 32 | dst, (uint32_t)*n, &ins);
    if (ins) {
        xgrow(edges, cap, *n + 1, sizeof(**edges));
        struct graph_edge *e = &(*edges)[(*n)++];
        memset(e, 0, sizeof(*e));
        e->src = src;
        e->dst = dst;
        e->is_inline = true; /* cleared by any non-inline contribution */
    }
    return *slot;
}

static uint32_t edge_find_or_add(struct graph *g, uint32_t src, uint32_t dst)
{
    return edge_table_get(&g->edges, &g->nedges, &g->capedges, &g->edge_map, src, dst);
}

static uint32_t edge_get(struct graph *g, uint32_t src, uint32_t dst)
{
    struct graph_node *s = &g->nodes[src];
    if (s->cache_dst == dst + 1)
        return s->cache_edge;
    uint32_t e = edge_find_or_add(g, src, dst);
    s->cache_dst = dst + 1;
    s->cache_edge = e;
    return e;
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

enum { TAGS_NONE, TAGS_ALL, TAGS_MASK };

/*
 * The value walk split over two threads.  Each part walks a range of the
 * samples with its own node counters, stamps and edges (its own edge map and
 * per-caller cache), reading only the graph's location -> node tables; the
 * parts are then added into the graph in order, part 0's edges first.  An
 * edge's index in the graph is its first visit in the sequential walk (part
 * 0's first visits in order, then part 1's edges that part 0 did not see, in
 * order), so the graph is the one the sequential walk builds: same values,
 * same edge order, residual set if any part set it, inline unless any part
 * saw a call.
 */
struct part_node {
    int64_t flat, flat_div, cum, cum_div;
    uint32_t stamp, cache_dst, cache_edge, pad;
};

struct walk_part {
    const struct graph *g;
    const struct view_sample *samples;
    size_t from, to;
    const bool *kept;
    bool want_edges;          /* false: node values only */
    const bool *edge_nodes;   /* NULL, or only edges from or to these nodes */
    struct part_node *nodes; /* owned, one per graph node */
    struct graph_edge *edges; /* owned */
    size_t nedges, capedges;
    struct u64map map;        /* (src << 32 | dst) -> index into edges */
};

static uint32_t part_edge(struct walk_part *w, uint32_t src, uint32_t dst)
{
    struct part_node *s = &w->nodes[src];
    if (s->cache_dst == dst + 1)
        return s->cache_edge;
    s->cache_dst = dst + 1;
    s->cache_edge = edge_table_get(&w->edges, &w->nedges, &w->capedges, &w->map, src, dst);
    return s->cache_edge;
}

static void *walk_part_run(void *arg)
{
    struct walk_part *w = arg;
    const struct graph *g = w->g;
    for (size_t si = w->from; si < w->to; si++) {
        if (PROF_STOP(si))
            break;
        const struct view_sample *s = &w->samples[si];
        int64_t wt = s->value, dw = s->div;
        if (wt == 0 && dw == 0)
            continue;
        uint32_t stamp = (uint32_t)si + 1;
        uint32_t parent = PROF_NONE;
        bool residual = false;
        for (uint32_t i = s->nlocs; i-- > 0;) {
            uint32_t li = s->locs[i];
            uint32_t first = g->loc_first[li], cnt = g->loc_count[li];
            for (uint32_t k = cnt; k-- > 0;) {
                uint32_t ni = g->loc_nodes[first + k];
                if (w->kept && !w->kept[ni]) {
                    residual = true;
                    continue;
                }
                struct part_node *n = &w->nodes[ni];
                if (n->stamp != stamp) {
                    n->stamp = stamp;
                    n->cum += wt;
                    n->cum_div += dw;
                }
                if (w->want_edges && parent != PROF_NONE && parent != ni &&
                    (!w->edge_nodes || w->edge_nodes[parent] || w->edge_nodes[ni])) {
                    uint32_t ei = part_edge(w, parent, ni); /* may move w->edges */
                    struct graph_edge *e = &w->edges[ei];
                    if (e->stamp != stamp) {
                        e->stamp = stamp;
                        e->weight += wt;
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
            w->nodes[parent].flat += wt;
            w->nodes[parent].flat_div += dw;
        }
    }
    return NULL;
}

/* Samples below which one thread does the whole walk (a thread costs more). */
#define WALK_SPLIT_MIN 2048

static void walk_values(struct graph *g, const struct graph_input *in, const bool *kept, bool edges)
{
    struct walk_part parts[2];
    int nparts = in->nsamples >= WALK_SPLIT_MIN ? 2 : 1;
    for (int p = 0; p < nparts; p++) {
        struct walk_part *w = &parts[p];
        memset(w, 0, sizeof(*w));
        w->g = g;
        w->samples = in->samples;
        w->from = in->nsamples * (size_t)p / (size_t)nparts;
        w->to = in->nsamples * (size_t)(p + 1) / (size_t)nparts;
        w->kept = kept;
        w->want_edges = edges;
        w->edge_nodes = g->edge_nodes;
        w->nodes = xcalloc(g->nnodes + 1, sizeof(*w->nodes));
        u64map_init(&w->map, 1024);
    }
    pthread_t t;
    bool threaded = nparts == 2 && pthread_create(&t, NULL, walk_part_run, &parts[1]) == 0;
    walk_part_run(&parts[0]);
    if (threaded)
        pthread_join(t, NULL);
    else if (nparts == 2)
        walk_part_run(&parts[1]);
    for (int p = 0; p < nparts; p++) {
        struct walk_part *w = &parts[p];
        for (size_t i = 0; i < g->nnodes; i++) {
            struct graph_node *n = &g->nodes[i];
            n->flat += w->nodes[i].flat;
            n->flat_div += w->nodes[i].flat_div;
            n->cum += w->nodes[i].cum;
            n->cum_div += w->nodes[i].cum_div;
        }
        for (size_t i = 0; i < w->nedges; i++) {
            const struct graph_edge *pe = &w->edges[i];
            uint32_t ei = edge_find_or_add(g, pe->src, pe->dst); /* may move g->edges */
            struct graph_edge *e = &g->edges[ei];
            e->weight += pe->weight;
            e->weight_div += pe->weight_div;
            if (pe->residual)
                e->residual = true;
            if (!pe->is_inline)
                e->is_inline = false;
        }
        free(w->nodes);
        free(w->edges);
        u64map_release(&w->map);
    }
}

/* The sample walk of newGraph.  With values, node and edge values are
 * accumulated (counters must be reset); tags are added for every node
 * (TAGS_ALL) or for the nodes in mask (TAGS_MASK), following exactly the
 * cum/flat visits of the value walk. */
static void walk(struct graph *g, const struct graph_input *in, const bool *kept, bool values, bool edges, int tags,
                 const bool *mask)
{
    const struct graph_tagdata *td = g->td && in == g->td->src ? g->td : NULL; /* else keys of another input */
    if (!td)
        tags = TAGS_NONE;
    if (!values && tags == TAGS_NONE)
        return;
    if (td)
        in = tags == TAGS_NONE ? &td->by_stack : &td->merged;
    if (values)
        walk_values(g, in, kept, edges);
    if (tags == TAGS_NONE)
        return;
    /* Tags: the same first visits (per sample, per node) as the values. */
    for (size_t si = 0; si < in->nsamples && !PROF_STOP(si); si++) {
        const struct view_sample *s = &in->samples[si];
        int64_t w = s->value, dw = s->div;
        if ((w == 0 && dw == 0) || !(td->labelset[si] || td->num_count[si]))
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
                    if (tags == TAGS_ALL || mask[ni])
                        add_tags(g, ni, si, w, dw, false);
                }
                parent = ni;
                residual = false;
            }
        }
        if (parent != PROF_NONE && !residual && (tags == TAGS_ALL || mask[parent]))
            add_tags(g, parent, si, w, dw, true);
    }
}

/* ---- the shell's memo of builds ----
 *
 * A build's result depends only on the graph's input and options (fixed for a
 * memo: see graph_from_skeleton) and on (kept, drop_negative, edges).  The
 * shell keeps the last few results, so that `top` after `top`, `top -cum` or
 * `peek` after `top` repeat none of the walks they share.  Only value builds
 * without tags are kept (the dot family's tag builds are not). */

#define MEMO_ENTRIES 8
/* Entries are dropped oldest first beyond this many bytes in all. */
#define MEMO_BYTES ((size_t)512 << 20)

struct memo_entry {
    bool *kept;           /* owned copy of ninfo + 1 flags, or NULL for all */
    bool *edge_nodes;     /* owned copy of graph.edge_nodes, or NULL */
    bool drop_negative, edges;
    int64_t *values;      /* owned: flat, flat_div, cum, cum_div per node */
    struct graph_edge *edges_v; /* owned */
    size_t nedges;
    uint32_t *order;      /* owned */
    size_t norder;
    size_t bytes;
    uint64_t used;        /* tick of the last use */
};

struct graph_memo {
    struct memo_entry e[MEMO_ENTRIES];
    size_t n;
    uint64_t tick;
    size_t hits, misses;  /* for tests and benchmarks */
};

struct graph_memo *graph_memo_new(void) { return xcalloc(1, sizeof(struct graph_memo)); }

static void memo_entry_free(struct memo_entry *m)
{
    free(m->kept);
    free(m->edge_nodes);
    free(m->values);
    free(m->edges_v);
    free(m->order);
    memset(m, 0, sizeof(*m));
}

void graph_memo_clear(struct graph_memo *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        memo_entry_free(&m->e[i]);
    m->n = 0;
}

void graph_memo_free(struct graph_memo *m)
{
    graph_memo_clear(m);
    free(m);
}

void graph_memo_stats(const struct graph_memo *m, size_t *hits, size_t *misses)
{
    *hits = m ? m->hits : 0;
    *misses = m ? m->misses : 0;
}

static bool memo_match(const struct memo_entry *m, const struct graph *g, const bool *kept, bool drop_negative,
                       bool edges)
{
    if (m->drop_negative != drop_negative || m->edges != edges || !m->kept != !kept ||
        !m->edge_nodes != !g->edge_nodes)
        return false;
    if (g->edge_nodes && memcmp(m->edge_nodes, g->edge_nodes, g->ninfo + 1) != 0)
        return false;
    return !kept || memcmp(m->kept, kept, g->ninfo + 1) == 0;
}

static bool memo_restore(struct graph *g, const bool *kept, bool drop_negative, bool edges)
{
    struct graph_memo *mm = g->memo;
    for (size_t i = 0; i < mm->n; i++) {
        struct memo_entry *m = &mm->e[i];
        if (!memo_match(m, g, kept, drop_negative, edges))
            continue;
        for (size_t k = 0; k < g->nnodes; k++) {
            struct graph_node *n = &g->nodes[k];
            n->flat = m->values[4 * k];
            n->flat_div = m->values[4 * k + 1];
            n->cum = m->values[4 * k + 2];
            n->cum_div = m->values[4 * k + 3];
        }
        if (m->nedges > g->capedges) {
            free(g->edges);
            g->edges = xmalloc(m->nedges * sizeof(*g->edges));
            g->capedges = m->nedges;
        }
        if (m->nedges)
            memcpy(g->edges, m->edges_v, m->nedges * sizeof(*g->edges));
        g->nedges = m->nedges;
        memcpy(g->order, m->order, m->norder * sizeof(uint32_t));
        g->norder = m->norder;
        m->used = ++mm->tick;
        mm->hits++;
        return true;
    }
    mm->misses++;
    return false;
}

static void memo_store(struct graph *g, const bool *kept, bool drop_negative, bool edges)
{
    struct graph_memo *mm = g->memo;
    size_t bytes = g->nnodes * 4 * sizeof(int64_t) + g->nedges * sizeof(struct graph_edge) +
                   g->norder * sizeof(uint32_t) + (kept ? g->ninfo + 1 : 0) + (g->edge_nodes ? g->ninfo + 1 : 0);
    if (bytes > MEMO_BYTES)
        return;
    /* Make room: drop the least recently used entries. */
    for (;;) {
        size_t total = bytes;
        for (size_t i = 0; i < mm->n; i++)
            total += mm->e[i].bytes;
        if (mm->n < MEMO_ENTRIES && total <= MEMO_BYTES)
            break;
        size_t old = 0;
        for (size_t i = 1; i < mm->n; i++)
            if (mm->e[i].used < mm->e[old].used)
                old = i;
        memo_entry_free(&mm->e[old]);
        mm->e[old] = mm->e[--mm->n];
        memset(&mm->e[mm->n], 0, sizeof(mm->e[mm->n]));
    }
    struct memo_entry *m = &mm->e[mm->n++];
    m->kept = NULL;
    if (kept) {
        m->kept = xmalloc(g->ninfo + 1);
        memcpy(m->kept, kept, g->ninfo + 1);
    }
    m->edge_nodes = NULL;
    if (g->edge_nodes) {
        m->edge_nodes = xmalloc(g->ninfo + 1);
        memcpy(m->edge_nodes, g->edge_nodes, g->ninfo + 1);
    }
    m->drop_negative = drop_negative;
    m->edges = edges;
    m->values = xmalloc((g->nnodes + 1) * 4 * sizeof(int64_t));
    for (size_t k = 0; k < g->nnodes; k++) {
        const struct graph_node *n = &g->nodes[k];
        m->values[4 * k] = n->flat;
        m->values[4 * k + 1] = n->flat_div;
        m->values[4 * k + 2] = n->cum;
        m->values[4 * k + 3] = n->cum_div;
    }
    m->nedges = g->nedges;
    m->edges_v = g->nedges ? xmalloc(g->nedges * sizeof(struct graph_edge)) : NULL;
    if (g->nedges)
        memcpy(m->edges_v, g->edges, g->nedges * sizeof(struct graph_edge));
    m->norder = g->norder;
    m->order = xmalloc((g->norder + 1) * sizeof(uint32_t));
    memcpy(m->order, g->order, g->norder * sizeof(uint32_t));
    m->bytes = bytes;
    m->used = ++mm->tick;
}

void graph_from_skeleton(struct graph *g, const struct graph *skel, struct arena *a, struct graph_memo *memo)
{
    *g = *skel;
    g->arena = a;
    g->nodes = arena_alloc(a, (skel->nnodes + 1) * sizeof(struct graph_node));
    memcpy(g->nodes, skel->nodes, skel->nnodes * sizeof(struct graph_node));
    g->order = NULL;
    g->norder = 0;
    g->edges = NULL;
    g->nedges = g->capedges = 0;
    u64map_init(&g->edge_map, 1024);
    u64map_init(&g->tag_map, 16);
    g->memo = memo;
}

/* The graph's node list: the nodes from first on with a value (g->order has room). */
static void set_order(struct graph *g, size_t first, bool drop_negative)
{
    g->norder = 0;
    for (size_t i = first; i < g->nnodes; i++) {
        const struct graph_node *n = &g->nodes[i];
        if (n->cum == 0 && n->flat == 0)
            continue;
        if (drop_negative && (n->flat < 0 || (n->flat == 0 && n->cum < 0)))
            continue;
        g->order[g->norder++] = (uint32_t)i;
    }
}

/* The node values a build over kept would give, from the build over all
 * nodes, without walking: a kept node's cum counts the samples it is in and
 * its flat the samples whose leaf it is, whatever else is kept.  No edges. */
static void restrict_values(struct graph *g, const bool *kept, bool drop_negative)
{
    for (size_t i = 0; i < g->nnodes; i++)
        if (!kept[i]) {
            struct graph_node *n = &g->nodes[i];
            n->flat = n->flat_div = n->cum = n->cum_div = 0;
        }
    g->nedges = 0;
    build_adjacency(g);
    set_order(g, 0, drop_negative);
}

static void build(struct graph *g, const struct graph_input *in, const bool *kept, bool drop_negative, bool edges,
                  int tags, const bool *mask)
{
    bool memo = g->memo && !g->td && !g->call_tree && g->nnodes == g->ninfo;
    for (size_t i = 0; i < g->nnodes; i++) {
        struct graph_node *n = &g->nodes[i];
        n->flat = n->flat_div = n->cum = n->cum_div = 0;
        n->stamp = 0;
        n->cache_dst = 0;
    }
    g->nnodes = g->ninfo; /* drop call-tree nodes of an earlier build */
    g->call_tree = false;
    g->nedges = 0;
    u64map_release(&g->edge_map);
    u64map_init(&g->edge_map, 1024);
    g->order = arena_alloc(g->arena, (g->nnodes + 1) * sizeof(uint32_t));
    g->norder = 0;
    if (memo && memo_restore(g, kept, drop_negative, edges)) {
        build_adjacency(g);
        return;
    }
    if (g->td)
        tags_reset(g);
    walk(g, in, kept, true, edges, tags, mask);
    build_adjacency(g);
    if (g->td)
        build_tag_lists(g);

    set_order(g, 0, drop_negative);
    if (memo && !prof_interrupted)
        memo_store(g, kept, drop_negative, edges);
}

void graph_build(struct graph *g, const struct graph_input *in, const bool *kept, bool drop_negative)
{
    build(g, in, kept, drop_negative, true, TAGS_ALL, NULL);
}

/* Compute the tags of the nodes in mask (NULL: all) for the graph as last
 * built with kept, without touching its values. */
static void tag_pass(struct graph *g, const struct graph_input *in, const bool *kept, const bool *mask)
{
    if (!g->td)
        return;
    for (size_t i = 0; i < g->nnodes; i++)
        g->nodes[i].stamp = 0;
    tags_reset(g);
    walk(g, in, kept, false, false, mask ? TAGS_MASK : TAGS_ALL, mask);
    build_tag_lists(g);
}

/* ---- call tree (pprof's newTree) ----
 *
 * Nodes are keyed by (parent tree node, node info): the same frame reached
 * through different callers gives different nodes.  Tree nodes are appended
 * after the info nodes that graph_init made. */

void graph_build_tree(struct graph *g, const struct graph_input *in, bool drop_negative)
{
    g->nnodes = g->ninfo;
    for (size_t i = 0; i < g->nnodes; i++) {
        struct graph_node *n = &g->nodes[i];
        n->flat = n->flat_div = n->cum = n->cum_div = 0;
        n->stamp = 0;
        n->cache_dst = 0;
    }
    g->nedges = 0;
    u64map_release(&g->edge_map);
    u64map_init(&g->edge_map, 1024);
    const struct graph_tagdata *td = g->td && in == g->td->src ? g->td : NULL; /* else keys of another input */
    if (g->td)
        tags_reset(g);
    if (td)
        in = &td->merged;
    g->call_tree = true;

    struct u64map tree; /* (parent + 1) << 32 | info -> tree node */
    u64map_init(&tree, 1024);
    /* Tree nodes can be many: grow them on the heap (graph_release frees). */
    size_t cap = g->nnodes + 1024;
    if (!g->nodes_heap) {
        struct graph_node *hn = xmalloc(cap * sizeof(*hn));
        memcpy(hn, g->nodes, g->nnodes * sizeof(*hn));
        g->nodes = hn;
        g->nodes_heap = true;
        g->capnodes = cap;
    } else {
        cap = g->capnodes;
    }
    for (size_t si = 0; si < in->nsamples && !PROF_STOP(si); si++) {
        const struct view_sample *s = &in->samples[si];
        int64_t w = s->value, dw = s->div;
        if (w == 0 && dw == 0)
            continue;
        bool tagged = td && (td->labelset[si] || td->num_count[si]);
        uint32_t parent = PROF_NONE;
        for (uint32_t i = s->nlocs; i-- > 0;) {
            uint32_t li = s->locs[i];
            uint32_t first = g->loc_first[li], cnt = g->loc_count[li];
            for (uint32_t k = cnt; k-- > 0;) {
                uint32_t info = g->loc_nodes[first + k];
                bool ins;
                uint64_t key = (uint64_t)(parent == PROF_NONE ? 0 : parent + 1) << 32 | info;
                uint32_t *slot = u64map_put(&tree, key, (uint32_t)g->nnodes, &ins);
                if (ins) {
                    if (g->nnodes == cap) {
                        cap *= 2;
                        g->nodes = xrealloc(g->nodes, cap * sizeof(*g->nodes));
                        g->capnodes = cap;
                    }
                    struct graph_node *n = &g->nodes[g->nnodes++];
                    memset(n, 0, sizeof(*n));
                    n->info = g->nodes[info].info;
                    n->pname = g->nodes[info].pname;
                    n->info_id = info;
                    n->tree_parent = parent;
                }
                uint32_t ni = *slot;
                struct graph_node *n = &g->nodes[ni];
                n->cum += w;
                n->cum_div += dw;
                if (tagged)
                    add_tags(g, ni, si, w, dw, false);
                if (parent != PROF_NONE) {
                    uint32_t ei = edge_get(g, parent, ni); /* may grow g->edges */
                    struct graph_edge *e = &g->edges[ei];
                    e->weight += w;
                    e->weight_div += dw;
                    if (k == cnt - 1)
                        e->is_inline = false;
                }
                parent = ni;
            }
        }
        if (parent != PROF_NONE) {
            g->nodes[parent].flat += w;
            g->nodes[parent].flat_div += dw;
            if (tagged)
                add_tags(g, parent, si, w, dw, true);
        }
    }
    u64map_release(&tree);
    build_adjacency(g);
    if (g->td)
        build_tag_lists(g);

    g->order = arena_alloc(g->arena, (g->nnodes + 1) * sizeof(uint32_t));
    set_order(g, g->ninfo, drop_negative); /* the tree's nodes only */
}

void graph_trim_tree(struct graph *g, const bool *kept)
{
    /* Current adjacency as lists that can move: each tree node has at most
     * one in-edge; out-edges are linked lists so a removed node's children
     * can be handed to its parent in O(children). */
    size_t nn = g->nnodes, ne = g->nedges;
    uint32_t *in_edge = xmalloc((nn + 1) * sizeof(uint32_t));
    uint32_t *first = xmalloc((nn + 1) * sizeof(uint32_t));
    uint32_t *last = xmalloc((nn + 1) * sizeof(uint32_t));
    uint32_t *next = xmalloc((ne + 1) * sizeof(uint32_t));
    for (size_t i = 0; i < nn; i++)
        in_edge[i] = first[i] = last[i] = PROF_NONE;
    for (size_t e = 0; e < ne; e++) {
        const struct graph_edge *ed = &g->edges[e];
        next[e] = PROF_NONE;
        if (ed->removed)
            continue;
        in_edge[ed->dst] = (uint32_t)e;
        if (first[ed->src] == PROF_NONE)
            first[ed->src] = (uint32_t)e;
        else
            next[last[ed->src]] = (uint32_t)e;
        last[ed->src] = (uint32_t)e;
    }
    size_t w = 0;
    for (size_t i = 0; i < g->norder; i++) {
        uint32_t cur = g->order[i];
        if (kept[cur]) {
            g->order[w++] = cur;
            continue;
        }
        uint32_t pe = in_edge[cur];
        if (pe == PROF_NONE) {
            /* A root: its children become roots. */
            for (uint32_t e = first[cur]; e != PROF_NONE; e = next[e]) {
                if (g->edges[e].removed)
                    continue;
                in_edge[g->edges[e].dst] = PROF_NONE;
                g->edges[e].removed = true;
            }
            first[cur] = last[cur] = PROF_NONE;
            continue;
        }
        uint32_t parent = g->edges[pe].src;
        bool parent_inline = g->edges[pe].is_inline;
        g->edges[pe].removed = true;
        for (uint32_t e = first[cur]; e != PROF_NONE; e = next[e]) {
            struct graph_edge *ed = &g->edges[e];
            if (ed->removed)
                continue;
            ed->src = parent;
            ed->residual = true;
            ed->is_inline = parent_inline && ed->is_inline;
        }
        if (first[cur] != PROF_NONE) {
            if (first[parent] == PROF_NONE)
                first[parent] = first[cur];
            else
                next[last[parent]] = first[cur];
            last[parent] = last[cur];
        }
        first[cur] = last[cur] = PROF_NONE;
    }
    g->norder = w;
    free(in_edge);
    free(first);
    free(last);
    free(next);
    build_adjacency(g);
    graph_remove_redundant_edges(g);
}

/* ---- trimming helpers ---- */

void graph_trim_tags(struct graph *g, int64_t cutoff)
{
    if (!g->ntags)
        return;
    for (size_t i = 0; i < g->norder; i++) {
        const struct graph_node *n = &g->nodes[g->order[i]];
        for (uint32_t k = 0; k < n->ntags; k++) {
            struct graph_tag *t = &g->tags[n->tags[k]];
            if (abs64(t->flat) < cutoff && abs64(t->cum) < cutoff)
                t->removed = true;
        }
    }
}

/* pprof's countTags: tags with a non-zero flat value. */
static int count_tags(const struct graph *g, const struct graph_node *n)
{
    int c = 0;
    for (uint32_t k = 0; k < n->ntags; k++) {
        const struct graph_tag *t = &g->tags[n->tags[k]];
        if (!t->removed && t->flat != 0)
            c++;
    }
    return c;
}

/* pprof's selectTopNodes: how many of the sorted nodes to keep. */
static size_t select_top(const struct graph *g, int max_nodes, bool visual)
{
    size_t max = (size_t)max_nodes;
    if (visual) {
        int count = 0;
        for (size_t i = 0; i < g->norder; i++) {
            int tags = count_tags(g, &g->nodes[g->order[i]]);
            if (tags > 4)
                tags = 4;
            count += tags + 1;
            if (count >= max_nodes) {
                max = i + 1;
                break;
            }
        }
    }
    return max < g->norder ? max : g->norder;
}

/* Whether src can still reach e's destination without e (pprof's isRedundantEdge). */
static bool edge_redundant(struct graph *g, uint32_t ei, uint32_t *seen, uint32_t stamp, uint32_t *queue)
{
    const struct graph_edge *e = &g->edges[ei];
    uint32_t src = e->src;
    size_t head = 0, tail = 0;
    seen[e->dst] = stamp;
    queue[tail++] = e->dst;
    while (head < tail) {
        const struct graph_node *n = &g->nodes[queue[head++]];
        for (uint32_t k = 0; k < n->nin; k++) {
            uint32_t ie = n->in[k];
            const struct graph_edge *ed = &g->edges[ie];
            if (ed->removed || ie == ei || seen[ed->src] == stamp)
                continue;
            if (ed->src == src)
                return true;
            seen[ed->src] = stamp;
            queue[tail++] = ed->src;
        }
    }
    return false;
}

void graph_remove_redundant_edges(struct graph *g)
{
    uint32_t *seen = xcalloc(g->nnodes + 1, sizeof(uint32_t));
    uint32_t *queue = xmalloc((g->nnodes + 1) * sizeof(uint32_t));
    uint32_t *live = xmalloc((g->nedges + 1) * sizeof(uint32_t));
    uint32_t stamp = 0;
    bool any = false;
    for (size_t i = g->norder; i > 0; i--) {
        const struct graph_node *n = &g->nodes[g->order[i - 1]];
        uint32_t nl = 0;
        bool residual = false;
        for (uint32_t k = 0; k < n->nin; k++)
            if (!g->edges[n->in[k]].removed) {
                live[nl++] = n->in[k];
                residual |= g->edges[n->in[k]].residual;
            }
        if (!residual)
            continue;
        const uint32_t *in = graph_sorted_edges(g, live, nl);
        for (uint32_t j = nl; j > 0; j--) {
            uint32_t ei = in[j - 1];
            if (!g->edges[ei].residual)
                break;
            if (edge_redundant(g, ei, seen, ++stamp, queue)) {
                g->edges[ei].removed = true;
                any = true;
            }
        }
    }
    free(seen);
    free(queue);
    free(live);
    if (any)
        build_adjacency(g);
}

/* ---- short names (pprof's ShortenFunctionName) ----
 * The regular expressions of graph.go, matched by hand: RE2's \w is
 * [0-9A-Za-z_] and `.` stops at a newline. */

static bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
static bool is_word(char c) { return (c >= '0' && c <= '9') || is_alpha(c) || c == '_'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* `^(.*?)/v(?:[2-9]|[1-9][0-9]+)([./].*)$`: drop the first major-version element. */
static size_t go_version(const char *s, size_t *vend)
{
    size_t n = strlen(s);
    if (memchr(s, '\n', n))
        return (size_t)-1; /* neither `.*` may cross a newline: only names without one can match */
    for (size_t i = 0; i + 2 < n; i++) {
        if (s[i] != '/' || s[i + 1] != 'v')
            continue;
        size_t j = i + 2;
        while (j < n && is_digit(s[j]))
            j++;
        size_t nd = j - (i + 2);
        if (nd == 0 || j >= n || (s[j] != '.' && s[j] != '/'))
            continue;
        if (nd == 1 ? (s[i + 2] < '2') : (s[i + 2] == '0'))
            continue;
        *vend = j;
        return i;
    }
    return (size_t)-1;
}

/* `^(?:[\w\-\.]+\/)+([^.]+\..+)`: the capture's start and length, or false. */
static bool go_short(const char *s, size_t *start, size_t *len)
{
    size_t n = strlen(s);
    /* Candidate split points: after each '/' of a prefix made of non-empty [\w.-]+ components. */
    size_t cand[64], nc = 0;
    size_t *cands = cand, capc = 64;
    size_t seg = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '/') {
            if (i == seg)
                break; /* empty component */
            if (nc == capc) {
                size_t *nw = xmalloc(capc * 2 * sizeof(size_t));
                memcpy(nw, cands, nc * sizeof(size_t));
                if (cands != cand)
                    free(cands);
                cands = nw;
                capc *= 2;
            }
            cands[nc++] = i + 1;
            seg = i + 1;
        } else if (!is_word(c) && c != '-' && c != '.') {
            break;
        }
    }
    bool ok = false;
    for (size_t k = nc; k-- > 0 && !ok;) {
        size_t p = cands[k];
        const char *dot = memchr(s + p, '.', n - p);
        if (!dot || dot == s + p)
            continue;
        size_t d = (size_t)(dot - s);
        if (d + 1 >= n || s[d + 1] == '\n')
            continue;
        size_t e = d + 1;
        while (e < n && s[e] != '\n')
            e++;
        *start = p;
        *len = e - p;
        ok = true;
    }
    if (cands != cand)
        free(cands);
    return ok;
}

/* `^(?:[a-z]\w*\.)*([A-Z][\w\$]*\.(?:<init>|[a-z][\w\$]*(?:\$\d+)?))(?:(?:\()|$)` */
static bool java_short(const char *s, size_t *start, size_t *len)
{
    size_t i = 0;
    for (;;) { /* package components */
        if (!(s[i] >= 'a' && s[i] <= 'z'))
            break;
        size_t j = i + 1;
        while (is_word(s[j]))
            j++;
        if (s[j] != '.')
            break;
        i = j + 1;
    }
    if (!(s[i] >= 'A' && s[i] <= 'Z'))
        return false;
    size_t j = i + 1;
    while (is_word(s[j]) || s[j] == '$')
        j++;
    if (s[j] != '.')
        return false;
    j++;
    if (strncmp(s + j, "<init>", 6) == 0) {
        j += 6;
    } else if (s[j] >= 'a' && s[j] <= 'z') {
        j++;
        while (is_word(s[j]) || s[j] == '$')
            j++;
    } else {
        return false;
    }
    if (s[j] != '(' && s[j] != 0)
        return false;
    *start = i;
    *len = j - i;
    return true;
}

/* `^(?:[_a-zA-Z]\w*::)+(_*[A-Z]\w*::~?[_a-zA-Z]\w*(?:<.*>)?)` */
static bool cpp_short(const char *s, size_t *start, size_t *len)
{
    /* Starts of the leading "ident::" groups. */
    size_t starts[256], ns = 0, i = 0;
    for (;;) {
        if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
            break;
        size_t j = i + 1;
        while (is_word(s[j]))
            j++;
        if (s[j] != ':' || s[j + 1] != ':')
            break;
        if (ns == PROF_ARRAY_LEN(starts))
            break;
        starts[ns++] = i;
        i = j + 2;
    }
    /* The capture starts after k >= 1 groups; greedy: largest k first. */
    for (size_t k = ns; k >= 1; k--) {
        size_t p = k < ns ? starts[k] : i;
        size_t j = p;
        while (s[j] == '_')
            j++;
        if (!(s[j] >= 'A' && s[j] <= 'Z'))
            continue;
        j++;
        while (is_word(s[j]))
            j++;
        if (s[j] != ':' || s[j + 1] != ':')
            continue;
        j += 2;
        if (s[j] == '~')
            j++;
        if (!(s[j] == '_' || (s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z')))
            continue;
        j++;
        while (is_word(s[j]))
            j++;
        if (s[j] == '<') {
            size_t end = j + 1, gt = 0;
            while (s[end] && s[end] != '\n') {
                if (s[end] == '>')
                    gt = end;
                end++;
            }
            if (gt)
                j = gt + 1;
        }
        *start = p;
        *len = j - p;
        return true;
    }
    return false;
}

const char *graph_shorten_name(struct arena *a, const char *name)
{
    const char *f = name;
    if (strncmp(f, "(anonymous namespace)::", 23) == 0)
        f += 23;
    size_t vend, v = go_version(f, &vend);
    if (v != (size_t)-1)
        f = arena_printf(a, "%.*s%s", (int)v, f, f + vend);
    size_t st, len;
    if (go_short(f, &st, &len) || java_short(f, &st, &len) || cpp_short(f, &st, &len))
        return arena_strndup(a, f + st, len);
    return f;
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
        n->pname = n->info_id != i && n->info_id < g->ninfo ? gname(g, n->info_id) /* call tree: share */
                                                            : node_printable_name(g->arena, &n->info);
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
static const char **sort_keys; /* node_key per node, computed on demand */

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
    /* Keys are per info (call-tree nodes share their info node's). */
    uint32_t ia = l->info_id, ib = r->info_id;
    if (ia != ib) {
        if (!sort_keys[ia])
            sort_keys[ia] = node_key(g, &g->nodes[ia].info);
        if (!sort_keys[ib])
            sort_keys[ib] = node_key(g, &g->nodes[ib].info);
        if ((c = strcmp(sort_keys[ia], sort_keys[ib])))
            return c;
    }
    /* Equal infos happen only in call trees, where pprof's order is random:
     * creation order makes ours reproducible. */
    return a < b ? -1 : a > b;
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
    sort_keys = arena_calloc(g->arena, g->nnodes + 1, sizeof(char *));
    qsort(g->order, g->norder, sizeof(uint32_t), node_cmp);
    sort_graph = NULL;
    sort_keys = NULL;
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
    if ((c = strcmp(gname(g, a->dst), gname(g, b->dst))))
        return c;
    /* Equal names (call trees): creation order, for a reproducible result. */
    return a < b ? -1 : a > b;
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

int graph_trim_edges(struct graph *g, int64_t cutoff)
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
    bool tree = o->call_tree;
    g->edge_nodes = tree ? NULL : t->edge_nodes;
    /* Graph mode computes tags only where they are used: for the nodes that
     * may be selected (visual mode) and for the final graph. */
    const bool *kept_now = NULL;
    bool tags_done = false;
    /* With a node fraction, the first build usually serves only to find the
     * nodes over the cutoff, and the graph is built again over those: its
     * edges are then never read, so it counts node values only, and edges
     * are added by a second build when no node is dropped after all. */
    bool values_first = !tree && t->nodefraction > 0;
    if (tree)
        graph_build_tree(g, in, o->drop_negative);
    else
        build(g, in, NULL, o->drop_negative, !values_first, TAGS_NONE, NULL);
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
            if (tree) {
                graph_trim_tree(g, kept);
            } else {
                /* When a text report keeps fewer nodes than these, it builds
                 * again over its first nodecount: this build's edges would
                 * go unread, and its values are the first build's. */
                bool rebuilt = false;
                if (!t->visual && !g->td && t->nodecount > 0 && (size_t)t->nodecount < nkept) {
                    restrict_values(g, kept, o->drop_negative);
                    rebuilt = (size_t)t->nodecount < g->norder;
                }
                if (!rebuilt)
                    build(g, in, kept, o->drop_negative, true, TAGS_NONE, NULL);
                kept_now = kept;
            }
        }
    }
    if (values_first && !kept_now)
        build(g, in, NULL, o->drop_negative, true, TAGS_NONE, NULL);
    res->orig_count = (int)g->norder;
    graph_sort(g, t->order);
    if (t->nodecount > 0) {
        if (!tree && t->visual && g->td) {
            /* Only the first nodecount nodes can be selected. */
            bool *mask = arena_calloc(g->arena, g->nnodes + 1, sizeof(bool));
            size_t lim = (size_t)t->nodecount < g->norder ? (size_t)t->nodecount : g->norder;
            for (size_t i = 0; i < lim; i++)
                mask[g->order[i]] = true;
            tag_pass(g, in, kept_now, lim == g->norder ? NULL : mask);
            tags_done = lim == g->norder;
        }
        graph_trim_tags(g, node_cutoff);
        graph_trim_edges(g, edge_cutoff);
        size_t max = select_top(g, t->nodecount, t->visual);
        if (max < g->norder) {
            kept = arena_calloc(g->arena, g->nnodes + 1, sizeof(bool));
            for (size_t i = 0; i < max; i++)
                kept[g->order[i]] = true;
            if (tree) {
                graph_trim_tree(g, kept);
            } else {
                build(g, in, kept, o->drop_negative, true, TAGS_ALL, NULL);
                tags_done = true;
            }
            graph_sort(g, t->order);
        }
    }
    if (!tree && g->td && !tags_done) {
        tag_pass(g, in, kept_now, NULL);
    }
    graph_trim_tags(g, node_cutoff);
    res->dropped_edges = graph_trim_edges(g, edge_cutoff);
    if (t->visual)
        graph_remove_redundant_edges(g);
}
