-- The audit log: append-only, one row per source event, each a leaf of the
-- RFC 9162 Merkle tree in volgnummer order.

CREATE TABLE regels (
    volgnummer     bigint PRIMARY KEY CHECK (volgnummer >= 0),
    bron_sleutel   text NOT NULL UNIQUE,    -- "<topic> <eventId>": one entry per source event
    bron_topic     text NOT NULL,
    bron_partitie  int NOT NULL,
    bron_offset    bigint NOT NULL,
    event_type     text NOT NULL,
    hoofd_object   text NOT NULL,
    aanmaakdatum   timestamptz NOT NULL,
    -- The leaf: the AuditRegel's Avro datum up to (without) bladHash, as it
    -- went out on zaakstroom.audit. The leaf hash is SHA-256(0x00 || inhoud).
    inhoud         bytea NOT NULL,
    blad_hash      bytea NOT NULL CHECK (length(blad_hash) = 32)
);
CREATE INDEX regels_hoofd_object ON regels (hoofd_object, volgnummer);

-- Hashes of complete subtrees at levels 4, 8, 12, ... (level 0 is regels.blad_hash):
-- any node of the tree is at most 8 stored hashes away, so a proof at
-- 10,000,000 entries reads a few dozen rows in one statement, while
-- appending writes one row per 15 entries.
CREATE TABLE knopen (
    niveau  smallint NOT NULL CHECK (niveau > 0 AND niveau % 4 = 0),
    idx     bigint NOT NULL,
    hash    bytea NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (niveau, idx)
);

-- Signed tree heads, one per batch.
CREATE TABLE boomhoofden (
    boomgrootte   bigint PRIMARY KEY,
    wortel_hash   bytea NOT NULL CHECK (length(wortel_hash) = 32),
    getekend_op   bigint NOT NULL,           -- ms since the epoch, as signed
    sleutel_id    text NOT NULL,
    handtekening  bytea NOT NULL CHECK (length(handtekening) = 64)
);

-- Append-only for everyone short of a superuser: a role that was granted
-- UPDATE or DELETE by mistake still cannot rewrite history. (A superuser can
-- drop the trigger; the signed heads and zs audit verify catch that.)
CREATE FUNCTION alleen_toevoegen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'audit log is append-only'
            USING DETAIL = format('%s on %s refused.', TG_OP, TG_TABLE_NAME),
                  HINT = 'Entries are never changed or removed; retention is done by zs-audit.',
                  ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER regels_alleen_toevoegen BEFORE UPDATE OR DELETE ON regels
    FOR EACH ROW EXECUTE FUNCTION alleen_toevoegen();
CREATE TRIGGER regels_niet_legen BEFORE TRUNCATE ON regels
    FOR EACH STATEMENT EXECUTE FUNCTION alleen_toevoegen();
CREATE TRIGGER knopen_alleen_toevoegen BEFORE UPDATE OR DELETE ON knopen
    FOR EACH ROW EXECUTE FUNCTION alleen_toevoegen();
CREATE TRIGGER knopen_niet_legen BEFORE TRUNCATE ON knopen
    FOR EACH STATEMENT EXECUTE FUNCTION alleen_toevoegen();
CREATE TRIGGER boomhoofden_alleen_toevoegen BEFORE UPDATE OR DELETE ON boomhoofden
    FOR EACH ROW EXECUTE FUNCTION alleen_toevoegen();
CREATE TRIGGER boomhoofden_niet_legen BEFORE TRUNCATE ON boomhoofden
    FOR EACH STATEMENT EXECUTE FUNCTION alleen_toevoegen();

-- The role zs-audit runs as in production: it reads and appends to the log;
-- only its own runtime tables (offsets, outbox) it may change.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'zaakstroom_audit') THEN
        CREATE ROLE zaakstroom_audit NOLOGIN;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO zaakstroom_audit', current_schema());
END $$;
GRANT SELECT, INSERT ON regels, knopen, boomhoofden TO zaakstroom_audit;
GRANT SELECT, INSERT, UPDATE, DELETE ON consumer_offsets, outbox TO zaakstroom_audit;
GRANT USAGE ON SEQUENCE outbox_id_seq TO zaakstroom_audit;
