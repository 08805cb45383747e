/*
 * api.h — the FG/DPO's proofs: GET /api/v1/audit/bewijs, for the fg role
 * only, through the common token and policy path (toegang, audit.lezen);
 * every query, allowed or not, is itself an entry of the log before any
 * answer leaves.
 */
#ifndef ZS_AUDIT_API_H
#define ZS_AUDIT_API_H

#include "access/toegang.h"
#include "audit.h"
#include "http/http.h"

struct audit_api {
	struct audit *a;
	struct toegang *t;
	struct toegang_vastlegger *vl;
	json_t *platform; /* the platform's own register entries */
};

bool audit_api_start(struct audit_api *api, struct http_server *http, struct event_base *base,
                     const char *brokers, const char *schemas_dir);
void audit_api_free(struct audit_api *api);

#endif
