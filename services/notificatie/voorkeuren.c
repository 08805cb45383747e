/*
 * voorkeuren.c — the resident's own contact preferences over HTTP.
 *
 * The preferences are the resident's personal data: each request is a
 * decision of the autorisatiematrix (inzage.lezen, the person as resource,
 * so only the resident themselves, purpose inzicht), recorded as GegevensGeraadpleegd
 * before the reply leaves — a change too, since its reply shows the data.
 */
#include "voorkeuren.h"
#include "access/principal.h"
#include "access/toegang.h"
#include "core/loop.h"
#include "notificatie.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct voorkeuren_api {
	struct notificatie *n;
	struct toegang_vastlegger *vl;
};

static bool
email_geldig(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s);

	if (n < 3 || n > 254 || !at || at == s || strchr(at + 1, '@') || !at[1])
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f || *s == '<' || *s == '>')
			return false;
	return true;
}

static bool
telefoon_geldig(const char *s)
{
	size_t digits = 0;

	if (*s == '+')
		s++;
	for (; *s; s++, digits++)
		if (!isdigit((unsigned char)*s))
			return false;
	return digits >= 10 && digits <= 15;
}

bool
voorkeur_controleer(const json_t *body, struct voorkeur_wijziging *out, const char **veld,
                    const char **reden)
{
	const char *k;
	json_t *v;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(body)) {
		*veld = "";
		*reden = "Stuur een JSON-object.";
		return false;
	}
	json_object_foreach((json_t *)body, k, v)
	{
		*veld = k;
		if (strcmp(k, "emailadres") == 0) {
			if (!json_is_null(v) &&
			    !(json_is_string(v) && email_geldig(json_string_value(v)))) {
				*reden = "Geen geldig e-mailadres.";
				return false;
			}
			out->email_gezet = true;
			out->emailadres = json_string_value(v);
		} else if (strcmp(k, "telefoonnummer") == 0) {
			if (!json_is_null(v) &&
			    !(json_is_string(v) && telefoon_geldig(json_string_value(v)))) {
				*reden =
				        "Geen geldig telefoonnummer: 10 tot 15 cijfers, eventueel met +.";
				return false;
			}
			out->telefoon_gezet = true;
			out->telefoonnummer = json_string_value(v);
		} else if (strcmp(k, "updates") == 0) {
			if (!json_is_boolean(v)) {
				*reden = "Moet true of false zijn.";
				return false;
			}
			out->updates_gezet = true;
			out->updates = json_is_true(v);
		} else {
			*reden = "Dit veld bestaat niet.";
			return false;
		}
	}
	return true;
}

/* The caller, decided and recorded; false when the reply is already given. */
static bool
toegelaten(struct voorkeuren_api *a, struct toegang_verzoek *v, struct principal *p,
           char ps[PSEUDONIEM_LEN + 1])
{
	/* The purpose the matrix allows residents for their own data. */
	static const char doel[] = "inzicht";
	struct toegang *t = a->n->toegang;
	struct policy_decision d;

	if (!toegang_authenticeer(v, p))
		return false;
	if (p->kind != PRINCIPAL_INWONER || p->identiteit.type == ID_GEEN) {
		toegang_probleem(
		        v, 403, "alleen_inwoners", "Alleen voor inwoners.",
		        "Uw voorkeuren voor berichten stelt u zelf in, ingelogd met DigiD of "
		        "eHerkenning.",
		        NULL);
		return false;
	}
	struct zaak_resource z = {.initiator = p->identiteit,
	                          .open = true,
	                          .vertrouwelijkheid = VERTR_OPENBAAR,
	                          .tonen_aan_initiator = true};
	struct policy_context ctx = {.doel = doel};
	policy_evaluate(toegang_policy_hold(t), p, ACTIE_INZAGE_LEZEN, &z, &ctx, &d);
	toegang_policy_release(t);
	struct toegang_betrokkene b = {.id = p->identiteit,
	                               .type = p->identiteit.type == ID_KVK
	                                               ? "niet_natuurlijk_persoon"
	                                               : "natuurlijk_persoon"};
	struct toegang_vastlegging vast = {.actie = ACTIE_INZAGE_LEZEN, .doel = doel};
	toegang_registreer(v, p, &b, &vast, &d);
	if (!d.toegestaan) {
		toegang_probleem(v, 403, "geen_toegang", "U mag dit niet.",
		                 d.uitleg ? d.uitleg : "Geen regel staat dit toe.", NULL);
		return false;
	}
	if (!pseudoniem(a->n->sleutel, id_type_name(p->identiteit.type), p->identiteit.nummer,
	                ps)) {
		toegang_probleem(v, 503, "niet_beschikbaar", "De gegevens zijn nu niet bereikbaar.",
		                 NULL, NULL);
		return false;
	}
	return true;
}

static void
antwoord(struct voorkeuren_api *a, struct toegang_verzoek *v, const char *ps)
{
	const char *vals[1] = {ps};
	PGresult *res = pg_execp(projector_pg(a->n->p), "voorkeur_lees", 1, vals, NULL, NULL);

	if (!res) {
		toegang_probleem(v, 503, "niet_beschikbaar", "De gegevens zijn nu niet bereikbaar.",
		                 "Probeer het over een paar minuten opnieuw.", NULL);
		return;
	}
	bool rij = PQntuples(res) == 1;
	json_t *body = json_pack("{s:s?, s:s?, s:b}", "emailadres",
	                         rij && !PQgetisnull(res, 0, 0) ? PQgetvalue(res, 0, 0) : NULL,
	                         "telefoonnummer",
	                         rij && !PQgetisnull(res, 0, 1) ? PQgetvalue(res, 0, 1) : NULL,
	                         "updates", rij ? PQgetvalue(res, 0, 2)[0] == 't' : 1);
	PQclear(res);
	toegang_antwoord(v, 200, body);
}

static void
handle_get(struct http_req *r, void *arg)
{
	struct voorkeuren_api *a = arg;
	struct toegang_verzoek *v = toegang_verzoek_begin(a->vl, r);
	struct principal p;
	char ps[PSEUDONIEM_LEN + 1];

	if (toegelaten(a, v, &p, ps))
		antwoord(a, v, ps);
}

static void
handle_put(struct http_req *r, void *arg)
{
	struct voorkeuren_api *a = arg;
	json_t *body = http_json_body(r);
	struct voorkeur_wijziging w;
	const char *veld = "", *reden = "";
	struct principal p;
	char ps[PSEUDONIEM_LEN + 1];

	if (!body)
		return; /* answered 400 */
	if (!voorkeur_controleer(body, &w, &veld, &reden)) {
		http_problem(r, 400, "invalid", "Een of meer velden zijn ongeldig.", reden,
		             json_pack("[o]", http_invalid_param(veld, "invalid", reden)));
		json_decref(body);
		return;
	}
	struct toegang_verzoek *v = toegang_verzoek_begin(a->vl, r);
	if (toegelaten(a, v, &p, ps)) {
		const char *vals[7] = {ps,
		                       w.email_gezet ? "t" : "f",
		                       w.emailadres,
		                       w.telefoon_gezet ? "t" : "f",
		                       w.telefoonnummer,
		                       w.updates_gezet ? "t" : "f",
		                       w.updates ? "t" : "f"};
		if (!pg_cmdp(projector_pg(a->n->p), "voorkeur_zet", 7, vals))
			toegang_probleem(v, 503, "niet_beschikbaar",
			                 "De gegevens zijn nu niet bereikbaar.",
			                 "Probeer het over een paar minuten opnieuw.", NULL);
		else
			antwoord(a, v, ps);
	}
	json_decref(body);
}

bool
voorkeuren_prepare(struct pg *pg)
{
	return pg_prepare(pg, "voorkeur_lees",
	                  "SELECT emailadres, telefoonnummer, updates FROM voorkeuren"
	                  " WHERE betrokkene = $1",
	                  1) &&
	       pg_prepare(
	               pg, "voorkeur_zet",
	               "INSERT INTO voorkeuren (betrokkene, emailadres, telefoonnummer, updates)"
	               " VALUES ($1, $3, $5, CASE WHEN $6::boolean THEN $7::boolean ELSE true END)"
	               " ON CONFLICT (betrokkene) DO UPDATE SET"
	               " emailadres = CASE WHEN $2::boolean THEN $3 ELSE voorkeuren.emailadres END,"
	               " telefoonnummer = CASE WHEN $4::boolean THEN $5"
	               " ELSE voorkeuren.telefoonnummer END,"
	               " updates = CASE WHEN $6::boolean THEN $7::boolean ELSE voorkeuren.updates END,"
	               " bijgewerkt_op = now()",
	               7);
}

struct voorkeuren_api *
voorkeuren_start(struct notificatie *n, struct http_server *http, const char *brokers,
                 const char *schemas_dir)
{
	struct voorkeuren_api *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->n = n;
	a->vl = toegang_vastlegger_new(n->toegang, loop_base(), brokers, "notificatie-api",
	                               schemas_dir);
	if (!a->vl) {
		free(a);
		return NULL;
	}
	http_route(http, "GET", "/api/v1/voorkeuren", handle_get, a);
	http_route(http, "PUT", "/api/v1/voorkeuren", handle_put, a);
	return a;
}

void
voorkeuren_free(struct voorkeuren_api *a)
{
	if (!a)
		return;
	toegang_vastlegger_free(a->vl);
	free(a);
}
