/*
 * aanvraag.c — reading an AanvraagIngediend, the rules that accept or refuse
 * it, the deadlines of the zaak and the JSON of the events intake emits.
 */
#include "aanvraag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zgw/identificatie.h"
#include "core/log.h"
#include "core/mask.h"

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Texts for faults the resident did not make and cannot fix in the form. */
#define TEKST_FORMULIERFOUT                                                                        \
	"Dit komt door een fout in het formulier, niet door u. Probeer het later opnieuw of bel "  \
	"14070."

static const char *const kanaal_namen[] = {"web",  "balie", "telefoon_14070",
                                           "post", "email", "overig"};
static const char *const betrokkene_namen[] = {"natuurlijk_persoon", "niet_natuurlijk_persoon",
                                               "vestiging", "medewerker"};
static const char *const middel_namen[] = {"digid", "eherkenning", "eidas", "machtiging", "geen"};
static const char *const niveau_namen[] = {"basis", "midden", "substantieel", "hoog"};

static int
name_index(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
kanaal_name(enum kanaal k)
{
	return (unsigned)k < N_ELEM(kanaal_namen) ? kanaal_namen[k] : NULL;
}

const char *
betrokkene_type_name(enum betrokkene_type t)
{
	return (unsigned)t < N_ELEM(betrokkene_namen) ? betrokkene_namen[t] : NULL;
}

const char *
authenticatiemiddel_name(enum authenticatiemiddel m)
{
	return (unsigned)m < N_ELEM(middel_namen) ? middel_namen[m] : NULL;
}

/* The reasons an aanvraag could not be read, allocated on the first one;
 * NULL (and a->oom) when that allocation fails. */
static struct redenen *
fouten(struct aanvraag *a)
{
	if (!a->fouten) {
		a->fouten = malloc(sizeof(*a->fouten));
		if (!a->fouten) {
			a->oom = true;
			return NULL;
		}
		aanvraag_redenen_init(a->fouten);
	}
	return a->fouten;
}

/* Reading. A fault is recorded against its path and reading goes on. */

static void
fout_ontbreekt(struct aanvraag *a, const char *veld)
{
	if (fouten(a))
		redenen_voeg_toe(a->fouten, "aanvraag.veld_ontbreekt", veld,
		                 "Er ontbreekt een gegeven in uw aanvraag. " TEKST_FORMULIERFOUT);
}

static void
fout_ongeldig(struct aanvraag *a, const char *veld)
{
	if (fouten(a))
		redenen_voeg_toe(
		        a->fouten, "aanvraag.veld_ongeldig", veld,
		        "Een gegeven in uw aanvraag kon niet worden gelezen. " TEKST_FORMULIERFOUT);
}

static void
pad(char *buf, size_t n, const char *prefix, const char *key)
{
	snprintf(buf, n, "%s%s%s", prefix ? prefix : "", prefix ? "." : "", key);
}

/* obj[key], its path in veld; NULL when absent or null (a fault when verplicht). */
static json_t *
read_value(struct aanvraag *a, json_t *obj, const char *prefix, const char *key, bool verplicht,
           char veld[REDEN_VELD])
{
	json_t *v = json_object_get(obj, key);

	pad(veld, REDEN_VELD, prefix, key);
	if (!v || json_is_null(v)) {
		if (verplicht)
			fout_ontbreekt(a, veld);
		return NULL;
	}
	return v;
}

/* obj[key] as a string of at most max bytes without NUL; NULL when absent or faulty. */
static const char *
read_string(struct aanvraag *a, json_t *obj, const char *prefix, const char *key, bool verplicht,
            size_t max)
{
	char veld[REDEN_VELD];
	json_t *v = read_value(a, obj, prefix, key, verplicht, veld);

	if (v && (!json_is_string(v) || json_string_length(v) > max ||
	          json_string_length(v) != strlen(json_string_value(v)))) {
		fout_ongeldig(a, veld);
		return NULL;
	}
	return v ? json_string_value(v) : NULL;
}

/* obj[key] as an object; NULL when absent or faulty. */
static json_t *
read_object(struct aanvraag *a, json_t *obj, const char *prefix, const char *key, bool verplicht)
{
	char veld[REDEN_VELD];
	json_t *v = read_value(a, obj, prefix, key, verplicht, veld);

	if (v && !json_is_object(v)) {
		fout_ongeldig(a, veld);
		return NULL;
	}
	return v;
}

/* obj[key] as a boolean; false when absent (a fault when not a boolean). */
static bool
read_flag(struct aanvraag *a, json_t *obj, const char *prefix, const char *key)
{
	char veld[REDEN_VELD];
	json_t *v = read_value(a, obj, prefix, key, false, veld);

	if (v && !json_is_boolean(v))
		fout_ongeldig(a, veld);
	return v && json_is_true(v);
}

static int
read_enum(struct aanvraag *a, json_t *obj, const char *prefix, const char *key,
          const char *const *namen, size_t n)
{
	const char *s = read_string(a, obj, prefix, key, true, 64);
	char veld[REDEN_VELD];
	int i;

	if (!s)
		return -1;
	i = name_index(namen, n, s);
	if (i < 0) {
		pad(veld, sizeof veld, prefix, key);
		fout_ongeldig(a, veld);
	}
	return i;
}

static bool
is_uuid(const char *s)
{
	static const char vorm[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

	if (strlen(s) != sizeof vorm - 1)
		return false;
	for (size_t i = 0; vorm[i]; i++) {
		char c = s[i];

		if (vorm[i] == '-' ? c != '-'
		                   : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		                       (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

#define MAX_NUMMER 32 /* BSN, KvK, vestigingsnummer, RSIN: anything longer is garbage */

static void
read_betrokkene(struct aanvraag *a, json_t *doc, const char *rol, bool verplicht,
                struct betrokkene *b)
{
	json_t *o = read_object(a, doc, NULL, rol, verplicht);
	int t;

	memset(b, 0, sizeof *b);
	if (!o)
		return;
	b->aanwezig = true;
	t = read_enum(a, o, rol, "betrokkeneType", betrokkene_namen, N_ELEM(betrokkene_namen));
	if (t >= 0) {
		b->type = (enum betrokkene_type)t;
		b->type_bekend = true;
	}
	b->inp_bsn = read_string(a, o, rol, "inpBsn", false, MAX_NUMMER);
	b->kvk_nummer = read_string(a, o, rol, "kvkNummer", false, MAX_NUMMER);
	b->vestigings_nummer = read_string(a, o, rol, "vestigingsNummer", false, MAX_NUMMER);
	b->medewerker_identificatie = read_string(a, o, rol, "medewerkerIdentificatie", false, 128);
	b->naam = read_string(a, o, rol, "naam", false, 800);
	b->geheimhouding = read_flag(a, o, rol, "geheimhouding");
}

static int
read_eigenschappen(struct aanvraag *a, json_t *doc)
{
	json_t *o = read_object(a, doc, NULL, "eigenschappen", false);
	const char *naam;
	json_t *v;
	size_t i = 0;

	if (!o || json_object_size(o) == 0)
		return 0;
	if (json_object_size(o) > AANVRAAG_MAX_EIGENSCHAPPEN) {
		if (fouten(a))
			redenen_voeg_toe(
			        a->fouten, "aanvraag.te_veel_eigenschappen", "eigenschappen",
			        "Uw aanvraag bevat meer dan %d gegevens. " TEKST_FORMULIERFOUT,
			        AANVRAAG_MAX_EIGENSCHAPPEN);
		return 0;
	}
	a->eigenschappen = calloc(json_object_size(o), sizeof *a->eigenschappen);
	if (!a->eigenschappen)
		return -1;
	json_object_foreach(o, naam, v)
	{
		a->eigenschappen[i].naam = naam;
		if (json_is_string(v) && json_string_length(v) == strlen(json_string_value(v)))
			a->eigenschappen[i].waarde = json_string_value(v);
		i++;
	}
	a->n_eigenschappen = i;
	return 0;
}

int
aanvraag_from_json(json_t *doc, struct aanvraag **out, char *err, size_t errlen)
{
	struct aanvraag *a;
	json_t *o;
	const char *s;
	int k;

	*out = NULL;
	if (!json_is_object(doc)) {
		if (err && errlen)
			snprintf(err, errlen, "aanvraag: must be a JSON object");
		return -1;
	}
	a = calloc(1, sizeof *a);
	if (!a) {
		if (err && errlen)
			snprintf(err, errlen, "aanvraag: out of memory");
		return AANVRAAG_OOM;
	}
	a->doc = json_incref(doc);
	a->fouten = NULL; /* allocated on the first fault: most aanvragen have none */

	/* Kept even when it is not a uuid, so that a refusal can name the aanvraag. */
	a->aanvraag_id = read_string(a, doc, NULL, "aanvraagId", true, 64);
	if (a->aanvraag_id && !is_uuid(a->aanvraag_id))
		fout_ongeldig(a, "aanvraagId");
	a->zaaktype = read_string(a, doc, NULL, "zaaktype", true, ZT_MAX_IDENTIFICATIE);

	s = read_string(a, doc, NULL, "ingediendOp", true, 40);
	if (s) {
		a->heeft_ingediend_op = instant_parse(s, &a->ingediend_op);
		if (!a->heeft_ingediend_op)
			fout_ongeldig(a, "ingediendOp");
	}

	/* Kanaal may grow: an unknown symbol reads as the schema default, overig. */
	a->kanaal = KANAAL_OVERIG;
	s = read_string(a, doc, NULL, "kanaal", false, 64);
	k = name_index(kanaal_namen, N_ELEM(kanaal_namen), s);
	if (k >= 0)
		a->kanaal = (enum kanaal)k;

	a->bronorganisatie = read_string(a, doc, NULL, "bronorganisatie", false, MAX_NUMMER);
	read_betrokkene(a, doc, "initiator", true, &a->initiator);
	read_betrokkene(a, doc, "gemachtigde", false, &a->gemachtigde);

	o = read_object(a, doc, NULL, "authenticatie", false);
	if (o) {
		int m = read_enum(a, o, "authenticatie", "middel", middel_namen,
		                  N_ELEM(middel_namen));

		a->authenticatie.betrouwbaarheidsniveau =
		        read_string(a, o, "authenticatie", "betrouwbaarheidsniveau", true, 64);
		if (m >= 0 && a->authenticatie.betrouwbaarheidsniveau) {
			a->authenticatie.aanwezig = true;
			a->authenticatie.middel = (enum authenticatiemiddel)m;
		}
	}

	o = read_object(a, doc, NULL, "contact", false);
	if (o) {
		a->contact.aanwezig = true;
		a->contact.emailadres = read_string(a, o, "contact", "emailadres", false, 4096);
		a->contact.telefoonnummer =
		        read_string(a, o, "contact", "telefoonnummer", false, 4096);
	}

	if (read_eigenschappen(a, doc) < 0 || a->oom) {
		aanvraag_free(a);
		if (err && errlen)
			snprintf(err, errlen, "aanvraag: out of memory");
		return AANVRAAG_OOM;
	}
	*out = a;
	return 0;
}

void
aanvraag_free(struct aanvraag *a)
{
	if (!a)
		return;
	free(a->eigenschappen);
	free(a->fouten);
	json_decref(a->doc);
	free(a);
}

int32_t
aanvraag_startdatum(const struct aanvraag *a)
{
	return a->heeft_ingediend_op ? datum_van_instant_nl(a->ingediend_op) : DATUM_ONGELDIG;
}

const struct zaaktype *
aanvraag_zaaktype(const struct catalogus *cat, const struct aanvraag *a)
{
	const struct zaaktype *zt;

	if (!a->zaaktype)
		return NULL;
	zt = catalogus_find(cat, a->zaaktype, aanvraag_startdatum(a));
	return zt ? zt : catalogus_laatste(cat, a->zaaktype);
}

/* The rules. */

static bool
leeg(const char *s)
{
	return !s || *s == '\0';
}

/* Which identifiers a betrokkene type needs; all others are refused. */
struct id_veld {
	const char *key;  /* field name in Betrokkene */
	const char *naam; /* how the resident knows it */
	size_t offset;
};

static const struct id_veld id_velden[] = {
        {"inpBsn", "burgerservicenummer (BSN)", offsetof(struct betrokkene, inp_bsn)},
        {"kvkNummer", "KvK-nummer", offsetof(struct betrokkene, kvk_nummer)},
        {"vestigingsNummer", "vestigingsnummer", offsetof(struct betrokkene, vestigings_nummer)},
        {"medewerkerIdentificatie", "personeelsnummer",
         offsetof(struct betrokkene, medewerker_identificatie)},
};

/* Bit i set = id_velden[i] required for that betrokkene type. */
static const unsigned id_nodig[] = {
        [BETROKKENE_NATUURLIJK_PERSOON] = 1u << 0,
        [BETROKKENE_NIET_NATUURLIJK_PERSOON] = 1u << 1,
        [BETROKKENE_VESTIGING] = 1u << 1 | 1u << 2,
        [BETROKKENE_MEDEWERKER] = 1u << 3,
};

static const char *
id_waarde(const struct betrokkene *b, size_t i)
{
	return *(const char *const *)((const char *)b + id_velden[i].offset);
}

static bool
id_geldig(size_t i, const char *s)
{
	switch (i) {
	case 0:
		return bsn_valid(s);
	case 1:
		return kvk_valid(s);
	case 2:
		return vestigingsnummer_valid(s);
	default:
		return !leeg(s);
	}
}

static const char *const id_ongeldig_code[] = {"bsn_ongeldig", "kvk_ongeldig",
                                               "vestigingsnummer_ongeldig", NULL};
static const char *const id_uitleg[] = {
        "Controleer het nummer.",
        "Een KvK-nummer heeft 8 cijfers.",
        "Een vestigingsnummer heeft 12 cijfers.",
        "",
};

static void
beoordeel_betrokkene(const char *rol, const char *wie, const struct betrokkene *b,
                     struct redenen *out)
{
	char code[REDEN_CODE], veld[REDEN_VELD];

	if (!b->aanwezig || !b->type_bekend)
		return; /* already a reading fault, or an optional rol left out */
	for (size_t i = 0; i < N_ELEM(id_velden); i++) {
		const char *w = id_waarde(b, i);
		bool nodig = id_nodig[b->type] & (1u << i);

		pad(veld, sizeof veld, rol, id_velden[i].key);
		if (nodig && leeg(w)) {
			snprintf(code, sizeof code, "%s.identificatie_ontbreekt", rol);
			redenen_voeg_toe(out, code, veld, "Het %s van %s ontbreekt.",
			                 id_velden[i].naam, wie);
		} else if (nodig && !id_geldig(i, w)) {
			snprintf(code, sizeof code, "%s.%s", rol, id_ongeldig_code[i]);
			redenen_voeg_toe(out, code, veld, "Het %s van %s is niet geldig. %s",
			                 id_velden[i].naam, wie, id_uitleg[i]);
		} else if (!nodig && !leeg(w)) {
			snprintf(code, sizeof code, "%s.gegeven_niet_nodig", rol);
			redenen_voeg_toe(out, code, veld,
			                 "Voor deze aanvraag is het %s van %s niet nodig. Laat "
			                 "het weg; wij bewaren het niet.",
			                 id_velden[i].naam, wie);
		}
	}
}

static bool
zelfde_betrokkene(const struct betrokkene *x, const struct betrokkene *y)
{
	unsigned nodig;

	if (!x->type_bekend || !y->type_bekend || x->type != y->type)
		return false;
	nodig = id_nodig[x->type];
	for (size_t i = 0; i < N_ELEM(id_velden); i++) {
		const char *a = id_waarde(x, i), *b = id_waarde(y, i);

		if ((nodig & (1u << i)) && (leeg(a) || leeg(b) || strcmp(a, b) != 0))
			return false;
	}
	return true;
}

static bool
domein_geldig(const char *d, size_t len)
{
	size_t label = 0, labels = 0, laatste_begin = 0;

	if (len == 0 || len > 253)
		return false;
	for (size_t i = 0; i <= len; i++) {
		char c = i < len ? d[i] : '.';

		if (c == '.') {
			if (label == 0 || label > 63 || d[i - 1] == '-' || d[i - label] == '-')
				return false;
			laatste_begin = i - label;
			label = 0;
			labels++;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		           (c >= '0' && c <= '9') || c == '-') {
			label++;
		} else {
			return false;
		}
	}
	/* A top-level domain has letters only, at least two. */
	if (labels < 2 || len - laatste_begin < 2)
		return false;
	for (size_t i = laatste_begin; i < len; i++)
		if (!((d[i] >= 'a' && d[i] <= 'z') || (d[i] >= 'A' && d[i] <= 'Z')))
			return false;
	return true;
}

/*
 * The practical subset of RFC 5321 addresses a mail relay accepts: an ASCII
 * dot-atom local part of at most 64 characters, '@', a DNS host name.
 */
static bool
emailadres_geldig(const char *s)
{
	static const char speciaal[] = "!#$%&'*+/=?^_`{|}~-.";
	const char *at = strchr(s, '@');
	size_t lokaal, len = strlen(s);

	if (!at || len > 254 || strchr(at + 1, '@'))
		return false;
	lokaal = (size_t)(at - s);
	if (lokaal == 0 || lokaal > 64 || s[0] == '.' || s[lokaal - 1] == '.')
		return false;
	for (size_t i = 0; i < lokaal; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      (c != '\0' && strchr(speciaal, c))))
			return false;
		if (c == '.' && s[i + 1] == '.')
			return false;
	}
	return domein_geldig(at + 1, len - lokaal - 1);
}

/*
 * A Dutch number of ten digits starting with 0 (not 00), or an international
 * one: '+' or "00", then 8 to 15 digits not starting with 0. Spaces, dashes,
 * dots and brackets as people write them are allowed between digits.
 */
static bool
telefoonnummer_geldig(const char *s)
{
	char cijfers[24];
	size_t n = 0;
	bool plus = false;

	if (strlen(s) > 32)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n == sizeof cijfers - 1)
				return false;
			cijfers[n++] = *p;
		} else if (*p == '+' && p == s) {
			plus = true;
		} else if (!strchr(" -.()", *p)) {
			return false;
		}
	}
	cijfers[n] = '\0';
	if (plus)
		return n >= 8 && n <= 15 && cijfers[0] != '0';
	if (n >= 2 && cijfers[0] == '0' && cijfers[1] == '0')
		return n - 2 >= 8 && n - 2 <= 15 && cijfers[2] != '0';
	return n == 10 && cijfers[0] == '0';
}

static bool
getal_geldig(const char *s)
{
	const char *p = s;
	bool cijfer = false;

	if (*p == '-' || *p == '+')
		p++;
	while (*p >= '0' && *p <= '9') {
		p++;
		cijfer = true;
	}
	if (!cijfer)
		return false;
	if (*p == '.' || *p == ',') {
		p++;
		cijfer = false;
		while (*p >= '0' && *p <= '9') {
			p++;
			cijfer = true;
		}
		if (!cijfer)
			return false;
	}
	return *p == '\0';
}

static bool
tekst_toegestaan(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && !strchr("\t\n\r", *s)) || *s == 0x7f)
			return false;
	return true;
}

/* A submitted name, safe to put in a reason: printable, short, no BSN. */
static void
veilige_naam(char *buf, size_t n, const char *naam)
{
	size_t i = 0, max = n < 65 ? n - 1 : 64;

	for (; naam[i] && i < max; i++)
		buf[i] = (unsigned char)naam[i] < 0x20 || naam[i] == 0x7f ? '?' : naam[i];
	/* Cut before a UTF-8 sequence that did not fit whole. */
	while (i > 0 && ((unsigned char)naam[i] & 0xC0) == 0x80)
		i--;
	buf[i] = '\0';
	mask_text(buf);
}

static const char *
find_value(const struct aanvraag *a, const char *naam, bool *gevonden)
{
	for (size_t i = 0; i < a->n_eigenschappen; i++)
		if (strcmp(a->eigenschappen[i].naam, naam) == 0) {
			*gevonden = true;
			return a->eigenschappen[i].waarde;
		}
	*gevonden = false;
	return NULL;
}

static bool
datum_geldig(const char *s)
{
	return datum_van_tekst(s) != DATUM_ONGELDIG;
}

static bool
datum_tijd_geldig(const char *s)
{
	return instant_van_tekst(s) != INSTANT_ONGELDIG;
}

static bool
altijd_geldig(const char *s)
{
	(void)s;
	return true;
}

/* Per eigenschapformaat: the check, and what the resident is told when it fails. */
static const struct {
	bool (*geldig)(const char *);
	const char *tekst; /* one %s: the eigenschap's naam */
} formaten[] = {
        [FORMAAT_TEKST] = {altijd_geldig, ""},
        [FORMAAT_GETAL] = {getal_geldig, "'%s' moet een getal zijn, bijvoorbeeld 12 of 12,50."},
        [FORMAAT_DATUM] = {datum_geldig, "'%s' moet een datum zijn die bestaat, in de vorm "
                                         "jjjj-mm-dd (bijvoorbeeld 2026-03-31)."},
        [FORMAAT_DATUM_TIJD] = {datum_tijd_geldig, "'%s' moet een datum met tijd zijn "
                                                   "(bijvoorbeeld 2026-03-31T14:30:00Z)."},
};

/* The first thing wrong with one submitted value, if anything. */
static void
beoordeel_waarde(const struct eigenschap *e, const char *w, const char *veld, struct redenen *out)
{
	bool in_verzameling = e->n_waarden == 0;

	if (!w) {
		redenen_voeg_toe(out, "eigenschap.formaat", veld, "'%s' moet tekst zijn.", e->naam);
		return;
	}
	if (tekst_lengte(w) > (size_t)e->lengte) {
		redenen_voeg_toe(out, "eigenschap.te_lang", veld,
		                 "'%s' is te lang: gebruik ten hoogste %d tekens.", e->naam,
		                 e->lengte);
		return;
	}
	if (!tekst_toegestaan(w)) {
		redenen_voeg_toe(out, "eigenschap.formaat", veld,
		                 "'%s' bevat tekens die niet zijn toegestaan.", e->naam);
		return;
	}
	if (!formaten[e->formaat].geldig(w)) {
		redenen_voeg_toe(out, "eigenschap.formaat", veld, formaten[e->formaat].tekst,
		                 e->naam);
		return;
	}
	for (size_t i = 0; i < e->n_waarden && !in_verzameling; i++)
		in_verzameling = strcmp(e->waarden[i], w) == 0;
	if (!in_verzameling) {
		redenen_voeg_toe(out, "eigenschap.formaat", veld,
		                 "Kies voor '%s' een van de mogelijke antwoorden.", e->naam);
		return;
	}
	if (e->patroon && regexec(&e->regex, w, 0, NULL, 0) != 0)
		redenen_voeg_toe(out, "eigenschap.formaat", veld,
		                 "'%s' is niet in de juiste vorm ingevuld.", e->naam);
}

static void
beoordeel_eigenschappen(const struct zaaktype *zt, const struct aanvraag *a, struct redenen *out)
{
	char veld[REDEN_VELD], naam[72];

	/* Data minimisation: what the zaaktype does not ask for is refused by name. */
	for (size_t i = 0; i < a->n_eigenschappen; i++) {
		if (zaaktype_eigenschap(zt, a->eigenschappen[i].naam))
			continue;
		veilige_naam(naam, sizeof naam, a->eigenschappen[i].naam);
		pad(veld, sizeof veld, "eigenschappen", naam);
		redenen_voeg_toe(out, "eigenschap.niet_gedeclareerd", veld,
		                 "Het gegeven '%s' hoort niet bij deze aanvraag. Laat het weg; wij "
		                 "bewaren het niet.",
		                 naam);
	}
	for (size_t i = 0; i < zt->n_eigenschappen; i++) {
		const struct eigenschap *e = &zt->eigenschappen[i];
		bool gevonden;
		const char *w = find_value(a, e->naam, &gevonden);

		pad(veld, sizeof veld, "eigenschappen", e->naam);
		if (!gevonden || (w && *w == '\0')) {
			if (e->verplicht)
				redenen_voeg_toe(out, "eigenschap.ontbreekt", veld,
				                 "U heeft '%s' niet ingevuld. Dit is verplicht.",
				                 e->naam);
			continue;
		}
		beoordeel_waarde(e, w, veld, out);
	}
}

static void
beoordeel_zaaktype(const struct zaaktype *zt, const struct aanvraag *a, bool *geldig,
                   struct redenen *out)
{
	int32_t start = aanvraag_startdatum(a);

	*geldig = false;
	if (!a->zaaktype)
		return; /* already a reading fault */
	if (!zt) {
		redenen_voeg_toe(out, "zaaktype.onbekend", "zaaktype",
		                 "Wij kennen het soort aanvraag niet dat u wilt doen. Kies het "
		                 "product opnieuw op de website of bel 14070.");
		return;
	}
	/* Without a readable ingediendOp the version cannot be checked; that fault is reported. */
	*geldig = start == DATUM_ONGELDIG || zaaktype_geldig_op(zt, start);
	if (!*geldig)
		redenen_voeg_toe(out, "zaaktype.niet_geldig", "zaaktype",
		                 "'%s' kon op de datum van uw aanvraag niet worden aangevraagd. "
		                 "Kijk op de website wanneer dit wel kan, of bel 14070.",
		                 zt->onderwerp);
	if (zt->intern && a->kanaal != KANAAL_TELEFOON_14070 && a->kanaal != KANAAL_BALIE)
		redenen_voeg_toe(out, "zaaktype.intern", "zaaktype",
		                 "'%s' kunt u niet zelf aanvragen. Een medewerker van de gemeente "
		                 "legt dit voor u vast: bel 14070 of kom langs bij de balie.",
		                 zt->onderwerp);
}

void
aanvraag_beoordeel(const struct zaaktype *zt, const struct aanvraag *a, int64_t nu_ms,
                   struct redenen *out)
{
	bool zt_geldig;

	aanvraag_redenen_init(out);
	for (size_t i = 0; a->fouten && i < a->fouten->n; i++)
		redenen_voeg_toe(out, a->fouten->r[i].code, a->fouten->r[i].veld, "%s",
		                 a->fouten->r[i].tekst);

	if (a->heeft_ingediend_op && a->ingediend_op > nu_ms + AANVRAAG_KLOKMARGE_MS)
		redenen_voeg_toe(
		        out, "aanvraag.datum_in_toekomst", "ingediendOp",
		        "Het tijdstip van indienen ligt in de toekomst. " TEKST_FORMULIERFOUT);

	beoordeel_zaaktype(zt, a, &zt_geldig, out);

	if (a->bronorganisatie && !rsin_valid(a->bronorganisatie))
		redenen_voeg_toe(out, "aanvraag.bronorganisatie_ongeldig", "bronorganisatie",
		                 "Het RSIN van de organisatie die uw aanvraag ontving is niet "
		                 "geldig. " TEKST_FORMULIERFOUT);

	beoordeel_betrokkene("initiator", "de aanvrager", &a->initiator, out);
	if (a->gemachtigde.aanwezig && a->gemachtigde.type_bekend &&
	    a->gemachtigde.type == BETROKKENE_MEDEWERKER)
		redenen_voeg_toe(
		        out, "gemachtigde.type_ongeldig", "gemachtigde.betrokkeneType",
		        "Een medewerker van de gemeente kan niet uw gemachtigde zijn. Laat "
		        "de gemachtigde weg of vul de gegevens van uw gemachtigde in.");
	else
		beoordeel_betrokkene("gemachtigde", "de gemachtigde", &a->gemachtigde, out);
	if (a->gemachtigde.aanwezig && zelfde_betrokkene(&a->initiator, &a->gemachtigde))
		redenen_voeg_toe(out, "gemachtigde.zelfde_als_initiator", "gemachtigde",
		                 "U kunt niet uw eigen gemachtigde zijn. Laat de gemachtigde weg "
		                 "als u de aanvraag voor uzelf doet.");

	if (a->authenticatie.aanwezig) {
		if (name_index(niveau_namen, N_ELEM(niveau_namen),
		               a->authenticatie.betrouwbaarheidsniveau) < 0)
			redenen_voeg_toe(
			        out, "authenticatie.niveau_ongeldig",
			        "authenticatie.betrouwbaarheidsniveau",
			        "Het niveau van uw inlog is onbekend. " TEKST_FORMULIERFOUT);
		if (a->authenticatie.middel == AUTH_MACHTIGING && !a->gemachtigde.aanwezig)
			redenen_voeg_toe(out, "authenticatie.gemachtigde_ontbreekt", "gemachtigde",
			                 "U bent ingelogd met een machtiging, maar de aanvraag "
			                 "noemt geen gemachtigde. " TEKST_FORMULIERFOUT);
	}

	if (!leeg(a->contact.emailadres) && !emailadres_geldig(a->contact.emailadres))
		redenen_voeg_toe(out, "contact.emailadres_ongeldig", "contact.emailadres",
		                 "Het e-mailadres is niet geldig. Vul een adres in zoals "
		                 "naam@voorbeeld.nl.");
	if (!leeg(a->contact.telefoonnummer) && !telefoonnummer_geldig(a->contact.telefoonnummer))
		redenen_voeg_toe(out, "contact.telefoonnummer_ongeldig", "contact.telefoonnummer",
		                 "Het telefoonnummer is niet geldig. Vul een Nederlands nummer van "
		                 "10 cijfers in, of een buitenlands nummer dat begint met +.");

	if (zt && zt_geldig)
		beoordeel_eigenschappen(zt, a, out);
}

bool
aanvraag_termijnen(const struct zaaktype *zt, int32_t startdatum, int32_t *einddatum_gepland,
                   bool *heeft_gepland, int32_t *uiterlijke_einddatum_afdoening)
{
	*heeft_gepland = false;
	*einddatum_gepland = DATUM_ONGELDIG;
	*uiterlijke_einddatum_afdoening = datum_plus_duur(startdatum, zt->doorlooptijd.duur);
	if (*uiterlijke_einddatum_afdoening == DATUM_ONGELDIG)
		return false;
	if (zt->servicenorm.tekst) {
		*einddatum_gepland = datum_plus_duur(startdatum, zt->servicenorm.duur);
		if (*einddatum_gepland == DATUM_ONGELDIG)
			return false;
		*heeft_gepland = true;
	}
	return true;
}

bool
zaak_identificatie(char *buf, size_t n, int jaar, int64_t volgnummer)
{
	if (n > 0)
		buf[0] = '\0';
	if (jaar < 1 || jaar > 9999 || volgnummer < 1 || volgnummer > 9999999999LL ||
	    n < ZAAK_IDENTIFICATIE_TEKST)
		return false;
	snprintf(buf, n, "ZAAK-%04d-%010lld", jaar, (long long)volgnummer);
	return true;
}

/* Building the events. */

static json_t *
tekst_of_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
datum_json(int32_t d)
{
	char buf[DATUM_TEKST];

	return datum_format(d, buf, sizeof buf) ? json_string(buf) : json_null();
}

static json_t *
instant_json(int64_t ms)
{
	char buf[INSTANT_TEKST];

	return instant_format(ms, buf, sizeof buf) ? json_string(buf) : json_null();
}

static json_t *
termijn_json(const struct termijn *t)
{
	return tekst_of_null(t->tekst);
}

/* Only the identifiers the betrokkene's type needs are carried over. */
static json_t *
betrokkene_json(const struct betrokkene *b)
{
	json_t *o = json_pack("{s:s}", "betrokkeneType", betrokkene_type_name(b->type));

	for (size_t i = 0; o && i < N_ELEM(id_velden); i++) {
		const char *w = id_waarde(b, i);

		json_object_set_new(o, id_velden[i].key,
		                    (id_nodig[b->type] & (1u << i)) && !leeg(w) ? json_string(w)
		                                                                : json_null());
	}
	if (o) {
		json_object_set_new(o, "naam", tekst_of_null(b->naam));
		/* BRP geheimhouding travels with the person: the status daemon
		 * shields the zaak from everyone the autorisatiematrix does not name. */
		json_object_set_new(o, "geheimhouding", json_boolean(b->geheimhouding));
	}
	return o;
}

static json_t *
contact_json(const struct contactgegevens *c)
{
	if (leeg(c->emailadres) && leeg(c->telefoonnummer))
		return json_null();
	return json_pack("{s:o, s:o}", "emailadres",
	                 tekst_of_null(leeg(c->emailadres) ? NULL : c->emailadres),
	                 "telefoonnummer",
	                 tekst_of_null(leeg(c->telefoonnummer) ? NULL : c->telefoonnummer));
}

static json_t *
rol_json(const char *omschrijving_generiek, const struct betrokkene *b, const char *machtiging,
         json_t *contact)
{
	return json_pack("{s:s, s:o, s:o, s:o}", "omschrijvingGeneriek", omschrijving_generiek,
	                 "betrokkene", betrokkene_json(b), "indicatieMachtiging",
	                 tekst_of_null(machtiging), "contactpersoonRol", contact);
}

static json_t *
rollen_json(const struct aanvraag *a)
{
	bool gemachtigd = a->gemachtigde.aanwezig;
	json_t *rollen = json_array();

	json_array_append_new(
	        rollen, rol_json("initiator", &a->initiator, gemachtigd ? "machtiginggever" : NULL,
	                         gemachtigd ? json_null() : contact_json(&a->contact)));
	/* The ZGW RolOmschrijving has no "gemachtigde": the machtiging says it. */
	if (gemachtigd)
		json_array_append_new(rollen, rol_json("belanghebbende", &a->gemachtigde,
		                                       "gemachtigde", contact_json(&a->contact)));
	return rollen;
}

static json_t *
statustype_json(const struct statustype *st)
{
	return json_pack("{s:i, s:s, s:s, s:b, s:b, s:o}", "volgnummer", st->volgnummer,
	                 "omschrijving", st->omschrijving, "statustekst", st->statustekst,
	                 "informeren", st->informeren, "tonenAanInitiator", st->tonen_aan_initiator,
	                 "doorlooptijd", termijn_json(&st->doorlooptijd));
}

static json_t *
eigenschappen_json(const struct zaaktype *zt, const struct aanvraag *a)
{
	json_t *arr = json_array();

	/* Driven by the zaaktype, so that nothing undeclared can slip through. */
	for (size_t i = 0; arr && i < zt->n_eigenschappen; i++) {
		const struct eigenschap *e = &zt->eigenschappen[i];
		bool gevonden;
		const char *w = find_value(a, e->naam, &gevonden);

		if (leeg(w))
			continue;
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:b}", "naam", e->naam,
		                                     "waarde", w, "doel", e->doel, "grondslag",
		                                     e->grondslag, "persoonsgegeven",
		                                     e->persoonsgegeven));
	}
	return arr;
}

static json_t *
verwerkingsactiviteit_json(const struct verwerkingsactiviteit *va)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", va->id, "naam", va->naam, "doel",
	                 va->doel, "grondslag", va->grondslag, "bewaartermijn", va->bewaartermijn);
}

static json_t *
authenticatie_json(const struct authenticatie *au)
{
	if (!au->aanwezig)
		return json_null();
	return json_pack("{s:s, s:s}", "middel", authenticatiemiddel_name(au->middel),
	                 "betrouwbaarheidsniveau", au->betrouwbaarheidsniveau);
}

json_t *
zaak_geregistreerd_json(const struct zaaktype *zt, const struct aanvraag *a, const char *uuid,
                        const char *identificatie, const char *bronorganisatie, int64_t nu_ms)
{
	const struct statustype *eerste = zaaktype_eerste_statustype(zt);
	int32_t start = aanvraag_startdatum(a), registratie = datum_van_instant_nl(nu_ms);
	int32_t gepland, uiterlijk;
	bool heeft_gepland;
	json_t *statustypen, *zaak;

	if ((a->fouten && a->fouten->n > 0) || !a->aanvraag_id || !a->initiator.type_bekend ||
	    !eerste || start == DATUM_ONGELDIG || registratie == DATUM_ONGELDIG || !uuid ||
	    !identificatie || !bronorganisatie ||
	    !aanvraag_termijnen(zt, start, &gepland, &heeft_gepland, &uiterlijk))
		return NULL;
	if (a->gemachtigde.aanwezig && !a->gemachtigde.type_bekend)
		return NULL;

	statustypen = json_array();
	for (size_t i = 0; statustypen && i < zt->n_statustypen; i++)
		json_array_append_new(statustypen, statustype_json(&zt->statustypen[i]));

	zaak = json_pack(
	        "{s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:o,"
	        " s:s, s:b, s:s, s:s, s:o, s:o}",
	        "uuid", uuid, "identificatie", identificatie, "bronorganisatie", bronorganisatie,
	        "zaaktype", zt->identificatie, "zaaktypeVersiedatum", datum_json(zt->versiedatum),
	        "zaaktypeOmschrijving", zt->omschrijving, "omschrijving", zt->onderwerp,
	        "aanvraagId", a->aanvraag_id, "registratiedatum", datum_json(registratie),
	        "startdatum", datum_json(start), "einddatumGepland",
	        heeft_gepland ? datum_json(gepland) : json_null(), "uiterlijkeEinddatumAfdoening",
	        datum_json(uiterlijk), "vertrouwelijkheidaanduiding",
	        vertrouwelijkheid_name(zt->vertrouwelijkheidaanduiding), "tonenAanInitiator",
	        zt->tonen_aan_initiator, "afdeling", zt->afdeling, "kanaal", kanaal_name(a->kanaal),
	        "rollen", rollen_json(a), "authenticatie", authenticatie_json(&a->authenticatie));
	if (!zaak) {
		json_decref(statustypen);
		return NULL;
	}
	json_object_set_new(zaak, "status",
	                    json_pack("{s:i, s:s, s:s, s:b, s:b, s:b, s:i, s:i, s:o}", "volgnummer",
	                              eerste->volgnummer, "omschrijving", eerste->omschrijving,
	                              "statustekst", eerste->statustekst, "informeren",
	                              eerste->informeren, "tonenAanInitiator",
	                              eerste->tonen_aan_initiator, "isEindstatus",
	                              zaaktype_is_eindstatus(zt, eerste->volgnummer), "stap", 1,
	                              "aantalStappen", (int)zt->n_statustypen, "datumStatusGezet",
	                              instant_json(nu_ms)));
	json_object_set_new(zaak, "eigenschappen", eigenschappen_json(zt, a));
	json_object_set_new(zaak, "verwerkingsactiviteit",
	                    verwerkingsactiviteit_json(&zt->verwerkingsactiviteit));
	json_object_set_new(zaak, "statustypen", statustypen);
	return zaak;
}

json_t *
aanvraag_geaccepteerd_json(const json_t *zaak, int64_t nu_ms)
{
	static const char *const velden[][2] = {
	        {"aanvraagId", "aanvraagId"},
	        {"zaak", "uuid"},
	        {"identificatie", "identificatie"},
	        {"zaaktype", "zaaktype"},
	        {"einddatumGepland", "einddatumGepland"},
	        {"uiterlijkeEinddatumAfdoening", "uiterlijkeEinddatumAfdoening"},
	};
	json_t *o;

	if (!json_is_object(zaak))
		return NULL;
	o = json_object();
	for (size_t i = 0; o && i < N_ELEM(velden); i++) {
		json_t *v = json_object_get(zaak, velden[i][1]);

		if (!v) {
			json_decref(o);
			return NULL;
		}
		json_object_set(o, velden[i][0], v);
	}
	if (o)
		json_object_set_new(o, "geaccepteerdOp", instant_json(nu_ms));
	return o;
}

json_t *
aanvraag_afgewezen_json(const struct aanvraag *a, const struct redenen *r, int64_t nu_ms)
{
	return json_pack("{s:s, s:s, s:o, s:o}", "aanvraagId", a->aanvraag_id ? a->aanvraag_id : "",
	                 "zaaktype", a->zaaktype ? a->zaaktype : "", "afgewezenOp",
	                 instant_json(nu_ms), "redenen", redenen_json(r));
}
