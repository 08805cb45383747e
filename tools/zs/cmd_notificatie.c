/*
 * cmd_notificatie.c — zs notificatie check: the rules, templates and webhook
 * subscriptions checked exactly as zs-notificatie checks them at start-up,
 * before they are deployed (a refused file would stop the daemon).
 */
#include "zs_cmds.h"
#include "core/config.h"

#include "../../services/notificatie/abonnementen.h"
#include "../../services/notificatie/regels.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
        "usage: zs notificatie check [REGELS.json [SJABLONEN_DIR]] [--abonnementen FILE]\n"
        "  defaults: deploy/notificatie/regels.json and deploy/notificatie/sjablonen under ZS_HOME\n";

int
zs_cmd_notificatie(int argc, char **argv)
{
	char pad[1024], dir[1024], err[512];
	const char *abonnementen = NULL, *pos[2] = {NULL, NULL};
	struct regels r;
	struct abonnementen a;
	int npos = 0;

	if (argc < 2 || strcmp(argv[1], "check") != 0) {
		fputs(usage, argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--abonnementen") == 0 && i + 1 < argc)
			abonnementen = argv[++i];
		else if (argv[i][0] != '-' && npos < 2)
			pos[npos++] = argv[i];
		else {
			fputs(usage, stderr);
			return 2;
		}
	}
	if (pos[0])
		snprintf(pad, sizeof(pad), "%s", pos[0]);
	else
		zs_path(pad, sizeof(pad), "deploy/notificatie/regels.json");
	if (pos[1])
		snprintf(dir, sizeof(dir), "%s", pos[1]);
	else
		zs_path(dir, sizeof(dir), "deploy/notificatie/sjablonen");
	if (!regels_laad(&r, pad, dir, err, sizeof(err))) {
		fprintf(stderr, "zs notificatie: refused: %s\n", err);
		return 1;
	}
	printf("%s: %d rules, %d templates from %s\n", pad, r.n, r.nsjablonen, dir);
	regels_free(&r);
	if (abonnementen) {
		if (!abonnementen_laad(&a, abonnementen, err, sizeof(err))) {
			fprintf(stderr, "zs notificatie: %s refused: %s\n", abonnementen, err);
			return 1;
		}
		printf("%s: %d webhook subscriptions\n", abonnementen, a.n);
	}
	return 0;
}
