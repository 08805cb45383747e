-- Topics are ordered each on their own: an opdracht or status on a zaak can
-- reach zs-audit before the zaak's registration does. Its Dataverwerkingen
-- wait here (the event as zs-audit read it) until the registration names the
-- zaak's betrokkenen; its audit entry does not wait.
CREATE TABLE wachtend (
    bron_sleutel  text PRIMARY KEY,
    zaak          text NOT NULL,
    bron          jsonb NOT NULL,
    sinds         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wachtend_zaak ON wachtend (zaak);

GRANT SELECT, INSERT, DELETE ON wachtend TO zaakstroom_audit;
