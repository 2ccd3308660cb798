/* merge.c: see merge.h.  Merging several sources lands with the filters issue. */
#include "prof/merge.h"

#include <string.h>

struct profile *profile_load_sources(const char *const *sources, size_t n, const char *binary,
                                     const struct prof_config *cfg, struct prof_err *err)
{
    (void)binary;
    if (n != 1 || cfg->base[0] || cfg->diff_base[0]) {
        prof_errf(err, PROF_EUSAGE, "merging several profiles is not implemented yet");
        return NULL;
    }
    struct profile *p = profile_load(sources[0], err);
    if (!p)
        prof_err_prefix(err, "%s", sources[0]);
    return p;
}

struct profile *profile_merge(struct profile *const *ps, size_t n, struct prof_err *err)
{
    (void)ps;
    (void)n;
    prof_errf(err, PROF_EUSAGE, "merging several profiles is not implemented yet");
    return NULL;
}
