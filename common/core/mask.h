/*
 * mask.h — recognising secrets and personal numbers in free text, and masking
 * them in place: nine-digit runs that pass the elfproef (BSN, RSIN) become
 * "*********", bearer tokens and JWTs "[redacted]". The log uses it on every
 * line; whatever records free text on a topic (a KCC employee's reason) uses
 * it before the text leaves. Owns the elfproef itself, so that core needs no
 * domain code for it (zgw/identificatie builds its checks on this one).
 */
#ifndef ZS_MASK_H
#define ZS_MASK_H

#include <stdbool.h>
#include <stddef.h>

/* Nine digits whose weighted sum (9..2, then -1) is divisible by 11, not all zero. */
bool mask_elfproef(const char *s, size_t len);

/* Masks BSN-like numbers and tokens in buf (NUL-terminated); never grows it. */
void mask_text(char *buf);

/*
 * For free text that is recorded (a reason stated by an employee): what
 * mask_text masks, and also any run of seven or more digits (phone, KvK,
 * account numbers, a BSN that fails the elfproef), nine grouped digits that
 * pass it ("999 990 007"), grouped phone numbers, and e-mail addresses. Dates
 * and short numbers stay. Never grows buf.
 */
void mask_free_text(char *buf);

#endif
