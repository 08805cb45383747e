/*
 * catalogus_pg.c — zaaktypen in a daemon's read model and in memory.
 */
#include "zgw/catalogus_pg.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
catalogus_pg_prepare(struct pg *pg)
{
	return pg_prepare(
	        pg, "zaaktype_upsert",
	        "INSERT INTO zaaktypen (identificatie, begin_geldigheid, versiedatum, doc)"
	        " VALUES ($1, $2::date, $3::date, $4::jsonb)"
	        " ON CONFLICT (identificatie, begin_geldigheid) DO UPDATE"
	        " SET versiedatum = EXCLUDED.versiedatum, doc = EXCLUDED.doc",
	        4);
}

void
catalogus_pg_receive(struct catalogus *cat, struct pg *pg, struct proj_msg *m)
{
	struct zaaktype *zt = NULL;
	char err[256];
	char *doc;
	const char *vals[4];

	if (!m->record || strcmp(m->record, "ZaaktypeGepubliceerd") != 0)
		return;
	if (zaaktype_from_json(m->data, &zt, err, sizeof(err)) != 0) {
		zlog_at(LOG_ERROR,
		        &((struct log_ctx){.topic = m->topic,
		                           .partition = m->partition,
		                           .offset = m->offset,
		                           .detail = err}),
		        "zaaktype refused");
		return;
	}
	doc = json_dumps(m->data, JSON_COMPACT);
	vals[0] = zt->identificatie;
	vals[1] = json_string_value(json_object_get(m->data, "beginGeldigheid"));
	vals[2] = json_string_value(json_object_get(m->data, "versiedatum"));
	vals[3] = doc;
	/* The table is for reading (reports, the API); decisions use memory,
	 * which the topic fills at every start. */
	if (!doc || !pg_cmdp(pg, "zaaktype_upsert", 4, vals))
		zlog_at(LOG_WARN,
		        &((struct log_ctx){.partition = -1,
		                           .offset = -1,
		                           .detail = doc ? pg->last_error : "out of memory",
		                           .hint = "It is decided on from memory all the same; the "
		                                   "next start stores it."}),
		        "zaaktype %s not stored", zt->identificatie);
	free(doc);
	zlog_at(LOG_INFO, &m->log, "zaaktype %s (geldig vanaf %s) known", zt->identificatie,
	        vals[1]);
	if (catalogus_put(cat, zt) != 0) {
		zlog_at(LOG_ERROR, &m->log, "catalogus full: zaaktype %s not kept",
		        zt->identificatie);
		zaaktype_free(zt);
	}
}
