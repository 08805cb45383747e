/*
 * pg.c — PostgreSQL connection, statements, pipelines and migrations.
 */
#include "stream/pg.h"
#include "stream/copy.h"
#include "core/log.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Tables every daemon has in its own schema: where each partition was read up
 * to (written in the same transaction as the read model), and the outbox of
 * events waiting for the relay.
 */
static const char runtime_sql[] =
        "CREATE TABLE IF NOT EXISTS consumer_offsets ("
        "  groep text NOT NULL, topic text NOT NULL, partitie int NOT NULL,"
        "  volgende bigint NOT NULL, bijgewerkt timestamptz NOT NULL DEFAULT now(),"
        "  PRIMARY KEY (groep, topic, partitie));"
        "CREATE TABLE IF NOT EXISTS outbox ("
        "  id bigserial PRIMARY KEY, topic text NOT NULL, sleutel bytea, waarde bytea NOT NULL,"
        "  headers jsonb NOT NULL DEFAULT '{}', aangemaakt timestamptz NOT NULL DEFAULT now());";

/*
 * The runtime tables are machinery and take English names, as the code that
 * reads them does; a migration of its own, so that a schema made by
 * 000_runtime is renamed in place (offsets and unsent rows kept). Every
 * instance of a daemon runs the same version: an older one no longer finds
 * these columns.
 */
static const char runtime_english_sql[] =
        "ALTER TABLE consumer_offsets RENAME COLUMN groep TO group_id;"
        "ALTER TABLE consumer_offsets RENAME COLUMN partitie TO partition;"
        "ALTER TABLE consumer_offsets RENAME COLUMN volgende TO next_offset;"
        "ALTER TABLE consumer_offsets RENAME COLUMN bijgewerkt TO updated_at;"
        "ALTER TABLE outbox RENAME COLUMN sleutel TO key;"
        "ALTER TABLE outbox RENAME COLUMN waarde TO value;"
        "ALTER TABLE outbox RENAME COLUMN aangemaakt TO created_at;";

/* The migrations' own bookkeeping, created (or renamed from its first,
 * Dutch, column names) before anything reads it. Nothing is created when it
 * is there: a daemon may run as a role that may not create (zs-audit's
 * zaakstroom_audit), once its owner has migrated the schema. */
static const char migrations_table_sql[] =
        "DO $$ BEGIN"
        " IF NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        "  WHERE n.nspname = current_schema() AND c.relname = 'schema_migrations') THEN"
        "  CREATE TABLE schema_migrations (version text PRIMARY KEY,"
        "   applied_at timestamptz NOT NULL DEFAULT now());"
        " ELSIF EXISTS (SELECT 1 FROM information_schema.columns"
        "  WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
        "  AND column_name = 'versie') THEN"
        "  ALTER TABLE schema_migrations RENAME COLUMN versie TO version;"
        "  ALTER TABLE schema_migrations RENAME COLUMN toegepast_op TO applied_at;"
        " END IF; END $$";

static void
pg_set_error(struct pg *pg, const char *msg, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	snprintf(pg->last_error, sizeof(pg->last_error), "%s", msg ? msg : "unknown error");
	/* libpq messages end in a newline; the log line should not. */
	size_t n = strlen(pg->last_error);
	while (n > 0 && (pg->last_error[n - 1] == '\n' || pg->last_error[n - 1] == ' '))
		pg->last_error[--n] = '\0';
	snprintf(pg->last_sqlstate, sizeof(pg->last_sqlstate), "%s", state ? state : "");
}

bool
pg_connected(const struct pg *pg)
{
	return pg->conn && PQstatus(pg->conn) == CONNECTION_OK;
}

static bool
pg_prepare_now(struct pg *pg, const struct pg_stmt *s)
{
	PGresult *res = PQprepare(pg->conn, s->name, s->sql, s->nparams, NULL);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	if (!ok) {
		pg_set_error(pg, PQresultErrorMessage(res), res);
		zlog_at(LOG_ERROR,
		        &((struct log_ctx){
		                .partition = -1, .offset = -1, .detail = pg->last_error}),
		        "could not prepare statement %s", s->name);
	}
	PQclear(res);
	return ok;
}

static bool
pg_setup_session(struct pg *pg)
{
	char sql[512];
	char *ident, *lit;

	ident = PQescapeIdentifier(pg->conn, pg->schema, strlen(pg->schema));
	lit = ident ? PQescapeLiteral(pg->conn, pg->schema, strlen(pg->schema)) : NULL;
	if (!lit) {
		PQfreemem(ident);
		return false;
	}
	/* Created only when missing: CREATE SCHEMA IF NOT EXISTS checks the
	 * privilege first, and a daemon's restricted role has none. */
	snprintf(sql, sizeof(sql),
	         "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %s) THEN"
	         " CREATE SCHEMA %s; END IF; END $$; SET search_path TO %s, public",
	         lit, ident, ident);
	PQfreemem(lit);
	PQfreemem(ident);
	if (!pg_cmd(pg, sql))
		return false;
	for (int i = 0; i < pg->nstmts; i++)
		if (!pg_prepare_now(pg, &pg->stmts[i]))
			return false;
	return true;
}

static void
quiet_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

bool
pg_connect(struct pg *pg, const char *url, const char *schema)
{
	if (!pg->url) {
		pg->url = strdup(url);
		pg->schema = strdup(schema);
		if (!pg->url || !pg->schema) {
			zlog_error("out of memory connecting to postgresql");
			free(pg->url);
			free(pg->schema);
			pg->url = pg->schema = NULL;
			return false;
		}
	}
	pg->conn = PQconnectdb(pg->url);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		pg_set_error(pg, PQerrorMessage(pg->conn), NULL);
		zlog_at(LOG_ERROR,
		        &((struct log_ctx){
		                .partition = -1, .offset = -1, .detail = pg->last_error}),
		        "could not connect to postgresql");
		PQfinish(pg->conn);
		pg->conn = NULL;
		return false;
	}
	/* NOTICEs (CREATE ... IF NOT EXISTS) are not worth a log line. */
	PQsetNoticeProcessor(pg->conn, quiet_notice, NULL);
	if (!pg_setup_session(pg)) {
		PQfinish(pg->conn);
		pg->conn = NULL;
		return false;
	}
	return true;
}

bool
pg_reconnect(struct pg *pg)
{
	if (pg->conn)
		PQfinish(pg->conn);
	pg->conn = NULL;
	pg->pipeline_queued = 0;
	pg->pipeline_failed = false;
	if (!pg_connect(pg, pg->url, pg->schema))
		return false;
	zlog_info("reconnected to postgresql");
	return true;
}

void
pg_close(struct pg *pg)
{
	if (pg->conn)
		PQfinish(pg->conn);
	pg->conn = NULL;
	free(pg->url);
	free(pg->schema);
	pg->url = pg->schema = NULL;
}

bool
pg_prepare(struct pg *pg, const char *name, const char *sql, int nparams)
{
	if (pg->nstmts >= PG_MAX_STMTS) {
		zlog_error("too many prepared statements (max %d)", PG_MAX_STMTS);
		return false;
	}
	struct pg_stmt *s = &pg->stmts[pg->nstmts++];
	s->name = name;
	s->sql = sql;
	s->nparams = nparams;
	return pg->conn ? pg_prepare_now(pg, s) : true;
}

static PGresult *
pg_check(struct pg *pg, PGresult *res, const char *what)
{
	ExecStatusType st = PQresultStatus(res);

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	pg_set_error(pg, res ? PQresultErrorMessage(res) : PQerrorMessage(pg->conn), res);
	/* what is a prepared statement's name or the SQL itself: its start
	 * names it well enough, the rest would bury the message. */
	zlog_at(LOG_WARN,
	        &((struct log_ctx){.partition = -1, .offset = -1, .detail = pg->last_error}),
	        "statement \"%.48s%s\" failed", what, strlen(what) > 48 ? "..." : "");
	PQclear(res);
	return NULL;
}

PGresult *
pg_exec(struct pg *pg, const char *sql, int n, const char *const *vals)
{
	if (!pg->conn)
		return NULL;
	return pg_check(pg, PQexecParams(pg->conn, sql, n, NULL, vals, NULL, NULL, 0), sql);
}

PGresult *
pg_execp(struct pg *pg, const char *stmt, int n, const char *const *vals, const int *lens,
         const int *fmts)
{
	if (!pg->conn)
		return NULL;
	return pg_check(pg, PQexecPrepared(pg->conn, stmt, n, vals, lens, fmts, 0), stmt);
}

PGresult *
pg_execp_json(struct pg *pg, const char *stmt, const json_t *arg)
{
	char *text = json_dumps(arg, JSON_COMPACT | JSON_ENCODE_ANY);
	PGresult *res;

	if (!text) {
		pg_out_of_memory(pg, stmt);
		return NULL;
	}
	const char *vals[1] = {text};
	res = pg_execp(pg, stmt, 1, vals, NULL, NULL);
	free(text);
	return res;
}

bool
pg_cmd(struct pg *pg, const char *sql)
{
	PGresult *res;

	if (!pg->conn)
		return false;
	res = pg_check(pg, PQexec(pg->conn, sql), sql);
	PQclear(res);
	return res != NULL;
}

bool
pg_cmdp(struct pg *pg, const char *stmt, int n, const char *const *vals)
{
	PGresult *res = pg_execp(pg, stmt, n, vals, NULL, NULL);
	PQclear(res);
	return res != NULL;
}

bool
pg_copy(struct pg *pg, const char *sql, const struct copy_rows *rows)
{
	PGresult *res;
	bool sent;

	if (rows->failed)
		return pg_out_of_memory(pg, "rows to copy");
	if (rows->n == 0)
		return true;
	if (!pg->conn)
		return false;
	res = PQexec(pg->conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		PQclear(pg_check(pg, res, sql));
		return false;
	}
	PQclear(res);
	sent = PQputCopyData(pg->conn, rows->data, (int)rows->len) == 1;
	/* an error message ends the COPY with an error: nothing is copied */
	if (PQputCopyEnd(pg->conn, sent ? NULL : "the rows could not be sent") != 1)
		sent = false;
	/* the COPY's own result (an error when the rows were refused), then NULL */
	res = pg_check(pg, PQgetResult(pg->conn), sql);
	sent = sent && res != NULL;
	PQclear(res);
	while ((res = PQgetResult(pg->conn)) != NULL)
		PQclear(res);
	return sent;
}

bool
pg_pipeline_begin(struct pg *pg)
{
	pg->pipeline_queued = 0;
	pg->pipeline_failed = false;
	if (!pg->conn || !PQenterPipelineMode(pg->conn)) {
		pg_set_error(pg, pg->conn ? PQerrorMessage(pg->conn) : "not connected", NULL);
		return false;
	}
	return true;
}

bool
pg_pipeline_open(const struct pg *pg)
{
	return pg->conn && PQpipelineStatus(pg->conn) != PQ_PIPELINE_OFF;
}

static bool
pg_pipeline_sent(struct pg *pg, int ok)
{
	if (!ok) {
		pg_set_error(pg, PQerrorMessage(pg->conn), NULL);
		pg->pipeline_failed = true;
		return false;
	}
	pg->pipeline_queued++;
	return true;
}

bool
pg_pipeline_send(struct pg *pg, const char *stmt, int n, const char *const *vals, const int *lens,
                 const int *fmts)
{
	if (pg->pipeline_failed)
		return false;
	return pg_pipeline_sent(pg, PQsendQueryPrepared(pg->conn, stmt, n, vals, lens, fmts, 0));
}

bool
pg_pipeline_send_sql(struct pg *pg, const char *sql, int n, const char *const *vals)
{
	if (pg->pipeline_failed)
		return false;
	return pg_pipeline_sent(pg, PQsendQueryParams(pg->conn, sql, n, NULL, vals, NULL, NULL, 0));
}

bool
pg_pipeline_sync(struct pg *pg, pg_result_fn on_result, void *arg)
{
	bool ok = !pg->pipeline_failed;
	PGresult *res;

	if (!pg->conn)
		return false;
	if (!PQpipelineSync(pg->conn)) {
		pg_set_error(pg, PQerrorMessage(pg->conn), NULL);
		ok = false;
		goto out;
	}
	for (int i = 0; i < pg->pipeline_queued; i++) {
		while ((res = PQgetResult(pg->conn)) != NULL) {
			ExecStatusType st = PQresultStatus(res);
			if (st == PGRES_FATAL_ERROR) {
				if (ok)
					pg_set_error(pg, PQresultErrorMessage(res), res);
				ok = false;
			} else if (st == PGRES_PIPELINE_ABORTED) {
				ok = false;
			} else if (ok && on_result) {
				on_result(i, res, arg);
			}
			PQclear(res);
		}
		if (PQstatus(pg->conn) != CONNECTION_OK) {
			pg_set_error(pg, PQerrorMessage(pg->conn), NULL);
			ok = false;
			goto out;
		}
	}
	/* The sync marker itself. */
	res = PQgetResult(pg->conn);
	if (res && PQresultStatus(res) != PGRES_PIPELINE_SYNC)
		ok = false;
	PQclear(res);
out:
	if (pg->conn && PQstatus(pg->conn) == CONNECTION_OK && !PQexitPipelineMode(pg->conn)) {
		pg_set_error(pg, PQerrorMessage(pg->conn), NULL);
		ok = false;
	}
	pg->pipeline_queued = 0;
	pg->pipeline_failed = false;
	if (!ok)
		zlog_at(LOG_WARN,
		        &((struct log_ctx){
		                .partition = -1, .offset = -1, .detail = pg->last_error}),
		        "pipeline failed");
	return ok;
}

bool
pg_error_transient(const struct pg *pg)
{
	const char *s = pg->last_sqlstate;

	if (!pg_connected(pg) || !*s)
		return true; /* no SQLSTATE means the connection, not the data */
	return !strncmp(s, "08", 2) || !strncmp(s, "40", 2) || !strncmp(s, "53", 2) ||
	       !strncmp(s, "57", 2) || !strncmp(s, "58", 2) || !strcmp(s, "55P03");
}

bool
pg_out_of_memory(struct pg *pg, const char *what)
{
	char detail[160];

	snprintf(pg->last_error, sizeof(pg->last_error), "out of memory while building %s", what);
	snprintf(pg->last_sqlstate, sizeof(pg->last_sqlstate), "53200");
	snprintf(detail, sizeof(detail),
	         "An allocation failed while building %s; the batch is rolled back and retried.",
	         what);
	zlog_at(LOG_ERROR,
	        &((struct log_ctx){.partition = -1,
	                           .offset = -1,
	                           .detail = detail,
	                           .hint = "Give the daemon more memory, or lower ZS_BATCH_MAX."}),
	        "out of memory");
	return false;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else if (buf) {
			buf[n] = '\0';
		}
	}
	fclose(f);
	return buf;
}

static bool
migration_applied(struct pg *pg, const char *version)
{
	const char *vals[1] = {version};
	PGresult *res = pg_exec(pg, "SELECT 1 FROM schema_migrations WHERE version = $1", 1, vals);
	bool applied = res && PQntuples(res) > 0;
	PQclear(res);
	return applied;
}

static bool
apply_migration(struct pg *pg, const char *version, const char *sql)
{
	const char *vals[1] = {version};
	PGresult *res;

	if (!pg_cmd(pg, "BEGIN"))
		return false;
	if (!pg_cmd(pg, sql))
		goto fail;
	res = pg_exec(pg, "INSERT INTO schema_migrations (version) VALUES ($1)", 1, vals);
	if (!res)
		goto fail;
	PQclear(res);
	if (!pg_cmd(pg, "COMMIT"))
		goto fail;
	zlog_info("applied migration %s", version);
	return true;
fail:
	zlog_at(LOG_ERROR,
	        &((struct log_ctx){.partition = -1, .offset = -1, .detail = pg->last_error}),
	        "migration %s failed", version);
	pg_cmd(pg, "ROLLBACK");
	return false;
}

/* One migrator per schema at a time, even with several instances. */
static bool
migrations_lock(struct pg *pg, bool take)
{
	const char *vals[1] = {pg->schema};
	PGresult *res = pg_exec(pg,
	                        take ? "SELECT pg_advisory_lock(hashtext($1))"
	                             : "SELECT pg_advisory_unlock(hashtext($1))",
	                        1, vals);

	PQclear(res);
	return res != NULL;
}

bool
pg_migrate_one(struct pg *pg, const char *version, const char *sql)
{
	bool ok;

	if (!migrations_lock(pg, true))
		return false;
	ok = migration_applied(pg, version) || apply_migration(pg, version, sql);
	migrations_lock(pg, false);
	return ok;
}

bool
pg_migrate(struct pg *pg, const char *dir)
{
	char *names[256];
	int n = 0;
	bool ok = false;
	DIR *d = NULL;
	struct dirent *de;

	if (!migrations_lock(pg, true))
		return false;

	if (!pg_cmd(pg, migrations_table_sql))
		goto out;
	if (!migration_applied(pg, "000_runtime") &&
	    !apply_migration(pg, "000_runtime", runtime_sql))
		goto out;
	if (!migration_applied(pg, "000_runtime_english") &&
	    !apply_migration(pg, "000_runtime_english", runtime_english_sql))
		goto out;

	if (dir && (d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL && n < 256) {
			size_t len = strlen(de->d_name);
			if (len > 4 && !strcmp(de->d_name + len - 4, ".sql") &&
			    !(names[n++] = strdup(de->d_name))) {
				zlog_error("out of memory listing migrations in %s", dir);
				n--;
				closedir(d);
				goto out;
			}
		}
		closedir(d);
	} else if (dir) {
		zlog_at(LOG_ERROR,
		        &((struct log_ctx){
		                .partition = -1, .offset = -1, .detail = strerror(errno)}),
		        "could not open migrations directory %s", dir);
		goto out;
	}
	qsort(names, (size_t)n, sizeof(char *), cmp_names);
	for (int i = 0; i < n; i++) {
		char path[1024], version[256];
		char *sql;

		snprintf(version, sizeof(version), "%.*s", (int)(strlen(names[i]) - 4), names[i]);
		if (migration_applied(pg, version))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		sql = read_file(path);
		if (!sql) {
			zlog_error("could not read migration %s", path);
			goto out;
		}
		bool applied = apply_migration(pg, version, sql);
		free(sql);
		if (!applied)
			goto out;
	}
	ok = true;
out:
	for (int i = 0; i < n; i++)
		free(names[i]);
	migrations_lock(pg, false);
	return ok;
}

int64_t
pg_offset_load(struct pg *pg, const char *group, const char *topic, int32_t partition)
{
	char part[16];
	const char *vals[3] = {group, topic, part};
	PGresult *res;
	int64_t off = -1;

	snprintf(part, sizeof(part), "%d", partition);
	res = pg_exec(pg,
	              "SELECT next_offset FROM consumer_offsets"
	              " WHERE group_id = $1 AND topic = $2 AND partition = $3",
	              3, vals);
	if (!res)
		return -2;
	if (PQntuples(res) == 1)
		off = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return off;
}
