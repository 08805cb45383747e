/*
 * zs — the tool for the people around zaakstroom: publish the catalogus,
 * submit an aanvraag or an opdracht, follow a topic as JSON, encode and
 * decode Avro, mint development tokens, explain policy decisions.
 */
#include "zs.h"
#include "zs_cmds.h"
#include "core/config.h"
#include "core/log.h"
#include "stream/settings.h"
#include "access/toegang.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
};

static const struct command commands[] = {
        {"topics", zs_cmd_topics,
         "topics create                  create the topics that are missing"},
        {"catalogus", zs_cmd_catalogus,
         "catalogus publish [FILE|DIR...] publish zaaktypen (default deploy/catalogus)"},
        {"aanvraag", zs_cmd_aanvraag,
         "aanvraag submit FILE [--wacht S] submit an AanvraagIngediend (plain JSON)"},
        {"opdracht", zs_cmd_opdracht,
         "opdracht submit FILE [--zaak UUID] submit an opdracht (StatusZetten, ...)"},
        {"tail", zs_cmd_tail,
         "tail TOPIC [--begin] [--max N] [--timeout S] [--key K]  follow a topic as JSON lines"},
        {"token", zs_cmd_token,
         "token inwoner|medewerker|applicatie ...  mint a development JWT (deploy/local/keys.sh)"},
        {"policy", zs_cmd_policy,
         "policy explain TOKEN ACTION RESOURCE.json | check [PATH]  which rule decides, and why"},
        {"notificatie", zs_cmd_notificatie,
         "notificatie check [REGELS [SJABLONEN]] [--abonnementen FILE]  rules, templates, webhooks"},
        {"abonnement", zs_cmd_abonnement,
         "abonnement list | show ID | add FILE|- | remove ID  zs-notificatie's webhook subscriptions"},
        {"avro", zs_cmd_avro,
         "avro encode RECORD [FILE] | decode [FILE] [--plain] | fingerprint [RECORD|FILE.avsc]"},
        {"audit", zs_cmd_audit,
         "audit verify [--bewijs FILE] | tail [--verify]  check the audit log against its signed heads"},
};

const char *zs_intake_url, *zs_keys_dir, *zs_audit_publiek, *zs_notificatie_url, *zs_token;

static const struct config_key zs_keys[] = {
        {"ZS_AUDIT_PUBLIEK", CF_STR, &zs_audit_publiek, "",
         "PEM file of the public key zs audit verifies tree heads with"},
        {"ZS_INTAKE_URL", CF_STR, &zs_intake_url, "http://127.0.0.1:8081",
         "where zs aanvraag submit --wacht asks for the outcome"},
        {"ZS_NOTIFICATIE_URL", CF_STR, &zs_notificatie_url, "http://127.0.0.1:8083",
         "where zs abonnement finds zs-notificatie's beheer API"},
        {"ZS_TOKEN", CF_SECRET, &zs_token, "",
         "bearer token zs abonnement sends (empty: a development beheerder token)"},
        {"ZS_KEYS_DIR", CF_STR, &zs_keys_dir, "",
         "the development keys of deploy/local/keys.sh; empty: $ZS_HOME/deploy/local/keys"},
};
static const struct config_table zs_settings = CONFIG_TABLE("zs", zs_keys);
static const struct config_table *const tables[] = {&core_settings, &stream_settings,
                                                    &toegang_settings, &zs_settings, NULL};

static int
usage(FILE *out)
{
	fprintf(out, "usage: zs COMMAND ...\n\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  zs %s\n", commands[i].usage);
	if (out == stdout)
		config_help(out, "\nzs", "the settings it obeys", tables);
	return out == stderr ? 2 : 0;
}

int
main(int argc, char **argv)
{
	log_setup("zs");
	if (!config_load(tables))
		return 1;
	/* A tool talks to a person: only what goes wrong, unless asked. */
	if (!getenv("ZS_LOG_LEVEL"))
		log_set_level("warn");
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help"))
		return usage(argc < 2 ? stderr : stdout);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "zs: unknown command \"%s\"\n", argv[1]);
	return usage(stderr);
}

int
zs_fail(const char *hint, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "zs: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (hint)
		fprintf(stderr, "hint: %s\n", hint);
	return 1;
}
