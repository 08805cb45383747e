-- The Track & Trace API's need in the status read model: whether the zaak's
-- initiator is a shielded person (BRP geheimhouding, from the initiator's rol
-- in ZaakGeregistreerd v2; services/status/afscherming.c sets it in the batch
-- that registers the zaak). The autorisatiematrix's afscherming hides such a
-- zaak from everyone it does not name: not listed, and 404 when asked for.
-- Zaken registered before v2 carried the flag count as not shielded.
ALTER TABLE zaken ADD COLUMN afgeschermd boolean NOT NULL DEFAULT false;
