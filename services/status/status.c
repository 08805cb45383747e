/*
 * status.c — a batch of catalogus entries, registrations and opdrachten
 * applied to the status read model, and the two timers (deadline watch,
 * opdrachten that waited too long).
 *
 * Per batch: catalogus entries first; then one round trip reads the state
 * of every zaak the batch touches, the outcomes already stored for its
 * opdracht ids and the opdrachten waiting for those zaken; then the messages
 * are applied in order in memory (several opdrachten for one zaak see each
 * other's effect); then one pipeline writes every table set-based (one
 * statement per table, rows as a jsonb array) and is left open for the
 * projector's commit.
 */
#include "status.h"
#include "zgw/catalogus_pg.h"
#include "wire/ce.h"
#include "core/buf.h"
#include "core/log.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SQL. */

static const char sql_zaken_laad[] =
        "SELECT z.uuid::text, z.identificatie, z.zaaktype, z.zaaktype_begin_geldigheid::text,"
        " z.startdatum::text, z.status, z.resultaat, z.einddatum::text, z.archiefactiedatum::text,"
        " z.heropend, z.einddatum_gepland::text, z.uiterlijke_einddatum_afdoening::text,"
        " z.opgeschort_sinds::text, z.verlengd, z.aantal_besluiten, z.aantal_opschortingen,"
        " (extract(epoch FROM z.status_gezet_op) * 1000)::bigint, z.behandelaar,"
        " array_to_string(array(SELECT b.nummer FROM betrokkenen b"
        "   WHERE b.zaak = z.uuid AND b.soort = 'bsn' ORDER BY b.nummer), ',')"
        " FROM (SELECT DISTINCT id FROM jsonb_array_elements_text($1::jsonb) AS e(id)) AS k"
        " CROSS JOIN LATERAL (SELECT * FROM zaken WHERE uuid = k.id::uuid LIMIT 1) AS z";

/* As the zaken above, one index probe per id. Written as "IN (SELECT
 * jsonb_array_elements_text(...))" the generic plan of the prepared statement
 * was a hash semi-join over a sequential scan of every opdracht ever decided
 * (measured: 349 blocks a batch after 50,000 opdrachten, growing); the LIMIT
 * keeps the subquery from being flattened into that join. */
static const char sql_besloten_laad[] =
        "SELECT o.opdracht_id, o.uitkomst_event::text, o.uitkomst_ce_id::text"
        " FROM (SELECT DISTINCT id FROM jsonb_array_elements_text($1::jsonb) AS e(id)) AS k"
        " CROSS JOIN LATERAL (SELECT * FROM opdrachten WHERE opdracht_id = k.id LIMIT 1) AS o";

static const char sql_wachtend_laad[] =
        "SELECT id, zaak::text, opdracht_id, record, data::text, traceparent FROM wachtende_opdrachten"
        " WHERE zaak IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid) ORDER BY id";

static const char sql_wachtend_bekend[] =
        "SELECT DISTINCT w.zaak::text FROM wachtende_opdrachten w JOIN zaken z ON z.uuid = w.zaak";

#define TOESTAND_KOLOMMEN                                                                          \
	"uuid uuid, zaaktype_begin_geldigheid date, behandelaar text, status int,"                 \
	" status_omschrijving text, status_gezet_op timestamptz, stap int, aantal_stappen int,"    \
	" einddatum_gepland date, uiterlijke_einddatum_afdoening date, opgeschort_sinds date,"     \
	" verlengd boolean, heropend boolean, resultaat text, einddatum date,"                     \
	" archiefnominatie text, archiefactiedatum date, aantal_besluiten int,"                    \
	" aantal_opschortingen int"

static const char sql_zaken_insert[] =
        "INSERT INTO zaken (uuid, identificatie, bronorganisatie, zaaktype, zaaktype_versiedatum,"
        " zaaktype_begin_geldigheid, zaaktype_omschrijving, omschrijving, aanvraag_id, kanaal,"
        " registratiedatum, startdatum, vertrouwelijkheidaanduiding, tonen_aan_initiator, afdeling,"
        " behandelaar, status, status_omschrijving, status_gezet_op, stap, aantal_stappen,"
        " einddatum_gepland, uiterlijke_einddatum_afdoening, oorspronkelijke_einddatum_gepland,"
        " oorspronkelijke_uiterlijke_einddatum, opgeschort_sinds, verlengd, heropend, resultaat,"
        " einddatum, archiefnominatie, archiefactiedatum, aantal_besluiten, aantal_opschortingen)"
        " SELECT uuid, identificatie, bronorganisatie, zaaktype, zaaktype_versiedatum,"
        " zaaktype_begin_geldigheid, zaaktype_omschrijving, omschrijving, aanvraag_id, kanaal,"
        " registratiedatum, startdatum, vertrouwelijkheidaanduiding, tonen_aan_initiator, afdeling,"
        " behandelaar, status, status_omschrijving, status_gezet_op, stap, aantal_stappen,"
        " einddatum_gepland, uiterlijke_einddatum_afdoening, oorspronkelijke_einddatum_gepland,"
        " oorspronkelijke_uiterlijke_einddatum, opgeschort_sinds, verlengd, heropend, resultaat,"
        " einddatum, archiefnominatie, archiefactiedatum, aantal_besluiten, aantal_opschortingen"
        " FROM json_to_recordset($1::json) AS x(" TOESTAND_KOLOMMEN ", identificatie text,"
        " bronorganisatie text, zaaktype text, zaaktype_versiedatum date,"
        " zaaktype_omschrijving text, omschrijving text, aanvraag_id text, kanaal text,"
        " registratiedatum date, startdatum date, vertrouwelijkheidaanduiding text,"
        " tonen_aan_initiator boolean, afdeling text, oorspronkelijke_einddatum_gepland date,"
        " oorspronkelijke_uiterlijke_einddatum date, n int) ORDER BY n"
        " ON CONFLICT (uuid) DO NOTHING";

static const char sql_zaken_update[] =
        "UPDATE zaken z SET zaaktype_begin_geldigheid = x.zaaktype_begin_geldigheid,"
        " behandelaar = x.behandelaar, status = x.status,"
        " status_omschrijving = coalesce(x.status_omschrijving, z.status_omschrijving),"
        " status_gezet_op = x.status_gezet_op, stap = coalesce(x.stap, z.stap),"
        " aantal_stappen = coalesce(x.aantal_stappen, z.aantal_stappen),"
        " einddatum_gepland = x.einddatum_gepland,"
        " uiterlijke_einddatum_afdoening = x.uiterlijke_einddatum_afdoening,"
        " opgeschort_sinds = x.opgeschort_sinds, verlengd = x.verlengd, heropend = x.heropend,"
        " resultaat = x.resultaat, einddatum = x.einddatum, archiefnominatie = x.archiefnominatie,"
        " archiefactiedatum = x.archiefactiedatum, aantal_besluiten = x.aantal_besluiten,"
        " aantal_opschortingen = x.aantal_opschortingen, bijgewerkt_op = now()"
        " FROM json_to_recordset($1::json) AS x(" TOESTAND_KOLOMMEN ") WHERE z.uuid = x.uuid";

static const char sql_betrokkenen_insert[] =
        "INSERT INTO betrokkenen (soort, nummer, volgorde, rol, betrokkene_type, zaak)"
        " SELECT x.soort, x.nummer, z.volgorde, x.rol, x.betrokkene_type, x.zaak"
        " FROM json_to_recordset($1::json) AS x(soort text, nummer text, rol text,"
        " betrokkene_type text, zaak uuid) JOIN zaken z ON z.uuid = x.zaak ON CONFLICT DO NOTHING";

static const char sql_eigenschappen_insert[] =
        "INSERT INTO eigenschappen (zaak, naam, waarde, doel, grondslag, persoonsgegeven)"
        " SELECT * FROM json_to_recordset($1::json) AS x(zaak uuid, naam text, waarde text,"
        " doel text, grondslag text, persoonsgegeven boolean) ON CONFLICT DO NOTHING";

static const char sql_statussen_insert[] =
        "INSERT INTO statussen (zaak, volgnummer, omschrijving, statustekst, informeren,"
        " tonen_aan_initiator, is_eindstatus, stap, aantal_stappen, gezet_op, vorige_volgnummer,"
        " toelichting, terugzetten_reden, opdracht_id, medewerker)"
        " SELECT zaak, volgnummer, omschrijving, statustekst, informeren, tonen_aan_initiator,"
        " is_eindstatus, stap, aantal_stappen, gezet_op, vorige_volgnummer, toelichting,"
        " terugzetten_reden, opdracht_id, medewerker FROM json_to_recordset($1::json) AS x("
        " zaak uuid, volgnummer int, omschrijving text, statustekst text, informeren boolean,"
        " tonen_aan_initiator boolean, is_eindstatus boolean, stap int, aantal_stappen int,"
        " gezet_op timestamptz, vorige_volgnummer int, toelichting text, terugzetten_reden text,"
        " opdracht_id text, medewerker text, n int) ORDER BY n";

static const char sql_resultaten_insert[] =
        "INSERT INTO resultaten (zaak, resultaat, omschrijving_generiek, archiefnominatie,"
        " archiefactietermijn, toelichting, vastgesteld_op, opdracht_id)"
        " SELECT zaak, resultaat, omschrijving_generiek, archiefnominatie, archiefactietermijn,"
        " toelichting, vastgesteld_op, opdracht_id FROM json_to_recordset($1::json) AS x("
        " zaak uuid, resultaat text, omschrijving_generiek text, archiefnominatie text,"
        " archiefactietermijn text, toelichting text, vastgesteld_op timestamptz,"
        " opdracht_id text, n int) ORDER BY n";

static const char sql_opschortingen_insert[] =
        "INSERT INTO opschortingen (zaak, nr, reden, per, opdracht_id)"
        " SELECT zaak, nr, reden, per, opdracht_id FROM json_to_recordset($1::json)"
        " AS x(zaak uuid, nr int, reden text, per date, opdracht_id text) ON CONFLICT DO NOTHING";

static const char sql_opschortingen_einde[] =
        "UPDATE opschortingen o SET tot = x.tot, dagen = x.dagen,"
        " hervat_opdracht_id = x.opdracht_id, hervat_toelichting = x.toelichting"
        " FROM json_to_recordset($1::json) AS x(zaak uuid, nr int, tot date, dagen int,"
        " opdracht_id text, toelichting text) WHERE o.zaak = x.zaak AND o.nr = x.nr";

static const char sql_verlengingen_insert[] =
        "INSERT INTO verlengingen (zaak, reden, duur, dagen, verlengd_op, opdracht_id)"
        " SELECT zaak, reden, duur, dagen, verlengd_op, opdracht_id"
        " FROM json_to_recordset($1::json) AS x(zaak uuid, reden text, duur text, dagen int,"
        " verlengd_op timestamptz, opdracht_id text, n int) ORDER BY n";

static const char sql_besluiten_insert[] =
        "INSERT INTO besluiten (uuid, zaak, identificatie, besluittype, datum, ingangsdatum,"
        " vervaldatum, uiterlijke_reactiedatum, toelichting, genomen_op, opdracht_id)"
        " SELECT uuid, zaak, identificatie, besluittype, datum, ingangsdatum, vervaldatum,"
        " uiterlijke_reactiedatum, toelichting, genomen_op, opdracht_id"
        " FROM json_to_recordset($1::json) AS x(uuid uuid, zaak uuid, identificatie text,"
        " besluittype text, datum date, ingangsdatum date, vervaldatum date,"
        " uiterlijke_reactiedatum date, toelichting text, genomen_op timestamptz,"
        " opdracht_id text, n int) ORDER BY n ON CONFLICT DO NOTHING";

static const char sql_tijdlijn_insert[] =
        "INSERT INTO tijdlijn (zaak, soort, tijdstip, opdracht_id, feit)"
        " SELECT zaak, soort, tijdstip, opdracht_id, feit FROM json_to_recordset($1::json)"
        " AS x(zaak uuid, soort text, tijdstip timestamptz, opdracht_id text, feit json, n int)"
        " ORDER BY n";

static const char sql_opdrachten_insert[] =
        "INSERT INTO opdrachten (opdracht_id, zaak, soort, uitkomst, uitkomst_event, uitkomst_ce_id)"
        " SELECT * FROM json_to_recordset($1::json) AS x(opdracht_id text, zaak text, soort text,"
        " uitkomst text, uitkomst_event json, uitkomst_ce_id uuid) ON CONFLICT DO NOTHING";

static const char sql_opdrachten_herhaald[] =
        "UPDATE opdrachten o SET herhaald = herhaald + x.n FROM (SELECT v AS id, count(*) AS n"
        " FROM jsonb_array_elements_text($1::jsonb) AS v GROUP BY v) x WHERE o.opdracht_id = x.id";

static const char sql_wachtend_insert[] =
        "INSERT INTO wachtende_opdrachten (zaak, opdracht_id, record, data, traceparent)"
        " SELECT zaak, opdracht_id, record, data, traceparent FROM json_to_recordset($1::json)"
        " AS x(zaak uuid, opdracht_id text, record text, data jsonb, traceparent text, n int)"
        " ORDER BY n ON CONFLICT (opdracht_id) DO NOTHING";

static const char sql_wachtend_delete[] =
        "DELETE FROM wachtende_opdrachten"
        " WHERE id IN (SELECT (jsonb_array_elements_text($1::jsonb))::bigint)";

static const char sql_taken_delete[] =
        "DELETE FROM termijn_taken"
        " WHERE zaak IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid)";

static const char sql_taken_insert[] =
        "INSERT INTO termijn_taken (zaak, termijn, fase, deadline, wanneer)"
        " SELECT * FROM json_to_recordset($1::json) AS x(zaak uuid, termijn text, fase text,"
        " deadline date, wanneer date) ON CONFLICT DO NOTHING";

/* The deadline watch: only the rows due, through the index on wanneer. */
static const char sql_taken_due[] =
        "SELECT t.zaak::text, t.termijn, t.fase, t.deadline::text, t.wanneer::text, z.identificatie,"
        " z.einddatum_gepland::text, z.uiterlijke_einddatum_afdoening::text,"
        " z.opgeschort_sinds::text, z.verlengd"
        " FROM termijn_taken t JOIN zaken z ON z.uuid = t.zaak"
        " WHERE t.wanneer <= $1::date ORDER BY t.wanneer LIMIT $2::int FOR UPDATE OF t SKIP LOCKED";

static const char sql_taken_klaar[] =
        "DELETE FROM termijn_taken t USING json_to_recordset($1::json) AS x(zaak uuid,"
        " termijn text, fase text) WHERE t.zaak = x.zaak AND t.termijn = x.termijn"
        " AND t.fase = x.fase";

static const char sql_gemeld_insert[] =
        "INSERT INTO termijn_gemeld (zaak, termijn, fase, deadline)"
        " SELECT * FROM json_to_recordset($1::json) AS x(zaak uuid, termijn text, fase text,"
        " deadline date) ON CONFLICT DO NOTHING RETURNING zaak::text, termijn, fase";

static const char sql_wachtend_verlopen[] =
        "DELETE FROM wachtende_opdrachten w WHERE w.id IN (SELECT id FROM wachtende_opdrachten"
        " WHERE ontvangen_op < now() - make_interval(secs => $1::int) ORDER BY id LIMIT $2::int"
        " FOR UPDATE SKIP LOCKED)"
        " RETURNING w.id, w.zaak::text, w.opdracht_id, w.record, w.traceparent,"
        " EXISTS (SELECT 1 FROM zaken z WHERE z.uuid = w.zaak)";

/* The statements written per batch, in the order they run. */
enum stmt {
	S_ZAKEN_INSERT,
	S_ZAKEN_UPDATE,
	S_BETROKKENEN,
	S_EIGENSCHAPPEN,
	S_STATUSSEN,
	S_RESULTATEN,
	S_OPSCHORTINGEN,
	S_OPSCHORTINGEN_EINDE,
	S_VERLENGINGEN,
	S_BESLUITEN,
	S_TIJDLIJN,
	S_OPDRACHTEN,
	S_HERHAALD,
	S_WACHTEND_INSERT,
	S_WACHTEND_DELETE,
	S_TAKEN_DELETE,
	S_TAKEN_INSERT,
	S__COUNT
};

static const struct {
	const char *name, *sql;
} write_stmts[S__COUNT] = {
        [S_ZAKEN_INSERT] = {"zaken_insert", sql_zaken_insert},
        [S_ZAKEN_UPDATE] = {"zaken_update", sql_zaken_update},
        [S_BETROKKENEN] = {"betrokkenen_insert", sql_betrokkenen_insert},
        [S_EIGENSCHAPPEN] = {"eigenschappen_insert", sql_eigenschappen_insert},
        [S_STATUSSEN] = {"statussen_insert", sql_statussen_insert},
        [S_RESULTATEN] = {"resultaten_insert", sql_resultaten_insert},
        [S_OPSCHORTINGEN] = {"opschortingen_insert", sql_opschortingen_insert},
        [S_OPSCHORTINGEN_EINDE] = {"opschortingen_einde", sql_opschortingen_einde},
        [S_VERLENGINGEN] = {"verlengingen_insert", sql_verlengingen_insert},
        [S_BESLUITEN] = {"besluiten_insert", sql_besluiten_insert},
        [S_TIJDLIJN] = {"tijdlijn_insert", sql_tijdlijn_insert},
        [S_OPDRACHTEN] = {"opdrachten_insert", sql_opdrachten_insert},
        [S_HERHAALD] = {"opdrachten_herhaald", sql_opdrachten_herhaald},
        [S_WACHTEND_INSERT] = {"wachtend_insert", sql_wachtend_insert},
        [S_WACHTEND_DELETE] = {"wachtend_delete", sql_wachtend_delete},
        [S_TAKEN_DELETE] = {"taken_delete", sql_taken_delete},
        [S_TAKEN_INSERT] = {"taken_insert", sql_taken_insert},
};

bool
status_init(struct status *s)
{
	memset(s, 0, sizeof(*s));
	s->cat = catalogus_new();
	if (!s->cat) {
		zlog_error("out of memory creating the catalogus");
		return false;
	}
	s->nadert_dagen = 5;
	s->wacht_s = 300;
	s->termijn_chunk = 1000;
	s->vandaag = DATUM_ONGELDIG;
	s->m_uitgevoerd = metric_counter("zs_status_opdrachten_total", "uitkomst=\"uitgevoerd\"",
	                                 "Opdrachten decided, by outcome.");
	s->m_geweigerd = metric_counter("zs_status_opdrachten_total", "uitkomst=\"geweigerd\"",
	                                "Opdrachten decided, by outcome.");
	s->m_herhaald = metric_counter("zs_status_opdrachten_total", "uitkomst=\"herhaald\"",
	                               "Opdrachten decided, by outcome.");
	s->m_wachtend =
	        metric_counter("zs_status_opdrachten_wachtend_total", NULL,
	                       "Opdrachten parked until their zaak (or zaaktype) is known.");
	s->m_termijn = metric_counter("zs_status_termijnbewaking_total", NULL,
	                              "TermijnBewaking events emitted.");
	s->m_termijn_rows = metric_counter("zs_status_termijn_rijen_total", NULL,
	                                   "Due deadline-watch rows handled by the timer.");
	s->m_termijn_tick = metric_histogram("zs_status_termijn_tick_seconds", NULL,
	                                     "Time of one deadline-watch tick.");
	return true;
}

void
status_free(struct status *s)
{
	catalogus_free(s->cat);
	s->cat = NULL;
}

bool
status_zet_vandaag(struct status *s, const char *tekst)
{
	if (!tekst || !*tekst) {
		s->vandaag = DATUM_ONGELDIG;
		return true;
	}
	return datum_parse(tekst, &s->vandaag);
}

int32_t
status_vandaag(const struct status *s)
{
	if (s->vandaag != DATUM_ONGELDIG)
		return s->vandaag;
	return datum_van_instant_nl(now_ms());
}

bool
status_prepare(struct pg *pg)
{
	if (!catalogus_pg_prepare(pg) || !afscherming_prepare(pg) || !berichten_prepare(pg) ||
	    !pg_prepare(pg, "zaken_laad", sql_zaken_laad, 1) ||
	    !pg_prepare(pg, "besloten_laad", sql_besloten_laad, 1) ||
	    !pg_prepare(pg, "wachtend_laad", sql_wachtend_laad, 1) ||
	    !pg_prepare(pg, "wachtend_bekend", sql_wachtend_bekend, 0) ||
	    !pg_prepare(pg, "taken_due", sql_taken_due, 2) ||
	    !pg_prepare(pg, "taken_klaar", sql_taken_klaar, 1) ||
	    !pg_prepare(pg, "gemeld_insert", sql_gemeld_insert, 1) ||
	    !pg_prepare(pg, "wachtend_verlopen", sql_wachtend_verlopen, 2))
		return false;
	for (int i = 0; i < S__COUNT; i++)
		if (!pg_prepare(pg, write_stmts[i].name, write_stmts[i].sql, 1))
			return false;
	return true;
}

/* Small helpers over JSON and text values. */

static const char *
str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* A NULL column is "" in libpq's text results. */
static int32_t
column_datum(PGresult *res, int r, int c)
{
	return PQgetisnull(res, r, c) ? DATUM_ONGELDIG : datum_van_tekst(PQgetvalue(res, r, c));
}

static bool
column_bool(PGresult *res, int r, int c)
{
	return PQgetvalue(res, r, c)[0] == 't';
}

/* Lowercase, as PostgreSQL prints uuids: one spelling per zaak in memory. */
static void
uuid_lower(const char *in, char out[UUID_LEN + 1])
{
	size_t i;

	for (i = 0; in && in[i] && i < UUID_LEN; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

/* The zaaktype version a zaak is judged against: the pinned one, else the
 * one intake chose (valid on the startdatum), else the newest. */
static const struct zaaktype *
find_zaaktype(const struct catalogus *cat, const char *id, int32_t begin, int32_t startdatum)
{
	const struct zaaktype *zt;

	if (begin != DATUM_ONGELDIG) {
		zt = catalogus_find(cat, id, begin);
		return zt && zt->begin_geldigheid == begin ? zt : NULL;
	}
	zt = catalogus_find(cat, id, startdatum);
	return zt ? zt : catalogus_laatste(cat, id);
}

/* One batch in memory. */

struct zw { /* a zaak the batch touches */
	struct zaak_toestand z;
	bool known;   /* in the read model, or registered by this batch */
	bool is_new;  /* registered by this batch */
	bool changed; /* state to write back */
	bool termijnen_changed;
	bool waits; /* opdrachten wait for it: new ones queue behind them */
	char zaaktype[4 * ZT_MAX_IDENTIFICATIE + 1];
	int32_t startdatum, zaaktype_begin;
	int64_t status_gezet_op;
	char behandelaar[4 * OPDRACHT_ACTOR_MAX + 1];
	int aantal_opschortingen;
	const json_t *registratie; /* the ZaakGeregistreerd, for a new zaak */
};

struct item { /* an opdracht to decide */
	const char *record;
	json_t *data;            /* one reference held */
	struct ce_attrs ce;      /* the cause: its traceparent continues */
	char key[UUID_LEN + 1];  /* Kafka key: where a refusal without a zaak goes */
	int64_t waiting_row;     /* row in wachtende_opdrachten, 0 = none */
	char zaak[UUID_LEN + 1]; /* lowercase, "" when the opdracht names none */
	bool done;               /* decided (or dropped as a repeat) */
	bool queued;             /* in the waiting line */
	struct log_ctx log;
};

struct work {
	struct status *s;
	struct proj_batch *b;
	int64_t nu;
	json_t *index; /* zaak uuid → position in zaken */
	struct zw *zaken;
	int nzaken, capzaken;
	json_t *decided;     /* opdrachtId → {event, ce_id}: stored or decided in this batch */
	json_t *waiting;     /* opdrachtId → true: in the waiting line */
	struct item **queue; /* in arrival order: stored ones first */
	int nqueue, capqueue;
	struct item **owned; /* items made from stored waiting rows (owned) */
	int nowned, capowned;
	json_t *rows[S__COUNT]; /* rows per statement */
	bool caught_up;         /* the catalogus was read to its end in this batch */
	int seq;                /* orders rows whose order matters */
	bool oom;               /* an allocation failed: the batch is rolled back */
};

/* The zaaktype of a zaak, reading the catalogus to its end once a batch
 * when it is unknown: it may have been published a moment ago. */
static const struct zaaktype *
zaaktype_of(struct work *w, const char *id, int32_t begin, int32_t startdatum)
{
	const struct zaaktype *zt = find_zaaktype(w->s->cat, id, begin, startdatum);

	if (!zt && !w->caught_up && w->s->p) {
		w->caught_up = true;
		if (projector_broadcast_catch_up(w->s->p, 2000))
			zt = find_zaaktype(w->s->cat, id, begin, startdatum);
	}
	return zt;
}

static struct zw *
find_zaak(struct work *w, const char *uuid)
{
	json_t *i = json_object_get(w->index, uuid);
	struct zw *zw;

	if (i)
		return &w->zaken[json_integer_value(i)];
	if (w->nzaken == w->capzaken) {
		int cap = w->capzaken ? 2 * w->capzaken : 64;
		struct zw *bigger = realloc(w->zaken, (size_t)cap * sizeof(*w->zaken));
		if (!bigger) {
			w->oom = true;
			return NULL;
		}
		w->zaken = bigger;
		w->capzaken = cap;
	}
	zw = &w->zaken[w->nzaken];
	memset(zw, 0, sizeof(*zw));
	snprintf(zw->z.uuid, sizeof(zw->z.uuid), "%s", uuid);
	zw->z.einddatum = zw->z.archiefactiedatum = DATUM_ONGELDIG;
	zw->z.termijnen.einddatum_gepland = DATUM_ONGELDIG;
	zw->z.termijnen.uiterlijke_einddatum_afdoening = DATUM_ONGELDIG;
	zw->z.termijnen.opgeschort_sinds = DATUM_ONGELDIG;
	zw->startdatum = zw->zaaktype_begin = DATUM_ONGELDIG;
	if (json_object_set_new(w->index, uuid, json_integer(w->nzaken)) != 0) {
		w->oom = true;
		return NULL;
	}
	w->nzaken++;
	return zw;
}

/* A row that could not be built (NULL) fails the batch in write_rows(): never
 * a row silently missing. */
static void
add_row(struct work *w, enum stmt s, json_t *r)
{
	if (json_array_append_new(w->rows[s], r) != 0)
		w->oom = true;
}

static int
next_seq(struct work *w)
{
	return ++w->seq;
}

static void
queue_add(struct work *w, struct item *it)
{
	if (w->nqueue == w->capqueue) {
		int cap = w->capqueue ? 2 * w->capqueue : 16;
		struct item **bigger = realloc(w->queue, (size_t)cap * sizeof(*w->queue));
		if (!bigger) {
			w->oom = true;
			return;
		}
		w->queue = bigger;
		w->capqueue = cap;
	}
	w->queue[w->nqueue++] = it;
	it->queued = true;
}

/* Reads the state of one zaak from a zaken_laad row. */
static void
toestand_from_row(struct work *w, PGresult *res, int r)
{
	struct zw *zw = find_zaak(w, PQgetvalue(res, r, 0));
	char *bsns = PQgetvalue(res, r, 18), *p;

	if (!zw)
		return;
	zw->known = true;
	snprintf(zw->z.identificatie, sizeof(zw->z.identificatie), "%s", PQgetvalue(res, r, 1));
	snprintf(zw->zaaktype, sizeof(zw->zaaktype), "%s", PQgetvalue(res, r, 2));
	zw->zaaktype_begin = column_datum(res, r, 3);
	zw->startdatum = column_datum(res, r, 4);
	zw->z.status = atoi(PQgetvalue(res, r, 5));
	snprintf(zw->z.resultaat, sizeof(zw->z.resultaat), "%s", PQgetvalue(res, r, 6));
	zw->z.einddatum = column_datum(res, r, 7);
	zw->z.afgesloten = zw->z.einddatum != DATUM_ONGELDIG;
	zw->z.archiefactiedatum = column_datum(res, r, 8);
	zw->z.heropend = column_bool(res, r, 9);
	zw->z.termijnen.einddatum_gepland = column_datum(res, r, 10);
	zw->z.termijnen.uiterlijke_einddatum_afdoening = column_datum(res, r, 11);
	zw->z.termijnen.opgeschort_sinds = column_datum(res, r, 12);
	zw->z.termijnen.verlengd = column_bool(res, r, 13);
	zw->z.n_besluiten = atoi(PQgetvalue(res, r, 14));
	zw->aantal_opschortingen = atoi(PQgetvalue(res, r, 15));
	zw->status_gezet_op = strtoll(PQgetvalue(res, r, 16), NULL, 10);
	snprintf(zw->behandelaar, sizeof(zw->behandelaar), "%s", PQgetvalue(res, r, 17));
	for (p = strtok(bsns, ","); p; p = strtok(NULL, ","))
		zaak_toestand_bsn(&zw->z, p);
}

static void
decided_from_row(struct work *w, PGresult *res, int r)
{
	json_t *ev = json_loads(PQgetvalue(res, r, 1), 0, NULL);

	/* Missing, the opdracht would be carried out a second time. */
	if (!ev || json_object_set_new(w->decided, PQgetvalue(res, r, 0),
	                               json_pack("{s:o, s:s}", "event", ev, "ce_id",
	                                         PQgetvalue(res, r, 2))) != 0)
		w->oom = true;
}

/* A stored waiting opdracht joins the waiting line, ahead of this batch's. */
static void
waiting_from_row(struct work *w, PGresult *res, int r)
{
	json_t *data = json_loads(PQgetvalue(res, r, 4), 0, NULL);
	struct item *it;
	struct zw *zw;

	if (!data) {
		w->oom = true;
		return;
	}
	it = calloc(1, sizeof(*it));
	if (!it) {
		json_decref(data);
		w->oom = true;
		return;
	}
	it->waiting_row = strtoll(PQgetvalue(res, r, 0), NULL, 10);
	uuid_lower(PQgetvalue(res, r, 1), it->zaak);
	snprintf(it->key, sizeof(it->key), "%s", it->zaak);
	it->data = data;
	it->record = opdracht_record(
	        (enum opdracht_soort)opdracht_soort_from_record(PQgetvalue(res, r, 3)));
	snprintf(it->ce.traceparent, sizeof(it->ce.traceparent), "%s", PQgetvalue(res, r, 5));
	it->log = (struct log_ctx){.partition = -1, .offset = -1, .zaak = it->zaak};
	if (!it->record) {
		json_decref(data);
		free(it);
		return;
	}
	if (w->nowned == w->capowned) {
		int cap = w->capowned ? 2 * w->capowned : 16;
		struct item **bigger = realloc(w->owned, (size_t)cap * sizeof(*w->owned));
		if (!bigger) {
			json_decref(data);
			free(it);
			w->oom = true;
			return;
		}
		w->owned = bigger;
		w->capowned = cap;
	}
	w->owned[w->nowned++] = it;
	json_object_set_new(w->waiting, str(data, "opdrachtId"), json_true());
	queue_add(w, it);
	if ((zw = find_zaak(w, it->zaak)) != NULL)
		zw->waits = true;
}

static void
on_load_result(int index, PGresult *res, void *arg)
{
	struct work *w = arg;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return;
	for (int r = 0; r < PQntuples(res); r++) {
		if (index == 0)
			toestand_from_row(w, res, r);
		else if (index == 1)
			decided_from_row(w, res, r);
		else if (index == 2)
			waiting_from_row(w, res, r);
	}
	if (index == 2 && PQntuples(res) > 0)
		zlog_debug("%d waiting opdracht(en) loaded", PQntuples(res));
}

/* Zaken whose opdrachten wait only for a zaaktype: after a catalogus entry
 * they are worth another look. */
static bool
waiting_zaken(struct work *w)
{
	PGresult *res = pg_execp(w->b->pg, "wachtend_bekend", 0, NULL, NULL, NULL);

	if (!res)
		return false;
	for (int r = 0; r < PQntuples(res); r++)
		find_zaak(w, PQgetvalue(res, r, 0));
	PQclear(res);
	return true;
}

/* One round trip: state, stored outcomes, waiting opdrachten. */
static bool
load(struct work *w, json_t *ids)
{
	json_t *uuids = json_array();
	const char *k;
	json_t *v;
	char *u, *i;
	bool ok;

	ok = uuids != NULL;
	json_object_foreach(w->index, k, v)
	{
		if (ok && json_array_append_new(uuids, json_string(k)) != 0)
			ok = false;
	}
	u = ok ? json_dumps(uuids, JSON_COMPACT) : NULL;
	i = json_dumps(ids, JSON_COMPACT);
	json_decref(uuids);
	if (!u || !i) {
		free(u);
		free(i);
		return pg_out_of_memory(w->b->pg, "the ids a batch touches");
	}
	const char *v1[1] = {u}, *v2[1] = {i};
	ok = pg_pipeline_begin(w->b->pg) &&
	     pg_pipeline_send(w->b->pg, "zaken_laad", 1, v1, NULL, NULL) &&
	     pg_pipeline_send(w->b->pg, "besloten_laad", 1, v2, NULL, NULL) &&
	     pg_pipeline_send(w->b->pg, "wachtend_laad", 1, v1, NULL, NULL);
	ok = pg_pipeline_sync(w->b->pg, on_load_result, w) && ok;
	free(u);
	free(i);
	return ok;
}

/* Writing what happened. */

static json_t *
toestand_row(const struct zw *zw)
{
	const struct zaak_toestand *z = &zw->z;
	const struct statustype *st = z->zt ? zaaktype_statustype(z->zt, z->status) : NULL;
	const json_t *rs = json_object_get(zw->registratie, "status");
	const struct resultaattype *rt =
	        z->zt && z->afgesloten ? zaaktype_resultaattype(z->zt, z->resultaat) : NULL;
	json_t *r = json_object();
	int failed = r == NULL;

	failed |= json_object_set_new(r, "uuid", json_string(z->uuid));
	failed |=
	        json_object_set_new(r, "zaaktype_begin_geldigheid", datum_json(zw->zaaktype_begin));
	failed |= json_object_set_new(
	        r, "behandelaar", zw->behandelaar[0] ? json_string(zw->behandelaar) : json_null());
	failed |= json_object_set_new(r, "status", json_integer(z->status));
	if (st) {
		failed |= json_object_set_new(r, "status_omschrijving",
		                              json_string(st->omschrijving));
		failed |= json_object_set_new(
		        r, "stap", json_integer(zaaktype_statustype_stap(z->zt, z->status)));
		failed |= json_object_set_new(r, "aantal_stappen",
		                              json_integer((int)z->zt->n_statustypen));
	} else if (rs) {
		json_object_set(r, "status_omschrijving", json_object_get(rs, "omschrijving"));
		json_object_set(r, "stap", json_object_get(rs, "stap"));
		json_object_set(r, "aantal_stappen", json_object_get(rs, "aantalStappen"));
	}
	failed |= json_object_set_new(r, "status_gezet_op", instant_json(zw->status_gezet_op));
	failed |= json_object_set_new(r, "einddatum_gepland",
	                              datum_json(z->termijnen.einddatum_gepland));
	failed |= json_object_set_new(r, "uiterlijke_einddatum_afdoening",
	                              datum_json(z->termijnen.uiterlijke_einddatum_afdoening));
	failed |= json_object_set_new(r, "opgeschort_sinds",
	                              datum_json(z->termijnen.opgeschort_sinds));
	failed |= json_object_set_new(r, "verlengd", json_boolean(z->termijnen.verlengd));
	failed |= json_object_set_new(r, "heropend", json_boolean(z->heropend));
	failed |= json_object_set_new(r, "resultaat",
	                              z->resultaat[0] ? json_string(z->resultaat) : json_null());
	failed |= json_object_set_new(r, "einddatum", datum_json(z->einddatum));
	failed |= json_object_set_new(r, "archiefnominatie",
	                              rt ? json_string(archiefnominatie_name(rt->archiefnominatie))
	                                 : json_null());
	failed |= json_object_set_new(r, "archiefactiedatum", datum_json(z->archiefactiedatum));
	failed |= json_object_set_new(r, "aantal_besluiten", json_integer(z->n_besluiten));
	failed |= json_object_set_new(r, "aantal_opschortingen",
	                              json_integer(zw->aantal_opschortingen));
	if (failed) { /* out of memory: the caller's add_row() fails the batch */
		json_decref(r);
		return NULL;
	}
	return r;
}

/* A new zaak: what it was registered with, and its state now. */
static json_t *
new_zaak_row(struct work *w, const struct zw *zw)
{
	static const char *const velden[] = {
	        "identificatie",
	        "bronorganisatie",
	        "zaaktype",
	        "zaaktypeVersiedatum",
	        "zaaktypeOmschrijving",
	        "omschrijving",
	        "aanvraagId",
	        "kanaal",
	        "registratiedatum",
	        "startdatum",
	        "vertrouwelijkheidaanduiding",
	        "tonenAanInitiator",
	        "afdeling",
	        "einddatumGepland",
	        "uiterlijkeEinddatumAfdoening",
	};
	static const char *const kolommen[] = {
	        "identificatie",
	        "bronorganisatie",
	        "zaaktype",
	        "zaaktype_versiedatum",
	        "zaaktype_omschrijving",
	        "omschrijving",
	        "aanvraag_id",
	        "kanaal",
	        "registratiedatum",
	        "startdatum",
	        "vertrouwelijkheidaanduiding",
	        "tonen_aan_initiator",
	        "afdeling",
	        "oorspronkelijke_einddatum_gepland",
	        "oorspronkelijke_uiterlijke_einddatum",
	};
	json_t *r = toestand_row(zw);

	if (!r)
		return NULL;
	/* Optional fields absent from the registration stay NULL columns. */
	for (size_t i = 0; i < sizeof(velden) / sizeof(velden[0]); i++)
		json_object_set(r, kolommen[i], json_object_get(zw->registratie, velden[i]));
	if (json_object_set_new(r, "n", json_integer(next_seq(w))) != 0) {
		json_decref(r);
		return NULL;
	}
	return r;
}

/*
 * Which history table a fact adds a row to, and from which of its fields
 * (a path into the fact); every row also gets the zaak and "n" (order).
 */
struct column {
	const char *column, *path;
};

static const struct column columns_status[] = {
        {"volgnummer", "status.volgnummer"},
        {"omschrijving", "status.omschrijving"},
        {"statustekst", "status.statustekst"},
        {"informeren", "status.informeren"},
        {"tonen_aan_initiator", "status.tonenAanInitiator"},
        {"is_eindstatus", "status.isEindstatus"},
        {"stap", "status.stap"},
        {"aantal_stappen", "status.aantalStappen"},
        {"gezet_op", "status.datumStatusGezet"},
        {"vorige_volgnummer", "vorigeVolgnummer"},
        {"toelichting", "statustoelichting"},
        {"terugzetten_reden", "terugzettenReden"},
        {"opdracht_id", "opdrachtId"},
        {"medewerker", "actor.medewerkerIdentificatie"},
        {NULL, NULL},
};

static const struct column columns_resultaat[] = {
        {"resultaat", "resultaat"},
        {"omschrijving_generiek", "omschrijvingGeneriek"},
        {"archiefnominatie", "archiefnominatie"},
        {"archiefactietermijn", "archiefactietermijn"},
        {"toelichting", "toelichting"},
        {"vastgesteld_op", "tijdstip"},
        {"opdracht_id", "opdrachtId"},
        {NULL, NULL},
};

static const struct column columns_opschorting[] = {
        {"reden", "reden"}, {"per", "per"}, {"opdracht_id", "opdrachtId"}, {NULL, NULL}};

static const struct column columns_hervatting[] = {{"tot", "per"},
                                                   {"dagen", "opgeschorteDagen"},
                                                   {"opdracht_id", "opdrachtId"},
                                                   {"toelichting", "toelichting"},
                                                   {NULL, NULL}};

static const struct column columns_verlenging[] = {{"reden", "reden"},
                                                   {"duur", "duur"},
                                                   {"dagen", "verlengingDagen"},
                                                   {"verlengd_op", "tijdstip"},
                                                   {"opdracht_id", "opdrachtId"},
                                                   {NULL, NULL}};

static const struct column columns_besluit[] = {
        {"uuid", "besluit"},
        {"identificatie", "besluitIdentificatie"},
        {"besluittype", "besluittype"},
        {"datum", "datum"},
        {"ingangsdatum", "ingangsdatum"},
        {"vervaldatum", "vervaldatum"},
        {"uiterlijke_reactiedatum", "uiterlijkeReactiedatum"},
        {"toelichting", "toelichting"},
        {"genomen_op", "tijdstip"},
        {"opdracht_id", "opdrachtId"},
        {NULL, NULL},
};

static const struct {
	const char *record;
	enum stmt s;
	const struct column *k;
} projections[] = {
        {"StatusGezet", S_STATUSSEN, columns_status},
        {"ResultaatVastgesteld", S_RESULTATEN, columns_resultaat},
        {"ZaakOpgeschort", S_OPSCHORTINGEN, columns_opschorting},
        {"ZaakHervat", S_OPSCHORTINGEN_EINDE, columns_hervatting},
        {"ZaakVerlengd", S_VERLENGINGEN, columns_verlenging},
        {"BesluitGenomen", S_BESLUITEN, columns_besluit},
};

/* The value at "a.b" in f, or null. */
static json_t *
path_value(const json_t *f, const char *path)
{
	char part[64];
	const char *dot = strchr(path, '.');
	json_t *v;

	if (!dot)
		v = json_object_get(f, path);
	else {
		snprintf(part, sizeof(part), "%.*s", (int)(dot - path), path);
		v = json_object_get(json_object_get(f, part), dot + 1);
	}
	return v ? json_incref(v) : json_null();
}

static json_t *
projection_row(struct work *w, const struct zw *zw, const struct column *k, const json_t *f)
{
	json_t *r = json_object();
	int failed = r == NULL;

	failed |= json_object_set_new(r, "zaak", json_string(zw->z.uuid));
	failed |= json_object_set_new(r, "n", json_integer(next_seq(w)));
	for (; k->column; k++)
		failed |= json_object_set_new(r, k->column, path_value(f, k->path));
	if (failed) { /* out of memory: add_row() fails the batch */
		json_decref(r);
		return NULL;
	}
	return r;
}

/* The rows a fact adds: the timeline, and its history table. */
static void
project(struct work *w, struct zw *zw, const char *record, json_t *f)
{
	add_row(w, S_TIJDLIJN,
	        json_pack("{s:s, s:s, s:O, s:O, s:O, s:i}", "zaak", zw->z.uuid, "soort", record,
	                  "tijdstip", json_object_get(f, "tijdstip"), "opdracht_id",
	                  json_object_get(f, "opdrachtId"), "feit", f, "n", next_seq(w)));
	for (size_t i = 0; i < sizeof(projections) / sizeof(projections[0]); i++) {
		json_t *r;

		if (strcmp(record, projections[i].record))
			continue;
		r = projection_row(w, zw, projections[i].k, f);
		/* A suspension is numbered; its hervatting closes the same number. */
		if (!strcmp(record, "ZaakOpgeschort"))
			zw->aantal_opschortingen++;
		if (r &&
		    json_object_set_new(r, "nr", json_integer(zw->aantal_opschortingen)) != 0) {
			json_decref(r);
			r = NULL;
		}
		add_row(w, projections[i].s, r);
	}
}

static void
ce_id_voor(const char *soort, const char *id, int i, char out[UUID_LEN + 1])
{
	char naam[OPDRACHT_ID_MAX + 64];

	snprintf(naam, sizeof(naam), "%s:%s:%d", soort, id, i);
	uuid_v5(ZS_UUID_NAMESPACE, naam, out);
}

/* The outcome of an opdracht: emitted, stored for repeats, the wait over. */
static bool
uitkomst(struct work *w, struct item *it, const char *id, const char *zaak, json_t *ev,
         bool uitgevoerd)
{
	char ce_id[UUID_LEN + 1];
	const char *key = zaak && uuid_valid(zaak) ? zaak : it->key[0] ? it->key : NULL;
	bool ok;

	if (id)
		ce_id_voor("opdracht-uitkomst", id, 0, ce_id);
	ok = projector_emit(w->s->p, TOPIC_OPDRACHT_UITKOMSTEN, key,
	                    uitgevoerd ? "OpdrachtUitgevoerd" : "OpdrachtGeweigerd", ev, &it->ce,
	                    id ? ce_id : NULL);
	if (id) {
		add_row(w, S_OPDRACHTEN,
		        json_pack("{s:s, s:s, s:s, s:s, s:O, s:s}", "opdracht_id", id, "zaak",
		                  zaak ? zaak : "", "soort", it->record, "uitkomst",
		                  uitgevoerd ? "uitgevoerd" : "geweigerd", "uitkomst_event", ev,
		                  "uitkomst_ce_id", ce_id));
		if (json_object_set_new(w->decided, id,
		                        json_pack("{s:O, s:s}", "event", ev, "ce_id", ce_id)) != 0)
			w->oom = true;
	}
	if (it->waiting_row)
		add_row(w, S_WACHTEND_DELETE, json_integer(it->waiting_row));
	it->done = true;
	projector_count(w->b->p, uitgevoerd ? w->s->m_uitgevoerd : w->s->m_geweigerd, 1);
	return ok;
}

static bool
weiger(struct work *w, struct item *it, const char *id, const char *zaak, const struct redenen *r,
       int64_t tijdstip)
{
	json_t *ev = opdracht_geweigerd_json(id, zaak, it->record, tijdstip, r);
	char codes[256] = "";
	size_t len = 0;
	bool ok;

	if (!ev)
		return pg_out_of_memory(w->b->pg, "an OpdrachtGeweigerd");
	for (size_t i = 0; i < r->n; i++)
		buf_appendf(codes, sizeof(codes), &len, "%s%s", i ? ", " : "", r->r[i].code);
	zlog_at(LOG_INFO, &it->log, "%s refused: %s", it->record, codes);
	ok = uitkomst(w, it, id, zaak, ev, false);
	json_decref(ev);
	return ok;
}

static bool
herhaal(struct work *w, struct item *it, const struct opdracht *o, json_t *prior)
{
	const char *record = json_object_get(json_object_get(prior, "event"), "redenen")
	                             ? "OpdrachtGeweigerd"
	                             : "OpdrachtUitgevoerd";

	add_row(w, S_HERHAALD, json_string(o->id));
	if (it->waiting_row)
		add_row(w, S_WACHTEND_DELETE, json_integer(it->waiting_row));
	it->done = true;
	projector_count(w->b->p, w->s->m_herhaald, 1);
	zlog_at(LOG_INFO, &it->log, "%s %s again: same outcome", it->record, o->id);
	return projector_emit(w->s->p, TOPIC_OPDRACHT_UITKOMSTEN, it->zaak, record,
	                      json_object_get(prior, "event"), &it->ce, str(prior, "ce_id"));
}

static void
park(struct work *w, struct item *it, struct zw *zw, const struct opdracht *o)
{
	if (it->queued)
		return;
	if (json_object_get(w->waiting, o->id)) {
		it->done = true; /* a repeat of one already waiting: that one counts */
		return;
	}
	json_object_set_new(w->waiting, o->id, json_true());
	queue_add(w, it);
	zw->waits = true;
	projector_count(w->b->p, w->s->m_wachtend, 1);
	zlog_at(LOG_INFO, &it->log, "%s %s waits for its %s", it->record, o->id,
	        zw->known ? "zaaktype" : "zaak");
}

static bool
termijnen_gelijk(const struct termijnen *a, const struct termijnen *b)
{
	return a->einddatum_gepland == b->einddatum_gepland &&
	       a->uiterlijke_einddatum_afdoening == b->uiterlijke_einddatum_afdoening &&
	       a->opgeschort_sinds == b->opgeschort_sinds && a->verlengd == b->verlengd;
}

static bool
beslis(struct work *w, struct item *it)
{
	struct opdracht o;
	struct redenen r;
	struct feiten f = {0};
	char err[64];
	struct zw *zw;
	json_t *prior, *ev;
	bool ok = true;

	if (it->done)
		return true;
	if (!opdracht_van_json(&o, (enum opdracht_soort)opdracht_soort_from_record(it->record),
	                       it->data, err, sizeof(err))) {
		const char *id = str(it->data, "opdrachtId"), *zaak = str(it->data, "zaak");
		if (id && (!*id || strlen(id) > OPDRACHT_ID_MAX))
			id = NULL;
		if (zaak && !uuid_valid(zaak))
			zaak = NULL;
		if (id && json_object_get(w->decided, id))
			return herhaal(w, it, &(struct opdracht){.id = id},
			               json_object_get(w->decided, id));
		status_redenen_init(&r);
		redenen_voeg_toe(&r, "opdracht.ongeldig", err,
		                 "De opdracht kon niet worden gelezen: het veld %s ontbreekt of is "
		                 "ongeldig.",
		                 err);
		return weiger(w, it, id, zaak, &r, w->nu);
	}
	it->log.zaak = it->zaak;
	if ((prior = json_object_get(w->decided, o.id)) != NULL)
		return herhaal(w, it, &o, prior);
	zw = find_zaak(w, it->zaak);
	if (!zw)
		return false;
	if (!zw->known || zw->waits || !zw->z.zt) {
		park(w, it, zw, &o);
		return true;
	}

	struct termijnen voor = zw->z.termijnen;
	bool was_afgesloten = zw->z.afgesloten;

	if (!opdracht_verwerk(&zw->z, &o, &w->s->inst, &r, &f))
		return weiger(w, it, o.id, it->zaak, &r, w->nu);
	for (int i = 0; i < f.n && ok; i++) {
		char ce_id[UUID_LEN + 1];
		ce_id_voor("feit", o.id, i, ce_id);
		ok = projector_emit(w->s->p, TOPIC_ZAKEN, zw->z.uuid, f.f[i].record, f.f[i].data,
		                    &it->ce, ce_id);
		project(w, zw, f.f[i].record, f.f[i].data);
	}
	zw->changed = true;
	snprintf(zw->behandelaar, sizeof(zw->behandelaar), "%s", o.medewerker);
	if (o.soort == OPDRACHT_STATUS_ZETTEN)
		zw->status_gezet_op = o.gegeven_op;
	if (!termijnen_gelijk(&voor, &zw->z.termijnen) || was_afgesloten != zw->z.afgesloten)
		zw->termijnen_changed = true;
	zlog_at(LOG_DEBUG, &it->log, "%s %s carried out", it->record, o.id);
	feiten_free(&f);
	ev = opdracht_uitgevoerd_json(&o, w->nu);
	if (!ev)
		return pg_out_of_memory(w->b->pg, "an OpdrachtUitgevoerd");
	ok = uitkomst(w, it, o.id, it->zaak, ev, true) && ok;
	json_decref(ev);
	return ok;
}

/* The opdrachten waiting for zw, in the order they came, now that it can
 * take them. */
static bool
release_waiting(struct work *w, struct zw *zw)
{
	bool ok = true;

	if (!zw->known || !zw->z.zt || !zw->waits)
		return true;
	zw->waits = false;
	for (int i = 0; i < w->nqueue && ok; i++) {
		struct item *it = w->queue[i];
		if (it->done || strcmp(it->zaak, zw->z.uuid))
			continue;
		it->queued = false;
		ok = beslis(w, it);
	}
	return ok;
}

static void
registratie_rows(struct work *w, struct zw *zw, const json_t *d)
{
	static const struct {
		const char *soort, *veld;
	} nummers[] = {{"bsn", "inpBsn"}, {"kvk", "kvkNummer"}, {"vestiging", "vestigingsNummer"}};
	const json_t *rol, *e, *st = json_object_get(d, "status");
	json_t *tl;
	size_t i;

	json_array_foreach(json_object_get(d, "rollen"), i, rol)
	{
		const json_t *b = json_object_get(rol, "betrokkene");
		const char *mach = str(rol, "indicatieMachtiging");
		const char *naam = mach && !strcmp(mach, "gemachtigde")
		                           ? "gemachtigde"
		                           : str(rol, "omschrijvingGeneriek");
		for (size_t k = 0; k < sizeof(nummers) / sizeof(nummers[0]); k++) {
			const char *nr = str(b, nummers[k].veld);
			if (nr && *nr && naam)
				add_row(w, S_BETROKKENEN,
				        json_pack("{s:s, s:s, s:s, s:O, s:s}", "soort",
				                  nummers[k].soort, "nummer", nr, "rol", naam,
				                  "betrokkene_type",
				                  json_object_get(b, "betrokkeneType"), "zaak",
				                  zw->z.uuid));
		}
	}
	json_array_foreach(json_object_get(d, "eigenschappen"), i, e)
	{
		json_t *r = json_copy((json_t *)e);
		if (r && json_object_set_new(r, "zaak", json_string(zw->z.uuid)) != 0) {
			json_decref(r);
			r = NULL;
		}
		add_row(w, S_EIGENSCHAPPEN, r);
	}
	add_row(w, S_STATUSSEN, projection_row(w, zw, columns_status, d));
	/* The timeline keeps the registration without personal data: who it
	 * concerns is in betrokkenen, the data in eigenschappen. */
	tl = json_copy((json_t *)d);
	json_object_del(tl, "rollen");
	json_object_del(tl, "eigenschappen");
	json_object_del(tl, "authenticatie");
	json_object_del(tl, "statustypen");
	add_row(w, S_TIJDLIJN,
	        json_pack("{s:s, s:s, s:O, s:n, s:o, s:i}", "zaak", zw->z.uuid, "soort",
	                  "ZaakGeregistreerd", "tijdstip", json_object_get(st, "datumStatusGezet"),
	                  "opdracht_id", "feit", tl, "n", next_seq(w)));
}

static bool
registreer(struct work *w, struct proj_msg *m)
{
	const json_t *d = m->data;
	char uuid[UUID_LEN + 1], err[160];
	const struct zaaktype *zt;
	struct zaak_toestand z;
	struct zw *zw;
	bool waits;
	int64_t gezet;

	uuid_lower(str(d, "uuid"), uuid);
	zw = find_zaak(w, uuid);
	if (!zw)
		return false;
	if (zw->known) {
		zlog_at(LOG_DEBUG, &m->log, "zaak already registered");
		return true;
	}
	zt = zaaktype_of(w, str(d, "zaaktype"), DATUM_ONGELDIG,
	                 datum_van_tekst(str(d, "startdatum") ? str(d, "startdatum") : ""));
	if (!zaak_toestand_van_registratie(&z, d, zt, err, sizeof(err)) ||
	    !instant_parse(str(json_object_get(d, "status"), "datumStatusGezet"), &gezet)) {
		char why[200];
		snprintf(why, sizeof(why), "unusable ZaakGeregistreerd: %s", err);
		return projector_dead_letter(w->b, m, "registratie_ongeldig", why);
	}
	waits = zw->waits;
	zw->z = z;
	snprintf(zw->z.uuid, sizeof(zw->z.uuid), "%s", uuid);
	zw->known = zw->is_new = zw->changed = zw->termijnen_changed = true;
	zw->waits = waits;
	zw->registratie = d;
	snprintf(zw->zaaktype, sizeof(zw->zaaktype), "%s", str(d, "zaaktype"));
	zw->startdatum = datum_van_tekst(str(d, "startdatum"));
	zw->zaaktype_begin = zt ? zt->begin_geldigheid : DATUM_ONGELDIG;
	zw->status_gezet_op = gezet;
	registratie_rows(w, zw, d);
	zlog_at(LOG_DEBUG, &m->log, "zaak %s registered", zw->z.identificatie);
	return release_waiting(w, zw);
}

static void
finish_rows(struct work *w)
{
	for (int i = 0; i < w->nzaken; i++) {
		struct zw *zw = &w->zaken[i];
		struct termijn_taak t[TERMIJN_TAKEN_MAX];
		int n;

		if (!zw->known)
			continue;
		if (zw->is_new)
			add_row(w, S_ZAKEN_INSERT, new_zaak_row(w, zw));
		else if (zw->changed)
			add_row(w, S_ZAKEN_UPDATE, toestand_row(zw));
		if (!zw->termijnen_changed)
			continue;
		if (!zw->is_new)
			add_row(w, S_TAKEN_DELETE, json_string(zw->z.uuid));
		n = termijn_taken(&zw->z.termijnen, zw->z.afgesloten, w->s->nadert_dagen, t);
		for (int k = 0; k < n; k++)
			add_row(w, S_TAKEN_INSERT,
			        json_pack("{s:s, s:s, s:s, s:o, s:o}", "zaak", zw->z.uuid,
			                  "termijn", termijn_soort_name(t[k].termijn), "fase",
			                  termijn_fase_name(t[k].fase), "deadline",
			                  datum_json(t[k].deadline), "wanneer",
			                  datum_json(t[k].wanneer)));
	}
	for (int i = 0; i < w->nqueue; i++) {
		struct item *it = w->queue[i];
		if (it->done || it->waiting_row)
			continue;
		add_row(w, S_WACHTEND_INSERT,
		        json_pack("{s:s, s:s, s:s, s:O, s:s, s:i}", "zaak", it->zaak, "opdracht_id",
		                  str(it->data, "opdrachtId"), "record", it->record, "data",
		                  it->data, "traceparent", it->ce.traceparent, "n", next_seq(w)));
	}
}

/* One pipeline, one statement per table; left open for the commit. */
static bool
write_rows(struct work *w)
{
	if (w->oom)
		return pg_out_of_memory(w->b->pg, "the rows of a batch");
	if (!pg_pipeline_begin(w->b->pg))
		return false;
	for (int s = 0; s < S__COUNT; s++) {
		char *t;
		const char *vals[1];
		bool ok;

		if (json_array_size(w->rows[s]) == 0)
			continue;
		t = json_dumps(w->rows[s], JSON_COMPACT);
		vals[0] = t;
		ok = t ? pg_pipeline_send(w->b->pg, write_stmts[s].name, 1, vals, NULL, NULL)
		       : pg_out_of_memory(w->b->pg, write_stmts[s].name);
		free(t);
		if (!ok) {
			pg_pipeline_sync(w->b->pg, NULL, NULL);
			return false;
		}
	}
	return true;
}

static void
work_free(struct work *w, struct item *items, int nitems)
{
	for (int i = 0; i < nitems; i++)
		json_decref(items[i].data);
	for (int i = 0; i < w->nowned; i++) {
		json_decref(w->owned[i]->data);
		free(w->owned[i]);
	}
	for (int s = 0; s < S__COUNT; s++)
		json_decref(w->rows[s]);
	json_decref(w->index);
	json_decref(w->decided);
	json_decref(w->waiting);
	free(w->owned);
	free(w->queue);
	free(w->zaken);
	free(items);
}

static bool
is_registratie(const struct proj_msg *m)
{
	return !strcmp(m->record, "ZaakGeregistreerd");
}

/*
 * One batch (or, from the timer, none: zaaktypen_nieuw then looks for
 * opdrachten that waited only for their zaaktype). Returns 0, or -1 when a
 * statement failed.
 */
static int
apply_work(struct status *s, struct proj_batch *b, bool zaaktypen_nieuw)
{
	struct work w = {.s = s, .b = b, .nu = now_ms()};
	struct item *items;
	int *item_van, nitems = 0, rc = -1;
	bool ok = true;
	json_t *ids;

	w.index = json_object();
	w.decided = json_object();
	w.waiting = json_object();
	w.oom = !w.index || !w.decided || !w.waiting;
	for (int k = 0; k < S__COUNT; k++)
		w.oom |= !(w.rows[k] = json_array());
	ids = json_array();
	items = calloc((size_t)b->n + 1, sizeof(*items));
	item_van = calloc((size_t)b->n + 1, sizeof(*item_van));
	if (w.oom || !ids || !items || !item_van) {
		pg_out_of_memory(b->pg, "a batch of opdrachten");
		goto out;
	}

	/* Which zaken and opdracht ids the batch touches. Our own facts come
	 * back on the zaken topic: only registrations matter there. */
	for (int i = 0; i < b->n; i++) {
		struct proj_msg *m = &b->msgs[i];
		item_van[i] = -1;
		if (m->dead || !m->data)
			continue;
		if (is_registratie(m)) {
			char uuid[UUID_LEN + 1];
			uuid_lower(str(m->data, "uuid"), uuid);
			if (uuid_valid(uuid))
				find_zaak(&w, uuid);
			continue;
		}
		if (opdracht_soort_from_record(m->record) < 0)
			continue;
		struct item *it = &items[nitems];
		const char *id = str(m->data, "opdrachtId"), *zaak = str(m->data, "zaak");
		item_van[i] = nitems++;
		it->record = m->record;
		it->data = json_incref(m->data);
		it->ce = m->ce;
		it->log = m->log;
		snprintf(it->key, sizeof(it->key), "%s",
		         m->key && uuid_valid(m->key) ? m->key : "");
		if (zaak && uuid_valid(zaak)) {
			uuid_lower(zaak, it->zaak);
			find_zaak(&w, it->zaak);
		}
		if (id && json_array_append_new(ids, json_string(id)) != 0)
			w.oom = true;
	}
	if (w.oom) {
		pg_out_of_memory(b->pg, "the ids of a batch");
		goto out;
	}
	if (zaaktypen_nieuw && !waiting_zaken(&w))
		goto out;
	if ((w.nzaken > 0 || json_array_size(ids) > 0) && !load(&w, ids))
		goto out;
	for (int i = 0; i < w.nzaken; i++) {
		struct zw *zw = &w.zaken[i];
		if (!zw->known)
			continue;
		zw->z.zt = zaaktype_of(&w, zw->zaaktype, zw->zaaktype_begin, zw->startdatum);
		if (zw->z.zt && zw->zaaktype_begin == DATUM_ONGELDIG) {
			zw->zaaktype_begin = zw->z.zt->begin_geldigheid; /* pinned from now on */
			zw->changed = true;
		}
	}

	/* In order: several opdrachten for one zaak see each other's effect. */
	for (int i = 0; i < b->n && ok; i++) {
		struct proj_msg *m = &b->msgs[i];
		if (m->dead || !m->data)
			continue;
		if (is_registratie(m))
			ok = registreer(&w, m);
		else if (item_van[i] >= 0)
			ok = beslis(&w, &items[item_van[i]]);
	}
	/* Zaken whose zaaktype has come take their waiting line. */
	for (int i = 0; i < w.nzaken && ok; i++)
		ok = release_waiting(&w, &w.zaken[i]);
	if (!ok) {
		if (w.oom)
			pg_out_of_memory(b->pg, "the decisions of a batch");
		goto out;
	}
	finish_rows(&w);
	if (!write_rows(&w))
		goto out;
	rc = 0;
out:
	json_decref(ids);
	free(item_van);
	work_free(&w, items, nitems);
	return rc;
}

int
status_write_rows(struct proj_batch *b, const char *stmt, json_t *rows)
{
	char *text;
	bool ok;

	if (rows && json_array_size(rows) == 0) {
		json_decref(rows);
		return 0;
	}
	text = rows ? json_dumps(rows, JSON_COMPACT) : NULL;
	json_decref(rows);
	if (!text) {
		pg_out_of_memory(b->pg, stmt);
		return -1;
	}
	const char *vals[1] = {text};
	ok = pg_pipeline_open(b->pg) ? pg_pipeline_send(b->pg, stmt, 1, vals, NULL, NULL)
	                             : pg_cmdp(b->pg, stmt, 1, vals);
	free(text);
	return ok ? 0 : -1;
}

int
status_apply(struct proj_batch *b, void *arg)
{
	struct status *s = arg;
	bool nieuw = s->zaaktypen_nieuw;

	if (b->n <= 0)
		return 0;
	s->zaaktypen_nieuw = false;
	if (apply_work(s, b, nieuw) == 0 && afscherming_schrijf(b) == 0 &&
	    berichten_schrijf(b) == 0)
		return 0;
	s->zaaktypen_nieuw = nieuw;
	return -1;
}

void
status_catalogus(struct projector *p, struct proj_msg *m, void *arg)
{
	struct status *s = arg;

	catalogus_pg_receive(s->cat, projector_pg(p), m);
	s->zaaktypen_nieuw = true;
}

void
status_zaaktypen_bijwerken(struct status *s)
{
	struct proj_batch b = {.p = s->p, .pg = projector_pg(s->p)};

	if (!s->zaaktypen_nieuw || !projector_ready(s->p) || !projector_tx_begin(s->p))
		return;
	s->zaaktypen_nieuw = false;
	if (apply_work(s, &b, true) != 0) {
		projector_tx_rollback(s->p);
		s->zaaktypen_nieuw = true;
		return;
	}
	if (!projector_tx_commit(s->p))
		s->zaaktypen_nieuw = true;
}

/* The deadline watch. */

struct termijn_row {
	struct zaak_toestand z;
	struct termijn_taak t;
};

static void
termijn_from_row(PGresult *res, int r, struct termijn_row *tr)
{
	memset(tr, 0, sizeof(*tr));
	snprintf(tr->z.uuid, sizeof(tr->z.uuid), "%s", PQgetvalue(res, r, 0));
	termijn_soort_from_name(PQgetvalue(res, r, 1), &tr->t.termijn);
	termijn_fase_from_name(PQgetvalue(res, r, 2), &tr->t.fase);
	tr->t.deadline = column_datum(res, r, 3);
	tr->t.wanneer = column_datum(res, r, 4);
	snprintf(tr->z.identificatie, sizeof(tr->z.identificatie), "%s", PQgetvalue(res, r, 5));
	tr->z.termijnen.einddatum_gepland = column_datum(res, r, 6);
	tr->z.termijnen.uiterlijke_einddatum_afdoening = column_datum(res, r, 7);
	tr->z.termijnen.opgeschort_sinds = column_datum(res, r, 8);
	tr->z.termijnen.verlengd = column_bool(res, r, 9);
	tr->z.einddatum = tr->z.archiefactiedatum = DATUM_ONGELDIG;
}

static bool
exec_json(struct pg *pg, const char *stmt, json_t *rows, PGresult **out)
{
	char *t = json_dumps(rows, JSON_COMPACT);
	const char *vals[1] = {t};
	PGresult *res;

	if (!t)
		return pg_out_of_memory(pg, stmt);
	res = pg_execp(pg, stmt, 1, vals, NULL, NULL);
	free(t);
	if (!res)
		return false;
	if (out)
		*out = res;
	else
		PQclear(res);
	return true;
}

/* One chunk of the deadline watch, in one transaction. */
struct chunk {
	struct status *s;
	struct pg *pg;
	int32_t vandaag;
	int64_t nu;
	struct termijn_row *rows; /* the rows due, locked until commit */
	int n;
	json_t *done;     /* every due row: removed */
	json_t *announce; /* the due rows still valid: to announce, once */
	json_t *tijdlijn; /* the TermijnBewaking facts announced */
};

/* Reads and locks the rows due; each is done, the valid ones announced. */
static bool
chunk_read_due(struct chunk *c)
{
	char dag[DATUM_TEKST], limiet[16];
	const char *vals[2] = {dag, limiet};
	PGresult *res;
	bool ok;

	datum_format(c->vandaag, dag, sizeof(dag));
	snprintf(limiet, sizeof(limiet), "%d", c->s->termijn_chunk);
	res = pg_execp(c->pg, "taken_due", 2, vals, NULL, NULL);
	if (!res)
		return false;
	c->n = PQntuples(res);
	c->rows = calloc((size_t)c->n + 1, sizeof(*c->rows));
	ok = c->rows != NULL;
	for (int r = 0; r < c->n && ok; r++) {
		struct termijn_row *tr = &c->rows[r];
		termijn_from_row(res, r, tr);
		ok = json_array_append_new(c->done, json_pack("{s:s, s:s, s:s}", "zaak", tr->z.uuid,
		                                              "termijn", PQgetvalue(res, r, 1),
		                                              "fase", PQgetvalue(res, r, 2))) == 0;
		if (ok && termijn_taak_geldig(&tr->t, c->vandaag))
			ok = json_array_append_new(c->announce,
			                           json_pack("{s:s, s:s, s:s, s:s}", "zaak",
			                                     tr->z.uuid, "termijn",
			                                     PQgetvalue(res, r, 1), "fase",
			                                     PQgetvalue(res, r, 2), "deadline",
			                                     PQgetvalue(res, r, 3))) == 0;
	}
	PQclear(res);
	return ok || pg_out_of_memory(c->pg, "the due deadline rows");
}

/* The due row that termijn_gemeld just accepted (zaak, termijn, fase). */
static struct termijn_row *
chunk_row(struct chunk *c, PGresult *gemeld, int g)
{
	for (int r = 0; r < c->n; r++) {
		struct termijn_row *tr = &c->rows[r];
		if (!strcmp(tr->z.uuid, PQgetvalue(gemeld, g, 0)) &&
		    !strcmp(termijn_soort_name(tr->t.termijn), PQgetvalue(gemeld, g, 1)) &&
		    !strcmp(termijn_fase_name(tr->t.fase), PQgetvalue(gemeld, g, 2)))
			return tr;
	}
	return NULL;
}

/* One TermijnBewaking: emitted (its id fixed by zaak, termijn, fase and
 * deadline) and put on the zaak's timeline. */
static bool
chunk_announce(struct chunk *c, const struct termijn_row *tr)
{
	char ce_id[UUID_LEN + 1], naam[160], dl[DATUM_TEKST];
	json_t *f;

	datum_format(tr->t.deadline, dl, sizeof(dl));
	snprintf(naam, sizeof(naam), "termijn:%s:%s:%s:%s", tr->z.uuid,
	         termijn_soort_name(tr->t.termijn), termijn_fase_name(tr->t.fase), dl);
	uuid_v5(ZS_UUID_NAMESPACE, naam, ce_id);
	f = termijn_bewaking_json(&tr->z, &tr->t, c->vandaag, c->nu);
	if (!f)
		return pg_out_of_memory(c->pg, "a TermijnBewaking");
	if (!projector_emit(c->s->p, TOPIC_ZAKEN, tr->z.uuid, "TermijnBewaking", f, NULL, ce_id)) {
		json_decref(f);
		return false;
	}
	if (json_array_append_new(c->tijdlijn,
	                          json_pack("{s:s, s:s, s:O, s:n, s:o, s:i}", "zaak", tr->z.uuid,
	                                    "soort", "TermijnBewaking", "tijdstip",
	                                    json_object_get(f, "tijdstip"), "opdracht_id", "feit",
	                                    f, "n", (int)json_array_size(c->tijdlijn))) != 0)
		return pg_out_of_memory(c->pg, "a timeline row");
	projector_count(c->s->p, c->s->m_termijn, 1);
	return true;
}

/* Only what was not announced before: a restart or a reschedule to the
 * same deadline finds its row in termijn_gemeld and is not in gemeld. */
static bool
chunk_announce_new(struct chunk *c)
{
	PGresult *gemeld = NULL;
	bool ok = true;

	if (json_array_size(c->announce) == 0)
		return true;
	if (!exec_json(c->pg, "gemeld_insert", c->announce, &gemeld))
		return false;
	for (int g = 0; g < PQntuples(gemeld) && ok; g++) {
		struct termijn_row *tr = chunk_row(c, gemeld, g);
		ok = !tr || chunk_announce(c, tr);
	}
	PQclear(gemeld);
	return ok;
}

/* One chunk in one transaction: due rows taken, announced once, removed.
 * Returns the number of due rows, or -1. */
static int
termijn_chunk(struct status *s, int32_t vandaag, int64_t nu)
{
	struct chunk c = {.s = s, .pg = projector_pg(s->p), .vandaag = vandaag, .nu = nu};
	int rc = -1;

	c.done = json_array();
	c.announce = json_array();
	c.tijdlijn = json_array();
	if (!c.done || !c.announce || !c.tijdlijn || !projector_tx_begin(s->p))
		goto out;
	if (!chunk_read_due(&c) || (c.n > 0 && !exec_json(c.pg, "taken_klaar", c.done, NULL)) ||
	    !chunk_announce_new(&c) ||
	    (json_array_size(c.tijdlijn) > 0 &&
	     !exec_json(c.pg, "tijdlijn_insert", c.tijdlijn, NULL))) {
		projector_tx_rollback(s->p);
		goto out;
	}
	if (!projector_tx_commit(s->p))
		goto out;
	metric_inc(s->m_termijn_rows, c.n);
	if (json_array_size(c.tijdlijn) > 0)
		zlog_info("deadline watch: %zu event(s) of %d due row(s)",
		          json_array_size(c.tijdlijn), c.n);
	rc = c.n;
out:
	free(c.rows);
	json_decref(c.done);
	json_decref(c.announce);
	json_decref(c.tijdlijn);
	return rc;
}

#define TERMIJN_CHUNKS_PER_TICK 50

long
status_termijnbewaking(struct status *s)
{
	int32_t vandaag = status_vandaag(s);
	int64_t nu = now_ms(), begin = nu;
	long totaal = 0;

	if (!projector_ready(s->p) || vandaag == DATUM_ONGELDIG)
		return 0;
	for (int c = 0; c < TERMIJN_CHUNKS_PER_TICK; c++) {
		int n = termijn_chunk(s, vandaag, nu);
		if (n < 0)
			return -1;
		totaal += n;
		if (n < s->termijn_chunk)
			break;
	}
	metric_observe(s->m_termijn_tick, (double)(now_ms() - begin) / 1000.0);
	return totaal;
}

/* Opdrachten that waited longer than wacht_s: refused, in one transaction. */
void
status_wachtenden_opruimen(struct status *s)
{
	struct pg *pg = projector_pg(s->p);
	char secs[16];
	const char *vals[2] = {secs, "500"};
	json_t *rows = json_array();
	PGresult *res;
	int64_t nu = now_ms();
	bool ok = true;

	if (!projector_ready(s->p) || !rows) {
		json_decref(rows);
		return;
	}
	snprintf(secs, sizeof(secs), "%d", s->wacht_s);
	if (!projector_tx_begin(s->p)) {
		json_decref(rows);
		return;
	}
	res = pg_execp(pg, "wachtend_verlopen", 2, vals, NULL, NULL);
	if (!res) {
		projector_tx_rollback(s->p);
		json_decref(rows);
		return;
	}
	for (int r = 0; r < PQntuples(res) && ok; r++) {
		const char *id = PQgetvalue(res, r, 2), *zaak = PQgetvalue(res, r, 1);
		const char *record = PQgetvalue(res, r, 3);
		bool zaak_bekend = column_bool(res, r, 5);
		struct redenen red;
		struct ce_attrs ce = {0};
		char ce_id[UUID_LEN + 1];
		json_t *ev;

		status_redenen_init(&red);
		if (zaak_bekend)
			redenen_voeg_toe(
			        &red, "zaaktype.onbekend", NULL,
			        "Het zaaktype van deze zaak is niet bekend in de catalogus; "
			        "de opdracht heeft %d seconden gewacht.",
			        s->wacht_s);
		else
			redenen_voeg_toe(&red, "zaak.onbekend", "zaak",
			                 "Deze zaak is niet bekend; de opdracht heeft %d seconden "
			                 "gewacht op de registratie ervan.",
			                 s->wacht_s);
		ev = opdracht_geweigerd_json(id, zaak, record, nu, &red);
		if (!ev) {
			ok = pg_out_of_memory(pg, "an OpdrachtGeweigerd");
			break;
		}
		ce_id_voor("opdracht-uitkomst", id, 0, ce_id);
		snprintf(ce.traceparent, sizeof(ce.traceparent), "%s", PQgetvalue(res, r, 4));
		ok = projector_emit(s->p, TOPIC_OPDRACHT_UITKOMSTEN, zaak, "OpdrachtGeweigerd", ev,
		                    &ce, ce_id);
		if (json_array_append_new(
		            rows, json_pack("{s:s, s:s, s:s, s:s, s:o, s:s}", "opdracht_id", id,
		                            "zaak", zaak, "soort", record, "uitkomst", "geweigerd",
		                            "uitkomst_event", ev, "uitkomst_ce_id", ce_id)) != 0 &&
		    ok)
			ok = pg_out_of_memory(pg, "a stored refusal");
		projector_count(s->p, s->m_geweigerd, 1);
		zlog_at(LOG_INFO, &((struct log_ctx){.partition = -1, .offset = -1, .zaak = zaak}),
		        "%s %s refused: %s", record, id, red.r[0].code);
	}
	PQclear(res);
	if (ok && json_array_size(rows) > 0)
		ok = exec_json(pg, "opdrachten_insert", rows, NULL);
	json_decref(rows);
	if (ok)
		projector_tx_commit(s->p);
	else
		projector_tx_rollback(s->p);
}
