-- Retention: an expired entry's content (its leaf bytes) is removed, its leaf
-- hash stays, so every proof and signed head still holds; the removal is an
-- entry of the log itself. Only bewaartermijn_verlopen() may remove content,
-- and only that: the trigger refuses every other change as before.

ALTER TABLE regels ALTER COLUMN inhoud DROP NOT NULL;

CREATE OR REPLACE FUNCTION alleen_toevoegen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'regels'
       AND current_setting('zaakstroom.bewaren', true) = 'verlopen'
       AND OLD.inhoud IS NOT NULL AND NEW.inhoud IS NULL
       AND (NEW.volgnummer, NEW.bron_sleutel, NEW.bron_topic, NEW.bron_partitie, NEW.bron_offset,
            NEW.event_type, NEW.hoofd_object, NEW.aanmaakdatum, NEW.blad_hash)
           IS NOT DISTINCT FROM
           (OLD.volgnummer, OLD.bron_sleutel, OLD.bron_topic, OLD.bron_partitie, OLD.bron_offset,
            OLD.event_type, OLD.hoofd_object, OLD.aanmaakdatum, OLD.blad_hash) THEN
        RETURN NEW;
    END IF;
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'audit log is append-only'
            USING DETAIL = format('%s on %s refused.', TG_OP, TG_TABLE_NAME),
                  HINT = 'Entries are never changed or removed; retention is done by zs-audit.',
                  ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

-- Removes the content of at most max entries from topics ending in one of
-- topics (NULL: every topic except those ending in one of behalve) made
-- before now() - termijn; returns their volgnummers.
CREATE FUNCTION bewaartermijn_verlopen(topics text[], behalve text[], termijn interval, max int)
RETURNS SETOF bigint LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    PERFORM set_config('zaakstroom.bewaren', 'verlopen', true);
    RETURN QUERY
    UPDATE regels SET inhoud = NULL
     WHERE volgnummer IN (
        SELECT r.volgnummer FROM regels r
         WHERE r.inhoud IS NOT NULL AND r.aanmaakdatum < now() - termijn
           AND (topics IS NULL OR EXISTS (SELECT 1 FROM unnest(topics) t
                                           WHERE r.bron_topic LIKE '%' || t))
           AND NOT EXISTS (SELECT 1 FROM unnest(behalve) t WHERE r.bron_topic LIKE '%' || t)
         ORDER BY r.volgnummer LIMIT max)
    RETURNING volgnummer;
    PERFORM set_config('zaakstroom.bewaren', '', true);
END $$;
REVOKE ALL ON FUNCTION bewaartermijn_verlopen(text[], text[], interval, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bewaartermijn_verlopen(text[], text[], interval, int) TO zaakstroom_audit;
