/*
 * test_outbox.c — a row is queued whole or not at all: a row with more
 * headers than a row holds is refused with nothing queued, so that the
 * caller fails its transaction instead of sending an event without its
 * CloudEvents headers; headers without a value are left out (and do not
 * count); a rollback forgets what was queued.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "stream/outbox.h"

static void
a_row_is_copied_with_its_headers(void **state)
{
	struct outbox *ob = outbox_new();
	char key[] = "zaak-1", value[] = {'a', 0, 'b'};
	const struct outbox_kv h[] = {{"ce_id", "42"}, {"ce_subject", NULL}, {"ce_type", "t"}};

	(void)state;
	assert_non_null(ob);
	assert_true(outbox_queue(ob, "zaken", key, 4, value, sizeof(value), h, 3));
	assert_int_equal(outbox_pending(ob), 1);
	assert_true(outbox_queue(ob, "zaken", NULL, 0, "", 0, NULL, 0));
	assert_int_equal(outbox_pending(ob), 2);
	outbox_rolled_back(ob);
	assert_int_equal(outbox_pending(ob), 0);
	outbox_free(ob);
}

static void
too_many_headers_queue_nothing(void **state)
{
	struct outbox *ob = outbox_new();
	struct outbox_kv h[OUTBOX_MAX_HEADERS + 1];

	(void)state;
	for (int i = 0; i <= OUTBOX_MAX_HEADERS; i++)
		h[i] = (struct outbox_kv){"h", "v"};
	assert_false(outbox_queue(ob, "zaken", "k", 1, "v", 1, h, OUTBOX_MAX_HEADERS + 1));
	assert_int_equal(outbox_pending(ob), 0);
	/* As many as a row holds is fine; a NULL value does not count. */
	h[OUTBOX_MAX_HEADERS].value = NULL;
	assert_true(outbox_queue(ob, "zaken", "k", 1, "v", 1, h, OUTBOX_MAX_HEADERS + 1));
	assert_int_equal(outbox_pending(ob), 1);
	outbox_free(ob);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(a_row_is_copied_with_its_headers),
	        cmocka_unit_test(too_many_headers_queue_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
