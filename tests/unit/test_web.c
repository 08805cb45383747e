/*
 * test_web.c — the static file route serves exactly the files of its folder
 * (no dot files, no symlinks, no unknown extensions, no way around the table),
 * gzip is offered only when it is accepted, and the page's settings logic:
 * origins for the CSP, which issuers are development ones, and what the
 * development login accepts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "http/static.h"
#include "../../services/status/web.h"

static char root[256];

static void
put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int
maak_map(void **state)
{
	char path[512], big[4096];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/zs-test-web-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/css", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/.git", root);
	mkdir(path, 0700);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put("index.html", "<!doctype html><html lang=\"nl\"></html>");
	put("app.js", big);
	put("css/app.css", "body{}");
	put(".verborgen.js", "geheim");
	put(".git/config", "geheim");
	put("notities.md", "geheim");
	put("spatie naam.js", "geheim");
	snprintf(path, sizeof(path), "%s/link.js", root);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	return 0;
}

static int
ruim_op(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void
serves_exactly_the_files_of_its_folder(void **state)
{
	char err[300];
	struct http_static *s = http_static_load(root, "default-src 'none'", err, sizeof(err));
	const struct http_static_file *f;

	(void)state;
	assert_non_null(s);
	assert_int_equal(http_static_count(s), 3);
	f = http_static_find(s, "/");
	assert_non_null(f);
	assert_string_equal(f->path, "/index.html");
	assert_string_equal(f->ctype, "text/html; charset=utf-8");
	f = http_static_find(s, "/css/app.css");
	assert_non_null(f);
	assert_string_equal(f->ctype, "text/css; charset=utf-8");
	assert_string_equal(http_static_find(s, "/app.js")->ctype,
	                    "text/javascript; charset=utf-8");
	/* Everything else is simply not in the table. */
	static const char *const nee[] = {
	        "/.verborgen.js",  "/.git/config",
	        "/notities.md",    "/link.js",
	        "/spatie naam.js", "/spatie%20naam.js",
	        "/../index.html",  "/css/../index.html",
	        "/css/",           "/css",
	        "index.html",      "/index.html/",
	        "/INDEX.HTML",     "",
	};
	for (size_t i = 0; i < sizeof(nee) / sizeof(nee[0]); i++)
		assert_null(http_static_find(s, nee[i]));
	assert_null(http_static_find(s, NULL));
	http_static_free(s);
}

static void
gzips_once_and_the_bytes_come_back(void **state)
{
	char err[300], out[8192];
	struct http_static *s = http_static_load(root, NULL, err, sizeof(err));
	const struct http_static_file *f = http_static_find(s, "/app.js");
	uLongf n = sizeof(out);
	z_stream z = {0};

	(void)state;
	assert_true(f->gzlen > 0 && f->gzlen < f->len);
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = f->gz;
	z.avail_in = (uInt)f->gzlen;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)n;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, f->len);
	assert_memory_equal(out, f->body, f->len);
	inflateEnd(&z);
	/* Too small to gain anything: sent as it is. */
	assert_int_equal(http_static_find(s, "/css/app.css")->gzlen, 0);
	http_static_free(s);
}

static void
added_files_replace_and_etags_follow_content(void **state)
{
	char err[300], etag[24];
	struct http_static *s = http_static_load(root, NULL, err, sizeof(err));

	(void)state;
	assert_true(http_static_add(s, "/config.json", "application/json", "{}", 2));
	snprintf(etag, sizeof(etag), "%s", http_static_find(s, "/config.json")->etag);
	assert_true(http_static_add(s, "/config.json", "application/json", "{\"a\":1}", 7));
	assert_int_equal(http_static_count(s), 4);
	assert_string_not_equal(etag, http_static_find(s, "/config.json")->etag);
	assert_memory_equal(http_static_find(s, "/config.json")->body, "{\"a\":1}", 7);
	http_static_free(s);
}

static void
refuses_a_missing_folder(void **state)
{
	char err[300];

	(void)state;
	assert_null(http_static_load("/nonexistent/zaakstroom/web", NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "No such file"));
}

static void
gzip_only_when_accepted(void **state)
{
	(void)state;
	assert_true(http_accepts_gzip("gzip"));
	assert_true(http_accepts_gzip("gzip, deflate, br"));
	assert_true(http_accepts_gzip("deflate, GZIP;q=0.8"));
	assert_true(http_accepts_gzip("*"));
	assert_true(http_accepts_gzip("br;q=1.0, gzip ; q=0.5"));
	assert_true(http_accepts_gzip("gzip;q=0.01"));
	assert_false(http_accepts_gzip(NULL));
	assert_false(http_accepts_gzip(""));
	assert_false(http_accepts_gzip("identity"));
	assert_false(http_accepts_gzip("gzip;q=0"));
	assert_false(http_accepts_gzip("gzip;q=0.000, br"));
	assert_false(http_accepts_gzip("x-gzip2, gzipper"));
	assert_false(http_accepts_gzip(",,,;;;"));
}

static void
origins_for_the_csp(void **state)
{
	char o[64];

	(void)state;
	assert_true(web_origin("https://digid.example.nl/oidc/token", o, sizeof(o)));
	assert_string_equal(o, "https://digid.example.nl");
	assert_true(web_origin("http://127.0.0.1:8443/token?x=1", o, sizeof(o)));
	assert_string_equal(o, "http://127.0.0.1:8443");
	assert_false(web_origin("javascript:alert(1)", o, sizeof(o)));
	assert_false(web_origin("https://", o, sizeof(o)));
	assert_false(web_origin("https://a.nl; script-src *", o, sizeof(o)));
	assert_false(web_origin("https://a.nl/x'y", o, sizeof(o)));
	assert_false(web_origin("https://a.nl/\r\nX-Evil: 1", o, sizeof(o)));
	assert_false(
	        web_origin("https://a-very-long-host-name-that-does-not-fit.example.nl/", o, 16));
}

static void
only_test_issuers_are_development_ones(void **state)
{
	(void)state;
	assert_true(web_issuer_development("https://digid-broker.zaakstroom.test"));
	assert_true(web_issuer_development("https://idp.zaakstroom.test:8443/realm"));
	assert_true(web_issuer_development("zaakstroom-dev-clients"));
	assert_false(web_issuer_development("https://digid.nl"));
	assert_false(web_issuer_development("https://zaakstroom.test.example.nl"));
	assert_false(web_issuer_development("http://broker.zaakstroom.test"));
	assert_false(web_issuer_development("https://.test"));
	assert_false(web_issuer_development("http://127.0.0.1:9000"));
}

static void
csp_names_only_its_own_origin_and_the_token_endpoint(void **state)
{
	char csp[512];

	(void)state;
	web_csp("", csp, sizeof(csp));
	assert_non_null(strstr(csp, "default-src 'none'"));
	assert_non_null(strstr(csp, "connect-src 'self';"));
	assert_null(strstr(csp, "unsafe"));
	web_csp("https://digid.example.nl", csp, sizeof(csp));
	assert_non_null(strstr(csp, "connect-src 'self' https://digid.example.nl;"));
}

static void
development_login_takes_real_claims_only(void **state)
{
	struct principal p;
	json_t *body, *fouten;

	(void)state;
	body = json_pack("{s:s, s:{s:s, s:s, s:[{s:s}]}}", "soort", "inwoner", "claims", "bsn",
	                 "999991772", "loa", "midden", "machtigingen", "bsn", "999990019");
	assert_null(web_dev_principal(body, &p));
	assert_int_equal(p.kind, PRINCIPAL_INWONER);
	assert_int_equal(p.n_machtigingen, 1);
	json_decref(body);

	body = json_pack("{s:s, s:{s:s, s:[s], s:s}}", "soort", "medewerker", "claims",
	                 "medewerker_id", "k.klant", "roles", "kcc-medewerker", "bsn", "999990020");
	assert_null(web_dev_principal(body, &p));
	assert_true(p.rollen & ROL_BIT(ROL_KCC_MEDEWERKER));
	json_decref(body);

	/* A BSN failing the elfproef, a service client, nonsense: refused, named. */
	body = json_pack("{s:s, s:{s:s}}", "soort", "inwoner", "claims", "bsn", "123456789");
	fouten = web_dev_principal(body, &p);
	assert_string_equal(json_string_value(json_object_get(json_array_get(fouten, 0), "name")),
	                    "claims");
	json_decref(fouten);
	json_decref(body);
	body = json_pack("{s:s, s:{s:s}}", "soort", "applicatie", "claims", "client_id", "gzac");
	fouten = web_dev_principal(body, &p);
	assert_string_equal(json_string_value(json_object_get(json_array_get(fouten, 0), "name")),
	                    "soort");
	json_decref(fouten);
	json_decref(body);
	body = json_pack("[]");
	fouten = web_dev_principal(body, &p);
	assert_non_null(fouten);
	json_decref(fouten);
	json_decref(body);
}

static void
cors_only_for_the_exact_origins_listed(void **state)
{
	const char *lijst = "http://127.0.0.1:8082 https://mijn.denhaag.nl";

	(void)state;
	assert_true(http_cors_allowed(lijst, "http://127.0.0.1:8082"));
	assert_true(http_cors_allowed(lijst, "https://mijn.denhaag.nl"));
	assert_false(http_cors_allowed(lijst, "http://127.0.0.1:808"));
	assert_false(http_cors_allowed(lijst, "http://127.0.0.1:80822"));
	assert_false(http_cors_allowed(lijst, "https://mijn.denhaag.nl.evil.example"));
	assert_false(http_cors_allowed(lijst, "null"));
	assert_false(http_cors_allowed(lijst, ""));
	assert_false(http_cors_allowed(lijst, NULL));
	assert_false(http_cors_allowed("", "http://127.0.0.1:8082"));
	assert_false(http_cors_allowed(NULL, "http://127.0.0.1:8082"));
	assert_false(http_cors_allowed("null", "null"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(serves_exactly_the_files_of_its_folder),
	        cmocka_unit_test(gzips_once_and_the_bytes_come_back),
	        cmocka_unit_test(added_files_replace_and_etags_follow_content),
	        cmocka_unit_test(refuses_a_missing_folder),
	        cmocka_unit_test(gzip_only_when_accepted),
	        cmocka_unit_test(origins_for_the_csp),
	        cmocka_unit_test(only_test_issuers_are_development_ones),
	        cmocka_unit_test(csp_names_only_its_own_origin_and_the_token_endpoint),
	        cmocka_unit_test(development_login_takes_real_claims_only),
	        cmocka_unit_test(cors_only_for_the_exact_origins_listed),
	};
	return cmocka_run_group_tests(tests, maak_map, ruim_op);
}
