/**
 * repl.h: the interactive shell (`prof profile` with no report flag): the
 * profile stays loaded and every command is answered from memory.
 *
 * Input: when standard input is a terminal (and prof is built with libedit)
 * lines are read with a line editor (history in $XDG_STATE_HOME/prof/history,
 * else ~/.prof_history; TAB completes commands, options, option values and
 * function names); otherwise lines are read as they come, with no prompt, so
 * `printf 'top5\nlist main\n' | prof cpu.pb.gz` prints exactly the reports
 * `prof -top -nodecount=5` and `prof -list=main` print.  Report output goes
 * to standard output; the greeting, `options`, `help`, messages and errors go
 * to standard error, as in pprof.
 *
 * Line syntax (pprof's, reference §2): `name=value` sets an option for the
 * session; `:` clears the filters; a sample type name T (or total_T, mean_T)
 * selects it; `o`/`options`, `help [topic]`, `q`/`quit`/`exit` or end of
 * input; anything else is a report command with per-command arguments
 * (`top10 -cum main -runtime >out.txt`).
 *
 * On a terminal every report runs in a forked child, so Ctrl-C cancels it
 * at once and returns to the prompt; Ctrl-C at the prompt cancels the line.
 */
#ifndef PROF_REPL_H
#define PROF_REPL_H

#include "prof/options.h"
#include "prof/profile.h"

/** Run the shell on p with the command line's settings cfg; returns the exit status. */
int repl_run(const struct profile *p, const struct prof_config *cfg);

/**
 * The shell's help for a command (`help top`): description, then a "  Usage:"
 * block, ending in an empty line; NULL if name is not a command.  The text is
 * shared with the man page.  Static storage, overwritten by the next call.
 */
const char *repl_command_help(const char *name);

/**
 * The shell's help for an option, a choice or a choice group (`help focus`,
 * `help cum`, `help granularity`): several lines ending in an empty line;
 * NULL if name is none of these.  Static storage, overwritten by the next call.
 */
const char *repl_option_help(const char *name);

struct repl;
/**
 * A shell session without a terminal, for tests and fuzzing: repl_open()
 * prints no greeting and reads nothing; repl_process_line() handles one line
 * exactly as the shell does (settings, shortcuts, reports with their output
 * and errors) and returns false when the line ends the session;
 * repl_close() frees the session.  p must outlive it.
 */
struct repl *repl_open(const struct profile *p, const struct prof_config *cfg);
bool repl_process_line(struct repl *r, const char *line);
void repl_close(struct repl *r);

#endif
