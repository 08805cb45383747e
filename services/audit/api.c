/*
 * api.c — inclusion and consistency proofs for the FG/DPO.
 *
 *   GET /api/v1/audit/bewijs?doel=toezicht&volgnummer=N[&boomgrootte=M]
 *       entry N, its leaf and the path to the root of the signed head of
 *       size M (default: the newest head)
 *   GET /api/v1/audit/bewijs?doel=toezicht&van=M&tot=N
 *       the consistency proof between the heads of sizes M and N
 *
 * The query is decided (audit.lezen) and appended to the log with a new
 * signed head in one committed transaction before the answer is made; a
 * query that cannot be recorded gets 503 and nothing else.
 */
#include "api.h"
#include "boom.h"
#include "regel.h"
#include "verwerking.h"
#include "register.h"
#include "core/log.h"
#include "core/mask.h"
#include "wire/schemaset.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
getal(const char *s, uint64_t *out)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0' && *out < (UINT64_C(1) << 62);
}

/* Appends the query to the log (entry + head, committed). */
static bool
vastleggen(struct audit_api *api, struct http_req *r, const struct principal *wie, int status,
           const char *object, const char *doel, const char *regel, const char *als_pad)
{
	struct audit *a = api->a;
	struct ce_attrs ce;
	char pad[640];
	const char *q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(r->req));
	json_t *entry;
	bool ok;

	/* als_pad: the request as recorded when its query names a person */
	if (als_pad)
		snprintf(pad, sizeof(pad), "%s", als_pad);
	else
		snprintf(pad, sizeof(pad), "%s%s%s", r->path, q ? "?" : "", q ? q : "");
	ce_attrs_init(&ce, "AuditRegel", "zaakstroom/audit", NULL, r->traceparent);
	snprintf(ce.traceparent, sizeof(ce.traceparent), "%s", r->traceparent);
	entry = regel_opvraging(&(struct regel_opvraging){.wie = wie,
	                                                  .pad = pad,
	                                                  .object = object,
	                                                  .resultaat = status,
	                                                  .doel = doel,
	                                                  .regel = regel,
	                                                  .ce = &ce},
	                        a->sleutel);
	if (!entry)
		return false;
	char bron[128];
	snprintf(bron, sizeof(bron), "http %s", ce.id);
	a->voor_batch = a->boom;
	ok = projector_tx_begin(a->p);
	if (ok) {
		struct pg *pg = projector_pg(a->p);
		ok = pg_pipeline_begin(pg) && audit_toevoegen(a, pg, entry, bron, &ce) &&
		     audit_teken(a, pg, &ce);
		if (ok)
			ok = projector_tx_commit(a->p);
		else
			projector_tx_rollback(a->p);
	}
	json_decref(entry);
	if (!ok)
		zlog_error("could not record an audit query in the log");
	return ok;
}

static json_t *
hex_json(const char *hex)
{
	return json_string(hex);
}

/* The signed head of size n (0: the newest), as JSON. */
static json_t *
boomhoofd(struct pg *pg, uint64_t n)
{
	char arg[24];
	const char *vals[1] = {arg};
	PGresult *res;
	json_t *h = NULL;

	snprintf(arg, sizeof(arg), "%" PRIu64, n);
	res = pg_execp(pg, "boomhoofd_van", 1, vals, NULL, NULL);
	if (res && PQntuples(res) == 1)
		h = json_pack("{s:I, s:o, s:I, s:s, s:o}", "boomgrootte",
		              (json_int_t)strtoll(PQgetvalue(res, 0, 0), NULL, 10), "wortelHash",
		              hex_json(PQgetvalue(res, 0, 1)), "getekendOp",
		              (json_int_t)strtoll(PQgetvalue(res, 0, 2), NULL, 10), "sleutelId",
		              PQgetvalue(res, 0, 3), "handtekening",
		              hex_json(PQgetvalue(res, 0, 4)));
	PQclear(res);
	return h;
}

static json_t *
pad_json(const merkle_hash *proof, int k)
{
	json_t *a = json_array();
	char hex[2 * MERKLE_HASH + 1];

	for (int i = 0; a && i < k; i++) {
		merkle_hex(proof[i], hex);
		json_array_append_new(a, json_string(hex));
	}
	return a;
}

/* Entry m: its leaf bytes (hex), leaf hash and the AuditRegel decoded. */
static json_t *
regel(struct audit_api *api, struct pg *pg, uint64_t m)
{
	const struct schema_entry *e = schemaset_latest(projector_schemas(api->a->p), "AuditRegel");
	char arg[24], err[256];
	const char *vals[1] = {arg};
	struct schemaset_decoded d = {0};
	unsigned char *blad = NULL, *msg = NULL;
	merkle_hash leaf;
	long len = 0;
	PGresult *res;
	json_t *out = NULL;

	snprintf(arg, sizeof(arg), "%" PRIu64, m);
	res = pg_execp(pg, "regel_van", 1, vals, NULL, NULL);
	if (!e || !res || PQntuples(res) != 1 || !merkle_unhex(PQgetvalue(res, 0, 1), leaf))
		goto out;
	if (PQgetisnull(res, 0, 0)) {
		/* its retention ran out: the content is gone, the leaf hash proves its place */
		out = json_pack("{s:n, s:s, s:n, s:b}", "blad", "bladHash", PQgetvalue(res, 0, 1),
		                "regel", "verwijderd", 1);
		goto out;
	}
	blad = OPENSSL_hexstr2buf(PQgetvalue(res, 0, 0), &len);
	msg = blad ? malloc((size_t)len + 10 + MERKLE_HASH) : NULL;
	if (!msg)
		goto out;
	/* the single-object message as it went out: header, leaf, hash */
	msg[0] = 0xc3;
	msg[1] = 0x01;
	for (int i = 0; i < 8; i++)
		msg[2 + i] = (uint8_t)(e->fingerprint >> (8 * i));
	memcpy(msg + 10, blad, (size_t)len);
	memcpy(msg + 10 + len, leaf, MERKLE_HASH);
	if (schemaset_decode(projector_schemas(api->a->p), msg, (size_t)len + 10 + MERKLE_HASH,
	                     1 << 20, AVRO_JSON_PLAIN, &d, err, sizeof(err)) != SCHEMASET_OK)
		goto out;
	json_object_del(d.datum, "bladHash");
	out = json_pack("{s:s, s:s, s:o}", "blad", PQgetvalue(res, 0, 0), "bladHash",
	                PQgetvalue(res, 0, 1), "regel", d.datum);
out:
	OPENSSL_free(blad);
	free(msg);
	PQclear(res);
	return out;
}

static void
probleem_param(struct toegang_verzoek *v, const char *naam, const char *tekst)
{
	toegang_probleem(v, 400, "invalid", "Een of meer parameters zijn ongeldig.", tekst,
	                 json_pack("[o]", http_invalid_param(naam, "invalid", tekst)));
}

/*
 * audit.lezen for p, with the purpose the request states; the query is
 * recorded with its outcome either way. True when p may have the answer
 * (recorded as 200); otherwise the reply (403, or 503 when the record
 * failed) has been given. in_url names a parameter that put the betrokkene
 * in the URL: then the request is refused (400) and recorded as such, the
 * raadpleging as a deny (ongeldig-verzoek), since it named the person.
 */
static bool
beslis(struct audit_api *api, struct http_req *r, struct toegang_verzoek *v,
       const struct principal *p, const char *object, const char *als_pad,
       const struct toegang_betrokkene *wie, const char *doel, const char *in_url)
{
	struct policy_decision d;
	char regel_id[96], uitleg[512];

	policy_evaluate(toegang_policy_hold(api->t), p, ACTIE_AUDIT_LEZEN, NULL,
	                &(struct policy_context){.doel = doel}, &d);
	if (in_url)
		toegang_besluit_ongeldig(&d);
	/* personal data of one betrokkene: the read is a raadpleging like any
	 * other (GegevensGeraadpleegd, acknowledged before the answer leaves) */
	if (wie)
		toegang_registreer(
		        v, p, wie,
		        &(struct toegang_vastlegging){.actie = ACTIE_AUDIT_LEZEN,
		                                      .doel = doel,
		                                      .verwerkingsactiviteit = ACTIVITEIT_INZAGE},
		        &d);
	/* the decision's strings point into the policy, which a reload may free */
	snprintf(regel_id, sizeof(regel_id), "%s", d.regel ? d.regel : "");
	snprintf(uitleg, sizeof(uitleg), "%s", d.uitleg ? d.uitleg : "");
	toegang_policy_release(api->t);
	if (!vastleggen(api, r, p,
	                in_url         ? 400
	                : d.toegestaan ? 200
	                               : 403,
	                object, doel, regel_id, als_pad)) {
		toegang_probleem(v, 503, "niet_vastgelegd", "De vraag kon niet worden vastgelegd.",
		                 "Zonder vastlegging geen antwoord; probeer het later opnieuw.",
		                 NULL);
		return false;
	}
	if (in_url) {
		static const char tekst[] =
		        "Een BSN of KvK-nummer hoort niet in een URL (die komt in logboeken van "
		        "proxies terecht): vraag met POST /api/v1/audit/dataverwerkingen/_zoek en "
		        "zet het in de body.";
		toegang_probleem(
		        v, 400, "invalid", "Een of meer parameters zijn ongeldig.", tekst,
		        json_pack("[o]", http_invalid_param(in_url, "not_allowed", tekst)));
		return false;
	}
	if (!d.toegestaan)
		toegang_probleem(v, 403, "geen_toegang", "U mag het auditlog niet inzien.", uitleg,
		                 NULL);
	return d.toegestaan;
}

static void
bewijs(struct http_req *r, void *arg)
{
	struct audit_api *api = arg;
	struct toegang_verzoek *v = toegang_verzoek_begin(api->vl, r);
	struct pg *pg = projector_pg(api->a->p);
	const char *doel = http_query(r, "doel");
	const char *sv = http_query(r, "volgnummer"), *sg = http_query(r, "boomgrootte");
	const char *svan = http_query(r, "van"), *stot = http_query(r, "tot");
	struct principal p;
	merkle_hash proof[MERKLE_MAX_PATH];
	uint64_t m = 0, n = 0;
	char object[96];
	json_t *hoofd, *body;
	int k;

	if (!toegang_authenticeer(v, &p)) {
		vastleggen(api, r, NULL, 401, "audit", doel, NULL, NULL);
		return;
	}
	bool inclusie = sv != NULL;
	if (inclusie ? !getal(sv, &m) || (sg && !getal(sg, &n))
	             : !svan || !stot || !getal(svan, &m) || !getal(stot, &n) || m > n) {
		vastleggen(api, r, &p, 400, "audit", doel, NULL, NULL);
		probleem_param(
		        v, inclusie ? "volgnummer" : "van",
		        "Geef volgnummer (en eventueel boomgrootte), of van en tot met van <= tot, "
		        "als gehele getallen.");
		return;
	}
	if (inclusie)
		snprintf(object, sizeof(object), "volgnummer %" PRIu64, m);
	else
		snprintf(object, sizeof(object), "boom %" PRIu64 "..%" PRIu64, m, n);

	if (!beslis(api, r, v, &p, object, NULL, NULL, http_query(r, "doel"), NULL))
		return;
	hoofd = boomhoofd(pg, n);
	if (!hoofd) {
		toegang_probleem(v, 404, "not_found", "Geen getekend boomhoofd van die grootte.",
		                 "Vraag een boomgrootte waarvoor een BoomhoofdGetekend bestaat.",
		                 NULL);
		return;
	}
	if (inclusie) {
		uint64_t size = (uint64_t)json_integer_value(json_object_get(hoofd, "boomgrootte"));
		json_t *e = m < size ? regel(api, pg, m) : NULL;
		k = e ? boom_inclusie(pg, m, size, proof) : -1;
		if (k < 0) {
			json_decref(hoofd);
			json_decref(e);
			toegang_probleem(v, 404, "not_found",
			                 "Die regel staat niet onder dit boomhoofd.", NULL, NULL);
			return;
		}
		body = json_pack("{s:I, s:o, s:o}", "volgnummer", (json_int_t)m, "pad",
		                 pad_json(proof, k), "boomhoofd", hoofd);
		json_object_update(body, e);
		json_decref(e);
	} else {
		json_t *van = boomhoofd(pg, m);
		k = van ? boom_consistentie(pg, m, n, proof) : -1;
		if (k < 0) {
			json_decref(hoofd);
			json_decref(van);
			toegang_probleem(v, 404, "not_found",
			                 "Geen getekende boomhoofden van die groottes.", NULL,
			                 NULL);
			return;
		}
		body = json_pack("{s:o, s:o, s:o}", "van", van, "tot", hoofd, "pad",
		                 pad_json(proof, k));
	}
	toegang_antwoord(v, 200, body);
}

/* What a request for one betrokkene's Logboek Dataverwerkingen asks. */
struct logboek_vraag {
	const char *bsn, *kvk, *na, *aantal, *doel;
};

/*
 * The Logboek Dataverwerkingen of one betrokkene (bsn or kvk), oldest first,
 * a page at a time (na: the previous page's volgende; aantal 1..500). The
 * record of the query names the betrokkene by pseudonym, never by number.
 * in_url: the GET form, which put the person in the URL and is refused.
 */
static void
logboek(struct audit_api *api, struct http_req *r, struct toegang_verzoek *v,
        const struct principal *pp, const struct logboek_vraag *q, bool in_url)
{
	const struct principal p = *pp;
	const char *bsn = q->bsn, *kvk = q->kvk;
	char pseudo[PSEUDONIEM_LEN + 1], object[128], pad[256], na[24], aantal_s[8];
	uint64_t na_id = 0, aantal = 100;
	PGresult *res;
	json_t *lijst, *body;

	bool een = (bsn != NULL) != (kvk != NULL);
	bool ok = een && (q->na ? getal(q->na, &na_id) : true) &&
	          (q->aantal ? getal(q->aantal, &aantal) && aantal >= 1 && aantal <= 500 : true) &&
	          (bsn ? strlen(bsn) == 9 && mask_elfproef(bsn, 9) : strlen(kvk) == 8) &&
	          pseudoniem(api->a->sleutel, bsn ? "BSN" : "KVK", bsn ? bsn : kvk, pseudo);
	if (!ok) {
		vastleggen(api, r, &p, 400, "dataverwerkingen", q->doel, NULL, r->path);
		probleem_param(v, bsn ? "bsn" : "kvk",
		               "Geef precies een van bsn (9 cijfers, elfproef) of kvk (8 cijfers); "
		               "na en aantal (1 tot 500) als gehele getallen.");
		return;
	}
	snprintf(object, sizeof(object), "betrokkene %s", pseudo);
	snprintf(pad, sizeof(pad), "%s?betrokkene=%s", r->path, pseudo);
	struct toegang_betrokkene wie = {.type = bsn ? "natuurlijk_persoon"
	                                             : "niet_natuurlijk_persoon"};
	identiteit_set(&wie.id, bsn ? ID_BSN : ID_KVK, bsn ? bsn : kvk);
	if (!beslis(api, r, v, &p, object, pad, &wie, q->doel,
	            in_url ? (bsn ? "bsn" : "kvk") : NULL))
		return;
	snprintf(na, sizeof(na), "%" PRIu64, na_id);
	snprintf(aantal_s, sizeof(aantal_s), "%" PRIu64, aantal);
	const char *vals[3] = {pseudo, na, aantal_s};
	res = pg_execp(projector_pg(api->a->p), "logboek_per_betrokkene", 3, vals, NULL, NULL);
	if (!res) {
		toegang_probleem(v, 503, "niet_beschikbaar", "Het logboek is nu niet bereikbaar.",
		                 NULL, NULL);
		return;
	}
	lijst = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(lijst, json_loads(PQgetvalue(res, i, 1), 0, NULL));
	body = json_pack("{s:s, s:o, s:o}", "betrokkene", pseudo, "dataverwerkingen", lijst,
	                 "volgende",
	                 (uint64_t)PQntuples(res) == aantal
	                         ? json_string(PQgetvalue(res, PQntuples(res) - 1, 0))
	                         : json_null());
	PQclear(res);
	toegang_antwoord(v, 200, body);
}

/*
 * GET /api/v1/audit/dataverwerkingen?bsn=N (or kvk=N): the old form, with the
 * person in the URL, where proxies and access logs keep it. Refused (400),
 * and recorded as the refused look-up of whom it named.
 */
static void
dataverwerkingen(struct http_req *r, void *arg)
{
	struct audit_api *api = arg;
	struct toegang_verzoek *v = toegang_verzoek_begin(api->vl, r);
	struct logboek_vraag q = {.bsn = http_query(r, "bsn"),
	                          .kvk = http_query(r, "kvk"),
	                          .na = http_query(r, "na"),
	                          .aantal = http_query(r, "aantal"),
	                          .doel = http_query(r, "doel")};
	struct principal p;

	if (!toegang_authenticeer(v, &p)) {
		vastleggen(api, r, NULL, 401, "dataverwerkingen", q.doel, NULL, r->path);
		return;
	}
	logboek(api, r, v, &p, &q, true);
}

/* A member of the search body as text: strings as they are (no NUL inside),
 * and where buf is given whole numbers too, written out into it. NULL when
 * it is neither. */
static const char *
lid_tekst(const json_t *w, char *buf, size_t len)
{
	if (json_is_string(w))
		return strlen(json_string_value(w)) == json_string_length(w) ? json_string_value(w)
		                                                             : NULL;
	if (buf && json_is_integer(w)) {
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(w));
		return buf;
	}
	return NULL;
}

/*
 * POST /api/v1/audit/dataverwerkingen/_zoek {"bsn"|"kvk", "doel", "na"?,
 * "aantal"?}: the same Logboek, the person in the body. Nothing in the URL.
 */
static void
dataverwerkingen_zoek(struct http_req *r, void *arg)
{
	struct audit_api *api = arg;
	struct toegang_verzoek *v = toegang_verzoek_begin(api->vl, r);
	struct evbuffer *in = evhttp_request_get_input_buffer(r->req);
	size_t len = evbuffer_get_length(in);
	struct logboek_vraag q = {0};
	char na[24], aantal[24];
	struct principal p;
	const char *k;
	json_t *body, *w;

	if (!toegang_authenticeer(v, &p)) {
		vastleggen(api, r, NULL, 401, "dataverwerkingen", NULL, NULL, r->path);
		return;
	}
	body = json_loadb((const char *)evbuffer_pullup(in, (ev_ssize_t)len), len,
	                  JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(body) || evhttp_uri_get_query(evhttp_request_get_evhttp_uri(r->req))) {
		json_decref(body);
		vastleggen(api, r, &p, 400, "dataverwerkingen", NULL, NULL, r->path);
		probleem_param(v, "body",
		               "Zet de vraag als JSON-object in de body, bijvoorbeeld {\"bsn\": "
		               "\"...\", \"doel\": \"toezicht\"}, en niets in de URL.");
		return;
	}
	json_object_foreach(body, k, w)
	{
		const char **veld = !strcmp(k, "bsn")      ? &q.bsn
		                    : !strcmp(k, "kvk")    ? &q.kvk
		                    : !strcmp(k, "doel")   ? &q.doel
		                    : !strcmp(k, "na")     ? &q.na
		                    : !strcmp(k, "aantal") ? &q.aantal
		                                           : NULL;
		char *buf = veld == &q.na ? na : veld == &q.aantal ? aantal : NULL;

		if (!veld || !(*veld = lid_tekst(w, buf, sizeof(na)))) {
			vastleggen(api, r, &p, 400, "dataverwerkingen", NULL, NULL, r->path);
			probleem_param(
			        v, veld ? k : "body",
			        "Velden: bsn of kvk, doel, na en aantal; elk als tekst (na en "
			        "aantal ook als geheel getal).");
			json_decref(body);
			return;
		}
	}
	logboek(api, r, v, &p, &q, false);
	json_decref(body);
}

/* The register: the platform's entries and every zaaktype version's. */
static json_t *
register_nu(struct audit_api *api)
{
	PGresult *res =
	        pg_execp(projector_pg(api->a->p), "register_zaaktypen", 0, NULL, NULL, NULL);
	json_t *out;

	if (!res)
		return NULL;
	out = json_deep_copy(api->platform);
	for (int i = 0; out && i < PQntuples(res); i++)
		json_array_append_new(out, json_loads(PQgetvalue(res, i, 0), 0, NULL));
	PQclear(res);
	return out;
}

/* {activiteit: {verwerkingen, categorieen, ontvangers}} from the table. */
static json_t *
gezien_nu(struct audit_api *api)
{
	PGresult *res = pg_execp(projector_pg(api->a->p), "register_gezien", 0, NULL, NULL, NULL);
	json_t *out;

	if (!res)
		return NULL;
	out = json_object();
	for (int i = 0; i < PQntuples(res); i++) {
		const char *act = PQgetvalue(res, i, 0), *soort = PQgetvalue(res, i, 1);
		json_t *g = json_object_get(out, act);
		if (!g) {
			g = json_pack("{s:I, s:[], s:[]}", "verwerkingen", (json_int_t)0,
			              "categorieen", "ontvangers");
			json_object_set_new(out, act, g);
		}
		if (!strcmp(soort, "verwerking"))
			json_object_set_new(g, "verwerkingen",
			                    json_integer(strtoll(PQgetvalue(res, i, 3), NULL, 10)));
		else
			json_array_append_new(json_object_get(g, !strcmp(soort, "categorie")
			                                                 ? "categorieen"
			                                                 : "ontvangers"),
			                      json_string(PQgetvalue(res, i, 2)));
	}
	PQclear(res);
	return out;
}

/*
 * GET /api/v1/verwerkingsregister?doel=toezicht — the register (AVG art. 30)
 * GET /api/v1/verwerkingsregister/bevindingen?doel=toezicht — what does not add up
 */
static void
verwerkingsregister(struct http_req *r, void *arg)
{
	struct audit_api *api = arg;
	struct toegang_verzoek *v = toegang_verzoek_begin(api->vl, r);
	bool bevindingen = strstr(r->path, "/bevindingen") != NULL;
	struct principal p;
	json_t *reg, *gezien = NULL, *body;

	if (!toegang_authenticeer(v, &p)) {
		vastleggen(api, r, NULL, 401, "verwerkingsregister", http_query(r, "doel"), NULL,
		           NULL);
		return;
	}
	if (!beslis(api, r, v, &p,
	            bevindingen ? "verwerkingsregister bevindingen" : "verwerkingsregister", NULL,
	            NULL, http_query(r, "doel"), NULL))
		return;
	reg = register_nu(api);
	if (bevindingen && reg)
		gezien = gezien_nu(api);
	if (!reg || (bevindingen && !gezien)) {
		json_decref(reg);
		toegang_probleem(v, 503, "niet_beschikbaar", "Het register is nu niet bereikbaar.",
		                 NULL, NULL);
		return;
	}
	if (bevindingen) {
		body = json_pack("{s:o}", "bevindingen", register_bevindingen(reg, gezien));
		json_decref(reg);
	} else {
		body = json_pack("{s:o}", "verwerkingsactiviteiten", reg);
	}
	json_decref(gezien);
	toegang_antwoord(v, 200, body);
}

bool
audit_api_start(struct audit_api *api, struct http_server *http, struct event_base *base,
                const char *brokers, const char *schemas_dir)
{
	api->vl = toegang_vastlegger_new(api->t, base, brokers, "zs-audit-api", schemas_dir);
	if (!api->vl)
		return false;
	http_route(http, "GET", "/api/v1/audit/bewijs", bewijs, api);
	http_route(http, "GET", "/api/v1/audit/dataverwerkingen", dataverwerkingen, api);
	http_route(http, "POST", "/api/v1/audit/dataverwerkingen/_zoek", dataverwerkingen_zoek,
	           api);
	http_route(http, "GET", "/api/v1/verwerkingsregister", verwerkingsregister, api);
	http_route(http, "GET", "/api/v1/verwerkingsregister/bevindingen", verwerkingsregister,
	           api);
	return true;
}

void
audit_api_free(struct audit_api *api)
{
	if (api->vl)
		toegang_vastlegger_free(api->vl);
	api->vl = NULL;
	json_decref(api->platform);
	api->platform = NULL;
}
