/*
 * ce.h — CloudEvents (Kafka binding, binary mode) attributes and W3C trace
 * context for one event: ids, types, the header set we write and read.
 */
#ifndef ZS_CE_H
#define ZS_CE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#define UUID_LEN        36
#define TRACE_ID_HEX    32
#define SPAN_ID_HEX     16
#define TRACEPARENT_LEN 55

struct ce_attrs {
	char id[UUID_LEN + 1];
	char source[128];
	char type[128];
	char time[32]; /* RFC 3339, UTC, ms */
	char subject[128];
	char traceparent[TRACEPARENT_LEN + 1];
};

/* Random (v4) UUID from the OpenSSL CSPRNG. */
void uuid_v4(char out[UUID_LEN + 1]);
/* Name-based UUID (v5, SHA-1) so that the same input always yields the same
 * event id: a re-emitted outcome deduplicates downstream. */
void uuid_v5(const char *ns_uuid, const char *name, char out[UUID_LEN + 1]);
bool uuid_valid(const char *s);

/* Our namespace for v5 ids. */
#define ZS_UUID_NAMESPACE "9b4b7c2e-6f1d-4b5e-9a7c-3d2f1e0a8b6c"

/* W3C traceparent "00-<32 hex trace>-<16 hex span>-01". */
bool traceparent_valid(const char *tp);
/* A child of parent (same trace, new span), or a new trace when parent is
 * NULL or invalid. */
void traceparent_child(const char *parent, char out[TRACEPARENT_LEN + 1]);
/* The 32 hex trace id inside a traceparent (out gets "" when invalid). */
void traceparent_trace_id(const char *tp, char out[TRACE_ID_HEX + 1]);

/* "nl.zaakstroom.zaak-geregistreerd" from "ZaakGeregistreerd". */
void ce_type_for(const char *record_name, char *out, size_t n);
/* Fills id (random), time (now), type (from record), source, subject, and a
 * traceparent continuing parent. */
void ce_attrs_init(struct ce_attrs *ce, const char *record_name, const char *source,
                   const char *subject, const char *parent_traceparent);

int64_t now_ms(void);
void format_rfc3339_ms(int64_t ms, char out[32]);

#endif
