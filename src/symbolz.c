/*
 * symbolz.c: see symbolz.h.  After pprof's internal/symbolz
 * (symbolizeMapping, adjust); the request through fetch_post (src/fetch.c).
 */
#include "prof/symbolz.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof/fetch.h"
#include "prof/hashmap.h"
#include "prof/read.h"
#include "prof/strbuf.h"
#include "prof/util.h"

/* RE2's \s. */
static bool re2_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

/*
 * The leftmost match of `(0x[[:xdigit:]]+)\s+(.*)` in line[0..n) (which ends
 * with its '\n'): the hex digits and the name.  The digits run is maximal
 * (a digit cannot be whitespace), \s+ takes every blank after it, and the
 * name runs to the end of the line.
 */
static bool match_line(const char *line, size_t n, size_t *hex, size_t *hexlen, size_t *name, size_t *namelen)
{
    for (size_t i = 0; i + 2 < n; i++) {
        if (line[i] != '0' || line[i + 1] != 'x' || hex_digit((unsigned char)line[i + 2]) < 0)
            continue;
        size_t j = i + 2;
        while (j < n && hex_digit((unsigned char)line[j]) >= 0)
            j++;
        if (j == n || !re2_space(line[j]))
            continue;
        size_t k = j;
        while (k < n && re2_space(line[k]))
            k++;
        size_t e = k;
        while (e < n && line[e] != '\n')
            e++;
        *hex = i + 2;
        *hexlen = j - i - 2;
        *name = k;
        *namelen = e - k;
        return true;
    }
    return false;
}

int symbolz_parse(const char *body, size_t len, symbolz_fn fn, void *arg, struct prof_err *err)
{
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(body + pos, '\n', len - pos);
        if (!nl)
            break; /* pprof reads whole lines only */
        const char *line = body + pos;
        size_t n = (size_t)(nl - line) + 1;
        pos += n;
        size_t hex, hexlen, name, namelen;
        if (!match_line(line, n, &hex, &hexlen, &name, &namelen))
            continue;
        /* strconv.ParseUint(s, 0, 64) */
        uint64_t v = 0;
        bool range = false;
        for (size_t k = 0; k < hexlen; k++) {
            if (v >> 60)
                range = true;
            v = v << 4 | (uint64_t)hex_digit((unsigned char)line[hex + k]);
        }
        if (range)
            return prof_errf(err, PROF_EDATA,
                             "unexpected parse failure 0x%.*s: strconv.ParseUint: parsing \"0x%.*s\": value out of range",
                             (int)hexlen, line + hex, (int)hexlen, line + hex);
        if (fn(arg, v, line + name, namelen, err))
            return -1;
    }
    return 0;
}

/* pprof's adjust: addr moved by the signed offset, false when that wraps around. */
static bool adjust(uint64_t addr, int64_t offset, uint64_t *out)
{
    uint64_t adj = addr + (uint64_t)offset;
    if (offset < 0 ? adj >= addr : adj < addr)
        return false;
    *out = adj;
    return true;
}

struct answer {
    int64_t offset;
    /* New functions, by name (a hash of the name -> index in names). */
    char **names;
    size_t nnames, capnames;
    struct u64map byname;
    /* Address (as in the profile) -> index in names; the last answer for an address wins. */
    struct u64map lines;
};

static uint64_t name_hash(const char *s, size_t n) { return hash_u64(hash_bytes(HASH_SEED, s, n)); }

static int on_symbol(void *arg, uint64_t addr, const char *name, size_t len, struct prof_err *err)
{
    struct answer *a = arg;
    uint64_t at;
    /* Go negates the int64 offset with wrap-around; so does this. */
    int64_t neg = (int64_t)(0 - (uint64_t)a->offset);
    if (!adjust(addr, neg, &at))
        return prof_errf(err, PROF_EDATA, "cannot adjust symbolz address %" PRIu64 " by %" PRId64 ", it would overflow",
                         addr, neg);
    /* Names are C strings here: one with a NUL byte ends there. */
    const char *z = memchr(name, 0, len);
    if (z)
        len = (size_t)(z - name);
    uint64_t h = name_hash(name, len);
    uint32_t idx = UINT32_MAX, v;
    if (u64map_get(&a->byname, h, &v) && strlen(a->names[v]) == len && !memcmp(a->names[v], name, len)) {
        idx = v;
    } else {
        for (size_t k = 0; k < a->nnames && idx == UINT32_MAX; k++) /* a hash collision: rare */
            if (strlen(a->names[k]) == len && !memcmp(a->names[k], name, len))
                idx = (uint32_t)k;
    }
    if (idx == UINT32_MAX) {
        xgrow(&a->names, &a->capnames, a->nnames + 1, sizeof(*a->names));
        idx = (uint32_t)a->nnames;
        a->names[a->nnames++] = xstrndup(name, len);
        bool ins;
        u64map_put(&a->byname, h, idx, &ins);
    }
    bool ins;
    uint32_t *slot = u64map_put(&a->lines, at, idx, &ins);
    *slot = idx;
    return 0;
}

int symbolz_mapping(struct profile *p, size_t mi, const char *url, int64_t offset, const struct prof_config *cfg,
                    struct symbolz_stats *st, struct prof_err *err)
{
    st->asked = st->named = 0;
    /* The query: every location of the mapping without lines, in profile order. */
    struct strbuf q = STRBUF_INIT;
    for (size_t i = 0; i < p->nlocations; i++) {
        const struct prof_location *l = &p->locations[i];
        if (l->mapping != mi || l->address == 0 || l->nlines != 0)
            continue;
        uint64_t a;
        if (!adjust(l->address, offset, &a)) {
            strbuf_release(&q);
            return prof_errf(err, PROF_EDATA,
                             "cannot adjust address %" PRIu64 " by %" PRId64 ", it would overflow (mapping %" PRIu64 ")",
                             l->address, offset, p->mappings[mi].id);
        }
        strbuf_addf(&q, "%s0x%" PRIx64, q.len ? "+" : "", a);
        st->asked++;
    }
    if (st->asked == 0) {
        strbuf_release(&q);
        return 0;
    }
    struct prof_bytes body;
    int rc = fetch_post(url, q.buf, q.len, cfg, &body, err);
    strbuf_release(&q);
    if (rc)
        return -1;

    struct answer a;
    memset(&a, 0, sizeof(a));
    a.offset = offset;
    u64map_init(&a.byname, 64);
    u64map_init(&a.lines, st->asked);
    rc = symbolz_parse((const char *)body.data, body.len, on_symbol, &a, err);
    prof_bytes_release(&body);
    if (rc == 0 && a.nnames) {
        /* Every name answered becomes a function, used or not (as in pprof). */
        size_t base = p->nfunctions;
        struct prof_function *all = ARENA_NEWN(&p->arena, struct prof_function, base + a.nnames);
        if (base)
            memcpy(all, p->functions, base * sizeof(*all));
        struct prof_line *lines = ARENA_NEWN(&p->arena, struct prof_line, a.nnames);
        for (size_t k = 0; k < a.nnames; k++) {
            struct prof_function *f = &all[base + k];
            memset(f, 0, sizeof(*f));
            f->id = base + k + 1;
            f->name = f->system_name = arena_strdup(&p->arena, a.names[k]);
            f->filename = "";
            lines[k].function = (uint32_t)(base + k);
            lines[k].line = 0;
            lines[k].column = 0;
        }
        p->functions = all;
        p->nfunctions = base + a.nnames;
        /* Every location of the mapping at an answered address gets that one line. */
        for (size_t i = 0; i < p->nlocations; i++) {
            struct prof_location *l = &p->locations[i];
            uint32_t idx;
            if (l->mapping != mi || !u64map_get(&a.lines, l->address, &idx))
                continue;
            l->lines = &lines[idx];
            l->nlines = 1;
            st->named++;
        }
    }
    for (size_t k = 0; k < a.nnames; k++)
        free(a.names[k]);
    free(a.names);
    u64map_release(&a.byname);
    u64map_release(&a.lines);
    return rc;
}
