/*
 * topics.h — the one list of Kafka topics: names, partitions, compaction.
 * Names are "<prefix><suffix>"; the prefix (ZS_TOPIC_PREFIX, default
 * "zaakstroom.") lets tests and tenants run side by side on one cluster.
 */
#ifndef ZS_TOPICS_H
#define ZS_TOPICS_H

#include <stdbool.h>

enum topic_id {
	TOPIC_CATALOGUS,
	TOPIC_AANVRAGEN,
	TOPIC_AANVRAAG_UITKOMSTEN,
	TOPIC_ZAKEN,
	TOPIC_ZAAK_OPDRACHTEN,
	TOPIC_OPDRACHT_UITKOMSTEN,
	TOPIC_BERICHTEN,
	TOPIC_RAADPLEGINGEN,
	TOPIC_INZAGE,
	TOPIC_AUDIT,
	TOPIC_DATAVERWERKINGEN,
	TOPIC_DLQ,
	TOPIC__COUNT
};

struct topic_def {
	const char *suffix;
	int partitions;
	bool compacted;
	const char *doc;
};

extern const struct topic_def topic_defs[TOPIC__COUNT];

/* Full name with the configured prefix. */
const char *topic_name(enum topic_id id);
/* The id of a full topic name, or -1. */
int topic_by_name(const char *name);
/* The id of a suffix ("aanvragen") or full name, or -1. */
int topic_lookup(const char *name_or_suffix);

#endif
