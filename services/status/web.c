/*
 * web.c — the resident's page: static files, its login configuration and
 * the development login.
 */
#include "web.h"
#include "core/config.h"
#include "core/log.h"
#include "http/static.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEV_TOKEN_TTL 3600

struct web {
	struct http_static *files;
	struct toegang *t;
	bool dev_login;
};

static void
setup_fout(const char *msg, const char *detail, const char *hint)
{
	log_write(LOG_ERROR,
	          &(struct log_ctx){.partition = -1, .offset = -1, .detail = detail, .hint = hint},
	          "%s", msg);
}

bool
web_origin(const char *url, char *out, size_t cap)
{
	const char *host, *end;
	size_t n;

	if (!url)
		return false;
	if (!strncmp(url, "https://", 8))
		host = url + 8;
	else if (!strncmp(url, "http://", 7))
		host = url + 7;
	else
		return false;
	end = host + strcspn(host, "/?#");
	if (end == host)
		return false;
	for (const char *c = host; c < end; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == ':' ||
		      *c == '[' || *c == ']'))
			return false;
	/* The rest must not smuggle anything into a header either. */
	for (const char *c = end; *c; c++)
		if (*c <= ' ' || *c == 0x7f || *c == ';' || *c == ',' || *c == '\'' || *c == '"')
			return false;
	n = (size_t)(end - url);
	if (n + 1 > cap)
		return false;
	memcpy(out, url, n);
	out[n] = '\0';
	return true;
}

bool
web_issuer_development(const char *issuer)
{
	char origin[256];
	const char *host, *port;
	size_t n;

	if (!strcmp(issuer, "zaakstroom-dev-clients"))
		return true;
	if (strncmp(issuer, "https://", 8) != 0 || !web_origin(issuer, origin, sizeof(origin)))
		return false;
	host = origin + 8;
	port = strchr(host, ':');
	n = port ? (size_t)(port - host) : strlen(host);
	return n > 5 && !strncmp(host + n - 5, ".test", 5);
}

void
web_csp(const char *others, char *out, size_t cap)
{
	/* No inline script or style, nothing from anywhere else; the page may
	 * only talk to its own API and, for the login, the token endpoint. */
	snprintf(out, cap,
	         "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
	         "font-src 'self'; connect-src 'self'%s%s; manifest-src 'self'; base-uri 'none'; "
	         "form-action 'self'; frame-ancestors 'none'",
	         others && *others ? " " : "", others ? others : "");
}

json_t *
web_dev_principal(const json_t *body, struct principal *out)
{
	const char *soort = json_string_value(json_object_get(body, "soort"));
	const json_t *claims = json_object_get(body, "claims");
	enum principal_kind kind;
	char why[200], reason[300];

	memset(out, 0, sizeof(*out));
	if (!json_is_object(body))
		return json_pack("[o]",
		                 http_invalid_param("body", "invalid",
		                                    "Stuur een JSON-object met soort en claims."));
	if (!soort || !principal_kind_from_name(soort, &kind) || kind == PRINCIPAL_APPLICATIE)
		return json_pack("[o]", http_invalid_param("soort", "invalid",
		                                           "Kies inwoner of medewerker."));
	if (!json_is_object(claims))
		return json_pack("[o]", http_invalid_param("claims", "required",
		                                           "Geef de gegevens van het token op."));
	if (!principal_from_claims(kind, claims, out, why, sizeof(why))) {
		snprintf(reason, sizeof(reason), "Deze gegevens kloppen niet (%s).", why);
		return json_pack("[o]", http_invalid_param("claims", "invalid", reason));
	}
	return NULL;
}

static void
handle_dev_token(struct http_req *r, void *arg)
{
	struct web *w = arg;
	struct principal p;
	json_t *body, *fouten;
	char err[256], *tok;

	body = http_json_body(r);
	if (!body)
		return;
	fouten = web_dev_principal(body, &p);
	json_decref(body);
	if (fouten) {
		http_problem(r, 400, "invalid", "Een of meer gegevens zijn niet goed ingevuld.",
		             NULL, fouten);
		return;
	}
	tok = jwt_mint(toegang_trust(w->t), &p, NULL, time(NULL), DEV_TOKEN_TTL, err, sizeof(err));
	if (!tok) {
		log_write(LOG_ERROR,
		          &(struct log_ctx){
		                  .partition = -1,
		                  .offset = -1,
		                  .detail = err,
		                  .hint = "run deploy/local/keys.sh to make the development "
		                          "keys next to the JWKS files"},
		          "development login could not mint a token");
		http_problem(r, 503, "niet_beschikbaar",
		             "Inloggen lukt nu niet. Probeer het later.", NULL, NULL);
		return;
	}
	zlog_warn("development login: token minted for a %s", principal_kind_name(p.kind));
	http_reply_json(r, 201, json_pack("{s:s, s:i}", "token", tok, "geldigS", DEV_TOKEN_TTL));
	free(tok);
}

/* Another API the page calls (zs-inzage, zs-notificatie): its origin joins
 * the others in connect-src. */
static bool
andere_api(const char *url, const char *setting, char *origins, size_t cap)
{
	char origin[256], msg[80];
	size_t n = strlen(origins);

	if (!url || !url[0])
		return true;
	if (!web_origin(url, origin, sizeof(origin))) {
		snprintf(msg, sizeof(msg), "invalid %s", setting);
		setup_fout(msg, "It must be an http(s) URL.",
		           "the daemon's base URL, e.g. https://mijn.denhaag.nl");
		return false;
	}
	if (!http_cors_allowed(origins, origin)) /* not listed yet */
		snprintf(origins + n, cap - n, "%s%s", n ? " " : "", origin);
	return true;
}

/* Settings that contradict each other stop the daemon: a development login
 * next to real issuers would let anyone be anyone. */
static bool
settings_ok(const struct web_config *cfg, const struct jwt_trust_set *trust, char *origin,
            size_t cap)
{
	bool oidc = cfg->oidc_authorize[0] || cfg->oidc_token[0] || cfg->oidc_client_id[0];

	origin[0] = '\0';
	if (oidc && !(cfg->oidc_authorize[0] && cfg->oidc_token[0] && cfg->oidc_client_id[0])) {
		setup_fout(
		        "incomplete OIDC login settings",
		        "ZS_WEB_OIDC_AUTHORIZE_URL, ZS_WEB_OIDC_TOKEN_URL and ZS_WEB_OIDC_CLIENT_ID"
		        " go together.",
		        "set all three, or none for a page without login");
		return false;
	}
	if (oidc && (!web_origin(cfg->oidc_authorize, origin, cap) ||
	             !web_origin(cfg->oidc_token, origin, cap))) {
		setup_fout(
		        "invalid OIDC login URL",
		        "ZS_WEB_OIDC_AUTHORIZE_URL and ZS_WEB_OIDC_TOKEN_URL must be http(s) URLs.",
		        "use the endpoints from the broker's openid-configuration");
		return false;
	}
	if (!andere_api(cfg->inzage, "ZS_WEB_INZAGE_URL", origin, cap) ||
	    !andere_api(cfg->notificatie, "ZS_WEB_NOTIFICATIE_URL", origin, cap))
		return false;
	if (!cfg->dev_login)
		return true;
	if (oidc) {
		setup_fout("development login refused",
		           "ZS_WEB_DEV_LOGIN is on while an OIDC login is configured.",
		           "switch ZS_WEB_DEV_LOGIN off in production");
		return false;
	}
	for (size_t i = 0; trust && i < trust->n; i++) {
		if (!web_issuer_development(trust->trusts[i].issuer)) {
			char detail[400];
			snprintf(
			        detail, sizeof(detail),
			        "ZS_JWT_TRUST trusts issuer %s, which is not a development issuer.",
			        trust->trusts[i].issuer);
			setup_fout("development login refused", detail,
			           "switch ZS_WEB_DEV_LOGIN off where real tokens are trusted");
			return false;
		}
	}
	return true;
}

static bool
add_config(struct web *w, const struct web_config *cfg)
{
	json_t *doc;
	char *s;
	bool ok;

	if (cfg->oidc_authorize[0])
		doc = json_pack("{s:s, s:{s:s, s:s, s:s, s:s}}", "login", "oidc", "oidc",
		                "authorize", cfg->oidc_authorize, "token", cfg->oidc_token,
		                "clientId", cfg->oidc_client_id, "scope", cfg->oidc_scope);
	else
		doc = json_pack("{s:o}", "login",
		                cfg->dev_login ? json_string("ontwikkel") : json_null());
	if (doc && cfg->inzage && cfg->inzage[0])
		json_object_set_new(doc, "inzage", json_string(cfg->inzage));
	if (doc && cfg->notificatie && cfg->notificatie[0])
		json_object_set_new(doc, "notificatie", json_string(cfg->notificatie));
	if (doc && cfg->vandaag && cfg->vandaag[0])
		json_object_set_new(doc, "vandaag", json_string(cfg->vandaag));
	s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	ok = s && http_static_add(w->files, "/config.json", "application/json", s, strlen(s));
	free(s);
	return ok;
}

struct web *
web_setup(const struct web_config *cfg, struct toegang *t)
{
	struct web *w = calloc(1, sizeof(*w));
	char origin[600], csp[1200], err[300], root[1024];

	if (!w)
		return NULL;
	w->t = t;
	w->dev_login = cfg->dev_login;
	if (!settings_ok(cfg, toegang_trust(t), origin, sizeof(origin)))
		goto fail;
	if (!cfg->root[0]) {
		zlog_info("no web page (ZS_WEB_ROOT is empty)");
		return w;
	}
	if (cfg->root[0] == '/')
		snprintf(root, sizeof(root), "%s", cfg->root);
	else
		zs_path(root, sizeof(root), cfg->root);
	if (access(root, F_OK) != 0 && !strcmp(cfg->root, WEB_ROOT_DEFAULT)) {
		/* A checkout where the page was never built still runs the API. */
		zlog_warn("no web page: %s does not exist (make web builds it)", root);
		return w;
	}
	web_csp(origin, csp, sizeof(csp));
	w->files = http_static_load(root, csp, err, sizeof(err));
	if (!w->files) {
		setup_fout("could not load the web page", err,
		           "build it with make web, or set ZS_WEB_ROOT empty for no page");
		goto fail;
	}
	if (!http_static_find(w->files, "/index.html")) {
		setup_fout("could not load the web page", "index.html is missing",
		           "build it with make web");
		goto fail;
	}
	if (!add_config(w, cfg))
		goto fail;
	if (cfg->dev_login)
		zlog_warn(
		        "development login is on: anyone can log in as anyone (ZS_WEB_DEV_LOGIN)");
	zlog_info("web page: %d files from %s", http_static_count(w->files), root);
	return w;
fail:
	web_free(w);
	return NULL;
}

void
web_routes(struct web *w, struct http_pool *pool)
{
	if (!w)
		return;
	http_pool_static(pool, w->files);
	if (w->dev_login)
		http_pool_route_arg(pool, "POST", "/api/v1/ontwikkel/token", handle_dev_token, w);
}

void
web_free(struct web *w)
{
	if (!w)
		return;
	http_static_free(w->files);
	free(w);
}
