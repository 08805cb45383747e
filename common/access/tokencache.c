/*
 * tokencache.c — a direct-mapped cache of verified tokens.
 */
#include "access/tokencache.h"
#include "access/jwt.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	char *token;
	size_t len;
	time_t geldig_tot;
	struct principal p;
};

struct tokencache {
	struct slot *slots;
	size_t n;
};

struct tokencache *
tokencache_new(size_t slots)
{
	struct tokencache *c = calloc(1, sizeof(*c));

	if (!c || slots == 0)
		goto fail;
	c->slots = calloc(slots, sizeof(*c->slots));
	if (!c->slots)
		goto fail;
	c->n = slots;
	return c;
fail:
	free(c);
	return NULL;
}

void
tokencache_free(struct tokencache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->slots[i].token);
	free(c->slots);
	free(c);
}

/* FNV-1a: only picks the slot; a hit needs the whole token to match. */
static size_t
slot_of(const struct tokencache *c, const char *token, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)token[i]) * 1099511628211ULL;
	return (size_t)(h % c->n);
}

bool
tokencache_get(struct tokencache *c, const char *token, size_t len, time_t nu,
               struct principal *out)
{
	struct slot *s = &c->slots[slot_of(c, token, len)];

	/* Constant time over the bytes: the slot may hold another caller's token. */
	if (!s->token || s->len != len || CRYPTO_memcmp(s->token, token, len) != 0)
		return false;
	/* geldig_tot is the first second the verifier refuses. */
	if (nu >= s->geldig_tot)
		return false;
	*out = s->p;
	return true;
}

void
tokencache_put(struct tokencache *c, const char *token, size_t len, time_t geldig_tot,
               const struct principal *p)
{
	struct slot *s = &c->slots[slot_of(c, token, len)];
	char *copy = malloc(len);

	if (!copy)
		return;
	memcpy(copy, token, len);
	free(s->token);
	s->token = copy;
	s->len = len;
	s->geldig_tot = geldig_tot;
	s->p = *p;
}
