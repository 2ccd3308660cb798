/**
 * legacy.h: profiles that are not profile.proto (pprof's legacy_profile.go):
 * gperftools CPU profiles (binary, both word sizes and byte orders), heap
 * profiles (text), contention profiles, thread and Go count (goroutine,
 * threadcreate) text, Go's ?debug=1 text forms, with their memory maps.
 */
#ifndef PROF_LEGACY_H
#define PROF_LEGACY_H

#include <stddef.h>

#include "prof/error.h"
#include "prof/profile.h"

/**
 * Parse data as a legacy profile.  Returns the profile; or NULL with
 * err->code == PROF_OK when no legacy format recognises the data (the caller
 * then reports the protobuf problem); or NULL with err filled when a format
 * recognised its header and then failed.
 */
struct profile *legacy_parse(const unsigned char *data, size_t len, struct prof_err *err);

#endif
