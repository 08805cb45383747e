/*
 * policy.h — the autorisatiematrix as data (deploy/policy/autorisatiematrix.json)
 * and its evaluation: who (a principal) may do what (an action) with which
 * zaak, under which conditions, at which detail level.
 *
 * Deny by default; a matching "weigeren" rule overrides every "toestaan".
 * Afscherming (shielded betrokkenen) is evaluated before any rule and never
 * reveals that the zaak exists. Loading refuses a policy that was not drawn
 * up and approved by two different people, or that grants anything to one of
 * them ("toe-eigenen van autorisaties").
 *
 * Evaluation allocates nothing and takes no locks: a loaded policy is
 * immutable. The daemon swaps in a new one on SIGHUP (policy_reload) and
 * frees the old one between requests.
 */
#ifndef ZS_POLICY_H
#define ZS_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "zgw/catalogus.h" /* enum vertrouwelijkheid and its names */
#include "access/principal.h"

/* DETAIL_GEEN in a request means "as much as I may see"; in a decision, nothing. */
enum detail { DETAIL_GEEN = 0, DETAIL_SAMENVATTING, DETAIL_VOLLEDIG };

enum policy_actie {
	ACTIE_ZAKEN_LIJST = 0, /* zaken.lijst */
	ACTIE_ZAAK_LEZEN,      /* zaak.lezen */
	ACTIE_ZAAK_TIJDLIJN,   /* zaak.tijdlijn */
	ACTIE_ZAAK_GEGEVENS,   /* zaak.gegevens: the personal data used */
	ACTIE_INZAGE_LEZEN,    /* inzage.lezen */
	ACTIE_INZAGE_BEHANDELEN,
	ACTIE_AUDIT_LEZEN,      /* audit.lezen */
	ACTIE_INZAGE_INDIENEN,  /* inzage.indienen: file or register a request under the AVG */
	ACTIE_INZAGE_TERMIJNEN, /* inzage.termijnen: the requests and their deadlines, no content */
	ACTIE_ABONNEMENTEN_BEHEREN, /* abonnementen.beheren: webhook subscriptions (no personal
	                               data) */
	ACTIE__COUNT
};

/* How the caller stands to the zaak; a caller may have several relations. */
enum relatie {
	REL_EIGEN = 0,           /* the caller is the initiator */
	REL_GEMACHTIGDE,         /* the caller's token holds a machtiging for the initiator */
	REL_GEMACHTIGDE_OP_ZAAK, /* the caller is recorded as gemachtigde in the zaak's rollen */
	REL_VERWANT,             /* initiator or gemachtigde is a relative the policy names */
	REL_TOEGEWEZEN,          /* the caller is the assigned behandelaar */
	REL_ZELFDE_AFDELING,     /* the zaak belongs to the caller's department */
	REL__COUNT
};

#define POLICY_MAX_GEMACHTIGDEN 16
#define POLICY_DOEL_MAX         40 /* characters of a purpose */

/* What the engine needs to know about one zaak. Strings may be NULL. */
struct zaak_resource {
	struct identiteit initiator;
	const struct identiteit *gemachtigden;
	size_t n_gemachtigden;
	const char *behandelaar; /* medewerker id of the assigned behandelaar */
	const char *afdeling;
	const char *zaaktype; /* identificatie; matched against machtiging diensten */
	bool open;
	enum vertrouwelijkheid vertrouwelijkheid;
	bool tonen_aan_initiator;
	bool afgeschermd; /* a betrokkene of the zaak is a shielded person */
};

/* The request around it. */
struct policy_context {
	const char *doel;               /* purpose of the look-up */
	const char *klantcontact_reden; /* KCC: why the resident called */
	enum detail gevraagd;           /* DETAIL_GEEN = the most allowed */
};

struct policy_decision {
	bool toegestaan;
	enum detail detail;     /* granted; DETAIL_GEEN on deny */
	bool bestaan_onthullen; /* on deny: may the caller learn the zaak exists (403, not 404) */
	const char *regel;      /* the deciding rule's id; "standaard-weigeren" if none matched */
	const char *uitleg;     /* Dutch */
	const char *uitleg_en;  /* English */
};

struct policy;

/*
 * Loads and checks a policy. On any fault returns NULL and writes a short
 * message naming the place (e.g. "regels[3].voorwaarden.relatie: ...") to err.
 */
struct policy *policy_load(const char *path, char *err, size_t errlen);
struct policy *policy_parse(const char *json, size_t len, char *err, size_t errlen);
void policy_free(struct policy *pol);

/*
 * SIGHUP: loads path; on success frees *current and puts the new policy in
 * its place; on failure leaves *current untouched and returns false.
 */
bool policy_reload(struct policy **current, const char *path, char *err, size_t errlen);

/* Logs (zlog_info) the version in force and who drew it up and approved it. */
void policy_log_loaded(const struct policy *pol, const char *path);

/* Provenance, for the daemon's log line on (re)load. */
const char *policy_versie(const struct policy *pol);
const char *policy_opgesteld_door(const struct policy *pol);
const char *policy_goedgekeurd_door(const struct policy *pol);
const char *policy_goedgekeurd_op(const struct policy *pol);
/* Hex SHA-256 of the file as loaded: the approver records it with the approval. */
const char *policy_sha256(const struct policy *pol);
size_t policy_regels(const struct policy *pol);

/*
 * The decision. zaak may be NULL for actions that concern no zaak
 * (audit.lezen); a rule with a zaak condition then does not match.
 * ctx may be NULL. The decision's strings point into pol.
 */
void policy_evaluate(const struct policy *pol, const struct principal *p, enum policy_actie actie,
                     const struct zaak_resource *zaak, const struct policy_context *ctx,
                     struct policy_decision *out);

/* The same decision, with a human-readable trace of every rule written to out. */
/*
 * Purposes (doel) are in the matrix: per role, and per application in its
 * grant. Whether this caller may state doel; the purpose they state when they
 * name none (NULL: they must name one, as the fg does).
 */
bool policy_doel_toegestaan(const struct policy *pol, const struct principal *p, const char *doel);
const char *policy_standaard_doel(const struct policy *pol, const struct principal *p);

void policy_explain(const struct policy *pol, const struct principal *p, enum policy_actie actie,
                    const struct zaak_resource *zaak, const struct policy_context *ctx,
                    struct policy_decision *dec, FILE *out);

const char *policy_actie_name(enum policy_actie actie);
bool policy_actie_from_name(const char *name, enum policy_actie *out);
const char *detail_name(enum detail d);
bool detail_from_name(const char *name, enum detail *out);
const char *relatie_name(enum relatie rel);

/* A zaak described in JSON (zs policy explain; shape in deploy/policy/README.md). */
struct zaak_json {
	struct zaak_resource zaak;
	struct identiteit gemachtigden[POLICY_MAX_GEMACHTIGDEN];
	char behandelaar[PRINCIPAL_MAX_TEKST];
	char afdeling[PRINCIPAL_MAX_TEKST];
	char zaaktype[PRINCIPAL_MAX_TEKST];
};

bool zaak_from_json(const json_t *obj, struct zaak_json *out, char *err, size_t errlen);

#endif
