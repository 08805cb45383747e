/*
 * reden.h — reasons for a refusal, as every daemon gives them: a
 * machine-readable code (dotted lowercase, "eigenschap.ontbreekt"), the field
 * it concerns, and a Dutch text for people. Collected all at once, bounded:
 * after REDENEN_MAX reasons one final overflow reason says there is more.
 */
#ifndef ZS_REDEN_H
#define ZS_REDEN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define REDENEN_MAX 64
#define REDEN_CODE  48
#define REDEN_VELD  128
#define REDEN_TEKST 320

struct reden {
	char code[REDEN_CODE];   /* dotted lowercase, e.g. "eigenschap.ontbreekt" */
	char veld[REDEN_VELD];   /* "" = not about one field */
	char tekst[REDEN_TEKST]; /* plain Dutch, addressed to the person who reads it */
};

struct redenen {
	size_t n;
	struct reden r[REDENEN_MAX + 1];
	const char *te_veel_code, *te_veel_tekst; /* the final reason when there are more */
};

/* Empty, with the code and text of the reason that closes an overflowing list. */
void redenen_init(struct redenen *r, const char *te_veel_code, const char *te_veel_tekst);
void redenen_voeg_toe(struct redenen *r, const char *code, const char *veld, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* Whether a reason with this code (and this veld, unless veld is NULL) is present. */
bool redenen_heeft(const struct redenen *r, const char *code, const char *veld);
/* [{"code", "veld" (string or null), "tekst"}] */
json_t *redenen_json(const struct redenen *r);

#endif
