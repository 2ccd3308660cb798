/*
 * replay.c: main() for the fuzz targets without a fuzzing engine.  Runs
 * LLVMFuzzerTestOneInput on every file named (a directory: on every file in
 * it, in name order), so the committed corpus and crashers are ordinary
 * regression tests (`meson test --suite fuzz`) under whatever sanitizers the
 * build has.
 *
 * usage: fuzz-TARGET-replay FILE|DIR...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "prof/read.h"
#include "prof/util.h"

static int cmp_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int run_file(const char *path)
{
    struct prof_bytes b;
    struct prof_err err = {0};
    if (read_source(path, &b, &err)) {
        fprintf(stderr, "replay: %s: %s\n", path, err.msg);
        return -1;
    }
    LLVMFuzzerTestOneInput(b.data, b.len);
    prof_bytes_release(&b);
    return 0;
}

int main(int argc, char **argv)
{
    size_t nrun = 0;
    int bad = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: not found\n", argv[i]);
            bad = 1;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            bad |= run_file(argv[i]) != 0;
            nrun++;
            continue;
        }
        DIR *d = opendir(argv[i]);
        if (!d) {
            fprintf(stderr, "replay: %s: cannot open\n", argv[i]);
            bad = 1;
            continue;
        }
        char **names = NULL;
        size_t n = 0, cap = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            xgrow(&names, &cap, n + 1, sizeof(char *));
            names[n++] = xstrdup(e->d_name);
        }
        closedir(d);
        qsort(names, n, sizeof(char *), cmp_name);
        for (size_t k = 0; k < n; k++) {
            size_t len = strlen(argv[i]) + strlen(names[k]) + 2;
            char *path = xmalloc(len);
            snprintf(path, len, "%s/%s", argv[i], names[k]);
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                bad |= run_file(path) != 0;
                nrun++;
            }
            free(path);
            free(names[k]);
        }
        free(names);
    }
    fprintf(stderr, "replay: %zu inputs run\n", nrun);
    return bad || nrun == 0;
}
