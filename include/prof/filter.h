/**
 * filter.h: pprof's sample and frame selection (driver_focus.go, filter.go,
 * prune.go), applied to a report's view (struct report.in) without changing
 * the loaded profile, so the shell can run differently filtered reports on
 * one profile.
 *
 * Order, as pprof applies it: filter_prepare() prunes by the profile's
 * drop_frames/keep_frames (unless -all_frames) and adds -tagroot/-tagleaf
 * pseudo frames; filter_apply() runs focus/ignore/hide/show, show_from,
 * tagfocus/tagignore, tagshow/taghide, prune_from.  Warnings such as
 * "Focus expression matched no samples" go to stderr.
 */
#ifndef PROF_FILTER_H
#define PROF_FILTER_H

#include "prof/report.h"

/** Prune by drop_frames/keep_frames, print pprof's mixed-unit warnings for numeric
 *  labels, add -tagroot/-tagleaf frames.  Sets every view sample's labels. */
int filter_prepare(struct report *r, struct prof_err *err);
/** The other filters, in pprof's order; -1 + err (PROF_EUSAGE) for a bad regexp
 *  ("parsing focus regexp: ..."), the first one in pprof's order winning. */
int filter_apply(struct report *r, struct prof_err *err);

/**
 * pprof's simplifyFunc, which prune_from and drop_frames match against: one
 * leading '.' dropped, cut at the first '(' that does not start
 * "(anonymous namespace)" or "operator()".  The result starts at *start
 * (inside name); returns its length.
 */
size_t filter_simplify_func(const char *name, const char **start);

#endif
