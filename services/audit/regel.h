/*
 * regel.h — what the audit log says about one event: the AuditRegel (in the
 * shape of the ZGW AuditTrail) derived from an event on any topic, pure.
 *
 * Who: the employee or application from the event's actor, a resident as a
 * keyed pseudonym (never a BSN); what: a ZGW action or domain verb on a
 * resource; which object; the outcome as an HTTP-like code; when; the trace;
 * and for changes what changed (the fields that changed, as compact JSON,
 * with BSN-like numbers and tokens in free text masked).
 */
#ifndef ZS_AUDIT_REGEL_H
#define ZS_AUDIT_REGEL_H

#include <jansson.h>
#include <stdint.h>

#include "access/pseudoniem.h"
#include "wire/ce.h"

struct regel_bron {
	const char *topic; /* full topic name */
	int32_t partition;
	int64_t offset;
	const char *record; /* reader record name, e.g. "StatusGezet" */
	const json_t *data; /* the event in plain JSON */
	const struct ce_attrs *ce;
	const char *key;  /* Kafka key or NULL */
	int64_t kafka_ms; /* the message's timestamp: the time when ce_time is missing */
};

/* When the event happened: its ce_time, else its Kafka timestamp (RFC 3339). */
void regel_tijd(const struct regel_bron *b, char out[32]);

/*
 * The AuditRegel in plain JSON without volgnummer and bladHash (the log
 * assigns those). Never NULL for a decodable event: an unknown record still
 * gets an entry (actie from its name, resource "onbekend"). NULL only when
 * out of memory.
 */
json_t *regel_afleiden(const struct regel_bron *b, const struct pseudoniem_sleutel *sleutel);

/* "status_gezet" from "StatusGezet" (bounded by n). */
void regel_werkwoord(const char *record, char *out, size_t n);

#include "access/principal.h"

/* A read of the audit log itself (GET /api/v1/audit/...), allowed or not. */
struct regel_opvraging {
	const struct principal *wie; /* NULL: no valid token */
	const char *pad;             /* path and query as asked */
	const char *object;          /* e.g. "volgnummer 12" or "boom 10..20" */
	int resultaat;               /* the HTTP status it got */
	const char *doel, *regel;    /* the stated purpose, the deciding rule */
	const struct ce_attrs *ce;   /* id, time, traceparent of the request */
};

/* Its AuditRegel, like regel_afleiden's (source "http", no partition or
 * offset, eventType nl.zaakstroom.audit-opgevraagd). */
json_t *regel_opvraging(const struct regel_opvraging *o, const struct pseudoniem_sleutel *sleutel);

/* The entry that records a retention run: the content of aantal entries
 * (volgnummers van..tot) removed under profile (e.g. "raadplegingen=P1Y"). */
json_t *regel_verwijdering(long long aantal, long long van, long long tot, const char *profiel,
                           const struct ce_attrs *ce);

#endif
