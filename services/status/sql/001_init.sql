-- The status daemon's read model (schema "status"): the state of every zaak,
-- its full history, its deadlines, and who it concerns. Written only by
-- zs-status, from ZaakGeregistreerd (intake), the opdrachten of
-- afhandelcomponenten and the deadline watch; the Track & Trace API reads it.
--
-- What the API needs, and where it is:
--   GET /api/v1/zaken (the zaken of a betrokkene, newest first, cursor):
--       betrokkenen (soort, nummer, volgorde DESC) → zaken by uuid; the cursor
--       is volgorde (strictly decreasing, never reused).
--   GET /api/v1/zaken/{identificatie} (one zaak and its timeline):
--       zaken (identificatie) → statussen, opschortingen, verlengingen,
--       resultaten, besluiten, eigenschappen by zaak; tijdlijn by (zaak, id)
--       holds every fact in the order it happened; the route (statustypen,
--       what comes next) is the zaaktype version in zaaktypen
--       (zaaktype, zaaktype_begin_geldigheid).
-- Times are timestamptz; dates are Dutch calendar dates.

-- Every version of every zaaktype seen on the catalogus topic
-- (common/catalogus_pg.c): the rules judge each zaak against its own version.
CREATE TABLE zaaktypen (
    identificatie     text NOT NULL,
    begin_geldigheid  date NOT NULL,
    versiedatum       date NOT NULL,
    doc               jsonb NOT NULL,            -- the ZaaktypeGepubliceerd, plain JSON
    PRIMARY KEY (identificatie, begin_geldigheid)
);

-- One row per zaak: its current state and the summary a list shows.
CREATE TABLE zaken (
    uuid                           uuid PRIMARY KEY,
    volgorde                       bigserial NOT NULL UNIQUE, -- registration order: "newest first", list cursor
    identificatie                  text NOT NULL,
    bronorganisatie                text NOT NULL,
    zaaktype                       text NOT NULL,             -- identificatie
    zaaktype_versiedatum           date NOT NULL,
    zaaktype_begin_geldigheid      date,                      -- the version judged against; NULL until known
    zaaktype_omschrijving          text NOT NULL,
    omschrijving                   text NOT NULL,
    aanvraag_id                    text,
    kanaal                         text,
    registratiedatum               date NOT NULL,
    startdatum                     date NOT NULL,
    vertrouwelijkheidaanduiding    text NOT NULL,
    tonen_aan_initiator            boolean NOT NULL,          -- residents may see zaken of this type
    afdeling                       text NOT NULL,             -- the department that handles it
    behandelaar                    text,                      -- medewerkerIdentificatie of the last opdracht carried out
    status                         int NOT NULL,              -- volgnummer of the current status
    status_omschrijving            text NOT NULL,
    status_gezet_op                timestamptz NOT NULL,
    stap                           int NOT NULL,              -- step k ...
    aantal_stappen                 int NOT NULL,              -- ... of n
    einddatum_gepland              date,                      -- the promise (servicenorm), as it now stands
    uiterlijke_einddatum_afdoening date NOT NULL,             -- the legal term, as it now stands
    oorspronkelijke_einddatum_gepland date,                   -- both as registered
    oorspronkelijke_uiterlijke_einddatum date NOT NULL,
    opgeschort_sinds               date,                      -- NULL: the clock runs
    verlengd                       boolean NOT NULL DEFAULT false,
    heropend                       boolean NOT NULL DEFAULT false, -- reopened, no status set since
    resultaat                      text,                      -- resultaattype omschrijving
    einddatum                      date,                      -- set when closed
    archiefnominatie               text,
    archiefactiedatum              date,
    aantal_besluiten               int NOT NULL DEFAULT 0,
    aantal_opschortingen           int NOT NULL DEFAULT 0,
    bijgewerkt_op                  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX zaken_identificatie ON zaken (identificatie);

-- Who a zaak concerns, for "all zaken of this betrokkene": one row per
-- identifier (BSN, KvK number, vestigingsnummer) and role (initiator,
-- gemachtigde, belanghebbende, ...). volgorde is the zaak's, so that the list
-- of one betrokkene, newest first, is one index range scan. The BSNs here are
-- also what "slager keurt eigen vlees" compares an opdracht's actor with.
CREATE TABLE betrokkenen (
    soort       text NOT NULL CHECK (soort IN ('bsn', 'kvk', 'vestiging')),
    nummer      text NOT NULL,
    volgorde    bigint NOT NULL,
    rol         text NOT NULL,                     -- 'gemachtigde', or the RolOmschrijving
    betrokkene_type text NOT NULL,                 -- natuurlijk_persoon, niet_natuurlijk_persoon, vestiging
    zaak        uuid NOT NULL REFERENCES zaken (uuid) ON DELETE CASCADE,
    PRIMARY KEY (soort, nummer, volgorde, rol)
);
CREATE INDEX betrokkenen_zaak ON betrokkenen (zaak);

-- The data the zaak was registered with, each with why it is kept (AVG:
-- "door inzicht minder inzage").
CREATE TABLE eigenschappen (
    zaak            uuid NOT NULL REFERENCES zaken (uuid) ON DELETE CASCADE,
    naam            text NOT NULL,
    waarde          text NOT NULL,
    doel            text NOT NULL,
    grondslag       text NOT NULL,
    persoonsgegeven boolean NOT NULL,
    PRIMARY KEY (zaak, naam)
);

-- The status history, oldest first (id), the first status included.
CREATE TABLE statussen (
    id                  bigserial PRIMARY KEY,
    zaak                uuid NOT NULL REFERENCES zaken (uuid) ON DELETE CASCADE,
    volgnummer          int NOT NULL,
    omschrijving        text NOT NULL,
    statustekst         text NOT NULL,             -- plain Dutch for the resident
    informeren          boolean NOT NULL,
    tonen_aan_initiator boolean NOT NULL,
    is_eindstatus       boolean NOT NULL,
    stap                int NOT NULL,
    aantal_stappen      int NOT NULL,
    gezet_op            timestamptz NOT NULL,
    vorige_volgnummer   int,
    toelichting         text,                      -- statustoelichting for the resident
    terugzetten_reden   text,                      -- when it went back
    opdracht_id         text,                      -- NULL for the first status
    medewerker          text
);
CREATE INDEX statussen_zaak ON statussen (zaak, id);

-- Every resultaat vastgesteld (a later one replaces the earlier; the current
-- one is zaken.resultaat).
CREATE TABLE resultaten (
    id                   bigserial PRIMARY KEY,
    zaak                 uuid NOT NULL REFERENCES zaken (uuid) ON DELETE CASCADE,
    resultaat            text NOT NULL,
    omschrijving_generiek text,
    archiefnominatie     text NOT NULL,
    archiefactietermijn  text NOT NULL,
    toelichting          text,
    vastgesteld_op       timestamptz NOT NULL,
    opdracht_id          text NOT NULL
);
CREATE INDEX resultaten_zaak ON resultaten (zaak, id);

-- Suspension periods: per (from the opschorting) and tot (from the
-- hervatting; NULL while it lasts), dagen = how far both deadlines moved.
CREATE TABLE opschortingen (
    zaak               uuid NOT NULL REFERENCES zaken (uuid) ON DELETE CASCADE,
    nr                 int NOT NULL,
    reden              text NOT NULL,
    per                date NOT NULL,
    opdracht_id        text NOT NULL,
    tot                date,
    dagen              int,
    hervat_opdracht_id text,
    hervat_toelichting text,
    PRIMARY KEY (zaak, nr)
);

CREATE TABLE verlengingen (
    id          bigserial PRIMARY KEY,
    zaak        uuid NOT NULL REFERENCES zaken (uuid) ON DELETE CASCADE,
    reden       text NOT NULL,
    duur        text NOT NULL,                     -- as given (ISO-8601)
    dagen       int NOT NULL,                      -- how far both deadlines moved
    verlengd_op timestamptz NOT NULL,
    opdracht_id text NOT NULL
);
CREATE INDEX verlengingen_zaak ON verlengingen (zaak);

CREATE TABLE besluiten (
    uuid                   uuid PRIMARY KEY,       -- name-based on the opdracht
    zaak                   uuid NOT NULL REFERENCES zaken (uuid) ON DELETE CASCADE,
    identificatie          text NOT NULL,
    besluittype            text NOT NULL,
    datum                  date NOT NULL,
    ingangsdatum           date NOT NULL,
    vervaldatum            date,
    uiterlijke_reactiedatum date,                  -- until when bezwaar can be made
    toelichting            text,
    genomen_op             timestamptz NOT NULL,
    opdracht_id            text NOT NULL
);
CREATE INDEX besluiten_zaak ON besluiten (zaak);

-- Everything that happened to a zaak, in order: the registration (a summary
-- without personal data) and every fact emitted since, as the event's plain
-- JSON (StatusGezet, ZaakOpgeschort, TermijnBewaking, ...).
CREATE TABLE tijdlijn (
    id          bigserial PRIMARY KEY,
    zaak        uuid NOT NULL REFERENCES zaken (uuid) ON DELETE CASCADE,
    soort       text NOT NULL,                     -- the record name
    tijdstip    timestamptz NOT NULL,
    opdracht_id text,
    feit        jsonb NOT NULL
);
CREATE INDEX tijdlijn_zaak ON tijdlijn (zaak, id);

-- Every opdracht decided, by its id (the idempotency key): a repeat gets the
-- stored outcome again, with the same event id. Also what an
-- afhandelcomponent developer looks at to see what happened to an opdracht.
CREATE TABLE opdrachten (
    opdracht_id     text PRIMARY KEY,
    zaak            text NOT NULL,                 -- as given (a refused one may not name a uuid)
    soort           text NOT NULL,                 -- the opdracht's record name
    uitkomst        text NOT NULL CHECK (uitkomst IN ('uitgevoerd', 'geweigerd')),
    uitkomst_event  jsonb NOT NULL,                -- OpdrachtUitgevoerd / OpdrachtGeweigerd, plain JSON
    uitkomst_ce_id  uuid NOT NULL,
    besloten_op     timestamptz NOT NULL DEFAULT now(),
    herhaald        int NOT NULL DEFAULT 0
);
CREATE INDEX opdrachten_zaak ON opdrachten (zaak);

-- Opdrachten for a zaak not (yet) seen, or whose zaaktype is not (yet) in
-- the catalogus: the ZaakGeregistreerd may still be on its way. Applied in
-- arrival order (id) in the transaction that brings the zaak; refused
-- (zaak.onbekend / zaaktype.onbekend) after ZS_STATUS_WACHT_S.
CREATE TABLE wachtende_opdrachten (
    id           bigserial PRIMARY KEY,
    zaak         uuid NOT NULL,
    opdracht_id  text NOT NULL UNIQUE,
    record       text NOT NULL,
    data         jsonb NOT NULL,
    traceparent  text,
    ontvangen_op timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wachtende_opdrachten_zaak ON wachtende_opdrachten (zaak);
CREATE INDEX wachtende_opdrachten_ontvangen ON wachtende_opdrachten (ontvangen_op);

-- The deadline watch without scanning every zaak: one row per (zaak,
-- deadline, phase) still to come, due on `wanneer`. Rewritten whenever the
-- zaak's deadlines change; none while it is suspended or closed. The timer
-- reads only the rows due (index on wanneer) and deletes what it handled.
CREATE TABLE termijn_taken (
    zaak      uuid NOT NULL REFERENCES zaken (uuid) ON DELETE CASCADE,
    termijn   text NOT NULL,                       -- einddatum_gepland | uiterlijke_einddatum_afdoening
    fase      text NOT NULL,                       -- nadert | overschreden
    deadline  date NOT NULL,
    wanneer   date NOT NULL,
    PRIMARY KEY (zaak, termijn, fase)
);
CREATE INDEX termijn_taken_wanneer ON termijn_taken (wanneer);

-- What was announced: each (zaak, deadline, phase) once, across restarts and
-- reschedules; a deadline that moved is another deadline and is announced
-- again.
CREATE TABLE termijn_gemeld (
    zaak      uuid NOT NULL,
    termijn   text NOT NULL,
    fase      text NOT NULL,
    deadline  date NOT NULL,
    gemeld_op timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (zaak, termijn, fase, deadline)
);
