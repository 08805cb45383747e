/*
 * schemaset.h — the event schemas of a directory (<Name>.v<N>.avsc, every
 * published version) and the single-object encoding of events:
 *
 *     C3 01 | CRC-64-AVRO fingerprint of the writer's PCF, 8 bytes LE | datum
 *
 * Decoding treats the bytes as hostile: before avro-c sees them, a bounded
 * walker checks them against the writer schema (varints, lengths, block
 * counts, union and enum indexes, nesting, no trailing bytes), because avro-c
 * 1.11.1 trusts declared lengths and leaks on failed reads. A message written
 * with an older version is resolved to the newest version of the same full
 * name. Single-threaded: a set and its entries hold scratch values.
 */
#ifndef ZS_SCHEMASET_H
#define ZS_SCHEMASET_H

#include <stddef.h>
#include <stdint.h>
#include <avro.h>
#include <jansson.h>

#include "wire/avro_canonical.h"
#include "wire/avro_json.h"

#define SCHEMASET_HEADER_LEN 10

/* Machine-readable outcome, e.g. for dead-letter headers (schemaset_status_code). */
enum schemaset_status {
	SCHEMASET_OK = 0,
	SCHEMASET_ENOMARKER,     /* not single-object encoded (missing C3 01 marker) */
	SCHEMASET_EUNKNOWN,      /* unknown schema fingerprint 0x... */
	SCHEMASET_ETOOLARGE,     /* message too large */
	SCHEMASET_ETRUNCATED,    /* truncated datum at byte N (also: length beyond the end) */
	SCHEMASET_ETRAILING,     /* trailing bytes after datum */
	SCHEMASET_EMALFORMED,    /* bad varint, negative length, index out of range, invalid
	                            UTF-8, nesting too deep, too many items */
	SCHEMASET_EINCOMPATIBLE, /* incompatible writer schema */
	SCHEMASET_EVALUE,        /* encode: the document does not fit the schema; decode: the
	                            datum has no reader value (enum symbol without default) */
	SCHEMASET_EINTERNAL,     /* out of memory, or avro-c failed after validation */
};

struct schema_entry_state; /* private: scratch values and the resolver */

struct schema_entry {
	char *fullname;   /* nl.zaakstroom.ZaakGeregistreerd */
	const char *name; /* ZaakGeregistreerd (points into fullname) */
	int version;      /* N of <Name>.v<N>.avsc */
	char *file;       /* path the schema was read from */
	avro_schema_t schema;
	json_t *json;             /* the schema as written: logical types, defaults */
	struct avro_names *names; /* json indexed, for avro_json_*_names() */
	const char *pcf;          /* Parsing Canonical Form (owned by names) */
	uint64_t fingerprint;
	avro_value_iface_t *iface; /* generic class, created once */
	struct schema_entry_state *state;
};

struct schemaset;

/* Outcome of schemaset_decode(). */
struct schemaset_decoded {
	const struct schema_entry *writer; /* the schema the bytes were written with */
	const struct schema_entry *reader; /* newest version of the writer's full name */
	json_t *datum;                     /* new reference: json_decref() it */
};

/*
 * Loads every *.avsc of dir; each must be named <Name>.v<N>.avsc after the
 * record it defines. NULL with a message in err for an unreadable directory, an
 * invalid or misnamed schema, two files with one canonical form, or no schema.
 */
struct schemaset *schemaset_load(const char *dir, char *err, size_t errlen);
void schemaset_free(struct schemaset *set);

size_t schemaset_count(const struct schemaset *set);
const struct schema_entry *schemaset_at(const struct schemaset *set, size_t i);

/* Entry whose PCF has this fingerprint, or NULL. */
const struct schema_entry *schemaset_by_fingerprint(const struct schemaset *set, uint64_t fp);

/* Newest version of a record by full name or by short name; NULL when unknown
 * or when the short name is ambiguous across namespaces. */
const struct schema_entry *schemaset_latest(const struct schemaset *set, const char *name);

/*
 * Encodes doc (STRICT or PLAIN JSON) as a single-object message of e's schema.
 * *buf is malloc'd with exactly *len bytes. Returns 0, or an enum
 * schemaset_status (SCHEMASET_EVALUE with the field path in err).
 */
int schemaset_encode(const struct schema_entry *e, json_t *doc, void **buf, size_t *len, char *err,
                     size_t errlen);

/* The same from a value of e's schema (e.g. built on e->iface). */
int schemaset_encode_value(const struct schema_entry *e, avro_value_t *v, void **buf, size_t *len,
                           char *err, size_t errlen);

/*
 * Decodes a single-object message of at most max_len bytes into JSON of the
 * given mode, read with the reader schema (writer resolved to the newest
 * version of its full name; defaults fill fields the writer lacks). On failure
 * out->datum is NULL, out->writer set when the fingerprint was known, and err
 * holds a message such as "truncated datum at byte 37".
 */
enum schemaset_status schemaset_decode(struct schemaset *set, const void *msg, size_t len,
                                       size_t max_len, enum avro_json_mode mode,
                                       struct schemaset_decoded *out, char *err, size_t errlen);

/*
 * The same into an avro-c value of the reader schema. *value belongs to the
 * set: it stays valid, unchanged, until the next schemaset_decode*() call on
 * this set or schemaset_free(); do not decref it.
 */
enum schemaset_status schemaset_decode_value(struct schemaset *set, const void *msg, size_t len,
                                             size_t max_len, const struct schema_entry **writer,
                                             const struct schema_entry **reader,
                                             avro_value_t **value, char *err, size_t errlen);

/* Stable short code of a status ("truncated", "unknown-fingerprint", ...). */
const char *schemaset_status_code(enum schemaset_status st);

#endif
