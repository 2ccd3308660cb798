/* fetch.c: see fetch.h.  Fetching lands with the inputs issue. */
#include "prof/fetch.h"

#include <string.h>

bool fetch_is_url(const char *source)
{
    return strncmp(source, "http://", 7) == 0 || strncmp(source, "https://", 8) == 0;
}

int fetch_source(const char *source, const struct prof_config *cfg, struct prof_bytes *out, struct prof_err *err)
{
    (void)source;
    (void)cfg;
    (void)out;
    return prof_errf(err, PROF_EUSAGE, "fetching profiles over HTTP is not implemented yet");
}
