/*
 * toegang.c — authentication, decisions and their record, with replies held
 * until the broker has the record.
 */
#include "access/toegang.h"
#include "access/throttle.h"
#include "access/freetext.h"
#include "core/buf.h"
#include "core/mask.h"
#include "wire/ce.h"
#include "core/config.h"
#include "stream/settings.h"
#include "stream/kafka.h"
#include "core/log.h"
#include "core/metrics_mt.h"
#include "wire/schemaset.h"
#include "access/tokencache.h"
#include "stream/topics.h"

#include <event2/http.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RAADPLEGING "GegevensGeraadpleegd"

struct toegang {
	struct jwt_trust_set *trust;
	struct policy *policy;
	pthread_rwlock_t lock; /* over policy: readers decide, SIGHUP swaps */
	char policy_path[1024];
	struct pseudoniem_sleutel sleutel;
	char topic[160];
	struct metric_mt permit, deny, unauth, unrecorded, held, geweigerd, afgeremd;
	struct throttle *throttle;
};

static void
setup_fout(const char *msg, const char *detail, const char *hint)
{
	log_write(LOG_ERROR,
	          &(struct log_ctx){.partition = -1, .offset = -1, .detail = detail, .hint = hint},
	          "%s", msg);
}

const char *toegang_jwt_trust, *toegang_policy_file;
static const char *pseudoniem_sleutel;
static long jwt_skew_s, raadpleging_linger_ms, raadpleging_timeout_ms, token_cache;
static long weigeringen_max, weigeringen_venster_s;

static const struct config_key toegang_keys[] = {
        {"ZS_JWT_TRUST", CF_SECRET, &toegang_jwt_trust, "",
         "kind iss=... aud=... jwks=FILE; ...: the trusted token issuers and their keys per token "
         "kind; required to serve personal data"},
        {"ZS_PSEUDONIEM_SLEUTEL", CF_SECRET, &pseudoniem_sleutel, "",
         "hex HMAC key (64 to 128 digits) for betrokkene pseudonyms; required to serve personal "
         "data"},
        {"ZS_JWT_SKEW_S", CF_INT, &jwt_skew_s, "60", "clock skew allowed on exp and nbf", 0, 600},
        {"ZS_POLICY", CF_STR, &toegang_policy_file, "",
         "the autorisatiematrix; empty: deploy/policy/autorisatiematrix.json"},
        {"ZS_RAADPLEGING_LINGER_MS", CF_INT, &raadpleging_linger_ms, "0",
         "how long the raadplegingen producer gathers records into one request", 0, 100},
        {"ZS_RAADPLEGING_TIMEOUT_MS", CF_INT, &raadpleging_timeout_ms, "5000",
         "how long a reply waits for its records' acknowledgement before a 503", 100, 60000},
        {"ZS_TOKEN_CACHE", CF_INT, &token_cache, "512",
         "verified tokens remembered per HTTP thread (until their exp)", 1, 1000000},
        {"ZS_TOEGANG_WEIGERINGEN_MAX", CF_INT, &weigeringen_max, "30",
         "refused look-ups (404, 403) per caller within the window before the caller gets 429", 1,
         1000000},
        {"ZS_TOEGANG_WEIGERINGEN_VENSTER_S", CF_INT, &weigeringen_venster_s, "60",
         "the window, in seconds, over which refused look-ups per caller are counted", 1, 86400},
};
const struct config_table toegang_settings = CONFIG_TABLE("access", toegang_keys);

struct toegang *
toegang_setup(void)
{
	static const char hint[] = "for a local setup: deploy/local/keys.sh, then "
	                           ". deploy/local/keys/trust.env";
	struct toegang *t = calloc(1, sizeof(*t));
	const char *trust = toegang_jwt_trust, *key = pseudoniem_sleutel;
	pthread_rwlockattr_t attr;
	char err[512], dflt[1024];

	if (!t)
		return NULL;
	/* A writer (SIGHUP) must not wait behind an endless stream of readers. */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&t->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	if (!trust || !*trust || !key || !*key) {
		setup_fout(!trust || !*trust ? "missing ZS_JWT_TRUST"
		                             : "missing ZS_PSEUDONIEM_SLEUTEL",
		           "this daemon serves personal data and does not start without token "
		           "verification and pseudonyms",
		           hint);
		goto fail;
	}
	t->trust = jwt_trust_load(trust, err, sizeof(err));
	if (!t->trust) {
		setup_fout("invalid ZS_JWT_TRUST", err, hint);
		goto fail;
	}
	t->trust->skew = jwt_skew_s;
	if (!pseudoniem_sleutel_parse(key, &t->sleutel)) {
		setup_fout("invalid ZS_PSEUDONIEM_SLEUTEL", "expected 64 to 128 hex digits", hint);
		goto fail;
	}
	zs_path(dflt, sizeof(dflt), "deploy/policy/autorisatiematrix.json");
	snprintf(t->policy_path, sizeof(t->policy_path), "%s",
	         *toegang_policy_file ? toegang_policy_file : dflt);
	t->policy = policy_load(t->policy_path, err, sizeof(err));
	if (!t->policy) {
		log_write(LOG_ERROR,
		          &(struct log_ctx){.partition = -1, .offset = -1, .detail = err},
		          "could not load policy %s", t->policy_path);
		goto fail;
	}
	policy_log_loaded(t->policy, t->policy_path);
	/* topic_name fills a static table on first use: here, before threads. */
	snprintf(t->topic, sizeof(t->topic), "%s", topic_name(TOPIC_RAADPLEGINGEN));
	metric_mt_counter(&t->permit, "zs_toegang_besluiten_total", "besluit=\"permit\"",
	                  "Access decisions on personal data, recorded as GegevensGeraadpleegd.");
	metric_mt_counter(&t->deny, "zs_toegang_besluiten_total", "besluit=\"deny\"",
	                  "Access decisions on personal data, recorded as GegevensGeraadpleegd.");
	metric_mt_counter(
	        &t->geweigerd, "zs_toegang_geweigerde_opvragingen_total", NULL,
	        "Look-ups answered 404 or 403 (counted per caller for ZS_TOEGANG_WEIGERINGEN_MAX).");
	metric_mt_counter(
	        &t->afgeremd, "zs_toegang_afgeremd_total", NULL,
	        "Requests refused with 429: the caller had too many refused look-ups in the "
	        "window (a sweep over zaak numbers).");
	t->throttle = throttle_new(weigeringen_max, weigeringen_venster_s);
	if (!t->throttle)
		goto fail;
	metric_mt_counter(&t->unauth, "zs_toegang_geweigerde_tokens_total", NULL,
	                  "Requests refused for a missing or invalid token.");
	metric_mt_counter(&t->unrecorded, "zs_toegang_niet_vastgelegd_total", NULL,
	                  "Replies withheld (503) because their record could not be delivered.");
	metric_mt_histogram(&t->held, "zs_toegang_vastlegging_seconds", NULL,
	                    "How long a reply waited for the broker to acknowledge its records.");
	return t;
fail:
	toegang_free(t);
	return NULL;
}

void
toegang_free(struct toegang *t)
{
	if (!t)
		return;
	jwt_trust_free(t->trust);
	policy_free(t->policy);
	throttle_free(t->throttle);
	pthread_rwlock_destroy(&t->lock);
	free(t);
}

void
toegang_reload(struct toegang *t)
{
	char err[512];
	struct policy *nieuw = policy_load(t->policy_path, err, sizeof(err)), *oud;

	if (!nieuw) {
		log_write(LOG_WARN, &(struct log_ctx){.partition = -1, .offset = -1, .detail = err},
		          "new policy refused; the policy in force stays");
		return;
	}
	pthread_rwlock_wrlock(&t->lock);
	oud = t->policy;
	t->policy = nieuw;
	pthread_rwlock_unlock(&t->lock);
	policy_free(oud);
	policy_log_loaded(nieuw, t->policy_path);
}

const struct policy *
toegang_policy_hold(struct toegang *t)
{
	pthread_rwlock_rdlock(&t->lock);
	return t->policy;
}

void
toegang_policy_release(struct toegang *t)
{
	pthread_rwlock_unlock(&t->lock);
}

const struct jwt_trust_set *
toegang_trust(const struct toegang *t)
{
	return t->trust;
}

const struct pseudoniem_sleutel *
toegang_sleutel(const struct toegang *t)
{
	return &t->sleutel;
}

bool
toegang_verifieer(struct toegang *t, const char *authorization, time_t nu, struct principal *out,
                  struct jwt_result *res)
{
	const char *tok = NULL;
	size_t len = 0;
	enum jwt_fout fout = jwt_bearer(authorization, &tok, &len);

	memset(res, 0, sizeof(*res));
	if (fout != JWT_OK) {
		res->fout = fout;
		return false;
	}
	return jwt_verify(t->trust, tok, len, nu, out, res);
}

void
toegang_metrics_bij(struct toegang *t)
{
	metric_mt_publish(&t->permit);
	metric_mt_publish(&t->deny);
	metric_mt_publish(&t->unauth);
	metric_mt_publish(&t->unrecorded);
	metric_mt_publish(&t->held);
	metric_mt_publish(&t->geweigerd);
	metric_mt_publish(&t->afgeremd);
}

/* The record. */

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
	for (int r = 0; r < ROL__COUNT && len + 1 < n; r++)
		if (who->rollen & ROL_BIT(r))
			buf_appendf(out, n, &len, "%s%s", len ? "," : "", rol_name((enum rol)r));
}

json_t *
toegang_raadpleging(const struct pseudoniem_sleutel *sleutel, const struct principal *who,
                    const struct toegang_betrokkene *betrokkene,
                    const struct toegang_vastlegging *v, const struct policy_decision *d,
                    const char *traceparent)
{
	char id[UUID_LEN + 1], when[32], trace[TRACE_ID_HEX + 1], actor[PSEUDONIEM_LEN + 1] = "";
	char onderwerp[PSEUDONIEM_LEN + 1], rollen[160], reden[FREETEXT_REDEN_BUF];
	char gebruiker[4 * PRINCIPAL_MAX_TEKST + 1], weergave[4 * PRINCIPAL_MAX_TEKST + 1];
	const char *ident;
	json_t *rec;

	if (betrokkene->pseudoniem) {
		/* Known to the caller only by pseudonym (a register keyed by it). */
		if (strlen(betrokkene->pseudoniem) != PSEUDONIEM_LEN)
			return NULL;
		memcpy(onderwerp, betrokkene->pseudoniem, PSEUDONIEM_LEN + 1);
	} else if (!pseudoniem(sleutel,
	                       betrokkene->soort ? betrokkene->soort
	                                         : id_type_name(betrokkene->id.type),
	                       betrokkene->soort ? betrokkene->nummer : betrokkene->id.nummer,
	                       onderwerp)) {
		return NULL;
	}
	/* Free text goes on the topic bounded and masked: "belt namens 999990007". */
	if (v->reden)
		freetext_recordable(v->reden, FREETEXT_REDEN_MAX, reden, sizeof(reden));
	/* The end user behind an application, as ZGW audit trails record it; a
	 * BSN as user_id becomes its pseudonym. */
	gebruiker[0] = weergave[0] = '\0';
	if (who->kind == PRINCIPAL_APPLICATIE && who->user_id[0]) {
		if (mask_elfproef(who->user_id, strlen(who->user_id))) {
			if (!pseudoniem(sleutel, "BSN", who->user_id, gebruiker))
				return NULL;
		} else {
			freetext_recordable(who->user_id, PRINCIPAL_MAX_TEKST, gebruiker,
			                    sizeof(gebruiker));
		}
	}
	if (who->kind == PRINCIPAL_APPLICATIE && who->user_representation[0])
		freetext_recordable(who->user_representation, PRINCIPAL_MAX_TEKST, weergave,
		                    sizeof(weergave));
	uuid_v4(id);
	format_rfc3339_ms(now_ms(), when);
	traceparent_trace_id(traceparent, trace);
	if (who->kind == PRINCIPAL_INWONER) {
		/* A resident is named by pseudonym too: no BSN on this topic. */
		if (!pseudoniem(sleutel, id_type_name(who->identiteit.type), who->identiteit.nummer,
		                actor))
			return NULL;
		ident = actor;
	} else {
		ident = who->kind == PRINCIPAL_MEDEWERKER ? who->medewerker_id : who->client_id;
	}
	rollen_tekst(who, rollen, sizeof(rollen));
	rec = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:s, s:s, s:s?, s:s?, s:s, s:s, s:s?, s:s?, "
	                "s:s, s:s, s:s?, s:s?, s:s}",
	                "raadplegingId", id, "tijdstip", when, "actor", "type",
	                raadpleger_type(who, &betrokkene->id), "identificatie", ident, "rol",
	                rollen, "betrokkene", onderwerp, "betrokkeneType", betrokkene->type, "zaak",
	                v->zaak_uuid, "zaakIdentificatie", v->zaak_identificatie, "actie",
	                policy_actie_name(v->actie), "doel", v->doel ? v->doel : "onbekend",
	                "grondslag", d->toegestaan ? v->grondslag : NULL, "verwerkingsactiviteit",
	                d->toegestaan ? v->verwerkingsactiviteit : NULL, "regel", d->regel,
	                "besluit", d->toegestaan ? "permit" : "deny", "detailniveau",
	                d->toegestaan ? detail_name(d->detail) : NULL, "reden",
	                v->reden ? reden : NULL, "traceId", trace);
	if (rec && gebruiker[0])
		json_object_set_new(json_object_get(rec, "actor"), "gebruikersId",
		                    json_string(gebruiker));
	if (rec && weergave[0])
		json_object_set_new(json_object_get(rec, "actor"), "gebruikersWeergave",
		                    json_string(weergave));
	return rec;
}

/* The vastlegger: a producer per thread, replies held for its delivery reports. */

struct toegang_vastlegger {
	struct toegang *t;
	struct event_base *base;
	rd_kafka_t *rk;
	rd_kafka_topic_t *rkt;
	rd_kafka_queue_t *q;
	int wake[2];
	struct event *ev_wake, *ev_tick;
	struct schemaset *schemas;
	const struct schema_entry *schema;
	char source[160];
	size_t open;
	long timeout_ms;
	struct tokencache *tokens;
};

struct toegang_verzoek {
	struct toegang_vastlegger *vl;
	struct evhttp_request *req;
	char traceparent[TRACEPARENT_LEN + 1];
	char *instance;
	int uitstaand; /* records not yet acknowledged */
	bool mislukt;  /* a record could not be delivered */
	bool klaar;    /* the handler gave its reply */
	int64_t klaar_us;
	int status;
	const char *ctype;
	char *body;
	bool geweigerd; /* counted once as a refused look-up */
	char caller[PRINCIPAL_MAX_TEKST +
	            24]; /* the caller, for the throttle; "" before authentication */
};

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
verzoek_free(struct toegang_verzoek *v)
{
	free(v->instance);
	free(v->body);
	free(v);
}

static char *
problem_text(const struct toegang_verzoek *v, int status, const char *code, const char *title,
             const char *detail, json_t *invalid_params)
{
	struct http_req r = {.req = v->req};
	char *s;

	snprintf(r.path, sizeof(r.path), "%s", v->instance);
	s = http_problem_body(&r, status, code, title, detail, invalid_params);
	return s; /* NULL (out of memory) is answered 500 when the reply goes */
}

/* Out of memory building a reply: a 500 that needs none. */
static void
send_out_of_memory(struct toegang_verzoek *v)
{
	struct http_req r = {.req = v->req};

	snprintf(r.traceparent, sizeof(r.traceparent), "%s", v->traceparent);
	http_internal_error(&r);
}

/* Sends the reply once it is given and nothing is on its way any more. */
static void
verzoek_misschien_af(struct toegang_verzoek *v)
{
	static const char niet_vastgelegd[] = "niet_vastgelegd";
	struct toegang_vastlegger *vl = v->vl;

	if (!v->klaar || v->uitstaand > 0)
		return;
	if (v->klaar_us)
		metric_mt_observe_us(&vl->t->held, mono_us() - v->klaar_us);
	if (v->mislukt) {
		/* instance is the caller's path: through the JSON writer, never
		 * pasted into the text. */
		char *body = problem_text(
		        v, 503, niet_vastgelegd, "De raadpleging kon niet worden vastgelegd.",
		        "Er worden geen gegevens getoond waarvan niet is vastgelegd "
		        "dat ze zijn ingezien. Probeer het later opnieuw.",
		        NULL);

		metric_mt_inc(&vl->t->unrecorded);
		if (body)
			http_send(v->req, v->traceparent, 503, "application/problem+json", body,
			          strlen(body));
		else
			send_out_of_memory(v);
		free(body);
	} else if (v->body) {
		http_send(v->req, v->traceparent, v->status, v->ctype, v->body, strlen(v->body));
	} else {
		send_out_of_memory(v); /* the reply could not be built */
	}
	verzoek_free(v);
}

static void
on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct toegang_vastlegger *vl = opaque;
	struct toegang_verzoek *v = m->_private;
	(void)rk;

	if (m->err) {
		zlog_error("raadpleging not delivered: %s", rd_kafka_err2name(m->err));
		v->mislukt = true;
	}
	if (--v->uitstaand == 0 && v->klaar)
		vl->open--;
	verzoek_misschien_af(v);
}

static void
serve(struct toegang_vastlegger *vl)
{
	while (rd_kafka_poll(vl->rk, 0) > 0)
		;
}

static void
on_wake(evutil_socket_t fd, short what, void *arg)
{
	char buf[64];
	(void)what;

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	serve(arg);
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	serve(arg);
}

static void
kafka_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	(void)rk;
	zlog(level <= 3   ? LOG_ERROR
	     : level == 4 ? LOG_WARN
	                  : LOG_DEBUG,
	     NULL, "librdkafka %s: %s", fac, buf);
}

static void
kafka_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	(void)rk;
	(void)opaque;
	/* A fatal idempotence error leaves the producer unusable: every later
	 * reply becomes 503 until a restart, rather than unrecorded data. */
	zlog(err == RD_KAFKA_RESP_ERR__FATAL ? LOG_ERROR : LOG_DEBUG, NULL,
	     "raadplegingen producer %s: %s", rd_kafka_err2name((rd_kafka_resp_err_t)err), reason);
}

static rd_kafka_t *
producer_new(struct toegang_vastlegger *vl, const char *brokers, const char *client_id)
{
	char errstr[512], timeout[24], linger[24];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	const char *kv[][2] = {
	        {"bootstrap.servers", brokers},
	        {"client.id", client_id},
	        /* acks=all, no duplicates on retry, order per partition. */
	        {"enable.idempotence", "true"},
	        /* Every reply waits for its record: send at once, batches form
	         * by themselves while requests are in flight. */
	        {"linger.ms", linger},
	        {"message.timeout.ms", timeout},
	        {"partitioner", "murmur2_random"},
	        {"queue.buffering.max.messages", "100000"},
	        {"socket.keepalive.enable", "true"},
	        /* Small produce requests go out at once, not after a delayed ACK. */
	        {"socket.nagle.disable", "true"},
	};

	snprintf(timeout, sizeof(timeout), "%ld", vl->timeout_ms);
	snprintf(linger, sizeof(linger), "%ld", raadpleging_linger_ms);
	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
		if (rd_kafka_conf_set(conf, kv[i][0], kv[i][1], errstr, sizeof(errstr)) !=
		    RD_KAFKA_CONF_OK) {
			zlog_error("invalid kafka setting %s: %s", kv[i][0], errstr);
			rd_kafka_conf_destroy(conf);
			return NULL;
		}
	rd_kafka_conf_set_log_cb(conf, kafka_log);
	rd_kafka_conf_set_error_cb(conf, kafka_error);
	rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
	rd_kafka_conf_set_opaque(conf, vl);
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
	if (!rk)
		zlog_error("could not create kafka producer: %s", errstr);
	return rk;
}

struct toegang_vastlegger *
toegang_vastlegger_new(struct toegang *t, struct event_base *base, const char *brokers,
                       const char *client_id, const char *schemas_dir)
{
	struct toegang_vastlegger *vl = calloc(1, sizeof(*vl));
	struct timeval tick = {.tv_usec = 100 * 1000};
	char err[512];

	if (!vl)
		return NULL;
	vl->t = t;
	vl->base = base;
	vl->wake[0] = vl->wake[1] = -1;
	vl->timeout_ms = raadpleging_timeout_ms;
	vl->tokens = tokencache_new((size_t)token_cache);
	snprintf(vl->source, sizeof(vl->source), "%s%s", stream_ce_source_prefix, client_id);
	/* Schema sets keep scratch values: one per thread. */
	vl->schemas = schemaset_load(schemas_dir, err, sizeof(err));
	if (!vl->schemas) {
		zlog_error("could not load schemas: %s", err);
		goto fail;
	}
	vl->schema = schemaset_latest(vl->schemas, RAADPLEGING);
	if (!vl->schema) {
		zlog_error("no schema for %s in %s", RAADPLEGING, schemas_dir);
		goto fail;
	}
	vl->rk = producer_new(vl, brokers, client_id);
	if (!vl->rk)
		goto fail;
	vl->rkt = rd_kafka_topic_new(vl->rk, t->topic, NULL);
	vl->q = rd_kafka_queue_get_main(vl->rk);
	vl->wake[0] = kafka_wake_fd(vl->q, &vl->wake[1]);
	if (vl->wake[0] < 0)
		goto fail;
	vl->ev_wake = event_new(base, vl->wake[0], EV_READ | EV_PERSIST, on_wake, vl);
	vl->ev_tick = event_new(base, -1, EV_PERSIST, on_tick, vl);
	event_add(vl->ev_wake, NULL);
	event_add(vl->ev_tick, &tick);
	return vl;
fail:
	toegang_vastlegger_free(vl);
	return NULL;
}

size_t
toegang_vastlegger_open(const struct toegang_vastlegger *vl)
{
	return vl->open;
}

void
toegang_vastlegger_free(struct toegang_vastlegger *vl)
{
	if (!vl)
		return;
	if (vl->rk) {
		/* Every record gets its report within message.timeout.ms: then
		 * each held reply has gone out, as data or as 503. */
		for (int64_t until = now_ms() + vl->timeout_ms + 1000;
		     vl->open > 0 && now_ms() < until;)
			rd_kafka_poll(vl->rk, 50);
		if (vl->open > 0)
			zlog_warn("%zu replies still held at shutdown", vl->open);
	}
	if (vl->ev_wake)
		event_free(vl->ev_wake);
	if (vl->ev_tick)
		event_free(vl->ev_tick);
	if (vl->q)
		rd_kafka_queue_destroy(vl->q);
	if (vl->rkt)
		rd_kafka_topic_destroy(vl->rkt);
	if (vl->rk)
		rd_kafka_destroy(vl->rk);
	for (int i = 0; i < 2; i++)
		if (vl->wake[i] >= 0)
			close(vl->wake[i]);
	schemaset_free(vl->schemas);
	tokencache_free(vl->tokens);
	free(vl);
}

struct toegang_verzoek *
toegang_verzoek_begin(struct toegang_vastlegger *vl, struct http_req *r)
{
	struct toegang_verzoek *v = calloc(1, sizeof(*v));

	if (!v)
		abort();
	v->vl = vl;
	v->req = r->req;
	snprintf(v->traceparent, sizeof(v->traceparent), "%s", r->traceparent);
	v->instance = strdup(r->path);
	if (!v->instance)
		abort();
	return v;
}

/* Gives the reply to the request; it goes out when the records are in. */
static void
verzoek_klaar(struct toegang_verzoek *v, int status, const char *ctype, char *body)
{
	v->klaar = true;
	v->klaar_us = v->uitstaand > 0 ? mono_us() : 0;
	v->status = status;
	v->ctype = ctype;
	v->body = body;
	if (v->uitstaand > 0)
		v->vl->open++;
	verzoek_misschien_af(v);
}

/*
 * After authentication: a caller whose look-ups were refused too often in
 * the window gets 429 before anything is looked up, whatever they ask (so
 * that being held back says nothing about what exists).
 */
static bool
not_throttled(struct toegang_verzoek *v, const struct principal *p)
{
	struct toegang *t = v->vl->t;
	char retry[24];
	long left_s = 0;

	snprintf(v->caller, sizeof(v->caller), "%s:%s", principal_kind_name(p->kind),
	         p->kind == PRINCIPAL_INWONER      ? p->identiteit.nummer
	         : p->kind == PRINCIPAL_MEDEWERKER ? p->medewerker_id
	                                           : p->client_id);
	if (!throttle_holds(t->throttle, v->caller, now_ms(), &left_s))
		return true;
	metric_mt_inc(&t->afgeremd);
	snprintf(retry, sizeof(retry), "%ld", left_s);
	evhttp_add_header(evhttp_request_get_output_headers(v->req), "Retry-After", retry);
	toegang_probleem(v, 429, "te_veel_weigeringen",
	                 "Te veel opvragingen achter elkaar geweigerd; probeer het later opnieuw.",
	                 "Na te veel geweigerde opvragingen in korte tijd wacht u tot Retry-After "
	                 "verstreken is.",
	                 NULL);
	return false;
}

bool
toegang_authenticeer(struct toegang_verzoek *v, struct principal *out)
{
	struct jwt_result res;
	const char *auth =
	        evhttp_find_header(evhttp_request_get_input_headers(v->req), "Authorization");

	struct toegang_vastlegger *vl = v->vl;
	const char *tok = NULL;
	size_t len = 0;
	time_t nu = time(NULL);

	/* A token seen before on this thread: its principal without another RSA
	 * verification, until the second the verifier would refuse it. */
	if (vl->tokens && jwt_bearer(auth, &tok, &len) == JWT_OK &&
	    tokencache_get(vl->tokens, tok, len, nu, out))
		return not_throttled(v, out);
	if (toegang_verifieer(vl->t, auth, nu, out, &res)) {
		if (vl->tokens && tok)
			tokencache_put(vl->tokens, tok, len, res.geldig_tot, out);
		return not_throttled(v, out);
	}
	metric_mt_inc(&v->vl->t->unauth);
	evhttp_add_header(evhttp_request_get_output_headers(v->req), "WWW-Authenticate",
	                  res.fout == JWT_FOUT_ONTBREEKT
	                          ? "Bearer realm=\"zaakstroom\""
	                          : "Bearer realm=\"zaakstroom\", error=\"invalid_token\"");
	toegang_probleem(v, 401, jwt_fout_code(res.fout), jwt_fout_titel(res.fout),
	                 res.detail[0] ? res.detail : NULL, NULL);
	return false;
}

void
toegang_registreer(struct toegang_verzoek *v, const struct principal *who,
                   const struct toegang_betrokkene *betrokkene,
                   const struct toegang_vastlegging *vast, const struct policy_decision *d)
{
	struct toegang_vastlegger *vl = v->vl;
	json_t *rec =
	        toegang_raadpleging(&vl->t->sleutel, who, betrokkene, vast, d, v->traceparent);
	struct ce_attrs ce;
	rd_kafka_headers_t *hdrs;
	void *buf = NULL;
	size_t len = 0;
	char err[256];
	const char *key;

	metric_mt_inc(d->toegestaan ? &vl->t->permit : &vl->t->deny);
	if (!rec || schemaset_encode(vl->schema, rec, &buf, &len, err, sizeof(err)) != 0) {
		zlog_error("could not encode a raadpleging: %s", rec ? err : "no pseudonym");
		v->mislukt = true;
		json_decref(rec);
		return;
	}
	key = json_string_value(json_object_get(rec, "betrokkene"));
	/* The record continues the request's trace. */
	ce_attrs_init(&ce, RAADPLEGING, vl->source, key, v->traceparent);
	hdrs = kafka_headers_from_ce(&ce);
	rd_kafka_resp_err_t e = rd_kafka_producev(
	        vl->rk, RD_KAFKA_V_RKT(vl->rkt), RD_KAFKA_V_KEY(key, strlen(key)),
	        RD_KAFKA_V_VALUE(buf, len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_FREE),
	        RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(v), RD_KAFKA_V_END);
	if (e) {
		zlog_error("could not produce a raadpleging: %s", rd_kafka_err2name(e));
		rd_kafka_headers_destroy(hdrs);
		free(buf);
		v->mislukt = true;
	} else {
		v->uitstaand++;
	}
	json_decref(rec);
}

void
toegang_besluit_ongeldig(struct policy_decision *d)
{
	if (!d->toegestaan)
		return;
	*d = (struct policy_decision){
	        .regel = "ongeldig-verzoek",
	        .uitleg = "Het verzoek had ongeldige parameters; er is niets getoond.",
	        .uitleg_en = "The request had invalid parameters; nothing was shown.",
	};
}

void
toegang_registreer_onbekend(struct toegang_verzoek *v, const struct principal *who,
                            const struct toegang_vastlegging *vast)
{
	static const struct policy_decision onbekend = {
	        .regel = "onbekend",
	        .uitleg = "Deze zaak bestaat niet, of u mag haar niet zien.",
	        .uitleg_en = "This zaak does not exist, or you may not see it.",
	};
	struct toegang_betrokkene b;

	toegang_betrokkene_zelf(who, &b);
	toegang_registreer(v, who, &b, vast, &onbekend);
}

/*
 * A pseudonym is made of uppercase letters and digits only; an id such as
 * "b.eheer" is hex-encoded under its own soort (so it never meets a plain
 * id), at most its first 32 characters.
 */
static void
zelf_nummer(struct toegang_betrokkene *b, const char *soort, const char *soort_hex, const char *id)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; id[i] && ((id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= '0' && id[i] <= '9'));
	     i++)
		;
	if (!id[i] && i > 0 && i < sizeof(b->nummer_buf)) {
		b->soort = soort;
		b->nummer = id;
		return;
	}
	for (i = 0; id[i] && 2 * i + 2 < sizeof(b->nummer_buf); i++) {
		b->nummer_buf[2 * i] = hex[(unsigned char)id[i] >> 4];
		b->nummer_buf[2 * i + 1] = hex[(unsigned char)id[i] & 15];
	}
	b->nummer_buf[2 * i] = '\0';
	b->soort = soort_hex;
	b->nummer = b->nummer_buf;
}

void
toegang_betrokkene_zelf(const struct principal *who, struct toegang_betrokkene *b)
{
	memset(b, 0, sizeof(*b));
	b->id = who->identiteit;
	if (who->kind == PRINCIPAL_INWONER) {
		b->type = who->identiteit.type == ID_KVK ? "niet_natuurlijk_persoon"
		                                         : "natuurlijk_persoon";
	} else if (who->kind == PRINCIPAL_MEDEWERKER) {
		b->type = "medewerker";
		zelf_nummer(b, "MEDEWERKER", "MEDEWERKERHEX", who->medewerker_id);
	} else {
		b->type = "niet_natuurlijk_persoon";
		zelf_nummer(b, "APPLICATIE", "APPLICATIEHEX", who->client_id);
	}
}

void
toegang_antwoord(struct toegang_verzoek *v, int status, json_t *body)
{
	char *s = body ? json_dumps(body, JSON_COMPACT) : NULL;

	/* NULL (a body or its text that could not be built) goes out as 500. */
	json_decref(body);
	verzoek_klaar(v, status, "application/json", s);
}

void
toegang_antwoord_tekst(struct toegang_verzoek *v, int status, const char *ctype, char *body)
{
	verzoek_klaar(v, status, ctype, body);
}

void
toegang_weigering(struct toegang_verzoek *v)
{
	if (!v->caller[0] || v->geweigerd)
		return;
	v->geweigerd = true;
	metric_mt_inc(&v->vl->t->geweigerd);
	throttle_count(v->vl->t->throttle, v->caller, now_ms());
}

void
toegang_probleem(struct toegang_verzoek *v, int status, const char *code, const char *title,
                 const char *detail, json_t *invalid_params)
{
	/* A refused look-up counts against the caller: a sweep runs into 429. */
	if (status == 404 || status == 403)
		toegang_weigering(v);
	verzoek_klaar(v, status, "application/problem+json",
	              problem_text(v, status, code, title, detail, invalid_params));
}
