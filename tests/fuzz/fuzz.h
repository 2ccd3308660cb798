/*
 * fuzz.h: the libFuzzer entry points every target in tests/fuzz defines, and
 * helpers they share.  Built with -Dfuzzing=libfuzzer the targets link
 * against libFuzzer; otherwise replay.c supplies main() and runs the
 * committed corpus through the same entry point (suite `fuzz`).
 */
#ifndef PROF_FUZZ_H
#define PROF_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof/error.h"
#include "prof/options.h"
#include "prof/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * A failure must come with its one-line reason (the CLI prints
 * "prof: <file>: <reason>"): an empty message or one with a newline is a bug,
 * reported as a crash so the fuzzer keeps the input.
 */
void fuzz_check_err(const struct prof_err *err, const char *what);

/* Run the reports the loader targets exercise (top, tree, traces, raw, tags, dot; top -lines -cum;
 * top, traces and dot with -mean) on p. */
void fuzz_reports(const struct profile *p);

#endif
