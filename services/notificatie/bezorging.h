/*
 * bezorging.h — the pure part of delivering a message: its stable id, when
 * to try again, what an answer means, the merge of updates inside the
 * window, and NotifyNL's API key and token.
 *
 * Nothing here reads the clock or a random source: callers pass now and the
 * jitter, so tests pin both. (Merging inside the window is done where the
 * queue is, in SQL: bericht_plaatsen in sql/002_samenvoegen.sql.)
 */
#ifndef ZS_NOTIFICATIE_BEZORGING_H
#define ZS_NOTIFICATIE_BEZORGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "wire/ce.h"

/*
 * The key that makes a message unique: recipient pseudonym, zaak (or
 * aanvraag), aanleiding, what within it (status volgnummer, deadline and its
 * date) and template. A second message with this key is never made.
 */
void bericht_sleutel(char *out, size_t n, const char *ontvanger, const char *zaak,
                     const char *aanleiding, const char *onderscheid, const char *sjabloon);
/* The message's stable id: a name-based UUID of its key, the same after
 * any crash or replay (NotifyNL reference, Idempotency-Key, Message-ID). */
void bericht_id(const char *sleutel, char out[UUID_LEN + 1]);

/* Retries: exponential from basis_ms, doubling, capped at max_ms. */
struct backoff {
	int64_t basis_ms;
	int64_t max_ms;
	int pogingen; /* attempts in all, the first included */
};

/*
 * Milliseconds until attempt number `gedaan + 1`, after `gedaan` failed
 * attempts: the exponential delay scaled by jitter (0..1 → 50..100 %, so
 * that a channel coming back is not hit by every message at once), at least
 * retry_after_ms (the server's Retry-After; 0 = none). -1 when the budget is
 * spent.
 */
int64_t backoff_wacht_ms(const struct backoff *b, int gedaan, double jitter,
                         int64_t retry_after_ms);

/* What an answer means for the message. */
enum uitslag {
	UITSLAG_AFGELEVERD, /* 2xx, SMTP 250 */
	UITSLAG_TIJDELIJK,  /* 408, 425, 429, 5xx, no answer, SMTP 4xx: try again */
	UITSLAG_DEFINITIEF, /* other 4xx, SMTP 5xx: will not change (invalid address) */
};
enum uitslag uitslag_http(long status);
enum uitslag uitslag_smtp(long code);

/* Retry-After as delta-seconds or an HTTP-date, in ms from now (epoch s);
 * 0 when absent or unreadable; capped at a day. */
int64_t retry_after_ms(const char *waarde, time_t now);

/*
 * A GOV.UK Notify / NotifyNL API key is "<name>-<service id>-<secret>",
 * both ids UUIDs. Splits it; false when it is not that shape.
 */
bool notifynl_sleutel(const char *key, char service_id[UUID_LEN + 1], char secret[UUID_LEN + 1]);
/* The HS256 bearer token NotifyNL wants: {"iss": service id, "iat": now}. */
char *notifynl_token(const char *service_id, const char *secret, time_t now);

/* A header-safe copy: CR, LF and other controls become spaces (SMTP Subject). */
void kop_veilig(char *out, size_t n, const char *in);

#endif
