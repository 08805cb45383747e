/*
 * buf.h — bounded appending into a fixed char buffer.
 *
 * snprintf returns what it would have written, not what it wrote: adding
 * that to a length unclamped is how a long value walks a later write off
 * the end of the buffer. buf_appendf never moves *len past cap - 1 and
 * says whether everything fit.
 */
#ifndef ZS_BUF_H
#define ZS_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Appends at out + *len (out holds cap bytes, cap > 0, always terminated);
 * false when the text was cut short or could not be formatted. */
bool buf_appendf(char *out, size_t cap, size_t *len, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
bool buf_vappendf(char *out, size_t cap, size_t *len, const char *fmt, va_list ap)
        __attribute__((format(printf, 4, 0)));

#endif
