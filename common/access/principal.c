/*
 * principal.c — claims → principal and back. The claim names live here and in
 * deploy/policy/README.md; nothing else in zaakstroom reads raw claims.
 */
#include "access/principal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "zgw/identificatie.h"

/* An IdP may put dozens of roles for other applications in the claim; past this it is abuse. */
#define MAX_ROLLEN_CLAIM 64

static const char *const kind_names[] = {"inwoner", "medewerker", "applicatie"};

static const char *const rol_names[ROL__COUNT] = {
        [ROL_INWONER] = "inwoner",
        [ROL_GEMACHTIGDE] = "gemachtigde",
        [ROL_KCC_MEDEWERKER] = "kcc-medewerker",
        [ROL_BEHANDELAAR] = "behandelaar",
        [ROL_FG] = "fg",
        [ROL_BEHEERDER] = "beheerder",
        [ROL_AFSCHERMING] = "afscherming",
        [ROL_APPLICATIE] = "applicatie",
};

static const char *const loa_names[] = {"geen", "basis", "midden", "substantieel", "hoog"};

/* Other spellings of the five levels; eHerkenning after the usual eIDAS mapping. */
static const struct {
	const char *name;
	enum loa loa;
} loa_aliases[] = {
        {"EH1", LOA_GEEN},
        {"EH2", LOA_BASIS},
        {"EH2+", LOA_MIDDEN},
        {"EH3", LOA_SUBSTANTIEEL},
        {"EH4", LOA_HOOG},
        {"urn:etoegang:core:assurance-class:loa1", LOA_GEEN},
        {"urn:etoegang:core:assurance-class:loa2", LOA_BASIS},
        {"urn:etoegang:core:assurance-class:loa2plus", LOA_MIDDEN},
        {"urn:etoegang:core:assurance-class:loa3", LOA_SUBSTANTIEEL},
        {"urn:etoegang:core:assurance-class:loa4", LOA_HOOG},
        {"urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport", LOA_BASIS},
        {"urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract", LOA_MIDDEN},
        {"urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard", LOA_SUBSTANTIEEL},
        {"urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI", LOA_HOOG},
};

const char *
principal_kind_name(enum principal_kind kind)
{
	if ((unsigned)kind >= sizeof(kind_names) / sizeof(kind_names[0]))
		return "?";
	return kind_names[kind];
}

bool
principal_kind_from_name(const char *name, enum principal_kind *out)
{
	for (unsigned i = 0; name && i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (strcmp(name, kind_names[i]) == 0) {
			*out = (enum principal_kind)i;
			return true;
		}
	}
	return false;
}

const char *
rol_name(enum rol rol)
{
	if ((unsigned)rol >= ROL__COUNT)
		return "?";
	return rol_names[rol];
}

int
rol_from_name(const char *name)
{
	for (int i = 0; name && i < ROL__COUNT; i++)
		if (strcmp(name, rol_names[i]) == 0)
			return i;
	return -1;
}

const char *
loa_name(enum loa loa)
{
	if ((unsigned)loa > LOA_HOOG)
		return "?";
	return loa_names[loa];
}

bool
loa_from_name(const char *name, enum loa *out)
{
	if (!name)
		return false;
	for (unsigned i = 0; i <= LOA_HOOG; i++) {
		if (strcmp(name, loa_names[i]) == 0) {
			*out = (enum loa)i;
			return true;
		}
	}
	for (unsigned i = 0; i < sizeof(loa_aliases) / sizeof(loa_aliases[0]); i++) {
		if (strcasecmp(name, loa_aliases[i].name) == 0) {
			*out = loa_aliases[i].loa;
			return true;
		}
	}
	return false;
}

const char *
id_type_name(enum id_type type)
{
	switch (type) {
	case ID_BSN:
		return "BSN";
	case ID_KVK:
		return "KVK";
	default:
		return "GEEN";
	}
}

bool
id_type_from_name(const char *name, enum id_type *out)
{
	if (!name)
		return false;
	if (strcmp(name, "BSN") == 0)
		*out = ID_BSN;
	else if (strcmp(name, "KVK") == 0)
		*out = ID_KVK;
	else
		return false;
	return true;
}

bool
identiteit_set(struct identiteit *id, enum id_type type, const char *nummer)
{
	bool ok = (type == ID_BSN && bsn_valid(nummer)) || (type == ID_KVK && kvk_valid(nummer));

	if (!ok)
		return false;
	id->type = type;
	snprintf(id->nummer, sizeof(id->nummer), "%s", nummer);
	return true;
}

bool
identiteit_equal(const struct identiteit *a, const struct identiteit *b)
{
	return a->type != ID_GEEN && a->type == b->type && strcmp(a->nummer, b->nummer) == 0;
}

/* Copies a string claim; absent is fine unless required. */
static bool
copy_text(const json_t *claims, const char *name, bool required, char *dst, size_t dstlen,
          char *why, size_t whylen)
{
	const json_t *v = json_object_get(claims, name);

	if (!v) {
		if (required)
			snprintf(why, whylen, "claim %s is missing", name);
		return !required;
	}
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= dstlen ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		snprintf(why, whylen, "claim %s must be a non-empty string shorter than %zu", name,
		         dstlen);
		return false;
	}
	memcpy(dst, json_string_value(v), json_string_length(v) + 1);
	return true;
}

/* Exactly one of bsn / kvk in obj. */
static bool
identiteit_from(const json_t *obj, struct identiteit *id, bool required, const char *what,
                char *why, size_t whylen)
{
	const json_t *bsn = json_object_get(obj, "bsn");
	const json_t *kvk = json_object_get(obj, "kvk");

	if (bsn && kvk) {
		snprintf(why, whylen, "%s carries both bsn and kvk", what);
		return false;
	}
	if (!bsn && !kvk) {
		if (required)
			snprintf(why, whylen, "%s carries neither bsn nor kvk", what);
		return !required;
	}
	if (bsn && !(json_is_string(bsn) && identiteit_set(id, ID_BSN, json_string_value(bsn)))) {
		snprintf(why, whylen, "%s: bsn is not a valid BSN", what);
		return false;
	}
	if (kvk && !(json_is_string(kvk) && identiteit_set(id, ID_KVK, json_string_value(kvk)))) {
		snprintf(why, whylen, "%s: kvk is not an eight-digit KvK number", what);
		return false;
	}
	return true;
}

static bool
machtigingen_from(const json_t *arr, struct principal *p, char *why, size_t whylen)
{
	size_t i;
	const json_t *m;

	if (!json_is_array(arr) || json_array_size(arr) > PRINCIPAL_MAX_MACHTIGINGEN) {
		snprintf(why, whylen, "claim machtigingen must be an array of at most %d",
		         PRINCIPAL_MAX_MACHTIGINGEN);
		return false;
	}
	json_array_foreach(arr, i, m)
	{
		struct machtiging *mt = &p->machtigingen[p->n_machtigingen];
		const json_t *diensten, *d;
		size_t j;

		if (!json_is_object(m)) {
			snprintf(why, whylen, "machtigingen[%zu] must be an object", i);
			return false;
		}
		if (!identiteit_from(m, &mt->voor, true, "machtiging", why, whylen))
			return false;
		diensten = json_object_get(m, "diensten");
		if (diensten) {
			if (!json_is_array(diensten) ||
			    json_array_size(diensten) > PRINCIPAL_MAX_DIENSTEN) {
				snprintf(
				        why, whylen,
				        "machtigingen[%zu].diensten must be an array of at most %d",
				        i, PRINCIPAL_MAX_DIENSTEN);
				return false;
			}
			json_array_foreach(diensten, j, d)
			{
				if (!json_is_string(d) || json_string_length(d) == 0 ||
				    json_string_length(d) >= PRINCIPAL_MAX_TEKST) {
					snprintf(why, whylen,
					         "machtigingen[%zu].diensten holds a bad entry", i);
					return false;
				}
				snprintf(mt->diensten[mt->n_diensten++], PRINCIPAL_MAX_TEKST, "%s",
				         json_string_value(d));
			}
		}
		p->n_machtigingen++;
	}
	return true;
}

static bool
inwoner_from(const json_t *claims, struct principal *p, char *why, size_t whylen)
{
	const json_t *loa = json_object_get(claims, "loa");
	const json_t *m = json_object_get(claims, "machtigingen");

	if (!identiteit_from(claims, &p->identiteit, true, "token", why, whylen))
		return false;
	/* No level given is the lowest level, never an assumed one. */
	p->loa = LOA_GEEN;
	if (loa && !(json_is_string(loa) && loa_from_name(json_string_value(loa), &p->loa))) {
		snprintf(why, whylen, "claim loa is not a known level of assurance");
		return false;
	}
	p->rollen = ROL_BIT(ROL_INWONER);
	if (m && !machtigingen_from(m, p, why, whylen))
		return false;
	if (p->n_machtigingen > 0)
		p->rollen |= ROL_BIT(ROL_GEMACHTIGDE);
	return true;
}

static bool
medewerker_from(const json_t *claims, struct principal *p, char *why, size_t whylen)
{
	const json_t *roles = json_object_get(claims, "roles");
	const json_t *r;
	size_t i;

	if (!copy_text(claims, "medewerker_id", true, p->medewerker_id, sizeof(p->medewerker_id),
	               why, whylen) ||
	    !copy_text(claims, "afdeling", false, p->afdeling, sizeof(p->afdeling), why, whylen))
		return false;
	if (json_object_get(claims, "kvk")) {
		snprintf(why, whylen, "an employee token carries no kvk");
		return false;
	}
	if (!identiteit_from(claims, &p->identiteit, false, "token", why, whylen))
		return false;
	if (!roles)
		return true;
	if (!json_is_array(roles) || json_array_size(roles) > MAX_ROLLEN_CLAIM) {
		snprintf(why, whylen, "claim roles must be an array of at most %d strings",
		         MAX_ROLLEN_CLAIM);
		return false;
	}
	json_array_foreach(roles, i, r)
	{
		int rol;

		if (!json_is_string(r)) {
			snprintf(why, whylen, "claim roles must hold strings");
			return false;
		}
		/* Roles of other applications are ignored; only employee roles count here. */
		rol = rol_from_name(json_string_value(r));
		if (rol >= 0 && (ROL_BIT(rol) & ROLLEN_MEDEWERKER))
			p->rollen |= ROL_BIT(rol);
	}
	return true;
}

static bool
applicatie_from(const json_t *claims, struct principal *p, char *why, size_t whylen)
{
	if (!copy_text(claims, "client_id", true, p->client_id, sizeof(p->client_id), why,
	               whylen) ||
	    !copy_text(claims, "user_id", false, p->user_id, sizeof(p->user_id), why, whylen) ||
	    !copy_text(claims, "user_representation", false, p->user_representation,
	               sizeof(p->user_representation), why, whylen))
		return false;
	p->rollen = ROL_BIT(ROL_APPLICATIE);
	return true;
}

bool
principal_from_claims(enum principal_kind kind, const json_t *claims, struct principal *out,
                      char *why, size_t whylen)
{
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	if (!json_is_object(claims)) {
		snprintf(why, whylen, "claims are not an object");
		return false;
	}
	switch (kind) {
	case PRINCIPAL_INWONER:
		return inwoner_from(claims, out, why, whylen);
	case PRINCIPAL_MEDEWERKER:
		return medewerker_from(claims, out, why, whylen);
	case PRINCIPAL_APPLICATIE:
		return applicatie_from(claims, out, why, whylen);
	}
	snprintf(why, whylen, "unknown principal kind");
	return false;
}

static void
set_identiteit(json_t *obj, const struct identiteit *id)
{
	if (id->type == ID_BSN)
		json_object_set_new(obj, "bsn", json_string(id->nummer));
	else if (id->type == ID_KVK)
		json_object_set_new(obj, "kvk", json_string(id->nummer));
}

static void
set_text(json_t *obj, const char *name, const char *value)
{
	if (value[0])
		json_object_set_new(obj, name, json_string(value));
}

json_t *
principal_to_claims(const struct principal *p)
{
	json_t *c = json_object();

	switch (p->kind) {
	case PRINCIPAL_INWONER:
		set_identiteit(c, &p->identiteit);
		json_object_set_new(c, "loa", json_string(loa_name(p->loa)));
		if (p->n_machtigingen > 0) {
			json_t *arr = json_array();

			for (unsigned i = 0; i < p->n_machtigingen; i++) {
				const struct machtiging *m = &p->machtigingen[i];
				json_t *o = json_object();

				set_identiteit(o, &m->voor);
				if (m->n_diensten > 0) {
					json_t *d = json_array();

					for (unsigned j = 0; j < m->n_diensten; j++)
						json_array_append_new(d,
						                      json_string(m->diensten[j]));
					json_object_set_new(o, "diensten", d);
				}
				json_array_append_new(arr, o);
			}
			json_object_set_new(c, "machtigingen", arr);
		}
		break;
	case PRINCIPAL_MEDEWERKER: {
		json_t *roles = json_array();

		set_text(c, "medewerker_id", p->medewerker_id);
		set_text(c, "afdeling", p->afdeling);
		set_identiteit(c, &p->identiteit);
		for (int r = 0; r < ROL__COUNT; r++)
			if (p->rollen & ROL_BIT(r))
				json_array_append_new(roles, json_string(rol_name((enum rol)r)));
		json_object_set_new(c, "roles", roles);
		break;
	}
	case PRINCIPAL_APPLICATIE:
		set_text(c, "client_id", p->client_id);
		set_text(c, "user_id", p->user_id);
		set_text(c, "user_representation", p->user_representation);
		break;
	}
	return c;
}
