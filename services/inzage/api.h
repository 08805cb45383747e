/*
 * api.h — the inzage daemon's HTTP API, on the main loop (a request never
 * interleaves with a batch), every read of personal data decided by the
 * autorisatiematrix and recorded as GegevensGeraadpleegd before it leaves:
 *
 *   GET  /api/v1/mijn-gegevens                         the overview (not a formal request)
 *   POST /api/v1/inzageverzoeken                       file or register a request
 *   GET  /api/v1/inzageverzoeken?termijn=...           requests and deadlines (fg)
 *   GET  /api/v1/inzageverzoeken/{id}                  one request's state
 *   POST /api/v1/inzageverzoeken/{id}/verlenging       extend the term (once, with reason)
 *   POST /api/v1/inzageverzoeken/{id}/afhandeling      answer (with the art. 15 report)
 *   GET  /api/v1/inzageverzoeken/{id}/rapport          the report, JSON or ?formaat=html
 *
 * plus /healthz, /readyz, /metrics. Described in services/inzage/README.md.
 */
#ifndef ZS_INZAGE_API_H
#define ZS_INZAGE_API_H

#include <stdbool.h>

#include "access/toegang.h"
#include "inzage.h"

struct inzage_api;

/* Routes on the daemon's HTTP server, a vastlegger on the main loop, and
 * lezers reader threads for mijn-gegevens and the reports (lezer.h). */
struct inzage_api *inzage_api_start(struct inzage *z, struct toegang *t, struct http_server *http,
                                    const char *brokers, const char *schemas_dir,
                                    const char *pg_url, int lezers);
/* Lets held replies go out (after the loop ended, before the server is freed). */
void inzage_api_free(struct inzage_api *a);

#endif
