/*
 * bewaren.h — retention profiles of the audit log (ZS_AUDIT_BEWAREN):
 * "raadplegingen=P1Y,*=P7Y" keeps the content of entries from topics ending
 * in "raadplegingen" one year and of all others seven; after that the
 * content is removed and the leaf hash stays. Pure.
 */
#ifndef ZS_AUDIT_BEWAREN_H
#define ZS_AUDIT_BEWAREN_H

#include <stddef.h>

#define BEWAREN_MAX 16

struct bewaarprofiel {
	char topic[64];   /* topic suffix ("raadplegingen", "http" for queries), or "*" */
	char termijn[32]; /* ISO-8601 duration of years, months, weeks, days */
};

/* The profiles of s ("" is none); -1 with why in err for a malformed one,
 * a topic twice, or more than BEWAREN_MAX. */
int bewaren_parse(const char *s, struct bewaarprofiel out[BEWAREN_MAX], char *err, size_t errlen);

#endif
