/**
 * symbolize.h: what pprof's symbolizer does to a freshly loaded profile
 * (internal/symbolizer): the -symbolize mode string, and demangling of
 * function names, which runs by default (only -symbolize=none skips it).
 * Names that are not mangled but look like demangled C++ are simplified as
 * pprof does ("std::vector<int>::push_back(int)" -> "std::vector::push_back").
 * Runs before the profile is shared with reports; it rewrites function names.
 */
#ifndef PROF_SYMBOLIZE_H
#define PROF_SYMBOLIZE_H

#include "prof/error.h"
#include "prof/profile.h"

/** Apply the -symbolize mode (may be "") to p.  Warnings go to stderr. */
int symbolize_profile(struct profile *p, const char *mode, struct prof_err *err);

/** pprof's heuristic simplification of a demangled-looking C++ name, into the arena. */
const char *demangle_simplify(struct arena *a, const char *name, bool no_params, bool no_templates);

#endif
