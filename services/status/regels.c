/*
 * regels.c — the status rules: judging and carrying out opdrachten, the
 * facts they produce, and the deadline watch.
 */
#include "regels.h"
#include "ce.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const records[OPDRACHT__AANTAL] = {
        [OPDRACHT_STATUS_ZETTEN] = "StatusZetten",
        [OPDRACHT_RESULTAAT_VASTLEGGEN] = "ResultaatVastleggen",
        [OPDRACHT_ZAAK_OPSCHORTEN] = "ZaakOpschorten",
        [OPDRACHT_ZAAK_HERVATTEN] = "ZaakHervatten",
        [OPDRACHT_ZAAK_VERLENGEN] = "ZaakVerlengen",
        [OPDRACHT_BESLUIT_VASTLEGGEN] = "BesluitVastleggen",
        [OPDRACHT_ZAAK_HEROPENEN] = "ZaakHeropenen",
};

int
opdracht_soort_van_record(const char *record)
{
	for (int i = 0; record && i < OPDRACHT__AANTAL; i++)
		if (!strcmp(records[i], record))
			return i;
	return -1;
}

const char *
opdracht_record(enum opdracht_soort s)
{
	return records[s];
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

static void
datum_zet(json_t *o, const char *k, int32_t d)
{
	char buf[DATUM_TEKST];

	if (d == DATUM_ONGELDIG || !datum_format(d, buf, sizeof(buf)))
		json_object_set_new(o, k, json_null());
	else
		json_object_set_new(o, k, json_string(buf));
}

bool
zaak_toestand_van_registratie(struct zaak_toestand *z, const json_t *zg, const struct zaaktype *zt,
                              char *err, size_t errlen)
{
	const json_t *status = json_object_get(zg, "status"), *rol;
	size_t i;

	memset(z, 0, sizeof(*z));
	z->zt = zt;
	z->einddatum = z->archiefactiedatum = z->opgeschort_sinds = DATUM_ONGELDIG;
	if (!str(zg, "uuid") || !str(zg, "identificatie") || !json_is_object(status)) {
		snprintf(err, errlen, "ZaakGeregistreerd lacks uuid, identificatie or status");
		return false;
	}
	snprintf(z->uuid, sizeof(z->uuid), "%s", str(zg, "uuid"));
	snprintf(z->identificatie, sizeof(z->identificatie), "%s", str(zg, "identificatie"));
	z->status = (int)json_integer_value(json_object_get(status, "volgnummer"));
	z->einddatum_gepland = datum_veld(zg, "einddatumGepland");
	z->uiterlijke_einddatum_afdoening = datum_veld(zg, "uiterlijkeEinddatumAfdoening");
	if (z->uiterlijke_einddatum_afdoening == DATUM_ONGELDIG) {
		snprintf(err, errlen, "ZaakGeregistreerd lacks uiterlijkeEinddatumAfdoening");
		return false;
	}
	json_array_foreach(json_object_get(zg, "rollen"), i, rol)
	{
		const char *bsn = str(json_object_get(rol, "betrokkene"), "inpBsn");
		if (bsn && z->n_bsn < ZAAK_MAX_BSN && strlen(bsn) < sizeof(z->bsn[0]))
			snprintf(z->bsn[z->n_bsn++], sizeof(z->bsn[0]), "%s", bsn);
	}
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
	if (!o->id || !o->zaak || !o->medewerker || !o->applicatie || !when ||
	    !instant_parse(when, &o->gegeven_op)) {
		snprintf(err, errlen, "opdracht lacks opdrachtId, zaak, actor or gegevenOp");
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
		break;
	}
	return true;
}

static bool
leeg(const char *s)
{
	if (!s)
		return true;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	return *s == '\0';
}

static void
beoordeel_status(const struct zaak_toestand *z, const struct opdracht *o,
                 const struct regels_instellingen *inst, struct redenen *out)
{
	const struct statustype *st = zaaktype_statustype(z->zt, o->volgnummer);

	if (!st) {
		redenen_voeg_toe(out, "status.onbekend", "volgnummer",
		                 "Het zaaktype %s kent geen status met volgnummer %d.",
		                 z->zt->identificatie, o->volgnummer);
		return;
	}
	if (o->volgnummer == z->status) {
		redenen_voeg_toe(out, "status.al_gezet", "volgnummer",
		                 "De zaak heeft deze status (%d, %s) al.", o->volgnummer,
		                 st->omschrijving);
	} else if (o->volgnummer < z->status && !z->heropend) {
		if (!inst->terugzetten_toegestaan)
			redenen_voeg_toe(
			        out, "status.terugzetten_niet_toegestaan", "volgnummer",
			        "Een status terugzetten (van %d naar %d) is hier niet toegestaan.",
			        z->status, o->volgnummer);
		else if (leeg(o->terugzetten_reden))
			redenen_voeg_toe(
			        out, "status.reden_ontbreekt", "terugzettenReden",
			        "Een status terugzetten (van %d naar %d) kan alleen met een reden.",
			        z->status, o->volgnummer);
	}
	if (zaaktype_is_eindstatus(z->zt, o->volgnummer) && !z->heeft_resultaat)
		redenen_voeg_toe(
		        out, "status.resultaat_ontbreekt", "volgnummer",
		        "De eindstatus kan pas worden gezet als er een resultaat is vastgelegd.");
}

static void
beoordeel_verlenging(const struct zaak_toestand *z, const struct opdracht *o, struct redenen *out)
{
	struct duur d;

	if (!z->zt->verlenging_mogelijk) {
		redenen_voeg_toe(out, "verlenging.niet_toegestaan", NULL,
		                 "Voor dit zaaktype is verlengen niet mogelijk.");
		return;
	}
	if (z->verlengd)
		redenen_voeg_toe(out, "verlenging.al_verlengd", NULL,
		                 "De zaak is al eens verlengd.");
	if (leeg(o->reden))
		redenen_voeg_toe(out, "verlenging.reden_ontbreekt", "reden",
		                 "Een verlenging kan alleen met een reden.");
	if (!o->duur || !duur_parse(o->duur, &d) || duur_is_nul(d)) {
		redenen_voeg_toe(
		        out, "verlenging.duur_ongeldig", "duur",
		        "De duur van de verlenging is geen geldige ISO-8601-duur (zoals P6W).");
		return;
	}
	/* "At most the verlengingstermijn": compared where it counts, on the
	 * deadline it would move. */
	int32_t met = datum_plus_duur(z->uiterlijke_einddatum_afdoening, d);
	int32_t max =
	        datum_plus_duur(z->uiterlijke_einddatum_afdoening, z->zt->verlengingstermijn.duur);
	if (met == DATUM_ONGELDIG || met > max)
		redenen_voeg_toe(
		        out, "verlenging.te_lang", "duur",
		        "De verlenging (%s) is langer dan de verlengingstermijn van het zaaktype (%s).",
		        o->duur, z->zt->verlengingstermijn.tekst);
}

void
opdracht_beoordeel(const struct zaak_toestand *z, const struct opdracht *o,
                   const struct regels_instellingen *inst, struct redenen *out)
{
	redenen_init(out, "opdracht.te_veel_fouten",
	             "De opdracht bevat nog meer fouten dan hier genoemd.");
	for (int i = 0; o->bsn && i < z->n_bsn; i++)
		if (!strcmp(o->bsn, z->bsn[i])) {
			redenen_voeg_toe(
			        out, "actor.eigen_zaak", "actor",
			        "Een medewerker mag geen zaak behandelen waarin hij of zij zelf "
			        "aanvrager of gemachtigde is.");
			return;
		}
	if (z->afgesloten && o->soort != OPDRACHT_ZAAK_HEROPENEN) {
		redenen_voeg_toe(
		        out, "zaak.afgesloten", NULL,
		        "De zaak is afgesloten; alleen heropenen (met een reden) is nog mogelijk.");
		return;
	}
	if (z->opgeschort && o->soort != OPDRACHT_ZAAK_HERVATTEN &&
	    o->soort != OPDRACHT_BESLUIT_VASTLEGGEN && o->soort != OPDRACHT_ZAAK_OPSCHORTEN) {
		redenen_voeg_toe(out, "zaak.opgeschort", NULL,
		                 "De zaak is opgeschort; hervat de zaak eerst.");
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
			                 "Voor dit zaaktype is opschorten niet mogelijk.");
		else if (z->opgeschort)
			redenen_voeg_toe(out, "opschorting.al_opgeschort", NULL,
			                 "De zaak is al opgeschort.");
		if (leeg(o->reden))
			redenen_voeg_toe(out, "opschorting.reden_ontbreekt", "reden",
			                 "Opschorten kan alleen met een reden.");
		break;
	case OPDRACHT_ZAAK_HERVATTEN:
		if (!z->opgeschort)
			redenen_voeg_toe(out, "hervatting.niet_opgeschort", NULL,
			                 "De zaak is niet opgeschort.");
		break;
	case OPDRACHT_ZAAK_VERLENGEN:
		beoordeel_verlenging(z, o, out);
		break;
	case OPDRACHT_BESLUIT_VASTLEGGEN:
		if (!o->besluittype || !zaaktype_besluittype(z->zt, o->besluittype))
			redenen_voeg_toe(out, "besluit.onbekend", "besluittype",
			                 "Het zaaktype %s kent dit besluittype niet.",
			                 z->zt->identificatie);
		if (o->besluit_datum == DATUM_ONGELDIG || o->ingangsdatum == DATUM_ONGELDIG ||
		    (o->vervaldatum != DATUM_ONGELDIG && o->vervaldatum < o->ingangsdatum))
			redenen_voeg_toe(
			        out, "besluit.datum_ongeldig", "ingangsdatum",
			        "De data van het besluit kloppen niet (vervaldatum vóór ingangsdatum?).");
		break;
	case OPDRACHT_ZAAK_HEROPENEN:
		if (!z->afgesloten)
			redenen_voeg_toe(out, "heropenen.niet_afgesloten", NULL,
			                 "De zaak is niet afgesloten.");
		if (!z->zt->heropenen_mogelijk)
			redenen_voeg_toe(out, "heropenen.niet_toegestaan", NULL,
			                 "Voor dit zaaktype is heropenen niet mogelijk.");
		if (leeg(o->reden))
			redenen_voeg_toe(out, "heropenen.reden_ontbreekt", "reden",
			                 "Heropenen kan alleen met een reden.");
		break;
	default:
		break;
	}
}

json_t *
termijnen_json(const struct zaak_toestand *z, int32_t op)
{
	json_t *t = json_object();
	int32_t tegen = z->afgesloten ? z->einddatum : op;

	datum_zet(t, "einddatumGepland", z->einddatum_gepland);
	datum_zet(t, "uiterlijkeEinddatumAfdoening", z->uiterlijke_einddatum_afdoening);
	json_object_set_new(t, "opgeschort", json_boolean(z->opgeschort));
	datum_zet(t, "opgeschortSinds", z->opgeschort ? z->opgeschort_sinds : DATUM_ONGELDIG);
	json_object_set_new(t, "verlengd", json_boolean(z->verlengd));
	/* On time: not past the legal deadline (a suspended clock does not run). */
	json_object_set_new(
	        t, "opTijd",
	        json_boolean(z->opgeschort || tegen <= z->uiterlijke_einddatum_afdoening));
	return t;
}

/* The fields every fact on a zaak starts with. */
static json_t *
feit_basis(const struct zaak_toestand *z, const struct opdracht *o, int64_t tijdstip)
{
	char when[INSTANT_TEKST];
	json_t *f = json_object();

	instant_format(tijdstip, when, sizeof(when));
	json_object_set_new(f, "zaak", json_string(z->uuid));
	json_object_set_new(f, "identificatie", json_string(z->identificatie));
	json_object_set_new(f, "opdrachtId", o ? json_string(o->id) : json_null());
	json_object_set_new(f, "actor",
	                    o ? json_pack("{s:s, s:s?, s:s}", "medewerkerIdentificatie",
	                                  o->medewerker, "naam", o->naam, "applicatie",
	                                  o->applicatie)
	                      : json_null());
	json_object_set_new(f, "tijdstip", json_string(when));
	return f;
}

static void
feit(struct feiten *out, const char *record, json_t *data, const struct zaak_toestand *z,
     int32_t op)
{
	json_object_set_new(data, "termijnen", termijnen_json(z, op));
	out->f[out->n].record = record;
	out->f[out->n++].data = data;
}

static json_t *
tekst_of_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void
voer_status_uit(struct zaak_toestand *z, const struct opdracht *o, int32_t op, struct feiten *out)
{
	const struct statustype *st = zaaktype_statustype(z->zt, o->volgnummer);
	char when[INSTANT_TEKST];
	int vorige = z->status;
	bool eind = zaaktype_is_eindstatus(z->zt, o->volgnummer);
	json_t *f;

	instant_format(o->gegeven_op, when, sizeof(when));
	z->status = o->volgnummer;
	if (!eind)
		z->heropend = false;
	if (eind) {
		const struct resultaattype *rt = zaaktype_resultaattype(z->zt, z->resultaat);
		z->afgesloten = true;
		z->heropend = false;
		z->einddatum = op;
		z->archiefactiedatum =
		        rt ? datum_plus_duur(op, rt->archiefactietermijn.duur) : DATUM_ONGELDIG;
	}
	f = feit_basis(z, o, o->gegeven_op);
	json_object_set_new(
	        f, "status",
	        json_pack("{s:i, s:s, s:s, s:b, s:b, s:b, s:i, s:i, s:s}", "volgnummer",
	                  st->volgnummer, "omschrijving", st->omschrijving, "statustekst",
	                  st->statustekst ? st->statustekst : "", "informeren", st->informeren,
	                  "tonenAanInitiator", st->tonen_aan_initiator, "isEindstatus", eind,
	                  "stap", zaaktype_statustype_stap(z->zt, st->volgnummer), "aantalStappen",
	                  (int)z->zt->n_statustypen, "datumStatusGezet", when));
	json_object_set_new(f, "vorigeVolgnummer", json_integer(vorige));
	json_object_set_new(f, "statustoelichting", tekst_of_null(o->toelichting));
	json_object_set_new(f, "terugzettenReden",
	                    o->volgnummer < vorige ? tekst_of_null(o->terugzetten_reden)
	                                           : json_null());
	feit(out, "StatusGezet", f, z, op);
	if (eind) {
		const struct resultaattype *rt = zaaktype_resultaattype(z->zt, z->resultaat);
		f = feit_basis(z, o, o->gegeven_op);
		datum_zet(f, "einddatum", z->einddatum);
		json_object_set_new(f, "resultaat", json_string(z->resultaat));
		json_object_set_new(f, "archiefnominatie",
		                    json_string(archiefnominatie_naam(rt->archiefnominatie)));
		datum_zet(f, "archiefactiedatum", z->archiefactiedatum);
		feit(out, "ZaakAfgesloten", f, z, op);
	}
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
		z->heeft_resultaat = true;
		snprintf(z->resultaat, sizeof(z->resultaat), "%s", rt->omschrijving);
		f = feit_basis(z, o, o->gegeven_op);
		json_object_set_new(f, "resultaat", json_string(rt->omschrijving));
		json_object_set_new(f, "omschrijvingGeneriek",
		                    tekst_of_null(rt->omschrijving_generiek));
		json_object_set_new(f, "archiefnominatie",
		                    json_string(archiefnominatie_naam(rt->archiefnominatie)));
		json_object_set_new(f, "archiefactietermijn",
		                    json_string(rt->archiefactietermijn.tekst));
		json_object_set_new(f, "toelichting", tekst_of_null(o->toelichting));
		feit(out, "ResultaatVastgesteld", f, z, op);
		break;
	}
	case OPDRACHT_ZAAK_OPSCHORTEN:
		z->opgeschort = true;
		z->opgeschort_sinds = op;
		f = feit_basis(z, o, o->gegeven_op);
		json_object_set_new(f, "reden", json_string(o->reden));
		datum_zet(f, "per", op);
		feit(out, "ZaakOpgeschort", f, z, op);
		break;
	case OPDRACHT_ZAAK_HERVATTEN: {
		/* The clock stood still: both deadlines move by the days it stood. */
		int32_t dagen = dagen_tussen(z->opgeschort_sinds, op);
		if (dagen < 0)
			dagen = 0;
		z->opgeschort = false;
		z->opgeschort_sinds = DATUM_ONGELDIG;
		if (z->einddatum_gepland != DATUM_ONGELDIG)
			z->einddatum_gepland = datum_plus_dagen(z->einddatum_gepland, dagen);
		z->uiterlijke_einddatum_afdoening =
		        datum_plus_dagen(z->uiterlijke_einddatum_afdoening, dagen);
		f = feit_basis(z, o, o->gegeven_op);
		datum_zet(f, "per", op);
		json_object_set_new(f, "opgeschorteDagen", json_integer(dagen));
		json_object_set_new(f, "toelichting", tekst_of_null(o->toelichting));
		feit(out, "ZaakHervat", f, z, op);
		break;
	}
	case OPDRACHT_ZAAK_VERLENGEN: {
		struct duur d;
		duur_parse(o->duur, &d);
		int32_t oud = z->uiterlijke_einddatum_afdoening;
		z->uiterlijke_einddatum_afdoening = datum_plus_duur(oud, d);
		if (z->einddatum_gepland != DATUM_ONGELDIG)
			z->einddatum_gepland = datum_plus_duur(z->einddatum_gepland, d);
		z->verlengd = true;
		f = feit_basis(z, o, o->gegeven_op);
		json_object_set_new(f, "reden", json_string(o->reden));
		json_object_set_new(f, "duur", json_string(o->duur));
		json_object_set_new(
		        f, "verlengingDagen",
		        json_integer(dagen_tussen(oud, z->uiterlijke_einddatum_afdoening)));
		feit(out, "ZaakVerlengd", f, z, op);
		break;
	}
	case OPDRACHT_BESLUIT_VASTLEGGEN: {
		const struct besluittype *bt = zaaktype_besluittype(z->zt, o->besluittype);
		char uuid[UUID_LEN + 1], ident[64];
		/* Name-based: the same opdracht always yields the same besluit. */
		uuid_v5(ZS_UUID_NAMESPACE, o->id, uuid);
		z->n_besluiten++;
		if (o->besluit_identificatie)
			snprintf(ident, sizeof(ident), "%s", o->besluit_identificatie);
		else
			snprintf(ident, sizeof(ident), "BESLUIT-%s-%d", z->identificatie + 5,
			         z->n_besluiten);
		f = feit_basis(z, o, o->gegeven_op);
		json_object_set_new(f, "besluit", json_string(uuid));
		json_object_set_new(f, "besluitIdentificatie", json_string(ident));
		json_object_set_new(f, "besluittype", json_string(bt->omschrijving));
		datum_zet(f, "datum", o->besluit_datum);
		datum_zet(f, "ingangsdatum", o->ingangsdatum);
		datum_zet(f, "vervaldatum", o->vervaldatum);
		/* Until when bezwaar is possible: the besluit's date + the reactietermijn. */
		datum_zet(f, "uiterlijkeReactiedatum",
		          bt->reactietermijn.tekst
		                  ? datum_plus_duur(o->besluit_datum, bt->reactietermijn.duur)
		                  : DATUM_ONGELDIG);
		json_object_set_new(f, "toelichting", tekst_of_null(o->toelichting));
		feit(out, "BesluitGenomen", f, z, op);
		break;
	}
	case OPDRACHT_ZAAK_HEROPENEN:
		z->afgesloten = false;
		z->heropend = true;
		z->einddatum = z->archiefactiedatum = DATUM_ONGELDIG;
		z->heeft_resultaat = false;
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

json_t *
opdracht_uitgevoerd_json(const struct opdracht *o)
{
	char when[INSTANT_TEKST];

	instant_format(o->gegeven_op, when, sizeof(when));
	return json_pack("{s:s, s:s, s:s, s:s}", "opdrachtId", o->id, "zaak", o->zaak,
	                 "opdrachtType", records[o->soort], "tijdstip", when);
}

json_t *
opdracht_geweigerd_kaal(const char *opdracht_id, const char *zaak, const char *record,
                        int64_t tijdstip, const struct redenen *r)
{
	char when[INSTANT_TEKST];

	instant_format(tijdstip, when, sizeof(when));
	return json_pack("{s:s, s:s, s:s, s:s, s:o}", "opdrachtId", opdracht_id ? opdracht_id : "",
	                 "zaak", zaak ? zaak : "", "opdrachtType", record ? record : "", "tijdstip",
	                 when, "redenen", redenen_json(r));
}

json_t *
opdracht_geweigerd_json(const struct opdracht *o, const struct redenen *r)
{
	return opdracht_geweigerd_kaal(o->id, o->zaak, records[o->soort], o->gegeven_op, r);
}

static const char *const termijn_namen[TERMIJN__AANTAL] = {"einddatum_gepland",
                                                           "uiterlijke_einddatum_afdoening"};
static const char *const fase_namen[FASE__AANTAL] = {"nadert", "overschreden"};

const char *
termijn_soort_naam(enum termijn_soort t)
{
	return termijn_namen[t];
}

const char *
termijn_fase_naam(enum termijn_fase f)
{
	return fase_namen[f];
}

bool
termijn_soort_van_naam(const char *s, enum termijn_soort *out)
{
	for (int i = 0; s && i < TERMIJN__AANTAL; i++)
		if (!strcmp(s, termijn_namen[i]))
			return *out = (enum termijn_soort)i, true;
	return false;
}

bool
termijn_fase_van_naam(const char *s, enum termijn_fase *out)
{
	for (int i = 0; s && i < FASE__AANTAL; i++)
		if (!strcmp(s, fase_namen[i]))
			return *out = (enum termijn_fase)i, true;
	return false;
}

int
termijn_taken(const struct zaak_toestand *z, int nadert_dagen,
              struct termijn_taak out[TERMIJN__AANTAL * FASE__AANTAL])
{
	int32_t deadlines[TERMIJN__AANTAL] = {z->einddatum_gepland,
	                                      z->uiterlijke_einddatum_afdoening};
	int n = 0;

	if (z->afgesloten || z->opgeschort)
		return 0;
	for (int t = 0; t < TERMIJN__AANTAL; t++) {
		if (deadlines[t] == DATUM_ONGELDIG)
			continue;
		out[n++] = (struct termijn_taak){
		        .termijn = (enum termijn_soort)t,
		        .fase = FASE_NADERT,
		        .deadline = deadlines[t],
		        .wanneer = datum_plus_dagen(deadlines[t], -nadert_dagen)};
		out[n++] = (struct termijn_taak){.termijn = (enum termijn_soort)t,
		                                 .fase = FASE_OVERSCHREDEN,
		                                 .deadline = deadlines[t],
		                                 .wanneer = datum_plus_dagen(deadlines[t], 1)};
	}
	return n;
}

bool
termijn_taak_geldig(const struct termijn_taak *t, int32_t vandaag)
{
	return t->fase == FASE_OVERSCHREDEN || vandaag <= t->deadline;
}

json_t *
termijn_bewaking_json(const struct zaak_toestand *z, const struct termijn_taak *t, int32_t vandaag,
                      int64_t tijdstip)
{
	json_t *f = feit_basis(z, NULL, tijdstip);

	json_object_set_new(f, "termijn", json_string(termijn_namen[t->termijn]));
	json_object_set_new(f, "fase", json_string(fase_namen[t->fase]));
	datum_zet(f, "datum", t->deadline);
	json_object_set_new(f, "dagenResterend", json_integer(dagen_tussen(vandaag, t->deadline)));
	json_object_set_new(f, "termijnen", termijnen_json(z, vandaag));
	return f;
}
