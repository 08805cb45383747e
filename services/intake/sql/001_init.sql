-- intake's read model. Data minimisation: intake keeps what it needs to be
-- idempotent and to answer "what happened to my aanvraag" — no BSN, no
-- eigenschappen. The complete zaak travels on as ZaakGeregistreerd.

-- Every version of every zaaktype seen on the catalogus topic.
CREATE TABLE zaaktypen (
    identificatie     text NOT NULL,
    begin_geldigheid  date NOT NULL,
    versiedatum       date NOT NULL,
    doc               jsonb NOT NULL,          -- the ZaaktypeGepubliceerd, plain JSON
    ontvangen_op      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (identificatie, begin_geldigheid)
);

-- One row per aanvraag id: the idempotency key. A resubmission finds its
-- row and gets the same outcome (same event, same ce_id) again.
CREATE TABLE aanvragen (
    aanvraag_id       text PRIMARY KEY,
    uitkomst          text NOT NULL CHECK (uitkomst IN ('geaccepteerd', 'afgewezen')),
    zaak_uuid         uuid,
    identificatie     text,
    zaaktype          text,
    uitkomst_event    jsonb NOT NULL,          -- AanvraagGeaccepteerd / AanvraagAfgewezen, plain JSON
    uitkomst_ce_id    uuid NOT NULL,
    trace_id          text,
    ontvangen_op      timestamptz NOT NULL DEFAULT now(),
    herhaald          int NOT NULL DEFAULT 0   -- resubmissions seen
);

CREATE TABLE zaken (
    uuid                           uuid PRIMARY KEY,
    identificatie                  text NOT NULL UNIQUE,
    aanvraag_id                    text NOT NULL UNIQUE REFERENCES aanvragen (aanvraag_id),
    zaaktype                       text NOT NULL,
    zaaktype_versiedatum           date NOT NULL,
    startdatum                     date NOT NULL,
    registratiedatum               date NOT NULL,
    einddatum_gepland              date,
    uiterlijke_einddatum_afdoening date NOT NULL,
    vertrouwelijkheidaanduiding    text NOT NULL,
    geregistreerd_op               timestamptz NOT NULL DEFAULT now()
);

-- ZAAK-<jaar>-<volgnummer>: one sequence per year, created when first needed.
-- Sequences may leave gaps after a rollback; identificaties stay unique.
CREATE FUNCTION volgende_zaaknummers(jaar int, aantal int) RETURNS SETOF bigint
LANGUAGE plpgsql AS $$
BEGIN
    IF jaar < 1 OR jaar > 9999 THEN
        RAISE EXCEPTION 'jaar % buiten bereik', jaar;
    END IF;
    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS zaak_volgnummer_%s', jaar);
    RETURN QUERY EXECUTE format('SELECT nextval(%L) FROM generate_series(1, $1)',
                                'zaak_volgnummer_' || jaar) USING aantal;
END $$;
