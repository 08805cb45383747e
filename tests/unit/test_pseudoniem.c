/*
 * test_pseudoniem.c — pseudonyms are stable for one key, differ between keys
 * and between identifier types, match HMAC-SHA-256 as specified, and refuse
 * bad keys and bad input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "access/pseudoniem.h"

#define KEY_A "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define KEY_B "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

static void
stable_and_well_formed(void **state)
{
	struct pseudoniem_sleutel k;
	char a[PSEUDONIEM_LEN + 1], b[PSEUDONIEM_LEN + 1];

	(void)state;
	assert_true(pseudoniem_sleutel_parse(KEY_A, &k));
	assert_true(pseudoniem(&k, "BSN", "111222333", a));
	assert_true(pseudoniem(&k, "BSN", "111222333", b));
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 64);
	assert_int_equal(strspn(a, "0123456789abcdef"), 64);
	assert_true(pseudoniem(&k, "BSN", "123456782", b));
	assert_string_not_equal(a, b);
}

static void
matches_hmac_sha256_of_type_nul_number(void **state)
{
	struct pseudoniem_sleutel k;
	unsigned char mac[32];
	unsigned int len = 0;
	char got[PSEUDONIEM_LEN + 1], want[PSEUDONIEM_LEN + 1];
	const unsigned char msg[] = "KVK\0"
	                            "69599084";

	(void)state;
	assert_true(pseudoniem_sleutel_parse(KEY_A, &k));
	/* Computed here the plain way, so the encoding is pinned down for other implementations. */
	assert_non_null(HMAC(EVP_sha256(), k.bytes, (int)k.len, msg, sizeof(msg) - 1, mac, &len));
	for (int i = 0; i < 32; i++)
		sprintf(want + 2 * i, "%02x", mac[i]);
	assert_true(pseudoniem(&k, "KVK", "69599084", got));
	assert_string_equal(got, want);
}

static void
key_dependent(void **state)
{
	struct pseudoniem_sleutel ka, kb;
	char a[PSEUDONIEM_LEN + 1], b[PSEUDONIEM_LEN + 1];

	(void)state;
	assert_true(pseudoniem_sleutel_parse(KEY_A, &ka));
	assert_true(pseudoniem_sleutel_parse(KEY_B, &kb));
	assert_true(pseudoniem(&ka, "BSN", "111222333", a));
	assert_true(pseudoniem(&kb, "BSN", "111222333", b));
	assert_string_not_equal(a, b);
}

static void
type_separated(void **state)
{
	struct pseudoniem_sleutel k;
	char a[PSEUDONIEM_LEN + 1], b[PSEUDONIEM_LEN + 1], c[PSEUDONIEM_LEN + 1];

	(void)state;
	assert_true(pseudoniem_sleutel_parse(KEY_A, &k));
	/* The same digits as a BSN-like and a KvK-like number must not meet. */
	assert_true(pseudoniem(&k, "BSN", "12345678", a));
	assert_true(pseudoniem(&k, "KVK", "12345678", b));
	assert_string_not_equal(a, b);
	/* Moving characters between type and number must not collide either. */
	assert_true(pseudoniem(&k, "BSNA", "12345678", c));
	assert_true(pseudoniem(&k, "BSN", "A12345678", b));
	assert_string_not_equal(c, b);
}

static void
refuses_bad_keys_and_input(void **state)
{
	struct pseudoniem_sleutel k;
	char out[PSEUDONIEM_LEN + 1];

	(void)state;
	assert_false(pseudoniem_sleutel_parse(NULL, &k));
	assert_false(pseudoniem_sleutel_parse("", &k));
	assert_false(pseudoniem_sleutel_parse("00112233", &k)); /* too short */
	assert_false(pseudoniem_sleutel_parse(KEY_A "0", &k));  /* odd length */
	assert_false(pseudoniem_sleutel_parse(
	        "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", &k));
	assert_true(pseudoniem_sleutel_parse(KEY_A, &k));
	assert_false(pseudoniem(&k, "bsn", "111222333", out)); /* types are upper case */
	assert_string_equal(out, "");
	assert_false(pseudoniem(&k, "", "111222333", out));
	assert_false(pseudoniem(&k, "BSN", "", out));
	assert_false(pseudoniem(&k, "BSN", "111 222 333", out));
	assert_false(pseudoniem(&k, "BSN", NULL, out));
	assert_false(pseudoniem(NULL, "BSN", "111222333", out));
	assert_false(pseudoniem(&k, "VERYLONGTYPENAMEXX", "1", out));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(stable_and_well_formed),
	        cmocka_unit_test(matches_hmac_sha256_of_type_nul_number),
	        cmocka_unit_test(key_dependent),
	        cmocka_unit_test(type_separated),
	        cmocka_unit_test(refuses_bad_keys_and_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
