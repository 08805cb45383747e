/*
 * projector.c — consume → decode → apply in one transaction with offsets and
 * outbox → commit → relay. One thread, driven by the libevent loop: the
 * consumer queue and the producer queue wake it through pipes, a timer keeps
 * it polling when idle and retries after failures.
 */
#include "stream/projector.h"
#include "core/config.h"
#include "stream/settings.h"
#include "stream/kafka.h"
#include "core/buf.h"
#include "core/loop.h"
#include "core/metrics.h"
#include "stream/outbox.h"
#include "wire/schemaset.h"

#include <event2/event.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Fencing: an offset moves only from the value this instance last saw, so an
 * instance that lost its partition in a rebalance cannot commit stale work. */
static const char offset_fn_sql[] =
        "CREATE OR REPLACE FUNCTION zs_offsets_store(g text, t text[], p int[], expected bigint[],"
        " next bigint[]) RETURNS void LANGUAGE plpgsql AS $$ BEGIN"
        " FOR i IN 1 .. coalesce(array_length(t, 1), 0) LOOP"
        "  IF expected[i] < 0 THEN"
        "   BEGIN"
        "     INSERT INTO consumer_offsets (group_id, topic, partition, next_offset)"
        "       VALUES (g, t[i], p[i], next[i]);"
        "   EXCEPTION WHEN unique_violation THEN"
        "     RAISE EXCEPTION 'offset of %[%] was stored by another instance', t[i], p[i]"
        "       USING ERRCODE = 'ZSF01';"
        "   END;"
        "  ELSE"
        "   UPDATE consumer_offsets SET next_offset = next[i], updated_at = now()"
        "    WHERE group_id = g AND topic = t[i] AND partition = p[i]"
        "    AND next_offset = expected[i];"
        "   IF NOT FOUND THEN RAISE EXCEPTION 'offset of %[%] moved away from %', t[i], p[i],"
        "     expected[i] USING ERRCODE = 'ZSF01'; END IF;"
        "  END IF;"
        " END LOOP; END $$";

static int broadcast_poll(struct projector *p, int timeout_ms, int64_t *last, int nparts);

#define MAX_PARTS 256
/* Rows committed but not yet acknowledged by Kafka above which no new batch
 * is taken: each holds its bytes twice (the row, the producer's copy). At
 * 20,000 a drain's start (the producer still connecting while batches
 * commit) took zs-audit to 57-67 MiB resident, at 10,000 to 53, at 5,000 to
 * 46 but ~10 % fewer entries/s (bench/README.md). A steady drain keeps about
 * one batch's rows in flight. */
#define BACKLOG_HIGH_WATER 10000

struct part {
	char topic[160];
	int32_t partition;
	int64_t expected; /* next offset as stored in PostgreSQL; -1 = no row yet */
	bool assigned;
};

struct projector {
	struct projector_config cfg;
	char group[64];
	char ce_source[160];
	struct pg pg;
	struct schemaset *schemas;
	rd_kafka_t *consumer, *producer, *bcast;
	rd_kafka_queue_t *cq, *pq, *bq;
	int cwake[2], pwake[2], bwake[2];
	struct event *ev_consumer, *ev_producer, *ev_tick, *ev_retry, *ev_continue, *ev_bcast;
	struct outbox *outbox;
	int bcast_nparts;
	struct part parts[MAX_PARTS];
	int nparts;
	/* The batch being applied, kept until it commits. */
	struct proj_msg *msgs;
	int nmsgs;
	int retry_ms;
	bool single; /* retrying message by message to isolate a failure */
	int single_at;
	bool stopping, joined, in_tx;
	bool held;           /* at the backlog's high-water mark */
	unsigned generation; /* bumps on every rebalance */
	/* What the batch being applied counted (projector_count), added to the
	 * metrics when it commits: a batch rolled back and retried counts once. */
	struct {
		struct metric *m;
		double n;
	} counts[16];
	int ncounts;
	struct metric *m_consumed, *m_emitted, *m_dead, *m_batches, *m_latency, *m_retries,
	        *m_backlog;
};

struct pg *
projector_pg(struct projector *p)
{
	return &p->pg;
}

struct schemaset *
projector_schemas(struct projector *p)
{
	return p->schemas;
}

const char *
projector_service(const struct projector *p)
{
	return p->cfg.service;
}

bool
projector_ready(const struct projector *p)
{
	return !p->stopping && p->joined && pg_connected(&p->pg);
}

static struct part *
part_find(struct projector *p, const char *topic, int32_t partition, bool create)
{
	for (int i = 0; i < p->nparts; i++)
		if (p->parts[i].partition == partition && !strcmp(p->parts[i].topic, topic))
			return &p->parts[i];
	if (!create || p->nparts == MAX_PARTS)
		return NULL;
	struct part *pt = &p->parts[p->nparts++];
	snprintf(pt->topic, sizeof(pt->topic), "%s", topic);
	pt->partition = partition;
	pt->expected = -1;
	return pt;
}

/* Keeps trying: a daemon without its database can do nothing useful, and
 * exiting would only make the supervisor restart it into the same wait. */
static void
pg_ensure(struct projector *p)
{
	int backoff_ms = 100;

	while (!pg_connected(&p->pg)) {
		if (pg_reconnect(&p->pg))
			break;
		if (loop_stopping())
			exit(1);
		usleep((useconds_t)backoff_ms * 1000);
		backoff_ms = backoff_ms < 5000 ? backoff_ms * 2 : 5000;
	}
}

static void
free_msgs(struct projector *p)
{
	for (int i = 0; i < p->nmsgs; i++) {
		json_decref(p->msgs[i].data);
		free((char *)p->msgs[i].key);
		rd_kafka_message_destroy(p->msgs[i].rkm);
	}
	p->nmsgs = 0;
	p->single = false;
	p->single_at = 0;
}

/* Drops the pending messages of partitions we no longer own. */
static void
drop_unassigned(struct projector *p)
{
	int j = 0;

	for (int i = 0; i < p->nmsgs; i++) {
		struct part *pt = part_find(p, p->msgs[i].topic, p->msgs[i].partition, false);
		if (pt && pt->assigned) {
			p->msgs[j++] = p->msgs[i];
			continue;
		}
		json_decref(p->msgs[i].data);
		free((char *)p->msgs[i].key);
		rd_kafka_message_destroy(p->msgs[i].rkm);
	}
	p->nmsgs = j;
	if (p->single_at > p->nmsgs)
		p->single_at = 0;
}

static void
rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *parts,
             void *opaque)
{
	struct projector *p = opaque;

	p->generation++;
	p->joined = true;
	if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		pg_ensure(p);
		for (int i = 0; i < parts->cnt; i++) {
			rd_kafka_topic_partition_t *tp = &parts->elems[i];
			struct part *pt = part_find(p, tp->topic, tp->partition, true);
			int64_t off;

			while ((off = pg_offset_load(&p->pg, p->group, tp->topic, tp->partition)) ==
			       -2)
				pg_ensure(p);
			if (!pt)
				die("too many partitions assigned (max %d)", MAX_PARTS);
			pt->expected = off;
			pt->assigned = true;
			/* Always overwrite: the list may carry stale offsets
			 * from an earlier assignment (librdkafka #1767). */
			tp->offset = off >= 0 ? off : RD_KAFKA_OFFSET_BEGINNING;
			zlog_at(LOG_INFO,
			        &((struct log_ctx){.topic = tp->topic,
			                           .partition = tp->partition,
			                           .offset = off}),
			        "partition assigned");
		}
		rd_kafka_assign(rk, parts);
	} else {
		for (int i = 0; i < parts->cnt; i++) {
			struct part *pt = part_find(p, parts->elems[i].topic,
			                            parts->elems[i].partition, false);
			if (pt)
				pt->assigned = false;
		}
		if (err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS)
			zlog_warn("rebalance error %s", rd_kafka_err2name(err));
		rd_kafka_assign(rk, NULL);
		drop_unassigned(p);
	}
}

/* Turns a Kafka message into a proj_msg: decoded, or marked dead with why.
 * False only when memory ran out (m then holds nothing to free but rkm). */
static bool
decode_msg(struct projector *p, rd_kafka_message_t *rkm, struct proj_msg *m)
{
	struct schemaset_decoded dec = {0};
	char err[256] = "";
	enum schemaset_status rc;

	memset(m, 0, sizeof(*m));
	m->rkm = rkm;
	m->topic = rd_kafka_topic_name(rkm->rkt);
	m->partition = rkm->partition;
	m->offset = rkm->offset;
	m->log =
	        (struct log_ctx){.topic = m->topic, .partition = m->partition, .offset = m->offset};
	if (rkm->key) {
		char *k = malloc(rkm->key_len + 1);
		if (!k)
			return false;
		memcpy(k, rkm->key, rkm->key_len);
		k[rkm->key_len] = '\0';
		m->key = k;
		m->keylen = rkm->key_len;
	}
	kafka_ce_from_message(rkm, &m->ce);
	/* Our own facts come back on a topic we also read (status on zaken):
	 * nothing to apply, so not worth decoding (a fifth of the work). */
	if (m->ce.source[0] && !strcmp(m->ce.source, p->ce_source))
		return true;
	if (rkm->len > p->cfg.max_message_bytes) {
		m->dead = true;
		snprintf(m->error_code, sizeof(m->error_code), "too_large");
		snprintf(m->error, sizeof(m->error),
		         "message of %zu bytes exceeds the limit of %zu", rkm->len,
		         p->cfg.max_message_bytes);
		return true;
	}
	rc = schemaset_decode(p->schemas, rkm->payload, rkm->len, p->cfg.max_message_bytes,
	                      AVRO_JSON_PLAIN, &dec, err, sizeof(err));
	if (rc != SCHEMASET_OK) {
		m->dead = true;
		snprintf(m->error_code, sizeof(m->error_code), "%s", schemaset_status_code(rc));
		snprintf(m->error, sizeof(m->error), "%s", err);
		return true;
	}
	m->data = dec.datum;
	m->record = dec.reader->name;
	return true;
}

static bool
dead_letter(struct projector *p, struct proj_msg *m)
{
	char part[16], off[24];

	snprintf(part, sizeof(part), "%d", m->partition);
	snprintf(off, sizeof(off), "%lld", (long long)m->offset);
	const struct outbox_kv h[] = {
	        {"zs_error", m->error},
	        {"zs_error_code", m->error_code},
	        {"zs_source_topic", m->topic},
	        {"zs_source_partition", part},
	        {"zs_source_offset", off},
	        {"zs_service", p->cfg.service},
	        {"ce_id", m->ce.id[0] ? m->ce.id : NULL},
	        {"ce_type", m->ce.type[0] ? m->ce.type : NULL},
	        {"traceparent", m->ce.traceparent[0] ? m->ce.traceparent : NULL},
	};
	if (!outbox_queue(p->outbox, topic_name(TOPIC_DLQ), m->key, m->keylen,
	                  m->rkm->payload ? m->rkm->payload : "", m->rkm->len, h,
	                  (int)(sizeof(h) / sizeof(h[0]))))
		return pg_out_of_memory(&p->pg, "a dead letter");
	return true;
}

bool
projector_dead_letter(struct proj_batch *b, struct proj_msg *m, const char *code, const char *why)
{
	snprintf(m->error_code, sizeof(m->error_code), "%s", code);
	snprintf(m->error, sizeof(m->error), "%s", why);
	if (!dead_letter(b->p, m))
		return false;
	zlog_at(LOG_WARN, &m->log, "dead-lettered: %s", why);
	metric_inc(b->p->m_dead, 1);
	return true;
}

struct commit_state {
	struct projector *p;
	int outbox_first, outbox_n;
};

static void
on_commit_result(int index, PGresult *res, void *arg)
{
	struct commit_state *cs = arg;

	if (index >= cs->outbox_first && index < cs->outbox_first + cs->outbox_n)
		outbox_take_result(cs->p->outbox, index - cs->outbox_first, res);
}

/* Every partition of the batch in one call: {a,b} array literals. */
static bool
send_offsets(struct projector *p, struct part **touched, const int64_t *next, int ntouched)
{
	size_t cap = 8, len[4] = {0};
	char *arr[4] = {0};
	bool ok = true;

	/* Room for the longest: the topics, or 21 bytes (an int64 and its
	 * comma) per partition. */
	for (int k = 0; k < ntouched; k++)
		cap += strlen(touched[k]->topic) + 22;
	for (int a = 0; a < 4 && ok; a++)
		ok = (arr[a] = malloc(cap)) != NULL && buf_appendf(arr[a], cap, &len[a], "{");
	for (int k = 0; k < ntouched && ok; k++) {
		const char *sep = k ? "," : "";
		/* Topic names are [A-Za-z0-9._-]: no quoting needed in the literal. */
		ok = buf_appendf(arr[0], cap, &len[0], "%s%s", sep, touched[k]->topic) &&
		     buf_appendf(arr[1], cap, &len[1], "%s%d", sep, touched[k]->partition) &&
		     buf_appendf(arr[2], cap, &len[2], "%s%lld", sep,
		                 (long long)touched[k]->expected) &&
		     buf_appendf(arr[3], cap, &len[3], "%s%lld", sep, (long long)next[k]);
	}
	for (int a = 0; a < 4 && ok; a++)
		ok = buf_appendf(arr[a], cap, &len[a], "}");
	if (ok) {
		const char *vals[5] = {p->group, arr[0], arr[1], arr[2], arr[3]};
		ok = pg_pipeline_send(&p->pg, "offsets_store", 5, vals, NULL, NULL);
	} else {
		pg_out_of_memory(&p->pg, "the offsets of a batch");
	}
	for (int a = 0; a < 4; a++)
		free(arr[a]);
	return ok;
}

/*
 * Writes the outbox rows and (for a batch) the offsets, then COMMIT, in one
 * pipeline. msgs may be NULL for a transaction outside a batch.
 */
static bool
commit_tx(struct projector *p, struct proj_msg *msgs, int n)
{
	struct commit_state cs = {.p = p};
	int64_t next[MAX_PARTS];
	struct part *touched[MAX_PARTS];
	int ntouched = 0;

	for (int i = 0; i < n; i++) {
		struct part *pt = part_find(p, msgs[i].topic, msgs[i].partition, true);
		int k;
		for (k = 0; k < ntouched && touched[k] != pt; k++)
			;
		if (k == ntouched) {
			touched[ntouched] = pt;
			next[ntouched++] = msgs[i].offset + 1;
		} else if (msgs[i].offset + 1 > next[k]) {
			next[k] = msgs[i].offset + 1;
		}
	}
	/* Many outbox rows go in by COPY, which a pipeline cannot hold: what
	 * apply() left in one is read first. */
	if (outbox_pending(p->outbox) >= OUTBOX_COPY_MIN &&
	    ((pg_pipeline_open(&p->pg) && !pg_pipeline_sync(&p->pg, NULL, NULL)) ||
	     !outbox_copy(p->outbox, &p->pg)))
		return false;
	/* apply() may leave its writes in an open pipeline: they then share
	 * the round trip of the outbox, the offsets and the COMMIT. */
	if (!pg_pipeline_open(&p->pg) && !pg_pipeline_begin(&p->pg))
		return false;
	if (!outbox_send_inserts(p->outbox, &p->pg, &cs.outbox_first, &cs.outbox_n) ||
	    (ntouched > 0 && !send_offsets(p, touched, next, ntouched))) {
		pg_pipeline_sync(&p->pg, NULL, NULL);
		return false;
	}
	pg_pipeline_send_sql(&p->pg, "COMMIT", 0, NULL);
	if (!pg_pipeline_sync(&p->pg, on_commit_result, &cs))
		return false;
	for (int k = 0; k < ntouched; k++)
		touched[k]->expected = next[k];
	return true;
}

/* The batch committed: what it counted becomes visible. */
static void
counts_publish(struct projector *p)
{
	for (int i = 0; i < p->ncounts; i++)
		metric_inc(p->counts[i].m, p->counts[i].n);
	p->ncounts = 0;
}

static void
rollback(struct projector *p)
{
	if (pg_pipeline_open(&p->pg))
		pg_pipeline_sync(&p->pg, NULL, NULL); /* what apply() left queued */
	if (pg_connected(&p->pg))
		pg_cmd(&p->pg, "ROLLBACK");
	outbox_rolled_back(p->outbox);
	p->ncounts = 0;
	if (p->cfg.rolled_back)
		p->cfg.rolled_back(p->cfg.arg);
}

/* Seeks every assigned partition back to what PostgreSQL says: after a fence
 * failure another instance has moved on, and our in-memory position is stale. */
static void
reseek_from_db(struct projector *p)
{
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(p->nparts);

	for (int i = 0; i < p->nparts; i++) {
		struct part *pt = &p->parts[i];
		if (!pt->assigned)
			continue;
		pt->expected = pg_offset_load(&p->pg, p->group, pt->topic, pt->partition);
		rd_kafka_topic_partition_list_add(l, pt->topic, pt->partition)->offset =
		        pt->expected >= 0 ? pt->expected : RD_KAFKA_OFFSET_BEGINNING;
	}
	rd_kafka_error_t *e = rd_kafka_seek_partitions(p->consumer, l, 5000);
	if (e) {
		zlog_warn("could not seek partitions: %s", rd_kafka_error_name(e));
		rd_kafka_error_destroy(e);
	}
	rd_kafka_topic_partition_list_destroy(l);
}

enum apply_result { APPLY_OK, APPLY_TRANSIENT, APPLY_FAILED, APPLY_FENCED };

static enum apply_result
apply_once(struct projector *p, struct proj_msg *msgs, int n)
{
	struct proj_batch b = {.p = p, .pg = &p->pg, .msgs = msgs, .n = n};

	if (!pg_cmd(&p->pg, "BEGIN"))
		goto fail;
	p->in_tx = true;
	for (int i = 0; i < n; i++)
		if (msgs[i].dead && !msgs[i].skip && !dead_letter(p, &msgs[i]))
			goto fail;
	if (p->cfg.apply(&b, p->cfg.arg) != 0)
		goto fail;
	if (!commit_tx(p, msgs, n))
		goto fail;
	p->in_tx = false;
	outbox_committed(p->outbox);
	return APPLY_OK;
fail:
	p->in_tx = false;
	if (!strcmp(p->pg.last_sqlstate, "ZSF01")) {
		rollback(p);
		return APPLY_FENCED;
	}
	bool transient = pg_error_transient(&p->pg);
	rollback(p);
	return transient ? APPLY_TRANSIENT : APPLY_FAILED;
}

static void
schedule_retry(struct projector *p)
{
	struct timeval tv = {.tv_sec = p->retry_ms / 1000, .tv_usec = (p->retry_ms % 1000) * 1000};

	metric_inc(p->m_retries, 1);
	evtimer_add(p->ev_retry, &tv);
	p->retry_ms = p->retry_ms < 5000 ? p->retry_ms * 2 : 5000;
}

static void
observe_committed(struct projector *p, struct proj_msg *msgs, int n)
{
	int64_t now = now_ms();

	metric_inc(p->m_batches, 1);
	for (int i = 0; i < n; i++) {
		rd_kafka_timestamp_type_t tt;
		int64_t ts = rd_kafka_message_timestamp(msgs[i].rkm, &tt);
		metric_inc(msgs[i].dead ? p->m_dead : p->m_consumed, 1);
		if (msgs[i].dead)
			zlog_at(LOG_WARN, &msgs[i].log, "dead-lettered: %s", msgs[i].error);
		if (ts > 0 && now >= ts)
			metric_observe(p->m_latency, (double)(now - ts) / 1000.0);
	}
}

/*
 * Applies the pending messages: all at once, or — after a failure that is not
 * transient — one by one, so that the one message that fails alone can be
 * dead-lettered while the rest commit.
 */
static void
apply_pending(struct projector *p)
{
	while (p->nmsgs > 0) {
		struct proj_msg *msgs = p->single ? &p->msgs[p->single_at] : p->msgs;
		int n = p->single ? 1 : p->nmsgs;
		enum apply_result r = apply_once(p, msgs, n);

		switch (r) {
		case APPLY_OK:
			counts_publish(p);
			observe_committed(p, msgs, n);
			p->retry_ms = 100;
			if (p->single && ++p->single_at < p->nmsgs)
				continue;
			free_msgs(p);
			return;
		case APPLY_TRANSIENT:
			zlog_at(LOG_WARN,
			        &((struct log_ctx){
			                .partition = -1, .offset = -1, .detail = p->pg.last_error}),
			        "batch of %d rolled back; retrying in %d ms", n, p->retry_ms);
			if (!pg_connected(&p->pg))
				pg_reconnect(&p->pg);
			schedule_retry(p);
			return;
		case APPLY_FENCED:
			zlog_warn("another instance moved our offsets; re-reading them");
			free_msgs(p);
			reseek_from_db(p);
			return;
		case APPLY_FAILED:
			if (!p->single) {
				p->single = true;
				p->single_at = 0;
				continue;
			}
			if (msgs[0].dead) {
				/* Not even its dead letter could be written: keep the
				 * partition moving rather than retry forever. */
				msgs[0].skip = true;
				zlog_at(LOG_ERROR, &msgs[0].log,
				        "could not dead-letter this message; skipped: %s",
				        p->pg.last_error);
				continue;
			}
			/* This message fails on its own: park it, keep the partition moving. */
			msgs[0].dead = true;
			snprintf(msgs[0].error_code, sizeof(msgs[0].error_code), "apply_failed");
			snprintf(msgs[0].error, sizeof(msgs[0].error), "could not apply %s: %s",
			         msgs[0].record ? msgs[0].record : "message", p->pg.last_error);
			zlog_at(LOG_ERROR, &msgs[0].log, "%s", msgs[0].error);
			json_decref(msgs[0].data);
			msgs[0].data = NULL;
			continue;
		}
	}
}

static void
collect_and_apply(struct projector *p)
{
	unsigned gen = p->generation;

	while (p->nmsgs < p->cfg.batch_max) {
		rd_kafka_message_t *rkm = rd_kafka_consumer_poll(p->consumer, 0);
		if (!rkm)
			break;
		if (rkm->err) {
			if (rkm->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
				zlog_warn("consumer: %s: %s", rd_kafka_err2name(rkm->err),
				          rd_kafka_message_errstr(rkm));
			rd_kafka_message_destroy(rkm);
			continue;
		}
		if (!decode_msg(p, rkm, &p->msgs[p->nmsgs++])) {
			/* Give the batch back, as after a fence: read again from
			 * the committed offsets once memory is there. */
			zlog_error("out of memory decoding a message; batch dropped and re-read");
			free_msgs(p);
			reseek_from_db(p);
			schedule_retry(p);
			return;
		}
	}
	if (gen != p->generation)
		drop_unassigned(p);
	if (p->nmsgs > 0)
		apply_pending(p);
}

static void
drain_pipe(int fd)
{
	char buf[64];
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void
on_consumer_wake(evutil_socket_t fd, short what, void *arg)
{
	struct projector *p = arg;
	(void)what;

	drain_pipe(fd);
	if (p->stopping || evtimer_pending(p->ev_retry, NULL))
		return;
	p->held = outbox_unacked(p->outbox) > BACKLOG_HIGH_WATER;
	if (p->held)
		return;
	if (p->nmsgs > 0) {
		apply_pending(p);
		return;
	}
	collect_and_apply(p);
	/* More is waiting (the pipe wakes us only when the queue was empty):
	 * continue after a zero timeout, not by activating ourselves, so that
	 * HTTP, timers and signals get their turn between batches. */
	if (p->nmsgs == 0 && !evtimer_pending(p->ev_retry, NULL) &&
	    rd_kafka_queue_length(p->cq) > 0 && !evtimer_pending(p->ev_continue, NULL)) {
		static const struct timeval now = {0, 0};
		evtimer_add(p->ev_continue, &now);
	}
}

static void
on_continue(evutil_socket_t fd, short what, void *arg)
{
	struct projector *p = arg;
	(void)fd;
	(void)what;
	on_consumer_wake(p->cwake[0], EV_READ, p);
}

static void
on_producer_wake(evutil_socket_t fd, short what, void *arg)
{
	struct projector *p = arg;
	(void)what;

	drain_pipe(fd);
	rd_kafka_poll(p->producer, 0);
	outbox_drain(p->outbox);
	/* held back: take the next batch once half the backlog is acknowledged,
	 * not at the next tick */
	if (p->held && !p->in_tx && outbox_unacked(p->outbox) <= BACKLOG_HIGH_WATER / 2)
		on_consumer_wake(p->cwake[0], EV_READ, p);
}

static void
on_retry(evutil_socket_t fd, short what, void *arg)
{
	struct projector *p = arg;
	(void)fd;
	(void)what;

	if (!pg_connected(&p->pg) && !pg_reconnect(&p->pg)) {
		schedule_retry(p);
		return;
	}
	apply_pending(p);
}

/* Idle safety net: keeps max.poll.interval.ms satisfied (librdkafka #3344),
 * serves delivery reports, deletes acknowledged outbox rows, picks up rows a
 * dead instance left. */
static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct projector *p = arg;
	static int ticks;
	(void)fd;
	(void)what;

	rd_kafka_poll(p->producer, 0);
	outbox_drain(p->outbox);
	if (p->bcast && !p->in_tx)
		broadcast_poll(p, 0, NULL, 0);
	metric_set(p->m_backlog, (double)outbox_unacked(p->outbox));
	if (p->in_tx || !pg_connected(&p->pg))
		return;
	if (++ticks % 50 == 0 || outbox_unacked(p->outbox) == 0)
		outbox_relay(p->outbox, &p->pg, false);
	if (!p->stopping && p->nmsgs == 0)
		on_consumer_wake(p->cwake[0], EV_READ, p);
}

static void
msg_release(struct proj_msg *m)
{
	json_decref(m->data);
	free((char *)m->key);
	rd_kafka_message_destroy(m->rkm);
}

/* Hands every broadcast message waiting in the queue to on_broadcast;
 * returns the highest offset seen per partition in last[]. */
static int
broadcast_poll(struct projector *p, int timeout_ms, int64_t *last, int nparts)
{
	rd_kafka_message_t *rkm;
	int n = 0;

	while ((rkm = rd_kafka_consumer_poll(p->bcast, timeout_ms)) != NULL) {
		struct proj_msg m;
		timeout_ms = 0;
		if (rkm->err) {
			if (rkm->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
				zlog_warn("broadcast consumer: %s", rd_kafka_err2name(rkm->err));
			rd_kafka_message_destroy(rkm);
			continue;
		}
		if (last && rkm->partition >= 0 && rkm->partition < nparts)
			last[rkm->partition] = rkm->offset;
		if (!decode_msg(p, rkm, &m)) {
			zlog_at(LOG_ERROR, &m.log, "out of memory reading a broadcast message");
		} else if (m.dead) {
			struct log_ctx ctx = m.log;
			ctx.detail = m.error;
			zlog_at(LOG_ERROR, &ctx, "undecodable message on %s", m.topic);
		} else {
			p->cfg.on_broadcast(p, &m, p->cfg.arg);
		}
		msg_release(&m);
		n++;
	}
	return n;
}

static void
on_broadcast_wake(evutil_socket_t fd, short what, void *arg)
{
	struct projector *p = arg;
	char buf[64];
	(void)what;

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	broadcast_poll(p, 0, NULL, 0);
}

/* Reads the broadcast topic up to the end it has at the time of the call. */
static bool
broadcast_catch_up(struct projector *p, int timeout_ms)
{
	const char *topic = topic_name((enum topic_id)p->cfg.broadcast_topic);
	int64_t hi[64], last[64];

	for (int i = 0; i < p->bcast_nparts; i++) {
		int64_t lo = 0;
		rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
		rd_kafka_topic_partition_list_t *pos = rd_kafka_topic_partition_list_new(1);

		hi[i] = 0;
		/* A topic created a moment ago may not have a leader yet. */
		for (int64_t until = now_ms() + timeout_ms;;) {
			err = rd_kafka_query_watermark_offsets(p->bcast, topic, i, &lo, &hi[i],
			                                       5000);
			if (!err || now_ms() > until ||
			    (err != RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION &&
			     err != RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE &&
			     err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART &&
			     err != RD_KAFKA_RESP_ERR__TIMED_OUT &&
			     err != RD_KAFKA_RESP_ERR__TRANSPORT))
				break;
			usleep(200 * 1000);
		}
		if (err) {
			zlog_error("no watermarks for %s[%d]: %s", topic, i,
			           rd_kafka_err2name(err));
			rd_kafka_topic_partition_list_destroy(pos);
			return false;
		}
		/* Where we are: the position (next offset to read) of this partition. */
		rd_kafka_topic_partition_list_add(pos, topic, i);
		rd_kafka_position(p->bcast, pos);
		last[i] = pos->elems[0].offset >= 0 ? pos->elems[0].offset - 1 : -1;
		rd_kafka_topic_partition_list_destroy(pos);
		if (hi[i] <= lo)
			hi[i] = 0; /* empty: nothing to wait for */
	}
	for (int64_t deadline = now_ms() + timeout_ms;;) {
		bool caught_up = true;
		for (int i = 0; i < p->bcast_nparts; i++)
			caught_up &= hi[i] == 0 || last[i] + 1 >= hi[i];
		if (caught_up)
			return true;
		if (now_ms() > deadline) {
			zlog_error("could not read %s to its end within %d ms", topic, timeout_ms);
			return false;
		}
		broadcast_poll(p, 100, last, p->bcast_nparts);
	}
}

bool
projector_broadcast_catch_up(struct projector *p, int timeout_ms)
{
	return p->bcast && broadcast_catch_up(p, timeout_ms);
}

/*
 * Reads the broadcast topic from its beginning up to the end it has now,
 * before any batch: an aanvraag must never be judged against a catalogus
 * still being read.
 */
static bool
broadcast_start(struct projector *p)
{
	const char *topic = topic_name((enum topic_id)p->cfg.broadcast_topic);
	const struct rd_kafka_metadata *md = NULL;
	rd_kafka_topic_t *rkt;
	rd_kafka_topic_partition_list_t *l;
	char group[96];

	snprintf(group, sizeof(group), "%s-broadcast", p->group);
	p->bcast = kafka_consumer_new(p->cfg.brokers, group, p->cfg.service, NULL, NULL);
	if (!p->bcast)
		return false;
	rkt = rd_kafka_topic_new(p->bcast, topic, NULL);
	rd_kafka_resp_err_t err = rd_kafka_metadata(p->bcast, 0, rkt, &md, 10000);
	rd_kafka_topic_destroy(rkt);
	if (err || md->topic_cnt != 1 || md->topics[0].err) {
		zlog_error("no topic %s: %s", topic,
		           rd_kafka_err2name(err ? err : md->topics[0].err));
		if (md)
			rd_kafka_metadata_destroy(md);
		return false;
	}
	p->bcast_nparts = md->topics[0].partition_cnt < 64 ? md->topics[0].partition_cnt : 64;
	rd_kafka_metadata_destroy(md);
	l = rd_kafka_topic_partition_list_new(p->bcast_nparts);
	for (int i = 0; i < p->bcast_nparts; i++)
		rd_kafka_topic_partition_list_add(l, topic, i)->offset = RD_KAFKA_OFFSET_BEGINNING;
	rd_kafka_assign(p->bcast, l);
	rd_kafka_topic_partition_list_destroy(l);
	if (!broadcast_catch_up(p, 60000))
		return false;
	p->bq = rd_kafka_queue_get_consumer(p->bcast);
	p->bwake[0] = kafka_wake_fd(p->bq, &p->bwake[1]);
	p->ev_bcast =
	        event_new(loop_base(), p->bwake[0], EV_READ | EV_PERSIST, on_broadcast_wake, p);
	event_add(p->ev_bcast, NULL);
	/* The wake-up comes only when the queue was empty: drain it once now. */
	event_active(p->ev_bcast, EV_READ, 0);
	zlog_info("%s read to its end", topic);
	return true;
}

void
projector_count(struct projector *p, struct metric *m, double n)
{
	for (int i = 0; i < p->ncounts; i++)
		if (p->counts[i].m == m) {
			p->counts[i].n += n;
			return;
		}
	if (p->ncounts == (int)(sizeof(p->counts) / sizeof(p->counts[0]))) {
		metric_inc(m, n); /* more kinds than slots: count now rather than lose it */
		return;
	}
	p->counts[p->ncounts].m = m;
	p->counts[p->ncounts++].n = n;
}

bool
projector_emit_encoded(struct projector *p, enum topic_id topic, const char *key,
                       const char *record, const void *buf, size_t len,
                       const struct ce_attrs *cause, const char *ce_id)
{
	struct ce_attrs ce;

	ce_attrs_init(&ce, record, p->ce_source, key, cause ? cause->traceparent : NULL);
	if (ce_id)
		snprintf(ce.id, sizeof(ce.id), "%s", ce_id);
	const struct outbox_kv h[] = {
	        {"ce_specversion", "1.0"},
	        {"ce_id", ce.id},
	        {"ce_source", ce.source},
	        {"ce_type", ce.type},
	        {"ce_time", ce.time},
	        {"ce_subject", key},
	        {"content-type", "application/avro"},
	        {"traceparent", ce.traceparent},
	};
	if (!outbox_queue(p->outbox, topic_name(topic), key, key ? strlen(key) : 0, buf, len, h,
	                  (int)(sizeof(h) / sizeof(h[0]))))
		return pg_out_of_memory(&p->pg, record);
	metric_inc(p->m_emitted, 1);
	return true;
}

bool
projector_emit(struct projector *p, enum topic_id topic, const char *key, const char *record,
               json_t *data, const struct ce_attrs *cause, const char *ce_id)
{
	const struct schema_entry *e = schemaset_latest(p->schemas, record);
	void *buf = NULL;
	size_t len = 0;
	char err[256];
	bool queued;

	if (!e) {
		zlog_error("no schema for record %s", record);
		return false;
	}
	if (schemaset_encode(e, data, &buf, &len, err, sizeof(err)) != 0) {
		zlog_at(LOG_ERROR,
		        &((struct log_ctx){.partition = -1, .offset = -1, .detail = err}),
		        "could not encode %s", record);
		return false;
	}
	queued = projector_emit_encoded(p, topic, key, record, buf, len, cause, ce_id);
	free(buf);
	return queued;
}

bool
projector_tx_begin(struct projector *p)
{
	if (p->in_tx || !pg_cmd(&p->pg, "BEGIN"))
		return false;
	p->in_tx = true;
	return true;
}

bool
projector_tx_commit(struct projector *p)
{
	bool ok = commit_tx(p, NULL, 0);

	p->in_tx = false;
	if (!ok) {
		rollback(p);
		return false;
	}
	outbox_committed(p->outbox);
	counts_publish(p);
	return true;
}

void
projector_tx_rollback(struct projector *p)
{
	p->in_tx = false;
	rollback(p);
}

static bool
subscribe(struct projector *p)
{
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(p->cfg.ntopics);
	rd_kafka_resp_err_t err;

	for (int i = 0; i < p->cfg.ntopics; i++)
		rd_kafka_topic_partition_list_add(l, topic_name(p->cfg.topics[i]),
		                                  RD_KAFKA_PARTITION_UA);
	err = rd_kafka_subscribe(p->consumer, l);
	rd_kafka_topic_partition_list_destroy(l);
	if (err) {
		zlog_error("could not subscribe: %s", rd_kafka_err2name(err));
		return false;
	}
	return true;
}

struct projector *
projector_start(const struct projector_config *cfg)
{
	struct projector *p = calloc(1, sizeof(*p));
	char err[512], labels[128];

	if (!p)
		return NULL;
	/* The batch array once, at its configured size (bounded by the
	 * settings table), not on the first batch where a failure has no
	 * good answer. */
	if (cfg->batch_max < 1 || !(p->msgs = calloc((size_t)cfg->batch_max, sizeof(*p->msgs)))) {
		zlog_error("could not allocate a batch of %d messages", cfg->batch_max);
		free(p);
		return NULL;
	}
	/* Few malloc arenas: librdkafka's threads would each get their own,
	 * and idle arenas count towards the resident set. */
	mallopt(M_ARENA_MAX, 2);
	p->cfg = *cfg;
	p->retry_ms = 100;
	p->cwake[0] = p->cwake[1] = p->pwake[0] = p->pwake[1] = p->bwake[0] = p->bwake[1] = -1;
	snprintf(p->group, sizeof(p->group), "%s",
	         *stream_group_id ? stream_group_id : cfg->service);
	snprintf(p->ce_source, sizeof(p->ce_source), "%s%s", stream_ce_source_prefix, cfg->service);
	snprintf(labels, sizeof(labels), "service=\"%s\"", cfg->service);
	p->m_consumed = metric_counter("zs_events_consumed_total", strdup(labels),
	                               "Events applied to the read model.");
	p->m_emitted = metric_counter("zs_events_emitted_total", strdup(labels),
	                              "Events written to the outbox.");
	p->m_dead = metric_counter("zs_events_dead_lettered_total", strdup(labels),
	                           "Messages sent to the dead-letter topic.");
	p->m_batches = metric_counter("zs_batches_committed_total", strdup(labels),
	                              "Transactions committed.");
	p->m_retries = metric_counter("zs_batch_retries_total", strdup(labels),
	                              "Batches rolled back and retried.");
	p->m_latency = metric_histogram(
	        "zs_event_latency_seconds", strdup(labels),
	        "From the event's Kafka timestamp to its commit in the read model.");
	p->m_backlog = metric_gauge("zs_outbox_unacked", strdup(labels),
	                            "Outbox rows not yet acknowledged by Kafka.");

	p->schemas = schemaset_load(cfg->schemas_dir, err, sizeof(err));
	if (!p->schemas) {
		zlog_at(LOG_ERROR,
		        &((struct log_ctx){.partition = -1, .offset = -1, .detail = err}),
		        "could not load schemas from %s", cfg->schemas_dir);
		goto fail;
	}
	if (!pg_prepare(&p->pg, "outbox_ids",
	                "SELECT nextval('outbox_id_seq') FROM generate_series(1, $1::int)", 1) ||
	    !pg_prepare(
	            &p->pg, "outbox_insert",
	            "INSERT INTO outbox (topic, key, value, headers) VALUES ($1, $2, $3, $4::jsonb) RETURNING id",
	            4) ||
	    !pg_prepare(
	            &p->pg, "offsets_store",
	            "SELECT zs_offsets_store($1, $2::text[], $3::int[], $4::bigint[], $5::bigint[])",
	            5))
		goto fail;
	/* Connect and migrate before preparing: the statements need the tables. */
	{
		struct pg boot = {0};
		int backoff_ms = 100;
		while (!pg_connect(&boot, cfg->pg_url, cfg->service)) {
			if (backoff_ms > 20000)
				goto fail;
			usleep((useconds_t)backoff_ms * 1000);
			backoff_ms *= 2;
		}
		/* A versioned migration, not a CREATE OR REPLACE at every start:
		 * a daemon running as a role that may not create (zs-audit's
		 * zaakstroom_audit) starts without DDL. Change the body, change
		 * the version. */
		bool migrated = pg_migrate(&boot, cfg->sql_dir) &&
		                pg_migrate_one(&boot, "000_runtime_offsets_v1", offset_fn_sql);
		pg_close(&boot);
		if (!migrated)
			goto fail;
	}
	if (cfg->prepare && !cfg->prepare(&p->pg))
		goto fail;
	if (!pg_connect(&p->pg, cfg->pg_url, cfg->service))
		goto fail;

	p->outbox = outbox_new();
	p->producer = kafka_producer_new(cfg->brokers, cfg->service, outbox_dr_cb, p->outbox);
	if (!p->producer)
		goto fail;
	outbox_set_producer(p->outbox, p->producer);
	p->consumer = kafka_consumer_new(cfg->brokers, p->group, cfg->service, rebalance_cb, p);
	if (!p->consumer)
		goto fail;

	p->cq = rd_kafka_queue_get_consumer(p->consumer);
	p->pq = rd_kafka_queue_get_main(p->producer);
	p->cwake[0] = kafka_wake_fd(p->cq, &p->cwake[1]);
	p->pwake[0] = kafka_wake_fd(p->pq, &p->pwake[1]);
	if (p->cwake[0] < 0 || p->pwake[0] < 0)
		goto fail;
	p->ev_consumer =
	        event_new(loop_base(), p->cwake[0], EV_READ | EV_PERSIST, on_consumer_wake, p);
	p->ev_producer =
	        event_new(loop_base(), p->pwake[0], EV_READ | EV_PERSIST, on_producer_wake, p);
	p->ev_retry = evtimer_new(loop_base(), on_retry, p);
	p->ev_continue = evtimer_new(loop_base(), on_continue, p);
	event_add(p->ev_consumer, NULL);
	event_add(p->ev_producer, NULL);
	p->ev_tick = loop_every(100, on_tick, p);

	/* What a previous run committed but never saw acknowledged goes out
	 * first, before anything new joins the backlog. */
	if (!outbox_relay(p->outbox, &p->pg, true))
		goto fail;
	if (cfg->on_broadcast && !broadcast_start(p))
		goto fail;
	if (!subscribe(p))
		goto fail;
	zlog_info("%s consuming as group %s", cfg->service, p->group);
	return p;
fail:
	projector_free(p);
	return NULL;
}

void
projector_stop(struct projector *p)
{
	if (!p)
		return; /* stopped before it started */
	p->stopping = true;
	if (p->ev_retry)
		evtimer_del(p->ev_retry);
	if (p->ev_continue)
		evtimer_del(p->ev_continue);
}

void
projector_free(struct projector *p)
{
	if (!p)
		return;
	p->stopping = true;
	if (p->producer) {
		outbox_drain(p->outbox);
		rd_kafka_resp_err_t err = rd_kafka_flush(p->producer, 10000);
		if (err)
			zlog_warn("producer flush: %s (the outbox keeps what is unsent)",
			          rd_kafka_err2name(err));
		if (pg_connected(&p->pg))
			outbox_relay(p->outbox, &p->pg, false);
	}
	free_msgs(p);
	free(p->msgs);
	if (p->ev_consumer)
		event_free(p->ev_consumer);
	if (p->ev_producer)
		event_free(p->ev_producer);
	if (p->ev_tick)
		event_free(p->ev_tick);
	if (p->ev_retry)
		event_free(p->ev_retry);
	if (p->ev_continue)
		event_free(p->ev_continue);
	if (p->ev_bcast)
		event_free(p->ev_bcast);
	if (p->bq)
		rd_kafka_queue_destroy(p->bq);
	if (p->bcast) {
		rd_kafka_consumer_close(p->bcast);
		rd_kafka_destroy(p->bcast);
	}
	if (p->cq)
		rd_kafka_queue_destroy(p->cq); /* before close, or close hangs */
	if (p->pq)
		rd_kafka_queue_destroy(p->pq);
	if (p->consumer) {
		rd_kafka_consumer_close(p->consumer);
		rd_kafka_destroy(p->consumer);
	}
	if (p->producer)
		rd_kafka_destroy(p->producer);
	for (int i = 0; i < 2; i++) {
		if (p->cwake[i] >= 0)
			close(p->cwake[i]);
		if (p->pwake[i] >= 0)
			close(p->pwake[i]);
		if (p->bwake[i] >= 0)
			close(p->bwake[i]);
	}
	outbox_free(p->outbox);
	pg_close(&p->pg);
	if (p->schemas)
		schemaset_free(p->schemas);
	free(p);
}
