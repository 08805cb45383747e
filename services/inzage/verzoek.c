/*
 * verzoek.c — a request under the AVG as the API receives it: see verzoek.h.
 */
#include "verzoek.h"

#include <string.h>

#include "core/datum.h"
#include "core/mask.h"

static const char *
tekst(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool
in_lijst(const char *s, const char *const *lijst)
{
	for (; s && *lijst; lijst++)
		if (!strcmp(s, *lijst))
			return true;
	return false;
}

static bool
uuid_vorm(const char *s)
{
	if (!s || strlen(s) != VERZOEK_ID_LEN)
		return false;
	for (int i = 0; i < VERZOEK_ID_LEN; i++) {
		char c = s[i];
		bool streep = i == 8 || i == 13 || i == 18 || i == 23;
		if (streep ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

/* {"bsn": ...} or {"kvk": ...}, or a bare BSN/KvK number as text. */
static bool
identiteit_lees(const json_t *v, struct identiteit *out)
{
	const char *bsn = json_is_object(v) ? tekst(v, "bsn") : NULL;
	const char *kvk = json_is_object(v) ? tekst(v, "kvk") : NULL;

	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		return strlen(s) == 8 ? identiteit_set(out, ID_KVK, s)
		                      : identiteit_set(out, ID_BSN, s);
	}
	if (!json_is_object(v) || json_object_size(v) != 1)
		return false;
	return bsn   ? identiteit_set(out, ID_BSN, bsn)
	       : kvk ? identiteit_set(out, ID_KVK, kvk)
	             : false;
}

static bool
gemachtigd_voor(const struct principal *p, const struct identiteit *wie)
{
	for (unsigned i = 0; i < p->n_machtigingen; i++)
		if (identiteit_equal(&p->machtigingen[i].voor, wie) &&
		    p->machtigingen[i].n_diensten == 0)
			return true;
	return false;
}

bool
verzoek_invoer_lees(const json_t *body, const struct principal *p, int32_t vandaag,
                    struct verzoek_invoer *out, struct redenen *r, bool *verboden)
{
	static const char *const velden_inwoner[] = {"verzoekId",  "recht",       "namens",
	                                             "betrokkene", "toelichting", NULL};
	static const char *const velden_medewerker[] = {
	        "verzoekId",   "recht",       "betrokkene",          "kanaal",
	        "ontvangenOp", "toelichting", "identiteitscontrole", NULL};
	static const char *const kanalen[] = {"post", "balie", "email", "telefoon_14070", NULL};
	static const char *const middelen[] = {
	        "paspoort", "identiteitskaart", "rijbewijs", "verblijfsdocument",
	        "digid",    "eherkenning",      "overig",    NULL};
	bool medewerker = p->kind == PRINCIPAL_MEDEWERKER;
	const char *k, *s;
	const json_t *v;
	size_t voor = r->n;
	int recht;

	memset(out, 0, sizeof(*out));
	*verboden = false;
	out->ontvangen = vandaag;
	if (!json_is_object(body)) {
		redenen_voeg_toe(r, "verzoek.vorm", NULL, "Stuur het verzoek als JSON-object.");
		return false;
	}
	json_object_foreach((json_t *)body, k, v)
	{
		if (!in_lijst(k, medewerker ? velden_medewerker : velden_inwoner))
			redenen_voeg_toe(r, "veld.onbekend", k, "Dit veld kent het verzoek niet.");
	}

	if ((v = json_object_get(body, "verzoekId"))) {
		if (!uuid_vorm(json_string_value(v)))
			redenen_voeg_toe(r, "verzoekId.ongeldig", "verzoekId",
			                 "Een verzoekId is een UUID in kleine letters.");
		else
			memcpy(out->verzoek_id, json_string_value(v), VERZOEK_ID_LEN + 1);
	}
	s = tekst(body, "recht");
	recht = recht_van_naam(s);
	if (recht < 0)
		redenen_voeg_toe(
		        r, s ? "recht.onbekend" : "recht.ontbreekt", "recht",
		        "Kies het recht dat u inroept: inzage, rectificatie, verwijdering, "
		        "beperking of bezwaar.");
	else
		out->recht = (enum recht)recht;

	if ((v = json_object_get(body, "toelichting"))) {
		if (!json_is_string(v) || strlen(json_string_value(v)) > VERZOEK_TOELICHTING_MAX)
			redenen_voeg_toe(r, "toelichting.ongeldig", "toelichting",
			                 "De toelichting is tekst van hoogstens %d tekens.",
			                 VERZOEK_TOELICHTING_MAX);
		else {
			snprintf(out->toelichting, sizeof(out->toelichting), "%s",
			         json_string_value(v));
			mask_text(out->toelichting);
		}
	}

	if (!medewerker) {
		const json_t *namens = json_object_get(body, "namens");
		const json_t *wie = namens ? namens : json_object_get(body, "betrokkene");
		const char *veld = namens ? "namens" : "betrokkene";
		struct identiteit id;

		out->betrokkene = p->identiteit;
		snprintf(out->kanaal, sizeof(out->kanaal), "web");
		snprintf(out->id_middel, sizeof(out->id_middel), "%s",
		         p->identiteit.type == ID_KVK ? "eherkenning" : "digid");
		if (namens && json_object_get(body, "betrokkene"))
			redenen_voeg_toe(r, "veld.dubbel", "betrokkene",
			                 "Noem 'namens' of 'betrokkene', niet allebei.");
		if (wie && !identiteit_lees(wie, &id)) {
			redenen_voeg_toe(r, "betrokkene.ongeldig", veld,
			                 "Geen geldig BSN (elfproef) of KvK-nummer (8 cijfers).");
		} else if (wie && !identiteit_equal(&id, &p->identiteit)) {
			if (gemachtigd_voor(p, &id)) {
				out->betrokkene = id;
				out->vertegenwoordigd = true;
			} else {
				/* Someone else's data: a 403 unless the body has other faults. */
				*verboden = r->n == voor;
				redenen_voeg_toe(
				        r, "betrokkene.ander", veld,
				        "U kunt alleen een verzoek doen over uzelf, of over "
				        "iemand die u daarvoor volledig heeft gemachtigd.");
			}
		}
		return r->n == voor;
	}

	/* An employee registers a letter, an e-mail, a call or a desk visit. */
	if (!identiteit_lees(json_object_get(body, "betrokkene"), &out->betrokkene))
		redenen_voeg_toe(r, "betrokkene.ongeldig", "betrokkene",
		                 "Noem de betrokkene met een geldig BSN of KvK-nummer: "
		                 "{\"bsn\": \"...\"} of {\"kvk\": \"...\"}.");
	s = tekst(body, "kanaal");
	if (!in_lijst(s, kanalen))
		redenen_voeg_toe(
		        r, s ? "kanaal.onbekend" : "kanaal.ontbreekt", "kanaal",
		        "Hoe kwam het verzoek binnen: post, balie, email of telefoon_14070.");
	else
		snprintf(out->kanaal, sizeof(out->kanaal), "%s", s);
	if ((v = json_object_get(body, "ontvangenOp"))) {
		int32_t dag =
		        json_is_string(v) ? datum_van_tekst(json_string_value(v)) : DATUM_ONGELDIG;
		if (dag == DATUM_ONGELDIG)
			redenen_voeg_toe(r, "datum.ongeldig", "ontvangenOp",
			                 "Geef de datum van ontvangst als JJJJ-MM-DD.");
		else if (dag > vandaag)
			redenen_voeg_toe(r, "datum.toekomst", "ontvangenOp",
			                 "De datum van ontvangst ligt in de toekomst.");
		else
			out->ontvangen = dag;
	}
	v = json_object_get(body, "identiteitscontrole");
	s = json_is_object(v) ? tekst(v, "middel") : NULL;
	if (!v)
		redenen_voeg_toe(r, "identiteitscontrole.ontbreekt", "identiteitscontrole",
		                 "Leg vast hoe de identiteit van de verzoeker is gecontroleerd "
		                 "(AVG artikel 12, lid 6).");
	else if (!in_lijst(s, middelen) || json_object_size(v) != 1)
		redenen_voeg_toe(r, "identiteitscontrole.ongeldig", "identiteitscontrole.middel",
		                 "Kies het middel: paspoort, identiteitskaart, rijbewijs, "
		                 "verblijfsdocument, digid, eherkenning of overig.");
	else
		snprintf(out->id_middel, sizeof(out->id_middel), "%s", s);
	return r->n == voor;
}

static const char *const uitkomsten[] = {
        "verstrekt",
        "gedeeltelijk_verstrekt",
        "geweigerd_kennelijk_ongegrond",
        "geweigerd_buitensporig",
        "geen_gegevens",
        "niet_ontvankelijk",
};
#define N_UITKOMSTEN ((int)(sizeof(uitkomsten) / sizeof(uitkomsten[0])))

int
verzoek_uitkomst(const char *naam)
{
	for (int i = 0; naam && i < N_UITKOMSTEN; i++)
		if (!strcmp(naam, uitkomsten[i]))
			return i;
	return -1;
}

bool
verzoek_uitkomst_weigert(int u)
{
	return u == 2 || u == 3 || u == 5;
}

bool
verzoek_uitkomst_verstrekt(int u)
{
	return u == 0 || u == 1;
}

const char *
verzoek_uitkomst_naam(int u)
{
	return u >= 0 && u < N_UITKOMSTEN ? uitkomsten[u] : "?";
}
