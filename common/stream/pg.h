/*
 * pg.h — one PostgreSQL connection of a daemon: connect and reconnect,
 * prepared statements that survive reconnects, synchronous execution,
 * pipelines (many statements, one round trip), migrations per schema, and
 * the runtime tables every daemon shares (Kafka offsets, outbox).
 */
#ifndef ZS_PG_H
#define ZS_PG_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#define PG_MAX_STMTS 64

struct pg_stmt {
	const char *name;
	const char *sql;
	int nparams;
};

struct pg {
	PGconn *conn;
	char *url;
	char *schema;
	struct pg_stmt stmts[PG_MAX_STMTS];
	int nstmts;
	int pipeline_queued; /* statements sent in the open pipeline */
	bool pipeline_failed;
	char last_error[512];
	char last_sqlstate[6];
};

/* Connects, sets search_path to the daemon's schema (created if missing) and
 * prepares every registered statement. */
bool pg_connect(struct pg *pg, const char *url, const char *schema);
/* Drops and re-establishes the connection; true when usable again. */
bool pg_reconnect(struct pg *pg);
bool pg_connected(const struct pg *pg);
void pg_close(struct pg *pg);

/* Registers a statement; prepared now (if connected) and after every reconnect. */
bool pg_prepare(struct pg *pg, const char *name, const char *sql, int nparams);

/* Synchronous: text parameters (NULL = SQL NULL). The result is the caller's
 * (PQclear), or NULL on error (message in pg->last_error, logged). */
PGresult *pg_exec(struct pg *pg, const char *sql, int n, const char *const *vals);
PGresult *pg_execp(struct pg *pg, const char *stmt, int n, const char *const *vals, const int *lens,
                   const int *fmts);
/* A prepared statement whose one parameter is a JSON document (a batch's
 * ids as an array, say): NULL on failure, out of memory included (as
 * pg_out_of_memory reports it). */
PGresult *pg_execp_json(struct pg *pg, const char *stmt, const json_t *arg);
/* For statements without rows: true on success. */
bool pg_cmd(struct pg *pg, const char *sql);
bool pg_cmdp(struct pg *pg, const char *stmt, int n, const char *const *vals);

/* COPY ... FROM STDIN of rows built with copy.h, outside a pipeline, in the
 * open transaction: true when every row was taken. */
struct copy_rows;
bool pg_copy(struct pg *pg, const char *sql, const struct copy_rows *rows);

/* Pipelines: begin, queue statements, then sync reads every result in order.
 * on_result (optional) sees each statement's result (index, result);
 * the result is cleared after the callback. */
typedef void (*pg_result_fn)(int index, PGresult *res, void *arg);
bool pg_pipeline_begin(struct pg *pg);
/* True while a pipeline is open (begun and not yet synced). */
bool pg_pipeline_open(const struct pg *pg);
bool pg_pipeline_send(struct pg *pg, const char *stmt, int n, const char *const *vals,
                      const int *lens, const int *fmts);
bool pg_pipeline_send_sql(struct pg *pg, const char *sql, int n, const char *const *vals);
bool pg_pipeline_sync(struct pg *pg, pg_result_fn on_result, void *arg);

/* True when the last error is worth retrying (connection, serialization,
 * deadlock, resources, shutdown) rather than a fault in the data or the code. */
bool pg_error_transient(const struct pg *pg);
/* An allocation failed on the way to a statement: recorded as PostgreSQL's
 * own out_of_memory (53200, transient), so that the batch is rolled back and
 * retried rather than blamed on its data. Returns false, for "return
 * pg_out_of_memory(pg, ...)". */
bool pg_out_of_memory(struct pg *pg, const char *what);

/* Applies the runtime tables, then every NNN_*.sql in dir (in name order) not
 * yet applied, each in its own transaction, under an advisory lock so that
 * several instances starting together migrate once. */
bool pg_migrate(struct pg *pg, const char *dir);
/* Applies sql as migration version unless it was; for the common layers'
 * own objects (the projector's offset function). */
bool pg_migrate_one(struct pg *pg, const char *version, const char *sql);

/* Offsets: the next offset to read for (group, topic, partition), or -1. */
int64_t pg_offset_load(struct pg *pg, const char *group, const char *topic, int32_t partition);

#endif
