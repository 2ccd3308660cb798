/*
 * filter.c: pprof's sample and frame selection (see filter.h) on a report's
 * view.  The profile is never written: rewritten line arrays, sample location
 * arrays and label arrays are views (sub-slices of the view's own arrays, or
 * arena copies), and dropped samples are compacted out of the view's sample
 * array.
 *
 * Regexps run once per distinct function (name, file name; cached per
 * function index) and per mapping, which gives a verdict per location; the
 * sample walks then only read per-location bytes.  Pseudo functions made by
 * -tagroot/-tagleaf are not in the profile's function array and are matched
 * directly (there are few of them).
 */
#include "prof/filter.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof/regex.h"
#include "prof/strbuf.h"
#include "prof/units.h"
#include "prof/util.h"

/* ---- per-function / per-mapping regexp verdicts ---- */

enum { V_UNKNOWN = 0, V_NO = 1, V_YES = 2 };

/* How a matcher tests a function. */
enum match_kind {
    MK_NAME_FILE,  /* the function's name or file name (focus, ignore, hide, show, show_from) */
    MK_SIMPLIFIED, /* the simplified name, non-empty names only (prune_from) */
    MK_DROP,       /* drop_frames and not keep_frames, simplified non-empty names (Prune) */
};

struct matcher {
    const struct profile *p;
    struct prof_regex *re;
    struct prof_regex *keep; /* MK_DROP only, may be NULL */
    enum match_kind kind;
    uint8_t *fn_v;  /* arena: per profile function, V_* */
    uint8_t *map_v; /* arena: per mapping, V_* */
};

static void matcher_init(struct matcher *m, struct report *r, struct prof_regex *re, enum match_kind kind)
{
    const struct profile *p = r->prof;
    m->p = p;
    m->re = re;
    m->keep = NULL;
    m->kind = kind;
    m->fn_v = arena_zalloc(r->a, p->nfunctions + 1);
    m->map_v = arena_zalloc(r->a, p->nmappings + 1);
}

static bool re_match_str(const struct prof_regex *re, const char *s) { return regex_match(re, s, strlen(s)); }

size_t filter_simplify_func(const char *name, const char **start)
{
    static const char anon[] = "(anonymous namespace)", op[] = "operator()";
    const char *s = name[0] == '.' ? name + 1 : name;
    *start = s;
    size_t i = 0;
    while (s[i]) {
        if (s[i] == '(' && strncmp(s + i, anon, sizeof(anon) - 1) == 0) {
            i += sizeof(anon) - 1;
        } else if (s[i] == 'o' && strncmp(s + i, op, sizeof(op) - 1) == 0) {
            i += sizeof(op) - 1;
        } else if (s[i] == '(') {
            return i;
        } else {
            i++;
        }
    }
    return i;
}

static bool fn_test(const struct matcher *m, const struct prof_function *fn)
{
    switch (m->kind) {
    case MK_NAME_FILE:
        return re_match_str(m->re, fn->name) || re_match_str(m->re, fn->filename);
    case MK_SIMPLIFIED: {
        if (!fn->name[0])
            return false;
        const char *s;
        size_t n = filter_simplify_func(fn->name, &s);
        return regex_match(m->re, s, n);
    }
    case MK_DROP: {
        if (!fn->name[0])
            return false;
        const char *s;
        size_t n = filter_simplify_func(fn->name, &s);
        return regex_match(m->re, s, n) && !(m->keep && regex_match(m->keep, s, n));
    }
    }
    return false;
}

/* Whether fn (a profile function, or a pseudo one) matches; NULL never does. */
static bool fn_matches(struct matcher *m, const struct prof_function *fn)
{
    if (!fn)
        return false;
    uintptr_t a = (uintptr_t)fn, b = (uintptr_t)m->p->functions;
    if (a >= b && a < b + m->p->nfunctions * sizeof(*fn)) {
        size_t i = (a - b) / sizeof(*fn);
        if (m->fn_v[i] == V_UNKNOWN)
            m->fn_v[i] = fn_test(m, fn) ? V_YES : V_NO;
        return m->fn_v[i] == V_YES;
    }
    return fn_test(m, fn);
}

/* Whether the location's mapping file matches (pprof's matchesMapping). */
static bool map_matches(struct matcher *m, const struct view_loc *vl)
{
    if (!vl->loc || vl->loc->mapping == PROF_NONE)
        return false;
    uint32_t i = vl->loc->mapping;
    if (m->map_v[i] == V_UNKNOWN)
        m->map_v[i] = re_match_str(m->re, m->p->mappings[i].file) ? V_YES : V_NO;
    return m->map_v[i] == V_YES;
}

/* pprof's Location.matchesName: some line's function name or file, or the mapping file. */
static bool loc_matches(struct matcher *m, const struct view_loc *vl)
{
    for (uint32_t k = 0; k < vl->nlines; k++)
        if (fn_matches(m, vl->lines[k].fn))
            return true;
    return map_matches(m, vl);
}

/* ---- small helpers ---- */

static void warn_no_matches(const char *option)
{
    prof_warnf("%s expression matched no samples", option);
}

/* Compile an option's regexp (NULL for an empty value).  On error fill err as
 * pprof does ("parsing <name> regexp: ..."). */
static int compile_opt(struct prof_regex **out, const char *name, const char *value, struct prof_err *err)
{
    *out = NULL;
    if (!value || !value[0])
        return 0;
    if (regex_compile(out, value, 0, err)) {
        prof_err_prefix(err, "parsing %s regexp", name);
        return -1;
    }
    return 0;
}

/* ---- numeric label units (pprof's NumLabelUnits) ---- */

struct num_unit {
    const char *key;
    const char *unit;      /* the first non-empty unit seen, then the inferred one */
    const char **others;   /* arena: other units seen, sorted, unique */
    size_t nothers;
};

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static struct num_unit *num_unit_find(struct num_unit *v, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].key == key || strcmp(v[i].key, key) == 0)
            return &v[i];
    return NULL;
}

/* The unit of every numeric label key, in the order keys first appear. */
static struct num_unit *num_label_units(struct report *r, size_t *nout)
{
    struct num_unit *v = NULL;
    size_t n = 0, cap = 0;
    const struct profile *p = r->prof;
    for (size_t i = 0; i < p->nsamples; i++) {
        const struct prof_sample *s = &p->samples[i];
        for (uint32_t k = 0; k < s->nlabels; k++) {
            const struct prof_label *l = &s->labels[k];
            if (l->str)
                continue;
            struct num_unit *u = num_unit_find(v, n, l->key);
            if (!u) {
                if (n == cap) {
                    size_t nc = cap ? cap * 2 : 8;
                    struct num_unit *nv = arena_alloc(r->a, nc * sizeof(*nv));
                    if (n)
                        memcpy(nv, v, n * sizeof(*nv));
                    v = nv;
                    cap = nc;
                }
                u = &v[n++];
                u->key = l->key;
                u->unit = "";
                u->others = NULL;
                u->nothers = 0;
            }
            if (!l->unit[0])
                continue;
            if (!u->unit[0]) {
                u->unit = l->unit;
            } else if (strcmp(u->unit, l->unit) != 0) {
                bool seen = false;
                for (size_t j = 0; j < u->nothers && !seen; j++)
                    seen = strcmp(u->others[j], l->unit) == 0;
                if (!seen) {
                    const char **no = arena_alloc(r->a, (u->nothers + 1) * sizeof(char *));
                    if (u->nothers)
                        memcpy(no, u->others, u->nothers * sizeof(char *));
                    no[u->nothers++] = l->unit;
                    u->others = no;
                }
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!v[i].unit[0])
            v[i].unit = !strcmp(v[i].key, "alignment") || !strcmp(v[i].key, "request") ? "bytes" : v[i].key;
        if (v[i].nothers > 1)
            qsort(v[i].others, v[i].nothers, sizeof(char *), cmp_str);
    }
    *nout = n;
    return v;
}

/* ---- drop_frames / keep_frames (pprof's RemoveUninteresting + Prune) ---- */

enum { PR_NONE = 0, PR_PRUNE = 1, PR_BENEATH = 2 };

static void prune_frames(struct report *r)
{
    const struct profile *p = r->prof;
    struct graph_input *in = &r->in;
    if (r->cfg->all_frames || !p->drop_frames[0])
        return;
    struct prof_err ignored;
    struct prof_regex *drop = NULL, *keep = NULL;
    /* A pattern that does not compile disables pruning (pprof discards the error). */
    if (regex_compile(&drop, p->drop_frames, REGEX_ANCHORED, &ignored))
        return;
    if (p->keep_frames[0] && regex_compile(&keep, p->keep_frames, REGEX_ANCHORED, &ignored)) {
        regex_free(&drop);
        return;
    }
    struct matcher m;
    matcher_init(&m, r, drop, MK_DROP);
    m.keep = keep;

    uint8_t *st = arena_zalloc(r->a, in->nlocs + 1);
    bool any = false;
    for (size_t i = 0; i < in->nlocs; i++) {
        struct view_loc *vl = &in->locs[i];
        uint32_t k = vl->nlines;
        while (k-- > 0)
            if (fn_matches(&m, vl->lines[k].fn))
                break;
        if (k == UINT32_MAX)
            continue;
        any = true;
        if (k == vl->nlines - 1) {
            st[i] = PR_PRUNE;
        } else {
            st[i] = PR_BENEATH;
            vl->lines += k + 1;
            vl->nlines -= k + 1;
        }
    }
    if (any) {
        for (size_t si = 0; si < in->nsamples; si++) {
            struct view_sample *s = &in->samples[si];
            bool user = false;
            for (uint32_t i = s->nlocs; i-- > 0;) {
                uint8_t v = st[s->locs[i]];
                if (v == PR_NONE) {
                    user = true;
                    continue;
                }
                if (!user)
                    continue;
                uint32_t cut = v == PR_PRUNE ? i + 1 : i;
                s->locs += cut;
                s->nlocs -= cut;
                break;
            }
        }
    }
    regex_free(&drop);
    regex_free(&keep);
}

/* ---- -tagroot / -tagleaf (pprof's addLabelNodes) ---- */

struct pseudo {
    const char *name, *key;
    uint32_t loc; /* view location index */
    struct prof_function *fn;
};

struct pseudo_table {
    struct pseudo *v;   /* heap */
    size_t n, cap;
    uint32_t *slots;    /* heap: index + 1, open addressing */
    uint64_t *hashes;
    size_t nslots;
    uint64_t next_fn_id;
    uint32_t next_loc;
};

static uint64_t pseudo_hash(const char *name, size_t nlen, const char *key)
{
    uint64_t h = hash_bytes(HASH_SEED, name, nlen);
    h = hash_bytes(h ^ 0xff, key, strlen(key));
    return hash_u64(h);
}

static void pseudo_rehash(struct pseudo_table *t)
{
    size_t ns = t->nslots ? t->nslots * 2 : 64;
    uint32_t *slots = xcalloc(ns, sizeof(uint32_t));
    uint64_t *hashes = xcalloc(ns, sizeof(uint64_t));
    for (size_t i = 0; i < t->nslots; i++) {
        if (!t->slots[i])
            continue;
        size_t j = t->hashes[i] & (ns - 1);
        while (slots[j])
            j = (j + 1) & (ns - 1);
        slots[j] = t->slots[i];
        hashes[j] = t->hashes[i];
    }
    free(t->slots);
    free(t->hashes);
    t->slots = slots;
    t->hashes = hashes;
    t->nslots = ns;
}

/* The pseudo location for (name, key), made on first use. */
static uint32_t pseudo_intern(struct report *r, struct pseudo_table *t, const char *name, size_t nlen, const char *key)
{
    if ((t->n + 1) * 2 > t->nslots)
        pseudo_rehash(t);
    uint64_t h = pseudo_hash(name, nlen, key);
    size_t j = h & (t->nslots - 1);
    while (t->slots[j]) {
        const struct pseudo *e = &t->v[t->slots[j] - 1];
        if (t->hashes[j] == h && strlen(e->name) == nlen && memcmp(e->name, name, nlen) == 0 &&
            strcmp(e->key, key) == 0)
            return e->loc;
        j = (j + 1) & (t->nslots - 1);
    }
    xgrow(&t->v, &t->cap, t->n + 1, sizeof(*t->v));
    struct pseudo *e = &t->v[t->n++];
    e->name = arena_strndup(r->a, name, nlen);
    e->key = key;
    e->loc = t->next_loc++;
    e->fn = ARENA_NEW(r->a, struct prof_function);
    e->fn->id = t->next_fn_id++;
    e->fn->name = e->name;
    e->fn->system_name = "";
    e->fn->filename = key;
    e->fn->start_line = 0;
    t->slots[j] = (uint32_t)t->n;
    t->hashes[j] = h;
    return e->loc;
}

/* pprof's formatLabelValues: the sample's string values for key, then its
 * numeric ones (scaled to the unit option), joined by ','.  Whether any. */
static bool label_values(struct strbuf *sb, const struct prof_sample *s, const char *key, const char *unit_opt)
{
    strbuf_reset(sb);
    size_t nval = 0;
    uint32_t nnum = 0;
    bool units = false;
    for (uint32_t k = 0; k < s->nlabels; k++) {
        const struct prof_label *l = &s->labels[k];
        if (strcmp(l->key, key) != 0)
            continue;
        if (l->str) {
            if (nval++)
                strbuf_addc(sb, ',');
            strbuf_adds(sb, l->str);
        } else {
            nnum++;
            units |= l->unit[0] != 0;
        }
    }
    if (nnum == 0)
        return nval > 0;
    for (uint32_t k = 0; k < s->nlabels; k++) {
        const struct prof_label *l = &s->labels[k];
        if (l->str || strcmp(l->key, key) != 0)
            continue;
        char buf[128];
        /* Go's decoder pads a key's unit list with "" once any of its values has a unit. */
        if (units)
            units_scaled_label(buf, sizeof(buf), l->num, l->unit, unit_opt);
        else
            units_scaled_label(buf, sizeof(buf), l->num, "", "");
        if (nval++)
            strbuf_addc(sb, ',');
        strbuf_adds(sb, buf);
    }
    return true;
}

/* Split a comma-separated key list, dropping empty keys. */
static const char **split_keys(struct report *r, const char *s, size_t *n)
{
    *n = 0;
    if (!s || !s[0])
        return NULL;
    size_t cap = 1;
    for (const char *c = s; *c; c++)
        cap += *c == ',';
    const char **v = arena_alloc(r->a, cap * sizeof(char *));
    for (const char *c = s;;) {
        const char *e = strchr(c, ',');
        size_t len = e ? (size_t)(e - c) : strlen(c);
        if (len)
            v[(*n)++] = arena_strndup(r->a, c, len);
        if (!e)
            break;
        c = e + 1;
    }
    return v;
}

static void tag_root_leaf(struct report *r)
{
    const struct prof_config *cfg = r->cfg;
    size_t nroot, nleaf;
    const char **root = split_keys(r, cfg->tagroot, &nroot);
    const char **leaf = split_keys(r, cfg->tagleaf, &nleaf);
    if (nroot + nleaf == 0) {
        /* a value made only of commas still warns in pprof */
        if (cfg->tagroot && cfg->tagroot[0])
            warn_no_matches("TagRoot");
        if (cfg->tagleaf && cfg->tagleaf[0])
            warn_no_matches("TagLeaf");
        return;
    }
    const struct profile *p = r->prof;
    struct graph_input *in = &r->in;
    struct pseudo_table t;
    memset(&t, 0, sizeof(t));
    uint64_t maxfn = 0;
    for (size_t i = 0; i < p->nfunctions; i++)
        if (p->functions[i].id > maxfn)
            maxfn = p->functions[i].id;
    t.next_fn_id = maxfn + 1;
    t.next_loc = (uint32_t)in->nlocs;

    bool rootm = false, leafm = false;
    struct strbuf sb = STRBUF_INIT;
    const char *unit_opt = cfg->unit ? cfg->unit : "minimum";
    for (size_t si = 0; si < in->nsamples; si++) {
        struct view_sample *s = &in->samples[si];
        uint32_t n = s->nlocs + (uint32_t)(nroot + nleaf);
        uint32_t *locs = arena_alloc(r->a, n * sizeof(uint32_t));
        uint32_t o = 0;
        for (size_t i = 0; i < nleaf; i++) {
            const char *k = leaf[nleaf - 1 - i];
            if (label_values(&sb, s->src, k, unit_opt))
                leafm = true;
            locs[o++] = pseudo_intern(r, &t, sb.buf, sb.len, k);
        }
        if (s->nlocs)
            memcpy(locs + o, s->locs, s->nlocs * sizeof(uint32_t));
        o += s->nlocs;
        for (size_t i = 0; i < nroot; i++) {
            const char *k = root[nroot - 1 - i];
            if (label_values(&sb, s->src, k, unit_opt))
                rootm = true;
            locs[o++] = pseudo_intern(r, &t, sb.buf, sb.len, k);
        }
        s->locs = locs;
        s->nlocs = o;
        s->stack = PROF_NONE; /* the pseudo frames depend on labels, not on the stack */
    }
    strbuf_release(&sb);

    if (t.n) {
        struct view_loc *nl = arena_alloc(r->a, (in->nlocs + t.n + 1) * sizeof(*nl));
        if (in->nlocs)
            memcpy(nl, in->locs, in->nlocs * sizeof(*nl));
        struct view_line *lines = arena_alloc(r->a, t.n * sizeof(*lines));
        for (size_t i = 0; i < t.n; i++) {
            struct view_loc *vl = &nl[t.v[i].loc];
            lines[i].fn = t.v[i].fn;
            lines[i].line = 0;
            lines[i].column = 0;
            vl->loc = NULL;
            vl->lines = &lines[i];
            vl->nlines = 1;
            vl->absent = false;
        }
        in->locs = nl;
        in->nlocs += t.n;
    }
    free(t.v);
    free(t.slots);
    free(t.hashes);

    if (cfg->tagroot && cfg->tagroot[0] && !rootm)
        warn_no_matches("TagRoot");
    if (cfg->tagleaf && cfg->tagleaf[0] && !leafm)
        warn_no_matches("TagLeaf");
}

int filter_prepare(struct report *r, struct prof_err *err)
{
    (void)err;
    struct graph_input *in = &r->in;
    for (size_t i = 0; i < in->nsamples; i++) {
        in->samples[i].labels = in->samples[i].src->labels;
        in->samples[i].nlabels = in->samples[i].src->nlabels;
    }
    prune_frames(r);

    /* pprof's identifyNumLabelUnits warning, once per report. */
    size_t nu;
    struct num_unit *u = num_label_units(r, &nu);
    for (size_t i = 0; i < nu; i++) {
        if (!u[i].nothers)
            continue;
        struct strbuf sb = STRBUF_INIT;
        for (size_t j = 0; j < u[i].nothers; j++)
            strbuf_addf(&sb, "%s%s", j ? ", " : "", u[i].others[j]);
        prof_warnf("For tag %s used unit %s, also encountered unit(s) %s", u[i].key, u[i].unit, sb.buf);
        strbuf_release(&sb);
    }

    tag_root_leaf(r);
    return 0;
}

/* ---- focus / ignore / hide / show (pprof's FilterSamplesByName) ---- */

enum { FI_NONE = 0, FI_FOCUS = 1, FI_IGNORE = 2 };

static void filter_by_name(struct report *r, struct prof_regex *focus, struct prof_regex *ignore,
                           struct prof_regex *hide, struct prof_regex *show)
{
    struct graph_input *in = &r->in;
    struct matcher mf, mi, mh, ms;
    if (focus)
        matcher_init(&mf, r, focus, MK_NAME_FILE);
    if (ignore)
        matcher_init(&mi, r, ignore, MK_NAME_FILE);
    if (hide)
        matcher_init(&mh, r, hide, MK_NAME_FILE);
    if (show)
        matcher_init(&ms, r, show, MK_NAME_FILE);

    uint8_t *fi = arena_alloc(r->a, in->nlocs + 1);
    bool *hidden = arena_zalloc(r->a, in->nlocs + 1);
    bool fm = false, im = false, hm = false, hnm = false, any_hidden = false;
    for (size_t i = 0; i < in->nlocs; i++) {
        struct view_loc *vl = &in->locs[i];
        fi[i] = FI_NONE;
        if (vl->absent)
            continue;
        if (ignore && loc_matches(&mi, vl)) {
            im = true;
            fi[i] = FI_IGNORE;
        } else if (!focus || loc_matches(&mf, vl)) {
            fm = true;
            fi[i] = FI_FOCUS;
        }
        if (hide && loc_matches(&mh, vl)) {
            hm = true;
            uint32_t kept = 0;
            struct view_line *nl = NULL;
            if (!map_matches(&mh, vl)) {
                nl = arena_alloc(r->a, vl->nlines * sizeof(*nl));
                for (uint32_t k = 0; k < vl->nlines; k++)
                    if (!fn_matches(&mh, vl->lines[k].fn))
                        nl[kept++] = vl->lines[k];
            }
            vl->lines = nl;
            vl->nlines = kept;
            if (!kept)
                hidden[i] = true;
        }
        if (show) {
            if (!map_matches(&ms, vl)) {
                uint32_t kept = 0;
                for (uint32_t k = 0; k < vl->nlines; k++)
                    kept += !vl->lines[k].fn || fn_matches(&ms, vl->lines[k].fn);
                if (kept != vl->nlines) {
                    struct view_line *nl = kept ? arena_alloc(r->a, kept * sizeof(*nl)) : NULL;
                    kept = 0;
                    for (uint32_t k = 0; k < vl->nlines; k++)
                        if (!vl->lines[k].fn || fn_matches(&ms, vl->lines[k].fn))
                            nl[kept++] = vl->lines[k];
                    vl->lines = nl;
                    vl->nlines = kept;
                }
            }
            if (vl->nlines == 0)
                hidden[i] = true;
            else
                hnm = true;
        }
        if (hidden[i]) {
            vl->absent = true;
            any_hidden = true;
        }
    }

    size_t n = 0;
    for (size_t si = 0; si < in->nsamples; si++) {
        struct view_sample *s = &in->samples[si];
        bool f = false, ign = false;
        for (uint32_t k = 0; k < s->nlocs; k++) {
            uint8_t v = fi[s->locs[k]];
            if (v == FI_IGNORE) {
                ign = true;
                break;
            }
            if (v == FI_FOCUS) {
                f = true;
                if (!ignore)
                    break; /* nothing can be ignored: one focused frame decides */
            }
        }
        if (!f || ign)
            continue;
        if (any_hidden) {
            uint32_t nvis = 0;
            for (uint32_t k = 0; k < s->nlocs; k++)
                nvis += !hidden[s->locs[k]];
            if (nvis == 0)
                continue;
            if (nvis != s->nlocs) {
                uint32_t *nl = arena_alloc(r->a, nvis * sizeof(uint32_t));
                uint32_t o = 0;
                for (uint32_t k = 0; k < s->nlocs; k++)
                    if (!hidden[s->locs[k]])
                        nl[o++] = s->locs[k];
                s->locs = nl;
                s->nlocs = nvis;
            }
        }
        in->samples[n++] = *s;
    }
    in->nsamples = n;

    if (focus && !fm)
        warn_no_matches("Focus");
    if (ignore && !im)
        warn_no_matches("Ignore");
    if (hide && !hm)
        warn_no_matches("Hide");
    if (show && !hnm)
        warn_no_matches("Show");
}

/* ---- show_from (pprof's ShowFrom) ---- */

static void show_from(struct report *r, struct prof_regex *re)
{
    struct graph_input *in = &r->in;
    struct matcher m;
    matcher_init(&m, r, re, MK_NAME_FILE);
    bool *hit = arena_zalloc(r->a, in->nlocs + 1);
    bool matched = false;
    for (size_t i = 0; i < in->nlocs; i++) {
        struct view_loc *vl = &in->locs[i];
        if (vl->absent)
            continue;
        if (map_matches(&m, vl)) {
            hit[i] = matched = true;
            continue;
        }
        for (uint32_t k = vl->nlines; k-- > 0;) {
            if (fn_matches(&m, vl->lines[k].fn)) {
                hit[i] = matched = true;
                vl->nlines = k + 1;
                break;
            }
        }
    }
    size_t n = 0;
    for (size_t si = 0; si < in->nsamples; si++) {
        struct view_sample *s = &in->samples[si];
        for (uint32_t k = s->nlocs; k-- > 0;) {
            if (hit[s->locs[k]]) {
                s->nlocs = k + 1;
                in->samples[n++] = *s;
                break;
            }
        }
    }
    in->nsamples = n;
    if (!matched)
        warn_no_matches("ShowFrom");
}

/* ---- tagfocus / tagignore (pprof's compileTagFilter, FilterSamplesByTag) ---- */

enum range_kind { RANGE_EQ, RANGE_GE, RANGE_LE, RANGE_BETWEEN };

struct tag_filter {
    const char *key;            /* "" = any key */
    bool is_range;
    /* range */
    enum range_kind rk;
    double lo, hi;
    const char *unit;           /* static or borrowed */
    struct num_unit *units;     /* numeric label units */
    size_t nunits;
    /* regexps */
    struct prof_regex **res;
    size_t nres;
};

/* One match of ([+-]?[0-9]+)([A-Za-z]+)? at or after s[from]: [start, end), digits end at *dend. */
static bool range_token(const char *s, size_t from, size_t *start, size_t *dend, size_t *end)
{
    for (size_t i = from; s[i]; i++) {
        size_t j = i;
        if ((s[j] == '+' || s[j] == '-') && s[j + 1] >= '0' && s[j + 1] <= '9')
            j++;
        if (!(s[j] >= '0' && s[j] <= '9'))
            continue;
        while (s[j] >= '0' && s[j] <= '9')
            j++;
        *start = i;
        *dend = j;
        while ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z'))
            j++;
        *end = j;
        return true;
    }
    return false;
}

/* Go's strconv.ParseInt(s[0..n), 10, 64); false on overflow. */
static bool parse_int(const char *s, size_t n, int64_t *out)
{
    char buf[64];
    if (n >= sizeof(buf))
        return false;
    memcpy(buf, s, n);
    buf[n] = 0;
    errno = 0;
    long long v = strtoll(buf, NULL, 10);
    if (errno == ERANGE)
        return false;
    *out = (int64_t)v;
    return true;
}

/* pprof's parseTagFilterRange: whether spec is a numeric range, filling f. */
static bool parse_range(struct report *r, const char *spec, struct tag_filter *f)
{
    size_t s0, d0, e0, s1, d1, e1;
    if (!range_token(spec, 0, &s0, &d0, &e0))
        return false;
    bool two = range_token(spec, e0, &s1, &d1, &e1);
    int64_t v;
    if (!parse_int(spec + s0, d0 - s0, &v))
        return false; /* pprof panics here */
    char *u1 = arena_strndup(r->a, spec + d0, e0 - d0);
    const char *unit;
    double sv = units_scale(v, u1, u1, &unit);
    size_t len = strlen(spec), mlen = e0 - s0;
    if (!two) {
        if (s0 == 0 && len == mlen)
            f->rk = RANGE_EQ;
        else if (s0 == 0 && len == mlen + 1 && spec[mlen] == ':')
            f->rk = RANGE_GE;
        else if (s0 == 1 && len == mlen + 1 && spec[0] == ':')
            f->rk = RANGE_LE;
        else
            return false;
        f->lo = f->hi = sv;
        f->unit = unit;
        return true;
    }
    /* spec must be exactly first ":" second */
    if (s0 != 0 || spec[e0] != ':' || s1 != e0 + 1 || spec[e1] != 0)
        return false;
    int64_t v2;
    if (!parse_int(spec + s1, d1 - s1, &v2))
        return false;
    char *u2 = arena_strndup(r->a, spec + d1, e1 - d1);
    const char *unit2;
    double sv2 = units_scale(v2, u2, unit, &unit2);
    if (strcmp(unit, unit2) != 0)
        return false;
    f->rk = RANGE_BETWEEN;
    f->lo = sv;
    f->hi = sv2;
    f->unit = unit;
    return true;
}

static int compile_tag_filter(struct report *r, const char *name, const char *value, struct tag_filter **out,
                              struct prof_err *err)
{
    *out = NULL;
    if (!value || !value[0])
        return 0;
    struct tag_filter *f = ARENA_NEW(r->a, struct tag_filter);
    const char *eq = strchr(value, '=');
    const char *spec = value;
    f->key = "";
    if (eq) {
        f->key = arena_strndup(r->a, value, (size_t)(eq - value));
        spec = eq + 1;
    }
    if (parse_range(r, spec, f)) {
        prof_warnf("%s:Interpreted '%s' as range, not regexp", name, spec);
        f->is_range = true;
        f->units = num_label_units(r, &f->nunits);
        *out = f;
        return 0;
    }
    size_t cap = 1;
    for (const char *c = spec; *c; c++)
        cap += *c == ',';
    f->res = arena_zalloc(r->a, cap * sizeof(*f->res));
    for (const char *c = spec;;) {
        const char *e = strchr(c, ',');
        char *pat = arena_strndup(r->a, c, e ? (size_t)(e - c) : strlen(c));
        if (regex_compile(&f->res[f->nres], pat, 0, err)) {
            prof_err_prefix(err, "parsing %s regexp", name);
            for (size_t i = 0; i < f->nres; i++)
                regex_free(&f->res[i]);
            return -1;
        }
        f->nres++;
        if (!e)
            break;
        c = e + 1;
    }
    *out = f;
    return 0;
}

static void tag_filter_free(struct tag_filter *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nres; i++)
        regex_free(&f->res[i]);
}

static bool range_hit(const struct tag_filter *f, int64_t v, const char *label_unit)
{
    const char *su;
    double sv = units_scale(v, label_unit, f->unit, &su);
    if (strcmp(su, f->unit) != 0)
        return false;
    switch (f->rk) {
    case RANGE_EQ:
        return sv == f->lo;
    case RANGE_GE:
        return sv >= f->lo;
    case RANGE_LE:
        return sv <= f->lo;
    case RANGE_BETWEEN:
        return sv >= f->lo && sv <= f->hi;
    }
    return false;
}

static bool tag_filter_match(const struct tag_filter *f, const struct prof_sample *s, struct strbuf *sb)
{
    if (f->is_range) {
        for (uint32_t k = 0; k < s->nlabels; k++) {
            const struct prof_label *l = &s->labels[k];
            if (l->str || (f->key[0] && strcmp(l->key, f->key) != 0))
                continue;
            struct num_unit *u = num_unit_find(f->units, f->nunits, l->key);
            if (range_hit(f, l->num, u ? u->unit : ""))
                return true;
        }
        return false;
    }
    if (f->key[0]) {
        /* some value of the key matches some regexp */
        for (uint32_t k = 0; k < s->nlabels; k++) {
            const struct prof_label *l = &s->labels[k];
            if (!l->str || strcmp(l->key, f->key) != 0)
                continue;
            for (size_t i = 0; i < f->nres; i++)
                if (re_match_str(f->res[i], l->str))
                    return true;
        }
        return false;
    }
    /* every regexp matches some "key:value" */
    for (size_t i = 0; i < f->nres; i++) {
        bool hit = false;
        for (uint32_t k = 0; k < s->nlabels && !hit; k++) {
            const struct prof_label *l = &s->labels[k];
            if (!l->str)
                continue;
            strbuf_reset(sb);
            strbuf_adds(sb, l->key);
            strbuf_addc(sb, ':');
            strbuf_adds(sb, l->str);
            hit = regex_match(f->res[i], sb->buf, sb->len);
        }
        if (!hit)
            return false;
    }
    return true;
}

static void filter_by_tag(struct report *r, const struct tag_filter *focus, const struct tag_filter *ignore)
{
    struct graph_input *in = &r->in;
    struct strbuf sb = STRBUF_INIT;
    bool fm = false, im = false;
    size_t n = 0;
    for (size_t si = 0; si < in->nsamples; si++) {
        const struct view_sample *s = &in->samples[si];
        bool focused = !focus || tag_filter_match(focus, s->src, &sb);
        bool ignored = ignore && tag_filter_match(ignore, s->src, &sb);
        fm |= focused;
        im |= ignored;
        if (focused && !ignored)
            in->samples[n++] = *s;
    }
    in->nsamples = n;
    strbuf_release(&sb);
    if (focus && !fm)
        warn_no_matches("TagFocus");
    if (ignore && !im)
        warn_no_matches("TagIgnore");
}

/* ---- tagshow / taghide (pprof's FilterTagsByName) ---- */

struct key_verdict {
    const char *key;
    bool show, hide;
};

static void filter_tags_by_name(struct report *r, struct prof_regex *show, struct prof_regex *hide)
{
    struct graph_input *in = &r->in;
    struct key_verdict *kv = NULL;
    size_t nkv = 0, capkv = 0;
    bool sm = false, hm = false;
    for (size_t si = 0; si < in->nsamples; si++) {
        struct view_sample *s = &in->samples[si];
        struct prof_label *nl = NULL;
        uint32_t o = 0;
        for (uint32_t k = 0; k < s->nlabels; k++) {
            const struct prof_label *l = &s->labels[k];
            struct key_verdict *v = NULL;
            for (size_t j = 0; j < nkv && !v; j++)
                if (kv[j].key == l->key || strcmp(kv[j].key, l->key) == 0)
                    v = &kv[j];
            if (!v) {
                xgrow(&kv, &capkv, nkv + 1, sizeof(*kv));
                v = &kv[nkv++];
                v->key = l->key;
                v->show = !show || re_match_str(show, l->key);
                v->hide = hide && re_match_str(hide, l->key);
            }
            sm |= v->show;
            hm |= v->hide;
            bool remove = !v->show || v->hide;
            if (remove && !nl) {
                nl = arena_alloc(r->a, s->nlabels * sizeof(*nl));
                if (k)
                    memcpy(nl, s->labels, k * sizeof(*nl));
                o = k;
            }
            if (!remove && nl)
                nl[o++] = *l;
        }
        if (nl) {
            s->labels = nl;
            s->nlabels = o;
        }
    }
    free(kv);
    if (show && !sm)
        warn_no_matches("TagShow");
    if (hide && !hm)
        warn_no_matches("TagHide");
}

/* ---- prune_from (pprof's PruneFrom) ---- */

static void prune_from(struct report *r, struct prof_regex *re)
{
    struct graph_input *in = &r->in;
    struct matcher m;
    matcher_init(&m, r, re, MK_SIMPLIFIED);
    bool *beneath = arena_zalloc(r->a, in->nlocs + 1);
    bool any = false;
    for (size_t i = 0; i < in->nlocs; i++) {
        struct view_loc *vl = &in->locs[i];
        if (vl->absent)
            continue;
        for (uint32_t k = 0; k < vl->nlines; k++) {
            if (fn_matches(&m, vl->lines[k].fn)) {
                beneath[i] = any = true;
                vl->lines += k;
                vl->nlines -= k;
                break;
            }
        }
    }
    if (!any)
        return;
    for (size_t si = 0; si < in->nsamples; si++) {
        struct view_sample *s = &in->samples[si];
        for (uint32_t k = 0; k < s->nlocs; k++) {
            if (beneath[s->locs[k]]) {
                s->locs += k;
                s->nlocs -= k;
                break;
            }
        }
    }
}

int filter_apply(struct report *r, struct prof_err *err)
{
    const struct prof_config *cfg = r->cfg;
    struct prof_regex *focus = NULL, *ignore = NULL, *hide = NULL, *show = NULL, *showfrom = NULL;
    struct prof_regex *prunefrom = NULL, *tagshow = NULL, *taghide = NULL;
    struct tag_filter *tagfocus = NULL, *tagignore = NULL;
    int rc = -1;

    /* pprof compiles in this order; the first error wins. */
    if (compile_opt(&focus, "focus", cfg->focus, err) || compile_opt(&ignore, "ignore", cfg->ignore, err) ||
        compile_opt(&hide, "hide", cfg->hide, err) || compile_opt(&show, "show", cfg->show, err) ||
        compile_opt(&showfrom, "show_from", cfg->show_from, err) ||
        compile_tag_filter(r, "tagfocus", cfg->tagfocus, &tagfocus, err) ||
        compile_tag_filter(r, "tagignore", cfg->tagignore, &tagignore, err) ||
        compile_opt(&prunefrom, "prune_from", cfg->prune_from, err))
        goto out;

    if (focus || ignore || hide || show)
        filter_by_name(r, focus, ignore, hide, show);
    if (showfrom)
        show_from(r, showfrom);
    if (tagfocus || tagignore)
        filter_by_tag(r, tagfocus, tagignore);

    if (compile_opt(&tagshow, "tagshow", cfg->tagshow, err) || compile_opt(&taghide, "taghide", cfg->taghide, err))
        goto out;
    if (tagshow || taghide)
        filter_tags_by_name(r, tagshow, taghide);
    if (prunefrom)
        prune_from(r, prunefrom);
    rc = 0;
out:
    regex_free(&focus);
    regex_free(&ignore);
    regex_free(&hide);
    regex_free(&show);
    regex_free(&showfrom);
    regex_free(&prunefrom);
    regex_free(&tagshow);
    regex_free(&taghide);
    tag_filter_free(tagfocus);
    tag_filter_free(tagignore);
    return rc;
}
