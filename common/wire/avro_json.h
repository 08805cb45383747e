/*
 * avro_json.h — Avro values (avro-c value API) to and from JSON, directed by the
 * schema JSON, because avro-c drops what JSON needs: logical types and field
 * defaults. Two forms:
 *
 *   AVRO_JSON_STRICT  Avro's own JSON encoding: non-null union values wrapped as
 *                     {"<branch>": v} (branch = type name, full name for named
 *                     types), bytes/fixed as ISO-8859-1 strings, logical types
 *                     as their underlying numbers.
 *   AVRO_JSON_PLAIN   unions unwrapped, date as "YYYY-MM-DD", timestamp-millis as
 *                     "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC); the rest as STRICT.
 *                     Dates and instants outside years 0001..9999 stay numbers.
 *
 * Dates and instants are read as numbers or as text (datum.h: "YYYY-MM-DD";
 * RFC 3339 with Z or an offset, fractions truncated to milliseconds).
 *
 * Reading accepts both forms. Non-finite floats travel as the strings "NaN",
 * "Infinity" and "-Infinity". Strings may not contain U+0000 (avro-c writes
 * strings with strlen() and PostgreSQL text refuses NUL); bytes may, so load
 * JSON with JSON_ALLOW_NUL when bytes can hold 0x00.
 */
#ifndef ZS_AVRO_JSON_H
#define ZS_AVRO_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <avro.h>
#include <jansson.h>

#include "wire/avro_canonical.h"

enum avro_json_mode { AVRO_JSON_STRICT, AVRO_JSON_PLAIN };

/* avro_json_to_value_names() flags. */
#define AVRO_JSON_RESOLVE                                                                          \
	0x1u /* an unknown enum symbol takes the enum's default (schema                            \
	        resolution), instead of being an error */

/*
 * v (a generic value of the schema) as JSON; NULL when the value does not match
 * the schema or holds what JSON cannot (a string that is not UTF-8).
 */
json_t *avro_json_from_value(avro_value_t *v, json_t *schema_json, enum avro_json_mode mode);

/*
 * Fills dst (a generic value of the schema, freshly created or avro_value_reset)
 * from src in either form. Record fields missing in src take the schema default;
 * missing without default and unknown fields are errors. Returns 0, or -1 with
 * a message naming the field path, e.g.
 * `rollen[0].betrokkene.betrokkeneType: unknown symbol "x"`.
 */
int avro_json_to_value(avro_value_t *dst, json_t *schema_json, json_t *src, char *err,
                       size_t errlen);

/* The same over an indexed schema (no schema walk per call), with an error message. */
json_t *avro_json_from_value_names(avro_value_t *v, const struct avro_names *names,
                                   enum avro_json_mode mode, char *err, size_t errlen);
int avro_json_to_value_names(avro_value_t *dst, const struct avro_names *names, json_t *src,
                             unsigned flags, char *err, size_t errlen);

/*
 * A valid datum of the schema in STRICT form, pseudo-random but fixed by seed:
 * example documents for tools, tests, fuzz seeds and load generation. Recursive
 * schemas are cut off through null branches and empty collections. NULL when
 * the schema cannot produce a finite datum.
 */
json_t *avro_json_sample(json_t *schema_json, uint64_t seed);

/* Bytes as Avro JSON writes bytes and fixed values: one code point
 * U+0000..U+00FF per byte (for JSON that an encoder turns back into them). */
json_t *avro_json_bytes(const void *p, size_t n);

#endif
