/*
 * audit.c — a batch of events of any kind becomes AuditRegels.
 *
 * Per batch: the regels are derived (pure, regel.c); one query finds the
 * source events already in the log (a producer that re-sent its outbox after
 * a crash sends the same ce_id again: one event, one entry); the rest get
 * the next volgnummers, their leaf hashes and the tree's new nodes, all in
 * one pipeline that the projector's commit joins; then a signed head.
 *
 * The leaf of an entry is its AuditRegel's Avro datum up to bladHash, the
 * last field: a verifier who reads zaakstroom.audit strips the 10-byte
 * single-object header and the final 32 bytes (bladHash itself) and hashes
 * 0x00 || the rest — no Avro decoder needed to check the tree.
 */
#include "audit.h"
#include "boom.h"
#include "logboek.h"
#include "regel.h"
#include "core/log.h"
#include "wire/avro_json.h"
#include "wire/schemaset.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SO_HEADER 10 /* C3 01 + 8-byte fingerprint */

bool
audit_prepare(struct pg *pg)
{
	return boom_prepare(pg) && logboek_prepare(pg) &&
	       /* One index probe per id; the LIMIT keeps the planner from
	        * flattening the subquery into a join, which in a prepared
	        * statement's generic plan became a scan (intake measured it). */
	       pg_prepare(pg, "regels_bekend",
	                  "SELECT r.bron_sleutel FROM jsonb_array_elements_text($1::jsonb) AS k(s)"
	                  " CROSS JOIN LATERAL (SELECT bron_sleutel FROM regels"
	                  "  WHERE bron_sleutel = k.s LIMIT 1) AS r",
	                  1) &&
	       pg_prepare(pg, "wachtend_opgeven",
	                  "WITH weg AS (DELETE FROM wachtend"
	                  " WHERE sinds < now() - make_interval(days => $1::int) RETURNING 1)"
	                  " SELECT count(*) FROM weg",
	                  1) &&
	       pg_prepare(
	               pg, "bewaren",
	               "SELECT count(*), coalesce(min(v), -1), coalesce(max(v), -1)"
	               " FROM bewaartermijn_verlopen($1::text[], $2::text[], $3::interval, $4::int) v",
	               4) &&
	       pg_prepare(pg, "regel_insert",
	                  "INSERT INTO regels (volgnummer, bron_sleutel, bron_topic, bron_partitie,"
	                  " bron_offset, event_type, hoofd_object, aanmaakdatum, inhoud, blad_hash)"
	                  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz, $9, $10)",
	                  10) &&
	       pg_prepare(
	               pg, "boomhoofd_insert",
	               "INSERT INTO boomhoofden (boomgrootte, wortel_hash, getekend_op, sleutel_id,"
	               " handtekening) VALUES ($1, $2, $3, $4, $5)",
	               5) &&
	       /* size 0: the newest head */
	       pg_prepare(pg, "boomhoofd_van",
	                  "SELECT boomgrootte, encode(wortel_hash, 'hex'), getekend_op, sleutel_id,"
	                  " encode(handtekening, 'hex') FROM boomhoofden"
	                  " WHERE $1::bigint = 0 OR boomgrootte = $1::bigint"
	                  " ORDER BY boomgrootte DESC LIMIT 1",
	                  1) &&
	       pg_prepare(pg, "regel_van",
	                  "SELECT encode(inhoud, 'hex'), encode(blad_hash, 'hex') FROM regels"
	                  " WHERE volgnummer = $1",
	                  1);
}

bool
audit_laad(struct audit *a)
{
	merkle_hash root;
	char hex[2 * MERKLE_HASH + 1];

	if (!boom_laad(projector_pg(a->p), &a->boom))
		return false;
	merkle_frontier_root(&a->boom, root);
	merkle_hex(root, hex);
	zlog_info("audit log has %" PRIu64 " entries, root %s", a->boom.size, hex);
	metric_set(a->m_grootte, (double)a->boom.size);
	return true;
}

void
audit_rolled_back(void *arg)
{
	struct audit *a = arg;

	a->boom = a->voor_batch;
}

static const char *
str(const json_t *o, const char *f)
{
	const char *s = json_string_value(json_object_get(o, f));
	return s ? s : "";
}

bool
audit_toevoegen(struct audit *a, struct pg *pg, json_t *regel, const char *bron_sleutel,
                const struct ce_attrs *cause)
{
	static const uint8_t nul[MERKLE_HASH];
	const struct schema_entry *e = schemaset_latest(projector_schemas(a->p), "AuditRegel");
	struct merkle_node done[65];
	merkle_hash done_hash[65], leaf;
	char err[256], volg[24], partitie[16], offset[24];
	void *buf = NULL;
	size_t len = 0;
	int k;

	if (!e)
		return false;
	json_object_set_new(regel, "volgnummer", json_integer((json_int_t)a->boom.size));
	json_object_set_new(regel, "bladHash", avro_json_bytes(nul, sizeof(nul)));
	/* bladHash is the datum's last field: its 32 zero bytes end the message */
	if (schemaset_encode(e, regel, &buf, &len, err, sizeof(err)) != 0 ||
	    len < SO_HEADER + MERKLE_HASH ||
	    memcmp((const uint8_t *)buf + len - MERKLE_HASH, nul, MERKLE_HASH) != 0) {
		zlog_at(LOG_ERROR,
		        &((struct log_ctx){.partition = -1, .offset = -1, .detail = err}),
		        "could not encode the audit entry for %s", bron_sleutel);
		free(buf);
		return false;
	}
	const uint8_t *inhoud = (const uint8_t *)buf + SO_HEADER;
	size_t inhoud_len = len - SO_HEADER - MERKLE_HASH;
	if (!merkle_leaf_hash(inhoud, inhoud_len, leaf)) {
		free(buf);
		return false;
	}
	json_object_set_new(regel, "bladHash", avro_json_bytes(leaf, sizeof(leaf)));
	/* the message as it goes out: the same bytes with the hash in place */
	memcpy((uint8_t *)buf + len - MERKLE_HASH, leaf, MERKLE_HASH);

	snprintf(volg, sizeof(volg), "%" PRIu64, a->boom.size);
	snprintf(partitie, sizeof(partitie), "%" JSON_INTEGER_FORMAT,
	         json_integer_value(json_object_get(regel, "bronPartitie")));
	snprintf(offset, sizeof(offset), "%" JSON_INTEGER_FORMAT,
	         json_integer_value(json_object_get(regel, "bronOffset")));
	if (a->kopie) {
		copy_int(a->kopie, (int64_t)a->boom.size);
		copy_text(a->kopie, bron_sleutel);
		copy_text(a->kopie, str(regel, "bronTopic"));
		copy_text(a->kopie, partitie);
		copy_text(a->kopie, offset);
		copy_text(a->kopie, str(regel, "eventType"));
		copy_text(a->kopie, str(regel, "hoofdObject"));
		copy_text(a->kopie, str(regel, "aanmaakdatum"));
		copy_bytea(a->kopie, inhoud, inhoud_len);
		copy_bytea(a->kopie, leaf, MERKLE_HASH);
		copy_end_row(a->kopie);
	}
	const char *vals[10] = {volg,
	                        bron_sleutel,
	                        str(regel, "bronTopic"),
	                        partitie,
	                        offset,
	                        str(regel, "eventType"),
	                        str(regel, "hoofdObject"),
	                        str(regel, "aanmaakdatum"),
	                        (const char *)inhoud,
	                        (const char *)leaf};
	const int lens[10] = {[8] = (int)inhoud_len, [9] = MERKLE_HASH};
	const int fmts[10] = {[8] = 1, [9] = 1};
	bool ok = (a->kopie ? !a->kopie->failed || pg_out_of_memory(pg, "an audit entry")
	                    : pg_pipeline_send(pg, "regel_insert", 10, vals, lens, fmts)) &&
	          projector_emit_encoded(a->p, TOPIC_AUDIT, NULL, "AuditRegel", buf, len, cause,
	                                 NULL);
	free(buf);
	if (!ok)
		return false;
	k = merkle_frontier_append(&a->boom, leaf, done, done_hash);
	return boom_bewaar(pg, done, done_hash, k);
}

bool
audit_teken(struct audit *a, struct pg *pg, const struct ce_attrs *cause)
{
	struct boomhoofd h = {.size = a->boom.size, .signed_ms = now_ms()};
	char grootte[24], op[24], when[32];
	json_t *ev;
	bool ok;

	if (h.size == 0)
		return true;
	merkle_frontier_root(&a->boom, h.root);
	if (!boomhoofd_sign(a->key, &h)) {
		zlog_error("could not sign the audit tree head");
		return false;
	}
	snprintf(grootte, sizeof(grootte), "%" PRIu64, h.size);
	snprintf(op, sizeof(op), "%" PRId64, h.signed_ms);
	const char *vals[5] = {grootte, (const char *)h.root, op, h.key_id, (const char *)h.sig};
	const int lens[5] = {[1] = MERKLE_HASH, [4] = BOOMHOOFD_SIG_LEN};
	const int fmts[5] = {[1] = 1, [4] = 1};
	if (!pg_pipeline_send(pg, "boomhoofd_insert", 5, vals, lens, fmts))
		return false;
	format_rfc3339_ms(h.signed_ms, when);
	ev = json_pack("{sI so ss ss so}", "boomgrootte", (json_int_t)h.size, "wortelHash",
	               avro_json_bytes(h.root, MERKLE_HASH), "getekendOp", when, "sleutelId",
	               h.key_id, "handtekening", avro_json_bytes(h.sig, BOOMHOOFD_SIG_LEN));
	ok = ev && projector_emit(a->p, TOPIC_AUDIT, NULL, "BoomhoofdGetekend", ev, cause, NULL);
	json_decref(ev);
	return ok;
}

struct regel_bron
audit_bron(const struct proj_msg *m)
{
	return (struct regel_bron){.topic = m->topic,
	                           .partition = m->partition,
	                           .offset = m->offset,
	                           .record = m->record,
	                           .data = m->data,
	                           .ce = &m->ce,
	                           .key = m->key,
	                           .kafka_ms =
	                                   m->rkm ? rd_kafka_message_timestamp(m->rkm, NULL) : 0};
}

/* "<topic> <ce_id>": which source event an entry stands for. */
static void
bron_sleutel(const struct proj_msg *m, char *out, size_t n)
{
	if (m->ce.id[0])
		snprintf(out, n, "%s %s", m->topic, m->ce.id);
	else
		snprintf(out, n, "%s kafka:%d/%" PRId64, m->topic, (int)m->partition, m->offset);
}

/* The source events of this batch already in the log. */
static json_t *
bekend(struct proj_batch *b, char (*sleutels)[256])
{
	json_t *ids = json_array(), *known = json_object();
	PGresult *res = NULL;

	if (!ids || !known)
		goto fail;
	for (int i = 0; i < b->n; i++)
		if (sleutels[i][0])
			json_array_append_new(ids, json_string(sleutels[i]));
	if (json_array_size(ids) == 0)
		goto out;
	res = pg_execp_json(b->pg, "regels_bekend", ids);
	if (!res)
		goto fail;
	for (int r = 0; r < PQntuples(res); r++)
		json_object_set_new(known, PQgetvalue(res, r, 0), json_true());
out:
	PQclear(res);
	json_decref(ids);
	return known;
fail:
	PQclear(res);
	json_decref(ids);
	json_decref(known);
	return NULL;
}

int
audit_apply(struct proj_batch *b, void *arg)
{
	struct audit *a = arg;
	char(*sleutels)[256] = calloc((size_t)b->n + 1, sizeof(*sleutels));
	const struct proj_msg *last = NULL;
	struct logboek_batch lb = {0};
	json_t *known = NULL;
	int rc = -1, nieuw = 0;

	a->voor_batch = a->boom;
	if (!sleutels)
		return -1;
	copy_reset(&a->regels);
	copy_reset(&a->verwerkingen);
	a->kopie = &a->regels;
	for (int i = 0; i < b->n; i++)
		if (!b->msgs[i].dead && !b->msgs[i].skip && b->msgs[i].data)
			bron_sleutel(&b->msgs[i], sleutels[i], sizeof(sleutels[i]));
	known = bekend(b, sleutels);
	if (!known || !logboek_begin(&lb, b) || !pg_pipeline_begin(b->pg))
		goto out;
	for (int i = 0; i < b->n; i++) {
		struct proj_msg *m = &b->msgs[i];
		struct regel_bron bron = audit_bron(m);
		json_t *regel;

		if (!sleutels[i][0])
			continue;
		if (json_object_get(known, sleutels[i])) {
			projector_count(b->p, a->m_dubbel, 1);
			continue;
		}
		/* the same event twice in one batch is one entry too */
		json_object_set_new(known, sleutels[i], json_true());
		regel = regel_afleiden(&bron, a->sleutel);
		if (!regel || !audit_toevoegen(a, b->pg, regel, sleutels[i], &m->ce) ||
		    !logboek_event(a, &lb, b->pg, m, sleutels[i])) {
			json_decref(regel);
			pg_pipeline_sync(b->pg, NULL, NULL);
			goto out;
		}
		json_decref(regel);
		last = m;
		nieuw++;
	}
	/* the pipeline's results read, the COPYs can follow it */
	if (!logboek_gezien(&lb, b->pg) ||
	    (nieuw > 0 && !audit_teken(a, b->pg, last ? &last->ce : NULL))) {
		pg_pipeline_sync(b->pg, NULL, NULL);
		goto out;
	}
	if (!pg_pipeline_sync(b->pg, NULL, NULL) ||
	    !pg_copy(b->pg,
	             "COPY regels (volgnummer, bron_sleutel, bron_topic, bron_partitie,"
	             " bron_offset, event_type, hoofd_object, aanmaakdatum, inhoud, blad_hash)"
	             " FROM STDIN",
	             &a->regels) ||
	    !pg_copy(b->pg,
	             "COPY dataverwerkingen (pseudoniem, bron_sleutel, naam, tijd, activiteit, doc)"
	             " FROM STDIN",
	             &a->verwerkingen))
		goto out;
	projector_count(b->p, a->m_regels, nieuw);
	if (nieuw > 0)
		projector_count(b->p, a->m_hoofden, 1);
	rc = 0;
out:
	a->kopie = NULL;
	/* a large batch's rows are megabytes: not kept between batches */
	if (a->regels.cap > (4u << 20))
		copy_free(&a->regels);
	if (a->verwerkingen.cap > (4u << 20))
		copy_free(&a->verwerkingen);
	logboek_end(&lb);
	json_decref(known);
	free(sleutels);
	return rc;
}

/* One profile's chunk: the content removed and the removal recorded, in one
 * transaction. */
static bool
bewaar(struct audit *a, int k)
{
	char topics[1100] = "{", behalve[1100] = "{", profiel[100];
	const struct bewaarprofiel *b = &a->bewaren[k];
	struct ce_attrs ce;
	PGresult *res;
	json_t *entry;
	bool ok;

	/* "*": every topic no other profile names */
	for (int i = 0; i < a->nbewaren; i++) {
		if (i == k || strcmp(a->bewaren[i].topic, "*") == 0)
			continue;
		snprintf(behalve + strlen(behalve), sizeof(behalve) - strlen(behalve), "%s%s",
		         behalve[1] ? "," : "", a->bewaren[i].topic);
	}
	strcat(behalve, "}");
	snprintf(topics, sizeof(topics), "{%s}", b->topic);
	const char *vals[4] = {strcmp(b->topic, "*") ? topics : NULL,
	                       strcmp(b->topic, "*") ? "{}" : behalve, b->termijn, "1000"};
	a->voor_batch = a->boom;
	if (!projector_tx_begin(a->p))
		return false;
	struct pg *pg = projector_pg(a->p);
	res = pg_execp(pg, "bewaren", 4, vals, NULL, NULL);
	if (!res || PQntuples(res) != 1 || !strcmp(PQgetvalue(res, 0, 0), "0")) {
		PQclear(res);
		projector_tx_rollback(a->p);
		return res != NULL;
	}
	snprintf(profiel, sizeof(profiel), "%s=%s", b->topic, b->termijn);
	ce_attrs_init(&ce, "AuditRegel", "zaakstroom/audit", NULL, NULL);
	entry = regel_verwijdering(strtoll(PQgetvalue(res, 0, 0), NULL, 10),
	                           strtoll(PQgetvalue(res, 0, 1), NULL, 10),
	                           strtoll(PQgetvalue(res, 0, 2), NULL, 10), profiel, &ce);
	PQclear(res);
	char bron[128];
	snprintf(bron, sizeof(bron), "bewaren %s", ce.id);
	ok = entry && pg_pipeline_begin(pg) && audit_toevoegen(a, pg, entry, bron, &ce) &&
	     audit_teken(a, pg, &ce);
	json_decref(entry);
	if (ok)
		ok = projector_tx_commit(a->p);
	else
		projector_tx_rollback(a->p);
	if (ok)
		zlog_info("removed the content of expired audit entries (%s)", profiel);
	else
		zlog_error("could not remove the content of expired audit entries (%s)", profiel);
	return ok;
}

/*
 * Acts on a zaak whose registration never came (an opdracht for a zaak that
 * does not exist): after wachtend_dagen their Dataverwerkingen are given up —
 * no registration, no betrokkenen to log them for. Their audit entries were
 * made when they came; the table no longer grows without end.
 */
static void
wachtend_opruimen(struct audit *a)
{
	char dagen[24];
	const char *vals[1] = {dagen};
	PGresult *res;
	long n;

	snprintf(dagen, sizeof(dagen), "%ld", a->wachtend_dagen);
	res = pg_execp(projector_pg(a->p), "wachtend_opgeven", 1, vals, NULL, NULL);
	if (!res)
		return;
	n = PQntuples(res) == 1 ? atol(PQgetvalue(res, 0, 0)) : 0;
	PQclear(res);
	if (n > 0) {
		metric_inc(a->m_opgegeven, (double)n);
		zlog_warn(
		        "gave up the Dataverwerkingen of %ld act(s) whose zaak was not registered "
		        "within %ld days",
		        n, a->wachtend_dagen);
	}
}

void
audit_bewaren(struct audit *a)
{
	for (int k = 0; k < a->nbewaren; k++)
		bewaar(a, k);
	wachtend_opruimen(a);
}
