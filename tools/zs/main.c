/*
 * zs — the tool for the people around zaakstroom: publish the catalogus,
 * submit an aanvraag or an opdracht, follow a topic as JSON, encode and
 * decode Avro, mint development tokens, explain policy decisions.
 */
#include "zs.h"
#include "zs_cmds.h"
#include "core/config.h"
#include "core/log.h"

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
        {"avro", zs_cmd_avro,
         "avro encode RECORD [FILE] | decode [FILE] [--plain] | fingerprint [RECORD|FILE.avsc]"},
};

static int
usage(FILE *out)
{
	fprintf(out, "usage: zs COMMAND ...\n\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  zs %s\n", commands[i].usage);
	fprintf(out,
	        "\nenvironment: ZS_KAFKA_BROKERS (default 127.0.0.1:59092), ZS_TOPIC_PREFIX,\n"
	        "ZS_HOME (where schemas/ and deploy/ are), ZS_INTAKE_URL (default http://127.0.0.1:8081)\n");
	return out == stderr ? 2 : 0;
}

int
main(int argc, char **argv)
{
	log_setup("zs");
	if (!getenv("ZS_LOG_LEVEL"))
		log_min_level = LOG_WARN;
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
