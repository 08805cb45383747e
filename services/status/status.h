/*
 * status.h — the status daemon's glue between its rules (regels.h), its read
 * model (sql/) and the projector: registrations and opdrachten applied in
 * batches, opdrachten waiting for their zaak, and the deadline watch.
 */
#ifndef ZS_STATUS_H
#define ZS_STATUS_H

#include <event2/event.h>
#include <stdbool.h>

#include "catalogus.h"
#include "metrics.h"
#include "pg.h"
#include "projector.h"
#include "regels.h"

struct status {
	struct projector *p;
	struct catalogus *cat;
	bool reload_catalogus;
	struct regels_instellingen inst;
	int nadert_dagen;
	int wacht_s;         /* how long an opdracht waits for its zaak */
	const char *vandaag; /* ZS_VANDAAG: the day the deadline watch believes it is */
	struct metric *m_uitgevoerd, *m_geweigerd, *m_wachtend, *m_termijn;
};

void status_init(struct status *s);
void status_free(struct status *s);
bool status_prepare(struct pg *pg);
bool status_load_catalogus(struct status *s, struct pg *pg);
int status_apply(struct proj_batch *b, void *arg);
void status_rolled_back(void *arg);

/* The day for the deadline watch: ZS_VANDAAG when set, else today in the NL. */
int32_t status_vandaag(const struct status *s);
/* Timers: announce due deadlines; refuse opdrachten that waited too long. */
void status_termijnbewaking(struct status *s);
void status_wachtenden_opruimen(struct status *s);

#endif
