/*
 * regels.h — what an afhandelcomponent may do to a zaak, as pure functions:
 * the state of one zaak, an opdracht, the judgement (refusal reasons) and
 * the carrying out (the facts to emit and the state after them).
 *
 * Deterministic: every date and instant in a fact comes from the opdracht
 * (gegevenOp, its Dutch calendar date for days), never from the clock, so
 * the same opdrachten give the same history, also after a crash and replay.
 *
 * The rules, as afhandelcomponent developers can rely on them:
 *   - an actor whose BSN is that of a betrokkene of the zaak (initiator,
 *     gemachtigde, ...) is refused whatever the opdracht ("slager keurt eigen
 *     vlees"), and told nothing else about the zaak;
 *   - a closed zaak changes only by ZaakHeropenen, with a reason, when its
 *     zaaktype allows heropenen;
 *   - statuses are statustypen of the zaak's zaaktype and move forward by
 *     volgnummer (skipping is fine); going back needs terugzettenReden and is
 *     allowed only when the daemon is configured so, or right after a
 *     heropening; setting the current status again is refused;
 *   - the eindstatus needs a resultaat and closes the zaak: einddatum (the
 *     day of the opdracht), archiefnominatie and archiefactiedatum
 *     (einddatum + the resultaattype's archiefactietermijn);
 *   - opschorten only where the zaaktype allows it, with a reason, not twice;
 *     while suspended everything but the eindstatus and a second opschorting
 *     is accepted; hervatten moves both deadlines by the suspended days;
 *   - verlengen only where allowed, once, at most the verlengingstermijn,
 *     with a reason; it moves both deadlines;
 *   - resultaattypen and besluittypen are named by their omschrijving in the
 *     zaaktype; a later ResultaatVastleggen replaces the resultaat.
 */
#ifndef ZS_REGELS_H
#define ZS_REGELS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "zgw/catalogus.h"
#include "wire/ce.h"
#include "core/datum.h"
#include "zgw/reden.h"
#include "termijnen.h"

#define ZAAK_MAX_BSN           16
#define ZAAK_IDENTIFICATIE_MAX 40 /* ZGW Zaak.identificatie */
#define RESULTAAT_MAX          (4 * ZT_MAX_KORT + 1)

/* Bounds on the texts of an opdracht (ZGW field sizes where there are any). */
#define OPDRACHT_ID_MAX    100
#define OPDRACHT_REDEN_MAX 200
#define OPDRACHT_TEKST_MAX 1000
#define OPDRACHT_ACTOR_MAX 128
#define BESLUIT_IDENT_MAX  50

enum opdracht_soort {
	OPDRACHT_STATUS_ZETTEN = 0,
	OPDRACHT_RESULTAAT_VASTLEGGEN,
	OPDRACHT_ZAAK_OPSCHORTEN,
	OPDRACHT_ZAAK_HERVATTEN,
	OPDRACHT_ZAAK_VERLENGEN,
	OPDRACHT_BESLUIT_VASTLEGGEN,
	OPDRACHT_ZAAK_HEROPENEN,
	OPDRACHT__COUNT
};

/* "StatusZetten" → OPDRACHT_STATUS_ZETTEN; -1 for any other record. */
int opdracht_soort_from_record(const char *record);
const char *opdracht_record(enum opdracht_soort s);

/* The state of one zaak, as the rules need it. */
struct zaak_toestand {
	char uuid[UUID_LEN + 1];
	char identificatie[ZAAK_IDENTIFICATIE_MAX + 1];
	const struct zaaktype *zt;     /* its version of the zaaktype; NULL: not (yet) known */
	int status;                    /* volgnummer of the current status */
	char resultaat[RESULTAAT_MAX]; /* resultaattype omschrijving; "" = none yet */
	bool afgesloten;
	bool heropend;                        /* reopened, no status set since: may go back */
	int32_t einddatum, archiefactiedatum; /* DATUM_ONGELDIG while open */
	struct termijnen termijnen;
	int n_bsn;         /* betrokkenen with a BSN: "slager keurt eigen vlees" */
	bool bsn_overloop; /* more than ZAAK_MAX_BSN: every actor with a BSN is refused */
	char bsn[ZAAK_MAX_BSN][10];
	int n_besluiten;
};

/* Adds a betrokkene's BSN (ignores NULL and duplicates). */
void zaak_toestand_bsn(struct zaak_toestand *z, const char *bsn);

/*
 * The state right after a ZaakGeregistreerd (plain JSON); zt may be NULL.
 * False with a message in err when the event lacks what the rules need.
 */
bool zaak_toestand_van_registratie(struct zaak_toestand *z, const json_t *zaak_geregistreerd,
                                   const struct zaaktype *zt, char *err, size_t errlen);

struct opdracht {
	enum opdracht_soort soort;
	const json_t *doc; /* the opdracht in plain JSON: the strings point into it */
	const char *id, *zaak;
	const char *medewerker, *naam, *bsn, *applicatie;
	int64_t gegeven_op;
	int volgnummer;
	const char *toelichting; /* statustoelichting / toelichting */
	const char *terugzetten_reden;
	const char *resultaattype;
	const char *reden;
	const char *duur;
	const char *besluittype, *besluit_identificatie;
	int32_t besluit_datum, ingangsdatum, vervaldatum; /* DATUM_ONGELDIG when absent */
};

/*
 * Reads an opdracht of the given soort (plain JSON, as the projector decodes
 * it). False, with the name of the field in err, when it cannot be judged at
 * all: no opdrachtId (or longer than OPDRACHT_ID_MAX), a zaak that is not a
 * uuid, no actor, a gegevenOp out of range.
 */
bool opdracht_van_json(struct opdracht *o, enum opdracht_soort soort, const json_t *doc, char *err,
                       size_t errlen);

/* What the daemon is configured to allow. */
struct regels_instellingen {
	bool terugzetten_toegestaan; /* ZS_STATUS_TERUGZETTEN */
};

/* Every refusal reason for o against z, all at once (none: it may be carried out). */
void opdracht_beoordeel(const struct zaak_toestand *z, const struct opdracht *o,
                        const struct regels_instellingen *inst, struct redenen *out);

/* One fact to emit: its record name and plain-JSON datum. */
struct feit {
	const char *record;
	json_t *data;
};

#define FEITEN_MAX 2

struct feiten {
	int n;
	struct feit f[FEITEN_MAX];
};

/*
 * Carries out an opdracht that opdracht_beoordeel found nothing against:
 * updates z and fills out (StatusGezet, plus ZaakAfgesloten at the
 * eindstatus; ResultaatVastgesteld; ZaakOpgeschort; ...). The caller frees
 * them with feiten_free.
 */
void opdracht_uitvoeren(struct zaak_toestand *z, const struct opdracht *o, struct feiten *out);
void feiten_free(struct feiten *f);

/* Judges, and carries out when nothing stands in the way. True when carried out. */
bool opdracht_verwerk(struct zaak_toestand *z, const struct opdracht *o,
                      const struct regels_instellingen *inst, struct redenen *r, struct feiten *f);

/* Redenen as the status daemon starts them (with its overflow reason). */
void status_redenen_init(struct redenen *r);

/* OpdrachtUitgevoerd / OpdrachtGeweigerd, decided at instant tijdstip. */
json_t *opdracht_uitgevoerd_json(const struct opdracht *o, int64_t tijdstip);
json_t *opdracht_geweigerd_json(const char *opdracht_id, const char *zaak, const char *record,
                                int64_t tijdstip, const struct redenen *r);

/* The StatusInfo record of volgnummer in zt, set at instant gezet (NULL when unknown). */
json_t *status_info_json(const struct zaaktype *zt, int volgnummer, int64_t gezet);

/* The TermijnBewaking fact for a due event on day vandaag, emitted at instant tijdstip. */
json_t *termijn_bewaking_json(const struct zaak_toestand *z, const struct termijn_taak *t,
                              int32_t vandaag, int64_t tijdstip);

#endif
