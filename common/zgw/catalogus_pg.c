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

bool
catalogus_pg_laad(struct catalogus **out, struct pg *pg)
{
	PGresult *res = pg_exec(
	        pg, "SELECT doc::text FROM zaaktypen ORDER BY identificatie, begin_geldigheid", 0,
	        NULL);
	struct catalogus *cat;

	if (!res)
		return false;
	cat = catalogus_new();
	for (int r = 0; r < PQntuples(res); r++) {
		char err[256];
		struct zaaktype *zt = NULL;
		json_t *doc = json_loads(PQgetvalue(res, r, 0), 0, NULL);

		if (doc && zaaktype_from_json(doc, &zt, err, sizeof(err)) == 0) {
			if (catalogus_put(cat, zt) != 0)
				zaaktype_free(zt);
		} else {
			zlog_warn("stored zaaktype %d unreadable: %s", r, doc ? err : "bad json");
		}
		json_decref(doc);
	}
	PQclear(res);
	catalogus_free(*out);
	*out = cat;
	zlog_info("catalogus loaded: %zu zaaktype versions", catalogus_aantal(cat));
	return true;
}

int
catalogus_pg_verwerk(struct catalogus *cat, struct proj_batch *b, struct proj_msg *m)
{
	struct zaaktype *zt = NULL;
	char err[256], why[320];
	char *doc;
	const char *vals[4];
	bool ok;

	if (zaaktype_from_json(m->data, &zt, err, sizeof(err)) != 0) {
		snprintf(why, sizeof(why), "zaaktype refused: %s", err);
		projector_dead_letter(b, m, "zaaktype_ongeldig", why);
		return 0;
	}
	doc = json_dumps(m->data, JSON_COMPACT);
	vals[0] = json_string_value(json_object_get(m->data, "identificatie"));
	vals[1] = json_string_value(json_object_get(m->data, "beginGeldigheid"));
	vals[2] = json_string_value(json_object_get(m->data, "versiedatum"));
	vals[3] = doc;
	ok = pg_cmdp(b->pg, "zaaktype_upsert", 4, vals);
	free(doc);
	if (!ok) {
		zaaktype_free(zt);
		return -1;
	}
	zlog_at(LOG_INFO, &m->log, "zaaktype %s (geldig vanaf %s) published", vals[0], vals[1]);
	if (catalogus_put(cat, zt) != 0) {
		zlog_at(LOG_ERROR, &m->log, "catalogus full: zaaktype %s kept in the database only",
		        vals[0]);
		zaaktype_free(zt);
	}
	return 0;
}

void
catalogus_pg_ontvang(struct catalogus *cat, struct pg *pg, struct proj_msg *m)
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
	if (!pg_cmdp(pg, "zaaktype_upsert", 4, vals))
		zlog_warn("zaaktype %s not stored: %s", zt->identificatie, pg->last_error);
	free(doc);
	zlog_at(LOG_INFO, &m->log, "zaaktype %s (geldig vanaf %s) known", zt->identificatie,
	        vals[1]);
	if (catalogus_put(cat, zt) != 0) {
		zlog_at(LOG_ERROR, &m->log, "catalogus full: zaaktype %s not kept",
		        zt->identificatie);
		zaaktype_free(zt);
	}
}
