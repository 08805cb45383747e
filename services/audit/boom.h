/*
 * boom.h — the audit tree in PostgreSQL: leaf hashes in regels, complete
 * subtrees at every fourth level in knopen, so that any node is computed
 * from at most 8 stored hashes and a whole proof is fetched in one
 * statement (O(log n) index probes, whatever the size of the log).
 */
#ifndef ZS_AUDIT_BOOM_H
#define ZS_AUDIT_BOOM_H

#include <stdbool.h>

#include "merkle.h"
#include "stream/pg.h"

#define BOOM_TEGEL 4 /* stored levels are multiples of this */

bool boom_prepare(struct pg *pg);

/* The log's size and right edge as committed. */
bool boom_laad(struct pg *pg, struct merkle_frontier *f);

/* The hashes of complete subtrees (one statement); false when the store
 * lacks one (a gap: a deleted or never-written entry). */
bool boom_knopen(struct pg *pg, const struct merkle_node *nodes, int n, merkle_hash *out);

/* Proofs for a log of (at least) n entries: the element count, -1 for sizes
 * out of range, -2 when the store failed. */
int boom_inclusie(struct pg *pg, uint64_t m, uint64_t n, merkle_hash proof[MERKLE_MAX_PATH]);
int boom_consistentie(struct pg *pg, uint64_t m, uint64_t n, merkle_hash proof[MERKLE_MAX_PATH]);

/* Queues (in the open pipeline) the nodes an append completed that the store
 * keeps. */
bool boom_bewaar(struct pg *pg, const struct merkle_node *done, const merkle_hash *hash, int n);

#endif
