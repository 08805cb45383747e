-- The Logboek Dataverwerkingen of each betrokkene as the overview needs it
-- (zaakstroom.dataverwerkingen, written by zs-audit: one Dataverwerking per
-- processing act per betrokkene): per person and processing activity how
-- many acts, the first and the last. One row per person and activity, not
-- per act: a person's section is one range scan of the primary key, and
-- the register grows with the activities a person met, not with every
-- page view of theirs.
CREATE TABLE verwerkingen (
    betrokkene  text NOT NULL,              -- pseudonym (dataSubjectId)
    activiteit  text NOT NULL,              -- processingActivityId
    aantal      bigint NOT NULL,
    eerste      timestamptz NOT NULL,       -- startTime of the first act
    laatste     timestamptz NOT NULL,       -- startTime of the last act
    PRIMARY KEY (betrokkene, activiteit)
);

-- The ce_ids of the Dataverwerkingen counted, so that one sent again is not
-- counted twice. Only the last ZS_INZAGE_LOGBOEK_VENSTER offsets of each
-- partition are kept (pruned by positie): a repeat comes from zs-audit's
-- relay sending again what it had not seen acknowledged before a crash,
-- and follows the original on its partition within that backlog
-- (services/inzage/README.md).
CREATE TABLE verwerkingen_gezien (
    ce_id       uuid PRIMARY KEY,
    partitie    integer NOT NULL,
    positie     bigint NOT NULL             -- offset on its partition
);
CREATE INDEX verwerkingen_gezien_positie ON verwerkingen_gezien (partitie, positie);
