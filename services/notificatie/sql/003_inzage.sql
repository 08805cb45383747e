-- Requests under the AVG (inzage, rectificatie, ...): whom to tell when one
-- is received, extended or answered. The inzage events name the betrokkene
-- by pseudonym only; the address comes from voorkeuren like any other.
CREATE TABLE verzoeken (
	verzoek_id text PRIMARY KEY,
	betrokkene text NOT NULL
);
ALTER TABLE berichten ADD COLUMN verzoek_id text;
