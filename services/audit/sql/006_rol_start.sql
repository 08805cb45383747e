-- zs-audit may run as zaakstroom_audit once the owner has migrated the
-- schema: at start it reads which migrations were applied (and creates
-- nothing when all were).
GRANT SELECT ON schema_migrations TO zaakstroom_audit;
