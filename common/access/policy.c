/*
 * policy.c — loading, checking and evaluating the autorisatiematrix.
 *
 * At load every name (role, action, level, relation) becomes a bit or an
 * ordinal, so evaluation is integer tests over a handful of rules: no
 * allocation, no string work beyond the few identifiers that must be compared
 * (medewerker id, afdeling, doel). The JSON is read strictly: an unknown key
 * is an error, because a misspelt condition would otherwise vanish and widen
 * a grant.
 */
#include "access/policy.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <openssl/sha.h>

#include "zgw/identificatie.h"
#include "core/log.h"

#define MAX_POLICY_FILE (1024 * 1024)
#define MAX_REGELS      256
#define MAX_DOELEN      16
#define MAX_PERSONEN    256
#define REL_GEEN_BIT    (1u << REL__COUNT) /* "no relation at all" as a condition */

#define STANDAARD_REGEL "standaard-weigeren"
/* Decisions the engine takes before the rules: names no rule may take. */
#define REGEL_DOEL       "doel-niet-toegestaan"
#define REGEL_APP_GEEN   "applicatie-zonder-toekenning"
#define REGEL_APP_BUITEN "applicatie-buiten-toekenning"

static const char *const actie_names[ACTIE__COUNT] = {
        "zaken.lijst",      "zaak.lezen",           "zaak.tijdlijn", "zaak.gegevens",
        "inzage.lezen",     "inzage.behandelen",    "audit.lezen",   "inzage.indienen",
        "inzage.termijnen", "abonnementen.beheren",
};

static const char *const relatie_names[REL__COUNT] = {
        "eigen", "gemachtigde", "gemachtigde_op_zaak", "verwant", "toegewezen", "zelfde_afdeling",
};

/* A tri-state condition: not set, must be false, must be true. */
enum tri { TRI_ONBEPAALD = -1, TRI_NEE = 0, TRI_JA = 1 };

struct regel {
	char *id;
	bool weigeren;
	uint32_t rollen;       /* applies when the caller holds any of these */
	uint32_t uitgezonderd; /* ... and none of these */
	uint32_t acties;

	uint32_t relaties; /* 0 = any; else any of these bits (REL_GEEN_BIT: none) */
	enum tri open;
	int vt_vanaf, vt_tot_en_met; /* -1 = unbounded */
	enum tri tonen;
	enum tri afgeschermd;
	int loa_minimaal, loa_lager_dan; /* -1 = not set */
	enum tri reden;
	enum tri bsn_bekend;
	char *doelen[MAX_DOELEN];
	size_t n_doelen;

	enum detail detail;     /* toestaan */
	bool bestaan_onthullen; /* weigeren */
	char *uitleg, *uitleg_en;
};

struct persoon_rollen {
	char *medewerker;
	uint32_t rollen;
};

struct verwanten {
	char *medewerker;
	struct identiteit *bsn;
	size_t n;
};

/* The purposes a role may state, and the one it states when it names none. */
struct doelen {
	char *doel[MAX_DOELEN];
	size_t n;
	const char *standaard; /* points into doel[], or NULL: the caller must name one */
};

/* One application's grant, as the ZGW autorisaties give it: which zaaktypen,
 * up to which vertrouwelijkheid, which actions, for which purposes. */
struct applicatie {
	char *client_id;
	bool alle_zaaktypen; /* "*" */
	char **zaaktypen;
	size_t n_zaaktypen;
	int max_vt;
	uint32_t acties;
	struct doelen doelen;
};

struct policy {
	char *versie, *opgesteld_door, *goedgekeurd_door, *goedgekeurd_op;
	struct doelen rol_doelen[ROL__COUNT];
	struct applicatie *applicaties;
	size_t n_applicaties;
	char sha256[65]; /* of the file's bytes, logged so that the approved version can be checked
	                  */
	int rol_max[ROL__COUNT]; /* -1: role not in the policy, so it grants nothing */
	uint32_t afscherming_rollen, afscherming_relaties;
	char *afscherming_uitleg, *afscherming_uitleg_en;
	struct regel *regels;
	size_t n_regels;
	struct persoon_rollen *toekenningen;
	size_t n_toekenningen;
	struct verwanten *verwanten;
	size_t n_verwanten;
};

/* ---- names ----------------------------------------------------------------- */

static int
index_of(const char *const *names, int n, const char *name)
{
	for (int i = 0; name && i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

const char *
policy_actie_name(enum policy_actie actie)
{
	return (unsigned)actie < ACTIE__COUNT ? actie_names[actie] : "?";
}

bool
policy_actie_from_name(const char *name, enum policy_actie *out)
{
	int i = index_of(actie_names, ACTIE__COUNT, name);

	if (i < 0)
		return false;
	*out = (enum policy_actie)i;
	return true;
}

/* For messages: never NULL, even for a value outside the enum. */
static const char *
vt_naam(int vt)
{
	const char *n = vertrouwelijkheid_name((enum vertrouwelijkheid)vt);

	return n ? n : "?";
}

const char *
detail_name(enum detail d)
{
	switch (d) {
	case DETAIL_SAMENVATTING:
		return "samenvatting";
	case DETAIL_VOLLEDIG:
		return "volledig";
	default:
		return "geen";
	}
}

bool
detail_from_name(const char *name, enum detail *out)
{
	if (!name)
		return false;
	if (strcmp(name, "samenvatting") == 0)
		*out = DETAIL_SAMENVATTING;
	else if (strcmp(name, "volledig") == 0)
		*out = DETAIL_VOLLEDIG;
	else
		return false;
	return true;
}

const char *
relatie_name(enum relatie rel)
{
	return (unsigned)rel < REL__COUNT ? relatie_names[rel] : "?";
}

const char *
policy_versie(const struct policy *pol)
{
	return pol->versie;
}

const char *
policy_opgesteld_door(const struct policy *pol)
{
	return pol->opgesteld_door;
}

const char *
policy_goedgekeurd_door(const struct policy *pol)
{
	return pol->goedgekeurd_door;
}

const char *
policy_sha256(const struct policy *pol)
{
	return pol->sha256;
}

const char *
policy_goedgekeurd_op(const struct policy *pol)
{
	return pol->goedgekeurd_op;
}

size_t
policy_regels(const struct policy *pol)
{
	return pol->n_regels;
}

/* ---- loading --------------------------------------------------------------- */

struct loader {
	char *err;
	size_t errlen;
	bool failed;
};

static bool __attribute__((format(printf, 2, 3))) fail(struct loader *ld, const char *fmt, ...)
{
	va_list ap;

	if (ld->failed)
		return false;
	va_start(ap, fmt);
	vsnprintf(ld->err, ld->errlen, fmt, ap);
	va_end(ap);
	ld->failed = true;
	return false;
}

/* Every key of obj must be in allowed (NULL-terminated). */
static bool
only_keys(struct loader *ld, const json_t *obj, const char *where, const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v)
	{
		bool known = false;

		for (const char *const *a = allowed; *a && !known; a++)
			known = strcmp(*a, key) == 0;
		if (!known)
			return fail(ld, "%s: unknown key \"%.60s\"", where, key);
	}
	return true;
}

static char *
dup_text(struct loader *ld, const json_t *obj, const char *key, bool required, const char *where)
{
	const json_t *v = json_object_get(obj, key);
	char *s;

	if (!v) {
		if (required)
			fail(ld, "%s: %s is required", where, key);
		return NULL;
	}
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 2000) {
		fail(ld, "%s: %s must be a non-empty string", where, key);
		return NULL;
	}
	s = strdup(json_string_value(v));
	if (!s)
		fail(ld, "out of memory");
	return s;
}

/* Persons are compared without case or surrounding blanks: "M.deVries " is m.devries. */
static bool
zelfde_persoon(const char *a, const char *b)
{
	size_t la, lb;

	while (isspace((unsigned char)*a))
		a++;
	while (isspace((unsigned char)*b))
		b++;
	la = strlen(a);
	lb = strlen(b);
	while (la > 0 && isspace((unsigned char)a[la - 1]))
		la--;
	while (lb > 0 && isspace((unsigned char)b[lb - 1]))
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

static bool
rollen_mask(struct loader *ld, const struct policy *pol, const json_t *arr, const char *where,
            uint32_t *out)
{
	const json_t *v;
	size_t i;

	*out = 0;
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return fail(ld, "%s must be a non-empty list of roles", where);
	json_array_foreach(arr, i, v)
	{
		int r = rol_from_name(json_string_value(v));

		if (r < 0)
			return fail(ld,
			            "%s[%zu]: unknown role (known: inwoner, gemachtigde, "
			            "kcc-medewerker, behandelaar, fg, beheerder, afscherming, "
			            "applicatie)",
			            where, i);
		if (pol && pol->rol_max[r] < 0)
			return fail(ld, "%s[%zu]: role %s is not defined under rollen", where, i,
			            rol_name((enum rol)r));
		*out |= ROL_BIT(r);
	}
	return true;
}

static bool
relaties_mask(struct loader *ld, const json_t *arr, const char *where, uint32_t *out)
{
	const json_t *v;
	size_t i;

	*out = 0;
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return fail(ld, "%s must be a non-empty list of relations", where);
	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(v);
		int r = index_of(relatie_names, REL__COUNT, s);

		if (s && strcmp(s, "geen") == 0)
			*out |= REL_GEEN_BIT;
		else if (r >= 0)
			*out |= 1u << r;
		else
			return fail(ld,
			            "%s[%zu]: unknown relation (known: eigen, gemachtigde, "
			            "gemachtigde_op_zaak, verwant, toegewezen, zelfde_afdeling, "
			            "geen)",
			            where, i);
	}
	return true;
}

static bool
acties_mask(struct loader *ld, const json_t *arr, const char *where, uint32_t *out)
{
	const json_t *v;
	size_t i;

	*out = 0;
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return fail(ld, "%s must be a non-empty list of actions", where);
	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(v);
		size_t n = s ? strlen(s) : 0;
		uint32_t before = *out;

		/* "zaak.*" stands for every action of that resource. */
		if (n >= 2 && strcmp(s + n - 2, ".*") == 0) {
			for (int a = 0; a < ACTIE__COUNT; a++)
				if (strncmp(actie_names[a], s, n - 1) == 0)
					*out |= 1u << a;
		} else {
			int a = index_of(actie_names, ACTIE__COUNT, s);

			if (a >= 0)
				*out |= 1u << a;
		}
		if (*out == before && !(s && index_of(actie_names, ACTIE__COUNT, s) >= 0))
			return fail(ld, "%s[%zu]: unknown action", where, i);
	}
	return true;
}

static bool
level(struct loader *ld, const json_t *obj, const char *key, const char *where, int *out)
{
	const json_t *v = json_object_get(obj, key);
	enum vertrouwelijkheid vt;

	*out = -1;
	if (!v)
		return true;
	if (!vertrouwelijkheid_from_name(json_string_value(v), &vt))
		return fail(ld,
		            "%s.%s: not a vertrouwelijkheidaanduiding (openbaar ... zeer_geheim)",
		            where, key);
	*out = (int)vt;
	return true;
}

static bool
loa_of(struct loader *ld, const json_t *obj, const char *key, const char *where, int *out)
{
	const json_t *v = json_object_get(obj, key);
	const char *s = json_string_value(v);
	enum loa l;

	*out = -1;
	if (!v)
		return true;
	if (!s || !loa_from_name(s, &l) || strcmp(s, loa_name(l)) != 0)
		return fail(ld, "%s.%s: not a level (geen, basis, midden, substantieel, hoog)",
		            where, key);
	*out = (int)l;
	return true;
}

static bool
tri_of(struct loader *ld, const json_t *obj, const char *key, const char *where, enum tri *out)
{
	const json_t *v = json_object_get(obj, key);

	*out = TRI_ONBEPAALD;
	if (!v)
		return true;
	if (!json_is_boolean(v))
		return fail(ld, "%s.%s must be true or false", where, key);
	*out = json_is_true(v) ? TRI_JA : TRI_NEE;
	return true;
}

static bool
voorwaarden_load(struct loader *ld, const json_t *vw, const char *where, struct regel *r)
{
	static const char *const keys[] = {"relatie",
	                                   "zaak",
	                                   "vertrouwelijkheidVanaf",
	                                   "vertrouwelijkheidTotEnMet",
	                                   "tonenAanInitiator",
	                                   "afgeschermd",
	                                   "minimaalBetrouwbaarheidsniveau",
	                                   "betrouwbaarheidsniveauLagerDan",
	                                   "klantcontactReden",
	                                   "eigenBsnBekend",
	                                   "doel",
	                                   "toelichting",
	                                   NULL};
	char w[256];
	const json_t *v;

	r->open = TRI_ONBEPAALD;
	r->vt_vanaf = r->vt_tot_en_met = -1;
	r->tonen = r->afgeschermd = r->reden = r->bsn_bekend = TRI_ONBEPAALD;
	r->loa_minimaal = r->loa_lager_dan = -1;
	if (!vw)
		return true;
	if (!json_is_object(vw))
		return fail(ld, "%s must be an object", where);
	if (!only_keys(ld, vw, where, keys))
		return false;
	if ((v = json_object_get(vw, "relatie"))) {
		snprintf(w, sizeof(w), "%s.relatie", where);
		if (!relaties_mask(ld, v, w, &r->relaties))
			return false;
	}
	if ((v = json_object_get(vw, "zaak"))) {
		const char *s = json_string_value(v);

		if (s && strcmp(s, "open") == 0)
			r->open = TRI_JA;
		else if (s && strcmp(s, "gesloten") == 0)
			r->open = TRI_NEE;
		else
			return fail(ld, "%s.zaak must be \"open\" or \"gesloten\"", where);
	}
	if (!level(ld, vw, "vertrouwelijkheidVanaf", where, &r->vt_vanaf) ||
	    !level(ld, vw, "vertrouwelijkheidTotEnMet", where, &r->vt_tot_en_met) ||
	    !tri_of(ld, vw, "tonenAanInitiator", where, &r->tonen) ||
	    !tri_of(ld, vw, "afgeschermd", where, &r->afgeschermd) ||
	    !loa_of(ld, vw, "minimaalBetrouwbaarheidsniveau", where, &r->loa_minimaal) ||
	    !loa_of(ld, vw, "betrouwbaarheidsniveauLagerDan", where, &r->loa_lager_dan) ||
	    !tri_of(ld, vw, "klantcontactReden", where, &r->reden) ||
	    !tri_of(ld, vw, "eigenBsnBekend", where, &r->bsn_bekend))
		return false;
	if (r->vt_vanaf >= 0 && r->vt_tot_en_met >= 0 && r->vt_vanaf > r->vt_tot_en_met)
		return fail(ld, "%s: vertrouwelijkheidVanaf lies above vertrouwelijkheidTotEnMet",
		            where);
	if ((v = json_object_get(vw, "doel"))) {
		const json_t *d;
		size_t i;

		if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > MAX_DOELEN)
			return fail(ld, "%s.doel must be a list of 1 to %d purposes", where,
			            MAX_DOELEN);
		json_array_foreach(v, i, d)
		{
			if (!json_is_string(d) || json_string_length(d) == 0)
				return fail(ld, "%s.doel[%zu] must be a non-empty string", where,
				            i);
			if (!(r->doelen[r->n_doelen++] = strdup(json_string_value(d))))
				return fail(ld, "out of memory");
		}
	}
	return true;
}

static bool
id_ok(const char *id)
{
	for (const char *c = id; *c; c++)
		if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '-'))
			return false;
	return *id != '\0';
}

static bool
uitleg_load(struct loader *ld, const json_t *obj, const char *where, char **nl, char **en)
{
	static const char *const keys[] = {"nl", "en", NULL};
	const json_t *u = json_object_get(obj, "uitleg");
	char w[256];

	snprintf(w, sizeof(w), "%s.uitleg", where);
	if (!json_is_object(u))
		return fail(ld, "%s is required: {\"nl\": ..., \"en\": ...}", w);
	if (!only_keys(ld, u, w, keys))
		return false;
	*nl = dup_text(ld, u, "nl", true, w);
	*en = dup_text(ld, u, "en", true, w);
	return !ld->failed;
}

static bool
regel_load(struct loader *ld, const struct policy *pol, const json_t *obj, size_t idx,
           struct regel *r)
{
	static const char *const keys[] = {"id",     "effect",      "rollen", "uitgezonderdeRollen",
	                                   "acties", "voorwaarden", "detail", "bestaanOnthullen",
	                                   "uitleg", "toelichting", NULL};
	char where[96], w[160];
	const char *effect;
	const json_t *v;

	snprintf(where, sizeof(where), "regels[%zu]", idx);
	if (!json_is_object(obj))
		return fail(ld, "%s must be an object", where);
	if (!only_keys(ld, obj, where, keys))
		return false;
	r->id = dup_text(ld, obj, "id", true, where);
	if (!r->id)
		return false;
	if (!id_ok(r->id) || strcmp(r->id, STANDAARD_REGEL) == 0 ||
	    strcmp(r->id, "afscherming") == 0 || strcmp(r->id, REGEL_DOEL) == 0 ||
	    strcmp(r->id, REGEL_APP_GEEN) == 0 || strcmp(r->id, REGEL_APP_BUITEN) == 0)
		return fail(ld,
		            "%s.id: lowercase letters, digits and '-' only, not a reserved name",
		            where);
	snprintf(where, sizeof(where), "regel %s", r->id);
	effect = json_string_value(json_object_get(obj, "effect"));
	if (effect && strcmp(effect, "toestaan") == 0)
		r->weigeren = false;
	else if (effect && strcmp(effect, "weigeren") == 0)
		r->weigeren = true;
	else
		return fail(ld, "%s: effect must be \"toestaan\" or \"weigeren\"", where);
	snprintf(w, sizeof(w), "%s: rollen", where);
	if (!rollen_mask(ld, pol, json_object_get(obj, "rollen"), w, &r->rollen))
		return false;
	if ((v = json_object_get(obj, "uitgezonderdeRollen"))) {
		snprintf(w, sizeof(w), "%s: uitgezonderdeRollen", where);
		if (!rollen_mask(ld, NULL, v, w, &r->uitgezonderd))
			return false;
	}
	snprintf(w, sizeof(w), "%s: acties", where);
	if (!acties_mask(ld, json_object_get(obj, "acties"), w, &r->acties))
		return false;
	snprintf(w, sizeof(w), "%s: voorwaarden", where);
	if (!voorwaarden_load(ld, json_object_get(obj, "voorwaarden"), w, r))
		return false;
	v = json_object_get(obj, "detail");
	if (r->weigeren) {
		if (v)
			return fail(ld, "%s: a weigeren rule grants no detail", where);
		v = json_object_get(obj, "bestaanOnthullen");
		if (v && !json_is_boolean(v))
			return fail(ld, "%s: bestaanOnthullen must be true or false", where);
		r->bestaan_onthullen = json_is_true(v);
	} else {
		if (!detail_from_name(json_string_value(v), &r->detail))
			return fail(ld, "%s: detail must be \"samenvatting\" or \"volledig\"",
			            where);
		if (json_object_get(obj, "bestaanOnthullen"))
			return fail(ld, "%s: bestaanOnthullen belongs to weigeren rules", where);
	}
	return uitleg_load(ld, obj, where, &r->uitleg, &r->uitleg_en);
}

/* The two persons behind the policy may not appear in any grant it makes. */
static bool
niet_voor_opsteller(struct loader *ld, const struct policy *pol, const char *persoon,
                    const char *wat)
{
	if (zelfde_persoon(persoon, pol->opgesteld_door))
		return fail(ld,
		            "%s names %s, who drew up this policy: nobody grants rights to "
		            "themselves",
		            wat, pol->opgesteld_door);
	if (zelfde_persoon(persoon, pol->goedgekeurd_door))
		return fail(ld,
		            "%s names %s, who approved this policy: nobody approves a grant "
		            "for themselves",
		            wat, pol->goedgekeurd_door);
	return true;
}

/* A purpose as a caller writes it: lowercase letters, digits, '-' and '_'. */
static bool
doel_vorm_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 1 && n <= POLICY_DOEL_MAX &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static bool
doelen_load(struct loader *ld, const json_t *obj, const char *where, struct doelen *d)
{
	const json_t *arr = json_object_get(obj, "doelen"), *v;
	const char *std = json_string_value(json_object_get(obj, "standaardDoel"));
	size_t i;

	if (!arr && !json_object_get(obj, "standaardDoel"))
		return true;
	if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > MAX_DOELEN)
		return fail(ld, "%s.doelen must be a list of 1 to %d purposes", where, MAX_DOELEN);
	json_array_foreach(arr, i, v)
	{
		if (!doel_vorm_ok(json_string_value(v)))
			return fail(
			        ld,
			        "%s.doelen[%zu]: lowercase letters, digits, '-' and '_' (at most "
			        "%d)",
			        where, i, POLICY_DOEL_MAX);
		if (!(d->doel[d->n] = strdup(json_string_value(v))))
			return fail(ld, "out of memory");
		d->n++;
		if (std && strcmp(std, json_string_value(v)) == 0)
			d->standaard = d->doel[d->n - 1];
	}
	if (json_object_get(obj, "standaardDoel") && !d->standaard)
		return fail(ld, "%s.standaardDoel must be one of its doelen", where);
	return true;
}

static void
doelen_free(struct doelen *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->doel[i]);
}

static bool
doel_in(const struct doelen *d, const char *doel)
{
	for (size_t i = 0; doel && i < d->n; i++)
		if (strcmp(d->doel[i], doel) == 0)
			return true;
	return false;
}

static bool
rollen_load(struct loader *ld, struct policy *pol, const json_t *rollen)
{
	static const char *const keys[] = {"maximaleVertrouwelijkheid", "doelen", "standaardDoel",
	                                   "toelichting", NULL};
	const char *name;
	json_t *def;

	for (int r = 0; r < ROL__COUNT; r++)
		pol->rol_max[r] = -1;
	if (!json_is_object(rollen) || json_object_size(rollen) == 0)
		return fail(ld, "rollen is required: each role with its maximaleVertrouwelijkheid");
	json_object_foreach((json_t *)rollen, name, def)
	{
		int r = rol_from_name(name);
		char where[64];

		snprintf(where, sizeof(where), "rollen.%.40s", name);
		if (r < 0)
			return fail(ld, "%s: unknown role", where);
		if (!json_is_object(def) || !only_keys(ld, def, where, keys))
			return fail(ld, "%s must be an object", where);
		if (!level(ld, def, "maximaleVertrouwelijkheid", where, &pol->rol_max[r]))
			return false;
		if (pol->rol_max[r] < 0)
			return fail(ld, "%s: maximaleVertrouwelijkheid is required", where);
		if (!doelen_load(ld, def, where, &pol->rol_doelen[r]))
			return false;
	}
	return true;
}

static bool
applicaties_load(struct loader *ld, struct policy *pol, const json_t *obj)
{
	static const char *const keys[] = {
	        "zaaktypen", "maximaleVertrouwelijkheid", "acties", "doelen", "toelichting", NULL};
	const char *client;
	json_t *def;

	if (!obj)
		return true;
	if (!json_is_object(obj) || json_object_size(obj) > MAX_PERSONEN)
		return fail(ld, "applicaties must map client ids to their grant");
	pol->applicaties = calloc(json_object_size(obj) + 1, sizeof(*pol->applicaties));
	if (!pol->applicaties)
		return fail(ld, "out of memory");
	json_object_foreach((json_t *)obj, client, def)
	{
		struct applicatie *a = &pol->applicaties[pol->n_applicaties];
		const json_t *zt = json_object_get(def, "zaaktypen"), *v;
		char where[96], w[128];
		size_t i;

		snprintf(where, sizeof(where), "applicaties.%.60s", client);
		if (!json_is_object(def) || !only_keys(ld, def, where, keys))
			return fail(ld, "%s must be an object", where);
		if (!(a->client_id = strdup(client)))
			return fail(ld, "out of memory");
		pol->n_applicaties++;
		if (!json_is_array(zt) || json_array_size(zt) == 0 ||
		    json_array_size(zt) > MAX_PERSONEN)
			return fail(ld, "%s.zaaktypen must list 1 to %d zaaktypen, or [\"*\"]",
			            where, MAX_PERSONEN);
		a->zaaktypen = calloc(json_array_size(zt), sizeof(*a->zaaktypen));
		if (!a->zaaktypen)
			return fail(ld, "out of memory");
		json_array_foreach(zt, i, v)
		{
			if (!json_is_string(v) || json_string_length(v) == 0 ||
			    json_string_length(v) >= PRINCIPAL_MAX_TEKST)
				return fail(ld,
				            "%s.zaaktypen[%zu] must be a zaaktype identificatie",
				            where, i);
			if (strcmp(json_string_value(v), "*") == 0)
				a->alle_zaaktypen = true;
			else if (!(a->zaaktypen[a->n_zaaktypen++] = strdup(json_string_value(v))))
				return fail(ld, "out of memory");
		}
		if (!level(ld, def, "maximaleVertrouwelijkheid", where, &a->max_vt))
			return false;
		if (a->max_vt < 0)
			return fail(ld, "%s: maximaleVertrouwelijkheid is required", where);
		snprintf(w, sizeof(w), "%s: acties", where);
		if (!acties_mask(ld, json_object_get(def, "acties"), w, &a->acties))
			return false;
		if (!json_object_get(def, "doelen"))
			return fail(ld, "%s.doelen is required: the purposes it may state", where);
		if (!doelen_load(ld, def, where, &a->doelen))
			return false;
		/* Its first purpose is the one it states when it names none. */
		a->doelen.standaard = a->doelen.doel[0];
	}
	return true;
}

static bool
afscherming_load(struct loader *ld, struct policy *pol, const json_t *a)
{
	static const char *const keys[] = {"zichtbaarVoorRollen", "zichtbaarVoorRelaties", "uitleg",
	                                   "toelichting", NULL};
	const json_t *v;

	if (!json_is_object(a))
		return fail(ld, "afscherming is required: who may see a shielded person's zaken");
	if (!only_keys(ld, a, "afscherming", keys) ||
	    !rollen_mask(ld, NULL, json_object_get(a, "zichtbaarVoorRollen"),
	                 "afscherming.zichtbaarVoorRollen", &pol->afscherming_rollen))
		return false;
	if ((v = json_object_get(a, "zichtbaarVoorRelaties")) &&
	    !relaties_mask(ld, v, "afscherming.zichtbaarVoorRelaties", &pol->afscherming_relaties))
		return false;
	if (pol->afscherming_relaties & REL_GEEN_BIT)
		return fail(ld, "afscherming.zichtbaarVoorRelaties cannot hold geen");
	return uitleg_load(ld, a, "afscherming", &pol->afscherming_uitleg,
	                   &pol->afscherming_uitleg_en);
}

static bool
toekenningen_load(struct loader *ld, struct policy *pol, const json_t *arr)
{
	static const char *const keys[] = {"medewerker", "rol", "toelichting", NULL};
	const json_t *t;
	size_t i;

	if (!arr)
		return true;
	if (!json_is_array(arr) || json_array_size(arr) > MAX_PERSONEN)
		return fail(ld, "toekenningen must be a list of at most %d", MAX_PERSONEN);
	pol->toekenningen = calloc(json_array_size(arr) + 1, sizeof(*pol->toekenningen));
	if (!pol->toekenningen)
		return fail(ld, "out of memory");
	json_array_foreach(arr, i, t)
	{
		struct persoon_rollen *pr = &pol->toekenningen[pol->n_toekenningen];
		char where[64], wat[160];
		int r;

		snprintf(where, sizeof(where), "toekenningen[%zu]", i);
		if (!json_is_object(t) || !only_keys(ld, t, where, keys))
			return fail(ld, "%s must be an object", where);
		pr->medewerker = dup_text(ld, t, "medewerker", true, where);
		if (!pr->medewerker)
			return false;
		pol->n_toekenningen++;
		r = rol_from_name(json_string_value(json_object_get(t, "rol")));
		if (r < 0 || !(ROL_BIT(r) & ROLLEN_MEDEWERKER))
			return fail(ld, "%s.rol: not an employee role", where);
		pr->rollen = ROL_BIT(r);
		snprintf(wat, sizeof(wat), "%s (rol %s)", where, rol_name((enum rol)r));
		if (!niet_voor_opsteller(ld, pol, pr->medewerker, wat))
			return false;
	}
	return true;
}

static bool
verwanten_load(struct loader *ld, struct policy *pol, const json_t *obj)
{
	static const char *const keys[] = {"bsn", "toelichting", NULL};
	const char *mw;
	json_t *def;

	if (!obj)
		return true;
	if (!json_is_object(obj) || json_object_size(obj) > MAX_PERSONEN)
		return fail(ld, "verwanten must map medewerker ids to {\"bsn\": [...]}");
	pol->verwanten = calloc(json_object_size(obj) + 1, sizeof(*pol->verwanten));
	if (!pol->verwanten)
		return fail(ld, "out of memory");
	json_object_foreach((json_t *)obj, mw, def)
	{
		struct verwanten *vw = &pol->verwanten[pol->n_verwanten];
		const json_t *arr = json_object_get(def, "bsn"), *b;
		char where[96];
		size_t i;

		snprintf(where, sizeof(where), "verwanten.%.60s", mw);
		if (!json_is_object(def) || !only_keys(ld, def, where, keys))
			return fail(ld, "%s must be an object", where);
		if (!(vw->medewerker = strdup(mw)))
			return fail(ld, "out of memory");
		pol->n_verwanten++;
		if (!niet_voor_opsteller(ld, pol, mw, where))
			return false;
		if (!json_is_array(arr) || json_array_size(arr) == 0 ||
		    json_array_size(arr) > MAX_PERSONEN)
			return fail(ld, "%s.bsn must be a list of 1 to %d BSNs", where,
			            MAX_PERSONEN);
		vw->bsn = calloc(json_array_size(arr), sizeof(*vw->bsn));
		if (!vw->bsn)
			return fail(ld, "out of memory");
		json_array_foreach(arr, i, b)
		{
			/* The position, never the number: this message may be logged. */
			if (!identiteit_set(&vw->bsn[vw->n], ID_BSN, json_string_value(b)))
				return fail(ld, "%s.bsn[%zu] is not a valid BSN", where, i);
			vw->n++;
		}
	}
	return true;
}

void
policy_free(struct policy *pol)
{
	if (!pol)
		return;
	for (size_t i = 0; i < pol->n_regels; i++) {
		struct regel *r = &pol->regels[i];

		free(r->id);
		free(r->uitleg);
		free(r->uitleg_en);
		for (size_t j = 0; j < r->n_doelen; j++)
			free(r->doelen[j]);
	}
	free(pol->regels);
	for (size_t i = 0; i < pol->n_toekenningen; i++)
		free(pol->toekenningen[i].medewerker);
	free(pol->toekenningen);
	for (size_t i = 0; i < pol->n_verwanten; i++) {
		free(pol->verwanten[i].medewerker);
		free(pol->verwanten[i].bsn);
	}
	free(pol->verwanten);
	for (int r = 0; r < ROL__COUNT; r++)
		doelen_free(&pol->rol_doelen[r]);
	for (size_t i = 0; i < pol->n_applicaties; i++) {
		struct applicatie *a = &pol->applicaties[i];

		free(a->client_id);
		for (size_t j = 0; j < a->n_zaaktypen; j++)
			free(a->zaaktypen[j]);
		free(a->zaaktypen);
		doelen_free(&a->doelen);
	}
	free(pol->applicaties);
	free(pol->afscherming_uitleg);
	free(pol->afscherming_uitleg_en);
	free(pol->versie);
	free(pol->opgesteld_door);
	free(pol->goedgekeurd_door);
	free(pol->goedgekeurd_op);
	free(pol);
}

static bool
policy_build(struct loader *ld, struct policy *pol, const json_t *root)
{
	static const char *const keys[] = {
	        "naam",          "versie", "toelichting", "opgesteldDoor", "goedgekeurdDoor",
	        "goedgekeurdOp", "rollen", "afscherming", "toekenningen",  "verwanten",
	        "applicaties",   "regels", NULL};
	const json_t *regels, *r;
	size_t i;

	if (!json_is_object(root))
		return fail(ld, "a policy is a JSON object");
	if (!only_keys(ld, root, "policy", keys))
		return false;
	pol->versie = dup_text(ld, root, "versie", true, "policy");
	pol->opgesteld_door = dup_text(ld, root, "opgesteldDoor", true, "policy");
	pol->goedgekeurd_door = dup_text(ld, root, "goedgekeurdDoor", true, "policy");
	pol->goedgekeurd_op = dup_text(ld, root, "goedgekeurdOp", true, "policy");
	if (ld->failed)
		return false;
	if (zelfde_persoon(pol->opgesteld_door, pol->goedgekeurd_door))
		return fail(ld,
		            "policy was approved by %s, who also drew it up: a change needs a "
		            "second person's approval",
		            pol->goedgekeurd_door);
	if (!rollen_load(ld, pol, json_object_get(root, "rollen")) ||
	    !afscherming_load(ld, pol, json_object_get(root, "afscherming")) ||
	    !toekenningen_load(ld, pol, json_object_get(root, "toekenningen")) ||
	    !verwanten_load(ld, pol, json_object_get(root, "verwanten")) ||
	    !applicaties_load(ld, pol, json_object_get(root, "applicaties")))
		return false;
	regels = json_object_get(root, "regels");
	if (!json_is_array(regels) || json_array_size(regels) == 0 ||
	    json_array_size(regels) > MAX_REGELS)
		return fail(ld, "regels must be a list of 1 to %d rules", MAX_REGELS);
	pol->regels = calloc(json_array_size(regels), sizeof(*pol->regels));
	if (!pol->regels)
		return fail(ld, "out of memory");
	json_array_foreach(regels, i, r)
	{
		pol->n_regels = i + 1;
		if (!regel_load(ld, pol, r, i, &pol->regels[i]))
			return false;
		for (size_t j = 0; j < i; j++)
			if (strcmp(pol->regels[j].id, pol->regels[i].id) == 0)
				return fail(ld, "regel %s appears twice", pol->regels[i].id);
	}
	return true;
}

struct policy *
policy_parse(const char *json, size_t len, char *err, size_t errlen)
{
	struct loader ld = {.err = err, .errlen = errlen};
	struct policy *pol;
	json_error_t jerr;
	json_t *root;

	if (len > MAX_POLICY_FILE) {
		snprintf(err, errlen, "policy larger than %d bytes", MAX_POLICY_FILE);
		return NULL;
	}
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(err, errlen, "policy is not valid JSON: %s (line %d, column %d)",
		         jerr.text, jerr.line, jerr.column);
		return NULL;
	}
	pol = calloc(1, sizeof(*pol));
	if (!pol) {
		snprintf(err, errlen, "out of memory");
	} else if (policy_build(&ld, pol, root)) {
		unsigned char md[SHA256_DIGEST_LENGTH];

		SHA256((const unsigned char *)json, len, md);
		for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
			snprintf(pol->sha256 + 2 * i, 3, "%02x", md[i]);
	} else {
		policy_free(pol);
		pol = NULL;
	}
	json_decref(root);
	return pol;
}

struct policy *
policy_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct policy *pol = NULL;
	struct stat st;
	char *buf;

	if (!f) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_POLICY_FILE) {
		snprintf(err, errlen, "%s: not a regular file of at most %d bytes", path,
		         MAX_POLICY_FILE);
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf && fread(buf, 1, (size_t)st.st_size, f) == (size_t)st.st_size)
		pol = policy_parse(buf, (size_t)st.st_size, err, errlen);
	else
		snprintf(err, errlen, "cannot read %s", path);
	free(buf);
	fclose(f);
	return pol;
}

bool
policy_reload(struct policy **current, const char *path, char *err, size_t errlen)
{
	struct policy *fresh = policy_load(path, err, errlen);

	if (!fresh)
		return false;
	policy_free(*current);
	*current = fresh;
	return true;
}

void
policy_log_loaded(const struct policy *pol, const char *path)
{
	/* The four-eyes record: which version is in force and who approved it. */
	zlog_info("policy %s in force: versie %s, %zu regels, opgesteld door %s, goedgekeurd door "
	          "%s op %s, sha256 %s",
	          path, pol->versie, pol->n_regels, pol->opgesteld_door, pol->goedgekeurd_door,
	          pol->goedgekeurd_op, pol->sha256);
}

/* ---- evaluation ------------------------------------------------------------ */

/* Everything about the caller and the zaak that the rules test, computed once. */
struct feiten {
	uint32_t rollen;    /* from the token and the policy's toekenningen */
	uint32_t rollen_vt; /* roles whose maximum covers the zaak's vertrouwelijkheid */
	uint32_t relaties;  /* 1 << REL_..., or REL_GEEN_BIT */
	bool bsn_bekend;
};

static bool
machtiging_geldt(const struct machtiging *m, const struct zaak_resource *z)
{
	if (!identiteit_equal(&m->voor, &z->initiator))
		return false;
	if (m->n_diensten == 0)
		return true;
	for (unsigned i = 0; z->zaaktype && i < m->n_diensten; i++)
		if (strcmp(m->diensten[i], z->zaaktype) == 0)
			return true;
	return false;
}

static bool
is_verwant(const struct policy *pol, const struct principal *p, const struct zaak_resource *z)
{
	for (size_t i = 0; i < pol->n_verwanten; i++) {
		const struct verwanten *vw = &pol->verwanten[i];

		if (!zelfde_persoon(vw->medewerker, p->medewerker_id))
			continue;
		for (size_t j = 0; j < vw->n; j++) {
			if (identiteit_equal(&vw->bsn[j], &z->initiator))
				return true;
			for (size_t k = 0; k < z->n_gemachtigden; k++)
				if (identiteit_equal(&vw->bsn[j], &z->gemachtigden[k]))
					return true;
		}
	}
	return false;
}

/* The caller's roles: from the token, and for employees from the policy's toekenningen. */
static uint32_t
rollen_van(const struct policy *pol, const struct principal *p)
{
	uint32_t rollen = p->rollen;

	if (p->kind == PRINCIPAL_MEDEWERKER && p->medewerker_id[0]) {
		for (size_t i = 0; i < pol->n_toekenningen; i++)
			if (zelfde_persoon(pol->toekenningen[i].medewerker, p->medewerker_id))
				rollen |= pol->toekenningen[i].rollen;
	}
	return rollen;
}

static const struct applicatie *
applicatie_van(const struct policy *pol, const struct principal *p)
{
	if (p->kind != PRINCIPAL_APPLICATIE)
		return NULL;
	for (size_t i = 0; i < pol->n_applicaties; i++)
		if (strcmp(pol->applicaties[i].client_id, p->client_id) == 0)
			return &pol->applicaties[i];
	return NULL;
}

bool
policy_doel_toegestaan(const struct policy *pol, const struct principal *p, const char *doel)
{
	uint32_t rollen = rollen_van(pol, p);
	const struct applicatie *a;

	if (p->kind == PRINCIPAL_APPLICATIE)
		return (a = applicatie_van(pol, p)) && doel_in(&a->doelen, doel);
	for (int r = 0; r < ROL__COUNT; r++)
		if ((rollen & ROL_BIT(r)) && doel_in(&pol->rol_doelen[r], doel))
			return true;
	return false;
}

const char *
policy_standaard_doel(const struct policy *pol, const struct principal *p)
{
	/* The role that does the work names the purpose: a behandelaar who also
	 * answers the phone works on zaken. */
	static const enum rol volgorde[] = {ROL_INWONER,   ROL_BEHANDELAAR, ROL_KCC_MEDEWERKER,
	                                    ROL_BEHEERDER, ROL_FG,          ROL_AFSCHERMING};
	uint32_t rollen = rollen_van(pol, p);
	const struct applicatie *a;

	if (p->kind == PRINCIPAL_APPLICATIE)
		return (a = applicatie_van(pol, p)) ? a->doelen.standaard : NULL;
	for (size_t i = 0; i < sizeof(volgorde) / sizeof(volgorde[0]); i++)
		if ((rollen & ROL_BIT(volgorde[i])) && pol->rol_doelen[volgorde[i]].standaard)
			return pol->rol_doelen[volgorde[i]].standaard;
	return NULL;
}

/* Whether the application's own grant covers this action on this zaak. */
static bool
binnen_toekenning(const struct applicatie *a, enum policy_actie actie,
                  const struct zaak_resource *z, const struct policy_context *ctx)
{
	bool zaaktype = a->alle_zaaktypen;

	if (!(a->acties & (1u << actie)))
		return false;
	if (!doel_in(&a->doelen, ctx && ctx->doel ? ctx->doel : a->doelen.standaard))
		return false;
	if (!z)
		return true;
	for (size_t i = 0; !zaaktype && z->zaaktype && i < a->n_zaaktypen; i++)
		zaaktype = strcmp(a->zaaktypen[i], z->zaaktype) == 0;
	return zaaktype && (int)z->vertrouwelijkheid <= a->max_vt;
}

static void
feiten_bepalen(const struct policy *pol, const struct principal *p, const struct zaak_resource *z,
               struct feiten *f)
{
	f->rollen = rollen_van(pol, p);
	f->bsn_bekend = p->identiteit.type == ID_BSN;
	f->rollen_vt = 0;
	f->relaties = 0;
	for (int r = 0; r < ROL__COUNT; r++)
		if (pol->rol_max[r] >= 0 && (!z || (int)z->vertrouwelijkheid <= pol->rol_max[r]))
			f->rollen_vt |= ROL_BIT(r);
	if (!z)
		return;
	if (identiteit_equal(&p->identiteit, &z->initiator))
		f->relaties |= 1u << REL_EIGEN;
	for (unsigned i = 0; i < p->n_machtigingen; i++)
		if (machtiging_geldt(&p->machtigingen[i], z))
			f->relaties |= 1u << REL_GEMACHTIGDE;
	for (size_t i = 0; i < z->n_gemachtigden; i++)
		if (identiteit_equal(&p->identiteit, &z->gemachtigden[i]))
			f->relaties |= 1u << REL_GEMACHTIGDE_OP_ZAAK;
	if (p->kind == PRINCIPAL_MEDEWERKER && p->medewerker_id[0]) {
		if (is_verwant(pol, p, z))
			f->relaties |= 1u << REL_VERWANT;
		if (z->behandelaar && zelfde_persoon(z->behandelaar, p->medewerker_id))
			f->relaties |= 1u << REL_TOEGEWEZEN;
	}
	if (p->afdeling[0] && z->afdeling && zelfde_persoon(z->afdeling, p->afdeling))
		f->relaties |= 1u << REL_ZELFDE_AFDELING;
	if (f->relaties == 0)
		f->relaties = REL_GEEN_BIT;
}

/* Where explain writes; NULL on the hot path, where the first failed test ends the rule. */
struct spoor {
	FILE *out;
	int fouten;
};

static void __attribute__((format(printf, 2, 3))) waarom(struct spoor *s, const char *fmt, ...)
{
	va_list ap;

	if (!s)
		return;
	fprintf(s->out, "%s", s->fouten++ ? "; " : " — niet van toepassing: ");
	va_start(ap, fmt);
	vfprintf(s->out, fmt, ap);
	va_end(ap);
}

static void
namen(FILE *out, uint32_t mask, const char *const *names, int n, const char *none)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		if (mask & (1u << i))
			fprintf(out, "%s%s", k++ ? ", " : "", names[i]);
	if (k == 0)
		fprintf(out, "%s", none);
}

static void
rollen_namen(FILE *out, uint32_t mask)
{
	int k = 0;

	for (int r = 0; r < ROL__COUNT; r++)
		if (mask & ROL_BIT(r))
			fprintf(out, "%s%s", k++ ? ", " : "", rol_name((enum rol)r));
	if (k == 0)
		fprintf(out, "(geen)");
}

#define FAAL(...)                                                                                  \
	do {                                                                                       \
		if (!s)                                                                            \
			return false;                                                              \
		waarom(s, __VA_ARGS__);                                                            \
	} while (0)

static bool
regel_geldt(const struct regel *r, const struct feiten *f, const struct principal *p,
            enum policy_actie actie, const struct zaak_resource *z,
            const struct policy_context *ctx, struct spoor *s)
{
	uint32_t via = f->rollen & r->rollen;
	bool zaakvoorwaarde = r->relaties || r->open != TRI_ONBEPAALD || r->vt_vanaf >= 0 ||
	                      r->vt_tot_en_met >= 0 || r->tonen != TRI_ONBEPAALD ||
	                      r->afgeschermd != TRI_ONBEPAALD;

	if (!(r->acties & (1u << actie)))
		FAAL("actie %s valt buiten deze regel", policy_actie_name(actie));
	if (!via)
		FAAL("aanroeper heeft geen van de rollen van deze regel");
	if (f->rollen & r->uitgezonderd)
		FAAL("aanroeper heeft een uitgezonderde rol");
	/* A permit goes no higher than the maximum of a role it is granted through. */
	if (!r->weigeren && via && !(via & f->rollen_vt))
		FAAL("vertrouwelijkheid %s ligt boven het maximum van de rol",
		     z ? vt_naam(z->vertrouwelijkheid) : "?");
	if (zaakvoorwaarde && !z)
		FAAL("regel gaat over een zaak en er is geen zaak");
	if (z && r->relaties && !(r->relaties & f->relaties))
		FAAL("vereiste relatie tot de zaak ontbreekt");
	if (z && r->open != TRI_ONBEPAALD && (int)z->open != (int)r->open)
		FAAL("zaak is %s", z->open ? "open" : "gesloten");
	if (z && r->vt_vanaf >= 0 && (int)z->vertrouwelijkheid < r->vt_vanaf)
		FAAL("vertrouwelijkheid %s ligt onder %s", vt_naam(z->vertrouwelijkheid),
		     vt_naam(r->vt_vanaf));
	if (z && r->vt_tot_en_met >= 0 && (int)z->vertrouwelijkheid > r->vt_tot_en_met)
		FAAL("vertrouwelijkheid %s ligt boven %s", vt_naam(z->vertrouwelijkheid),
		     vt_naam(r->vt_tot_en_met));
	if (z && r->tonen != TRI_ONBEPAALD && (int)z->tonen_aan_initiator != (int)r->tonen)
		FAAL("zaaktype %s aan de initiator getoond",
		     z->tonen_aan_initiator ? "wordt" : "wordt niet");
	if (z && r->afgeschermd != TRI_ONBEPAALD && (int)z->afgeschermd != (int)r->afgeschermd)
		FAAL("initiator is %safgeschermd", z->afgeschermd ? "" : "niet ");
	if (r->loa_minimaal >= 0 && (int)p->loa < r->loa_minimaal)
		FAAL("betrouwbaarheidsniveau %s ligt onder %s", loa_name(p->loa),
		     loa_name((enum loa)r->loa_minimaal));
	if (r->loa_lager_dan >= 0 && (int)p->loa >= r->loa_lager_dan)
		FAAL("betrouwbaarheidsniveau %s is voldoende", loa_name(p->loa));
	if (r->reden != TRI_ONBEPAALD) {
		bool gegeven = ctx && ctx->klantcontact_reden && ctx->klantcontact_reden[0];

		if (gegeven != (r->reden == TRI_JA))
			FAAL("klantcontactreden is %sopgegeven", gegeven ? "" : "niet ");
	}
	if (r->bsn_bekend != TRI_ONBEPAALD && f->bsn_bekend != (r->bsn_bekend == TRI_JA))
		FAAL("eigen BSN van de aanroeper is %sbekend", f->bsn_bekend ? "" : "niet ");
	if (r->n_doelen > 0) {
		bool ok = false;

		for (size_t i = 0; ctx && ctx->doel && i < r->n_doelen && !ok; i++)
			ok = strcmp(ctx->doel, r->doelen[i]) == 0;
		if (!ok)
			FAAL("doel %s%s%s is hier niet toegestaan", ctx && ctx->doel ? "\"" : "",
			     ctx && ctx->doel ? ctx->doel : "(geen)", ctx && ctx->doel ? "\"" : "");
	}
	return !s || s->fouten == 0;
}

#undef FAAL

static void
beslissen(const struct policy *pol, const struct principal *p, enum policy_actie actie,
          const struct zaak_resource *z, const struct policy_context *ctx,
          struct policy_decision *out, FILE *trace)
{
	const struct regel *weiger = NULL, *toesta = NULL;
	bool verbergen = false;
	enum detail max = DETAIL_GEEN, gevraagd;
	struct feiten f;

	memset(out, 0, sizeof(*out));
	feiten_bepalen(pol, p, z, &f);
	gevraagd = ctx && ctx->gevraagd != DETAIL_GEEN ? ctx->gevraagd : DETAIL_VOLLEDIG;

	if (trace) {
		fprintf(trace, "aanroeper: %s", principal_kind_name(p->kind));
		if (p->medewerker_id[0])
			fprintf(trace, " %s", p->medewerker_id);
		if (p->client_id[0])
			fprintf(trace, " %s", p->client_id);
		fprintf(trace, "; rollen: ");
		rollen_namen(trace, f.rollen);
		if (f.rollen != p->rollen) {
			fprintf(trace, " (via toekenning in de policy: ");
			rollen_namen(trace, f.rollen & ~p->rollen);
			fprintf(trace, ")");
		}
		if (p->kind == PRINCIPAL_INWONER)
			fprintf(trace, "; betrouwbaarheidsniveau %s; %u machtiging(en)",
			        loa_name(p->loa), p->n_machtigingen);
		if (p->kind == PRINCIPAL_MEDEWERKER)
			fprintf(trace, "; afdeling %s; eigen BSN %s",
			        p->afdeling[0] ? p->afdeling : "-",
			        f.bsn_bekend ? "bekend" : "onbekend");
		fprintf(trace, "\nactie: %s\n", policy_actie_name(actie));
		if (z) {
			fprintf(trace,
			        "zaak: %s, vertrouwelijkheid %s, tonenAanInitiator %s, afgeschermd %s\n"
			        "relatie tot de zaak: ",
			        z->open ? "open" : "gesloten", vt_naam(z->vertrouwelijkheid),
			        z->tonen_aan_initiator ? "ja" : "nee",
			        z->afgeschermd ? "ja" : "nee");
			namen(trace, f.relaties, relatie_names, REL__COUNT, "geen");
			fprintf(trace, "\n");
		} else {
			fprintf(trace, "zaak: (geen)\n");
		}
		fprintf(trace, "verzoek: doel %s, klantcontactreden %s, gevraagd detail %s\n",
		        ctx && ctx->doel ? ctx->doel : "(geen)",
		        ctx && ctx->klantcontact_reden && ctx->klantcontact_reden[0] ? "opgegeven"
		                                                                     : "(geen)",
		        detail_name(gevraagd));
		fprintf(trace, "regels:\n");
	}

	/* Afscherming first: a shielded person's zaak does not exist for anyone else. */
	if (z && z->afgeschermd && !(f.rollen & pol->afscherming_rollen) &&
	    !(f.relaties & pol->afscherming_relaties)) {
		verbergen = true;
		out->regel = "afscherming";
		out->uitleg = pol->afscherming_uitleg;
		out->uitleg_en = pol->afscherming_uitleg_en;
		if (trace)
			fprintf(trace,
			        "  [afscherming] weigeren — VAN TOEPASSING (zaak verborgen)\n");
		else
			return;
	} else if (trace) {
		fprintf(trace, "  [afscherming] weigeren — niet van toepassing: %s\n",
		        !z || !z->afgeschermd ? "initiator is niet afgeschermd"
		                              : "aanroeper mag afgeschermde zaken zien");
	}

	/* A purpose the caller's roles (or the application's grant) do not
	 * allow: the caller cannot stamp "datalek-onderzoek" on a look-up. */
	if (!out->regel && ctx && ctx->doel && !policy_doel_toegestaan(pol, p, ctx->doel)) {
		verbergen = true;
		out->regel = REGEL_DOEL;
		out->uitleg = "U mag dit doel niet opgeven; kies een doel dat bij uw rol hoort.";
		out->uitleg_en = "You may not state this purpose; choose one your role allows.";
		if (trace)
			fprintf(trace, "  [%s] weigeren — VAN TOEPASSING\n", REGEL_DOEL);
		else
			return;
	}
	/* An application gets nothing beyond its own grant, and nothing without one. */
	if (!out->regel && p->kind == PRINCIPAL_APPLICATIE) {
		const struct applicatie *a = applicatie_van(pol, p);

		if (!a || !binnen_toekenning(a, actie, z, ctx)) {
			verbergen = true;
			out->regel = a ? REGEL_APP_BUITEN : REGEL_APP_GEEN;
			out->uitleg = a ? "Dit valt buiten wat deze applicatie mag inzien."
			                : "Deze applicatie heeft geen toekenning in de "
			                  "autorisatiematrix.";
			out->uitleg_en = a ? "This lies outside what this application may see."
			                   : "This application has no grant in the policy.";
			if (trace)
				fprintf(trace, "  [%s] weigeren — VAN TOEPASSING\n", out->regel);
			else
				return;
		}
	}

	for (size_t i = 0; i < pol->n_regels; i++) {
		const struct regel *r = &pol->regels[i];
		struct spoor sp = {.out = trace};
		bool geldt;

		if (trace)
			fprintf(trace, "  [%s] %s", r->id, r->weigeren ? "weigeren" : "toestaan");
		geldt = regel_geldt(r, &f, p, actie, z, ctx, trace ? &sp : NULL);
		if (trace)
			fprintf(trace, "%s\n", geldt ? " — VAN TOEPASSING" : "");
		if (!geldt)
			continue;
		if (r->weigeren) {
			if (!weiger)
				weiger = r;
			verbergen |= !r->bestaan_onthullen;
		} else if (r->detail > max) {
			max = r->detail;
			toesta = r;
		}
	}

	if (out->regel) {
		/* afscherming decided */
	} else if (weiger) {
		out->regel = weiger->id;
		out->uitleg = weiger->uitleg;
		out->uitleg_en = weiger->uitleg_en;
		out->bestaan_onthullen = !verbergen;
	} else if (toesta) {
		out->toegestaan = true;
		out->detail = max < gevraagd ? max : gevraagd;
		out->regel = toesta->id;
		out->uitleg = toesta->uitleg;
		out->uitleg_en = toesta->uitleg_en;
	} else {
		out->regel = STANDAARD_REGEL;
		out->uitleg = "Geen regel staat dit toe; wat niet is toegestaan, is geweigerd.";
		out->uitleg_en = "No rule permits this; whatever is not permitted is denied.";
	}
	if (trace) {
		fprintf(trace, "besluit: %s door regel %s",
		        out->toegestaan ? "toestaan" : "weigeren", out->regel);
		if (out->toegestaan)
			fprintf(trace, ", detail %s", detail_name(out->detail));
		else
			fprintf(trace, ", bestaan van de zaak %s",
			        out->bestaan_onthullen ? "mag bekend zijn (403)"
			                               : "blijft verborgen (404)");
		if (weiger && toesta)
			fprintf(trace, " (weigeren gaat voor toestaan: %s)", toesta->id);
		fprintf(trace, "\nuitleg: %s\nexplanation: %s\n", out->uitleg, out->uitleg_en);
	}
}

void
policy_evaluate(const struct policy *pol, const struct principal *p, enum policy_actie actie,
                const struct zaak_resource *zaak, const struct policy_context *ctx,
                struct policy_decision *out)
{
	beslissen(pol, p, actie, zaak, ctx, out, NULL);
}

void
policy_explain(const struct policy *pol, const struct principal *p, enum policy_actie actie,
               const struct zaak_resource *zaak, const struct policy_context *ctx,
               struct policy_decision *dec, FILE *out)
{
	beslissen(pol, p, actie, zaak, ctx, dec, out);
}

/* ---- a zaak from JSON ----------------------------------------------------- */

static bool
identiteit_json(const json_t *obj, struct identiteit *id)
{
	static const char *const keys[] = {"type", "nummer", NULL};
	struct loader ld = {0};
	char err[8];
	enum id_type t;

	ld.err = err;
	ld.errlen = sizeof(err);
	return json_is_object(obj) && only_keys(&ld, obj, "", keys) &&
	       id_type_from_name(json_string_value(json_object_get(obj, "type")), &t) &&
	       identiteit_set(id, t, json_string_value(json_object_get(obj, "nummer")));
}

static bool
tekst_json(const json_t *obj, const char *key, char *dst, size_t len, const char **slot)
{
	const json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return true;
	if (!json_is_string(v) || json_string_length(v) >= len)
		return false;
	memcpy(dst, json_string_value(v), json_string_length(v) + 1);
	*slot = dst;
	return true;
}

bool
zaak_from_json(const json_t *obj, struct zaak_json *out, char *err, size_t errlen)
{
	static const char *const keys[] = {"initiator",
	                                   "gemachtigden",
	                                   "behandelaar",
	                                   "afdeling",
	                                   "zaaktype",
	                                   "open",
	                                   "vertrouwelijkheidaanduiding",
	                                   "tonenAanInitiator",
	                                   "afgeschermd",
	                                   NULL};
	struct loader ld = {.err = err, .errlen = errlen};
	const json_t *g, *v;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->zaak.gemachtigden = out->gemachtigden;
	if (!json_is_object(obj))
		return fail(&ld, "a zaak is a JSON object");
	if (!only_keys(&ld, obj, "zaak", keys))
		return false;
	if (!identiteit_json(json_object_get(obj, "initiator"), &out->zaak.initiator))
		return fail(&ld, "zaak.initiator must be {\"type\": \"BSN\"|\"KVK\", \"nummer\": "
		                 "a valid number}");
	g = json_object_get(obj, "gemachtigden");
	if (g && (!json_is_array(g) || json_array_size(g) > POLICY_MAX_GEMACHTIGDEN))
		return fail(&ld, "zaak.gemachtigden must be a list of at most %d",
		            POLICY_MAX_GEMACHTIGDEN);
	json_array_foreach(g, i, v)
	{
		if (!identiteit_json(v, &out->gemachtigden[i]))
			return fail(&ld, "zaak.gemachtigden[%zu] is not a valid identity", i);
		out->zaak.n_gemachtigden = i + 1;
	}
	if (!tekst_json(obj, "behandelaar", out->behandelaar, sizeof(out->behandelaar),
	                &out->zaak.behandelaar) ||
	    !tekst_json(obj, "afdeling", out->afdeling, sizeof(out->afdeling),
	                &out->zaak.afdeling) ||
	    !tekst_json(obj, "zaaktype", out->zaaktype, sizeof(out->zaaktype), &out->zaak.zaaktype))
		return fail(&ld, "zaak.behandelaar, afdeling and zaaktype must be short strings");
	if (!json_is_boolean(json_object_get(obj, "open")))
		return fail(&ld, "zaak.open must be true or false");
	out->zaak.open = json_is_true(json_object_get(obj, "open"));
	if (!vertrouwelijkheid_from_name(
	            json_string_value(json_object_get(obj, "vertrouwelijkheidaanduiding")),
	            &out->zaak.vertrouwelijkheid))
		return fail(&ld,
		            "zaak.vertrouwelijkheidaanduiding must be openbaar ... zeer_geheim");
	v = json_object_get(obj, "tonenAanInitiator");
	if (!json_is_boolean(v))
		return fail(&ld, "zaak.tonenAanInitiator must be true or false");
	out->zaak.tonen_aan_initiator = json_is_true(v);
	v = json_object_get(obj, "afgeschermd");
	if (v && !json_is_boolean(v))
		return fail(&ld, "zaak.afgeschermd must be true or false");
	out->zaak.afgeschermd = json_is_true(v);
	return true;
}
