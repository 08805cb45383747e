/*
 * aanvraag.h — the intake decision as pure functions: read an
 * AanvraagIngediend (plain JSON), judge it against the zaaktype version valid
 * on the day it was submitted, and build the events that follow
 * (ZaakGeregistreerd, AanvraagGeaccepteerd, AanvraagAfgewezen).
 *
 * Rules the code below enforces, so that portals and afhandelcomponenten can
 * rely on them:
 *   - Every reason is collected at once, so a resident fixes everything in
 *     one go; reasons never quote a submitted value (no BSN in a refusal).
 *   - Data minimisation: an eigenschap the zaaktype does not declare is
 *     refused by name and never copied into a zaak; a betrokkene carries only
 *     the identifier its type needs (a BSN for a natuurlijk persoon, a KvK
 *     number for a niet-natuurlijk persoon, KvK and vestigingsnummer for a
 *     vestiging, the employee id for a medewerker), anything more is refused.
 *   - Intern zaaktypen (indicatieInternOfExtern "intern", such as the
 *     Terugbelnotitie) are registered by municipal staff on a resident's
 *     behalf, never requested by the resident: accepted only through the
 *     staffed channels telefoon_14070 (KCC) and balie.
 *   - The zaak starts on the Dutch calendar date of ingediendOp; the zaaktype
 *     version must be valid on that date.
 */
#ifndef ZS_AANVRAAG_H
#define ZS_AANVRAAG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zgw/catalogus.h"
#include "zgw/reden.h"

/* Reasons close with "aanvraag.te_veel_fouten" after REDENEN_MAX. */
#define aanvraag_redenen_init(r)                                                                   \
	redenen_init((r), "aanvraag.te_veel_fouten",                                               \
	             "Uw aanvraag bevat nog meer fouten dan hier genoemd. Verbeter eerst deze en " \
	             "dien de aanvraag opnieuw in.")

enum kanaal {
	KANAAL_WEB = 0,
	KANAAL_BALIE,
	KANAAL_TELEFOON_14070,
	KANAAL_POST,
	KANAAL_EMAIL,
	KANAAL_OVERIG,
};
const char *kanaal_name(enum kanaal k);

enum betrokkene_type {
	BETROKKENE_NATUURLIJK_PERSOON = 0,
	BETROKKENE_NIET_NATUURLIJK_PERSOON,
	BETROKKENE_VESTIGING,
	BETROKKENE_MEDEWERKER,
};
const char *betrokkene_type_name(enum betrokkene_type t);

struct betrokkene {
	bool aanwezig;
	bool type_bekend; /* false when betrokkeneType was missing or unknown */
	enum betrokkene_type type;
	const char *inp_bsn, *kvk_nummer, *vestigings_nummer, *medewerker_identificatie;
	const char *naam;
	bool geheimhouding; /* BRP: a shielded person (afscherming) */
};

enum authenticatiemiddel {
	AUTH_DIGID = 0,
	AUTH_EHERKENNING,
	AUTH_EIDAS,
	AUTH_MACHTIGING,
	AUTH_GEEN
};
const char *authenticatiemiddel_name(enum authenticatiemiddel m);

struct authenticatie {
	bool aanwezig;
	enum authenticatiemiddel middel;
	const char *betrouwbaarheidsniveau; /* basis|midden|substantieel|hoog */
};

struct contactgegevens {
	bool aanwezig;
	const char *emailadres, *telefoonnummer; /* NULL = absent */
};

struct aanvraag_eigenschap {
	const char *naam;
	const char *waarde; /* NULL when the value was not a string */
};

#define AANVRAAG_MAX_EIGENSCHAPPEN 128
#define AANVRAAG_KLOKMARGE_MS      (5 * 60 * 1000) /* portals' clocks may run this far ahead */

struct aanvraag {
	json_t *doc; /* the AanvraagIngediend (one reference held); strings point into it */
	const char *aanvraag_id; /* as submitted when it was a short string, else NULL */
	const char *zaaktype;
	bool heeft_ingediend_op;
	int64_t ingediend_op; /* ms since the epoch */
	enum kanaal kanaal;
	const char *bronorganisatie;
	struct betrokkene initiator;
	struct betrokkene gemachtigde;
	struct authenticatie authenticatie;
	struct contactgegevens contact;
	struct aanvraag_eigenschap *eigenschappen;
	size_t n_eigenschappen;
	struct redenen
	        *fouten; /* what could not be read (NULL: nothing): refusal reasons of their own */
	bool oom;        /* a fault could not be recorded: aanvraag_from_json fails */
};

/*
 * Reads an AanvraagIngediend. A missing or malformed field does not fail the
 * parse: it becomes a reason in a->fouten (aanvraag.veld_ontbreekt /
 * aanvraag.veld_ongeldig), which aanvraag_beoordeel reports. Returns -1 only
 * when doc is not a JSON object, and AANVRAAG_OOM when memory ran out (not
 * the aanvraag's fault: the caller retries rather than refuses); message in err.
 */
#define AANVRAAG_OOM (-2)
int aanvraag_from_json(json_t *doc, struct aanvraag **out, char *err, size_t errlen);
void aanvraag_free(struct aanvraag *a);

/* The Dutch date of ingediendOp; DATUM_ONGELDIG when it was not readable. */
int32_t aanvraag_startdatum(const struct aanvraag *a);

/*
 * The zaaktype version to judge an aanvraag by: the one valid on its start
 * date, else the latest known version (so that aanvraag_beoordeel reports
 * zaaktype.niet_geldig), else NULL (zaaktype.onbekend).
 */
const struct zaaktype *aanvraag_zaaktype(const struct catalogus *cat, const struct aanvraag *a);

/*
 * All reasons to refuse the aanvraag, into out (initialised here); none =
 * accept. zt NULL = the zaaktype is unknown. nu_ms is the current time: an
 * ingediendOp more than AANVRAAG_KLOKMARGE_MS ahead of it is refused.
 *
 * Codes: aanvraag.{veld_ontbreekt, veld_ongeldig, te_veel_eigenschappen,
 * datum_in_toekomst, bronorganisatie_ongeldig, te_veel_fouten};
 * zaaktype.{onbekend, niet_geldig, intern};
 * initiator.{identificatie_ontbreekt, bsn_ongeldig, kvk_ongeldig,
 * vestigingsnummer_ongeldig, gegeven_niet_nodig}; the same for gemachtigde.*,
 * plus gemachtigde.{zelfde_als_initiator, type_ongeldig};
 * authenticatie.{niveau_ongeldig, gemachtigde_ontbreekt};
 * contact.{emailadres_ongeldig, telefoonnummer_ongeldig};
 * eigenschap.{ontbreekt, formaat, te_lang, niet_gedeclareerd} with veld
 * "eigenschappen.<naam>". Eigenschappen are only judged against a zaaktype
 * version that is valid on the start date.
 */
void aanvraag_beoordeel(const struct zaaktype *zt, const struct aanvraag *a, int64_t nu_ms,
                        struct redenen *out);

/*
 * startdatum + servicenorm (when the zaaktype has one) and startdatum +
 * doorlooptijd. False when a date falls outside the representable range.
 */
bool aanvraag_termijnen(const struct zaaktype *zt, int32_t startdatum, int32_t *einddatum_gepland,
                        bool *heeft_gepland, int32_t *uiterlijke_einddatum_afdoening);

/* "ZAAK-2026-0000000042"; false when jaar is not 1..9999, volgnummer not 1..9999999999, or n < 21.
 */
bool zaak_identificatie(char *buf, size_t n, int jaar, int64_t volgnummer);
#define ZAAK_IDENTIFICATIE_TEKST 21

/*
 * The complete ZaakGeregistreerd (plain JSON, the field list in
 * schemas/README.md) for an accepted aanvraag: registratiedatum is the Dutch
 * date of nu_ms, startdatum that of ingediendOp, the first status (lowest
 * volgnummer, stap 1) is set at nu_ms. Only declared eigenschappen are
 * copied, each with the doel and grondslag the zaaktype gives it. The contact
 * details go on the rol of whoever filled in the aanvraag: the gemachtigde
 * when there is one, else the initiator. NULL when a was not readable or a
 * date is out of range.
 */
json_t *zaak_geregistreerd_json(const struct zaaktype *zt, const struct aanvraag *a,
                                const char *uuid, const char *identificatie,
                                const char *bronorganisatie, int64_t nu_ms);

/* AanvraagGeaccepteerd, its fields taken from the ZaakGeregistreerd built above. */
json_t *aanvraag_geaccepteerd_json(const json_t *zaak_geregistreerd, int64_t nu_ms);

/* AanvraagAfgewezen; aanvraagId and zaaktype as submitted ("" when absent). */
json_t *aanvraag_afgewezen_json(const struct aanvraag *a, const struct redenen *r, int64_t nu_ms);

#endif
