/*
 * jsonw.h — JSON written as it goes, into a strbuf: a large document (an
 * overview of ~170 KB) in one pass from plain values, where building a
 * jansson tree first and dumping it allocated and freed every value twice.
 * Compact, and escaped as jansson's json_dumps escapes (", \, control
 * characters; UTF-8 left as is), so that both give the same bytes. The
 * caller nests correctly; deeper than JSONW_DIEPTE, or past the buffer's
 * ceiling, makes the document fail as a whole (jsonw_take gives NULL).
 */
#ifndef ZS_JSONW_H
#define ZS_JSONW_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

#define JSONW_DIEPTE 16

struct jsonw {
	struct strbuf b;
	int diepte;
	bool verder[JSONW_DIEPTE]; /* a value written at this depth: the next needs a comma */
	bool na_sleutel;           /* a key was just written: its value needs no comma */
	bool fout;
};

void jsonw_init(struct jsonw *w, size_t max);
void jsonw_object(struct jsonw *w);
void jsonw_object_end(struct jsonw *w);
void jsonw_array(struct jsonw *w);
void jsonw_array_end(struct jsonw *w);
void jsonw_key(struct jsonw *w, const char *k);
/* A string; NULL writes null. */
void jsonw_string(struct jsonw *w, const char *s);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_int(struct jsonw *w, long long v);
void jsonw_null(struct jsonw *w);
/* A member whose value is a string or, for NULL, null. */
void jsonw_kv(struct jsonw *w, const char *k, const char *s);
/* The document (the caller frees); NULL when it failed. Resets w. */
char *jsonw_take(struct jsonw *w, size_t *len);
void jsonw_free(struct jsonw *w);

#endif
