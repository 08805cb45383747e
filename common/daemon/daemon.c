/*
 * daemon.c — the shared steps of every daemon's main().
 */
#include "daemon/daemon.h"
#include "core/log.h"
#include "core/loop.h"
#include "stream/settings.h"

#include <stdio.h>
#include <string.h>

static void
on_stop(void *arg)
{
	struct daemon *d = arg;

	if (d->on_stop)
		d->on_stop(d->arg);
	/* Batches run to completion inside one callback, so nothing is half
	 * applied here: stop taking new ones and leave the loop. */
	projector_stop(d->projector);
	loop_exit();
}

static void
on_reload(void *arg)
{
	struct daemon *d = arg;

	if (d->toegang)
		toegang_reload(d->toegang);
	if (d->on_reload)
		d->on_reload(d->arg);
}

static bool
ready(void *arg)
{
	struct daemon *d = arg;
	return projector_ready(d->projector);
}

bool
daemon_setup(struct daemon *d, int argc, char **argv, const struct config_table *own)
{
	const struct config_table *tables[6];
	char program[64], rel[128];
	int n = 0;

	snprintf(program, sizeof(program), "zs-%s", d->name);
	log_setup(d->name);
	tables[n++] = &core_settings;
	tables[n++] = &stream_settings;
	tables[n++] = &http_settings;
	if (d->personal_data)
		tables[n++] = &toegang_settings;
	if (own)
		tables[n++] = own;
	tables[n] = NULL;
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		config_help(stdout, program, d->summary, tables);
		d->rc = 0;
		return false;
	}
	if (argc > 1) {
		fprintf(stderr,
		        "%s: unknown argument %s\nhint: %s --help lists the settings; "
		        "everything else comes from the environment\n",
		        program, argv[1], program);
		return false;
	}
	if (!config_load(tables))
		return false;
	config_log(tables);
	zs_path(d->schemas_dir, sizeof(d->schemas_dir), "schemas");
	snprintf(rel, sizeof(rel), "services/%s/sql", d->name);
	zs_path(d->sql_dir, sizeof(d->sql_dir), rel);
	loop_setup(&(struct loop_hooks){.on_stop = on_stop, .on_reload = on_reload, .arg = d});
	/* Personal data is served only with tokens, policy and pseudonyms. */
	if (d->personal_data && !(d->toegang = toegang_setup()))
		return false;
	return true;
}

bool
daemon_projector(struct daemon *d, struct projector_config *cfg)
{
	cfg->service = d->name;
	cfg->brokers = stream_brokers;
	cfg->pg_url = stream_pg_url;
	cfg->schemas_dir = d->schemas_dir;
	cfg->sql_dir = d->sql_dir;
	cfg->batch_max = (int)stream_batch_max;
	cfg->max_message_bytes = (size_t)stream_max_message_bytes;
	d->projector = projector_start(cfg);
	return d->projector != NULL;
}

bool
daemon_http(struct daemon *d, long port)
{
	d->http = http_start(loop_base(), http_addr, (int)port);
	if (!d->http)
		return false;
	http_set_ready(d->http, ready, d);
	return true;
}

void
daemon_run(struct daemon *d)
{
	zlog_info("%s ready", d->name);
	loop_run();
	d->rc = 0;
}

int
daemon_exit(struct daemon *d)
{
	http_free(d->http);
	projector_free(d->projector);
	toegang_free(d->toegang);
	loop_teardown();
	if (d->rc != 0 || d->projector)
		zlog_info("%s stopped", d->name);
	return d->rc;
}
