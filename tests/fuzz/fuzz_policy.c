/*
 * fuzz_policy.c — libFuzzer target for the autorisatiematrix loader and the
 * zaak description of `zs policy explain`: hostile JSON is refused with a
 * message or loads; a policy that loads is evaluated for a resident, an
 * employee and an application over every action, with and without a zaak,
 * and freed. Seeded with deploy/policy. Never a crash, never a leak, and a
 * refusal always says why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "access/policy.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct principal wie[3] = {
	        {.kind = PRINCIPAL_INWONER, .rollen = ROL_BIT(ROL_INWONER), .loa = LOA_MIDDEN},
	        {.kind = PRINCIPAL_MEDEWERKER,
	         .rollen = ROL_BIT(ROL_KCC_MEDEWERKER) | ROL_BIT(ROL_BEHANDELAAR)},
	        {.kind = PRINCIPAL_APPLICATIE, .rollen = ROL_BIT(ROL_APPLICATIE)},
	};
	struct zaak_json zj;
	struct policy_decision d;
	struct policy *pol;
	char err[512] = "";
	json_t *doc;

	identiteit_set(&wie[0].identiteit, ID_BSN, "111222333");
	identiteit_set(&wie[1].identiteit, ID_BSN, "123456782");
	strcpy(wie[1].medewerker_id, "m.devries");
	strcpy(wie[2].client_id, "gzac");
	pol = policy_parse((const char *)data, size, err, sizeof(err));
	if (!pol) {
		if (!err[0])
			abort();
	} else {
		struct zaak_resource z = {.open = true, .tonen_aan_initiator = true};

		identiteit_set(&z.initiator, ID_BSN, "111222333");
		for (int w = 0; w < 3; w++) {
			const char *doel = policy_standaard_doel(pol, &wie[w]);

			for (int a = 0; a < ACTIE__COUNT; a++) {
				struct policy_context ctx = {.doel = doel,
				                             .klantcontact_reden = "inwoner belt"};

				policy_evaluate(pol, &wie[w], (enum policy_actie)a, &z, &ctx, &d);
				if (!d.regel)
					abort();
				policy_evaluate(pol, &wie[w], (enum policy_actie)a, NULL, NULL, &d);
			}
			policy_doel_toegestaan(pol, &wie[w], "toezicht");
		}
		policy_free(pol);
	}
	/* The same bytes as a zaak for zs policy explain. */
	doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (doc) {
		err[0] = '\0';
		if (!zaak_from_json(doc, &zj, err, sizeof(err)) && !err[0])
			abort();
		json_decref(doc);
	}
	return 0;
}
