-- What the notificatie daemon told the resident about a zaak (its
-- BerichtVerstuurd events), for the timeline's berichten. The recipient is
-- not kept: the timeline is about the zaak, and the event carries only a
-- pseudonym anyway.
CREATE TABLE berichten (
	bericht_id   uuid PRIMARY KEY,
	zaak         uuid NOT NULL,
	aanleiding   text NOT NULL,
	kanaal       text NOT NULL,
	onderwerp    text NOT NULL,
	verstuurd_op timestamptz NOT NULL
);
CREATE INDEX berichten_zaak ON berichten (zaak, verstuurd_op);
