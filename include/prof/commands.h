/**
 * commands.h: the report commands (pprof's pprofCommands), one table for the
 * command-line format flags (-top, -list=RE, ...) and the shell's commands.
 */
#ifndef PROF_COMMANDS_H
#define PROF_COMMANDS_H

#include <stdbool.h>

#include "prof/report.h"

enum {
    CMD_PARAM = 1,   /* takes a regexp argument (-list=RE, peek RE) */
    CMD_BINARY = 2,  /* binary output: written to a file when stdout is a terminal */
    CMD_VIEWER = 4,  /* opens a viewer (web, evince, ...) */
};

struct prof_cmd {
    const char *name;
    enum report_format format;
    unsigned flags;
    const char *image;   /* dot -T<image> post-processing, or NULL */
    const char *suffix;  /* file name suffix for binary output */
    const char *help;    /* one line, prof's own words */
};

extern const struct prof_cmd prof_cmds[];
extern const size_t prof_ncmds;

const struct prof_cmd *cmd_find(const char *name);

#endif
