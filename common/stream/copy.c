/*
 * copy.c — COPY text format: fields separated by a tab, rows ended by a
 * newline, \N for NULL, a backslash escaping itself and the separators;
 * bytea as \\x and hex (the backslash of PostgreSQL's hex form escaped).
 */
#include "stream/copy.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for n more bytes. */
static bool
reserve(struct copy_rows *r, size_t n)
{
	size_t cap;
	char *bigger;

	if (r->failed)
		return false;
	if (r->len + n <= r->cap)
		return true;
	for (cap = r->cap ? r->cap : 16384; cap < r->len + n; cap *= 2)
		;
	bigger = realloc(r->data, cap);
	if (!bigger) {
		r->failed = true;
		return false;
	}
	r->data = bigger;
	r->cap = cap;
	return true;
}

/* The separator before a field, and room for n bytes of it. */
static bool
field(struct copy_rows *r, size_t n)
{
	if (!reserve(r, n + 1))
		return false;
	if (r->in_row)
		r->data[r->len++] = '\t';
	r->in_row = true;
	return true;
}

void
copy_text(struct copy_rows *r, const char *s)
{
	size_t n;

	if (!s) {
		if (field(r, 2)) {
			memcpy(r->data + r->len, "\\N", 2);
			r->len += 2;
		}
		return;
	}
	n = strlen(s);
	if (!field(r, 2 * n))
		return;
	for (; *s; s++) {
		char c = *s, e = c == '\\'   ? '\\'
		                 : c == '\t' ? 't'
		                 : c == '\n' ? 'n'
		                 : c == '\r' ? 'r'
		                             : 0;
		if (e) {
			r->data[r->len++] = '\\';
			c = e;
		}
		r->data[r->len++] = c;
	}
}

void
copy_bytea(struct copy_rows *r, const void *bytes, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *b = bytes;

	if (!field(r, 3 + 2 * len))
		return;
	memcpy(r->data + r->len, "\\\\x", 3);
	r->len += 3;
	for (size_t i = 0; i < len; i++) {
		r->data[r->len++] = hex[b[i] >> 4];
		r->data[r->len++] = hex[b[i] & 15];
	}
}

void
copy_int(struct copy_rows *r, int64_t v)
{
	if (field(r, 21))
		r->len += (size_t)snprintf(r->data + r->len, 21, "%" PRId64, v);
}

void
copy_end_row(struct copy_rows *r)
{
	if (!reserve(r, 1))
		return;
	r->data[r->len++] = '\n';
	r->in_row = false;
	r->n++;
}

void
copy_reset(struct copy_rows *r)
{
	r->len = 0;
	r->n = 0;
	r->in_row = false;
	r->failed = false;
}

void
copy_free(struct copy_rows *r)
{
	free(r->data);
	*r = (struct copy_rows){0};
}
