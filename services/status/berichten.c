/*
 * berichten.c — the notificatie daemon's BerichtVerstuurd events into the
 * timeline's berichten, written in the status daemon's own batch
 * transaction after its rows (status_apply's last step, like afscherming).
 * A message delivered again after a crash has the same berichtId: one row.
 */
#include "status.h"

#include <stdlib.h>
#include <string.h>

static const char sql_berichten[] =
        "INSERT INTO berichten (bericht_id, zaak, aanleiding, kanaal, onderwerp, verstuurd_op)"
        " SELECT b.\"berichtId\"::uuid, b.zaak::uuid, b.aanleiding, b.kanaal, b.onderwerp,"
        " b.\"verstuurdOp\"::timestamptz FROM jsonb_to_recordset($1::jsonb) AS b(\"berichtId\" text,"
        " zaak text, aanleiding text, kanaal text, onderwerp text, \"verstuurdOp\" text)"
        " ON CONFLICT (bericht_id) DO NOTHING";

bool
berichten_prepare(struct pg *pg)
{
	return pg_prepare(pg, "berichten_insert", sql_berichten, 1);
}

int
berichten_schrijf(struct proj_batch *b)
{
	json_t *rijen = json_array();

	for (int i = 0; i < b->n && rijen; i++) {
		const struct proj_msg *m = &b->msgs[i];
		const json_t *zaak = json_object_get(m->data, "zaak");

		/* Messages about an aanvraag that never became a zaak have no timeline. */
		if (!m->dead && m->record && !strcmp(m->record, "BerichtVerstuurd") &&
		    json_is_string(zaak) && uuid_valid(json_string_value(zaak)) &&
		    json_array_append(rijen, m->data) != 0) {
			json_decref(rijen);
			rijen = NULL;
		}
	}
	return status_write_rows(b, "berichten_insert", rijen);
}
