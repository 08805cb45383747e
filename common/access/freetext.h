/*
 * freetext.h — free text that a caller gives and that is recorded: a KCC
 * employee's reason for a customer contact, an application's name for its
 * user. A reason must be real text (trimmed, at least a few characters and
 * letters, printable, bounded); what goes on the raadplegingen topic is
 * bounded again and has identifying numbers, e-mail addresses and tokens
 * masked (core/mask), so that "belt namens 999990007" never reaches it.
 * Pure functions, for every daemon that takes reasons.
 */
#ifndef ZS_FREETEXT_H
#define ZS_FREETEXT_H

#include <stdbool.h>
#include <stddef.h>

#define FREETEXT_REDEN_MIN     5   /* characters after trimming */
#define FREETEXT_REDEN_LETTERS 3   /* of which letters, at least */
#define FREETEXT_REDEN_MAX     200 /* characters */
/* Bytes a reason may take (UTF-8, four per character at most) with its NUL. */
#define FREETEXT_REDEN_BUF (FREETEXT_REDEN_MAX * 4 + 1)

enum freetext_error {
	FREETEXT_OK = 0,
	FREETEXT_EMPTY,      /* nothing, or only blanks */
	FREETEXT_UNREADABLE, /* not UTF-8, or a control character */
	FREETEXT_TOO_SHORT,  /* fewer than REDEN_MIN characters or REDEN_LETTERS letters */
	FREETEXT_TOO_LONG,   /* more than REDEN_MAX characters */
};

/* Valid UTF-8 of 1 to max characters, none of them a control character. */
bool freetext_ok(const char *s, size_t max);

/* The reason as given, trimmed of blanks, into out (FREETEXT_REDEN_BUF), or why not. */
enum freetext_error freetext_reden(const char *in, char out[FREETEXT_REDEN_BUF]);
/* Dutch, for the invalidParams reason. */
const char *freetext_error_text(enum freetext_error f);

/* What may be recorded of free text: at most max characters of in (never a
 * character cut in half), identifying numbers and tokens masked, into out
 * (at least 4 * max + 1 bytes). */
void freetext_recordable(const char *in, size_t max, char *out, size_t outlen);

#endif
