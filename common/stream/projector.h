/*
 * projector.h — what every daemon is: it consumes events, applies a batch of
 * them to its read model in one PostgreSQL transaction together with the
 * Kafka offsets it read up to and the events it emits (outbox), commits, and
 * relays the outbox to Kafka. Undecodable messages go to the dead-letter
 * topic inside the same transaction, so the partition keeps moving and
 * nothing is lost.
 *
 * The daemon supplies apply(): pure decisions plus SQL on the open
 * transaction, and projector_emit() for what it wants to say.
 */
#ifndef ZS_PROJECTOR_H
#define ZS_PROJECTOR_H

#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <stdbool.h>

#include "wire/ce.h"
#include "core/log.h"
#include "stream/pg.h"
#include "stream/topics.h"

struct projector;
struct schemaset;

struct proj_msg {
	rd_kafka_message_t *rkm;
	const char *topic;
	int32_t partition;
	int64_t offset;
	const char *key; /* NUL-terminated copy, or NULL */
	size_t keylen;
	const char *record; /* reader record name ("AanvraagIngediend"), NULL if dead */
	json_t *data;       /* the datum in plain JSON, NULL if dead */
	struct ce_attrs ce; /* incoming CloudEvents attributes */
	struct log_ctx log; /* topic, partition, offset filled in */
	bool dead;          /* undecodable: goes to the dead-letter topic */
	bool skip;          /* could not even be dead-lettered: only its offset is kept */
	char error_code[48];
	char error[256];
};

struct metric;

struct proj_batch {
	struct projector *p;
	struct pg *pg;
	struct proj_msg *msgs;
	int n;
};

struct projector_config {
	const char *service; /* "intake": group id, ce_source, schema */
	const char *brokers;
	const char *pg_url;
	const char *schemas_dir;
	const char *sql_dir;
	const enum topic_id *topics;
	int ntopics;
	int batch_max;            /* messages per transaction */
	size_t max_message_bytes; /* larger values are dead letters */
	/* Inside BEGIN … COMMIT: apply every msg that is not dead. Return 0,
	 * or -1 when a statement failed (the batch is rolled back and retried;
	 * a failure that a single message reproduces dead-letters it). Writes
	 * may be left in an open pipeline (pg_pipeline_begin without sync):
	 * the commit adds the outbox, the offsets and COMMIT to it, one round
	 * trip for all; a failing write then fails the commit. */
	int (*apply)(struct proj_batch *b, void *arg);
	/* Registers the daemon's prepared statements (pg_prepare); they are
	 * prepared on connect and after every reconnect. */
	bool (*prepare)(struct pg *pg);
	/* A topic every instance reads whole, outside the group (the
	 * catalogus: each instance needs all of it, and needs it before its
	 * first batch): read from the beginning to its end at start, then
	 * followed; each message goes to on_broadcast (NULL: none). */
	int broadcast_topic;
	void (*on_broadcast)(struct projector *p, struct proj_msg *m, void *arg);
	/* After a rollback: drop in-memory state derived from the batch. */
	void (*rolled_back)(void *arg);
	void *arg;
};

/* Connects (retrying), migrates, loads schemas, relays what a previous run
 * left in the outbox, then subscribes. NULL on a startup error. */
struct projector *projector_start(const struct projector_config *cfg);
/* Graceful: takes no new batches; what is committed gets flushed. */
void projector_stop(struct projector *p);
/* Fixed order: flush producer → delete acknowledged rows → close consumer →
 * destroy clients → close PostgreSQL. */
void projector_free(struct projector *p);

struct pg *projector_pg(struct projector *p);
struct schemaset *projector_schemas(struct projector *p);
const char *projector_service(const struct projector *p);
bool projector_ready(const struct projector *p);

/*
 * Emits an event through the outbox of the open transaction (a batch, or a
 * projector_tx_begin/commit pair). key is also the CloudEvents subject. The
 * trace continues cause's traceparent when given. ce_id NULL = random; give
 * a name-based one (uuid_v5) when a replay must produce the same id.
 */
/* Inside apply: adds n to counter m when this batch commits (not when it is
 * rolled back and retried, which would count it twice). */
void projector_count(struct projector *p, struct metric *m, double n);
bool projector_emit(struct projector *p, enum topic_id topic, const char *key, const char *record,
                    json_t *data, const struct ce_attrs *cause, const char *ce_id);
/* The same for a message already encoded (single-object bytes of record):
 * for a daemon that needs the bytes itself (zs-audit hashes them). */
bool projector_emit_encoded(struct projector *p, enum topic_id topic, const char *key,
                            const char *record, const void *buf, size_t len,
                            const struct ce_attrs *cause, const char *ce_id);

/* From apply(): a message that decodes but cannot be used at all (e.g. a
 * malformed catalogus entry) goes to the dead-letter topic with code and why.
 * False when even that could not be queued (out of memory): fail the batch. */
bool projector_dead_letter(struct proj_batch *b, struct proj_msg *m, const char *code,
                           const char *why);

/* Reads the broadcast topic up to the end it has now (bounded by timeout):
 * call before concluding that something it should carry is unknown, e.g. a
 * zaaktype published a moment before the aanvraag that names it. */
bool projector_broadcast_catch_up(struct projector *p, int timeout_ms);

/* A transaction outside a batch (timers, HTTP): begin, SQL + emits, commit. */
bool projector_tx_begin(struct projector *p);
bool projector_tx_commit(struct projector *p);
void projector_tx_rollback(struct projector *p);

#endif
