/*
 * rapport.h — what zaakstroom holds about one person, told to that person:
 * the self-service overview (GET /api/v1/mijn-gegevens, "door inzicht
 * minder inzage") and the answer to a formal access request under AVG
 * art. 15 — purposes, categories of data, recipients, retention, sources,
 * automated decisions and a copy of the data — as JSON and as a printable
 * HTML document. Pure functions over the register (plain JSON as the
 * daemon's query builds it; shape in rapport.c), no I/O.
 */
#ifndef ZS_INZAGE_RAPPORT_H
#define ZS_INZAGE_RAPPORT_H

#include <jansson.h>
#include <stddef.h>

/* An HTML document larger than this is refused (NULL) rather than built. */
#define RAPPORT_HTML_MAX (8u * 1024 * 1024)

/* The overview in plain Dutch field names; says it is not a formal request. */
json_t *rapport_overzicht(const json_t *reg);

/* The art. 15(1) information as the Art15Overzicht record of InzageAfgehandeld. */
json_t *rapport_art15(const json_t *reg);

/* About the request the report answers. */
struct rapport_verzoek {
	const char *verzoek_id;
	const char *ontvangen_op;   /* YYYY-MM-DD */
	const char *uiterste_datum; /* YYYY-MM-DD */
	const char *opgesteld_op;   /* instant, RFC 3339 */
	const char *gemeente;       /* who answers, e.g. "Gemeente Den Haag" */
};

/* The complete answer: {verzoek, art15, toelichting, rechten, kopie}. */
json_t *rapport_document(const json_t *reg, const struct rapport_verzoek *v);

/* The same document as printable HTML (every value escaped); NULL when it
 * would exceed RAPPORT_HTML_MAX. The caller frees. */
char *rapport_html(const json_t *document);

/* "P10Y" → "10 jaar", "P1Y6M" → "1 jaar en 6 maanden"; the text itself when
 * it is not a duration. Writes at most n bytes. */
void rapport_duur_tekst(const char *iso, char *out, size_t n);

#endif
