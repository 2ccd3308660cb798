#include "prof/profile.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "prof/fetch.h"
#include "prof/options.h"
#include "prof/read.h"
#include "prof/util.h"

/* Inflate, decode and check the bytes of a source (released here). */
static struct profile *load_bytes(struct prof_bytes *b, size_t max_size, struct prof_err *err)
{
    /* A big gzipped profile is decoded while it is inflated, on two cores. */
    struct read_stream *rs = read_inflate_start(b, max_size);
    struct profile *p;
    if (rs) {
        p = profile_decode_stream(rs, err);
    } else {
        if (read_inflate(b, max_size, err)) {
            prof_bytes_release(b);
            return NULL;
        }
        p = profile_decode_bytes(b, err);
    }
    if (p && profile_check(p, err))
        profile_free(&p);
    return p;
}

static struct profile *load_path(const char *path, size_t max_size, struct prof_err *err)
{
    struct prof_bytes b;
    if (read_source_max(path, max_size, &b, err))
        return NULL;
    return load_bytes(&b, max_size, err);
}

struct profile *profile_load(const char *path, struct prof_err *err)
{
    return load_path(path, 0, err);
}

struct profile *profile_load_source(const char *source, const struct prof_config *cfg, bool *remote,
                                    struct prof_err *err)
{
    /* A file that exists is a file (as current pprof decides), whatever it looks like. */
    struct stat st;
    *remote = false;
    if (strcmp(source, "-") == 0 || stat(source, &st) == 0 || !fetch_is_url(source))
        return load_path(source, config_max_size(cfg), err);
    struct prof_bytes b;
    if (fetch_source(source, cfg, &b, err))
        return NULL;
    struct profile *p = load_bytes(&b, config_max_size(cfg), err);
    *remote = p != NULL;
    return p;
}

int profile_check(const struct profile *p, struct prof_err *err)
{
    /* The decoder already resolved every reference and checked ids; what is
     * left are the invariants a report relies on. */
    for (size_t i = 0; i < p->nlocations; i++) {
        const struct prof_location *l = &p->locations[i];
        if (l->mapping != PROF_NONE && l->mapping >= p->nmappings)
            return prof_errf(err, PROF_EDATA, "malformed profile: location id %" PRIu64 " has a bad mapping", l->id);
    }
    return 0;
}

void profile_intern_stacks(struct profile *p)
{
    /* Open addressing over (hash, sample index of the first equal stack). */
    size_t cap = 16;
    while (cap < p->nsamples * 2)
        cap *= 2;
    uint64_t *hs = xmalloc(cap * sizeof(*hs));
    uint32_t *first = xmalloc(cap * sizeof(*first));
    memset(first, 0xff, cap * sizeof(*first));
    uint32_t n = 0;
    for (size_t i = 0; i < p->nsamples; i++) {
        struct prof_sample *s = &p->samples[i];
        uint64_t h = hash_bytes(HASH_SEED, s->locs, s->nlocs * sizeof(uint32_t)) ^ s->nlocs;
        for (size_t k = h & (cap - 1);; k = (k + 1) & (cap - 1)) {
            if (first[k] == UINT32_MAX) {
                hs[k] = h;
                first[k] = (uint32_t)i;
                s->stack = n++;
                break;
            }
            const struct prof_sample *f = &p->samples[first[k]];
            if (hs[k] == h && f->nlocs == s->nlocs &&
                (s->nlocs == 0 || memcmp(f->locs, s->locs, s->nlocs * sizeof(uint32_t)) == 0)) {
                s->stack = f->stack;
                s->locs = f->locs;
                break;
            }
        }
    }
    p->nstacks = n;
    free(hs);
    free(first);
}

void profile_free(struct profile **pp)
{
    if (!*pp)
        return;
    arena_release(&(*pp)->arena);
    free(*pp);
    *pp = NULL;
}

size_t profile_default_sample_index(const struct profile *p)
{
    if (p->default_sample_type[0])
        for (size_t i = 0; i < p->nsample_types; i++)
            if (strcmp(p->sample_types[i].type, p->default_sample_type) == 0)
                return i;
    return p->nsample_types ? p->nsample_types - 1 : 0;
}

int profile_sample_index(const struct profile *p, const char *spec, struct prof_err *err)
{
    if (p->nsample_types == 0)
        return prof_errf(err, PROF_EDATA, "profile has no samples");
    if (!spec || !spec[0])
        return (int)profile_default_sample_index(p);
    /* An integer (Go Atoi: optional sign, decimal digits) selects by position. */
    const char *s = spec;
    if (*s == '+' || *s == '-')
        s++;
    if (*s) {
        const char *q = s;
        while (*q >= '0' && *q <= '9')
            q++;
        if (!*q) {
            errno = 0;
            long long v = strtoll(spec, NULL, 10);
            if (errno == 0 && v >= INT32_MIN && v <= INT32_MAX) {
                if (v < 0 || (unsigned long long)v >= p->nsample_types)
                    return prof_errf(err, PROF_EUSAGE, "sample_index %s is outside the range [0..%zu]", spec,
                                     p->nsample_types - 1);
                return (int)v;
            }
        }
    }
    const char *nospace = strncmp(spec, "inuse_", 6) == 0 ? spec + 6 : spec;
    for (size_t i = 0; i < p->nsample_types; i++)
        if (strcmp(p->sample_types[i].type, spec) == 0 || strcmp(p->sample_types[i].type, nospace) == 0)
            return (int)i;
    char list[1024];
    size_t off = 0;
    list[0] = 0;
    for (size_t i = 0; i < p->nsample_types && off + 1 < sizeof(list); i++) {
        int w = snprintf(list + off, sizeof(list) - off, "%s%s", i ? " " : "", p->sample_types[i].type);
        off = w < 0 || off + (size_t)w >= sizeof(list) ? sizeof(list) - 1 : off + (size_t)w;
    }
    return prof_errf(err, PROF_EUSAGE, "sample_index \"%s\" must be one of: [%s]", spec, list);
}
