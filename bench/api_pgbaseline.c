/*
 * api_pgbaseline.c — the Track & Trace API's reads through libpq alone: the
 * same prepared statements the API's threads run (api_sql_lijst,
 * api_sql_zaak), on as many connections, one thread each, as fast as they go,
 * for the same rotating residents and zaken as the HTTP load. What the API
 * adds on top (HTTP, tokens, policy, JSON, the raadpleging's round trip) is
 * the difference between the two.
 *
 *   api_pgbaseline --url URL --file PARAMS --kind lijst|zaak [--threads 2] [--seconds 10]
 *
 * PARAMS has one parameter per line, in the order the HTTP load asks: a
 * resident's BSN (lijst) or a zaak's identificatie (zaak). Prints one JSON
 * object: requests, errors, seconds, rate, latency in ms.
 */
#include <getopt.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../services/status/api.h"
#include "bench.h"
#include "hist.h"

struct werk {
	const char *url;
	char **params;
	size_t n;
	bool lijst;
	int64_t until_ns;
	int index;
	struct hist h;
	uint64_t fouten;
};

static void *
draai(void *arg)
{
	struct werk *w = arg;
	PGconn *c = PQconnectdb(w->url);
	PGresult *r;
	size_t i = (size_t)w->index * 7919;

	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "api_pgbaseline: %s", PQerrorMessage(c));
		exit(1);
	}
	/* The session the API's threads have (api.c). */
	r = PQexec(c, "SET search_path TO status; SET TimeZone TO 'UTC';"
	              " SET plan_cache_mode TO force_generic_plan");
	PQclear(r);
	r = PQprepare(c, "q", w->lijst ? api_sql_lijst : api_sql_zaak, w->lijst ? 6 : 1, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(stderr, "api_pgbaseline: %s", PQerrorMessage(c));
		exit(1);
	}
	PQclear(r);
	hist_init(&w->h);
	while (mono_ns() < w->until_ns) {
		const char *p = w->params[i++ % w->n];
		char nummers[32];
		const char *lijst[6] = {"{bsn}", nummers, "9223372036854775807", "0", "21", "true"};
		int64_t t0 = mono_ns();

		snprintf(nummers, sizeof(nummers), "{%s}", p);
		r = PQexecPrepared(c, "q", w->lijst ? 6 : 1, w->lijst ? lijst : &p, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			w->fouten++;
		PQclear(r);
		hist_record(&w->h, (uint64_t)((mono_ns() - t0) / 1000));
	}
	PQfinish(c);
	return NULL;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {{"url", 1, NULL, 'u'},     {"file", 1, NULL, 'f'},
	                                     {"kind", 1, NULL, 'k'},    {"threads", 1, NULL, 't'},
	                                     {"seconds", 1, NULL, 's'}, {0}};
	const char *url = NULL, *file = NULL, *kind = NULL;
	int threads = 2, c;
	double seconds = 10;
	char line[8192];
	char **params = NULL;
	size_t n = 0, cap = 0;
	struct werk w[64];
	pthread_t t[64];
	struct hist all;
	uint64_t fouten = 0;
	FILE *f;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			url = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'k':
			kind = optarg;
			break;
		case 't':
			threads = atoi(optarg);
			break;
		case 's':
			seconds = bench_number(optarg);
			break;
		default:
			return 2;
		}
	}
	if (!url || !file || !kind || (strcmp(kind, "lijst") && strcmp(kind, "zaak")) ||
	    threads < 1 || threads > 64 || seconds <= 0) {
		fprintf(stderr, "usage: api_pgbaseline --url URL --file PARAMS --kind lijst|zaak"
		                " [--threads N] [--seconds S]\n");
		return 2;
	}
	f = fopen(file, "r");
	if (!f) {
		perror(file);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			params = realloc(params, cap * sizeof(*params));
			if (!params)
				abort();
		}
		params[n++] = strdup(line);
	}
	fclose(f);
	if (n == 0) {
		fprintf(stderr, "api_pgbaseline: no parameters in %s\n", file);
		return 1;
	}
	int64_t start = mono_ns();
	for (int i = 0; i < threads; i++) {
		w[i] = (struct werk){.url = url,
		                     .params = params,
		                     .n = n,
		                     .lijst = !strcmp(kind, "lijst"),
		                     .until_ns = start + (int64_t)(seconds * 1e9),
		                     .index = i};
		pthread_create(&t[i], NULL, draai, &w[i]);
	}
	hist_init(&all);
	for (int i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		for (int b = 0; b < HIST_BUCKETS; b++)
			all.counts[b] += w[i].h.counts[b];
		all.n += w[i].h.n;
		all.sum += w[i].h.sum;
		all.min = w[i].h.min < all.min ? w[i].h.min : all.min;
		all.max = w[i].h.max > all.max ? w[i].h.max : all.max;
		fouten += w[i].fouten;
	}
	double elapsed = (double)(mono_ns() - start) / 1e9;
	json_t *out = json_pack("{s:s, s:i, s:I, s:I, s:f, s:f, s:o}", "kind", kind, "threads",
	                        threads, "requests", (json_int_t)all.n, "errors",
	                        (json_int_t)fouten, "seconds", elapsed, "rate",
	                        (double)all.n / elapsed, "latency_ms", bench_hist_json(&all));
	char *s = json_dumps(out, JSON_COMPACT);
	puts(s);
	free(s);
	json_decref(out);
	for (size_t i = 0; i < n; i++)
		free(params[i]);
	free(params);
	return fouten ? 1 : 0;
}
