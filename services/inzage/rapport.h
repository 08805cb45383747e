/*
 * rapport.h — what zaakstroom holds about one person, told to that person:
 * the self-service overview (GET /api/v1/mijn-gegevens, "door inzicht
 * minder inzage") and the answer to a formal access request under AVG
 * art. 15 — purposes, categories of data, recipients, retention, sources,
 * automated decisions and a copy of the data — as JSON and as a printable
 * HTML document. Pure functions over the register (struct reg: plain
 * values as the daemon reads them from its rows), no I/O.
 */
#ifndef ZS_INZAGE_RAPPORT_H
#define ZS_INZAGE_RAPPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* An HTML document larger than this is refused (NULL) rather than built. */
#define RAPPORT_HTML_MAX (8u * 1024 * 1024)
/* Likewise an overview (a person with 50 zaken has ~170 KB). */
#define RAPPORT_OVERZICHT_MAX (64u * 1024 * 1024)

/* One person's register. Every text is NULL when absent (or, in the
 * register's JSON columns, not a string); the strings belong to the caller. */
struct reg_verwerking {
	const char *id, *naam, *doel, *grondslag, *bewaartermijn;
};

/* One of this person's roles in the zaak, with what the zaak holds about them. */
struct reg_rol {
	const char *rol, *machtiging;
	const char *naam, *emailadres, *telefoonnummer;
	bool geheimhouding;
};

struct reg_eigenschap {
	const char *naam, *waarde, *doel, *grondslag;
	const char *betekenis; /* the catalogus' definitie, for the zaaktype on the startdatum */
	bool persoonsgegeven;
};

struct reg_zaak {
	const char *uuid; /* its key */
	const char *identificatie, *zaaktype, *zaaktype_omschrijving, *omschrijving, *afdeling,
	        *kanaal, *startdatum, *status, *einddatum, *resultaat;
	bool heeft_verwerking; /* verwerkingsactiviteit is an object */
	struct reg_verwerking va;
	const struct reg_rol *rollen;
	size_t n_rollen;
	const struct reg_eigenschap *eigenschappen; /* of the aanvraag, whoever's it was */
	size_t n_eigenschappen;
};

struct reg_bericht {
	const char *identificatie, *aanleiding, *kanaal, *onderwerp, *verstuurd_op;
};

struct reg_raadpleging {
	const char *tijdstip, *actor_type, *actor, *rol, *actie, *doel, *besluit, *reden,
	        *zaak_identificatie;
	bool zelf; /* the person looked at their own data */
};

/* A processing activity the person's data went through (zs-audit's Logboek
 * Dataverwerkingen): how many acts, the first and the last (instants). The
 * activity's naam, doel, ... are NULL when zs-inzage does not know it; its
 * id is always there. */
struct reg_logboek {
	struct reg_verwerking va;
	const char *eerste, *laatste;
	long aantal;
};

/* A webhook subscriber of zs-notificatie that received events of this
 * person's zaken (GebeurtenisDoorgegeven): its subscription and where it is. */
struct reg_doorgifte {
	const char *abonnement, *origin;
};

struct reg {
	const struct reg_zaak *zaken; /* by startdatum, identificatie */
	size_t n_zaken;
	const struct reg_bericht *berichten; /* by verstuurd_op */
	size_t n_berichten;
	const struct reg_raadpleging *raadplegingen; /* by tijdstip */
	size_t n_raadplegingen;
	const struct reg_logboek *logboek; /* by the first act */
	size_t n_logboek;
	/* Every recorded decision, whether the list holds it or not; when not
	 * known, the list's length. */
	bool aantal_bekend;
	long aantal_raadplegingen;
	const struct reg_doorgifte *doorgiften; /* by abonnement */
	size_t n_doorgiften;
};

/*
 * The part of a register that a gemachtigde whose machtiging names only some
 * diensten (zaaktypen) may see: the zaken of those zaaktypen, the messages
 * about them, the looks at them, and the processing activities of their
 * zaaktypen. What cannot be tied to one of those zaken (webhook subscribers,
 * the platform's own activities, looks at a list) is left out: a machtiging
 * for some diensten shows less, never more. The arrays are the caller's, freed
 * with reg_beperkt_vrij (the strings stay the register's); false when memory
 * ran out.
 */
struct reg_beperkt {
	struct reg reg;
	struct reg_zaak *zaken;
	struct reg_bericht *berichten;
	struct reg_raadpleging *raadplegingen;
	struct reg_logboek *logboek;
};

bool reg_beperk(const struct reg *in, const char *const *zaaktypen, size_t n_zaaktypen,
                struct reg_beperkt *uit);
void reg_beperkt_vrij(struct reg_beperkt *b);

/* The overview in plain Dutch field names, as JSON text (the caller frees);
 * says it is not a formal request. NULL when it would exceed
 * RAPPORT_OVERZICHT_MAX or memory ran out. */
char *rapport_overzicht(const struct reg *reg, size_t *len);

/* The art. 15(1) information as the Art15Overzicht record of InzageAfgehandeld. */
json_t *rapport_art15(const struct reg *reg);

/* About the request the report answers. */
struct rapport_verzoek {
	const char *verzoek_id;
	const char *ontvangen_op;   /* YYYY-MM-DD */
	const char *uiterste_datum; /* YYYY-MM-DD */
	const char *opgesteld_op;   /* instant, RFC 3339 */
	const char *gemeente;       /* who answers, e.g. "Gemeente Den Haag" */
};

/* The complete answer: {verzoek, art15, toelichting, rechten, kopie}; kopie
 * is the overview without its first two members. NULL when it cannot be built. */
json_t *rapport_document(const struct reg *reg, const struct rapport_verzoek *v);

/* The same document as printable HTML (every value escaped); NULL when it
 * would exceed RAPPORT_HTML_MAX. The caller frees. */
char *rapport_html(const json_t *document);

/* "P10Y" → "10 jaar", "P1Y6M" → "1 jaar en 6 maanden"; the text itself when
 * it is not a duration. Writes at most n bytes. */
void rapport_duur_tekst(const char *iso, char *out, size_t n);

#endif
