/*
 * config.h — configuration from the environment (12-factor), with defaults.
 * Every daemon describes its settings as a table of config_key; config_load()
 * fills the table, and config_log() prints what is in effect (secrets hidden).
 */
#ifndef ZS_CONFIG_H
#define ZS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum config_type { CF_STR, CF_INT, CF_BOOL, CF_SECRET };

struct config_key {
	const char *env; /* e.g. "ZS_KAFKA_BROKERS" */
	enum config_type type;
	void *target;     /* const char ** | long * | bool * */
	const char *dflt; /* default as text; NULL = required */
	const char *doc;
};

/* Fills every target from the environment or its default. Returns false and
 * logs which key is wrong when a required key is missing or a value malformed. */
bool config_load(const struct config_key *keys, int n);
void config_log(const struct config_key *keys, int n);

/* One-off reads, for tools. */
const char *config_str(const char *env, const char *dflt);
long config_int(const char *env, long dflt);

/* Where schemas/ and services/<daemon>/sql live: ZS_HOME, else the checkout
 * the binary was built in (build/bin/../..), else the working directory. */
const char *zs_home(void);
/* "<zs_home>/<rel>" in a static buffer per call site's copy. */
void zs_path(char *out, size_t n, const char *rel);

#endif
