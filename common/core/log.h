/*
 * log.h — the one logger: a JSON object per line on stderr, filtered by level
 * before anything is formatted (Redis' serverLog shape). Every line names the
 * service and, through an optional log_ctx, the object it is about (topic,
 * partition, offset, zaak, aanvraag, trace), as pgbouncer's slog_* do.
 *
 * Privacy: the message and every field are masked before writing — nine-digit
 * numbers that pass the elfproef (BSNs) become "*********", bearer tokens and
 * JWTs become "[redacted]". Callers should not log personal data at all; the
 * masker is the safety net, not the policy.
 */
#ifndef ZS_LOG_H
#define ZS_LOG_H

#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_FATAL };

/* What a line is about; every member optional (NULL / -1). */
struct log_ctx {
	const char *topic;
	int32_t partition;
	int64_t offset;
	const char *zaak;
	const char *aanvraag;
	const char *trace;
	const char *detail; /* PostgreSQL style: short message, then detail, then hint */
	const char *hint;
};

#define LOG_CTX_INIT                                                                               \
	{                                                                                          \
		.partition = -1, .offset = -1                                                      \
	}

extern enum log_level log_min_level;

/* service names every line. */
void log_setup(const char *service);
/* "debug", "info", "warn" or "error" (ZS_LOG_LEVEL, checked by the settings). */
void log_set_level(const char *name);
void log_write(enum log_level level, const struct log_ctx *ctx, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#define zlog(level, ctx, ...)                                                                      \
	do {                                                                                       \
		if ((level) < log_min_level)                                                       \
			break;                                                                     \
		log_write((level), (ctx), __VA_ARGS__);                                            \
	} while (0)

#define zlog_debug(...) zlog(LOG_DEBUG, NULL, __VA_ARGS__)
#define zlog_info(...)  zlog(LOG_INFO, NULL, __VA_ARGS__)
#define zlog_warn(...)  zlog(LOG_WARN, NULL, __VA_ARGS__)
#define zlog_error(...) zlog(LOG_ERROR, NULL, __VA_ARGS__)

/* With context: zlog_at(LOG_WARN, &ctx, "aanvraag refused"). */
#define zlog_at(level, ctx, ...) zlog(level, ctx, __VA_ARGS__)

/* Startup errors only: log and exit(1). */
#define die(...)                                                                                   \
	do {                                                                                       \
		log_write(LOG_FATAL, NULL, __VA_ARGS__);                                           \
		exit(1);                                                                           \
	} while (0)

#endif
