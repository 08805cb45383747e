/*
 * cmd_tail.c — zs tail TOPIC: every message of a topic as one JSON line
 * (topic, partition, offset, key, headers, record, value in plain JSON), or
 * for what cannot be decoded the error and the bytes in hex.
 */
#include "zs.h"
#include "stream/kafka.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t run = 1;

static void
stop(int sig)
{
	(void)sig;
	run = 0;
}

static json_t *
headers_json(const rd_kafka_message_t *m)
{
	rd_kafka_headers_t *h = NULL;
	json_t *o = json_object();
	const char *name;
	const void *val;
	size_t len;

	if (rd_kafka_message_headers(m, &h) != RD_KAFKA_RESP_ERR_NO_ERROR)
		return o;
	for (size_t i = 0;
	     rd_kafka_header_get_all(h, i, &name, &val, &len) == RD_KAFKA_RESP_ERR_NO_ERROR; i++)
		json_object_set_new(o, name, val ? json_stringn_nocheck(val, len) : json_null());
	return o;
}

static json_t *
hex(const void *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *s = malloc(n * 2 + 1);
	const unsigned char *b = p;
	json_t *j;

	if (!s)
		return NULL; /* printed as null: the tail goes on */
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = digits[b[i] >> 4];
		s[2 * i + 1] = digits[b[i] & 15];
	}
	s[2 * n] = '\0';
	j = json_string(s);
	free(s);
	return j;
}

static void
print_message(const rd_kafka_message_t *m)
{
	struct schemaset_decoded dec = {0};
	char err[256];
	json_t *line = json_object();
	enum schemaset_status st;

	json_object_set_new(line, "topic", json_string(rd_kafka_topic_name(m->rkt)));
	json_object_set_new(line, "partition", json_integer(m->partition));
	json_object_set_new(line, "offset", json_integer(m->offset));
	json_object_set_new(line, "key",
	                    m->key ? json_stringn_nocheck(m->key, m->key_len) : json_null());
	json_object_set_new(line, "headers", headers_json(m));
	st = schemaset_decode(zs_schemas(), m->payload, m->len, 16 * 1024 * 1024, AVRO_JSON_PLAIN,
	                      &dec, err, sizeof(err));
	if (st == SCHEMASET_OK) {
		json_object_set_new(line, "record", json_string(dec.reader->name));
		json_object_set_new(line, "value", dec.datum);
	} else {
		json_object_set_new(line, "error", json_string(err));
		json_object_set_new(line, "valueHex", hex(m->payload, m->len));
	}
	char *s = line ? json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	if (s)
		puts(s);
	else
		zs_fail(NULL, "out of memory printing the message at offset %lld",
		        (long long)m->offset);
	fflush(stdout);
	free(s);
	json_decref(line);
}

int
zs_cmd_tail(int argc, char **argv)
{
	const char *topic = NULL, *key = NULL;
	bool begin = false;
	long max = -1, timeout_s = -1, seen = 0, idle_ms = 0;
	int id;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--begin"))
			begin = true;
		else if (!strcmp(argv[i], "--max") && i + 1 < argc)
			max = atol(argv[++i]);
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			timeout_s = atol(argv[++i]);
		else if (!strcmp(argv[i], "--key") && i + 1 < argc)
			key = argv[++i];
		else if (!topic)
			topic = argv[i];
		else
			return zs_fail(NULL, "unexpected argument \"%s\"", argv[i]);
	}
	if (!topic)
		return zs_fail(
		        "topics: catalogus, aanvragen, aanvraag-uitkomsten, zaken, zaak-opdrachten, ...",
		        "usage: zs tail TOPIC [--begin] [--max N] [--timeout S] [--key K]");
	id = topic_lookup(topic);
	if (id < 0)
		return zs_fail("zs topics create lists them", "unknown topic \"%s\"", topic);
	zs_schemas();

	rd_kafka_t *rk = zs_reader((enum topic_id)id, begin);
	if (!rk)
		return 1;

	signal(SIGINT, stop);
	signal(SIGTERM, stop);
	while (run && (max < 0 || seen < max) && (timeout_s < 0 || idle_ms < timeout_s * 1000)) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
		if (!m) {
			idle_ms += 100;
			continue;
		}
		if (!m->err && (!key || (m->key && m->key_len == strlen(key) &&
		                         !memcmp(m->key, key, m->key_len)))) {
			print_message(m);
			seen++;
			idle_ms = 0;
		}
		rd_kafka_message_destroy(m);
	}
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	return 0;
}
