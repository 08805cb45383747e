/*
 * strbuf.h — a growing text buffer with a ceiling: documents written piece
 * by piece (JSON, HTML) without knowing their size first, and refused
 * rather than grown without bound. Past the ceiling, or when memory runs
 * out, every append is ignored and strbuf_take gives NULL: a document is
 * whole or not given at all.
 */
#ifndef ZS_STRBUF_H
#define ZS_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len, cap, max;
	bool vol; /* the ceiling was reached, or memory ran out */
};

/* Empty, holding at most max bytes (the terminating NUL included). */
void strbuf_init(struct strbuf *b, size_t max);
void strbuf_add(struct strbuf *b, const char *s, size_t n);
void strbuf_adds(struct strbuf *b, const char *s);
/* The text, NUL-terminated, now the caller's (free); NULL when vol. The
 * buffer is empty again afterwards. */
char *strbuf_take(struct strbuf *b, size_t *len);
void strbuf_free(struct strbuf *b);

#endif
