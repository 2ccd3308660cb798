/**
 * cli.h: the command line (Go flag syntax, as pprof parses it): flags into a
 * struct prof_config, at most one report command, then sources.  One report
 * is generated and written, or the shell is started.
 */
#ifndef PROF_CLI_H
#define PROF_CLI_H

#include <stdio.h>

/** Run prof with argv; returns the exit status (0 ok, 1 data/IO error, 2 usage error). */
int prof_cli_main(int argc, char **argv);

/** Print the usage text to f. */
void cli_usage(FILE *f);

#endif
