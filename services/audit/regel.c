/*
 * regel.c — the AuditRegel of an event: one table row per record type says
 * which action on which resource it is, where its main object is, what it
 * means as an outcome and which fields are "what changed"; the actor rules
 * are shared by all.
 */
#include "regel.h"
#include "core/mask.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct soort {
	const char *record;
	const char *actie;          /* NULL: the record name as a verb (status_gezet) */
	const char *resource;       /* zaak, aanvraag, opdracht, ... */
	const char *object;         /* field holding the main object, tried first */
	int resultaat;              /* HTTP-like outcome */
	const char *weergave;       /* field shown as the resource's short description */
	const char *wijzigingen[6]; /* fields that say what changed */
};

static const struct soort soorten[] = {
        {"ZaaktypeGepubliceerd",
         "create",
         "zaaktype",
         "identificatie",
         201,
         "omschrijving",
         {"versiedatum", "beginGeldigheid", "eindeGeldigheid", "verwerkingsactiviteit"}},
        {"AanvraagIngediend",
         "create",
         "aanvraag",
         "aanvraagId",
         202,
         "zaaktype",
         {"zaaktype", "kanaal", "authenticatie"}},
        {"AanvraagGeaccepteerd",
         NULL,
         "aanvraag",
         "aanvraagId",
         201,
         "identificatie",
         {"zaak", "identificatie", "einddatumGepland", "uiterlijkeEinddatumAfdoening"}},
        {"AanvraagAfgewezen", NULL, "aanvraag", "aanvraagId", 422, "zaaktype", {"redenen"}},
        {"ZaakGeregistreerd",
         "create",
         "zaak",
         "uuid",
         201,
         "identificatie",
         {"zaaktype", "zaaktypeVersiedatum", "status", "einddatumGepland",
          "uiterlijkeEinddatumAfdoening", "vertrouwelijkheidaanduiding"}},
        {"StatusGezet",
         NULL,
         "status",
         "zaak",
         201,
         "identificatie",
         {"vorigeVolgnummer", "status", "statustoelichting", "terugzettenReden", "termijnen"}},
        {"ResultaatVastgesteld",
         NULL,
         "resultaat",
         "zaak",
         201,
         "identificatie",
         {"resultaat", "archiefnominatie", "archiefactietermijn", "termijnen"}},
        {"ZaakOpgeschort",
         NULL,
         "zaak",
         "zaak",
         200,
         "identificatie",
         {"reden", "per", "termijnen"}},
        {"ZaakHervat",
         NULL,
         "zaak",
         "zaak",
         200,
         "identificatie",
         {"per", "opgeschorteDagen", "termijnen"}},
        {"ZaakVerlengd",
         NULL,
         "zaak",
         "zaak",
         200,
         "identificatie",
         {"reden", "duur", "verlengingDagen", "termijnen"}},
        {"BesluitGenomen",
         NULL,
         "besluit",
         "zaak",
         201,
         "identificatie",
         {"besluit", "besluitIdentificatie", "besluittype", "datum", "uiterlijkeReactiedatum"}},
        {"ZaakAfgesloten",
         NULL,
         "zaak",
         "zaak",
         200,
         "identificatie",
         {"einddatum", "resultaat", "archiefnominatie", "archiefactiedatum"}},
        {"ZaakHeropend", NULL, "zaak", "zaak", 200, "identificatie", {"reden", "termijnen"}},
        {"TermijnBewaking",
         NULL,
         "termijn",
         "zaak",
         200,
         "identificatie",
         {"termijn", "fase", "datum", "dagenResterend"}},
        {"OpdrachtUitgevoerd",
         NULL,
         "opdracht",
         "zaak",
         200,
         "opdrachtType",
         {"opdrachtId", "opdrachtType"}},
        {"OpdrachtGeweigerd",
         NULL,
         "opdracht",
         "zaak",
         422,
         "opdrachtType",
         {"opdrachtId", "opdrachtType", "redenen"}},
        {"GegevensGeraadpleegd",
         NULL,
         "persoonsgegevens",
         "zaak",
         200,
         "zaakIdentificatie",
         {"doel", "grondslag", "verwerkingsactiviteit", "regel", "detailniveau", "reden"}},
        {"BerichtVerstuurd",
         NULL,
         "bericht",
         "zaak",
         200,
         "onderwerp",
         {"berichtId", "aanleiding", "kanaal", "pogingen"}},
        {"BerichtMislukt",
         NULL,
         "bericht",
         "zaak",
         502,
         "onderwerp",
         {"berichtId", "aanleiding", "kanaal", "pogingen", "definitief", "foutcode"}},
        {"GebeurtenisDoorgegeven",
         NULL,
         "webhook",
         "zaak",
         200,
         "abonnement",
         {"berichtId", "abonnement", "origin", "vorm", "aanleiding", "pogingen"}},
        {"InzageVerzoekIngediend",
         "create",
         "inzageverzoek",
         "verzoekId",
         202,
         "kanaal",
         {"kanaal", "authenticatie"}},
        {"InzageVerzoekOntvangen",
         NULL,
         "inzageverzoek",
         "verzoekId",
         201,
         "kanaal",
         {"uitersteDatum", "vertegenwoordigd"}},
        {"InzageTermijnVerlengd",
         NULL,
         "inzageverzoek",
         "verzoekId",
         200,
         "reden",
         {"reden", "vorigeUitersteDatum", "nieuweUitersteDatum"}},
        {"InzageAfgehandeld",
         NULL,
         "inzageverzoek",
         "verzoekId",
         200,
         "uitkomst",
         {"uitkomst", "binnenTermijn", "toelichting"}},
        {"InzageTermijnBewaking",
         NULL,
         "inzageverzoek",
         "verzoekId",
         200,
         "fase",
         {"fase", "datum", "dagenResterend"}},
};

/* Opdrachten share one shape: an actor asks for something on a zaak. */
static const struct soort opdracht = {
        NULL,
        NULL,
        "opdracht",
        "zaak",
        202,
        "opdrachtId",
        {"opdrachtId", "volgnummer", "reden", "duur", "resultaattype", "besluittype"}};
static const struct soort onbekend = {NULL, NULL, "onbekend", NULL, 200, NULL, {NULL}};

static const char *const opdrachten[] = {
        "StatusZetten",  "ResultaatVastleggen", "ZaakOpschorten", "ZaakHervatten",
        "ZaakVerlengen", "BesluitVastleggen",   "ZaakHeropenen"};

static const struct soort *
soort_van(const char *record)
{
	for (size_t i = 0; i < sizeof(soorten) / sizeof(soorten[0]); i++)
		if (strcmp(soorten[i].record, record) == 0)
			return &soorten[i];
	for (size_t i = 0; i < sizeof(opdrachten) / sizeof(opdrachten[0]); i++)
		if (strcmp(opdrachten[i], record) == 0)
			return &opdracht;
	return &onbekend;
}

void
regel_werkwoord(const char *record, char *out, size_t n)
{
	size_t k = 0;

	if (n == 0)
		return;
	for (const char *p = record; *p && k + 2 < n; p++) {
		unsigned char c = (unsigned char)*p;
		if (isupper(c) && p != record)
			out[k++] = '_';
		out[k++] = (char)tolower(c);
	}
	out[k] = '\0';
}

static const char *
str(const json_t *o, const char *field)
{
	return json_string_value(json_object_get(o, field));
}

/* A free text as it may leave: BSN-like numbers and tokens masked. */
static json_t *
masked(const char *s)
{
	char *copy;
	json_t *j;

	if (!s)
		return json_null();
	copy = strdup(s);
	if (!copy)
		return NULL;
	mask_text(copy);
	j = json_string(copy);
	free(copy);
	return j;
}

/* The pseudonym of a Betrokkene (BSN, KvK, vestiging), or an employee's id. */
static json_t *
betrokkene_id(const json_t *b, const struct pseudoniem_sleutel *sleutel)
{
	static const struct {
		const char *veld, *type;
	} ids[] = {{"inpBsn", "BSN"}, {"kvkNummer", "KVK"}, {"vestigingsNummer", "VESTIGING"}};
	char p[PSEUDONIEM_LEN + 1];

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const char *v = str(b, ids[i].veld);
		if (v && sleutel && pseudoniem(sleutel, ids[i].type, v, p))
			return json_string(p);
		if (v)
			return json_null(); /* no key: nothing rather than the number */
	}
	return masked(str(b, "medewerkerIdentificatie"));
}

/* Sets gebruikersId and applicatieId from whoever caused the event. */
static void
actor(json_t *r, const json_t *d, const struct pseudoniem_sleutel *sleutel)
{
	const json_t *a = json_object_get(d, "actor");
	const json_t *b;

	if (!json_is_object(a))
		a = json_object_get(d, "uitvoerder");
	if (json_is_object(a)) {
		const char *type = str(a, "type");
		/* GegevensGeraadpleegd: identificatie is already a pseudonym for
		 * residents; an application is the application. */
		if (type) {
			bool app = strcmp(type, "applicatie") == 0;
			json_object_set_new(r, "gebruikersId",
			                    app ? json_null() : masked(str(a, "identificatie")));
			json_object_set_new(r, "applicatieId",
			                    app ? masked(str(a, "identificatie")) : json_null());
			return;
		}
		json_object_set_new(r, "gebruikersId", masked(str(a, "medewerkerIdentificatie")));
		json_object_set_new(r, "applicatieId", masked(str(a, "applicatie")));
		return;
	}
	/* Requests from residents: who applied (a gemachtigde for someone) */
	b = json_object_get(d, "gemachtigde");
	if (!json_is_object(b))
		b = json_object_get(d, "vertegenwoordiger");
	if (!json_is_object(b))
		b = json_object_get(d, "initiator");
	if (!json_is_object(b))
		b = json_object_get(d, "betrokkene");
	json_object_set_new(r, "gebruikersId",
	                    json_is_object(b) ? betrokkene_id(b, sleutel) : json_null());
	json_object_set_new(r, "applicatieId", json_null());
}

/* What changed: the soort's fields present in the event, compact JSON with
 * sorted keys, free text masked. NULL when none is present. */
static json_t *
wijzigingen(const struct soort *s, const json_t *d)
{
	json_t *w = json_object();
	json_t *out;
	char *text;

	if (!w)
		return NULL;
	for (int i = 0; i < 6 && s->wijzigingen[i]; i++) {
		json_t *v = json_object_get(d, s->wijzigingen[i]);
		if (v && !json_is_null(v))
			json_object_set(w, s->wijzigingen[i], v);
	}
	if (json_object_size(w) == 0) {
		json_decref(w);
		return json_null();
	}
	text = json_dumps(w, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(w);
	if (!text)
		return NULL;
	out = masked(text);
	free(text);
	return out;
}

static const char *
hoofdobject(const struct soort *s, const struct regel_bron *b)
{
	static const char *const velden[] = {"zaak", "aanvraagId", "verzoekId", "uuid",
	                                     "identificatie"};
	const char *v = s->object ? str(b->data, s->object) : NULL;

	for (size_t i = 0; !v && i < sizeof(velden) / sizeof(velden[0]); i++)
		v = str(b->data, velden[i]);
	/* a raadpleging of a list has no zaak: its object is the betrokkene */
	if (!v)
		v = str(b->data, "betrokkene");
	if (!v && b->key && *b->key)
		v = b->key;
	if (!v && b->ce && b->ce->subject[0])
		v = b->ce->subject;
	return v ? v : "";
}

static int
resultaat(const struct soort *s, const struct regel_bron *b)
{
	const char *besluit = str(b->data, "besluit");

	/* a raadpleging records permits and denies alike */
	if (strcmp(b->record, "GegevensGeraadpleegd") == 0 && besluit)
		return strcmp(besluit, "permit") == 0 ? 200 : 403;
	return s->resultaat;
}

void
regel_tijd(const struct regel_bron *b, char out[32])
{
	if (b->ce && b->ce->time[0])
		snprintf(out, 32, "%s", b->ce->time);
	else
		format_rfc3339_ms(b->kafka_ms > 0 ? b->kafka_ms : 0, out);
}

json_t *
regel_afleiden(const struct regel_bron *b, const struct pseudoniem_sleutel *sleutel)
{
	const struct soort *s = soort_van(b->record);
	char verb[96], url[384], trace[TRACE_ID_HEX + 1] = "", type[160], tijd[32];
	const char *weergave = s->weergave ? str(b->data, s->weergave) : NULL;
	const char *source = b->ce && b->ce->source[0] ? b->ce->source : "onbekend";
	const char *actie = s->actie;
	json_t *r = json_object();

	if (!r)
		return NULL;
	if (strcmp(b->record, "GegevensGeraadpleegd") == 0)
		actie = str(b->data, "actie");
	regel_werkwoord(b->record, verb, sizeof(verb));
	if (!actie)
		actie = verb;
	snprintf(url, sizeof(url), "kafka:%s/%d/%lld", b->topic, (int)b->partition,
	         (long long)b->offset);
	if (b->ce)
		traceparent_trace_id(b->ce->traceparent, trace);
	if (b->ce && b->ce->type[0])
		snprintf(type, sizeof(type), "%s", b->ce->type);
	else
		ce_type_for(b->record, type, sizeof(type));

	json_object_set_new(r, "bron", json_string(source));
	actor(r, b->data, sleutel);
	json_object_set_new(r, "actie", json_string(actie));
	json_object_set_new(r, "resultaat", json_integer(resultaat(s, b)));
	json_object_set_new(r, "hoofdObject", masked(hoofdobject(s, b)));
	json_object_set_new(r, "resource", json_string(s->resource));
	json_object_set_new(r, "resourceUrl", json_string(url));
	json_object_set_new(r, "resourceWeergave", masked(weergave ? weergave : b->record));
	json_object_set_new(r, "toelichting", wijzigingen(s, b->data));
	regel_tijd(b, tijd);
	json_object_set_new(r, "aanmaakdatum", json_string(tijd));
	json_object_set_new(r, "bronTopic", json_string(b->topic));
	json_object_set_new(r, "bronPartitie", json_integer(b->partition));
	json_object_set_new(r, "bronOffset", json_integer(b->offset));
	json_object_set_new(r, "eventId", json_string(b->ce && b->ce->id[0] ? b->ce->id : url));
	json_object_set_new(r, "eventType", json_string(type));
	json_object_set_new(r, "traceId", trace[0] ? json_string(trace) : json_null());
	/* every set_new above that failed left a field out: the encoder then
	 * refuses the entry rather than logging half of it */
	return r;
}

json_t *
regel_opvraging(const struct regel_opvraging *o, const struct pseudoniem_sleutel *sleutel)
{
	const struct principal *p = o->wie;
	char trace[TRACE_ID_HEX + 1] = "", pseudo[PSEUDONIEM_LEN + 1];
	json_t *gebruiker = json_null(), *app = json_null(), *w, *r;
	char *text;

	traceparent_trace_id(o->ce->traceparent, trace);
	if (p && p->kind == PRINCIPAL_MEDEWERKER)
		gebruiker = masked(p->medewerker_id);
	else if (p && p->kind == PRINCIPAL_APPLICATIE)
		app = masked(p->client_id);
	else if (p && p->identiteit.type != ID_GEEN && sleutel &&
	         pseudoniem(sleutel, p->identiteit.type == ID_BSN ? "BSN" : "KVK",
	                    p->identiteit.nummer, pseudo))
		gebruiker = json_string(pseudo);
	w = json_pack("{s:s?, s:s?}", "doel", o->doel, "regel", o->regel);
	text = w ? json_dumps(w, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(w);
	r = json_pack("{s:s, s:o, s:o, s:s, s:i, s:o, s:s, s:o, s:o, s:o, s:s, s:s, s:i, s:i,"
	              " s:s, s:s, s:o}",
	              "bron", "zaakstroom/audit", "gebruikersId", gebruiker, "applicatieId", app,
	              "actie", "retrieve", "resultaat", o->resultaat, "hoofdObject",
	              masked(o->object), "resource", "audit", "resourceUrl", masked(o->pad),
	              "resourceWeergave", masked(o->object), "toelichting",
	              text && strcmp(text, "{}") != 0 ? masked(text) : json_null(), "aanmaakdatum",
	              o->ce->time, "bronTopic", "http", "bronPartitie", -1, "bronOffset", -1,
	              "eventId", o->ce->id, "eventType", "nl.zaakstroom.audit-opgevraagd",
	              "traceId", trace[0] ? json_string(trace) : json_null());
	free(text);
	return r;
}

json_t *
regel_verwijdering(long long aantal, long long van, long long tot, const char *profiel,
                   const struct ce_attrs *ce)
{
	char object[96], *text;
	json_t *w = json_pack("{s:I, s:s}", "aantal", (json_int_t)aantal, "profiel", profiel), *r;

	snprintf(object, sizeof(object), "regels %lld..%lld", van, tot);
	text = w ? json_dumps(w, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(w);
	r = json_pack("{s:s, s:n, s:n, s:s, s:i, s:s, s:s, s:s, s:s, s:s?, s:s, s:s, s:i, s:i,"
	              " s:s, s:s, s:n}",
	              "bron", "zaakstroom/audit", "gebruikersId", "applicatieId", "actie",
	              "destroy", "resultaat", 200, "hoofdObject", object, "resource", "audit",
	              "resourceUrl", "zaakstroom:bewaartermijn", "resourceWeergave",
	              "inhoud verlopen regels verwijderd; bladhashes blijven", "toelichting", text,
	              "aanmaakdatum", ce->time, "bronTopic", "bewaren", "bronPartitie", -1,
	              "bronOffset", -1, "eventId", ce->id, "eventType",
	              "nl.zaakstroom.audit-inhoud-verwijderd", "traceId");
	free(text);
	return r;
}
