/*
 * fuzz_audit.c — libFuzzer target for what an FG/DPO's verifier reads from
 * zaakstroom.audit or a saved proof, all hostile: AuditRegel and
 * BoomhoofdGetekend messages read without an Avro decoder
 * (verifier_bericht, verifier_hoofd_bericht) fed to the verifier, and
 * inclusion and consistency proofs of any length for any sizes. Never a
 * crash, never an out-of-bounds read; a parsed entry's parts lie inside the
 * message; a head that parses was checked against the key before counting.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/audit/verifier.h"

static EVP_PKEY *key;
static struct verifier v;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *blad, *hash;
	size_t len;
	uint64_t nr, m, n;
	struct boomhoofd h;

	if (!key) {
		key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		verifier_init(&v, key);
	}
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		if (verifier_bericht(data + 1, size - 1, &blad, &len, &hash, &nr)) {
			if (blad < data + 1 || blad + len > data + size ||
			    hash + MERKLE_HASH > data + size)
				abort();
			verifier_regel(&v, nr, blad, len, hash);
			if (v.fout)
				verifier_init(&v, key);
		}
		break;
	case 1:
		if (verifier_hoofd_bericht(data + 1, size - 1, &h)) {
			uint64_t before = v.hoofden;
			/* nobody but the harness holds the key: no head may verify */
			if (verifier_hoofd(&v, &h) && v.hoofden != before)
				abort();
			verifier_init(&v, key);
		}
		break;
	default:
		if (size < 17)
			return 0;
		memcpy(&m, data + 1, 8);
		memcpy(&n, data + 9, 8);
		m %= 1u << 20;
		n %= 1u << 20;
		int k = (int)((size - 17) / MERKLE_HASH);
		const merkle_hash *p = (const void *)(data + 17);
		merkle_hash *proof = malloc(sizeof(merkle_hash) * (size_t)(k ? k : 1));
		if (!proof)
			return 0;
		memcpy(proof, p, sizeof(merkle_hash) * (size_t)k);
		merkle_verify_inclusion(m, n, proof[0], proof, k, proof[0]);
		merkle_verify_consistency(m, n, proof[0], proof[0], proof, k);
		struct merkle_range r[MERKLE_MAX_PATH];
		struct merkle_node nd[MERKLE_MAX_PATH];
		int c = merkle_inclusion_ranges(m, n, r);
		for (int i = 0; i < c; i++)
			merkle_range_nodes(r[i], nd);
		c = merkle_consistency_ranges(m, n, r);
		for (int i = 0; i < c; i++)
			merkle_range_nodes(r[i], nd);
		free(proof);
		break;
	}
	return 0;
}
