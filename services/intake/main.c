/*
 * zs-intake — a resident's aanvraag becomes a zaak.
 *
 * Consumes the catalogus and the aanvragen; registers zaken and emits
 * ZaakGeregistreerd with AanvraagGeaccepteerd, or AanvraagAfgewezen with every
 * reason; serves GET /api/v1/aanvragen/{id} for portals that poll.
 */
#include "daemon/daemon.h"
#include "intake.h"

static const char *bronorganisatie;
static long http_port;

static const struct config_key intake_keys[] = {
        {"ZS_BRONORGANISATIE", CF_STR, &bronorganisatie, "002220647", "RSIN of the municipality"},
        {"ZS_INTAKE_HTTP_PORT", CF_INT, &http_port, "8081",
         "port of the aanvraag status API, /healthz, /readyz, /metrics", 1, 65535},
};
static const struct config_table intake_settings = CONFIG_TABLE("intake", intake_keys);

int
main(int argc, char **argv)
{
	static const enum topic_id topics[] = {TOPIC_AANVRAGEN};
	struct daemon d = DAEMON_INIT("intake", "a resident's aanvraag becomes a zaak");
	struct intake intake = {0};

	if (!daemon_setup(&d, argc, argv, &intake_settings) ||
	    !intake_init(&intake, bronorganisatie))
		goto out;
	if (!daemon_projector(&d, &(struct projector_config){
	                                  .topics = topics,
	                                  .ntopics = 1,
	                                  .broadcast_topic = TOPIC_CATALOGUS,
	                                  .on_broadcast = intake_catalogus,
	                                  .prepare = intake_prepare,
	                                  .apply = intake_apply,
	                                  .arg = &intake,
	                          }))
		goto out;
	intake.p = d.projector;
	if (!daemon_http(&d, http_port))
		goto out;
	intake_routes(&intake, d.http);
	daemon_run(&d);
out:
	daemon_exit(&d);
	intake_free(&intake);
	return d.rc;
}
