-- The inzage daemon's read model (schema "inzage"): per betrokkene, keyed by
-- pseudonym (HMAC-SHA-256 of type and number with ZS_PSEUDONIEM_SLEUTEL),
-- never by BSN: the zaken they are betrokkene in and the data held in them,
-- the messages sent to them, who looked at their data, and their requests
-- under the AVG with the legal term.
--
-- Written by zs-inzage only: the register from zaakstroom.zaken,
-- zaakstroom.berichten and zaakstroom.raadplegingen (in the projector's
-- transaction, with the offsets); the requests by its API and from
-- InzageVerzoekIngediend on zaakstroom.inzage (with the outbox).

-- One row per zaak, as registered, plus the little of its life an overview
-- shows (status, closed).
CREATE TABLE zaken (
    uuid                  uuid PRIMARY KEY,
    identificatie         text NOT NULL,
    zaaktype              text NOT NULL,
    zaaktype_omschrijving text NOT NULL,
    omschrijving          text NOT NULL,
    afdeling              text NOT NULL,
    kanaal                text,
    startdatum            date NOT NULL,
    tonen_aan_initiator   boolean NOT NULL,
    verwerkingsactiviteit jsonb NOT NULL,   -- {id, naam, doel, grondslag, bewaartermijn}
    eigenschappen         jsonb NOT NULL,   -- [{naam, waarde, doel, grondslag, persoonsgegeven}]
    status                text NOT NULL,    -- omschrijving of the current status
    status_gezet_op       timestamptz NOT NULL,
    einddatum             date,
    resultaat             text
);

-- Who a zaak concerns: one row per pseudonym and role. gegevens holds what
-- the zaak records about that person besides the eigenschappen (name,
-- contact details, shielded flag), never the BSN.
CREATE TABLE betrokkenheden (
    betrokkene      text NOT NULL,          -- pseudonym
    zaak            uuid NOT NULL REFERENCES zaken (uuid),
    rol             text NOT NULL,          -- initiator, belanghebbende, ...
    machtiging      text,                   -- gemachtigde | machtiginggever | NULL
    betrokkene_type text NOT NULL,
    gegevens        jsonb NOT NULL,
    PRIMARY KEY (betrokkene, zaak, rol)
);
CREATE INDEX betrokkenheden_zaak ON betrokkenheden (zaak);

-- Messages sent (BerichtVerstuurd): to whom by pseudonym, about what, how.
CREATE TABLE berichten (
    bericht_id    text PRIMARY KEY,
    ontvanger     text NOT NULL,            -- pseudonym
    zaak          uuid,
    identificatie text,
    verzoek_id    text,
    aanleiding    text NOT NULL,
    kanaal        text NOT NULL,
    onderwerp     text NOT NULL,
    verstuurd_op  timestamptz NOT NULL
);
CREATE INDEX berichten_ontvanger ON berichten (ontvanger, verstuurd_op);

-- Access decisions on someone's data (GegevensGeraadpleegd), permit and deny.
CREATE TABLE raadplegingen (
    raadpleging_id     text PRIMARY KEY,
    betrokkene         text NOT NULL,       -- pseudonym
    tijdstip           timestamptz NOT NULL,
    actor_type         text NOT NULL,       -- inwoner, gemachtigde, medewerker, applicatie
    actor              text NOT NULL,       -- pseudonym, employee id or client id
    rol                text NOT NULL,
    actie              text NOT NULL,
    doel               text NOT NULL,
    grondslag          text,
    regel              text NOT NULL,
    besluit            text NOT NULL,       -- permit | deny
    reden              text,
    zaak_identificatie text
);
CREATE INDEX raadplegingen_betrokkene ON raadplegingen (betrokkene, tijdstip);

-- Requests under the AVG (inzage, rectificatie, ...) and their legal term.
CREATE TABLE verzoeken (
    verzoek_id          text PRIMARY KEY,
    betrokkene          text NOT NULL,      -- pseudonym
    betrokkene_type     text NOT NULL,
    recht               text NOT NULL,
    kanaal              text NOT NULL,
    vertegenwoordigd    boolean NOT NULL,
    ontvangen_op        timestamptz NOT NULL,
    ontvangen_datum     date NOT NULL,      -- Dutch date of receipt: the clock starts here
    oorspronkelijke_uiterste_datum date NOT NULL,
    uiterste_datum      date NOT NULL,      -- as it now stands
    verlengbaar_tot     date NOT NULL,
    verlengd            boolean NOT NULL DEFAULT false,
    verlenging_reden    text,
    identiteitscontrole jsonb,
    toelichting         text,
    geregistreerd_door  text,               -- employee id for letters and desk requests
    afgehandeld_op      timestamptz,
    afgehandeld_datum   date,               -- Dutch date of the answer: handling time, within term
    uitkomst            text,
    antwoord_toelichting text,
    binnen_termijn      boolean,
    behandeld_door      text,
    rapport             jsonb               -- the art. 15 report as answered
);
CREATE INDEX verzoeken_betrokkene ON verzoeken (betrokkene, ontvangen_op);
CREATE INDEX verzoeken_open ON verzoeken (uiterste_datum) WHERE afgehandeld_op IS NULL;

-- Deadline warnings already given: once per request, phase and deadline,
-- across restarts (the deadline watch inserts here before it emits).
CREATE TABLE bewaking_gemeld (
    verzoek_id text NOT NULL,
    fase       text NOT NULL,               -- nadert-7, nadert-1, overschreden
    datum      date NOT NULL,               -- the deadline concerned
    gemeld_op  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (verzoek_id, fase, datum)
);
