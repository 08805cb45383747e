/*
 * zs-audit — the tamper-evident log for the FG/DPO.
 *
 * Consumes every topic; each event becomes exactly one AuditRegel, a leaf
 * of an RFC 9162 Merkle tree; each batch ends with an Ed25519-signed tree
 * head; entries and heads go out in order on zaakstroom.audit. Serves the
 * proofs (GET /api/v1/audit/bewijs) to the fg role.
 */
#include "api.h"
#include "audit.h"
#include "register.h"
#include "core/loop.h"
#include "daemon/daemon.h"
#include "stream/settings.h"
#include "zgw/verwerkingsregister.h"

static const char *sleutel_pad, *register_pad, *bewaren;
static long http_port, bewaren_interval_s, wachtend_dagen;

static const struct config_key audit_keys[] = {
        {"ZS_AUDIT_HTTP_PORT", CF_INT, &http_port, "8084",
         "port of the audit proof API, /healthz, /readyz, /metrics", 1, 65535},
        {"ZS_AUDIT_SLEUTEL", CF_STR, &sleutel_pad, NULL,
         "PEM file of the Ed25519 private key that signs the audit tree heads"},
        {"ZS_AUDIT_BEWAREN", CF_STR, &bewaren, "raadplegingen=P1Y,http=P1Y,*=P7Y",
         "retention per source topic suffix (http: queries of the log itself): after it an "
         "entry's content is removed, its leaf hash stays"},
        {"ZS_AUDIT_BEWAREN_INTERVAL_S", CF_INT, &bewaren_interval_s, "3600",
         "seconds between two retention runs", 1, 86400},
        {"ZS_AUDIT_WACHTEND_DAGEN", CF_INT, &wachtend_dagen, "30",
         "days an act on a zaak waits for the zaak's registration before its Dataverwerkingen "
         "are given up (at each retention run)",
         1, 3650},
        {"ZS_AUDIT_REGISTER", CF_STR, &register_pad, "deploy/verwerkingsregister/platform.json",
         "the platform's own verwerkingsactiviteiten (relative: under ZS_HOME)"},
};
static const struct config_table audit_settings = CONFIG_TABLE("audit", audit_keys);

static void
on_bewaren(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	if (!loop_stopping())
		audit_bewaren(arg);
}

int
main(int argc, char **argv)
{
	static const enum topic_id topics[] = {
	        TOPIC_CATALOGUS,     TOPIC_AANVRAGEN,       TOPIC_AANVRAAG_UITKOMSTEN,
	        TOPIC_ZAKEN,         TOPIC_ZAAK_OPDRACHTEN, TOPIC_OPDRACHT_UITKOMSTEN,
	        TOPIC_RAADPLEGINGEN, TOPIC_BERICHTEN,       TOPIC_INZAGE};
	struct daemon d = DAEMON_INIT("audit", "the tamper-evident audit log for the FG/DPO");
	struct audit audit = {0};
	struct audit_api api = {0};
	char err[512];
	struct event *ev_bewaren = NULL;

	/* Reads of the log go through tokens and the policy; residents in
	 * entries are pseudonyms under the platform's key. */
	d.personal_data = true;
	if (!daemon_setup(&d, argc, argv, &audit_settings))
		goto out;
	audit.key = boomhoofd_private_key(sleutel_pad, err, sizeof(err));
	if (!audit.key) {
		log_write(LOG_ERROR,
		          &(struct log_ctx){.partition = -1, .offset = -1, .detail = err},
		          "could not load the tree head signing key (ZS_AUDIT_SLEUTEL)");
		goto out;
	}
	audit.sleutel = toegang_sleutel(d.toegang);
	audit.wachtend_dagen = wachtend_dagen;
	audit.nbewaren = bewaren_parse(bewaren, audit.bewaren, err, sizeof(err));
	if (audit.nbewaren < 0) {
		log_write(LOG_ERROR,
		          &(struct log_ctx){.partition = -1, .offset = -1, .detail = err},
		          "invalid setting ZS_AUDIT_BEWAREN");
		goto out;
	}
	api.platform = verwerkingsregister_laad(register_pad, err, sizeof(err));
	if (!api.platform) {
		log_write(LOG_ERROR,
		          &(struct log_ctx){.partition = -1, .offset = -1, .detail = err},
		          "could not load the platform's verwerkingsregister (ZS_AUDIT_REGISTER)");
		goto out;
	}
	audit.m_regels = metric_counter("zs_audit_regels_total", NULL, "Audit entries appended.");
	audit.m_hoofden = metric_counter("zs_audit_boomhoofden_total", NULL, "Tree heads signed.");
	audit.m_dubbel = metric_counter("zs_audit_dubbel_total", NULL,
	                                "Source events seen again (already in the log).");
	audit.m_grootte = metric_gauge("zs_audit_boomgrootte", NULL, "Entries in the log.");
	audit.m_verwerkingen =
	        metric_counter("zs_audit_dataverwerkingen_total", NULL,
	                       "Dataverwerkingen logged (one per act per betrokkene).");
	audit.m_opgegeven =
	        metric_counter("zs_audit_wachtend_opgegeven_total", NULL,
	                       "Acts whose zaak was never registered within "
	                       "ZS_AUDIT_WACHTEND_DAGEN: their Dataverwerkingen given up.");
	if (!daemon_projector(&d, &(struct projector_config){
	                                  .topics = topics,
	                                  .ntopics = (int)(sizeof(topics) / sizeof(topics[0])),
	                                  .broadcast_topic = -1,
	                                  .prepare = audit_prepare,
	                                  .apply = audit_apply,
	                                  .rolled_back = audit_rolled_back,
	                                  .arg = &audit,
	                          }))
		goto out;
	audit.p = d.projector;
	if (!audit_laad(&audit) || !daemon_http(&d, http_port))
		goto out;
	api.a = &audit;
	api.t = d.toegang;
	if (!audit_api_start(&api, d.http, loop_base(), stream_brokers, d.schemas_dir))
		goto out;
	ev_bewaren = loop_every((int)bewaren_interval_s * 1000, on_bewaren, &audit);
	daemon_run(&d);
out:
	if (ev_bewaren)
		event_free(ev_bewaren);
	audit_api_free(&api);
	daemon_exit(&d);
	EVP_PKEY_free(audit.key);
	copy_free(&audit.regels);
	copy_free(&audit.verwerkingen);
	return d.rc;
}
