/*
 * buf.c — bounded appending into a fixed char buffer (see buf.h).
 */
#include "core/buf.h"

#include <stdio.h>

bool
buf_vappendf(char *out, size_t cap, size_t *len, const char *fmt, va_list ap)
{
	int n;

	if (cap == 0)
		return false;
	if (*len >= cap - 1) {
		*len = cap - 1;
		out[*len] = '\0';
		return false;
	}
	n = vsnprintf(out + *len, cap - *len, fmt, ap);
	if (n < 0) {
		out[*len] = '\0';
		return false;
	}
	if ((size_t)n >= cap - *len) {
		*len = cap - 1;
		return false;
	}
	*len += (size_t)n;
	return true;
}

bool
buf_appendf(char *out, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = buf_vappendf(out, cap, len, fmt, ap);
	va_end(ap);
	return ok;
}
