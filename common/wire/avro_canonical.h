/*
 * avro_canonical.h — Avro schema JSON as the specification reads it: validation
 * with full names and namespaces, the index of named types, the Parsing
 * Canonical Form (PCF) and its CRC-64-AVRO fingerprint. avro-c has neither PCF
 * nor fingerprint, and it forgets logical types and defaults, so everything that
 * needs the schema as written (avro_json.c, schemaset.c) walks the JSON through
 * struct avro_names.
 */
#ifndef ZS_AVRO_CANONICAL_H
#define ZS_AVRO_CANONICAL_H

#include <stddef.h>
#include <stdint.h>
#include <avro.h>
#include <jansson.h>

/* Bound on schema nesting (schema JSON) and on datum nesting (avro_json.c, the
 * decoder's validator): deeper input is refused, never recursed into. */
#define AVRO_MAX_DEPTH 64

/* CRC-64-AVRO of the empty input, and the seed of every fingerprint. */
#define AVRO_CRC64_EMPTY UINT64_C(0xc15d213aa4d7a795)

/*
 * Parsing Canonical Form of a schema given as JSON text (len bytes, no NUL
 * needed). Returns a malloc'd NUL-terminated string, or NULL with a message in
 * err when the text is not JSON or not a valid schema (undefined or redefined
 * names, invalid names, duplicate fields/symbols/union branches, ...).
 */
char *avro_canonical_form(const char *schema_json, size_t len, char *err, size_t errlen);

/* Rabin CRC-64 as the specification defines it (EMPTY = 0xc15d213aa4d7a795). */
uint64_t avro_crc64(const void *p, size_t n);

/* CRC-64-AVRO over a PCF string; on the wire it is written little-endian. */
uint64_t avro_fingerprint(const char *pcf);

/*
 * A validated schema with its named types indexed. The names keep a reference
 * to the JSON; the JSON must not be modified while they live.
 */
struct avro_names;

/* One named type: fullname, the namespace its own children inherit (NULL for
 * the null namespace), its kind (AVRO_RECORD, AVRO_ENUM, AVRO_FIXED) and the
 * JSON object that defines it. */
struct avro_named {
	char *fullname;
	char *ns;
	avro_type_t kind;
	json_t *def;
};

/* What a schema node is, after following a reference to its definition. */
struct avro_node {
	avro_type_t kind;               /* AVRO_NULL ... AVRO_UNION, never AVRO_LINK */
	json_t *def;                    /* the node itself, or the named type's definition */
	const char *logical;            /* logicalType of a primitive, else NULL */
	const struct avro_named *named; /* record, enum, fixed */
	const char *ns;                 /* namespace in effect for the node's children */
};

/* Validates the schema and indexes it. NULL with a message in err when invalid. */
struct avro_names *avro_names_new(json_t *schema, char *err, size_t errlen);
void avro_names_free(struct avro_names *names);

/* The schema root (borrowed) and its Parsing Canonical Form (owned by names). */
json_t *avro_names_root(const struct avro_names *names);
const char *avro_names_pcf(const struct avro_names *names);

/* Named type by full name, or NULL. */
const struct avro_named *avro_names_find(const struct avro_names *names, const char *fullname);

/*
 * Resolves a node of this schema (the root, a field's "type", a union branch,
 * "items", "values") met where namespace ns is in effect. Returns 0, or -1 when
 * the node is not part of the validated schema.
 */
int avro_names_resolve(const struct avro_names *names, json_t *node, const char *ns,
                       struct avro_node *out);

/* The name a union branch goes by in Avro JSON: "string", "array", "map", the
 * full name of a named type; logical types go by their underlying type. */
const char *avro_node_type_name(const struct avro_node *n);

#endif
