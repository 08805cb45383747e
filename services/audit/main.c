/*
 * zs-audit — the tamper-evident log for the FG/DPO.
 *
 * Consumes every topic; each event becomes exactly one AuditRegel, a leaf
 * of an RFC 9162 Merkle tree; each batch ends with an Ed25519-signed tree
 * head; entries and heads go out in order on zaakstroom.audit. Serves the
 * proofs (GET /api/v1/audit/bewijs) to the fg role.
 */
#include "access/toegang.h"
#include "api.h"
#include "audit.h"
#include "core/config.h"
#include "core/log.h"
#include "core/loop.h"
#include "http/http.h"
#include "stream/projector.h"

#include <stdlib.h>

static const char *brokers, *pg_url, *http_addr, *sleutel_pad;
static long http_port, batch_max, max_bytes;

static const struct config_key settings[] = {
        {"ZS_AUDIT_HTTP_PORT", CF_INT, &http_port, "8084", "port of the audit proof API"},
        {"ZS_AUDIT_SLEUTEL", CF_STR, &sleutel_pad, NULL,
         "PEM file of the Ed25519 key that signs tree heads"},
        {"ZS_BATCH_MAX", CF_INT, &batch_max, "500", "messages applied per transaction"},
        {"ZS_HTTP_ADDR", CF_STR, &http_addr, "127.0.0.1", "address to listen on"},
        {"ZS_KAFKA_BROKERS", CF_STR, &brokers, "127.0.0.1:59092", "Kafka bootstrap servers"},
        {"ZS_MAX_MESSAGE_BYTES", CF_INT, &max_bytes, "262144", "larger messages are dead letters"},
        {"ZS_PG_URL", CF_SECRET, &pg_url, "postgresql://postgres@127.0.0.1:55432/zaakstroom",
         "PostgreSQL connection URL"},
};
#define NSETTINGS ((int)(sizeof(settings) / sizeof(settings[0])))

static struct audit audit;
static struct audit_api api;
static struct projector *projector;
static struct toegang *toegang;

static void
on_stop(void *arg)
{
	(void)arg;
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

int
main(void)
{
	static const enum topic_id topics[] = {
	        TOPIC_CATALOGUS,     TOPIC_AANVRAGEN,       TOPIC_AANVRAAG_UITKOMSTEN,
	        TOPIC_ZAKEN,         TOPIC_ZAAK_OPDRACHTEN, TOPIC_OPDRACHT_UITKOMSTEN,
	        TOPIC_RAADPLEGINGEN, TOPIC_BERICHTEN,       TOPIC_INZAGE};
	struct loop_hooks hooks = {.on_stop = on_stop, .on_reload = on_reload};
	struct http_server *http = NULL;
	char schemas_dir[1024], sql_dir[1024], err[512];
	int rc = 1;

	log_setup("audit");
	if (!config_load(settings, NSETTINGS))
		return 1;
	config_log(settings, NSETTINGS);
	zs_path(schemas_dir, sizeof(schemas_dir), "schemas");
	zs_path(sql_dir, sizeof(sql_dir), "services/audit/sql");
	loop_setup(&hooks);
	audit.key = boomhoofd_private_key(sleutel_pad, err, sizeof(err));
	if (!audit.key) {
		zlog_error("could not load the tree head signing key: %s", err);
		goto out;
	}
	/* Reads of the log go through tokens and the policy; residents in
	 * entries are pseudonyms under the platform's key. */
	toegang = toegang_setup();
	if (!toegang)
		goto out;
	audit.sleutel = toegang_sleutel(toegang);
	audit.m_regels = metric_counter("zs_audit_regels_total", NULL, "Audit entries appended.");
	audit.m_hoofden = metric_counter("zs_audit_boomhoofden_total", NULL, "Tree heads signed.");
	audit.m_dubbel = metric_counter("zs_audit_dubbel_total", NULL,
	                                "Source events seen again (already in the log).");
	audit.m_grootte = metric_gauge("zs_audit_boomgrootte", NULL, "Entries in the log.");

	struct projector_config cfg = {
	        .service = "audit",
	        .brokers = brokers,
	        .pg_url = pg_url,
	        .schemas_dir = schemas_dir,
	        .sql_dir = sql_dir,
	        .topics = topics,
	        .ntopics = (int)(sizeof(topics) / sizeof(topics[0])),
	        .broadcast_topic = -1,
	        .batch_max = (int)batch_max,
	        .max_message_bytes = (size_t)max_bytes,
	        .prepare = audit_prepare,
	        .apply = audit_apply,
	        .rolled_back = audit_rolled_back,
	        .arg = &audit,
	};
	projector = projector_start(&cfg);
	if (!projector)
		goto out;
	audit.p = projector;
	if (!audit_laad(&audit))
		goto out;
	http = http_start(loop_base(), http_addr, (int)http_port);
	if (!http)
		goto out;
	http_set_ready(http, ready, NULL);
	api.a = &audit;
	api.t = toegang;
	if (!audit_api_start(&api, http, loop_base(), brokers, schemas_dir))
		goto out;

	zlog_info("audit ready");
	loop_run();
	rc = 0;
out:
	audit_api_free(&api);
	http_free(http);
	projector_free(projector);
	toegang_free(toegang);
	EVP_PKEY_free(audit.key);
	loop_teardown();
	zlog_info("audit stopped");
	return rc;
}
