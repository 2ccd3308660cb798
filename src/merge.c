/*
 * merge.c: see merge.h.  After pprof's fetchProfiles/chunkedGrab/
 * combineProfiles (internal/driver/fetch.go), CompatibilizeSampleTypes,
 * Merge and Normalize (profile/merge.go) and ScaleProfiles
 * (internal/measurement).
 *
 * Merging works on dense indices: per source, a memo array maps each of its
 * mappings, locations and functions to the merged one, so the key of a
 * location or function is built and hashed once per distinct object, and a
 * sample costs one key over its merged location ids and labels.  Keys are the
 * bytes pprof compares (its map keys), hashed into open-addressing tables.
 */
#include "prof/merge.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof/fetch.h"
#include "prof/symbolize.h"
#include "prof/units.h"
#include "prof/util.h"

#define CHUNK_SIZE 128 /* sources loaded at once before merging, as pprof's chunkedGrab */

/* ---- byte-string keyed hash table ---- */

struct kent {
    uint64_t h;
    const unsigned char *key; /* borrowed: the merger's key arena, or an interned string */
    size_t len;               /* bytes of key */
    uint32_t val;
    bool used;
};

struct ktab {
    struct kent *e; /* owned */
    size_t cap;     /* slots, a power of two */
    size_t len;     /* used slots */
};

static void ktab_init(struct ktab *t, size_t expected)
{
    size_t cap = 64;
    while (cap < expected * 2)
        cap <<= 1;
    t->e = xcalloc(cap, sizeof(*t->e));
    t->cap = cap;
    t->len = 0;
}

static void ktab_release(struct ktab *t)
{
    free(t->e);
    t->e = NULL;
    t->cap = t->len = 0;
}

/* The slot holding key, or the empty slot where it belongs. */
static struct kent *ktab_slot(const struct ktab *t, uint64_t h, const void *key, size_t len)
{
    size_t mask = t->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        struct kent *e = &t->e[i];
        if (!e->used)
            return e;
        if (e->h == h && e->len == len && memcmp(e->key, key, len) == 0)
            return e;
    }
}

static void ktab_grow(struct ktab *t)
{
    struct kent *old = t->e;
    size_t oldcap = t->cap;
    t->cap *= 2;
    t->e = xcalloc(t->cap, sizeof(*t->e));
    for (size_t i = 0; i < oldcap; i++) {
        if (!old[i].used)
            continue;
        size_t mask = t->cap - 1, k = (size_t)old[i].h & mask;
        while (t->e[k].used)
            k = (k + 1) & mask;
        t->e[k] = old[i];
    }
    free(old);
}

/* Fill the empty slot e (from ktab_slot) with key -> val. */
static void ktab_fill(struct ktab *t, struct kent *e, uint64_t h, const unsigned char *key, size_t len, uint32_t val)
{
    e->h = h;
    e->key = key;
    e->len = len;
    e->val = val;
    e->used = true;
    if (++t->len * 2 > t->cap)
        ktab_grow(t);
}

static uint64_t hash_key(const unsigned char *p, size_t n)
{
    uint64_t h = HASH_SEED ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = hash_u64(h ^ w);
    }
    uint64_t w = 0;
    if (i < n)
        memcpy(&w, p + i, n - i);
    return hash_u64(h ^ w ^ 0x9e3779b97f4a7c15ULL);
}

/* ---- key buffer ---- */

struct kbuf {
    unsigned char *b; /* owned */
    size_t len, cap;  /* bytes */
};

static void kb_need(struct kbuf *k, size_t more)
{
    if (k->len + more > k->cap)
        xgrow(&k->b, &k->cap, k->len + more, 1);
}

static void kb_uvarint(struct kbuf *k, uint64_t v)
{
    kb_need(k, 10);
    while (v >= 0x80) {
        k->b[k->len++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    k->b[k->len++] = (unsigned char)v;
}

static void kb_bytes(struct kbuf *k, const void *p, size_t n)
{
    if (n == 0)
        return;
    kb_need(k, n);
    memcpy(k->b + k->len, p, n);
    k->len += n;
}

/* A length-prefixed string (pprof's putDelimitedString). */
static void kb_str(struct kbuf *k, const char *s)
{
    size_t n = strlen(s);
    kb_uvarint(k, n);
    kb_bytes(k, s, n);
}

static void kb_u64(struct kbuf *k, uint64_t v) { kb_bytes(k, &v, sizeof(v)); }

/* ---- Go numeric conversions ---- */

/* Go's int64(f) on amd64: out of range and NaN give the "integer indefinite" MinInt64. */
static int64_t go_f2i(double f)
{
    if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0))
        return INT64_MIN;
    return (int64_t)f;
}

static int64_t wrap_add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }

/* ---- in-place operations on a loaded profile (owned by this module until returned) ---- */

static bool sample_is_zero(const struct profile *p, const struct prof_sample *s)
{
    for (size_t i = 0; i < p->nsample_types; i++)
        if (s->values[i] != 0)
            return false;
    return true;
}

/* pprof's ScaleN: values whose ratio is not 1 are multiplied and rounded; a
 * sample survives only if one of those values is non-zero. */
static void scale_n(struct profile *p, const double *ratios)
{
    bool ones = true;
    for (size_t i = 0; i < p->nsample_types; i++)
        if (ratios[i] != 1)
            ones = false;
    if (ones)
        return;
    size_t fill = 0;
    for (size_t k = 0; k < p->nsamples; k++) {
        struct prof_sample *s = &p->samples[k];
        bool keep = false;
        for (size_t i = 0; i < p->nsample_types; i++) {
            if (ratios[i] != 1) {
                int64_t v = go_f2i(round((double)s->values[i] * ratios[i]));
                s->values[i] = v;
                keep = keep || v != 0;
            }
        }
        if (keep)
            p->samples[fill++] = *s;
    }
    p->nsamples = fill;
}

static void scale_all(struct profile *p, double ratio)
{
    if (ratio == 1 || p->nsample_types == 0)
        return;
    double *r = xmalloc(p->nsample_types * sizeof(double));
    for (size_t i = 0; i < p->nsample_types; i++)
        r[i] = ratio;
    scale_n(p, r);
    free(r);
}

/* pprof's SetLabel(key, [value]): the string label key gets exactly that value. */
static void set_label(struct profile *p, const char *key, const char *value)
{
    const char *k = arena_strdup(&p->arena, key), *v = arena_strdup(&p->arena, value);
    for (size_t i = 0; i < p->nsamples; i++) {
        struct prof_sample *s = &p->samples[i];
        struct prof_label *nl = ARENA_NEWN(&p->arena, struct prof_label, s->nlabels + 1);
        uint32_t n = 0;
        for (uint32_t j = 0; j < s->nlabels; j++)
            if (!(s->labels[j].str && strcmp(s->labels[j].key, key) == 0))
                nl[n++] = s->labels[j];
        nl[n].key = k;
        nl[n].str = v;
        nl[n].num = 0;
        nl[n].unit = "";
        s->labels = nl;
        s->nlabels = n + 1;
    }
}

/* pprof's locateBinaries, minus the search of PPROF_BINARY_PATH: a fake
 * mapping when there is none, then the command line's binary and -buildid
 * applied to the main (first) mapping. */
static void locate_binaries(struct profile *p, const char *binary, const char *buildid)
{
    if (p->nmappings == 0) {
        p->mappings = ARENA_NEWN(&p->arena, struct prof_mapping, 1);
        p->nmappings = 1;
        p->mappings[0].id = 1;
        p->mappings[0].file = p->mappings[0].build_id = "";
        for (size_t i = 0; i < p->nlocations; i++)
            p->locations[i].mapping = 0;
    }
    bool exe = binary && binary[0], bid = buildid && buildid[0];
    if (!exe && !bid)
        return;
    struct prof_mapping *m = &p->mappings[0];
    if (exe)
        m->file = arena_strdup(&p->arena, binary);
    if (bid && !m->build_id[0])
        m->build_id = arena_strdup(&p->arena, buildid);
}

static void add_comment(struct profile *p, const char *c)
{
    const char **nc = ARENA_NEWN(&p->arena, const char *, p->ncomments + 1);
    if (p->ncomments)
        memcpy(nc, p->comments, p->ncomments * sizeof(*nc));
    nc[p->ncomments++] = arena_strdup(&p->arena, c);
    p->comments = nc;
}

/* ---- value types as pprof prints them ---- */

/* Go's %v of a decoded ValueType: the string indices are cleared by the decoder. */
static void vt_str(char *buf, size_t n, const struct prof_valuetype *vt)
{
    snprintf(buf, n, "{%s %s 0 0}", vt->type, vt->unit);
}

/* Go's %v of []*ValueType: the pointers. */
static void vt_list(char *buf, size_t n, const struct profile *p)
{
    size_t off = 0;
    buf[0] = 0;
    for (size_t i = 0; i <= p->nsample_types && off + 1 < n; i++) {
        int w = i == p->nsample_types ? snprintf(buf + off, n - off, "]")
                                      : snprintf(buf + off, n - off, "%s0x%" PRIxPTR, i ? " " : "[",
                                                 (uintptr_t)(const void *)&p->sample_types[i]);
        off = w < 0 || off + (size_t)w >= n ? n - 1 : off + (size_t)w;
    }
    if (p->nsample_types == 0)
        snprintf(buf, n, "[]");
}

/* pprof's Profile.compatible. */
static int compatible(const struct profile *a, const struct profile *b, struct prof_err *err)
{
    char x[256], y[256];
    if (strcmp(a->period_type.type, b->period_type.type) != 0 || strcmp(a->period_type.unit, b->period_type.unit) != 0) {
        vt_str(x, sizeof(x), &a->period_type);
        vt_str(y, sizeof(y), &b->period_type);
        return prof_errf(err, PROF_EUSAGE, "incompatible period types &%s and &%s", x, y);
    }
    bool same = a->nsample_types == b->nsample_types;
    for (size_t i = 0; same && i < a->nsample_types; i++)
        same = strcmp(a->sample_types[i].type, b->sample_types[i].type) == 0 &&
               strcmp(a->sample_types[i].unit, b->sample_types[i].unit) == 0;
    if (!same) {
        vt_list(x, sizeof(x), a);
        vt_list(y, sizeof(y), b);
        return prof_errf(err, PROF_EUSAGE, "incompatible sample types %s and %s", x, y);
    }
    return 0;
}

/* ---- CompatibilizeSampleTypes ---- */

static int compatibilize(struct profile **ps, size_t n, struct prof_err *err)
{
    struct profile *p0 = ps[0];
    /* Types of the first profile that occur n times over all profiles (pprof counts names). */
    size_t *common = xmalloc((p0->nsample_types + 1) * sizeof(size_t)), nc = 0;
    for (size_t i = 0; i < p0->nsample_types; i++) {
        size_t count = 0;
        for (size_t k = 0; k < n; k++)
            for (size_t j = 0; j < ps[k]->nsample_types; j++)
                if (strcmp(ps[k]->sample_types[j].type, p0->sample_types[i].type) == 0)
                    count++;
        if (count == n)
            common[nc++] = i;
    }
    if (nc == 0) {
        free(common);
        return prof_errf(err, n > 1 ? PROF_EUSAGE : PROF_EDATA, "profiles have empty common sample type list");
    }
    /* Names are borrowed from p0 while every profile is rewritten: copy them first. */
    const char **names = xmalloc(nc * sizeof(char *));
    for (size_t i = 0; i < nc; i++)
        names[i] = p0->sample_types[common[i]].type;
    size_t *remap = xmalloc(nc * sizeof(size_t));
    int64_t *tmp = xmalloc(nc * sizeof(int64_t));
    for (size_t k = 0; k < n; k++) {
        struct profile *p = ps[k];
        const char *dflt = names[0];
        bool modify = false;
        for (size_t i = 0; i < nc; i++) {
            if (strcmp(names[i], p->default_sample_type) == 0)
                dflt = p->default_sample_type;
            size_t idx = SIZE_MAX;
            for (size_t j = 0; j < p->nsample_types && idx == SIZE_MAX; j++)
                if (strcmp(p->sample_types[j].type, names[i]) == 0)
                    idx = j;
            if (idx == SIZE_MAX) {
                prof_errf(err, PROF_EUSAGE, "\"%s\" sample type is not found in profile", names[i]);
                free(names), free(remap), free(tmp), free(common);
                return -1;
            }
            remap[i] = idx;
            if (idx != i)
                modify = true;
        }
        if (!modify && nc == p->nsample_types)
            continue;
        p->default_sample_type = arena_strdup(&p->arena, dflt);
        struct prof_valuetype *st = ARENA_NEWN(&p->arena, struct prof_valuetype, nc);
        for (size_t i = 0; i < nc; i++)
            st[i] = p->sample_types[remap[i]];
        for (size_t s = 0; s < p->nsamples; s++) {
            int64_t *v = p->samples[s].values;
            for (size_t i = 0; i < nc; i++)
                tmp[i] = v[remap[i]];
            memcpy(v, tmp, nc * sizeof(int64_t));
        }
        p->sample_types = st;
        p->nsample_types = nc;
    }
    free(names), free(remap), free(tmp), free(common);
    return 0;
}

/* ---- ScaleProfiles ---- */

/* The unit family of a unit pprof knows (0 = unknown): the canonical name of
 * its automatic scaling tells memory (…B), GCU (…GCU) and time apart. */
static int unit_family(const char *unit)
{
    const char *u;
    units_scale(1, unit, "auto", &u);
    size_t n = strlen(u);
    if (n == 0)
        return 0;
    if (strstr(u, "GCU"))
        return 3;
    return u[n - 1] == 'B' ? 1 : 2;
}

static bool trim_s_eq(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na && a[na - 1] == 's')
        na--;
    if (nb && b[nb - 1] == 's')
        nb--;
    return na == nb && memcmp(a, b, na) == 0;
}

static bool compatible_vt(const struct prof_valuetype *a, const struct prof_valuetype *b)
{
    if (!trim_s_eq(a->type, b->type))
        return false;
    if (strcmp(a->unit, b->unit) == 0)
        return true;
    int fa = unit_family(a->unit);
    return fa != 0 && fa == unit_family(b->unit);
}

/* pprof's CommonValueType: the finest of compatible types; NULL for fewer than two. */
static int common_vt(const struct prof_valuetype *const *ts, size_t n, const struct prof_valuetype **out,
                     const char *what, struct prof_err *err)
{
    *out = NULL;
    if (n <= 1)
        return 0;
    const struct prof_valuetype *min = ts[0];
    for (size_t i = 1; i < n; i++) {
        if (!compatible_vt(min, ts[i])) {
            char x[256], y[256];
            vt_str(x, sizeof(x), min);
            vt_str(y, sizeof(y), ts[i]);
            return prof_errf(err, PROF_EUSAGE, "%s: incompatible types: %s %s", what, x, y);
        }
        const char *u;
        if (units_scale(1, ts[i]->unit, min->unit, &u) < 1)
            min = ts[i];
    }
    *out = min;
    return 0;
}

static int scale_profiles(struct profile **ps, size_t n, struct prof_err *err)
{
    if (n == 0)
        return 0;
    const struct prof_valuetype **ts = xmalloc(n * sizeof(*ts));
    const struct prof_valuetype *pt;
    for (size_t k = 0; k < n; k++)
        ts[k] = &ps[k]->period_type;
    int rc = common_vt(ts, n, &pt, "period type", err);
    struct prof_valuetype period = {"", ""};
    if (pt)
        period = *pt;
    size_t nst = ps[0]->nsample_types;
    for (size_t k = 1; rc == 0 && k < n; k++)
        if (ps[k]->nsample_types != nst)
            rc = prof_errf(err, PROF_EUSAGE, "inconsistent samples type count: %zu != %zu", nst, ps[k]->nsample_types);
    /* The chosen units (copied: they are borrowed from profiles being rewritten). */
    const char **units = xcalloc(nst + 1, sizeof(char *));
    for (size_t i = 0; rc == 0 && i < nst; i++) {
        for (size_t k = 0; k < n; k++)
            ts[k] = &ps[k]->sample_types[i];
        const struct prof_valuetype *c;
        rc = common_vt(ts, n, &c, "sample types", err);
        if (rc == 0 && c)
            units[i] = xstrdup(c->unit);
    }
    char *punit = rc == 0 && pt ? xstrdup(period.unit) : NULL;
    double *ratios = xmalloc((nst + 1) * sizeof(double));
    for (size_t k = 0; rc == 0 && k < n; k++) {
        struct profile *p = ps[k];
        const char *u;
        if (punit) {
            p->period = go_f2i(units_scale(p->period, p->period_type.unit, punit, &u));
            p->period_type.unit = arena_strdup(&p->arena, punit);
        }
        for (size_t i = 0; i < nst; i++) {
            if (!units[i]) {
                ratios[i] = 1;
                continue;
            }
            ratios[i] = units_scale(1, p->sample_types[i].unit, units[i], &u);
            p->sample_types[i].unit = arena_strdup(&p->arena, units[i]);
        }
        scale_n(p, ratios);
    }
    for (size_t i = 0; i < nst; i++)
        free((char *)units[i]);
    free(units);
    free(punit);
    free(ratios);
    free(ts);
    return rc;
}

/* ---- Merge ---- */

/* Indices by hash; the caller compares candidates itself. */
struct itab {
    uint64_t *h; /* owned: hash per slot */
    uint32_t *v; /* owned: index + 1 per slot, 0 = empty */
    size_t cap;  /* slots, a power of two */
    size_t len;  /* used slots */
};

struct merger {
    struct profile *out;
    struct arena *a;   /* borrowed: out's arena */
    struct arena keys; /* owned: stored keys */
    struct ktab strs, locs, funcs, maps;
    struct itab stab;      /* merged samples by hash */
    struct itab stacks;    /* distinct merged location sequences by hash */
    uint32_t **stack_locs; /* owned (heap): the shared location array of each stack */
    uint32_t *stack_n;     /* owned (heap): its length */
    size_t nstacks, capstacks;
    struct kbuf kb;

    struct prof_sample *samples; /* owned (heap), copied into the arena at the end */
    size_t nsamples, capsamples;
    struct prof_location *locations; /* owned (heap) */
    size_t nlocations, caplocations;
    struct prof_function *functions; /* owned (heap) */
    size_t nfunctions, capfunctions;
    struct prof_mapping *mappings; /* owned (heap) */
    size_t nmappings, capmappings;

    /* The source being merged and its memo arrays (owned, per source). */
    const struct profile *src;
    uint32_t *map_memo; /* merged mapping index per source mapping, PROF_NONE = not yet */
    int64_t *map_off;   /* address offset per source mapping */
    uint32_t *loc_memo;
    uint32_t *fn_memo;
    uint32_t *smemo;    /* merged stack per source stack id */

    uint32_t *locbuf; /* owned: the current sample's merged locations */
    size_t caplocbuf;
    struct prof_line *linebuf; /* owned: the current location's merged lines */
    size_t caplinebuf;
    char (*slots)[24]; /* owned: a location key's line tokens */
    size_t capslots;
    struct prof_label *lbuf; /* owned: the current sample's labels, interned, canonical order */
    size_t caplbuf;
};

/* The one empty string of merged profiles (labels are compared by pointer). */
static const char EMPTY[] = "";

static const char *intern(struct merger *m, const char *s)
{
    if (!s[0])
        return EMPTY;
    size_t n = strlen(s);
    uint64_t h = hash_key((const unsigned char *)s, n);
    struct kent *e = ktab_slot(&m->strs, h, s, n);
    if (e->used)
        return (const char *)e->key;
    char *c = arena_strndup(m->a, s, n);
    ktab_fill(&m->strs, e, h, (const unsigned char *)c, n, 0);
    return c;
}

/* Store the key buffer's bytes for a new table entry. */
static const unsigned char *keep_key(struct merger *m)
{
    unsigned char *k = arena_alloc(&m->keys, m->kb.len ? m->kb.len : 1);
    memcpy(k, m->kb.b, m->kb.len);
    return k;
}

static uint32_t map_mapping(struct merger *m, uint32_t si)
{
    if (si == PROF_NONE)
        return PROF_NONE;
    if (m->map_memo[si] != PROF_NONE)
        return m->map_memo[si];
    const struct prof_mapping *sm = &m->src->mappings[si];
    uint64_t size = sm->limit - sm->start;
    size += 0xfff;
    size -= size % 0x1000;
    m->kb.len = 0;
    kb_u64(&m->kb, size);
    kb_u64(&m->kb, sm->offset);
    kb_str(&m->kb, sm->build_id[0] ? sm->build_id : sm->file);
    uint64_t h = hash_key(m->kb.b, m->kb.len);
    struct kent *e = ktab_slot(&m->maps, h, m->kb.b, m->kb.len);
    if (e->used) {
        m->map_memo[si] = e->val;
        m->map_off[si] = (int64_t)(m->mappings[e->val].start - sm->start);
        return e->val;
    }
    if (m->nmappings == m->capmappings)
        xgrow(&m->mappings, &m->capmappings, m->nmappings + 1, sizeof(*m->mappings));
    uint32_t idx = (uint32_t)m->nmappings++;
    struct prof_mapping *nm = &m->mappings[idx];
    *nm = *sm;
    nm->id = idx + 1;
    nm->file = intern(m, sm->file);
    nm->build_id = intern(m, sm->build_id);
    ktab_fill(&m->maps, e, h, keep_key(m), m->kb.len, idx);
    m->map_memo[si] = idx;
    m->map_off[si] = 0;
    return idx;
}

static uint32_t map_function(struct merger *m, uint32_t si)
{
    if (si == PROF_NONE)
        return PROF_NONE;
    if (m->fn_memo[si] != PROF_NONE)
        return m->fn_memo[si];
    const struct prof_function *sf = &m->src->functions[si];
    m->kb.len = 0;
    kb_u64(&m->kb, (uint64_t)sf->start_line);
    kb_str(&m->kb, sf->name);
    kb_str(&m->kb, sf->system_name);
    kb_str(&m->kb, sf->filename);
    uint64_t h = hash_key(m->kb.b, m->kb.len);
    struct kent *e = ktab_slot(&m->funcs, h, m->kb.b, m->kb.len);
    if (e->used)
        return m->fn_memo[si] = e->val;
    if (m->nfunctions == m->capfunctions)
        xgrow(&m->functions, &m->capfunctions, m->nfunctions + 1, sizeof(*m->functions));
    uint32_t idx = (uint32_t)m->nfunctions++;
    struct prof_function *nf = &m->functions[idx];
    nf->id = idx + 1;
    nf->name = intern(m, sf->name);
    nf->system_name = intern(m, sf->system_name);
    nf->filename = intern(m, sf->filename);
    nf->start_line = sf->start_line;
    ktab_fill(&m->funcs, e, h, keep_key(m), m->kb.len, idx);
    return m->fn_memo[si] = idx;
}

static void fmt_hex_u(char *b, uint64_t v) { snprintf(b, 24, "%" PRIx64, v); }

static void fmt_hex_i(char *b, int64_t v)
{
    if (v < 0)
        snprintf(b, 24, "-%" PRIx64, (uint64_t)0 - (uint64_t)v);
    else
        snprintf(b, 24, "%" PRIx64, (uint64_t)v);
}

static uint32_t map_location(struct merger *m, uint32_t si)
{
    if (m->loc_memo[si] != PROF_NONE)
        return m->loc_memo[si];
    const struct prof_location *sl = &m->src->locations[si];
    uint32_t mi = map_mapping(m, sl->mapping);
    uint64_t addr = sl->address + (mi == PROF_NONE ? 0 : (uint64_t)m->map_off[sl->mapping]);
    if (sl->nlines > m->caplinebuf)
        xgrow(&m->linebuf, &m->caplinebuf, sl->nlines, sizeof(*m->linebuf));
    for (uint32_t i = 0; i < sl->nlines; i++) {
        m->linebuf[i] = sl->lines[i];
        m->linebuf[i].function = map_function(m, sl->lines[i].function);
    }
    /* pprof's location key: the address relative to the mapping, the mapping
     * id, the folded flag and the lines as 3 tokens per line joined by "|",
     * where each line's function id overwrites the previous line's column
     * token (an indexing quirk of pprof kept so the same locations merge). */
    m->kb.len = 0;
    kb_u64(&m->kb, addr - (mi == PROF_NONE ? 0 : m->mappings[mi].start));
    kb_u64(&m->kb, mi == PROF_NONE ? 0 : (uint64_t)mi + 1);
    kb_bytes(&m->kb, sl->folded ? "F" : "-", 1);
    size_t nslots = (size_t)sl->nlines * 3;
    if (nslots > m->capslots)
        xgrow(&m->slots, &m->capslots, nslots, sizeof(*m->slots));
    for (size_t i = 0; i < nslots; i++)
        m->slots[i][0] = 0;
    for (uint32_t i = 0; i < sl->nlines; i++) {
        const struct prof_line *ln = &m->linebuf[i];
        if (ln->function != PROF_NONE)
            fmt_hex_u(m->slots[i * 2], (uint64_t)ln->function + 1);
        fmt_hex_i(m->slots[i * 2 + 1], ln->line);
        fmt_hex_i(m->slots[i * 2 + 2], ln->column);
    }
    for (size_t i = 0; i < nslots; i++) {
        if (i)
            kb_bytes(&m->kb, "|", 1);
        kb_bytes(&m->kb, m->slots[i], strlen(m->slots[i]));
    }
    uint64_t h = hash_key(m->kb.b, m->kb.len);
    struct kent *e = ktab_slot(&m->locs, h, m->kb.b, m->kb.len);
    if (e->used)
        return m->loc_memo[si] = e->val;
    if (m->nlocations == m->caplocations)
        xgrow(&m->locations, &m->caplocations, m->nlocations + 1, sizeof(*m->locations));
    uint32_t idx = (uint32_t)m->nlocations++;
    struct prof_location *nl = &m->locations[idx];
    nl->id = idx + 1;
    nl->mapping = mi;
    nl->address = addr;
    nl->folded = sl->folded;
    nl->nlines = sl->nlines;
    nl->lines = ARENA_NEWN(m->a, struct prof_line, sl->nlines ? sl->nlines : 1);
    if (sl->nlines)
        memcpy(nl->lines, m->linebuf, sl->nlines * sizeof(*nl->lines));
    ktab_fill(&m->locs, e, h, keep_key(m), m->kb.len, idx);
    return m->loc_memo[si] = idx;
}

/* pprof's sample key is the merged location ids plus the labels in a
 * canonical order: string labels by key, then numeric ones by key, the values
 * of one key in their order.  Merged samples keep their labels in that order
 * with interned strings, so a candidate is compared with them by pointers. */
static bool label_before(const struct prof_label *a, const struct prof_label *b)
{
    bool an = a->str == NULL, bn = b->str == NULL;
    if (an != bn)
        return bn;
    return strcmp(a->key, b->key) < 0;
}

/* The labels of s, interned and in canonical order, into m->lbuf (insertion
 * sort: samples carry few labels). */
static void canonical_labels(struct merger *m, const struct prof_sample *s)
{
    if (s->nlabels > m->caplbuf)
        xgrow(&m->lbuf, &m->caplbuf, s->nlabels, sizeof(*m->lbuf));
    for (uint32_t i = 0; i < s->nlabels; i++) {
        const struct prof_label *l = &s->labels[i];
        struct prof_label c = {intern(m, l->key), l->str ? intern(m, l->str) : NULL, l->str ? 0 : l->num,
                               l->str ? EMPTY : intern(m, l->unit)};
        uint32_t j = i;
        while (j > 0 && label_before(&c, &m->lbuf[j - 1])) {
            m->lbuf[j] = m->lbuf[j - 1];
            j--;
        }
        m->lbuf[j] = c;
    }
}

static uint64_t hash_stack(const uint32_t *locs, uint32_t n)
{
    return hash_key((const unsigned char *)locs, n * sizeof(uint32_t)) ^ n;
}

static bool same_labels(const struct prof_label *a, const struct prof_label *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (a[i].key != b[i].key || a[i].str != b[i].str || a[i].num != b[i].num || a[i].unit != b[i].unit)
            return false;
    return true;
}

static void itab_init(struct itab *t, size_t expected)
{
    t->cap = 64;
    while (t->cap < expected * 2)
        t->cap <<= 1;
    t->h = xmalloc(t->cap * sizeof(*t->h));
    t->v = xcalloc(t->cap, sizeof(*t->v));
    t->len = 0;
}

static void itab_release(struct itab *t)
{
    free(t->h);
    free(t->v);
}

/* Insert index idx with hash h at the empty slot k (from a probe). */
static void itab_fill(struct itab *t, size_t k, uint64_t h, uint32_t idx)
{
    t->h[k] = h;
    t->v[k] = idx + 1;
    if (++t->len * 2 <= t->cap)
        return;
    uint64_t *oh = t->h;
    uint32_t *ov = t->v;
    size_t oc = t->cap;
    t->cap *= 2;
    t->h = xmalloc(t->cap * sizeof(*t->h));
    t->v = xcalloc(t->cap, sizeof(*t->v));
    for (size_t i = 0; i < oc; i++) {
        if (!ov[i])
            continue;
        size_t j = (size_t)oh[i] & (t->cap - 1);
        while (t->v[j])
            j = (j + 1) & (t->cap - 1);
        t->h[j] = oh[i];
        t->v[j] = ov[i];
    }
    free(oh);
    free(ov);
}

/* The merged stack of s: its locations mapped (in pprof's first-use order)
 * the first time one of the source's stacks is seen, then remembered. */
static uint32_t map_stack(struct merger *m, const struct prof_sample *s)
{
    bool memo = s->stack < m->src->nstacks;
    if (memo && m->smemo[s->stack] != PROF_NONE)
        return m->smemo[s->stack];
    if (s->nlocs > m->caplocbuf)
        xgrow(&m->locbuf, &m->caplocbuf, s->nlocs, sizeof(*m->locbuf));
    for (uint32_t i = 0; i < s->nlocs; i++)
        m->locbuf[i] = map_location(m, s->locs[i]);
    uint64_t hs = hash_stack(m->locbuf, s->nlocs);
    size_t mask = m->stacks.cap - 1, j = (size_t)hs & mask;
    uint32_t id = PROF_NONE;
    for (; m->stacks.v[j]; j = (j + 1) & mask) {
        uint32_t c = m->stacks.v[j] - 1;
        if (m->stacks.h[j] == hs && m->stack_n[c] == s->nlocs &&
            (s->nlocs == 0 || memcmp(m->stack_locs[c], m->locbuf, s->nlocs * sizeof(uint32_t)) == 0)) {
            id = c;
            break;
        }
    }
    if (id == PROF_NONE) {
        uint32_t *locs = arena_alloc(m->a, (s->nlocs ? s->nlocs : 1) * sizeof(uint32_t));
        if (s->nlocs)
            memcpy(locs, m->locbuf, s->nlocs * sizeof(uint32_t));
        if (m->nstacks == m->capstacks) {
            size_t cap = m->capstacks;
            xgrow(&m->stack_locs, &m->capstacks, m->nstacks + 1, sizeof(*m->stack_locs));
            xgrow(&m->stack_n, &cap, m->nstacks + 1, sizeof(*m->stack_n));
        }
        id = (uint32_t)m->nstacks++;
        m->stack_locs[id] = locs;
        m->stack_n[id] = s->nlocs;
        itab_fill(&m->stacks, j, hs, id);
    }
    if (memo)
        m->smemo[s->stack] = id;
    return id;
}

static void map_sample(struct merger *m, const struct prof_sample *s, size_t nvalues)
{
    uint32_t stack = map_stack(m, s);
    canonical_labels(m, s);
    uint64_t h = hash_u64((uint64_t)stack + 1);
    for (uint32_t i = 0; i < s->nlabels; i++) {
        const struct prof_label *l = &m->lbuf[i];
        h = hash_u64(h ^ (uint64_t)(uintptr_t)l->key);
        h = hash_u64(h ^ (l->str ? (uint64_t)(uintptr_t)l->str : (uint64_t)l->num));
        h = hash_u64(h ^ (uint64_t)(uintptr_t)l->unit);
    }
    size_t mask = m->stab.cap - 1, k = (size_t)h & mask;
    for (; m->stab.v[k]; k = (k + 1) & mask) {
        if (m->stab.h[k] != h)
            continue;
        struct prof_sample *o = &m->samples[m->stab.v[k] - 1];
        if (o->stack == stack && o->nlabels == s->nlabels && same_labels(o->labels, m->lbuf, s->nlabels)) {
            for (size_t i = 0; i < nvalues; i++)
                o->values[i] = wrap_add(o->values[i], s->values[i]);
            return;
        }
    }
    if (m->nsamples == m->capsamples)
        xgrow(&m->samples, &m->capsamples, m->nsamples + 1, sizeof(*m->samples));
    uint32_t idx = (uint32_t)m->nsamples++;
    struct prof_sample *ns = &m->samples[idx];
    itab_fill(&m->stab, k, h, idx);
    /* Samples with equal stacks share one id and one location array. */
    ns->stack = stack;
    ns->locs = m->stack_locs[stack];
    ns->nlocs = m->stack_n[stack];
    ns->values = arena_alloc(m->a, (nvalues ? nvalues : 1) * sizeof(int64_t));
    if (nvalues)
        memcpy(ns->values, s->values, nvalues * sizeof(int64_t));
    ns->nlabels = s->nlabels;
    ns->labels = NULL;
    if (s->nlabels) {
        ns->labels = ARENA_NEWN(m->a, struct prof_label, s->nlabels);
        memcpy(ns->labels, m->lbuf, s->nlabels * sizeof(*ns->labels));
    }
}

/* pprof's combineHeaders: the merged profile's header fields. */
static int combine_headers(struct merger *m, struct profile *const *ps, size_t n, struct prof_err *err)
{
    for (size_t k = 1; k < n; k++)
        if (compatible(ps[0], ps[k], err))
            return -1;
    struct profile *o = m->out;
    int64_t time = 0, dur = 0, period = 0;
    const char *dflt = "", *doc = "";
    size_t ncomments = 0;
    for (size_t k = 0; k < n; k++)
        ncomments += ps[k]->ncomments;
    o->comments = ARENA_NEWN(m->a, const char *, ncomments ? ncomments : 1);
    struct ktab seen;
    ktab_init(&seen, ncomments);
    for (size_t k = 0; k < n; k++) {
        const struct profile *p = ps[k];
        if (time == 0 || p->time_nanos < time)
            time = p->time_nanos;
        dur = wrap_add(dur, p->duration_nanos);
        if (period == 0 || period < p->period)
            period = p->period;
        for (size_t i = 0; i < p->ncomments; i++) {
            const char *c = p->comments[i];
            size_t len = strlen(c);
            uint64_t h = hash_key((const unsigned char *)c, len);
            struct kent *e = ktab_slot(&seen, h, c, len);
            if (e->used)
                continue;
            const char *ic = arena_strndup(m->a, c, len);
            ktab_fill(&seen, e, h, (const unsigned char *)ic, len, 0);
            o->comments[o->ncomments++] = ic;
        }
        if (!dflt[0])
            dflt = p->default_sample_type;
        if (!doc[0])
            doc = p->doc_url;
    }
    ktab_release(&seen);
    o->time_nanos = time;
    o->duration_nanos = dur;
    o->period = period;
    o->default_sample_type = intern(m, dflt);
    o->doc_url = intern(m, doc);
    o->drop_frames = intern(m, ps[0]->drop_frames);
    o->keep_frames = intern(m, ps[0]->keep_frames);
    o->period_type.type = intern(m, ps[0]->period_type.type);
    o->period_type.unit = intern(m, ps[0]->period_type.unit);
    o->nsample_types = ps[0]->nsample_types;
    o->sample_types = ARENA_NEWN(m->a, struct prof_valuetype, o->nsample_types ? o->nsample_types : 1);
    for (size_t i = 0; i < o->nsample_types; i++) {
        o->sample_types[i].type = intern(m, ps[0]->sample_types[i].type);
        o->sample_types[i].unit = intern(m, ps[0]->sample_types[i].unit);
    }
    return 0;
}

static void fill_memo(uint32_t **memo, size_t n)
{
    *memo = xmalloc((n ? n : 1) * sizeof(uint32_t));
    for (size_t i = 0; i < n; i++)
        (*memo)[i] = PROF_NONE;
}

static void merger_release(struct merger *m)
{
    ktab_release(&m->strs);
    itab_release(&m->stab);
    ktab_release(&m->locs);
    ktab_release(&m->funcs);
    ktab_release(&m->maps);
    itab_release(&m->stacks);
    free(m->stack_locs);
    free(m->stack_n);
    arena_release(&m->keys);
    free(m->kb.b);
    free(m->samples);
    free(m->locations);
    free(m->functions);
    free(m->mappings);
    free(m->locbuf);
    free(m->linebuf);
    free(m->slots);
    free(m->lbuf);
}

/* Move a heap array into the arena. */
static void *to_arena(struct arena *a, const void *v, size_t n, size_t elem)
{
    void *d = arena_alloc(a, n ? n * elem : 1);
    if (n)
        memcpy(d, v, n * elem);
    return d;
}

struct profile *profile_merge(struct profile *const *ps, size_t n, struct prof_err *err)
{
    if (n == 0) {
        prof_errf(err, PROF_EUSAGE, "no profiles to merge");
        return NULL;
    }
    struct merger m;
    memset(&m, 0, sizeof(m));
    m.out = xcalloc(1, sizeof(*m.out));
    arena_init(&m.out->arena, 1 << 20);
    m.a = &m.out->arena;
    arena_init(&m.keys, 1 << 20);
    ktab_init(&m.strs, ps[0]->nfunctions * 2 + 64);
    itab_init(&m.stab, ps[0]->nsamples);
    ktab_init(&m.locs, ps[0]->nlocations);
    ktab_init(&m.funcs, ps[0]->nfunctions);
    ktab_init(&m.maps, ps[0]->nmappings);
    itab_init(&m.stacks, ps[0]->nstacks);
    if (combine_headers(&m, ps, n, err)) {
        merger_release(&m);
        profile_free(&m.out);
        return NULL;
    }
    size_t nvalues = m.out->nsample_types;
    bool zero = false;
    for (size_t k = 0; k < n; k++) {
        const struct profile *src = ps[k];
        m.src = src;
        fill_memo(&m.map_memo, src->nmappings);
        fill_memo(&m.loc_memo, src->nlocations);
        fill_memo(&m.fn_memo, src->nfunctions);
        fill_memo(&m.smemo, src->nstacks);
        m.map_off = xcalloc(src->nmappings ? src->nmappings : 1, sizeof(int64_t));
        /* The first mapping of the first profile with mappings is the main binary. */
        if (m.maps.len == 0 && src->nmappings > 0)
            map_mapping(&m, 0);
        for (size_t i = 0; i < src->nsamples; i++)
            if (!sample_is_zero(src, &src->samples[i]))
                map_sample(&m, &src->samples[i], nvalues);
        free(m.map_memo);
        free(m.loc_memo);
        free(m.fn_memo);
        free(m.smemo);
        free(m.map_off);
    }
    struct profile *o = m.out;
    o->samples = to_arena(m.a, m.samples, m.nsamples, sizeof(*m.samples));
    o->nsamples = m.nsamples;
    o->nstacks = m.nstacks;
    o->locations = to_arena(m.a, m.locations, m.nlocations, sizeof(*m.locations));
    o->nlocations = m.nlocations;
    o->functions = to_arena(m.a, m.functions, m.nfunctions, sizeof(*m.functions));
    o->nfunctions = m.nfunctions;
    o->mappings = to_arena(m.a, m.mappings, m.nmappings, sizeof(*m.mappings));
    o->nmappings = m.nmappings;
    for (size_t i = 0; i < o->nsamples && !zero; i++)
        zero = sample_is_zero(o, &o->samples[i]);
    merger_release(&m);
    if (zero) {
        /* Values that cancelled out: merge once more to drop those samples
         * and whatever only they used, renumbering everything. */
        struct profile *again = profile_merge(&o, 1, err);
        profile_free(&o);
        return again;
    }
    return o;
}

/* ---- combining and loading ---- */

/* pprof's combineProfiles: the profiles (owned, freed here) made compatible
 * and merged; a single profile is returned as it is. */
static struct profile *combine(struct profile **ps, size_t n, struct prof_err *err)
{
    struct profile *r = NULL;
    if (compatibilize(ps, n, err) == 0 && scale_profiles(ps, n, err) == 0) {
        if (n == 1) {
            r = ps[0];
            ps[0] = NULL;
        } else {
            r = profile_merge(ps, n, err);
        }
    }
    for (size_t k = 0; k < n; k++)
        profile_free(&ps[k]);
    return r;
}

/* pprof treats its test server's URLs as local: nothing is saved. */
static bool test_source(const char *source, const struct prof_config *cfg)
{
    char *url = fetch_url(source, cfg->seconds);
    bool test = url && strncmp(url, "http://pproftest.local", 22) == 0;
    free(url);
    return test;
}

/* pprof's MappingSources: for remote symbolization, where each mapping of each fetched profile came from. */
struct sources {
    struct symbolz_source *v; /* key and url malloc'ed */
    size_t n, cap;
};

static void sources_release(struct sources *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free((char *)s->v[i].key);
        free((char *)s->v[i].url);
    }
    free(s->v);
    memset(s, 0, sizeof(*s));
}

/* pprof's collectMappingSources: record p's mappings as fetched from url
 * (by build id, else file); a mapping with neither gets the URL as its file,
 * so that symbolz can find it (unsource_mappings takes it off again). */
static void collect_sources(struct profile *p, const char *url, struct sources *s)
{
    for (size_t i = 0; i < p->nmappings; i++) {
        struct prof_mapping *m = &p->mappings[i];
        const char *key = m->build_id[0] ? m->build_id : m->file;
        if (!key[0])
            key = m->file = arena_strdup(&p->arena, url);
        xgrow(&s->v, &s->cap, s->n + 1, sizeof(*s->v));
        s->v[s->n].key = xstrdup(key);
        s->v[s->n].url = xstrdup(url);
        s->v[s->n].start = m->start;
        s->n++;
    }
}

/* pprof's unsourceMappings: a mapping without build id whose file is a URL
 * (with a scheme) loses it, whoever put it there. */
static void unsource_mappings(struct profile *p)
{
    for (size_t i = 0; i < p->nmappings; i++) {
        struct prof_mapping *m = &p->mappings[i];
        if (!m->build_id[0] && m->file[0] && fetch_is_abs_url(m->file))
            m->file = "";
    }
}

/* pprof's chunkedGrab: load the sources CHUNK_SIZE at a time, printing and
 * skipping those that fail, and merge what loaded into *out (NULL when
 * nothing loaded).  *count = profiles loaded.  -1 + err when merging fails
 * ("problem fetching <what> profiles: ...") or when the only source fails
 * (then the error is that source's: "<source>: <reason>"). */
static int grab(const char *const *srcs, size_t n, const char *what, const char *binary, const char *buildid,
                const struct prof_config *cfg, bool *remote, struct sources *msrc, struct profile **out,
                size_t *count, struct prof_err *err)
{
    struct profile *acc = NULL;
    struct profile **chunk = xmalloc(CHUNK_SIZE * sizeof(*chunk));
    *out = NULL;
    *count = 0;
    for (size_t start = 0; start < n; start += CHUNK_SIZE) {
        size_t end = start + CHUNK_SIZE < n ? start + CHUNK_SIZE : n, k = 0;
        for (size_t i = start; i < end; i++) {
            struct prof_err e = {0};
            bool fetched = false; /* a URL source, fetched: the result is saved (fetch_save) */
            struct profile *p = profile_load_source(srcs[i], cfg, &fetched, &e);
            *remote = *remote || (fetched && !test_source(srcs[i], cfg));
            if (!p) {
                if (n == 1) {
                    *err = e;
                    prof_err_prefix(err, "%s", srcs[i]);
                    free(chunk);
                    return -1;
                }
                fprintf(stderr, "%s: %s\n", srcs[i], e.msg);
                continue;
            }
            locate_binaries(p, binary, buildid);
            if (fetched) {
                char *url = fetch_url(srcs[i], cfg->seconds);
                if (url)
                    collect_sources(p, url, msrc);
                free(url);
            }
            chunk[k++] = p;
        }
        if (k == 0)
            continue;
        struct profile *cp = combine(chunk, k, err);
        if (cp && acc) {
            struct profile *two[2] = {acc, cp};
            acc = combine(two, 2, err);
        } else {
            acc = cp;
        }
        if (!acc) {
            free(chunk);
            *count = 0;
            /* pprof's base message really ends with a comma. */
            size_t len = strlen(err->msg);
            if (strcmp(what, "base") == 0 && len + 1 < sizeof(err->msg)) {
                err->msg[len] = ',';
                err->msg[len + 1] = 0;
            }
            prof_err_prefix(err, "problem fetching %s profiles", what);
            return -1;
        }
        *count += k;
    }
    free(chunk);
    *out = acc;
    return 0;
}

/* Go's Normalize: the source scaled, per sample type, by base sum / source sum. */
static int normalize(struct profile *p, const struct profile *base, struct prof_err *err)
{
    if (compatible(p, base, err))
        return -1;
    size_t nt = p->nsample_types;
    int64_t *bv = xcalloc(nt + 1, sizeof(int64_t)), *sv = xcalloc(nt + 1, sizeof(int64_t));
    for (size_t i = 0; i < base->nsamples; i++)
        for (size_t t = 0; t < nt; t++)
            bv[t] = wrap_add(bv[t], base->samples[i].values[t]);
    for (size_t i = 0; i < p->nsamples; i++)
        for (size_t t = 0; t < nt; t++)
            sv[t] = wrap_add(sv[t], p->samples[i].values[t]);
    double *r = xmalloc((nt + 1) * sizeof(double));
    for (size_t t = 0; t < nt; t++)
        r[t] = sv[t] == 0 ? 0.0 : (double)bv[t] / (double)sv[t];
    scale_n(p, r);
    free(r);
    free(bv);
    free(sv);
    return 0;
}

struct profile *profile_load_sources(const char *const *sources, size_t n, const char *binary,
                                     const struct prof_config *cfg, struct prof_err *err)
{
    bool diff = cfg->diff_base[0] != 0;
    const char *base = diff ? cfg->diff_base : cfg->base;
    size_t nsrc = 0, nbase = 0;
    struct profile *p = NULL, *pb = NULL;
    bool remote = false;
    struct sources msrc = {0};
    if (grab(sources, n, "source", binary, cfg->buildid, cfg, &remote, &msrc, &p, &nsrc, err)) {
        sources_release(&msrc);
        return NULL;
    }
    if (base[0] && grab(&base, 1, "base", binary, cfg->buildid, cfg, &remote, &msrc, &pb, &nbase, err)) {
        profile_free(&p);
        sources_release(&msrc);
        return NULL;
    }
    if (!p || (base[0] && !pb)) {
        prof_errf(err, PROF_EDATA, "failed to fetch any %s profiles", p ? "base" : "source");
        profile_free(&p);
        profile_free(&pb);
        sources_release(&msrc);
        return NULL;
    }
    if (nsrc != n)
        fprintf(stderr, "Fetched %zu source profiles out of %zu\n", nsrc, n);

    if (pb) {
        if (diff)
            set_label(pb, "pprof::base", "true");
        if (cfg->normalize && normalize(p, pb, err)) {
            profile_free(&p);
            profile_free(&pb);
            sources_release(&msrc);
            return NULL;
        }
        scale_all(pb, -1);
        struct profile *two[2] = {p, pb};
        p = combine(two, 2, err);
        if (!p) {
            sources_release(&msrc);
            return NULL;
        }
    }
    /* Symbolized before it is saved, as pprof does. */
    struct symbolize_args sym = {.mode = cfg->symbolize,
                                 .binary = binary,
                                 .verbose = cfg->verbose,
                                 .sources = msrc.v,
                                 .nsources = msrc.n,
                                 .cfg = cfg};
    int rc = symbolize_profile(p, &sym, err);
    sources_release(&msrc);
    if (rc) {
        profile_free(&p);
        return NULL;
    }
    unsource_mappings(p);
    if (cfg->add_comment[0])
        add_comment(p, cfg->add_comment);
    if (remote)
        fetch_save(p);
    return p;
}
