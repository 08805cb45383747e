/*
 * notificatie.h — the notificatie daemon's state: the events it consumes
 * become messages in its persistent queue (apply, in the projector's
 * transaction), and the bezorger delivers them (bezorger.c).
 */
#ifndef ZS_NOTIFICATIE_H
#define ZS_NOTIFICATIE_H

#include <stdbool.h>

#include "abonnementen.h"
#include "access/pseudoniem.h"
#include "access/toegang.h"
#include "bezorging.h"
#include "core/metrics.h"
#include "regels.h"
#include "stream/projector.h"

struct bezorger;

struct notificatie {
	struct projector *p;
	struct toegang *toegang;
	const struct pseudoniem_sleutel *sleutel;
	struct regels regels;
	struct abonnementen abonnementen;
	long venster_ms; /* the merge window */
	struct bezorger *bezorger;

	struct metric *m_zonder_contact, *m_afgemeld, *m_webhook;
};

bool notificatie_prepare(struct pg *pg);
int notificatie_apply(struct proj_batch *b, void *arg);
void notificatie_metrics(struct notificatie *n);

#endif
