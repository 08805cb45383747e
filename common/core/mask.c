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

/* Digits in groups separated by one space, '.' or '-' ("999 990 007"): their
 * count, and the end of the run. */
static size_t
digit_groups(const char *buf, size_t i, char *digits, size_t cap, size_t *n)
{
	size_t j = i;

	*n = 0;
	for (;;) {
		while (isdigit((unsigned char)buf[j])) {
			if (*n < cap)
				digits[*n] = buf[j];
			(*n)++;
			j++;
		}
		if ((buf[j] == ' ' || buf[j] == '.' || buf[j] == '-') &&
		    isdigit((unsigned char)buf[j + 1]))
			j++;
		else
			return j;
	}
}

static bool
is_mail_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '%' || c == '+' ||
	       c == '-';
}

void
mask_free_text(char *buf)
{
	size_t i = 0;

	mask_text(buf);
	while (buf[i]) {
		/* An e-mail address: local@domain.tld, every character but '@' masked. */
		if (buf[i] == '@' && i > 0 && is_mail_char(buf[i - 1])) {
			size_t a = i, b = i + 1;
			bool dot = false;

			while (a > 0 && is_mail_char(buf[a - 1]))
				a--;
			while (is_mail_char(buf[b]))
				dot |= buf[b++] == '.';
			if (dot && b > i + 1) {
				memset(buf + a, '*', i - a);
				memset(buf + i + 1, '*', b - i - 1);
				i = b;
				continue;
			}
		}
		if (isdigit((unsigned char)buf[i]) &&
		    (i == 0 || !isalnum((unsigned char)buf[i - 1]))) {
			char digits[16];
			size_t n, j = digit_groups(buf, i, digits, sizeof(digits), &n);
			size_t run = strspn(buf + i, "0123456789");
			/* Seven or more digits together (a phone, KvK, account or
			 * citizen number); grouped, nine passing the elfproef (a BSN
			 * written "999 990 007") or a phone number (06 1234 5678). */
			bool mask = run >= 7 || (n == 9 && mask_elfproef(digits, 9)) ||
			            (n == 10 && digits[0] == '0') ||
			            (n == 11 && digits[0] == '3' && digits[1] == '1');

			for (size_t k = i; mask && k < j; k++)
				if (isdigit((unsigned char)buf[k]))
					buf[k] = '*';
			i = j;
			continue;
		}
		i++;
	}
}
