/*
 * pgbaseline.c — the PostgreSQL ceiling under intake: the rows intake writes
 * for one accepted aanvraag (an aanvragen row, a zaken row, two outbox rows
 * with the encoded ZaakGeregistreerd and AanvraagGeaccepteerd, and per batch
 * the offset of every partition), written by one connection as fast as it
 * can, a batch per transaction, with the server's own durability.
 *
 *   pgbaseline --count N [--batch B] [--partitions P] [--schema S] [--intake-reads]
 *
 * The statements are intake's own (intake_prepare) and the projector's
 * outbox insert; the tables come from intake's migrations, applied in a
 * schema of their own (default bench_pg) so no real read model is touched.
 * What intake does on top — the idempotency lookup, the zaak numbers, JSON,
 * Avro, Kafka — is left out on purpose: this is what the database allows.
 * --intake-reads adds intake's two reads per batch (the outcomes already
 * known, the zaak numbers), each its own round trip as in intake, to show
 * what they cost.
 * The row contents are built once per sample by intake's domain functions;
 * only the keys differ per row. Prints one JSON object.
 */
#include "stream/settings.h"
#include "bench.h"
#include "zgw/catalogus.h"
#include "wire/ce.h"
#include "stream/pg.h"
#include "wire/schemaset.h"
#include "stream/topics.h"
#include "../services/intake/aanvraag.h"
#include "../services/intake/intake.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#define BRONORGANISATIE "002220647"
#define INTAKE_SOURCE   "urn:nld:oin:00000001003214345000:systeem:zaakstroom-intake"

/* What every row of one sample shares. */
struct sample {
	json_t *zaak;         /* ZaakGeregistreerd, for the zaken columns */
	char *uitkomst_event; /* AanvraagGeaccepteerd as stored in aanvragen */
	void *zaak_avro, *uitkomst_avro;
	size_t zaak_len, uitkomst_len;
	char *zaak_headers, *uitkomst_headers;
};

/* What differs per row. */
struct keys {
	char aanvraag[UUID_LEN + 1], zaak[UUID_LEN + 1], uitkomst_ce_id[UUID_LEN + 1];
	char ident[ZAAK_IDENTIFICATIE_TEKST + 1], trace[TRACE_ID_HEX + 1];
};

static struct catalogus *
load_catalogus(void)
{
	char dir[1024], path[1300];
	struct catalogus *cat = catalogus_new();
	struct dirent *de;
	DIR *d;

	zs_path(dir, sizeof(dir), "deploy/catalogus");
	if (!(d = opendir(dir)))
		die("could not open %s", dir);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		struct zaaktype *zt = NULL;
		char err[256];
		json_t *doc;

		if (len < 6 || strcmp(de->d_name + len - 5, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		doc = json_load_file(path, 0, NULL);
		if (!doc || zaaktype_from_json(doc, &zt, err, sizeof(err)) != 0 ||
		    catalogus_put(cat, zt) != 0)
			die("could not load zaaktype %s", path);
		json_decref(doc);
	}
	closedir(d);
	return cat;
}

static char *
headers_json(const char *record, const char *subject, const char *traceparent)
{
	struct ce_attrs ce;
	json_t *h;
	char *s;

	ce_attrs_init(&ce, record, INTAKE_SOURCE, subject, traceparent);
	h = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "ce_specversion", "1.0", "ce_id",
	              ce.id, "ce_source", ce.source, "ce_type", ce.type, "ce_time", ce.time,
	              "ce_subject", subject, "content-type", "application/avro", "traceparent",
	              ce.traceparent);
	s = json_dumps(h, JSON_COMPACT);
	json_decref(h);
	return s;
}

static void
encode(struct schemaset *set, const char *record, json_t *doc, void **buf, size_t *len)
{
	char err[256];

	if (schemaset_encode(schemaset_latest(set, record), doc, buf, len, err, sizeof(err)) != 0)
		die("could not encode %s: %s", record, err);
}

/* Builds a sample's rows the way intake would for an accepted aanvraag. */
static void
sample_build(struct sample *s, json_t *doc, const struct catalogus *cat, struct schemaset *set)
{
	char id[UUID_LEN + 1], uuid[UUID_LEN + 1], when[32], err[256];
	int64_t nu = now_ms();
	struct aanvraag *a = NULL;
	const struct zaaktype *zt;
	json_t *uitkomst;

	uuid_v4(id);
	uuid_v4(uuid);
	format_rfc3339_ms(nu, when);
	json_object_set_new(doc, "aanvraagId", json_string(id));
	json_object_set_new(doc, "ingediendOp", json_string(when));
	if (aanvraag_from_json(doc, &a, err, sizeof(err)) != 0 || !(zt = aanvraag_zaaktype(cat, a)))
		die("sample aanvraag not usable: %s", err);
	s->zaak = zaak_geregistreerd_json(zt, a, uuid, "ZAAK-2026-0000000001", BRONORGANISATIE, nu);
	if (!s->zaak)
		die("could not build a ZaakGeregistreerd");
	uitkomst = aanvraag_geaccepteerd_json(s->zaak, nu);
	s->uitkomst_event = json_dumps(uitkomst, JSON_COMPACT);
	encode(set, "ZaakGeregistreerd", s->zaak, &s->zaak_avro, &s->zaak_len);
	encode(set, "AanvraagGeaccepteerd", uitkomst, &s->uitkomst_avro, &s->uitkomst_len);
	s->zaak_headers = headers_json("ZaakGeregistreerd", uuid, NULL);
	s->uitkomst_headers = headers_json("AanvraagGeaccepteerd", id, NULL);
	json_decref(uitkomst);
	aanvraag_free(a);
}

static const char *
str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* One row's statements into the open pipeline. */
static void
send_row(struct pg *pg, const struct sample *s, const struct keys *k)
{
	static const int fmts[4] = {0, 1, 1, 0};
	json_t *z = s->zaak;
	const char *av[8] = {k->aanvraag,        "geaccepteerd",    k->zaak,           k->ident,
	                     str(z, "zaaktype"), s->uitkomst_event, k->uitkomst_ce_id, k->trace};
	const char *zv[10] = {k->zaak,
	                      k->ident,
	                      k->aanvraag,
	                      str(z, "zaaktype"),
	                      str(z, "zaaktypeVersiedatum"),
	                      str(z, "startdatum"),
	                      str(z, "registratiedatum"),
	                      str(z, "einddatumGepland"),
	                      str(z, "uiterlijkeEinddatumAfdoening"),
	                      str(z, "vertrouwelijkheidaanduiding")};
	const char *ov1[4] = {topic_name(TOPIC_ZAKEN), k->zaak, s->zaak_avro, s->zaak_headers};
	int ol1[4] = {0, UUID_LEN, (int)s->zaak_len, 0};
	const char *ov2[4] = {topic_name(TOPIC_AANVRAAG_UITKOMSTEN), k->aanvraag, s->uitkomst_avro,
	                      s->uitkomst_headers};
	int ol2[4] = {0, UUID_LEN, (int)s->uitkomst_len, 0};

	pg_pipeline_send(pg, "aanvraag_insert", 8, av, NULL, NULL);
	pg_pipeline_send(pg, "zaak_insert", 10, zv, NULL, NULL);
	pg_pipeline_send(pg, "bench_outbox_insert", 4, ov1, ol1, fmts);
	pg_pipeline_send(pg, "bench_outbox_insert", 4, ov2, ol2, fmts);
}

/* The two reads intake makes per batch before it writes. */
static bool
intake_reads(struct pg *pg, const struct keys *k, long n)
{
	json_t *ids = json_array();
	char *text, count[24];
	PGresult *res;

	for (long i = 0; i < n; i++)
		json_array_append_new(ids, json_string(k[i].aanvraag));
	text = json_dumps(ids, JSON_COMPACT);
	json_decref(ids);
	const char *v1[1] = {text};
	res = pg_execp(pg, "aanvragen_bekend", 1, v1, NULL, NULL);
	free(text);
	if (!res)
		return false;
	PQclear(res);
	snprintf(count, sizeof(count), "%ld", n);
	const char *v2[2] = {"2026", count};
	res = pg_execp(pg, "zaaknummers", 2, v2, NULL, NULL);
	if (!res)
		return false;
	PQclear(res);
	return true;
}

static char *
setting(struct pg *pg, const char *name)
{
	char sql[128];
	PGresult *res;
	char *v;

	snprintf(sql, sizeof(sql), "SHOW %s", name);
	res = pg_exec(pg, sql, 0, NULL);
	v = strdup(res && PQntuples(res) ? PQgetvalue(res, 0, 0) : "?");
	PQclear(res);
	return v;
}

static int64_t
scalar(struct pg *pg, const char *sql)
{
	PGresult *res = pg_exec(pg, sql, 0, NULL);
	int64_t v = res && PQntuples(res) ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : -1;

	PQclear(res);
	return v;
}

int
main(int argc, char **argv)
{
	const char *url, *schema = "bench_pg";
	long count = 0, batch = 500, partitions = 6;
	char sqldir[1024], schemas_dir[1024], err[512];
	struct sample samples[BENCH_NSAMPLES];
	json_t *docs[BENCH_NSAMPLES];
	struct pg boot = {0}, pg = {0};
	struct keys *keys;
	struct hist tx;
	int64_t base, offsets[64] = {0}, t0, t1;
	long done = 0, ntx = 0;
	bool reads = false;

	log_setup("bench");
	if (!config_load(
	            (const struct config_table *const[]){&core_settings, &stream_settings, NULL}))
		return 2;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--intake-reads")) {
			reads = true;
			continue;
		}
		if (i + 1 == argc)
			break;
		if (!strcmp(argv[i], "--count"))
			count = (long)bench_number(argv[i + 1]);
		else if (!strcmp(argv[i], "--batch"))
			batch = (long)bench_number(argv[i + 1]);
		else if (!strcmp(argv[i], "--partitions"))
			partitions = (long)bench_number(argv[i + 1]);
		else if (!strcmp(argv[i], "--schema"))
			schema = argv[i + 1];
		i++;
	}
	if (count <= 0 || batch <= 0 || partitions <= 0 || partitions > 64) {
		fprintf(stderr,
		        "usage: pgbaseline --count N [--batch B] [--partitions P<=64] [--schema S] [--intake-reads]\n");
		return 2;
	}
	url = stream_pg_url;
	zs_path(sqldir, sizeof(sqldir), "services/intake/sql");
	zs_path(schemas_dir, sizeof(schemas_dir), "schemas");

	/* Tables first (as the projector does), then the statements. */
	if (!pg_connect(&boot, url, schema) || !pg_migrate(&boot, sqldir))
		die("could not migrate schema %s", schema);
	pg_close(&boot);
	if (!intake_prepare(&pg) ||
	    !pg_prepare(
	            &pg, "bench_outbox_insert",
	            "INSERT INTO outbox (topic, key, value, headers) VALUES ($1, $2, $3, $4::jsonb)"
	            " RETURNING id",
	            4) ||
	    !pg_prepare(
	            &pg, "bench_offset",
	            "UPDATE consumer_offsets SET next_offset = $4::bigint, updated_at = now()"
	            " WHERE group_id = 'bench' AND topic = $1 AND partition = $2::int AND next_offset = $3::bigint",
	            4) ||
	    !pg_connect(&pg, url, schema))
		die("could not connect to PostgreSQL");

	struct schemaset *set = schemaset_load(schemas_dir, err, sizeof(err));
	struct catalogus *cat = load_catalogus();
	if (!set || !bench_load_samples(docs))
		die("could not load schemas or samples");
	for (int s = 0; s < BENCH_NSAMPLES; s++)
		sample_build(&samples[s], docs[s], cat, set);

	/* Keys for every row before the clock starts; zaak numbers after
	 * whatever earlier runs left. */
	base = scalar(&pg, "SELECT count(*) FROM zaken");
	keys = calloc((size_t)count, sizeof(*keys));
	for (long i = 0; i < count; i++) {
		uuid_v4(keys[i].aanvraag);
		uuid_v4(keys[i].zaak);
		uuid_v4(keys[i].uitkomst_ce_id);
		zaak_identificatie(keys[i].ident, sizeof(keys[i].ident), 2026, base + i + 1);
		/* A trace id is 32 hex digits: a fresh uuid without its dashes. */
		char t[UUID_LEN + 1];
		uuid_v4(t);
		for (int c = 0, o = 0; t[c] && o < TRACE_ID_HEX; c++)
			if (t[c] != '-')
				keys[i].trace[o++] = t[c];
	}
	for (long p = 0; p < partitions; p++) {
		char sql[256];
		snprintf(
		        sql, sizeof(sql),
		        "INSERT INTO consumer_offsets (group_id, topic, partition, next_offset) VALUES ('bench', '%s', %ld, 0)"
		        " ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = 0",
		        topic_name(TOPIC_AANVRAGEN), p);
		if (!pg_cmd(&pg, sql))
			die("could not set up offsets");
	}

	hist_init(&tx);
	t0 = mono_ns();
	while (done < count) {
		long n = count - done < batch ? count - done : batch;
		int64_t ts = mono_ns();

		if (!pg_cmd(&pg, "BEGIN") || (reads && !intake_reads(&pg, &keys[done], n)) ||
		    !pg_pipeline_begin(&pg))
			die("could not begin a transaction");
		for (long i = 0; i < n; i++)
			send_row(&pg, &samples[(done + i) % BENCH_NSAMPLES], &keys[done + i]);
		/* The batch spread over the partitions, as a consumer sees it. */
		for (long p = 0; p < partitions; p++) {
			char part[16], exp[24], next[24];
			const char *vals[4] = {topic_name(TOPIC_AANVRAGEN), part, exp, next};
			snprintf(part, sizeof(part), "%ld", p);
			snprintf(exp, sizeof(exp), "%lld", (long long)offsets[p]);
			offsets[p] += n / partitions + (p < n % partitions);
			snprintf(next, sizeof(next), "%lld", (long long)offsets[p]);
			pg_pipeline_send(&pg, "bench_offset", 4, vals, NULL, NULL);
		}
		pg_pipeline_send_sql(&pg, "COMMIT", 0, NULL);
		if (!pg_pipeline_sync(&pg, NULL, NULL))
			die("batch failed: %s", pg.last_error);
		hist_record(&tx, (uint64_t)(mono_ns() - ts) / 1000);
		done += n;
		ntx++;
	}
	t1 = mono_ns();

	double secs = (double)(t1 - t0) / 1e9;
	double rows = (double)count * 4 + (double)ntx * (double)partitions;
	char *sc = setting(&pg, "synchronous_commit"), *fs = setting(&pg, "fsync"),
	     *wm = setting(&pg, "wal_sync_method");
	json_t *o = json_pack("{s:I, s:I, s:b, s:I, s:I, s:f, s:f, s:f, s:f, s:s, s:s, s:s, s:o}",
	                      "count", (json_int_t)count, "batch", (json_int_t)batch,
	                      "intake_reads", reads, "partitions", (json_int_t)partitions,
	                      "transactions", (json_int_t)ntx, "seconds", secs, "aanvragen_per_s",
	                      (double)count / secs, "rows_per_s", rows / secs, "rows_per_aanvraag",
	                      rows / (double)count, "synchronous_commit", sc, "fsync", fs,
	                      "wal_sync_method", wm, "tx_ms", bench_hist_json(&tx));
	json_dumpf(o, stdout, JSON_COMPACT | JSON_REAL_PRECISION(12));
	putchar('\n');
	json_decref(o);
	free(sc);
	free(fs);
	free(wm);
	free(keys);
	for (int s = 0; s < BENCH_NSAMPLES; s++) {
		json_decref(samples[s].zaak);
		free(samples[s].uitkomst_event);
		free(samples[s].zaak_avro);
		free(samples[s].uitkomst_avro);
		free(samples[s].zaak_headers);
		free(samples[s].uitkomst_headers);
		json_decref(docs[s]);
	}
	catalogus_free(cat);
	schemaset_free(set);
	pg_close(&pg);
	return 0;
}
