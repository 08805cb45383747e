/*
 * util.c — what several zs commands need: schemas, files, producing one event.
 */
#include "zs.h"
#include "stream/settings.h"
#include "wire/ce.h"
#include "core/config.h"
#include "stream/kafka.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct schemaset *set;

/* Freed at exit: avro-c packs its values so that LeakSanitizer cannot see
 * pointers inside them, and would report a set still in use as leaked. */
static void
free_schemas(void)
{
	schemaset_free(set);
	set = NULL;
}

struct schemaset *
zs_schemas(void)
{
	char dir[1024], err[512];

	if (set)
		return set;
	zs_path(dir, sizeof(dir), "schemas");
	set = schemaset_load(dir, err, sizeof(err));
	if (set)
		atexit(free_schemas);
	if (!set) {
		zs_fail("set ZS_HOME to the zaakstroom checkout",
		        "could not load schemas from %s: %s", dir, err);
		exit(1);
	}
	return set;
}

const char *
zs_brokers(void)
{
	return stream_brokers;
}

char *
zs_read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f) {
		zs_fail(NULL, "could not open %s: %m", path);
		return NULL;
	}
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > 64 * 1024 * 1024) {
				zs_fail(NULL, "%s is larger than 64 MiB", path);
				free(buf);
				buf = NULL;
				break;
			}
			char *bigger = realloc(buf, cap);
			if (!bigger) {
				zs_fail(NULL, "out of memory reading %s", path);
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (f != stdin)
		fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

json_t *
zs_read_json(const char *path)
{
	size_t len;
	char *text = zs_read_file(path, &len);
	json_error_t err;
	json_t *doc;

	if (!text)
		return NULL;
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
	free(text);
	if (!doc)
		zs_fail(NULL, "%s is not valid JSON: line %d, column %d: %s", path, err.line,
		        err.column, err.text);
	return doc;
}

static void
dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	(void)rk;
	*(rd_kafka_resp_err_t *)opaque = m->err;
}

bool
zs_produce(enum topic_id topic, const char *key, const char *record, json_t *doc,
           const char *source)
{
	const struct schema_entry *e = schemaset_latest(zs_schemas(), record);
	rd_kafka_resp_err_t delivery = RD_KAFKA_RESP_ERR__IN_PROGRESS, err;
	struct ce_attrs ce;
	rd_kafka_t *rk;
	void *buf;
	size_t len;
	char msg[512];

	if (!e) {
		zs_fail("see schemas/ for the records zaakstroom knows",
		        "no schema for record \"%s\"", record);
		return false;
	}
	if (schemaset_encode(e, doc, &buf, &len, msg, sizeof(msg)) != 0) {
		zs_fail(NULL, "the document does not fit %s: %s", record, msg);
		return false;
	}
	rk = kafka_producer_new(zs_brokers(), "zs", dr_cb, &delivery);
	if (!rk) {
		free(buf);
		return false;
	}
	ce_attrs_init(&ce, record, source, key, NULL);
	err = rd_kafka_producev(
	        rk, RD_KAFKA_V_TOPIC(topic_name(topic)), RD_KAFKA_V_KEY(key, key ? strlen(key) : 0),
	        RD_KAFKA_V_VALUE(buf, len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_FREE),
	        RD_KAFKA_V_HEADERS(kafka_headers_from_ce(&ce)), RD_KAFKA_V_END);
	if (err) {
		free(buf);
		zs_fail(NULL, "could not produce to %s: %s", topic_name(topic),
		        rd_kafka_err2name(err));
		rd_kafka_destroy(rk);
		return false;
	}
	rd_kafka_flush(rk, 15000);
	rd_kafka_destroy(rk);
	if (delivery != RD_KAFKA_RESP_ERR_NO_ERROR) {
		zs_fail("is Kafka running? (make up)", "delivery to %s failed: %s",
		        topic_name(topic), rd_kafka_err2name(delivery));
		return false;
	}
	return true;
}

rd_kafka_t *
zs_reader(enum topic_id id, bool begin)
{
	const char *topic = topic_name(id);
	char errstr[512];

	/* No group: a reader reads, it never moves anyone's position. */
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_conf_set(conf, "bootstrap.servers", zs_brokers(), errstr, sizeof(errstr));
	rd_kafka_conf_set(conf, "group.id", "zs-tail", errstr, sizeof(errstr));
	rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof(errstr));
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
	if (!rk) {
		zs_fail(NULL, "could not create consumer: %s", errstr);
		return NULL;
	}
	rd_kafka_poll_set_consumer(rk);
	const rd_kafka_metadata_t *md = NULL;
	rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
	rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
	if (err || md->topic_cnt != 1 || md->topics[0].err) {
		rd_kafka_resp_err_t e = err ? err : md->topics[0].err;
		if (md)
			rd_kafka_metadata_destroy(md);
		rd_kafka_topic_destroy(rkt);
		rd_kafka_destroy(rk);
		zs_fail("is Kafka running, and were the topics created? (make up)",
		        "no topic %s: %s", topic, rd_kafka_err2name(e));
		return NULL;
	}
	rd_kafka_topic_partition_list_t *parts =
	        rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt);
	for (int p = 0; p < md->topics[0].partition_cnt; p++)
		rd_kafka_topic_partition_list_add(parts, topic, p)->offset =
		        begin ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_END;
	rd_kafka_metadata_destroy(md);
	rd_kafka_topic_destroy(rkt);
	rd_kafka_assign(rk, parts);
	rd_kafka_topic_partition_list_destroy(parts);
	return rk;
}
