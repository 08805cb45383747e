/*
 * zs-status — afhandelcomponenten move zaken through their statuses.
 *
 * Consumes the catalogus, zaakstroom.zaken (ZaakGeregistreerd) and the
 * opdrachten on zaakstroom.zaak-opdrachten; emits the facts on zaakstroom.zaken
 * and the outcomes on zaakstroom.opdracht-uitkomsten; watches the deadlines.
 */
#include "config.h"
#include "http.h"
#include "log.h"
#include "loop.h"
#include "projector.h"
#include "status.h"

#include <stdlib.h>

static const char *brokers, *pg_url, *http_addr, *vandaag;
static long http_port, batch_max, max_bytes, nadert_dagen, wacht_s, termijn_interval_s;
static bool terugzetten;

static const struct config_key settings[] = {
        {"ZS_BATCH_MAX", CF_INT, &batch_max, "500", "messages applied per transaction"},
        {"ZS_HTTP_ADDR", CF_STR, &http_addr, "127.0.0.1", "address to listen on"},
        {"ZS_KAFKA_BROKERS", CF_STR, &brokers, "127.0.0.1:59092", "Kafka bootstrap servers"},
        {"ZS_MAX_MESSAGE_BYTES", CF_INT, &max_bytes, "262144", "larger messages are dead letters"},
        {"ZS_PG_URL", CF_SECRET, &pg_url, "postgresql://postgres@127.0.0.1:55432/zaakstroom",
         "PostgreSQL connection URL"},
        {"ZS_STATUS_HTTP_PORT", CF_INT, &http_port, "8082", "port of the Track & Trace API"},
        {"ZS_STATUS_TERUGZETTEN", CF_BOOL, &terugzetten, "false",
         "allow a status to be set back (with a reason)"},
        {"ZS_STATUS_WACHT_S", CF_INT, &wacht_s, "300",
         "seconds an opdracht waits for its zaak's registration before it is refused"},
        {"ZS_TERMIJN_INTERVAL_S", CF_INT, &termijn_interval_s, "60",
         "seconds between deadline checks"},
        {"ZS_TERMIJN_NADERT_DAGEN", CF_INT, &nadert_dagen, "5",
         "days before a deadline that it is announced as approaching"},
        {"ZS_VANDAAG", CF_STR, &vandaag, "",
         "YYYY-MM-DD: the day the deadline watch believes it is (tests)"},
};

static struct status status;
static struct projector *projector;
static struct event *ev_termijn, *ev_wacht;

static void
on_stop(void *arg)
{
	(void)arg;
	projector_stop(projector);
	loop_exit();
}

static bool
ready(void *arg)
{
	(void)arg;
	return projector_ready(projector);
}

static void
on_termijn(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (!loop_stopping())
		status_termijnbewaking(&status);
}

static void
on_wacht(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (!loop_stopping())
		status_wachtenden_opruimen(&status);
}

int
main(void)
{
	static const enum topic_id topics[] = {TOPIC_CATALOGUS, TOPIC_ZAKEN, TOPIC_ZAAK_OPDRACHTEN};
	struct loop_hooks hooks = {.on_stop = on_stop};
	struct http_server *http = NULL;
	char schemas_dir[1024], sql_dir[1024];
	int rc = 1;

	log_setup("status");
	if (!config_load(settings, sizeof(settings) / sizeof(settings[0])))
		return 1;
	config_log(settings, sizeof(settings) / sizeof(settings[0]));
	zs_path(schemas_dir, sizeof(schemas_dir), "schemas");
	zs_path(sql_dir, sizeof(sql_dir), "services/status/sql");
	loop_setup(&hooks);
	status_init(&status);
	status.inst.terugzetten_toegestaan = terugzetten;
	status.nadert_dagen = (int)nadert_dagen;
	status.wacht_s = (int)wacht_s;
	status.vandaag = *vandaag ? vandaag : NULL;

	struct projector_config cfg = {
	        .service = "status",
	        .brokers = brokers,
	        .pg_url = pg_url,
	        .schemas_dir = schemas_dir,
	        .sql_dir = sql_dir,
	        .topics = topics,
	        .ntopics = 3,
	        .batch_max = (int)batch_max,
	        .max_message_bytes = (size_t)max_bytes,
	        .prepare = status_prepare,
	        .apply = status_apply,
	        .rolled_back = status_rolled_back,
	        .arg = &status,
	};
	projector = projector_start(&cfg);
	if (!projector)
		goto out;
	status.p = projector;
	if (!status_load_catalogus(&status, projector_pg(projector)))
		goto out;
	ev_termijn = loop_every((int)termijn_interval_s * 1000, on_termijn, NULL);
	ev_wacht = loop_every(wacht_s < 10 ? 1000 : 10000, on_wacht, NULL);
	http = http_start(loop_base(), http_addr, (int)http_port);
	if (!http)
		goto out;
	http_set_ready(http, ready, NULL);

	zlog_info("status ready");
	loop_run();
	rc = 0;
out:
	if (ev_termijn)
		event_free(ev_termijn);
	if (ev_wacht)
		event_free(ev_wacht);
	http_free(http);
	projector_free(projector);
	status_free(&status);
	loop_teardown();
	zlog_info("status stopped");
	return rc;
}
