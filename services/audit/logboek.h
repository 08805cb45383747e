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
	json_t *zaken;      /* uuid → {"a": activiteit, "b": [[pseudoniem, type], ...]} */
	json_t *zaaktypen;  /* identificatie → activiteit */
	json_t *gezien;     /* "activiteit\tsoort\twaarde" → count, for the register */
	json_t *wachtend;   /* zaak uuid → [events waiting for its registration] */
	json_t *geschreven; /* "bron_sleutel pseudoniem" of each Dataverwerking written */
};

bool logboek_prepare(struct pg *pg);
/* Before the batch's pipeline (one query each). */
bool logboek_begin(struct logboek_batch *lb, struct proj_batch *b);
/* In the pipeline: the Dataverwerkingen of one new event. */
bool logboek_event(struct audit *a, struct logboek_batch *lb, struct pg *pg, struct proj_msg *m,
                   const char *bron_sleutel);
/* In the pipeline, after the batch's events: what it saw, for the register. */
bool logboek_gezien(struct logboek_batch *lb, struct pg *pg);
void logboek_end(struct logboek_batch *lb);

#endif
