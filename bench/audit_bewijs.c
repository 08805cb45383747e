/*
 * audit_bewijs.c — the audit tree at scale, for bench/audit_bench.py.
 *
 *   audit_bewijs laad URL TOTAAL [PERSONEN]
 *       appends synthetic entries to the audit log in URL (schema audit)
 *       until it holds TOTAAL, continuing the tree the daemon left (its
 *       right edge read as zs-audit reads it), with the stored subtrees
 *       zs-audit would have written, by COPY; and PERSONEN betrokkenen's
 *       worth of Dataverwerkingen, one per entry, round robin.
 *   audit_bewijs meet URL AANTAL
 *       AANTAL inclusion proofs of random entries and AANTAL consistency
 *       proofs from random sizes to the whole log, each computed by
 *       services/audit/boom.c exactly as the proof API does (one statement)
 *       and verified against the root of the whole log; prints JSON with
 *       the latency percentiles in ms.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../services/audit/boom.h"
#include "bench.h"
#include "hist.h"

static int
fail(const char *what, struct pg *pg)
{
	fprintf(stderr, "audit_bewijs: %s: %s\n", what, pg ? pg->last_error : "");
	return 1;
}

/* The leaf bytes of synthetic entry i: volgnummer as an Avro long first,
 * as a real entry has it (zs audit verify checks that). */
static size_t
blad(uint64_t i, uint8_t out[40])
{
	uint64_t zz = i << 1;
	size_t k = 0;

	do {
		out[k++] = (uint8_t)((zz & 0x7f) | (zz > 0x7f ? 0x80 : 0));
		zz >>= 7;
	} while (zz);
	memcpy(out + k, "synthetisch", 11);
	return k + 11;
}

static void
hex(const uint8_t *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static bool
copy(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	bool ok = PQresultStatus(r) == PGRES_COPY_IN;

	PQclear(r);
	return ok;
}

static bool
copy_end(PGconn *c)
{
	PGresult *r;
	bool ok = PQputCopyEnd(c, NULL) == 1;

	r = PQgetResult(c);
	ok = ok && PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "audit_bewijs: copy: %s\n", PQerrorMessage(c));
	PQclear(r);
	while ((r = PQgetResult(c)))
		PQclear(r);
	return ok;
}

static int
laad(const char *url, uint64_t totaal, uint64_t personen)
{
	struct pg pg = {0};
	struct merkle_frontier f;
	char line[512], h[65], b[81], p[65];
	uint8_t bytes[40], ph[32];
	uint64_t begin;

	if (!pg_connect(&pg, url, "audit") || !boom_prepare(&pg) || !boom_laad(&pg, &f))
		return fail("connect", &pg);
	begin = f.size;
	/* Two passes over the same synthetic leaves: regels (and dataverwerkingen)
	 * first, then knopen; each one COPY. */
	if (!copy(pg.conn,
	          "COPY regels (volgnummer, bron_sleutel, bron_topic, bron_partitie,"
	          " bron_offset, event_type, hoofd_object, aanmaakdatum, inhoud, blad_hash)"
	          " FROM STDIN"))
		return fail("copy regels", &pg);
	for (uint64_t i = begin; i < totaal; i++) {
		merkle_hash leaf;
		size_t n = blad(i, bytes);
		merkle_leaf_hash(bytes, n, leaf);
		hex(bytes, n, b);
		hex(leaf, 32, h);
		int len = snprintf(line, sizeof(line),
		                   "%" PRIu64 "\tbench %" PRIu64 "\tbench\t0\t%" PRIu64
		                   "\tnl.zaakstroom.gegevens-geraadpleegd\tzaak-%" PRIu64
		                   "\t2026-12-06 03:00:00+00\t\\\\x%s\t\\\\x%s\n",
		                   i, i, i, i % 1000000, b, h);
		if (PQputCopyData(pg.conn, line, len) != 1)
			return fail("copy data", &pg);
	}
	if (!copy_end(pg.conn))
		return 1;
	if (!copy(pg.conn, "COPY knopen (niveau, idx, hash) FROM STDIN"))
		return fail("copy knopen", &pg);
	for (uint64_t i = begin; i < totaal; i++) {
		struct merkle_node done[65];
		merkle_hash leaf, dh[65];
		size_t n = blad(i, bytes);
		merkle_leaf_hash(bytes, n, leaf);
		int k = merkle_frontier_append(&f, leaf, done, dh);
		for (int j = 0; j < k; j++) {
			if (done[j].level == 0 || done[j].level % BOOM_TEGEL)
				continue;
			hex(dh[j], 32, h);
			int len = snprintf(line, sizeof(line), "%d\t%" PRIu64 "\t\\\\x%s\n",
			                   done[j].level, done[j].index, h);
			if (PQputCopyData(pg.conn, line, len) != 1)
				return fail("copy data", &pg);
		}
	}
	if (!copy_end(pg.conn))
		return 1;
	if (personen > 0) {
		if (!copy(pg.conn, "COPY dataverwerkingen (pseudoniem, bron_sleutel, naam, tijd,"
		                   " activiteit, doc) FROM STDIN"))
			return fail("copy dataverwerkingen", &pg);
		for (uint64_t i = begin; i < totaal; i++) {
			char seed[32];
			int sl = snprintf(seed, sizeof(seed), "persoon %" PRIu64, i % personen);
			merkle_leaf_hash(seed, (size_t)sl, ph);
			hex(ph, 32, p);
			int len = snprintf(
			        line, sizeof(line),
			        "%s\tbench %" PRIu64 "\tzaak-geraadpleegd\t2026-12-06 03:00:00+00"
			        "\turn:zaakstroom:verwerkingsactiviteit:track-en-trace"
			        "\t{\"name\": \"zaak-geraadpleegd\", \"dataSubjectId\": \"%s\"}\n",
			        p, i, p);
			if (PQputCopyData(pg.conn, line, len) != 1)
				return fail("copy data", &pg);
		}
		if (!copy_end(pg.conn))
			return 1;
	}
	pg_cmd(&pg, "ANALYZE");
	printf("{\"van\": %" PRIu64 ", \"tot\": %" PRIu64 "}\n", begin, totaal);
	pg_close(&pg);
	return 0;
}

static uint64_t
willekeurig(uint64_t n)
{
	return (((uint64_t)rand() << 31) ^ (uint64_t)rand()) % n;
}

static json_t *
pct(struct hist *h)
{
	return json_pack("{s:f, s:f, s:f, s:f}", "p50", hist_percentile(h, 50) / 1e6, "p99",
	                 hist_percentile(h, 99) / 1e6, "p999", hist_percentile(h, 99.9) / 1e6,
	                 "max", hist_percentile(h, 100) / 1e6);
}

static int
meet(const char *url, int aantal)
{
	struct pg pg = {0};
	struct merkle_frontier f;
	merkle_hash root, proof[MERKLE_MAX_PATH];
	struct hist incl, cons;
	int fouten = 0;

	hist_init(&incl);
	hist_init(&cons);
	if (!pg_connect(&pg, url, "audit") || !boom_prepare(&pg) ||
	    !pg_prepare(&pg, "blad",
	                "SELECT encode(blad_hash, 'hex') FROM regels WHERE volgnummer = $1", 1) ||
	    !boom_laad(&pg, &f))
		return fail("connect", &pg);
	merkle_frontier_root(&f, root);
	srand(42);
	for (int i = 0; i < aantal; i++) {
		uint64_t m = willekeurig(f.size), s = 1 + willekeurig(f.size);
		char arg[24];
		merkle_hash leaf;
		snprintf(arg, sizeof(arg), "%" PRIu64, m);
		const char *vals[1] = {arg};
		PGresult *r = pg_execp(&pg, "blad", 1, vals, NULL, NULL);
		if (!r || PQntuples(r) != 1 || !merkle_unhex(PQgetvalue(r, 0, 0), leaf))
			return fail("leaf", &pg);
		PQclear(r);

		int64_t t0 = mono_ns();
		int k = boom_inclusie(&pg, m, f.size, proof);
		hist_record(&incl, (uint64_t)(mono_ns() - t0));
		if (k < 0 || !merkle_verify_inclusion(m, f.size, leaf, proof, k, root))
			fouten++;

		merkle_hash old[MERKLE_MAX_PATH], sroot;
		t0 = mono_ns();
		k = boom_consistentie(&pg, s, f.size, proof);
		hist_record(&cons, (uint64_t)(mono_ns() - t0));
		/* the old root from the store too: the tree of the first s entries */
		struct merkle_range rr = {0, s};
		struct merkle_node nd[MERKLE_MAX_PATH];
		int c = merkle_range_nodes(rr, nd);
		if (!boom_knopen(&pg, nd, c, old))
			return fail("old root", &pg);
		merkle_fold(old, c, sroot);
		if (k < 0 || !merkle_verify_consistency(s, f.size, sroot, root, proof, k))
			fouten++;
	}
	json_t *out = json_pack("{s:I, s:i, s:i, s:o, s:o}", "boomgrootte", (json_int_t)f.size,
	                        "bewijzen", aantal, "fouten", fouten, "inclusie_ms", pct(&incl),
	                        "consistentie_ms", pct(&cons));
	char *s = json_dumps(out, JSON_COMPACT);
	puts(s);
	free(s);
	json_decref(out);
	pg_close(&pg);
	return fouten ? 1 : 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "laad"))
		return laad(argv[2], strtoull(argv[3], NULL, 10),
		            argc > 4 ? strtoull(argv[4], NULL, 10) : 0);
	if (argc == 4 && !strcmp(argv[1], "meet"))
		return meet(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: audit_bewijs laad URL TOTAAL [PERSONEN] | meet URL AANTAL\n");
	return 2;
}
