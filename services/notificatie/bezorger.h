/*
 * bezorger.h — delivers the queue: claims due messages, sends them over
 * NotifyNL (e-mail, SMS), SMTP or a webhook on the loop (verzending.h), at
 * most max_in_flight at once, and records each outcome with its event
 * (BerichtVerstuurd, BerichtMislukt for a resident's message;
 * GebeurtenisDoorgegeven for a webhook a subscriber accepted) in one
 * transaction through the outbox.
 *
 * A message is marked 'bezig' when claimed and 'verstuurd' after the
 * receiver's answer: a crash in between leaves it 'bezig', and it is sent
 * again after the restart with the same id — the one way a message can go
 * twice, and the receiver can tell by the id.
 */
#ifndef ZS_NOTIFICATIE_BEZORGER_H
#define ZS_NOTIFICATIE_BEZORGER_H

#include <stdbool.h>

#include "bezorging.h"
#include "http/http.h"
#include "stream/pg.h"
#include "wire/ce.h"

struct notificatie;
struct bezorger;

struct bezorger_config {
	const char *notifynl_url; /* "" = no NotifyNL */
	const char *notifynl_key; /* secret */
	const char *notifynl_email_template, *notifynl_sms_template;
	bool email_via_smtp;
	const char *smtp_url, *smtp_van;
	const char *resource_basis;
	int max_in_flight;
	long timeout_ms;
	struct backoff backoff;
};

bool bezorger_prepare(struct pg *pg);
/* Checks the configuration; NULL with a logged reason. */
struct bezorger *bezorger_new(struct notificatie *n, const struct bezorger_config *c);
/* After the projector started: what a crash left claimed is due again. */
bool bezorger_start(struct bezorger *b);
void bezorger_stop(struct bezorger *b);
void bezorger_free(struct bezorger *b);
/* Look at the queue now (after a batch placed messages). */
void bezorger_wek(struct bezorger *b);
const char *bezorger_resource_basis(const struct bezorger *b);

/* Inside a batch: an "actie vereist" message without any address fails at
 * once (BerichtMislukt geen_contactgegevens; the 14070 must call). */
void bezorger_geen_contact(struct bezorger *b, const struct ce_attrs *cause, const char *id,
                           const char *sleutel, const char *betrokkene, const char *zaak,
                           const char *identificatie, const char *aanvraag_id,
                           const char *verzoek_id, const char *aanleiding, const char *onderwerp);

/* POST /api/v1/berichten/{id}/opnieuw for the beheerder role. */
void bezorger_routes(struct bezorger *b, struct http_server *http);

#endif
