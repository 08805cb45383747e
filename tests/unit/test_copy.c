/*
 * test_copy.c — rows for COPY's text format: PostgreSQL reads back exactly
 * the text given (a tab, newline, carriage return or backslash in a value
 * must not split a field or a row), NULL as \N, bytes as bytea's hex form
 * with its backslash escaped; after a reset the memory is reused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "stream/copy.h"

static void
fields_are_escaped_and_rows_ended(void **state)
{
	struct copy_rows r = {0};
	const unsigned char bytes[] = {0x00, 0xab, 0x5c};

	(void)state;
	copy_int(&r, -42);
	copy_text(&r, "a\tb\nc\rd\\e");
	copy_text(&r, NULL);
	copy_bytea(&r, bytes, sizeof(bytes));
	copy_end_row(&r);
	copy_text(&r, "");
	copy_end_row(&r);
	assert_false(r.failed);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.len, strlen("-42\ta\\tb\\nc\\rd\\\\e\t\\N\t\\\\x00ab5c\n\n"));
	assert_memory_equal(r.data, "-42\ta\\tb\\nc\\rd\\\\e\t\\N\t\\\\x00ab5c\n\n", r.len);
	copy_free(&r);
}

static void
a_reset_empties_and_keeps_the_memory(void **state)
{
	struct copy_rows r = {0};
	char *data;

	(void)state;
	copy_text(&r, "x");
	copy_end_row(&r);
	data = r.data;
	copy_reset(&r);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.len, 0);
	copy_text(&r, "y");
	copy_text(&r, "z");
	copy_end_row(&r);
	assert_ptr_equal(r.data, data);
	assert_memory_equal(r.data, "y\tz\n", 4);
	copy_free(&r);
	assert_null(r.data);
}

static void
a_long_value_grows_the_buffer(void **state)
{
	struct copy_rows r = {0};
	static char big[100000];

	(void)state;
	memset(big, '\\', sizeof(big) - 1);
	copy_text(&r, big);
	copy_end_row(&r);
	assert_false(r.failed);
	assert_int_equal(r.len, 2 * (sizeof(big) - 1) + 1);
	assert_int_equal(r.data[r.len - 1], '\n');
	copy_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(fields_are_escaped_and_rows_ended),
	        cmocka_unit_test(a_reset_empties_and_keeps_the_memory),
	        cmocka_unit_test(a_long_value_grows_the_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
