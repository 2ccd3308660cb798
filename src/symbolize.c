/*
 * symbolize.c: see symbolize.h.
 *
 * The work per mapping: the mapping's locations are collected, their
 * addresses turned into object addresses (the mapping's load bias, computed
 * once like pprof's binutils) and sorted; each distinct address is then
 * resolved with lookups in tables built once per object file: the sorted
 * symbol table, a sorted table of compile-unit ranges, and per compile unit
 * (built the first time an address falls in it) the line table as sorted
 * rows and the subprogram/inlined-subroutine tree flattened into disjoint
 * address segments naming the innermost scope.  Nothing is searched from
 * scratch per address.  Object files are opened once per load (a cache by
 * path shared by all mappings and by the PPROF_BINARY_PATH search).
 *
 * Frames follow llvm-symbolizer, pprof's preferred back end: inlined frames
 * innermost first, names from DWARF (linkage name, else name, through
 * abstract origins and specifications), the outermost frame named from the
 * object's own symbol table (.symtab, else .dynsym) when a symbol covers the
 * address; file names as DWARF gives them.
 */
#include "prof/symbolize.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "prof/fetch.h"
#include "prof/hashmap.h"
#include "prof/strbuf.h"
#include "prof/util.h"

#if HAVE_ELFUTILS
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <gelf.h>
#endif

#if HAVE_LIBIBERTY
#include <libiberty/demangle.h>
#endif

#define NONE32 UINT32_MAX

/* ------------------------------------------------------------------------ */
/* Demangling                                                               */
/* ------------------------------------------------------------------------ */

/* pprof's looksLikeDemangledCPlusPlus. */
static bool looks_demangled_cpp(const char *s)
{
    if (strstr(s, ".<") || strstr(s, "]).") )
        return false;
    return strpbrk(s, "<>[]") != NULL || strstr(s, "::") != NULL;
}

/* Remove nested start..end groups; an unmatched closer stops the work
 * (keeping what was removed so far), as pprof's removeMatching does. */
static void remove_matching(char *name, char start, char end)
{
    int nesting = 0;
    size_t first = 0;
    size_t cur = 0;
    for (;;) {
        size_t len = strlen(name);
        while (cur < len && name[cur] != start && name[cur] != end)
            cur++;
        if (cur >= len)
            return;
        if (name[cur] == start) {
            if (++nesting == 1)
                first = cur;
        } else {
            nesting--;
            if (nesting < 0)
                return;
            if (nesting == 0) {
                memmove(name + first, name + cur + 1, len - cur);
                cur = first;
                continue;
            }
        }
        cur++;
    }
}

const char *demangle_simplify(struct arena *a, const char *name, bool no_params, bool no_templates)
{
    if (!looks_demangled_cpp(name))
        return name;
    char *s = arena_strdup(a, name);
    if (no_params)
        remove_matching(s, '(', ')');
    if (no_templates)
        remove_matching(s, '<', '>');
    return s;
}

static bool is_hex_lower(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Rust's legacy mangling: _ZN <len><ident>... 17h<16 hex digits> E [.suffix],
 * demangled as the Go demangler pprof uses does (hash dropped, $-escapes). */
static char *demangle_rust_legacy(const char *sym)
{
    size_t n = strlen(sym);
    if (strncmp(sym, "_ZN", 3) != 0)
        return NULL;
    const char *dot = NULL;
    for (const char *c = sym; (c = strstr(c, "E.")) != NULL; c++)
        dot = c;
    if (dot && dot > sym)
        n = (size_t)(dot - sym) + 1;
    if (n <= 23 || sym[n - 1] != 'E' || strncmp(sym + n - 20, "17h", 3) != 0)
        return NULL;
    const char *name = sym + 3;
    size_t len = n - 3;
    unsigned seen = 0;
    for (size_t i = len - 17; i < len - 1; i++) {
        if (!is_hex_lower(name[i]))
            return NULL;
        seen |= 1u << (name[i] <= '9' ? name[i] - '0' : name[i] - 'a' + 10);
    }
    if (__builtin_popcount(seen) < 5)
        return NULL;
    len -= 20;
    struct strbuf sb = STRBUF_INIT;
    size_t i = 0;
    while (i < len) {
        if (!isdigit((unsigned char)name[i]))
            goto fail;
        long val = 0;
        while (i < len && isdigit((unsigned char)name[i])) {
            int add = name[i] - '0';
            if (val >= 2147483647L / 10 - add)
                goto fail;
            val = val * 10 + add;
            i++;
        }
        if (i < len && name[i] == '_') {
            i++;
            val--;
        }
        if (val < 0 || len - i < (size_t)val)
            goto fail;
        const char *id = name + i;
        size_t idlen = (size_t)val;
        i += idlen;
        if (sb.len)
            strbuf_adds(&sb, "::");
        if (idlen >= 2 && id[0] == '_' && id[1] == '$') {
            id++;
            idlen--;
        }
        while (idlen > 0) {
            char c = id[0];
            if (c == '$') {
                static const struct {
                    const char code[3];
                    char ch;
                } codes[] = {{"SP", '@'}, {"BP", '*'}, {"RF", '&'}, {"LT", '<'}, {"GT", '>'}, {"LP", '('}, {"RP", ')'}};
                bool valid = true;
                if (idlen > 2 && id[1] == 'C' && id[2] == '$') {
                    strbuf_addc(&sb, ',');
                    id += 3;
                    idlen -= 3;
                } else if (idlen > 4 && id[1] == 'u' && id[4] == '$') {
                    int d1 = is_hex_lower(id[2]) ? (id[2] <= '9' ? id[2] - '0' : id[2] - 'a' + 10) : -1;
                    int d2 = is_hex_lower(id[3]) ? (id[3] <= '9' ? id[3] - '0' : id[3] - 'a' + 10) : -1;
                    int v = d1 << 4 | d2;
                    if (d1 < 0 || d2 < 0 || d1 > 7 || v < ' ') {
                        valid = false;
                    } else {
                        strbuf_addc(&sb, (char)v);
                        id += 5;
                        idlen -= 5;
                    }
                } else if (idlen > 3 && id[3] == '$') {
                    size_t k = 0;
                    while (k < PROF_ARRAY_LEN(codes) && strncmp(codes[k].code, id + 1, 2) != 0)
                        k++;
                    if (k == PROF_ARRAY_LEN(codes)) {
                        valid = false;
                    } else {
                        strbuf_addc(&sb, codes[k].ch);
                        id += 4;
                        idlen -= 4;
                    }
                } else {
                    valid = false;
                }
                if (!valid) {
                    strbuf_add(&sb, id, idlen);
                    break;
                }
            } else if (c == '.' && idlen >= 2 && id[1] == '.') {
                strbuf_adds(&sb, "::");
                id += 2;
                idlen -= 2;
            } else {
                strbuf_addc(&sb, c);
                id++;
                idlen--;
            }
        }
    }
    return strbuf_detach(&sb, NULL);
fail:
    strbuf_release(&sb);
    return NULL;
}

#if HAVE_LIBIBERTY
/* Is this libiberty component one whose u.s_binary holds two subtrees? */
static bool dc_is_tree(enum demangle_component_type t)
{
    switch (t) {
    case DEMANGLE_COMPONENT_QUAL_NAME:
    case DEMANGLE_COMPONENT_LOCAL_NAME:
    case DEMANGLE_COMPONENT_TYPED_NAME:
    case DEMANGLE_COMPONENT_TEMPLATE:
    case DEMANGLE_COMPONENT_TAGGED_NAME:
    case DEMANGLE_COMPONENT_CLONE:
    case DEMANGLE_COMPONENT_VTABLE:
    case DEMANGLE_COMPONENT_VTT:
    case DEMANGLE_COMPONENT_CONSTRUCTION_VTABLE:
    case DEMANGLE_COMPONENT_TYPEINFO:
    case DEMANGLE_COMPONENT_TYPEINFO_NAME:
    case DEMANGLE_COMPONENT_TYPEINFO_FN:
    case DEMANGLE_COMPONENT_THUNK:
    case DEMANGLE_COMPONENT_VIRTUAL_THUNK:
    case DEMANGLE_COMPONENT_COVARIANT_THUNK:
    case DEMANGLE_COMPONENT_JAVA_CLASS:
    case DEMANGLE_COMPONENT_GUARD:
    case DEMANGLE_COMPONENT_TLS_INIT:
    case DEMANGLE_COMPONENT_TLS_WRAPPER:
    case DEMANGLE_COMPONENT_REFTEMP:
    case DEMANGLE_COMPONENT_HIDDEN_ALIAS:
    case DEMANGLE_COMPONENT_TRANSACTION_CLONE:
    case DEMANGLE_COMPONENT_NONTRANSACTION_CLONE:
    case DEMANGLE_COMPONENT_GLOBAL_CONSTRUCTORS:
    case DEMANGLE_COMPONENT_GLOBAL_DESTRUCTORS:
    case DEMANGLE_COMPONENT_RESTRICT:
    case DEMANGLE_COMPONENT_VOLATILE:
    case DEMANGLE_COMPONENT_CONST:
    case DEMANGLE_COMPONENT_RESTRICT_THIS:
    case DEMANGLE_COMPONENT_VOLATILE_THIS:
    case DEMANGLE_COMPONENT_CONST_THIS:
    case DEMANGLE_COMPONENT_REFERENCE_THIS:
    case DEMANGLE_COMPONENT_RVALUE_REFERENCE_THIS:
    case DEMANGLE_COMPONENT_VENDOR_TYPE_QUAL:
    case DEMANGLE_COMPONENT_POINTER:
    case DEMANGLE_COMPONENT_REFERENCE:
    case DEMANGLE_COMPONENT_RVALUE_REFERENCE:
    case DEMANGLE_COMPONENT_COMPLEX:
    case DEMANGLE_COMPONENT_IMAGINARY:
    case DEMANGLE_COMPONENT_FUNCTION_TYPE:
    case DEMANGLE_COMPONENT_ARRAY_TYPE:
    case DEMANGLE_COMPONENT_PTRMEM_TYPE:
    case DEMANGLE_COMPONENT_ARGLIST:
    case DEMANGLE_COMPONENT_TEMPLATE_ARGLIST:
    case DEMANGLE_COMPONENT_CONVERSION:
    case DEMANGLE_COMPONENT_CAST:
        return true;
    default:
        return false;
    }
}

/* Drop template arguments (a TEMPLATE becomes its name) and, when
 * no_enclosing, the parameters of enclosing functions of local names. */
static struct demangle_component *dc_simplify(struct demangle_component *dc, bool no_templates, bool no_enclosing,
                                              int depth)
{
    if (!dc || depth > 200)
        return dc;
    if (no_templates && dc->type == DEMANGLE_COMPONENT_TEMPLATE)
        return dc_simplify(dc->u.s_binary.left, no_templates, no_enclosing, depth + 1);
    if (no_templates && dc->type == DEMANGLE_COMPONENT_SUB_STD) {
        /* "std::basic_ostream<char, std::char_traits<char> >" (So before a
         * constructor): printed without its arguments. */
        const char *lt = memchr(dc->u.s_string.string, '<', (size_t)dc->u.s_string.len);
        if (lt)
            dc->u.s_string.len = (int)(lt - dc->u.s_string.string);
        return dc;
    }
    if (no_enclosing && dc->type == DEMANGLE_COMPONENT_LOCAL_NAME && dc->u.s_binary.left &&
        dc->u.s_binary.left->type == DEMANGLE_COMPONENT_TYPED_NAME) {
        /* The enclosing function without its parameters and qualifiers. */
        struct demangle_component *fn = dc->u.s_binary.left->u.s_binary.left;
        while (fn && (fn->type == DEMANGLE_COMPONENT_CONST_THIS || fn->type == DEMANGLE_COMPONENT_VOLATILE_THIS ||
                      fn->type == DEMANGLE_COMPONENT_RESTRICT_THIS || fn->type == DEMANGLE_COMPONENT_REFERENCE_THIS ||
                      fn->type == DEMANGLE_COMPONENT_RVALUE_REFERENCE_THIS))
            fn = fn->u.s_binary.left;
        dc->u.s_binary.left = fn;
    }
    if (dc->type == DEMANGLE_COMPONENT_LAMBDA || dc->type == DEMANGLE_COMPONENT_DEFAULT_ARG) {
        dc->u.s_unary_num.sub = dc_simplify(dc->u.s_unary_num.sub, no_templates, no_enclosing, depth + 1);
        return dc;
    }
    if (dc->type == DEMANGLE_COMPONENT_TEMPLATE_ARGLIST) {
        /* Drop empty argument packs after the first argument: libiberty
         * prints "A<B<C>>" for A<B<C>, pack-of-nothing> where pprof's
         * demangler prints "A<B<C> >". */
        struct demangle_component *n = dc;
        while (n->u.s_binary.right && n->u.s_binary.right->type == DEMANGLE_COMPONENT_TEMPLATE_ARGLIST) {
            struct demangle_component *next = n->u.s_binary.right, *arg = next->u.s_binary.left;
            if (arg && arg->type == DEMANGLE_COMPONENT_TEMPLATE_ARGLIST && !arg->u.s_binary.left &&
                !arg->u.s_binary.right)
                n->u.s_binary.right = next->u.s_binary.right;
            else
                n = next;
        }
    }
    if (dc_is_tree(dc->type)) {
        dc->u.s_binary.left = dc_simplify(dc->u.s_binary.left, no_templates, no_enclosing, depth + 1);
        dc->u.s_binary.right = dc_simplify(dc->u.s_binary.right, no_templates, no_enclosing, depth + 1);
    }
    return dc;
}

static char *demangle_itanium(const char *sym, bool params, bool templates)
{
    int opts = DMGL_ANSI | (params ? DMGL_PARAMS : 0);
    void *mem = NULL;
    struct demangle_component *dc = cplus_demangle_v3_components(sym, opts, &mem);
    if (!dc) {
        free(mem);
        return NULL;
    }
    if (params) {
        /* pprof's full mode drops clone suffixes ("[clone .constprop.0]"). */
        while (dc && dc->type == DEMANGLE_COMPONENT_CLONE)
            dc = dc->u.s_binary.left;
    }
    dc = dc_simplify(dc, !templates, !params, 0);
    size_t alloc = 0;
    char *s = dc ? cplus_demangle_print(opts, dc, 64, &alloc) : NULL;
    free(mem);
    return s;
}
#endif

char *demangle_symbol(const char *sym, const char *mode)
{
    if (!sym || sym[0] != '_')
        return NULL;
    char *r = demangle_rust_legacy(sym);
    if (r)
        return r;
#if HAVE_LIBIBERTY
    if (!strncmp(sym, "_R", 2)) {
        /* Rust v0: libiberty's output, without a ".suffix". */
        char *tmp = xstrdup(sym);
        char *dot = strchr(tmp, '.');
        if (dot)
            *dot = 0;
        r = cplus_demangle(tmp, DMGL_RUST);
        free(tmp);
        return r;
    }
    if (!strncmp(sym, "_Z", 2) || !strncmp(sym, "___Z", 4) || !strncmp(sym, "_GLOBAL_", 8)) {
        bool full = !strcmp(mode, "full");
        r = demangle_itanium(sym, full, full || !strcmp(mode, "templates"));
        if (!r && full)
            r = demangle_itanium(sym, false, true); /* libiberty cannot print some return types */
        return r;
    }
#else
    (void)mode;
#endif
    return NULL;
}

/* pprof's Demangle over every function of p. */
static void demangle_profile(struct profile *p, bool force, const char *mode)
{
    if (force)
        for (size_t i = 0; i < p->nfunctions; i++) {
            struct prof_function *f = &p->functions[i];
            if (f->name[0] && f->system_name[0])
                f->name = f->system_name;
        }
    if (!strcmp(mode, "none"))
        return;
    bool no_params = !strcmp(mode, "") || !strcmp(mode, "templates");
    bool no_templates = !strcmp(mode, "");
    for (size_t i = 0; i < p->nfunctions; i++) {
        struct prof_function *f = &p->functions[i];
        if (f->name[0] && strcmp(f->name, f->system_name) != 0)
            continue; /* already demangled */
        char *d = demangle_symbol(f->system_name, mode);
        if (d && strcmp(d, f->system_name) != 0) {
            f->name = arena_strdup(&p->arena, d);
            free(d);
            continue;
        }
        free(d);
        f->name = demangle_simplify(&p->arena, f->system_name, no_params, no_templates);
    }
}

/* ------------------------------------------------------------------------ */
/* Paths                                                                    */
/* ------------------------------------------------------------------------ */

/* Go's filepath.Clean, into a malloc'ed string. */
static char *path_clean(const char *path)
{
    if (!path[0])
        return xstrdup(".");
    size_t n = strlen(path);
    bool rooted = path[0] == '/';
    char *out = xmalloc(n + 2);
    size_t w = 0, r = 0, dotdot = 0;
    if (rooted) {
        out[w++] = '/';
        r = dotdot = 1;
    }
    while (r < n) {
        if (path[r] == '/') {
            r++;
        } else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
            r++;
        } else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
            r += 2;
            if (w > dotdot) {
                w--;
                while (w > dotdot && out[w] != '/')
                    w--;
            } else if (!rooted) {
                if (w > 0)
                    out[w++] = '/';
                out[w++] = '.';
                out[w++] = '.';
                dotdot = w;
            }
        } else {
            if ((rooted && w != 1) || (!rooted && w != 0))
                out[w++] = '/';
            for (; r < n && path[r] != '/'; r++)
                out[w++] = path[r];
        }
    }
    if (w == 0)
        out[w++] = '.';
    out[w] = 0;
    return out;
}

/* Go's filepath.Join of up to four elements (empty ones skipped), cleaned. */
static char *path_join(const char *a, const char *b, const char *c, const char *d)
{
    const char *parts[4] = {a, b, c, d};
    struct strbuf sb = STRBUF_INIT;
    bool any = false;
    for (int i = 0; i < 4; i++) {
        if (!parts[i] || !parts[i][0])
            continue;
        if (any)
            strbuf_addc(&sb, '/');
        strbuf_adds(&sb, parts[i]);
        any = true;
    }
    if (!any) {
        strbuf_release(&sb);
        return xstrdup("");
    }
    char *r = path_clean(sb.buf);
    strbuf_release(&sb);
    return r;
}

/* Go's filepath.Dir (cleaned), malloc'ed. */
static char *path_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *d = slash ? xstrndup(path, (size_t)(slash - path + 1)) : xstrdup("");
    char *r = path_clean(d);
    free(d);
    return r;
}

/* pprof's Mapping.Unsymbolizable. */
static bool unsymbolizable(const char *file)
{
    char b[4096];
    const char *base = path_base(file, b, sizeof(b));
    return base[0] == '[' || !strncmp(base, "linux-vdso", 10) || !strncmp(file, "/dev/dri/", 9) ||
           !strcmp(file, "//anon") || !strncmp(file, "/memfd:", 7);
}

/* A URL whose scheme contains "http" (pprof skips such mappings without build id). */
static bool is_http_url(const char *file)
{
    const char *colon = strchr(file, ':');
    if (!colon || colon == file)
        return false;
    for (const char *c = file; c < colon; c++)
        if (!isalnum((unsigned char)*c) && *c != '+' && *c != '-' && *c != '.')
            return false;
    if (!isalpha((unsigned char)file[0]))
        return false;
    for (const char *c = file; c + 4 <= colon; c++)
        if (!strncasecmp(c, "http", 4))
            return true;
    return false;
}

/* ------------------------------------------------------------------------ */
/* Object files                                                             */
/* ------------------------------------------------------------------------ */

struct obj;

struct frame {
    const char *func; /* "" if unknown */
    const char *file; /* "" if unknown */
    int64_t line;
};

struct frames {
    struct frame *f;
    size_t n, cap;
};

static void frames_push(struct frames *fr, const char *func, const char *file, int64_t line)
{
    xgrow(&fr->f, &fr->cap, fr->n + 1, sizeof(*fr->f));
    fr->f[fr->n].func = func ? func : "";
    fr->f[fr->n].file = file ? file : "";
    fr->f[fr->n].line = line;
    fr->n++;
}

#if HAVE_ELFUTILS

struct osym {
    uint64_t addr, size;
    const char *name;
    uint32_t order;
};

struct phdr {
    uint64_t off, vaddr, filesz, memsz;
    uint32_t flags;
};

struct lrow {
    uint64_t addr;
    const char *file;
    int64_t line;
    uint32_t idx;
    bool end;
};

struct snode {
    Dwarf_Die die;
    const char *name; /* NULL until first needed */
    const char *call_file;
    int64_t call_line;
    uint32_t parent; /* enclosing scope for inlined subroutines, else NONE32 */
};

struct seg {
    uint64_t lo, hi;
    uint32_t node;
};

struct cuinfo {
    Dwarf_Die die;
    unsigned version;
    bool loaded;
    struct lrow *rows;
    size_t nrows;
    struct snode *nodes;
    size_t nnodes, capnodes;
    struct seg *segs;
    size_t nsegs;
};

struct curange {
    uint64_t lo, hi;
    uint32_t cu;
};

#endif

struct obj {
    char *path;
    bool ok;
    char err[600];
    uint32_t next_same_hash; /* cache chain */
#if HAVE_ELFUTILS
    int fd;
    Elf *elf;
    unsigned type;
    char build_id[130];
    struct phdr *loads;
    size_t nloads;
    int text_load; /* index into loads of the segment holding .text, or -1 */
    struct osym *syms;
    size_t nsyms;
    const char *symsrc;
    bool debug_done;
    char *debug_path; /* file holding the DWARF (maybe path itself), or NULL */
    int dfd;
    Elf *delf;
    Dwarf *dw;
    struct osym *dsyms; /* the debug file's .symtab, a fallback for names */
    size_t ndsyms;
    struct cuinfo *cus;
    size_t ncus;
    struct curange *ranges;
    size_t nranges;
    struct strbuf debug_notes; /* debug file candidates rejected */
    struct arena a;            /* file names as llvm-symbolizer writes them */
#endif
};

struct objcache {
    struct obj **objs;
    size_t n, cap;
    struct u64map byhash; /* hash of path -> first index with that hash */
};

#if HAVE_ELFUTILS

static int cmp_osym(const void *a, const void *b)
{
    const struct osym *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    if (x->size != y->size)
        return x->size < y->size ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Function symbols of the sections of type sht, sorted by address; at equal
 * addresses the largest, then the last, is kept (llvm-symbolizer's choice). */
static size_t load_syms(Elf *elf, Elf64_Word sht, struct osym **out)
{
    struct osym *s = NULL;
    size_t n = 0, cap = 0;
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != sht || sh.sh_entsize == 0)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        if (!d)
            continue;
        size_t count = sh.sh_size / sh.sh_entsize;
        for (size_t i = 0; i < count; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(d, (int)i, &sym))
                break;
            int t = GELF_ST_TYPE(sym.st_info);
            if ((t != STT_FUNC && t != STT_GNU_IFUNC) || sym.st_shndx == SHN_UNDEF || sym.st_name == 0)
                continue;
            const char *name = elf_strptr(elf, sh.sh_link, sym.st_name);
            if (!name || !name[0])
                continue;
            xgrow(&s, &cap, n + 1, sizeof(*s));
            s[n].addr = sym.st_value;
            s[n].size = sym.st_size;
            s[n].name = name;
            s[n].order = (uint32_t)n;
            n++;
        }
    }
    if (!n) {
        free(s);
        *out = NULL;
        return 0;
    }
    qsort(s, n, sizeof(*s), cmp_osym);
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && s[i + 1].addr == s[i].addr)
            continue;
        s[w++] = s[i];
    }
    *out = s;
    return w;
}

/* The symbol covering a (a zero size covers up to the next symbol). */
static const struct osym *sym_lookup(const struct osym *s, size_t n, uint64_t a)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s[mid].addr <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const struct osym *r = &s[lo - 1];
    if (r->size != 0 && a - r->addr >= r->size)
        return NULL;
    return r;
}

static bool elf_has_section(Elf *elf, const char *name)
{
    size_t shstrndx;
    if (elf_getshdrstrndx(elf, &shstrndx) != 0)
        return false;
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh))
            continue;
        const char *n = elf_strptr(elf, shstrndx, sh.sh_name);
        if (n && !strcmp(n, name) && sh.sh_type != SHT_NOBITS)
            return true;
    }
    return false;
}

static void hex_build_id(Elf *elf, char *out, size_t outsz)
{
    const void *id = NULL;
    ssize_t n = dwelf_elf_gnu_build_id(elf, &id);
    out[0] = 0;
    if (n <= 0 || (size_t)n * 2 + 1 > outsz)
        return;
    for (ssize_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", ((const unsigned char *)id)[i]);
}

/* strerror as Go words it (lowercase first letter). */
static void go_strerror(int e, char *buf, size_t n)
{
    snprintf(buf, n, "%s", strerror(e));
    if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
        buf[0] = (char)(buf[0] - 'A' + 'a');
}

static void obj_init_elf(struct obj *o)
{
    o->fd = open(o->path, O_RDONLY | O_CLOEXEC);
    if (o->fd < 0) {
        char e[128];
        go_strerror(errno, e, sizeof(e));
        snprintf(o->err, sizeof(o->err), "open %s: %s", o->path, e);
        return;
    }
    struct stat st;
    if (fstat(o->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(o->err, sizeof(o->err), "read %s: is a directory", o->path);
        return;
    }
    o->elf = elf_begin(o->fd, ELF_C_READ_MMAP, NULL);
    GElf_Ehdr eh;
    if (!o->elf || elf_kind(o->elf) != ELF_K_ELF || !gelf_getehdr(o->elf, &eh)) {
        snprintf(o->err, sizeof(o->err), "unrecognized binary format: %s", o->path);
        return;
    }
    o->type = eh.e_type;
    hex_build_id(o->elf, o->build_id, sizeof(o->build_id));
    size_t nph = 0;
    if (elf_getphdrnum(o->elf, &nph) != 0)
        nph = 0;
    o->loads = xcalloc(nph + 1, sizeof(*o->loads));
    for (size_t i = 0; i < nph; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(o->elf, (int)i, &ph) || ph.p_type != PT_LOAD)
            continue;
        struct phdr *l = &o->loads[o->nloads++];
        l->off = ph.p_offset;
        l->vaddr = ph.p_vaddr;
        l->filesz = ph.p_filesz;
        l->memsz = ph.p_memsz;
        l->flags = ph.p_flags;
    }
    /* pprof's FindTextProgHeader. */
    o->text_load = -1;
    size_t shstrndx;
    if (elf_getshdrstrndx(o->elf, &shstrndx) == 0) {
        Elf_Scn *scn = NULL;
        while ((scn = elf_nextscn(o->elf, scn)) != NULL && o->text_load < 0) {
            GElf_Shdr sh;
            if (!gelf_getshdr(scn, &sh))
                continue;
            const char *n = elf_strptr(o->elf, shstrndx, sh.sh_name);
            if (!n || strcmp(n, ".text"))
                continue;
            for (size_t k = 0; k < o->nloads; k++) {
                const struct phdr *l = &o->loads[k];
                if ((l->flags & PF_X) && sh.sh_addr >= l->vaddr && sh.sh_addr < l->vaddr + l->memsz) {
                    o->text_load = (int)k;
                    break;
                }
            }
        }
    }
    o->nsyms = load_syms(o->elf, SHT_SYMTAB, &o->syms);
    o->symsrc = ".symtab";
    if (!o->nsyms) {
        o->nsyms = load_syms(o->elf, SHT_DYNSYM, &o->syms);
        o->symsrc = o->nsyms ? ".dynsym" : "no symbols";
    }
    o->ok = true;
}

#endif

static struct obj *obj_open(struct objcache *c, const char *path)
{
    uint64_t h = hash_bytes(HASH_SEED, path, strlen(path));
    uint32_t idx;
    if (u64map_get(&c->byhash, h, &idx)) {
        for (uint32_t i = idx; i != NONE32; i = c->objs[i]->next_same_hash)
            if (!strcmp(c->objs[i]->path, path))
                return c->objs[i];
    }
    struct obj *o = xcalloc(1, sizeof(*o));
    o->path = xstrdup(path);
    o->next_same_hash = NONE32;
#if HAVE_ELFUTILS
    o->fd = o->dfd = -1;
    o->debug_notes = (struct strbuf)STRBUF_INIT;
    arena_init(&o->a, 1 << 14);
    obj_init_elf(o);
#else
    snprintf(o->err, sizeof(o->err), "prof was built without elfutils: no local symbolization");
#endif
    xgrow(&c->objs, &c->cap, c->n + 1, sizeof(*c->objs));
    uint32_t me = (uint32_t)c->n;
    c->objs[c->n++] = o;
    bool inserted;
    uint32_t *slot = u64map_put(&c->byhash, h, me, &inserted);
    if (!inserted) {
        o->next_same_hash = *slot;
        *slot = me;
    }
    return o;
}

static void obj_close(struct obj *o)
{
#if HAVE_ELFUTILS
    for (size_t i = 0; i < o->ncus; i++) {
        free(o->cus[i].rows);
        free(o->cus[i].nodes);
        free(o->cus[i].segs);
    }
    free(o->cus);
    free(o->ranges);
    if (o->dw)
        dwarf_end(o->dw);
    if (o->delf)
        elf_end(o->delf);
    if (o->dfd >= 0)
        close(o->dfd);
    if (o->elf)
        elf_end(o->elf);
    if (o->fd >= 0)
        close(o->fd);
    free(o->syms);
    free(o->dsyms);
    free(o->loads);
    free(o->debug_path);
    strbuf_release(&o->debug_notes);
    arena_release(&o->a);
#endif
    free(o->path);
    free(o);
}

#if HAVE_ELFUTILS

/* ---- DWARF ---- */

static int cmp_curange(const void *a, const void *b)
{
    const struct curange *x = a, *y = b;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return x->cu < y->cu ? -1 : x->cu > y->cu;
}

/* Index the compile units of o->dw by address range. */
static void index_cus(struct obj *o)
{
    size_t capcu = 0, caprg = 0;
    Dwarf_CU *cu = NULL;
    Dwarf_Half version;
    uint8_t unit_type;
    Dwarf_Die cudie, subdie;
    while (dwarf_get_units(o->dw, cu, &cu, &version, &unit_type, &cudie, &subdie) == 0) {
        if (unit_type != DW_UT_compile && unit_type != DW_UT_partial && unit_type != DW_UT_skeleton)
            continue;
        xgrow(&o->cus, &capcu, o->ncus + 1, sizeof(*o->cus));
        struct cuinfo *ci = &o->cus[o->ncus];
        memset(ci, 0, sizeof(*ci));
        ci->die = cudie;
        ci->version = version;
        Dwarf_Addr base, lo, hi;
        ptrdiff_t off = 0;
        while ((off = dwarf_ranges(&cudie, off, &base, &lo, &hi)) > 0) {
            if (hi <= lo)
                continue;
            xgrow(&o->ranges, &caprg, o->nranges + 1, sizeof(*o->ranges));
            o->ranges[o->nranges].lo = lo;
            o->ranges[o->nranges].hi = hi;
            o->ranges[o->nranges].cu = (uint32_t)o->ncus;
            o->nranges++;
        }
        o->ncus++;
    }
    if (o->nranges)
        qsort(o->ranges, o->nranges, sizeof(*o->ranges), cmp_curange);
}

/* Open path as a debug file for o: usable when it is ELF with .debug_info
 * and its build id (if both have one) is o's. */
static bool try_debug_file(struct obj *o, const char *path)
{
    if (!strcmp(path, o->path))
        return false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    if (!elf || elf_kind(elf) != ELF_K_ELF) {
        strbuf_addf(&o->debug_notes, "; %s: not ELF", path);
        goto reject;
    }
    char bid[130];
    hex_build_id(elf, bid, sizeof(bid));
    if (o->build_id[0] && bid[0] && strcmp(bid, o->build_id)) {
        strbuf_addf(&o->debug_notes, "; %s: build id %s", path, bid);
        goto reject;
    }
    if (!elf_has_section(elf, ".debug_info") && !elf_has_section(elf, ".zdebug_info")) {
        strbuf_addf(&o->debug_notes, "; %s: no .debug_info", path);
        goto reject;
    }
    Dwarf *dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
    if (!dw) {
        strbuf_addf(&o->debug_notes, "; %s: %s", path, dwarf_errmsg(-1));
        goto reject;
    }
    o->dfd = fd;
    o->delf = elf;
    o->dw = dw;
    o->debug_path = xstrdup(path);
    o->ndsyms = load_syms(elf, SHT_SYMTAB, &o->dsyms);
    return true;
reject:
    if (elf)
        elf_end(elf);
    close(fd);
    return false;
}

/* Find o's DWARF: in the file itself, else a separate debug file by build id
 * (/usr/lib/debug/.build-id/xx/yyyy.debug) or by .gnu_debuglink (next to
 * the file, in its .debug directory, under /usr/lib/debug). */
static void obj_load_debug(struct obj *o)
{
    if (o->debug_done)
        return;
    o->debug_done = true;
    if (elf_has_section(o->elf, ".debug_info") || elf_has_section(o->elf, ".zdebug_info")) {
        o->dw = dwarf_begin_elf(o->elf, DWARF_C_READ, NULL);
        if (o->dw)
            o->debug_path = xstrdup(o->path);
    }
    if (!o->dw && strlen(o->build_id) > 2) {
        char *p = NULL;
        struct strbuf sb = STRBUF_INIT;
        strbuf_addf(&sb, "/usr/lib/debug/.build-id/%.2s/%s.debug", o->build_id, o->build_id + 2);
        p = strbuf_detach(&sb, NULL);
        try_debug_file(o, p);
        free(p);
    }
    if (!o->dw) {
        GElf_Word crc;
        const char *link = dwelf_elf_gnu_debuglink(o->elf, &crc);
        if (link && link[0] && !strchr(link, '/')) {
            char *dirs[2] = {path_dir(o->path), NULL};
            char *real = realpath(o->path, NULL);
            if (real) {
                dirs[1] = path_dir(real);
                free(real);
            }
            for (int k = 0; k < 2 && !o->dw; k++) {
                if (!dirs[k] || (k == 1 && !strcmp(dirs[0], dirs[1])))
                    continue;
                char *c1 = path_join(dirs[k], link, NULL, NULL);
                char *c2 = path_join(dirs[k], ".debug", link, NULL);
                char *c3 = path_join("/usr/lib/debug", dirs[k], link, NULL);
                if (!try_debug_file(o, c1) && !try_debug_file(o, c2))
                    try_debug_file(o, c3);
                free(c1);
                free(c2);
                free(c3);
            }
            free(dirs[0]);
            free(dirs[1]);
        }
    }
    if (o->dw)
        index_cus(o);
}

static struct cuinfo *cu_lookup(struct obj *o, uint64_t a)
{
    size_t lo = 0, hi = o->nranges;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (o->ranges[mid].lo <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* Ranges of different units may nest (rarely): look back a little. */
    for (size_t i = lo, k = 0; i > 0 && k < 8; i--, k++) {
        const struct curange *r = &o->ranges[i - 1];
        if (a >= r->lo && a < r->hi)
            return &o->cus[r->cu];
    }
    if (o->nranges == 0 && o->dw) {
        /* No ranges on the unit DIEs: ask libdw (.debug_aranges). */
        Dwarf_Die die;
        if (dwarf_addrdie(o->dw, a, &die)) {
            Dwarf_Off off = dwarf_dieoffset(&die);
            for (size_t i = 0; i < o->ncus; i++)
                if (dwarf_dieoffset(&o->cus[i].die) == off)
                    return &o->cus[i];
        }
    }
    return NULL;
}

static int cmp_lrow(const void *a, const void *b)
{
    const struct lrow *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

struct range_ent {
    uint64_t lo, hi;
    uint32_t node, depth;
};

static int cmp_range_ent(const void *a, const void *b)
{
    const struct range_ent *x = a, *y = b;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    if (x->hi != y->hi)
        return x->hi > y->hi ? -1 : 1;
    return x->depth < y->depth ? -1 : x->depth > y->depth;
}

struct walk {
    struct cuinfo *cu;
    Dwarf_Files *files;
    size_t nfiles;
    const char **names; /* per file index, as llvm_file_name() writes it */
    struct range_ent *ents;
    size_t nents, capents;
};

static void walk_scopes(struct walk *w, Dwarf_Die *parent, uint32_t scope, uint32_t depth)
{
    Dwarf_Die child;
    if (depth > 512 || dwarf_child(parent, &child) != 0)
        return;
    do {
        int tag = dwarf_tag(&child);
        switch (tag) {
        case DW_TAG_subprogram:
        case DW_TAG_inlined_subroutine:
        case DW_TAG_entry_point: {
            Dwarf_Addr base, lo, hi;
            ptrdiff_t off = 0;
            uint32_t node = NONE32;
            while ((off = dwarf_ranges(&child, off, &base, &lo, &hi)) > 0) {
                if (hi <= lo)
                    continue;
                if (node == NONE32) {
                    struct cuinfo *cu = w->cu;
                    xgrow(&cu->nodes, &cu->capnodes, cu->nnodes + 1, sizeof(*cu->nodes));
                    node = (uint32_t)cu->nnodes++;
                    struct snode *n = &cu->nodes[node];
                    memset(n, 0, sizeof(*n));
                    n->die = child;
                    n->parent = tag == DW_TAG_inlined_subroutine ? scope : NONE32;
                    n->call_file = "";
                    if (tag == DW_TAG_inlined_subroutine) {
                        Dwarf_Attribute at;
                        Dwarf_Word v;
                        if (dwarf_attr(&child, DW_AT_call_file, &at) && dwarf_formudata(&at, &v) == 0 && w->files &&
                            v < w->nfiles) {
                            n->call_file = w->names[v];
                        }
                        if (dwarf_attr(&child, DW_AT_call_line, &at) && dwarf_formudata(&at, &v) == 0)
                            n->call_line = (int64_t)v;
                    }
                }
                xgrow(&w->ents, &w->capents, w->nents + 1, sizeof(*w->ents));
                w->ents[w->nents++] = (struct range_ent){lo, hi, node, depth};
            }
            if (node != NONE32)
                walk_scopes(w, &child, node, depth + 1);
            break;
        }
        case DW_TAG_lexical_block:
        case DW_TAG_namespace:
        case DW_TAG_class_type:
        case DW_TAG_structure_type:
        case DW_TAG_union_type:
        case DW_TAG_module:
        case DW_TAG_try_block:
        case DW_TAG_catch_block:
        case DW_TAG_with_stmt:
        case DW_TAG_common_block:
            walk_scopes(w, &child, scope, depth + 1);
            break;
        default:
            break;
        }
    } while (dwarf_siblingof(&child, &child) == 0);
}

/* A source file name as llvm-symbolizer 14 writes it (pprof's usual back
 * end): a relative include directory is put under the unit's compilation
 * directory, so "./stdlib/./stdlib/msort.c" where libdw says
 * "./stdlib/msort.c" (both become stdlib/stdlib/msort.c... once cleaned by
 * pprof's graph, which is what reports show). */
static const char *llvm_file_name(struct obj *o, const struct cuinfo *cu, const char *comp_dir, const char *f)
{
    if (!f || !f[0])
        return "";
    if (f[0] == '/' || !comp_dir || !comp_dir[0])
        return f;
    size_t cl = strlen(comp_dir);
    if (cu->version < 5 && !strncmp(f, comp_dir, cl) && f[cl] == '/')
        return f; /* DWARF 4 directory 0 is the compilation directory itself */
    return arena_printf(&o->a, "%s%s%s", comp_dir, comp_dir[cl - 1] == '/' ? "" : "/", f);
}

/* Build cu's sorted line rows and its scope segments. */
static void cu_load(struct obj *o, struct cuinfo *cu)
{
    if (cu->loaded)
        return;
    cu->loaded = true;
    Dwarf_Attribute cda;
    const char *comp_dir = dwarf_attr(&cu->die, DW_AT_comp_dir, &cda) ? dwarf_formstring(&cda) : NULL;
    struct walk w = {.cu = cu};
    if (dwarf_getsrcfiles(&cu->die, &w.files, &w.nfiles) != 0) {
        w.files = NULL;
        w.nfiles = 0;
    }
    w.names = xcalloc(w.nfiles + 1, sizeof(*w.names));
    for (size_t i = 0; i < w.nfiles; i++)
        w.names[i] = llvm_file_name(o, cu, comp_dir, dwarf_filesrc(w.files, i, NULL, NULL));
    Dwarf_Lines *lines;
    size_t nl = 0;
    if (dwarf_getsrclines(&cu->die, &lines, &nl) == 0 && nl > 0) {
        cu->rows = xmalloc(nl * sizeof(*cu->rows));
        for (size_t i = 0; i < nl; i++) {
            Dwarf_Line *l = dwarf_onesrcline(lines, i);
            struct lrow *r = &cu->rows[cu->nrows];
            Dwarf_Addr addr;
            int lineno = 0;
            bool end = false;
            if (!l || dwarf_lineaddr(l, &addr) != 0)
                continue;
            dwarf_lineno(l, &lineno);
            dwarf_lineendsequence(l, &end);
            Dwarf_Files *lf;
            size_t fi;
            const char *f;
            if (dwarf_line_file(l, &lf, &fi) == 0 && lf == w.files && fi < w.nfiles)
                f = w.names[fi];
            else
                f = llvm_file_name(o, cu, comp_dir, dwarf_linesrc(l, NULL, NULL));
            r->addr = addr;
            r->line = lineno;
            r->file = f ? f : "";
            r->end = end;
            r->idx = (uint32_t)cu->nrows;
            cu->nrows++;
        }
        qsort(cu->rows, cu->nrows, sizeof(*cu->rows), cmp_lrow);
    }
    walk_scopes(&w, &cu->die, NONE32, 0);
    if (w.nents) {
        /* Flatten the nested ranges into disjoint segments, each naming the
         * innermost scope (a sweep with a stack of open ranges). */
        qsort(w.ents, w.nents, sizeof(*w.ents), cmp_range_ent);
        struct range_ent *stack = xmalloc(w.nents * sizeof(*stack));
        size_t sp = 0, capsegs = 0;
        uint64_t cur = 0;
#define EMIT(LO, HI, NODE)                                                               \
    do {                                                                                 \
        if ((LO) < (HI)) {                                                               \
            if (cu->nsegs && cu->segs[cu->nsegs - 1].hi == (LO) &&                       \
                cu->segs[cu->nsegs - 1].node == (NODE)) {                                \
                cu->segs[cu->nsegs - 1].hi = (HI);                                       \
            } else {                                                                     \
                xgrow(&cu->segs, &capsegs, cu->nsegs + 1, sizeof(*cu->segs));            \
                cu->segs[cu->nsegs++] = (struct seg){(LO), (HI), (NODE)};                \
            }                                                                            \
        }                                                                                \
    } while (0)
        for (size_t i = 0; i < w.nents; i++) {
            const struct range_ent *e = &w.ents[i];
            while (sp && stack[sp - 1].hi <= e->lo) {
                const struct range_ent *t = &stack[--sp];
                if (cur < t->hi) {
                    EMIT(cur, t->hi, t->node);
                    cur = t->hi;
                }
            }
            if (sp && cur < e->lo)
                EMIT(cur, e->lo, stack[sp - 1].node);
            if (!sp || cur < e->lo)
                cur = e->lo;
            stack[sp++] = *e;
        }
        while (sp) {
            const struct range_ent *t = &stack[--sp];
            if (cur < t->hi) {
                EMIT(cur, t->hi, t->node);
                cur = t->hi;
            }
        }
#undef EMIT
        free(stack);
    }
    free(w.ents);
    free(w.names);
}

static const struct lrow *row_lookup(const struct cuinfo *cu, uint64_t a)
{
    size_t lo = 0, hi = cu->nrows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cu->rows[mid].addr <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    size_t i = lo - 1;
    uint64_t at = cu->rows[i].addr;
    /* Of the rows at that address, the last that does not end a sequence. */
    for (size_t j = i + 1; j-- > 0 && cu->rows[j].addr == at;)
        if (!cu->rows[j].end)
            return &cu->rows[j];
    return NULL;
}

static uint32_t seg_lookup(const struct cuinfo *cu, uint64_t a)
{
    size_t lo = 0, hi = cu->nsegs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cu->segs[mid].lo <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || a >= cu->segs[lo - 1].hi)
        return NONE32;
    return cu->segs[lo - 1].node;
}

/* llvm-symbolizer's linkage name: DW_AT_linkage_name (or the MIPS one),
 * else DW_AT_name, following abstract origins and specifications. */
static const char *node_name(struct snode *n)
{
    if (n->name)
        return n->name;
    Dwarf_Attribute at;
    const char *s = NULL;
    if (dwarf_attr_integrate(&n->die, DW_AT_linkage_name, &at) ||
        dwarf_attr_integrate(&n->die, DW_AT_MIPS_linkage_name, &at))
        s = dwarf_formstring(&at);
    if (!s && dwarf_attr_integrate(&n->die, DW_AT_name, &at))
        s = dwarf_formstring(&at);
    n->name = s ? s : "";
    return n->name;
}

/* The frames of object address a, innermost first (empty when nothing is known). */
static void resolve(struct obj *o, uint64_t a, bool names_only, struct frames *fr)
{
    fr->n = 0;
    const struct osym *s = sym_lookup(o->syms, o->nsyms, a);
    struct cuinfo *cu = NULL;
    if (!names_only) {
        obj_load_debug(o);
        if (o->dw)
            cu = cu_lookup(o, a);
    }
    if (cu) {
        cu_load(o, cu);
        const struct lrow *r = row_lookup(cu, a);
        const char *file = r ? r->file : "";
        int64_t line = r ? r->line : 0;
        uint32_t node = seg_lookup(cu, a);
        while (node != NONE32) {
            struct snode *n = &cu->nodes[node];
            frames_push(fr, node_name(n), file, line);
            file = n->call_file;
            line = n->call_line;
            node = n->parent;
        }
        if (fr->n == 0)
            frames_push(fr, "", file, line);
    } else {
        frames_push(fr, "", "", 0);
    }
    struct frame *outer = &fr->f[fr->n - 1];
    if (s)
        outer->func = s->name;
    else if (!outer->func[0] && o->ndsyms) {
        const struct osym *d = sym_lookup(o->dsyms, o->ndsyms, a);
        if (d)
            outer->func = d->name;
    }
    /* llvm-symbolizer's empty frames are dropped by pprof. */
    size_t w = 0;
    for (size_t i = 0; i < fr->n; i++)
        if (fr->f[i].func[0] || fr->f[i].file[0] || fr->f[i].line)
            fr->f[w++] = fr->f[i];
    fr->n = w;
}

/* pprof's ProgramHeadersForMapping + HeaderForFileOffset + FindTextProgHeader:
 * the segment to compute the base with, or NULL; -1 + msg on failure. */
static int find_phdr(const struct obj *o, const struct prof_mapping *m, uint64_t addr, const struct phdr **out,
                     char *msg, size_t msgsz)
{
    *out = NULL;
    if (m->start >= m->limit || m->limit >= (1ULL << 63)) {
        *out = o->text_load >= 0 ? &o->loads[o->text_load] : NULL;
        return 0;
    }
    if (o->nloads == 0)
        return 0;
    const uint64_t page = 4096;
    uint64_t map_off = m->offset, map_sz = m->limit - m->start, map_lim = map_off + map_sz;
    const struct phdr *hs[64];
    size_t nh = 0;
    for (size_t i = 0; i < o->nloads && nh < PROF_ARRAY_LEN(hs); i++) {
        const struct phdr *p = &o->loads[i];
        if (p->filesz == 0)
            continue;
        uint64_t seg_lim = p->off + p->memsz;
        if (!(map_off < seg_lim && p->off < map_lim))
            continue;
        uint64_t aligned = 0;
        if (p->off > (p->vaddr & (page - 1)))
            aligned = p->off - (p->vaddr & (page - 1));
        if (map_off < aligned)
            continue;
        if (map_off > p->off && seg_lim < map_off + page && map_lim >= seg_lim + page)
            continue;
        hs[nh++] = p;
    }
    if (nh == 0) {
        snprintf(msg, msgsz, "no program header matches mapping info");
        return -1;
    }
    if (nh == 1) {
        *out = hs[0];
        return 0;
    }
    uint64_t fo = addr - m->start + m->offset;
    for (size_t i = 0; i < nh; i++) {
        if (fo >= hs[i]->off && fo < hs[i]->off + hs[i]->memsz) {
            if (*out) {
                snprintf(msg, msgsz, "two program headers match file offset %#" PRIx64, fo);
                *out = NULL;
                return -1;
            }
            *out = hs[i];
        }
    }
    if (!*out) {
        snprintf(msg, msgsz, "no program header matches file offset %#" PRIx64, fo);
        return -1;
    }
    return 0;
}

/* pprof's elfexec.GetBase (without the kernel heuristics): object address =
 * runtime address - base.  -1 + msg when it cannot be computed. */
static int mapping_base(const struct obj *o, const struct prof_mapping *m, uint64_t first, uint64_t *base,
                        bool *is_data, char *msg, size_t msgsz)
{
    *base = 0;
    *is_data = false;
    if (m->start == 0 && m->offset == 0 && (m->limit == 0 || m->limit == UINT64_MAX))
        return 0; /* a fake mapping over everything: addresses are object addresses */
    const struct phdr *ph;
    if (find_phdr(o, m, first, &ph, msg, msgsz))
        return -1;
    *is_data = ph && !(ph->flags & PF_X);
    switch (o->type) {
    case ET_EXEC:
        if (!ph)
            return 0;
        if (m->start > 0 && m->start < (1ULL << 63)) {
            *base = m->start - m->offset + ph->off - ph->vaddr;
            return 0;
        }
        if (m->start == 0 && m->limit != 0) {
            *base = m->start - ph->vaddr;
            return 0;
        }
        snprintf(msg, msgsz, "don't know how to handle EXEC segment: start=%#" PRIx64 " limit=%#" PRIx64
                 " offset=%#" PRIx64, m->start, m->limit, m->offset);
        return -1;
    case ET_REL:
        if (m->offset != 0) {
            snprintf(msg, msgsz, "don't know how to handle mapping.Offset");
            return -1;
        }
        *base = m->start;
        return 0;
    case ET_DYN:
        *base = ph ? m->start - m->offset + ph->off - ph->vaddr : m->start - m->offset;
        return 0;
    default:
        snprintf(msg, msgsz, "don't know how to handle FileHeader.Type %u", o->type);
        return -1;
    }
}

#endif /* HAVE_ELFUTILS */

/* ------------------------------------------------------------------------ */
/* Strings and functions created by symbolization                           */
/* ------------------------------------------------------------------------ */

struct strtab {
    struct arena *a;
    const char **strs; /* id -> arena string */
    uint64_t *hashes;
    size_t n, cap;
    uint32_t *slots; /* content hash table: id + 1, 0 = empty */
    size_t nslots;
    struct u64map byptr; /* stable source pointer -> id */
};

static void strtab_init(struct strtab *t, struct arena *a)
{
    memset(t, 0, sizeof(*t));
    t->a = a;
    t->nslots = 1024;
    t->slots = xcalloc(t->nslots, sizeof(*t->slots));
    u64map_init(&t->byptr, 1024);
}

static void strtab_release(struct strtab *t)
{
    free(t->strs);
    free(t->hashes);
    free(t->slots);
    u64map_release(&t->byptr);
}

static uint32_t strtab_intern(struct strtab *t, const char *s)
{
    size_t len = strlen(s);
    uint64_t h = hash_u64(hash_bytes(HASH_SEED, s, len));
    size_t mask = t->nslots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint32_t v = t->slots[i];
        if (!v)
            break;
        if (t->hashes[v - 1] == h && !strcmp(t->strs[v - 1], s))
            return v - 1;
    }
    if ((t->n + 1) * 2 > t->nslots) {
        size_t ns = t->nslots * 2;
        uint32_t *slots = xcalloc(ns, sizeof(*slots));
        for (size_t k = 0; k < t->n; k++) {
            size_t j = t->hashes[k] & (ns - 1);
            while (slots[j])
                j = (j + 1) & (ns - 1);
            slots[j] = (uint32_t)k + 1;
        }
        free(t->slots);
        t->slots = slots;
        t->nslots = ns;
        mask = ns - 1;
    }
    size_t cap = t->cap;
    xgrow(&t->strs, &cap, t->n + 1, sizeof(*t->strs));
    xgrow(&t->hashes, &t->cap, t->n + 1, sizeof(*t->hashes));
    uint32_t id = (uint32_t)t->n++;
    t->strs[id] = arena_strndup(t->a, s, len);
    t->hashes[id] = h;
    size_t i = h & mask;
    while (t->slots[i])
        i = (i + 1) & mask;
    t->slots[i] = id + 1;
    return id;
}

/* Intern a string whose pointer stays valid (and unchanged) during the run. */
static uint32_t strtab_intern_stable(struct strtab *t, const char *s)
{
    uint32_t id;
    if (u64map_get(&t->byptr, (uint64_t)(uintptr_t)s, &id))
        return id;
    id = strtab_intern(t, s);
    bool ins;
    u64map_put(&t->byptr, (uint64_t)(uintptr_t)s, id, &ins);
    return id;
}

struct newfuncs {
    struct prof_function *f;
    size_t n, cap;
    size_t base;          /* functions already in the profile */
    struct u64map bykey;  /* name id << 32 | file id -> index in f */
};

/* ------------------------------------------------------------------------ */
/* Driver                                                                   */
/* ------------------------------------------------------------------------ */

struct symctx {
    struct profile *p;
    struct objcache cache;
    bool verbose;
    const char *binary;
    struct strbuf *notes; /* per mapping: what the binary search tried */
    const struct symbolz_source *sources; /* of fetched profiles' mappings */
    size_t nsources;
};

/* A mapping that had neither file nor build id in a fetched profile: its
 * file is the URL, so that symbolz finds it (pprof's collectMappingSources). */
static bool url_as_file(const struct symctx *c, const struct prof_mapping *m)
{
    if (m->build_id[0])
        return false;
    for (size_t k = 0; k < c->nsources; k++)
        if (!strcmp(c->sources[k].key, m->file) && !strcmp(c->sources[k].url, m->file))
            return true;
    return false;
}

/* pprof's locateBinaries: look every mapping's file up under
 * $PPROF_BINARY_PATH (default $HOME/pprof/binaries). */
static void locate_binaries(struct symctx *c, bool skip_main)
{
    struct profile *p = c->p;
    const char *sp = getenv("PPROF_BINARY_PATH");
    char *def = NULL;
    if (!sp || !sp[0]) {
        const char *home = getenv("HOME");
        def = path_join(home ? home : "", "pprof", "binaries", NULL);
        sp = def;
    }
    char *paths = xstrdup(sp);
    for (size_t i = 0; i < p->nmappings; i++) {
        struct prof_mapping *m = &p->mappings[i];
        if ((i == 0 && skip_main) || url_as_file(c, m))
            continue; /* pprof searches before it puts the URL there: nothing to search for */
        char bbuf[4096];
        const char *base = m->file[0] ? path_base(m->file, bbuf, sizeof(bbuf)) : "";
        char *dir = m->file[0] ? path_dir(m->file) : xstrdup("");
        const char *file = m->file;
        bool found = false;
        char *save = NULL;
        char *copy = xstrdup(paths);
        for (char *path = strtok_r(copy, ":", &save); path && !found; path = strtok_r(NULL, ":", &save)) {
            char **names = NULL;
            size_t nn = 0, cap = 0;
#define ADD(S)                                                \
    do {                                                      \
        xgrow(&names, &cap, nn + 1, sizeof(*names));          \
        names[nn++] = (S);                                    \
    } while (0)
            if (m->build_id[0]) {
                ADD(path_join(path, m->build_id, base, NULL));
                char *pat = path_join(path, m->build_id, "*", NULL);
                glob_t g;
                if (glob(pat, 0, NULL, &g) == 0) {
                    for (size_t k = 0; k < g.gl_pathc; k++)
                        ADD(xstrdup(g.gl_pathv[k]));
                    globfree(&g);
                }
                free(pat);
                ADD(path_join(path, file, m->build_id, NULL));
                if (strlen(m->build_id) >= 2) {
                    char *rest = arena_printf(&p->arena, "%s.debug", m->build_id + 2);
                    char two[3] = {m->build_id[0], m->build_id[1], 0};
                    ADD(path_join(path, two, rest, NULL));
                }
            }
            if (file[0]) {
                ADD(path_join(path, base, NULL, NULL));
                ADD(path_join(path, file, NULL, NULL));
                char *dbg = arena_printf(&p->arena, "%s.debug", file);
                ADD(path_join(path, dbg, NULL, NULL));
                char *bdbg = arena_printf(&p->arena, "%s.debug", base);
                ADD(path_join(path, dir, ".debug", bdbg));
                char *ul = path_join(path, "usr/lib/debug", dir, NULL);
                ADD(path_join(ul, bdbg, NULL, NULL));
                free(ul);
            }
#undef ADD
            for (size_t k = 0; k < nn && !found; k++) {
                struct obj *o = obj_open(&c->cache, names[k]);
                if (!o->ok)
                    continue;
#if HAVE_ELFUTILS
                const char *fid = o->build_id;
#else
                const char *fid = "";
#endif
                if (m->build_id[0] && strcmp(m->build_id, fid) != 0) {
                    fprintf(stderr, "Ignoring local file %s: build-id mismatch (%s != %s)\n", names[k], m->build_id,
                            fid);
                    strbuf_addf(&c->notes[i], "; rejected %s (build id %s)", names[k], fid[0] ? fid : "none");
                    continue;
                }
                strbuf_addf(&c->notes[i], "; found %s under $PPROF_BINARY_PATH", names[k]);
                m->file = arena_strdup(&p->arena, names[k]);
                found = true;
            }
            for (size_t k = 0; k < nn; k++)
                free(names[k]);
            free(names);
        }
        free(copy);
        free(dir);
    }
    free(paths);
    free(def);
}

static int cmp_addr_loc(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

struct mapstats {
    size_t nlocs, resolved, with_lines;
};

#if HAVE_ELFUTILS
/* Symbolize the locations locs[0..n) of mapping mi with object o. */
static void symbolize_mapping(struct symctx *c, size_t mi, struct obj *o, const uint32_t *locs, size_t n, bool fast,
                              struct strtab *st, struct newfuncs *nf, struct mapstats *ms, struct strbuf *note)
{
    struct profile *p = c->p;
    struct prof_mapping *m = &p->mappings[mi];
    uint64_t base;
    bool is_data;
    char msg[256];
    if (mapping_base(o, m, p->locations[locs[0]].address, &base, &is_data, msg, sizeof(msg))) {
        strbuf_addf(note, "; no load address: %s", msg);
        return;
    }
    /* pprof's binutils would ask llvm-symbolizer for DATA symbols when the
     * segment chosen is not executable, but pprof 2022 never does (its
     * fileAddr2Line has an isData of its own that stays false): profiles
     * hold code addresses, so they are symbolized as code here too. */
    if (is_data)
        strbuf_adds(note, "; mapping matched a non-executable segment first");
    uint64_t *pairs = xmalloc(n * 2 * sizeof(uint64_t));
    for (size_t i = 0; i < n; i++) {
        pairs[2 * i] = p->locations[locs[i]].address - base;
        pairs[2 * i + 1] = locs[i];
    }
    qsort(pairs, n, 2 * sizeof(uint64_t), cmp_addr_loc);
    struct frames fr = {0};
    struct prof_line *cur = NULL;
    uint32_t ncur = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t a = pairs[2 * i];
        struct prof_location *l = &p->locations[pairs[2 * i + 1]];
        if (i == 0 || a != pairs[2 * (i - 1)]) {
            resolve(o, a, fast, &fr);
            cur = NULL;
            ncur = (uint32_t)fr.n;
            if (fr.n) {
                cur = ARENA_NEWN(&p->arena, struct prof_line, fr.n);
                for (size_t k = 0; k < fr.n; k++) {
                    const struct frame *f = &fr.f[k];
                    if (f->func[0])
                        m->has_functions = true;
                    if (f->file[0])
                        m->has_filenames = true;
                    if (f->line)
                        m->has_line_numbers = true;
                    uint32_t nid = strtab_intern_stable(st, f->func);
                    uint32_t fid = strtab_intern_stable(st, f->file);
                    uint64_t key = (uint64_t)nid << 32 | fid;
                    bool ins;
                    uint32_t *slot = u64map_put(&nf->bykey, key, (uint32_t)nf->n, &ins);
                    if (ins) {
                        xgrow(&nf->f, &nf->cap, nf->n + 1, sizeof(*nf->f));
                        struct prof_function *pf = &nf->f[nf->n];
                        memset(pf, 0, sizeof(*pf));
                        pf->id = nf->base + nf->n + 1;
                        pf->name = pf->system_name = st->strs[nid];
                        pf->filename = st->strs[fid];
                        nf->n++;
                    }
                    cur[k].function = (uint32_t)(nf->base + *slot);
                    cur[k].line = f->line;
                    cur[k].column = 0;
                }
            }
        }
        if (!ncur)
            continue;
        l->lines = cur;
        l->nlines = ncur;
        l->folded = false;
        m->has_inline_frames = true;
        ms->resolved++;
        for (uint32_t k = 0; k < ncur; k++)
            if (cur[k].line) {
                ms->with_lines++;
                break;
            }
    }
    free(fr.f);
    free(pairs);
}
#endif

static void print_verbose(const struct symctx *c, size_t mi, const struct mapstats *ms, const char *what)
{
    const struct prof_mapping *m = &c->p->mappings[mi];
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "symbolize: mapping %" PRIu64 " %s [%#" PRIx64 "-%#" PRIx64 " @%#" PRIx64 "]", m->id,
                m->file[0] ? m->file : "(no file)", m->start, m->limit, m->offset);
    if (m->build_id[0])
        strbuf_addf(&sb, " build id %s", m->build_id);
    strbuf_addf(&sb, ": %zu location%s: %s", ms->nlocs, ms->nlocs == 1 ? "" : "s", what);
    if (c->notes[mi].len)
        strbuf_adds(&sb, c->notes[mi].buf);
    fprintf(stderr, "%s\n", sb.buf);
    strbuf_release(&sb);
}

static void local_symbolize(struct symctx *c, bool fast, bool force)
{
    struct profile *p = c->p;
    size_t nm = p->nmappings;
    /* Locations per mapping (a counting sort). */
    size_t *start = xcalloc(nm + 2, sizeof(size_t));
    for (size_t i = 0; i < p->nlocations; i++) {
        uint32_t mi = p->locations[i].mapping;
        if (mi != PROF_NONE && mi < nm)
            start[mi + 1]++;
    }
    for (size_t i = 0; i < nm; i++)
        start[i + 1] += start[i];
    uint32_t *locs = xmalloc((p->nlocations + 1) * sizeof(uint32_t));
    size_t *fill = xcalloc(nm + 1, sizeof(size_t));
    for (size_t i = 0; i < p->nlocations; i++) {
        uint32_t mi = p->locations[i].mapping;
        if (mi != PROF_NONE && mi < nm)
            locs[start[mi] + fill[mi]++] = (uint32_t)i;
    }
    free(fill);

    struct strtab st;
    strtab_init(&st, &p->arena);
    struct newfuncs nf = {0};
    nf.base = p->nfunctions;
    u64map_init(&nf.bykey, 1024);
    bool missing = false;

    for (size_t mi = 0; mi < nm; mi++) {
        struct prof_mapping *m = &p->mappings[mi];
        struct mapstats ms = {0};
        ms.nlocs = start[mi + 1] - start[mi];
        struct strbuf note = STRBUF_INIT;
        char what[4700];
        if (ms.nlocs == 0) {
            if (c->verbose)
                print_verbose(c, mi, &ms, "nothing to do");
            continue;
        }
        if (!force && (m->has_functions || m->has_filenames || m->has_line_numbers)) {
            if (c->verbose)
                print_verbose(c, mi, &ms, "already symbolized (use -symbolize=force to redo)");
            continue;
        }
        if (!m->file[0]) {
            if (mi == 0)
                fprintf(stderr, "Main binary filename not available.\n");
            else
                missing = true;
            if (c->verbose)
                print_verbose(c, mi, &ms, "no file name (give the binary on the command line)");
            continue;
        }
        if (unsymbolizable(m->file)) {
            if (c->verbose)
                print_verbose(c, mi, &ms, "not a file that can be symbolized");
            continue;
        }
        if (!m->build_id[0] && is_http_url(m->file)) {
            if (c->verbose)
                print_verbose(c, mi, &ms, "a URL: left for remote symbolization");
            continue;
        }
        char bbuf[4096];
        struct strbuf name = STRBUF_INIT;
        strbuf_adds(&name, path_base(m->file, bbuf, sizeof(bbuf)));
        if (m->build_id[0])
            strbuf_addf(&name, " (build ID %s)", m->build_id);
        struct obj *o = obj_open(&c->cache, m->file);
        if (!o->ok) {
            fprintf(stderr, "Local symbolization failed for %s: %s\n", name.buf, o->err);
            missing = true;
            if (c->verbose) {
                snprintf(what, sizeof(what), "not symbolized: %s", o->err);
                print_verbose(c, mi, &ms, what);
            }
            strbuf_release(&name);
            continue;
        }
#if HAVE_ELFUTILS
        if (m->build_id[0] && o->build_id[0] && strcmp(o->build_id, m->build_id) != 0) {
            fprintf(stderr, "Local symbolization failed for %s: build ID mismatch\n", name.buf);
            if (c->verbose) {
                snprintf(what, sizeof(what), "not symbolized: %s has build id %s", m->file, o->build_id);
                print_verbose(c, mi, &ms, what);
            }
            strbuf_release(&name);
            continue;
        }
        symbolize_mapping(c, mi, o, locs + start[mi], ms.nlocs, fast, &st, &nf, &ms, &note);
        if (c->verbose) {
            struct strbuf sb = STRBUF_INIT;
            strbuf_addf(&sb, "%zu resolved (%zu with lines) with %s", ms.resolved, ms.with_lines, m->file);
            if (mi == 0 && c->binary && !strcmp(c->binary, m->file))
                strbuf_adds(&sb, " (the binary on the command line)");
            if (o->build_id[0])
                strbuf_addf(&sb, " build id %s", o->build_id);
            strbuf_addf(&sb, ", names from %s", o->symsrc);
            if (!fast) {
                if (o->debug_path && !strcmp(o->debug_path, o->path))
                    strbuf_adds(&sb, ", DWARF in the file");
                else if (o->debug_path)
                    strbuf_addf(&sb, ", DWARF from %s", o->debug_path);
                else
                    strbuf_adds(&sb, ", no DWARF (no debug info in the file, none found by build id or debuglink)");
                if (o->debug_notes.len)
                    strbuf_addf(&sb, " (rejected%s)", o->debug_notes.buf + 1);
            } else {
                strbuf_adds(&sb, " (fastlocal: names only)");
            }
            strbuf_adds(&sb, note.buf);
            snprintf(what, sizeof(what), "%s", sb.buf);
            print_verbose(c, mi, &ms, what);
            strbuf_release(&sb);
        }
#endif
        strbuf_release(&note);
        strbuf_release(&name);
    }
    if (missing)
        fprintf(stderr, "Some binary filenames not available. Symbolization may be incomplete.\n"
                        "Try setting PPROF_BINARY_PATH to the search path for local binaries.\n");

    if (nf.n) {
        struct prof_function *all = ARENA_NEWN(&p->arena, struct prof_function, p->nfunctions + nf.n);
        if (p->nfunctions)
            memcpy(all, p->functions, p->nfunctions * sizeof(*all));
        memcpy(all + p->nfunctions, nf.f, nf.n * sizeof(*all));
        p->functions = all;
        p->nfunctions += nf.n;
    }
    free(nf.f);
    u64map_release(&nf.bykey);
    strtab_release(&st);
    free(locs);
    free(start);
}

/* pprof's symbolz.Symbolize: name what local symbolization left unnamed
 * through the symbol handler of the server each mapping came from.
 * files[i] is mapping i's file before the PPROF_BINARY_PATH search (the
 * sources were recorded with it).  0, or -1 + err. */
static int remote_symbolize(struct symctx *c, bool force, const char *const *files, const struct prof_config *cfg,
                            struct prof_err *err)
{
    struct profile *p = c->p;
    for (size_t mi = 0; mi < p->nmappings; mi++) {
        struct prof_mapping *m = &p->mappings[mi];
        if (!force && m->has_functions)
            continue; /* symbolz only gives names: has_functions alone says it is done */
        if (unsymbolizable(m->file))
            continue;
        /* The sources of the mapping's file, then those of its build id. */
        const struct symbolz_source *src = NULL;
        char *url = NULL;
        for (int pass = 0; pass < 2 && !url; pass++) {
            const char *key = pass == 0 ? files[mi] : m->build_id;
            if (!key[0])
                continue;
            for (size_t k = 0; k < c->nsources && !url; k++) {
                if (strcmp(c->sources[k].key, key) != 0)
                    continue;
                src = &c->sources[k];
                url = fetch_symbolz_url(src->url);
            }
        }
        if (!url)
            continue;
        struct symbolz_stats st;
        int64_t offset = (int64_t)(src->start - m->start);
        int rc = symbolz_mapping(p, mi, url, offset, cfg, &st, err);
        if (c->verbose) {
            struct mapstats ms = {0};
            for (size_t i = 0; i < p->nlocations; i++)
                ms.nlocs += p->locations[i].mapping == mi;
            char what[600];
            if (rc)
                snprintf(what, sizeof(what), "remote: %s", err->msg);
            else if (!st.asked)
                snprintf(what, sizeof(what), "remote: no address left to name");
            else
                snprintf(what, sizeof(what), "remote: %zu address%s sent to %s, %zu location%s named", st.asked,
                         st.asked == 1 ? "" : "es", url, st.named, st.named == 1 ? "" : "s");
            strbuf_reset(&c->notes[mi]);
            print_verbose(c, mi, &ms, what);
        }
        free(url);
        if (rc)
            return -1;
        m->has_functions = true;
    }
    return 0;
}

static void bad_mode(const char *mode)
{
    fprintf(stderr,
            "ignoring unrecognized symbolization option: %s\n"
            "expecting -symbolize=[local|fastlocal|remote|none][:force][:demangle=[none|full|templates|default]\n",
            mode);
}

int symbolize_profile(struct profile *p, const struct symbolize_args *args, struct prof_err *err)
{
    const char *mode_in = args && args->mode ? args->mode : "";
    /* pprof's Symbolize: colon-separated words, lower-cased; "none" stops
     * everything at once; each unknown word is reported as it comes. */
    bool local = true, remote = true, fast = false, force = false, none = false;
    const char *demangle = "";
    char *mode = xstrdup(mode_in);
    for (char *c = mode; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    char *save = NULL;
    for (char *tok = strtok_r(mode, ":", &save); tok && !none; tok = strtok_r(NULL, ":", &save)) {
        if (!strcmp(tok, "none") || !strcmp(tok, "no")) {
            none = true;
        } else if (!strcmp(tok, "local")) {
            remote = false, local = true;
        } else if (!strcmp(tok, "fastlocal")) {
            remote = false, local = true, fast = true;
        } else if (!strcmp(tok, "remote")) {
            remote = true, local = false;
        } else if (!strcmp(tok, "force")) {
            force = true;
        } else {
            /* strings.TrimPrefix(word, "demangle="): the bare words are taken too. */
            const char *d = strncmp(tok, "demangle=", 9) ? tok : tok + 9;
            if (!strcmp(d, "none") || !strcmp(d, "full") || !strcmp(d, "templates")) {
                demangle = !strcmp(d, "none") ? "none" : !strcmp(d, "full") ? "full" : "templates";
                force = true;
            } else if (strcmp(d, "default") != 0) {
                bad_mode(mode_in);
            }
        }
    }
    free(mode);

    struct symctx c = {0};
    c.p = p;
    c.binary = args ? args->binary : NULL;
    c.sources = args ? args->sources : NULL;
    c.nsources = args && args->sources ? args->nsources : 0;
    const char *env = getenv("PROF_VERBOSE");
    c.verbose = (args && args->verbose) || (env && env[0] && strcmp(env, "0") != 0);
    u64map_init(&c.cache.byhash, 64);
    c.notes = xcalloc(p->nmappings + 1, sizeof(*c.notes));
    for (size_t i = 0; i <= p->nmappings; i++)
        strbuf_init(&c.notes[i]);
#if HAVE_ELFUTILS
    elf_version(EV_CURRENT);
#endif
    /* The files the sources were recorded with, before the binary search. */
    const char **files = xcalloc(p->nmappings + 1, sizeof(*files));
    for (size_t i = 0; i < p->nmappings; i++)
        files[i] = p->mappings[i].file;
    bool have_binary = c.binary && c.binary[0];
    locate_binaries(&c, have_binary);

    int rc = 0;
    if (!none) {
        if (local)
            local_symbolize(&c, fast, force);
        if (remote && c.nsources)
            rc = remote_symbolize(&c, force, files, args ? args->cfg : NULL, err);
        if (rc == 0)
            demangle_profile(p, force, demangle);
    } else if (c.verbose) {
        fprintf(stderr, "symbolize: -symbolize=none: nothing done\n");
    }

    free(files);
    for (size_t i = 0; i < c.cache.n; i++)
        obj_close(c.cache.objs[i]);
    free(c.cache.objs);
    u64map_release(&c.cache.byhash);
    for (size_t i = 0; i <= p->nmappings; i++)
        strbuf_release(&c.notes[i]);
    free(c.notes);
    return rc;
}
