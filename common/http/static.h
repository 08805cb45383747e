/*
 * static.h — a small, safe static file route for a daemon's HTTP port: the
 * files under one fixed folder are read into memory at start (and gzipped
 * once), and a request is answered only when its path equals one of them
 * exactly. Nothing is opened per request, so no path a caller sends can reach
 * another file ("..", encodings, symlinks: none of them is in the table).
 *
 * Only regular files with a known extension and plain names
 * ([A-Za-z0-9._-], not starting with a dot) are taken, at most
 * HTTP_STATIC_MAX_DEPTH folders deep. Every reply carries the given
 * Content-Security-Policy, nosniff, no-referrer and same-origin isolation
 * headers, an ETag (If-None-Match gives 304) and "no-cache", so a deploy is
 * seen at once.
 */
#ifndef ZS_HTTP_STATIC_H
#define ZS_HTTP_STATIC_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

#define HTTP_STATIC_MAX_FILES 128
#define HTTP_STATIC_MAX_FILE  (2 * 1024 * 1024)
#define HTTP_STATIC_MAX_TOTAL (16 * 1024 * 1024)
#define HTTP_STATIC_MAX_DEPTH 4

struct http_static_file {
	char path[256]; /* "/index.html" */
	const char *ctype;
	unsigned char *body, *gz;
	size_t len, gzlen; /* gzlen 0: not worth compressing */
	char etag[24];
};

struct http_static;

/* Reads every servable file under root. NULL with err set when root cannot
 * be read or a limit is passed. csp: the Content-Security-Policy header. */
struct http_static *http_static_load(const char *root, const char *csp, char *err, size_t errlen);
/* Adds (or replaces) one file from memory, e.g. a generated /config.json. */
bool http_static_add(struct http_static *s, const char *path, const char *ctype, const char *body,
                     size_t len);
void http_static_free(struct http_static *s);
int http_static_count(const struct http_static *s);

/* The file a request path names ("/" is "/index.html"), or NULL. */
const struct http_static_file *http_static_find(const struct http_static *s, const char *path);
/* Whether an Accept-Encoding value accepts gzip (a q=0 refuses). */
bool http_accepts_gzip(const char *accept_encoding);
/* Answers a GET or HEAD for one of the files; false (nothing sent) otherwise. */
bool http_static_serve(const struct http_static *s, struct http_req *r);

#endif
