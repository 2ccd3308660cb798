/* repl.c: see repl.h.  The shell lands with the shell issue. */
#include "prof/repl.h"

#include <stdio.h>

int repl_run(const struct profile *p, const struct prof_config *cfg)
{
    (void)p;
    (void)cfg;
    fprintf(stderr, "prof: the interactive shell is not implemented yet; give a report flag such as -top\n");
    return 2;
}
