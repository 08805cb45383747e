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

#define ADDR_LEN  64
#define ADDRS_MAX 4096 /* distinct client addresses counted at once */

struct conn {
	struct http_guard *g;
	struct bufferevent *bev; /* referenced until evcon is known */
	struct evhttp_connection *evcon;
	struct event *deadline;
	char addr[ADDR_LEN];
	bool counted;
	TAILQ_ENTRY(conn) next;
};

TAILQ_HEAD(conns, conn);

struct http_guard {
	struct event_base *base;
	struct evhttp *http;
	struct event *ev_accepted;
	struct conns accepted; /* accepted, not yet looked at */
	struct conns open;     /* counted, with a closecb */
};

/* Process-wide: every thread's connections count against the same caps. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct addr_count {
	char addr[ADDR_LEN];
	int n;
} addrs[ADDRS_MAX];
static atomic_int total;
static struct metric_mt m_deadline, m_per_addr, m_total;
static struct metric *m_open;
static bool registered;

void
http_guard_init(void)
{
	static const char help[] = "Connections closed by the guard: a request not complete within "
	                           "ZS_HTTP_REQUEST_DEADLINE_S, or over a connection cap.";

	if (registered)
		return;
	registered = true;
	metric_mt_counter(&m_deadline, "zs_http_afgewezen_total", "reden=\"deadline\"", help);
	metric_mt_counter(&m_per_addr, "zs_http_afgewezen_total", "reden=\"per_adres\"", help);
	metric_mt_counter(&m_total, "zs_http_afgewezen_total", "reden=\"totaal\"", help);
	m_open = metric_gauge("zs_http_verbindingen", NULL, "Open HTTP connections.");
}

void
http_guard_publish(void)
{
	if (!registered)
		return;
	metric_mt_publish(&m_deadline);
	metric_mt_publish(&m_per_addr);
	metric_mt_publish(&m_total);
	metric_set(m_open, (double)atomic_load(&total));
}

/*
 * The address's slot, by linear probing over names: a slot whose count fell
 * to 0 keeps its name (so that later probes go on past it) and is reused for
 * a new address; a slot never used ends the search. NULL when not found (or,
 * for add, when every slot is taken).
 */
static struct addr_count *
addr_slot(const char *addr, bool add)
{
	struct addr_count *free_slot = NULL;
	size_t h = 5381;

	for (const char *c = addr; *c; c++)
		h = h * 33 + (unsigned char)*c;
	for (size_t k = 0; k < ADDRS_MAX; k++) {
		struct addr_count *a = &addrs[(h + k) % ADDRS_MAX];

		if (a->addr[0] == '\0')
			return !add ? NULL : free_slot ? free_slot : a;
		if (strcmp(a->addr, addr) == 0)
			return a;
		if (!free_slot && a->n == 0)
			free_slot = a;
	}
	return add ? free_slot : NULL;
}

/* Counts the connection in, or says which cap it would cross. */
static struct metric_mt *
count_in(const char *addr)
{
	struct metric_mt *over = NULL;
	struct addr_count *a;

	pthread_mutex_lock(&mu);
	a = addr_slot(addr, true);
	if (atomic_load(&total) >= http_max_connections || !a) {
		over = &m_total;
	} else if (a->n >= http_max_per_address) {
		over = &m_per_addr;
	} else {
		if (a->n++ == 0) /* a new name, or a slot given up by another */
			snprintf(a->addr, sizeof(a->addr), "%s", addr);
		atomic_fetch_add(&total, 1);
	}
	pthread_mutex_unlock(&mu);
	return over;
}

static void
count_out(const char *addr)
{
	struct addr_count *a;

	pthread_mutex_lock(&mu);
	a = addr_slot(addr, false);
	if (a && a->n > 0) {
		a->n--;
		atomic_fetch_sub(&total, 1);
	}
	pthread_mutex_unlock(&mu);
}

static void
conn_free(struct conn *c)
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
	struct conn *c = arg;
	(void)evcon;

	if (c->counted)
		count_out(c->addr);
	TAILQ_REMOVE(&c->g->open, c, next);
	conn_free(c);
}

static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	(void)fd;
	(void)what;

	metric_mt_inc(&m_deadline);
	zlog_debug("http: request from %s not complete within %ld s, connection closed", c->addr,
	           http_deadline_s);
	/* Calls on_close, which frees c. */
	evhttp_connection_free(c->evcon);
}

static void
deadline_start(struct conn *c)
{
	struct timeval tv = {.tv_sec = http_deadline_s};

	evtimer_add(c->deadline, &tv);
}

/* The connections accepted since last time, now attached to evhttp. */
static void
on_accepted(evutil_socket_t fd, short what, void *arg)
{
	struct http_guard *g = arg;
	struct conn *c;
	(void)fd;
	(void)what;

	while ((c = TAILQ_FIRST(&g->accepted))) {
		struct metric_mt *over;
		char *host = NULL;
		ev_uint16_t port = 0;
		void *cbarg = NULL;

		TAILQ_REMOVE(&g->accepted, c, next);
		bufferevent_getcb(c->bev, NULL, NULL, NULL, &cbarg);
		c->evcon = cbarg;
		bufferevent_decref(c->bev);
		c->bev = NULL;
		if (!c->evcon) {
			/* evhttp gave it up already (it frees a bufferevent's callbacks). */
			conn_free(c);
			continue;
		}
		evhttp_connection_get_peer(c->evcon, &host, &port);
		snprintf(c->addr, sizeof(c->addr), "%s", host ? host : "?");
		if ((over = count_in(c->addr))) {
			metric_mt_inc(over);
			zlog_debug("http: connection from %s over the %s cap, closed", c->addr,
			           over == &m_per_addr ? "per-address" : "total");
			evhttp_connection_free(c->evcon);
			conn_free(c);
			continue;
		}
		c->counted = true;
		c->deadline = evtimer_new(g->base, on_deadline, c);
		if (!c->deadline) {
			count_out(c->addr);
			evhttp_connection_free(c->evcon);
			conn_free(c);
			continue;
		}
		TAILQ_INSERT_TAIL(&g->open, c, next);
		evhttp_connection_set_closecb(c->evcon, on_close, c);
		deadline_start(c);
	}
}

static struct bufferevent *
on_bev(struct event_base *base, void *arg)
{
	struct http_guard *g = arg;
	struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	struct conn *c;

	if (!bev)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return bev; /* served unguarded rather than not at all */
	c->g = g;
	c->bev = bev;
	bufferevent_incref(bev);
	TAILQ_INSERT_TAIL(&g->accepted, c, next);
	event_active(g->ev_accepted, EV_READ, 0);
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
	TAILQ_INIT(&g->accepted);
	TAILQ_INIT(&g->open);
	g->ev_accepted = event_new(base, -1, 0, on_accepted, g);
	if (!g->ev_accepted) {
		free(g);
		return NULL;
	}
	evhttp_set_bevcb(http, on_bev, g);
	return g;
}

void
http_guard_free(struct http_guard *g)
{
	struct conn *c;

	if (!g)
		return;
	while ((c = TAILQ_FIRST(&g->accepted))) {
		TAILQ_REMOVE(&g->accepted, c, next);
		conn_free(c);
	}
	/* evhttp_free closes what is still open and would call on_close: let
	 * go of them first. */
	while ((c = TAILQ_FIRST(&g->open))) {
		TAILQ_REMOVE(&g->open, c, next);
		evhttp_connection_set_closecb(c->evcon, NULL, NULL);
		if (c->counted)
			count_out(c->addr);
		conn_free(c);
	}
	event_free(g->ev_accepted);
	free(g);
}

static void
on_reply_sent(struct evhttp_request *req, void *arg)
{
	struct conn *c = arg;
	(void)req;

	/* The reply went out; a kept-alive connection's next request starts now. */
	deadline_start(c);
}

void
http_guard_dispatched(struct http_guard *g, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct conn *c;

	if (!g || !evcon)
		return;
	TAILQ_FOREACH(c, &g->open, next)
	{
		if (c->evcon == evcon) {
			evtimer_del(c->deadline);
			evhttp_request_set_on_complete_cb(req, on_reply_sent, c);
			return;
		}
	}
}
