/*
 * cmd_audit.c — the FG/DPO's checks of the audit log, with nothing but the
 * public key (ZS_AUDIT_PUBLIEK or --sleutel):
 *
 *   zs audit verify [--pg URL]        the whole log in PostgreSQL: every entry
 *                                     rehashed, the tree rebuilt, every signed
 *                                     head checked (a changed, dropped or
 *                                     reordered entry fails, with its number)
 *   zs audit verify --bewijs FILE     a proof as GET /api/v1/audit/bewijs gives
 *                                     it: the head's signature and the path
 *   zs audit tail [--verify] [--volg] zaakstroom.audit from its start, every
 *                                     entry as a JSON line; with --verify the
 *                                     tree rebuilt and every head checked
 */
#include "../../services/audit/verifier.h"
#include "stream/settings.h"
#include "zs.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static EVP_PKEY *
publieke_sleutel(const char *pad)
{
	char err[512];
	EVP_PKEY *k;

	if (!pad && zs_audit_publiek[0])
		pad = zs_audit_publiek;
	if (!pad) {
		zs_fail("give --sleutel PUB.pem or set ZS_AUDIT_PUBLIEK (deploy/local/keys.sh makes "
		        "audit-ed25519.pub.pem)",
		        "no public key to verify tree heads with");
		return NULL;
	}
	k = boomhoofd_public_key(pad, err, sizeof(err));
	if (!k)
		zs_fail(NULL, "%s", err);
	return k;
}

/* "\\x..." (bytea text output) or plain hex into out; its length, or -1. */
static long
unhex(const char *s, unsigned char **out)
{
	long len = 0;

	if (s[0] == '\\' && s[1] == 'x')
		s += 2;
	*out = OPENSSL_hexstr2buf(s, &len);
	return *out ? len : -1;
}

static bool
hoofd_uit_rij(PGresult *res, int r, struct boomhoofd *h)
{
	unsigned char *root = NULL, *sig = NULL;
	bool ok = unhex(PQgetvalue(res, r, 1), &root) == MERKLE_HASH &&
	          unhex(PQgetvalue(res, r, 4), &sig) == BOOMHOOFD_SIG_LEN;

	if (ok) {
		h->size = strtoull(PQgetvalue(res, r, 0), NULL, 10);
		memcpy(h->root, root, MERKLE_HASH);
		h->signed_ms = strtoll(PQgetvalue(res, r, 2), NULL, 10);
		snprintf(h->key_id, sizeof(h->key_id), "%s", PQgetvalue(res, r, 3));
		memcpy(h->sig, sig, BOOMHOOFD_SIG_LEN);
	}
	OPENSSL_free(root);
	OPENSSL_free(sig);
	return ok;
}

static int
verify_pg(EVP_PKEY *key, const char *url)
{
	struct verifier v;
	PGconn *c = PQconnectdb(url);
	PGresult *heads = NULL, *res;
	int nheads, next = 0, rc = 1;
	uint64_t regels = 0;

	verifier_init(&v, key);
	if (PQstatus(c) != CONNECTION_OK) {
		zs_fail("is PostgreSQL running (make up), or give --pg URL",
		        "could not connect: %s", PQerrorMessage(c));
		goto out;
	}
	heads = PQexec(c, "SELECT boomgrootte, wortel_hash, getekend_op, sleutel_id, handtekening"
	                  " FROM audit.boomhoofden ORDER BY boomgrootte");
	if (PQresultStatus(heads) != PGRES_TUPLES_OK) {
		zs_fail("has zs-audit run against this database?",
		        "could not read the tree heads: %s", PQerrorMessage(c));
		goto out;
	}
	nheads = PQntuples(heads);
	/* Row by row: the log may be larger than memory. */
	if (!PQsendQuery(c, "SELECT volgnummer, inhoud, blad_hash FROM audit.regels"
	                    " ORDER BY volgnummer") ||
	    !PQsetSingleRowMode(c)) {
		zs_fail(NULL, "could not read the log: %s", PQerrorMessage(c));
		goto out;
	}
	while ((res = PQgetResult(c)) != NULL) {
		if (PQresultStatus(res) == PGRES_SINGLE_TUPLE && !v.fout) {
			unsigned char *blad = NULL, *hash = NULL;
			long n = PQgetisnull(res, 0, 1) ? 0 : unhex(PQgetvalue(res, 0, 1), &blad);
			if (unhex(PQgetvalue(res, 0, 2), &hash) != MERKLE_HASH || n < 0)
				snprintf(v.waarom, sizeof(v.waarom), "entry %s is unreadable",
				         PQgetvalue(res, 0, 0)),
				        v.fout = true;
			else
				verifier_regel(&v, strtoull(PQgetvalue(res, 0, 0), NULL, 10), blad,
				               (size_t)n, hash);
			OPENSSL_free(blad);
			OPENSSL_free(hash);
			regels++;
			/* every head of exactly this many entries */
			while (!v.fout && next < nheads &&
			       strtoull(PQgetvalue(heads, next, 0), NULL, 10) == v.boom.size) {
				struct boomhoofd h;
				if (!hoofd_uit_rij(heads, next, &h))
					snprintf(v.waarom, sizeof(v.waarom),
					         "tree head %d is unreadable", next),
					        v.fout = true;
				else
					verifier_hoofd(&v, &h);
				next++;
			}
		} else if (PQresultStatus(res) == PGRES_FATAL_ERROR) {
			snprintf(v.waarom, sizeof(v.waarom), "reading the log failed: %s",
			         PQresultErrorMessage(res));
			v.fout = true;
		}
		PQclear(res);
	}
	if (!v.fout && next < nheads)
		snprintf(v.waarom, sizeof(v.waarom),
		         "tree head of %s entries, but the log ends after %" PRIu64,
		         PQgetvalue(heads, next, 0), v.boom.size),
		        v.fout = true;
	if (v.fout) {
		zs_fail("entries were changed, removed or reordered since they were signed",
		        "audit log NOT verified: %s", v.waarom);
		goto out;
	}
	merkle_hash root;
	char hex[2 * MERKLE_HASH + 1];
	merkle_frontier_root(&v.boom, root);
	merkle_hex(root, hex);
	printf("audit log verified: %" PRIu64 " entries, %" PRIu64 " signed tree heads, root %s\n",
	       regels, v.hoofden, hex);
	rc = 0;
out:
	PQclear(heads);
	PQfinish(c);
	return rc;
}

static bool
hoofd_uit_json(const json_t *j, struct boomhoofd *h)
{
	unsigned char *sig = NULL;
	const char *kid = json_string_value(json_object_get(j, "sleutelId"));
	const char *sh = json_string_value(json_object_get(j, "handtekening"));
	bool ok = json_is_integer(json_object_get(j, "boomgrootte")) && kid && sh &&
	          merkle_unhex(json_string_value(json_object_get(j, "wortelHash")), h->root) &&
	          unhex(sh, &sig) == BOOMHOOFD_SIG_LEN;

	if (ok) {
		h->size = (uint64_t)json_integer_value(json_object_get(j, "boomgrootte"));
		h->signed_ms = (int64_t)json_integer_value(json_object_get(j, "getekendOp"));
		snprintf(h->key_id, sizeof(h->key_id), "%s", kid);
		memcpy(h->sig, sig, BOOMHOOFD_SIG_LEN);
	}
	OPENSSL_free(sig);
	return ok;
}

static int
pad_uit_json(const json_t *a, merkle_hash *out)
{
	size_t i;
	json_t *e;

	if (!json_is_array(a) || json_array_size(a) > MERKLE_MAX_PATH)
		return -1;
	json_array_foreach(a, i, e) if (!merkle_unhex(json_string_value(e), out[i])) return -1;
	return (int)json_array_size(a);
}

static int
verify_bewijs(EVP_PKEY *key, const char *file)
{
	json_t *doc = zs_read_json(file), *tot, *van;
	struct boomhoofd h, h0;
	merkle_hash pad[MERKLE_MAX_PATH], leaf;
	unsigned char *blad = NULL;
	int k, rc = 1;

	if (!doc)
		return 1;
	k = pad_uit_json(json_object_get(doc, "pad"), pad);
	tot = json_object_get(doc, "boomhoofd");
	van = json_object_get(doc, "van");
	if (tot) {
		/* inclusion: the leaf from its bytes, the path to the signed root */
		const char *hex = json_string_value(json_object_get(doc, "blad"));
		long n = hex ? unhex(hex, &blad) : -1;
		uint64_t m = (uint64_t)json_integer_value(json_object_get(doc, "volgnummer"));
		/* content removed at the end of its retention: the leaf hash stands in */
		bool weg = !hex &&
		           merkle_unhex(json_string_value(json_object_get(doc, "bladHash")), leaf);
		if (k < 0 || (!weg && n < 0) || !hoofd_uit_json(tot, &h) ||
		    (!weg && !merkle_leaf_hash(blad, (size_t)n, leaf)))
			rc = zs_fail(NULL, "%s is not an inclusion proof", file);
		else if (!boomhoofd_verify(key, &h))
			rc = zs_fail(NULL, "the tree head's signature is NOT valid for this key");
		else if (!merkle_verify_inclusion(m, h.size, leaf, pad, k, h.root))
			rc = zs_fail(NULL,
			             "entry %" PRIu64 " is NOT in the tree of %" PRIu64 " entries",
			             m, h.size);
		else
			rc = 0,
			printf("entry %" PRIu64 " is in the signed tree of %" PRIu64 " entries\n",
			       m, h.size);
	} else if (van) {
		tot = json_object_get(doc, "tot");
		if (k < 0 || !hoofd_uit_json(van, &h0) || !hoofd_uit_json(tot, &h))
			rc = zs_fail(NULL, "%s is not a consistency proof", file);
		else if (!boomhoofd_verify(key, &h0) || !boomhoofd_verify(key, &h))
			rc = zs_fail(NULL, "a tree head's signature is NOT valid for this key");
		else if (!merkle_verify_consistency(h0.size, h.size, h0.root, h.root, pad, k))
			rc = zs_fail(NULL,
			             "the tree of %" PRIu64
			             " entries does NOT extend that of %" PRIu64,
			             h.size, h0.size);
		else
			rc = 0, printf("the signed tree of %" PRIu64
			               " entries extends that of %" PRIu64 " entries\n",
			               h.size, h0.size);
	} else {
		rc = zs_fail("save the body of GET /api/v1/audit/bewijs", "%s is not a proof",
		             file);
	}
	OPENSSL_free(blad);
	json_decref(doc);
	return rc;
}

/* zaakstroom.audit from its start to the end it has now (or on, --volg). */
static int
tail(EVP_PKEY *key, bool verify, bool volg)
{
	struct schemaset *set = zs_schemas();
	rd_kafka_t *rk = zs_reader(TOPIC_AUDIT, true);
	int64_t lo = 0, hi = 0;
	struct verifier v;
	uint64_t regels = 0;
	int rc = 1;

	if (!rk)
		return 1;
	verifier_init(&v, key);
	if (rd_kafka_query_watermark_offsets(rk, topic_name(TOPIC_AUDIT), 0, &lo, &hi, 10000)) {
		rd_kafka_destroy(rk);
		return zs_fail("is Kafka running? (make up)", "could not read the end of %s",
		               topic_name(TOPIC_AUDIT));
	}
	for (int64_t pos = lo; volg || pos < hi;) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 500);
		struct schemaset_decoded d = {0};
		char err[256];

		if (!m)
			continue;
		if (m->err) {
			rd_kafka_message_destroy(m);
			continue;
		}
		pos = m->offset + 1;
		if (schemaset_decode(set, m->payload, m->len, 16 * 1024 * 1024, AVRO_JSON_PLAIN, &d,
		                     err, sizeof(err)) != SCHEMASET_OK) {
			snprintf(v.waarom, sizeof(v.waarom), "offset %" PRId64 " undecodable: %s",
			         m->offset, err);
			v.fout = true;
		} else if (!strcmp(d.reader->name, "AuditRegel")) {
			const uint8_t *blad, *hash;
			size_t n;
			uint64_t volg_nr;
			regels++;
			if (verify &&
			    verifier_bericht(m->payload, m->len, &blad, &n, &hash, &volg_nr))
				verifier_regel(&v, volg_nr, blad, n, hash);
			else if (verify)
				snprintf(v.waarom, sizeof(v.waarom),
				         "offset %" PRId64 " is no entry", m->offset),
				        v.fout = true;
		} else if (!strcmp(d.reader->name, "BoomhoofdGetekend") && verify) {
			struct boomhoofd h;
			if (verifier_hoofd_bericht(m->payload, m->len, &h))
				verifier_hoofd(&v, &h);
			else
				snprintf(v.waarom, sizeof(v.waarom),
				         "offset %" PRId64 " is no tree head", m->offset),
				        v.fout = true;
		}
		if (!verify && d.datum) {
			char *s = json_dumps(d.datum, JSON_COMPACT | JSON_ENSURE_ASCII);
			puts(s);
			free(s);
		}
		json_decref(d.datum);
		rd_kafka_message_destroy(m);
		if (v.fout)
			break;
	}
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	if (verify && v.fout)
		return zs_fail("the stream differs from what was signed", "stream NOT verified: %s",
		               v.waarom);
	if (verify)
		printf("stream verified: %" PRIu64 " entries, %" PRIu64 " signed tree heads\n",
		       regels, v.hoofden);
	rc = 0;
	return rc;
}

int
zs_cmd_audit(int argc, char **argv)
{
	const char *sleutel = NULL, *bewijs = NULL, *pg = stream_pg_url;
	bool verify = false, volg = false;
	EVP_PKEY *key;
	int rc;

	if (argc < 2 || (strcmp(argv[1], "verify") && strcmp(argv[1], "tail")))
		return zs_fail(NULL,
		               "usage: zs audit verify [--sleutel PUB.pem] [--pg URL] [--bewijs "
		               "FILE] | zs audit tail [--verify] [--volg] [--sleutel PUB.pem]");
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--sleutel") && i + 1 < argc)
			sleutel = argv[++i];
		else if (!strcmp(argv[i], "--pg") && i + 1 < argc)
			pg = argv[++i];
		else if (!strcmp(argv[i], "--bewijs") && i + 1 < argc)
			bewijs = argv[++i];
		else if (!strcmp(argv[i], "--verify"))
			verify = true;
		else if (!strcmp(argv[i], "--volg"))
			volg = true;
		else
			return zs_fail(NULL, "unexpected argument \"%s\"", argv[i]);
	}
	bool tailing = !strcmp(argv[1], "tail");
	key = tailing && !verify ? NULL : publieke_sleutel(sleutel);
	if (!key && (!tailing || verify))
		return 1;
	if (tailing)
		rc = tail(key, verify, volg);
	else
		rc = bewijs ? verify_bewijs(key, bewijs) : verify_pg(key, pg);
	EVP_PKEY_free(key);
	return rc;
}
