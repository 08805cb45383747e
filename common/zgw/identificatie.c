/*
 * identificatie.c — elfproef and digit-shape checks for Dutch identifiers.
 */
#include "zgw/identificatie.h"
#include "core/mask.h"

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
	return mask_elfproef(s, len);
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
