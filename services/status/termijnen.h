/*
 * termijnen.h — the two deadlines of a zaak as they move (opschorting,
 * hervatting, verlenging), whether the zaak is on time, and the deadline
 * watch: which TermijnBewaking events an open zaak is due, and when.
 *
 * Pure arithmetic over calendar days (common/datum.h); nothing here reads
 * the clock, so the same opdrachten always give the same dates.
 */
#ifndef ZS_TERMIJNEN_H
#define ZS_TERMIJNEN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/datum.h"

/* The deadlines as they now stand. */
struct termijnen {
	int32_t einddatum_gepland; /* the promise (servicenorm); DATUM_ONGELDIG: none */
	int32_t uiterlijke_einddatum_afdoening; /* the legal term (doorlooptijd) */
	int32_t opgeschort_sinds;               /* DATUM_ONGELDIG: the clock runs */
	bool verlengd;
};

static inline bool
termijnen_opgeschort(const struct termijnen *t)
{
	return t->opgeschort_sinds != DATUM_ONGELDIG;
}

/* Stops the clock on day per. */
void termijnen_opschorten(struct termijnen *t, int32_t per);

/*
 * Restarts the clock on day per: both deadlines move by the calendar days it
 * stood still (per − opgeschort_sinds; 0 when per is not later). Returns
 * those days.
 */
int32_t termijnen_hervatten(struct termijnen *t, int32_t per);

/*
 * Whether a verlenging by d stays within the zaaktype's verlengingstermijn
 * max: measured where it counts, on the legal deadline it moves (P1M from
 * 31 January is shorter than P30D). False when d is zero or out of range.
 */
bool termijnen_verlenging_past(const struct termijnen *t, struct duur d, struct duur max);

/*
 * Extends by d: the legal deadline moves by d on the calendar, the planned
 * date by the same number of days, so both keep their distance. Returns
 * those days, or -1 (nothing changed) when the result is out of range.
 */
int32_t termijnen_verlengen(struct termijnen *t, struct duur d);

/*
 * On time: the legal term not exceeded on day op, or for a zaak whose clock
 * stands still, on the day it stopped.
 */
bool termijnen_op_tijd(const struct termijnen *t, int32_t op);

/* A date / an instant as plain JSON ("YYYY-MM-DD", "...mmmZ"), null when invalid. */
json_t *datum_json(int32_t d);
json_t *instant_json(int64_t ms);

/* The Termijnen record of every fact (schemas/README.md), judged on day op. */
json_t *termijnen_json(const struct termijnen *t, int32_t op);

/* The deadline watch. */
enum termijn_soort { TERMIJN_EINDDATUM_GEPLAND = 0, TERMIJN_UITERLIJKE_EINDDATUM, TERMIJN__COUNT };
enum termijn_fase { FASE_NADERT = 0, FASE_OVERSCHREDEN, FASE__COUNT };

/* "einddatum_gepland" / "uiterlijke_einddatum_afdoening", "nadert" / "overschreden". */
const char *termijn_soort_name(enum termijn_soort t);
const char *termijn_fase_name(enum termijn_fase f);
bool termijn_soort_from_name(const char *s, enum termijn_soort *out);
bool termijn_fase_from_name(const char *s, enum termijn_fase *out);

/* One event to come: on day `wanneer`, about the deadline `deadline`. */
struct termijn_taak {
	enum termijn_soort termijn;
	enum termijn_fase fase;
	int32_t deadline;
	int32_t wanneer;
};

#define TERMIJN_TAKEN_MAX (TERMIJN__COUNT * FASE__COUNT)

/*
 * The events a zaak is due: none when it is closed or its clock stands
 * still; otherwise per deadline "nadert" nadert_dagen before it (not when
 * nadert_dagen is 0) and "overschreden" the day after it. Returns how many.
 */
int termijn_taken(const struct termijnen *t, bool afgesloten, int nadert_dagen,
                  struct termijn_taak out[TERMIJN_TAKEN_MAX]);

/*
 * Whether a due event still means something on day vandaag: "nadert" is
 * dropped once the deadline itself has passed, since "overschreden" then
 * says more (a daemon that was down must not announce both at once).
 */
bool termijn_taak_geldig(const struct termijn_taak *t, int32_t vandaag);

/* Days left until the deadline on day vandaag (negative once past). */
int32_t termijn_dagen_resterend(const struct termijn_taak *t, int32_t vandaag);

#endif
