/*
 * datum.h — calendar dates, ISO-8601 durations and instants, as pure
 * arithmetic shared by every daemon that computes a deadline.
 *
 * A date is an int32_t count of days since 1970-01-01 (Avro's logicalType
 * "date"); an instant is an int64_t count of milliseconds since the epoch,
 * UTC (Avro's "timestamp-millis"). Only years 0001..9999 are representable:
 * every function refuses or returns DATUM_ONGELDIG outside that range, so a
 * hostile duration cannot overflow anything.
 *
 * The Dutch calendar date of an instant is computed by the EU summer-time rule
 * (in force since 1996), not through TZ or tzdata, so the result does not
 * depend on how the machine is configured.
 */
#ifndef ZS_DATUM_H
#define ZS_DATUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DATUM_ONGELDIG INT32_MIN
#define DATUM_MIN      (-719162) /* 0001-01-01 */
#define DATUM_MAX      2932896   /* 9999-12-31 */
#define DATUM_TEKST    11        /* "YYYY-MM-DD" + NUL */

#define INSTANT_ONGELDIG INT64_MIN
#define INSTANT_MIN      (-62135596800000LL) /* 0001-01-01T00:00:00.000Z */
#define INSTANT_MAX      253402300799999LL   /* 9999-12-31T23:59:59.999Z */
#define INSTANT_TEKST    25                  /* "YYYY-MM-DDTHH:MM:SS.mmmZ" + NUL */

#define MS_PER_DAG 86400000LL

bool jaar_is_schrikkeljaar(int jaar);
/* 0 when maand is not 1..12. */
int dagen_in_maand(int jaar, int maand);

/* DATUM_ONGELDIG when the day does not exist (30 Feb) or the year is outside 1..9999. */
int32_t datum_from_ymd(int jaar, int maand, int dag);
void datum_to_ymd(int32_t datum, int *jaar, int *maand, int *dag);
/* 0 = Sunday .. 6 = Saturday. */
int datum_weekdag(int32_t datum);

/* Exactly "YYYY-MM-DD", a day that exists. */
bool datum_parse(const char *s, int32_t *out);
/* The same in one expression: DATUM_ONGELDIG when s is not such a date. */
int32_t datum_van_tekst(const char *s);
/* Writes "YYYY-MM-DD"; false (and "" when n > 0) when out of range or n < DATUM_TEKST. */
bool datum_format(int32_t datum, char *buf, size_t n);

/* An ISO-8601 duration in calendar units: PnYnMnWnD. */
struct duur {
	int jaren, maanden, weken, dagen;
};

#define DUUR_MAX_GETAL 99999 /* per component; beyond that no date stays in range */
#define DUUR_MAX_TEKST 64

/*
 * "P" followed by at least one of nY nM nW nD, in that order, each at most
 * once, n unsigned decimal ≤ DUUR_MAX_GETAL. Refused: time parts (PT1H),
 * signs, fractions, a bare "P", anything longer than DUUR_MAX_TEKST.
 */
bool duur_parse(const char *s, struct duur *out);
/* "P1Y2M", "P8W", "P0D" for zero; false when buf is too small. */
bool duur_format(struct duur d, char *buf, size_t n);
bool duur_is_nul(struct duur d);

/*
 * Calendar addition: years and months first, with the day clamped to the end
 * of the target month (31 Jan + P1M = 28 or 29 Feb), then weeks and days.
 * DATUM_ONGELDIG when datum or the result is out of range.
 */
int32_t datum_plus_duur(int32_t datum, struct duur d);
int32_t datum_plus_dagen(int32_t datum, int64_t dagen);
/* b - a in days: positive when b is later. */
int32_t dagen_tussen(int32_t a, int32_t b);
/* One calendar month later with end-of-month clamp: the AVG art. 12(3) term. */
int32_t maand_later_clamp(int32_t datum);

/*
 * "YYYY-MM-DDTHH:MM:SS[.f]Z" or with a "+hh:mm"/"-hh:mm" offset (RFC 3339);
 * 1..9 fraction digits, truncated to milliseconds. No leap second.
 */
bool instant_parse(const char *s, int64_t *ms);
/* The same in one expression: INSTANT_ONGELDIG when s is not such an instant. */
int64_t instant_van_tekst(const char *s);
/* Writes "YYYY-MM-DDTHH:MM:SS.mmmZ"; false when out of range or n < INSTANT_TEKST. */
bool instant_format(int64_t ms, char *buf, size_t n);

/* The UTC calendar date of an instant (floor, also before 1970). */
int32_t datum_van_instant_utc(int64_t ms);
/* Minutes east of UTC in the Netherlands at that instant: 60 (CET) or 120 (CEST). */
int instant_nl_offset_minuten(int64_t ms);
/*
 * The calendar date in the Netherlands: a zaak submitted at 23:30 on 31
 * December Dutch time starts on 31 December, although UTC is then still or
 * already elsewhere. DATUM_ONGELDIG when out of range.
 */
int32_t datum_van_instant_nl(int64_t ms);

#endif
