/*
 * test_datum.c — the date arithmetic every deadline rests on: the civil
 * calendar, ISO-8601 durations (and what the parser refuses), calendar
 * addition with end-of-month clamp, instants, and the Dutch date of an
 * instant across summer time and New Year's Eve.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/datum.h"

/* A mistyped date or instant reads as ..._ONGELDIG, which no assertion below expects. */
#define d(s) datum_van_tekst(s)
#define t(s) instant_van_tekst(s)

static void
assert_datum(int32_t got, const char *verwacht)
{
	char buf[DATUM_TEKST];

	assert_true(datum_format(got, buf, sizeof buf));
	assert_string_equal(buf, verwacht);
}

static void
epoch_and_known_day_numbers(void **state)
{
	(void)state;
	assert_int_equal(datum_from_ymd(1970, 1, 1), 0);
	assert_int_equal(datum_from_ymd(1969, 12, 31), -1);
	assert_int_equal(datum_from_ymd(2000, 3, 1), 11017);
	assert_int_equal(datum_from_ymd(1, 1, 1), DATUM_MIN);
	assert_int_equal(datum_from_ymd(9999, 12, 31), DATUM_MAX);
	assert_int_equal(datum_weekdag(0), 4);                           /* Thursday */
	assert_int_equal(datum_weekdag(datum_from_ymd(2026, 3, 29)), 0); /* Sunday */
	assert_int_equal(datum_weekdag(datum_from_ymd(1969, 12, 28)), 0);
}

/* Every day of years 1..9999 follows the previous one in the calendar. */
static void
every_day_round_trips(void **state)
{
	int py = 1, pm = 1, pd = 1;

	(void)state;
	for (int32_t x = DATUM_MIN + 1; x <= DATUM_MAX; x++) {
		int y, m, dd;

		datum_to_ymd(x, &y, &m, &dd);
		if (dd == pd + 1) {
			assert_true(y == py && m == pm);
		} else {
			assert_int_equal(dd, 1);
			assert_int_equal(pd, dagen_in_maand(py, pm));
			assert_true((m == pm + 1 && y == py) ||
			            (m == 1 && pm == 12 && y == py + 1));
		}
		if (datum_from_ymd(y, m, dd) != x)
			fail_msg("day %d does not round trip", x);
		py = y, pm = m, pd = dd;
	}
	assert_true(py == 9999 && pm == 12 && pd == 31);
}

static void
leap_years_and_days_that_do_not_exist(void **state)
{
	(void)state;
	assert_true(jaar_is_schrikkeljaar(2028));
	assert_true(jaar_is_schrikkeljaar(2000));
	assert_false(jaar_is_schrikkeljaar(1900));
	assert_false(jaar_is_schrikkeljaar(2026));
	assert_int_equal(datum_from_ymd(2026, 2, 29), DATUM_ONGELDIG);
	assert_int_equal(datum_from_ymd(1900, 2, 29), DATUM_ONGELDIG);
	assert_int_not_equal(datum_from_ymd(2000, 2, 29), DATUM_ONGELDIG);
	assert_int_not_equal(datum_from_ymd(2028, 2, 29), DATUM_ONGELDIG);
	assert_int_equal(datum_from_ymd(2026, 4, 31), DATUM_ONGELDIG);
	assert_int_equal(datum_from_ymd(2026, 13, 1), DATUM_ONGELDIG);
	assert_int_equal(datum_from_ymd(2026, 0, 1), DATUM_ONGELDIG);
	assert_int_equal(datum_from_ymd(2026, 1, 0), DATUM_ONGELDIG);
	assert_int_equal(datum_from_ymd(0, 1, 1), DATUM_ONGELDIG);
	assert_int_equal(datum_from_ymd(10000, 1, 1), DATUM_ONGELDIG);
}

static void
datum_parse_is_strict(void **state)
{
	static const char *const fout[] = {
	        "2026-1-01",
	        "2026-01-1",
	        "2026-01-01 ",
	        " 2026-01-01",
	        "2026/01/01",
	        "+026-01-01",
	        "2026-02-29",
	        "2026-02-30",
	        "2026-00-10",
	        "2026-13-10",
	        "",
	        "20260101",
	        "2026-01-01T00:00:00Z",
	        "0000-01-01",
	        "2026-01-0a",
	        "２０２６-01-01",
	};
	int32_t v;

	(void)state;
	for (size_t i = 0; i < sizeof fout / sizeof fout[0]; i++)
		if (datum_parse(fout[i], &v))
			fail_msg("\"%s\" was accepted", fout[i]);
	assert_false(datum_parse(NULL, &v));
	assert_true(datum_parse("2028-02-29", &v));
	assert_int_equal(v, datum_from_ymd(2028, 2, 29));
	assert_true(datum_parse("0001-01-01", &v));
	assert_int_equal(v, DATUM_MIN);
}

static void
datum_format_round_trips_and_refuses_out_of_range(void **state)
{
	char buf[DATUM_TEKST];

	(void)state;
	assert_datum(d("2026-03-31"), "2026-03-31");
	assert_datum(-1, "1969-12-31");
	assert_false(datum_format(DATUM_MAX + 1, buf, sizeof buf));
	assert_string_equal(buf, "");
	assert_false(datum_format(DATUM_MIN - 1, buf, sizeof buf));
	assert_false(datum_format(0, buf, DATUM_TEKST - 1));
}

static void
duur_parse_accepts_calendar_durations(void **state)
{
	struct duur u;

	(void)state;
	assert_true(duur_parse("P8W", &u));
	assert_true(u.weken == 8 && u.jaren == 0 && u.maanden == 0 && u.dagen == 0);
	assert_true(duur_parse("P1Y2M3W4D", &u));
	assert_true(u.jaren == 1 && u.maanden == 2 && u.weken == 3 && u.dagen == 4);
	assert_true(duur_parse("P30D", &u));
	assert_int_equal(u.dagen, 30);
	assert_true(duur_parse("P0D", &u));
	assert_true(duur_is_nul(u));
	assert_true(duur_parse("P0010D", &u));
	assert_int_equal(u.dagen, 10);
	assert_true(duur_parse("P99999D", &u));
	assert_int_equal(u.dagen, DUUR_MAX_GETAL);
}

static void
duur_parse_refuses(void **state)
{
	static const char *const fout[] = {
	        "P",     "PT1H",  "P1DT2H", "PT0S",  "P-1D",     "P+1D",
	        "P1.5D", "P1,5D", "1D",     "P1D1D", "P1M1Y",    "P1D2W",
	        "P1",    "PD",    "p1d",    "P1d",   "P100000D", " P1D",
	        "P1D ",  "P1H",   "P1S",    "",      "P1Y1Y",    "P99999999999999999999D",
	        "P1W2",  "PP1D",  "P1Y-2M",
	};
	char lang[80];
	struct duur u = {7, 7, 7, 7};

	(void)state;
	for (size_t i = 0; i < sizeof fout / sizeof fout[0]; i++)
		if (duur_parse(fout[i], &u))
			fail_msg("\"%s\" was accepted", fout[i]);
	assert_false(duur_parse(NULL, &u));
	/* Bounded by length too: leading zeros cannot make the parser walk megabytes. */
	memset(lang, '0', sizeof lang);
	lang[0] = 'P';
	lang[sizeof lang - 3] = '1';
	lang[sizeof lang - 2] = 'D';
	lang[sizeof lang - 1] = '\0';
	assert_false(duur_parse(lang, &u));
	/* A refused text leaves the output alone. */
	assert_true(u.jaren == 7 && u.dagen == 7);
}

static void
duur_format_round_trips(void **state)
{
	static const char *const teksten[] = {"P8W", "P6W", "P1Y", "P1Y2M3W4D", "P2M10D", "P0D"};
	char buf[DUUR_MAX_TEKST];
	struct duur u;

	(void)state;
	for (size_t i = 0; i < sizeof teksten / sizeof teksten[0]; i++) {
		assert_true(duur_parse(teksten[i], &u));
		assert_true(duur_format(u, buf, sizeof buf));
		assert_string_equal(buf, teksten[i]);
	}
	assert_false(duur_format((struct duur){.dagen = 12345}, buf, 5));
	assert_false(duur_format((struct duur){.dagen = -1}, buf, sizeof buf));
}

static int32_t
plus(const char *datum, const char *duur)
{
	struct duur u;

	if (!duur_parse(duur, &u))
		fail_msg("test duration %s does not parse", duur);
	return datum_plus_duur(d(datum), u);
}

static void
plus_duur_clamps_to_end_of_month(void **state)
{
	(void)state;
	assert_datum(plus("2026-01-31", "P1M"), "2026-02-28");
	assert_datum(plus("2028-01-31", "P1M"), "2028-02-29");
	assert_datum(plus("2026-03-31", "P1M"), "2026-04-30");
	assert_datum(plus("2026-08-31", "P1M"), "2026-09-30");
	assert_datum(plus("2026-12-31", "P2M"), "2027-02-28");
	assert_datum(plus("2026-10-31", "P4M"), "2027-02-28");
	assert_datum(plus("2026-01-15", "P1M"), "2026-02-15");
	assert_datum(plus("2026-11-30", "P3M"), "2027-02-28");
}

static void
plus_duur_leap_years(void **state)
{
	(void)state;
	assert_datum(plus("2028-02-29", "P1Y"), "2029-02-28");
	assert_datum(plus("2028-02-29", "P4Y"), "2032-02-29");
	assert_datum(plus("2027-02-28", "P1Y"), "2028-02-28");
	assert_datum(plus("2028-02-29", "P12M"), "2029-02-28");
	assert_datum(plus("2028-02-28", "P1D"), "2028-02-29");
	assert_datum(plus("2027-02-28", "P1D"), "2027-03-01");
	assert_datum(plus("2099-02-28", "P1Y"), "2100-02-28");
	assert_datum(plus("2096-02-29", "P4Y"), "2100-02-28"); /* 2100 is no leap year */
}

static void
plus_duur_weeks_across_month_and_year_ends(void **state)
{
	(void)state;
	assert_datum(plus("2026-12-15", "P8W"), "2027-02-09");
	assert_datum(plus("2026-12-15", "P6W"), "2027-01-26");
	assert_datum(plus("2026-11-20", "P6W"), "2027-01-01");
	assert_datum(plus("2028-02-01", "P8W"), "2028-03-28"); /* through 29 February */
	assert_datum(plus("2027-02-01", "P8W"), "2027-03-29");
	assert_datum(plus("2026-03-10", "P5D"), "2026-03-15");
	assert_datum(plus("2026-12-30", "P2D"), "2027-01-01");
}

/* Years and months first, then weeks and days: the order changes the answer. */
static void
plus_duur_months_before_days(void **state)
{
	(void)state;
	assert_datum(plus("2026-01-30", "P1M2D"), "2026-03-02");
	assert_datum(plus("2026-01-31", "P1M1W"), "2026-03-07");
	assert_datum(plus("2027-01-29", "P1Y1M"), "2028-02-29");
}

static void
plus_duur_out_of_range(void **state)
{
	(void)state;
	assert_int_equal(plus("9999-12-31", "P1D"), DATUM_ONGELDIG);
	assert_int_equal(plus("9999-12-01", "P1M"), DATUM_ONGELDIG);
	assert_int_equal(plus("2026-01-01", "P99999Y"), DATUM_ONGELDIG);
	assert_int_equal(plus("2026-01-01", "P99999Y99999M99999W99999D"), DATUM_ONGELDIG);
	assert_int_equal(datum_plus_duur(DATUM_ONGELDIG, (struct duur){.dagen = 1}),
	                 DATUM_ONGELDIG);
	assert_int_equal(datum_plus_duur(d("2026-01-01"), (struct duur){.dagen = -1}),
	                 DATUM_ONGELDIG);
	assert_int_equal(datum_plus_dagen(DATUM_MAX, 1), DATUM_ONGELDIG);
	assert_int_equal(datum_plus_dagen(DATUM_MIN, -1), DATUM_ONGELDIG);
	assert_int_equal(datum_plus_dagen(0, INT64_MAX), DATUM_ONGELDIG);
}

static void
dagen_tussen_and_plus_dagen(void **state)
{
	(void)state;
	assert_int_equal(dagen_tussen(d("2028-02-28"), d("2028-03-01")), 2);
	assert_int_equal(dagen_tussen(d("2027-02-28"), d("2027-03-01")), 1);
	assert_int_equal(dagen_tussen(d("2026-12-31"), d("2026-01-01")), -364);
	assert_int_equal(dagen_tussen(d("2026-01-01"), d("2027-01-01")), 365);
	assert_int_equal(dagen_tussen(d("2028-01-01"), d("2029-01-01")), 366);
	assert_datum(datum_plus_dagen(d("2026-03-01"), -1), "2026-02-28");
}

static void
maand_later_for_inzage(void **state)
{
	(void)state;
	assert_datum(maand_later_clamp(d("2026-01-31")), "2026-02-28");
	assert_datum(maand_later_clamp(d("2028-01-31")), "2028-02-29");
	assert_datum(maand_later_clamp(d("2026-01-30")), "2026-02-28");
	assert_datum(maand_later_clamp(d("2026-02-28")), "2026-03-28");
	assert_datum(maand_later_clamp(d("2026-12-31")), "2027-01-31");
	assert_datum(maand_later_clamp(d("2026-05-31")), "2026-06-30");
	assert_int_equal(maand_later_clamp(DATUM_MAX), DATUM_ONGELDIG);
}

static void
instants_parse_and_format(void **state)
{
	char buf[INSTANT_TEKST];
	int64_t ms;

	(void)state;
	assert_int_equal(t("1970-01-01T00:00:00.000Z"), 0);
	assert_int_equal(t("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(t("1970-01-01T00:00:01.5Z"), 1500);
	assert_int_equal(t("1970-01-01T00:00:00.123456789Z"), 123);
	assert_int_equal(t("1969-12-31T23:59:59.999Z"), -1);
	assert_int_equal(t("2026-03-29T03:00:00+02:00"), t("2026-03-29T01:00:00.000Z"));
	assert_int_equal(t("2026-12-31T19:00:00-05:30"), t("2027-01-01T00:30:00Z"));
	assert_int_equal(t("2026-03-10T09:15:30.250Z"), (int64_t)d("2026-03-10") * MS_PER_DAG +
	                                                        ((9 * 60 + 15) * 60 + 30) * 1000 +
	                                                        250);

	assert_true(instant_format(-1, buf, sizeof buf));
	assert_string_equal(buf, "1969-12-31T23:59:59.999Z");
	assert_true(instant_format(t("2026-03-10T09:15:30.25Z"), buf, sizeof buf));
	assert_string_equal(buf, "2026-03-10T09:15:30.250Z");
	assert_true(instant_format(INSTANT_MAX, buf, sizeof buf));
	assert_string_equal(buf, "9999-12-31T23:59:59.999Z");
	assert_false(instant_format(INSTANT_MAX + 1, buf, sizeof buf));
	assert_false(instant_format(0, buf, INSTANT_TEKST - 1));
	assert_true(instant_parse("0001-01-01T00:00:00Z", &ms));
	assert_int_equal(ms, INSTANT_MIN);
}

static void
instant_parse_refuses(void **state)
{
	static const char *const fout[] = {
	        "2026-03-29T24:00:00Z",
	        "2026-03-29T23:60:00Z",
	        "2026-03-29T23:59:60Z",
	        "2026-03-29T12:00:00",
	        "2026-03-29t12:00:00Z",
	        "2026-03-29 12:00:00Z",
	        "2026-02-30T12:00:00Z",
	        "2026-03-29T12:00:00.Z",
	        "2026-03-29T12:00:00.1234567890Z",
	        "2026-03-29T12:00:00Zjunk",
	        "2026-03-29T12:00:00+0200",
	        "2026-03-29T12:00:00+24:00",
	        "2026-03-29T12:00Z",
	        "",
	        "1772000000000",
	        "2026-03-29T12:00:00z",
	        "0001-01-01T00:00:00+00:01",
	};
	int64_t ms;

	(void)state;
	for (size_t i = 0; i < sizeof fout / sizeof fout[0]; i++)
		if (instant_parse(fout[i], &ms))
			fail_msg("\"%s\" was accepted", fout[i]);
	assert_false(instant_parse(NULL, &ms));
}

static void
nl_offset_switches_on_the_last_sundays_at_0100_utc(void **state)
{
	(void)state;
	/* 2026: 29 March and 25 October. */
	assert_int_equal(instant_nl_offset_minuten(t("2026-03-29T00:59:59.999Z")), 60);
	assert_int_equal(instant_nl_offset_minuten(t("2026-03-29T01:00:00.000Z")), 120);
	assert_int_equal(instant_nl_offset_minuten(t("2026-10-25T00:59:59.999Z")), 120);
	assert_int_equal(instant_nl_offset_minuten(t("2026-10-25T01:00:00.000Z")), 60);
	/* 2024: the last Sunday of March is the 31st, the last day of the month. */
	assert_int_equal(instant_nl_offset_minuten(t("2024-03-31T00:59:59.999Z")), 60);
	assert_int_equal(instant_nl_offset_minuten(t("2024-03-31T01:00:00.000Z")), 120);
	assert_int_equal(instant_nl_offset_minuten(t("2024-03-24T12:00:00Z")), 60);
	/* 2027: the last Sunday of October is the 31st. */
	assert_int_equal(instant_nl_offset_minuten(t("2027-10-31T00:59:59.999Z")), 120);
	assert_int_equal(instant_nl_offset_minuten(t("2027-10-31T01:00:00.000Z")), 60);
	assert_int_equal(instant_nl_offset_minuten(t("2027-10-24T12:00:00Z")), 120);
	assert_int_equal(instant_nl_offset_minuten(t("2026-01-15T12:00:00Z")), 60);
	assert_int_equal(instant_nl_offset_minuten(t("2026-07-15T12:00:00Z")), 120);
}

static void
nl_date_around_midnight_and_dst(void **state)
{
	(void)state;
	/* The night before summer time starts: still CET. */
	assert_datum(datum_van_instant_nl(t("2026-03-28T22:59:59.999Z")), "2026-03-28");
	assert_datum(datum_van_instant_nl(t("2026-03-28T23:00:00.000Z")), "2026-03-29");
	/* The first summer-time midnight comes an hour earlier in UTC. */
	assert_datum(datum_van_instant_nl(t("2026-03-29T21:59:59.999Z")), "2026-03-29");
	assert_datum(datum_van_instant_nl(t("2026-03-29T22:00:00.000Z")), "2026-03-30");
	/* The night summer time ends: midnight still CEST. */
	assert_datum(datum_van_instant_nl(t("2026-10-24T21:59:59.999Z")), "2026-10-24");
	assert_datum(datum_van_instant_nl(t("2026-10-24T22:00:00.000Z")), "2026-10-25");
	assert_datum(datum_van_instant_nl(t("2026-10-25T22:59:59.999Z")), "2026-10-25");
	assert_datum(datum_van_instant_nl(t("2026-10-25T23:00:00.000Z")), "2026-10-26");
	/* Summer: 00:30 on 1 July in The Hague is 30 June in UTC. */
	assert_datum(datum_van_instant_nl(t("2026-06-30T22:30:00Z")), "2026-07-01");
	assert_datum(datum_van_instant_nl(t("2026-06-30T21:59:00Z")), "2026-06-30");
	/* Before 1970 the floor still holds. */
	assert_datum(datum_van_instant_nl(t("1969-12-31T22:59:59.999Z")), "1969-12-31");
	assert_datum(datum_van_instant_nl(t("1969-12-31T23:00:00Z")), "1970-01-01");
	assert_int_equal(datum_van_instant_nl(INSTANT_MAX), DATUM_ONGELDIG);
}

static void
nl_date_new_years_eve(void **state)
{
	(void)state;
	/* 23:30 on 31 December in The Hague is 22:30 UTC: the zaak starts on 31 December. */
	assert_datum(datum_van_instant_nl(t("2026-12-31T23:30:00+01:00")), "2026-12-31");
	assert_datum(datum_van_instant_nl(t("2026-12-31T22:30:00Z")), "2026-12-31");
	/* 00:30 on 1 January is still 31 December in UTC. */
	assert_datum(datum_van_instant_nl(t("2026-12-31T23:30:00Z")), "2027-01-01");
	assert_datum(datum_van_instant_utc(t("2026-12-31T23:30:00Z")), "2026-12-31");
}

/*
 * Independent oracle: glibc with the tz database, where the machine has it.
 * Every hour and the millisecond before it, 1996..2037, must give the same
 * Dutch date as the rule.
 */
static void
nl_date_agrees_with_tzdata(void **state)
{
	const char *oud = getenv("TZ");
	char *bewaard = oud ? strdup(oud) : NULL;
	int64_t van = t("1996-01-01T00:00:00Z"), tot = t("2038-01-01T00:00:00Z");
	long verschillen = 0;

	(void)state;
	if (access("/usr/share/zoneinfo/Europe/Amsterdam", R_OK) != 0)
		skip();
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	for (int64_t ms = van; ms < tot; ms += 3600000) {
		for (int i = 0; i < 2; i++) {
			int64_t x = ms - i;
			time_t s = (time_t)(x >= 0 ? x / 1000 : (x - 999) / 1000);
			struct tm tm;

			localtime_r(&s, &tm);
			if (datum_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) !=
			            datum_van_instant_nl(x) ||
			    tm.tm_gmtoff / 60 != instant_nl_offset_minuten(x))
				verschillen++;
		}
	}
	if (bewaard)
		setenv("TZ", bewaard, 1);
	else
		unsetenv("TZ");
	tzset();
	free(bewaard);
	assert_int_equal(verschillen, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(epoch_and_known_day_numbers),
	        cmocka_unit_test(every_day_round_trips),
	        cmocka_unit_test(leap_years_and_days_that_do_not_exist),
	        cmocka_unit_test(datum_parse_is_strict),
	        cmocka_unit_test(datum_format_round_trips_and_refuses_out_of_range),
	        cmocka_unit_test(duur_parse_accepts_calendar_durations),
	        cmocka_unit_test(duur_parse_refuses),
	        cmocka_unit_test(duur_format_round_trips),
	        cmocka_unit_test(plus_duur_clamps_to_end_of_month),
	        cmocka_unit_test(plus_duur_leap_years),
	        cmocka_unit_test(plus_duur_weeks_across_month_and_year_ends),
	        cmocka_unit_test(plus_duur_months_before_days),
	        cmocka_unit_test(plus_duur_out_of_range),
	        cmocka_unit_test(dagen_tussen_and_plus_dagen),
	        cmocka_unit_test(maand_later_for_inzage),
	        cmocka_unit_test(instants_parse_and_format),
	        cmocka_unit_test(instant_parse_refuses),
	        cmocka_unit_test(nl_offset_switches_on_the_last_sundays_at_0100_utc),
	        cmocka_unit_test(nl_date_around_midnight_and_dst),
	        cmocka_unit_test(nl_date_new_years_eve),
	        cmocka_unit_test(nl_date_agrees_with_tzdata),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
