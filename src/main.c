/* main.c: prof, a profile analyser compatible with pprof. */
#include "prof/cli.h"

int main(int argc, char **argv) { return prof_cli_main(argc, argv); }
