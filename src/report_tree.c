/*
 * report_tree.c: -tree and -peek (pprof's printTree).
 *
 * Every node of the trimmed graph (for peek: every node whose printable name
 * matches the regexp, with trimming off) gets a block: its callers, the node
 * line, its callees.  Edge lines show the raw edge weight and its share of
 * the node's cum; edges to nodes dropped from the graph (flat = cum = 0) are
 * still listed, with that node's name.
 */
#include <string.h>

#include "prof/regex.h"
#include "prof/report.h"

static const char tree_separator[] = "----------------------------------------------------------+-------------\n";
static const char tree_legend[] = "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t \n";

static const char *tree_name(struct graph *g, uint32_t i)
{
    struct graph_node *n = &g->nodes[i];
    if (!n->pname)
        n->pname = node_printable_name(g->arena, &n->info);
    return n->pname;
}

static void tree_edges(struct report *r, struct graph *g, const uint32_t *edges, uint32_t n, int64_t cum,
                       bool callers)
{
    struct strbuf *o = r->out;
    const uint32_t *sorted = graph_sorted_edges(g, edges, n);
    for (uint32_t k = 0; k < n; k++) {
        const struct graph_edge *e = &g->edges[sorted[k]];
        strbuf_addpad(o, report_value(r, e->weight), 50, 0);
        strbuf_addc(o, ' ');
        strbuf_adds(o, report_pct(r, e->weight, cum));
        strbuf_adds(o, " |   ");
        strbuf_adds(o, tree_name(g, callers ? e->src : e->dst));
        if (e->is_inline)
            strbuf_adds(o, " (inline)");
        strbuf_addc(o, '\n');
    }
}

int report_tree(struct report *r, struct prof_err *err)
{
    struct graph g;
    struct trim_result tr;
    report_graph(r, &g, &tr);
    report_select_unit(r, &g);

    int64_t shown = 0;
    for (size_t i = 0; i < g.norder; i++)
        shown += node_flat(&g.nodes[g.order[i]]);
    const char **labels;
    size_t nlabels;
    report_graph_labels(r, shown, (int)g.norder, tr.orig_count, tr.dropped_nodes, 0, false, &labels, &nlabels);

    struct strbuf *o = r->out;
    for (size_t i = 0; i < nlabels; i++) {
        strbuf_adds(o, labels[i]);
        strbuf_addc(o, '\n');
    }
    strbuf_adds(o, tree_separator);
    strbuf_adds(o, tree_legend);

    int64_t sum = 0;
    size_t matched = 0;
    for (size_t i = 0; i < g.norder; i++) {
        uint32_t ni = g.order[i];
        const struct graph_node *n = &g.nodes[ni];
        const char *name = tree_name(&g, ni);
        if (r->symbol_re && !regex_match(r->symbol_re, name, strlen(name)))
            continue;
        matched++;
        int64_t flat = node_flat(n), cum = node_cum(n);
        strbuf_adds(o, tree_separator);
        tree_edges(r, &g, n->in, n->nin, cum, true);
        sum += flat;
        strbuf_addpad(o, report_value(r, flat), 10, 0);
        strbuf_addc(o, ' ');
        strbuf_adds(o, report_pct(r, flat, r->total));
        strbuf_addc(o, ' ');
        strbuf_adds(o, report_pct(r, sum, r->total));
        strbuf_addc(o, ' ');
        strbuf_addpad(o, report_value(r, cum), 10, 0);
        strbuf_addc(o, ' ');
        strbuf_adds(o, report_pct(r, cum, r->total));
        strbuf_adds(o, "                | ");
        strbuf_adds(o, name);
        strbuf_addc(o, '\n');
        tree_edges(r, &g, n->out, n->nout, cum, false);
    }
    if (g.norder > 0)
        strbuf_adds(o, tree_separator);
    graph_release(&g);
    if (r->symbol_re && matched == 0)
        return prof_errf(err, PROF_EUSAGE, "no matches found for regexp: %s", r->symbol);
    return 0;
}
