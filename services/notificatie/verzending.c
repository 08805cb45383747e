/*
 * verzending.c — libcurl's multi-socket interface driven by libevent.
 *
 * curl calls sock_cb for each socket it wants watched (and how), timer_cb
 * for when it wants to be woken; libevent calls back into
 * curl_multi_socket_action. Finished transfers are collected after every
 * action and their callbacks run then, outside curl's own callbacks.
 */
#include "verzending.h"
#include "core/log.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct verzending {
	struct event_base *base;
	CURLM *multi;
	struct event *timer;
	long timeout_ms;
	int bezig;
	struct overdracht *lijst; /* in flight, for the cleanup at exit */
};

struct overdracht {
	struct verzending *v;
	struct overdracht *volgende, **vorige;
	CURL *easy;
	struct curl_slist *headers, *rcpt;
	char *body;
	size_t len, pos;
	struct antwoord antwoord;
	verzending_klaar klaar;
	void *arg;
};

struct sock {
	struct event *ev;
	struct verzending *v;
};

static void check_done(struct verzending *v);

static void
on_socket(evutil_socket_t fd, short what, void *arg)
{
	struct verzending *v = arg;
	int flags = ((what & EV_READ) ? CURL_CSELECT_IN : 0) |
	            ((what & EV_WRITE) ? CURL_CSELECT_OUT : 0),
	    running;

	curl_multi_socket_action(v->multi, fd, flags, &running);
	check_done(v);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct verzending *v = arg;
	int running;

	(void)fd;
	(void)what;
	curl_multi_socket_action(v->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(v);
}

static int
sock_cb(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct verzending *v = userp;
	struct sock *sk = socketp;

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (sk) {
			event_free(sk->ev);
			free(sk);
			curl_multi_assign(v->multi, s, NULL);
		}
		return 0;
	}
	short kind = EV_PERSIST | ((what & CURL_POLL_IN) ? EV_READ : 0) |
	             ((what & CURL_POLL_OUT) ? EV_WRITE : 0);
	if (!sk) {
		sk = calloc(1, sizeof(*sk));
		if (!sk)
			return -1;
		sk->v = v;
		curl_multi_assign(v->multi, s, sk);
	} else {
		event_free(sk->ev);
	}
	sk->ev = event_new(v->base, s, kind, on_socket, v);
	if (!sk->ev)
		return -1;
	event_add(sk->ev, NULL);
	return 0;
}

static int
timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct verzending *v = userp;

	(void)multi;
	if (timeout_ms < 0) {
		evtimer_del(v->timer);
		return 0;
	}
	struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
	evtimer_add(v->timer, &tv);
	return 0;
}

struct verzending *
verzending_new(struct event_base *base, long timeout_ms, int max_verbindingen)
{
	struct verzending *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->base = base;
	v->timeout_ms = timeout_ms;
	v->multi = curl_multi_init();
	v->timer = evtimer_new(base, on_timer, v);
	if (!v->multi || !v->timer) {
		verzending_free(v);
		return NULL;
	}
	curl_multi_setopt(v->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(v->multi, CURLMOPT_SOCKETDATA, v);
	curl_multi_setopt(v->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(v->multi, CURLMOPT_TIMERDATA, v);
	/* Reuse connections to a receiver instead of a handshake per message,
	 * as many as may be in flight (fewer would queue inside curl). */
	curl_multi_setopt(v->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)max_verbindingen);
	curl_multi_setopt(v->multi, CURLMOPT_MAXCONNECTS, (long)max_verbindingen);
	return v;
}

static void
overdracht_free(struct overdracht *o)
{
	if (o->vorige) {
		*o->vorige = o->volgende;
		if (o->volgende)
			o->volgende->vorige = o->vorige;
	}
	if (o->easy)
		curl_easy_cleanup(o->easy);
	curl_slist_free_all(o->headers);
	curl_slist_free_all(o->rcpt);
	free(o->body);
	free(o);
}

void
verzending_free(struct verzending *v)
{
	if (!v)
		return;
	if (v->multi) {
		/* What is still in flight is not answered: its rows stay claimed
		 * and are sent again after the restart, with the same id. */
		while (v->lijst) {
			struct overdracht *o = v->lijst;
			curl_multi_remove_handle(v->multi, o->easy);
			overdracht_free(o);
		}
		curl_multi_cleanup(v->multi);
	}
	if (v->timer)
		event_free(v->timer);
	free(v);
}

int
verzending_bezig(const struct verzending *v)
{
	return v->bezig;
}

static void
check_done(struct verzending *v)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(v->multi, &left)) != NULL) {
		struct overdracht *o = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&o);
		curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &o->antwoord.code);
		if (msg->data.result != CURLE_OK && !o->antwoord.fout[0])
			snprintf(o->antwoord.fout, sizeof(o->antwoord.fout), "%s",
			         curl_easy_strerror(msg->data.result));
		/* An SMTP transfer that failed after a 2xx (e.g. the DATA
		 * reply lost) is not delivered. */
		if (msg->data.result != CURLE_OK && o->antwoord.code >= 200 &&
		    o->antwoord.code < 300)
			o->antwoord.code = 0;
		curl_multi_remove_handle(v->multi, msg->easy_handle);
		v->bezig--;
		o->klaar(&o->antwoord, o->arg);
		overdracht_free(o);
	}
}

static size_t
on_header(char *buf, size_t size, size_t n, void *arg)
{
	struct overdracht *o = arg;
	size_t len = size * n;
	static const char naam[] = "retry-after:";

	if (len > sizeof(naam) && strncasecmp(buf, naam, sizeof(naam) - 1) == 0) {
		const char *p = buf + sizeof(naam) - 1;
		size_t m = len - (sizeof(naam) - 1);
		while (m && (*p == ' ' || *p == '\t')) {
			p++;
			m--;
		}
		while (m && (p[m - 1] == '\r' || p[m - 1] == '\n' || p[m - 1] == ' '))
			m--;
		if (m < sizeof(o->antwoord.retry_after)) {
			memcpy(o->antwoord.retry_after, p, m);
			o->antwoord.retry_after[m] = '\0';
		}
	}
	return len;
}

static size_t
on_body(char *buf, size_t size, size_t n, void *arg)
{
	/* Answers are not needed beyond their status; read and dropped. */
	(void)buf;
	(void)arg;
	return size * n;
}

static size_t
on_read(char *buf, size_t size, size_t n, void *arg)
{
	struct overdracht *o = arg;
	size_t want = size * n, left = o->len - o->pos;

	if (want > left)
		want = left;
	memcpy(buf, o->body + o->pos, want);
	o->pos += want;
	return want;
}

static struct overdracht *
overdracht_new(struct verzending *v, const char *url, const char *body, verzending_klaar klaar,
               void *arg)
{
	struct overdracht *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->v = v;
	o->klaar = klaar;
	o->arg = arg;
	o->body = strdup(body);
	o->len = strlen(body);
	o->easy = curl_easy_init();
	if (!o->body || !o->easy) {
		overdracht_free(o);
		return NULL;
	}
	curl_easy_setopt(o->easy, CURLOPT_URL, url);
	curl_easy_setopt(o->easy, CURLOPT_PRIVATE, o);
	curl_easy_setopt(o->easy, CURLOPT_TIMEOUT_MS, v->timeout_ms);
	curl_easy_setopt(o->easy, CURLOPT_CONNECTTIMEOUT_MS, v->timeout_ms);
	curl_easy_setopt(o->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(o->easy, CURLOPT_PROTOCOLS_STR, "http,https,smtp,smtps");
	return o;
}

static bool
start(struct verzending *v, struct overdracht *o)
{
	if (curl_multi_add_handle(v->multi, o->easy) != CURLM_OK) {
		overdracht_free(o);
		return false;
	}
	v->bezig++;
	o->volgende = v->lijst;
	if (v->lijst)
		v->lijst->vorige = &o->volgende;
	o->vorige = &v->lijst;
	v->lijst = o;
	return true;
}

bool
verzending_post(struct verzending *v, const char *url, const char *const *headers, const char *body,
                verzending_klaar klaar, void *arg)
{
	struct overdracht *o = overdracht_new(v, url, body, klaar, arg);

	if (!o)
		return false;
	for (int i = 0; headers && headers[i]; i++) {
		struct curl_slist *h = curl_slist_append(o->headers, headers[i]);
		if (!h) {
			overdracht_free(o);
			return false;
		}
		o->headers = h;
	}
	curl_easy_setopt(o->easy, CURLOPT_HTTPHEADER, o->headers);
	curl_easy_setopt(o->easy, CURLOPT_POSTFIELDS, o->body);
	curl_easy_setopt(o->easy, CURLOPT_POSTFIELDSIZE, (long)o->len);
	curl_easy_setopt(o->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(o->easy, CURLOPT_HEADERDATA, o);
	curl_easy_setopt(o->easy, CURLOPT_WRITEFUNCTION, on_body);
	return start(v, o);
}

bool
verzending_smtp(struct verzending *v, const char *url, const char *van, const char *aan,
                const char *message, verzending_klaar klaar, void *arg)
{
	struct overdracht *o = overdracht_new(v, url, message, klaar, arg);
	char rcpt[512];

	if (!o)
		return false;
	snprintf(rcpt, sizeof(rcpt), "<%s>", aan);
	o->rcpt = curl_slist_append(NULL, rcpt);
	if (!o->rcpt) {
		overdracht_free(o);
		return false;
	}
	curl_easy_setopt(o->easy, CURLOPT_MAIL_FROM, van);
	curl_easy_setopt(o->easy, CURLOPT_MAIL_RCPT, o->rcpt);
	curl_easy_setopt(o->easy, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(o->easy, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(o->easy, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(o->easy, CURLOPT_READDATA, o);
	curl_easy_setopt(o->easy, CURLOPT_INFILESIZE, (long)o->len);
	return start(v, o);
}
