/*
 * voorkeuren.h — GET/PUT /api/v1/voorkeuren: a resident reads and changes
 * how they are told (e-mail, phone, updates or only "actie vereist"),
 * through the common token and policy path; every read and change is
 * decided by the autorisatiematrix (inzage.lezen on the resident's own
 * data, purpose inzicht) and recorded as a GegevensGeraadpleegd before the reply leaves.
 */
#ifndef ZS_NOTIFICATIE_VOORKEUREN_H
#define ZS_NOTIFICATIE_VOORKEUREN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

struct notificatie;
struct voorkeuren_api;

/* A change as the resident sent it; NULL/absent fields stay as they are. */
struct voorkeur_wijziging {
	bool email_gezet, telefoon_gezet, updates_gezet;
	const char *emailadres;     /* NULL with email_gezet: remove it */
	const char *telefoonnummer; /* idem */
	bool updates;
};

/*
 * Checks a PUT body (pure): known fields only, an e-mail address of at most
 * 254 characters with one @ and no spaces or controls, a phone number of 10
 * to 15 digits with an optional leading +, updates a boolean. false with the
 * field and a Dutch reason.
 */
bool voorkeur_controleer(const json_t *body, struct voorkeur_wijziging *out, const char **veld,
                         const char **reden);

struct pg;
bool voorkeuren_prepare(struct pg *pg);
struct voorkeuren_api *voorkeuren_start(struct notificatie *n, struct http_server *http,
                                        const char *brokers, const char *schemas_dir);
/* Before the HTTP server goes: waits for records still on their way. */
void voorkeuren_free(struct voorkeuren_api *a);

#endif
