/*
 * fetch.c: see fetch.h.  URL handling after pprof's adjustURL (cmd/pprof and
 * internal/driver/fetch.go) over Go's net/url rules, and symbolz's URL of a
 * symbol handler (internal/symbolz); the transfers (a profile's GET, the
 * symbolizer's POST) with libcurl; saving after pprof's
 * fetchProfiles/setTmpDir/newTempFile.
 */
#include "prof/fetch.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "prof/arena.h"
#include "prof/graph.h"
#include "prof/options.h"
#include "prof/profile.h"
#include "prof/report.h"
#include "prof/strbuf.h"
#include "prof/util.h"

#if HAVE_LIBCURL
#include <curl/curl.h>
#endif

/* ---- URLs (Go's net/url, as far as pprof's sources need it) ---- */

struct url {
    char *scheme;   /* lowercase, "" if none */
    char *userinfo; /* with its '@', "" if none */
    char *host;     /* "" if none */
    char *path;     /* as written */
    char *query;    /* raw, without '?' */
    char *fragment; /* raw, without '#' */
    bool opaque;    /* scheme:opaque (no "//") */
};

static void url_free(struct url *u)
{
    free(u->scheme);
    free(u->userinfo);
    free(u->host);
    free(u->path);
    free(u->query);
    free(u->fragment);
    memset(u, 0, sizeof(*u));
}

/* Go's validOptionalPort and host checks, simplified: [v6]:port or name:port, port digits. */
static bool valid_host(const char *h)
{
    const char *port = NULL;
    if (h[0] == '[') {
        const char *e = strchr(h, ']');
        if (!e)
            return false;
        if (e[1] == ':')
            port = e + 2;
        else if (e[1])
            return false;
    } else {
        for (const char *c = h; *c; c++)
            if (!isalnum((unsigned char)*c) && !strchr(".-_~%!$&'()*+,;=:", *c) && !((unsigned char)*c & 0x80))
                return false;
        const char *colon = strrchr(h, ':');
        if (colon)
            port = colon + 1;
    }
    if (port)
        for (; *port; port++)
            if (*port < '0' || *port > '9')
                return false;
    return true;
}

/* Go's url.Parse.  0, or -1 when Go reports an error. */
static int url_parse(const char *src, struct url *u)
{
    memset(u, 0, sizeof(*u));
    for (const char *c = src; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return -1; /* invalid control character in URL */
    const char *hash = strchr(src, '#');
    size_t n = hash ? (size_t)(hash - src) : strlen(src);
    u->fragment = xstrdup(hash ? hash + 1 : "");
    /* getScheme */
    size_t i = 0, rest = 0;
    bool scheme = false;
    for (; i < n; i++) {
        char c = src[i];
        if (isalpha((unsigned char)c))
            continue;
        if (isdigit((unsigned char)c) || c == '+' || c == '-' || c == '.') {
            if (i == 0)
                break;
            continue;
        }
        if (c == ':') {
            if (i == 0) {
                url_free(u);
                return -1; /* missing protocol scheme */
            }
            scheme = true;
            rest = i + 1;
        }
        break;
    }
    u->scheme = scheme ? xstrndup(src, i) : xstrdup("");
    for (char *c = u->scheme; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    const char *r = src + rest;
    size_t rn = n - rest;
    const char *q = memchr(r, '?', rn);
    u->query = q ? xstrndup(q + 1, rn - (size_t)(q + 1 - r)) : xstrdup("");
    if (q)
        rn = (size_t)(q - r);
    u->userinfo = xstrdup("");
    if (scheme && (rn == 0 || r[0] != '/')) {
        u->opaque = true;
        u->host = xstrdup("");
        u->path = xstrndup(r, rn);
        return 0;
    }
    if (!scheme) {
        const char *slash = memchr(r, '/', rn);
        const char *colon = memchr(r, ':', rn);
        if (colon && (!slash || colon < slash)) {
            url_free(u);
            return -1; /* first path segment in URL cannot contain colon */
        }
    }
    if (rn >= 2 && r[0] == '/' && r[1] == '/') {
        const char *a = r + 2;
        size_t an = rn - 2;
        const char *slash = memchr(a, '/', an);
        size_t alen = slash ? (size_t)(slash - a) : an;
        const char *at = NULL;
        for (size_t k = 0; k < alen; k++)
            if (a[k] == '@')
                at = a + k;
        if (at) {
            free(u->userinfo);
            u->userinfo = xstrndup(a, (size_t)(at - a) + 1);
        }
        const char *h = at ? at + 1 : a;
        u->host = xstrndup(h, (size_t)(a + alen - h));
        u->path = xstrndup(a + alen, an - alen);
        if (!valid_host(u->host)) {
            url_free(u);
            return -1;
        }
    } else {
        u->host = xstrdup("");
        u->path = xstrndup(r, rn);
    }
    return 0;
}

/* Go's url.QueryUnescape into a new string; NULL on a bad escape. */
static char *query_unescape(const char *s, size_t n)
{
    char *o = xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            o[k++] = ' ';
        } else if (s[i] == '%') {
            if (i + 2 >= n || hex_digit((unsigned char)s[i + 1]) < 0 || hex_digit((unsigned char)s[i + 2]) < 0) {
                free(o);
                return NULL;
            }
            o[k++] = (char)(hex_digit((unsigned char)s[i + 1]) * 16 + hex_digit((unsigned char)s[i + 2]));
            i += 2;
        } else {
            o[k++] = s[i];
        }
    }
    o[k] = 0;
    return o;
}

static void query_escape(struct strbuf *sb, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
            strbuf_addc(sb, (char)c);
        else if (c == ' ')
            strbuf_addc(sb, '+');
        else
            strbuf_addf(sb, "%%%02X", c);
    }
}

struct qv {
    char *k, *v;
    size_t order;
};

static int qv_cmp(const void *a, const void *b)
{
    const struct qv *x = a, *y = b;
    int c = strcmp(x->k, y->k);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

/*
 * pprof's adjustURL: the URL to fetch (malloc'ed) or NULL; *seconds_out is
 * the capture length the URL asks for (from -seconds or its own seconds=),
 * 0 if none.
 */
static char *adjust_url(const char *source, int seconds, int *seconds_out)
{
    struct url u;
    int bad = url_parse(source, &u);
    if (bad || (!u.host[0] && u.scheme[0] && strcmp(u.scheme, "file") != 0)) {
        if (!bad)
            url_free(&u);
        size_t n = strlen(source) + 8;
        char *h = xmalloc(n);
        snprintf(h, n, "http://%s", source);
        bad = url_parse(h, &u);
        free(h);
    }
    if (bad)
        return NULL;
    if (!u.host[0]) {
        url_free(&u);
        return NULL;
    }
    if (!u.path[0] || strcmp(u.path, "/") == 0) {
        free(u.path);
        u.path = xstrdup("/debug/pprof/profile");
    }
    /* url.Values: ParseQuery (pairs with ';' or bad escapes dropped), Set/Get, Encode (sorted by key). */
    struct qv *v = NULL;
    size_t nv = 0, cap = 0;
    for (const char *p = u.query; *p;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len && !memchr(p, ';', len)) {
            const char *eq = memchr(p, '=', len);
            size_t kl = eq ? (size_t)(eq - p) : len;
            char *k = query_unescape(p, kl);
            char *val = k ? query_unescape(eq ? eq + 1 : "", eq ? len - kl - 1 : 0) : NULL;
            if (k && val) {
                xgrow(&v, &cap, nv + 1, sizeof(*v));
                v[nv].k = k;
                v[nv].v = val;
                v[nv].order = nv;
                nv++;
            } else {
                free(k);
                free(val);
            }
        }
        p += len + (amp != NULL);
    }
    int dur = 0;
    if (seconds > 0) {
        size_t k = 0;
        for (size_t i = 0; i < nv; i++) {
            if (strcmp(v[i].k, "seconds") == 0) {
                free(v[i].k);
                free(v[i].v);
            } else {
                v[k++] = v[i];
            }
        }
        nv = k;
        xgrow(&v, &cap, nv + 1, sizeof(*v));
        v[nv].k = xstrdup("seconds");
        char num[32];
        snprintf(num, sizeof(num), "%d", seconds);
        v[nv].v = xstrdup(num);
        v[nv].order = nv;
        nv++;
        dur = seconds;
    } else {
        for (size_t i = 0; i < nv; i++)
            if (strcmp(v[i].k, "seconds") == 0) {
                char *end;
                errno = 0;
                long s = strtol(v[i].v, &end, 10);
                if (v[i].v[0] && !*end && errno == 0 && s >= -2147483647L - 1 && s <= 2147483647L &&
                    v[i].v[0] != ' ')
                    dur = (int)s;
                break;
            }
    }
    if (nv > 1)
        qsort(v, nv, sizeof(*v), qv_cmp);
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s://%s%s", u.scheme, u.userinfo, u.host);
    if (u.path[0] != '/')
        strbuf_addc(&sb, '/');
    strbuf_adds(&sb, u.path);
    for (size_t i = 0; i < nv; i++) {
        strbuf_addc(&sb, i ? '&' : '?');
        query_escape(&sb, v[i].k);
        strbuf_addc(&sb, '=');
        query_escape(&sb, v[i].v);
        free(v[i].k);
        free(v[i].v);
    }
    free(v);
    if (u.fragment[0])
        strbuf_addf(&sb, "#%s", u.fragment);
    url_free(&u);
    if (seconds_out)
        *seconds_out = dur;
    return strbuf_detach(&sb, NULL);
}

bool fetch_is_url(const char *source)
{
    char *u = adjust_url(source, -1, NULL);
    free(u);
    return u != NULL;
}

char *fetch_url(const char *source, int seconds) { return adjust_url(source, seconds, NULL); }

bool fetch_is_abs_url(const char *s)
{
    struct url u;
    if (url_parse(s, &u))
        return false;
    bool abs = u.scheme[0] != 0;
    url_free(&u);
    return abs;
}

/* gperftools' profile handlers (pprof_remote_servers.html), whose symbols are at .../pprof/symbol. */
static bool gperftools_path(const char *path)
{
    static const char *const suffixes[] = {"/pprof/heap", "/pprof/growth", "/pprof/profile", "/pprof/pmuprofile",
                                           "/pprof/contention"};
    size_t n = strlen(path);
    for (size_t i = 0; i < PROF_ARRAY_LEN(suffixes); i++) {
        size_t k = strlen(suffixes[i]);
        if (n >= k && strcmp(path + n - k, suffixes[i]) == 0)
            return true;
    }
    return false;
}

char *fetch_symbolz_url(const char *source)
{
    struct url u;
    if (url_parse(source, &u))
        return NULL;
    if (!u.host[0]) {
        url_free(&u);
        return NULL;
    }
    char *path;
    if (strstr(u.path, "/debug/pprof/") || gperftools_path(u.path)) {
        /* The handler next to the profile's: path.Clean(path + "/../symbol"). */
        struct arena a;
        arena_init(&a, 256);
        path = xstrdup(path_clean(&a, arena_printf(&a, "%s/../symbol", u.path)));
        arena_release(&a);
    } else {
        path = xstrdup("/symbolz");
    }
    /* Go's URL.String without the query. */
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s://%s%s", u.scheme, u.userinfo, u.host);
    if (path[0] != '/')
        strbuf_addc(&sb, '/');
    strbuf_adds(&sb, path);
    if (u.fragment[0])
        strbuf_addf(&sb, "#%s", u.fragment);
    free(path);
    url_free(&u);
    return strbuf_detach(&sb, NULL);
}

/* ---- the transfer ---- */

#if HAVE_LIBCURL

/* Go's time.Duration String for whole seconds: 2s, 1m30s, 1h0m0s. */
static void go_duration(char *buf, size_t n, long s)
{
    if (s < 60)
        snprintf(buf, n, "%lds", s);
    else if (s < 3600)
        snprintf(buf, n, "%ldm%lds", s / 60, s % 60);
    else
        snprintf(buf, n, "%ldh%ldm%lds", s / 3600, s / 60 % 60, s % 60);
}

struct xfer {
    unsigned char *body;
    size_t len, cap, max;
    bool too_big;
    char reason[128];   /* the final response's reason phrase */
    char ctype[128];    /* its Content-Type */
    bool go_pprof;      /* it has X-Go-Pprof */
    long content_length; /* -1 if not given */
    int progress_left;  /* seconds left last shown, -1 if none */
    long seconds;       /* the capture asked for, 0 if none */
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    struct xfer *x = arg;
    size_t n = size * nmemb;
    if (x->len + n > x->max) {
        x->too_big = true;
        return 0;
    }
    xgrow(&x->body, &x->cap, x->len + n + 1, 1);
    memcpy(x->body + x->len, data, n);
    x->len += n;
    return n;
}

static void copy_field(char *dst, size_t dn, const char *s, size_t n)
{
    while (n && (s[n - 1] == '\r' || s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    if (n >= dn)
        n = dn - 1;
    memcpy(dst, s, n);
    dst[n] = 0;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *arg)
{
    struct xfer *x = arg;
    size_t n = size * nmemb;
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        /* A new response (after a redirect or 100 Continue): start over. */
        x->reason[0] = x->ctype[0] = 0;
        x->go_pprof = false;
        x->content_length = -1;
        const char *sp = memchr(data, ' ', n);
        const char *sp2 = sp ? memchr(sp + 1, ' ', n - (size_t)(sp + 1 - data)) : NULL;
        if (sp2)
            copy_field(x->reason, sizeof(x->reason), sp2 + 1, n - (size_t)(sp2 + 1 - data));
    } else if (n > 13 && strncasecmp(data, "content-type:", 13) == 0) {
        copy_field(x->ctype, sizeof(x->ctype), data + 13, n - 13);
    } else if (n > 11 && strncasecmp(data, "x-go-pprof:", 11) == 0) {
        x->go_pprof = true;
    } else if (n > 15 && strncasecmp(data, "content-length:", 15) == 0) {
        x->content_length = strtol(data + 15, NULL, 10);
    }
    return n;
}

static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    struct xfer *x = arg;
    static double start;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    if (x->progress_left < 0) {
        start = now;
        x->progress_left = (int)x->seconds + 1;
    }
    int left = (int)((double)x->seconds - (now - start) + 0.999);
    if (left < 0)
        left = 0;
    if (left != x->progress_left && x->len == 0) {
        x->progress_left = left;
        fprintf(stderr, "\r%ds left ", left);
        fflush(stderr);
    }
    return 0;
}

static const char *status_text(long code)
{
    static const struct {
        long code;
        const char *text;
    } t[] = {{200, "OK"}, {301, "Moved Permanently"}, {302, "Found"}, {304, "Not Modified"},
             {400, "Bad Request"}, {401, "Unauthorized"}, {403, "Forbidden"}, {404, "Not Found"},
             {405, "Method Not Allowed"}, {408, "Request Timeout"}, {429, "Too Many Requests"},
             {500, "Internal Server Error"}, {501, "Not Implemented"}, {502, "Bad Gateway"},
             {503, "Service Unavailable"}, {504, "Gateway Timeout"}};
    for (size_t i = 0; i < PROF_ARRAY_LEN(t); i++)
        if (t[i].code == code)
            return t[i].text;
    return "";
}

/* The first non-empty line of a body (of an HTML page: its title), for a message. */
static void body_line(const struct xfer *x, char *out, size_t n)
{
    out[0] = 0;
    const char *b = (const char *)x->body;
    size_t len = x->len;
    if (!b || !len)
        return;
    bool html = strstr(x->ctype, "html") != NULL;
    size_t i = 0;
    while (i < len && isspace((unsigned char)b[i]))
        i++;
    if (i < len && b[i] == '<')
        html = true;
    if (html) {
        const char *t = NULL;
        for (size_t k = 0; k + 7 <= len && !t; k++)
            if (strncasecmp(b + k, "<title>", 7) == 0)
                t = b + k + 7;
        if (!t)
            return;
        const char *e = t;
        while (e < b + len && *e != '<')
            e++;
        copy_field(out, n, t, (size_t)(e - t));
        return;
    }
    const char *s = b + i;
    const char *e = s;
    while (e < b + len && *e != '\n')
        e++;
    copy_field(out, n, s, (size_t)(e - s));
    for (char *c = out; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
}

static bool looks_like_html(const struct xfer *x)
{
    if (strstr(x->ctype, "text/html"))
        return true;
    size_t i = 0;
    const char *b = (const char *)x->body;
    if (x->len >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    while (i < x->len && isspace((unsigned char)b[i]))
        i++;
    if (i >= x->len || b[i] != '<')
        return false;
    size_t rest = x->len - i;
    return (rest >= 9 && strncasecmp(b + i, "<!doctype", 9) == 0) || (rest >= 5 && strncasecmp(b + i, "<html", 5) == 0) ||
           (rest >= 5 && strncasecmp(b + i, "<head", 5) == 0) || (rest >= 5 && strncasecmp(b + i, "<body", 5) == 0);
}

static void lower_first(char *s)
{
    if (s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z'))
        s[0] = (char)(s[0] - 'A' + 'a');
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '.'))
        s[--n] = 0;
}

/* The TLS flags, checked as pprof's transport checks them. */
static int tls_flags(const struct prof_config *cfg, const char **cert, const char **key, const char **ca,
                     struct prof_err *err)
{
    *cert = cfg && cfg->tls_cert ? cfg->tls_cert : "";
    *key = cfg && cfg->tls_key ? cfg->tls_key : "";
    *ca = cfg && cfg->tls_ca ? cfg->tls_ca : "";
    if (!(*cert)[0] && (*key)[0])
        return prof_errf(err, PROF_EUSAGE, "-tls_key is specified, so -tls_cert must also be specified");
    if ((*cert)[0] && !(*key)[0])
        return prof_errf(err, PROF_EUSAGE, "-tls_cert is specified, so -tls_key must also be specified");
    if ((*ca)[0] && access(*ca, R_OK) != 0)
        return prof_errf(err, PROF_EIO, "could not load CA specified by -tls_ca: open %s: %s", *ca, strerror(errno));
    return 0;
}

/* One request: a GET, or a POST of body[0..body_len) when body is not NULL. */
struct request {
    const char *url; /* as pprof spells it: https+insecure:// is HTTPS without certificate checks */
    const char *body;
    size_t body_len;
    long timeout_ms;
    const char *cert, *key, *ca;
    long progress_seconds; /* > 0: show the seconds left of a capture on stderr */
    size_t max_body;       /* -max_size: the largest body (0: the default, PROF_MAX_INFLATED_DEFAULT) */
};

/*
 * Perform r into x (the body, headers of the final response).  Returns
 * libcurl's result; *code is the HTTP status; ebuf (CURL_ERROR_SIZE) has
 * libcurl's message.
 */
static CURLcode perform(const struct request *r, struct xfer *x, long *code, char *ebuf)
{
    /* https+insecure: HTTPS without certificate checks (pprof's spelling). */
    bool insecure = strncmp(r->url, "https+insecure://", 17) == 0;
    char *curl_url = NULL;
    if (insecure) {
        size_t n = strlen(r->url);
        curl_url = xmalloc(n);
        snprintf(curl_url, n, "https%s", r->url + 14);
    }
    memset(x, 0, sizeof(*x));
    x->max = r->max_body ? r->max_body : PROF_MAX_INFLATED_DEFAULT;
    x->content_length = -1;
    x->progress_left = -1;
    x->seconds = r->progress_seconds;
    ebuf[0] = 0;
    *code = 0;

    static bool inited;
    if (!inited) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        inited = true;
    }
    CURL *c = curl_easy_init();
    if (!c) {
        free(curl_url);
        const char *why = fetch_curl_load_error();
        snprintf(ebuf, CURL_ERROR_SIZE, "%s", why ? why : "cannot start libcurl");
        return CURLE_FAILED_INIT;
    }
    curl_easy_setopt(c, CURLOPT_URL, curl_url ? curl_url : r->url);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, r->timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "prof/" PROF_VERSION);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
    struct curl_slist *headers = NULL;
    if (r->body) {
        /* As Go's http.Post: the body as application/octet-stream, no 100-continue round trip. */
        headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
        headers = curl_slist_append(headers, "Expect:");
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    }
    if (r->progress_seconds > 0) {
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, x);
    }
    if (r->cert[0]) {
        curl_easy_setopt(c, CURLOPT_SSLCERT, r->cert);
        curl_easy_setopt(c, CURLOPT_SSLKEY, r->key);
    }
    if (r->ca[0])
        curl_easy_setopt(c, CURLOPT_CAINFO, r->ca);
    if (insecure) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
    curl_easy_cleanup(c);
    curl_slist_free_all(headers);
    free(curl_url);
    if (x->progress_left >= 0)
        fprintf(stderr, "\r\033[K");
    return rc;
}

/*
 * The message for a transfer that failed (0 when it did not: status 200,
 * the whole body).  Problems of the connection are prefixed with transport
 * ("http fetch"), when not NULL.
 */
static int transfer_error(CURLcode rc, long code, const struct xfer *x, const char *ebuf, long timeout_ms,
                          const char *transport, struct prof_err *err)
{
    char msg[CURL_ERROR_SIZE + 64];
    snprintf(msg, sizeof(msg), "%s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
    lower_first(msg);
    const char *tp = transport ? transport : "", *sep = transport ? ": " : "";
    if (rc == CURLE_WRITE_ERROR && x->too_big)
        return prof_errf(err, PROF_EDATA, "%s%sthe response is larger than %zu bytes (raise it with -max_size)", tp,
                         sep, x->max);
    if (rc == CURLE_PARTIAL_FILE || ((rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING) && code)) {
        if (x->content_length >= 0)
            return prof_errf(err, PROF_EDATA,
                             "truncated response: the server closed the connection after %zu of %ld bytes", x->len,
                             x->content_length);
        return prof_errf(err, PROF_EDATA, "truncated response: the server closed the connection after %zu bytes (%s)",
                         x->len, msg);
    }
    if (rc == CURLE_GOT_NOTHING)
        return prof_errf(err, PROF_EDATA, "%s%sthe server closed the connection without a response", tp, sep);
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        char d[64];
        go_duration(d, sizeof(d), timeout_ms / 1000);
        return prof_errf(err, PROF_EIO, "%s%sno complete response within %s (see -timeout)", tp, sep, d);
    }
    if (rc == CURLE_SSL_CERTPROBLEM)
        return prof_errf(err, PROF_EUSAGE, "could not load certificate/key pair specified by -tls_cert and -tls_key: %s",
                         msg);
    if (rc == CURLE_SSL_CACERT_BADFILE)
        return prof_errf(err, PROF_EUSAGE, "could not load CA specified by -tls_ca: %s", msg);
    if (rc != CURLE_OK)
        return prof_errf(err, PROF_EIO, "%s%s%s", tp, sep, msg);
    if (code != 200) {
        char line[256];
        body_line(x, line, sizeof(line));
        const char *reason = x->reason[0] ? x->reason : status_text(code);
        return prof_errf(err, PROF_EDATA, "server response: %ld%s%s%s%s", code, reason[0] ? " " : "", reason,
                         line[0] ? " - " : "", line);
    }
    return 0;
}

/* The timeout of a request: -timeout seconds, or 1.5 times a capture's length, or 60 s; plus 5 s. */
static long timeout_ms_for(const struct prof_config *cfg, int seconds)
{
    long ms = cfg && cfg->timeout > 0 ? (long)cfg->timeout * 1000 : seconds > 0 ? (long)seconds * 1500 : 60000;
    return ms + 5000;
}

int fetch_source(const char *source, const struct prof_config *cfg, struct prof_bytes *out, struct prof_err *err)
{
    out->data = NULL;
    out->len = 0;
    int seconds = 0;
    char *url = adjust_url(source, cfg ? cfg->seconds : -1, &seconds);
    if (!url)
        return prof_errf(err, PROF_EUSAGE, "not a URL");
    struct request r = {.url = url, .max_body = config_max_size(cfg)};
    if (tls_flags(cfg, &r.cert, &r.key, &r.ca, err)) {
        free(url);
        return -1;
    }
    int flag_seconds = cfg && cfg->seconds > 0 ? cfg->seconds : 0;
    r.timeout_ms = timeout_ms_for(cfg, seconds);
    bool tty = isatty(2);
    if (tty) {
        fprintf(stderr, "Fetching profile over HTTP from %s\n", url);
        if (flag_seconds > 0) {
            char d[64];
            go_duration(d, sizeof(d), flag_seconds);
            fprintf(stderr, "Please wait... (%s)\n", d);
        }
        r.progress_seconds = flag_seconds;
    }
    struct xfer x;
    long code;
    char ebuf[CURL_ERROR_SIZE];
    CURLcode rc = perform(&r, &x, &code, ebuf);
    int status = transfer_error(rc, code, &x, ebuf, r.timeout_ms, "http fetch", err);
    if (status == 0 && x.len == 0) {
        status = prof_errf(err, PROF_EDATA, "the server sent an empty response, not a profile");
    } else if (status == 0 && looks_like_html(&x)) {
        char line[256];
        body_line(&x, line, sizeof(line));
        status = prof_errf(err, PROF_EDATA, "the server sent an HTML page%s%s%s, not a profile (is %s a profile endpoint?)",
                           line[0] ? " (\"" : "", line, line[0] ? "\")" : "", url);
    }
    free(url);
    if (status) {
        free(x.body);
        return -1;
    }
    out->data = x.body;
    out->len = x.len;
    return 0;
}

int fetch_post(const char *url, const char *body, size_t len, const struct prof_config *cfg, struct prof_bytes *out,
               struct prof_err *err)
{
    out->data = NULL;
    out->len = 0;
    struct request r = {.url = url, .body = body, .body_len = len, .timeout_ms = timeout_ms_for(cfg, 0)};
    if (tls_flags(cfg, &r.cert, &r.key, &r.ca, err))
        return -1;
    struct xfer x;
    long code;
    char ebuf[CURL_ERROR_SIZE];
    CURLcode rc = perform(&r, &x, &code, ebuf);
    if (transfer_error(rc, code, &x, ebuf, r.timeout_ms, NULL, err)) {
        free(x.body);
        prof_err_prefix(err, "http post %s", url);
        return -1;
    }
    out->data = x.body ? x.body : xmalloc(1);
    out->len = x.len;
    return 0;
}

#else /* !HAVE_LIBCURL */

int fetch_source(const char *source, const struct prof_config *cfg, struct prof_bytes *out, struct prof_err *err)
{
    (void)source;
    (void)cfg;
    out->data = NULL;
    out->len = 0;
    return prof_errf(err, PROF_EUSAGE,
                     "cannot fetch profiles over HTTP: prof was built without libcurl (meson option curl)");
}

int fetch_post(const char *url, const char *body, size_t len, const struct prof_config *cfg, struct prof_bytes *out,
               struct prof_err *err)
{
    (void)body;
    (void)len;
    (void)cfg;
    out->data = NULL;
    out->len = 0;
    return prof_errf(err, PROF_EUSAGE, "http post %s: prof was built without libcurl (meson option curl)", url);
}

#endif

/* ---- saving a fetched profile ---- */

/* pprof's setTmpDir: $PPROF_TMPDIR, $HOME/pprof, the temporary directory; the first that can be made. */
static char *tmp_dir(void)
{
    const char *env = getenv("PPROF_TMPDIR"), *home = getenv("HOME"), *tmp = getenv("TMPDIR");
    char *dirs[3];
    size_t n = 0;
    if (env && env[0])
        dirs[n++] = xstrdup(env);
    if (home && home[0]) {
        size_t l = strlen(home) + 8;
        dirs[n] = xmalloc(l);
        snprintf(dirs[n++], l, "%s/pprof", home);
    }
    dirs[n++] = xstrdup(tmp && tmp[0] ? tmp : "/tmp");
    char *found = NULL;
    for (size_t i = 0; i < n; i++) {
        if (found) {
            free(dirs[i]);
            continue;
        }
        /* MkdirAll: each missing component, mode 0755. */
        char *d = dirs[i];
        int e = 0;
        for (char *s = d + 1;; s++) {
            if (*s == '/' || !*s) {
                char c = *s;
                *s = 0;
                if (mkdir(d, 0755) != 0 && errno != EEXIST)
                    e = errno;
                else
                    e = 0;
                *s = c;
                if (!c)
                    break;
            }
        }
        struct stat st;
        if (e == 0 && (stat(d, &st) != 0 || !S_ISDIR(st.st_mode)))
            e = ENOTDIR;
        if (e) {
            fprintf(stderr, "Could not use temp dir %s: mkdir %s: %s\n", d, d, strerror(e));
            free(d);
            continue;
        }
        found = d;
    }
    return found;
}

void fetch_save(const struct profile *p)
{
    struct strbuf prefix = STRBUF_INIT;
    strbuf_adds(&prefix, "pprof.");
    if (p->nmappings > 0 && p->mappings[0].file[0]) {
        char base[4096];
        strbuf_addf(&prefix, "%s.", path_base(p->mappings[0].file, base, sizeof(base)));
    }
    for (size_t i = 0; i < p->nsample_types; i++)
        strbuf_addf(&prefix, "%s.", p->sample_types[i].type);

    /* The profile as pprof writes it: -proto of the whole profile. */
    struct prof_config cfg;
    config_init(&cfg);
    struct arena scratch;
    arena_init(&scratch, 1 << 20);
    struct strbuf data = STRBUF_INIT;
    struct prof_err err = {PROF_OK, ""};
    char *dir = NULL;
    int rc = report_run(p, &cfg, "proto", NULL, &data, &scratch, NULL, &err);
    if (rc == 0) {
        dir = tmp_dir();
        if (!dir) {
            prof_errf(&err, PROF_EIO, "failed to identify temp dir");
            rc = -1;
        }
    }
    if (rc == 0) {
        rc = -1;
        prof_errf(&err, PROF_EIO, "could not create file of the form %s/%s001.pb.gz", dir, prefix.buf);
        for (int i = 1; i < 10000; i++) {
            struct strbuf path = STRBUF_INIT;
            strbuf_addf(&path, "%s/%s%03d.pb.gz", dir, prefix.buf, i);
            int fd = open(path.buf, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
            if (fd < 0 && errno == EEXIST) {
                strbuf_release(&path);
                continue;
            }
            if (fd < 0) {
                prof_errf(&err, PROF_EIO, "open %s: %s", path.buf, strerror(errno));
                strbuf_release(&path);
                break;
            }
            size_t off = 0;
            while (off < data.len) {
                ssize_t w = write(fd, data.buf + off, data.len - off);
                if (w < 0 && errno == EINTR)
                    continue;
                if (w <= 0)
                    break;
                off += (size_t)w;
            }
            if (close(fd) != 0 || off != data.len)
                prof_errf(&err, PROF_EIO, "write %s: %s", path.buf, strerror(errno));
            else
                rc = 0;
            if (rc == 0)
                fprintf(stderr, "Saved profile in %s\n", path.buf);
            strbuf_release(&path);
            break;
        }
    }
    if (rc != 0)
        fprintf(stderr, "Could not save profile: %s\n", err.msg);
    free(dir);
    strbuf_release(&data);
    strbuf_release(&prefix);
    arena_release(&scratch);
    config_release(&cfg);
}
