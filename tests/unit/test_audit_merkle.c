/*
 * test_audit_merkle.c — the audit log's Merkle tree against the RFC 6962 test
 * vectors published with transparency-dev/merkle (Go; the data, not the
 * code): roots of trees of 0..8 leaves, every complete subtree, inclusion
 * and consistency proofs, each also corrupted in the ways a forger would
 * try; then every proof of every tree up to 70 leaves built and verified;
 * and the signed tree head (RFC 8032 vector, tampering detected).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "../../services/audit/boomhoofd.h"
#include "../../services/audit/merkle.h"

static const char *leaf_inputs[] = {"",
                                    "00",
                                    "10",
                                    "2021",
                                    "3031",
                                    "40414243",
                                    "5051525354555657",
                                    "606162636465666768696a6b6c6d6e6f"};

static const char *roots[] = {
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

/* Every complete subtree of the 8-leaf tree, per level. */
static const char *nodes[4][8] = {
        {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
         "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
         "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
         "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
         "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
         "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
         "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
         "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"},
        {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
         "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
         "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
         "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"},
        {"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
         "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"},
        {"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"},
};

struct vector {
	uint64_t m, n; /* inclusion: leaf index (0-based); consistency: sizes */
	int len;
	const char *proof[3];
};

static const struct vector inclusion[] = {
        {0,
         8,
         3,
         {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
        {5,
         8,
         3,
         {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
        {2, 3, 1, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
        {1,
         5,
         3,
         {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
        {0, 1, 0, {NULL}},
};

static const struct vector consistency[] = {
        {1,
         8,
         3,
         {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
        {6,
         8,
         3,
         {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
        {2,
         5,
         2,
         {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
        {6,
         7,
         3,
         {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
          "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
        {1, 1, 0, {NULL}},
};

static size_t
unhex(const char *s, uint8_t *out)
{
	size_t n = strlen(s) / 2;

	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

static void
hash_of(const char *hex, merkle_hash out)
{
	assert_true(merkle_unhex(hex, out));
}

static merkle_hash leaves[128];

static void
vector_leaves(void)
{
	uint8_t buf[16];

	for (int i = 0; i < 8; i++) {
		size_t n = unhex(leaf_inputs[i], buf);
		assert_true(merkle_leaf_hash(buf, n, leaves[i]));
	}
}

static void
synthetic_leaves(int n)
{
	for (int i = 0; i < n; i++) {
		char e[32];
		int len = snprintf(e, sizeof(e), "regel %d", i);
		assert_true(merkle_leaf_hash(e, (size_t)len, leaves[i]));
	}
}

/* A proof from an in-memory log: each range folded from its subtrees, each
 * subtree by the recursive definition, as a store would fetch them. */
static int
build(bool incl, uint64_t m, uint64_t n, merkle_hash *proof)
{
	struct merkle_range r[MERKLE_MAX_PATH];
	int k = incl ? merkle_inclusion_ranges(m, n, r) : merkle_consistency_ranges(m, n, r);

	for (int i = 0; i < k; i++) {
		struct merkle_node nd[MERKLE_MAX_PATH];
		merkle_hash h[MERKLE_MAX_PATH];
		int c = merkle_range_nodes(r[i], nd);
		for (int j = 0; j < c; j++)
			merkle_root(leaves + (nd[j].index << nd[j].level),
			            (uint64_t)1 << nd[j].level, h[j]);
		merkle_fold(h, c, proof[i]);
	}
	return k;
}

static void
test_roots(void **state)
{
	struct merkle_frontier f = {0};
	merkle_hash want, got;

	(void)state;
	vector_leaves();
	for (uint64_t n = 0; n <= 8; n++) {
		hash_of(roots[n], want);
		merkle_root(leaves, n, got);
		assert_memory_equal(got, want, MERKLE_HASH);
		merkle_frontier_root(&f, got);
		assert_memory_equal(got, want, MERKLE_HASH);
		if (n < 8) {
			struct merkle_node done[65];
			merkle_hash done_hash[65];
			int k = merkle_frontier_append(&f, leaves[n], done, done_hash);
			/* every completed subtree is reported once, with its hash */
			for (int i = 0; i < k; i++) {
				hash_of(nodes[done[i].level][done[i].index], want);
				assert_memory_equal(done_hash[i], want, MERKLE_HASH);
			}
			assert_int_equal(k, 1 + __builtin_ctzll(~n));
		}
	}
}

static void
test_inclusion_vectors(void **state)
{
	(void)state;
	vector_leaves();
	for (size_t v = 0; v < sizeof(inclusion) / sizeof(inclusion[0]); v++) {
		const struct vector *t = &inclusion[v];
		merkle_hash proof[MERKLE_MAX_PATH], want, root, bad[MERKLE_MAX_PATH + 1];
		int k = build(true, t->m, t->n, proof);

		assert_int_equal(k, t->len);
		for (int i = 0; i < k; i++) {
			hash_of(t->proof[i], want);
			assert_memory_equal(proof[i], want, MERKLE_HASH);
		}
		hash_of(roots[t->n], root);
		assert_true(merkle_verify_inclusion(t->m, t->n, leaves[t->m], proof, k, root));
		/* a forger's attempts */
		assert_false(merkle_verify_inclusion(t->m + 1, t->n, leaves[t->m], proof, k, root));
		if (t->m > 0)
			assert_false(merkle_verify_inclusion(t->m - 1, t->n, leaves[t->m], proof, k,
			                                     root));
		assert_false(merkle_verify_inclusion(t->m, t->n * 2, leaves[t->m], proof, k, root));
		assert_false(merkle_verify_inclusion(t->m, t->n, leaves[(t->m + 1) % 8], proof, k,
		                                     root));
		assert_false(
		        merkle_verify_inclusion(t->m, t->n, leaves[t->m], proof, k, leaves[7]));
		memcpy(bad, proof, sizeof(merkle_hash) * (size_t)k);
		memcpy(bad[k], root, MERKLE_HASH);
		assert_false(merkle_verify_inclusion(t->m, t->n, leaves[t->m], bad, k + 1, root));
		if (k > 0) {
			assert_false(merkle_verify_inclusion(t->m, t->n, leaves[t->m], proof, k - 1,
			                                     root));
			for (int i = 0; i < k; i++) {
				memcpy(bad, proof, sizeof(merkle_hash) * (size_t)k);
				bad[i][0] ^= 8;
				assert_false(merkle_verify_inclusion(t->m, t->n, leaves[t->m], bad,
				                                     k, root));
			}
		}
	}
	assert_int_equal(merkle_inclusion_ranges(3, 3, (struct merkle_range[64]){0}), -1);
}

static void
test_consistency_vectors(void **state)
{
	(void)state;
	vector_leaves();
	for (size_t v = 0; v < sizeof(consistency) / sizeof(consistency[0]); v++) {
		const struct vector *t = &consistency[v];
		merkle_hash proof[MERKLE_MAX_PATH], want, r1, r2, bad[MERKLE_MAX_PATH + 1];
		int k = build(false, t->m, t->n, proof);

		assert_int_equal(k, t->len);
		for (int i = 0; i < k; i++) {
			hash_of(t->proof[i], want);
			assert_memory_equal(proof[i], want, MERKLE_HASH);
		}
		hash_of(roots[t->m], r1);
		hash_of(roots[t->n], r2);
		assert_true(merkle_verify_consistency(t->m, t->n, r1, r2, proof, k));
		if (k == 0)
			continue;
		assert_false(merkle_verify_consistency(t->m, t->n, r2, r1, proof, k));
		assert_false(merkle_verify_consistency(t->m + 1, t->n, r1, r2, proof, k));
		assert_false(merkle_verify_consistency(t->m - 1, t->n, r1, r2, proof, k));
		assert_false(merkle_verify_consistency(t->m, t->n * 2, r1, r2, proof, k));
		assert_false(merkle_verify_consistency(t->m, t->n, r1, r2, proof, 0));
		assert_false(merkle_verify_consistency(t->m, t->n, r1, r2, proof, k - 1));
		memcpy(bad, proof, sizeof(merkle_hash) * (size_t)k);
		memcpy(bad[k], r2, MERKLE_HASH);
		assert_false(merkle_verify_consistency(t->m, t->n, r1, r2, bad, k + 1));
		for (int i = 0; i < k; i++) {
			memcpy(bad, proof, sizeof(merkle_hash) * (size_t)k);
			bad[i][0] ^= 16;
			assert_false(merkle_verify_consistency(t->m, t->n, r1, r2, bad, k));
		}
	}
}

/* Every proof of every tree up to 70 leaves: generated from stored subtrees
 * (the daemon's way) and checked by the verifier (the FG/DPO's way), and the
 * right edge's root equal to the recursive definition at every size. */
static void
test_every_small_tree(void **state)
{
	struct merkle_frontier f = {0};
	enum { N = 70 };

	(void)state;
	synthetic_leaves(N);
	for (uint64_t n = 1; n <= N; n++) {
		struct merkle_node done[65];
		merkle_hash done_hash[65], root, got, proof[MERKLE_MAX_PATH];

		merkle_frontier_append(&f, leaves[n - 1], done, done_hash);
		merkle_root(leaves, n, root);
		merkle_frontier_root(&f, got);
		assert_memory_equal(got, root, MERKLE_HASH);
		for (uint64_t m = 0; m < n; m++) {
			int k = build(true, m, n, proof);
			assert_true(merkle_verify_inclusion(m, n, leaves[m], proof, k, root));
			assert_false(merkle_verify_inclusion(
			        m, n, leaves[n > 1 ? (m + 1) % n : N - 1], proof, k, root));
		}
		for (uint64_t m = 1; m <= n; m++) {
			merkle_hash old;
			int k = build(false, m, n, proof);
			merkle_root(leaves, m, old);
			assert_true(merkle_verify_consistency(m, n, old, root, proof, k));
			if (m < n) {
				old[5] ^= 1;
				assert_false(merkle_verify_consistency(m, n, old, root, proof, k));
			}
		}
	}
}

/* RFC 8032 section 7.1, TEST 1: our EVP use gives the published signature. */
static void
test_ed25519_vector(void **state)
{
	uint8_t sk[32], pk[32], want[64], sig[64], raw[32];
	size_t siglen = sizeof(sig), rawlen = sizeof(raw);
	EVP_PKEY *key;
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	(void)state;
	unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", sk);
	unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", pk);
	unhex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc6"
	      "1e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
	      want);
	key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, sk, sizeof(sk));
	assert_non_null(key);
	assert_int_equal(EVP_PKEY_get_raw_public_key(key, raw, &rawlen), 1);
	assert_memory_equal(raw, pk, 32);
	assert_int_equal(EVP_DigestSignInit(md, NULL, NULL, NULL, key), 1);
	assert_int_equal(EVP_DigestSign(md, sig, &siglen, (const uint8_t *)"", 0), 1);
	assert_memory_equal(sig, want, 64);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
}

static void
test_boomhoofd(void **state)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"), *other;
	struct boomhoofd h = {.size = 8, .signed_ms = 1764979200123}, t;
	uint8_t msg[BOOMHOOFD_MSG_LEN];

	(void)state;
	assert_non_null(key);
	other = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	hash_of(roots[8], h.root);
	assert_true(boomhoofd_sign(key, &h));
	assert_int_equal(strlen(h.key_id), BOOMHOOFD_KEYID_HEX);
	assert_true(boomhoofd_verify(key, &h));
	assert_false(boomhoofd_verify(other, &h));
	/* the layout the README documents for other verifiers */
	boomhoofd_message(&h, msg);
	assert_int_equal(sizeof(msg), 24 + 8 + 32 + 8);
	assert_memory_equal(msg, "zaakstroom.boomhoofd.v1\0", 24);
	assert_int_equal(msg[31], 8);
	assert_memory_equal(msg + 32, h.root, 32);
	t = h;
	t.size = 7;
	assert_false(boomhoofd_verify(key, &t));
	t = h;
	t.root[31] ^= 1;
	assert_false(boomhoofd_verify(key, &t));
	t = h;
	t.signed_ms++;
	assert_false(boomhoofd_verify(key, &t));
	t = h;
	t.sig[0] ^= 1;
	assert_false(boomhoofd_verify(key, &t));
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_roots),
	        cmocka_unit_test(test_inclusion_vectors),
	        cmocka_unit_test(test_consistency_vectors),
	        cmocka_unit_test(test_every_small_tree),
	        cmocka_unit_test(test_ed25519_vector),
	        cmocka_unit_test(test_boomhoofd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
