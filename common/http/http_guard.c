/*
 * http_guard.c — connection caps and the whole-request deadline on evhttp.
 *
 * evhttp (libevent 2.1) has no hook at accept, so the guard makes each
 * connection's bufferevent itself (evhttp_set_bevcb) and, in an event made
 * active right then, looks at it once evhttp has attached it: the
 * bufferevent's callback argument is then its evhttp_connection. That event
 * runs before the loop polls again, so before evhttp has read a byte. A
 * reference on the bufferevent keeps it valid in between.
 */
#include "http/http_guard.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/metrics_mt.h"
#include "http/http.h"

#include <event2/bufferevent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#define ADRES_LEN    64
#define ADRESSEN_MAX 4096 /* distinct client addresses counted at once */

struct verbinding {
	struct http_guard *g;
	struct bufferevent *bev; /* referenced until evcon is known */
	struct evhttp_connection *evcon;
	struct event *deadline;
	char adres[ADRES_LEN];
	bool geteld;
	TAILQ_ENTRY(verbinding) next;
};

TAILQ_HEAD(verbindingen, verbinding);

struct http_guard {
	struct event_base *base;
	struct evhttp *http;
	struct event *ev_nieuw;
	struct verbindingen nieuw; /* accepted, not yet looked at */
	struct verbindingen open;  /* counted, with a closecb */
};

/* Process-wide: every thread's connections count against the same caps. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct adres_telling {
	char adres[ADRES_LEN];
	int n;
} adressen[ADRESSEN_MAX];
static atomic_int totaal;
static struct metric_mt m_deadline, m_per_adres, m_totaal;
static struct metric *m_open;
static bool geregistreerd;

void
http_guard_init(void)
{
	static const char help[] = "Connections closed by the guard: a request not complete within "
	                           "ZS_HTTP_REQUEST_DEADLINE_S, or over a connection cap.";

	if (geregistreerd)
		return;
	geregistreerd = true;
	metric_mt_counter(&m_deadline, "zs_http_afgewezen_total", "reden=\"deadline\"", help);
	metric_mt_counter(&m_per_adres, "zs_http_afgewezen_total", "reden=\"per_adres\"", help);
	metric_mt_counter(&m_totaal, "zs_http_afgewezen_total", "reden=\"totaal\"", help);
	m_open = metric_gauge("zs_http_verbindingen", NULL, "Open HTTP connections.");
}

void
http_guard_publish(void)
{
	if (!geregistreerd)
		return;
	metric_mt_publish(&m_deadline);
	metric_mt_publish(&m_per_adres);
	metric_mt_publish(&m_totaal);
	metric_set(m_open, (double)atomic_load(&totaal));
}

/*
 * The address's slot, by linear probing over names: a slot whose count fell
 * to 0 keeps its name (so that later probes go on past it) and is reused for
 * a new address; a slot never used ends the search. NULL when not found (or,
 * for nieuw, when every slot is taken).
 */
static struct adres_telling *
slot_van(const char *adres, bool nieuw)
{
	struct adres_telling *vrij = NULL;
	size_t h = 5381;

	for (const char *c = adres; *c; c++)
		h = h * 33 + (unsigned char)*c;
	for (size_t k = 0; k < ADRESSEN_MAX; k++) {
		struct adres_telling *a = &adressen[(h + k) % ADRESSEN_MAX];

		if (a->adres[0] == '\0')
			return !nieuw ? NULL : vrij ? vrij : a;
		if (strcmp(a->adres, adres) == 0)
			return a;
		if (!vrij && a->n == 0)
			vrij = a;
	}
	return nieuw ? vrij : NULL;
}

/* Counts the connection in, or says which cap it would cross. */
static struct metric_mt *
tel_in(const char *adres)
{
	struct metric_mt *over = NULL;
	struct adres_telling *a;

	pthread_mutex_lock(&mu);
	a = slot_van(adres, true);
	if (atomic_load(&totaal) >= http_max_verbindingen || !a) {
		over = &m_totaal;
	} else if (a->n >= http_max_per_adres) {
		over = &m_per_adres;
	} else {
		if (a->n++ == 0) /* a new name, or a slot given up by another */
			snprintf(a->adres, sizeof(a->adres), "%s", adres);
		atomic_fetch_add(&totaal, 1);
	}
	pthread_mutex_unlock(&mu);
	return over;
}

static void
tel_uit(const char *adres)
{
	struct adres_telling *a;

	pthread_mutex_lock(&mu);
	a = slot_van(adres, false);
	if (a && a->n > 0) {
		a->n--;
		atomic_fetch_sub(&totaal, 1);
	}
	pthread_mutex_unlock(&mu);
}

static void
verbinding_free(struct verbinding *c)
{
	if (c->deadline)
		event_free(c->deadline);
	if (c->bev)
		bufferevent_decref(c->bev);
	free(c);
}

/* evhttp closes the connection (for whatever reason): uncount it. */
static void
on_close(struct evhttp_connection *evcon, void *arg)
{
	struct verbinding *c = arg;
	(void)evcon;

	if (c->geteld)
		tel_uit(c->adres);
	TAILQ_REMOVE(&c->g->open, c, next);
	verbinding_free(c);
}

static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct verbinding *c = arg;
	(void)fd;
	(void)what;

	metric_mt_inc(&m_deadline);
	zlog_debug("http: request from %s not complete within %ld s, connection closed", c->adres,
	           http_deadline_s);
	/* Calls on_close, which frees c. */
	evhttp_connection_free(c->evcon);
}

static void
deadline_aan(struct verbinding *c)
{
	struct timeval tv = {.tv_sec = http_deadline_s};

	evtimer_add(c->deadline, &tv);
}

/* The connections accepted since last time, now attached to evhttp. */
static void
on_nieuw(evutil_socket_t fd, short what, void *arg)
{
	struct http_guard *g = arg;
	struct verbinding *c;
	(void)fd;
	(void)what;

	while ((c = TAILQ_FIRST(&g->nieuw))) {
		struct metric_mt *over;
		char *host = NULL;
		ev_uint16_t port = 0;
		void *cbarg = NULL;

		TAILQ_REMOVE(&g->nieuw, c, next);
		bufferevent_getcb(c->bev, NULL, NULL, NULL, &cbarg);
		c->evcon = cbarg;
		bufferevent_decref(c->bev);
		c->bev = NULL;
		if (!c->evcon) {
			/* evhttp gave it up already (it frees a bufferevent's callbacks). */
			verbinding_free(c);
			continue;
		}
		evhttp_connection_get_peer(c->evcon, &host, &port);
		snprintf(c->adres, sizeof(c->adres), "%s", host ? host : "?");
		if ((over = tel_in(c->adres))) {
			metric_mt_inc(over);
			zlog_debug("http: connection from %s over the %s cap, closed", c->adres,
			           over == &m_per_adres ? "per-address" : "total");
			evhttp_connection_free(c->evcon);
			verbinding_free(c);
			continue;
		}
		c->geteld = true;
		c->deadline = evtimer_new(g->base, on_deadline, c);
		if (!c->deadline) {
			tel_uit(c->adres);
			evhttp_connection_free(c->evcon);
			verbinding_free(c);
			continue;
		}
		TAILQ_INSERT_TAIL(&g->open, c, next);
		evhttp_connection_set_closecb(c->evcon, on_close, c);
		deadline_aan(c);
	}
}

static struct bufferevent *
on_bev(struct event_base *base, void *arg)
{
	struct http_guard *g = arg;
	struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	struct verbinding *c;

	if (!bev)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return bev; /* served unguarded rather than not at all */
	c->g = g;
	c->bev = bev;
	bufferevent_incref(bev);
	TAILQ_INSERT_TAIL(&g->nieuw, c, next);
	event_active(g->ev_nieuw, EV_READ, 0);
	return bev;
}

struct http_guard *
http_guard_new(struct event_base *base, struct evhttp *http)
{
	struct http_guard *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->base = base;
	g->http = http;
	TAILQ_INIT(&g->nieuw);
	TAILQ_INIT(&g->open);
	g->ev_nieuw = event_new(base, -1, 0, on_nieuw, g);
	if (!g->ev_nieuw) {
		free(g);
		return NULL;
	}
	evhttp_set_bevcb(http, on_bev, g);
	return g;
}

void
http_guard_free(struct http_guard *g)
{
	struct verbinding *c;

	if (!g)
		return;
	while ((c = TAILQ_FIRST(&g->nieuw))) {
		TAILQ_REMOVE(&g->nieuw, c, next);
		verbinding_free(c);
	}
	/* evhttp_free closes what is still open and would call on_close: let
	 * go of them first. */
	while ((c = TAILQ_FIRST(&g->open))) {
		TAILQ_REMOVE(&g->open, c, next);
		evhttp_connection_set_closecb(c->evcon, NULL, NULL);
		if (c->geteld)
			tel_uit(c->adres);
		verbinding_free(c);
	}
	event_free(g->ev_nieuw);
	free(g);
}

static void
on_antwoord(struct evhttp_request *req, void *arg)
{
	struct verbinding *c = arg;
	(void)req;

	/* The reply went out; a kept-alive connection's next request starts now. */
	deadline_aan(c);
}

void
http_guard_dispatched(struct http_guard *g, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct verbinding *c;

	if (!g || !evcon)
		return;
	TAILQ_FOREACH(c, &g->open, next)
	{
		if (c->evcon == evcon) {
			evtimer_del(c->deadline);
			evhttp_request_set_on_complete_cb(req, on_antwoord, c);
			return;
		}
	}
}
