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
 *  - remote (symbolz.h): then, for a profile fetched from a URL, every
 *    mapping without functions (every one with force), unless its file is a
 *    system one ([vdso], ...), has the addresses of its locations that still
 *    have no lines named by the server's symbol handler
 *    (/debug/pprof/symbol next to a net/http/pprof profile, /symbolz for
 *    other paths), through the URL of the first fetched profile that had a
 *    mapping with its build id or file.
 *
 * The -symbolize mode: none|local|fastlocal|remote|force|demangle=..., joined
 * with colons (pprof's): none does nothing at all; local and fastlocal do
 * not ask servers; remote does not read local files; the default is local,
 * then remote.  Warnings go to stderr with pprof's texts; with verbose set
 * (or $PROF_VERBOSE non-empty) one line per mapping says which file was
 * used, why others were rejected and how many addresses resolved, and which
 * symbol handler named how many.  Runs before the profile is shared with
 * reports; it rewrites functions, locations and mapping files/flags in place
 * (memory from p->arena).
 */
#ifndef PROF_SYMBOLIZE_H
#define PROF_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "prof/error.h"
#include "prof/profile.h"
#include "prof/symbolz.h"

struct prof_config;

struct symbolize_args {
    const char *mode;   /* the -symbolize value; NULL or "" = local and remote */
    const char *binary; /* the executable named on the command line, or NULL */
    bool verbose;       /* one line per mapping on stderr */
    /* Remote symbolization: where the mappings of fetched profiles came from
     * (merge.c records them), and the TLS flags and -timeout for requests. */
    const struct symbolz_source *sources;
    size_t nsources;
    const struct prof_config *cfg;
};

/**
 * Symbolize and demangle p as args say.  Local problems are warnings
 * (stderr).  -1 + err when remote symbolization fails (pprof gives up then:
 * "http post URL: server response: 404 Not Found", ...).
 */
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
