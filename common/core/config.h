/*
 * config.h — settings from the environment (12-factor), each declared once in
 * a checked table: name, type, default, bounds, doc.
 *
 * A module that has settings owns a table of them (the projector's Kafka and
 * PostgreSQL, the HTTP limits, the access path); a daemon owns a table of its
 * own and loads its tables together with the common ones it uses. Nothing
 * reads the environment on the side: a malformed or out-of-range value stops
 * start-up naming the key, the value and what is allowed, and a ZS_* variable
 * that no program of ours reads is warned about, so a typo does not pass.
 */
#ifndef ZS_CONFIG_H
#define ZS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum config_type {
	CF_STR,    /* const char ** */
	CF_SECRET, /* const char **, never printed */
	CF_INT,    /* long *, within [min, max] */
	CF_BOOL,   /* bool *: true/false, yes/no, on/off, 1/0 */
	CF_WORD,   /* const char **, one of words ("debug|info|warn|error") */
};

struct config_key {
	const char *env; /* "ZS_KAFKA_BROKERS" */
	enum config_type type;
	void *target;
	const char *dflt; /* default as text; NULL = required */
	const char *doc;
	long min, max;     /* CF_INT */
	const char *words; /* CF_WORD */
};

struct config_table {
	const char *owner; /* "stream", "intake": where the setting is obeyed */
	const struct config_key *keys;
	int n;
};

#define CONFIG_TABLE(owner, keys)                                                                  \
	{                                                                                          \
		(owner), (keys), (int)(sizeof(keys) / sizeof((keys)[0]))                           \
	}

/* The settings every program of ours obeys: ZS_LOG_LEVEL, ZS_HOME,
 * ZS_SHUTDOWN_GRACE_S. */
extern const struct config_table core_settings;
extern const char *config_log_level, *config_home;
extern long config_shutdown_grace_s;

/* Fills every target of every table (NULL-terminated list) from the
 * environment or its default. On a missing, malformed or out-of-range value
 * logs key, value and what is allowed, and returns false. Warns about ZS_*
 * variables that are not in the tables and that no program of ours reads. */
bool config_load(const struct config_table *const *tables);
/* What is in effect, one debug line per key (secrets as [set]/[unset]). */
void config_log(const struct config_table *const *tables);
/* The tables as a help text: key, type and bounds, default, doc. */
void config_help(FILE *out, const char *program, const char *summary,
                 const struct config_table *const *tables);

/* Checks one value against one key without storing it; on false, why is
 * "must be an integer from 1 to 10000" and the like. For tests and tools. */
bool config_check(const struct config_key *k, const char *value, char *why, size_t whylen);

/* Where schemas/ and services/<daemon>/sql live: ZS_HOME, else the checkout
 * the binary was built in (build/bin/../..), else the working directory. */
const char *zs_home(void);
/* "<zs_home>/<rel>" into out. */
void zs_path(char *out, size_t n, const char *rel);

#endif
