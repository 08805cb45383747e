-- Webhook subscriptions, managed through /api/v1/abonnementen (beheerder)
-- and `zs abonnement`. The file ZS_NOTIFICATIE_ABONNEMENTEN, when set, is
-- imported at start (upsert by id). filter holds "aanleidingen" and
-- "zaaktypen" as the file has them. autorisatie is the subscriber's
-- Authorization header value: a secret, never logged, never returned.
CREATE TABLE abonnementen (
	id             text PRIMARY KEY,
	url            text NOT NULL,
	vorm           text NOT NULL CHECK (vorm IN ('notificaties', 'cloudevents')),
	filter         jsonb NOT NULL DEFAULT '{}',
	autorisatie    text,
	aangemaakt_op  timestamptz NOT NULL DEFAULT now(),
	gewijzigd_op   timestamptz NOT NULL DEFAULT now()
);
