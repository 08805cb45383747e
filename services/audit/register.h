/*
 * register.h — the verwerkingsregister (AVG art. 30) as the platform knows
 * it, and what does not add up. Pure.
 *
 * The register: one verwerkingsactiviteit per zaaktype version from the
 * catalogus, plus the platform's own (deploy/verwerkingsregister/platform.json,
 * read by zgw/verwerkingsregister.h).
 * An entry: {id, naam, doel, grondslag, bewaartermijn, categorieen, ontvangers,
 * bron ("catalogus" or "platform"), and for the catalogus zaaktype and
 * beginGeldigheid}. For a catalogus entry the categories are the zaaktype
 * version's eigenschappen that are persoonsgegevens; it names no recipients.
 *
 * What was seen on the stream: per processing activity the number of
 * Dataverwerkingen, the personal data categories used (a registered zaak's
 * eigenschappen that are persoonsgegevens) and the recipients: the channels
 * of berichten and the webhook subscribers ("webhook:<id>") zaak events were
 * passed on to.
 */
#ifndef ZS_AUDIT_REGISTER_H
#define ZS_AUDIT_REGISTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The register entry of a zaaktype version (ZaaktypeGepubliceerd, plain
 * JSON), or NULL when it names no verwerkingsactiviteit. */
json_t *register_van_zaaktype(const json_t *zaaktype);

/*
 * The findings, each {code, activiteit, tekst (Dutch), and waarde or aantal}:
 *   verwerking.niet_in_register   processing seen under an activity the register lacks
 *   register.grondslag_ontbreekt  an entry without a legal basis
 *   register.bewaartermijn_ontbreekt  an entry without a retention period
 *   register.categorie_niet_genoemd   a category used that the entry does not name
 *   register.ontvanger_niet_genoemd   a recipient seen that the entry does not name
 * gezien: {activiteit: {"verwerkingen": n, "categorieen": [...], "ontvangers": [...]}}.
 */
json_t *register_bevindingen(const json_t *entries, const json_t *gezien);

#endif
