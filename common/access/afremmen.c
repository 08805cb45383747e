/*
 * afremmen.c — a fixed window per caller, in a table of hashed callers.
 */
#include "access/afremmen.h"

#include <pthread.h>
#include <stdlib.h>

#define SLOTS 4096
#define PROBE 8 /* slots looked at per caller before sharing one */

struct slot {
	uint64_t wie; /* 0: free */
	int64_t begin_ms;
	long n;
};

struct afremmer {
	pthread_mutex_t mu;
	long max;
	int64_t venster_ms;
	struct slot slots[SLOTS];
};

struct afremmer *
afremmer_new(long max, long venster_s)
{
	struct afremmer *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	pthread_mutex_init(&a->mu, NULL);
	a->max = max;
	a->venster_ms = (int64_t)venster_s * 1000;
	return a;
}

void
afremmer_free(struct afremmer *a)
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
slot_van(struct afremmer *a, uint64_t wie, int64_t nu_ms, bool nieuw)
{
	struct slot *vrij = NULL;

	for (int k = 0; k < PROBE; k++) {
		struct slot *s = &a->slots[(wie + (uint64_t)k) % SLOTS];

		if (s->wie == wie)
			return s;
		if (!vrij && (s->wie == 0 || nu_ms >= s->begin_ms + a->venster_ms))
			vrij = s;
	}
	/* Every slot of the probe taken by a live caller: share the first, as
	 * afremmer_tel did. */
	if (!vrij)
		return &a->slots[wie % SLOTS];
	if (!nieuw)
		return NULL;
	*vrij = (struct slot){.wie = wie, .begin_ms = nu_ms};
	return vrij;
}

void
afremmer_tel(struct afremmer *a, const char *wie, int64_t nu_ms)
{
	struct slot *s;

	pthread_mutex_lock(&a->mu);
	s = slot_van(a, hash(wie), nu_ms, true);
	if (nu_ms >= s->begin_ms + a->venster_ms) {
		s->begin_ms = nu_ms;
		s->n = 0;
	}
	s->n++;
	pthread_mutex_unlock(&a->mu);
}

bool
afremmer_remt(struct afremmer *a, const char *wie, int64_t nu_ms, long *nog_s)
{
	struct slot *s;
	bool remt = false;

	pthread_mutex_lock(&a->mu);
	s = slot_van(a, hash(wie), nu_ms, false);
	if (s && s->n >= a->max && nu_ms < s->begin_ms + a->venster_ms) {
		remt = true;
		*nog_s = (long)((s->begin_ms + a->venster_ms - nu_ms + 999) / 1000);
	}
	pthread_mutex_unlock(&a->mu);
	return remt;
}
