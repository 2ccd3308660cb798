/*
 * decode.c: profile.proto bytes -> struct profile.
 *
 * One scan over the top-level fields finds every message; the small ones
 * (sample types, mappings, functions, locations) are unpacked by protobuf-c
 * into a scratch arena and copied into the profile's arena with wire ids
 * turned into dense indices; samples, most of any profile, are decoded by
 * hand straight into the profile's arena, and equal stacks are shared.  So
 * memory holds the input and the model, never a third copy.  protobuf-c says
 * only "failed" on bad input, so a small schema-aware walk over the wire
 * format finds the first concrete problem (offset, field) for the message.
 *
 * A big gzipped profile is decoded while it is inflated (profile_decode_stream):
 * the scan and the samples follow the inflater thread, with raw location ids
 * and label string indices that are resolved once the locations and strings
 * (which Go writes after the samples) are known.
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
static int wire_varint_slow(const unsigned char *d, size_t end, size_t *pos, uint64_t *v)
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

/* wire_varint_slow with the one- and two-byte cases (ids, small values, tags) inline. */
static inline int wire_varint(const unsigned char *d, size_t end, size_t *pos, uint64_t *v)
{
    size_t p = *pos;
    if (p < end && d[p] < 0x80) {
        *v = d[p];
        *pos = p + 1;
        return 0;
    }
    if (end - p >= 2 && d[p + 1] < 0x80) {
        *v = (uint64_t)(d[p] & 0x7f) | (uint64_t)d[p + 1] << 7;
        *pos = p + 2;
        return 0;
    }
    return wire_varint_slow(d, end, pos, v);
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

/* ---- the top-level scan ---- */

struct slice {
    size_t off, len;
};

struct slices {
    struct slice *v; /* owned */
    size_t n, cap;
};

static void slices_add(struct slices *s, size_t off, size_t len)
{
    xgrow(&s->v, &s->cap, s->n + 1, sizeof(*s->v));
    s->v[s->n].off = off;
    s->v[s->n].len = len;
    s->n++;
}

/* Where every top-level field of a Profile message is.  Repeated messages
 * and strings are kept as slices of the input; scalars are read. */
struct scan {
    struct slices sample_type, sample, mapping, location, function, strings;
    struct slice period_type;
    int has_period_type;
    int64_t *comments; /* owned */
    size_t ncomments, capcomments;
    int64_t drop_frames, keep_frames, time_nanos, duration_nanos, period, default_sample_type, doc_url;
    int time_seen;
};

static void scan_release(struct scan *sc)
{
    free(sc->sample_type.v);
    free(sc->sample.v);
    free(sc->mapping.v);
    free(sc->location.v);
    free(sc->function.v);
    free(sc->strings.v);
    free(sc->comments);
}

/* 0 = ok, -1 = the wire format is broken somewhere (the caller diagnoses),
 * -2 = a second time_nanos: two profiles were concatenated.  The scan starts
 * at *at; on -1 and -2, *at is left at the start of the field at fault (with
 * data still being inflated, a field that runs past len is scanned again
 * once there is more), on 0 at len. */
static int scan_fields(const unsigned char *d, size_t len, struct scan *sc, size_t *at)
{
    size_t pos = *at;
    for (; pos < len; *at = pos) {
        uint64_t key, v;
        if (wire_varint(d, len, &pos, &key))
            return -1;
        unsigned wt = (unsigned)(key & 7);
        uint64_t num = key >> 3;
        if (wt == 2) {
            if (wire_varint(d, len, &pos, &v) || v > len - pos)
                return -1;
            size_t off = pos, n = (size_t)v;
            pos += n;
            switch (num) {
            case 1: slices_add(&sc->sample_type, off, n); break;
            case 2: slices_add(&sc->sample, off, n); break;
            case 3: slices_add(&sc->mapping, off, n); break;
            case 4: slices_add(&sc->location, off, n); break;
            case 5: slices_add(&sc->function, off, n); break;
            case 6: slices_add(&sc->strings, off, n); break;
            case 11:
                sc->period_type.off = off;
                sc->period_type.len = n;
                sc->has_period_type = 1;
                break;
            case 13: {
                size_t q = off, n0 = sc->ncomments;
                while (q < off + n) {
                    if (wire_varint(d, off + n, &q, &v)) {
                        sc->ncomments = n0; /* the field is scanned again or not at all */
                        return -1;
                    }
                    xgrow(&sc->comments, &sc->capcomments, sc->ncomments + 1, sizeof(int64_t));
                    sc->comments[sc->ncomments++] = (int64_t)v;
                }
                break;
            }
            default:
                if (num >= 1 && num <= 15)
                    return -1; /* a scalar field sent length-delimited */
                break;         /* unknown fields are skipped */
            }
        } else if (wt == 0) {
            if (wire_varint(d, len, &pos, &v))
                return -1;
            switch (num) {
            case 7: sc->drop_frames = (int64_t)v; break;
            case 8: sc->keep_frames = (int64_t)v; break;
            case 9:
                if (sc->time_seen)
                    return -2;
                sc->time_seen = 1;
                sc->time_nanos = (int64_t)v;
                break;
            case 10: sc->duration_nanos = (int64_t)v; break;
            case 12: sc->period = (int64_t)v; break;
            case 13:
                xgrow(&sc->comments, &sc->capcomments, sc->ncomments + 1, sizeof(int64_t));
                sc->comments[sc->ncomments++] = (int64_t)v;
                break;
            case 14: sc->default_sample_type = (int64_t)v; break;
            case 15: sc->doc_url = (int64_t)v; break;
            default:
                if (num >= 1 && num <= 15)
                    return -1;
                break;
            }
        } else if (wt == 1 || wt == 5) {
            size_t n = wt == 1 ? 8 : 4;
            if (num >= 1 && num <= 15)
                return -1;
            if (len - pos < n)
                return -1;
            pos += n;
        } else {
            return -1;
        }
    }
    *at = pos;
    return 0;
}

static int scan_profile(const unsigned char *d, size_t len, struct scan *sc)
{
    size_t at = 0;
    return scan_fields(d, len, sc, &at);
}

/* ---- conversion into the profile model ---- */

struct conv {
    struct profile *p;
    const unsigned char *data;
    const struct scan *sc;
    char **strs;   /* the string table, in the profile arena */
    size_t nstrs;
    struct arena *scratch;
    struct prof_err *err;
    struct pre *pre; /* the samples decoded while inflating, or NULL */
};

static int str_at(struct conv *c, int64_t idx, const char **out, const char *what, size_t i, const char *field)
{
    if (idx < 0 || (uint64_t)idx >= c->nstrs) {
        if (i == SIZE_MAX)
            return prof_errf(c->err, PROF_EDATA, "parsing profile: %s: string index %" PRId64
                             " out of range (string table has %zu entries)",
                             field, idx, c->nstrs);
        return prof_errf(c->err, PROF_EDATA,
                         "parsing profile: %s[%zu].%s: string index %" PRId64
                         " out of range (string table has %zu entries)",
                         what, i, field, idx, c->nstrs);
    }
    *out = c->strs[idx];
    return 0;
}

/* Unpack one small message with protobuf-c; on failure explain the wire problem. */
static void *unpack_one(struct conv *c, const ProtobufCMessageDescriptor *desc, int wmsg, struct slice sl)
{
    ProtobufCAllocator alloc = {pb_alloc, pb_free, c->scratch};
    void *m = protobuf_c_message_unpack(desc, &alloc, sl.len, c->data + sl.off);
    if (!m) {
        if (wire_walk(c->data, sl.off, sl.off + sl.len, wmsg, 1, c->err) == 0)
            prof_errf(c->err, PROF_EDATA, "malformed %s message at offset %zu", wire_msgs[wmsg].name, sl.off);
        prof_err_prefix(c->err, "parsing profile");
    }
    return m;
}

/* The value of a field of wire type wt at *pos (the rest of next_field). */
static int field_value(const unsigned char *d, size_t end, size_t *pos, unsigned wt, uint64_t *v, struct slice *sub)
{
    switch (wt) {
    case 0:
        return wire_varint(d, end, pos, v) ? -1 : 0;
    case 1:
    case 5: {
        size_t n = wt == 1 ? 8 : 4;
        if (end - *pos < n)
            return -1;
        *pos += n;
        return 0;
    }
    case 2:
        if (wire_varint(d, end, pos, v) || *v > end - *pos)
            return -1;
        sub->off = *pos;
        sub->len = (size_t)*v;
        *pos += (size_t)*v;
        return 0;
    default:
        return -1;
    }
}

/*
 * The next field of a message in [*pos, end): its number, wire type and
 * value (varint) or contents (length-delimited); fixed-width fields are
 * skipped.  0: a field was read; 1: end of the message; -1: malformed (the
 * caller has wire_walk say how).
 */
static int next_field(const unsigned char *d, size_t end, size_t *pos, uint64_t *num, unsigned *wt, uint64_t *v,
                      struct slice *sub)
{
    if (*pos >= end)
        return 1;
    uint64_t key;
    if (wire_varint(d, end, pos, &key))
        return -1;
    *num = key >> 3;
    *wt = (unsigned)(key & 7);
    if (*num == 0)
        return -1;
    return field_value(d, end, pos, *wt, v, sub);
}

/* Location, decoded by hand: there are as many as there are distinct
 * addresses, and protobuf-c spends thousands of instructions on each. */
struct loc_fields {
    uint64_t id, mapping_id, address;
    bool folded;
    size_t nlines;
};

/* Scratch for the lines of one location. */
struct line_tmp {
    uint64_t *fid;
    int64_t *line, *column;
    size_t cap;
};

static int decode_location(struct conv *c, struct slice sl, struct loc_fields *l, struct line_tmp *t)
{
    const unsigned char *d = c->data;
    size_t pos = sl.off, end = sl.off + sl.len;
    memset(l, 0, sizeof(*l));
    for (;;) {
        uint64_t num = 0, v = 0;
        unsigned wt = 0;
        struct slice sub = {0, 0};
        int r = next_field(d, end, &pos, &num, &wt, &v, &sub);
        if (r == 1)
            return 0;
        if (r < 0)
            break;
        if (num >= 1 && num <= 5 && wt != (num == 4 ? 2u : 0u))
            break;
        switch (num) {
        case 1: l->id = v; break;
        case 2: l->mapping_id = v; break;
        case 3: l->address = v; break;
        case 5: l->folded = v != 0; break;
        case 4: {
            if (l->nlines == t->cap) {
                t->cap = t->cap ? 2 * t->cap : 8;
                t->fid = xrealloc(t->fid, t->cap * sizeof(uint64_t));
                t->line = xrealloc(t->line, t->cap * sizeof(int64_t));
                t->column = xrealloc(t->column, t->cap * sizeof(int64_t));
            }
            uint64_t fid = 0, line = 0, column = 0;
            size_t q = sub.off, qend = sub.off + sub.len;
            int r2;
            uint64_t n2 = 0, v2 = 0;
            unsigned wt2 = 0;
            struct slice sub2 = {0, 0};
            while ((r2 = next_field(d, qend, &q, &n2, &wt2, &v2, &sub2)) == 0) {
                if (n2 >= 1 && n2 <= 3 && wt2 != 0)
                    r2 = -1;
                if (r2 < 0)
                    break;
                if (n2 == 1)
                    fid = v2;
                else if (n2 == 2)
                    line = v2;
                else if (n2 == 3)
                    column = v2;
            }
            if (r2 < 0)
                goto wire;
            t->fid[l->nlines] = fid;
            t->line[l->nlines] = (int64_t)line;
            t->column[l->nlines] = (int64_t)column;
            l->nlines++;
            break;
        }
        default: break; /* unknown field */
        }
    }
wire:
    if (wire_walk(d, sl.off, end, M_LOCATION, 1, c->err) == 0)
        prof_errf(c->err, PROF_EDATA, "malformed %s message at offset %zu", wire_msgs[M_LOCATION].name, sl.off);
    prof_err_prefix(c->err, "parsing profile");
    return -1;
}

/* Build id -> dense index; ids must be non-zero and unique. */
static int index_ids(struct conv *c, struct u64map *m, size_t n, const uint64_t *ids, const char *what, int *dense)
{
    *dense = 1;
    for (size_t i = 0; i < n; i++)
        if (ids[i] != i + 1) {
            *dense = 0;
            break;
        }
    u64map_init(m, *dense ? 0 : n);
    if (*dense)
        return 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t id = ids[i];
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

static inline int lookup(const struct u64map *m, int dense, size_t n, uint64_t id, uint32_t *out)
{
    if (dense) {
        if (id == 0 || id > n)
            return 0;
        *out = (uint32_t)(id - 1);
        return 1;
    }
    return u64map_get(m, id, out);
}

/* Distinct stacks: an open-addressing table of (hash, shared array, id). */
struct stack_slot {
    uint64_t hash;
    uint32_t *locs; /* the shared array; NULL = empty slot */
    uint32_t n;
    uint32_t id;
};

struct stack_table {
    struct stack_slot *slots; /* owned */
    size_t cap;               /* power of two, more than twice the stacks */
    uint32_t n;               /* distinct stacks so far */
};

static void stack_table_init(struct stack_table *st, size_t nsamples)
{
    st->cap = 1024;
    while (st->cap < nsamples * 2)
        st->cap *= 2;
    st->slots = xcalloc(st->cap, sizeof(*st->slots));
    st->n = 0;
}

static void stack_slot_put(struct stack_table *st, const struct stack_slot *in)
{
    size_t mask = st->cap - 1;
    for (size_t i = in->hash & mask;; i = (i + 1) & mask)
        if (!st->slots[i].locs) {
            st->slots[i] = *in;
            return;
        }
}

static uint32_t intern_stack(struct stack_table *st, struct profile *p, const uint32_t *locs, uint32_t n, uint64_t h,
                             uint32_t **out)
{
    if ((size_t)st->n * 2 + 2 > st->cap) {
        /* Only the streaming decode, which does not know the number of
         * samples in advance, gets here. */
        struct stack_table old = *st;
        st->cap *= 2;
        st->slots = xcalloc(st->cap, sizeof(*st->slots));
        for (size_t i = 0; i < old.cap; i++)
            if (old.slots[i].locs)
                stack_slot_put(st, &old.slots[i]);
        free(old.slots);
    }
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
            *out = s->locs;
            return s->id;
        }
    }
}

/* A label as the streaming decode keeps it until the string table is known:
 * string indices.  An array of them becomes, in place and in order, the
 * array of struct prof_label (no larger: label k is written where raw labels
 * up to k were, once they are read). */
struct raw_label {
    int64_t key, str, num, unit;
};
_Static_assert(sizeof(struct raw_label) >= sizeof(struct prof_label), "raw labels are turned into labels in place");

/* Scratch buffers reused across samples. */
struct sample_tmp {
    uint32_t *locs;
    size_t ncap;
    int64_t *vals;
    size_t vcap;
    struct prof_label *labels;
    size_t lcap;
    struct raw_label *raw;
    size_t rcap;
    size_t nvals;     /* of the last sample decoded */
    size_t want_vals; /* raw: the values every sample must have (SIZE_MAX: not known yet) */
};

/*
 * Decode one Sample message (hand-written: samples are most of a profile)
 * into *ps.  raw (the streaming decode, before the locations and strings are
 * known): location ids are kept as they are (they must fit 32 bits; stacks
 * are interned on them), labels as struct raw_label, the number of values is
 * not checked, and any problem returns -1 without a message: the sample is
 * then decoded again, with the message, by the ordinary path.
 */
static int decode_sample(struct conv *c, struct slice sl, size_t idx, const struct u64map *lmap, int ldense,
                         struct stack_table *st, struct sample_tmp *t, bool raw, struct prof_sample *ps)
{
    struct profile *p = c->p;
    const unsigned char *d = c->data;
    size_t pos = sl.off, end = sl.off + sl.len;
    size_t nlocs = 0, nvals = 0, nlabels = 0;
    uint64_t h = HASH_SEED;
    while (pos < end) {
        uint64_t key, v;
        if (wire_varint(d, end, &pos, &key))
            goto wire;
        unsigned wt = (unsigned)(key & 7);
        uint64_t num = key >> 3;
        if ((num == 1 || num == 2) && (wt == 0 || wt == 2)) {
            size_t q = pos, qend = end;
            if (wt == 2) {
                if (wire_varint(d, end, &pos, &v) || v > end - pos)
                    goto wire;
                q = pos;
                qend = pos + (size_t)v;
                pos = qend;
                if (q == qend)
                    continue; /* an empty packed field: valid protobuf */
            }
            /* Room for every value the field can hold (at least a byte each). */
            size_t room = wt == 2 ? qend - q : 1;
            if (num == 1)
                xgrow(&t->locs, &t->ncap, nlocs + room, sizeof(uint32_t));
            else
                xgrow(&t->vals, &t->vcap, nvals + room, sizeof(int64_t));
            do {
                if (wire_varint(d, qend, &q, &v))
                    goto wire;
                if (num == 1) {
                    if (raw) {
                        if (v > UINT32_MAX)
                            return -1;
                        t->locs[nlocs] = (uint32_t)v;
                    } else if (!lookup(lmap, ldense, p->nlocations, v, &t->locs[nlocs])) {
                        return prof_errf(c->err, PROF_EDATA, "malformed profile: sample %zu refers to location id %"
                                         PRIu64 ", which does not exist", idx, v);
                    }
                    h = hash_u64(h ^ t->locs[nlocs]);
                    nlocs++;
                } else {
                    t->vals[nvals++] = (int64_t)v;
                }
            } while (wt == 2 && q < qend);
            if (wt == 0)
                pos = q;
        } else if (num == 3 && wt == 2) {
            if (wire_varint(d, end, &pos, &v) || v > end - pos)
                goto wire;
            size_t q = pos, qend = pos + (size_t)v;
            pos = qend;
            int64_t f[5] = {0, 0, 0, 0, 0};
            while (q < qend) {
                uint64_t k2, v2;
                if (wire_varint(d, qend, &q, &k2))
                    goto wire;
                if ((k2 & 7) != 0 || (k2 >> 3) == 0)
                    goto wire;
                if (wire_varint(d, qend, &q, &v2))
                    goto wire;
                if ((k2 >> 3) <= 4)
                    f[k2 >> 3] = (int64_t)v2;
            }
            if (f[2] == 0 && f[3] == 0 && f[4] == 0)
                continue; /* pprof drops such labels */
            if (raw) {
                xgrow(&t->raw, &t->rcap, nlabels + 1, sizeof(struct raw_label));
                struct raw_label *rl = &t->raw[nlabels++];
                rl->key = f[1];
                rl->str = f[2];
                rl->num = f[3];
                rl->unit = f[4];
                continue;
            }
            xgrow(&t->labels, &t->lcap, nlabels + 1, sizeof(struct prof_label));
            struct prof_label *pl = &t->labels[nlabels++];
            if (str_at(c, f[1], &pl->key, "sample label", idx, "key"))
                return -1;
            if (f[2] != 0) {
                if (str_at(c, f[2], &pl->str, "sample label", idx, "str"))
                    return -1;
                pl->num = 0;
                pl->unit = "";
            } else {
                pl->str = NULL;
                pl->num = f[3];
                if (str_at(c, f[4], &pl->unit, "sample label", idx, "num_unit"))
                    return -1;
            }
        } else if (num >= 1 && num <= 3) {
            goto wire;
        } else {
            struct slice skip; /* unknown field: skip it */
            if (field_value(d, end, &pos, wt, &v, &skip))
                goto wire;
        }
    }
    if (raw) {
        if (t->want_vals != SIZE_MAX && nvals != t->want_vals)
            return -1;
    } else if (nvals != p->nsample_types)
        return prof_errf(c->err, PROF_EDATA,
                         "malformed profile: sample %zu has %zu values but there are %zu sample types", idx, nvals,
                         p->nsample_types);
    t->nvals = nvals;
    ps->values = arena_alloc(&p->arena, (nvals ? nvals : 1) * sizeof(int64_t));
    if (nvals)
        memcpy(ps->values, t->vals, nvals * sizeof(int64_t));
    ps->nlocs = (uint32_t)nlocs;
    /* Equal stacks share one array and one id, so reports can aggregate
     * samples per distinct stack instead of walking every sample. */
    ps->stack = intern_stack(st, p, t->locs, ps->nlocs, h ^ nlocs, &ps->locs);
    ps->nlabels = (uint32_t)nlabels;
    ps->labels = NULL;
    if (nlabels && raw) {
        ps->labels = arena_alloc(&p->arena, nlabels * sizeof(struct raw_label));
        memcpy(ps->labels, t->raw, nlabels * sizeof(struct raw_label));
    } else if (nlabels) {
        ps->labels = arena_alloc(&p->arena, nlabels * sizeof(struct prof_label));
        memcpy(ps->labels, t->labels, nlabels * sizeof(struct prof_label));
    }
    return 0;
wire:
    if (raw)
        return -1;
    if (wire_walk(d, sl.off, end, M_SAMPLE, 1, c->err) == 0)
        prof_errf(c->err, PROF_EDATA, "malformed Sample message at offset %zu", sl.off);
    prof_err_prefix(c->err, "parsing profile");
    return -1;
}

/* ---- samples decoded while the profile is being inflated ---- */

#define PRE_CHUNK ((size_t)1 << 14)

/* Samples decoded raw (see decode_sample) by the streaming decode, in
 * chunks (the profile's sample array is allocated once the count is known). */
struct pre {
    struct prof_sample **chunks; /* owned, each owned */
    size_t nchunks;
    size_t n;              /* samples decoded */
    bool stopped;          /* sample n could not be: it and the rest go the ordinary way */
    struct stack_table st; /* stacks of raw location ids */
    struct sample_tmp tmp;
};

static void pre_init(struct pre *pr)
{
    memset(pr, 0, sizeof(*pr));
    stack_table_init(&pr->st, 0);
    pr->tmp.want_vals = SIZE_MAX;
}

static void pre_release(struct pre *pr)
{
    for (size_t i = 0; i < pr->nchunks; i++)
        free(pr->chunks[i]);
    free(pr->chunks);
    free(pr->st.slots);
    free(pr->tmp.locs);
    free(pr->tmp.vals);
    free(pr->tmp.labels);
    free(pr->tmp.raw);
}

static inline struct prof_sample *pre_at(struct pre *pr, size_t i)
{
    return &pr->chunks[i / PRE_CHUNK][i % PRE_CHUNK];
}

/* Decode the samples scanned so far, until one cannot be. */
static void pre_step(struct conv *c, struct pre *pr)
{
    const struct slices *ss = &c->sc->sample;
    while (!pr->stopped && pr->n < ss->n) {
        if (pr->n == pr->nchunks * PRE_CHUNK) {
            pr->chunks = xrealloc(pr->chunks, (pr->nchunks + 1) * sizeof(*pr->chunks));
            pr->chunks[pr->nchunks++] = xmalloc(PRE_CHUNK * sizeof(struct prof_sample));
        }
        if (decode_sample(c, ss->v[pr->n], pr->n, NULL, 0, &pr->st, &pr->tmp, true, pre_at(pr, pr->n))) {
            pr->stopped = true;
            break;
        }
        pr->tmp.want_vals = pr->tmp.nvals;
        pr->n++;
    }
}

static bool str_ok(const struct conv *c, int64_t idx)
{
    return idx >= 0 && (uint64_t)idx < c->nstrs;
}

/*
 * The streamed samples into the profile, now that the locations and strings
 * are known: stack arrays get dense location indices (in place), labels
 * their strings.  The first sample that the ordinary decode would reject is
 * decoded again by it, for its message.  st: the ordinary decode's table,
 * holding the streamed stacks, if samples are left for it.
 */
static int pre_commit(struct conv *c, struct pre *pr, const struct u64map *lmap, int ldense, struct stack_table *st,
                      struct sample_tmp *tmp)
{
    struct profile *p = c->p;
    struct stack_table *rs = &pr->st;
    unsigned char *bad = xcalloc(rs->n + 1, 1);
    for (size_t i = 0; i < rs->cap; i++) {
        struct stack_slot *s = &rs->slots[i];
        if (s->locs)
            for (uint32_t j = 0; j < s->n; j++)
                if (!lookup(lmap, ldense, p->nlocations, s->locs[j], &s->locs[j])) {
                    bad[s->id] = 1;
                    break;
                }
    }
    int rc = 0;
    for (size_t i = 0; i < pr->n; i++) {
        struct prof_sample *ps = pre_at(pr, i);
        bool ok = pr->tmp.want_vals == p->nsample_types && !bad[ps->stack];
        for (uint32_t k = 0; ok && k < ps->nlabels; k++) {
            struct raw_label r;
            memcpy(&r, (const unsigned char *)ps->labels + k * sizeof(r), sizeof(r));
            ok = str_ok(c, r.key) && str_ok(c, r.str != 0 ? r.str : r.unit);
            if (ok) {
                struct prof_label *pl = &ps->labels[k];
                pl->key = c->strs[r.key];
                pl->str = r.str != 0 ? c->strs[r.str] : NULL;
                pl->num = r.str != 0 ? 0 : r.num;
                pl->unit = r.str != 0 ? "" : c->strs[r.unit];
            }
        }
        if (!ok) {
            /* The ordinary decode says what is wrong. */
            struct stack_table one;
            stack_table_init(&one, 0);
            int r = decode_sample(c, c->sc->sample.v[i], i, lmap, ldense, &one, tmp, false, &p->samples[i]);
            free(one.slots);
            if (r == 0)
                BUG("sample %zu: the streamed and the ordinary decode disagree", i);
            rc = -1;
            break;
        }
        p->samples[i] = *ps;
        if ((i + 1) % PRE_CHUNK == 0) { /* this chunk is done */
            free(pr->chunks[i / PRE_CHUNK]);
            pr->chunks[i / PRE_CHUNK] = NULL;
        }
    }
    free(bad);
    if (rc || pr->n == c->sc->sample.n) {
        st->n = rs->n;
        return rc;
    }
    /* Samples are left for the ordinary decode: it goes on with the streamed
     * stacks, hashed on their dense indices as it hashes. */
    stack_table_init(st, c->sc->sample.n);
    for (size_t i = 0; i < rs->cap; i++) {
        struct stack_slot s = rs->slots[i];
        if (!s.locs)
            continue;
        uint64_t h = HASH_SEED;
        for (uint32_t j = 0; j < s.n; j++)
            h = hash_u64(h ^ s.locs[j]);
        s.hash = h ^ s.n;
        stack_slot_put(st, &s);
    }
    st->n = rs->n;
    return 0;
}

static int convert(struct conv *c)
{
    const struct scan *sc = c->sc;
    struct profile *p = c->p;
    struct arena *a = &p->arena;
    struct prof_err *err = c->err;
    const unsigned char *d = c->data;

    if (sc->strings.n == 0)
        return prof_errf(err, PROF_EDATA, "parsing profile: the string table is empty (entry 0 must be \"\")");
    if (sc->strings.v[0].len != 0)
        return prof_errf(err, PROF_EDATA, "parsing profile: string_table[0] must be \"\", not \"%.*s\"",
                         (int)(sc->strings.v[0].len > 40 ? 40 : sc->strings.v[0].len),
                         (const char *)d + sc->strings.v[0].off);
    if (sc->mapping.n >= PROF_NONE || sc->location.n >= PROF_NONE || sc->function.n >= PROF_NONE ||
        sc->sample.n >= PROF_NONE)
        return prof_errf(err, PROF_EDATA, "parsing profile: too many samples, mappings, locations or functions");

    /* Strings are copied once into the profile arena, in one block. */
    size_t total = 0;
    for (size_t i = 0; i < sc->strings.n; i++)
        total += sc->strings.v[i].len + 1;
    char *blob = arena_alloc(a, total);
    c->strs = arena_alloc(a, sc->strings.n * sizeof(char *));
    c->nstrs = sc->strings.n;
    for (size_t i = 0, off = 0; i < sc->strings.n; i++) {
        size_t n = sc->strings.v[i].len;
        memcpy(blob + off, d + sc->strings.v[i].off, n);
        blob[off + n] = 0;
        c->strs[i] = blob + off;
        off += n + 1;
    }

    p->nsample_types = sc->sample_type.n;
    p->sample_types = ARENA_NEWN(a, struct prof_valuetype, sc->sample_type.n);
    for (size_t i = 0; i < sc->sample_type.n; i++) {
        Perftools__Profiles__ValueType *vt =
            unpack_one(c, &perftools__profiles__value_type__descriptor, M_VALUETYPE, sc->sample_type.v[i]);
        if (!vt || str_at(c, vt->type, &p->sample_types[i].type, "sample_type", i, "type") ||
            str_at(c, vt->unit, &p->sample_types[i].unit, "sample_type", i, "unit"))
            return -1;
    }
    p->period_type.type = p->period_type.unit = "";
    if (sc->has_period_type) {
        Perftools__Profiles__ValueType *vt =
            unpack_one(c, &perftools__profiles__value_type__descriptor, M_VALUETYPE, sc->period_type);
        if (!vt || str_at(c, vt->type, &p->period_type.type, "period_type", SIZE_MAX, "period_type.type") ||
            str_at(c, vt->unit, &p->period_type.unit, "period_type", SIZE_MAX, "period_type.unit"))
            return -1;
    }
    if (str_at(c, sc->drop_frames, &p->drop_frames, "", SIZE_MAX, "drop_frames") ||
        str_at(c, sc->keep_frames, &p->keep_frames, "", SIZE_MAX, "keep_frames") ||
        str_at(c, sc->default_sample_type, &p->default_sample_type, "", SIZE_MAX, "default_sample_type") ||
        str_at(c, sc->doc_url, &p->doc_url, "", SIZE_MAX, "doc_url"))
        return -1;
    p->time_nanos = sc->time_nanos;
    p->duration_nanos = sc->duration_nanos;
    p->period = sc->period;
    p->ncomments = sc->ncomments;
    p->comments = ARENA_NEWN(a, const char *, sc->ncomments);
    for (size_t i = 0; i < sc->ncomments; i++)
        if (str_at(c, sc->comments[i], &p->comments[i], "comment", i, "index"))
            return -1;

    struct u64map mmap, lmap, fmap;
    int mdense, ldense, fdense, rc = -1;
    memset(&mmap, 0, sizeof(mmap));
    memset(&lmap, 0, sizeof(lmap));
    memset(&fmap, 0, sizeof(fmap));
    struct stack_table st = {NULL, 0, 0};
    struct sample_tmp tmp;
    memset(&tmp, 0, sizeof(tmp));
    struct line_tmp lt;
    memset(&lt, 0, sizeof(lt));
    size_t nmax = sc->mapping.n > sc->location.n ? sc->mapping.n : sc->location.n;
    if (sc->function.n > nmax)
        nmax = sc->function.n;
    uint64_t *ids = xmalloc((nmax + 1) * sizeof(uint64_t));

    /* Mappings, functions and locations: protobuf-c, through the scratch arena. */
    Perftools__Profiles__Mapping **pm = arena_alloc(c->scratch, (sc->mapping.n + 1) * sizeof(void *));
    for (size_t i = 0; i < sc->mapping.n; i++) {
        pm[i] = unpack_one(c, &perftools__profiles__mapping__descriptor, M_MAPPING, sc->mapping.v[i]);
        if (!pm[i])
            goto out;
        ids[i] = pm[i]->id;
    }
    if (index_ids(c, &mmap, sc->mapping.n, ids, "mapping", &mdense))
        goto out;
    Perftools__Profiles__Function **pf = arena_alloc(c->scratch, (sc->function.n + 1) * sizeof(void *));
    for (size_t i = 0; i < sc->function.n; i++) {
        pf[i] = unpack_one(c, &perftools__profiles__function__descriptor, M_FUNCTION, sc->function.v[i]);
        if (!pf[i])
            goto out;
        ids[i] = pf[i]->id;
    }
    if (index_ids(c, &fmap, sc->function.n, ids, "function", &fdense))
        goto out;

    /* A profile without mappings gets one empty mapping, as pprof adds. */
    int fake = sc->mapping.n == 0;
    p->nmappings = fake ? 1 : sc->mapping.n;
    p->mappings = ARENA_NEWN(a, struct prof_mapping, p->nmappings);
    if (fake) {
        p->mappings[0].id = 1;
        p->mappings[0].file = p->mappings[0].build_id = "";
    }
    for (size_t i = 0; i < sc->mapping.n; i++) {
        const Perftools__Profiles__Mapping *m = pm[i];
        struct prof_mapping *q = &p->mappings[i];
        q->id = m->id;
        q->start = m->memory_start;
        q->limit = m->memory_limit;
        q->offset = m->file_offset;
        if (str_at(c, m->filename, &q->file, "mapping", i, "filename") ||
            str_at(c, m->build_id, &q->build_id, "mapping", i, "build_id"))
            goto out;
        q->has_functions = m->has_functions;
        q->has_filenames = m->has_filenames;
        q->has_line_numbers = m->has_line_numbers;
        q->has_inline_frames = m->has_inline_frames;
    }

    p->nfunctions = sc->function.n;
    p->functions = ARENA_NEWN(a, struct prof_function, sc->function.n);
    for (size_t i = 0; i < sc->function.n; i++) {
        const Perftools__Profiles__Function *f = pf[i];
        struct prof_function *q = &p->functions[i];
        q->id = f->id;
        q->start_line = f->start_line;
        if (str_at(c, f->name, &q->name, "function", i, "name") ||
            str_at(c, f->system_name, &q->system_name, "function", i, "system_name") ||
            str_at(c, f->filename, &q->filename, "function", i, "filename"))
            goto out;
    }

    p->nlocations = sc->location.n;
    p->locations = ARENA_NEWN(a, struct prof_location, sc->location.n);
    for (size_t i = 0; i < sc->location.n; i++) {
        struct loc_fields lf, *l = &lf;
        if (decode_location(c, sc->location.v[i], l, &lt))
            goto out;
        ids[i] = l->id;
        struct prof_location *pl = &p->locations[i];
        pl->id = l->id;
        pl->address = l->address;
        pl->folded = l->folded;
        pl->mapping = PROF_NONE;
        if (fake) {
            pl->mapping = 0;
        } else if (l->mapping_id != 0 && !lookup(&mmap, mdense, sc->mapping.n, l->mapping_id, &pl->mapping)) {
            prof_errf(err, PROF_EDATA, "malformed profile: location id %" PRIu64 " refers to mapping id %" PRIu64
                      ", which does not exist", l->id, l->mapping_id);
            goto out;
        }
        pl->nlines = (uint32_t)l->nlines;
        pl->lines = ARENA_NEWN(a, struct prof_line, l->nlines);
        for (size_t j = 0; j < l->nlines; j++) {
            if (!lookup(&fmap, fdense, sc->function.n, lt.fid[j], &pl->lines[j].function)) {
                if (lt.fid[j] == 0)
                    prof_errf(err, PROF_EDATA, "malformed profile: location id %" PRIu64
                              " has a line with no function (function id 0)", l->id);
                else
                    prof_errf(err, PROF_EDATA, "malformed profile: location id %" PRIu64
                              " has a line referring to function id %" PRIu64 ", which does not exist",
                              l->id, lt.fid[j]);
                goto out;
            }
            pl->lines[j].line = lt.line[j];
            pl->lines[j].column = lt.column[j];
        }
    }
    if (index_ids(c, &lmap, sc->location.n, ids, "location", &ldense))
        goto out;
    /* The small messages are done: their protobuf-c copies can go. */
    arena_reset(c->scratch);

    if (sc->sample_type.n == 0 && sc->sample.n != 0) {
        prof_errf(err, PROF_EDATA, "malformed profile: %zu samples but no sample types", sc->sample.n);
        goto out;
    }
    p->nsamples = sc->sample.n;
    p->samples = ARENA_NEWN(a, struct prof_sample, sc->sample.n);
    size_t first = 0; /* samples decoded while inflating */
    if (c->pre && c->pre->n) {
        if (pre_commit(c, c->pre, &lmap, ldense, &st, &tmp))
            goto out;
        first = c->pre->n;
    } else {
        stack_table_init(&st, sc->sample.n);
    }
    for (size_t i = first; i < sc->sample.n; i++)
        if (decode_sample(c, sc->sample.v[i], i, &lmap, ldense, &st, &tmp, false, &p->samples[i]))
            goto out;
    p->nstacks = st.n;
    rc = 0;
out:
    free(ids);
    free(tmp.locs);
    free(tmp.vals);
    free(tmp.labels);
    free(tmp.raw);
    free(lt.fid);
    free(lt.line);
    free(lt.column);
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

static struct profile *not_proto(const unsigned char *data, size_t len, struct prof_err *err)
{
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

/* The model is built straight from the input: one scan finds every top-level
 * field, the small messages go through protobuf-c, samples are decoded by
 * hand into the profile's arena.  owned (unused: the input must stay until
 * the samples are decoded) is kept for callers that hand over the bytes. */
static struct profile *decode(const unsigned char *data, size_t len, struct prof_bytes *owned, struct prof_err *err)
{
    (void)owned;
    if (len == 0) {
        prof_errf(err, PROF_EDATA, "parsing profile: empty input file");
        return NULL;
    }
    struct scan sc;
    memset(&sc, 0, sizeof(sc));
    int r = scan_profile(data, len, &sc);
    if (r == -2) {
        scan_release(&sc);
        prof_errf(err, PROF_EDATA, "parsing profile: concatenated profiles detected");
        return NULL;
    }
    if (r != 0 || (sc.strings.n == 0 && !looks_like_proto(data, len)) || looks_like_text(data, len)) {
        scan_release(&sc);
        return not_proto(data, len, err);
    }
    struct arena scratch;
    arena_init(&scratch, 1 << 16);
    struct profile *p = xcalloc(1, sizeof(*p));
    /* Blocks grow to 8 MiB; a big profile's samples fill them densely. */
    arena_init(&p->arena, 1 << 20);
    struct conv c = {p, data, &sc, NULL, 0, &scratch, err, NULL};
    int rc = convert(&c);
    arena_release(&scratch);
    scan_release(&sc);
    if (rc) {
        profile_free(&p);
        return NULL;
    }
    return p;
}

/*
 * Decode while the profile is being inflated (read_inflate_start): the
 * top-level scan and the samples (which Go writes before the locations and
 * the strings) follow the inflater, waiting only when they catch up with it;
 * the rest of the conversion runs once the inflation is done.  Nothing is
 * said before that: an inflate error is the error, as when the whole file is
 * inflated first, and a profile that the streamed scan does not take in one
 * go (not profile.proto, malformed, concatenated, or the inflater stopped
 * early) is decoded again by profile_decode_bytes(), for the same result.
 */
struct profile *profile_decode_stream(struct read_stream *rs, struct prof_err *err)
{
    const unsigned char *d = read_stream_data(rs);
    struct scan sc;
    memset(&sc, 0, sizeof(sc));
    struct pre pr;
    pre_init(&pr);
    struct profile *p = xcalloc(1, sizeof(*p));
    arena_init(&p->arena, 1 << 20);
    struct conv c = {p, d, &sc, NULL, 0, NULL, err, &pr};
    size_t at = 0, avail = 0;
    int state = 0, r = 0;
    bool ok = true, text_checked = false;
    for (;;) {
        avail = read_stream_wait(rs, avail + 1, &state);
        if (state < 0) {
            ok = false;
            break;
        }
        if (!text_checked && (avail >= 512 || state == 1)) {
            text_checked = true;
            if (looks_like_text(d, avail)) {
                ok = false;
                break;
            }
        }
        r = scan_fields(d, avail, &sc, &at);
        if (r == -2) {
            ok = false;
            break;
        }
        pre_step(&c, &pr);
        if (state == 1)
            break;
    }
    struct prof_bytes b;
    int rc = read_inflate_finish(rs, &b, err);
    if (!rc && ok && r == 0 && b.len != 0 && (sc.strings.n != 0 || looks_like_proto(b.data, b.len))) {
        if (b.data != d)
            BUG("the inflated profile moved under the streaming decode");
        struct arena scratch;
        arena_init(&scratch, 1 << 16);
        c.scratch = &scratch;
        rc = convert(&c);
        arena_release(&scratch);
        scan_release(&sc);
        pre_release(&pr);
        prof_bytes_release(&b);
        if (rc)
            profile_free(&p);
        return p;
    }
    scan_release(&sc);
    pre_release(&pr);
    profile_free(&p);
    if (rc)
        return NULL;
    return profile_decode_bytes(&b, err);
}
