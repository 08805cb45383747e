/*
 * api.c — the inzage API: see api.h. Each handler authenticates, reads its
 * input strictly, decides with the autorisatiematrix on the person whose
 * data it is (for the inzage actions the "zaak" is that person: they are its
 * initiator), records the decision (toegang), and answers with what
 * inzage.c and rapport.c produce.
 */
#include "api.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datum.h"
#include "core/log.h"
#include "core/loop.h"
#include "http/http.h"
#include "lezer.h"
#include "rapport.h"
#include "stream/pg.h"

#define LIJST_MAX 500

struct inzage_api {
	struct inzage *z;
	struct toegang *t;
	struct toegang_vastlegger *vl;
	struct lezers *lezers;
};

/* A read handed to a reader thread (lezer.h), decided and recorded already. */
/* The zaaktypen a machtiging for only some diensten allows; n == 0: all. */
struct beperking {
	unsigned n;
	char zaaktypen[PRINCIPAL_MAX_MACHTIGINGEN * PRINCIPAL_MAX_DIENSTEN][PRINCIPAL_MAX_TEKST];
};

struct lees {
	struct lees_taak taak;
	struct beperking beperk;
	struct toegang_verzoek *v;
	const json_t *platform; /* not changed while the daemon runs */
	char sleutel[PSEUDONIEM_LEN + UUID_LEN + 2];
	bool html;
	enum inzage_rc rc;
	char *tekst; /* the reply's body; NULL after INZ_OK: too big or out of memory */
};

/* Input. */

/* The body as strict JSON (duplicate keys refused); NULL after a 400. */
static json_t *
body_van(struct http_req *r, struct toegang_verzoek *v)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->req);
	size_t len = evbuffer_get_length(in);
	json_error_t err;
	json_t *doc = json_loadb((const char *)evbuffer_pullup(in, (ev_ssize_t)len), len,
	                         JSON_REJECT_DUPLICATES, &err);

	if (!json_is_object(doc)) {
		char reden[256];
		snprintf(reden, sizeof(reden), "Geen geldig JSON-object (regel %d, kolom %d).",
		         err.line, err.column);
		toegang_probleem(v, 400, "parse_error", "De inhoud van het verzoek is geen JSON.",
		                 NULL,
		                 json_pack("[{s:s, s:s, s:s}]", "name", "body", "code",
		                           "parse_error", "reason", reden));
		json_decref(doc);
		return NULL;
	}
	return doc;
}

static bool
id_vorm(const struct http_req *r)
{
	const char *s = r->nparams >= 1 ? r->params[0] : NULL;

	if (!s || strlen(s) != UUID_LEN)
		return false;
	for (int i = 0; i < UUID_LEN; i++) {
		bool streep = i == 8 || i == 13 || i == 18 || i == 23;
		char c = s[i];
		if (streep ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

static json_t *
fouten_van(const struct redenen *red)
{
	json_t *uit = json_array();

	for (size_t i = 0; i < red->n; i++)
		json_array_append_new(uit,
		                      json_pack("{s:s, s:s, s:s}", "name",
		                                red->r[i].veld[0] ? red->r[i].veld : "body", "code",
		                                red->r[i].code, "reason", red->r[i].tekst));
	return uit;
}

static void
ongeldig(struct toegang_verzoek *v, json_t *fouten)
{
	toegang_probleem(v, 400, "invalid", "Een of meer velden zijn ongeldig.",
	                 "Zie invalidParams.", fouten);
}

static void
veld_fout(struct toegang_verzoek *v, int status, const char *veld, const char *code,
          const char *reden)
{
	toegang_probleem(
	        v, status, status == 403 ? "geen_toegang" : "invalid",
	        status == 403 ? "U mag dit niet." : "Een of meer velden zijn ongeldig.", reden,
	        json_pack("[{s:s, s:s, s:s}]", "name", veld, "code", code, "reason", reden));
}

static void
niet_beschikbaar(struct toegang_verzoek *v)
{
	toegang_probleem(v, 503, "niet_beschikbaar", "De gegevens zijn nu niet bereikbaar.",
	                 "Probeer het over een paar minuten opnieuw.", NULL);
}

static void
verzoek_onbekend(struct toegang_verzoek *v)
{
	/* The same whether it does not exist or may not be seen. */
	toegang_probleem(v, 404, "not_found", "Verzoek niet gevonden.",
	                 "Dit verzoek bestaat niet, of u mag het niet zien.", NULL);
}

/* Decisions. */

/* The person as the resource of an inzage action. */
static void
beslis_zaaktype(struct inzage_api *a, const struct principal *p, enum policy_actie actie,
                const struct identiteit *wie, const char *zaaktype, const char *doel,
                struct policy_decision *d)
{
	struct zaak_resource z = {
	        .initiator = *wie,
	        .zaaktype = zaaktype,
	        .open = true,
	        .vertrouwelijkheid = VERTR_OPENBAAR,
	        .tonen_aan_initiator = true,
	};
	struct policy_context ctx = {.doel = doel};

	policy_evaluate(toegang_policy_hold(a->t), p, actie, &z, &ctx, d);
	toegang_policy_release(a->t);
}

/* About the person as a whole: for a gemachtigde, only a machtiging for all
 * diensten covers it. */
static void
beslis(struct inzage_api *a, const struct principal *p, enum policy_actie actie,
       const struct identiteit *wie, const char *doel, struct policy_decision *d)
{
	beslis_zaaktype(a, p, actie, wie, NULL, doel, d);
}

/*
 * A gemachtigde whose machtigingen for wie name only some diensten: each
 * dienst (zaaktype) decided on its own; the allowed ones go in b, and d is the
 * first permit (or the last refusal, when none is allowed).
 */
static void
beslis_diensten(struct inzage_api *a, const struct principal *p, const struct identiteit *wie,
                const char *doel, struct beperking *b, struct policy_decision *d)
{
	struct policy_decision dd;

	b->n = 0;
	for (unsigned i = 0; i < p->n_machtigingen; i++) {
		const struct machtiging *m = &p->machtigingen[i];

		if (!identiteit_equal(&m->voor, wie))
			continue;
		for (unsigned j = 0; j < m->n_diensten; j++) {
			beslis_zaaktype(a, p, ACTIE_INZAGE_LEZEN, wie, m->diensten[j], doel, &dd);
			if (!dd.toegestaan) {
				if (b->n == 0)
					*d = dd;
				continue;
			}
			if (b->n == 0)
				*d = dd;
			snprintf(b->zaaktypen[b->n++], PRINCIPAL_MAX_TEKST, "%s", m->diensten[j]);
		}
	}
}

static void
registreer(struct toegang_verzoek *v, const struct principal *p, const struct identiteit *wie,
           const char *pseudoniem, const char *type, enum policy_actie actie, const char *doel,
           const struct policy_decision *d)
{
	struct toegang_betrokkene b = {.id = *wie, .type = type, .pseudoniem = pseudoniem};
	struct toegang_vastlegging vast = {.actie = actie, .doel = doel};

	toegang_registreer(v, p, &b, &vast, d);
}

static const char *
type_van(enum id_type t)
{
	return t == ID_KVK ? "niet_natuurlijk_persoon" : "natuurlijk_persoon";
}

/* Whom of the caller's own identities (themselves, those they act for, an
 * employee's own BSN for "slager keurt eigen vlees") a pseudonym names; an
 * empty identity when none. */
static struct identiteit
wie_van(struct inzage_api *a, const struct principal *p, const char *ps)
{
	const struct pseudoniem_sleutel *k = toegang_sleutel(a->t);
	struct identiteit geen = {.type = ID_GEEN};
	char eigen[PSEUDONIEM_LEN + 1];

	if (p->identiteit.type != ID_GEEN &&
	    pseudoniem(k, id_type_name(p->identiteit.type), p->identiteit.nummer, eigen) &&
	    !strcmp(eigen, ps))
		return p->identiteit;
	for (unsigned i = 0; i < p->n_machtigingen; i++) {
		const struct identiteit *m = &p->machtigingen[i].voor;
		if (pseudoniem(k, id_type_name(m->type), m->nummer, eigen) && !strcmp(eigen, ps))
			return *m;
	}
	return geen;
}

static void
geweigerd(struct toegang_verzoek *v, const struct policy_decision *d)
{
	toegang_probleem(v, 403, "geen_toegang", "U mag dit niet.",
	                 d->uitleg ? d->uitleg : "Geen regel staat dit toe.", NULL);
}

static const char *
doel_van(struct http_req *r, const char *standaard)
{
	const char *d = http_query(r, "doel");
	return d && *d && strlen(d) <= 64 ? d : standaard;
}

/* Reads on a reader thread. */

/* A read on the reader's connection, reconnecting once when it was lost. */
static bool
opnieuw(struct pg *pg)
{
	return !pg_connected(pg) && pg_reconnect(pg);
}

static void
lees_geef(struct inzage_api *a, struct toegang_verzoek *v,
          void (*werk)(struct pg *, struct lees_taak *), void (*klaar)(struct lees_taak *, bool),
          const char *sleutel, bool html, const struct beperking *beperk)
{
	struct lees *l = calloc(1, sizeof(*l));

	if (!l) {
		niet_beschikbaar(v);
		return;
	}
	if (beperk)
		l->beperk = *beperk;
	l->taak.werk = werk;
	l->taak.klaar = klaar;
	l->v = v;
	l->platform = a->z->platform;
	l->html = html;
	snprintf(l->sleutel, sizeof(l->sleutel), "%s", sleutel);
	lezers_geef(a->lezers, &l->taak);
}

static void
overzicht_werk(struct pg *pg, struct lees_taak *t)
{
	struct lees *l = (struct lees *)t;
	struct register_rijen r;

	if (!inzage_register_lees(pg, l->platform, l->sleutel, &r) &&
	    !(opnieuw(pg) && inzage_register_lees(pg, l->platform, l->sleutel, &r))) {
		l->rc = INZ_DB;
		return;
	}
	if (l->beperk.n > 0) {
		const char *zaaktypen[sizeof(l->beperk.zaaktypen) / sizeof(l->beperk.zaaktypen[0])];
		struct reg_beperkt b;

		for (unsigned i = 0; i < l->beperk.n; i++)
			zaaktypen[i] = l->beperk.zaaktypen[i];
		l->tekst = reg_beperk(&r.reg, zaaktypen, l->beperk.n, &b)
		                   ? rapport_overzicht(&b.reg, NULL)
		                   : NULL;
		reg_beperkt_vrij(&b);
	} else {
		l->tekst = rapport_overzicht(&r.reg, NULL);
	}
	l->rc = l->tekst ? INZ_OK : INZ_DB;
	inzage_register_vrij(&r);
}

static void
overzicht_klaar(struct lees_taak *t, bool gedaan)
{
	struct lees *l = (struct lees *)t;

	if (gedaan && l->rc == INZ_OK)
		toegang_antwoord_tekst(l->v, 200, "application/json", l->tekst);
	else
		niet_beschikbaar(l->v);
	free(l);
}

/*
 * GET /api/v1/mijn-gegevens and POST /api/v1/mijn-gegevens/_zoek: the
 * resident's own overview, or (in the POST body, never in a URL: proxies and
 * access logs keep query strings) that of someone they act for. namens in
 * the URL is refused, and recorded as a refused look-up of whom it names.
 */
static void
mijn_gegevens(struct inzage_api *a, struct toegang_verzoek *v, const struct principal *pp,
              const char *namens, bool in_url)
{
	const struct principal p = *pp;
	struct identiteit wie;
	struct policy_decision d;
	struct beperking beperk = {.n = 0};
	char ps[PSEUDONIEM_LEN + 1];

	if (p.kind != PRINCIPAL_INWONER) {
		toegang_probleem(v, 403, "alleen_inwoners", "Alleen voor inwoners.",
		                 "Mijn gegevens is het overzicht van de ingelogde inwoner. Een "
		                 "medewerker behandelt een inzageverzoek.",
		                 NULL);
		return;
	}
	wie = p.identiteit;
	if (namens && !identiteit_set(&wie, strlen(namens) == 8 ? ID_KVK : ID_BSN, namens)) {
		veld_fout(v, 400, "namens", "invalid",
		          "Geen geldig BSN (elfproef) of KvK-nummer (8 cijfers).");
		return;
	}
	beslis(a, &p, ACTIE_INZAGE_LEZEN, &wie, "inzicht", &d);
	/* A machtiging for some diensten: the overview of the zaken of those. */
	if (!d.toegestaan && namens)
		beslis_diensten(a, &p, &wie, "inzicht", &beperk, &d);
	if (in_url)
		toegang_besluit_ongeldig(&d);
	registreer(v, &p, &wie, NULL, type_van(wie.type), ACTIE_INZAGE_LEZEN, "inzicht", &d);
	if (in_url) {
		veld_fout(v, 400, "namens", "not_allowed",
		          "Een BSN of KvK-nummer hoort niet in een URL (die komt in logboeken van "
		          "proxies terecht): vraag het op met POST /api/v1/mijn-gegevens/_zoek "
		          "en zet namens in de body.");
		return;
	}
	if (!d.toegestaan) {
		if (namens)
			veld_fout(v, 403, "namens", "geen_machtiging",
			          "Uw inlog bevat geen machtiging van wie u noemt.");
		else
			geweigerd(v, &d);
		return;
	}
	if (!pseudoniem(toegang_sleutel(a->t), id_type_name(wie.type), wie.nummer, ps)) {
		niet_beschikbaar(v);
		return;
	}
	lees_geef(a, v, overzicht_werk, overzicht_klaar, ps, false, &beperk);
}

static void
handle_mijn_gegevens(struct http_req *r, void *arg)
{
	struct inzage_api *a = arg;
	struct toegang_verzoek *v = toegang_verzoek_begin(a->vl, r);
	const char *namens = http_query(r, "namens");
	struct principal p;

	if (toegang_authenticeer(v, &p))
		mijn_gegevens(a, v, &p, namens, namens != NULL);
}

static void
handle_mijn_gegevens_zoek(struct http_req *r, void *arg)
{
	struct inzage_api *a = arg;
	struct toegang_verzoek *v = toegang_verzoek_begin(a->vl, r);
	struct principal p;
	json_t *body, *n, *w;
	const char *k;

	if (!toegang_authenticeer(v, &p) || !(body = body_van(r, v)))
		return;
	json_object_foreach(body, k, w)
	{
		if (strcmp(k, "namens")) {
			veld_fout(v, 400, k, "unknown", "Dit veld is hier onbekend.");
			json_decref(body);
			return;
		}
	}
	n = json_object_get(body, "namens");
	if (n && !json_is_string(n)) {
		veld_fout(v, 400, "namens", "invalid",
		          "Geef namens als tekst (BSN of KvK-nummer).");
		json_decref(body);
		return;
	}
	mijn_gegevens(a, v, &p, n ? json_string_value(n) : NULL, false);
	json_decref(body);
}

/* POST /api/v1/inzageverzoeken */

static void
handle_nieuw(struct http_req *r, void *arg)
{
	struct inzage_api *a = arg;
	struct toegang_verzoek *v = toegang_verzoek_begin(a->vl, r);
	struct verzoek_invoer in;
	struct verzoek_stand st;
	struct policy_decision d;
	struct redenen red;
	struct principal p;
	bool verboden;
	json_t *body;

	if (!toegang_authenticeer(v, &p))
		return;
	if (!(body = body_van(r, v)))
		return;
	redenen_init(&red, "te_veel", "Er is meer mis; herstel eerst deze punten.");
	if (!verzoek_invoer_lees(body, &p, inzage_vandaag(a->z), &in, &red, &verboden)) {
		json_decref(body);
		if (verboden)
			toegang_probleem(v, 403, "geen_toegang",
			                 "U kunt geen verzoek doen over iemand anders.",
			                 "Zie invalidParams.", fouten_van(&red));
		else
			ongeldig(v, fouten_van(&red));
		return;
	}
	json_decref(body);
	beslis(a, &p, ACTIE_INZAGE_INDIENEN, &in.betrokkene, "inzageverzoek", &d);
	registreer(v, &p, &in.betrokkene, NULL, type_van(in.betrokkene.type), ACTIE_INZAGE_INDIENEN,
	           "inzageverzoek", &d);
	if (!d.toegestaan) {
		geweigerd(v, &d);
		return;
	}
	switch (inzage_verzoek_nieuw(a->z, &in, &p, &st)) {
	case INZ_OK:
		toegang_antwoord(v, 201, json_incref(st.json));
		break;
	case INZ_CONFLICT:
		veld_fout(v, 409, "verzoekId", "verzoekId.in_gebruik",
		          "Dit verzoekId hoort bij een ander verzoek.");
		break;
	default:
		niet_beschikbaar(v);
	}
	verzoek_stand_vrij(&st);
}

/* GET /api/v1/inzageverzoeken?termijn= */

static void
handle_lijst(struct http_req *r, void *arg)
{
	static const char *const termijnen[] = {"open", "nadert", "overschreden", "afgehandeld",
	                                        "alle"};
	struct inzage_api *a = arg;
	struct toegang_verzoek *v = toegang_verzoek_begin(a->vl, r);
	const char *termijn = http_query(r, "termijn"), *doel = doel_van(r, "toezicht");
	struct identiteit geen = {.type = ID_GEEN};
	struct policy_decision d;
	struct policy_context ctx = {.doel = doel};
	struct principal p;
	bool bekend = false;
	json_t *lijst, *item;
	size_t i;

	if (!toegang_authenticeer(v, &p))
		return;
	if (!termijn)
		termijn = "open";
	for (size_t k = 0; k < sizeof(termijnen) / sizeof(termijnen[0]); k++)
		bekend = bekend || !strcmp(termijn, termijnen[k]);
	if (!bekend) {
		veld_fout(v, 400, "termijn", "invalid",
		          "Kies open, nadert, overschreden, afgehandeld of alle.");
		return;
	}
	/* Requests and deadlines of no one in particular: decided without a person. */
	policy_evaluate(toegang_policy_hold(a->t), &p, ACTIE_INZAGE_TERMIJNEN, NULL, &ctx, &d);
	toegang_policy_release(a->t);
	if (!d.toegestaan) {
		geweigerd(v, &d);
		return;
	}
	if (!(lijst = inzage_verzoeken(a->z, termijn, LIJST_MAX))) {
		niet_beschikbaar(v);
		return;
	}
	/* That someone made a request is their personal data too: one record
	 * per request shown, by pseudonym. */
	json_array_foreach(lijst, i, item)
	{
		registreer(v, &p, &geen, json_string_value(json_object_get(item, "betrokkene")),
		           json_string_value(json_object_get(item, "betrokkeneType")),
		           ACTIE_INZAGE_TERMIJNEN, doel, &d);
		json_object_del(item, "betrokkene");
		json_object_del(item, "betrokkeneType");
	}
	{
		char dag[DATUM_TEKST];
		datum_format(inzage_vandaag(a->z), dag, sizeof(dag));
		toegang_antwoord(v, 200,
		                 json_pack("{s:s, s:s, s:o}", "termijn", termijn, "vandaag", dag,
		                           "results", lijst));
	}
}

/* The request named in the path, decided for actie; false after a reply. */
static bool
verzoek_voor(struct inzage_api *a, struct toegang_verzoek *v, struct http_req *r,
             const struct principal *p, enum policy_actie actie, const char *doel,
             struct verzoek_stand *st)
{
	struct policy_decision d;
	struct identiteit wie;

	memset(st, 0, sizeof(*st));
	if (!id_vorm(r)) {
		veld_fout(v, 400, "id", "invalid", "Een verzoek-id is een UUID in kleine letters.");
		return false;
	}
	switch (inzage_verzoek_lees(a->z, r->params[0], st)) {
	case INZ_OK:
		break;
	case INZ_ONBEKEND:
		verzoek_onbekend(v);
		return false;
	default:
		niet_beschikbaar(v);
		return false;
	}
	wie = wie_van(a, p, st->betrokkene);
	beslis(a, p, actie, &wie, doel, &d);
	registreer(v, p, &wie, st->betrokkene, st->betrokkene_type, actie, doel, &d);
	if (d.toegestaan)
		return true;
	verzoek_stand_vrij(st);
	if (p->kind == PRINCIPAL_INWONER)
		verzoek_onbekend(v);
	else
		geweigerd(v, &d);
	return false;
}

/* GET /api/v1/inzageverzoeken/{id} */

static void
handle_verzoek(struct http_req *r, void *arg)
{
	struct inzage_api *a = arg;
	struct toegang_verzoek *v = toegang_verzoek_begin(a->vl, r);
	struct verzoek_stand st;
	struct principal p;
	bool inwoner;

	if (!toegang_authenticeer(v, &p))
		return;
	inwoner = p.kind == PRINCIPAL_INWONER;
	if (!verzoek_voor(a, v, r, &p, inwoner ? ACTIE_INZAGE_LEZEN : ACTIE_INZAGE_TERMIJNEN,
	                  inwoner ? "inzicht" : doel_van(r, "toezicht"), &st))
		return;
	toegang_antwoord(v, 200, json_incref(st.json));
	verzoek_stand_vrij(&st);
}

static bool
alleen_medewerker(struct toegang_verzoek *v, const struct principal *p)
{
	if (p->kind == PRINCIPAL_MEDEWERKER)
		return true;
	toegang_probleem(v, 403, "alleen_medewerkers", "Alleen voor medewerkers.",
	                 "Een verzoek wordt behandeld door een medewerker van de gemeente.", NULL);
	return false;
}

static bool
alleen_velden(struct toegang_verzoek *v, const json_t *body, const char *const *velden)
{
	struct redenen red;
	const char *k;
	json_t *w;

	redenen_init(&red, "te_veel", "Er is meer mis.");
	json_object_foreach((json_t *)body, k, w)
	{
		bool bekend = false;
		for (const char *const *x = velden; *x; x++)
			bekend = bekend || !strcmp(*x, k);
		if (!bekend)
			redenen_voeg_toe(&red, "veld.onbekend", k, "Dit veld is hier onbekend.");
	}
	if (red.n == 0)
		return true;
	ongeldig(v, fouten_van(&red));
	return false;
}

/* POST /api/v1/inzageverzoeken/{id}/verlenging */

static void
handle_verlenging(struct http_req *r, void *arg)
{
	static const char *const velden[] = {"reden", "nieuweUitersteDatum", NULL};
	struct inzage_api *a = arg;
	struct toegang_verzoek *v = toegang_verzoek_begin(a->vl, r);
	struct verzoek_stand st;
	struct redenen red;
	struct principal p;
	const json_t *nd, *rd;
	json_t *body;

	if (!toegang_authenticeer(v, &p) || !alleen_medewerker(v, &p))
		return;
	if (!(body = body_van(r, v)))
		return;
	if (!alleen_velden(v, body, velden)) {
		json_decref(body);
		return;
	}
	if (!verzoek_voor(a, v, r, &p, ACTIE_INZAGE_BEHANDELEN, "inzageverzoek", &st)) {
		json_decref(body);
		return;
	}
	verzoek_stand_vrij(&st);
	nd = json_object_get(body, "nieuweUitersteDatum");
	rd = json_object_get(body, "reden");
	redenen_init(&red, "te_veel", "Er is meer mis.");
	switch (inzage_verleng(
	        a->z, r->params[0], json_is_string(rd) ? json_string_value(rd) : NULL,
	        json_is_string(nd) ? datum_van_tekst(json_string_value(nd)) : DATUM_ONGELDIG, &p,
	        &red, &st)) {
	case INZ_OK:
		toegang_antwoord(v, 200, json_incref(st.json));
		break;
	case INZ_GEWEIGERD:
		toegang_probleem(v, redenen_heeft(&red, "verzoek.afgehandeld", NULL) ? 409 : 400,
		                 "verlenging_geweigerd", "De termijn kan zo niet worden verlengd.",
		                 "Zie invalidParams.", fouten_van(&red));
		break;
	case INZ_ONBEKEND:
		verzoek_onbekend(v);
		break;
	default:
		niet_beschikbaar(v);
	}
	verzoek_stand_vrij(&st);
	json_decref(body);
}

/* POST /api/v1/inzageverzoeken/{id}/afhandeling */

static void
handle_afhandeling(struct http_req *r, void *arg)
{
	static const char *const velden[] = {"uitkomst", "toelichting", NULL};
	struct inzage_api *a = arg;
	struct toegang_verzoek *v = toegang_verzoek_begin(a->vl, r);
	struct verzoek_stand st;
	struct principal p;
	const json_t *tj;
	const char *toel;
	json_t *body;
	int uitkomst;

	if (!toegang_authenticeer(v, &p) || !alleen_medewerker(v, &p))
		return;
	if (!(body = body_van(r, v)))
		return;
	if (!alleen_velden(v, body, velden))
		goto out;
	uitkomst = verzoek_uitkomst(json_string_value(json_object_get(body, "uitkomst")));
	tj = json_object_get(body, "toelichting");
	toel = json_is_string(tj) ? json_string_value(tj) : NULL;
	if (uitkomst < 0) {
		veld_fout(v, 400, "uitkomst", "uitkomst.onbekend",
		          "Kies verstrekt, gedeeltelijk_verstrekt, geweigerd_kennelijk_ongegrond, "
		          "geweigerd_buitensporig, geen_gegevens of niet_ontvankelijk.");
		goto out;
	}
	if ((tj && !json_is_string(tj)) || (toel && strlen(toel) > VERZOEK_TOELICHTING_MAX)) {
		veld_fout(v, 400, "toelichting", "toelichting.ongeldig",
		          "De toelichting is tekst van hoogstens 4000 tekens.");
		goto out;
	}
	if (verzoek_uitkomst_weigert(uitkomst) && (!toel || !*toel)) {
		veld_fout(v, 400, "toelichting", "toelichting.ontbreekt",
		          "Een weigering vermeldt waarom, en dat de betrokkene kan klagen bij de "
		          "Autoriteit Persoonsgegevens (AVG artikel 12, lid 4).");
		goto out;
	}
	/* Answering reads the person's data to assemble the report. */
	if (!verzoek_voor(a, v, r, &p, ACTIE_INZAGE_BEHANDELEN, "inzageverzoek", &st))
		goto out;
	verzoek_stand_vrij(&st);
	switch (inzage_afhandel(a->z, r->params[0], uitkomst, toel, &p, &st)) {
	case INZ_OK:
		toegang_antwoord(v, 200, json_incref(st.json));
		break;
	case INZ_AFGEHANDELD:
		veld_fout(v, 409, "id", "verzoek.afgehandeld", "Dit verzoek is al afgehandeld.");
		break;
	case INZ_ONBEKEND:
		verzoek_onbekend(v);
		break;
	default:
		niet_beschikbaar(v);
	}
	verzoek_stand_vrij(&st);
out:
	json_decref(body);
}

/* GET /api/v1/inzageverzoeken/{id}/rapport */

static bool
wil_html(struct http_req *r)
{
	const char *f = http_query(r, "formaat"), *accept = http_header(r, "Accept");

	if (f)
		return !strcmp(f, "html");
	return accept && strstr(accept, "text/html") && !strstr(accept, "application/json");
}

/* The kept report: as JSON it goes out as PostgreSQL gives it (parsing and
 * dumping it again cost a reader ~3 ms and changed nothing but whitespace);
 * as HTML it is parsed once to be written out. */
static void
rapport_werk(struct pg *pg, struct lees_taak *t)
{
	struct lees *l = (struct lees *)t;
	char *kept = inzage_rapport(pg, l->sleutel, &l->rc);
	json_t *doc;

	if (l->rc == INZ_DB && opnieuw(pg))
		kept = inzage_rapport(pg, l->sleutel, &l->rc);
	if (l->rc != INZ_OK || !l->html) {
		l->tekst = kept;
		return;
	}
	doc = json_loads(kept, 0, NULL);
	free(kept);
	l->tekst = doc ? rapport_html(doc) : NULL;
	json_decref(doc);
}

static void
rapport_klaar(struct lees_taak *t, bool gedaan)
{
	struct lees *l = (struct lees *)t;
	struct toegang_verzoek *v = l->v;

	if (!gedaan) {
		niet_beschikbaar(v);
	} else if (l->rc == INZ_OK && l->html && !l->tekst) {
		toegang_probleem(v, 500, "te_groot", "Het document is te groot.",
		                 "Vraag het rapport als JSON op.", NULL);
	} else if (l->rc == INZ_OK) {
		toegang_antwoord_tekst(v, 200,
		                       l->html ? "text/html; charset=utf-8" : "application/json",
		                       l->tekst);
	} else if (l->rc == INZ_ONBEKEND || l->rc == INZ_AFGEHANDELD) {
		toegang_probleem(
		        v, 404, "geen_rapport", "Er is (nog) geen rapport.",
		        l->rc == INZ_ONBEKEND
		                ? "Het verzoek is nog niet afgehandeld."
		                : "Dit verzoek is afgehandeld zonder overzicht van gegevens.",
		        NULL);
	} else {
		niet_beschikbaar(v);
	}
	free(l);
}

static void
handle_rapport(struct http_req *r, void *arg)
{
	struct inzage_api *a = arg;
	struct toegang_verzoek *v = toegang_verzoek_begin(a->vl, r);
	const char *formaat = http_query(r, "formaat");
	struct verzoek_stand st;
	struct principal p;
	bool inwoner;

	if (!toegang_authenticeer(v, &p))
		return;
	if (formaat && strcmp(formaat, "html") && strcmp(formaat, "json")) {
		veld_fout(v, 400, "formaat", "invalid", "Kies html of json.");
		return;
	}
	inwoner = p.kind == PRINCIPAL_INWONER;
	if (!verzoek_voor(a, v, r, &p, ACTIE_INZAGE_LEZEN,
	                  inwoner ? "inzicht" : doel_van(r, "inzageverzoek"), &st))
		return;
	verzoek_stand_vrij(&st);
	lees_geef(a, v, rapport_werk, rapport_klaar, r->params[0], wil_html(r), NULL);
}

struct inzage_api *
inzage_api_start(struct inzage *z, struct toegang *t, struct http_server *http, const char *brokers,
                 const char *schemas_dir, const char *pg_url, int lezers)
{
	struct inzage_api *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->z = z;
	a->t = t;
	a->vl = toegang_vastlegger_new(t, loop_base(), brokers, "inzage-api", schemas_dir);
	a->lezers = a->vl ? lezers_new(loop_base(), pg_url, lezers) : NULL;
	if (!a->lezers) {
		inzage_api_free(a);
		return NULL;
	}
	http_route(http, "GET", "/api/v1/mijn-gegevens", handle_mijn_gegevens, a);
	http_route(http, "POST", "/api/v1/mijn-gegevens/_zoek", handle_mijn_gegevens_zoek, a);
	http_route(http, "POST", "/api/v1/inzageverzoeken", handle_nieuw, a);
	http_route(http, "GET", "/api/v1/inzageverzoeken", handle_lijst, a);
	http_route(http, "GET", "/api/v1/inzageverzoeken/{id}", handle_verzoek, a);
	http_route(http, "POST", "/api/v1/inzageverzoeken/{id}/verlenging", handle_verlenging, a);
	http_route(http, "POST", "/api/v1/inzageverzoeken/{id}/afhandeling", handle_afhandeling, a);
	http_route(http, "GET", "/api/v1/inzageverzoeken/{id}/rapport", handle_rapport, a);
	return a;
}

void
inzage_api_free(struct inzage_api *a)
{
	if (!a)
		return;
	/* First the reads in flight: their replies go to the recorder. */
	lezers_free(a->lezers);
	toegang_vastlegger_free(a->vl);
	free(a);
}
