/*
 * identificatie.c — elfproef and digit-shape checks for Dutch identifiers.
 */
#include "identificatie.h"

#include <string.h>

static bool
all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool
bsn_elfproef(const char *s, size_t len)
{
	int sum = 0;
	bool nonzero = false;

	if (len != 9 || !all_digits(s, len))
		return false;
	for (int i = 0; i < 8; i++) {
		sum += (s[i] - '0') * (9 - i);
		nonzero |= s[i] != '0';
	}
	sum -= s[8] - '0';
	nonzero |= s[8] != '0';
	return nonzero && sum % 11 == 0;
}

bool
bsn_valid(const char *s)
{
	return s && bsn_elfproef(s, strlen(s));
}

bool
rsin_valid(const char *s)
{
	return bsn_valid(s);
}

bool
kvk_valid(const char *s)
{
	return s && strlen(s) == 8 && all_digits(s, 8);
}

bool
vestigingsnummer_valid(const char *s)
{
	return s && strlen(s) == 12 && all_digits(s, 12);
}
