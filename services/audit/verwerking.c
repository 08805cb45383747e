/*
 * verwerking.c — Dataverwerkingen from events (see verwerking.h).
 */
#include "verwerking.h"

#include <stdio.h>
#include <string.h>

static const char *
str(const json_t *o, const char *f)
{
	return json_string_value(json_object_get(o, f));
}

/* A Betrokkene record (BSN, KvK number or vestiging) as a pseudonym. */
static bool
van_betrokkene(const json_t *b, const struct pseudoniem_sleutel *sleutel, struct betrokkene *out)
{
	static const struct {
		const char *veld, *type;
	} ids[] = {{"inpBsn", "BSN"}, {"kvkNummer", "KVK"}, {"vestigingsNummer", "VESTIGING"}};

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const char *v = str(b, ids[i].veld);
		if (v && pseudoniem(sleutel, ids[i].type, v, out->pseudoniem)) {
			snprintf(out->type, sizeof(out->type), "%s", ids[i].type);
			return true;
		}
	}
	return false;
}

static int
voeg_toe(struct betrokkene *out, int n, const struct betrokkene *b)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(out[i].pseudoniem, b->pseudoniem))
			return n; /* one person twice (initiator and belanghebbende): once */
	if (n < VERWERKING_MAX_BETROKKENEN)
		out[n++] = *b;
	return n;
}

static const char *
type_van(const char *betrokkene_type)
{
	if (!betrokkene_type)
		return NULL;
	if (!strcmp(betrokkene_type, "natuurlijk_persoon"))
		return "BSN";
	if (!strcmp(betrokkene_type, "niet_natuurlijk_persoon"))
		return "KVK";
	if (!strcmp(betrokkene_type, "vestiging"))
		return "VESTIGING";
	if (!strcmp(betrokkene_type, "medewerker"))
		return "PERSONEELSNUMMER";
	return NULL;
}

int
verwerking_betrokkenen(const char *record, const json_t *data,
                       const struct pseudoniem_sleutel *sleutel,
                       struct betrokkene out[VERWERKING_MAX_BETROKKENEN])
{
	struct betrokkene b;
	int n = 0;

	if (!sleutel)
		return 0;
	if (!strcmp(record, "ZaakGeregistreerd")) {
		size_t i;
		json_t *rol;
		json_array_foreach(json_object_get(data, "rollen"), i, rol)
		{
			if (van_betrokkene(json_object_get(rol, "betrokkene"), sleutel, &b))
				n = voeg_toe(out, n, &b);
		}
		return n;
	}
	if (!strcmp(record, "AanvraagIngediend") || !strcmp(record, "InzageVerzoekIngediend")) {
		static const char *const velden[] = {"initiator", "betrokkene", "gemachtigde",
		                                     "vertegenwoordiger"};
		for (size_t i = 0; i < sizeof(velden) / sizeof(velden[0]); i++)
			if (van_betrokkene(json_object_get(data, velden[i]), sleutel, &b))
				n = voeg_toe(out, n, &b);
		return n;
	}
	/* Facts that carry the pseudonym already (made with the same key). */
	const char *p = str(data, "betrokkene"), *t = type_van(str(data, "betrokkeneType"));
	if (p && t && strlen(p) == PSEUDONIEM_LEN) {
		snprintf(b.pseudoniem, sizeof(b.pseudoniem), "%s", p);
		snprintf(b.type, sizeof(b.type), "%s", t);
		n = voeg_toe(out, n, &b);
	}
	return n;
}

const char *
verwerking_activiteit(const char *record, const json_t *data)
{
	const char *a;

	if (!strcmp(record, "ZaakGeregistreerd"))
		return str(json_object_get(data, "verwerkingsactiviteit"), "id");
	if (!strcmp(record, "GegevensGeraadpleegd")) {
		a = str(data, "verwerkingsactiviteit");
		return a ? a : ACTIVITEIT_TRACKTRACE;
	}
	if (!strncmp(record, "Bericht", 7) || !strcmp(record, "GebeurtenisDoorgegeven"))
		return ACTIVITEIT_NOTIFICATIE;
	if (!strncmp(record, "Inzage", 6))
		return ACTIVITEIT_INZAGE;
	return NULL;
}

bool
verwerking_ontvanger(const char *record, const json_t *data, char *out, size_t n)
{
	const char *v;
	int k = -1;

	if (!strcmp(record, "BerichtVerstuurd") && (v = str(data, "kanaal")) && *v)
		k = snprintf(out, n, "%s", v);
	else if (!strcmp(record, "GebeurtenisDoorgegeven") && (v = str(data, "abonnement")) && *v)
		k = snprintf(out, n, "webhook:%s", v);
	return k > 0 && (size_t)k < n;
}

const char *
verwerking_zaak(const char *record, const json_t *data)
{
	if (!strcmp(record, "ZaakGeregistreerd"))
		return str(data, "uuid");
	return str(data, "zaak");
}

/* 16 hex digits of a traceparent's span, or "". */
static void
span_van(const char *tp, char out[SPAN_ID_HEX + 1])
{
	out[0] = '\0';
	if (tp && traceparent_valid(tp)) {
		memcpy(out, tp + 3 + TRACE_ID_HEX + 1, SPAN_ID_HEX);
		out[SPAN_ID_HEX] = '\0';
	}
}

json_t *
verwerking_afleiden(const struct regel_bron *b, const struct betrokkene *wie,
                    const char *activiteit)
{
	char naam[96], trace[TRACE_ID_HEX + 1] = "", span[SPAN_ID_HEX + 1] = "", tijd[32];
	char service[128];
	const char *bron = b->ce && b->ce->source[0] ? b->ce->source : "onbekend";
	const char *streep = strrchr(bron, ':');

	regel_werkwoord(b->record, naam, sizeof(naam));
	for (char *p = naam; *p; p++)
		if (*p == '_')
			*p = '-';
	if (b->ce) {
		traceparent_trace_id(b->ce->traceparent, trace);
		span_van(b->ce->traceparent, span);
	}
	/* without a trace of its own the act is its own trace: ids from the
	 * event id, so that a replay gives the same line */
	if (!trace[0] || !span[0]) {
		char id[UUID_LEN + 1];
		uuid_v5(ZS_UUID_NAMESPACE, b->ce && b->ce->id[0] ? b->ce->id : b->topic, id);
		size_t k = 0;
		for (const char *p = id; *p && k < TRACE_ID_HEX; p++)
			if (*p != '-')
				trace[k++] = *p;
		trace[k] = '\0';
		memcpy(span, trace, SPAN_ID_HEX);
		span[SPAN_ID_HEX] = '\0';
	}
	regel_tijd(b, tijd);
	/* "urn:...:systeem:zaakstroom-status" → "zaakstroom-status" */
	snprintf(service, sizeof(service), "%s", streep ? streep + 1 : bron);
	return json_pack("{s:s, s:s, s:n, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:n}, s:s, s:s, s:s,"
	                 " s:n, s:n}",
	                 "traceId", trace, "spanId", span, "parentSpanId", "name", naam,
	                 "startTime", tijd, "endTime", tijd, "status", "ok", "resource",
	                 "serviceName", service, "serviceVersion", "1", "cmdbRef",
	                 "processingActivityId", activiteit ? activiteit : ACTIVITEIT_ONBEKEND,
	                 "dataSubjectId", wie->pseudoniem, "dataSubjectIdType", wie->type,
	                 "foreignOperation", "exception");
}
