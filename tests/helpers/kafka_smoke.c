/*
 * kafka_smoke.c — proves that the pinned Kafka broker serves what zaakstroom
 * needs, spoken to by the librdkafka the daemons link (Debian's 2.0.2): admin
 * topic creation with a compacted topic, an idempotent producer whose every
 * delivery is confirmed, one partition and one order per key, a consumer group
 * join, and synchronously committed offsets read back from the broker.
 *
 * Usage: kafka_smoke BROKERS TOPIC_PREFIX
 * Prints one line per step; exits 0 only when every step held.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#define N_MSGS       1000
#define N_KEYS       50
#define N_PARTITIONS 3
#define WAIT_MS      30000

struct smoke {
	const char *brokers;
	char compacted[256]; /* cleanup.policy=compact, like zaakstroom.catalogus */
	char events[256];    /* the default policy, like zaakstroom.zaken */
	char group[300];
	char nonce[32]; /* tells this run's messages from a reused topic's */
	rd_kafka_t *producer;
	rd_kafka_t *consumer;
	int delivered;
	int failed;
	int key_partition[N_KEYS];
	int64_t produced_last[N_PARTITIONS];
	int64_t consumed_last[N_PARTITIONS];
	int last_index[N_KEYS];
	unsigned char seen[N_MSGS];
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool
conf_set(rd_kafka_conf_t *conf, const char *name, const char *value)
{
	char errstr[512];

	if (rd_kafka_conf_set(conf, name, value, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
		fprintf(stderr, "kafka_smoke: cannot set %s: %s\n", name, errstr);
		return false;
	}
	return true;
}

/* Polls an admin result queue for the one event of the given type. */
static rd_kafka_event_t *
admin_wait(rd_kafka_queue_t *q, rd_kafka_event_type_t type, const char *what)
{
	rd_kafka_event_t *ev = rd_kafka_queue_poll(q, WAIT_MS + 5000);

	if (!ev) {
		fprintf(stderr, "kafka_smoke: no %s result within %d ms\n", what, WAIT_MS + 5000);
		return NULL;
	}
	if (rd_kafka_event_type(ev) != type) {
		fprintf(stderr, "kafka_smoke: unexpected event %s while waiting for %s\n",
		        rd_kafka_event_name(ev), what);
		rd_kafka_event_destroy(ev);
		return NULL;
	}
	if (rd_kafka_event_error(ev)) {
		fprintf(stderr, "kafka_smoke: %s failed: %s: %s\n", what,
		        rd_kafka_err2name(rd_kafka_event_error(ev)),
		        rd_kafka_event_error_string(ev));
		rd_kafka_event_destroy(ev);
		return NULL;
	}
	return ev;
}

static void
dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct smoke *s = opaque;
	int key;

	(void)rk;
	if (m->err) {
		s->failed++;
		fprintf(stderr, "kafka_smoke: delivery failed: %s: %s\n", rd_kafka_err2name(m->err),
		        rd_kafka_err2str(m->err));
		return;
	}
	s->delivered++;
	if (strcmp(rd_kafka_topic_name(m->rkt), s->events) != 0)
		return;
	key = (int)(intptr_t)m->_private;
	if (s->key_partition[key] < 0)
		s->key_partition[key] = m->partition;
	else if (s->key_partition[key] != m->partition) {
		s->failed++;
		fprintf(stderr, "kafka_smoke: key-%d went to partitions %d and %" PRId32 "\n", key,
		        s->key_partition[key], m->partition);
	}
	if (m->partition >= 0 && m->partition < N_PARTITIONS &&
	    m->offset > s->produced_last[m->partition])
		s->produced_last[m->partition] = m->offset;
}

static bool
make_producer(struct smoke *s)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	char errstr[512];

	if (!conf_set(conf, "bootstrap.servers", s->brokers) ||
	    !conf_set(conf, "client.id", "kafka_smoke") ||
	    !conf_set(conf, "enable.idempotence", "true")) {
		rd_kafka_conf_destroy(conf);
		return false;
	}
	rd_kafka_conf_set_dr_msg_cb(conf, dr_msg_cb);
	rd_kafka_conf_set_opaque(conf, s);
	s->producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
	if (!s->producer) {
		fprintf(stderr, "kafka_smoke: cannot create producer: %s\n", errstr);
		return false;
	}
	return true;
}

static bool
create_topics(struct smoke *s)
{
	const char *names[2] = {s->compacted, s->events};
	rd_kafka_NewTopic_t *nt[2] = {NULL, NULL};
	rd_kafka_AdminOptions_t *opts = NULL;
	rd_kafka_queue_t *q = rd_kafka_queue_new(s->producer);
	rd_kafka_event_t *ev = NULL;
	const rd_kafka_topic_result_t **res;
	size_t n, i;
	char errstr[512];
	bool ok = false;

	for (i = 0; i < 2; i++) {
		nt[i] = rd_kafka_NewTopic_new(names[i], N_PARTITIONS, 1, errstr, sizeof(errstr));
		if (!nt[i]) {
			fprintf(stderr, "kafka_smoke: bad topic %s: %s\n", names[i], errstr);
			goto out;
		}
	}
	if (rd_kafka_NewTopic_set_config(nt[0], "cleanup.policy", "compact"))
		goto out;
	opts = rd_kafka_AdminOptions_new(s->producer, RD_KAFKA_ADMIN_OP_CREATETOPICS);
	/* Have the broker answer only once the topics exist. */
	if (rd_kafka_AdminOptions_set_operation_timeout(opts, WAIT_MS, errstr, sizeof(errstr)) ||
	    rd_kafka_AdminOptions_set_request_timeout(opts, WAIT_MS, errstr, sizeof(errstr))) {
		fprintf(stderr, "kafka_smoke: %s\n", errstr);
		goto out;
	}
	rd_kafka_CreateTopics(s->producer, nt, 2, opts, q);
	ev = admin_wait(q, RD_KAFKA_EVENT_CREATETOPICS_RESULT, "CreateTopics");
	if (!ev)
		goto out;
	res = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
	ok = n == 2;
	for (i = 0; i < n; i++) {
		rd_kafka_resp_err_t err = rd_kafka_topic_result_error(res[i]);

		if (err && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
			fprintf(stderr, "kafka_smoke: cannot create %s: %s: %s\n",
			        rd_kafka_topic_result_name(res[i]), rd_kafka_err2name(err),
			        rd_kafka_topic_result_error_string(res[i]));
			ok = false;
		}
	}
out:
	if (ev)
		rd_kafka_event_destroy(ev);
	if (opts)
		rd_kafka_AdminOptions_destroy(opts);
	for (i = 0; i < 2; i++)
		if (nt[i])
			rd_kafka_NewTopic_destroy(nt[i]);
	rd_kafka_queue_destroy(q);
	return ok;
}

/* True when the topic is known with every partition led. */
static bool
topic_ready(const struct rd_kafka_metadata *md, const char *name)
{
	int i, p;

	for (i = 0; i < md->topic_cnt; i++) {
		const struct rd_kafka_metadata_topic *t = &md->topics[i];

		if (strcmp(t->topic, name) != 0)
			continue;
		if (t->err || t->partition_cnt != N_PARTITIONS)
			return false;
		for (p = 0; p < t->partition_cnt; p++)
			if (t->partitions[p].err || t->partitions[p].leader < 0)
				return false;
		return true;
	}
	return false;
}

/* Creation is acknowledged by the controller; wait until the broker serves it. */
static bool
wait_for_topics(struct smoke *s)
{
	int64_t deadline = now_ms() + WAIT_MS;
	rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;

	while (now_ms() < deadline) {
		const struct rd_kafka_metadata *md;
		bool ready;

		err = rd_kafka_metadata(s->producer, 1, NULL, &md, 5000);
		if (err) {
			usleep(100 * 1000);
			continue;
		}
		ready = topic_ready(md, s->compacted) && topic_ready(md, s->events);
		rd_kafka_metadata_destroy(md);
		if (ready)
			return true;
		usleep(100 * 1000);
	}
	fprintf(stderr, "kafka_smoke: topics not ready within %d ms (last metadata error %s)\n",
	        WAIT_MS, rd_kafka_err2name(err));
	return false;
}

static const char *
config_value(const rd_kafka_ConfigResource_t *res, const char *name)
{
	const rd_kafka_ConfigEntry_t **entries;
	size_t n, i;

	entries = rd_kafka_ConfigResource_configs(res, &n);
	for (i = 0; i < n; i++)
		if (strcmp(rd_kafka_ConfigEntry_name(entries[i]), name) == 0)
			return rd_kafka_ConfigEntry_value(entries[i]);
	return NULL;
}

/* The compacted topic must say so, and the other must not have caught it. */
static bool
check_cleanup_policy(struct smoke *s)
{
	const char *want[2] = {"compact", "delete"};
	rd_kafka_ConfigResource_t *cr[2] = {
	        rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, s->compacted),
	        rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, s->events),
	};
	rd_kafka_queue_t *q = rd_kafka_queue_new(s->producer);
	rd_kafka_event_t *ev;
	const rd_kafka_ConfigResource_t **res;
	size_t n, i, j;
	bool ok = false;

	rd_kafka_DescribeConfigs(s->producer, cr, 2, NULL, q);
	ev = admin_wait(q, RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT, "DescribeConfigs");
	if (!ev)
		goto out;
	res = rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev),
	                                                &n);
	ok = n == 2;
	for (i = 0; i < n; i++) {
		const char *name = rd_kafka_ConfigResource_name(res[i]);
		const char *policy;

		if (rd_kafka_ConfigResource_error(res[i])) {
			fprintf(stderr, "kafka_smoke: cannot describe %s: %s\n", name,
			        rd_kafka_err2name(rd_kafka_ConfigResource_error(res[i])));
			ok = false;
			continue;
		}
		j = strcmp(name, s->compacted) == 0 ? 0 : 1;
		policy = config_value(res[i], "cleanup.policy");
		if (!policy || strcmp(policy, want[j]) != 0) {
			fprintf(stderr, "kafka_smoke: %s has cleanup.policy=%s, expected %s\n",
			        name, policy ? policy : "(none)", want[j]);
			ok = false;
		}
	}
	rd_kafka_event_destroy(ev);
out:
	rd_kafka_ConfigResource_destroy_array(cr, 2);
	rd_kafka_queue_destroy(q);
	return ok;
}

static bool
produce_one(struct smoke *s, const char *topic, int key, const char *value)
{
	char k[32];
	rd_kafka_resp_err_t err;

	snprintf(k, sizeof(k), "key-%d", key);
	for (;;) {
		err = rd_kafka_producev(s->producer, RD_KAFKA_V_TOPIC(topic),
		                        RD_KAFKA_V_KEY(k, strlen(k)),
		                        RD_KAFKA_V_VALUE((void *)value, strlen(value)),
		                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
		                        RD_KAFKA_V_OPAQUE((void *)(intptr_t)key), RD_KAFKA_V_END);
		if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
			break;
		rd_kafka_poll(s->producer, 100);
	}
	if (err) {
		fprintf(stderr, "kafka_smoke: cannot produce to %s: %s\n", topic,
		        rd_kafka_err2name(err));
		return false;
	}
	return true;
}

/* Keyed messages to both topics; every delivery report must say delivered. */
static bool
produce(struct smoke *s)
{
	char value[64], errstr[256];
	rd_kafka_resp_err_t err;
	int i;

	for (i = 0; i < N_MSGS; i++) {
		snprintf(value, sizeof(value), "%s:%d", s->nonce, i);
		if (!produce_one(s, s->events, i % N_KEYS, value))
			return false;
		if (i % 10 == 0 && !produce_one(s, s->compacted, i % N_KEYS, value))
			return false;
		rd_kafka_poll(s->producer, 0);
	}
	err = rd_kafka_flush(s->producer, WAIT_MS);
	if (err) {
		fprintf(stderr, "kafka_smoke: flush: %s, %d messages left\n",
		        rd_kafka_err2name(err), rd_kafka_outq_len(s->producer));
		return false;
	}
	err = rd_kafka_fatal_error(s->producer, errstr, sizeof(errstr));
	if (err) {
		fprintf(stderr, "kafka_smoke: idempotent producer failed: %s: %s\n",
		        rd_kafka_err2name(err), errstr);
		return false;
	}
	if (s->failed || s->delivered != N_MSGS + N_MSGS / 10) {
		fprintf(stderr, "kafka_smoke: %d delivered, %d failed, %d produced\n", s->delivered,
		        s->failed, N_MSGS + N_MSGS / 10);
		return false;
	}
	return true;
}

static bool
subscribe(struct smoke *s)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_topic_partition_list_t *topics;
	rd_kafka_resp_err_t err;
	char errstr[512];

	if (!conf_set(conf, "bootstrap.servers", s->brokers) ||
	    !conf_set(conf, "client.id", "kafka_smoke") || !conf_set(conf, "group.id", s->group) ||
	    !conf_set(conf, "enable.auto.commit", "false") ||
	    !conf_set(conf, "auto.offset.reset", "earliest")) {
		rd_kafka_conf_destroy(conf);
		return false;
	}
	s->consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
	if (!s->consumer) {
		fprintf(stderr, "kafka_smoke: cannot create consumer: %s\n", errstr);
		return false;
	}
	rd_kafka_poll_set_consumer(s->consumer);
	topics = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(topics, s->events, RD_KAFKA_PARTITION_UA);
	err = rd_kafka_subscribe(s->consumer, topics);
	rd_kafka_topic_partition_list_destroy(topics);
	if (err) {
		fprintf(stderr, "kafka_smoke: cannot subscribe: %s\n", rd_kafka_err2name(err));
		return false;
	}
	return true;
}

/* One message: ours, not seen before, and after every earlier one of its key.
 * Returns 1 for a new message of this run, 0 for another run's, -1 on a fault. */
static int
check_message(struct smoke *s, const rd_kafka_message_t *m)
{
	size_t nl = strlen(s->nonce);
	char buf[64], key[32];
	int idx;

	if (m->len >= sizeof(buf) || m->len <= nl || memcmp(m->payload, s->nonce, nl) != 0 ||
	    ((const char *)m->payload)[nl] != ':')
		return 0; /* an earlier run's message in a reused topic */
	memcpy(buf, m->payload, m->len);
	buf[m->len] = '\0';
	idx = atoi(buf + nl + 1);
	if (idx < 0 || idx >= N_MSGS) {
		fprintf(stderr, "kafka_smoke: unexpected value %s\n", buf);
		return -1;
	}
	snprintf(key, sizeof(key), "key-%d", idx % N_KEYS);
	if (m->key_len != strlen(key) || memcmp(m->key, key, m->key_len) != 0) {
		fprintf(stderr, "kafka_smoke: message %d arrived with another key\n", idx);
		return -1;
	}
	if (s->seen[idx]++) {
		fprintf(stderr, "kafka_smoke: message %d consumed twice\n", idx);
		return -1;
	}
	if (idx <= s->last_index[idx % N_KEYS]) {
		fprintf(stderr, "kafka_smoke: %s out of order: %d after %d\n", key, idx,
		        s->last_index[idx % N_KEYS]);
		return -1;
	}
	s->last_index[idx % N_KEYS] = idx;
	return 1;
}

static bool
consume(struct smoke *s)
{
	int64_t deadline = now_ms() + 2 * WAIT_MS;
	int got = 0;

	while (got < N_MSGS && now_ms() < deadline) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(s->consumer, 500);
		int r;

		if (!m)
			continue;
		if (m->err) {
			fprintf(stderr, "kafka_smoke: consume: %s: %s\n", rd_kafka_err2name(m->err),
			        rd_kafka_message_errstr(m));
			rd_kafka_message_destroy(m);
			return false;
		}
		r = check_message(s, m);
		if (r >= 0 && m->partition >= 0 && m->partition < N_PARTITIONS)
			s->consumed_last[m->partition] = m->offset;
		rd_kafka_message_destroy(m);
		if (r < 0)
			return false;
		got += r;
	}
	if (got < N_MSGS) {
		fprintf(stderr, "kafka_smoke: consumed %d of %d messages in %d ms\n", got, N_MSGS,
		        2 * WAIT_MS);
		return false;
	}
	return true;
}

/* Commit what was consumed, then ask the group coordinator what it holds. */
static bool
commit_offsets(struct smoke *s)
{
	rd_kafka_topic_partition_list_t *parts;
	rd_kafka_resp_err_t err;
	int p, used = 0;
	bool ok = true;

	err = rd_kafka_commit(s->consumer, NULL, 0);
	if (err) {
		fprintf(stderr, "kafka_smoke: commit: %s\n", rd_kafka_err2name(err));
		return false;
	}
	parts = rd_kafka_topic_partition_list_new(N_PARTITIONS);
	for (p = 0; p < N_PARTITIONS; p++)
		rd_kafka_topic_partition_list_add(parts, s->events, p);
	err = rd_kafka_committed(s->consumer, parts, WAIT_MS);
	if (err) {
		fprintf(stderr, "kafka_smoke: committed: %s\n", rd_kafka_err2name(err));
		rd_kafka_topic_partition_list_destroy(parts);
		return false;
	}
	for (p = 0; p < N_PARTITIONS; p++) {
		const rd_kafka_topic_partition_t *tp = &parts->elems[p];
		int64_t want = s->consumed_last[tp->partition] < 0
		                       ? RD_KAFKA_OFFSET_INVALID
		                       : s->consumed_last[tp->partition] + 1;

		if (s->consumed_last[tp->partition] >= 0)
			used++;
		if (tp->err || tp->offset != want ||
		    s->consumed_last[tp->partition] != s->produced_last[tp->partition]) {
			fprintf(stderr,
			        "kafka_smoke: partition %" PRId32 ": committed %" PRId64
			        " (%s), expected %" PRId64 ", last produced %" PRId64 "\n",
			        tp->partition, tp->offset, rd_kafka_err2name(tp->err), want,
			        s->produced_last[tp->partition]);
			ok = false;
		}
	}
	rd_kafka_topic_partition_list_destroy(parts);
	/* Fifty keys over three partitions: the partitioner must have spread them. */
	if (used < 2) {
		fprintf(stderr, "kafka_smoke: all keys landed in %d partition(s)\n", used);
		ok = false;
	}
	return ok;
}

static const struct step {
	const char *name;
	bool (*run)(struct smoke *);
} steps[] = {
        {"idempotent producer", make_producer},  {"create topics", create_topics},
        {"topics served", wait_for_topics},      {"cleanup.policy per topic", check_cleanup_policy},
        {"produce, every delivery ok", produce}, {"consumer group subscribe", subscribe},
        {"consume all, in key order", consume},  {"commit and read back", commit_offsets},
};

static bool
valid_prefix(const char *p)
{
	size_t n = strlen(p);

	if (n == 0 || n > 200)
		return false;
	return strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

int
main(int argc, char **argv)
{
	struct smoke s = {.brokers = argc > 1 ? argv[1] : NULL};
	size_t i;
	bool ok = true;

	if (argc != 3 || !valid_prefix(argv[2])) {
		fprintf(stderr, "usage: kafka_smoke BROKERS TOPIC_PREFIX\n"
		                "TOPIC_PREFIX: 1 to 200 of [a-zA-Z0-9._-]\n");
		return 2;
	}
	snprintf(s.compacted, sizeof(s.compacted), "%s.compacted", argv[2]);
	snprintf(s.events, sizeof(s.events), "%s.events", argv[2]);
	snprintf(s.nonce, sizeof(s.nonce), "%ld-%ld", (long)getpid(), (long)time(NULL));
	snprintf(s.group, sizeof(s.group), "%s.group.%s", argv[2], s.nonce);
	for (i = 0; i < N_KEYS; i++) {
		s.key_partition[i] = -1;
		s.last_index[i] = -1;
	}
	for (i = 0; i < N_PARTITIONS; i++) {
		s.produced_last[i] = -1;
		s.consumed_last[i] = -1;
	}
	printf("kafka_smoke: librdkafka %s against %s\n", rd_kafka_version_str(), s.brokers);
	for (i = 0; ok && i < sizeof(steps) / sizeof(steps[0]); i++) {
		int64_t t0 = now_ms();

		ok = steps[i].run(&s);
		printf("%-4s %-28s %6" PRId64 " ms\n", ok ? "ok" : "FAIL", steps[i].name,
		       now_ms() - t0);
		fflush(stdout);
	}
	if (s.consumer) {
		rd_kafka_consumer_close(s.consumer);
		rd_kafka_destroy(s.consumer);
	}
	if (s.producer)
		rd_kafka_destroy(s.producer);
	printf("kafka_smoke: %s\n", ok ? "all steps held" : "failed");
	return ok ? 0 : 1;
}
