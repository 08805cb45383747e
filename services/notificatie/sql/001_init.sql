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

-- Places one message: nothing when its key is known; merged into the
-- message for the same resident and zaak that waits in the window; else
-- queued, no earlier than one window after the previous one.
CREATE FUNCTION bericht_plaatsen(p_id uuid, p_sleutel text, p_betrokkene text, p_zaak uuid,
                                 p_identificatie text, p_aanvraag text, p_aanleiding text,
                                 p_kanaal text, p_abonnement text, p_onderwerp text, p_tekst text,
                                 p_actie boolean, p_venster_ms bigint)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	wachtend uuid;
	laatste timestamptz;
	gepland timestamptz := now();
BEGIN
	INSERT INTO sleutels (sleutel, bericht) VALUES (p_sleutel, p_id) ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		RETURN 'herhaald';
	END IF;
	IF p_kanaal <> 'webhook' AND p_zaak IS NOT NULL THEN
		SELECT id INTO wachtend FROM berichten
		 WHERE betrokkene = p_betrokkene AND zaak = p_zaak AND kanaal <> 'webhook'
		   AND status = 'wacht' AND pogingen = 0 AND gepland_op > now()
		   AND length(tekst) + length(p_tekst) < 16000
		 ORDER BY gepland_op DESC LIMIT 1 FOR UPDATE;
		IF FOUND THEN
			UPDATE berichten SET onderwerp = p_onderwerp,
			       tekst = tekst || E'\n\n---\n\n' || p_tekst,
			       samengevoegd = samengevoegd + 1,
			       actie_vereist = actie_vereist OR p_actie
			 WHERE id = wachtend;
			UPDATE sleutels SET bericht = wachtend WHERE sleutel = p_sleutel;
			RETURN 'samengevoegd';
		END IF;
		SELECT max(gepland_op) INTO laatste FROM berichten
		 WHERE betrokkene = p_betrokkene AND zaak = p_zaak AND kanaal <> 'webhook';
		IF laatste IS NOT NULL THEN
			gepland := greatest(now(), laatste + p_venster_ms * interval '1 millisecond');
		END IF;
	END IF;
	INSERT INTO berichten (id, sleutel, betrokkene, zaak, identificatie, aanvraag_id, aanleiding,
	                       kanaal, abonnement, onderwerp, tekst, actie_vereist, gepland_op,
	                       volgende_poging)
	VALUES (p_id, p_sleutel, p_betrokkene, p_zaak, p_identificatie, p_aanvraag, p_aanleiding,
	        p_kanaal, p_abonnement, p_onderwerp, p_tekst, p_actie, gepland, gepland);
	RETURN 'nieuw';
END $$;
