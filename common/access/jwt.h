/*
 * jwt.h — bearer-token verification with OpenSSL 3 (compact JWS only).
 *
 * Keys come from JWKS files, each configured with the issuer, audience and
 * kind of caller (inwoner, medewerker, applicatie) it speaks for. Every key
 * carries its own kid and alg: the algorithm is pinned by the key and the
 * token's alg header must equal it, so neither "none" nor an HS256 token
 * checked against an RSA key (with the public key as HMAC secret) can pass.
 * Supported: RS256, PS256 (salt length = hash length, MGF1-SHA256), HS256.
 *
 * A refusal carries a machine-readable code for the 401 problem document
 * (token.formaat, token.verlopen, ...) and a short English detail that never
 * repeats token content.
 */
#ifndef ZS_JWT_H
#define ZS_JWT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "access/principal.h"

#define JWT_MAX_TOKEN        8192 /* bytes of compact serialisation */
#define JWT_DEFAULT_SKEW     60   /* seconds */
#define JWT_MIN_HMAC_SECRET  32   /* RFC 7518 §3.2: at least the hash size */
#define JWT_MIN_RSA_BITS     2048
#define JWT_MAX_KEYS_PER_SET 64

enum jwt_alg { JWT_ALG_RS256 = 0, JWT_ALG_PS256, JWT_ALG_HS256 };

enum jwt_fout {
	JWT_OK = 0,
	JWT_FOUT_ONTBREEKT,        /* token.ontbreekt: no bearer token */
	JWT_FOUT_FORMAAT,          /* token.formaat: not a well-formed compact JWS */
	JWT_FOUT_ALGORITME,        /* token.algoritme: none, unknown, or not the key's alg */
	JWT_FOUT_SLEUTEL_ONBEKEND, /* token.sleutel_onbekend: kid missing or unknown */
	JWT_FOUT_HANDTEKENING,     /* token.handtekening: signature does not verify */
	JWT_FOUT_VERLOPEN,         /* token.verlopen: exp passed */
	JWT_FOUT_NOG_NIET_GELDIG,  /* token.nog_niet_geldig: nbf or iat in the future */
	JWT_FOUT_UITGEVER,         /* token.uitgever: iss is not the key set's issuer */
	JWT_FOUT_PUBLIEK,          /* token.publiek: aud lacks our audience */
	JWT_FOUT_CLAIMS,           /* token.claims: a required claim missing or malformed */
	JWT_FOUT_TE_LANG_GELDIG, /* token.te_lang_geldig: exp beyond the kind's maximum lifetime */
};

/* Maximum lifetime (exp - iat, and exp - now) per kind, unless ZS_JWT_TRUST
 * says maxttl=: a DigiD/eHerkenning session, an employee's working day, a
 * service client's short-lived token. */
#define JWT_MAX_TTL_INWONER    3600L
#define JWT_MAX_TTL_MEDEWERKER (10L * 3600)
#define JWT_MAX_TTL_APPLICATIE 3600L

struct jwt_result {
	enum jwt_fout fout;
	char detail[200];
	/* On success: the first second at which jwt_verify refuses this token
	 * (exp plus the allowed skew), so that a cache stops where it does. */
	time_t geldig_tot;
};

struct jwt_key {
	char kid[128];
	enum jwt_alg alg;
	EVP_PKEY *pkey;        /* RSA public key */
	unsigned char *secret; /* HS256 shared secret */
	size_t secret_len;
};

/* One JWKS file and whom it speaks for. */
struct jwt_trust {
	enum principal_kind kind;
	char *issuer;
	char *audience;
	char *jwks_path; /* NULL when added from memory */
	struct jwt_key *keys;
	size_t n_keys;
	long max_ttl; /* seconds; JWT_MAX_TTL_<kind> unless maxttl= */
};

struct jwt_trust_set {
	struct jwt_trust *trusts;
	size_t n;
	long skew; /* seconds allowed either way on exp, nbf, iat */
};

const char *jwt_fout_code(enum jwt_fout fout);
/* Dutch title for the problem document. */
const char *jwt_fout_titel(enum jwt_fout fout);
const char *jwt_alg_name(enum jwt_alg alg);
bool jwt_alg_from_name(const char *name, enum jwt_alg *out);

/*
 * Parses ZS_JWT_TRUST and loads every JWKS it names:
 *   "<kind> iss=<issuer> aud=<audience> jwks=<path> [maxttl=<s>]; <kind> ...; ..."
 * kind is inwoner, medewerker or applicatie; values hold no blanks or ';'.
 * The same kind may appear more than once (two brokers). A kid must be unique
 * over the whole set. Returns NULL with a message in err on any fault: a
 * half-loaded trust set is never returned.
 */
struct jwt_trust_set *jwt_trust_load(const char *spec, char *err, size_t errlen);
struct jwt_trust_set *jwt_trust_new(void);
/* Adds one key set from JWKS text (tests, and jwt_trust_load per file). */
bool jwt_trust_add(struct jwt_trust_set *set, enum principal_kind kind, const char *issuer,
                   const char *audience, const char *jwks, size_t jwks_len, const char *path,
                   char *err, size_t errlen);
void jwt_trust_free(struct jwt_trust_set *set);
/* The first trust of a kind, e.g. for minting; NULL if none. */
const struct jwt_trust *jwt_trust_for(const struct jwt_trust_set *set, enum principal_kind kind);

/*
 * Verifies token (len bytes, no NUL needed) at time now. On success fills out
 * and returns true; otherwise res says why. res may not be NULL.
 */
bool jwt_verify(const struct jwt_trust_set *set, const char *token, size_t len, time_t now,
                struct principal *out, struct jwt_result *res);

/* Picks the token out of an Authorization header value ("Bearer <token>"). */
enum jwt_fout jwt_bearer(const char *authorization, const char **token, size_t *len);

/* Strict base64url (RFC 4648 §5): no padding, no other characters, canonical trailing bits. */
bool b64url_decode(const char *in, size_t len, unsigned char *out, size_t cap, size_t *outlen);
/* Returns the encoded length (without NUL), or 0 when cap is too small. */
size_t b64url_encode(const unsigned char *in, size_t len, char *out, size_t cap);

/*
 * Signing, for `zs token` and tests. jwt_sign_compact signs the header and
 * payload text exactly as given (so tests can craft hostile tokens);
 * jwt_sign writes {"alg","typ","kid"} and the claims. pkey for RS256/PS256,
 * secret for HS256. Return a malloc'd token or NULL.
 */
char *jwt_sign_compact(const char *header, size_t hlen, const char *payload, size_t plen,
                       enum jwt_alg alg, EVP_PKEY *pkey, const unsigned char *secret,
                       size_t secret_len);
char *jwt_sign(const char *kid, enum jwt_alg alg, EVP_PKEY *pkey, const unsigned char *secret,
               size_t secret_len, const json_t *claims);

/*
 * Mints a token for a principal with the first key of its kind (and alg, if
 * given) in set: the private key of an RSA key is read from "<kid>.pem" in the
 * directory of its JWKS file, an HS256 secret is in the JWKS itself. Adds iss,
 * aud, sub, iat, nbf and exp (now + ttl). For an applicatie, client_id is the
 * kid of the key. Returns a malloc'd token or NULL with err set.
 */
char *jwt_mint(const struct jwt_trust_set *set, const struct principal *p, const char *alg,
               time_t now, long ttl, char *err, size_t errlen);

#endif
