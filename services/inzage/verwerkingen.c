/*
 * verwerkingen.c — a Dataverwerking as the register counts it (see
 * verwerkingen.h).
 */
#include "verwerkingen.h"

#include <string.h>

#include "access/pseudoniem.h"
#include "core/datum.h"
#include "wire/ce.h"

static const char *
str(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool
is_pseudoniem(const char *s)
{
	if (!s || strlen(s) != PSEUDONIEM_LEN)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

const char *
verwerkingen_lees(const json_t *dv, const char *ce_id, struct verwerking_rij *uit)
{
	const char *act = str(dv, "processingActivityId");

	memset(uit, 0, sizeof(*uit));
	if (!ce_id || !uuid_valid(ce_id))
		return "Dataverwerking without a ce_id (a UUID): a repeat could not be told apart";
	if (!is_pseudoniem(str(dv, "dataSubjectId")))
		return "dataSubjectId is not a pseudonym (64 lowercase hex)";
	if (!act || !*act || strlen(act) > VERWERKING_ACTIVITEIT_MAX)
		return "processingActivityId is empty or over 512 characters";
	if (instant_van_tekst(str(dv, "startTime") ? str(dv, "startTime") : "") == INSTANT_ONGELDIG)
		return "startTime is not an instant";
	uit->betrokkene = str(dv, "dataSubjectId");
	uit->activiteit = act;
	uit->tijd = str(dv, "startTime");
	return NULL;
}

void
verwerkingen_benoem(struct reg_verwerking *va, const json_t *platform)
{
	const json_t *e;
	size_t i;

	if (va->naam || !va->id)
		return;
	json_array_foreach(platform, i, e)
	{
		if (str(e, "id") && !strcmp(str(e, "id"), va->id)) {
			va->naam = str(e, "naam");
			va->doel = str(e, "doel");
			va->grondslag = str(e, "grondslag");
			va->bewaartermijn = str(e, "bewaartermijn");
			return;
		}
	}
}
