/*
 * catalogus_pg.h — the catalogus as every daemon that needs it keeps it: a
 * table zaaktypen (identificatie, begin_geldigheid, versiedatum, doc) in the
 * daemon's own schema (its migration creates it) for reading, and the struct
 * catalogus in memory that decisions use, filled from the catalogus topic at
 * every start.
 */
#ifndef ZS_CATALOGUS_PG_H
#define ZS_CATALOGUS_PG_H

#include <stdbool.h>

#include "zgw/catalogus.h"
#include "stream/pg.h"
#include "stream/projector.h"

bool catalogus_pg_prepare(struct pg *pg);
/* A ZaaktypeGepubliceerd read from the broadcast catalogus (projector
 * on_broadcast): into cat, and stored (idempotent, outside any batch). A
 * malformed zaaktype is logged and skipped: the publisher validates. */
void catalogus_pg_receive(struct catalogus *cat, struct pg *pg, struct proj_msg *m);

#endif
