/*
 * bench.h — what the bench programs share: the clock, the sample aanvragen,
 * histograms as JSON. Header-only, since the Makefile makes every bench .c file
 * a program of its own.
 */
#ifndef ZS_BENCH_H
#define ZS_BENCH_H

#include "core/config.h"
#include "hist.h"
#include "core/log.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* The demo aanvragen that intake accepts (afgewezen.json is refused on
 * purpose, so it would never produce a ZaakGeregistreerd). */
static const char *const bench_samples[] = {
        "curatieve-klantreis.json",
        "subsidie-sanering-verkeerslawaai.json",
        "terugbelnotitie.json",
};
#define BENCH_NSAMPLES ((int)(sizeof(bench_samples) / sizeof(bench_samples[0])))

#define BENCH_SOURCE        "urn:nld:oin:00000001003214345000:systeem:zs-bench"
#define BENCH_MAX_MSG_BYTES (1 << 20)

static inline int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Reads the sample aanvragen from ZS_HOME/deploy/demo/aanvragen into docs;
 * false (logged) when one is missing or not JSON. */
static inline bool
bench_load_samples(json_t *docs[BENCH_NSAMPLES])
{
	char dir[1024], path[1200];
	json_error_t err;

	zs_path(dir, sizeof(dir), "deploy/demo/aanvragen");
	for (int i = 0; i < BENCH_NSAMPLES; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, bench_samples[i]);
		docs[i] = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
		if (!docs[i]) {
			zlog_at(LOG_ERROR,
			        &((struct log_ctx){
			                .partition = -1, .offset = -1, .detail = err.text}),
			        "could not read sample aanvraag %s", path);
			while (i-- > 0)
				json_decref(docs[i]);
			return false;
		}
	}
	return true;
}

/* A positive number below 1e9 from the command line, or -1 for anything
 * else ("10x", "", "-3", "nan"). */
static inline double
bench_number(const char *v)
{
	char *end;
	double d = strtod(v, &end);

	return end != v && *end == '\0' && d > 0 && d < 1e9 ? d : -1;
}

/* Percentiles of a histogram of microseconds, in milliseconds. */
static inline json_t *
bench_hist_json(const struct hist *h)
{
	return json_pack(
	        "{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "count", (json_int_t)h->n, "p50",
	        hist_percentile(h, 50) / 1000.0, "p90", hist_percentile(h, 90) / 1000.0, "p99",
	        hist_percentile(h, 99) / 1000.0, "p99_9", hist_percentile(h, 99.9) / 1000.0, "max",
	        h->n ? h->max / 1000.0 : 0.0, "mean", h->n ? h->sum / (double)h->n / 1000.0 : 0.0,
	        "min", h->n ? h->min / 1000.0 : 0.0);
}

#endif
