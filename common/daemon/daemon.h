/*
 * daemon.h — what every daemon's main() does in the same order, as one call
 * per step, so that main() reads as the daemon's own ordered list: settings
 * (its table plus the common ones it obeys), the loop with its signals, token
 * verification and the policy when it serves personal data, the projector,
 * an HTTP port with /healthz, /readyz and /metrics, then the loop, then one
 * cleanup in a fixed order.
 *
 *   struct daemon d = DAEMON_INIT("intake", "a resident's aanvraag becomes a zaak");
 *   if (!daemon_setup(&d, argc, argv, &intake_settings))
 *           return daemon_exit(&d);
 *   if (!daemon_projector(&d, &(struct projector_config){...}) || !daemon_http(&d, port))
 *           return daemon_exit(&d);
 *   ... routes, timers ...
 *   daemon_run(&d);
 *   return daemon_exit(&d);
 *
 * The daemon layer sits on top of common/ and may use all of it.
 */
#ifndef ZS_DAEMON_H
#define ZS_DAEMON_H

#include <stdbool.h>

#include "access/toegang.h"
#include "core/config.h"
#include "http/http.h"
#include "stream/projector.h"

struct daemon {
	const char *name;    /* "intake": logs, group id, schema, ce_source */
	const char *summary; /* one line for --help */
	bool personal_data;  /* serves personal data: toegang's settings and setup */
	struct projector *projector;
	struct http_server *http;
	struct toegang *toegang;
	char schemas_dir[1024];
	char sql_dir[1024];
	/* Optional: more to stop on SIGTERM before the loop ends (the
	 * projector stops and the loop exits anyway), more to reload on SIGHUP
	 * (the policy is reloaded anyway). */
	void (*on_stop)(void *arg);
	void (*on_reload)(void *arg);
	void *arg;
	int rc; /* what daemon_exit returns: 1 until daemon_run ran, 0 for --help */
};

#define DAEMON_INIT(name_, summary_)                                                               \
	{                                                                                          \
		.name = (name_), .summary = (summary_), .rc = 1                                    \
	}

/* Logging, --help, the settings (core, stream, http, access when
 * personal_data, then own, which may be NULL), the loop and its signals;
 * with personal_data also token verification, pseudonyms and the policy
 * (toegang). False: return daemon_exit(d). */
bool daemon_setup(struct daemon *d, int argc, char **argv, const struct config_table *own);
/* Fills in what every daemon's projector shares (service, brokers,
 * PostgreSQL, schemas/ and services/<name>/sql, batch and message bounds)
 * and starts it. */
bool daemon_projector(struct daemon *d, struct projector_config *cfg);
/* An HTTP port on the main loop (ZS_HTTP_ADDR:port), ready when the
 * projector is. */
bool daemon_http(struct daemon *d, long port);
/* Runs the loop until a stop; the daemon is then done. */
void daemon_run(struct daemon *d);
/* Frees in a fixed order: HTTP, projector, toegang, loop. Returns d->rc. */
int daemon_exit(struct daemon *d);

#endif
