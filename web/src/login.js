// login.js — who is looking. Production: the municipality's OIDC broker
// (DigiD/eHerkenning), authorization code flow with PKCE, run by the page
// itself. Development: a token minted by the daemon for a test person. The
// token stays in this module's memory: never in localStorage or a cookie.

import { vraag } from "./api.js";

let token = null;
let claims = null;

export function huidigToken() {
  return token;
}

export function wie() {
  return claims;
}

export function uitloggen() {
  token = null;
  claims = null;
}

function b64url(bytes) {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function zet(t) {
  const deel = t.split(".")[1] || "";
  const json = atob(deel.replace(/-/g, "+").replace(/_/g, "/"));
  claims = JSON.parse(decodeURIComponent(escape(json)));
  token = t;
}

export async function ontwikkelLogin(soort, tokenClaims) {
  const doc = await vraag("/api/v1/ontwikkel/token", null, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ soort, claims: tokenClaims }),
  });
  zet(doc.token);
}

const PKCE = "zs-pkce"; // the verifier must survive the redirect; it is not a token

export async function oidcStart(cfg) {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PKCE, JSON.stringify({ verifier, state }));
  const u = new URL(cfg.authorize);
  u.search = new URLSearchParams({
    response_type: "code",
    client_id: cfg.clientId,
    redirect_uri: `${location.origin}/`,
    scope: cfg.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  }).toString();
  location.assign(u.toString());
}

// Back from the broker with ?code=&state=: exchange the code (with the
// verifier) for the token. Returns true when logged in, false when this was
// no callback; throws when the callback is not ours or the exchange fails.
export async function oidcTerug(cfg) {
  const q = new URLSearchParams(location.search);
  if (!q.has("code") && !q.has("error")) return false;
  const bewaard = JSON.parse(sessionStorage.getItem(PKCE) || "null");
  sessionStorage.removeItem(PKCE);
  history.replaceState(null, "", location.pathname + location.hash);
  if (q.has("error") || !bewaard || q.get("state") !== bewaard.state) throw new Error("login geweigerd");
  const r = await fetch(cfg.token, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: q.get("code"),
      redirect_uri: `${location.origin}/`,
      client_id: cfg.clientId,
      code_verifier: bewaard.verifier,
    }),
    credentials: "omit",
    cache: "no-store",
  });
  if (!r.ok) throw new Error("token geweigerd");
  const doc = await r.json();
  zet(doc.access_token);
  return true;
}
