/*
 * zs abonnement list | show ID | add FILE|- | remove ID — zs-notificatie's
 * webhook subscriptions through its beheer API (/api/v1/abonnementen), with
 * a beheerder token: ZS_TOKEN, or else one minted from the development keys
 * (zs token medewerker --rol beheerder).
 */
#include "zs.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ANTWOORD (1024 * 1024)

static const char usage[] =
        "usage: zs abonnement list | show ID | add FILE|- | remove ID\n"
        "  FILE: one subscription, {\"id\", \"url\", \"vorm\", \"aanleidingen\", \"zaaktypen\", "
        "\"authorization\"}\n"
        "  ZS_NOTIFICATIE_URL (default http://127.0.0.1:8083); ZS_TOKEN a beheerder token, else a\n"
        "  development one from the local keys\n";

struct antwoord {
	char *buf;
	size_t len;
	bool te_groot;
};

static size_t
verzamel(char *p, size_t size, size_t n, void *arg)
{
	struct antwoord *a = arg;
	size_t k = size * n;
	char *nieuw;

	if (a->len + k > MAX_ANTWOORD) {
		a->te_groot = true;
		return 0;
	}
	if (!(nieuw = realloc(a->buf, a->len + k + 1)))
		return 0;
	a->buf = nieuw;
	memcpy(a->buf + a->len, p, k);
	a->len += k;
	a->buf[a->len] = '\0';
	return k;
}

/* A development beheerder token, minted by this same binary. */
static char *
ontwikkeltoken(void)
{
	char zelf[4096], cmd[4200], regel[8192];
	ssize_t n = readlink("/proc/self/exe", zelf, sizeof(zelf) - 1);
	char *tok = NULL;
	FILE *f;

	/* The path goes through sh: refused when it would need quoting. */
	if (n <= 0 || (zelf[n] = '\0', strpbrk(zelf, "'\"\\$`")))
		return NULL;
	snprintf(cmd, sizeof(cmd), "'%s' token medewerker --id beheerder --rol beheerder", zelf);
	if (!(f = popen(cmd, "r")))
		return NULL;
	if (fgets(regel, sizeof(regel), f)) {
		regel[strcspn(regel, "\r\n")] = '\0';
		if (regel[0])
			tok = strdup(regel);
	}
	if (pclose(f) != 0) {
		free(tok);
		return NULL;
	}
	return tok;
}

static bool
id_geldig(const char *s)
{
	if (!*s || strlen(s) > 63)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.",
		            *s))
			return false;
	return true;
}

/* The problem document of a refused call, for a person. */
static int
probleem(long status, const char *methode, const char *url, json_t *doc)
{
	const char *titel = json_string_value(json_object_get(doc, "title"));
	const char *detail = json_string_value(json_object_get(doc, "detail"));
	json_t *p;
	size_t i;

	fprintf(stderr, "zs: %s %s: %ld %s\n", methode, url, status, titel ? titel : "");
	if (detail)
		fprintf(stderr, "detail: %s\n", detail);
	json_array_foreach(json_object_get(doc, "invalidParams"), i, p)
	        fprintf(stderr, "field \"%s\": %s\n", json_string_value(json_object_get(p, "name")),
	                json_string_value(json_object_get(p, "reason")));
	if (status == 401)
		fprintf(stderr, "hint: set ZS_TOKEN to a valid beheerder token.\n");
	else if (status == 403)
		fprintf(stderr, "hint: only the beheerder role manages subscriptions.\n");
	return 1;
}

/* One call; *uit the reply's JSON on 2xx. Returns the exit status. */
static int
roep(const char *methode, const char *pad, const char *body, json_t **uit)
{
	char url[1024], *auth = NULL, *tok = NULL;
	struct antwoord a = {0};
	struct curl_slist *h = NULL;
	CURL *c = curl_easy_init();
	long status = 0;
	CURLcode rc;
	int ret = 1;

	*uit = NULL;
	snprintf(url, sizeof(url), "%s%s", zs_notificatie_url, pad);
	if (!c)
		return zs_fail(NULL, "out of memory");
	if (!*zs_token && !(tok = ontwikkeltoken())) {
		curl_easy_cleanup(c);
		return zs_fail("Set ZS_TOKEN to a beheerder token, or run deploy/local/keys.sh for "
		               "development keys.",
		               "no beheerder token");
	}
	if (asprintf(&auth, "Authorization: Bearer %s", *zs_token ? zs_token : tok) < 0)
		auth = NULL;
	free(tok);
	if (!auth || !(h = curl_slist_append(h, auth)) ||
	    !(h = curl_slist_append(h, "Content-Type: application/json"))) {
		ret = zs_fail(NULL, "out of memory");
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, methode);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, verzamel);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 15L);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		ret = zs_fail("Is zs-notificatie running? Its address is ZS_NOTIFICATIE_URL.",
		              "could not reach zs-notificatie at %s: %s", zs_notificatie_url,
		              a.te_groot ? "reply too large" : curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	json_t *doc = a.buf ? json_loadb(a.buf, a.len, 0, NULL) : NULL;
	if (status >= 200 && status < 300 && doc) {
		*uit = doc;
		ret = 0;
	} else if (doc) {
		ret = probleem(status, methode, url, doc);
		json_decref(doc);
	} else {
		ret = zs_fail(NULL, "%s %s: %ld and no JSON reply", methode, url, status);
	}
out:
	/* The header held the token: not left in freed memory. */
	if (auth) {
		memset(auth, 0, strlen(auth));
		free(auth);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(a.buf);
	return ret;
}

static void
regel(json_t *a)
{
	char *aanl = json_dumps(json_object_get(a, "aanleidingen"), JSON_COMPACT);
	char *zt = json_dumps(json_object_get(a, "zaaktypen"), JSON_COMPACT);

	printf("%-20s %-12s %-5s %s aanleidingen=%s zaaktypen=%s\n",
	       json_string_value(json_object_get(a, "id")),
	       json_string_value(json_object_get(a, "vorm")),
	       json_is_true(json_object_get(a, "authorizationGezet")) ? "auth" : "-",
	       json_string_value(json_object_get(a, "url")), aanl ? aanl : "?", zt ? zt : "?");
	free(aanl);
	free(zt);
}

static int
toon(json_t *doc)
{
	char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	json_decref(doc);
	if (!s)
		return zs_fail(NULL, "out of memory");
	printf("%s\n", s);
	free(s);
	return 0;
}

int
zs_cmd_abonnement(int argc, char **argv)
{
	char pad[128];
	json_t *doc, *a;
	size_t i;
	int rc;

	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		if ((rc = roep("GET", "/api/v1/abonnementen", NULL, &doc)) != 0)
			return rc;
		json_array_foreach(json_object_get(doc, "results"), i, a) regel(a);
		json_decref(doc);
		return 0;
	}
	if (argc == 3 && (strcmp(argv[1], "show") == 0 || strcmp(argv[1], "remove") == 0)) {
		if (!id_geldig(argv[2]))
			return zs_fail("An id has 1 to 63 letters, digits, '-', '_' or '.'.",
			               "invalid subscription id \"%s\"", argv[2]);
		snprintf(pad, sizeof(pad), "/api/v1/abonnementen/%s", argv[2]);
		if ((rc = roep(argv[1][0] == 's' ? "GET" : "DELETE", pad, NULL, &doc)) != 0)
			return rc;
		if (argv[1][0] == 'r') {
			json_decref(doc);
			printf("removed %s\n", argv[2]);
			return 0;
		}
		return toon(doc);
	}
	if (argc == 3 && strcmp(argv[1], "add") == 0) {
		json_error_t je;
		json_t *in = strcmp(argv[2], "-") == 0 ? json_loadf(stdin, 0, &je)
		                                       : json_load_file(argv[2], 0, &je);
		char *body;

		if (!json_is_object(in)) {
			json_decref(in);
			return zs_fail("Give one subscription as a JSON object.",
			               "%s: not a JSON object (%s, line %d)", argv[2], je.text,
			               je.line);
		}
		body = json_dumps(in, JSON_COMPACT);
		json_decref(in);
		if (!body)
			return zs_fail(NULL, "out of memory");
		rc = roep("POST", "/api/v1/abonnementen", body, &doc);
		free(body);
		return rc ? rc : toon(doc);
	}
	fputs(usage, stderr);
	return 2;
}
