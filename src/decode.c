/*
 * decode.c: profile.proto bytes -> struct profile.
 *
 * protobuf-c unpacks into a short-lived decode arena; the result is copied
 * into the profile's own arena with wire ids turned into dense indices, and
 * the decode arena is dropped.  protobuf-c says only "failed" on bad input, so
 * when it fails a small schema-aware walk over the wire format finds the first
 * concrete problem (offset, field, what is wrong) for the error message.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof/hashmap.h"
#include "prof/legacy.h"
#include "prof/profile.h"
#include "prof/read.h"
#include "prof/util.h"
#include "profile.pb-c.h"

/* ---- protobuf-c through an arena ---- */

static void *pb_alloc(void *data, size_t size) { return arena_alloc(data, size); }
static void pb_free(void *data, void *p)
{
    (void)data;
    (void)p;
}

/* ---- the diagnostic wire walk ---- */

enum wkind { W_VARINT, W_PACKED, W_STRING, W_MSG };

struct wfield {
    unsigned num;
    enum wkind kind;
    int msg; /* for W_MSG: index into wire_msgs */
    const char *name;
};

struct wmsg {
    const char *name;
    const struct wfield *fields;
    size_t nfields;
};

enum { M_PROFILE, M_VALUETYPE, M_SAMPLE, M_LABEL, M_MAPPING, M_LOCATION, M_LINE, M_FUNCTION };

static const struct wfield f_profile[] = {
    {1, W_MSG, M_VALUETYPE, "sample_type"}, {2, W_MSG, M_SAMPLE, "sample"},
    {3, W_MSG, M_MAPPING, "mapping"},       {4, W_MSG, M_LOCATION, "location"},
    {5, W_MSG, M_FUNCTION, "function"},     {6, W_STRING, 0, "string_table"},
    {7, W_VARINT, 0, "drop_frames"},        {8, W_VARINT, 0, "keep_frames"},
    {9, W_VARINT, 0, "time_nanos"},         {10, W_VARINT, 0, "duration_nanos"},
    {11, W_MSG, M_VALUETYPE, "period_type"}, {12, W_VARINT, 0, "period"},
    {13, W_PACKED, 0, "comment"},           {14, W_VARINT, 0, "default_sample_type"},
    {15, W_VARINT, 0, "doc_url"},
};
static const struct wfield f_valuetype[] = {{1, W_VARINT, 0, "type"}, {2, W_VARINT, 0, "unit"}};
static const struct wfield f_sample[] = {
    {1, W_PACKED, 0, "location_id"}, {2, W_PACKED, 0, "value"}, {3, W_MSG, M_LABEL, "label"}};
static const struct wfield f_label[] = {
    {1, W_VARINT, 0, "key"}, {2, W_VARINT, 0, "str"}, {3, W_VARINT, 0, "num"}, {4, W_VARINT, 0, "num_unit"}};
static const struct wfield f_mapping[] = {
    {1, W_VARINT, 0, "id"},           {2, W_VARINT, 0, "memory_start"},     {3, W_VARINT, 0, "memory_limit"},
    {4, W_VARINT, 0, "file_offset"},  {5, W_VARINT, 0, "filename"},         {6, W_VARINT, 0, "build_id"},
    {7, W_VARINT, 0, "has_functions"}, {8, W_VARINT, 0, "has_filenames"},   {9, W_VARINT, 0, "has_line_numbers"},
    {10, W_VARINT, 0, "has_inline_frames"}};
static const struct wfield f_location[] = {{1, W_VARINT, 0, "id"},
                                           {2, W_VARINT, 0, "mapping_id"},
                                           {3, W_VARINT, 0, "address"},
                                           {4, W_MSG, M_LINE, "line"},
                                           {5, W_VARINT, 0, "is_folded"}};
static const struct wfield f_line[] = {
    {1, W_VARINT, 0, "function_id"}, {2, W_VARINT, 0, "line"}, {3, W_VARINT, 0, "column"}};
static const struct wfield f_function[] = {{1, W_VARINT, 0, "id"},
                                           {2, W_VARINT, 0, "name"},
                                           {3, W_VARINT, 0, "system_name"},
                                           {4, W_VARINT, 0, "filename"},
                                           {5, W_VARINT, 0, "start_line"}};

#define WM(n, f) {n, f, PROF_ARRAY_LEN(f)}
static const struct wmsg wire_msgs[] = {
    WM("Profile", f_profile), WM("ValueType", f_valuetype), WM("Sample", f_sample),
    WM("Label", f_label),     WM("Mapping", f_mapping),     WM("Location", f_location),
    WM("Line", f_line),       WM("Function", f_function),
};

/* Read a varint at *pos; 0 on success, else an error code: 1 truncated, 2 too long. */
static int wire_varint(const unsigned char *d, size_t end, size_t *pos, uint64_t *v)
{
    uint64_t r = 0;
    for (int i = 0; i < 10; i++) {
        if (*pos >= end)
            return 1;
        unsigned char b = d[(*pos)++];
        r |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *v = r;
            return 0;
        }
    }
    return 2;
}

static int wire_walk(const unsigned char *d, size_t start, size_t end, int msg, int depth,
                     struct prof_err *err)
{
    const struct wmsg *m = &wire_msgs[msg];
    size_t pos = start;
    while (pos < end) {
        size_t at = pos;
        uint64_t key;
        int vr = wire_varint(d, end, &pos, &key);
        if (vr)
            return prof_errf(err, PROF_EDATA, "%s: %s field tag at offset %zu", m->name,
                             vr == 1 ? "truncated" : "over-long (more than 10 bytes)", at);
        unsigned wt = (unsigned)(key & 7);
        uint64_t num = key >> 3;
        if (num == 0)
            return prof_errf(err, PROF_EDATA, "%s: invalid field number 0 at offset %zu", m->name, at);
        const struct wfield *f = NULL;
        for (size_t i = 0; i < m->nfields; i++)
            if (m->fields[i].num == num)
                f = &m->fields[i];
        const char *fname = f ? f->name : "unknown field";
        if (wt == 3 || wt == 4 || wt == 6 || wt == 7)
            return prof_errf(err, PROF_EDATA, "%s.%s (field %" PRIu64 "): invalid wire type %u at offset %zu",
                             m->name, fname, num, wt, at);
        if (f) {
            int ok = (f->kind == W_VARINT && wt == 0) || (f->kind == W_PACKED && (wt == 0 || wt == 2)) ||
                     ((f->kind == W_STRING || f->kind == W_MSG) && wt == 2);
            if (!ok)
                return prof_errf(err, PROF_EDATA,
                                 "%s.%s (field %" PRIu64 "): wrong wire type %u (expected %s) at offset %zu",
                                 m->name, fname, num, wt,
                                 f->kind == W_VARINT ? "varint 0" : "length-delimited 2", at);
        }
        uint64_t v;
        switch (wt) {
        case 0:
            vr = wire_varint(d, end, &pos, &v);
            if (vr)
                return prof_errf(err, PROF_EDATA, "%s.%s: %s varint at offset %zu", m->name, fname,
                                 vr == 1 ? "truncated" : "over-long (more than 10 bytes)", at);
            break;
        case 1:
        case 5: {
            size_t n = wt == 1 ? 8 : 4;
            if (end - pos < n)
                return prof_errf(err, PROF_EDATA, "%s.%s: truncated %zu-byte value at offset %zu", m->name,
                                 fname, n, at);
            pos += n;
            break;
        }
        case 2: {
            vr = wire_varint(d, end, &pos, &v);
            if (vr)
                return prof_errf(err, PROF_EDATA, "%s.%s: %s length at offset %zu", m->name, fname,
                                 vr == 1 ? "truncated" : "over-long (more than 10 bytes)", at);
            if (v > end - pos)
                return prof_errf(err, PROF_EDATA,
                                 "%s.%s: length %" PRIu64 " at offset %zu runs past the end of its message "
                                 "(%zu bytes left; truncated file?)",
                                 m->name, fname, v, at, end - pos);
            size_t sub_end = pos + (size_t)v;
            if (f && f->kind == W_MSG) {
                if (depth > 8)
                    BUG("wire nesting too deep");
                if (wire_walk(d, pos, sub_end, f->msg, depth + 1, err))
                    return -1;
            } else if (f && f->kind == W_PACKED) {
                size_t p2 = pos;
                while (p2 < sub_end) {
                    size_t at2 = p2;
                    vr = wire_varint(d, sub_end, &p2, &v);
                    if (vr)
                        return prof_errf(err, PROF_EDATA, "%s.%s: %s packed varint at offset %zu", m->name,
                                         fname, vr == 1 ? "truncated" : "over-long (more than 10 bytes)", at2);
                }
            }
            pos = sub_end;
            break;
        }
        }
    }
    return 0;
}

/* Does the data start like a Profile message (a known field with its wire type)? */
static int looks_like_proto(const unsigned char *d, size_t len)
{
    size_t pos = 0;
    uint64_t key;
    if (wire_varint(d, len, &pos, &key))
        return 0;
    unsigned wt = (unsigned)(key & 7);
    uint64_t num = key >> 3;
    for (size_t i = 0; i < PROF_ARRAY_LEN(f_profile); i++)
        if (f_profile[i].num == num) {
            enum wkind k = f_profile[i].kind;
            return (k == W_VARINT && wt == 0) || (k == W_PACKED && (wt == 0 || wt == 2)) ||
                   ((k == W_STRING || k == W_MSG) && wt == 2);
        }
    return 0;
}

/* Printable text (UTF-8 allowed) in the first 512 bytes: not a protobuf. */
static int looks_like_text(const unsigned char *d, size_t len)
{
    size_t n = len < 512 ? len : 512;
    for (size_t i = 0; i < n; i++)
        if (!(d[i] == '\n' || d[i] == '\t' || d[i] == '\r' || (d[i] >= 0x20 && d[i] < 0x7f) || d[i] >= 0x80))
            return 0;
    return 1;
}

static int unrecognized(const unsigned char *d, size_t len, struct prof_err *err)
{
    size_t n = len < 512 ? len : 512, printable = 0;
    for (size_t i = 0; i < n; i++)
        if (d[i] == '\n' || d[i] == '\t' || d[i] == '\r' || (d[i] >= 0x20 && d[i] < 0x7f) || d[i] >= 0x80)
            printable++;
    const char *s = (const char *)d;
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))
        i++;
    if (n - i >= 5 && (strncasecmp(s + i, "<!doc", 5) == 0 || strncasecmp(s + i, "<html", 5) == 0 ||
                       strncasecmp(s + i, "<?xml", 5) == 0 || strncasecmp(s + i, "<head", 5) == 0))
        return prof_errf(err, PROF_EDATA,
                         "parsing profile: unrecognized profile format: this is an HTML/XML page, not a profile");
    if (printable == n)
        return prof_errf(err, PROF_EDATA,
                         "parsing profile: unrecognized profile format: text that is not a known profile format");
    return prof_errf(err, PROF_EDATA,
                     "parsing profile: unrecognized profile format: neither profile.proto nor a known legacy format");
}

/* ---- conversion into the profile model ---- */

struct conv {
    struct profile *p;
    const Perftools__Profiles__Profile *pb;
    struct prof_err *err;
};

static int str_at(struct conv *c, int64_t idx, const char **out, const char *what, size_t i, const char *field)
{
    if (idx < 0 || (uint64_t)idx >= c->pb->n_string_table) {
        if (i == SIZE_MAX)
            return prof_errf(c->err, PROF_EDATA, "parsing profile: %s: string index %" PRId64
                             " out of range (string table has %zu entries)",
                             field, idx, c->pb->n_string_table);
        return prof_errf(c->err, PROF_EDATA,
                         "parsing profile: %s[%zu].%s: string index %" PRId64
                         " out of range (string table has %zu entries)",
                         what, i, field, idx, c->pb->n_string_table);
    }
    *out = c->pb->string_table[idx];
    return 0;
}

/* Build id -> dense index; ids must be non-zero and unique. */
static int index_ids(struct conv *c, struct u64map *m, size_t n, uint64_t (*id_of)(const void *, size_t),
                     const void *arr, const char *what, int *dense)
{
    *dense = 1;
    for (size_t i = 0; i < n; i++)
        if (id_of(arr, i) != i + 1) {
            *dense = 0;
            break;
        }
    u64map_init(m, *dense ? 0 : n);
    if (*dense)
        return 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t id = id_of(arr, i);
        if (id == 0)
            return prof_errf(c->err, PROF_EDATA, "malformed profile: %s[%zu] has the reserved id 0", what, i);
        bool ins;
        u64map_put(m, id, (uint32_t)i, &ins);
        if (!ins)
            return prof_errf(c->err, PROF_EDATA, "malformed profile: %s[%zu]: duplicate %s id %" PRIu64, what, i,
                             what, id);
    }
    return 0;
}

static int lookup(const struct u64map *m, int dense, size_t n, uint64_t id, uint32_t *out)
{
    if (dense) {
        if (id == 0 || id > n)
            return 0;
        *out = (uint32_t)(id - 1);
        return 1;
    }
    return u64map_get(m, id, out);
}

static uint64_t map_id(const void *a, size_t i) { return ((Perftools__Profiles__Mapping *const *)a)[i]->id; }
static uint64_t loc_id(const void *a, size_t i) { return ((Perftools__Profiles__Location *const *)a)[i]->id; }
static uint64_t fn_id(const void *a, size_t i) { return ((Perftools__Profiles__Function *const *)a)[i]->id; }

/* Distinct stacks: an open-addressing table of (hash, first sample using it). */
struct stack_slot {
    uint64_t hash;
    const uint32_t *locs; /* the shared array; NULL = empty slot */
    uint32_t n;
    uint32_t id;
};

struct stack_table {
    struct stack_slot *slots; /* owned */
    size_t cap;               /* power of two, at least twice the samples */
    uint32_t n;               /* distinct stacks so far */
};

static uint32_t intern_stack(struct stack_table *st, struct profile *p, const uint32_t *locs, uint32_t n, uint64_t h,
                             uint32_t **out)
{
    size_t mask = st->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct stack_slot *s = &st->slots[i];
        if (!s->locs) {
            uint32_t *copy = arena_alloc(&p->arena, (n ? n : 1) * sizeof(uint32_t));
            if (n)
                memcpy(copy, locs, n * sizeof(uint32_t));
            s->hash = h;
            s->locs = copy;
            s->n = n;
            s->id = st->n++;
            *out = copy;
            return s->id;
        }
        if (s->hash == h && s->n == n && memcmp(s->locs, locs, n * sizeof(uint32_t)) == 0) {
            *out = (uint32_t *)s->locs;
            return s->id;
        }
    }
}

static int convert(struct conv *c)
{
    const Perftools__Profiles__Profile *pb = c->pb;
    struct profile *p = c->p;
    struct arena *a = &p->arena;
    struct prof_err *err = c->err;

    if (pb->n_string_table == 0)
        return prof_errf(err, PROF_EDATA, "parsing profile: the string table is empty (entry 0 must be \"\")");
    if (pb->string_table[0][0] != 0)
        return prof_errf(err, PROF_EDATA, "parsing profile: string_table[0] must be \"\", not \"%.40s\"",
                         pb->string_table[0]);
    if (pb->n_mapping >= PROF_NONE || pb->n_location >= PROF_NONE || pb->n_function >= PROF_NONE)
        return prof_errf(err, PROF_EDATA, "parsing profile: too many mappings, locations or functions");

    /* Strings are copied once into the profile arena, in one block. */
    size_t total = 0;
    for (size_t i = 0; i < pb->n_string_table; i++)
        total += strlen(pb->string_table[i]) + 1;
    char *blob = arena_alloc(a, total);
    char **strs = arena_alloc(a, pb->n_string_table * sizeof(char *));
    for (size_t i = 0, off = 0; i < pb->n_string_table; i++) {
        size_t n = strlen(pb->string_table[i]) + 1;
        memcpy(blob + off, pb->string_table[i], n);
        strs[i] = blob + off;
        off += n;
    }
    /* From here on, string lookups resolve into the profile's copy. */
    Perftools__Profiles__Profile shadow = *pb;
    shadow.string_table = strs;
    c->pb = pb = &shadow;

    p->nsample_types = pb->n_sample_type;
    p->sample_types = ARENA_NEWN(a, struct prof_valuetype, pb->n_sample_type);
    for (size_t i = 0; i < pb->n_sample_type; i++) {
        if (str_at(c, pb->sample_type[i]->type, &p->sample_types[i].type, "sample_type", i, "type") ||
            str_at(c, pb->sample_type[i]->unit, &p->sample_types[i].unit, "sample_type", i, "unit"))
            return -1;
    }
    p->period_type.type = p->period_type.unit = "";
    if (pb->period_type) {
        if (str_at(c, pb->period_type->type, &p->period_type.type, "period_type", SIZE_MAX, "period_type.type") ||
            str_at(c, pb->period_type->unit, &p->period_type.unit, "period_type", SIZE_MAX, "period_type.unit"))
            return -1;
    }
    if (str_at(c, pb->drop_frames, &p->drop_frames, "", SIZE_MAX, "drop_frames") ||
        str_at(c, pb->keep_frames, &p->keep_frames, "", SIZE_MAX, "keep_frames") ||
        str_at(c, pb->default_sample_type, &p->default_sample_type, "", SIZE_MAX, "default_sample_type") ||
        str_at(c, pb->doc_url, &p->doc_url, "", SIZE_MAX, "doc_url"))
        return -1;
    p->time_nanos = pb->time_nanos;
    p->duration_nanos = pb->duration_nanos;
    p->period = pb->period;
    p->ncomments = pb->n_comment;
    p->comments = ARENA_NEWN(a, const char *, pb->n_comment);
    for (size_t i = 0; i < pb->n_comment; i++)
        if (str_at(c, pb->comment[i], &p->comments[i], "comment", i, "index"))
            return -1;

    struct u64map mmap, lmap, fmap;
    int mdense, ldense, fdense, rc = -1;
    struct stack_table st = {NULL, 0, 0};
    uint32_t *tmp = NULL;
    size_t tmpcap = 0;
    memset(&mmap, 0, sizeof(mmap));
    memset(&lmap, 0, sizeof(lmap));
    memset(&fmap, 0, sizeof(fmap));
    if (index_ids(c, &mmap, pb->n_mapping, map_id, pb->mapping, "mapping", &mdense) ||
        index_ids(c, &fmap, pb->n_function, fn_id, pb->function, "function", &fdense) ||
        index_ids(c, &lmap, pb->n_location, loc_id, pb->location, "location", &ldense))
        goto out;

    /* A profile without mappings gets one empty mapping, as pprof adds. */
    int fake = pb->n_mapping == 0;
    p->nmappings = fake ? 1 : pb->n_mapping;
    p->mappings = ARENA_NEWN(a, struct prof_mapping, p->nmappings);
    if (fake) {
        p->mappings[0].id = 1;
        p->mappings[0].file = p->mappings[0].build_id = "";
    }
    for (size_t i = 0; i < pb->n_mapping; i++) {
        const Perftools__Profiles__Mapping *m = pb->mapping[i];
        struct prof_mapping *pm = &p->mappings[i];
        pm->id = m->id;
        pm->start = m->memory_start;
        pm->limit = m->memory_limit;
        pm->offset = m->file_offset;
        if (str_at(c, m->filename, &pm->file, "mapping", i, "filename") ||
            str_at(c, m->build_id, &pm->build_id, "mapping", i, "build_id"))
            goto out;
        pm->has_functions = m->has_functions;
        pm->has_filenames = m->has_filenames;
        pm->has_line_numbers = m->has_line_numbers;
        pm->has_inline_frames = m->has_inline_frames;
    }

    p->nfunctions = pb->n_function;
    p->functions = ARENA_NEWN(a, struct prof_function, pb->n_function);
    for (size_t i = 0; i < pb->n_function; i++) {
        const Perftools__Profiles__Function *f = pb->function[i];
        struct prof_function *pf = &p->functions[i];
        pf->id = f->id;
        pf->start_line = f->start_line;
        if (str_at(c, f->name, &pf->name, "function", i, "name") ||
            str_at(c, f->system_name, &pf->system_name, "function", i, "system_name") ||
            str_at(c, f->filename, &pf->filename, "function", i, "filename"))
            goto out;
    }

    p->nlocations = pb->n_location;
    p->locations = ARENA_NEWN(a, struct prof_location, pb->n_location);
    for (size_t i = 0; i < pb->n_location; i++) {
        const Perftools__Profiles__Location *l = pb->location[i];
        struct prof_location *pl = &p->locations[i];
        pl->id = l->id;
        pl->address = l->address;
        pl->folded = l->is_folded;
        pl->mapping = PROF_NONE;
        if (fake) {
            pl->mapping = 0;
        } else if (l->mapping_id != 0 && !lookup(&mmap, mdense, pb->n_mapping, l->mapping_id, &pl->mapping)) {
            prof_errf(err, PROF_EDATA, "malformed profile: location id %" PRIu64 " refers to mapping id %" PRIu64
                      ", which does not exist", l->id, l->mapping_id);
            goto out;
        }
        pl->nlines = (uint32_t)l->n_line;
        pl->lines = ARENA_NEWN(a, struct prof_line, l->n_line);
        for (size_t j = 0; j < l->n_line; j++) {
            const Perftools__Profiles__Line *ln = l->line[j];
            if (!lookup(&fmap, fdense, pb->n_function, ln->function_id, &pl->lines[j].function)) {
                if (ln->function_id == 0)
                    prof_errf(err, PROF_EDATA, "malformed profile: location id %" PRIu64
                              " has a line with no function (function id 0)", l->id);
                else
                    prof_errf(err, PROF_EDATA, "malformed profile: location id %" PRIu64
                              " has a line referring to function id %" PRIu64 ", which does not exist",
                              l->id, ln->function_id);
                goto out;
            }
            pl->lines[j].line = ln->line;
            pl->lines[j].column = ln->column;
        }
    }

    if (pb->n_sample_type == 0 && pb->n_sample != 0) {
        prof_errf(err, PROF_EDATA, "malformed profile: %zu samples but no sample types", pb->n_sample);
        goto out;
    }
    p->nsamples = pb->n_sample;
    p->samples = ARENA_NEWN(a, struct prof_sample, pb->n_sample);
    st.cap = 1024;
    while (st.cap < pb->n_sample * 2)
        st.cap *= 2;
    st.slots = xcalloc(st.cap, sizeof(*st.slots));
    for (size_t i = 0; i < pb->n_sample; i++) {
        const Perftools__Profiles__Sample *s = pb->sample[i];
        struct prof_sample *ps = &p->samples[i];
        if (s->n_value != pb->n_sample_type) {
            prof_errf(err, PROF_EDATA, "malformed profile: sample %zu has %zu values but there are %zu sample types",
                      i, s->n_value, pb->n_sample_type);
            goto out;
        }
        ps->values = arena_alloc(a, s->n_value * sizeof(int64_t));
        memcpy(ps->values, s->value, s->n_value * sizeof(int64_t));
        ps->nlocs = (uint32_t)s->n_location_id;
        if (s->n_location_id > tmpcap) {
            tmpcap = s->n_location_id * 2;
            tmp = xrealloc(tmp, tmpcap * sizeof(uint32_t));
        }
        uint64_t h = HASH_SEED ^ s->n_location_id;
        for (size_t j = 0; j < s->n_location_id; j++) {
            if (!lookup(&lmap, ldense, pb->n_location, s->location_id[j], &tmp[j])) {
                prof_errf(err, PROF_EDATA, "malformed profile: sample %zu refers to location id %" PRIu64
                          ", which does not exist", i, s->location_id[j]);
                goto out;
            }
            h = hash_u64(h ^ tmp[j]);
        }
        /* Equal stacks share one array and one id, so reports can aggregate
         * samples per distinct stack instead of walking every sample. */
        ps->stack = intern_stack(&st, p, tmp, ps->nlocs, h, &ps->locs);
        size_t nl = 0;
        for (size_t j = 0; j < s->n_label; j++)
            if (s->label[j]->str != 0 || s->label[j]->num != 0 || s->label[j]->num_unit != 0)
                nl++;
        ps->labels = nl ? ARENA_NEWN(a, struct prof_label, nl) : NULL;
        ps->nlabels = 0;
        for (size_t j = 0; j < s->n_label; j++) {
            const Perftools__Profiles__Label *lb = s->label[j];
            if (lb->str == 0 && lb->num == 0 && lb->num_unit == 0)
                continue; /* pprof drops such labels */
            struct prof_label *pl = &ps->labels[ps->nlabels++];
            if (str_at(c, lb->key, &pl->key, "sample label", i, "key"))
                goto out;
            if (lb->str != 0) {
                if (str_at(c, lb->str, &pl->str, "sample label", i, "str"))
                    goto out;
                pl->unit = "";
            } else {
                pl->str = NULL;
                pl->num = lb->num;
                if (str_at(c, lb->num_unit, &pl->unit, "sample label", i, "num_unit"))
                    goto out;
            }
        }
    }
    p->nstacks = st.n;
    rc = 0;
out:
    free(tmp);
    free(st.slots);
    u64map_release(&mmap);
    u64map_release(&lmap);
    u64map_release(&fmap);
    return rc;
}

static struct profile *decode(const unsigned char *data, size_t len, struct prof_bytes *owned, struct prof_err *err);

struct profile *profile_decode(const unsigned char *data, size_t len, struct prof_err *err)
{
    return decode(data, len, NULL, err);
}

struct profile *profile_decode_bytes(struct prof_bytes *b, struct prof_err *err)
{
    struct profile *p = decode(b->data, b->len, b, err);
    prof_bytes_release(b);
    return p;
}

/* owned, when given, is released as soon as protobuf-c is done with it, so
 * the raw bytes and the model are never in memory together. */
static struct profile *decode(const unsigned char *data, size_t len, struct prof_bytes *owned, struct prof_err *err)
{
    if (len == 0) {
        prof_errf(err, PROF_EDATA, "parsing profile: empty input file");
        return NULL;
    }
    struct arena scratch;
    arena_init(&scratch, 1 << 20);
    ProtobufCAllocator alloc = {pb_alloc, pb_free, &scratch};
    Perftools__Profiles__Profile *pb = perftools__profiles__profile__unpack(&alloc, len, data);
    if (!pb) {
        arena_release(&scratch);
        /* Not profile.proto: the legacy formats are tried next, as pprof does. */
        struct prof_err lerr = {PROF_OK, ""};
        struct profile *lp = legacy_parse(data, len, &lerr);
        if (lp)
            return lp;
        if (lerr.code != PROF_OK) {
            *err = lerr;
            return NULL;
        }
        if (!looks_like_proto(data, len) || looks_like_text(data, len)) {
            unrecognized(data, len, err);
            return NULL;
        }
        if (wire_walk(data, 0, len, M_PROFILE, 0, err) == 0)
            prof_errf(err, PROF_EDATA, "parsing profile: malformed profile.proto data");
        else
            prof_err_prefix(err, "parsing profile");
        return NULL;
    }
    if (owned)
        prof_bytes_release(owned);
    struct profile *p = xcalloc(1, sizeof(*p));
    arena_init(&p->arena, 1 << 20);
    struct conv c = {p, pb, err};
    int rc = convert(&c);
    arena_release(&scratch);
    if (rc) {
        profile_free(&p);
        return NULL;
    }
    return p;
}
