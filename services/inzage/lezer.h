/*
 * lezer.h — the inzage API's heavy reads (the register behind mijn-gegevens,
 * a stored art. 15 report) on threads of their own, each with its own
 * PostgreSQL connection. Measured: on the main loop these reads (waiting for
 * PostgreSQL, then parsing and writing documents of ~170 KB) held the
 * projector, the writes and every other request. The access decision and its
 * record are made on the main loop before a read is handed over; the reply
 * is given back on the main loop, where it waits for its record as always.
 */
#ifndef ZS_INZAGE_LEZER_H
#define ZS_INZAGE_LEZER_H

#include <stdbool.h>

#include <event2/event.h>

#define LEZERS_MAX 16

struct pg;
struct lezers;

struct lees_taak {
	/* On a reader thread, with its connection: fills in what klaar needs.
	 * Touches nothing the main loop owns. */
	void (*werk)(struct pg *pg, struct lees_taak *t);
	/* On the main loop afterwards (gedaan false: never run, at shutdown):
	 * replies and frees the task. */
	void (*klaar)(struct lees_taak *t, bool gedaan);
	struct lees_taak *volgende;
};

/* n threads, each connected to pg_url in schema inzage; NULL on failure. */
struct lezers *lezers_new(struct event_base *base, const char *pg_url, int n);
/* Queues t; false when it cannot (then the caller still owns t). */
bool lezers_geef(struct lezers *l, struct lees_taak *t);
/* Stops the threads; tasks not run get klaar(t, false). */
void lezers_free(struct lezers *l);

#endif
