/*
 * test_policy.c — the shipped autorisatiematrix (deploy/policy/) over every
 * combination of role × relation × open/closed × vertrouwelijkheid × detail ×
 * tonenAanInitiator (and action, KCC reason, purpose, level of assurance),
 * checked against the rules written out below in words — never against the
 * engine itself. Then each special case (slager keurt eigen vlees, verwanten,
 * afschermen, machtiging per dienst), the load refusals (self-approval,
 * missing approver, self-grant, typos), reload, and the explain trace.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access/policy.h"
#include "policy_fixture.h"

#define BSN_ZELF    "111222333" /* the caller */
#define BSN_ANDER   "123456782" /* someone the caller may act for */
#define BSN_DERDE   "222222220" /* a stranger */
#define BSN_VERWANT "999993653" /* m.devries's partner in the shipped matrix */
#define MW_TESTER   "t.tester"
#define AFDELING    "vergunningen"
#define AFSCHERMER  "a.bakker" /* granted the afscherming role in the shipped matrix */

enum testrol { T_INWONER, T_GEMACHTIGDE, T_KCC, T_BEHANDELAAR, T_FG, T_BEHEERDER, T__N };
enum testrel { R_EIGEN, R_GEMACHTIGDE, R_TOEGEWEZEN, R_AFDELING, R_GEEN, R__N };

static const char *const testrol_names[] = {"inwoner",     "gemachtigde", "kcc-medewerker",
                                            "behandelaar", "fg",          "beheerder"};
static const char *const testrel_names[] = {"eigen", "gemachtigde", "toegewezen", "zelfde_afdeling",
                                            "geen"};

static void
id(struct identiteit *i, const char *bsn)
{
	assert_true(identiteit_set(i, ID_BSN, bsn));
}

static struct principal
inwoner(bool gemachtigde, enum loa loa)
{
	struct principal p;

	memset(&p, 0, sizeof(p));
	p.kind = PRINCIPAL_INWONER;
	p.rollen = ROL_BIT(ROL_INWONER);
	id(&p.identiteit, BSN_ZELF);
	p.loa = loa;
	if (gemachtigde) {
		p.rollen |= ROL_BIT(ROL_GEMACHTIGDE);
		p.n_machtigingen = 1;
		id(&p.machtigingen[0].voor, BSN_ANDER);
	}
	return p;
}

static struct principal
medewerker(const char *mid, uint32_t rollen, const char *bsn)
{
	struct principal p;

	memset(&p, 0, sizeof(p));
	p.kind = PRINCIPAL_MEDEWERKER;
	p.rollen = rollen;
	snprintf(p.medewerker_id, sizeof(p.medewerker_id), "%s", mid);
	snprintf(p.afdeling, sizeof(p.afdeling), "%s", AFDELING);
	if (bsn)
		id(&p.identiteit, bsn);
	return p;
}

static struct principal
testprincipal(enum testrol r, enum loa loa)
{
	static const enum rol mw[] = {[T_KCC] = ROL_KCC_MEDEWERKER,
	                              [T_BEHANDELAAR] = ROL_BEHANDELAAR,
	                              [T_FG] = ROL_FG,
	                              [T_BEHEERDER] = ROL_BEHEERDER};

	if (r == T_INWONER || r == T_GEMACHTIGDE)
		return inwoner(r == T_GEMACHTIGDE, loa);
	return medewerker(MW_TESTER, ROL_BIT(mw[r]), BSN_ZELF);
}

/* A zaak that stands in relation rel to the callers built above. */
struct testzaak {
	struct zaak_resource z;
	struct identiteit gemachtigden[2];
};

static void
testzaak(struct testzaak *t, enum testrel rel, bool open, enum vertrouwelijkheid vt, bool tonen)
{
	memset(t, 0, sizeof(*t));
	t->z.gemachtigden = t->gemachtigden;
	t->z.open = open;
	t->z.vertrouwelijkheid = vt;
	t->z.tonen_aan_initiator = tonen;
	t->z.zaaktype = "SUBSIDIE";
	t->z.behandelaar = "x.collega";
	t->z.afdeling = "burgerzaken";
	id(&t->z.initiator, BSN_DERDE);
	switch (rel) {
	case R_EIGEN:
		id(&t->z.initiator, BSN_ZELF);
		break;
	case R_GEMACHTIGDE:
		/* Initiated by someone the caller acts for, the caller recorded as gemachtigde. */
		id(&t->z.initiator, BSN_ANDER);
		id(&t->gemachtigden[0], BSN_ZELF);
		t->z.n_gemachtigden = 1;
		break;
	case R_TOEGEWEZEN:
		t->z.behandelaar = MW_TESTER;
		break;
	case R_AFDELING:
		t->z.afdeling = AFDELING;
		break;
	default:
		break;
	}
}

/* ---- the matrix in words ------------------------------------------------- */

struct verwacht {
	bool toegestaan;
	enum detail detail;
	bool onthullen;
};

static const struct verwacht WEIGER = {false, DETAIL_GEEN, false};
static const struct verwacht WEIGER_ONTHUL = {false, DETAIL_GEEN, true};

static struct verwacht
toestaan(enum detail max, enum detail gevraagd)
{
	struct verwacht v = {true, max, false};

	/* Nobody gets more than they asked for; asking nothing in particular means the most. */
	if (gevraagd != DETAIL_GEEN && gevraagd < max)
		v.detail = gevraagd;
	return v;
}

static struct verwacht
verwachting(enum testrol rol, enum testrel rel, bool open, enum vertrouwelijkheid vt,
            enum detail gevraagd, bool tonen, enum policy_actie actie, bool reden, bool doel,
            enum loa loa)
{
	bool medewerker = rol != T_INWONER && rol != T_GEMACHTIGDE;

	/*
	 * Slager keurt eigen vlees: no employee role ever opens a zaak the employee
	 * initiated or is recorded as gemachtigde of. They may learn it exists: it is theirs.
	 */
	if (medewerker && (rel == R_EIGEN || rel == R_GEMACHTIGDE))
		return WEIGER_ONTHUL;

	switch (rol) {
	case T_INWONER:
	case T_GEMACHTIGDE: {
		/* A resident sees what they initiated; a gemachtigde also what they act in. */
		bool eigen = rel == R_EIGEN;
		bool namens = rol == T_GEMACHTIGDE && rel == R_GEMACHTIGDE;

		if (!eigen && !namens)
			return WEIGER;
		/* Only zaaktypen that may be shown to the initiator, and never above confidentieel.
		 */
		if (!tonen || vt > VERTR_CONFIDENTIEEL)
			return WEIGER;
		/* Vertrouwelijk and up need DigiD Substantieel; the resident is told so. */
		if (vt >= VERTR_VERTROUWELIJK && loa < LOA_SUBSTANTIEEL)
			return WEIGER_ONTHUL;
		if (loa < LOA_BASIS)
			return WEIGER;
		/* Own zaken in full; for a gemachtigde a closed zaak shrinks to a summary. */
		return toestaan(eigen || open ? DETAIL_VOLLEDIG : DETAIL_SAMENVATTING, gevraagd);
	}
	case T_KCC:
		/* A summary for a stated reason, up to zaakvertrouwelijk; never the data used. */
		if (actie == ACTIE_ZAAK_GEGEVENS || vt > VERTR_ZAAKVERTROUWELIJK)
			return WEIGER;
		if (!reden)
			return WEIGER_ONTHUL;
		return toestaan(DETAIL_SAMENVATTING, gevraagd);
	case T_BEHANDELAAR:
		/* Own caseload in full; the department's open zaken in full, closed ones summed up.
		 */
		if (vt > VERTR_GEHEIM)
			return WEIGER;
		if (rel == R_TOEGEWEZEN)
			return toestaan(DETAIL_VOLLEDIG, gevraagd);
		if (rel == R_AFDELING)
			return toestaan(open ? DETAIL_VOLLEDIG : DETAIL_SAMENVATTING, gevraagd);
		return WEIGER;
	case T_FG:
		/* Everything, up to zeer geheim, but only with a recorded purpose. */
		return doel ? toestaan(DETAIL_VOLLEDIG, gevraagd) : WEIGER;
	case T_BEHEERDER:
		/* Lists only, summaries only, up to intern. */
		if (actie != ACTIE_ZAKEN_LIJST || vt > VERTR_INTERN)
			return WEIGER;
		return toestaan(DETAIL_SAMENVATTING, gevraagd);
	default:
		return WEIGER;
	}
}

static void
whole_matrix(void **state)
{
	static const enum policy_actie acties[] = {ACTIE_ZAKEN_LIJST, ACTIE_ZAAK_LEZEN,
	                                           ACTIE_ZAAK_TIJDLIJN, ACTIE_ZAAK_GEGEVENS};
	long n = 0, permits[T__N] = {0}, denies[T__N] = {0}, hidden[T__N] = {0};

	(void)state;
	/* One index walks the whole product; each dimension is a digit of it. */
	for (long i = 0; i < (long)T__N * R__N * 2 * VERTR_AANTAL * 3 * 2 * 4 * 2 * 2 * 5; i++) {
		long k = i;
		int loa = (int)(k % 5), doel, reden, a, tonen, det, vt, open, rel, rol;

		k /= 5;
		doel = (int)(k % 2), k /= 2;
		reden = (int)(k % 2), k /= 2;
		a = (int)(k % 4), k /= 4;
		tonen = (int)(k % 2), k /= 2;
		det = (int)(k % 3), k /= 3;
		vt = (int)(k % VERTR_AANTAL), k /= VERTR_AANTAL;
		open = (int)(k % 2), k /= 2;
		rel = (int)(k % R__N), k /= R__N;
		rol = (int)k;
		/* Employees have no level of assurance in their token; one pass is enough. */
		if (rol >= T_KCC && loa != LOA_GEEN)
			continue;
		struct principal p = testprincipal((enum testrol)rol, (enum loa)loa);
		struct testzaak tz;
		struct policy_context ctx = {
		        .doel = doel ? "toezicht" : NULL,
		        .klantcontact_reden = reden ? "inwoner belt over de status" : NULL,
		        .gevraagd = (enum detail)det,
		};
		struct policy_decision d;
		struct verwacht v = verwachting((enum testrol)rol, (enum testrel)rel, open,
		                                (enum vertrouwelijkheid)vt, (enum detail)det, tonen,
		                                acties[a], reden, doel, (enum loa)loa);

		testzaak(&tz, (enum testrel)rel, open, (enum vertrouwelijkheid)vt, tonen);
		policy_evaluate(pol, &p, acties[a], &tz.z, &ctx, &d);
		if (d.toegestaan != v.toegestaan || d.detail != v.detail ||
		    (!v.toegestaan && d.bestaan_onthullen != v.onthullen)) {
			fail_msg("%s %s %s vt=%s detail=%s tonen=%d %s reden=%d doel=%d loa=%s: "
			         "got %s/%s/%s by %s, want %s/%s/%s",
			         testrol_names[rol], testrel_names[rel], open ? "open" : "gesloten",
			         vertrouwelijkheid_naam((enum vertrouwelijkheid)vt),
			         detail_name((enum detail)det), tonen, policy_actie_name(acties[a]),
			         reden, doel, loa_name((enum loa)loa),
			         d.toegestaan ? "toestaan" : "weigeren", detail_name(d.detail),
			         d.bestaan_onthullen ? "onthullen" : "verbergen", d.regel,
			         v.toegestaan ? "toestaan" : "weigeren", detail_name(v.detail),
			         v.onthullen ? "onthullen" : "verbergen");
		}
		/* Every decision names its rule and explains itself in both languages. */
		assert_non_null(d.regel);
		assert_true(d.uitleg && d.uitleg[0] && d.uitleg_en && d.uitleg_en[0]);
		n++;
		if (d.toegestaan)
			permits[rol]++;
		else if (d.bestaan_onthullen)
			denies[rol]++;
		else
			hidden[rol]++;
	}
	/* The loop reached every kind of outcome for every role. */
	for (int rol = 0; rol < T__N; rol++) {
		assert_true(permits[rol] > 0);
		assert_true(denies[rol] > 0);
		assert_true(hidden[rol] > 0);
	}
	assert_true(n > 50000);
}

/* ---- special cases -------------------------------------------------------- */

static struct policy_decision
decide(const struct principal *p, enum policy_actie a, const struct zaak_resource *z,
       const char *doel, const char *reden)
{
	struct policy_context ctx = {.doel = doel, .klantcontact_reden = reden};
	struct policy_decision d;

	policy_evaluate(pol, p, a, z, &ctx, &d);
	return d;
}

static void
slager_keurt_eigen_vlees(void **state)
{
	struct principal fg = medewerker(MW_TESTER, ROL_BIT(ROL_FG), BSN_ZELF);
	struct principal beh = medewerker(MW_TESTER, ROL_BIT(ROL_BEHANDELAAR), BSN_ZELF);
	struct testzaak tz;
	struct policy_decision d;

	(void)state;
	/* Even assigned to it, even the FG with a purpose: not through an employee role. */
	testzaak(&tz, R_EIGEN, true, VERTR_OPENBAAR, true);
	tz.z.behandelaar = MW_TESTER;
	d = decide(&beh, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
	assert_false(d.toegestaan);
	assert_string_equal(d.regel, "slager-eigen-zaak");
	d = decide(&fg, ACTIE_ZAAK_LEZEN, &tz.z, "toezicht", NULL);
	assert_false(d.toegestaan);
	assert_string_equal(d.regel, "slager-eigen-zaak");
	/* The same person as a resident may see it. */
	{
		struct principal zelf = inwoner(false, LOA_MIDDEN);

		d = decide(&zelf, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
		assert_true(d.toegestaan);
		assert_string_equal(d.regel, "inwoner-eigen-zaak");
	}
	/* Without the employee's own BSN the check cannot be made: refused. */
	beh = medewerker(MW_TESTER, ROL_BIT(ROL_BEHANDELAAR), NULL);
	testzaak(&tz, R_TOEGEWEZEN, true, VERTR_OPENBAAR, true);
	d = decide(&beh, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
	assert_false(d.toegestaan);
	assert_string_equal(d.regel, "slager-bsn-onbekend");
	assert_false(d.bestaan_onthullen);
}

static void
slager_verwanten(void **state)
{
	struct principal devries = medewerker("m.devries", ROL_BIT(ROL_BEHANDELAAR), BSN_ZELF);
	struct principal ander = medewerker("k.klaassen", ROL_BIT(ROL_BEHANDELAAR), BSN_ZELF);
	struct testzaak tz;
	struct policy_decision d;

	(void)state;
	testzaak(&tz, R_GEEN, true, VERTR_OPENBAAR, true);
	id(&tz.z.initiator, BSN_VERWANT);
	tz.z.behandelaar = "m.devries";
	d = decide(&devries, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
	assert_false(d.toegestaan);
	assert_string_equal(d.regel, "slager-verwanten");
	/* The employee may not even learn that the relative has a zaak. */
	assert_false(d.bestaan_onthullen);
	/* Ids are compared without case. */
	snprintf(devries.medewerker_id, sizeof(devries.medewerker_id), "M.deVries");
	d = decide(&devries, ACTIE_ZAKEN_LIJST, &tz.z, NULL, NULL);
	assert_string_equal(d.regel, "slager-verwanten");
	/* The relative acting as gemachtigde on a stranger's zaak counts too. */
	testzaak(&tz, R_GEEN, true, VERTR_OPENBAAR, true);
	tz.z.behandelaar = "m.devries";
	id(&tz.gemachtigden[0], BSN_VERWANT);
	tz.z.n_gemachtigden = 1;
	d = decide(&devries, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
	assert_string_equal(d.regel, "slager-verwanten");
	/* A colleague without that relative handles it normally. */
	tz.z.behandelaar = "k.klaassen";
	d = decide(&ander, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
	assert_true(d.toegestaan);
	assert_string_equal(d.regel, "behandelaar-toegewezen");
}

static void
afschermen(void **state)
{
	struct principal beh = medewerker(MW_TESTER, ROL_BIT(ROL_BEHANDELAAR), BSN_ZELF);
	struct principal kcc = medewerker(MW_TESTER, ROL_BIT(ROL_KCC_MEDEWERKER), BSN_ZELF);
	struct principal fg = medewerker(MW_TESTER, ROL_BIT(ROL_FG), BSN_ZELF);
	struct principal bakker = medewerker(AFSCHERMER, ROL_BIT(ROL_BEHANDELAAR), "333333330");
	struct principal zelf = inwoner(false, LOA_SUBSTANTIEEL);
	struct principal gem = inwoner(true, LOA_SUBSTANTIEEL);
	struct principal vreemde = inwoner(false, LOA_HOOG);
	struct testzaak tz;
	struct policy_decision d;

	(void)state;
	testzaak(&tz, R_TOEGEWEZEN, true, VERTR_OPENBAAR, true);
	tz.z.afgeschermd = true;
	/* The assigned behandelaar without the afscherming role: the zaak does not exist. */
	d = decide(&beh, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
	assert_false(d.toegestaan);
	assert_string_equal(d.regel, "afscherming");
	assert_false(d.bestaan_onthullen);
	d = decide(&beh, ACTIE_ZAKEN_LIJST, &tz.z, NULL, NULL);
	assert_false(d.toegestaan);
	/* KCC: hidden even where a missing reason would otherwise be told (403). */
	d = decide(&kcc, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
	assert_false(d.toegestaan);
	assert_false(d.bestaan_onthullen);
	d = decide(&kcc, ACTIE_ZAAK_LEZEN, &tz.z, NULL, "reden");
	assert_false(d.toegestaan);
	/* The FG sees it. */
	d = decide(&fg, ACTIE_ZAAK_LEZEN, &tz.z, "toezicht", NULL);
	assert_true(d.toegestaan);
	/* a.bakker holds the afscherming role through the policy's toekenning. */
	tz.z.behandelaar = AFSCHERMER;
	d = decide(&bakker, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
	assert_true(d.toegestaan);
	assert_int_equal(d.detail, DETAIL_VOLLEDIG);
	/* The shielded person and their gemachtigde see their own zaak; a stranger does not. */
	testzaak(&tz, R_EIGEN, true, VERTR_OPENBAAR, true);
	tz.z.afgeschermd = true;
	d = decide(&zelf, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
	assert_true(d.toegestaan);
	testzaak(&tz, R_GEMACHTIGDE, true, VERTR_OPENBAAR, true);
	tz.z.afgeschermd = true;
	d = decide(&gem, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
	assert_true(d.toegestaan);
	testzaak(&tz, R_GEEN, true, VERTR_OPENBAAR, true);
	tz.z.afgeschermd = true;
	d = decide(&vreemde, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
	assert_false(d.toegestaan);
	assert_string_equal(d.regel, "afscherming");
}

static void
machtiging_per_dienst(void **state)
{
	struct principal p = inwoner(true, LOA_MIDDEN);
	struct testzaak tz;
	struct policy_decision d;

	(void)state;
	p.machtigingen[0].n_diensten = 1;
	snprintf(p.machtigingen[0].diensten[0], PRINCIPAL_MAX_TEKST, "SUBSIDIE");
	testzaak(&tz, R_GEMACHTIGDE, true, VERTR_OPENBAAR, true);
	d = decide(&p, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
	assert_true(d.toegestaan);
	assert_string_equal(d.regel, "gemachtigde-open-zaak");
	tz.z.zaaktype = "PARKEERVERGUNNING";
	d = decide(&p, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
	assert_false(d.toegestaan);
	tz.z.zaaktype = NULL;
	d = decide(&p, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
	assert_false(d.toegestaan);
	/* Recorded as gemachtigde on the zaak, but no machtiging in the token: no access. */
	p = inwoner(false, LOA_HOOG);
	testzaak(&tz, R_GEMACHTIGDE, true, VERTR_OPENBAAR, true);
	d = decide(&p, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
	assert_false(d.toegestaan);
	assert_string_equal(d.regel, "standaard-weigeren");
}

static void
deny_overrides_permit_and_kcc_reason(void **state)
{
	struct principal p = inwoner(false, LOA_MIDDEN);
	struct principal both = medewerker(
	        MW_TESTER, ROL_BIT(ROL_KCC_MEDEWERKER) | ROL_BIT(ROL_BEHANDELAAR), BSN_ZELF);
	struct principal kcc = medewerker(MW_TESTER, ROL_BIT(ROL_KCC_MEDEWERKER), BSN_ZELF);
	struct testzaak tz;
	struct policy_decision d;

	(void)state;
	/* inwoner-eigen-zaak matches, and so does the LoA deny: the deny decides. */
	testzaak(&tz, R_EIGEN, true, VERTR_VERTROUWELIJK, true);
	d = decide(&p, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
	assert_false(d.toegestaan);
	assert_string_equal(d.regel, "inwoner-betrouwbaarheid-te-laag");
	assert_true(d.bestaan_onthullen);
	/* KCC without a reason is told so; with one, a summary even if full was asked. */
	testzaak(&tz, R_GEEN, true, VERTR_INTERN, true);
	d = decide(&kcc, ACTIE_ZAAK_LEZEN, &tz.z, NULL, "");
	assert_string_equal(d.regel, "kcc-reden-ontbreekt");
	{
		struct policy_context ctx = {.klantcontact_reden = "status aanvraag",
		                             .gevraagd = DETAIL_VOLLEDIG};

		policy_evaluate(pol, &kcc, ACTIE_ZAAK_LEZEN, &tz.z, &ctx, &d);
		assert_true(d.toegestaan);
		assert_int_equal(d.detail, DETAIL_SAMENVATTING);
	}
	/* A KCC employee who is also the assigned behandelaar needs no reason. */
	tz.z.behandelaar = MW_TESTER;
	d = decide(&both, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
	assert_true(d.toegestaan);
	assert_string_equal(d.regel, "behandelaar-toegewezen");
	assert_int_equal(d.detail, DETAIL_VOLLEDIG);
}

static void
actions_without_zaak(void **state)
{
	struct principal fg = medewerker(MW_TESTER, ROL_BIT(ROL_FG), BSN_ZELF);
	struct principal p = inwoner(false, LOA_HOOG);
	struct policy_decision d;

	(void)state;
	d = decide(&fg, ACTIE_AUDIT_LEZEN, NULL, "toezicht", NULL);
	assert_true(d.toegestaan);
	d = decide(&fg, ACTIE_AUDIT_LEZEN, NULL, NULL, NULL);
	assert_false(d.toegestaan);
	d = decide(&p, ACTIE_AUDIT_LEZEN, NULL, NULL, NULL);
	assert_false(d.toegestaan);
	/* Rules about zaken never match without one: a resident gets nothing. */
	d = decide(&p, ACTIE_ZAAK_LEZEN, NULL, NULL, NULL);
	assert_false(d.toegestaan);
}

static void
applicatie_reads_status(void **state)
{
	struct principal app;
	struct testzaak tz;
	struct policy_decision d;

	(void)state;
	memset(&app, 0, sizeof(app));
	app.kind = PRINCIPAL_APPLICATIE;
	app.rollen = ROL_BIT(ROL_APPLICATIE);
	snprintf(app.client_id, sizeof(app.client_id), "gzac");
	testzaak(&tz, R_GEEN, false, VERTR_ZAAKVERTROUWELIJK, false);
	d = decide(&app, ACTIE_ZAAK_TIJDLIJN, &tz.z, NULL, NULL);
	assert_true(d.toegestaan);
	tz.z.vertrouwelijkheid = VERTR_VERTROUWELIJK;
	d = decide(&app, ACTIE_ZAAK_TIJDLIJN, &tz.z, NULL, NULL);
	assert_false(d.toegestaan);
	d = decide(&app, ACTIE_ZAAK_GEGEVENS, &tz.z, NULL, NULL);
	assert_false(d.toegestaan);
}

/* ---- loading ----------------------------------------------------------------- */

static json_t *
matrix_json(void)
{
	json_error_t e;
	json_t *j = json_load_file(MATRIX, JSON_REJECT_DUPLICATES, &e);

	assert_non_null(j);
	return j;
}

/* Loads j (consumed); returns NULL and the message in err when refused. */
static struct policy *
load_json(json_t *j, char *err, size_t errlen)
{
	char *text = json_dumps(j, 0);
	struct policy *p = policy_parse(text, strlen(text), err, errlen);

	free(text);
	json_decref(j);
	return p;
}

#define assert_refused_with(j, needle)                                                             \
	do {                                                                                       \
		char e_[256];                                                                      \
		struct policy *p_ = load_json((j), e_, sizeof(e_));                                \
		if (p_)                                                                            \
			policy_free(p_);                                                           \
		assert_null(p_);                                                                   \
		if (!strstr(e_, (needle)))                                                         \
			fail_msg("message \"%s\" lacks \"%s\"", e_, (needle));                     \
	} while (0)

static void
shipped_matrix_provenance(void **state)
{
	(void)state;
	assert_string_equal(policy_opgesteld_door(pol), "j.jansen");
	assert_string_equal(policy_goedgekeurd_door(pol), "p.pietersen");
	assert_string_equal(policy_goedgekeurd_op(pol), "2024-06-01");
	assert_non_null(policy_versie(pol));
	assert_true(policy_regels(pol) >= 10);
}

static void
refuses_self_approval_and_missing_approver(void **state)
{
	json_t *j;

	(void)state;
	j = matrix_json();
	json_object_set_new(j, "goedgekeurdDoor", json_string("j.jansen"));
	assert_refused_with(j, "second person");
	/* Case and blanks do not make a second person. */
	j = matrix_json();
	json_object_set_new(j, "goedgekeurdDoor", json_string(" J.Jansen "));
	assert_refused_with(j, "second person");
	j = matrix_json();
	json_object_del(j, "goedgekeurdDoor");
	assert_refused_with(j, "goedgekeurdDoor is required");
	j = matrix_json();
	json_object_set_new(j, "goedgekeurdDoor", json_string(""));
	assert_refused_with(j, "goedgekeurdDoor");
	j = matrix_json();
	json_object_del(j, "opgesteldDoor");
	assert_refused_with(j, "opgesteldDoor is required");
}

static void
refuses_self_grant(void **state)
{
	json_t *j, *t;

	(void)state;
	/* The author grants themselves the afscherming role. */
	j = matrix_json();
	t = json_pack("{s:s, s:s}", "medewerker", "j.jansen", "rol", "afscherming");
	json_array_append_new(json_object_get(j, "toekenningen"), t);
	assert_refused_with(j, "j.jansen, who drew up this policy");
	/* The approver does. */
	j = matrix_json();
	t = json_pack("{s:s, s:s}", "medewerker", "P.Pietersen", "rol", "fg");
	json_array_append_new(json_object_get(j, "toekenningen"), t);
	assert_refused_with(j, "who approved this policy");
	/* The author keeps their own verwanten list (and so could leave a relative off). */
	j = matrix_json();
	json_object_set_new(json_object_get(j, "verwanten"), "j.jansen",
	                    json_pack("{s:[s]}", "bsn", BSN_DERDE));
	assert_refused_with(j, "verwanten.j.jansen names j.jansen");
	/* Only employee roles can be granted to a person. */
	j = matrix_json();
	t = json_pack("{s:s, s:s}", "medewerker", "x.y", "rol", "inwoner");
	json_array_append_new(json_object_get(j, "toekenningen"), t);
	assert_refused_with(j, "not an employee role");
}

static void
refuses_malformed_policies(void **state)
{
	json_t *j, *r;
	char err[256];

	(void)state;
	/* A misspelt condition would silently widen the rule: refused. */
	j = matrix_json();
	r = json_array_get(json_object_get(j, "regels"), 0);
	json_object_set_new(json_object_get(r, "voorwaarden"), "relaties", json_array());
	assert_refused_with(j, "unknown key \"relaties\"");
	j = matrix_json();
	json_object_set_new(j, "regel", json_array());
	assert_refused_with(j, "unknown key \"regel\"");
	j = matrix_json();
	r = json_array_get(json_object_get(j, "regels"), 0);
	json_object_set_new(r, "rollen", json_pack("[s]", "klantcontact"));
	assert_refused_with(j, "unknown role");
	j = matrix_json();
	r = json_array_get(json_object_get(j, "regels"), 0);
	json_object_set_new(r, "acties", json_pack("[s]", "zaak.verwijderen"));
	assert_refused_with(j, "unknown action");
	j = matrix_json();
	r = json_array_get(json_object_get(j, "regels"), 6);
	json_object_del(r, "detail");
	assert_refused_with(j, "detail must be");
	j = matrix_json();
	r = json_array_get(json_object_get(j, "regels"), 1);
	json_object_set_new(r, "id", json_string("slager-eigen-zaak"));
	assert_refused_with(j, "appears twice");
	j = matrix_json();
	json_object_del(j, "afscherming");
	assert_refused_with(j, "afscherming is required");
	j = matrix_json();
	json_object_del(json_object_get(j, "rollen"), "beheerder");
	assert_refused_with(j, "not defined under rollen");
	j = matrix_json();
	json_object_set_new(json_object_get(j, "verwanten"), "k.klaassen",
	                    json_pack("{s:[s]}", "bsn", "123456789"));
	assert_refused_with(j, "not a valid BSN");
	/* A BSN never appears in a load error: it may be logged. */
	j = matrix_json();
	json_object_set_new(json_object_get(j, "verwanten"), "k.klaassen",
	                    json_pack("{s:[s]}", "bsn", "123456789"));
	assert_null(load_json(j, err, sizeof(err)));
	assert_null(strstr(err, "123456789"));
	/* Duplicate keys in the file. */
	assert_null(policy_parse("{\"versie\":\"1\",\"versie\":\"2\"}",
	                         strlen("{\"versie\":\"1\",\"versie\":\"2\"}"), err, sizeof(err)));
	assert_non_null(strstr(err, "duplicate"));
}

static void
reload_keeps_old_policy_on_error(void **state)
{
	char path[] = "/tmp/test_policy_XXXXXX", err[256];
	struct policy *cur = policy_load(MATRIX, err, sizeof(err)), *before;
	json_t *j = matrix_json();
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)state;
	assert_non_null(cur);
	json_object_set_new(j, "goedgekeurdDoor", json_string("j.jansen"));
	json_dumpf(j, f, 0);
	fclose(f);
	before = cur;
	assert_false(policy_reload(&cur, path, err, sizeof(err)));
	assert_ptr_equal(cur, before);
	assert_string_equal(policy_goedgekeurd_door(cur), "p.pietersen");
	assert_false(policy_reload(&cur, "/nonexistent/policy.json", err, sizeof(err)));
	assert_ptr_equal(cur, before);
	/* A valid change by two people replaces it, and says who approved. */
	json_object_set_new(j, "goedgekeurdDoor", json_string("r.fg"));
	f = fopen(path, "w");
	json_dumpf(j, f, 0);
	fclose(f);
	assert_true(policy_reload(&cur, path, err, sizeof(err)));
	assert_string_equal(policy_goedgekeurd_door(cur), "r.fg");
	policy_log_loaded(cur, path);
	policy_free(cur);
	json_decref(j);
	remove(path);
}

/* ---- explain ------------------------------------------------------------------- */

static void
explain_names_every_rule_and_the_decider(void **state)
{
	struct principal beh = medewerker(MW_TESTER, ROL_BIT(ROL_BEHANDELAAR), BSN_ZELF);
	struct testzaak tz;
	struct policy_decision d, e;
	struct policy_context ctx = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	json_t *j = matrix_json(), *r;
	size_t i;

	(void)state;
	testzaak(&tz, R_EIGEN, true, VERTR_INTERN, true);
	tz.z.behandelaar = MW_TESTER;
	policy_explain(pol, &beh, ACTIE_ZAAK_LEZEN, &tz.z, &ctx, &d, out);
	fclose(out);
	/* The decision is the one evaluate gives. */
	policy_evaluate(pol, &beh, ACTIE_ZAAK_LEZEN, &tz.z, &ctx, &e);
	assert_int_equal(d.toegestaan, e.toegestaan);
	assert_string_equal(d.regel, e.regel);
	/* Every rule of the file appears, then the deciding one. */
	json_array_foreach(json_object_get(j, "regels"), i, r)
	{
		char needle[96];

		snprintf(needle, sizeof(needle), "[%s]",
		         json_string_value(json_object_get(r, "id")));
		if (!strstr(buf, needle))
			fail_msg("explain lacks %s:\n%s", needle, buf);
	}
	assert_non_null(strstr(buf, "[afscherming]"));
	assert_non_null(strstr(buf, "[slager-eigen-zaak] weigeren — VAN TOEPASSING"));
	assert_non_null(strstr(buf, "[behandelaar-toegewezen] toestaan — VAN TOEPASSING"));
	assert_non_null(strstr(buf, "besluit: weigeren door regel slager-eigen-zaak"));
	assert_non_null(strstr(buf, "weigeren gaat voor toestaan"));
	/* Why a rule did not apply is spelt out. */
	assert_non_null(strstr(buf, "[fg-toezicht] toestaan — niet van toepassing"));
	/* No BSN in the trace. */
	assert_null(strstr(buf, BSN_ZELF));
	free(buf);
	json_decref(j);
}

static void
zaak_json_shape(void **state)
{
	json_error_t je;
	json_t *j = json_loads("{\"initiator\":{\"type\":\"BSN\",\"nummer\":\"" BSN_ZELF "\"},"
	                       "\"gemachtigden\":[{\"type\":\"KVK\",\"nummer\":\"69599084\"}],"
	                       "\"behandelaar\":\"m.devries\",\"afdeling\":\"vergunningen\","
	                       "\"zaaktype\":\"SUBSIDIE\",\"open\":false,"
	                       "\"vertrouwelijkheidaanduiding\":\"geheim\","
	                       "\"tonenAanInitiator\":true,\"afgeschermd\":true}",
	                       0, &je);
	struct zaak_json zj;
	char err[200];

	(void)state;
	assert_true(zaak_from_json(j, &zj, err, sizeof(err)));
	assert_string_equal(zj.zaak.initiator.nummer, BSN_ZELF);
	assert_int_equal(zj.zaak.n_gemachtigden, 1);
	assert_int_equal(zj.zaak.gemachtigden[0].type, ID_KVK);
	assert_string_equal(zj.zaak.behandelaar, "m.devries");
	assert_false(zj.zaak.open);
	assert_int_equal(zj.zaak.vertrouwelijkheid, VERTR_GEHEIM);
	assert_true(zj.zaak.afgeschermd);
	json_object_set_new(j, "vertrouwelijkheidaanduiding", json_string("topgeheim"));
	assert_false(zaak_from_json(j, &zj, err, sizeof(err)));
	json_object_set_new(j, "vertrouwelijkheidaanduiding", json_string("geheim"));
	json_object_set_new(j, "initiator", json_pack("{s:s,s:s}", "type", "BSN", "nummer", "1"));
	assert_false(zaak_from_json(j, &zj, err, sizeof(err)));
	json_object_set_new(j, "initiator",
	                    json_pack("{s:s,s:s}", "type", "BSN", "nummer", BSN_ZELF));
	json_object_set_new(j, "status", json_string("x"));
	assert_false(zaak_from_json(j, &zj, err, sizeof(err)));
	assert_non_null(strstr(err, "status"));
	json_decref(j);
}

/* Reports the cost of one decision; the list endpoint makes thousands a second. */
static void
evaluation_speed(void **state)
{
	struct principal beh = medewerker("m.devries", ROL_BIT(ROL_BEHANDELAAR), BSN_ZELF);
	struct testzaak tz;
	struct policy_decision d;
	struct timespec a, b;
	const long n = 200000;
	long permits = 0;
	double ns;

	(void)state;
	testzaak(&tz, R_AFDELING, true, VERTR_INTERN, true);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		tz.z.open = i & 1;
		policy_evaluate(pol, &beh, ACTIE_ZAKEN_LIJST, &tz.z, NULL, &d);
		permits += d.toegestaan;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / (double)n;
	fprintf(stderr, "# policy_evaluate: %.0f ns per decision (%ld decisions)\n", ns, n);
	assert_int_equal(permits, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(whole_matrix),
	        cmocka_unit_test(slager_keurt_eigen_vlees),
	        cmocka_unit_test(slager_verwanten),
	        cmocka_unit_test(afschermen),
	        cmocka_unit_test(machtiging_per_dienst),
	        cmocka_unit_test(deny_overrides_permit_and_kcc_reason),
	        cmocka_unit_test(actions_without_zaak),
	        cmocka_unit_test(applicatie_reads_status),
	        cmocka_unit_test(shipped_matrix_provenance),
	        cmocka_unit_test(refuses_self_approval_and_missing_approver),
	        cmocka_unit_test(refuses_self_grant),
	        cmocka_unit_test(refuses_malformed_policies),
	        cmocka_unit_test(reload_keeps_old_policy_on_error),
	        cmocka_unit_test(explain_names_every_rule_and_the_decider),
	        cmocka_unit_test(zaak_json_shape),
	        cmocka_unit_test(evaluation_speed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
