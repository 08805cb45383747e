/*
 * fuzz_notificatie.c — libFuzzer target for what reaches zs-notificatie from
 * outside: the input is taken as a resident's PUT /api/v1/voorkeuren body, as
 * a receiver's Retry-After header, as a template file and as a webhook
 * subscriptions file. Never a crash or leak; a refused preference names its
 * field and says why; an accepted address has no space or control character
 * (it goes into an SMTP envelope); a wait is never negative nor over a day; a
 * template that loads always renders within its bound; an accepted
 * subscription's Authorization header never spans two lines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/notificatie/abonnementen.h"
#include "../../services/notificatie/bezorging.h"
#include "../../services/notificatie/regels.h"
#include "../../services/notificatie/voorkeuren.h"

static void
als_voorkeur(const uint8_t *data, size_t size)
{
	json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	struct voorkeur_wijziging w;
	const char *veld = NULL, *reden = NULL;

	if (!doc)
		return;
	if (voorkeur_controleer(doc, &w, &veld, &reden)) {
		for (const char *p = w.emailadres; p && *p; p++)
			if ((unsigned char)*p <= ' ')
				abort();
		for (const char *p = w.telefoonnummer; p && *p; p++)
			if (!(*p == '+' || (*p >= '0' && *p <= '9')))
				abort();
	} else if (!veld || !reden) {
		abort();
	}
	json_decref(doc);
}

static void
als_retry_after(const uint8_t *data, size_t size)
{
	char buf[128];
	size_t n = size < sizeof(buf) - 1 ? size : sizeof(buf) - 1;
	int64_t ms;

	memcpy(buf, data, n);
	buf[n] = '\0';
	ms = retry_after_ms(buf, 1700000000);
	if (ms < 0 || ms > 86400000)
		abort();
}

static void
als_sjabloon(const uint8_t *data, size_t size)
{
	char *tekst = malloc(size + 1), *out = malloc(SJABLOON_TEKST_MAX * 4);
	json_t *s;
	struct regels r;
	char err[512] = "";

	if (!tekst || !out)
		abort();
	memcpy(tekst, data, size);
	tekst[size] = '\0';
	/* Not UTF-8: not a template this harness can hand over as JSON. */
	s = json_pack("{s:s}", "t", tekst);
	if (!s)
		goto out;
	if (regels_laad_tekst(
	            &r, "{\"regels\":[{\"aanleiding\":\"zaak_ontvangen\",\"sjabloon\":\"t\"}]}", s,
	            err, sizeof(err))) {
		struct waarden w = {0};
		for (int v = 0; v < VELD__COUNT; v++)
			w.v[v] = "waarde";
		/* Every placeholder it may use has a value: it renders. */
		if (!sjabloon_vul(r.sjablonen[0].tekst, &w, out, SJABLOON_TEKST_MAX * 4) ||
		    strlen(out) >= SJABLOON_TEKST_MAX * 4)
			abort();
		regels_free(&r);
	} else if (!err[0]) {
		abort();
	}
	json_decref(s);
out:
	free(tekst);
	free(out);
}

static void
als_abonnementen(const uint8_t *data, size_t size)
{
	char *tekst = malloc(size + 1);
	struct abonnementen a;
	char err[256];

	if (!tekst)
		abort();
	memcpy(tekst, data, size);
	tekst[size] = '\0';
	if (abonnementen_parse(&a, tekst, err, sizeof(err)))
		for (int i = 0; i < a.n; i++)
			if (strpbrk(a.a[i].authorization, "\r\n"))
				abort();
	free(tekst);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	als_voorkeur(data, size);
	als_retry_after(data, size);
	als_sjabloon(data, size);
	als_abonnementen(data, size);
	return 0;
}
