/*
 * hist.h — the latency histogram of the bench programs, shaped like
 * HdrHistogram (which Debian does not package): values in microseconds,
 * exact below 128, above that 64 linear sub-buckets per power of two, so a
 * reported percentile is at most 1/64 (1.6 %) above the true one and never
 * below it. Header-only: every bench .c file is a program of its own.
 */
#ifndef ZS_BENCH_HIST_H
#define ZS_BENCH_HIST_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#define HIST_SUB_BITS 6
#define HIST_SUB      (1 << HIST_SUB_BITS)
/* Enough for every uint64_t: the top power of two is 63. */
#define HIST_BUCKETS ((64 - HIST_SUB_BITS + 1) * HIST_SUB)

struct hist {
	uint64_t counts[HIST_BUCKETS];
	uint64_t n;
	uint64_t min, max;
	double sum;
};

static inline void
hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

static inline int
hist_index(uint64_t v)
{
	int shift;

	if (v < 2 * HIST_SUB)
		return (int)v;
	shift = 63 - __builtin_clzll(v) - HIST_SUB_BITS;
	return (shift + 1) * HIST_SUB + (int)((v >> shift) - HIST_SUB);
}

/* The largest value that falls into bucket idx. */
static inline uint64_t
hist_highest(int idx)
{
	int shift;
	uint64_t sub;

	if (idx < 2 * HIST_SUB)
		return (uint64_t)idx;
	shift = idx / HIST_SUB - 1;
	sub = (uint64_t)(idx % HIST_SUB + HIST_SUB);
	/* The top bucket would overflow: it ends at UINT64_MAX. */
	if (shift + HIST_SUB_BITS + 1 >= 64 && sub + 1 == 2 * HIST_SUB)
		return UINT64_MAX;
	return ((sub + 1) << shift) - 1;
}

static inline void
hist_record(struct hist *h, uint64_t v)
{
	h->counts[hist_index(v)]++;
	h->n++;
	h->sum += (double)v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/* The value below or at which p percent of the recorded values fall (the
 * bucket's upper edge, capped at the exact maximum); 0 when empty. */
static inline uint64_t
hist_percentile(const struct hist *h, double p)
{
	uint64_t rank, seen = 0;

	if (h->n == 0)
		return 0;
	if (p >= 100.0)
		return h->max;
	rank = (uint64_t)ceil(p / 100.0 * (double)h->n);
	if (rank < 1)
		rank = 1;
	for (int i = 0; i < HIST_BUCKETS; i++) {
		seen += h->counts[i];
		if (seen >= rank) {
			uint64_t v = hist_highest(i);
			return v < h->max ? v : h->max;
		}
	}
	return h->max;
}

#endif
