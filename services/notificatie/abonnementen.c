/*
 * abonnementen.c — webhook subscriptions: loaded, matched, payloads.
 */
#include "abonnementen.h"

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

static bool
abonnement_parse(struct abonnement *a, json_t *o, size_t i, char *err, size_t errlen)
{
	const char *k;
	json_t *v;

	memset(a, 0, sizeof(*a));
	if (!json_is_object(o)) {
		snprintf(err, errlen, "abonnement %zu is not an object", i + 1);
		return false;
	}
	json_object_foreach(o, k, v)
	{
		size_t j;
		json_t *x;

		if (strcmp(k, "id") == 0 && tekst(v, a->id, sizeof(a->id)))
			continue;
		if (strcmp(k, "url") == 0 && tekst(v, a->url, sizeof(a->url)) &&
		    (strncmp(a->url, "http://", 7) == 0 || strncmp(a->url, "https://", 8) == 0))
			continue;
		if (strcmp(k, "authorization") == 0 &&
		    tekst(v, a->authorization, sizeof(a->authorization)) &&
		    !strpbrk(a->authorization, "\r\n"))
			continue;
		if (strcmp(k, "vorm") == 0 && json_is_string(v) &&
		    (strcmp(json_string_value(v), "notificaties") == 0 ||
		     strcmp(json_string_value(v), "cloudevents") == 0)) {
			a->cloudevents = strcmp(json_string_value(v), "cloudevents") == 0;
			continue;
		}
		if (strcmp(k, "aanleidingen") == 0 && json_is_array(v)) {
			bool ok = true;
			json_array_foreach(v, j, x)
			{
				enum aanleiding an;
				if (!aanleiding_van_naam(json_string_value(x), &an)) {
					ok = false;
					break;
				}
				a->aanleidingen |= 1u << an;
			}
			if (ok)
				continue;
		}
		if (strcmp(k, "zaaktypen") == 0 && json_is_array(v) &&
		    json_array_size(v) <= ABO_ZAAKTYPEN) {
			bool ok = true;
			json_array_foreach(v, j, x)
			{
				if (!tekst(x, a->zaaktypen[a->nzaaktypen],
				           sizeof(a->zaaktypen[0]))) {
					ok = false;
					break;
				}
				a->nzaaktypen++;
			}
			if (ok)
				continue;
		}
		snprintf(err, errlen, "abonnement %zu: field \"%s\" unknown or invalid", i + 1, k);
		return false;
	}
	if (!a->id[0] || !a->url[0]) {
		snprintf(err, errlen, "abonnement %zu: id and url are required", i + 1);
		return false;
	}
	return true;
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
