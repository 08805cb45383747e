/*
 * loadgen.c — the open-loop load generator of `make bench`.
 *
 * Every AanvraagIngediend is encoded before the clock starts; message i is
 * then sent at its intended time t0 + i/rate whatever happens downstream,
 * while a consumer thread reads the result topic and matches each message to
 * its aanvraag by aanvraagId. Latency runs from the intended send time, so a
 * stall anywhere — this program included — shows in the figures instead of
 * being hidden by a generator that waits (coordinated omission).
 *
 *   loadgen open    --target intake|kafka --rate R --duration S [--grace G]
 *   loadgen backlog --target intake|kafka --count N [--ready-file F] [--timeout T]
 *   loadgen selftest
 *
 * intake: the aanvragen topic → zs-intake → ZaakGeregistreerd on the zaken
 * topic. kafka (with --topic T): the same bytes and headers to T and straight
 * back, the raw produce → consume baseline with the producer of common/kafka.c
 * (idempotent, lz4, the same linger). backlog: send N as fast as possible,
 * then (intake stopped meanwhile) touch the ready file and time the drain.
 * Prints one JSON object on stdout.
 */
#include "stream/settings.h"
#include "bench.h"
#include "wire/ce.h"
#include "stream/kafka.h"
#include "wire/schemaset.h"
#include "stream/topics.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* An aanvraagId is "<24 characters of the run><12 hex digits of i>": a valid
 * v4 uuid that says which run and which message it is. */
#define RUN_ID_LEN 24

struct outmsg {
	void *value;
	size_t len;
	char key[UUID_LEN + 1];
	rd_kafka_headers_t *headers; /* ours until produced */
};

struct gen {
	const char *brokers;
	const char *produce_topic, *consume_topic;
	const char *expect; /* record name read from consume_topic */
	struct schemaset *schemas;
	struct outmsg *msgs;
	long n;
	double rate; /* per second; 0 = as fast as possible */
	char run_id[RUN_ID_LEN + 1];

	/* Producer side (main thread). */
	rd_kafka_t *producer;
	_Atomic int64_t t0;
	_Atomic int64_t *sent_at;
	long delivery_errors, queue_full;
	int64_t send_lag_max, send_end;

	/* Consumer side: the consumer thread's until it is joined. */
	rd_kafka_t *consumer;
	atomic_int assigned;
	_Atomic int64_t deadline;
	unsigned char *seen;
	int64_t *arrivals; /* arrival time of the k-th match */
	long matched, duplicates, foreign, undecodable, consume_errors;
	struct hist lat;
	/* Worst latency of the messages intended for each second of the run:
	 * shows warm-up and stalls that percentiles blur. */
	int64_t *worst_per_s;
	long nseconds;
};

static void
sleep_until(int64_t t_ns)
{
	struct timespec ts = {.tv_sec = t_ns / 1000000000, .tv_nsec = t_ns % 1000000000};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Encodes message i of every run from the samples, round robin, with ids of
 * this run and an ingediendOp of now. */
static bool
encode_all(struct gen *g)
{
	const struct schema_entry *e = schemaset_latest(g->schemas, "AanvraagIngediend");
	json_t *docs[BENCH_NSAMPLES];
	char when[32], err[256], uuid[UUID_LEN + 1];
	bool ok = true;

	if (!e || !bench_load_samples(docs)) {
		zlog_error("no AanvraagIngediend schema or samples");
		return false;
	}
	uuid_v4(uuid);
	memcpy(g->run_id, uuid, RUN_ID_LEN);
	g->run_id[RUN_ID_LEN] = '\0';
	format_rfc3339_ms(now_ms(), when);
	for (int s = 0; s < BENCH_NSAMPLES; s++)
		json_object_set_new(docs[s], "ingediendOp", json_string(when));
	for (long i = 0; i < g->n && ok; i++) {
		struct outmsg *m = &g->msgs[i];
		json_t *doc = docs[i % BENCH_NSAMPLES];
		struct ce_attrs ce;

		snprintf(m->key, sizeof(m->key), "%s%012lx", g->run_id, (unsigned long)i);
		json_object_set_new(doc, "aanvraagId", json_string(m->key));
		if (schemaset_encode(e, doc, &m->value, &m->len, err, sizeof(err)) != 0) {
			zlog_at(LOG_ERROR,
			        &((struct log_ctx){.partition = -1, .offset = -1, .detail = err}),
			        "could not encode sample aanvraag");
			ok = false;
			break;
		}
		ce_attrs_init(&ce, "AanvraagIngediend", BENCH_SOURCE, m->key, NULL);
		m->headers = kafka_headers_from_ce(&ce);
	}
	for (int s = 0; s < BENCH_NSAMPLES; s++)
		json_decref(docs[s]);
	return ok;
}

static void
dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct gen *g = opaque;
	(void)rk;

	if (m->err) {
		if (g->delivery_errors++ == 0)
			zlog_error("delivery to %s failed: %s", rd_kafka_topic_name(m->rkt),
			           rd_kafka_err2name(m->err));
	}
}

/* Starts every assigned partition at its end as it is now: only what this
 * run causes is read. The producer waits for this before its first send. */
static void
rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *parts,
             void *opaque)
{
	struct gen *g = opaque;

	if (err != RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		rd_kafka_assign(rk, NULL);
		return;
	}
	for (int i = 0; i < parts->cnt; i++) {
		rd_kafka_topic_partition_t *tp = &parts->elems[i];
		int64_t lo, hi;
		rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(
		        rk, tp->topic, tp->partition, &lo, &hi, 10000);
		if (e) {
			zlog_error("could not read the end of %s[%d]: %s", tp->topic, tp->partition,
			           rd_kafka_err2name(e));
			hi = RD_KAFKA_OFFSET_END;
		}
		tp->offset = hi;
	}
	rd_kafka_assign(rk, parts);
	atomic_store(&g->assigned, 1);
}

static bool
consumer_start(struct gen *g)
{
	char group[64];
	rd_kafka_topic_partition_list_t *l;
	rd_kafka_resp_err_t err;

	snprintf(group, sizeof(group), "zs-bench-%s", g->run_id);
	g->consumer = kafka_consumer_new(g->brokers, group, "zs-bench-loadgen", rebalance_cb, g);
	if (!g->consumer)
		return false;
	l = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(l, g->consume_topic, RD_KAFKA_PARTITION_UA);
	err = rd_kafka_subscribe(g->consumer, l);
	rd_kafka_topic_partition_list_destroy(l);
	if (err) {
		zlog_error("could not subscribe to %s: %s", g->consume_topic,
		           rd_kafka_err2name(err));
		return false;
	}
	return true;
}

/* Which message of this run m answers; records its latency. */
static void
match(struct gen *g, const rd_kafka_message_t *m, int64_t now)
{
	const struct schema_entry *writer, *reader;
	avro_value_t *v, field;
	const char *id;
	size_t size;
	char err[256], *end;
	unsigned long i;
	int64_t intended;

	if (schemaset_decode_value(g->schemas, m->payload, m->len, BENCH_MAX_MSG_BYTES, &writer,
	                           &reader, &v, err, sizeof(err)) != SCHEMASET_OK) {
		g->undecodable++;
		return;
	}
	if (strcmp(reader->name, g->expect) ||
	    avro_value_get_by_name(v, "aanvraagId", &field, NULL) ||
	    avro_value_get_string(&field, &id, &size) || size != UUID_LEN + 1 ||
	    memcmp(id, g->run_id, RUN_ID_LEN)) {
		g->foreign++;
		return;
	}
	i = strtoul(id + RUN_ID_LEN, &end, 16);
	if (*end || i >= (unsigned long)g->n) {
		g->foreign++;
		return;
	}
	if (g->seen[i]) {
		g->duplicates++;
		return;
	}
	g->seen[i] = 1;
	g->arrivals[g->matched++] = now;
	intended = g->rate > 0 ? atomic_load(&g->t0) + (int64_t)((double)i * 1e9 / g->rate)
	                       : atomic_load(&g->sent_at[i]);
	int64_t lat_us = now > intended ? (now - intended) / 1000 : 0;
	hist_record(&g->lat, (uint64_t)lat_us);
	long sec = (long)((intended - atomic_load(&g->t0)) / 1000000000);
	if (sec >= 0 && sec < g->nseconds && lat_us > g->worst_per_s[sec])
		g->worst_per_s[sec] = lat_us;
}

static void *
consume_loop(void *arg)
{
	struct gen *g = arg;

	while (g->matched < g->n) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(g->consumer, 100);
		int64_t now = mono_ns();

		if (m) {
			if (!m->err)
				match(g, m, now);
			else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF &&
			         g->consume_errors++ == 0)
				zlog_error("consumer: %s: %s", rd_kafka_err2name(m->err),
				           rd_kafka_message_errstr(m));
			rd_kafka_message_destroy(m);
		}
		if (now > atomic_load(&g->deadline))
			break;
	}
	return NULL;
}

static bool
wait_assigned(struct gen *g, int timeout_s)
{
	int64_t until = mono_ns() + (int64_t)timeout_s * 1000000000;

	while (!atomic_load(&g->assigned)) {
		if (mono_ns() > until) {
			zlog_error("no partitions of %s assigned within %d s", g->consume_topic,
			           timeout_s);
			return false;
		}
		usleep(10000);
	}
	return true;
}

static bool
produce_one(struct gen *g, struct outmsg *m)
{
	for (;;) {
		rd_kafka_resp_err_t err = rd_kafka_producev(
		        g->producer, RD_KAFKA_V_TOPIC(g->produce_topic),
		        RD_KAFKA_V_KEY(m->key, UUID_LEN), RD_KAFKA_V_VALUE(m->value, m->len),
		        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(m->headers),
		        RD_KAFKA_V_END);
		if (!err) {
			m->headers = NULL;
			return true;
		}
		if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
			zlog_error("could not produce to %s: %s", g->produce_topic,
			           rd_kafka_err2name(err));
			return false;
		}
		/* Open loop all the same: the wait counts as latency. */
		g->queue_full++;
		rd_kafka_poll(g->producer, 1);
	}
}

static bool
flush_producer(struct gen *g)
{
	rd_kafka_resp_err_t err = rd_kafka_flush(g->producer, 60000);

	if (err) {
		zlog_error("could not flush the producer: %s", rd_kafka_err2name(err));
		return false;
	}
	return g->delivery_errors == 0;
}

/* The producer learns a topic's partitions on its first message to it; that
 * lookup is start-up cost, not latency, so it happens before the clock. */
static bool
producer_warm(struct gen *g)
{
	rd_kafka_topic_t *rkt = rd_kafka_topic_new(g->producer, g->produce_topic, NULL);
	const struct rd_kafka_metadata *md = NULL;
	rd_kafka_resp_err_t err = rd_kafka_metadata(g->producer, 0, rkt, &md, 10000);

	if (err)
		zlog_error("no metadata for %s: %s", g->produce_topic, rd_kafka_err2name(err));
	if (md)
		rd_kafka_metadata_destroy(md);
	rd_kafka_topic_destroy(rkt);
	return err == RD_KAFKA_RESP_ERR_NO_ERROR;
}

/* Sends every message at its intended time (rate > 0) or at once. */
static bool
send_all(struct gen *g)
{
	/* A millisecond ahead, so that message 0 is not late by construction. */
	atomic_store(&g->t0, mono_ns() + 1000000);
	for (long i = 0; i < g->n; i++) {
		int64_t now = mono_ns();

		if (g->rate > 0) {
			int64_t intended =
			        atomic_load(&g->t0) + (int64_t)((double)i * 1e9 / g->rate);
			if (now < intended) {
				rd_kafka_poll(g->producer, 0);
				sleep_until(intended);
				now = mono_ns();
			}
			if (now - intended > g->send_lag_max)
				g->send_lag_max = now - intended;
		}
		atomic_store(&g->sent_at[i], now);
		if (!produce_one(g, &g->msgs[i]))
			return false;
	}
	if (!flush_producer(g))
		return false;
	g->send_end = mono_ns();
	return true;
}

static json_t *
report(struct gen *g, const char *mode, const char *target)
{
	double send_s = (double)(g->send_end - atomic_load(&g->t0)) / 1e9;
	double first = g->matched ? (double)g->arrivals[0] / 1e9 : 0;
	double last = g->matched ? (double)g->arrivals[g->matched - 1] / 1e9 : 0;
	size_t bytes = 0;
	json_t *o, *worst = json_array();

	for (long i = 0; i < g->n; i++)
		bytes += g->msgs[i].len;
	for (long s = 0; s < g->nseconds; s++)
		json_array_append_new(worst, json_real((double)g->worst_per_s[s] / 1000.0));
	o = json_pack(
	        "{s:s, s:s, s:s, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:I, s:I,"
	        " s:f, s:f, s:f, s:o}",
	        "mode", mode, "target", target, "run", g->run_id, "rate", g->rate, "sent",
	        (json_int_t)g->n, "matched", (json_int_t)g->matched, "missing",
	        (json_int_t)(g->n - g->matched), "duplicates", (json_int_t)g->duplicates, "foreign",
	        (json_int_t)g->foreign, "undecodable", (json_int_t)g->undecodable, "message_bytes",
	        (json_int_t)(g->n ? bytes / (size_t)g->n : 0), "send_seconds", send_s, "send_rate",
	        send_s > 0 ? (double)g->n / send_s : 0.0, "send_lag_max_ms", g->send_lag_max / 1e6,
	        "queue_full", (json_int_t)g->queue_full, "delivery_errors",
	        (json_int_t)g->delivery_errors, "first_seen_s", first, "last_seen_s", last,
	        "drain_rate",
	        g->matched > 1 && last > first ? (double)(g->matched - 1) / (last - first) : 0.0,
	        "latency_ms", bench_hist_json(&g->lat));
	json_object_set_new(o, "worst_ms_per_second", worst);
	return o;
}

static void
gen_free(struct gen *g)
{
	if (g->consumer) {
		rd_kafka_consumer_close(g->consumer);
		rd_kafka_destroy(g->consumer);
	}
	if (g->producer)
		rd_kafka_destroy(g->producer);
	for (long i = 0; g->msgs && i < g->n; i++) {
		free(g->msgs[i].value);
		if (g->msgs[i].headers)
			rd_kafka_headers_destroy(g->msgs[i].headers);
	}
	free(g->msgs);
	free((void *)g->sent_at);
	free(g->seen);
	free(g->arrivals);
	free(g->worst_per_s);
	if (g->schemas)
		schemaset_free(g->schemas);
}

static bool
touch(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		zlog_error("could not create %s: %s", path, strerror(errno));
		return false;
	}
	fclose(f);
	return true;
}

/* One run: encode, join, send, wait for the answers, report. */
static int
run(struct gen *g, const char *mode, const char *target, double wait_s, const char *ready_file)
{
	char dir[1024], err[512];
	pthread_t th;
	bool ok;

	zs_path(dir, sizeof(dir), "schemas");
	g->schemas = schemaset_load(dir, err, sizeof(err));
	if (!g->schemas)
		die("could not load schemas from %s: %s", dir, err);
	g->msgs = calloc((size_t)g->n, sizeof(*g->msgs));
	g->sent_at = calloc((size_t)g->n, sizeof(*g->sent_at));
	g->seen = calloc((size_t)g->n, 1);
	g->arrivals = calloc((size_t)g->n, sizeof(*g->arrivals));
	g->nseconds = g->rate > 0 ? (long)((double)g->n / g->rate) + 1 : 0;
	g->worst_per_s = calloc((size_t)g->nseconds + 1, sizeof(*g->worst_per_s));
	hist_init(&g->lat);
	atomic_store(&g->deadline, INT64_MAX);
	if (!g->msgs || !g->sent_at || !g->seen || !g->arrivals)
		die("out of memory for %ld messages", g->n);
	if (!encode_all(g) || !consumer_start(g))
		return 1;
	g->producer = kafka_producer_new(g->brokers, "zs-bench-loadgen", dr_cb, g);
	if (!g->producer)
		return 1;
	if (pthread_create(&th, NULL, consume_loop, g) != 0)
		die("could not start the consumer thread");
	ok = wait_assigned(g, 60) && producer_warm(g) && send_all(g) &&
	     (!ready_file || touch(ready_file));
	atomic_store(&g->deadline, ok ? mono_ns() + (int64_t)(wait_s * 1e9) : 0);
	pthread_join(th, NULL);
	if (!ok)
		return 1;
	json_t *o = report(g, mode, target);
	json_dumpf(o, stdout, JSON_COMPACT | JSON_REAL_PRECISION(12));
	putchar('\n');
	json_decref(o);
	return 0;
}

/* Checks the histogram against exact percentiles of sorted samples. */
static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int
selftest(void)
{
	static const double ps[] = {0.1, 1, 50, 90, 99, 99.9, 99.99, 100};
	enum { N = 200000 };
	uint64_t *v = malloc(N * sizeof(*v));
	struct hist *h = malloc(sizeof(*h));
	unsigned short seed[3] = {1, 2, 3};
	int bad = 0;

	/* Bucket edges: every value lies in its bucket, and buckets are ordered. */
	for (uint64_t x = 0; x < 5000000; x = x < 1000 ? x + 1 : x + x / 997) {
		int i = hist_index(x);
		if (hist_highest(i) < x || (i > 0 && hist_highest(i - 1) >= x) ||
		    hist_highest(i) - x > x / HIST_SUB)
			bad++;
	}
	if (hist_highest(hist_index(UINT64_MAX)) != UINT64_MAX ||
	    hist_index(UINT64_MAX) >= HIST_BUCKETS)
		bad++;
	/* Log-uniform latencies from 1 µs to 100 s. */
	hist_init(h);
	for (int i = 0; i < N; i++) {
		v[i] = (uint64_t)exp(erand48(seed) * log(1e8));
		hist_record(h, v[i]);
	}
	qsort(v, N, sizeof(*v), cmp_u64);
	for (size_t k = 0; k < sizeof(ps) / sizeof(ps[0]); k++) {
		size_t rank = (size_t)ceil(ps[k] / 100.0 * N);
		uint64_t exact = v[rank - 1], got = hist_percentile(h, ps[k]);
		if (got < exact || got - exact > exact / HIST_SUB) {
			fprintf(stderr, "p%g: histogram says %llu, exact %llu\n", ps[k],
			        (unsigned long long)got, (unsigned long long)exact);
			bad++;
		}
	}
	if (h->max != v[N - 1] || h->min != v[0] || h->n != N)
		bad++;
	hist_init(h);
	if (hist_percentile(h, 99) != 0)
		bad++;
	free(v);
	free(h);
	printf("{\"selftest\": \"%s\", \"failures\": %d}\n", bad ? "failed" : "ok", bad);
	return bad ? 1 : 0;
}

static int
usage(void)
{
	fprintf(stderr,
	        "usage: loadgen open --target intake|kafka [--topic T] --rate R --duration S [--grace G]\n"
	        "       loadgen backlog --target intake|kafka [--topic T] --count N [--ready-file F]"
	        " [--timeout T]\n"
	        "       loadgen selftest\n");
	return 2;
}

int
main(int argc, char **argv)
{
	struct gen g = {0};
	const char *target = "intake", *topic = NULL, *ready = NULL;
	double rate = 0, duration = 0, grace = 10, timeout = 180;
	long count = 0;
	int rc;

	log_setup("bench");
	if (!config_load(
	            (const struct config_table *const[]){&core_settings, &stream_settings, NULL}))
		return 2;
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "selftest"))
		return selftest();
	for (int i = 2; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];
		if (!strcmp(k, "--target"))
			target = v;
		else if (!strcmp(k, "--topic"))
			topic = v;
		else if (!strcmp(k, "--rate"))
			rate = bench_number(v);
		else if (!strcmp(k, "--duration"))
			duration = bench_number(v);
		else if (!strcmp(k, "--grace"))
			grace = bench_number(v);
		else if (!strcmp(k, "--count"))
			count = (long)bench_number(v);
		else if (!strcmp(k, "--ready-file"))
			ready = v;
		else if (!strcmp(k, "--timeout"))
			timeout = bench_number(v);
		else
			return usage();
	}
	g.brokers = stream_brokers;
	if (!strcmp(target, "intake")) {
		g.produce_topic = topic_name(TOPIC_AANVRAGEN);
		g.consume_topic = topic_name(TOPIC_ZAKEN);
		g.expect = "ZaakGeregistreerd";
	} else if (!strcmp(target, "kafka") && topic) {
		g.produce_topic = g.consume_topic = topic;
		g.expect = "AanvraagIngediend";
	} else {
		return usage();
	}
	if (grace <= 0 || timeout <= 0)
		return usage();
	if (!strcmp(argv[1], "open") && rate > 0 && duration > 0 && rate * duration <= 1e8) {
		g.rate = rate;
		g.n = (long)(rate * duration);
		rc = run(&g, "open", target, grace, NULL);
	} else if (!strcmp(argv[1], "backlog") && count > 0 && count <= 100000000) {
		g.n = count;
		rc = run(&g, "backlog", target, timeout, ready);
	} else {
		return usage();
	}
	gen_free(&g);
	return rc;
}
