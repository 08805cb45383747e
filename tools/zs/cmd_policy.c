/*
 * cmd_policy.c — `zs policy`: lets a privacy officer or developer see why the
 * engine decides as it does (explain), and check a policy file before it is
 * deployed and the daemons are sent SIGHUP (check).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "access/jwt.h"
#include "access/policy.h"
#include "access/toegang.h"
#include "zs_cmds.h"

#define DEFAULT_POLICY  "deploy/policy/autorisatiematrix.json"
#define MAX_TOKEN_INPUT (JWT_MAX_TOKEN + 2)

static const char usage[] =
        "usage: zs policy explain TOKEN ACTION RESOURCE.json [--doel D] [--reden R]\n"
        "                         [--detail samenvatting|volledig] [--policy PATH]\n"
        "       zs policy check [PATH]\n"
        "  TOKEN may be - (read from stdin); RESOURCE.json describes one zaak\n"
        "  (shape in deploy/policy/README.md). PATH defaults to ZS_POLICY or\n"
        "  " DEFAULT_POLICY ".\n";

static const char *
policy_path(const char *given)
{
	static char dflt[4096];

	snprintf(dflt, sizeof(dflt), "%s/" DEFAULT_POLICY, zs_home());
	return given ? given : *toegang_policy_file ? toegang_policy_file : dflt;
}

static int
check(int argc, char **argv)
{
	const char *path = policy_path(argc > 2 ? argv[2] : NULL);
	char err[512];
	struct policy *pol = policy_load(path, err, sizeof(err));

	if (!pol) {
		fprintf(stderr, "zs policy: %s refused: %s\n", path, err);
		return 1;
	}
	printf("%s: versie %s, %zu regels, opgesteld door %s, goedgekeurd door %s op %s\n"
	       "sha256 %s\n",
	       path, policy_versie(pol), policy_regels(pol), policy_opgesteld_door(pol),
	       policy_goedgekeurd_door(pol), policy_goedgekeurd_op(pol), policy_sha256(pol));
	policy_free(pol);
	return 0;
}

static char *
read_token(const char *arg)
{
	char buf[MAX_TOKEN_INPUT + 1];
	size_t n;

	if (strcmp(arg, "-") != 0)
		return strdup(arg);
	n = fread(buf, 1, sizeof(buf) - 1, stdin);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return strdup(buf);
}

static int
explain(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"doel", required_argument, NULL, 'd'},
	        {"reden", required_argument, NULL, 'r'},
	        {"detail", required_argument, NULL, 'D'},
	        {"policy", required_argument, NULL, 'p'},
	        {NULL, 0, NULL, 0},
	};
	struct policy_context ctx = {0};
	const char *path = NULL;
	struct jwt_trust_set *set = NULL;
	struct policy *pol = NULL;
	struct policy_decision dec;
	struct jwt_result res;
	struct principal p;
	struct zaak_json zj;
	enum policy_actie actie;
	json_error_t jerr;
	json_t *resource = NULL;
	char err[512], *tok = NULL;
	int c, rc = 1;

	/* argv: "policy" "explain" ... ; getopt sees "explain" as its program name. */
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			ctx.doel = optarg;
			break;
		case 'r':
			ctx.klantcontact_reden = optarg;
			break;
		case 'D':
			if (!detail_from_name(optarg, &ctx.gevraagd)) {
				fprintf(stderr,
				        "zs policy: --detail is samenvatting or volledig\n");
				return 2;
			}
			break;
		case 'p':
			path = optarg;
			break;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (argc - 1 - optind != 3) {
		fputs(usage, stderr);
		return 2;
	}
	if (!policy_actie_from_name(argv[optind + 2], &actie)) {
		fprintf(stderr, "zs policy: unknown action \"%s\"\n", argv[optind + 2]);
		return 2;
	}
	set = zs_trust_load(err, sizeof(err));
	if (!set) {
		fprintf(stderr, "zs policy: %s\n", err);
		goto out;
	}
	tok = read_token(argv[optind + 1]);
	if (!tok) {
		fprintf(stderr, "zs policy: out of memory reading the token\n");
		goto out;
	}
	if (!jwt_verify(set, tok, strlen(tok), time(NULL), &p, &res)) {
		fprintf(stderr, "zs policy: token refused: %s (%s)\n", jwt_fout_code(res.fout),
		        res.detail);
		goto out;
	}
	resource = json_load_file(argv[optind + 3], JSON_REJECT_DUPLICATES, &jerr);
	if (!resource) {
		fprintf(stderr, "zs policy: %s: %s (line %d)\n", argv[optind + 3], jerr.text,
		        jerr.line);
		goto out;
	}
	if (!zaak_from_json(resource, &zj, err, sizeof(err))) {
		fprintf(stderr, "zs policy: %s: %s\n", argv[optind + 3], err);
		goto out;
	}
	path = policy_path(path);
	pol = policy_load(path, err, sizeof(err));
	if (!pol) {
		fprintf(stderr, "zs policy: %s refused: %s\n", path, err);
		goto out;
	}
	printf("policy: %s (versie %s, goedgekeurd door %s)\n", path, policy_versie(pol),
	       policy_goedgekeurd_door(pol));
	policy_explain(pol, &p, actie, &zj.zaak, &ctx, &dec, stdout);
	rc = 0;
out:
	policy_free(pol);
	json_decref(resource);
	free(tok);
	jwt_trust_free(set);
	return rc;
}

int
zs_cmd_policy(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "explain") == 0)
		return explain(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return check(argc, argv);
	fputs(usage, argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
	return 2;
}
