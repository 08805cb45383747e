/*
 * loop.h — the daemon's one libevent loop: signals as events (SIGTERM/SIGINT
 * begin a graceful stop, a second one stops at once; SIGHUP reloads),
 * SIGPIPE ignored, and a place to hang the shutdown sequence.
 */
#ifndef ZS_LOOP_H
#define ZS_LOOP_H

#include <event2/event.h>
#include <stdbool.h>

struct loop_hooks {
	/* Called once on the first SIGTERM/SIGINT: stop taking work, finish
	 * what is open; call loop_exit() when done (or it is called for you
	 * after the grace period). */
	void (*on_stop)(void *arg);
	/* SIGHUP: reload what can be reloaded (policy, keys). */
	void (*on_reload)(void *arg);
	void *arg;
};

struct event_base *loop_setup(const struct loop_hooks *hooks);
/* Runs until loop_exit(). */
int loop_run(void);
void loop_exit(void);
bool loop_stopping(void);
struct event_base *loop_base(void);
void loop_teardown(void);

/* A persistent timer; returns the event (free with event_free). */
struct event *loop_every(int ms, event_callback_fn cb, void *arg);

#endif
