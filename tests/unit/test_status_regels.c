/*
 * test_status_regels.c — the status rules as pure functions: one case per
 * refusal code (and that a refusal changes nothing), several reasons at
 * once, the route to the eindstatus and what closing sets, heropenen, going
 * back when configured, opschorting/verlenging through the rules, and every
 * fact checked against its schema in schemas/ by the real encoder. The
 * zaaktypen are the catalogus files in deploy/catalogus/ (run from the
 * repository root).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/status/regels.h"
#include "wire/schemaset.h"

#define d(s) datum_van_tekst(s)

enum { SUBSIDIE, TERUGBEL, CURATIEF, N_ZAAKTYPEN };

static const char *const bestanden[N_ZAAKTYPEN] = {
        "deploy/catalogus/subsidie-sanering-verkeerslawaai.json",
        "deploy/catalogus/terugbelnotitie.json",
        "deploy/catalogus/curatieve-klantreis.json",
};

static struct zaaktype *zaaktypen[N_ZAAKTYPEN];
static struct schemaset *schemas;
static const struct regels_instellingen streng = {.terugzetten_toegestaan = false};
static const struct regels_instellingen soepel = {.terugzetten_toegestaan = true};

#define INITIATOR   "999991772"
#define GEMACHTIGDE "999990019"
#define MEDEWERKER  "999998456"

static int
setup(void **state)
{
	char err[256];

	(void)state;
	for (int i = 0; i < N_ZAAKTYPEN; i++) {
		json_error_t je;
		json_t *doc = json_load_file(bestanden[i], JSON_REJECT_DUPLICATES, &je);
		if (!doc || zaaktype_from_json(doc, &zaaktypen[i], err, sizeof err) != 0) {
			print_error("%s: %s\n", bestanden[i], doc ? err : je.text);
			return -1;
		}
		json_decref(doc);
	}
	schemas = schemaset_load("schemas", err, sizeof err);
	return schemas ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	for (int i = 0; i < N_ZAAKTYPEN; i++)
		zaaktype_free(zaaktypen[i]);
	schemaset_free(schemas);
	return 0;
}

/* A zaak right after its registration on 2 March 2026: status 1, the
 * zaaktype's deadlines, an initiator and a gemachtigde. */
static struct zaak_toestand
zaak(int zt)
{
	const struct zaaktype *t = zaaktypen[zt];
	int32_t start = d("2026-03-02");
	struct zaak_toestand z;

	memset(&z, 0, sizeof(z));
	snprintf(z.uuid, sizeof(z.uuid), "0b5e2f4c-8d1a-4c3e-9f7a-2b6d8e1c4a90");
	snprintf(z.identificatie, sizeof(z.identificatie), "ZAAK-2026-0000000042");
	z.zt = t;
	z.status = zaaktype_eerste_statustype(t)->volgnummer;
	z.einddatum = z.archiefactiedatum = DATUM_ONGELDIG;
	z.termijnen.einddatum_gepland =
	        t->servicenorm.tekst ? datum_plus_duur(start, t->servicenorm.duur) : DATUM_ONGELDIG;
	z.termijnen.uiterlijke_einddatum_afdoening = datum_plus_duur(start, t->doorlooptijd.duur);
	z.termijnen.opgeschort_sinds = DATUM_ONGELDIG;
	zaak_toestand_bsn(&z, INITIATOR);
	zaak_toestand_bsn(&z, GEMACHTIGDE);
	return z;
}

/* An opdracht from JSON text with the common fields filled in; the document
 * lives in *doc (decref it). */
static struct opdracht
opd(const char *record, const char *velden, json_t **doc)
{
	char tekst[4096];
	json_error_t je;
	struct opdracht o;
	char err[64];

	snprintf(
	        tekst, sizeof(tekst),
	        "{\"opdrachtId\": \"7d3c1b9e-2f4a-4e6b-8c1d-5a9f0e2b7c31\","
	        " \"zaak\": \"0b5e2f4c-8d1a-4c3e-9f7a-2b6d8e1c4a90\","
	        " \"actor\": {\"medewerkerIdentificatie\": \"mw-0042\", \"naam\": \"A. de Behandelaar\","
	        "  \"bsn\": \"" MEDEWERKER "\", \"applicatie\": \"gzac\"},"
	        " \"gegevenOp\": \"2026-03-20T10:00:00.000Z\"%s%s}",
	        velden[0] ? ", " : "", velden);
	*doc = json_loads(tekst, 0, &je);
	if (!*doc)
		fail_msg("%s: %s", tekst, je.text);
	if (!opdracht_van_json(&o, (enum opdracht_soort)opdracht_soort_from_record(record), *doc,
	                       err, sizeof err))
		fail_msg("%s: %s", record, err);
	return o;
}

static void
assert_past_schema(const char *record, json_t *data)
{
	const struct schema_entry *e = schemaset_latest(schemas, record);
	void *buf = NULL;
	size_t len = 0;
	char err[256];

	assert_non_null(e);
	if (schemaset_encode(e, data, &buf, &len, err, sizeof err) != 0) {
		char *t = json_dumps(data, JSON_INDENT(1));
		print_message("%s\n", t);
		free(t);
		fail_msg("%s does not fit its schema: %s", record, err);
	}
	free(buf);
}

/* Judges and, when allowed, carries out; every fact is checked against its
 * schema. Returns the facts (free them) or the reasons. */
static bool
verwerk(struct zaak_toestand *z, const char *record, const char *velden,
        const struct regels_instellingen *inst, struct redenen *r, struct feiten *f)
{
	json_t *doc;
	struct opdracht o = opd(record, velden, &doc);
	bool ok = opdracht_verwerk(z, &o, inst, r, f);

	for (int i = 0; i < f->n; i++)
		assert_past_schema(f->f[i].record, f->f[i].data);
	if (ok) {
		json_t *u = opdracht_uitgevoerd_json(&o, 0);
		assert_past_schema("OpdrachtUitgevoerd", u);
		json_decref(u);
	} else {
		json_t *g = opdracht_geweigerd_json(o.id, o.zaak, record, 0, r);
		assert_past_schema("OpdrachtGeweigerd", g);
		json_decref(g);
	}
	json_decref(doc);
	return ok;
}

/* Carries out, failing the test when refused. */
static void
doe(struct zaak_toestand *z, const char *record, const char *velden, struct feiten *f)
{
	struct redenen r;

	if (!verwerk(z, record, velden, &soepel, &r, f))
		fail_msg("%s refused: %s", record, r.n ? r.r[0].code : "?");
}

static void
doe_stil(struct zaak_toestand *z, const char *record, const char *velden)
{
	struct feiten f = {0};
	doe(z, record, velden, &f);
	feiten_free(&f);
}

/* One refusal case: the opdracht, the zaak it meets, the reason it gets. */
struct geval {
	const char *naam;
	int zaaktype;
	void (*voorbereid)(struct zaak_toestand *z);
	const char *record, *velden;
	const char *code, *veld; /* veld NULL: not about one field */
};

static void
opgeschort(struct zaak_toestand *z)
{
	doe_stil(z, "ZaakOpschorten", "\"reden\": \"Wacht op rapport\"");
}

static void
afgesloten(struct zaak_toestand *z)
{
	doe_stil(z, "ResultaatVastleggen", "\"resultaattype\": \"Toegekend\"");
	doe_stil(z, "StatusZetten", "\"volgnummer\": 5");
}

static void
verlengd(struct zaak_toestand *z)
{
	doe_stil(z, "ZaakVerlengen", "\"reden\": \"Advies\", \"duur\": \"P1W\"");
}

static void
op_status_3(struct zaak_toestand *z)
{
	doe_stil(z, "StatusZetten", "\"volgnummer\": 3");
}

static void
zonder_zaaktype(struct zaak_toestand *z)
{
	z->zt = NULL;
}

static void
veel_betrokkenen(struct zaak_toestand *z)
{
	char bsn[10];
	for (int i = 0; i <= ZAAK_MAX_BSN; i++) {
		snprintf(bsn, sizeof(bsn), "1000000%02d", i);
		zaak_toestand_bsn(z, bsn);
	}
}

static const struct geval gevallen[] = {
        {"the initiator handles their own zaak", SUBSIDIE, NULL, "StatusZetten",
         "\"volgnummer\": 2, \"actor\": {\"medewerkerIdentificatie\": \"mw-1\", \"bsn\": \"" INITIATOR
         "\", \"applicatie\": \"gzac\"}",
         "actor.eigen_zaak", "actor"},
        {"the gemachtigde handles the zaak", SUBSIDIE, NULL, "ZaakOpschorten",
         "\"reden\": \"x\", \"actor\": {\"medewerkerIdentificatie\": \"mw-1\", \"bsn\": \"" GEMACHTIGDE
         "\", \"applicatie\": \"gzac\"}",
         "actor.eigen_zaak", "actor"},
        {"too many betrokkenen to be sure", SUBSIDIE, veel_betrokkenen, "StatusZetten",
         "\"volgnummer\": 2", "actor.eigen_zaak", "actor"},
        {"zaaktype not in the catalogus", SUBSIDIE, zonder_zaaktype, "StatusZetten",
         "\"volgnummer\": 2", "zaaktype.onbekend", NULL},
        {"closed zaak", SUBSIDIE, afgesloten, "StatusZetten", "\"volgnummer\": 2",
         "zaak.afgesloten", NULL},
        {"statustype of another zaaktype", SUBSIDIE, NULL, "StatusZetten", "\"volgnummer\": 6",
         "status.onbekend", "volgnummer"},
        {"current status again", SUBSIDIE, NULL, "StatusZetten", "\"volgnummer\": 1",
         "status.al_gezet", "volgnummer"},
        {"going back, not configured", SUBSIDIE, op_status_3, "StatusZetten",
         "\"volgnummer\": 2, \"terugzettenReden\": \"Vergist\"",
         "status.terugzetten_niet_toegestaan", "volgnummer"},
        {"eindstatus without resultaat", SUBSIDIE, NULL, "StatusZetten", "\"volgnummer\": 5",
         "status.resultaat_ontbreekt", "volgnummer"},
        {"eindstatus while suspended", SUBSIDIE, opgeschort, "StatusZetten", "\"volgnummer\": 5",
         "zaak.opgeschort", "volgnummer"},
        {"text too long", SUBSIDIE, NULL, "ZaakOpschorten",
         "\"reden\": \"" /* 201 characters */
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         "xxxxxxxxxxxxx\"",
         "opdracht.te_lang", "reden"},
        {"resultaattype of another zaaktype", SUBSIDIE, NULL, "ResultaatVastleggen",
         "\"resultaattype\": \"Beantwoord\"", "resultaat.onbekend", "resultaattype"},
        {"opschorten not allowed", TERUGBEL, NULL, "ZaakOpschorten", "\"reden\": \"Wacht\"",
         "opschorting.niet_toegestaan", NULL},
        {"opschorten twice", SUBSIDIE, opgeschort, "ZaakOpschorten", "\"reden\": \"Nog eens\"",
         "opschorting.al_opgeschort", NULL},
        {"opschorten without a reason", SUBSIDIE, NULL, "ZaakOpschorten", "\"reden\": \" \\t\"",
         "opschorting.reden_ontbreekt", "reden"},
        {"hervatten what runs", SUBSIDIE, NULL, "ZaakHervatten", "", "hervatting.niet_opgeschort",
         NULL},
        {"verlengen not allowed", CURATIEF, NULL, "ZaakVerlengen",
         "\"reden\": \"Druk\", \"duur\": \"P1W\"", "verlenging.niet_toegestaan", NULL},
        {"verlengen twice", SUBSIDIE, verlengd, "ZaakVerlengen",
         "\"reden\": \"Nog eens\", \"duur\": \"P1W\"", "verlenging.al_verlengd", NULL},
        {"verlengen without a reason", SUBSIDIE, NULL, "ZaakVerlengen",
         "\"reden\": \"\", \"duur\": \"P1W\"", "verlenging.reden_ontbreekt", "reden"},
        {"verlengen by a time of day", SUBSIDIE, NULL, "ZaakVerlengen",
         "\"reden\": \"Advies\", \"duur\": \"PT5H\"", "verlenging.duur_ongeldig", "duur"},
        {"verlengen by nothing", SUBSIDIE, NULL, "ZaakVerlengen",
         "\"reden\": \"Advies\", \"duur\": \"P0D\"", "verlenging.duur_ongeldig", "duur"},
        {"verlengen past the verlengingstermijn", SUBSIDIE, NULL, "ZaakVerlengen",
         "\"reden\": \"Advies\", \"duur\": \"P43D\"", "verlenging.te_lang", "duur"},
        {"besluittype of another zaaktype", SUBSIDIE, NULL, "BesluitVastleggen",
         "\"besluittype\": \"Beschikking schuldhulpverlening\", \"datum\": \"2026-03-20\","
         " \"ingangsdatum\": \"2026-03-21\"",
         "besluit.onbekend", "besluittype"},
        {"besluit ends before it starts", SUBSIDIE, NULL, "BesluitVastleggen",
         "\"besluittype\": \"Subsidiebeschikking\", \"datum\": \"2026-03-20\","
         " \"ingangsdatum\": \"2026-03-21\", \"vervaldatum\": \"2026-03-01\"",
         "besluit.datum_ongeldig", "vervaldatum"},
        {"besluit without a date", SUBSIDIE, NULL, "BesluitVastleggen",
         "\"besluittype\": \"Subsidiebeschikking\", \"datum\": \"2026-02-30\","
         " \"ingangsdatum\": \"2026-03-21\"",
         "besluit.datum_ongeldig", "datum"},
        {"heropenen what is open", CURATIEF, NULL, "ZaakHeropenen", "\"reden\": \"Fout\"",
         "heropenen.niet_afgesloten", NULL},
        {"heropenen not allowed", SUBSIDIE, afgesloten, "ZaakHeropenen", "\"reden\": \"Fout\"",
         "heropenen.niet_toegestaan", NULL},
        {"heropenen without a reason", CURATIEF, NULL, "ZaakHeropenen", "\"reden\": \"\"",
         "heropenen.reden_ontbreekt", "reden"},
};

static void
afgesloten_curatief(struct zaak_toestand *z)
{
	doe_stil(z, "ResultaatVastleggen", "\"resultaattype\": \"Doorverwezen\"");
	doe_stil(z, "StatusZetten", "\"volgnummer\": 5");
}

static void
every_refusal_code_has_its_case_and_changes_nothing(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(gevallen) / sizeof(gevallen[0]); i++) {
		const struct geval *g = &gevallen[i];
		struct zaak_toestand z = zaak(g->zaaktype), voor;
		struct redenen r;
		struct feiten f = {0};

		/* The curatieve klantreis closes with its own resultaattypen. */
		if (g->voorbereid == afgesloten && g->zaaktype == CURATIEF)
			afgesloten_curatief(&z);
		else if (g->voorbereid)
			g->voorbereid(&z);
		memcpy(&voor, &z, sizeof(z));
		if (verwerk(&z, g->record, g->velden, &streng, &r, &f))
			fail_msg("%s: carried out", g->naam);
		if (!redenen_heeft(&r, g->code, g->veld))
			fail_msg("%s: no %s (%s); first reason: %s (%s)", g->naam, g->code,
			         g->veld ? g->veld : "-", r.r[0].code, r.r[0].veld);
		assert_int_equal(f.n, 0);
		if (memcmp(&voor, &z, sizeof(z)) != 0)
			fail_msg("%s: the refusal changed the zaak", g->naam);
		for (size_t k = 0; k < r.n; k++) {
			assert_true(strlen(r.r[k].tekst) > 10);
			assert_null(strstr(r.r[k].tekst, INITIATOR));
			assert_null(strstr(r.r[k].tekst, MEDEWERKER));
		}
	}
}

static void
the_own_zaak_refusal_says_nothing_else(void **state)
{
	struct zaak_toestand z = zaak(SUBSIDIE);
	struct redenen r;
	struct feiten f = {0};

	(void)state;
	afgesloten(&z);
	assert_false(verwerk(&z, "StatusZetten",
	                     "\"volgnummer\": 9, \"actor\": {\"medewerkerIdentificatie\": \"mw-1\","
	                     " \"bsn\": \"" INITIATOR "\", \"applicatie\": \"gzac\"}",
	                     &streng, &r, &f));
	assert_int_equal(r.n, 1);
	assert_string_equal(r.r[0].code, "actor.eigen_zaak");
	/* Without a BSN from the identity provider the rule has nothing to compare. */
	z = zaak(SUBSIDIE);
	assert_true(verwerk(&z, "StatusZetten",
	                    "\"volgnummer\": 2, \"actor\": {\"medewerkerIdentificatie\": \"mw-1\","
	                    " \"bsn\": null, \"applicatie\": \"gzac\"}",
	                    &streng, &r, &f));
	feiten_free(&f);
}

static void
every_reason_is_given_at_once(void **state)
{
	struct zaak_toestand z = zaak(SUBSIDIE);
	struct redenen r;
	struct feiten f = {0};

	(void)state;
	verlengd(&z);
	assert_false(verwerk(&z, "ZaakVerlengen", "\"reden\": \"\", \"duur\": \"P9W\"", &streng, &r,
	                     &f));
	assert_true(redenen_heeft(&r, "verlenging.al_verlengd", NULL));
	assert_true(redenen_heeft(&r, "verlenging.reden_ontbreekt", "reden"));
	assert_true(redenen_heeft(&r, "verlenging.te_lang", "duur"));
	assert_int_equal(r.n, 3);
}

static void
an_unreadable_opdracht_names_the_field(void **state)
{
	static const struct {
		const char *doc, *veld;
	} gevallen_json[] = {
	        {"{\"zaak\": \"0b5e2f4c-8d1a-4c3e-9f7a-2b6d8e1c4a90\", \"actor\": {\"medewerkerIdentificatie\":"
	         " \"m\", \"applicatie\": \"a\"}, \"gegevenOp\": \"2026-03-20T10:00:00Z\"}",
	         "opdrachtId"},
	        {"{\"opdrachtId\": \"1\", \"zaak\": \"ZAAK-2026-1\", \"actor\": {\"medewerkerIdentificatie\":"
	         " \"m\", \"applicatie\": \"a\"}, \"gegevenOp\": \"2026-03-20T10:00:00Z\"}",
	         "zaak"},
	        {"{\"opdrachtId\": \"1\", \"zaak\": \"0b5e2f4c-8d1a-4c3e-9f7a-2b6d8e1c4a90\","
	         " \"gegevenOp\": \"2026-03-20T10:00:00Z\"}",
	         "actor"},
	        {"{\"opdrachtId\": \"1\", \"zaak\": \"0b5e2f4c-8d1a-4c3e-9f7a-2b6d8e1c4a90\", \"actor\":"
	         " {\"medewerkerIdentificatie\": \"m\", \"applicatie\": \"a\"}, \"gegevenOp\": \"gisteren\"}",
	         "gegevenOp"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(gevallen_json) / sizeof(gevallen_json[0]); i++) {
		json_t *doc = json_loads(gevallen_json[i].doc, 0, NULL);
		struct opdracht o;
		char err[64];

		assert_non_null(doc);
		assert_false(opdracht_van_json(&o, OPDRACHT_STATUS_ZETTEN, doc, err, sizeof err));
		assert_string_equal(err, gevallen_json[i].veld);
		json_decref(doc);
	}
	assert_int_equal(opdracht_soort_from_record("StatusGezet"), -1);
	assert_string_equal(opdracht_record(OPDRACHT_ZAAK_HEROPENEN), "ZaakHeropenen");
}

/* The value at "a.b" in o. */
static json_t *
veld(json_t *o, const char *pad)
{
	char deel[64];
	const char *punt = strchr(pad, '.');

	if (punt) {
		snprintf(deel, sizeof deel, "%.*s", (int)(punt - pad), pad);
		o = json_object_get(o, deel);
		pad = punt + 1;
	}
	return json_object_get(o, pad);
}

static const char *
s(json_t *o, const char *pad)
{
	return json_string_value(veld(o, pad));
}

static json_int_t
i(json_t *o, const char *pad)
{
	return json_integer_value(veld(o, pad));
}

static void
a_zaak_walks_to_its_eindstatus_and_closing_sets_einddatum_and_archive(void **state)
{
	struct zaak_toestand z = zaak(SUBSIDIE);
	struct feiten f = {0};
	json_t *g;

	(void)state;
	doe(&z, "StatusZetten", "\"volgnummer\": 3, \"statustoelichting\": \"We wachten op u.\"",
	    &f);
	assert_int_equal(f.n, 1);
	g = f.f[0].data;
	assert_string_equal(f.f[0].record, "StatusGezet");
	assert_int_equal(i(g, "status.volgnummer"), 3);
	assert_string_equal(s(g, "status.omschrijving"), "Aanvullende informatie gevraagd");
	assert_int_equal(i(g, "status.stap"), 3);
	assert_int_equal(i(g, "status.aantalStappen"), 5);
	assert_true(json_is_true(json_object_get(json_object_get(g, "status"), "informeren")));
	assert_true(json_is_false(json_object_get(json_object_get(g, "status"), "isEindstatus")));
	assert_string_equal(s(g, "status.datumStatusGezet"), "2026-03-20T10:00:00.000Z");
	assert_int_equal(i(g, "vorigeVolgnummer"), 1);
	assert_string_equal(s(g, "statustoelichting"), "We wachten op u.");
	assert_string_equal(s(g, "termijnen.einddatumGepland"), "2026-04-13");
	assert_string_equal(s(g, "termijnen.uiterlijkeEinddatumAfdoening"), "2026-04-27");
	assert_true(json_is_true(json_object_get(json_object_get(g, "termijnen"), "opTijd")));
	assert_string_equal(s(g, "actor.medewerkerIdentificatie"), "mw-0042");
	assert_null(json_object_get(json_object_get(g, "actor"), "bsn"));
	assert_string_equal(s(g, "zaak"), z.uuid);
	assert_string_equal(s(g, "identificatie"), "ZAAK-2026-0000000042");
	feiten_free(&f);

	doe(&z, "ResultaatVastleggen", "\"resultaattype\": \"Afgewezen\"", &f);
	assert_string_equal(f.f[0].record, "ResultaatVastgesteld");
	feiten_free(&f);
	/* A later resultaat replaces the earlier one. */
	doe(&z, "ResultaatVastleggen",
	    "\"resultaattype\": \"Toegekend\", \"toelichting\": \"Alles\"", &f);
	assert_string_equal(s(f.f[0].data, "archiefnominatie"), "vernietigen");
	assert_string_equal(s(f.f[0].data, "archiefactietermijn"), "P10Y");
	feiten_free(&f);

	/* Skipping a status forward is fine; the eindstatus closes. */
	doe(&z, "StatusZetten", "\"volgnummer\": 5, \"gegevenOp\": \"2026-04-30T22:30:00.000Z\"",
	    &f);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.f[0].record, "StatusGezet");
	assert_true(json_is_true(
	        json_object_get(json_object_get(f.f[0].data, "status"), "isEindstatus")));
	assert_string_equal(f.f[1].record, "ZaakAfgesloten");
	/* 22:30 UTC on 30 April is 1 May in the Netherlands. */
	assert_string_equal(s(f.f[1].data, "einddatum"), "2026-05-01");
	assert_string_equal(s(f.f[1].data, "resultaat"), "Toegekend");
	assert_string_equal(s(f.f[1].data, "archiefactiedatum"), "2036-05-01");
	/* Closed after the legal deadline: not on time. */
	assert_true(json_is_false(
	        json_object_get(json_object_get(f.f[1].data, "termijnen"), "opTijd")));
	assert_true(z.afgesloten);
	assert_int_equal(z.einddatum, d("2026-05-01"));
	feiten_free(&f);
}

static void
a_reopened_zaak_may_go_back_and_close_again(void **state)
{
	struct zaak_toestand z = zaak(CURATIEF);
	struct redenen r;
	struct feiten f = {0};

	(void)state;
	afgesloten_curatief(&z);
	doe(&z, "ZaakHeropenen", "\"reden\": \"Nieuwe schulden gemeld\"", &f);
	assert_string_equal(f.f[0].record, "ZaakHeropend");
	assert_false(z.afgesloten);
	assert_int_equal(z.einddatum, DATUM_ONGELDIG);
	assert_string_equal(z.resultaat, "");
	feiten_free(&f);
	/* The resultaat went with the closing: the eindstatus needs a new one. */
	assert_false(verwerk(&z, "StatusZetten", "\"volgnummer\": 5", &streng, &r, &f));
	assert_true(redenen_heeft(&r, "status.resultaat_ontbreekt", "volgnummer"));
	assert_true(verwerk(&z, "StatusZetten", "\"volgnummer\": 2", &streng, &r, &f));
	assert_int_equal(i(f.f[0].data, "vorigeVolgnummer"), 5);
	feiten_free(&f);
	/* One step back was the reopening's; the next needs the configuration. */
	assert_false(verwerk(&z, "StatusZetten", "\"volgnummer\": 1", &streng, &r, &f));
	assert_true(redenen_heeft(&r, "status.terugzetten_niet_toegestaan", "volgnummer"));
}

static void
going_back_when_configured_needs_a_reason_and_says_it(void **state)
{
	struct zaak_toestand z = zaak(SUBSIDIE);
	struct redenen r;
	struct feiten f = {0};

	(void)state;
	op_status_3(&z);
	assert_false(verwerk(&z, "StatusZetten", "\"volgnummer\": 2", &soepel, &r, &f));
	assert_true(redenen_heeft(&r, "status.reden_ontbreekt", "terugzettenReden"));
	assert_true(verwerk(&z, "StatusZetten",
	                    "\"volgnummer\": 2, \"terugzettenReden\": \"Stukken ontbreken\"",
	                    &soepel, &r, &f));
	assert_string_equal(s(f.f[0].data, "terugzettenReden"), "Stukken ontbreken");
	assert_int_equal(z.status, 2);
	feiten_free(&f);
	/* Forward again: no reason carried along. */
	doe(&z, "StatusZetten", "\"volgnummer\": 4, \"terugzettenReden\": \"genegeerd\"", &f);
	assert_true(json_is_null(json_object_get(f.f[0].data, "terugzettenReden")));
	feiten_free(&f);
}

static void
opschorten_hervatten_verlengen_through_the_rules(void **state)
{
	struct zaak_toestand z = zaak(SUBSIDIE);
	struct feiten f = {0};

	(void)state;
	doe(&z, "ZaakOpschorten",
	    "\"reden\": \"Wacht op geluidsrapport\", \"gegevenOp\": \"2026-03-09T23:30:00.000Z\"",
	    &f);
	assert_string_equal(s(f.f[0].data, "per"), "2026-03-10"); /* Dutch date */
	assert_true(json_is_true(
	        json_object_get(json_object_get(f.f[0].data, "termijnen"), "opgeschort")));
	feiten_free(&f);
	/* While suspended a status may be set, just not the eindstatus. */
	doe(&z, "StatusZetten", "\"volgnummer\": 3", &f);
	feiten_free(&f);
	doe(&z, "ZaakHervatten", "\"gegevenOp\": \"2026-03-17T08:00:00.000Z\"", &f);
	assert_int_equal(i(f.f[0].data, "opgeschorteDagen"), 7);
	assert_string_equal(s(f.f[0].data, "termijnen.uiterlijkeEinddatumAfdoening"), "2026-05-04");
	assert_string_equal(s(f.f[0].data, "termijnen.einddatumGepland"), "2026-04-20");
	feiten_free(&f);
	doe(&z, "ZaakVerlengen", "\"reden\": \"Advies van de GGD\", \"duur\": \"P6W\"", &f);
	assert_int_equal(i(f.f[0].data, "verlengingDagen"), 42);
	assert_string_equal(s(f.f[0].data, "termijnen.uiterlijkeEinddatumAfdoening"), "2026-06-15");
	assert_string_equal(s(f.f[0].data, "termijnen.einddatumGepland"), "2026-06-01");
	assert_true(json_is_true(
	        json_object_get(json_object_get(f.f[0].data, "termijnen"), "verlengd")));
	feiten_free(&f);
}

static void
a_besluit_gets_a_stable_id_and_its_bezwaar_date(void **state)
{
	struct zaak_toestand z = zaak(SUBSIDIE), z2 = zaak(SUBSIDIE);
	const char *velden = "\"besluittype\": \"Subsidiebeschikking\", \"datum\": \"2026-03-20\","
	                     " \"ingangsdatum\": \"2026-03-21\"";
	struct feiten f = {0}, f2 = {0};

	(void)state;
	doe(&z, "BesluitVastleggen", velden, &f);
	doe(&z2, "BesluitVastleggen", velden, &f2);
	assert_string_equal(f.f[0].record, "BesluitGenomen");
	assert_true(uuid_valid(s(f.f[0].data, "besluit")));
	/* The same opdracht, the same facts: replay gives the same history. */
	assert_true(json_equal(f.f[0].data, f2.f[0].data));
	assert_string_equal(s(f.f[0].data, "uiterlijkeReactiedatum"), "2026-05-01"); /* + P6W */
	assert_string_equal(s(f.f[0].data, "besluitIdentificatie"), "BESLUIT-2026-0000000042-1");
	assert_true(json_is_null(json_object_get(f.f[0].data, "vervaldatum")));
	feiten_free(&f);
	feiten_free(&f2);
	doe(&z, "BesluitVastleggen",
	    "\"besluittype\": \"Subsidiebeschikking\", \"datum\": \"2026-03-22\","
	    " \"ingangsdatum\": \"2026-03-22\", \"identificatie\": \"BS-77\"",
	    &f);
	assert_string_equal(s(f.f[0].data, "besluitIdentificatie"), "BS-77");
	assert_int_equal(z.n_besluiten, 2);
	feiten_free(&f);
}

static void
registration_gives_the_state_the_rules_need(void **state)
{
	const char *tekst =
	        "{\"uuid\": \"0B5E2F4C-8D1A-4C3E-9F7A-2B6D8E1C4A90\", \"identificatie\": \"ZAAK-2026-0000000001\","
	        " \"einddatumGepland\": null, \"uiterlijkeEinddatumAfdoening\": \"2026-03-07\","
	        " \"status\": {\"volgnummer\": 1},"
	        " \"rollen\": [{\"betrokkene\": {\"inpBsn\": \"" INITIATOR "\"}},"
	        "  {\"betrokkene\": {\"kvkNummer\": \"68750110\"}},"
	        "  {\"betrokkene\": {\"inpBsn\": \"" INITIATOR "\"}}]}";
	json_t *doc = json_loads(tekst, 0, NULL);
	struct zaak_toestand z;
	char err[128];

	(void)state;
	assert_true(zaak_toestand_van_registratie(&z, doc, zaaktypen[TERUGBEL], err, sizeof err));
	assert_int_equal(z.status, 1);
	assert_int_equal(z.n_bsn, 1);
	assert_int_equal(z.termijnen.einddatum_gepland, DATUM_ONGELDIG);
	assert_int_equal(z.termijnen.uiterlijke_einddatum_afdoening, d("2026-03-07"));
	assert_false(z.afgesloten);
	json_object_set_new(doc, "uuid", json_string("geen-uuid"));
	assert_false(zaak_toestand_van_registratie(&z, doc, zaaktypen[TERUGBEL], err, sizeof err));
	json_decref(doc);
}

static void
termijn_bewaking_fits_its_schema(void **state)
{
	struct zaak_toestand z = zaak(SUBSIDIE);
	struct termijn_taak tk[TERMIJN_TAKEN_MAX];
	int n = termijn_taken(&z.termijnen, false, 5, tk);

	(void)state;
	assert_int_equal(n, 4);
	for (int k = 0; k < n; k++) {
		json_t *f = termijn_bewaking_json(&z, &tk[k], tk[k].wanneer, 1774000000000LL);
		assert_past_schema("TermijnBewaking", f);
		assert_true(json_is_null(json_object_get(f, "opdrachtId")));
		json_decref(f);
	}
	json_t *f = termijn_bewaking_json(&z, &tk[1], d("2026-04-20"), 0);
	assert_string_equal(s(f, "fase"), "overschreden");
	assert_int_equal(i(f, "dagenResterend"), -7);
	json_decref(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(every_refusal_code_has_its_case_and_changes_nothing),
	        cmocka_unit_test(the_own_zaak_refusal_says_nothing_else),
	        cmocka_unit_test(every_reason_is_given_at_once),
	        cmocka_unit_test(an_unreadable_opdracht_names_the_field),
	        cmocka_unit_test(
	                a_zaak_walks_to_its_eindstatus_and_closing_sets_einddatum_and_archive),
	        cmocka_unit_test(a_reopened_zaak_may_go_back_and_close_again),
	        cmocka_unit_test(going_back_when_configured_needs_a_reason_and_says_it),
	        cmocka_unit_test(opschorten_hervatten_verlengen_through_the_rules),
	        cmocka_unit_test(a_besluit_gets_a_stable_id_and_its_bezwaar_date),
	        cmocka_unit_test(registration_gives_the_state_the_rules_need),
	        cmocka_unit_test(termijn_bewaking_fits_its_schema),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
