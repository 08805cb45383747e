/*
 * regels.c — the status rules: reading and judging opdrachten, carrying them
 * out, and the facts they produce.
 */
#include "regels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const records[OPDRACHT__COUNT] = {
        [OPDRACHT_STATUS_ZETTEN] = "StatusZetten",
        [OPDRACHT_RESULTAAT_VASTLEGGEN] = "ResultaatVastleggen",
        [OPDRACHT_ZAAK_OPSCHORTEN] = "ZaakOpschorten",
        [OPDRACHT_ZAAK_HERVATTEN] = "ZaakHervatten",
        [OPDRACHT_ZAAK_VERLENGEN] = "ZaakVerlengen",
        [OPDRACHT_BESLUIT_VASTLEGGEN] = "BesluitVastleggen",
        [OPDRACHT_ZAAK_HEROPENEN] = "ZaakHeropenen",
};

int
opdracht_soort_from_record(const char *record)
{
	for (int i = 0; record && i < OPDRACHT__COUNT; i++)
		if (!strcmp(records[i], record))
			return i;
	return -1;
}

const char *
opdracht_record(enum opdracht_soort s)
{
	return (unsigned)s < OPDRACHT__COUNT ? records[s] : NULL;
}

static const char *
str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int32_t
datum_veld(const json_t *o, const char *k)
{
	const char *s = str(o, k);
	return s ? datum_van_tekst(s) : DATUM_ONGELDIG;
}

static json_t *
tekst_of_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

void
zaak_toestand_bsn(struct zaak_toestand *z, const char *bsn)
{
	if (!bsn || !*bsn)
		return;
	for (int i = 0; i < z->n_bsn; i++)
		if (!strcmp(z->bsn[i], bsn))
			return;
	if (z->n_bsn == ZAAK_MAX_BSN || strlen(bsn) >= sizeof(z->bsn[0])) {
		z->bsn_overloop = true;
		return;
	}
	snprintf(z->bsn[z->n_bsn++], sizeof(z->bsn[0]), "%s", bsn);
}

bool
zaak_toestand_van_registratie(struct zaak_toestand *z, const json_t *zg, const struct zaaktype *zt,
                              char *err, size_t errlen)
{
	const json_t *status = json_object_get(zg, "status"), *rol;
	const char *uuid = str(zg, "uuid"), *ident = str(zg, "identificatie");
	size_t i;

	memset(z, 0, sizeof(*z));
	z->zt = zt;
	z->einddatum = z->archiefactiedatum = DATUM_ONGELDIG;
	z->termijnen.opgeschort_sinds = DATUM_ONGELDIG;
	if (!uuid || !uuid_valid(uuid)) {
		snprintf(err, errlen, "uuid is not a uuid");
		return false;
	}
	if (!ident || strlen(ident) > ZAAK_IDENTIFICATIE_MAX) {
		snprintf(err, errlen, "identificatie missing or longer than %d",
		         ZAAK_IDENTIFICATIE_MAX);
		return false;
	}
	if (!json_is_integer(json_object_get(status, "volgnummer"))) {
		snprintf(err, errlen, "status.volgnummer missing");
		return false;
	}
	snprintf(z->uuid, sizeof(z->uuid), "%s", uuid);
	snprintf(z->identificatie, sizeof(z->identificatie), "%s", ident);
	z->status = (int)json_integer_value(json_object_get(status, "volgnummer"));
	z->termijnen.einddatum_gepland = datum_veld(zg, "einddatumGepland");
	z->termijnen.uiterlijke_einddatum_afdoening =
	        datum_veld(zg, "uiterlijkeEinddatumAfdoening");
	if (z->termijnen.uiterlijke_einddatum_afdoening == DATUM_ONGELDIG) {
		snprintf(err, errlen, "uiterlijkeEinddatumAfdoening missing");
		return false;
	}
	json_array_foreach(json_object_get(zg, "rollen"), i, rol)
	        zaak_toestand_bsn(z, str(json_object_get(rol, "betrokkene"), "inpBsn"));
	return true;
}

bool
opdracht_van_json(struct opdracht *o, enum opdracht_soort soort, const json_t *doc, char *err,
                  size_t errlen)
{
	const json_t *actor = json_object_get(doc, "actor");
	const char *when = str(doc, "gegevenOp");

	memset(o, 0, sizeof(*o));
	o->soort = soort;
	o->doc = doc;
	o->id = str(doc, "opdrachtId");
	o->zaak = str(doc, "zaak");
	o->medewerker = str(actor, "medewerkerIdentificatie");
	o->naam = str(actor, "naam");
	o->bsn = str(actor, "bsn");
	o->applicatie = str(actor, "applicatie");
	o->besluit_datum = o->ingangsdatum = o->vervaldatum = DATUM_ONGELDIG;
	/* err names the field: the refusal says which one. */
	if (!o->id || !*o->id || strlen(o->id) > OPDRACHT_ID_MAX) {
		snprintf(err, errlen, "opdrachtId");
		return false;
	}
	if (!o->zaak || !uuid_valid(o->zaak)) {
		snprintf(err, errlen, "zaak");
		return false;
	}
	if (!o->medewerker || !o->applicatie) {
		snprintf(err, errlen, "actor");
		return false;
	}
	if (!when || !instant_parse(when, &o->gegeven_op) ||
	    datum_van_instant_nl(o->gegeven_op) == DATUM_ONGELDIG) {
		snprintf(err, errlen, "gegevenOp");
		return false;
	}
	switch (soort) {
	case OPDRACHT_STATUS_ZETTEN:
		o->volgnummer = (int)json_integer_value(json_object_get(doc, "volgnummer"));
		o->toelichting = str(doc, "statustoelichting");
		o->terugzetten_reden = str(doc, "terugzettenReden");
		break;
	case OPDRACHT_RESULTAAT_VASTLEGGEN:
		o->resultaattype = str(doc, "resultaattype");
		o->toelichting = str(doc, "toelichting");
		break;
	case OPDRACHT_ZAAK_OPSCHORTEN:
	case OPDRACHT_ZAAK_HEROPENEN:
		o->reden = str(doc, "reden");
		break;
	case OPDRACHT_ZAAK_HERVATTEN:
		o->toelichting = str(doc, "toelichting");
		break;
	case OPDRACHT_ZAAK_VERLENGEN:
		o->reden = str(doc, "reden");
		o->duur = str(doc, "duur");
		break;
	case OPDRACHT_BESLUIT_VASTLEGGEN:
		o->besluittype = str(doc, "besluittype");
		o->besluit_identificatie = str(doc, "identificatie");
		o->toelichting = str(doc, "toelichting");
		o->besluit_datum = datum_veld(doc, "datum");
		o->ingangsdatum = datum_veld(doc, "ingangsdatum");
		o->vervaldatum = datum_veld(doc, "vervaldatum");
		break;
	default:
		snprintf(err, errlen, "type");
		return false;
	}
	return true;
}

void
status_redenen_init(struct redenen *r)
{
	redenen_init(r, "opdracht.te_veel_fouten",
	             "De opdracht bevat nog meer fouten dan hier genoemd.");
}

static bool
leeg(const char *s)
{
	if (!s)
		return true;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return *s == '\0';
}

/* Texts are bounded so that no opdracht can bloat the read model or a fact. */
static void
beoordeel_lengtes(const struct opdracht *o, struct redenen *out)
{
	const struct {
		const char *veld, *waarde;
		int max;
	} velden[] = {
	        {"actor.medewerkerIdentificatie", o->medewerker, OPDRACHT_ACTOR_MAX},
	        {"actor.naam", o->naam, OPDRACHT_ACTOR_MAX},
	        {"actor.applicatie", o->applicatie, OPDRACHT_ACTOR_MAX},
	        {o->soort == OPDRACHT_STATUS_ZETTEN ? "statustoelichting" : "toelichting",
	         o->toelichting, OPDRACHT_TEKST_MAX},
	        {"terugzettenReden", o->terugzetten_reden, OPDRACHT_TEKST_MAX},
	        {"reden", o->reden, OPDRACHT_REDEN_MAX},
	        {"identificatie", o->besluit_identificatie, BESLUIT_IDENT_MAX},
	};

	for (size_t i = 0; i < sizeof(velden) / sizeof(velden[0]); i++) {
		size_t n = velden[i].waarde ? tekst_lengte(velden[i].waarde) : 0;
		if (n > (size_t)velden[i].max)
			redenen_voeg_toe(out, "opdracht.te_lang", velden[i].veld,
			                 "Het veld %s is te lang: %zu tekens, hoogstens %d.",
			                 velden[i].veld, n, velden[i].max);
	}
}

static void
beoordeel_status(const struct zaak_toestand *z, const struct opdracht *o,
                 const struct regels_instellingen *inst, struct redenen *out)
{
	const struct statustype *st = zaaktype_statustype(z->zt, o->volgnummer);
	bool eind;

	if (!st) {
		redenen_voeg_toe(out, "status.onbekend", "volgnummer",
		                 "Het zaaktype %s kent geen status met volgnummer %d.",
		                 z->zt->identificatie, o->volgnummer);
		return;
	}
	eind = zaaktype_is_eindstatus(z->zt, o->volgnummer);
	if (o->volgnummer == z->status && !(z->heropend && eind)) {
		redenen_voeg_toe(out, "status.al_gezet", "volgnummer",
		                 "De zaak heeft de status %d (%s) al.", o->volgnummer,
		                 st->omschrijving);
	} else if (o->volgnummer < z->status && !z->heropend) {
		if (!inst->terugzetten_toegestaan)
			redenen_voeg_toe(
			        out, "status.terugzetten_niet_toegestaan", "volgnummer",
			        "Een status terugzetten (van %d naar %d) is niet toegestaan.",
			        z->status, o->volgnummer);
		else if (leeg(o->terugzetten_reden))
			redenen_voeg_toe(
			        out, "status.reden_ontbreekt", "terugzettenReden",
			        "Een status terugzetten (van %d naar %d) kan alleen met een "
			        "reden.",
			        z->status, o->volgnummer);
	}
	if (eind && !zaaktype_resultaattype(z->zt, z->resultaat))
		redenen_voeg_toe(out, "status.resultaat_ontbreekt", "volgnummer",
		                 "De eindstatus kan pas worden gezet als er een resultaat is "
		                 "vastgelegd.");
	if (eind && termijnen_opgeschort(&z->termijnen))
		redenen_voeg_toe(out, "zaak.opgeschort", "volgnummer",
		                 "De zaak is opgeschort: hervat de zaak voordat u haar afsluit.");
}

static void
beoordeel_verlenging(const struct zaak_toestand *z, const struct opdracht *o, struct redenen *out)
{
	struct duur d;

	if (!z->zt->verlenging_mogelijk) {
		redenen_voeg_toe(out, "verlenging.niet_toegestaan", NULL,
		                 "Voor het zaaktype %s is verlengen niet mogelijk.",
		                 z->zt->identificatie);
		return;
	}
	if (z->termijnen.verlengd)
		redenen_voeg_toe(out, "verlenging.al_verlengd", NULL,
		                 "De zaak is al eens verlengd; dat kan maar één keer.");
	if (leeg(o->reden))
		redenen_voeg_toe(out, "verlenging.reden_ontbreekt", "reden",
		                 "Een verlenging kan alleen met een reden.");
	if (!o->duur || !duur_parse(o->duur, &d) || duur_is_nul(d)) {
		redenen_voeg_toe(out, "verlenging.duur_ongeldig", "duur",
		                 "De duur van de verlenging is geen geldige duur (zoals P6W).");
		return;
	}
	if (!termijnen_verlenging_past(&z->termijnen, d, z->zt->verlengingstermijn.duur))
		redenen_voeg_toe(out, "verlenging.te_lang", "duur",
		                 "De verlenging (%s) is langer dan de verlengingstermijn van het "
		                 "zaaktype (%s).",
		                 o->duur, z->zt->verlengingstermijn.tekst);
}

static void
beoordeel_besluit(const struct zaak_toestand *z, const struct opdracht *o, struct redenen *out)
{
	if (!o->besluittype || !zaaktype_besluittype(z->zt, o->besluittype))
		redenen_voeg_toe(out, "besluit.onbekend", "besluittype",
		                 "Het zaaktype %s kent dit besluittype niet.",
		                 z->zt->identificatie);
	if (o->besluit_datum == DATUM_ONGELDIG)
		redenen_voeg_toe(out, "besluit.datum_ongeldig", "datum",
		                 "De datum van het besluit ontbreekt of is ongeldig.");
	if (o->ingangsdatum == DATUM_ONGELDIG)
		redenen_voeg_toe(out, "besluit.datum_ongeldig", "ingangsdatum",
		                 "De ingangsdatum van het besluit ontbreekt of is ongeldig.");
	else if (o->vervaldatum != DATUM_ONGELDIG && o->vervaldatum < o->ingangsdatum)
		redenen_voeg_toe(out, "besluit.datum_ongeldig", "vervaldatum",
		                 "De vervaldatum van het besluit ligt vóór de ingangsdatum.");
}

static bool
eigen_zaak(const struct zaak_toestand *z, const struct opdracht *o)
{
	if (leeg(o->bsn))
		return false;
	if (z->bsn_overloop)
		return true;
	for (int i = 0; i < z->n_bsn; i++)
		if (!strcmp(o->bsn, z->bsn[i]))
			return true;
	return false;
}

void
opdracht_beoordeel(const struct zaak_toestand *z, const struct opdracht *o,
                   const struct regels_instellingen *inst, struct redenen *out)
{
	status_redenen_init(out);
	/* First and alone: whoever handles their own zaak learns nothing more
	 * about it from the refusal. */
	if (eigen_zaak(z, o)) {
		redenen_voeg_toe(out, "actor.eigen_zaak", "actor",
		                 "Een medewerker mag geen zaak behandelen waarin hij of zij zelf "
		                 "betrokkene (aanvrager of gemachtigde) is.");
		return;
	}
	if (!z->zt) {
		redenen_voeg_toe(
		        out, "zaaktype.onbekend", NULL,
		        "Het zaaktype van deze zaak is (nog) niet bekend in de catalogus.");
		return;
	}
	beoordeel_lengtes(o, out);
	if (z->afgesloten && o->soort != OPDRACHT_ZAAK_HEROPENEN) {
		redenen_voeg_toe(out, "zaak.afgesloten", NULL,
		                 "De zaak is afgesloten; alleen heropenen (met een reden) is nog "
		                 "mogelijk.");
		return;
	}
	switch (o->soort) {
	case OPDRACHT_STATUS_ZETTEN:
		beoordeel_status(z, o, inst, out);
		break;
	case OPDRACHT_RESULTAAT_VASTLEGGEN:
		if (!o->resultaattype || !zaaktype_resultaattype(z->zt, o->resultaattype))
			redenen_voeg_toe(out, "resultaat.onbekend", "resultaattype",
			                 "Het zaaktype %s kent dit resultaat niet.",
			                 z->zt->identificatie);
		break;
	case OPDRACHT_ZAAK_OPSCHORTEN:
		if (!z->zt->opschorting_mogelijk)
			redenen_voeg_toe(out, "opschorting.niet_toegestaan", NULL,
			                 "Voor het zaaktype %s is opschorten niet mogelijk.",
			                 z->zt->identificatie);
		else if (termijnen_opgeschort(&z->termijnen))
			redenen_voeg_toe(out, "opschorting.al_opgeschort", NULL,
			                 "De zaak is al opgeschort.");
		if (leeg(o->reden))
			redenen_voeg_toe(out, "opschorting.reden_ontbreekt", "reden",
			                 "Opschorten kan alleen met een reden.");
		break;
	case OPDRACHT_ZAAK_HERVATTEN:
		if (!termijnen_opgeschort(&z->termijnen))
			redenen_voeg_toe(out, "hervatting.niet_opgeschort", NULL,
			                 "De zaak is niet opgeschort.");
		break;
	case OPDRACHT_ZAAK_VERLENGEN:
		beoordeel_verlenging(z, o, out);
		break;
	case OPDRACHT_BESLUIT_VASTLEGGEN:
		beoordeel_besluit(z, o, out);
		break;
	case OPDRACHT_ZAAK_HEROPENEN:
		if (!z->afgesloten)
			redenen_voeg_toe(out, "heropenen.niet_afgesloten", NULL,
			                 "De zaak is niet afgesloten.");
		if (!z->zt->heropenen_mogelijk)
			redenen_voeg_toe(out, "heropenen.niet_toegestaan", NULL,
			                 "Voor het zaaktype %s is heropenen niet mogelijk.",
			                 z->zt->identificatie);
		if (leeg(o->reden))
			redenen_voeg_toe(out, "heropenen.reden_ontbreekt", "reden",
			                 "Heropenen kan alleen met een reden.");
		break;
	default:
		break;
	}
}

/* The fields every fact about a zaak starts with. */
static json_t *
feit_basis(const struct zaak_toestand *z, const struct opdracht *o, int64_t tijdstip)
{
	json_t *actor = json_null();

	if (o)
		actor = json_pack("{s:s, s:o, s:s}", "medewerkerIdentificatie", o->medewerker,
		                  "naam", tekst_of_null(o->naam), "applicatie", o->applicatie);
	return json_pack("{s:s, s:s, s:o, s:o, s:o}", "zaak", z->uuid, "identificatie",
	                 z->identificatie, "opdrachtId", o ? json_string(o->id) : json_null(),
	                 "actor", actor, "tijdstip", instant_json(tijdstip));
}

static void
feit(struct feiten *out, const char *record, json_t *data, const struct zaak_toestand *z,
     int32_t op)
{
	json_object_set_new(data, "termijnen", termijnen_json(&z->termijnen, op));
	out->f[out->n].record = record;
	out->f[out->n++].data = data;
}

json_t *
status_info_json(const struct zaaktype *zt, int volgnummer, int64_t gezet)
{
	const struct statustype *st = zaaktype_statustype(zt, volgnummer);

	if (!st)
		return NULL;
	return json_pack("{s:i, s:s, s:s, s:b, s:b, s:b, s:i, s:i, s:o}", "volgnummer",
	                 st->volgnummer, "omschrijving", st->omschrijving, "statustekst",
	                 st->statustekst ? st->statustekst : "", "informeren", st->informeren,
	                 "tonenAanInitiator", st->tonen_aan_initiator, "isEindstatus",
	                 zaaktype_is_eindstatus(zt, volgnummer), "stap",
	                 zaaktype_statustype_stap(zt, volgnummer), "aantalStappen",
	                 (int)zt->n_statustypen, "datumStatusGezet", instant_json(gezet));
}

static void
voer_status_uit(struct zaak_toestand *z, const struct opdracht *o, int32_t op, struct feiten *out)
{
	int vorige = z->status;
	bool eind = zaaktype_is_eindstatus(z->zt, o->volgnummer);
	json_t *f;

	z->status = o->volgnummer;
	z->heropend = false;
	if (eind) {
		const struct resultaattype *rt = zaaktype_resultaattype(z->zt, z->resultaat);
		z->afgesloten = true;
		z->einddatum = op;
		z->archiefactiedatum = datum_plus_duur(op, rt->archiefactietermijn.duur);
	}
	f = feit_basis(z, o, o->gegeven_op);
	json_object_set_new(f, "status", status_info_json(z->zt, o->volgnummer, o->gegeven_op));
	json_object_set_new(f, "vorigeVolgnummer", json_integer(vorige));
	json_object_set_new(f, "statustoelichting", tekst_of_null(o->toelichting));
	json_object_set_new(f, "terugzettenReden",
	                    o->volgnummer < vorige ? tekst_of_null(o->terugzetten_reden)
	                                           : json_null());
	feit(out, "StatusGezet", f, z, op);
	if (eind) {
		const struct resultaattype *rt = zaaktype_resultaattype(z->zt, z->resultaat);
		f = feit_basis(z, o, o->gegeven_op);
		json_object_set_new(f, "einddatum", datum_json(z->einddatum));
		json_object_set_new(f, "resultaat", json_string(z->resultaat));
		json_object_set_new(f, "archiefnominatie",
		                    json_string(archiefnominatie_name(rt->archiefnominatie)));
		json_object_set_new(f, "archiefactiedatum", datum_json(z->archiefactiedatum));
		feit(out, "ZaakAfgesloten", f, z, op);
	}
}

static void
voer_besluit_uit(struct zaak_toestand *z, const struct opdracht *o, int32_t op, struct feiten *out)
{
	const struct besluittype *bt = zaaktype_besluittype(z->zt, o->besluittype);
	char uuid[UUID_LEN + 1], naam[OPDRACHT_ID_MAX + 16], ident[BESLUIT_IDENT_MAX * 4 + 1];
	int32_t reactie = DATUM_ONGELDIG;
	json_t *f;

	/* Name-based: the same opdracht always gives the same besluit. */
	snprintf(naam, sizeof(naam), "besluit:%s", o->id);
	uuid_v5(ZS_UUID_NAMESPACE, naam, uuid);
	z->n_besluiten++;
	if (!leeg(o->besluit_identificatie))
		snprintf(ident, sizeof(ident), "%s", o->besluit_identificatie);
	else
		snprintf(ident, sizeof(ident), "BESLUIT-%s-%d",
		         strncmp(z->identificatie, "ZAAK-", 5) ? z->identificatie
		                                               : z->identificatie + 5,
		         z->n_besluiten);
	/* Until when bezwaar can be made: the besluit's date + the reactietermijn. */
	if (bt->reactietermijn.tekst)
		reactie = datum_plus_duur(o->besluit_datum, bt->reactietermijn.duur);
	f = feit_basis(z, o, o->gegeven_op);
	json_object_set_new(f, "besluit", json_string(uuid));
	json_object_set_new(f, "besluitIdentificatie", json_string(ident));
	json_object_set_new(f, "besluittype", json_string(bt->omschrijving));
	json_object_set_new(f, "datum", datum_json(o->besluit_datum));
	json_object_set_new(f, "ingangsdatum", datum_json(o->ingangsdatum));
	json_object_set_new(f, "vervaldatum", datum_json(o->vervaldatum));
	json_object_set_new(f, "uiterlijkeReactiedatum", datum_json(reactie));
	json_object_set_new(f, "toelichting", tekst_of_null(o->toelichting));
	feit(out, "BesluitGenomen", f, z, op);
}

void
opdracht_uitvoeren(struct zaak_toestand *z, const struct opdracht *o, struct feiten *out)
{
	int32_t op = datum_van_instant_nl(o->gegeven_op);
	json_t *f;

	out->n = 0;
	switch (o->soort) {
	case OPDRACHT_STATUS_ZETTEN:
		voer_status_uit(z, o, op, out);
		break;
	case OPDRACHT_RESULTAAT_VASTLEGGEN: {
		const struct resultaattype *rt = zaaktype_resultaattype(z->zt, o->resultaattype);
		snprintf(z->resultaat, sizeof(z->resultaat), "%s", rt->omschrijving);
		f = feit_basis(z, o, o->gegeven_op);
		json_object_set_new(f, "resultaat", json_string(rt->omschrijving));
		json_object_set_new(f, "omschrijvingGeneriek",
		                    tekst_of_null(rt->omschrijving_generiek));
		json_object_set_new(f, "archiefnominatie",
		                    json_string(archiefnominatie_name(rt->archiefnominatie)));
		json_object_set_new(f, "archiefactietermijn",
		                    json_string(rt->archiefactietermijn.tekst));
		json_object_set_new(f, "toelichting", tekst_of_null(o->toelichting));
		feit(out, "ResultaatVastgesteld", f, z, op);
		break;
	}
	case OPDRACHT_ZAAK_OPSCHORTEN:
		termijnen_opschorten(&z->termijnen, op);
		f = feit_basis(z, o, o->gegeven_op);
		json_object_set_new(f, "reden", json_string(o->reden));
		json_object_set_new(f, "per", datum_json(op));
		feit(out, "ZaakOpgeschort", f, z, op);
		break;
	case OPDRACHT_ZAAK_HERVATTEN: {
		int32_t dagen = termijnen_hervatten(&z->termijnen, op);
		f = feit_basis(z, o, o->gegeven_op);
		json_object_set_new(f, "per", datum_json(op));
		json_object_set_new(f, "opgeschorteDagen", json_integer(dagen));
		json_object_set_new(f, "toelichting", tekst_of_null(o->toelichting));
		feit(out, "ZaakHervat", f, z, op);
		break;
	}
	case OPDRACHT_ZAAK_VERLENGEN: {
		struct duur d;
		int32_t dagen;
		duur_parse(o->duur, &d);
		dagen = termijnen_verlengen(&z->termijnen, d);
		f = feit_basis(z, o, o->gegeven_op);
		json_object_set_new(f, "reden", json_string(o->reden));
		json_object_set_new(f, "duur", json_string(o->duur));
		json_object_set_new(f, "verlengingDagen", json_integer(dagen < 0 ? 0 : dagen));
		feit(out, "ZaakVerlengd", f, z, op);
		break;
	}
	case OPDRACHT_BESLUIT_VASTLEGGEN:
		voer_besluit_uit(z, o, op, out);
		break;
	case OPDRACHT_ZAAK_HEROPENEN:
		z->afgesloten = false;
		z->heropend = true;
		z->einddatum = z->archiefactiedatum = DATUM_ONGELDIG;
		z->resultaat[0] = '\0';
		f = feit_basis(z, o, o->gegeven_op);
		json_object_set_new(f, "reden", json_string(o->reden));
		feit(out, "ZaakHeropend", f, z, op);
		break;
	default:
		break;
	}
}

void
feiten_free(struct feiten *f)
{
	for (int i = 0; i < f->n; i++)
		json_decref(f->f[i].data);
	f->n = 0;
}

bool
opdracht_verwerk(struct zaak_toestand *z, const struct opdracht *o,
                 const struct regels_instellingen *inst, struct redenen *r, struct feiten *f)
{
	f->n = 0;
	opdracht_beoordeel(z, o, inst, r);
	if (r->n > 0)
		return false;
	opdracht_uitvoeren(z, o, f);
	return true;
}

json_t *
opdracht_uitgevoerd_json(const struct opdracht *o, int64_t tijdstip)
{
	return json_pack("{s:s, s:s, s:s, s:o}", "opdrachtId", o->id, "zaak", o->zaak,
	                 "opdrachtType", records[o->soort], "tijdstip", instant_json(tijdstip));
}

json_t *
opdracht_geweigerd_json(const char *opdracht_id, const char *zaak, const char *record,
                        int64_t tijdstip, const struct redenen *r)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:o}", "opdrachtId", opdracht_id ? opdracht_id : "",
	                 "zaak", zaak ? zaak : "", "opdrachtType", record ? record : "", "tijdstip",
	                 instant_json(tijdstip), "redenen", redenen_json(r));
}

json_t *
termijn_bewaking_json(const struct zaak_toestand *z, const struct termijn_taak *t, int32_t vandaag,
                      int64_t tijdstip)
{
	json_t *f = feit_basis(z, NULL, tijdstip);

	json_object_set_new(f, "termijn", json_string(termijn_soort_name(t->termijn)));
	json_object_set_new(f, "fase", json_string(termijn_fase_name(t->fase)));
	json_object_set_new(f, "datum", datum_json(t->deadline));
	json_object_set_new(f, "dagenResterend", json_integer(termijn_dagen_resterend(t, vandaag)));
	json_object_set_new(f, "termijnen", termijnen_json(&z->termijnen, vandaag));
	return f;
}
