/*
 * verifier.c — rebuilding the tree and checking the heads (see verifier.h).
 */
#include "verifier.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
verifier_init(struct verifier *v, EVP_PKEY *pub)
{
	memset(v, 0, sizeof(*v));
	v->pub = pub;
}

static bool fail(struct verifier *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool
fail(struct verifier *v, const char *fmt, ...)
{
	va_list ap;

	if (!v->fout) {
		va_start(ap, fmt);
		vsnprintf(v->waarom, sizeof(v->waarom), fmt, ap);
		va_end(ap);
	}
	v->fout = true;
	return false;
}

/* An Avro long (zigzag varint) at *i; false past end. */
static bool
avro_long(const uint8_t *p, size_t len, size_t *i, int64_t *out)
{
	uint64_t zz = 0;

	for (int shift = 0; *i < len && shift < 64; shift += 7) {
		uint8_t b = p[(*i)++];
		zz |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = (int64_t)(zz >> 1) ^ -(int64_t)(zz & 1);
			return true;
		}
	}
	return false;
}

bool
verifier_regel(struct verifier *v, uint64_t volgnummer, const void *blad, size_t len,
               const merkle_hash blad_hash)
{
	struct merkle_node done[65];
	merkle_hash h, done_hash[65];

	if (volgnummer < v->boom.size && v->boom.size - volgnummer <= VERIFIER_VENSTER &&
	    memcmp(v->recent[volgnummer % VERIFIER_VENSTER], blad_hash, MERKLE_HASH) == 0 &&
	    (!blad || (merkle_leaf_hash(blad, len, h) && memcmp(h, blad_hash, MERKLE_HASH) == 0))) {
		v->dubbel++; /* sent again, unchanged */
		return true;
	}
	if (volgnummer != v->boom.size)
		return fail(v, "entry %" PRIu64 " where entry %" PRIu64 " was due", volgnummer,
		            v->boom.size);
	if (blad) {
		size_t at = 0;
		int64_t eigen = -1;
		/* the entry names its own place: the first field of the datum */
		if (!avro_long(blad, len, &at, &eigen) || (uint64_t)eigen != volgnummer)
			return fail(v, "entry %" PRIu64 " holds entry %" PRId64, volgnummer, eigen);
		if (!merkle_leaf_hash(blad, len, h))
			return fail(v, "out of memory at entry %" PRIu64, volgnummer);
		if (memcmp(h, blad_hash, MERKLE_HASH) != 0)
			return fail(v, "entry %" PRIu64 " does not match its leaf hash",
			            volgnummer);
	}
	memcpy(v->recent[volgnummer % VERIFIER_VENSTER], blad_hash, MERKLE_HASH);
	merkle_frontier_append(&v->boom, blad_hash, done, done_hash);
	return true;
}

bool
verifier_hoofd(struct verifier *v, const struct boomhoofd *h)
{
	merkle_hash root;

	for (int i = 0; h->size < v->boom.size && i < 64; i++)
		if (v->recente_hoofden[i].size == h->size &&
		    memcmp(v->recente_hoofden[i].root, h->root, MERKLE_HASH) == 0 &&
		    boomhoofd_verify(v->pub, h)) {
			v->dubbel++; /* sent again, unchanged */
			return true;
		}
	if (h->size != v->boom.size)
		return fail(v, "tree head of %" PRIu64 " entries met after %" PRIu64, h->size,
		            v->boom.size);
	merkle_frontier_root(&v->boom, root);
	if (memcmp(root, h->root, MERKLE_HASH) != 0)
		return fail(v,
		            "the entries do not give the signed root of the tree head of %" PRIu64
		            " entries",
		            h->size);
	if (!boomhoofd_verify(v->pub, h))
		return fail(v, "the signature of the tree head of %" PRIu64 " entries is not valid",
		            h->size);
	v->recente_hoofden[v->hoofden % 64].size = h->size;
	memcpy(v->recente_hoofden[v->hoofden % 64].root, h->root, MERKLE_HASH);
	v->hoofden++;
	return true;
}

bool
verifier_bericht(const void *msg, size_t len, const uint8_t **blad, size_t *blad_len,
                 const uint8_t **blad_hash, uint64_t *volgnummer)
{
	const uint8_t *p = msg;
	size_t i = 10;
	int64_t v;

	if (len < 10 + 1 + MERKLE_HASH || p[0] != 0xc3 || p[1] != 0x01 ||
	    !avro_long(p, len - MERKLE_HASH, &i, &v) || v < 0)
		return false;
	*volgnummer = (uint64_t)v;
	*blad = p + 10;
	*blad_len = len - 10 - MERKLE_HASH;
	*blad_hash = p + len - MERKLE_HASH;
	return true;
}

bool
verifier_hoofd_bericht(const void *msg, size_t len, struct boomhoofd *h)
{
	const uint8_t *p = msg;
	int64_t size, ms, n;
	size_t i = 10;

	memset(h, 0, sizeof(*h));
	if (len < 10 || p[0] != 0xc3 || p[1] != 0x01 || !avro_long(p, len, &i, &size) || size < 0 ||
	    len - i < MERKLE_HASH)
		return false;
	h->size = (uint64_t)size;
	memcpy(h->root, p + i, MERKLE_HASH);
	i += MERKLE_HASH;
	if (!avro_long(p, len, &i, &ms) || !avro_long(p, len, &i, &n) || n < 0 ||
	    n > BOOMHOOFD_KEYID_HEX || (size_t)n > len - i)
		return false;
	h->signed_ms = ms;
	memcpy(h->key_id, p + i, (size_t)n);
	i += (size_t)n;
	if (!avro_long(p, len, &i, &n) || n != BOOMHOOFD_SIG_LEN || (size_t)n != len - i)
		return false;
	memcpy(h->sig, p + i, BOOMHOOFD_SIG_LEN);
	return true;
}
