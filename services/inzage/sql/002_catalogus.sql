-- Every version of every zaaktype seen on the catalogus topic
-- (common/zgw/catalogus_pg.c): what each eigenschap means (definitie), for
-- the person reading their data, from the version valid on the zaak's
-- startdatum.
CREATE TABLE zaaktypen (
    identificatie     text NOT NULL,
    begin_geldigheid  date NOT NULL,
    versiedatum       date NOT NULL,
    doc               jsonb NOT NULL,            -- the ZaaktypeGepubliceerd, plain JSON
    PRIMARY KEY (identificatie, begin_geldigheid)
);
