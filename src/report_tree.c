/* report_tree.c: -tree and -peek (pprof's printTree). */
#include "prof/report.h"

int report_tree(struct report *r, struct prof_err *err) { return report_unimplemented(r, err); }
