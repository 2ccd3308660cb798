/* The command and option tables must be sorted (they are searched with bsearch) and documented. */
#include <string.h>

#include "harness.h"
#include "prof/commands.h"
#include "prof/options.h"

void test_tables(void)
{
    for (size_t i = 1; i < prof_ncmds; i++)
        CHECK(strcmp(prof_cmds[i - 1].name, prof_cmds[i].name) < 0);
    for (size_t i = 1; i < prof_nopts; i++)
        CHECK(strcmp(prof_opts[i - 1].name, prof_opts[i].name) < 0);
    for (size_t i = 0; i < prof_ncmds; i++) {
        CHECK(prof_cmds[i].help && prof_cmds[i].help[0]);
        CHECK(cmd_find(prof_cmds[i].name) == &prof_cmds[i]);
    }
    for (size_t i = 0; i < prof_nopts; i++) {
        CHECK(prof_opts[i].help && prof_opts[i].help[0]);
        CHECK(opt_find(prof_opts[i].name) == &prof_opts[i]);
    }
    /* pprof has 25 commands. */
    INT_EQ(prof_ncmds, 25);
    CHECK(cmd_find("nosuch") == NULL);
}
