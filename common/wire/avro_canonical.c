/*
 * avro_canonical.c — validation, named-type index, Parsing Canonical Form and
 * CRC-64-AVRO of Avro schemas. One walk does all three, in document order, so
 * that "first occurrence defines, later ones refer by full name" ([FULLNAMES])
 * means the same thing for the PCF and for the index.
 *
 * Name resolution follows the Java implementation where the specification is
 * silent: a dotted name is a full name, an empty "namespace" is the null
 * namespace, and a short reference not found in the enclosing namespace falls
 * back to the null namespace.
 */
#include <stdbool.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/avro_canonical.h"
#include "core/strbuf.h"

#define NAME_MAX_LEN 1024

struct avro_names {
	json_t *root;
	struct avro_named **named; /* stable addresses: nodes point at them */
	size_t n, cap;
	char *pcf;
};

struct walk {
	struct avro_names *names;
	struct strbuf out;
	char *err;
	size_t errlen;
	bool located; /* err already names the record field it is about */
};

static const struct {
	const char *name;
	avro_type_t kind;
} primitives[] = {
        {"null", AVRO_NULL},   {"boolean", AVRO_BOOLEAN}, {"int", AVRO_INT32},
        {"long", AVRO_INT64},  {"float", AVRO_FLOAT},     {"double", AVRO_DOUBLE},
        {"bytes", AVRO_BYTES}, {"string", AVRO_STRING},
};

static int
primitive_kind(const char *s, avro_type_t *kind)
{
	for (size_t i = 0; i < sizeof(primitives) / sizeof(primitives[0]); i++) {
		if (strcmp(s, primitives[i].name) == 0) {
			*kind = primitives[i].kind;
			return 1;
		}
	}
	return 0;
}

static const char *
primitive_name(avro_type_t kind)
{
	for (size_t i = 0; i < sizeof(primitives) / sizeof(primitives[0]); i++)
		if (primitives[i].kind == kind)
			return primitives[i].name;
	return NULL;
}

static int
fail(struct walk *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->err, w->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Names and symbols are [A-Za-z_][A-Za-z0-9_]*, so they never need escaping in
 * the PCF: [STRINGS] holds by construction. */
static bool
valid_ident(const char *s, size_t n)
{
	if (n == 0 ||
	    !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return false;
	}
	return true;
}

static bool
valid_dotted(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > NAME_MAX_LEN)
		return false;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t part = dot ? (size_t)(dot - s) : strlen(s);
		if (!valid_ident(s, part))
			return false;
		s += part;
		if (*s == '.')
			s++;
		if (dot && *s == '\0')
			return false;
	}
	return true;
}

const struct avro_named *
avro_names_find(const struct avro_names *names, const char *fullname)
{
	for (size_t i = 0; i < names->n; i++)
		if (strcmp(names->named[i]->fullname, fullname) == 0)
			return names->named[i];
	return NULL;
}

static const struct avro_named *
lookup(const struct avro_names *names, const char *name, const char *ns)
{
	char buf[2 * NAME_MAX_LEN + 2];
	const struct avro_named *found;

	if (strchr(name, '.') || !ns)
		return avro_names_find(names, name);
	snprintf(buf, sizeof(buf), "%s.%s", ns, name);
	found = avro_names_find(names, buf);
	return found ? found : avro_names_find(names, name);
}

static int walk(struct walk *w, json_t *node, const char *ns, int depth, avro_type_t *kind,
                const struct avro_named **named);

/* A schema given by name: a primitive, or a reference to a type defined earlier. */
static int
walk_name(struct walk *w, const char *s, const char *ns, avro_type_t *kind,
          const struct avro_named **named)
{
	const struct avro_named *def;

	*named = NULL;
	if (primitive_kind(s, kind)) {
		strbuf_adds(&w->out, "\"");
		strbuf_adds(&w->out, s);
		strbuf_adds(&w->out, "\"");
		return 0;
	}
	if (!valid_dotted(s))
		return fail(w, "invalid type name \"%.64s\"", s);
	def = lookup(w->names, s, ns);
	if (!def)
		return fail(w, "undefined type \"%s\"", s);
	*kind = def->kind;
	*named = def;
	strbuf_adds(&w->out, "\"");
	strbuf_adds(&w->out, def->fullname);
	strbuf_adds(&w->out, "\"");
	return 0;
}

static struct avro_named *
add_named(struct walk *w, const char *fullname, const char *ns, avro_type_t kind, json_t *def)
{
	struct avro_names *names = w->names;
	struct avro_named *e;

	if (names->n == names->cap) {
		size_t cap = names->cap ? 2 * names->cap : 16;
		struct avro_named **p = realloc(names->named, cap * sizeof(*p));
		if (!p)
			goto fail;
		names->named = p;
		names->cap = cap;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		goto fail;
	e->fullname = strdup(fullname);
	e->ns = ns ? strdup(ns) : NULL;
	e->kind = kind;
	e->def = def;
	if (!e->fullname || (ns && !e->ns)) {
		free(e->fullname);
		free(e->ns);
		free(e);
		goto fail;
	}
	names->named[names->n++] = e;
	return e;
fail:
	fail(w, "out of memory");
	return NULL;
}

static int
walk_fields(struct walk *w, json_t *obj, const struct avro_named *rec, int depth)
{
	json_t *fields = json_object_get(obj, "fields");
	size_t i, j;
	json_t *f;

	if (!json_is_array(fields))
		return fail(w, "record %s: \"fields\" must be an array", rec->fullname);
	strbuf_adds(&w->out, ",\"fields\":[");
	json_array_foreach(fields, i, f)
	{
		json_t *name = json_object_get(f, "name");
		const char *fname;
		avro_type_t k;
		const struct avro_named *nd;

		if (!json_is_object(f) || !json_is_string(name))
			return fail(w, "record %s: field %zu has no name", rec->fullname, i);
		fname = json_string_value(name);
		if (!valid_ident(fname, strlen(fname)) || strlen(fname) > NAME_MAX_LEN)
			return fail(w, "record %s: invalid field name \"%.64s\"", rec->fullname,
			            fname);
		for (j = 0; j < i; j++) {
			json_t *other = json_object_get(json_array_get(fields, j), "name");
			if (strcmp(json_string_value(other), fname) == 0)
				return fail(w, "record %s: duplicate field \"%s\"", rec->fullname,
				            fname);
		}
		if (!json_object_get(f, "type"))
			return fail(w, "%s.%s: field has no type", rec->fullname, fname);
		strbuf_adds(&w->out, i ? ",{\"name\":\"" : "{\"name\":\"");
		strbuf_adds(&w->out, fname);
		strbuf_adds(&w->out, "\",\"type\":");
		/* Field types inherit the record's namespace, not the field's. */
		if (walk(w, json_object_get(f, "type"), rec->ns, depth + 1, &k, &nd) < 0) {
			if (!w->located) {
				char inner[256];
				snprintf(inner, sizeof(inner), "%s", w->err);
				w->located = true;
				return fail(w, "%s.%s: %s", rec->fullname, fname, inner);
			}
			return -1;
		}
		strbuf_adds(&w->out, "}");
	}
	strbuf_adds(&w->out, "]");
	return 0;
}

static int
walk_symbols(struct walk *w, json_t *obj, const struct avro_named *en)
{
	json_t *symbols = json_object_get(obj, "symbols");
	json_t *dflt = json_object_get(obj, "default");
	bool dflt_found = false;
	size_t i, j;
	json_t *s;

	if (!json_is_array(symbols))
		return fail(w, "enum %s: \"symbols\" must be an array", en->fullname);
	strbuf_adds(&w->out, ",\"symbols\":[");
	json_array_foreach(symbols, i, s)
	{
		const char *sym = json_string_value(s);
		if (!sym || !valid_ident(sym, strlen(sym)) || strlen(sym) > NAME_MAX_LEN)
			return fail(w, "enum %s: invalid symbol at index %zu", en->fullname, i);
		for (j = 0; j < i; j++)
			if (strcmp(json_string_value(json_array_get(symbols, j)), sym) == 0)
				return fail(w, "enum %s: duplicate symbol \"%s\"", en->fullname,
				            sym);
		if (dflt && json_is_string(dflt) && strcmp(json_string_value(dflt), sym) == 0)
			dflt_found = true;
		strbuf_adds(&w->out, i ? ",\"" : "\"");
		strbuf_adds(&w->out, sym);
		strbuf_adds(&w->out, "\"");
	}
	strbuf_adds(&w->out, "]");
	if (dflt && !dflt_found)
		return fail(w, "enum %s: default is not one of its symbols", en->fullname);
	return 0;
}

static int
walk_size(struct walk *w, json_t *obj, const struct avro_named *fx)
{
	json_t *size = json_object_get(obj, "size");
	char num[32];

	if (!json_is_integer(size) || json_integer_value(size) < 0 ||
	    json_integer_value(size) > INT32_MAX)
		return fail(w, "fixed %s: \"size\" must be a non-negative integer", fx->fullname);
	snprintf(num, sizeof(num), ",\"size\":%lld", (long long)json_integer_value(size));
	strbuf_adds(&w->out, num);
	return 0;
}

static int
walk_named(struct walk *w, json_t *obj, avro_type_t kind, const char *type, const char *ns,
           int depth, const struct avro_named **named)
{
	json_t *jname = json_object_get(obj, "name");
	json_t *jns = json_object_get(obj, "namespace");
	char fullname[2 * NAME_MAX_LEN + 2];
	const char *name, *dot;
	char *own_ns = NULL;
	avro_type_t prim;
	const struct avro_named *e;
	int rc = 0;

	if (!json_is_string(jname) || !valid_dotted(json_string_value(jname)))
		return fail(w, "%s without a valid \"name\"", type);
	name = json_string_value(jname);
	if (jns && !json_is_null(jns)) {
		if (!json_is_string(jns) ||
		    (json_string_length(jns) > 0 && !valid_dotted(json_string_value(jns))))
			return fail(w, "%s %s: invalid namespace", type, name);
		ns = json_string_length(jns) > 0 ? json_string_value(jns) : NULL;
	}
	dot = strrchr(name, '.');
	if (dot) {
		snprintf(fullname, sizeof(fullname), "%s", name);
		own_ns = strndup(name, (size_t)(dot - name));
		if (!own_ns)
			return fail(w, "out of memory");
	} else if (ns) {
		snprintf(fullname, sizeof(fullname), "%s.%s", ns, name);
		own_ns = strdup(ns);
		if (!own_ns)
			return fail(w, "out of memory");
	} else {
		snprintf(fullname, sizeof(fullname), "%s", name);
	}
	if (primitive_kind(dot ? dot + 1 : name, &prim)) {
		free(own_ns);
		return fail(w, "%s %s: a primitive type name cannot be redefined", type, name);
	}
	if (avro_names_find(w->names, fullname)) {
		free(own_ns);
		return fail(w, "redefinition of %s", fullname);
	}
	e = add_named(w, fullname, own_ns, kind, obj);
	free(own_ns);
	if (!e)
		return -1;
	strbuf_adds(&w->out, "{\"name\":\"");
	strbuf_adds(&w->out, fullname);
	strbuf_adds(&w->out, "\",\"type\":\"");
	strbuf_adds(&w->out, type);
	strbuf_adds(&w->out, "\"");
	if (kind == AVRO_RECORD)
		rc = walk_fields(w, obj, e, depth);
	else if (kind == AVRO_ENUM)
		rc = walk_symbols(w, obj, e);
	else
		rc = walk_size(w, obj, e);
	if (rc < 0)
		return -1;
	strbuf_adds(&w->out, "}");
	*named = e;
	return 0;
}

/* Union branches must be distinct: one of each unnamed type, named types by name. */
static int
walk_union(struct walk *w, json_t *arr, const char *ns, int depth)
{
	const char *seen[64];
	size_t i, j;
	json_t *b;

	if (json_array_size(arr) > sizeof(seen) / sizeof(seen[0]))
		return fail(w, "union with more than %zu branches", sizeof(seen) / sizeof(seen[0]));
	strbuf_adds(&w->out, "[");
	json_array_foreach(arr, i, b)
	{
		avro_type_t k;
		const struct avro_named *nd;

		if (json_is_array(b))
			return fail(w, "union directly inside a union");
		if (i)
			strbuf_adds(&w->out, ",");
		if (walk(w, b, ns, depth + 1, &k, &nd) < 0)
			return -1;
		if (nd)
			seen[i] = nd->fullname;
		else if (k == AVRO_ARRAY)
			seen[i] = "array";
		else if (k == AVRO_MAP)
			seen[i] = "map";
		else
			seen[i] = primitive_name(k);
		for (j = 0; j < i; j++)
			if (strcmp(seen[j], seen[i]) == 0)
				return fail(w, "union with two branches of type %s", seen[i]);
	}
	strbuf_adds(&w->out, "]");
	return 0;
}

static int
walk(struct walk *w, json_t *node, const char *ns, int depth, avro_type_t *kind,
     const struct avro_named **named)
{
	const char *type;
	json_t *child;
	avro_type_t k;
	const struct avro_named *nd;

	*named = NULL;
	if (depth > AVRO_MAX_DEPTH)
		return fail(w, "schema nested more than %d levels deep", AVRO_MAX_DEPTH);
	if (json_is_string(node))
		return walk_name(w, json_string_value(node), ns, kind, named);
	if (json_is_array(node)) {
		*kind = AVRO_UNION;
		return walk_union(w, node, ns, depth);
	}
	if (!json_is_object(node))
		return fail(w, "a schema must be a string, an object or an array");
	type = json_string_value(json_object_get(node, "type"));
	if (!type)
		return fail(w, "schema object without a string \"type\"");
	if (primitive_kind(type, kind))
		return walk_name(w, type, ns, kind, named); /* [PRIMITIVES], [STRIP] */
	if (strcmp(type, "record") == 0) {
		*kind = AVRO_RECORD;
		return walk_named(w, node, AVRO_RECORD, type, ns, depth, named);
	}
	if (strcmp(type, "enum") == 0) {
		*kind = AVRO_ENUM;
		return walk_named(w, node, AVRO_ENUM, type, ns, depth, named);
	}
	if (strcmp(type, "fixed") == 0) {
		*kind = AVRO_FIXED;
		return walk_named(w, node, AVRO_FIXED, type, ns, depth, named);
	}
	if (strcmp(type, "array") == 0 || strcmp(type, "map") == 0) {
		bool is_array = type[0] == 'a';
		*kind = is_array ? AVRO_ARRAY : AVRO_MAP;
		child = json_object_get(node, is_array ? "items" : "values");
		if (!child)
			return fail(w, "%s without \"%s\"", type, is_array ? "items" : "values");
		strbuf_adds(&w->out, is_array ? "{\"type\":\"array\",\"items\":"
		                              : "{\"type\":\"map\",\"values\":");
		if (walk(w, child, ns, depth + 1, &k, &nd) < 0)
			return -1;
		strbuf_adds(&w->out, "}");
		return 0;
	}
	/* {"type": "Name"} refers to a named type, as Java accepts. */
	return walk_name(w, type, ns, kind, named);
}

void
avro_names_free(struct avro_names *names)
{
	if (!names)
		return;
	for (size_t i = 0; i < names->n; i++) {
		free(names->named[i]->fullname);
		free(names->named[i]->ns);
		free(names->named[i]);
	}
	free(names->named);
	free(names->pcf);
	json_decref(names->root);
	free(names);
}

struct avro_names *
avro_names_new(json_t *schema, char *err, size_t errlen)
{
	struct walk w = {.err = err, .errlen = errlen};
	avro_type_t kind;
	const struct avro_named *named;

	strbuf_init(&w.out, SIZE_MAX);
	if (errlen)
		err[0] = '\0';
	w.names = calloc(1, sizeof(*w.names));
	if (!w.names) {
		fail(&w, "out of memory");
		return NULL;
	}
	w.names->root = json_incref(schema);
	if (walk(&w, schema, NULL, 0, &kind, &named) < 0) {
		strbuf_free(&w.out);
		avro_names_free(w.names);
		return NULL;
	}
	w.names->pcf = strbuf_take(&w.out, NULL);
	if (!w.names->pcf) {
		fail(&w, "out of memory");
		avro_names_free(w.names);
		return NULL;
	}
	return w.names;
}

json_t *
avro_names_root(const struct avro_names *names)
{
	return names->root;
}

const char *
avro_names_pcf(const struct avro_names *names)
{
	return names->pcf;
}

/* A reference to a named type: the node takes its kind and definition. */
static int
named_node(const struct avro_named *named, struct avro_node *out)
{
	out->kind = named->kind;
	out->def = named->def;
	out->named = named;
	out->ns = named->ns;
	return 0;
}

int
avro_names_resolve(const struct avro_names *names, json_t *node, const char *ns,
                   struct avro_node *out)
{
	const char *type;
	const struct avro_named *named = NULL;

	memset(out, 0, sizeof(*out));
	out->def = node;
	out->ns = ns;
	if (json_is_array(node)) {
		out->kind = AVRO_UNION;
		return 0;
	}
	if (json_is_string(node)) {
		type = json_string_value(node);
	} else if (json_is_object(node)) {
		type = json_string_value(json_object_get(node, "type"));
		if (!type)
			return -1;
		if (strcmp(type, "array") == 0 || strcmp(type, "map") == 0) {
			out->kind = type[0] == 'a' ? AVRO_ARRAY : AVRO_MAP;
			return 0;
		}
		if (strcmp(type, "record") == 0 || strcmp(type, "enum") == 0 ||
		    strcmp(type, "fixed") == 0) {
			for (size_t i = 0; i < names->n && !named; i++)
				if (names->named[i]->def == node)
					named = names->named[i];
			return named ? named_node(named, out) : -1;
		}
		if (primitive_kind(type, &out->kind)) {
			out->logical = json_string_value(json_object_get(node, "logicalType"));
			return 0;
		}
	} else {
		return -1;
	}
	if (primitive_kind(type, &out->kind))
		return 0;
	named = lookup(names, type, ns);
	return named ? named_node(named, out) : -1;
}

const char *
avro_node_type_name(const struct avro_node *n)
{
	if (n->named)
		return n->named->fullname;
	if (n->kind == AVRO_ARRAY)
		return "array";
	if (n->kind == AVRO_MAP)
		return "map";
	if (n->kind == AVRO_UNION)
		return "union";
	return primitive_name(n->kind);
}

char *
avro_canonical_form(const char *schema_json, size_t len, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root;
	struct avro_names *names;
	char *pcf;

	root = json_loadb(schema_json, len,
	                  JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!root) {
		snprintf(err, errlen, "schema is not JSON: %s (line %d, column %d)", jerr.text,
		         jerr.line, jerr.column);
		return NULL;
	}
	names = avro_names_new(root, err, errlen);
	json_decref(root);
	if (!names)
		return NULL;
	pcf = names->pcf;
	names->pcf = NULL;
	avro_names_free(names);
	return pcf;
}

/* Table-driven Rabin fingerprint, as in the specification's reference code. */
static uint64_t crc64_table[256];

static void
crc64_init(void)
{
	for (int i = 0; i < 256; i++) {
		uint64_t fp = (uint64_t)i;
		for (int j = 0; j < 8; j++)
			fp = (fp >> 1) ^ (AVRO_CRC64_EMPTY & (0 - (fp & 1)));
		crc64_table[i] = fp;
	}
}

uint64_t
avro_crc64(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t fp = AVRO_CRC64_EMPTY;

	if (crc64_table[1] == 0)
		crc64_init();
	for (size_t i = 0; i < n; i++)
		fp = (fp >> 8) ^ crc64_table[(fp ^ s[i]) & 0xff];
	return fp;
}

uint64_t
avro_fingerprint(const char *pcf)
{
	return avro_crc64(pcf, strlen(pcf));
}
