/*
 * fuzz_avro_decode.c — libFuzzer target for the event decoder: the input is a
 * Kafka message value, decoded against the schemas/ set (and the test schemas,
 * whose recursion, resolution and zero-width items the events lack). Besides
 * "no crash, no leak", whatever decodes must re-encode to a message that
 * decodes to the same JSON, in both JSON forms.
 *
 * Built with -DFUZZ_STANDALONE it is a program instead:
 *   fuzz_tool seeds <dir>        writes a seed corpus of valid messages
 *   fuzz_tool replay <path>...   runs every file through the target, then frees
 *                                everything, so LeakSanitizer at exit sees real
 *                                leaks only
 * The replay is where leaks are checked: avro-c packs record fields without
 * alignment, so pointers inside the long-lived scratch values are invisible to
 * the leak scanner, and libFuzzer's in-process leak check reports those live
 * values as leaks. tests/fuzz/run.sh does all three.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wire/schemaset.h"

#define FUZZ_MAX_MSG (1024 * 1024)

static struct schemaset *sets[2];

static void
load_sets(void)
{
	const char *dirs[2] = {getenv("FUZZ_SCHEMAS"), getenv("FUZZ_TEST_SCHEMAS")};
	char err[512];

	if (!dirs[0])
		dirs[0] = "schemas";
	if (!dirs[1])
		dirs[1] = "tests/unit/schemas";
	for (int i = 0; i < 2; i++) {
		sets[i] = schemaset_load(dirs[i], err, sizeof(err));
		if (!sets[i]) {
			fprintf(stderr, "fuzz: cannot load %s: %s\n", dirs[i], err);
			exit(1);
		}
	}
}

/* decode(encode(json)) must give json back. */
static void
check_reencode(struct schemaset *set, const struct schema_entry *reader, json_t *strict,
               json_t *doc)
{
	struct schemaset_decoded again;
	char err[512];
	void *buf;
	size_t len;

	if (schemaset_encode(reader, doc, &buf, &len, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz: decoded JSON does not encode: %s\n", err);
		abort();
	}
	if (schemaset_decode(set, buf, len, FUZZ_MAX_MSG, AVRO_JSON_STRICT, &again, err,
	                     sizeof(err)) != SCHEMASET_OK) {
		fprintf(stderr, "fuzz: our own message does not decode: %s\n", err);
		abort();
	}
	if (!json_equal(strict, again.datum)) {
		fprintf(stderr, "fuzz: re-encoded message decodes differently\n");
		abort();
	}
	json_decref(again.datum);
	free(buf);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	load_sets();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int i = 0; i < 2; i++) {
		struct schemaset_decoded strict, plain;
		char err[512];
		enum schemaset_status st =
		        schemaset_decode(sets[i], data, size, FUZZ_MAX_MSG, AVRO_JSON_STRICT,
		                         &strict, err, sizeof(err));
		if (st == SCHEMASET_EUNKNOWN)
			continue;
		if (st != SCHEMASET_OK)
			return 0;
		if (schemaset_decode(sets[i], data, size, FUZZ_MAX_MSG, AVRO_JSON_PLAIN, &plain,
		                     err, sizeof(err)) != SCHEMASET_OK) {
			fprintf(stderr, "fuzz: decodes as strict but not as plain: %s\n", err);
			abort();
		}
		check_reencode(sets[i], strict.reader, strict.datum, strict.datum);
		check_reencode(sets[i], strict.reader, strict.datum, plain.datum);
		json_decref(strict.datum);
		json_decref(plain.datum);
		return 0;
	}
	return 0;
}

#ifdef FUZZ_STANDALONE
#include <dirent.h>

#define SEEDS_PER_SCHEMA 16

static int
write_seeds(const char *dir)
{
	int written = 0;

	mkdir(dir, 0755);
	for (int i = 0; i < 2; i++) {
		for (size_t k = 0; k < schemaset_count(sets[i]); k++) {
			const struct schema_entry *e = schemaset_at(sets[i], k);
			for (uint64_t s = 0; s < SEEDS_PER_SCHEMA; s++) {
				json_t *doc = avro_json_sample(e->json, s);
				char path[1024], err[512] = "";
				void *buf;
				size_t len;
				FILE *f;

				if (!doc ||
				    schemaset_encode(e, doc, &buf, &len, err, sizeof(err))) {
					fprintf(stderr, "%s: no sample: %s\n", e->file, err);
					return -1;
				}
				snprintf(path, sizeof(path), "%s/%s.v%d-%02u", dir, e->name,
				         e->version, (unsigned)s);
				f = fopen(path, "wb");
				if (!f || fwrite(buf, 1, len, f) != len) {
					perror(path);
					return -1;
				}
				fclose(f);
				free(buf);
				json_decref(doc);
				written++;
			}
		}
	}
	printf("%d seed messages in %s\n", written, dir);
	return 0;
}

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	static unsigned char buf[FUZZ_MAX_MSG];
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 1;
}

static int
replay(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int count = 0;

	if (!d)
		return replay_file(path);
	while ((de = readdir(d)) != NULL) {
		char sub[4096];
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		count += replay_file(sub);
	}
	closedir(d);
	return count;
}

int
main(int argc, char **argv)
{
	int rc = 0, count = 0;

	if (argc < 3 || (strcmp(argv[1], "seeds") != 0 && strcmp(argv[1], "replay") != 0)) {
		fprintf(stderr, "usage: fuzz_tool seeds <dir> | replay <path>...\n");
		return 2;
	}
	load_sets();
	if (strcmp(argv[1], "seeds") == 0) {
		rc = write_seeds(argv[2]) < 0;
	} else {
		for (int i = 2; i < argc; i++)
			count += replay(argv[i]);
		printf("replayed %d inputs\n", count);
	}
	schemaset_free(sets[0]);
	schemaset_free(sets[1]);
	return rc;
}
#endif
