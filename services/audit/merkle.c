/*
 * merkle.c — RFC 9162 Merkle tree hashes and proofs, written from the RFC's
 * definitions (section 2.1); the unit tests hold it to the published test
 * vectors of RFC 6962 implementations.
 */
#include "merkle.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <string.h>

bool
merkle_leaf_hash(const void *entry, size_t len, merkle_hash out)
{
	static const uint8_t prefix = 0x00;
	uint8_t small[1024];
	EVP_MD_CTX *c;
	bool ok;

	/* most entries are a few hundred bytes: one call, no allocation */
	if (len < sizeof(small)) {
		small[0] = prefix;
		memcpy(small + 1, entry, len);
		SHA256(small, len + 1, out);
		return true;
	}
	c = EVP_MD_CTX_new();
	ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 &&
	     EVP_DigestUpdate(c, &prefix, 1) == 1 && EVP_DigestUpdate(c, entry, len) == 1 &&
	     EVP_DigestFinal_ex(c, out, NULL) == 1;
	EVP_MD_CTX_free(c);
	return ok;
}

void
merkle_node_hash(const merkle_hash left, const merkle_hash right, merkle_hash out)
{
	uint8_t buf[1 + 2 * MERKLE_HASH];

	/* left or right may be out itself: hash from a copy */
	buf[0] = 0x01;
	memcpy(buf + 1, left, MERKLE_HASH);
	memcpy(buf + 1 + MERKLE_HASH, right, MERKLE_HASH);
	SHA256(buf, sizeof(buf), out);
}

void
merkle_empty_root(merkle_hash out)
{
	SHA256((const uint8_t *)"", 0, out);
}

/* The largest power of two smaller than n (n >= 2). */
static uint64_t
split(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

void
merkle_root(const merkle_hash *leaves, uint64_t n, merkle_hash out)
{
	merkle_hash l, r;
	uint64_t k;

	if (n == 0) {
		merkle_empty_root(out);
		return;
	}
	if (n == 1) {
		memcpy(out, leaves[0], MERKLE_HASH);
		return;
	}
	k = split(n);
	merkle_root(leaves, k, l);
	merkle_root(leaves + k, n - k, r);
	merkle_node_hash(l, r, out);
}

static void
path(uint64_t m, uint64_t s, uint64_t e, struct merkle_range *out, int *n)
{
	uint64_t k;

	if (e - s <= 1)
		return;
	k = split(e - s);
	if (m < k) {
		path(m, s, s + k, out, n);
		out[(*n)++] = (struct merkle_range){s + k, e};
	} else {
		path(m - k, s + k, e, out, n);
		out[(*n)++] = (struct merkle_range){s, s + k};
	}
}

int
merkle_inclusion_ranges(uint64_t m, uint64_t n, struct merkle_range out[MERKLE_MAX_PATH])
{
	int k = 0;

	if (m >= n)
		return -1;
	path(m, 0, n, out, &k);
	return k;
}

static void
subproof(uint64_t m, uint64_t s, uint64_t e, bool whole, struct merkle_range *out, int *n)
{
	uint64_t k;

	if (m == e - s) {
		if (!whole)
			out[(*n)++] = (struct merkle_range){s, e};
		return;
	}
	k = split(e - s);
	if (m <= k) {
		subproof(m, s, s + k, whole, out, n);
		out[(*n)++] = (struct merkle_range){s + k, e};
	} else {
		subproof(m - k, s + k, e, false, out, n);
		out[(*n)++] = (struct merkle_range){s, s + k};
	}
}

int
merkle_consistency_ranges(uint64_t m, uint64_t n, struct merkle_range out[MERKLE_MAX_PATH])
{
	int k = 0;

	if (m == 0 || m > n)
		return -1;
	subproof(m, 0, n, true, out, &k);
	return k;
}

int
merkle_range_nodes(struct merkle_range r, struct merkle_node out[MERKLE_MAX_PATH])
{
	uint64_t len = r.end - r.start, pos = r.start;
	int k = 0;

	for (int level = 63; level >= 0; level--) {
		if (!(len >> level & 1))
			continue;
		out[k++] = (struct merkle_node){level, pos >> level};
		pos += (uint64_t)1 << level;
	}
	return k;
}

void
merkle_fold(const merkle_hash *nodes, int k, merkle_hash out)
{
	merkle_hash acc;

	if (k <= 0) {
		merkle_empty_root(out);
		return;
	}
	memcpy(acc, nodes[k - 1], MERKLE_HASH);
	for (int i = k - 2; i >= 0; i--)
		merkle_node_hash(nodes[i], acc, acc);
	memcpy(out, acc, MERKLE_HASH);
}

static bool
hash_eq(const merkle_hash a, const merkle_hash b)
{
	return memcmp(a, b, MERKLE_HASH) == 0;
}

/*
 * The RFC's walk from node fn up to the root of a tree whose last node is
 * sn: a proof element is a left sibling (hashed into acc, and into old, the
 * old tree's root being rebuilt, when given) or a right one (acc only: the
 * old tree ends left of it). True when the proof was exactly long enough.
 */
static bool
walk(uint64_t fn, uint64_t sn, const merkle_hash *proof, int len, uint8_t *old, uint8_t *acc)
{
	for (int i = 0; i < len; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			if (old)
				merkle_node_hash(proof[i], old, old);
			merkle_node_hash(proof[i], acc, acc);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			merkle_node_hash(acc, proof[i], acc);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0;
}

bool
merkle_verify_inclusion(uint64_t m, uint64_t n, const merkle_hash leaf, const merkle_hash *proof,
                        int len, const merkle_hash root)
{
	merkle_hash r;

	if (m >= n || len < 0 || len > MERKLE_MAX_PATH)
		return false;
	memcpy(r, leaf, MERKLE_HASH);
	return walk(m, n - 1, proof, len, NULL, r) && hash_eq(r, root);
}

bool
merkle_verify_consistency(uint64_t m, uint64_t n, const merkle_hash root_m,
                          const merkle_hash root_n, const merkle_hash *proof, int len)
{
	merkle_hash fr, sr;
	uint64_t fn, sn;
	int i = 0;

	if (m > n || len < 0 || len > MERKLE_MAX_PATH)
		return false;
	if (m == 0)
		return len == 0; /* the empty tree is a prefix of every tree */
	if (m == n)
		return len == 0 && hash_eq(root_m, root_n);
	if (len == 0)
		return false;
	/* A power-of-two old tree is itself a node of the new one: its root
	 * is the proof's implicit first element. */
	if ((m & (m - 1)) == 0) {
		memcpy(fr, root_m, MERKLE_HASH);
	} else {
		memcpy(fr, proof[0], MERKLE_HASH);
		i = 1;
	}
	memcpy(sr, fr, MERKLE_HASH);
	fn = m - 1;
	sn = n - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	return walk(fn, sn, proof + i, len - i, fr, sr) && hash_eq(fr, root_m) &&
	       hash_eq(sr, root_n);
}

int
merkle_frontier_append(struct merkle_frontier *f, const merkle_hash leaf,
                       struct merkle_node done[65], merkle_hash done_hash[65])
{
	merkle_hash h;
	uint64_t idx = f->size;
	int level = 0, k = 0;

	memcpy(h, leaf, MERKLE_HASH);
	for (;;) {
		done[k] = (struct merkle_node){level, idx};
		memcpy(done_hash[k], h, MERKLE_HASH);
		k++;
		if (!(idx & 1)) {
			memcpy(f->edge[level], h, MERKLE_HASH);
			break;
		}
		merkle_node_hash(f->edge[level], h, h);
		idx >>= 1;
		level++;
	}
	f->size++;
	return k;
}

void
merkle_frontier_root(const struct merkle_frontier *f, merkle_hash out)
{
	merkle_hash acc;
	bool any = false;

	for (int level = 0; level < 64; level++) {
		if (!(f->size >> level & 1))
			continue;
		if (!any)
			memcpy(acc, f->edge[level], MERKLE_HASH);
		else
			merkle_node_hash(f->edge[level], acc, acc);
		any = true;
	}
	if (!any)
		merkle_empty_root(acc);
	memcpy(out, acc, MERKLE_HASH);
}

void
merkle_hex(const merkle_hash h, char out[2 * MERKLE_HASH + 1])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < MERKLE_HASH; i++) {
		out[2 * i] = digits[h[i] >> 4];
		out[2 * i + 1] = digits[h[i] & 15];
	}
	out[2 * MERKLE_HASH] = '\0';
}

bool
merkle_unhex(const char *s, merkle_hash out)
{
	if (!s || strlen(s) != 2 * MERKLE_HASH)
		return false;
	for (int i = 0; i < MERKLE_HASH; i++) {
		int hi = OPENSSL_hexchar2int((unsigned char)s[2 * i]);
		int lo = OPENSSL_hexchar2int((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}
