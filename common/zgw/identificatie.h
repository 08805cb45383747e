/*
 * identificatie.h — checks on Dutch identifiers: BSN (elfproef), RSIN, KvK
 * number, vestigingsnummer. Pure functions; used by intake validation and by
 * the log masker.
 */
#ifndef ZS_IDENTIFICATIE_H
#define ZS_IDENTIFICATIE_H

#include <stdbool.h>
#include <stddef.h>

/* Nine digits whose weighted sum (9..2, then -1) is divisible by 11, not all zero. */
bool bsn_elfproef(const char *s, size_t len);
bool bsn_valid(const char *s);
/* RSIN uses the same elfproef as the BSN. */
bool rsin_valid(const char *s);
/* KvK number: exactly eight digits. */
bool kvk_valid(const char *s);
/* Vestigingsnummer: exactly twelve digits. */
bool vestigingsnummer_valid(const char *s);

#endif
