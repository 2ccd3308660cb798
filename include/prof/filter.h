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

int filter_prepare(struct report *r, struct prof_err *err);
int filter_apply(struct report *r, struct prof_err *err);

#endif
