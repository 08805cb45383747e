/*
 * reden.c — bounded lists of refusal reasons.
 */
#include "zgw/reden.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
redenen_init(struct redenen *r, const char *te_veel_code, const char *te_veel_tekst)
{
	r->n = 0;
	r->te_veel_code = te_veel_code;
	r->te_veel_tekst = te_veel_tekst;
}

void
redenen_voeg_toe(struct redenen *r, const char *code, const char *veld, const char *fmt, ...)
{
	struct reden *x;
	va_list ap;

	if (r->n > REDENEN_MAX)
		return;
	x = &r->r[r->n++];
	if (r->n > REDENEN_MAX) {
		snprintf(x->code, sizeof x->code, "aanvraag.te_veel_fouten");
		x->veld[0] = '\0';
		snprintf(x->tekst, sizeof x->tekst,
		         "Uw aanvraag bevat nog meer fouten dan hier genoemd. Verbeter eerst deze "
		         "en dien de aanvraag opnieuw in.");
		return;
	}
	snprintf(x->code, sizeof x->code, "%s", code);
	snprintf(x->veld, sizeof x->veld, "%s", veld ? veld : "");
	va_start(ap, fmt);
	vsnprintf(x->tekst, sizeof x->tekst, fmt, ap);
	va_end(ap);
}

bool
redenen_heeft(const struct redenen *r, const char *code, const char *veld)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->r[i].code, code) == 0 && (!veld || strcmp(r->r[i].veld, veld) == 0))
			return true;
	return false;
}

json_t *
redenen_json(const struct redenen *r)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < r->n; i++) {
		const struct reden *x = &r->r[i];

		json_array_append_new(arr,
		                      json_pack("{s:s, s:o, s:s}", "code", x->code, "veld",
		                                x->veld[0] ? json_string(x->veld) : json_null(),
		                                "tekst", x->tekst));
	}
	return arr;
}
