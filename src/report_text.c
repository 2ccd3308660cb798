/* report_text.c: -text / -top (pprof's printText). */
#include <string.h>

#include "prof/report.h"

int report_text(struct report *r, struct prof_err *err)
{
    (void)err;
    struct graph g;
    struct trim_result tr;
    report_graph(r, &g, &tr);
    report_select_unit(r, &g);

    const char **labels;
    size_t nlabels;
    int64_t shown = 0;
    for (size_t i = 0; i < g.norder; i++)
        shown += node_flat(&g.nodes[g.order[i]]);
    report_graph_labels(r, shown, (int)g.norder, tr.orig_count, tr.dropped_nodes, 0, false, &labels,
                        &nlabels);
    struct strbuf *o = r->out;
    for (size_t i = 0; i < nlabels; i++) {
        strbuf_adds(o, labels[i]);
        strbuf_addc(o, '\n');
    }
    strbuf_addf(o, "%10s %5s%% %5s%% %10s %5s%%\n", "flat", "flat", "sum", "cum", "cum");
    int64_t sum = 0;
    for (size_t i = 0; i < g.norder; i++) {
        const struct graph_node *n = &g.nodes[g.order[i]];
        int64_t flat = node_flat(n), cum = node_cum(n);
        sum += flat;
        bool inl = false, noinl = false;
        for (uint32_t k = 0; k < n->nin; k++) {
            if (g.edges[n->in[k]].is_inline)
                inl = true;
            else
                noinl = true;
        }
        strbuf_addpad(o, report_value(r, flat), 10, 0);
        strbuf_addc(o, ' ');
        strbuf_adds(o, report_pct(r, flat, r->total));
        strbuf_addc(o, ' ');
        strbuf_adds(o, report_pct(r, sum, r->total));
        strbuf_addc(o, ' ');
        strbuf_addpad(o, report_value(r, cum), 10, 0);
        strbuf_addc(o, ' ');
        strbuf_adds(o, report_pct(r, cum, r->total));
        strbuf_adds(o, "  ");
        strbuf_adds(o, n->pname);
        if (inl)
            strbuf_adds(o, noinl ? " (partial-inline)" : " (inline)");
        strbuf_addc(o, '\n');
    }
    graph_release(&g);
    return 0;
}
