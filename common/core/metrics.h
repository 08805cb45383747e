/*
 * metrics.h — counters, gauges and latency histograms in Prometheus text
 * format for /metrics. Registered once at startup; updates are plain
 * increments (one thread per daemon).
 */
#ifndef ZS_METRICS_H
#define ZS_METRICS_H

#include <event2/buffer.h>
#include <stdint.h>

#define METRIC_BUCKETS 14

enum metric_kind { METRIC_COUNTER, METRIC_GAUGE, METRIC_HISTOGRAM };

struct metric {
	const char *name; /* e.g. "zs_events_consumed_total" */
	const char *help;
	const char *labels; /* fixed label set, e.g. "topic=\"aanvragen\"", or NULL */
	enum metric_kind kind;
	double value; /* counter, gauge */
	uint64_t buckets[METRIC_BUCKETS + 1];
	double sum;
	uint64_t count;
};

struct metric *metric_counter(const char *name, const char *labels, const char *help);
struct metric *metric_gauge(const char *name, const char *labels, const char *help);
/* Latency histogram in seconds, buckets 0.5 ms … 10 s. */
struct metric *metric_histogram(const char *name, const char *labels, const char *help);

static inline void
metric_inc(struct metric *m, double by)
{
	m->value += by;
}

static inline void
metric_set(struct metric *m, double v)
{
	m->value = v;
}

void metric_observe(struct metric *m, double seconds);
void metrics_render(struct evbuffer *out);

#endif
