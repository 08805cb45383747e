/*
 * regels.h — which event tells a resident what, in which words.
 *
 * The rules (deploy/notificatie/regels.json) say per aanleiding, and where a
 * municipality wants it per zaaktype and statustype, whether a message goes
 * and with which template; a status change follows the catalogus' statustype
 * `informeren` unless a rule names that status. Templates are plain Dutch
 * text files with {{placeholders}}, one per file; everything is checked when
 * loaded, so a daemon with a missing or unknown placeholder does not start.
 *
 * Pure: loading reads files, nothing here touches Kafka or PostgreSQL.
 */
#ifndef ZS_NOTIFICATIE_REGELS_H
#define ZS_NOTIFICATIE_REGELS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The schema's Aanleiding symbols, in their order. */
enum aanleiding {
	AANL_ZAAK_ONTVANGEN,
	AANL_STATUS_GEWIJZIGD,
	AANL_TERMIJN_NADERT,
	AANL_TERMIJN_OVERSCHREDEN,
	AANL_ZAAK_OPGESCHORT,
	AANL_ZAAK_HERVAT,
	AANL_ZAAK_VERLENGD,
	AANL_BESLUIT_GENOMEN,
	AANL_ZAAK_AFGESLOTEN,
	AANL_AANVRAAG_AFGEWEZEN,
	AANL_INZAGE_ONTVANGEN,
	AANL_INZAGE_VERLENGD,
	AANL_INZAGE_AFGEHANDELD,
	AANL__COUNT
};

const char *aanleiding_naam(enum aanleiding a);
bool aanleiding_van_naam(const char *naam, enum aanleiding *out);

/* The placeholders a template may use; which are filled depends on the aanleiding. */
enum veld {
	VELD_IDENTIFICATIE,
	VELD_ZAAKTYPE,
	VELD_STATUS,
	VELD_STATUSTEKST,
	VELD_STAP,
	VELD_AANTAL_STAPPEN,
	VELD_EINDDATUM,
	VELD_UITERLIJKE_EINDDATUM,
	VELD_REDEN,
	VELD_REDENEN,
	VELD_RESULTAAT,
	VELD_BEZWAAR_TOT,
	VELD_TOELICHTING,
	VELD__COUNT
};

const char *veld_naam(enum veld v);

#define SJABLOON_NAAM_MAX  64
#define SJABLOON_TEKST_MAX 4096
#define REGELS_MAX         128
#define SJABLONEN_MAX      64
#define WAARDE_MAX         1024

struct sjabloon {
	char naam[SJABLOON_NAAM_MAX];
	char *onderwerp;   /* the first line after "Onderwerp: " */
	char *tekst;       /* the body */
	unsigned gebruikt; /* bit per enum veld */
};

struct regel {
	enum aanleiding aanleiding;
	char zaaktype[96]; /* "" = every zaaktype */
	int status;        /* statustype volgnummer, 0 = every status */
	bool versturen;
	bool actie_vereist; /* sent even to a resident who opted out of updates */
	const struct sjabloon *sjabloon;
};

struct regels {
	struct regel regels[REGELS_MAX];
	int n;
	struct sjabloon sjablonen[SJABLONEN_MAX];
	int nsjablonen;
};

/*
 * Loads the rules file and every template it names from dir (name.txt), and
 * checks them: unknown fields or aanleidingen, a template missing, a
 * placeholder unknown or not available for the aanleiding, one the
 * aanleiding requires missing. false with err naming file and placeholder.
 */
bool regels_laad(struct regels *r, const char *regels_pad, const char *sjablonen_dir, char *err,
                 size_t errlen);
/* The same from text already read (unit tests, fuzzing): sjablonen as a
 * JSON object name -> template text. */
bool regels_laad_tekst(struct regels *r, const char *regels_json, const json_t *sjablonen,
                       char *err, size_t errlen);
void regels_free(struct regels *r);

/*
 * The rule for an event, or NULL when nothing is sent: the most specific
 * matching rule (zaaktype and status before zaaktype before status before
 * none; the first in the file among equals). A status change without a rule
 * naming its status is sent only when the statustype says informeren.
 */
const struct regel *regels_kies(const struct regels *r, enum aanleiding a, const char *zaaktype,
                                int status, bool informeren);

/* The values for one message, NULL = not available. */
struct waarden {
	const char *v[VELD__COUNT];
};

/* Renders src into out with w; false when out is too small or a used
 * placeholder has no value (the caller's fault: the check at load time
 * guarantees the required ones). */
bool sjabloon_vul(const char *src, const struct waarden *w, char *out, size_t n);

/* "3 maart 2026" from "2026-03-03"; false on anything else. */
bool datum_nl(const char *iso, char *out, size_t n);

#endif
