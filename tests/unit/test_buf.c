/*
 * test_buf.c — buf_appendf never writes past its buffer and never moves the
 * length past the last byte, however long the text that does not fit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "core/buf.h"

static void
appends_what_fits(void **state)
{
	char out[16];
	size_t len = 0;

	(void)state;
	out[0] = '\0';
	assert_true(buf_appendf(out, sizeof(out), &len, "%s", "abc"));
	assert_true(buf_appendf(out, sizeof(out), &len, ",%d", 42));
	assert_string_equal(out, "abc,42");
	assert_int_equal(len, 6);
}

static void
a_long_text_is_cut_and_the_length_clamped(void **state)
{
	/* The guard bytes after the buffer must survive every append. */
	struct {
		char out[8];
		char guard[8];
	} b;
	size_t len = 0;

	(void)state;
	memset(b.guard, 'G', sizeof(b.guard));
	assert_false(buf_appendf(b.out, sizeof(b.out), &len, "%s", "0123456789abcdef"));
	assert_int_equal(len, 7);
	assert_string_equal(b.out, "0123456");
	/* Once full, further appends change nothing and still say so. */
	for (int i = 0; i < 100; i++)
		assert_false(buf_appendf(b.out, sizeof(b.out), &len, "%d", i));
	assert_int_equal(len, 7);
	assert_string_equal(b.out, "0123456");
	assert_memory_equal(b.guard, "GGGGGGGG", sizeof(b.guard));
}

static void
exactly_full_is_not_cut(void **state)
{
	char out[4];
	size_t len = 0;

	(void)state;
	assert_true(buf_appendf(out, sizeof(out), &len, "abc"));
	assert_int_equal(len, 3);
	assert_false(buf_appendf(out, sizeof(out), &len, "d"));
	assert_string_equal(out, "abc");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(appends_what_fits),
	        cmocka_unit_test(a_long_text_is_cut_and_the_length_clamped),
	        cmocka_unit_test(exactly_full_is_not_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
