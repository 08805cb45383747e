/*
 * logboek.c — Dataverwerkingen per batch (see logboek.h).
 */
#include "logboek.h"
#include "core/log.h"
#include "register.h"
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
	               " activiteit, doc, register) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)"
	               " ON CONFLICT (identificatie, begin_geldigheid) DO UPDATE SET activiteit = $3,"
	               " doc = $4::jsonb, register = $5::jsonb",
	               5) &&
	       pg_prepare(pg, "logboek_gezien",
	                  "INSERT INTO gezien (activiteit, soort, waarde, aantal)"
	                  " VALUES ($1, $2, $3, $4::bigint) ON CONFLICT (activiteit, soort, waarde)"
	                  " DO UPDATE SET aantal = gezien.aantal + EXCLUDED.aantal",
	                  4) &&
	       pg_prepare(pg, "logboek_wachtend",
	                  "SELECT w.zaak, w.bron_sleutel, w.bron::text"
	                  " FROM jsonb_array_elements_text($1::jsonb) AS k(z)"
	                  " CROSS JOIN LATERAL (SELECT * FROM wachtend WHERE zaak = k.z) AS w",
	                  1) &&
	       pg_prepare(
	               pg, "logboek_wacht",
	               "INSERT INTO wachtend (bron_sleutel, zaak, bron) VALUES ($1, $2, $3::jsonb)"
	               " ON CONFLICT DO NOTHING",
	               3) &&
	       pg_prepare(pg, "logboek_klaar", "DELETE FROM wachtend WHERE bron_sleutel = $1", 1) &&
	       pg_prepare(
	               pg, "register_zaaktypen",
	               "SELECT register::text FROM zaaktype_activiteiten WHERE register IS NOT NULL"
	               " ORDER BY identificatie, begin_geldigheid",
	               0) &&
	       pg_prepare(pg, "register_gezien",
	                  "SELECT activiteit, soort, waarde, aantal FROM gezien"
	                  " ORDER BY activiteit, soort, waarde",
	                  0) &&
	       pg_prepare(pg, "logboek_per_betrokkene",
	                  "SELECT id, doc::text FROM dataverwerkingen WHERE pseudoniem = $1"
	                  " AND id > $2::bigint ORDER BY id LIMIT $3::int",
	                  3);
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
	PGresult *res;

	if (json_array_size(ids) == 0)
		return true;
	res = pg_execp_json(pg, stmt, ids);
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
	/* "" marks a zaak registered without a betrokkene that has a number */
	if (*PQgetvalue(r, row, 1))
		json_array_append_new(
		        json_object_get(z, "b"),
		        json_pack("[s, s]", PQgetvalue(r, row, 1), PQgetvalue(r, row, 2)));
}

static void
add_wachtend(json_t *wachtend, PGresult *r, int row)
{
	json_t *lijst = json_object_get(wachtend, PQgetvalue(r, row, 0));

	if (!lijst) {
		lijst = json_array();
		json_object_set_new(wachtend, PQgetvalue(r, row, 0), lijst);
	}
	json_array_append_new(lijst, json_pack("{s:s, s:o}", "sleutel", PQgetvalue(r, row, 1),
	                                       "bron", json_loads(PQgetvalue(r, row, 2), 0, NULL)));
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
	json_t *registraties = json_array();
	bool ok;

	lb->zaken = json_object();
	lb->zaaktypen = json_object();
	lb->gezien = json_object();
	lb->wachtend = json_object();
	lb->geschreven = json_object();
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
		if (!strcmp(m->record, "ZaakGeregistreerd") && z)
			json_array_append_new(registraties, json_string(z));
		if (!strcmp(m->record, "AanvraagIngediend") && str(m->data, "zaaktype"))
			json_array_append_new(zaaktypen, json_string(str(m->data, "zaaktype")));
	}
	ok = lb->zaken && lb->zaaktypen && lb->gezien && lb->wachtend && lb->geschreven &&
	     lees(b->pg, "logboek_wachtend", registraties, add_wachtend, lb->wachtend) &&
	     lees(b->pg, "logboek_zaken", zaken, add_zaak, lb->zaken) &&
	     lees(b->pg, "logboek_zaaktypen", zaaktypen, add_zaaktype, lb->zaaktypen);
	json_decref(zaken);
	json_decref(zaaktypen);
	json_decref(gezien);
	json_decref(registraties);
	return ok;
}

void
logboek_end(struct logboek_batch *lb)
{
	json_decref(lb->zaken);
	json_decref(lb->zaaktypen);
	json_decref(lb->gezien);
	json_decref(lb->wachtend);
	json_decref(lb->geschreven);
	lb->zaken = lb->zaaktypen = lb->gezien = lb->wachtend = lb->geschreven = NULL;
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
		json_t *reg = register_van_zaaktype(m->data);
		char *regdoc = reg ? json_dumps(reg, JSON_COMPACT) : NULL;
		const char *vals[5] = {id, str(m->data, "beginGeldigheid"), a, doc, regdoc};
		bool ok = id && vals[1] && doc &&
		          pg_pipeline_send(pg, "logboek_zaaktype_insert", 5, vals, NULL, NULL);
		free(doc);
		free(regdoc);
		json_decref(reg);
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
		if (n == 0) {
			const char *vals[4] = {uuid, "", "", activiteit};
			if (!pg_pipeline_send(pg, "logboek_zaak_insert", 4, vals, NULL, NULL))
				return false;
		}
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

static void
zie(struct logboek_batch *lb, const char *activiteit, const char *soort, const char *waarde)
{
	char k[768];
	json_t *n;

	snprintf(k, sizeof(k), "%s\t%s\t%s", activiteit, soort, waarde);
	n = json_object_get(lb->gezien, k);
	json_object_set_new(lb->gezien, k, json_integer(n ? json_integer_value(n) + 1 : 1));
}

/* What an event shows the register beyond its Dataverwerkingen: the
 * personal data a zaak was registered with, the channel a bericht took, the
 * subscriber a zaak's event was passed on to. */
static void
zie_event(struct logboek_batch *lb, const struct proj_msg *m, const char *activiteit)
{
	char ontvanger[128];
	size_t i;
	json_t *e;

	if (!strcmp(m->record, "ZaakGeregistreerd") && activiteit) {
		json_array_foreach(json_object_get(m->data, "eigenschappen"), i, e)
		{
			if (json_is_true(json_object_get(e, "persoonsgegeven")) && str(e, "naam"))
				zie(lb, activiteit, "categorie", str(e, "naam"));
		}
	}
	if (verwerking_ontvanger(m->record, m->data, ontvanger, sizeof(ontvanger)))
		zie(lb, ACTIVITEIT_NOTIFICATIE, "ontvanger", ontvanger);
}

bool
logboek_gezien(struct logboek_batch *lb, struct pg *pg)
{
	const char *k;
	json_t *n;

	json_object_foreach(lb->gezien, k, n)
	{
		char buf[768], aantal[24];
		char *soort, *waarde;
		snprintf(buf, sizeof(buf), "%s", k);
		soort = strchr(buf, '\t');
		if (!soort)
			continue;
		*soort++ = '\0';
		waarde = strchr(soort, '\t');
		if (!waarde)
			continue;
		*waarde++ = '\0';
		snprintf(aantal, sizeof(aantal), "%" JSON_INTEGER_FORMAT, json_integer_value(n));
		const char *vals[4] = {buf, soort, waarde, aantal};
		if (!pg_pipeline_send(pg, "logboek_gezien", 4, vals, NULL, NULL))
			return false;
	}
	return true;
}

/* The Dataverwerkingen of one act for its betrokkenen, as rows of the
 * batch's COPY. Each (act, betrokkene) once: a registration seen twice in
 * one batch (two ce_ids) would otherwise give its waiting acts twice. */
static bool
verwerk(struct audit *a, struct logboek_batch *lb, const struct regel_bron *bron,
        const char *bron_sleutel, const struct betrokkene *wie, int n, const char *activiteit)
{
	struct copy_rows *rows = &a->verwerkingen;

	for (int i = 0; i < n; i++) {
		char naam[600], ce_id[UUID_LEN + 1];
		json_t *dv;
		char *doc;
		bool ok;

		snprintf(naam, sizeof(naam), "%s %s", bron_sleutel, wie[i].pseudoniem);
		if (json_object_get(lb->geschreven, naam))
			continue;
		if (json_object_set_new(lb->geschreven, naam, json_true()) != 0)
			return pg_out_of_memory(projector_pg(a->p), "a Dataverwerking");
		dv = verwerking_afleiden(bron, &wie[i], activiteit);
		doc = dv ? json_dumps(dv, JSON_COMPACT) : NULL;
		uuid_v5(ZS_UUID_NAMESPACE, naam, ce_id);
		copy_text(rows, wie[i].pseudoniem);
		copy_text(rows, bron_sleutel);
		copy_text(rows, str(dv, "name"));
		copy_text(rows, str(dv, "startTime"));
		copy_text(rows, str(dv, "processingActivityId"));
		copy_text(rows, doc);
		copy_end_row(rows);
		if (rows->failed) {
			free(doc);
			json_decref(dv);
			return pg_out_of_memory(projector_pg(a->p), "a Dataverwerking");
		}
		ok = dv && doc &&
		     projector_emit(a->p, TOPIC_DATAVERWERKINGEN, wie[i].pseudoniem,
		                    "Dataverwerking", dv, bron->ce, ce_id);
		if (ok)
			zie(lb, str(dv, "processingActivityId"), "verwerking", "");
		free(doc);
		json_decref(dv);
		if (!ok)
			return false;
		projector_count(a->p, a->m_verwerkingen, 1);
	}
	return true;
}

/* The zaak's betrokkenen as known (false: its registration not seen yet). */
static bool
van_zaak(struct logboek_batch *lb, const char *zaak, struct betrokkene *wie, int *n,
         const char **activiteit)
{
	json_t *z = json_object_get(lb->zaken, zaak), *p;
	size_t i;

	if (!z)
		return false;
	if (!*activiteit)
		*activiteit = str(z, "a");
	json_array_foreach(json_object_get(z, "b"), i, p)
	{
		if (*n == VERWERKING_MAX_BETROKKENEN)
			break;
		snprintf(wie[*n].pseudoniem, sizeof(wie[*n].pseudoniem), "%s",
		         json_string_value(json_array_get(p, 0)));
		snprintf(wie[*n].type, sizeof(wie[*n].type), "%s",
		         json_string_value(json_array_get(p, 1)));
		(*n)++;
	}
	return true;
}

/* An event kept as it was read, to be processed when its zaak is known. */
static json_t *
bewaar_bron(const struct regel_bron *b)
{
	return json_pack("{s:s, s:i, s:I, s:s, s:O, s:I, s:{s:s, s:s, s:s, s:s, s:s}}", "topic",
	                 b->topic, "partitie", (int)b->partition, "offset", (json_int_t)b->offset,
	                 "record", b->record, "data", b->data, "kafka_ms", (json_int_t)b->kafka_ms,
	                 "ce", "id", b->ce->id, "source", b->ce->source, "type", b->ce->type,
	                 "time", b->ce->time, "traceparent", b->ce->traceparent);
}

/* The events that waited for this registration. */
static bool
wachtenden(struct audit *a, struct logboek_batch *lb, struct pg *pg, const char *zaak)
{
	size_t i;
	json_t *w;

	json_array_foreach(json_object_get(lb->wachtend, zaak), i, w)
	{
		struct betrokkene wie[VERWERKING_MAX_BETROKKENEN];
		const json_t *j = json_object_get(w, "bron"), *jce = json_object_get(j, "ce");
		struct ce_attrs ce = {0};
		const char *activiteit = NULL, *sleutel = str(w, "sleutel");
		int n = 0;

		snprintf(ce.id, sizeof(ce.id), "%s", str(jce, "id") ? str(jce, "id") : "");
		snprintf(ce.source, sizeof(ce.source), "%s",
		         str(jce, "source") ? str(jce, "source") : "");
		snprintf(ce.type, sizeof(ce.type), "%s", str(jce, "type") ? str(jce, "type") : "");
		snprintf(ce.time, sizeof(ce.time), "%s", str(jce, "time") ? str(jce, "time") : "");
		snprintf(ce.traceparent, sizeof(ce.traceparent), "%s",
		         str(jce, "traceparent") ? str(jce, "traceparent") : "");
		struct regel_bron bron = {
		        .topic = str(j, "topic"),
		        .partition = (int32_t)json_integer_value(json_object_get(j, "partitie")),
		        .offset = json_integer_value(json_object_get(j, "offset")),
		        .record = str(j, "record"),
		        .data = json_object_get(j, "data"),
		        .ce = &ce,
		        .kafka_ms = json_integer_value(json_object_get(j, "kafka_ms"))};
		const char *vals[1] = {sleutel};
		if (!bron.topic || !bron.record || !sleutel)
			continue;
		activiteit = verwerking_activiteit(bron.record, bron.data);
		van_zaak(lb, zaak, wie, &n, &activiteit);
		if (!verwerk(a, lb, &bron, sleutel, wie, n, activiteit) ||
		    !pg_pipeline_send(pg, "logboek_klaar", 1, vals, NULL, NULL))
			return false;
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
	zie_event(lb, m, activiteit);
	if (!strcmp(m->record, "AanvraagIngediend") && !activiteit)
		activiteit =
		        json_string_value(json_object_get(lb->zaaktypen, str(m->data, "zaaktype")));
	if (n == 0 && zaak && strcmp(m->record, "ZaakGeregistreerd") != 0 &&
	    !van_zaak(lb, zaak, wie, &n, &activiteit)) {
		/* its zaak's registration has not come in yet: wait for it */
		json_t *j = bewaar_bron(&bron);
		char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
		const char *vals[3] = {bron_sleutel, zaak, text};
		bool ok = text && pg_pipeline_send(pg, "logboek_wacht", 3, vals, NULL, NULL);
		free(text);
		json_decref(j);
		if (ok) {
			/* a registration later in this batch picks it up */
			json_t *lijst = json_object_get(lb->wachtend, zaak);
			if (!lijst) {
				lijst = json_array();
				json_object_set_new(lb->wachtend, zaak, lijst);
			}
			json_array_append_new(lijst,
			                      json_pack("{s:s, s:o}", "sleutel", bron_sleutel,
			                                "bron", bewaar_bron(&bron)));
		}
		return ok;
	}
	if (!verwerk(a, lb, &bron, bron_sleutel, wie, n, activiteit))
		return false;
	if (!strcmp(m->record, "ZaakGeregistreerd") && zaak)
		return wachtenden(a, lb, pg, zaak);
	return true;
}
