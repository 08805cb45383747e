/*
 * verzending.h — HTTP and SMTP requests on the daemon's libevent loop
 * through libcurl's multi-socket interface: curl says which sockets to
 * watch and when to wake it, libevent watches, nothing ever blocks the
 * loop. Many requests in flight at once; the caller bounds how many.
 */
#ifndef ZS_NOTIFICATIE_VERZENDING_H
#define ZS_NOTIFICATIE_VERZENDING_H

#include <event2/event.h>
#include <stdbool.h>
#include <stddef.h>

struct verzending;

/* The answer: code is the HTTP status or the last SMTP reply code (0: none,
 * e.g. connection refused or timed out, then fout says why). retry_after is
 * the Retry-After header's value or "". */
struct antwoord {
	long code;
	char fout[256];
	char retry_after[64];
};

typedef void (*verzending_klaar)(const struct antwoord *a, void *arg);

struct verzending *verzending_new(struct event_base *base, long timeout_ms, int max_verbindingen);
void verzending_free(struct verzending *v);
int verzending_bezig(const struct verzending *v);

/* POST body to url with the headers ("Name: value", NULL-terminated). The
 * body is copied. false when the request could not even be started. */
bool verzending_post(struct verzending *v, const char *url, const char *const *headers,
                     const char *body, verzending_klaar klaar, void *arg);

/* One message over SMTP (STARTTLS when the server offers it): message is the
 * full RFC 5322 text with CRLF line ends. */
bool verzending_smtp(struct verzending *v, const char *url, const char *van, const char *aan,
                     const char *message, verzending_klaar klaar, void *arg);

#endif
