/* report_dot.c: -dot (and the images made from it) and -callgrind. */
#include "prof/report.h"

int report_dot(struct report *r, struct prof_err *err) { return report_unimplemented(r, err); }
int report_callgrind(struct report *r, struct prof_err *err) { return report_unimplemented(r, err); }
