/*
 * bezorging.c — stable ids, backoff, answers, NotifyNL's token.
 */
#include "bezorging.h"
#include "access/jwt.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
bericht_sleutel(char *out, size_t n, const char *ontvanger, const char *zaak,
                const char *aanleiding, const char *onderscheid, const char *sjabloon)
{
	snprintf(out, n, "%s|%s|%s|%s|%s", ontvanger ? ontvanger : "", zaak ? zaak : "",
	         aanleiding ? aanleiding : "", onderscheid ? onderscheid : "",
	         sjabloon ? sjabloon : "");
}

void
bericht_id(const char *sleutel, char out[UUID_LEN + 1])
{
	char naam[512];

	snprintf(naam, sizeof(naam), "bericht:%s", sleutel);
	uuid_v5(ZS_UUID_NAMESPACE, naam, out);
}

int64_t
backoff_wacht_ms(const struct backoff *b, int gedaan, double jitter, int64_t retry_after_ms)
{
	int64_t wacht = b->basis_ms;

	if (gedaan >= b->pogingen)
		return -1;
	for (int i = 1; i < gedaan && wacht < b->max_ms; i++)
		wacht *= 2;
	if (wacht > b->max_ms)
		wacht = b->max_ms;
	if (jitter < 0)
		jitter = 0;
	if (jitter > 1)
		jitter = 1;
	wacht = wacht / 2 + (int64_t)((double)(wacht / 2) * jitter);
	return wacht < retry_after_ms ? retry_after_ms : wacht;
}

enum uitslag
uitslag_http(long status)
{
	if (status >= 200 && status < 300)
		return UITSLAG_AFGELEVERD;
	if (status == 408 || status == 425 || status == 429 || status >= 500 || status < 100)
		return UITSLAG_TIJDELIJK;
	return UITSLAG_DEFINITIEF;
}

enum uitslag
uitslag_smtp(long code)
{
	if (code >= 200 && code < 400)
		return UITSLAG_AFGELEVERD;
	if (code >= 500 && code < 600)
		return UITSLAG_DEFINITIEF;
	return UITSLAG_TIJDELIJK;
}

int64_t
retry_after_ms(const char *waarde, time_t now)
{
	const int64_t dag = 86400000;
	char *end;
	long s;

	if (!waarde || !*waarde || strlen(waarde) > 64)
		return 0;
	s = strtol(waarde, &end, 10);
	if (end != waarde && *end == '\0')
		return s <= 0 ? 0 : (s > 86400 ? dag : (int64_t)s * 1000);
	time_t t = curl_getdate(waarde, NULL);
	if (t == (time_t)-1 || t <= now)
		return 0;
	return t - now > 86400 ? dag : (int64_t)(t - now) * 1000;
}

static bool
is_uuid_text(const char *s, size_t n)
{
	char buf[UUID_LEN + 1];

	if (n != UUID_LEN)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return uuid_valid(buf);
}

bool
notifynl_sleutel(const char *key, char service_id[UUID_LEN + 1], char secret[UUID_LEN + 1])
{
	size_t n = key ? strlen(key) : 0;

	/* name, '-', service id, '-', secret: the ids are the last 73 characters. */
	if (n < 2 * UUID_LEN + 2 || n > 512 || key[n - UUID_LEN - 1] != '-' ||
	    key[n - 2 * UUID_LEN - 2] != '-')
		return false;
	if (!is_uuid_text(key + n - UUID_LEN, UUID_LEN) ||
	    !is_uuid_text(key + n - 2 * UUID_LEN - 1, UUID_LEN))
		return false;
	memcpy(service_id, key + n - 2 * UUID_LEN - 1, UUID_LEN);
	service_id[UUID_LEN] = '\0';
	memcpy(secret, key + n - UUID_LEN, UUID_LEN);
	secret[UUID_LEN] = '\0';
	return true;
}

char *
notifynl_token(const char *service_id, const char *secret, time_t now)
{
	static const char header[] = "{\"typ\":\"JWT\",\"alg\":\"HS256\"}";
	char payload[128];
	int n = snprintf(payload, sizeof(payload), "{\"iss\":\"%s\",\"iat\":%lld}", service_id,
	                 (long long)now);

	if (n < 0 || (size_t)n >= sizeof(payload))
		return NULL;
	return jwt_sign_compact(header, sizeof(header) - 1, payload, (size_t)n, JWT_ALG_HS256, NULL,
	                        (const unsigned char *)secret, strlen(secret));
}

void
kop_veilig(char *out, size_t n, const char *in)
{
	size_t o = 0;

	if (n == 0)
		return;
	for (; in && *in && o + 1 < n; in++)
		out[o++] = ((unsigned char)*in < 0x20 || *in == 0x7f) ? ' ' : *in;
	out[o] = '\0';
}
