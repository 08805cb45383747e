/*
 * status.c — a batch of registrations and opdrachten applied to the status
 * read model.
 *
 * Per batch: catalogus entries first; then three queries load what the batch
 * touches (the state of its zaken, the opdrachten already decided, the
 * opdrachten that were waiting for a zaak registered in this batch); then the
 * messages are applied in order in memory — several opdrachten for one zaak
 * see each other's effect — while their writes go into one pipeline that the
 * projector's commit completes.
 */
#include "status.h"
#include "catalogus_pg.h"
#include "ce.h"
#include "config.h"
#include "datum.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One zaak the batch touches. */
struct slot {
	struct zaak_toestand z;
	bool bestaat;   /* registered (in the table or earlier in this batch) */
	bool gewijzigd; /* state to write back */
	bool nieuw;     /* registered in this batch */
	int64_t status_sinds;
	char behandelaar[128];
	int32_t startdatum;
	char zaaktype[96];
};

struct batch {
	struct status *s;
	struct proj_batch *b;
	struct slot *slots;
	int nslots;
	json_t *bekend;   /* opdracht id → {"event": text, "uitkomst": ...} */
	json_t *wachtend; /* zaak uuid → [parked rows] */
};

void
status_init(struct status *s)
{
	memset(s, 0, sizeof(*s));
	s->cat = catalogus_new();
	s->m_uitgevoerd = metric_counter("zs_status_opdrachten_total", "uitkomst=\"uitgevoerd\"",
	                                 "Opdrachten decided, by outcome.");
	s->m_geweigerd = metric_counter("zs_status_opdrachten_total", "uitkomst=\"geweigerd\"",
	                                "Opdrachten decided, by outcome.");
	s->m_wachtend = metric_counter("zs_status_opdrachten_total", "uitkomst=\"wachtend\"",
	                               "Opdrachten decided, by outcome.");
	s->m_termijn = metric_counter("zs_status_termijnbewakingen_total", NULL,
	                              "TermijnBewaking events emitted.");
}

void
status_free(struct status *s)
{
	catalogus_free(s->cat);
	s->cat = NULL;
}

bool
status_prepare(struct pg *pg)
{
	return catalogus_pg_prepare(pg) &&
	       pg_prepare(
	               pg, "zaken_laden",
	               "SELECT uuid::text, identificatie, zaaktype, startdatum::text, status, resultaat,"
	               " einddatum::text, archiefactiedatum::text, heropend, einddatum_gepland::text,"
	               " uiterlijke_einddatum_afdoening::text, opgeschort, opgeschort_sinds::text,"
	               " verlengd, aantal_besluiten, array_to_json(bsns)::text,"
	               " (extract(epoch from status_sinds) * 1000)::bigint, coalesce(behandelaar, '')"
	               " FROM zaken WHERE uuid IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid)",
	               1) &&
	       pg_prepare(pg, "opdrachten_bekend",
	                  "SELECT opdracht_id, uitkomst, uitkomst_event::text FROM opdrachten"
	                  " WHERE opdracht_id IN (SELECT jsonb_array_elements_text($1::jsonb))",
	                  1) &&
	       pg_prepare(
	               pg, "wachtenden_laden",
	               "SELECT id, zaak::text, record, data::text, coalesce(traceparent, '')"
	               " FROM wachtende_opdrachten"
	               " WHERE zaak IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid) ORDER BY id",
	               1) &&
	       pg_prepare(
	               pg, "zaak_insert",
	               "INSERT INTO zaken (uuid, identificatie, zaaktype, zaaktype_omschrijving,"
	               " omschrijving, startdatum, registratiedatum, vertrouwelijkheidaanduiding,"
	               " tonen_aan_initiator, afdeling, status, status_omschrijving, status_sinds, stap,"
	               " aantal_stappen, einddatum_gepland, uiterlijke_einddatum_afdoening, bsns,"
	               " registratie)"
	               " VALUES ($1::uuid, $2, $3, $4, $5, $6::date, $7::date, $8, $9::boolean, $10,"
	               " $11::int, $12, $13::timestamptz, $14::int, $15::int, $16::date, $17::date,"
	               " ARRAY(SELECT jsonb_array_elements_text($18::jsonb)), $19::jsonb)"
	               " ON CONFLICT (uuid) DO NOTHING",
	               19) &&
	       pg_prepare(pg, "betrokkene_insert",
	                  "INSERT INTO betrokkenen (soort, nummer, volgorde, zaak, rol)"
	                  " SELECT $1, $2, volgorde, uuid, $4 FROM zaken WHERE uuid = $3::uuid"
	                  " ON CONFLICT DO NOTHING",
	                  4) &&
	       pg_prepare(
	               pg, "zaak_update",
	               "UPDATE zaken SET status = $2::int, status_omschrijving = $3,"
	               " status_sinds = $4::timestamptz, stap = $5::int, einddatum_gepland = $6::date,"
	               " uiterlijke_einddatum_afdoening = $7::date, opgeschort = $8::boolean,"
	               " opgeschort_sinds = $9::date, verlengd = $10::boolean, heropend = $11::boolean,"
	               " resultaat = $12, einddatum = $13::date, archiefnominatie = $14,"
	               " archiefactiedatum = $15::date, aantal_besluiten = $16::int,"
	               " behandelaar = nullif($17, ''), bijgewerkt = now()"
	               " WHERE uuid = $1::uuid",
	               17) &&
	       pg_prepare(pg, "tijdlijn_insert",
	                  "INSERT INTO tijdlijn (zaak, soort, tijdstip, opdracht_id, feit)"
	                  " VALUES ($1::uuid, $2, $3::timestamptz, $4, $5::jsonb)",
	                  5) &&
	       pg_prepare(
	               pg, "opdracht_insert",
	               "INSERT INTO opdrachten (opdracht_id, zaak, soort, uitkomst, uitkomst_event)"
	               " VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (opdracht_id) DO NOTHING",
	               5) &&
	       pg_prepare(
	               pg, "wachtend_insert",
	               "INSERT INTO wachtende_opdrachten (zaak, opdracht_id, record, data, traceparent)"
	               " VALUES ($1::uuid, $2, $3, $4::jsonb, $5)",
	               5) &&
	       pg_prepare(pg, "wachtend_delete",
	                  "DELETE FROM wachtende_opdrachten WHERE id = $1::bigint", 1) &&
	       pg_prepare(pg, "taken_wissen", "DELETE FROM termijn_taken WHERE zaak = $1::uuid",
	                  1) &&
	       pg_prepare(pg, "taak_insert",
	                  "INSERT INTO termijn_taken (zaak, termijn, fase, deadline, wanneer)"
	                  " VALUES ($1::uuid, $2, $3, $4::date, $5::date)",
	                  5);
}

bool
status_load_catalogus(struct status *s, struct pg *pg)
{
	if (!catalogus_pg_laad(&s->cat, pg))
		return false;
	s->reload_catalogus = false;
	return true;
}

void
status_rolled_back(void *arg)
{
	struct status *s = arg;
	s->reload_catalogus = true;
}

int32_t
status_vandaag(const struct status *s)
{
	int32_t d;

	if (s->vandaag && datum_parse(s->vandaag, &d))
		return d;
	return datum_van_instant_nl(now_ms());
}

static const char *
str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void
fmt_datum(int32_t d, char buf[DATUM_TEKST])
{
	if (d == DATUM_ONGELDIG || !datum_format(d, buf, DATUM_TEKST))
		buf[0] = '\0';
}

static const char *
of_null(const char *s)
{
	return s && *s ? s : NULL;
}

static struct slot *
slot_find(struct batch *bt, const char *uuid)
{
	for (int i = 0; i < bt->nslots; i++)
		if (!strcmp(bt->slots[i].z.uuid, uuid))
			return &bt->slots[i];
	return NULL;
}

static struct slot *
slot_add(struct batch *bt, const char *uuid)
{
	struct slot *sl = slot_find(bt, uuid);

	if (sl)
		return sl;
	sl = &bt->slots[bt->nslots++];
	memset(sl, 0, sizeof(*sl));
	snprintf(sl->z.uuid, sizeof(sl->z.uuid), "%s", uuid);
	return sl;
}

/* The state of the batch's existing zaken, from the table. */
static bool
laad_zaken(struct batch *bt, json_t *uuids)
{
	char *text = json_dumps(uuids, JSON_COMPACT);
	const char *vals[1] = {text};
	PGresult *res = pg_execp(bt->b->pg, "zaken_laden", 1, vals, NULL, NULL);

	free(text);
	if (!res)
		return false;
	for (int r = 0; r < PQntuples(res); r++) {
		struct slot *sl = slot_add(bt, PQgetvalue(res, r, 0));
		struct zaak_toestand *z = &sl->z;
		json_t *bsns;
		size_t i;
		json_t *v;

		sl->bestaat = true;
		snprintf(z->identificatie, sizeof(z->identificatie), "%s", PQgetvalue(res, r, 1));
		snprintf(sl->zaaktype, sizeof(sl->zaaktype), "%s", PQgetvalue(res, r, 2));
		sl->startdatum = datum_van_tekst(PQgetvalue(res, r, 3));
		z->zt = catalogus_zoek(bt->s->cat, sl->zaaktype, sl->startdatum);
		z->status = atoi(PQgetvalue(res, r, 4));
		z->heeft_resultaat = !PQgetisnull(res, r, 5);
		snprintf(z->resultaat, sizeof(z->resultaat), "%s", PQgetvalue(res, r, 5));
		z->einddatum = PQgetisnull(res, r, 6) ? DATUM_ONGELDIG
		                                      : datum_van_tekst(PQgetvalue(res, r, 6));
		z->afgesloten = z->einddatum != DATUM_ONGELDIG;
		z->archiefactiedatum = PQgetisnull(res, r, 7)
		                               ? DATUM_ONGELDIG
		                               : datum_van_tekst(PQgetvalue(res, r, 7));
		z->heropend = PQgetvalue(res, r, 8)[0] == 't';
		z->einddatum_gepland = PQgetisnull(res, r, 9)
		                               ? DATUM_ONGELDIG
		                               : datum_van_tekst(PQgetvalue(res, r, 9));
		z->uiterlijke_einddatum_afdoening = datum_van_tekst(PQgetvalue(res, r, 10));
		z->opgeschort = PQgetvalue(res, r, 11)[0] == 't';
		z->opgeschort_sinds = PQgetisnull(res, r, 12)
		                              ? DATUM_ONGELDIG
		                              : datum_van_tekst(PQgetvalue(res, r, 12));
		z->verlengd = PQgetvalue(res, r, 13)[0] == 't';
		z->n_besluiten = atoi(PQgetvalue(res, r, 14));
		bsns = json_loads(PQgetvalue(res, r, 15), 0, NULL);
		json_array_foreach(bsns, i, v)
		{
			if (z->n_bsn < ZAAK_MAX_BSN && json_is_string(v))
				snprintf(z->bsn[z->n_bsn++], sizeof(z->bsn[0]), "%s",
				         json_string_value(v));
		}
		json_decref(bsns);
		sl->status_sinds = strtoll(PQgetvalue(res, r, 16), NULL, 10);
		snprintf(sl->behandelaar, sizeof(sl->behandelaar), "%s", PQgetvalue(res, r, 17));
	}
	PQclear(res);
	return true;
}

static json_t *
query_map(struct batch *bt, const char *stmt, json_t *keys, bool per_zaak)
{
	char *text = json_dumps(keys, JSON_COMPACT);
	const char *vals[1] = {text};
	PGresult *res = pg_execp(bt->b->pg, stmt, 1, vals, NULL, NULL);
	json_t *map;

	free(text);
	if (!res)
		return NULL;
	map = json_object();
	for (int r = 0; r < PQntuples(res); r++) {
		if (!per_zaak) {
			json_object_set_new(map, PQgetvalue(res, r, 0),
			                    json_pack("{s:s, s:s}", "uitkomst",
			                              PQgetvalue(res, r, 1), "event",
			                              PQgetvalue(res, r, 2)));
			continue;
		}
		json_t *list = json_object_get(map, PQgetvalue(res, r, 1));
		if (!list) {
			list = json_array();
			json_object_set_new(map, PQgetvalue(res, r, 1), list);
		}
		json_array_append_new(list,
		                      json_pack("{s:s, s:s, s:s, s:s}", "id", PQgetvalue(res, r, 0),
		                                "record", PQgetvalue(res, r, 2), "data",
		                                PQgetvalue(res, r, 3), "traceparent",
		                                PQgetvalue(res, r, 4)));
	}
	PQclear(res);
	return map;
}

static void
uitkomst_ce_id(const char *opdracht_id, char out[UUID_LEN + 1])
{
	char name[300];
	snprintf(name, sizeof(name), "opdracht-uitkomst:%s", opdracht_id);
	uuid_v5(ZS_UUID_NAMESPACE, name, out);
}

static void
feit_ce_id(const char *zaak, const char *opdracht_id, const char *record, char out[UUID_LEN + 1])
{
	char name[400];
	snprintf(name, sizeof(name), "feit:%s:%s:%s", zaak, opdracht_id, record);
	uuid_v5(ZS_UUID_NAMESPACE, name, out);
}

static void
tijdlijn(struct batch *bt, const char *zaak, const char *soort, const char *tijdstip,
         const char *opdracht_id, json_t *feit)
{
	char *text = json_dumps(feit, JSON_COMPACT);
	const char *vals[5] = {zaak, soort, tijdstip, opdracht_id, text};

	pg_pipeline_send(bt->b->pg, "tijdlijn_insert", 5, vals, NULL, NULL);
	free(text);
}

/* Records an outcome and emits it (also for a repeat, with the same id). */
static bool
uitkomst(struct batch *bt, const char *opdracht_id, const char *zaak, const char *soort,
         bool uitgevoerd, json_t *event, const struct ce_attrs *cause, bool opslaan)
{
	char ce_id[UUID_LEN + 1];

	uitkomst_ce_id(opdracht_id, ce_id);
	if (opslaan) {
		char *text = json_dumps(event, JSON_COMPACT);
		const char *vals[5] = {opdracht_id, zaak, soort,
		                       uitgevoerd ? "uitgevoerd" : "geweigerd", text};
		pg_pipeline_send(bt->b->pg, "opdracht_insert", 5, vals, NULL, NULL);
		free(text);
		json_object_set_new(bt->bekend, opdracht_id,
		                    json_pack("{s:s, s:O}", "uitkomst",
		                              uitgevoerd ? "uitgevoerd" : "geweigerd", "json",
		                              event));
	}
	return projector_emit(bt->b->p, TOPIC_OPDRACHT_UITKOMSTEN, zaak,
	                      uitgevoerd ? "OpdrachtUitgevoerd" : "OpdrachtGeweigerd", event, cause,
	                      ce_id);
}

static bool
weiger(struct batch *bt, const struct opdracht *o, const char *id, const char *zaak,
       const char *record, int64_t tijdstip, const struct redenen *r, const struct ce_attrs *cause)
{
	json_t *ev = o ? opdracht_geweigerd_json(o, r)
	               : opdracht_geweigerd_kaal(id, zaak, record, tijdstip, r);
	bool ok = uitkomst(bt, id, zaak, record, false, ev, cause, id && *id);

	json_decref(ev);
	metric_inc(bt->s->m_geweigerd, 1);
	return ok;
}

/* Applies one opdracht to a registered zaak. */
static bool
voer_uit(struct batch *bt, struct slot *sl, const char *record, json_t *data,
         const struct ce_attrs *cause, struct log_ctx *log)
{
	struct opdracht o;
	struct redenen r;
	struct feiten f = {0};
	char err[256];
	int soort = opdracht_soort_van_record(record);
	bool ok = true;

	if (!opdracht_van_json(&o, (enum opdracht_soort)soort, data, err, sizeof(err))) {
		redenen_init(&r, "opdracht.te_veel_fouten", "");
		redenen_voeg_toe(&r, "opdracht.ongeldig", NULL,
		                 "De opdracht kon niet worden gelezen: %s.", err);
		return weiger(bt, NULL, str(data, "opdrachtId"), sl->z.uuid, record, now_ms(), &r,
		              cause);
	}
	if (!sl->z.zt) {
		redenen_init(&r, "opdracht.te_veel_fouten", "");
		redenen_voeg_toe(
		        &r, "zaaktype.onbekend", NULL,
		        "Het zaaktype %s van deze zaak is niet (meer) bekend in de catalogus.",
		        sl->zaaktype);
		return weiger(bt, &o, o.id, o.zaak, record, o.gegeven_op, &r, cause);
	}
	opdracht_beoordeel(&sl->z, &o, &bt->s->inst, &r);
	if (r.n > 0) {
		zlog_at(LOG_INFO, log, "%s refused: %s", record, r.r[0].code);
		return weiger(bt, &o, o.id, o.zaak, record, o.gegeven_op, &r, cause);
	}
	opdracht_uitvoeren(&sl->z, &o, &f);
	sl->gewijzigd = true;
	snprintf(sl->behandelaar, sizeof(sl->behandelaar), "%s", o.medewerker);
	if (o.soort == OPDRACHT_STATUS_ZETTEN)
		sl->status_sinds = o.gegeven_op;
	for (int i = 0; i < f.n && ok; i++) {
		char ce_id[UUID_LEN + 1];
		feit_ce_id(sl->z.uuid, o.id, f.f[i].record, ce_id);
		tijdlijn(bt, sl->z.uuid, f.f[i].record, str(f.f[i].data, "tijdstip"), o.id,
		         f.f[i].data);
		ok = projector_emit(bt->b->p, TOPIC_ZAKEN, sl->z.uuid, f.f[i].record, f.f[i].data,
		                    cause, ce_id);
	}
	feiten_free(&f);
	json_t *ev = opdracht_uitgevoerd_json(&o);
	ok = ok && uitkomst(bt, o.id, o.zaak, record, true, ev, cause, true);
	json_decref(ev);
	metric_inc(bt->s->m_uitgevoerd, 1);
	return ok;
}

/* An opdracht: a repeat, one for a zaak not yet seen (it waits), or applied. */
static bool
opdracht(struct batch *bt, const char *record, json_t *data, const struct ce_attrs *cause,
         struct log_ctx *log, bool mag_wachten)
{
	const char *id = str(data, "opdrachtId"), *zaak = str(data, "zaak");
	json_t *eerder = id ? json_object_get(bt->bekend, id) : NULL;
	struct slot *sl;

	if (eerder) {
		json_t *ev = json_object_get(eerder, "json");
		json_t *owned = ev ? json_incref(ev) : json_loads(str(eerder, "event"), 0, NULL);
		bool uitgevoerd = !strcmp(str(eerder, "uitkomst"), "uitgevoerd");
		bool ok = owned && uitkomst(bt, id, zaak, record, uitgevoerd, owned, cause, false);
		json_decref(owned);
		return ok;
	}
	if (!zaak || !uuid_valid(zaak) || !id) {
		struct redenen r;
		redenen_init(&r, "opdracht.te_veel_fouten", "");
		redenen_voeg_toe(&r, "zaak.ongeldig", "zaak",
		                 "De zaak van de opdracht is geen geldige UUID.");
		return weiger(bt, NULL, id ? id : "", zaak ? zaak : "", record, now_ms(), &r,
		              cause);
	}
	sl = slot_find(bt, zaak);
	if (!sl || !sl->bestaat) {
		if (!mag_wachten)
			return true;
		/* Its ZaakGeregistreerd may still be on its way: wait for it. */
		char *text = json_dumps(data, JSON_COMPACT);
		const char *vals[5] = {zaak, id, record, text, cause->traceparent};
		pg_pipeline_send(bt->b->pg, "wachtend_insert", 5, vals, NULL, NULL);
		free(text);
		metric_inc(bt->s->m_wachtend, 1);
		zlog_at(LOG_INFO, log, "%s waits for zaak %s to be registered", record, zaak);
		/* A repeat of it in this batch must wait too, not be applied twice. */
		return true;
	}
	return voer_uit(bt, sl, record, data, cause, log);
}

static void
betrokkenen(struct batch *bt, const json_t *zg, struct slot *sl)
{
	const json_t *rol;
	size_t i;

	json_array_foreach(json_object_get(zg, "rollen"), i, rol)
	{
		const json_t *b = json_object_get(rol, "betrokkene");
		const char *machtiging = str(rol, "indicatieMachtiging");
		const char *naam = machtiging && !strcmp(machtiging, "gemachtigde")
		                           ? "gemachtigde"
		                           : str(rol, "omschrijvingGeneriek");
		static const char *const soorten[3][2] = {
		        {"inpBsn", "bsn"}, {"kvkNummer", "kvk"}, {"vestigingsNummer", "vestiging"}};
		for (int k = 0; k < 3; k++) {
			const char *nr = str(b, soorten[k][0]);
			if (!nr)
				continue;
			const char *vals[4] = {soorten[k][1], nr, sl->z.uuid,
			                       naam ? naam : "betrokkene"};
			pg_pipeline_send(bt->b->pg, "betrokkene_insert", 4, vals, NULL, NULL);
		}
	}
}

/* A ZaakGeregistreerd: the zaak, who it is about, its first timeline entry,
 * then the opdrachten that were waiting for it. */
static bool
registratie(struct batch *bt, struct proj_msg *m)
{
	const json_t *zg = m->data, *status = json_object_get(zg, "status");
	const char *uuid = str(zg, "uuid");
	struct slot *sl;
	char err[256], eg[DATUM_TEKST], ue[DATUM_TEKST], stap[12], n[12], vn[12];
	json_t *bsns, *wachtend;
	size_t i;
	json_t *w;

	if (!uuid || !uuid_valid(uuid)) {
		projector_dead_letter(bt->b, m, "zaak_ongeldig",
		                      "ZaakGeregistreerd without a valid uuid");
		return true;
	}
	sl = slot_add(bt, uuid);
	if (sl->bestaat)
		return true; /* seen before: registrations are idempotent on the uuid */
	snprintf(sl->zaaktype, sizeof(sl->zaaktype), "%s",
	         str(zg, "zaaktype") ? str(zg, "zaaktype") : "");
	sl->startdatum = datum_van_tekst(str(zg, "startdatum") ? str(zg, "startdatum") : "");
	if (!zaak_toestand_van_registratie(&sl->z, zg,
	                                   catalogus_zoek(bt->s->cat, sl->zaaktype, sl->startdatum),
	                                   err, sizeof(err))) {
		projector_dead_letter(bt->b, m, "zaak_ongeldig", err);
		return true;
	}
	sl->bestaat = sl->nieuw = sl->gewijzigd = true;
	instant_parse(str(status, "datumStatusGezet") ? str(status, "datumStatusGezet") : "",
	              &sl->status_sinds);
	fmt_datum(sl->z.einddatum_gepland, eg);
	fmt_datum(sl->z.uiterlijke_einddatum_afdoening, ue);
	snprintf(stap, sizeof(stap), "%d",
	         (int)json_integer_value(json_object_get(status, "stap")));
	snprintf(n, sizeof(n), "%d",
	         (int)json_integer_value(json_object_get(status, "aantalStappen")));
	snprintf(vn, sizeof(vn), "%d", sl->z.status);
	bsns = json_array();
	for (int k = 0; k < sl->z.n_bsn; k++)
		json_array_append_new(bsns, json_string(sl->z.bsn[k]));
	char *bsns_text = json_dumps(bsns, JSON_COMPACT), *doc = json_dumps(zg, JSON_COMPACT);
	json_decref(bsns);
	const char *vals[19] = {uuid,
	                        sl->z.identificatie,
	                        sl->zaaktype,
	                        str(zg, "zaaktypeOmschrijving"),
	                        str(zg, "omschrijving"),
	                        str(zg, "startdatum"),
	                        str(zg, "registratiedatum"),
	                        str(zg, "vertrouwelijkheidaanduiding"),
	                        json_is_true(json_object_get(zg, "tonenAanInitiator")) ? "true"
	                                                                               : "false",
	                        str(zg, "afdeling"),
	                        vn,
	                        str(status, "omschrijving"),
	                        str(status, "datumStatusGezet"),
	                        stap,
	                        n,
	                        of_null(eg),
	                        ue,
	                        bsns_text,
	                        doc};
	pg_pipeline_send(bt->b->pg, "zaak_insert", 19, vals, NULL, NULL);
	free(bsns_text);
	free(doc);
	betrokkenen(bt, zg, sl);
	tijdlijn(bt, uuid, "ZaakGeregistreerd", str(status, "datumStatusGezet"), NULL, m->data);
	zlog_at(LOG_INFO, &m->log, "zaak %s registered", sl->z.identificatie);

	wachtend = json_object_get(bt->wachtend, uuid);
	json_array_foreach(wachtend, i, w)
	{
		struct ce_attrs cause = {0};
		json_t *data = json_loads(str(w, "data"), 0, NULL);
		const char *id = str(w, "id");
		const char *del[1] = {id};
		bool ok;

		snprintf(cause.traceparent, sizeof(cause.traceparent), "%s", str(w, "traceparent"));
		pg_pipeline_send(bt->b->pg, "wachtend_delete", 1, del, NULL, NULL);
		ok = data && opdracht(bt, str(w, "record"), data, &cause, &m->log, false);
		json_decref(data);
		if (!ok)
			return false;
	}
	return true;
}

/* Writes back the state of every zaak the batch changed, and its deadline watches. */
static void
schrijf_toestand(struct batch *bt)
{
	for (int i = 0; i < bt->nslots; i++) {
		struct slot *sl = &bt->slots[i];
		struct zaak_toestand *z = &sl->z;
		struct termijn_taak taken[TERMIJN__AANTAL * FASE__AANTAL];
		char vn[12], stap[12], nb[12], sinds[INSTANT_TEKST], eg[DATUM_TEKST],
		        ue[DATUM_TEKST], os[DATUM_TEKST], ed[DATUM_TEKST], ad[DATUM_TEKST];
		const struct statustype *st;
		const struct resultaattype *rt;

		if (!sl->gewijzigd || !z->zt)
			continue;
		st = zaaktype_statustype(z->zt, z->status);
		rt = z->heeft_resultaat ? zaaktype_resultaattype(z->zt, z->resultaat) : NULL;
		snprintf(vn, sizeof(vn), "%d", z->status);
		snprintf(stap, sizeof(stap), "%d", zaaktype_statustype_stap(z->zt, z->status));
		snprintf(nb, sizeof(nb), "%d", z->n_besluiten);
		instant_format(sl->status_sinds, sinds, sizeof(sinds));
		fmt_datum(z->einddatum_gepland, eg);
		fmt_datum(z->uiterlijke_einddatum_afdoening, ue);
		fmt_datum(z->opgeschort ? z->opgeschort_sinds : DATUM_ONGELDIG, os);
		fmt_datum(z->einddatum, ed);
		fmt_datum(z->archiefactiedatum, ad);
		const char *vals[17] = {
		        z->uuid,
		        vn,
		        st ? st->omschrijving : "",
		        sinds,
		        stap,
		        of_null(eg),
		        ue,
		        z->opgeschort ? "true" : "false",
		        of_null(os),
		        z->verlengd ? "true" : "false",
		        z->heropend ? "true" : "false",
		        z->heeft_resultaat ? z->resultaat : NULL,
		        of_null(ed),
		        z->afgesloten && rt ? archiefnominatie_naam(rt->archiefnominatie) : NULL,
		        of_null(ad),
		        nb,
		        sl->behandelaar};
		pg_pipeline_send(bt->b->pg, "zaak_update", 17, vals, NULL, NULL);

		const char *wis[1] = {z->uuid};
		pg_pipeline_send(bt->b->pg, "taken_wissen", 1, wis, NULL, NULL);
		int n = termijn_taken(z, bt->s->nadert_dagen, taken);
		for (int k = 0; k < n; k++) {
			char dl[DATUM_TEKST], wn[DATUM_TEKST];
			fmt_datum(taken[k].deadline, dl);
			fmt_datum(taken[k].wanneer, wn);
			const char *tv[5] = {z->uuid, termijn_soort_naam(taken[k].termijn),
			                     termijn_fase_naam(taken[k].fase), dl, wn};
			pg_pipeline_send(bt->b->pg, "taak_insert", 5, tv, NULL, NULL);
		}
	}
}

static bool
is_opdracht(const struct proj_msg *m)
{
	return !m->dead && m->record && opdracht_soort_van_record(m->record) >= 0;
}

static bool
is_registratie(const struct proj_msg *m)
{
	return !m->dead && m->record && !strcmp(m->record, "ZaakGeregistreerd");
}

int
status_apply(struct proj_batch *b, void *arg)
{
	struct status *s = arg;
	struct batch bt = {.s = s, .b = b};
	json_t *uuids = json_array(), *ids = json_array(), *nieuw = json_array();
	int rc = -1;

	if (s->reload_catalogus && !status_load_catalogus(s, b->pg))
		goto out;
	for (int i = 0; i < b->n; i++) {
		struct proj_msg *m = &b->msgs[i];
		if (!m->dead && m->record && !strcmp(m->record, "ZaaktypeGepubliceerd") &&
		    catalogus_pg_verwerk(s->cat, b, m) != 0)
			goto out;
	}
	for (int i = 0; i < b->n; i++) {
		struct proj_msg *m = &b->msgs[i];
		const char *zaak = is_registratie(m) ? str(m->data, "uuid")
		                   : is_opdracht(m)  ? str(m->data, "zaak")
		                                     : NULL;
		if (zaak && uuid_valid(zaak))
			json_array_append_new(uuids, json_string(zaak));
		if (is_registratie(m) && zaak && uuid_valid(zaak))
			json_array_append_new(nieuw, json_string(zaak));
		if (is_opdracht(m) && str(m->data, "opdrachtId"))
			json_array_append_new(ids, json_string(str(m->data, "opdrachtId")));
	}
	if (json_array_size(uuids) == 0 && json_array_size(ids) == 0) {
		rc = 0;
		goto out;
	}
	bt.slots = calloc(json_array_size(uuids) + 1, sizeof(*bt.slots));
	if (!laad_zaken(&bt, uuids))
		goto out;
	bt.bekend = query_map(&bt, "opdrachten_bekend", ids, false);
	bt.wachtend = bt.bekend ? query_map(&bt, "wachtenden_laden", nieuw, true) : NULL;
	if (!bt.bekend || !bt.wachtend)
		goto out;
	if (!pg_pipeline_begin(b->pg))
		goto out;
	for (int i = 0; i < b->n; i++) {
		struct proj_msg *m = &b->msgs[i];
		bool ok = true;

		m->log.zaak = NULL;
		if (is_registratie(m))
			ok = registratie(&bt, m);
		else if (is_opdracht(m))
			ok = opdracht(&bt, m->record, m->data, &m->ce, &m->log, true);
		/* Other records on zaken are our own facts: nothing to do. */
		if (!ok) {
			pg_pipeline_sync(b->pg, NULL, NULL);
			goto out;
		}
	}
	schrijf_toestand(&bt);
	rc = 0; /* the pipeline stays open: the commit joins it */
out:
	json_decref(uuids);
	json_decref(ids);
	json_decref(nieuw);
	json_decref(bt.bekend);
	json_decref(bt.wachtend);
	free(bt.slots);
	return rc;
}

/* Announces deadlines that are due, a bounded chunk per transaction. */
void
status_termijnbewaking(struct status *s)
{
	struct pg *pg = projector_pg(s->p);
	int32_t vandaag = status_vandaag(s);
	char dag[DATUM_TEKST];
	int rondes = 0, n;

	datum_format(vandaag, dag, sizeof(dag));
	do {
		const char *vals[1] = {dag};
		PGresult *res;

		if (!projector_tx_begin(s->p))
			return;
		/* Only the due rows: an index range on wanneer, however many
		 * zaken are open. SKIP LOCKED lets instances share the work. */
		res = pg_exec(
		        pg,
		        "SELECT t.zaak::text, t.termijn, t.fase, t.deadline::text, z.identificatie,"
		        " z.einddatum_gepland::text, z.uiterlijke_einddatum_afdoening::text, z.verlengd,"
		        " z.opgeschort, z.einddatum IS NOT NULL"
		        " FROM termijn_taken t JOIN zaken z ON z.uuid = t.zaak"
		        " WHERE t.wanneer <= $1::date ORDER BY t.wanneer LIMIT 500"
		        " FOR UPDATE OF t SKIP LOCKED",
		        1, vals);
		if (!res) {
			projector_tx_rollback(s->p);
			return;
		}
		n = PQntuples(res);
		for (int r = 0; r < n; r++) {
			struct zaak_toestand z = {0};
			struct termijn_taak t = {0};
			const char *zaak = PQgetvalue(res, r, 0);
			const char *keys[4] = {zaak, PQgetvalue(res, r, 1), PQgetvalue(res, r, 2),
			                       PQgetvalue(res, r, 3)};
			PGresult *ins;

			snprintf(z.uuid, sizeof(z.uuid), "%s", zaak);
			snprintf(z.identificatie, sizeof(z.identificatie), "%s",
			         PQgetvalue(res, r, 4));
			z.einddatum_gepland = PQgetisnull(res, r, 5)
			                              ? DATUM_ONGELDIG
			                              : datum_van_tekst(PQgetvalue(res, r, 5));
			z.uiterlijke_einddatum_afdoening = datum_van_tekst(PQgetvalue(res, r, 6));
			z.verlengd = PQgetvalue(res, r, 7)[0] == 't';
			z.opgeschort = PQgetvalue(res, r, 8)[0] == 't';
			z.afgesloten = PQgetvalue(res, r, 9)[0] == 't';
			z.einddatum = DATUM_ONGELDIG;
			termijn_soort_van_naam(keys[1], &t.termijn);
			termijn_fase_van_naam(keys[2], &t.fase);
			t.deadline = datum_van_tekst(keys[3]);
			ins = pg_exec(
			        pg,
			        "WITH weg AS (DELETE FROM termijn_taken WHERE zaak = $1::uuid AND termijn = $2"
			        " AND fase = $3)"
			        " INSERT INTO termijn_gemeld (zaak, termijn, fase, deadline)"
			        " VALUES ($1::uuid, $2, $3, $4::date) ON CONFLICT DO NOTHING RETURNING 1",
			        4, keys);
			if (!ins) {
				PQclear(res);
				projector_tx_rollback(s->p);
				return;
			}
			if (PQntuples(ins) == 1 && termijn_taak_geldig(&t, vandaag)) {
				char ce_id[UUID_LEN + 1], name[256];
				json_t *f = termijn_bewaking_json(&z, &t, vandaag, now_ms());
				snprintf(name, sizeof(name), "termijn:%s:%s:%s:%s", zaak, keys[1],
				         keys[2], keys[3]);
				uuid_v5(ZS_UUID_NAMESPACE, name, ce_id);
				char *text = json_dumps(f, JSON_COMPACT);
				const char *tv[5] = {zaak, "TermijnBewaking", str(f, "tijdstip"),
				                     NULL, text};
				PQclear(pg_execp(pg, "tijdlijn_insert", 5, tv, NULL, NULL));
				free(text);
				projector_emit(s->p, TOPIC_ZAKEN, zaak, "TermijnBewaking", f, NULL,
				               ce_id);
				json_decref(f);
				metric_inc(s->m_termijn, 1);
			}
			PQclear(ins);
		}
		PQclear(res);
		if (!projector_tx_commit(s->p))
			return;
	} while (n == 500 && ++rondes < 20);
}

/* Opdrachten that waited longer than wacht_s for their zaak are refused. */
void
status_wachtenden_opruimen(struct status *s)
{
	struct pg *pg = projector_pg(s->p);
	char secs[16];
	const char *vals[1] = {secs};
	PGresult *res;
	struct batch bt = {.s = s};
	struct proj_batch pb = {.p = s->p, .pg = pg};

	snprintf(secs, sizeof(secs), "%d", s->wacht_s);
	if (!projector_tx_begin(s->p))
		return;
	res = pg_exec(
	        pg,
	        "DELETE FROM wachtende_opdrachten WHERE id IN (SELECT id FROM wachtende_opdrachten"
	        " WHERE ontvangen_op < now() - make_interval(secs => $1::int) ORDER BY id LIMIT 500"
	        " FOR UPDATE SKIP LOCKED)"
	        " RETURNING zaak::text, opdracht_id, record, coalesce(traceparent, '')",
	        1, vals);
	if (!res) {
		projector_tx_rollback(s->p);
		return;
	}
	bt.b = &pb;
	bt.bekend = json_object();
	pg_pipeline_begin(pg);
	for (int r = 0; r < PQntuples(res); r++) {
		struct redenen red;
		struct ce_attrs cause = {0};
		snprintf(cause.traceparent, sizeof(cause.traceparent), "%s", PQgetvalue(res, r, 3));
		redenen_init(&red, "opdracht.te_veel_fouten", "");
		redenen_voeg_toe(
		        &red, "zaak.onbekend", "zaak",
		        "Deze zaak is niet (op tijd) bij ons geregistreerd; de opdracht is niet "
		        "uitgevoerd.");
		weiger(&bt, NULL, PQgetvalue(res, r, 1), PQgetvalue(res, r, 0),
		       PQgetvalue(res, r, 2), now_ms(), &red, &cause);
	}
	if (PQntuples(res) > 0)
		zlog_warn("%d opdracht(en) refused: their zaak was not registered within %d s",
		          PQntuples(res), s->wacht_s);
	PQclear(res);
	json_decref(bt.bekend);
	projector_tx_commit(s->p);
}
