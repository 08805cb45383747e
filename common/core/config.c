/*
 * config.c — the checked settings tables, and where the installation is.
 */
#include "core/config.h"
#include "core/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>
#include <unistd.h>

/* Every ZS_* name that some program, script or test harness of ours reads
 * (generated at build time by tools/build/known-settings.sh): a variable in
 * the environment that is not among them is a typo or a leftover. */
extern const char *const config_known[];

const char *config_log_level, *config_home;
long config_shutdown_grace_s;

static const struct config_key core_keys[] = {
        {"ZS_LOG_LEVEL", CF_WORD, &config_log_level, "info", "lowest level logged",
         .words = "debug|info|warn|error"},
        {"ZS_HOME", CF_STR, &config_home, "",
         "where schemas/, services/*/sql and deploy/ are; empty: the checkout the binary was built in"},
        {"ZS_SHUTDOWN_GRACE_S", CF_INT, &config_shutdown_grace_s, "15",
         "seconds a graceful stop may take before the daemon exits anyway", 0, 600},
};
const struct config_table core_settings = CONFIG_TABLE("core", core_keys);

static const char *
env_value(const struct config_key *k)
{
	const char *v = getenv(k->env);
	return v && *v ? v : k->dflt;
}

static bool
parse_bool(const char *s, bool *out)
{
	if (!strcasecmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "yes") ||
	    !strcasecmp(s, "on"))
		*out = true;
	else if (!strcasecmp(s, "0") || !strcasecmp(s, "false") || !strcasecmp(s, "no") ||
	         !strcasecmp(s, "off"))
		*out = false;
	else
		return false;
	return true;
}

static bool
parse_long(const char *s, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return !errno && end != s && !*end;
}

static bool
is_word(const char *words, const char *s)
{
	size_t n = strlen(s);

	for (const char *w = words; *w;) {
		size_t len = strcspn(w, "|");
		if (len == n && strncmp(w, s, n) == 0)
			return true;
		w += len + (w[len] == '|');
	}
	return false;
}

bool
config_check(const struct config_key *k, const char *v, char *why, size_t whylen)
{
	long n;
	bool b;

	switch (k->type) {
	case CF_STR:
	case CF_SECRET:
		return true;
	case CF_INT:
		if (parse_long(v, &n) && n >= k->min && n <= k->max)
			return true;
		snprintf(why, whylen, "it must be a whole number from %ld to %ld", k->min, k->max);
		return false;
	case CF_BOOL:
		if (parse_bool(v, &b))
			return true;
		snprintf(why, whylen, "it must be true or false (yes/no, on/off, 1/0)");
		return false;
	case CF_WORD:
		if (is_word(k->words, v))
			return true;
		snprintf(why, whylen, "it must be one of %s", k->words);
		return false;
	}
	return false;
}

/* PostgreSQL's shape: short message, then detail (a sentence), then hint. */
static void
setting_error(const char *msg, const char *env, const char *detail, const char *hint)
{
	struct log_ctx ctx = LOG_CTX_INIT;

	ctx.detail = detail;
	ctx.hint = hint;
	log_write(LOG_ERROR, &ctx, "%s %s", msg, env);
}

static bool
load_key(const struct config_key *k)
{
	const char *v = env_value(k);
	char why[256], detail[400];

	if (!v) {
		snprintf(detail, sizeof(detail), "%s has no default and is not set.", k->env);
		setting_error("missing setting", k->env, detail,
		              "Set it in the environment; --help lists every setting.");
		return false;
	}
	if (!config_check(k, v, why, sizeof(why))) {
		/* A secret's value is not repeated, not even a malformed one. */
		snprintf(detail, sizeof(detail), "%s is \"%s\"; %s.", k->env,
		         k->type == CF_SECRET ? "[hidden]" : v, why);
		setting_error(
		        "invalid setting", k->env, detail,
		        "Correct it or unset it to use the default; --help lists every setting.");
		return false;
	}
	switch (k->type) {
	case CF_STR:
	case CF_SECRET:
	case CF_WORD:
		*(const char **)k->target = v;
		break;
	case CF_INT:
		parse_long(v, (long *)k->target);
		break;
	case CF_BOOL:
		parse_bool(v, (bool *)k->target);
		break;
	}
	return true;
}

static bool
in_tables(const struct config_table *const *tables, const char *name, size_t len)
{
	for (int t = 0; tables[t]; t++)
		for (int i = 0; i < tables[t]->n; i++)
			if (strlen(tables[t]->keys[i].env) == len &&
			    strncmp(tables[t]->keys[i].env, name, len) == 0)
				return true;
	return false;
}

static bool
known_elsewhere(const char *name, size_t len)
{
	for (int i = 0; config_known[i]; i++)
		if (strlen(config_known[i]) == len && strncmp(config_known[i], name, len) == 0)
			return true;
	return false;
}

static void
warn_unknown(const struct config_table *const *tables)
{
	extern char **environ;

	for (char **e = environ; *e; e++) {
		size_t len = strcspn(*e, "=");
		char name[128], detail[256];

		if (strncmp(*e, "ZS_", 3) != 0 || in_tables(tables, *e, len) ||
		    known_elsewhere(*e, len))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len < 100 ? len : 100), *e);
		snprintf(detail, sizeof(detail), "No program of zaakstroom reads %s.", name);
		log_write(LOG_WARN,
		          &(struct log_ctx){
		                  .partition = -1,
		                  .offset = -1,
		                  .detail = detail,
		                  .hint = "Check the name for a typo; --help lists every setting."},
		          "unknown setting %s", name);
	}
}

bool
config_load(const struct config_table *const *tables)
{
	bool ok = true;

	/* All keys are checked, so one start shows every wrong value at once. */
	for (int t = 0; tables[t]; t++)
		for (int i = 0; i < tables[t]->n; i++)
			ok &= load_key(&tables[t]->keys[i]);
	if (config_log_level)
		log_set_level(config_log_level);
	warn_unknown(tables);
	return ok;
}

void
config_log(const struct config_table *const *tables)
{
	for (int t = 0; tables[t]; t++)
		for (int i = 0; i < tables[t]->n; i++) {
			const struct config_key *k = &tables[t]->keys[i];
			const char *v = env_value(k);
			zlog_debug("config %s=%s", k->env,
			           k->type == CF_SECRET ? (v ? "[set]" : "[unset]") : (v ? v : ""));
		}
}

void
config_help(FILE *out, const char *program, const char *summary,
            const struct config_table *const *tables)
{
	fprintf(out, "%s — %s\n\nSettings, from the environment:\n", program, summary);
	for (int t = 0; tables[t]; t++)
		for (int i = 0; i < tables[t]->n; i++) {
			const struct config_key *k = &tables[t]->keys[i];
			char kind[96];

			switch (k->type) {
			case CF_INT:
				snprintf(kind, sizeof(kind), "a whole number from %ld to %ld",
				         k->min, k->max);
				break;
			case CF_BOOL:
				snprintf(kind, sizeof(kind), "true or false");
				break;
			case CF_WORD:
				snprintf(kind, sizeof(kind), "one of %s", k->words);
				break;
			case CF_SECRET:
				snprintf(kind, sizeof(kind), "secret text, never logged");
				break;
			case CF_STR:
				snprintf(kind, sizeof(kind), "text");
				break;
			}
			fprintf(out, "\n  %s (%s)\n      %s\n      %s; default: %s\n", k->env,
			        tables[t]->owner, k->doc, kind,
			        !k->dflt   ? "none, required"
			        : *k->dflt ? k->dflt
			                   : "empty");
		}
}

const char *
zs_home(void)
{
	static char home[1024];
	char exe[1024], probe[1100];
	ssize_t n;

	if (home[0])
		return home;
	if (config_home && *config_home) {
		snprintf(home, sizeof(home), "%s", config_home);
		return home;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		/* <home>/build/bin/zs-intake → <home> */
		for (int up = 0; up < 3; up++) {
			char *slash = strrchr(exe, '/');
			if (!slash)
				break;
			*slash = '\0';
		}
		snprintf(probe, sizeof(probe), "%s/schemas", exe);
		if (access(probe, R_OK) == 0) {
			snprintf(home, sizeof(home), "%s", exe);
			return home;
		}
	}
	snprintf(home, sizeof(home), ".");
	return home;
}

void
zs_path(char *out, size_t n, const char *rel)
{
	snprintf(out, n, "%s/%s", zs_home(), rel);
}
