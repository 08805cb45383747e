/*
 * tokencache.h — verified bearer tokens remembered per thread: a token seen
 * again (the same bytes, compared in constant time) maps to the principal its
 * first verification gave, until its exp (plus the allowed skew) passes. It
 * saves the RSA verification and claim parsing of every request of a session;
 * the trust set never changes while a daemon runs, so nothing is lost by it.
 * Not thread-safe: one per thread.
 */
#ifndef ZS_TOKENCACHE_H
#define ZS_TOKENCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "access/principal.h"

struct tokencache;

struct tokencache *tokencache_new(size_t slots);
void tokencache_free(struct tokencache *c);

/* The principal of exactly these token bytes, if cached and valid at nu. */
bool tokencache_get(struct tokencache *c, const char *token, size_t len, time_t nu,
                    struct principal *out);
/* Remembers a token verified just now, valid before geldig_tot: the first
 * second jwt_verify refuses it (jwt_result.geldig_tot), so that the cache
 * never accepts a token one second longer than the verifier. */
void tokencache_put(struct tokencache *c, const char *token, size_t len, time_t geldig_tot,
                    const struct principal *p);

#endif
