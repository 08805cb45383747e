/*
 * zs.h — the zs command-line tool: shared helpers of its commands.
 */
#ifndef ZS_TOOL_H
#define ZS_TOOL_H

#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <stdbool.h>
#include <stddef.h>

#include "wire/schemaset.h"
#include "stream/topics.h"

/* The schema set of the checkout (ZS_HOME/schemas); exits on failure. */
struct schemaset *zs_schemas(void);
const char *zs_brokers(void);
/* zs's own settings (main.c's table). */
extern const char *zs_intake_url, *zs_keys_dir, *zs_audit_publiek, *zs_notificatie_url, *zs_token;
/* Reads a whole file ("-" = stdin); NULL with a message on stderr. */
char *zs_read_file(const char *path, size_t *len);
json_t *zs_read_json(const char *path);
/* Encodes and produces one event with CloudEvents headers, waiting for the
 * broker's acknowledgement. false with a message on stderr. */
bool zs_produce(enum topic_id topic, const char *key, const char *record, json_t *doc,
                const char *source);
/* Prints "zs: <msg>" (and a hint line) on stderr; returns 1 for exit codes. */
int zs_fail(const char *hint, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A consumer of every partition of a topic, from its beginning or its end,
 * outside any group. NULL after a message on stderr. */
rd_kafka_t *zs_reader(enum topic_id id, bool begin);

int zs_cmd_topics(int argc, char **argv);
int zs_cmd_catalogus(int argc, char **argv);
int zs_cmd_aanvraag(int argc, char **argv);
int zs_cmd_opdracht(int argc, char **argv);
int zs_cmd_tail(int argc, char **argv);
int zs_cmd_avro(int argc, char **argv);
int zs_cmd_audit(int argc, char **argv);
int zs_cmd_abonnement(int argc, char **argv);

#endif
