/*
 * termijn.h — the legal clock of a request under the AVG, as pure
 * arithmetic: one calendar month from receipt (AVG art. 12(3); 31 January →
 * 28/29 February), extended at most once, by at most two further months,
 * only with a written reason and only when decided within the first month;
 * and which deadline warnings are due on a given day.
 */
#ifndef ZS_INZAGE_TERMIJN_H
#define ZS_INZAGE_TERMIJN_H

#include <stdbool.h>
#include <stdint.h>

#include "zgw/reden.h"

#define VERLENGING_REDEN_MAX 2000

/* The rights a request may invoke (AVG art. 15-21), as Betrokkenenrecht. */
enum recht {
	RECHT_INZAGE = 0,
	RECHT_RECTIFICATIE,
	RECHT_VERWIJDERING,
	RECHT_BEPERKING,
	RECHT_BEZWAAR,
	RECHT__COUNT
};

const char *recht_naam(enum recht r);
/* -1 for a name outside the list. */
int recht_van_naam(const char *naam);

struct inzage_termijn {
	int32_t ontvangen;       /* Dutch date of receipt */
	int32_t oorspronkelijk;  /* ontvangen + 1 month: the first month ends here */
	int32_t uiterste;        /* the deadline as it now stands */
	int32_t verlengbaar_tot; /* ontvangen + 3 months */
	bool verlengd;
};

/* The term of a request received on that date; false when out of range. */
bool termijn_start(int32_t ontvangen, struct inzage_termijn *t);

/*
 * Judges an extension decided on vandaag to nieuwe (DATUM_ONGELDIG when the
 * field was missing or malformed) with reason reden. Every reason for refusal
 * is added to r (codes verzoek.afgehandeld, verlenging.herhaald,
 * verlenging.te_laat, reden.ontbreekt, reden.te_lang, datum.ongeldig,
 * datum.verleden, verlenging.niet_later, verlenging.te_lang); true (and t
 * updated) when there is none.
 */
bool termijn_verleng(struct inzage_termijn *t, bool afgehandeld, int32_t vandaag, int32_t nieuwe,
                     const char *reden, struct redenen *r);

/* Whether an answer on that date is within the term. */
bool termijn_binnen(const struct inzage_termijn *t, int32_t antwoord);

/* The deadline warnings (InzageTermijnBewaking), each given once per deadline. */
enum bewaking_fase {
	BEWAKING_GEEN = 0,
	BEWAKING_NADERT_7,
	BEWAKING_NADERT_1,
	BEWAKING_OVERSCHREDEN
};

#define BEWAKING_NADERT_DAGEN_VER  7
#define BEWAKING_NADERT_DAGEN_KORT 1

/* Which warning is due on vandaag for an open request with this deadline:
 * the most urgent that applies (a daemon that was down for a week does not
 * announce "7 days left" on the day after the deadline). */
enum bewaking_fase termijn_bewaking(int32_t uiterste, int32_t vandaag);
/* Key in bewaking_gemeld: "nadert-7", "nadert-1", "overschreden". */
const char *bewaking_sleutel(enum bewaking_fase f);
/*
 * The InzageTermijnFase symbol: "overschreden" once the deadline has passed;
 * before it, "verlenging_besluit_nodig" while the request was not extended
 * (its deadline is the end of the first month, the last day on which an
 * extension may be decided: extend now, with reasons, or answer), "nadert"
 * before an extended deadline (nothing is left to decide but the answer).
 */
const char *bewaking_schema_fase(enum bewaking_fase f, bool verlengd);

#endif
