/*
 * throttle.h — holding back a caller whose look-ups keep being refused: a
 * sweep over zaak numbers (existing ones someone else's, most not there at
 * all) is a run of 404s from one token. After max refusals within a window
 * the caller gets 429 until the window ends. Callers are kept as a 64-bit
 * hash of who they are (never a BSN in the table), in a fixed table: two
 * callers that share a slot share their count, which errs towards holding
 * back. Thread-safe: every HTTP thread of a daemon counts in one table.
 */
#ifndef ZS_THROTTLE_H
#define ZS_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

struct throttle;

struct throttle *throttle_new(long max, long window_s);
void throttle_free(struct throttle *a);

/* Counts one refused look-up by the caller (any text that names them) at nu_ms. */
void throttle_count(struct throttle *a, const char *caller, int64_t nu_ms);
/* Whether the caller is held back at nu_ms; if so, *left_s is how many seconds remain. */
bool throttle_holds(struct throttle *a, const char *caller, int64_t nu_ms, long *left_s);

#endif
