/*
 * test_inzage_verwerkingen.c — what zs-inzage keeps of a Dataverwerking
 * (services/inzage/verwerkingen.c): the person, the activity and the time
 * of a usable one; why not, for its dead letter, of one that cannot be
 * counted once or belongs to no one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "../../services/inzage/verwerkingen.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(a_usable_one_gives_person_activity_and_time),
	        cmocka_unit_test(one_that_cannot_be_counted_once_or_belongs_to_no_one_says_why),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
