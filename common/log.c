/*
 * log.c — JSON-line logging with BSN and token masking.
 */
#include "log.h"
#include "identificatie.h"

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
	const char *lvl = getenv("ZS_LOG_LEVEL");

	log_service = service;
	if (!lvl)
		return;
	for (int i = LOG_DEBUG; i <= LOG_FATAL; i++)
		if (strcasecmp(lvl, level_names[i]) == 0)
			log_min_level = (enum log_level)i;
}

static bool
is_token_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.' || c == '=' ||
	       c == '+' || c == '/';
}

/* Overwrites [from, to) with a marker, shifting the rest of the string left. */
static size_t
replace_span(char *buf, size_t from, size_t to, const char *marker)
{
	size_t mlen = strlen(marker);
	size_t rest = strlen(buf + to);

	if (mlen > to - from)
		mlen = to - from; /* never grow the string */
	memcpy(buf + from, marker, mlen);
	memmove(buf + from + mlen, buf + to, rest + 1);
	return from + mlen;
}

void
log_mask(char *buf)
{
	size_t i = 0;

	while (buf[i]) {
		/* "Bearer <token>" */
		if (strncasecmp(buf + i, "bearer ", 7) == 0) {
			size_t j = i + 7;
			while (buf[j] && is_token_char(buf[j]))
				j++;
			if (j > i + 7) {
				i = replace_span(buf, i + 7, j, "[redacted]");
				continue;
			}
		}
		/* A JWT: eyJ... with two dots. */
		if (strncmp(buf + i, "eyJ", 3) == 0 &&
		    (i == 0 || !isalnum((unsigned char)buf[i - 1]))) {
			size_t j = i;
			int dots = 0;
			while (buf[j] && is_token_char(buf[j])) {
				dots += buf[j] == '.';
				j++;
			}
			if (dots >= 2) {
				i = replace_span(buf, i, j, "[redacted]");
				continue;
			}
		}
		/* A run of exactly nine digits passing the elfproef. */
		if (isdigit((unsigned char)buf[i]) &&
		    (i == 0 || !isdigit((unsigned char)buf[i - 1]))) {
			size_t j = i;
			while (isdigit((unsigned char)buf[j]))
				j++;
			if (j - i == 9 && bsn_elfproef(buf + i, 9))
				memset(buf + i, '*', 9);
			i = j;
			continue;
		}
		i++;
	}
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
			*len += (size_t)snprintf(out + *len, cap - *len, "\\u%04x", c);
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
	log_mask(tmp);
	*len += (size_t)snprintf(out + *len, cap - *len, ",\"%s\":\"", key);
	if (*len >= cap)
		*len = cap - 1;
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
	log_mask(msg);

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);

	len = (size_t)snprintf(
	        line, sizeof(line),
	        "{\"ts\":\"%s.%03ldZ\",\"level\":\"%s\",\"service\":\"%s\",\"msg\":\"", ts,
	        now.tv_nsec / 1000000, level_names[level], log_service);
	json_escape(line, sizeof(line), &len, msg);
	len += (size_t)snprintf(line + len, sizeof(line) - len, "\"");
	if (ctx) {
		append_field(line, sizeof(line), &len, "topic", ctx->topic);
		if (ctx->partition >= 0)
			len += (size_t)snprintf(line + len, sizeof(line) - len, ",\"partition\":%d",
			                        ctx->partition);
		if (ctx->offset >= 0)
			len += (size_t)snprintf(line + len, sizeof(line) - len, ",\"offset\":%lld",
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
