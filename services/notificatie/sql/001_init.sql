-- notificatie's read model: contact preferences per betrokkene (keyed by
-- pseudonym), what it needs to know of zaken and refused aanvragen, and the
-- persistent delivery queue, written in the same transaction as the offsets.

-- How a betrokkene wants to be reached. The key is the keyed pseudonym of
-- their BSN or KvK number, never the number itself.
CREATE TABLE voorkeuren (
	betrokkene     text PRIMARY KEY,
	emailadres     text,
	telefoonnummer text,
	updates        boolean NOT NULL DEFAULT true, -- false: only "actie vereist"
	bijgewerkt_op  timestamptz NOT NULL DEFAULT now()
);

-- What a later fact about a zaak needs: its words and whom to tell.
CREATE TABLE zaken (
	uuid                  uuid PRIMARY KEY,
	identificatie         text NOT NULL,
	zaaktype              text NOT NULL,
	zaaktype_omschrijving text NOT NULL,
	betrokkene            text NOT NULL
);

-- An aanvraag until its outcome is known: AanvraagAfgewezen carries no
-- contact, and the two topics may be read in either order.
CREATE TABLE aanvragen (
	aanvraag_id text PRIMARY KEY,
	betrokkene  text,
	zaaktype    text,
	afwijzing   jsonb,
	ontvangen_op timestamptz NOT NULL DEFAULT now()
);

-- The delivery queue. One row per message (merged updates included); its id
-- is the stable id every channel gets.
CREATE TABLE berichten (
	id              uuid PRIMARY KEY,
	sleutel         text NOT NULL,
	betrokkene      text NOT NULL,
	zaak            uuid,
	identificatie   text,
	aanvraag_id     text,
	aanleiding      text NOT NULL,
	kanaal          text NOT NULL CHECK (kanaal IN ('email', 'sms', 'webhook')),
	abonnement      text,
	onderwerp       text NOT NULL,
	tekst           text NOT NULL,
	actie_vereist   boolean NOT NULL DEFAULT false,
	status          text NOT NULL DEFAULT 'wacht'
	                CHECK (status IN ('wacht', 'bezig', 'verstuurd', 'mislukt')),
	pogingen        int NOT NULL DEFAULT 0,
	gepland_op      timestamptz NOT NULL, -- first moment allowed (the merge window)
	volgende_poging timestamptz NOT NULL,
	samengevoegd    int NOT NULL DEFAULT 0,
	aangemaakt_op   timestamptz NOT NULL DEFAULT now(),
	verstuurd_op    timestamptz,
	foutcode        text,
	fout            text
);
CREATE INDEX berichten_te_doen ON berichten (volgende_poging) WHERE status = 'wacht';
CREATE INDEX berichten_per_zaak ON berichten (betrokkene, zaak, gepland_op) WHERE kanaal <> 'webhook';

-- Every trigger's key and the message that carries it: a trigger seen again
-- (a redelivered event, a replay) finds its key and makes nothing.
CREATE TABLE sleutels (
	sleutel text PRIMARY KEY,
	bericht uuid NOT NULL
);

-- bericht_plaatsen, which places one message, is in 002_samenvoegen.sql.
