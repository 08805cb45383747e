-- Places one message: nothing when its key is known; merged into the
-- message for the same resident and zaak that waits in the window; else
-- queued, no earlier than one window after the previous one. A merged
-- message is about what happened last: its aanleiding follows its subject
-- (the newest), so BerichtVerstuurd and the timeline name the latest update.
-- (Until 002 this lived in 001 without that; CREATE OR REPLACE brings a
-- database migrated then up to date.)
CREATE OR REPLACE FUNCTION bericht_plaatsen(p_id uuid, p_sleutel text, p_betrokkene text, p_zaak uuid,
                                            p_identificatie text, p_aanvraag text, p_aanleiding text,
                                            p_kanaal text, p_abonnement text, p_onderwerp text,
                                            p_tekst text, p_actie boolean, p_venster_ms bigint)
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
			UPDATE berichten SET onderwerp = p_onderwerp, aanleiding = p_aanleiding,
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
