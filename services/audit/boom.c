/*
 * boom.c — nodes of the audit tree from PostgreSQL. A node at level L is
 * kept when L is a multiple of BOOM_TEGEL (level 0: the leaf hash in
 * regels); any other node is the tree hash of the 2^(L mod BOOM_TEGEL)
 * kept nodes below it, fetched with the rest of a proof in one statement.
 */
#include "boom.h"
#include "core/log.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KNOPEN 512 /* nodes one proof can need: 64 ranges of at most a few each */

bool
boom_prepare(struct pg *pg)
{
	/* Every stored hash by equality on its key (ranges expanded here): an
	 * index probe each, whatever the planner's generic estimate of a range
	 * would have been on a log of ten million entries. */
	return pg_prepare(
	               pg, "boom_knopen",
	               "SELECT k.i, encode(h.hash, 'hex') FROM unnest($1::int[], $2::int[],"
	               " $3::bigint[]) AS k(i, niveau, idx)"
	               " CROSS JOIN LATERAL ("
	               "  SELECT hash FROM knopen WHERE k.niveau > 0 AND niveau = k.niveau"
	               "   AND idx = k.idx"
	               "  UNION ALL"
	               "  SELECT blad_hash FROM regels WHERE k.niveau = 0 AND volgnummer = k.idx) AS h"
	               " ORDER BY k.i, k.idx",
	               3) &&
	       pg_prepare(pg, "boom_grootte", "SELECT coalesce(max(volgnummer) + 1, 0) FROM regels",
	                  0) &&
	       pg_prepare(pg, "boom_knoop_insert",
	                  "INSERT INTO knopen (niveau, idx, hash) VALUES ($1, $2, $3)", 3);
}

/* Appends "n," to a text array literal under construction. */
static bool
lijst_bij(char *buf, size_t cap, size_t *len, uint64_t v)
{
	int w = snprintf(buf + *len, cap - *len, "%s%" PRIu64, *len > 1 ? "," : "", v);

	if (w < 0 || (size_t)w >= cap - *len)
		return false;
	*len += (size_t)w;
	return true;
}

bool
boom_knopen(struct pg *pg, const struct merkle_node *nodes, int n, merkle_hash *out)
{
	enum { CAP = 24 * MAX_KNOPEN * (1 << (BOOM_TEGEL - 1)) + 8 };
	char *niveau = NULL, *van = NULL, *tot = NULL; /* i, level, index of each stored hash */
	size_t ln = 1, lv = 1, lt = 1;
	merkle_hash kind[1 << (BOOM_TEGEL - 1)];
	PGresult *res = NULL;
	bool ok = false;
	int row = 0, rows;

	if (n <= 0)
		return n == 0;
	if (n > MAX_KNOPEN)
		return false;
	niveau = malloc(CAP);
	van = malloc(CAP);
	tot = malloc(CAP);
	if (!niveau || !van || !tot)
		goto out;
	strcpy(niveau, "{");
	strcpy(van, "{");
	strcpy(tot, "{");
	for (int i = 0; i < n; i++) {
		int rest = nodes[i].level % BOOM_TEGEL;
		for (uint64_t j = nodes[i].index << rest; j < (nodes[i].index + 1) << rest; j++)
			if (!lijst_bij(niveau, CAP, &ln, (uint64_t)i + 1) ||
			    !lijst_bij(van, CAP, &lv, (uint64_t)(nodes[i].level - rest)) ||
			    !lijst_bij(tot, CAP, &lt, j))
				goto out;
	}
	strcpy(niveau + ln, "}");
	strcpy(van + lv, "}");
	strcpy(tot + lt, "}");
	const char *vals[3] = {niveau, van, tot};
	res = pg_execp(pg, "boom_knopen", 3, vals, NULL, NULL);
	if (!res)
		goto out;
	rows = PQntuples(res);
	/* rows come per requested node (i, 1-based) in index order */
	for (int i = 0; i < n; i++) {
		int want = 1 << (nodes[i].level % BOOM_TEGEL), got = 0;
		for (; row < rows && atoi(PQgetvalue(res, row, 0)) == i + 1; row++) {
			if (got == want || !merkle_unhex(PQgetvalue(res, row, 1), kind[got]))
				goto out;
			got++;
		}
		if (got != want) {
			zlog_error("audit tree node %d/%" PRIu64
			           " is missing %d of its %d stored hashes",
			           nodes[i].level, nodes[i].index, want - got, want);
			goto out;
		}
		merkle_root(kind, (uint64_t)want, out[i]);
	}
	ok = true;
out:
	PQclear(res);
	free(niveau);
	free(van);
	free(tot);
	return ok;
}

bool
boom_laad(struct pg *pg, struct merkle_frontier *f)
{
	struct merkle_node nodes[64];
	merkle_hash h[64];
	PGresult *res = pg_execp(pg, "boom_grootte", 0, NULL, NULL, NULL);
	int n = 0;

	memset(f, 0, sizeof(*f));
	if (!res)
		return false;
	f->size = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	for (int level = 0; level < 64; level++)
		if (f->size >> level & 1)
			nodes[n++] = (struct merkle_node){level, (f->size >> level) - 1};
	if (!boom_knopen(pg, nodes, n, h))
		return false;
	for (int i = 0; i < n; i++)
		memcpy(f->edge[nodes[i].level], h[i], MERKLE_HASH);
	return true;
}

/* A proof: its ranges, their subtrees fetched at once, each range folded. */
static int
bewijs(struct pg *pg, struct merkle_range *r, int k, merkle_hash proof[MERKLE_MAX_PATH])
{
	struct merkle_node *nodes = calloc(MAX_KNOPEN, sizeof(*nodes));
	merkle_hash *h = malloc(sizeof(*h) * MAX_KNOPEN);
	int count[MERKLE_MAX_PATH], n = 0, rc = -2;

	if (!nodes || !h)
		goto out;
	for (int i = 0; i < k; i++) {
		struct merkle_node part[MERKLE_MAX_PATH];
		count[i] = merkle_range_nodes(r[i], part);
		if (n + count[i] > MAX_KNOPEN)
			goto out;
		memcpy(nodes + n, part, sizeof(part[0]) * (size_t)count[i]);
		n += count[i];
	}
	if (!boom_knopen(pg, nodes, n, h))
		goto out;
	n = 0;
	for (int i = 0; i < k; i++) {
		merkle_fold(h + n, count[i], proof[i]);
		n += count[i];
	}
	rc = k;
out:
	free(nodes);
	free(h);
	return rc;
}

int
boom_inclusie(struct pg *pg, uint64_t m, uint64_t n, merkle_hash proof[MERKLE_MAX_PATH])
{
	struct merkle_range r[MERKLE_MAX_PATH];
	int k = merkle_inclusion_ranges(m, n, r);

	return k < 0 ? -1 : bewijs(pg, r, k, proof);
}

int
boom_consistentie(struct pg *pg, uint64_t m, uint64_t n, merkle_hash proof[MERKLE_MAX_PATH])
{
	struct merkle_range r[MERKLE_MAX_PATH];
	int k = merkle_consistency_ranges(m, n, r);

	return k < 0 ? -1 : bewijs(pg, r, k, proof);
}

bool
boom_bewaar(struct pg *pg, const struct merkle_node *done, const merkle_hash *hash, int n)
{
	static const int fmts[3] = {0, 0, 1};

	for (int i = 0; i < n; i++) {
		char niveau[8], idx[24];
		const char *vals[3] = {niveau, idx, (const char *)hash[i]};
		const int lens[3] = {0, 0, MERKLE_HASH};

		if (done[i].level == 0 || done[i].level % BOOM_TEGEL != 0)
			continue;
		snprintf(niveau, sizeof(niveau), "%d", done[i].level);
		snprintf(idx, sizeof(idx), "%" PRIu64, done[i].index);
		if (!pg_pipeline_send(pg, "boom_knoop_insert", 3, vals, lens, fmts))
			return false;
	}
	return true;
}
