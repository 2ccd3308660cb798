/* report_traces.c: -traces, -tags, -raw, -comments. */
#include "prof/report.h"

int report_traces(struct report *r, struct prof_err *err) { return report_unimplemented(r, err); }
int report_tags(struct report *r, struct prof_err *err) { return report_unimplemented(r, err); }
int report_raw(struct report *r, struct prof_err *err) { return report_unimplemented(r, err); }
int report_comments(struct report *r, struct prof_err *err) { return report_unimplemented(r, err); }
