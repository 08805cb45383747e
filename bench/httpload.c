/*
 * httpload.c — an open-loop HTTP load of `make bench` (zs-inzage's API).
 *
 * Request i is due at t0 + i/rate, whatever the answers before it did: it
 * goes out on an idle keep-alive connection, or a new one while fewer than
 * --connections are open, or waits for one (still counted from its due
 * time). Latency runs from the due time, so a stall of the server, or of
 * this program, shows in the figures instead of slowing the load down
 * (wrk's paced connections wait for their previous answer: coordinated
 * omission). One event loop, libevent's HTTP client.
 *
 *   httpload --url http://127.0.0.1:8085 --requests F --rate R --duration S
 *            [--warmup W] [--connections N] [--timeout T]
 *
 * F has a line "<path>\t<bearer token>" per request, used round robin.
 * Requests due in the first W seconds warm up and are not counted. Prints
 * one JSON object: the rate asked and reached, latency percentiles (ms) from
 * the due time and from the moment of sending, errors by kind, the
 * connections opened, and the worst latency per second of the measured run.
 */
#include "bench.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <string.h>

struct verbinding {
	struct evhttp_connection *c;
	bool bezig;
};

struct vraag {
	struct load *l;
	struct verbinding *v;
	long i;
	int64_t due, sent;
};

struct load {
	struct event_base *base;
	struct event *tick;
	char host[256];
	int port, timeout_s;
	char **paths, **auth;
	long nreq;
	double rate, warmup_s;
	long n, warm, next; /* requests in all, of which the first warm; the next due */
	long waiting_first; /* requests due and sent in order: [waiting_first, next) wait */
	int64_t t0;
	struct verbinding *conns;
	int nconns, maxconns;
	long done, inflight;
	long err_status, err_failed, err_warm;
	int64_t last_done, send_lag_max;
	struct hist lat, service;
	int64_t *worst_per_s;
	long nseconds;
};

static int
usage(void)
{
	fprintf(stderr, "usage: httpload --url http://HOST:PORT --requests FILE --rate R "
	                "--duration S [--warmup W] [--connections N] [--timeout T]\n");
	return 2;
}

static bool
lees_verzoeken(struct load *l, const char *pad)
{
	FILE *f = fopen(pad, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return false;
	while ((n = getline(&line, &cap, f)) > 0) {
		char *tab = strchr(line, '\t'), *a;
		if (!tab)
			continue;
		line[n - 1] = line[n - 1] == '\n' ? '\0' : line[n - 1];
		*tab = '\0';
		l->paths = realloc(l->paths, (size_t)(l->nreq + 1) * sizeof(char *));
		l->auth = realloc(l->auth, (size_t)(l->nreq + 1) * sizeof(char *));
		if (!l->paths || !l->auth || asprintf(&a, "Bearer %s", tab + 1) < 0)
			abort();
		l->paths[l->nreq] = strdup(line);
		l->auth[l->nreq++] = a;
	}
	free(line);
	fclose(f);
	return l->nreq > 0;
}

static void verstuur(struct load *l, long i, struct verbinding *v);

static struct verbinding *
vrije_verbinding(struct load *l)
{
	for (int k = 0; k < l->nconns; k++)
		if (!l->conns[k].bezig)
			return &l->conns[k];
	if (l->nconns == l->maxconns)
		return NULL;
	l->conns[l->nconns].c =
	        evhttp_connection_base_new(l->base, NULL, l->host, (ev_uint16_t)l->port);
	if (!l->conns[l->nconns].c)
		return NULL;
	evhttp_connection_set_timeout(l->conns[l->nconns].c, l->timeout_s);
	evhttp_connection_set_retries(l->conns[l->nconns].c, 0);
	return &l->conns[l->nconns++];
}

/* Sends what is due and waiting, in order, while connections are free. */
static void
verstuur_wachtenden(struct load *l)
{
	struct verbinding *v;

	while (l->waiting_first < l->next && (v = vrije_verbinding(l)))
		verstuur(l, l->waiting_first++, v);
}

static void
antwoord(struct evhttp_request *req, void *arg)
{
	struct vraag *q = arg;
	struct load *l = q->l;
	int64_t now = mono_ns();

	q->v->bezig = false;
	l->inflight--;
	if (q->i < l->warm) {
		if (!req || evhttp_request_get_response_code(req) != 200)
			l->err_warm++;
	} else if (!req || evhttp_request_get_response_code(req) == 0) {
		/* No answer within --timeout, or the connection failed (libevent
		 * connects it again for its next request). */
		l->err_failed++;
	} else if (evhttp_request_get_response_code(req) != 200) {
		l->err_status++;
	} else {
		int64_t lat_us = (now - q->due) / 1000;
		long sec = (long)((double)(q->due - l->t0) / 1e9 - l->warmup_s);

		hist_record(&l->lat, (uint64_t)lat_us);
		hist_record(&l->service, (uint64_t)((now - q->sent) / 1000));
		if (sec >= 0 && sec < l->nseconds && lat_us > l->worst_per_s[sec])
			l->worst_per_s[sec] = lat_us;
		l->done++;
		l->last_done = now;
	}
	free(q);
	verstuur_wachtenden(l);
	if (l->next == l->n && l->inflight == 0 && l->waiting_first == l->n)
		event_base_loopbreak(l->base);
}

static void
verstuur(struct load *l, long i, struct verbinding *v)
{
	struct vraag *q = calloc(1, sizeof(*q));
	struct evhttp_request *req = q ? evhttp_request_new(antwoord, q) : NULL;
	struct evkeyvalq *h;
	long r = i % l->nreq;

	if (!req)
		abort();
	q->l = l;
	q->v = v;
	q->i = i;
	q->due = l->t0 + (int64_t)((double)i * 1e9 / l->rate);
	q->sent = mono_ns();
	if (q->sent - q->due > l->send_lag_max)
		l->send_lag_max = q->sent - q->due;
	h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Host", l->host);
	evhttp_add_header(h, "Authorization", l->auth[r]);
	v->bezig = true;
	l->inflight++;
	if (evhttp_make_request(v->c, req, EVHTTP_REQ_GET, l->paths[r]) != 0) {
		/* libevent freed req and will not call back. */
		v->bezig = false;
		l->inflight--;
		if (i < l->warm)
			l->err_warm++;
		else
			l->err_failed++;
		free(q);
	}
}

/* Makes every request due by now due, then sleeps until the next one. */
static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct load *l = arg;
	int64_t now = mono_ns();
	struct timeval tv;
	int64_t wacht;

	(void)fd;
	(void)what;
	while (l->next < l->n && l->t0 + (int64_t)((double)l->next * 1e9 / l->rate) <= now)
		l->next++;
	verstuur_wachtenden(l);
	if (l->next == l->n)
		return;
	wacht = l->t0 + (int64_t)((double)l->next * 1e9 / l->rate) - mono_ns();
	if (wacht < 0)
		wacht = 0;
	tv.tv_sec = (time_t)(wacht / 1000000000);
	tv.tv_usec = (suseconds_t)(wacht % 1000000000 / 1000);
	evtimer_add(l->tick, &tv);
}

static void
rapporteer(const struct load *l, double duration)
{
	double span = l->last_done > 0 ? (double)(l->last_done - l->t0) / 1e9 - l->warmup_s : 0;
	json_t *worst = json_array();

	for (long s = 0; s < l->nseconds; s++)
		json_array_append_new(worst, json_real((double)l->worst_per_s[s] / 1000.0));
	/* The rate reached: answers counted over the time until the last one,
	 * at least the run's length (answers ahead of schedule do not exist). */
	json_t *out = json_pack(
	        "{s:f, s:f, s:I, s:I, s:f, s:o, s:o, s:{s:I, s:I, s:I, s:I}, s:i, s:f, s:o}",
	        "rate_asked", l->rate, "duration_s", duration, "sent", (json_int_t)(l->n - l->warm),
	        "completed", (json_int_t)l->done, "rate",
	        l->done / (span > duration ? span : duration), "latency_ms",
	        bench_hist_json(&l->lat), "service_ms", bench_hist_json(&l->service), "errors",
	        "status", (json_int_t)l->err_status, "failed", (json_int_t)l->err_failed,
	        "unanswered",
	        (json_int_t)(l->n - l->warm - l->done - l->err_status - l->err_failed), "warmup",
	        (json_int_t)l->err_warm, "connections", l->nconns, "send_lag_max_ms",
	        (double)l->send_lag_max / 1e6, "worst_ms_per_second", worst);
	char *s = json_dumps(out, JSON_COMPACT);

	printf("%s\n", s);
	free(s);
	json_decref(out);
}

int
main(int argc, char **argv)
{
	struct load l = {.timeout_s = 10, .maxconns = 64};
	const char *url = NULL, *pad = NULL;
	double duration = 0, warmup = 0;
	struct event_config *cfg;
	struct evhttp_uri *u;

	for (int i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];
		if (!strcmp(k, "--url"))
			url = v;
		else if (!strcmp(k, "--requests"))
			pad = v;
		else if (!strcmp(k, "--rate"))
			l.rate = bench_number(v);
		else if (!strcmp(k, "--duration"))
			duration = bench_number(v);
		else if (!strcmp(k, "--warmup"))
			warmup = atof(v);
		else if (!strcmp(k, "--connections"))
			l.maxconns = (int)bench_number(v);
		else if (!strcmp(k, "--timeout"))
			l.timeout_s = (int)bench_number(v);
		else
			return usage();
	}
	if (!url || !pad || l.rate <= 0 || duration <= 0 || warmup < 0 || l.maxconns <= 0 ||
	    l.timeout_s <= 0 || (l.rate * (duration + warmup)) > 1e7)
		return usage();
	if (!(u = evhttp_uri_parse(url)) || !evhttp_uri_get_host(u) || evhttp_uri_get_port(u) <= 0)
		return usage();
	snprintf(l.host, sizeof(l.host), "%s", evhttp_uri_get_host(u));
	l.port = evhttp_uri_get_port(u);
	evhttp_uri_free(u);
	if (!lees_verzoeken(&l, pad)) {
		fprintf(stderr, "httpload: no requests in %s\n", pad);
		return 2;
	}
	l.warmup_s = warmup;
	l.warm = (long)(l.rate * warmup);
	l.n = l.warm + (long)(l.rate * duration);
	l.nseconds = (long)duration + 1;
	l.worst_per_s = calloc((size_t)l.nseconds, sizeof(*l.worst_per_s));
	l.conns = calloc((size_t)l.maxconns, sizeof(*l.conns));
	/* timerfd: epoll's millisecond timeouts would add up to 1 ms to every due time. */
	if (!(cfg = event_config_new()) ||
	    event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER) != 0 ||
	    !(l.base = event_base_new_with_config(cfg)))
		return 1;
	event_config_free(cfg);
	l.tick = l.base ? evtimer_new(l.base, on_tick, &l) : NULL;
	if (!l.worst_per_s || !l.conns || !l.tick)
		return 1;
	hist_init(&l.lat);
	hist_init(&l.service);
	l.t0 = mono_ns();
	on_tick(-1, 0, &l);
	event_base_dispatch(l.base);
	rapporteer(&l, duration);
	return 0;
}
