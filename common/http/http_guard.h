/*
 * http_guard.h — what keeps slow or greedy clients from holding a daemon's
 * HTTP port: a deadline for a whole request (evhttp's own time-out is per
 * read, so a request dribbled in one byte every few seconds never ended), a
 * cap on connections per client address and one on all connections, and
 * counters in /metrics when one of them bites. Used by both servers
 * (http.c on the main loop, http_pool.c per worker thread), so every daemon's
 * port has it.
 *
 * A connection is counted from accept until evhttp closes it. Its deadline
 * runs from accept (or from the end of the previous reply on a kept-alive
 * connection) until the request is complete and handed to a handler; a
 * handler that holds its reply (toegang waiting for its record) is not cut
 * off. A connection over a cap, or past its deadline, is closed without a
 * reply: a client that behaves never meets either.
 *
 * The counts are process-wide (all worker threads share the caps); each
 * event base has its own guard.
 */
#ifndef ZS_HTTP_GUARD_H
#define ZS_HTTP_GUARD_H

#include <event2/event.h>
#include <event2/http.h>

struct http_guard;

/* On the main thread before any worker starts: registers the metrics. */
void http_guard_init(void);
/* Guards http's connections; on the thread that runs base. NULL if out of memory. */
struct http_guard *http_guard_new(struct event_base *base, struct evhttp *http);
/* Before evhttp_free of its evhttp (connections still open are let go). */
void http_guard_free(struct http_guard *g);
/* At dispatch: the request arrived whole; its deadline stops, and starts
 * again for the next request once this one's reply has gone out. */
void http_guard_dispatched(struct http_guard *g, struct evhttp_request *req);
/* Main thread, before rendering /metrics. */
void http_guard_publish(void);

#endif
