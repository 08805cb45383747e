/*
 * config.c — environment variables with defaults.
 */
#include "core/config.h"
#include "core/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>
#include <unistd.h>

const char *
config_str(const char *env, const char *dflt)
{
	const char *v = getenv(env);
	return v && *v ? v : dflt;
}

long
config_int(const char *env, long dflt)
{
	const char *v = getenv(env);
	char *end;
	long n;

	if (!v || !*v)
		return dflt;
	errno = 0;
	n = strtol(v, &end, 10);
	return errno || *end ? dflt : n;
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

bool
config_load(const struct config_key *keys, int n)
{
	for (int i = 0; i < n; i++) {
		const struct config_key *k = &keys[i];
		const char *v = config_str(k->env, k->dflt);
		char *end;

		if (!v) {
			log_write(LOG_ERROR,
			          &(struct log_ctx){.partition = -1, .offset = -1, .hint = k->doc},
			          "missing configuration %s", k->env);
			return false;
		}
		switch (k->type) {
		case CF_STR:
		case CF_SECRET:
			*(const char **)k->target = v;
			break;
		case CF_INT:
			errno = 0;
			*(long *)k->target = strtol(v, &end, 10);
			if (errno || *end || end == v) {
				log_write(LOG_ERROR, NULL, "invalid integer for %s", k->env);
				return false;
			}
			break;
		case CF_BOOL:
			if (!parse_bool(v, (bool *)k->target)) {
				log_write(LOG_ERROR, NULL, "invalid boolean for %s", k->env);
				return false;
			}
			break;
		}
	}
	return true;
}

void
config_log(const struct config_key *keys, int n)
{
	for (int i = 0; i < n; i++) {
		const struct config_key *k = &keys[i];
		const char *v = config_str(k->env, k->dflt);
		zlog_debug("config %s=%s", k->env,
		           k->type == CF_SECRET ? (v ? "[set]" : "[unset]") : (v ? v : ""));
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
	if (getenv("ZS_HOME") && *getenv("ZS_HOME")) {
		snprintf(home, sizeof(home), "%s", getenv("ZS_HOME"));
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
