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
		/* Everything, up to zeer geheim, but only with a purpose the FG states. */
		return doel ? toestaan(DETAIL_VOLLEDIG, gevraagd) : WEIGER;
	case T_BEHEERDER:
		/* No inhoudelijke toegang: nothing of any zaak, not even a list. */
		return WEIGER;
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
	for (long i = 0; i < (long)T__N * R__N * 2 * VERTR__COUNT * 3 * 2 * 4 * 2 * 2 * 5; i++) {
		long k = i;
		int loa = (int)(k % 5), doel, reden, a, tonen, det, vt, open, rel, rol;

		k /= 5;
		doel = (int)(k % 2), k /= 2;
		reden = (int)(k % 2), k /= 2;
		a = (int)(k % 4), k /= 4;
		tonen = (int)(k % 2), k /= 2;
		det = (int)(k % 3), k /= 3;
		vt = (int)(k % VERTR__COUNT), k /= VERTR__COUNT;
		open = (int)(k % 2), k /= 2;
		rel = (int)(k % R__N), k /= R__N;
		rol = (int)k;
		/* Employees have no level of assurance in their token; one pass is enough. */
		if (rol >= T_KCC && loa != LOA_GEEN)
			continue;
		struct principal p = testprincipal((enum testrol)rol, (enum loa)loa);
		struct testzaak tz;
		/* With doel: a purpose of the caller's own role (the FG's "toezicht"). */
		static const char *const eigen_doel[] = {"track_en_trace", "track_en_trace",
		                                         "klantcontact",   "behandeling",
		                                         "toezicht",       "beheer"};
		struct policy_context ctx = {
		        .doel = doel ? eigen_doel[rol] : NULL,
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
			         vertrouwelijkheid_name((enum vertrouwelijkheid)vt),
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
		/* ... except a permit for the beheerder, who has no inhoudelijke toegang. */
		assert_true(rol == T_BEHEERDER ? permits[rol] == 0 : permits[rol] > 0);
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

static struct principal
applicatie(const char *client_id)
{
	struct principal app;

	memset(&app, 0, sizeof(app));
	app.kind = PRINCIPAL_APPLICATIE;
	app.rollen = ROL_BIT(ROL_APPLICATIE);
	snprintf(app.client_id, sizeof(app.client_id), "%s", client_id);
	return app;
}

/* Webhook subscriptions: the beheerder's alone (purpose beheer, the role's
 * default), for every role of the whole-matrix walk and every application. */
static void
only_beheerder_manages_subscriptions(void **state)
{
	static const char *const apps[] = {"gzac", "zac", "open-formulieren"};
	struct policy_decision d;

	(void)state;
	for (int rol = 0; rol < T__N; rol++)
		for (int loa = LOA_GEEN; loa <= LOA_HOOG; loa++) {
			struct principal p = testprincipal((enum testrol)rol, (enum loa)loa);
			/* As the API asks: with the caller's default purpose. */
			d = decide(&p, ACTIE_ABONNEMENTEN_BEHEREN, NULL,
			           policy_standaard_doel(pol, &p), NULL);
			if (d.toegestaan != (rol == T_BEHEERDER))
				fail_msg("rol %d loa %d: %s", rol, loa, d.regel);
			if (rol == T_BEHEERDER) {
				assert_string_equal(d.regel, "beheerder-abonnementen");
				d = decide(&p, ACTIE_ABONNEMENTEN_BEHEREN, NULL, "toezicht", NULL);
				assert_false(d.toegestaan);
			}
		}
	for (size_t i = 0; i < sizeof(apps) / sizeof(apps[0]); i++) {
		struct principal app = applicatie(apps[i]);
		d = decide(&app, ACTIE_ABONNEMENTEN_BEHEREN, NULL, policy_standaard_doel(pol, &app),
		           NULL);
		assert_false(d.toegestaan);
	}
	/* The beheerder's permit opens nothing else: still no zaak, no person. */
	struct principal b = testprincipal(T_BEHEERDER, LOA_GEEN);
	d = decide(&b, ACTIE_INZAGE_TERMIJNEN, NULL, "beheer", NULL);
	assert_false(d.toegestaan);
	d = decide(&b, ACTIE_AUDIT_LEZEN, NULL, "beheer", NULL);
	assert_false(d.toegestaan);
}

/* Every application its own grant, as in the ZGW autorisaties; default nothing. */
static void
applicatie_reads_status_within_its_own_grant(void **state)
{
	struct principal gzac = applicatie("gzac"), zac = applicatie("zac");
	struct principal formulieren = applicatie("open-formulieren");
	struct testzaak tz;
	struct policy_decision d;

	(void)state;
	testzaak(&tz, R_GEEN, false, VERTR_ZAAKVERTROUWELIJK, false);
	tz.z.zaaktype = "SUBSIDIE-SANERING-VERKEERSLAWAAI";
	d = decide(&gzac, ACTIE_ZAAK_TIJDLIJN, &tz.z, NULL, NULL);
	assert_true(d.toegestaan);
	assert_string_equal(d.regel, "applicatie-zaakstatus");
	d = decide(&gzac, ACTIE_ZAKEN_LIJST, &tz.z, NULL, NULL);
	assert_true(d.toegestaan);
	/* Above its maximum, outside its actions, another zaaktype: outside the grant. */
	tz.z.vertrouwelijkheid = VERTR_VERTROUWELIJK;
	d = decide(&gzac, ACTIE_ZAAK_TIJDLIJN, &tz.z, NULL, NULL);
	assert_false(d.toegestaan);
	assert_string_equal(d.regel, "applicatie-buiten-toekenning");
	assert_false(d.bestaan_onthullen);
	tz.z.vertrouwelijkheid = VERTR_OPENBAAR;
	d = decide(&gzac, ACTIE_ZAAK_GEGEVENS, &tz.z, NULL, NULL);
	assert_string_equal(d.regel, "applicatie-buiten-toekenning");
	tz.z.zaaktype = "PARKEERVERGUNNING";
	d = decide(&gzac, ACTIE_ZAAK_TIJDLIJN, &tz.z, NULL, NULL);
	assert_string_equal(d.regel, "applicatie-buiten-toekenning");
	/* zac: terugbelnotities up to intern, no lists by person. */
	tz.z.zaaktype = "TERUGBELNOTITIE";
	d = decide(&zac, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
	assert_true(d.toegestaan);
	d = decide(&zac, ACTIE_ZAKEN_LIJST, &tz.z, NULL, NULL);
	assert_string_equal(d.regel, "applicatie-buiten-toekenning");
	tz.z.vertrouwelijkheid = VERTR_ZAAKVERTROUWELIJK;
	d = decide(&zac, ACTIE_ZAAK_LEZEN, &tz.z, NULL, NULL);
	assert_false(d.toegestaan);
	/* A form builder with a valid key but no grant: nothing at all. */
	tz.z.vertrouwelijkheid = VERTR_OPENBAAR;
	for (int a = ACTIE_ZAKEN_LIJST; a <= ACTIE_ZAAK_GEGEVENS; a++) {
		d = decide(&formulieren, (enum policy_actie)a, &tz.z, NULL, NULL);
		assert_false(d.toegestaan);
		assert_string_equal(d.regel, "applicatie-zonder-toekenning");
	}
	/* Its purpose comes from the grant; another is refused. */
	assert_string_equal(policy_standaard_doel(pol, &gzac), "behandeling");
	assert_null(policy_standaard_doel(pol, &formulieren));
	d = decide(&gzac, ACTIE_ZAAK_LEZEN, &tz.z, "toezicht", NULL);
	assert_string_equal(d.regel, "doel-niet-toegestaan");
}

/* The caller does not choose the purpose: only those of their roles. */
static void
purposes_per_role(void **state)
{
	struct principal kcc = medewerker(MW_TESTER, ROL_BIT(ROL_KCC_MEDEWERKER), BSN_ZELF);
	struct principal both = medewerker(
	        MW_TESTER, ROL_BIT(ROL_KCC_MEDEWERKER) | ROL_BIT(ROL_BEHANDELAAR), BSN_ZELF);
	struct principal fg = medewerker(MW_TESTER, ROL_BIT(ROL_FG), BSN_ZELF);
	struct principal zelf = inwoner(false, LOA_MIDDEN);
	struct testzaak tz;
	struct policy_decision d;

	(void)state;
	testzaak(&tz, R_GEEN, true, VERTR_OPENBAAR, true);
	/* A KCC employee stamping the FG's purpose: refused, and the zaak stays hidden. */
	d = decide(&kcc, ACTIE_ZAAK_LEZEN, &tz.z, "datalek-onderzoek", "inwoner belt");
	assert_false(d.toegestaan);
	assert_string_equal(d.regel, "doel-niet-toegestaan");
	assert_false(d.bestaan_onthullen);
	d = decide(&kcc, ACTIE_ZAAK_LEZEN, &tz.z, "klantcontact", "inwoner belt");
	assert_true(d.toegestaan);
	assert_true(policy_doel_toegestaan(pol, &kcc, "klantcontact"));
	assert_false(policy_doel_toegestaan(pol, &kcc, "toezicht"));
	assert_false(policy_doel_toegestaan(pol, &zelf, "behandeling"));
	/* Several roles: any of their purposes; the default is the working role's. */
	assert_true(policy_doel_toegestaan(pol, &both, "klantcontact"));
	assert_true(policy_doel_toegestaan(pol, &both, "behandeling"));
	assert_string_equal(policy_standaard_doel(pol, &both), "behandeling");
	assert_string_equal(policy_standaard_doel(pol, &kcc), "klantcontact");
	assert_string_equal(policy_standaard_doel(pol, &zelf), "track_en_trace");
	/* The FG has no default: they state why. */
	assert_null(policy_standaard_doel(pol, &fg));
	assert_true(policy_doel_toegestaan(pol, &fg, "datalek-onderzoek"));
}

/* ---- the table a privacy officer reads (deploy/policy/verwachtingen.md) ---- */

#define TABEL "deploy/policy/verwachtingen.md"

enum tabel_wie {
	W_INWONER,
	W_GEMACHTIGDE,
	W_KCC,
	W_BEHANDELAAR,
	W_BEH_AFSCHERMING,
	W_FG,
	W_BEHEERDER,
	W_AFSCHERMING,
	W_GZAC,
	W_ZAC,
	W_FORMULIEREN,
	W__N
};
static const char *const wie_namen[W__N] = {"inwoner",
                                            "gemachtigde",
                                            "kcc-medewerker",
                                            "behandelaar",
                                            "behandelaar+afscherming",
                                            "fg",
                                            "beheerder",
                                            "afscherming",
                                            "applicatie gzac",
                                            "applicatie zac",
                                            "applicatie open-formulieren"};

enum tabel_rel {
	TR_EIGEN,
	TR_GEMACHTIGDE,
	TR_OP_ZAAK,
	TR_VERWANT,
	TR_TOEGEWEZEN,
	TR_AFDELING,
	TR_GEEN,
	TR__N
};
static const char *const rel_namen[TR__N] = {"eigen",   "gemachtigde", "gemachtigde_op_zaak",
                                             "verwant", "toegewezen",  "zelfde_afdeling",
                                             "geen"};
static const char *const actie_namen[4] = {"zaken.lijst", "zaak.lezen", "zaak.tijdlijn",
                                           "zaak.gegevens"};
enum tabel_uitkomst { U_VOLLEDIG, U_SAMENVATTING, U_GEWEIGERD, U_VERBORGEN, U__N };
static const char *const uitkomst_namen[U__N] = {"volledig", "samenvatting", "geweigerd",
                                                 "verborgen"};

struct tabel_regel {
	uint32_t wie, actie, rel, zaak, vt,
	        afg; /* bit masks; zaak: 1 open, 2 gesloten; afg: 1 ja, 2 nee */
	enum tabel_uitkomst uitkomst;
	long gebruikt;
	int regelnr;
};

static char *
trim(char *c)
{
	char *e;

	while (*c == ' ')
		c++;
	e = c + strlen(c);
	while (e > c && (e[-1] == ' ' || e[-1] == '\n'))
		*--e = '\0';
	return c;
}

/* "a, b" over names[n] (or "alle") as a bit mask; fails the test on an unknown word. */
static uint32_t
cel(char *tekst, const char *const *names, int n, int regelnr)
{
	uint32_t mask = 0;
	char *save = NULL;

	if (strcmp(trim(tekst), "alle") == 0)
		return (1u << n) - 1;
	for (char *w = strtok_r(tekst, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		int i;

		w = trim(w);
		for (i = 0; i < n && strcmp(names[i], w) != 0; i++)
			;
		if (i == n)
			fail_msg(TABEL ":%d: unknown word \"%s\"", regelnr, w);
		mask |= 1u << i;
	}
	return mask;
}

static uint32_t
vt_cel(char *tekst, int regelnr)
{
	enum vertrouwelijkheid v;

	tekst = trim(tekst);
	if (strcmp(tekst, "alle") == 0)
		return (1u << VERTR__COUNT) - 1;
	if (strncmp(tekst, "t/m ", 4) == 0 && vertrouwelijkheid_from_name(tekst + 4, &v))
		return (1u << (v + 1)) - 1;
	if (vertrouwelijkheid_from_name(tekst, &v))
		return 1u << v;
	fail_msg(TABEL ":%d: not a vertrouwelijkheid \"%s\"", regelnr, tekst);
	return 0;
}

static size_t
tabel_lezen(struct tabel_regel *regels, size_t max)
{
	static const char *const open_namen[] = {"open", "gesloten"};
	static const char *const ja_nee[] = {"ja", "nee"};
	FILE *f = fopen(TABEL, "r");
	char line[1024];
	size_t n = 0;
	int nr = 0;
	bool in_tabel = false;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *cellen[8], *save = NULL, *c;
		int k = 0;
		uint32_t u;

		nr++;
		if (strncmp(line, "| wie |", 7) == 0) {
			in_tabel = true;
			continue;
		}
		if (!in_tabel || line[0] != '|' || strncmp(line, "|---", 4) == 0) {
			in_tabel = in_tabel && line[0] == '|';
			continue;
		}
		for (c = strtok_r(line + 1, "|", &save); c && k < 8; c = strtok_r(NULL, "|", &save))
			cellen[k++] = c;
		if (k < 7)
			fail_msg(TABEL ":%d: a row has seven columns", nr);
		assert_true(n < max);
		regels[n] = (struct tabel_regel){
		        .wie = cel(cellen[0], wie_namen, W__N, nr),
		        .actie = cel(cellen[1], actie_namen, 4, nr),
		        .rel = cel(cellen[2], rel_namen, TR__N, nr),
		        .zaak = cel(cellen[3], open_namen, 2, nr),
		        .vt = vt_cel(cellen[4], nr),
		        .afg = cel(cellen[5], ja_nee, 2, nr),
		        .regelnr = nr,
		};
		u = cel(cellen[6], uitkomst_namen, U__N, nr);
		if (__builtin_popcount(u) != 1)
			fail_msg(TABEL ":%d: one outcome per row", nr);
		regels[n].uitkomst = (enum tabel_uitkomst)__builtin_ctz(u);
		n++;
	}
	fclose(f);
	return n;
}

static uint32_t
relaties_van(enum tabel_wie w)
{
	if (w == W_INWONER)
		return 1u << TR_EIGEN | 1u << TR_OP_ZAAK | 1u << TR_GEEN;
	if (w == W_GEMACHTIGDE)
		return 1u << TR_EIGEN | 1u << TR_GEMACHTIGDE | 1u << TR_OP_ZAAK | 1u << TR_GEEN;
	if (w >= W_GZAC)
		return 1u << TR_GEEN;
	return ((1u << TR__N) - 1) & ~(1u << TR_GEMACHTIGDE);
}

static struct principal
tabel_vrager(enum tabel_wie w)
{
	static const uint32_t rollen[W__N] = {[W_KCC] = ROL_BIT(ROL_KCC_MEDEWERKER),
	                                      [W_BEHANDELAAR] = ROL_BIT(ROL_BEHANDELAAR),
	                                      [W_BEH_AFSCHERMING] = ROL_BIT(ROL_BEHANDELAAR) |
	                                                            ROL_BIT(ROL_AFSCHERMING),
	                                      [W_FG] = ROL_BIT(ROL_FG),
	                                      [W_BEHEERDER] = ROL_BIT(ROL_BEHEERDER),
	                                      [W_AFSCHERMING] = ROL_BIT(ROL_AFSCHERMING)};

	switch (w) {
	case W_INWONER:
	case W_GEMACHTIGDE:
		return inwoner(w == W_GEMACHTIGDE, LOA_SUBSTANTIEEL);
	case W_GZAC:
		return applicatie("gzac");
	case W_ZAC:
		return applicatie("zac");
	case W_FORMULIEREN:
		return applicatie("open-formulieren");
	default:
		/* m.devries: the shipped matrix names a verwant of theirs. */
		return medewerker("m.devries", rollen[w], BSN_ZELF);
	}
}

static void
tabel_zaak(struct testzaak *t, enum tabel_rel rel, bool open, int vt, bool afgeschermd)
{
	testzaak(t, R_GEEN, open, (enum vertrouwelijkheid)vt, true);
	t->z.zaaktype = "TERUGBELNOTITIE";
	t->z.afgeschermd = afgeschermd;
	switch (rel) {
	case TR_EIGEN:
		id(&t->z.initiator, BSN_ZELF);
		break;
	case TR_GEMACHTIGDE:
		id(&t->z.initiator, BSN_ANDER);
		break;
	case TR_OP_ZAAK:
		id(&t->gemachtigden[0], BSN_ZELF);
		t->z.n_gemachtigden = 1;
		break;
	case TR_VERWANT:
		id(&t->z.initiator, BSN_VERWANT);
		break;
	case TR_TOEGEWEZEN:
		t->z.behandelaar = "m.devries";
		break;
	case TR_AFDELING:
		t->z.afdeling = AFDELING;
		break;
	default:
		break;
	}
}

/* One combination: the first row that covers it must say what the engine decides. */
static void
tabel_een(struct tabel_regel *regels, size_t n, int w, int a, int rel, int open, int vt, int afg)
{
	struct principal p = tabel_vrager((enum tabel_wie)w);
	struct policy_context ctx = {
	        .doel = w == W_FG ? "toezicht" : NULL,
	        .klantcontact_reden = w == W_KCC ? "inwoner belt over de status" : NULL,
	};
	struct policy_decision d;
	struct testzaak tz;
	enum tabel_uitkomst kreeg;
	char wat[200];
	size_t r;

	tabel_zaak(&tz, (enum tabel_rel)rel, open, vt, afg);
	policy_evaluate(pol, &p, (enum policy_actie)a, &tz.z, &ctx, &d);
	kreeg = d.toegestaan          ? (d.detail == DETAIL_VOLLEDIG ? U_VOLLEDIG : U_SAMENVATTING)
	        : d.bestaan_onthullen ? U_GEWEIGERD
	                              : U_VERBORGEN;
	snprintf(wat, sizeof(wat), "%s %s %s %s %s afgeschermd=%s", wie_namen[w], actie_namen[a],
	         rel_namen[rel], open ? "open" : "gesloten",
	         vertrouwelijkheid_name((enum vertrouwelijkheid)vt), afg ? "ja" : "nee");
	for (r = 0; r < n; r++) {
		const struct tabel_regel *t = &regels[r];

		if ((t->wie >> w & 1) && (t->actie >> a & 1) && (t->rel >> rel & 1) &&
		    (t->zaak >> (open ? 0 : 1) & 1) && (t->vt >> vt & 1) &&
		    (t->afg >> (afg ? 0 : 1) & 1))
			break;
	}
	if (r == n)
		fail_msg("no row of " TABEL " covers %s", wat);
	if (kreeg != regels[r].uitkomst)
		fail_msg(TABEL ":%d says %s for %s; the matrix says %s (rule %s)",
		         regels[r].regelnr, uitkomst_namen[regels[r].uitkomst], wat,
		         uitkomst_namen[kreeg], d.regel);
	regels[r].gebruikt++;
}

static void
the_table_for_the_privacy_officer_holds(void **state)
{
	struct tabel_regel regels[64];
	size_t n = tabel_lezen(regels, 64);
	long combinaties = 0;

	(void)state;
	assert_true(n >= 5);
	/* One index walks the whole product; each dimension is a digit of it. */
	for (long i = 0; i < (long)W__N * 4 * TR__N * 2 * VERTR__COUNT * 2; i++) {
		long k = i;
		int afg = (int)(k % 2), vt, open, rel, a, w;

		k /= 2;
		vt = (int)(k % VERTR__COUNT), k /= VERTR__COUNT;
		open = (int)(k % 2), k /= 2;
		rel = (int)(k % TR__N), k /= TR__N;
		a = (int)(k % 4), k /= 4;
		w = (int)k;
		if (!(relaties_van((enum tabel_wie)w) & (1u << rel)))
			continue;
		tabel_een(regels, n, w, a, rel, open, vt, afg);
		combinaties++;
	}
	/* Every row says something: a row that nothing reaches misleads the reader. */
	for (size_t r = 0; r < n; r++)
		if (regels[r].gebruikt == 0)
			fail_msg(TABEL ":%d is never the first row to apply", regels[r].regelnr);
	/* 46 callers × relations, × 4 actions × 2 × 8 levels × 2 */
	assert_int_equal(combinaties, 5888);
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
	assert_string_equal(policy_goedgekeurd_op(pol), "2026-12-06");
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
	        cmocka_unit_test(applicatie_reads_status_within_its_own_grant),
	        cmocka_unit_test(only_beheerder_manages_subscriptions),
	        cmocka_unit_test(purposes_per_role),
	        cmocka_unit_test(the_table_for_the_privacy_officer_holds),
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
