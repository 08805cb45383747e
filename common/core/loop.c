/*
 * loop.c — event base, signal events, graceful stop.
 */
#include "core/loop.h"
#include "core/config.h"
#include "core/log.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static struct event_base *base;
static struct event *ev_term, *ev_int, *ev_hup, *ev_grace;
static struct loop_hooks hooks;
static bool stopping;

static void
on_grace_expired(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	zlog_warn("graceful stop took too long; stopping now");
	loop_exit();
}

static void
on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
	struct timeval grace = {.tv_sec = config_shutdown_grace_s};
	(void)what;
	(void)arg;

	if (stopping) {
		/* Second signal: the operator insists (Redis' "you insist"). */
		zlog_warn("second %s: exiting now", strsignal((int)sig));
		exit(1);
	}
	stopping = true;
	zlog_info("%s: stopping", strsignal((int)sig));
	ev_grace = evtimer_new(base, on_grace_expired, NULL);
	evtimer_add(ev_grace, &grace);
	if (hooks.on_stop)
		hooks.on_stop(hooks.arg);
	else
		loop_exit();
}

static void
on_hup(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	zlog_info("SIGHUP: reloading");
	if (hooks.on_reload)
		hooks.on_reload(hooks.arg);
}

struct event_base *
loop_setup(const struct loop_hooks *h)
{
	if (h)
		hooks = *h;
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	if (!base)
		die("could not create event base");
	ev_term = evsignal_new(base, SIGTERM, on_stop_signal, NULL);
	ev_int = evsignal_new(base, SIGINT, on_stop_signal, NULL);
	ev_hup = evsignal_new(base, SIGHUP, on_hup, NULL);
	if (!ev_term || !ev_int || !ev_hup || evsignal_add(ev_term, NULL) ||
	    evsignal_add(ev_int, NULL) || evsignal_add(ev_hup, NULL))
		die("could not install signal events");
	return base;
}

int
loop_run(void)
{
	return event_base_dispatch(base);
}

void
loop_exit(void)
{
	event_base_loopexit(base, NULL);
}

bool
loop_stopping(void)
{
	return stopping;
}

struct event_base *
loop_base(void)
{
	return base;
}

struct event *
loop_every(int ms, event_callback_fn cb, void *arg)
{
	struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
	struct event *ev = event_new(base, -1, EV_PERSIST, cb, arg);

	if (!ev || event_add(ev, &tv))
		die("could not add timer");
	return ev;
}

void
loop_teardown(void)
{
	if (!base)
		return; /* never set up: start-up stopped before the loop */
	if (ev_grace)
		event_free(ev_grace);
	event_free(ev_term);
	event_free(ev_int);
	event_free(ev_hup);
	event_base_free(base);
	base = NULL;
}
