/*
 * zs-inzage — what the municipality holds about a person, told to them:
 * "door inzicht minder inzage".
 *
 * Consumes the catalogus (what each eigenschap means), the zaken
 * (ZaakGeregistreerd and the status facts), berichten, raadplegingen,
 * dataverwerkingen and inzage topics into a register per betrokkene keyed by
 * pseudonym; serves mijn-gegevens and requests under the AVG with their
 * legal term (inzage.h, api.h); watches the deadlines
 * (InzageTermijnBewaking) and keeps the figures the FG needs on /metrics.
 */
#include "api.h"
#include "core/loop.h"
#include "daemon/daemon.h"
#include "inzage.h"
#include "lezer.h"
#include "stream/settings.h"
#include "zgw/verwerkingsregister.h"

static const char *vandaag, *gemeente, *register_pad;
static long http_port, lezers, interval_s, chunk, venster;

static const struct config_key inzage_keys[] = {
        {"ZS_INZAGE_HTTP_PORT", CF_INT, &http_port, "8085",
         "port of mijn-gegevens and the inzageverzoeken API, /healthz, /readyz, /metrics", 1,
         65535},
        {"ZS_INZAGE_API_THREADS", CF_INT, &lezers, "2",
         "threads (each with its own PostgreSQL connection) that read mijn-gegevens and the "
         "art. 15 reports off the main loop",
         1, LEZERS_MAX},
        {"ZS_INZAGE_BEWAKING_INTERVAL_S", CF_INT, &interval_s, "60",
         "seconds between two runs of the inzage deadline watch (and the figures)", 1, 86400},
        {"ZS_INZAGE_BEWAKING_CHUNK", CF_INT, &chunk, "500",
         "requests the deadline watch handles per transaction", 1, 100000},
        {"ZS_INZAGE_LOGBOEK_VENSTER", CF_INT, &venster, "100000",
         "offsets per partition of dataverwerkingen whose ce_ids are kept, so that one sent "
         "again is counted once (zs-audit resends within its unacknowledged backlog)",
         10000, 100000000},
        {"ZS_INZAGE_VERWERKINGSREGISTER", CF_STR, &register_pad,
         "deploy/verwerkingsregister/platform.json",
         "the platform's own verwerkingsactiviteiten, whose names and purposes a person's "
         "overview gives (relative: under ZS_HOME)"},
        {"ZS_INZAGE_GEMEENTE", CF_STR, &gemeente, "Gemeente Den Haag",
         "who answers requests, as the art. 15 report names it"},
        {"ZS_VANDAAG", CF_STR, &vandaag, "",
         "YYYY-MM-DD: the day the deadline watch believes it is (tests, demos); empty: the clock"},
};
static const struct config_table inzage_settings = CONFIG_TABLE("inzage", inzage_keys);

static void
on_bewaking(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	struct inzage *z = d->arg;

	(void)fd;
	(void)what;
	if (loop_stopping())
		return;
	inzage_bewaking(z);
	inzage_cijfers(z);
	toegang_metrics_bij(d->toegang);
}

static bool
inzage_configure(struct inzage *z)
{
	char err[512];

	if (!inzage_zet_vandaag(z, vandaag)) {
		log_write(LOG_ERROR,
		          &(struct log_ctx){.partition = -1,
		                            .offset = -1,
		                            .detail = "ZS_VANDAAG must be a date as YYYY-MM-DD, or "
		                                      "empty for the clock."},
		          "invalid setting ZS_VANDAAG");
		return false;
	}
	if (z->vandaag_vast != DATUM_ONGELDIG)
		zlog_warn("deadline watch runs on ZS_VANDAAG %s, not on the clock", vandaag);
	z->platform = verwerkingsregister_laad(register_pad, err, sizeof(err));
	if (!z->platform) {
		log_write(LOG_ERROR,
		          &(struct log_ctx){.partition = -1, .offset = -1, .detail = err},
		          "could not load the platform's verwerkingsregister "
		          "(ZS_INZAGE_VERWERKINGSREGISTER)");
		return false;
	}
	z->bewaking_chunk = (int)chunk;
	z->logboek_venster = venster;
	z->gemeente = gemeente;
	return true;
}

int
main(int argc, char **argv)
{
	static const enum topic_id topics[] = {TOPIC_ZAKEN, TOPIC_BERICHTEN, TOPIC_RAADPLEGINGEN,
	                                       TOPIC_DATAVERWERKINGEN, TOPIC_INZAGE};
	struct daemon d = DAEMON_INIT("inzage", "a person's data, purposes, recipients and "
	                                        "look-ups; requests under the AVG within the "
	                                        "legal term");
	struct inzage z;
	struct inzage_api *api = NULL;
	struct event *ev_start = NULL, *ev_bewaking = NULL;
	struct timeval kort = {.tv_sec = 2};

	d.personal_data = true;
	d.arg = &z;
	inzage_init(&z);
	if (!daemon_setup(&d, argc, argv, &inzage_settings) || !inzage_configure(&z))
		goto out;
	z.sleutel = toegang_sleutel(d.toegang);
	if (!daemon_projector(&d, &(struct projector_config){
	                                  .topics = topics,
	                                  .ntopics = (int)(sizeof(topics) / sizeof(topics[0])),
	                                  .broadcast_topic = TOPIC_CATALOGUS,
	                                  .on_broadcast = inzage_catalogus,
	                                  .prepare = inzage_prepare,
	                                  .apply = inzage_apply,
	                                  .arg = &z,
	                          }))
		goto out;
	z.p = d.projector;
	if (!daemon_http(&d, http_port))
		goto out;
	api = inzage_api_start(&z, d.toegang, d.http, stream_brokers, d.schemas_dir, stream_pg_url,
	                       (int)lezers);
	if (!api)
		goto out;
	/* The deadline watch: soon after start (what came due while we were
	 * down), then every interval. */
	ev_start = evtimer_new(loop_base(), on_bewaking, &d);
	evtimer_add(ev_start, &kort);
	ev_bewaking = loop_every((int)interval_s * 1000, on_bewaking, &d);
	daemon_run(&d);
out:
	if (ev_start)
		event_free(ev_start);
	if (ev_bewaking)
		event_free(ev_bewaking);
	inzage_api_free(api);
	daemon_exit(&d);
	inzage_free(&z);
	return d.rc;
}
