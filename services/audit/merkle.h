/*
 * merkle.h — the audit log's Merkle tree as RFC 9162 (Certificate
 * Transparency v2, same tree as RFC 6962) defines it: leaf hash
 * SHA-256(0x00 || entry), node hash SHA-256(0x01 || left || right), tree
 * hash MTH over the leaves in log order, inclusion and consistency proofs.
 *
 * Pure: no storage. Proofs are described as ranges of leaves whose tree
 * hash is a proof element; each range is a sequence of complete, aligned
 * subtrees (a node at a level and index), so a store that keeps some node
 * levels can fetch what a proof needs in one read and fold it here.
 */
#ifndef ZS_AUDIT_MERKLE_H
#define ZS_AUDIT_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASH     32
#define MERKLE_MAX_PATH 64  /* proof elements for any 64-bit tree size */
#define MERKLE_MAX_REFS 128 /* complete subtrees one proof element can need */

typedef uint8_t merkle_hash[MERKLE_HASH];

/* The complete subtree over leaves [index << level, (index + 1) << level). */
struct merkle_node {
	int level;
	uint64_t index;
};

/* Leaves [start, end): a proof element is the tree hash of such a range. */
struct merkle_range {
	uint64_t start, end;
};

/* false only when OpenSSL could not allocate */
bool merkle_leaf_hash(const void *entry, size_t len, merkle_hash out);
void merkle_node_hash(const merkle_hash left, const merkle_hash right, merkle_hash out);
/* SHA-256 of nothing: the tree hash of the empty log. */
void merkle_empty_root(merkle_hash out);

/* Tree hash over n leaf hashes by the RFC's recursive definition (tests,
 * verifiers that hold the whole log). */
void merkle_root(const merkle_hash *leaves, uint64_t n, merkle_hash out);

/* The ranges of PATH(m, D[0:n]) in proof order (leaf upwards); returns
 * their count, or -1 when m >= n. */
int merkle_inclusion_ranges(uint64_t m, uint64_t n, struct merkle_range out[MERKLE_MAX_PATH]);
/* The ranges of PROOF(m, D[0:n]); -1 unless 0 < m <= n (m == n: none). */
int merkle_consistency_ranges(uint64_t m, uint64_t n, struct merkle_range out[MERKLE_MAX_PATH]);
/* The complete aligned subtrees a proof range consists of, left to right
 * (largest first); their count. Proof ranges always start aligned to the
 * smallest power of two not below their length, which this relies on. */
int merkle_range_nodes(struct merkle_range r, struct merkle_node out[MERKLE_MAX_PATH]);
/* The tree hash of a range from its subtrees' hashes (left to right). */
void merkle_fold(const merkle_hash *nodes, int k, merkle_hash out);

/* Verification (RFC 9162 2.1.3.2 and 2.1.4.2): true when the proof is the
 * right length and leads to the given root(s). */
bool merkle_verify_inclusion(uint64_t m, uint64_t n, const merkle_hash leaf,
                             const merkle_hash *proof, int len, const merkle_hash root);
bool merkle_verify_consistency(uint64_t m, uint64_t n, const merkle_hash root_m,
                               const merkle_hash root_n, const merkle_hash *proof, int len);

/*
 * The right edge of the tree: for every set bit L of size the complete
 * subtree of 2^L leaves that ends there. Enough to append and to give the
 * root; 64 hashes whatever the size of the log.
 */
struct merkle_frontier {
	uint64_t size;
	merkle_hash edge[64]; /* edge[L] valid when bit L of size is set */
};

/* Appends a leaf; the nodes it completes (the leaf itself at level 0 and
 * every parent up to the first left child) are written to done/done_hash,
 * their count returned, so the store can keep the levels it wants. */
int merkle_frontier_append(struct merkle_frontier *f, const merkle_hash leaf,
                           struct merkle_node done[65], merkle_hash done_hash[65]);
void merkle_frontier_root(const struct merkle_frontier *f, merkle_hash out);

void merkle_hex(const merkle_hash h, char out[2 * MERKLE_HASH + 1]);
bool merkle_unhex(const char *s, merkle_hash out);

#endif
