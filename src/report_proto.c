/*
 * report_proto.c: -proto and -topproto, written as pprof's Profile.Write
 * writes: profile.proto packed by protobuf-c, then gzip (zlib).
 *
 * -proto is the report's view of the profile (pprof's filtered profile:
 * samples kept by the filters with their rewritten stacks and labels,
 * every location with its remaining lines, tagroot/tagleaf pseudo frames),
 * values multiplied by the -divide_by ratio.  -topproto is the report's
 * trimmed graph as a profile (pprof's printTopProto).
 *
 * The string table is built in the order of pprof's preEncode ("", sample
 * types, labels, mappings, functions, drop/keep frames, period type,
 * comments, default sample type, doc url), so the decoded content matches
 * pprof's output; the bytes differ only by encoding and compression.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "prof/report.h"
#include "prof/units.h"
#include "prof/util.h"
#include "profile.pb-c.h"

/* ---- string table in first-use order ---- */

struct strent {
    uint64_t h;
    const char *s; /* borrowed */
    size_t len;    /* bytes */
    uint32_t idx;  /* string table index + 1; 0 = empty slot */
};

struct strtab {
    struct strent *e; /* owned */
    size_t cap;       /* slots, a power of two */
    char **v;         /* owned array of borrowed strings: the table */
    size_t n, capv;
};

static void strtab_init(struct strtab *t)
{
    t->cap = 1024;
    t->e = xcalloc(t->cap, sizeof(*t->e));
    t->v = NULL;
    t->n = t->capv = 0;
}

static void strtab_release(struct strtab *t)
{
    free(t->e);
    free(t->v);
}

static void strtab_grow(struct strtab *t)
{
    struct strent *old = t->e;
    size_t oldcap = t->cap;
    t->cap *= 2;
    t->e = xcalloc(t->cap, sizeof(*t->e));
    for (size_t i = 0; i < oldcap; i++) {
        if (!old[i].idx)
            continue;
        size_t k = (size_t)old[i].h & (t->cap - 1);
        while (t->e[k].idx)
            k = (k + 1) & (t->cap - 1);
        t->e[k] = old[i];
    }
    free(old);
}

/* pprof's addString: the index of s, added at the end if new. */
static int64_t str_index(struct strtab *t, const char *s)
{
    if (!s)
        s = "";
    size_t len = strlen(s);
    uint64_t h = hash_bytes(HASH_SEED, s, len);
    size_t k = (size_t)h & (t->cap - 1);
    for (; t->e[k].idx; k = (k + 1) & (t->cap - 1))
        if (t->e[k].h == h && t->e[k].len == len && memcmp(t->e[k].s, s, len) == 0)
            return t->e[k].idx - 1;
    if (t->n == t->capv)
        xgrow(&t->v, &t->capv, t->n + 1, sizeof(*t->v));
    t->v[t->n] = (char *)s;
    t->e[k] = (struct strent){h, s, len, (uint32_t)++t->n};
    if (t->n * 2 > t->cap)
        strtab_grow(t);
    return (int64_t)t->n - 1;
}

/* ---- packing and compression ---- */

/* Pack pb, gzip it into r->out.  The strings of st are pb's string table. */
static int write_profile(struct report *r, Perftools__Profiles__Profile *pb, struct strtab *st,
                         struct prof_err *err)
{
    pb->n_string_table = st->n;
    pb->string_table = st->v;
    size_t n = perftools__profiles__profile__get_packed_size(pb);
    uint8_t *raw = xmalloc(n ? n : 1);
    perftools__profiles__profile__pack(pb, raw);

    z_stream z;
    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(raw);
        return prof_errf(err, PROF_EIO, "compressing profile: %s", z.msg ? z.msg : "deflateInit2 failed");
    }
    struct strbuf *o = r->out;
    z.next_in = raw;
    z.avail_in = 0;
    size_t left = n;
    int rc;
    do {
        if (z.avail_in == 0 && left) {
            uInt chunk = left > (1u << 30) ? (1u << 30) : (uInt)left;
            z.avail_in = chunk;
            left -= chunk;
        }
        strbuf_grow(o, 1 << 16);
        z.next_out = (Bytef *)o->buf + o->len;
        z.avail_out = (uInt)(o->alloc - o->len - 1);
        size_t before = z.avail_out;
        rc = deflate(&z, left ? Z_NO_FLUSH : Z_FINISH);
        o->len += before - z.avail_out;
        o->buf[o->len] = 0;
    } while (rc == Z_OK || rc == Z_BUF_ERROR);
    deflateEnd(&z);
    free(raw);
    if (rc != Z_STREAM_END)
        return prof_errf(err, PROF_EIO, "compressing profile: deflate failed");
    return 0;
}

static Perftools__Profiles__ValueType *value_type(struct report *r, struct strtab *st, const char *type,
                                                  const char *unit)
{
    Perftools__Profiles__ValueType *vt = ARENA_NEW(r->a, Perftools__Profiles__ValueType);
    perftools__profiles__value_type__init(vt);
    vt->type = str_index(st, type);
    vt->unit = str_index(st, unit);
    return vt;
}

/* The header fields after the functions, in pprof's string table order. */
static void header_tail(struct report *r, Perftools__Profiles__Profile *pb, struct strtab *st,
                        const struct prof_valuetype *period_type)
{
    const struct profile *p = r->prof;
    pb->drop_frames = str_index(st, p->drop_frames);
    pb->keep_frames = str_index(st, p->keep_frames);
    pb->time_nanos = p->time_nanos;
    pb->duration_nanos = p->duration_nanos;
    /* pprof writes the period type only when it has a type or unit. */
    if (period_type->type[0] || period_type->unit[0])
        pb->period_type = value_type(r, st, period_type->type, period_type->unit);
    pb->period = p->period;
}

/* ---- -proto ---- */

/* Label order of pprof's encoder: string labels by key, then numeric ones by
 * key; values of one key keep their order (insertion sort: labels are few). */
static bool label_before(const struct prof_label *a, const struct prof_label *b)
{
    bool an = a->str == NULL, bn = b->str == NULL;
    if (an != bn)
        return bn;
    return strcmp(a->key, b->key) < 0;
}

static Perftools__Profiles__Label **encode_labels(struct report *r, struct strtab *st, const struct prof_label *ls,
                                                  uint32_t n)
{
    const struct prof_label **ord = arena_alloc(r->a, n * sizeof(*ord));
    for (uint32_t i = 0; i < n; i++) {
        const struct prof_label *l = &ls[i];
        uint32_t j = i;
        while (j > 0 && label_before(l, ord[j - 1])) {
            ord[j] = ord[j - 1];
            j--;
        }
        ord[j] = l;
    }
    Perftools__Profiles__Label **out = arena_alloc(r->a, n * sizeof(*out));
    Perftools__Profiles__Label *msgs = arena_alloc(r->a, n * sizeof(*msgs));
    for (uint32_t i = 0; i < n;) {
        /* A numeric key's units are written only when one of its values has a unit. */
        uint32_t j = i;
        bool units = false;
        while (j < n && (ord[j]->str == NULL) == (ord[i]->str == NULL) && strcmp(ord[j]->key, ord[i]->key) == 0) {
            units = units || (ord[j]->str == NULL && ord[j]->unit[0]);
            j++;
        }
        for (uint32_t k = i; k < j; k++) {
            const struct prof_label *l = ord[k];
            Perftools__Profiles__Label *m = &msgs[k];
            perftools__profiles__label__init(m);
            m->key = str_index(st, l->key);
            if (l->str) {
                m->str = str_index(st, l->str);
            } else {
                m->num = l->num;
                if (units)
                    m->num_unit = str_index(st, l->unit);
            }
            out[k] = m;
        }
        i = j;
    }
    return out;
}

int report_proto(struct report *r, struct prof_err *err)
{
    const struct profile *p = r->prof;
    const struct graph_input *in = &r->in;
    bool inlines = !r->cfg->noinlines;
    struct strtab st;
    strtab_init(&st);
    str_index(&st, "");

    Perftools__Profiles__Profile pb;
    perftools__profiles__profile__init(&pb);

    pb.n_sample_type = p->nsample_types;
    pb.sample_type = arena_alloc(r->a, (p->nsample_types + 1) * sizeof(*pb.sample_type));
    for (size_t i = 0; i < p->nsample_types; i++)
        pb.sample_type[i] = value_type(r, &st, p->sample_types[i].type, p->sample_types[i].unit);

    /* Location ids: the profile's; pseudo locations (tagroot/tagleaf) follow the largest. */
    uint64_t max_loc = 0;
    for (size_t i = 0; i < p->nlocations; i++)
        if (p->locations[i].id > max_loc)
            max_loc = p->locations[i].id;
    uint64_t *loc_id = arena_alloc(r->a, (in->nlocs + 1) * sizeof(uint64_t));
    for (size_t i = 0, pseudo = 0; i < in->nlocs; i++)
        loc_id[i] = in->locs[i].loc ? in->locs[i].loc->id : max_loc + 1 + pseudo++;

    /* Samples: those the filters kept, values times the -divide_by ratio. */
    bool scale = r->ratio > 0 && r->ratio != 1;
    pb.n_sample = in->nsamples;
    pb.sample = arena_alloc(r->a, (in->nsamples + 1) * sizeof(*pb.sample));
    Perftools__Profiles__Sample *smsgs = arena_alloc(r->a, (in->nsamples + 1) * sizeof(*smsgs));
    for (size_t i = 0; i < in->nsamples; i++) {
        const struct view_sample *vs = &in->samples[i];
        Perftools__Profiles__Sample *s = &smsgs[i];
        perftools__profiles__sample__init(s);
        s->n_location_id = vs->nlocs;
        s->location_id = arena_alloc(r->a, (vs->nlocs + 1) * sizeof(uint64_t));
        for (uint32_t k = 0; k < vs->nlocs; k++)
            s->location_id[k] = loc_id[vs->locs[k]];
        s->n_value = p->nsample_types;
        s->value = arena_alloc(r->a, (p->nsample_types + 1) * sizeof(int64_t));
        for (size_t k = 0; k < p->nsample_types; k++) {
            int64_t v = vs->src->values[k];
            s->value[k] = scale ? (int64_t)((double)v * r->ratio) : v;
        }
        if (vs->nlabels) {
            s->n_label = vs->nlabels;
            s->label = encode_labels(r, &st, vs->labels, vs->nlabels);
        }
        pb.sample[i] = s;
    }

    pb.n_mapping = p->nmappings;
    pb.mapping = arena_alloc(r->a, (p->nmappings + 1) * sizeof(*pb.mapping));
    Perftools__Profiles__Mapping *mmsgs = arena_alloc(r->a, (p->nmappings + 1) * sizeof(*mmsgs));
    for (size_t i = 0; i < p->nmappings; i++) {
        const struct prof_mapping *m = &p->mappings[i];
        Perftools__Profiles__Mapping *mm = &mmsgs[i];
        perftools__profiles__mapping__init(mm);
        mm->id = m->id;
        mm->memory_start = m->start;
        mm->memory_limit = m->limit;
        mm->file_offset = m->offset;
        mm->filename = str_index(&st, m->file);
        mm->build_id = str_index(&st, m->build_id);
        mm->has_functions = m->has_functions;
        mm->has_filenames = m->has_filenames;
        mm->has_line_numbers = m->has_line_numbers;
        /* -noinlines at address granularity aggregates the inline frames away. */
        mm->has_inline_frames = m->has_inline_frames && inlines;
        pb.mapping[i] = mm;
    }

    /* Locations with the lines the filters left; -noinlines keeps the outermost. */
    pb.n_location = in->nlocs;
    pb.location = arena_alloc(r->a, (in->nlocs + 1) * sizeof(*pb.location));
    Perftools__Profiles__Location *lmsgs = arena_alloc(r->a, (in->nlocs + 1) * sizeof(*lmsgs));
    size_t npseudo_fn = 0;
    for (size_t i = 0; i < in->nlocs; i++) {
        const struct view_loc *vl = &in->locs[i];
        Perftools__Profiles__Location *lm = &lmsgs[i];
        perftools__profiles__location__init(lm);
        lm->id = loc_id[i];
        if (vl->loc) {
            lm->address = vl->loc->address;
            lm->is_folded = vl->loc->folded;
            if (vl->loc->mapping != PROF_NONE)
                lm->mapping_id = p->mappings[vl->loc->mapping].id;
        }
        uint32_t nl = vl->absent ? 0 : vl->nlines, first = 0;
        if (!inlines && nl > 1)
            first = nl - 1;
        lm->n_line = nl - first;
        lm->line = arena_alloc(r->a, (lm->n_line + 1) * sizeof(*lm->line));
        Perftools__Profiles__Line *lines = arena_alloc(r->a, (lm->n_line + 1) * sizeof(*lines));
        for (uint32_t k = first; k < nl; k++) {
            const struct view_line *vln = &vl->lines[k];
            Perftools__Profiles__Line *ln = &lines[k - first];
            perftools__profiles__line__init(ln);
            ln->function_id = vln->fn ? vln->fn->id : 0;
            ln->line = vln->line;
            ln->column = !inlines && !r->cfg->showcolumns ? 0 : vln->column;
            lm->line[k - first] = ln;
            if (!vl->loc && vln->fn)
                npseudo_fn++;
        }
        pb.location[i] = lm;
    }

    /* Functions: the profile's, then the pseudo frames' in creation order. */
    const struct prof_function **fns =
        arena_alloc(r->a, (p->nfunctions + npseudo_fn + 1) * sizeof(*fns));
    size_t nfns = 0;
    for (size_t i = 0; i < p->nfunctions; i++)
        fns[nfns++] = &p->functions[i];
    struct u64map seen;
    u64map_init(&seen, npseudo_fn);
    for (size_t i = 0; i < in->nlocs; i++) {
        const struct view_loc *vl = &in->locs[i];
        if (vl->loc || vl->absent)
            continue;
        for (uint32_t k = 0; k < vl->nlines; k++) {
            const struct prof_function *f = vl->lines[k].fn;
            if (!f || (f >= p->functions && f < p->functions + p->nfunctions))
                continue;
            bool added;
            u64map_put(&seen, (uint64_t)(uintptr_t)f, 0, &added);
            if (added)
                fns[nfns++] = f;
        }
    }
    u64map_release(&seen);
    pb.n_function = nfns;
    pb.function = arena_alloc(r->a, (nfns + 1) * sizeof(*pb.function));
    Perftools__Profiles__Function *fmsgs = arena_alloc(r->a, (nfns + 1) * sizeof(*fmsgs));
    for (size_t i = 0; i < nfns; i++) {
        Perftools__Profiles__Function *fm = &fmsgs[i];
        perftools__profiles__function__init(fm);
        fm->id = fns[i]->id;
        fm->name = str_index(&st, fns[i]->name);
        fm->system_name = str_index(&st, fns[i]->system_name);
        fm->filename = str_index(&st, fns[i]->filename);
        fm->start_line = fns[i]->start_line;
        pb.function[i] = fm;
    }

    header_tail(r, &pb, &st, &p->period_type);
    pb.n_comment = p->ncomments;
    pb.comment = arena_alloc(r->a, (p->ncomments + 1) * sizeof(int64_t));
    for (size_t i = 0; i < p->ncomments; i++)
        pb.comment[i] = str_index(&st, p->comments[i]);
    pb.default_sample_type = str_index(&st, p->default_sample_type);
    pb.doc_url = str_index(&st, p->doc_url);

    int rc = write_profile(r, &pb, &st, err);
    strtab_release(&st);
    return rc;
}

/* ---- -topproto ---- */

/* Go's int64(float64) on amd64 (out of range: MinInt64). */
static int64_t f2i(double f)
{
    if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0))
        return INT64_MIN;
    return (int64_t)f;
}

static const char *nz(const char *s) { return s ? s : ""; }

/* pprof's functionMap key: name, system name, file and start line. */
static bool same_function(const struct node_info *a, const struct node_info *b)
{
    return a->start_line == b->start_line && strcmp(a->name, b->name) == 0 &&
           strcmp(nz(a->orig_name), nz(b->orig_name)) == 0 && strcmp(nz(a->file), nz(b->file)) == 0;
}

int report_topproto(struct report *r, struct prof_err *err)
{
    const struct profile *p = r->prof;
    struct graph g;
    struct trim_result tr;
    report_graph(r, &g, &tr);
    report_select_unit(r, &g);

    struct strtab st;
    strtab_init(&st);
    str_index(&st, "");
    Perftools__Profiles__Profile pb;
    perftools__profiles__profile__init(&pb);
    pb.n_sample_type = 2;
    pb.sample_type = arena_alloc(r->a, 2 * sizeof(*pb.sample_type));
    pb.sample_type[0] = value_type(r, &st, "cum", r->output_unit);
    pb.sample_type[1] = value_type(r, &st, "flat", r->output_unit);

    size_t n = g.norder;
    pb.n_sample = pb.n_location = n;
    pb.sample = arena_alloc(r->a, (n + 1) * sizeof(*pb.sample));
    pb.location = arena_alloc(r->a, (n + 1) * sizeof(*pb.location));
    pb.function = arena_alloc(r->a, (n + 1) * sizeof(*pb.function));
    Perftools__Profiles__Sample *smsgs = arena_alloc(r->a, (n + 1) * sizeof(*smsgs));
    Perftools__Profiles__Location *lmsgs = arena_alloc(r->a, (n + 1) * sizeof(*lmsgs));
    Perftools__Profiles__Line *lnmsgs = arena_alloc(r->a, (n + 1) * sizeof(*lnmsgs));
    Perftools__Profiles__Function *fmsgs = arena_alloc(r->a, (n + 1) * sizeof(*fmsgs));
    const struct node_info **finfo = arena_alloc(r->a, (n + 1) * sizeof(*finfo));

    /* Functions are shared by nodes with the same name, system name, file and start line. */
    struct u64map fmap;
    u64map_init(&fmap, n);
    for (size_t i = 0; i < n; i++) {
        const struct graph_node *gn = &g.nodes[g.order[i]];
        const struct node_info *ni = &gn->info;
        const char *orig = nz(ni->orig_name), *file = nz(ni->file);
        uint64_t h = hash_bytes(HASH_SEED, ni->name, strlen(ni->name) + 1);
        h = hash_bytes(h, orig, strlen(orig) + 1);
        h = hash_bytes(h, file, strlen(file) + 1);
        h = hash_bytes(h, &ni->start_line, sizeof(ni->start_line));
        /* The map holds the first function with this hash; a (theoretical)
         * collision falls back to a scan. */
        uint32_t fi = UINT32_MAX, cand;
        if (u64map_get(&fmap, h, &cand)) {
            if (same_function(finfo[cand], ni))
                fi = cand;
            for (size_t k = 0; k < pb.n_function && fi == UINT32_MAX; k++)
                if (same_function(finfo[k], ni))
                    fi = (uint32_t)k;
        }
        if (fi == UINT32_MAX) {
            bool ins;
            fi = (uint32_t)pb.n_function++;
            u64map_put(&fmap, h, fi, &ins);
            finfo[fi] = ni;
            Perftools__Profiles__Function *fm = &fmsgs[fi];
            perftools__profiles__function__init(fm);
            fm->id = fi + 1;
            fm->name = str_index(&st, ni->name);
            fm->system_name = str_index(&st, orig);
            fm->filename = str_index(&st, file);
            fm->start_line = ni->start_line;
            pb.function[fi] = fm;
        }

        Perftools__Profiles__Line *ln = &lnmsgs[i];
        perftools__profiles__line__init(ln);
        ln->function_id = fi + 1;
        ln->line = ni->lineno;
        ln->column = ni->columnno;
        Perftools__Profiles__Location *lm = &lmsgs[i];
        perftools__profiles__location__init(lm);
        lm->id = i + 1;
        lm->address = ni->address;
        lm->n_line = 1;
        lm->line = arena_alloc(r->a, sizeof(*lm->line));
        lm->line[0] = ln;
        pb.location[i] = lm;

        const char *u;
        Perftools__Profiles__Sample *s = &smsgs[i];
        perftools__profiles__sample__init(s);
        s->n_location_id = 1;
        s->location_id = arena_alloc(r->a, sizeof(uint64_t));
        s->location_id[0] = i + 1;
        s->n_value = 2;
        s->value = arena_alloc(r->a, 2 * sizeof(int64_t));
        s->value[0] = f2i(units_scale(node_cum(gn), r->sample_unit, r->output_unit, &u));
        s->value[1] = f2i(units_scale(node_flat(gn), r->sample_unit, r->output_unit, &u));
        pb.sample[i] = s;
    }
    u64map_release(&fmap);

    /* No drop/keep frames, comments or default sample type: only the
     * fields pprof copies (time, duration, period type, period). */
    pb.time_nanos = p->time_nanos;
    pb.duration_nanos = p->duration_nanos;
    if (p->period_type.type[0] || p->period_type.unit[0])
        pb.period_type = value_type(r, &st, p->period_type.type, p->period_type.unit);
    pb.period = p->period;
    int rc = write_profile(r, &pb, &st, err);
    strtab_release(&st);
    graph_release(&g);
    return rc;
}
