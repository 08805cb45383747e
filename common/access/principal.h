/*
 * principal.h — who is calling: the verified claims of a bearer token mapped
 * to a plain struct (resident, employee or service client) that the policy
 * engine evaluates. Owns the claim names (documented in deploy/policy/README.md),
 * the role vocabulary and the level-of-assurance scale, and the way back
 * (principal → claims) that `zs token` and the tests use to mint tokens.
 *
 * Everything is fixed-size and bounded: a principal is a value, copied or kept
 * on the stack, never allocated, so a request can hold it without cleanup.
 */
#ifndef ZS_PRINCIPAL_H
#define ZS_PRINCIPAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

enum principal_kind { PRINCIPAL_INWONER = 0, PRINCIPAL_MEDEWERKER, PRINCIPAL_APPLICATIE };

/* Level of assurance, ordered; LOA_GEEN sits below DigiD Basis (e.g. eHerkenning EH1). */
enum loa { LOA_GEEN = 0, LOA_BASIS, LOA_MIDDEN, LOA_SUBSTANTIEEL, LOA_HOOG };

/*
 * The role vocabulary. Policy files may only name these, so that a typo in a
 * policy is a load error instead of a grant that silently never applies.
 */
enum rol {
	ROL_INWONER = 0,
	ROL_GEMACHTIGDE,
	ROL_KCC_MEDEWERKER,
	ROL_BEHANDELAAR,
	ROL_FG,
	ROL_BEHEERDER,
	ROL_AFSCHERMING,
	ROL_APPLICATIE,
	ROL__COUNT
};

#define ROL_BIT(r) (1u << (r))
/* Roles an employee can hold; "slager keurt eigen vlees" applies to all of them. */
#define ROLLEN_MEDEWERKER                                                                          \
	(ROL_BIT(ROL_KCC_MEDEWERKER) | ROL_BIT(ROL_BEHANDELAAR) | ROL_BIT(ROL_FG) |                \
	 ROL_BIT(ROL_BEHEERDER) | ROL_BIT(ROL_AFSCHERMING))

enum id_type { ID_GEEN = 0, ID_BSN, ID_KVK };

/* A BSN (9 digits) or KvK number (8 digits); nummer is NUL-terminated. */
struct identiteit {
	enum id_type type;
	char nummer[16];
};

#define PRINCIPAL_MAX_MACHTIGINGEN 16
#define PRINCIPAL_MAX_DIENSTEN     8
#define PRINCIPAL_MAX_TEKST        64

/* The caller acts for `voor`; with diensten, only for zaken of those zaaktypen. */
struct machtiging {
	struct identiteit voor;
	unsigned n_diensten;
	char diensten[PRINCIPAL_MAX_DIENSTEN][PRINCIPAL_MAX_TEKST];
};

struct principal {
	enum principal_kind kind;
	uint32_t rollen; /* ROL_BIT(...) */

	/* Resident: the person or business logged in; employee: their own BSN. */
	struct identiteit identiteit;
	enum loa loa;
	unsigned n_machtigingen;
	struct machtiging machtigingen[PRINCIPAL_MAX_MACHTIGINGEN];

	char medewerker_id[PRINCIPAL_MAX_TEKST];
	char afdeling[PRINCIPAL_MAX_TEKST];

	/* Service client (ZGW style). */
	char client_id[PRINCIPAL_MAX_TEKST];
	char user_id[PRINCIPAL_MAX_TEKST];
	char user_representation[PRINCIPAL_MAX_TEKST];

	/* From the token, for the processing log; never a BSN. */
	char issuer[256];
	char subject[256];
};

const char *principal_kind_name(enum principal_kind kind);
bool principal_kind_from_name(const char *name, enum principal_kind *out);

const char *rol_name(enum rol rol);
/* Returns -1 for a name outside the vocabulary. */
int rol_from_name(const char *name);

const char *loa_name(enum loa loa);
/*
 * DigiD levels by name (basis|midden|substantieel|hoog), eHerkenning levels
 * (EH1 EH2 EH2+ EH3 EH4), and the SAML/eToegang URNs a broker may pass on.
 */
bool loa_from_name(const char *name, enum loa *out);

const char *id_type_name(enum id_type type);
bool id_type_from_name(const char *name, enum id_type *out);
/* Type-checked: a BSN must pass the elfproef, a KvK number be eight digits. */
bool identiteit_set(struct identiteit *id, enum id_type type, const char *nummer);
bool identiteit_equal(const struct identiteit *a, const struct identiteit *b);

/*
 * Maps verified claims to a principal of the given kind. On a missing or
 * malformed claim returns false and names it in why (short, lowercase).
 * The registered claims (iss, sub, ...) are checked by jwt.c, not here.
 */
bool principal_from_claims(enum principal_kind kind, const json_t *claims, struct principal *out,
                           char *why, size_t whylen);

/* The inverse, for minting development tokens: the kind-specific claims only. */
json_t *principal_to_claims(const struct principal *p);

#endif
