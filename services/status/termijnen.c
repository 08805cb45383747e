/*
 * termijnen.c — deadline arithmetic and the deadline watch of a zaak.
 */
#include "termijnen.h"

#include <string.h>

void
termijnen_opschorten(struct termijnen *t, int32_t per)
{
	t->opgeschort_sinds = per;
}

static int32_t
schuif(int32_t datum, int32_t dagen)
{
	if (datum == DATUM_ONGELDIG)
		return DATUM_ONGELDIG;
	return datum_plus_dagen(datum, dagen);
}

int32_t
termijnen_hervatten(struct termijnen *t, int32_t per)
{
	int32_t dagen = 0;

	if (termijnen_opgeschort(t) && per != DATUM_ONGELDIG && per > t->opgeschort_sinds)
		dagen = dagen_tussen(t->opgeschort_sinds, per);
	/* Out of range (year 9999) leaves the dates where they were rather
	 * than losing them. */
	if (dagen > 0 && schuif(t->uiterlijke_einddatum_afdoening, dagen) == DATUM_ONGELDIG)
		dagen = 0;
	if (dagen > 0 && t->einddatum_gepland != DATUM_ONGELDIG &&
	    schuif(t->einddatum_gepland, dagen) == DATUM_ONGELDIG)
		dagen = 0;
	t->uiterlijke_einddatum_afdoening = schuif(t->uiterlijke_einddatum_afdoening, dagen);
	t->einddatum_gepland = schuif(t->einddatum_gepland, dagen);
	t->opgeschort_sinds = DATUM_ONGELDIG;
	return dagen;
}

bool
termijnen_verlenging_past(const struct termijnen *t, struct duur d, struct duur max)
{
	int32_t met = datum_plus_duur(t->uiterlijke_einddatum_afdoening, d);
	int32_t grens = datum_plus_duur(t->uiterlijke_einddatum_afdoening, max);

	if (duur_is_nul(d) || met == DATUM_ONGELDIG || grens == DATUM_ONGELDIG)
		return false;
	return met <= grens;
}

int32_t
termijnen_verlengen(struct termijnen *t, struct duur d)
{
	int32_t nieuw = datum_plus_duur(t->uiterlijke_einddatum_afdoening, d);
	int32_t dagen;

	if (nieuw == DATUM_ONGELDIG)
		return -1;
	dagen = dagen_tussen(t->uiterlijke_einddatum_afdoening, nieuw);
	if (t->einddatum_gepland != DATUM_ONGELDIG &&
	    schuif(t->einddatum_gepland, dagen) == DATUM_ONGELDIG)
		return -1;
	t->uiterlijke_einddatum_afdoening = nieuw;
	t->einddatum_gepland = schuif(t->einddatum_gepland, dagen);
	t->verlengd = true;
	return dagen;
}

bool
termijnen_op_tijd(const struct termijnen *t, int32_t op)
{
	int32_t tegen = termijnen_opgeschort(t) ? t->opgeschort_sinds : op;

	return tegen <= t->uiterlijke_einddatum_afdoening;
}

json_t *
datum_json(int32_t d)
{
	char buf[DATUM_TEKST];

	if (d == DATUM_ONGELDIG || !datum_format(d, buf, sizeof(buf)))
		return json_null();
	return json_string(buf);
}

json_t *
instant_json(int64_t ms)
{
	char buf[INSTANT_TEKST];

	if (!instant_format(ms, buf, sizeof(buf)))
		return json_null();
	return json_string(buf);
}

json_t *
termijnen_json(const struct termijnen *t, int32_t op)
{
	return json_pack("{s:o, s:o, s:b, s:o, s:b, s:b}", "einddatumGepland",
	                 datum_json(t->einddatum_gepland), "uiterlijkeEinddatumAfdoening",
	                 datum_json(t->uiterlijke_einddatum_afdoening), "opgeschort",
	                 termijnen_opgeschort(t), "opgeschortSinds",
	                 datum_json(t->opgeschort_sinds), "verlengd", t->verlengd, "opTijd",
	                 termijnen_op_tijd(t, op));
}

static const char *const soort_namen[TERMIJN__COUNT] = {"einddatum_gepland",
                                                        "uiterlijke_einddatum_afdoening"};
static const char *const fase_namen[FASE__COUNT] = {"nadert", "overschreden"};

const char *
termijn_soort_name(enum termijn_soort t)
{
	return (unsigned)t < TERMIJN__COUNT ? soort_namen[t] : NULL;
}

const char *
termijn_fase_name(enum termijn_fase f)
{
	return (unsigned)f < FASE__COUNT ? fase_namen[f] : NULL;
}

bool
termijn_soort_from_name(const char *s, enum termijn_soort *out)
{
	for (int i = 0; s && i < TERMIJN__COUNT; i++)
		if (!strcmp(s, soort_namen[i])) {
			*out = (enum termijn_soort)i;
			return true;
		}
	return false;
}

bool
termijn_fase_from_name(const char *s, enum termijn_fase *out)
{
	for (int i = 0; s && i < FASE__COUNT; i++)
		if (!strcmp(s, fase_namen[i])) {
			*out = (enum termijn_fase)i;
			return true;
		}
	return false;
}

int
termijn_taken(const struct termijnen *t, bool afgesloten, int nadert_dagen,
              struct termijn_taak out[TERMIJN_TAKEN_MAX])
{
	const int32_t deadlines[TERMIJN__COUNT] = {t->einddatum_gepland,
	                                           t->uiterlijke_einddatum_afdoening};
	int n = 0;

	if (afgesloten || termijnen_opgeschort(t))
		return 0;
	for (int s = 0; s < TERMIJN__COUNT; s++) {
		int32_t d = deadlines[s], nadert, over;

		if (d == DATUM_ONGELDIG)
			continue;
		nadert = nadert_dagen > 0 ? datum_plus_dagen(d, -nadert_dagen) : DATUM_ONGELDIG;
		over = datum_plus_dagen(d, 1);
		if (nadert != DATUM_ONGELDIG)
			out[n++] = (struct termijn_taak){(enum termijn_soort)s, FASE_NADERT, d,
			                                 nadert};
		if (over != DATUM_ONGELDIG)
			out[n++] = (struct termijn_taak){(enum termijn_soort)s, FASE_OVERSCHREDEN,
			                                 d, over};
	}
	return n;
}

bool
termijn_taak_geldig(const struct termijn_taak *t, int32_t vandaag)
{
	if (vandaag < t->wanneer)
		return false;
	return t->fase == FASE_OVERSCHREDEN || vandaag <= t->deadline;
}

int32_t
termijn_dagen_resterend(const struct termijn_taak *t, int32_t vandaag)
{
	return dagen_tussen(vandaag, t->deadline);
}
