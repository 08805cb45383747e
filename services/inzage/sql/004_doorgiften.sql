-- Events of a zaak that zs-notificatie passed on to a webhook subscriber
-- (GebeurtenisDoorgegeven on zaakstroom.berichten): the subscribers that
-- actually received a person's zaak's events, for their overview and the
-- art. 15 report. A subscriber gets no personal data, but it learns what
-- happens in the person's zaak: a recipient.

-- Each delivery as it came, per zaak: a delivery can be read before its
-- zaak's registration (two topics), and is then passed to the zaak's
-- betrokkenen when the registration comes.
CREATE TABLE doorgegeven (
    bericht_id     text PRIMARY KEY,
    zaak           uuid NOT NULL,
    identificatie  text NOT NULL,
    abonnement     text NOT NULL,          -- the subscription's id
    origin         text NOT NULL,          -- scheme://host[:port] of its URL, nothing more
    aanleiding     text NOT NULL,
    doorgegeven_op timestamptz NOT NULL
);
CREATE INDEX doorgegeven_zaak ON doorgegeven (zaak);

-- The same per betrokkene of the zaak, keyed by pseudonym like the rest of
-- the register: one row per person and delivery.
CREATE TABLE doorgiften (
    betrokkene     text NOT NULL,          -- pseudonym
    bericht_id     text NOT NULL,
    zaak           uuid NOT NULL,
    identificatie  text NOT NULL,
    abonnement     text NOT NULL,
    origin         text NOT NULL,
    aanleiding     text NOT NULL,
    doorgegeven_op timestamptz NOT NULL,
    PRIMARY KEY (betrokkene, bericht_id)
);
