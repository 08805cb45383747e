-- The Logboek Dataverwerkingen: one row per processing act per betrokkene
-- (a pseudonym), queryable per betrokkene. Unlike the audit log this is a
-- read model: the tamper-evident record of the same events is in regels.

CREATE TABLE dataverwerkingen (
    id             bigserial PRIMARY KEY,
    pseudoniem     text NOT NULL,
    bron_sleutel   text NOT NULL,               -- the source event, as in regels
    naam           text NOT NULL,
    tijd           timestamptz NOT NULL,
    activiteit     text NOT NULL,
    doc            jsonb NOT NULL,              -- the Dataverwerking, plain JSON
    UNIQUE (bron_sleutel, pseudoniem)
);
CREATE INDEX dataverwerkingen_per_betrokkene ON dataverwerkingen (pseudoniem, id);

-- Who a zaak concerns, from its registration: what happens to the zaak
-- later (a status, a bericht) is a processing for each of them.
CREATE TABLE zaak_betrokkenen (
    zaak        text NOT NULL,
    pseudoniem  text NOT NULL,
    type        text NOT NULL,
    activiteit  text,
    PRIMARY KEY (zaak, pseudoniem)
);

-- The verwerkingsactiviteit of every zaaktype version on the catalogus.
CREATE TABLE zaaktype_activiteiten (
    identificatie     text NOT NULL,
    begin_geldigheid  text NOT NULL,
    activiteit        text,
    doc               jsonb NOT NULL,           -- the verwerkingsactiviteit as published
    PRIMARY KEY (identificatie, begin_geldigheid)
);

GRANT SELECT, INSERT, UPDATE ON dataverwerkingen, zaak_betrokkenen, zaaktype_activiteiten
    TO zaakstroom_audit;
GRANT USAGE ON SEQUENCE dataverwerkingen_id_seq TO zaakstroom_audit;
