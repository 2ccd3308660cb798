/**
 * units.h: pprof's measurement rules: unit families (bytes, time, GCU),
 * scaling, value labels and percentages, byte for byte as pprof prints them.
 */
#ifndef PROF_UNITS_H
#define PROF_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * Scale value from unit `from` to unit `to` ("minimum"/"auto" pick the largest
 * unit that keeps the value >= 1).  *unit_out is a static canonical name, or
 * `to` itself for an unknown source unit (or "" for count/sample/unit/minimum/auto).
 */
double units_scale(int64_t value, const char *from, const char *to, const char **unit_out);

/** "%.2f" of the scaled value without a trailing ".00", plus the unit; "0" alone for zero. */
void units_scaled_label(char *buf, size_t n, int64_t value, const char *from, const char *to);

/** units_scaled_label with to = "auto". */
void units_label(char *buf, size_t n, int64_t value, const char *unit);

/** pprof's Percentage(value, total), untrimmed (e.g. " 8.93%", "  100%"). */
void units_percentage(char *buf, size_t n, int64_t value, int64_t total);

/** The same without leading spaces. */
void units_percentage_trim(char *buf, size_t n, int64_t value, int64_t total);

/** The canonical auto unit of value in unit `from` ("" for unknown units). */
const char *units_auto_unit(int64_t value, const char *from);

/** Go's strconv.FormatFloat(v, 'g', -1, 64): the shortest text that reads back as v. */
void units_go_float(char *buf, size_t n, double v);

#endif
