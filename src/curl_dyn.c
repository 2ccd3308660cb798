/*
 * curl_dyn.c: libcurl, loaded when the first URL is fetched.
 *
 * libcurl drags in some thirty shared libraries (TLS, Kerberos, LDAP, SSH,
 * IDN, ...) whose loading and constructors cost about 15 ms of CPU at every
 * start of prof: more than a whole -top report of a small profile.  Only URL
 * sources need it, so prof is not linked with libcurl; these definitions of
 * the few libcurl functions that src/fetch.c calls open libcurl.so.4 with
 * dlopen() on first use and forward to it.  The headers (types, constants)
 * still come from pkg-config's libcurl; the shared object must be the ABI
 * they describe (SONAME libcurl.so.4, stable since 2006).
 *
 * The definitions are hidden: the executable never exports them, so libcurl's
 * own calls between its functions are not routed back here.
 */
#include "config.h"

#if HAVE_LIBCURL

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include "prof/fetch.h"

#define HIDDEN __attribute__((visibility("hidden")))

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    char *(*easy_escape)(CURL *, const char *, int);
    void (*free)(void *);
} api;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[256];
static int loaded;

#define SYM(field, name)                                                                                               \
    do {                                                                                                               \
        *(void **)&api.field = dlsym(h, name);                                                                         \
        if (!api.field) {                                                                                              \
            snprintf(load_error, sizeof(load_error), "libcurl.so.4 has no %s", name);                                 \
            return;                                                                                                    \
        }                                                                                                              \
    } while (0)

static void load(void)
{
    void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(load_error, sizeof(load_error), "cannot load libcurl: %s", e ? e : "unknown error");
        return;
    }
    SYM(global_init, "curl_global_init");
    SYM(easy_init, "curl_easy_init");
    SYM(easy_setopt, "curl_easy_setopt");
    SYM(easy_perform, "curl_easy_perform");
    SYM(easy_getinfo, "curl_easy_getinfo");
    SYM(easy_cleanup, "curl_easy_cleanup");
    SYM(easy_strerror, "curl_easy_strerror");
    SYM(slist_append, "curl_slist_append");
    SYM(slist_free_all, "curl_slist_free_all");
    SYM(easy_escape, "curl_easy_escape");
    SYM(free, "curl_free");
    loaded = 1;
}

const char *fetch_curl_load_error(void)
{
    pthread_once(&once, load);
    return loaded ? NULL : load_error;
}

HIDDEN CURLcode curl_global_init(long flags)
{
    if (fetch_curl_load_error())
        return CURLE_FAILED_INIT;
    return api.global_init(flags);
}

HIDDEN CURL *curl_easy_init(void) { return fetch_curl_load_error() ? NULL : api.easy_init(); }

/*
 * The one variadic argument is a long, a data pointer, a function pointer or
 * a curl_off_t, told apart by the option's number range, as libcurl itself
 * reads it.
 */
HIDDEN CURLcode curl_easy_setopt(CURL *c, CURLoption opt, ...)
{
    va_list ap;
    va_start(ap, opt);
    CURLcode rc;
    if (opt < CURLOPTTYPE_OBJECTPOINT) {
        long v = va_arg(ap, long);
        rc = api.easy_setopt(c, opt, v);
    } else if (opt < CURLOPTTYPE_FUNCTIONPOINT) {
        void *v = va_arg(ap, void *);
        rc = api.easy_setopt(c, opt, v);
    } else if (opt < CURLOPTTYPE_OFF_T) {
        void (*v)(void) = va_arg(ap, void (*)(void));
        rc = api.easy_setopt(c, opt, v);
    } else if (opt < CURLOPTTYPE_BLOB) {
        curl_off_t v = va_arg(ap, curl_off_t);
        rc = api.easy_setopt(c, opt, v);
    } else {
        void *v = va_arg(ap, void *);
        rc = api.easy_setopt(c, opt, v);
    }
    va_end(ap);
    return rc;
}

HIDDEN CURLcode curl_easy_perform(CURL *c) { return api.easy_perform(c); }

/* Every CURLINFO_* result is written through a pointer. */
HIDDEN CURLcode curl_easy_getinfo(CURL *c, CURLINFO info, ...)
{
    va_list ap;
    va_start(ap, info);
    void *p = va_arg(ap, void *);
    va_end(ap);
    return api.easy_getinfo(c, info, p);
}

HIDDEN void curl_easy_cleanup(CURL *c) { api.easy_cleanup(c); }

HIDDEN const char *curl_easy_strerror(CURLcode rc)
{
    return fetch_curl_load_error() ? load_error : api.easy_strerror(rc);
}

HIDDEN struct curl_slist *curl_slist_append(struct curl_slist *l, const char *s)
{
    return fetch_curl_load_error() ? NULL : api.slist_append(l, s);
}

HIDDEN void curl_slist_free_all(struct curl_slist *l)
{
    if (l)
        api.slist_free_all(l);
}

HIDDEN char *curl_easy_escape(CURL *c, const char *s, int n) { return api.easy_escape(c, s, n); }

HIDDEN void curl_free(void *p)
{
    if (p)
        api.free(p);
}

#else
/* Built without libcurl: nothing here (ISO C wants a declaration). */
typedef int prof_curl_dyn_unused;
#endif
