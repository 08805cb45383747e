/*
 * test_jwt.c — token verification: the negative suite (every way a token can
 * be forged, stale, misdirected or malformed is refused with its own code),
 * valid tokens of each kind accepted with the right principal, JWKS and
 * ZS_JWT_TRUST loading refusals, and minting from key files. Keys are made
 * here with OpenSSL; nothing is read from the repository.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "access/jwt.h"

#define NOW        1717200000L
#define ISS_INW    "https://broker.test/digid"
#define ISS_MW     "https://idp.test/realms/gemeente"
#define ISS_APP    "zgw-clients"
#define AUD        "zaakstroom"
#define HS_SECRET  "0123456789abcdef0123456789abcdef" /* 32 bytes */
#define BSN        "111222333"
#define BSN_MACHT  "123456782"
#define BSN_MW     "999993653"
#define SPLIT_SIZE 2048
#define HDR(s)     (s), strlen(s)

static EVP_PKEY *key_rs, *key_ps, *key_mw, *key_other;
static struct jwt_trust_set *trust;

/* ---- helpers ------------------------------------------------------------ */

static char *
rsa_jwk(EVP_PKEY *k, const char *kid, const char *alg)
{
	BIGNUM *n = NULL, *e = NULL;
	unsigned char nb[1024], eb[16];
	char n64[1400], e64[32], *out;
	int nl, el;

	assert_int_equal(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n), 1);
	assert_int_equal(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e), 1);
	nl = BN_bn2bin(n, nb);
	el = BN_bn2bin(e, eb);
	assert_true(b64url_encode(nb, (size_t)nl, n64, sizeof(n64)) > 0);
	assert_true(b64url_encode(eb, (size_t)el, e64, sizeof(e64)) > 0);
	BN_free(n);
	BN_free(e);
	assert_true(asprintf(&out,
	                     "{\"kty\":\"RSA\",\"kid\":\"%s\",\"alg\":\"%s\",\"use\":\"sig\","
	                     "\"n\":\"%s\",\"e\":\"%s\"}",
	                     kid, alg, n64, e64) > 0);
	return out;
}

static char *
oct_jwk(const char *kid, const char *secret)
{
	char k64[256], *out;

	assert_true(b64url_encode((const unsigned char *)secret, strlen(secret), k64, sizeof(k64)) >
	            0);
	assert_true(asprintf(&out,
	                     "{\"kty\":\"oct\",\"kid\":\"%s\",\"alg\":\"HS256\",\"k\":\"%s\"}", kid,
	                     k64) > 0);
	return out;
}

static bool
add_set(struct jwt_trust_set *set, enum principal_kind kind, const char *iss, const char *keys,
        char *err)
{
	char *jwks;
	bool ok;

	assert_true(asprintf(&jwks, "{\"keys\":[%s]}", keys) > 0);
	ok = jwt_trust_add(set, kind, iss, AUD, jwks, strlen(jwks), NULL, err, 200);
	free(jwks);
	return ok;
}

static int
setup(void **state)
{
	char *a, *b, *c, *d, *keys, err[200];

	(void)state;
	key_rs = EVP_RSA_gen(2048);
	key_ps = EVP_RSA_gen(2048);
	key_mw = EVP_RSA_gen(2048);
	key_other = EVP_RSA_gen(2048);
	if (!key_rs || !key_ps || !key_mw || !key_other)
		return -1;
	trust = jwt_trust_new();
	a = rsa_jwk(key_rs, "inw-rs", "RS256");
	b = rsa_jwk(key_ps, "inw-ps", "PS256");
	c = rsa_jwk(key_mw, "mw-rs", "RS256");
	d = oct_jwk("gzac", HS_SECRET);
	assert_true(asprintf(&keys, "%s,%s", a, b) > 0);
	if (!add_set(trust, PRINCIPAL_INWONER, ISS_INW, keys, err) ||
	    !add_set(trust, PRINCIPAL_MEDEWERKER, ISS_MW, c, err) ||
	    !add_set(trust, PRINCIPAL_APPLICATIE, ISS_APP, d, err)) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	free(a);
	free(b);
	free(c);
	free(d);
	free(keys);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	jwt_trust_free(trust);
	EVP_PKEY_free(key_rs);
	EVP_PKEY_free(key_ps);
	EVP_PKEY_free(key_mw);
	EVP_PKEY_free(key_other);
	return 0;
}

static char *
inwoner_claims(long exp_off)
{
	char *c;

	assert_true(asprintf(&c,
	                     "{\"iss\":\"" ISS_INW "\",\"aud\":\"" AUD "\",\"sub\":\"abc\","
	                     "\"iat\":%ld,\"nbf\":%ld,\"exp\":%ld,\"bsn\":\"" BSN "\","
	                     "\"loa\":\"substantieel\"}",
	                     NOW, NOW, NOW + exp_off) > 0);
	return c;
}

/* Signs header and payload text with the key the alg calls for. */
static char *
sign(const char *header, const char *payload, enum jwt_alg alg, EVP_PKEY *k)
{
	char *t = jwt_sign_compact(header, strlen(header), payload, strlen(payload), alg, k,
	                           (const unsigned char *)HS_SECRET, strlen(HS_SECRET));

	assert_non_null(t);
	return t;
}

static char *
sign_inwoner(const char *payload)
{
	return sign("{\"alg\":\"RS256\",\"kid\":\"inw-rs\",\"typ\":\"JWT\"}", payload,
	            JWT_ALG_RS256, key_rs);
}

static char *
inwoner_token(long exp_off)
{
	char *c = inwoner_claims(exp_off), *t = sign_inwoner(c);

	free(c);
	return t;
}

static enum jwt_fout
verify_at(const char *tok, time_t now, struct principal *p)
{
	struct jwt_result res;
	bool ok = jwt_verify(trust, tok, strlen(tok), now, p, &res);

	assert_int_equal(ok, res.fout == JWT_OK);
	if (!ok) {
		/* A refusal always says why, and the principal is never half-filled. */
		assert_true(res.detail[0] != '\0');
		assert_int_equal(p->kind, 0);
		assert_int_equal(p->rollen, 0);
	}
	return res.fout;
}

static enum jwt_fout
verify(const char *tok)
{
	struct principal p;

	return verify_at(tok, NOW, &p);
}

#define assert_refused(tok, code)                                                                  \
	do {                                                                                       \
		char *t_ = (tok);                                                                  \
		assert_string_equal(jwt_fout_code(verify(t_)), jwt_fout_code(code));               \
		free(t_);                                                                          \
	} while (0)

/* Re-encodes one part of a token after changing its decoded bytes. */
static char *
mutate_part(const char *tok, int part, void (*fn)(unsigned char *, size_t *))
{
	const char *start = tok, *end;
	unsigned char buf[SPLIT_SIZE * 4];
	char enc[SPLIT_SIZE * 6], *out;
	size_t n;

	for (int i = 0; i < part; i++)
		start = strchr(start, '.') + 1;
	end = strchr(start, '.');
	if (!end)
		end = start + strlen(start);
	assert_true(b64url_decode(start, (size_t)(end - start), buf, sizeof(buf), &n));
	fn(buf, &n);
	assert_true(b64url_encode(buf, n, enc, sizeof(enc)) > 0 || n == 0);
	assert_true(asprintf(&out, "%.*s%s%s", (int)(start - tok), tok, enc, end) > 0);
	return out;
}

static void
flip_first_bit(unsigned char *b, size_t *n)
{
	(void)n;
	b[0] ^= 0x01;
}

/* Changes the last digit of the BSN: a "valid-looking" but forged identity. */
static void
flip_bsn_digit(unsigned char *b, size_t *n)
{
	char *p = memmem(b, *n, BSN, strlen(BSN));

	assert_non_null(p);
	p[8] = '4';
}

/* ---- valid tokens ------------------------------------------------------ */

static void
accepts_inwoner_rs256(void **state)
{
	struct principal p;
	char *tok;

	(void)state;
	tok = sign_inwoner("{\"iss\":\"" ISS_INW "\",\"aud\":[\"other\",\"" AUD "\"],"
	                   "\"exp\":1717203600,\"bsn\":\"" BSN "\",\"loa\":\"midden\","
	                   "\"machtigingen\":[{\"bsn\":\"" BSN_MACHT
	                   "\",\"diensten\":[\"SUBSIDIE\"]},"
	                   "{\"kvk\":\"69599084\"}]}");
	assert_int_equal(verify_at(tok, NOW, &p), JWT_OK);
	assert_int_equal(p.kind, PRINCIPAL_INWONER);
	assert_int_equal(p.identiteit.type, ID_BSN);
	assert_string_equal(p.identiteit.nummer, BSN);
	assert_int_equal(p.loa, LOA_MIDDEN);
	assert_int_equal(p.rollen, ROL_BIT(ROL_INWONER) | ROL_BIT(ROL_GEMACHTIGDE));
	assert_int_equal(p.n_machtigingen, 2);
	assert_string_equal(p.machtigingen[0].voor.nummer, BSN_MACHT);
	assert_int_equal(p.machtigingen[0].n_diensten, 1);
	assert_string_equal(p.machtigingen[0].diensten[0], "SUBSIDIE");
	assert_int_equal(p.machtigingen[1].voor.type, ID_KVK);
	assert_string_equal(p.issuer, ISS_INW);
	free(tok);
}

static void
accepts_inwoner_ps256_with_eherkenning(void **state)
{
	struct principal p;
	char *tok;

	(void)state;
	tok = sign("{\"alg\":\"PS256\",\"kid\":\"inw-ps\"}",
	           "{\"iss\":\"" ISS_INW "\",\"aud\":\"" AUD "\",\"exp\":1717203600,"
	           "\"kvk\":\"69599084\",\"loa\":\"urn:etoegang:core:assurance-class:loa3\"}",
	           JWT_ALG_PS256, key_ps);
	assert_int_equal(verify_at(tok, NOW, &p), JWT_OK);
	assert_int_equal(p.identiteit.type, ID_KVK);
	assert_string_equal(p.identiteit.nummer, "69599084");
	assert_int_equal(p.loa, LOA_SUBSTANTIEEL);
	assert_int_equal(p.rollen, ROL_BIT(ROL_INWONER));
	free(tok);
}

static void
accepts_medewerker_and_ignores_foreign_roles(void **state)
{
	struct principal p;
	char *tok;

	(void)state;
	tok = sign("{\"alg\":\"RS256\",\"kid\":\"mw-rs\"}",
	           "{\"iss\":\"" ISS_MW "\",\"aud\":\"" AUD "\",\"exp\":1717203600,"
	           "\"medewerker_id\":\"m.devries\",\"afdeling\":\"vergunningen\","
	           "\"bsn\":\"" BSN_MW "\",\"roles\":[\"behandelaar\",\"kcc-medewerker\","
	           "\"inwoner\",\"offline_access\"]}",
	           JWT_ALG_RS256, key_mw);
	assert_int_equal(verify_at(tok, NOW, &p), JWT_OK);
	assert_int_equal(p.kind, PRINCIPAL_MEDEWERKER);
	assert_string_equal(p.medewerker_id, "m.devries");
	assert_string_equal(p.afdeling, "vergunningen");
	assert_string_equal(p.identiteit.nummer, BSN_MW);
	/* "inwoner" in an employee token is not an employee role and grants nothing. */
	assert_int_equal(p.rollen, ROL_BIT(ROL_BEHANDELAAR) | ROL_BIT(ROL_KCC_MEDEWERKER));
	free(tok);
}

static void
accepts_applicatie_hs256(void **state)
{
	struct principal p;
	char *tok;

	(void)state;
	tok = sign("{\"alg\":\"HS256\",\"kid\":\"gzac\"}",
	           "{\"iss\":\"" ISS_APP "\",\"aud\":\"" AUD
	           "\",\"exp\":1717203600,\"iat\":1717200000,"
	           "\"client_id\":\"gzac\",\"user_id\":\"b.smit\","
	           "\"user_representation\":\"B. Smit\"}",
	           JWT_ALG_HS256, NULL);
	assert_int_equal(verify_at(tok, NOW, &p), JWT_OK);
	assert_int_equal(p.kind, PRINCIPAL_APPLICATIE);
	assert_string_equal(p.client_id, "gzac");
	assert_string_equal(p.user_id, "b.smit");
	assert_string_equal(p.user_representation, "B. Smit");
	assert_int_equal(p.rollen, ROL_BIT(ROL_APPLICATIE));
	free(tok);
}

/* ---- the negative suite ------------------------------------------------- */

static void
refuses_alg_none(void **state)
{
	char *claims = inwoner_claims(3600), hdr[64], pl[1024], *tok;

	(void)state;
	/* Unsigned, as the attack sends it: empty signature. */
	b64url_encode((const unsigned char *)"{\"alg\":\"none\",\"kid\":\"inw-rs\"}",
	              strlen("{\"alg\":\"none\",\"kid\":\"inw-rs\"}"), hdr, sizeof(hdr));
	b64url_encode((const unsigned char *)claims, strlen(claims), pl, sizeof(pl));
	assert_true(asprintf(&tok, "%s.%s.", hdr, pl) > 0);
	assert_refused(tok, JWT_FOUT_ALGORITME);
	/* And with a signature that happens to be valid RS256. */
	assert_refused(sign("{\"alg\":\"none\",\"kid\":\"inw-rs\"}", claims, JWT_ALG_RS256, key_rs),
	               JWT_FOUT_ALGORITME);
	assert_refused(sign("{\"alg\":\"None\",\"kid\":\"inw-rs\"}", claims, JWT_ALG_RS256, key_rs),
	               JWT_FOUT_ALGORITME);
	assert_refused(sign("{\"kid\":\"inw-rs\"}", claims, JWT_ALG_RS256, key_rs),
	               JWT_FOUT_ALGORITME);
	assert_refused(
	        sign("{\"alg\":\"RS512\",\"kid\":\"inw-rs\"}", claims, JWT_ALG_RS256, key_rs),
	        JWT_FOUT_ALGORITME);
	free(claims);
}

static void
refuses_hs256_with_public_key_as_secret(void **state)
{
	char *claims = inwoner_claims(3600), *pem, *tok;
	BIO *bio = BIO_new(BIO_s_mem());
	long n;

	(void)state;
	/* The classic confusion: HMAC keyed with the RSA public key everyone can fetch. */
	assert_int_equal(PEM_write_bio_PUBKEY(bio, key_rs), 1);
	n = BIO_get_mem_data(bio, &pem);
	tok = jwt_sign_compact(HDR("{\"alg\":\"HS256\",\"kid\":\"inw-rs\"}"), claims,
	                       strlen(claims), JWT_ALG_HS256, NULL, (const unsigned char *)pem,
	                       (size_t)n);
	assert_non_null(tok);
	assert_refused(tok, JWT_FOUT_ALGORITME);
	BIO_free(bio);
	free(claims);
}

static void
refuses_rs256_ps256_swap(void **state)
{
	char *claims = inwoner_claims(3600);

	(void)state;
	/* Key pinned RS256, header PS256, signature PS256 by the very key: still refused. */
	assert_refused(
	        sign("{\"alg\":\"PS256\",\"kid\":\"inw-rs\"}", claims, JWT_ALG_PS256, key_rs),
	        JWT_FOUT_ALGORITME);
	/* And the other way round. */
	assert_refused(
	        sign("{\"alg\":\"RS256\",\"kid\":\"inw-ps\"}", claims, JWT_ALG_RS256, key_ps),
	        JWT_FOUT_ALGORITME);
	/* Header honest about PS256 and kid, but signed with PKCS#1 v1.5: the signature fails. */
	assert_refused(
	        sign("{\"alg\":\"PS256\",\"kid\":\"inw-ps\"}", claims, JWT_ALG_RS256, key_ps),
	        JWT_FOUT_HANDTEKENING);
	free(claims);
}

static void
refuses_wrong_and_missing_kid(void **state)
{
	char *claims = inwoner_claims(3600);

	(void)state;
	assert_refused(sign("{\"alg\":\"RS256\",\"kid\":\"nope\"}", claims, JWT_ALG_RS256, key_rs),
	               JWT_FOUT_SLEUTEL_ONBEKEND);
	assert_refused(sign("{\"alg\":\"RS256\"}", claims, JWT_ALG_RS256, key_rs),
	               JWT_FOUT_SLEUTEL_ONBEKEND);
	assert_refused(sign("{\"alg\":\"RS256\",\"kid\":7}", claims, JWT_ALG_RS256, key_rs),
	               JWT_FOUT_SLEUTEL_ONBEKEND);
	/* A known kid with a key we do not trust for it: the signature fails. */
	assert_refused(
	        sign("{\"alg\":\"RS256\",\"kid\":\"inw-rs\"}", claims, JWT_ALG_RS256, key_other),
	        JWT_FOUT_HANDTEKENING);
	free(claims);
}

static void
refuses_expired_and_honours_skew(void **state)
{
	char *tok;
	struct principal p;

	(void)state;
	tok = inwoner_token(0);
	/* exp = now: inside the 60 s skew until exp + 60. */
	assert_int_equal(verify_at(tok, NOW + 59, &p), JWT_OK);
	assert_int_equal(verify_at(tok, NOW + 60, &p), JWT_FOUT_VERLOPEN);
	assert_int_equal(verify_at(tok, NOW + 86400, &p), JWT_FOUT_VERLOPEN);
	trust->skew = 0;
	assert_int_equal(verify_at(tok, NOW, &p), JWT_FOUT_VERLOPEN);
	/* Without skew, one second early is before nbf = iat = NOW. */
	assert_int_equal(verify_at(tok, NOW - 1, &p), JWT_FOUT_NOG_NIET_GELDIG);
	trust->skew = JWT_DEFAULT_SKEW;
	free(tok);
	/* exp is required, and must be a number. */
	assert_refused(sign_inwoner("{\"iss\":\"" ISS_INW "\",\"aud\":\"" AUD "\","
	                            "\"bsn\":\"" BSN "\"}"),
	               JWT_FOUT_CLAIMS);
	assert_refused(sign_inwoner("{\"iss\":\"" ISS_INW "\",\"aud\":\"" AUD "\","
	                            "\"exp\":\"1717203600\",\"bsn\":\"" BSN "\"}"),
	               JWT_FOUT_CLAIMS);
}

/* An exp decades ahead was accepted (and cached): lifetimes are capped per kind. */
static void
refuses_a_lifetime_beyond_the_kinds_maximum(void **state)
{
	struct principal p;
	char *c, *tok;

	(void)state;
	/* iat = now: exactly the maximum is fine, a second more is not. */
	tok = inwoner_token(JWT_MAX_TTL_INWONER);
	assert_int_equal(verify_at(tok, NOW, &p), JWT_OK);
	free(tok);
	assert_refused(inwoner_token(JWT_MAX_TTL_INWONER + 1), JWT_FOUT_TE_LANG_GELDIG);
	assert_refused(inwoner_token(30L * 365 * 86400), JWT_FOUT_TE_LANG_GELDIG);
	assert_string_equal(jwt_fout_code(JWT_FOUT_TE_LANG_GELDIG), "token.te_lang_geldig");
	/* Without iat the time now counts: an exp too far from now is refused too. */
	assert_true(asprintf(&c,
	                     "{\"iss\":\"" ISS_INW "\",\"aud\":\"" AUD "\",\"exp\":%ld,"
	                     "\"bsn\":\"" BSN "\"}",
	                     NOW + JWT_MAX_TTL_INWONER + JWT_DEFAULT_SKEW + 1) > 0);
	assert_refused(sign_inwoner(c), JWT_FOUT_TE_LANG_GELDIG);
	free(c);
	/* A cap of its own per key set: maxttl= in ZS_JWT_TRUST. */
	trust->trusts[0].max_ttl = 600;
	assert_refused(inwoner_token(601), JWT_FOUT_TE_LANG_GELDIG);
	tok = inwoner_token(600);
	assert_int_equal(verify_at(tok, NOW, &p), JWT_OK);
	free(tok);
	trust->trusts[0].max_ttl = JWT_MAX_TTL_INWONER;
}

static void
refuses_not_yet_valid(void **state)
{
	char *c;

	(void)state;
	assert_true(asprintf(&c,
	                     "{\"iss\":\"" ISS_INW "\",\"aud\":\"" AUD "\",\"exp\":%ld,"
	                     "\"nbf\":%ld,\"bsn\":\"" BSN "\"}",
	                     NOW + 3600, NOW + 61) > 0);
	assert_refused(sign_inwoner(c), JWT_FOUT_NOG_NIET_GELDIG);
	free(c);
	assert_true(asprintf(&c,
	                     "{\"iss\":\"" ISS_INW "\",\"aud\":\"" AUD "\",\"exp\":%ld,"
	                     "\"iat\":%ld,\"bsn\":\"" BSN "\"}",
	                     NOW + 3600, NOW + 600) > 0);
	assert_refused(sign_inwoner(c), JWT_FOUT_NOG_NIET_GELDIG);
	free(c);
	/* Within the skew it is accepted: clocks differ. */
	assert_true(asprintf(&c,
	                     "{\"iss\":\"" ISS_INW "\",\"aud\":\"" AUD "\",\"exp\":%ld,"
	                     "\"nbf\":%ld,\"bsn\":\"" BSN "\"}",
	                     NOW + 3600, NOW + 59) > 0);
	assert_refused(sign_inwoner(c), JWT_OK);
	free(c);
}

static void
refuses_wrong_issuer(void **state)
{
	(void)state;
	assert_refused(sign_inwoner("{\"iss\":\"https://evil.test\",\"aud\":\"" AUD "\","
	                            "\"exp\":1717203600,\"bsn\":\"" BSN "\"}"),
	               JWT_FOUT_UITGEVER);
	/* Another trusted issuer is still the wrong one for this key. */
	assert_refused(sign_inwoner("{\"iss\":\"" ISS_MW "\",\"aud\":\"" AUD "\","
	                            "\"exp\":1717203600,\"bsn\":\"" BSN "\"}"),
	               JWT_FOUT_UITGEVER);
	assert_refused(sign_inwoner("{\"aud\":\"" AUD "\",\"exp\":1717203600,\"bsn\":\"" BSN "\"}"),
	               JWT_FOUT_UITGEVER);
}

static void
refuses_wrong_audience(void **state)
{
	(void)state;
	assert_refused(sign_inwoner("{\"iss\":\"" ISS_INW "\",\"aud\":\"andere-dienst\","
	                            "\"exp\":1717203600,\"bsn\":\"" BSN "\"}"),
	               JWT_FOUT_PUBLIEK);
	assert_refused(sign_inwoner("{\"iss\":\"" ISS_INW "\",\"aud\":[\"a\",\"b\"],"
	                            "\"exp\":1717203600,\"bsn\":\"" BSN "\"}"),
	               JWT_FOUT_PUBLIEK);
	assert_refused(sign_inwoner("{\"iss\":\"" ISS_INW "\",\"exp\":1717203600,"
	                            "\"bsn\":\"" BSN "\"}"),
	               JWT_FOUT_PUBLIEK);
	assert_refused(sign_inwoner("{\"iss\":\"" ISS_INW "\",\"aud\":\"zaakstroomX\","
	                            "\"exp\":1717203600,\"bsn\":\"" BSN "\"}"),
	               JWT_FOUT_PUBLIEK);
}

static void
refuses_tampered_signature_and_payload(void **state)
{
	char *tok = inwoner_token(3600), *t;
	size_t len = strlen(tok);

	(void)state;
	assert_int_equal(verify(tok), JWT_OK);
	/* Truncated at a group boundary: decodes, but is too short. */
	t = strdup(tok);
	t[len - 6] = '\0'; /* 342 chars of RS256 signature → 336 = 84 groups */
	assert_refused(t, JWT_FOUT_HANDTEKENING);
	/* Truncated anywhere else: refused as well (malformed or wrong). */
	t = strdup(tok);
	t[len - 1] = '\0';
	assert_int_not_equal(verify(t), JWT_OK);
	free(t);
	assert_refused(mutate_part(tok, 2, flip_first_bit), JWT_FOUT_HANDTEKENING);
	assert_refused(mutate_part(tok, 1, flip_first_bit), JWT_FOUT_HANDTEKENING);
	assert_refused(mutate_part(tok, 1, flip_bsn_digit), JWT_FOUT_HANDTEKENING);
	free(tok);
	/* The same for HMAC: one bit off anywhere fails the constant-time compare. */
	tok = sign("{\"alg\":\"HS256\",\"kid\":\"gzac\"}",
	           "{\"iss\":\"" ISS_APP "\",\"aud\":\"" AUD "\",\"exp\":1717203600,"
	           "\"client_id\":\"gzac\"}",
	           JWT_ALG_HS256, NULL);
	assert_int_equal(verify(tok), JWT_OK);
	assert_refused(mutate_part(tok, 2, flip_first_bit), JWT_FOUT_HANDTEKENING);
	assert_refused(mutate_part(tok, 1, flip_first_bit), JWT_FOUT_HANDTEKENING);
	free(tok);
}

static void
refuses_hs256_with_other_secret_or_other_client(void **state)
{
	const char *claims = "{\"iss\":\"" ISS_APP "\",\"aud\":\"" AUD "\",\"exp\":1717203600,"
	                     "\"client_id\":\"gzac\"}";
	const char *other = "fedcba9876543210fedcba9876543210";
	char *tok;

	(void)state;
	tok = jwt_sign_compact(HDR("{\"alg\":\"HS256\",\"kid\":\"gzac\"}"), claims, strlen(claims),
	                       JWT_ALG_HS256, NULL, (const unsigned char *)other, strlen(other));
	assert_refused(tok, JWT_FOUT_HANDTEKENING);
	/* gzac's secret cannot speak for another client. */
	assert_refused(sign("{\"alg\":\"HS256\",\"kid\":\"gzac\"}",
	                    "{\"iss\":\"" ISS_APP "\",\"aud\":\"" AUD "\",\"exp\":1717203600,"
	                    "\"client_id\":\"zac\"}",
	                    JWT_ALG_HS256, NULL),
	               JWT_FOUT_CLAIMS);
}

static void
refuses_duplicate_json_keys(void **state)
{
	char *claims = inwoner_claims(3600);

	(void)state;
	assert_refused(sign("{\"alg\":\"RS256\",\"kid\":\"inw-rs\",\"alg\":\"none\"}", claims,
	                    JWT_ALG_RS256, key_rs),
	               JWT_FOUT_FORMAAT);
	/* Signed by the real key, but which bsn would be meant? Neither. */
	assert_refused(sign_inwoner("{\"iss\":\"" ISS_INW "\",\"aud\":\"" AUD "\","
	                            "\"exp\":1717203600,\"bsn\":\"" BSN "\",\"bsn\":\"" BSN_MACHT
	                            "\"}"),
	               JWT_FOUT_FORMAAT);
	free(claims);
}

static void
refuses_oversized_token(void **state)
{
	char *pad = malloc(9000), *c;

	(void)state;
	memset(pad, 'x', 8999);
	pad[8999] = '\0';
	assert_true(asprintf(&c,
	                     "{\"iss\":\"" ISS_INW "\",\"aud\":\"" AUD "\",\"exp\":1717203600,"
	                     "\"bsn\":\"" BSN "\",\"pad\":\"%s\"}",
	                     pad) > 0);
	/* Correctly signed, but larger than any honest token: refused before any work. */
	assert_refused(sign_inwoner(c), JWT_FOUT_FORMAAT);
	free(c);
	free(pad);
}

static void
refuses_bad_base64url_and_shape(void **state)
{
	char *tok = inwoner_token(3600), *t, *dot;

	(void)state;
	/* Standard base64 characters, padding, blanks: all refused. */
	t = strdup(tok);
	t[5] = '+';
	assert_refused(t, JWT_FOUT_FORMAAT);
	t = strdup(tok);
	t[strchr(tok, '.') - tok + 3] = '/';
	assert_refused(t, JWT_FOUT_FORMAAT);
	assert_true(asprintf(&t, "%s==", tok) > 0);
	assert_refused(t, JWT_FOUT_FORMAAT);
	t = strdup(tok);
	t[10] = ' ';
	assert_refused(t, JWT_FOUT_FORMAAT);
	/* Parts: two, four, empty payload. */
	t = strdup(tok);
	*strrchr(t, '.') = '\0';
	assert_refused(t, JWT_FOUT_FORMAAT);
	assert_true(asprintf(&t, "%s.", tok) > 0);
	assert_refused(t, JWT_FOUT_FORMAAT);
	t = strdup(tok);
	dot = strchr(t, '.');
	memmove(dot + 1, strchr(dot + 1, '.'), strlen(strchr(dot + 1, '.')) + 1);
	assert_refused(t, JWT_FOUT_FORMAAT);
	/* Header not JSON, or JSON but not an object. */
	assert_refused(sign("not json", "{}", JWT_ALG_RS256, key_rs), JWT_FOUT_FORMAAT);
	assert_refused(sign("[\"RS256\"]", "{}", JWT_ALG_RS256, key_rs), JWT_FOUT_FORMAAT);
	/* Payload not an object although validly signed. */
	assert_refused(sign_inwoner("[1,2,3]"), JWT_FOUT_FORMAAT);
	/* A critical extension we do not implement. */
	assert_refused(sign("{\"alg\":\"RS256\",\"kid\":\"inw-rs\",\"crit\":[\"exp\"]}", "{}",
	                    JWT_ALG_RS256, key_rs),
	               JWT_FOUT_FORMAAT);
	free(tok);
	/* No token at all. */
	{
		struct principal p;
		struct jwt_result res;

		assert_false(jwt_verify(trust, NULL, 0, NOW, &p, &res));
		assert_string_equal(jwt_fout_code(res.fout), "token.ontbreekt");
		assert_false(jwt_verify(trust, "", 0, NOW, &p, &res));
		assert_int_equal(res.fout, JWT_FOUT_ONTBREEKT);
	}
}

static void
refuses_bad_claims(void **state)
{
	(void)state;
	/* A resident without an identity, or with a BSN failing the elfproef. */
	assert_refused(sign_inwoner("{\"iss\":\"" ISS_INW "\",\"aud\":\"" AUD "\","
	                            "\"exp\":1717203600}"),
	               JWT_FOUT_CLAIMS);
	assert_refused(sign_inwoner("{\"iss\":\"" ISS_INW "\",\"aud\":\"" AUD "\","
	                            "\"exp\":1717203600,\"bsn\":\"123456789\"}"),
	               JWT_FOUT_CLAIMS);
	assert_refused(sign_inwoner("{\"iss\":\"" ISS_INW "\",\"aud\":\"" AUD "\","
	                            "\"exp\":1717203600,\"bsn\":\"" BSN "\",\"kvk\":\"69599084\"}"),
	               JWT_FOUT_CLAIMS);
	assert_refused(sign_inwoner("{\"iss\":\"" ISS_INW "\",\"aud\":\"" AUD "\","
	                            "\"exp\":1717203600,\"bsn\":\"" BSN "\",\"loa\":\"super\"}"),
	               JWT_FOUT_CLAIMS);
	assert_refused(sign_inwoner("{\"iss\":\"" ISS_INW "\",\"aud\":\"" AUD "\","
	                            "\"exp\":1717203600,\"bsn\":\"" BSN "\","
	                            "\"machtigingen\":[{\"diensten\":[]}]}"),
	               JWT_FOUT_CLAIMS);
	/* An employee without medewerker_id. */
	assert_refused(sign("{\"alg\":\"RS256\",\"kid\":\"mw-rs\"}",
	                    "{\"iss\":\"" ISS_MW "\",\"aud\":\"" AUD "\",\"exp\":1717203600,"
	                    "\"roles\":[\"fg\"]}",
	                    JWT_ALG_RS256, key_mw),
	               JWT_FOUT_CLAIMS);
	assert_refused(sign("{\"alg\":\"RS256\",\"kid\":\"mw-rs\"}",
	                    "{\"iss\":\"" ISS_MW "\",\"aud\":\"" AUD "\",\"exp\":1717203600,"
	                    "\"medewerker_id\":\"x\",\"roles\":\"fg\"}",
	                    JWT_ALG_RS256, key_mw),
	               JWT_FOUT_CLAIMS);
}

/* Any single changed byte anywhere in a signed token is refused, and nothing crashes. */
static void
refuses_every_single_byte_change(void **state)
{
	static const char alphabet[] = "ABCXYZabcxyz0189-_.=+/ {}\"\\\x01\xff";
	char *tok = inwoner_token(3600), *t;
	size_t len = strlen(tok);
	unsigned seed = 12345;

	(void)state;
	for (int i = 0; i < 3000; i++) {
		size_t pos;
		char c;

		seed = seed * 1103515245u + 12345u;
		pos = (seed >> 8) % len;
		c = alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
		if (tok[pos] == c)
			continue;
		t = strdup(tok);
		t[pos] = c;
		assert_int_not_equal(verify(t), JWT_OK);
		free(t);
	}
	free(tok);
}

static void
bearer_header(void **state)
{
	const char *t;
	size_t n;

	(void)state;
	assert_int_equal(jwt_bearer(NULL, &t, &n), JWT_FOUT_ONTBREEKT);
	assert_int_equal(jwt_bearer("", &t, &n), JWT_FOUT_ONTBREEKT);
	assert_int_equal(jwt_bearer("Bearer ", &t, &n), JWT_FOUT_ONTBREEKT);
	assert_int_equal(jwt_bearer("Basic dXNlcjpwdw==", &t, &n), JWT_FOUT_FORMAAT);
	assert_int_equal(jwt_bearer("bearer  abc.def.ghi ", &t, &n), JWT_OK);
	assert_int_equal(n, 11);
	assert_memory_equal(t, "abc.def.ghi", 11);
}

/* ---- base64url ----------------------------------------------------------- */

static void
base64url_strict(void **state)
{
	unsigned char in[64], out[64];
	char enc[128];
	size_t n;

	(void)state;
	for (size_t len = 0; len < sizeof(in); len++) {
		for (size_t i = 0; i < len; i++)
			in[i] = (unsigned char)(i * 37 + len);
		assert_int_equal(b64url_encode(in, len, enc, sizeof(enc)), (len * 4 + 2) / 3);
		assert_null(strchr(enc, '='));
		assert_true(b64url_decode(enc, strlen(enc), out, sizeof(out), &n));
		assert_int_equal(n, len);
		assert_memory_equal(in, out, len);
	}
	assert_true(b64url_decode("AQAB", 4, out, sizeof(out), &n));
	assert_int_equal(n, 3);
	assert_false(b64url_decode("AQA=", 4, out, sizeof(out), &n));
	assert_false(b64url_decode("A", 1, out, sizeof(out), &n));
	assert_false(b64url_decode("a+b/", 4, out, sizeof(out), &n));
	/* "QR" and "QQ" both decode to "A" loosely; only "QQ" is canonical. */
	assert_true(b64url_decode("QQ", 2, out, sizeof(out), &n));
	assert_false(b64url_decode("QR", 2, out, sizeof(out), &n));
	assert_false(b64url_decode("AQAB", 4, out, 2, &n)); /* does not fit */
}

/* ---- key sets ------------------------------------------------------------- */

static void
jwks_refusals(void **state)
{
	struct jwt_trust_set *s = jwt_trust_new();
	char err[200], *rs = rsa_jwk(key_other, "k1", "RS256"), *j;
	EVP_PKEY *weak = EVP_RSA_gen(1024);

	(void)state;
	assert_false(add_set(s, PRINCIPAL_INWONER, "i",
	                     "{\"kty\":\"oct\",\"alg\":\"HS256\","
	                     "\"k\":\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY\"}",
	                     err));
	assert_non_null(strstr(err, "kid"));
	assert_false(add_set(s, PRINCIPAL_INWONER, "i",
	                     "{\"kty\":\"oct\",\"kid\":\"x\","
	                     "\"k\":\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY\"}",
	                     err));
	assert_non_null(strstr(err, "alg"));
	/* An oct key that claims RS256, an RSA key that claims HS256. */
	assert_false(add_set(s, PRINCIPAL_INWONER, "i",
	                     "{\"kty\":\"oct\",\"kid\":\"x\",\"alg\":\"RS256\","
	                     "\"k\":\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY\"}",
	                     err));
	j = rsa_jwk(key_other, "k2", "HS256");
	assert_false(add_set(s, PRINCIPAL_INWONER, "i", j, err));
	free(j);
	/* A secret under 32 bytes. */
	j = oct_jwk("short", "0123456789abcdef");
	assert_false(add_set(s, PRINCIPAL_APPLICATIE, "i", j, err));
	assert_non_null(strstr(err, "32"));
	free(j);
	/* A 1024-bit RSA key. */
	j = rsa_jwk(weak, "weak", "RS256");
	assert_false(add_set(s, PRINCIPAL_INWONER, "i", j, err));
	assert_non_null(strstr(err, "weak"));
	free(j);
	/* Private key material in a verification set. */
	assert_true(asprintf(&j, "%.*s,\"d\":\"AQAB\"}", (int)strlen(rs) - 1, rs) > 0);
	assert_false(add_set(s, PRINCIPAL_INWONER, "i", j, err));
	assert_non_null(strstr(err, "private"));
	free(j);
	/* Duplicate JSON keys, no keys, not JSON. */
	assert_false(jwt_trust_add(s, PRINCIPAL_INWONER, "i", AUD, HDR("{\"keys\":[],\"keys\":[]}"),
	                           NULL, err, sizeof(err)));
	assert_false(jwt_trust_add(s, PRINCIPAL_INWONER, "i", AUD, HDR("{\"keys\":[]}"), NULL, err,
	                           sizeof(err)));
	assert_false(
	        jwt_trust_add(s, PRINCIPAL_INWONER, "i", AUD, HDR("nope"), NULL, err, sizeof(err)));
	/* Nothing so far was added; then a good key, and the same kid again is refused. */
	assert_int_equal(s->n, 0);
	assert_true(add_set(s, PRINCIPAL_INWONER, "i", rs, err));
	assert_false(add_set(s, PRINCIPAL_MEDEWERKER, "m", rs, err));
	assert_non_null(strstr(err, "twice"));
	assert_int_equal(s->n, 1);
	free(rs);
	EVP_PKEY_free(weak);
	jwt_trust_free(s);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
trust_spec_and_minting(void **state)
{
	char dir[] = "/tmp/test_jwt_XXXXXX", path[256], err[200], *spec, *jwks, *j1, *j2, *tok;
	struct jwt_trust_set *s;
	struct principal p = {0}, got;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	j1 = rsa_jwk(key_rs, "dev-inwoner-rs256", "RS256");
	j2 = rsa_jwk(key_ps, "dev-inwoner-ps256", "PS256");
	assert_true(asprintf(&jwks, "{\"keys\":[%s,%s]}", j1, j2) > 0);
	snprintf(path, sizeof(path), "%s/inwoner.jwks", dir);
	write_file(path, jwks);
	free(jwks);
	free(j1);
	free(j2);
	j1 = oct_jwk("gzac", HS_SECRET);
	assert_true(asprintf(&jwks, "{\"keys\":[%s]}", j1) > 0);
	snprintf(path, sizeof(path), "%s/applicatie.jwks", dir);
	write_file(path, jwks);
	free(jwks);
	free(j1);
	snprintf(path, sizeof(path), "%s/dev-inwoner-rs256.pem", dir);
	f = fopen(path, "w");
	PEM_write_PrivateKey(f, key_rs, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	snprintf(path, sizeof(path), "%s/dev-inwoner-ps256.pem", dir);
	f = fopen(path, "w");
	PEM_write_PrivateKey(f, key_ps, NULL, NULL, 0, NULL, NULL);
	fclose(f);

	assert_true(
	        asprintf(&spec,
	                 " inwoner iss=https://dev/inwoner aud=zs jwks=%s/inwoner.jwks ;\n"
	                 "applicatie iss=dev-clients aud=zs jwks=%s/applicatie.jwks maxttl=900;",
	                 dir, dir) > 0);
	s = jwt_trust_load(spec, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(s->n, 2);
	assert_string_equal(jwt_trust_for(s, PRINCIPAL_INWONER)->issuer, "https://dev/inwoner");
	assert_int_equal(jwt_trust_for(s, PRINCIPAL_INWONER)->max_ttl, JWT_MAX_TTL_INWONER);
	assert_int_equal(jwt_trust_for(s, PRINCIPAL_APPLICATIE)->max_ttl, 900);
	assert_null(jwt_trust_for(s, PRINCIPAL_MEDEWERKER));

	/* Mint and verify each: what zs token does. */
	p.kind = PRINCIPAL_INWONER;
	p.rollen = ROL_BIT(ROL_INWONER) | ROL_BIT(ROL_GEMACHTIGDE);
	identiteit_set(&p.identiteit, ID_BSN, BSN);
	p.loa = LOA_SUBSTANTIEEL;
	p.n_machtigingen = 1;
	identiteit_set(&p.machtigingen[0].voor, ID_BSN, BSN_MACHT);
	tok = jwt_mint(s, &p, "PS256", NOW, 3600, err, sizeof(err));
	assert_non_null(tok);
	assert_true(jwt_verify(s, tok, strlen(tok), NOW + 3000, &got, &(struct jwt_result){0}));
	assert_int_equal(got.rollen, p.rollen);
	assert_string_equal(got.machtigingen[0].voor.nummer, BSN_MACHT);
	assert_int_equal(got.loa, LOA_SUBSTANTIEEL);
	/* The ttl is honoured. */
	assert_false(
	        jwt_verify(s, tok, strlen(tok), NOW + 3600 + 60, &got, &(struct jwt_result){0}));
	free(tok);
	memset(&p, 0, sizeof(p));
	p.kind = PRINCIPAL_APPLICATIE;
	snprintf(p.client_id, sizeof(p.client_id), "gzac");
	tok = jwt_mint(s, &p, NULL, NOW, 60, err, sizeof(err));
	assert_non_null(tok);
	assert_true(jwt_verify(s, tok, strlen(tok), NOW, &got, &(struct jwt_result){0}));
	assert_string_equal(got.client_id, "gzac");
	free(tok);
	snprintf(p.client_id, sizeof(p.client_id), "onbekend");
	assert_null(jwt_mint(s, &p, NULL, NOW, 60, err, sizeof(err)));
	p.kind = PRINCIPAL_MEDEWERKER;
	assert_null(jwt_mint(s, &p, NULL, NOW, 60, err, sizeof(err)));
	jwt_trust_free(s);
	free(spec);

	/* Spec refusals, each with a message; never a half-loaded set. */
	assert_null(jwt_trust_load("", err, sizeof(err)));
	assert_null(jwt_trust_load("burger iss=a aud=b jwks=c", err, sizeof(err)));
	assert_non_null(strstr(err, "kind"));
	assert_null(jwt_trust_load("inwoner iss=a jwks=c", err, sizeof(err)));
	assert_non_null(strstr(err, "aud="));
	assert_null(jwt_trust_load("inwoner iss=a iss=b aud=b jwks=c", err, sizeof(err)));
	assert_null(jwt_trust_load("inwoner iss=a aud=b jwks=c maxttl=10", err, sizeof(err)));
	assert_non_null(strstr(err, "maxttl"));
	assert_null(jwt_trust_load("inwoner iss=a aud=b jwks=c maxttl=1h", err, sizeof(err)));
	assert_null(
	        jwt_trust_load("inwoner iss=a aud=b jwks=/nonexistent/x.jwks", err, sizeof(err)));
	assert_non_null(strstr(err, "cannot open"));
	assert_true(asprintf(&spec,
	                     "inwoner iss=a aud=b jwks=%s/inwoner.jwks; medewerker iss=m aud=b "
	                     "jwks=%s/inwoner.jwks",
	                     dir, dir) > 0);
	assert_null(jwt_trust_load(spec, err, sizeof(err)));
	assert_non_null(strstr(err, "twice"));
	free(spec);

	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

static void
claims_round_trip(void **state)
{
	struct principal p = {0}, q;
	char why[160];
	json_t *c;

	(void)state;
	p.kind = PRINCIPAL_MEDEWERKER;
	p.rollen = ROL_BIT(ROL_FG) | ROL_BIT(ROL_BEHEERDER);
	snprintf(p.medewerker_id, sizeof(p.medewerker_id), "p.fg");
	snprintf(p.afdeling, sizeof(p.afdeling), "privacy");
	identiteit_set(&p.identiteit, ID_BSN, BSN_MW);
	c = principal_to_claims(&p);
	assert_true(principal_from_claims(PRINCIPAL_MEDEWERKER, c, &q, why, sizeof(why)));
	assert_memory_equal(&p, &q, sizeof(p));
	json_decref(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(accepts_inwoner_rs256),
	        cmocka_unit_test(accepts_inwoner_ps256_with_eherkenning),
	        cmocka_unit_test(accepts_medewerker_and_ignores_foreign_roles),
	        cmocka_unit_test(accepts_applicatie_hs256),
	        cmocka_unit_test(refuses_alg_none),
	        cmocka_unit_test(refuses_hs256_with_public_key_as_secret),
	        cmocka_unit_test(refuses_rs256_ps256_swap),
	        cmocka_unit_test(refuses_wrong_and_missing_kid),
	        cmocka_unit_test(refuses_expired_and_honours_skew),
	        cmocka_unit_test(refuses_a_lifetime_beyond_the_kinds_maximum),
	        cmocka_unit_test(refuses_not_yet_valid),
	        cmocka_unit_test(refuses_wrong_issuer),
	        cmocka_unit_test(refuses_wrong_audience),
	        cmocka_unit_test(refuses_tampered_signature_and_payload),
	        cmocka_unit_test(refuses_hs256_with_other_secret_or_other_client),
	        cmocka_unit_test(refuses_duplicate_json_keys),
	        cmocka_unit_test(refuses_oversized_token),
	        cmocka_unit_test(refuses_bad_base64url_and_shape),
	        cmocka_unit_test(refuses_bad_claims),
	        cmocka_unit_test(refuses_every_single_byte_change),
	        cmocka_unit_test(bearer_header),
	        cmocka_unit_test(base64url_strict),
	        cmocka_unit_test(jwks_refusals),
	        cmocka_unit_test(trust_spec_and_minting),
	        cmocka_unit_test(claims_round_trip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
