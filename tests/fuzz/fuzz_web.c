/*
 * fuzz_web.c — libFuzzer target for what a caller of the page controls: the
 * request path looked up in the static table, the Accept-Encoding header, and
 * a URL from the settings turned into a CSP origin. Never a crash, never a
 * file outside the table, never an origin with a character that could break
 * out of the header.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/static.h"
#include "../../services/status/web.h"

static struct http_static *table;

static void
setup(void)
{
	char dir[] = "/tmp/zs-fuzz-web-XXXXXX", path[64], err[200];
	FILE *f;

	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/index.html", dir);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs("<!doctype html>", f);
	fclose(f);
	table = http_static_load(dir, NULL, err, sizeof(err));
	if (!table)
		abort();
	unlink(path);
	rmdir(dir);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), origin[256];
	const struct http_static_file *f;

	if (!table)
		setup();
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	f = http_static_find(table, s);
	if (f && strcmp(s, "/") != 0 && strcmp(s, "/index.html") != 0)
		abort(); /* only the one file is ever found */
	(void)http_accepts_gzip(s);
	if (web_origin(s, origin, sizeof(origin)))
		for (const char *c = origin; *c; c++)
			if (*c <= ' ' || *c == ';' || *c == ',' || *c == '\'' || *c == '"' ||
			    *c == 0x7f)
				abort();
	(void)web_issuer_development(s);
	free(s);
	return 0;
}
