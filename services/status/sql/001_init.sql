-- The status daemon's read model: the state of every zaak, its timeline, and
-- what the Track & Trace API serves. Filled from ZaakGeregistreerd (intake) and
-- from the opdrachten of afhandelcomponenten, never written by anything else.

-- Every version of every zaaktype seen on the catalogus topic (common/catalogus_pg.c).
CREATE TABLE zaaktypen (
    identificatie     text NOT NULL,
    begin_geldigheid  date NOT NULL,
    versiedatum       date NOT NULL,
    doc               jsonb NOT NULL,
    PRIMARY KEY (identificatie, begin_geldigheid)
);

-- One row per zaak: the state the rules work on and the summary a list shows.
-- volgorde orders "newest first" and is the cursor of paginated lists.
CREATE TABLE zaken (
    uuid                            uuid PRIMARY KEY,
    volgorde                        bigserial NOT NULL UNIQUE,
    identificatie                   text NOT NULL UNIQUE,
    zaaktype                        text NOT NULL,
    zaaktype_omschrijving           text NOT NULL,
    omschrijving                    text,
    startdatum                      date NOT NULL,
    registratiedatum                date NOT NULL,
    vertrouwelijkheidaanduiding     text NOT NULL,
    tonen_aan_initiator             boolean NOT NULL,
    afdeling                        text,
    behandelaar                     text,               -- medewerker of the last opdracht
    status                          int NOT NULL,       -- volgnummer of the current status
    status_omschrijving             text NOT NULL,
    status_sinds                    timestamptz NOT NULL,
    stap                            int NOT NULL,
    aantal_stappen                  int NOT NULL,
    einddatum_gepland               date,               -- as it now stands (servicenorm)
    uiterlijke_einddatum_afdoening  date NOT NULL,      -- as it now stands (legal term)
    opgeschort                      boolean NOT NULL DEFAULT false,
    opgeschort_sinds                date,
    verlengd                        boolean NOT NULL DEFAULT false,
    heropend                        boolean NOT NULL DEFAULT false,
    resultaat                       text,
    einddatum                       date,               -- set when closed
    archiefnominatie                text,
    archiefactiedatum               date,
    aantal_besluiten                int NOT NULL DEFAULT 0,
    bsns                            text[] NOT NULL DEFAULT '{}', -- initiator and gemachtigden: "slager keurt eigen vlees"
    registratie                     jsonb NOT NULL,     -- the complete ZaakGeregistreerd (rollen, eigenschappen, route)
    bijgewerkt                      timestamptz NOT NULL DEFAULT now()
);

-- Who a zaak is about, for "all zaken of this betrokkene": the residents
-- (BSN), businesses (KvK) and vestigingen involved, as initiator or as
-- gemachtigde. volgorde is copied from zaken so that the list of one
-- betrokkene, newest first, is one index range scan.
CREATE TABLE betrokkenen (
    soort      text NOT NULL CHECK (soort IN ('bsn', 'kvk', 'vestiging')),
    nummer     text NOT NULL,
    volgorde   bigint NOT NULL,
    zaak       uuid NOT NULL REFERENCES zaken (uuid) ON DELETE CASCADE,
    rol        text NOT NULL,                           -- initiator, gemachtigde, ...
    PRIMARY KEY (soort, nummer, volgorde, rol)
);
CREATE INDEX betrokkenen_zaak ON betrokkenen (zaak);

-- Everything that happened to a zaak, in order: the registration and every
-- fact emitted since (StatusGezet, ZaakOpgeschort, BesluitGenomen, ...), as
-- the event's plain JSON. The status history is the StatusGezet rows.
CREATE TABLE tijdlijn (
    zaak        uuid NOT NULL REFERENCES zaken (uuid) ON DELETE CASCADE,
    volgnr      bigserial NOT NULL,
    soort       text NOT NULL,
    tijdstip    timestamptz NOT NULL,
    opdracht_id text,
    feit        jsonb NOT NULL,
    PRIMARY KEY (zaak, volgnr)
);

-- Opdrachten decided: the idempotency key. A repeat gets the stored outcome
-- again, with the same event id.
CREATE TABLE opdrachten (
    opdracht_id     text PRIMARY KEY,
    zaak            text NOT NULL,
    soort           text NOT NULL,
    uitkomst        text NOT NULL CHECK (uitkomst IN ('uitgevoerd', 'geweigerd')),
    uitkomst_event  jsonb NOT NULL,
    ontvangen_op    timestamptz NOT NULL DEFAULT now()
);

-- Opdrachten for a zaak not yet seen: its ZaakGeregistreerd may still be on
-- its way. Applied in arrival order when it comes; refused (zaak.onbekend)
-- after ZS_STATUS_WACHT_S.
CREATE TABLE wachtende_opdrachten (
    id           bigserial PRIMARY KEY,
    zaak         uuid NOT NULL,
    opdracht_id  text NOT NULL,
    record       text NOT NULL,
    data         jsonb NOT NULL,
    traceparent  text,
    ontvangen_op timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wachtende_opdrachten_zaak ON wachtende_opdrachten (zaak);
CREATE INDEX wachtende_opdrachten_ontvangen ON wachtende_opdrachten (ontvangen_op);

-- Deadline watch without scanning every zaak: one row per (zaak, deadline,
-- phase) still to come, due on `wanneer`; rewritten on every change of the
-- zaak's deadlines, gone while it is suspended or closed.
CREATE TABLE termijn_taken (
    zaak      uuid NOT NULL REFERENCES zaken (uuid) ON DELETE CASCADE,
    termijn   text NOT NULL,
    fase      text NOT NULL,
    deadline  date NOT NULL,
    wanneer   date NOT NULL,
    PRIMARY KEY (zaak, termijn, fase)
);
CREATE INDEX termijn_taken_wanneer ON termijn_taken (wanneer);

-- What was announced, so that each (zaak, deadline, phase) is announced once,
-- across restarts; a deadline that moves is a new deadline and is announced again.
CREATE TABLE termijn_gemeld (
    zaak      uuid NOT NULL,
    termijn   text NOT NULL,
    fase      text NOT NULL,
    deadline  date NOT NULL,
    gemeld_op timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (zaak, termijn, fase, deadline)
);
