/*
 * cmd_token.c — `zs token`: mints development tokens for every kind of caller
 * from the keys deploy/local/keys.sh made, so the APIs can be tried by hand
 * and by the system tests. The token goes to stdout and nowhere else.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "access/jwt.h"
#include "access/toegang.h"
#include "access/principal.h"
#include "zs.h"
#include "zs_cmds.h"

/* Must match deploy/local/keys.sh. */
#define DEV_ISS_INWONER    "https://digid-broker.zaakstroom.test"
#define DEV_ISS_MEDEWERKER "https://idp.zaakstroom.test"
#define DEV_ISS_APPLICATIE "zaakstroom-dev-clients"
#define DEV_AUD            "zaakstroom"
#define MAX_TTL            (7L * 24 * 3600)

static const char usage[] =
        "usage: zs token inwoner (--bsn N | --kvk N) [--loa LEVEL] [--machtiging N[:DIENST,...]]...\n"
        "       zs token medewerker --id ID --rol ROL [--rol ROL]... [--afdeling A] [--bsn N]\n"
        "       zs token applicatie --client-id ID [--user-id U] [--user-representation TEXT]\n"
        "  common: [--alg RS256|PS256|HS256] [--ttl SECONDS (default 3600)]\n"
        "  keys: ZS_JWT_TRUST, or $ZS_HOME/deploy/local/keys (or ZS_KEYS_DIR) made by deploy/local/keys.sh\n";

struct jwt_trust_set *
zs_trust_load(char *err, size_t errlen)
{
	const char *spec = toegang_jwt_trust;
	const char *home = zs_home();
	struct jwt_trust_set *set;
	char *local = NULL, dflt[4096];
	const char *dir;

	snprintf(dflt, sizeof(dflt), "%s/deploy/local/keys", home);
	dir = *zs_keys_dir ? zs_keys_dir : dflt;
	if (!spec || !*spec) {
		if (asprintf(&local,
		             "inwoner iss=" DEV_ISS_INWONER " aud=" DEV_AUD " jwks=%s/inwoner.jwks;"
		             "medewerker iss=" DEV_ISS_MEDEWERKER " aud=" DEV_AUD
		             " jwks=%s/medewerker.jwks;"
		             "applicatie iss=" DEV_ISS_APPLICATIE " aud=" DEV_AUD
		             " jwks=%s/applicatie.jwks",
		             dir, dir, dir) < 0) {
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
		spec = local;
	}
	set = jwt_trust_load(spec, err, errlen);
	free(local);
	return set;
}

/* "123456782" or "69599084", optionally ":DIENST,DIENST". */
static bool
machtiging_arg(struct principal *p, const char *arg)
{
	struct machtiging *m;
	char buf[512], *colon, *save = NULL, *d;

	if (p->n_machtigingen >= PRINCIPAL_MAX_MACHTIGINGEN || strlen(arg) >= sizeof(buf))
		return false;
	m = &p->machtigingen[p->n_machtigingen];
	snprintf(buf, sizeof(buf), "%s", arg);
	colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	if (!identiteit_set(&m->voor, strlen(buf) == 8 ? ID_KVK : ID_BSN, buf))
		return false;
	for (d = colon ? strtok_r(colon + 1, ",", &save) : NULL; d;
	     d = strtok_r(NULL, ",", &save)) {
		if (m->n_diensten >= PRINCIPAL_MAX_DIENSTEN || strlen(d) >= PRINCIPAL_MAX_TEKST)
			return false;
		snprintf(m->diensten[m->n_diensten++], PRINCIPAL_MAX_TEKST, "%s", d);
	}
	p->n_machtigingen++;
	p->rollen |= ROL_BIT(ROL_GEMACHTIGDE);
	return true;
}

static bool
text_arg(char *dst, const char *arg)
{
	if (!*arg || strlen(arg) >= PRINCIPAL_MAX_TEKST)
		return false;
	snprintf(dst, PRINCIPAL_MAX_TEKST, "%s", arg);
	return true;
}

int
zs_cmd_token(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"bsn", required_argument, NULL, 'b'},
	        {"kvk", required_argument, NULL, 'k'},
	        {"loa", required_argument, NULL, 'l'},
	        {"machtiging", required_argument, NULL, 'm'},
	        {"id", required_argument, NULL, 'i'},
	        {"rol", required_argument, NULL, 'r'},
	        {"afdeling", required_argument, NULL, 'a'},
	        {"client-id", required_argument, NULL, 'c'},
	        {"user-id", required_argument, NULL, 'u'},
	        {"user-representation", required_argument, NULL, 'U'},
	        {"alg", required_argument, NULL, 'A'},
	        {"ttl", required_argument, NULL, 't'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct principal p;
	const char *alg = NULL;
	long ttl = 3600;
	char err[256], *tok, *end;
	struct jwt_trust_set *set;
	int c, rol, li = 0;

	memset(&p, 0, sizeof(p));
	if (argc < 2 || !principal_kind_from_name(argv[1], &p.kind)) {
		fputs(usage, stderr);
		return 2;
	}
	if (p.kind == PRINCIPAL_INWONER) {
		p.rollen = ROL_BIT(ROL_INWONER);
		p.loa = LOA_MIDDEN;
	} else if (p.kind == PRINCIPAL_APPLICATIE) {
		p.rollen = ROL_BIT(ROL_APPLICATIE);
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, &li)) != -1) {
		bool ok = true;

		switch (c) {
		case 'b':
			ok = identiteit_set(&p.identiteit, ID_BSN, optarg);
			break;
		case 'k':
			ok = p.kind == PRINCIPAL_INWONER &&
			     identiteit_set(&p.identiteit, ID_KVK, optarg);
			break;
		case 'l':
			ok = loa_from_name(optarg, &p.loa);
			break;
		case 'm':
			ok = p.kind == PRINCIPAL_INWONER && machtiging_arg(&p, optarg);
			break;
		case 'i':
			ok = text_arg(p.medewerker_id, optarg);
			break;
		case 'r':
			rol = rol_from_name(optarg);
			ok = p.kind == PRINCIPAL_MEDEWERKER && rol >= 0 &&
			     (ROL_BIT(rol) & ROLLEN_MEDEWERKER);
			if (ok)
				p.rollen |= ROL_BIT(rol);
			break;
		case 'a':
			ok = text_arg(p.afdeling, optarg);
			break;
		case 'c':
			ok = text_arg(p.client_id, optarg);
			break;
		case 'u':
			ok = text_arg(p.user_id, optarg);
			break;
		case 'U':
			ok = text_arg(p.user_representation, optarg);
			break;
		case 'A':
			alg = optarg;
			break;
		case 't':
			ttl = strtol(optarg, &end, 10);
			ok = *optarg && !*end && ttl > 0 && ttl <= MAX_TTL;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
		if (!ok) {
			fprintf(stderr, "zs token: bad value for --%s for a token of kind %s\n",
			        opts[li].name, principal_kind_name(p.kind));
			return 2;
		}
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "zs token: unexpected argument \"%s\"\n", argv[optind + 1]);
		return 2;
	}
	if ((p.kind == PRINCIPAL_INWONER && p.identiteit.type == ID_GEEN) ||
	    (p.kind == PRINCIPAL_MEDEWERKER && (!p.medewerker_id[0] || !p.rollen)) ||
	    (p.kind == PRINCIPAL_APPLICATIE && !p.client_id[0])) {
		fprintf(stderr, "zs token: missing a required option\n");
		fputs(usage, stderr);
		return 2;
	}
	set = zs_trust_load(err, sizeof(err));
	if (!set) {
		fprintf(stderr, "zs token: %s\nhint: run deploy/local/keys.sh first\n", err);
		return 1;
	}
	tok = jwt_mint(set, &p, alg, time(NULL), ttl, err, sizeof(err));
	jwt_trust_free(set);
	if (!tok) {
		fprintf(stderr, "zs token: %s\n", err);
		return 1;
	}
	printf("%s\n", tok);
	free(tok);
	return 0;
}
