/*
 * test_log.c — the logger never lets a BSN or a token through, and the
 * elfproef accepts exactly the numbers it should.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "zgw/identificatie.h"
#include "core/log.h"
#include "core/mask.h"

static void
elfproef_accepts_valid_bsn(void **state)
{
	(void)state;
	assert_true(bsn_valid("111222333"));
	assert_true(bsn_valid("123456782"));
	assert_true(bsn_valid("999993653"));
}

static void
elfproef_refuses_invalid_bsn(void **state)
{
	(void)state;
	assert_false(bsn_valid("123456789"));  /* sum not divisible by 11 */
	assert_false(bsn_valid("000000000"));  /* all zero */
	assert_false(bsn_valid("12345678"));   /* eight digits */
	assert_false(bsn_valid("1234567820")); /* ten digits */
	assert_false(bsn_valid("12345678a"));
	assert_false(bsn_valid(""));
	assert_false(bsn_valid(NULL));
}

static void
kvk_and_vestiging_shapes(void **state)
{
	(void)state;
	assert_true(kvk_valid("69599084"));
	assert_false(kvk_valid("6959908"));
	assert_false(kvk_valid("6959908x"));
	assert_true(vestigingsnummer_valid("000012345678"));
	assert_false(vestigingsnummer_valid("12345678"));
}

static void
mask_hides_bsn_but_not_other_numbers(void **state)
{
	char buf[256];
	(void)state;
	strcpy(buf, "aanvraag van 111222333 op offset 123456789 en 1112223330");
	mask_text(buf);
	assert_string_equal(buf, "aanvraag van ********* op offset 123456789 en 1112223330");
}

static void
mask_hides_bearer_tokens_and_jwts(void **state)
{
	char buf[256];
	(void)state;
	strcpy(buf, "Authorization: Bearer abc.def-ghi_jkl rest");
	mask_text(buf);
	assert_string_equal(buf, "Authorization: Bearer [redacted] rest");
	strcpy(buf, "token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl end");
	mask_text(buf);
	assert_string_equal(buf, "token=[redacted] end");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(elfproef_accepts_valid_bsn),
	        cmocka_unit_test(elfproef_refuses_invalid_bsn),
	        cmocka_unit_test(kvk_and_vestiging_shapes),
	        cmocka_unit_test(mask_hides_bsn_but_not_other_numbers),
	        cmocka_unit_test(mask_hides_bearer_tokens_and_jwts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
