/*
 * metrics_mt.c — atomic counters and histograms, published into the registry.
 */
#include "core/metrics_mt.h"

/* The same bounds as metrics.c's histograms (0.5 ms … 10 s), in µs. */
static const int64_t bounds_us[METRIC_BUCKETS] = {500,     1000,    2500,    5000,    10000,
                                                  25000,   50000,   100000,  250000,  500000,
                                                  1000000, 2500000, 5000000, 10000000};

void
metric_mt_counter(struct metric_mt *mt, const char *name, const char *labels, const char *help)
{
	mt->m = metric_counter(name, labels, help);
}

void
metric_mt_histogram(struct metric_mt *mt, const char *name, const char *labels, const char *help)
{
	mt->m = metric_histogram(name, labels, help);
}

void
metric_mt_observe_us(struct metric_mt *mt, int64_t us)
{
	int i = 0;

	while (i < METRIC_BUCKETS && us > bounds_us[i])
		i++;
	atomic_fetch_add_explicit(&mt->buckets[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&mt->sum_us, (uint64_t)(us > 0 ? us : 0), memory_order_relaxed);
	atomic_fetch_add_explicit(&mt->count, 1, memory_order_relaxed);
}

void
metric_mt_publish(struct metric_mt *mt)
{
	if (!mt->m)
		return;
	if (mt->m->kind != METRIC_HISTOGRAM) {
		metric_set(mt->m, (double)atomic_load(&mt->value));
		return;
	}
	for (int i = 0; i <= METRIC_BUCKETS; i++)
		mt->m->buckets[i] = atomic_load(&mt->buckets[i]);
	mt->m->count = atomic_load(&mt->count);
	mt->m->sum = (double)atomic_load(&mt->sum_us) / 1e6;
}
