/*
 * mask.c — finding BSN-like numbers and tokens in free text.
 */
#include "core/mask.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

bool
mask_elfproef(const char *s, size_t len)
{
	int sum = 0;
	bool nonzero = false;

	if (len != 9)
		return false;
	for (size_t i = 0; i < 9; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	for (int i = 0; i < 8; i++) {
		sum += (s[i] - '0') * (9 - i);
		nonzero |= s[i] != '0';
	}
	sum -= s[8] - '0';
	nonzero |= s[8] != '0';
	return nonzero && sum % 11 == 0;
}

static bool
is_token_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.' || c == '=' ||
	       c == '+' || c == '/';
}

/* Overwrites [from, to) with a marker, shifting the rest of the string left. */
static size_t
replace_span(char *buf, size_t from, size_t to, const char *marker)
{
	size_t mlen = strlen(marker);
	size_t rest = strlen(buf + to);

	if (mlen > to - from)
		mlen = to - from; /* never grow the string */
	memcpy(buf + from, marker, mlen);
	memmove(buf + from + mlen, buf + to, rest + 1);
	return from + mlen;
}

void
mask_text(char *buf)
{
	size_t i = 0;

	while (buf[i]) {
		/* "Bearer <token>" */
		if (strncasecmp(buf + i, "bearer ", 7) == 0) {
			size_t j = i + 7;
			while (buf[j] && is_token_char(buf[j]))
				j++;
			if (j > i + 7) {
				i = replace_span(buf, i + 7, j, "[redacted]");
				continue;
			}
		}
		/* A JWT: eyJ... with two dots. */
		if (strncmp(buf + i, "eyJ", 3) == 0 &&
		    (i == 0 || !isalnum((unsigned char)buf[i - 1]))) {
			size_t j = i;
			int dots = 0;
			while (buf[j] && is_token_char(buf[j])) {
				dots += buf[j] == '.';
				j++;
			}
			if (dots >= 2) {
				i = replace_span(buf, i, j, "[redacted]");
				continue;
			}
		}
		/* A run of exactly nine digits passing the elfproef. */
		if (isdigit((unsigned char)buf[i]) &&
		    (i == 0 || !isdigit((unsigned char)buf[i - 1]))) {
			size_t j = i;
			while (isdigit((unsigned char)buf[j]))
				j++;
			if (j - i == 9 && mask_elfproef(buf + i, 9))
				memset(buf + i, '*', 9);
			i = j;
			continue;
		}
		i++;
	}
}
