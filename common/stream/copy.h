/*
 * copy.h — rows for COPY ... FROM STDIN in PostgreSQL's text format, built
 * in memory and sent with pg_copy: a batch of rows is one statement, where
 * an INSERT per row costs a bind, an executor start and a result each (on
 * zs-audit's drain that was most of PostgreSQL's time per entry).
 */
#ifndef ZS_COPY_H
#define ZS_COPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct copy_rows {
	char *data;
	size_t len, cap;
	int n;       /* complete rows */
	bool in_row; /* the current row has a field */
	bool failed; /* an allocation failed: the rows are incomplete */
};

/* A field: text (NULL is SQL NULL), bytes as bytea, an integer. */
void copy_text(struct copy_rows *r, const char *s);
void copy_bytea(struct copy_rows *r, const void *bytes, size_t len);
void copy_int(struct copy_rows *r, int64_t v);
void copy_end_row(struct copy_rows *r);
/* Empties the rows, keeping the memory for the next batch. */
void copy_reset(struct copy_rows *r);
void copy_free(struct copy_rows *r);

#endif
