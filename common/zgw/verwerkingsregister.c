/*
 * verwerkingsregister.c — the platform's own verwerkingsactiviteiten from
 * their file (see verwerkingsregister.h).
 */
#include "zgw/verwerkingsregister.h"

#include <stdio.h>

#include "core/config.h"

json_t *
verwerkingsregister_laad(const char *path, char *err, size_t errlen)
{
	char pad[1024];
	json_error_t je;
	json_t *doc, *lijst, *e, *out;
	size_t i;

	if (path[0] == '/')
		snprintf(pad, sizeof(pad), "%s", path);
	else
		zs_path(pad, sizeof(pad), path);
	doc = json_load_file(pad, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		snprintf(err, errlen, "\"%s\": %s (line %d)", pad, je.text, je.line);
		return NULL;
	}
	lijst = json_object_get(doc, "verwerkingsactiviteiten");
	if (!json_is_array(lijst)) {
		snprintf(err, errlen, "\"%s\" has no verwerkingsactiviteiten list", pad);
		json_decref(doc);
		return NULL;
	}
	out = json_array();
	json_array_foreach(lijst, i, e)
	{
		const char *id = json_string_value(json_object_get(e, "id"));
		json_t *c;

		if (!id || !*id) {
			snprintf(err, errlen, "\"%s\": verwerkingsactiviteit %zu has no id", pad,
			         i + 1);
			json_decref(out);
			json_decref(doc);
			return NULL;
		}
		c = json_deep_copy(e);
		json_object_set_new(c, "bron", json_string("platform"));
		json_array_append_new(out, c);
	}
	json_decref(doc);
	return out;
}
