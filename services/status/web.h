/*
 * web.h — the resident's page ("Mijn zaken", web/) on the status daemon's
 * HTTP port, next to the Track & Trace API it calls:
 *
 *   GET /, /app.js, /css/..., ...      the built page (ZS_WEB_ROOT), from memory
 *   GET /config.json                   how the page logs in (from the settings)
 *   POST /api/v1/ontwikkel/token       development login (ZS_WEB_DEV_LOGIN only)
 *
 * Login in production is the municipality's OIDC broker (DigiD/eHerkenning):
 * the page runs the authorization code flow with PKCE itself against
 * ZS_WEB_OIDC_AUTHORIZE_URL / ZS_WEB_OIDC_TOKEN_URL and keeps the token in
 * memory. The development login mints a token with the development keys for
 * whoever asks, so it is refused unless every trusted issuer is a development
 * one and no OIDC login is configured.
 */
#ifndef ZS_STATUS_WEB_H
#define ZS_STATUS_WEB_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "access/jwt.h"
#include "access/principal.h"
#include "access/toegang.h"
#include "http/http_pool.h"

#define WEB_ROOT_DEFAULT "web/dist"

struct web_config {
	const char *root; /* folder of the built page; "" = no page */
	bool dev_login;
	const char *oidc_authorize, *oidc_token, *oidc_client_id, *oidc_scope;
	const char *inzage;      /* zs-inzage's base URL for "mijn gegevens"; "" = not shown */
	const char *notificatie; /* zs-notificatie's, for the voorkeuren; "" = not shown */
	const char *vandaag;     /* ZS_VANDAAG: the page's "today" too; "" = the browser's clock */
};

struct web;

/* NULL (logged, with a hint) when the settings contradict each other or the
 * page cannot be read. */
struct web *web_setup(const struct web_config *cfg, struct toegang *t);
/* Before http_pool_start. */
void web_routes(struct web *w, struct http_pool *pool);
void web_free(struct web *w);

/* Pure parts, unit-tested. */

/* "https://host:port" of an http(s) URL without characters that could break
 * out of a header value; false otherwise. */
bool web_origin(const char *url, char *out, size_t cap);
/* Whether an issuer can only be a development one: "zaakstroom-dev-clients"
 * or an https URL whose host is under .test (RFC 2606: never a real site). */
bool web_issuer_development(const char *issuer);
/* The Content-Security-Policy of the page: only its own origin, plus for
 * connect-src the other origins it calls (the OIDC token endpoint, zs-inzage),
 * space-separated in others ("" for none). */
void web_csp(const char *others, char *out, size_t cap);
/* A development login request {"soort": "inwoner"|"medewerker", "claims":
 * {...}} as a principal; NULL on success, else the invalidParams array. */
json_t *web_dev_principal(const json_t *body, struct principal *out);

#endif
