/*
 * fuzz_jwt.c — libFuzzer target for bearer tokens. The first input byte picks
 * how the rest is used:
 *   even: the rest is a token as a caller would send it (jwt_bearer +
 *         jwt_verify): base64url, the JSON of header and claims, signature
 *         checks, all on hostile bytes;
 *   odd:  the rest is "<header JSON>\n<claims JSON>", signed here with a key
 *         the trust set holds, so that the fuzzer reaches what only a validly
 *         signed token reaches: claim checks and the claims → principal
 *         mapping of residents (RS256) and service clients (HS256).
 * Never a crash, never a leak; a token the harness did not sign never passes.
 */
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/jwt.h"

static struct jwt_trust_set *set;
static EVP_PKEY *rsa;
static const unsigned char secret[32] = "zaakstroom-fuzz-secret-32-bytes";

static void
b64_bn(EVP_PKEY *key, const char *name, char *out, size_t cap)
{
	BIGNUM *bn = NULL;
	unsigned char buf[512];
	int n;

	EVP_PKEY_get_bn_param(key, name, &bn);
	n = BN_bn2bin(bn, buf);
	b64url_encode(buf, (size_t)n, out, cap);
	BN_free(bn);
}

static void
setup(void)
{
	char n[700], e[16], k[64], jwks[1024], err[256];

	rsa = EVP_RSA_gen(2048);
	b64_bn(rsa, OSSL_PKEY_PARAM_RSA_N, n, sizeof(n));
	b64_bn(rsa, OSSL_PKEY_PARAM_RSA_E, e, sizeof(e));
	b64url_encode(secret, sizeof(secret), k, sizeof(k));
	set = jwt_trust_new();
	snprintf(
	        jwks, sizeof(jwks),
	        "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"broker\",\"alg\":\"RS256\",\"n\":\"%s\",\"e\":\"%s\"}]}",
	        n, e);
	if (!jwt_trust_add(set, PRINCIPAL_INWONER, "https://broker", "zaakstroom", jwks,
	                   strlen(jwks), NULL, err, sizeof(err)))
		abort();
	snprintf(jwks, sizeof(jwks),
	         "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"gzac\",\"alg\":\"HS256\",\"k\":\"%s\"}]}",
	         k);
	if (!jwt_trust_add(set, PRINCIPAL_APPLICATIE, "gzac", "zaakstroom", jwks, strlen(jwks),
	                   NULL, err, sizeof(err)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct principal who;
	struct jwt_result res;

	if (!set)
		setup();
	if (size < 1 || size > 16384)
		return 0;
	if ((data[0] & 1) == 0) {
		char *header = malloc(size + 7);
		const char *tok = NULL;
		size_t len = 0;

		memcpy(header, "Bearer ", 7);
		memcpy(header + 7, data + 1, size - 1);
		header[size + 6] = '\0';
		if (jwt_bearer(header, &tok, &len) == JWT_OK &&
		    jwt_verify(set, tok, len, 1800000000, &who, &res)) {
			/* Nothing the harness did not sign may pass. */
			fprintf(stderr, "unsigned token accepted\n");
			abort();
		}
		free(header);
		return 0;
	}
	const char *in = (const char *)data + 1;
	const char *nl = memchr(in, '\n', size - 1);
	if (!nl)
		return 0;
	size_t hlen = (size_t)(nl - in), plen = size - 2 - hlen;
	bool hs = (data[0] & 2) != 0;
	char *tok = jwt_sign_compact(in, hlen, nl + 1, plen, hs ? JWT_ALG_HS256 : JWT_ALG_RS256,
	                             hs ? NULL : rsa, hs ? secret : NULL, hs ? sizeof(secret) : 0);
	if (tok) {
		jwt_verify(set, tok, strlen(tok), 1800000000, &who, &res);
		free(tok);
	}
	return 0;
}
