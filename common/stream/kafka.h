/*
 * kafka.h — librdkafka clients the way every daemon needs them: an idempotent
 * producer, a consumer that takes its offsets from PostgreSQL (never commits
 * to Kafka on its own), a pipe that wakes the libevent loop when a queue gets
 * work, and CloudEvents headers.
 */
#ifndef ZS_KAFKA_H
#define ZS_KAFKA_H

#include <librdkafka/rdkafka.h>
#include <stdbool.h>

#include "wire/ce.h"

/* A producer with enable.idempotence=true, bounded queues, lz4 batches. */
rd_kafka_t *kafka_producer_new(const char *brokers, const char *client_id,
                               void (*dr_msg_cb)(rd_kafka_t *, const rd_kafka_message_t *, void *),
                               void *opaque);

/* A group consumer with auto commit and auto offset store off; rebalance_cb
 * decides where each assigned partition starts. */
rd_kafka_t *kafka_consumer_new(const char *brokers, const char *group, const char *client_id,
                               void (*rebalance_cb)(rd_kafka_t *, rd_kafka_resp_err_t,
                                                    rd_kafka_topic_partition_list_t *, void *),
                               void *opaque);

/* Makes q write a byte to a non-blocking pipe whenever it becomes non-empty;
 * returns the read end (for an EV_READ event), or -1. *write_fd gets the other
 * end so the owner can close both. */
int kafka_wake_fd(rd_kafka_queue_t *q, int *write_fd);

/* Builds headers: every CloudEvents attribute, content-type, traceparent. */
rd_kafka_headers_t *kafka_headers_from_ce(const struct ce_attrs *ce);
/* Reads a header value as a NUL-terminated copy into out (truncated); false if absent. */
bool kafka_header_get(const rd_kafka_message_t *m, const char *name, char *out, size_t n);
/* Fills ce from a message's headers (missing ones stay empty). */
void kafka_ce_from_message(const rd_kafka_message_t *m, struct ce_attrs *ce);

/* Creates every topic in topics.h that is missing (partitions, compaction). */
bool kafka_topics_ensure(const char *brokers, int timeout_ms);

#endif
