/*
 * test_notificatie.c — notificatie's pure part: the rules and templates as
 * shipped (deploy/notificatie) load, the checks that stop start-up name the
 * template and placeholder, which rule wins, rendering, Dutch dates, the
 * stable message id, backoff with jitter and Retry-After, what an answer
 * means, header-safe subjects, and NotifyNL's key and token.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/notificatie/abonnementen.h"
#include "../../services/notificatie/bezorging.h"
#include "../../services/notificatie/regels.h"
#include "../../services/notificatie/voorkeuren.h"
#include "core/config.h"
#include "access/jwt.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

static const char *ONTVANGEN = "Onderwerp: Ontvangen {{identificatie}}\n\n"
                               "Uw zaak {{identificatie}} is klaar op {{einddatum}}.\n";

static bool
laad(struct regels *r, const char *regels, const char *naam, const char *tekst, char *err)
{
	json_t *s = json_pack("{s:s}", naam, tekst);
	bool ok = regels_laad_tekst(r, regels, s, err, 512);
	json_decref(s);
	return ok;
}

static void
test_shipped_rules_load(void **state)
{
	(void)state;
	struct regels r;
	char err[512] = "", pad[1024], dir[1024];

	zs_path(pad, sizeof(pad), "deploy/notificatie/regels.json");
	zs_path(dir, sizeof(dir), "deploy/notificatie/sjablonen");
	assert_true(regels_laad(&r, pad, dir, err, sizeof(err)));
	/* Receipt always; status 2 of the subsidie has informeren=false. */
	assert_non_null(regels_kies(&r, AANL_ZAAK_ONTVANGEN, "X", 0, false));
	assert_null(regels_kies(&r, AANL_STATUS_GEWIJZIGD, "SUBSIDIE-SANERING-VERKEERSLAWAAI", 2,
	                        false));
	const struct regel *rg =
	        regels_kies(&r, AANL_STATUS_GEWIJZIGD, "SUBSIDIE-SANERING-VERKEERSLAWAAI", 3, true);
	assert_non_null(rg);
	assert_true(rg->actie_vereist);
	assert_string_equal(rg->sjabloon->naam, "actie-vereist");
	rg = regels_kies(&r, AANL_STATUS_GEWIJZIGD, "TERUGBELNOTITIE", 3, true);
	assert_non_null(rg);
	assert_false(rg->actie_vereist);
	assert_string_equal(rg->sjabloon->naam, "status-gewijzigd");
	/* nadert is off by default. */
	assert_null(regels_kies(&r, AANL_TERMIJN_NADERT, "X", 0, false));
	assert_non_null(regels_kies(&r, AANL_TERMIJN_OVERSCHREDEN, "X", 0, false));
	regels_free(&r);
}

static void
test_missing_placeholder_named(void **state)
{
	(void)state;
	struct regels r;
	char err[512] = "";

	assert_false(laad(&r,
	                  "{\"regels\":[{\"aanleiding\":\"zaak_ontvangen\",\"sjabloon\":\"a\"}]}",
	                  "a", "Onderwerp: Ontvangen\n\nUw zaak {{identificatie}}.\n", err));
	assert_non_null(strstr(err, "template a"));
	assert_non_null(strstr(err, "{{einddatum}} is missing"));
}

static void
test_unknown_placeholder_named(void **state)
{
	(void)state;
	struct regels r;
	char err[512] = "";

	assert_false(
	        laad(&r, "{\"regels\":[{\"aanleiding\":\"zaak_ontvangen\",\"sjabloon\":\"a\"}]}",
	             "a", "Onderwerp: x\n\n{{identificatie}} {{einddatum}} {{voornaam}}\n", err));
	assert_non_null(strstr(err, "template a"));
	assert_non_null(strstr(err, "unknown placeholder \"voornaam\""));
	/* Known, but not something a receipt has. */
	assert_false(laad(&r,
	                  "{\"regels\":[{\"aanleiding\":\"zaak_ontvangen\",\"sjabloon\":\"a\"}]}",
	                  "a", "Onderwerp: x\n\n{{identificatie}} {{einddatum}} {{reden}}\n", err));
	assert_non_null(strstr(err, "{{reden}} is not available for zaak_ontvangen"));
	assert_false(laad(&r,
	                  "{\"regels\":[{\"aanleiding\":\"zaak_ontvangen\",\"sjabloon\":\"a\"}]}",
	                  "a", "Onderwerp: x\n\n{{identificatie}} {{einddatum\n", err));
	assert_non_null(strstr(err, "unclosed placeholder"));
}

static void
test_rules_refused(void **state)
{
	(void)state;
	struct regels r;
	char err[512] = "";

	assert_false(laad(&r,
	                  "{\"regels\":[{\"aanleiding\":\"zaak_ontvangen\",\"sjabloon\":\"b\"}]}",
	                  "a", ONTVANGEN, err));
	assert_non_null(strstr(err, "template b: not found"));
	assert_false(laad(&r, "{\"regels\":[{\"aanleiding\":\"iets\",\"sjabloon\":\"a\"}]}", "a",
	                  ONTVANGEN, err));
	assert_non_null(strstr(err, "\"aanleiding\""));
	assert_false(laad(&r,
	                  "{\"regels\":[{\"aanleiding\":\"zaak_ontvangen\",\"sjabloon\":\"a\","
	                  "\"kleur\":1}]}",
	                  "a", ONTVANGEN, err));
	assert_non_null(strstr(err, "\"kleur\""));
	assert_false(
	        laad(&r, "{\"regels\":[{\"aanleiding\":\"zaak_ontvangen\",\"sjabloon\":\"../x\"}]}",
	             "a", ONTVANGEN, err));
	assert_false(laad(&r,
	                  "{\"regels\":[{\"aanleiding\":\"zaak_ontvangen\",\"status\":2,"
	                  "\"sjabloon\":\"a\"}]}",
	                  "a", ONTVANGEN, err));
	assert_non_null(strstr(err, "status only applies"));
	assert_false(laad(&r,
	                  "{\"regels\":[{\"aanleiding\":\"zaak_ontvangen\",\"sjabloon\":\"a\"}]}",
	                  "a", "Geen kop\n\n{{identificatie}} {{einddatum}}", err));
	assert_non_null(strstr(err, "Onderwerp"));
}

static void
test_most_specific_rule_wins(void **state)
{
	(void)state;
	struct regels r;
	char err[512] = "";
	json_t *s = json_pack("{s:s, s:s, s:s}", "alg",
	                      "Onderwerp: a\n\n{{identificatie}} {{statustekst}}", "zt",
	                      "Onderwerp: b\n\n{{identificatie}} {{statustekst}}", "zts",
	                      "Onderwerp: c\n\n{{identificatie}} {{statustekst}}");
	assert_true(regels_laad_tekst(
	        &r,
	        "{\"regels\":["
	        "{\"aanleiding\":\"status_gewijzigd\",\"zaaktype\":\"Z\",\"status\":4,\"sjabloon\":\"zts\"},"
	        "{\"aanleiding\":\"status_gewijzigd\",\"sjabloon\":\"alg\"},"
	        "{\"aanleiding\":\"status_gewijzigd\",\"zaaktype\":\"Z\",\"sjabloon\":\"zt\"},"
	        "{\"aanleiding\":\"status_gewijzigd\",\"zaaktype\":\"Q\",\"versturen\":false}]}",
	        s, err, sizeof(err)));
	json_decref(s);
	assert_string_equal(regels_kies(&r, AANL_STATUS_GEWIJZIGD, "Z", 4, false)->sjabloon->naam,
	                    "zts");
	assert_string_equal(regels_kies(&r, AANL_STATUS_GEWIJZIGD, "Z", 3, true)->sjabloon->naam,
	                    "zt");
	assert_null(regels_kies(&r, AANL_STATUS_GEWIJZIGD, "Z", 3, false));
	assert_string_equal(regels_kies(&r, AANL_STATUS_GEWIJZIGD, "Y", 3, true)->sjabloon->naam,
	                    "alg");
	assert_null(regels_kies(&r, AANL_STATUS_GEWIJZIGD, "Q", 3, true));
	assert_null(regels_kies(&r, AANL_ZAAK_AFGESLOTEN, "Z", 0, true));
	assert_int_equal(r.nsjablonen, 3);
	regels_free(&r);
}

static void
test_render(void **state)
{
	(void)state;
	struct waarden w = {0};
	char out[64];

	w.v[VELD_IDENTIFICATIE] = "ZAAK-2026-0000000001";
	w.v[VELD_EINDDATUM] = "3 maart 2026";
	assert_true(sjabloon_vul("{{identificatie}}: {{einddatum}}.", &w, out, sizeof(out)));
	assert_string_equal(out, "ZAAK-2026-0000000001: 3 maart 2026.");
	assert_false(sjabloon_vul("{{reden}}", &w, out, sizeof(out)));
	assert_false(sjabloon_vul("{{identificatie}}{{identificatie}}{{identificatie}}-----", &w,
	                          out, sizeof(out)));
	assert_string_equal(out, "");
	assert_true(datum_nl("2026-12-01", out, sizeof(out)));
	assert_string_equal(out, "1 december 2026");
	assert_false(datum_nl("2026-13-01", out, sizeof(out)));
	assert_false(datum_nl("2026-01-01x", out, sizeof(out)));
}

static void
test_stable_id(void **state)
{
	(void)state;
	char k1[256], k2[256], a[UUID_LEN + 1], b[UUID_LEN + 1];

	bericht_sleutel(k1, sizeof(k1), "p1", "z1", "status_gewijzigd", "3", "s");
	bericht_sleutel(k2, sizeof(k2), "p1", "z1", "status_gewijzigd", "4", "s");
	bericht_id(k1, a);
	bericht_id(k1, b);
	assert_string_equal(a, b);
	assert_true(uuid_valid(a));
	bericht_id(k2, b);
	assert_string_not_equal(a, b);
}

static void
test_backoff(void **state)
{
	(void)state;
	struct backoff b = {.basis_ms = 1000, .max_ms = 8000, .pogingen = 6};

	assert_int_equal(backoff_wacht_ms(&b, 1, 1.0, 0), 1000);
	assert_int_equal(backoff_wacht_ms(&b, 1, 0.0, 0), 500);
	assert_int_equal(backoff_wacht_ms(&b, 2, 1.0, 0), 2000);
	assert_int_equal(backoff_wacht_ms(&b, 3, 1.0, 0), 4000);
	assert_int_equal(backoff_wacht_ms(&b, 5, 1.0, 0), 8000); /* capped */
	assert_int_equal(backoff_wacht_ms(&b, 5, 0.5, 0), 6000);
	/* Retry-After is a floor, not a hint. */
	assert_int_equal(backoff_wacht_ms(&b, 1, 1.0, 30000), 30000);
	assert_int_equal(backoff_wacht_ms(&b, 6, 1.0, 0), -1);
	assert_int_equal(retry_after_ms("2", 0), 2000);
	assert_int_equal(retry_after_ms("0", 0), 0);
	assert_int_equal(retry_after_ms("x", 0), 0);
	assert_int_equal(retry_after_ms("999999", 0), 86400000);
	/* Sun, 06 Nov 1994 08:49:37 GMT = 784111777 */
	assert_int_equal(retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", 784111770), 7000);
}

static void
test_answers(void **state)
{
	(void)state;
	assert_int_equal(uitslag_http(201), UITSLAG_AFGELEVERD);
	assert_int_equal(uitslag_http(500), UITSLAG_TIJDELIJK);
	assert_int_equal(uitslag_http(429), UITSLAG_TIJDELIJK);
	assert_int_equal(uitslag_http(0), UITSLAG_TIJDELIJK);
	assert_int_equal(uitslag_http(400), UITSLAG_DEFINITIEF);
	assert_int_equal(uitslag_http(403), UITSLAG_DEFINITIEF);
	assert_int_equal(uitslag_smtp(250), UITSLAG_AFGELEVERD);
	assert_int_equal(uitslag_smtp(451), UITSLAG_TIJDELIJK);
	assert_int_equal(uitslag_smtp(550), UITSLAG_DEFINITIEF);
}

static void
test_header_safe(void **state)
{
	(void)state;
	char k[16];
	kop_veilig(k, sizeof(k), "a\r\nBcc: x");
	assert_string_equal(k, "a  Bcc: x");
}

static void
test_notifynl(void **state)
{
	(void)state;
	char sid[UUID_LEN + 1], secret[UUID_LEN + 1];
	const char *key = "zaakstroom_test-26785a09-ab16-4eb0-8407-a37497a57506-"
	                  "3d844edf-8d35-48ac-975b-e847b4f122b0";

	assert_true(notifynl_sleutel(key, sid, secret));
	assert_string_equal(sid, "26785a09-ab16-4eb0-8407-a37497a57506");
	assert_string_equal(secret, "3d844edf-8d35-48ac-975b-e847b4f122b0");
	assert_false(notifynl_sleutel("kort", sid, secret));
	assert_false(notifynl_sleutel("x-26785a09-ab16-4eb0-8407-a37497a57506_"
	                              "3d844edf-8d35-48ac-975b-e847b4f122b0",
	                              sid, secret));

	char *tok = notifynl_token(sid, secret, 1700000000);
	assert_non_null(tok);
	/* Header and claims as NotifyNL checks them; the signature is
	 * HMAC-SHA256 over header.payload with the secret. */
	char *dot1 = strchr(tok, '.'), *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	assert_non_null(dot2);
	unsigned char buf[256];
	size_t n;
	assert_true(b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), buf, sizeof(buf) - 1, &n));
	buf[n] = '\0';
	assert_string_equal(
	        (char *)buf,
	        "{\"iss\":\"26785a09-ab16-4eb0-8407-a37497a57506\",\"iat\":1700000000}");
	assert_true(b64url_decode(tok, (size_t)(dot1 - tok), buf, sizeof(buf) - 1, &n));
	buf[n] = '\0';
	assert_string_equal((char *)buf, "{\"typ\":\"JWT\",\"alg\":\"HS256\"}");
	unsigned char mac[32], sig[64];
	unsigned int maclen = 0;
	assert_non_null(HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)tok,
	                     (size_t)(dot2 - tok), mac, &maclen));
	assert_true(b64url_decode(dot2 + 1, strlen(dot2 + 1), sig, sizeof(sig), &n));
	assert_int_equal(n, 32);
	assert_memory_equal(sig, mac, 32);
	free(tok);
}

static void
test_abonnementen(void **state)
{
	(void)state;
	struct abonnementen a;
	char err[256] = "";

	assert_true(abonnementen_parse(
	        &a,
	        "{\"abonnementen\":[{\"id\":\"p\",\"url\":\"http://127.0.0.1:1/h\","
	        "\"authorization\":\"Token x\",\"aanleidingen\":[\"status_gewijzigd\"]},"
	        "{\"id\":\"c\",\"url\":\"https://x.nl/h\",\"vorm\":\"cloudevents\","
	        "\"zaaktypen\":[\"T\"]}]}",
	        err, sizeof(err)));
	assert_int_equal(a.n, 2);
	assert_true(abonnement_past(&a.a[0], AANL_STATUS_GEWIJZIGD, "Z"));
	assert_false(abonnement_past(&a.a[0], AANL_ZAAK_ONTVANGEN, "Z"));
	assert_true(abonnement_past(&a.a[1], AANL_ZAAK_ONTVANGEN, "T"));
	assert_false(abonnement_past(&a.a[1], AANL_ZAAK_ONTVANGEN, "Z"));

	struct gebeurtenis g = {.id = "i",
	                        .zaak = "u",
	                        .identificatie = "ZAAK-1",
	                        .zaaktype = "T",
	                        .aanleiding = AANL_STATUS_GEWIJZIGD,
	                        .tijdstip = "t",
	                        .resource_basis = "http://h/api"};
	char *s = abonnement_bericht(&a.a[0], &g);
	json_t *d = json_loads(s, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(d, "resource")), "status");
	assert_string_equal(json_string_value(json_object_get(d, "actie")), "create");
	assert_string_equal(json_string_value(json_object_get(d, "hoofdObject")),
	                    "http://h/api/zaken/ZAAK-1");
	json_decref(d);
	free(s);
	s = abonnement_bericht(&a.a[1], &g);
	d = json_loads(s, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(d, "specversion")), "1.0");
	assert_string_equal(json_string_value(json_object_get(d, "id")), "i");
	json_decref(d);
	free(s);

	/* A header that would split into two, an unknown field, a bad url. */
	assert_false(abonnementen_parse(&a,
	                                "{\"abonnementen\":[{\"id\":\"p\",\"url\":\"http://h\","
	                                "\"authorization\":\"a\\r\\nX: y\"}]}",
	                                err, sizeof(err)));
	assert_non_null(strstr(err, "\"authorization\""));
	assert_false(abonnementen_parse(
	        &a, "{\"abonnementen\":[{\"id\":\"p\",\"url\":\"file:///x\"}]}", err, sizeof(err)));
	assert_false(abonnementen_parse(
	        &a, "{\"abonnementen\":[{\"id\":\"p\",\"url\":\"http://h\",\"x\":1}]}", err,
	        sizeof(err)));
	assert_false(abonnementen_parse(&a,
	                                "{\"abonnementen\":[{\"id\":\"p\",\"url\":\"http://h\"},"
	                                "{\"id\":\"p\",\"url\":\"http://h\"}]}",
	                                err, sizeof(err)));
	assert_non_null(strstr(err, "twice"));
}

/* The API's body check: the field it names, for each way to get it wrong. */
static const char *
abo_veld(const char *json)
{
	json_t *b = json_loads(json, 0, NULL);
	struct abonnement a;
	const char *veld = NULL, *reden = NULL;
	bool ok = abonnement_controleer(b, &a, &veld, &reden);

	json_decref(b);
	if (ok)
		return "ok";
	assert_non_null(reden);
	assert_true(reden[0] != '\0');
	return veld;
}

/* Where a delivery went, as it may be told: never what could hold a secret. */
static void
test_abonnement_origin(void **state)
{
	(void)state;
	static const struct {
		const char *url, *origin;
	} gevallen[] = {
	        {"http://127.0.0.1:8080/hook?token=geheim", "http://127.0.0.1:8080"},
	        {"https://Portaal.Example.NL/in#x", "https://portaal.example.nl"},
	        {"https://user:wacht@woord@portaal.example.nl:8443/p",
	         "https://portaal.example.nl:8443"},
	        {"http://[::1]:9000/a", "http://[::1]:9000"},
	        {"HTTPS://h?q=1", "https://h"},
	        {"http://h", "http://h"},
	        {"geen-url", ""},
	};
	char out[64];

	for (size_t i = 0; i < sizeof(gevallen) / sizeof(gevallen[0]); i++) {
		abonnement_origin(gevallen[i].url, out, sizeof(out));
		assert_string_equal(out, gevallen[i].origin);
	}
	/* too small a buffer: nothing rather than half a host */
	abonnement_origin("https://portaal.example.nl/in", out, 12);
	assert_string_equal(out, "");
}

static void
test_abonnement_controleer(void **state)
{
	(void)state;
	struct abonnement a;
	const char *veld, *reden;
	json_t *b = json_loads("{\"id\":\"portaal-2\",\"url\":\"https://p.example.nl:8443/in\","
	                       "\"vorm\":\"cloudevents\",\"authorization\":\"Token s\","
	                       "\"aanleidingen\":[\"zaak_ontvangen\"],\"zaaktypen\":[\"T\"]}",
	                       0, NULL);

	assert_true(abonnement_controleer(b, &a, &veld, &reden));
	json_decref(b);
	assert_true(a.cloudevents && a.nzaaktypen == 1 && a.aanleidingen);
	/* What the API shows: the filter and that a secret is set, not the secret. */
	json_t *o = abonnement_json(&a);
	char *s = json_dumps(o, JSON_SORT_KEYS);
	assert_null(strstr(s, "Token s"));
	assert_true(json_is_true(json_object_get(o, "authorizationGezet")));
	assert_string_equal(
	        json_string_value(json_array_get(json_object_get(o, "aanleidingen"), 0)),
	        "zaak_ontvangen");
	free(s);
	json_decref(o);

	assert_string_equal(abo_veld("{\"id\":\"a\",\"url\":\"http://127.0.0.1:9/h\"}"), "ok");
	assert_string_equal(abo_veld("[]"), "");
	assert_string_equal(abo_veld("{\"url\":\"http://h/\"}"), "id");
	assert_string_equal(abo_veld("{\"id\":\"a\"}"), "url");
	assert_string_equal(abo_veld("{\"id\":\"a/b\",\"url\":\"http://h/\"}"), "id");
	assert_string_equal(abo_veld("{\"id\":\"a\",\"url\":\"ftp://h/\"}"), "url");
	assert_string_equal(abo_veld("{\"id\":\"a\",\"url\":\"/relatief\"}"), "url");
	assert_string_equal(abo_veld("{\"id\":\"a\",\"url\":\"http:///zonder-host\"}"), "url");
	assert_string_equal(abo_veld("{\"id\":\"a\",\"url\":\"http://h/ x\"}"), "url");
	assert_string_equal(abo_veld("{\"id\":\"a\",\"url\":\"http://h/\",\"vorm\":\"xml\"}"),
	                    "vorm");
	assert_string_equal(
	        abo_veld("{\"id\":\"a\",\"url\":\"http://h/\",\"aanleidingen\":[\"iets\"]}"),
	        "aanleidingen");
	assert_string_equal(abo_veld("{\"id\":\"a\",\"url\":\"http://h/\",\"zaaktypen\":\"T\"}"),
	                    "zaaktypen");
	assert_string_equal(abo_veld("{\"id\":\"a\",\"url\":\"http://h/\",\"zaaktypen\":[\"\"]}"),
	                    "zaaktypen");
	assert_string_equal(
	        abo_veld("{\"id\":\"a\",\"url\":\"http://h/\",\"authorization\":\"a\\nX: y\"}"),
	        "authorization");
	assert_string_equal(abo_veld("{\"id\":\"a\",\"url\":\"http://h/\",\"kleur\":1}"), "kleur");
}

static bool
controleer(const char *json, struct voorkeur_wijziging *w, const char **veld)
{
	json_t *b = json_loads(json, 0, NULL);
	const char *reden = NULL;
	bool ok = voorkeur_controleer(b, w, veld, &reden);
	/* A refusal always says why, in Dutch, for the problem document. */
	if (!ok)
		assert_non_null(reden);
	json_decref(b);
	return ok;
}

static void
test_voorkeur_controleer(void **state)
{
	(void)state;
	struct voorkeur_wijziging w;
	const char *veld = NULL;

	assert_true(controleer("{\"updates\":false}", &w, &veld));
	assert_true(w.updates_gezet && !w.updates && !w.email_gezet && !w.telefoon_gezet);
	assert_true(
	        controleer("{\"emailadres\":null,\"telefoonnummer\":\"+31612345678\"}", &w, &veld));
	assert_true(w.email_gezet && w.telefoon_gezet && !w.updates_gezet);
	assert_false(controleer("{\"emailadres\":\"a b@c.nl\"}", &w, &veld));
	assert_string_equal(veld, "emailadres");
	assert_false(controleer("{\"emailadres\":\"a@b@c\"}", &w, &veld));
	assert_false(controleer("{\"emailadres\":\"x@y.nl\\r\\nBcc: z@q.nl\"}", &w, &veld));
	assert_false(controleer("{\"telefoonnummer\":\"06-123\"}", &w, &veld));
	assert_string_equal(veld, "telefoonnummer");
	assert_false(controleer("{\"updates\":\"nee\"}", &w, &veld));
	assert_false(controleer("{\"bsn\":\"999991772\"}", &w, &veld));
	assert_string_equal(veld, "bsn");
	assert_false(controleer("[]", &w, &veld));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_shipped_rules_load),
	        cmocka_unit_test(test_missing_placeholder_named),
	        cmocka_unit_test(test_unknown_placeholder_named),
	        cmocka_unit_test(test_rules_refused),
	        cmocka_unit_test(test_most_specific_rule_wins),
	        cmocka_unit_test(test_render),
	        cmocka_unit_test(test_stable_id),
	        cmocka_unit_test(test_backoff),
	        cmocka_unit_test(test_answers),
	        cmocka_unit_test(test_header_safe),
	        cmocka_unit_test(test_notifynl),
	        cmocka_unit_test(test_abonnementen),
	        cmocka_unit_test(test_abonnement_controleer),
	        cmocka_unit_test(test_abonnement_origin),
	        cmocka_unit_test(test_voorkeur_controleer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
