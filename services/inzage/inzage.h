/*
 * inzage.h — the inzage daemon's read model and what changes it:
 *
 * - the register per betrokkene (by pseudonym), projected in the
 *   projector's batch from zaakstroom.zaken (ZaakGeregistreerd and the
 *   status facts), zaakstroom.berichten (BerichtVerstuurd, and
 *   GebeurtenisDoorgegeven: a webhook subscriber received an event of a
 *   zaak, kept for each of the zaak's betrokkenen),
 *   zaakstroom.raadplegingen (GegevensGeraadpleegd) and
 *   zaakstroom.dataverwerkingen (Dataverwerking: counted per person and
 *   processing activity, each ce_id once);
 * - requests under the AVG: registered, extended and answered each in one
 *   transaction with their event in the outbox (InzageVerzoekOntvangen,
 *   InzageTermijnVerlengd, InzageAfgehandeld on zaakstroom.inzage), from
 *   the API or from a portal's InzageVerzoekIngediend;
 * - the deadline watch (InzageTermijnBewaking, once per request, phase and
 *   deadline, also across restarts) and the figures for /metrics.
 *
 * Everything runs on the main thread: batches, timers and the API's
 * handlers never interleave.
 */
#ifndef ZS_INZAGE_H
#define ZS_INZAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "access/principal.h"
#include "access/pseudoniem.h"
#include "core/metrics.h"
#include "rapport.h"
#include "stream/projector.h"
#include "verzoek.h"

struct inzage {
	struct projector *p;
	const struct pseudoniem_sleutel *sleutel;
	int32_t vandaag_vast; /* ZS_VANDAAG, or DATUM_ONGELDIG: the clock */
	int bewaking_chunk;
	int64_t logboek_venster; /* offsets per partition whose Dataverwerking ce_ids are kept */
	const char *gemeente;
	struct metric *m_ontvangen, *m_verlengd, *m_afgehandeld, *m_bewaking;
	struct metric *m_open, *m_open_overschreden, *m_mediaan, *m_p95, *m_binnen, *m_te_laat;
	struct metric *m_register;
	struct catalogus *cat; /* the zaaktypen seen, also kept in the table zaaktypen */
	json_t *platform; /* the platform's own verwerkingsactiviteiten; read only once loaded */
};

void inzage_init(struct inzage *z);
void inzage_free(struct inzage *z);
/* A ZaaktypeGepubliceerd from the catalogus (projector on_broadcast): kept
 * for what each eigenschap means (its definitie). */
void inzage_catalogus(struct projector *p, struct proj_msg *m, void *arg);
bool inzage_zet_vandaag(struct inzage *z, const char *tekst);
/* The Dutch date today (or ZS_VANDAAG). */
int32_t inzage_vandaag(const struct inzage *z);

bool inzage_prepare(struct pg *pg);
int inzage_apply(struct proj_batch *b, void *arg);

/* The statements of inzage_register_lees and inzage_rapport, for a
 * read-only connection of the API's readers (lezer.h). */
bool inzage_lees_prepare(struct pg *pg);

enum register_deel {
	R_ZAKEN,
	R_EIGENSCHAPPEN,
	R_BERICHTEN,
	R_RAADPLEGINGEN,
	R_DOORGIFTEN,
	R_LOGBOEK,
	R__COUNT
};

/* One person's register as read: reg points into the rows, which it owns. */
struct register_rijen {
	struct reg reg;
	PGresult *res[R__COUNT];
	struct reg_zaak *zaken;
	struct reg_rol *rollen;
	struct reg_eigenschap *eigenschappen;
	struct reg_bericht *berichten;
	struct reg_raadpleging *raadplegingen;
	struct reg_doorgifte *doorgiften;
	struct reg_logboek *logboek;
};

/* The register of one person, with the platform's own
 * verwerkingsactiviteiten (pointed to, not copied: read only, and unchanged
 * while the daemon runs, so a reader thread may use them); false when the
 * database failed. */
bool inzage_register_lees(struct pg *pg, const json_t *platform, const char *pseudoniem,
                          struct register_rijen *r);
void inzage_register_vrij(struct register_rijen *r);

enum inzage_rc {
	INZ_OK = 0,
	INZ_DB,         /* the database or outbox failed: try again */
	INZ_ONBEKEND,   /* no such request */
	INZ_CONFLICT,   /* verzoekId in use for another person */
	INZ_GEWEIGERD,  /* refused: reasons given */
	INZ_AFGEHANDELD /* answered already */
};

/* The request as the API shows it (no pseudonym), and its betrokkene's
 * pseudonym and type for the access decision. */
struct verzoek_stand {
	json_t *json;
	char betrokkene[PSEUDONIEM_LEN + 1];
	char betrokkene_type[32];
};

/* Registers a request (idempotent on verzoekId) and emits InzageVerzoekOntvangen. */
enum inzage_rc inzage_verzoek_nieuw(struct inzage *z, const struct verzoek_invoer *in,
                                    const struct principal *door, struct verzoek_stand *uit);
enum inzage_rc inzage_verzoek_lees(struct inzage *z, const char *id, struct verzoek_stand *uit);
/* Extends the term (termijn.h's rules) and emits InzageTermijnVerlengd. */
enum inzage_rc inzage_verleng(struct inzage *z, const char *id, const char *reden, int32_t nieuwe,
                              const struct principal *door, struct redenen *r,
                              struct verzoek_stand *uit);
/* Answers: for a right of access that provides data, the art. 15 report is
 * assembled from the register, kept with the request and summarised in
 * InzageAfgehandeld. */
enum inzage_rc inzage_afhandel(struct inzage *z, const char *id, int uitkomst,
                               const char *toelichting, const struct principal *door,
                               struct verzoek_stand *uit);
/* The report as answered and kept, JSON text (the caller frees), or NULL
 * (*rc says why). */
char *inzage_rapport(struct pg *pg, const char *id, enum inzage_rc *rc);
/* Requests and their deadlines for the FG: termijn open | nadert | overschreden
 * | afgehandeld | alle; each {verzoekId, recht, kanaal, ..., betrokkene}. */
json_t *inzage_verzoeken(struct inzage *z, const char *termijn, int max);
void verzoek_stand_vrij(struct verzoek_stand *s);

/* One tick of the deadline watch; the number of warnings emitted, or -1. */
long inzage_bewaking(struct inzage *z);
/* Open, exceeded, handling time (median, p95), share within term: gauges. */
void inzage_cijfers(struct inzage *z);

#endif
