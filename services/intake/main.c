/*
 * zs-intake — a resident's aanvraag becomes a zaak.
 *
 * Consumes the catalogus and the aanvragen; registers zaken and emits
 * ZaakGeregistreerd with AanvraagGeaccepteerd, or AanvraagAfgewezen with every
 * reason; serves GET /api/v1/aanvragen/{id} for portals that poll.
 */
#include "core/config.h"
#include "http/http.h"
#include "intake.h"
#include "core/log.h"
#include "core/loop.h"
#include "stream/projector.h"

#include <stdlib.h>

static const char *brokers, *pg_url, *http_addr, *bronorganisatie;
static long http_port, batch_max, max_bytes;

static const struct config_key settings[] = {
        {"ZS_BATCH_MAX", CF_INT, &batch_max, "500", "messages applied per transaction"},
        {"ZS_BRONORGANISATIE", CF_STR, &bronorganisatie, "002220647", "RSIN of the municipality"},
        {"ZS_HTTP_ADDR", CF_STR, &http_addr, "127.0.0.1", "address to listen on"},
        {"ZS_INTAKE_HTTP_PORT", CF_INT, &http_port, "8081", "port of the aanvraag status API"},
        {"ZS_KAFKA_BROKERS", CF_STR, &brokers, "127.0.0.1:59092", "Kafka bootstrap servers"},
        {"ZS_MAX_MESSAGE_BYTES", CF_INT, &max_bytes, "262144", "larger messages are dead letters"},
        {"ZS_PG_URL", CF_SECRET, &pg_url, "postgresql://postgres@127.0.0.1:55432/zaakstroom",
         "PostgreSQL connection URL"},
};

static struct intake intake;
static struct projector *projector;

static void
on_stop(void *arg)
{
	(void)arg;
	/* Batches run to completion inside one callback, so nothing is half
	 * applied here: stop taking new ones and leave the loop. */
	projector_stop(projector);
	loop_exit();
}

static bool
ready(void *arg)
{
	(void)arg;
	return projector_ready(projector);
}

int
main(void)
{
	static const enum topic_id topics[] = {TOPIC_AANVRAGEN};
	struct loop_hooks hooks = {.on_stop = on_stop};
	struct http_server *http = NULL;
	char schemas_dir[1024], sql_dir[1024];
	int rc = 1;

	log_setup("intake");
	if (!config_load(settings, sizeof(settings) / sizeof(settings[0])))
		return 1;
	config_log(settings, sizeof(settings) / sizeof(settings[0]));
	zs_path(schemas_dir, sizeof(schemas_dir), "schemas");
	zs_path(sql_dir, sizeof(sql_dir), "services/intake/sql");
	loop_setup(&hooks);
	intake_init(&intake, bronorganisatie);

	struct projector_config cfg = {
	        .service = "intake",
	        .brokers = brokers,
	        .pg_url = pg_url,
	        .schemas_dir = schemas_dir,
	        .sql_dir = sql_dir,
	        .topics = topics,
	        .ntopics = 1,
	        .broadcast_topic = TOPIC_CATALOGUS,
	        .on_broadcast = intake_catalogus,
	        .batch_max = (int)batch_max,
	        .max_message_bytes = (size_t)max_bytes,
	        .prepare = intake_prepare,
	        .apply = intake_apply,
	        .arg = &intake,
	};
	projector = projector_start(&cfg);
	if (!projector)
		goto out;
	intake.p = projector;
	http = http_start(loop_base(), http_addr, (int)http_port);
	if (!http)
		goto out;
	intake_routes(&intake, http);
	http_set_ready(http, ready, NULL);

	zlog_info("intake ready");
	loop_run();
	rc = 0;
out:
	http_free(http);
	projector_free(projector);
	intake_free(&intake);
	loop_teardown();
	zlog_info("intake stopped");
	return rc;
}
