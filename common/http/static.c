/*
 * static.c — static files from memory: loaded once from a fixed folder,
 * looked up by exact path, served with strict security headers.
 */
#include "http/static.h"
#include "core/log.h"

#include <dirent.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

struct http_static {
	struct http_static_file files[HTTP_STATIC_MAX_FILES];
	int n;
	size_t total;
	char *csp;
};

static const struct {
	const char *ext, *ctype;
} soorten[] = {
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".woff", "font/woff"},
        {".txt", "text/plain; charset=utf-8"},
};

static const char *
ctype_for(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (!dot)
		return NULL;
	for (size_t i = 0; i < sizeof(soorten) / sizeof(soorten[0]); i++)
		if (!strcmp(dot, soorten[i].ext))
			return soorten[i].ctype;
	return NULL;
}

/* A name we serve: plain characters, no leading dot (so never "." or ".."). */
static bool
name_ok(const char *name)
{
	if (!*name || *name == '.' || strlen(name) > 100)
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-'))
			return false;
	return true;
}

static void
etag_of(const unsigned char *body, size_t len, char out[24])
{
	uint64_t h = 14695981039346656037ULL; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ body[i]) * 1099511628211ULL;
	snprintf(out, 24, "\"%016llx\"", (unsigned long long)h);
}

/* gzip of body, or NULL when it would not be smaller (or memory ran out). */
static unsigned char *
gzip_of(const unsigned char *body, size_t len, size_t *gzlen)
{
	z_stream z = {0};
	unsigned char *out;
	uLong cap;

	*gzlen = 0;
	if (len < 256 || deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	cap = deflateBound(&z, (uLong)len);
	out = malloc(cap);
	if (!out) {
		deflateEnd(&z);
		return NULL;
	}
	z.next_in = (Bytef *)body;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END || z.total_out >= len) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*gzlen = z.total_out;
	deflateEnd(&z);
	return out;
}

static void
file_clear(struct http_static_file *f)
{
	free(f->body);
	free(f->gz);
	memset(f, 0, sizeof(*f));
}

static bool
file_set(struct http_static *s, struct http_static_file *f, const char *path, const char *ctype,
         unsigned char *body, size_t len)
{
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->ctype = ctype;
	f->body = body;
	f->len = len;
	f->gz = gzip_of(body, len, &f->gzlen);
	etag_of(body, len, f->etag);
	s->total += len;
	return true;
}

static unsigned char *
read_file(int dirfd, const char *name, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	unsigned char *buf = NULL;
	size_t got = 0;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		goto fail;
	}
	if (st.st_size > HTTP_STATIC_MAX_FILE) {
		snprintf(err, errlen, "%s is larger than %d bytes", name, HTTP_STATIC_MAX_FILE);
		goto fail;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r <= 0) {
			snprintf(err, errlen, "%s: %s", name,
			         r < 0 ? strerror(errno) : "short read");
			goto fail;
		}
		got += (size_t)r;
	}
	close(fd);
	*len = got;
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

static bool
walk(struct http_static *s, int dirfd, const char *prefix, int depth, char *err, size_t errlen)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *e;
	bool ok = true;

	if (!d) {
		snprintf(err, errlen, "%s: %s", prefix[0] ? prefix : "/", strerror(errno));
		close(dirfd);
		return false;
	}
	while (ok && (e = readdir(d))) {
		char path[256];
		struct stat st;

		if (!name_ok(e->d_name) || fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", prefix, e->d_name) >= (int)sizeof(path))
			continue;
		if (S_ISDIR(st.st_mode) && depth < HTTP_STATIC_MAX_DEPTH) {
			int sub = openat(dirfd, e->d_name,
			                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				snprintf(err, errlen, "%s: %s", path, strerror(errno));
			ok = sub >= 0 && walk(s, sub, path, depth + 1, err, errlen);
		} else if (S_ISREG(st.st_mode) && ctype_for(e->d_name)) {
			unsigned char *body;
			size_t len;

			if (s->n == HTTP_STATIC_MAX_FILES) {
				snprintf(err, errlen, "more than %d files", HTTP_STATIC_MAX_FILES);
				ok = false;
			} else if (!(body = read_file(dirfd, e->d_name, &len, err, errlen))) {
				ok = false;
			} else if (s->total + len > HTTP_STATIC_MAX_TOTAL) {
				snprintf(err, errlen, "more than %d bytes in all",
				         HTTP_STATIC_MAX_TOTAL);
				free(body);
				ok = false;
			} else {
				ok = file_set(s, &s->files[s->n++], path, ctype_for(e->d_name),
				              body, len);
			}
		}
	}
	closedir(d);
	return ok;
}

struct http_static *
http_static_load(const char *root, const char *csp, char *err, size_t errlen)
{
	struct http_static *s = calloc(1, sizeof(*s));
	int fd;

	if (!s || !(s->csp = strdup(csp ? csp : "default-src 'none'"))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", root, strerror(errno));
		goto fail;
	}
	if (!walk(s, fd, "", 0, err, errlen))
		goto fail;
	return s;
fail:
	http_static_free(s);
	return NULL;
}

bool
http_static_add(struct http_static *s, const char *path, const char *ctype, const char *body,
                size_t len)
{
	struct http_static_file *f = (struct http_static_file *)http_static_find(s, path);
	unsigned char *copy = malloc(len + 1);

	if (!copy || strlen(path) >= sizeof(f->path) || (!f && s->n == HTTP_STATIC_MAX_FILES)) {
		free(copy);
		return false;
	}
	memcpy(copy, body, len);
	if (f) {
		s->total -= f->len;
		file_clear(f);
	} else {
		f = &s->files[s->n++];
	}
	return file_set(s, f, path, ctype, copy, len);
}

void
http_static_free(struct http_static *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->n; i++)
		file_clear(&s->files[i]);
	free(s->csp);
	free(s);
}

int
http_static_count(const struct http_static *s)
{
	return s ? s->n : 0;
}

const struct http_static_file *
http_static_find(const struct http_static *s, const char *path)
{
	if (!s || !path)
		return NULL;
	if (!strcmp(path, "/"))
		path = "/index.html";
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->files[i].path, path))
			return &s->files[i];
	return NULL;
}

bool
http_accepts_gzip(const char *ae)
{
	/* "gzip", "deflate, gzip;q=0.8", "gzip;q=0" (refused), "*" */
	while (ae && *ae) {
		size_t n;
		const char *q;

		ae += strspn(ae, " \t,");
		n = strcspn(ae, ";,");
		while (n > 0 && (ae[n - 1] == ' ' || ae[n - 1] == '\t'))
			n--;
		if ((n == 4 && !strncasecmp(ae, "gzip", 4)) || (n == 1 && *ae == '*')) {
			q = ae + strcspn(ae, ";,");
			if (*q != ';')
				return true;
			q += 1 + strspn(q + 1, " \t");
			/* q=0, q=0.0, q=0.000: refused; anything else accepted. */
			if (strncasecmp(q, "q=0", 3) != 0)
				return true;
			q += 3;
			if (*q == '.')
				q += 1 + strspn(q + 1, "0");
			return !(*q == '\0' || *q == ',' || *q == ' ' || *q == '\t' || *q == ';');
		}
		ae += strcspn(ae, ",");
	}
	return false;
}

bool
http_static_serve(const struct http_static *s, struct http_req *r)
{
	const struct http_static_file *f;
	struct evkeyvalq *out;
	struct evbuffer *buf;
	const char *inm;
	bool gz;

	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
		return false;
	f = http_static_find(s, r->path);
	if (!f)
		return false;
	out = evhttp_request_get_output_headers(r->req);
	evhttp_add_header(out, "Content-Security-Policy", s->csp);
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(out, "Referrer-Policy", "no-referrer");
	evhttp_add_header(out, "Cross-Origin-Opener-Policy", "same-origin");
	evhttp_add_header(out, "Cross-Origin-Resource-Policy", "same-origin");
	evhttp_add_header(out, "X-Frame-Options", "DENY");
	evhttp_add_header(out, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
	evhttp_add_header(out, "Cache-Control", "no-cache");
	evhttp_add_header(out, "ETag", f->etag);
	evhttp_add_header(out, "Vary", "Accept-Encoding");
	inm = http_header(r, "If-None-Match");
	if (inm && strstr(inm, f->etag)) {
		evhttp_send_reply(r->req, 304, "Not Modified", NULL);
		return true;
	}
	evhttp_add_header(out, "Content-Type", f->ctype);
	gz = f->gzlen > 0 && http_accepts_gzip(http_header(r, "Accept-Encoding"));
	if (gz)
		evhttp_add_header(out, "Content-Encoding", "gzip");
	if (!strcmp(r->method, "HEAD")) {
		/* What a GET would send, without it. */
		char n[24];
		snprintf(n, sizeof(n), "%zu", gz ? f->gzlen : f->len);
		evhttp_add_header(out, "Content-Length", n);
		evhttp_send_reply(r->req, 200, "OK", NULL);
		return true;
	}
	buf = evbuffer_new();
	if (!buf) {
		evhttp_send_error(r->req, 503, NULL);
		return true;
	}
	/* The table outlives every request: no copy. */
	evbuffer_add_reference(buf, gz ? f->gz : f->body, gz ? f->gzlen : f->len, NULL, NULL);
	evhttp_send_reply(r->req, 200, "OK", buf);
	evbuffer_free(buf);
	return true;
}
