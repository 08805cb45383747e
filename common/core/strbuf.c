/*
 * strbuf.c — a growing text buffer with a ceiling (see strbuf.h).
 */
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

void
strbuf_init(struct strbuf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void
strbuf_add(struct strbuf *b, const char *s, size_t n)
{
	if (b->vol)
		return;
	if (n >= b->max - b->len) {
		b->vol = true;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 8192;
		char *nb;

		while (cap < b->len + n + 1)
			cap *= 2;
		nb = realloc(b->buf, cap);
		if (!nb) {
			b->vol = true;
			return;
		}
		b->buf = nb;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void
strbuf_adds(struct strbuf *b, const char *s)
{
	strbuf_add(b, s, strlen(s));
}

char *
strbuf_take(struct strbuf *b, size_t *len)
{
	char *t = b->vol ? NULL : b->buf;

	if (!b->vol && !t) /* nothing was added */
		t = calloc(1, 1);
	if (len)
		*len = t ? b->len : 0;
	if (!t)
		free(b->buf);
	strbuf_init(b, b->max);
	return t;
}

void
strbuf_free(struct strbuf *b)
{
	free(b->buf);
	strbuf_init(b, b->max);
}
