/*
 * logboek.c — Dataverwerkingen per batch (see logboek.h).
 */
#include "logboek.h"
#include "core/log.h"
#include "verwerking.h"

#include <stdlib.h>
#include <string.h>

bool
logboek_prepare(struct pg *pg)
{
	return pg_prepare(
	               pg, "logboek_zaken",
	               "SELECT k.z, b.pseudoniem, b.type, b.activiteit"
	               " FROM jsonb_array_elements_text($1::jsonb) AS k(z)"
	               " CROSS JOIN LATERAL (SELECT * FROM zaak_betrokkenen WHERE zaak = k.z) AS b",
	               1) &&
	       pg_prepare(
	               pg, "logboek_zaaktypen",
	               "SELECT k.i, a.activiteit FROM jsonb_array_elements_text($1::jsonb) AS k(i)"
	               " CROSS JOIN LATERAL (SELECT activiteit FROM zaaktype_activiteiten"
	               "  WHERE identificatie = k.i ORDER BY begin_geldigheid DESC LIMIT 1) AS a",
	               1) &&
	       pg_prepare(pg, "logboek_zaak_insert",
	                  "INSERT INTO zaak_betrokkenen (zaak, pseudoniem, type, activiteit)"
	                  " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
	                  4) &&
	       pg_prepare(
	               pg, "logboek_zaaktype_insert",
	               "INSERT INTO zaaktype_activiteiten (identificatie, begin_geldigheid,"
	               " activiteit, doc) VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT"
	               " (identificatie, begin_geldigheid) DO UPDATE SET activiteit = $3, doc = $4::jsonb",
	               4) &&
	       pg_prepare(pg, "logboek_per_betrokkene",
	                  "SELECT id, doc::text FROM dataverwerkingen WHERE pseudoniem = $1"
	                  " AND id > $2::bigint ORDER BY id LIMIT $3::int",
	                  3) &&
	       pg_prepare(
	               pg, "logboek_insert",
	               "INSERT INTO dataverwerkingen (pseudoniem, bron_sleutel, naam, tijd, activiteit,"
	               " doc) VALUES ($1, $2, $3, $4::timestamptz, $5, $6::jsonb)"
	               " ON CONFLICT DO NOTHING",
	               6);
}

static const char *
str(const json_t *o, const char *f)
{
	return json_string_value(json_object_get(o, f));
}

/* Runs stmt over the ids (a JSON array) and hands each row to add. */
static bool
lees(struct pg *pg, const char *stmt, json_t *ids, void (*add)(json_t *into, PGresult *r, int row),
     json_t *into)
{
	char *text;
	PGresult *res;

	if (json_array_size(ids) == 0)
		return true;
	text = json_dumps(ids, JSON_COMPACT);
	if (!text)
		return false;
	const char *vals[1] = {text};
	res = pg_execp(pg, stmt, 1, vals, NULL, NULL);
	free(text);
	if (!res)
		return false;
	for (int r = 0; r < PQntuples(res); r++)
		add(into, res, r);
	PQclear(res);
	return true;
}

static json_t *
zaak_entry(json_t *zaken, const char *uuid)
{
	json_t *z = json_object_get(zaken, uuid);

	if (!z) {
		z = json_pack("{s:n, s:[]}", "a", "b");
		json_object_set_new(zaken, uuid, z);
	}
	return z;
}

static void
add_zaak(json_t *zaken, PGresult *r, int row)
{
	json_t *z = zaak_entry(zaken, PQgetvalue(r, row, 0));

	if (!PQgetisnull(r, row, 3))
		json_object_set_new(z, "a", json_string(PQgetvalue(r, row, 3)));
	json_array_append_new(json_object_get(z, "b"),
	                      json_pack("[s, s]", PQgetvalue(r, row, 1), PQgetvalue(r, row, 2)));
}

static void
add_zaaktype(json_t *zaaktypen, PGresult *r, int row)
{
	if (!PQgetisnull(r, row, 1))
		json_object_set_new(zaaktypen, PQgetvalue(r, row, 0),
		                    json_string(PQgetvalue(r, row, 1)));
}

bool
logboek_begin(struct logboek_batch *lb, struct proj_batch *b)
{
	json_t *zaken = json_array(), *zaaktypen = json_array(), *gezien = json_object();
	bool ok;

	lb->zaken = json_object();
	lb->zaaktypen = json_object();
	for (int i = 0; i < b->n; i++) {
		const struct proj_msg *m = &b->msgs[i];
		const char *z;
		if (m->dead || !m->data || !m->record)
			continue;
		z = verwerking_zaak(m->record, m->data);
		/* each zaak once: the query gives every betrokkene per id asked */
		if (z && strcmp(m->record, "ZaakGeregistreerd") != 0 &&
		    !json_object_get(gezien, z)) {
			json_object_set_new(gezien, z, json_true());
			json_array_append_new(zaken, json_string(z));
		}
		if (!strcmp(m->record, "AanvraagIngediend") && str(m->data, "zaaktype"))
			json_array_append_new(zaaktypen, json_string(str(m->data, "zaaktype")));
	}
	ok = lb->zaken && lb->zaaktypen &&
	     lees(b->pg, "logboek_zaken", zaken, add_zaak, lb->zaken) &&
	     lees(b->pg, "logboek_zaaktypen", zaaktypen, add_zaaktype, lb->zaaktypen);
	json_decref(zaken);
	json_decref(zaaktypen);
	json_decref(gezien);
	return ok;
}

void
logboek_end(struct logboek_batch *lb)
{
	json_decref(lb->zaken);
	json_decref(lb->zaaktypen);
	lb->zaken = lb->zaaktypen = NULL;
}

/* Remembers what this event tells later ones: a zaak's betrokkenen, a
 * zaaktype's activity. */
static bool
onthoud(struct logboek_batch *lb, struct pg *pg, const struct proj_msg *m,
        const struct betrokkene *wie, int n, const char *activiteit)
{
	if (!strcmp(m->record, "ZaaktypeGepubliceerd")) {
		const json_t *va = json_object_get(m->data, "verwerkingsactiviteit");
		const char *id = str(m->data, "identificatie"), *a = str(va, "id");
		char *doc = json_dumps(va ? va : json_null(), JSON_COMPACT | JSON_ENCODE_ANY);
		const char *vals[4] = {id, str(m->data, "beginGeldigheid"), a, doc};
		bool ok = id && vals[1] && doc &&
		          pg_pipeline_send(pg, "logboek_zaaktype_insert", 4, vals, NULL, NULL);
		free(doc);
		if (ok && a)
			json_object_set_new(lb->zaaktypen, id, json_string(a));
		return ok || !id || !vals[1];
	}
	if (!strcmp(m->record, "ZaakGeregistreerd")) {
		const char *uuid = str(m->data, "uuid");
		json_t *z;
		if (!uuid)
			return true;
		z = zaak_entry(lb->zaken, uuid);
		json_object_set_new(z, "a", activiteit ? json_string(activiteit) : json_null());
		for (int i = 0; i < n; i++) {
			const char *vals[4] = {uuid, wie[i].pseudoniem, wie[i].type, activiteit};
			if (!pg_pipeline_send(pg, "logboek_zaak_insert", 4, vals, NULL, NULL))
				return false;
			json_array_append_new(json_object_get(z, "b"),
			                      json_pack("[s, s]", wie[i].pseudoniem, wie[i].type));
		}
	}
	return true;
}

bool
logboek_event(struct audit *a, struct logboek_batch *lb, struct pg *pg, struct proj_msg *m,
              const char *bron_sleutel)
{
	struct betrokkene wie[VERWERKING_MAX_BETROKKENEN];
	struct regel_bron bron = audit_bron(m);
	const char *activiteit = verwerking_activiteit(m->record, m->data);
	const char *zaak = verwerking_zaak(m->record, m->data);
	int n = verwerking_betrokkenen(m->record, m->data, a->sleutel, wie);

	if (!onthoud(lb, pg, m, wie, n, activiteit))
		return false;
	if (!strcmp(m->record, "AanvraagIngediend") && !activiteit)
		activiteit =
		        json_string_value(json_object_get(lb->zaaktypen, str(m->data, "zaaktype")));
	if (n == 0 && zaak && strcmp(m->record, "ZaakGeregistreerd") != 0) {
		/* something that happened to a zaak: each of its betrokkenen */
		json_t *z = json_object_get(lb->zaken, zaak), *p;
		size_t i;
		if (!activiteit)
			activiteit = str(z, "a");
		json_array_foreach(json_object_get(z, "b"), i, p)
		{
			if (n == VERWERKING_MAX_BETROKKENEN)
				break;
			snprintf(wie[n].pseudoniem, sizeof(wie[n].pseudoniem), "%s",
			         json_string_value(json_array_get(p, 0)));
			snprintf(wie[n].type, sizeof(wie[n].type), "%s",
			         json_string_value(json_array_get(p, 1)));
			n++;
		}
	}
	for (int i = 0; i < n; i++) {
		json_t *dv = verwerking_afleiden(&bron, &wie[i], activiteit);
		char *doc = dv ? json_dumps(dv, JSON_COMPACT) : NULL;
		char naam[600], ce_id[UUID_LEN + 1];
		bool ok;

		snprintf(naam, sizeof(naam), "%s %s", bron_sleutel, wie[i].pseudoniem);
		uuid_v5(ZS_UUID_NAMESPACE, naam, ce_id);
		const char *vals[6] = {wie[i].pseudoniem,
		                       bron_sleutel,
		                       str(dv, "name"),
		                       str(dv, "startTime"),
		                       str(dv, "processingActivityId"),
		                       doc};
		ok = dv && doc && pg_pipeline_send(pg, "logboek_insert", 6, vals, NULL, NULL) &&
		     projector_emit(a->p, TOPIC_DATAVERWERKINGEN, wie[i].pseudoniem,
		                    "Dataverwerking", dv, &m->ce, ce_id);
		free(doc);
		json_decref(dv);
		if (!ok)
			return false;
		projector_count(a->p, a->m_verwerkingen, 1);
	}
	return true;
}
