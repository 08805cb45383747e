/*
 * zs-status — afhandelcomponenten move zaken through their statuses.
 *
 * Consumes the catalogus, the zaken (ZaakGeregistreerd) and the
 * zaak-opdrachten; judges every opdracht against the zaak and its zaaktype,
 * emits the facts (StatusGezet, ZaakAfgesloten, ...) on the zaken topic and
 * OpdrachtUitgevoerd / OpdrachtGeweigerd on opdracht-uitkomsten; watches the
 * deadlines (TermijnBewaking); keeps the read model the Track & Trace API
 * serves: the Track & Trace API (api.h) with /healthz, /readyz, /metrics.
 */
#include "api.h"
#include "core/config.h"
#include "core/log.h"
#include "core/loop.h"
#include "stream/projector.h"
#include "status.h"
#include "access/toegang.h"

#include <stdlib.h>

static const char *brokers, *pg_url, *http_addr, *vandaag;
static long http_port, batch_max, max_bytes, nadert_dagen, termijn_interval_s, termijn_chunk,
        wacht_s;
static bool terugzetten;

static const struct config_key settings[] = {
        {"ZS_BATCH_MAX", CF_INT, &batch_max, "500", "messages applied per transaction"},
        {"ZS_HTTP_ADDR", CF_STR, &http_addr, "127.0.0.1", "address to listen on"},
        {"ZS_KAFKA_BROKERS", CF_STR, &brokers, "127.0.0.1:59092", "Kafka bootstrap servers"},
        {"ZS_MAX_MESSAGE_BYTES", CF_INT, &max_bytes, "262144", "larger messages are dead letters"},
        {"ZS_PG_URL", CF_SECRET, &pg_url, "postgresql://postgres@127.0.0.1:55432/zaakstroom",
         "PostgreSQL connection URL"},
        {"ZS_STATUS_HTTP_PORT", CF_INT, &http_port, "8082",
         "port of the Track & Trace API, /healthz, /readyz, /metrics"},
        {"ZS_STATUS_TERUGZETTEN", CF_BOOL, &terugzetten, "false",
         "whether a status may go back (always with terugzettenReden)"},
        {"ZS_STATUS_WACHT_S", CF_INT, &wacht_s, "300",
         "seconds an opdracht waits for its zaak's registration before zaak.onbekend"},
        {"ZS_TERMIJN_CHUNK", CF_INT, &termijn_chunk, "1000",
         "due deadline events handled per transaction"},
        {"ZS_TERMIJN_INTERVAL_S", CF_INT, &termijn_interval_s, "60",
         "seconds between two runs of the deadline watch"},
        {"ZS_TERMIJN_NADERT_DAGEN", CF_INT, &nadert_dagen, "5",
         "days before a deadline that TermijnBewaking 'nadert' is emitted (0: never)"},
        {"ZS_VANDAAG", CF_STR, &vandaag, "",
         "YYYY-MM-DD: the day the deadline watch believes it is (tests, demos); empty: the clock"},
};

#define NSETTINGS ((int)(sizeof(settings) / sizeof(settings[0])))

static struct status status;
static struct projector *projector;
static struct toegang *toegang;
static struct event *ev_termijn, *ev_termijn_start, *ev_wacht;

static void
on_stop(void *arg)
{
	(void)arg;
	/* Batches and timer transactions run to completion inside one
	 * callback, so nothing is half applied here. */
	projector_stop(projector);
	loop_exit();
}

static void
on_reload(void *arg)
{
	(void)arg;
	if (toegang)
		toegang_reload(toegang);
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
	if (!loop_stopping())
		status_termijnbewaking(arg);
}

static void
on_wacht(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	if (loop_stopping())
		return;
	status_zaaktypen_bijwerken(arg);
	status_wachtenden_opruimen(arg);
}

static bool
settings_valid(void)
{
	if (nadert_dagen < 0 || nadert_dagen > 366 || termijn_interval_s < 1 || termijn_chunk < 1 ||
	    termijn_chunk > 100000 || wacht_s < 1 || batch_max < 1) {
		zlog_error("invalid setting: ZS_TERMIJN_NADERT_DAGEN 0..366, ZS_TERMIJN_INTERVAL_S,"
		           " ZS_STATUS_WACHT_S and ZS_BATCH_MAX at least 1, ZS_TERMIJN_CHUNK"
		           " 1..100000");
		return false;
	}
	if (!status_zet_vandaag(&status, vandaag)) {
		zlog_error("invalid setting: ZS_VANDAAG must be YYYY-MM-DD or empty");
		return false;
	}
	return true;
}

int
main(void)
{
	static const enum topic_id topics[] = {TOPIC_ZAKEN, TOPIC_ZAAK_OPDRACHTEN};
	struct loop_hooks hooks = {.on_stop = on_stop, .on_reload = on_reload};
	struct api *api = NULL;
	char schemas_dir[1024], sql_dir[1024];
	struct timeval kort = {.tv_sec = 2};
	int rc = 1;

	log_setup("status");
	if (!config_load(settings, NSETTINGS))
		return 1;
	config_log(settings, NSETTINGS);
	zs_path(schemas_dir, sizeof(schemas_dir), "schemas");
	zs_path(sql_dir, sizeof(sql_dir), "services/status/sql");
	loop_setup(&hooks);
	status_init(&status);
	if (!settings_valid())
		goto out;
	/* Personal data is served only with tokens, policy and pseudonyms. */
	toegang = toegang_setup();
	if (!toegang)
		goto out;
	status.inst.terugzetten_toegestaan = terugzetten;
	status.nadert_dagen = (int)nadert_dagen;
	status.termijn_chunk = (int)termijn_chunk;
	status.wacht_s = (int)wacht_s;
	if (status.vandaag != DATUM_ONGELDIG)
		zlog_warn("deadline watch runs on ZS_VANDAAG %s, not on the clock", vandaag);

	struct projector_config cfg = {
	        .service = "status",
	        .brokers = brokers,
	        .pg_url = pg_url,
	        .schemas_dir = schemas_dir,
	        .sql_dir = sql_dir,
	        .topics = topics,
	        .ntopics = 2,
	        .broadcast_topic = TOPIC_CATALOGUS,
	        .on_broadcast = status_catalogus,
	        .batch_max = (int)batch_max,
	        .max_message_bytes = (size_t)max_bytes,
	        .prepare = afscherming_prepare,
	        .apply = afscherming_apply,
	        .arg = &status,
	};
	projector = projector_start(&cfg);
	if (!projector)
		goto out;
	status.p = projector;
	/* The deadline watch: soon after start (what came due while we were
	 * down), then every interval. Waiting opdrachten: a few times per bound. */
	ev_termijn_start = evtimer_new(loop_base(), on_termijn, &status);
	evtimer_add(ev_termijn_start, &kort);
	ev_termijn = loop_every((int)termijn_interval_s * 1000, on_termijn, &status);
	ev_wacht = loop_every(wacht_s < 40 ? (int)(wacht_s * 250) : 10000, on_wacht, &status);
	api = api_start(toegang, &(struct api_config){.addr = http_addr,
	                                              .port = (int)http_port,
	                                              .pg_url = pg_url,
	                                              .brokers = brokers,
	                                              .schemas_dir = schemas_dir,
	                                              .ready = ready});
	if (!api)
		goto out;

	zlog_info("status ready");
	loop_run();
	rc = 0;
out:
	if (ev_termijn_start)
		event_free(ev_termijn_start);
	if (ev_termijn)
		event_free(ev_termijn);
	if (ev_wacht)
		event_free(ev_wacht);
	api_free(api);
	projector_free(projector);
	toegang_free(toegang);
	status_free(&status);
	loop_teardown();
	zlog_info("status stopped");
	return rc;
}
