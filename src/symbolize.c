#include "prof/symbolize.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof/util.h"

/* pprof's looksLikeDemangledCPlusPlus. */
static bool looks_demangled_cpp(const char *s)
{
    if (strstr(s, ".<") || strstr(s, "]).") )
        return false;
    return strpbrk(s, "<>[]") != NULL || strstr(s, "::") != NULL;
}

/* Remove nested start..end groups; an unmatched closer stops the work
 * (keeping what was removed so far), as pprof's removeMatching does. */
static void remove_matching(char *name, char start, char end)
{
    int nesting = 0;
    size_t first = 0;
    size_t cur = 0;
    for (;;) {
        size_t len = strlen(name);
        while (cur < len && name[cur] != start && name[cur] != end)
            cur++;
        if (cur >= len)
            return;
        if (name[cur] == start) {
            if (++nesting == 1)
                first = cur;
        } else {
            nesting--;
            if (nesting < 0)
                return;
            if (nesting == 0) {
                memmove(name + first, name + cur + 1, len - cur);
                cur = first;
                continue;
            }
        }
        cur++;
    }
}

const char *demangle_simplify(struct arena *a, const char *name, bool no_params, bool no_templates)
{
    if (!looks_demangled_cpp(name))
        return name;
    char *s = arena_strdup(a, name);
    if (no_params)
        remove_matching(s, '(', ')');
    if (no_templates)
        remove_matching(s, '<', '>');
    return s;
}

int symbolize_profile(struct profile *p, const char *mode_in, struct prof_err *err)
{
    (void)err;
    bool force = false, none = false, bad = false;
    const char *demangle = "";
    char *mode = xstrdup(mode_in ? mode_in : "");
    for (char *c = mode; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    char *save = NULL;
    for (char *tok = strtok_r(mode, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
        if (!strcmp(tok, "none") || !strcmp(tok, "no"))
            none = true;
        else if (!strcmp(tok, "local") || !strcmp(tok, "fastlocal") || !strcmp(tok, "remote"))
            ;
        else if (!strcmp(tok, "force"))
            force = true;
        else if (!strncmp(tok, "demangle=", 9)) {
            const char *d = tok + 9;
            if (!strcmp(d, "none") || !strcmp(d, "full") || !strcmp(d, "templates") || !strcmp(d, "default")) {
                demangle = strcmp(d, "default") == 0 ? "" : d;
                force = true;
            } else {
                bad = true;
            }
        } else {
            bad = true;
        }
    }
    if (bad)
        fprintf(stderr,
                "ignoring unrecognized symbolization option: %s\n"
                "expecting -symbolize=[local|fastlocal|remote|none][:force][:demangle=[none|full|templates|default]\n",
                mode_in);
    free(mode);
    if (none)
        return 0;

    bool no_params = !strcmp(demangle, "") || !strcmp(demangle, "templates");
    bool no_templates = !strcmp(demangle, "");
    for (size_t i = 0; i < p->nfunctions; i++) {
        struct prof_function *f = &p->functions[i];
        if (force && f->name[0] && f->system_name[0])
            f->name = f->system_name;
        if (f->name[0] && strcmp(f->name, f->system_name) != 0)
            continue; /* already demangled */
        /* Itanium-mangled names need a demangler (symbolization issue);
         * everything else gets pprof's heuristics. */
        f->name = demangle_simplify(&p->arena, f->system_name, no_params, no_templates);
    }
    return 0;
}
