/**
 * output.h: where a generated report goes, as pprof decides: the -output
 * file ("Generating report in FILE" on stderr), standard output, or for
 * binary formats (proto, callgrind, images) a new profileNNN.<suffix> file
 * when standard output is a terminal or the shell is running; images are
 * made by running Graphviz's dot, viewers (web, evince, ...) are started.
 * External programs are run with argument vectors, never through a shell.
 */
#ifndef PROF_OUTPUT_H
#define PROF_OUTPUT_H

#include <stdbool.h>

#include "prof/commands.h"
#include "prof/error.h"
#include "prof/options.h"
#include "prof/strbuf.h"

/** Deliver report (the bytes cmd generated).  -1 + err on failure. */
int output_emit(const struct prof_cmd *cmd, const struct prof_config *cfg, struct strbuf *report, bool interactive,
                struct prof_err *err);

#endif
