/**
 * merge.h: loading the command line's sources into one profile, as pprof's
 * fetchProfiles does: every source loaded, several merged (common sample
 * types, unit scaling, deduplicated mappings/locations/functions/samples),
 * -base subtracted, -diff_base marked with pprof::base=true, -normalize,
 * -buildid and a binary given on the command line applied, then symbolized
 * (symbolize.h: -symbolize, remote symbolization for the mappings of
 * profiles fetched from URLs), -add_comment, and saved when fetched.
 */
#ifndef PROF_MERGE_H
#define PROF_MERGE_H

#include <stddef.h>

#include "prof/error.h"
#include "prof/options.h"
#include "prof/profile.h"

/**
 * Load sources[0..n) (and cfg's -base/-diff_base) into one symbolized
 * profile.  binary is the executable named on the command line, or NULL.
 * NULL + err on failure; err's message already names the failing source
 * (or is remote symbolization's: "http post URL: ...").
 */
struct profile *profile_load_sources(const char *const *sources, size_t n, const char *binary,
                                     const struct prof_config *cfg, struct prof_err *err);

/** Merge n profiles into a new one (pprof's profile.Merge). */
struct profile *profile_merge(struct profile *const *ps, size_t n, struct prof_err *err);

#endif
