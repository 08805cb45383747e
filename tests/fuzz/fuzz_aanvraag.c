/*
 * fuzz_aanvraag.c — libFuzzer target for what a portal sends: the input is an
 * AanvraagIngediend as plain JSON, read and judged against the real catalogus
 * (deploy/catalogus), and when accepted turned into the ZaakGeregistreerd and
 * AanvraagGeaccepteerd; when refused into AanvraagAfgewezen. Never a crash or
 * leak, never a refusal without reasons, never an undeclared eigenschap in a zaak.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aanvraag.h"

static struct catalogus *cat;

static void
load_catalogus(void)
{
	const char *dir = getenv("FUZZ_CATALOGUS") ? getenv("FUZZ_CATALOGUS") : "deploy/catalogus";
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[1024], err[256];

	cat = catalogus_new();
	if (!d)
		abort();
	while ((de = readdir(d))) {
		struct zaaktype *zt;
		json_t *doc;
		if (!strstr(de->d_name, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		doc = json_load_file(path, 0, NULL);
		if (!doc || zaaktype_from_json(doc, &zt, err, sizeof(err)) != 0 ||
		    catalogus_put(cat, zt) != 0)
			abort();
		json_decref(doc);
	}
	closedir(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aanvraag *a = NULL;
	struct redenen r;
	char err[256];
	json_t *doc;
	const int64_t nu = 1795000000000; /* fixed: the run is reproducible */

	if (!cat)
		load_catalogus();
	doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (!doc)
		return 0;
	if (aanvraag_from_json(doc, &a, err, sizeof(err)) == 0) {
		const struct zaaktype *zt = aanvraag_zaaktype(cat, a);
		aanvraag_beoordeel(zt, a, nu, &r);
		if (r.n == 0) {
			json_t *zaak = zaak_geregistreerd_json(
			        zt, a, "00000000-0000-4000-8000-000000000000",
			        "ZAAK-2026-0000000001", "002220647", nu);
			if (zaak) {
				json_t *e;
				size_t i;
				json_array_foreach(json_object_get(zaak, "eigenschappen"), i, e)
				{
					if (!zaaktype_eigenschap(
					            zt,
					            json_string_value(json_object_get(e, "naam"))))
						abort(); /* data minimisation broken */
				}
				json_decref(aanvraag_geaccepteerd_json(zaak, nu));
				json_decref(zaak);
			}
		} else {
			json_decref(aanvraag_afgewezen_json(a, &r, nu));
		}
		aanvraag_free(a);
	}
	json_decref(doc);
	return 0;
}
