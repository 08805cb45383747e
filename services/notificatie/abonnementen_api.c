/*
 * abonnementen_api.c — webhook subscriptions in the table, over HTTP.
 */
#include "abonnementen_api.h"
#include "access/principal.h"
#include "access/toegang.h"
#include "core/log.h"
#include "core/loop.h"
#include "notificatie.h"

#include <stdlib.h>
#include <string.h>

struct abonnementen_api {
	struct notificatie *n;
	struct toegang_vastlegger *vl;
};

#define KOLOMMEN "id, url, vorm, filter::text, autorisatie, aangemaakt_op, gewijzigd_op"

bool
abonnementen_api_prepare(struct pg *pg)
{
	return pg_prepare(pg, "abo_lijst", "SELECT " KOLOMMEN " FROM abonnementen ORDER BY id",
	                  0) &&
	       pg_prepare(pg, "abo_een", "SELECT " KOLOMMEN " FROM abonnementen WHERE id = $1",
	                  1) &&
	       pg_prepare(pg, "abo_nieuw",
	                  "INSERT INTO abonnementen (id, url, vorm, filter, autorisatie)"
	                  " VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT (id) DO NOTHING"
	                  " RETURNING id",
	                  5) &&
	       pg_prepare(pg, "abo_wijzig",
	                  "UPDATE abonnementen SET url = $2, vorm = $3, filter = $4::jsonb,"
	                  " autorisatie = CASE WHEN $6::boolean THEN $5 ELSE autorisatie END,"
	                  " gewijzigd_op = now() WHERE id = $1 RETURNING id",
	                  6) &&
	       pg_prepare(
	               pg, "abo_import",
	               "INSERT INTO abonnementen (id, url, vorm, filter, autorisatie)"
	               " VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT (id) DO UPDATE SET"
	               " url = EXCLUDED.url, vorm = EXCLUDED.vorm, filter = EXCLUDED.filter,"
	               " autorisatie = EXCLUDED.autorisatie, gewijzigd_op = now()"
	               " WHERE (abonnementen.url, abonnementen.vorm, abonnementen.filter,"
	               " abonnementen.autorisatie) IS DISTINCT FROM (EXCLUDED.url, EXCLUDED.vorm,"
	               " EXCLUDED.filter, EXCLUDED.autorisatie)",
	               5) &&
	       pg_prepare(pg, "abo_weg", "DELETE FROM abonnementen WHERE id = $1 RETURNING id", 1);
}

/* Row i as a subscription, checked by the same code as the API and the file. */
static bool
uit_rij(PGresult *res, int i, struct abonnement *a)
{
	json_t *o = json_loads(PQgetvalue(res, i, 3), 0, NULL);
	const char *veld, *reden;
	bool ok;

	if (!json_is_object(o)) {
		json_decref(o);
		return false;
	}
	json_object_set_new(o, "id", json_string(PQgetvalue(res, i, 0)));
	json_object_set_new(o, "url", json_string(PQgetvalue(res, i, 1)));
	json_object_set_new(o, "vorm", json_string(PQgetvalue(res, i, 2)));
	if (!PQgetisnull(res, i, 4))
		json_object_set_new(o, "authorization", json_string(PQgetvalue(res, i, 4)));
	ok = abonnement_controleer(o, a, &veld, &reden);
	json_decref(o);
	return ok;
}

/* The filter column: what the API shows, without the fixed fields. */
static char *
filter_tekst(const struct abonnement *a)
{
	json_t *o = abonnement_json(a);
	char *s;

	if (!o)
		return NULL;
	json_object_del(o, "id");
	json_object_del(o, "url");
	json_object_del(o, "vorm");
	json_object_del(o, "authorizationGezet");
	if (!json_array_size(json_object_get(o, "aanleidingen")))
		json_object_del(o, "aanleidingen");
	if (!json_array_size(json_object_get(o, "zaaktypen")))
		json_object_del(o, "zaaktypen");
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

bool
abonnementen_herlaad(struct notificatie *n)
{
	struct abonnementen *nieuw = calloc(1, sizeof(*nieuw));
	PGresult *res;
	int rijen;

	if (!nieuw)
		return false;
	res = pg_execp(projector_pg(n->p), "abo_lijst", 0, NULL, NULL, NULL);
	if (!res) {
		free(nieuw);
		zlog_warn("webhook subscriptions not read again; the previous %d stay",
		          n->abonnementen.n);
		return false;
	}
	rijen = PQntuples(res);
	for (int i = 0; i < rijen && nieuw->n < ABONNEMENTEN_MAX; i++)
		if (uit_rij(res, i, &nieuw->a[nieuw->n]))
			nieuw->n++;
		else
			zlog_warn("webhook subscription \"%s\" in the table is invalid; skipped",
			          PQgetvalue(res, i, 0));
	if (rijen > ABONNEMENTEN_MAX)
		zlog_warn("%d webhook subscriptions in the table; only the first %d are served",
		          rijen, ABONNEMENTEN_MAX);
	PQclear(res);
	/* The loop is single-threaded: projector and bezorger see the new list
	 * from their next event on. */
	n->abonnementen = *nieuw;
	free(nieuw);
	return true;
}

/* Writes a (upsert by id, or insert/update for the API); NULL on a failed
 * statement, else the result (no rows: the id exists / is unknown). */
static PGresult *
schrijf(struct notificatie *n, const char *stmt, const struct abonnement *a, bool wis_autorisatie,
        bool autorisatie_gegeven)
{
	char *filter = filter_tekst(a);
	PGresult *res;

	if (!filter)
		return NULL;
	const char *vals[6] = {a->id,
	                       a->url,
	                       a->cloudevents ? "cloudevents" : "notificaties",
	                       filter,
	                       a->authorization[0] && !wis_autorisatie ? a->authorization : NULL,
	                       autorisatie_gegeven || wis_autorisatie ? "t" : "f"};
	res = pg_execp(projector_pg(n->p), stmt, strcmp(stmt, "abo_wijzig") == 0 ? 6 : 5, vals,
	               NULL, NULL);
	free(filter);
	return res;
}

bool
abonnementen_importeer(struct notificatie *n)
{
	for (int i = 0; i < n->abonnementen.n; i++) {
		PGresult *res = schrijf(n, "abo_import", &n->abonnementen.a[i], false, true);
		if (!res)
			return false;
		PQclear(res);
	}
	return abonnementen_herlaad(n);
}

/* ---- HTTP ------------------------------------------------------------------ */

/* Decided and recorded; false when the reply is already given. A request
 * whose body or id is refused records a deny (ongeldig-verzoek). */
static bool
toegelaten(struct abonnementen_api *a, struct toegang_verzoek *v, bool geldig)
{
	struct toegang *t = a->n->toegang;
	const struct policy *pol;
	struct policy_decision d;
	struct principal p;
	struct toegang_betrokkene b;

	if (!toegang_authenticeer(v, &p))
		return false;
	pol = toegang_policy_hold(t);
	const char *doel = policy_standaard_doel(pol, &p);
	struct policy_context ctx = {.doel = doel};
	policy_evaluate(pol, &p, ACTIE_ABONNEMENTEN_BEHEREN, NULL, &ctx, &d);
	bool mag = d.toegestaan;
	if (mag && !geldig)
		toegang_besluit_ongeldig(&d);
	toegang_betrokkene_zelf(&p, &b);
	struct toegang_vastlegging vast = {.actie = ACTIE_ABONNEMENTEN_BEHEREN, .doel = doel};
	toegang_registreer(v, &p, &b, &vast, &d);
	toegang_policy_release(t);
	if (!mag) {
		toegang_probleem(v, 403, "geen_toegang",
		                 "Alleen een beheerder mag abonnementen beheren.",
		                 "Geen regel van de autorisatiematrix staat dit toe.", NULL);
		return false;
	}
	return true;
}

static void
niet_beschikbaar(struct toegang_verzoek *v)
{
	toegang_probleem(v, 503, "niet_beschikbaar", "De abonnementen zijn nu niet bereikbaar.",
	                 "Probeer het over een paar minuten opnieuw.", NULL);
}

static void
niet_gevonden(struct toegang_verzoek *v)
{
	toegang_probleem(v, 404, "niet_gevonden", "Dit abonnement bestaat niet.", NULL, NULL);
}

/* Row i as the API shows it: never the Authorization value. */
static json_t *
rij_json(PGresult *res, int i)
{
	struct abonnement ab;
	json_t *o;

	if (!uit_rij(res, i, &ab))
		return NULL;
	o = abonnement_json(&ab);
	if (o) {
		json_object_set_new(o, "aangemaaktOp", json_string(PQgetvalue(res, i, 5)));
		json_object_set_new(o, "gewijzigdOp", json_string(PQgetvalue(res, i, 6)));
	}
	return o;
}

/* Replies with subscription id as it is now in the table. */
static void
toon(struct abonnementen_api *a, struct toegang_verzoek *v, const char *id, int status)
{
	const char *vals[1] = {id};
	PGresult *res = pg_execp(projector_pg(a->n->p), "abo_een", 1, vals, NULL, NULL);

	if (!res) {
		niet_beschikbaar(v);
		return;
	}
	if (PQntuples(res) != 1)
		niet_gevonden(v);
	else
		toegang_antwoord(v, status, rij_json(res, 0));
	PQclear(res);
}

static void
handle_lijst(struct http_req *r, void *arg)
{
	struct abonnementen_api *a = arg;
	struct toegang_verzoek *v = toegang_verzoek_begin(a->vl, r);
	PGresult *res;
	json_t *lijst;

	if (!toegelaten(a, v, true))
		return;
	if (!(res = pg_execp(projector_pg(a->n->p), "abo_lijst", 0, NULL, NULL, NULL))) {
		niet_beschikbaar(v);
		return;
	}
	lijst = json_array();
	for (int i = 0; lijst && i < PQntuples(res); i++) {
		json_t *o = rij_json(res, i);
		if (o)
			json_array_append_new(lijst, o);
	}
	PQclear(res);
	toegang_antwoord(v, 200, lijst ? json_pack("{s:o}", "results", lijst) : NULL);
}

/* The body checked; *wis when it sets "authorization": null (remove it). */
static bool
lees_body(json_t *body, const char *pad_id, struct abonnement *ab, bool *wis, bool *gegeven,
          const char **veld, const char **reden, char veldbuf[64])
{
	json_t *kopie = json_is_object(body) ? json_copy(body) : NULL;
	bool ok;

	*wis = *gegeven = false;
	if (!kopie)
		return abonnement_controleer(body, ab, veld, reden);
	if (pad_id) {
		json_t *id = json_object_get(kopie, "id");
		if (id && !(json_is_string(id) && strcmp(json_string_value(id), pad_id) == 0)) {
			json_decref(kopie);
			*veld = "id";
			*reden = "Het id in de body moet gelijk zijn aan dat in het pad.";
			return false;
		}
		json_object_set_new(kopie, "id", json_string(pad_id));
	}
	if (json_is_null(json_object_get(kopie, "authorization"))) {
		*wis = true;
		json_object_del(kopie, "authorization");
	}
	*gegeven = json_object_get(kopie, "authorization") != NULL;
	ok = abonnement_controleer(kopie, ab, veld, reden);
	/* veld points into kopie: kept in the caller's buffer. */
	snprintf(veldbuf, 64, "%s", *veld);
	*veld = veldbuf;
	json_decref(kopie);
	return ok;
}

static void
ongeldig(struct toegang_verzoek *v, const char *veld, const char *reden)
{
	toegang_probleem(v, 400, "invalid", "Een of meer velden zijn ongeldig.", reden,
	                 json_pack("[o]", http_invalid_param(veld, "invalid", reden)));
}

static void
schrijf_en_toon(struct abonnementen_api *a, struct http_req *r, const char *pad_id)
{
	json_t *body = http_json_body(r);
	struct abonnement *ab;
	const char *veld = "", *reden = "";
	char veldbuf[64];
	bool wis, gegeven, geldig;
	PGresult *res;

	if (!body)
		return; /* answered 400 */
	if (!(ab = calloc(1, sizeof(*ab)))) {
		json_decref(body);
		http_problem(r, 503, "niet_beschikbaar", "Even geen geheugen.", NULL, NULL);
		return;
	}
	geldig = lees_body(body, pad_id, ab, &wis, &gegeven, &veld, &reden, veldbuf);
	json_decref(body);
	struct toegang_verzoek *v = toegang_verzoek_begin(a->vl, r);
	if (!toegelaten(a, v, geldig))
		goto out;
	if (!geldig) {
		ongeldig(v, veld, reden);
		goto out;
	}
	if (!pad_id && a->n->abonnementen.n >= ABONNEMENTEN_MAX) {
		toegang_probleem(v, 409, "te_veel", "Er zijn al 32 abonnementen.",
		                 "Verwijder eerst een abonnement dat niet meer nodig is.", NULL);
		goto out;
	}
	res = schrijf(a->n, pad_id ? "abo_wijzig" : "abo_nieuw", ab, wis, gegeven);
	if (!res) {
		niet_beschikbaar(v);
		goto out;
	}
	int rijen = PQntuples(res);
	PQclear(res);
	if (rijen != 1) {
		if (pad_id)
			niet_gevonden(v);
		else
			toegang_probleem(v, 409, "bestaat_al", "Dit abonnement bestaat al.",
			                 "Wijzig het met PUT /api/v1/abonnementen/{id}.", NULL);
		goto out;
	}
	zlog_info("webhook subscription %s %s", ab->id, pad_id ? "changed" : "added");
	abonnementen_herlaad(a->n);
	toon(a, v, ab->id, pad_id ? 200 : 201);
out:
	free(ab);
}

static void
handle_nieuw(struct http_req *r, void *arg)
{
	schrijf_en_toon(arg, r, NULL);
}

static void
handle_wijzig(struct http_req *r, void *arg)
{
	schrijf_en_toon(arg, r, r->params[0]);
}

static void
handle_een(struct http_req *r, void *arg)
{
	struct abonnementen_api *a = arg;
	struct toegang_verzoek *v = toegang_verzoek_begin(a->vl, r);

	if (toegelaten(a, v, true))
		toon(a, v, r->params[0], 200);
}

static void
handle_weg(struct http_req *r, void *arg)
{
	struct abonnementen_api *a = arg;
	struct toegang_verzoek *v = toegang_verzoek_begin(a->vl, r);
	const char *vals[1] = {r->params[0]};
	PGresult *res;

	if (!toegelaten(a, v, true))
		return;
	if (!(res = pg_execp(projector_pg(a->n->p), "abo_weg", 1, vals, NULL, NULL))) {
		niet_beschikbaar(v);
		return;
	}
	int rijen = PQntuples(res);
	PQclear(res);
	if (rijen != 1) {
		niet_gevonden(v);
		return;
	}
	zlog_info("webhook subscription %s removed", vals[0]);
	/* Messages already queued for it fail at delivery ("no subscription"). */
	abonnementen_herlaad(a->n);
	toegang_antwoord(v, 200, json_pack("{s:s, s:b}", "id", vals[0], "verwijderd", 1));
}

struct abonnementen_api *
abonnementen_api_start(struct notificatie *n, struct http_server *http, const char *brokers,
                       const char *schemas_dir)
{
	struct abonnementen_api *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->n = n;
	a->vl = toegang_vastlegger_new(n->toegang, loop_base(), brokers, "notificatie-abonnementen",
	                               schemas_dir);
	if (!a->vl) {
		free(a);
		return NULL;
	}
	http_route(http, "GET", "/api/v1/abonnementen", handle_lijst, a);
	http_route(http, "POST", "/api/v1/abonnementen", handle_nieuw, a);
	http_route(http, "GET", "/api/v1/abonnementen/{id}", handle_een, a);
	http_route(http, "PUT", "/api/v1/abonnementen/{id}", handle_wijzig, a);
	http_route(http, "DELETE", "/api/v1/abonnementen/{id}", handle_weg, a);
	return a;
}

void
abonnementen_api_free(struct abonnementen_api *a)
{
	if (!a)
		return;
	toegang_vastlegger_free(a->vl);
	free(a);
}
