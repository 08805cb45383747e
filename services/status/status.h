/*
 * status.h — the status daemon's glue between its rules (regels.h,
 * termijnen.h), its read model (sql/) and the projector: registrations and
 * opdrachten applied in batches, opdrachten waiting for their zaak, and the
 * deadline watch.
 */
#ifndef ZS_STATUS_H
#define ZS_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "zgw/catalogus.h"
#include "core/metrics.h"
#include "stream/pg.h"
#include "stream/projector.h"
#include "regels.h"

struct status {
	struct projector *p;
	struct catalogus *cat;
	bool zaaktypen_nieuw; /* a zaaktype came: opdrachten waiting for it may go */
	struct regels_instellingen inst;
	int nadert_dagen;  /* ZS_TERMIJN_NADERT_DAGEN */
	int wacht_s;       /* ZS_STATUS_WACHT_S: how long an opdracht waits for its zaak */
	int termijn_chunk; /* due deadline events handled per transaction */
	int32_t vandaag;   /* ZS_VANDAAG, or DATUM_ONGELDIG: the Dutch date of the clock */
	struct metric *m_uitgevoerd, *m_geweigerd, *m_herhaald, *m_wachtend, *m_termijn,
	        *m_termijn_rows, *m_termijn_tick;
};

bool status_init(struct status *s);
void status_free(struct status *s);
/* ZS_VANDAAG: "" for the clock, else YYYY-MM-DD. False when it is neither. */
bool status_zet_vandaag(struct status *s, const char *tekst);
/* The day the deadline watch believes it is. */
int32_t status_vandaag(const struct status *s);

bool status_prepare(struct pg *pg);
int status_apply(struct proj_batch *b, void *arg);
/* The last step of a batch: every ZaakGeregistreerd whose betrokkene is
 * shielded (BRP geheimhouding) marks the zaak afgeschermd, in the same
 * transaction (afscherming.c). */
bool afscherming_prepare(struct pg *pg);
int afscherming_schrijf(struct proj_batch *b);
/* The rows of such a last step (a jsonb array, taken; NULL when building it
 * ran out of memory) through statement stmt: in the pipeline status_apply
 * left open, so that a failure fails the commit, else on its own. 0 or -1. */
int status_write_rows(struct proj_batch *b, const char *stmt, json_t *rows);
/* And every BerichtVerstuurd about a zaak into the timeline's berichten
 * (berichten.c). */
bool berichten_prepare(struct pg *pg);
int berichten_schrijf(struct proj_batch *b);
/* The catalogus, read whole by every instance (projector on_broadcast). */
void status_catalogus(struct projector *p, struct proj_msg *m, void *arg);
/* After a zaaktype came between batches: the opdrachten that waited for it,
 * in a transaction of their own. */
void status_zaaktypen_bijwerken(struct status *s);

/*
 * Timers, each in transactions of its own (projector_tx): announce the
 * deadline events that are due (bounded chunks; returns the rows touched,
 * -1 on a failure), and refuse opdrachten that waited longer than wacht_s
 * for their zaak.
 */
long status_termijnbewaking(struct status *s);
void status_wachtenden_opruimen(struct status *s);

#endif
