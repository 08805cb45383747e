/*
 * pseudoniem.c — HMAC-SHA-256(key, type || 0x00 || number), hex encoded.
 * The NUL separator keeps types apart: ("BSN", "1") and ("BSN1", "") can never
 * collide, and neither can a BSN and a KvK number with the same digits.
 */
#include "access/pseudoniem.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#define MAX_TYPE   16
#define MAX_NUMBER 64

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool
pseudoniem_sleutel_parse(const char *hex, struct pseudoniem_sleutel *out)
{
	size_t n = hex ? strlen(hex) : 0;

	memset(out, 0, sizeof(*out));
	if (n % 2 != 0 || n < 2 * PSEUDONIEM_SLEUTEL_MIN || n > 2 * PSEUDONIEM_SLEUTEL_MAX)
		return false;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			OPENSSL_cleanse(out, sizeof(*out));
			return false;
		}
		out->bytes[i] = (unsigned char)(hi << 4 | lo);
	}
	out->len = n / 2;
	return true;
}

static bool
token_ok(const char *s, size_t max, bool upper_only)
{
	size_t n = 0;

	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];

		if (n >= max)
			return false;
		if (upper_only ? !(c >= 'A' && c <= 'Z')
		               : !((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')))
			return false;
	}
	return n > 0;
}

bool
pseudoniem(const struct pseudoniem_sleutel *key, const char *type, const char *number,
           char out[PSEUDONIEM_LEN + 1])
{
	static const char hexdigits[] = "0123456789abcdef";
	unsigned char msg[MAX_TYPE + 1 + MAX_NUMBER], mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	size_t tl, nl;

	out[0] = '\0';
	if (!key || key->len < PSEUDONIEM_SLEUTEL_MIN || !type || !number ||
	    !token_ok(type, MAX_TYPE, true) || !token_ok(number, MAX_NUMBER, false))
		return false;
	tl = strlen(type);
	nl = strlen(number);
	memcpy(msg, type, tl);
	msg[tl] = 0;
	memcpy(msg + tl + 1, number, nl);
	if (!HMAC(EVP_sha256(), key->bytes, (int)key->len, msg, tl + 1 + nl, mac, &maclen) ||
	    maclen != 32)
		return false;
	for (unsigned i = 0; i < 32; i++) {
		out[2 * i] = hexdigits[mac[i] >> 4];
		out[2 * i + 1] = hexdigits[mac[i] & 15];
	}
	out[PSEUDONIEM_LEN] = '\0';
	return true;
}
