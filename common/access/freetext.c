/*
 * freetext.c — checking, trimming and masking free text before it is used
 * or recorded.
 */
#include "access/freetext.h"
#include "core/mask.h"

#include <ctype.h>
#include <string.h>

/* The length in bytes of the UTF-8 sequence at p and its code point, or 0 when malformed. */
static int
utf8_teken(const unsigned char *p, unsigned *cp)
{
	unsigned c = *p;
	int n = c < 0x80             ? 0
	        : (c & 0xe0) == 0xc0 ? 1
	        : (c & 0xf0) == 0xe0 ? 2
	        : (c & 0xf8) == 0xf0 ? 3
	                             : -1;

	if (n < 0 || (n == 1 && c < 0xc2) || (n == 3 && c > 0xf4))
		return 0;
	*cp = n == 0 ? c : c & (0x3fu >> n);
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF. */
	if ((n == 2 && *cp < 0x800) || (n == 3 && (*cp < 0x10000 || *cp > 0x10ffff)) ||
	    (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n + 1;
}

static bool
stuurteken(unsigned cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0);
}

bool
freetext_ok(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t tekens = 0;

	if (!*p)
		return false;
	while (*p) {
		unsigned cp;
		int n = utf8_teken(p, &cp);

		if (n == 0 || stuurteken(cp) || ++tekens > max)
			return false;
		p += n;
	}
	return true;
}

enum freetext_error
freetext_reden(const char *in, char out[FREETEXT_REDEN_BUF])
{
	const unsigned char *p;
	size_t len, tekens = 0, letters = 0;

	out[0] = '\0';
	while (*in == ' ' || *in == '\t')
		in++;
	len = strlen(in);
	while (len > 0 && (in[len - 1] == ' ' || in[len - 1] == '\t'))
		len--;
	if (len == 0)
		return FREETEXT_EMPTY;
	if (len >= FREETEXT_REDEN_BUF)
		return FREETEXT_TOO_LONG;
	memcpy(out, in, len);
	out[len] = '\0';
	for (p = (const unsigned char *)out; *p;) {
		unsigned cp;
		int n = utf8_teken(p, &cp);

		if (n == 0 || stuurteken(cp)) {
			out[0] = '\0';
			return FREETEXT_UNREADABLE;
		}
		/* ASCII letters, and every letter beyond Latin-1's symbols (é, ë, ...). */
		letters += (cp < 0x80 && isalpha((int)cp)) || cp >= 0xc0;
		tekens++;
		p += n;
	}
	if (tekens > FREETEXT_REDEN_MAX) {
		out[0] = '\0';
		return FREETEXT_TOO_LONG;
	}
	if (tekens < FREETEXT_REDEN_MIN || letters < FREETEXT_REDEN_LETTERS) {
		out[0] = '\0';
		return FREETEXT_TOO_SHORT;
	}
	return FREETEXT_OK;
}

const char *
freetext_error_text(enum freetext_error f)
{
	switch (f) {
	case FREETEXT_OK:
		return "In orde.";
	case FREETEXT_EMPTY:
		return "Vermeld de reden van het klantcontact; zonder reden kan het KCC geen zaak "
		       "inzien.";
	case FREETEXT_UNREADABLE:
		return "De reden bevat een stuurteken of is geen geldige tekst.";
	case FREETEXT_TOO_SHORT:
		return "Geef een echte reden: minstens 5 tekens, waarvan minstens 3 letters.";
	default:
		return "Geef een reden van hoogstens 200 tekens.";
	}
}

void
freetext_recordable(const char *in, size_t max, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)(in ? in : "");
	size_t len = 0, tekens = 0;

	/* Whole characters only, as many as fit both max and out. */
	while (*p && tekens < max) {
		unsigned cp;
		int n = utf8_teken(p, &cp);

		if (len + (size_t)(n ? n : 1) + 1 > outlen)
			break;
		if (n == 0) {
			/* Not UTF-8 (callers check before): a stand-in keeps the record valid. */
			out[len++] = '?';
			p++;
			tekens++;
			continue;
		}
		memcpy(out + len, p, (size_t)n);
		len += (size_t)n;
		p += n;
		tekens++;
	}
	if (outlen > 0)
		out[len < outlen ? len : outlen - 1] = '\0';
	mask_free_text(out);
}
