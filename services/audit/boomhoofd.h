/*
 * boomhoofd.h — signed tree heads (BoomhoofdGetekend): the daemon signs
 * (size, root, time) with Ed25519 after every batch, so that an FG/DPO who
 * holds the public key can tell whether anything in the first size entries
 * was changed, dropped or reordered since.
 *
 * The signed bytes are BOOMHOOFD_MSG_LEN long: the ASCII label
 * "zaakstroom.boomhoofd.v1" and a NUL byte, the size as 8 bytes big-endian,
 * the 32-byte root, the signing time in ms since the epoch as 8 bytes
 * big-endian. Any Ed25519 library verifies them (the README shows Python).
 */
#ifndef ZS_AUDIT_BOOMHOOFD_H
#define ZS_AUDIT_BOOMHOOFD_H

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "merkle.h"

#define BOOMHOOFD_LABEL     "zaakstroom.boomhoofd.v1"
#define BOOMHOOFD_MSG_LEN   (sizeof(BOOMHOOFD_LABEL) + 8 + MERKLE_HASH + 8)
#define BOOMHOOFD_SIG_LEN   64
#define BOOMHOOFD_KEYID_HEX 16

struct boomhoofd {
	uint64_t size;
	merkle_hash root;
	int64_t signed_ms;
	uint8_t sig[BOOMHOOFD_SIG_LEN];
	char key_id[BOOMHOOFD_KEYID_HEX + 1];
};

void boomhoofd_message(const struct boomhoofd *h, uint8_t out[BOOMHOOFD_MSG_LEN]);

/* An Ed25519 key from a PEM file (private: PKCS#8, public: SPKI). NULL with
 * why in err when the file is missing, unreadable or another kind of key. */
EVP_PKEY *boomhoofd_private_key(const char *path, char *err, size_t errlen);
EVP_PKEY *boomhoofd_public_key(const char *path, char *err, size_t errlen);
/* The key's id: the first 8 bytes of SHA-256 over the raw public key, hex. */
bool boomhoofd_key_id(EVP_PKEY *key, char out[BOOMHOOFD_KEYID_HEX + 1]);

/* Fills sig and key_id. */
bool boomhoofd_sign(EVP_PKEY *key, struct boomhoofd *h);
/* True when sig is key's signature over the head (key_id is not trusted:
 * the caller chose the key). */
bool boomhoofd_verify(EVP_PKEY *key, const struct boomhoofd *h);

#endif
