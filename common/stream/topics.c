/*
 * topics.c — topic table and names.
 */
#include "stream/topics.h"
#include "stream/settings.h"

#include <stdio.h>
#include <string.h>

/* Partitions: six where zaak-level parallelism matters, so that a group of up to
 * six instances shares the load; the catalogus is small and compacted. */
const struct topic_def topic_defs[TOPIC__COUNT] = {
        [TOPIC_CATALOGUS] = {"catalogus", 1, true,
                             "ZaaktypeGepubliceerd, key identificatie/beginGeldigheid"},
        [TOPIC_AANVRAGEN] = {"aanvragen", 6, false,
                             "AanvraagIngediend from portals, key aanvraagId"},
        [TOPIC_AANVRAAG_UITKOMSTEN] = {"aanvraag-uitkomsten", 6, false,
                                       "AanvraagGeaccepteerd/Afgewezen"},
        [TOPIC_ZAKEN] = {"zaken", 6, false, "every fact about a zaak, key zaak uuid"},
        [TOPIC_ZAAK_OPDRACHTEN] = {"zaak-opdrachten", 6, false,
                                   "opdrachten of afhandelcomponenten"},
        [TOPIC_OPDRACHT_UITKOMSTEN] = {"opdracht-uitkomsten", 6, false,
                                       "OpdrachtUitgevoerd/Geweigerd"},
        [TOPIC_BERICHTEN] = {"berichten", 6, false,
                             "BerichtVerstuurd/Mislukt, GebeurtenisDoorgegeven"},
        [TOPIC_RAADPLEGINGEN] = {"raadplegingen", 6, false, "GegevensGeraadpleegd"},
        [TOPIC_INZAGE] = {"inzage", 3, false, "inzageverzoeken"},
        [TOPIC_AUDIT] = {"audit", 1, false, "AuditRegel, BoomhoofdGetekend (one ordered log)"},
        [TOPIC_DATAVERWERKINGEN] = {"dataverwerkingen", 6, false, "Logboek Dataverwerkingen"},
        [TOPIC_DLQ] = {"dlq", 1, false, "undecodable messages, error in headers"},
};

static char names[TOPIC__COUNT][160];

const char *
topic_name(enum topic_id id)
{
	if (!names[id][0])
		snprintf(names[id], sizeof(names[id]), "%s%s", stream_topic_prefix,
		         topic_defs[id].suffix);
	return names[id];
}

int
topic_by_name(const char *name)
{
	for (int i = 0; i < TOPIC__COUNT; i++)
		if (!strcmp(topic_name((enum topic_id)i), name))
			return i;
	return -1;
}

int
topic_lookup(const char *name_or_suffix)
{
	int id = topic_by_name(name_or_suffix);

	for (int i = 0; id < 0 && i < TOPIC__COUNT; i++)
		if (!strcmp(topic_defs[i].suffix, name_or_suffix))
			id = i;
	return id;
}
