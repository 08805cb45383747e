/*
 * jwt.c — JWS compact verification against pinned keys, JWKS loading, the
 * ZS_JWT_TRUST format, and minting for development. OpenSSL EVP only.
 *
 * Order of checks: shape → header → alg known → kid known → alg equals the
 * key's → signature → claims. Nothing in the payload is believed before the
 * signature holds; the header is read first only to find the key.
 */
#include "access/jwt.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#define MAX_JWKS_FILE (1024 * 1024)
#define MAX_AUD       16
#define MAX_RSA_BITS  8192

static const char *const fout_codes[] = {
        [JWT_OK] = "token.geldig",
        [JWT_FOUT_ONTBREEKT] = "token.ontbreekt",
        [JWT_FOUT_FORMAAT] = "token.formaat",
        [JWT_FOUT_ALGORITME] = "token.algoritme",
        [JWT_FOUT_SLEUTEL_ONBEKEND] = "token.sleutel_onbekend",
        [JWT_FOUT_HANDTEKENING] = "token.handtekening",
        [JWT_FOUT_VERLOPEN] = "token.verlopen",
        [JWT_FOUT_NOG_NIET_GELDIG] = "token.nog_niet_geldig",
        [JWT_FOUT_UITGEVER] = "token.uitgever",
        [JWT_FOUT_PUBLIEK] = "token.publiek",
        [JWT_FOUT_CLAIMS] = "token.claims",
        [JWT_FOUT_TE_LANG_GELDIG] = "token.te_lang_geldig",
};

static const char *const fout_titels[] = {
        [JWT_OK] = "Token geldig",
        [JWT_FOUT_ONTBREEKT] = "Geen token meegestuurd",
        [JWT_FOUT_FORMAAT] = "Token is niet goed gevormd",
        [JWT_FOUT_ALGORITME] = "Algoritme van het token is niet toegestaan",
        [JWT_FOUT_SLEUTEL_ONBEKEND] = "Sleutel van het token is onbekend",
        [JWT_FOUT_HANDTEKENING] = "Handtekening van het token klopt niet",
        [JWT_FOUT_VERLOPEN] = "Token is verlopen",
        [JWT_FOUT_NOG_NIET_GELDIG] = "Token is nog niet geldig",
        [JWT_FOUT_UITGEVER] = "Uitgever van het token wordt niet vertrouwd",
        [JWT_FOUT_PUBLIEK] = "Token is niet voor deze dienst bedoeld",
        [JWT_FOUT_CLAIMS] = "Gegevens in het token ontbreken of kloppen niet",
        [JWT_FOUT_TE_LANG_GELDIG] =
                "Het token is langer geldig dan voor dit soort token is toegestaan",
};

static const char *const alg_names[] = {"RS256", "PS256", "HS256"};

const char *
jwt_fout_code(enum jwt_fout fout)
{
	if ((unsigned)fout > JWT_FOUT_TE_LANG_GELDIG)
		return "token.onbekend";
	return fout_codes[fout];
}

const char *
jwt_fout_titel(enum jwt_fout fout)
{
	if ((unsigned)fout > JWT_FOUT_TE_LANG_GELDIG)
		return "Token geweigerd";
	return fout_titels[fout];
}

const char *
jwt_alg_name(enum jwt_alg alg)
{
	if ((unsigned)alg > JWT_ALG_HS256)
		return "?";
	return alg_names[alg];
}

bool
jwt_alg_from_name(const char *name, enum jwt_alg *out)
{
	for (unsigned i = 0; name && i < 3; i++) {
		if (strcmp(name, alg_names[i]) == 0) {
			*out = (enum jwt_alg)i;
			return true;
		}
	}
	return false;
}

/* ---- base64url ---------------------------------------------------------- */

static const char b64url_alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int
b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

bool
b64url_decode(const char *in, size_t len, unsigned char *out, size_t cap, size_t *outlen)
{
	size_t need = len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0);
	uint32_t acc = 0;
	size_t o = 0;
	int bits = 0;

	/* A lone sixth of a byte cannot be an encoding of anything. */
	if (len % 4 == 1 || need > cap)
		return false;
	for (size_t i = 0; i < len; i++) {
		int v = b64url_value((unsigned char)in[i]);

		if (v < 0)
			return false;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* Leftover bits must be zero: one byte string has exactly one encoding. */
	if (acc != 0)
		return false;
	*outlen = o;
	return true;
}

size_t
b64url_encode(const unsigned char *in, size_t len, char *out, size_t cap)
{
	size_t need = len / 3 * 4 + (len % 3 ? len % 3 + 1 : 0);
	size_t o = 0, i = 0;

	if (need + 1 > cap)
		return 0;
	for (; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

		out[o++] = b64url_alphabet[v >> 18];
		out[o++] = b64url_alphabet[(v >> 12) & 63];
		out[o++] = b64url_alphabet[(v >> 6) & 63];
		out[o++] = b64url_alphabet[v & 63];
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;

		out[o++] = b64url_alphabet[v >> 18];
		out[o++] = b64url_alphabet[(v >> 12) & 63];
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;

		out[o++] = b64url_alphabet[v >> 18];
		out[o++] = b64url_alphabet[(v >> 12) & 63];
		out[o++] = b64url_alphabet[(v >> 6) & 63];
	}
	out[o] = '\0';
	return o;
}

/* ---- key sets ------------------------------------------------------------ */

static void
key_clear(struct jwt_key *k)
{
	EVP_PKEY_free(k->pkey);
	if (k->secret) {
		OPENSSL_cleanse(k->secret, k->secret_len);
		free(k->secret);
	}
	memset(k, 0, sizeof(*k));
}

static void
trust_clear(struct jwt_trust *t)
{
	for (size_t i = 0; i < t->n_keys; i++)
		key_clear(&t->keys[i]);
	free(t->keys);
	free(t->issuer);
	free(t->audience);
	free(t->jwks_path);
	memset(t, 0, sizeof(*t));
}

struct jwt_trust_set *
jwt_trust_new(void)
{
	struct jwt_trust_set *set = calloc(1, sizeof(*set));

	if (set)
		set->skew = JWT_DEFAULT_SKEW;
	return set;
}

void
jwt_trust_free(struct jwt_trust_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		trust_clear(&set->trusts[i]);
	free(set->trusts);
	free(set);
}

const struct jwt_trust *
jwt_trust_for(const struct jwt_trust_set *set, enum principal_kind kind)
{
	for (size_t i = 0; set && i < set->n; i++)
		if (set->trusts[i].kind == kind)
			return &set->trusts[i];
	return NULL;
}

static const struct jwt_key *
find_key(const struct jwt_trust_set *set, const char *kid, const struct jwt_trust **trust)
{
	for (size_t i = 0; i < set->n; i++) {
		for (size_t j = 0; j < set->trusts[i].n_keys; j++) {
			if (strcmp(set->trusts[i].keys[j].kid, kid) == 0) {
				*trust = &set->trusts[i];
				return &set->trusts[i].keys[j];
			}
		}
	}
	return NULL;
}

/* Decodes a base64url JWK member into a fresh buffer. */
static unsigned char *
jwk_bytes(const json_t *jwk, const char *name, size_t max, size_t *len)
{
	const json_t *v = json_object_get(jwk, name);
	unsigned char *buf;

	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max * 2)
		return NULL;
	buf = malloc(json_string_length(v));
	if (!buf)
		return NULL;
	if (!b64url_decode(json_string_value(v), json_string_length(v), buf, json_string_length(v),
	                   len) ||
	    *len == 0 || *len > max) {
		free(buf);
		return NULL;
	}
	return buf;
}

static EVP_PKEY *
rsa_from_jwk(const json_t *jwk, char *err, size_t errlen)
{
	size_t nlen = 0, elen = 0;
	unsigned char *nb = jwk_bytes(jwk, "n", MAX_RSA_BITS / 8, &nlen);
	unsigned char *eb = jwk_bytes(jwk, "e", 8, &elen);
	BIGNUM *n = NULL, *e = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;

	if (!nb || !eb) {
		snprintf(err, errlen, "rsa key needs base64url n (at most %d bits) and e",
		         MAX_RSA_BITS);
		goto out;
	}
	n = BN_bin2bn(nb, (int)nlen, NULL);
	e = BN_bin2bn(eb, (int)elen, NULL);
	bld = OSSL_PARAM_BLD_new();
	if (!n || !e || !bld || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)) ||
	    !(ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) ||
	    EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		snprintf(err, errlen, "rsa key could not be built from n and e");
		goto out;
	}
	if (EVP_PKEY_get_bits(pkey) < JWT_MIN_RSA_BITS || !BN_is_odd(e) || BN_is_one(e)) {
		snprintf(err, errlen, "rsa key too weak (needs %d bits and an odd e > 1)",
		         JWT_MIN_RSA_BITS);
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
out:
	ERR_clear_error();
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	free(nb);
	free(eb);
	return pkey;
}

static bool
kid_ok(const char *kid)
{
	size_t n = strlen(kid);

	if (n == 0 || n >= sizeof(((struct jwt_key *)0)->kid))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isgraph((unsigned char)kid[i]))
			return false;
	return true;
}

static bool
key_from_jwk(const json_t *jwk, struct jwt_key *k, char *err, size_t errlen)
{
	const char *kty = json_string_value(json_object_get(jwk, "kty"));
	const char *kid = json_string_value(json_object_get(jwk, "kid"));
	const char *alg = json_string_value(json_object_get(jwk, "alg"));
	const json_t *use = json_object_get(jwk, "use");

	if (!json_is_object(jwk) || !kty) {
		snprintf(err, errlen, "every key needs kty");
		return false;
	}
	if (!kid || !kid_ok(kid)) {
		snprintf(err, errlen, "every key needs a kid (printable, under 128 bytes)");
		return false;
	}
	if (!alg || !jwt_alg_from_name(alg, &k->alg)) {
		snprintf(err, errlen, "key %s needs alg RS256, PS256 or HS256", kid);
		return false;
	}
	if (use && !(json_is_string(use) && strcmp(json_string_value(use), "sig") == 0)) {
		snprintf(err, errlen, "key %s: use must be sig", kid);
		return false;
	}
	snprintf(k->kid, sizeof(k->kid), "%s", kid);
	if (strcmp(kty, "RSA") == 0) {
		static const char *const private_parts[] = {"d", "p", "q", "dp", "dq", "qi"};

		if (k->alg == JWT_ALG_HS256) {
			snprintf(err, errlen, "key %s: an RSA key cannot carry alg HS256", kid);
			return false;
		}
		for (unsigned i = 0; i < 6; i++) {
			if (json_object_get(jwk, private_parts[i])) {
				snprintf(
				        err, errlen,
				        "key %s holds private key material; a verification set must not",
				        kid);
				return false;
			}
		}
		k->pkey = rsa_from_jwk(jwk, err, errlen);
		return k->pkey != NULL;
	}
	if (strcmp(kty, "oct") == 0) {
		if (k->alg != JWT_ALG_HS256) {
			snprintf(err, errlen, "key %s: an oct key must carry alg HS256", kid);
			return false;
		}
		k->secret = jwk_bytes(jwk, "k", 1024, &k->secret_len);
		if (!k->secret || k->secret_len < JWT_MIN_HMAC_SECRET) {
			snprintf(err, errlen, "key %s: k must hold at least %d bytes", kid,
			         JWT_MIN_HMAC_SECRET);
			return false;
		}
		return true;
	}
	snprintf(err, errlen, "key %s: kty must be RSA or oct", kid);
	return false;
}

bool
jwt_trust_add(struct jwt_trust_set *set, enum principal_kind kind, const char *issuer,
              const char *audience, const char *jwks, size_t jwks_len, const char *path, char *err,
              size_t errlen)
{
	json_error_t jerr;
	json_t *root = NULL, *keys, *jwk;
	struct jwt_trust t = {.kind = kind,
	                      .max_ttl = kind == PRINCIPAL_INWONER      ? JWT_MAX_TTL_INWONER
	                                 : kind == PRINCIPAL_MEDEWERKER ? JWT_MAX_TTL_MEDEWERKER
	                                                                : JWT_MAX_TTL_APPLICATIE};
	struct jwt_trust *grown;
	size_t i;
	char why[200];

	if (!issuer || !*issuer || !audience || !*audience) {
		snprintf(err, errlen, "a key set needs an issuer and an audience");
		return false;
	}
	root = json_loadb(jwks, jwks_len, JSON_REJECT_DUPLICATES, &jerr);
	keys = json_object_get(root, "keys");
	if (!root || !json_is_array(keys) || json_array_size(keys) == 0 ||
	    json_array_size(keys) > JWT_MAX_KEYS_PER_SET) {
		snprintf(err, errlen, "%s: not a JWKS with 1 to %d keys%s%s", path ? path : "jwks",
		         JWT_MAX_KEYS_PER_SET, root ? "" : ": ", root ? "" : jerr.text);
		json_decref(root);
		return false;
	}
	t.keys = calloc(json_array_size(keys), sizeof(*t.keys));
	t.issuer = strdup(issuer);
	t.audience = strdup(audience);
	t.jwks_path = path ? strdup(path) : NULL;
	if (!t.keys || !t.issuer || !t.audience || (path && !t.jwks_path)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	json_array_foreach(keys, i, jwk)
	{
		const struct jwt_trust *other;

		if (!key_from_jwk(jwk, &t.keys[i], why, sizeof(why))) {
			t.n_keys = i + 1;
			snprintf(err, errlen, "%s: %s", path ? path : "jwks", why);
			goto fail;
		}
		t.n_keys = i + 1;
		/* A kid must name one key: lookup is by kid over all sets. */
		bool twice = find_key(set, t.keys[i].kid, &other);
		for (size_t j = 0; j < i && !twice; j++)
			twice = strcmp(t.keys[j].kid, t.keys[i].kid) == 0;
		if (twice) {
			snprintf(err, errlen, "%s: kid %s appears twice in the trusted keys",
			         path ? path : "jwks", t.keys[i].kid);
			goto fail;
		}
	}
	grown = realloc(set->trusts, (set->n + 1) * sizeof(*set->trusts));
	if (!grown) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	set->trusts = grown;
	set->trusts[set->n++] = t;
	json_decref(root);
	return true;
fail:
	trust_clear(&t);
	json_decref(root);
	return false;
}

static char *
read_small_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *buf;

	if (!f) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (size_t)st.st_size > max) {
		snprintf(err, errlen, "%s: not a regular file of at most %zu bytes", path, max);
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		snprintf(err, errlen, "cannot read %s", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[st.st_size] = '\0';
	*len = (size_t)st.st_size;
	return buf;
}

/* One "<kind> iss=.. aud=.. jwks=.." entry, cut out of the spec (writable copy). */
static bool
trust_entry(struct jwt_trust_set *set, char *entry, char *err, size_t errlen)
{
	char *save = NULL, *word, *iss = NULL, *aud = NULL, *jwks = NULL, *maxttl = NULL, *text;
	char *end = NULL;
	long ttl = 0;
	enum principal_kind kind;
	size_t len;
	bool ok;

	word = strtok_r(entry, " \t\n", &save);
	if (!word)
		return true; /* empty entry, e.g. a trailing ';' */
	if (!principal_kind_from_name(word, &kind)) {
		snprintf(err, errlen, "ZS_JWT_TRUST: unknown kind \"%.40s\"", word);
		return false;
	}
	while ((word = strtok_r(NULL, " \t\n", &save))) {
		char **slot = strncmp(word, "iss=", 4) == 0      ? &iss
		              : strncmp(word, "aud=", 4) == 0    ? &aud
		              : strncmp(word, "jwks=", 5) == 0   ? &jwks
		              : strncmp(word, "maxttl=", 7) == 0 ? &maxttl
		                                                 : NULL;

		if (!slot || *slot) {
			snprintf(err, errlen, "ZS_JWT_TRUST: unexpected or repeated \"%.40s\"",
			         word);
			return false;
		}
		*slot = strchr(word, '=') + 1;
	}
	if (!iss || !*iss || !aud || !*aud || !jwks || !*jwks) {
		snprintf(err, errlen,
		         "ZS_JWT_TRUST: %s needs iss=, aud= and jwks=", principal_kind_name(kind));
		return false;
	}
	if (maxttl) {
		ttl = strtol(maxttl, &end, 10);
		if (!*maxttl || *end || ttl < 60 || ttl > 7L * 24 * 3600) {
			snprintf(err, errlen,
			         "ZS_JWT_TRUST: maxttl= must be a number of seconds from 60 to "
			         "604800");
			return false;
		}
	}
	text = read_small_file(jwks, MAX_JWKS_FILE, &len, err, errlen);
	if (!text)
		return false;
	ok = jwt_trust_add(set, kind, iss, aud, text, len, jwks, err, errlen);
	if (ok && maxttl)
		set->trusts[set->n - 1].max_ttl = ttl;
	OPENSSL_cleanse(text, len);
	free(text);
	return ok;
}

struct jwt_trust_set *
jwt_trust_load(const char *spec, char *err, size_t errlen)
{
	struct jwt_trust_set *set;
	char *copy, *save = NULL, *entry;

	if (!spec || !*spec) {
		snprintf(err, errlen, "ZS_JWT_TRUST is empty: no token could ever be accepted");
		return NULL;
	}
	set = jwt_trust_new();
	copy = strdup(spec);
	if (!set || !copy) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (entry = strtok_r(copy, ";", &save); entry; entry = strtok_r(NULL, ";", &save))
		if (!trust_entry(set, entry, err, errlen))
			goto fail;
	if (set->n == 0) {
		snprintf(err, errlen, "ZS_JWT_TRUST names no key set");
		goto fail;
	}
	free(copy);
	return set;
fail:
	free(copy);
	jwt_trust_free(set);
	return NULL;
}

/* ---- verification ------------------------------------------------------- */

static bool
refuse(struct jwt_result *res, enum jwt_fout fout, const char *detail)
{
	res->fout = fout;
	snprintf(res->detail, sizeof(res->detail), "%s", detail);
	return false;
}

static bool
verify_signature(const struct jwt_key *k, const char *input, size_t inlen, const unsigned char *sig,
                 size_t siglen)
{
	bool ok = false;

	if (k->alg == JWT_ALG_HS256) {
		unsigned char mac[EVP_MAX_MD_SIZE];
		unsigned int maclen = 0;

		if (!HMAC(EVP_sha256(), k->secret, (int)k->secret_len, (const unsigned char *)input,
		          inlen, mac, &maclen))
			return false;
		ok = siglen == maclen && CRYPTO_memcmp(mac, sig, maclen) == 0;
		OPENSSL_cleanse(mac, sizeof(mac));
		return ok;
	}

	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;

	if (!md)
		return false;
	if ((int)siglen == EVP_PKEY_get_size(k->pkey) &&
	    EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, k->pkey) == 1) {
		int pad_ok;

		if (k->alg == JWT_ALG_PS256)
			pad_ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
			         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) >
			                 0 &&
			         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) > 0;
		else
			pad_ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
		ok = pad_ok &&
		     EVP_DigestVerify(md, sig, siglen, (const unsigned char *)input, inlen) == 1;
	}
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return ok;
}

/* A NumericDate member: absent (false, ok), or a number (true). */
static bool
numeric_date(const json_t *claims, const char *name, bool *present, long long *value)
{
	const json_t *v = json_object_get(claims, name);
	double d;

	*present = v != NULL;
	if (!v)
		return true;
	if (!json_is_number(v))
		return false;
	d = json_number_value(v);
	/* Far beyond any real date; keeps the arithmetic below from overflowing. */
	if (!(d > -1e15 && d < 1e15))
		return false;
	*value = (long long)d;
	return true;
}

static bool
audience_ok(const json_t *aud, const char *ours)
{
	const json_t *a;
	size_t i;

	if (json_is_string(aud))
		return strcmp(json_string_value(aud), ours) == 0;
	if (!json_is_array(aud) || json_array_size(aud) > MAX_AUD)
		return false;
	json_array_foreach(aud, i, a)
	{
		if (json_is_string(a) && strcmp(json_string_value(a), ours) == 0)
			return true;
	}
	return false;
}

static bool
check_claims(const struct jwt_trust_set *set, const struct jwt_trust *trust,
             const struct jwt_key *key, const json_t *claims, time_t now, struct principal *out,
             struct jwt_result *res)
{
	const json_t *iss = json_object_get(claims, "iss");
	const json_t *sub = json_object_get(claims, "sub");
	long long exp = 0, nbf = 0, iat = 0, t = (long long)now, skew = set->skew;
	bool has_exp, has_nbf, has_iat;
	char why[160];

	if (!json_is_string(iss) || strcmp(json_string_value(iss), trust->issuer) != 0)
		return refuse(res, JWT_FOUT_UITGEVER,
		              "iss is not the issuer configured for this key");
	if (!audience_ok(json_object_get(claims, "aud"), trust->audience))
		return refuse(res, JWT_FOUT_PUBLIEK, "aud does not name this service");
	if (!numeric_date(claims, "exp", &has_exp, &exp) || !has_exp)
		return refuse(res, JWT_FOUT_CLAIMS, "exp is required and must be a number");
	if (!numeric_date(claims, "nbf", &has_nbf, &nbf) ||
	    !numeric_date(claims, "iat", &has_iat, &iat))
		return refuse(res, JWT_FOUT_CLAIMS, "nbf and iat must be numbers");
	if (t >= exp + skew)
		return refuse(res, JWT_FOUT_VERLOPEN, "exp has passed");
	/* A token valid for decades is a standing key: lifetimes are capped
	 * per kind, by iat where the token says when it was issued and by the
	 * time now in any case. */
	if (exp - t > trust->max_ttl + skew || (has_iat && exp - iat > trust->max_ttl))
		return refuse(res, JWT_FOUT_TE_LANG_GELDIG,
		              "exp lies further ahead than this kind of token may live");
	if (has_nbf && t + skew < nbf)
		return refuse(res, JWT_FOUT_NOG_NIET_GELDIG, "nbf lies in the future");
	if (has_iat && t + skew < iat)
		return refuse(res, JWT_FOUT_NOG_NIET_GELDIG, "iat lies in the future");
	if (sub && (!json_is_string(sub) || json_string_length(sub) >= sizeof(out->subject)))
		return refuse(res, JWT_FOUT_CLAIMS, "sub must be a short string");
	if (!principal_from_claims(trust->kind, claims, out, why, sizeof(why)))
		return refuse(res, JWT_FOUT_CLAIMS, why);
	/* A client may only speak for itself: its secret is bound to its client_id. */
	if (trust->kind == PRINCIPAL_APPLICATIE && strcmp(out->client_id, key->kid) != 0)
		return refuse(res, JWT_FOUT_CLAIMS, "client_id is not the client that signed");
	snprintf(out->issuer, sizeof(out->issuer), "%s", trust->issuer);
	res->geldig_tot = (time_t)(exp + skew);
	if (sub)
		snprintf(out->subject, sizeof(out->subject), "%s", json_string_value(sub));
	return true;
}

bool
jwt_verify(const struct jwt_trust_set *set, const char *token, size_t len, time_t now,
           struct principal *out, struct jwt_result *res)
{
	/* Decoded parts are never longer than the token; the stack holds them all. */
	unsigned char header[JWT_MAX_TOKEN], payload[JWT_MAX_TOKEN], sig[1024];
	size_t hlen, plen, slen, dot1, dot2;
	const char *d1, *d2, *alg_s, *kid_s;
	const struct jwt_trust *trust = NULL;
	const struct jwt_key *key;
	json_t *hdr = NULL, *claims = NULL;
	json_error_t jerr;
	enum jwt_alg alg;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	res->fout = JWT_OK;
	res->detail[0] = '\0';
	if (!token || len == 0)
		return refuse(res, JWT_FOUT_ONTBREEKT, "no bearer token");
	if (len > JWT_MAX_TOKEN)
		return refuse(res, JWT_FOUT_FORMAAT, "token longer than 8192 bytes");
	d1 = memchr(token, '.', len);
	d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 - token) - 1) : NULL;
	if (!d1 || !d2 || memchr(d2 + 1, '.', len - (size_t)(d2 - token) - 1))
		return refuse(res, JWT_FOUT_FORMAAT, "not three dot-separated parts");
	dot1 = (size_t)(d1 - token);
	dot2 = (size_t)(d2 - token);
	if (dot1 == 0 || dot2 == dot1 + 1)
		return refuse(res, JWT_FOUT_FORMAAT, "empty header or payload");
	if (!b64url_decode(token, dot1, header, sizeof(header), &hlen) ||
	    !b64url_decode(d1 + 1, dot2 - dot1 - 1, payload, sizeof(payload), &plen))
		return refuse(res, JWT_FOUT_FORMAAT, "a part is not strict base64url");

	/* The header first, so that an unsigned "alg":"none" token is named for what it is. */
	hdr = json_loadb((const char *)header, hlen, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(hdr)) {
		refuse(res, JWT_FOUT_FORMAAT, "header is not a JSON object without duplicate keys");
		goto out;
	}
	alg_s = json_string_value(json_object_get(hdr, "alg"));
	if (!alg_s || !jwt_alg_from_name(alg_s, &alg)) {
		refuse(res, JWT_FOUT_ALGORITME, "alg must be RS256, PS256 or HS256");
		goto out;
	}
	/* We implement no JWS extension, so any critical one must be refused (RFC 7515 §4.1.11). */
	if (json_object_get(hdr, "crit")) {
		refuse(res, JWT_FOUT_FORMAAT, "header names critical extensions");
		goto out;
	}
	kid_s = json_string_value(json_object_get(hdr, "kid"));
	if (!kid_s || !(key = find_key(set, kid_s, &trust))) {
		refuse(res, JWT_FOUT_SLEUTEL_ONBEKEND,
		       kid_s ? "kid is not a trusted key" : "header has no kid");
		goto out;
	}
	if (alg != key->alg) {
		refuse(res, JWT_FOUT_ALGORITME,
		       "alg differs from the algorithm pinned for this key");
		goto out;
	}
	if (dot2 + 1 == len || !b64url_decode(d2 + 1, len - dot2 - 1, sig, sizeof(sig), &slen)) {
		refuse(res, JWT_FOUT_FORMAAT, "signature is empty or not strict base64url");
		goto out;
	}
	if (!verify_signature(key, token, dot2, sig, slen)) {
		refuse(res, JWT_FOUT_HANDTEKENING, "signature does not verify");
		goto out;
	}
	claims = json_loadb((const char *)payload, plen, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(claims)) {
		refuse(res, JWT_FOUT_FORMAAT,
		       "payload is not a JSON object without duplicate keys");
		goto out;
	}
	ok = check_claims(set, trust, key, claims, now, out, res);
out:
	json_decref(hdr);
	json_decref(claims);
	if (!ok)
		memset(out, 0, sizeof(*out));
	return ok;
}

enum jwt_fout
jwt_bearer(const char *authorization, const char **token, size_t *len)
{
	const char *p;

	*token = NULL;
	*len = 0;
	if (!authorization || !*authorization)
		return JWT_FOUT_ONTBREEKT;
	if (strncasecmp(authorization, "Bearer ", 7) != 0)
		return JWT_FOUT_FORMAAT;
	p = authorization + 7;
	while (*p == ' ')
		p++;
	*len = strlen(p);
	while (*len > 0 && p[*len - 1] == ' ')
		(*len)--;
	*token = p;
	return *len == 0 ? JWT_FOUT_ONTBREEKT : JWT_OK;
}

/* ---- signing ------------------------------------------------------------ */

char *
jwt_sign_compact(const char *header, size_t hlen, const char *payload, size_t plen,
                 enum jwt_alg alg, EVP_PKEY *pkey, const unsigned char *secret, size_t secret_len)
{
	size_t cap = (hlen + plen + 2) / 3 * 4 + 8 + 2048, n, siglen = 0;
	unsigned char sigbuf[1024];
	char *out = malloc(cap);

	if (!out)
		return NULL;
	n = b64url_encode((const unsigned char *)header, hlen, out, cap);
	out[n++] = '.';
	n += b64url_encode((const unsigned char *)payload, plen, out + n, cap - n);

	if (alg == JWT_ALG_HS256) {
		unsigned int maclen = 0;

		if (!secret || !HMAC(EVP_sha256(), secret, (int)secret_len,
		                     (const unsigned char *)out, n, sigbuf, &maclen))
			goto fail;
		siglen = maclen;
	} else {
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		EVP_PKEY_CTX *pctx = NULL;
		int rc = 0;

		siglen = sizeof(sigbuf);
		if (md && pkey && EVP_DigestSignInit(md, &pctx, EVP_sha256(), NULL, pkey) == 1) {
			if (alg == JWT_ALG_PS256)
				rc = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) >
				             0 &&
				     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
				                                      RSA_PSS_SALTLEN_DIGEST) > 0 &&
				     EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) > 0;
			else
				rc = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
			rc = rc && EVP_DigestSign(md, sigbuf, &siglen, (const unsigned char *)out,
			                          n) == 1;
		}
		EVP_MD_CTX_free(md);
		if (!rc)
			goto fail;
	}
	out[n++] = '.';
	if (b64url_encode(sigbuf, siglen, out + n, cap - n) == 0)
		goto fail;
	return out;
fail:
	ERR_clear_error();
	free(out);
	return NULL;
}

char *
jwt_sign(const char *kid, enum jwt_alg alg, EVP_PKEY *pkey, const unsigned char *secret,
         size_t secret_len, const json_t *claims)
{
	json_t *hdr =
	        json_pack("{s:s, s:s, s:s}", "alg", jwt_alg_name(alg), "typ", "JWT", "kid", kid);
	char *h = hdr ? json_dumps(hdr, JSON_COMPACT) : NULL;
	char *p = json_dumps(claims, JSON_COMPACT);
	char *tok = NULL;

	if (h && p)
		tok = jwt_sign_compact(h, strlen(h), p, strlen(p), alg, pkey, secret, secret_len);
	json_decref(hdr);
	free(h);
	free(p);
	return tok;
}

static EVP_PKEY *
private_key_for(const struct jwt_trust *t, const struct jwt_key *k, char *err, size_t errlen)
{
	char path[4096];
	const char *slash = t->jwks_path ? strrchr(t->jwks_path, '/') : NULL;
	EVP_PKEY *pkey;
	FILE *f;

	if (!t->jwks_path) {
		snprintf(err, errlen, "key %s was not loaded from a file", k->kid);
		return NULL;
	}
	if (slash)
		snprintf(path, sizeof(path), "%.*s/%s.pem", (int)(slash - t->jwks_path),
		         t->jwks_path, k->kid);
	else
		snprintf(path, sizeof(path), "%s.pem", k->kid);
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot open private key %s: %s", path, strerror(errno));
		return NULL;
	}
	pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	ERR_clear_error();
	if (!pkey)
		snprintf(err, errlen, "%s holds no private key", path);
	return pkey;
}

char *
jwt_mint(const struct jwt_trust_set *set, const struct principal *p, const char *alg, time_t now,
         long ttl, char *err, size_t errlen)
{
	const struct jwt_trust *t = NULL;
	const struct jwt_key *k = NULL;
	enum jwt_alg want = JWT_ALG_RS256;
	EVP_PKEY *pkey = NULL;
	json_t *claims;
	char *tok;

	if (alg && !jwt_alg_from_name(alg, &want)) {
		snprintf(err, errlen, "unknown algorithm %s", alg);
		return NULL;
	}
	for (size_t i = 0; set && i < set->n && !k; i++) {
		if (set->trusts[i].kind != p->kind)
			continue;
		for (size_t j = 0; j < set->trusts[i].n_keys && !k; j++) {
			const struct jwt_key *c = &set->trusts[i].keys[j];

			if (alg && c->alg != want)
				continue;
			if (p->kind == PRINCIPAL_APPLICATIE && strcmp(c->kid, p->client_id) != 0)
				continue;
			t = &set->trusts[i];
			k = c;
		}
	}
	if (!k) {
		snprintf(err, errlen, "no %s key for %s%s%s", alg ? alg : "signing",
		         principal_kind_name(p->kind),
		         p->kind == PRINCIPAL_APPLICATIE ? " client " : "",
		         p->kind == PRINCIPAL_APPLICATIE ? p->client_id : "");
		return NULL;
	}
	if (k->alg != JWT_ALG_HS256 && !(pkey = private_key_for(t, k, err, errlen)))
		return NULL;
	claims = principal_to_claims(p);
	json_object_set_new(claims, "iss", json_string(t->issuer));
	json_object_set_new(claims, "aud", json_string(t->audience));
	json_object_set_new(claims, "sub",
	                    json_string(p->kind == PRINCIPAL_MEDEWERKER   ? p->medewerker_id
	                                : p->kind == PRINCIPAL_APPLICATIE ? p->client_id
	                                                                  : "inwoner"));
	json_object_set_new(claims, "iat", json_integer((json_int_t)now));
	json_object_set_new(claims, "nbf", json_integer((json_int_t)now));
	json_object_set_new(claims, "exp", json_integer((json_int_t)(now + ttl)));
	tok = jwt_sign(k->kid, k->alg, pkey, k->secret, k->secret_len, claims);
	if (!tok)
		snprintf(err, errlen, "signing failed");
	json_decref(claims);
	EVP_PKEY_free(pkey);
	return tok;
}
