/*
 * api.c — the Track & Trace API: HTTP threads (http_pool), their read
 * connections and prepared statements, the handlers that authenticate,
 * decide per zaak with the autorisatiematrix, record every decision
 * (toegang) and answer with what trackandtrace.c builds.
 */
#include "api.h"
#include "core/buf.h"
#include "core/config.h"
#include "http/http_pool.h"
#include "core/log.h"
#include "core/loop.h"
#include "trackandtrace.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Rows a list may look at for one page when the policy hides many of them:
 * beyond this the page comes back short, with a next link. The first query
 * asks for one page (and one more); each further one, needed only while the
 * policy hides rows, for four times as many, up to MAX_BATCH: a page of one
 * costs at most MAX_VRAGEN queries, not one per pair of rows. */
#define MAX_GESCAND 1000
#define MAX_BATCH   250
#define MAX_VRAGEN  10

/*
 * The zaken of up to TT_MAX_BETROKKENEN betrokkenen ($1 soorten, $2 nummers),
 * each through its own index range (betrokkenen's primary key, newest
 * first), below the cursor $3, filtered open/closed ($4: 0 all, 1 open,
 * 2 closed), $5 rows at most; with the zaak's initiator and gemachtigden
 * for the policy and its last status (for a resident, $6: the last one
 * shown to the initiator).
 */
const char api_sql_lijst[] =
        "SELECT x.volgorde, x.i, z.identificatie, z.zaaktype, z.zaaktype_omschrijving,"
        " z.omschrijving, z.registratiedatum::text, z.startdatum::text,"
        " z.einddatum_gepland::text, z.uiterlijke_einddatum_afdoening::text, z.einddatum::text,"
        " z.resultaat, z.opgeschort_sinds IS NOT NULL, z.vertrouwelijkheidaanduiding,"
        " z.tonen_aan_initiator, z.afdeling, z.behandelaar, z.afgeschermd,"
        " (SELECT string_agg(r.rol || ':' || r.soort || ':' || r.nummer, ',') FROM betrokkenen r"
        "   WHERE r.zaak = z.uuid AND r.rol IN ('initiator', 'gemachtigde')),"
        " s.omschrijving, s.statustekst,"
        " to_char(s.gezet_op AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
        " FROM (SELECT DISTINCT ON (b.volgorde) b.volgorde, b.zaak, q.i"
        "   FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS q(soort, nummer, i)"
        "   CROSS JOIN LATERAL (SELECT DISTINCT b.volgorde, b.zaak FROM betrokkenen b"
        "     JOIN zaken z ON z.uuid = b.zaak"
        "     WHERE b.soort = q.soort AND b.nummer = q.nummer AND b.volgorde < $3::bigint"
        "     AND ($4::int = 0 OR (z.einddatum IS NULL) = ($4::int = 1))"
        "     ORDER BY b.volgorde DESC LIMIT $5::int) b"
        "   ORDER BY b.volgorde DESC, q.i LIMIT $5::int) x"
        " JOIN zaken z ON z.uuid = x.zaak"
        " LEFT JOIN LATERAL (SELECT s.omschrijving, s.statustekst, s.gezet_op FROM statussen s"
        "   WHERE s.zaak = z.uuid AND (s.tonen_aan_initiator OR NOT $6::boolean)"
        "   ORDER BY s.id DESC LIMIT 1) s ON true"
        " ORDER BY x.volgorde DESC";

enum lijst_kolom {
	L_VOLGORDE,
	L_I,
	L_IDENTIFICATIE,
	L_ZAAKTYPE,
	L_ZAAKTYPE_OMSCHRIJVING,
	L_OMSCHRIJVING,
	L_REGISTRATIEDATUM,
	L_STARTDATUM,
	L_EINDDATUM_GEPLAND,
	L_UITERLIJKE_EINDDATUM,
	L_EINDDATUM,
	L_RESULTAAT,
	L_OPGESCHORT,
	L_VERTROUWELIJKHEID,
	L_TONEN,
	L_AFDELING,
	L_BEHANDELAAR,
	L_AFGESCHERMD,
	L_ROLLEN,
	L_STATUS,
	L_STATUSTEKST,
	L_STATUS_GEZET_OP,
};

/* One zaak by identificatie, with everything its timeline shows as one
 * JSON document (rows as to_json writes them). */
const char api_sql_zaak[] =
        "SELECT z.uuid::text, z.identificatie, z.zaaktype, z.afdeling, z.behandelaar,"
        " z.vertrouwelijkheidaanduiding, z.einddatum IS NULL, z.tonen_aan_initiator,"
        " z.afgeschermd,"
        " (SELECT string_agg(r.rol || ':' || r.soort || ':' || r.nummer, ',') FROM betrokkenen r"
        "   WHERE r.zaak = z.uuid AND r.rol IN ('initiator', 'gemachtigde')),"
        " t.doc #>> '{verwerkingsactiviteit,grondslag}', t.doc #>> '{verwerkingsactiviteit,id}',"
        " json_build_object('zaak', to_json(z),"
        "  'statussen', (SELECT coalesce(json_agg(s ORDER BY s.id), '[]') FROM statussen s"
        "    WHERE s.zaak = z.uuid),"
        "  'statustypen', t.doc -> 'statustypen',"
        "  'verwerkingsactiviteit', t.doc -> 'verwerkingsactiviteit',"
        "  'opschortingen', (SELECT coalesce(json_agg(o ORDER BY o.nr), '[]') FROM opschortingen o"
        "    WHERE o.zaak = z.uuid),"
        "  'verlengingen', (SELECT coalesce(json_agg(v ORDER BY v.id), '[]') FROM verlengingen v"
        "    WHERE v.zaak = z.uuid),"
        "  'resultaten', (SELECT coalesce(json_agg(r ORDER BY r.id), '[]') FROM resultaten r"
        "    WHERE r.zaak = z.uuid),"
        "  'besluiten', (SELECT coalesce(json_agg(b ORDER BY b.genomen_op, b.identificatie), '[]')"
        "    FROM besluiten b WHERE b.zaak = z.uuid),"
        "  'eigenschappen', (SELECT coalesce(json_agg(e ORDER BY e.naam), '[]') FROM eigenschappen e"
        "    WHERE e.zaak = z.uuid),"
        "  'berichten', (SELECT coalesce(json_agg(m ORDER BY m.verstuurd_op, m.bericht_id), '[]')"
        "    FROM berichten m WHERE m.zaak = z.uuid))::text"
        " FROM zaken z LEFT JOIN zaaktypen t ON t.identificatie = z.zaaktype"
        "  AND t.begin_geldigheid = z.zaaktype_begin_geldigheid"
        " WHERE z.identificatie = $1 ORDER BY z.volgorde DESC LIMIT 2";

enum zaak_kolom {
	Z_UUID,
	Z_IDENTIFICATIE,
	Z_ZAAKTYPE,
	Z_AFDELING,
	Z_BEHANDELAAR,
	Z_VERTROUWELIJKHEID,
	Z_OPEN,
	Z_TONEN,
	Z_AFGESCHERMD,
	Z_ROLLEN,
	Z_GRONDSLAG,
	Z_VERWERKINGSACTIVITEIT,
	Z_DOC,
};

struct api {
	struct toegang *t;
	struct api_config cfg;
	char pg_url[2048];
	struct tt_cursor_sleutel cursor_sleutel;
	struct http_pool *pool;
};

/* One HTTP thread's own connections. */
struct werker {
	struct api *api;
	struct pg pg;
	struct toegang_vastlegger *vl;
};

static const char *
waarde(const PGresult *res, int rij, int kolom)
{
	return PQgetisnull(res, rij, kolom) ? NULL : PQgetvalue(res, rij, kolom);
}

static bool
vlag(const PGresult *res, int rij, int kolom)
{
	const char *v = waarde(res, rij, kolom);
	return v && v[0] == 't';
}

/* A read on this thread's connection, reconnecting once when it was lost. */
static PGresult *
lees(struct werker *w, const char *stmt, int n, const char *const *vals)
{
	PGresult *res = pg_execp(&w->pg, stmt, n, vals, NULL, NULL);

	if (!res && !pg_connected(&w->pg) && pg_reconnect(&w->pg))
		res = pg_execp(&w->pg, stmt, n, vals, NULL, NULL);
	return res;
}

static void
niet_beschikbaar(struct toegang_verzoek *v)
{
	toegang_probleem(v, 503, "niet_beschikbaar", "De zaakgegevens zijn nu niet bereikbaar.",
	                 "Probeer het over een paar minuten opnieuw.", NULL);
}

static void
ongeldige_parameters(struct toegang_verzoek *v, json_t *fouten)
{
	toegang_probleem(v, 400, "invalid", "Een of meer parameters zijn ongeldig.",
	                 "Zie invalidParams.", fouten);
}

/* Per betrokkene of a list, the decision its record carries: the first
 * permit if any zaak was shown, else the first deny. */
struct besluit_per_betrokkene {
	bool heeft;
	struct policy_decision d;
};

static void
onthoud(struct besluit_per_betrokkene *b, const struct policy_decision *d)
{
	if (!b->heeft || (d->toegestaan && !b->d.toegestaan)) {
		b->d = *d;
		b->heeft = true;
	}
}

/*
 * "May this caller see this person's zaken at all": the decision on a zaak
 * of theirs in its most visible form. Recorded for a betrokkene of whom the
 * list found nothing (the look-up itself is a raadpleging), and for a
 * namens the token holds no machtiging for.
 */
static void
beslis_zonder_zaak(const struct policy *pol, const struct principal *p,
                   const struct identiteit *wie, const struct policy_context *ctx,
                   struct policy_decision *d)
{
	struct zaak_resource z = {
	        .initiator = *wie,
	        .open = true,
	        .vertrouwelijkheid = VERTR_OPENBAAR,
	        .tonen_aan_initiator = true,
	};

	policy_evaluate(pol, p, ACTIE_ZAKEN_LIJST, &z, ctx, d);
}

static void
registreer_lijst(struct toegang_verzoek *v, const struct principal *p, const struct identiteit *wie,
                 const struct tt_lijst_params *lp, const char *doel,
                 const struct policy_decision *d)
{
	struct toegang_betrokkene b = {.id = *wie, .type = tt_betrokkene_type(wie->type)};
	struct toegang_vastlegging vast = {
	        .actie = ACTIE_ZAKEN_LIJST, .doel = doel, .reden = lp->reden};

	toegang_registreer(v, p, &b, &vast, d);
}

/* The link to the next page. The GET form repeats its (impersonal) query; a
 * search names only the cursor, and the client sends its body again: the
 * cursor is bound to that body's person, so it serves no other search. */
static json_t *
volgende_link(const struct tt_lijst_params *lp, const char *cursor, bool zoek)
{
	struct evbuffer *buf = evbuffer_new();
	json_t *link;
	char *tekst, *enc;
	size_t len;

	if (!buf)
		return NULL; /* the reply's json_pack fails: a 500 */
	if (zoek) {
		evbuffer_add_printf(buf, "/api/v1/zaken/_zoek?cursor=%s", cursor);
	} else {
		evbuffer_add_printf(buf, "/api/v1/zaken?cursor=%s&pageSize=%d", cursor,
		                    lp->page_size);
		if (lp->status != TT_ALLE)
			evbuffer_add_printf(buf, "&status=%s",
			                    lp->status == TT_OPEN ? "open" : "gesloten");
		enc = lp->doel ? evhttp_encode_uri(lp->doel) : NULL;
		if (enc)
			evbuffer_add_printf(buf, "&doel=%s", enc);
		free(enc);
	}
	len = evbuffer_get_length(buf);
	tekst = malloc(len + 1);
	if (!tekst) {
		evbuffer_free(buf);
		return NULL; /* the reply's json_pack fails: a 500 */
	}
	evbuffer_remove(buf, tekst, len);
	tekst[len] = '\0';
	evbuffer_free(buf);
	link = json_string(tekst);
	free(tekst);
	return link;
}

/* Adds b's entries to *a (either may be NULL). */
static json_t *
samen(json_t *a, json_t *b)
{
	if (!a)
		return b;
	if (b)
		json_array_extend(a, b);
	json_decref(b);
	return a;
}

/*
 * The purpose of the request: doel= when the caller's roles allow it, else
 * (an error added) as asked, so that the policy refuses and the refusal is
 * recorded; without doel= the role's own (copied: the policy may be swapped).
 */
static void
kies_doel(const struct policy *pol, const struct principal *p, const char *gevraagd,
          char doel[POLICY_DOEL_MAX + 1], json_t **fouten)
{
	const char *d = gevraagd ? gevraagd : policy_standaard_doel(pol, p);

	snprintf(doel, POLICY_DOEL_MAX + 1, "%s", d ? d : "");
	if (gevraagd && !policy_doel_toegestaan(pol, p, gevraagd))
		*fouten = samen(
		        *fouten,
		        json_pack("[{s:s, s:s, s:s}]", "name", "doel", "code", "not_allowed",
		                  "reason",
		                  "Dit doel hoort niet bij uw rol; de poging is vastgelegd."));
}

/*
 * A list of zaken: whose (the caller's own, a machtiging's, or a named
 * betrokkene's) from q, each zaak decided by the policy, every betrokkene's
 * decision recorded. A request refused for its parameters is recorded too
 * when it named a person (a KCC look-up without a reason is a look-up).
 */
static void
lijst(struct werker *w, struct toegang_verzoek *v, const struct principal *pp,
      const struct evkeyvalq *q, bool zoek)
{
	struct api *api = w->api;
	const struct principal p = *pp;
	struct tt_lijst_params lp;
	struct identiteit wie[TT_MAX_BETROKKENEN];
	struct besluit_per_betrokkene besluit[TT_MAX_BETROKKENEN] = {0};
	char soorten[TT_MAX_BETROKKENEN * 6 + 4], nummers[TT_MAX_BETROKKENEN * 18 + 4];
	char cursor[32], limiet[16], filter[4], next[TT_CURSOR_LEN + 1] = "";
	char doel[POLICY_DOEL_MAX + 1];
	unsigned char binding[8];
	int64_t positie = INT64_MAX, laatst_gezien = 0;
	struct policy_context ctx = {0};
	const struct policy *pol;
	json_t *fouten, *items = json_array(), *body;
	size_t n, s_len = 0, n_len = 0;
	int gescand = 0, getoond = 0;
	bool klaar = false, db_fout = false, alles_geweigerd = true;

	fouten = tt_lijst_params(q, &lp);
	fouten = samen(fouten, tt_lijst_voor(&p, &lp));
	if (!zoek)
		fouten = samen(fouten, tt_lijst_in_url(&lp));
	pol = toegang_policy_hold(api->t);
	kies_doel(pol, &p, lp.doel, doel, &fouten);
	ctx.doel = doel[0] ? doel : NULL;
	ctx.klantcontact_reden = lp.reden;
	if (fouten) {
		const struct identiteit *genoemd = lp.heeft_betrokkene ? &lp.betrokkene
		                                   : lp.heeft_namens   ? &lp.namens
		                                                       : NULL;
		if (genoemd) {
			struct policy_decision d;

			beslis_zonder_zaak(pol, &p, genoemd, &ctx, &d);
			toegang_besluit_ongeldig(&d);
			registreer_lijst(v, &p, genoemd, &lp, ctx.doel, &d);
		}
		toegang_policy_release(api->t);
		ongeldige_parameters(v, fouten);
		goto out;
	}
	n = tt_betrokkenen(&p, &lp, wie);
	if (n == 0) {
		/* namens names someone the token holds no machtiging for: that
		 * is a decision on their data too. */
		struct policy_decision d;

		beslis_zonder_zaak(pol, &p, &lp.namens, &ctx, &d);
		registreer_lijst(v, &p, &lp.namens, &lp, ctx.doel, &d);
		toegang_policy_release(api->t);
		toegang_probleem(v, 403, "geen_machtiging",
		                 "U heeft geen machtiging om voor deze persoon of onderneming te "
		                 "handelen.",
		                 NULL,
		                 json_pack("[{s:s, s:s, s:s}]", "name", "namens", "code",
		                           "geen_machtiging", "reason",
		                           "Uw inlog bevat geen machtiging voor wie u noemt."));
		goto out;
	}
	toegang_policy_release(api->t);
	tt_cursor_binding(&p, wie, n, lp.status, binding);
	if (lp.cursor && !tt_cursor_decode(&api->cursor_sleutel, binding, lp.cursor, &positie)) {
		ongeldige_parameters(
		        v, json_pack("[{s:s, s:s, s:s}]", "name", "cursor", "code", "invalid",
		                     "reason",
		                     "Deze cursor hoort niet bij deze vraag of is gewijzigd; "
		                     "gebruik de link 'next' uit het vorige antwoord."));
		goto out;
	}
	/* {bsn,kvk} and {nummer,...}: digits and letters only, no quoting.
	 * Sized for TT_MAX_BETROKKENEN; a cut array would ask for other
	 * betrokkenen, so it fails the request instead. */
	bool past = buf_appendf(soorten, sizeof(soorten), &s_len, "{") &&
	            buf_appendf(nummers, sizeof(nummers), &n_len, "{");
	for (size_t i = 0; i < n && past; i++)
		past = buf_appendf(soorten, sizeof(soorten), &s_len, "%s%s", i ? "," : "",
		                   tt_soort(wie[i].type)) &&
		       buf_appendf(nummers, sizeof(nummers), &n_len, "%s%s", i ? "," : "",
		                   wie[i].nummer);
	if (!past || !buf_appendf(soorten, sizeof(soorten), &s_len, "}") ||
	    !buf_appendf(nummers, sizeof(nummers), &n_len, "}")) {
		niet_beschikbaar(v);
		goto out;
	}
	snprintf(filter, sizeof(filter), "%d", (int)lp.status);

	pol = toegang_policy_hold(api->t);
	for (int vraag = 0, batch = lp.page_size + 1;
	     !klaar && gescand < MAX_GESCAND &&
	                     vraag<MAX_VRAGEN; vraag++, batch = batch * 4> MAX_BATCH
	             ? MAX_BATCH
	             : batch * 4) {
		const char *vals[6] = {soorten, nummers,
		                       cursor,  filter,
		                       limiet,  p.kind == PRINCIPAL_INWONER ? "true" : "false"};
		PGresult *res;
		int rijen;

		snprintf(cursor, sizeof(cursor), "%lld", (long long)positie);
		snprintf(limiet, sizeof(limiet), "%d", batch);
		res = lees(w, "tt_lijst", 6, vals);
		if (!res) {
			db_fout = true;
			break;
		}
		rijen = PQntuples(res);
		for (int i = 0; i < rijen && !klaar; i++) {
			struct tt_zaak_rij zr = {
			        .zaaktype = waarde(res, i, L_ZAAKTYPE),
			        .afdeling = waarde(res, i, L_AFDELING),
			        .behandelaar = waarde(res, i, L_BEHANDELAAR),
			        .vertrouwelijkheid = waarde(res, i, L_VERTROUWELIJKHEID),
			        .rollen = waarde(res, i, L_ROLLEN),
			        .open = !waarde(res, i, L_EINDDATUM),
			        .tonen_aan_initiator = vlag(res, i, L_TONEN),
			        .afgeschermd = vlag(res, i, L_AFGESCHERMD),
			};
			struct tt_resource rs;
			struct policy_decision d;
			long bi = atol(PQgetvalue(res, i, L_I)) - 1;
			int64_t volgorde = atoll(PQgetvalue(res, i, L_VOLGORDE));

			tt_resource(&zr, &rs);
			policy_evaluate(pol, &p, ACTIE_ZAKEN_LIJST, &rs.zaak, &ctx, &d);
			if (d.toegestaan && getoond == lp.page_size) {
				/* One more the caller may see: there is a next page,
				 * and it starts after the last one shown. */
				tt_cursor_encode(&api->cursor_sleutel, binding, laatst_gezien,
				                 next);
				klaar = true;
				break;
			}
			gescand++;
			positie = volgorde;
			if (bi >= 0 && (size_t)bi < n)
				onthoud(&besluit[bi], &d);
			if (!d.toegestaan)
				continue;
			struct tt_lijst_rij lr = {
			        .identificatie = waarde(res, i, L_IDENTIFICATIE),
			        .zaaktype = zr.zaaktype,
			        .zaaktype_omschrijving = waarde(res, i, L_ZAAKTYPE_OMSCHRIJVING),
			        .omschrijving = waarde(res, i, L_OMSCHRIJVING),
			        .registratiedatum = waarde(res, i, L_REGISTRATIEDATUM),
			        .startdatum = waarde(res, i, L_STARTDATUM),
			        .einddatum_gepland = waarde(res, i, L_EINDDATUM_GEPLAND),
			        .uiterlijke_einddatum = waarde(res, i, L_UITERLIJKE_EINDDATUM),
			        .einddatum = waarde(res, i, L_EINDDATUM),
			        .resultaat = waarde(res, i, L_RESULTAAT),
			        .status_omschrijving = waarde(res, i, L_STATUS),
			        .statustekst = waarde(res, i, L_STATUSTEKST),
			        .status_gezet_op = waarde(res, i, L_STATUS_GEZET_OP),
			        .opgeschort = vlag(res, i, L_OPGESCHORT),
			};
			json_array_append_new(items, tt_lijst_item(&lr));
			getoond++;
			laatst_gezien = volgorde;
		}
		/* Fewer rows than asked: every betrokkene's range is exhausted. */
		if (!klaar && rijen < batch)
			klaar = true;
		PQclear(res);
	}
	if (!klaar && !db_fout)
		/* Many zaken the caller may not see: a short page, go on from here. */
		tt_cursor_encode(&api->cursor_sleutel, binding, positie, next);
	for (size_t i = 0; i < n && !db_fout; i++) {
		if (!besluit[i].heeft)
			beslis_zonder_zaak(pol, &p, &wie[i], &ctx, &besluit[i].d);
		registreer_lijst(v, &p, &wie[i], &lp, ctx.doel, &besluit[i].d);
		alles_geweigerd &= !besluit[i].d.toegestaan;
	}
	if (alles_geweigerd && !db_fout)
		toegang_weigering(v);
	toegang_policy_release(api->t);
	if (db_fout) {
		niet_beschikbaar(v);
		goto out;
	}
	body = json_pack("{s:o, s:O}", "next",
	                 next[0] ? volgende_link(&lp, next, zoek) : json_null(), "results", items);
	toegang_antwoord(v, 200, body);
out:
	json_decref(items);
}

/* GET /api/v1/zaken: a resident's own zaken and those of their machtigingen. */
static void
handle_lijst(struct http_req *r, void *state)
{
	struct werker *w = state;
	struct toegang_verzoek *v = toegang_verzoek_begin(w->vl, r);
	struct principal p;

	if (toegang_authenticeer(v, &p))
		lijst(w, v, &p, &r->query, false);
}

/* POST /api/v1/zaken/_zoek: the person and the reason in the body, never in a URL. */
static void
handle_zoek(struct http_req *r, void *state)
{
	struct werker *w = state;
	struct toegang_verzoek *v = toegang_verzoek_begin(w->vl, r);
	struct evbuffer *in = evhttp_request_get_input_buffer(r->req);
	size_t len = evbuffer_get_length(in);
	const char *ctype = http_header(r, "Content-Type");
	struct evkeyvalq q;
	struct principal p;
	json_error_t jerr;
	json_t *doc, *fouten;

	if (!toegang_authenticeer(v, &p))
		return;
	if (!ctype || strncasecmp(ctype, "application/json", 16) != 0) {
		toegang_probleem(v, 415, "unsupported_media_type",
		                 "De body moet application/json zijn.", NULL, NULL);
		return;
	}
	doc = json_loadb((const char *)evbuffer_pullup(in, (ev_ssize_t)len), len,
	                 JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		toegang_probleem(v, 400, "parse_error", "De body is geen geldige JSON.", NULL,
		                 json_pack("[{s:s, s:s, s:s}]", "name", "body", "code", "invalid",
		                           "reason",
		                           "Geen geldige JSON (of een sleutel twee keer)."));
		return;
	}
	fouten = tt_zoek_query(doc, &r->query, &q);
	if (fouten)
		ongeldige_parameters(v, fouten);
	else
		lijst(w, v, &p, &q, true);
	evhttp_clear_headers(&q);
	json_decref(doc);
}

static bool
identificatie_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 1 && n <= TT_IDENTIFICATIE_MAX &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

static void
niet_gevonden(struct toegang_verzoek *v)
{
	/* The same answer whether the zaak does not exist or may not be
	 * seen: a 403 would tell that it exists. */
	toegang_probleem(v, 404, "not_found", "Zaak niet gevonden.",
	                 "Deze zaak bestaat niet, of u mag haar niet zien.", NULL);
}

/*
 * One zaak's timeline. Whether the zaak is someone else's or does not exist
 * at all, the request takes the same path: looked up, decided, recorded (a
 * number nobody has is recorded as asked for by the caller), and the reply
 * waits for the record's acknowledgement before the same 404 goes out.
 */
static void
handle_zaak(struct http_req *r, void *state)
{
	struct werker *w = state;
	struct api *api = w->api;
	struct toegang_verzoek *v = toegang_verzoek_begin(w->vl, r);
	struct principal p;
	struct tt_zaak_params zp;
	struct evkeyvalq q;
	struct policy_context ctx = {0};
	const struct policy *pol;
	json_t *fouten, *doc = NULL, *body = NULL;
	struct tt_weergave weergave = {0};
	char doel[POLICY_DOEL_MAX + 1];
	PGresult *res;

	if (!toegang_authenticeer(v, &p))
		return;
	if (r->nparams != 1 || !identificatie_ok(r->params[0])) {
		ongeldige_parameters(
		        v, json_pack("[{s:s, s:s, s:s}]", "name", "identificatie", "code",
		                     "invalid", "reason",
		                     "Een zaakidentificatie bestaat uit letters, cijfers, "
		                     "'.', '-' en '_' (hoogstens 64)."));
		return;
	}
	fouten =
	        tt_zaak_query(&r->query, http_header(r, "ZS-Reden"), http_header(r, "ZS-Doel"), &q);
	fouten = samen(fouten, tt_zaak_params(&q, &zp));
	fouten = samen(fouten, tt_zaak_voor(&p, &zp));
	pol = toegang_policy_hold(api->t);
	kies_doel(pol, &p, zp.doel, doel, &fouten);
	toegang_policy_release(api->t);
	ctx.doel = doel[0] ? doel : NULL;
	ctx.klantcontact_reden = zp.reden;
	res = lees(w, "tt_zaak", 1, (const char *const[]){r->params[0]});
	if (!res) {
		json_decref(fouten);
		evhttp_clear_headers(&q);
		niet_beschikbaar(v);
		return;
	}
	pol = toegang_policy_hold(api->t);
	for (int i = 0; i < PQntuples(res) && !doc; i++) {
		struct tt_zaak_rij zr = {
		        .zaaktype = waarde(res, i, Z_ZAAKTYPE),
		        .afdeling = waarde(res, i, Z_AFDELING),
		        .behandelaar = waarde(res, i, Z_BEHANDELAAR),
		        .vertrouwelijkheid = waarde(res, i, Z_VERTROUWELIJKHEID),
		        .rollen = waarde(res, i, Z_ROLLEN),
		        .open = vlag(res, i, Z_OPEN),
		        .tonen_aan_initiator = vlag(res, i, Z_TONEN),
		        .afgeschermd = vlag(res, i, Z_AFGESCHERMD),
		};
		struct tt_resource rs;
		struct policy_decision tijdlijn, gegevens;
		struct toegang_betrokkene b;
		struct toegang_vastlegging vast = {
		        .actie = ACTIE_ZAAK_TIJDLIJN,
		        .doel = ctx.doel,
		        .reden = zp.reden,
		        .zaak_uuid = waarde(res, i, Z_UUID),
		        .zaak_identificatie = waarde(res, i, Z_IDENTIFICATIE),
		        .grondslag = waarde(res, i, Z_GRONDSLAG),
		        .verwerkingsactiviteit = waarde(res, i, Z_VERWERKINGSACTIVITEIT),
		};

		tt_resource(&zr, &rs);
		b = (struct toegang_betrokkene){.id = rs.zaak.initiator,
		                                .type = tt_betrokkene_type(rs.zaak.initiator.type)};
		policy_evaluate(pol, &p, ACTIE_ZAAK_TIJDLIJN, &rs.zaak, &ctx, &tijdlijn);
		if (fouten)
			toegang_besluit_ongeldig(&tijdlijn);
		toegang_registreer(v, &p, &b, &vast, &tijdlijn);
		if (!tijdlijn.toegestaan)
			continue;
		policy_evaluate(pol, &p, ACTIE_ZAAK_GEGEVENS, &rs.zaak, &ctx, &gegevens);
		vast.actie = ACTIE_ZAAK_GEGEVENS;
		toegang_registreer(v, &p, &b, &vast, &gegevens);
		doc = json_loads(PQgetvalue(res, i, Z_DOC), 0, NULL);
		weergave = (struct tt_weergave){
		        .voor_initiator = p.kind == PRINCIPAL_INWONER,
		        .detail = tijdlijn.detail,
		        .gegevens = gegevens.toegestaan,
		        .gegevens_detail = gegevens.detail,
		};
	}
	if (PQntuples(res) == 0)
		toegang_registreer_onbekend(v, &p,
		                            &(struct toegang_vastlegging){
		                                    .actie = ACTIE_ZAAK_TIJDLIJN,
		                                    .doel = ctx.doel,
		                                    .reden = zp.reden,
		                                    .zaak_identificatie = r->params[0],
		                            });
	toegang_policy_release(api->t);
	PQclear(res);
	if (doc)
		body = tt_tijdlijn(doc, &weergave);
	json_decref(doc);
	if (fouten) {
		json_decref(body);
		ongeldige_parameters(v, fouten);
	} else if (body) {
		toegang_antwoord(v, 200, body);
	} else {
		niet_gevonden(v);
	}
	evhttp_clear_headers(&q);
}

/* Threads. */

static void *
werker_init(struct event_base *base, int index, void *arg)
{
	struct api *api = arg;
	struct werker *w = calloc(1, sizeof(*w));
	char client_id[64];

	if (!w)
		return NULL;
	w->api = api;
	snprintf(client_id, sizeof(client_id), "status-api-%d", index);
	pg_prepare(&w->pg, "tt_lijst", api_sql_lijst, 6);
	pg_prepare(&w->pg, "tt_zaak", api_sql_zaak, 1);
	if (!pg_connect(&w->pg, api->pg_url, "status"))
		goto fail;
	w->vl = toegang_vastlegger_new(api->t, base, api->cfg.brokers, client_id,
	                               api->cfg.schemas_dir);
	if (!w->vl)
		goto fail;
	return w;
fail:
	pg_close(&w->pg);
	free(w);
	return NULL;
}

static bool
werker_bezig(void *state)
{
	struct werker *w = state;
	return toegang_vastlegger_open(w->vl) > 0;
}

static void
werker_free(void *state)
{
	struct werker *w = state;

	toegang_vastlegger_free(w->vl);
	pg_close(&w->pg);
	free(w);
}

static bool
api_ready(void *arg)
{
	struct api *api = arg;
	return !api->cfg.ready || api->cfg.ready(api->cfg.ready_arg);
}

static void
api_metrics(void *arg)
{
	struct api *api = arg;
	toegang_metrics_bij(api->t);
}

struct api *
api_start(struct toegang *t, const struct api_config *cfg)
{
	struct api *api = calloc(1, sizeof(*api));
	const char *sep;

	if (!api)
		return NULL;
	api->t = t;
	api->cfg = *cfg;
	tt_cursor_sleutel(toegang_sleutel(t), &api->cursor_sleutel);
	/* Times in the timeline's JSON come out of PostgreSQL in UTC. The
	 * statements are planned once: a custom plan per call cost more than
	 * running the list (its betrokkenen arrive as arrays). */
	sep = strncmp(cfg->pg_url, "postgres", 8) != 0
	              ? " options='-c TimeZone=UTC -c plan_cache_mode=force_generic_plan'"
	      : strchr(cfg->pg_url, '?')
	              ? "&options=-c%20TimeZone%3DUTC%20-c%20plan_cache_mode%3Dforce_generic_plan"
	              : "?options=-c%20TimeZone%3DUTC%20-c%20plan_cache_mode%3Dforce_generic_plan";
	snprintf(api->pg_url, sizeof(api->pg_url), "%s%s", cfg->pg_url, sep);
	api->pool = http_pool_new(&(struct http_pool_config){
	        .addr = cfg->addr,
	        .port = cfg->port,
	        .threads = cfg->threads,
	        .main_base = loop_base(),
	        .worker_init = werker_init,
	        .worker_busy = werker_bezig,
	        .worker_free = werker_free,
	        .ready = api_ready,
	        .before_metrics = api_metrics,
	        .arg = api,
	});
	if (!api->pool)
		goto fail;
	http_pool_route(api->pool, "GET", "/api/v1/zaken", handle_lijst);
	http_pool_route(api->pool, "POST", "/api/v1/zaken/_zoek", handle_zoek);
	http_pool_route(api->pool, "GET", "/api/v1/zaken/{identificatie}", handle_zaak);
	web_routes(cfg->web, api->pool);
	if (!http_pool_start(api->pool))
		goto fail;
	zlog_info("track & trace api on %d threads", cfg->threads);
	return api;
fail:
	api_free(api);
	return NULL;
}

void
api_free(struct api *api)
{
	if (!api)
		return;
	http_pool_free(api->pool);
	free(api);
}
