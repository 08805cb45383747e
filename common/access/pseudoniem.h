/*
 * pseudoniem.h — keyed pseudonyms for betrokkenen: HMAC-SHA-256 over the
 * identifier type and number, so raadplegingen and the processing log can be
 * keyed and joined per person without carrying a BSN. Without the key
 * (ZS_PSEUDONIEM_SLEUTEL) a pseudonym cannot be reversed by trying all
 * 10^9 BSNs, which a plain hash could.
 */
#ifndef ZS_PSEUDONIEM_H
#define ZS_PSEUDONIEM_H

#include <stdbool.h>
#include <stddef.h>

#define PSEUDONIEM_SLEUTEL_MIN 32
#define PSEUDONIEM_SLEUTEL_MAX 64
#define PSEUDONIEM_LEN         64 /* hex characters, without the NUL */

struct pseudoniem_sleutel {
	unsigned char bytes[PSEUDONIEM_SLEUTEL_MAX];
	size_t len;
};

/* The key as configured: 64 to 128 hex digits (32 to 64 bytes). */
bool pseudoniem_sleutel_parse(const char *hex, struct pseudoniem_sleutel *out);

/*
 * Writes 64 lowercase hex characters and a NUL into out. type is an upper-case
 * name ("BSN", "KVK", "VESTIGING", ...), number the identifier's digits or
 * letters; both bounded. Returns false on bad input, leaving out empty.
 */
bool pseudoniem(const struct pseudoniem_sleutel *key, const char *type, const char *number,
                char out[PSEUDONIEM_LEN + 1]);

#endif
