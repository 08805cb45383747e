/*
 * logboek.h — zs-audit's Logboek Dataverwerkingen: the Dataverwerkingen of a
 * batch's new events (verwerking.c decides them), stored per betrokkene and
 * emitted on zaakstroom.dataverwerkingen in the batch's transaction.
 */
#ifndef ZS_AUDIT_LOGBOEK_H
#define ZS_AUDIT_LOGBOEK_H

#include "audit.h"

/* What a batch needs from earlier ones: the betrokkenen of its zaken, the
 * activities of its zaaktypen; and what it adds itself. */
struct logboek_batch {
	json_t *zaken;     /* uuid → {"a": activiteit, "b": [[pseudoniem, type], ...]} */
	json_t *zaaktypen; /* identificatie → activiteit */
};

bool logboek_prepare(struct pg *pg);
/* Before the batch's pipeline (one query each). */
bool logboek_begin(struct logboek_batch *lb, struct proj_batch *b);
/* In the pipeline: the Dataverwerkingen of one new event. */
bool logboek_event(struct audit *a, struct logboek_batch *lb, struct pg *pg, struct proj_msg *m,
                   const char *bron_sleutel);
void logboek_end(struct logboek_batch *lb);

#endif
