/*
 * rapport.c — the overview and the art. 15 report from a register.
 *
 * The register (one person, built by the daemon's query) is plain JSON:
 *
 *   {"zaken": [{"uuid", "identificatie", "zaaktype", "zaaktypeOmschrijving",
 *               "omschrijving", "afdeling", "kanaal", "startdatum", "status",
 *               "einddatum", "resultaat",
 *               "verwerkingsactiviteit": {id, naam, doel, grondslag, bewaartermijn},
 *               "eigenschappen": [{naam, waarde, doel, grondslag, persoonsgegeven}],
 *               "rollen": [{rol, machtiging, betrokkeneType,
 *                           gegevens: {naam, emailadres, telefoonnummer, geheimhouding}}],
 *               "definities": {eigenschap naam: the catalogus' definitie} or null}],
 *    "berichten": [{identificatie, aanleiding, kanaal, onderwerp, verstuurdOp}],
 *    "raadplegingen": [{tijdstip, actorType, actor, rol, actie, doel, besluit,
 *                       reden, zaakIdentificatie, zelf}],
 *    "aantalRaadplegingen": every recorded decision, the list's rows or not,
 *    "abonnementen": [{id, zaaktypen}] of zs-notificatie's webhooks (optional)}
 *
 * "rollen" are only this person's roles in the zaak. The eigenschappen of an
 * aanvraag are the initiator's data: a gemachtigde on the zaak sees only what
 * the zaak holds about the gemachtigde, never the other person's answers.
 */
#include "rapport.h"
#include "core/buf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datum.h"

static const char *
tekst(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *
of(const char *s, const char *anders)
{
	return s && *s ? s : anders;
}

/* Appends s to a JSON array of strings unless it is there already. */
static void
uniek(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	if (!s || !*s)
		return;
	json_array_foreach(arr, i, v)
	{
		if (!strcmp(json_string_value(v), s))
			return;
	}
	json_array_append_new(arr, json_string(s));
}

void
rapport_duur_tekst(const char *iso, char *out, size_t n)
{
	struct duur d;
	const char *namen[4][2] = {
	        {"jaar", "jaar"}, {"maand", "maanden"}, {"week", "weken"}, {"dag", "dagen"}};
	int getal[4];
	int delen = 0, gezet = 0;
	size_t len = 0;

	if (n == 0)
		return;
	out[0] = '\0';
	if (!iso || !duur_parse(iso, &d)) {
		snprintf(out, n, "%s", iso ? iso : "onbekend");
		return;
	}
	getal[0] = d.jaren;
	getal[1] = d.maanden;
	getal[2] = d.weken;
	getal[3] = d.dagen;
	for (int i = 0; i < 4; i++)
		delen += getal[i] > 0;
	for (int i = 0; i < 4; i++) {
		if (getal[i] == 0)
			continue;
		gezet++;
		buf_appendf(out, n, &len, "%s%d %s",
		            gezet == 1       ? ""
		            : gezet == delen ? " en "
		                             : ", ",
		            getal[i], namen[i][getal[i] == 1 ? 0 : 1]);
	}
	if (delen == 0)
		snprintf(out, n, "0 dagen");
}

static const char *
kanaal_tekst(const char *k)
{
	static const char *const m[][2] = {
	        {"web", "de website"},
	        {"balie", "de balie"},
	        {"telefoon_14070", "14070"},
	        {"post", "een brief"},
	        {"email", "e-mail"},
	        {"sms", "sms"},
	        {"berichtenbox", "de Berichtenbox van MijnOverheid"},
	        {"brief", "een brief"},
	};
	for (size_t i = 0; k && i < sizeof(m) / sizeof(m[0]); i++)
		if (!strcmp(k, m[i][0]))
			return m[i][1];
	return "een ander kanaal";
}

static const char *
rol_tekst(const char *rol, const char *machtiging)
{
	if (machtiging && !strcmp(machtiging, "gemachtigde"))
		return "gemachtigde (u handelde namens de aanvrager)";
	if (machtiging && !strcmp(machtiging, "machtiginggever"))
		return "aanvrager (iemand handelde namens u)";
	if (rol && !strcmp(rol, "initiator"))
		return "aanvrager";
	return of(rol, "betrokkene");
}

/* Whether the zaak's aanvraag was this person's: then its answers are theirs. */
static bool
eigen_aanvraag(const json_t *zaak)
{
	const json_t *rollen = json_object_get(zaak, "rollen"), *r;
	size_t i;

	json_array_foreach(rollen, i, r)
	{
		const char *m = tekst(r, "machtiging");
		if (m && !strcmp(m, "gemachtigde"))
			continue;
		if (!strcmp(of(tekst(r, "rol"), ""), "initiator") ||
		    (m && !strcmp(m, "machtiginggever")))
			return true;
	}
	return false;
}

static const char *
bewaartermijn_van(const json_t *zaak, char *buf, size_t n)
{
	char duur[96];
	const json_t *va = json_object_get(zaak, "verwerkingsactiviteit");

	rapport_duur_tekst(tekst(va, "bewaartermijn"), duur, sizeof(duur));
	snprintf(buf, n, "%s na afsluiting van de zaak", duur);
	return buf;
}

static json_t *
gegeven(const char *naam, const char *waarde, const char *doel, const char *grondslag,
        const char *bron, const char *bewaren)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "gegeven", naam, "waarde", waarde,
	                 "doel", of(doel, "onbekend"), "wettelijkeGrondslag",
	                 of(grondslag, "onbekend"), "bron", bron, "bewaartermijn", bewaren);
}

#define BRON_AANVRAAG_FMT "U zelf, in uw aanvraag via %s"
#define BRON_INLOG        "Uw inlogmiddel (DigiD of eHerkenning) of uw aanvraag"
#define BRON_BRP          "Basisregistratie Personen (BRP), via het aanvraagportaal"

/* Every piece of data the zaak holds about this person, with purpose and source. */
static json_t *
gegevens_van_zaak(const json_t *zaak)
{
	json_t *uit = json_array();
	const json_t *va = json_object_get(zaak, "verwerkingsactiviteit");
	const char *doel = tekst(va, "doel"), *grond = tekst(va, "grondslag");
	char bron[160], bewaren[160];
	const json_t *e, *r;
	size_t i;

	snprintf(bron, sizeof(bron), BRON_AANVRAAG_FMT, kanaal_tekst(tekst(zaak, "kanaal")));
	bewaartermijn_van(zaak, bewaren, sizeof(bewaren));
	json_array_append_new(uit, gegeven("Burgerservicenummer of KvK-nummer",
	                                   "het nummer waarmee u bij de gemeente bekend bent", doel,
	                                   grond, BRON_INLOG, bewaren));
	json_array_foreach(json_object_get(zaak, "rollen"), i, r)
	{
		const json_t *g = json_object_get(r, "gegevens");
		if (tekst(g, "naam"))
			json_array_append_new(uit, gegeven("Naam", tekst(g, "naam"), doel, grond,
			                                   BRON_INLOG, bewaren));
		if (tekst(g, "emailadres"))
			json_array_append_new(uit, gegeven("E-mailadres", tekst(g, "emailadres"),
			                                   "U op de hoogte houden van uw zaak",
			                                   grond, bron, bewaren));
		if (tekst(g, "telefoonnummer"))
			json_array_append_new(uit,
			                      gegeven("Telefoonnummer", tekst(g, "telefoonnummer"),
			                              "U op de hoogte houden van uw zaak", grond,
			                              bron, bewaren));
		if (json_is_true(json_object_get(g, "geheimhouding")))
			json_array_append_new(
			        uit, gegeven("Geheimhouding van uw persoonsgegevens", "ja",
			                     "Uw gegevens afschermen voor wie ze niet mag zien",
			                     "Wet BRP, artikel 2.59", BRON_BRP, bewaren));
	}
	if (eigen_aanvraag(zaak))
		json_array_foreach(json_object_get(zaak, "eigenschappen"), i, e)
		{
			const char *naam = of(tekst(e, "naam"), "?");
			json_t *g = gegeven(naam, of(tekst(e, "waarde"), ""),
			                    of(tekst(e, "doel"), doel),
			                    of(tekst(e, "grondslag"), grond), bron, bewaren);
			/* What it means, in the catalogus' words, when the zaaktype is known. */
			const char *betekenis = tekst(json_object_get(zaak, "definities"), naam);
			if (betekenis)
				json_object_set_new(g, "betekenis", json_string(betekenis));
			json_array_append_new(uit, g);
		}
	return uit;
}

static json_t *
zaak_overzicht(const json_t *zaak)
{
	const json_t *va = json_object_get(zaak, "verwerkingsactiviteit"), *r;
	json_t *rollen = json_array();
	char bewaren[160];
	size_t i;

	json_array_foreach(json_object_get(zaak, "rollen"), i, r)
	        uniek(rollen, rol_tekst(tekst(r, "rol"), tekst(r, "machtiging")));
	bewaartermijn_van(zaak, bewaren, sizeof(bewaren));
	return json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:{s:s?, s:s?, "
	                 "s:s?, s:s, s:s?}, s:o}",
	                 "zaaknummer", tekst(zaak, "identificatie"), "soortZaak",
	                 tekst(zaak, "zaaktypeOmschrijving"), "omschrijving",
	                 tekst(zaak, "omschrijving"), "begonnenOp", tekst(zaak, "startdatum"),
	                 "status", tekst(zaak, "status"), "afgeslotenOp", tekst(zaak, "einddatum"),
	                 "uitkomst", tekst(zaak, "resultaat"), "afdeling", tekst(zaak, "afdeling"),
	                 "uwRol", rollen, "verwerking", "naam", tekst(va, "naam"), "doel",
	                 tekst(va, "doel"), "wettelijkeGrondslag", tekst(va, "grondslag"),
	                 "bewaartermijn", bewaren, "registerId", tekst(va, "id"), "gegevens",
	                 gegevens_van_zaak(zaak));
}

static const char *
aanleiding_tekst(const char *a)
{
	static const char *const m[][2] = {
	        {"zaak_ontvangen", "uw aanvraag is ontvangen"},
	        {"status_gewijzigd", "de status van uw zaak is veranderd"},
	        {"termijn_nadert", "de termijn van uw zaak loopt bijna af"},
	        {"termijn_overschreden", "de termijn van uw zaak is verstreken"},
	        {"zaak_opgeschort", "uw zaak is opgeschort"},
	        {"zaak_hervat", "uw zaak loopt weer"},
	        {"zaak_verlengd", "de termijn van uw zaak is verlengd"},
	        {"besluit_genomen", "er is een besluit genomen"},
	        {"zaak_afgesloten", "uw zaak is afgesloten"},
	        {"aanvraag_afgewezen", "uw aanvraag kon niet worden aangenomen"},
	        {"inzage_ontvangen", "uw verzoek om inzage is ontvangen"},
	        {"inzage_verlengd", "de termijn van uw verzoek is verlengd"},
	        {"inzage_afgehandeld", "uw verzoek is afgehandeld"},
	};
	for (size_t i = 0; a && i < sizeof(m) / sizeof(m[0]); i++)
		if (!strcmp(a, m[i][0]))
			return m[i][1];
	return "overig";
}

static json_t *
bericht_overzicht(const json_t *b)
{
	return json_pack("{s:s?, s:s?, s:s, s:s?, s:s}", "zaaknummer", tekst(b, "identificatie"),
	                 "onderwerp", tekst(b, "onderwerp"), "kanaal",
	                 kanaal_tekst(tekst(b, "kanaal")), "verstuurdOp", tekst(b, "verstuurdOp"),
	                 "waarover", aanleiding_tekst(tekst(b, "aanleiding")));
}

static void
wie_tekst(const json_t *r, char *out, size_t n)
{
	const char *type = of(tekst(r, "actorType"), "");

	if (!strcmp(type, "medewerker"))
		snprintf(out, n, "een medewerker van de gemeente (%s)", of(tekst(r, "rol"), "?"));
	else if (!strcmp(type, "applicatie"))
		snprintf(out, n, "de applicatie %s van de gemeente", of(tekst(r, "actor"), "?"));
	else if (!strcmp(type, "gemachtigde"))
		snprintf(out, n, "iemand die namens u handelt (gemachtigde)");
	else
		snprintf(out, n, "u zelf");
}

/* Someone else's permitted look at this person's data. */
static bool
getoonde_raadpleging(const json_t *r)
{
	return !json_is_true(json_object_get(r, "zelf")) &&
	       !strcmp(of(tekst(r, "besluit"), ""), "permit");
}

static json_t *
raadpleging_overzicht(const json_t *r)
{
	char wie[160];

	wie_tekst(r, wie, sizeof(wie));
	return json_pack("{s:s?, s:s, s:s?, s:s?, s:s?, s:s?}", "wanneer", tekst(r, "tijdstip"),
	                 "wie", wie, "waarom", tekst(r, "reden"), "doel", tekst(r, "doel"), "wat",
	                 tekst(r, "actie"), "zaaknummer", tekst(r, "zaakIdentificatie"));
}

/* Whether a webhook subscription receives events of any of these zaken: no
 * zaaktype filter, or one of theirs. */
static bool
abonnement_ziet(const json_t *abonnement, const json_t *zaken)
{
	const json_t *filter = json_object_get(abonnement, "zaaktypen"), *z, *f;
	size_t i, j;

	if (json_array_size(zaken) == 0)
		return false;
	if (json_array_size(filter) == 0)
		return true;
	json_array_foreach(zaken, i, z)
	{
		json_array_foreach(filter, j, f)
		{
			if (json_is_string(f) &&
			    !strcmp(json_string_value(f), of(tekst(z, "zaaktype"), "")))
				return true;
		}
	}
	return false;
}

static json_t *
ontvangers(const json_t *reg)
{
	json_t *uit = json_array();
	const json_t *z, *b, *r;
	char regel[256];
	size_t i;

	json_array_foreach(json_object_get(reg, "zaken"), i, z)
	{
		snprintf(regel, sizeof(regel),
		         "Medewerkers van de afdeling %s (behandeling van uw zaak)",
		         of(tekst(z, "afdeling"), "?"));
		uniek(uit, regel);
	}
	json_array_foreach(json_object_get(reg, "berichten"), i, b)
	{
		const char *k = of(tekst(b, "kanaal"), "");
		if (!strcmp(k, "email") || !strcmp(k, "sms"))
			uniek(uit,
			      "NotifyNL, de berichtendienst die e-mail en sms namens de gemeente "
			      "verstuurt (verwerker)");
		else if (!strcmp(k, "berichtenbox"))
			uniek(uit, "MijnOverheid (Logius), voor de Berichtenbox");
		else if (!strcmp(k, "brief"))
			uniek(uit,
			      "De drukkerij die brieven namens de gemeente verstuurt (verwerker)");
	}
	json_array_foreach(json_object_get(reg, "abonnementen"), i, b)
	{
		if (!abonnement_ziet(b, json_object_get(reg, "zaken")))
			continue;
		snprintf(regel, sizeof(regel),
		         "De applicatie %s, die meldingen krijgt over wat er in uw zaak gebeurt "
		         "(zonder uw persoonsgegevens)",
		         of(tekst(b, "id"), "?"));
		uniek(uit, regel);
	}
	json_array_foreach(json_object_get(reg, "raadplegingen"), i, r)
	{
		if (!getoonde_raadpleging(r))
			continue;
		wie_tekst(r, regel, sizeof(regel));
		if (regel[0] >= 'a' && regel[0] <= 'z')
			regel[0] = (char)(regel[0] - 'a' + 'A');
		uniek(uit, regel);
	}
	return uit;
}

static json_t *
lijst(const json_t *arr, json_t *(*f)(const json_t *), bool (*filter)(const json_t *))
{
	json_t *uit = json_array();
	const json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
	{
		if (!filter || filter(v))
			json_array_append_new(uit, f(v));
	}
	return uit;
}

json_t *
rapport_overzicht(const json_t *reg)
{
	return json_pack(
	        "{s:b, s:s, s:o, s:o, s:o, s:o}", "formeelVerzoek", 0, "toelichting",
	        "Dit is een overzicht van wat de gemeente over u heeft vastgelegd in uw zaken: "
	        "welke gegevens, waarvoor, op grond van welke wet, waar ze vandaan komen en hoe "
	        "lang ze worden bewaard; welke berichten u zijn gestuurd en wie uw gegevens heeft "
	        "bekeken en waarom. Dit overzicht bekijken is geen formeel verzoek om inzage. "
	        "Wilt u dat wel (AVG artikel 15), of wilt u gegevens laten verbeteren of "
	        "verwijderen, dien dan een verzoek in; de gemeente antwoordt binnen een maand.",
	        "zaken", lijst(json_object_get(reg, "zaken"), zaak_overzicht, NULL), "berichten",
	        lijst(json_object_get(reg, "berichten"), bericht_overzicht, NULL), "raadplegingen",
	        lijst(json_object_get(reg, "raadplegingen"), raadpleging_overzicht,
	              getoonde_raadpleging),
	        "ontvangers", ontvangers(reg));
}

/* Every recorded decision on the person's data: the register's count (its
 * list holds only others' permitted look-ups), else the list's length. */
static int
aantal_raadplegingen(const json_t *reg)
{
	const json_t *n = json_object_get(reg, "aantalRaadplegingen");

	if (json_is_integer(n) && json_integer_value(n) >= 0 && json_integer_value(n) <= INT32_MAX)
		return (int)json_integer_value(n);
	return (int)json_array_size(json_object_get(reg, "raadplegingen"));
}

json_t *
rapport_art15(const json_t *reg)
{
	json_t *doelen = json_array(), *cat = json_array(), *bewaren = json_array(),
	       *bronnen = json_array(), *va_lijst = json_array(), *zaken = json_array();
	const json_t *z, *r;
	size_t i, j;

	uniek(cat, "Identificatiegegevens (burgerservicenummer of KvK-nummer)");
	json_array_foreach(json_object_get(reg, "zaken"), i, z)
	{
		const json_t *va = json_object_get(z, "verwerkingsactiviteit"), *e;
		char regel[320], duur[96], bron[160];
		bool nieuw = true;
		const json_t *al;
		size_t k;

		uniek(zaken, tekst(z, "identificatie"));
		uniek(doelen, tekst(va, "doel"));
		rapport_duur_tekst(tekst(va, "bewaartermijn"), duur, sizeof(duur));
		snprintf(regel, sizeof(regel), "%s: %s na afsluiting van de zaak",
		         of(tekst(va, "naam"), of(tekst(z, "zaaktypeOmschrijving"), "?")), duur);
		uniek(bewaren, regel);
		snprintf(bron, sizeof(bron), BRON_AANVRAAG_FMT, kanaal_tekst(tekst(z, "kanaal")));
		uniek(bronnen, bron);
		uniek(bronnen, BRON_INLOG);
		json_array_foreach(va_lijst, k, al)
		{
			if (!strcmp(of(tekst(al, "id"), ""), of(tekst(va, "id"), "")))
				nieuw = false;
		}
		if (nieuw && json_is_object(va))
			json_array_append(va_lijst, (json_t *)va);
		json_array_foreach(json_object_get(z, "rollen"), j, r)
		{
			const json_t *g = json_object_get(r, "gegevens");
			if (tekst(g, "naam"))
				uniek(cat, "Naam");
			if (tekst(g, "emailadres") || tekst(g, "telefoonnummer"))
				uniek(cat, "Contactgegevens (e-mailadres, telefoonnummer)");
			if (json_is_true(json_object_get(g, "geheimhouding"))) {
				uniek(cat, "Geheimhouding van persoonsgegevens (BRP)");
				uniek(bronnen, BRON_BRP);
			}
		}
		if (eigen_aanvraag(z))
			json_array_foreach(json_object_get(z, "eigenschappen"), j, e)
			{
				uniek(doelen, tekst(e, "doel"));
				if (json_is_true(json_object_get(e, "persoonsgegeven")))
					uniek(cat, tekst(e, "naam"));
			}
	}
	if (json_array_size(json_object_get(reg, "berichten")) > 0)
		uniek(cat, "Berichten die u zijn gestuurd (onderwerp, kanaal, tijdstip)");
	if (json_array_size(json_object_get(reg, "raadplegingen")) > 0)
		uniek(cat, "Vastlegging van wie uw gegevens heeft bekeken en waarom");
	/* The reason an employee typed is free text about the person: a category
	 * of its own (recorded bounded, identifying numbers masked). */
	json_array_foreach(json_object_get(reg, "raadplegingen"), i, r)
	{
		if (tekst(r, "reden"))
			uniek(cat, "De reden die een medewerker opgaf om uw gegevens te bekijken "
			           "(vrije tekst; nummers en e-mailadressen daarin afgeschermd)");
	}
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:n, s:o, s:o, s:i}", "doeleinden", doelen,
	                 "categorieenPersoonsgegevens", cat, "ontvangers", ontvangers(reg),
	                 "bewaartermijnen", bewaren, "bronnen", bronnen,
	                 "geautomatiseerdeBesluitvorming", "verwerkingsactiviteiten", va_lijst,
	                 "zaken", zaken, "aantalRaadplegingen", aantal_raadplegingen(reg));
}

json_t *
rapport_document(const json_t *reg, const struct rapport_verzoek *v)
{
	json_t *kopie = rapport_overzicht(reg);

	json_object_del(kopie, "toelichting");
	json_object_del(kopie, "formeelVerzoek");
	return json_pack(
	        "{s:{s:s?, s:s?, s:s?, s:s?, s:s?}, s:o, s:s, s:s, s:o}", "verzoek", "verzoekId",
	        v->verzoek_id, "ontvangenOp", v->ontvangen_op, "uitersteDatum", v->uiterste_datum,
	        "opgesteldOp", v->opgesteld_op, "gemeente", v->gemeente, "art15",
	        rapport_art15(reg), "geautomatiseerdeBesluitvorming",
	        "De gemeente neemt over u geen besluiten die uitsluitend berusten op "
	        "geautomatiseerde verwerking (AVG artikel 22): elk besluit in uw zaken neemt een "
	        "medewerker.",
	        "rechten",
	        "U kunt de gemeente vragen gegevens te verbeteren (artikel 16), te verwijderen "
	        "(artikel 17), de verwerking te beperken (artikel 18) of bezwaar maken "
	        "(artikel 21). Bent u het niet eens met hoe de gemeente met uw gegevens omgaat, "
	        "dan kunt u een klacht indienen bij de Autoriteit Persoonsgegevens.",
	        "kopie", kopie);
}

/* HTML. */

struct html {
	char *buf;
	size_t len, cap;
	bool vol; /* RAPPORT_HTML_MAX reached: the document is refused */
};

static void
h_raw(struct html *h, const char *s, size_t n)
{
	if (h->vol)
		return;
	if (h->len + n + 1 > RAPPORT_HTML_MAX) {
		h->vol = true;
		return;
	}
	if (h->len + n + 1 > h->cap) {
		size_t cap = h->cap ? h->cap : 8192;
		char *nb;
		while (cap < h->len + n + 1)
			cap *= 2;
		nb = realloc(h->buf, cap);
		if (!nb) {
			h->vol = true;
			return;
		}
		h->buf = nb;
		h->cap = cap;
	}
	memcpy(h->buf + h->len, s, n);
	h->len += n;
	h->buf[h->len] = '\0';
}

static void
h_lit(struct html *h, const char *s)
{
	h_raw(h, s, strlen(s));
}

/* Text content and attribute values alike: every character that could end
 * or start markup is escaped, so data never becomes markup. */
static void
h_esc(struct html *h, const char *s)
{
	for (const char *p = s ? s : ""; *p; p++) {
		switch (*p) {
		case '&':
			h_lit(h, "&amp;");
			break;
		case '<':
			h_lit(h, "&lt;");
			break;
		case '>':
			h_lit(h, "&gt;");
			break;
		case '"':
			h_lit(h, "&quot;");
			break;
		case '\'':
			h_lit(h, "&#39;");
			break;
		default:
			h_raw(h, p, 1);
		}
	}
}

static void
h_elem(struct html *h, const char *tag, const char *s)
{
	h_lit(h, "<");
	h_lit(h, tag);
	h_lit(h, ">");
	h_esc(h, s);
	h_lit(h, "</");
	h_lit(h, tag);
	h_lit(h, ">");
}

static void
h_lijst(struct html *h, const char *kop, const json_t *arr, const char *leeg)
{
	const json_t *v;
	size_t i;

	h_elem(h, "h3", kop);
	if (json_array_size(arr) == 0) {
		h_elem(h, "p", leeg);
		return;
	}
	h_lit(h, "<ul>");
	json_array_foreach(arr, i, v)
	{
		h_elem(h, "li", json_string_value(v));
	}
	h_lit(h, "</ul>\n");
}

static void
h_tabel(struct html *h, const json_t *rijen, const char *const (*kolommen)[2], size_t n)
{
	const json_t *r;
	size_t i;

	h_lit(h, "<table><tr>");
	for (size_t k = 0; k < n; k++)
		h_elem(h, "th", kolommen[k][1]);
	h_lit(h, "</tr>\n");
	json_array_foreach(rijen, i, r)
	{
		h_lit(h, "<tr>");
		for (size_t k = 0; k < n; k++)
			h_elem(h, "td", of(tekst(r, kolommen[k][0]), "—"));
		h_lit(h, "</tr>\n");
	}
	h_lit(h, "</table>\n");
}

char *
rapport_html(const json_t *doc)
{
	static const char *const gegevens_kol[][2] = {
	        {"gegeven", "Gegeven"}, {"waarde", "Waarde"},
	        {"doel", "Doel"},       {"wettelijkeGrondslag", "Grondslag"},
	        {"bron", "Bron"},       {"bewaartermijn", "Bewaartermijn"},
	};
	static const char *const berichten_kol[][2] = {
	        {"verstuurdOp", "Verstuurd op"}, {"zaaknummer", "Zaak"},
	        {"onderwerp", "Onderwerp"},      {"kanaal", "Kanaal"},
	        {"waarover", "Waarover"},
	};
	static const char *const raadpleging_kol[][2] = {
	        {"wanneer", "Wanneer"}, {"wie", "Wie"},         {"waarom", "Waarom"},
	        {"doel", "Doel"},       {"zaaknummer", "Zaak"},
	};
	const json_t *v = json_object_get(doc, "verzoek"), *a = json_object_get(doc, "art15"),
	             *kopie = json_object_get(doc, "kopie"), *z, *va;
	struct html h = {0};
	size_t i;

	h_lit(&h, "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">"
	          "<title>Uw persoonsgegevens (AVG artikel 15)</title>"
	          "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
	          "table{border-collapse:collapse;width:100%;margin-bottom:1em}"
	          "td,th{border:1px solid #999;padding:.3em;text-align:left;vertical-align:top}"
	          "@media print{body{margin:0}}</style></head><body>\n");
	h_elem(&h, "h1", "Uw persoonsgegevens bij de gemeente");
	h_lit(&h, "<p>");
	h_esc(&h, of(tekst(v, "gemeente"), "De gemeente"));
	h_lit(&h, " beantwoordt hiermee uw verzoek om inzage (AVG artikel 15) met kenmerk ");
	h_esc(&h, tekst(v, "verzoekId"));
	h_lit(&h, ", ontvangen op ");
	h_esc(&h, tekst(v, "ontvangenOp"));
	h_lit(&h, ". Opgesteld op ");
	h_esc(&h, tekst(v, "opgesteldOp"));
	h_lit(&h, ".</p>\n");

	h_elem(&h, "h2", "Wat de gemeente met uw gegevens doet");
	h_lijst(&h, "Doeleinden", json_object_get(a, "doeleinden"), "Geen.");
	h_lijst(&h, "Soorten gegevens", json_object_get(a, "categorieenPersoonsgegevens"), "Geen.");
	h_lijst(&h, "Ontvangers", json_object_get(a, "ontvangers"), "Geen.");
	h_lijst(&h, "Bewaartermijnen", json_object_get(a, "bewaartermijnen"), "Geen.");
	h_lijst(&h, "Bronnen", json_object_get(a, "bronnen"), "Geen.");
	h_elem(&h, "h3", "Geautomatiseerde besluiten");
	h_elem(&h, "p", tekst(doc, "geautomatiseerdeBesluitvorming"));
	h_elem(&h, "h3", "Verwerkingen in het verwerkingsregister");
	h_lit(&h, "<ul>");
	json_array_foreach(json_object_get(a, "verwerkingsactiviteiten"), i, va)
	{
		char duur[96];
		rapport_duur_tekst(tekst(va, "bewaartermijn"), duur, sizeof(duur));
		h_lit(&h, "<li>");
		h_esc(&h, tekst(va, "naam"));
		h_lit(&h, ": ");
		h_esc(&h, tekst(va, "doel"));
		h_lit(&h, " (grondslag: ");
		h_esc(&h, tekst(va, "grondslag"));
		h_lit(&h, "; bewaren: ");
		h_esc(&h, duur);
		h_lit(&h, ")</li>");
	}
	h_lit(&h, "</ul>\n");

	h_elem(&h, "h2", "Kopie van uw gegevens");
	json_array_foreach(json_object_get(kopie, "zaken"), i, z)
	{
		char kop[256];
		snprintf(kop, sizeof(kop), "Zaak %s: %s", of(tekst(z, "zaaknummer"), "?"),
		         of(tekst(z, "soortZaak"), "?"));
		h_elem(&h, "h3", kop);
		h_lit(&h, "<p>Begonnen op ");
		h_esc(&h, tekst(z, "begonnenOp"));
		h_lit(&h, "; status: ");
		h_esc(&h, tekst(z, "status"));
		h_lit(&h, "</p>\n");
		h_tabel(&h, json_object_get(z, "gegevens"), gegevens_kol,
		        sizeof(gegevens_kol) / sizeof(gegevens_kol[0]));
	}
	h_elem(&h, "h3", "Berichten die u zijn gestuurd");
	h_tabel(&h, json_object_get(kopie, "berichten"), berichten_kol,
	        sizeof(berichten_kol) / sizeof(berichten_kol[0]));
	h_elem(&h, "h3", "Wie uw gegevens heeft bekeken");
	h_tabel(&h, json_object_get(kopie, "raadplegingen"), raadpleging_kol,
	        sizeof(raadpleging_kol) / sizeof(raadpleging_kol[0]));
	h_elem(&h, "h2", "Uw rechten");
	h_elem(&h, "p", tekst(doc, "rechten"));
	h_lit(&h, "</body></html>\n");
	if (h.vol) {
		free(h.buf);
		return NULL;
	}
	return h.buf;
}
