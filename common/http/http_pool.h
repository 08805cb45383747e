/*
 * http_pool.h — a daemon's HTTP port served by several threads. Each worker
 * thread runs its own event base and evhttp on a listening socket of its own,
 * bound with SO_REUSEPORT to the same address: the kernel spreads the
 * connections, and a request never leaves the thread that accepted it (its
 * own PostgreSQL connection, its own producer). Handlers have http.h's shape
 * and get their worker's state.
 *
 * /healthz is answered by the worker. /readyz and /metrics report state that
 * lives on the main thread: a main-loop timer publishes them every
 * HTTP_POOL_PUBLISH_MS (readiness as a flag, the metrics as rendered text),
 * and the workers serve what was published last.
 */
#ifndef ZS_HTTP_POOL_H
#define ZS_HTTP_POOL_H

#include <stdbool.h>

#include <event2/event.h>

#include "http/http.h"
#include "http/static.h"

#define HTTP_POOL_MAX_THREADS 32
#define HTTP_POOL_PUBLISH_MS  250

typedef void (*http_pool_handler)(struct http_req *r, void *worker_state);

struct http_pool_config {
	const char *addr;
	int port;
	int threads;
	struct event_base *main_base; /* where the publishing timer runs */
	/* On each worker thread before it serves: its state; NULL = failure
	 * (then the pool does not start). */
	void *(*worker_init)(struct event_base *base, int index, void *arg);
	/* On the worker thread once it stopped accepting: whether it still holds
	 * replies (the pool waits, up to ZS_SHUTDOWN_GRACE_S, and writes them). */
	bool (*worker_busy)(void *state);
	/* On the worker thread at the end: free the state. */
	void (*worker_free)(void *state);
	/* On the main thread, at every publication. */
	bool (*ready)(void *arg);
	void (*before_metrics)(void *arg);
	void *arg;
};

struct http_pool;

/* Binds every worker's socket (so that a port in use fails here). NULL on failure. */
struct http_pool *http_pool_new(const struct http_pool_config *cfg);
/* Before http_pool_start. pattern: "/api/v1/zaken/{identificatie}". */
void http_pool_route(struct http_pool *p, const char *method, const char *pattern,
                     http_pool_handler h);
/* Before http_pool_start: a handler with an argument of its own (not the
 * worker's state), for routes that need no read connection. */
void http_pool_route_arg(struct http_pool *p, const char *method, const char *pattern,
                         http_handler h, void *arg);
/* Before http_pool_start: GET and HEAD of a path no route takes are looked
 * up in these files (not taken: the pool does not free them). */
void http_pool_static(struct http_pool *p, const struct http_static *files);
/* Starts the threads and waits until each has initialised; false if one failed. */
bool http_pool_start(struct http_pool *p);
/* Stops accepting, lets each worker finish what it holds, joins, frees. */
void http_pool_free(struct http_pool *p);

#endif
