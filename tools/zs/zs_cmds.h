/*
 * zs_cmds.h — the zs subcommands, one function each, called by the zs
 * dispatcher with argv[0] the subcommand's name ("token", "policy") and the
 * rest of the command line after it. Each returns the process exit status.
 */
#ifndef ZS_CMDS_H
#define ZS_CMDS_H

#include <stddef.h>

struct jwt_trust_set;

/* zs token inwoner|medewerker|applicatie [options] — prints a signed development JWT. */
int zs_cmd_token(int argc, char **argv);

/* zs policy explain TOKEN ACTION RESOURCE.json [options] | zs policy check [PATH] */
int zs_cmd_policy(int argc, char **argv);

/* zs notificatie check [REGELS [SJABLONEN]] [--abonnementen FILE] */
int zs_cmd_notificatie(int argc, char **argv);

/*
 * The trusted keys as the daemons see them: ZS_JWT_TRUST, or else the local
 * development keys that deploy/local/keys.sh writes (ZS_KEYS_DIR, default
 * deploy/local/keys). NULL with err set when they cannot be loaded.
 */
struct jwt_trust_set *zs_trust_load(char *err, size_t errlen);

#endif
