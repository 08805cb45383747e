/*
 * test_audit_regel.c — the AuditRegel derived from each kind of event: who
 * (an employee's id, a resident only as a pseudonym), what, which object, the
 * outcome, what changed, the trace; and never a BSN, free text included.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/audit/regel.h"

static struct pseudoniem_sleutel sleutel;
static struct ce_attrs ce = {
        .id = "7d5c7a52-2f7e-4d3a-9a51-0d6f1f1c1b01",
        .source = "zaakstroom/status",
        .type = "nl.zaakstroom.status-gezet",
        .time = "2026-12-06T03:00:00.123Z",
        .traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
};

static json_t *
afleiden(const char *record, const char *json)
{
	json_error_t e;
	json_t *d = json_loads(json, 0, &e);
	struct regel_bron b = {.topic = "zaakstroom.zaken",
	                       .partition = 3,
	                       .offset = 42,
	                       .record = record,
	                       .data = d,
	                       .ce = &ce,
	                       .key = "k"};
	json_t *r;

	assert_non_null(d);
	r = regel_afleiden(&b, &sleutel);
	json_decref(d);
	assert_non_null(r);
	return r;
}

static const char *
s(const json_t *r, const char *f)
{
	return json_string_value(json_object_get(r, f));
}

static void
no_bsn(const json_t *r, const char *bsn)
{
	char *text = json_dumps(r, 0);
	assert_null(strstr(text, bsn));
	free(text);
}

static int
setup(void **state)
{
	(void)state;
	assert_true(pseudoniem_sleutel_parse(
	        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", &sleutel));
	return 0;
}

static void
test_status_gezet(void **state)
{
	json_t *r = afleiden(
	        "StatusGezet",
	        "{\"zaak\":\"0b6c3f0e-8d5e-4f4e-9b3a-111111111111\",\"identificatie\":\"ZAAK-2026-0000000001\","
	        "\"opdrachtId\":\"o1\",\"actor\":{\"medewerkerIdentificatie\":\"m.devries\",\"naam\":\"M\","
	        "\"applicatie\":\"gzac\"},\"tijdstip\":\"2026-12-06T03:00:00.000Z\",\"status\":{\"volgnummer\":2},"
	        "\"vorigeVolgnummer\":1,\"statustoelichting\":\"belde met 999991772\"}");

	(void)state;
	assert_string_equal(s(r, "actie"), "status_gezet");
	assert_string_equal(s(r, "resource"), "status");
	assert_string_equal(s(r, "hoofdObject"), "0b6c3f0e-8d5e-4f4e-9b3a-111111111111");
	assert_string_equal(s(r, "resourceWeergave"), "ZAAK-2026-0000000001");
	assert_string_equal(s(r, "gebruikersId"), "m.devries");
	assert_string_equal(s(r, "applicatieId"), "gzac");
	assert_int_equal(json_integer_value(json_object_get(r, "resultaat")), 201);
	assert_string_equal(s(r, "resourceUrl"), "kafka:zaakstroom.zaken/3/42");
	assert_string_equal(s(r, "traceId"), "4bf92f3577b34da6a3ce929d0e0e4736");
	assert_string_equal(s(r, "eventId"), ce.id);
	assert_string_equal(s(r, "eventType"), "nl.zaakstroom.status-gezet");
	assert_string_equal(s(r, "aanmaakdatum"), ce.time);
	assert_string_equal(s(r, "bron"), "zaakstroom/status");
	/* what changed, the BSN in the free text masked */
	assert_non_null(strstr(s(r, "toelichting"), "\"vorigeVolgnummer\":1"));
	assert_non_null(strstr(s(r, "toelichting"), "\"status\":{\"volgnummer\":2}"));
	no_bsn(r, "999991772");
	json_decref(r);
}

static void
test_opdracht_without_bsn(void **state)
{
	json_t *r = afleiden(
	        "ZaakOpschorten",
	        "{\"opdrachtId\":\"o2\",\"zaak\":\"z1\",\"actor\":{\"medewerkerIdentificatie\":"
	        "\"j.jansen\",\"bsn\":\"999990020\"},\"reden\":\"wacht op stukken\"}");

	(void)state;
	assert_string_equal(s(r, "actie"), "zaak_opschorten");
	assert_string_equal(s(r, "resource"), "opdracht");
	assert_string_equal(s(r, "hoofdObject"), "z1");
	assert_string_equal(s(r, "gebruikersId"), "j.jansen");
	assert_int_equal(json_integer_value(json_object_get(r, "resultaat")), 202);
	assert_non_null(strstr(s(r, "toelichting"), "wacht op stukken"));
	no_bsn(r, "999990020");
	json_decref(r);
}

static void
test_aanvraag_resident_as_pseudonym(void **state)
{
	const char *ev = "{\"aanvraagId\":\"a1\",\"zaaktype\":\"SUBSIDIE\",\"initiator\":{"
	                 "\"betrokkeneType\":\"natuurlijk_persoon\",\"inpBsn\":\"999991772\"}}";
	json_t *r = afleiden("AanvraagIngediend", ev), *again = afleiden("AanvraagIngediend", ev);
	char p[PSEUDONIEM_LEN + 1];

	(void)state;
	assert_true(pseudoniem(&sleutel, "BSN", "999991772", p));
	assert_string_equal(s(r, "gebruikersId"), p);
	assert_string_equal(s(again, "gebruikersId"), p); /* one person, one pseudonym */
	assert_string_equal(s(r, "actie"), "create");
	assert_string_equal(s(r, "hoofdObject"), "a1");
	assert_true(json_is_null(json_object_get(r, "applicatieId")));
	no_bsn(r, "999991772");
	json_decref(r);
	json_decref(again);
}

static void
test_raadpleging_denied(void **state)
{
	json_t *r = afleiden(
	        "GegevensGeraadpleegd",
	        "{\"raadplegingId\":\"r1\",\"actor\":{\"type\":\"medewerker\",\"identificatie\":"
	        "\"k.kcc\",\"rol\":[\"kcc-medewerker\"]},\"betrokkene\":\"abcd\","
	        "\"zaak\":null,\"actie\":\"list\",\"doel\":\"klantcontact\",\"regel\":\"r.kcc\","
	        "\"besluit\":\"deny\",\"reden\":\"belt over 999991772\"}");

	(void)state;
	assert_string_equal(s(r, "actie"), "list");
	assert_int_equal(json_integer_value(json_object_get(r, "resultaat")), 403);
	assert_string_equal(s(r, "hoofdObject"), "abcd"); /* a list: the betrokkene */
	assert_string_equal(s(r, "gebruikersId"), "k.kcc");
	no_bsn(r, "999991772");
	json_decref(r);
}

/* A webhook a subscriber accepted: which subscription got what about which
 * zaak, on the zaak; who the subscriber is in the entry's changes. */
static void
test_gebeurtenis_doorgegeven(void **state)
{
	json_t *r = afleiden(
	        "GebeurtenisDoorgegeven",
	        "{\"berichtId\":\"b1\",\"abonnement\":\"portaal\",\"origin\":\"https://portaal.example.nl\","
	        "\"vorm\":\"notificaties\",\"zaak\":\"z7\",\"identificatie\":\"ZAAK-2026-0000000007\","
	        "\"zaaktype\":\"TERUGBELNOTITIE\",\"aanleiding\":\"status_gewijzigd\","
	        "\"doorgegevenOp\":\"2026-12-06T03:00:00.000Z\",\"pogingen\":2}");
	json_t *w;

	(void)state;
	assert_true(json_is_null(json_object_get(r, "gebruikersId"))); /* nobody acted */
	assert_int_equal(json_integer_value(json_object_get(r, "resultaat")), 200);
	assert_string_equal(s(r, "actie"), "gebeurtenis_doorgegeven");
	assert_string_equal(s(r, "resource"), "webhook");
	/* on the zaak; the subscription is what an FG reads */
	assert_string_equal(s(r, "hoofdObject"), "z7");
	assert_string_equal(s(r, "resourceWeergave"), "portaal");
	w = json_loads(s(r, "toelichting"), 0, NULL);
	assert_non_null(w);
	assert_string_equal(s(w, "abonnement"), "portaal");
	assert_string_equal(s(w, "origin"), "https://portaal.example.nl");
	assert_string_equal(s(w, "aanleiding"), "status_gewijzigd");
	assert_int_equal(json_integer_value(json_object_get(w, "pogingen")), 2);
	json_decref(w);
	json_decref(r);
}

static void
test_unknown_record(void **state)
{
	json_t *r = afleiden("IetsNieuws", "{\"zaak\":\"z9\"}");

	(void)state;
	assert_string_equal(s(r, "actie"), "iets_nieuws");
	assert_string_equal(s(r, "resource"), "onbekend");
	assert_string_equal(s(r, "hoofdObject"), "z9");
	assert_true(json_is_null(json_object_get(r, "toelichting")));
	json_decref(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_status_gezet),
	        cmocka_unit_test(test_opdracht_without_bsn),
	        cmocka_unit_test(test_aanvraag_resident_as_pseudonym),
	        cmocka_unit_test(test_raadpleging_denied),
	        cmocka_unit_test(test_gebeurtenis_doorgegeven),
	        cmocka_unit_test(test_unknown_record),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
