/*
 * kafka.c — producer and consumer construction, wake-up pipes, headers,
 * topic creation. Errors are always reported with rd_kafka_err2name.
 */
#include "stream/kafka.h"
#include "stream/settings.h"
#include "core/log.h"
#include "stream/topics.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
kafka_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	(void)rk;
	/* syslog levels: 0..3 error, 4 warning, 5..6 info, 7 debug */
	enum log_level l = level <= 3   ? LOG_ERROR
	                   : level == 4 ? LOG_WARN
	                   : level <= 6 ? LOG_INFO
	                                : LOG_DEBUG;
	zlog(l, NULL, "librdkafka %s: %s", fac, buf);
}

static void
kafka_error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	char fatal[512];
	(void)opaque;

	if (err == RD_KAFKA_RESP_ERR__FATAL) {
		rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, fatal, sizeof(fatal));
		/* A fatal idempotence error means ordering can no longer be
		 * guaranteed; the outbox keeps the events, a restart resumes. */
		zlog_error("fatal kafka error %s: %s", rd_kafka_err2name(orig), fatal);
		exit(2);
	}
	/* Everything else is informational: librdkafka recovers by itself. */
	zlog(err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN ? LOG_WARN : LOG_DEBUG, NULL,
	     "kafka %s: %s", rd_kafka_err2name((rd_kafka_resp_err_t)err), reason);
}

static bool
conf_set(rd_kafka_conf_t *conf, const char *key, const char *val)
{
	char errstr[512];

	if (rd_kafka_conf_set(conf, key, val, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
		zlog_error("invalid kafka setting %s=%s: %s", key, val, errstr);
		return false;
	}
	return true;
}

static rd_kafka_conf_t *
conf_new(const char *brokers, const char *client_id)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();

	if (!conf_set(conf, "bootstrap.servers", brokers) ||
	    !conf_set(conf, "client.id", client_id) ||
	    !conf_set(conf, "socket.keepalive.enable", "true")) {
		rd_kafka_conf_destroy(conf);
		return NULL;
	}
	rd_kafka_conf_set_log_cb(conf, kafka_log_cb);
	rd_kafka_conf_set_error_cb(conf, kafka_error_cb);
	return conf;
}

rd_kafka_t *
kafka_producer_new(const char *brokers, const char *client_id,
                   void (*dr_msg_cb)(rd_kafka_t *, const rd_kafka_message_t *, void *),
                   void *opaque)
{
	char errstr[512], linger[16];
	rd_kafka_conf_t *conf = conf_new(brokers, client_id);
	rd_kafka_t *rk;

	if (!conf)
		return NULL;
	snprintf(linger, sizeof(linger), "%ld", stream_linger_ms);
	if (!conf_set(conf, "enable.idempotence", "true") || !conf_set(conf, "linger.ms", linger) ||
	    !conf_set(conf, "compression.type", "lz4") ||
	    /* The Java client's partitioner: a JVM portal keying by aanvraag id
	     * or zaak uuid lands on the same partition as we do. */
	    !conf_set(conf, "partitioner", "murmur2_random") ||
	    /* Bounded memory: the outbox is the real buffer, not the producer queue. */
	    !conf_set(conf, "queue.buffering.max.kbytes", "4096") ||
	    !conf_set(conf, "queue.buffering.max.messages", "50000") ||
	    /* Never time a message out: the outbox keeps order only if
	     * the producer never gives up on one of its rows. */
	    !conf_set(conf, "message.timeout.ms", "0")) {
		rd_kafka_conf_destroy(conf);
		return NULL;
	}
	rd_kafka_conf_set_dr_msg_cb(conf, dr_msg_cb);
	rd_kafka_conf_set_opaque(conf, opaque);
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
	if (!rk)
		zlog_error("could not create kafka producer: %s", errstr);
	return rk;
}

rd_kafka_t *
kafka_consumer_new(const char *brokers, const char *group, const char *client_id,
                   void (*rebalance_cb)(rd_kafka_t *, rd_kafka_resp_err_t,
                                        rd_kafka_topic_partition_list_t *, void *),
                   void *opaque)
{
	char errstr[512];
	rd_kafka_conf_t *conf = conf_new(brokers, client_id);
	rd_kafka_t *rk;

	if (!conf)
		return NULL;
	if (!conf_set(conf, "group.id", group) || !conf_set(conf, "enable.auto.commit", "false") ||
	    !conf_set(conf, "enable.auto.offset.store", "false") ||
	    !conf_set(conf, "auto.offset.reset", "earliest") ||
	    /* Eager assignment: librdkafka 2.0.2 has the cooperative + manual
	     * commit bug (#4059); our offsets live in PostgreSQL anyway. */
	    !conf_set(conf, "partition.assignment.strategy", "range,roundrobin") ||
	    /* Bounded prefetch: a daemon's memory stays within 64 MiB however
	     * far behind it is (librdkafka's defaults allow 64 MB queued and
	     * 50 MB per fetch response). */
	    !conf_set(conf, "queued.max.messages.kbytes", "4096") ||
	    !conf_set(conf, "fetch.max.bytes", "2097152") ||
	    !conf_set(conf, "max.partition.fetch.bytes", "262144") ||
	    !conf_set(conf, "fetch.wait.max.ms", "10") ||
	    !conf_set(conf, "session.timeout.ms", "10000") ||
	    !conf_set(conf, "heartbeat.interval.ms", "1000")) {
		rd_kafka_conf_destroy(conf);
		return NULL;
	}
	rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
	rd_kafka_conf_set_opaque(conf, opaque);
	rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
	if (!rk) {
		zlog_error("could not create kafka consumer: %s", errstr);
		return NULL;
	}
	rd_kafka_poll_set_consumer(rk);
	return rk;
}

int
kafka_wake_fd(rd_kafka_queue_t *q, int *write_fd)
{
	int fds[2];

	/* Non-blocking, or librdkafka can block on the write while holding a
	 * queue lock (librdkafka #2932). */
	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0)
		return -1;
	rd_kafka_queue_io_event_enable(q, fds[1], "1", 1);
	*write_fd = fds[1];
	return fds[0];
}

rd_kafka_headers_t *
kafka_headers_from_ce(const struct ce_attrs *ce)
{
	rd_kafka_headers_t *h = rd_kafka_headers_new(8);

	rd_kafka_header_add(h, "ce_specversion", -1, "1.0", -1);
	rd_kafka_header_add(h, "ce_id", -1, ce->id, -1);
	rd_kafka_header_add(h, "ce_source", -1, ce->source, -1);
	rd_kafka_header_add(h, "ce_type", -1, ce->type, -1);
	rd_kafka_header_add(h, "ce_time", -1, ce->time, -1);
	if (ce->subject[0])
		rd_kafka_header_add(h, "ce_subject", -1, ce->subject, -1);
	rd_kafka_header_add(h, "content-type", -1, "application/avro", -1);
	if (ce->traceparent[0])
		rd_kafka_header_add(h, "traceparent", -1, ce->traceparent, -1);
	return h;
}

bool
kafka_header_get(const rd_kafka_message_t *m, const char *name, char *out, size_t n)
{
	rd_kafka_headers_t *h = NULL;
	const void *val;
	size_t len;

	out[0] = '\0';
	if (rd_kafka_message_headers(m, &h) != RD_KAFKA_RESP_ERR_NO_ERROR)
		return false;
	if (rd_kafka_header_get_last(h, name, &val, &len) != RD_KAFKA_RESP_ERR_NO_ERROR || !val)
		return false;
	if (len >= n)
		len = n - 1;
	/* A header is ASCII text for us: anything else in hostile input
	 * becomes '?', so that it can be logged and stored safely. */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = ((const unsigned char *)val)[i];
		out[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	out[len] = '\0';
	return true;
}

void
kafka_ce_from_message(const rd_kafka_message_t *m, struct ce_attrs *ce)
{
	memset(ce, 0, sizeof(*ce));
	kafka_header_get(m, "ce_id", ce->id, sizeof(ce->id));
	kafka_header_get(m, "ce_source", ce->source, sizeof(ce->source));
	kafka_header_get(m, "ce_type", ce->type, sizeof(ce->type));
	kafka_header_get(m, "ce_time", ce->time, sizeof(ce->time));
	kafka_header_get(m, "ce_subject", ce->subject, sizeof(ce->subject));
	kafka_header_get(m, "traceparent", ce->traceparent, sizeof(ce->traceparent));
	if (!traceparent_valid(ce->traceparent))
		ce->traceparent[0] = '\0';
}

bool
kafka_topics_ensure(const char *brokers, int timeout_ms)
{
	char errstr[512];
	rd_kafka_conf_t *conf = conf_new(brokers, "zs-admin");
	rd_kafka_t *rk;
	rd_kafka_NewTopic_t *nt[TOPIC__COUNT];
	rd_kafka_queue_t *q;
	rd_kafka_event_t *ev;
	bool ok = true;

	if (!conf)
		return false;
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
	if (!rk) {
		zlog_error("could not create kafka admin client: %s", errstr);
		return false;
	}
	for (int i = 0; i < TOPIC__COUNT; i++) {
		nt[i] = rd_kafka_NewTopic_new(topic_name((enum topic_id)i),
		                              topic_defs[i].partitions, -1, errstr, sizeof(errstr));
		if (topic_defs[i].compacted)
			rd_kafka_NewTopic_set_config(nt[i], "cleanup.policy", "compact");
	}
	q = rd_kafka_queue_new(rk);
	rd_kafka_AdminOptions_t *opts =
	        rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
	rd_kafka_AdminOptions_set_operation_timeout(opts, timeout_ms, errstr, sizeof(errstr));
	rd_kafka_CreateTopics(rk, nt, TOPIC__COUNT, opts, q);
	ev = rd_kafka_queue_poll(q, timeout_ms + 2000);
	if (!ev || rd_kafka_event_error(ev)) {
		zlog_error("could not create topics: %s",
		           ev ? rd_kafka_event_error_string(ev) : "timed out");
		ok = false;
	} else {
		size_t n;
		const rd_kafka_topic_result_t **res = rd_kafka_CreateTopics_result_topics(
		        rd_kafka_event_CreateTopics_result(ev), &n);
		for (size_t i = 0; i < n; i++) {
			rd_kafka_resp_err_t err = rd_kafka_topic_result_error(res[i]);
			if (err && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
				zlog_error("could not create topic %s: %s: %s",
				           rd_kafka_topic_result_name(res[i]),
				           rd_kafka_err2name(err),
				           rd_kafka_topic_result_error_string(res[i]));
				ok = false;
			}
		}
	}
	if (ev)
		rd_kafka_event_destroy(ev);
	rd_kafka_AdminOptions_destroy(opts);
	for (int i = 0; i < TOPIC__COUNT; i++)
		rd_kafka_NewTopic_destroy(nt[i]);
	rd_kafka_queue_destroy(q);
	rd_kafka_destroy(rk);
	return ok;
}
