/*
 * settings.c — the stream layer's settings table.
 */
#include "stream/settings.h"

const char *stream_brokers, *stream_pg_url, *stream_topic_prefix, *stream_group_id,
        *stream_ce_source_prefix;
long stream_batch_max, stream_max_message_bytes, stream_linger_ms;

static const struct config_key stream_keys[] = {
        {"ZS_KAFKA_BROKERS", CF_STR, &stream_brokers, "127.0.0.1:59092", "Kafka bootstrap servers"},
        {"ZS_PG_URL", CF_SECRET, &stream_pg_url, "postgresql://postgres@127.0.0.1:55432/zaakstroom",
         "PostgreSQL connection URL (each daemon uses its own schema)"},
        {"ZS_TOPIC_PREFIX", CF_STR, &stream_topic_prefix, "zaakstroom.",
         "topic name prefix (several environments, or tests, on one cluster)"},
        {"ZS_GROUP_ID", CF_STR, &stream_group_id, "",
         "consumer group and offsets key; empty: the daemon's name"},
        {"ZS_CE_SOURCE_PREFIX", CF_STR, &stream_ce_source_prefix,
         "urn:nld:oin:00000001003214345000:systeem:zaakstroom-",
         "CloudEvents source of what we emit, before the daemon's name (the municipality's OIN)"},
        {"ZS_BATCH_MAX", CF_INT, &stream_batch_max, "500", "messages applied per transaction", 1,
         10000},
        {"ZS_MAX_MESSAGE_BYTES", CF_INT, &stream_max_message_bytes, "262144",
         "larger messages are dead letters", 1024, 16 * 1024 * 1024},
        {"ZS_KAFKA_LINGER_MS", CF_INT, &stream_linger_ms, "2",
         "how long the producer gathers messages into one request", 0, 1000},
};
const struct config_table stream_settings = CONFIG_TABLE("stream", stream_keys);
