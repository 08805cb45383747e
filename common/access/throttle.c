/*
 * throttle.c — a fixed window per caller, in a table of hashed callers.
 */
#include "access/throttle.h"

#include <pthread.h>
#include <stdlib.h>

#define SLOTS 4096
#define PROBE 8 /* slots looked at per caller before sharing one */

struct slot {
	uint64_t caller; /* 0: free */
	int64_t start_ms;
	long n;
};

struct throttle {
	pthread_mutex_t mu;
	long max;
	int64_t window_ms;
	struct slot slots[SLOTS];
};

struct throttle *
throttle_new(long max, long window_s)
{
	struct throttle *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	pthread_mutex_init(&a->mu, NULL);
	a->max = max;
	a->window_ms = (int64_t)window_s * 1000;
	return a;
}

void
throttle_free(struct throttle *a)
{
	if (!a)
		return;
	pthread_mutex_destroy(&a->mu);
	free(a);
}

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h ? h : 1;
}

/* The caller's slot (under mu): theirs, else a free or expired one, else the first. */
static struct slot *
slot_of(struct throttle *a, uint64_t caller, int64_t nu_ms, bool add)
{
	struct slot *free_slot = NULL;

	for (int k = 0; k < PROBE; k++) {
		struct slot *s = &a->slots[(caller + (uint64_t)k) % SLOTS];

		if (s->caller == caller)
			return s;
		if (!free_slot && (s->caller == 0 || nu_ms >= s->start_ms + a->window_ms))
			free_slot = s;
	}
	/* Every slot of the probe taken by a live caller: share the first, as
	 * throttle_count did. */
	if (!free_slot)
		return &a->slots[caller % SLOTS];
	if (!add)
		return NULL;
	*free_slot = (struct slot){.caller = caller, .start_ms = nu_ms};
	return free_slot;
}

void
throttle_count(struct throttle *a, const char *caller, int64_t nu_ms)
{
	struct slot *s;

	pthread_mutex_lock(&a->mu);
	s = slot_of(a, hash(caller), nu_ms, true);
	if (nu_ms >= s->start_ms + a->window_ms) {
		s->start_ms = nu_ms;
		s->n = 0;
	}
	s->n++;
	pthread_mutex_unlock(&a->mu);
}

bool
throttle_holds(struct throttle *a, const char *caller, int64_t nu_ms, long *left_s)
{
	struct slot *s;
	bool holds = false;

	pthread_mutex_lock(&a->mu);
	s = slot_of(a, hash(caller), nu_ms, false);
	if (s && s->n >= a->max && nu_ms < s->start_ms + a->window_ms) {
		holds = true;
		*left_s = (long)((s->start_ms + a->window_ms - nu_ms + 999) / 1000);
	}
	pthread_mutex_unlock(&a->mu);
	return holds;
}
