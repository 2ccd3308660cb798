/**
 * symbolz.h: remote symbolization, as pprof's internal/symbolz does for
 * profiles fetched from a URL: the addresses of a mapping's locations that
 * have no lines yet are POSTed ("0x1a2b+0x3c4d+...") to the server's symbol
 * handler (fetch_symbolz_url: /debug/pprof/symbol for net/http/pprof), which
 * answers one "0x<address> <name>" line per address it knows; each name
 * becomes a function (name = system name, no file, no line) and the
 * locations at that address get it as their only line.
 *
 * Which mappings are asked, and when, is symbolize_profile's business
 * (symbolize.h); this module does one mapping.
 */
#ifndef PROF_SYMBOLZ_H
#define PROF_SYMBOLZ_H

#include <stddef.h>
#include <stdint.h>

#include "prof/error.h"
#include "prof/profile.h"

struct prof_config;

/**
 * Where a mapping of a fetched profile came from (pprof's MappingSources):
 * recorded for every mapping of every profile fetched from a URL, before
 * profiles are merged.
 */
struct symbolz_source {
    const char *key; /* the mapping's build id, else its file, else (neither) the URL itself */
    const char *url; /* the URL the profile was fetched from (as fetch_url() spells it) */
    uint64_t start;  /* the mapping's start in that profile */
};

struct symbolz_stats {
    size_t asked; /* addresses sent */
    size_t named; /* locations that got a name */
};

/**
 * Symbolize mapping mi of p through the symbol handler at url.  offset is
 * the mapping's start in the fetched profile minus its start in p (merging
 * may have moved it): addresses are sent plus offset and read back minus it.
 * No request when no location needs a name.  Adds functions to p (memory
 * from p->arena).  0, or -1 + err: the request failed ("http post URL:
 * ..."), an address in the answer does not fit in 64 bits, or an adjusted
 * address would overflow; pprof gives up on the whole profile then.
 */
int symbolz_mapping(struct profile *p, size_t mi, const char *url, int64_t offset, const struct prof_config *cfg,
                    struct symbolz_stats *st, struct prof_err *err);

/** Called by symbolz_parse for each symbol of an answer (name[0..len), not NUL-terminated). */
typedef int (*symbolz_fn)(void *arg, uint64_t addr, const char *name, size_t len, struct prof_err *err);

/**
 * Parse a symbol handler's answer as pprof does: each line ending in '\n'
 * (an unterminated last line is ignored), searched for the regexp
 * `(0x[[:xdigit:]]+)\s+(.*)`; other lines (net/http/pprof's "num_symbols: 1")
 * are skipped.  Stops at the first callback that fails.  -1 + err when an
 * address does not fit in 64 bits ("unexpected parse failure ...").
 */
int symbolz_parse(const char *body, size_t len, symbolz_fn fn, void *arg, struct prof_err *err);

#endif
