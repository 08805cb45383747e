/*
 * lezer.c — see lezer.h. One queue under a mutex; the readers take tasks
 * from it, and put them, done, on a second list and wake the main loop
 * through a pipe (the main loop's libevent is not made thread-aware).
 */
#include "lezer.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "inzage.h"
#include "stream/pg.h"

struct lezer {
	struct lezers *l;
	struct pg pg;
	pthread_t thread;
	bool gestart;
};

struct lezers {
	pthread_mutex_t mu;
	pthread_cond_t werk;
	struct lees_taak *wacht, **wacht_eind; /* FIFO */
	struct lees_taak *gedaan;
	bool stop;
	int wek[2];
	struct event *ev;
	int n;
	struct lezer r[LEZERS_MAX];
};

static void *
lezer_main(void *arg)
{
	struct lezer *r = arg;
	struct lezers *l = r->l;

	for (;;) {
		struct lees_taak *t;

		pthread_mutex_lock(&l->mu);
		while (!l->stop && !l->wacht)
			pthread_cond_wait(&l->werk, &l->mu);
		if (l->stop) {
			pthread_mutex_unlock(&l->mu);
			return NULL;
		}
		t = l->wacht;
		l->wacht = t->volgende;
		if (!l->wacht)
			l->wacht_eind = &l->wacht;
		pthread_mutex_unlock(&l->mu);

		t->werk(&r->pg, t);

		pthread_mutex_lock(&l->mu);
		t->volgende = l->gedaan;
		l->gedaan = t;
		pthread_mutex_unlock(&l->mu);
		/* A full pipe already wakes the main loop. */
		if (write(l->wek[1], "x", 1) < 0 && errno != EAGAIN)
			zlog_error("reader could not wake the main loop: %s", strerror(errno));
	}
}

static void
on_gedaan(evutil_socket_t fd, short what, void *arg)
{
	struct lezers *l = arg;
	struct lees_taak *t, *volgende;
	char buf[256];

	(void)what;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&l->mu);
	t = l->gedaan;
	l->gedaan = NULL;
	pthread_mutex_unlock(&l->mu);
	for (; t; t = volgende) {
		volgende = t->volgende;
		t->klaar(t, true);
	}
}

struct lezers *
lezers_new(struct event_base *base, const char *pg_url, int n)
{
	struct lezers *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->werk, NULL);
	l->wacht_eind = &l->wacht;
	l->wek[0] = l->wek[1] = -1;
	if (pipe2(l->wek, O_NONBLOCK | O_CLOEXEC) != 0)
		goto fail;
	l->ev = event_new(base, l->wek[0], EV_READ | EV_PERSIST, on_gedaan, l);
	if (!l->ev || event_add(l->ev, NULL) != 0)
		goto fail;
	l->n = n < 1 ? 1 : n > LEZERS_MAX ? LEZERS_MAX : n;
	for (int i = 0; i < l->n; i++) {
		struct lezer *r = &l->r[i];
		r->l = l;
		if (!inzage_lees_prepare(&r->pg) || !pg_connect(&r->pg, pg_url, "inzage"))
			goto fail;
		if (pthread_create(&r->thread, NULL, lezer_main, r) != 0) {
			zlog_error("could not start reader thread %d", i);
			goto fail;
		}
		r->gestart = true;
	}
	return l;
fail:
	lezers_free(l);
	return NULL;
}

bool
lezers_geef(struct lezers *l, struct lees_taak *t)
{
	t->volgende = NULL;
	pthread_mutex_lock(&l->mu);
	*l->wacht_eind = t;
	l->wacht_eind = &t->volgende;
	pthread_cond_signal(&l->werk);
	pthread_mutex_unlock(&l->mu);
	return true;
}

void
lezers_free(struct lezers *l)
{
	struct lees_taak *t, *volgende;

	if (!l)
		return;
	pthread_mutex_lock(&l->mu);
	l->stop = true;
	pthread_cond_broadcast(&l->werk);
	pthread_mutex_unlock(&l->mu);
	for (int i = 0; i < l->n; i++) {
		if (l->r[i].gestart)
			pthread_join(l->r[i].thread, NULL);
		pg_close(&l->r[i].pg);
	}
	/* Done ones get their reply; the rest are told the data is unreachable. */
	for (t = l->gedaan; t; t = volgende) {
		volgende = t->volgende;
		t->klaar(t, true);
	}
	for (t = l->wacht; t; t = volgende) {
		volgende = t->volgende;
		t->klaar(t, false);
	}
	if (l->ev)
		event_free(l->ev);
	if (l->wek[0] >= 0)
		close(l->wek[0]);
	if (l->wek[1] >= 0)
		close(l->wek[1]);
	pthread_cond_destroy(&l->werk);
	pthread_mutex_destroy(&l->mu);
	free(l);
}
