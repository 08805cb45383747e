/*
 * intake.h — the intake daemon's glue between its pure rules (aanvraag.h),
 * its read model (sql/) and the projector: apply a batch of catalogus entries
 * and aanvragen, answer portals that poll for an outcome.
 */
#ifndef ZS_INTAKE_H
#define ZS_INTAKE_H

#include <stdbool.h>

#include "zgw/catalogus.h"
#include "http/http.h"
#include "core/metrics.h"
#include "stream/pg.h"
#include "stream/projector.h"

struct intake {
	struct projector *p;
	struct catalogus *cat;
	const char *bronorganisatie;
	bool catalogus_caught_up; /* this batch already read the catalogus to its end */
	struct metric *m_accepted, *m_refused, *m_resubmitted;
};

bool intake_init(struct intake *in, const char *bronorganisatie);
void intake_free(struct intake *in);
/* Registers intake's statements on pg (prepared now and after reconnects). */
bool intake_prepare(struct pg *pg);
int intake_apply(struct proj_batch *b, void *arg);
/* The catalogus, read whole by every instance (projector on_broadcast). */
void intake_catalogus(struct projector *p, struct proj_msg *m, void *arg);
void intake_routes(struct intake *in, struct http_server *http);

#endif
