/*
 * test_jsonw.c — the JSON writer gives the bytes jansson's compact dump
 * gives for the same document (escapes included), fails a document as a
 * whole when it is malformed or too big, and the text buffer under it never
 * grows past its ceiling.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "core/strbuf.h"

static void
same_bytes_as_jansson(void **state)
{
	static const char *const teksten[] = {
	        "",
	        "gewoon",
	        "aanhalings\"teken",
	        "back\\slash",
	        "regel\neinde\r\ttab",
	        "\b\f\x01\x1f\x7f",
	        "één / twee",
	        "NL91<b>&",
	};
	json_t *doc = json_object(), *lijst = json_array();
	struct jsonw w;
	char *a, *b;
	(void)state;

	jsonw_init(&w, 1 << 20);
	jsonw_object(&w);
	jsonw_key(&w, "formeelVerzoek");
	jsonw_bool(&w, false);
	json_object_set_new(doc, "formeelVerzoek", json_false());
	jsonw_kv(&w, "leeg", NULL);
	json_object_set_new(doc, "leeg", json_null());
	jsonw_key(&w, "teksten");
	jsonw_array(&w);
	for (size_t i = 0; i < sizeof(teksten) / sizeof(teksten[0]); i++) {
		jsonw_object(&w);
		jsonw_kv(&w, teksten[i], teksten[i]);
		jsonw_key(&w, "leeg");
		jsonw_array(&w);
		jsonw_array_end(&w);
		jsonw_object_end(&w);
		json_array_append_new(lijst,
		                      json_pack("{s:s, s:[]}", teksten[i], teksten[i], "leeg"));
	}
	jsonw_array_end(&w);
	json_object_set_new(doc, "teksten", lijst);
	jsonw_object_end(&w);
	a = jsonw_take(&w, NULL);
	b = json_dumps(doc, JSON_COMPACT);
	assert_non_null(a);
	assert_string_equal(a, b);
	free(a);
	free(b);
	json_decref(doc);
}

static void
a_malformed_document_fails_whole(void **state)
{
	struct jsonw w;
	char *t;
	(void)state;

	jsonw_init(&w, 1024);
	jsonw_object(&w);
	jsonw_kv(&w, "open", "gelaten");
	assert_null(jsonw_take(&w, NULL)); /* never closed */
	jsonw_array_end(&w);               /* closed, never opened */
	assert_null(jsonw_take(&w, NULL));
	for (int i = 0; i < JSONW_DIEPTE + 1; i++)
		jsonw_array(&w);
	for (int i = 0; i < JSONW_DIEPTE + 1; i++)
		jsonw_array_end(&w);
	assert_null(jsonw_take(&w, NULL)); /* too deep */
	jsonw_array(&w);
	jsonw_array_end(&w);
	t = jsonw_take(&w, NULL);
	assert_string_equal(t, "[]"); /* and usable again */
	free(t);
}

static void
the_ceiling_holds(void **state)
{
	struct strbuf b;
	struct jsonw w;
	size_t len = 99;
	char *t;
	(void)state;

	strbuf_init(&b, 8);
	strbuf_adds(&b, "1234567"); /* 7 bytes and the NUL: fits exactly */
	t = strbuf_take(&b, &len);
	assert_string_equal(t, "1234567");
	assert_int_equal(len, 7);
	free(t);
	strbuf_adds(&b, "12345678");
	assert_true(b.vol);
	strbuf_adds(&b, "x"); /* ignored once full */
	assert_null(strbuf_take(&b, &len));
	assert_int_equal(len, 0);
	t = strbuf_take(&b, NULL); /* nothing added: an empty text */
	assert_string_equal(t, "");
	free(t);

	jsonw_init(&w, 16);
	jsonw_array(&w);
	jsonw_string(&w, "veel te lange tekst");
	jsonw_array_end(&w);
	assert_null(jsonw_take(&w, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(same_bytes_as_jansson),
	        cmocka_unit_test(a_malformed_document_fails_whole),
	        cmocka_unit_test(the_ceiling_holds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
