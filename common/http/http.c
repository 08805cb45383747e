/*
 * http.c — evhttp server with limits, routing and problem documents.
 */
#include "http/http.h"
#include "http/http_guard.h"
#include "wire/ce.h"
#include "core/config.h"
#include "core/log.h"
#include "core/metrics.h"

#include <ctype.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/queue.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ROUTES 32

struct route {
	const char *method;
	char pattern[128];
	http_handler handler;
	void *arg;
};

struct http_server {
	struct evhttp *http;
	struct http_guard *guard;
	struct route routes[MAX_ROUTES];
	int nroutes;
	bool (*ready)(void *);
	void *ready_arg;
	struct metric *m_requests, *m_errors, *m_latency;
};

static const char *
method_name(enum evhttp_cmd_type t)
{
	switch (t) {
	case EVHTTP_REQ_GET:
		return "GET";
	case EVHTTP_REQ_POST:
		return "POST";
	case EVHTTP_REQ_PUT:
		return "PUT";
	case EVHTTP_REQ_DELETE:
		return "DELETE";
	case EVHTTP_REQ_HEAD:
		return "HEAD";
	case EVHTTP_REQ_PATCH:
		return "PATCH";
	case EVHTTP_REQ_OPTIONS:
		return "OPTIONS";
	default:
		return "OTHER";
	}
}

void
http_send(struct evhttp_request *req, const char *traceparent, int status, const char *ctype,
          const char *body, size_t len)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	struct evbuffer *buf = evbuffer_new();

	evhttp_add_header(out, "Content-Type", ctype);
	evhttp_add_header(out, "Cache-Control", "no-store");
	if (traceparent && traceparent[0])
		evhttp_add_header(out, "traceparent", traceparent);
	evbuffer_add(buf, body, len);
	evhttp_send_reply(req, status, NULL, buf);
	evbuffer_free(buf);
}

static void
send_body(struct http_req *r, int status, const char *ctype, const char *body, size_t len)
{
	http_send(r->req, r->traceparent, status, ctype, body, len);
}

/* Out of memory while building an answer: a body that needs no memory. */
void
http_internal_error(struct http_req *r)
{
	static const char body[] =
	        "{\"type\":\"https://zaakstroom.nl/problemen/internal\",\"code\":\"internal\","
	        "\"title\":\"Er is aan onze kant iets misgegaan.\",\"status\":500,"
	        "\"detail\":\"Probeer het over een paar minuten opnieuw.\"}";

	send_body(r, 500, "application/problem+json", body, sizeof(body) - 1);
}

void
http_reply_json(struct http_req *r, int status, json_t *body)
{
	char *s = body ? json_dumps(body, JSON_COMPACT) : NULL;

	if (s)
		send_body(r, status, "application/json", s, strlen(s));
	else
		http_internal_error(r);
	free(s);
	json_decref(body);
}

json_t *
http_invalid_param(const char *name, const char *code, const char *reason)
{
	return json_pack("{s:s, s:s, s:s}", "name", name, "code", code, "reason", reason);
}

char *
http_problem_body(const struct http_req *r, int status, const char *code, const char *title,
                  const char *detail, json_t *invalid_params)
{
	char type[160];
	json_t *doc;
	char *s;

	/* ZGW "Fout": type, code, title, status, detail, instance, invalidParams. */
	snprintf(type, sizeof(type), "https://zaakstroom.nl/problemen/%s", code);
	doc = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s}", "type", type, "code", code, "title",
	                title, "status", status, "detail", detail ? detail : title, "instance",
	                r->path);
	if (doc && invalid_params)
		json_object_set_new(doc, "invalidParams", invalid_params);
	else
		json_decref(invalid_params);
	s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	return s;
}

void
http_problem(struct http_req *r, int status, const char *code, const char *title,
             const char *detail, json_t *invalid_params)
{
	char *s = http_problem_body(r, status, code, title, detail, invalid_params);

	if (s)
		send_body(r, status, "application/problem+json", s, strlen(s));
	else
		http_internal_error(r);
	free(s);
}

const char *
http_query(struct http_req *r, const char *name)
{
	return evhttp_find_header(&r->query, name);
}

const char *
http_header(struct http_req *r, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(r->req), name);
}

json_t *
http_json_body(struct http_req *r)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->req);
	size_t len = evbuffer_get_length(in);
	const char *ctype = http_header(r, "Content-Type");
	json_error_t err;
	json_t *doc;

	if (ctype && strncasecmp(ctype, "application/json", 16) != 0) {
		http_problem(r, 415, "unsupported_media_type", "De body moet JSON zijn.",
		             "Stuur de body met Content-Type application/json.", NULL);
		return NULL;
	}
	doc = json_loadb((const char *)evbuffer_pullup(in, (ev_ssize_t)len), len,
	                 JSON_REJECT_DUPLICATES, &err);
	if (!doc) {
		char detail[256];
		snprintf(detail, sizeof(detail), "Ongeldige JSON op regel %d, kolom %d (%s).",
		         err.line, err.column, err.text);
		http_problem(r, 400, "parse_error", "De body is geen geldige JSON.", detail, NULL);
	}
	return doc;
}

/* "/a/{x}/b" against "/a/42/b": true with params filled (URL-decoded); on
 * false nothing is left allocated. */
bool
http_path_match(const char *pattern, const char *path, char **params, int *nparams)
{
	const char *p = pattern, *q = path;
	size_t len;

	*nparams = 0;
	for (;;) {
		if (*p == '{') {
			size_t n = strcspn(q, "/");
			char *raw;

			if (n == 0 || *nparams == HTTP_MAX_PARAMS)
				goto fail;
			raw = strndup(q, n);
			params[*nparams] = raw ? evhttp_uridecode(raw, 0, &len) : NULL;
			free(raw);
			if (!params[*nparams])
				goto fail;
			(*nparams)++;
			/* A NUL decoded from %00 would end the value early: what a
			 * proxy saw and what the handler serves would differ. */
			if (len != strlen(params[*nparams - 1]))
				goto fail;
			q += n;
			p = strchr(p, '}');
			if (!p)
				goto fail;
			p++;
		} else if (*p != *q) {
			goto fail;
		} else if (!*p) {
			return true;
		} else {
			p++;
			q++;
		}
	}
fail:
	while (*nparams > 0)
		free(params[--(*nparams)]);
	return false;
}

void
http_req_params_free(struct http_req *r)
{
	while (r->nparams > 0)
		free(r->params[--r->nparams]);
}

/* Whether the path, percent-decoded, holds a control character (%00-%1F,
 * %7F) or a malformed escape. */
bool
http_path_has_control(const char *path)
{
	for (const char *c = path; *c; c++) {
		unsigned v;

		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return true;
		if (*c != '%')
			continue;
		if (!isxdigit((unsigned char)c[1]) || !isxdigit((unsigned char)c[2]))
			return true;
		v = (unsigned)strtoul((char[]){c[1], c[2], 0}, NULL, 16);
		if (v < 0x20 || v == 0x7f)
			return true;
		c += 2;
	}
	return false;
}

/* A reply of many segments (a register of ~170 KB) would otherwise hold its
 * last small segment (Nagle) until the client's delayed ACK: 40 ms on Linux,
 * measured as the inzage API's floor. */
static void
no_delay(struct evhttp_request *req)
{
	struct evhttp_connection *c = evhttp_request_get_connection(req);
	struct bufferevent *bev = c ? evhttp_connection_get_bufferevent(c) : NULL;
	evutil_socket_t fd = bev ? bufferevent_getfd(bev) : -1;
	int on = 1;

	if (fd >= 0)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

/* Method, path, trace context and query of an incoming request; a malformed
 * query string or a control character in the path is answered (400) here and
 * gives false. */
bool
http_req_begin(struct http_req *r, struct evhttp_request *req)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	const char *query = uri ? evhttp_uri_get_query(uri) : NULL;

	*r = (struct http_req){.req = req};
	TAILQ_INIT(&r->query);
	no_delay(req);
	r->method = method_name(evhttp_request_get_command(req));
	snprintf(r->path, sizeof(r->path), "%s", path && *path ? path : "/");
	traceparent_child(evhttp_find_header(evhttp_request_get_input_headers(req), "traceparent"),
	                  r->traceparent);
	if (http_path_has_control(r->path)) {
		/* Every path parameter of every route: a NUL or line break that a
		 * proxy passes on would make the daemon serve another resource
		 * than the one a rule in front of it saw. */
		http_problem(r, 400, "invalid_path", "Het pad bevat een ongeldig teken.",
		             "Een pad of padparameter mag geen stuurtekens (zoals %00) bevatten.",
		             json_pack("[{s:s, s:s, s:s}]", "name", "path", "code", "invalid",
		                       "reason",
		                       "Het pad bevat een stuurteken of een ongeldige "
		                       "%-codering."));
		return false;
	}
	if (query && evhttp_parse_query_str(query, &r->query) != 0) {
		http_problem(r, 400, "invalid_query", "De query string is onjuist opgebouwd.",
		             "Geef parameters als naam=waarde, gescheiden door &.", NULL);
		return false;
	}
	return !http_cors(r);
}

const char *http_cors_origins;

bool
http_cors_allowed(const char *list, const char *origin)
{
	size_t n = origin ? strlen(origin) : 0;

	/* Exact origins only: no wildcard, no "null" (a sandboxed page), and
	 * never one that is not in the list. */
	if (!list || n == 0 || !strcmp(origin, "null"))
		return false;
	for (const char *p = list; *p;) {
		size_t len;

		p += strspn(p, " \t,");
		len = strcspn(p, " \t,");
		if (len == n && !strncmp(p, origin, n))
			return true;
		p += len;
	}
	return false;
}

/* Cross-origin reads for the pages named in ZS_HTTP_CORS_ORIGINS (the
 * resident's page on another port or host): their Origin is echoed, with
 * Vary, and a preflight (OPTIONS with Access-Control-Request-Method; GET, POST, PUT) is
 * answered here. Other origins get no CORS headers at all, so the browser
 * keeps the reply from them. True when the request was answered. */
bool
http_cors(struct http_req *r)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(r->req);
	struct evkeyvalq *out = evhttp_request_get_output_headers(r->req);
	const char *origin = evhttp_find_header(in, "Origin");

	if (!http_cors_allowed(http_cors_origins, origin))
		return false;
	evhttp_add_header(out, "Access-Control-Allow-Origin", origin);
	evhttp_add_header(out, "Vary", "Origin");
	evhttp_add_header(out, "Access-Control-Expose-Headers", "traceparent");
	if (strcmp(r->method, "OPTIONS") != 0 ||
	    !evhttp_find_header(in, "Access-Control-Request-Method"))
		return false;
	evhttp_add_header(out, "Access-Control-Allow-Methods", "GET, POST, PUT");
	evhttp_add_header(out, "Access-Control-Allow-Headers",
	                  "Authorization, Content-Type, traceparent, ZS-Reden, ZS-Doel");
	evhttp_add_header(out, "Access-Control-Max-Age", "600");
	evhttp_send_reply(r->req, 204, "No Content", NULL);
	return true;
}

bool
http_req_builtin(const struct http_req *r)
{
	return !strcmp(r->path, "/healthz") || !strcmp(r->path, "/readyz") ||
	       !strcmp(r->path, "/metrics");
}

/* No route took the request: 405 when the path exists with another method. */
void
http_no_route(struct http_req *r, bool path_known)
{
	if (path_known)
		http_problem(r, 405, "method_not_allowed",
		             "Deze methode is niet toegestaan op deze resource.", NULL, NULL);
	else
		http_problem(r, 404, "not_found", "Deze resource bestaat niet.", NULL, NULL);
}

void
http_req_end(struct http_req *r)
{
	http_req_params_free(r);
	evhttp_clear_headers(&r->query);
}

static void
handle_builtin(struct http_server *s, struct http_req *r)
{
	if (!strcmp(r->path, "/healthz")) {
		http_reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
	} else if (!strcmp(r->path, "/readyz")) {
		bool ok = !s->ready || s->ready(s->ready_arg);
		http_reply_json(r, ok ? 200 : 503,
		                json_pack("{s:s}", "status", ok ? "ready" : "not ready"));
	} else {
		struct evbuffer *buf = evbuffer_new();
		if (!buf) {
			http_internal_error(r);
			return;
		}
		evhttp_add_header(evhttp_request_get_output_headers(r->req), "Content-Type",
		                  "text/plain; version=0.0.4");
		http_guard_publish();
		metrics_render(buf);
		evhttp_send_reply(r->req, 200, NULL, buf);
		evbuffer_free(buf);
	}
}

static void
dispatch(struct evhttp_request *req, void *arg)
{
	struct http_server *s = arg;
	struct http_req r;
	bool path_known = false;
	int64_t start = now_ms();

	metric_inc(s->m_requests, 1);
	http_guard_dispatched(s->guard, req);
	if (!http_req_begin(&r, req))
		goto out;
	if (http_req_builtin(&r)) {
		handle_builtin(s, &r);
		goto out;
	}
	for (int i = 0; i < s->nroutes; i++) {
		if (!http_path_match(s->routes[i].pattern, r.path, r.params, &r.nparams))
			continue;
		path_known = true;
		if (strcmp(s->routes[i].method, r.method) != 0) {
			http_req_params_free(&r);
			continue;
		}
		s->routes[i].handler(&r, s->routes[i].arg);
		goto out;
	}
	http_no_route(&r, path_known);
out:
	metric_observe(s->m_latency, (double)(now_ms() - start) / 1000.0);
	http_req_end(&r);
}

const char *http_addr;
long http_deadline_s, http_max_connections, http_max_per_address;
static long max_body, max_headers, timeout_s;

static const struct config_key http_keys[] = {
        {"ZS_HTTP_ADDR", CF_STR, &http_addr, "127.0.0.1", "address the HTTP port listens on"},
        {"ZS_HTTP_CORS_ORIGINS", CF_STR, &http_cors_origins, "",
         "origins (scheme://host:port, space-separated) whose pages may call this port from the"
         " browser, e.g. the resident's page on zs-status; empty: none"},
        {"ZS_HTTP_MAX_BODY", CF_INT, &max_body, "65536", "largest request body in bytes", 1024,
         16 * 1024 * 1024},
        {"ZS_HTTP_MAX_HEADERS", CF_INT, &max_headers, "16384",
         "largest request header block in bytes", 1024, 1024 * 1024},
        {"ZS_HTTP_TIMEOUT_S", CF_INT, &timeout_s, "10", "seconds a connection may stay idle", 1,
         3600},
        {"ZS_HTTP_REQUEST_DEADLINE_S", CF_INT, &http_deadline_s, "15",
         "seconds a whole request may take to arrive (from accept or the previous reply); "
         "after that the connection is closed",
         1, 3600},
        {"ZS_HTTP_MAX_CONNECTIONS", CF_INT, &http_max_connections, "1024",
         "open HTTP connections at most, all client addresses together", 1, 1000000},
        {"ZS_HTTP_MAX_CONNECTIONS_PER_ADDRESS", CF_INT, &http_max_per_address, "64",
         "open HTTP connections at most from one client address", 1, 1000000},
};
const struct config_table http_settings = CONFIG_TABLE("http", http_keys);

void
http_limit(struct evhttp *http)
{
	/* evhttp's defaults are unlimited bodies and 50 s timeouts: not for a
	 * public endpoint. */
	evhttp_set_max_body_size(http, (ev_ssize_t)max_body);
	evhttp_set_max_headers_size(http, (ev_ssize_t)max_headers);
	evhttp_set_timeout(http, (int)timeout_s);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
	                                         EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD |
	                                         EVHTTP_REQ_PATCH | EVHTTP_REQ_OPTIONS);
}

struct http_server *
http_start(struct event_base *base, const char *addr, int port)
{
	struct http_server *s = calloc(1, sizeof(*s));

	if (!s || !(s->http = evhttp_new(base))) {
		zlog_error("out of memory starting the http server");
		free(s);
		return NULL;
	}
	http_limit(s->http);
	http_guard_init();
	s->guard = http_guard_new(base, s->http);
	if (!s->guard) {
		zlog_error("out of memory starting the http server");
		evhttp_free(s->http);
		free(s);
		return NULL;
	}
	evhttp_set_gencb(s->http, dispatch, s);
	if (evhttp_bind_socket(s->http, addr, (ev_uint16_t)port) != 0) {
		zlog_error("could not listen on %s:%d", addr, port);
		http_guard_free(s->guard);
		evhttp_free(s->http);
		free(s);
		return NULL;
	}
	s->m_requests = metric_counter("zs_http_requests_total", NULL, "HTTP requests received.");
	s->m_latency =
	        metric_histogram("zs_http_request_seconds", NULL, "HTTP request handling time.");
	zlog_info("listening on http://%s:%d", addr, port);
	return s;
}

void
http_free(struct http_server *s)
{
	if (!s)
		return;
	http_guard_free(s->guard);
	evhttp_free(s->http);
	free(s);
}

void
http_route(struct http_server *s, const char *method, const char *pattern, http_handler h,
           void *arg)
{
	if (s->nroutes == MAX_ROUTES)
		die("too many routes (max %d)", MAX_ROUTES);
	struct route *rt = &s->routes[s->nroutes++];
	rt->method = method;
	snprintf(rt->pattern, sizeof(rt->pattern), "%s", pattern);
	rt->handler = h;
	rt->arg = arg;
}

void
http_set_ready(struct http_server *s, bool (*ready)(void *), void *arg)
{
	s->ready = ready;
	s->ready_arg = arg;
}
