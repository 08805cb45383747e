/*
 * notificatie.c — a batch of events becomes messages in the queue, in the
 * projector's transaction (so offsets, preferences and queue move together).
 *
 * Per batch: one query each for the zaken, aanvragen and preferences the
 * batch refers to; then every event decided in order, with what earlier
 * events of the batch taught kept in memory; then the writes in one
 * pipeline. bericht_plaatsen (sql/002_samenvoegen.sql) makes each message at most
 * once per key and merges updates inside the window.
 */
#include "notificatie.h"
#include "bezorger.h"
#include "abonnementen_api.h"
#include "voorkeuren.h"
#include "core/log.h"
#include "wire/ce.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
notificatie_metrics(struct notificatie *n)
{
	const char *h = "Messages not queued for a resident, or queued for a webhook, by reason.";
	n->m_zonder_contact =
	        metric_counter("zs_notificatie_berichten_total", "uitkomst=\"geen_contact\"", h);
	n->m_afgemeld =
	        metric_counter("zs_notificatie_berichten_total", "uitkomst=\"afgemeld\"", h);
	n->m_webhook = metric_counter("zs_notificatie_berichten_total", "uitkomst=\"webhook\"", h);
}

bool
notificatie_prepare(struct pg *pg)
{
	return pg_prepare(
	               pg, "zaken_bekend",
	               "SELECT z.uuid::text, z.identificatie, z.zaaktype, z.zaaktype_omschrijving,"
	               " z.betrokkene FROM jsonb_array_elements_text($1::jsonb) AS k(id)"
	               " CROSS JOIN LATERAL (SELECT * FROM zaken WHERE uuid = k.id::uuid LIMIT 1) z",
	               1) &&
	       pg_prepare(pg, "aanvragen_bekend",
	                  "SELECT a.aanvraag_id, a.betrokkene, a.zaaktype, a.afwijzing::text"
	                  " FROM jsonb_array_elements_text($1::jsonb) AS k(id)"
	                  " CROSS JOIN LATERAL (SELECT * FROM aanvragen WHERE aanvraag_id = k.id"
	                  " LIMIT 1) a",
	                  1) &&
	       pg_prepare(
	               pg, "voorkeuren_bekend",
	               "SELECT v.betrokkene, v.emailadres IS NOT NULL, v.telefoonnummer IS NOT NULL,"
	               " v.updates FROM jsonb_array_elements_text($1::jsonb) AS k(id)"
	               " CROSS JOIN LATERAL (SELECT * FROM voorkeuren WHERE betrokkene = k.id"
	               " LIMIT 1) v",
	               1) &&
	       /* A new aanvraag's contact replaces the addresses, never the
	        * resident's own choice to hear updates or not. */
	       pg_prepare(
	               pg, "voorkeur_contact",
	               "INSERT INTO voorkeuren (betrokkene, emailadres, telefoonnummer)"
	               " VALUES ($1, $2, $3) ON CONFLICT (betrokkene) DO UPDATE SET"
	               " emailadres = coalesce(EXCLUDED.emailadres, voorkeuren.emailadres),"
	               " telefoonnummer = coalesce(EXCLUDED.telefoonnummer, voorkeuren.telefoonnummer),"
	               " bijgewerkt_op = now()",
	               3) &&
	       pg_prepare(pg, "zaak_insert",
	                  "INSERT INTO zaken (uuid, identificatie, zaaktype, zaaktype_omschrijving,"
	                  " betrokkene) VALUES ($1::uuid, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
	                  5) &&
	       pg_prepare(pg, "aanvraag_upsert",
	                  "INSERT INTO aanvragen (aanvraag_id, betrokkene, zaaktype, afwijzing)"
	                  " VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT (aanvraag_id) DO UPDATE SET"
	                  " betrokkene = coalesce(EXCLUDED.betrokkene, aanvragen.betrokkene),"
	                  " zaaktype = coalesce(EXCLUDED.zaaktype, aanvragen.zaaktype),"
	                  " afwijzing = coalesce(EXCLUDED.afwijzing, aanvragen.afwijzing)",
	                  4) &&
	       /* Once a zaak exists or the refusal is queued, the aanvraag is
	        * not needed any more. */
	       pg_prepare(pg, "aanvraag_weg", "DELETE FROM aanvragen WHERE aanvraag_id = $1", 1) &&
	       pg_prepare(
	               pg, "bericht_plaatsen",
	               "SELECT bericht_plaatsen($1::uuid, $2, $3, $4::uuid, $5, $6, $7, $8, $9, $10,"
	               " $11, $12::boolean, $13::bigint)",
	               13) &&
	       pg_prepare(
	               pg, "verzoeken_bekend",
	               "SELECT v.verzoek_id, v.betrokkene FROM jsonb_array_elements_text($1::jsonb)"
	               " AS k(id) CROSS JOIN LATERAL (SELECT * FROM verzoeken WHERE verzoek_id = k.id"
	               " LIMIT 1) v",
	               1) &&
	       pg_prepare(pg, "verzoek_insert",
	                  "INSERT INTO verzoeken (verzoek_id, betrokkene) VALUES ($1, $2)"
	                  " ON CONFLICT DO NOTHING",
	                  2) &&
	       pg_prepare(
	               pg, "bericht_verzoek",
	               "UPDATE berichten SET verzoek_id = $2 WHERE id = $1::uuid AND verzoek_id IS NULL",
	               2) &&
	       bezorger_prepare(pg) && voorkeuren_prepare(pg) && abonnementen_api_prepare(pg);
}

/* What the batch knows: rows read at its start, updated as events go by. */
struct kennis {
	json_t *zaken;      /* uuid -> {identificatie, zaaktype, omschrijving, betrokkene} */
	json_t *aanvragen;  /* id -> {betrokkene, zaaktype, afwijzing} */
	json_t *voorkeuren; /* pseudonym -> {email, sms, updates} */
	json_t *verzoeken;  /* inzageverzoek id -> betrokkene pseudonym */
};

static const char *
s(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static bool
b(const json_t *o, const char *k)
{
	return json_is_true(json_object_get(o, k));
}

/* The rol to tell (the one with contact details: the gemachtigde when there
 * is one) and its pseudonym. */
static const json_t *
ontvanger_rol(const json_t *rollen, const json_t **contact)
{
	size_t i;
	json_t *r;
	const json_t *initiator = NULL;

	json_array_foreach(rollen, i, r)
	{
		const json_t *c = json_object_get(r, "contactpersoonRol");
		if (json_is_object(c)) {
			*contact = c;
			return json_object_get(r, "betrokkene");
		}
		if (!initiator && s(r, "omschrijvingGeneriek") &&
		    strcmp(s(r, "omschrijvingGeneriek"), "initiator") == 0)
			initiator = json_object_get(r, "betrokkene");
	}
	*contact = NULL;
	return initiator;
}

static bool
betrokkene_pseudoniem(const struct notificatie *n, const json_t *b_, char out[PSEUDONIEM_LEN + 1])
{
	if (s(b_, "inpBsn"))
		return pseudoniem(n->sleutel, "BSN", s(b_, "inpBsn"), out);
	if (s(b_, "kvkNummer"))
		return pseudoniem(n->sleutel, "KVK", s(b_, "kvkNummer"), out);
	if (s(b_, "vestigingsNummer"))
		return pseudoniem(n->sleutel, "VESTIGING", s(b_, "vestigingsNummer"), out);
	return false;
}

/* Runs a lookup of the ids and files every row under its first column. */
static bool
lees(struct pg *pg, const char *stmt, json_t *ids, json_t *into,
     json_t *(*rij)(PGresult *res, int r))
{
	PGresult *res;

	if (json_array_size(ids) == 0)
		return true;
	res = pg_execp_json(pg, stmt, ids);
	if (!res)
		return false;
	for (int r = 0; r < PQntuples(res); r++)
		json_object_set_new(into, PQgetvalue(res, r, 0), rij(res, r));
	PQclear(res);
	return true;
}

static json_t *
zaak_rij(PGresult *res, int r)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "identificatie", PQgetvalue(res, r, 1), "zaaktype",
	                 PQgetvalue(res, r, 2), "omschrijving", PQgetvalue(res, r, 3), "betrokkene",
	                 PQgetvalue(res, r, 4));
}

static json_t *
aanvraag_rij(PGresult *res, int r)
{
	json_t *o = json_object();
	if (!PQgetisnull(res, r, 1))
		json_object_set_new(o, "betrokkene", json_string(PQgetvalue(res, r, 1)));
	if (!PQgetisnull(res, r, 2))
		json_object_set_new(o, "zaaktype", json_string(PQgetvalue(res, r, 2)));
	if (!PQgetisnull(res, r, 3))
		json_object_set_new(o, "afwijzing", json_loads(PQgetvalue(res, r, 3), 0, NULL));
	return o;
}

static json_t *
verzoek_rij(PGresult *res, int r)
{
	return json_string(PQgetvalue(res, r, 1));
}

static bool
is_inzage(const char *record)
{
	return strncmp(record, "Inzage", 6) == 0;
}

static json_t *
voorkeur_rij(PGresult *res, int r)
{
	return json_pack("{s:b, s:b, s:b}", "email", PQgetvalue(res, r, 1)[0] == 't', "sms",
	                 PQgetvalue(res, r, 2)[0] == 't', "updates",
	                 PQgetvalue(res, r, 3)[0] == 't');
}

static void
voeg_toe_uniek(json_t *arr, json_t *seen, const char *id)
{
	if (id && !json_object_get(seen, id)) {
		json_object_set_new(seen, id, json_true());
		json_array_append_new(arr, json_string(id));
	}
}

/* Reads what the batch refers to: zaken of facts, aanvragen, preferences. */
static bool
kennis_lees(struct notificatie *n, struct proj_batch *bt, struct kennis *k)
{
	json_t *zaak_ids = json_array(), *aanvraag_ids = json_array(), *personen = json_array(),
	       *verzoek_ids = json_array(), *seen = json_object();
	bool ok = false;
	const char *key;
	json_t *v;

	for (int i = 0; i < bt->n; i++) {
		struct proj_msg *m = &bt->msgs[i];
		char p[PSEUDONIEM_LEN + 1];
		const json_t *contact;

		if (m->dead || !m->data)
			continue;
		if (strcmp(m->record, "AanvraagIngediend") == 0 ||
		    strcmp(m->record, "AanvraagAfgewezen") == 0) {
			voeg_toe_uniek(aanvraag_ids, seen, s(m->data, "aanvraagId"));
		} else if (is_inzage(m->record)) {
			voeg_toe_uniek(verzoek_ids, seen, s(m->data, "verzoekId"));
			voeg_toe_uniek(personen, seen, s(m->data, "betrokkene"));
		} else if (strcmp(m->record, "ZaakGeregistreerd") == 0) {
			const json_t *br =
			        ontvanger_rol(json_object_get(m->data, "rollen"), &contact);
			if (br && betrokkene_pseudoniem(n, br, p))
				voeg_toe_uniek(personen, seen, p);
		} else {
			voeg_toe_uniek(zaak_ids, seen, s(m->data, "zaak"));
		}
		if (strcmp(m->record, "AanvraagIngediend") == 0) {
			const json_t *br = json_object_get(m->data, "gemachtigde");
			if (!json_is_object(br))
				br = json_object_get(m->data, "initiator");
			if (betrokkene_pseudoniem(n, br, p))
				voeg_toe_uniek(personen, seen, p);
		}
	}
	if (!lees(bt->pg, "zaken_bekend", zaak_ids, k->zaken, zaak_rij) ||
	    !lees(bt->pg, "aanvragen_bekend", aanvraag_ids, k->aanvragen, aanvraag_rij) ||
	    !lees(bt->pg, "verzoeken_bekend", verzoek_ids, k->verzoeken, verzoek_rij))
		goto out;
	json_object_foreach(k->zaken, key, v) voeg_toe_uniek(personen, seen, s(v, "betrokkene"));
	json_object_foreach(k->aanvragen, key, v)
	        voeg_toe_uniek(personen, seen, s(v, "betrokkene"));
	json_object_foreach(k->verzoeken, key, v)
	        voeg_toe_uniek(personen, seen, json_string_value(v));
	ok = lees(bt->pg, "voorkeuren_bekend", personen, k->voorkeuren, voorkeur_rij);
out:
	json_decref(zaak_ids);
	json_decref(aanvraag_ids);
	json_decref(verzoek_ids);
	json_decref(personen);
	json_decref(seen);
	return ok;
}

/* One message to be placed, from the event that caused it. */
struct plaatsing {
	enum aanleiding aanleiding;
	const char *onderscheid; /* what within the aanleiding */
	const char *zaak, *identificatie, *aanvraag_id, *verzoek_id, *zaaktype, *betrokkene;
	int status;
	bool informeren;
	struct waarden w;
};

static void
datum_waarde(const char *iso, char *buf, size_t n, const char **into)
{
	if (iso && datum_nl(iso, buf, n))
		*into = buf;
}

static bool
plaats(struct notificatie *n, struct proj_batch *bt, struct proj_msg *m, struct kennis *k,
       const struct plaatsing *pl)
{
	const struct regel *rg =
	        regels_kies(&n->regels, pl->aanleiding, pl->zaaktype, pl->status, pl->informeren);
	const json_t *vk = json_object_get(k->voorkeuren, pl->betrokkene);
	const char *kanaal = b(vk, "email") ? "email" : (b(vk, "sms") ? "sms" : NULL);
	char sleutel[512], id[UUID_LEN + 1], onderwerp[512], venster[32];
	char *tekst;

	if (!rg)
		return true;
	if (!rg->actie_vereist && vk && !b(vk, "updates")) {
		projector_count(n->p, n->m_afgemeld, 1);
		return true;
	}
	bericht_sleutel(sleutel, sizeof(sleutel), pl->betrokkene,
	                pl->zaak ? pl->zaak : (pl->aanvraag_id ? pl->aanvraag_id : pl->verzoek_id),
	                aanleiding_naam(pl->aanleiding), pl->onderscheid, rg->sjabloon->naam);
	bericht_id(sleutel, id);
	tekst = malloc(SJABLOON_TEKST_MAX * 2);
	if (!tekst)
		return false;
	if (!sjabloon_vul(rg->sjabloon->onderwerp, &pl->w, onderwerp, sizeof(onderwerp)) ||
	    !sjabloon_vul(rg->sjabloon->tekst, &pl->w, tekst, SJABLOON_TEKST_MAX * 2)) {
		struct log_ctx ctx = m->log;
		ctx.zaak = pl->zaak;
		zlog_at(LOG_WARN, &ctx, "message not made: template %s lacks a value",
		        rg->sjabloon->naam);
		free(tekst);
		return true;
	}
	if (!kanaal) {
		projector_count(n->p, n->m_zonder_contact, 1);
		if (rg->actie_vereist)
			bezorger_geen_contact(n->bezorger, &m->ce, id, sleutel, pl->betrokkene,
			                      pl->zaak, pl->identificatie, pl->aanvraag_id,
			                      pl->verzoek_id, aanleiding_naam(pl->aanleiding),
			                      onderwerp);
		free(tekst);
		return true;
	}
	snprintf(venster, sizeof(venster), "%ld", n->venster_ms);
	const char *vals[13] = {id,
	                        sleutel,
	                        pl->betrokkene,
	                        pl->zaak,
	                        pl->identificatie,
	                        pl->aanvraag_id,
	                        aanleiding_naam(pl->aanleiding),
	                        kanaal,
	                        NULL,
	                        onderwerp,
	                        tekst,
	                        rg->actie_vereist ? "true" : "false",
	                        venster};
	bool ok = pg_pipeline_send(bt->pg, "bericht_plaatsen", 13, vals, NULL, NULL);
	free(tekst);
	if (ok && pl->verzoek_id) {
		const char *vvals[2] = {id, pl->verzoek_id};
		ok = pg_pipeline_send(bt->pg, "bericht_verzoek", 2, vvals, NULL, NULL);
	}
	return ok;
}

/* The events about a zaak to every subscription that wants them. */
static bool
webhooks(struct notificatie *n, struct proj_batch *bt, struct proj_msg *m,
         const struct plaatsing *pl)
{
	for (int i = 0; i < n->abonnementen.n; i++) {
		const struct abonnement *a = &n->abonnementen.a[i];
		char sleutel[512], id[UUID_LEN + 1], tijd[32], *body;

		if (!abonnement_past(a, pl->aanleiding, pl->zaaktype))
			continue;
		snprintf(sleutel, sizeof(sleutel), "webhook:%s|%s|%s|%s", a->id, pl->zaak,
		         aanleiding_naam(pl->aanleiding), pl->onderscheid);
		bericht_id(sleutel, id);
		if (m->ce.time[0])
			snprintf(tijd, sizeof(tijd), "%s", m->ce.time);
		else
			format_rfc3339_ms(now_ms(), tijd);
		struct gebeurtenis g = {.id = id,
		                        .zaak = pl->zaak,
		                        .identificatie = pl->identificatie,
		                        .zaaktype = pl->zaaktype,
		                        .aanleiding = pl->aanleiding,
		                        .tijdstip = tijd,
		                        .resource_basis = bezorger_resource_basis(n->bezorger)};
		body = abonnement_bericht(a, &g);
		if (!body)
			return false;
		const char *vals[13] = {id,
		                        sleutel,
		                        "",
		                        pl->zaak,
		                        pl->identificatie,
		                        NULL,
		                        aanleiding_naam(pl->aanleiding),
		                        "webhook",
		                        a->id,
		                        aanleiding_naam(pl->aanleiding),
		                        body,
		                        "false",
		                        "0"};
		bool ok = pg_pipeline_send(bt->pg, "bericht_plaatsen", 13, vals, NULL, NULL);
		free(body);
		if (!ok)
			return false;
		projector_count(n->p, n->m_webhook, 1);
	}
	return true;
}

/* Date buffers for one event's values. */
struct datums {
	char eind[40], uiterlijk[40], bezwaar[40];
};

/* "step k of n" of a StatusInfo, as text. */
struct stappen {
	char stap[16], aantal[16];
};

static void
stap_waarden(const json_t *st, struct stappen *t, struct waarden *w)
{
	snprintf(t->stap, sizeof(t->stap), "%lld",
	         (long long)json_integer_value(json_object_get(st, "stap")));
	snprintf(t->aantal, sizeof(t->aantal), "%lld",
	         (long long)json_integer_value(json_object_get(st, "aantalStappen")));
	w->v[VELD_STAP] = t->stap;
	w->v[VELD_AANTAL_STAPPEN] = t->aantal;
}

static void
termijn_waarden(const json_t *termijnen, struct datums *d, struct waarden *w)
{
	const char *gepland = s(termijnen, "einddatumGepland"),
	           *uiterlijk = s(termijnen, "uiterlijkeEinddatumAfdoening");
	datum_waarde(gepland ? gepland : uiterlijk, d->eind, sizeof(d->eind),
	             &w->v[VELD_EINDDATUM]);
	datum_waarde(uiterlijk, d->uiterlijk, sizeof(d->uiterlijk),
	             &w->v[VELD_UITERLIJKE_EINDDATUM]);
}

static bool
contact_bewaren(struct proj_batch *bt, struct kennis *k, const char *p, const json_t *contact)
{
	const char *email = s(contact, "emailadres"), *tel = s(contact, "telefoonnummer");
	json_t *vk = json_object_get(k->voorkeuren, p);

	if (!email && !tel)
		return true;
	if (!vk) {
		vk = json_pack("{s:b, s:b, s:b}", "email", 0, "sms", 0, "updates", 1);
		json_object_set_new(k->voorkeuren, p, vk);
	}
	if (email)
		json_object_set_new(vk, "email", json_true());
	if (tel)
		json_object_set_new(vk, "sms", json_true());
	const char *vals[3] = {p, email, tel};
	return pg_pipeline_send(bt->pg, "voorkeur_contact", 3, vals, NULL, NULL);
}

/* The refusal's reasons as a list for people. */
static char *
redenen_tekst(const json_t *redenen)
{
	size_t i, n = 0, cap = 4096;
	json_t *r;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	out[0] = '\0';
	json_array_foreach(redenen, i, r)
	{
		const char *t = s(r, "tekst");
		int w = snprintf(out + n, cap - n, "%s- %s", n ? "\n" : "", t ? t : "");
		if (w < 0 || (size_t)w >= cap - n)
			break;
		n += (size_t)w;
	}
	return out;
}

static bool
afwijzing_plaatsen(struct notificatie *n, struct proj_batch *bt, struct proj_msg *m,
                   struct kennis *k, const char *aanvraag_id, const char *betrokkene,
                   const json_t *afwijzing)
{
	char *redenen = redenen_tekst(json_object_get(afwijzing, "redenen"));
	struct plaatsing pl = {.aanleiding = AANL_AANVRAAG_AFGEWEZEN,
	                       .onderscheid = "",
	                       .aanvraag_id = aanvraag_id,
	                       .zaaktype = s(afwijzing, "zaaktype"),
	                       .betrokkene = betrokkene};
	bool ok;

	if (!redenen)
		return false;
	pl.w.v[VELD_ZAAKTYPE] = pl.zaaktype;
	pl.w.v[VELD_REDENEN] = redenen;
	ok = plaats(n, bt, m, k, &pl);
	free(redenen);
	const char *vals[1] = {aanvraag_id};
	return ok && pg_pipeline_send(bt->pg, "aanvraag_weg", 1, vals, NULL, NULL);
}

static bool
aanvraag_ingediend(struct notificatie *n, struct proj_batch *bt, struct proj_msg *m,
                   struct kennis *k)
{
	const char *id = s(m->data, "aanvraagId");
	const json_t *br = json_object_get(m->data, "gemachtigde");
	char p[PSEUDONIEM_LEN + 1];
	json_t *bekend;

	if (!json_is_object(br))
		br = json_object_get(m->data, "initiator");
	if (!id || !betrokkene_pseudoniem(n, br, p))
		return true;
	if (!contact_bewaren(bt, k, p, json_object_get(m->data, "contact")))
		return false;
	bekend = json_object_get(k->aanvragen, id);
	if (bekend && json_is_object(json_object_get(bekend, "afwijzing")))
		return afwijzing_plaatsen(n, bt, m, k, id, p, json_object_get(bekend, "afwijzing"));
	if (!bekend) {
		bekend = json_object();
		json_object_set_new(k->aanvragen, id, bekend);
	}
	json_object_set_new(bekend, "betrokkene", json_string(p));
	const char *vals[4] = {id, p, s(m->data, "zaaktype"), NULL};
	return pg_pipeline_send(bt->pg, "aanvraag_upsert", 4, vals, NULL, NULL);
}

static bool
aanvraag_afgewezen(struct notificatie *n, struct proj_batch *bt, struct proj_msg *m,
                   struct kennis *k)
{
	const char *id = s(m->data, "aanvraagId");
	json_t *bekend = id ? json_object_get(k->aanvragen, id) : NULL;
	json_t *afwijzing = json_pack("{s:s?, s:O}", "zaaktype", s(m->data, "zaaktype"), "redenen",
	                              json_object_get(m->data, "redenen"));
	bool ok;

	if (!id || !afwijzing) {
		json_decref(afwijzing);
		return true;
	}
	if (bekend && s(bekend, "betrokkene")) {
		ok = afwijzing_plaatsen(n, bt, m, k, id, s(bekend, "betrokkene"), afwijzing);
	} else {
		/* The aanvraag itself is not read yet: the refusal waits for it. */
		char *text = json_dumps(afwijzing, JSON_COMPACT);
		const char *vals[4] = {id, NULL, NULL, text};
		ok = text && pg_pipeline_send(bt->pg, "aanvraag_upsert", 4, vals, NULL, NULL);
		free(text);
		if (!bekend) {
			bekend = json_object();
			json_object_set_new(k->aanvragen, id, bekend);
		}
		json_object_set(bekend, "afwijzing", afwijzing);
	}
	json_decref(afwijzing);
	return ok;
}

static bool
zaak_geregistreerd(struct notificatie *n, struct proj_batch *bt, struct proj_msg *m,
                   struct kennis *k)
{
	const json_t *d = m->data, *contact, *st = json_object_get(d, "status");
	const json_t *br = ontvanger_rol(json_object_get(d, "rollen"), &contact);
	char p[PSEUDONIEM_LEN + 1];
	struct stappen st_tekst;
	struct datums dt;
	const char *uuid = s(d, "uuid");

	if (!uuid || !br || !betrokkene_pseudoniem(n, br, p))
		return true;
	if (contact && !contact_bewaren(bt, k, p, contact))
		return false;
	json_object_set_new(k->zaken, uuid,
	                    json_pack("{s:s?, s:s?, s:s?, s:s}", "identificatie",
	                              s(d, "identificatie"), "zaaktype", s(d, "zaaktype"),
	                              "omschrijving", s(d, "zaaktypeOmschrijving"), "betrokkene",
	                              p));
	const char *zvals[5] = {uuid, s(d, "identificatie"), s(d, "zaaktype"),
	                        s(d, "zaaktypeOmschrijving"), p};
	if (!zvals[1] || !zvals[2] || !zvals[3] ||
	    !pg_pipeline_send(bt->pg, "zaak_insert", 5, zvals, NULL, NULL))
		return zvals[1] && zvals[2] && zvals[3] ? false : true;
	if (s(d, "aanvraagId")) {
		const char *vals[1] = {s(d, "aanvraagId")};
		if (!pg_pipeline_send(bt->pg, "aanvraag_weg", 1, vals, NULL, NULL))
			return false;
	}

	struct plaatsing pl = {.aanleiding = AANL_ZAAK_ONTVANGEN,
	                       .onderscheid = "",
	                       .zaak = uuid,
	                       .identificatie = s(d, "identificatie"),
	                       .zaaktype = s(d, "zaaktype"),
	                       .betrokkene = p};
	pl.w.v[VELD_IDENTIFICATIE] = pl.identificatie;
	pl.w.v[VELD_ZAAKTYPE] = s(d, "zaaktypeOmschrijving");
	pl.w.v[VELD_STATUS] = s(st, "omschrijving");
	pl.w.v[VELD_STATUSTEKST] = s(st, "statustekst");
	stap_waarden(st, &st_tekst, &pl.w);
	termijn_waarden(d, &dt, &pl.w);
	return plaats(n, bt, m, k, &pl) && webhooks(n, bt, m, &pl);
}

/* A fact about a zaak registered before: its aanleiding and values. */
static bool
zaak_feit(struct notificatie *n, struct proj_batch *bt, struct proj_msg *m, struct kennis *k)
{
	const json_t *d = m->data,
	             *zaak = json_object_get(k->zaken, s(d, "zaak") ? s(d, "zaak") : "");
	const json_t *termijnen = json_object_get(d, "termijnen");
	char onderscheid[128] = "";
	struct stappen st_tekst;
	struct datums dt;
	struct plaatsing pl = {.zaak = s(d, "zaak"), .onderscheid = onderscheid};
	const char *r = m->record;

	if (!zaak) {
		/* Registered before this daemon's time, or not a resident's. */
		zlog_at(LOG_DEBUG, &m->log, "fact about a zaak not known here");
		return true;
	}
	pl.identificatie = s(zaak, "identificatie");
	pl.zaaktype = s(zaak, "zaaktype");
	pl.betrokkene = s(zaak, "betrokkene");
	pl.w.v[VELD_IDENTIFICATIE] = pl.identificatie;
	pl.w.v[VELD_ZAAKTYPE] = s(zaak, "omschrijving");
	termijn_waarden(termijnen, &dt, &pl.w);

	if (strcmp(r, "StatusGezet") == 0) {
		const json_t *st = json_object_get(d, "status");
		/* The receipt told the first status. */
		if (json_integer_value(json_object_get(st, "stap")) <= 1)
			return true;
		pl.aanleiding = AANL_STATUS_GEWIJZIGD;
		pl.status = (int)json_integer_value(json_object_get(st, "volgnummer"));
		pl.informeren = b(st, "informeren");
		snprintf(onderscheid, sizeof(onderscheid), "%d", pl.status);
		pl.w.v[VELD_STATUS] = s(st, "omschrijving");
		pl.w.v[VELD_STATUSTEKST] = s(st, "statustekst");
		stap_waarden(st, &st_tekst, &pl.w);
	} else if (strcmp(r, "TermijnBewaking") == 0) {
		const char *termijn = s(d, "termijn"), *fase = s(d, "fase");
		/* The promise is what a resident was told; the legal term only
		 * when there was no promise. */
		if (termijn && strcmp(termijn, "uiterlijke_einddatum_afdoening") == 0 &&
		    s(termijnen, "einddatumGepland"))
			return true;
		pl.aanleiding = fase && strcmp(fase, "overschreden") == 0
		                        ? AANL_TERMIJN_OVERSCHREDEN
		                        : AANL_TERMIJN_NADERT;
		snprintf(onderscheid, sizeof(onderscheid), "%s:%s", termijn ? termijn : "",
		         s(d, "datum") ? s(d, "datum") : "");
		datum_waarde(s(d, "datum"), dt.eind, sizeof(dt.eind), &pl.w.v[VELD_EINDDATUM]);
	} else if (strcmp(r, "ZaakOpgeschort") == 0) {
		pl.aanleiding = AANL_ZAAK_OPGESCHORT;
		snprintf(onderscheid, sizeof(onderscheid), "%s", s(d, "per") ? s(d, "per") : "");
		pl.w.v[VELD_REDEN] = s(d, "reden");
	} else if (strcmp(r, "ZaakHervat") == 0) {
		pl.aanleiding = AANL_ZAAK_HERVAT;
		snprintf(onderscheid, sizeof(onderscheid), "%s", s(d, "per") ? s(d, "per") : "");
		pl.w.v[VELD_TOELICHTING] = s(d, "toelichting");
	} else if (strcmp(r, "ZaakVerlengd") == 0) {
		pl.aanleiding = AANL_ZAAK_VERLENGD;
		snprintf(onderscheid, sizeof(onderscheid), "%s",
		         s(termijnen, "uiterlijkeEinddatumAfdoening")
		                 ? s(termijnen, "uiterlijkeEinddatumAfdoening")
		                 : "");
		pl.w.v[VELD_REDEN] = s(d, "reden");
	} else if (strcmp(r, "BesluitGenomen") == 0) {
		pl.aanleiding = AANL_BESLUIT_GENOMEN;
		snprintf(onderscheid, sizeof(onderscheid), "%s",
		         s(d, "besluit") ? s(d, "besluit") : "");
		datum_waarde(s(d, "uiterlijkeReactiedatum"), dt.bezwaar, sizeof(dt.bezwaar),
		             &pl.w.v[VELD_BEZWAAR_TOT]);
		pl.w.v[VELD_TOELICHTING] = s(d, "toelichting");
	} else if (strcmp(r, "ZaakAfgesloten") == 0) {
		pl.aanleiding = AANL_ZAAK_AFGESLOTEN;
		snprintf(onderscheid, sizeof(onderscheid), "%s",
		         s(d, "einddatum") ? s(d, "einddatum") : "");
		pl.w.v[VELD_RESULTAAT] = s(d, "resultaat");
	} else {
		return true; /* ResultaatVastgesteld, ZaakHeropend: no message of their own */
	}
	return plaats(n, bt, m, k, &pl) && webhooks(n, bt, m, &pl);
}

/* A request under the AVG received, extended or answered. */
static bool
inzage(struct notificatie *n, struct proj_batch *bt, struct proj_msg *m, struct kennis *k)
{
	const json_t *d = m->data;
	const char *id = s(d, "verzoekId"), *p;
	char eind[40];
	struct plaatsing pl = {.verzoek_id = id, .onderscheid = ""};

	if (!id)
		return true;
	if (strcmp(m->record, "InzageVerzoekOntvangen") == 0) {
		p = s(d, "betrokkene");
		if (!p)
			return true;
		json_object_set_new(k->verzoeken, id, json_string(p));
		const char *vals[2] = {id, p};
		if (!pg_pipeline_send(bt->pg, "verzoek_insert", 2, vals, NULL, NULL))
			return false;
		pl.aanleiding = AANL_INZAGE_ONTVANGEN;
		datum_waarde(s(d, "uitersteDatum"), eind, sizeof(eind), &pl.w.v[VELD_EINDDATUM]);
	} else if (strcmp(m->record, "InzageTermijnVerlengd") == 0) {
		pl.aanleiding = AANL_INZAGE_VERLENGD;
		pl.onderscheid = s(d, "nieuweUitersteDatum") ? s(d, "nieuweUitersteDatum") : "";
		pl.w.v[VELD_REDEN] = s(d, "reden");
		datum_waarde(s(d, "nieuweUitersteDatum"), eind, sizeof(eind),
		             &pl.w.v[VELD_EINDDATUM]);
	} else if (strcmp(m->record, "InzageAfgehandeld") == 0) {
		pl.aanleiding = AANL_INZAGE_AFGEHANDELD;
		datum_waarde(s(d, "uitersteDatum"), eind, sizeof(eind), &pl.w.v[VELD_EINDDATUM]);
	} else {
		return true; /* the portal's own InzageVerzoekIngediend, the deadline watch */
	}
	pl.betrokkene = json_string_value(json_object_get(k->verzoeken, id));
	if (!pl.betrokkene)
		return true; /* received before this daemon's time */
	return plaats(n, bt, m, k, &pl);
}

int
notificatie_apply(struct proj_batch *bt, void *arg)
{
	struct notificatie *n = arg;
	struct kennis k = {json_object(), json_object(), json_object(), json_object()};
	int rc = -1;

	if (!kennis_lees(n, bt, &k))
		goto out;
	if (!pg_pipeline_begin(bt->pg))
		goto out;
	for (int i = 0; i < bt->n; i++) {
		struct proj_msg *m = &bt->msgs[i];
		bool ok;

		if (m->dead || !m->data)
			continue;
		if (strcmp(m->record, "AanvraagIngediend") == 0)
			ok = aanvraag_ingediend(n, bt, m, &k);
		else if (strcmp(m->record, "AanvraagAfgewezen") == 0)
			ok = aanvraag_afgewezen(n, bt, m, &k);
		else if (strcmp(m->record, "AanvraagGeaccepteerd") == 0)
			ok = true; /* ZaakGeregistreerd says it all */
		else if (strcmp(m->record, "ZaakGeregistreerd") == 0)
			ok = zaak_geregistreerd(n, bt, m, &k);
		else if (is_inzage(m->record))
			ok = inzage(n, bt, m, &k);
		else
			ok = zaak_feit(n, bt, m, &k);
		if (!ok)
			goto out;
	}
	rc = 0;
	/* Runs after this callback, when the batch has committed. */
	bezorger_wek(n->bezorger);
out:
	json_decref(k.zaken);
	json_decref(k.aanvragen);
	json_decref(k.voorkeuren);
	json_decref(k.verzoeken);
	return rc;
}
