/*
 * rapport.c — the overview and the art. 15 report from a register (struct
 * reg, rapport.h).
 *
 * "rollen" are only this person's roles in the zaak. The eigenschappen of an
 * aanvraag are the initiator's data: a gemachtigde on the zaak sees only what
 * the zaak holds about the gemachtigde, never the other person's answers.
 *
 * The overview is written as it goes (core/jsonw): for a person with 50
 * zaken it is ~170 KB, and building it as a jansson tree first cost most of
 * a request's time (bench/README.md). The art. 15 report keeps it as its
 * copy of the data, parsed once when the report is assembled.
 */
#include "rapport.h"
#include "core/buf.h"
#include "core/jsonw.h"
#include "core/strbuf.h"

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
eigen_aanvraag(const struct reg_zaak *zaak)
{
	for (size_t i = 0; i < zaak->n_rollen; i++) {
		const struct reg_rol *r = &zaak->rollen[i];
		const char *m = r->machtiging;
		if (m && !strcmp(m, "gemachtigde"))
			continue;
		if (!strcmp(of(r->rol, ""), "initiator") || (m && !strcmp(m, "machtiginggever")))
			return true;
	}
	return false;
}

static const char *
bewaartermijn_van(const struct reg_zaak *zaak, char *buf, size_t n)
{
	char duur[96];

	rapport_duur_tekst(zaak->va.bewaartermijn, duur, sizeof(duur));
	snprintf(buf, n, "%s na afsluiting van de zaak", duur);
	return buf;
}

static void
gegeven(struct jsonw *w, const char *naam, const char *waarde, const char *doel,
        const char *grondslag, const char *bron, const char *bewaren, const char *betekenis)
{
	jsonw_object(w);
	jsonw_kv(w, "gegeven", naam);
	jsonw_kv(w, "waarde", waarde);
	jsonw_kv(w, "doel", of(doel, "onbekend"));
	jsonw_kv(w, "wettelijkeGrondslag", of(grondslag, "onbekend"));
	jsonw_kv(w, "bron", bron);
	jsonw_kv(w, "bewaartermijn", bewaren);
	if (betekenis)
		jsonw_kv(w, "betekenis", betekenis);
	jsonw_object_end(w);
}

#define BRON_AANVRAAG_FMT "U zelf, in uw aanvraag via %s"
#define BRON_INLOG        "Uw inlogmiddel (DigiD of eHerkenning) of uw aanvraag"
#define BRON_BRP          "Basisregistratie Personen (BRP), via het aanvraagportaal"

/* Every piece of data the zaak holds about this person, with purpose and source. */
static void
gegevens_van_zaak(struct jsonw *w, const struct reg_zaak *zaak)
{
	const char *doel = zaak->va.doel, *grond = zaak->va.grondslag;
	char bron[160], bewaren[160];

	snprintf(bron, sizeof(bron), BRON_AANVRAAG_FMT, kanaal_tekst(zaak->kanaal));
	bewaartermijn_van(zaak, bewaren, sizeof(bewaren));
	jsonw_array(w);
	gegeven(w, "Burgerservicenummer of KvK-nummer",
	        "het nummer waarmee u bij de gemeente bekend bent", doel, grond, BRON_INLOG,
	        bewaren, NULL);
	for (size_t i = 0; i < zaak->n_rollen; i++) {
		const struct reg_rol *r = &zaak->rollen[i];
		if (r->naam)
			gegeven(w, "Naam", r->naam, doel, grond, BRON_INLOG, bewaren, NULL);
		if (r->emailadres)
			gegeven(w, "E-mailadres", r->emailadres,
			        "U op de hoogte houden van uw zaak", grond, bron, bewaren, NULL);
		if (r->telefoonnummer)
			gegeven(w, "Telefoonnummer", r->telefoonnummer,
			        "U op de hoogte houden van uw zaak", grond, bron, bewaren, NULL);
		if (r->geheimhouding)
			gegeven(w, "Geheimhouding van uw persoonsgegevens", "ja",
			        "Uw gegevens afschermen voor wie ze niet mag zien",
			        "Wet BRP, artikel 2.59", BRON_BRP, bewaren, NULL);
	}
	if (eigen_aanvraag(zaak))
		for (size_t i = 0; i < zaak->n_eigenschappen; i++) {
			const struct reg_eigenschap *e = &zaak->eigenschappen[i];
			/* betekenis: what it means, in the catalogus' words, when known. */
			gegeven(w, of(e->naam, "?"), of(e->waarde, ""), of(e->doel, doel),
			        of(e->grondslag, grond), bron, bewaren, e->betekenis);
		}
	jsonw_array_end(w);
}

static void
zaak_overzicht(struct jsonw *w, const struct reg_zaak *zaak)
{
	char bewaren[160];

	jsonw_object(w);
	jsonw_kv(w, "zaaknummer", zaak->identificatie);
	jsonw_kv(w, "soortZaak", zaak->zaaktype_omschrijving);
	jsonw_kv(w, "omschrijving", zaak->omschrijving);
	jsonw_kv(w, "begonnenOp", zaak->startdatum);
	jsonw_kv(w, "status", zaak->status);
	jsonw_kv(w, "afgeslotenOp", zaak->einddatum);
	jsonw_kv(w, "uitkomst", zaak->resultaat);
	jsonw_kv(w, "afdeling", zaak->afdeling);
	jsonw_key(w, "uwRol");
	jsonw_array(w);
	for (size_t i = 0; i < zaak->n_rollen; i++) {
		const char *t = rol_tekst(zaak->rollen[i].rol, zaak->rollen[i].machtiging);
		bool al = false;
		for (size_t j = 0; j < i && !al; j++)
			al = !strcmp(t, rol_tekst(zaak->rollen[j].rol, zaak->rollen[j].machtiging));
		if (*t && !al)
			jsonw_string(w, t);
	}
	jsonw_array_end(w);
	jsonw_key(w, "verwerking");
	jsonw_object(w);
	jsonw_kv(w, "naam", zaak->va.naam);
	jsonw_kv(w, "doel", zaak->va.doel);
	jsonw_kv(w, "wettelijkeGrondslag", zaak->va.grondslag);
	jsonw_kv(w, "bewaartermijn", bewaartermijn_van(zaak, bewaren, sizeof(bewaren)));
	jsonw_kv(w, "registerId", zaak->va.id);
	jsonw_object_end(w);
	jsonw_key(w, "gegevens");
	gegevens_van_zaak(w, zaak);
	jsonw_object_end(w);
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

static void
bericht_overzicht(struct jsonw *w, const struct reg_bericht *b)
{
	jsonw_object(w);
	jsonw_kv(w, "zaaknummer", b->identificatie);
	jsonw_kv(w, "onderwerp", b->onderwerp);
	jsonw_kv(w, "kanaal", kanaal_tekst(b->kanaal));
	jsonw_kv(w, "verstuurdOp", b->verstuurd_op);
	jsonw_kv(w, "waarover", aanleiding_tekst(b->aanleiding));
	jsonw_object_end(w);
}

static void
wie_tekst(const struct reg_raadpleging *r, char *out, size_t n)
{
	const char *type = of(r->actor_type, "");

	if (!strcmp(type, "medewerker"))
		snprintf(out, n, "een medewerker van de gemeente (%s)", of(r->rol, "?"));
	else if (!strcmp(type, "applicatie"))
		snprintf(out, n, "de applicatie %s van de gemeente", of(r->actor, "?"));
	else if (!strcmp(type, "gemachtigde"))
		snprintf(out, n, "iemand die namens u handelt (gemachtigde)");
	else
		snprintf(out, n, "u zelf");
}

/* Someone else's permitted look at this person's data. */
static bool
getoonde_raadpleging(const struct reg_raadpleging *r)
{
	return !r->zelf && !strcmp(of(r->besluit, ""), "permit");
}

static void
raadpleging_overzicht(struct jsonw *w, const struct reg_raadpleging *r)
{
	char wie[160];

	wie_tekst(r, wie, sizeof(wie));
	jsonw_object(w);
	jsonw_kv(w, "wanneer", r->tijdstip);
	jsonw_kv(w, "wie", wie);
	jsonw_kv(w, "waarom", r->reden);
	jsonw_kv(w, "doel", r->doel);
	jsonw_kv(w, "wat", r->actie);
	jsonw_kv(w, "zaaknummer", r->zaak_identificatie);
	jsonw_object_end(w);
}

static json_t *
ontvangers(const struct reg *reg)
{
	json_t *uit = json_array();
	char regel[768]; /* an id of 63 and an origin of up to 511 */
	size_t i;

	for (i = 0; i < reg->n_zaken; i++) {
		snprintf(regel, sizeof(regel),
		         "Medewerkers van de afdeling %s (behandeling van uw zaak)",
		         of(reg->zaken[i].afdeling, "?"));
		uniek(uit, regel);
	}
	for (i = 0; i < reg->n_berichten; i++) {
		const char *k = of(reg->berichten[i].kanaal, "");
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
	for (i = 0; i < reg->n_doorgiften; i++) {
		snprintf(
		        regel, sizeof(regel),
		        "De applicatie %s (%s), die meldingen heeft gekregen over wat er in uw zaak "
		        "gebeurde (zonder uw persoonsgegevens)",
		        of(reg->doorgiften[i].abonnement, "?"), of(reg->doorgiften[i].origin, "?"));
		uniek(uit, regel);
	}
	for (i = 0; i < reg->n_raadplegingen; i++) {
		if (!getoonde_raadpleging(&reg->raadplegingen[i]))
			continue;
		wie_tekst(&reg->raadplegingen[i], regel, sizeof(regel));
		if (regel[0] >= 'a' && regel[0] <= 'z')
			regel[0] = (char)(regel[0] - 'a' + 'A');
		uniek(uit, regel);
	}
	return uit;
}

/* A processing activity of the Logboek: named and with its purpose when
 * known (the catalogus, the platform's register), else by its id. */
static void
logboek_overzicht(struct jsonw *w, const struct reg_logboek *l)
{
	jsonw_object(w);
	jsonw_kv(w, "naam", of(l->va.naam, l->va.id));
	jsonw_kv(w, "doel", of(l->va.doel, "onbekend"));
	jsonw_kv(w, "wettelijkeGrondslag", of(l->va.grondslag, "onbekend"));
	jsonw_key(w, "aantal");
	jsonw_int(w, l->aantal);
	jsonw_kv(w, "eerste", l->eerste);
	jsonw_kv(w, "laatste", l->laatste);
	jsonw_kv(w, "registerId", l->va.id);
	jsonw_object_end(w);
}

/* The overview; als_kopie: without formeelVerzoek and toelichting (the
 * report's copy of the data). */
static char *
overzicht(const struct reg *reg, bool als_kopie, size_t *len)
{
	struct jsonw w;
	json_t *ont = ontvangers(reg);
	const json_t *o;
	size_t i;

	jsonw_init(&w, RAPPORT_OVERZICHT_MAX);
	jsonw_object(&w);
	if (!als_kopie) {
		jsonw_key(&w, "formeelVerzoek");
		jsonw_bool(&w, false);
		jsonw_kv(&w, "toelichting",
		         "Dit is een overzicht van wat de gemeente over u heeft vastgelegd in uw "
		         "zaken: welke gegevens, waarvoor, op grond van welke wet, waar ze vandaan "
		         "komen en hoe lang ze worden bewaard; welke berichten u zijn gestuurd, "
		         "wie uw gegevens heeft bekeken en waarom, en welke verwerkingen uw "
		         "gegevens hebben ondergaan, hoe vaak en wanneer. Dit overzicht bekijken "
		         "is geen formeel verzoek om inzage. Wilt u dat wel (AVG artikel 15), of "
		         "wilt u gegevens laten verbeteren of verwijderen, dien dan een verzoek "
		         "in; de gemeente antwoordt binnen een maand.");
	}
	jsonw_key(&w, "zaken");
	jsonw_array(&w);
	for (i = 0; i < reg->n_zaken; i++)
		zaak_overzicht(&w, &reg->zaken[i]);
	jsonw_array_end(&w);
	jsonw_key(&w, "berichten");
	jsonw_array(&w);
	for (i = 0; i < reg->n_berichten; i++)
		bericht_overzicht(&w, &reg->berichten[i]);
	jsonw_array_end(&w);
	jsonw_key(&w, "raadplegingen");
	jsonw_array(&w);
	for (i = 0; i < reg->n_raadplegingen; i++)
		if (getoonde_raadpleging(&reg->raadplegingen[i]))
			raadpleging_overzicht(&w, &reg->raadplegingen[i]);
	jsonw_array_end(&w);
	jsonw_key(&w, "verwerkingen");
	jsonw_array(&w);
	for (i = 0; i < reg->n_logboek; i++)
		logboek_overzicht(&w, &reg->logboek[i]);
	jsonw_array_end(&w);
	jsonw_key(&w, "ontvangers");
	jsonw_array(&w);
	json_array_foreach(ont, i, o)
	{
		jsonw_string(&w, json_string_value(o));
	}
	jsonw_array_end(&w);
	jsonw_object_end(&w);
	json_decref(ont);
	if (!ont)
		jsonw_free(&w);
	return ont ? jsonw_take(&w, len) : NULL;
}

/* Restricting to some zaaktypen. */

static bool
in_lijst(const char *s, const char *const *lijst, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (lijst[i] && strcmp(s, lijst[i]) == 0)
			return true;
	return false;
}

static bool
van_zaak(const char *identificatie, const struct reg_zaak *zaken, size_t n)
{
	for (size_t i = 0; identificatie && i < n; i++)
		if (zaken[i].identificatie && strcmp(zaken[i].identificatie, identificatie) == 0)
			return true;
	return false;
}

static bool
van_activiteit(const char *id, const struct reg_zaak *zaken, size_t n)
{
	for (size_t i = 0; id && i < n; i++)
		if (zaken[i].heeft_verwerking && zaken[i].va.id && strcmp(zaken[i].va.id, id) == 0)
			return true;
	return false;
}

bool
reg_beperk(const struct reg *in, const char *const *zaaktypen, size_t n_zaaktypen,
           struct reg_beperkt *uit)
{
	struct reg *r = &uit->reg;

	memset(uit, 0, sizeof(*uit));
	/* One element more than needed: calloc(0) may return NULL. */
	uit->zaken = calloc(in->n_zaken + 1, sizeof(*uit->zaken));
	uit->berichten = calloc(in->n_berichten + 1, sizeof(*uit->berichten));
	uit->raadplegingen = calloc(in->n_raadplegingen + 1, sizeof(*uit->raadplegingen));
	uit->logboek = calloc(in->n_logboek + 1, sizeof(*uit->logboek));
	if (!uit->zaken || !uit->berichten || !uit->raadplegingen || !uit->logboek) {
		reg_beperkt_vrij(uit);
		return false;
	}
	for (size_t i = 0; i < in->n_zaken; i++)
		if (in_lijst(in->zaken[i].zaaktype, zaaktypen, n_zaaktypen))
			uit->zaken[r->n_zaken++] = in->zaken[i];
	for (size_t i = 0; i < in->n_berichten; i++)
		if (van_zaak(in->berichten[i].identificatie, uit->zaken, r->n_zaken))
			uit->berichten[r->n_berichten++] = in->berichten[i];
	for (size_t i = 0; i < in->n_raadplegingen; i++)
		if (van_zaak(in->raadplegingen[i].zaak_identificatie, uit->zaken, r->n_zaken))
			uit->raadplegingen[r->n_raadplegingen++] = in->raadplegingen[i];
	for (size_t i = 0; i < in->n_logboek; i++)
		if (van_activiteit(in->logboek[i].va.id, uit->zaken, r->n_zaken))
			uit->logboek[r->n_logboek++] = in->logboek[i];
	r->zaken = uit->zaken;
	r->berichten = uit->berichten;
	r->raadplegingen = uit->raadplegingen;
	r->logboek = uit->logboek;
	/* The count of every recorded decision is about all zaken: not told. */
	r->aantal_bekend = false;
	r->aantal_raadplegingen = (long)r->n_raadplegingen;
	return true;
}

void
reg_beperkt_vrij(struct reg_beperkt *b)
{
	free(b->zaken);
	free(b->berichten);
	free(b->raadplegingen);
	free(b->logboek);
	memset(b, 0, sizeof(*b));
}

char *
rapport_overzicht(const struct reg *reg, size_t *len)
{
	return overzicht(reg, false, len);
}

/* A register entry into the list, once per id. */
static void
va_erbij(json_t *va_lijst, const struct reg_verwerking *va)
{
	const json_t *al;
	size_t k;

	json_array_foreach(va_lijst, k, al)
	{
		if (!strcmp(of(tekst(al, "id"), ""), of(va->id, "")))
			return;
	}
	json_array_append_new(va_lijst,
	                      json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?}", "id", va->id, "naam",
	                                va->naam, "doel", va->doel, "grondslag", va->grondslag,
	                                "bewaartermijn", va->bewaartermijn));
}

json_t *
rapport_art15(const struct reg *reg)
{
	json_t *doelen = json_array(), *cat = json_array(), *bewaren = json_array(),
	       *bronnen = json_array(), *va_lijst = json_array(), *zaken = json_array();
	size_t i, j;

	uniek(cat, "Identificatiegegevens (burgerservicenummer of KvK-nummer)");
	for (i = 0; i < reg->n_zaken; i++) {
		const struct reg_zaak *z = &reg->zaken[i];
		const struct reg_verwerking *va = &z->va;
		char regel[320], duur[96], bron[160];

		uniek(zaken, z->identificatie);
		uniek(doelen, va->doel);
		rapport_duur_tekst(va->bewaartermijn, duur, sizeof(duur));
		snprintf(regel, sizeof(regel), "%s: %s na afsluiting van de zaak",
		         of(va->naam, of(z->zaaktype_omschrijving, "?")), duur);
		uniek(bewaren, regel);
		snprintf(bron, sizeof(bron), BRON_AANVRAAG_FMT, kanaal_tekst(z->kanaal));
		uniek(bronnen, bron);
		uniek(bronnen, BRON_INLOG);
		if (z->heeft_verwerking)
			va_erbij(va_lijst, va);
		for (j = 0; j < z->n_rollen; j++) {
			const struct reg_rol *r = &z->rollen[j];
			if (r->naam)
				uniek(cat, "Naam");
			if (r->emailadres || r->telefoonnummer)
				uniek(cat, "Contactgegevens (e-mailadres, telefoonnummer)");
			if (r->geheimhouding) {
				uniek(cat, "Geheimhouding van persoonsgegevens (BRP)");
				uniek(bronnen, BRON_BRP);
			}
		}
		if (eigen_aanvraag(z))
			for (j = 0; j < z->n_eigenschappen; j++) {
				uniek(doelen, z->eigenschappen[j].doel);
				if (z->eigenschappen[j].persoonsgegeven)
					uniek(cat, z->eigenschappen[j].naam);
			}
	}
	/* What the Logboek Dataverwerkingen says the data went through: the
	 * purposes and register entries of the activities known (one unknown
	 * has no entry to give; the copy names it by its id). */
	for (i = 0; i < reg->n_logboek; i++) {
		const struct reg_verwerking *va = &reg->logboek[i].va;
		uniek(doelen, va->doel);
		if (va->naam && va->doel && va->grondslag && va->bewaartermijn)
			va_erbij(va_lijst, va);
	}
	if (reg->n_berichten > 0)
		uniek(cat, "Berichten die u zijn gestuurd (onderwerp, kanaal, tijdstip)");
	if (reg->n_raadplegingen > 0)
		uniek(cat, "Vastlegging van wie uw gegevens heeft bekeken en waarom");
	if (reg->n_logboek > 0)
		uniek(cat,
		      "Het logboek van wat er met uw gegevens is gedaan (welke verwerking, hoe "
		      "vaak, wanneer)");
	/* The reason an employee typed is free text about the person: a category
	 * of its own (recorded bounded, identifying numbers masked). */
	for (i = 0; i < reg->n_raadplegingen; i++) {
		if (reg->raadplegingen[i].reden)
			uniek(cat, "De reden die een medewerker opgaf om uw gegevens te bekijken "
			           "(vrije tekst; nummers en e-mailadressen daarin afgeschermd)");
	}
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:n, s:o, s:o, s:I}", "doeleinden", doelen,
	                 "categorieenPersoonsgegevens", cat, "ontvangers", ontvangers(reg),
	                 "bewaartermijnen", bewaren, "bronnen", bronnen,
	                 "geautomatiseerdeBesluitvorming", "verwerkingsactiviteiten", va_lijst,
	                 "zaken", zaken, "aantalRaadplegingen",
	                 (json_int_t)(reg->aantal_bekend ? reg->aantal_raadplegingen
	                                                 : (long)reg->n_raadplegingen));
}

json_t *
rapport_document(const struct reg *reg, const struct rapport_verzoek *v)
{
	char *tekst_kopie = overzicht(reg, true, NULL);
	json_t *kopie = tekst_kopie ? json_loads(tekst_kopie, 0, NULL) : NULL;

	free(tekst_kopie);
	if (!kopie)
		return NULL;
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

static void
h_lit(struct strbuf *h, const char *s)
{
	strbuf_adds(h, s);
}

/* Text content and attribute values alike: every character that could end
 * or start markup is escaped, so data never becomes markup. */
static void
h_esc(struct strbuf *h, const char *s)
{
	const char *p = s ? s : "", *run = p;

	/* Runs without markup characters are copied at once. */
	for (; *p; p++) {
		const char *esc = *p == '&'    ? "&amp;"
		                  : *p == '<'  ? "&lt;"
		                  : *p == '>'  ? "&gt;"
		                  : *p == '"'  ? "&quot;"
		                  : *p == '\'' ? "&#39;"
		                               : NULL;
		if (!esc)
			continue;
		strbuf_add(h, run, (size_t)(p - run));
		h_lit(h, esc);
		run = p + 1;
	}
	strbuf_add(h, run, (size_t)(p - run));
}

static void
h_elem(struct strbuf *h, const char *tag, const char *s)
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
h_lijst(struct strbuf *h, const char *kop, const json_t *arr, const char *leeg)
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
h_tabel(struct strbuf *h, const json_t *rijen, const char *const (*kolommen)[2], size_t n)
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
		for (size_t k = 0; k < n; k++) {
			const json_t *c = json_object_get(r, kolommen[k][0]);
			char getal[24];

			if (json_is_integer(c))
				snprintf(getal, sizeof(getal), "%lld",
				         (long long)json_integer_value(c));
			h_elem(h, "td", json_is_integer(c) ? getal : of(json_string_value(c), "—"));
		}
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
	static const char *const verwerking_kol[][2] = {
	        {"naam", "Verwerking"},      {"doel", "Doel"},
	        {"aantal", "Hoe vaak"},      {"eerste", "Eerste keer"},
	        {"laatste", "Laatste keer"},
	};
	static const char *const raadpleging_kol[][2] = {
	        {"wanneer", "Wanneer"}, {"wie", "Wie"},         {"waarom", "Waarom"},
	        {"doel", "Doel"},       {"zaaknummer", "Zaak"},
	};
	const json_t *v = json_object_get(doc, "verzoek"), *a = json_object_get(doc, "art15"),
	             *kopie = json_object_get(doc, "kopie"), *z, *va;
	struct strbuf h;
	size_t i;

	strbuf_init(&h, RAPPORT_HTML_MAX);
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
	h_elem(&h, "h3", "Wat er met uw gegevens is gedaan");
	h_tabel(&h, json_object_get(kopie, "verwerkingen"), verwerking_kol,
	        sizeof(verwerking_kol) / sizeof(verwerking_kol[0]));
	h_elem(&h, "h2", "Uw rechten");
	h_elem(&h, "p", tekst(doc, "rechten"));
	h_lit(&h, "</body></html>\n");
	return strbuf_take(&h, NULL);
}
