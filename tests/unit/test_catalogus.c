/*
 * test_catalogus.c — a ZaaktypeGepubliceerd becomes a struct zaaktype with
 * every field the daemons use, malformed entries are refused naming the
 * field, and the catalogus picks the version valid on a date. The real
 * catalogus files in deploy/catalogus/ are the fixtures (run from the
 * repository root, as tests/run.sh does).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>

#include "zgw/catalogus.h"

#define d(s) datum_van_tekst(s)

static json_t *
laad(const char *naam)
{
	char pad[256];
	json_error_t je;
	json_t *doc;

	snprintf(pad, sizeof pad, "deploy/catalogus/%s", naam);
	doc = json_load_file(pad, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		fail_msg("%s: %s (line %d)", pad, je.text, je.line);
	return doc;
}

static struct zaaktype *
parse_ok(json_t *doc)
{
	struct zaaktype *zt = NULL;
	char err[256];

	if (zaaktype_from_json(doc, &zt, err, sizeof err) != 0)
		fail_msg("refused: %s", err);
	return zt;
}

/* Refused, and the message names the field. The document is consumed. */
static void
weigert(json_t *doc, const char *veld)
{
	struct zaaktype *zt = (struct zaaktype *)1;
	char err[256];

	if (zaaktype_from_json(doc, &zt, err, sizeof err) == 0)
		fail_msg("accepted, expected a refusal naming %s", veld);
	assert_null(zt);
	if (!strstr(err, veld))
		fail_msg("message \"%s\" does not name %s", err, veld);
	json_decref(doc);
}

static void
real_catalogus_files_parse(void **state)
{
	glob_t g;
	size_t n = 0;

	(void)state;
	assert_int_equal(glob("deploy/catalogus/*.json", 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *naam = strrchr(g.gl_pathv[i], '/') + 1;
		json_t *doc = laad(naam);
		struct zaaktype *zt = parse_ok(doc);

		assert_string_equal(zt->identificatie,
		                    json_string_value(json_object_get(doc, "identificatie")));
		assert_ptr_equal(zt->doc, doc);
		assert_int_equal(doc->refcount, 2);
		zaaktype_free(zt);
		assert_int_equal(doc->refcount, 1);
		json_decref(doc);
		n++;
	}
	globfree(&g);
	assert_true(n >= 3);
}

static void
every_field_of_terugbelnotitie(void **state)
{
	json_t *doc = laad("terugbelnotitie.json");
	struct zaaktype *zt = parse_ok(doc);
	const struct eigenschap *e;
	char buf[DUUR_MAX_TEKST];

	(void)state;
	assert_string_equal(zt->identificatie, "TERUGBELNOTITIE");
	assert_int_equal(zt->versiedatum, d("2026-01-01"));
	assert_string_equal(zt->omschrijving, "Terugbelnotitie 14070");
	assert_string_equal(zt->onderwerp, "Terugbelverzoek");
	assert_string_equal(zt->handeling_initiator, "Verzoeken");
	assert_false(zt->intern);
	assert_int_equal(zt->vertrouwelijkheidaanduiding, VERTR_INTERN);
	assert_string_equal(zt->doorlooptijd.tekst, "P5D");
	assert_int_equal(zt->doorlooptijd.duur.dagen, 5);
	assert_string_equal(zt->servicenorm.tekst, "P2D");
	assert_true(duur_format(zt->servicenorm.duur, buf, sizeof buf));
	assert_string_equal(buf, "P2D");
	assert_false(zt->opschorting_mogelijk);
	assert_false(zt->verlenging_mogelijk);
	assert_null(zt->verlengingstermijn.tekst);
	assert_false(zt->heropenen_mogelijk);
	assert_false(zt->publicatie_indicatie);
	assert_true(zt->tonen_aan_initiator);
	assert_string_equal(zt->afdeling, "Klantcontactcentrum 14070");
	assert_int_equal(zt->begin_geldigheid, d("2026-01-01"));
	assert_int_equal(zt->einde_geldigheid, DATUM_ONGELDIG);
	assert_string_equal(
	        zt->verwerkingsactiviteit.id,
	        "https://register.denhaag.nl/verwerkingsactiviteiten/terugbelnotitie/v1");
	assert_string_equal(zt->verwerkingsactiviteit.bewaartermijn, "P1Y");

	assert_int_equal(zt->n_statustypen, 3);
	assert_string_equal(zt->statustypen[0].omschrijving, "Ontvangen");
	assert_true(zt->statustypen[0].informeren);
	assert_null(zt->statustypen[0].doorlooptijd.tekst);
	assert_string_equal(zt->statustypen[1].doorlooptijd.tekst, "P1D");
	assert_false(zt->statustypen[1].informeren);

	assert_int_equal(zt->n_resultaattypen, 3);
	assert_int_equal(zt->resultaattypen[0].archiefnominatie, ARCHIEF_VERNIETIGEN);
	assert_string_equal(zt->resultaattypen[0].omschrijving_generiek, "Afgehandeld");
	assert_int_equal(zt->resultaattypen[0].archiefactietermijn.duur.jaren, 1);
	assert_non_null(zaaktype_resultaattype(zt, "Niet bereikt"));
	assert_null(zaaktype_resultaattype(zt, "Toegekend"));
	assert_null(zaaktype_resultaattype(zt, NULL));

	assert_int_equal(zt->n_eigenschappen, 4);
	e = zaaktype_eigenschap(zt, "telefoonnummer");
	assert_non_null(e);
	assert_int_equal(e->formaat, FORMAAT_TEKST);
	assert_int_equal(e->lengte, 12);
	assert_true(e->verplicht);
	assert_true(e->persoonsgegeven);
	assert_string_equal(e->doel, "De inwoner terugbellen.");
	assert_non_null(e->patroon);
	assert_int_equal(regexec(&e->regex, "0701234567", 0, NULL, 0), 0);
	assert_int_equal(regexec(&e->regex, "+31701234567", 0, NULL, 0), 0);
	assert_int_not_equal(regexec(&e->regex, "070123456", 0, NULL, 0), 0);
	e = zaaktype_eigenschap(zt, "voorkeurDagdeel");
	assert_int_equal(e->n_waarden, 3);
	assert_string_equal(e->waarden[2], "geen voorkeur");
	assert_false(e->verplicht);
	assert_null(e->patroon);
	assert_null(zaaktype_eigenschap(zt, "geboortedatum"));
	assert_int_equal(zt->n_besluittypen, 0);
	assert_null(zaaktype_besluittype(zt, "Subsidiebeschikking"));

	zaaktype_free(zt);
	json_decref(doc);
}

static void
besluittypen_and_verlenging_of_subsidie(void **state)
{
	json_t *doc = laad("subsidie-sanering-verkeerslawaai.json");
	struct zaaktype *zt = parse_ok(doc);
	const struct besluittype *bt;

	(void)state;
	assert_true(zt->verlenging_mogelijk);
	assert_int_equal(zt->verlengingstermijn.duur.weken, 6);
	assert_int_equal(zt->doorlooptijd.duur.weken, 8);
	bt = zaaktype_besluittype(zt, "Subsidiebeschikking");
	assert_non_null(bt);
	assert_non_null(bt->reactietermijn.tekst);
	assert_int_equal(zaaktype_eigenschap(zt, "huisnummer")->formaat, FORMAAT_GETAL);
	zaaktype_free(zt);
	json_decref(doc);
}

static json_t *
statustype(int volgnummer, const char *omschrijving)
{
	return json_pack("{s:i, s:s, s:s, s:b, s:b, s:n}", "volgnummer", volgnummer, "omschrijving",
	                 omschrijving, "statustekst", "Tekst voor de inwoner.", "informeren", 1,
	                 "tonenAanInitiator", 1, "doorlooptijd");
}

static void
statustypen_sorted_and_looked_up(void **state)
{
	json_t *doc = laad("terugbelnotitie.json");
	struct zaaktype *zt;

	(void)state;
	json_object_set_new(doc, "statustypen",
	                    json_pack("[o, o, o, o]", statustype(30, "Klaar"),
	                              statustype(5, "Ontvangen"), statustype(20, "Beoordeeld"),
	                              statustype(10, "In behandeling")));
	zt = parse_ok(doc);
	assert_int_equal(zt->n_statustypen, 4);
	assert_int_equal(zt->statustypen[0].volgnummer, 5);
	assert_int_equal(zt->statustypen[1].volgnummer, 10);
	assert_int_equal(zt->statustypen[3].volgnummer, 30);
	assert_string_equal(zaaktype_eerste_statustype(zt)->omschrijving, "Ontvangen");
	assert_string_equal(zaaktype_eind_statustype(zt)->omschrijving, "Klaar");
	assert_true(zaaktype_is_eindstatus(zt, 30));
	assert_false(zaaktype_is_eindstatus(zt, 20));
	assert_string_equal(zaaktype_statustype(zt, 20)->omschrijving, "Beoordeeld");
	assert_null(zaaktype_statustype(zt, 15));
	assert_int_equal(zaaktype_statustype_stap(zt, 5), 1);
	assert_int_equal(zaaktype_statustype_stap(zt, 20), 3);
	assert_int_equal(zaaktype_statustype_stap(zt, 30), 4);
	assert_int_equal(zaaktype_statustype_stap(zt, 31), 0);
	zaaktype_free(zt);
	json_decref(doc);
}

static void
vertrouwelijkheid_names_and_order(void **state)
{
	static const char *const namen[] = {
	        "openbaar",      "beperkt_openbaar", "intern", "zaakvertrouwelijk",
	        "vertrouwelijk", "confidentieel",    "geheim", "zeer_geheim",
	};
	enum vertrouwelijkheid v;

	(void)state;
	for (int i = 0; i < VERTR__COUNT; i++) {
		assert_true(vertrouwelijkheid_from_name(namen[i], &v));
		assert_int_equal(v, i);
		assert_string_equal(vertrouwelijkheid_name(v), namen[i]);
	}
	assert_true(VERTR_OPENBAAR < VERTR_INTERN && VERTR_GEHEIM < VERTR_ZEER_GEHEIM);
	assert_false(vertrouwelijkheid_from_name("OPENBAAR", &v));
	assert_false(vertrouwelijkheid_from_name("topgeheim", &v));
	assert_false(vertrouwelijkheid_from_name(NULL, &v));
	assert_null(vertrouwelijkheid_name((enum vertrouwelijkheid)VERTR__COUNT));
}

/* A fresh Terugbelnotitie with one change at path obj[key] (NULL value = remove). */
static json_t *
met(const char *key, json_t *waarde)
{
	json_t *doc = laad("terugbelnotitie.json");

	if (waarde)
		json_object_set_new(doc, key, waarde);
	else
		json_object_del(doc, key);
	return doc;
}

/* The same, inside element i of an array field. */
static json_t *
met_in(const char *lijst, size_t i, const char *key, json_t *waarde)
{
	json_t *doc = laad("terugbelnotitie.json");
	json_t *el = json_array_get(json_object_get(doc, lijst), i);

	if (waarde)
		json_object_set_new(el, key, waarde);
	else
		json_object_del(el, key);
	return doc;
}

static void
refuses_missing_and_mistyped_fields(void **state)
{
	(void)state;
	weigert(met("identificatie", NULL), "identificatie: missing");
	weigert(met("identificatie", json_string("")), "identificatie");
	weigert(met("identificatie", json_string("TERUG/BEL")), "identificatie");
	weigert(met("identificatie", json_string("terugbelnotitie")), "identificatie");
	weigert(met("omschrijving", json_integer(3)), "omschrijving: must be a string");
	weigert(met("afdeling", NULL), "afdeling");
	weigert(met("tonenAanInitiator", json_string("ja")), "tonenAanInitiator");
	weigert(met("verlengingMogelijk", NULL), "verlengingMogelijk");
	weigert(met("versiedatum", json_string("2026-02-30")), "versiedatum");
	weigert(met("beginGeldigheid", json_integer(20454)), "beginGeldigheid");
	weigert(met("indicatieInternOfExtern", json_string("inkomend")), "indicatieInternOfExtern");
	weigert(met("vertrouwelijkheidaanduiding", json_string("topgeheim")),
	        "vertrouwelijkheidaanduiding");
	weigert(met("verwerkingsactiviteit", NULL), "verwerkingsactiviteit");
	weigert(met("verwerkingsactiviteit", json_string("x")), "verwerkingsactiviteit");
	weigert(met("eigenschappen", NULL), "eigenschappen: missing");
	weigert(met("besluittypen", json_object()), "besluittypen: must be an array");
	weigert(met_in("statustypen", 1, "statustekst", NULL), "statustypen[1].statustekst");
	weigert(met_in("statustypen", 0, "informeren", json_integer(1)),
	        "statustypen[0].informeren");
	weigert(met_in("resultaattypen", 2, "archiefnominatie", json_string("bewaren")),
	        "resultaattypen[2].archiefnominatie");
	weigert(met_in("eigenschappen", 3, "verplicht", NULL), "eigenschappen[3].verplicht");
	weigert(met_in("eigenschappen", 0, "formaat", json_string("bedrag")),
	        "eigenschappen[0].formaat");
}

static void
refuses_bad_terms(void **state)
{
	(void)state;
	weigert(met("doorlooptijd", json_string("PT48H")), "doorlooptijd");
	weigert(met("doorlooptijd", json_string("P0D")), "doorlooptijd: must not be zero");
	weigert(met("doorlooptijd", NULL), "doorlooptijd: missing");
	weigert(met("servicenorm", json_string("P-2D")), "servicenorm");
	weigert(met("servicenorm", json_string("P6D")), "servicenorm: longer than doorlooptijd");
	weigert(met("doorlooptijd", json_string("P101Y")), "doorlooptijd: longer than 100 years");
	weigert(met("verlengingMogelijk", json_true()), "verlengingstermijn: required");
	weigert(met("verlengingstermijn", json_string("P1W")), "verlengingstermijn: set while");
	weigert(met_in("statustypen", 2, "doorlooptijd", json_string("P1,5D")),
	        "statustypen[2].doorlooptijd");
	weigert(met_in("resultaattypen", 0, "archiefactietermijn", json_string("1 jaar")),
	        "resultaattypen[0].archiefactietermijn");
}

static void
refuses_bad_statustypen(void **state)
{
	json_t *veel = json_array();

	(void)state;
	weigert(met_in("statustypen", 1, "volgnummer", json_integer(1)),
	        "statustypen: volgnummer 1 occurs twice");
	weigert(met_in("statustypen", 1, "volgnummer", json_integer(0)),
	        "statustypen[1].volgnummer: 0 is not between 1 and 9999");
	weigert(met_in("statustypen", 2, "volgnummer", json_integer(10000)),
	        "statustypen[2].volgnummer");
	weigert(met_in("statustypen", 2, "omschrijving", json_string("Ontvangen")),
	        "statustypen: omschrijving \"Ontvangen\" occurs twice");
	weigert(met("statustypen", json_pack("[o]", statustype(1, "Enige"))), "statustypen");
	weigert(met("statustypen", json_array()), "statustypen");
	weigert(met("statustypen", json_pack("[o, i]", statustype(1, "Een"), 2)), "statustypen[1]");
	weigert(met_in("statustypen", 2, "tonenAanInitiator", json_false()), "eindstatus");
	for (int i = 1; i <= ZT_MAX_STATUSTYPEN + 1; i++) {
		char naam[16];

		snprintf(naam, sizeof naam, "Stap %d", i);
		json_array_append_new(veel, statustype(i, naam));
	}
	weigert(met("statustypen", veel), "statustypen: more than 64 entries");
}

static void
refuses_bad_eigenschappen(void **state)
{
	char lang[ZT_MAX_KORT + 2];

	(void)state;
	weigert(met_in("eigenschappen", 2, "patroon", json_string("^(0[1-9]$")),
	        "eigenschappen[2].patroon: not a POSIX extended regular expression");
	weigert(met_in("eigenschappen", 2, "patroon", json_string("")), "eigenschappen[2].patroon");
	weigert(met_in("eigenschappen", 3, "waardenverzameling",
	               json_pack("[s, s]", "ochtend", "aan het einde van de middag")),
	        "eigenschappen[3].waardenverzameling: entry 1 is longer than lengte");
	weigert(met_in("eigenschappen", 3, "waardenverzameling", json_pack("[s, i]", "ochtend", 2)),
	        "eigenschappen[3].waardenverzameling");
	weigert(met_in("eigenschappen", 3, "patroon", json_string("^[a-z]+$")),
	        "eigenschappen[3].waardenverzameling: entry 2 does not match patroon");
	weigert(met_in("eigenschappen", 0, "naam", json_string("Onderwerp")),
	        "eigenschappen[0].naam");
	weigert(met_in("eigenschappen", 0, "naam", json_string("onderwerp.vraag")),
	        "eigenschappen[0].naam");
	weigert(met_in("eigenschappen", 0, "naam", json_string("eenHeelLangeNaamVoorIets")),
	        "eigenschappen[0].naam: longer than 20");
	weigert(met_in("eigenschappen", 1, "naam", json_string("onderwerp")),
	        "eigenschappen: naam \"onderwerp\" occurs twice");
	weigert(met_in("eigenschappen", 1, "doel", json_string("")), "eigenschappen[1].doel");
	weigert(met_in("eigenschappen", 1, "grondslag", NULL), "eigenschappen[1].grondslag");
	weigert(met_in("eigenschappen", 1, "lengte", json_integer(0)), "eigenschappen[1].lengte");
	weigert(met_in("eigenschappen", 1, "lengte", json_integer(100000)),
	        "eigenschappen[1].lengte");
	/* telefoonnummer has lengte 12: no date with a time fits in that. */
	weigert(met_in("eigenschappen", 2, "formaat", json_string("datum_tijd")),
	        "eigenschappen[2].lengte: too short for formaat datum_tijd");
	memset(lang, 'x', sizeof lang - 1);
	lang[sizeof lang - 1] = '\0';
	weigert(met("omschrijving", json_string(lang)), "omschrijving: longer than 80 characters");
}

static void
lengte_counts_characters_not_bytes(void **state)
{
	char tekst[2 * ZT_MAX_KORT + 1];
	json_t *doc;
	struct zaaktype *zt;

	(void)state;
	/* 80 times "é" is 160 bytes but 80 characters: within the limit. */
	for (int i = 0; i < ZT_MAX_KORT; i++)
		memcpy(tekst + 2 * i, "\xc3\xa9", 2);
	tekst[2 * ZT_MAX_KORT] = '\0';
	assert_int_equal(tekst_lengte(tekst), ZT_MAX_KORT);
	doc = met("omschrijving", json_string(tekst));
	zt = parse_ok(doc);
	zaaktype_free(zt);
	json_decref(doc);
}

static void
refuses_bad_dates_and_verwerkingsactiviteit(void **state)
{
	json_t *doc;

	(void)state;
	weigert(met("eindeGeldigheid", json_string("2025-12-31")),
	        "eindeGeldigheid: before beginGeldigheid");
	doc = laad("terugbelnotitie.json");
	json_object_set_new(json_object_get(doc, "verwerkingsactiviteit"), "id",
	                    json_string("http://register.example/x"));
	weigert(doc, "verwerkingsactiviteit.id: must be an https URI");
	doc = laad("terugbelnotitie.json");
	json_object_del(json_object_get(doc, "verwerkingsactiviteit"), "grondslag");
	weigert(doc, "verwerkingsactiviteit.grondslag: missing");
	weigert(json_array(), "must be a JSON object");
}

static void
geldig_op_includes_both_ends(void **state)
{
	json_t *doc = met("eindeGeldigheid", json_string("2026-06-30"));
	struct zaaktype *zt = parse_ok(doc);

	(void)state;
	assert_false(zaaktype_geldig_op(zt, d("2025-12-31")));
	assert_true(zaaktype_geldig_op(zt, d("2026-01-01")));
	assert_true(zaaktype_geldig_op(zt, d("2026-06-30")));
	assert_false(zaaktype_geldig_op(zt, d("2026-07-01")));
	assert_false(zaaktype_geldig_op(zt, DATUM_ONGELDIG));
	zaaktype_free(zt);
	json_decref(doc);
}

static struct zaaktype *
versie(const char *begin, const char *einde, const char *omschrijving)
{
	json_t *doc = laad("terugbelnotitie.json");
	struct zaaktype *zt;

	json_object_set_new(doc, "beginGeldigheid", json_string(begin));
	json_object_set_new(doc, "eindeGeldigheid", einde ? json_string(einde) : json_null());
	json_object_set_new(doc, "omschrijving", json_string(omschrijving));
	zt = parse_ok(doc);
	json_decref(doc); /* the zaaktype keeps its own reference */
	return zt;
}

/* The omschrijving of the TERUGBELNOTITIE version valid on datum, or "(geen)". */
static const char *
op(const struct catalogus *cat, const char *datum)
{
	const struct zaaktype *zt = catalogus_find(cat, "TERUGBELNOTITIE", d(datum));

	return zt ? zt->omschrijving : "(geen)";
}

static void
catalogus_picks_the_version_valid_on_a_date(void **state)
{
	struct catalogus *cat = catalogus_new();
	const struct zaaktype *zt;

	(void)state;
	assert_int_equal(catalogus_put(cat, versie("2026-01-01", "2026-06-30", "v1")), 0);
	assert_int_equal(catalogus_put(cat, versie("2026-07-01", NULL, "v2")), 0);
	assert_int_equal(catalogus_aantal(cat), 2);

	assert_string_equal(op(cat, "2025-12-31"), "(geen)");
	assert_string_equal(op(cat, "2026-01-01"), "v1");
	assert_string_equal(op(cat, "2026-06-30"), "v1");
	assert_string_equal(op(cat, "2026-07-01"), "v2");
	assert_string_equal(op(cat, "2030-01-01"), "v2");
	assert_null(catalogus_find(cat, "ONBEKEND", d("2026-03-01")));
	assert_null(catalogus_find(cat, NULL, d("2026-03-01")));
	zt = catalogus_laatste(cat, "TERUGBELNOTITIE");
	assert_string_equal(zt->omschrijving, "v2");
	assert_null(catalogus_laatste(cat, "ONBEKEND"));
	catalogus_free(cat);
}

/* Overlapping versions: the one that began last wins from its first day. */
static void
catalogus_overlapping_versions(void **state)
{
	struct catalogus *cat = catalogus_new();

	(void)state;
	assert_int_equal(catalogus_put(cat, versie("2026-07-01", NULL, "v2")), 0);
	assert_int_equal(catalogus_put(cat, versie("2026-01-01", NULL, "v1")), 0);
	assert_int_equal(catalogus_put(cat, versie("2027-01-01", "2027-03-31", "v3")), 0);
	assert_string_equal(op(cat, "2026-06-30"), "v1");
	assert_string_equal(op(cat, "2026-07-01"), "v2");
	assert_string_equal(op(cat, "2027-02-01"), "v3");
	/* After v3 ends, v2 (still open-ended) applies again. */
	assert_string_equal(op(cat, "2027-04-01"), "v2");
	catalogus_free(cat);
}

/* Republishing the same identificatie + beginGeldigheid replaces; a held reference survives. */
static void
catalogus_put_replaces_same_version(void **state)
{
	struct catalogus *cat = catalogus_new();
	struct zaaktype *oud = versie("2026-01-01", NULL, "eerst");
	struct zaaktype *vast = zaaktype_ref(oud);
	json_t *ander = laad("subsidie-sanering-verkeerslawaai.json");

	(void)state;
	assert_int_equal(catalogus_put(cat, oud), 0);
	assert_int_equal(catalogus_put(cat, parse_ok(ander)), 0);
	json_decref(ander);
	assert_int_equal(catalogus_put(cat, versie("2026-01-01", NULL, "later")), 0);
	assert_int_equal(catalogus_aantal(cat), 2);
	assert_string_equal(op(cat, "2026-02-01"), "later");
	assert_non_null(catalogus_find(cat, "SUBSIDIE-SANERING-VERKEERSLAWAAI", d("2026-02-01")));
	assert_string_equal(vast->omschrijving, "eerst");
	zaaktype_free(vast);
	catalogus_free(cat);
}

static void
catalogus_is_bounded(void **state)
{
	struct catalogus *cat = catalogus_new();
	json_t *doc = laad("terugbelnotitie.json");
	struct zaaktype *basis = parse_ok(doc), *extra;

	(void)state;
	/* Many versions of one zaaktype, each a day later, sharing one parsed document. */
	for (int i = 0; i < CATALOGUS_MAX; i++) {
		struct zaaktype *zt = parse_ok(doc);

		zt->begin_geldigheid = basis->begin_geldigheid + i;
		assert_int_equal(catalogus_put(cat, zt), 0);
	}
	extra = parse_ok(doc);
	extra->begin_geldigheid = basis->begin_geldigheid + CATALOGUS_MAX;
	assert_int_equal(catalogus_put(cat, extra), -1);
	assert_int_equal(catalogus_aantal(cat), CATALOGUS_MAX);
	assert_int_equal(catalogus_find(cat, "TERUGBELNOTITIE", basis->begin_geldigheid + 100)
	                         ->begin_geldigheid,
	                 basis->begin_geldigheid + 100);
	zaaktype_free(extra);
	zaaktype_free(basis);
	catalogus_free(cat);
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(real_catalogus_files_parse),
	        cmocka_unit_test(every_field_of_terugbelnotitie),
	        cmocka_unit_test(besluittypen_and_verlenging_of_subsidie),
	        cmocka_unit_test(statustypen_sorted_and_looked_up),
	        cmocka_unit_test(vertrouwelijkheid_names_and_order),
	        cmocka_unit_test(refuses_missing_and_mistyped_fields),
	        cmocka_unit_test(refuses_bad_terms),
	        cmocka_unit_test(refuses_bad_statustypen),
	        cmocka_unit_test(refuses_bad_eigenschappen),
	        cmocka_unit_test(lengte_counts_characters_not_bytes),
	        cmocka_unit_test(refuses_bad_dates_and_verwerkingsactiviteit),
	        cmocka_unit_test(geldig_op_includes_both_ends),
	        cmocka_unit_test(catalogus_picks_the_version_valid_on_a_date),
	        cmocka_unit_test(catalogus_overlapping_versions),
	        cmocka_unit_test(catalogus_put_replaces_same_version),
	        cmocka_unit_test(catalogus_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
