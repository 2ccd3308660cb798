/* report_proto.c: -proto and -topproto. */
#include "prof/report.h"

int report_proto(struct report *r, struct prof_err *err) { return report_unimplemented(r, err); }
int report_topproto(struct report *r, struct prof_err *err) { return report_unimplemented(r, err); }
