/*
 * regels.c — the rules and templates of notificatie, loaded and checked.
 */
#include "regels.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const aanleiding_namen[AANL__COUNT] = {
        "zaak_ontvangen",     "status_gewijzigd",   "termijn_nadert",   "termijn_overschreden",
        "zaak_opgeschort",    "zaak_hervat",        "zaak_verlengd",    "besluit_genomen",
        "zaak_afgesloten",    "aanvraag_afgewezen", "inzage_ontvangen", "inzage_verlengd",
        "inzage_afgehandeld",
};

static const char *const veld_namen[VELD__COUNT] = {
        "identificatie", "zaaktype",      "status",    "statustekst",
        "stap",          "aantalStappen", "einddatum", "uiterlijkeEinddatum",
        "reden",         "redenen",       "resultaat", "bezwaarTot",
        "toelichting",
};

#define B(v) (1u << (v))

/* What the daemon fills per aanleiding: a template may use only these. */
static const unsigned beschikbaar[AANL__COUNT] = {
        [AANL_ZAAK_ONTVANGEN] = B(VELD_IDENTIFICATIE) | B(VELD_ZAAKTYPE) | B(VELD_STATUS) |
                                B(VELD_STATUSTEKST) | B(VELD_STAP) | B(VELD_AANTAL_STAPPEN) |
                                B(VELD_EINDDATUM) | B(VELD_UITERLIJKE_EINDDATUM),
        [AANL_STATUS_GEWIJZIGD] = B(VELD_IDENTIFICATIE) | B(VELD_ZAAKTYPE) | B(VELD_STATUS) |
                                  B(VELD_STATUSTEKST) | B(VELD_STAP) | B(VELD_AANTAL_STAPPEN) |
                                  B(VELD_EINDDATUM) | B(VELD_UITERLIJKE_EINDDATUM),
        [AANL_TERMIJN_NADERT] = B(VELD_IDENTIFICATIE) | B(VELD_ZAAKTYPE) | B(VELD_EINDDATUM) |
                                B(VELD_UITERLIJKE_EINDDATUM),
        [AANL_TERMIJN_OVERSCHREDEN] = B(VELD_IDENTIFICATIE) | B(VELD_ZAAKTYPE) | B(VELD_EINDDATUM) |
                                      B(VELD_UITERLIJKE_EINDDATUM),
        [AANL_ZAAK_OPGESCHORT] = B(VELD_IDENTIFICATIE) | B(VELD_ZAAKTYPE) | B(VELD_REDEN),
        [AANL_ZAAK_HERVAT] = B(VELD_IDENTIFICATIE) | B(VELD_ZAAKTYPE) | B(VELD_EINDDATUM) |
                             B(VELD_UITERLIJKE_EINDDATUM) | B(VELD_TOELICHTING),
        [AANL_ZAAK_VERLENGD] = B(VELD_IDENTIFICATIE) | B(VELD_ZAAKTYPE) | B(VELD_REDEN) |
                               B(VELD_EINDDATUM) | B(VELD_UITERLIJKE_EINDDATUM),
        [AANL_BESLUIT_GENOMEN] = B(VELD_IDENTIFICATIE) | B(VELD_ZAAKTYPE) | B(VELD_BEZWAAR_TOT) |
                                 B(VELD_TOELICHTING),
        [AANL_ZAAK_AFGESLOTEN] = B(VELD_IDENTIFICATIE) | B(VELD_ZAAKTYPE) | B(VELD_RESULTAAT),
        [AANL_AANVRAAG_AFGEWEZEN] = B(VELD_ZAAKTYPE) | B(VELD_REDENEN),
        /* An inzageverzoek: einddatum is its deadline, reden the extension's. */
        [AANL_INZAGE_ONTVANGEN] = B(VELD_EINDDATUM),
        [AANL_INZAGE_VERLENGD] = B(VELD_EINDDATUM) | B(VELD_REDEN),
        [AANL_INZAGE_AFGEHANDELD] = B(VELD_EINDDATUM),
};

/* What a message for the aanleiding is useless without. */
static const unsigned verplicht[AANL__COUNT] = {
        [AANL_ZAAK_ONTVANGEN] = B(VELD_IDENTIFICATIE) | B(VELD_EINDDATUM),
        [AANL_STATUS_GEWIJZIGD] = B(VELD_IDENTIFICATIE) | B(VELD_STATUSTEKST),
        [AANL_TERMIJN_NADERT] = B(VELD_IDENTIFICATIE) | B(VELD_EINDDATUM),
        [AANL_TERMIJN_OVERSCHREDEN] = B(VELD_IDENTIFICATIE) | B(VELD_UITERLIJKE_EINDDATUM),
        [AANL_ZAAK_OPGESCHORT] = B(VELD_IDENTIFICATIE) | B(VELD_REDEN),
        [AANL_ZAAK_HERVAT] = B(VELD_IDENTIFICATIE) | B(VELD_EINDDATUM),
        [AANL_ZAAK_VERLENGD] = B(VELD_IDENTIFICATIE) | B(VELD_REDEN) | B(VELD_UITERLIJKE_EINDDATUM),
        [AANL_BESLUIT_GENOMEN] = B(VELD_IDENTIFICATIE),
        [AANL_ZAAK_AFGESLOTEN] = B(VELD_IDENTIFICATIE),
        [AANL_AANVRAAG_AFGEWEZEN] = B(VELD_REDENEN),
        [AANL_INZAGE_ONTVANGEN] = B(VELD_EINDDATUM),
        [AANL_INZAGE_VERLENGD] = B(VELD_EINDDATUM) | B(VELD_REDEN),
        [AANL_INZAGE_AFGEHANDELD] = 0,
};

const char *
aanleiding_naam(enum aanleiding a)
{
	return (unsigned)a < AANL__COUNT ? aanleiding_namen[a] : "overig";
}

bool
aanleiding_van_naam(const char *naam, enum aanleiding *out)
{
	for (int i = 0; naam && i < AANL__COUNT; i++)
		if (strcmp(naam, aanleiding_namen[i]) == 0) {
			*out = (enum aanleiding)i;
			return true;
		}
	return false;
}

const char *
veld_naam(enum veld v)
{
	return (unsigned)v < VELD__COUNT ? veld_namen[v] : "?";
}

static int
veld_van_naam(const char *s, size_t len)
{
	for (int i = 0; i < VELD__COUNT; i++)
		if (strlen(veld_namen[i]) == len && memcmp(s, veld_namen[i], len) == 0)
			return i;
	return -1;
}

/*
 * Walks src's placeholders: each known one sets its bit in *gebruikt; the
 * first unknown or unclosed one is named in err.
 */
static bool
placeholders(const char *src, unsigned *gebruikt, char *err, size_t errlen)
{
	const char *p = src;

	while ((p = strstr(p, "{{")) != NULL) {
		const char *end = strstr(p + 2, "}}");
		int v;

		if (!end || end - p > 64) {
			snprintf(err, errlen, "unclosed placeholder \"%.20s\"", p);
			return false;
		}
		v = veld_van_naam(p + 2, (size_t)(end - p - 2));
		if (v < 0) {
			snprintf(err, errlen, "unknown placeholder \"%.*s\"", (int)(end - p - 2),
			         p + 2);
			return false;
		}
		*gebruikt |= B(v);
		p = end + 2;
	}
	return true;
}

static char *
dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* "Onderwerp: <line>\n\n<body>": the subject line first, then the body. */
static bool
sjabloon_parse(struct sjabloon *s, const char *naam, const char *tekst, char *err, size_t errlen)
{
	static const char kop[] = "Onderwerp: ";
	const char *nl, *body;

	memset(s, 0, sizeof(*s));
	snprintf(s->naam, sizeof(s->naam), "%s", naam);
	if (strlen(tekst) > SJABLOON_TEKST_MAX) {
		snprintf(err, errlen, "template %s: longer than %d bytes", naam,
		         SJABLOON_TEKST_MAX);
		return false;
	}
	nl = strchr(tekst, '\n');
	if (strncmp(tekst, kop, sizeof(kop) - 1) != 0 || !nl) {
		snprintf(err, errlen, "template %s: the first line must be \"Onderwerp: ...\"",
		         naam);
		return false;
	}
	body = nl + 1;
	while (*body == '\n')
		body++;
	s->onderwerp = dup_n(tekst + sizeof(kop) - 1, (size_t)(nl - tekst - (sizeof(kop) - 1)));
	s->tekst = strdup(body);
	if (!s->onderwerp || !s->tekst) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	/* Trailing newlines are the file's, not the message's. */
	for (size_t n = strlen(s->tekst); n > 0 && s->tekst[n - 1] == '\n'; n--)
		s->tekst[n - 1] = '\0';
	if (!*s->tekst) {
		snprintf(err, errlen, "template %s: empty body", naam);
		return false;
	}
	char why[160];
	if (!placeholders(s->onderwerp, &s->gebruikt, why, sizeof(why)) ||
	    !placeholders(s->tekst, &s->gebruikt, why, sizeof(why))) {
		snprintf(err, errlen, "template %s: %s", naam, why);
		return false;
	}
	return true;
}

static const struct sjabloon *
sjabloon_zoek(const struct regels *r, const char *naam)
{
	for (int i = 0; i < r->nsjablonen; i++)
		if (strcmp(r->sjablonen[i].naam, naam) == 0)
			return &r->sjablonen[i];
	return NULL;
}

/* Template names become file names: nothing that leaves the folder. */
static bool
naam_veilig(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= SJABLOON_NAAM_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '_'))
			return false;
	return true;
}

/* The placeholders a rule's template uses, against what its aanleiding has. */
static bool
regel_check(const struct regel *rg, char *err, size_t errlen)
{
	const struct sjabloon *s = rg->sjabloon;
	unsigned extra = s->gebruikt & ~beschikbaar[rg->aanleiding];
	unsigned mist = verplicht[rg->aanleiding] & ~s->gebruikt;

	for (int v = 0; v < VELD__COUNT; v++) {
		if (extra & B(v)) {
			snprintf(err, errlen,
			         "template %s: placeholder {{%s}} is not available for %s", s->naam,
			         veld_namen[v], aanleiding_namen[rg->aanleiding]);
			return false;
		}
		if (mist & B(v)) {
			snprintf(err, errlen,
			         "template %s: placeholder {{%s}} is missing (required for %s)",
			         s->naam, veld_namen[v], aanleiding_namen[rg->aanleiding]);
			return false;
		}
	}
	return true;
}

typedef char *(*lees_fn)(const char *naam, const void *arg, char *err, size_t errlen);

static bool
laad(struct regels *r, const char *regels_json, lees_fn lees, const void *arg, char *err,
     size_t errlen)
{
	json_error_t je;
	json_t *doc = json_loads(regels_json, JSON_REJECT_DUPLICATES, &je), *lijst, *item;
	size_t i;
	bool ok = false;

	memset(r, 0, sizeof(*r));
	if (!doc) {
		snprintf(err, errlen, "rules: invalid JSON at line %d: %s", je.line, je.text);
		return false;
	}
	lijst = json_object_get(doc, "regels");
	if (!json_is_array(lijst) || json_object_size(doc) != 1) {
		snprintf(err, errlen, "rules: expected {\"regels\": [...]} and nothing else");
		goto out;
	}
	json_array_foreach(lijst, i, item)
	{
		struct regel *rg;
		const char *k, *naam = NULL;
		json_t *v;

		if (r->n >= REGELS_MAX) {
			snprintf(err, errlen, "rules: more than %d rules", REGELS_MAX);
			goto out;
		}
		if (!json_is_object(item)) {
			snprintf(err, errlen, "rules: rule %zu is not an object", i + 1);
			goto out;
		}
		rg = &r->regels[r->n];
		rg->versturen = true;
		rg->aanleiding = AANL__COUNT;
		json_object_foreach(item, k, v)
		{
			if (strcmp(k, "aanleiding") == 0 && json_is_string(v) &&
			    aanleiding_van_naam(json_string_value(v), &rg->aanleiding))
				continue;
			if (strcmp(k, "zaaktype") == 0 && json_is_string(v) &&
			    json_string_length(v) > 0 &&
			    json_string_length(v) < sizeof(rg->zaaktype)) {
				snprintf(rg->zaaktype, sizeof(rg->zaaktype), "%s",
				         json_string_value(v));
				continue;
			}
			if (strcmp(k, "status") == 0 && json_is_integer(v) &&
			    json_integer_value(v) > 0 && json_integer_value(v) < 1000) {
				rg->status = (int)json_integer_value(v);
				continue;
			}
			if (strcmp(k, "sjabloon") == 0 && json_is_string(v)) {
				naam = json_string_value(v);
				if (naam_veilig(naam))
					continue;
			}
			if (strcmp(k, "versturen") == 0 && json_is_boolean(v)) {
				rg->versturen = json_is_true(v);
				continue;
			}
			if (strcmp(k, "actieVereist") == 0 && json_is_boolean(v)) {
				rg->actie_vereist = json_is_true(v);
				continue;
			}
			if (strcmp(k, "toelichting") == 0 && json_is_string(v))
				continue; /* for the people who read the file */
			snprintf(err, errlen, "rules: rule %zu: field \"%s\" unknown or invalid",
			         i + 1, k);
			goto out;
		}
		if (rg->aanleiding == AANL__COUNT) {
			snprintf(err, errlen, "rules: rule %zu: aanleiding missing", i + 1);
			goto out;
		}
		if (rg->status && rg->aanleiding != AANL_STATUS_GEWIJZIGD) {
			snprintf(err, errlen,
			         "rules: rule %zu: status only applies to status_gewijzigd", i + 1);
			goto out;
		}
		if (rg->versturen && !naam) {
			snprintf(err, errlen, "rules: rule %zu: sjabloon missing", i + 1);
			goto out;
		}
		if (naam) {
			rg->sjabloon = sjabloon_zoek(r, naam);
			if (!rg->sjabloon) {
				char *tekst;
				struct sjabloon *s;

				if (r->nsjablonen >= SJABLONEN_MAX) {
					snprintf(err, errlen, "rules: more than %d templates",
					         SJABLONEN_MAX);
					goto out;
				}
				tekst = lees(naam, arg, err, errlen);
				if (!tekst)
					goto out;
				s = &r->sjablonen[r->nsjablonen++];
				bool parsed = sjabloon_parse(s, naam, tekst, err, errlen);
				free(tekst);
				if (!parsed)
					goto out;
				rg->sjabloon = s;
			}
			if (!regel_check(rg, err, errlen))
				goto out;
		}
		r->n++;
	}
	ok = true;
out:
	json_decref(doc);
	if (!ok)
		regels_free(r);
	return ok;
}

static char *
lees_bestand(const char *pad, char *err, size_t errlen)
{
	FILE *f = fopen(pad, "rb");
	char *buf;
	size_t n;

	if (!f) {
		snprintf(err, errlen, "cannot open %s: %s", pad, strerror(errno));
		return NULL;
	}
	buf = malloc(SJABLOON_TEKST_MAX * 16 + 2);
	if (!buf) {
		fclose(f);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	n = fread(buf, 1, SJABLOON_TEKST_MAX * 16 + 1, f);
	fclose(f);
	if (n > SJABLOON_TEKST_MAX * 16) {
		free(buf);
		snprintf(err, errlen, "%s is too large", pad);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static char *
lees_uit_map(const char *naam, const void *arg, char *err, size_t errlen)
{
	char pad[1024];

	snprintf(pad, sizeof(pad), "%s/%s.txt", (const char *)arg, naam);
	char *t = lees_bestand(pad, err, errlen);
	if (!t) {
		char why[512];
		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "template %s: %s", naam, why);
	}
	return t;
}

static char *
lees_uit_json(const char *naam, const void *arg, char *err, size_t errlen)
{
	const char *t = json_string_value(json_object_get((const json_t *)arg, naam));

	if (!t) {
		snprintf(err, errlen, "template %s: not found", naam);
		return NULL;
	}
	return strdup(t);
}

bool
regels_laad(struct regels *r, const char *regels_pad, const char *sjablonen_dir, char *err,
            size_t errlen)
{
	char *tekst = lees_bestand(regels_pad, err, errlen);
	bool ok;

	memset(r, 0, sizeof(*r));
	if (!tekst)
		return false;
	ok = laad(r, tekst, lees_uit_map, sjablonen_dir, err, errlen);
	free(tekst);
	return ok;
}

bool
regels_laad_tekst(struct regels *r, const char *regels_json, const json_t *sjablonen, char *err,
                  size_t errlen)
{
	return laad(r, regels_json, lees_uit_json, sjablonen, err, errlen);
}

void
regels_free(struct regels *r)
{
	for (int i = 0; i < r->nsjablonen; i++) {
		free(r->sjablonen[i].onderwerp);
		free(r->sjablonen[i].tekst);
	}
	memset(r, 0, sizeof(*r));
}

const struct regel *
regels_kies(const struct regels *r, enum aanleiding a, const char *zaaktype, int status,
            bool informeren)
{
	const struct regel *best = NULL;
	int best_score = -1;

	for (int i = 0; i < r->n; i++) {
		const struct regel *rg = &r->regels[i];
		int score = 0;

		if (rg->aanleiding != a)
			continue;
		if (rg->zaaktype[0]) {
			if (!zaaktype || strcmp(rg->zaaktype, zaaktype) != 0)
				continue;
			score += 2;
		}
		if (rg->status) {
			if (rg->status != status)
				continue;
			score += 1;
		}
		if (score > best_score) {
			best = rg;
			best_score = score;
		}
	}
	if (!best || !best->versturen)
		return NULL;
	/* The catalogus decides for statuses no rule names. */
	if (a == AANL_STATUS_GEWIJZIGD && !best->status && !informeren)
		return NULL;
	return best;
}

bool
sjabloon_vul(const char *src, const struct waarden *w, char *out, size_t n)
{
	size_t o = 0;
	const char *p = src;

	if (n == 0)
		return false;
	while (*p) {
		if (p[0] == '{' && p[1] == '{') {
			const char *end = strstr(p + 2, "}}");
			int v = end ? veld_van_naam(p + 2, (size_t)(end - p - 2)) : -1;
			const char *val;
			size_t len;

			if (v < 0 || !(val = w->v[v])) {
				out[0] = '\0';
				return false;
			}
			len = strlen(val);
			if (o + len >= n)
				goto fail;
			memcpy(out + o, val, len);
			o += len;
			p = end + 2;
			continue;
		}
		if (o + 1 >= n)
			goto fail;
		out[o++] = *p++;
	}
	out[o] = '\0';
	return true;
fail:
	out[0] = '\0';
	return false;
}

bool
datum_nl(const char *iso, char *out, size_t n)
{
	static const char *const maanden[12] = {"januari",   "februari", "maart",    "april",
	                                        "mei",       "juni",     "juli",     "augustus",
	                                        "september", "oktober",  "november", "december"};
	int j, m, d;
	char rest;

	if (!iso || sscanf(iso, "%4d-%2d-%2d%c", &j, &m, &d, &rest) != 3 || strlen(iso) != 10 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	return snprintf(out, n, "%d %s %d", d, maanden[m - 1], j) < (int)n;
}
