/*
 * toegang.h — access to personal data over HTTP, the same for every daemon:
 * who is calling (bearer JWT), may they (the autorisatiematrix), and the
 * record of every decision — permit and deny — as GegevensGeraadpleegd on
 * the raadplegingen topic.
 *
 * A decision is recorded before the data leaves: the handler queues its
 * raadplegingen and its reply; the reply is sent only once the raadplegingen
 * are committed to the outbox (one transaction for all requests of a loop
 * turn: group commit). If that commit fails the caller gets 503, never data
 * whose access went unrecorded.
 */
#ifndef ZS_TOEGANG_H
#define ZS_TOEGANG_H

#include <stdbool.h>

#include "http.h"
#include "jwt.h"
#include "metrics.h"
#include "policy.h"
#include "principal.h"
#include "projector.h"
#include "pseudoniem.h"

struct toegang;

/* Reads ZS_JWT_TRUST, ZS_POLICY (default deploy/policy/autorisatiematrix.json
 * under ZS_HOME), ZS_PSEUDONIEM_SLEUTEL, ZS_JWT_SKEW_S. NULL with a logged
 * reason when one is missing or invalid: a daemon that serves personal data
 * does not start without them. */
struct toegang *toegang_setup(struct projector *p);
void toegang_free(struct toegang *t);
/* SIGHUP: a new policy if it loads, else the old one stays (and a warning). */
void toegang_reload(struct toegang *t);
const struct policy *toegang_policy(const struct toegang *t);

/* Authenticates the request; on failure replies 401 with the reason's code
 * (token.verlopen, ...) and returns false. */
bool toegang_authenticeer(struct toegang *t, struct http_req *r, struct principal *out);

/* The betrokkene whose data is concerned, for the record. */
struct toegang_betrokkene {
	struct identiteit id; /* BSN or KvK number */
	const char *type;     /* BetrokkeneType: natuurlijk_persoon, niet_natuurlijk_persoon, ... */
};

/* What the record says besides the decision. */
struct toegang_vastlegging {
	enum policy_actie actie;
	const char *doel;
	const char *reden; /* the stated reason (KCC klantcontact), or NULL */
	const char *zaak_uuid, *zaak_identificatie;    /* NULL for lists */
	const char *grondslag, *verwerkingsactiviteit; /* of the zaaktype, when permitted */
};

/* Queues one GegevensGeraadpleegd for this request (sent with its reply). */
void toegang_registreer(struct toegang *t, struct http_req *r, const struct principal *who,
                        const struct toegang_betrokkene *betrokkene,
                        const struct toegang_vastlegging *v, const struct policy_decision *d);

/* Replies once the request's raadplegingen are committed (takes body). */
void toegang_antwoord(struct toegang *t, struct http_req *r, int status, json_t *body);
/* The same for a problem document. */
void toegang_probleem(struct toegang *t, struct http_req *r, int status, const char *code,
                      const char *title, const char *detail);

#endif
