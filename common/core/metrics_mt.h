/*
 * metrics_mt.h — counters and latency histograms that any thread may update
 * (atomics), for code that runs outside the daemon's one loop thread (the
 * HTTP threads). The registry of metrics.h is the main thread's: it copies
 * these into their registered metrics (metric_mt_publish) before rendering.
 */
#ifndef ZS_METRICS_MT_H
#define ZS_METRICS_MT_H

#include <stdatomic.h>
#include <stdint.h>

#include "core/metrics.h"

struct metric_mt {
	struct metric *m; /* registered by metric_mt_counter / metric_mt_histogram */
	atomic_uint_fast64_t value, count, sum_us, buckets[METRIC_BUCKETS + 1];
};

/* Register on the main thread, before other threads use them. */
void metric_mt_counter(struct metric_mt *mt, const char *name, const char *labels,
                       const char *help);
void metric_mt_histogram(struct metric_mt *mt, const char *name, const char *labels,
                         const char *help);

/* Any thread. */
static inline void
metric_mt_inc(struct metric_mt *mt)
{
	atomic_fetch_add_explicit(&mt->value, 1, memory_order_relaxed);
}
void metric_mt_observe_us(struct metric_mt *mt, int64_t us);

/* Main thread: the current values into the registry. */
void metric_mt_publish(struct metric_mt *mt);

#endif
