/**
 * fetch.h: profile sources given as URLs (http://host:port/debug/pprof/...,
 * host:port shorthand), fetched with libcurl when prof is built with it.
 */
#ifndef PROF_FETCH_H
#define PROF_FETCH_H

#include <stdbool.h>

#include "prof/error.h"
#include "prof/options.h"
#include "prof/read.h"

/** Whether source names something to fetch rather than a local file. */
bool fetch_is_url(const char *source);

/** Fetch source into out (raw bytes, maybe gzip), honouring -seconds, -timeout and TLS flags. */
int fetch_source(const char *source, const struct prof_config *cfg, struct prof_bytes *out, struct prof_err *err);

#endif
