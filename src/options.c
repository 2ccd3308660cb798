#include "prof/options.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prof/util.h"

#define OFF(f) offsetof(struct prof_config, f)
#define CFG (OPTF_CONFIG | OPTF_FLAG)

static const char *const gran_choices[] = {"functions", "filefunctions", "files", "lines", "addresses", NULL};
static const char *const sort_choices[] = {"cum", "flat", NULL};

/* Sorted by name.  Help texts are prof's own words. */
const struct prof_opt prof_opts[] = {
    {"add_comment", OPT_STRING, OFF(add_comment), OPTF_FLAG, NULL, NULL, "Free-form annotation to add to the profile"},
    {"addresses", OPT_BOOL, OFF(gran_choice[4]), OPTF_FLAG | OPTF_CHOICE, "granularity", NULL,
     "Aggregate at the address level."},
    {"all_frames", OPT_BOOL, OFF(all_frames), OPTF_FLAG, NULL, NULL, "Ignore the profile's drop_frames and keep_frames"},
    {"alloc_objects", OPT_BOOL, OFF(alloc_objects), OPTF_FLAG, NULL, NULL, "Display allocated object counts"},
    {"alloc_space", OPT_BOOL, OFF(alloc_space), OPTF_FLAG, NULL, NULL, "Display allocated memory size"},
    {"base", OPT_STRING, OFF(base), OPTF_FLAG, NULL, NULL, "Source of the profile to use as baseline"},
    {"buildid", OPT_STRING, OFF(buildid), OPTF_FLAG, NULL, NULL, "Override the build id of the main mapping"},
    {"call_tree", OPT_BOOL, OFF(call_tree), CFG, NULL, NULL, "Create a context-sensitive call tree"},
    {"compact_labels", OPT_BOOL, OFF(compact_labels), CFG | OPTF_SHOWN, NULL, NULL, "Show minimal headers"},
    {"contentions", OPT_BOOL, OFF(contentions), OPTF_FLAG, NULL, NULL, "Display number of delays at each region"},
    {"cum", OPT_BOOL, OFF(cum_choice), OPTF_FLAG | OPTF_CHOICE | OPTF_SHOWN, "sort", NULL, "Sort entries based on cumulative weight"},
    {"diff_base", OPT_STRING, OFF(diff_base), OPTF_FLAG, NULL, NULL, "Source of the profile to compare with"},
    {"divide_by", OPT_FLOAT, OFF(divide_by), CFG | OPTF_SHOWN, NULL, NULL, "Ratio to divide all samples before visualization"},
    {"drop_negative", OPT_BOOL, OFF(drop_negative), CFG, NULL, NULL, "Ignore negative differences"},
    {"edgefraction", OPT_FLOAT, OFF(edgefraction), CFG | OPTF_SHOWN, NULL, NULL, "Hide edges below <f>*total"},
    {"filefunctions", OPT_BOOL, OFF(gran_choice[1]), OPTF_FLAG | OPTF_CHOICE, "granularity", NULL,
     "Aggregate at the function level, per source file."},
    {"files", OPT_BOOL, OFF(gran_choice[2]), OPTF_FLAG | OPTF_CHOICE, "granularity", NULL,
     "Aggregate at the file level."},
    {"flat", OPT_BOOL, OFF(flat_choice), OPTF_FLAG | OPTF_CHOICE | OPTF_SHOWN, "sort", NULL, "Sort entries based on own weight"},
    {"focus", OPT_STRING, OFF(focus), CFG, NULL, NULL, "Restricts to samples going through a node matching regexp"},
    {"functions", OPT_BOOL, OFF(gran_choice[0]), OPTF_FLAG | OPTF_CHOICE, "granularity", NULL,
     "Aggregate at the function level."},
    {"granularity", OPT_CHOICE, OFF(granularity), OPTF_CONFIG, "granularity", gran_choices,
     "Aggregation level of nodes"},
    {"hide", OPT_STRING, OFF(hide), CFG, NULL, NULL, "Skips nodes matching regexp"},
    {"http", OPT_STRING, OFF(http), OPTF_FLAG, NULL, NULL, "Present an interactive web interface at host:port"},
    {"ignore", OPT_STRING, OFF(ignore), CFG, NULL, NULL, "Skips paths going through any nodes matching regexp"},
    {"intel_syntax", OPT_BOOL, OFF(intel_syntax), CFG | OPTF_SHOWN, NULL, NULL, "Show assembly in Intel syntax"},
    {"inuse_objects", OPT_BOOL, OFF(inuse_objects), OPTF_FLAG, NULL, NULL, "Display in-use object counts"},
    {"inuse_space", OPT_BOOL, OFF(inuse_space), OPTF_FLAG, NULL, NULL, "Display in-use memory size"},
    {"lines", OPT_BOOL, OFF(gran_choice[3]), OPTF_FLAG | OPTF_CHOICE, "granularity", NULL,
     "Aggregate at the source code line level."},
    {"max_size", OPT_STRING, OFF(max_size), OPTF_FLAG, NULL, NULL,
     "Largest profile to decompress or read from a pipe or URL (bytes, or kb/mb/gb; 0 = no limit)"},
    {"mean", OPT_BOOL, OFF(mean), CFG, NULL, NULL, "Average sample value over first value (count)"},
    {"mean_delay", OPT_BOOL, OFF(mean_delay), OPTF_FLAG, NULL, NULL, "Display mean delay at each region"},
    {"no_browser", OPT_BOOL, OFF(no_browser), OPTF_FLAG, NULL, NULL, "Skip opening a browser for the web interface"},
    {"nodecount", OPT_INT, OFF(nodecount), CFG | OPTF_SHOWN, NULL, NULL, "Max number of nodes to show"},
    {"nodefraction", OPT_FLOAT, OFF(nodefraction), CFG | OPTF_SHOWN, NULL, NULL, "Hide nodes below <f>*total"},
    {"noinlines", OPT_BOOL, OFF(noinlines), CFG, NULL, NULL, "Ignore inlines."},
    {"normalize", OPT_BOOL, OFF(normalize), CFG, NULL, NULL, "Scales profile based on the base profile."},
    {"notrim", OPT_BOOL, OFF(notrim), OPTF_FLAG | OPTF_SHOWN, NULL, NULL, "Same as -trim=false"},
    {"output", OPT_STRING, OFF(output), CFG | OPTF_SHOWN, NULL, NULL, "Output filename for file-based outputs"},
    {"prune_from", OPT_STRING, OFF(prune_from), CFG, NULL, NULL, "Drops any functions below the matched frame."},
    {"relative_percentages", OPT_BOOL, OFF(relative_percentages), CFG, NULL, NULL,
     "Show percentages relative to focused subgraph"},
    {"sample_index", OPT_STRING, OFF(sample_index), CFG, NULL, NULL, "Sample value to report (0-based index or name)"},
    {"seconds", OPT_INT, OFF(seconds), OPTF_FLAG, NULL, NULL, "Length of time for dynamic profiles"},
    {"show", OPT_STRING, OFF(show), CFG, NULL, NULL, "Only show nodes matching regexp"},
    {"show_from", OPT_STRING, OFF(show_from), CFG, NULL, NULL, "Drops functions above the highest matched frame."},
    {"showcolumns", OPT_BOOL, OFF(showcolumns), CFG, NULL, NULL, "Show column numbers at the source code line level."},
    {"sort", OPT_CHOICE, OFF(sort), OPTF_CONFIG | OPTF_SHOWN, "sort", sort_choices, "Sort order for the text reports"},
    {"source_path", OPT_STRING, OFF(source_path), CFG, NULL, NULL, "Search path for source files"},
    {"symbolize", OPT_STRING, OFF(symbolize), OPTF_FLAG, NULL, NULL, "Options for profile symbolization"},
    {"tagfocus", OPT_STRING, OFF(tagfocus), CFG, NULL, NULL, "Restricts to samples with tags in range or matched by regexp"},
    {"taghide", OPT_STRING, OFF(taghide), CFG, NULL, NULL, "Skip tags matching this regexp"},
    {"tagignore", OPT_STRING, OFF(tagignore), CFG, NULL, NULL, "Discard samples with tags in range or matched by regexp"},
    {"tagleaf", OPT_STRING, OFF(tagleaf), CFG, NULL, NULL, "Adds pseudo stack frames for labels key/value pairs at the callstack leaf."},
    {"tagroot", OPT_STRING, OFF(tagroot), CFG, NULL, NULL, "Adds pseudo stack frames for labels key/value pairs at the callstack root."},
    {"tagshow", OPT_STRING, OFF(tagshow), CFG, NULL, NULL, "Only consider tags matching this regexp"},
    {"timeout", OPT_INT, OFF(timeout), OPTF_FLAG, NULL, NULL, "Timeout in seconds for fetching a profile"},
    {"tls_ca", OPT_STRING, OFF(tls_ca), OPTF_FLAG | OPTF_HIDDEN, NULL, NULL, "TLS CA certificate file for HTTPS fetches"},
    {"tls_cert", OPT_STRING, OFF(tls_cert), OPTF_FLAG | OPTF_HIDDEN, NULL, NULL, "TLS client certificate file for HTTPS fetches"},
    {"tls_key", OPT_STRING, OFF(tls_key), OPTF_FLAG | OPTF_HIDDEN, NULL, NULL, "TLS private key file for HTTPS fetches"},
    {"tools", OPT_STRING, OFF(tools), OPTF_FLAG, NULL, NULL, "Path for object tool pathnames"},
    {"total_delay", OPT_BOOL, OFF(total_delay), OPTF_FLAG, NULL, NULL, "Display total delay at each region"},
    {"trim", OPT_BOOL, OFF(trim), CFG | OPTF_SHOWN, NULL, NULL, "Honor nodefraction/edgefraction/nodecount defaults"},
    {"trim_path", OPT_STRING, OFF(trim_path), CFG, NULL, NULL, "Path to trim from source paths before search"},
    {"unit", OPT_STRING, OFF(unit), CFG | OPTF_SHOWN, NULL, NULL, "Measurement units to display"},
    {"v", OPT_BOOL, OFF(verbose), OPTF_FLAG, NULL, NULL, "Say how each mapping was symbolized (prof only)"},
};
const size_t prof_nopts = sizeof(prof_opts) / sizeof(prof_opts[0]);

static char **str_field(struct prof_config *c, const struct prof_opt *o)
{
    return (char **)(void *)((char *)c + o->offset);
}

void config_set_str(char **field, const char *value)
{
    free(*field);
    *field = xstrdup(value ? value : "");
}

void config_init(struct prof_config *c)
{
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < prof_nopts; i++)
        if (prof_opts[i].type == OPT_STRING || prof_opts[i].type == OPT_CHOICE)
            *str_field(c, &prof_opts[i]) = xstrdup("");
    config_set_str(&c->unit, "minimum");
    config_set_str(&c->sort, "flat");
    c->nodecount = -1;
    c->nodefraction = 0.005;
    c->edgefraction = 0.001;
    c->trim = true;
    c->divide_by = 1.0;
    c->seconds = -1;
    c->timeout = -1;
}

void config_release(struct prof_config *c)
{
    for (size_t i = 0; i < prof_nopts; i++)
        if (prof_opts[i].type == OPT_STRING || prof_opts[i].type == OPT_CHOICE) {
            char **f = str_field(c, &prof_opts[i]);
            free(*f);
            *f = NULL;
        }
}

void config_copy(struct prof_config *dst, const struct prof_config *src)
{
    *dst = *src;
    for (size_t i = 0; i < prof_nopts; i++)
        if (prof_opts[i].type == OPT_STRING || prof_opts[i].type == OPT_CHOICE) {
            char **f = str_field(dst, &prof_opts[i]);
            *f = xstrdup(*f ? *f : "");
        }
}

static int opt_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct prof_opt *)elem)->name);
}

const struct prof_opt *opt_find(const char *name)
{
    return bsearch(name, prof_opts, prof_nopts, sizeof(prof_opts[0]), opt_cmp);
}

int parse_go_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (size_t i = 0; i < 6; i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* Go's underscoreOK: an underscore must stand between digits (or after a base prefix). */
static int underscores_ok(const char *s)
{
    char saw = '^';
    size_t i = 0;
    if (s[0] == '-' || s[0] == '+')
        s++;
    int hex = 0;
    if (s[0] == '0' && s[1] && strchr("bBoOxX", s[1])) {
        hex = s[1] == 'x' || s[1] == 'X';
        i = 2;
        saw = '0';
    }
    for (; s[i]; i++) {
        char ch = s[i];
        if ((ch >= '0' && ch <= '9') || (hex && ((ch | 32) >= 'a' && (ch | 32) <= 'f'))) {
            saw = '0';
            continue;
        }
        if (ch == '_') {
            if (saw != '0')
                return 0;
            saw = '_';
            continue;
        }
        if (saw == '_')
            return 0;
        saw = '!';
    }
    return saw != '_';
}

int parse_go_int(const char *s, int *out)
{
    if (!*s)
        return -1;
    char buf[128];
    size_t n = 0;
    if (!underscores_ok(s))
        return -1;
    for (const char *p = s; *p && n + 1 < sizeof(buf); p++)
        if (*p != '_')
            buf[n++] = *p;
    buf[n] = 0;
    const char *d = buf;
    int neg = 0;
    if (*d == '+' || *d == '-') {
        neg = *d == '-';
        d++;
    }
    int base = 10;
    if (d[0] == '0' && (d[1] == 'x' || d[1] == 'X')) {
        base = 16;
        d += 2;
    } else if (d[0] == '0' && (d[1] == 'b' || d[1] == 'B')) {
        base = 2;
        d += 2;
    } else if (d[0] == '0' && (d[1] == 'o' || d[1] == 'O')) {
        base = 8;
        d += 2;
    } else if (d[0] == '0' && d[1]) {
        base = 8;
        d += 1;
    }
    if (!*d)
        return -1;
    unsigned long long v = 0;
    int overflow = 0;
    for (const char *p = d; *p; p++) {
        int dig;
        if (*p >= '0' && *p <= '9')
            dig = *p - '0';
        else if ((*p | 32) >= 'a' && (*p | 32) <= 'z')
            dig = (*p | 32) - 'a' + 10;
        else
            return -1;
        if (dig >= base)
            return -1;
        if (v > (ULLONG_MAX - (unsigned)dig) / (unsigned)base)
            overflow = 1;
        else
            v = v * (unsigned)base + (unsigned)dig;
    }
    /* pprof's int flags are Go ints (64-bit); C int holds less: treat the
     * excess as out of range too. */
    if (overflow || (!neg && v > (unsigned long long)INT_MAX) || (neg && v > (unsigned long long)INT_MAX + 1))
        return -2;
    *out = neg ? (int)(-(long long)v) : (int)v;
    return 0;
}

int parse_go_float(const char *s, double *out)
{
    if (!*s || !underscores_ok(s))
        return -1;
    char buf[256];
    size_t n = 0;
    for (const char *p = s; *p && n + 1 < sizeof(buf); p++)
        if (*p != '_')
            buf[n++] = *p;
    buf[n] = 0;
    const char *d = buf;
    if (*d == '+' || *d == '-')
        d++;
    if (strcasecmp(d, "inf") == 0 || strcasecmp(d, "infinity") == 0 || strcasecmp(d, "nan") == 0) {
        *out = strtod(buf, NULL);
        return 0;
    }
    /* strtod accepts leading spaces and hex floats without an exponent; Go does not. */
    if (!((*d >= '0' && *d <= '9') || *d == '.'))
        return -1;
    if (d[0] == '0' && (d[1] == 'x' || d[1] == 'X') && !strpbrk(d, "pP"))
        return -1;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end)
        return -1;
    if (errno == ERANGE && isinf(v))
        return -2;
    *out = v;
    return 0;
}

int opt_set_flag(struct prof_config *c, const struct prof_opt *o, const char *value, struct prof_err *err)
{
    void *field = (char *)c + o->offset;
    switch (o->type) {
    case OPT_BOOL:
        if (parse_go_bool(value, field))
            return prof_errf(err, PROF_EUSAGE, "invalid boolean value \"%s\" for -%s: parse error", value, o->name);
        return 0;
    case OPT_INT: {
        int r = parse_go_int(value, field);
        if (r)
            return prof_errf(err, PROF_EUSAGE, "invalid value \"%s\" for flag -%s: %s", value, o->name,
                             r == -2 ? "value out of range" : "parse error");
        return 0;
    }
    case OPT_FLOAT: {
        int r = parse_go_float(value, field);
        if (r)
            return prof_errf(err, PROF_EUSAGE, "invalid value \"%s\" for flag -%s: %s", value, o->name,
                             r == -2 ? "value out of range" : "parse error");
        return 0;
    }
    case OPT_STRING:
    case OPT_CHOICE:
        if (!strcmp(o->name, "max_size")) {
            size_t n;
            int r = parse_byte_size(value, &n);
            if (r)
                return prof_errf(err, PROF_EUSAGE, "invalid value \"%s\" for flag -%s: %s", value, o->name,
                                 r == -2 ? "value out of range" : "parse error");
        }
        config_set_str(field, value);
        return 0;
    }
    return 0;
}

int parse_byte_size(const char *s, size_t *out)
{
    static const struct {
        const char *suffix;
        unsigned shift;
    } units[] = {{"", 0},   {"b", 0},    {"k", 10},   {"kb", 10},  {"kib", 10}, {"m", 20},
                 {"mb", 20}, {"mib", 20}, {"g", 30},   {"gb", 30},  {"gib", 30}, {"t", 40},
                 {"tb", 40}, {"tib", 40}};
    const char *p = s;
    if (!(*p >= '0' && *p <= '9'))
        return -1;
    uint64_t v = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
            return -2;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcasecmp(p, units[i].suffix) != 0)
            continue;
        if (v > (SIZE_MAX >> units[i].shift))
            return -2;
        *out = v == 0 ? SIZE_MAX : (size_t)v << units[i].shift;
        return 0;
    }
    return -1;
}

size_t config_max_size(const struct prof_config *c)
{
    size_t n = 0;
    if (c && c->max_size && c->max_size[0] && parse_byte_size(c->max_size, &n))
        n = 0;
    return n;
}
