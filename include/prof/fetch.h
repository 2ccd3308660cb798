/**
 * fetch.h: profile sources given as URLs (http://host:port/debug/pprof/...,
 * host:port shorthand), fetched with libcurl when prof is built with it
 * (meson option `curl`), and the copy of a fetched profile saved under
 * $PPROF_TMPDIR, as `go tool pprof` does.
 *
 * URLs are recognised as pprof recognises them (net/url): a source with a
 * scheme and a host, or one that gets a host once "http://" is put in front
 * of it (`localhost:6060`, `127.0.0.1:6060/debug/pprof/heap`).  A URL
 * without a path gets /debug/pprof/profile.  -seconds sets `seconds=N` in the
 * query; the timeout is -timeout seconds, or 1.5 times the seconds asked for
 * (from -seconds or the URL), or 60 s, plus 5 s.  `https+insecure://` skips
 * certificate verification.
 */
#ifndef PROF_FETCH_H
#define PROF_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "prof/error.h"
#include "prof/options.h"
#include "prof/read.h"

struct profile;

/**
 * Load libcurl (src/curl_dyn.c: prof opens it on first use, not at start-up):
 * NULL once it is loaded, or why it cannot be.  Thread-safe.
 */
const char *fetch_curl_load_error(void);

/** Whether source names something to fetch rather than a local file (the file is not checked). */
bool fetch_is_url(const char *source);

/**
 * The URL pprof would fetch for source with -seconds seconds (-1: not given):
 * a malloc'ed string, or NULL when source is not a URL.
 */
char *fetch_url(const char *source, int seconds);

/**
 * Fetch source into out (the body: raw bytes, maybe gzip), honouring
 * -seconds, -timeout and the TLS flags of cfg.  Prints "Fetching profile over
 * HTTP from URL" (and the time left of a -seconds capture) on stderr when
 * stderr is a terminal.  -1 + err: HTTP errors with the status and the first
 * line of the body, connection problems, and bodies that cannot be profiles
 * (empty, an HTML page, cut short) each with their own message.
 */
int fetch_source(const char *source, const struct prof_config *cfg, struct prof_bytes *out, struct prof_err *err);

/**
 * POST body[0..len) (as application/octet-stream) to url, as pprof's
 * symbolizer posts to a symbol handler, with cfg's TLS flags and -timeout
 * (default 60 s) plus 5 s; the whole response body goes to out.  -1 + err
 * ("http post URL: ...": connection problems, a status other than 200 with
 * the first line of the body, a body cut short).
 */
int fetch_post(const char *url, const char *body, size_t len, const struct prof_config *cfg, struct prof_bytes *out,
               struct prof_err *err);

/**
 * pprof's symbolz address for a profile fetched from source_url (a
 * malloc'ed string), NULL when it has no host: a path with /debug/pprof/ in
 * it (net/http/pprof) or ending in gperftools' /pprof/heap, growth, profile,
 * pmuprofile or contention gets the handler next to it (path + "/../symbol",
 * cleaned: /debug/pprof/symbol), any other /symbolz on the same host; the
 * query is dropped.
 */
char *fetch_symbolz_url(const char *source_url);

/** Whether s parses as a URL with a scheme (Go's url.Parse and URL.IsAbs). */
bool fetch_is_abs_url(const char *s);

/**
 * Save p as gzipped profile.proto in $PPROF_TMPDIR (default $HOME/pprof,
 * then the temporary directory), named pprof.<main binary>.<sample
 * types>.NNN.pb.gz, and print "Saved profile in PATH" on stderr; problems are
 * printed ("Could not save profile: ...") and not fatal, as in pprof.
 */
void fetch_save(const struct profile *p);

#endif
