/*
 * regels.h — what an afhandelcomponent may do to a zaak, as pure functions:
 * the state of one zaak, an opdracht, the decision (refusal reasons, or the
 * facts to emit and the state after them), and the deadline watch.
 *
 * Deterministic: every date and instant in a fact comes from the opdracht
 * (gegevenOp), never from the clock, so replaying the same opdrachten gives
 * the same history.
 *
 * Rules, so that afhandelcomponent developers can rely on them:
 *   - statuses move forward by volgnummer; going back needs a reason and is
 *     allowed only when the daemon is configured to allow it (or after a
 *     heropening); setting the current status again is refused;
 *   - the eindstatus needs a resultaat and closes the zaak: einddatum,
 *     archiefnominatie and archiefactiedatum (einddatum + archiefactietermijn);
 *   - a closed zaak changes only by ZaakHeropenen, with a reason, when the
 *     zaaktype allows heropenen;
 *   - while suspended, only ZaakHervatten (and BesluitVastleggen) are taken;
 *     hervatten moves both deadlines by the suspended calendar days;
 *   - verlenging once, only where allowed, at most the verlengingstermijn,
 *     with a reason; it moves both deadlines;
 *   - "slager keurt eigen vlees": an actor whose BSN is the initiator's or a
 *     gemachtigde's is refused.
 */
#ifndef ZS_REGELS_H
#define ZS_REGELS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "catalogus.h"
#include "datum.h"
#include "reden.h"

#define ZAAK_MAX_BSN 8

enum opdracht_soort {
  OPDRACHT_STATUS_ZETTEN = 0,
  OPDRACHT_RESULTAAT_VASTLEGGEN,
  OPDRACHT_ZAAK_OPSCHORTEN,
  OPDRACHT_ZAAK_HERVATTEN,
  OPDRACHT_ZAAK_VERLENGEN,
  OPDRACHT_BESLUIT_VASTLEGGEN,
  OPDRACHT_ZAAK_HEROPENEN,
  OPDRACHT__AANTAL
};

/* "StatusZetten" ↔ OPDRACHT_STATUS_ZETTEN; -1 for another record. */
int opdracht_soort_van_record(const char *record);
const char *opdracht_record(enum opdracht_soort s);

/* The state of one zaak as the rules need it. */
struct zaak_toestand {
  char uuid[40];
  char identificatie[48];
  const struct zaaktype *zt; /* the version the zaak was registered with */
  int status;                /* volgnummer of the current status */
  bool heeft_resultaat;
  char resultaat[128]; /* resultaattype omschrijving */
  bool afgesloten;
  bool heropend;     /* reopened since its last eindstatus: may go back */
  int32_t einddatum; /* DATUM_ONGELDIG while open */
  int32_t archiefactiedatum;
  int32_t
      einddatum_gepland; /* DATUM_ONGELDIG: the zaaktype has no servicenorm */
  int32_t uiterlijke_einddatum_afdoening;
  bool opgeschort;
  int32_t opgeschort_sinds;
  bool verlengd;
  int n_bsn; /* initiator and gemachtigden, for "slager keurt eigen vlees" */
  char bsn[ZAAK_MAX_BSN][10];
  int n_besluiten;
};

/* The zaak's state right after its ZaakGeregistreerd (plain JSON). false with
 * err when the event lacks what the rules need. */
bool zaak_toestand_van_registratie(struct zaak_toestand *z,
                                   const json_t *zaak_geregistreerd,
                                   const struct zaaktype *zt, char *err,
                                   size_t errlen);

struct opdracht {
  enum opdracht_soort soort;
  const json_t *doc; /* the opdracht, plain JSON: strings below point into it */
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
  int32_t besluit_datum, ingangsdatum,
      vervaldatum; /* DATUM_ONGELDIG when absent */
};

/* Reads an opdracht of the given soort; false with err when malformed (a
 * decoded event has every required field, so this is for hand-made input). */
bool opdracht_van_json(struct opdracht *o, enum opdracht_soort soort,
                       const json_t *doc, char *err, size_t errlen);

/* What the daemon is configured to allow. */
struct regels_instellingen {
  bool terugzetten_toegestaan;
};

/* Refusal reasons for o against z (none = it may be carried out). Codes:
 * zaak.afgesloten, zaak.opgeschort, actor.eigen_zaak, status.onbekend,
 * status.al_gezet, status.terugzetten_niet_toegestaan, status.reden_ontbreekt,
 * status.resultaat_ontbreekt, resultaat.onbekend, opschorting.niet_toegestaan,
 * opschorting.al_opgeschort, opschorting.reden_ontbreekt,
 * hervatting.niet_opgeschort, verlenging.niet_toegestaan,
 * verlenging.al_verlengd, verlenging.reden_ontbreekt, verlenging.duur_ongeldig,
 * verlenging.te_lang, besluit.onbekend, besluit.datum_ongeldig,
 * heropenen.niet_afgesloten, heropenen.niet_toegestaan,
 * heropenen.reden_ontbreekt. */
void opdracht_beoordeel(const struct zaak_toestand *z, const struct opdracht *o,
                        const struct regels_instellingen *inst,
                        struct redenen *out);

/* One fact to emit: its record name and plain-JSON datum. */
struct feit {
  const char *record;
  json_t *data;
};

#define FEITEN_MAX 3

struct feiten {
  int n;
  struct feit f[FEITEN_MAX];
};

/* Carries out an opdracht that opdracht_beoordeel found nothing against:
 * updates z and fills the facts (StatusGezet, and ZaakAfgesloten at the
 * eindstatus; ResultaatVastgesteld; ...). The caller owns the data
 * (feiten_free). */
void opdracht_uitvoeren(struct zaak_toestand *z, const struct opdracht *o,
                        struct feiten *out);
void feiten_free(struct feiten *f);

/* The Termijnen record as the zaak stands (opTijd judged on the given day). */
json_t *termijnen_json(const struct zaak_toestand *z, int32_t op);

/* OpdrachtUitgevoerd / OpdrachtGeweigerd for an opdracht. */
json_t *opdracht_uitgevoerd_json(const struct opdracht *o);
json_t *opdracht_geweigerd_json(const struct opdracht *o,
                                const struct redenen *r);
/* For an opdracht that could not even be read, or for a zaak that never came.
 */
json_t *opdracht_geweigerd_kaal(const char *opdracht_id, const char *zaak,
                                const char *record, int64_t tijdstip,
                                const struct redenen *r);

/* Deadline watch. */
enum termijn_soort {
  TERMIJN_EINDDATUM_GEPLAND = 0,
  TERMIJN_UITERLIJKE_EINDDATUM,
  TERMIJN__AANTAL
};
enum termijn_fase { FASE_NADERT = 0, FASE_OVERSCHREDEN, FASE__AANTAL };
const char *termijn_soort_naam(enum termijn_soort t);
const char *termijn_fase_naam(enum termijn_fase f);
bool termijn_soort_van_naam(const char *s, enum termijn_soort *out);
bool termijn_fase_van_naam(const char *s, enum termijn_fase *out);

/* A deadline event to watch for: due on `wanneer` (a day), about `deadline`. */
struct termijn_taak {
  enum termijn_soort termijn;
  enum termijn_fase fase;
  int32_t deadline;
  int32_t wanneer;
};

/* The watches an open, not suspended zaak needs (none otherwise): for each
 * deadline, "nadert" nadert_dagen before it and "overschreden" the day after.
 */
int termijn_taken(const struct zaak_toestand *z, int nadert_dagen,
                  struct termijn_taak out[TERMIJN__AANTAL * FASE__AANTAL]);

/* Whether a due watch still means something on day `vandaag`: "nadert" is
 * dropped once the deadline itself has passed (the "overschreden" says more).
 */
bool termijn_taak_geldig(const struct termijn_taak *t, int32_t vandaag);

/* The TermijnBewaking fact. */
json_t *termijn_bewaking_json(const struct zaak_toestand *z,
                              const struct termijn_taak *t, int32_t vandaag,
                              int64_t tijdstip);

#endif
