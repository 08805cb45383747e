/*
 * zs-status — afhandelcomponenten move zaken through their statuses.
 *
 * Consumes the catalogus, the zaken (ZaakGeregistreerd) and the
 * zaak-opdrachten; judges every opdracht against the zaak and its zaaktype,
 * emits the facts (StatusGezet, ZaakAfgesloten, ...) on the zaken topic and
 * OpdrachtUitgevoerd / OpdrachtGeweigerd on opdracht-uitkomsten; watches the
 * deadlines (TermijnBewaking); keeps the read model the Track & Trace API
 * (api.h) serves, with /healthz, /readyz, /metrics, on several threads.
 */
#include "api.h"
#include "core/loop.h"
#include "daemon/daemon.h"
#include "http/http_pool.h"
#include "status.h"
#include "stream/settings.h"

static const char *vandaag;
static long http_port, api_threads, nadert_dagen, termijn_interval_s, termijn_chunk, wacht_s;
static bool terugzetten;
static struct web_config web_cfg;

static const struct config_key status_keys[] = {
        {"ZS_STATUS_HTTP_PORT", CF_INT, &http_port, "8082",
         "port of the Track & Trace API, /healthz, /readyz, /metrics", 1, 65535},
        {"ZS_STATUS_API_THREADS", CF_INT, &api_threads, "2",
         "threads serving the Track & Trace API", 1, HTTP_POOL_MAX_THREADS},
        {"ZS_STATUS_TERUGZETTEN", CF_BOOL, &terugzetten, "false",
         "whether a status may go back (always with terugzettenReden)"},
        {"ZS_STATUS_WACHT_S", CF_INT, &wacht_s, "300",
         "seconds an opdracht waits for its zaak's registration before zaak.onbekend", 1, 86400},
        {"ZS_TERMIJN_CHUNK", CF_INT, &termijn_chunk, "1000",
         "due deadline events handled per transaction (rows held in memory at once)", 1, 10000},
        {"ZS_TERMIJN_INTERVAL_S", CF_INT, &termijn_interval_s, "60",
         "seconds between two runs of the deadline watch", 1, 86400},
        {"ZS_TERMIJN_NADERT_DAGEN", CF_INT, &nadert_dagen, "5",
         "days before a deadline that TermijnBewaking 'nadert' is emitted (0: never)", 0, 366},
        {"ZS_VANDAAG", CF_STR, &vandaag, "",
         "YYYY-MM-DD: the day the deadline watch (and the page) believes it is (tests, demos);"
         " empty: the clock"},
        {"ZS_WEB_DEV_LOGIN", CF_BOOL, &web_cfg.dev_login, "false",
         "development login on the page (mints tokens with the development keys); refused next"
         " to real issuers or an OIDC login"},
        {"ZS_WEB_INZAGE_URL", CF_STR, &web_cfg.inzage, "",
         "zs-inzage's base URL, for the page's \"wie heeft mijn gegevens gezien\" (zs-inzage"
         " then needs this page's origin in ZS_HTTP_CORS_ORIGINS); empty: not shown"},
        {"ZS_WEB_NOTIFICATIE_URL", CF_STR, &web_cfg.notificatie, "",
         "zs-notificatie's base URL, for the page's voorkeuren (how to get messages; zs-notificatie"
         " then needs this page's origin in ZS_HTTP_CORS_ORIGINS); empty: not shown"},
        {"ZS_WEB_OIDC_AUTHORIZE_URL", CF_STR, &web_cfg.oidc_authorize, "",
         "the OIDC broker's authorization endpoint (the page's login, with PKCE)"},
        {"ZS_WEB_OIDC_CLIENT_ID", CF_STR, &web_cfg.oidc_client_id, "",
         "the page's client_id at the OIDC broker"},
        {"ZS_WEB_OIDC_SCOPE", CF_STR, &web_cfg.oidc_scope, "openid",
         "scopes the page asks the OIDC broker for"},
        {"ZS_WEB_OIDC_TOKEN_URL", CF_STR, &web_cfg.oidc_token, "",
         "the OIDC broker's token endpoint"},
        {"ZS_WEB_ROOT", CF_STR, &web_cfg.root, WEB_ROOT_DEFAULT,
         "folder of the resident's page, under ZS_HOME unless absolute; empty: no page"},
};
static const struct config_table status_settings = CONFIG_TABLE("status", status_keys);

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
ready(void *arg)
{
	const struct daemon *d = arg;
	return projector_ready(d->projector);
}

/* The status daemon's own settings that a bound cannot express. */
static bool
status_configure(struct status *s)
{
	if (!status_zet_vandaag(s, vandaag)) {
		log_write(LOG_ERROR,
		          &(struct log_ctx){
		                  .partition = -1,
		                  .offset = -1,
		                  .detail = "ZS_VANDAAG must be a date as YYYY-MM-DD.",
		                  .hint = "Unset it to run the deadline watch on the clock."},
		          "invalid setting ZS_VANDAAG");
		return false;
	}
	if (s->vandaag != DATUM_ONGELDIG)
		zlog_warn("deadline watch runs on ZS_VANDAAG %s, not on the clock", vandaag);
	s->inst.terugzetten_toegestaan = terugzetten;
	s->nadert_dagen = (int)nadert_dagen;
	s->termijn_chunk = (int)termijn_chunk;
	s->wacht_s = (int)wacht_s;
	return true;
}

int
main(int argc, char **argv)
{
	static const enum topic_id topics[] = {TOPIC_ZAKEN, TOPIC_ZAAK_OPDRACHTEN, TOPIC_BERICHTEN};
	struct daemon d = DAEMON_INIT("status", "afhandelcomponenten move zaken through their "
	                                        "statuses; the Track & Trace API");
	struct status status;
	struct api *api = NULL;
	struct web *web = NULL;
	struct event *ev_termijn_start = NULL, *ev_termijn = NULL, *ev_wacht = NULL;
	struct timeval kort = {.tv_sec = 2};

	d.personal_data = true;
	if (!status_init(&status) || !daemon_setup(&d, argc, argv, &status_settings) ||
	    !status_configure(&status))
		goto out;
	web_cfg.vandaag = vandaag;
	web = web_setup(&web_cfg, d.toegang);
	if (!web)
		goto out;
	if (!daemon_projector(&d, &(struct projector_config){
	                                  .topics = topics,
	                                  .ntopics = (int)(sizeof(topics) / sizeof(topics[0])),
	                                  .broadcast_topic = TOPIC_CATALOGUS,
	                                  .on_broadcast = status_catalogus,
	                                  .prepare = status_prepare,
	                                  .apply = status_apply,
	                                  .arg = &status,
	                          }))
		goto out;
	status.p = d.projector;
	/* The deadline watch: soon after start (what came due while we were
	 * down), then every interval. Waiting opdrachten: a few times per bound. */
	ev_termijn_start = evtimer_new(loop_base(), on_termijn, &status);
	evtimer_add(ev_termijn_start, &kort);
	ev_termijn = loop_every((int)termijn_interval_s * 1000, on_termijn, &status);
	ev_wacht = loop_every(wacht_s < 40 ? (int)(wacht_s * 250) : 10000, on_wacht, &status);
	api = api_start(d.toegang, &(struct api_config){.addr = http_addr,
	                                                .port = (int)http_port,
	                                                .threads = (int)api_threads,
	                                                .pg_url = stream_pg_url,
	                                                .brokers = stream_brokers,
	                                                .schemas_dir = d.schemas_dir,
	                                                .ready = ready,
	                                                .ready_arg = &d,
	                                                .web = web});
	if (!api)
		goto out;
	daemon_run(&d);
out:
	if (ev_termijn_start)
		event_free(ev_termijn_start);
	if (ev_termijn)
		event_free(ev_termijn);
	if (ev_wacht)
		event_free(ev_wacht);
	api_free(api);
	web_free(web);
	daemon_exit(&d);
	status_free(&status);
	return d.rc;
}
