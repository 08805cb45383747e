/*
 * toegang.h — access to personal data over HTTP, the same for every daemon:
 * who is calling (bearer JWT), may they (the autorisatiematrix), and the
 * record of every decision — permit and deny — as GegevensGeraadpleegd on
 * the raadplegingen topic.
 *
 * A decision is recorded before the data leaves. Each thread that serves
 * requests has a vastlegger: its own idempotent producer (acks=all). A
 * request's raadplegingen are produced as they are decided; its reply is
 * held until the broker has acknowledged every one of them. If one cannot
 * be delivered within ZS_RAADPLEGING_TIMEOUT_MS the caller gets 503, never
 * data whose access went unrecorded.
 *
 * struct toegang is shared by every thread: the trust set and the pseudonym
 * key never change; the policy is swapped on SIGHUP under a lock that a
 * request holds while it decides (decisions point into the policy).
 */
#ifndef ZS_TOEGANG_H
#define ZS_TOEGANG_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <event2/event.h>
#include <jansson.h>

#include "http/http.h"
#include "access/jwt.h"
#include "access/policy.h"
#include "access/principal.h"
#include "access/pseudoniem.h"

struct toegang;

/*
 * Reads ZS_JWT_TRUST, ZS_POLICY (default deploy/policy/autorisatiematrix.json
 * under ZS_HOME), ZS_PSEUDONIEM_SLEUTEL, ZS_JWT_SKEW_S. NULL with a logged
 * reason and hint when one is missing or invalid: a daemon that serves
 * personal data does not start without them. Call before starting threads.
 */
/* ZS_JWT_TRUST, ZS_PSEUDONIEM_SLEUTEL, ZS_POLICY and the recording settings. */
extern const struct config_table toegang_settings;
extern const char *toegang_jwt_trust;   /* ZS_JWT_TRUST */
extern const char *toegang_policy_file; /* ZS_POLICY; empty: the default */

struct toegang *toegang_setup(void);
void toegang_free(struct toegang *t);
/* SIGHUP: a new policy if it loads, else the old one stays (and a warning). */
void toegang_reload(struct toegang *t);

/* The policy in force, held (shared lock) until toegang_policy_release. */
const struct policy *toegang_policy_hold(struct toegang *t);
void toegang_policy_release(struct toegang *t);

const struct pseudoniem_sleutel *toegang_sleutel(const struct toegang *t);
/* The trusted issuers and their keys (fixed for the daemon's life). */
const struct jwt_trust_set *toegang_trust(const struct toegang *t);

/* Verifies an Authorization header value ("Bearer <token>") at time nu. */
bool toegang_verifieer(struct toegang *t, const char *authorization, time_t nu,
                       struct principal *out, struct jwt_result *res);

/* Copies the decision counters into the metrics registry (main thread). */
void toegang_metrics_bij(struct toegang *t);

/* The betrokkene whose data is concerned, for the record. */
struct toegang_betrokkene {
	struct identiteit id; /* BSN or KvK number */
	const char *type;     /* BetrokkeneType: natuurlijk_persoon, niet_natuurlijk_persoon, ... */
	const char *pseudoniem; /* when set, recorded as is instead of id's pseudonym */
	/* Instead of id, when set: what the pseudonym is made of (an employee's
	 * or application's id for a look-up of something that does not exist). */
	const char *soort, *nummer;
	char nummer_buf[65]; /* toegang_betrokkene_zelf's nummer, when it had to encode */
};

/* What the record says besides the decision. */
struct toegang_vastlegging {
	enum policy_actie actie;
	const char *doel;
	const char *reden; /* the stated reason (KCC klantcontact), or NULL; masked when recorded */
	const char *zaak_uuid, *zaak_identificatie;    /* NULL for lists */
	const char *grondslag, *verwerkingsactiviteit; /* of the zaaktype, when permitted */
};

/*
 * The GegevensGeraadpleegd (plain JSON) for one decision, pseudonyms made
 * with sleutel: a fresh id, the
 * time now, the actor (a pseudonym for residents, never a BSN), the
 * betrokkene's pseudonym, the trace id of traceparent. NULL when the
 * betrokkene cannot be pseudonymised.
 */
json_t *toegang_raadpleging(const struct pseudoniem_sleutel *sleutel, const struct principal *who,
                            const struct toegang_betrokkene *betrokkene,
                            const struct toegang_vastlegging *v, const struct policy_decision *d,
                            const char *traceparent);

/* One per thread that serves requests, on that thread's event base. */
struct toegang_vastlegger;

struct toegang_vastlegger *toegang_vastlegger_new(struct toegang *t, struct event_base *base,
                                                  const char *brokers, const char *client_id,
                                                  const char *schemas_dir);
/* Raadplegingen still on their way, i.e. replies still held. */
size_t toegang_vastlegger_open(const struct toegang_vastlegger *vl);
/* Waits (at most the delivery time-out) for what is on its way, answers what
 * it held, and frees. Call on the thread that owns it, before evhttp_free. */
void toegang_vastlegger_free(struct toegang_vastlegger *vl);

/* One request that records before it replies. */
struct toegang_verzoek;

struct toegang_verzoek *toegang_verzoek_begin(struct toegang_vastlegger *vl, struct http_req *r);

/* Authenticates the request; on failure replies 401 with the reason's code
 * (token.verlopen, ...), ends the request and returns false. */
bool toegang_authenticeer(struct toegang_verzoek *v, struct principal *out);

/* Records one decision (sent at once; the reply waits for it). */
void toegang_registreer(struct toegang_verzoek *v, const struct principal *who,
                        const struct toegang_betrokkene *betrokkene,
                        const struct toegang_vastlegging *vast, const struct policy_decision *d);

/* A request refused for its parameters shows nothing: its record says deny
 * (rule "ongeldig-verzoek") where the policy alone would have permitted. */
void toegang_besluit_ongeldig(struct policy_decision *d);

/*
 * Records the look-up of something that does not exist (a zaak number no one
 * has) as a deny under rule "onbekend", with the caller as betrokkene: the
 * attempt is theirs, a sweep shows on the topic, and the reply waits for this
 * record exactly as it waits for the record of a refusal.
 */
void toegang_registreer_onbekend(struct toegang_verzoek *v, const struct principal *who,
                                 const struct toegang_vastlegging *vast);

/* The caller as the betrokkene of their own record: for an attempt at
 * something that is no one's personal data (managing a subscription). */
void toegang_betrokkene_zelf(const struct principal *who, struct toegang_betrokkene *b);

/*
 * Counts the request (once) as a refused look-up of its caller: a 404 or 403
 * does so by itself; a search whose every betrokkene was denied (an empty
 * list) calls this, so that a sweep over BSNs runs into the same 429 as a
 * sweep over zaak numbers.
 */
void toegang_weigering(struct toegang_verzoek *v);

/* Replies (takes body) once every record of the request is acknowledged,
 * and ends the request. */
void toegang_antwoord(struct toegang_verzoek *v, int status, json_t *body);
/* The same for a body that is not JSON (ctype static, body malloc'd, taken). */
void toegang_antwoord_tekst(struct toegang_verzoek *v, int status, const char *ctype, char *body);
/* The same for a problem document (takes invalid_params). */
void toegang_probleem(struct toegang_verzoek *v, int status, const char *code, const char *title,
                      const char *detail, json_t *invalid_params);

#endif
