/*
 * termijn.c — the AVG term of a request: see termijn.h.
 */
#include "termijn.h"

#include <ctype.h>
#include <string.h>

#include "core/datum.h"

static const char *const recht_namen[RECHT__COUNT] = {
        "inzage", "rectificatie", "verwijdering", "beperking", "bezwaar",
};

const char *
recht_naam(enum recht r)
{
	return (unsigned)r < RECHT__COUNT ? recht_namen[r] : "?";
}

int
recht_van_naam(const char *naam)
{
	for (int i = 0; naam && i < RECHT__COUNT; i++)
		if (!strcmp(naam, recht_namen[i]))
			return i;
	return -1;
}

bool
termijn_start(int32_t ontvangen, struct inzage_termijn *t)
{
	memset(t, 0, sizeof(*t));
	t->ontvangen = ontvangen;
	t->oorspronkelijk = maand_later_clamp(ontvangen);
	t->verlengbaar_tot = datum_plus_duur(ontvangen, (struct duur){.maanden = 3});
	t->uiterste = t->oorspronkelijk;
	return ontvangen != DATUM_ONGELDIG && t->oorspronkelijk != DATUM_ONGELDIG &&
	       t->verlengbaar_tot != DATUM_ONGELDIG;
}

static bool
leeg(const char *s)
{
	while (s && *s && isspace((unsigned char)*s))
		s++;
	return !s || !*s;
}

bool
termijn_verleng(struct inzage_termijn *t, bool afgehandeld, int32_t vandaag, int32_t nieuwe,
                const char *reden, struct redenen *r)
{
	size_t voor = r->n;
	char tekst[DATUM_TEKST], tot[DATUM_TEKST];

	datum_format(t->oorspronkelijk, tekst, sizeof(tekst));
	datum_format(t->verlengbaar_tot, tot, sizeof(tot));
	if (afgehandeld)
		redenen_voeg_toe(r, "verzoek.afgehandeld", NULL,
		                 "Dit verzoek is al afgehandeld; de termijn kan niet meer worden "
		                 "verlengd.");
	if (t->verlengd)
		redenen_voeg_toe(r, "verlenging.herhaald", NULL,
		                 "De termijn is al eens verlengd; de AVG staat maar één verlenging "
		                 "toe.");
	/* AVG art. 12(3): the betrokkene is told of the extension within one
	 * month of receipt, so it must be decided by then. */
	if (vandaag > t->oorspronkelijk)
		redenen_voeg_toe(
		        r, "verlenging.te_laat", "nieuweUitersteDatum",
		        "Een verlenging moet binnen de eerste maand (tot en met %s) worden "
		        "besloten en aan de betrokkene gemeld; die maand is voorbij.",
		        tekst);
	if (leeg(reden))
		redenen_voeg_toe(r, "reden.ontbreekt", "reden",
		                 "Vermeld schriftelijk waarom de termijn wordt verlengd; de "
		                 "betrokkene krijgt die reden te lezen.");
	else if (strlen(reden) > VERLENGING_REDEN_MAX)
		redenen_voeg_toe(r, "reden.te_lang", "reden", "De reden is langer dan %d tekens.",
		                 VERLENGING_REDEN_MAX);
	if (nieuwe == DATUM_ONGELDIG)
		redenen_voeg_toe(r, "datum.ongeldig", "nieuweUitersteDatum",
		                 "Geef de nieuwe uiterste datum als JJJJ-MM-DD.");
	else if (nieuwe < vandaag)
		redenen_voeg_toe(r, "datum.verleden", "nieuweUitersteDatum",
		                 "De nieuwe uiterste datum ligt in het verleden.");
	else if (nieuwe <= t->uiterste)
		redenen_voeg_toe(r, "verlenging.niet_later", "nieuweUitersteDatum",
		                 "De nieuwe uiterste datum moet na de huidige (%s) liggen.", tekst);
	else if (nieuwe > t->verlengbaar_tot)
		redenen_voeg_toe(
		        r, "verlenging.te_lang", "nieuweUitersteDatum",
		        "Verlengen kan met hoogstens twee maanden: uiterlijk tot en met %s.", tot);
	if (r->n != voor)
		return false;
	t->uiterste = nieuwe;
	t->verlengd = true;
	return true;
}

bool
termijn_binnen(const struct inzage_termijn *t, int32_t antwoord)
{
	return antwoord != DATUM_ONGELDIG && antwoord <= t->uiterste;
}

enum bewaking_fase
termijn_bewaking(int32_t uiterste, int32_t vandaag)
{
	if (uiterste == DATUM_ONGELDIG || vandaag == DATUM_ONGELDIG)
		return BEWAKING_GEEN;
	if (vandaag > uiterste)
		return BEWAKING_OVERSCHREDEN;
	if (dagen_tussen(vandaag, uiterste) <= BEWAKING_NADERT_DAGEN_KORT)
		return BEWAKING_NADERT_1;
	if (dagen_tussen(vandaag, uiterste) <= BEWAKING_NADERT_DAGEN_VER)
		return BEWAKING_NADERT_7;
	return BEWAKING_GEEN;
}

const char *
bewaking_sleutel(enum bewaking_fase f)
{
	switch (f) {
	case BEWAKING_NADERT_7:
		return "nadert-7";
	case BEWAKING_NADERT_1:
		return "nadert-1";
	case BEWAKING_OVERSCHREDEN:
		return "overschreden";
	default:
		return "geen";
	}
}

const char *
bewaking_schema_fase(enum bewaking_fase f, bool verlengd)
{
	if (f == BEWAKING_OVERSCHREDEN)
		return "overschreden";
	return verlengd ? "nadert" : "verlenging_besluit_nodig";
}
