/*
 * verwerking.h — the Logboek Dataverwerkingen (Logius standard): one
 * Dataverwerking per processing act per betrokkene, with the betrokkene as
 * a keyed pseudonym and the processing activity as a URI into the
 * register, and no user identity (that is in the audit log). Pure.
 *
 * Which betrokkenen an act concerns: those the event names (the rollen of
 * ZaakGeregistreerd, the initiator and gemachtigde of an aanvraag, the
 * betrokkene of a raadpleging or inzageverzoek); for everything else that
 * happens to a zaak (statuses, opdrachten, berichten), the zaak's
 * betrokkenen as the daemon remembers them from its registration.
 */
#ifndef ZS_AUDIT_VERWERKING_H
#define ZS_AUDIT_VERWERKING_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "access/pseudoniem.h"
#include "regel.h"

#define VERWERKING_MAX_BETROKKENEN 16

/* The platform's own processing activities (the register names them too). */
#define ACTIVITEIT_PREFIX      "urn:zaakstroom:verwerkingsactiviteit:"
#define ACTIVITEIT_TRACKTRACE  ACTIVITEIT_PREFIX "track-en-trace"
#define ACTIVITEIT_NOTIFICATIE ACTIVITEIT_PREFIX "notificatie"
#define ACTIVITEIT_INZAGE      ACTIVITEIT_PREFIX "inzage"
#define ACTIVITEIT_ONBEKEND    ACTIVITEIT_PREFIX "onbekend"

struct betrokkene {
	char pseudoniem[PSEUDONIEM_LEN + 1];
	char type[16]; /* BSN, KVK, VESTIGING, PERSONEELSNUMMER */
};

/* The betrokkenen an event itself names; their count. */
int verwerking_betrokkenen(const char *record, const json_t *data,
                           const struct pseudoniem_sleutel *sleutel,
                           struct betrokkene out[VERWERKING_MAX_BETROKKENEN]);

/* The processing activity an event names (the zaaktype's verwerkingsactiviteit
 * on ZaakGeregistreerd, a raadpleging's own), or the platform's for its own
 * processing (raadplegingen, berichten, inzage); NULL when the event names
 * none and belongs to a zaak (the zaak's activity then applies). */
const char *verwerking_activiteit(const char *record, const json_t *data);

/*
 * The recipient an event shows personal data went to, as the register names
 * recipients, under the platform's notificatie activity: a BerichtVerstuurd's
 * channel ("email"), a GebeurtenisDoorgegeven's subscriber
 * ("webhook:<abonnement id>"). false when the event shows none.
 */
bool verwerking_ontvanger(const char *record, const json_t *data, char *out, size_t n);

/* The zaak an event concerns, or NULL. */
const char *verwerking_zaak(const char *record, const json_t *data);

/* The Dataverwerking (plain JSON) of event b for one betrokkene. */
json_t *verwerking_afleiden(const struct regel_bron *b, const struct betrokkene *wie,
                            const char *activiteit);

#endif
