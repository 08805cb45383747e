/*
 * verifier.h — what the FG/DPO runs: the log rebuilt entry by entry from
 * its leaf bytes (from PostgreSQL or from zaakstroom.audit), every signed
 * tree head checked against the tree of exactly that many entries and
 * against the public key. Any changed, dropped, inserted or reordered entry
 * makes a head fail; the first failure is kept, in words.
 */
#ifndef ZS_AUDIT_VERIFIER_H
#define ZS_AUDIT_VERIFIER_H

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boomhoofd.h"
#include "merkle.h"

/*
 * A stream may carry an entry or head twice: after a crash the outbox sends
 * again what the broker had not yet acknowledged. Such a re-send is always
 * among the newest; it is accepted when it is exactly what was verified
 * before, from a window of the newest entries and heads.
 */
#define VERIFIER_VENSTER 8192

struct verifier {
	struct merkle_frontier boom;
	EVP_PKEY *pub; /* not owned */
	uint64_t hoofden, dubbel;
	bool fout;
	char waarom[256];
	merkle_hash recent[VERIFIER_VENSTER]; /* leaf hash of entry i at i % VENSTER */
	struct {
		uint64_t size;
		merkle_hash root;
	} recente_hoofden[64];
};

void verifier_init(struct verifier *v, EVP_PKEY *pub);
/*
 * The next entry. blad: its leaf bytes (NULL when retention removed them:
 * the stored hash stands), blad_hash: the hash stored or sent with it.
 * False (and the reason kept) when it is not the next volgnummer or its
 * bytes do not hash to blad_hash.
 */
bool verifier_regel(struct verifier *v, uint64_t volgnummer, const void *blad, size_t len,
                    const merkle_hash blad_hash);
/* A signed head, checked when the rebuilt tree has exactly h->size entries. */
bool verifier_hoofd(struct verifier *v, const struct boomhoofd *h);

/* An AuditRegel as it travels (single-object encoding): its leaf bytes, its
 * bladHash and volgnummer (the first field, a zigzag varint). */
bool verifier_bericht(const void *msg, size_t len, const uint8_t **blad, size_t *blad_len,
                      const uint8_t **blad_hash, uint64_t *volgnummer);

/* A BoomhoofdGetekend as it travels, read from its Avro bytes. */
bool verifier_hoofd_bericht(const void *msg, size_t len, struct boomhoofd *h);

#endif
