/*
 * metrics.c — the registry and the Prometheus text exposition.
 */
#include "core/metrics.h"
#include "core/log.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_METRICS 128

static struct metric registry[MAX_METRICS];
static int nmetrics;

static const double bucket_bounds[METRIC_BUCKETS] = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

static struct metric *
metric_new(const char *name, const char *labels, const char *help, enum metric_kind kind)
{
	if (nmetrics == MAX_METRICS)
		die("too many metrics (max %d)", MAX_METRICS);
	struct metric *m = &registry[nmetrics++];
	m->name = name;
	m->labels = labels;
	m->help = help;
	m->kind = kind;
	return m;
}

struct metric *
metric_counter(const char *name, const char *labels, const char *help)
{
	return metric_new(name, labels, help, METRIC_COUNTER);
}

struct metric *
metric_gauge(const char *name, const char *labels, const char *help)
{
	return metric_new(name, labels, help, METRIC_GAUGE);
}

struct metric *
metric_histogram(const char *name, const char *labels, const char *help)
{
	return metric_new(name, labels, help, METRIC_HISTOGRAM);
}

void
metric_observe(struct metric *m, double seconds)
{
	int i = 0;

	while (i < METRIC_BUCKETS && seconds > bucket_bounds[i])
		i++;
	m->buckets[i]++;
	m->sum += seconds;
	m->count++;
}

static const char *
kind_name(enum metric_kind k)
{
	return k == METRIC_COUNTER ? "counter" : k == METRIC_GAUGE ? "gauge" : "histogram";
}

void
metrics_render(struct evbuffer *out)
{
	for (int i = 0; i < nmetrics; i++) {
		const struct metric *m = &registry[i];
		const char *l = m->labels ? m->labels : "";
		const char *sep = m->labels ? "," : "";
		bool first = true;

		/* HELP/TYPE once per name, even when several label sets follow. */
		for (int j = 0; j < i; j++)
			if (!strcmp(registry[j].name, m->name))
				first = false;
		if (first)
			evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n", m->name, m->help,
			                    m->name, kind_name(m->kind));
		if (m->kind != METRIC_HISTOGRAM) {
			if (m->labels)
				evbuffer_add_printf(out, "%s{%s} %.17g\n", m->name, l, m->value);
			else
				evbuffer_add_printf(out, "%s %.17g\n", m->name, m->value);
			continue;
		}
		uint64_t cum = 0;
		for (int b = 0; b < METRIC_BUCKETS; b++) {
			cum += m->buckets[b];
			evbuffer_add_printf(out, "%s_bucket{%s%sle=\"%g\"} %llu\n", m->name, l, sep,
			                    bucket_bounds[b], (unsigned long long)cum);
		}
		cum += m->buckets[METRIC_BUCKETS];
		evbuffer_add_printf(out, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", m->name, l, sep,
		                    (unsigned long long)cum);
		evbuffer_add_printf(out, "%s_sum%s%s%s %.9g\n%s_count%s%s%s %llu\n", m->name,
		                    m->labels ? "{" : "", l, m->labels ? "}" : "", m->sum, m->name,
		                    m->labels ? "{" : "", l, m->labels ? "}" : "",
		                    (unsigned long long)m->count);
	}
}
