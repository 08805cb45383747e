/*
 * test_trackandtrace.c — the pure parts of the Track & Trace API: the cursor
 * (round trip, tampering, another listing's cursor), parameter validation per
 * caller, whose zaken a list asks for, the policy resource of a read-model
 * row decided by the shipped autorisatiematrix, the timeline a resident or
 * employee sees at each detail level, the raadpleging record and its schema,
 * the route matcher of the HTTP threads, and geheimhouding carried by intake.
 * Run from the repository root (it reads deploy/ and schemas/).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "core/buf.h"
#include "../../services/intake/aanvraag.h"
#include "../../services/status/trackandtrace.h"
#include "wire/ce.h"
#include "http/http_pool.h"
#include "wire/schemaset.h"
#include "access/toegang.h"
#include "access/tokencache.h"
#include "access/throttle.h"
#include "policy_fixture.h"

#define BSN_A       "111222333"
#define BSN_B       "123456782"
#define BSN_C       "222222220"
#define KVK_X       "69599084"
#define TRACEPARENT "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

static struct pseudoniem_sleutel
sleutel(const char *hex)
{
	struct pseudoniem_sleutel k;

	assert_true(pseudoniem_sleutel_parse(hex, &k));
	return k;
}

#define SLEUTEL_1 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define SLEUTEL_2 "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"

static struct principal
inwoner(const char *bsn)
{
	struct principal p = {
	        .kind = PRINCIPAL_INWONER, .rollen = ROL_BIT(ROL_INWONER), .loa = LOA_MIDDEN};

	assert_true(identiteit_set(&p.identiteit, ID_BSN, bsn));
	return p;
}

static void
machtig(struct principal *p, enum id_type t, const char *nummer)
{
	assert_true(identiteit_set(&p->machtigingen[p->n_machtigingen++].voor, t, nummer));
	p->rollen |= ROL_BIT(ROL_GEMACHTIGDE);
}

static struct principal
medewerker(uint32_t rollen, const char *id, const char *eigen_bsn)
{
	struct principal p = {.kind = PRINCIPAL_MEDEWERKER, .rollen = rollen};

	snprintf(p.medewerker_id, sizeof(p.medewerker_id), "%s", id);
	if (eigen_bsn)
		assert_true(identiteit_set(&p.identiteit, ID_BSN, eigen_bsn));
	return p;
}

/* Cursor. */

static void
cursor_round_trip_and_every_tampering_is_refused(void **state)
{
	struct pseudoniem_sleutel ps1 = sleutel(SLEUTEL_1), ps2 = sleutel(SLEUTEL_2);
	struct tt_cursor_sleutel k1, k2;
	unsigned char bind[8] = {1, 2, 3, 4, 5, 6, 7, 8}, ander[8] = {1, 2, 3, 4, 5, 6, 7, 9};
	char c[TT_CURSOR_LEN + 1], t[TT_CURSOR_LEN + 1];
	int64_t v = 0;
	static const char alfabet[] =
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

	(void)state;
	tt_cursor_sleutel(&ps1, &k1);
	tt_cursor_sleutel(&ps2, &k2);
	for (int64_t pos = 1; pos < INT64_MAX / 3; pos = pos * 3 + 1) {
		tt_cursor_encode(&k1, bind, pos, c);
		assert_int_equal(strlen(c), TT_CURSOR_LEN);
		assert_true(tt_cursor_decode(&k1, bind, c, &v));
		assert_int_equal(v, pos);
	}
	tt_cursor_encode(&k1, bind, 424242, c);
	/* Another key, another listing: refused. */
	assert_false(tt_cursor_decode(&k2, bind, c, &v));
	assert_false(tt_cursor_decode(&k1, ander, c, &v));
	/* Every single-character change anywhere is refused (a forged position
	 * included); a change of the last character may only touch padding
	 * bits, which strict base64url refuses too. */
	for (size_t i = 0; i < TT_CURSOR_LEN; i++)
		for (const char *a = alfabet; *a; a++) {
			if (*a == c[i])
				continue;
			memcpy(t, c, sizeof(t));
			t[i] = *a;
			assert_false(tt_cursor_decode(&k1, bind, t, &v));
		}
	/* Wrong length, characters, empty. */
	assert_false(tt_cursor_decode(&k1, bind, "", &v));
	assert_false(tt_cursor_decode(&k1, bind, NULL, &v));
	memcpy(t, c, sizeof(t));
	t[TT_CURSOR_LEN - 1] = '\0';
	assert_false(tt_cursor_decode(&k1, bind, t, &v));
	t[3] = '=';
	assert_false(tt_cursor_decode(&k1, bind, t, &v));
	/* Position 0 never comes out of a list: refused even with a valid MAC. */
	tt_cursor_encode(&k1, bind, 0, c);
	assert_false(tt_cursor_decode(&k1, bind, c, &v));
}

static void
cursor_binding_names_caller_betrokkenen_and_filter(void **state)
{
	struct principal a = inwoner(BSN_A), b = inwoner(BSN_B);
	struct identiteit wie[2];
	unsigned char x[8], y[8];

	(void)state;
	assert_true(identiteit_set(&wie[0], ID_BSN, BSN_A));
	assert_true(identiteit_set(&wie[1], ID_BSN, BSN_B));
	tt_cursor_binding(&a, wie, 1, TT_ALLE, x);
	tt_cursor_binding(&a, wie, 1, TT_ALLE, y);
	assert_memory_equal(x, y, 8);
	tt_cursor_binding(&a, wie, 1, TT_OPEN, y);
	assert_memory_not_equal(x, y, 8);
	tt_cursor_binding(&b, wie, 1, TT_ALLE, y);
	assert_memory_not_equal(x, y, 8);
	tt_cursor_binding(&a, wie, 2, TT_ALLE, y);
	assert_memory_not_equal(x, y, 8);
}

/* Parameters. */

static json_t *
lijst(const char *query, struct tt_lijst_params *lp)
{
	struct evkeyvalq q;
	json_t *f;

	TAILQ_INIT(&q);
	assert_int_equal(evhttp_parse_query_str(query, &q), 0);
	f = tt_lijst_params(&q, lp);
	/* The strings point into q: keep what the tests look at. */
	lp->cursor = lp->cursor ? "cursor" : NULL;
	lp->reden = lp->reden ? "reden" : NULL;
	lp->doel = lp->doel ? "doel" : NULL;
	evhttp_clear_headers(&q);
	return f;
}

/* The names in invalidParams, comma-separated, and frees f. */
static char *
namen(json_t *f)
{
	static char buf[256];
	json_t *e;
	size_t i, n = 0;

	buf[0] = '\0';
	json_array_foreach(f, i, e)
	{
		const char *naam = json_string_value(json_object_get(e, "name"));
		const char *reden = json_string_value(json_object_get(e, "reason"));
		assert_non_null(naam);
		assert_true(reden && strlen(reden) > 10);
		assert_non_null(json_string_value(json_object_get(e, "code")));
		assert_true(buf_appendf(buf, sizeof(buf), &n, "%s%s", i ? "," : "", naam));
	}
	json_decref(f);
	return buf;
}

static void
list_parameters_valid(void **state)
{
	struct tt_lijst_params lp;

	(void)state;
	assert_null(lijst("", &lp));
	assert_int_equal(lp.page_size, TT_PAGE_SIZE_DEFAULT);
	assert_int_equal(lp.status, TT_ALLE);
	assert_false(lp.heeft_namens || lp.heeft_betrokkene || lp.cursor || lp.reden);
	assert_null(lijst("status=open&pageSize=100", &lp));
	assert_int_equal(lp.status, TT_OPEN);
	assert_int_equal(lp.page_size, 100);
	assert_null(lijst("status=gesloten&pageSize=1", &lp));
	assert_int_equal(lp.status, TT_GESLOTEN);
	assert_int_equal(lp.page_size, 1);
	assert_null(lijst("namens=" KVK_X, &lp));
	assert_true(lp.heeft_namens && lp.namens.type == ID_KVK);
	assert_null(lijst("namens=" BSN_B, &lp));
	assert_true(lp.heeft_namens && lp.namens.type == ID_BSN);
	assert_null(
	        lijst("bsn=" BSN_B "&reden=belt%20over%20zijn%20aanvraag&doel=klantcontact", &lp));
	assert_true(lp.heeft_betrokkene && lp.betrokkene.type == ID_BSN);
	assert_string_equal(lp.betrokkene.nummer, BSN_B);
	assert_non_null(lp.reden);
	assert_non_null(lp.doel);
	/* Dutch text with accents is a reason like any other. */
	assert_null(lijst("kvk=" KVK_X "&reden=vraag%20over%20%C3%A9%C3%A9n%20brief", &lp));
	assert_true(lp.heeft_betrokkene && lp.betrokkene.type == ID_KVK);
}

static void
list_parameters_invalid_name_the_parameter(void **state)
{
	static const struct {
		const char *query, *namen;
	} gevallen[] = {
	        {"pageSize=0", "pageSize"},
	        {"pageSize=101", "pageSize"},
	        {"pageSize=-1", "pageSize"},
	        {"pageSize=1e2", "pageSize"},
	        {"pageSize=", "pageSize"},
	        {"pageSize=0010", "pageSize"},
	        {"status=Open", "status"},
	        {"status=", "status"},
	        {"cursor=abc", "cursor"},
	        {"cursor=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D", "cursor"},
	        {"namens=123456789", "namens"},
	        {"namens=1234567", "namens"},
	        {"bsn=123456789", "bsn"},
	        {"bsn=" KVK_X, "bsn"},
	        {"kvk=1234567", "kvk"},
	        {"bsn=" BSN_A "&kvk=" KVK_X, "kvk"},
	        {"reden=", "reden"},
	        {"reden=%01", "reden"},
	        {"reden=a%0Ab", "reden"},
	        {"reden=%C0%AF", "reden"},    /* overlong '/' */
	        {"reden=%ED%A0%80", "reden"}, /* a surrogate */
	        {"reden=%FF", "reden"},       /* not UTF-8 */
	        /* A reason is real text: a blank, a word of four, digits and dots are not. */
	        {"reden=%20", "reden"},
	        {"reden=%20%20%09", "reden"},
	        {"reden=belt", "reden"},
	        {"reden=12345678", "reden"},
	        {"reden=.....", "reden"},
	        {"doel=Toezicht", "doel"},
	        {"doel=", "doel"},
	        {"zoek=x", "zoek"},
	        {"status=open&status=open", "status"},
	        {"pageSize=0&status=x&bsn=1", "status,pageSize,bsn"},
	};
	struct tt_lijst_params lp;
	char lang[400];

	(void)state;
	for (size_t i = 0; i < sizeof(gevallen) / sizeof(gevallen[0]); i++) {
		json_t *f = lijst(gevallen[i].query, &lp);
		if (!f)
			fail_msg("accepted: %s", gevallen[i].query);
		assert_string_equal(namen(f), gevallen[i].namen);
	}
	/* 200 characters is the most a reason may have. */
	memcpy(lang, "reden=", 6);
	memset(lang + 6, 'x', 200);
	lang[206] = '\0';
	assert_null(lijst(lang, &lp));
	strcat(lang, "x");
	assert_string_equal(namen(lijst(lang, &lp)), "reden");
}

static void
what_each_caller_may_ask(void **state)
{
	struct principal a = inwoner(BSN_A);
	struct principal kcc = medewerker(ROL_BIT(ROL_KCC_MEDEWERKER), "k.klant", BSN_C);
	struct principal kcc_beh =
	        medewerker(ROL_BIT(ROL_KCC_MEDEWERKER) | ROL_BIT(ROL_BEHANDELAAR), "k.beh", BSN_C);
	struct principal app = {.kind = PRINCIPAL_APPLICATIE, .rollen = ROL_BIT(ROL_APPLICATIE)};
	struct tt_lijst_params lp;
	struct tt_zaak_params zp = {0};

	(void)state;
	assert_null(lijst("", &lp));
	assert_null(tt_lijst_voor(&a, &lp));
	assert_string_equal(namen(tt_lijst_voor(&kcc, &lp)), "bsn,reden");
	assert_string_equal(namen(tt_lijst_voor(&app, &lp)), "bsn");
	assert_null(lijst("bsn=" BSN_B, &lp));
	assert_string_equal(namen(tt_lijst_voor(&a, &lp)), "bsn");
	assert_string_equal(namen(tt_lijst_voor(&kcc, &lp)), "reden");
	assert_null(tt_lijst_voor(&kcc_beh, &lp));
	assert_null(tt_lijst_voor(&app, &lp));
	assert_null(lijst("bsn=" BSN_B "&reden=%20inwoner%20belt%20", &lp));
	assert_null(tt_lijst_voor(&kcc, &lp));
	assert_null(lijst("namens=" BSN_B "&reden=inwoner+belt&doel=y", &lp));
	assert_string_equal(namen(tt_lijst_voor(&a, &lp)), "reden,doel");
	assert_string_equal(namen(tt_lijst_voor(&kcc, &lp)), "namens,bsn");
	/* The timeline: the same rule for the reason. */
	assert_null(tt_zaak_voor(&a, &zp));
	assert_string_equal(namen(tt_zaak_voor(&kcc, &zp)), "reden");
	zp.reden = "inwoner belt";
	zp.reden_gegeven = true;
	assert_null(tt_zaak_voor(&kcc, &zp));
	assert_string_equal(namen(tt_zaak_voor(&a, &zp)), "reden");
	/* A reason given but refused (blank) is reported once, as that, not also as missing. */
	zp.reden = NULL;
	assert_null(tt_zaak_voor(&kcc, &zp));
	/* The GET form names no one: person and reason belong in POST _zoek's body. */
	assert_null(lijst("bsn=" BSN_B "&reden=inwoner+belt&status=open", &lp));
	assert_string_equal(namen(tt_lijst_in_url(&lp)), "bsn,reden");
	assert_null(lijst("namens=" KVK_X, &lp));
	assert_string_equal(namen(tt_lijst_in_url(&lp)), "namens");
	assert_null(lijst("status=open&pageSize=5&doel=behandeling", &lp));
	assert_null(tt_lijst_in_url(&lp));
	(void)kcc_beh;
}

/* POST /api/v1/zaken/_zoek: the body as the query, the cursor from the URL. */
static void
search_body_becomes_the_query(void **state)
{
	struct evkeyvalq url, q;
	struct tt_lijst_params lp;
	json_t *body =
	        json_pack("{s:s, s:s, s:i}", "bsn", BSN_B, "reden", "inwoner belt", "pageSize", 5);

	(void)state;
	TAILQ_INIT(&url);
	assert_int_equal(evhttp_parse_query_str("cursor=abc", &url), 0);
	assert_null(tt_zoek_query(body, &url, &q));
	assert_string_equal(evhttp_find_header(&q, "bsn"), BSN_B);
	assert_string_equal(evhttp_find_header(&q, "pageSize"), "5");
	assert_string_equal(evhttp_find_header(&q, "cursor"), "abc");
	assert_non_null(tt_lijst_params(&q, &lp)); /* "abc" is no cursor */
	assert_true(lp.heeft_betrokkene && lp.page_size == 5);
	assert_string_equal(lp.reden, "inwoner belt");
	evhttp_clear_headers(&q);
	evhttp_clear_headers(&url);
	/* The URL holds only the cursor; values are text or whole numbers. */
	assert_int_equal(evhttp_parse_query_str("bsn=" BSN_B, &url), 0);
	assert_string_equal(namen(tt_zoek_query(body, &url, &q)), "bsn");
	evhttp_clear_headers(&q);
	evhttp_clear_headers(&url);
	json_object_set_new(body, "status", json_pack("[s]", "open"));
	json_object_set_new(body, "doel", json_real(1.5));
	assert_string_equal(namen(tt_zoek_query(body, &url, &q)), "status,doel");
	evhttp_clear_headers(&q);
	json_decref(body);
	body = json_pack("[s]", BSN_B);
	assert_string_equal(namen(tt_zoek_query(body, &url, &q)), "body");
	evhttp_clear_headers(&q);
	json_decref(body);
	/* A NUL inside a string would cut the value: refused. */
	body = json_pack("{s:s#}", "bsn", BSN_B "\0x", (int)sizeof(BSN_B "\0x") - 1);
	assert_string_equal(namen(tt_zoek_query(body, &url, &q)), "bsn");
	evhttp_clear_headers(&q);
	json_decref(body);
}

/* The timeline: reason and purpose from the headers, never a reason in the URL. */
static void
timeline_reason_comes_in_a_header(void **state)
{
	struct evkeyvalq url, q;
	struct tt_zaak_params zp;

	(void)state;
	TAILQ_INIT(&url);
	/* Percent-encoded UTF-8 decoded; the purpose may stay in the URL. */
	assert_int_equal(evhttp_parse_query_str("doel=behandeling", &url), 0);
	assert_null(tt_zaak_query(&url, "Inwoner%20belt%20over%20caf%C3%A9", NULL, &q));
	assert_null(tt_zaak_params(&q, &zp));
	assert_string_equal(zp.reden, "Inwoner belt over caf\xc3\xa9");
	assert_string_equal(zp.doel, "behandeling");
	evhttp_clear_headers(&q);
	/* Both places: repeated. */
	assert_null(tt_zaak_query(&url, NULL, "toezicht", &q));
	assert_string_equal(namen(tt_zaak_params(&q, &zp)), "doel");
	evhttp_clear_headers(&q);
	evhttp_clear_headers(&url);
	/* A reason in the URL: refused, but passed on for the record. */
	assert_int_equal(evhttp_parse_query_str("reden=inwoner%20belt", &url), 0);
	assert_string_equal(namen(tt_zaak_query(&url, NULL, NULL, &q)), "reden");
	assert_null(tt_zaak_params(&q, &zp));
	assert_string_equal(zp.reden, "inwoner belt");
	evhttp_clear_headers(&q);
	evhttp_clear_headers(&url);
	/* A NUL would cut the reason: refused. */
	assert_string_equal(namen(tt_zaak_query(&url, "inwoner%00belt", NULL, &q)), "ZS-Reden");
	evhttp_clear_headers(&q);
}

static void
whose_zaken_a_list_asks_for(void **state)
{
	struct principal a = inwoner(BSN_A);
	struct principal kcc = medewerker(ROL_BIT(ROL_KCC_MEDEWERKER), "k.klant", BSN_C);
	struct identiteit wie[TT_MAX_BETROKKENEN];
	struct tt_lijst_params lp;

	(void)state;
	assert_null(lijst("", &lp));
	assert_int_equal(tt_betrokkenen(&a, &lp, wie), 1);
	assert_string_equal(wie[0].nummer, BSN_A);
	machtig(&a, ID_BSN, BSN_B);
	machtig(&a, ID_KVK, KVK_X);
	machtig(&a, ID_BSN, BSN_B); /* twice in the token: once in the list */
	assert_int_equal(tt_betrokkenen(&a, &lp, wie), 3);
	assert_string_equal(wie[1].nummer, BSN_B);
	assert_true(wie[2].type == ID_KVK);
	assert_null(lijst("namens=" KVK_X, &lp));
	assert_int_equal(tt_betrokkenen(&a, &lp, wie), 1);
	assert_string_equal(wie[0].nummer, KVK_X);
	assert_null(lijst("namens=" BSN_A, &lp));
	assert_int_equal(tt_betrokkenen(&a, &lp, wie), 1);
	assert_string_equal(wie[0].nummer, BSN_A);
	/* Someone the token holds no machtiging for. */
	assert_null(lijst("namens=" BSN_C, &lp));
	assert_int_equal(tt_betrokkenen(&a, &lp, wie), 0);
	assert_null(lijst("bsn=" BSN_B, &lp));
	assert_int_equal(tt_betrokkenen(&kcc, &lp, wie), 1);
	assert_string_equal(wie[0].nummer, BSN_B);
	assert_string_equal(tt_soort(ID_KVK), "kvk");
	assert_string_equal(tt_betrokkene_type(ID_BSN), "natuurlijk_persoon");
}

/* The policy resource of a row, decided by the shipped matrix. */

static struct tt_zaak_rij
rij(const char *rollen)
{
	return (struct tt_zaak_rij){.zaaktype = "SUBSIDIE",
	                            .afdeling = "vergunningen",
	                            .behandelaar = "m.devries",
	                            .vertrouwelijkheid = "zaakvertrouwelijk",
	                            .rollen = rollen,
	                            .open = true,
	                            .tonen_aan_initiator = true};
}

static bool
mag(const struct principal *p, enum policy_actie actie, const struct tt_zaak_rij *r,
    const char *reden, enum detail *detail)
{
	struct tt_resource rs;
	struct policy_decision d;
	struct policy_context ctx = {.doel = policy_standaard_doel(pol, p),
	                             .klantcontact_reden = reden};

	tt_resource(r, &rs);
	policy_evaluate(pol, p, actie, &rs.zaak, &ctx, &d);
	if (detail)
		*detail = d.detail;
	return d.toegestaan;
}

static void
resource_from_a_row(void **state)
{
	struct tt_zaak_rij r =
	        rij("belanghebbende:kvk:" KVK_X ",initiator:kvk:" KVK_X ",initiator:bsn:" BSN_A
	            ",gemachtigde:bsn:" BSN_B ",gemachtigde:vestiging:000012345678,rubbish,a:b,"
	            "gemachtigde:bsn:123456789");
	struct tt_resource rs;

	(void)state;
	tt_resource(&r, &rs);
	/* The person's BSN names the initiator, even after a KvK number. */
	assert_true(rs.zaak.initiator.type == ID_BSN);
	assert_string_equal(rs.zaak.initiator.nummer, BSN_A);
	/* Only valid BSN/KvK gemachtigden; vestigingen and failing elfproef dropped. */
	assert_int_equal(rs.zaak.n_gemachtigden, 1);
	assert_string_equal(rs.zaak.gemachtigden[0].nummer, BSN_B);
	assert_true(rs.zaak.vertrouwelijkheid == VERTR_ZAAKVERTROUWELIJK);
	assert_string_equal(rs.zaak.zaaktype, "SUBSIDIE");
	assert_true(rs.zaak.open && rs.zaak.tonen_aan_initiator && !rs.zaak.afgeschermd);
	/* Unreadable data never grants more. */
	r = rij(NULL);
	r.vertrouwelijkheid = "supergeheim";
	tt_resource(&r, &rs);
	assert_true(rs.zaak.vertrouwelijkheid == VERTR_ZEER_GEHEIM);
	assert_true(rs.zaak.initiator.type == ID_GEEN);
	assert_int_equal(rs.zaak.n_gemachtigden, 0);
}

static void
policy_decides_over_rows(void **state)
{
	struct principal a = inwoner(BSN_A), b = inwoner(BSN_B), g = inwoner(BSN_C);
	struct principal kcc = medewerker(ROL_BIT(ROL_KCC_MEDEWERKER), "k.klant", BSN_C);
	struct principal eigen = medewerker(ROL_BIT(ROL_KCC_MEDEWERKER), "k.eigen", BSN_A);
	struct tt_zaak_rij r = rij("initiator:bsn:" BSN_A), dicht = r, geheim = r, stil = r;
	enum detail d;

	(void)state;
	machtig(&g, ID_BSN, BSN_A);
	dicht.open = false;
	geheim.afgeschermd = true;
	stil.tonen_aan_initiator = false;
	assert_true(mag(&a, ACTIE_ZAKEN_LIJST, &r, NULL, &d) && d == DETAIL_VOLLEDIG);
	assert_true(mag(&a, ACTIE_ZAAK_GEGEVENS, &r, NULL, &d) && d == DETAIL_VOLLEDIG);
	assert_false(mag(&b, ACTIE_ZAAK_TIJDLIJN, &r, NULL, NULL));
	assert_false(mag(&a, ACTIE_ZAAK_TIJDLIJN, &stil, NULL, NULL));
	assert_true(mag(&g, ACTIE_ZAAK_TIJDLIJN, &r, NULL, &d) && d == DETAIL_VOLLEDIG);
	assert_true(mag(&g, ACTIE_ZAAK_TIJDLIJN, &dicht, NULL, &d) && d == DETAIL_SAMENVATTING);
	assert_true(mag(&kcc, ACTIE_ZAAK_TIJDLIJN, &r, "belt", &d) && d == DETAIL_SAMENVATTING);
	assert_false(mag(&kcc, ACTIE_ZAAK_GEGEVENS, &r, "belt", NULL));
	assert_false(mag(&kcc, ACTIE_ZAAK_TIJDLIJN, &r, NULL, NULL));
	/* Afscherming: the person sees it, the KCC does not. */
	assert_true(mag(&a, ACTIE_ZAKEN_LIJST, &geheim, NULL, NULL));
	assert_false(mag(&kcc, ACTIE_ZAKEN_LIJST, &geheim, "belt", NULL));
	/* Slager keurt eigen vlees: the employee's own BSN is the initiator. */
	assert_false(mag(&eigen, ACTIE_ZAAK_TIJDLIJN, &r, "controle", NULL));
}

/* Timeline. */

static json_t *
doc(bool gesloten)
{
	json_t *d = json_pack(
	        "{s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:i, s:i, s:i, s:o},"
	        " s:[{s:i, s:s, s:s, s:b, s:b, s:s, s:s, s:n}, {s:i, s:s, s:s, s:b, s:b, s:s, s:n, s:n},"
	        "    {s:i, s:s, s:s, s:b, s:b, s:s, s:s, s:n}],"
	        " s:[{s:i, s:s, s:s, s:b}, {s:i, s:s, s:s, s:b}, {s:i, s:s, s:s, s:b}, {s:i, s:s, s:s, s:b},"
	        "    {s:i, s:s, s:s, s:b}],"
	        " s:[{s:s, s:s, s:s, s:i, s:s}, {s:s, s:s, s:n, s:n, s:n}],"
	        " s:[{s:s, s:s, s:i, s:s}], s:[{s:s, s:s, s:s}],"
	        " s:[{s:s, s:s, s:s, s:s, s:n, s:s, s:s}],"
	        " s:[{s:s, s:s, s:s, s:s, s:b}], s:{s:s, s:s, s:s, s:s}}",
	        "zaak", "uuid", "0f8fad5b-d9cb-469f-a165-70867728950e", "identificatie",
	        "ZAAK-2026-0000000042", "bronorganisatie", "002220647", "zaaktype", "SUBSIDIE",
	        "zaaktype_omschrijving", "Subsidie", "omschrijving", "Geluidsisolatie",
	        "registratiedatum", "2026-03-02", "startdatum", "2026-03-02", "einddatum_gepland",
	        "2026-04-13", "einddatum", gesloten ? json_string("2026-04-01") : json_null(),
	        "status", 3, "stap", 3, "aantal_stappen", 5, "resultaat",
	        gesloten ? json_string("Toegekend") : json_null(),
	        /* statussen: 1 shown, 2 internal, 3 shown */
	        "statussen", "volgnummer", 1, "omschrijving", "Ontvangen", "statustekst",
	        "We hebben uw aanvraag ontvangen.", "tonen_aan_initiator", 1, "is_eindstatus", 0,
	        "gezet_op", "2026-03-02T08:00:00+00:00", "toelichting", "Dank u.",
	        "terugzetten_reden", "volgnummer", 2, "omschrijving", "Interne toets",
	        "statustekst", "Intern.", "tonen_aan_initiator", 0, "is_eindstatus", 0, "gezet_op",
	        "2026-03-03T09:30:00.25+00:00", "toelichting", "terugzetten_reden", "volgnummer", 3,
	        "omschrijving", "In behandeling", "statustekst", "We beoordelen uw aanvraag.",
	        "tonen_aan_initiator", 1, "is_eindstatus", 0, "gezet_op",
	        "2026-03-04T10:00:00.123456+00:00", "toelichting", "Nog even geduld.",
	        "terugzetten_reden",
	        /* statustypen: 2 and 4 not for the initiator */
	        "statustypen", "volgnummer", 1, "omschrijving", "Ontvangen", "statustekst", "o",
	        "tonenAanInitiator", 1, "volgnummer", 2, "omschrijving", "Interne toets",
	        "statustekst", "i", "tonenAanInitiator", 0, "volgnummer", 3, "omschrijving",
	        "In behandeling", "statustekst", "b", "tonenAanInitiator", 1, "volgnummer", 4,
	        "omschrijving", "Advies", "statustekst", "a", "tonenAanInitiator", 0, "volgnummer",
	        5, "omschrijving", "Afgehandeld", "statustekst", "k", "tonenAanInitiator", 1,
	        "opschortingen", "reden", "Wacht op uw stukken", "per", "2026-03-05", "tot",
	        "2026-03-09", "dagen", 4, "hervat_toelichting", "Ontvangen.", "reden",
	        "Wacht op advies", "per", "2026-03-10", "tot", "dagen", "hervat_toelichting",
	        "verlengingen", "reden", "Advies nodig", "duur", "P2W", "dagen", 14, "verlengd_op",
	        "2026-03-11T12:00:00+00:00", "resultaten", "resultaat", "Toegekend", "toelichting",
	        "Volledig toegekend.", "vastgesteld_op", "2026-03-30T12:00:00+00:00", "besluiten",
	        "identificatie", "BESLUIT-1", "besluittype", "Subsidiebeschikking", "datum",
	        "2026-03-29", "ingangsdatum", "2026-03-30", "vervaldatum",
	        "uiterlijke_reactiedatum", "2026-05-10", "toelichting", "Zie brief.",
	        "eigenschappen", "naam", "postcode", "waarde", "2511 AB", "doel",
	        "Adres van de woning", "grondslag", "ASV", "persoonsgegeven", 1,
	        "verwerkingsactiviteit", "naam", "Subsidies", "doel", "Subsidie verlenen",
	        "grondslag", "Awb 4:23", "bewaartermijn", "P10Y");

	assert_non_null(d);
	return d;
}

static const char *
s(const json_t *o, const char *pad)
{
	char buf[128], *save = NULL, *k;
	const json_t *v = o;

	snprintf(buf, sizeof(buf), "%s", pad);
	for (k = strtok_r(buf, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
		v = json_is_array(v) ? json_array_get(v, (size_t)atoi(k)) : json_object_get(v, k);
	return json_string_value(v);
}

/* Whether text appears anywhere in o. */
static bool
toont(const json_t *o, const char *text)
{
	char *t = json_dumps(o, 0);
	bool ja = strstr(t, text) != NULL;

	free(t);
	return ja;
}

static void
timeline_for_a_resident_hides_internal_statuses_and_counts_visible_steps(void **state)
{
	json_t *d = doc(false), *t;
	struct tt_weergave w = {.voor_initiator = true,
	                        .detail = DETAIL_VOLLEDIG,
	                        .gegevens = true,
	                        .gegevens_detail = DETAIL_VOLLEDIG};
	const json_t *statussen, *v;

	(void)state;
	t = tt_tijdlijn(d, &w);
	statussen = json_object_get(t, "statussen");
	assert_int_equal(json_array_size(statussen), 2);
	assert_int_equal(
	        json_integer_value(json_object_get(json_array_get(statussen, 1), "volgnummer")), 3);
	assert_false(toont(t, "Interne toets"));
	assert_string_equal(s(t, "status.omschrijving"), "In behandeling");
	assert_string_equal(s(t, "status.datumStatusGezet"), "2026-03-04T10:00:00.123Z");
	assert_string_equal(s(t, "statussen.0.datumStatusGezet"), "2026-03-02T08:00:00.000Z");
	assert_string_equal(s(t, "statussen.1.statustoelichting"), "Nog even geduld.");
	/* Step 2 of 3 (1, 3, 5 are for the initiator), next: 5 only. */
	v = json_object_get(t, "voortgang");
	assert_int_equal(json_integer_value(json_object_get(v, "stap")), 2);
	assert_int_equal(json_integer_value(json_object_get(v, "aantalStappen")), 3);
	assert_int_equal(json_array_size(json_object_get(v, "volgende")), 1);
	assert_string_equal(s(v, "volgende.0.omschrijving"), "Afgehandeld");
	/* Suspended now (the second has no end), with its reason in full. */
	assert_true(json_is_true(json_object_get(json_object_get(t, "opschorting"), "indicatie")));
	assert_string_equal(s(t, "opschorting.sinds"), "2026-03-10");
	assert_string_equal(s(t, "opschorting.reden"), "Wacht op advies");
	assert_string_equal(s(t, "opschortingen.0.reden"), "Wacht op uw stukken");
	assert_string_equal(s(t, "verlengingen.0.reden"), "Advies nodig");
	assert_string_equal(s(t, "besluiten.0.uiterlijkeReactiedatum"), "2026-05-10");
	assert_string_equal(s(t, "gebruikteGegevens.0.waarde"), "2511 AB");
	assert_string_equal(s(t, "gebruikteGegevens.0.grondslag"), "ASV");
	assert_string_equal(s(t, "verwerkingsactiviteit.grondslag"), "Awb 4:23");
	assert_true(json_is_null(json_object_get(t, "resultaat"))); /* not closed */
	assert_int_equal(json_array_size(json_object_get(t, "berichten")), 0);
	assert_string_equal(s(t, "url"), "/api/v1/zaken/ZAAK-2026-0000000042");
	assert_string_equal(s(t, "detailniveau"), "volledig");
	json_decref(t);
	json_decref(d);
}

static void
timeline_for_an_employee_shows_every_status(void **state)
{
	json_t *d = doc(true), *t;
	struct tt_weergave w = {.detail = DETAIL_VOLLEDIG};
	const json_t *v;

	(void)state;
	t = tt_tijdlijn(d, &w);
	assert_int_equal(json_array_size(json_object_get(t, "statussen")), 3);
	assert_string_equal(s(t, "statussen.1.datumStatusGezet"), "2026-03-03T09:30:00.250Z");
	v = json_object_get(t, "voortgang");
	assert_int_equal(json_integer_value(json_object_get(v, "stap")), 3);
	assert_int_equal(json_integer_value(json_object_get(v, "aantalStappen")), 5);
	/* Closed: nothing comes next. */
	assert_int_equal(json_array_size(json_object_get(v, "volgende")), 0);
	assert_string_equal(s(t, "resultaat.omschrijving"), "Toegekend");
	assert_string_equal(s(t, "resultaat.toelichting"), "Volledig toegekend.");
	/* zaak.gegevens not permitted: the data used is not there at all. */
	assert_null(json_object_get(t, "gebruikteGegevens"));
	assert_null(json_object_get(t, "verwerkingsactiviteit"));
	json_decref(t);
	json_decref(d);
}

static void
timeline_summary_leaves_out_reasons_and_values(void **state)
{
	json_t *d = doc(true), *t;
	struct tt_weergave w = {.voor_initiator = true,
	                        .detail = DETAIL_SAMENVATTING,
	                        .gegevens = true,
	                        .gegevens_detail = DETAIL_SAMENVATTING};
	static const char *const vrij[] = {"Dank u.",      "Nog even geduld.",   "Wacht op",
	                                   "Advies nodig", "Volledig toegekend", "Zie brief",
	                                   "2511 AB"};

	(void)state;
	t = tt_tijdlijn(d, &w);
	for (size_t i = 0; i < sizeof(vrij) / sizeof(vrij[0]); i++)
		if (toont(t, vrij[i]))
			fail_msg("a summary shows %s", vrij[i]);
	/* What a summary does show. */
	assert_string_equal(s(t, "statussen.1.statustekst"), "We beoordelen uw aanvraag.");
	assert_string_equal(s(t, "opschortingen.0.van"), "2026-03-05");
	assert_string_equal(s(t, "gebruikteGegevens.0.doel"), "Adres van de woning");
	assert_string_equal(s(t, "besluiten.0.uiterlijkeReactiedatum"), "2026-05-10");
	assert_string_equal(s(t, "detailniveau"), "samenvatting");
	json_decref(t);
	json_decref(d);
}

static void
timeline_without_route_tells_a_resident_no_steps(void **state)
{
	json_t *d = doc(false), *t;
	struct tt_weergave w = {.voor_initiator = true, .detail = DETAIL_VOLLEDIG};

	(void)state;
	json_object_set_new(d, "statustypen", json_null());
	t = tt_tijdlijn(d, &w);
	assert_true(json_is_null(json_object_get(t, "voortgang")));
	json_decref(t);
	w.voor_initiator = false;
	t = tt_tijdlijn(d, &w);
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(t, "voortgang"), "stap")), 3);
	json_decref(t);
	json_decref(d);
}

static void
timestamps_from_postgresql(void **state)
{
	char out[32];

	(void)state;
	assert_true(tt_tijdstip("2026-03-02T08:00:00+00:00", out));
	assert_string_equal(out, "2026-03-02T08:00:00.000Z");
	assert_true(tt_tijdstip("2026-03-02T08:00:00.5+00:00", out));
	assert_string_equal(out, "2026-03-02T08:00:00.500Z");
	assert_true(tt_tijdstip("2026-03-02T08:00:00.999999+00:00", out));
	assert_string_equal(out, "2026-03-02T08:00:00.999Z");
	assert_false(tt_tijdstip("2026-03-02T08:00:00+01:00", out));
	assert_false(tt_tijdstip("2026-03-02 08:00:00+00", out));
	assert_false(tt_tijdstip("2026-03-02T08:00:00.+00:00", out));
	assert_false(tt_tijdstip("2026-03-02T08:00:00.1234567+00:00", out));
	assert_false(tt_tijdstip("2026-03-02T08:0x:00+00:00", out));
	assert_false(tt_tijdstip(NULL, out));
}

static void
list_item(void **state)
{
	struct tt_lijst_rij r = {.identificatie = "ZAAK-2026-0000000042",
	                         .zaaktype = "SUBSIDIE",
	                         .startdatum = "2026-03-02",
	                         .status_omschrijving = "Ontvangen",
	                         .statustekst = "We hebben uw aanvraag ontvangen.",
	                         .status_gezet_op = "2026-03-02T08:00:00.000Z",
	                         .opgeschort = true};
	json_t *o = tt_lijst_item(&r);

	(void)state;
	assert_string_equal(s(o, "url"), "/api/v1/zaken/ZAAK-2026-0000000042");
	assert_string_equal(s(o, "status.statustekst"), "We hebben uw aanvraag ontvangen.");
	assert_true(json_is_null(json_object_get(o, "einddatum")));
	assert_true(json_is_true(json_object_get(o, "opgeschort")));
	json_decref(o);
}

/* The record of a decision. */

static void
raadpleging_record_fits_its_schema_and_names_no_bsn(void **state)
{
	struct pseudoniem_sleutel k = sleutel(SLEUTEL_1);
	struct principal g = inwoner(BSN_A);
	struct toegang_betrokkene b = {.type = "natuurlijk_persoon"};
	struct toegang_vastlegging v = {.actie = ACTIE_ZAAK_TIJDLIJN,
	                                .doel = "track_en_trace",
	                                .zaak_uuid = "0f8fad5b-d9cb-469f-a165-70867728950e",
	                                .zaak_identificatie = "ZAAK-2026-0000000042",
	                                .grondslag = "Awb",
	                                .verwerkingsactiviteit = "https://example.nl/va/1"};
	struct policy_decision permit = {
	        .toegestaan = true, .detail = DETAIL_VOLLEDIG, .regel = "gemachtigde-open-zaak"};
	struct policy_decision deny = {.regel = "standaard-weigeren"};
	char err[256], pb[PSEUDONIEM_LEN + 1], pa[PSEUDONIEM_LEN + 1];
	struct schemaset *set = schemaset_load("schemas", err, sizeof(err));
	const struct schema_entry *e;
	json_t *rec;
	void *buf = NULL;
	size_t len = 0;

	(void)state;
	assert_non_null(set);
	e = schemaset_latest(set, "GegevensGeraadpleegd");
	assert_non_null(e);
	machtig(&g, ID_BSN, BSN_B);
	assert_true(identiteit_set(&b.id, ID_BSN, BSN_B));
	assert_true(pseudoniem(&k, "BSN", BSN_B, pb));
	assert_true(pseudoniem(&k, "BSN", BSN_A, pa));
	rec = toegang_raadpleging(&k, &g, &b, &v, &permit, TRACEPARENT);
	assert_non_null(rec);
	assert_string_equal(s(rec, "betrokkene"), pb);
	assert_string_equal(s(rec, "actor.type"), "gemachtigde");
	assert_string_equal(s(rec, "actor.identificatie"), pa);
	assert_string_equal(s(rec, "actor.rol"), "inwoner,gemachtigde");
	assert_string_equal(s(rec, "traceId"), "0af7651916cd43dd8448eb211c80319c");
	assert_string_equal(s(rec, "besluit"), "permit");
	assert_string_equal(s(rec, "detailniveau"), "volledig");
	assert_string_equal(s(rec, "grondslag"), "Awb");
	assert_string_equal(s(rec, "actie"), "zaak.tijdlijn");
	assert_false(toont(rec, BSN_A) || toont(rec, BSN_B));
	assert_int_equal(schemaset_encode(e, rec, &buf, &len, err, sizeof(err)), 0);
	free(buf);
	json_decref(rec);
	/* A deny carries no legal basis and no detail; a list no zaak. */
	v.zaak_uuid = v.zaak_identificatie = NULL;
	v.actie = ACTIE_ZAKEN_LIJST;
	v.reden = "belt over zijn aanvraag";
	rec = toegang_raadpleging(&k, &g, &b, &v, &deny, TRACEPARENT);
	assert_true(json_is_null(json_object_get(rec, "grondslag")));
	assert_true(json_is_null(json_object_get(rec, "detailniveau")));
	assert_true(json_is_null(json_object_get(rec, "zaak")));
	assert_string_equal(s(rec, "reden"), "belt over zijn aanvraag");
	assert_string_equal(s(rec, "besluit"), "deny");
	assert_int_equal(schemaset_encode(e, rec, &buf, &len, err, sizeof(err)), 0);
	free(buf);
	json_decref(rec);
	/* Free text on the topic: a BSN (plain or grouped), a phone number and an
	 * e-mail address masked; a date and a short number kept. */
	v.reden = "belt namens 999990007 (ook 999 990 007), tel 0612345678, a.b@voorbeeld.nl, "
	          "brief van 02-03-2026 nr 12";
	rec = toegang_raadpleging(&k, &g, &b, &v, &deny, TRACEPARENT);
	assert_string_equal(s(rec, "reden"), "belt namens ********* (ook *** *** ***), tel "
	                                     "**********, ***@************, brief van "
	                                     "02-03-2026 nr 12");
	json_decref(rec);
	/* An application acting for a person: the user recorded, a BSN as its pseudonym. */
	{
		struct principal app = {.kind = PRINCIPAL_APPLICATIE,
		                        .rollen = ROL_BIT(ROL_APPLICATIE)};

		snprintf(app.client_id, sizeof(app.client_id), "gzac");
		snprintf(app.user_id, sizeof(app.user_id), "%s", BSN_A);
		snprintf(app.user_representation, sizeof(app.user_representation), "J. Jansen (%s)",
		         BSN_A);
		rec = toegang_raadpleging(&k, &app, &b, &v, &deny, TRACEPARENT);
		assert_string_equal(s(rec, "actor.identificatie"), "gzac");
		assert_string_equal(s(rec, "actor.gebruikersId"), pa);
		assert_string_equal(s(rec, "actor.gebruikersWeergave"), "J. Jansen (*********)");
		assert_false(toont(rec, BSN_A) || toont(rec, BSN_B));
		assert_int_equal(schemaset_encode(e, rec, &buf, &len, err, sizeof(err)), 0);
		free(buf);
		json_decref(rec);
		snprintf(app.user_id, sizeof(app.user_id), "m.devries");
		rec = toegang_raadpleging(&k, &app, &b, &v, &deny, TRACEPARENT);
		assert_string_equal(s(rec, "actor.gebruikersId"), "m.devries");
		json_decref(rec);
	}
	schemaset_free(set);
}

/* A reason must be real text; what is recorded of it is bounded. */
static void
reasons_are_real_text_and_recorded_bounded(void **state)
{
	char out[FREETEXT_REDEN_BUF], kort[8], lang[1000];

	(void)state;
	assert_int_equal(freetext_reden("  inwoner belt  ", out), FREETEXT_OK);
	assert_string_equal(out, "inwoner belt");
	assert_int_equal(freetext_reden(" ", out), FREETEXT_EMPTY);
	assert_int_equal(freetext_reden("", out), FREETEXT_EMPTY);
	assert_int_equal(freetext_reden("belt", out), FREETEXT_TOO_SHORT);
	assert_int_equal(freetext_reden("1 2 3 4 5", out), FREETEXT_TOO_SHORT);
	assert_int_equal(freetext_reden("vraag", out), FREETEXT_OK);
	assert_int_equal(freetext_reden("één vraag", out), FREETEXT_OK);
	assert_int_equal(freetext_reden("vraag\x01x", out), FREETEXT_UNREADABLE);
	assert_int_equal(freetext_reden("vraag \xff", out), FREETEXT_UNREADABLE);
	memset(lang, 'x', 201);
	lang[201] = '\0';
	assert_int_equal(freetext_reden(lang, out), FREETEXT_TOO_LONG);
	lang[200] = '\0';
	assert_int_equal(freetext_reden(lang, out), FREETEXT_OK);
	/* Recorded: whole characters only, never past the buffer. */
	freetext_recordable("ééééé", 3, out, sizeof(out));
	assert_string_equal(out, "ééé");
	freetext_recordable("ééééé", 10, kort, sizeof(kort));
	assert_string_equal(kort, "ééé");
	freetext_recordable("a\xff"
	                    "b",
	                    10, kort, sizeof(kort));
	assert_string_equal(kort, "a?b");
}

/* A sweep runs into the throttle; others do not. */
static void
throttle_holds_back_a_caller_after_max_refusals_in_the_window(void **state)
{
	struct throttle *a = throttle_new(3, 60);
	long nog = 0;

	(void)state;
	assert_non_null(a);
	for (int i = 0; i < 3; i++) {
		assert_false(throttle_holds(a, "inwoner:" BSN_A, 1000 + i, &nog));
		throttle_count(a, "inwoner:" BSN_A, 1000 + i);
	}
	assert_true(throttle_holds(a, "inwoner:" BSN_A, 2000, &nog));
	assert_int_equal(nog, 59);
	/* Another caller, and the same number as another kind of caller, go on. */
	assert_false(throttle_holds(a, "inwoner:" BSN_B, 2000, &nog));
	assert_false(throttle_holds(a, "medewerker:" BSN_A, 2000, &nog));
	/* The window ends: counting starts afresh. */
	assert_false(throttle_holds(a, "inwoner:" BSN_A, 61000, &nog));
	throttle_count(a, "inwoner:" BSN_A, 61000);
	assert_false(throttle_holds(a, "inwoner:" BSN_A, 61001, &nog));
	throttle_free(a);
}

/* HTTP threads' routing. */

static void
route_matching(void **state)
{
	char *p[HTTP_MAX_PARAMS];
	int n;

	(void)state;
	assert_true(http_path_match("/api/v1/zaken", "/api/v1/zaken", p, &n));
	assert_int_equal(n, 0);
	assert_false(http_path_match("/api/v1/zaken", "/api/v1/zaken/", p, &n));
	assert_false(http_path_match("/api/v1/zaken", "/api/v1/zake", p, &n));
	assert_true(http_path_match("/api/v1/zaken/{id}", "/api/v1/zaken/ZAAK%2D1", p, &n));
	assert_int_equal(n, 1);
	assert_string_equal(p[0], "ZAAK-1");
	free(p[0]);
	assert_false(http_path_match("/api/v1/zaken/{id}", "/api/v1/zaken/", p, &n));
	assert_false(http_path_match("/api/v1/zaken/{id}", "/api/v1/zaken/a/b", p, &n));
	assert_int_equal(n, 0);
	assert_true(http_path_match("/a/{x}/b/{y}", "/a/1/b/2", p, &n));
	assert_int_equal(n, 2);
	assert_string_equal(p[1], "2");
	free(p[0]);
	free(p[1]);
	/* A NUL decoded from %00 would end the value early: no match at all. */
	assert_false(http_path_match("/api/v1/zaken/{id}", "/api/v1/zaken/ZAAK-1%00x", p, &n));
	assert_int_equal(n, 0);
	/* The request is refused before routing for any control character or bad escape. */
	assert_true(http_path_has_control("/api/v1/zaken/ZAAK-1%00anything"));
	assert_true(http_path_has_control("/api/v1/zaken/ZAAK-1%0a"));
	assert_true(http_path_has_control("/api/v1/zaken/ZAAK-1%7F"));
	assert_true(http_path_has_control("/api/v1/zaken/ZAAK-1\x01"));
	assert_true(http_path_has_control("/api/v1/zaken/ZAAK-1%"));
	assert_true(http_path_has_control("/api/v1/zaken/ZAAK-1%4"));
	assert_true(http_path_has_control("/api/v1/zaken/ZAAK-1%zz"));
	assert_false(http_path_has_control("/api/v1/zaken/ZAAK-1%2D2%20"));
	assert_false(http_path_has_control("/api/v1/zaken/ZAAK-%C3%A9"));
}

/* Verified tokens remembered per thread. */

static void
token_cache_hits_only_the_same_bytes_until_the_verifier_refuses(void **state)
{
	static const unsigned char secret[32] = "0123456789abcdef0123456789abcdef";
	static const char jwks[] =
	        "{\"keys\": [{\"kty\": \"oct\", \"kid\": \"k1\", \"alg\": "
	        "\"HS256\", \"k\": \"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY\"}]}";
	struct principal a = inwoner(BSN_A), b = inwoner(BSN_B), uit;
	struct tokencache *c = tokencache_new(8), *een = tokencache_new(1);
	struct jwt_trust_set *set = jwt_trust_new();
	const time_t nu = 1900000000;
	json_t *claims = json_pack("{s:s, s:s, s:s, s:s, s:I}", "iss", "i", "aud", "zaakstroom",
	                           "bsn", BSN_A, "loa", "midden", "exp", (json_int_t)(nu + 600));
	char *tok = jwt_sign("k1", JWT_ALG_HS256, NULL, secret, sizeof(secret), claims);
	struct jwt_result res;
	char *ander, err[200];
	size_t len = strlen(tok);

	(void)state;
	assert_true(jwt_trust_add(set, PRINCIPAL_INWONER, "i", "zaakstroom", jwks, strlen(jwks),
	                          NULL, err, sizeof(err)));
	set->skew = 60;
	assert_true(jwt_verify(set, tok, len, nu, &uit, &res));
	assert_int_equal(res.geldig_tot, nu + 600 + 60);
	assert_false(tokencache_get(c, tok, len, nu, &uit));
	tokencache_put(c, tok, len, res.geldig_tot, &a);
	/* The cache and the verifier agree to the second (they once differed by one). */
	assert_true(tokencache_get(c, tok, len, res.geldig_tot - 1, &uit));
	assert_true(jwt_verify(set, tok, len, res.geldig_tot - 1, &uit, &res));
	assert_string_equal(uit.identiteit.nummer, BSN_A);
	assert_false(tokencache_get(c, tok, len, res.geldig_tot, &uit));
	assert_false(jwt_verify(set, tok, len, res.geldig_tot, &uit, &res));
	assert_int_equal(res.fout, JWT_FOUT_VERLOPEN);
	/* Any other bytes: a miss. */
	assert_false(tokencache_get(c, tok, len - 1, nu, &uit));
	ander = strdup(tok);
	ander[len - 2] = ander[len - 2] == 'A' ? 'B' : 'A';
	assert_false(tokencache_get(c, ander, len, nu, &uit));
	/* One slot: the newer token takes it. */
	tokencache_put(een, tok, len, nu + 600, &a);
	tokencache_put(een, ander, len, nu + 600, &b);
	assert_false(tokencache_get(een, tok, len, nu, &uit));
	assert_true(tokencache_get(een, ander, len, nu, &uit));
	assert_string_equal(uit.identiteit.nummer, BSN_B);
	free(ander);
	free(tok);
	json_decref(claims);
	jwt_trust_free(set);
	tokencache_free(c);
	tokencache_free(een);
}

/* Intake carries geheimhouding into the zaak's rollen. */

static void
intake_carries_geheimhouding_into_the_rollen(void **state)
{
	json_error_t je;
	json_t *zt_doc = json_load_file("deploy/catalogus/terugbelnotitie.json", 0, &je);
	struct zaaktype *zt = NULL;
	char err[256];

	(void)state;
	assert_non_null(zt_doc);
	assert_int_equal(zaaktype_from_json(zt_doc, &zt, err, sizeof(err)), 0);
	json_decref(zt_doc);
	for (int geheim = 0; geheim <= 2; geheim++) {
		json_t *a_doc = json_pack(
		        "{s:s, s:s, s:s, s:{s:s, s:s, s:o}, s:{s:s, s:s, s:s}}", "aanvraagId",
		        "5b0e7c1e-3c7a-4f0e-9a52-6c1f0a3d2b11", "zaaktype", "TERUGBELNOTITIE",
		        "ingediendOp", "2026-03-02T08:00:00.000Z", "initiator", "betrokkeneType",
		        "natuurlijk_persoon", "inpBsn", BSN_A, "geheimhouding",
		        geheim == 2 ? json_string("ja") : json_boolean(geheim), "eigenschappen",
		        "onderwerp", "Vraag", "vraag", "Wanneer?", "telefoonnummer", "0612345678");
		struct aanvraag *a = NULL;
		json_t *zaak;

		assert_int_equal(aanvraag_from_json(a_doc, &a, err, sizeof(err)), 0);
		if (geheim == 2) {
			/* Not a boolean: a reason of its own, never "not shielded". */
			assert_non_null(a->fouten);
			assert_true(redenen_heeft(a->fouten, "aanvraag.veld_ongeldig",
			                          "initiator.geheimhouding"));
		} else {
			assert_null(a->fouten);
			zaak = zaak_geregistreerd_json(
			        zt, a, "0f8fad5b-d9cb-469f-a165-70867728950e",
			        "ZAAK-2026-0000000042", "002220647", 1772438400000LL);
			assert_non_null(zaak);
			assert_true(json_is_boolean(json_object_get(
			        json_object_get(json_array_get(json_object_get(zaak, "rollen"), 0),
			                        "betrokkene"),
			        "geheimhouding")));
			assert_int_equal(tt_betrokkene_afgeschermd(zaak), geheim);
			/* A shielded gemachtigde shields the zaak as much as the initiator. */
			if (!geheim) {
				json_array_append_new(json_object_get(zaak, "rollen"),
				                      json_pack("{s:s, s:{s:s, s:s, s:b}}",
				                                "omschrijvingGeneriek",
				                                "belanghebbende", "betrokkene",
				                                "betrokkeneType",
				                                "natuurlijk_persoon", "inpBsn",
				                                BSN_B, "geheimhouding", 1));
				assert_true(tt_betrokkene_afgeschermd(zaak));
			}
			json_decref(zaak);
		}
		aanvraag_free(a);
		json_decref(a_doc);
	}
	zaaktype_free(zt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(cursor_round_trip_and_every_tampering_is_refused),
	        cmocka_unit_test(cursor_binding_names_caller_betrokkenen_and_filter),
	        cmocka_unit_test(list_parameters_valid),
	        cmocka_unit_test(list_parameters_invalid_name_the_parameter),
	        cmocka_unit_test(what_each_caller_may_ask),
	        cmocka_unit_test(search_body_becomes_the_query),
	        cmocka_unit_test(timeline_reason_comes_in_a_header),
	        cmocka_unit_test(whose_zaken_a_list_asks_for),
	        cmocka_unit_test(resource_from_a_row),
	        cmocka_unit_test(policy_decides_over_rows),
	        cmocka_unit_test(
	                timeline_for_a_resident_hides_internal_statuses_and_counts_visible_steps),
	        cmocka_unit_test(timeline_for_an_employee_shows_every_status),
	        cmocka_unit_test(timeline_summary_leaves_out_reasons_and_values),
	        cmocka_unit_test(timeline_without_route_tells_a_resident_no_steps),
	        cmocka_unit_test(timestamps_from_postgresql),
	        cmocka_unit_test(list_item),
	        cmocka_unit_test(raadpleging_record_fits_its_schema_and_names_no_bsn),
	        cmocka_unit_test(reasons_are_real_text_and_recorded_bounded),
	        cmocka_unit_test(throttle_holds_back_a_caller_after_max_refusals_in_the_window),
	        cmocka_unit_test(route_matching),
	        cmocka_unit_test(token_cache_hits_only_the_same_bytes_until_the_verifier_refuses),
	        cmocka_unit_test(intake_carries_geheimhouding_into_the_rollen),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
