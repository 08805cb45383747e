/*
 * jsonw.c — JSON written as it goes (see jsonw.h).
 */
#include "core/jsonw.h"

#include <stdio.h>
#include <string.h>

void
jsonw_init(struct jsonw *w, size_t max)
{
	memset(w, 0, sizeof(*w));
	strbuf_init(&w->b, max);
}

/* Before any value: the comma that separates it from the one before. */
static void
waarde(struct jsonw *w)
{
	if (w->na_sleutel)
		w->na_sleutel = false;
	else if (w->verder[w->diepte])
		strbuf_add(&w->b, ",", 1);
	w->verder[w->diepte] = true;
}

static void
begin(struct jsonw *w, char c)
{
	waarde(w);
	strbuf_add(&w->b, &c, 1);
	if (++w->diepte >= JSONW_DIEPTE) {
		w->fout = true;
		w->diepte = JSONW_DIEPTE - 1;
	}
	w->verder[w->diepte] = false;
}

static void
eind(struct jsonw *w, char c)
{
	strbuf_add(&w->b, &c, 1);
	if (w->diepte == 0)
		w->fout = true;
	else
		w->diepte--;
}

void
jsonw_object(struct jsonw *w)
{
	begin(w, '{');
}

void
jsonw_object_end(struct jsonw *w)
{
	eind(w, '}');
}

void
jsonw_array(struct jsonw *w)
{
	begin(w, '[');
}

void
jsonw_array_end(struct jsonw *w)
{
	eind(w, ']');
}

/* s between quotes; runs without escapes are copied at once. */
static void
tekst(struct jsonw *w, const char *s)
{
	const char *p = s, *run = s;

	strbuf_add(&w->b, "\"", 1);
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;
		char esc[8];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		strbuf_add(&w->b, run, (size_t)(p - run));
		run = p + 1;
		switch (c) {
		case '"':
			strbuf_add(&w->b, "\\\"", 2);
			break;
		case '\\':
			strbuf_add(&w->b, "\\\\", 2);
			break;
		case '\b':
			strbuf_add(&w->b, "\\b", 2);
			break;
		case '\f':
			strbuf_add(&w->b, "\\f", 2);
			break;
		case '\n':
			strbuf_add(&w->b, "\\n", 2);
			break;
		case '\r':
			strbuf_add(&w->b, "\\r", 2);
			break;
		case '\t':
			strbuf_add(&w->b, "\\t", 2);
			break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04X", c);
			strbuf_add(&w->b, esc, 6);
		}
	}
	strbuf_add(&w->b, run, (size_t)(p - run));
	strbuf_add(&w->b, "\"", 1);
}

void
jsonw_key(struct jsonw *w, const char *k)
{
	waarde(w);
	tekst(w, k);
	strbuf_add(&w->b, ":", 1);
	w->na_sleutel = true;
}

void
jsonw_string(struct jsonw *w, const char *s)
{
	if (!s) {
		jsonw_null(w);
		return;
	}
	waarde(w);
	tekst(w, s);
}

void
jsonw_bool(struct jsonw *w, bool v)
{
	waarde(w);
	strbuf_adds(&w->b, v ? "true" : "false");
}

void
jsonw_int(struct jsonw *w, long long v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%lld", v);

	waarde(w);
	strbuf_add(&w->b, buf, (size_t)n);
}

void
jsonw_null(struct jsonw *w)
{
	waarde(w);
	strbuf_add(&w->b, "null", 4);
}

void
jsonw_kv(struct jsonw *w, const char *k, const char *s)
{
	jsonw_key(w, k);
	jsonw_string(w, s);
}

char *
jsonw_take(struct jsonw *w, size_t *len)
{
	char *t;

	if (w->fout || w->diepte != 0)
		w->b.vol = true;
	t = strbuf_take(&w->b, len);
	jsonw_init(w, w->b.max);
	return t;
}

void
jsonw_free(struct jsonw *w)
{
	strbuf_free(&w->b);
	jsonw_init(w, w->b.max);
}
