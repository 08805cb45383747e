/*
 * test_avro.c — the Avro layer against other implementations and hostile bytes:
 * canonical forms and fingerprints of every schema equal those Apache Avro for
 * Python and fastavro compute (tests/unit/avro_fingerprints.tsv), fastavro's
 * messages decode to its JSON and our encoding equals its bytes, every schema
 * round-trips in both JSON forms, older versions resolve with defaults, and
 * the decoder refuses malformed, truncated, oversized and over-deep input.
 *
 * Runs from the checkout root (tests/run.sh does).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glob.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wire/avro_canonical.h"
#include "wire/avro_json.h"
#include "wire/schemaset.h"

#define FINGERPRINTS "tests/unit/avro_fingerprints.tsv"
#define WIRE         "tests/unit/schemas/wire.tsv"
#define TEST_SCHEMAS "tests/unit/schemas"
#define REGENERATE   "python3 tests/tools/avro_fingerprints.py"
#define MAX_MSG      (1024 * 1024)

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static json_t *
parse_json(const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);

	if (!j)
		fail_msg("test JSON does not parse: %s: %s", jerr.text, text);
	return j;
}

static char *
dump(json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
}

static struct schemaset *
load(const char *dir)
{
	char err[512];
	struct schemaset *set = schemaset_load(dir, err, sizeof(err));

	if (!set)
		fail_msg("cannot load %s: %s", dir, err);
	return set;
}

static const struct schema_entry *
entry(struct schemaset *set, const char *file)
{
	for (size_t i = 0; i < schemaset_count(set); i++)
		if (strcmp(schemaset_at(set, i)->file, file) == 0)
			return schemaset_at(set, i);
	fail_msg("no schema %s", file);
	return NULL;
}

/* Encodes a STRICT or PLAIN document; the test fails on error. */
static unsigned char *
encode(const struct schema_entry *e, const char *doc_text, size_t *len)
{
	json_t *doc = parse_json(doc_text);
	char err[512];
	void *buf;
	int rc = schemaset_encode(e, doc, &buf, len, err, sizeof(err));

	json_decref(doc);
	if (rc != 0)
		fail_msg("cannot encode %s: %s", doc_text, err);
	return buf;
}

static json_t *
decode(struct schemaset *set, const void *msg, size_t len, enum avro_json_mode mode)
{
	struct schemaset_decoded d;
	char err[512];
	enum schemaset_status st =
	        schemaset_decode(set, msg, len, MAX_MSG, mode, &d, err, sizeof(err));

	if (st != SCHEMASET_OK)
		fail_msg("cannot decode: %s (%s)", err, schemaset_status_code(st));
	return d.datum;
}

/* The decoder's verdict on msg; err receives the message. */
static enum schemaset_status
verdict(struct schemaset *set, const void *msg, size_t len, char *err, size_t errlen)
{
	struct schemaset_decoded d;
	enum schemaset_status st =
	        schemaset_decode(set, msg, len, MAX_MSG, AVRO_JSON_STRICT, &d, err, errlen);

	if (st == SCHEMASET_OK)
		json_decref(d.datum);
	else
		assert_null(d.datum);
	return st;
}

/* Header of e followed by a hand-made datum. */
static size_t
frame(const struct schema_entry *e, const void *datum, size_t n, unsigned char *out)
{
	out[0] = 0xc3;
	out[1] = 0x01;
	for (int i = 0; i < 8; i++)
		out[2 + i] = (unsigned char)(e->fingerprint >> (8 * i));
	memcpy(out + SCHEMASET_HEADER_LEN, datum, n);
	return SCHEMASET_HEADER_LEN + n;
}

static size_t
zigzag(int64_t v, unsigned char *out)
{
	uint64_t n = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
	size_t i = 0;

	while (n & ~UINT64_C(0x7f)) {
		out[i++] = (unsigned char)((n & 0x7f) | 0x80);
		n >>= 7;
	}
	out[i++] = (unsigned char)n;
	return i;
}

static void
assert_json_equal(json_t *want, json_t *got, const char *what)
{
	if (!json_equal(want, got)) {
		char *a = dump(want), *b = dump(got);
		fail_msg("%s:\n  want %s\n  got  %s", what, a, b);
	}
}

/* ---- canonical form and fingerprints ------------------------------------ */

static void
crc64_of_nothing_is_the_empty_constant(void **state)
{
	(void)state;
	assert_true(avro_crc64("", 0) == AVRO_CRC64_EMPTY);
	assert_true(avro_fingerprint("") == UINT64_C(0xc15d213aa4d7a795));
	assert_true(avro_fingerprint("\"int\"") != avro_fingerprint("\"long\""));
}

struct expected_row {
	char *path, *pcf;
	uint64_t fp;
	bool seen;
};

static size_t
read_expected(struct expected_row *rows, size_t max)
{
	size_t len, n = 0;
	char *text = slurp(FINGERPRINTS, &len), *line, *save = NULL;

	if (!text)
		fail_msg("%s is missing: run `%s` from the checkout root", FINGERPRINTS,
		         REGENERATE);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *t1, *t2;
		if (line[0] == '#')
			continue;
		t1 = strchr(line, '\t');
		t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		assert_non_null(t2);
		assert_true(n < max);
		*t1 = *t2 = '\0';
		rows[n].path = strdup(line);
		rows[n].pcf = strdup(t1 + 1);
		rows[n].fp = strtoull(t2 + 1, NULL, 16);
		rows[n].seen = false;
		n++;
	}
	free(text);
	return n;
}

static void
every_schema_matches_the_reference_fingerprint(void **state)
{
	struct expected_row rows[512];
	size_t nrows = read_expected(rows, 512), checked = 0;
	glob_t g;
	char err[256];

	(void)state;
	assert_int_equal(glob("schemas/*.avsc", 0, NULL, &g), 0);
	glob(TEST_SCHEMAS "/*.avsc", GLOB_APPEND, NULL, &g);
	glob(TEST_SCHEMAS "/*/*.avsc", GLOB_APPEND, NULL, &g);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *path = g.gl_pathv[i];
		struct expected_row *row = NULL;
		size_t len;
		char *text, *pcf;

		for (size_t j = 0; j < nrows && !row; j++)
			if (strcmp(rows[j].path, path) == 0)
				row = &rows[j];
		if (!row)
			fail_msg("%s has no expected fingerprint in %s: run `%s` and commit both",
			         path, FINGERPRINTS, REGENERATE);
		row->seen = true;
		text = slurp(path, &len);
		assert_non_null(text);
		pcf = avro_canonical_form(text, len, err, sizeof(err));
		if (!pcf)
			fail_msg("%s: %s", path, err);
		if (strcmp(pcf, row->pcf) != 0)
			fail_msg(
			        "%s: canonical form differs from Apache Avro/fastavro\n  want %s\n  "
			        "got  %s",
			        path, row->pcf, pcf);
		if (avro_fingerprint(pcf) != row->fp)
			fail_msg("%s: fingerprint 0x%016" PRIx64 ", expected 0x%016" PRIx64, path,
			         avro_fingerprint(pcf), row->fp);
		free(pcf);
		free(text);
		checked++;
	}
	for (size_t j = 0; j < nrows; j++) {
		if (!rows[j].seen)
			fail_msg("%s lists %s, which no longer exists: run `%s`", FINGERPRINTS,
			         rows[j].path, REGENERATE);
		free(rows[j].path);
		free(rows[j].pcf);
	}
	globfree(&g);
	assert_true(checked >= 10);
}

static char *
pcf_of(const char *json)
{
	char err[256];
	char *pcf = avro_canonical_form(json, strlen(json), err, sizeof(err));

	if (!pcf)
		fail_msg("%s: %s", json, err);
	return pcf;
}

/* Spellings of one schema that the specification says are the same schema. */
static void
canonical_form_ignores_presentation(void **state)
{
	static const char *const same[][2] = {
	        {"{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"a\",\"fields\":[{\"name\":"
	         "\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"X\"]}},{"
	         "\"name\":\"f\",\"type\":\"E\"}]}",
	         /* key order, whitespace, dotted names, full-name reference, {"type":"E"}, docs */
	         " { \"fields\" : [ {\"type\":{\"symbols\":[\"X\"],\"name\":\"a.E\",\"type\":"
	         "\"enum\",\"doc\":\"\\u00e9\"},\"name\":\"e\",\"default\":\"X\"},\n{\"name\":"
	         "\"f\",\"type\":{\"type\":\"a.E\"}, \"order\":\"ignore\"} ],\"name\":\"a.R\","
	         "\"type\":\"record\",\"aliases\":[\"Q\"] }"},
	        {"\"string\"", "{\"type\":\"string\",\"logicalType\":\"uuid\"}"},
	        {"{\"type\":\"array\",\"items\":\"long\"}",
	         "{\"items\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"type\":"
	         "\"array\",\"default\":[]}"},
	        {"{\"type\":\"fixed\",\"name\":\"x.F\",\"size\":16}",
	         "{\"type\":\"fixed\",\"name\":\"F\",\"namespace\":\"x\",\"size\":16,"
	         "\"logicalType\":\"decimal\",\"precision\":4}"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		char *a = pcf_of(same[i][0]), *b = pcf_of(same[i][1]);
		if (strcmp(a, b) != 0)
			fail_msg("case %zu: %s != %s", i, a, b);
		free(a);
		free(b);
	}
}

static void
canonical_form_refuses_invalid_schemas(void **state)
{
	static const char *const bad[][2] = {
	        {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"Nope\"}]}",
	         "R.a: undefined type \"Nope\""},
	        {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"R\"},{"
	         "\"name\":\"b\",\"type\":{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}}]}",
	         "redefinition of R"},
	        {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
	         "{\"name\":\"a\",\"type\":\"long\"}]}",
	         "duplicate field \"a\""},
	        {"{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"A\"]}",
	         "duplicate symbol \"A\""},
	        {"{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"],\"default\":\"B\"}",
	         "default is not one of its symbols"},
	        {"{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"1A\"]}", "invalid symbol"},
	        {"[\"null\",[\"int\"]]", "union directly inside a union"},
	        {"[\"string\",{\"type\":\"string\",\"logicalType\":\"uuid\"}]",
	         "two branches of type string"},
	        {"{\"type\":\"fixed\",\"name\":\"F\",\"size\":-1}", "size"},
	        {"{\"type\":\"fixed\",\"name\":\"F\",\"size\":1.5}", "size"},
	        {"{\"type\":\"record\",\"name\":\"a..b\",\"fields\":[]}", "valid \"name\""},
	        {"{\"type\":\"record\",\"name\":\"int\",\"fields\":[]}", "primitive type name"},
	        {"{\"type\":\"record\",\"name\":\"R\"}", "\"fields\" must be an array"},
	        {"{\"type\":\"array\"}", "without \"items\""},
	        {"{\"name\":\"x\"}", "without a string \"type\""},
	        {"42", "must be a string, an object or an array"},
	        {"{\"type\":\"record\",\"name\":\"R\",\"fields\":[],\"fields\":[]}", "not JSON"},
	        {"{\"type\":\"int\"", "not JSON"},
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *pcf = avro_canonical_form(bad[i][0], strlen(bad[i][0]), err, sizeof(err));
		if (pcf)
			fail_msg("accepted %s as %s", bad[i][0], pcf);
		if (!strstr(err, bad[i][1]))
			fail_msg("%s: error \"%s\" does not say \"%s\"", bad[i][0], err, bad[i][1]);
	}
}

static void
canonical_form_refuses_runaway_nesting(void **state)
{
	char json[8192] = "";
	char err[256];
	char *pcf;

	(void)state;
	for (int i = 0; i < 200; i++)
		strcat(json, "{\"type\":\"array\",\"items\":");
	strcat(json, "\"int\"");
	for (int i = 0; i < 200; i++)
		strcat(json, "}");
	pcf = avro_canonical_form(json, strlen(json), err, sizeof(err));
	assert_null(pcf);
	assert_non_null(strstr(err, "nested more than"));
}

/* ---- schema set ------------------------------------------------------- */

static void
schemaset_indexes_every_version(void **state)
{
	struct schemaset *set = load(TEST_SCHEMAS);
	char err[256];

	(void)state;
	for (size_t i = 0; i < schemaset_count(set); i++) {
		const struct schema_entry *e = schemaset_at(set, i);
		size_t len;
		char *text = slurp(e->file, &len), *pcf;

		assert_ptr_equal(schemaset_by_fingerprint(set, e->fingerprint), e);
		pcf = avro_canonical_form(text, len, err, sizeof(err));
		assert_string_equal(pcf, e->pcf);
		assert_non_null(strstr(e->file, e->name));
		assert_non_null(e->iface);
		assert_non_null(e->schema);
		free(pcf);
		free(text);
	}
	const struct schema_entry *v2 = schemaset_latest(set, "Melding");
	assert_non_null(v2);
	assert_int_equal(v2->version, 2);
	assert_string_equal(v2->fullname, "nl.zaakstroom.test.Melding");
	assert_ptr_equal(schemaset_latest(set, "nl.zaakstroom.test.Melding"), v2);
	assert_null(schemaset_latest(set, "nl.zaakstroom.Melding"));
	assert_null(schemaset_latest(set, "Ontbreekt"));
	assert_null(schemaset_by_fingerprint(set, 0));
	assert_int_equal(schemaset_latest(set, "Knoop")->version, 1);
	schemaset_free(set);
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
remove_dir(const char *dir)
{
	char pattern[512];
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s/*", dir);
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			unlink(g.gl_pathv[i]);
		globfree(&g);
	}
	rmdir(dir);
}

static void
schemaset_refuses_bad_directories(void **state)
{
	static const char rec[] =
	        "{\"type\":\"record\",\"name\":\"A\",\"namespace\":\"t\",\"fields\":[]}";
	static const struct {
		const char *file, *text, *why;
	} cases[] = {
	        {"A.avsc", rec, "not <Name>.v<N>.avsc"},
	        {"A.v0.avsc", rec, "not <Name>.v<N>.avsc"},
	        {"A.v01.avsc", rec, "not <Name>.v<N>.avsc"},
	        {"B.v1.avsc", rec, "defines record A, not B"},
	        {"A.v1.avsc", "{\"type\":\"enum\",\"name\":\"A\",\"symbols\":[]}",
	         "must be a record"},
	        {"A.v1.avsc", "{\"type\":", "A.v1.avsc:1"},
	        {"A.v1.avsc", "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\"}]}",
	         "A.x: field has no type"},
	        {"A.v1.avsc",
	         "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":{"
	         "\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"E\",\"fields\":[]}}}]}",
	         "avro-c cannot hold arrays of items without content"},
	};
	char dir[] = "/tmp/test_avro.XXXXXX", err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_non_null(mkdtemp(dir));
		write_file(dir, cases[i].file, cases[i].text);
		assert_null(schemaset_load(dir, err, sizeof(err)));
		if (!strstr(err, cases[i].why))
			fail_msg("%s: \"%s\" does not say \"%s\"", cases[i].file, err,
			         cases[i].why);
		remove_dir(dir);
		strcpy(dir, "/tmp/test_avro.XXXXXX");
	}
	/* Two versions with one canonical form: the fingerprint would be ambiguous. */
	assert_non_null(mkdtemp(dir));
	write_file(dir, "A.v1.avsc", rec);
	write_file(dir, "A.v2.avsc",
	           "{\"type\":\"record\",\"name\":\"A\",\"namespace\":\"t\",\"doc\":\"x\","
	           "\"fields\":[]}");
	assert_null(schemaset_load(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "same canonical form"));
	remove_dir(dir);
	strcpy(dir, "/tmp/test_avro.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_null(schemaset_load(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "no *.avsc"));
	remove_dir(dir);
	assert_null(schemaset_load("/nonexistent/schemas", err, sizeof(err)));
}

/* Alles with only the fields that have no default. */
static const char ALLES_MINIMAL[] =
        "{\"leeg\":null,\"klein\":1,\"groot\":2,\"reeel\":0.5,\"dubbel\":1.0,\"tekst\":\"t\","
        "\"hash\":\"aaaaaaaaaaaaaaaaaaaa\",\"dag\":1,\"moment\":1,\"id\":\"x\","
        "\"bedrag\":\"\",\"adres\":{\"straat\":\"s\",\"punt\":{\"x\":1,\"y\":2}}}";

/* ---- round trips ------------------------------------------------------ */

/* STRICT sample -> bytes -> STRICT equals the sample; PLAIN -> bytes equal. */
static size_t
round_trip_set(const char *dir, int seeds)
{
	struct schemaset *set = load(dir);
	size_t checked = 0;
	char err[512];

	for (size_t i = 0; i < schemaset_count(set); i++) {
		const struct schema_entry *e = schemaset_at(set, i);
		if (schemaset_latest(set, e->fullname) != e)
			continue; /* older versions read as the newest: see the resolution tests */
		for (int s = 0; s < seeds; s++) {
			json_t *doc = avro_json_sample(e->json, (uint64_t)s * 1000003 + i), *back,
			       *plain;
			void *buf, *buf2;
			size_t len, len2;
			char what[600];

			if (!doc)
				fail_msg("%s: no sample", e->file);
			if (schemaset_encode(e, doc, &buf, &len, err, sizeof(err)) != 0)
				fail_msg("%s: sample %d does not encode: %s", e->file, s, err);
			back = decode(set, buf, len, AVRO_JSON_STRICT);
			snprintf(what, sizeof(what), "%s seed %d (strict)", e->file, s);
			assert_json_equal(doc, back, what);
			plain = decode(set, buf, len, AVRO_JSON_PLAIN);
			if (schemaset_encode(e, plain, &buf2, &len2, err, sizeof(err)) != 0)
				fail_msg("%s: plain form does not encode: %s", e->file, err);
			if (len2 != len || memcmp(buf, buf2, len) != 0)
				fail_msg("%s seed %d: plain JSON encodes to other bytes", e->file,
				         s);
			json_decref(doc);
			json_decref(back);
			json_decref(plain);
			free(buf);
			free(buf2);
			checked++;
		}
	}
	schemaset_free(set);
	return checked;
}

static void
every_event_schema_round_trips(void **state)
{
	(void)state;
	assert_true(round_trip_set("schemas", 40) > 0);
}

static void
every_test_schema_round_trips(void **state)
{
	(void)state;
	assert_true(round_trip_set(TEST_SCHEMAS, 200) > 0);
}

static void
plain_form_has_dates_instants_and_bare_unions(void **state)
{
	struct schemaset *set = load(TEST_SCHEMAS);
	const struct schema_entry *e = schemaset_latest(set, "Alles");
	/* Expected text from Python's datetime for the same numbers. */
	const char *strict =
	        "{\"leeg\":null,\"vlag\":true,\"klein\":1,\"groot\":2,\"reeel\":0.5,\"dubbel\":1.0,"
	        "\"ruw\":\"\",\"tekst\":\"t\",\"hash\":\"aaaaaaaaaaaaaaaaaaaa\",\"hash2\":null,"
	        "\"niveau\":\"hoog\",\"dag\":19876,\"moment\":1717171717171,\"id\":\"x\","
	        "\"bedrag\":\"\",\"adres\":{\"straat\":\"s\",\"punt\":{\"x\":1.0,\"y\":2.0},"
	        "\"vorige\":{\"nl.zaakstroom.test.geo.Punt\":{\"x\":3.0,\"y\":4.0}}},\"punten\":[],"
	        "\"kenmerken\":{\"k\":{\"long\":7}},\"keuze\":{\"string\":\"z\"},"
	        "\"optioneelDag\":{\"int\":-1},\"optioneelMoment\":null,"
	        "\"standaardAdres\":{\"straat\":\"\",\"punt\":{\"x\":0.0,\"y\":0.0},\"vorige\":null}}";
	size_t len;
	unsigned char *buf = encode(e, strict, &len);
	json_t *plain = decode(set, buf, len, AVRO_JSON_PLAIN);

	(void)state;
	assert_string_equal(json_string_value(json_object_get(plain, "dag")), "2024-06-02");
	assert_string_equal(json_string_value(json_object_get(plain, "moment")),
	                    "2024-05-31T16:08:37.171Z");
	assert_string_equal(json_string_value(json_object_get(plain, "optioneelDag")),
	                    "1969-12-31");
	assert_string_equal(json_string_value(json_object_get(plain, "keuze")), "z");
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(plain, "kenmerken"), "k")), 7);
	assert_true(json_real_value(json_object_get(
	                    json_object_get(json_object_get(plain, "adres"), "vorige"), "x")) ==
	            3.0);
	json_decref(plain);
	free(buf);
	schemaset_free(set);
}

/* Both JSON forms, text dates with offsets, and defaults give the same bytes. */
static void
json_reader_accepts_both_forms_and_defaults(void **state)
{
	struct schemaset *set = load(TEST_SCHEMAS);
	const struct schema_entry *e = schemaset_latest(set, "Alles");
	const char *strict =
	        "{\"leeg\":null,\"vlag\":true,\"klein\":1,\"groot\":2,\"reeel\":0.5,\"dubbel\":1,"
	        "\"ruw\":\"\\u00ff\\u0000\",\"tekst\":\"t\",\"hash\":\"aaaaaaaaaaaaaaaaaaaa\","
	        "\"hash2\":null,\"niveau\":\"laag\",\"dag\":19782,\"moment\":1717237815250,"
	        "\"id\":\"x\",\"bedrag\":\"\",\"adres\":{\"straat\":\"s\",\"punt\":{\"x\":1.0,"
	        "\"y\":2.0},\"vorige\":null},\"punten\":[],\"kenmerken\":{},\"keuze\":{\"array\":["
	        "\"laag\"]},\"optioneelDag\":{\"int\":19782},\"optioneelMoment\":null,"
	        "\"standaardAdres\":{\"straat\":\"Spui 70\",\"punt\":{\"x\":4.3,\"y\":52.08},"
	        "\"vorige\":null}}";
	/* Fields with defaults left out; dates as text (2024-02-29 is day 19782 by Python);
	 * the instant with a +02:00 offset; unions bare; a short name for a named branch. */
	const char *plain =
	        "{\"leeg\":null,\"klein\":1,\"groot\":2,\"reeel\":0.5,\"dubbel\":1.0,\"tekst\":\"t\","
	        "\"hash\":\"aaaaaaaaaaaaaaaaaaaa\",\"dag\":\"2024-02-29\","
	        "\"moment\":\"2024-06-01T12:30:15.250+02:00\",\"id\":\"x\",\"bedrag\":\"\","
	        "\"adres\":{\"straat\":\"s\",\"punt\":{\"x\":1,\"y\":2}},\"keuze\":[\"laag\"],"
	        "\"optioneelDag\":\"2024-02-29\"}";
	size_t l1, l2;
	unsigned char *b1 = encode(e, strict, &l1), *b2 = encode(e, plain, &l2);

	(void)state;
	assert_int_equal(l1, l2);
	assert_memory_equal(b1, b2, l1);
	free(b1);
	free(b2);
	schemaset_free(set);
}

/* A named branch wrapped by full name, by short name, or bare: one encoding. */
static void
json_reader_accepts_every_union_spelling(void **state)
{
	static const char *const vorige[] = {
	        "{\"nl.zaakstroom.test.geo.Punt\":{\"x\":3,\"y\":4}}",
	        "{\"Punt\":{\"x\":3,\"y\":4}}",
	        "{\"x\":3,\"y\":4.0}",
	};
	struct schemaset *set = load(TEST_SCHEMAS);
	const struct schema_entry *e = schemaset_latest(set, "Alles");
	const char *base = ALLES_MINIMAL;
	unsigned char *first = NULL;
	size_t first_len = 0;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(vorige) / sizeof(vorige[0]); i++) {
		json_t *doc = parse_json(base);
		void *buf;
		size_t len;
		json_object_set_new(json_object_get(doc, "adres"), "vorige", parse_json(vorige[i]));
		assert_int_equal(schemaset_encode(e, doc, &buf, &len, err, sizeof(err)), 0);
		if (!first) {
			first = buf;
			first_len = len;
		} else {
			assert_int_equal(len, first_len);
			assert_memory_equal(buf, first, len);
			free(buf);
		}
		json_decref(doc);
	}
	/* A wrapped branch whose value does not fit is an error, not something else. */
	json_t *doc = parse_json(base);
	void *buf;
	size_t len;
	json_object_set_new(json_object_get(doc, "adres"), "vorige", parse_json("{\"Punt\":null}"));
	assert_int_equal(schemaset_encode(e, doc, &buf, &len, err, sizeof(err)), SCHEMASET_EVALUE);
	assert_string_equal(err, "adres.vorige: expected object, got null");
	json_decref(doc);
	free(first);
	schemaset_free(set);
}

static void
json_errors_name_the_field_path(void **state)
{
	static const struct {
		const char *patch, *error;
	} cases[] = {
	        {"{\"niveau\":\"x\"}", "niveau: unknown symbol \"x\""},
	        {"{\"adres\":{\"straat\":\"s\",\"punt\":{\"x\":\"1\",\"y\":2}}}",
	         "adres.punt.x: expected number, got string"},
	        {"{\"punten\":[{\"x\":1,\"y\":2},{\"x\":1}]}",
	         "punten[1].y: missing, and the schema has no default"},
	        {"{\"adres\":{\"straat\":\"s\",\"punt\":{\"x\":1,\"y\":2},\"huisnummer\":3}}",
	         "adres.huisnummer: unknown field"},
	        {"{\"kenmerken\":{\"b\":true}}",
	         "kenmerken[\"b\"]: expected one of [null, string, long], got boolean"},
	        {"{\"keuze\":{\"array\":[\"laag\",\"x\"]}}", "keuze[1]: unknown symbol \"x\""},
	        {"{\"dag\":\"2023-02-29\"}", "dag: invalid date"},
	        {"{\"moment\":\"2024-01-01 10:00\"}", "moment: invalid timestamp"},
	        {"{\"klein\":2147483648}", "klein: 2147483648 out of range for int"},
	        {"{\"hash\":\"abc\"}",
	         "hash: expected 20 bytes for fixed nl.zaakstroom.crypto.Sha1"},
	        {"{\"ruw\":\"\\u20ac\"}", "ruw: bytes must be ISO-8859-1"},
	        {"{\"tekst\":\"a\\u0000b\"}", "tekst: string contains NUL"},
	        {"{\"reeel\":1e39}", "reeel: out of range for float"},
	        {"{\"optioneelDag\":\"gisteren\"}", "optioneelDag: invalid date"},
	        {"{\"extra\":1}", "extra: unknown field"},
	};
	const char *base = ALLES_MINIMAL;
	struct schemaset *set = load(TEST_SCHEMAS);
	const struct schema_entry *e = schemaset_latest(set, "Alles");
	char err[512];
	void *buf;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *doc = parse_json(base), *patch = parse_json(cases[i].patch);
		json_object_update(doc, patch);
		int rc = schemaset_encode(e, doc, &buf, &len, err, sizeof(err));
		assert_int_equal(rc, SCHEMASET_EVALUE);
		if (strncmp(err, cases[i].error, strlen(cases[i].error)) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].patch, err,
			         cases[i].error);
		assert_null(buf);
		json_decref(doc);
		json_decref(patch);
	}
	/* The base itself is fine, and a required field left out is named. */
	json_t *doc = parse_json(base);
	assert_int_equal(schemaset_encode(e, doc, &buf, &len, err, sizeof(err)), 0);
	free(buf);
	json_object_del(doc, "klein");
	assert_int_equal(schemaset_encode(e, doc, &buf, &len, err, sizeof(err)), SCHEMASET_EVALUE);
	assert_string_equal(err, "klein: missing, and the schema has no default");
	json_decref(doc);
	schemaset_free(set);
}

/* The json_t-schema entry points agree with the indexed ones. */
static void
json_functions_work_on_a_bare_schema(void **state)
{
	json_t *schema = parse_json("{\"type\":\"record\",\"name\":\"R\",\"fields\":["
	                            "{\"name\":\"d\",\"type\":[\"null\",{\"type\":\"int\","
	                            "\"logicalType\":\"date\"}]},{\"name\":\"s\",\"type\":"
	                            "\"string\",\"default\":\"\\u00e9\"}]}");
	json_t *src = parse_json("{\"d\":\"1970-01-02\"}"), *strict, *plain, *want_strict,
	       *want_plain;
	avro_schema_t as;
	avro_value_iface_t *iface;
	avro_value_t v;
	const char *s;
	size_t size;
	char err[256];
	char *text = json_dumps(schema, JSON_COMPACT);

	(void)state;
	assert_int_equal(avro_schema_from_json_length(text, strlen(text), &as), 0);
	iface = avro_generic_class_from_schema(as);
	assert_int_equal(avro_generic_value_new(iface, &v), 0);
	assert_int_equal(avro_json_to_value(&v, schema, src, err, sizeof(err)), 0);
	avro_value_t field;
	avro_value_get_by_name(&v, "s", &field, NULL);
	avro_value_get_string(&field, &s, &size);
	assert_int_equal(size, strlen("\xc3\xa9") + 1); /* avro-c counts the NUL */
	strict = avro_json_from_value(&v, schema, AVRO_JSON_STRICT);
	plain = avro_json_from_value(&v, schema, AVRO_JSON_PLAIN);
	want_strict = parse_json("{\"d\":{\"int\":1},\"s\":\"\\u00e9\"}");
	want_plain = parse_json("{\"d\":\"1970-01-02\",\"s\":\"\\u00e9\"}");
	assert_json_equal(want_strict, strict, "strict");
	assert_json_equal(want_plain, plain, "plain");
	json_decref(want_strict);
	json_decref(want_plain);
	json_decref(strict);
	json_decref(plain);
	avro_value_decref(&v);
	avro_value_iface_decref(iface);
	avro_schema_decref(as);
	json_decref(schema);
	json_decref(src);
	free(text);
}

/* ---- other implementations' bytes ------------------------------------- */

static unsigned char *
unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	unsigned char *out = malloc(n ? n : 1);

	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (unsigned char)v;
	}
	*len = n;
	return out;
}

static void
fastavro_messages_decode_and_encode_identically(void **state)
{
	struct schemaset *set = load(TEST_SCHEMAS);
	size_t len, rows = 0, resolved = 0;
	char *text = slurp(WIRE, &len), *line, *save = NULL;

	(void)state;
	if (!text)
		fail_msg("%s is missing: run `%s`", WIRE, REGENERATE);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *col[5], *p = line;
		size_t mlen, elen;
		unsigned char *msg, *mine;
		json_t *doc, *expected, *got;
		struct schemaset_decoded d;
		char err[512];

		if (line[0] == '#')
			continue;
		for (int i = 0; i < 5; i++) {
			col[i] = p;
			p = strchr(p, '\t');
			if (i < 4) {
				assert_non_null(p);
				*p++ = '\0';
			}
		}
		msg = unhex(col[3], &mlen);
		doc = parse_json(col[2]);
		expected = parse_json(col[4]);
		assert_int_equal(schemaset_decode(set, msg, mlen, MAX_MSG, AVRO_JSON_STRICT, &d,
		                                  err, sizeof(err)),
		                 SCHEMASET_OK);
		assert_string_equal(d.writer->file, col[0]);
		assert_string_equal(d.reader->file, col[1]);
		got = d.datum;
		assert_json_equal(expected, got, col[0]);
		if (strcmp(col[0], col[1]) == 0) {
			mine = encode(d.writer, col[2], &elen);
			assert_int_equal(elen, mlen);
			assert_memory_equal(mine, msg, mlen);
			free(mine);
		} else {
			/* Our own v1 bytes resolve the same way. */
			mine = encode(entry(set, col[0]), col[2], &elen);
			json_t *again = decode(set, mine, elen, AVRO_JSON_STRICT);
			assert_json_equal(expected, again, "resolved from our bytes");
			json_decref(again);
			free(mine);
			resolved++;
		}
		json_decref(got);
		json_decref(doc);
		json_decref(expected);
		free(msg);
		rows++;
	}
	free(text);
	assert_true(rows >= 4);
	assert_true(resolved >= 2);
	schemaset_free(set);
}

/* ---- resolution ------------------------------------------------------- */

static void
older_version_reads_as_newest_with_defaults(void **state)
{
	struct schemaset *set = load(TEST_SCHEMAS);
	const struct schema_entry *v1 = entry(set, TEST_SCHEMAS "/Melding.v1.avsc"), *w, *r;
	size_t len;
	unsigned char *buf =
	        encode(v1,
	               "{\"id\":\"m\",\"ernst\":\"hoog\",\"aantal\":3,\"melder\":{\"naam\":\"n\"},"
	               "\"vervallen\":\"x\"}",
	               &len);
	avro_value_t *v, field;
	const char *s;
	size_t size;
	int64_t aantal;
	int ernst;
	char err[256];

	(void)state;
	for (int round = 0; round < 3; round++) { /* the cached resolver gives the same */
		assert_int_equal(schemaset_decode_value(set, buf, len, MAX_MSG, &w, &r, &v, err,
		                                        sizeof(err)),
		                 SCHEMASET_OK);
		assert_ptr_equal(w, v1);
		assert_int_equal(r->version, 2);
		assert_ptr_equal(avro_value_get_schema(v), r->schema);
		avro_value_get_by_name(v, "kanaal", &field, NULL);
		avro_value_get_string(&field, &s, &size);
		assert_string_equal(s, "web");
		assert_int_equal(size, 4);
		avro_value_get_by_name(v, "aantal", &field, NULL);
		avro_value_get_long(&field, &aantal);
		assert_int_equal(aantal, 3);
		avro_value_get_by_name(v, "ernst", &field, NULL);
		avro_value_get_enum(&field, &ernst);
		assert_int_equal(ernst, 2); /* "hoog" moved from index 1 to 2 */
	}
	free(buf);
	schemaset_free(set);
}

static void
incompatible_versions_are_refused(void **state)
{
	struct schemaset *set = load(TEST_SCHEMAS);
	size_t len;
	unsigned char *breuk =
	        encode(entry(set, TEST_SCHEMAS "/Breuk.v1.avsc"), "{\"id\":\"b\"}", &len);
	size_t len2;
	unsigned char *omslag =
	        encode(entry(set, TEST_SCHEMAS "/Omslag.v1.avsc"), "{\"waarde\":\"12\"}", &len2);
	char err[512];

	(void)state;
	for (int round = 0; round < 2; round++) {
		assert_int_equal(verdict(set, breuk, len, err, sizeof(err)),
		                 SCHEMASET_EINCOMPATIBLE);
		assert_non_null(strstr(err, "incompatible writer schema"));
		assert_non_null(strstr(err, "verplicht"));
		assert_int_equal(verdict(set, omslag, len2, err, sizeof(err)),
		                 SCHEMASET_EINCOMPATIBLE);
		assert_non_null(strstr(err, "incompatible writer schema"));
	}
	/* The newest versions themselves are fine. */
	unsigned char *ok =
	        encode(schemaset_latest(set, "Breuk"), "{\"id\":\"b\",\"verplicht\":\"v\"}", &len);
	assert_int_equal(verdict(set, ok, len, err, sizeof(err)), SCHEMASET_OK);
	free(ok);
	free(breuk);
	free(omslag);
	schemaset_free(set);
}

/* ---- hostile bytes ---------------------------------------------------- */

static void
decoder_refuses_foreign_framing(void **state)
{
	struct schemaset *set = load(TEST_SCHEMAS);
	const struct schema_entry *e = schemaset_latest(set, "Breuk");
	size_t len;
	unsigned char *buf = encode(e, "{\"id\":\"b\",\"verplicht\":\"v\"}", &len);
	unsigned char copy[64];
	char err[256];

	(void)state;
	assert_int_equal(verdict(set, "", 0, err, sizeof(err)), SCHEMASET_ENOMARKER);
	assert_string_equal(err, "not single-object encoded (missing C3 01 marker)");
	assert_int_equal(verdict(set, "{\"id\":1}", 8, err, sizeof(err)), SCHEMASET_ENOMARKER);
	/* Confluent framing: magic 0, 4-byte schema id */
	assert_int_equal(verdict(set, "\x00\x00\x00\x00\x01\x02", 6, err, sizeof(err)),
	                 SCHEMASET_ENOMARKER);
	memcpy(copy, buf, len);
	copy[1] = 0x02;
	assert_int_equal(verdict(set, copy, len, err, sizeof(err)), SCHEMASET_ENOMARKER);
	memcpy(copy, buf, len);
	copy[5] ^= 0x40;
	assert_int_equal(verdict(set, copy, len, err, sizeof(err)), SCHEMASET_EUNKNOWN);
	char want[64];
	uint64_t fp = e->fingerprint ^ ((uint64_t)0x40 << 24);
	snprintf(want, sizeof(want), "unknown schema fingerprint 0x%016" PRIx64, fp);
	assert_string_equal(err, want);
	struct schemaset_decoded d;
	assert_int_equal(
	        schemaset_decode(set, buf, len, len - 1, AVRO_JSON_STRICT, &d, err, sizeof(err)),
	        SCHEMASET_ETOOLARGE);
	assert_non_null(strstr(err, "message too large"));
	assert_null(d.datum);
	assert_int_equal(verdict(set, buf, len, err, sizeof(err)), SCHEMASET_OK);
	free(buf);
	schemaset_free(set);
}

static void
decoder_refuses_every_truncation_and_trailing_bytes(void **state)
{
	struct schemaset *set = load(TEST_SCHEMAS);
	size_t len;
	char *text = slurp(WIRE, &len), *row = strstr(text, "\ttests/unit/schemas/Alles.v1.avsc\t");
	char err[256];
	unsigned char *msg, *longer;

	(void)state;
	/* The first fastavro message of Alles: every field type on the wire. */
	assert_non_null(row);
	row = strchr(row + 1, '\t') + 1;
	row = strchr(row, '\t') + 1;
	*strchr(row, '\t') = '\0';
	msg = unhex(row, &len);
	assert_true(len > 100);
	for (size_t cut = 0; cut < len; cut++) {
		enum schemaset_status st = verdict(set, msg, cut, err, sizeof(err));
		if (cut < 2)
			assert_int_equal(st, SCHEMASET_ENOMARKER);
		else if (st != SCHEMASET_ETRUNCATED || strncmp(err, "truncated datum at byte ", 24))
			fail_msg("cut at %zu: %s (%s)", cut, err, schemaset_status_code(st));
	}
	longer = malloc(len + 3);
	memcpy(longer, msg, len);
	memcpy(longer + len, "\x00\x01\x02", 3);
	for (size_t extra = 1; extra <= 3; extra++) {
		assert_int_equal(verdict(set, longer, len + extra, err, sizeof(err)),
		                 SCHEMASET_ETRAILING);
		assert_non_null(strstr(err, "trailing bytes after datum"));
	}
	assert_int_equal(verdict(set, msg, len, err, sizeof(err)), SCHEMASET_OK);
	free(longer);
	free(msg);
	free(text);
	schemaset_free(set);
}

struct hostile {
	const char *what;
	const char *schema; /* newest version of this record */
	unsigned char datum[64];
	size_t n;
	enum schemaset_status st;
	const char *says;
};

static void
decoder_refuses_malformed_datums(void **state)
{
	/* Breuk.v2 = {id: string, verplicht: string}; Knoop = {waarde: int, volgende: [null,
	 * Knoop]}; Melding.v2 starts {id: string, ernst: enum(4)}; Alles starts {null, boolean}. */
	static const struct hostile cases[] = {
	        {"negative length", "Breuk", {0x01}, 1, SCHEMASET_EMALFORMED, "negative length -1"},
	        {"huge length",
	         "Breuk",
	         {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01},
	         10,
	         SCHEMASET_ETRUNCATED,
	         "exceeds the 0 bytes left"},
	        {"length past the end",
	         "Breuk",
	         {0x08, 'a', 'b'},
	         3,
	         SCHEMASET_ETRUNCATED,
	         "length 4 exceeds the 2 bytes left"},
	        {"varint of 11 bytes",
	         "Breuk",
	         {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
	         11,
	         SCHEMASET_EMALFORMED,
	         "varint longer than 64 bits"},
	        {"invalid UTF-8",
	         "Breuk",
	         {0x04, 0xc3, 0x28, 0x00},
	         4,
	         SCHEMASET_EMALFORMED,
	         "not UTF-8"},
	        {"overlong UTF-8",
	         "Breuk",
	         {0x04, 0xc0, 0x80, 0x00},
	         4,
	         SCHEMASET_EMALFORMED,
	         "not UTF-8"},
	        {"surrogate in UTF-8",
	         "Breuk",
	         {0x06, 0xed, 0xa0, 0x80, 0x00},
	         5,
	         SCHEMASET_EMALFORMED,
	         "not UTF-8"},
	        {"NUL in a string",
	         "Breuk",
	         {0x04, 'a', 0x00, 0x00},
	         4,
	         SCHEMASET_EMALFORMED,
	         "has NUL"},
	        {"union index too high",
	         "Knoop",
	         {0x02, 0x04},
	         2,
	         SCHEMASET_EMALFORMED,
	         "union index 2 out of range"},
	        {"negative union index",
	         "Knoop",
	         {0x02, 0x01},
	         2,
	         SCHEMASET_EMALFORMED,
	         "union index -1 out of range"},
	        {"int beyond 32 bits",
	         "Knoop",
	         {0x80, 0x80, 0x80, 0x80, 0x20, 0x00},
	         6,
	         SCHEMASET_EMALFORMED,
	         "int out of range"},
	        {"enum index too high",
	         "Melding",
	         {0x00, 0x08},
	         2,
	         SCHEMASET_EMALFORMED,
	         "enum index 4 out of range"},
	        {"negative enum index",
	         "Melding",
	         {0x00, 0x01},
	         2,
	         SCHEMASET_EMALFORMED,
	         "enum index -1 out of range"},
	        {"boolean 2", "Alles", {0x02}, 1, SCHEMASET_EMALFORMED, "boolean is not 0 or 1"},
	        {"zero-width items without end",
	         "Nullen",
	         {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01},
	         9,
	         SCHEMASET_EMALFORMED,
	         "items without content"},
	        {"zero-width items, negative count",
	         "Nullen",
	         {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00},
	         11,
	         SCHEMASET_EMALFORMED,
	         "block count overflow"},
	        {"block size that lies",
	         "Nullen",
	         {0x03, 0x02, 0x00, 0x00},
	         4,
	         SCHEMASET_EMALFORMED,
	         "block size 1 does not match"},
	        {"negative block size",
	         "Nullen",
	         {0x03, 0x01},
	         2,
	         SCHEMASET_EMALFORMED,
	         "negative length"},
	};
	struct schemaset *set = load(TEST_SCHEMAS);
	unsigned char msg[128];
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct schema_entry *e = schemaset_latest(set, cases[i].schema);
		size_t len = frame(e, cases[i].datum, cases[i].n, msg);
		enum schemaset_status st = verdict(set, msg, len, err, sizeof(err));
		if (st != cases[i].st || !strstr(err, cases[i].says))
			fail_msg("%s: got %s \"%s\", want %s \"%s\"", cases[i].what,
			         schemaset_status_code(st), err, schemaset_status_code(cases[i].st),
			         cases[i].says);
	}
	schemaset_free(set);
}

static void
decoder_bounds_item_counts(void **state)
{
	struct schemaset *set = load(TEST_SCHEMAS);
	const struct schema_entry *nullen = schemaset_latest(set, "Nullen");
	const struct schema_entry *melding = schemaset_latest(set, "Melding");
	unsigned char datum[64], msg[128];
	size_t n, len;
	char err[256];
	json_t *doc;

	(void)state;
	/* 1000 nulls take 3 bytes, and are fine; so are empty records under keys */
	n = zigzag(1000, datum);
	datum[n++] = 0;
	n += zigzag(2, datum + n);
	datum[n++] = 2;
	datum[n++] = 'a';
	datum[n++] = 2;
	datum[n++] = 'b';
	datum[n++] = 0;
	len = frame(nullen, datum, n, msg);
	doc = decode(set, msg, len, AVRO_JSON_STRICT);
	assert_int_equal(json_array_size(json_object_get(doc, "niets")), 1000);
	assert_int_equal(json_object_size(json_object_get(doc, "leeg")), 2);
	json_decref(doc);
	/* ... but 70000 are too many, even split over blocks */
	n = zigzag(40000, datum);
	n += zigzag(30000, datum + n);
	datum[n++] = 0;
	datum[n++] = 0;
	len = frame(nullen, datum, n, msg);
	assert_int_equal(verdict(set, msg, len, err, sizeof(err)), SCHEMASET_EMALFORMED);
	assert_non_null(strstr(err, "items without content"));
	/* Items with content: a count beyond the bytes left is refused before reading. */
	n = 0;
	datum[n++] = 0;                           /* id "" */
	datum[n++] = 0;                           /* ernst laag */
	datum[n++] = 0;                           /* aantal 0 */
	datum[n++] = 0;                           /* kanaal "" */
	datum[n++] = 0;                           /* melder.naam "" */
	datum[n++] = 0;                           /* melder.telefoon null */
	n += zigzag(INT64_C(1) << 40, datum + n); /* labels: 2^40 strings */
	len = frame(melding, datum, n, msg);
	assert_int_equal(verdict(set, msg, len, err, sizeof(err)), SCHEMASET_ETRUNCATED);
	assert_non_null(strstr(err, "items exceeds"));
	schemaset_free(set);
}

static size_t
knoop_chain(int depth, unsigned char *out)
{
	size_t n = 0;

	for (int i = 0; i < depth - 1; i++) {
		out[n++] = 0x02; /* waarde 1 */
		out[n++] = 0x02; /* volgende: branch Knoop */
	}
	out[n++] = 0x02;
	out[n++] = 0x00; /* null */
	return n;
}

/* Encoding and decoding share one nesting bound: what encodes, decodes. */
static void
nesting_is_bounded_the_same_both_ways(void **state)
{
	struct schemaset *set = load(TEST_SCHEMAS);
	const struct schema_entry *e = schemaset_latest(set, "Knoop");
	unsigned char datum[1024], msg[1100];
	json_t *doc = NULL;
	int deepest = 0;
	char err[256];

	(void)state;
	for (int depth = 1; depth < 200; depth++) {
		json_t *node = json_pack("{s:i, s:n}", "waarde", 1, "volgende");
		for (int i = 1; i < depth; i++)
			node = json_pack("{s:i, s:{s:o}}", "waarde", 1, "volgende",
			                 "nl.zaakstroom.test.Knoop", node);
		void *buf;
		size_t len;
		if (schemaset_encode(e, node, &buf, &len, err, sizeof(err)) != 0) {
			if (!strstr(err, "nested too deeply"))
				fail_msg("depth %d: %s", depth, err);
			json_decref(node);
			break;
		}
		deepest = depth;
		json_decref(doc);
		doc = node;
		assert_int_equal(len, frame(e, datum, knoop_chain(depth, datum), msg));
		assert_memory_equal(buf, msg, len);
		free(buf);
	}
	assert_true(deepest >= 16 && deepest < 199);
	size_t len = frame(e, datum, knoop_chain(deepest, datum), msg);
	json_t *back = decode(set, msg, len, AVRO_JSON_STRICT);
	assert_json_equal(doc, back, "deepest chain");
	json_decref(back);
	json_decref(doc);
	len = frame(e, datum, knoop_chain(deepest + 1, datum), msg);
	assert_int_equal(verdict(set, msg, len, err, sizeof(err)), SCHEMASET_EMALFORMED);
	assert_non_null(strstr(err, "nested deeper than"));
	len = frame(e, datum, knoop_chain(400, datum), msg);
	assert_int_equal(verdict(set, msg, len, err, sizeof(err)), SCHEMASET_EMALFORMED);
	schemaset_free(set);
}

/*
 * Flipped bytes in valid messages: every outcome is a verdict, never a crash
 * or leak (ASan/valgrind), and whatever decodes re-encodes to a message that
 * decodes to the same JSON.
 */
static void
mutated_messages_get_a_verdict(void **state)
{
	struct schemaset *set = load(TEST_SCHEMAS);
	uint64_t r = 42;
	int decoded = 0, refused = 0;
	char err[512];

	(void)state;
	for (size_t i = 0; i < schemaset_count(set); i++) {
		const struct schema_entry *e = schemaset_at(set, i);
		for (int s = 0; s < 30; s++) {
			json_t *doc = avro_json_sample(e->json, (uint64_t)s);
			void *buf;
			size_t len;
			assert_int_equal(schemaset_encode(e, doc, &buf, &len, err, sizeof(err)), 0);
			json_decref(doc);
			unsigned char *m = buf;
			for (int k = 0; k < 20 && len > SCHEMASET_HEADER_LEN; k++) {
				r = r * 6364136223846793005ULL + 1442695040888963407ULL;
				size_t at = SCHEMASET_HEADER_LEN +
				            (r >> 33) % (len - SCHEMASET_HEADER_LEN);
				unsigned char old = m[at];
				struct schemaset_decoded d;
				m[at] ^= (unsigned char)(1u << ((r >> 20) % 8));
				if (schemaset_decode(set, m, len, MAX_MSG, AVRO_JSON_STRICT, &d,
				                     err, sizeof(err)) == SCHEMASET_OK) {
					void *b2;
					size_t l2;
					json_t *again;
					decoded++;
					assert_int_equal(schemaset_encode(d.reader, d.datum, &b2,
					                                  &l2, err, sizeof(err)),
					                 0);
					again = decode(set, b2, l2, AVRO_JSON_STRICT);
					assert_json_equal(d.datum, again, "re-encoded mutation");
					json_decref(again);
					json_decref(d.datum);
					free(b2);
				} else {
					refused++;
				}
				m[at] = old;
			}
			free(buf);
		}
	}
	assert_true(decoded > 0 && refused > 0);
	schemaset_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(crc64_of_nothing_is_the_empty_constant),
	        cmocka_unit_test(every_schema_matches_the_reference_fingerprint),
	        cmocka_unit_test(canonical_form_ignores_presentation),
	        cmocka_unit_test(canonical_form_refuses_invalid_schemas),
	        cmocka_unit_test(canonical_form_refuses_runaway_nesting),
	        cmocka_unit_test(schemaset_indexes_every_version),
	        cmocka_unit_test(schemaset_refuses_bad_directories),
	        cmocka_unit_test(every_event_schema_round_trips),
	        cmocka_unit_test(every_test_schema_round_trips),
	        cmocka_unit_test(plain_form_has_dates_instants_and_bare_unions),
	        cmocka_unit_test(json_reader_accepts_both_forms_and_defaults),
	        cmocka_unit_test(json_reader_accepts_every_union_spelling),
	        cmocka_unit_test(json_errors_name_the_field_path),
	        cmocka_unit_test(json_functions_work_on_a_bare_schema),
	        cmocka_unit_test(fastavro_messages_decode_and_encode_identically),
	        cmocka_unit_test(older_version_reads_as_newest_with_defaults),
	        cmocka_unit_test(incompatible_versions_are_refused),
	        cmocka_unit_test(decoder_refuses_foreign_framing),
	        cmocka_unit_test(decoder_refuses_every_truncation_and_trailing_bytes),
	        cmocka_unit_test(decoder_refuses_malformed_datums),
	        cmocka_unit_test(decoder_bounds_item_counts),
	        cmocka_unit_test(nesting_is_bounded_the_same_both_ways),
	        cmocka_unit_test(mutated_messages_get_a_verdict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
