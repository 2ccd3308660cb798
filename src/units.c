#include "prof/units.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit {
    const char *name;        /* canonical */
    const char *aliases[4];  /* lower case, NULL-terminated */
    double factor;
};

struct unit_family {
    const struct unit *units;
    size_t nunits;
    const char *dflt;
    double dflt_factor;
};

static const struct unit memory_units[] = {
    {"B", {"b", "byte", NULL}, 1},
    {"kB", {"kb", "kbyte", "kilobyte", NULL}, 1024.0},
    {"MB", {"mb", "mbyte", "megabyte", NULL}, 1048576.0},
    {"GB", {"gb", "gbyte", "gigabyte", NULL}, 1073741824.0},
    {"TB", {"tb", "tbyte", "terabyte", NULL}, 1099511627776.0},
    {"PB", {"pb", "pbyte", "petabyte", NULL}, 1125899906842624.0},
};

/* "μs" is listed as pprof lists it, and is as unreachable as in pprof: the
 * trailing "s" of a 3-byte name is removed before the lookup. */
static const struct unit time_units[] = {
    {"ns", {"ns", "nanosecond", NULL}, 1},
    {"us", {"\xce\xbcs", "us", "microsecond", NULL}, 1e3},
    {"ms", {"ms", "millisecond", NULL}, 1e6},
    {"s", {"s", "sec", "second", NULL}, 1e9},
    {"hrs", {"hour", "hr", NULL}, 3600e9},
};

static const struct unit gcu_units[] = {
    {"n*GCU", {"nanogcu", NULL}, 1e-9}, {"u*GCU", {"microgcu", NULL}, 1e-6},
    {"m*GCU", {"milligcu", NULL}, 1e-3}, {"GCU", {"gcu", NULL}, 1},
    {"k*GCU", {"kilogcu", NULL}, 1e3},   {"M*GCU", {"megagcu", NULL}, 1e6},
    {"G*GCU", {"gigagcu", NULL}, 1e9},   {"T*GCU", {"teragcu", NULL}, 1e12},
    {"P*GCU", {"petagcu", NULL}, 1e15},
};

static const struct unit_family families[] = {
    {memory_units, sizeof(memory_units) / sizeof(memory_units[0]), "B", 1},
    {time_units, sizeof(time_units) / sizeof(time_units[0]), "s", 1e9},
    {gcu_units, sizeof(gcu_units) / sizeof(gcu_units[0]), "GCU", 1},
};

static const struct unit *sniff(const struct unit_family *f, const char *name)
{
    char low[64];
    size_t n = strlen(name);
    if (n >= sizeof(low))
        return NULL;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)name[i]);
    low[n] = 0;
    if (n > 2 && low[n - 1] == 's')
        low[n - 1] = 0;
    for (size_t i = 0; i < f->nunits; i++)
        for (const char *const *a = f->units[i].aliases; *a; a++)
            if (strcmp(*a, low) == 0)
                return &f->units[i];
    return NULL;
}

static int auto_scale(const struct unit_family *f, double v, double *out, const char **unit)
{
    double best = 0;
    const char *name = NULL;
    for (size_t i = 0; i < f->nunits; i++)
        if (f->units[i].factor >= best && v / f->units[i].factor >= 1.0) {
            best = f->units[i].factor;
            name = f->units[i].name;
        }
    if (best == 0)
        return 0;
    *out = v / best;
    *unit = name;
    return 1;
}

double units_scale(int64_t value, const char *from, const char *to, const char **unit_out)
{
    if (value < 0 && -(value + 1) >= 0 && value != INT64_MIN) {
        double v = units_scale(-value, from, to, unit_out);
        return -v;
    }
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
        const struct unit_family *f = &families[i];
        const struct unit *fu = sniff(f, from);
        if (!fu)
            continue;
        double v = (double)value * fu->factor;
        if (strcmp(to, "minimum") == 0 || strcmp(to, "auto") == 0) {
            double s;
            if (auto_scale(f, v, &s, unit_out))
                return s;
            *unit_out = f->dflt;
            return v / f->dflt_factor;
        }
        const struct unit *tu = sniff(f, to);
        if (!tu) {
            *unit_out = f->dflt;
            return v / f->dflt_factor;
        }
        *unit_out = tu->name;
        return v / tu->factor;
    }
    if (!strcmp(to, "count") || !strcmp(to, "sample") || !strcmp(to, "unit") || !strcmp(to, "minimum") ||
        !strcmp(to, "auto"))
        *unit_out = "";
    else
        *unit_out = to;
    return (double)value;
}

void units_scaled_label(char *buf, size_t n, int64_t value, const char *from, const char *to)
{
    const char *u;
    double v = units_scale(value, from, to, &u);
    char num[64];
    snprintf(num, sizeof(num), "%.2f", v);
    size_t len = strlen(num);
    if (len >= 3 && strcmp(num + len - 3, ".00") == 0)
        num[len - 3] = 0;
    if (strcmp(num, "0") == 0 || strcmp(num, "-0") == 0) {
        snprintf(buf, n, "0");
        return;
    }
    snprintf(buf, n, "%s%s", num, u);
}

void units_label(char *buf, size_t n, int64_t value, const char *unit)
{
    units_scaled_label(buf, n, value, unit, "auto");
}

void units_percentage(char *buf, size_t n, int64_t value, int64_t total)
{
    double ratio = 0;
    if (total != 0)
        ratio = fabs((double)value / (double)total) * 100;
    if (ratio >= 99.95 && ratio <= 100.05)
        snprintf(buf, n, "  100%%");
    else if (ratio >= 1.0)
        snprintf(buf, n, "%5.2f%%", ratio);
    else
        snprintf(buf, n, "%5.2g%%", ratio);
}

void units_percentage_trim(char *buf, size_t n, int64_t value, int64_t total)
{
    char tmp[64];
    units_percentage(tmp, sizeof(tmp), value, total);
    const char *s = tmp;
    while (*s == ' ')
        s++;
    snprintf(buf, n, "%s", s);
}

const char *units_auto_unit(int64_t value, const char *from)
{
    const char *u;
    units_scale(value, from, "auto", &u);
    return u;
}

void units_go_float(char *buf, size_t n, double v)
{
    if (isnan(v)) {
        snprintf(buf, n, "NaN");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, n, v > 0 ? "+Inf" : "-Inf");
        return;
    }
    /* Shortest %e digits that round-trip, then Go's %g layout: exponent
     * form when exp < -4 or exp >= 6 (strconv's rule for shortest 'g'). */
    char e[64];
    int prec;
    for (prec = 0; prec < 17; prec++) {
        snprintf(e, sizeof(e), "%.*e", prec, v);
        if (strtod(e, NULL) == v)
            break;
    }
    char *ep = strchr(e, 'e');
    int exp = atoi(ep + 1);
    *ep = 0;
    char digits[32];
    size_t nd = 0;
    const char *s = e;
    int neg = 0;
    if (*s == '-') {
        neg = 1;
        s++;
    }
    for (; *s; s++)
        if (*s >= '0' && *s <= '9')
            digits[nd++] = *s;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = 0;
    char out[64];
    size_t o = 0;
    if (neg)
        out[o++] = '-';
    if (exp < -4 || exp >= 6) {
        out[o++] = digits[0];
        if (nd > 1) {
            out[o++] = '.';
            for (size_t i = 1; i < nd; i++)
                out[o++] = digits[i];
        }
        o += (size_t)snprintf(out + o, sizeof(out) - o, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    } else if (exp < 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (int i = -1; i > exp; i--)
            out[o++] = '0';
        for (size_t i = 0; i < nd; i++)
            out[o++] = digits[i];
    } else {
        for (int i = 0; i <= exp; i++)
            out[o++] = (size_t)i < nd ? digits[i] : '0';
        if ((size_t)exp + 1 < nd) {
            out[o++] = '.';
            for (size_t i = (size_t)exp + 1; i < nd; i++)
                out[o++] = digits[i];
        }
    }
    out[o] = 0;
    snprintf(buf, n, "%s", out);
}
