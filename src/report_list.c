/* report_list.c: -list, -disasm, -weblist. */
#include "prof/report.h"

int report_list(struct report *r, struct prof_err *err) { return report_unimplemented(r, err); }
int report_disasm(struct report *r, struct prof_err *err) { return report_unimplemented(r, err); }
int report_weblist(struct report *r, struct prof_err *err) { return report_unimplemented(r, err); }
