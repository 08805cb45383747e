-- Measured under load (bench/status_bench.py), changed without losing data.

-- The BSNs of a batch's zaken ("slager keurt eigen vlees"), one index range
-- per zaak: with an index on zaak alone the planner ANDed it with the primary
-- key over every BSN there is.
DROP INDEX betrokkenen_zaak;
CREATE INDEX betrokkenen_zaak ON betrokkenen (zaak, soort, nummer);

-- Room on each page, so that a status change (no indexed column changes) is
-- a HOT update without index writes.
ALTER TABLE zaken SET (fillfactor = 80);

-- Stored as written and always read whole: json, not jsonb, saves the
-- conversion on every fact and outcome.
ALTER TABLE tijdlijn ALTER COLUMN feit TYPE json;
ALTER TABLE opdrachten ALTER COLUMN uitkomst_event TYPE json;
