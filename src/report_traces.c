/*
 * report_traces.c: -traces, -tags, -raw and -comments: the reports that work
 * on the (filtered) samples themselves rather than on a graph.
 *
 * traces: pprof's printTraces: every sample with a non-empty stack, its
 *   labels, then its frames (leaf first) named like graph nodes at the
 *   report's granularity.
 * tags:   pprof's printTags (current layout): per label key, the selected
 *   sample value summed per label value, formatted through a Go
 *   text/tabwriter emulation (right-aligned cells, padding 1).
 * raw:    pprof's Profile.String() of the view: samples with all values and
 *   the file's location ids, locations, mappings.
 * comments: every comment (-add_comment is one: the loader adds it).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "prof/report.h"
#include "prof/units.h"
#include "prof/util.h"

/* ---- labels ---- */

/* Go's map[string][]string / map[string][]int64 of one sample: the labels of
 * one key, in file order.  Keys are grouped by first appearance. */
struct label_group {
    const char *key;
    const struct prof_label **vals; /* arena */
    uint32_t n;
    bool any_unit; /* numeric: some value has a unit (pprof pads the unit list) */
};

/* Group the string (numeric = false) or numeric labels of s by key. */
static struct label_group *group_labels(struct arena *a, const struct prof_label *labels, uint32_t nlabels,
                                        bool numeric, uint32_t *ngroups)
{
    struct label_group *g = arena_alloc(a, (nlabels + 1) * sizeof(*g));
    uint32_t ng = 0;
    for (uint32_t i = 0; i < nlabels; i++) {
        const struct prof_label *l = &labels[i];
        if ((l->str == NULL) != numeric)
            continue;
        uint32_t k = 0;
        while (k < ng && strcmp(g[k].key, l->key) != 0)
            k++;
        if (k == ng) {
            g[ng].key = l->key;
            g[ng].vals = arena_alloc(a, (nlabels + 1) * sizeof(*g[ng].vals));
            g[ng].n = 0;
            g[ng].any_unit = false;
            ng++;
        }
        g[k].vals[g[k].n++] = l;
        if (numeric && l->unit[0])
            g[k].any_unit = true;
    }
    *ngroups = ng;
    return g;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether a view sample has no frame left.  pprof's FilterSamplesByName,
 * which always runs, drops such samples after the total is taken. */
static bool sample_empty(const struct report *r, const struct view_sample *vs)
{
    for (uint32_t i = 0; i < vs->nlocs; i++)
        if (!r->in.locs[vs->locs[i]].absent)
            return false;
    return true;
}

/* pprof's Profile.NumLabelUnits: per numeric key the first non-empty unit
 * seen over all samples, else "bytes" for request/alignment, else the key. */
struct num_units {
    const char **keys;
    const char **units;
    size_t n;
};

static void num_label_units(struct report *r, struct num_units *nu)
{
    const struct profile *p = r->prof;
    size_t cap = 0;
    nu->keys = NULL;
    nu->units = NULL;
    nu->n = 0;
    for (size_t si = 0; si < p->nsamples; si++) {
        const struct prof_sample *s = &p->samples[si];
        for (uint32_t i = 0; i < s->nlabels; i++) {
            const struct prof_label *l = &s->labels[i];
            if (l->str)
                continue;
            size_t k = 0;
            while (k < nu->n && strcmp(nu->keys[k], l->key) != 0)
                k++;
            if (k == nu->n) {
                if (nu->n == cap) {
                    size_t nc = cap ? cap * 2 : 8;
                    const char **nk = arena_alloc(r->a, nc * sizeof(char *));
                    const char **nn = arena_alloc(r->a, nc * sizeof(char *));
                    if (nu->n) {
                        memcpy(nk, nu->keys, nu->n * sizeof(char *));
                        memcpy(nn, nu->units, nu->n * sizeof(char *));
                    }
                    nu->keys = nk;
                    nu->units = nn;
                    cap = nc;
                }
                nu->keys[nu->n] = l->key;
                nu->units[nu->n] = "";
                nu->n++;
            }
            if (!nu->units[k][0] && l->unit[0])
                nu->units[k] = l->unit;
        }
    }
    for (size_t k = 0; k < nu->n; k++)
        if (!nu->units[k][0])
            nu->units[k] = strcmp(nu->keys[k], "request") == 0 || strcmp(nu->keys[k], "alignment") == 0
                               ? "bytes"
                               : nu->keys[k];
}

static const char *num_unit_of(const struct num_units *nu, const char *key)
{
    for (size_t k = 0; k < nu->n; k++)
        if (strcmp(nu->keys[k], key) == 0)
            return nu->units[k];
    return key;
}

/* ---- traces ---- */

/* Frame names of the view locations at the report's granularity, as pprof's
 * graph.CreateNodes with default options names them on the aggregated
 * profile (file names cleaned but never trimmed).  Each location's frames are
 * kept as one ready block of trace lines ("%10s   name[ (inline)]\n" with an
 * empty value), so a sample's frames are copies. */
struct frame_names {
    struct report *r;
    const char **blocks; /* per view location, lazily */
    uint32_t *blen;
    const char **fn_files; /* per profile function: cleaned file name */
    bool keep_name, keep_file, keep_line, keep_col, keep_addr, inlines;
};

static void frame_names_init(struct frame_names *fnm, struct report *r)
{
    const struct graph_options *o = &r->gopt;
    enum granularity gran = o->gran == GRAN_DEFAULT ? GRAN_FUNCTIONS : o->gran;
    bool keep_all = gran == GRAN_ADDRESSES && !o->noinlines;
    fnm->r = r;
    fnm->keep_name = gran != GRAN_FILES;
    fnm->keep_file = gran != GRAN_FUNCTIONS;
    fnm->keep_line = gran == GRAN_LINES || gran == GRAN_ADDRESSES;
    fnm->keep_col = keep_all || (fnm->keep_line && o->showcolumns);
    fnm->keep_addr = gran == GRAN_ADDRESSES;
    fnm->inlines = !o->noinlines;
    fnm->blocks = arena_calloc(r->a, r->in.nlocs + 1, sizeof(*fnm->blocks));
    fnm->blen = arena_calloc(r->a, r->in.nlocs + 1, sizeof(*fnm->blen));
    fnm->fn_files = arena_calloc(r->a, r->prof->nfunctions + 1, sizeof(char *));
}

static const char *frame_file(struct frame_names *fnm, const struct prof_function *fn)
{
    const struct profile *p = fnm->r->prof;
    if (!fn->filename[0])
        return "";
    if (fn >= p->functions && fn < p->functions + p->nfunctions) {
        size_t fi = (size_t)(fn - p->functions);
        if (!fnm->fn_files[fi])
            fnm->fn_files[fi] = path_clean(fnm->r->a, fn->filename);
        return fnm->fn_files[fi];
    }
    return path_clean(fnm->r->a, fn->filename);
}

static const char *frame_block(struct frame_names *fnm, uint32_t li, uint32_t *len)
{
    if (fnm->blocks[li]) {
        *len = fnm->blen[li];
        return fnm->blocks[li];
    }
    struct report *r = fnm->r;
    const struct view_loc *vl = &r->in.locs[li];
    const struct profile *p = r->prof;
    const char *objfile = "";
    if (vl->loc && vl->loc->mapping != PROF_NONE)
        objfile = p->mappings[vl->loc->mapping].file;
    uint64_t addr = vl->loc && fnm->keep_addr ? vl->loc->address : 0;
    uint32_t first = 0, nl = vl->nlines;
    if (!fnm->inlines && nl > 1)
        first = nl - 1;
    uint32_t cnt = nl ? nl - first : 1;
    const char **names = arena_alloc(r->a, cnt * sizeof(char *));
    if (nl == 0) {
        struct node_info ni = {"", "", addr, "", 0, 0, 0, objfile};
        names[0] = node_printable_name(r->a, &ni);
    }
    for (uint32_t k = first; k < nl; k++) {
        const struct view_line *ln = &vl->lines[k];
        struct node_info ni = {"", "", addr, "", 0, 0, 0, ""};
        if (!ln->fn) {
            ni.objfile = objfile;
        } else {
            if (fnm->keep_name)
                ni.name = ln->fn->name;
            if (fnm->keep_file)
                ni.file = frame_file(fnm, ln->fn);
            if (fnm->keep_line) {
                ni.lineno = ln->line;
                if (fnm->keep_col)
                    ni.columnno = ln->column;
            }
            if (!ni.name[0]) {
                ni.objfile = objfile;
                ni.start_line = ln->fn->start_line;
            }
        }
        names[k - first] = node_printable_name(r->a, &ni);
    }
    struct strbuf sb = STRBUF_INIT;
    for (uint32_t k = 0; k < cnt; k++) {
        strbuf_addchars(&sb, ' ', 13);
        strbuf_adds(&sb, names[k]);
        if (k != cnt - 1)
            strbuf_adds(&sb, " (inline)");
        strbuf_addc(&sb, '\n');
    }
    fnm->blocks[li] = arena_strndup(r->a, sb.buf, sb.len);
    fnm->blen[li] = (uint32_t)sb.len;
    strbuf_release(&sb);
    *len = fnm->blen[li];
    return fnm->blocks[li];
}

/* The "%10s:  v1 v2" label lines of a sample, sorted, string labels first. */
static void trace_labels(struct report *r, const struct view_sample *s, const struct num_units *nu)
{
    if (s->nlabels == 0)
        return;
    struct strbuf line = STRBUF_INIT;
    for (int numeric = 0; numeric < 2; numeric++) {
        uint32_t ng;
        struct label_group *g = group_labels(r->a, s->labels, s->nlabels, numeric, &ng);
        const char **lines = arena_alloc(r->a, (ng + 1) * sizeof(char *));
        for (uint32_t k = 0; k < ng; k++) {
            strbuf_reset(&line);
            strbuf_addpad(&line, g[k].key, 10, 0);
            strbuf_adds(&line, ":  ");
            const char *unit = numeric ? num_unit_of(nu, g[k].key) : NULL;
            for (uint32_t v = 0; v < g[k].n; v++) {
                if (v)
                    strbuf_addc(&line, ' ');
                if (numeric) {
                    char buf[128];
                    units_label(buf, sizeof(buf), g[k].vals[v]->num, unit);
                    strbuf_adds(&line, buf);
                } else {
                    strbuf_adds(&line, g[k].vals[v]->str);
                }
            }
            strbuf_addc(&line, '\n');
            lines[k] = arena_strndup(r->a, line.buf, line.len);
        }
        qsort(lines, ng, sizeof(char *), cmp_str);
        for (uint32_t k = 0; k < ng; k++)
            strbuf_adds(r->out, lines[k]);
    }
    strbuf_release(&line);
}

int report_traces(struct report *r, struct prof_err *err)
{
    (void)err;
    static const char separator[] = "-----------+-------------------------------------------------------\n";
    struct strbuf *o = r->out;
    const char **labels;
    size_t nlabels;
    report_profile_labels(r, &labels, &nlabels);
    for (size_t i = 0; i < nlabels; i++) {
        strbuf_adds(o, labels[i]);
        strbuf_addc(o, '\n');
    }
    if (nlabels == 0)
        strbuf_addc(o, '\n'); /* pprof prints the (empty) joined labels with a newline */

    struct num_units nu;
    num_label_units(r, &nu);
    struct frame_names fnm;
    frame_names_init(&fnm, r);

    for (size_t si = 0; si < r->in.nsamples && !PROF_STOP(si); si++) {
        const struct view_sample *vs = &r->in.samples[si];
        if (sample_empty(r, vs))
            continue;
        strbuf_adds(o, separator);
        trace_labels(r, vs, &nu);
        int64_t v = vs->value;
        if (vs->div != 0)
            v = div64(v, vs->div);
        const char *value = report_value(r, v);
        bool first = true;
        for (uint32_t i = 0; i < vs->nlocs; i++) {
            uint32_t li = vs->locs[i];
            if (r->in.locs[li].absent)
                continue;
            uint32_t len;
            const char *block = frame_block(&fnm, li, &len);
            if (first) {
                /* The block's first line starts with the 10 columns of the value. */
                strbuf_addpad(o, value, 10, 0);
                strbuf_add(o, block + 10, len - 10);
                first = false;
            } else {
                strbuf_add(o, block, len);
            }
        }
    }
    strbuf_adds(o, separator);
    return 0;
}

/* ---- tags ---- */

/* Go's text/tabwriter with minwidth 0, tabwidth 0, padding 1, pad char ' '
 * and AlignRight (no other flags): cells end at '\t' or '\v', lines at '\n'
 * or '\f'; text between two 0xff bytes is escaped (kept, width without the
 * two escape bytes).  A column block is a run of consecutive lines that all
 * have a cell in that column; its width is the widest cell (runes) plus the
 * padding, and cells are padded on the left.  The text after a line's last
 * tab is not a cell. */
struct tw_cell {
    size_t start, size; /* bytes in the text */
    int width;          /* runes */
};

struct tw_line {
    struct tw_cell *cells;
    size_t n, cap;
};

struct tabwriter {
    const char *text;
    struct tw_line *lines;
    size_t nlines, cap;
    int *widths;
    size_t nwidths, capwidths;
    struct strbuf *out;
};

static void tw_write_lines(struct tabwriter *tw, size_t line0, size_t line1)
{
    for (size_t i = line0; i < line1; i++) {
        const struct tw_line *l = &tw->lines[i];
        for (size_t j = 0; j < l->n; j++) {
            const struct tw_cell *c = &l->cells[j];
            if (j < tw->nwidths && tw->widths[j] > c->width)
                strbuf_addchars(tw->out, ' ', (size_t)(tw->widths[j] - c->width));
            strbuf_add(tw->out, tw->text + c->start, c->size);
        }
        if (i + 1 < tw->nlines)
            strbuf_addc(tw->out, '\n');
    }
}

/* Go's recursive format() without recursion (label text may hold any number
 * of tabs): one frame per open column block; widths[d] is the width of the
 * block of column d, frames[d] the lines the column-d scan works on. */
struct tw_frame {
    size_t line0, line1, this;
};

static void tw_format(struct tabwriter *tw, size_t line0, size_t line1)
{
    struct tw_frame *st = NULL;
    size_t nst = 0, capst = 0;
    xgrow(&st, &capst, 1, sizeof(*st));
    st[nst++] = (struct tw_frame){line0, line1, line0};
    tw->nwidths = 0;
    while (nst > 0) {
        struct tw_frame *f = &st[nst - 1];
        size_t column = tw->nwidths;
        bool pushed = false;
        for (; f->this < f->line1; f->this++) {
            if (column + 1 >= tw->lines[f->this].n)
                continue;
            tw_write_lines(tw, f->line0, f->this);
            f->line0 = f->this;
            int width = 0;
            size_t end = f->this;
            for (; end < f->line1; end++) {
                const struct tw_line *l = &tw->lines[end];
                if (column + 1 >= l->n)
                    break;
                if (l->cells[column].width + 1 > width)
                    width = l->cells[column].width + 1;
            }
            xgrow(&tw->widths, &tw->capwidths, tw->nwidths + 1, sizeof(int));
            tw->widths[tw->nwidths++] = width;
            struct tw_frame child = {f->line0, end, f->line0};
            /* Back in this frame, the scan resumes after the line that ended
             * the block (it has no cell in this column). */
            f->line0 = end;
            f->this = end;
            xgrow(&st, &capst, nst + 1, sizeof(*st));
            st[nst++] = child;
            pushed = true;
            break;
        }
        if (pushed)
            continue;
        tw_write_lines(tw, f->line0, f->line1);
        nst--;
        if (nst > 0) {
            tw->nwidths--;
            if (st[nst - 1].this < st[nst - 1].line1)
                st[nst - 1].this++;
        }
    }
    free(st);
}

static void tw_add_cell(struct tabwriter *tw, size_t start, size_t size, int width)
{
    if (tw->nlines == 0) {
        xgrow(&tw->lines, &tw->cap, 1, sizeof(struct tw_line));
        memset(&tw->lines[0], 0, sizeof(struct tw_line));
        tw->nlines = 1;
    }
    struct tw_line *l = &tw->lines[tw->nlines - 1];
    xgrow(&l->cells, &l->cap, l->n + 1, sizeof(struct tw_cell));
    l->cells[l->n++] = (struct tw_cell){start, size, width};
}

static void tw_new_line(struct tabwriter *tw)
{
    xgrow(&tw->lines, &tw->cap, tw->nlines + 1, sizeof(struct tw_line));
    memset(&tw->lines[tw->nlines], 0, sizeof(struct tw_line));
    tw->nlines++;
}

static void tw_flush(struct tabwriter *tw)
{
    tw_format(tw, 0, tw->nlines);
    for (size_t i = 0; i < tw->nlines; i++)
        free(tw->lines[i].cells);
    tw->nlines = 0;
    tw->nwidths = 0;
}

/* Format text (NUL-free is not required: len bytes) into out. */
static void tabwriter_run(struct strbuf *out, const char *text, size_t len)
{
    struct tabwriter tw;
    memset(&tw, 0, sizeof(tw));
    tw.text = text;
    tw.out = out;
    size_t cell = 0; /* start of the current cell */
    int escw = 0;    /* width correction for escapes */
    bool esc = false;
    tw_new_line(&tw);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (esc) {
            if (ch == 0xff) {
                esc = false;
                escw -= 2;
            }
            continue;
        }
        if (ch == 0xff) {
            esc = true;
            continue;
        }
        if (ch != '\t' && ch != '\v' && ch != '\n' && ch != '\f')
            continue;
        tw_add_cell(&tw, cell, i - cell, (int)utf8_runes(text + cell, i - cell) + escw);
        escw = 0;
        cell = i + 1;
        if (ch == '\n' || ch == '\f') {
            size_t ncells = tw.lines[tw.nlines - 1].n;
            tw_new_line(&tw);
            if (ch == '\f' || ncells == 1)
                tw_flush(&tw), tw_new_line(&tw);
        }
    }
    if (cell < len || esc) {
        if (esc)
            escw -= 2; /* Go closes an open escape at the end and discounts it as usual */
        tw_add_cell(&tw, cell, len - cell, (int)utf8_runes(text + cell, len - cell) + escw);
    }
    tw_flush(&tw);
    free(tw.lines);
    free(tw.widths);
}

struct tag_entry {
    const char *key;
    const char *val;
    int64_t v;
};

static int cmp_tag_entry(const void *pa, const void *pb)
{
    const struct tag_entry *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    return c ? c : strcmp(a->val, b->val);
}

/* graph.SortTags with flat: |value| desc, then name (only for equal values). */
static int cmp_tag_value(const void *pa, const void *pb)
{
    const struct tag_entry *a = pa, *b = pb;
    if (a->v != b->v) {
        int64_t x = abs64(a->v), y = abs64(b->v);
        if (x != y)
            return x > y ? -1 : 1;
    }
    return strcmp(a->val, b->val);
}

int report_tags(struct report *r, struct prof_err *err)
{
    (void)err;
    struct num_units nu;
    num_label_units(r, &nu);

    size_t n = 0;
    for (size_t si = 0; si < r->in.nsamples; si++)
        n += r->in.samples[si].nlabels;
    if (n == 0)
        return 0;
    struct tag_entry *e = arena_alloc(r->a, n * sizeof(*e));
    size_t ne = 0;
    for (size_t si = 0; si < r->in.nsamples && !PROF_STOP(si); si++) {
        const struct view_sample *vs = &r->in.samples[si];
        if (sample_empty(r, vs))
            continue;
        for (uint32_t i = 0; i < vs->nlabels; i++) {
            const struct prof_label *l = &vs->labels[i];
            e[ne].key = l->key;
            e[ne].v = vs->value;
            if (l->str) {
                e[ne].val = l->str;
            } else {
                char buf[128];
                units_scaled_label(buf, sizeof(buf), l->num, num_unit_of(&nu, l->key), r->output_unit);
                e[ne].val = arena_strdup(r->a, buf);
            }
            ne++;
        }
    }
    qsort(e, ne, sizeof(*e), cmp_tag_entry);
    /* Sum equal (key, value) pairs in place. */
    size_t w = 0;
    for (size_t i = 0; i < ne; i++) {
        if (w > 0 && strcmp(e[w - 1].key, e[i].key) == 0 && strcmp(e[w - 1].val, e[i].val) == 0)
            e[w - 1].v += e[i].v;
        else
            e[w++] = e[i];
    }
    ne = w;

    struct strbuf text = STRBUF_INIT;
    for (size_t i = 0; i < ne;) {
        size_t j = i;
        int64_t total = 0;
        while (j < ne && strcmp(e[j].key, e[i].key) == 0)
            total += e[j++].v;
        qsort(e + i, j - i, sizeof(*e), cmp_tag_value);
        if (r->total != 0)
            strbuf_addf(&text, "%s:\t Total %s of %s (%s)\n", e[i].key, report_value(r, total),
                        report_value(r, r->total), report_pct(r, total, r->total));
        else
            strbuf_addf(&text, "%s:\t Total %s of %s\n", e[i].key, report_value(r, total), report_value(r, r->total));
        for (size_t k = i; k < j; k++) {
            if (r->total != 0)
                strbuf_addf(&text, " \t%s (%s):\t %s\n", report_value(r, e[k].v), report_pct(r, e[k].v, r->total),
                            e[k].val);
            else
                strbuf_addf(&text, " \t%s:\t %s\n", report_value(r, e[k].v), e[k].val);
        }
        strbuf_addc(&text, '\n');
        i = j;
    }
    tabwriter_run(r->out, text.buf, text.len);
    strbuf_release(&text);
    return 0;
}

/* ---- raw ---- */

/* Go's time.Duration.String(). */
static void go_duration(char *buf, size_t n, int64_t d)
{
    char tmp[40];
    size_t w = sizeof(tmp);
    tmp[--w] = 0;
    uint64_t u = (uint64_t)d;
    bool neg = d < 0;
    if (neg)
        u = 0 - u;
    if (u < 1000000000ULL) {
        int prec;
        const char *unit;
        if (u == 0) {
            snprintf(buf, n, "0s");
            return;
        } else if (u < 1000ULL) {
            prec = 0;
            unit = "ns";
        } else if (u < 1000000ULL) {
            prec = 3;
            unit = "\xc2\xb5s";
        } else {
            prec = 6;
            unit = "ms";
        }
        size_t ul = strlen(unit);
        w -= ul;
        memcpy(tmp + w, unit, ul);
        bool print = false;
        for (int i = 0; i < prec; i++) {
            unsigned digit = (unsigned)(u % 10);
            print = print || digit != 0;
            if (print)
                tmp[--w] = (char)('0' + digit);
            u /= 10;
        }
        if (print)
            tmp[--w] = '.';
        if (u == 0)
            tmp[--w] = '0';
        while (u > 0) {
            tmp[--w] = (char)('0' + u % 10);
            u /= 10;
        }
    } else {
        tmp[--w] = 's';
        bool print = false;
        for (int i = 0; i < 9; i++) {
            unsigned digit = (unsigned)(u % 10);
            print = print || digit != 0;
            if (print)
                tmp[--w] = (char)('0' + digit);
            u /= 10;
        }
        if (print)
            tmp[--w] = '.';
        uint64_t secs = u % 60;
        u /= 60;
        if (secs == 0)
            tmp[--w] = '0';
        while (secs > 0) {
            tmp[--w] = (char)('0' + secs % 10);
            secs /= 10;
        }
        if (u > 0) {
            tmp[--w] = 'm';
            uint64_t mins = u % 60;
            u /= 60;
            if (mins == 0)
                tmp[--w] = '0';
            while (mins > 0) {
                tmp[--w] = (char)('0' + mins % 10);
                mins /= 10;
            }
            if (u > 0) {
                tmp[--w] = 'h';
                while (u > 0) {
                    tmp[--w] = (char)('0' + u % 10);
                    u /= 10;
                }
            }
        }
    }
    if (neg)
        tmp[--w] = '-';
    snprintf(buf, n, "%s", tmp + w);
}

/* fmt's %.4v of a Stringer: the first 4 runes. */
static void addrunes(struct strbuf *o, const char *s, size_t max)
{
    size_t i = 0, runes = 0;
    while (s[i] && runes < max) {
        unsigned char c = (unsigned char)s[i];
        size_t len = 1;
        if (c >= 0xf0)
            len = 4;
        else if (c >= 0xe0)
            len = 3;
        else if (c >= 0xc0)
            len = 2;
        size_t k = 1;
        while (k < len && ((unsigned char)s[i + k] & 0xc0) == 0x80)
            k++;
        if (k != len)
            k = 1; /* invalid sequence: one rune per byte */
        i += k;
        runes++;
    }
    strbuf_add(o, s, i);
}

/* Go's time.Time.String() of time.Unix(0, nanos) in the local zone:
 * "2006-01-02 15:04:05.999999999 -0700 MST". */
static void go_time(struct strbuf *o, int64_t nanos)
{
    int64_t sec = nanos / 1000000000, ns = nanos % 1000000000;
    if (ns < 0) {
        ns += 1000000000;
        sec--;
    }
    time_t t = (time_t)sec;
    struct tm tm;
    if (!localtime_r(&t, &tm)) {
        strbuf_addf(o, "%" PRId64, nanos);
        return;
    }
    strbuf_addf(o, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
    if (ns) {
        char frac[16];
        snprintf(frac, sizeof(frac), "%09" PRId64, ns);
        size_t fl = 9;
        while (fl > 0 && frac[fl - 1] == '0')
            fl--;
        strbuf_addc(o, '.');
        strbuf_add(o, frac, fl);
    }
    long off = tm.tm_gmtoff;
    char sign = '+';
    if (off < 0) {
        sign = '-';
        off = -off;
    }
    strbuf_addf(o, " %c%02ld%02ld", sign, off / 3600, (off / 60) % 60);
    const char *zone = tm.tm_zone;
    if (zone && zone[0]) {
        strbuf_addf(o, " %s", zone);
    } else {
        /* Go names an unnamed zone by its offset: "-07" or "-0730". */
        if ((off / 60) % 60)
            strbuf_addf(o, " %c%02ld%02ld", sign, off / 3600, (off / 60) % 60);
        else
            strbuf_addf(o, " %c%02ld", sign, off / 3600);
    }
}

/* Decimal of v right-aligned in width columns (printf's %*d without the cost). */
static void add_int(struct strbuf *o, int64_t v, int width)
{
    char buf[24];
    int w = (int)sizeof(buf);
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        buf[--w] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[--w] = '-';
    int n = (int)sizeof(buf) - w;
    if (n < width)
        strbuf_addchars(o, ' ', (size_t)(width - n));
    strbuf_add(o, buf + w, (size_t)n);
}

static void add_hex(struct strbuf *o, uint64_t v)
{
    strbuf_addf(o, "0x%" PRIx64, v);
}

/* Trailing and leading white space trimmed (strings.TrimSpace, ASCII part). */
static void add_trimmed(struct strbuf *o, const char *s, size_t len)
{
    while (len && strchr(" \t\n\v\f\r", s[0]))
        s++, len--;
    while (len && strchr(" \t\n\v\f\r", s[len - 1]))
        len--;
    strbuf_add(o, s, len);
}

static void raw_labels(struct report *r, const struct view_sample *s)
{
    struct strbuf o = STRBUF_INIT;
    for (int numeric = 0; numeric < 2; numeric++) {
        uint32_t ng;
        struct label_group *g = group_labels(r->a, s->labels, s->nlabels, numeric, &ng);
        if (ng == 0)
            continue;
        const char **items = arena_alloc(r->a, ng * sizeof(char *));
        for (uint32_t k = 0; k < ng; k++) {
            strbuf_reset(&o);
            strbuf_adds(&o, g[k].key);
            strbuf_adds(&o, ":[");
            for (uint32_t v = 0; v < g[k].n; v++) {
                if (v)
                    strbuf_addc(&o, ' ');
                const struct prof_label *l = g[k].vals[v];
                if (!numeric)
                    strbuf_adds(&o, l->str);
                else if (g[k].any_unit)
                    strbuf_addf(&o, "%" PRId64 " %s", l->num, l->unit);
                else
                    strbuf_addf(&o, "%" PRId64, l->num);
            }
            strbuf_addc(&o, ']');
            items[k] = arena_strndup(r->a, o.buf, o.len);
        }
        qsort(items, ng, sizeof(char *), cmp_str);
        strbuf_addchars(r->out, ' ', 16);
        for (uint32_t k = 0; k < ng; k++) {
            if (k)
                strbuf_addc(r->out, ' ');
            strbuf_adds(r->out, items[k]);
        }
        strbuf_addc(r->out, '\n');
    }
    strbuf_release(&o);
}

/* The id pprof gives a view location: the file's id, or for a pseudo location
 * (tagroot/tagleaf) the next ids after the largest one, in view order. */
static uint64_t raw_loc_id(struct report *r, uint32_t li, uint64_t max_id)
{
    const struct view_loc *vl = &r->in.locs[li];
    if (vl->loc)
        return vl->loc->id;
    return max_id + 1 + (li >= r->prof->nlocations ? li - r->prof->nlocations : li);
}

int report_raw(struct report *r, struct prof_err *err)
{
    (void)err;
    const struct profile *p = r->prof;
    struct strbuf *o = r->out;
    for (size_t i = 0; i < p->ncomments; i++)
        strbuf_addf(o, "Comment: %s\n", p->comments[i]);
    if (p->doc_url[0])
        strbuf_addf(o, "Doc: %s\n", p->doc_url);
    strbuf_addf(o, "PeriodType: %s %s\n", p->period_type.type, p->period_type.unit);
    strbuf_addf(o, "Period: %" PRId64 "\n", p->period);
    if (p->time_nanos != 0) {
        strbuf_adds(o, "Time: ");
        go_time(o, p->time_nanos);
        strbuf_addc(o, '\n');
    }
    if (p->duration_nanos != 0) {
        char d[64];
        go_duration(d, sizeof(d), p->duration_nanos);
        strbuf_adds(o, "Duration: ");
        addrunes(o, d, 4);
        strbuf_addc(o, '\n');
    }
    strbuf_adds(o, "Samples:\n");
    struct strbuf types = STRBUF_INIT;
    for (size_t i = 0; i < p->nsample_types; i++)
        strbuf_addf(&types, "%s/%s%s ", p->sample_types[i].type, p->sample_types[i].unit,
                    strcmp(p->sample_types[i].type, p->default_sample_type) == 0 ? "[dflt]" : "");
    add_trimmed(o, types.buf, types.len);
    strbuf_release(&types);
    strbuf_addc(o, '\n');

    uint64_t max_id = 0;
    for (size_t i = 0; i < p->nlocations; i++)
        if (p->locations[i].id > max_id)
            max_id = p->locations[i].id;

    for (size_t si = 0; si < r->in.nsamples && !PROF_STOP(si); si++) {
        const struct view_sample *vs = &r->in.samples[si];
        const struct prof_sample *s = vs->src;
        /* pprof's driver always runs FilterSamplesByName, which drops a sample
         * with no (remaining) location, so -raw never shows one, although the
         * parsed profile (upstream's .string files) has it. */
        if (sample_empty(r, vs))
            continue;
        for (size_t k = 0; k < p->nsample_types; k++) {
            strbuf_addc(o, ' ');
            add_int(o, s->values[k], 10);
        }
        strbuf_adds(o, ": ");
        for (uint32_t i = 0; i < vs->nlocs; i++) {
            if (r->in.locs[vs->locs[i]].absent)
                continue;
            uint64_t id = raw_loc_id(r, vs->locs[i], max_id);
            if (id > INT64_MAX)
                strbuf_addf(o, "%" PRIu64, id);
            else
                add_int(o, (int64_t)id, 0);
            strbuf_addc(o, ' ');
        }
        strbuf_addc(o, '\n');
        raw_labels(r, vs);
    }

    strbuf_adds(o, "Locations\n");
    bool inlines = !r->gopt.noinlines;
    for (size_t li = 0; li < r->in.nlocs && !PROF_STOP(li); li++) {
        const struct view_loc *vl = &r->in.locs[li];
        struct strbuf head = STRBUF_INIT;
        char idbuf[32];
        snprintf(idbuf, sizeof(idbuf), "%" PRIu64, raw_loc_id(r, (uint32_t)li, max_id));
        strbuf_addpad(&head, idbuf, 6, 0);
        strbuf_adds(&head, ": ");
        add_hex(&head, vl->loc ? vl->loc->address : 0);
        strbuf_addc(&head, ' ');
        if (vl->loc && vl->loc->mapping != PROF_NONE)
            strbuf_addf(&head, "M=%" PRIu64 " ", p->mappings[vl->loc->mapping].id);
        if (vl->loc && vl->loc->folded)
            strbuf_adds(&head, "[F] ");
        uint32_t nl = vl->absent ? 0 : vl->nlines, first = 0;
        if (!inlines && nl > 1)
            first = nl - 1;
        if (nl == 0) {
            strbuf_add(o, head.buf, head.len);
            strbuf_addc(o, '\n');
        }
        for (uint32_t k = first; k < nl; k++) {
            const struct view_line *ln = &vl->lines[k];
            if (k == first)
                strbuf_add(o, head.buf, head.len);
            else
                strbuf_addchars(o, ' ', 13);
            if (!ln->fn) {
                strbuf_adds(o, "??");
            } else {
                const struct prof_function *fn = ln->fn;
                int64_t col = ln->column;
                if (!inlines && !r->gopt.showcolumns)
                    col = 0;
                strbuf_addf(o, "%s %s:%" PRId64 ":%" PRId64 " s=%" PRId64, fn->name, fn->filename, ln->line, col,
                            fn->start_line);
                if (strcmp(fn->name, fn->system_name) != 0)
                    strbuf_addf(o, "(%s)", fn->system_name);
            }
            strbuf_addc(o, '\n');
        }
        strbuf_release(&head);
    }

    strbuf_adds(o, "Mappings\n");
    for (size_t i = 0; i < p->nmappings; i++) {
        const struct prof_mapping *m = &p->mappings[i];
        strbuf_addf(o, "%" PRIu64 ": ", m->id);
        add_hex(o, m->start);
        strbuf_addc(o, '/');
        add_hex(o, m->limit);
        strbuf_addc(o, '/');
        add_hex(o, m->offset);
        strbuf_addf(o, " %s %s %s%s%s%s\n", m->file, m->build_id, m->has_functions ? "[FN]" : "",
                    m->has_filenames ? "[FL]" : "", m->has_line_numbers ? "[LN]" : "",
                    m->has_inline_frames ? "[IN]" : "");
    }
    return 0;
}

/* ---- comments ---- */

int report_comments(struct report *r, struct prof_err *err)
{
    (void)err;
    const struct profile *p = r->prof;
    for (size_t i = 0; i < p->ncomments; i++) {
        strbuf_adds(r->out, p->comments[i]);
        strbuf_addc(r->out, '\n');
    }
    return 0;
}
