/*
 * schemaset.c — the schemas of a directory, single-object encoding, and the
 * hostile-input decoder: validate the datum bytes against the writer schema
 * with a bounded walker of our own, then let avro-c read them, resolving the
 * writer to the newest version of the same record.
 *
 * avro-c 1.11.1 cannot apply defaults during resolution ("TODO: Handle default
 * values" in resolved-writer.c: a reader field missing in the writer makes the
 * pair incompatible) and maps enums by index, not by symbol. So a resolution
 * goes through a projection of the reader schema onto the writer: reader
 * fields the writer lacks are left out, and enums carry the writer's symbols.
 * avro-c resolves writer -> projection (promotions, field order, unions); when
 * the projection differs from the reader, the value then goes to the reader
 * through JSON, which fills defaults and maps enum symbols by name.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wire/schemaset.h"

#define SCHEMA_FILE_MAX      (1024 * 1024)
#define ZERO_WIDTH_ITEMS_MAX 65536 /* items that occupy no bytes (null, empty record) */

struct resolution {
	enum schemaset_status status;
	char *error;
	avro_value_iface_t *iface; /* resolved writer */
	avro_value_t value;
	bool has_value;
	bool via_json; /* projection differs from the reader */
	struct avro_names *proj_names;
	avro_schema_t proj_schema;
	avro_value_iface_t *proj_iface;
	avro_value_t proj_value;
	bool has_proj_value;
};

struct schema_entry_state {
	avro_value_t enc; /* scratch for schemaset_encode */
	avro_value_t dec; /* decode target when this entry is the reader */
	const struct schema_entry *latest;
	struct resolution *res; /* this entry as writer -> latest, built on first use */
};

struct schemaset {
	struct schema_entry *entries;
	size_t n;
	avro_reader_t reader;
};

static int
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- loading ----------------------------------------------------------- */

/* <Name>.v<N>.avsc with N a positive decimal without leading zeros. */
static bool
parse_file_name(const char *fn, char *name, size_t namelen, int *version)
{
	size_t n = strlen(fn);
	const char *v;
	long ver = 0;

	if (n < 8 || strcmp(fn + n - 5, ".avsc") != 0)
		return false;
	v = NULL;
	for (const char *p = fn; p < fn + n - 5; p++)
		if (p[0] == '.' && p[1] == 'v')
			v = p;
	if (!v || v == fn || (size_t)(v - fn) >= namelen || v[2] < '1' || v[2] > '9')
		return false;
	for (const char *p = v + 2; p < fn + n - 5; p++) {
		if (*p < '0' || *p > '9' || ver > 100000000)
			return false;
		ver = ver * 10 + (*p - '0');
	}
	memcpy(name, fn, (size_t)(v - fn));
	name[v - fn] = '\0';
	*version = (int)ver;
	return true;
}

static char *
read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	struct stat st;

	if (!f) {
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) < 0 || st.st_size > SCHEMA_FILE_MAX) {
		fclose(f);
		set_err(err, errlen, "%s: unreadable or larger than %d bytes", path,
		        SCHEMA_FILE_MAX);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		fclose(f);
		set_err(err, errlen, "out of memory");
		return NULL;
	}
	*len = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

static void
resolution_free(struct resolution *res)
{
	if (!res)
		return;
	if (res->has_value)
		avro_value_decref(&res->value);
	if (res->iface)
		avro_value_iface_decref(res->iface);
	if (res->has_proj_value)
		avro_value_decref(&res->proj_value);
	if (res->proj_iface)
		avro_value_iface_decref(res->proj_iface);
	if (res->proj_schema)
		avro_schema_decref(res->proj_schema);
	avro_names_free(res->proj_names);
	free(res->error);
	free(res);
}

static void
entry_free(struct schema_entry *e)
{
	if (e->state) {
		resolution_free(e->state->res);
		if (e->state->enc.iface)
			avro_value_decref(&e->state->enc);
		if (e->state->dec.iface)
			avro_value_decref(&e->state->dec);
		free(e->state);
	}
	if (e->iface)
		avro_value_iface_decref(e->iface);
	if (e->schema)
		avro_schema_decref(e->schema);
	avro_names_free(e->names);
	json_decref(e->json);
	free(e->fullname);
	free(e->file);
}

/* Values avro-c stores in no bytes: its arrays of them cannot grow ("Couldn't
 * expand array"), so such schemas are refused at load rather than per message. */
static bool
stored_in_no_bytes(avro_schema_t s, int depth)
{
	if (depth > AVRO_MAX_DEPTH)
		return false;
	switch (avro_typeof(s)) {
	case AVRO_FIXED:
		return avro_schema_fixed_size(s) == 0;
	case AVRO_LINK:
		return stored_in_no_bytes(avro_schema_link_target(s), depth + 1);
	case AVRO_RECORD:
		for (size_t i = 0; i < avro_schema_record_size(s); i++)
			if (!stored_in_no_bytes(avro_schema_record_field_get_by_index(s, (int)i),
			                        depth + 1))
				return false;
		return true;
	default:
		return false;
	}
}

/* Links are not followed: the named type they point to is checked where defined. */
static bool
avro_c_can_hold(avro_schema_t s, int depth)
{
	if (depth > AVRO_MAX_DEPTH)
		return true;
	switch (avro_typeof(s)) {
	case AVRO_ARRAY:
		return !stored_in_no_bytes(avro_schema_array_items(s), 0) &&
		       avro_c_can_hold(avro_schema_array_items(s), depth + 1);
	case AVRO_MAP:
		return avro_c_can_hold(avro_schema_map_values(s), depth + 1);
	case AVRO_UNION:
		for (size_t i = 0; i < avro_schema_union_size(s); i++)
			if (!avro_c_can_hold(avro_schema_union_branch(s, (int)i), depth + 1))
				return false;
		return true;
	case AVRO_RECORD:
		for (size_t i = 0; i < avro_schema_record_size(s); i++)
			if (!avro_c_can_hold(avro_schema_record_field_get_by_index(s, (int)i),
			                     depth + 1))
				return false;
		return true;
	default:
		return true;
	}
}

static int
entry_load(struct schema_entry *e, const char *dir, const char *fn, char *err, size_t errlen)
{
	char want[256], path[4096];
	json_error_t jerr;
	struct avro_node root;
	size_t len;
	char *text;
	const char *dot;

	if (!parse_file_name(fn, want, sizeof(want), &e->version))
		return set_err(err, errlen, "%s/%s: file name is not <Name>.v<N>.avsc", dir, fn);
	snprintf(path, sizeof(path), "%s/%s", dir, fn);
	e->file = strdup(path);
	text = read_file(path, &len, err, errlen);
	if (!e->file || !text) {
		free(text);
		return -1;
	}
	e->json = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!e->json) {
		free(text);
		return set_err(err, errlen, "%s:%d:%d: %s", path, jerr.line, jerr.column,
		               jerr.text);
	}
	e->names = avro_names_new(e->json, err, errlen);
	if (!e->names) {
		char inner[256];
		snprintf(inner, sizeof(inner), "%s", err);
		free(text);
		return set_err(err, errlen, "%s: %s", path, inner);
	}
	if (avro_names_resolve(e->names, e->json, NULL, &root) < 0 || root.kind != AVRO_RECORD) {
		free(text);
		return set_err(err, errlen, "%s: an event schema must be a record", path);
	}
	e->fullname = strdup(root.named->fullname);
	if (!e->fullname) {
		free(text);
		return set_err(err, errlen, "out of memory");
	}
	dot = strrchr(e->fullname, '.');
	e->name = dot ? dot + 1 : e->fullname;
	if (strcmp(e->name, want) != 0) {
		free(text);
		return set_err(err, errlen, "%s: defines record %s, not %s", path, e->name, want);
	}
	free(text);
	e->pcf = avro_names_pcf(e->names);
	e->fingerprint = avro_fingerprint(e->pcf);
	/* avro-c gets the PCF: it ignores what PCF strips, and its parser refuses the
	 * \u0000 that a bytes default may hold. */
	if (avro_schema_from_json_length(e->pcf, strlen(e->pcf), &e->schema)) {
		e->schema = NULL;
		return set_err(err, errlen, "%s: avro-c refuses the schema: %s", path,
		               avro_strerror());
	}
	if (!avro_c_can_hold(e->schema, 0))
		return set_err(err, errlen,
		               "%s: avro-c cannot hold arrays of items without content (empty "
		               "records, fixed of size 0)",
		               path);
	e->iface = avro_generic_class_from_schema(e->schema);
	e->state = calloc(1, sizeof(*e->state));
	if (!e->iface || !e->state)
		return set_err(err, errlen, "%s: %s", path, avro_strerror());
	if (avro_generic_value_new(e->iface, &e->state->enc) ||
	    avro_generic_value_new(e->iface, &e->state->dec))
		return set_err(err, errlen, "%s: %s", path, avro_strerror());
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
check_set(struct schemaset *set, char *err, size_t errlen)
{
	for (size_t i = 0; i < set->n; i++) {
		struct schema_entry *e = &set->entries[i];
		const struct schema_entry *latest = e;
		for (size_t j = 0; j < set->n; j++) {
			const struct schema_entry *o = &set->entries[j];
			if (j != i && o->fingerprint == e->fingerprint)
				return set_err(err, errlen,
				               "%s and %s have the same canonical form: a new "
				               "version must change the schema",
				               e->file, o->file);
			if (strcmp(o->fullname, e->fullname) == 0) {
				if (j != i && o->version == e->version)
					return set_err(err, errlen, "%s and %s: same version",
					               e->file, o->file);
				if (o->version > latest->version)
					latest = o;
			}
		}
		e->state->latest = latest;
	}
	return 0;
}

struct schemaset *
schemaset_load(const char *dir, char *err, size_t errlen)
{
	struct schemaset *set = calloc(1, sizeof(*set));
	DIR *d;
	struct dirent *de;
	char **files = NULL;
	size_t nfiles = 0, cap = 0;

	if (!set) {
		set_err(err, errlen, "out of memory");
		return NULL;
	}
	d = opendir(dir);
	if (!d) {
		set_err(err, errlen, "%s: %s", dir, strerror(errno));
		free(set);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (n < 5 || strcmp(de->d_name + n - 5, ".avsc") != 0)
			continue;
		if (nfiles == cap) {
			cap = cap ? 2 * cap : 32;
			char **p = realloc(files, cap * sizeof(*p));
			if (!p)
				break;
			files = p;
		}
		files[nfiles] = strdup(de->d_name);
		if (!files[nfiles])
			break;
		nfiles++;
	}
	closedir(d);
	if (nfiles)
		qsort(files, nfiles, sizeof(*files), cmp_str);
	set->entries = calloc(nfiles ? nfiles : 1, sizeof(*set->entries));
	set->reader = avro_reader_memory("", 0);
	if (!set->entries || !set->reader) {
		set_err(err, errlen, "out of memory");
		goto fail;
	}
	if (nfiles == 0) {
		set_err(err, errlen, "%s: no *.avsc schemas", dir);
		goto fail;
	}
	for (size_t i = 0; i < nfiles; i++) {
		set->n++;
		if (entry_load(&set->entries[i], dir, files[i], err, errlen) < 0)
			goto fail;
	}
	if (check_set(set, err, errlen) < 0)
		goto fail;
	for (size_t i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	return set;
fail:
	for (size_t i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	schemaset_free(set);
	return NULL;
}

void
schemaset_free(struct schemaset *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		entry_free(&set->entries[i]);
	free(set->entries);
	if (set->reader)
		avro_reader_free(set->reader);
	free(set);
}

size_t
schemaset_count(const struct schemaset *set)
{
	return set->n;
}

const struct schema_entry *
schemaset_at(const struct schemaset *set, size_t i)
{
	return i < set->n ? &set->entries[i] : NULL;
}

const struct schema_entry *
schemaset_by_fingerprint(const struct schemaset *set, uint64_t fp)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->entries[i].fingerprint == fp)
			return &set->entries[i];
	return NULL;
}

const struct schema_entry *
schemaset_latest(const struct schemaset *set, const char *name)
{
	const struct schema_entry *found = NULL;
	bool full = strchr(name, '.') != NULL;

	for (size_t i = 0; i < set->n; i++) {
		const struct schema_entry *e = &set->entries[i];
		if (strcmp(full ? e->fullname : e->name, name) != 0)
			continue;
		if (found && strcmp(found->fullname, e->fullname) != 0)
			return NULL; /* one short name, two namespaces */
		found = e->state->latest;
	}
	return found;
}

const char *
schemaset_status_code(enum schemaset_status st)
{
	switch (st) {
	case SCHEMASET_OK:
		return "ok";
	case SCHEMASET_ENOMARKER:
		return "missing-marker";
	case SCHEMASET_EUNKNOWN:
		return "unknown-fingerprint";
	case SCHEMASET_ETOOLARGE:
		return "too-large";
	case SCHEMASET_ETRUNCATED:
		return "truncated";
	case SCHEMASET_ETRAILING:
		return "trailing-bytes";
	case SCHEMASET_EMALFORMED:
		return "malformed";
	case SCHEMASET_EINCOMPATIBLE:
		return "incompatible-schema";
	case SCHEMASET_EVALUE:
		return "invalid-value";
	case SCHEMASET_EINTERNAL:
		return "internal";
	}
	return "unknown";
}

/* ---- encoding ---------------------------------------------------------- */

int
schemaset_encode_value(const struct schema_entry *e, avro_value_t *v, void **buf, size_t *len,
                       char *err, size_t errlen)
{
	avro_writer_t w;
	size_t size;
	unsigned char *out;
	avro_schema_t vs = avro_value_get_schema(v);

	*buf = NULL;
	*len = 0;
	if (vs != e->schema && !avro_schema_equal(vs, e->schema)) {
		set_err(err, errlen, "value is not of schema %s", e->file);
		return SCHEMASET_EVALUE;
	}
	if (avro_value_sizeof(v, &size)) {
		set_err(err, errlen, "cannot size value: %s", avro_strerror());
		return SCHEMASET_EVALUE;
	}
	out = malloc(SCHEMASET_HEADER_LEN + size);
	if (!out) {
		set_err(err, errlen, "out of memory");
		return SCHEMASET_EINTERNAL;
	}
	out[0] = 0xc3;
	out[1] = 0x01;
	for (int i = 0; i < 8; i++)
		out[2 + i] = (unsigned char)(e->fingerprint >> (8 * i));
	w = avro_writer_memory((const char *)out + SCHEMASET_HEADER_LEN, (int64_t)size);
	if (!w || avro_value_write(w, v) || (size_t)avro_writer_tell(w) != size) {
		set_err(err, errlen, "cannot write value: %s", avro_strerror());
		if (w)
			avro_writer_free(w);
		free(out);
		return SCHEMASET_EVALUE;
	}
	avro_writer_free(w);
	*buf = out;
	*len = SCHEMASET_HEADER_LEN + size;
	return SCHEMASET_OK;
}

int
schemaset_encode(const struct schema_entry *e, json_t *doc, void **buf, size_t *len, char *err,
                 size_t errlen)
{
	avro_value_t *v = &e->state->enc;

	*buf = NULL;
	*len = 0;
	if (avro_value_reset(v)) {
		set_err(err, errlen, "%s", avro_strerror());
		return SCHEMASET_EINTERNAL;
	}
	if (avro_json_to_value_names(v, e->names, doc, 0, err, errlen) < 0)
		return SCHEMASET_EVALUE;
	return schemaset_encode_value(e, v, buf, len, err, errlen);
}

/* ---- validation of untrusted datum bytes ------------------------------- */

struct cursor {
	const unsigned char *p;
	size_t pos, len;
	size_t base; /* offset of the datum in the message, for byte positions */
	size_t zero_items;
	enum schemaset_status st;
	char *err;
	size_t errlen;
};

static int
cur_fail(struct cursor *c, enum schemaset_status st, size_t at, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	c->st = st;
	if (st == SCHEMASET_ETRUNCATED)
		set_err(c->err, c->errlen, "truncated datum at byte %zu%s%s", c->base + at,
		        what[0] ? ": " : "", what);
	else
		set_err(c->err, c->errlen, "malformed datum at byte %zu: %s", c->base + at, what);
	return -1;
}

static int
read_varint(struct cursor *c, int64_t *out)
{
	uint64_t v = 0;
	size_t start = c->pos;

	for (int i = 0;; i++) {
		if (c->pos >= c->len)
			return cur_fail(c, SCHEMASET_ETRUNCATED, start, "");
		unsigned char b = c->p[c->pos++];
		if (i == 9 && b > 1)
			return cur_fail(c, SCHEMASET_EMALFORMED, start,
			                "varint longer than 64 bits");
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			break;
	}
	*out = (int64_t)((v >> 1) ^ (0 - (v & 1)));
	return 0;
}

static int
read_int(struct cursor *c, int64_t *out)
{
	size_t start = c->pos;

	if (read_varint(c, out) < 0)
		return -1;
	if (*out < INT32_MIN || *out > INT32_MAX)
		return cur_fail(c, SCHEMASET_EMALFORMED, start, "int out of range");
	return 0;
}

/* Length-prefixed bytes: 0 <= length <= what is left. */
static int
read_len(struct cursor *c, size_t *n)
{
	size_t start = c->pos;
	int64_t l;

	if (read_varint(c, &l) < 0)
		return -1;
	if (l < 0)
		return cur_fail(c, SCHEMASET_EMALFORMED, start, "negative length %" PRId64, l);
	if ((uint64_t)l > c->len - c->pos)
		return cur_fail(c, SCHEMASET_ETRUNCATED, start,
		                "length %" PRId64 " exceeds the %zu bytes left", l,
		                c->len - c->pos);
	*n = (size_t)l;
	return 0;
}

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF), no NUL. */
static bool
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char b = s[i];
		size_t k;
		uint32_t cp;

		if (b == 0)
			return false;
		if (b < 0x80) {
			i++;
			continue;
		}
		if (b >= 0xc2 && b <= 0xdf) {
			k = 1;
			cp = b & 0x1f;
		} else if (b >= 0xe0 && b <= 0xef) {
			k = 2;
			cp = b & 0x0f;
		} else if (b >= 0xf0 && b <= 0xf4) {
			k = 3;
			cp = b & 0x07;
		} else {
			return false;
		}
		if (n - i <= k)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += k + 1;
	}
	return true;
}

static int
read_string(struct cursor *c)
{
	size_t start = c->pos, n;

	if (read_len(c, &n) < 0)
		return -1;
	if (!utf8_valid(c->p + c->pos, n))
		return cur_fail(c, SCHEMASET_EMALFORMED, start, "string is not UTF-8 or has NUL");
	c->pos += n;
	return 0;
}

static int
skip_fixed(struct cursor *c, size_t n)
{
	if (c->len - c->pos < n)
		return cur_fail(c, SCHEMASET_ETRUNCATED, c->pos, "");
	c->pos += n;
	return 0;
}

/* Whether a value of s can occupy zero bytes; unknown depth counts as yes. */
static bool
zero_width(avro_schema_t s, int depth)
{
	if (depth > AVRO_MAX_DEPTH)
		return true;
	switch (avro_typeof(s)) {
	case AVRO_NULL:
		return true;
	case AVRO_FIXED:
		return avro_schema_fixed_size(s) == 0;
	case AVRO_LINK:
		return zero_width(avro_schema_link_target(s), depth + 1);
	case AVRO_RECORD:
		for (size_t i = 0; i < avro_schema_record_size(s); i++)
			if (!zero_width(avro_schema_record_field_get_by_index(s, (int)i),
			                depth + 1))
				return false;
		return true;
	default:
		return false;
	}
}

static int validate(struct cursor *c, avro_schema_t s, int depth);

static int
validate_blocks(struct cursor *c, avro_schema_t s, int depth)
{
	bool is_map = avro_typeof(s) == AVRO_MAP;
	avro_schema_t item = is_map ? avro_schema_map_values(s) : avro_schema_array_items(s);
	bool zero = !is_map && zero_width(item, 0);

	for (;;) {
		size_t start = c->pos, body = 0, bytes = 0;
		bool sized = false;
		int64_t count;

		if (read_varint(c, &count) < 0)
			return -1;
		if (count == 0)
			return 0;
		if (count < 0) {
			if (count == INT64_MIN)
				return cur_fail(c, SCHEMASET_EMALFORMED, start,
				                "block count overflow");
			count = -count;
			if (read_len(c, &bytes) < 0)
				return -1;
			sized = true;
			body = c->pos;
		}
		if (zero) {
			if ((uint64_t)count > ZERO_WIDTH_ITEMS_MAX - c->zero_items)
				return cur_fail(c, SCHEMASET_EMALFORMED, start,
				                "more than %d items without content",
				                ZERO_WIDTH_ITEMS_MAX);
			c->zero_items += (size_t)count;
		} else if ((uint64_t)count > c->len - c->pos) {
			return cur_fail(c, SCHEMASET_ETRUNCATED, start,
			                "block of %" PRId64 " items exceeds the %zu bytes left",
			                count, c->len - c->pos);
		}
		for (int64_t i = 0; i < count; i++) {
			if (is_map && read_string(c) < 0)
				return -1;
			if (validate(c, item, depth + 1) < 0)
				return -1;
		}
		if (sized && c->pos - body != bytes)
			return cur_fail(c, SCHEMASET_EMALFORMED, start,
			                "block size %zu does not match its %zu bytes of items",
			                bytes, c->pos - body);
	}
}

static int
validate(struct cursor *c, avro_schema_t s, int depth)
{
	size_t start = c->pos, n;
	int64_t v;

	if (depth > AVRO_MAX_DEPTH)
		return cur_fail(c, SCHEMASET_EMALFORMED, start, "nested deeper than %d levels",
		                AVRO_MAX_DEPTH);
	switch (avro_typeof(s)) {
	case AVRO_NULL:
		return 0;
	case AVRO_BOOLEAN:
		if (c->pos >= c->len)
			return cur_fail(c, SCHEMASET_ETRUNCATED, start, "");
		if (c->p[c->pos] > 1)
			return cur_fail(c, SCHEMASET_EMALFORMED, start, "boolean is not 0 or 1");
		c->pos++;
		return 0;
	case AVRO_INT32:
		return read_int(c, &v);
	case AVRO_INT64:
		return read_varint(c, &v);
	case AVRO_FLOAT:
		return skip_fixed(c, 4);
	case AVRO_DOUBLE:
		return skip_fixed(c, 8);
	case AVRO_BYTES:
		if (read_len(c, &n) < 0)
			return -1;
		c->pos += n;
		return 0;
	case AVRO_STRING:
		return read_string(c);
	case AVRO_FIXED:
		return skip_fixed(c, (size_t)avro_schema_fixed_size(s));
	case AVRO_ENUM:
		if (read_int(c, &v) < 0)
			return -1;
		if (v < 0 || v >= avro_schema_enum_number_of_symbols(s))
			return cur_fail(c, SCHEMASET_EMALFORMED, start,
			                "enum index %" PRId64 " out of range", v);
		return 0;
	case AVRO_UNION:
		if (read_varint(c, &v) < 0)
			return -1;
		if (v < 0 || (uint64_t)v >= avro_schema_union_size(s))
			return cur_fail(c, SCHEMASET_EMALFORMED, start,
			                "union index %" PRId64 " out of range", v);
		return validate(c, avro_schema_union_branch(s, (int)v), depth + 1);
	case AVRO_RECORD:
		for (size_t i = 0; i < avro_schema_record_size(s); i++)
			if (validate(c, avro_schema_record_field_get_by_index(s, (int)i),
			             depth + 1) < 0)
				return -1;
		return 0;
	case AVRO_ARRAY:
	case AVRO_MAP:
		return validate_blocks(c, s, depth);
	case AVRO_LINK:
		return validate(c, avro_schema_link_target(s), depth);
	default:
		return cur_fail(c, SCHEMASET_EMALFORMED, start, "unsupported schema type");
	}
}

/* ---- resolution -------------------------------------------------------- */

struct projection {
	const struct avro_names *reader, *writer;
	const struct avro_named **done;
	size_t ndone;
	bool differs;
	char *err;
	size_t errlen;
};

static json_t *project(struct projection *pj, json_t *node, const char *ns);

static json_t *
project_named(struct projection *pj, const struct avro_node *n)
{
	const struct avro_named *w = avro_names_find(pj->writer, n->named->fullname);
	json_t *out, *fields, *f, *val;
	const char *key;
	size_t i;

	for (i = 0; i < pj->ndone; i++)
		if (pj->done[i] == n->named)
			return json_string(n->named->fullname);
	if (pj->ndone % 16 == 0) {
		const struct avro_named **p = realloc(pj->done, (pj->ndone + 16) * sizeof(*p));
		if (!p)
			return NULL;
		pj->done = p;
	}
	pj->done[pj->ndone++] = n->named;
	out = json_object();
	json_object_foreach(n->def, key, val)
	{
		if (strcmp(key, "fields") != 0 && strcmp(key, "symbols") != 0 &&
		    strcmp(key, "default") != 0)
			json_object_set(out, key, val);
	}
	/* Full names everywhere, so that moving definitions keeps their meaning. */
	json_object_set_new(out, "name", json_string(n->named->fullname));
	json_object_set_new(out, "namespace", json_string(n->named->ns ? n->named->ns : ""));
	if (n->kind == AVRO_ENUM) {
		json_t *rs = json_object_get(n->def, "symbols");
		json_t *ws = w && w->kind == AVRO_ENUM ? json_object_get(w->def, "symbols") : rs;
		if (!json_equal(rs, ws))
			pj->differs = true;
		json_object_set(out, "symbols", ws);
		if (ws == rs && json_object_get(n->def, "default"))
			json_object_set(out, "default", json_object_get(n->def, "default"));
	}
	if (n->kind != AVRO_RECORD)
		return out;
	fields = json_array();
	json_object_set_new(out, "fields", fields);
	json_array_foreach(json_object_get(n->def, "fields"), i, f)
	{
		const char *fname = json_string_value(json_object_get(f, "name"));
		bool in_writer = true;
		json_t *copy, *type;

		if (w && w->kind == AVRO_RECORD) {
			size_t j;
			json_t *wf;
			in_writer = false;
			json_array_foreach(json_object_get(w->def, "fields"), j, wf)
			{
				if (strcmp(json_string_value(json_object_get(wf, "name")), fname) ==
				    0)
					in_writer = true;
			}
		}
		if (!in_writer) {
			if (!json_object_get(f, "default")) {
				json_decref(out);
				set_err(pj->err, pj->errlen,
				        "reader field %s.%s is not in the writer and has no default",
				        n->named->fullname, fname);
				return NULL;
			}
			pj->differs = true;
			continue;
		}
		type = project(pj, json_object_get(f, "type"), n->named->ns);
		copy = json_deep_copy(f);
		if (!type || !copy || json_object_set_new(copy, "type", type) ||
		    json_array_append_new(fields, copy)) {
			json_decref(copy);
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

/* Rebuilds a reader schema node: definitions at their first use that survives. */
static json_t *
project(struct projection *pj, json_t *node, const char *ns)
{
	struct avro_node n;
	json_t *out, *b, *child;
	size_t i;

	if (avro_names_resolve(pj->reader, node, ns, &n) < 0)
		return NULL;
	switch (n.kind) {
	case AVRO_RECORD:
	case AVRO_ENUM:
	case AVRO_FIXED:
		return project_named(pj, &n);
	case AVRO_UNION:
		out = json_array();
		json_array_foreach(node, i, b)
		{
			child = project(pj, b, ns);
			if (!child || json_array_append_new(out, child)) {
				json_decref(out);
				return NULL;
			}
		}
		return out;
	case AVRO_ARRAY:
	case AVRO_MAP:
		child = project(
		        pj, json_object_get(node, n.kind == AVRO_ARRAY ? "items" : "values"), ns);
		if (!child)
			return NULL;
		return json_pack("{s:s, s:o}", "type", n.kind == AVRO_ARRAY ? "array" : "map",
		                 n.kind == AVRO_ARRAY ? "items" : "values", child);
	default:
		return json_incref(node);
	}
}

static struct resolution *
resolution_new(const struct schema_entry *w, const struct schema_entry *r)
{
	struct resolution *res = calloc(1, sizeof(*res));
	char why[256] = "";
	json_t *proj = NULL;
	const char *text;
	struct projection pj = {
	        .reader = r->names, .writer = w->names, .err = why, .errlen = sizeof(why)};

	if (!res)
		return NULL;
	proj = project(&pj, r->json, NULL);
	free(pj.done);
	if (!proj) {
		res->status = SCHEMASET_EINCOMPATIBLE;
		goto fail;
	}
	if (!pj.differs) {
		json_decref(proj);
		res->iface = avro_resolved_writer_new(w->schema, r->schema);
	} else {
		res->via_json = true;
		res->proj_names = avro_names_new(proj, why, sizeof(why));
		json_decref(proj);
		if (!res->proj_names) {
			res->status = SCHEMASET_EINTERNAL;
			goto fail;
		}
		text = avro_names_pcf(res->proj_names);
		if (avro_schema_from_json_length(text, strlen(text), &res->proj_schema)) {
			res->proj_schema = NULL;
			snprintf(why, sizeof(why), "%s", avro_strerror());
			res->status = SCHEMASET_EINTERNAL;
			goto fail;
		}
		res->proj_iface = avro_generic_class_from_schema(res->proj_schema);
		if (!res->proj_iface || avro_generic_value_new(res->proj_iface, &res->proj_value)) {
			snprintf(why, sizeof(why), "%s", avro_strerror());
			res->status = SCHEMASET_EINTERNAL;
			goto fail;
		}
		res->has_proj_value = true;
		res->iface = avro_resolved_writer_new(w->schema, res->proj_schema);
	}
	if (!res->iface) {
		snprintf(why, sizeof(why), "%s", avro_strerror());
		res->status = SCHEMASET_EINCOMPATIBLE;
		goto fail;
	}
	if (avro_resolved_writer_new_value(res->iface, &res->value)) {
		snprintf(why, sizeof(why), "%s", avro_strerror());
		res->status = SCHEMASET_EINTERNAL;
		goto fail;
	}
	res->has_value = true;
	return res;
fail:
	if (asprintf(&res->error, "%s: %s cannot be read as %s: %s",
	             res->status == SCHEMASET_EINCOMPATIBLE ? "incompatible writer schema"
	                                                    : "cannot resolve writer schema",
	             w->file, r->file, why) < 0)
		res->error = NULL;
	return res;
}

/* ---- decoding ---------------------------------------------------------- */

enum schemaset_status
schemaset_decode_value(struct schemaset *set, const void *msg, size_t len, size_t max_len,
                       const struct schema_entry **writer, const struct schema_entry **reader,
                       avro_value_t **value, char *err, size_t errlen)
{
	const unsigned char *p = msg;
	const struct schema_entry *w, *r;
	struct cursor cur;
	avro_value_t *dest;
	uint64_t fp = 0;

	*writer = *reader = NULL;
	*value = NULL;
	if (len > max_len) {
		set_err(err, errlen, "message too large (%zu bytes, limit %zu)", len, max_len);
		return SCHEMASET_ETOOLARGE;
	}
	if (len < 2 || p[0] != 0xc3 || p[1] != 0x01) {
		set_err(err, errlen, "not single-object encoded (missing C3 01 marker)");
		return SCHEMASET_ENOMARKER;
	}
	if (len < SCHEMASET_HEADER_LEN) {
		set_err(err, errlen, "truncated datum at byte %zu: header is %d bytes", len,
		        SCHEMASET_HEADER_LEN);
		return SCHEMASET_ETRUNCATED;
	}
	for (int i = 7; i >= 0; i--)
		fp = (fp << 8) | p[2 + i];
	w = schemaset_by_fingerprint(set, fp);
	if (!w) {
		set_err(err, errlen, "unknown schema fingerprint 0x%016" PRIx64, fp);
		return SCHEMASET_EUNKNOWN;
	}
	*writer = w;
	r = w->state->latest;
	*reader = r;

	cur = (struct cursor){.p = p + SCHEMASET_HEADER_LEN,
	                      .len = len - SCHEMASET_HEADER_LEN,
	                      .base = SCHEMASET_HEADER_LEN,
	                      .err = err,
	                      .errlen = errlen};
	if (validate(&cur, w->schema, 0) < 0)
		return cur.st;
	if (cur.pos != cur.len) {
		set_err(err, errlen, "trailing bytes after datum (%zu bytes from byte %zu)",
		        cur.len - cur.pos, SCHEMASET_HEADER_LEN + cur.pos);
		return SCHEMASET_ETRAILING;
	}

	avro_reader_memory_set_source(set->reader, (const char *)p + SCHEMASET_HEADER_LEN,
	                              (int64_t)(len - SCHEMASET_HEADER_LEN));
	if (w == r) {
		dest = &r->state->dec;
		if (avro_value_reset(dest) || avro_value_read(set->reader, dest))
			goto fail;
		*value = dest;
		return SCHEMASET_OK;
	}
	if (!w->state->res)
		w->state->res = resolution_new(w, r);
	struct resolution *res = w->state->res;
	if (!res) {
		set_err(err, errlen, "out of memory");
		return SCHEMASET_EINTERNAL;
	}
	if (res->status != SCHEMASET_OK) {
		set_err(err, errlen, "%s", res->error ? res->error : "incompatible writer schema");
		return res->status;
	}
	dest = res->via_json ? &res->proj_value : &r->state->dec;
	if (avro_value_reset(dest))
		goto fail;
	avro_resolved_writer_set_dest(&res->value, dest);
	if (avro_value_read(set->reader, &res->value))
		goto fail;
	if (res->via_json) {
		char why[256];
		json_t *j = avro_json_from_value_names(dest, res->proj_names, AVRO_JSON_STRICT, why,
		                                       sizeof(why));
		int rc = -1;
		if (j && avro_value_reset(&r->state->dec) == 0)
			rc = avro_json_to_value_names(&r->state->dec, r->names, j,
			                              AVRO_JSON_RESOLVE, why, sizeof(why));
		json_decref(j);
		if (rc < 0) {
			set_err(err, errlen, "cannot read %s as %s: %s", w->file, r->file, why);
			return SCHEMASET_EVALUE;
		}
	}
	*value = &r->state->dec;
	return SCHEMASET_OK;
fail:
	set_err(err, errlen, "avro-c cannot read a validated datum: %s", avro_strerror());
	return SCHEMASET_EINTERNAL;
}

enum schemaset_status
schemaset_decode(struct schemaset *set, const void *msg, size_t len, size_t max_len,
                 enum avro_json_mode mode, struct schemaset_decoded *out, char *err, size_t errlen)
{
	avro_value_t *v;
	enum schemaset_status st;

	out->datum = NULL;
	st = schemaset_decode_value(set, msg, len, max_len, &out->writer, &out->reader, &v, err,
	                            errlen);
	if (st != SCHEMASET_OK)
		return st;
	out->datum = avro_json_from_value_names(v, out->reader->names, mode, err, errlen);
	return out->datum ? SCHEMASET_OK : SCHEMASET_EVALUE;
}
