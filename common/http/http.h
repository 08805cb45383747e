/*
 * http.h — the HTTP side of a daemon on libevent's evhttp: bounded bodies,
 * headers and time, a small router with {param} segments, JSON replies, ZGW-
 * style problem documents (application/problem+json) for every error, and
 * /healthz, /readyz, /metrics on every daemon.
 */
#ifndef ZS_HTTP_H
#define ZS_HTTP_H

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdbool.h>

#include "core/config.h"

#define HTTP_MAX_PARAMS 4

struct http_req {
	struct evhttp_request *req;
	const char *method;
	char path[512];
	char *params[HTTP_MAX_PARAMS]; /* {param} values, URL-decoded */
	int nparams;
	struct evkeyvalq query;
	char traceparent[56]; /* incoming or new: the trace of this request */
};

typedef void (*http_handler)(struct http_req *r, void *arg);

struct http_server;

/* ZS_HTTP_ADDR and the limits every HTTP port of ours obeys. */
extern const struct config_table http_settings;
extern const char *http_addr;
/* ZS_HTTP_CORS_ORIGINS: pages elsewhere that may call this port. */
extern const char *http_cors_origins;
/* Whether origin is one of the list's exact origins. */
bool http_cors_allowed(const char *list, const char *origin);
/* CORS headers for an allowed Origin; true when a preflight was answered. */
bool http_cors(struct http_req *r);
/* The guard's limits (http_guard.c), from http_settings. */
extern long http_deadline_s, http_max_connections, http_max_per_address;
/* Applies those limits (body, headers, idle time, methods) to an evhttp. */
void http_limit(struct evhttp *http);

struct http_server *http_start(struct event_base *base, const char *addr, int port);
void http_free(struct http_server *s);
/* pattern: "/api/v1/aanvragen/{id}"; method: "GET", "POST", ... */
void http_route(struct http_server *s, const char *method, const char *pattern, http_handler h,
                void *arg);
void http_set_ready(struct http_server *s, bool (*ready)(void *), void *arg);

const char *http_query(struct http_req *r, const char *name);
const char *http_header(struct http_req *r, const char *name);
/* The request body as parsed JSON (strict: duplicate keys refused), or NULL
 * after replying 400 with the parser's position. */
json_t *http_json_body(struct http_req *r);

/* Replies and takes the reference to body; a NULL body (a constructor that
 * ran out of memory) is answered 500. */
void http_reply_json(struct http_req *r, int status, json_t *body);
/* 500 with a fixed problem document: for when memory ran out. */
void http_internal_error(struct http_req *r);
/* A problem document: code is machine-readable ("not_found", "invalid"),
 * invalid_params an array of {name, code, reason} or NULL (taken). */
void http_problem(struct http_req *r, int status, const char *code, const char *title,
                  const char *detail, json_t *invalid_params);
/* The problem document as text (malloc'd; NULL when memory ran out), for
 * replies sent later. */
char *http_problem_body(const struct http_req *r, int status, const char *code, const char *title,
                        const char *detail, json_t *invalid_params);
/* Sends a reply on a request held past its handler. */
void http_send(struct evhttp_request *req, const char *traceparent, int status, const char *ctype,
               const char *body, size_t len);
/* One {name, code, reason} entry for invalid_params. */
json_t *http_invalid_param(const char *name, const char *code, const char *reason);

/* The request-handling steps both servers (this one and http_pool) share. */
bool http_req_begin(struct http_req *r, struct evhttp_request *req);
bool http_req_builtin(const struct http_req *r);
/* A control character, raw or percent-encoded, or a malformed escape. */
bool http_path_has_control(const char *path);
bool http_path_match(const char *pattern, const char *path, char **params, int *nparams);
void http_req_params_free(struct http_req *r);
void http_req_end(struct http_req *r);
void http_no_route(struct http_req *r, bool path_known);

#endif
