/*
 * zs-notificatie — residents are told what happens to their zaak, unasked,
 * on time, once.
 *
 * Consumes the aanvragen, their outcomes and the zaken; the rules and
 * templates (deploy/notificatie) turn events into messages in a persistent
 * queue written with the offsets; the bezorger delivers them over NotifyNL,
 * SMTP and webhooks and emits BerichtVerstuurd / BerichtMislukt. HTTP:
 * POST /api/v1/berichten/{id}/opnieuw and /api/v1/abonnementen (beheerder),
 * /healthz, /readyz, /metrics.
 */
#include "abonnementen_api.h"
#include "bezorger.h"
#include "core/loop.h"
#include "daemon/daemon.h"
#include "notificatie.h"
#include "stream/settings.h"
#include "voorkeuren.h"

#include <stdlib.h>
#include <string.h>

static const char *regels_pad, *sjablonen_dir, *abonnementen_pad, *email_via, *notifynl_url,
        *notifynl_key, *notifynl_email, *notifynl_sms, *smtp_url, *smtp_van, *resource_basis;
static long http_port, venster_s, in_flight, timeout_ms, pogingen, backoff_ms, backoff_max_s;

static const struct config_key notificatie_keys[] = {
        {"ZS_NOTIFICATIE_HTTP_PORT", CF_INT, &http_port, "8083",
         "port of the beheer API, /healthz, /readyz, /metrics", 1, 65535},
        {"ZS_NOTIFICATIE_REGELS", CF_STR, &regels_pad, "",
         "the rules file (empty: deploy/notificatie/regels.json)"},
        {"ZS_NOTIFICATIE_SJABLONEN", CF_STR, &sjablonen_dir, "",
         "folder of the templates (empty: deploy/notificatie/sjablonen)"},
        {"ZS_NOTIFICATIE_ABONNEMENTEN", CF_STR, &abonnementen_pad, "",
         "webhook subscriptions file (empty: none)"},
        {"ZS_NOTIFICATIE_VENSTER_S", CF_INT, &venster_s, "900",
         "seconds within which updates to one resident about one zaak are merged", 0, 86400},
        {"ZS_NOTIFICATIE_EMAIL", CF_WORD, &email_via, "notifynl", "e-mail via notifynl or smtp", 0,
         0, "notifynl|smtp"},
        {"ZS_NOTIFICATIE_IN_FLIGHT", CF_INT, &in_flight, "64", "deliveries in flight at most", 1,
         4096},
        {"ZS_NOTIFICATIE_TIMEOUT_MS", CF_INT, &timeout_ms, "10000",
         "time a receiver has to answer one delivery", 100, 600000},
        {"ZS_NOTIFICATIE_POGINGEN", CF_INT, &pogingen, "14",
         "delivery attempts before BerichtMislukt (with the backoff: about a day)", 1, 100},
        {"ZS_NOTIFICATIE_BACKOFF_MS", CF_INT, &backoff_ms, "30000",
         "wait after the first failed attempt; doubles each time", 1, 86400000},
        {"ZS_NOTIFICATIE_BACKOFF_MAX_S", CF_INT, &backoff_max_s, "14400",
         "longest wait between two attempts", 1, 86400},
        {"ZS_NOTIFICATIE_RESOURCE_BASIS", CF_STR, &resource_basis, "http://127.0.0.1:8082/api/v1",
         "base of the zaak URLs webhooks receive"},
        {"ZS_NOTIFYNL_URL", CF_STR, &notifynl_url, "", "NotifyNL API base URL (empty: none)"},
        {"ZS_NOTIFYNL_API_KEY", CF_SECRET, &notifynl_key, "", "NotifyNL API key"},
        {"ZS_NOTIFYNL_EMAIL_TEMPLATE", CF_STR, &notifynl_email, "",
         "NotifyNL template id for e-mail, with ((onderwerp)) and ((bericht))"},
        {"ZS_NOTIFYNL_SMS_TEMPLATE", CF_STR, &notifynl_sms, "",
         "NotifyNL template id for SMS, with ((bericht))"},
        {"ZS_SMTP_URL", CF_STR, &smtp_url, "",
         "SMTP relay, smtp://host:port (STARTTLS when offered)"},
        {"ZS_SMTP_VAN", CF_STR, &smtp_van, "noreply@denhaag.nl", "sender address for e-mail"},
};
static const struct config_table notificatie_settings =
        CONFIG_TABLE("notificatie", notificatie_keys);

static void
on_stop(void *arg)
{
	/* What is in flight is answered or not; either way its row says so,
	 * and an unanswered one is sent again after the restart. */
	bezorger_stop(((struct notificatie *)arg)->bezorger);
}

/* Rules, templates and subscriptions: all checked before anything starts. */
static bool
laad_regels(struct notificatie *n)
{
	char pad[1024], dir[1024], err[512];
	struct log_ctx ctx = LOG_CTX_INIT;

	if (regels_pad[0])
		snprintf(pad, sizeof(pad), "%s", regels_pad);
	else
		zs_path(pad, sizeof(pad), "deploy/notificatie/regels.json");
	if (sjablonen_dir[0])
		snprintf(dir, sizeof(dir), "%s", sjablonen_dir);
	else
		zs_path(dir, sizeof(dir), "deploy/notificatie/sjablonen");
	if (!regels_laad(&n->regels, pad, dir, err, sizeof(err))) {
		ctx.detail = err;
		ctx.hint =
		        "Fix the template or rule named; the placeholders a template may use are "
		        "listed in services/notificatie/README.md.";
		zlog_at(LOG_ERROR, &ctx, "rules or templates refused");
		return false;
	}
	if (abonnementen_pad[0] &&
	    !abonnementen_laad(&n->abonnementen, abonnementen_pad, err, sizeof(err))) {
		ctx.detail = err;
		ctx.hint = "See services/notificatie/README.md for the subscriptions file.";
		zlog_at(LOG_ERROR, &ctx, "webhook subscriptions refused");
		return false;
	}
	zlog_info("%d rules, %d templates, %d webhook subscriptions", n->regels.n,
	          n->regels.nsjablonen, n->abonnementen.n);
	return true;
}

int
main(int argc, char **argv)
{
	static const enum topic_id topics[] = {TOPIC_AANVRAGEN, TOPIC_AANVRAAG_UITKOMSTEN,
	                                       TOPIC_ZAKEN, TOPIC_INZAGE};
	struct daemon d =
	        DAEMON_INIT("notificatie", "residents are told what happens to their zaak");
	struct notificatie n = {0};
	struct voorkeuren_api *voorkeuren = NULL;
	struct abonnementen_api *abonnementen = NULL;

	/* Recipients are pseudonyms under the platform's key; the beheer API
	 * takes tokens. */
	d.personal_data = true;
	d.on_stop = on_stop;
	d.arg = &n;
	if (!daemon_setup(&d, argc, argv, &notificatie_settings) || !laad_regels(&n))
		goto out;
	n.toegang = d.toegang;
	n.sleutel = toegang_sleutel(d.toegang);
	n.venster_ms = venster_s * 1000;
	notificatie_metrics(&n);
	n.bezorger = bezorger_new(&n, &(struct bezorger_config){
	                                      .notifynl_url = notifynl_url,
	                                      .notifynl_key = notifynl_key,
	                                      .notifynl_email_template = notifynl_email,
	                                      .notifynl_sms_template = notifynl_sms,
	                                      .email_via_smtp = strcmp(email_via, "smtp") == 0,
	                                      .smtp_url = smtp_url,
	                                      .smtp_van = smtp_van,
	                                      .resource_basis = resource_basis,
	                                      .max_in_flight = (int)in_flight,
	                                      .timeout_ms = timeout_ms,
	                                      .backoff = {.basis_ms = backoff_ms,
	                                                  .max_ms = backoff_max_s * 1000,
	                                                  .pogingen = (int)pogingen},
	                              });
	if (!n.bezorger)
		goto out;
	if (!daemon_projector(&d, &(struct projector_config){
	                                  .topics = topics,
	                                  .ntopics = (int)(sizeof(topics) / sizeof(topics[0])),
	                                  .broadcast_topic = -1,
	                                  .prepare = notificatie_prepare,
	                                  .apply = notificatie_apply,
	                                  .arg = &n,
	                          }))
		goto out;
	n.p = d.projector;
	/* From here on the table is the list: the file's entries go into it. */
	if (!abonnementen_importeer(&n))
		goto out;
	if (!bezorger_start(n.bezorger) || !daemon_http(&d, http_port))
		goto out;
	bezorger_routes(n.bezorger, d.http);
	voorkeuren = voorkeuren_start(&n, d.http, stream_brokers, d.schemas_dir);
	if (!voorkeuren)
		goto out;
	abonnementen = abonnementen_api_start(&n, d.http, stream_brokers, d.schemas_dir);
	if (!abonnementen)
		goto out;
	daemon_run(&d);
out:
	abonnementen_api_free(abonnementen);
	voorkeuren_free(voorkeuren);
	/* The bezorger's transfers live on the loop: gone before it is. */
	bezorger_free(n.bezorger);
	daemon_exit(&d);
	regels_free(&n.regels);
	return d.rc;
}
