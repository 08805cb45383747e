-- The per-year sequence is looked up (a cached catalog probe), and created
-- only the first time a year is seen: 001 ran CREATE SEQUENCE IF NOT EXISTS
-- through EXECUTE on every batch, which cost more than the inserts it served.
CREATE OR REPLACE FUNCTION volgende_zaaknummers(jaar int, aantal int) RETURNS SETOF bigint
LANGUAGE plpgsql AS $$
DECLARE
    seq regclass;
BEGIN
    IF jaar < 1 OR jaar > 9999 THEN
        RAISE EXCEPTION 'jaar % buiten bereik', jaar;
    END IF;
    seq := to_regclass('zaak_volgnummer_' || jaar);
    IF seq IS NULL THEN
        EXECUTE format('CREATE SEQUENCE IF NOT EXISTS zaak_volgnummer_%s', jaar);
        seq := to_regclass('zaak_volgnummer_' || jaar);
    END IF;
    RETURN QUERY SELECT nextval(seq) FROM generate_series(1, aantal);
END $$;
