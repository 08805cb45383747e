/*
 * test_audit_verwerking.c — the Logboek Dataverwerkingen: whom an act
 * concerns (every rol of a zaak once, an aanvraag's initiator and
 * gemachtigde, a raadpleging's betrokkene as its pseudonym), under which
 * processing activity, and each Dataverwerking and AuditRegel valid against
 * the schemas in schemas/ (encoded by the same code the daemon uses).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/audit/bewaren.h"
#include "../../services/audit/register.h"
#include "../../services/audit/verwerking.h"
#include "wire/avro_json.h"
#include "wire/schemaset.h"
#include "zgw/verwerkingsregister.h"

static struct pseudoniem_sleutel sleutel;
static struct schemaset *set;
static struct ce_attrs ce = {
        .id = "7d5c7a52-2f7e-4d3a-9a51-0d6f1f1c1b01",
        .source = "urn:nld:oin:00000001003214345000:systeem:zaakstroom-intake",
        .time = "2026-12-06T03:00:00.123Z",
        .traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
};

static int
setup(void **state)
{
	char err[512];

	(void)state;
	assert_true(pseudoniem_sleutel_parse(
	        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", &sleutel));
	set = schemaset_load("schemas", err, sizeof(err));
	return set ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	schemaset_free(set);
	return 0;
}

static void
encodes_as(const char *record, json_t *doc)
{
	const struct schema_entry *e = schemaset_latest(set, record);
	char err[256] = "";
	void *buf = NULL;
	size_t len = 0;
	int rc;

	assert_non_null(e);
	rc = schemaset_encode(e, doc, &buf, &len, err, sizeof(err));
	if (rc != 0)
		fail_msg("%s does not encode: %s", record, err);
	free(buf);
}

static const char *zaak_json =
        "{\"uuid\":\"0b6c3f0e-8d5e-4f4e-9b3a-111111111111\",\"rollen\":["
        "{\"omschrijvingGeneriek\":\"initiator\",\"betrokkene\":{\"betrokkeneType\":"
        "\"natuurlijk_persoon\",\"inpBsn\":\"999991772\"}},"
        "{\"omschrijvingGeneriek\":\"belanghebbende\",\"betrokkene\":{\"betrokkeneType\":"
        "\"natuurlijk_persoon\",\"inpBsn\":\"999991772\"}},"
        "{\"omschrijvingGeneriek\":\"belanghebbende\",\"betrokkene\":{\"betrokkeneType\":"
        "\"niet_natuurlijk_persoon\",\"kvkNummer\":\"68750110\"}}],"
        "\"verwerkingsactiviteit\":{\"id\":\"https://register.denhaag.nl/va/subsidie/v1\"}}";

static void
test_zaak_betrokkenen_once_each(void **state)
{
	json_t *z = json_loads(zaak_json, 0, NULL);
	struct betrokkene b[VERWERKING_MAX_BETROKKENEN];
	char p[PSEUDONIEM_LEN + 1];
	int n = verwerking_betrokkenen("ZaakGeregistreerd", z, &sleutel, b);

	(void)state;
	assert_int_equal(n, 2);
	assert_true(pseudoniem(&sleutel, "BSN", "999991772", p));
	assert_string_equal(b[0].pseudoniem, p);
	assert_string_equal(b[0].type, "BSN");
	assert_string_equal(b[1].type, "KVK");
	assert_string_equal(verwerking_activiteit("ZaakGeregistreerd", z),
	                    "https://register.denhaag.nl/va/subsidie/v1");
	assert_string_equal(verwerking_zaak("ZaakGeregistreerd", z),
	                    "0b6c3f0e-8d5e-4f4e-9b3a-111111111111");
	/* the Dataverwerking: valid, the pseudonym and never the number */
	struct regel_bron bron = {
	        .topic = "zaakstroom.zaken", .record = "ZaakGeregistreerd", .data = z, .ce = &ce};
	json_t *dv =
	        verwerking_afleiden(&bron, &b[0], verwerking_activiteit("ZaakGeregistreerd", z));
	assert_non_null(dv);
	assert_string_equal(json_string_value(json_object_get(dv, "name")), "zaak-geregistreerd");
	assert_string_equal(json_string_value(json_object_get(dv, "traceId")),
	                    "4bf92f3577b34da6a3ce929d0e0e4736");
	assert_string_equal(json_string_value(json_object_get(dv, "spanId")), "00f067aa0ba902b7");
	assert_string_equal(json_string_value(json_object_get(dv, "dataSubjectId")), p);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(dv, "resource"), "serviceName")),
	        "zaakstroom-intake");
	char *text = json_dumps(dv, 0);
	assert_null(strstr(text, "999991772"));
	free(text);
	encodes_as("Dataverwerking", dv);
	/* and the AuditRegel of the same event */
	json_t *r = regel_afleiden(&bron, &sleutel);
	static const uint8_t nul[32];
	json_object_set_new(r, "volgnummer", json_integer(0));
	json_object_set_new(r, "bladHash", avro_json_bytes(nul, sizeof(nul)));
	encodes_as("AuditRegel", r);
	json_decref(dv);
	json_decref(r);
	json_decref(z);
}

static void
test_facts_on_a_zaak_name_nobody_themselves(void **state)
{
	json_t *f = json_loads("{\"zaak\":\"z1\",\"status\":{\"volgnummer\":2}}", 0, NULL);
	struct betrokkene b[VERWERKING_MAX_BETROKKENEN];

	(void)state;
	assert_int_equal(verwerking_betrokkenen("StatusGezet", f, &sleutel, b), 0);
	assert_null(verwerking_activiteit("StatusGezet", f)); /* the zaak's applies */
	assert_string_equal(verwerking_zaak("StatusGezet", f), "z1");
	assert_string_equal(verwerking_activiteit("BerichtVerstuurd", f), ACTIVITEIT_NOTIFICATIE);
	json_decref(f);
}

/* A webhook passed on: the zaak's betrokkenen (the event names nobody),
 * under notificatie, and the subscriber as the recipient the register must
 * name; a channel for a resident's message; nothing for other events. */
static void
test_doorgifte_names_its_subscriber(void **state)
{
	json_t *d = json_loads("{\"berichtId\":\"b1\",\"abonnement\":\"portaal\",\"origin\":"
	                       "\"https://p.example.nl\",\"zaak\":\"z1\",\"kanaal\":\"email\"}",
	                       0, NULL);
	struct betrokkene b[VERWERKING_MAX_BETROKKENEN];
	char o[32];

	(void)state;
	assert_int_equal(verwerking_betrokkenen("GebeurtenisDoorgegeven", d, &sleutel, b), 0);
	assert_string_equal(verwerking_zaak("GebeurtenisDoorgegeven", d), "z1");
	assert_string_equal(verwerking_activiteit("GebeurtenisDoorgegeven", d),
	                    ACTIVITEIT_NOTIFICATIE);
	assert_true(verwerking_ontvanger("GebeurtenisDoorgegeven", d, o, sizeof(o)));
	assert_string_equal(o, "webhook:portaal");
	assert_true(verwerking_ontvanger("BerichtVerstuurd", d, o, sizeof(o)));
	assert_string_equal(o, "email");
	assert_false(verwerking_ontvanger("StatusGezet", d, o, sizeof(o)));
	assert_false(verwerking_ontvanger("GebeurtenisDoorgegeven", d, o, 8)); /* no half name */
	json_object_del(d, "abonnement");
	assert_false(verwerking_ontvanger("GebeurtenisDoorgegeven", d, o, sizeof(o)));
	json_decref(d);
}

static void
test_raadpleging_and_aanvraag(void **state)
{
	char p[PSEUDONIEM_LEN + 1];
	struct betrokkene b[VERWERKING_MAX_BETROKKENEN];
	json_t *r, *a;

	(void)state;
	assert_true(pseudoniem(&sleutel, "BSN", "999993653", p));
	r = json_pack("{s:s, s:s, s:n}", "betrokkene", p, "betrokkeneType", "natuurlijk_persoon",
	              "verwerkingsactiviteit");
	assert_int_equal(verwerking_betrokkenen("GegevensGeraadpleegd", r, &sleutel, b), 1);
	assert_string_equal(b[0].pseudoniem, p);
	assert_string_equal(verwerking_activiteit("GegevensGeraadpleegd", r),
	                    ACTIVITEIT_TRACKTRACE);
	a = json_loads("{\"aanvraagId\":\"a1\",\"zaaktype\":\"SUBSIDIE\",\"initiator\":{"
	               "\"betrokkeneType\":\"natuurlijk_persoon\",\"inpBsn\":\"999991772\"},"
	               "\"gemachtigde\":{\"betrokkeneType\":\"natuurlijk_persoon\",\"inpBsn\":"
	               "\"999990019\"}}",
	               0, NULL);
	assert_int_equal(verwerking_betrokkenen("AanvraagIngediend", a, &sleutel, b), 2);
	/* without the key no pseudonym, and so no line rather than the number */
	assert_int_equal(verwerking_betrokkenen("AanvraagIngediend", a, NULL, b), 0);
	json_decref(r);
	json_decref(a);
}

static bool
heeft(const json_t *bevindingen, const char *code, const char *activiteit, const char *waarde)
{
	size_t i;
	json_t *b;

	json_array_foreach(bevindingen, i, b)
	{
		const char *w = json_string_value(json_object_get(b, "waarde"));
		if (!strcmp(json_string_value(json_object_get(b, "code")), code) &&
		    !strcmp(json_string_value(json_object_get(b, "activiteit")), activiteit) &&
		    (!waarde || (w && !strcmp(w, waarde))))
			return true;
	}
	return false;
}

/* The register from a catalogus version and the platform file, held
 * against what the stream showed. */
static void
test_register_findings(void **state)
{
	char err[256];
	json_t *platform = verwerkingsregister_laad("deploy/verwerkingsregister/platform.json", err,
	                                            sizeof(err));
	json_t *zt = json_loads(
	        "{\"identificatie\":\"X\",\"beginGeldigheid\":\"2026-01-01\",\"verwerkingsactiviteit\":{"
	        "\"id\":\"https://r/x/v1\",\"naam\":\"X behandelen\",\"doel\":\"d\",\"grondslag\":\" \","
	        "\"bewaartermijn\":\"P1Y\"},\"eigenschappen\":[{\"naam\":\"iban\",\"persoonsgegeven\":true},"
	        "{\"naam\":\"bouwjaar\",\"persoonsgegeven\":false}]}",
	        0, NULL);
	json_t *entries, *gezien, *b, *e;

	(void)state;
	assert_non_null(platform);
	assert_int_equal(json_array_size(platform), 3);
	e = register_van_zaaktype(zt);
	assert_non_null(e);
	assert_int_equal(json_array_size(json_object_get(e, "categorieen")), 1); /* iban only */
	entries = json_deep_copy(platform);
	json_array_append_new(entries, e);
	gezien = json_loads(
	        "{\"https://r/x/v1\":{\"verwerkingen\":4,\"categorieen\":[\"iban\",\"bsn-partner\"],"
	        "\"ontvangers\":[]},"
	        "\"urn:zaakstroom:verwerkingsactiviteit:notificatie\":{\"verwerkingen\":2,"
	        "\"categorieen\":[],\"ontvangers\":[\"email\",\"brief\",\"webhook:portaal\"]},"
	        "\"https://r/onbekend\":{\"verwerkingen\":7,\"categorieen\":[],\"ontvangers\":[]}}",
	        0, NULL);
	b = register_bevindingen(entries, gezien);
	assert_true(heeft(b, "register.grondslag_ontbreekt", "https://r/x/v1", NULL));
	assert_false(heeft(b, "register.bewaartermijn_ontbreekt", "https://r/x/v1", NULL));
	assert_true(heeft(b, "register.categorie_niet_genoemd", "https://r/x/v1", "bsn-partner"));
	assert_false(heeft(b, "register.categorie_niet_genoemd", "https://r/x/v1", "iban"));
	assert_true(heeft(b, "register.ontvanger_niet_genoemd",
	                  "urn:zaakstroom:verwerkingsactiviteit:notificatie", "brief"));
	assert_false(heeft(b, "register.ontvanger_niet_genoemd",
	                   "urn:zaakstroom:verwerkingsactiviteit:notificatie", "email"));
	/* a webhook subscriber the entry does not name, and once it does */
	assert_true(heeft(b, "register.ontvanger_niet_genoemd",
	                  "urn:zaakstroom:verwerkingsactiviteit:notificatie", "webhook:portaal"));
	assert_true(heeft(b, "verwerking.niet_in_register", "https://r/onbekend", NULL));
	/* the platform's own entries as shipped are complete */
	assert_int_equal(json_array_size(b), 5);
	json_decref(b);
	for (size_t i = 0; i < json_array_size(entries); i++) {
		json_t *n = json_array_get(entries, i);
		if (!strcmp(json_string_value(json_object_get(n, "id")),
		            "urn:zaakstroom:verwerkingsactiviteit:notificatie"))
			json_array_append_new(json_object_get(n, "ontvangers"),
			                      json_string("webhook:portaal"));
	}
	b = register_bevindingen(entries, gezien);
	assert_false(heeft(b, "register.ontvanger_niet_genoemd",
	                   "urn:zaakstroom:verwerkingsactiviteit:notificatie", "webhook:portaal"));
	assert_true(heeft(b, "register.ontvanger_niet_genoemd",
	                  "urn:zaakstroom:verwerkingsactiviteit:notificatie", "brief"));
	assert_int_equal(json_array_size(b), 4);
	json_decref(b);
	json_decref(gezien);
	json_decref(entries);
	json_decref(platform);
	json_decref(zt);
	assert_null(verwerkingsregister_laad("/nonexistent.json", err, sizeof(err)));
}

static void
test_retention_profiles(void **state)
{
	struct bewaarprofiel b[BEWAREN_MAX];
	char err[128];

	(void)state;
	assert_int_equal(bewaren_parse("raadplegingen=P1Y,http=P18M,*=P7Y", b, err, sizeof(err)),
	                 3);
	assert_string_equal(b[0].topic, "raadplegingen");
	assert_string_equal(b[1].termijn, "P18M");
	assert_string_equal(b[2].topic, "*");
	assert_int_equal(bewaren_parse("", b, err, sizeof(err)), 0);
	assert_int_equal(bewaren_parse("zaken=PT1H", b, err, sizeof(err)), -1);
	assert_int_equal(bewaren_parse("zaken=P0D", b, err, sizeof(err)), -1);
	assert_int_equal(bewaren_parse("zaken", b, err, sizeof(err)), -1);
	assert_int_equal(bewaren_parse("Zaken'=P1Y", b, err, sizeof(err)), -1);
	assert_int_equal(bewaren_parse("zaken=P1Y,zaken=P2Y", b, err, sizeof(err)), -1);
	assert_string_equal(err, "\"zaken\" twice");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_zaak_betrokkenen_once_each),
	        cmocka_unit_test(test_facts_on_a_zaak_name_nobody_themselves),
	        cmocka_unit_test(test_raadpleging_and_aanvraag),
	        cmocka_unit_test(test_doorgifte_names_its_subscriber),
	        cmocka_unit_test(test_register_findings),
	        cmocka_unit_test(test_retention_profiles),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
