#include "prof/commands.h"

#include <stdlib.h>
#include <string.h>

/* Sorted by name. */
const struct prof_cmd prof_cmds[] = {
    {"callgrind", RPT_CALLGRIND, CMD_BINARY, NULL, "callgraph.out", "Outputs a graph in callgrind format"},
    {"comments", RPT_COMMENTS, 0, NULL, NULL, "Output all profile comments"},
    {"disasm", RPT_DIS, CMD_PARAM, NULL, NULL, "Output assembly listings annotated with samples"},
    {"dot", RPT_DOT, 0, NULL, NULL, "Outputs a graph in DOT format"},
    {"eog", RPT_DOT, CMD_VIEWER, "svg", "svg", "Visualize graph through eog"},
    {"evince", RPT_DOT, CMD_VIEWER, "pdf", "pdf", "Visualize graph through evince"},
    {"gif", RPT_DOT, CMD_BINARY, "gif", "gif", "Outputs a graph image in GIF format"},
    {"gv", RPT_DOT, CMD_VIEWER, "ps", "ps", "Visualize graph through gv"},
    {"kcachegrind", RPT_CALLGRIND, CMD_VIEWER, NULL, "grind", "Visualize report in KCachegrind"},
    {"list", RPT_LIST, CMD_PARAM, NULL, NULL, "Output annotated source for functions matching regexp"},
    {"pdf", RPT_DOT, CMD_BINARY, "pdf", "pdf", "Outputs a graph in PDF format"},
    {"peek", RPT_TREE, CMD_PARAM, NULL, NULL, "Output callers/callees of functions matching regexp"},
    {"png", RPT_DOT, CMD_BINARY, "png", "png", "Outputs a graph image in PNG format"},
    {"proto", RPT_PROTO, CMD_BINARY, NULL, "pb.gz", "Outputs the profile in compressed protobuf format"},
    {"ps", RPT_DOT, CMD_BINARY, "ps", "ps", "Outputs a graph in PS format"},
    {"raw", RPT_RAW, 0, NULL, NULL, "Outputs a text representation of the raw profile"},
    {"svg", RPT_DOT, CMD_BINARY, "svg", "svg", "Outputs a graph in SVG format"},
    {"tags", RPT_TAGS, 0, NULL, NULL, "Outputs all tags in the profile"},
    {"text", RPT_TEXT, 0, NULL, NULL, "Outputs top entries in text form"},
    {"top", RPT_TEXT, 0, NULL, NULL, "Outputs top entries in text form"},
    {"topproto", RPT_TOPPROTO, CMD_BINARY, NULL, "pb.gz", "Outputs top entries in compressed protobuf format"},
    {"traces", RPT_TRACES, 0, NULL, NULL, "Outputs all profile samples in text form"},
    {"tree", RPT_TREE, 0, NULL, NULL, "Outputs a text rendering of call graph"},
    {"web", RPT_DOT, CMD_VIEWER, "svg", "svg", "Visualize graph through web browser"},
    {"weblist", RPT_WEBLIST, CMD_PARAM | CMD_VIEWER, NULL, "html", "Display annotated source in a web browser"},
};
const size_t prof_ncmds = sizeof(prof_cmds) / sizeof(prof_cmds[0]);

static int cmd_cmp(const void *key, const void *elem) { return strcmp(key, ((const struct prof_cmd *)elem)->name); }

const struct prof_cmd *cmd_find(const char *name)
{
    return bsearch(name, prof_cmds, prof_ncmds, sizeof(prof_cmds[0]), cmd_cmp);
}
