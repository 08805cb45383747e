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
	/* A zaak left unmarked would show a shielded betrokkene's zaak: an
	 * allocation that fails fails the batch (status_write_rows). */
	json_t *zaken = json_array();

	for (int i = 0; i < b->n && zaken; i++) {
		const struct proj_msg *m = &b->msgs[i];
		const char *uuid = json_string_value(json_object_get(m->data, "uuid"));

		if (!m->dead && m->record && !strcmp(m->record, "ZaakGeregistreerd") && uuid &&
		    tt_betrokkene_afgeschermd(m->data) &&
		    json_array_append_new(zaken, json_string(uuid)) != 0) {
			json_decref(zaken);
			zaken = NULL;
		}
	}
	return status_write_rows(b, "afscherming_zet", zaken);
}
