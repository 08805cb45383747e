/*
 * test_aanvraag.c — intake's decision: one test per rule and refusal code,
 * all reasons at once, data minimisation, deadlines, and the events intake
 * emits checked field by field against the schemas in schemas/. The zaaktypen are the
 * real catalogus files in deploy/catalogus/ (run from the repository root).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../services/intake/aanvraag.h"

#define d(s)       datum_van_tekst(s)
#define instant(s) instant_van_tekst(s)

/* Fixtures: the three zaaktypen of the catalogus and aanvragen that fit them. */

static struct catalogus *cat;
static const struct zaaktype *terugbel, *subsidie, *curatief;

static const char *const aanvraag_terugbel =
        "{\"aanvraagId\": \"5b0e7c1e-3c7a-4f0e-9a52-6c1f0a3d2b11\","
        " \"zaaktype\": \"TERUGBELNOTITIE\","
        " \"ingediendOp\": \"2026-03-10T09:15:00.000Z\", \"kanaal\": \"web\","
        " \"bronorganisatie\": null,"
        " \"initiator\": {\"betrokkeneType\": \"natuurlijk_persoon\", \"inpBsn\": \"111222333\","
        "   \"kvkNummer\": null, \"vestigingsNummer\": null, \"medewerkerIdentificatie\": null,"
        "   \"naam\": \"J. Jansen\"},"
        " \"gemachtigde\": null,"
        " \"authenticatie\": {\"middel\": \"digid\", \"betrouwbaarheidsniveau\": \"substantieel\"},"
        " \"contact\": {\"emailadres\": \"j.jansen@example.nl\", \"telefoonnummer\": \"0612345678\"},"
        " \"eigenschappen\": {\"onderwerp\": \"Parkeervergunning\","
        "   \"vraag\": \"Wanneer krijg ik mijn vergunning?\", \"telefoonnummer\": \"0612345678\","
        "   \"voorkeurDagdeel\": \"ochtend\"}}";

static const char *const eigenschappen_subsidie =
        "{\"postcode\": \"2511 AB\", \"huisnummer\": \"12\", \"huisnummertoevoeging\": \"a\","
        " \"bouwjaarWoning\": \"1962\", \"eigenaar\": \"ja\", \"geschatteKosten\": \"12500,50\","
        " \"iban\": \"NL91ABNA0417164300\"}";

static const char *const eigenschappen_curatief =
        "{\"hulpvraag\": \"Ik heb betalingsachterstanden.\", \"soortHulpvraag\": \"schulden\","
        " \"bedreigendeSituatie\": \"nee\", \"voorkeurContact\": \"telefoon\"}";

#define NU_MS(doc) (ingediend(doc) + 60 * 1000)

static json_t *
laad_json(const char *pad)
{
	json_error_t je;
	json_t *doc = json_load_file(pad, JSON_REJECT_DUPLICATES, &je);

	if (!doc)
		fail_msg("%s: %s (line %d)", pad, je.text, je.line);
	return doc;
}

static const struct zaaktype *
zet_in_catalogus(json_t *doc)
{
	struct zaaktype *zt;
	char err[256];

	if (zaaktype_from_json(doc, &zt, err, sizeof err) != 0)
		fail_msg("catalogus entry refused: %s", err);
	json_decref(doc);
	if (catalogus_put(cat, zt) != 0)
		fail_msg("catalogus full");
	return zt;
}

static int
setup(void **state)
{
	(void)state;
	cat = catalogus_new();
	terugbel = zet_in_catalogus(laad_json("deploy/catalogus/terugbelnotitie.json"));
	subsidie = zet_in_catalogus(
	        laad_json("deploy/catalogus/subsidie-sanering-verkeerslawaai.json"));
	curatief = zet_in_catalogus(laad_json("deploy/catalogus/curatieve-klantreis.json"));
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	catalogus_free(cat);
	return 0;
}

/* doc[a.b.c] = v (NULL = remove), making the objects on the way. */
static void
zet(json_t *doc, const char *pad, json_t *v)
{
	char buf[128], *p = buf, *punt;

	snprintf(buf, sizeof buf, "%s", pad);
	while ((punt = strchr(p, '.'))) {
		json_t *sub;

		*punt = '\0';
		sub = json_object_get(doc, p);
		if (!json_is_object(sub)) {
			sub = json_object();
			json_object_set_new(doc, p, sub);
		}
		doc = sub;
		p = punt + 1;
	}
	if (v)
		json_object_set_new(doc, p, v);
	else
		json_object_del(doc, p);
}

static json_t *
basis(void)
{
	json_error_t je;
	json_t *doc = json_loads(aanvraag_terugbel, 0, &je);

	if (!doc)
		fail_msg("fixture: %s", je.text);
	return doc;
}

static json_t *met(const char *pad, json_t *v);

static json_t *
basis_voor(const char *zaaktype, const char *eigenschappen)
{
	json_t *doc = basis();

	zet(doc, "zaaktype", json_string(zaaktype));
	zet(doc, "eigenschappen", json_loads(eigenschappen, 0, NULL));
	return doc;
}

static int64_t
ingediend(json_t *doc)
{
	return instant(json_string_value(json_object_get(doc, "ingediendOp")));
}

static struct aanvraag *
lees(json_t *doc)
{
	struct aanvraag *a;
	char err[128];

	if (aanvraag_from_json(doc, &a, err, sizeof err) != 0)
		fail_msg("aanvraag_from_json: %s", err);
	return a;
}

/* Judges doc (consumed) against the zaaktype catalogus c picks for it. */
static void
beoordeel_in(const struct catalogus *c, json_t *doc, int64_t nu, struct redenen *r)
{
	struct aanvraag *a = lees(doc);

	aanvraag_beoordeel(aanvraag_zaaktype(c, a), a, nu, r);
	aanvraag_free(a);
	json_decref(doc);
}

static void
beoordeel_op(json_t *doc, int64_t nu, struct redenen *r)
{
	beoordeel_in(cat, doc, nu, r);
}

/* A catalogus of one zaaktype made from zdoc (consumed). */
static struct catalogus *
eigen_catalogus(json_t *zdoc)
{
	struct catalogus *c = catalogus_new();
	struct zaaktype *zt;
	char err[256];

	if (zaaktype_from_json(zdoc, &zt, err, sizeof err) != 0)
		fail_msg("zaaktype refused: %s", err);
	json_decref(zdoc);
	assert_int_equal(catalogus_put(c, zt), 0);
	return c;
}

static void
beoordeel(json_t *doc, struct redenen *r)
{
	beoordeel_op(doc, NU_MS(doc), r);
}

static void
toon(const struct redenen *r)
{
	for (size_t i = 0; i < r->n; i++)
		print_message("  %s [%s] %s\n", r->r[i].code, r->r[i].veld, r->r[i].tekst);
}

static void
geen_redenen(json_t *doc)
{
	struct redenen r;

	beoordeel(doc, &r);
	if (r.n != 0) {
		toon(&r);
		fail_msg("%zu reasons for an aanvraag that should be accepted", r.n);
	}
}

/* Exactly one reason, with this code and veld: the rule fires, and alone. */
static bool
alleen_deze(json_t *doc, const char *code, const char *veld)
{
	struct redenen r;

	beoordeel(doc, &r);
	if (r.n != 1 || strcmp(r.r[0].code, code) != 0 || strcmp(r.r[0].veld, veld) != 0 ||
	    strlen(r.r[0].tekst) < 20) {
		toon(&r);
		return false;
	}
	return true;
}

static void
alleen(json_t *doc, const char *code, const char *veld)
{
	if (!alleen_deze(doc, code, veld))
		fail_msg("expected only %s [%s]", code, veld);
}

static void
valid_aanvragen_for_every_zaaktype_are_accepted(void **state)
{
	(void)state;
	geen_redenen(basis());
	geen_redenen(basis_voor("SUBSIDIE-SANERING-VERKEERSLAWAAI", eigenschappen_subsidie));
	geen_redenen(basis_voor("CURATIEVE-KLANTREIS", eigenschappen_curatief));
}

static void
zaaktype_onbekend(void **state)
{
	json_t *doc = basis();
	struct aanvraag *a;
	struct redenen r;

	(void)state;
	zet(doc, "zaaktype", json_string("BOUWVERGUNNING"));
	a = lees(doc);
	assert_null(aanvraag_zaaktype(cat, a));
	aanvraag_beoordeel(NULL, a, NU_MS(doc), &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.r[0].code, "zaaktype.onbekend");
	assert_string_equal(r.r[0].veld, "zaaktype");
	aanvraag_free(a);
	json_decref(doc);
}

/* A version that starts on 1 April 2026, Dutch time: midnight is 22:00 UTC the day before. */
static void
zaaktype_niet_geldig_by_dutch_date(void **state)
{
	json_t *zdoc = laad_json("deploy/catalogus/terugbelnotitie.json");
	struct catalogus *eigen;
	struct aanvraag *a;
	json_t *doc;
	struct redenen r;

	(void)state;
	zet(zdoc, "beginGeldigheid", json_string("2026-04-01"));
	eigen = eigen_catalogus(zdoc);

	doc = met("ingediendOp", json_string("2026-03-31T21:30:00.000Z")); /* 23:30 CEST */
	/* An eigenschap fault is not reported against a version that does not apply. */
	zet(doc, "eigenschappen.vraag", NULL);
	a = lees(doc);
	/* The latest version is still handed over, so that the refusal can say why. */
	assert_ptr_equal(aanvraag_zaaktype(eigen, a), catalogus_laatste(eigen, "TERUGBELNOTITIE"));
	aanvraag_free(a);
	beoordeel_in(eigen, doc, instant("2026-03-31T21:31:00Z"), &r);
	if (r.n != 1 || !redenen_heeft(&r, "zaaktype.niet_geldig", "zaaktype")) {
		toon(&r);
		fail();
	}

	doc = met("ingediendOp", json_string("2026-03-31T22:30:00.000Z")); /* 00:30 on 1 April */
	a = lees(doc);
	assert_int_equal(aanvraag_startdatum(a), d("2026-04-01"));
	aanvraag_free(a);
	beoordeel_in(eigen, doc, instant("2026-03-31T22:31:00Z"), &r);
	assert_int_equal(r.n, 0);
	catalogus_free(eigen);
}

static void
zaaktype_intern_only_through_staffed_channels(void **state)
{
	static const char *const kanalen[] = {"web", "post", "email", "overig", "fax"};
	json_t *zdoc = laad_json("deploy/catalogus/terugbelnotitie.json");
	struct catalogus *eigen;
	struct redenen r;

	(void)state;
	zet(zdoc, "indicatieInternOfExtern", json_string("intern"));
	eigen = eigen_catalogus(zdoc);
	for (size_t i = 0; i < sizeof kanalen / sizeof kanalen[0]; i++) {
		json_t *doc = met("kanaal", json_string(kanalen[i]));

		beoordeel_in(eigen, doc, instant("2026-03-10T09:16:00Z"), &r);
		assert_int_equal(r.n, 1);
		assert_string_equal(r.r[0].code, "zaaktype.intern");
	}
	for (int i = 0; i < 2; i++) {
		json_t *doc = met("kanaal", json_string(i ? "balie" : "telefoon_14070"));

		zet(doc, "authenticatie", json_null());
		beoordeel_in(eigen, doc, instant("2026-03-10T09:16:00Z"), &r);
		assert_int_equal(r.n, 0);
	}
	catalogus_free(eigen);
}

static json_t *
met(const char *pad, json_t *v)
{
	json_t *doc = basis();

	zet(doc, pad, v);
	return doc;
}

static void
initiator_bsn_elfproef(void **state)
{
	(void)state;
	alleen(met("initiator.inpBsn", json_string("123456789")), "initiator.bsn_ongeldig",
	       "initiator.inpBsn");
	alleen(met("initiator.inpBsn", json_string("12345678")), "initiator.bsn_ongeldig",
	       "initiator.inpBsn");
	alleen(met("initiator.inpBsn", json_string("000000000")), "initiator.bsn_ongeldig",
	       "initiator.inpBsn");
	alleen(met("initiator.inpBsn", json_string("12345678x")), "initiator.bsn_ongeldig",
	       "initiator.inpBsn");
	alleen(met("initiator.inpBsn", json_null()), "initiator.identificatie_ontbreekt",
	       "initiator.inpBsn");
	alleen(met("initiator.inpBsn", json_string("")), "initiator.identificatie_ontbreekt",
	       "initiator.inpBsn");
	geen_redenen(met("initiator.inpBsn", json_string("123456782")));
	geen_redenen(met("initiator.inpBsn", json_string("999993653")));
}

static json_t *
bedrijf(const char *type, const char *kvk, const char *vestiging)
{
	json_t *doc = basis();

	zet(doc, "initiator",
	    json_pack("{s:s, s:s?, s:s?}", "betrokkeneType", type, "kvkNummer", kvk,
	              "vestigingsNummer", vestiging));
	zet(doc, "authenticatie.middel", json_string("eherkenning"));
	return doc;
}

static void
initiator_kvk_nummer(void **state)
{
	(void)state;
	geen_redenen(bedrijf("niet_natuurlijk_persoon", "69599084", NULL));
	alleen(bedrijf("niet_natuurlijk_persoon", "6959908", NULL), "initiator.kvk_ongeldig",
	       "initiator.kvkNummer");
	alleen(bedrijf("niet_natuurlijk_persoon", "6959908a", NULL), "initiator.kvk_ongeldig",
	       "initiator.kvkNummer");
	alleen(bedrijf("niet_natuurlijk_persoon", NULL, NULL), "initiator.identificatie_ontbreekt",
	       "initiator.kvkNummer");
}

static void
initiator_vestiging(void **state)
{
	(void)state;
	geen_redenen(bedrijf("vestiging", "69599084", "000012345678"));
	alleen(bedrijf("vestiging", "69599084", "12345"), "initiator.vestigingsnummer_ongeldig",
	       "initiator.vestigingsNummer");
	alleen(bedrijf("vestiging", "69599084", NULL), "initiator.identificatie_ontbreekt",
	       "initiator.vestigingsNummer");
	alleen(bedrijf("vestiging", NULL, "000012345678"), "initiator.identificatie_ontbreekt",
	       "initiator.kvkNummer");
	alleen(bedrijf("vestiging", "123", "000012345678"), "initiator.kvk_ongeldig",
	       "initiator.kvkNummer");
}

static void
initiator_medewerker(void **state)
{
	json_t *doc;

	(void)state;
	doc = met("initiator", json_pack("{s:s}", "betrokkeneType", "medewerker"));
	alleen(doc, "initiator.identificatie_ontbreekt", "initiator.medewerkerIdentificatie");
	doc = met("initiator", json_pack("{s:s, s:s}", "betrokkeneType", "medewerker",
	                                 "medewerkerIdentificatie", "kcc-0042"));
	geen_redenen(doc);
}

/* Data minimisation for betrokkenen: only the identifier the type needs. */
static void
initiator_gegeven_niet_nodig(void **state)
{
	json_t *doc;

	(void)state;
	alleen(met("initiator.kvkNummer", json_string("69599084")), "initiator.gegeven_niet_nodig",
	       "initiator.kvkNummer");
	alleen(met("initiator.medewerkerIdentificatie", json_string("x1")),
	       "initiator.gegeven_niet_nodig", "initiator.medewerkerIdentificatie");
	doc = bedrijf("niet_natuurlijk_persoon", "69599084", NULL);
	zet(doc, "initiator.inpBsn", json_string("111222333"));
	alleen(doc, "initiator.gegeven_niet_nodig", "initiator.inpBsn");
}

static json_t *
met_gemachtigde(const char *bsn)
{
	json_t *doc = basis();

	zet(doc, "gemachtigde",
	    json_pack("{s:s, s:s?, s:s}", "betrokkeneType", "natuurlijk_persoon", "inpBsn", bsn,
	              "naam", "P. de Vries"));
	zet(doc, "authenticatie.middel", json_string("machtiging"));
	return doc;
}

static void
gemachtigde_rules(void **state)
{
	json_t *doc;

	(void)state;
	geen_redenen(met_gemachtigde("123456782"));
	alleen(met_gemachtigde("123456789"), "gemachtigde.bsn_ongeldig", "gemachtigde.inpBsn");
	alleen(met_gemachtigde(NULL), "gemachtigde.identificatie_ontbreekt", "gemachtigde.inpBsn");
	alleen(met_gemachtigde("111222333"), "gemachtigde.zelfde_als_initiator", "gemachtigde");
	doc = met_gemachtigde("123456782");
	zet(doc, "gemachtigde.vestigingsNummer", json_string("000012345678"));
	alleen(doc, "gemachtigde.gegeven_niet_nodig", "gemachtigde.vestigingsNummer");
	doc = met_gemachtigde(NULL);
	zet(doc, "gemachtigde.betrokkeneType", json_string("medewerker"));
	zet(doc, "gemachtigde.medewerkerIdentificatie", json_string("kcc-0042"));
	alleen(doc, "gemachtigde.type_ongeldig", "gemachtigde.betrokkeneType");
	/* A company may act for a person: not the same betrokkene. */
	doc = met_gemachtigde(NULL);
	zet(doc, "gemachtigde",
	    json_pack("{s:s, s:s}", "betrokkeneType", "niet_natuurlijk_persoon", "kvkNummer",
	              "69599084"));
	geen_redenen(doc);
}

static void
authenticatie_rules(void **state)
{
	json_t *doc;

	(void)state;
	alleen(met("authenticatie.betrouwbaarheidsniveau", json_string("laag")),
	       "authenticatie.niveau_ongeldig", "authenticatie.betrouwbaarheidsniveau");
	alleen(met("authenticatie.middel", json_string("machtiging")),
	       "authenticatie.gemachtigde_ontbreekt", "gemachtigde");
	alleen(met("authenticatie.middel", json_string("itsme")), "aanvraag.veld_ongeldig",
	       "authenticatie.middel");
	doc = met("authenticatie", json_null());
	geen_redenen(doc);
}

static void
contact_emailadres(void **state)
{
	static const char *const fout[] = {
	        "jansen",
	        "jansen@",
	        "@example.nl",
	        "j@@example.nl",
	        "j jansen@example.nl",
	        "j..jansen@example.nl",
	        ".j@example.nl",
	        "j.@example.nl",
	        "j@example",
	        "j@example.n",
	        "j@-example.nl",
	        "j@example-.nl",
	        "j@exa_mple.nl",
	        "j@example..nl",
	        "j@example.nl.",
	        "j@example.123",
	        "j\"s\"@example.nl",
	        "jé@example.nl",
	        "j@example.nl\n",
	};
	static const char *const goed[] = {
	        "j.jansen@example.nl",
	        "j+zaken@denhaag.nl",
	        "J_Jansen-2@mail.example.co.uk",
	        "a@b.nl",
	};

	(void)state;
	for (size_t i = 0; i < sizeof fout / sizeof fout[0]; i++)
		if (!alleen_deze(met("contact.emailadres", json_string(fout[i])),
		                 "contact.emailadres_ongeldig", "contact.emailadres"))
			fail_msg("emailadres \"%s\"", fout[i]);
	for (size_t i = 0; i < sizeof goed / sizeof goed[0]; i++)
		geen_redenen(met("contact.emailadres", json_string(goed[i])));
	geen_redenen(met("contact.emailadres", json_null()));
	geen_redenen(met("contact", json_null()));
}

static void
contact_telefoonnummer(void **state)
{
	static const char *const fout[] = {
	        "061234567",   "06123456789", "6123456789",        "+0612345678",
	        "06-1234567a", "+31 6 1234",  "0012345",           "1234567890",
	        "06+12345678", "bel me",      "+3161234567890123",
	};
	static const char *const goed[] = {
	        "0612345678",   "070-3534444",   "06 12 34 56 78",  "+31 6 12345678",
	        "+31612345678", "0031612345678", "(070) 353 44 44", "+44 20 7946 0958",
	};

	(void)state;
	for (size_t i = 0; i < sizeof fout / sizeof fout[0]; i++)
		if (!alleen_deze(met("contact.telefoonnummer", json_string(fout[i])),
		                 "contact.telefoonnummer_ongeldig", "contact.telefoonnummer"))
			fail_msg("telefoonnummer \"%s\"", fout[i]);
	for (size_t i = 0; i < sizeof goed / sizeof goed[0]; i++)
		geen_redenen(met("contact.telefoonnummer", json_string(goed[i])));
}

static void
eigenschap_ontbreekt(void **state)
{
	(void)state;
	alleen(met("eigenschappen.vraag", NULL), "eigenschap.ontbreekt", "eigenschappen.vraag");
	alleen(met("eigenschappen.vraag", json_string("")), "eigenschap.ontbreekt",
	       "eigenschappen.vraag");
	alleen(met("eigenschappen.vraag", json_null()), "eigenschap.formaat",
	       "eigenschappen.vraag");
	/* Optional ones may be left out. */
	geen_redenen(met("eigenschappen.voorkeurDagdeel", NULL));
	geen_redenen(met("eigenschappen.voorkeurDagdeel", json_string("")));
}

static void
eigenschap_te_lang_counts_characters(void **state)
{
	char tekst[2 * 81 + 1];

	(void)state;
	memset(tekst, 'x', 81);
	tekst[81] = '\0';
	alleen(met("eigenschappen.onderwerp", json_string(tekst)), "eigenschap.te_lang",
	       "eigenschappen.onderwerp");
	tekst[80] = '\0';
	geen_redenen(met("eigenschappen.onderwerp", json_string(tekst)));
	for (int i = 0; i < 80; i++)
		memcpy(tekst + 2 * i, "\xc3\xa9", 2); /* é: two bytes, one character */
	tekst[160] = '\0';
	geen_redenen(met("eigenschappen.onderwerp", json_string(tekst)));
}

static void
eigenschap_formaat_patroon_and_waardenverzameling(void **state)
{
	json_t *doc;

	(void)state;
	alleen(met("eigenschappen.telefoonnummer", json_string("12345")), "eigenschap.formaat",
	       "eigenschappen.telefoonnummer");
	/* The patroon must match the whole value, not a part of it. */
	alleen(met("eigenschappen.telefoonnummer", json_string("x0612345678")),
	       "eigenschap.formaat", "eigenschappen.telefoonnummer");
	geen_redenen(met("eigenschappen.telefoonnummer", json_string("+31701234567")));
	alleen(met("eigenschappen.voorkeurDagdeel", json_string("avond")), "eigenschap.formaat",
	       "eigenschappen.voorkeurDagdeel");
	alleen(met("eigenschappen.voorkeurDagdeel", json_string("Ochtend")), "eigenschap.formaat",
	       "eigenschappen.voorkeurDagdeel");
	geen_redenen(met("eigenschappen.voorkeurDagdeel", json_string("geen voorkeur")));
	alleen(met("eigenschappen.vraag", json_integer(42)), "eigenschap.formaat",
	       "eigenschappen.vraag");
	alleen(met("eigenschappen.vraag", json_string("regel\x01")), "eigenschap.formaat",
	       "eigenschappen.vraag");
	geen_redenen(met("eigenschappen.vraag", json_string("regel een\nregel twee\tmet tab")));
	/* getal */
	doc = basis_voor("SUBSIDIE-SANERING-VERKEERSLAWAAI", eigenschappen_subsidie);
	zet(doc, "eigenschappen.huisnummer", json_string("12a"));
	alleen(doc, "eigenschap.formaat", "eigenschappen.huisnummer");
	doc = basis_voor("SUBSIDIE-SANERING-VERKEERSLAWAAI", eigenschappen_subsidie);
	zet(doc, "eigenschappen.geschatteKosten", json_string("12.500,50"));
	alleen(doc, "eigenschap.formaat", "eigenschappen.geschatteKosten");
}

/* datum and datum_tijd, on a zaaktype that asks for them. */
static void
eigenschap_formaat_datum(void **state)
{
	struct catalogus *eigen;
	json_t *zdoc = laad_json("deploy/catalogus/terugbelnotitie.json");
	json_t *lijst = json_object_get(zdoc, "eigenschappen");
	static const struct {
		const char *naam, *waarde;
		bool goed;
	} gevallen[] = {
	        {"terugbeldatum", "2026-03-12", true},
	        {"terugbeldatum", "2028-02-29", true},
	        {"terugbeldatum", "2026-02-29", false},
	        {"terugbeldatum", "12-03-2026", false},
	        {"terugbeldatum", "morgen", false},
	        {"gebeldOp", "2026-03-10T09:00:00Z", true},
	        {"gebeldOp", "2026-03-10T10:00:00.123+01:00", true},
	        {"gebeldOp", "2026-03-10 09:00", false},
	        {"gebeldOp", "2026-03-10", false},
	        {"aantal", "3", true},
	        {"aantal", "-3,5", true},
	        {"aantal", "3e5", false},
	        {"aantal", ",5", false},
	};

	(void)state;
	json_array_append_new(lijst,
	                      json_pack("{s:s, s:s, s:s, s:i, s:b, s:[], s:n, s:s, s:s, s:b}",
	                                "naam", "terugbeldatum", "definitie", "Wanneer", "formaat",
	                                "datum", "lengte", 10, "verplicht", 0, "waardenverzameling",
	                                "patroon", "doel", "Plannen", "grondslag", "AVG 6.1.e",
	                                "persoonsgegeven", 0));
	json_array_append_new(lijst,
	                      json_pack("{s:s, s:s, s:s, s:i, s:b, s:[], s:n, s:s, s:s, s:b}",
	                                "naam", "gebeldOp", "definitie", "Wanneer gebeld",
	                                "formaat", "datum_tijd", "lengte", 40, "verplicht", 0,
	                                "waardenverzameling", "patroon", "doel", "Plannen",
	                                "grondslag", "AVG 6.1.e", "persoonsgegeven", 0));
	json_array_append_new(
	        lijst, json_pack("{s:s, s:s, s:s, s:i, s:b, s:[], s:n, s:s, s:s, s:b}", "naam",
	                         "aantal", "definitie", "Hoe vaak", "formaat", "getal", "lengte",
	                         10, "verplicht", 0, "waardenverzameling", "patroon", "doel",
	                         "Plannen", "grondslag", "AVG 6.1.e", "persoonsgegeven", 0));
	eigen = eigen_catalogus(zdoc);
	for (size_t i = 0; i < sizeof gevallen / sizeof gevallen[0]; i++) {
		json_t *doc = basis();
		struct redenen r;
		char veld[64];

		zet(doc, "eigenschappen",
		    json_pack("{s:s, s:s, s:s, s:s}", "onderwerp", "x", "vraag", "y",
		              "telefoonnummer", "0612345678", gevallen[i].naam,
		              gevallen[i].waarde));
		beoordeel_in(eigen, doc, instant("2026-03-10T09:16:00Z"), &r);
		snprintf(veld, sizeof veld, "eigenschappen.%s", gevallen[i].naam);
		if (gevallen[i].goed
		            ? r.n != 0
		            : (r.n != 1 || !redenen_heeft(&r, "eigenschap.formaat", veld))) {
			toon(&r);
			fail_msg("%s = \"%s\"", gevallen[i].naam, gevallen[i].waarde);
		}
	}
	catalogus_free(eigen);
}

static void
eigenschap_niet_gedeclareerd(void **state)
{
	char naam[300];
	json_t *doc;
	struct redenen r;

	(void)state;
	alleen(met("eigenschappen.geboortedatum", json_string("1980-01-01")),
	       "eigenschap.niet_gedeclareerd", "eigenschappen.geboortedatum");
	/* Even an empty value for an undeclared name is refused: the form must not ask it. */
	alleen(met("eigenschappen.religie", json_string("")), "eigenschap.niet_gedeclareerd",
	       "eigenschappen.religie");
	/* A hostile name is cut short, made printable, and a BSN in it masked. */
	memset(naam, 'a', sizeof naam - 1);
	naam[sizeof naam - 1] = '\0';
	memcpy(naam, "bsn111222333\x01", 13);
	doc = basis();
	json_object_set_new(json_object_get(doc, "eigenschappen"), naam, json_string("x"));
	beoordeel(doc, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.r[0].code, "eigenschap.niet_gedeclareerd");
	assert_null(strstr(r.r[0].veld, "111222333"));
	assert_null(strstr(r.r[0].tekst, "111222333"));
	assert_null(strchr(r.r[0].veld, '\x01'));
	assert_true(strlen(r.r[0].veld) < 100);
	assert_int_equal(strncmp(r.r[0].veld, "eigenschappen.bsn*********?aaa", 30), 0);
}

static json_t *
eigenschap_waarde(json_t *zaak, const char *naam)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(zaak, "eigenschappen"), i, e)
	{
		if (strcmp(json_string_value(json_object_get(e, "naam")), naam) == 0)
			return e;
	}
	return NULL;
}

static json_t *
registreer(json_t *doc, const struct zaaktype *zt, int64_t nu)
{
	struct aanvraag *a = lees(doc);
	json_t *zaak = zaak_geregistreerd_json(zt, a, "0f8fad5b-d9cb-469f-a165-70867728950e",
	                                       "ZAAK-2026-0000000042", "002220647", nu);

	aanvraag_free(a);
	return zaak;
}

/*
 * Data minimisation end to end: the undeclared field is refused, and even
 * when a zaak is built from that aanvraag nothing undeclared is copied.
 */
static void
undeclared_data_is_never_copied_into_a_zaak(void **state)
{
	json_t *doc = basis(), *zaak, *betrokkene;
	struct redenen r;
	char *tekst;

	(void)state;
	zet(doc, "eigenschappen.geboortedatum", json_string("1980-01-01"));
	zet(doc, "eigenschappen.religie", json_string("GEHEIM-GELOOF"));
	zet(doc, "initiator.kvkNummer", json_string("69599084"));
	beoordeel(json_incref(doc), &r);
	assert_true(redenen_heeft(&r, "eigenschap.niet_gedeclareerd", "eigenschappen.religie"));
	assert_true(
	        redenen_heeft(&r, "eigenschap.niet_gedeclareerd", "eigenschappen.geboortedatum"));
	assert_true(redenen_heeft(&r, "initiator.gegeven_niet_nodig", "initiator.kvkNummer"));

	zaak = registreer(doc, terugbel, NU_MS(doc));
	assert_non_null(zaak);
	assert_int_equal(json_array_size(json_object_get(zaak, "eigenschappen")), 4);
	assert_null(eigenschap_waarde(zaak, "geboortedatum"));
	assert_null(eigenschap_waarde(zaak, "religie"));
	betrokkene =
	        json_object_get(json_array_get(json_object_get(zaak, "rollen"), 0), "betrokkene");
	assert_true(json_is_null(json_object_get(betrokkene, "kvkNummer")));
	assert_string_equal(json_string_value(json_object_get(betrokkene, "inpBsn")), "111222333");
	tekst = json_dumps(zaak, 0);
	assert_null(strstr(tekst, "GEHEIM-GELOOF"));
	assert_null(strstr(tekst, "1980-01-01"));
	assert_null(strstr(tekst, "69599084"));
	free(tekst);
	json_decref(zaak);
	json_decref(doc);
}

/* A portal's clock may run a little ahead; more than AANVRAAG_KLOKMARGE_MS is refused. */
static void
aanvraag_datum_in_toekomst(void **state)
{
	json_t *doc = basis();
	struct redenen r;

	(void)state;
	beoordeel_op(json_incref(doc), ingediend(doc) - 4 * 60 * 1000, &r);
	assert_int_equal(r.n, 0);
	beoordeel_op(doc, ingediend(doc) - 6 * 60 * 1000, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.r[0].code, "aanvraag.datum_in_toekomst");
	assert_string_equal(r.r[0].veld, "ingediendOp");
}

static void
aanvraag_bronorganisatie(void **state)
{
	(void)state;
	alleen(met("bronorganisatie", json_string("123456789")),
	       "aanvraag.bronorganisatie_ongeldig", "bronorganisatie");
	geen_redenen(met("bronorganisatie", json_string("002220647")));
}

/* Faults in the message itself are reasons too, never a crash. */
static void
unreadable_fields_are_reasons(void **state)
{
	static const struct {
		const char *pad;
		const char *json; /* NULL = remove */
		const char *code, *veld;
	} gevallen[] = {
	        {"aanvraagId", NULL, "aanvraag.veld_ontbreekt", "aanvraagId"},
	        {"aanvraagId", "\"aanvraag-1\"", "aanvraag.veld_ongeldig", "aanvraagId"},
	        {"aanvraagId", "17", "aanvraag.veld_ongeldig", "aanvraagId"},
	        {"zaaktype", NULL, "aanvraag.veld_ontbreekt", "zaaktype"},
	        {"ingediendOp", NULL, "aanvraag.veld_ontbreekt", "ingediendOp"},
	        {"ingediendOp", "\"gisteren\"", "aanvraag.veld_ongeldig", "ingediendOp"},
	        {"ingediendOp", "1773134100000", "aanvraag.veld_ongeldig", "ingediendOp"},
	        {"initiator", NULL, "aanvraag.veld_ontbreekt", "initiator"},
	        {"initiator", "[]", "aanvraag.veld_ongeldig", "initiator"},
	        {"initiator.betrokkeneType", "\"robot\"", "aanvraag.veld_ongeldig",
	         "initiator.betrokkeneType"},
	        {"initiator.betrokkeneType", NULL, "aanvraag.veld_ontbreekt",
	         "initiator.betrokkeneType"},
	        {"initiator.inpBsn", "111222333", "aanvraag.veld_ongeldig", "initiator.inpBsn"},
	        {"gemachtigde", "\"ja\"", "aanvraag.veld_ongeldig", "gemachtigde"},
	        {"contact", "true", "aanvraag.veld_ongeldig", "contact"},
	        {"contact.emailadres", "[]", "aanvraag.veld_ongeldig", "contact.emailadres"},
	        {"eigenschappen", "[\"a\"]", "aanvraag.veld_ongeldig", "eigenschappen"},
	        {"kanaal", "3", "aanvraag.veld_ongeldig", "kanaal"},
	        {"authenticatie.betrouwbaarheidsniveau", NULL, "aanvraag.veld_ontbreekt",
	         "authenticatie.betrouwbaarheidsniveau"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof gevallen / sizeof gevallen[0]; i++) {
		json_t *doc = basis();
		struct redenen r;

		zet(doc, gevallen[i].pad,
		    gevallen[i].json ? json_loads(gevallen[i].json, JSON_DECODE_ANY, NULL) : NULL);
		beoordeel_op(doc, instant("2026-03-10T09:16:00Z"), &r);
		if (!redenen_heeft(&r, gevallen[i].code, gevallen[i].veld)) {
			toon(&r);
			fail_msg("%s: expected %s [%s]", gevallen[i].pad, gevallen[i].code,
			         gevallen[i].veld);
		}
	}
}

static void
unknown_kanaal_reads_as_overig(void **state)
{
	struct aanvraag *a;
	json_t *doc = met("kanaal", json_string("fax"));

	(void)state;
	a = lees(doc);
	assert_int_equal(a->kanaal, KANAAL_OVERIG);
	assert_null(a->fouten);
	aanvraag_free(a);
	json_decref(doc);
	doc = met("kanaal", NULL);
	a = lees(doc);
	assert_int_equal(a->kanaal, KANAAL_OVERIG);
	aanvraag_free(a);
	json_decref(doc);
}

static void
not_an_object_is_an_error_not_a_crash(void **state)
{
	struct aanvraag *a = (struct aanvraag *)1;
	json_t *doc = json_array();
	char err[64];

	(void)state;
	assert_int_equal(aanvraag_from_json(doc, &a, err, sizeof err), -1);
	assert_null(a);
	assert_non_null(strstr(err, "object"));
	json_decref(doc);
}

static void
all_reasons_at_once(void **state)
{
	json_t *doc = basis();
	struct redenen r;
	static const char *const codes[][2] = {
	        {"aanvraag.datum_in_toekomst", "ingediendOp"},
	        {"initiator.bsn_ongeldig", "initiator.inpBsn"},
	        {"contact.emailadres_ongeldig", "contact.emailadres"},
	        {"contact.telefoonnummer_ongeldig", "contact.telefoonnummer"},
	        {"eigenschap.ontbreekt", "eigenschappen.vraag"},
	        {"eigenschap.formaat", "eigenschappen.telefoonnummer"},
	        {"eigenschap.te_lang", "eigenschappen.voorkeurDagdeel"},
	        {"eigenschap.niet_gedeclareerd", "eigenschappen.geboortedatum"},
	        {"aanvraag.bronorganisatie_ongeldig", "bronorganisatie"},
	};
	int64_t nu;

	(void)state;
	nu = ingediend(doc) - 10 * 60 * 1000;
	zet(doc, "initiator.inpBsn", json_string("123456789"));
	zet(doc, "contact.emailadres", json_string("jansen@"));
	zet(doc, "contact.telefoonnummer", json_string("12"));
	zet(doc, "eigenschappen.vraag", NULL);
	zet(doc, "eigenschappen.telefoonnummer", json_string("bel me"));
	zet(doc, "eigenschappen.voorkeurDagdeel", json_string("liefst aan het eind van de dag"));
	zet(doc, "eigenschappen.geboortedatum", json_string("1980-01-01"));
	zet(doc, "bronorganisatie", json_string("999999999"));
	beoordeel_op(doc, nu, &r);
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (!redenen_heeft(&r, codes[i][0], codes[i][1])) {
			toon(&r);
			fail_msg("missing %s [%s]", codes[i][0], codes[i][1]);
		}
	assert_int_equal(r.n, sizeof codes / sizeof codes[0]);
}

static void
reasons_are_bounded(void **state)
{
	json_t *doc = basis(), *e = json_object();
	struct redenen r;

	(void)state;
	for (int i = 0; i < AANVRAAG_MAX_EIGENSCHAPPEN; i++) {
		char naam[32];

		snprintf(naam, sizeof naam, "extra%d", i);
		json_object_set_new(e, naam, json_string("x"));
	}
	zet(doc, "eigenschappen", e);
	beoordeel(json_incref(doc), &r);
	assert_int_equal(r.n, REDENEN_MAX + 1);
	assert_string_equal(r.r[REDENEN_MAX - 1].code, "eigenschap.niet_gedeclareerd");
	assert_string_equal(r.r[REDENEN_MAX].code, "aanvraag.te_veel_fouten");
	assert_string_equal(r.r[REDENEN_MAX].veld, "");

	json_object_set_new(e, "nogEen", json_string("x"));
	beoordeel(doc, &r);
	assert_true(redenen_heeft(&r, "aanvraag.te_veel_eigenschappen", "eigenschappen"));
}

/* A refusal is published: it must not repeat a BSN, an e-mail address or a value. */
static void
reasons_never_quote_submitted_values(void **state)
{
	json_t *doc = met_gemachtigde("111222333"), *afgewezen;
	struct aanvraag *a;
	struct redenen r;
	char *tekst;

	(void)state;
	zet(doc, "contact.emailadres", json_string("geheim@@example.nl"));
	zet(doc, "eigenschappen.telefoonnummer", json_string("0699999999x"));
	zet(doc, "initiator.kvkNummer", json_string("69599084"));
	a = lees(doc);
	aanvraag_beoordeel(terugbel, a, NU_MS(doc), &r);
	assert_true(r.n >= 4);
	afgewezen = aanvraag_afgewezen_json(a, &r, NU_MS(doc));
	tekst = json_dumps(afgewezen, 0);
	assert_null(strstr(tekst, "111222333"));
	assert_null(strstr(tekst, "geheim@"));
	assert_null(strstr(tekst, "0699999999"));
	assert_null(strstr(tekst, "69599084"));
	free(tekst);
	json_decref(afgewezen);
	aanvraag_free(a);
	json_decref(doc);
}

static void
termijnen_from_the_zaaktype(void **state)
{
	int32_t gepland, uiterlijk;
	bool heeft;
	char buf[DATUM_TEKST];

	(void)state;
	assert_true(aanvraag_termijnen(terugbel, d("2026-03-10"), &gepland, &heeft, &uiterlijk));
	assert_true(heeft);
	assert_int_equal(gepland, d("2026-03-12"));
	assert_int_equal(uiterlijk, d("2026-03-15"));
	/* P6W and P8W across the turn of the year. */
	assert_true(aanvraag_termijnen(subsidie, d("2026-12-15"), &gepland, &heeft, &uiterlijk));
	assert_int_equal(gepland, d("2027-01-26"));
	assert_int_equal(uiterlijk, d("2027-02-09"));
	/* Through 29 February. */
	assert_true(aanvraag_termijnen(curatief, d("2028-02-01"), &gepland, &heeft, &uiterlijk));
	assert_true(datum_format(uiterlijk, buf, sizeof buf));
	assert_string_equal(buf, "2028-03-28");
	assert_int_equal(gepland, d("2028-03-14"));
	assert_false(aanvraag_termijnen(terugbel, DATUM_MAX, &gepland, &heeft, &uiterlijk));
}

static void
termijnen_years_months_and_no_servicenorm(void **state)
{
	json_t *zdoc = laad_json("deploy/catalogus/terugbelnotitie.json");
	struct zaaktype *zt;
	int32_t gepland, uiterlijk;
	bool heeft;
	char err[128];

	(void)state;
	zet(zdoc, "doorlooptijd", json_string("P1Y"));
	zet(zdoc, "servicenorm", json_string("P1M"));
	assert_int_equal(zaaktype_from_json(zdoc, &zt, err, sizeof err), 0);
	assert_true(aanvraag_termijnen(zt, d("2028-02-29"), &gepland, &heeft, &uiterlijk));
	assert_int_equal(uiterlijk, d("2029-02-28"));
	assert_int_equal(gepland, d("2028-03-29"));
	assert_true(aanvraag_termijnen(zt, d("2026-01-31"), &gepland, &heeft, &uiterlijk));
	assert_int_equal(gepland, d("2026-02-28"));
	assert_int_equal(uiterlijk, d("2027-01-31"));
	zaaktype_free(zt);

	zet(zdoc, "servicenorm", json_null());
	assert_int_equal(zaaktype_from_json(zdoc, &zt, err, sizeof err), 0);
	assert_true(aanvraag_termijnen(zt, d("2026-01-31"), &gepland, &heeft, &uiterlijk));
	assert_false(heeft);
	assert_int_equal(uiterlijk, d("2027-01-31"));
	zaaktype_free(zt);
	json_decref(zdoc);
}

static void
zaak_identificatie_format(void **state)
{
	char buf[ZAAK_IDENTIFICATIE_TEKST];

	(void)state;
	assert_true(zaak_identificatie(buf, sizeof buf, 2026, 42));
	assert_string_equal(buf, "ZAAK-2026-0000000042");
	assert_true(zaak_identificatie(buf, sizeof buf, 2027, 9999999999LL));
	assert_string_equal(buf, "ZAAK-2027-9999999999");
	assert_false(zaak_identificatie(buf, sizeof buf, 2026, 10000000000LL));
	assert_false(zaak_identificatie(buf, sizeof buf, 2026, 0));
	assert_false(zaak_identificatie(buf, sizeof buf, 10000, 1));
	assert_false(zaak_identificatie(buf, sizeof buf - 1, 2026, 42));
}

/*
 * Conformance with an .avsc: every field of every record present (no more),
 * types, enum symbols, dates as "YYYY-MM-DD", instants as "...mmmZ". This is
 * what `zs avro encode` needs of plain JSON.
 */
struct schema {
	json_t *doc;
	const char *naam[64];
	json_t *type[64];
	size_t n;
};

static void
registreer_namen(struct schema *s, json_t *t)
{
	size_t i;
	json_t *x;

	if (json_is_array(t)) {
		json_array_foreach(t, i, x) registreer_namen(s, x);
		return;
	}
	if (!json_is_object(t))
		return;
	if (json_object_get(t, "name") && s->n < 64) {
		s->naam[s->n] = json_string_value(json_object_get(t, "name"));
		s->type[s->n++] = t;
	}
	json_array_foreach(json_object_get(t, "fields"), i, x)
	        registreer_namen(s, json_object_get(x, "type"));
	registreer_namen(s, json_object_get(t, "items"));
	registreer_namen(s, json_object_get(t, "values"));
}

static bool past(struct schema *s, json_t *t, json_t *v, const char *pad, char *err, size_t n);

static bool
past_naam(struct schema *s, const char *naam, json_t *v, const char *pad, char *err, size_t n)
{
	const char *kort = strrchr(naam, '.') ? strrchr(naam, '.') + 1 : naam;

	if (!strcmp(naam, "null"))
		return json_is_null(v);
	if (!strcmp(naam, "string"))
		return json_is_string(v);
	if (!strcmp(naam, "boolean"))
		return json_is_boolean(v);
	if (!strcmp(naam, "int") || !strcmp(naam, "long"))
		return json_is_integer(v);
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->naam[i], kort))
			return past(s, s->type[i], v, pad, err, n);
	snprintf(err, n, "%s: unknown type %s", pad, naam);
	return false;
}

static bool
past(struct schema *s, json_t *t, json_t *v, const char *pad, char *err, size_t n)
{
	const char *type, *logisch;
	char sub[256];
	size_t i;
	json_t *x;

	if (json_is_string(t)) {
		if (past_naam(s, json_string_value(t), v, pad, err, n))
			return true;
		if (!err[0])
			snprintf(err, n, "%s: not a %s", pad, json_string_value(t));
		return false;
	}
	if (json_is_array(t)) {
		json_array_foreach(t, i, x)
		{
			err[0] = '\0';
			if (past(s, x, v, pad, err, n))
				return true;
		}
		if (!err[0])
			snprintf(err, n, "%s: fits no branch of the union", pad);
		return false;
	}
	type = json_string_value(json_object_get(t, "type"));
	logisch = json_string_value(json_object_get(t, "logicalType"));
	if (logisch && !strcmp(logisch, "date")) {
		int32_t dd;

		if (json_is_string(v) && datum_parse(json_string_value(v), &dd))
			return true;
		snprintf(err, n, "%s: not a date", pad);
		return false;
	}
	if (logisch && !strcmp(logisch, "timestamp-millis")) {
		int64_t ms;
		const char *w = json_string_value(v);

		if (w && strlen(w) == 24 && w[23] == 'Z' && instant_parse(w, &ms))
			return true;
		snprintf(err, n, "%s: not an instant YYYY-MM-DDTHH:MM:SS.mmmZ", pad);
		return false;
	}
	if (!strcmp(type, "record")) {
		json_t *velden = json_object_get(t, "fields");

		if (!json_is_object(v)) {
			snprintf(err, n, "%s: not an object", pad);
			return false;
		}
		json_array_foreach(velden, i, x)
		{
			const char *veld = json_string_value(json_object_get(x, "name"));
			json_t *w = json_object_get(v, veld);

			snprintf(sub, sizeof sub, "%s.%s", pad, veld);
			if (!w) {
				snprintf(err, n, "%s: missing", sub);
				return false;
			}
			if (!past(s, json_object_get(x, "type"), w, sub, err, n))
				return false;
		}
		if (json_object_size(v) != json_array_size(velden)) {
			snprintf(err, n, "%s: %zu keys for %zu fields", pad, json_object_size(v),
			         json_array_size(velden));
			return false;
		}
		return true;
	}
	if (!strcmp(type, "enum")) {
		json_array_foreach(json_object_get(t, "symbols"), i,
		                   x) if (json_is_string(v) && json_equal(x, v)) return true;
		snprintf(err, n, "%s: not a symbol of %s", pad,
		         json_string_value(json_object_get(t, "name")));
		return false;
	}
	if (!strcmp(type, "array")) {
		if (!json_is_array(v)) {
			snprintf(err, n, "%s: not an array", pad);
			return false;
		}
		json_array_foreach(v, i, x)
		{
			snprintf(sub, sizeof sub, "%s[%zu]", pad, i);
			if (!past(s, json_object_get(t, "items"), x, sub, err, n))
				return false;
		}
		return true;
	}
	if (!strcmp(type, "map")) {
		const char *k;

		if (!json_is_object(v)) {
			snprintf(err, n, "%s: not an object", pad);
			return false;
		}
		json_object_foreach(v, k, x) if (!past(s, json_object_get(t, "values"), x, pad, err,
		                                       n)) return false;
		return true;
	}
	return past_naam(s, type, v, pad, err, n);
}

static void
assert_past_schema(const char *record, json_t *v)
{
	char pad[128], err[512] = "";
	struct schema s = {0};

	/* The newest version: that is what intake emits. */
	for (int versie = 9; versie >= 1; versie--) {
		snprintf(pad, sizeof pad, "schemas/%s.v%d.avsc", record, versie);
		if (access(pad, R_OK) == 0)
			break;
	}
	s.doc = laad_json(pad);
	registreer_namen(&s, s.doc);
	if (!past(&s, s.doc, v, record, err, sizeof err)) {
		char *tekst = json_dumps(v, JSON_INDENT(1));

		print_message("%s\n", tekst);
		free(tekst);
		json_decref(s.doc);
		fail_msg("%s", err);
	}
	json_decref(s.doc);
}

static const char *
str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		fail_msg("%s is not a string", key);
	return json_string_value(v);
}

static void
zaak_geregistreerd_for_every_real_zaaktype_fits_the_schema(void **state)
{
	static const char *const zaaktypen[] = {
	        "TERUGBELNOTITIE", "SUBSIDIE-SANERING-VERKEERSLAWAAI", "CURATIEVE-KLANTREIS"};

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		json_t *doc = i == 0 ? basis()
		                     : basis_voor(zaaktypen[i], i == 1 ? eigenschappen_subsidie
		                                                       : eigenschappen_curatief);
		const struct zaaktype *zt = catalogus_find(cat, zaaktypen[i], d("2026-03-10"));
		json_t *zaak, *geaccepteerd;

		assert_non_null(zt);
		geen_redenen(json_incref(doc));
		zaak = registreer(doc, zt, NU_MS(doc));
		assert_non_null(zaak);
		assert_past_schema("ZaakGeregistreerd", zaak);
		assert_int_equal(json_array_size(json_object_get(zaak, "statustypen")),
		                 zt->n_statustypen);
		assert_int_equal(json_array_size(json_object_get(zaak, "eigenschappen")),
		                 json_object_size(json_object_get(doc, "eigenschappen")));
		geaccepteerd = aanvraag_geaccepteerd_json(zaak, NU_MS(doc));
		assert_past_schema("AanvraagGeaccepteerd", geaccepteerd);
		json_decref(geaccepteerd);
		json_decref(zaak);
		json_decref(doc);
	}
}

static void
zaak_geregistreerd_values(void **state)
{
	json_t *doc = basis(), *zaak, *status, *rollen, *rol, *e, *va, *st;
	int64_t nu = instant("2026-03-11T08:00:00.000Z");

	(void)state;
	zaak = registreer(doc, terugbel, nu);
	assert_string_equal(str(zaak, "uuid"), "0f8fad5b-d9cb-469f-a165-70867728950e");
	assert_string_equal(str(zaak, "identificatie"), "ZAAK-2026-0000000042");
	assert_string_equal(str(zaak, "bronorganisatie"), "002220647");
	assert_string_equal(str(zaak, "zaaktype"), "TERUGBELNOTITIE");
	assert_string_equal(str(zaak, "zaaktypeVersiedatum"), "2026-01-01");
	assert_string_equal(str(zaak, "zaaktypeOmschrijving"), terugbel->omschrijving);
	assert_string_equal(str(zaak, "omschrijving"), terugbel->onderwerp);
	assert_string_equal(str(zaak, "aanvraagId"), "5b0e7c1e-3c7a-4f0e-9a52-6c1f0a3d2b11");
	assert_string_equal(str(zaak, "startdatum"), "2026-03-10");
	assert_string_equal(str(zaak, "registratiedatum"), "2026-03-11");
	assert_string_equal(str(zaak, "einddatumGepland"), "2026-03-12");
	assert_string_equal(str(zaak, "uiterlijkeEinddatumAfdoening"), "2026-03-15");
	assert_string_equal(str(zaak, "vertrouwelijkheidaanduiding"), "intern");
	assert_true(json_is_true(json_object_get(zaak, "tonenAanInitiator")));
	assert_string_equal(str(zaak, "afdeling"), "Klantcontactcentrum 14070");
	assert_string_equal(str(zaak, "kanaal"), "web");
	assert_string_equal(str(json_object_get(zaak, "authenticatie"), "middel"), "digid");

	status = json_object_get(zaak, "status");
	assert_int_equal(json_integer_value(json_object_get(status, "volgnummer")), 1);
	assert_string_equal(str(status, "omschrijving"), "Ontvangen");
	assert_string_equal(str(status, "statustekst"), terugbel->statustypen[0].statustekst);
	assert_true(json_is_true(json_object_get(status, "informeren")));
	assert_true(json_is_false(json_object_get(status, "isEindstatus")));
	assert_int_equal(json_integer_value(json_object_get(status, "stap")), 1);
	assert_int_equal(json_integer_value(json_object_get(status, "aantalStappen")), 3);
	assert_string_equal(str(status, "datumStatusGezet"), "2026-03-11T08:00:00.000Z");

	rollen = json_object_get(zaak, "rollen");
	assert_int_equal(json_array_size(rollen), 1);
	rol = json_array_get(rollen, 0);
	assert_string_equal(str(rol, "omschrijvingGeneriek"), "initiator");
	assert_true(json_is_null(json_object_get(rol, "indicatieMachtiging")));
	assert_string_equal(str(json_object_get(rol, "contactpersoonRol"), "emailadres"),
	                    "j.jansen@example.nl");
	assert_string_equal(str(json_object_get(rol, "betrokkene"), "betrokkeneType"),
	                    "natuurlijk_persoon");

	e = eigenschap_waarde(zaak, "vraag");
	assert_non_null(e);
	assert_string_equal(str(e, "waarde"), "Wanneer krijg ik mijn vergunning?");
	assert_string_equal(str(e, "doel"), zaaktype_eigenschap(terugbel, "vraag")->doel);
	assert_string_equal(str(e, "grondslag"), zaaktype_eigenschap(terugbel, "vraag")->grondslag);
	assert_true(json_is_true(json_object_get(e, "persoonsgegeven")));
	assert_true(json_is_false(
	        json_object_get(eigenschap_waarde(zaak, "onderwerp"), "persoonsgegeven")));

	va = json_object_get(zaak, "verwerkingsactiviteit");
	assert_string_equal(str(va, "id"), terugbel->verwerkingsactiviteit.id);
	assert_string_equal(str(va, "grondslag"), terugbel->verwerkingsactiviteit.grondslag);
	st = json_array_get(json_object_get(zaak, "statustypen"), 2);
	assert_int_equal(json_integer_value(json_object_get(st, "volgnummer")), 3);
	assert_string_equal(str(st, "doorlooptijd"), "P2D");
	json_decref(zaak);
	json_decref(doc);
}

/* The first status is the lowest volgnummer, whatever the catalogus order. */
static void
zaak_first_status_is_lowest_volgnummer(void **state)
{
	json_t *zdoc = laad_json("deploy/catalogus/terugbelnotitie.json");
	json_t *lijst = json_object_get(zdoc, "statustypen"), *doc = basis(), *zaak, *status;
	struct zaaktype *zt;
	char err[128];

	(void)state;
	/* Reverse the order in the document and give the first step volgnummer 7. */
	json_object_set_new(json_array_get(lijst, 0), "volgnummer", json_integer(7));
	json_array_append(lijst, json_array_get(lijst, 0));
	json_array_remove(lijst, 0);
	assert_int_equal(zaaktype_from_json(zdoc, &zt, err, sizeof err), 0);
	zaak = registreer(doc, zt, NU_MS(doc));
	status = json_object_get(zaak, "status");
	assert_int_equal(json_integer_value(json_object_get(status, "volgnummer")), 2);
	assert_string_equal(str(status, "omschrijving"), "In behandeling");
	assert_int_equal(json_integer_value(json_object_get(status, "stap")), 1);
	assert_int_equal(
	        json_integer_value(json_object_get(
	                json_array_get(json_object_get(zaak, "statustypen"), 2), "volgnummer")),
	        7);
	assert_past_schema("ZaakGeregistreerd", zaak);
	json_decref(zaak);
	zaaktype_free(zt);
	json_decref(zdoc);
	json_decref(doc);
}

static void
zaak_with_gemachtigde_has_two_rollen(void **state)
{
	json_t *doc = met_gemachtigde("123456782"), *zaak, *rollen, *initiator, *gemachtigde;

	(void)state;
	geen_redenen(json_incref(doc));
	zaak = registreer(doc, terugbel, NU_MS(doc));
	assert_past_schema("ZaakGeregistreerd", zaak);
	rollen = json_object_get(zaak, "rollen");
	assert_int_equal(json_array_size(rollen), 2);
	initiator = json_array_get(rollen, 0);
	gemachtigde = json_array_get(rollen, 1);
	assert_string_equal(str(initiator, "omschrijvingGeneriek"), "initiator");
	assert_string_equal(str(initiator, "indicatieMachtiging"), "machtiginggever");
	assert_string_equal(str(json_object_get(initiator, "betrokkene"), "inpBsn"), "111222333");
	/* The contact details are those of whoever filled in the form. */
	assert_true(json_is_null(json_object_get(initiator, "contactpersoonRol")));
	assert_string_equal(str(gemachtigde, "indicatieMachtiging"), "gemachtigde");
	assert_string_equal(str(json_object_get(gemachtigde, "betrokkene"), "inpBsn"), "123456782");
	assert_string_equal(
	        str(json_object_get(gemachtigde, "contactpersoonRol"), "telefoonnummer"),
	        "0612345678");
	assert_string_equal(str(json_object_get(zaak, "authenticatie"), "middel"), "machtiging");
	json_decref(zaak);
	json_decref(doc);
}

/* Submitted at 00:30 on New Year's Day Dutch time, registered a day later. */
static void
zaak_dates_are_dutch_dates(void **state)
{
	json_t *doc = met("ingediendOp", json_string("2026-12-31T23:30:00.000Z")), *zaak;

	(void)state;
	zaak = registreer(doc, terugbel, instant("2027-01-01T23:30:00.000Z"));
	assert_string_equal(str(zaak, "startdatum"), "2027-01-01");
	assert_string_equal(str(zaak, "registratiedatum"), "2027-01-02");
	assert_string_equal(str(zaak, "einddatumGepland"), "2027-01-03");
	assert_string_equal(str(zaak, "uiterlijkeEinddatumAfdoening"), "2027-01-06");
	json_decref(zaak);
	json_decref(doc);

	doc = met("ingediendOp", json_string("2026-12-31T22:30:00.000Z")); /* 23:30 */
	zaak = registreer(doc, terugbel, instant("2026-12-31T22:31:00.000Z"));
	assert_string_equal(str(zaak, "startdatum"), "2026-12-31");
	assert_string_equal(str(zaak, "registratiedatum"), "2026-12-31");
	json_decref(zaak);
	json_decref(doc);
}

static void
no_zaak_from_an_unreadable_aanvraag(void **state)
{
	json_t *doc;

	(void)state;
	doc = met("ingediendOp", json_string("gisteren"));
	assert_null(registreer(doc, terugbel, 0));
	json_decref(doc);
	doc = met("initiator.betrokkeneType", json_string("robot"));
	assert_null(registreer(doc, terugbel, 0));
	json_decref(doc);
	doc = met("aanvraagId", NULL);
	assert_null(registreer(doc, terugbel, 0));
	json_decref(doc);
}

static void
outcome_events(void **state)
{
	json_t *doc = met("eigenschappen.vraag", NULL), *uit, *reden;
	struct aanvraag *a = lees(doc);
	struct redenen r;

	(void)state;
	aanvraag_beoordeel(terugbel, a, NU_MS(doc), &r);
	uit = aanvraag_afgewezen_json(a, &r, instant("2026-03-10T09:16:00Z"));
	assert_past_schema("AanvraagAfgewezen", uit);
	assert_string_equal(str(uit, "aanvraagId"), "5b0e7c1e-3c7a-4f0e-9a52-6c1f0a3d2b11");
	assert_string_equal(str(uit, "zaaktype"), "TERUGBELNOTITIE");
	assert_string_equal(str(uit, "afgewezenOp"), "2026-03-10T09:16:00.000Z");
	reden = json_array_get(json_object_get(uit, "redenen"), 0);
	assert_string_equal(str(reden, "code"), "eigenschap.ontbreekt");
	assert_string_equal(str(reden, "veld"), "eigenschappen.vraag");
	json_decref(uit);
	aanvraag_free(a);
	json_decref(doc);

	/* A reason about no field in particular carries veld null. */
	doc = basis();
	zet(doc, "zaaktype", NULL);
	zet(doc, "aanvraagId", NULL);
	a = lees(doc);
	aanvraag_redenen_init(&r);
	redenen_voeg_toe(&r, "aanvraag.te_veel_fouten", NULL, "x");
	uit = aanvraag_afgewezen_json(a, &r, 0);
	assert_past_schema("AanvraagAfgewezen", uit);
	assert_string_equal(str(uit, "zaaktype"), "");
	assert_true(json_is_null(
	        json_object_get(json_array_get(json_object_get(uit, "redenen"), 0), "veld")));
	json_decref(uit);
	aanvraag_free(a);
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(valid_aanvragen_for_every_zaaktype_are_accepted),
	        cmocka_unit_test(zaaktype_onbekend),
	        cmocka_unit_test(zaaktype_niet_geldig_by_dutch_date),
	        cmocka_unit_test(zaaktype_intern_only_through_staffed_channels),
	        cmocka_unit_test(initiator_bsn_elfproef),
	        cmocka_unit_test(initiator_kvk_nummer),
	        cmocka_unit_test(initiator_vestiging),
	        cmocka_unit_test(initiator_medewerker),
	        cmocka_unit_test(initiator_gegeven_niet_nodig),
	        cmocka_unit_test(gemachtigde_rules),
	        cmocka_unit_test(authenticatie_rules),
	        cmocka_unit_test(contact_emailadres),
	        cmocka_unit_test(contact_telefoonnummer),
	        cmocka_unit_test(eigenschap_ontbreekt),
	        cmocka_unit_test(eigenschap_te_lang_counts_characters),
	        cmocka_unit_test(eigenschap_formaat_patroon_and_waardenverzameling),
	        cmocka_unit_test(eigenschap_formaat_datum),
	        cmocka_unit_test(eigenschap_niet_gedeclareerd),
	        cmocka_unit_test(undeclared_data_is_never_copied_into_a_zaak),
	        cmocka_unit_test(aanvraag_datum_in_toekomst),
	        cmocka_unit_test(aanvraag_bronorganisatie),
	        cmocka_unit_test(unreadable_fields_are_reasons),
	        cmocka_unit_test(unknown_kanaal_reads_as_overig),
	        cmocka_unit_test(not_an_object_is_an_error_not_a_crash),
	        cmocka_unit_test(all_reasons_at_once),
	        cmocka_unit_test(reasons_are_bounded),
	        cmocka_unit_test(reasons_never_quote_submitted_values),
	        cmocka_unit_test(termijnen_from_the_zaaktype),
	        cmocka_unit_test(termijnen_years_months_and_no_servicenorm),
	        cmocka_unit_test(zaak_identificatie_format),
	        cmocka_unit_test(zaak_geregistreerd_for_every_real_zaaktype_fits_the_schema),
	        cmocka_unit_test(zaak_geregistreerd_values),
	        cmocka_unit_test(zaak_first_status_is_lowest_volgnummer),
	        cmocka_unit_test(zaak_with_gemachtigde_has_two_rollen),
	        cmocka_unit_test(zaak_dates_are_dutch_dates),
	        cmocka_unit_test(no_zaak_from_an_unreadable_aanvraag),
	        cmocka_unit_test(outcome_events),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
