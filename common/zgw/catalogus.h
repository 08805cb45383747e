/*
 * catalogus.h — one zaaktype version as the daemons need it, parsed from a
 * ZaaktypeGepubliceerd in plain JSON (schemas/README.md), and a small
 * in-memory catalogus of versions selected by date.
 *
 * Every string in a struct zaaktype points into the JSON document it was
 * parsed from; the zaaktype holds a reference to that document (zt->doc, for
 * re-emitting it) and the document must not be modified afterwards.
 *
 * Bounds: malformed or oversized entries are refused as a whole, with a
 * message naming the field, so no daemon ever works with half a zaaktype.
 */
#ifndef ZS_CATALOGUS_H
#define ZS_CATALOGUS_H

#include <jansson.h>
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/datum.h"

#define ZT_MAX_IDENTIFICATIE      50
#define ZT_MAX_KORT               80 /* omschrijving, onderwerp */
#define ZT_MAX_EIGENSCHAPNAAM     20
#define ZT_MAX_TEKST              1000
#define ZT_MAX_STATUSTYPEN        64
#define ZT_MAX_RESULTAATTYPEN     64
#define ZT_MAX_EIGENSCHAPPEN      64
#define ZT_MAX_BESLUITTYPEN       32
#define ZT_MAX_WAARDEN            100 /* waardenverzameling of one eigenschap */
#define ZT_MAX_EIGENSCHAP_LENGTE  1000
#define ZT_MAX_PATROON            256
#define STATUSTYPE_MAX_VOLGNUMMER 9999

/* The eight ZGW levels, ordered: a role's maximum is compared by ordinal. */
enum vertrouwelijkheid {
	VERTR_OPENBAAR = 0,
	VERTR_BEPERKT_OPENBAAR,
	VERTR_INTERN,
	VERTR_ZAAKVERTROUWELIJK,
	VERTR_VERTROUWELIJK,
	VERTR_CONFIDENTIEEL,
	VERTR_GEHEIM,
	VERTR_ZEER_GEHEIM,
};
#define VERTR__COUNT 8

/* "openbaar" … "zeer_geheim"; NULL for a value outside the enum. */
const char *vertrouwelijkheid_name(enum vertrouwelijkheid v);
bool vertrouwelijkheid_from_name(const char *naam, enum vertrouwelijkheid *out);

enum eigenschapformaat { FORMAAT_TEKST = 0, FORMAAT_GETAL, FORMAAT_DATUM, FORMAAT_DATUM_TIJD };
const char *eigenschapformaat_name(enum eigenschapformaat f);
bool eigenschapformaat_from_name(const char *naam, enum eigenschapformaat *out);

enum archiefnominatie { ARCHIEF_BLIJVEND_BEWAREN = 0, ARCHIEF_VERNIETIGEN };
const char *archiefnominatie_name(enum archiefnominatie a);

/* Length in characters (UTF-8 code points), as eigenschap.lengte counts it. */
size_t tekst_lengte(const char *s);

/* A duration as parsed plus the text it came from (for re-emitting unchanged). */
struct termijn {
	const char *tekst; /* NULL = absent */
	struct duur duur;
};

struct verwerkingsactiviteit {
	const char *id; /* URI in the verwerkingsregister */
	const char *naam, *doel, *grondslag, *bewaartermijn;
};

struct statustype {
	int volgnummer; /* 1..9999, unique within the zaaktype */
	const char *omschrijving;
	const char *statustekst; /* plain Dutch for residents */
	bool informeren;
	bool tonen_aan_initiator;
	struct termijn doorlooptijd; /* optional */
};

struct resultaattype {
	const char *omschrijving;
	const char *omschrijving_generiek; /* NULL = absent */
	enum archiefnominatie archiefnominatie;
	struct termijn archiefactietermijn;
	const char *toelichting; /* NULL = absent */
};

struct eigenschap {
	const char *naam, *definitie;
	enum eigenschapformaat formaat;
	int lengte; /* maximum length in characters, 1..ZT_MAX_EIGENSCHAP_LENGTE */
	bool verplicht;
	const char **waarden; /* waardenverzameling; n_waarden == 0 = free */
	size_t n_waarden;
	const char *patroon; /* NULL = none; else compiled in regex, whole value must match */
	regex_t regex;
	const char *doel, *grondslag; /* why it is collected: never empty */
	bool persoonsgegeven;
};

struct besluittype {
	const char *omschrijving;
	struct termijn reactietermijn; /* optional: the bezwaartermijn */
	bool publicatie_indicatie;
};

struct zaaktype {
	json_t *doc; /* the ZaaktypeGepubliceerd as received (one reference held) */
	int refcount;

	const char *identificatie;
	int32_t versiedatum;
	const char *omschrijving, *doel, *aanleiding, *onderwerp;
	const char *handeling_initiator, *handeling_behandelaar;
	bool intern; /* indicatieInternOfExtern == "intern" */
	enum vertrouwelijkheid vertrouwelijkheidaanduiding;
	struct termijn doorlooptijd; /* required, not zero: the legal term */
	struct termijn servicenorm;  /* optional, not zero: the promise */
	bool opschorting_mogelijk, verlenging_mogelijk, heropenen_mogelijk;
	struct termijn verlengingstermijn; /* required when verlenging_mogelijk */
	bool publicatie_indicatie;
	bool tonen_aan_initiator;
	const char *afdeling;
	int32_t begin_geldigheid;
	int32_t einde_geldigheid; /* inclusive; DATUM_ONGELDIG = open-ended */
	struct verwerkingsactiviteit verwerkingsactiviteit;

	struct statustype *statustypen; /* sorted by volgnummer, at least one */
	size_t n_statustypen;
	struct resultaattype *resultaattypen;
	size_t n_resultaattypen;
	struct eigenschap *eigenschappen; /* catalogus order */
	size_t n_eigenschappen;
	struct besluittype *besluittypen;
	size_t n_besluittypen;
};

/*
 * Parses and validates; on success *out holds a new zaaktype (refcount 1)
 * that keeps a reference to doc. Returns 0, or -1 with a message such as
 * "statustypen[2].volgnummer: 0 is not between 1 and 9999" in err.
 */
int zaaktype_from_json(json_t *doc, struct zaaktype **out, char *err, size_t errlen);
struct zaaktype *zaaktype_ref(struct zaaktype *zt);
/* Drops one reference; frees at zero. NULL is fine. */
void zaaktype_free(struct zaaktype *zt);

/* begin_geldigheid <= datum <= einde_geldigheid (when set). */
bool zaaktype_geldig_op(const struct zaaktype *zt, int32_t datum);

const struct statustype *zaaktype_statustype(const struct zaaktype *zt, int volgnummer);
const struct statustype *zaaktype_eerste_statustype(const struct zaaktype *zt);
/* The eindstatus: the highest volgnummer. */
const struct statustype *zaaktype_eind_statustype(const struct zaaktype *zt);
bool zaaktype_is_eindstatus(const struct zaaktype *zt, int volgnummer);
/* Step k (1-based) of zt->n_statustypen on the route; 0 when volgnummer is unknown. */
int zaaktype_statustype_stap(const struct zaaktype *zt, int volgnummer);

const struct resultaattype *zaaktype_resultaattype(const struct zaaktype *zt,
                                                   const char *omschrijving);
const struct besluittype *zaaktype_besluittype(const struct zaaktype *zt, const char *omschrijving);
const struct eigenschap *zaaktype_eigenschap(const struct zaaktype *zt, const char *naam);

/*
 * The versions the daemon knows, many per identificatie. Pointers returned by
 * catalogus_find stay valid until the next catalogus_put or catalogus_free;
 * take zaaktype_ref() to keep one longer.
 */
#define CATALOGUS_MAX 4096

struct catalogus;

struct catalogus *catalogus_new(void);
void catalogus_free(struct catalogus *cat);
/*
 * Takes over the caller's reference to zt. A version with the same
 * identificatie and beginGeldigheid is replaced (and released). Returns 0,
 * or -1 when the catalogus is full (zt is then still the caller's).
 */
int catalogus_put(struct catalogus *cat, struct zaaktype *zt);
size_t catalogus_aantal(const struct catalogus *cat);
/*
 * The version valid on datum; where versions overlap, the one that began
 * last. NULL when no version is valid on that date.
 */
const struct zaaktype *catalogus_find(const struct catalogus *cat, const char *identificatie,
                                      int32_t datum);
/* The version that began last, valid or not; NULL when the identificatie is unknown. */
const struct zaaktype *catalogus_laatste(const struct catalogus *cat, const char *identificatie);

#endif
