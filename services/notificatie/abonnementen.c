/*
 * abonnementen.c — webhook subscriptions: loaded, matched, payloads.
 */
#include "abonnementen.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
tekst(json_t *v, char *out, size_t n)
{
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= n)
		return false;
	snprintf(out, n, "%s", json_string_value(v));
	return true;
}

/* An id a URL path can carry as it is: letters, digits, '-', '_', '.'. */
static bool
id_geldig(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return false;
	return true;
}

/* http(s)://host[...]: absolute, a host, no spaces or controls. Loopback and
 * private addresses are allowed (a portal on the same network; the tests). */
static bool
url_geldig(const char *s)
{
	const char *rest;

	if (strncmp(s, "http://", 7) == 0)
		rest = s + 7;
	else if (strncmp(s, "https://", 8) == 0)
		rest = s + 8;
	else
		return false;
	if (!*rest || *rest == '/' || *rest == ':' || *rest == '?' || *rest == '#')
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

bool
abonnement_controleer(const json_t *o, struct abonnement *a, const char **veld, const char **reden)
{
	const char *k;
	json_t *v;

	memset(a, 0, sizeof(*a));
	*veld = "";
	if (!json_is_object(o)) {
		*reden = "Stuur een JSON-object.";
		return false;
	}
	json_object_foreach((json_t *)o, k, v)
	{
		size_t j;
		json_t *x;

		*veld = k;
		if (strcmp(k, "id") == 0) {
			if (!tekst(v, a->id, sizeof(a->id)) || !id_geldig(a->id)) {
				*reden = "Een id van 1 tot 63 letters, cijfers, '-', '_' of '.'.";
				return false;
			}
		} else if (strcmp(k, "url") == 0) {
			if (!tekst(v, a->url, sizeof(a->url)) || !url_geldig(a->url)) {
				*reden =
				        "Een absolute http- of https-URL van hoogstens 511 tekens.";
				return false;
			}
		} else if (strcmp(k, "authorization") == 0) {
			if (!tekst(v, a->authorization, sizeof(a->authorization)) ||
			    strpbrk(a->authorization, "\r\n")) {
				*reden =
				        "De waarde van de Authorization-header: tekst van hoogstens 511 "
				        "tekens op een regel.";
				return false;
			}
		} else if (strcmp(k, "vorm") == 0) {
			const char *vorm = json_string_value(v);
			if (!vorm || (strcmp(vorm, "notificaties") != 0 &&
			              strcmp(vorm, "cloudevents") != 0)) {
				*reden = "Kies notificaties of cloudevents.";
				return false;
			}
			a->cloudevents = strcmp(vorm, "cloudevents") == 0;
		} else if (strcmp(k, "aanleidingen") == 0) {
			if (!json_is_array(v)) {
				*reden = "Een lijst van aanleidingen.";
				return false;
			}
			json_array_foreach(v, j, x)
			{
				enum aanleiding an;
				if (!aanleiding_van_naam(json_string_value(x), &an)) {
					*reden = "Een onbekende aanleiding; zie de README van "
					         "zs-notificatie.";
					return false;
				}
				a->aanleidingen |= 1u << an;
			}
		} else if (strcmp(k, "zaaktypen") == 0) {
			if (!json_is_array(v) || json_array_size(v) > ABO_ZAAKTYPEN) {
				*reden = "Een lijst van hoogstens 16 zaaktype-identificaties.";
				return false;
			}
			json_array_foreach(v, j, x)
			{
				if (!tekst(x, a->zaaktypen[a->nzaaktypen],
				           sizeof(a->zaaktypen[0]))) {
					*reden = "Een zaaktype-identificatie van 1 tot 95 tekens.";
					return false;
				}
				a->nzaaktypen++;
			}
		} else {
			*reden = "Dit veld bestaat niet.";
			return false;
		}
	}
	if (!a->id[0] || !a->url[0]) {
		*veld = a->id[0] ? "url" : "id";
		*reden = "Dit veld is verplicht.";
		return false;
	}
	return true;
}

static bool
abonnement_parse(struct abonnement *a, json_t *o, size_t i, char *err, size_t errlen)
{
	const char *veld, *reden;

	if (abonnement_controleer(o, a, &veld, &reden))
		return true;
	/* The reason is Dutch: the file is written by a beheerder who reads it. */
	snprintf(err, errlen, "abonnement %zu: field \"%s\" invalid: %s", i + 1, veld, reden);
	return false;
}

bool
abonnementen_parse(struct abonnementen *out, const char *json, char *err, size_t errlen)
{
	json_error_t je;
	json_t *doc = json_loads(json, JSON_REJECT_DUPLICATES, &je), *lijst, *o;
	size_t i;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	if (!doc) {
		snprintf(err, errlen, "invalid JSON at line %d: %s", je.line, je.text);
		return false;
	}
	lijst = json_object_get(doc, "abonnementen");
	if (!json_is_array(lijst) || json_object_size(doc) != 1 ||
	    json_array_size(lijst) > ABONNEMENTEN_MAX) {
		snprintf(err, errlen, "expected {\"abonnementen\": [...]} with at most %d",
		         ABONNEMENTEN_MAX);
		goto out;
	}
	json_array_foreach(lijst, i, o)
	{
		if (!abonnement_parse(&out->a[out->n], o, i, err, errlen))
			goto out;
		for (int j = 0; j < out->n; j++)
			if (strcmp(out->a[j].id, out->a[out->n].id) == 0) {
				snprintf(err, errlen, "abonnement %zu: id \"%s\" twice", i + 1,
				         out->a[j].id);
				goto out;
			}
		out->n++;
	}
	ok = true;
out:
	json_decref(doc);
	if (!ok)
		memset(out, 0, sizeof(*out));
	return ok;
}

bool
abonnementen_laad(struct abonnementen *out, const char *pad, char *err, size_t errlen)
{
	json_error_t je;
	json_t *doc = json_load_file(pad, 0, &je);
	char *text;
	bool ok;

	memset(out, 0, sizeof(*out));
	if (!doc) {
		snprintf(err, errlen, "%s: %s", pad, je.text);
		return false;
	}
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (!text) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	ok = abonnementen_parse(out, text, err, errlen);
	free(text);
	return ok;
}

bool
abonnement_past(const struct abonnement *a, enum aanleiding aanl, const char *zaaktype)
{
	if (a->aanleidingen && !(a->aanleidingen & (1u << aanl)))
		return false;
	if (!a->nzaaktypen)
		return true;
	for (int i = 0; zaaktype && i < a->nzaaktypen; i++)
		if (strcmp(a->zaaktypen[i], zaaktype) == 0)
			return true;
	return false;
}

void
abonnement_origin(const char *url, char *out, size_t n)
{
	const char *scheme_end = strstr(url, "://"), *host, *end;
	size_t k = 0;

	if (n == 0)
		return;
	out[0] = '\0';
	if (!scheme_end)
		return;
	host = scheme_end + 3;
	end = host + strcspn(host, "/?#");
	/* user:password@ goes up to the last '@' before the path (WHATWG) */
	for (const char *p = host; p < end; p++)
		if (*p == '@')
			host = p + 1;
	if ((size_t)(scheme_end - url) + 3 + (size_t)(end - host) >= n)
		return;
	for (const char *p = url; p < scheme_end + 3; p++)
		out[k++] = (char)tolower((unsigned char)*p);
	for (const char *p = host; p < end; p++)
		out[k++] = (char)tolower((unsigned char)*p);
	out[k] = '\0';
}

/* The Notificaties API's resource and actie for what happened. */
static void
resource_actie(enum aanleiding a, const char **resource, const char **actie)
{
	*resource = "zaak";
	*actie = "partial_update";
	switch (a) {
	case AANL_ZAAK_ONTVANGEN:
		*actie = "create";
		break;
	case AANL_STATUS_GEWIJZIGD:
		*resource = "status";
		*actie = "create";
		break;
	case AANL_BESLUIT_GENOMEN:
		*resource = "zaakbesluit";
		*actie = "create";
		break;
	case AANL_ZAAK_AFGESLOTEN:
		*actie = "update";
		break;
	default:
		break;
	}
}

char *
abonnement_bericht(const struct abonnement *a, const struct gebeurtenis *g)
{
	char zaak_url[768];
	json_t *doc;
	char *s;

	snprintf(zaak_url, sizeof(zaak_url), "%s/zaken/%s", g->resource_basis,
	         g->identificatie ? g->identificatie : g->zaak);
	if (a->cloudevents) {
		char type[96];
		snprintf(type, sizeof(type), "nl.zaakstroom.notificatie.%s",
		         aanleiding_naam(g->aanleiding));
		doc = json_pack(
		        "{s:s, s:s, s:s, s:s, s:s?, s:s, s:s, s:{s:s?, s:s?, s:s?, s:s, s:s}}",
		        "specversion", "1.0", "id", g->id, "source", "urn:zaakstroom:notificatie",
		        "type", type, "subject", g->zaak, "time", g->tijdstip, "datacontenttype",
		        "application/json", "data", "zaak", g->zaak, "identificatie",
		        g->identificatie, "zaaktype", g->zaaktype, "aanleiding",
		        aanleiding_naam(g->aanleiding), "zaakUrl", zaak_url);
	} else {
		const char *resource, *actie;
		resource_actie(g->aanleiding, &resource, &actie);
		doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s?, s:s?, s:s}}", "kanaal",
		                "zaken", "hoofdObject", zaak_url, "resource", resource,
		                "resourceUrl", zaak_url, "actie", actie, "aanmaakdatum",
		                g->tijdstip, "kenmerken", "zaaktype", g->zaaktype, "identificatie",
		                g->identificatie, "aanleiding", aanleiding_naam(g->aanleiding));
	}
	if (!doc)
		return NULL;
	s = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return s;
}

json_t *
abonnement_json(const struct abonnement *a)
{
	json_t *doc, *aanl = json_array(), *zt = json_array();

	for (int i = 0; aanl && i < AANL__COUNT; i++)
		if (a->aanleidingen & (1u << i))
			json_array_append_new(aanl,
			                      json_string(aanleiding_naam((enum aanleiding)i)));
	for (int i = 0; zt && i < a->nzaaktypen; i++)
		json_array_append_new(zt, json_string(a->zaaktypen[i]));
	/* The secret itself never leaves: only whether there is one. */
	doc = json_pack("{s:s, s:s, s:s, s:o*, s:o*, s:b}", "id", a->id, "url", a->url, "vorm",
	                a->cloudevents ? "cloudevents" : "notificaties", "aanleidingen", aanl,
	                "zaaktypen", zt, "authorizationGezet", a->authorization[0] != '\0');
	return doc;
}
