/*
 * inzage.c — the register per betrokkene, requests under the AVG and their
 * deadlines: see inzage.h.
 *
 * A batch collects its rows per table in memory (the state changes of one
 * zaak merged in order) and writes them with one statement per table in one
 * pipeline, left open for the projector's commit. No BSN reaches the
 * database: every role is stored under its pseudonym.
 */
#include "inzage.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datum.h"
#include "core/log.h"
#include "core/mask.h"
#include "rapport.h"
#include "termijn.h"
#include "verwerkingen.h"
#include "wire/ce.h"
#include "zgw/catalogus_pg.h"

#define TIJD_TEKST(kolom)                                                                          \
	"to_char(" kolom " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

/* SQL: the batch. */

static const char sql_zaken[] =
        "INSERT INTO zaken (uuid, identificatie, zaaktype, zaaktype_omschrijving, omschrijving,"
        " afdeling, kanaal, startdatum, tonen_aan_initiator, verwerkingsactiviteit, eigenschappen,"
        " status, status_gezet_op)"
        " SELECT uuid, identificatie, zaaktype, zaaktype_omschrijving, omschrijving, afdeling,"
        " kanaal, startdatum, tonen_aan_initiator, verwerkingsactiviteit, eigenschappen, status,"
        " status_gezet_op FROM json_to_recordset($1::json) AS x(uuid uuid, identificatie text,"
        " zaaktype text, zaaktype_omschrijving text, omschrijving text, afdeling text, kanaal text,"
        " startdatum date, tonen_aan_initiator boolean, verwerkingsactiviteit jsonb,"
        " eigenschappen jsonb, status text, status_gezet_op timestamptz)"
        " ON CONFLICT (uuid) DO NOTHING";

static const char sql_betrokkenheden[] =
        "INSERT INTO betrokkenheden (betrokkene, zaak, rol, machtiging, betrokkene_type, gegevens)"
        " SELECT x.betrokkene, x.zaak, x.rol, x.machtiging, x.betrokkene_type, x.gegevens"
        " FROM json_to_recordset($1::json) AS x(betrokkene text, zaak uuid, rol text,"
        " machtiging text, betrokkene_type text, gegevens jsonb)"
        " JOIN zaken z ON z.uuid = x.zaak ON CONFLICT DO NOTHING";

/* The state changes of a batch, one row per zaak (merged in order). */
static const char sql_zaak_stand[] =
        "UPDATE zaken z SET status = coalesce(x.status, z.status),"
        " status_gezet_op = coalesce(x.status_gezet_op, z.status_gezet_op),"
        " einddatum = CASE WHEN x.einde_gezet THEN x.einddatum ELSE z.einddatum END,"
        " resultaat = CASE WHEN x.einde_gezet THEN x.resultaat ELSE z.resultaat END"
        " FROM json_to_recordset($1::json) AS x(uuid uuid, status text,"
        " status_gezet_op timestamptz, einde_gezet boolean, einddatum date, resultaat text)"
        " WHERE z.uuid = x.uuid";

static const char sql_berichten[] =
        "INSERT INTO berichten (bericht_id, ontvanger, zaak, identificatie, verzoek_id, aanleiding,"
        " kanaal, onderwerp, verstuurd_op)"
        " SELECT * FROM json_to_recordset($1::json) AS x(bericht_id text, ontvanger text,"
        " zaak uuid, identificatie text, verzoek_id text, aanleiding text, kanaal text,"
        " onderwerp text, verstuurd_op timestamptz) ON CONFLICT DO NOTHING";

static const char sql_doorgegeven[] =
        "INSERT INTO doorgegeven (bericht_id, zaak, identificatie, abonnement, origin, aanleiding,"
        " doorgegeven_op) SELECT * FROM json_to_recordset($1::json) AS x(bericht_id text,"
        " zaak uuid, identificatie text, abonnement text, origin text, aanleiding text,"
        " doorgegeven_op timestamptz) ON CONFLICT DO NOTHING";

/* The deliveries of the batch's zaken (passed on, or registered: the two
 * topics come in any order) to each betrokkene of the zaak; after the
 * rows above in the pipeline, so it sees them. */
static const char sql_doorgiften[] =
        "INSERT INTO doorgiften (betrokkene, bericht_id, zaak, identificatie, abonnement, origin,"
        " aanleiding, doorgegeven_op) SELECT DISTINCT b.betrokkene, d.bericht_id, d.zaak,"
        " d.identificatie, d.abonnement, d.origin, d.aanleiding, d.doorgegeven_op"
        " FROM json_array_elements_text($1::json) AS k(zaak)"
        " JOIN doorgegeven d ON d.zaak = k.zaak::uuid JOIN betrokkenheden b ON b.zaak = d.zaak"
        " ON CONFLICT DO NOTHING";

static const char sql_raadplegingen[] =
        "INSERT INTO raadplegingen (raadpleging_id, betrokkene, tijdstip, actor_type, actor, rol,"
        " actie, doel, grondslag, regel, besluit, reden, zaak_identificatie)"
        " SELECT * FROM json_to_recordset($1::json) AS x(raadpleging_id text, betrokkene text,"
        " tijdstip timestamptz, actor_type text, actor text, rol text, actie text, doel text,"
        " grondslag text, regel text, besluit text, reden text, zaak_identificatie text)"
        " ON CONFLICT DO NOTHING";

/* Dataverwerkingen (deduplicated in the batch): each ce_id not seen before
 * is remembered and counted into its person's row for the activity. */
static const char sql_verwerkingen[] =
        "WITH x AS (SELECT * FROM json_to_recordset($1::json) AS x(ce_id uuid, partitie integer,"
        "  positie bigint, betrokkene text, activiteit text, tijd timestamptz)),"
        " nieuw AS (INSERT INTO verwerkingen_gezien (ce_id, partitie, positie)"
        "  SELECT ce_id, partitie, positie FROM x ON CONFLICT DO NOTHING RETURNING ce_id)"
        " INSERT INTO verwerkingen AS v (betrokkene, activiteit, aantal, eerste, laatste)"
        " SELECT x.betrokkene, x.activiteit, count(*), min(x.tijd), max(x.tijd)"
        " FROM x JOIN nieuw USING (ce_id) GROUP BY x.betrokkene, x.activiteit"
        " ON CONFLICT (betrokkene, activiteit) DO UPDATE SET aantal = v.aantal + excluded.aantal,"
        " eerste = least(v.eerste, excluded.eerste), laatste = greatest(v.laatste, excluded.laatste)";

/* The ce_ids of offsets more than the window behind a partition's newest. */
static const char sql_verwerkingen_venster[] =
        "DELETE FROM verwerkingen_gezien g USING json_to_recordset($1::json) AS x(partitie integer,"
        " tot bigint) WHERE g.partitie = x.partitie AND g.positie < x.tot";

#define VERZOEK_KOLOMMEN                                                                           \
	"verzoek_id, betrokkene, betrokkene_type, recht, kanaal, vertegenwoordigd, ontvangen_op,"  \
	" ontvangen_datum, oorspronkelijke_uiterste_datum, uiterste_datum, verlengbaar_tot,"       \
	" identiteitscontrole, toelichting, geregistreerd_door"

static const char sql_verzoek_insert[] =
        "INSERT INTO verzoeken (" VERZOEK_KOLOMMEN ") SELECT " VERZOEK_KOLOMMEN
        " FROM json_to_recordset($1::json) AS x(verzoek_id text, betrokkene text,"
        " betrokkene_type text, recht text, kanaal text, vertegenwoordigd boolean,"
        " ontvangen_op timestamptz, ontvangen_datum date, oorspronkelijke_uiterste_datum date,"
        " uiterste_datum date, verlengbaar_tot date, identiteitscontrole jsonb, toelichting text,"
        " geregistreerd_door text) ON CONFLICT (verzoek_id) DO NOTHING RETURNING verzoek_id";

/* SQL: reads and the request's life. */

/* The register of one person: plain rows, by index range scans, in the
 * order the overview lists them (struct reg, rapport.h). Six statements,
 * each consistent in itself: a zaak registered between them has its
 * eigenschappen skipped (rows are only ever added). The JSON columns hold
 * what the Avro records held, whose text members are strings or null: ->>
 * gives each as it is. */
static const char sql_register_zaken[] =
        "SELECT z.uuid::text, z.identificatie, z.zaaktype, z.zaaktype_omschrijving, z.omschrijving,"
        " z.afdeling, z.kanaal, z.startdatum::text, z.status, z.einddatum::text, z.resultaat,"
        " coalesce(jsonb_typeof(z.verwerkingsactiviteit) = 'object', false),"
        " z.verwerkingsactiviteit ->> 'id', z.verwerkingsactiviteit ->> 'naam',"
        " z.verwerkingsactiviteit ->> 'doel', z.verwerkingsactiviteit ->> 'grondslag',"
        " z.verwerkingsactiviteit ->> 'bewaartermijn', b.rol, b.machtiging,"
        " b.gegevens ->> 'naam', b.gegevens ->> 'emailadres', b.gegevens ->> 'telefoonnummer',"
        " coalesce(b.gegevens -> 'geheimhouding' = 'true', false)"
        " FROM betrokkenheden b JOIN zaken z ON z.uuid = b.zaak WHERE b.betrokkene = $1"
        " ORDER BY z.startdatum, z.identificatie, z.uuid, b.rol";

/* With what each eigenschap means (its definitie), from the zaaktype version
 * valid on the zaak's startdatum. */
static const char sql_register_eigenschappen[] =
        "SELECT z.uuid::text, x.e ->> 'naam', x.e ->> 'waarde', x.e ->> 'doel',"
        " x.e ->> 'grondslag', d.definitie, coalesce(x.e -> 'persoonsgegeven' = 'true', false)"
        " FROM (SELECT DISTINCT zaak FROM betrokkenheden WHERE betrokkene = $1) b"
        " JOIN zaken z ON z.uuid = b.zaak"
        " CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(z.eigenschappen)"
        "  WHEN 'array' THEN z.eigenschappen ELSE '[]' END) WITH ORDINALITY AS x(e, i)"
        " LEFT JOIN LATERAL (SELECT c.c ->> 'definitie' AS definitie FROM (SELECT v.doc"
        "   FROM zaaktypen v WHERE v.identificatie = z.zaaktype"
        "   AND v.begin_geldigheid <= z.startdatum ORDER BY v.begin_geldigheid DESC LIMIT 1) t,"
        "  jsonb_array_elements(t.doc -> 'eigenschappen') WITH ORDINALITY AS c(c, j)"
        "  WHERE c.c ->> 'naam' = coalesce(nullif(x.e ->> 'naam', ''), '?')"
        "  ORDER BY c.j DESC LIMIT 1) d ON true"
        " ORDER BY z.startdatum, z.identificatie, z.uuid, x.i";

static const char sql_register_berichten[] =
        "SELECT identificatie, aanleiding, kanaal, onderwerp, " TIJD_TEKST(
                "verstuurd_op") " FROM berichten WHERE ontvanger = $1 ORDER BY verstuurd_op, bericht_id";

/* Others' permitted look-ups (the newest 1,000), and every recorded
 * decision counted; one row with a NULL look-up when there are none. */
static const char sql_register_raadplegingen[] = "SELECT " TIJD_TEKST(
        "r.tijdstip") ", r.actor_type, r.actor, r.rol, r.actie, r.doel,"
                      " r.besluit, r.reden, r.zaak_identificatie, r.raadpleging_id IS NOT NULL, c.n"
                      " FROM (SELECT count(*) AS n FROM raadplegingen WHERE betrokkene = $1) c"
                      " LEFT JOIN LATERAL (SELECT * FROM raadplegingen WHERE betrokkene = $1"
                      "  AND besluit = 'permit' AND actor <> $1 ORDER BY tijdstip DESC LIMIT 1000) r ON true"
                      " ORDER BY r.tijdstip, r.raadpleging_id";

/* The webhook subscribers that received events of the person's zaken. */
static const char sql_register_doorgiften[] =
        "SELECT abonnement, origin FROM doorgiften WHERE betrokkene = $1"
        " GROUP BY abonnement, origin ORDER BY abonnement, origin";

/* The Logboek Dataverwerkingen counted per activity, named from the newest
 * zaaktype version that names the activity (a platform activity is named
 * from its file, in C). */
static const char sql_register_logboek[] =
        "SELECT v.activiteit, a.va ->> 'naam', a.va ->> 'doel', a.va ->> 'grondslag',"
        " a.va ->> 'bewaartermijn', " TIJD_TEKST("v.eerste") ", " TIJD_TEKST(
                "v.laatste") ", v.aantal FROM verwerkingen v"
                             " LEFT JOIN LATERAL (SELECT t.doc -> 'verwerkingsactiviteit' AS va FROM zaaktypen t"
                             "  WHERE t.doc #>> '{verwerkingsactiviteit,id}' = v.activiteit"
                             "  ORDER BY t.begin_geldigheid DESC LIMIT 1) a ON true"
                             " WHERE v.betrokkene = $1 ORDER BY v.eerste, v.activiteit";

static const char *const register_stmts[R__COUNT][2] = {
        [R_ZAKEN] = {"register_zaken", sql_register_zaken},
        [R_EIGENSCHAPPEN] = {"register_eigenschappen", sql_register_eigenschappen},
        [R_BERICHTEN] = {"register_berichten", sql_register_berichten},
        [R_RAADPLEGINGEN] = {"register_raadplegingen", sql_register_raadplegingen},
        [R_DOORGIFTEN] = {"register_doorgiften", sql_register_doorgiften},
        [R_LOGBOEK] = {"register_logboek", sql_register_logboek},
};

#define VERZOEK_JSON                                                                                \
	"json_build_object('verzoekId', verzoek_id, 'recht', recht, 'kanaal', kanaal,"              \
	" 'vertegenwoordigd', vertegenwoordigd, 'ontvangenOp', " TIJD_TEKST(                        \
	        "ontvangen_op") ", 'ontvangenDatum', ontvangen_datum,"                              \
	                        " 'uitersteDatum', uiterste_datum,"                                 \
	                        " 'oorspronkelijkeUitersteDatum', oorspronkelijke_uiterste_datum,"  \
	                        " 'uiterstVerlengbaarTot', verlengbaar_tot, 'verlengd', verlengd,"  \
	                        " 'verlengingReden', verlenging_reden,"                             \
	                        " 'status', CASE WHEN afgehandeld_op IS NULL THEN 'in_behandeling'" \
	                        " ELSE 'afgehandeld' END, 'afgehandeldOp', " TIJD_TEKST(            \
	                                "afgehandeld_op") ", 'uitkomst', uitkomst,"                 \
	                                                  " 'binnenTermijn', binnen_termijn,"       \
	                                                  " 'rapportBeschikbaar', rapport IS NOT NULL)"

/* One request, with what the rules need, locked when $2 (in a transaction). */
static const char sql_verzoek_lees[] =
        "SELECT " VERZOEK_JSON "::text, betrokkene, betrokkene_type, recht,"
        " ontvangen_datum::text, oorspronkelijke_uiterste_datum::text, uiterste_datum::text,"
        " verlengbaar_tot::text, verlengd, afgehandeld_op IS NOT NULL"
        " FROM verzoeken WHERE verzoek_id = $1";

static const char sql_verzoek_verleng[] =
        "UPDATE verzoeken SET uiterste_datum = $2::date, verlengd = true, verlenging_reden = $3"
        " WHERE verzoek_id = $1";

static const char sql_verzoek_afhandel[] =
        "UPDATE verzoeken SET afgehandeld_op = $2::timestamptz, afgehandeld_datum = $3::date,"
        " uitkomst = $4, binnen_termijn = $5::boolean, behandeld_door = $6,"
        " antwoord_toelichting = $7, rapport = $8::jsonb WHERE verzoek_id = $1";

static const char sql_rapport[] =
        "SELECT rapport::text, afgehandeld_op IS NOT NULL FROM verzoeken WHERE verzoek_id = $1";

static const char sql_verzoeken[] =
        "SELECT coalesce(json_agg(json_build_object('verzoekId', verzoek_id, 'recht', recht,"
        " 'kanaal', kanaal, 'ontvangenOp', " TIJD_TEKST(
                "ontvangen_op") ","
                                " 'uitersteDatum', uiterste_datum, 'verlengd', verlengd,"
                                " 'status', CASE WHEN afgehandeld_op IS NULL THEN 'in_behandeling' ELSE 'afgehandeld' END,"
                                " 'dagenResterend', CASE WHEN afgehandeld_op IS NULL THEN uiterste_datum - $2::date END,"
                                " 'afgehandeldOp', " TIJD_TEKST(
                                        "afgehandeld_op") ", 'uitkomst', uitkomst,"
                                                          " 'binnenTermijn', binnen_termijn, 'betrokkene', betrokkene,"
                                                          " 'betrokkeneType', betrokkene_type) ORDER BY uiterste_datum, verzoek_id), '[]')::text"
                                                          " FROM (SELECT * FROM verzoeken WHERE CASE $1"
                                                          "  WHEN 'open' THEN afgehandeld_op IS NULL"
                                                          "  WHEN 'nadert' THEN afgehandeld_op IS NULL AND uiterste_datum >= $2::date"
                                                          "   AND uiterste_datum <= $2::date + 7"
                                                          "  WHEN 'overschreden' THEN (afgehandeld_op IS NULL AND uiterste_datum < $2::date)"
                                                          "   OR NOT binnen_termijn"
                                                          "  WHEN 'afgehandeld' THEN afgehandeld_op IS NOT NULL"
                                                          "  ELSE true END ORDER BY uiterste_datum, verzoek_id LIMIT $3::int) v";

/* The deadline watch: open requests whose most urgent warning today (the
 * same rule as termijn_bewaking) has not been given for this deadline. */
static const char sql_bewaking_due[] =
        "SELECT v.verzoek_id, v.uiterste_datum::text, v.verlengd FROM verzoeken v"
        " WHERE v.afgehandeld_op IS NULL AND v.uiterste_datum <= $1::date + 7"
        " AND NOT EXISTS (SELECT 1 FROM bewaking_gemeld g WHERE g.verzoek_id = v.verzoek_id"
        "  AND g.datum = v.uiterste_datum AND g.fase = CASE"
        "   WHEN v.uiterste_datum < $1::date THEN 'overschreden'"
        "   WHEN v.uiterste_datum - $1::date <= 1 THEN 'nadert-1' ELSE 'nadert-7' END)"
        " ORDER BY v.uiterste_datum, v.verzoek_id LIMIT $2::int";

static const char sql_bewaking_gemeld[] =
        "INSERT INTO bewaking_gemeld (verzoek_id, fase, datum) VALUES ($1, $2, $3::date)"
        " ON CONFLICT DO NOTHING RETURNING verzoek_id";

static const char sql_cijfers[] =
        "SELECT count(*) FILTER (WHERE afgehandeld_op IS NULL),"
        " count(*) FILTER (WHERE afgehandeld_op IS NULL AND uiterste_datum < $1::date),"
        " percentile_cont(0.5) WITHIN GROUP (ORDER BY afgehandeld_datum - ontvangen_datum)"
        "  FILTER (WHERE afgehandeld_op IS NOT NULL),"
        " percentile_cont(0.95) WITHIN GROUP (ORDER BY afgehandeld_datum - ontvangen_datum)"
        "  FILTER (WHERE afgehandeld_op IS NOT NULL),"
        " avg(CASE WHEN binnen_termijn THEN 1.0 ELSE 0.0 END) FILTER (WHERE afgehandeld_op IS"
        "  NOT NULL),"
        " count(*) FILTER (WHERE afgehandeld_op IS NOT NULL AND NOT binnen_termijn)"
        " FROM verzoeken";

enum schrijf {
	S_ZAKEN,
	S_BETROKKENHEDEN,
	S_ZAAK_STAND,
	S_BERICHTEN,
	S_DOORGEGEVEN,
	S_DOORGIFTEN,
	S_RAADPLEGINGEN,
	S_VERWERKINGEN,
	S_VENSTER,
	S_VERZOEKEN,
	S__COUNT
};

static const struct {
	const char *naam, *sql;
} schrijf_stmts[S__COUNT] = {
        [S_ZAKEN] = {"zaken", sql_zaken},
        [S_BETROKKENHEDEN] = {"betrokkenheden", sql_betrokkenheden},
        [S_ZAAK_STAND] = {"zaak_stand", sql_zaak_stand},
        [S_BERICHTEN] = {"berichten", sql_berichten},
        [S_DOORGEGEVEN] = {"doorgegeven", sql_doorgegeven},
        [S_DOORGIFTEN] = {"doorgiften", sql_doorgiften},
        [S_RAADPLEGINGEN] = {"raadplegingen", sql_raadplegingen},
        [S_VERWERKINGEN] = {"verwerkingen", sql_verwerkingen},
        [S_VENSTER] = {"verwerkingen_venster", sql_verwerkingen_venster},
        [S_VERZOEKEN] = {"verzoek_insert", sql_verzoek_insert},
};

static bool
register_prepare(struct pg *pg)
{
	bool ok = true;

	for (int s = 0; s < R__COUNT; s++)
		ok = ok && pg_prepare(pg, register_stmts[s][0], register_stmts[s][1], 1);
	return ok;
}

bool
inzage_prepare(struct pg *pg)
{
	bool ok = true;

	for (int s = 0; s < S__COUNT; s++)
		ok = ok && pg_prepare(pg, schrijf_stmts[s].naam, schrijf_stmts[s].sql, 1);
	return ok && catalogus_pg_prepare(pg) && register_prepare(pg) &&
	       pg_prepare(pg, "verzoek_lees", sql_verzoek_lees, 1) &&
	       pg_prepare(pg, "verzoek_verleng", sql_verzoek_verleng, 3) &&
	       pg_prepare(pg, "verzoek_afhandel", sql_verzoek_afhandel, 8) &&
	       pg_prepare(pg, "rapport", sql_rapport, 1) &&
	       pg_prepare(pg, "verzoeken", sql_verzoeken, 3) &&
	       pg_prepare(pg, "bewaking_due", sql_bewaking_due, 2) &&
	       pg_prepare(pg, "bewaking_gemeld", sql_bewaking_gemeld, 3) &&
	       pg_prepare(pg, "cijfers", sql_cijfers, 1);
}

bool
inzage_lees_prepare(struct pg *pg)
{
	return register_prepare(pg) && pg_prepare(pg, "rapport", sql_rapport, 1);
}

void
inzage_init(struct inzage *z)
{
	memset(z, 0, sizeof(*z));
	z->vandaag_vast = DATUM_ONGELDIG;
	z->bewaking_chunk = 500;
	z->logboek_venster = 100000;
	z->gemeente = "Gemeente Den Haag";
	z->cat = catalogus_new();
	z->m_ontvangen = metric_counter("zs_inzage_verzoeken_ontvangen_total", NULL,
	                                "Requests under the AVG registered.");
	z->m_verlengd = metric_counter("zs_inzage_verlengingen_total", NULL,
	                               "Terms extended (at most once per request).");
	z->m_afgehandeld = metric_counter("zs_inzage_verzoeken_afgehandeld_total", NULL,
	                                  "Requests answered or refused.");
	z->m_bewaking = metric_counter("zs_inzage_termijnbewaking_total", NULL,
	                               "InzageTermijnBewaking warnings emitted.");
	z->m_open = metric_gauge("zs_inzage_verzoeken_open", NULL, "Requests not yet answered.");
	z->m_open_overschreden = metric_gauge("zs_inzage_verzoeken_overschreden", NULL,
	                                      "Open requests past their deadline.");
	z->m_mediaan = metric_gauge("zs_inzage_afhandeltijd_dagen", "quantile=\"0.5\"",
	                            "Calendar days from receipt to answer, over all answered "
	                            "requests.");
	z->m_p95 =
	        metric_gauge("zs_inzage_afhandeltijd_dagen", "quantile=\"0.95\"",
	                     "Calendar days from receipt to answer, over all answered requests.");
	z->m_binnen = metric_gauge("zs_inzage_binnen_termijn_ratio", NULL,
	                           "Share of answered requests answered within their term.");
	z->m_te_laat = metric_gauge("zs_inzage_te_laat_afgehandeld", NULL,
	                            "Requests answered after their deadline.");
	z->m_register =
	        metric_counter("zs_inzage_register_rijen_total", NULL,
	                       "Rows written to the register (zaken, roles, messages, "
	                       "deliveries to webhook subscribers, look-ups, Dataverwerkingen).");
}

void
inzage_free(struct inzage *z)
{
	catalogus_free(z->cat);
	z->cat = NULL;
	json_decref(z->platform);
	z->platform = NULL;
}

bool
inzage_zet_vandaag(struct inzage *z, const char *tekst)
{
	if (!tekst || !*tekst) {
		z->vandaag_vast = DATUM_ONGELDIG;
		return true;
	}
	z->vandaag_vast = datum_van_tekst(tekst);
	return z->vandaag_vast != DATUM_ONGELDIG;
}

int32_t
inzage_vandaag(const struct inzage *z)
{
	return z->vandaag_vast != DATUM_ONGELDIG ? z->vandaag_vast : datum_van_instant_nl(now_ms());
}

static const char *
str(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_t *
datum_json(int32_t d)
{
	char buf[DATUM_TEKST];
	return datum_format(d, buf, sizeof(buf)) ? json_string(buf) : json_null();
}

static json_t *
instant_json(int64_t ms)
{
	char buf[32];
	format_rfc3339_ms(ms, buf);
	return json_string(buf);
}

/* The pseudonym of a Betrokkene (BSN, else KvK number); false for others. */
static bool
pseudoniem_van(const struct inzage *z, const json_t *b, char out[PSEUDONIEM_LEN + 1])
{
	const char *bsn = str(b, "inpBsn"), *kvk = str(b, "kvkNummer");

	if (bsn)
		return pseudoniem(z->sleutel, "BSN", bsn, out);
	if (kvk)
		return pseudoniem(z->sleutel, "KVK", kvk, out);
	return false;
}

void
inzage_catalogus(struct projector *p, struct proj_msg *m, void *arg)
{
	struct inzage *z = arg;

	catalogus_pg_receive(z->cat, projector_pg(p), m);
}

/* The batch. */

struct werk {
	struct inzage *z;
	struct proj_batch *b;
	json_t *rij[S__COUNT];
	json_t *stand;   /* zaak uuid → merged state change */
	json_t *gezien;  /* ce_id → true: the batch's Dataverwerkingen */
	json_t *venster; /* partition of dataverwerkingen → {partitie, tot}: what to prune */
	bool fout;       /* out of memory: the batch is retried */
};

static void
registratie(struct werk *w, const json_t *d)
{
	const char *uuid = str(d, "uuid");
	const json_t *st = json_object_get(d, "status"), *r;
	size_t i;

	if (!uuid)
		return;
	/* deliveries read before the registration reach its betrokkenen now */
	json_array_append_new(w->rij[S_DOORGIFTEN], json_string(uuid));
	json_array_append_new(
	        w->rij[S_ZAKEN],
	        json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:O?, s:O?, s:O?, s:s?, "
	                  "s:s?}",
	                  "uuid", uuid, "identificatie", str(d, "identificatie"), "zaaktype",
	                  str(d, "zaaktype"), "zaaktype_omschrijving",
	                  str(d, "zaaktypeOmschrijving"), "omschrijving", str(d, "omschrijving"),
	                  "afdeling", str(d, "afdeling"), "kanaal", str(d, "kanaal"), "startdatum",
	                  str(d, "startdatum"), "tonen_aan_initiator",
	                  json_object_get(d, "tonenAanInitiator"), "verwerkingsactiviteit",
	                  json_object_get(d, "verwerkingsactiviteit"), "eigenschappen",
	                  json_object_get(d, "eigenschappen"), "status", str(st, "omschrijving"),
	                  "status_gezet_op", str(st, "datumStatusGezet")));
	json_array_foreach(json_object_get(d, "rollen"), i, r)
	{
		const json_t *b = json_object_get(r, "betrokkene");
		const json_t *c = json_object_get(r, "contactpersoonRol");
		char ps[PSEUDONIEM_LEN + 1];

		if (!pseudoniem_van(w->z, b, ps))
			continue; /* an employee's role: not a betrokkene's data */
		json_array_append_new(
		        w->rij[S_BETROKKENHEDEN],
		        json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:{s:s?, s:s?, s:s?, s:O?}}",
		                  "betrokkene", ps, "zaak", uuid, "rol",
		                  str(r, "omschrijvingGeneriek"), "machtiging",
		                  str(r, "indicatieMachtiging"), "betrokkene_type",
		                  str(b, "betrokkeneType"), "gegevens", "naam", str(b, "naam"),
		                  "emailadres", str(c, "emailadres"), "telefoonnummer",
		                  str(c, "telefoonnummer"), "geheimhouding",
		                  json_object_get(b, "geheimhouding")));
	}
}

/* A status fact: merged into the zaak's one change of this batch. */
static void
stand(struct werk *w, const char *record, const json_t *d)
{
	const char *uuid = str(d, "zaak");
	json_t *s;

	if (!uuid)
		return;
	s = json_object_get(w->stand, uuid);
	if (!s) {
		s = json_pack("{s:s, s:b}", "uuid", uuid, "einde_gezet", 0);
		json_object_set_new(w->stand, uuid, s);
	}
	if (!strcmp(record, "StatusGezet")) {
		const json_t *st = json_object_get(d, "status");
		json_object_set_new(s, "status", json_string(str(st, "omschrijving")));
		json_object_set_new(s, "status_gezet_op", json_string(str(st, "datumStatusGezet")));
	} else if (!strcmp(record, "ZaakAfgesloten")) {
		json_object_set_new(s, "einde_gezet", json_true());
		json_object_set(s, "einddatum", json_object_get(d, "einddatum"));
		json_object_set(s, "resultaat", json_object_get(d, "resultaat"));
	} else if (!strcmp(record, "ZaakHeropend")) {
		json_object_set_new(s, "einde_gezet", json_true());
		json_object_set_new(s, "einddatum", json_null());
		json_object_set_new(s, "resultaat", json_null());
	}
}

static void
bericht(struct werk *w, const json_t *d)
{
	json_array_append_new(
	        w->rij[S_BERICHTEN],
	        json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}", "bericht_id",
	                  str(d, "berichtId"), "ontvanger", str(d, "ontvanger"), "zaak",
	                  str(d, "zaak"), "identificatie", str(d, "identificatie"), "verzoek_id",
	                  str(d, "verzoekId"), "aanleiding", str(d, "aanleiding"), "kanaal",
	                  str(d, "kanaal"), "onderwerp", str(d, "onderwerp"), "verstuurd_op",
	                  str(d, "verstuurdOp")));
}

/* A webhook subscriber received an event of this zaak. */
static void
doorgifte(struct werk *w, const json_t *d)
{
	const char *zaak = str(d, "zaak");

	if (!zaak || !uuid_valid(zaak))
		return;
	json_array_append_new(w->rij[S_DOORGEGEVEN],
	                      json_pack("{s:s?, s:s, s:s?, s:s?, s:s?, s:s?, s:s?}", "bericht_id",
	                                str(d, "berichtId"), "zaak", zaak, "identificatie",
	                                str(d, "identificatie"), "abonnement", str(d, "abonnement"),
	                                "origin", str(d, "origin"), "aanleiding",
	                                str(d, "aanleiding"), "doorgegeven_op",
	                                str(d, "doorgegevenOp")));
	json_array_append_new(w->rij[S_DOORGIFTEN], json_string(zaak));
}

static void
raadpleging(struct werk *w, const json_t *d)
{
	const json_t *a = json_object_get(d, "actor");
	const char *wie = str(a, "identificatie"), *over = str(d, "betrokkene");

	/* A person looking at their own data (their overview, their zaken) is
	 * not someone who looked at it: it stays in the audit log, not in the
	 * register, which would otherwise grow with every visit to the page. */
	if (wie && over && !strcmp(wie, over))
		return;
	json_array_append_new(
	        w->rij[S_RAADPLEGINGEN],
	        json_pack(
	                "{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, "
	                "s:s?}",
	                "raadpleging_id", str(d, "raadplegingId"), "betrokkene",
	                str(d, "betrokkene"), "tijdstip", str(d, "tijdstip"), "actor_type",
	                str(a, "type"), "actor", str(a, "identificatie"), "rol", str(a, "rol"),
	                "actie", str(d, "actie"), "doel", str(d, "doel"), "grondslag",
	                str(d, "grondslag"), "regel", str(d, "regel"), "besluit", str(d, "besluit"),
	                "reden", str(d, "reden"), "zaak_identificatie",
	                str(d, "zaakIdentificatie")));
}

/* A Dataverwerking: counted once per ce_id (a repeat in the same batch is
 * dropped here, one in an earlier batch by sql_verwerkingen). */
static void
verwerking(struct werk *w, struct proj_msg *m)
{
	struct verwerking_rij v;
	char p[16];
	const char *waarom = verwerkingen_lees(m->data, m->ce.id, &v);

	if (waarom) {
		if (!projector_dead_letter(w->b, m, "verwerking_ongeldig", waarom))
			w->fout = true;
		return;
	}
	snprintf(p, sizeof(p), "%d", (int)m->partition);
	if (m->offset >= w->z->logboek_venster)
		json_object_set_new(w->venster, p,
		                    json_pack("{s:i, s:I}", "partitie", (int)m->partition, "tot",
		                              (json_int_t)(m->offset - w->z->logboek_venster)));
	if (json_object_get(w->gezien, m->ce.id))
		return;
	json_object_set_new(w->gezien, m->ce.id, json_true());
	json_array_append_new(w->rij[S_VERWERKINGEN],
	                      json_pack("{s:s, s:i, s:I, s:s, s:s, s:s}", "ce_id", m->ce.id,
	                                "partitie", (int)m->partition, "positie",
	                                (json_int_t)m->offset, "betrokkene", v.betrokkene,
	                                "activiteit", v.activiteit, "tijd", v.tijd));
}

/* A request and its InzageVerzoekOntvangen, the same from the API and a portal. */
struct nieuw {
	json_t *rij, *event;
	char id[UUID_LEN + 1];
	char betrokkene[PSEUDONIEM_LEN + 1];
	const char *type;
};

static bool
nieuw_verzoek(const struct verzoek_invoer *in, const char *betrokkene, const char *type,
              int64_t ontvangen_ms, const char *door, struct nieuw *n)
{
	struct inzage_termijn t;
	json_t *controle, *uitvoerder;
	const char *toel = in->toelichting[0] ? in->toelichting : NULL;

	memset(n, 0, sizeof(*n));
	if (!termijn_start(in->ontvangen, &t))
		return false;
	if (in->verzoek_id[0])
		snprintf(n->id, sizeof(n->id), "%s", in->verzoek_id);
	else
		uuid_v4(n->id);
	snprintf(n->betrokkene, sizeof(n->betrokkene), "%s", betrokkene);
	n->type = type;
	controle = json_pack("{s:s, s:s?, s:o}", "middel", in->id_middel, "gecontroleerdDoor", door,
	                     "gecontroleerdOp", instant_json(door ? now_ms() : ontvangen_ms));
	uitvoerder = door ? json_pack("{s:s, s:n, s:s}", "medewerkerIdentificatie", door, "naam",
	                              "applicatie", "zs-inzage")
	                  : json_null();
	n->rij = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:o, s:o, s:o, s:O, s:s?, "
	                   "s:s?}",
	                   "verzoek_id", n->id, "betrokkene", betrokkene, "betrokkene_type", type,
	                   "recht", recht_naam(in->recht), "kanaal", in->kanaal, "vertegenwoordigd",
	                   in->vertegenwoordigd, "ontvangen_op", instant_json(ontvangen_ms),
	                   "ontvangen_datum", datum_json(t.ontvangen),
	                   "oorspronkelijke_uiterste_datum", datum_json(t.oorspronkelijk),
	                   "uiterste_datum", datum_json(t.uiterste), "verlengbaar_tot",
	                   datum_json(t.verlengbaar_tot), "identiteitscontrole", controle,
	                   "toelichting", toel, "geregistreerd_door", door);
	n->event = json_pack(
	        "{s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:o, s:o, s:s?, s:o}", "verzoekId", n->id,
	        "recht", recht_naam(in->recht), "betrokkene", betrokkene, "betrokkeneType", type,
	        "kanaal", in->kanaal, "vertegenwoordigd", in->vertegenwoordigd, "ontvangenOp",
	        instant_json(ontvangen_ms), "uitersteDatum", datum_json(t.uiterste),
	        "uiterstVerlengbaarTot", datum_json(t.verlengbaar_tot), "identiteitscontrole",
	        json_deep_copy(controle), "toelichting", toel, "uitvoerder", uitvoerder);
	json_decref(controle);
	return n->rij && n->event;
}

static bool
emit_ontvangen(struct inzage *z, struct nieuw *n, const struct ce_attrs *cause)
{
	char naam[96], ce_id[UUID_LEN + 1];

	snprintf(naam, sizeof(naam), "inzage-ontvangen:%s", n->id);
	uuid_v5(ZS_UUID_NAMESPACE, naam, ce_id);
	if (!projector_emit(z->p, TOPIC_INZAGE, n->id, "InzageVerzoekOntvangen", n->event, cause,
	                    ce_id))
		return false;
	n->event = NULL; /* taken */
	projector_count(z->p, z->m_ontvangen, 1);
	return true;
}

static void
nieuw_vrij(struct nieuw *n)
{
	json_decref(n->rij);
	json_decref(n->event);
}

/* From a portal: a request that names its betrokkene. Undecidable ones are
 * dead letters: the portal validated them, and there is no one to answer. */
static void
ingediend(struct werk *w, struct proj_msg *m)
{
	const json_t *d = m->data, *b = json_object_get(d, "betrokkene"), *a;
	struct verzoek_invoer in = {.recht = RECHT_INZAGE};
	char ps[PSEUDONIEM_LEN + 1];
	int64_t op = instant_van_tekst(str(d, "ingediendOp") ? str(d, "ingediendOp") : "");
	const char *id = str(d, "verzoekId"), *toel = str(d, "toelichting");
	struct nieuw n;

	if (!id || strlen(id) != UUID_LEN || !pseudoniem_van(w->z, b, ps) ||
	    op == INSTANT_ONGELDIG) {
		projector_dead_letter(
		        w->b, m, "verzoek_ongeldig",
		        "InzageVerzoekIngediend without a usable verzoekId, BSN or KvK "
		        "number, or ingediendOp");
		return;
	}
	snprintf(in.verzoek_id, sizeof(in.verzoek_id), "%s", id);
	snprintf(in.kanaal, sizeof(in.kanaal), "%s", str(d, "kanaal") ? str(d, "kanaal") : "web");
	in.vertegenwoordigd = !json_is_null(json_object_get(d, "vertegenwoordiger")) &&
	                      json_object_get(d, "vertegenwoordiger");
	in.ontvangen = datum_van_instant_nl(op);
	a = json_object_get(d, "authenticatie");
	snprintf(in.id_middel, sizeof(in.id_middel), "%s",
	         str(a, "middel") && strcmp(str(a, "middel"), "digid") == 0         ? "digid"
	         : str(a, "middel") && strcmp(str(a, "middel"), "eherkenning") == 0 ? "eherkenning"
	                                                                            : "overig");
	if (toel) {
		snprintf(in.toelichting, sizeof(in.toelichting), "%s", toel);
		mask_text(in.toelichting);
	}
	if (!nieuw_verzoek(&in, ps, str(b, "betrokkeneType"), op, NULL, &n)) {
		projector_dead_letter(w->b, m, "verzoek_ongeldig", "date of receipt out of range");
		nieuw_vrij(&n);
		return;
	}
	json_array_append(w->rij[S_VERZOEKEN], n.rij);
	/* A replay of the same request (the portal resubmits) emits the same
	 * ce_id again: consumers deduplicate on it. */
	emit_ontvangen(w->z, &n, &m->ce);
	nieuw_vrij(&n);
}

static bool
schrijf(struct werk *w)
{
	const char *k;
	json_t *v;

	json_object_foreach(w->stand, k, v)
	{
		json_array_append(w->rij[S_ZAAK_STAND], v);
	}
	json_object_foreach(w->venster, k, v)
	{
		json_array_append(w->rij[S_VENSTER], v);
	}
	if (!pg_pipeline_begin(w->b->pg))
		return false;
	for (int s = 0; s < S__COUNT; s++) {
		char *t;
		const char *vals[1];
		bool ok;

		if (json_array_size(w->rij[s]) == 0)
			continue;
		t = json_dumps(w->rij[s], JSON_COMPACT);
		vals[0] = t;
		ok = t && pg_pipeline_send(w->b->pg, schrijf_stmts[s].naam, 1, vals, NULL, NULL);
		free(t);
		if (!ok)
			return false;
		if (s != S_ZAAK_STAND && s != S_DOORGIFTEN && s != S_VENSTER && s != S_VERZOEKEN)
			projector_count(w->b->p, w->z->m_register,
			                (double)json_array_size(w->rij[s]));
	}
	return true;
}

int
inzage_apply(struct proj_batch *b, void *arg)
{
	struct werk w = {.z = arg,
	                 .b = b,
	                 .stand = json_object(),
	                 .gezien = json_object(),
	                 .venster = json_object()};
	int rc;

	for (int s = 0; s < S__COUNT; s++)
		w.rij[s] = json_array();
	for (int i = 0; i < b->n; i++) {
		struct proj_msg *m = &b->msgs[i];
		const char *r = m->record;

		if (m->dead || !m->data || !r)
			continue;
		if (!strcmp(r, "ZaakGeregistreerd"))
			registratie(&w, m->data);
		else if (!strcmp(r, "StatusGezet") || !strcmp(r, "ZaakAfgesloten") ||
		         !strcmp(r, "ZaakHeropend"))
			stand(&w, r, m->data);
		else if (!strcmp(r, "BerichtVerstuurd"))
			bericht(&w, m->data);
		else if (!strcmp(r, "GebeurtenisDoorgegeven"))
			doorgifte(&w, m->data);
		else if (!strcmp(r, "GegevensGeraadpleegd"))
			raadpleging(&w, m->data);
		else if (!strcmp(r, "Dataverwerking"))
			verwerking(&w, m);
		else if (!strcmp(r, "InzageVerzoekIngediend"))
			ingediend(&w, m);
		/* Everything else (other facts, our own Inzage* events) is not
		 * part of the register. */
	}
	rc = !w.fout && schrijf(&w) ? 0 : -1;
	for (int s = 0; s < S__COUNT; s++)
		json_decref(w.rij[s]);
	json_decref(w.stand);
	json_decref(w.gezien);
	json_decref(w.venster);
	return rc;
}

/* Reads. */

static const char *
veld(const PGresult *res, int rij, int kol)
{
	return PQgetisnull(res, rij, kol) ? NULL : PQgetvalue(res, rij, kol);
}

static bool
waar(const PGresult *res, int rij, int kol)
{
	return PQgetvalue(res, rij, kol)[0] == 't';
}

#define N_VELDEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Texts of row i from column kolom on, to the members of rij at velden[]. */
static void
teksten(const PGresult *res, int i, int kolom, void *rij, const size_t *velden, int nvelden)
{
	for (int k = 0; k < nvelden; k++)
		*(const char **)((char *)rij + velden[k]) = veld(res, i, kolom + k);
}

/* Rows of plain texts, from column 0 on. */
static void *
teksten_van(const PGresult *res, int n, size_t grootte, const size_t *velden, int nvelden)
{
	char *rijen = calloc((size_t)n + 1, grootte);

	for (int i = 0; rijen && i < n; i++)
		teksten(res, i, 0, rijen + (size_t)i * grootte, velden, nvelden);
	return rijen;
}

/* Columns of sql_register_zaken: the zaak's, heeft_verwerking, the
 * verwerkingsactiviteit's, then the role's and geheimhouding. */
static const size_t zaak_velden[] = {
        offsetof(struct reg_zaak, uuid),         offsetof(struct reg_zaak, identificatie),
        offsetof(struct reg_zaak, zaaktype),     offsetof(struct reg_zaak, zaaktype_omschrijving),
        offsetof(struct reg_zaak, omschrijving), offsetof(struct reg_zaak, afdeling),
        offsetof(struct reg_zaak, kanaal),       offsetof(struct reg_zaak, startdatum),
        offsetof(struct reg_zaak, status),       offsetof(struct reg_zaak, einddatum),
        offsetof(struct reg_zaak, resultaat),
};

static const size_t va_velden[] = {
        offsetof(struct reg_verwerking, id),
        offsetof(struct reg_verwerking, naam),
        offsetof(struct reg_verwerking, doel),
        offsetof(struct reg_verwerking, grondslag),
        offsetof(struct reg_verwerking, bewaartermijn),
};

static const size_t rol_velden[] = {
        offsetof(struct reg_rol, rol),
        offsetof(struct reg_rol, machtiging),
        offsetof(struct reg_rol, naam),
        offsetof(struct reg_rol, emailadres),
        offsetof(struct reg_rol, telefoonnummer),
};

#define ROL_KOLOM 17

/* Columns 1.. of sql_register_eigenschappen, then persoonsgegeven. */
static const size_t eigenschap_velden[] = {
        offsetof(struct reg_eigenschap, naam),      offsetof(struct reg_eigenschap, waarde),
        offsetof(struct reg_eigenschap, doel),      offsetof(struct reg_eigenschap, grondslag),
        offsetof(struct reg_eigenschap, betekenis),
};

static const size_t bericht_velden[] = {
        offsetof(struct reg_bericht, identificatie), offsetof(struct reg_bericht, aanleiding),
        offsetof(struct reg_bericht, kanaal),        offsetof(struct reg_bericht, onderwerp),
        offsetof(struct reg_bericht, verstuurd_op),
};

static const size_t raadpleging_velden[] = {
        offsetof(struct reg_raadpleging, tijdstip),
        offsetof(struct reg_raadpleging, actor_type),
        offsetof(struct reg_raadpleging, actor),
        offsetof(struct reg_raadpleging, rol),
        offsetof(struct reg_raadpleging, actie),
        offsetof(struct reg_raadpleging, doel),
        offsetof(struct reg_raadpleging, besluit),
        offsetof(struct reg_raadpleging, reden),
        offsetof(struct reg_raadpleging, zaak_identificatie),
};

/* The zaken, each with its rows of roles (one row per role). */
static bool
zaken_van(struct register_rijen *r)
{
	const PGresult *res = r->res[R_ZAKEN];
	int n = PQntuples(res);
	struct reg_zaak *z = NULL;

	r->zaken = calloc((size_t)n + 1, sizeof(*r->zaken));
	r->rollen = calloc((size_t)n + 1, sizeof(*r->rollen));
	if (!r->zaken || !r->rollen)
		return false;
	for (int i = 0; i < n; i++) {
		struct reg_rol *rol = &r->rollen[i];

		if (!z || strcmp(z->uuid, PQgetvalue(res, i, 0))) {
			z = &r->zaken[r->reg.n_zaken++];
			teksten(res, i, 0, z, zaak_velden, N_VELDEN(zaak_velden));
			z->heeft_verwerking = waar(res, i, N_VELDEN(zaak_velden));
			teksten(res, i, N_VELDEN(zaak_velden) + 1, &z->va, va_velden,
			        N_VELDEN(va_velden));
			z->rollen = rol;
		}
		teksten(res, i, ROL_KOLOM, rol, rol_velden, N_VELDEN(rol_velden));
		rol->geheimhouding = waar(res, i, ROL_KOLOM + N_VELDEN(rol_velden));
		z->n_rollen++;
	}
	r->reg.zaken = r->zaken;
	return true;
}

/* Each zaak's eigenschappen: their rows come in the zaken's order. */
static bool
eigenschappen_van(struct register_rijen *r)
{
	const PGresult *res = r->res[R_EIGENSCHAPPEN];
	int n = PQntuples(res), m = 0;
	size_t k = 0;

	r->eigenschappen = calloc((size_t)n + 1, sizeof(*r->eigenschappen));
	if (!r->eigenschappen)
		return false;
	for (int i = 0; i < n; i++) {
		const char *uuid = PQgetvalue(res, i, 0);
		size_t j = k;
		struct reg_zaak *z;

		while (j < r->reg.n_zaken && strcmp(r->zaken[j].uuid, uuid))
			j++;
		if (j == r->reg.n_zaken)
			continue; /* registered after the zaken were read */
		k = j;
		z = &r->zaken[k];
		if (z->n_eigenschappen == 0)
			z->eigenschappen = &r->eigenschappen[m];
		teksten(res, i, 1, &r->eigenschappen[m], eigenschap_velden,
		        N_VELDEN(eigenschap_velden));
		r->eigenschappen[m++].persoonsgegeven =
		        waar(res, i, 1 + N_VELDEN(eigenschap_velden));
		z->n_eigenschappen++;
	}
	return true;
}

static bool
berichten_van(struct register_rijen *r)
{
	const PGresult *res = r->res[R_BERICHTEN];

	r->reg.n_berichten = (size_t)PQntuples(res);
	r->berichten = teksten_van(res, PQntuples(res), sizeof(struct reg_bericht), bericht_velden,
	                           N_VELDEN(bericht_velden));
	r->reg.berichten = r->berichten;
	return r->berichten != NULL;
}

static const size_t doorgifte_velden[] = {
        offsetof(struct reg_doorgifte, abonnement),
        offsetof(struct reg_doorgifte, origin),
};

static bool
doorgiften_van(struct register_rijen *r)
{
	const PGresult *res = r->res[R_DOORGIFTEN];

	r->reg.n_doorgiften = (size_t)PQntuples(res);
	r->doorgiften = teksten_van(res, PQntuples(res), sizeof(struct reg_doorgifte),
	                            doorgifte_velden, N_VELDEN(doorgifte_velden));
	r->reg.doorgiften = r->doorgiften;
	return r->doorgiften != NULL;
}

/* One row at least: the count; without a look-up in it when there are none. */
static bool
raadplegingen_van(struct register_rijen *r)
{
	const PGresult *res = r->res[R_RAADPLEGINGEN];
	int n = PQntuples(res);

	if (n < 1)
		return false;
	if (!waar(res, 0, N_VELDEN(raadpleging_velden)))
		n = 0;
	r->reg.n_raadplegingen = (size_t)n;
	r->raadplegingen = teksten_van(res, n, sizeof(struct reg_raadpleging), raadpleging_velden,
	                               N_VELDEN(raadpleging_velden));
	r->reg.raadplegingen = r->raadplegingen;
	r->reg.aantal_bekend = true;
	r->reg.aantal_raadplegingen =
	        strtol(PQgetvalue(res, 0, N_VELDEN(raadpleging_velden) + 1), NULL, 10);
	return r->raadplegingen != NULL;
}

/* Columns 5, 6 of sql_register_logboek (after the activity's), then aantal. */
static const size_t logboek_velden[] = {
        offsetof(struct reg_logboek, eerste),
        offsetof(struct reg_logboek, laatste),
};

static bool
logboek_van(struct register_rijen *r, const json_t *platform)
{
	const PGresult *res = r->res[R_LOGBOEK];
	int n = PQntuples(res);

	r->logboek = calloc((size_t)n + 1, sizeof(*r->logboek));
	if (!r->logboek)
		return false;
	for (int i = 0; i < n; i++) {
		struct reg_logboek *l = &r->logboek[i];

		teksten(res, i, 0, &l->va, va_velden, N_VELDEN(va_velden));
		teksten(res, i, N_VELDEN(va_velden), l, logboek_velden, N_VELDEN(logboek_velden));
		l->aantal = strtol(PQgetvalue(res, i, N_VELDEN(va_velden) + 2), NULL, 10);
		verwerkingen_benoem(&l->va, platform);
	}
	r->reg.logboek = r->logboek;
	r->reg.n_logboek = (size_t)n;
	return true;
}

bool
inzage_register_lees(struct pg *pg, const json_t *platform, const char *ps,
                     struct register_rijen *r)
{
	memset(r, 0, sizeof(*r));
	for (int s = 0; s < R__COUNT; s++) {
		r->res[s] = pg_execp(pg, register_stmts[s][0], 1, (const char *const[]){ps}, NULL,
		                     NULL);
		if (!r->res[s]) {
			inzage_register_vrij(r);
			return false;
		}
	}
	if (zaken_van(r) && eigenschappen_van(r) && berichten_van(r) && raadplegingen_van(r) &&
	    doorgiften_van(r) && logboek_van(r, platform))
		return true;
	zlog_error("register could not be read: out of memory or an empty count");
	inzage_register_vrij(r);
	return false;
}

void
inzage_register_vrij(struct register_rijen *r)
{
	for (int s = 0; s < R__COUNT; s++)
		PQclear(r->res[s]);
	free(r->zaken);
	free(r->rollen);
	free(r->eigenschappen);
	free(r->berichten);
	free(r->raadplegingen);
	free(r->doorgiften);
	free(r->logboek);
	memset(r, 0, sizeof(*r));
}

void
verzoek_stand_vrij(struct verzoek_stand *s)
{
	json_decref(s->json);
	s->json = NULL;
}

/* What the rules need about a request, from sql_verzoek_lees. */
struct verzoek_rij {
	struct inzage_termijn t;
	bool afgehandeld;
	char recht[24];
};

static enum inzage_rc
lees(struct inzage *z, const char *id, bool vergrendel, struct verzoek_stand *uit,
     struct verzoek_rij *vr)
{
	char sql[sizeof(sql_verzoek_lees) + 16];
	PGresult *res;
	enum inzage_rc rc = INZ_ONBEKEND;

	memset(uit, 0, sizeof(*uit));
	if (vergrendel) {
		snprintf(sql, sizeof(sql), "%s FOR UPDATE", sql_verzoek_lees);
		res = pg_exec(projector_pg(z->p), sql, 1, (const char *const[]){id});
	} else {
		res = pg_execp(projector_pg(z->p), "verzoek_lees", 1, (const char *const[]){id},
		               NULL, NULL);
	}
	if (!res)
		return INZ_DB;
	if (PQntuples(res) == 1) {
		uit->json = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
		snprintf(uit->betrokkene, sizeof(uit->betrokkene), "%s", PQgetvalue(res, 0, 1));
		snprintf(uit->betrokkene_type, sizeof(uit->betrokkene_type), "%s",
		         PQgetvalue(res, 0, 2));
		if (vr) {
			snprintf(vr->recht, sizeof(vr->recht), "%s", PQgetvalue(res, 0, 3));
			vr->t.ontvangen = datum_van_tekst(PQgetvalue(res, 0, 4));
			vr->t.oorspronkelijk = datum_van_tekst(PQgetvalue(res, 0, 5));
			vr->t.uiterste = datum_van_tekst(PQgetvalue(res, 0, 6));
			vr->t.verlengbaar_tot = datum_van_tekst(PQgetvalue(res, 0, 7));
			vr->t.verlengd = PQgetvalue(res, 0, 8)[0] == 't';
			vr->afgehandeld = PQgetvalue(res, 0, 9)[0] == 't';
		}
		rc = uit->json ? INZ_OK : INZ_DB;
	}
	PQclear(res);
	return rc;
}

enum inzage_rc
inzage_verzoek_lees(struct inzage *z, const char *id, struct verzoek_stand *uit)
{
	return lees(z, id, false, uit, NULL);
}

static const char *
betrokkene_type(enum id_type t)
{
	return t == ID_KVK ? "niet_natuurlijk_persoon" : "natuurlijk_persoon";
}

enum inzage_rc
inzage_verzoek_nieuw(struct inzage *z, const struct verzoek_invoer *in,
                     const struct principal *door, struct verzoek_stand *uit)
{
	struct pg *pg = projector_pg(z->p);
	const char *wie = door->kind == PRINCIPAL_MEDEWERKER ? door->medewerker_id : NULL;
	char ps[PSEUDONIEM_LEN + 1], *rij = NULL;
	int64_t nu = now_ms();
	struct nieuw n;
	PGresult *res;
	enum inzage_rc rc = INZ_DB;
	bool nieuw;

	memset(uit, 0, sizeof(*uit));
	if (!pseudoniem(z->sleutel, id_type_name(in->betrokkene.type), in->betrokkene.nummer, ps))
		return INZ_DB;
	/* Received today: now; a letter of an earlier day: noon UTC, which is
	 * that day in the Netherlands too. */
	if (!nieuw_verzoek(in, ps, betrokkene_type(in->betrokkene.type),
	                   in->ontvangen == datum_van_instant_nl(nu)
	                           ? nu
	                           : (int64_t)in->ontvangen * MS_PER_DAG + MS_PER_DAG / 2,
	                   wie, &n))
		goto out;
	if (!projector_tx_begin(z->p))
		goto out;
	{
		json_t *rijen = json_pack("[O]", n.rij);
		rij = json_dumps(rijen, JSON_COMPACT);
		json_decref(rijen);
	}
	res = rij ? pg_execp(pg, "verzoek_insert", 1, (const char *const[]){rij}, NULL, NULL)
	          : NULL;
	if (!res)
		goto fail;
	nieuw = PQntuples(res) == 1;
	PQclear(res);
	if (nieuw && !emit_ontvangen(z, &n, NULL))
		goto fail;
	if (!projector_tx_commit(z->p))
		goto out;
	/* A request sent twice (same verzoekId) is the same request, if it is
	 * about the same person. */
	rc = lees(z, n.id, false, uit, NULL);
	if (rc == INZ_OK && strcmp(uit->betrokkene, ps) != 0) {
		verzoek_stand_vrij(uit);
		rc = INZ_CONFLICT;
	}
	goto out;
fail:
	projector_tx_rollback(z->p);
out:
	free(rij);
	nieuw_vrij(&n);
	return rc;
}

static json_t *
uitvoerder_json(const struct principal *door)
{
	return json_pack("{s:s, s:n, s:s}", "medewerkerIdentificatie",
	                 door->kind == PRINCIPAL_MEDEWERKER ? door->medewerker_id : door->client_id,
	                 "naam", "applicatie", "zs-inzage");
}

enum inzage_rc
inzage_verleng(struct inzage *z, const char *id, const char *reden, int32_t nieuwe,
               const struct principal *door, struct redenen *r, struct verzoek_stand *uit)
{
	struct pg *pg = projector_pg(z->p);
	struct verzoek_rij vr;
	int32_t vorige;
	char dag[DATUM_TEKST], naam[96], ce_id[UUID_LEN + 1], *schoon = NULL;
	enum inzage_rc rc;
	json_t *ev;

	if (!projector_tx_begin(z->p))
		return INZ_DB;
	rc = lees(z, id, true, uit, &vr);
	if (rc != INZ_OK)
		goto fail;
	verzoek_stand_vrij(uit);
	vorige = vr.t.uiterste;
	if (!termijn_verleng(&vr.t, vr.afgehandeld, inzage_vandaag(z), nieuwe, reden, r)) {
		rc = INZ_GEWEIGERD;
		goto fail;
	}
	/* The reason goes to the resident and onto the topic: no BSN in it. */
	schoon = strdup(reden);
	if (!schoon) {
		rc = INZ_DB; /* out of memory: nothing decided, try again */
		goto fail;
	}
	mask_text(schoon);
	datum_format(vr.t.uiterste, dag, sizeof(dag));
	rc = INZ_DB;
	if (!pg_cmdp(pg, "verzoek_verleng", 3, (const char *const[]){id, dag, schoon}))
		goto fail;
	ev = json_pack("{s:s, s:s, s:o, s:o, s:o, s:n, s:o}", "verzoekId", id, "reden", schoon,
	               "vorigeUitersteDatum", datum_json(vorige), "nieuweUitersteDatum",
	               datum_json(vr.t.uiterste), "beslotenOp", instant_json(now_ms()),
	               "meldingAanBetrokkeneOp", "uitvoerder", uitvoerder_json(door));
	snprintf(naam, sizeof(naam), "inzage-verlengd:%s", id);
	uuid_v5(ZS_UUID_NAMESPACE, naam, ce_id);
	if (!projector_emit(z->p, TOPIC_INZAGE, id, "InzageTermijnVerlengd", ev, NULL, ce_id)) {
		json_decref(ev);
		goto fail;
	}
	projector_count(z->p, z->m_verlengd, 1);
	free(schoon);
	if (!projector_tx_commit(z->p))
		return INZ_DB;
	return lees(z, id, false, uit, NULL);
fail:
	free(schoon);
	projector_tx_rollback(z->p);
	return rc;
}

enum inzage_rc
inzage_afhandel(struct inzage *z, const char *id, int uitkomst, const char *toelichting,
                const struct principal *door, struct verzoek_stand *uit)
{
	struct pg *pg = projector_pg(z->p);
	struct verzoek_rij vr;
	int64_t nu = now_ms();
	int32_t vandaag = inzage_vandaag(z);
	char op[32], dag[DATUM_TEKST], ontv[DATUM_TEKST], uiterst[DATUM_TEKST], naam[96];
	char ce_id[UUID_LEN + 1], *rapport_tekst = NULL, *schoon = NULL;
	json_t *art15 = NULL, *doc = NULL, *ev;
	bool binnen;
	enum inzage_rc rc;
	const char *wie =
	        door->kind == PRINCIPAL_MEDEWERKER ? door->medewerker_id : door->client_id;

	if (!projector_tx_begin(z->p))
		return INZ_DB;
	rc = lees(z, id, true, uit, &vr);
	if (rc != INZ_OK)
		goto fail;
	if (vr.afgehandeld) {
		rc = INZ_AFGEHANDELD;
		goto fail;
	}
	verzoek_stand_vrij(uit);
	rc = INZ_DB;
	format_rfc3339_ms(nu, op);
	datum_format(vandaag, dag, sizeof(dag));
	datum_format(vr.t.ontvangen, ontv, sizeof(ontv));
	datum_format(vr.t.uiterste, uiterst, sizeof(uiterst));
	binnen = termijn_binnen(&vr.t, vandaag);
	if (!strcmp(vr.recht, "inzage") && verzoek_uitkomst_verstrekt(uitkomst)) {
		struct register_rijen reg;
		struct rapport_verzoek rv = {.verzoek_id = id,
		                             .ontvangen_op = ontv,
		                             .uiterste_datum = uiterst,
		                             .opgesteld_op = op,
		                             .gemeente = z->gemeente};
		/* The register as it stands now, in this transaction. */
		if (!inzage_register_lees(pg, z->platform, uit->betrokkene, &reg))
			goto fail;
		art15 = rapport_art15(&reg.reg);
		doc = rapport_document(&reg.reg, &rv);
		inzage_register_vrij(&reg);
		rapport_tekst = json_dumps(doc, JSON_COMPACT);
		if (!rapport_tekst)
			goto fail;
	}
	if (toelichting) {
		schoon = strdup(toelichting);
		if (!schoon)
			goto fail; /* out of memory: rc is INZ_DB */
		mask_text(schoon);
	}
	if (!pg_cmdp(pg, "verzoek_afhandel", 8,
	             (const char *const[]){id, op, dag, verzoek_uitkomst_naam(uitkomst),
	                                   binnen ? "true" : "false", wie, schoon, rapport_tekst}))
		goto fail;
	ev = json_pack("{s:s, s:s, s:s, s:o, s:b, s:O?, s:s?, s:o}", "verzoekId", id,
	               "afgehandeldOp", op, "uitkomst", verzoek_uitkomst_naam(uitkomst),
	               "uitersteDatum", datum_json(vr.t.uiterste), "binnenTermijn", binnen, "art15",
	               art15, "toelichting", schoon, "uitvoerder", uitvoerder_json(door));
	snprintf(naam, sizeof(naam), "inzage-afgehandeld:%s", id);
	uuid_v5(ZS_UUID_NAMESPACE, naam, ce_id);
	if (!projector_emit(z->p, TOPIC_INZAGE, id, "InzageAfgehandeld", ev, NULL, ce_id)) {
		json_decref(ev);
		goto fail;
	}
	projector_count(z->p, z->m_afgehandeld, 1);
	if (!projector_tx_commit(z->p))
		goto out;
	rc = lees(z, id, false, uit, NULL);
	goto out;
fail:
	projector_tx_rollback(z->p);
out:
	json_decref(art15);
	json_decref(doc);
	free(rapport_tekst);
	free(schoon);
	return rc;
}

char *
inzage_rapport(struct pg *pg, const char *id, enum inzage_rc *rc)
{
	PGresult *res = pg_execp(pg, "rapport", 1, (const char *const[]){id}, NULL, NULL);
	char *doc = NULL;

	*rc = INZ_DB;
	if (!res)
		return NULL;
	if (PQntuples(res) == 0) {
		*rc = INZ_ONBEKEND;
	} else if (PQgetisnull(res, 0, 0)) {
		*rc = PQgetvalue(res, 0, 1)[0] == 't' ? INZ_AFGEHANDELD : INZ_ONBEKEND;
	} else {
		doc = strdup(PQgetvalue(res, 0, 0));
		*rc = doc ? INZ_OK : INZ_DB;
	}
	PQclear(res);
	return doc;
}

json_t *
inzage_verzoeken(struct inzage *z, const char *termijn, int max)
{
	char dag[DATUM_TEKST], limiet[16];
	PGresult *res;
	json_t *lijst = NULL;

	datum_format(inzage_vandaag(z), dag, sizeof(dag));
	snprintf(limiet, sizeof(limiet), "%d", max);
	res = pg_execp(projector_pg(z->p), "verzoeken", 3,
	               (const char *const[]){termijn, dag, limiet}, NULL, NULL);
	if (!res)
		return NULL;
	if (PQntuples(res) == 1)
		lijst = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	return lijst;
}

/* The deadline watch. */

static int
bewaking_chunk(struct inzage *z, int32_t vandaag)
{
	struct pg *pg = projector_pg(z->p);
	char dag[DATUM_TEKST], limiet[16];
	int64_t nu = now_ms();
	PGresult *res = NULL;
	int n, gemeld = 0;

	datum_format(vandaag, dag, sizeof(dag));
	snprintf(limiet, sizeof(limiet), "%d", z->bewaking_chunk);
	if (!projector_tx_begin(z->p))
		return -1;
	res = pg_execp(pg, "bewaking_due", 2, (const char *const[]){dag, limiet}, NULL, NULL);
	if (!res)
		goto fail;
	n = PQntuples(res);
	for (int r = 0; r < n; r++) {
		const char *id = PQgetvalue(res, r, 0), *dl = PQgetvalue(res, r, 1);
		bool verlengd = PQgetvalue(res, r, 2)[0] == 't';
		int32_t uiterste = datum_van_tekst(dl);
		enum bewaking_fase f = termijn_bewaking(uiterste, vandaag);
		char naam[128], ce_id[UUID_LEN + 1];
		PGresult *ins;
		json_t *ev;
		bool eerste;

		if (f == BEWAKING_GEEN)
			continue;
		ins = pg_execp(pg, "bewaking_gemeld", 3,
		               (const char *const[]){id, bewaking_sleutel(f), dl}, NULL, NULL);
		if (!ins)
			goto fail;
		eerste = PQntuples(ins) == 1;
		PQclear(ins);
		if (!eerste)
			continue;
		snprintf(naam, sizeof(naam), "inzage-bewaking:%s:%s:%s", id, bewaking_sleutel(f),
		         dl);
		uuid_v5(ZS_UUID_NAMESPACE, naam, ce_id);
		ev = json_pack("{s:s, s:s, s:s, s:i, s:o}", "verzoekId", id, "fase",
		               bewaking_schema_fase(f, verlengd), "datum", dl, "dagenResterend",
		               dagen_tussen(vandaag, uiterste), "tijdstip", instant_json(nu));
		if (!projector_emit(z->p, TOPIC_INZAGE, id, "InzageTermijnBewaking", ev, NULL,
		                    ce_id)) {
			json_decref(ev);
			goto fail;
		}
		projector_count(z->p, z->m_bewaking, 1);
		gemeld++;
	}
	PQclear(res);
	if (!projector_tx_commit(z->p))
		return -1;
	if (gemeld)
		zlog_info("deadline watch: %d warning(s) of %d request(s) due", gemeld, n);
	return n;
fail:
	PQclear(res);
	projector_tx_rollback(z->p);
	return -1;
}

#define BEWAKING_CHUNKS_PER_TICK 20

long
inzage_bewaking(struct inzage *z)
{
	int32_t vandaag = inzage_vandaag(z);
	long totaal = 0;

	if (!projector_ready(z->p) || vandaag == DATUM_ONGELDIG)
		return 0;
	for (int c = 0; c < BEWAKING_CHUNKS_PER_TICK; c++) {
		int n = bewaking_chunk(z, vandaag);
		if (n < 0)
			return -1;
		totaal += n;
		if (n < z->bewaking_chunk)
			break;
	}
	return totaal;
}

void
inzage_cijfers(struct inzage *z)
{
	char dag[DATUM_TEKST];
	PGresult *res;

	if (!projector_ready(z->p))
		return;
	datum_format(inzage_vandaag(z), dag, sizeof(dag));
	res = pg_execp(projector_pg(z->p), "cijfers", 1, (const char *const[]){dag}, NULL, NULL);
	if (!res)
		return;
	if (PQntuples(res) == 1) {
		metric_set(z->m_open, atof(PQgetvalue(res, 0, 0)));
		metric_set(z->m_open_overschreden, atof(PQgetvalue(res, 0, 1)));
		metric_set(z->m_mediaan, atof(PQgetvalue(res, 0, 2)));
		metric_set(z->m_p95, atof(PQgetvalue(res, 0, 3)));
		metric_set(z->m_binnen, atof(PQgetvalue(res, 0, 4)));
		metric_set(z->m_te_laat, atof(PQgetvalue(res, 0, 5)));
	}
	PQclear(res);
}
