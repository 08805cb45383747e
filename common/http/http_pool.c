/*
 * http_pool.c — worker threads with an evhttp each on SO_REUSEPORT sockets,
 * routing, and the main thread's readiness and metrics published to them.
 */
#include "http/http_pool.h"
#include "http/http_guard.h"
#include "wire/ce.h"
#include "core/config.h"
#include "core/log.h"
#include "core/metrics_mt.h"

#include <errno.h>
#include <fcntl.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_ROUTES 16

struct route {
	const char *method;
	char pattern[128];
	http_pool_handler handler;
	http_handler handler_arg; /* with arg instead of the worker's state */
	void *arg;
};

struct worker {
	struct http_pool *pool;
	int index;
	pthread_t thread;
	bool started;
	evutil_socket_t fd; /* the listening socket, until evhttp owns it */
	int stop[2];        /* main → worker: stop */
	struct event_base *base;
	struct evhttp *http;
	struct http_guard *guard;
	struct evhttp_bound_socket *bound;
	struct event *ev_drain;
	int64_t drain_until;
	bool stopping;
	void *state;
};

struct http_pool {
	struct http_pool_config cfg;
	struct route routes[MAX_ROUTES];
	int nroutes;
	const struct http_static *files;
	struct worker workers[HTTP_POOL_MAX_THREADS];
	int nworkers;

	pthread_mutex_t mu; /* start-up handshake, and the published text */
	pthread_cond_t cond;
	int initialised, failed;
	char *metrics_text;
	size_t metrics_len;
	atomic_bool ready;
	struct event *ev_publish;

	struct metric_mt requests, latency;
};

/* Listening sockets. */

static evutil_socket_t
listen_socket(const char *addr, int port)
{
	struct sockaddr_storage ss;
	int sslen = sizeof(ss), one = 1;
	char spec[300];
	evutil_socket_t fd;

	snprintf(spec, sizeof(spec), strchr(addr, ':') ? "[%s]:%d" : "%s:%d", addr, port);
	if (evutil_parse_sockaddr_port(spec, (struct sockaddr *)&ss, &sslen) != 0) {
		zlog_error("invalid listen address %s", spec);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* Every worker binds the same port; the kernel spreads connections. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&ss, (socklen_t)sslen) != 0 || listen(fd, 1024) != 0) {
		log_write(
		        LOG_ERROR,
		        &(struct log_ctx){.partition = -1, .offset = -1, .detail = strerror(errno)},
		        "could not listen on %s", spec);
		close(fd);
		return -1;
	}
	return fd;
}

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
builtin(struct worker *w, struct http_req *r)
{
	struct http_pool *pool = w->pool;

	if (!strcmp(r->path, "/healthz")) {
		http_reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
	} else if (!strcmp(r->path, "/readyz")) {
		bool ok = atomic_load(&pool->ready);
		http_reply_json(r, ok ? 200 : 503,
		                json_pack("{s:s}", "status", ok ? "ready" : "not ready"));
	} else {
		char *text;
		size_t len;

		pthread_mutex_lock(&pool->mu);
		len = pool->metrics_len;
		text = malloc(len + 1);
		if (text)
			memcpy(text, pool->metrics_text ? pool->metrics_text : "", len);
		pthread_mutex_unlock(&pool->mu);
		if (!text) {
			http_internal_error(r);
			return;
		}
		http_send(r->req, NULL, 200, "text/plain; version=0.0.4", text, len);
		free(text);
	}
}

static void
dispatch(struct evhttp_request *req, void *arg)
{
	struct worker *w = arg;
	struct http_pool *pool = w->pool;
	struct http_req r;
	bool path_known = false;
	int64_t start = now_us();

	metric_mt_inc(&pool->requests);
	http_guard_dispatched(w->guard, req);
	if (!http_req_begin(&r, req))
		goto out;
	if (http_req_builtin(&r)) {
		builtin(w, &r);
		goto out;
	}
	if (w->stopping) {
		http_problem(&r, 503, "stopping", "the service is stopping; try again", NULL, NULL);
		goto out;
	}
	for (int i = 0; i < pool->nroutes; i++) {
		const struct route *rt = &pool->routes[i];
		if (!http_path_match(rt->pattern, r.path, r.params, &r.nparams))
			continue;
		path_known = true;
		if (strcmp(rt->method, r.method) != 0) {
			http_req_params_free(&r);
			continue;
		}
		if (rt->handler)
			rt->handler(&r, w->state);
		else
			rt->handler_arg(&r, rt->arg);
		goto out;
	}
	if (!path_known && http_static_serve(pool->files, &r))
		goto out;
	http_no_route(&r, path_known);
out:
	metric_mt_observe_us(&pool->latency, now_us() - start);
	http_req_end(&r);
}

/* Worker threads. */

/* Waits until nothing is held (or the grace period ends), then lets the
 * loop run a moment longer so that the last replies are written. */
static void
on_drain(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct timeval flush = {.tv_usec = 50 * 1000};
	(void)fd;
	(void)what;

	if (now_us() < w->drain_until && w->pool->cfg.worker_busy &&
	    w->pool->cfg.worker_busy(w->state))
		return;
	event_del(w->ev_drain);
	event_base_loopexit(w->base, &flush);
}

static void
on_stop(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct timeval every = {.tv_usec = 20 * 1000};
	(void)fd;
	(void)what;

	w->stopping = true;
	if (w->bound) {
		evhttp_del_accept_socket(w->http, w->bound);
		w->bound = NULL;
	}
	w->drain_until = now_us() + config_shutdown_grace_s * 1000000;
	w->ev_drain = event_new(w->base, -1, EV_PERSIST, on_drain, w);
	event_add(w->ev_drain, &every);
	on_drain(-1, 0, w);
}

static void
init_done(struct http_pool *pool, bool ok)
{
	pthread_mutex_lock(&pool->mu);
	pool->initialised++;
	if (!ok)
		pool->failed++;
	pthread_cond_broadcast(&pool->cond);
	pthread_mutex_unlock(&pool->mu);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct http_pool *pool = w->pool;
	struct evconnlistener *lev;
	struct event *ev_stop = NULL;

	w->base = event_base_new();
	w->http = w->base ? evhttp_new(w->base) : NULL;
	if (!w->http)
		goto fail;
	http_limit(w->http);
	w->guard = http_guard_new(w->base, w->http);
	if (!w->guard)
		goto fail;
	evhttp_set_gencb(w->http, dispatch, w);
	lev = evconnlistener_new(w->base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE, -1, w->fd);
	if (!lev)
		goto fail;
	w->fd = -1; /* the listener owns it, and evhttp the listener */
	w->bound = evhttp_bind_listener(w->http, lev);
	if (!w->bound) {
		evconnlistener_free(lev);
		goto fail;
	}
	ev_stop = event_new(w->base, w->stop[0], EV_READ, on_stop, w);
	event_add(ev_stop, NULL);
	w->state = pool->cfg.worker_init(w->base, w->index, pool->cfg.arg);
	if (!w->state)
		goto fail;
	init_done(pool, true);
	event_base_dispatch(w->base);
	pool->cfg.worker_free(w->state);
	if (w->ev_drain)
		event_free(w->ev_drain);
	event_free(ev_stop);
	http_guard_free(w->guard);
	evhttp_free(w->http);
	event_base_free(w->base);
	return NULL;
fail:
	if (ev_stop)
		event_free(ev_stop);
	http_guard_free(w->guard);
	if (w->http)
		evhttp_free(w->http);
	if (w->base)
		event_base_free(w->base);
	w->http = NULL;
	w->base = NULL;
	init_done(pool, false);
	return NULL;
}

/* The main thread's part. */

static void
publish(evutil_socket_t fd, short what, void *arg)
{
	struct http_pool *pool = arg;
	struct evbuffer *buf = evbuffer_new();
	char *text;
	size_t len;
	(void)fd;
	(void)what;

	atomic_store(&pool->ready, !pool->cfg.ready || pool->cfg.ready(pool->cfg.arg));
	if (!buf)
		return; /* the last snapshot stays published */
	if (pool->cfg.before_metrics)
		pool->cfg.before_metrics(pool->cfg.arg);
	metric_mt_publish(&pool->requests);
	metric_mt_publish(&pool->latency);
	http_guard_publish();
	metrics_render(buf);
	len = evbuffer_get_length(buf);
	text = malloc(len + 1);
	if (!text) {
		/* The last snapshot stays published; the next tick tries again. */
		evbuffer_free(buf);
		return;
	}
	evbuffer_remove(buf, text, len);
	evbuffer_free(buf);
	pthread_mutex_lock(&pool->mu);
	free(pool->metrics_text);
	pool->metrics_text = text;
	pool->metrics_len = len;
	pthread_mutex_unlock(&pool->mu);
}

struct http_pool *
http_pool_new(const struct http_pool_config *cfg)
{
	struct http_pool *pool = calloc(1, sizeof(*pool));

	if (!pool)
		return NULL;
	pool->cfg = *cfg;
	http_guard_init();
	pthread_mutex_init(&pool->mu, NULL);
	pthread_cond_init(&pool->cond, NULL);
	if (cfg->threads < 1 || cfg->threads > HTTP_POOL_MAX_THREADS) {
		zlog_error("invalid number of http threads %d (1..%d)", cfg->threads,
		           HTTP_POOL_MAX_THREADS);
		goto fail;
	}
	for (int i = 0; i < cfg->threads; i++) {
		struct worker *w = &pool->workers[i];
		w->pool = pool;
		w->index = i;
		w->stop[0] = w->stop[1] = -1;
		w->fd = listen_socket(cfg->addr, cfg->port);
		pool->nworkers++;
		if (w->fd < 0 || pipe2(w->stop, O_CLOEXEC) != 0)
			goto fail;
	}
	metric_mt_counter(&pool->requests, "zs_http_requests_total", NULL,
	                  "HTTP requests received.");
	metric_mt_histogram(
	        &pool->latency, "zs_http_request_seconds", NULL,
	        "HTTP request handling time (a reply held for its record not included).");
	return pool;
fail:
	http_pool_free(pool);
	return NULL;
}

void
http_pool_route(struct http_pool *p, const char *method, const char *pattern, http_pool_handler h)
{
	if (p->nroutes == MAX_ROUTES)
		die("too many routes (max %d)", MAX_ROUTES);
	struct route *rt = &p->routes[p->nroutes++];
	rt->method = method;
	snprintf(rt->pattern, sizeof(rt->pattern), "%s", pattern);
	rt->handler = h;
}

void
http_pool_route_arg(struct http_pool *p, const char *method, const char *pattern, http_handler h,
                    void *arg)
{
	http_pool_route(p, method, pattern, NULL);
	p->routes[p->nroutes - 1].handler_arg = h;
	p->routes[p->nroutes - 1].arg = arg;
}

void
http_pool_static(struct http_pool *p, const struct http_static *files)
{
	p->files = files;
}

bool
http_pool_start(struct http_pool *p)
{
	struct timeval every = {.tv_usec = HTTP_POOL_PUBLISH_MS * 1000};

	publish(-1, 0, p);
	p->ev_publish = event_new(p->cfg.main_base, -1, EV_PERSIST, publish, p);
	event_add(p->ev_publish, &every);
	for (int i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			zlog_error("could not start http thread %d", i);
			init_done(p, false);
			continue;
		}
		w->started = true;
	}
	pthread_mutex_lock(&p->mu);
	while (p->initialised < p->nworkers)
		pthread_cond_wait(&p->cond, &p->mu);
	pthread_mutex_unlock(&p->mu);
	if (p->failed)
		return false;
	zlog_info("listening on http://%s:%d (%d threads)", p->cfg.addr, p->cfg.port, p->nworkers);
	return true;
}

void
http_pool_free(struct http_pool *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->nworkers; i++)
		if (p->workers[i].started && p->workers[i].stop[1] >= 0 &&
		    write(p->workers[i].stop[1], "s", 1) < 0)
			zlog_warn("could not stop http thread %d", i);
	for (int i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];
		if (w->started)
			pthread_join(w->thread, NULL);
		if (w->fd >= 0)
			close(w->fd);
		for (int k = 0; k < 2; k++)
			if (w->stop[k] >= 0)
				close(w->stop[k]);
	}
	if (p->ev_publish)
		event_free(p->ev_publish);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cond);
	free(p->metrics_text);
	free(p);
}
