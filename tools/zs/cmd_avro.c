/*
 * cmd_avro.c — zs avro encode|decode|fingerprint: JSON ↔ single-object Avro
 * with the schemas of the checkout, and their fingerprints, so that other
 * Avro tools can check our bytes and ours theirs.
 */
#include "zs.h"
#include "wire/avro_canonical.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
encode(int argc, char **argv)
{
	const struct schema_entry *e;
	json_t *doc;
	void *buf;
	size_t len;
	char err[512];
	int rc;

	if (argc < 1)
		return zs_fail(NULL, "usage: zs avro encode RECORD [FILE.json]  (bytes on stdout)");
	e = schemaset_latest(zs_schemas(), argv[0]);
	if (!e)
		return zs_fail("see schemas/", "no schema for record \"%s\"", argv[0]);
	if (!(doc = zs_read_json(argc > 1 ? argv[1] : "-")))
		return 1;
	rc = schemaset_encode(e, doc, &buf, &len, err, sizeof(err));
	json_decref(doc);
	if (rc != 0)
		return zs_fail(NULL, "the document does not fit %s: %s", e->name, err);
	fwrite(buf, 1, len, stdout);
	free(buf);
	return 0;
}

static int
decode(int argc, char **argv)
{
	enum avro_json_mode mode = AVRO_JSON_STRICT;
	const char *file = "-";
	struct schemaset_decoded dec = {0};
	size_t len;
	char *bytes, err[512];
	enum schemaset_status st;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--plain"))
			mode = AVRO_JSON_PLAIN;
		else
			file = argv[i];
	}
	if (!(bytes = zs_read_file(file, &len)))
		return 1;
	st = schemaset_decode(zs_schemas(), bytes, len, len, mode, &dec, err, sizeof(err));
	free(bytes);
	if (st != SCHEMASET_OK)
		return zs_fail(NULL, "%s: %s (%s)", file, err, schemaset_status_code(st));
	char *s = json_dumps(dec.datum, JSON_INDENT(2));
	if (!s) {
		json_decref(dec.datum);
		return zs_fail(NULL, "%s: out of memory printing the datum", file);
	}
	printf("%s\n", s);
	fprintf(stderr, "%s (written as %s.v%d)\n", dec.reader->fullname, dec.writer->name,
	        dec.writer->version);
	free(s);
	json_decref(dec.datum);
	return 0;
}

static void
print_entry(const struct schema_entry *e)
{
	printf("%016" PRIx64 "  %s.v%d\n  %s\n", e->fingerprint, e->name, e->version, e->pcf);
}

static int
fingerprint(int argc, char **argv)
{
	struct schemaset *set = zs_schemas();
	size_t len;

	if (argc < 1) {
		for (size_t i = 0; i < schemaset_count(set); i++)
			print_entry(schemaset_at(set, i));
		return 0;
	}
	size_t n = strlen(argv[0]);
	if (n > 5 && !strcmp(argv[0] + n - 5, ".avsc")) {
		char *text = zs_read_file(argv[0], &len), err[512];
		if (!text)
			return 1;
		char *pcf = avro_canonical_form(text, len, err, sizeof(err));
		free(text);
		if (!pcf)
			return zs_fail(NULL, "%s: %s", argv[0], err);
		printf("%016" PRIx64 "\n  %s\n", avro_fingerprint(pcf), pcf);
		free(pcf);
		return 0;
	}
	const struct schema_entry *e = schemaset_latest(set, argv[0]);
	if (!e)
		return zs_fail("see schemas/", "no schema for record \"%s\"", argv[0]);
	/* Every version of the record, oldest first. */
	for (size_t i = 0; i < schemaset_count(set); i++)
		if (!strcmp(schemaset_at(set, i)->fullname, e->fullname))
			print_entry(schemaset_at(set, i));
	return 0;
}

int
zs_cmd_avro(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "encode"))
		return encode(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "decode"))
		return decode(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "fingerprint"))
		return fingerprint(argc - 2, argv + 2);
	return zs_fail(
	        NULL,
	        "usage: zs avro encode RECORD [FILE] | decode [FILE] [--plain] | fingerprint [RECORD|FILE.avsc]");
}
