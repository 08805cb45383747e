/*
 * vrijetekst.h — free text that a caller gives and that is recorded: a KCC
 * employee's reason for a customer contact, an application's name for its
 * user. A reason must be real text (trimmed, at least a few characters and
 * letters, printable, bounded); what goes on the raadplegingen topic is
 * bounded again and has identifying numbers, e-mail addresses and tokens
 * masked (core/mask), so that "belt namens 999990007" never reaches it.
 * Pure functions, for every daemon that takes reasons.
 */
#ifndef ZS_VRIJETEKST_H
#define ZS_VRIJETEKST_H

#include <stdbool.h>
#include <stddef.h>

#define VRIJETEKST_REDEN_MIN     5   /* characters after trimming */
#define VRIJETEKST_REDEN_LETTERS 3   /* of which letters, at least */
#define VRIJETEKST_REDEN_MAX     200 /* characters */
/* Bytes a reason may take (UTF-8, four per character at most) with its NUL. */
#define VRIJETEKST_REDEN_BUF (VRIJETEKST_REDEN_MAX * 4 + 1)

enum vrijetekst_fout {
	VRIJETEKST_OK = 0,
	VRIJETEKST_LEEG,       /* nothing, or only blanks */
	VRIJETEKST_ONLEESBAAR, /* not UTF-8, or a control character */
	VRIJETEKST_TE_KORT,    /* fewer than REDEN_MIN characters or REDEN_LETTERS letters */
	VRIJETEKST_TE_LANG,    /* more than REDEN_MAX characters */
};

/* Valid UTF-8 of 1 to max characters, none of them a control character. */
bool vrijetekst_ok(const char *s, size_t max);

/* The reason as given, trimmed of blanks, into out (VRIJETEKST_REDEN_BUF), or why not. */
enum vrijetekst_fout vrijetekst_reden(const char *in, char out[VRIJETEKST_REDEN_BUF]);
/* Dutch, for the invalidParams reason. */
const char *vrijetekst_fout_tekst(enum vrijetekst_fout f);

/* What may be recorded of free text: at most max characters of in (never a
 * character cut in half), identifying numbers and tokens masked, into out
 * (at least 4 * max + 1 bytes). */
void vrijetekst_vastlegbaar(const char *in, size_t max, char *out, size_t outlen);

#endif
