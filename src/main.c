/* main.c: prof, a profile analyser compatible with pprof. */
#include <malloc.h>

#include "prof/cli.h"

int main(int argc, char **argv)
{
#ifdef M_MMAP_THRESHOLD
    /* A fixed threshold: glibc otherwise raises it to the size of the
     * biggest block freed so far (the compressed and inflated profile, tens
     * of MB), and from then on serves the arrays that grow while a report
     * is made (hash maps, tags, edges) from the heap, where each abandoned
     * smaller copy stays resident.  Blocks over 4 MiB are mapped instead,
     * grow in place (mremap) and go back to the system when freed: -dot on
     * the 200k bench profile peaks at 82-85 MB instead of 93-97 MB, at no
     * measurable cost in time (docs/performance.md). */
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
#endif
#ifdef M_ARENA_MAX
    /* One malloc arena for all threads: the shell's report computed ahead on
     * a second thread then reuses the memory the load freed, instead of
     * faulting in a new arena's (its `top` on the 1M bench profile: 0.41-0.47
     * -> 0.19-0.21 s).  prof's threads allocate little, so they do not
     * contend for it. */
    mallopt(M_ARENA_MAX, 1);
#endif
    return prof_cli_main(argc, argv);
}
