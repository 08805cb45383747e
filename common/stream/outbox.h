/*
 * outbox.h — events leave a daemon only through its outbox table: rows are
 * inserted in the same transaction as the read-model change that caused them,
 * and a relay hands them to the idempotent producer, deleting each row once
 * Kafka has acknowledged it. A crash between commit and acknowledgement
 * re-sends the row (at least once); consumers deduplicate on ce_id.
 */
#ifndef ZS_OUTBOX_H
#define ZS_OUTBOX_H

#include <librdkafka/rdkafka.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stream/pg.h"

#define OUTBOX_MAX_HEADERS 16

struct outbox_header {
	char *name;
	char *value;
};

struct outbox_row {
	int64_t id; /* 0 until the insert returned it */
	char *topic;
	char *key;
	size_t keylen;
	void *value;
	size_t len;
	struct outbox_header headers[OUTBOX_MAX_HEADERS];
	int nheaders;
	struct outbox_row *next; /* in the backlog */
};

struct outbox;

/* The producer's dr_msg_cb must be outbox_dr_cb with the outbox as opaque. */
struct outbox *outbox_new(void);
void outbox_set_producer(struct outbox *ob, rd_kafka_t *producer);
void outbox_free(struct outbox *ob);
void outbox_dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque);

/* A header to queue; a NULL value is left out. */
struct outbox_kv {
	const char *name, *value;
};

/* Queues a row and its headers for the open transaction; the outbox copies
 * everything. False when memory ran out: then nothing was queued, and the
 * caller fails its transaction. */
bool outbox_queue(struct outbox *ob, const char *topic, const void *key, size_t keylen,
                  const void *value, size_t len, const struct outbox_kv *headers, int nheaders);
int outbox_pending(const struct outbox *ob);

/* From this many rows a transaction's outbox goes in by COPY: its two
 * round trips more cost less than an INSERT per row. */
#define OUTBOX_COPY_MIN 32

/* Writes every pending row by COPY (outside a pipeline), with ids drawn
 * from the table's sequence first, in queue order. False on failure (the
 * caller rolls back). */
bool outbox_copy(struct outbox *ob, struct pg *pg);
/* Queues the inserts of every pending row not yet copied into pg's open
 * pipeline (*n of them); the caller's pipeline result callback must pass
 * results in [first, first + n) to outbox_take_result. False when a row
 * could not be sent (the caller rolls back). */
bool outbox_send_inserts(struct outbox *ob, struct pg *pg, int *first, int *n);
void outbox_take_result(struct outbox *ob, int index_from_first, PGresult *res);
/* After COMMIT: produce what was committed. After ROLLBACK: forget it. */
void outbox_committed(struct outbox *ob);
void outbox_rolled_back(struct outbox *ob);

/* Relay work outside transactions: deletes acknowledged rows; produces rows
 * nobody is sending (left by a crash, or by another instance that died) —
 * all of them when startup is true, else those older than a minute. */
bool outbox_relay(struct outbox *ob, struct pg *pg, bool startup);
/* Produces from the backlog until the producer's queue is full. */
void outbox_drain(struct outbox *ob);
/* Rows committed but not yet acknowledged by Kafka (backlog + in flight):
 * the projector stops taking new batches while this is high. */
int64_t outbox_unacked(const struct outbox *ob);

#endif
