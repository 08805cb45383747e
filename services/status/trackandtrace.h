/*
 * trackandtrace.h — the pure part of the Track & Trace API: its parameters
 * and their validation, the opaque list cursor, the policy resource of a
 * read-model row, and the timeline a caller may see (built from the read
 * model's JSON, filtered by who asks and at which detail). No I/O: api.c does
 * HTTP and SQL around it.
 */
#ifndef ZS_TRACKANDTRACE_H
#define ZS_TRACKANDTRACE_H

#include <stdbool.h>
#include <stdint.h>

#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "access/policy.h"
#include "access/principal.h"
#include "access/pseudoniem.h"
#include "access/freetext.h"

#define TT_PAGE_SIZE_DEFAULT 20
#define TT_PAGE_SIZE_MAX     100
#define TT_CURSOR_LEN        34 /* base64url of 25 bytes */
#define TT_IDENTIFICATIE_MAX 64
/* Betrokkenen one list may ask for: the caller and every machtiging. */
#define TT_MAX_BETROKKENEN (PRINCIPAL_MAX_MACHTIGINGEN + 1)

enum tt_status_filter { TT_ALLE = 0, TT_OPEN, TT_GESLOTEN };

/* GET /api/v1/zaken, as asked. */
struct tt_lijst_params {
	enum tt_status_filter status;
	int page_size;
	const char *cursor; /* as given (checked by tt_cursor_decode), or NULL */
	bool heeft_namens;  /* namens=<bsn|kvk> (gemachtigde) */
	struct identiteit namens;
	bool heeft_betrokkene; /* bsn= or kvk= (employees, applications) */
	struct identiteit betrokkene;
	const char *reden;  /* reden= (KCC: the klantcontact) trimmed, or NULL */
	bool reden_gegeven; /* reden= was there, valid or not */
	const char *doel;   /* doel= (employees, applications), or NULL */
	char reden_buf[FREETEXT_REDEN_BUF];
};

/* GET /api/v1/zaken/{identificatie}, as asked. */
struct tt_zaak_params {
	const char *reden; /* trimmed, or NULL */
	bool reden_gegeven;
	const char *doel;
	char reden_buf[FREETEXT_REDEN_BUF];
};

/*
 * Reads and checks the query (names are case-sensitive; unknown or repeated
 * names are errors). Returns NULL when valid, else the ZGW invalidParams
 * array ({name, code, reason}, reasons in Dutch); what could be read is
 * filled in even then. Strings point into q, the reason into out. A reason
 * is trimmed and must be real text (access/freetext).
 */
json_t *tt_lijst_params(const struct evkeyvalq *q, struct tt_lijst_params *out);
json_t *tt_zaak_params(const struct evkeyvalq *q, struct tt_zaak_params *out);

/*
 * The GET form of the list names no one: a BSN, KvK number or reason in a
 * URL ends up in proxy and access logs. invalidParams for namens, bsn, kvk
 * and reden when present, else NULL.
 */
json_t *tt_lijst_in_url(const struct tt_lijst_params *lp);

/*
 * POST /api/v1/zaken/_zoek: the JSON body's members (strings, integers) and
 * the query's cursor as one query for tt_lijst_params (out is initialised
 * here; clear it with evhttp_clear_headers). invalidParams when the body is
 * not an object, holds another kind of value, or the query holds more than
 * the cursor.
 */
json_t *tt_zoek_query(const json_t *body, const struct evkeyvalq *query, struct evkeyvalq *out);

/*
 * GET /api/v1/zaken/{identificatie}: the reason and purpose come in the
 * request headers ZS-Reden and ZS-Doel (percent-encoded UTF-8, as a header
 * is ASCII), never a reason in the URL. Builds the query for tt_zaak_params
 * from the URL's query and the decoded headers (out is initialised here;
 * clear it with evhttp_clear_headers). A reden in the URL is still passed on
 * (so the refused look-up's record carries its masked text) and refused:
 * invalidParams naming reden. A header that does not decode, or holds a NUL,
 * is invalidParams naming it too; a name in both the URL and a header is
 * refused by tt_zaak_params as repeated.
 */
json_t *tt_zaak_query(const struct evkeyvalq *query, const char *kop_reden, const char *kop_doel,
                      struct evkeyvalq *out);

/*
 * What the caller may ask: residents choose among their machtigingen
 * (namens) and name no one else; employees and applications name the
 * betrokkene (bsn= or kvk=); a kcc-medewerker states a reason. Returns NULL
 * when the request fits the caller, else invalidParams.
 */
json_t *tt_lijst_voor(const struct principal *p, const struct tt_lijst_params *lp);
json_t *tt_zaak_voor(const struct principal *p, const struct tt_zaak_params *zp);

/*
 * Whose zaken a list shows: a resident's own and those of every machtiging
 * (or only namens, which must be one of them or the resident), an employee's
 * or application's named betrokkene. Returns the number (0 when namens is
 * not the resident's to choose).
 */
size_t tt_betrokkenen(const struct principal *p, const struct tt_lijst_params *lp,
                      struct identiteit out[TT_MAX_BETROKKENEN]);

/* "bsn"/"kvk" as in betrokkenen.soort; BetrokkeneType for the record. */
const char *tt_soort(enum id_type t);
const char *tt_betrokkene_type(enum id_type t);

/*
 * The cursor: opaque and integrity-protected. It holds the position (the
 * zaak's volgorde, strictly decreasing through a list) and a MAC over it and
 * a binding (a digest of who lists whose zaken with which filter), with a
 * key derived from the pseudonym key: a client can neither forge a position
 * nor carry a cursor over to another listing.
 */
struct tt_cursor_sleutel {
	unsigned char k[32];
};
void tt_cursor_sleutel(const struct pseudoniem_sleutel *ps, struct tt_cursor_sleutel *out);
/* The binding of a listing: caller, betrokkenen and filter. */
void tt_cursor_binding(const struct principal *p, const struct identiteit *betrokkenen, size_t n,
                       enum tt_status_filter status, unsigned char out[8]);
void tt_cursor_encode(const struct tt_cursor_sleutel *k, const unsigned char binding[8],
                      int64_t volgorde, char out[TT_CURSOR_LEN + 1]);
bool tt_cursor_decode(const struct tt_cursor_sleutel *k, const unsigned char binding[8],
                      const char *s, int64_t *volgorde);

/* The policy's view of one zaak, from read-model columns (strings may be NULL). */
struct tt_zaak_rij {
	const char *zaaktype, *afdeling, *behandelaar, *vertrouwelijkheid;
	/* "initiator:bsn:999991772,gemachtigde:bsn:999990019" (rol:soort:nummer) */
	const char *rollen;
	bool open, tonen_aan_initiator, afgeschermd;
};

struct tt_resource {
	struct zaak_resource zaak;
	struct identiteit gemachtigden[POLICY_MAX_GEMACHTIGDEN];
};

/* Fills out (pointing into rij). An unknown vertrouwelijkheid counts as the
 * highest level and a missing initiator as none: unreadable data never
 * grants more. */
void tt_resource(const struct tt_zaak_rij *rij, struct tt_resource *out);

/* PostgreSQL's JSON timestamptz in UTC ("2026-03-02T08:00:00.5+00:00") as
 * "2026-03-02T08:00:00.500Z"; false when it is not of that form. */
bool tt_tijdstip(const char *pg, char out[32]);

/* Whether any betrokkene of a ZaakGeregistreerd is shielded (BRP geheimhouding):
 * the initiator, a gemachtigde or any other role. */
bool tt_betrokkene_afgeschermd(const json_t *zaak_geregistreerd);

/* How a timeline is shown. */
struct tt_weergave {
	bool voor_initiator; /* a resident or gemachtigde: statuses not for the initiator hidden */
	enum detail detail;  /* samenvatting or volledig */
	bool gegevens;       /* zaak.gegevens permitted: the data used is shown */
	enum detail gegevens_detail;
};

/*
 * The timeline of one zaak from the read model's document {zaak, statussen,
 * statustypen, opschortingen, verlengingen, resultaten, besluiten,
 * eigenschappen, verwerkingsactiviteit} (snake_case rows as PostgreSQL's
 * to_json writes them). Returns the response body (camelCase, ZGW names).
 */
json_t *tt_tijdlijn(const json_t *doc, const struct tt_weergave *w);

/* One list item (a summary) from a read-model row; NULL strings become null. */
struct tt_lijst_rij {
	const char *identificatie, *zaaktype, *zaaktype_omschrijving, *omschrijving;
	const char *registratiedatum, *startdatum, *einddatum_gepland, *uiterlijke_einddatum;
	const char *einddatum, *resultaat;
	/* the current status, or for a resident the last one shown to the initiator */
	const char *status_omschrijving, *statustekst, *status_gezet_op;
	bool opgeschort;
};
json_t *tt_lijst_item(const struct tt_lijst_rij *r);

#endif
