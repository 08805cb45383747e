/*
 * verwerkingen.h — the Logboek Dataverwerkingen of a person as zs-inzage
 * keeps it: zs-audit's Dataverwerkingen (one per processing act per
 * betrokkene, on zaakstroom.dataverwerkingen) counted per person and
 * processing activity, with the first and the last act. Pure.
 */
#ifndef ZS_INZAGE_VERWERKINGEN_H
#define ZS_INZAGE_VERWERKINGEN_H

#include <jansson.h>

#include "rapport.h"

/* Longest processingActivityId kept (a URI into the register). */
#define VERWERKING_ACTIVITEIT_MAX 512

/* What the register keeps of one Dataverwerking; the strings point into
 * the Dataverwerking it was read from. */
struct verwerking_rij {
	const char *betrokkene; /* dataSubjectId: the pseudonym, 64 lowercase hex */
	const char *activiteit; /* processingActivityId */
	const char *tijd;       /* startTime, RFC 3339 */
};

/* Reads a Dataverwerking (plain JSON) with its ce_id: NULL when it can be
 * counted (*uit filled), else why not, for its dead letter — without a
 * ce_id a repeat could not be told from a new act, without a pseudonym
 * it belongs to no one. */
const char *verwerkingen_lees(const json_t *dv, const char *ce_id, struct verwerking_rij *uit);

/* Names an activity the catalogus did not (va->naam NULL) from the
 * platform's own verwerkingsactiviteiten (zgw/verwerkingsregister.h) with
 * the same id; the texts point into platform. One known to neither stays
 * as it is: shown by its id, never dropped. */
void verwerkingen_benoem(struct reg_verwerking *va, const json_t *platform);

#endif
