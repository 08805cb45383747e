/*
 * cmd_events.c — zs topics, catalogus, aanvraag, opdracht: putting events on
 * the topics the daemons read.
 */
#include "zs.h"
#include "wire/ce.h"
#include "core/config.h"
#include "stream/kafka.h"

#include <curl/curl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PORTAL_SOURCE "urn:nld:oin:00000001003214345000:systeem:zs-cli"

int
zs_cmd_topics(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "create"))
		return zs_fail(NULL, "usage: zs topics create");
	if (!kafka_topics_ensure(zs_brokers(), 10000))
		return zs_fail("is Kafka running? (make up)", "could not create topics");
	for (int i = 0; i < TOPIC__COUNT; i++)
		printf("%-40s %d partition%s%s\n", topic_name((enum topic_id)i),
		       topic_defs[i].partitions, topic_defs[i].partitions == 1 ? "" : "s",
		       topic_defs[i].compacted ? ", compacted" : "");
	return 0;
}

static int
publish_file(const char *path)
{
	json_t *doc = zs_read_json(path);
	const char *id, *begin;
	char key[256];
	int rc = 1;

	if (!doc)
		return 1;
	id = json_string_value(json_object_get(doc, "identificatie"));
	begin = json_string_value(json_object_get(doc, "beginGeldigheid"));
	if (!id || !begin) {
		zs_fail(NULL, "%s: a zaaktype needs identificatie and beginGeldigheid", path);
		goto out;
	}
	/* One key per version: compaction keeps every version, so intake can
	 * judge an aanvraag by the version valid on its date. */
	snprintf(key, sizeof(key), "%s/%s", id, begin);
	if (!zs_produce(TOPIC_CATALOGUS, key, "ZaaktypeGepubliceerd", doc, PORTAL_SOURCE))
		goto out;
	printf("gepubliceerd: %s (geldig vanaf %s) — %s\n", id, begin,
	       json_string_value(json_object_get(doc, "omschrijving")));
	rc = 0;
out:
	json_decref(doc);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
publish_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *names[256];
	int n = 0, rc = 0;

	if (!d)
		return zs_fail(NULL, "could not open %s: %m", dir);
	while ((de = readdir(d)) && n < 256) {
		size_t len = strlen(de->d_name);
		if (len > 5 && !strcmp(de->d_name + len - 5, ".json") &&
		    !(names[n++] = strdup(de->d_name))) {
			n--;
			rc = zs_fail(NULL, "out of memory listing %s", dir);
			break;
		}
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(char *), cmp_str);
	for (int i = 0; i < n; i++) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		rc |= publish_file(path);
		free(names[i]);
	}
	if (n == 0)
		return zs_fail(NULL, "no .json files in %s", dir);
	return rc;
}

int
zs_cmd_catalogus(int argc, char **argv)
{
	char dflt[1024];
	int rc = 0;

	if (argc < 2 || strcmp(argv[1], "publish"))
		return zs_fail(NULL, "usage: zs catalogus publish [FILE|DIR...]");
	if (argc == 2) {
		zs_path(dflt, sizeof(dflt), "deploy/catalogus");
		return publish_dir(dflt);
	}
	for (int i = 2; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0)
			rc |= zs_fail(NULL, "could not read %s: %m", argv[i]);
		else
			rc |= S_ISDIR(st.st_mode) ? publish_dir(argv[i]) : publish_file(argv[i]);
	}
	return rc;
}

struct body {
	char buf[65536];
	size_t len;
};

static size_t
collect(char *data, size_t size, size_t n, void *arg)
{
	struct body *b = arg;
	size_t take = size * n;

	if (take > sizeof(b->buf) - 1 - b->len)
		return 0; /* larger than any outcome: refuse */
	memcpy(b->buf + b->len, data, take);
	b->len += take;
	return size * n;
}

/* Polls intake's GET /api/v1/aanvragen/{id} until it knows the outcome. */
static json_t *
wait_for_outcome(const char *id, int seconds)
{
	char url[512];
	struct body *body = malloc(sizeof(*body));
	json_t *doc = NULL;
	CURL *c = body ? curl_easy_init() : NULL;

	if (!c) {
		free(body);
		zs_fail(NULL, "out of memory waiting for the outcome of %s", id);
		return NULL;
	}
	snprintf(url, sizeof(url), "%s/api/v1/aanvragen/%s", zs_intake_url, id);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
	for (int tries = 0; tries < seconds * 10 && !doc; tries++) {
		long status = 0;
		body->len = 0;
		if (curl_easy_perform(c) == CURLE_OK &&
		    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK &&
		    status == 200)
			doc = json_loadb(body->buf, body->len, 0, NULL);
		else
			usleep(100 * 1000);
	}
	curl_easy_cleanup(c);
	free(body);
	return doc;
}

static void
print_outcome(json_t *body)
{
	json_t *u = json_object_get(body, "uitkomst");
	json_t *redenen = json_object_get(u, "redenen");
	size_t i;
	json_t *r;

	if (!redenen) {
		printf("geaccepteerd: zaak %s (uuid %s), verwacht klaar op %s, uiterlijk op %s\n",
		       json_string_value(json_object_get(u, "identificatie")),
		       json_string_value(json_object_get(u, "zaak")),
		       json_string_value(json_object_get(u, "einddatumGepland"))
		               ? json_string_value(json_object_get(u, "einddatumGepland"))
		               : "(geen servicenorm)",
		       json_string_value(json_object_get(u, "uiterlijkeEinddatumAfdoening")));
		return;
	}
	printf("afgewezen, %zu reden%s:\n", json_array_size(redenen),
	       json_array_size(redenen) == 1 ? "" : "en");
	json_array_foreach(redenen, i, r)
	{
		const char *veld = json_string_value(json_object_get(r, "veld"));
		printf("  - [%s]%s%s %s\n", json_string_value(json_object_get(r, "code")),
		       veld ? " " : "", veld ? veld : "",
		       json_string_value(json_object_get(r, "tekst")));
	}
}

int
zs_cmd_aanvraag(int argc, char **argv)
{
	json_t *doc;
	char id[UUID_LEN + 1], when[32];
	int wait_s = 0, rc = 1;
	const char *file = NULL;

	if (argc < 3 || strcmp(argv[1], "submit"))
		return zs_fail(NULL, "usage: zs aanvraag submit FILE.json [--wacht SECONDEN]");
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--wacht") && i + 1 < argc)
			wait_s = atoi(argv[++i]);
		else
			file = argv[i];
	}
	if (!file || !(doc = zs_read_json(file)))
		return 1;
	/* A portal sends its own id; a hand-written file may leave it out. */
	if (!json_is_string(json_object_get(doc, "aanvraagId"))) {
		uuid_v4(id);
		json_object_set_new(doc, "aanvraagId", json_string(id));
	}
	if (!json_object_get(doc, "ingediendOp")) {
		format_rfc3339_ms(now_ms(), when);
		json_object_set_new(doc, "ingediendOp", json_string(when));
	}
	const char *aid = json_string_value(json_object_get(doc, "aanvraagId"));
	if (!zs_produce(TOPIC_AANVRAGEN, aid, "AanvraagIngediend", doc, PORTAL_SOURCE))
		goto out;
	printf("ingediend: aanvraag %s\n", aid);
	if (wait_s > 0) {
		json_t *body = wait_for_outcome(aid, wait_s);
		if (!body) {
			zs_fail("is zs-intake running? (make demo)", "no outcome within %d s",
			        wait_s);
			goto out;
		}
		print_outcome(body);
		json_decref(body);
	}
	rc = 0;
out:
	json_decref(doc);
	return rc;
}

int
zs_cmd_opdracht(int argc, char **argv)
{
	static const char *const records[] = {
	        "StatusZetten",  "ResultaatVastleggen", "ZaakOpschorten", "ZaakHervatten",
	        "ZaakVerlengen", "BesluitVastleggen",   "ZaakHeropenen"};
	json_t *doc, *body;
	const char *type, *zaak;
	char id[UUID_LEN + 1], when[32];
	int rc = 1;

	const char *file = NULL, *zaak_arg = NULL;

	if (argc < 3 || strcmp(argv[1], "submit"))
		return zs_fail(NULL, "usage: zs opdracht submit FILE.json [--zaak UUID]   "
		                     "(FILE: {\"type\": \"StatusZetten\", \"opdracht\": {...}})");
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--zaak") && i + 1 < argc)
			zaak_arg = argv[++i];
		else
			file = argv[i];
	}
	if (!file || !(doc = zs_read_json(file)))
		return 1;
	type = json_string_value(json_object_get(doc, "type"));
	body = json_object_get(doc, "opdracht");
	size_t k;
	for (k = 0; type && k < sizeof(records) / sizeof(records[0]); k++)
		if (!strcmp(type, records[k]))
			break;
	if (!type || k == sizeof(records) / sizeof(records[0]) || !json_is_object(body)) {
		zs_fail("type is one of StatusZetten, ResultaatVastleggen, ZaakOpschorten, ZaakHervatten,"
		        " ZaakVerlengen, BesluitVastleggen, ZaakHeropenen",
		        "%s: expected {\"type\": ..., \"opdracht\": {...}}", file);
		goto out;
	}
	if (!json_is_string(json_object_get(body, "opdrachtId"))) {
		uuid_v4(id);
		json_object_set_new(body, "opdrachtId", json_string(id));
	}
	if (!json_object_get(body, "gegevenOp")) {
		format_rfc3339_ms(now_ms(), when);
		json_object_set_new(body, "gegevenOp", json_string(when));
	}
	if (zaak_arg)
		json_object_set_new(body, "zaak", json_string(zaak_arg));
	zaak = json_string_value(json_object_get(body, "zaak"));
	if (!zaak) {
		zs_fail(NULL, "%s: the opdracht needs \"zaak\" (the zaak uuid)", file);
		goto out;
	}
	if (!zs_produce(TOPIC_ZAAK_OPDRACHTEN, zaak, type, body, PORTAL_SOURCE))
		goto out;
	printf("opdracht %s gegeven: %s voor zaak %s\n",
	       json_string_value(json_object_get(body, "opdrachtId")), type, zaak);
	rc = 0;
out:
	json_decref(doc);
	return rc;
}
