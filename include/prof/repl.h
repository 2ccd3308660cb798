/**
 * repl.h: the interactive shell (`prof profile` with no report flag): the
 * profile stays loaded and every command is answered from memory.
 */
#ifndef PROF_REPL_H
#define PROF_REPL_H

#include "prof/options.h"
#include "prof/profile.h"

/** Run the shell on p with the command line's settings cfg; returns the exit status. */
int repl_run(const struct profile *p, const struct prof_config *cfg);

#endif
