/*
 * api.h — the Track & Trace API on the status daemon's HTTP port:
 *
 *   GET /api/v1/zaken                   the zaken a caller may see, newest first
 *   GET /api/v1/zaken/{identificatie}   one zaak's timeline
 *
 * (described exactly in services/status/openapi.yaml), plus /healthz,
 * /readyz and /metrics. Served by ZS_STATUS_API_THREADS threads, each with
 * its own PostgreSQL connection and its own producer for the raadplegingen:
 * every decision on personal data is recorded before a reply leaves.
 *
 * The read model also needs the shielded flag of a zaak's initiator:
 * afscherming_apply/afscherming_prepare wrap the status daemon's batch.
 */
#ifndef ZS_STATUS_API_H
#define ZS_STATUS_API_H

#include <stdbool.h>

#include "stream/pg.h"
#include "stream/projector.h"
#include "access/toegang.h"
#include "web.h"

struct api_config {
	const char *addr;
	int port;
	const char *pg_url;
	const char *brokers;
	const char *schemas_dir;
	int threads; /* HTTP threads, each with its own loop and connections */
	/* Main thread: whether the daemon is ready (for /readyz). */
	bool (*ready)(void *arg);
	void *ready_arg;
	struct web *web; /* the resident's page next to the API, or NULL */
};

struct api;

/*
 * The API's two reads, as prepared on every thread's connection (the bench's
 * libpq baseline runs exactly these):
 *   api_sql_lijst($1 soorten text[], $2 nummers text[], $3 below volgorde,
 *                 $4 0 all | 1 open | 2 closed, $5 rows, $6 for a resident)
 *   api_sql_zaak($1 identificatie)
 */
extern const char api_sql_lijst[];
extern const char api_sql_zaak[];

/* Starts the threads (reads ZS_STATUS_API_THREADS); NULL on failure. */
struct api *api_start(struct toegang *t, const struct api_config *cfg);
/* Stops accepting, lets held replies go out, joins the threads. */
void api_free(struct api *a);

#endif
