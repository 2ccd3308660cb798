/*
 * report_list.c: -list, -disasm and -weblist (pprof's printSource,
 * PrintAssembly and printWebSource, internal/report/source.go and report.go).
 *
 * list: the graph at lines granularity; the nodes of each function whose
 * name matches are grouped per source file and printed over the source text.
 * disasm: symbols come from `nm -n` of the profile's binaries, instructions
 * from objdump (both spawned with an argument vector, never a shell).
 * weblist: the same source listing as an HTML page, with the disassembly of
 * each sampled line folded under it.
 */
#include "prof/report.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "prof/regex.h"
#include "prof/util.h"

extern char **environ;

/* ---- Go path helpers ---- */

/* Go's filepath.Dir. */
static const char *go_dir(struct arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ".";
    return path_clean(a, arena_strndup(a, path, (size_t)(slash - path + 1)));
}

/* Go's filepath.Join(dir, path) (empty elements are skipped). */
static const char *go_join(struct arena *a, const char *dir, const char *path)
{
    if (!dir[0])
        return path[0] ? path_clean(a, path) : "";
    if (!path[0])
        return path_clean(a, dir);
    return path_clean(a, arena_printf(a, "%s/%s", dir, path));
}

/* The next element of a colon-separated list (Go's filepath.SplitList), or NULL at the end.
 * An empty list has no elements; "a::b" has three. */
static const char *split_next(struct arena *a, const char **cursor)
{
    const char *s = *cursor;
    if (!s)
        return NULL;
    const char *colon = strchr(s, ':');
    if (colon) {
        *cursor = colon + 1;
        return arena_strndup(a, s, (size_t)(colon - s));
    }
    *cursor = NULL;
    return s;
}

static const char *split_start(const char *list) { return list[0] ? list : NULL; }

/* pprof's trimPath for source lookups: with no trim_path, the part after
 * "/<base of a search dir>/"; else (or when that fails) without the first
 * matching trim prefix or /proc/self/cwd prefix. */
static const char *trim_source_path(struct arena *a, const char *path, const char *trim, const char *search)
{
    char base[4096];
    if (!trim[0]) {
        const char *cur = split_start(search), *dir;
        while ((dir = split_next(a, &cur)) != NULL) {
            const char *want = arena_printf(a, "/%s/", path_base(dir, base, sizeof(base)));
            const char *f = strstr(path, want);
            if (f)
                return f + strlen(want);
        }
    }
    const char *cur = split_start(trim), *t;
    static const char *const fixed[] = {"/proc/self/cwd/./", "/proc/self/cwd/"};
    size_t nfixed = 0;
    for (;;) {
        t = split_next(a, &cur);
        if (!t) {
            if (nfixed == PROF_ARRAY_LEN(fixed))
                break;
            t = fixed[nfixed++];
        }
        size_t len = strlen(t);
        if (len == 0 || t[len - 1] != '/') {
            t = arena_printf(a, "%s/", t);
            len++;
        }
        if (strncmp(path, t, len) == 0)
            return path + len;
    }
    return path;
}

/* Go's os.Getwd: $PWD when it names the current directory, else getcwd(). */
static const char *go_getwd(struct arena *a)
{
    const char *pwd = getenv("PWD");
    struct stat dot, st;
    if (pwd && pwd[0] == '/' && stat(".", &dot) == 0 && stat(pwd, &st) == 0 && dot.st_dev == st.st_dev &&
        dot.st_ino == st.st_ino)
        return arena_strdup(a, pwd);
    char *cwd = getcwd(NULL, 0);
    if (!cwd)
        return NULL;
    const char *r = arena_strdup(a, cwd);
    free(cwd);
    return r;
}

/* Go's text for an errno (its syscall table is glibc's text, lower-cased). */
static const char *go_strerror(struct arena *a, int e)
{
    char *s = arena_strdup(a, strerror(e));
    if (s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z'))
        s[0] = (char)(s[0] - 'A' + 'a');
    return s;
}

/* ---- source files (pprof's sourceReader) ---- */

struct src_file {
    const char *path;   /* arena: the name as the graph has it (lookup key) */
    uint64_t hash;
    const char *data;   /* arena: the file's bytes */
    size_t *off, *len;  /* arena: line i (1-based) is data[off[i]..off[i]+len[i]) */
    size_t nlines;      /* lines + 1 (index 0 unused) */
    const char *err;    /* arena: why it could not be opened, or NULL */
};

struct src_reader {
    struct arena *a;          /* borrowed */
    const char *search;       /* borrowed: -source_path, or the cwd */
    const char *trim;         /* borrowed: -trim_path */
    struct src_file *files;   /* owned */
    size_t nfiles, capfiles;
};

static void reader_init(struct src_reader *rd, struct arena *a, const char *search, const char *trim)
{
    memset(rd, 0, sizeof(*rd));
    rd->a = a;
    rd->search = search;
    rd->trim = trim;
}

static void reader_release(struct src_reader *rd)
{
    free(rd->files);
    rd->files = NULL;
    rd->nfiles = rd->capfiles = 0;
}

/* Read all of fd into the arena. */
static char *read_fd(struct arena *a, int fd, size_t *len)
{
    struct strbuf sb = STRBUF_INIT;
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        strbuf_add(&sb, buf, (size_t)n);
    }
    char *r = arena_alloc(a, sb.len + 1);
    memcpy(r, sb.buf, sb.len);
    r[sb.len] = 0;
    *len = sb.len;
    strbuf_release(&sb);
    return r;
}

/* Split into lines as Go's bufio.Scanner with ScanLines does: "\n" ends a
 * line, a final "\r" is dropped, and a line of 64 KiB or more ends the scan. */
static void split_lines(struct arena *a, struct src_file *f, const char *data, size_t len)
{
    size_t n = 1;
    for (size_t i = 0; i < len; i++)
        if (data[i] == '\n')
            n++;
    f->off = arena_alloc(a, (n + 1) * sizeof(size_t));
    f->len = arena_alloc(a, (n + 1) * sizeof(size_t));
    f->off[0] = f->len[0] = 0;
    size_t k = 1, pos = 0;
    const size_t max_token = 64 * 1024;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        size_t l = end - pos;
        if (l >= max_token)
            break;
        if (l > 0 && data[pos + l - 1] == '\r')
            l--;
        f->off[k] = pos;
        f->len[k] = l;
        k++;
        pos = nl ? end + 1 : len;
    }
    f->data = data;
    f->nlines = k;
}

/* pprof's openSourceFile: returns an open fd or -1 with *err set. */
static int open_source(struct src_reader *rd, const char *path, const char **err)
{
    struct arena *a = rd->a;
    path = trim_source_path(a, path, rd->trim, rd->search);
    if (path[0] == '/') {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            *err = arena_printf(a, "open %s: %s", path, go_strerror(a, errno));
        return fd;
    }
    /* The search dirs, then (as current pprof does) the Go module cache and GOROOT. */
    const char *cur = split_start(rd->search), *dir;
    const char *gopath = getenv("GOPATH");
    int extra = gopath && gopath[0] ? 2 : 0;
    for (;;) {
        dir = split_next(a, &cur);
        if (!dir) {
            if (extra == 0)
                break;
            if (extra == 2) {
                dir = go_join(a, gopath, "pkg/mod");
            } else {
                const char *goroot = getenv("GOROOT");
                dir = go_join(a, goroot ? goroot : "", "src");
            }
            extra--;
        }
        for (;;) {
            const char *name = go_join(a, dir, path);
            int fd = open(name, O_RDONLY | O_CLOEXEC);
            if (fd >= 0)
                return fd;
            const char *parent = go_dir(a, dir);
            if (strcmp(parent, dir) == 0)
                break;
            dir = parent;
        }
    }
    *err = arena_printf(a, "could not find file %s on path %s", path, rd->search);
    return -1;
}

static struct src_file *reader_file(struct src_reader *rd, const char *path)
{
    uint64_t h = hash_u64(hash_bytes(HASH_SEED, path, strlen(path)));
    for (size_t i = 0; i < rd->nfiles; i++)
        if (rd->files[i].hash == h && strcmp(rd->files[i].path, path) == 0)
            return &rd->files[i];
    xgrow(&rd->files, &rd->capfiles, rd->nfiles + 1, sizeof(struct src_file));
    struct src_file *f = &rd->files[rd->nfiles++];
    memset(f, 0, sizeof(*f));
    f->path = arena_strdup(rd->a, path);
    f->hash = h;
    const char *err = NULL;
    int fd = open_source(rd, path, &err);
    if (fd < 0) {
        f->err = err;
        f->nlines = 1;
        f->data = "";
        return f;
    }
    size_t len = 0;
    char *data = read_fd(rd->a, fd, &len);
    close(fd);
    split_lines(rd->a, f, data, len);
    return f;
}

/* ---- list ---- */

static const char *value_or_dot(struct report *r, int64_t v) { return v == 0 ? "." : report_value(r, v); }

struct list_item {
    uint32_t node;
    uint32_t order; /* position in the graph's node list */
};

static struct graph *sort_g;

static int cmp_name_file(const void *pa, const void *pb)
{
    const struct list_item *a = pa, *b = pb;
    const struct node_info *x = &sort_g->nodes[a->node].info, *y = &sort_g->nodes[b->node].info;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    c = strcmp(x->file, y->file);
    if (c)
        return c;
    return a->order < b->order ? -1 : a->order > b->order;
}

static int cmp_lineno(const void *pa, const void *pb)
{
    const struct list_item *a = pa, *b = pb;
    int64_t x = sort_g->nodes[a->node].info.lineno, y = sort_g->nodes[b->node].info.lineno;
    if (x != y)
        return x < y ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* Whether the node's function name matches, cached per name string. */
static bool name_matches(struct report *r, struct u64map *cache, const char *name)
{
    if (!r->symbol_re)
        return true;
    uint32_t v;
    if (u64map_get(cache, (uint64_t)(uintptr_t)name, &v))
        return v != 0;
    bool m = regex_match(r->symbol_re, name, strlen(name));
    bool ins;
    u64map_put(cache, (uint64_t)(uintptr_t)name, m, &ins);
    return m;
}

/* Collect the nodes whose function name matches, sorted by name, file, then graph order. */
static struct list_item *matching_nodes(struct report *r, struct graph *g, size_t *n)
{
    struct list_item *items = arena_alloc(r->a, (g->norder + 1) * sizeof(*items));
    struct u64map cache;
    u64map_init(&cache, 64);
    size_t k = 0;
    for (size_t i = 0; i < g->norder; i++) {
        const struct graph_node *nd = &g->nodes[g->order[i]];
        if (name_matches(r, &cache, nd->info.name)) {
            items[k].node = g->order[i];
            items[k].order = (uint32_t)i;
            k++;
        }
    }
    u64map_release(&cache);
    sort_g = g;
    qsort(items, k, sizeof(*items), cmp_name_file);
    *n = k;
    return items;
}

/* pprof's getSourceFromFile + the printing loop, for the nodes of one function in one file. */
static void list_file(struct report *r, struct graph *g, struct src_reader *rd, const char *name, const char *file,
                      struct list_item *it, size_t n)
{
    struct strbuf *o = r->out;
    int64_t flat = 0, cum = 0;
    for (size_t i = 0; i < n; i++) {
        flat += g->nodes[it[i].node].flat;
        cum += g->nodes[it[i].node].cum;
    }
    struct src_file *f = reader_file(rd, file);
    strbuf_addf(o, "ROUTINE ======================== %s in %s\n", name, file);
    strbuf_addpad(o, report_value(r, flat), 10, 0);
    strbuf_addc(o, ' ');
    strbuf_addpad(o, report_value(r, cum), 10, 0);
    strbuf_addf(o, " (flat, cum) %s of Total\n", report_pct(r, cum, r->total));
    if (f->err) {
        strbuf_addf(o, " Error: %s\n", f->err);
        return;
    }

    /* The line range: the first node (in graph order) sets it, the others widen it. */
    const int64_t margin = 5;
    const struct node_info *first = &g->nodes[it[0].node].info;
    int64_t start = first->start_line ? first->start_line : first->lineno - margin;
    int64_t end = first->lineno + margin;
    for (size_t i = 0; i < n; i++) {
        const struct node_info *ni = &g->nodes[it[i].node].info;
        int64_t ns = ni->start_line ? ni->start_line : ni->lineno - margin;
        if (ns < start)
            start = ns;
        else if (ni->lineno + margin > end)
            end = ni->lineno + margin;
    }
    if (start < 1)
        start = 1;

    sort_g = g;
    qsort(it, n, sizeof(*it), cmp_lineno);
    size_t k = 0;
    for (int64_t ln = start; ln <= end; ln++) {
        if (ln <= 0 || (uint64_t)ln >= f->nlines)
            break;
        int64_t lf = 0, lc = 0;
        while (k < n && g->nodes[it[k].node].info.lineno < ln)
            k++;
        for (size_t j = k; j < n && g->nodes[it[j].node].info.lineno == ln; j++) {
            lf += g->nodes[it[j].node].flat;
            lc += g->nodes[it[j].node].cum;
        }
        strbuf_addpad(o, value_or_dot(r, lf), 10, 0);
        strbuf_addc(o, ' ');
        strbuf_addpad(o, value_or_dot(r, lc), 10, 0);
        strbuf_addf(o, " %6" PRId64 ":", ln);
        strbuf_add(o, f->data + f->off[ln], f->len[ln]);
        strbuf_addc(o, '\n');
    }
}

/* The directories searched for sources: -source_path, else the cwd. */
static int source_search_path(struct report *r, const char **out, struct prof_err *err)
{
    const char *sp = r->cfg->source_path;
    if (sp && sp[0]) {
        *out = sp;
        return 0;
    }
    const char *wd = go_getwd(r->a);
    if (!wd)
        return prof_errf(err, PROF_EIO, "could not stat current dir: %s", go_strerror(r->a, errno));
    *out = wd;
    return 0;
}

int report_list(struct report *r, struct prof_err *err)
{
    struct graph g;
    graph_init(&g, r->a, &r->in, &r->gopt);
    graph_build(&g, &r->in, NULL, r->gopt.drop_negative);

    size_t n;
    struct list_item *items = matching_nodes(r, &g, &n);
    int rc = -1;
    if (n == 0) {
        prof_errf(err, PROF_EUSAGE, "no matches found for regexp: %s", r->symbol ? r->symbol : "");
        goto out;
    }
    const char *search;
    if (source_search_path(r, &search, err))
        goto out;
    struct src_reader rd;
    reader_init(&rd, r->a, search, r->cfg->trim_path ? r->cfg->trim_path : "");

    struct strbuf *o = r->out;
    strbuf_addf(o, "Total: %s\n", report_value(r, r->total));
    for (size_t i = 0; i < n;) {
        const char *name = g.nodes[items[i].node].info.name;
        size_t j = i;
        while (j < n && strcmp(g.nodes[items[j].node].info.name, name) == 0)
            j++;
        /* Nodes without a file come first (the empty name sorts first). */
        size_t k = i;
        while (k < j && !g.nodes[items[k].node].info.file[0])
            k++;
        if (k == j)
            strbuf_addf(o, "No source information for %s\n", name);
        while (k < j) {
            const char *file = g.nodes[items[k].node].info.file;
            size_t m = k;
            while (m < j && strcmp(g.nodes[items[m].node].info.file, file) == 0)
                m++;
            list_file(r, &g, &rd, name, file, items + k, m - k);
            k = m;
        }
        i = j;
    }
    reader_release(&rd);
    rc = 0;
out:
    graph_release(&g);
    return rc;
}

int report_disasm(struct report *r, struct prof_err *err) { return report_unimplemented(r, err); }
int report_weblist(struct report *r, struct prof_err *err) { return report_unimplemented(r, err); }
