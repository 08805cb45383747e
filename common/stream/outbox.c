/*
 * outbox.c — the outbox rows, their relay to Kafka and their deletion.
 *
 * Order: committed rows join a FIFO backlog in id order and are produced from
 * its head; the producer never times a message out (message.timeout.ms=0), so
 * a broker outage only stalls the backlog, it never reorders it.
 */
#include "stream/outbox.h"
#include "core/buf.h"
#include "core/log.h"
#include "stream/copy.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ids this process owns (in the backlog or in flight): open addressing with
 * linear probing and backward-shift deletion; 0 marks an empty slot. */
struct idset {
	int64_t *slots;
	size_t cap, n;
};

static size_t
idset_hash(int64_t id, size_t cap)
{
	uint64_t x = (uint64_t)id * 0x9e3779b97f4a7c15ull;
	return (size_t)(x >> 17) & (cap - 1);
}

static bool idset_add(struct idset *s, int64_t id);

static bool
idset_grow(struct idset *s)
{
	struct idset bigger = {.cap = s->cap ? s->cap * 2 : 1024};

	bigger.slots = calloc(bigger.cap, sizeof(int64_t));
	if (!bigger.slots)
		return false;
	for (size_t i = 0; i < s->cap; i++)
		if (s->slots[i])
			idset_add(&bigger, s->slots[i]); /* half full: never grows */
	free(s->slots);
	*s = bigger;
	return true;
}

/* False only when the set is full and could not grow. */
static bool
idset_add(struct idset *s, int64_t id)
{
	/* A failed grow leaves the old table, still usable until it is full. */
	if ((s->n + 1) * 2 > s->cap && !idset_grow(s) && s->n + 1 >= s->cap)
		return false;
	size_t i = idset_hash(id, s->cap);
	while (s->slots[i] && s->slots[i] != id)
		i = (i + 1) & (s->cap - 1);
	if (!s->slots[i])
		s->n++;
	s->slots[i] = id;
	return true;
}

static bool
idset_has(const struct idset *s, int64_t id)
{
	if (!s->cap)
		return false;
	for (size_t i = idset_hash(id, s->cap); s->slots[i]; i = (i + 1) & (s->cap - 1))
		if (s->slots[i] == id)
			return true;
	return false;
}

static void
idset_del(struct idset *s, int64_t id)
{
	size_t i, j;

	if (!s->cap)
		return;
	for (i = idset_hash(id, s->cap); s->slots[i] != id; i = (i + 1) & (s->cap - 1))
		if (!s->slots[i])
			return;
	s->slots[i] = 0;
	s->n--;
	/* Shift followers back so that lookups never stop at the hole early. */
	for (j = (i + 1) & (s->cap - 1); s->slots[j]; j = (j + 1) & (s->cap - 1)) {
		size_t home = idset_hash(s->slots[j], s->cap);
		bool between = i <= j ? (i < home && home <= j) : (i < home || home <= j);
		if (!between) {
			s->slots[i] = s->slots[j];
			s->slots[j] = 0;
			i = j;
		}
	}
}

struct outbox {
	rd_kafka_t *producer;
	struct outbox_row **pending; /* queued in the open transaction */
	int npending, cap;
	struct outbox_row *head, *tail; /* committed, waiting for the producer */
	int64_t nbacklog;
	struct idset owned; /* backlog + in flight */
	int64_t *acked;     /* acknowledged, row still to delete */
	int nacked, capacked;
	struct copy_rows rows; /* a large transaction's rows for COPY, reused */
};

struct outbox *
outbox_new(void)
{
	return calloc(1, sizeof(struct outbox));
}

void
outbox_set_producer(struct outbox *ob, rd_kafka_t *producer)
{
	ob->producer = producer;
}

static void
row_free(struct outbox_row *row)
{
	if (!row)
		return;
	free(row->topic);
	free(row->key);
	free(row->value);
	for (int i = 0; i < row->nheaders; i++) {
		free(row->headers[i].name);
		free(row->headers[i].value);
	}
	free(row);
}

void
outbox_free(struct outbox *ob)
{
	if (!ob)
		return;
	outbox_rolled_back(ob);
	while (ob->head) {
		struct outbox_row *next = ob->head->next;
		row_free(ob->head);
		ob->head = next;
	}
	free(ob->pending);
	copy_free(&ob->rows);
	free(ob->owned.slots);
	free(ob->acked);
	free(ob);
}

/* A copy of len bytes, NUL-terminated (keys are used as C strings too). */
static char *
copy_bytes(const void *bytes, size_t len)
{
	char *c = malloc(len + 1);

	if (c) {
		if (len)
			memcpy(c, bytes, len);
		c[len] = '\0';
	}
	return c;
}

static bool
row_add_header(struct outbox_row *row, const char *name, const char *value)
{
	struct outbox_header *h = &row->headers[row->nheaders];

	if (!value)
		return true;
	if (row->nheaders == OUTBOX_MAX_HEADERS)
		return false;
	h->name = strdup(name);
	h->value = strdup(value);
	row->nheaders++; /* counted even half-made: row_free frees both */
	return h->name && h->value;
}

static bool
pending_reserve(struct outbox *ob)
{
	struct outbox_row **bigger;
	int cap;

	if (ob->npending < ob->cap)
		return true;
	cap = ob->cap ? ob->cap * 2 : 64;
	bigger = realloc(ob->pending, (size_t)cap * sizeof(*ob->pending));
	if (!bigger)
		return false;
	ob->pending = bigger;
	ob->cap = cap;
	return true;
}

bool
outbox_queue(struct outbox *ob, const char *topic, const void *key, size_t keylen,
             const void *value, size_t len, const struct outbox_kv *headers, int nheaders)
{
	struct outbox_row *row = calloc(1, sizeof(*row));
	bool ok = row != NULL;

	if (ok) {
		row->topic = strdup(topic);
		row->key = key ? copy_bytes(key, keylen) : NULL;
		row->keylen = key ? keylen : 0;
		row->value = copy_bytes(value, len);
		row->len = len;
		ok = row->topic && (!key || row->key) && row->value;
	}
	for (int i = 0; ok && i < nheaders; i++)
		ok = row_add_header(row, headers[i].name, headers[i].value);
	if (!ok || !pending_reserve(ob)) {
		zlog_error("out of memory queueing an outbox row for %s", topic);
		row_free(row);
		return false;
	}
	ob->pending[ob->npending++] = row;
	return true;
}

int
outbox_pending(const struct outbox *ob)
{
	return ob->npending;
}

/* Appends s as a JSON string (quoted, escaped). */
static size_t
json_quote(char *out, size_t len, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	out[len++] = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[len++] = '\\';
			out[len++] = (char)c;
		} else if (c >= 0x7f) {
			/* Header values are ASCII (CloudEvents, our errors); anything
			 * else would make the jsonb insert, and the batch, fail. */
			out[len++] = '?';
		} else if (c < 0x20) {
			memcpy(out + len, "\\u00", 4);
			out[len + 4] = hex[c >> 4];
			out[len + 5] = hex[c & 15];
			len += 6;
		} else {
			out[len++] = (char)c;
		}
	}
	out[len++] = '"';
	return len;
}

/* {"name":"value",...} without building a JSON tree: every row has one. */
static char *
headers_json(const struct outbox_row *row)
{
	size_t cap = 3, len = 0;
	char *out;

	for (int i = 0; i < row->nheaders; i++)
		cap += 6 * (strlen(row->headers[i].name) + strlen(row->headers[i].value)) + 6;
	out = malloc(cap);
	if (!out)
		return NULL;
	out[len++] = '{';
	for (int i = 0; i < row->nheaders; i++) {
		if (i)
			out[len++] = ',';
		len = json_quote(out, len, row->headers[i].name);
		out[len++] = ':';
		len = json_quote(out, len, row->headers[i].value);
	}
	out[len++] = '}';
	out[len] = '\0';
	return out;
}

bool
outbox_copy(struct outbox *ob, struct pg *pg)
{
	char n[16];
	const char *vals[1] = {n};
	PGresult *res;
	bool ok = true;

	snprintf(n, sizeof(n), "%d", ob->npending);
	res = pg_execp(pg, "outbox_ids", 1, vals, NULL, NULL);
	if (!res)
		return false;
	if (PQntuples(res) != ob->npending) {
		PQclear(res);
		return false;
	}
	copy_reset(&ob->rows);
	for (int i = 0; i < ob->npending && ok; i++) {
		struct outbox_row *row = ob->pending[i];
		char *hdrs = headers_json(row);

		/* in id order, as the rows were queued: the relay's order */
		row->id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		copy_int(&ob->rows, row->id);
		copy_text(&ob->rows, row->topic);
		if (row->key)
			copy_bytea(&ob->rows, row->key, row->keylen);
		else
			copy_text(&ob->rows, NULL);
		copy_bytea(&ob->rows, row->value, row->len);
		copy_text(&ob->rows, hdrs);
		copy_end_row(&ob->rows);
		ok = hdrs != NULL;
		free(hdrs);
	}
	PQclear(res);
	ok = (ok || pg_out_of_memory(pg, "the headers of an outbox row")) &&
	     pg_copy(pg, "COPY outbox (id, topic, key, value, headers) FROM STDIN", &ob->rows);
	if (!ok)
		for (int i = 0; i < ob->npending; i++)
			ob->pending[i]->id = 0;
	/* a batch's rows are large: do not keep megabytes between batches */
	if (ob->rows.cap > (4u << 20))
		copy_free(&ob->rows);
	return ok;
}

bool
outbox_send_inserts(struct outbox *ob, struct pg *pg, int *first, int *n)
{
	static const int fmts[4] = {0, 1, 1, 0};

	*first = pg->pipeline_queued;
	*n = 0;
	if (ob->npending > 0 && ob->pending[0]->id > 0)
		return true; /* copied already */
	*n = ob->npending;
	for (int i = 0; i < ob->npending; i++) {
		struct outbox_row *row = ob->pending[i];
		char *hdrs = headers_json(row);
		const char *vals[4] = {row->topic, row->key, row->value, hdrs};
		int lens[4] = {0, (int)row->keylen, (int)row->len, 0};
		bool ok = hdrs ? pg_pipeline_send(pg, "outbox_insert", 4, vals, lens, fmts)
		               : pg_out_of_memory(pg, "the headers of an outbox row");

		free(hdrs);
		if (!ok)
			return false;
	}
	return true;
}

void
outbox_take_result(struct outbox *ob, int index_from_first, PGresult *res)
{
	if (index_from_first < 0 || index_from_first >= ob->npending || PQntuples(res) != 1)
		return;
	ob->pending[index_from_first]->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
}

static void
backlog_append(struct outbox *ob, struct outbox_row *row)
{
	row->next = NULL;
	if (ob->tail)
		ob->tail->next = row;
	else
		ob->head = row;
	ob->tail = row;
	ob->nbacklog++;
	/* Committed already, so it is sent regardless; unowned, a relay might
	 * send it a second time, which consumers deduplicate on ce_id. */
	if (!idset_add(&ob->owned, row->id))
		zlog_at(LOG_ERROR,
		        &((struct log_ctx){
		                .partition = -1,
		                .offset = -1,
		                .detail = "The set of rows in flight could not grow, so a relay "
		                          "may send this row a second time (consumers "
		                          "deduplicate on ce_id).",
		                .hint = "Give the daemon more memory."}),
		        "out of memory tracking outbox row %lld", (long long)row->id);
}

void
outbox_committed(struct outbox *ob)
{
	for (int i = 0; i < ob->npending; i++) {
		if (ob->pending[i]->id > 0)
			backlog_append(ob, ob->pending[i]);
		else
			row_free(ob->pending[i]); /* cannot happen after a good commit */
	}
	ob->npending = 0;
	outbox_drain(ob);
}

void
outbox_rolled_back(struct outbox *ob)
{
	for (int i = 0; i < ob->npending; i++)
		row_free(ob->pending[i]);
	ob->npending = 0;
}

static bool
produce_row(struct outbox *ob, struct outbox_row *row)
{
	rd_kafka_headers_t *h = rd_kafka_headers_new((size_t)row->nheaders + 1);
	rd_kafka_resp_err_t err;

	for (int i = 0; i < row->nheaders; i++)
		rd_kafka_header_add(h, row->headers[i].name, -1, row->headers[i].value, -1);
	err = rd_kafka_producev(ob->producer, RD_KAFKA_V_TOPIC(row->topic),
	                        RD_KAFKA_V_KEY(row->key, row->keylen),
	                        RD_KAFKA_V_VALUE(row->value, row->len),
	                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(h),
	                        RD_KAFKA_V_OPAQUE((void *)(intptr_t)row->id), RD_KAFKA_V_END);
	if (err) {
		rd_kafka_headers_destroy(h);
		if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
			zlog_at(LOG_ERROR,
			        &((struct log_ctx){
			                .topic = row->topic, .partition = -1, .offset = -1}),
			        "could not produce outbox row %lld: %s", (long long)row->id,
			        rd_kafka_err2name(err));
		return false;
	}
	return true;
}

void
outbox_drain(struct outbox *ob)
{
	if (!ob->producer)
		return;
	while (ob->head) {
		struct outbox_row *row = ob->head;
		if (!produce_row(ob, row))
			break; /* queue full: the next drain continues here, in order */
		ob->head = row->next;
		if (!ob->head)
			ob->tail = NULL;
		ob->nbacklog--;
		row_free(row); /* the id stays owned until the delivery report */
	}
	rd_kafka_poll(ob->producer, 0);
}

void
outbox_dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct outbox *ob = opaque;
	int64_t id = (int64_t)(intptr_t)m->_private;
	(void)rk;

	if (m->err) {
		/* Without a message timeout only a fatal producer error gets
		 * here; the row stays in the table and is sent after restart. */
		zlog_at(LOG_ERROR,
		        &((struct log_ctx){.topic = rd_kafka_topic_name(m->rkt),
		                           .partition = -1,
		                           .offset = -1}),
		        "delivery of outbox row %lld failed: %s", (long long)id,
		        rd_kafka_err2name(m->err));
		return;
	}
	if (ob->nacked == ob->capacked) {
		int cap = ob->capacked ? ob->capacked * 2 : 1024;
		int64_t *bigger = realloc(ob->acked, (size_t)cap * sizeof(int64_t));
		if (!bigger) {
			/* Still owned, so no relay re-sends it while we run; its row
			 * stays and is sent once more after a restart (deduplicated
			 * on ce_id). */
			zlog_error("out of memory recording the acknowledgement of outbox row %lld",
			           (long long)id);
			return;
		}
		ob->acked = bigger;
		ob->capacked = cap;
	}
	ob->acked[ob->nacked++] = id;
	idset_del(&ob->owned, id);
}

static bool
delete_acked(struct outbox *ob, struct pg *pg)
{
	size_t cap = (size_t)ob->nacked * 21 + 3;
	char *arr = malloc(cap);
	size_t len = 0;
	bool ok = arr != NULL;

	if (!ok)
		return pg_out_of_memory(pg, "the list of acknowledged outbox rows");
	arr[0] = '\0';
	for (int i = 0; i < ob->nacked && ok; i++)
		ok = buf_appendf(arr, cap, &len, "%s%lld", i ? "," : "{", (long long)ob->acked[i]);
	ok = ok && buf_appendf(arr, cap, &len, "}");
	if (!ok) { /* cannot happen: 21 bytes hold any int64 and its comma */
		free(arr);
		return false;
	}
	const char *vals[1] = {arr};
	PGresult *res = pg_exec(pg, "DELETE FROM outbox WHERE id = ANY($1::bigint[])", 1, vals);
	ok = res != NULL;
	PQclear(res);
	free(arr);
	if (ok)
		ob->nacked = 0;
	return ok;
}

static struct outbox_row *
row_from_result(PGresult *res, int r)
{
	struct outbox_row *row = calloc(1, sizeof(*row));
	size_t klen = 0, vlen = 0;
	unsigned char *k = NULL, *v = NULL;
	json_t *hdrs = NULL;
	const char *name;
	json_t *val;
	bool ok = row != NULL;

	if (!ok)
		goto out;
	row->id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
	row->topic = strdup(PQgetvalue(res, r, 1));
	if (!PQgetisnull(res, r, 2)) {
		k = PQunescapeBytea((const unsigned char *)PQgetvalue(res, r, 2), &klen);
		row->key = k ? copy_bytes(k, klen) : NULL;
		row->keylen = klen;
		ok = row->key != NULL;
	}
	v = PQunescapeBytea((const unsigned char *)PQgetvalue(res, r, 3), &vlen);
	row->value = v ? copy_bytes(v, vlen) : NULL;
	row->len = vlen;
	hdrs = json_loads(PQgetvalue(res, r, 4), 0, NULL);
	ok = ok && row->topic && row->value && hdrs;
	json_object_foreach(hdrs, name, val)
	{
		if (ok && json_is_string(val))
			ok = row_add_header(row, name, json_string_value(val));
	}
out:
	PQfreemem(k);
	PQfreemem(v);
	json_decref(hdrs);
	if (!ok) {
		row_free(row);
		return NULL;
	}
	return row;
}

/*
 * Rows nobody sends: after a crash (startup) every row in the table, read in
 * id order before any new row joins the backlog; in steady state the rows a
 * dead instance left behind, older than any live instance's in-flight rows.
 */
bool
outbox_relay(struct outbox *ob, struct pg *pg, bool startup)
{
	char after[24] = "0";
	const char *vals[1] = {after};
	int n, total = 0;
	bool ok = true;

	if (ob->nacked && !delete_acked(ob, pg))
		return false;
	do {
		PGresult *res = pg_exec(
		        pg,
		        startup ? "SELECT id, topic, key, value, headers::text FROM outbox WHERE id > $1::bigint"
		                  " ORDER BY id LIMIT 10000"
		                : "SELECT id, topic, key, value, headers::text FROM outbox WHERE id > $1::bigint"
		                  " AND created_at < now() - interval '60 seconds' ORDER BY id LIMIT 10000",
		        1, vals);
		if (!res)
			return false;
		n = PQntuples(res);
		for (int r = 0; r < n && ok; r++) {
			int64_t id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
			struct outbox_row *row;

			if (idset_has(&ob->owned, id)) {
				snprintf(after, sizeof(after), "%lld", (long long)id);
				continue;
			}
			/* Without memory the relay stops here, in order; the next
			 * relay starts again from this row. */
			row = row_from_result(res, r);
			ok = row != NULL;
			if (ok) {
				snprintf(after, sizeof(after), "%lld", (long long)id);
				backlog_append(ob, row);
				total++;
			}
		}
		PQclear(res);
	} while (ok && startup && n == 10000);
	if (total)
		zlog_info("outbox relay picked up %d unsent rows", total);
	outbox_drain(ob);
	if (!ok)
		zlog_error("out of memory reading unsent outbox rows; the next relay continues");
	return ok;
}

int64_t
outbox_unacked(const struct outbox *ob)
{
	return (int64_t)ob->owned.n;
}
