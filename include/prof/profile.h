/**
 * profile.h: the decoded profile, immutable after profile_load().
 *
 * Everything lives in one arena owned by the profile: profile_free() is a
 * single arena release.  Wire ids are replaced by dense indices at decode time
 * (sample -> location, location -> mapping, line -> function), so later stages
 * never hash ids or strings per frame.  Strings are NUL-terminated pointers
 * into the profile's string table; absent strings are "" (never NULL).
 *
 * The shell runs many reports on one loaded profile: nothing below the loader
 * writes to a struct profile.  Reports build their own views (graph.h).
 */
#ifndef PROF_PROFILE_H
#define PROF_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prof/arena.h"
#include "prof/error.h"

#define PROF_NONE UINT32_MAX /* an absent dense index */

struct prof_valuetype {
    const char *type; /* arena */
    const char *unit; /* arena */
};

struct prof_mapping {
    uint64_t id;
    uint64_t start, limit, offset;
    const char *file;     /* arena */
    const char *build_id; /* arena */
    bool has_functions, has_filenames, has_line_numbers, has_inline_frames;
};

struct prof_function {
    uint64_t id;
    const char *name;        /* arena */
    const char *system_name; /* arena */
    const char *filename;    /* arena */
    int64_t start_line;
};

struct prof_line {
    uint32_t function; /* dense index into functions, or PROF_NONE */
    int64_t line;
    int64_t column;
};

struct prof_location {
    uint64_t id;
    uint32_t mapping; /* dense index into mappings, or PROF_NONE */
    uint32_t nlines;
    uint64_t address;
    struct prof_line *lines; /* arena: innermost first, last = outermost caller */
    bool folded;
};

struct prof_label {
    const char *key;  /* arena */
    const char *str;  /* arena: string value, or NULL for a numeric label */
    int64_t num;      /* numeric value */
    const char *unit; /* arena: numeric unit, "" if none */
};

struct prof_sample {
    uint32_t *locs;    /* arena: dense location indices, leaf first; shared by equal stacks */
    int64_t *values;   /* arena: one per sample type */
    struct prof_label *labels; /* arena */
    uint32_t nlocs;
    uint32_t nlabels;
    uint32_t stack;    /* dense id of the distinct location sequence */
};

struct profile {
    struct arena arena; /* owns everything below */

    struct prof_valuetype *sample_types; /* arena */
    size_t nsample_types;
    struct prof_sample *samples; /* arena */
    size_t nsamples;
    size_t nstacks; /* distinct location sequences among the samples */
    struct prof_mapping *mappings; /* arena */
    size_t nmappings;
    struct prof_location *locations; /* arena */
    size_t nlocations;
    struct prof_function *functions; /* arena */
    size_t nfunctions;

    const char *drop_frames; /* arena, "" if none */
    const char *keep_frames; /* arena, "" if none */
    int64_t time_nanos;
    int64_t duration_nanos;
    struct prof_valuetype period_type;
    int64_t period;
    const char **comments; /* arena */
    size_t ncomments;
    const char *default_sample_type; /* arena, "" if none */
    const char *doc_url;             /* arena, "" if none */
};

/**
 * Load a profile from path ("-" is standard input): read, inflate when the
 * data starts with the gzip magic, decode profile.proto and validate.
 * On failure returns NULL and fills err with a message naming the problem
 * (without the path: the caller prefixes it).
 */
struct profile *profile_load(const char *path, struct prof_err *err);

struct prof_config;
/**
 * Load one source of the command line: "-", an existing file (as
 * profile_load()), or else a URL (fetch.h: fetched with cfg's -seconds,
 * -timeout and TLS flags; *remote is set).  NULL + err on failure.
 */
struct profile *profile_load_source(const char *source, const struct prof_config *cfg, bool *remote,
                                    struct prof_err *err);

/** Decode profile.proto bytes (already inflated).  NULL + err on failure. */
struct profile *profile_decode(const unsigned char *data, size_t len, struct prof_err *err);

struct prof_bytes;
/** Like profile_decode(), taking b: its memory is released as early as possible (b is left empty). */
struct profile *profile_decode_bytes(struct prof_bytes *b, struct prof_err *err);
struct read_stream;
/** Like profile_decode_bytes() on the output of read_inflate_finish(rs), decoding
 * while rs inflates; -1 + the inflate error if the inflation fails.  Frees rs. */
struct profile *profile_decode_stream(struct read_stream *rs, struct prof_err *err);

/** Check the decoded profile like pprof's CheckValid, and more.  -1 + err on failure. */
int profile_check(const struct profile *p, struct prof_err *err);

/**
 * Give equal location sequences one stack id and one shared array: sets every
 * sample's stack (and locs, to the first equal array) and p->nstacks.  For
 * loaders that build samples without interning them as they go.
 */
void profile_intern_stacks(struct profile *p);

/** Free the profile and set *pp to NULL. */
void profile_free(struct profile **pp);

/** Index of the sample type named by spec (a name, a name with "inuse_" dropped, or an index); -1 + err. */
int profile_sample_index(const struct profile *p, const char *spec, struct prof_err *err);

/** Index of the default sample type (default_sample_type if present, else the last type). */
size_t profile_default_sample_index(const struct profile *p);

#endif
