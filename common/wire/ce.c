/*
 * ce.c — event ids, CloudEvents attributes and trace context.
 */
#include "wire/ce.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char hexdigits[] = "0123456789abcdef";

static void
hex_encode(const unsigned char *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexdigits[in[i] >> 4];
		out[2 * i + 1] = hexdigits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static void
uuid_format(const unsigned char b[16], char out[UUID_LEN + 1])
{
	char hex[33];

	hex_encode(b, 16, hex);
	snprintf(out, UUID_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
	         hex + 20);
}

/* Ids and span ids are drawn from a per-thread pool that the CSPRNG fills a
 * few kilobytes at a time: a RAND_bytes call per id (three an event) was
 * 6 % of zs-audit's main thread in a drain, mostly the call's own overhead. */
static void
random_bytes(unsigned char *b, int n)
{
	static _Thread_local unsigned char pool[4096];
	static _Thread_local int left;

	if (n > (int)sizeof(pool))
		abort();
	if (left < n) {
		if (RAND_bytes(pool, (int)sizeof(pool)) != 1) {
			/* The CSPRNG failing means the process cannot make safe ids. */
			abort();
		}
		left = (int)sizeof(pool);
	}
	left -= n;
	memcpy(b, pool + left, (size_t)n);
	/* handed out once: not left in memory for a later reader */
	memset(pool + left, 0, (size_t)n);
}

void
uuid_v4(char out[UUID_LEN + 1])
{
	unsigned char b[16];

	random_bytes(b, 16);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	uuid_format(b, out);
}

static bool
uuid_parse(const char *s, unsigned char b[16])
{
	int j = 0;

	if (!uuid_valid(s))
		return false;
	for (int i = 0; s[i] && j < 16; i++) {
		if (s[i] == '-')
			continue;
		int hi = isdigit((unsigned char)s[i]) ? s[i] - '0'
		                                      : (tolower((unsigned char)s[i]) - 'a' + 10);
		int lo = isdigit((unsigned char)s[i + 1])
		                 ? s[i + 1] - '0'
		                 : (tolower((unsigned char)s[i + 1]) - 'a' + 10);
		b[j++] = (unsigned char)(hi << 4 | lo);
		i++;
	}
	return j == 16;
}

void
uuid_v5(const char *ns_uuid, const char *name, char out[UUID_LEN + 1])
{
	unsigned char ns[16], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!uuid_parse(ns_uuid, ns))
		memset(ns, 0, sizeof(ns));
	EVP_DigestInit_ex(ctx, EVP_sha1(), NULL);
	EVP_DigestUpdate(ctx, ns, 16);
	EVP_DigestUpdate(ctx, name, strlen(name));
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	md[6] = (md[6] & 0x0f) | 0x50;
	md[8] = (md[8] & 0x3f) | 0x80;
	uuid_format(md, out);
}

bool
uuid_valid(const char *s)
{
	if (!s || strlen(s) != UUID_LEN)
		return false;
	for (int i = 0; i < UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

static bool
all_hex_lower(const char *s, size_t n)
{
	bool nonzero = false;
	for (size_t i = 0; i < n; i++) {
		if (!strchr(hexdigits, s[i]) || s[i] == '\0')
			return false;
		nonzero |= s[i] != '0';
	}
	return nonzero;
}

bool
traceparent_valid(const char *tp)
{
	return tp && strlen(tp) == TRACEPARENT_LEN && tp[0] == '0' && tp[1] == '0' &&
	       tp[2] == '-' && all_hex_lower(tp + 3, 32) && tp[35] == '-' &&
	       all_hex_lower(tp + 36, 16) && tp[52] == '-' && isxdigit((unsigned char)tp[53]) &&
	       isxdigit((unsigned char)tp[54]);
}

void
traceparent_child(const char *parent, char out[TRACEPARENT_LEN + 1])
{
	unsigned char span[8], trace[16];
	char span_hex[17], trace_hex[33];

	random_bytes(span, 8);
	hex_encode(span, 8, span_hex);
	if (traceparent_valid(parent)) {
		snprintf(out, TRACEPARENT_LEN + 1, "00-%.32s-%s-01", parent + 3, span_hex);
		return;
	}
	random_bytes(trace, 16);
	hex_encode(trace, 16, trace_hex);
	snprintf(out, TRACEPARENT_LEN + 1, "00-%s-%s-01", trace_hex, span_hex);
}

void
traceparent_trace_id(const char *tp, char out[TRACE_ID_HEX + 1])
{
	if (!traceparent_valid(tp)) {
		out[0] = '\0';
		return;
	}
	memcpy(out, tp + 3, 32);
	out[32] = '\0';
}

void
ce_type_for(const char *record_name, char *out, size_t n)
{
	size_t j = 0;
	const char *prefix = "nl.zaakstroom.";

	for (size_t i = 0; prefix[i] && j + 1 < n; i++)
		out[j++] = prefix[i];
	for (size_t i = 0; record_name[i] && j + 2 < n; i++) {
		char c = record_name[i];
		if (isupper((unsigned char)c)) {
			if (i > 0)
				out[j++] = '-';
			c = (char)tolower((unsigned char)c);
		}
		out[j++] = c;
	}
	out[j] = '\0';
}

int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
format_rfc3339_ms(int64_t ms, char out[32])
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	char base[24];

	gmtime_r(&secs, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%s.%03dZ", base, (int)(ms % 1000));
}

void
ce_attrs_init(struct ce_attrs *ce, const char *record_name, const char *source, const char *subject,
              const char *parent_traceparent)
{
	uuid_v4(ce->id);
	ce_type_for(record_name, ce->type, sizeof(ce->type));
	snprintf(ce->source, sizeof(ce->source), "%s", source);
	snprintf(ce->subject, sizeof(ce->subject), "%s", subject ? subject : "");
	format_rfc3339_ms(now_ms(), ce->time);
	traceparent_child(parent_traceparent, ce->traceparent);
}
