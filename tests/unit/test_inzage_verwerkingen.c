/*
 * test_inzage_verwerkingen.c — what zs-inzage keeps of a Dataverwerking
 * (services/inzage/verwerkingen.c): the person, the activity and the time
 * of a usable one; why not, for its dead letter, of one that cannot be
 * counted once or belongs to no one. And what a person is told of it
 * (rapport.c): each activity with its name, purpose, count, first and last,
 * one unknown by its id; the purposes and register entries in art. 15.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/inzage/rapport.h"
#include "../../services/inzage/verwerkingen.h"
#include "zgw/verwerkingsregister.h"

#define PS     "3f1c0a9e5b7d2c4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e"
#define CE_ID  "6d2f8e1a-3b4c-5d6e-8f90-a1b2c3d4e5f6"
#define ACT    "urn:zaakstroom:verwerkingsactiviteit:track-en-trace"
#define TIJDST "2026-03-02T10:00:00.000Z"

/* A Dataverwerking as zs-audit writes it, in plain JSON. */
static json_t *
dv(const char *ps, const char *act, const char *tijd)
{
	return json_pack("{s:s, s:s, s:n, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:n}, s:s?, s:s?, s:s, "
	                 "s:n, s:n}",
	                 "traceId", "0af7651916cd43dd8448eb211c80319c", "spanId",
	                 "b7ad6b7169203331", "parentSpanId", "name", "zaak-geraadpleegd",
	                 "startTime", tijd, "endTime", tijd, "status", "ok", "resource",
	                 "serviceName", "zaakstroom-status", "serviceVersion", "1", "cmdbRef",
	                 "processingActivityId", act, "dataSubjectId", ps, "dataSubjectIdType",
	                 "BSN", "foreignOperation", "exception");
}

static void
a_usable_one_gives_person_activity_and_time(void **state)
{
	json_t *v = dv(PS, ACT, TIJDST);
	struct verwerking_rij r;
	(void)state;

	assert_null(verwerkingen_lees(v, CE_ID, &r));
	assert_string_equal(r.betrokkene, PS);
	assert_string_equal(r.activiteit, ACT);
	assert_string_equal(r.tijd, TIJDST);
	json_decref(v);
}

static void
one_that_cannot_be_counted_once_or_belongs_to_no_one_says_why(void **state)
{
	char lang[VERWERKING_ACTIVITEIT_MAX + 2];
	struct verwerking_rij r;
	static const char *const ps_fout[] = {
	        "", "3f1c", PS "0",
	        /* upper case: not how a pseudonym is written, so not the register's */
	        "3F1C0A9E5B7D2C4E6F8A0B1C2D3E4F5A6B7C8D9E0F1A2B3C4D5E6F7A8B9C0D1E",
	        /* a BSN where the pseudonym belongs */
	        "999991772"};
	json_t *v;
	(void)state;

	memset(lang, 'x', sizeof(lang) - 1);
	lang[sizeof(lang) - 1] = '\0';
	v = dv(PS, ACT, TIJDST);
	/* Without a ce_id a repeat could not be told from a new act. */
	assert_non_null(strstr(verwerkingen_lees(v, NULL, &r), "ce_id"));
	assert_non_null(strstr(verwerkingen_lees(v, "", &r), "ce_id"));
	assert_non_null(strstr(verwerkingen_lees(v, "not-a-uuid", &r), "ce_id"));
	assert_null(r.betrokkene);
	json_decref(v);
	for (size_t i = 0; i < sizeof(ps_fout) / sizeof(ps_fout[0]); i++) {
		v = dv(ps_fout[i], ACT, TIJDST);
		assert_non_null(strstr(verwerkingen_lees(v, CE_ID, &r), "dataSubjectId"));
		json_decref(v);
	}
	v = json_object(); /* nothing at all */
	assert_non_null(verwerkingen_lees(v, CE_ID, &r));
	json_decref(v);
	v = dv(PS, "", TIJDST);
	assert_non_null(strstr(verwerkingen_lees(v, CE_ID, &r), "processingActivityId"));
	json_decref(v);
	v = dv(PS, lang, TIJDST);
	assert_non_null(strstr(verwerkingen_lees(v, CE_ID, &r), "processingActivityId"));
	json_decref(v);
	lang[VERWERKING_ACTIVITEIT_MAX] = '\0'; /* the longest kept */
	v = dv(PS, lang, TIJDST);
	assert_null(verwerkingen_lees(v, CE_ID, &r));
	json_decref(v);
	v = dv(PS, ACT, "gisteren");
	assert_non_null(strstr(verwerkingen_lees(v, CE_ID, &r), "startTime"));
	json_decref(v);
}

#define ONBEKEND "urn:gemeente:verwerking:onbekend-hier"

static json_t *
platform(void)
{
	char err[256];
	json_t *p = verwerkingsregister_laad("deploy/verwerkingsregister/platform.json", err,
	                                     sizeof(err));
	if (!p)
		fail_msg("%s", err);
	return p;
}

static void
a_platform_activity_is_named_from_the_register_file_one_unknown_stays_its_id(void **state)
{
	json_t *p = platform();
	struct reg_verwerking tt = {.id = ACT}, eigen = {.id = ACT, .naam = "Eigen naam"},
	                      vreemd = {.id = ONBEKEND};
	(void)state;

	verwerkingen_benoem(&tt, p);
	assert_non_null(strstr(tt.naam, "Track & Trace"));
	assert_non_null(tt.doel);
	assert_non_null(tt.grondslag);
	assert_string_equal(tt.bewaartermijn, "P1Y");
	verwerkingen_benoem(&eigen, p); /* the catalogus named it: that name stays */
	assert_string_equal(eigen.naam, "Eigen naam");
	assert_null(eigen.doel);
	verwerkingen_benoem(&vreemd, p);
	assert_string_equal(vreemd.id, ONBEKEND);
	assert_null(vreemd.naam);
	json_decref(p);
}

static void
the_overview_and_art15_name_each_activity_with_count_first_and_last(void **state)
{
	json_t *p = platform(), *doc, *lijst, *art15, *rapport;
	struct reg_logboek lb[2] = {
	        {.va = {.id = ACT},
	         .aantal = 3,
	         .eerste = "2026-03-01T08:00:00.000Z",
	         .laatste = "2026-03-06T12:30:00.000Z"},
	        {.va = {.id = ONBEKEND},
	         .aantal = 1,
	         .eerste = "2026-03-07T00:00:00.000Z",
	         .laatste = "2026-03-07T00:00:00.000Z"},
	};
	struct reg reg = {.logboek = lb, .n_logboek = 2};
	struct rapport_verzoek v = {.verzoek_id = "v1", .gemeente = "Gemeente Den Haag"};
	char *tekst, *html;
	json_t *e;
	size_t i;
	bool doel = false;
	(void)state;

	verwerkingen_benoem(&lb[0].va, p);
	verwerkingen_benoem(&lb[1].va, p);
	tekst = rapport_overzicht(&reg, NULL);
	assert_non_null(tekst);
	doc = json_loads(tekst, 0, NULL);
	free(tekst);
	lijst = json_object_get(doc, "verwerkingen");
	assert_int_equal(json_array_size(lijst), 2);
	e = json_array_get(lijst, 0);
	assert_string_equal(json_string_value(json_object_get(e, "naam")), lb[0].va.naam);
	assert_string_equal(json_string_value(json_object_get(e, "doel")), lb[0].va.doel);
	assert_int_equal(json_integer_value(json_object_get(e, "aantal")), 3);
	assert_string_equal(json_string_value(json_object_get(e, "eerste")),
	                    "2026-03-01T08:00:00.000Z");
	assert_string_equal(json_string_value(json_object_get(e, "laatste")),
	                    "2026-03-06T12:30:00.000Z");
	assert_string_equal(json_string_value(json_object_get(e, "registerId")), ACT);
	/* Unknown here: shown by its id, its purpose said to be unknown. */
	e = json_array_get(lijst, 1);
	assert_string_equal(json_string_value(json_object_get(e, "naam")), ONBEKEND);
	assert_string_equal(json_string_value(json_object_get(e, "doel")), "onbekend");
	assert_int_equal(json_integer_value(json_object_get(e, "aantal")), 1);
	json_decref(doc);

	/* Art. 15: the purpose and the register entry of the known one only. */
	art15 = rapport_art15(&reg);
	json_array_foreach(json_object_get(art15, "doeleinden"), i, e)
	{
		doel = doel || !strcmp(json_string_value(e), lb[0].va.doel);
	}
	assert_true(doel);
	lijst = json_object_get(art15, "verwerkingsactiviteiten");
	assert_int_equal(json_array_size(lijst), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(lijst, 0), "id")),
	                    ACT);
	json_decref(art15);

	/* The printable report shows both, with how often. */
	rapport = rapport_document(&reg, &v);
	html = rapport_html(rapport);
	assert_non_null(html);
	assert_non_null(strstr(html, "Wat er met uw gegevens is gedaan"));
	assert_non_null(strstr(html, "<td>" ONBEKEND "</td>"));
	assert_non_null(strstr(html, "<td>3</td>"));
	free(html);
	json_decref(rapport);
	json_decref(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(a_usable_one_gives_person_activity_and_time),
	        cmocka_unit_test(one_that_cannot_be_counted_once_or_belongs_to_no_one_says_why),
	        cmocka_unit_test(
	                a_platform_activity_is_named_from_the_register_file_one_unknown_stays_its_id),
	        cmocka_unit_test(
	                the_overview_and_art15_name_each_activity_with_count_first_and_last),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
