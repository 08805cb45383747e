/*
 * avro_json.c — Avro values to and from JSON, walking the schema JSON (through
 * struct avro_names) next to the avro-c value, so that logical types, defaults
 * and union branch names come from the schema as written. Recursion is bounded
 * by depth; errors carry the field path of the offending value.
 */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/avro_json.h"
#include "core/datum.h"

struct conv {
	const struct avro_names *names;
	enum avro_json_mode mode;
	unsigned flags;
	bool in_default; /* unions in schema defaults take their first branch */
	char *err;
	size_t errlen;
	char path[256];
	size_t plen;
};

static int
conv_fail(struct conv *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* A deep path keeps its end, so the message itself still fits. */
	if (c->plen > 120)
		snprintf(c->err, c->errlen, "...%s: %s", c->path + c->plen - 117, msg);
	else if (c->plen)
		snprintf(c->err, c->errlen, "%s: %s", c->path, msg);
	else
		snprintf(c->err, c->errlen, "%s", msg);
	return -1;
}

/* The path is a stack: push returns the length to pop back to. */
static size_t
path_push(struct conv *c, const char *fmt, ...)
{
	size_t old = c->plen;
	va_list ap;
	int n;

	if (old >= sizeof(c->path) - 1)
		return old;
	va_start(ap, fmt);
	n = vsnprintf(c->path + old, sizeof(c->path) - old, fmt, ap);
	va_end(ap);
	if (n < 0)
		c->path[old] = '\0';
	else
		c->plen = old + (size_t)n < sizeof(c->path) ? old + (size_t)n : sizeof(c->path) - 1;
	return old;
}

/* The hot path (every record field of every event): no formatting. */
static size_t
path_field(struct conv *c, const char *name)
{
	size_t old = c->plen, n = strlen(name), room;
	char *p = c->path + old;

	if (old + 2 >= sizeof(c->path))
		return old;
	if (old)
		*p++ = '.';
	room = sizeof(c->path) - 1 - (size_t)(p - c->path);
	if (n > room)
		n = room;
	memcpy(p, name, n);
	p[n] = '\0';
	c->plen = (size_t)(p - c->path) + n;
	return old;
}

static void
path_pop(struct conv *c, size_t old)
{
	c->plen = old;
	c->path[old] = '\0';
}

static bool
is_logical(const struct avro_node *n, const char *name)
{
	return n->logical && strcmp(n->logical, name) == 0;
}

/* ---- value to JSON ----------------------------------------------------- */

/* bytes and fixed: each byte is the code point U+0000..U+00FF. */
static json_t *
latin1_to_json(const void *p, size_t n)
{
	const unsigned char *s = p;
	char *buf = malloc(2 * n + 1);
	size_t o = 0;
	json_t *j;

	if (!buf)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x80) {
			buf[o++] = (char)s[i];
		} else {
			buf[o++] = (char)(0xc0 | (s[i] >> 6));
			buf[o++] = (char)(0x80 | (s[i] & 0x3f));
		}
	}
	j = json_stringn_nocheck(buf, o);
	free(buf);
	return j;
}

json_t *
avro_json_bytes(const void *p, size_t n)
{
	return latin1_to_json(p, n);
}

static json_t *
real_to_json(double x)
{
	if (isnan(x))
		return json_string("NaN");
	if (isinf(x))
		return json_string(x > 0 ? "Infinity" : "-Infinity");
	return json_real(x);
}

static json_t *from_value(struct conv *c, avro_value_t *v, json_t *node, const char *ns, int depth);

static json_t *
record_to_json(struct conv *c, avro_value_t *v, const struct avro_node *n, int depth)
{
	json_t *fields = json_object_get(n->def, "fields");
	json_t *obj = json_object();
	size_t count, i;
	json_t *f;

	if (!obj)
		return NULL;
	if (avro_value_get_size(v, &count) || count != json_array_size(fields)) {
		json_decref(obj);
		conv_fail(c, "value does not match record %s", n->named->fullname);
		return NULL;
	}
	json_array_foreach(fields, i, f)
	{
		const char *name = json_string_value(json_object_get(f, "name"));
		avro_value_t child;
		json_t *j = NULL;
		size_t old = path_field(c, name);

		if (avro_value_get_by_index(v, i, &child, NULL) == 0)
			j = from_value(c, &child, json_object_get(f, "type"), n->ns, depth + 1);
		else
			conv_fail(c, "%s", avro_strerror());
		path_pop(c, old);
		if (!j || json_object_set_new(obj, name, j)) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}

static json_t *
union_to_json(struct conv *c, avro_value_t *v, const struct avro_node *n, int depth)
{
	avro_value_t branch;
	struct avro_node bn;
	json_t *node, *j, *wrapped;
	int disc;

	if (avro_value_get_discriminant(v, &disc) || disc < 0 ||
	    (size_t)disc >= json_array_size(n->def) || avro_value_get_current_branch(v, &branch)) {
		conv_fail(c, "union without a valid branch");
		return NULL;
	}
	node = json_array_get(n->def, (size_t)disc);
	if (avro_names_resolve(c->names, node, n->ns, &bn) < 0) {
		conv_fail(c, "union branch not in schema");
		return NULL;
	}
	j = from_value(c, &branch, node, n->ns, depth + 1);
	if (!j || c->mode == AVRO_JSON_PLAIN || bn.kind == AVRO_NULL)
		return j;
	wrapped = json_object();
	if (!wrapped || json_object_set_new(wrapped, avro_node_type_name(&bn), j)) {
		json_decref(wrapped);
		return NULL;
	}
	return wrapped;
}

static json_t *
collection_to_json(struct conv *c, avro_value_t *v, const struct avro_node *n, int depth)
{
	bool is_map = n->kind == AVRO_MAP;
	json_t *node = json_object_get(n->def, is_map ? "values" : "items");
	json_t *out = is_map ? json_object() : json_array();
	size_t count;

	if (!out)
		return NULL;
	if (avro_value_get_size(v, &count)) {
		json_decref(out);
		conv_fail(c, "%s", avro_strerror());
		return NULL;
	}
	for (size_t i = 0; i < count; i++) {
		avro_value_t child;
		const char *key = NULL;
		json_t *j = NULL;
		size_t old;

		if (avro_value_get_by_index(v, i, &child, &key)) {
			json_decref(out);
			conv_fail(c, "%s", avro_strerror());
			return NULL;
		}
		old = is_map ? path_push(c, "[\"%.32s\"]", key) : path_push(c, "[%zu]", i);
		j = from_value(c, &child, node, n->ns, depth + 1);
		if (j && is_map && json_object_set_new(out, key, j) != 0) {
			j = NULL;
			conv_fail(c, "map key is not UTF-8");
		} else if (j && !is_map && json_array_append_new(out, j)) {
			j = NULL;
		}
		path_pop(c, old);
		if (!j) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

static json_t *
from_value(struct conv *c, avro_value_t *v, json_t *node, const char *ns, int depth)
{
	struct avro_node n;
	const void *p;
	const char *s;
	size_t size;
	int32_t i32;
	int64_t i64;
	float f;
	double d;
	int b;
	char buf[32];
	json_t *j;

	if (depth > AVRO_MAX_DEPTH) {
		conv_fail(c, "value nested too deeply");
		return NULL;
	}
	if (avro_names_resolve(c->names, node, ns, &n) < 0) {
		conv_fail(c, "schema node not in schema");
		return NULL;
	}
	if (avro_value_get_type(v) != n.kind) {
		conv_fail(c, "value does not match the schema");
		return NULL;
	}
	switch (n.kind) {
	case AVRO_NULL:
		return json_null();
	case AVRO_BOOLEAN:
		if (avro_value_get_boolean(v, &b))
			break;
		return json_boolean(b);
	case AVRO_INT32:
		if (avro_value_get_int(v, &i32))
			break;
		if (c->mode == AVRO_JSON_PLAIN && is_logical(&n, "date") &&
		    datum_format(i32, buf, sizeof(buf)))
			return json_string(buf);
		return json_integer(i32);
	case AVRO_INT64:
		if (avro_value_get_long(v, &i64))
			break;
		if (c->mode == AVRO_JSON_PLAIN && is_logical(&n, "timestamp-millis") &&
		    instant_format(i64, buf, sizeof(buf)))
			return json_string(buf);
		return json_integer(i64);
	case AVRO_FLOAT:
		if (avro_value_get_float(v, &f))
			break;
		return real_to_json(f);
	case AVRO_DOUBLE:
		if (avro_value_get_double(v, &d))
			break;
		return real_to_json(d);
	case AVRO_STRING:
		if (avro_value_get_string(v, &s, &size) || size == 0)
			break;
		j = json_stringn(s, size - 1); /* avro-c sizes count the NUL */
		if (!j || memchr(s, '\0', size - 1)) {
			json_decref(j);
			conv_fail(c, "string is not UTF-8 without NUL");
			return NULL;
		}
		return j;
	case AVRO_BYTES:
		if (avro_value_get_bytes(v, &p, &size))
			break;
		return latin1_to_json(p, size);
	case AVRO_FIXED:
		if (avro_value_get_fixed(v, &p, &size))
			break;
		return latin1_to_json(p, size);
	case AVRO_ENUM: {
		json_t *symbols = json_object_get(n.def, "symbols");
		if (avro_value_get_enum(v, &b) || b < 0 || (size_t)b >= json_array_size(symbols)) {
			conv_fail(c, "enum index out of range");
			return NULL;
		}
		return json_incref(json_array_get(symbols, (size_t)b));
	}
	case AVRO_RECORD:
		return record_to_json(c, v, &n, depth);
	case AVRO_UNION:
		return union_to_json(c, v, &n, depth);
	case AVRO_ARRAY:
	case AVRO_MAP:
		return collection_to_json(c, v, &n, depth);
	default:
		conv_fail(c, "unsupported schema type");
		return NULL;
	}
	conv_fail(c, "%s", avro_strerror());
	return NULL;
}

json_t *
avro_json_from_value_names(avro_value_t *v, const struct avro_names *names,
                           enum avro_json_mode mode, char *err, size_t errlen)
{
	char dummy[1];
	struct conv c = {.names = names, .mode = mode, .err = err, .errlen = errlen};

	if (!err || !errlen) {
		c.err = dummy;
		c.errlen = sizeof(dummy);
	}
	c.err[0] = '\0';
	return from_value(&c, v, avro_names_root(names), NULL, 0);
}

json_t *
avro_json_from_value(avro_value_t *v, json_t *schema_json, enum avro_json_mode mode)
{
	char err[256];
	struct avro_names *names = avro_names_new(schema_json, err, sizeof(err));
	json_t *j;

	if (!names)
		return NULL;
	j = avro_json_from_value_names(v, names, mode, err, sizeof(err));
	avro_names_free(names);
	return j;
}

/* ---- JSON to value ----------------------------------------------------- */

static const char *
json_kind(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "integer";
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	default:
		return "null";
	}
}

static bool
special_real(const json_t *src, double *x)
{
	const char *s = json_string_value(src);

	if (!s)
		return false;
	if (strcmp(s, "NaN") == 0)
		*x = NAN;
	else if (strcmp(s, "Infinity") == 0)
		*x = INFINITY;
	else if (strcmp(s, "-Infinity") == 0)
		*x = -INFINITY;
	else
		return false;
	return true;
}

/* The ISO-8859-1 reading of a JSON string: every code point must be <= U+00FF. */
static int
json_to_latin1(const json_t *src, unsigned char **out, size_t *outlen)
{
	const unsigned char *s = (const unsigned char *)json_string_value(src);
	size_t n = json_string_length(src), o = 0;
	unsigned char *buf = malloc(n + 1);

	if (!buf)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x80) {
			buf[o++] = s[i];
		} else if ((s[i] == 0xc2 || s[i] == 0xc3) && i + 1 < n) {
			buf[o++] = (unsigned char)(((s[i] & 0x03) << 6) | (s[i + 1] & 0x3f));
			i++;
		} else {
			free(buf);
			return -1;
		}
	}
	*out = buf;
	*outlen = o;
	return 0;
}

/* Whether src has the JSON shape of the node; the deep check is the conversion. */
static bool
shape_fits(const struct avro_node *n, const json_t *src)
{
	double x;

	switch (n->kind) {
	case AVRO_NULL:
		return json_is_null(src);
	case AVRO_BOOLEAN:
		return json_is_boolean(src);
	case AVRO_INT32:
		return (json_is_integer(src) && json_integer_value(src) >= INT32_MIN &&
		        json_integer_value(src) <= INT32_MAX) ||
		       (is_logical(n, "date") && json_is_string(src));
	case AVRO_INT64:
		return json_is_integer(src) ||
		       (is_logical(n, "timestamp-millis") && json_is_string(src));
	case AVRO_FLOAT:
	case AVRO_DOUBLE:
		return json_is_number(src) || special_real(src, &x);
	case AVRO_STRING:
	case AVRO_BYTES:
	case AVRO_FIXED:
	case AVRO_ENUM:
		return json_is_string(src);
	case AVRO_ARRAY:
		return json_is_array(src);
	case AVRO_MAP:
	case AVRO_RECORD:
		return json_is_object(src);
	default:
		return false;
	}
}

static int to_value(struct conv *c, avro_value_t *dst, json_t *node, const char *ns, json_t *src,
                    int depth);

static int
record_from_json(struct conv *c, avro_value_t *dst, const struct avro_node *n, json_t *src,
                 int depth)
{
	json_t *fields = json_object_get(n->def, "fields");
	size_t i, matched = 0;
	json_t *f, *val;
	const char *key;

	if (!json_is_object(src))
		return conv_fail(c, "expected object, got %s", json_kind(src));
	json_array_foreach(fields, i, f)
	{
		const char *name = json_string_value(json_object_get(f, "name"));
		json_t *v = json_object_get(src, name);
		bool saved = c->in_default;
		avro_value_t child;
		size_t old;
		int rc;

		if (v) {
			matched++;
		} else if ((v = json_object_get(f, "default")) != NULL) {
			c->in_default = true;
		} else {
			old = path_field(c, name);
			conv_fail(c, "missing, and the schema has no default");
			path_pop(c, old);
			return -1;
		}
		if (avro_value_get_by_index(dst, i, &child, NULL))
			return conv_fail(c, "%s", avro_strerror());
		old = path_field(c, name);
		rc = to_value(c, &child, json_object_get(f, "type"), n->ns, v, depth + 1);
		path_pop(c, old);
		c->in_default = saved;
		if (rc < 0)
			return -1;
	}
	if (matched == json_object_size(src))
		return 0;
	json_object_foreach(src, key, val)
	{
		bool known = false;
		json_array_foreach(fields, i, f)
		{
			if (strcmp(json_string_value(json_object_get(f, "name")), key) == 0)
				known = true;
		}
		if (!known) {
			size_t old = path_push(c, c->plen ? ".%.64s" : "%.64s", key);
			conv_fail(c, "unknown field");
			path_pop(c, old);
			return -1;
		}
	}
	return 0;
}

static int
collection_from_json(struct conv *c, avro_value_t *dst, const struct avro_node *n, json_t *src,
                     int depth)
{
	size_t i;
	json_t *item;
	const char *key;

	if (n->kind == AVRO_ARRAY) {
		json_t *node = json_object_get(n->def, "items");
		if (!json_is_array(src))
			return conv_fail(c, "expected array, got %s", json_kind(src));
		json_array_foreach(src, i, item)
		{
			avro_value_t child;
			size_t old = path_push(c, "[%zu]", i);
			int rc = avro_value_append(dst, &child, NULL);
			rc = rc ? conv_fail(c, "%s", avro_strerror())
			        : to_value(c, &child, node, n->ns, item, depth + 1);
			path_pop(c, old);
			if (rc < 0)
				return -1;
		}
		return 0;
	}
	json_t *node = json_object_get(n->def, "values");
	if (!json_is_object(src))
		return conv_fail(c, "expected object (map), got %s", json_kind(src));
	json_object_foreach(src, key, item)
	{
		avro_value_t child;
		size_t old = path_push(c, "[\"%.32s\"]", key);
		int rc = avro_value_add(dst, key, &child, NULL, NULL);
		rc = rc ? conv_fail(c, "%s", avro_strerror())
		        : to_value(c, &child, node, n->ns, item, depth + 1);
		path_pop(c, old);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* One attempt at a union branch; a fresh (reset) branch value each time. */
static int
try_branch(struct conv *c, avro_value_t *dst, const struct avro_node *n, size_t i, json_t *src,
           int depth)
{
	avro_value_t branch;

	if (avro_value_set_branch(dst, (int)i, &branch) || avro_value_reset(&branch))
		return conv_fail(c, "%s", avro_strerror());
	return to_value(c, &branch, json_array_get(n->def, i), n->ns, src, depth + 1);
}

/*
 * Wrapped form first ({"<branch>": v}, when the single key names a branch),
 * then the first branch the value fits. Defaults take the first branch, as the
 * specification says. The error reported is that of the most plausible branch.
 */
static int
union_from_json(struct conv *c, avro_value_t *dst, const struct avro_node *n, json_t *src,
                int depth)
{
	size_t nb = json_array_size(n->def), i;
	char first_err[512] = "";
	struct avro_node bn;
	char expected[160] = "";

	if (c->in_default && try_branch(c, dst, n, 0, src, depth) == 0)
		return 0;
	if (json_is_object(src) && json_object_size(src) == 1) {
		const char *key = json_object_iter_key(json_object_iter(src));
		for (i = 0; i < nb; i++) {
			const char *name, *dot;
			if (avro_names_resolve(c->names, json_array_get(n->def, i), n->ns, &bn) < 0)
				continue;
			name = avro_node_type_name(&bn);
			dot = bn.named ? strrchr(name, '.') : NULL;
			if (strcmp(key, name) == 0 || (dot && strcmp(key, dot + 1) == 0))
				break;
		}
		if (i < nb) {
			if (try_branch(c, dst, n, i, json_object_iter_value(json_object_iter(src)),
			               depth) == 0)
				return 0;
			snprintf(first_err, sizeof(first_err), "%s", c->err);
		}
	}
	for (i = 0; i < nb; i++) {
		if (avro_names_resolve(c->names, json_array_get(n->def, i), n->ns, &bn) < 0)
			continue;
		size_t el = strlen(expected);
		snprintf(expected + el, sizeof(expected) - el, "%s%s", el ? ", " : "",
		         avro_node_type_name(&bn));
		if (!shape_fits(&bn, src))
			continue;
		if (try_branch(c, dst, n, i, src, depth) == 0)
			return 0;
		if (!first_err[0])
			snprintf(first_err, sizeof(first_err), "%s", c->err);
	}
	if (first_err[0]) {
		snprintf(c->err, c->errlen, "%s", first_err);
		return -1;
	}
	return conv_fail(c, "expected one of [%s], got %s", expected, json_kind(src));
}

static int
enum_from_json(struct conv *c, avro_value_t *dst, const struct avro_node *n, json_t *src)
{
	json_t *symbols = json_object_get(n->def, "symbols");
	const char *s = json_string_value(src);
	json_t *sym;
	size_t i;

	if (!s)
		return conv_fail(c, "expected string (enum symbol), got %s", json_kind(src));
	if (c->flags & AVRO_JSON_RESOLVE) {
		json_t *dflt = json_object_get(n->def, "default");
		bool known = false;
		json_array_foreach(symbols, i, sym)
		{
			if (strcmp(json_string_value(sym), s) == 0)
				known = true;
		}
		if (!known && dflt)
			s = json_string_value(dflt);
	}
	json_array_foreach(symbols, i, sym)
	{
		if (strcmp(json_string_value(sym), s) == 0) {
			if (avro_value_set_enum(dst, (int)i))
				return conv_fail(c, "%s", avro_strerror());
			return 0;
		}
	}
	return conv_fail(c, "unknown symbol \"%.64s\"", s);
}

static int
bytes_from_json(struct conv *c, avro_value_t *dst, const struct avro_node *n, json_t *src)
{
	unsigned char *buf;
	size_t len;
	int rc;

	if (!json_is_string(src))
		return conv_fail(c, "expected string (%s), got %s",
		                 n->kind == AVRO_BYTES ? "bytes" : "fixed", json_kind(src));
	if (json_to_latin1(src, &buf, &len) < 0)
		return conv_fail(c, "%s must be ISO-8859-1 (code points up to U+00FF)",
		                 n->kind == AVRO_BYTES ? "bytes" : "fixed");
	if (n->kind == AVRO_FIXED) {
		json_int_t size = json_integer_value(json_object_get(n->def, "size"));
		if ((json_int_t)len != size) {
			free(buf);
			return conv_fail(c, "expected %lld bytes for fixed %s, got %zu",
			                 (long long)size, n->named->fullname, len);
		}
		rc = avro_value_set_fixed(dst, buf, len);
	} else {
		rc = avro_value_set_bytes(dst, buf, len);
	}
	free(buf);
	return rc ? conv_fail(c, "%s", avro_strerror()) : 0;
}

static int
avro_ok(struct conv *c, int rc)
{
	return rc ? conv_fail(c, "%s", avro_strerror()) : 0;
}

static int
number_from_json(struct conv *c, avro_value_t *dst, const struct avro_node *n, json_t *src)
{
	json_int_t i;
	double x;

	switch (n->kind) {
	case AVRO_INT32:
		if (json_is_integer(src)) {
			i = json_integer_value(src);
			if (i < INT32_MIN || i > INT32_MAX)
				return conv_fail(c, "%lld out of range for int", (long long)i);
			return avro_ok(c, avro_value_set_int(dst, (int32_t)i));
		}
		if (is_logical(n, "date") && json_is_string(src)) {
			int32_t days;
			if (!datum_parse(json_string_value(src), &days))
				return conv_fail(c, "invalid date, expected YYYY-MM-DD");
			return avro_ok(c, avro_value_set_int(dst, days));
		}
		return conv_fail(c, "expected %s, got %s",
		                 is_logical(n, "date")
		                         ? "date (YYYY-MM-DD or days since 1970-01-01)"
		                         : "int",
		                 json_kind(src));
	case AVRO_INT64:
		if (json_is_integer(src))
			return avro_ok(c, avro_value_set_long(dst, json_integer_value(src)));
		if (is_logical(n, "timestamp-millis") && json_is_string(src)) {
			int64_t ms;
			if (!instant_parse(json_string_value(src), &ms))
				return conv_fail(c, "invalid timestamp, expected "
				                    "YYYY-MM-DDTHH:MM:SS[.mmm]Z or an offset");
			return avro_ok(c, avro_value_set_long(dst, ms));
		}
		return conv_fail(c, "expected %s, got %s",
		                 is_logical(n, "timestamp-millis")
		                         ? "timestamp (ISO 8601 or milliseconds since 1970)"
		                         : "long",
		                 json_kind(src));
	default:
		if (json_is_number(src))
			x = json_number_value(src);
		else if (!special_real(src, &x))
			return conv_fail(c, "expected number, got %s", json_kind(src));
		if (n->kind == AVRO_DOUBLE)
			return avro_ok(c, avro_value_set_double(dst, x));
		if (isfinite(x) && (x > 3.4028234663852886e38 || x < -3.4028234663852886e38))
			return conv_fail(c, "out of range for float");
		return avro_ok(c, avro_value_set_float(dst, (float)x));
	}
}

static int
to_value(struct conv *c, avro_value_t *dst, json_t *node, const char *ns, json_t *src, int depth)
{
	struct avro_node n;

	if (depth > AVRO_MAX_DEPTH)
		return conv_fail(c, "value nested too deeply");
	if (avro_names_resolve(c->names, node, ns, &n) < 0)
		return conv_fail(c, "schema node not in schema");
	if (avro_value_get_type(dst) != n.kind)
		return conv_fail(c, "value does not match the schema");
	switch (n.kind) {
	case AVRO_NULL:
		if (!json_is_null(src))
			return conv_fail(c, "expected null, got %s", json_kind(src));
		return avro_value_set_null(dst) ? conv_fail(c, "%s", avro_strerror()) : 0;
	case AVRO_BOOLEAN:
		if (!json_is_boolean(src))
			return conv_fail(c, "expected boolean, got %s", json_kind(src));
		return avro_value_set_boolean(dst, json_is_true(src))
		               ? conv_fail(c, "%s", avro_strerror())
		               : 0;
	case AVRO_INT32:
	case AVRO_INT64:
	case AVRO_FLOAT:
	case AVRO_DOUBLE:
		return number_from_json(c, dst, &n, src);
	case AVRO_STRING: {
		const char *s = json_string_value(src);
		size_t len = json_string_length(src);
		if (!s)
			return conv_fail(c, "expected string, got %s", json_kind(src));
		if (memchr(s, '\0', len))
			return conv_fail(c, "string contains NUL (U+0000)");
		/* avro-c string sizes include the terminating NUL */
		return avro_value_set_string_len(dst, s, len + 1)
		               ? conv_fail(c, "%s", avro_strerror())
		               : 0;
	}
	case AVRO_BYTES:
	case AVRO_FIXED:
		return bytes_from_json(c, dst, &n, src);
	case AVRO_ENUM:
		return enum_from_json(c, dst, &n, src);
	case AVRO_RECORD:
		return record_from_json(c, dst, &n, src, depth);
	case AVRO_UNION:
		return union_from_json(c, dst, &n, src, depth);
	case AVRO_ARRAY:
	case AVRO_MAP:
		return collection_from_json(c, dst, &n, src, depth);
	default:
		return conv_fail(c, "unsupported schema type");
	}
}

int
avro_json_to_value_names(avro_value_t *dst, const struct avro_names *names, json_t *src,
                         unsigned flags, char *err, size_t errlen)
{
	char dummy[1];
	struct conv c = {.names = names, .flags = flags, .err = err, .errlen = errlen};

	if (!err || !errlen) {
		c.err = dummy;
		c.errlen = sizeof(dummy);
	}
	c.err[0] = '\0';
	if (!src)
		return conv_fail(&c, "no document");
	return to_value(&c, dst, avro_names_root(names), NULL, src, 0);
}

int
avro_json_to_value(avro_value_t *dst, json_t *schema_json, json_t *src, char *err, size_t errlen)
{
	struct avro_names *names = avro_names_new(schema_json, err, errlen);
	int rc;

	if (!names)
		return -1;
	rc = avro_json_to_value_names(dst, names, src, 0, err, errlen);
	avro_names_free(names);
	return rc;
}

/* ---- samples ----------------------------------------------------------- */

#define SAMPLE_DEPTH 6 /* beyond it, unions take null and collections stay empty */

struct rng {
	uint64_t s;
};

static uint64_t
rng_next(struct rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t
rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

static json_t *
sample_string(struct rng *r, const struct avro_node *n)
{
	static const char *const pieces[] = {"a",
	                                     "b",
	                                     "Z",
	                                     "0",
	                                     " ",
	                                     "-",
	                                     "\xc3\xa9",
	                                     "\xe2\x82\xac",
	                                     "\xf0\x9d\x84\x9e",
	                                     "\"",
	                                     "\\",
	                                     "\n",
	                                     "/",
	                                     "\xc3\x9f"};
	char buf[128];
	size_t o = 0, len = rng_below(r, 12);

	if (is_logical(n, "uuid")) {
		uint64_t a = rng_next(r), b = rng_next(r);
		snprintf(buf, sizeof(buf), "%08x-%04x-4%03x-8%03x-%012llx", (unsigned)(a >> 32),
		         (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
		         (unsigned)(b >> 48) & 0xfff, (unsigned long long)(b & 0xffffffffffffULL));
		return json_string(buf);
	}
	for (size_t i = 0; i < len; i++) {
		const char *p = pieces[rng_below(r, sizeof(pieces) / sizeof(pieces[0]))];
		size_t pl = strlen(p);
		memcpy(buf + o, p, pl);
		o += pl;
	}
	return json_stringn(buf, o);
}

static json_t *
sample_bytes(struct rng *r, size_t len)
{
	unsigned char buf[64];

	if (len > sizeof(buf)) {
		unsigned char *big = malloc(len);
		json_t *j;
		if (!big)
			return NULL;
		for (size_t i = 0; i < len; i++)
			big[i] = (unsigned char)rng_next(r);
		j = latin1_to_json(big, len);
		free(big);
		return j;
	}
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)rng_next(r);
	return latin1_to_json(buf, len);
}

static json_t *
sample_number(struct rng *r, const struct avro_node *n)
{
	static const int64_t longs[] = {0, 1, -1, INT64_MIN, INT64_MAX, 1234567890123};
	static const int32_t ints[] = {0, 1, -1, INT32_MIN, INT32_MAX, 64, -65};

	switch (n->kind) {
	case AVRO_INT32:
		if (is_logical(n, "date")) /* 1900..2100 */
			return json_integer((json_int_t)rng_below(r, 73049) - 25567);
		if (rng_below(r, 2))
			return json_integer(ints[rng_below(r, sizeof(ints) / sizeof(ints[0]))]);
		return json_integer((int32_t)(uint32_t)rng_next(r));
	case AVRO_INT64:
		if (is_logical(n, "timestamp-millis")) /* 1900..2100 */
			return json_integer((json_int_t)rng_below(r, UINT64_C(6311347200000)) -
			                    INT64_C(2208988800000));
		if (rng_below(r, 2))
			return json_integer(longs[rng_below(r, sizeof(longs) / sizeof(longs[0]))]);
		return json_integer((int64_t)rng_next(r));
	case AVRO_FLOAT: /* exactly representable */
		return json_real((double)((int)rng_below(r, 20001) - 10000) / 8.0);
	default:
		return json_real((double)((int64_t)rng_below(r, 2000000001) - 1000000000) / 1024.0);
	}
}

static json_t *sample(const struct avro_names *names, json_t *node, const char *ns, struct rng *r,
                      int depth);

static json_t *
sample_union(const struct avro_names *names, const struct avro_node *n, struct rng *r, int depth)
{
	size_t nb = json_array_size(n->def), pick = rng_below(r, nb);
	struct avro_node bn;
	json_t *v, *wrapped;

	if (depth >= SAMPLE_DEPTH) { /* prefer what ends the recursion */
		for (size_t i = 0; i < nb; i++) {
			if (avro_names_resolve(names, json_array_get(n->def, i), n->ns, &bn) == 0 &&
			    bn.kind != AVRO_RECORD && bn.kind != AVRO_UNION) {
				pick = i;
				if (bn.kind == AVRO_NULL)
					break;
			}
		}
	}
	if (nb == 0 || avro_names_resolve(names, json_array_get(n->def, pick), n->ns, &bn) < 0)
		return NULL;
	v = sample(names, json_array_get(n->def, pick), n->ns, r, depth + 1);
	if (!v || bn.kind == AVRO_NULL)
		return v;
	wrapped = json_object();
	if (!wrapped || json_object_set_new(wrapped, avro_node_type_name(&bn), v)) {
		json_decref(wrapped);
		return NULL;
	}
	return wrapped;
}

static json_t *
sample(const struct avro_names *names, json_t *node, const char *ns, struct rng *r, int depth)
{
	struct avro_node n;
	json_t *out, *f, *child;
	size_t i, count;

	if (depth > AVRO_MAX_DEPTH / 2 || avro_names_resolve(names, node, ns, &n) < 0)
		return NULL;
	switch (n.kind) {
	case AVRO_NULL:
		return json_null();
	case AVRO_BOOLEAN:
		return json_boolean(rng_below(r, 2));
	case AVRO_INT32:
	case AVRO_INT64:
	case AVRO_FLOAT:
	case AVRO_DOUBLE:
		return sample_number(r, &n);
	case AVRO_STRING:
		return sample_string(r, &n);
	case AVRO_BYTES:
		return sample_bytes(r, rng_below(r, 9));
	case AVRO_FIXED:
		return sample_bytes(r, (size_t)json_integer_value(json_object_get(n.def, "size")));
	case AVRO_ENUM: {
		json_t *symbols = json_object_get(n.def, "symbols");
		if (json_array_size(symbols) == 0)
			return NULL;
		return json_incref(json_array_get(symbols, rng_below(r, json_array_size(symbols))));
	}
	case AVRO_UNION:
		return sample_union(names, &n, r, depth);
	case AVRO_RECORD:
		out = json_object();
		json_array_foreach(json_object_get(n.def, "fields"), i, f)
		{
			child = sample(names, json_object_get(f, "type"), n.ns, r, depth + 1);
			if (!child ||
			    json_object_set_new(out, json_string_value(json_object_get(f, "name")),
			                        child)) {
				json_decref(out);
				return NULL;
			}
		}
		return out;
	case AVRO_ARRAY:
	case AVRO_MAP:
		out = n.kind == AVRO_ARRAY ? json_array() : json_object();
		count = depth >= SAMPLE_DEPTH ? 0 : rng_below(r, 4);
		for (i = 0; i < count; i++) {
			char key[24];
			child = sample(
			        names,
			        json_object_get(n.def, n.kind == AVRO_ARRAY ? "items" : "values"),
			        n.ns, r, depth + 1);
			snprintf(key, sizeof(key), "k%zu-%u", i, (unsigned)rng_below(r, 1000));
			if (!child ||
			    (n.kind == AVRO_ARRAY ? json_array_append_new(out, child)
			                          : json_object_set_new(out, key, child))) {
				json_decref(out);
				return NULL;
			}
		}
		return out;
	default:
		return NULL;
	}
}

json_t *
avro_json_sample(json_t *schema_json, uint64_t seed)
{
	char err[256];
	struct avro_names *names = avro_names_new(schema_json, err, sizeof(err));
	struct rng r = {seed};
	json_t *j;

	if (!names)
		return NULL;
	j = sample(names, avro_names_root(names), NULL, &r, 0);
	avro_names_free(names);
	return j;
}
