/*
 * fuzz_verzoek.c — libFuzzer target for what a resident or an employee POSTs
 * to /api/v1/inzageverzoeken: the input is the body, read as a resident (with
 * a machtiging) and as an employee. Never a crash or leak; a refusal always
 * has a reason naming a field; an accepted request always names a valid
 * betrokkene and a receipt date not after today, and its text carries no BSN.
 * The same input is also taken as a register and turned into the overview,
 * the art. 15 report and its HTML, which must never contain a raw '<' from
 * the data.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/inzage/rapport.h"
#include "../../services/inzage/verzoek.h"
#include "core/datum.h"
#include "core/mask.h"

static void
lees_als(const json_t *doc, const struct principal *p, int32_t vandaag)
{
	struct verzoek_invoer in;
	struct redenen r;
	bool verboden;

	redenen_init(&r, "te_veel", "te veel");
	if (verzoek_invoer_lees(doc, p, vandaag, &in, &r, &verboden)) {
		if (r.n != 0 || in.betrokkene.type == ID_GEEN || in.ontvangen > vandaag)
			abort();
		for (size_t i = 0; in.toelichting[i]; i++)
			if (i + 9 <= strlen(in.toelichting) &&
			    mask_elfproef(in.toelichting + i, 9) &&
			    (i == 0 || in.toelichting[i - 1] < '0' ||
			     in.toelichting[i - 1] > '9') &&
			    (in.toelichting[i + 9] < '0' || in.toelichting[i + 9] > '9'))
				abort();
	} else if (r.n == 0 || (verboden && p->kind != PRINCIPAL_INWONER)) {
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct principal inwoner = {.kind = PRINCIPAL_INWONER, .n_machtigingen = 1};
	struct principal medewerker = {.kind = PRINCIPAL_MEDEWERKER};
	struct rapport_verzoek rv = {.verzoek_id = "<x>"};
	const int32_t vandaag = 20500; /* fixed: the run is reproducible */
	json_t *doc, *o, *rap;
	char *html;

	identiteit_set(&inwoner.identiteit, ID_BSN, "999991772");
	identiteit_set(&inwoner.machtigingen[0].voor, ID_BSN, "999990019");
	identiteit_set(&medewerker.identiteit, ID_BSN, "999998456");
	doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (!doc)
		return 0;
	lees_als(doc, &inwoner, vandaag);
	lees_als(doc, &medewerker, vandaag);
	o = rapport_overzicht(doc);
	rap = rapport_document(doc, &rv);
	html = rap ? rapport_html(rap) : NULL;
	if (html && strstr(html, "<x>"))
		abort();
	free(html);
	json_decref(rap);
	json_decref(o);
	json_decref(doc);
	return 0;
}
