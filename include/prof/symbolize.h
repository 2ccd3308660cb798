/**
 * symbolize.h: what pprof's symbolizer does to a freshly loaded profile
 * (internal/symbolizer, and locateBinaries of internal/driver/fetch.go), done
 * in process with elfutils instead of addr2line/llvm-symbolizer/nm:
 *
 *  - mapping files are looked up under $PPROF_BINARY_PATH (default
 *    $HOME/pprof/binaries) by build id and name, as pprof does;
 *  - every location of a mapping whose file is found (the binary named on the
 *    command line for the main mapping) gets its frames: function names from
 *    the ELF symbol table, file, line and inlined frames from DWARF (libdw),
 *    with the separate debug file found by build id or .gnu_debuglink; PIE and
 *    shared objects through the mapping's start/offset and the ELF program
 *    headers (pprof's elfexec.GetBase); build ids checked;
 *  - function names are demangled (C++ Itanium through libiberty, Rust legacy
 *    and v0) with pprof's simplifications: no parameters and no template
 *    arguments by default, `demangle=templates` keeps template arguments,
 *    `demangle=full` everything but clone suffixes, `demangle=none` nothing.
 *    Names that are not mangled but look like demangled C++ are simplified as
 *    pprof does ("std::vector<int>::push_back(int)" -> "std::vector::push_back").
 *
 * The -symbolize mode: none|local|fastlocal|remote|force|demangle=..., joined
 * with colons (pprof's).  Warnings go to stderr with pprof's texts; with
 * verbose set (or $PROF_VERBOSE non-empty) one line per mapping says which
 * file was used, why others were rejected and how many addresses resolved.
 * Runs before the profile is shared with reports; it rewrites functions,
 * locations and mapping files/flags in place (memory from p->arena).
 */
#ifndef PROF_SYMBOLIZE_H
#define PROF_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "prof/error.h"
#include "prof/profile.h"

struct symbolize_args {
    const char *mode;   /* the -symbolize value; NULL or "" = local and remote */
    const char *binary; /* the executable named on the command line, or NULL */
    bool verbose;       /* one line per mapping on stderr */
};

/** Symbolize and demangle p as args say.  Problems are warnings (stderr); returns 0. */
int symbolize_profile(struct profile *p, const struct symbolize_args *args, struct prof_err *err);

/** pprof's heuristic simplification of a demangled-looking C++ name, into the arena. */
const char *demangle_simplify(struct arena *a, const char *name, bool no_params, bool no_templates);

/**
 * Demangle a C++ (Itanium) or Rust (legacy or v0) symbol as pprof's demangler
 * does with mode "" (no parameters, no templates), "templates" (no
 * parameters) or "full" (no clone suffixes).  A malloc'ed string, or NULL
 * when sym is not a mangled name this build can demangle.
 */
char *demangle_symbol(const char *sym, const char *mode);

#endif
