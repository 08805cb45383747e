/*
 * test_inzage.c — the inzage daemon's pure parts: the AVG term of a request
 * (one calendar month, month ends, leap years), the extension rules and their
 * refusals, which deadline warning is due, and the overview and art. 15
 * report assembled from a register (nothing of anyone else, every piece with
 * purpose and source, HTML escaped).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/inzage/rapport.h"
#include "../../services/inzage/termijn.h"
#include "core/datum.h"
#include "policy_fixture.h"

static int32_t
d(const char *s)
{
	int32_t v = datum_van_tekst(s);
	assert_int_not_equal(v, DATUM_ONGELDIG);
	return v;
}

static void
assert_datum(int32_t v, const char *verwacht)
{
	char buf[DATUM_TEKST];
	assert_true(datum_format(v, buf, sizeof(buf)));
	assert_string_equal(buf, verwacht);
}

static void
term_is_one_calendar_month_with_month_end_clamp(void **state)
{
	static const char *const gevallen[][3] = {
	        /* received, deadline, latest extension */
	        {"2026-01-31", "2026-02-28", "2026-04-30"},
	        {"2028-01-31", "2028-02-29", "2028-04-30"},
	        {"2026-01-15", "2026-02-15", "2026-04-15"},
	        {"2026-03-31", "2026-04-30", "2026-06-30"},
	        {"2026-12-31", "2027-01-31", "2027-03-31"},
	        {"2026-11-30", "2026-12-30", "2027-02-28"},
	        {"2027-11-30", "2027-12-30", "2028-02-29"},
	        {"2100-01-29", "2100-02-28", "2100-04-29"},
	        {"2000-01-30", "2000-02-29", "2000-04-30"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(gevallen) / sizeof(gevallen[0]); i++) {
		struct inzage_termijn t;
		assert_true(termijn_start(d(gevallen[i][0]), &t));
		assert_datum(t.uiterste, gevallen[i][1]);
		assert_datum(t.oorspronkelijk, gevallen[i][1]);
		assert_datum(t.verlengbaar_tot, gevallen[i][2]);
		assert_false(t.verlengd);
	}
}

static void
answer_within_term_includes_the_last_day(void **state)
{
	struct inzage_termijn t;
	(void)state;
	termijn_start(d("2026-01-31"), &t);
	assert_true(termijn_binnen(&t, d("2026-02-28")));
	assert_false(termijn_binnen(&t, d("2026-03-01")));
	assert_false(termijn_binnen(&t, DATUM_ONGELDIG));
}

static struct redenen
verleng(struct inzage_termijn *t, bool afgehandeld, const char *vandaag, const char *nieuwe,
        const char *reden, bool *ok)
{
	struct redenen r;
	redenen_init(&r, "te_veel", "te veel");
	*ok = termijn_verleng(t, afgehandeld, d(vandaag),
	                      nieuwe ? datum_van_tekst(nieuwe) : DATUM_ONGELDIG, reden, &r);
	return r;
}

static void
extension_once_within_first_month_with_reason_at_most_two_months(void **state)
{
	struct inzage_termijn t;
	struct redenen r;
	bool ok;
	(void)state;

	termijn_start(d("2026-01-31"), &t);
	r = verleng(&t, false, "2026-02-10", "2026-04-30", "Veel zaken in drie systemen", &ok);
	assert_true(ok);
	assert_int_equal(r.n, 0);
	assert_true(t.verlengd);
	assert_datum(t.uiterste, "2026-04-30");
	assert_datum(t.oorspronkelijk, "2026-02-28");
	/* A second one, however well reasoned, is refused and changes nothing. */
	r = verleng(&t, false, "2026-02-11", "2026-04-30", "nog meer", &ok);
	assert_false(ok);
	assert_true(redenen_heeft(&r, "verlenging.herhaald", NULL));
	assert_datum(t.uiterste, "2026-04-30");
}

static void
extension_refusals_name_their_field(void **state)
{
	struct inzage_termijn t;
	struct redenen r;
	bool ok;
	(void)state;

	termijn_start(d("2026-01-31"), &t);
	/* On the last day of the first month it is still allowed... */
	r = verleng(&t, false, "2026-02-28", "2026-03-31", "drukte", &ok);
	assert_true(ok);

	/* ...the day after, no longer. */
	termijn_start(d("2026-01-31"), &t);
	r = verleng(&t, false, "2026-03-01", "2026-03-31", "drukte", &ok);
	assert_false(ok);
	assert_true(redenen_heeft(&r, "verlenging.te_laat", "nieuweUitersteDatum"));
	assert_datum(t.uiterste, "2026-02-28");
	assert_false(t.verlengd);

	/* Without a reason (or only blanks). */
	r = verleng(&t, false, "2026-02-02", "2026-03-31", NULL, &ok);
	assert_false(ok);
	assert_true(redenen_heeft(&r, "reden.ontbreekt", "reden"));
	r = verleng(&t, false, "2026-02-02", "2026-03-31", " \t\n", &ok);
	assert_true(redenen_heeft(&r, "reden.ontbreekt", "reden"));

	/* More than two further months: one day past receipt + 3 months. */
	r = verleng(&t, false, "2026-02-02", "2026-05-01", "drukte", &ok);
	assert_false(ok);
	assert_true(redenen_heeft(&r, "verlenging.te_lang", "nieuweUitersteDatum"));
	assert_int_equal(r.n, 1);

	/* Not later than the current deadline, a date in the past, no date. */
	r = verleng(&t, false, "2026-02-02", "2026-02-28", "drukte", &ok);
	assert_true(redenen_heeft(&r, "verlenging.niet_later", "nieuweUitersteDatum"));
	r = verleng(&t, false, "2026-02-10", "2026-02-01", "drukte", &ok);
	assert_true(redenen_heeft(&r, "datum.verleden", "nieuweUitersteDatum"));
	r = verleng(&t, false, "2026-02-10", NULL, "drukte", &ok);
	assert_true(redenen_heeft(&r, "datum.ongeldig", "nieuweUitersteDatum"));

	/* Already answered. */
	r = verleng(&t, true, "2026-02-10", "2026-03-31", "drukte", &ok);
	assert_true(redenen_heeft(&r, "verzoek.afgehandeld", NULL));

	/* Every reason at once. */
	r = verleng(&t, true, "2026-03-05", "2026-06-01", "", &ok);
	assert_true(redenen_heeft(&r, "verzoek.afgehandeld", NULL));
	assert_true(redenen_heeft(&r, "verlenging.te_laat", NULL));
	assert_true(redenen_heeft(&r, "reden.ontbreekt", "reden"));
	assert_true(redenen_heeft(&r, "verlenging.te_lang", NULL));
	assert_false(t.verlengd);
	assert_datum(t.uiterste, "2026-02-28");
}

static void
deadline_warnings_most_urgent_that_applies(void **state)
{
	int32_t dl = d("2026-02-28");
	(void)state;
	assert_int_equal(termijn_bewaking(dl, d("2026-02-20")), BEWAKING_GEEN);
	assert_int_equal(termijn_bewaking(dl, d("2026-02-21")), BEWAKING_NADERT_7);
	assert_int_equal(termijn_bewaking(dl, d("2026-02-26")), BEWAKING_NADERT_7);
	assert_int_equal(termijn_bewaking(dl, d("2026-02-27")), BEWAKING_NADERT_1);
	assert_int_equal(termijn_bewaking(dl, d("2026-02-28")), BEWAKING_NADERT_1);
	assert_int_equal(termijn_bewaking(dl, d("2026-03-01")), BEWAKING_OVERSCHREDEN);
	assert_int_equal(termijn_bewaking(dl, d("2026-09-01")), BEWAKING_OVERSCHREDEN);
	assert_string_equal(bewaking_sleutel(BEWAKING_NADERT_7), "nadert-7");
	/* Before the first month ends the choice is still open: extend or answer. */
	assert_string_equal(bewaking_schema_fase(BEWAKING_NADERT_7, false),
	                    "verlenging_besluit_nodig");
	assert_string_equal(bewaking_schema_fase(BEWAKING_NADERT_1, false),
	                    "verlenging_besluit_nodig");
	assert_string_equal(bewaking_schema_fase(BEWAKING_NADERT_7, true), "nadert");
	assert_string_equal(bewaking_schema_fase(BEWAKING_NADERT_1, true), "nadert");
	assert_string_equal(bewaking_schema_fase(BEWAKING_OVERSCHREDEN, false), "overschreden");
	assert_string_equal(bewaking_schema_fase(BEWAKING_OVERSCHREDEN, true), "overschreden");
}

static void
rights_by_name(void **state)
{
	(void)state;
	assert_int_equal(recht_van_naam("inzage"), RECHT_INZAGE);
	assert_int_equal(recht_van_naam("bezwaar"), RECHT_BEZWAAR);
	assert_int_equal(recht_van_naam("vergeten"), -1);
	assert_int_equal(recht_van_naam(NULL), -1);
	assert_string_equal(recht_naam(RECHT_RECTIFICATIE), "rectificatie");
}

/* A register: one zaak of her own, one where she is only the gemachtigde. */
static const struct reg_rol rollen_eigen[] = {
        {.rol = "initiator",
         .naam = "A. de Vries",
         .emailadres = "a@example.nl",
         .geheimhouding = true},
};
static const struct reg_eigenschap eigenschappen_eigen[] = {
        {.naam = "iban",
         .waarde = "NL91<b>",
         .doel = "Uitbetalen",
         .grondslag = "Awb 4:21",
         .persoonsgegeven = true,
         .betekenis = "Rekeningnummer voor de uitbetaling."},
        {.naam = "woningtype", .waarde = "rijtjeshuis"},
};
static const struct reg_rol rollen_gemachtigd[] = {
        {.rol = "belanghebbende", .machtiging = "gemachtigde", .naam = "A. de Vries"},
};
static const struct reg_eigenschap eigenschappen_ander[] = {
        {.naam = "geboortedatum_ander",
         .waarde = "1950-01-01",
         .doel = "x",
         .grondslag = "y",
         .persoonsgegeven = true},
};
static const struct reg_zaak zaken[] = {
        {.uuid = "u1",
         .identificatie = "ZAAK-2026-0000000001",
         .zaaktype = "SUBSIDIE",
         .zaaktype_omschrijving = "Subsidie",
         .omschrijving = "Subsidie geluid",
         .afdeling = "Milieu",
         .kanaal = "web",
         .startdatum = "2026-03-02",
         .status = "Ontvangen",
         .heeft_verwerking = true,
         .va = {.id = "https://register/subsidie/v1",
                .naam = "Subsidieverlening",
                .doel = "Subsidie verlenen",
                .grondslag = "Awb 4:21",
                .bewaartermijn = "P10Y"},
         .rollen = rollen_eigen,
         .n_rollen = 1,
         .eigenschappen = eigenschappen_eigen,
         .n_eigenschappen = 2},
        {.uuid = "u2",
         .identificatie = "ZAAK-2026-0000000002",
         .zaaktype = "TERUGBEL",
         .zaaktype_omschrijving = "Terugbelnotitie",
         .omschrijving = "Bellen",
         .afdeling = "KCC",
         .kanaal = "telefoon_14070",
         .startdatum = "2026-03-03",
         .status = "Afgehandeld",
         .einddatum = "2026-03-04",
         .heeft_verwerking = true,
         .va = {.id = "https://register/terugbel/v1",
                .naam = "Terugbellen",
                .doel = "Inwoner terugbellen",
                .grondslag = "Gemeentewet",
                .bewaartermijn = "P1Y6M"},
         .rollen = rollen_gemachtigd,
         .n_rollen = 1,
         .eigenschappen = eigenschappen_ander,
         .n_eigenschappen = 1},
};
static const struct reg_bericht berichten[] = {
        {.identificatie = "ZAAK-2026-0000000001",
         .aanleiding = "zaak_ontvangen",
         .kanaal = "email",
         .onderwerp = "Wij hebben uw aanvraag ontvangen",
         .verstuurd_op = "2026-03-02T10:00:00.000Z"},
};
static const struct reg_raadpleging raadplegingen[] = {
        {.tijdstip = "2026-03-03T09:00:00.000Z",
         .actor_type = "medewerker",
         .actor = "m.devries",
         .rol = "kcc-medewerker",
         .actie = "zaak.tijdlijn",
         .doel = "klantcontact",
         .besluit = "permit",
         .reden = "belt over status",
         .zaak_identificatie = "ZAAK-2026-0000000001"},
        {.tijdstip = "2026-03-03T09:01:00.000Z",
         .actor_type = "medewerker",
         .actor = "x",
         .rol = "beheerder",
         .actie = "zaak.lezen",
         .doel = "beheer",
         .besluit = "deny"},
        {.tijdstip = "2026-03-03T09:02:00.000Z",
         .actor_type = "inwoner",
         .actor = "p",
         .rol = "inwoner",
         .actie = "zaken.lijst",
         .doel = "track_en_trace",
         .besluit = "permit",
         .zelf = true},
};

static struct reg
register_laden(void)
{
	return (struct reg){.zaken = zaken,
	                    .n_zaken = 2,
	                    .berichten = berichten,
	                    .n_berichten = 1,
	                    .raadplegingen = raadplegingen,
	                    .n_raadplegingen = 3};
}

/* The overview as the API sends it, parsed back. */
static json_t *
overzicht(const struct reg *reg)
{
	char *t = rapport_overzicht(reg, NULL);
	json_error_t err;
	json_t *o = t ? json_loads(t, JSON_REJECT_DUPLICATES, &err) : NULL;

	if (t && !o)
		fail_msg("overview is not JSON: %s at %d", err.text, err.column);
	free(t);
	return o;
}

static bool
bevat(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		if (json_is_string(v) && strstr(json_string_value(v), s))
			return true;
	}
	return false;
}

static const json_t *
gegeven(const json_t *zaak, const char *naam)
{
	size_t i;
	json_t *g;
	json_array_foreach(json_object_get(zaak, "gegevens"), i, g)
	{
		if (!strcmp(json_string_value(json_object_get(g, "gegeven")), naam))
			return g;
	}
	return NULL;
}

static const char *
veld(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void
overview_every_piece_with_purpose_and_source_nothing_of_others(void **state)
{
	struct reg reg = register_laden();
	json_t *o = overzicht(&reg);
	const json_t *z1, *z2, *iban, *r;
	(void)state;

	assert_non_null(o);
	assert_true(json_is_false(json_object_get(o, "formeelVerzoek")));
	assert_non_null(strstr(veld(o, "toelichting"), "geen formeel verzoek"));
	z1 = json_array_get(json_object_get(o, "zaken"), 0);
	z2 = json_array_get(json_object_get(o, "zaken"), 1);
	assert_string_equal(veld(z1, "zaaknummer"), "ZAAK-2026-0000000001");
	iban = gegeven(z1, "iban");
	assert_non_null(iban);
	assert_string_equal(veld(iban, "waarde"), "NL91<b>");
	assert_string_equal(veld(iban, "doel"), "Uitbetalen");
	assert_string_equal(veld(iban, "wettelijkeGrondslag"), "Awb 4:21");
	assert_string_equal(veld(iban, "bron"), "U zelf, in uw aanvraag via de website");
	assert_string_equal(veld(iban, "bewaartermijn"), "10 jaar na afsluiting van de zaak");
	/* What it means, from the catalogus; nothing invented where it has no word. */
	assert_string_equal(veld(iban, "betekenis"), "Rekeningnummer voor de uitbetaling.");
	assert_null(json_object_get(gegeven(z1, "woningtype"), "betekenis"));
	/* An eigenschap without its own purpose takes the processing's. */
	assert_string_equal(veld(gegeven(z1, "woningtype"), "doel"), "Subsidie verlenen");
	assert_non_null(gegeven(z1, "E-mailadres"));
	assert_string_equal(veld(gegeven(z1, "Geheimhouding van uw persoonsgegevens"), "bron"),
	                    "Basisregistratie Personen (BRP), via het aanvraagportaal");
	/* On the zaak she handled for someone else: her own name, not the
	 * other person's answers. */
	assert_non_null(gegeven(z2, "Naam"));
	assert_null(gegeven(z2, "geboortedatum_ander"));
	assert_string_equal(veld(gegeven(z2, "Naam"), "bewaartermijn"),
	                    "1 jaar en 6 maanden na afsluiting van de zaak");
	/* Messages, and only others' permitted look-ups, with the reason. */
	assert_int_equal(json_array_size(json_object_get(o, "berichten")), 1);
	assert_string_equal(veld(json_array_get(json_object_get(o, "berichten"), 0), "kanaal"),
	                    "e-mail");
	assert_int_equal(json_array_size(json_object_get(o, "raadplegingen")), 1);
	r = json_array_get(json_object_get(o, "raadplegingen"), 0);
	assert_string_equal(veld(r, "waarom"), "belt over status");
	assert_string_equal(veld(r, "wie"), "een medewerker van de gemeente (kcc-medewerker)");
	assert_true(bevat(json_object_get(o, "ontvangers"), "NotifyNL"));
	assert_true(bevat(json_object_get(o, "ontvangers"), "afdeling Milieu"));
	assert_true(bevat(json_object_get(o, "ontvangers"), "Een medewerker"));
	assert_false(bevat(json_object_get(o, "ontvangers"), "applicatie"));
	json_decref(o);
	/* Webhook subscribers that received her zaken's events: each once, with
	 * where it is (an origin, never a path), whatever the zaaktype filter. */
	const struct reg_doorgifte doorgiften[] = {{"gzac", "https://gzac.denhaag.nl"},
	                                           {"portaal", "http://127.0.0.1:9000"}};
	reg.doorgiften = doorgiften;
	reg.n_doorgiften = 2;
	o = overzicht(&reg);
	assert_true(bevat(json_object_get(o, "ontvangers"),
	                  "De applicatie gzac (https://gzac.denhaag.nl), die meldingen"));
	assert_true(bevat(json_object_get(o, "ontvangers"),
	                  "De applicatie portaal (http://127.0.0.1:9000)"));
	const json_t *ont = json_object_get(o, "ontvangers");
	size_t n = 0;
	for (size_t i = 0; i < json_array_size(ont); i++)
		n += strstr(json_string_value(json_array_get(ont, i)), "applicatie") != NULL;
	assert_int_equal(n, 2);
	json_decref(o);
}

static void
art15_has_every_element(void **state)
{
	struct reg reg = register_laden();
	json_t *a = rapport_art15(&reg);
	(void)state;

	assert_true(bevat(json_object_get(a, "doeleinden"), "Subsidie verlenen"));
	assert_true(bevat(json_object_get(a, "doeleinden"), "Uitbetalen"));
	assert_true(bevat(json_object_get(a, "doeleinden"), "Inwoner terugbellen"));
	assert_true(bevat(json_object_get(a, "categorieenPersoonsgegevens"), "iban"));
	assert_false(bevat(json_object_get(a, "categorieenPersoonsgegevens"), "woningtype"));
	assert_false(
	        bevat(json_object_get(a, "categorieenPersoonsgegevens"), "geboortedatum_ander"));
	assert_true(bevat(json_object_get(a, "categorieenPersoonsgegevens"), "Contactgegevens"));
	/* A reason an employee gave is listed as a category of its own. */
	assert_true(bevat(json_object_get(a, "categorieenPersoonsgegevens"), "De reden die een"));
	assert_true(bevat(json_object_get(a, "ontvangers"), "NotifyNL"));
	assert_true(bevat(json_object_get(a, "bewaartermijnen"), "Subsidieverlening: 10 jaar"));
	assert_true(bevat(json_object_get(a, "bronnen"), "Basisregistratie Personen"));
	assert_true(bevat(json_object_get(a, "bronnen"), "14070"));
	assert_true(json_is_null(json_object_get(a, "geautomatiseerdeBesluitvorming")));
	assert_int_equal(json_array_size(json_object_get(a, "verwerkingsactiviteiten")), 2);
	assert_int_equal(json_array_size(json_object_get(a, "zaken")), 2);
	assert_int_equal(json_integer_value(json_object_get(a, "aantalRaadplegingen")), 3);
	json_decref(a);
	/* The register's own count wins: its list holds only others' look-ups. */
	reg.aantal_bekend = true;
	reg.aantal_raadplegingen = 12;
	a = rapport_art15(&reg);
	assert_int_equal(json_integer_value(json_object_get(a, "aantalRaadplegingen")), 12);
	json_decref(a);
}

/* A machtiging for TERUGBEL only: that zaak, nothing about the SUBSIDIE zaak
 * (its data, its message, the look at it, its processing activity), and
 * nothing that cannot be tied to a TERUGBEL zaak. */
static void
restricted_machtiging_sees_only_those_zaaktypen(void **state)
{
	const struct reg_logboek logboek[] = {
	        {.va = {.id = "https://register/subsidie/v1", .naam = "Subsidieverlening"},
	         .aantal = 4},
	        {.va = {.id = "https://register/terugbel/v1", .naam = "Terugbellen"}, .aantal = 2},
	        {.va = {.id = "urn:zaakstroom:verwerkingsactiviteit:track-en-trace"}, .aantal = 9},
	};
	const struct reg_doorgifte doorgiften[] = {
	        {.abonnement = "portaal", .origin = "https://p"}};
	const char *const terugbel[] = {"TERUGBEL"}, *const subsidie[] = {"SUBSIDIE", "ANDERS"};
	/* The SUBSIDIE zaak's data, its name, the platform's activity, the subscriber. */
	const char *const weg[] = {"NL91", "Subsidie", "track-en-trace", "https://p"};
	struct reg reg = register_laden();
	struct reg_beperkt b;
	json_t *doc;
	char *t;

	(void)state;
	reg.logboek = logboek;
	reg.n_logboek = 3;
	reg.doorgiften = doorgiften;
	reg.n_doorgiften = 1;
	assert_true(reg_beperk(&reg, terugbel, 1, &b));
	doc = overzicht(&b.reg);
	assert_int_equal(json_array_size(json_object_get(doc, "zaken")), 1);
	assert_string_equal(
	        json_string_value(json_object_get(json_array_get(json_object_get(doc, "zaken"), 0),
	                                          "zaaknummer")),
	        "ZAAK-2026-0000000002");
	assert_int_equal(json_array_size(json_object_get(doc, "berichten")), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "raadplegingen")), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "verwerkingen")), 1);
	t = json_dumps(doc, JSON_COMPACT);
	assert_non_null(t);
	for (size_t i = 0; i < sizeof(weg) / sizeof(weg[0]); i++)
		assert_null(strstr(t, weg[i]));
	free(t);
	json_decref(doc);
	reg_beperkt_vrij(&b);

	/* SUBSIDIE: its zaak, its message, the KCC's look at it, its activity. */
	assert_true(reg_beperk(&reg, subsidie, 2, &b));
	assert_int_equal(b.reg.n_zaken, 1);
	assert_int_equal(b.reg.n_berichten, 1);
	assert_int_equal(b.reg.n_raadplegingen, 1);
	assert_string_equal(b.reg.raadplegingen[0].actor, "m.devries");
	assert_int_equal(b.reg.n_logboek, 1);
	assert_int_equal(b.reg.logboek[0].aantal, 4);
	assert_int_equal(b.reg.n_doorgiften, 0);
	reg_beperkt_vrij(&b);

	/* A dienst she has no zaak of: an empty overview, not someone else's. */
	assert_true(reg_beperk(&reg, (const char *const[]){"PARKEREN"}, 1, &b));
	assert_int_equal(
	        b.reg.n_zaken + b.reg.n_berichten + b.reg.n_raadplegingen + b.reg.n_logboek, 0);
	reg_beperkt_vrij(&b);
}

static void
empty_register_is_a_report_too(void **state)
{
	struct reg reg = {0};
	json_t *a = rapport_art15(&reg), *o = overzicht(&reg);
	(void)state;
	assert_int_equal(json_array_size(json_object_get(a, "zaken")), 0);
	assert_int_equal(json_array_size(json_object_get(o, "zaken")), 0);
	assert_int_equal(json_array_size(json_object_get(o, "ontvangers")), 0);
	json_decref(a);
	json_decref(o);
}

static void
html_escapes_every_value(void **state)
{
	struct reg reg = register_laden();
	struct rapport_verzoek v = {.verzoek_id = "<script>alert(1)</script>",
	                            .ontvangen_op = "2026-03-05",
	                            .uiterste_datum = "2026-04-05",
	                            .opgesteld_op = "2026-03-06T10:00:00.000Z",
	                            .gemeente = "Gemeente \"Den Haag\" & co"};
	json_t *doc = rapport_document(&reg, &v);
	char *html = rapport_html(doc);
	(void)state;

	assert_non_null(html);
	assert_null(strstr(html, "<script>"));
	assert_null(strstr(html, "NL91<b>"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(html, "NL91&lt;b&gt;"));
	assert_non_null(strstr(html, "Gemeente &quot;Den Haag&quot; &amp; co"));
	assert_non_null(strstr(html, "belt over status"));
	assert_non_null(strstr(html, "Autoriteit Persoonsgegevens"));
	assert_non_null(strstr(html, "</html>"));
	assert_non_null(json_object_get(doc, "kopie"));
	assert_null(json_object_get(json_object_get(doc, "kopie"), "formeelVerzoek"));
	free(html);
	json_decref(doc);
}

static void
html_refuses_to_grow_without_bound(void **state)
{
	struct reg_raadpleging rp[40];
	struct reg reg = {.raadplegingen = rp, .n_raadplegingen = 40};
	struct rapport_verzoek v = {.verzoek_id = "x"};
	char *groot = malloc(64 * 1024 + 1);
	json_t *doc;
	char *html;
	(void)state;

	memset(groot, '<', 64 * 1024);
	groot[64 * 1024] = '\0';
	for (int i = 0; i < 40; i++)
		rp[i] = (struct reg_raadpleging){
		        .besluit = "permit", .actor_type = "medewerker", .reden = groot};
	doc = rapport_document(&reg, &v);
	assert_non_null(doc);
	html = rapport_html(doc); /* 40 × 64 KiB × 4 bytes each escaped > 8 MiB */
	assert_null(html);
	free(groot);
	json_decref(doc);
}

static void
retention_in_words(void **state)
{
	char buf[96];
	(void)state;
	rapport_duur_tekst("P10Y", buf, sizeof(buf));
	assert_string_equal(buf, "10 jaar");
	rapport_duur_tekst("P1Y6M", buf, sizeof(buf));
	assert_string_equal(buf, "1 jaar en 6 maanden");
	rapport_duur_tekst("P1Y2M3D", buf, sizeof(buf));
	assert_string_equal(buf, "1 jaar, 2 maanden en 3 dagen");
	rapport_duur_tekst("P1W", buf, sizeof(buf));
	assert_string_equal(buf, "1 week");
	rapport_duur_tekst("permanent", buf, sizeof(buf));
	assert_string_equal(buf, "permanent");
}

/* The autorisatiematrix for the inzage actions: the person is the resource. */

static struct principal
inwoner(const char *bsn)
{
	struct principal p = {
	        .kind = PRINCIPAL_INWONER, .rollen = ROL_BIT(ROL_INWONER), .loa = LOA_SUBSTANTIEEL};
	assert_true(identiteit_set(&p.identiteit, ID_BSN, bsn));
	return p;
}

static struct principal
medewerker(enum rol rol, const char *bsn)
{
	struct principal p = {.kind = PRINCIPAL_MEDEWERKER, .rollen = ROL_BIT(rol)};
	assert_true(identiteit_set(&p.identiteit, ID_BSN, bsn));
	snprintf(p.medewerker_id, sizeof(p.medewerker_id), "t.tester");
	return p;
}

static bool
mag(const struct principal *p, enum policy_actie actie, const char *van, const char *doel)
{
	struct zaak_resource z = {
	        .open = true, .vertrouwelijkheid = VERTR_OPENBAAR, .tonen_aan_initiator = true};
	struct policy_context ctx = {.doel = doel};
	struct policy_decision d;

	if (van)
		assert_true(identiteit_set(&z.initiator, ID_BSN, van));
	policy_evaluate(pol, p, actie, van ? &z : NULL, &ctx, &d);
	return d.toegestaan;
}

#define A_BSN  "999991772"
#define B_BSN  "999990019"
#define MW_BSN "999998456"

static void
matrix_resident_and_gemachtigde(void **state)
{
	struct principal a = inwoner(A_BSN), g = inwoner(B_BSN);
	(void)state;

	assert_true(mag(&a, ACTIE_INZAGE_LEZEN, A_BSN, "inzicht"));
	assert_true(mag(&a, ACTIE_INZAGE_INDIENEN, A_BSN, "inzageverzoek"));
	assert_false(mag(&a, ACTIE_INZAGE_LEZEN, B_BSN, "inzicht"));
	assert_false(mag(&a, ACTIE_INZAGE_INDIENEN, B_BSN, "inzageverzoek"));
	assert_false(mag(&a, ACTIE_INZAGE_TERMIJNEN, NULL, "toezicht"));
	assert_false(mag(&a, ACTIE_INZAGE_BEHANDELEN, A_BSN, "inzageverzoek"));
	/* A machtiging for all diensten: the overview; one for some zaaktypen: not. */
	g.rollen |= ROL_BIT(ROL_GEMACHTIGDE);
	g.n_machtigingen = 1;
	assert_true(identiteit_set(&g.machtigingen[0].voor, ID_BSN, A_BSN));
	assert_true(mag(&g, ACTIE_INZAGE_LEZEN, A_BSN, "inzicht"));
	assert_true(mag(&g, ACTIE_INZAGE_INDIENEN, A_BSN, "inzageverzoek"));
	g.machtigingen[0].n_diensten = 1;
	snprintf(g.machtigingen[0].diensten[0], PRINCIPAL_MAX_TEKST, "TERUGBELNOTITIE");
	assert_false(mag(&g, ACTIE_INZAGE_LEZEN, A_BSN, "inzicht"));
}

static void
matrix_fg_sees_deadlines_not_data_unless_handling(void **state)
{
	struct principal fg = medewerker(ROL_FG, MW_BSN), beh = medewerker(ROL_BEHANDELAAR, MW_BSN),
	                 kcc = medewerker(ROL_KCC_MEDEWERKER, MW_BSN);
	(void)state;

	assert_true(mag(&fg, ACTIE_INZAGE_TERMIJNEN, NULL, "toezicht"));
	assert_false(mag(&fg, ACTIE_INZAGE_LEZEN, A_BSN, "toezicht"));
	assert_true(mag(&fg, ACTIE_INZAGE_LEZEN, A_BSN, "inzageverzoek"));
	assert_true(mag(&fg, ACTIE_INZAGE_BEHANDELEN, A_BSN, "inzageverzoek"));
	assert_true(mag(&beh, ACTIE_INZAGE_BEHANDELEN, A_BSN, "inzageverzoek"));
	assert_false(mag(&beh, ACTIE_INZAGE_BEHANDELEN, A_BSN, "toezicht"));
	assert_false(mag(&beh, ACTIE_INZAGE_TERMIJNEN, NULL, "toezicht"));
	/* The desk registers a request, and sees nothing of the data. */
	assert_true(mag(&kcc, ACTIE_INZAGE_INDIENEN, A_BSN, NULL));
	assert_false(mag(&kcc, ACTIE_INZAGE_LEZEN, A_BSN, "inzageverzoek"));
	assert_false(mag(&kcc, ACTIE_INZAGE_TERMIJNEN, NULL, "toezicht"));
	/* Slager keurt eigen vlees: not one's own request, in any role. */
	assert_false(mag(&beh, ACTIE_INZAGE_BEHANDELEN, MW_BSN, "inzageverzoek"));
	assert_false(mag(&fg, ACTIE_INZAGE_LEZEN, MW_BSN, "inzageverzoek"));
	assert_false(mag(&kcc, ACTIE_INZAGE_INDIENEN, MW_BSN, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(term_is_one_calendar_month_with_month_end_clamp),
	        cmocka_unit_test(answer_within_term_includes_the_last_day),
	        cmocka_unit_test(extension_once_within_first_month_with_reason_at_most_two_months),
	        cmocka_unit_test(extension_refusals_name_their_field),
	        cmocka_unit_test(deadline_warnings_most_urgent_that_applies),
	        cmocka_unit_test(rights_by_name),
	        cmocka_unit_test(overview_every_piece_with_purpose_and_source_nothing_of_others),
	        cmocka_unit_test(art15_has_every_element),
	        cmocka_unit_test(restricted_machtiging_sees_only_those_zaaktypen),
	        cmocka_unit_test(empty_register_is_a_report_too),
	        cmocka_unit_test(html_escapes_every_value),
	        cmocka_unit_test(html_refuses_to_grow_without_bound),
	        cmocka_unit_test(retention_in_words),
	        cmocka_unit_test(matrix_resident_and_gemachtigde),
	        cmocka_unit_test(matrix_fg_sees_deadlines_not_data_unless_handling),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
