/*
 * trackandtrace.c — parameters, cursor, policy resource and timeline of the
 * Track & Trace API, as pure functions.
 */
#include "trackandtrace.h"
#include "access/freetext.h"
#include "zgw/catalogus.h"
#include "access/jwt.h"

#include <event2/http.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Parameters. */

static void
ongeldig(json_t **fouten, const char *naam, const char *code, const char *reden)
{
	if (!*fouten)
		*fouten = json_array();
	json_array_append_new(
	        *fouten, json_pack("{s:s, s:s, s:s}", "name", naam, "code", code, "reason", reden));
}

static bool
doel_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= POLICY_DOEL_MAX &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static bool
cursor_vorm_ok(const char *s)
{
	return strlen(s) == TT_CURSOR_LEN &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
	               TT_CURSOR_LEN;
}

/* A BSN (9 digits, elfproef) or KvK number (8 digits), told apart by length. */
static bool
bsn_of_kvk(const char *s, struct identiteit *out)
{
	size_t n = strlen(s);

	return (n == 9 && identiteit_set(out, ID_BSN, s)) ||
	       (n == 8 && identiteit_set(out, ID_KVK, s));
}

/* The parameters of the query, each at most once and none unknown. */
static bool
read_names(const struct evkeyvalq *q, const char *const *namen, size_t n, const char **waarden,
           json_t **fouten)
{
	const struct evkeyval *kv;

	TAILQ_FOREACH(kv, q, next)
	{
		size_t i;
		for (i = 0; i < n && strcmp(namen[i], kv->key) != 0; i++)
			;
		if (i == n) {
			/* The name is the caller's text: bounded and printable, or a stand-in. */
			ongeldig(fouten, freetext_ok(kv->key, 40) ? kv->key : "?", "unknown",
			         "Deze parameter bestaat niet.");
		} else if (waarden[i]) {
			ongeldig(fouten, namen[i], "duplicate",
			         "Deze parameter staat er meer dan eens.");
		} else {
			waarden[i] = kv->value;
		}
	}
	return *fouten == NULL;
}

/* A reason given is trimmed into buf and must be real text; a blank one is
 * the same as none (and says so). */
static void
read_reden_doel(const char *reden, const char *doel, char buf[FREETEXT_REDEN_BUF],
                const char **reden_out, bool *reden_gegeven, const char **doel_out, json_t **fouten)
{
	enum freetext_error f;

	*reden_gegeven = reden != NULL;
	if (reden && (f = freetext_reden(reden, buf)) != FREETEXT_OK)
		ongeldig(fouten, "reden", f == FREETEXT_EMPTY ? "required" : "invalid",
		         freetext_error_text(f));
	else if (reden)
		*reden_out = buf;
	if (doel && !doel_ok(doel))
		ongeldig(
		        fouten, "doel", "invalid",
		        "Een doel bestaat uit kleine letters, cijfers, '-' en '_' (hoogstens 40).");
	else
		*doel_out = doel;
}

json_t *
tt_lijst_params(const struct evkeyvalq *q, struct tt_lijst_params *out)
{
	enum { STATUS, PAGE_SIZE, CURSOR, NAMENS, BSN, KVK, REDEN, DOEL, AANTAL };
	static const char *const namen[AANTAL] = {"status", "pageSize", "cursor", "namens",
	                                          "bsn",    "kvk",      "reden",  "doel"};
	const char *w[AANTAL] = {0};
	json_t *fouten = NULL;

	memset(out, 0, sizeof(*out));
	out->page_size = TT_PAGE_SIZE_DEFAULT;
	/* On an unknown or repeated name the rest is still read: a person named
	 * in a refused request is recorded as asked about. */
	read_names(q, namen, AANTAL, w, &fouten);
	if (w[STATUS]) {
		if (!strcmp(w[STATUS], "open"))
			out->status = TT_OPEN;
		else if (!strcmp(w[STATUS], "gesloten"))
			out->status = TT_GESLOTEN;
		else
			ongeldig(&fouten, "status", "invalid", "Kies 'open' of 'gesloten'.");
	}
	if (w[PAGE_SIZE]) {
		const char *s = w[PAGE_SIZE];
		size_t n = strlen(s);
		int v = n >= 1 && n <= 3 && strspn(s, "0123456789") == n ? atoi(s) : 0;

		if (v < 1 || v > TT_PAGE_SIZE_MAX)
			ongeldig(&fouten, "pageSize", "invalid",
			         "Geef een geheel getal van 1 tot en met 100.");
		else
			out->page_size = v;
	}
	if (w[CURSOR]) {
		if (!cursor_vorm_ok(w[CURSOR]))
			ongeldig(&fouten, "cursor", "invalid",
			         "Deze cursor is ongeldig; gebruik de link 'next' uit het vorige "
			         "antwoord.");
		else
			out->cursor = w[CURSOR];
	}
	if (w[NAMENS]) {
		if (bsn_of_kvk(w[NAMENS], &out->namens))
			out->heeft_namens = true;
		else
			ongeldig(&fouten, "namens", "invalid",
			         "Geef het BSN (9 cijfers) of KvK-nummer (8 cijfers) van wie u "
			         "vertegenwoordigt.");
	}
	if (w[BSN] && w[KVK]) {
		ongeldig(&fouten, "kvk", "invalid", "Geef bsn of kvk, niet allebei.");
	} else if (w[BSN]) {
		if (strlen(w[BSN]) == 9 && identiteit_set(&out->betrokkene, ID_BSN, w[BSN]))
			out->heeft_betrokkene = true;
		else
			ongeldig(&fouten, "bsn", "invalid",
			         "Dit is geen geldig burgerservicenummer.");
	} else if (w[KVK]) {
		if (strlen(w[KVK]) == 8 && identiteit_set(&out->betrokkene, ID_KVK, w[KVK]))
			out->heeft_betrokkene = true;
		else
			ongeldig(&fouten, "kvk", "invalid",
			         "Dit is geen geldig KvK-nummer (8 cijfers).");
	}
	read_reden_doel(w[REDEN], w[DOEL], out->reden_buf, &out->reden, &out->reden_gegeven,
	                &out->doel, &fouten);
	return fouten;
}

json_t *
tt_lijst_in_url(const struct tt_lijst_params *lp)
{
	static const char reden[] = "Een BSN, KvK-nummer of reden hoort niet in een URL (die "
	                            "komt in logboeken van proxies terecht): zoek met POST "
	                            "/api/v1/zaken/_zoek en zet ze in de body.";
	json_t *fouten = NULL;

	if (lp->heeft_namens)
		ongeldig(&fouten, "namens", "not_allowed", reden);
	if (lp->heeft_betrokkene)
		ongeldig(&fouten, lp->betrokkene.type == ID_KVK ? "kvk" : "bsn", "not_allowed",
		         reden);
	if (lp->reden_gegeven)
		ongeldig(&fouten, "reden", "not_allowed", reden);
	return fouten;
}

/* A percent-encoded header value into out under naam; false when it does
 * not decode or decodes to a NUL (which would end the value early). */
static bool
kop_toevoegen(struct evkeyvalq *out, const char *naam, const char *kop)
{
	size_t n = 0;
	char *s;
	bool ok;

	if (!kop)
		return true;
	if (!(s = evhttp_uridecode(kop, 0, &n)))
		return false;
	ok = n == strlen(s);
	if (ok)
		evhttp_add_header(out, naam, s);
	free(s);
	return ok;
}

json_t *
tt_zaak_query(const struct evkeyvalq *query, const char *kop_reden, const char *kop_doel,
              struct evkeyvalq *out)
{
	const struct evkeyval *kv;
	json_t *fouten = NULL;

	TAILQ_INIT(out);
	TAILQ_FOREACH(kv, query, next)
	{
		if (!strcmp(kv->key, "reden"))
			ongeldig(
			        &fouten, "reden", "not_allowed",
			        "Een reden hoort niet in een URL (die komt in logboeken van proxies "
			        "terecht): stuur haar in de header ZS-Reden.");
		evhttp_add_header(out, kv->key, kv->value);
	}
	if (!kop_toevoegen(out, "reden", kop_reden))
		ongeldig(&fouten, "ZS-Reden", "invalid",
		         "Codeer de reden als UTF-8 met procent-codering, zonder stuurtekens.");
	if (!kop_toevoegen(out, "doel", kop_doel))
		ongeldig(&fouten, "ZS-Doel", "invalid",
		         "Codeer het doel met procent-codering, zonder stuurtekens.");
	return fouten;
}

json_t *
tt_zoek_query(const json_t *body, const struct evkeyvalq *query, struct evkeyvalq *out)
{
	const struct evkeyval *kv;
	json_t *fouten = NULL, *v;
	const char *naam;

	TAILQ_INIT(out);
	if (!json_is_object(body)) {
		ongeldig(&fouten, "body", "invalid",
		         "De body is een JSON-object, bijvoorbeeld {\"bsn\": \"...\", \"reden\": "
		         "\"...\"}.");
		return fouten;
	}
	/* The query carries only the cursor of a next link. */
	TAILQ_FOREACH(kv, query, next)
	{
		if (strcmp(kv->key, "cursor") != 0)
			ongeldig(&fouten, freetext_ok(kv->key, 40) ? kv->key : "?", "unknown",
			         "Alleen 'cursor' staat in de URL; de rest in de body.");
		else
			evhttp_add_header(out, kv->key, kv->value);
	}
	json_object_foreach((json_t *)body, naam, v)
	{
		char getal[24];

		if (json_is_string(v)) {
			/* A NUL inside would end the value early: refused, not cut. */
			if (strlen(json_string_value(v)) != json_string_length(v))
				ongeldig(&fouten, freetext_ok(naam, 40) ? naam : "?", "invalid",
				         "Deze waarde bevat een stuurteken.");
			else
				evhttp_add_header(out, naam, json_string_value(v));
		} else if (json_is_integer(v)) {
			snprintf(getal, sizeof(getal), "%" JSON_INTEGER_FORMAT,
			         json_integer_value(v));
			evhttp_add_header(out, naam, getal);
		} else {
			ongeldig(&fouten, freetext_ok(naam, 40) ? naam : "?", "invalid",
			         "Geef tekst of een geheel getal.");
		}
	}
	return fouten;
}

json_t *
tt_zaak_params(const struct evkeyvalq *q, struct tt_zaak_params *out)
{
	static const char *const namen[] = {"reden", "doel"};
	const char *w[2] = {0};
	json_t *fouten = NULL;

	memset(out, 0, sizeof(*out));
	read_names(q, namen, 2, w, &fouten);
	read_reden_doel(w[0], w[1], out->reden_buf, &out->reden, &out->reden_gegeven, &out->doel,
	                &fouten);
	return fouten;
}

/* A KCC employee without behandelaar or fg role must say why (the policy's
 * kcc-reden-ontbreekt spares those roles too). */
static bool
reden_nodig(const struct principal *p)
{
	return (p->rollen & ROL_BIT(ROL_KCC_MEDEWERKER)) &&
	       !(p->rollen & (ROL_BIT(ROL_BEHANDELAAR) | ROL_BIT(ROL_FG)));
}

static void
medewerker_velden(const struct principal *p, const char *reden, bool reden_gegeven,
                  const char *doel, json_t **fouten)
{
	if (p->kind == PRINCIPAL_INWONER) {
		if (reden_gegeven)
			ongeldig(fouten, "reden", "not_allowed",
			         "Alleen een medewerker geeft een reden op.");
		if (doel)
			ongeldig(fouten, "doel", "not_allowed",
			         "Alleen een medewerker geeft een doel op.");
	} else if (!reden && !reden_gegeven && reden_nodig(p)) {
		ongeldig(fouten, "reden", "required", freetext_error_text(FREETEXT_EMPTY));
	}
}

json_t *
tt_lijst_voor(const struct principal *p, const struct tt_lijst_params *lp)
{
	json_t *fouten = NULL;

	if (p->kind == PRINCIPAL_INWONER) {
		if (lp->heeft_betrokkene)
			ongeldig(&fouten, lp->betrokkene.type == ID_KVK ? "kvk" : "bsn",
			         "not_allowed",
			         "U ziet uw eigen zaken; kies met 'namens' voor wie u handelt.");
	} else {
		if (lp->heeft_namens)
			ongeldig(&fouten, "namens", "not_allowed",
			         "Alleen een inwoner met een machtiging gebruikt 'namens'.");
		if (!lp->heeft_betrokkene)
			ongeldig(
			        &fouten, "bsn", "required",
			        "Geef het BSN (bsn) of KvK-nummer (kvk) van wie u de zaken zoekt.");
	}
	medewerker_velden(p, lp->reden, lp->reden_gegeven, lp->doel, &fouten);
	return fouten;
}

json_t *
tt_zaak_voor(const struct principal *p, const struct tt_zaak_params *zp)
{
	json_t *fouten = NULL;

	medewerker_velden(p, zp->reden, zp->reden_gegeven, zp->doel, &fouten);
	return fouten;
}

size_t
tt_betrokkenen(const struct principal *p, const struct tt_lijst_params *lp,
               struct identiteit out[TT_MAX_BETROKKENEN])
{
	size_t n = 0;

	if (p->kind != PRINCIPAL_INWONER) {
		if (!lp->heeft_betrokkene)
			return 0;
		out[0] = lp->betrokkene;
		return 1;
	}
	if (lp->heeft_namens) {
		if (identiteit_equal(&lp->namens, &p->identiteit)) {
			out[0] = p->identiteit;
			return 1;
		}
		for (unsigned i = 0; i < p->n_machtigingen; i++)
			if (identiteit_equal(&lp->namens, &p->machtigingen[i].voor)) {
				out[0] = lp->namens;
				return 1;
			}
		return 0;
	}
	out[n++] = p->identiteit;
	for (unsigned i = 0; i < p->n_machtigingen && n < TT_MAX_BETROKKENEN; i++) {
		size_t k;
		for (k = 0; k < n && !identiteit_equal(&out[k], &p->machtigingen[i].voor); k++)
			;
		if (k == n)
			out[n++] = p->machtigingen[i].voor;
	}
	return n;
}

const char *
tt_soort(enum id_type t)
{
	return t == ID_KVK ? "kvk" : "bsn";
}

const char *
tt_betrokkene_type(enum id_type t)
{
	return t == ID_KVK ? "niet_natuurlijk_persoon" : "natuurlijk_persoon";
}

/* Cursor. */

#define CURSOR_VERSIE 1
#define CURSOR_BYTES  25 /* version, volgorde (8, big-endian), MAC (16) */

void
tt_cursor_sleutel(const struct pseudoniem_sleutel *ps, struct tt_cursor_sleutel *out)
{
	static const char label[] = "zaakstroom/trackandtrace/cursor/v1";
	unsigned int len = sizeof(out->k);

	/* A key of its own: a cursor MAC never doubles as a pseudonym. */
	HMAC(EVP_sha256(), ps->bytes, (int)ps->len, (const unsigned char *)label, sizeof(label) - 1,
	     out->k, &len);
}

void
tt_cursor_binding(const struct principal *p, const struct identiteit *betrokkenen, size_t n,
                  enum tt_status_filter status, unsigned char out[8])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	char wie[PRINCIPAL_MAX_TEKST + 24];
	unsigned int len = 0;

	if (!ctx)
		abort();
	snprintf(wie, sizeof(wie), "%d|%s|%d", (int)p->kind,
	         p->kind == PRINCIPAL_INWONER      ? p->identiteit.nummer
	         : p->kind == PRINCIPAL_MEDEWERKER ? p->medewerker_id
	                                           : p->client_id,
	         (int)status);
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, wie, strlen(wie) + 1);
	for (size_t i = 0; i < n; i++) {
		EVP_DigestUpdate(ctx, id_type_name(betrokkenen[i].type),
		                 strlen(id_type_name(betrokkenen[i].type)) + 1);
		EVP_DigestUpdate(ctx, betrokkenen[i].nummer, strlen(betrokkenen[i].nummer) + 1);
	}
	EVP_DigestFinal_ex(ctx, md, &len);
	EVP_MD_CTX_free(ctx);
	memcpy(out, md, 8);
}

static void
cursor_mac(const struct tt_cursor_sleutel *k, const unsigned char *kop,
           const unsigned char binding[8], unsigned char mac[16])
{
	unsigned char msg[9 + 8], md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	memcpy(msg, kop, 9);
	memcpy(msg + 9, binding, 8);
	HMAC(EVP_sha256(), k->k, sizeof(k->k), msg, sizeof(msg), md, &len);
	memcpy(mac, md, 16);
}

void
tt_cursor_encode(const struct tt_cursor_sleutel *k, const unsigned char binding[8],
                 int64_t volgorde, char out[TT_CURSOR_LEN + 1])
{
	unsigned char b[CURSOR_BYTES];
	uint64_t v = (uint64_t)volgorde;

	b[0] = CURSOR_VERSIE;
	for (int i = 0; i < 8; i++)
		b[1 + i] = (unsigned char)(v >> (56 - 8 * i));
	cursor_mac(k, b, binding, b + 9);
	b64url_encode(b, sizeof(b), out, TT_CURSOR_LEN + 1);
}

bool
tt_cursor_decode(const struct tt_cursor_sleutel *k, const unsigned char binding[8], const char *s,
                 int64_t *volgorde)
{
	unsigned char b[CURSOR_BYTES], mac[16];
	size_t len = 0;
	uint64_t v = 0;

	if (!s || !cursor_vorm_ok(s) || !b64url_decode(s, TT_CURSOR_LEN, b, sizeof(b), &len) ||
	    len != sizeof(b) || b[0] != CURSOR_VERSIE)
		return false;
	cursor_mac(k, b, binding, mac);
	if (CRYPTO_memcmp(mac, b + 9, sizeof(mac)) != 0)
		return false;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | b[1 + i];
	if (v == 0 || v > INT64_MAX)
		return false;
	*volgorde = (int64_t)v;
	return true;
}

/* The policy resource. */

void
tt_resource(const struct tt_zaak_rij *rij, struct tt_resource *out)
{
	const char *p = rij->rollen ? rij->rollen : "";
	bool initiator_bsn = false;

	memset(out, 0, sizeof(*out));
	out->zaak.zaaktype = rij->zaaktype;
	out->zaak.afdeling = rij->afdeling;
	out->zaak.behandelaar = rij->behandelaar;
	out->zaak.open = rij->open;
	out->zaak.tonen_aan_initiator = rij->tonen_aan_initiator;
	out->zaak.afgeschermd = rij->afgeschermd;
	if (!rij->vertrouwelijkheid ||
	    !vertrouwelijkheid_from_name(rij->vertrouwelijkheid, &out->zaak.vertrouwelijkheid))
		out->zaak.vertrouwelijkheid = VERTR_ZEER_GEHEIM;
	out->zaak.gemachtigden = out->gemachtigden;
	while (*p) {
		size_t n = strcspn(p, ",");
		char item[64], *soort, *nummer;
		struct identiteit id;
		enum id_type t;

		if (n < sizeof(item)) {
			memcpy(item, p, n);
			item[n] = '\0';
			soort = strchr(item, ':');
			nummer = soort ? strchr(soort + 1, ':') : NULL;
			if (nummer) {
				*soort++ = '\0';
				*nummer++ = '\0';
				t = !strcmp(soort, "bsn")   ? ID_BSN
				    : !strcmp(soort, "kvk") ? ID_KVK
				                            : ID_GEEN;
				if (t != ID_GEEN && identiteit_set(&id, t, nummer)) {
					/* A person's BSN names them before a KvK number. */
					if (!strcmp(item, "initiator") && !initiator_bsn) {
						out->zaak.initiator = id;
						initiator_bsn = t == ID_BSN;
					} else if (!strcmp(item, "gemachtigde") &&
					           out->zaak.n_gemachtigden <
					                   POLICY_MAX_GEMACHTIGDEN) {
						out->gemachtigden[out->zaak.n_gemachtigden++] = id;
					}
				}
			}
		}
		p += n;
		if (*p == ',')
			p++;
	}
}

bool
tt_tijdstip(const char *pg, char out[32])
{
	size_t n = pg ? strlen(pg) : 0, frac = 0;
	char ms[4] = "000";

	/* YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00 */
	if (n < 25 || pg[4] != '-' || pg[7] != '-' || pg[10] != 'T' || pg[13] != ':' ||
	    pg[16] != ':' || strcmp(pg + n - 6, "+00:00") != 0)
		return false;
	for (size_t i = 0; i < 19; i++)
		if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 &&
		    (pg[i] < '0' || pg[i] > '9'))
			return false;
	if (pg[19] == '.') {
		frac = n - 6 - 20;
		if (frac < 1 || frac > 6 || strspn(pg + 20, "0123456789") != frac)
			return false;
		memcpy(ms, pg + 20, frac < 3 ? frac : 3);
	} else if (n != 25) {
		return false;
	}
	snprintf(out, 32, "%.19s.%sZ", pg, ms);
	return true;
}

bool
tt_betrokkene_afgeschermd(const json_t *zg)
{
	const json_t *rol;
	size_t i;

	/* Any betrokkene, not only the initiator: a shielded gemachtigde's
	 * involvement is as much theirs to keep secret. */
	json_array_foreach(json_object_get(zg, "rollen"), i, rol)
	{
		if (json_is_true(
		            json_object_get(json_object_get(rol, "betrokkene"), "geheimhouding")))
			return true;
	}
	return false;
}

/* The timeline. */

/*
 * Read-model fields as shown: naar (camelCase) from van (a snake_case column),
 * a timestamptz rewritten to the plain JSON instant, and free text (reasons,
 * explanations, values) only in full detail.
 */
enum soort_veld { GEWOON = 0, TIJD, VRIJ };

struct veld {
	const char *naar, *van;
	enum soort_veld soort;
};

#define VELDEN(a) a, sizeof(a) / sizeof((a)[0])

static const struct veld velden_zaak[] = {
        {"uuid", "uuid"},
        {"identificatie", "identificatie"},
        {"bronorganisatie", "bronorganisatie"},
        {"zaaktype", "zaaktype"},
        {"zaaktypeOmschrijving", "zaaktype_omschrijving"},
        {"omschrijving", "omschrijving"},
        {"registratiedatum", "registratiedatum"},
        {"startdatum", "startdatum"},
        {"einddatumGepland", "einddatum_gepland"},
        {"uiterlijkeEinddatumAfdoening", "uiterlijke_einddatum_afdoening"},
        {"einddatum", "einddatum"},
};

static const struct veld velden_status[] = {
        {"volgnummer", "volgnummer"},
        {"omschrijving", "omschrijving"},
        {"statustekst", "statustekst"},
        {"datumStatusGezet", "gezet_op", TIJD},
        {"isEindstatus", "is_eindstatus"},
        {"statustoelichting", "toelichting", VRIJ},
        {"terugzettenReden", "terugzetten_reden", VRIJ},
};

static const struct veld velden_statustype[] = {
        {"volgnummer", "volgnummer"},
        {"omschrijving", "omschrijving"},
        {"statustekst", "statustekst"},
};

static const struct veld velden_opschorting[] = {
        {"van", "per"},
        {"tot", "tot"},
        {"dagen", "dagen"},
        {"reden", "reden", VRIJ},
        {"toelichting", "hervat_toelichting", VRIJ},
};

static const struct veld velden_verlenging[] = {
        {"datum", "verlengd_op", TIJD},
        {"duur", "duur"},
        {"dagen", "dagen"},
        {"reden", "reden", VRIJ},
};

static const struct veld velden_besluit[] = {
        {"identificatie", "identificatie"},
        {"besluittype", "besluittype"},
        {"datum", "datum"},
        {"ingangsdatum", "ingangsdatum"},
        {"vervaldatum", "vervaldatum"},
        /* Until when bezwaar can be made. */
        {"uiterlijkeReactiedatum", "uiterlijke_reactiedatum"},
        {"toelichting", "toelichting", VRIJ},
};

static const struct veld velden_bericht[] = {
        {"verstuurdOp", "verstuurd_op", TIJD},
        {"kanaal", "kanaal"},
        {"aanleiding", "aanleiding"},
        {"onderwerp", "onderwerp", VRIJ},
};

static const struct veld velden_resultaat[] = {
        {"omschrijving", "resultaat"},
        {"omschrijvingGeneriek", "omschrijving_generiek"},
        {"datum", "vastgesteld_op", TIJD},
        {"toelichting", "toelichting", VRIJ},
};

static const struct veld velden_gegeven[] = {
        {"naam", "naam"},
        {"waarde", "waarde", VRIJ},
        {"doel", "doel"},
        {"grondslag", "grondslag"},
        {"persoonsgegeven", "persoonsgegeven"},
};

static const struct veld velden_verwerking[] = {
        {"naam", "naam"},
        {"doel", "doel"},
        {"grondslag", "grondslag"},
        {"bewaartermijn", "bewaartermijn"},
};

/* The fields of src as shown into dst (null when absent). */
static json_t *
neem(json_t *dst, const json_t *src, const struct veld *v, size_t n, bool volledig)
{
	for (size_t i = 0; i < n; i++) {
		json_t *w = json_object_get(src, v[i].van);
		char t[32];

		if (v[i].soort == VRIJ && !volledig)
			continue;
		if (v[i].soort == TIJD)
			json_object_set_new(dst, v[i].naar,
			                    json_is_string(w) &&
			                                    tt_tijdstip(json_string_value(w), t)
			                            ? json_string(t)
			                            : json_null());
		else
			json_object_set(dst, v[i].naar, w ? w : json_null());
	}
	return dst;
}

/* Every row of rijen as shown. */
static json_t *
rijen(const json_t *alle, const struct veld *v, size_t n, bool volledig)
{
	json_t *uit = json_array();
	const json_t *r;
	size_t i;

	json_array_foreach(alle, i, r)
	{
		json_array_append_new(uit, neem(json_object(), r, v, n, volledig));
	}
	return uit;
}

static bool
waar(const json_t *o, const char *k)
{
	return json_is_true(json_object_get(o, k));
}

static json_int_t
getal(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static json_t *
of_null(json_t *v)
{
	return v ? v : json_null();
}

/* Step k of n and what comes next, over the statustypen the caller may see. */
static json_t *
voortgang_json(const json_t *doc, const json_t *zaak, const struct tt_weergave *w)
{
	const json_t *typen = json_object_get(doc, "statustypen"), *st;
	const json_t *einde = json_object_get(zaak, "einddatum");
	json_int_t huidig = getal(zaak, "status");
	bool gesloten = einde && !json_is_null(einde);
	json_t *volgende;
	int n = 0, k = 0;
	size_t i;

	if (!json_is_array(typen) || json_array_size(typen) == 0) {
		/* Without the route no one can say which steps a resident sees. */
		if (w->voor_initiator)
			return json_null();
		return json_pack("{s:O, s:O, s:[]}", "stap", of_null(json_object_get(zaak, "stap")),
		                 "aantalStappen", of_null(json_object_get(zaak, "aantal_stappen")),
		                 "volgende");
	}
	volgende = json_array();
	json_array_foreach(typen, i, st)
	{
		if (w->voor_initiator && !waar(st, "tonenAanInitiator"))
			continue;
		n++;
		if (getal(st, "volgnummer") <= huidig)
			k++;
		else if (!gesloten)
			json_array_append_new(
			        volgende, neem(json_object(), st, VELDEN(velden_statustype), true));
	}
	return json_pack("{s:i, s:i, s:o}", "stap", k, "aantalStappen", n, "volgende", volgende);
}

static json_t *
resultaat_json(const json_t *doc, const json_t *zaak, bool volledig)
{
	const json_t *alle = json_object_get(doc, "resultaten");
	const json_t *r = json_array_get(alle, json_array_size(alle) - 1);
	const json_t *huidig = json_object_get(zaak, "resultaat");

	/* A reopened zaak has no resultaat until one is set again. */
	if (!r || !huidig || json_is_null(huidig))
		return json_null();
	return neem(json_object(), r, VELDEN(velden_resultaat), volledig);
}

json_t *
tt_tijdlijn(const json_t *doc, const struct tt_weergave *w)
{
	const json_t *zaak = json_object_get(doc, "zaak"), *s, *huidig = NULL,
	             *open_opschorting = NULL;
	bool volledig = w->detail == DETAIL_VOLLEDIG;
	json_t *uit = json_object(), *statussen = json_array(), *o;
	const char *id = json_string_value(json_object_get(zaak, "identificatie"));
	char url[32 + TT_IDENTIFICATIE_MAX];
	size_t i;

	snprintf(url, sizeof(url), "/api/v1/zaken/%s", id ? id : "");
	json_object_set_new(uit, "url", json_string(url));
	neem(uit, zaak, VELDEN(velden_zaak), volledig);
	json_object_set_new(uit, "detailniveau", json_string(detail_name(w->detail)));

	json_array_foreach(json_object_get(doc, "statussen"), i, s)
	{
		if (w->voor_initiator && !waar(s, "tonen_aan_initiator"))
			continue;
		json_array_append_new(statussen,
		                      neem(json_object(), s, VELDEN(velden_status), volledig));
		huidig = s;
	}
	json_object_set_new(uit, "status",
	                    huidig ? neem(json_object(), huidig, VELDEN(velden_status), volledig)
	                           : json_null());
	json_object_set_new(uit, "voortgang", voortgang_json(doc, zaak, w));
	json_object_set_new(uit, "statussen", statussen);

	json_array_foreach(json_object_get(doc, "opschortingen"), i, s)
	{
		if (json_is_null(json_object_get(s, "tot")))
			open_opschorting = s;
	}
	o = json_pack("{s:b}", "indicatie", open_opschorting != NULL);
	if (open_opschorting) {
		json_object_set(o, "sinds", of_null(json_object_get(open_opschorting, "per")));
		if (volledig)
			json_object_set(o, "reden",
			                of_null(json_object_get(open_opschorting, "reden")));
	}
	json_object_set_new(uit, "opschorting", o);
	json_object_set_new(
	        uit, "opschortingen",
	        rijen(json_object_get(doc, "opschortingen"), VELDEN(velden_opschorting), volledig));
	json_object_set_new(
	        uit, "verlengingen",
	        rijen(json_object_get(doc, "verlengingen"), VELDEN(velden_verlenging), volledig));
	json_object_set_new(uit, "resultaat", resultaat_json(doc, zaak, volledig));
	json_object_set_new(
	        uit, "besluiten",
	        rijen(json_object_get(doc, "besluiten"), VELDEN(velden_besluit), volledig));
	if (w->gegevens) {
		json_object_set_new(uit, "gebruikteGegevens",
		                    rijen(json_object_get(doc, "eigenschappen"),
		                          VELDEN(velden_gegeven),
		                          w->gegevens_detail == DETAIL_VOLLEDIG));
		json_object_set_new(uit, "verwerkingsactiviteit",
		                    neem(json_object(),
		                         json_object_get(doc, "verwerkingsactiviteit"),
		                         VELDEN(velden_verwerking), true));
	}
	/* What the notificatie daemon sent about the zaak (BerichtVerstuurd). */
	json_object_set_new(
	        uit, "berichten",
	        rijen(json_object_get(doc, "berichten"), VELDEN(velden_bericht), volledig));
	return uit;
}

static json_t *
tekst_of_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *
tt_lijst_item(const struct tt_lijst_rij *r)
{
	char url[32 + TT_IDENTIFICATIE_MAX];

	snprintf(url, sizeof(url), "/api/v1/zaken/%s", r->identificatie ? r->identificatie : "");
	return json_pack(
	        "{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:{s:o, s:o, s:o}, s:b}",
	        "url", url, "identificatie", tekst_of_null(r->identificatie), "zaaktype",
	        tekst_of_null(r->zaaktype), "zaaktypeOmschrijving",
	        tekst_of_null(r->zaaktype_omschrijving), "omschrijving",
	        tekst_of_null(r->omschrijving), "registratiedatum",
	        tekst_of_null(r->registratiedatum), "startdatum", tekst_of_null(r->startdatum),
	        "einddatumGepland", tekst_of_null(r->einddatum_gepland),
	        "uiterlijkeEinddatumAfdoening", tekst_of_null(r->uiterlijke_einddatum), "einddatum",
	        tekst_of_null(r->einddatum), "resultaat", tekst_of_null(r->resultaat), "status",
	        "omschrijving", tekst_of_null(r->status_omschrijving), "statustekst",
	        tekst_of_null(r->statustekst), "datumStatusGezet",
	        tekst_of_null(r->status_gezet_op), "opgeschort", r->opgeschort);
}
