/*
 * abonnementen.h — webhook subscriptions: a portal, Open Inwoner or a
 * MijnOverheid connection receives the events about zaken it subscribed to,
 * in the Notificaties API 1.0 shape or as CloudEvents JSON, filtered per
 * subscription, with the subscriber's own Authorization header.
 *
 * The file (ZS_NOTIFICATIE_ABONNEMENTEN):
 *   {"abonnementen": [{"id": "portaal", "url": "http://...", "vorm":
 *    "notificaties"|"cloudevents", "authorization": "Token ...",
 *    "aanleidingen": ["status_gewijzigd", ...], "zaaktypen": ["..."]}]}
 * An empty or missing filter list lets everything through. Payloads carry
 * no personal data: the zaak's ids, zaaktype and what happened.
 */
#ifndef ZS_NOTIFICATIE_ABONNEMENTEN_H
#define ZS_NOTIFICATIE_ABONNEMENTEN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "regels.h"

#define ABONNEMENTEN_MAX 32
#define ABO_ZAAKTYPEN    16

struct abonnement {
	char id[64];
	char url[512];
	char authorization[512]; /* "" = none; a secret: never logged */
	bool cloudevents;
	unsigned aanleidingen; /* bit per enum aanleiding; 0 = all */
	char zaaktypen[ABO_ZAAKTYPEN][96];
	int nzaaktypen; /* 0 = all */
};

struct abonnementen {
	struct abonnement a[ABONNEMENTEN_MAX];
	int n;
};

/*
 * Checks one subscription (pure; the API's body and the file's entries):
 * known fields only, an id a URL path can carry, an absolute http(s) url,
 * vorm notificaties|cloudevents, known aanleidingen, at most 16 zaaktypen,
 * an Authorization value on one line. false with the field and a Dutch reason.
 */
bool abonnement_controleer(const json_t *o, struct abonnement *a, const char **veld,
                           const char **reden);
/* What the API shows of a: everything but the Authorization value, of
 * which only "authorizationGezet". NULL on no memory. */
json_t *abonnement_json(const struct abonnement *a);

/* Parses the subscriptions document; false with err naming the field. */
bool abonnementen_parse(struct abonnementen *out, const char *json, char *err, size_t errlen);
bool abonnementen_laad(struct abonnementen *out, const char *pad, char *err, size_t errlen);

bool abonnement_past(const struct abonnement *a, enum aanleiding aanl, const char *zaaktype);

/*
 * Where a delivery to url goes, for the record that it went: its origin,
 * "scheme://host[:port]" lowercase (RFC 6454), without user information,
 * path, query or fragment (they can hold secrets). Always terminated; ""
 * when n is too small.
 */
void abonnement_origin(const char *url, char *out, size_t n);

/* What the subscriber is told about one event. */
struct gebeurtenis {
	const char *id; /* the message id */
	const char *zaak, *identificatie, *zaaktype;
	enum aanleiding aanleiding;
	const char *tijdstip;       /* RFC 3339 */
	const char *resource_basis; /* e.g. "https://zaken.example.nl/api/v1" */
};

/* The request body for a, as a malloc'd string (NULL on no memory). */
char *abonnement_bericht(const struct abonnement *a, const struct gebeurtenis *g);

#endif
