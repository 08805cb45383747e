/*
 * datum.c — civil-calendar arithmetic on day numbers (Howard Hinnant's
 * days_from_civil / civil_from_days), ISO-8601 durations, RFC 3339 instants
 * and the Dutch summer-time rule.
 */
#include "core/datum.h"

#include <stdio.h>
#include <string.h>

bool
jaar_is_schrikkeljaar(int jaar)
{
	return (jaar % 4 == 0 && jaar % 100 != 0) || jaar % 400 == 0;
}

int
dagen_in_maand(int jaar, int maand)
{
	static const int dagen[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (maand < 1 || maand > 12)
		return 0;
	if (maand == 2 && jaar_is_schrikkeljaar(jaar))
		return 29;
	return dagen[maand - 1];
}

/* No range checks: callers have validated y/m/d. Valid for any year in int range / 400. */
static int32_t
days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int32_t
datum_from_ymd(int jaar, int maand, int dag)
{
	if (jaar < 1 || jaar > 9999 || dag < 1 || dag > dagen_in_maand(jaar, maand))
		return DATUM_ONGELDIG;
	return days_from_civil(jaar, maand, dag);
}

void
datum_to_ymd(int32_t datum, int *jaar, int *maand, int *dag)
{
	int z = datum + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	int m = mp + (mp < 10 ? 3 : -9);

	*dag = doy - (153 * mp + 2) / 5 + 1;
	*maand = m;
	*jaar = yoe + era * 400 + (m <= 2);
}

int
datum_weekdag(int32_t datum)
{
	/* 1970-01-01 was a Thursday (4). */
	int w = (int)(((int64_t)datum + 4) % 7);

	return w < 0 ? w + 7 : w;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* n digits at s, no sign; false if any is not a digit. */
static bool
digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* "YYYY-MM-DD" at s (not necessarily NUL-terminated after it). */
static bool
parse_ymd(const char *s, int32_t *out)
{
	int y, m, d;
	int32_t v;

	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
	    !digits(s + 8, 2, &d))
		return false;
	v = datum_from_ymd(y, m, d);
	if (v == DATUM_ONGELDIG)
		return false;
	*out = v;
	return true;
}

bool
datum_parse(const char *s, int32_t *out)
{
	if (!s || strnlen(s, 11) != 10)
		return false;
	return parse_ymd(s, out);
}

int32_t
datum_van_tekst(const char *s)
{
	int32_t v;

	return datum_parse(s, &v) ? v : DATUM_ONGELDIG;
}

bool
datum_format(int32_t datum, char *buf, size_t n)
{
	int y, m, d;

	if (n > 0)
		buf[0] = '\0';
	if (datum < DATUM_MIN || datum > DATUM_MAX || n < DATUM_TEKST)
		return false;
	datum_to_ymd(datum, &y, &m, &d);
	snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
	return true;
}

bool
duur_parse(const char *s, struct duur *out)
{
	static const char eenheden[] = "YMWD";
	int waarden[4] = {0, 0, 0, 0};
	int volgende = 0; /* index in eenheden the next component may use */
	const char *p;

	if (!s || s[0] != 'P' || strnlen(s, DUUR_MAX_TEKST + 1) > DUUR_MAX_TEKST)
		return false;
	p = s + 1;
	if (*p == '\0')
		return false;
	while (*p) {
		int v = 0;
		const char *begin = p;
		const char *e;

		while (is_digit(*p)) {
			v = v * 10 + (*p - '0');
			if (v > DUUR_MAX_GETAL)
				return false;
			p++;
		}
		if (p == begin || *p == '\0')
			return false;
		e = strchr(eenheden + volgende, *p);
		if (!e)
			return false; /* unknown unit, 'T', a sign, a fraction, or out of order */
		volgende = (int)(e - eenheden);
		waarden[volgende++] = v;
		p++;
	}
	out->jaren = waarden[0];
	out->maanden = waarden[1];
	out->weken = waarden[2];
	out->dagen = waarden[3];
	return true;
}

bool
duur_is_nul(struct duur d)
{
	return d.jaren == 0 && d.maanden == 0 && d.weken == 0 && d.dagen == 0;
}

bool
duur_format(struct duur d, char *buf, size_t n)
{
	const int waarden[4] = {d.jaren, d.maanden, d.weken, d.dagen};
	static const char eenheden[] = "YMWD";
	size_t len = 1;

	if (n < 4)
		return false;
	buf[0] = 'P';
	buf[1] = '\0';
	if (duur_is_nul(d)) {
		memcpy(buf, "P0D", 4);
		return true;
	}
	for (int i = 0; i < 4; i++) {
		int w;

		if (waarden[i] < 0)
			return false;
		if (waarden[i] == 0)
			continue;
		w = snprintf(buf + len, n - len, "%d%c", waarden[i], eenheden[i]);
		if (w < 0 || (size_t)w >= n - len)
			return false;
		len += (size_t)w;
	}
	return true;
}

int32_t
datum_plus_dagen(int32_t datum, int64_t dagen)
{
	int64_t v;

	if (datum < DATUM_MIN || datum > DATUM_MAX || dagen < -(int64_t)DATUM_MAX * 2 ||
	    dagen > (int64_t)DATUM_MAX * 2)
		return DATUM_ONGELDIG;
	v = (int64_t)datum + dagen;
	if (v < DATUM_MIN || v > DATUM_MAX)
		return DATUM_ONGELDIG;
	return (int32_t)v;
}

int32_t
datum_plus_duur(int32_t datum, struct duur d)
{
	int y, m, dag;
	int64_t maanden;
	int32_t v;

	if (datum < DATUM_MIN || datum > DATUM_MAX || d.jaren < 0 || d.maanden < 0 || d.weken < 0 ||
	    d.dagen < 0 || d.jaren > DUUR_MAX_GETAL || d.maanden > DUUR_MAX_GETAL ||
	    d.weken > DUUR_MAX_GETAL || d.dagen > DUUR_MAX_GETAL)
		return DATUM_ONGELDIG;
	datum_to_ymd(datum, &y, &m, &dag);
	maanden = (int64_t)y * 12 + (m - 1) + (int64_t)d.jaren * 12 + d.maanden;
	y = (int)(maanden / 12);
	m = (int)(maanden % 12) + 1;
	if (y > 9999)
		return DATUM_ONGELDIG;
	if (dag > dagen_in_maand(y, m))
		dag = dagen_in_maand(y, m);
	v = datum_from_ymd(y, m, dag);
	if (v == DATUM_ONGELDIG)
		return v;
	return datum_plus_dagen(v, (int64_t)d.weken * 7 + d.dagen);
}

int32_t
dagen_tussen(int32_t a, int32_t b)
{
	return b - a;
}

int32_t
maand_later_clamp(int32_t datum)
{
	return datum_plus_duur(datum, (struct duur){.maanden = 1});
}

/* "+hh:mm" / "-hh:mm" / "Z" at s, the whole rest of the string. */
static bool
parse_offset(const char *s, int64_t *offset_ms)
{
	int hh, mm;

	if (s[0] == 'Z' && s[1] == '\0') {
		*offset_ms = 0;
		return true;
	}
	if ((s[0] != '+' && s[0] != '-') || !digits(s + 1, 2, &hh) || s[3] != ':' ||
	    !digits(s + 4, 2, &mm) || s[6] != '\0' || hh > 23 || mm > 59)
		return false;
	*offset_ms = ((int64_t)hh * 60 + mm) * 60000 * (s[0] == '-' ? -1 : 1);
	return true;
}

bool
instant_parse(const char *s, int64_t *ms)
{
	int32_t datum;
	int hh, mi, ss, frac = 0, nfrac = 0;
	int64_t offset, v;
	const char *p;

	if (!s || strnlen(s, 41) > 40 || strnlen(s, 20) < 20)
		return false;
	if (!parse_ymd(s, &datum) || s[10] != 'T' || !digits(s + 11, 2, &hh) || s[13] != ':' ||
	    !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &ss))
		return false;
	if (hh > 23 || mi > 59 || ss > 59)
		return false;
	p = s + 19;
	if (*p == '.') {
		p++;
		while (is_digit(*p) && nfrac < 9) {
			if (nfrac < 3)
				frac = frac * 10 + (*p - '0');
			nfrac++;
			p++;
		}
		if (nfrac == 0 || is_digit(*p))
			return false;
		for (int i = nfrac; i < 3; i++)
			frac *= 10;
	}
	if (!parse_offset(p, &offset))
		return false;
	v = (int64_t)datum * MS_PER_DAG + ((int64_t)hh * 3600 + mi * 60 + ss) * 1000 + frac -
	    offset;
	if (v < INSTANT_MIN || v > INSTANT_MAX)
		return false;
	*ms = v;
	return true;
}

int64_t
instant_van_tekst(const char *s)
{
	int64_t v;

	return instant_parse(s, &v) ? v : INSTANT_ONGELDIG;
}

int32_t
datum_van_instant_utc(int64_t ms)
{
	int64_t d = ms / MS_PER_DAG;

	if (ms % MS_PER_DAG < 0)
		d--;
	return (int32_t)d;
}

bool
instant_format(int64_t ms, char *buf, size_t n)
{
	int32_t datum;
	int64_t rest;
	int y, m, d;

	if (n > 0)
		buf[0] = '\0';
	if (ms < INSTANT_MIN || ms > INSTANT_MAX || n < INSTANT_TEKST)
		return false;
	datum = datum_van_instant_utc(ms);
	rest = ms - (int64_t)datum * MS_PER_DAG;
	datum_to_ymd(datum, &y, &m, &d);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d, (int)(rest / 3600000),
	         (int)(rest / 60000 % 60), (int)(rest / 1000 % 60), (int)(rest % 1000));
	return true;
}

/* 01:00 UTC on the last Sunday of the month: when EU summer time starts or ends. */
static int64_t
laatste_zondag_0100_utc(int jaar, int maand)
{
	int32_t laatste = datum_from_ymd(jaar, maand, dagen_in_maand(jaar, maand));

	laatste -= datum_weekdag(laatste);
	return (int64_t)laatste * MS_PER_DAG + 3600000;
}

int
instant_nl_offset_minuten(int64_t ms)
{
	int y, m, d;

	if (ms < INSTANT_MIN || ms > INSTANT_MAX)
		return 60;
	datum_to_ymd(datum_van_instant_utc(ms), &y, &m, &d);
	if (ms >= laatste_zondag_0100_utc(y, 3) && ms < laatste_zondag_0100_utc(y, 10))
		return 120;
	return 60;
}

int32_t
datum_van_instant_nl(int64_t ms)
{
	int32_t d;

	if (ms < INSTANT_MIN || ms > INSTANT_MAX)
		return DATUM_ONGELDIG;
	d = datum_van_instant_utc(ms + (int64_t)instant_nl_offset_minuten(ms) * 60000);
	return d > DATUM_MAX ? DATUM_ONGELDIG : d;
}
