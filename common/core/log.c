/*
 * log.c — JSON-line logging; every line masked by core/mask before it is written.
 */
#include "core/log.h"
#include "core/buf.h"
#include "core/mask.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

enum log_level log_min_level = LOG_INFO;
static const char *log_service = "zaakstroom";

static const char *const level_names[] = {"debug", "info", "warn", "error", "fatal"};

void
log_setup(const char *service)
{
	log_service = service;
}

void
log_set_level(const char *name)
{
	for (int i = LOG_DEBUG; i <= LOG_FATAL; i++)
		if (strcasecmp(name, level_names[i]) == 0)
			log_min_level = (enum log_level)i;
}

/* Appends s as a JSON string body (without quotes), escaping as needed. */
static void
json_escape(char *out, size_t cap, size_t *len, const char *s)
{
	for (; *s && *len + 7 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[(*len)++] = '\\';
			out[(*len)++] = (char)c;
		} else if (c < 0x20) {
			buf_appendf(out, cap, len, "\\u%04x", c);
		} else {
			out[(*len)++] = (char)c;
		}
	}
	out[*len] = '\0';
}

static void
append_field(char *out, size_t cap, size_t *len, const char *key, const char *val)
{
	char tmp[2048];

	if (!val || *len + 16 >= cap)
		return;
	snprintf(tmp, sizeof(tmp), "%s", val);
	mask_text(tmp);
	buf_appendf(out, cap, len, ",\"%s\":\"", key);
	json_escape(out, cap, len, tmp);
	if (*len + 2 < cap) {
		out[(*len)++] = '"';
		out[*len] = '\0';
	}
}

void
log_write(enum log_level level, const struct log_ctx *ctx, const char *fmt, ...)
{
	char msg[4096], line[8192], ts[40];
	size_t len = 0;
	struct timespec now;
	struct tm tm;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mask_text(msg);

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);

	buf_appendf(line, sizeof(line), &len,
	            "{\"ts\":\"%s.%03ldZ\",\"level\":\"%s\",\"service\":\"%s\",\"msg\":\"", ts,
	            now.tv_nsec / 1000000, level_names[level], log_service);
	json_escape(line, sizeof(line), &len, msg);
	buf_appendf(line, sizeof(line), &len, "\"");
	if (ctx) {
		append_field(line, sizeof(line), &len, "topic", ctx->topic);
		if (ctx->partition >= 0)
			buf_appendf(line, sizeof(line), &len, ",\"partition\":%d", ctx->partition);
		if (ctx->offset >= 0)
			buf_appendf(line, sizeof(line), &len, ",\"offset\":%lld",
			            (long long)ctx->offset);
		append_field(line, sizeof(line), &len, "zaak", ctx->zaak);
		append_field(line, sizeof(line), &len, "aanvraag", ctx->aanvraag);
		append_field(line, sizeof(line), &len, "trace", ctx->trace);
		append_field(line, sizeof(line), &len, "detail", ctx->detail);
		append_field(line, sizeof(line), &len, "hint", ctx->hint);
	}
	if (len > sizeof(line) - 3)
		len = sizeof(line) - 3;
	line[len++] = '}';
	line[len++] = '\n';
	/* One write per line keeps lines whole when several processes share a file. */
	if (write(STDERR_FILENO, line, len) < 0) {
		/* nowhere left to report it */
	}
}
