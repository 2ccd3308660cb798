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
#include "prof/symbolize.h"
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
static void list_file(struct report *r, struct graph *g, struct src_reader *rd, const char *name,
                      const char *file, struct list_item *it, size_t n)
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
    for (size_t i = 0; i < n && !prof_interrupted;) {
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

/* ---- running binutils (never through a shell) ---- */

/* Go's text for how a child ended ("exit status 1", "signal: killed"). */
static const char *exit_text(struct arena *a, int status)
{
    if (WIFEXITED(status))
        return arena_printf(a, "exit status %d", WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        char *t = arena_strdup(a, strsignal(WTERMSIG(status)));
        if (t[0] >= 'A' && t[0] <= 'Z')
            t[0] = (char)(t[0] - 'A' + 'a');
        return arena_printf(a, "signal: %s", t);
    }
    return arena_printf(a, "status %d", status);
}

/* Run argv[0] (a path) with argv, stdin and stderr on /dev/null, and collect
 * its standard output.  0 when it exited with status 0; otherwise -1 and *why. */
static int run_capture(struct arena *a, char *const argv[], char **out, size_t *len, const char **why)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        *why = go_strerror(a, errno);
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        *why = arena_printf(a, "fork/exec %s: %s", argv[0], go_strerror(a, rc));
        return -1;
    }
    *out = read_fd(a, fds[0], len);
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            *why = go_strerror(a, errno);
            return -1;
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        *why = exit_text(a, status);
        return -1;
    }
    return 0;
}

/* Go's %v of a command's argument list: "[a b c]". */
static const char *argv_text(struct arena *a, char *const argv[])
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addc(&sb, '[');
    for (size_t i = 0; argv[i]; i++) {
        if (i)
            strbuf_addc(&sb, ' ');
        strbuf_adds(&sb, argv[i]);
    }
    strbuf_addc(&sb, ']');
    const char *r = arena_strdup(a, sb.buf);
    strbuf_release(&sb);
    return r;
}

static bool is_executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode) && (st.st_mode & 0111);
}

/* Go's exec.LookPath: a name with a slash is checked as is, others are searched in $PATH. */
static const char *look_path(struct arena *a, const char *file)
{
    if (strchr(file, '/'))
        return is_executable(file) ? file : NULL;
    const char *path = getenv("PATH");
    const char *cur = split_start(path ? path : ""), *dir;
    while ((dir = split_next(a, &cur)) != NULL) {
        const char *cand = go_join(a, dir[0] ? dir : ".", file);
        if (is_executable(cand))
            return cand;
    }
    return NULL;
}

/* The object tools, found as pprof's binutils does: each tool's own entries of
 * -tools / $PPROF_TOOLS ("tool:dir" items), then the plain dirs (or $PATH). */
struct objtools {
    const char *objdump; /* arena, NULL if none */
    bool llvm_objdump;
    const char *nm;      /* arena, NULL if none */
};

static const char *find_exe(struct arena *a, const char *config, const char *tool, const char *cmd)
{
    /* paths[tool] then paths[""], in the order given. */
    for (int pass = 0; pass < 2; pass++) {
        const char *cur = config, *item;
        /* strings.Split(config, ","): always at least one (possibly empty) item. */
        for (;;) {
            const char *comma = strchr(cur, ',');
            size_t n = comma ? (size_t)(comma - cur) : strlen(cur);
            item = arena_strndup(a, cur, n);
            const char *colon = strchr(item, ':');
            const char *name = colon ? arena_strndup(a, item, (size_t)(colon - item)) : "";
            const char *dir = colon ? colon + 1 : item;
            if (strcmp(name, pass == 0 ? tool : "") == 0) {
                const char *found = look_path(a, go_join(a, dir, cmd));
                if (found)
                    return found;
            }
            if (!comma)
                break;
            cur = comma + 1;
        }
    }
    return NULL;
}

/* pprof's isLLVMObjdump: "LLVM version X.Y.Z" with X >= 8, or a trunk build. */
static bool llvm_version_ok(const char *out)
{
    const char *p = out;
    while ((p = strstr(p, "LLVM version ")) != NULL) {
        p += strlen("LLVM version ");
        const char *q = p;
        long major = -1;
        bool ok = true;
        for (int part = 0; part < 3 && ok; part++) {
            const char *d = q;
            while (*q >= '0' && *q <= '9')
                q++;
            if (part == 0 && q > d)
                major = strtol(d, NULL, 10);
            if (part < 2) {
                if (*q == '.')
                    q++;
                else
                    ok = false;
            } else if (q == d) {
                major = -1; /* an empty patch number does not parse */
            }
        }
        if (ok)
            return major >= 8;
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        for (size_t i = 0; i + 5 <= n; i++)
            if (memcmp(p + i, "trunk", 5) == 0)
                return true;
    }
    return false;
}

static void find_tools(struct report *r, struct objtools *t)
{
    struct arena *a = r->a;
    const char *config = r->cfg->tools && r->cfg->tools[0] ? r->cfg->tools : getenv("PPROF_TOOLS");
    if (!config)
        config = "";
    memset(t, 0, sizeof(*t));
    static const char *const objdumps[] = {"llvm-objdump", "objdump"};
    for (size_t i = 0; i < PROF_ARRAY_LEN(objdumps) && !t->objdump; i++) {
        const char *exe = find_exe(a, config, "objdump", objdumps[i]);
        if (!exe)
            continue;
        char *argv[] = {(char *)exe, (char *)"--version", NULL};
        char *out;
        size_t len;
        const char *why;
        if (run_capture(a, argv, &out, &len, &why))
            continue;
        if (llvm_version_ok(out)) {
            t->objdump = exe;
            t->llvm_objdump = true;
        } else if (strstr(out, "GNU objdump")) {
            t->objdump = exe;
        }
    }
    t->nm = find_exe(a, config, "nm", "llvm-nm");
    if (!t->nm)
        t->nm = find_exe(a, config, "nm", "nm");
}

/* ---- ELF: what pprof's elfexec needs to relate sample addresses to the file ---- */

struct elf_phdr {
    uint32_t type, flags;
    uint64_t off, vaddr, filesz, memsz;
};

struct elf_file {
    int type;                 /* e_type */
    struct elf_phdr *ph;      /* arena */
    size_t nph;
    bool has_text;            /* a .text section exists */
    uint64_t text_addr;
    bool has_stext;           /* the kernel relocation symbol was found */
    uint64_t stext;
};

struct elf_reader {
    int fd;
    bool be, is64;
};

static uint64_t elf_get(const struct elf_reader *er, const unsigned char *p, int size)
{
    uint64_t v = 0;
    for (int i = 0; i < size; i++)
        v |= (uint64_t)p[er->be ? size - 1 - i : i] << (8 * i);
    return v;
}

static bool elf_pread(const struct elf_reader *er, void *buf, size_t n, uint64_t off)
{
    unsigned char *p = buf;
    while (n) {
        ssize_t k = pread(er->fd, p, n, (off_t)off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        p += k;
        n -= (size_t)k;
        off += (uint64_t)k;
    }
    return true;
}

struct elf_shdr {
    uint32_t name, type, link;
    uint64_t addr, off, size, entsize;
};

/* Parse the ELF headers of path (program headers, .text, and _stext when
 * want_stext).  -1 and *why on a malformed file. */
static int elf_open(struct arena *a, const char *path, bool want_stext, struct elf_file *ef, const char **why)
{
    memset(ef, 0, sizeof(*ef));
    struct elf_reader er = {open(path, O_RDONLY | O_CLOEXEC), false, false};
    if (er.fd < 0) {
        *why = arena_printf(a, "open %s: %s", path, go_strerror(a, errno));
        return -1;
    }
    unsigned char eh[64];
    int rc = -1;
    if (!elf_pread(&er, eh, 52, 0) || memcmp(eh, "\x7f" "ELF", 4) != 0 || (eh[4] != 1 && eh[4] != 2) ||
        (eh[5] != 1 && eh[5] != 2)) {
        *why = "bad ELF header";
        goto out;
    }
    er.is64 = eh[4] == 2;
    er.be = eh[5] == 2;
    if (er.is64 && !elf_pread(&er, eh, 64, 0)) {
        *why = "truncated ELF header";
        goto out;
    }
    ef->type = (int)elf_get(&er, eh + 16, 2);
    uint64_t phoff = er.is64 ? elf_get(&er, eh + 32, 8) : elf_get(&er, eh + 28, 4);
    uint64_t shoff = er.is64 ? elf_get(&er, eh + 40, 8) : elf_get(&er, eh + 32, 4);
    const unsigned char *t = eh + (er.is64 ? 54 : 42);
    size_t phentsize = elf_get(&er, t, 2), phnum = elf_get(&er, t + 2, 2);
    size_t shentsize = elf_get(&er, t + 4, 2), shnum = elf_get(&er, t + 6, 2),
           shstrndx = elf_get(&er, t + 8, 2);
    if (phnum && phentsize < (er.is64 ? 56u : 32u)) {
        *why = "invalid program header size";
        goto out;
    }
    if (phnum > 65535)
        phnum = 65535;
    ef->ph = arena_alloc(a, (phnum + 1) * sizeof(*ef->ph));
    for (size_t i = 0; i < phnum; i++) {
        unsigned char p[56];
        if (!elf_pread(&er, p, er.is64 ? 56 : 32, phoff + i * phentsize)) {
            *why = "truncated program headers";
            goto out;
        }
        struct elf_phdr *h = &ef->ph[ef->nph++];
        h->type = (uint32_t)elf_get(&er, p, 4);
        if (er.is64) {
            h->flags = (uint32_t)elf_get(&er, p + 4, 4);
            h->off = elf_get(&er, p + 8, 8);
            h->vaddr = elf_get(&er, p + 16, 8);
            h->filesz = elf_get(&er, p + 32, 8);
            h->memsz = elf_get(&er, p + 40, 8);
        } else {
            h->off = elf_get(&er, p + 4, 4);
            h->vaddr = elf_get(&er, p + 8, 4);
            h->filesz = elf_get(&er, p + 16, 4);
            h->memsz = elf_get(&er, p + 20, 4);
            h->flags = (uint32_t)elf_get(&er, p + 24, 4);
        }
    }
    /* Section headers: .text, and the symbol table for _stext. */
    if (shoff && shnum == 0) {
        unsigned char s0[64];
        if (elf_pread(&er, s0, er.is64 ? 64 : 40, shoff)) {
            shnum = elf_get(&er, s0 + (er.is64 ? 32 : 20), er.is64 ? 8 : 4);
            if (shstrndx == 0xffff)
                shstrndx = elf_get(&er, s0 + (er.is64 ? 40 : 24), 4);
        }
    }
    if (!shoff || shnum == 0 || shentsize < (er.is64 ? 64u : 40u) || shnum > (1u << 20)) {
        rc = 0;
        goto out;
    }
    struct elf_shdr *sh = arena_alloc(a, shnum * sizeof(*sh));
    for (size_t i = 0; i < shnum; i++) {
        unsigned char p[64];
        if (!elf_pread(&er, p, er.is64 ? 64 : 40, shoff + i * shentsize)) {
            *why = "truncated section headers";
            goto out;
        }
        sh[i].name = (uint32_t)elf_get(&er, p, 4);
        sh[i].type = (uint32_t)elf_get(&er, p + 4, 4);
        if (er.is64) {
            sh[i].addr = elf_get(&er, p + 16, 8);
            sh[i].off = elf_get(&er, p + 24, 8);
            sh[i].size = elf_get(&er, p + 32, 8);
            sh[i].link = (uint32_t)elf_get(&er, p + 40, 4);
            sh[i].entsize = elf_get(&er, p + 56, 8);
        } else {
            sh[i].addr = elf_get(&er, p + 12, 4);
            sh[i].off = elf_get(&er, p + 16, 4);
            sh[i].size = elf_get(&er, p + 20, 4);
            sh[i].link = (uint32_t)elf_get(&er, p + 24, 4);
            sh[i].entsize = elf_get(&er, p + 36, 4);
        }
    }
    if (shstrndx < shnum && sh[shstrndx].size < (1u << 24)) {
        char *names = arena_alloc(a, sh[shstrndx].size + 1);
        if (elf_pread(&er, names, sh[shstrndx].size, sh[shstrndx].off)) {
            names[sh[shstrndx].size] = 0;
            for (size_t i = 0; i < shnum; i++)
                if (sh[i].name < sh[shstrndx].size && strcmp(names + sh[i].name, ".text") == 0) {
                    ef->has_text = true;
                    ef->text_addr = sh[i].addr;
                    break;
                }
        }
    }
    for (size_t i = 0; want_stext && i < shnum; i++) {
        if (sh[i].type != 2 /* SHT_SYMTAB */ || sh[i].link >= shnum)
            continue;
        size_t esz = er.is64 ? 24 : 16;
        const struct elf_shdr *strs = &sh[sh[i].link];
        if (sh[i].size > (1u << 30) || strs->size > (1u << 30))
            break;
        unsigned char *syms = arena_alloc(a, sh[i].size + 1);
        char *str = arena_alloc(a, strs->size + 1);
        if (!elf_pread(&er, syms, sh[i].size, sh[i].off) || !elf_pread(&er, str, strs->size, strs->off))
            break;
        str[strs->size] = 0;
        for (size_t k = 1; k * esz + esz <= sh[i].size; k++) {
            const unsigned char *e = syms + k * esz;
            uint64_t nm = elf_get(&er, e, 4);
            uint64_t val = er.is64 ? elf_get(&er, e + 8, 8) : elf_get(&er, e + 4, 4);
            if (nm < strs->size && strcmp(str + nm, "_stext") == 0) {
                ef->has_stext = true;
                ef->stext = val;
                break;
            }
        }
        break;
    }
    rc = 0;
out:
    close(er.fd);
    return rc;
}

/* elfexec.FindTextProgHeader. */
static const struct elf_phdr *text_prog_header(const struct elf_file *ef)
{
    if (!ef->has_text)
        return NULL;
    for (size_t i = 0; i < ef->nph; i++) {
        const struct elf_phdr *p = &ef->ph[i];
        if (p->type == 1 && (p->flags & 1) && ef->text_addr >= p->vaddr &&
            ef->text_addr < p->vaddr + p->memsz)
            return p;
    }
    return NULL;
}

struct objmap {
    uint64_t start, limit, offset;
    bool has_koff;
    uint64_t koff; /* the kernel relocation symbol's address */
};

/* elfexec's kernelBase heuristics. */
static bool kernel_base(const struct elf_phdr *ls, const struct objmap *m, uint64_t *base)
{
    const uint64_t ppc64 = 0xc000000000000000ULL, page = 4096;
    if (ls->vaddr == m->start - m->offset) {
        *base = m->offset;
        return true;
    }
    if (m->start == 0 && m->limit != 0 && m->has_koff) {
        *base = m->start - m->koff;
        return true;
    }
    if (m->start >= ls->vaddr && m->limit > m->start &&
        (m->offset == 0 || m->offset == ppc64 || m->offset == m->start)) {
        if (m->has_koff && m->start % page == m->koff % page)
            *base = m->start - m->koff;
        else
            *base = m->start - ls->vaddr;
        return true;
    }
    if (m->start % page != 0 && m->has_koff && m->koff % page == m->start % page) {
        *base = m->start - m->koff;
        return true;
    }
    return false;
}

/* elfexec.GetBase. */
static int elf_base(struct arena *a, const struct elf_file *ef, const struct elf_phdr *ls,
                    const struct objmap *m, uint64_t *base, const char **why)
{
    if (m->start == 0 && m->offset == 0 && (m->limit == UINT64_MAX || m->limit == 0)) {
        *base = 0;
        return 0;
    }
    switch (ef->type) {
    case 2: /* ET_EXEC */
        if (!ls) {
            *base = 0;
            return 0;
        }
        if (!m->has_koff && m->start > 0 && m->start < 0x8000000000000000ULL) {
            *base = m->start - m->offset + ls->off - ls->vaddr;
            return 0;
        }
        if (kernel_base(ls, m, base))
            return 0;
        if (m->start == 0 && m->limit != 0 && !m->has_koff) {
            *base = m->start - ls->vaddr;
            return 0;
        }
        *why = arena_printf(a, "don't know how to handle EXEC segment: start=0x%" PRIx64 " limit=0x%" PRIx64
                            " offset=0x%" PRIx64, m->start, m->limit, m->offset);
        return -1;
    case 1: /* ET_REL */
        if (m->offset != 0) {
            *why = "don't know how to handle mapping.Offset";
            return -1;
        }
        *base = m->start;
        return 0;
    case 3: /* ET_DYN */
        if (!ls) {
            *base = m->start - m->offset;
            return 0;
        }
        if (kernel_base(ls, m, base))
            return 0;
        *base = m->start - m->offset + ls->off - ls->vaddr;
        return 0;
    }
    *why = arena_printf(a, "don't know how to handle FileHeader.Type %d", ef->type);
    return -1;
}

/* The program header of a user-space mapping that holds addr (pprof's findProgramHeader). */
static int mapping_header(struct arena *a, const struct elf_file *ef, const struct objmap *m, uint64_t addr,
                          const struct elf_phdr **out, const char **why)
{
    *out = NULL;
    if (m->has_koff || m->start >= m->limit || m->limit >= (1ULL << 63)) {
        *out = text_prog_header(ef);
        return 0;
    }
    const uint64_t page = 4096;
    uint64_t map_off = m->offset, map_lim = m->offset + (m->limit - m->start);
    const struct elf_phdr *hdrs[64];
    size_t nh = 0, nload = 0;
    for (size_t i = 0; i < ef->nph; i++) {
        const struct elf_phdr *p = &ef->ph[i];
        if (p->type != 1)
            continue;
        nload++;
        if (p->filesz == 0)
            continue;
        uint64_t seg_lim = p->off + p->memsz;
        if (!(map_off < seg_lim && p->off < map_lim))
            continue;
        uint64_t aligned = p->off > (p->vaddr & (page - 1)) ? p->off - (p->vaddr & (page - 1)) : 0;
        if (map_off < aligned)
            continue;
        if (map_off > p->off && seg_lim < map_off + page && map_lim >= seg_lim + page)
            continue;
        if (nh < PROF_ARRAY_LEN(hdrs))
            hdrs[nh++] = p;
    }
    if (nload == 0)
        return 0;
    if (nh == 0) {
        *why = "no program header matches mapping info";
        return -1;
    }
    if (nh == 1) {
        *out = hdrs[0];
        return 0;
    }
    uint64_t foff = addr - m->start + m->offset;
    for (size_t i = 0; i < nh; i++) {
        if (foff >= hdrs[i]->off && foff < hdrs[i]->off + hdrs[i]->memsz) {
            if (*out) {
                *why = arena_printf(a, "found second program header that matches file offset %" PRIx64, foff);
                return -1;
            }
            *out = hdrs[i];
        }
    }
    if (!*out) {
        *why = arena_printf(a, "no program header matches file offset %" PRIx64, foff);
        return -1;
    }
    return 0;
}

/* ---- disasm ---- */

/* One object file opened for a mapping (pprof's ObjFile). */
struct objfile {
    const struct prof_mapping *m; /* borrowed */
    struct elf_file ef;
    struct objmap om;
    bool base_done, base_ok;
    uint64_t base;
};

/* pprof's binutils Open: the checks done before any symbol is read.  On
 * failure the message (which pprof prints on stdout) goes to *why. */
static int obj_open(struct arena *a, const struct prof_mapping *m, struct objfile *of, const char **why)
{
    memset(of, 0, sizeof(*of));
    of->m = m;
    of->om.start = m->start;
    of->om.limit = m->limit;
    of->om.offset = m->offset;
    struct stat st;
    if (stat(m->file, &st) != 0) {
        *why = arena_printf(a, "stat %s: %s", m->file, go_strerror(a, errno));
        return -1;
    }
    int fd = open(m->file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *why = arena_printf(a, "error opening %s: open %s: %s", m->file, m->file, go_strerror(a, errno));
        return -1;
    }
    unsigned char magic[4];
    ssize_t n = read(fd, magic, 4);
    close(fd);
    if (n != 4) {
        *why = arena_printf(a, "error reading magic number from %s: %s", m->file,
                            n <= 0 ? "EOF" : "unexpected EOF");
        return -1;
    }
    if (memcmp(magic, "\x7f" "ELF", 4) != 0) {
        *why = arena_printf(a, "unrecognized binary format: %s", m->file);
        return -1;
    }
    const uint64_t page = 4096;
    bool want_stext = strstr(m->file, "vmlinux") || m->start % page || m->limit % page || m->offset % page;
    const char *err = NULL;
    if (elf_open(a, m->file, want_stext, &of->ef, &err)) {
        *why = arena_printf(a, "error reading ELF file %s: error parsing %s: %s", m->file, m->file, err);
        return -1;
    }
    if (want_stext && of->ef.has_stext) {
        of->om.has_koff = true;
        of->om.koff = of->ef.stext;
    }
    uint64_t base;
    if (elf_base(a, &of->ef, text_prog_header(&of->ef), &of->om, &base, &err)) {
        *why = arena_printf(a, "error reading ELF file %s: could not identify base for %s: %s", m->file,
                            m->file, err);
        return -1;
    }
    return 0;
}

/* The object address of a sample address (pprof's ObjAddr): the base is
 * computed once, from the first address that falls in the mapping. */
static bool obj_addr(struct arena *a, struct objfile *of, uint64_t addr, uint64_t *out)
{
    if (!of->base_done) {
        if (addr < of->om.start || addr >= of->om.limit)
            return false;
        of->base_done = true;
        const struct elf_phdr *ph;
        const char *why;
        of->base_ok = mapping_header(a, &of->ef, &of->om, addr, &ph, &why) == 0 &&
                      elf_base(a, &of->ef, ph, &of->om, &of->base, &why) == 0;
    }
    if (!of->base_ok)
        return false;
    *out = addr - of->base;
    return true;
}

/* A symbol of a binary (pprof's plugin.Sym). */
struct objsym {
    const char **names; /* arena */
    size_t nnames;
    uint64_t start, end;
    struct objfile *of;
    uint32_t *nodes;    /* arena: graph nodes inside [start, end) */
    size_t nnodes;
};

struct nm_group {
    size_t first, n; /* range in the name list */
    uint64_t start, end;
};

/* Parse `nm -n` output: lines "ADDR TYPE NAME" (other lines skipped). */
static size_t parse_nm(struct arena *a, char *out, size_t len, const char ***names, uint64_t **addrs)
{
    size_t cap = 1;
    for (size_t i = 0; i < len; i++)
        cap += out[i] == '\n';
    *names = arena_alloc(a, cap * sizeof(char *));
    *addrs = arena_alloc(a, cap * sizeof(uint64_t));
    size_t n = 0;
    char *p = out, *end = out + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        *le = 0;
        char *s = p;
        p = nl ? nl + 1 : end;
        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\f' || *s == '\v')
            s++;
        char *e = le;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\f' || e[-1] == '\v'))
            *--e = 0;
        char *h = s;
        while ((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f') || (*h >= 'A' && *h <= 'F'))
            h++;
        if (h == s || (*h != ' ' && *h != '\t'))
            continue;
        size_t ndig = (size_t)(h - s);
        char *q = h;
        while (*q == ' ' || *q == '\t')
            q++;
        if (!*q)
            continue;
        q++; /* the type: any one character */
        if (*q != ' ' && *q != '\t')
            continue;
        while (*q == ' ' || *q == '\t')
            q++;
        /* ParseUint(hex, 16, 64): more than 16 significant digits overflow. */
        const char *d = s;
        while (d < h - 1 && *d == '0')
            d++;
        if ((size_t)(h - d) > 16 || ndig == 0)
            continue;
        (*names)[n] = q;
        (*addrs)[n] = strtoull(s, NULL, 16);
        n++;
    }
    return n;
}

/* Demangle names with c++filt (one argument each, in batches): out[i] is NULL
 * when a name is not a mangled C++ name. */
static void demangle_batch(struct report *r, const char **names, size_t n, const char **out)
{
    struct arena *a = r->a;
    for (size_t i = 0; i < n; i++)
        out[i] = NULL;
    const char *filt = look_path(a, "c++filt");
    if (!filt || n == 0)
        return;
    for (size_t i = 0; i < n;) {
        size_t j = i, bytes = 0;
        while (j < n && j - i < 512 && bytes < 64 * 1024)
            bytes += strlen(names[j++]) + 1;
        char **argv = arena_alloc(a, (j - i + 2) * sizeof(char *));
        argv[0] = (char *)filt;
        for (size_t k = i; k < j; k++)
            argv[k - i + 1] = (char *)names[k];
        argv[j - i + 1] = NULL;
        char *txt;
        size_t len;
        const char *why;
        if (run_capture(a, argv, &txt, &len, &why) == 0) {
            char *p = txt;
            for (size_t k = i; k < j && *p; k++) {
                char *nl = strchr(p, '\n');
                if (nl)
                    *nl = 0;
                if (strcmp(p, names[k]) != 0)
                    out[k] = p;
                p = nl ? nl + 1 : p + strlen(p);
            }
        }
        i = j;
    }
}

/* A demangled name without " [clone .xxx]" suffixes (demangle.NoClones). */
static const char *strip_clones(struct arena *a, const char *s)
{
    const char *c = strstr(s, " [clone ");
    return c ? arena_strndup(a, s, (size_t)(c - s)) : s;
}

static bool re_match(const struct prof_regex *re, const char *s)
{
    return !re || regex_match(re, s, strlen(s));
}

/* pprof's matchSymbol for one group of names at one address: the names to
 * report, or 0 when the group does not match. */
static size_t match_group(struct report *r, const char **names, size_t n, const char **dem, uint64_t start,
                          uint64_t end, bool has_addr, uint64_t addr, const char ***out)
{
    if (has_addr && addr != 0 && addr >= start && addr <= end) {
        *out = names;
        return n;
    }
    for (size_t i = 0; i < n; i++) {
        if (re_match(r->symbol_re, names[i])) {
            *out = &names[i];
            return 1;
        }
        if (dem[i]) {
            const char *v[3];
            v[0] = strip_clones(r->a, dem[i]);
            v[1] = demangle_simplify(r->a, v[0], true, false);
            v[2] = demangle_simplify(r->a, v[0], true, true);
            for (int k = 0; k < 3; k++)
                if (re_match(r->symbol_re, v[k])) {
                    const char **one = arena_alloc(r->a, sizeof(char *));
                    one[0] = v[k];
                    *out = one;
                    return 1;
                }
        }
    }
    return 0;
}

/* pprof's Symbols(rx, addr) on one object: nm -n, grouped by address. */
static void object_symbols(struct report *r, const struct objtools *t, struct objfile *of, bool has_addr,
                           uint64_t addr, struct objsym **syms, size_t *nsyms, size_t *capsyms)
{
    struct arena *a = r->a;
    if (!t->nm)
        return;
    char *argv[] = {(char *)t->nm, (char *)"-n", (char *)of->m->file, NULL};
    char *out;
    size_t len;
    const char *why;
    if (run_capture(a, argv, &out, &len, &why))
        return;
    const char **names;
    uint64_t *addrs;
    size_t n = parse_nm(a, out, len, &names, &addrs);

    /* Groups of names at one address; the last one ends at 2^64-1 as in pprof. */
    struct nm_group *groups = arena_alloc(a, (n + 1) * sizeof(*groups));
    size_t ng = 0;
    uint64_t cur = 0;
    size_t first = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && addrs[i] == cur)
            continue;
        uint64_t next = i < n ? addrs[i] : 0;
        if (i > first) {
            groups[ng].first = first;
            groups[ng].n = i - first;
            groups[ng].start = cur;
            groups[ng].end = next - 1;
            ng++;
        }
        if (i < n) {
            cur = addrs[i];
            first = i;
        }
    }

    /* C++ names are also matched demangled: demangle (in one batch) every
     * mangled name that comes before a group's first plain match. */
    const char **dem = arena_calloc(a, n + 1, sizeof(char *));
    const char **todo = arena_alloc(a, (n + 1) * sizeof(char *));
    size_t *todo_idx = arena_alloc(a, (n + 1) * sizeof(size_t));
    size_t ntodo = 0;
    for (size_t g = 0; g < ng; g++) {
        if (has_addr && addr != 0 && addr >= groups[g].start && addr <= groups[g].end)
            continue;
        for (size_t k = groups[g].first; k < groups[g].first + groups[g].n; k++) {
            if (re_match(r->symbol_re, names[k]))
                break;
            if (strncmp(names[k], "_Z", 2) == 0) {
                todo[ntodo] = names[k];
                todo_idx[ntodo++] = k;
            }
        }
    }
    if (ntodo) {
        const char **res = arena_alloc(a, ntodo * sizeof(char *));
        demangle_batch(r, todo, ntodo, res);
        for (size_t i = 0; i < ntodo; i++)
            dem[todo_idx[i]] = res[i];
    }
    for (size_t g = 0; g < ng; g++) {
        const char **match;
        size_t nm = match_group(r, names + groups[g].first, groups[g].n, dem + groups[g].first,
                                groups[g].start, groups[g].end, has_addr, addr, &match);
        if (!nm)
            continue;
        xgrow(syms, capsyms, *nsyms + 1, sizeof(struct objsym));
        struct objsym *s = &(*syms)[(*nsyms)++];
        memset(s, 0, sizeof(*s));
        s->names = match;
        s->nnames = nm;
        s->start = groups[g].start;
        s->end = groups[g].end;
        s->of = of;
    }
}

/* Go's strconv.ParseUint(s, 0, 64). */
static bool parse_uint0(const char *s, uint64_t *out)
{
    int base = 10;
    const char *p = s;
    bool prefixed = false;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
        prefixed = true;
    } else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
        base = 2;
        p += 2;
        prefixed = true;
    } else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
        base = 8;
        p += 2;
        prefixed = true;
    } else if (p[0] == '0' && p[1]) {
        base = 8;
        p += 1;
        prefixed = true;
    }
    /* Underscores only between digits or after a base prefix (Go's underscoreOK). */
    uint64_t v = 0;
    bool any = false, last_us = prefixed;
    if (!*p)
        return false;
    for (; *p; p++) {
        if (*p == '_') {
            if (!last_us && !any)
                return false;
            if (last_us && any)
                return false;
            last_us = true;
            continue;
        }
        int d;
        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (*p >= 'a' && *p <= 'z')
            d = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'Z')
            d = *p - 'A' + 10;
        else
            return false;
        if (d >= base)
            return false;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            return false;
        v = v * (uint64_t)base + (uint64_t)d;
        any = true;
        last_us = false;
    }
    if (!any || last_us)
        return false;
    *out = v;
    return true;
}

/* One instruction of objdump's output (pprof's plugin.Inst). */
struct inst {
    uint64_t addr;
    const char *text, *function, *file; /* arena */
    int64_t line;
};

static bool is_gospace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
static bool is_xdigit_c(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The prefixes `;?\s?` can take at the start of s, in the regexp's order of preference. */
static size_t prefix_options(const char *s, size_t opts[4])
{
    size_t n = 0;
    if (s[0] == ';') {
        if (is_gospace(s[1]))
            opts[n++] = 2;
        opts[n++] = 1;
    }
    if (is_gospace(s[0]))
        opts[n++] = 1;
    opts[n++] = 0;
    return n;
}

/* pprof's disassemble(): parse objdump --line-numbers output. */
static size_t parse_objdump(struct arena *a, char *out, size_t len, struct inst **insts)
{
    size_t cap = 1;
    for (size_t i = 0; i < len; i++)
        cap += out[i] == '\n';
    *insts = arena_alloc(a, cap * sizeof(struct inst));
    size_t n = 0;
    const char *function = "", *file = "";
    int64_t line = 0;
    char *p = out, *end = out + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        *le = 0;
        char *s = p;
        p = nl ? nl + 1 : end;
        /* strings.TrimSpace */
        while (*s && (is_gospace(*s) || *s == '\v'))
            s++;
        char *e = le;
        while (e > s && (is_gospace(e[-1]) || e[-1] == '\v'))
            *--e = 0;
        size_t sl = (size_t)(e - s);

        /* ^\s*([[:xdigit:]]+):\s+(.*) */
        size_t h = 0;
        while (is_xdigit_c(s[h]))
            h++;
        if (h > 0 && s[h] == ':' && is_gospace(s[h + 1])) {
            size_t d = 0;
            while (d + 1 < h && s[d] == '0')
                d++;
            if (h - d <= 16) {
                char *t = s + h + 1;
                while (is_gospace(*t))
                    t++;
                struct inst *in = &(*insts)[n++];
                in->addr = strtoull(s, NULL, 16);
                in->text = t;
                in->function = function;
                in->file = file;
                in->line = line;
                continue;
            }
        }
        /* ^;?\s?(.*):([0-9]+) */
        size_t opts[4], nopt = prefix_options(s, opts);
        bool matched = false;
        for (size_t o = 0; o < nopt && !matched; o++) {
            for (size_t i = sl; i-- > opts[o];) {
                if (s[i] == ':' && s[i + 1] >= '0' && s[i + 1] <= '9') {
                    size_t k = i + 1;
                    uint64_t v = 0;
                    bool ok = true;
                    while (s[k] >= '0' && s[k] <= '9') {
                        v = v * 10 + (uint64_t)(s[k] - '0');
                        if (v > UINT32_MAX)
                            ok = false;
                        k++;
                    }
                    if (ok) {
                        file = arena_strndup(a, s + opts[o], i - opts[o]);
                        line = (int64_t)v;
                    }
                    matched = true;
                    break;
                }
            }
        }
        if (matched)
            continue;
        /* ^;?\s?(\S.*)\(\): */
        for (size_t o = 0; o < nopt && !matched; o++) {
            size_t st = opts[o];
            if (!s[st] || is_gospace(s[st]))
                continue;
            for (size_t i = sl >= 3 ? sl - 3 : 0; i + 1 > st + 1; i--) {
                if (memcmp(s + i, "():", 3) == 0) {
                    function = arena_strndup(a, s + st, i - st);
                    matched = true;
                    break;
                }
                if (i == 0)
                    break;
            }
        }
        if (matched)
            continue;
        /* ^([[:xdigit:]]+)?\s?(.*): */
        char *colon = strrchr(s, ':');
        if (colon) {
            size_t st = h;
            if (is_gospace(s[st]))
                st++;
            if (s + st <= colon) {
                function = arena_strndup(a, s + st, (size_t)(colon - (s + st)));
                continue;
            }
        }
        function = "";
        file = "";
        line = 0;
    }
    return n;
}

static struct graph *addr_sort_g;

static int cmp_node_addr(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    uint64_t x = addr_sort_g->nodes[a].info.address, y = addr_sort_g->nodes[b].info.address;
    if (x != y)
        return x < y ? -1 : 1;
    return a < b ? -1 : a > b;
}

static int cmp_sym(const void *pa, const void *pb)
{
    const struct objsym *a = pa, *b = pb;
    int c = strcmp(a->names[0], b->names[0]);
    if (c)
        return c;
    return a->start < b->start ? -1 : a->start > b->start;
}

/* pprof's annotateAssembly + the printing loop of PrintAssembly for one symbol. */
static void print_symbol(struct report *r, struct graph *g, struct objsym *s, struct inst *insts,
                         size_t ninsts)
{
    struct strbuf *o = r->out;
    struct arena *a = r->a;
    int64_t flat = 0, cum = 0;
    for (size_t i = 0; i < s->nnodes; i++) {
        flat += g->nodes[s->nodes[i]].flat;
        cum += g->nodes[s->nodes[i]].cum;
    }
    strbuf_addf(o, "ROUTINE ======================== %s\n", s->names[0]);
    for (size_t i = 1; i < s->nnames; i++)
        strbuf_addf(o, "    AKA ======================== %s\n", s->names[i]);
    strbuf_addpad(o, report_value(r, flat), 10, 0);
    strbuf_addc(o, ' ');
    strbuf_addpad(o, report_value(r, cum), 10, 0);
    strbuf_addf(o, " (flat, cum) %s of Total\n", report_pct(r, cum, r->total));

    addr_sort_g = g;
    qsort(s->nodes, s->nnodes, sizeof(uint32_t), cmp_node_addr);
    size_t si = 0;
    const char *pfunc = "", *pfile = "";
    int64_t pline = 0;
    char base[4096];
    for (size_t ix = 0; ix < ninsts; ix++) {
        const struct inst *in = &insts[ix];
        uint64_t next = ix + 1 < ninsts ? insts[ix + 1].addr : UINT64_MAX;
        const char *function = in->function;
        const char *file = in->file[0] ? arena_strdup(a, path_base(in->file, base, sizeof(base))) : "";
        int64_t line = in->line;
        int64_t f = 0, fd = 0, c = 0, cd = 0;
        for (; si < s->nnodes; si++) {
            const struct graph_node *nd = &g->nodes[s->nodes[si]];
            uint64_t oa;
            if (!obj_addr(a, s->of, nd->info.address, &oa) || oa >= next)
                break;
            f += nd->flat;
            fd += nd->flat_div;
            c += nd->cum;
            cd += nd->cum_div;
            if (nd->info.file[0] && !file[0])
                file = arena_strdup(a, path_base(nd->info.file, base, sizeof(base)));
            if (nd->info.lineno != 0 && line == 0)
                line = nd->info.lineno;
            if (nd->info.name[0] && !function[0])
                function = nd->info.name;
        }
        if (fd)
            f = div64(f, fd);
        if (cd)
            c = div64(c, cd);
        const char *loc = "";
        if (strcmp(function, pfunc) != 0 || strcmp(file, pfile) != 0 || line != pline) {
            pfunc = function;
            pfile = file;
            pline = line;
            struct strbuf lb = STRBUF_INIT;
            if (function[0]) {
                strbuf_adds(&lb, function);
                strbuf_addc(&lb, ' ');
            }
            if (file[0]) {
                strbuf_adds(&lb, file);
                if (line != 0)
                    strbuf_addf(&lb, ":%" PRId64, line);
            }
            loc = arena_strdup(a, lb.buf);
            strbuf_release(&lb);
        }
        if (loc[0] && strlen(in->text) >= 40) {
            strbuf_addchars(o, ' ', 74);
            strbuf_addf(o, ";%s\n", loc);
        }
        strbuf_addpad(o, value_or_dot(r, f), 10, 0);
        strbuf_addc(o, ' ');
        strbuf_addpad(o, value_or_dot(r, c), 10, 0);
        strbuf_addf(o, " %10" PRIx64 ": ", in->addr);
        if (loc[0] && strlen(in->text) < 40) {
            strbuf_addpad(o, in->text, 40, 1);
            strbuf_addf(o, ";%s\n", loc);
        } else {
            strbuf_adds(o, in->text);
            strbuf_addc(o, '\n');
        }
    }
}

/* objdump over [start, end] of file (pprof's Disasm). */
static int disassemble(struct report *r, const struct objtools *t, const char *file, uint64_t start,
                       uint64_t end, struct inst **insts, size_t *n, struct prof_err *err)
{
    struct arena *a = r->a;
    if (!t->objdump)
        return prof_errf(err, PROF_EIO, "cannot disasm: no objdump tool available");
    char *argv[12];
    size_t k = 0;
    argv[k++] = (char *)t->objdump;
    argv[k++] = (char *)"--disassemble";
    argv[k++] = (char *)"--demangle";
    argv[k++] = (char *)"--no-show-raw-insn";
    argv[k++] = (char *)"--line-numbers";
    argv[k++] = arena_printf(a, "--start-address=%#" PRIx64, start);
    argv[k++] = arena_printf(a, "--stop-address=%#" PRIx64, end);
    if (r->cfg->intel_syntax) {
        if (t->llvm_objdump) {
            argv[k++] = (char *)"--x86-asm-syntax=intel";
        } else {
            argv[k++] = (char *)"-M";
            argv[k++] = (char *)"intel";
        }
    }
    argv[k++] = (char *)file;
    argv[k] = NULL;
    char *out;
    size_t len;
    const char *why;
    if (run_capture(a, argv, &out, &len, &why))
        return prof_errf(err, PROF_EIO, "%s: %s", argv_text(a, argv), why);
    *n = parse_objdump(a, out, len, insts);
    return 0;
}

int report_disasm(struct report *r, struct prof_err *err)
{
    struct arena *a = r->a;
    struct graph g;
    graph_init(&g, a, &r->in, &r->gopt);
    graph_build(&g, &r->in, NULL, r->gopt.drop_negative);
    graph_printable_names(&g);
    int rc = -1;

    uint64_t address = 0;
    bool has_addr = r->symbol && parse_uint0(r->symbol, &address);
    strbuf_addf(r->out, "Total: %s\n", report_value(r, r->total));

    /* Object files with sampled nodes whose printable name matches. */
    const struct profile *p = r->prof;
    bool *want = arena_calloc(a, p->nmappings + 1, sizeof(bool));
    for (size_t i = 0; i < g.norder; i++) {
        const struct graph_node *n = &g.nodes[g.order[i]];
        if (!n->info.objfile[0] || !re_match(r->symbol_re, n->pname))
            continue;
        for (size_t m = 0; m < p->nmappings; m++)
            if (!want[m] && strcmp(p->mappings[m].file, n->info.objfile) == 0)
                want[m] = true;
    }
    struct objtools tools;
    bool tools_found = false;
    struct objsym *syms = NULL;
    size_t nsyms = 0, capsyms = 0;
    for (size_t m = 0; m < p->nmappings; m++) {
        const struct prof_mapping *mp = &p->mappings[m];
        if (!want[m] && !(has_addr && mp->start <= address && address <= mp->limit))
            continue;
        struct objfile *of = arena_alloc(a, sizeof(*of));
        const char *why;
        if (obj_open(a, mp, of, &why)) {
            /* pprof prints this on standard output, outside the report. */
            fflush(stdout);
            printf("%s\n", why);
            fflush(stdout);
            continue;
        }
        if (!tools_found) {
            find_tools(r, &tools);
            tools_found = true;
        }
        object_symbols(r, &tools, of, has_addr, address, &syms, &nsyms, &capsyms);
    }

    /* The nodes of each symbol (pprof's nodesPerSymbol). */
    size_t nkept = 0;
    for (size_t i = 0; i < nsyms; i++) {
        struct objsym *s = &syms[i];
        s->nodes = arena_alloc(a, (g.norder + 1) * sizeof(uint32_t));
        for (size_t k = 0; k < g.norder; k++) {
            uint64_t oa;
            if (obj_addr(a, s->of, g.nodes[g.order[k]].info.address, &oa) && oa >= s->start && oa < s->end)
                s->nodes[s->nnodes++] = g.order[k];
        }
        if (s->nnodes)
            syms[nkept++] = *s;
    }
    if (nkept == 0) {
        if (!has_addr)
            prof_errf(err, PROF_EUSAGE, "no matches found for regexp %s", r->symbol ? r->symbol : "");
        else if (nsyms == 0)
            prof_errf(err, PROF_EUSAGE, "no matches found for address 0x%" PRIx64, address);
        else
            prof_errf(err, PROF_EUSAGE,
                      "address 0x%" PRIx64
                      " found in binary, but the corresponding symbols do not have samples in "
                      "the profile",
                      address);
        goto out;
    }
    qsort(syms, nkept, sizeof(*syms), cmp_sym);
    for (size_t i = 0; i < nkept && !prof_interrupted; i++) {
        struct inst *insts;
        size_t ninsts;
        if (disassemble(r, &tools, syms[i].of->m->file, syms[i].start, syms[i].end, &insts, &ninsts, err))
            goto out;
        print_symbol(r, &g, &syms[i], insts, ninsts);
    }
    rc = 0;
out:
    free(syms);
    graph_release(&g);
    return rc;
}

/* ---- weblist ---- */

/* A set of strings with optional string values (the weblist's name maps). */
struct strmap {
    const char **keys; /* owned array of borrowed strings; NULL = empty slot */
    const char **vals; /* owned array of borrowed strings */
    uint64_t *hashes;  /* owned */
    size_t cap, len;
};

static uint64_t str_hash(const char *s) { return hash_u64(hash_bytes(HASH_SEED, s, strlen(s))); }

static void strmap_release(struct strmap *m)
{
    free(m->keys);
    free(m->vals);
    free(m->hashes);
    memset(m, 0, sizeof(*m));
}

static const char **strmap_slot(struct strmap *m, const char *key, bool insert)
{
    if (insert && (m->len + 1) * 2 > m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 64;
        const char **nk = xcalloc(ncap, sizeof(char *)), **nv = xcalloc(ncap, sizeof(char *));
        uint64_t *nh = xcalloc(ncap, sizeof(uint64_t));
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->keys[i])
                continue;
            size_t j = m->hashes[i] & (ncap - 1);
            while (nk[j])
                j = (j + 1) & (ncap - 1);
            nk[j] = m->keys[i];
            nv[j] = m->vals[i];
            nh[j] = m->hashes[i];
        }
        free(m->keys);
        free(m->vals);
        free(m->hashes);
        m->keys = nk;
        m->vals = nv;
        m->hashes = nh;
        m->cap = ncap;
    }
    if (!m->cap)
        return NULL;
    uint64_t h = str_hash(key);
    size_t j = h & (m->cap - 1);
    while (m->keys[j]) {
        if (m->hashes[j] == h && strcmp(m->keys[j], key) == 0)
            return &m->vals[j];
        j = (j + 1) & (m->cap - 1);
    }
    if (!insert)
        return NULL;
    m->keys[j] = key;
    m->hashes[j] = h;
    m->vals[j] = NULL;
    m->len++;
    return &m->vals[j];
}

static void strmap_put(struct strmap *m, const char *key, const char *val)
{
    *strmap_slot(m, key, true) = val;
}
static bool strmap_has(struct strmap *m, const char *key) { return strmap_slot(m, key, false) != NULL; }

/* One frame of an instruction's inlined call stack (pprof's plugin.Frame). */
struct frame {
    const char *func, *file; /* arena */
    int64_t line;
};

/* An instruction of interest (pprof's instructionInfo). */
struct wl_inst {
    uint64_t addr, objaddr;
    uint64_t length;
    const char *disasm;  /* "" for a synthesized instruction */
    const char *file;
    int64_t line;
    int64_t flat, cum;
};

/* An instruction shown under one source line (pprof's sourceInst). */
struct wl_rec {
    uint32_t file;         /* index into the file names */
    int64_t line;
    uint32_t inst;         /* index into the instructions */
    const struct frame *callers; /* arena: the inlined callers, outermost first */
    uint32_t ncallers;
    const char *func;      /* the frame's function */
    uint32_t seq;          /* insertion order */
};

struct wl_val {
    uint64_t addr;
    int64_t flat, cum;
};

struct wl_addr {
    uint64_t addr;
    uint32_t loc;            /* view location index */
    struct objfile *obj;     /* NULL: no object file */
};

struct weblist {
    struct report *r;
    struct objtools tools;
    bool tools_found;
    struct strmap interest;  /* function names of interest */
    struct strmap pretty;    /* system name -> name */
    struct strmap objects;   /* mapping file -> (const char *)struct objfile *, or NULL */
    struct u64map addr_idx;  /* address -> index into addrs */
    struct wl_addr *addrs;   /* owned */
    size_t naddrs, capaddrs;
    struct wl_val *vals;     /* owned: the values at each sampled address */
    size_t nvals, capvals;
    struct u64map val_idx;   /* address -> index into vals */
    struct u64map inst_idx;  /* address -> index into insts */
    struct wl_inst *insts;   /* owned */
    size_t ninsts, capinsts;
    struct wl_rec *recs;     /* owned */
    size_t nrecs, caprecs;
    const char **fnames;     /* owned array of arena strings */
    size_t nfnames, capfnames;
    struct strmap fname_idx; /* file name -> (index + 1) as a pointer-sized integer */
};

static void wl_value(struct weblist *w, uint64_t addr, int64_t flat, int64_t cum)
{
    uint32_t i;
    if (!u64map_get(&w->val_idx, addr, &i)) {
        xgrow(&w->vals, &w->capvals, w->nvals + 1, sizeof(struct wl_val));
        i = (uint32_t)w->nvals++;
        w->vals[i].addr = addr;
        w->vals[i].flat = w->vals[i].cum = 0;
        bool ins;
        u64map_put(&w->val_idx, addr, i, &ins);
    }
    w->vals[i].flat += flat;
    w->vals[i].cum += cum;
}

static struct objfile *wl_object(struct weblist *w, const struct prof_mapping *m)
{
    const char **slot = strmap_slot(&w->objects, m->file, false);
    if (slot)
        return (struct objfile *)(uintptr_t)*slot;
    struct objfile *of = arena_alloc(w->r->a, sizeof(*of));
    const char *why;
    if (obj_open(w->r->a, m, of, &why))
        of = NULL;
    strmap_put(&w->objects, m->file, (const char *)(uintptr_t)of);
    return of;
}

static void wl_interest(struct weblist *w, uint64_t addr, uint32_t li, uint32_t k)
{
    const struct view_loc *vl = &w->r->in.locs[li];
    const struct prof_function *fn = vl->lines[k].fn;
    if (!fn)
        return;
    strmap_put(&w->interest, fn->name, "");
    strmap_put(&w->interest, fn->system_name, "");
    uint32_t idx;
    if (u64map_get(&w->addr_idx, addr, &idx))
        return;
    xgrow(&w->addrs, &w->capaddrs, w->naddrs + 1, sizeof(struct wl_addr));
    struct wl_addr *wa = &w->addrs[w->naddrs];
    wa->addr = addr;
    wa->loc = li;
    wa->obj = NULL;
    if (vl->loc && vl->loc->mapping != PROF_NONE)
        wa->obj = wl_object(w, &w->r->prof->mappings[vl->loc->mapping]);
    bool ins;
    u64map_put(&w->addr_idx, addr, (uint32_t)w->naddrs, &ins);
    w->naddrs++;
}

static const char *canonical_file(struct arena *a, const char *f)
{
    if (strncmp(f, "/proc/self/cwd/", 15) == 0)
        f += 15;
    if (strncmp(f, "./", 2) == 0)
        f += 2;
    return path_clean(a, f);
}

static uint32_t wl_inst_add(struct weblist *w, const struct wl_inst *x)
{
    uint32_t i;
    if (u64map_get(&w->inst_idx, x->addr, &i)) {
        w->insts[i] = *x;
        return i;
    }
    xgrow(&w->insts, &w->capinsts, w->ninsts + 1, sizeof(struct wl_inst));
    i = (uint32_t)w->ninsts++;
    w->insts[i] = *x;
    bool ins;
    u64map_put(&w->inst_idx, x->addr, i, &ins);
    return i;
}

/* pprof's addStack: record the instruction under every frame of interest. */
static void wl_add_stack(struct weblist *w, uint32_t inst, const struct frame *fr, size_t n)
{
    struct arena *a = w->r->a;
    for (size_t i = 0; i < n; i++) {
        if (!strmap_has(&w->interest, fr[i].func))
            continue;
        const char *fname = canonical_file(a, fr[i].file);
        const char **slot = strmap_slot(&w->fname_idx, fname, false);
        uint32_t fi;
        if (slot) {
            fi = (uint32_t)((uintptr_t)*slot - 1);
        } else {
            xgrow(&w->fnames, &w->capfnames, w->nfnames + 1, sizeof(char *));
            fi = (uint32_t)w->nfnames;
            w->fnames[w->nfnames++] = fname;
            strmap_put(&w->fname_idx, fname, (const char *)(uintptr_t)(fi + 1));
        }
        struct frame *callers = arena_alloc(a, (i + 1) * sizeof(struct frame));
        for (size_t j = 0; j < i; j++)
            callers[j] = fr[i - 1 - j];
        xgrow(&w->recs, &w->caprecs, w->nrecs + 1, sizeof(struct wl_rec));
        struct wl_rec *rec = &w->recs[w->nrecs];
        rec->file = fi;
        rec->line = fr[i].line;
        rec->inst = inst;
        rec->callers = callers;
        rec->ncallers = (uint32_t)i;
        rec->func = fr[i].func;
        rec->seq = (uint32_t)w->nrecs;
        w->nrecs++;
    }
}

/* One frame of symbolizer output (pprof's readFrame of addr2liner and
 * llvmSymbolizer); false for a frame without any information. */
static bool parse_frame(struct arena *a, const char *fn, char *fl, bool llvm, struct frame *out)
{
    out->func = strcmp(fn, "??") == 0 ? "" : arena_strdup(a, fn);
    out->line = 0;
    if (strcmp(fl, "??:0") == 0 || (llvm && strcmp(fl, "??:0:0") == 0)) {
        fl = (char *)"";
    } else if (llvm) {
        /* file, file:line or file:line:column; anything else is kept whole. */
        char *c1 = strchr(fl, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (c1 && (!c2 || !strchr(c2 + 1, ':'))) {
            char *endp;
            if (c2)
                *c2 = 0;
            long v = strtol(c1 + 1, &endp, 10);
            if (c1[1] && *endp == 0)
                out->line = v;
            *c1 = 0;
        }
    } else {
        char *c = strrchr(fl, ':');
        if (c) {
            char *disc = strstr(fl, " (discriminator");
            if (disc && disc > fl && disc > c)
                *disc = 0;
            char *endp;
            long v = strtol(c + 1, &endp, 10);
            if (c[1] && *endp == 0) {
                out->line = v;
                *c = 0;
            }
        }
    }
    out->file = arena_strdup(a, fl);
    return out->func[0] || out->file[0] || out->line;
}

struct nm_sym {
    uint64_t addr, size;
    const char *name;
    bool data;
};

static int cmp_nm_sym(const void *pa, const void *pb)
{
    const struct nm_sym *a = pa, *b = pb;
    return a->addr < b->addr ? -1 : a->addr > b->addr;
}

/* Without llvm-symbolizer and addr2line, pprof names addresses from the
 * symbol table alone (its addr2LinerNM): one frame with just the function. */
static void nm_frames(struct weblist *w, const char *config, const char *file, const uint64_t *addrs,
                      size_t n, struct frame **frames, size_t *nframes, bool *ok)
{
    struct arena *a = w->r->a;
    const char *nm = find_exe(a, config, "nm", "llvm-nm");
    if (!nm)
        nm = find_exe(a, config, "nm", "nm");
    if (!nm)
        nm = look_path(a, "nm"); /* pprof's default when no nm was found */
    *ok = false;
    if (!nm)
        return;
    char *argv[] = {(char *)nm, (char *)"--numeric-sort", (char *)"--print-size", (char *)"--format=posix",
                    (char *)file, NULL};
    char *out;
    size_t len;
    const char *why;
    if (run_capture(a, argv, &out, &len, &why))
        return;
    *ok = true;
    size_t cap = 1;
    for (size_t i = 0; i < len; i++)
        cap += out[i] == '\n';
    struct nm_sym *syms = arena_alloc(a, cap * sizeof(*syms));
    size_t ns = 0;
    for (char *p = out; p < out + len;) {
        char *nl = memchr(p, '\n', (size_t)(out + len - p));
        if (nl)
            *nl = 0;
        char *line = p;
        p = nl ? nl + 1 : out + len;
        while (*line == ' ' || *line == '\t')
            line++;
        char *f[5];
        size_t nf = 0;
        for (char *q = line; nf < 5;) {
            f[nf++] = q;
            char *sp = strchr(q, ' ');
            if (!sp)
                break;
            *sp = 0;
            q = sp + 1;
        }
        if (nf != 4)
            continue;
        char *e1, *e2;
        uint64_t ad = strtoull(f[2], &e1, 16), sz = strtoull(f[3], &e2, 16);
        if (!f[2][0] || *e1 || !f[3][0] || *e2)
            continue;
        syms[ns].addr = ad;
        syms[ns].size = sz;
        syms[ns].name = f[0];
        syms[ns].data = strpbrk(f[1], "bBdDrRvVW") != NULL;
        ns++;
    }
    qsort(syms, ns, sizeof(*syms), cmp_nm_sym);
    for (size_t i = 0; i < n; i++) {
        uint64_t ad = addrs[i];
        if (ns == 0 || ad < syms[0].addr || ad >= syms[ns - 1].addr + syms[ns - 1].size)
            continue;
        size_t lo = 0, hi = ns;
        while (lo + 1 < hi) {
            size_t mid = (lo + hi) / 2;
            if (ad == syms[mid].addr) {
                lo = mid;
                break;
            } else if (ad > syms[mid].addr) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        if (syms[lo].data && ad >= syms[lo].addr + syms[lo].size)
            continue;
        struct frame *fr = arena_alloc(a, sizeof(struct frame));
        fr->func = syms[lo].name;
        fr->file = "";
        fr->line = 0;
        frames[i] = fr;
        nframes[i] = 1;
    }
}

/* Inlined frames of object addresses (pprof's SourceLine), from
 * llvm-symbolizer or else addr2line, run once per batch of addresses.
 * *ok is false when no symbolizer could be run: the caller then uses
 * objdump's own line information, as pprof does. */
static void symbolize_frames(struct weblist *w, const char *file, const uint64_t *addrs, size_t n,
                             struct frame **frames, size_t *nframes, bool *ok)
{
    struct arena *a = w->r->a;
    const char *config = w->r->cfg->tools && w->r->cfg->tools[0] ? w->r->cfg->tools : getenv("PPROF_TOOLS");
    if (!config)
        config = "";
    /* As pprof's binutils: with neither tool on the tool path, names come from
     * nm alone; otherwise llvm-symbolizer runs (from the tool path, else from
     * $PATH), and addr2line when llvm-symbolizer cannot be started. */
    const char *llvm_sym = find_exe(a, config, "llvm-symbolizer", "llvm-symbolizer");
    const char *a2l = find_exe(a, config, "addr2line", "addr2line");
    for (size_t i = 0; i < n; i++) {
        frames[i] = NULL;
        nframes[i] = 0;
    }
    if (!llvm_sym && !a2l) {
        nm_frames(w, config, file, addrs, n, frames, nframes, ok);
        return;
    }
    if (!llvm_sym)
        llvm_sym = look_path(a, "llvm-symbolizer");
    if (!a2l)
        a2l = look_path(a, "addr2line");
    const char *exe = llvm_sym ? llvm_sym : a2l;
    bool llvm = llvm_sym != NULL;
    *ok = exe != NULL;
    if (!exe)
        return;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && j - i < 1024)
            j++;
        char **argv = arena_alloc(a, (j - i + 8) * sizeof(char *));
        size_t k = 0;
        argv[k++] = (char *)exe;
        if (llvm) {
            argv[k++] = arena_printf(a, "--obj=%s", file);
            argv[k++] = (char *)"--inlining";
            argv[k++] = (char *)"-demangle=false";
        } else {
            argv[k++] = (char *)"-a";
            argv[k++] = (char *)"-f";
            argv[k++] = (char *)"-i";
            argv[k++] = (char *)"-e";
            argv[k++] = (char *)file;
        }
        for (size_t q = i; q < j; q++)
            argv[k++] = arena_printf(a, "%#" PRIx64, addrs[q]);
        argv[k] = NULL;
        char *out;
        size_t len;
        const char *why;
        if (run_capture(a, argv, &out, &len, &why)) {
            *ok = false;
            return;
        }
        /* Lines, then frames as (function, file:line) pairs: llvm-symbolizer
         * ends each address with an empty line, addr2line starts each with
         * the address. */
        size_t nl_count = 1;
        for (size_t q = 0; q < len; q++)
            nl_count += out[q] == '\n';
        char **lines = arena_alloc(a, nl_count * sizeof(char *));
        size_t nlines = 0;
        for (char *p = out; p < out + len;) {
            char *nl = memchr(p, '\n', (size_t)(out + len - p));
            if (nl)
                *nl = 0;
            char *e = p + strlen(p);
            while (e > p && e[-1] == '\r')
                *--e = 0;
            lines[nlines++] = p;
            p = nl ? nl + 1 : out + len;
        }
        size_t q = i, li = 0;
        while (q < j && li < nlines) {
            if (!llvm) {
                if (strncmp(lines[li], "0x", 2) != 0) {
                    li++;
                    continue;
                }
                li++;
            }
            size_t cap = 4, cnt = 0;
            struct frame *fr = arena_alloc(a, cap * sizeof(struct frame));
            while (li < nlines) {
                if (llvm && !lines[li][0]) {
                    li++;
                    break;
                }
                if (!llvm && strncmp(lines[li], "0x", 2) == 0)
                    break;
                if (li + 1 >= nlines) {
                    li++;
                    break;
                }
                struct frame f;
                if (parse_frame(a, lines[li], lines[li + 1], llvm, &f)) {
                    if (cnt == cap) {
                        struct frame *nf = arena_alloc(a, 2 * cap * sizeof(struct frame));
                        memcpy(nf, fr, cnt * sizeof(struct frame));
                        fr = nf;
                        cap *= 2;
                    }
                    fr[cnt++] = f;
                }
                li += 2;
            }
            frames[q] = fr;
            nframes[q] = cnt;
            q++;
        }
        i = j;
    }
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

static int cmp_val(const void *pa, const void *pb)
{
    const struct wl_val *a = pa, *b = pb;
    return a->addr < b->addr ? -1 : a->addr > b->addr;
}

struct wl_range {
    uint64_t begin, end;
    struct objfile *obj;
    const struct prof_mapping *m;
    int64_t score;
};

static int cmp_range(const void *pa, const void *pb)
{
    const struct wl_range *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->begin < b->begin ? -1 : a->begin > b->begin;
}

static int64_t wl_flat_at(struct weblist *w, uint64_t addr)
{
    uint32_t i;
    return u64map_get(&w->val_idx, addr, &i) ? w->vals[i].flat : 0;
}

/* Disassemble one address range and record its instructions (pprof's expandAddresses). */
static void wl_range_insts(struct weblist *w, const struct wl_range *rg)
{
    struct report *r = w->r;
    struct arena *a = r->a;
    uint64_t ob, oe;
    if (!obj_addr(a, rg->obj, rg->begin, &ob) || !obj_addr(a, rg->obj, rg->end, &oe))
        return;
    uint64_t base = rg->begin - ob;
    if (!w->tools_found) {
        find_tools(r, &w->tools);
        w->tools_found = true;
    }
    struct inst *insts;
    size_t n;
    struct prof_err e;
    if (disassemble(r, &w->tools, rg->m->file, ob, oe, &insts, &n, &e))
        return;
    uint64_t *oaddrs = arena_alloc(a, (n + 1) * sizeof(uint64_t));
    for (size_t i = 0; i < n; i++)
        oaddrs[i] = insts[i].addr;
    struct frame **frames = arena_calloc(a, n + 1, sizeof(struct frame *));
    size_t *nframes = arena_calloc(a, n + 1, sizeof(size_t));
    bool symbolized;
    symbolize_frames(w, rg->m->file, oaddrs, n, frames, nframes, &symbolized);

    const struct frame *last = NULL;
    size_t nlast = 0;
    uint64_t last_addr = 0, max_addr = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t addr = insts[i].addr + base;
        if (addr <= max_addr)
            continue;
        max_addr = addr;
        uint64_t length = 1;
        if (i + 1 < n && insts[i + 1].addr > insts[i].addr)
            length = insts[i + 1].addr - insts[i].addr;
        const struct frame *fr = frames[i];
        size_t nf = nframes[i];
        if (!symbolized) {
            struct frame *one = arena_alloc(a, sizeof(struct frame));
            one->func = insts[i].function;
            one->file = insts[i].file;
            one->line = insts[i].line;
            fr = one;
            nf = 1;
        }
        struct wl_inst x = {
            addr, insts[i].addr, length, insts[i].text, nf ? fr[0].file : "", nf ? fr[0].line : 0, 0, 0};
        uint32_t xi = wl_inst_add(w, &x);
        const uint64_t neighborhood = 32;
        if (nf > 0 && fr[0].line != 0) {
            last = fr;
            nlast = nf;
            last_addr = addr;
        } else if (addr - last_addr <= neighborhood && last) {
            fr = last;
            nf = nlast;
        }
        wl_add_stack(w, xi, fr, nf);
    }
}

static int cmp_rec(const void *pa, const void *pb)
{
    const struct wl_rec *a = pa, *b = pb;
    if (a->file != b->file)
        return a->file < b->file ? -1 : 1;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static const char **wl_sorted_names;

static int cmp_fname_idx(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return strcmp(wl_sorted_names[a], wl_sorted_names[b]);
}

/* template.HTMLEscapeString */
static void html_escape(struct strbuf *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '<': strbuf_adds(o, "&lt;"); break;
        case '>': strbuf_adds(o, "&gt;"); break;
        case '&': strbuf_adds(o, "&amp;"); break;
        case '\'': strbuf_adds(o, "&#39;"); break;
        case '"': strbuf_adds(o, "&#34;"); break;
        case 0: strbuf_adds(o, "\xef\xbf\xbd"); break;
        default: strbuf_addc(o, s[i]);
        }
    }
}

static void html_escape_s(struct strbuf *o, const char *s) { html_escape(o, s, strlen(s)); }

/* pprof's rightPad: tabs to spaces at 8-column stops, then padded to n columns. */
static void right_pad(struct strbuf *o, const char *s, size_t n)
{
    size_t col = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t len = 1;
        if (*p >= 0xc0) {
            while (len < 4 && (p[len] & 0xc0) == 0x80)
                len++;
        }
        col++;
        if (*p == '\t') {
            strbuf_addc(o, ' ');
            while (col % 8 != 0) {
                col++;
                strbuf_addc(o, ' ');
            }
        } else {
            strbuf_add(o, p, len);
        }
        p += len;
    }
    while (col < n) {
        col++;
        strbuf_addc(o, ' ');
    }
}

static size_t indentation(const char *s, size_t n)
{
    size_t col = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ') {
            col++;
        } else if (s[i] == '\t') {
            col++;
            while (col % 8 != 0)
                col++;
        } else {
            break;
        }
    }
    return col;
}

static const char *weblist_page_head =
    "<!DOCTYPE html>\n"
    "<html>\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<title>%s</title>\n"
    "<style>\n"
    "body { font-family: sans-serif; }\n"
    ".legend { font-size: 1.2em; margin-bottom: 1em; }\n"
    "h2 { font-size: 1.2em; margin: 1.2em 0 0 0; }\n"
    "p.filename { margin: 0.2em 0; color: #555555; }\n"
    "pre { margin-top: 0.3em; }\n"
    ".line, .nop, .unimportant { color: #999999; }\n"
    ".inlinesrc { color: #000066; }\n"
    ".livesrc { cursor: pointer; }\n"
    ".livesrc:hover { background-color: #e8e8e8; }\n"
    ".asm { color: #006600; display: none; }\n"
    "</style>\n"
    "<script>\n"
    "/* A click on a sampled source line shows or hides its instructions. */\n"
    "function pprof_toggle_asm(ev) {\n"
    "  var t = ev.target;\n"
    "  var asm = t ? t.nextSibling : null;\n"
    "  if (asm && asm.className == \"asm\") {\n"
    "    asm.style.display = asm.style.display == \"block\" ? \"\" : \"block\";\n"
    "    ev.preventDefault();\n"
    "  }\n"
    "}\n"
    "</script>\n"
    "</head>\n"
    "<body>\n\n";

/* One source line with its instructions (pprof's printFunctionSourceLine). */
static void wl_print_line(struct weblist *w, struct src_reader *rd, int64_t lineno, const char *text,
                          size_t tlen, const struct wl_rec *recs, size_t n)
{
    struct report *r = w->r;
    struct strbuf *o = r->out;
    int64_t flat = 0, cum = 0;
    for (size_t i = 0; i < n; i++) {
        flat += w->insts[recs[i].inst].flat;
        cum += w->insts[recs[i].inst].cum;
    }
    bool nested = false;
    for (size_t i = 0; i < n; i++)
        if (recs[i].ncallers > 0 || w->insts[recs[i].inst].disasm[0])
            nested = true;
    strbuf_addf(o, "<span class=line> %6" PRId64 "</span> <span class=%s>  ", lineno,
                n == 0 ? "nop" : nested ? "livesrc" : "deadsrc");
    strbuf_addpad(o, value_or_dot(r, flat), 10, 0);
    strbuf_addc(o, ' ');
    strbuf_addpad(o, value_or_dot(r, cum), 10, 0);
    strbuf_addchars(o, ' ', 9);
    strbuf_addchars(o, ' ', 2);
    html_escape(o, text, tlen);
    strbuf_adds(o, " </span>");
    if (n == 0) {
        strbuf_addc(o, '\n');
        return;
    }
    if (nested) {
        size_t indent = indentation(text, tlen);
        strbuf_adds(o, "<span class=asm>");
        const struct frame *cur = NULL;
        size_t ncur = 0;
        uint64_t last_addr = 0;
        char base[4096];
        for (size_t i = 0; i < n; i++) {
            const struct wl_inst *x = &w->insts[recs[i].inst];
            uint32_t li;
            uint64_t last_len = u64map_get(&w->inst_idx, last_addr, &li) ? w->insts[li].length : 0;
            bool starts_block = x->addr != last_addr + last_len;
            last_addr = x->addr;
            if (starts_block && i != 0) {
                strbuf_addchars(o, ' ', 10);
                strbuf_addpad(o, "\xe2\x8b\xae", 28, 0);
                strbuf_addc(o, '\n');
            }
            for (size_t j = 0; j < recs[i].ncallers; j++) {
                const struct frame *c = &recs[i].callers[j];
                if (j < ncur && cur[j].line == c->line && strcmp(cur[j].file, c->file) == 0)
                    continue;
                ncur = 0;
                struct src_file *sf = reader_file(rd, c->file);
                const char *fl = "";
                size_t fll = 0;
                if (c->line > 0 && (uint64_t)c->line < sf->nlines) {
                    fl = sf->data + sf->off[c->line];
                    fll = sf->len[c->line];
                }
                while (fll && (*fl == ' ' || *fl == '\t'))
                    fl++, fll--;
                while (fll && (fl[fll - 1] == ' ' || fl[fll - 1] == '\t'))
                    fll--;
                struct strbuf t = STRBUF_INIT, padded = STRBUF_INIT;
                strbuf_addchars(&t, ' ', indent + 4 + 4 * j);
                strbuf_add(&t, fl, fll);
                right_pad(&padded, t.buf, 80);
                strbuf_addchars(o, ' ', 9 + 11 + 11 + 9);
                strbuf_adds(o, "  <span class=inlinesrc>");
                html_escape(o, padded.buf, padded.len);
                strbuf_adds(o, "</span> <span class=unimportant>");
                html_escape_s(o, path_base(c->file, base, sizeof(base)));
                strbuf_addf(o, ":%" PRId64 "</span>\n", c->line);
                strbuf_release(&t);
                strbuf_release(&padded);
            }
            cur = recs[i].callers;
            ncur = recs[i].ncallers;
            if (!x->disasm[0])
                continue;
            struct strbuf t = STRBUF_INIT, padded = STRBUF_INIT;
            strbuf_addchars(&t, ' ', indent + 4 + 4 * ncur);
            strbuf_adds(&t, x->disasm);
            right_pad(&padded, t.buf, 80);
            strbuf_addchars(o, ' ', 9);
            strbuf_addc(o, ' ');
            strbuf_addpad(o, value_or_dot(r, x->flat), 10, 0);
            strbuf_addc(o, ' ');
            strbuf_addpad(o, value_or_dot(r, x->cum), 10, 0);
            strbuf_addf(o, " %8" PRIx64 ": ", x->objaddr);
            html_escape(o, padded.buf, padded.len);
            strbuf_adds(o, " <span class=unimportant>");
            if (x->file[0]) {
                html_escape_s(o, path_base(x->file, base, sizeof(base)));
                strbuf_addf(o, ":%" PRId64, x->line);
            }
            strbuf_adds(o, "</span>\n");
            strbuf_release(&t);
            strbuf_release(&padded);
        }
        strbuf_adds(o, "</span>");
    }
    strbuf_addc(o, '\n');
}

struct wl_func {
    const char *name;
    int64_t begin, end; /* end excluded */
    int64_t flat, cum;
};

/* pprof's printFile: the file's lines of interest split into functions. */
static void wl_print_file(struct weblist *w, struct src_reader *rd, uint32_t fi, const struct wl_rec *recs,
                          size_t n)
{
    struct report *r = w->r;
    struct strbuf *o = r->out;
    const char *fname = w->fnames[fi];
    /* Per line: [first, first+count) of recs (sorted by line). */
    struct wl_func *funcs = arena_alloc(r->a, (n + 1) * sizeof(*funcs));
    size_t nf = 0;
    const int64_t merge_limit = 20, expand = 5;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && recs[j].line == recs[i].line)
            j++;
        int64_t l = recs[i].line;
        const char *name = recs[i].func;
        const char **pv = strmap_slot(&w->pretty, name, false);
        if (pv && *pv)
            name = *pv;
        int64_t fl = 0, cu = 0;
        for (size_t k = i; k < j; k++) {
            fl += w->insts[recs[k].inst].flat;
            cu += w->insts[recs[k].inst].cum;
        }
        if (nf > 0 && l - funcs[nf - 1].end < merge_limit && strcmp(funcs[nf - 1].name, name) == 0) {
            funcs[nf - 1].end = l + 1;
            funcs[nf - 1].flat += fl;
            funcs[nf - 1].cum += cu;
        } else {
            funcs[nf].name = name;
            funcs[nf].begin = l;
            funcs[nf].end = l + 1;
            funcs[nf].flat = fl;
            funcs[nf].cum = cu;
            nf++;
        }
        i = j;
    }
    for (size_t i = 0; i < nf; i++) {
        if (i == 0) {
            if (funcs[i].begin > expand)
                funcs[i].begin -= expand;
            else if (funcs[i].begin > 1)
                funcs[i].begin = 1;
        } else {
            int64_t half = (funcs[i].begin - funcs[i - 1].end) / 2;
            if (half > expand)
                half = expand;
            funcs[i - 1].end += half;
            funcs[i].begin -= half;
        }
    }
    if (nf > 0)
        funcs[nf - 1].end += expand;

    struct src_file *sf = reader_file(rd, fname);
    for (size_t i = 0; i < nf; i++) {
        const struct wl_func *fn = &funcs[i];
        if (fn->cum == 0)
            continue;
        strbuf_adds(o, "<h2>");
        html_escape_s(o, fn->name);
        strbuf_adds(o, "</h2><p class=\"filename\">");
        html_escape_s(o, fname);
        strbuf_adds(o, "</p>\n<pre onClick=\"pprof_toggle_asm(event)\">\n  Total:  ");
        strbuf_addpad(o, report_value(r, fn->flat), 10, 0);
        strbuf_addc(o, ' ');
        strbuf_addpad(o, report_value(r, fn->cum), 10, 0);
        strbuf_addf(o, " (flat, cum) %s\n", report_pct(r, fn->cum, r->total));
        size_t k = 0;
        for (int64_t l = fn->begin; l < fn->end; l++) {
            while (k < n && recs[k].line < l)
                k++;
            size_t e = k;
            while (e < n && recs[e].line == l)
                e++;
            const char *text;
            size_t tlen;
            if (l > 0 && (uint64_t)l < sf->nlines) {
                text = sf->data + sf->off[l];
                tlen = sf->len[l];
            } else {
                if (e == k)
                    continue;
                text = l == 0 ? "<instructions with unknown line numbers>" : "???";
                tlen = strlen(text);
            }
            wl_print_line(w, rd, l, text, tlen, recs + k, e - k);
        }
        strbuf_adds(o, "</pre>\n");
    }
}

int report_weblist(struct report *r, struct prof_err *err)
{
    struct arena *a = r->a;
    const struct profile *p = r->prof;
    const struct graph_input *in = &r->in;
    struct weblist w;
    memset(&w, 0, sizeof(w));
    w.r = r;
    u64map_init(&w.addr_idx, 256);
    u64map_init(&w.val_idx, 256);
    u64map_init(&w.inst_idx, 256);
    int rc = -1;

    uint64_t address = 0;
    bool has_addr = r->symbol && parse_uint0(r->symbol, &address);

    /* Synthetic addresses for locations without one, above every mapping. */
    uint64_t synth_next = 1;
    for (size_t m = 0; m < p->nmappings; m++)
        if (synth_next < p->mappings[m].limit)
            synth_next = p->mappings[m].limit;

    /* Values per address and the functions of interest (pprof's newSourcePrinter).
     * Samples only add values per location; each location is then examined
     * once, in the order pprof first meets it (root to leaf, sample by sample). */
    int64_t *loc_flat = arena_calloc(a, in->nlocs + 1, sizeof(int64_t));
    int64_t *loc_cum = arena_calloc(a, in->nlocs + 1, sizeof(int64_t));
    bool *seen = arena_calloc(a, in->nlocs + 1, sizeof(bool));
    uint32_t *visit = arena_alloc(a, (in->nlocs + 1) * sizeof(uint32_t));
    size_t nvisit = 0;
    for (size_t si = 0; si < in->nsamples; si++) {
        const struct view_sample *s = &in->samples[si];
        int64_t v = s->value;
        if (s->div != 0)
            v = div64(v, s->div);
        for (uint32_t i = s->nlocs; i-- > 0;) {
            uint32_t li = s->locs[i];
            if (in->locs[li].absent)
                continue;
            if (!seen[li]) {
                seen[li] = true;
                visit[nvisit++] = li;
            }
            loc_cum[li] += v;
            if (i == 0)
                loc_flat[li] += v;
        }
    }
    bool *file_match = arena_calloc(a, p->nmappings + 1, sizeof(bool));
    for (size_t m = 0; m < p->nmappings; m++)
        file_match[m] = re_match(r->symbol_re, p->mappings[m].file);
    struct u64map fn_match; /* function pointer -> whether its name, system name or file matches */
    u64map_init(&fn_match, 256);
    for (size_t vi = 0; vi < nvisit; vi++) {
        uint32_t li = visit[vi];
        const struct view_loc *vl = &in->locs[li];
        for (uint32_t k = 0; k < vl->nlines; k++)
            if (vl->lines[k].fn)
                strmap_put(&w.pretty, vl->lines[k].fn->system_name, vl->lines[k].fn->name);
        uint64_t addr = vl->loc ? vl->loc->address : 0;
        if (addr == 0)
            addr = synth_next++;
        wl_value(&w, addr, loc_flat[li], loc_cum[li]);
        if (!r->symbol_re || (has_addr && addr == address)) {
            if (vl->nlines > 0)
                wl_interest(&w, addr, li, vl->nlines - 1);
            continue;
        }
        bool mfile = vl->loc && vl->loc->mapping != PROF_NONE && file_match[vl->loc->mapping];
        for (uint32_t k = 0; k < vl->nlines; k++) {
            const struct prof_function *fn = vl->lines[k].fn;
            bool m = false;
            if (fn) {
                uint32_t c;
                if (u64map_get(&fn_match, (uint64_t)(uintptr_t)fn, &c)) {
                    m = c != 0;
                } else {
                    m = re_match(r->symbol_re, fn->name) || re_match(r->symbol_re, fn->system_name) ||
                        re_match(r->symbol_re, fn->filename);
                    bool ins;
                    u64map_put(&fn_match, (uint64_t)(uintptr_t)fn, m, &ins);
                }
            }
            if ((k == 0 && mfile) || m)
                wl_interest(&w, addr, li, k);
        }
    }
    u64map_release(&fn_match);
    if (w.interest.len == 0) {
        prof_errf(err, PROF_EUSAGE, "no matches found for regexp: %s", r->symbol ? r->symbol : "");
        goto out;
    }

    /* Address ranges to disassemble (pprof's splitIntoRanges); addresses
     * without an object file get instructions synthesized from the profile. */
    uint64_t *objaddrs = arena_alloc(a, (w.naddrs + 1) * sizeof(uint64_t));
    size_t nobj = 0;
    for (size_t i = 0; i < w.naddrs; i++) {
        if (w.addrs[i].obj) {
            objaddrs[nobj++] = w.addrs[i].addr;
            continue;
        }
        const struct view_loc *vl = &in->locs[w.addrs[i].loc];
        struct frame *fr = arena_alloc(a, (vl->nlines + 1) * sizeof(struct frame));
        size_t nfr = 0;
        for (uint32_t k = 0; k < vl->nlines; k++) {
            const struct prof_function *fn = vl->lines[k].fn;
            if (!fn)
                continue;
            fr[nfr].func = fn->name;
            fr[nfr].file = fn->filename;
            fr[nfr].line = vl->lines[k].line;
            nfr++;
        }
        struct wl_inst x = {w.addrs[i].addr,       w.addrs[i].addr,      1, "",
                            nfr ? fr[0].file : "", nfr ? fr[0].line : 0, 0, 0};
        uint32_t xi = wl_inst_add(&w, &x);
        wl_add_stack(&w, xi, fr, nfr);
    }
    qsort(objaddrs, nobj, sizeof(uint64_t), cmp_u64);
    struct wl_range *ranges = arena_alloc(a, (nobj + 1) * sizeof(*ranges));
    size_t nranges = 0;
    const uint64_t expand = 500;
    for (size_t i = 0; i < nobj && !prof_interrupted;) {
        uint64_t begin = objaddrs[i], end = objaddrs[i];
        int64_t sum = wl_flat_at(&w, begin);
        uint32_t ai;
        u64map_get(&w.addr_idx, begin, &ai);
        const struct view_loc *vl = &in->locs[w.addrs[ai].loc];
        const struct prof_mapping *m = &p->mappings[vl->loc->mapping];
        i++;
        while (i < nobj && objaddrs[i] <= end + 2 * expand && objaddrs[i] < m->limit) {
            end = objaddrs[i];
            sum += wl_flat_at(&w, end);
            i++;
        }
        begin = begin >= m->start + expand ? begin - expand : m->start;
        end = m->limit >= expand && end <= m->limit - expand ? end + expand : m->limit;
        ranges[nranges].begin = begin;
        ranges[nranges].end = end;
        ranges[nranges].obj = w.addrs[ai].obj;
        ranges[nranges].m = m;
        ranges[nranges].score = sum;
        nranges++;
    }
    qsort(ranges, nranges, sizeof(*ranges), cmp_range);
    if (nranges > 25)
        nranges = 25;
    for (size_t i = 0; i < nranges; i++)
        wl_range_insts(&w, &ranges[i]);

    /* Samples in the middle of an instruction count for the instruction (initSamples). */
    qsort(w.vals, w.nvals, sizeof(struct wl_val), cmp_val);
    for (size_t i = 0; i < w.ninsts; i++) {
        struct wl_inst *x = &w.insts[i];
        size_t lo = 0, hi = w.nvals;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (w.vals[mid].addr < x->addr)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t k = lo; k < w.nvals && w.vals[k].addr - x->addr < x->length; k++) {
            x->flat += w.vals[k].flat;
            x->cum += w.vals[k].cum;
        }
    }

    /* The page: files by name, functions in each. */
    const char *search;
    if (source_search_path(r, &search, err))
        goto out;
    struct src_reader rd;
    reader_init(&rd, a, search, r->cfg->trim_path ? r->cfg->trim_path : "");
    struct strbuf *o = r->out;
    const char **labels;
    size_t nlabels;
    report_profile_labels(r, &labels, &nlabels);
    struct strbuf title = STRBUF_INIT;
    char base[4096];
    if (p->nmappings && p->mappings[0].file[0])
        strbuf_addf(&title, "%s ", path_base(p->mappings[0].file, base, sizeof(base)));
    strbuf_adds(&title, r->sample_type);
    struct strbuf et = STRBUF_INIT;
    html_escape(&et, title.buf, title.len);
    strbuf_addf(o, weblist_page_head, et.buf);
    strbuf_release(&title);
    strbuf_release(&et);
    strbuf_adds(o, "<div class=\"legend\">");
    for (size_t i = 0; i < nlabels; i++) {
        if (i)
            strbuf_adds(o, "<br>\n");
        html_escape_s(o, labels[i]);
    }
    strbuf_addf(o, "<br>Total: %s</div>", report_value(r, r->total));

    qsort(w.recs, w.nrecs, sizeof(*w.recs), cmp_rec);
    uint32_t *forder = arena_alloc(a, (w.nfnames + 1) * sizeof(uint32_t));
    size_t *fstart = arena_calloc(a, w.nfnames + 1, sizeof(size_t));
    size_t *fcount = arena_calloc(a, w.nfnames + 1, sizeof(size_t));
    for (size_t i = 0; i < w.nrecs; i++) {
        if (fcount[w.recs[i].file] == 0)
            fstart[w.recs[i].file] = i;
        fcount[w.recs[i].file]++;
    }
    for (size_t i = 0; i < w.nfnames; i++)
        forder[i] = (uint32_t)i;
    wl_sorted_names = w.fnames;
    qsort(forder, w.nfnames, sizeof(uint32_t), cmp_fname_idx);
    for (size_t i = 0; i < w.nfnames; i++)
        wl_print_file(&w, &rd, forder[i], w.recs + fstart[forder[i]], fcount[forder[i]]);
    strbuf_adds(o, "\n</body>\n</html>\n");
    reader_release(&rd);
    rc = 0;
out:
    strmap_release(&w.interest);
    strmap_release(&w.pretty);
    strmap_release(&w.objects);
    strmap_release(&w.fname_idx);
    u64map_release(&w.addr_idx);
    u64map_release(&w.val_idx);
    u64map_release(&w.inst_idx);
    free(w.addrs);
    free(w.vals);
    free(w.insts);
    free(w.recs);
    free(w.fnames);
    return rc;
}
