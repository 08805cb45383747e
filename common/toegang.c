/*
 * toegang.c — authentication, decisions and their record, with replies held
 * until the record is committed.
 */
#include "toegang.h"
#include "ce.h"
#include "config.h"
#include "log.h"
#include "loop.h"

#include <event2/event.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct pending {
	struct evhttp_request *req;
	json_t *raadpleging;
};

struct held {
	struct evhttp_request *req;
	char traceparent[TRACEPARENT_LEN + 1];
	int status;
	const char *ctype;
	char *body;
	bool gone; /* the client went away before we answered */
};

struct toegang {
	struct projector *p;
	struct jwt_trust_set *trust;
	struct policy *policy;
	char policy_path[1024];
	struct pseudoniem_sleutel sleutel;
	struct pending *pending;
	size_t npending, cap_pending;
	struct held *held;
	size_t nheld, cap_held;
	struct event *ev_flush;
	struct metric *m_permit, *m_deny, *m_unauth, *m_unrecorded;
};

static void on_flush(evutil_socket_t fd, short what, void *arg);

struct toegang *
toegang_setup(struct projector *p)
{
	struct toegang *t = calloc(1, sizeof(*t));
	const char *trust = config_str("ZS_JWT_TRUST", NULL);
	const char *key = config_str("ZS_PSEUDONIEM_SLEUTEL", NULL);
	char err[512], dflt[1024];

	t->p = p;
	if (!trust || !key) {
		log_write(LOG_ERROR,
		          &(struct log_ctx){
		                  .partition = -1,
		                  .offset = -1,
		                  .hint = "for a local setup: . deploy/local/keys/trust.env "
		                          "(made by deploy/local/keys.sh)"},
		          "missing %s", !trust ? "ZS_JWT_TRUST" : "ZS_PSEUDONIEM_SLEUTEL");
		goto fail;
	}
	t->trust = jwt_trust_load(trust, err, sizeof(err));
	if (!t->trust) {
		log_write(LOG_ERROR,
		          &(struct log_ctx){.partition = -1, .offset = -1, .detail = err},
		          "invalid ZS_JWT_TRUST");
		goto fail;
	}
	t->trust->skew = config_int("ZS_JWT_SKEW_S", 60);
	if (!pseudoniem_sleutel_parse(key, &t->sleutel)) {
		zlog_error("invalid ZS_PSEUDONIEM_SLEUTEL (64 to 128 hex digits)");
		goto fail;
	}
	zs_path(dflt, sizeof(dflt), "deploy/policy/autorisatiematrix.json");
	snprintf(t->policy_path, sizeof(t->policy_path), "%s", config_str("ZS_POLICY", dflt));
	t->policy = policy_load(t->policy_path, err, sizeof(err));
	if (!t->policy) {
		log_write(LOG_ERROR,
		          &(struct log_ctx){.partition = -1, .offset = -1, .detail = err},
		          "could not load policy %s", t->policy_path);
		goto fail;
	}
	policy_log_loaded(t->policy, t->policy_path);
	t->ev_flush = event_new(loop_base(), -1, 0, on_flush, t);
	t->m_permit = metric_counter(
	        "zs_toegang_besluiten_total", "besluit=\"permit\"",
	        "Access decisions on personal data, recorded as GegevensGeraadpleegd.");
	t->m_deny = metric_counter(
	        "zs_toegang_besluiten_total", "besluit=\"deny\"",
	        "Access decisions on personal data, recorded as GegevensGeraadpleegd.");
	t->m_unauth = metric_counter("zs_toegang_geweigerde_tokens_total", NULL,
	                             "Requests refused for a missing or invalid token.");
	t->m_unrecorded = metric_counter(
	        "zs_toegang_niet_vastgelegd_total", NULL,
	        "Replies withheld (503) because their record could not be committed.");
	return t;
fail:
	toegang_free(t);
	return NULL;
}

static void
drop_pending(struct toegang *t)
{
	for (size_t i = 0; i < t->npending; i++)
		json_decref(t->pending[i].raadpleging);
	t->npending = 0;
}

void
toegang_free(struct toegang *t)
{
	if (!t)
		return;
	drop_pending(t);
	for (size_t i = 0; i < t->nheld; i++)
		free(t->held[i].body);
	free(t->pending);
	free(t->held);
	if (t->ev_flush)
		event_free(t->ev_flush);
	jwt_trust_free(t->trust);
	policy_free(t->policy);
	free(t);
}

void
toegang_reload(struct toegang *t)
{
	char err[512];

	if (policy_reload(&t->policy, t->policy_path, err, sizeof(err)))
		policy_log_loaded(t->policy, t->policy_path);
	else
		log_write(LOG_WARN, &(struct log_ctx){.partition = -1, .offset = -1, .detail = err},
		          "new policy refused; the policy in force stays");
}

const struct policy *
toegang_policy(const struct toegang *t)
{
	return t->policy;
}

bool
toegang_authenticeer(struct toegang *t, struct http_req *r, struct principal *out)
{
	const char *tok = NULL;
	size_t len = 0;
	struct jwt_result res = {0};
	enum jwt_fout fout = jwt_bearer(http_header(r, "Authorization"), &tok, &len);

	if (fout == JWT_OK && jwt_verify(t->trust, tok, len, time(NULL), out, &res))
		return true;
	if (fout != JWT_OK)
		res.fout = fout;
	metric_inc(t->m_unauth, 1);
	evhttp_add_header(evhttp_request_get_output_headers(r->req), "WWW-Authenticate",
	                  "Bearer realm=\"zaakstroom\"");
	http_problem(r, 401, jwt_fout_code(res.fout), jwt_fout_titel(res.fout),
	             res.detail[0] ? res.detail : NULL, NULL);
	return false;
}

static const char *
raadpleger_type(const struct principal *who, const struct identiteit *betrokkene)
{
	switch (who->kind) {
	case PRINCIPAL_INWONER:
		return identiteit_equal(&who->identiteit, betrokkene) ? "inwoner" : "gemachtigde";
	case PRINCIPAL_MEDEWERKER:
		return "medewerker";
	default:
		return "applicatie";
	}
}

/* "kcc-medewerker,behandelaar": every role the caller holds. */
static void
rollen_tekst(const struct principal *who, char *out, size_t n)
{
	size_t len = 0;

	out[0] = '\0';
	for (int r = 0; r < ROL__AANTAL && len + 1 < n; r++)
		if (who->rollen & ROL_BIT(r))
			len += (size_t)snprintf(out + len, n - len, "%s%s", len ? "," : "",
			                        rol_name((enum rol)r));
}

void
toegang_registreer(struct toegang *t, struct http_req *r, const struct principal *who,
                   const struct toegang_betrokkene *betrokkene, const struct toegang_vastlegging *v,
                   const struct policy_decision *d)
{
	char id[UUID_LEN + 1], when[32], trace[TRACE_ID_HEX + 1], actor[PSEUDONIEM_LEN + 1] = "";
	char onderwerp[PSEUDONIEM_LEN + 1] = "", rollen[160];
	const char *type = id_type_name(betrokkene->id.type);
	json_t *rec;

	uuid_v4(id);
	format_rfc3339_ms(now_ms(), when);
	traceparent_trace_id(r->traceparent, trace);
	pseudoniem(&t->sleutel, type, betrokkene->id.nummer, onderwerp);
	if (who->kind == PRINCIPAL_INWONER)
		pseudoniem(&t->sleutel, id_type_name(who->identiteit.type), who->identiteit.nummer,
		           actor);
	rollen_tekst(who, rollen, sizeof(rollen));
	rec = json_pack(
	        "{s:s, s:s, s:{s:s, s:s, s:s}, s:s, s:s, s:s?, s:s?, s:s, s:s, s:s?, s:s?, s:s, "
	        "s:s, s:s?, s:s?, s:s}",
	        "raadplegingId", id, "tijdstip", when, "actor", "type",
	        raadpleger_type(who, &betrokkene->id), "identificatie",
	        who->kind == PRINCIPAL_INWONER      ? actor
	        : who->kind == PRINCIPAL_MEDEWERKER ? who->medewerker_id
	                                            : who->client_id,
	        "rol", rollen, "betrokkene", onderwerp, "betrokkeneType", betrokkene->type, "zaak",
	        v->zaak_uuid, "zaakIdentificatie", v->zaak_identificatie, "actie",
	        policy_actie_name(v->actie), "doel", v->doel ? v->doel : "onbekend", "grondslag",
	        d->toegestaan ? v->grondslag : NULL, "verwerkingsactiviteit",
	        d->toegestaan ? v->verwerkingsactiviteit : NULL, "regel", d->regel, "besluit",
	        d->toegestaan ? "permit" : "deny", "detailniveau",
	        d->toegestaan ? detail_name(d->detail) : NULL, "reden", v->reden, "traceId", trace);
	if (!rec) {
		zlog_error("could not build a raadpleging record");
		return;
	}
	metric_inc(d->toegestaan ? t->m_permit : t->m_deny, 1);
	if (t->npending == t->cap_pending) {
		t->cap_pending = t->cap_pending ? t->cap_pending * 2 : 64;
		t->pending = realloc(t->pending, t->cap_pending * sizeof(*t->pending));
	}
	t->pending[t->npending++] = (struct pending){.req = r->req, .raadpleging = rec};
}

static void
on_connection_close(struct evhttp_connection *evcon, void *arg)
{
	struct toegang *t = arg;

	/* libevent frees the connection's requests right after this: forget
	 * every reply we hold for it. */
	for (size_t i = 0; i < t->nheld; i++)
		if (!t->held[i].gone && evhttp_request_get_connection(t->held[i].req) == evcon)
			t->held[i].gone = true;
}

static void
hold(struct toegang *t, struct http_req *r, int status, const char *ctype, char *body)
{
	struct held *h;

	if (t->nheld == t->cap_held) {
		t->cap_held = t->cap_held ? t->cap_held * 2 : 64;
		t->held = realloc(t->held, t->cap_held * sizeof(*t->held));
	}
	h = &t->held[t->nheld++];
	*h = (struct held){.req = r->req, .status = status, .ctype = ctype, .body = body};
	snprintf(h->traceparent, sizeof(h->traceparent), "%s", r->traceparent);
	evhttp_connection_set_closecb(evhttp_request_get_connection(r->req), on_connection_close,
	                              t);
	/* After this loop turn: every request answered in it shares one commit. */
	if (!event_pending(t->ev_flush, EV_TIMEOUT, NULL))
		event_active(t->ev_flush, EV_TIMEOUT, 0);
}

static bool
has_pending(const struct toegang *t, const struct evhttp_request *req)
{
	for (size_t i = 0; i < t->npending; i++)
		if (t->pending[i].req == req)
			return true;
	return false;
}

void
toegang_antwoord(struct toegang *t, struct http_req *r, int status, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT);

	json_decref(body);
	if (!has_pending(t, r->req)) {
		http_send(r->req, r->traceparent, status, "application/json", s, strlen(s));
		free(s);
		return;
	}
	hold(t, r, status, "application/json", s);
}

void
toegang_probleem(struct toegang *t, struct http_req *r, int status, const char *code,
                 const char *title, const char *detail)
{
	char *s = http_problem_body(r, status, code, title, detail, NULL);

	if (!has_pending(t, r->req)) {
		http_send(r->req, r->traceparent, status, "application/problem+json", s, strlen(s));
		free(s);
		return;
	}
	hold(t, r, status, "application/problem+json", s);
}

static bool
commit_pending(struct toegang *t)
{
	if (!projector_tx_begin(t->p))
		return false;
	for (size_t i = 0; i < t->npending; i++) {
		json_t *rec = t->pending[i].raadpleging;
		if (!projector_emit(t->p, TOPIC_RAADPLEGINGEN,
		                    json_string_value(json_object_get(rec, "betrokkene")),
		                    "GegevensGeraadpleegd", rec, NULL, NULL)) {
			projector_tx_rollback(t->p);
			return false;
		}
	}
	return projector_tx_commit(t->p);
}

static void
on_flush(evutil_socket_t fd, short what, void *arg)
{
	struct toegang *t = arg;
	bool recorded = t->npending == 0 || commit_pending(t);
	(void)fd;
	(void)what;

	drop_pending(t);
	for (size_t i = 0; i < t->nheld; i++) {
		struct held *h = &t->held[i];
		/* Before sending: once answered, libevent may free the request. */
		struct evhttp_connection *evcon =
		        h->gone ? NULL : evhttp_request_get_connection(h->req);

		if (evcon)
			evhttp_connection_set_closecb(evcon, NULL, NULL);
		if (!h->gone && recorded) {
			http_send(h->req, h->traceparent, h->status, h->ctype, h->body,
			          strlen(h->body));
		} else if (!h->gone) {
			static const char unrecorded[] =
			        "{\"type\":\"https://zaakstroom.nl/problemen/niet_vastgelegd\","
			        "\"code\":\"niet_vastgelegd\",\"title\":\"de raadpleging kon niet worden "
			        "vastgelegd; probeer het later opnieuw\",\"status\":503}";
			metric_inc(t->m_unrecorded, 1);
			http_send(h->req, h->traceparent, 503, "application/problem+json",
			          unrecorded, sizeof(unrecorded) - 1);
		}
		free(h->body);
	}
	t->nheld = 0;
	if (!recorded)
		zlog_error(
		        "raadplegingen could not be recorded; their replies were withheld (503)");
}
