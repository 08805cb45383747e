/*
 * test_audit_verifier.c — what zs audit verify concludes: a log and its
 * signed heads verify; a changed, removed, swapped or inserted entry, a
 * forged or foreign head, each fails with the reason in words; an entry or
 * head sent twice (an outbox re-send after a crash) is accepted only when it
 * is the same.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "../../services/audit/verifier.h"

enum { N = 40 };

static uint8_t blad[N][32];
static size_t blad_len[N];
static merkle_hash hash[N];
static EVP_PKEY *key, *other;

/* Leaf bytes as the daemon makes them: the datum starts with volgnummer
 * (an Avro long, zigzag varint). */
static void
maak_log(void)
{
	for (int i = 0; i < N; i++) {
		uint8_t *p = blad[i];
		uint64_t zz = (uint64_t)i << 1;
		size_t k = 0;
		do {
			p[k++] = (uint8_t)((zz & 0x7f) | (zz > 0x7f ? 0x80 : 0));
			zz >>= 7;
		} while (zz);
		k += (size_t)snprintf((char *)p + k, sizeof(blad[i]) - k, "regel %d", i);
		blad_len[i] = k;
		assert_true(merkle_leaf_hash(p, k, hash[i]));
	}
}

static struct boomhoofd
hoofd(int n)
{
	struct boomhoofd h = {.size = (uint64_t)n, .signed_ms = 1764990000000 + n};
	merkle_root(hash, (uint64_t)n, h.root);
	assert_true(boomhoofd_sign(key, &h));
	return h;
}

static int
setup(void **state)
{
	(void)state;
	key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	other = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	maak_log();
	return key && other ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
	return 0;
}

/* Feeds entries in the order given, a head after every 10; the reason of
 * the first failure, or "" when everything verified. */
static const char *
loop(struct verifier *v, const int *order, int n)
{
	static char why[256];

	verifier_init(v, key);
	for (int i = 0; i < n; i++) {
		int e = order[i];
		verifier_regel(v, (uint64_t)i, blad[e], blad_len[e], hash[e]);
		if ((i + 1) % 10 == 0) {
			struct boomhoofd h = hoofd(i + 1);
			verifier_hoofd(v, &h);
		}
	}
	snprintf(why, sizeof(why), "%s", v->fout ? v->waarom : "");
	return why;
}

static void
test_whole_log_verifies(void **state)
{
	static struct verifier v;
	int order[N];

	(void)state;
	for (int i = 0; i < N; i++)
		order[i] = i;
	assert_string_equal(loop(&v, order, N), "");
	assert_int_equal(v.hoofden, N / 10);
}

static void
test_changed_entry(void **state)
{
	static struct verifier v;

	(void)state;
	verifier_init(&v, key);
	blad[3][blad_len[3] - 1] ^= 1;
	for (int i = 0; i < 5; i++)
		verifier_regel(&v, (uint64_t)i, blad[i], blad_len[i], hash[i]);
	blad[3][blad_len[3] - 1] ^= 1;
	assert_true(v.fout);
	assert_string_equal(v.waarom, "entry 3 does not match its leaf hash");
}

static void
test_changed_entry_with_its_hash(void **state)
{
	static struct verifier v;
	merkle_hash h;
	struct boomhoofd hd = hoofd(10);

	(void)state;
	verifier_init(&v, key);
	for (int i = 0; i < 10; i++) {
		if (i == 4) {
			blad[4][blad_len[4] - 1] ^= 1;
			merkle_leaf_hash(blad[4], blad_len[4], h);
			verifier_regel(&v, 4, blad[4], blad_len[4], h);
			blad[4][blad_len[4] - 1] ^= 1;
		} else {
			verifier_regel(&v, (uint64_t)i, blad[i], blad_len[i], hash[i]);
		}
	}
	assert_false(v.fout);
	assert_false(verifier_hoofd(&v, &hd));
	assert_string_equal(
	        v.waarom, "the entries do not give the signed root of the tree head of 10 entries");
}

static void
test_removed_and_swapped(void **state)
{
	static struct verifier v;
	struct boomhoofd h = hoofd(10);

	(void)state;
	verifier_init(&v, key);
	verifier_regel(&v, 0, blad[0], blad_len[0], hash[0]);
	assert_false(verifier_regel(&v, 2, blad[2], blad_len[2], hash[2]));
	assert_string_equal(v.waarom, "entry 2 where entry 1 was due");

	verifier_init(&v, key);
	verifier_regel(&v, 0, blad[0], blad_len[0], hash[0]);
	assert_false(verifier_regel(&v, 1, blad[2], blad_len[2], hash[2]));
	assert_string_equal(v.waarom, "entry 1 holds entry 2");

	/* a head that claims more than the log has */
	verifier_init(&v, key);
	for (int i = 0; i < 9; i++)
		verifier_regel(&v, (uint64_t)i, blad[i], blad_len[i], hash[i]);
	assert_false(verifier_hoofd(&v, &h));
	assert_string_equal(v.waarom, "tree head of 10 entries met after 9");
}

static void
test_forged_head(void **state)
{
	static struct verifier v;
	struct boomhoofd h = hoofd(10);

	(void)state;
	verifier_init(&v, key);
	for (int i = 0; i < 10; i++)
		verifier_regel(&v, (uint64_t)i, blad[i], blad_len[i], hash[i]);
	h.signed_ms++;
	assert_false(verifier_hoofd(&v, &h));
	assert_string_equal(v.waarom, "the signature of the tree head of 10 entries is not valid");
	h = hoofd(10);
	verifier_init(&v, other); /* someone else's key */
	for (int i = 0; i < 10; i++)
		verifier_regel(&v, (uint64_t)i, blad[i], blad_len[i], hash[i]);
	assert_false(verifier_hoofd(&v, &h));
}

static void
test_resent_is_accepted_only_unchanged(void **state)
{
	static struct verifier v;
	struct boomhoofd h10 = hoofd(10), h12 = hoofd(12);

	(void)state;
	verifier_init(&v, key);
	for (int i = 0; i < 10; i++)
		verifier_regel(&v, (uint64_t)i, blad[i], blad_len[i], hash[i]);
	assert_true(verifier_hoofd(&v, &h10));
	for (int i = 10; i < 12; i++)
		verifier_regel(&v, (uint64_t)i, blad[i], blad_len[i], hash[i]);
	/* the outbox sends 8..11 and the head of 10 again */
	for (int i = 8; i < 12; i++)
		assert_true(verifier_regel(&v, (uint64_t)i, blad[i], blad_len[i], hash[i]));
	assert_true(verifier_hoofd(&v, &h10));
	assert_true(verifier_hoofd(&v, &h12));
	assert_int_equal(v.dubbel, 5);
	assert_false(v.fout);
	/* ... but not changed */
	assert_false(verifier_regel(&v, 9, blad[3], blad_len[3], hash[3]));
}

static void
test_messages_read_without_a_decoder(void **state)
{
	uint8_t msg[10 + 32 + 32];
	const uint8_t *b, *bh;
	size_t len;
	uint64_t nr;
	struct boomhoofd h = hoofd(10), back;
	uint8_t hm[10 + 1 + 32 + 8 + 1 + 16 + 1 + 64], *p = hm;

	(void)state;
	memset(msg, 0, sizeof(msg));
	msg[0] = 0xc3;
	msg[1] = 0x01;
	memcpy(msg + 10, blad[7], blad_len[7]);
	memcpy(msg + 10 + blad_len[7], hash[7], 32);
	assert_true(verifier_bericht(msg, 10 + blad_len[7] + 32, &b, &len, &bh, &nr));
	assert_int_equal(nr, 7);
	assert_int_equal(len, blad_len[7]);
	assert_memory_equal(bh, hash[7], 32);
	/* a BoomhoofdGetekend: long, fixed 32, long, string, bytes */
	*p++ = 0xc3, *p++ = 0x01;
	memset(p, 0, 8), p += 8;
	*p++ = 20; /* zigzag 10 */
	memcpy(p, h.root, 32), p += 32;
	uint64_t zz = (uint64_t)h.signed_ms << 1;
	do {
		*p++ = (uint8_t)((zz & 0x7f) | (zz > 0x7f ? 0x80 : 0));
		zz >>= 7;
	} while (zz);
	*p++ = 32, memcpy(p, h.key_id, 16), p += 16;
	*p++ = 128, *p++ = 1, memcpy(p, h.sig, 64), p += 64;
	assert_true(verifier_hoofd_bericht(hm, (size_t)(p - hm), &back));
	assert_int_equal(back.size, 10);
	assert_true(back.signed_ms == h.signed_ms);
	assert_true(boomhoofd_verify(key, &back));
	assert_false(verifier_hoofd_bericht(hm, (size_t)(p - hm) - 1, &back));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_whole_log_verifies),
	        cmocka_unit_test(test_changed_entry),
	        cmocka_unit_test(test_changed_entry_with_its_hash),
	        cmocka_unit_test(test_removed_and_swapped),
	        cmocka_unit_test(test_forged_head),
	        cmocka_unit_test(test_resent_is_accepted_only_unchanged),
	        cmocka_unit_test(test_messages_read_without_a_decoder),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
