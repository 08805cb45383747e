/*
 * abonnementen_api.h — the webhook subscriptions in zs-notificatie's own
 * table, and /api/v1/abonnementen for the beheerder role:
 *   GET  /api/v1/abonnementen          the list
 *   POST /api/v1/abonnementen          a new one (409 when the id exists)
 *   GET/PUT/DELETE /api/v1/abonnementen/{id}
 * Every call is decided by the autorisatiematrix (abonnementen.beheren,
 * purpose beheer) and recorded as GegevensGeraadpleegd before the reply
 * leaves, with the caller as betrokkene: a subscription holds no personal
 * data. The Authorization value is stored, never shown: only
 * "authorizationGezet". After each change the delivering list
 * (n->abonnementen) is read again from the table, on the same loop.
 */
#ifndef ZS_NOTIFICATIE_ABONNEMENTEN_API_H
#define ZS_NOTIFICATIE_ABONNEMENTEN_API_H

#include <stdbool.h>

#include "http/http.h"

struct notificatie;
struct pg;
struct abonnementen_api;

bool abonnementen_api_prepare(struct pg *pg);
/* The file's subscriptions (already in n->abonnementen) upserted by id,
 * then the list read back from the table. */
bool abonnementen_importeer(struct notificatie *n);
/* n->abonnementen from the table; the old list stays when it cannot be read. */
bool abonnementen_herlaad(struct notificatie *n);
struct abonnementen_api *abonnementen_api_start(struct notificatie *n, struct http_server *http,
                                                const char *brokers, const char *schemas_dir);
void abonnementen_api_free(struct abonnementen_api *a);

#endif
