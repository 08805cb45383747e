/*
 * afremmen.h — holding back a caller whose look-ups keep being refused: a
 * sweep over zaak numbers (existing ones someone else's, most not there at
 * all) is a run of 404s from one token. After max refusals within a window
 * the caller gets 429 until the window ends. Callers are kept as a 64-bit
 * hash of who they are (never a BSN in the table), in a fixed table: two
 * callers that share a slot share their count, which errs towards holding
 * back. Thread-safe: every HTTP thread of a daemon counts in one table.
 */
#ifndef ZS_AFREMMEN_H
#define ZS_AFREMMEN_H

#include <stdbool.h>
#include <stdint.h>

struct afremmer;

struct afremmer *afremmer_new(long max, long venster_s);
void afremmer_free(struct afremmer *a);

/* Counts one refused look-up by the caller (any text that names them) at nu_ms. */
void afremmer_tel(struct afremmer *a, const char *wie, int64_t nu_ms);
/* Whether the caller is held back at nu_ms; if so, *nog_s is how many seconds remain. */
bool afremmer_remt(struct afremmer *a, const char *wie, int64_t nu_ms, long *nog_s);

#endif
