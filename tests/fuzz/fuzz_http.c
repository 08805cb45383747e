/*
 * fuzz_http.c — libFuzzer target for what the Track & Trace API makes of a
 * request before any policy runs. The first input byte picks the part:
 *   0: the rest is a path: the control-character check, then the route
 *      matcher against the API's patterns (a matched parameter never holds a
 *      NUL or control character the check let through);
 *   1: the rest is a query string: parsed, then read as the list's and the
 *      timeline's parameters, and the GET form's refusal of names in a URL;
 *   2: the rest is a POST _zoek body: JSON to a query, then the list's
 *      parameters;
 *   3: the rest is a reason: checked, trimmed, and masked for the record.
 * Never a crash, never a leak, every output bounded.
 */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "../../services/status/trackandtrace.h"
#include "access/freetext.h"
#include "http/http.h"

static const char *const patronen[] = {"/api/v1/zaken", "/api/v1/zaken/_zoek",
                                       "/api/v1/zaken/{identificatie}", "/a/{x}/b/{y}"};

static char *
tekst(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static void
pad(const char *s)
{
	bool stuur = http_path_has_control(s);

	for (size_t i = 0; i < sizeof(patronen) / sizeof(patronen[0]); i++) {
		char *params[HTTP_MAX_PARAMS];
		int n = 0;

		if (!http_path_match(patronen[i], s, params, &n))
			continue;
		for (int k = 0; k < n; k++) {
			/* What the check passes, the matcher hands over whole and clean. */
			for (const char *c = params[k]; !stuur && *c; c++)
				if ((unsigned char)*c < 0x20 || *c == 0x7f)
					abort();
			free(params[k]);
		}
	}
}

static void
lijst(const struct evkeyvalq *q)
{
	struct tt_lijst_params lp;
	struct tt_zaak_params zp;

	json_decref(tt_lijst_params(q, &lp));
	json_decref(tt_lijst_in_url(&lp));
	if (lp.reden && strlen(lp.reden) >= FREETEXT_REDEN_BUF)
		abort();
	json_decref(tt_zaak_params(q, &zp));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evkeyvalq q, leeg;
	char *s, uit[FREETEXT_REDEN_BUF], klein[9];
	json_t *body;

	if (size < 1)
		return 0;
	s = tekst(data + 1, size - 1);
	switch (data[0] % 5) {
	case 0:
		pad(s);
		break;
	case 1:
		TAILQ_INIT(&q);
		if (evhttp_parse_query_str(s, &q) == 0)
			lijst(&q);
		evhttp_clear_headers(&q);
		break;
	case 2:
		TAILQ_INIT(&leeg);
		body = json_loadb(s, size - 1, JSON_REJECT_DUPLICATES, NULL);
		if (body) {
			json_t *f = tt_zoek_query(body, &leeg, &q);

			if (!f)
				lijst(&q);
			json_decref(f);
			evhttp_clear_headers(&q);
			json_decref(body);
		}
		break;
	case 3:
		/* The timeline's headers: the input as ZS-Reden (and ZS-Doel). */
		TAILQ_INIT(&leeg);
		json_decref(tt_zaak_query(&leeg, s, s, &q));
		lijst(&q);
		evhttp_clear_headers(&q);
		break;
	default:
		freetext_reden(s, uit);
		freetext_recordable(s, FREETEXT_REDEN_MAX, uit, sizeof(uit));
		freetext_recordable(s, 200, klein, sizeof(klein));
		if (strlen(uit) >= sizeof(uit) || strlen(klein) >= sizeof(klein))
			abort();
		break;
	}
	free(s);
	return 0;
}
