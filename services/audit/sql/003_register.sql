-- The verwerkingsregister: each zaaktype version's entry (register.c), and
-- what the stream showed per processing activity, to hold them against
-- each other (GET /api/v1/verwerkingsregister/bevindingen).

ALTER TABLE zaaktype_activiteiten ADD COLUMN register jsonb;

CREATE TABLE gezien (
    activiteit  text NOT NULL,
    soort       text NOT NULL CHECK (soort IN ('verwerking', 'categorie', 'ontvanger')),
    waarde      text NOT NULL,             -- '' for verwerking; the category or channel
    aantal      bigint NOT NULL,
    PRIMARY KEY (activiteit, soort, waarde)
);

GRANT SELECT, INSERT, UPDATE ON gezien TO zaakstroom_audit;
