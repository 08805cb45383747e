/*
 * boomhoofd.c — Ed25519 over the tree head through OpenSSL's EVP interface
 * (one-shot EVP_DigestSign: Ed25519 hashes internally, no digest is chosen).
 */
#include "boomhoofd.h"

#include <errno.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>

static void
put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
}

void
boomhoofd_message(const struct boomhoofd *h, uint8_t out[BOOMHOOFD_MSG_LEN])
{
	size_t off = sizeof(BOOMHOOFD_LABEL); /* the label and its NUL */

	memcpy(out, BOOMHOOFD_LABEL, off);
	put_be64(out + off, h->size);
	off += 8;
	memcpy(out + off, h->root, MERKLE_HASH);
	off += MERKLE_HASH;
	put_be64(out + off, (uint64_t)h->signed_ms);
}

static EVP_PKEY *
load(const char *path, bool private, char *err, size_t errlen)
{
	EVP_PKEY *k;
	FILE *f;

	if (!path || !*path) {
		snprintf(err, errlen, "no key file given");
		return NULL;
	}
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "could not open \"%s\": %s", path, strerror(errno));
		return NULL;
	}
	k = private ? PEM_read_PrivateKey(f, NULL, NULL, NULL)
	            : PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (!k) {
		snprintf(err, errlen, "\"%s\" holds no PEM %s key", path,
		         private ? "private" : "public");
		return NULL;
	}
	if (EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
		snprintf(err, errlen, "\"%s\" is not an Ed25519 key", path);
		EVP_PKEY_free(k);
		return NULL;
	}
	return k;
}

EVP_PKEY *
boomhoofd_private_key(const char *path, char *err, size_t errlen)
{
	return load(path, true, err, errlen);
}

EVP_PKEY *
boomhoofd_public_key(const char *path, char *err, size_t errlen)
{
	return load(path, false, err, errlen);
}

bool
boomhoofd_key_id(EVP_PKEY *key, char out[BOOMHOOFD_KEYID_HEX + 1])
{
	static const char digits[] = "0123456789abcdef";
	uint8_t raw[32], md[32];
	size_t len = sizeof(raw);

	if (EVP_PKEY_get_raw_public_key(key, raw, &len) != 1 || len != sizeof(raw))
		return false;
	if (EVP_Digest(raw, len, md, NULL, EVP_sha256(), NULL) != 1)
		return false;
	for (int i = 0; i < BOOMHOOFD_KEYID_HEX / 2; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[BOOMHOOFD_KEYID_HEX] = '\0';
	return true;
}

bool
boomhoofd_sign(EVP_PKEY *key, struct boomhoofd *h)
{
	uint8_t msg[BOOMHOOFD_MSG_LEN];
	size_t siglen = sizeof(h->sig);
	EVP_MD_CTX *md;
	bool ok;

	if (!boomhoofd_key_id(key, h->key_id))
		return false;
	boomhoofd_message(h, msg);
	md = EVP_MD_CTX_new();
	ok = md && EVP_DigestSignInit(md, NULL, NULL, NULL, key) == 1 &&
	     EVP_DigestSign(md, h->sig, &siglen, msg, sizeof(msg)) == 1 && siglen == sizeof(h->sig);
	EVP_MD_CTX_free(md);
	return ok;
}

bool
boomhoofd_verify(EVP_PKEY *key, const struct boomhoofd *h)
{
	uint8_t msg[BOOMHOOFD_MSG_LEN];
	EVP_MD_CTX *md;
	bool ok;

	boomhoofd_message(h, msg);
	md = EVP_MD_CTX_new();
	ok = md && EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) == 1 &&
	     EVP_DigestVerify(md, h->sig, sizeof(h->sig), msg, sizeof(msg)) == 1;
	EVP_MD_CTX_free(md);
	return ok;
}
