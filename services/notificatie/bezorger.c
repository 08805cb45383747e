/*
 * bezorger.c — the delivery side of notificatie, on the daemon's loop.
 *
 * Every tick: record the outcomes that came in (one transaction, with
 * their events), then claim what is due up to the in-flight bound and start
 * sending it. Claiming is one UPDATE ... FOR UPDATE SKIP LOCKED, so the
 * queue's order is the database's, and a message is never in flight twice
 * in one process.
 */
#include "bezorger.h"
#include "access/principal.h"
#include "access/toegang.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/metrics.h"
#include "notificatie.h"
#include "verzending.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One claimed message, from claim to recorded outcome. */
struct zending {
	struct bezorger *b;
	char id[UUID_LEN + 1];
	char *sleutel, *betrokkene, *zaak, *identificatie, *aanvraag_id, *verzoek_id, *aanleiding,
	        *kanaal, *onderwerp;
	int pogingen;
	/* A webhook's: to whom and where it went, as it was sent. */
	char *abonnement, *zaaktype;
	char origin[300];
	bool cloudevents;
	/* The outcome, once answered. */
	enum uitslag uitslag;
	int64_t wacht_ms;
	char foutcode[32];
	char fout[256];
	struct zending *volgende;
};

struct bezorger {
	struct notificatie *n;
	struct bezorger_config c;
	char service_id[UUID_LEN + 1], secret[UUID_LEN + 1];
	struct verzending *v;
	struct event *tick, *wek, *vastleg;
	struct zending *klaar; /* answered, not yet recorded */
	int nklaar;
	bool gestopt, vastleg_gepland;

	struct metric *m_verstuurd, *m_opnieuw, *m_mislukt, *m_definitief, *m_bezig;
};

bool
bezorger_prepare(struct pg *pg)
{
	return pg_prepare(
	               pg, "claim",
	               "UPDATE berichten b SET status = 'bezig', pogingen = b.pogingen + 1"
	               " FROM (SELECT id FROM berichten WHERE status = 'wacht'"
	               " AND volgende_poging <= now() ORDER BY volgende_poging LIMIT $1"
	               " FOR UPDATE SKIP LOCKED) k"
	               " WHERE b.id = k.id RETURNING b.id::text, b.sleutel, b.betrokkene,"
	               " b.zaak::text, b.identificatie, b.aanvraag_id, b.aanleiding, b.kanaal,"
	               " b.abonnement, b.onderwerp, b.tekst, b.pogingen,"
	               " (SELECT emailadres FROM voorkeuren v WHERE v.betrokkene = b.betrokkene),"
	               " (SELECT telefoonnummer FROM voorkeuren v WHERE v.betrokkene = b.betrokkene),"
	               " b.verzoek_id, (SELECT zaaktype FROM zaken z WHERE z.uuid = b.zaak)",
	               1) &&
	       /* Every delivered message of a round in one statement. */
	       pg_prepare(pg, "verstuurd",
	                  "UPDATE berichten SET status = 'verstuurd', verstuurd_op = now(),"
	                  " foutcode = NULL, fout = NULL"
	                  " WHERE id IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid)",
	                  1) &&
	       pg_prepare(pg, "opnieuw",
	                  "UPDATE berichten SET status = 'wacht', volgende_poging = now() +"
	                  " $2::bigint * interval '1 millisecond', foutcode = $3, fout = $4"
	                  " WHERE id = $1::uuid",
	                  4) &&
	       pg_prepare(pg, "mislukt",
	                  "UPDATE berichten SET status = 'mislukt', foutcode = $2, fout = $3"
	                  " WHERE id = $1::uuid",
	                  3) &&
	       pg_prepare(pg, "herstart",
	                  "UPDATE berichten SET status = 'wacht' WHERE status = 'bezig'", 0) &&
	       pg_prepare(
	               pg, "nog_eens",
	               "UPDATE berichten SET status = 'wacht', pogingen = 0, volgende_poging = now(),"
	               " foutcode = NULL, fout = NULL WHERE id = $1::uuid AND status = 'mislukt'"
	               " RETURNING id",
	               1) &&
	       pg_prepare(pg, "bericht_status", "SELECT status FROM berichten WHERE id = $1::uuid",
	                  1);
}

static void
zending_free(struct zending *z)
{
	if (!z)
		return;
	free(z->sleutel);
	free(z->betrokkene);
	free(z->zaak);
	free(z->identificatie);
	free(z->aanvraag_id);
	free(z->verzoek_id);
	free(z->aanleiding);
	free(z->kanaal);
	free(z->onderwerp);
	free(z->abonnement);
	free(z->zaaktype);
	free(z);
}

static double
jitter(void)
{
	unsigned int r = 0;

	if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
		return 1.0;
	return (double)r / (double)UINT32_MAX;
}

/* The event for a delivered or failed resident message (a webhook's is
 * emit_doorgifte's). */
static bool
emit_uitkomst(struct bezorger *b, const struct ce_attrs *cause, const char *record, const char *id,
              const char *sleutel, const char *betrokkene, const char *zaak,
              const char *identificatie, const char *aanvraag_id, const char *verzoek_id,
              const char *aanleiding, const char *kanaal, const char *onderwerp, int pogingen,
              const char *foutcode, const char *fout, bool definitief)
{
	char tijd[32], ce_id[UUID_LEN + 1], naam[128];
	bool verstuurd = strcmp(record, "BerichtVerstuurd") == 0;
	json_t *data;

	format_rfc3339_ms(now_ms(), tijd);
	data = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s, s:s, s:s, s:s, s:s, s:i, s:s}",
	                 "berichtId", id, "zaak", zaak, "identificatie", identificatie,
	                 "aanvraagId", aanvraag_id, "verzoekId", verzoek_id, "aanleiding",
	                 aanleiding, "kanaal", kanaal, "ontvanger", betrokkene, "onderwerp",
	                 onderwerp, verstuurd ? "verstuurdOp" : "misluktOp", tijd, "pogingen",
	                 pogingen, "dedupSleutel", sleutel);
	if (!data)
		return false;
	if (!verstuurd)
		json_object_update_new(data, json_pack("{s:b, s:s, s:s}", "definitief", definitief,
		                                       "foutcode", foutcode, "fout", fout));
	/* Name-based: a replayed outcome is the same event. */
	snprintf(naam, sizeof(naam), "%s:%s:%d", record, id, pogingen);
	uuid_v5(ZS_UUID_NAMESPACE, naam, ce_id);
	bool ok = projector_emit(b->n->p, TOPIC_BERICHTEN,
	                         zaak ? zaak : (aanvraag_id ? aanvraag_id : verzoek_id), record,
	                         data, cause, ce_id);
	json_decref(data);
	return ok;
}

/* A subscriber accepted an event about a zaak: who, where and what, so
 * that the register and the betrokkenen's inzage can name it. One per
 * delivery (the ce_id is the message id's), whatever the attempts. */
static bool
emit_doorgifte(struct bezorger *b, const struct zending *z)
{
	char tijd[32], ce_id[UUID_LEN + 1], naam[96];
	json_t *data;

	format_rfc3339_ms(now_ms(), tijd);
	/* webhooks are placed only for zaken known here, so zaak, identificatie
	 * and zaaktype are there; "" keeps a damaged row from blocking the round */
	data = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "berichtId", z->id,
	                 "abonnement", z->abonnement ? z->abonnement : "", "origin", z->origin,
	                 "vorm", z->cloudevents ? "cloudevents" : "notificaties", "zaak",
	                 z->zaak ? z->zaak : "", "identificatie",
	                 z->identificatie ? z->identificatie : "", "zaaktype",
	                 z->zaaktype ? z->zaaktype : "", "aanleiding", z->aanleiding,
	                 "doorgegevenOp", tijd, "pogingen", z->pogingen);
	if (!data)
		return false;
	snprintf(naam, sizeof(naam), "GebeurtenisDoorgegeven:%s", z->id);
	uuid_v5(ZS_UUID_NAMESPACE, naam, ce_id);
	bool ok = projector_emit(b->n->p, TOPIC_BERICHTEN, z->zaak ? z->zaak : z->id,
	                         "GebeurtenisDoorgegeven", data, NULL, ce_id);
	json_decref(data);
	return ok;
}

void
bezorger_geen_contact(struct bezorger *b, const struct ce_attrs *cause, const char *id,
                      const char *sleutel, const char *betrokkene, const char *zaak,
                      const char *identificatie, const char *aanvraag_id, const char *verzoek_id,
                      const char *aanleiding, const char *onderwerp)
{
	emit_uitkomst(b, cause, "BerichtMislukt", id, sleutel, betrokkene, zaak, identificatie,
	              aanvraag_id, verzoek_id, aanleiding, "email", onderwerp, 0,
	              "geen_contactgegevens", "Er is geen e-mailadres of telefoonnummer bekend.",
	              true);
	projector_count(b->n->p, b->m_definitief, 1);
}

/* Writes every answered message's outcome and event; kept for the next
 * tick when the transaction fails (the rows stay 'bezig' meanwhile). */
static void
vastleggen(struct bezorger *b)
{
	struct pg *pg;
	char wacht[24];
	json_t *verstuurd;
	bool ok = true;

	if (!b->klaar)
		return;
	pg = projector_pg(b->n->p);
	if (!projector_tx_begin(b->n->p))
		return;
	verstuurd = json_array();
	for (struct zending *z = b->klaar; z && ok; z = z->volgende) {
		bool inwoner = strcmp(z->kanaal, "webhook") != 0;

		if (z->uitslag == UITSLAG_AFGELEVERD) {
			json_array_append_new(verstuurd, json_string(z->id));
			ok = inwoner ? emit_uitkomst(b, NULL, "BerichtVerstuurd", z->id, z->sleutel,
			                             z->betrokkene, z->zaak, z->identificatie,
			                             z->aanvraag_id, z->verzoek_id, z->aanleiding,
			                             z->kanaal, z->onderwerp, z->pogingen, NULL,
			                             NULL, false)
			             : emit_doorgifte(b, z);
		} else if (z->wacht_ms >= 0) {
			snprintf(wacht, sizeof(wacht), "%lld", (long long)z->wacht_ms);
			const char *vals[4] = {z->id, wacht, z->foutcode, z->fout};
			ok = pg_cmdp(pg, "opnieuw", 4, vals);
		} else {
			const char *vals[3] = {z->id, z->foutcode, z->fout};
			ok = pg_cmdp(pg, "mislukt", 3, vals) &&
			     (!inwoner ||
			      emit_uitkomst(b, NULL, "BerichtMislukt", z->id, z->sleutel,
			                    z->betrokkene, z->zaak, z->identificatie,
			                    z->aanvraag_id, z->verzoek_id, z->aanleiding, z->kanaal,
			                    z->onderwerp, z->pogingen, z->foutcode, z->fout, true));
		}
	}
	if (ok && json_array_size(verstuurd) > 0) {
		char *ids = json_dumps(verstuurd, JSON_COMPACT);
		const char *vals[1] = {ids};
		ok = ids && pg_cmdp(pg, "verstuurd", 1, vals);
		free(ids);
	}
	json_decref(verstuurd);
	if (!ok) {
		/* The answers stay in memory and their rows bezig: tried again
		 * next round; a restart sends them again with the same id. */
		zlog_error("could not record %d delivery outcomes; will retry", b->nklaar);
		projector_tx_rollback(b->n->p);
		return;
	}
	if (!projector_tx_commit(b->n->p))
		return;
	while (b->klaar) {
		struct zending *z = b->klaar;
		b->klaar = z->volgende;
		if (z->uitslag == UITSLAG_AFGELEVERD)
			metric_inc(b->m_verstuurd, 1);
		else if (z->wacht_ms >= 0)
			metric_inc(b->m_opnieuw, 1);
		else
			metric_inc(b->m_mislukt, 1);
		zending_free(z);
	}
	b->nklaar = 0;
}

static void
beantwoord(const struct antwoord *a, void *arg)
{
	struct zending *z = arg;
	struct bezorger *b = z->b;
	bool smtp = strcmp(z->kanaal, "email") == 0 && b->c.email_via_smtp;

	z->uitslag = smtp ? uitslag_smtp(a->code) : uitslag_http(a->code);
	if (a->code == 0)
		z->uitslag = UITSLAG_TIJDELIJK;
	z->wacht_ms = 0;
	if (z->uitslag != UITSLAG_AFGELEVERD) {
		snprintf(z->foutcode, sizeof(z->foutcode), "%s",
		         z->uitslag == UITSLAG_DEFINITIEF ? "permanent_failure"
		                                          : "technical_failure");
		if (a->code)
			snprintf(z->fout, sizeof(z->fout), "%s antwoordde %ld",
			         smtp ? "SMTP" : "HTTP", a->code);
		else
			snprintf(z->fout, sizeof(z->fout), "geen antwoord: %s", a->fout);
		z->wacht_ms =
		        z->uitslag == UITSLAG_DEFINITIEF
		                ? -1
		                : backoff_wacht_ms(&b->c.backoff, z->pogingen, jitter(),
		                                   retry_after_ms(a->retry_after, time(NULL)));
		if (z->wacht_ms < 0 && z->uitslag == UITSLAG_TIJDELIJK) {
			metric_inc(b->m_definitief, 1);
			zlog_warn("message %s failed for good after %d attempts: %s", z->id,
			          z->pogingen, z->fout);
		}
		if (z->uitslag == UITSLAG_DEFINITIEF)
			metric_inc(b->m_definitief, 1);
	}
	z->volgende = b->klaar;
	b->klaar = z;
	b->nklaar++;
	metric_set(b->m_bezig, verzending_bezig(b->v));
	/* Outcomes are recorded a round at a time: answers that come within a
	 * few milliseconds share one transaction (a commit per answer capped
	 * delivery at the commit rate). */
	if (!b->vastleg_gepland) {
		struct timeval tv = {.tv_sec = 0, .tv_usec = 5000};
		b->vastleg_gepland = true;
		evtimer_add(b->vastleg, &tv);
	}
}

static char *
kopie(PGresult *res, int r, int c)
{
	return PQgetisnull(res, r, c) ? NULL : strdup(PQgetvalue(res, r, c));
}

static const char *
waarde(PGresult *res, int r, int c)
{
	return PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
}

/* RFC 2047: the subject as base64 UTF-8, whatever its characters. */
static void
onderwerp_mime(const char *onderwerp, char *out, size_t n)
{
	char schoon[512];
	unsigned char b64[1024];

	kop_veilig(schoon, sizeof(schoon), onderwerp);
	EVP_EncodeBlock(b64, (const unsigned char *)schoon, (int)strlen(schoon));
	snprintf(out, n, "=?UTF-8?B?%s?=", b64);
}

/* The message as RFC 5322 text with CRLF line ends. */
static char *
smtp_bericht(const struct bezorger *b, const struct zending *z, const char *aan, const char *tekst)
{
	char kop[2048], subject[1100], datum[64], adres[320];
	time_t t = time(NULL);
	struct tm tm;
	size_t n = strlen(tekst), o;
	char *out;

	gmtime_r(&t, &tm);
	strftime(datum, sizeof(datum), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	onderwerp_mime(z->onderwerp, subject, sizeof(subject));
	kop_veilig(adres, sizeof(adres), aan);
	int k = snprintf(kop, sizeof(kop),
	                 "From: %s\r\nTo: <%s>\r\nSubject: %s\r\nDate: %s\r\n"
	                 "Message-ID: <%s@zaakstroom>\r\nMIME-Version: 1.0\r\n"
	                 "Content-Type: text/plain; charset=utf-8\r\n"
	                 "Content-Transfer-Encoding: 8bit\r\n\r\n",
	                 b->c.smtp_van, adres, subject, datum, z->id);
	if (k < 0 || (size_t)k >= sizeof(kop))
		return NULL;
	out = malloc((size_t)k + 2 * n + 3);
	if (!out)
		return NULL;
	memcpy(out, kop, (size_t)k);
	o = (size_t)k;
	for (size_t i = 0; i < n; i++) {
		if (tekst[i] == '\n' && (i == 0 || tekst[i - 1] != '\r'))
			out[o++] = '\r';
		out[o++] = tekst[i];
	}
	memcpy(out + o, "\r\n", 3);
	return out;
}

static bool
notifynl_post(struct bezorger *b, struct zending *z, bool sms, const char *aan, const char *tekst)
{
	char url[600], auth[600];
	char *token = notifynl_token(b->service_id, b->secret, time(NULL)), *body;
	json_t *doc;
	bool ok = false;

	if (!token)
		return false;
	snprintf(url, sizeof(url), "%s/v2/notifications/%s", b->c.notifynl_url,
	         sms ? "sms" : "email");
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	free(token);
	doc = json_pack(
	        "{s:s, s:s, s:{s:s, s:s}, s:s}", sms ? "phone_number" : "email_address", aan,
	        "template_id", sms ? b->c.notifynl_sms_template : b->c.notifynl_email_template,
	        "personalisation", "onderwerp", z->onderwerp, "bericht", tekst, "reference", z->id);
	body = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (body) {
		const char *headers[] = {"Content-Type: application/json", auth, NULL};
		ok = verzending_post(b->v, url, headers, body, beantwoord, z);
	}
	free(body);
	return ok;
}

static bool
webhook_post(struct bezorger *b, struct zending *z, const char *abonnement, const char *body)
{
	const struct abonnement *a = NULL;
	char auth[600], idem[80];

	for (int i = 0; i < b->n->abonnementen.n; i++)
		if (strcmp(b->n->abonnementen.a[i].id, abonnement) == 0)
			a = &b->n->abonnementen.a[i];
	if (!a)
		return false;
	abonnement_origin(a->url, z->origin, sizeof(z->origin));
	z->cloudevents = a->cloudevents;
	snprintf(idem, sizeof(idem), "Idempotency-Key: %s", z->id);
	snprintf(auth, sizeof(auth), "Authorization: %s", a->authorization);
	const char *headers[] = {a->cloudevents ? "Content-Type: application/cloudevents+json"
	                                        : "Content-Type: application/json",
	                         idem, a->authorization[0] ? auth : NULL, NULL};
	return verzending_post(b->v, a->url, headers, body, beantwoord, z);
}

/* Starts one claimed message; false: it could not even be started. */
static bool
verstuur(struct bezorger *b, struct zending *z, const char *abonnement, const char *tekst,
         const char *email, const char *tel)
{
	if (strcmp(z->kanaal, "webhook") == 0)
		return abonnement && webhook_post(b, z, abonnement, tekst);
	if (strcmp(z->kanaal, "sms") == 0)
		return tel && b->c.notifynl_url[0] && notifynl_post(b, z, true, tel, tekst);
	if (!email)
		return false;
	if (b->c.email_via_smtp) {
		char *msg = smtp_bericht(b, z, email, tekst);
		bool ok = msg && verzending_smtp(b->v, b->c.smtp_url, b->c.smtp_van, email, msg,
		                                 beantwoord, z);
		free(msg);
		return ok;
	}
	return notifynl_post(b, z, false, email, tekst);
}

static void
claim(struct bezorger *b)
{
	int ruimte = b->c.max_in_flight - verzending_bezig(b->v);
	char limit[16];
	PGresult *res;

	if (ruimte <= 0 || b->gestopt || loop_stopping() || !projector_ready(b->n->p))
		return;
	snprintf(limit, sizeof(limit), "%d", ruimte);
	const char *vals[1] = {limit};
	res = pg_execp(projector_pg(b->n->p), "claim", 1, vals, NULL, NULL);
	if (!res)
		return;
	for (int r = 0; r < PQntuples(res); r++) {
		struct zending *z = calloc(1, sizeof(*z));
		if (!z)
			break;
		z->b = b;
		snprintf(z->id, sizeof(z->id), "%s", PQgetvalue(res, r, 0));
		z->sleutel = kopie(res, r, 1);
		z->betrokkene = kopie(res, r, 2);
		z->zaak = kopie(res, r, 3);
		z->identificatie = kopie(res, r, 4);
		z->aanvraag_id = kopie(res, r, 5);
		z->aanleiding = kopie(res, r, 6);
		z->kanaal = kopie(res, r, 7);
		z->onderwerp = kopie(res, r, 9);
		z->pogingen = atoi(PQgetvalue(res, r, 11));
		z->verzoek_id = kopie(res, r, 14);
		z->abonnement = kopie(res, r, 8);
		z->zaaktype = kopie(res, r, 15);
		if (!verstuur(b, z, PQgetvalue(res, r, 8), PQgetvalue(res, r, 10),
		              waarde(res, r, 12), waarde(res, r, 13))) {
			/* No address (any more), or a subscription gone: nothing
			 * will change by waiting. */
			z->uitslag = UITSLAG_DEFINITIEF;
			z->wacht_ms = -1;
			snprintf(z->foutcode, sizeof(z->foutcode), "geen_contactgegevens");
			snprintf(z->fout, sizeof(z->fout),
			         "Er is geen adres of abonnement (meer) voor dit bericht.");
			z->volgende = b->klaar;
			b->klaar = z;
			b->nklaar++;
		}
	}
	PQclear(res);
	metric_set(b->m_bezig, verzending_bezig(b->v));
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct bezorger *b = arg;

	(void)fd;
	(void)what;
	b->vastleg_gepland = false;
	vastleggen(b);
	claim(b);
}

void
bezorger_wek(struct bezorger *b)
{
	if (b && b->wek)
		event_active(b->wek, 0, 0);
}

const char *
bezorger_resource_basis(const struct bezorger *b)
{
	return b->c.resource_basis;
}

struct bezorger *
bezorger_new(struct notificatie *n, const struct bezorger_config *c)
{
	struct bezorger *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->n = n;
	b->c = *c;
	if (c->notifynl_url[0] && !notifynl_sleutel(c->notifynl_key, b->service_id, b->secret)) {
		struct log_ctx ctx = LOG_CTX_INIT;
		ctx.detail =
		        "A NotifyNL API key is \"<name>-<service id>-<secret>\", both ids UUIDs.";
		ctx.hint =
		        "Copy the key from NotifyNL's API integration page into ZS_NOTIFYNL_API_KEY.";
		zlog_at(LOG_ERROR, &ctx, "invalid NotifyNL API key");
		free(b);
		return NULL;
	}
	if (c->email_via_smtp && !c->smtp_url[0]) {
		zlog_error("no SMTP server: ZS_NOTIFICATIE_EMAIL is smtp but ZS_SMTP_URL is empty");
		free(b);
		return NULL;
	}
	if (!c->email_via_smtp && !c->notifynl_url[0]) {
		zlog_error(
		        "no NotifyNL: ZS_NOTIFICATIE_EMAIL is notifynl but ZS_NOTIFYNL_URL is empty");
		free(b);
		return NULL;
	}
	b->v = verzending_new(loop_base(), c->timeout_ms, c->max_in_flight);
	b->tick = event_new(loop_base(), -1, EV_PERSIST, on_tick, b);
	b->wek = event_new(loop_base(), -1, 0, on_tick, b);
	b->vastleg = evtimer_new(loop_base(), on_tick, b);
	if (!b->v || !b->tick || !b->wek || !b->vastleg) {
		bezorger_free(b);
		return NULL;
	}
	const char *h = "Delivery attempts, by outcome.";
	b->m_verstuurd =
	        metric_counter("zs_notificatie_bezorgingen_total", "uitkomst=\"verstuurd\"", h);
	b->m_opnieuw =
	        metric_counter("zs_notificatie_bezorgingen_total", "uitkomst=\"opnieuw\"", h);
	b->m_mislukt =
	        metric_counter("zs_notificatie_bezorgingen_total", "uitkomst=\"mislukt\"", h);
	b->m_definitief = metric_counter(
	        "zs_notificatie_mislukt_definitief_total", NULL,
	        "Messages that will not be delivered (alert: the 14070 must reach the resident).");
	b->m_bezig = metric_gauge("zs_notificatie_in_flight", NULL, "Deliveries in flight.");
	return b;
}

bool
bezorger_start(struct bezorger *b)
{
	struct timeval tv = {.tv_sec = 0, .tv_usec = 50000};

	if (!pg_cmdp(projector_pg(b->n->p), "herstart", 0, NULL))
		return false;
	event_add(b->tick, &tv);
	return true;
}

void
bezorger_stop(struct bezorger *b)
{
	if (!b)
		return;
	b->gestopt = true;
	vastleggen(b);
}

void
bezorger_free(struct bezorger *b)
{
	if (!b)
		return;
	verzending_free(b->v);
	if (b->tick)
		event_free(b->tick);
	if (b->wek)
		event_free(b->wek);
	if (b->vastleg)
		event_free(b->vastleg);
	while (b->klaar) {
		struct zending *z = b->klaar;
		b->klaar = z->volgende;
		zending_free(z);
	}
	free(b);
}

static void
opnieuw(struct http_req *r, void *arg)
{
	struct bezorger *b = arg;
	struct principal p;
	struct jwt_result res;
	PGresult *pr;

	if (!toegang_verifieer(b->n->toegang, http_header(r, "Authorization"), time(NULL), &p,
	                       &res)) {
		http_problem(r, 401, jwt_fout_code(res.fout), jwt_fout_titel(res.fout), NULL, NULL);
		return;
	}
	if (p.kind != PRINCIPAL_MEDEWERKER || !(p.rollen & ROL_BIT(ROL_BEHEERDER))) {
		http_problem(r, 403, "geen_beheerder",
		             "Alleen een beheerder mag berichten opnieuw versturen.", NULL, NULL);
		return;
	}
	if (!uuid_valid(r->params[0])) {
		http_problem(r, 400, "ongeldig", "Dit is geen geldig bericht-id.", NULL,
		             json_pack("[o]", http_invalid_param("id", "uuid", "Geen UUID.")));
		return;
	}
	const char *vals[1] = {r->params[0]};
	pr = pg_execp(projector_pg(b->n->p), "nog_eens", 1, vals, NULL, NULL);
	if (!pr) {
		http_problem(r, 503, "niet_beschikbaar", "De database is even niet bereikbaar.",
		             NULL, NULL);
		return;
	}
	int n = PQntuples(pr);
	PQclear(pr);
	if (n == 1) {
		zlog_info("message %s queued again by %s", vals[0], p.medewerker_id);
		http_reply_json(r, 202, json_pack("{s:s, s:s}", "id", vals[0], "status", "wacht"));
		bezorger_wek(b);
		return;
	}
	pr = pg_execp(projector_pg(b->n->p), "bericht_status", 1, vals, NULL, NULL);
	if (pr && PQntuples(pr) == 1)
		http_problem(r, 409, "niet_mislukt",
		             "Dit bericht is niet mislukt en kan niet opnieuw worden verstuurd.",
		             PQgetvalue(pr, 0, 0), NULL);
	else
		http_problem(r, 404, "niet_gevonden", "Dit bericht bestaat niet.", NULL, NULL);
	PQclear(pr);
}

void
bezorger_routes(struct bezorger *b, struct http_server *http)
{
	http_route(http, "POST", "/api/v1/berichten/{id}/opnieuw", opnieuw, b);
}
