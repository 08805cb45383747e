/*
 * verzoek.h — what a request under the AVG says when it comes in over the
 * API, read strictly: the right invoked, whose data (the caller, someone
 * they hold a machtiging for, or — registered by an employee — the person
 * who wrote or came to the desk), the channel, the date of receipt, how the
 * identity was checked, the request's own words. Every fault becomes a
 * reason naming its field; nothing is half-read. Pure.
 */
#ifndef ZS_INZAGE_VERZOEK_H
#define ZS_INZAGE_VERZOEK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "access/principal.h"
#include "termijn.h"
#include "zgw/reden.h"

#define VERZOEK_TOELICHTING_MAX 4000
#define VERZOEK_ID_LEN          36

struct verzoek_invoer {
	char verzoek_id[VERZOEK_ID_LEN + 1]; /* given, or "" (the daemon makes one) */
	enum recht recht;
	struct identiteit betrokkene;                  /* whose data */
	bool vertegenwoordigd;                         /* asked by a gemachtigde */
	char kanaal[16];                               /* Kanaal symbol */
	int32_t ontvangen;                             /* Dutch date of receipt */
	char id_middel[20];                            /* Identificatiemiddel symbol */
	char toelichting[VERZOEK_TOELICHTING_MAX + 1]; /* BSNs and tokens masked */
};

/*
 * Reads body for caller p on vandaag. A resident asks for themselves, or
 * ("namens"/"betrokkene") for someone their token holds a machtiging for;
 * an employee registers for "betrokkene" with "kanaal", "ontvangenOp" (not
 * in the future) and "identiteitscontrole". Returns true, or false with
 * every reason in r; *verboden is set when the only fault is asking for
 * someone else's data (a 403, not a 400).
 */
bool verzoek_invoer_lees(const json_t *body, const struct principal *p, int32_t vandaag,
                         struct verzoek_invoer *out, struct redenen *r, bool *verboden);

/* The uitkomsten InzageAfgehandeld knows; -1 for another word. */
int verzoek_uitkomst(const char *naam);
/* Whether that uitkomst refuses (then a toelichting is required, AVG art. 12(4)). */
bool verzoek_uitkomst_weigert(int uitkomst);
/* Whether that uitkomst provides data (then the art. 15 report goes with it). */
bool verzoek_uitkomst_verstrekt(int uitkomst);
const char *verzoek_uitkomst_naam(int uitkomst);

#endif
