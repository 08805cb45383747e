/*
 * test_status_termijnen.c — the deadlines of a zaak as they move
 * (opschorting, hervatting, verlenging) across month ends and leap years,
 * whether a zaak is on time, and the deadline watch's phases.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "../../services/status/termijnen.h"

#define d(s) datum_van_tekst(s)

static struct termijnen
termijnen(const char *gepland, const char *uiterlijk)
{
	return (struct termijnen){.einddatum_gepland = gepland ? d(gepland) : DATUM_ONGELDIG,
	                          .uiterlijke_einddatum_afdoening = d(uiterlijk),
	                          .opgeschort_sinds = DATUM_ONGELDIG};
}

static struct duur
duur(const char *s)
{
	struct duur x;
	assert_true(duur_parse(s, &x));
	return x;
}

static void
assert_datum(int32_t got, const char *want)
{
	char buf[DATUM_TEKST];

	datum_format(got, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void
hervatten_moves_both_deadlines_by_the_suspended_calendar_days(void **state)
{
	struct termijnen t = termijnen("2026-04-13", "2026-04-27");

	(void)state;
	termijnen_opschorten(&t, d("2026-03-10"));
	assert_true(termijnen_opgeschort(&t));
	assert_int_equal(termijnen_hervatten(&t, d("2026-03-17")), 7);
	assert_false(termijnen_opgeschort(&t));
	assert_datum(t.einddatum_gepland, "2026-04-20");
	assert_datum(t.uiterlijke_einddatum_afdoening, "2026-05-04");
}

static void
hervatten_across_the_end_of_a_leap_february(void **state)
{
	struct termijnen t = termijnen(NULL, "2028-02-28");

	(void)state;
	termijnen_opschorten(&t, d("2028-02-27"));
	/* 27, 28, 29 February and 1 March: four days in a leap year. */
	assert_int_equal(termijnen_hervatten(&t, d("2028-03-02")), 4);
	assert_datum(t.uiterlijke_einddatum_afdoening, "2028-03-03");
	assert_int_equal(t.einddatum_gepland, DATUM_ONGELDIG); /* no servicenorm stays none */

	t = termijnen(NULL, "2027-02-28");
	termijnen_opschorten(&t, d("2027-02-27"));
	assert_int_equal(termijnen_hervatten(&t, d("2027-03-02")), 3);
	assert_datum(t.uiterlijke_einddatum_afdoening, "2027-03-03");
}

static void
hervatten_on_the_same_day_or_earlier_moves_nothing(void **state)
{
	struct termijnen t = termijnen("2026-04-13", "2026-04-27");

	(void)state;
	termijnen_opschorten(&t, d("2026-03-10"));
	assert_int_equal(termijnen_hervatten(&t, d("2026-03-10")), 0);
	assert_datum(t.uiterlijke_einddatum_afdoening, "2026-04-27");
	termijnen_opschorten(&t, d("2026-03-10"));
	assert_int_equal(termijnen_hervatten(&t, d("2026-03-01")), 0);
	assert_datum(t.einddatum_gepland, "2026-04-13");
	/* Not suspended: nothing to resume. */
	assert_int_equal(termijnen_hervatten(&t, d("2026-03-20")), 0);
	assert_datum(t.uiterlijke_einddatum_afdoening, "2026-04-27");
}

static void
two_suspensions_add_up(void **state)
{
	struct termijnen t = termijnen("2026-04-13", "2026-04-27");

	(void)state;
	termijnen_opschorten(&t, d("2026-03-10"));
	termijnen_hervatten(&t, d("2026-03-12"));
	termijnen_opschorten(&t, d("2026-03-30"));
	termijnen_hervatten(&t, d("2026-04-09"));
	assert_datum(t.einddatum_gepland, "2026-04-25"); /* + 2 + 10 */
	assert_datum(t.uiterlijke_einddatum_afdoening, "2026-05-09");
}

static void
verlengen_moves_the_legal_deadline_on_the_calendar_and_the_planned_date_as_many_days(void **state)
{
	struct termijnen t = termijnen("2026-01-17", "2026-01-31");

	(void)state;
	/* 31 January + P1M = 28 February (end-of-month clamp): 28 days. */
	assert_int_equal(termijnen_verlengen(&t, duur("P1M")), 28);
	assert_datum(t.uiterlijke_einddatum_afdoening, "2026-02-28");
	assert_datum(t.einddatum_gepland, "2026-02-14");
	assert_true(t.verlengd);

	t = termijnen("2028-01-17", "2028-01-31");
	assert_int_equal(termijnen_verlengen(&t, duur("P1M")), 29); /* leap year: 29 February */
	assert_datum(t.uiterlijke_einddatum_afdoening, "2028-02-29");
	assert_datum(t.einddatum_gepland, "2028-02-15");

	t = termijnen(NULL, "2026-03-20");
	assert_int_equal(termijnen_verlengen(&t, duur("P6W")), 42);
	assert_datum(t.uiterlijke_einddatum_afdoening, "2026-05-01");
	assert_int_equal(t.einddatum_gepland, DATUM_ONGELDIG);
}

static void
verlengen_out_of_range_changes_nothing(void **state)
{
	struct termijnen t = termijnen("9999-12-01", "9999-12-20");

	(void)state;
	assert_int_equal(termijnen_verlengen(&t, duur("P1M")), -1);
	assert_datum(t.uiterlijke_einddatum_afdoening, "9999-12-20");
	assert_false(t.verlengd);
}

static void
a_verlenging_is_measured_against_the_verlengingstermijn_on_the_deadline_it_moves(void **state)
{
	struct termijnen jan = termijnen(NULL, "2026-01-31"), apr = termijnen(NULL, "2026-04-30");
	struct termijnen jul = termijnen(NULL, "2026-07-31");

	(void)state;
	assert_true(termijnen_verlenging_past(&apr, duur("P6W"), duur("P6W")));
	assert_true(termijnen_verlenging_past(&apr, duur("P41D"), duur("P6W")));
	assert_false(termijnen_verlenging_past(&apr, duur("P43D"), duur("P6W")));
	assert_false(termijnen_verlenging_past(&apr, duur("P7W"), duur("P6W")));
	/* P1M from 31 January is 28 days, within P30D; from 30 April 30; from 31 July 31. */
	assert_true(termijnen_verlenging_past(&jan, duur("P1M"), duur("P30D")));
	assert_true(termijnen_verlenging_past(&apr, duur("P1M"), duur("P30D")));
	assert_false(termijnen_verlenging_past(&jul, duur("P1M"), duur("P30D")));
	assert_false(termijnen_verlenging_past(&apr, duur("P0D"), duur("P6W")));
}

static void
on_time_until_the_legal_deadline_and_frozen_while_suspended(void **state)
{
	struct termijnen t = termijnen("2026-04-13", "2026-04-27");
	json_t *j;

	(void)state;
	assert_true(termijnen_op_tijd(&t, d("2026-04-27")));
	assert_false(termijnen_op_tijd(&t, d("2026-04-28")));
	assert_true(termijnen_op_tijd(&t, d("2026-04-20"))); /* past the promise, not the term */
	termijnen_opschorten(&t, d("2026-04-20"));
	assert_true(termijnen_op_tijd(&t, d("2026-06-01")));
	termijnen_hervatten(&t, d("2026-06-01"));
	termijnen_opschorten(&t, d("2026-07-15"));
	assert_false(termijnen_op_tijd(&t, d("2026-07-15"))); /* the clock stopped too late */

	j = termijnen_json(&t, d("2026-07-15"));
	assert_string_equal(json_string_value(json_object_get(j, "einddatumGepland")),
	                    "2026-05-25");
	assert_string_equal(json_string_value(json_object_get(j, "uiterlijkeEinddatumAfdoening")),
	                    "2026-06-08");
	assert_true(json_is_true(json_object_get(j, "opgeschort")));
	assert_string_equal(json_string_value(json_object_get(j, "opgeschortSinds")), "2026-07-15");
	assert_true(json_is_false(json_object_get(j, "verlengd")));
	assert_true(json_is_false(json_object_get(j, "opTijd")));
	json_decref(j);
}

static void
an_open_zaak_is_watched_for_both_deadlines_in_both_phases(void **state)
{
	struct termijnen t = termijnen("2026-04-13", "2026-04-27");
	struct termijn_taak tk[TERMIJN_TAKEN_MAX];
	int n = termijn_taken(&t, false, 5, tk);

	(void)state;
	assert_int_equal(n, 4);
	assert_int_equal(tk[0].termijn, TERMIJN_EINDDATUM_GEPLAND);
	assert_int_equal(tk[0].fase, FASE_NADERT);
	assert_datum(tk[0].wanneer, "2026-04-08");
	assert_int_equal(tk[1].fase, FASE_OVERSCHREDEN);
	assert_datum(tk[1].wanneer, "2026-04-14");
	assert_int_equal(tk[2].termijn, TERMIJN_UITERLIJKE_EINDDATUM);
	assert_datum(tk[2].wanneer, "2026-04-22");
	assert_datum(tk[3].wanneer, "2026-04-28");
	assert_datum(tk[3].deadline, "2026-04-27");

	/* Across a month end and 29 February. */
	t = termijnen(NULL, "2028-03-02");
	assert_int_equal(termijn_taken(&t, false, 5, tk), 2);
	assert_datum(tk[0].wanneer, "2028-02-26");
	assert_datum(tk[1].wanneer, "2028-03-03");
}

static void
nothing_is_watched_while_suspended_or_closed_and_nadert_can_be_switched_off(void **state)
{
	struct termijnen t = termijnen("2026-04-13", "2026-04-27");
	struct termijn_taak tk[TERMIJN_TAKEN_MAX];

	(void)state;
	assert_int_equal(termijn_taken(&t, true, 5, tk), 0);
	assert_int_equal(termijn_taken(&t, false, 0, tk), 2);
	assert_int_equal(tk[0].fase, FASE_OVERSCHREDEN);
	assert_int_equal(tk[1].fase, FASE_OVERSCHREDEN);
	termijnen_opschorten(&t, d("2026-04-01"));
	assert_int_equal(termijn_taken(&t, false, 5, tk), 0);
	/* Resumed: watched again, for the moved dates. */
	termijnen_hervatten(&t, d("2026-04-04"));
	assert_int_equal(termijn_taken(&t, false, 5, tk), 4);
	assert_datum(tk[0].deadline, "2026-04-16");
}

static void
a_due_event_is_announced_only_while_it_means_something(void **state)
{
	struct termijn_taak nadert = {TERMIJN_EINDDATUM_GEPLAND, FASE_NADERT, d("2026-04-13"),
	                              d("2026-04-08")};
	struct termijn_taak over = {TERMIJN_EINDDATUM_GEPLAND, FASE_OVERSCHREDEN, d("2026-04-13"),
	                            d("2026-04-14")};

	(void)state;
	assert_false(termijn_taak_geldig(&nadert, d("2026-04-07")));
	assert_true(termijn_taak_geldig(&nadert, d("2026-04-08")));
	assert_true(termijn_taak_geldig(&nadert, d("2026-04-13")));
	assert_false(termijn_taak_geldig(&nadert, d("2026-04-14"))); /* "overschreden" says more */
	assert_false(termijn_taak_geldig(&over, d("2026-04-13")));
	assert_true(termijn_taak_geldig(&over, d("2026-04-14")));
	assert_true(termijn_taak_geldig(&over, d("2026-09-01")));
	assert_int_equal(termijn_dagen_resterend(&nadert, d("2026-04-08")), 5);
	assert_int_equal(termijn_dagen_resterend(&over, d("2026-04-23")), -10);
}

static void
names_of_deadlines_and_phases_round_trip(void **state)
{
	enum termijn_soort s;
	enum termijn_fase f;

	(void)state;
	assert_string_equal(termijn_soort_name(TERMIJN_UITERLIJKE_EINDDATUM),
	                    "uiterlijke_einddatum_afdoening");
	assert_true(termijn_soort_from_name("einddatum_gepland", &s));
	assert_int_equal(s, TERMIJN_EINDDATUM_GEPLAND);
	assert_true(termijn_fase_from_name("overschreden", &f));
	assert_int_equal(f, FASE_OVERSCHREDEN);
	assert_false(termijn_fase_from_name("bijna", &f));
	assert_false(termijn_soort_from_name(NULL, &s));
	assert_null(termijn_fase_name((enum termijn_fase)7));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(hervatten_moves_both_deadlines_by_the_suspended_calendar_days),
	        cmocka_unit_test(hervatten_across_the_end_of_a_leap_february),
	        cmocka_unit_test(hervatten_on_the_same_day_or_earlier_moves_nothing),
	        cmocka_unit_test(two_suspensions_add_up),
	        cmocka_unit_test(
	                verlengen_moves_the_legal_deadline_on_the_calendar_and_the_planned_date_as_many_days),
	        cmocka_unit_test(verlengen_out_of_range_changes_nothing),
	        cmocka_unit_test(
	                a_verlenging_is_measured_against_the_verlengingstermijn_on_the_deadline_it_moves),
	        cmocka_unit_test(on_time_until_the_legal_deadline_and_frozen_while_suspended),
	        cmocka_unit_test(an_open_zaak_is_watched_for_both_deadlines_in_both_phases),
	        cmocka_unit_test(
	                nothing_is_watched_while_suspended_or_closed_and_nadert_can_be_switched_off),
	        cmocka_unit_test(a_due_event_is_announced_only_while_it_means_something),
	        cmocka_unit_test(names_of_deadlines_and_phases_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
