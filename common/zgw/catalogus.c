/*
 * catalogus.c — validating parser for ZaaktypeGepubliceerd (plain JSON),
 * statustype/eigenschap lookups and the in-memory version catalogus.
 */
#include "zgw/catalogus.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const vertrouwelijkheid_namen[VERTR__COUNT] = {
        "openbaar",      "beperkt_openbaar", "intern", "zaakvertrouwelijk",
        "vertrouwelijk", "confidentieel",    "geheim", "zeer_geheim",
};

static const char *const formaat_namen[] = {"tekst", "getal", "datum", "datum_tijd"};
static const char *const archief_namen[] = {"blijvend_bewaren", "vernietigen"};
static const char *const intern_extern_namen[] = {"intern", "extern"};

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

static int
name_index(const char *const *names, size_t n, const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
vertrouwelijkheid_name(enum vertrouwelijkheid v)
{
	return (unsigned)v < VERTR__COUNT ? vertrouwelijkheid_namen[v] : NULL;
}

bool
vertrouwelijkheid_from_name(const char *naam, enum vertrouwelijkheid *out)
{
	int i = name_index(vertrouwelijkheid_namen, VERTR__COUNT, naam);

	if (i < 0)
		return false;
	*out = (enum vertrouwelijkheid)i;
	return true;
}

const char *
eigenschapformaat_name(enum eigenschapformaat f)
{
	return (unsigned)f < N_ELEM(formaat_namen) ? formaat_namen[f] : NULL;
}

bool
eigenschapformaat_from_name(const char *naam, enum eigenschapformaat *out)
{
	int i = name_index(formaat_namen, N_ELEM(formaat_namen), naam);

	if (i < 0)
		return false;
	*out = (enum eigenschapformaat)i;
	return true;
}

const char *
archiefnominatie_name(enum archiefnominatie a)
{
	return (unsigned)a < N_ELEM(archief_namen) ? archief_namen[a] : NULL;
}

size_t
tekst_lengte(const char *s)
{
	size_t n = 0;

	/* Count every byte that does not continue a UTF-8 sequence. */
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static bool
is_hoofdletter_of_cijfer(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/*
 * [A-Z0-9][A-Z0-9_-]*, as the catalogus checker requires: the identificatie
 * is part of the Kafka key "<identificatie>/<beginGeldigheid>" and of file names.
 */
static bool
identificatie_geldig(const char *s)
{
	if (!is_hoofdletter_of_cijfer(*s))
		return false;
	for (s++; *s; s++)
		if (!is_hoofdletter_of_cijfer(*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

/* camelCase, [a-z][A-Za-z0-9]*: the key portals send and part of a reason's veld. */
static bool
eigenschapnaam_geldig(const char *s)
{
	if (!(*s >= 'a' && *s <= 'z'))
		return false;
	for (s++; *s; s++)
		if (!is_hoofdletter_of_cijfer(*s) && !(*s >= 'a' && *s <= 'z'))
			return false;
	return true;
}

/* Parsing: every helper names the field by its path ("statustypen[2].volgnummer"). */

struct pctx {
	char *err;
	size_t errlen;
	const char *prefix; /* "" at the top level, "statustypen[2]." inside an element */
};

__attribute__((format(printf, 3, 4))) static int
fail(struct pctx *c, const char *key, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c->err && c->errlen)
		snprintf(c->err, c->errlen, "%s%s: %s", c->prefix, key, msg);
	return -1;
}

static bool
heeft_stuurteken(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

enum { OPTIONEEL = 0, VERPLICHT = 1 };

/* A string of at most max characters; absent/null allowed when optional (*out = NULL). */
static int
get_string(struct pctx *c, json_t *obj, const char *key, int verplicht, size_t max,
           const char **out)
{
	json_t *v = json_object_get(obj, key);
	const char *s;

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (verplicht)
			return fail(c, key, "missing");
		return 0;
	}
	if (!json_is_string(v))
		return fail(c, key, "must be a string");
	s = json_string_value(v);
	if (json_string_length(v) != strlen(s))
		return fail(c, key, "contains a NUL character");
	if (tekst_lengte(s) > max)
		return fail(c, key, "longer than %zu characters", max);
	*out = s;
	return 0;
}

/* A required string that is not empty and has no control characters. */
static int
get_naam(struct pctx *c, json_t *obj, const char *key, size_t max, const char **out)
{
	if (get_string(c, obj, key, VERPLICHT, max, out) < 0)
		return -1;
	if (**out == '\0')
		return fail(c, key, "must not be empty");
	if (heeft_stuurteken(*out))
		return fail(c, key, "contains a control character");
	return 0;
}

static int
get_bool(struct pctx *c, json_t *obj, const char *key, bool *out)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return fail(c, key, "missing");
	if (!json_is_boolean(v))
		return fail(c, key, "must be true or false");
	*out = json_is_true(v);
	return 0;
}

static int
get_int(struct pctx *c, json_t *obj, const char *key, int min, int max, int *out)
{
	json_t *v = json_object_get(obj, key);
	json_int_t i;

	if (!v || json_is_null(v))
		return fail(c, key, "missing");
	if (!json_is_integer(v))
		return fail(c, key, "must be an integer");
	i = json_integer_value(v);
	if (i < min || i > max)
		return fail(c, key, "%lld is not between %d and %d", (long long)i, min, max);
	*out = (int)i;
	return 0;
}

/* Absent/null gives DATUM_ONGELDIG when optional. */
static int
get_datum(struct pctx *c, json_t *obj, const char *key, int verplicht, int32_t *out)
{
	const char *s;

	*out = DATUM_ONGELDIG;
	if (get_string(c, obj, key, verplicht, 10, &s) < 0)
		return -1;
	if (s && !datum_parse(s, out))
		return fail(c, key, "not a date (YYYY-MM-DD)");
	return 0;
}

/*
 * Only for comparing terms and bounding them, the same way the catalogus
 * checker (tests/tools/check_schemas.py) does: a month as 30 days.
 */
static long
dagen_bij_benadering(struct duur d)
{
	return d.jaren * 365L + d.maanden * 30L + d.weken * 7L + d.dagen;
}

#define ZT_MAX_TERMIJN_DAGEN (100 * 366L)

/* Every term in a zaaktype is above zero and at most a century. */
static int
get_termijn(struct pctx *c, json_t *obj, const char *key, int verplicht, struct termijn *out)
{
	memset(out, 0, sizeof *out);
	if (get_string(c, obj, key, verplicht, DUUR_MAX_TEKST, &out->tekst) < 0)
		return -1;
	if (!out->tekst)
		return 0;
	if (!duur_parse(out->tekst, &out->duur))
		return fail(c, key, "not an ISO-8601 duration in calendar units (PnYnMnWnD)");
	if (duur_is_nul(out->duur))
		return fail(c, key, "must not be zero");
	if (dagen_bij_benadering(out->duur) > ZT_MAX_TERMIJN_DAGEN)
		return fail(c, key, "longer than 100 years");
	return 0;
}

static int
get_enum(struct pctx *c, json_t *obj, const char *key, const char *const *namen, size_t n, int *out)
{
	const char *s;

	if (get_string(c, obj, key, VERPLICHT, ZT_MAX_KORT, &s) < 0)
		return -1;
	*out = name_index(namen, n, s);
	if (*out < 0)
		return fail(c, key, "unknown value");
	return 0;
}

static int
get_array(struct pctx *c, json_t *obj, const char *key, size_t max, json_t **out)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return fail(c, key, "missing");
	if (!json_is_array(v))
		return fail(c, key, "must be an array");
	if (json_array_size(v) > max)
		return fail(c, key, "more than %zu entries", max);
	*out = v;
	return 0;
}

static int
get_object(struct pctx *c, json_t *v, const char *key)
{
	if (!json_is_object(v))
		return fail(c, key, "must be an object");
	return 0;
}

/* Sets c->prefix to "<naam>[i]." for the fields of one array element. */
static void
element_prefix(char *buf, size_t n, const char *naam, size_t i)
{
	snprintf(buf, n, "%s[%zu].", naam, i);
}

static int
parse_statustype(struct pctx *c, json_t *o, struct statustype *st)
{
	if (get_int(c, o, "volgnummer", 1, STATUSTYPE_MAX_VOLGNUMMER, &st->volgnummer) < 0 ||
	    get_naam(c, o, "omschrijving", ZT_MAX_KORT, &st->omschrijving) < 0 ||
	    get_string(c, o, "statustekst", VERPLICHT, ZT_MAX_TEKST, &st->statustekst) < 0 ||
	    get_bool(c, o, "informeren", &st->informeren) < 0 ||
	    get_bool(c, o, "tonenAanInitiator", &st->tonen_aan_initiator) < 0 ||
	    get_termijn(c, o, "doorlooptijd", OPTIONEEL, &st->doorlooptijd) < 0)
		return -1;
	return 0;
}

static int
parse_resultaattype(struct pctx *c, json_t *o, struct resultaattype *rt)
{
	int a;

	if (get_naam(c, o, "omschrijving", ZT_MAX_KORT, &rt->omschrijving) < 0 ||
	    get_string(c, o, "omschrijvingGeneriek", OPTIONEEL, ZT_MAX_KORT,
	               &rt->omschrijving_generiek) < 0 ||
	    get_enum(c, o, "archiefnominatie", archief_namen, N_ELEM(archief_namen), &a) < 0 ||
	    get_termijn(c, o, "archiefactietermijn", VERPLICHT, &rt->archiefactietermijn) < 0 ||
	    get_string(c, o, "toelichting", OPTIONEEL, ZT_MAX_TEKST, &rt->toelichting) < 0)
		return -1;
	rt->archiefnominatie = (enum archiefnominatie)a;
	return 0;
}

static int
parse_besluittype(struct pctx *c, json_t *o, struct besluittype *bt)
{
	if (get_naam(c, o, "omschrijving", ZT_MAX_KORT, &bt->omschrijving) < 0 ||
	    get_termijn(c, o, "reactietermijn", OPTIONEEL, &bt->reactietermijn) < 0 ||
	    get_bool(c, o, "publicatieIndicatie", &bt->publicatie_indicatie) < 0)
		return -1;
	return 0;
}

/* The shortest value each formaat can have, so lengte cannot make it impossible. */
static int
formaat_minimale_lengte(enum eigenschapformaat f)
{
	switch (f) {
	case FORMAAT_DATUM:
		return 10; /* YYYY-MM-DD */
	case FORMAAT_DATUM_TIJD:
		return 20; /* YYYY-MM-DDTHH:MM:SSZ */
	default:
		return 1;
	}
}

static int
parse_eigenschap(struct pctx *c, json_t *o, struct eigenschap *e)
{
	json_t *waarden;
	const char *patroon;
	int f;

	if (get_naam(c, o, "naam", ZT_MAX_EIGENSCHAPNAAM, &e->naam) < 0 ||
	    get_naam(c, o, "definitie", ZT_MAX_TEKST, &e->definitie) < 0 ||
	    get_enum(c, o, "formaat", formaat_namen, N_ELEM(formaat_namen), &f) < 0 ||
	    get_int(c, o, "lengte", 1, ZT_MAX_EIGENSCHAP_LENGTE, &e->lengte) < 0 ||
	    get_bool(c, o, "verplicht", &e->verplicht) < 0 ||
	    get_array(c, o, "waardenverzameling", ZT_MAX_WAARDEN, &waarden) < 0 ||
	    get_string(c, o, "patroon", OPTIONEEL, ZT_MAX_PATROON, &patroon) < 0 ||
	    get_naam(c, o, "doel", ZT_MAX_TEKST, &e->doel) < 0 ||
	    get_naam(c, o, "grondslag", ZT_MAX_TEKST, &e->grondslag) < 0 ||
	    get_bool(c, o, "persoonsgegeven", &e->persoonsgegeven) < 0)
		return -1;
	if (!eigenschapnaam_geldig(e->naam))
		return fail(c, "naam", "must be camelCase: a-z first, then letters and digits");
	e->formaat = (enum eigenschapformaat)f;
	if (e->lengte < formaat_minimale_lengte(e->formaat))
		return fail(c, "lengte", "too short for formaat %s", formaat_namen[f]);

	if (patroon) {
		/* Anchored so that the whole value must match, not a part of it. */
		char anker[ZT_MAX_PATROON * 4 + 8];
		int rc;

		if (*patroon == '\0')
			return fail(c, "patroon", "must not be empty (use null)");
		snprintf(anker, sizeof anker, "^(%s)$", patroon);
		rc = regcomp(&e->regex, anker, REG_EXTENDED | REG_NOSUB);
		if (rc != 0) {
			char msg[96];

			regerror(rc, &e->regex, msg, sizeof msg);
			return fail(c, "patroon", "not a POSIX extended regular expression: %s",
			            msg);
		}
		e->patroon = patroon;
	}
	e->n_waarden = json_array_size(waarden);
	if (e->n_waarden) {
		e->waarden = calloc(e->n_waarden, sizeof *e->waarden);
		if (!e->waarden)
			return fail(c, "waardenverzameling", "out of memory");
	}
	for (size_t i = 0; i < e->n_waarden; i++) {
		json_t *w = json_array_get(waarden, i);
		const char *s = json_string_value(w);

		if (!s || *s == '\0' || json_string_length(w) != strlen(s))
			return fail(c, "waardenverzameling", "entry %zu must be a non-empty string",
			            i);
		if (tekst_lengte(s) > (size_t)e->lengte)
			return fail(c, "waardenverzameling", "entry %zu is longer than lengte", i);
		if (e->patroon && regexec(&e->regex, s, 0, NULL, 0) != 0)
			return fail(c, "waardenverzameling", "entry %zu does not match patroon", i);
		e->waarden[i] = s;
	}

	return 0;
}

static int
cmp_statustype(const void *a, const void *b)
{
	const struct statustype *x = a, *y = b;

	return (x->volgnummer > y->volgnummer) - (x->volgnummer < y->volgnummer);
}

/*
 * Parses the array naam into a calloc'ed array of elements of size sz, one
 * callback per element with the prefix set to "naam[i].".
 */
static int
parse_lijst(struct pctx *c, json_t *doc, const char *naam, size_t max, size_t sz, void **uit,
            size_t *n, int (*elem)(struct pctx *, json_t *, void *))
{
	char prefix[64];
	const char *oud = c->prefix;
	json_t *arr;
	char *lijst;

	*uit = NULL;
	*n = 0;
	if (get_array(c, doc, naam, max, &arr) < 0)
		return -1;
	if (json_array_size(arr) == 0)
		return 0;
	lijst = calloc(json_array_size(arr), sz);
	if (!lijst)
		return fail(c, naam, "out of memory");
	*uit = lijst;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *o = json_array_get(arr, i);
		int rc;

		element_prefix(prefix, sizeof prefix, naam, i);
		if (!json_is_object(o)) {
			c->prefix = "";
			snprintf(prefix, sizeof prefix, "%s[%zu]", naam, i);
			return fail(c, prefix, "must be an object");
		}
		c->prefix = prefix;
		/* Count first so that a failing element is freed with the others. */
		*n = i + 1;
		rc = elem(c, o, lijst + i * sz);
		c->prefix = oud;
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int
elem_statustype(struct pctx *c, json_t *o, void *p)
{
	return parse_statustype(c, o, p);
}

static int
elem_resultaattype(struct pctx *c, json_t *o, void *p)
{
	return parse_resultaattype(c, o, p);
}

static int
elem_eigenschap(struct pctx *c, json_t *o, void *p)
{
	return parse_eigenschap(c, o, p);
}

static int
elem_besluittype(struct pctx *c, json_t *o, void *p)
{
	return parse_besluittype(c, o, p);
}

static int
parse_verwerkingsactiviteit(struct pctx *c, json_t *doc, struct verwerkingsactiviteit *va)
{
	json_t *o = json_object_get(doc, "verwerkingsactiviteit");
	const char *oud = c->prefix;
	int rc;

	if (!o || json_is_null(o))
		return fail(c, "verwerkingsactiviteit", "missing");
	if (get_object(c, o, "verwerkingsactiviteit") < 0)
		return -1;
	c->prefix = "verwerkingsactiviteit.";
	rc = 0;
	if (get_naam(c, o, "id", ZT_MAX_TEKST, &va->id) < 0 ||
	    get_naam(c, o, "naam", ZT_MAX_TEKST, &va->naam) < 0 ||
	    get_naam(c, o, "doel", ZT_MAX_TEKST, &va->doel) < 0 ||
	    get_naam(c, o, "grondslag", ZT_MAX_TEKST, &va->grondslag) < 0 ||
	    get_naam(c, o, "bewaartermijn", ZT_MAX_TEKST, &va->bewaartermijn) < 0)
		rc = -1;
	else if (strncmp(va->id, "https://", 8) != 0 || strpbrk(va->id, " \t\r\n"))
		rc = fail(c, "id", "must be an https URI");
	c->prefix = oud;
	return rc;
}

/* Cross-field rules: unique keys, the order of dates, what verlenging needs. */
static int
controleer(struct pctx *c, struct zaaktype *zt)
{
	/* The first status is set at registration, the last closes the zaak: two at least. */
	if (zt->n_statustypen < 2)
		return fail(c, "statustypen",
		            "at least two are needed (a first and an eindstatus)");
	qsort(zt->statustypen, zt->n_statustypen, sizeof *zt->statustypen, cmp_statustype);
	for (size_t i = 1; i < zt->n_statustypen; i++)
		if (zt->statustypen[i].volgnummer == zt->statustypen[i - 1].volgnummer)
			return fail(c, "statustypen", "volgnummer %d occurs twice",
			            zt->statustypen[i].volgnummer);
	for (size_t i = 0; i < zt->n_statustypen; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(zt->statustypen[i].omschrijving,
			           zt->statustypen[j].omschrijving) == 0)
				return fail(c, "statustypen", "omschrijving \"%s\" occurs twice",
				            zt->statustypen[i].omschrijving);
	if (zt->tonen_aan_initiator && !zt->statustypen[zt->n_statustypen - 1].tonen_aan_initiator)
		return fail(c, "statustypen",
		            "the eindstatus of a zaaktype residents see must be shown to them");
	if (zt->n_resultaattypen == 0)
		return fail(c, "resultaattypen", "at least one is needed to close a zaak");
	for (size_t i = 0; i < zt->n_eigenschappen; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(zt->eigenschappen[i].naam, zt->eigenschappen[j].naam) == 0)
				return fail(c, "eigenschappen", "naam \"%s\" occurs twice",
				            zt->eigenschappen[i].naam);
	for (size_t i = 0; i < zt->n_resultaattypen; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(zt->resultaattypen[i].omschrijving,
			           zt->resultaattypen[j].omschrijving) == 0)
				return fail(c, "resultaattypen", "omschrijving \"%s\" occurs twice",
				            zt->resultaattypen[i].omschrijving);
	for (size_t i = 0; i < zt->n_besluittypen; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(zt->besluittypen[i].omschrijving,
			           zt->besluittypen[j].omschrijving) == 0)
				return fail(c, "besluittypen", "omschrijving \"%s\" occurs twice",
				            zt->besluittypen[i].omschrijving);
	if (zt->einde_geldigheid != DATUM_ONGELDIG && zt->einde_geldigheid < zt->begin_geldigheid)
		return fail(c, "eindeGeldigheid", "before beginGeldigheid");
	if (zt->verlenging_mogelijk != (zt->verlengingstermijn.tekst != NULL))
		return fail(c, "verlengingstermijn",
		            zt->verlenging_mogelijk ? "required when verlengingMogelijk is true"
		                                    : "set while verlengingMogelijk is false");
	if (zt->servicenorm.tekst && dagen_bij_benadering(zt->servicenorm.duur) >
	                                     dagen_bij_benadering(zt->doorlooptijd.duur))
		return fail(c, "servicenorm",
		            "longer than doorlooptijd (a promise beyond the legal term)");
	return 0;
}

static int
parse_zaaktype(struct pctx *c, json_t *doc, struct zaaktype *zt)
{
	int intern_extern, vertr;

	if (get_naam(c, doc, "identificatie", ZT_MAX_IDENTIFICATIE, &zt->identificatie) < 0)
		return -1;
	if (!identificatie_geldig(zt->identificatie))
		return fail(c, "identificatie",
		            "only A-Z, 0-9, '_' and '-' allowed, not first '_' or '-'");
	if (get_datum(c, doc, "versiedatum", VERPLICHT, &zt->versiedatum) < 0 ||
	    get_naam(c, doc, "omschrijving", ZT_MAX_KORT, &zt->omschrijving) < 0 ||
	    get_string(c, doc, "doel", VERPLICHT, ZT_MAX_TEKST, &zt->doel) < 0 ||
	    get_string(c, doc, "aanleiding", VERPLICHT, ZT_MAX_TEKST, &zt->aanleiding) < 0 ||
	    get_naam(c, doc, "onderwerp", ZT_MAX_KORT, &zt->onderwerp) < 0 ||
	    get_string(c, doc, "handelingInitiator", VERPLICHT, ZT_MAX_KORT,
	               &zt->handeling_initiator) < 0 ||
	    get_string(c, doc, "handelingBehandelaar", VERPLICHT, ZT_MAX_KORT,
	               &zt->handeling_behandelaar) < 0 ||
	    get_enum(c, doc, "indicatieInternOfExtern", intern_extern_namen,
	             N_ELEM(intern_extern_namen), &intern_extern) < 0 ||
	    get_enum(c, doc, "vertrouwelijkheidaanduiding", vertrouwelijkheid_namen, VERTR__COUNT,
	             &vertr) < 0 ||
	    get_termijn(c, doc, "doorlooptijd", VERPLICHT, &zt->doorlooptijd) < 0 ||
	    get_termijn(c, doc, "servicenorm", OPTIONEEL, &zt->servicenorm) < 0 ||
	    get_bool(c, doc, "opschortingEnAanhoudingMogelijk", &zt->opschorting_mogelijk) < 0 ||
	    get_bool(c, doc, "verlengingMogelijk", &zt->verlenging_mogelijk) < 0 ||
	    get_termijn(c, doc, "verlengingstermijn", OPTIONEEL, &zt->verlengingstermijn) < 0 ||
	    get_bool(c, doc, "heropenenMogelijk", &zt->heropenen_mogelijk) < 0 ||
	    get_bool(c, doc, "publicatieIndicatie", &zt->publicatie_indicatie) < 0 ||
	    get_bool(c, doc, "tonenAanInitiator", &zt->tonen_aan_initiator) < 0 ||
	    parse_verwerkingsactiviteit(c, doc, &zt->verwerkingsactiviteit) < 0 ||
	    get_datum(c, doc, "beginGeldigheid", VERPLICHT, &zt->begin_geldigheid) < 0 ||
	    get_datum(c, doc, "eindeGeldigheid", OPTIONEEL, &zt->einde_geldigheid) < 0 ||
	    get_naam(c, doc, "afdeling", ZT_MAX_KORT, &zt->afdeling) < 0)
		return -1;
	zt->intern = intern_extern == 0;
	zt->vertrouwelijkheidaanduiding = (enum vertrouwelijkheid)vertr;

	if (parse_lijst(c, doc, "statustypen", ZT_MAX_STATUSTYPEN, sizeof(struct statustype),
	                (void **)&zt->statustypen, &zt->n_statustypen, elem_statustype) < 0 ||
	    parse_lijst(c, doc, "resultaattypen", ZT_MAX_RESULTAATTYPEN,
	                sizeof(struct resultaattype), (void **)&zt->resultaattypen,
	                &zt->n_resultaattypen, elem_resultaattype) < 0 ||
	    parse_lijst(c, doc, "eigenschappen", ZT_MAX_EIGENSCHAPPEN, sizeof(struct eigenschap),
	                (void **)&zt->eigenschappen, &zt->n_eigenschappen, elem_eigenschap) < 0 ||
	    parse_lijst(c, doc, "besluittypen", ZT_MAX_BESLUITTYPEN, sizeof(struct besluittype),
	                (void **)&zt->besluittypen, &zt->n_besluittypen, elem_besluittype) < 0)
		return -1;
	return controleer(c, zt);
}

static void
zaaktype_vernietig(struct zaaktype *zt)
{
	for (size_t i = 0; i < zt->n_eigenschappen; i++) {
		free(zt->eigenschappen[i].waarden);
		if (zt->eigenschappen[i].patroon)
			regfree(&zt->eigenschappen[i].regex);
	}
	free(zt->statustypen);
	free(zt->resultaattypen);
	free(zt->eigenschappen);
	free(zt->besluittypen);
	json_decref(zt->doc);
	free(zt);
}

int
zaaktype_from_json(json_t *doc, struct zaaktype **out, char *err, size_t errlen)
{
	struct pctx c = {.err = err, .errlen = errlen, .prefix = ""};
	struct zaaktype *zt;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (!json_is_object(doc)) {
		if (err && errlen)
			snprintf(err, errlen, "zaaktype: must be a JSON object");
		return -1;
	}
	zt = calloc(1, sizeof *zt);
	if (!zt) {
		if (err && errlen)
			snprintf(err, errlen, "zaaktype: out of memory");
		return -1;
	}
	zt->doc = json_incref(doc);
	zt->refcount = 1;
	if (parse_zaaktype(&c, doc, zt) < 0) {
		zaaktype_vernietig(zt);
		return -1;
	}
	*out = zt;
	return 0;
}

struct zaaktype *
zaaktype_ref(struct zaaktype *zt)
{
	if (zt)
		zt->refcount++;
	return zt;
}

void
zaaktype_free(struct zaaktype *zt)
{
	if (zt && --zt->refcount == 0)
		zaaktype_vernietig(zt);
}

bool
zaaktype_geldig_op(const struct zaaktype *zt, int32_t datum)
{
	return datum != DATUM_ONGELDIG && zt->begin_geldigheid <= datum &&
	       (zt->einde_geldigheid == DATUM_ONGELDIG || datum <= zt->einde_geldigheid);
}

const struct statustype *
zaaktype_statustype(const struct zaaktype *zt, int volgnummer)
{
	int k = zaaktype_statustype_stap(zt, volgnummer);

	return k ? &zt->statustypen[k - 1] : NULL;
}

const struct statustype *
zaaktype_eerste_statustype(const struct zaaktype *zt)
{
	return zt->n_statustypen ? &zt->statustypen[0] : NULL;
}

const struct statustype *
zaaktype_eind_statustype(const struct zaaktype *zt)
{
	return zt->n_statustypen ? &zt->statustypen[zt->n_statustypen - 1] : NULL;
}

bool
zaaktype_is_eindstatus(const struct zaaktype *zt, int volgnummer)
{
	const struct statustype *eind = zaaktype_eind_statustype(zt);

	return eind && eind->volgnummer == volgnummer;
}

int
zaaktype_statustype_stap(const struct zaaktype *zt, int volgnummer)
{
	size_t lo = 0, hi = zt->n_statustypen;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (zt->statustypen[mid].volgnummer == volgnummer)
			return (int)mid + 1;
		if (zt->statustypen[mid].volgnummer < volgnummer)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

const struct resultaattype *
zaaktype_resultaattype(const struct zaaktype *zt, const char *omschrijving)
{
	for (size_t i = 0; omschrijving && i < zt->n_resultaattypen; i++)
		if (strcmp(zt->resultaattypen[i].omschrijving, omschrijving) == 0)
			return &zt->resultaattypen[i];
	return NULL;
}

const struct besluittype *
zaaktype_besluittype(const struct zaaktype *zt, const char *omschrijving)
{
	for (size_t i = 0; omschrijving && i < zt->n_besluittypen; i++)
		if (strcmp(zt->besluittypen[i].omschrijving, omschrijving) == 0)
			return &zt->besluittypen[i];
	return NULL;
}

const struct eigenschap *
zaaktype_eigenschap(const struct zaaktype *zt, const char *naam)
{
	for (size_t i = 0; naam && i < zt->n_eigenschappen; i++)
		if (strcmp(zt->eigenschappen[i].naam, naam) == 0)
			return &zt->eigenschappen[i];
	return NULL;
}

struct catalogus {
	struct zaaktype **versies;
	size_t n, cap;
};

struct catalogus *
catalogus_new(void)
{
	return calloc(1, sizeof(struct catalogus));
}

void
catalogus_free(struct catalogus *cat)
{
	if (!cat)
		return;
	for (size_t i = 0; i < cat->n; i++)
		zaaktype_free(cat->versies[i]);
	free(cat->versies);
	free(cat);
}

int
catalogus_put(struct catalogus *cat, struct zaaktype *zt)
{
	for (size_t i = 0; i < cat->n; i++) {
		struct zaaktype *oud = cat->versies[i];

		if (oud->begin_geldigheid == zt->begin_geldigheid &&
		    strcmp(oud->identificatie, zt->identificatie) == 0) {
			cat->versies[i] = zt;
			zaaktype_free(oud);
			return 0;
		}
	}
	if (cat->n == CATALOGUS_MAX)
		return -1;
	if (cat->n == cat->cap) {
		size_t cap = cat->cap ? cat->cap * 2 : 16;
		struct zaaktype **v = realloc(cat->versies, cap * sizeof *v);

		if (!v)
			return -1;
		cat->versies = v;
		cat->cap = cap;
	}
	cat->versies[cat->n++] = zt;
	return 0;
}

size_t
catalogus_aantal(const struct catalogus *cat)
{
	return cat->n;
}

const struct zaaktype *
catalogus_find(const struct catalogus *cat, const char *identificatie, int32_t datum)
{
	const struct zaaktype *beste = NULL;

	for (size_t i = 0; identificatie && i < cat->n; i++) {
		const struct zaaktype *zt = cat->versies[i];

		if (strcmp(zt->identificatie, identificatie) == 0 &&
		    zaaktype_geldig_op(zt, datum) &&
		    (!beste || zt->begin_geldigheid > beste->begin_geldigheid))
			beste = zt;
	}
	return beste;
}

const struct zaaktype *
catalogus_laatste(const struct catalogus *cat, const char *identificatie)
{
	const struct zaaktype *beste = NULL;

	for (size_t i = 0; identificatie && i < cat->n; i++) {
		const struct zaaktype *zt = cat->versies[i];

		if (strcmp(zt->identificatie, identificatie) == 0 &&
		    (!beste || zt->begin_geldigheid > beste->begin_geldigheid))
			beste = zt;
	}
	return beste;
}
