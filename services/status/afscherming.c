/*
 * afscherming.c — the shielded flag of a zaak any of whose betrokkenen is
 * shielded (BRP geheimhouding, carried in ZaakGeregistreerd's rollen: the
 * initiator, a gemachtigde, anyone) into zaken.afgeschermd, written in
 * the status daemon's own batch transaction after its rows (status_apply's
 * last step).
 */
#include "core/log.h"
#include "status.h"
#include "trackandtrace.h"

#include <string.h>

static const char sql_afgeschermd[] =
        "UPDATE zaken SET afgeschermd = true"
        " WHERE uuid IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid) AND NOT afgeschermd";

bool
afscherming_prepare(struct pg *pg)
{
	return pg_prepare(pg, "afscherming_zet", sql_afgeschermd, 1);
}

int
afscherming_schrijf(struct proj_batch *b)
{
	json_t *zaken;
	char *tekst;
	bool ok;

	zaken = json_array();
	for (int i = 0; i < b->n; i++) {
		const struct proj_msg *m = &b->msgs[i];
		const char *uuid = json_string_value(json_object_get(m->data, "uuid"));

		if (!m->dead && m->record && !strcmp(m->record, "ZaakGeregistreerd") && uuid &&
		    tt_betrokkene_afgeschermd(m->data))
			json_array_append_new(zaken, json_string(uuid));
	}
	if (json_array_size(zaken) == 0) {
		json_decref(zaken);
		return 0;
	}
	tekst = json_dumps(zaken, JSON_COMPACT);
	json_decref(zaken);
	if (!tekst)
		return -1;
	/* After the zaken rows of this batch: in the pipeline status_apply left
	 * open (a failure then fails the commit), else on its own. */
	const char *vals[1] = {tekst};
	ok = pg_pipeline_open(b->pg)
	             ? pg_pipeline_send(b->pg, "afscherming_zet", 1, vals, NULL, NULL)
	             : pg_cmdp(b->pg, "afscherming_zet", 1, vals);
	free(tekst);
	return ok ? 0 : -1;
}
