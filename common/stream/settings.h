/*
 * settings.h — the settings of the stream layer, obeyed by every daemon and
 * tool that talks to Kafka or PostgreSQL: where they are, how topics are
 * named, how large a batch and a message may be. One checked table; programs
 * load it with config_load() before they use the stream layer.
 */
#ifndef ZS_STREAM_SETTINGS_H
#define ZS_STREAM_SETTINGS_H

#include "core/config.h"

extern const struct config_table stream_settings;

extern const char *stream_brokers; /* ZS_KAFKA_BROKERS */
extern const char *stream_pg_url;  /* ZS_PG_URL */
extern const char *stream_topic_prefix;
extern const char *stream_group_id; /* empty: the daemon's name */
extern const char *stream_ce_source_prefix;
extern long stream_batch_max, stream_max_message_bytes, stream_linger_ms;

#endif
