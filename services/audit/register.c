/*
 * register.c — the verwerkingsregister and its findings (see register.h).
 */
#include "register.h"

#include <stdio.h>
#include <string.h>

static const char *
str(const json_t *o, const char *f)
{
	return json_string_value(json_object_get(o, f));
}

json_t *
register_van_zaaktype(const json_t *zt)
{
	const json_t *va = json_object_get(zt, "verwerkingsactiviteit"), *eig;
	json_t *cat, *e;
	size_t i;

	if (!str(va, "id"))
		return NULL;
	cat = json_array();
	json_array_foreach(json_object_get(zt, "eigenschappen"), i, eig)
	{
		if (json_is_true(json_object_get(eig, "persoonsgegeven")) && str(eig, "naam"))
			json_array_append_new(cat, json_string(str(eig, "naam")));
	}
	e = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:o, s:[], s:s, s:s?, s:O?}", "id",
	              str(va, "id"), "naam", str(va, "naam"), "doel", str(va, "doel"), "grondslag",
	              str(va, "grondslag"), "bewaartermijn", str(va, "bewaartermijn"),
	              "categorieen", cat, "ontvangers", "bron", "catalogus", "zaaktype",
	              str(zt, "identificatie"), "beginGeldigheid",
	              json_object_get(zt, "beginGeldigheid"));
	return e;
}

static bool
leeg(const char *s)
{
	if (!s)
		return true;
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0';
}

static bool
bevat(const json_t *lijst, const char *waarde)
{
	size_t i;
	json_t *v;

	json_array_foreach(lijst, i, v)
	{
		if (json_is_string(v) && !strcmp(json_string_value(v), waarde))
			return true;
	}
	return false;
}

static void
bevinding(json_t *out, const char *code, const char *activiteit, const char *tekst,
          const char *veld, json_t *waarde)
{
	json_t *b = json_pack("{s:s, s:s, s:s}", "code", code, "activiteit", activiteit, "tekst",
	                      tekst);

	if (veld && waarde)
		json_object_set_new(b, veld, waarde);
	else
		json_decref(waarde);
	json_array_append_new(out, b);
}

/* The entry with this id (the newest catalogus version has the same id
 * only when nothing relevant changed: any of them will do). */
static const json_t *
entry(const json_t *entries, const char *id)
{
	size_t i;
	json_t *e;

	json_array_foreach(entries, i, e) if (str(e, "id") && !strcmp(str(e, "id"), id)) return e;
	return NULL;
}

/* What the stream showed in list veld that entry r does not name. */
static void
niet_genoemd(json_t *out, const json_t *r, const char *id, const json_t *g, const char *veld,
             const char *code, const char *fmt)
{
	char tekst[512];
	size_t j;
	json_t *v;

	json_array_foreach(json_object_get(g, veld), j, v)
	{
		if (bevat(json_object_get(r, veld), json_string_value(v)))
			continue;
		snprintf(tekst, sizeof(tekst), fmt, str(r, "naam") ? str(r, "naam") : id,
		         json_string_value(v));
		bevinding(out, code, id, tekst, "waarde", json_incref(v));
	}
}

json_t *
register_bevindingen(const json_t *entries, const json_t *gezien)
{
	json_t *out = json_array(), *e, *g;
	const char *id;
	size_t i;
	char tekst[512];

	json_array_foreach(entries, i, e)
	{
		if (!str(e, "id") || entry(entries, str(e, "id")) != e)
			continue; /* one finding per activity, not per zaaktype version */
		if (leeg(str(e, "grondslag"))) {
			snprintf(
			        tekst, sizeof(tekst),
			        "De verwerkingsactiviteit \"%s\" noemt geen grondslag (AVG art. 6).",
			        str(e, "naam") ? str(e, "naam") : str(e, "id"));
			bevinding(out, "register.grondslag_ontbreekt", str(e, "id"), tekst, NULL,
			          NULL);
		}
		if (leeg(str(e, "bewaartermijn"))) {
			snprintf(tekst, sizeof(tekst),
			         "De verwerkingsactiviteit \"%s\" noemt geen bewaartermijn.",
			         str(e, "naam") ? str(e, "naam") : str(e, "id"));
			bevinding(out, "register.bewaartermijn_ontbreekt", str(e, "id"), tekst,
			          NULL, NULL);
		}
	}
	json_object_foreach((json_t *)gezien, id, g)
	{
		const json_t *r = entry(entries, id);
		if (!r) {
			snprintf(tekst, sizeof(tekst),
			         "Er zijn persoonsgegevens verwerkt onder \"%s\", maar die "
			         "verwerkingsactiviteit staat niet in het register.",
			         id);
			bevinding(out, "verwerking.niet_in_register", id, tekst, "aantal",
			          json_integer(
			                  json_integer_value(json_object_get(g, "verwerkingen"))));
			continue;
		}
		niet_genoemd(out, r, id, g, "categorieen", "register.categorie_niet_genoemd",
		             "Onder \"%s\" is het gegeven \"%s\" verwerkt, dat de "
		             "verwerkingsactiviteit niet als categorie persoonsgegevens noemt.");
		niet_genoemd(
		        out, r, id, g, "ontvangers", "register.ontvanger_niet_genoemd",
		        "Onder \"%s\" zijn gegevens verstrekt via \"%s\", een ontvanger die de "
		        "verwerkingsactiviteit niet noemt.");
	}
	return out;
}
