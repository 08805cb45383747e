"""System tests of the Track & Trace API on the status daemon, against the real
Kafka broker and PostgreSQL: who sees which zaken (resident, gemachtigde, KCC
employee, an employee's own zaak, a shielded person), what a timeline shows,
every permit and deny recorded on the raadplegingen topic, bad tokens and bad
parameters, and pagination.

One status daemon and one data set serve the whole module (the daemon's start
dominates a test's time); each test asks its own questions. Tokens are minted
with `zs token` from keys made for this run (deploy/local/keys.sh)."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import signal
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import jsonschema
import pytest
import yaml

from test_status import CATALOGUS, geef, opdracht, registratie, script
from zaakstroom import ROOT, Daemon, Stack, aanvraag, wait_until

START = "2026-03-02"


def bsn(n):
    """The n-th BSN that passes the elfproef, from 100000000 up (test data)."""
    found = 0
    for x in range(100000009, 999999999, 1):
        s = f"{x:09d}"
        if (sum(int(s[i]) * (9 - i) for i in range(8)) - int(s[8])) % 11 == 0:
            found += 1
            if found == n:
                return s
    raise ValueError(n)


A, B, G, E, S, M, K = (bsn(i) for i in range(1, 8))  # resident, other, gemachtigde, employee, shielded, many, kcc
C, SG = bsn(8), bsn(9)  # a resident whose gemachtigde SG is shielded
VEEL = 23  # zaken of M: three pages of ten


def zaak_van(initiator, nummer, soort="SUBSIDIE", gemachtigde=None, geheim=False, gemachtigde_geheim=False):
    z = registratie(soort, start=START, nummer=nummer)
    rollen = [{"omschrijvingGeneriek": "initiator",
               "betrokkene": {"betrokkeneType": "natuurlijk_persoon", "inpBsn": initiator, "geheimhouding": geheim},
               "indicatieMachtiging": "machtiginggever" if gemachtigde else None}]
    if gemachtigde:
        rollen.append({"omschrijvingGeneriek": "belanghebbende",
                       "betrokkene": {"betrokkeneType": "natuurlijk_persoon", "inpBsn": gemachtigde,
                                      "geheimhouding": gemachtigde_geheim},
                       "indicatieMachtiging": "gemachtigde"})
    z["rollen"] = rollen
    return z


class World:
    def __init__(self, stack, daemon):
        self.stack = stack
        self.d = daemon
        self.zaken = {}  # name → identificatie

    def token(self, *args):
        return self.stack.zs("token", *args).stdout.strip()

    def get(self, path, token=None, traceparent=None, headers=None):
        """(status, headers, body) of GET path."""
        h = dict(headers or {})
        if token:
            h["Authorization"] = f"Bearer {token}"
        if traceparent:
            h["traceparent"] = traceparent
        req = urllib.request.Request(self.d.url(path), headers=h)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, dict(r.headers), json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), json.loads(e.read() or b"null")

    def zoek(self, body, token=None, traceparent=None, path="/api/v1/zaken/_zoek", raw=None):
        """(status, headers, body) of POST /api/v1/zaken/_zoek with body as JSON."""
        h = {"Content-Type": "application/json"}
        if token:
            h["Authorization"] = f"Bearer {token}"
        if traceparent:
            h["traceparent"] = traceparent
        data = raw if raw is not None else json.dumps(body).encode()
        req = urllib.request.Request(self.d.url(path), data=data, headers=h, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, dict(r.headers), json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), json.loads(e.read() or b"null")

    def pseudoniem(self, nummer, soort="BSN"):
        key = bytes.fromhex(self.stack.env["ZS_PSEUDONIEM_SLEUTEL"])
        return hmac.new(key, soort.encode() + b"\x00" + nummer.encode(), hashlib.sha256).hexdigest()

    def raadplegingen(self, trace):
        """Every GegevensGeraadpleegd record of the requests with this trace id.
        Complete once their replies came: a reply waits until Kafka has
        acknowledged every record of its request."""
        msgs = self.stack.read_written("raadplegingen", timeout=30)
        return [m for m in msgs if m.value and m.value["traceId"] == trace]


OPENAPI = yaml.safe_load((ROOT / "services" / "status" / "openapi.yaml").read_text())


def _json_schema(node):
    """An OpenAPI 3.0 schema as JSON Schema: $refs inlined, nullable as a null
    type, and no properties beyond the documented ones (the document must say
    exactly what the API sends)."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _json_schema(OPENAPI["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]])
    out = {k: _json_schema(v) for k, v in node.items() if k not in ("nullable", "example", "description")}
    if "properties" in out:
        out.setdefault("additionalProperties", False)
    if node.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def past(body, schema):
    """body is what openapi.yaml says schema is."""
    jsonschema.validate(body, _json_schema({"$ref": f"#/components/schemas/{schema}"}))


def trace():
    t = secrets.token_hex(16)
    return t, f"00-{t}-{secrets.token_hex(8)}-01"


def reden_kop(reden):
    """The KCC's reason as the timeline takes it: a header, percent-encoded."""
    return {"ZS-Reden": urllib.parse.quote(reden)}


@pytest.fixture(scope="module")
def world(infra):
    name = infra.database_name("trackandtrace")
    url = infra.create_database(name)
    stack = Stack(infra, url, "trackandtrace")
    try:
        stack.zs("catalogus", "publish")
        intake = stack.daemon("intake")
        d = stack.daemon("status", ZS_VANDAAG="2026-02-01")
        w = World(stack, d)
        nr = iter(range(5001, 6000))  # identificaties apart from those intake gives out

        def zet(naam, z):
            stack.produce("zaken", z["uuid"], z, record="ZaakGeregistreerd", flush=False)
            w.zaken[naam] = z["identificatie"]
            return z["uuid"]

        a_dicht = zet("a_dicht", zaak_van(A, next(nr)))
        zet("a_open", zaak_van(A, next(nr), soort="TERUGBEL"))
        zet("a_gemachtigd", zaak_van(A, next(nr), gemachtigde=G))
        zet("b", zaak_van(B, next(nr)))
        zet("e", zaak_van(E, next(nr)))
        zet("s_direct", zaak_van(S, next(nr), geheim=True))
        zet("c_sg", zaak_van(C, next(nr), gemachtigde=SG, gemachtigde_geheim=True))
        for i in range(VEEL):
            zet(f"m{i}", zaak_van(M, next(nr), soort="TERUGBEL" if i % 2 else "SUBSIDIE"))
        stack.flush()
        # One shielded resident's aanvraag goes all the way through intake:
        # geheimhouding must travel from the portal to the read model.
        doc = aanvraag()
        doc["initiator"] = {"betrokkeneType": "natuurlijk_persoon", "inpBsn": S, "geheimhouding": True}
        stack.produce("aanvragen", doc["aanvraagId"], doc, record="AanvraagIngediend")
        # A's first zaak walks to its end: statuses, opschorting, verlenging, besluit, resultaat.
        for soort, o in script(a_dicht, 0):
            geef(stack, soort, o, flush=False)
        stack.flush()
        n_zaken = 7 + VEEL + 1
        wait_until(lambda: stack.scalar("select count(*) from status.zaken") == n_zaken, 60, what="every zaak")
        wait_until(lambda: stack.scalar("select einddatum from status.zaken where uuid = %s", (a_dicht,)), 60,
                   what="A's first zaak to close")
        w.zaken["s_intake"] = stack.scalar(
            "select z.identificatie from status.zaken z join status.betrokkenen b on b.zaak = z.uuid"
            " where b.nummer = %s and z.aanvraag_id = %s", (S, doc["aanvraagId"]))
        intake.stop()
        yield w
    finally:
        stack.close()
        if os.environ.get("ZS_TEST_KEEP") != "1":
            infra.drop_database(name)


def ids(body):
    return [z["identificatie"] for z in body["results"]]


def test_a_resident_sees_their_own_zaken_and_no_one_elses(world):
    tok = world.token("inwoner", "--bsn", A, "--loa", "midden")
    status, headers, body = world.get("/api/v1/zaken", tok)
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert set(ids(body)) == {world.zaken["a_dicht"], world.zaken["a_open"], world.zaken["a_gemachtigd"]}
    assert body["next"] is None and "count" not in body
    past(body, "ZaakLijst")
    open_, = [z for z in body["results"] if z["identificatie"] == world.zaken["a_open"]]
    assert open_["status"]["statustekst"] == CATALOGUS["TERUGBEL"]["statustypen"][0]["statustekst"]
    assert open_["einddatum"] is None and open_["url"] == f"/api/v1/zaken/{world.zaken['a_open']}"
    # Filters.
    _, _, body = world.get("/api/v1/zaken?status=gesloten", tok)
    assert ids(body) == [world.zaken["a_dicht"]]
    _, _, body = world.get("/api/v1/zaken?status=open", tok)
    assert world.zaken["a_dicht"] not in ids(body) and len(ids(body)) == 2
    # Someone else's zaak is not found: the same answer as one that does not exist.
    st, _, other = world.get(f"/api/v1/zaken/{world.zaken['b']}", tok)
    st2, _, none = world.get("/api/v1/zaken/ZAAK-2026-0999999999", tok)
    assert st == st2 == 404
    assert {k: v for k, v in other.items() if k != "instance"} == {k: v for k, v in none.items() if k != "instance"}
    assert other["code"] == "not_found"


def test_the_timeline_shows_every_status_the_deadlines_and_the_data_used(world):
    tok = world.token("inwoner", "--bsn", A, "--loa", "midden")
    st, _, t = world.get(f"/api/v1/zaken/{world.zaken['a_dicht']}", tok)
    assert st == 200, t
    past(t, "Tijdlijn")
    typen = CATALOGUS["SUBSIDIE"]["statustypen"]
    assert [s["volgnummer"] for s in t["statussen"]] == [1, 2, 3, 4, 5]
    assert [s["statustekst"] for s in t["statussen"]] == [st_["statustekst"] for st_ in typen]
    assert all(s["datumStatusGezet"].endswith("Z") for s in t["statussen"])
    assert t["status"]["volgnummer"] == 5 and t["status"]["isEindstatus"] is True
    assert t["voortgang"] == {"stap": 5, "aantalStappen": 5, "volgende": []}
    assert t["detailniveau"] == "volledig"
    # Suspension and extension with their reasons; the decision with its bezwaar date.
    assert [o["reden"] for o in t["opschortingen"]] == ["Wacht op informatie"]
    assert t["opschortingen"][0]["tot"] is not None and t["opschorting"]["indicatie"] is False
    assert [(v["reden"], v["duur"]) for v in t["verlengingen"]] == [("Advies nodig", "P1W")]
    assert t["resultaat"]["omschrijving"] == "Toegekend"
    (besluit,) = t["besluiten"]
    assert besluit["besluittype"] == "Subsidiebeschikking" and besluit["uiterlijkeReactiedatum"]
    assert dt.date.fromisoformat(besluit["uiterlijkeReactiedatum"]) > dt.date.fromisoformat(besluit["datum"])
    assert t["einddatumGepland"] and t["uiterlijkeEinddatumAfdoening"] and t["einddatum"]
    # The data used, each with its purpose and legal basis, and its value for the person themselves.
    (gegeven,) = t["gebruikteGegevens"]
    assert gegeven == {"naam": "postcode", "waarde": "2511 AB", "doel": "Adres van de woning",
                       "grondslag": "Algemene subsidieverordening", "persoonsgegeven": True}
    assert t["verwerkingsactiviteit"]["grondslag"] == CATALOGUS["SUBSIDIE"]["verwerkingsactiviteit"]["grondslag"]
    assert t["berichten"] == []
    # An open zaak: step 1 of 3, and what comes next.
    _, _, o = world.get(f"/api/v1/zaken/{world.zaken['a_open']}", tok)
    assert o["voortgang"]["stap"] == 1 and o["voortgang"]["aantalStappen"] == 3
    assert [s["volgnummer"] for s in o["voortgang"]["volgende"]] == [2, 3]


def test_a_gemachtigde_sees_exactly_the_zaken_of_whom_they_act_for(world):
    tok = world.token("inwoner", "--bsn", G, "--loa", "midden", "--machtiging", A)
    _, _, body = world.get("/api/v1/zaken", tok)
    assert set(ids(body)) == {world.zaken["a_dicht"], world.zaken["a_open"], world.zaken["a_gemachtigd"]}
    _, _, body = world.zoek({"namens": A}, tok)
    assert len(ids(body)) == 3
    # An open zaak in full, a closed one as a summary.
    _, _, t = world.get(f"/api/v1/zaken/{world.zaken['a_open']}", tok)
    assert t["detailniveau"] == "volledig"
    _, _, t = world.get(f"/api/v1/zaken/{world.zaken['a_dicht']}", tok)
    assert t["detailniveau"] == "samenvatting" and "reden" not in t["opschortingen"][0]
    # No machtiging for B: not B's zaken, and namens=B is refused.
    st, _, _ = world.get(f"/api/v1/zaken/{world.zaken['b']}", tok)
    assert st == 404
    st, _, p = world.zoek({"namens": B}, tok)
    assert st == 403 and p["code"] == "geen_machtiging"
    # A machtiging limited to another zaaktype shows nothing of A's subsidie zaken.
    beperkt = world.token("inwoner", "--bsn", G, "--loa", "midden", "--machtiging", f"{A}:TERUGBELNOTITIE")
    _, _, body = world.get("/api/v1/zaken", beperkt)
    assert ids(body) == [world.zaken["a_open"]]


def test_a_kcc_employee_needs_a_reason_and_sees_a_summary(world):
    tok = world.token("medewerker", "--id", "k.klant", "--rol", "kcc-medewerker", "--bsn", K)
    st, _, p = world.zoek({"bsn": A}, tok)
    assert st == 400 and [i["name"] for i in p["invalidParams"]] == ["reden"]
    st, _, p = world.get(f"/api/v1/zaken/{world.zaken['a_dicht']}", tok)
    assert st == 400 and p["invalidParams"][0]["name"] == "reden"
    st, _, body = world.zoek({"bsn": A, "reden": "belt over de status van zijn aanvraag"}, tok)
    assert st == 200 and len(ids(body)) == 3
    st, _, t = world.get(f"/api/v1/zaken/{world.zaken['a_dicht']}", tok,
                         headers=reden_kop("belt over de status van zijn aanvraag"))
    assert st == 200 and t["detailniveau"] == "samenvatting"
    past(t, "Tijdlijn")
    assert "gebruikteGegevens" not in t and "2511 AB" not in json.dumps(t)
    assert "reden" not in t["opschortingen"][0] and "toelichting" not in t["besluiten"][0]


def test_an_employee_cannot_open_their_own_zaak(world):
    reden = "controle"
    for rol in ("kcc-medewerker", "behandelaar"):
        tok = world.token("medewerker", "--id", "e.eigen", "--rol", rol, "--bsn", E,
                          "--afdeling", "Dienst Stedelijke Ontwikkeling, afdeling Milieu en Geluid")
        st, _, p = world.get(f"/api/v1/zaken/{world.zaken['e']}", tok, headers=reden_kop(reden))
        assert st == 404 and p["code"] == "not_found", rol
        _, _, body = world.zoek({"bsn": E, "reden": reden}, tok)
        assert ids(body) == [], rol
    # The same employee does see a colleague's resident's zaak of their department.
    _, _, t = world.get(f"/api/v1/zaken/{world.zaken['b']}", tok, headers=reden_kop(reden))
    assert t["identificatie"] == world.zaken["b"]


def test_a_shielded_persons_zaken_do_not_show_for_the_kcc(world):
    assert world.zaken["s_intake"], "intake carried the aanvraag"
    assert world.stack.scalar("select count(*) from status.zaken z join status.betrokkenen b on b.zaak = z.uuid"
                              " where b.nummer = %s and z.afgeschermd", (S,)) == 2
    kcc = world.token("medewerker", "--id", "k.klant", "--rol", "kcc-medewerker", "--bsn", K)
    st, _, body = world.zoek({"bsn": S, "reden": "vraag"}, kcc)
    assert st == 200 and body == {"next": None, "results": []}
    for naam in ("s_direct", "s_intake"):
        st, _, p = world.get(f"/api/v1/zaken/{world.zaken[naam]}", kcc, headers=reden_kop("vraag"))
        assert st == 404 and p["code"] == "not_found"
    # The person themselves sees both.
    eigen = world.token("inwoner", "--bsn", S, "--loa", "midden")
    _, _, body = world.get("/api/v1/zaken", eigen)
    assert set(ids(body)) == {world.zaken["s_direct"], world.zaken["s_intake"]}


def test_every_permit_and_deny_is_recorded_with_a_pseudonym_and_the_trace(world):
    tok = world.token("inwoner", "--bsn", A, "--loa", "midden")
    t_list, tp = trace()
    st, headers, _ = world.get("/api/v1/zaken", tok, traceparent=tp)
    assert st == 200 and headers["traceparent"].split("-")[1] == t_list
    (rec,) = world.raadplegingen(t_list)
    v = rec.value
    assert rec.key == v["betrokkene"] == world.pseudoniem(A) and v["betrokkeneType"] == "natuurlijk_persoon"
    assert v["actor"] == {"type": "inwoner", "identificatie": world.pseudoniem(A), "rol": "inwoner",
                          "gebruikersId": None, "gebruikersWeergave": None}
    assert (v["actie"], v["besluit"], v["regel"], v["zaak"], v["doel"]) == \
        ("zaken.lijst", "permit", "inwoner-eigen-zaak", None, "track_en_trace")
    assert A not in rec.raw.decode("latin-1") and rec.headers["traceparent"].split("-")[1] == t_list

    # A deny: the resident asks for B's zaak.
    t_deny, tp = trace()
    assert world.get(f"/api/v1/zaken/{world.zaken['b']}", tok, traceparent=tp)[0] == 404
    (rec,) = world.raadplegingen(t_deny)
    v = rec.value
    assert (v["actie"], v["besluit"], v["regel"], v["betrokkene"]) == \
        ("zaak.tijdlijn", "deny", "standaard-weigeren", world.pseudoniem(B))
    assert v["zaakIdentificatie"] == world.zaken["b"] and v["detailniveau"] is None

    # The KCC: tijdlijn permitted with its reason, the data used denied.
    kcc = world.token("medewerker", "--id", "k.klant", "--rol", "kcc-medewerker", "--bsn", K)
    t_kcc, tp = trace()
    world.get(f"/api/v1/zaken/{world.zaken['a_open']}", kcc, traceparent=tp, headers=reden_kop("terugbelverzoek"))
    rs = world.raadplegingen(t_kcc)
    recs = {r.value["actie"]: r.value for r in rs}
    assert len(rs) == len(recs) == 2
    assert recs["zaak.tijdlijn"]["besluit"] == "permit" and recs["zaak.tijdlijn"]["regel"] == "kcc-samenvatting"
    assert recs["zaak.tijdlijn"]["detailniveau"] == "samenvatting"
    assert recs["zaak.tijdlijn"]["reden"] == "terugbelverzoek" and recs["zaak.tijdlijn"]["doel"] == "klantcontact"
    assert recs["zaak.tijdlijn"]["actor"] == {"type": "medewerker", "identificatie": "k.klant",
                                              "rol": "kcc-medewerker", "gebruikersId": None,
                                              "gebruikersWeergave": None}
    assert recs["zaak.gegevens"]["besluit"] == "deny"
    assert recs["zaak.tijdlijn"]["grondslag"] and recs["zaak.gegevens"]["grondslag"] is None

    # A shielded person in a KCC list: a deny under afscherming, recorded for the DPO.
    t_s, tp = trace()
    world.zoek({"bsn": S, "reden": "vraag"}, kcc, traceparent=tp)
    (rec,) = world.raadplegingen(t_s)
    assert rec.value["besluit"] == "deny" and rec.value["betrokkene"] == world.pseudoniem(S)

    # A gemachtigde listing for two people: one record per betrokkene.
    gem = world.token("inwoner", "--bsn", G, "--loa", "midden", "--machtiging", A)
    t_g, tp = trace()
    world.get("/api/v1/zaken", gem, traceparent=tp)
    rs = world.raadplegingen(t_g)
    recs = {r.value["betrokkene"]: r.value for r in rs}
    assert len(rs) == len(recs) == 2
    assert set(recs) == {world.pseudoniem(A), world.pseudoniem(G)}
    assert recs[world.pseudoniem(A)]["actor"]["type"] == "gemachtigde"
    assert recs[world.pseudoniem(A)]["besluit"] == "permit"


def hs256(claims, kid="gzac", secret=None, alg="HS256"):
    def b64(b):
        return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

    head = b64(json.dumps({"alg": alg, "typ": "JWT", "kid": kid}).encode())
    body = b64(json.dumps(claims).encode())
    if alg == "none":
        return f"{head}.{body}."
    mac = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(mac)}"


def test_bad_tokens_are_401_problems_with_their_code(world):
    with open(os.path.join(world.stack.env["ZS_KEYS_DIR"], "applicatie.jwks")) as f:
        jwks = json.load(f)
    (key,) = [k for k in jwks["keys"] if k["kid"] == "gzac"]
    secret = base64.urlsafe_b64decode(key["k"] + "=" * (-len(key["k"]) % 4))
    now = int(time.time())
    claims = {"iss": "zaakstroom-dev-clients", "aud": "zaakstroom", "client_id": "gzac", "iat": now - 10,
              "exp": now + 600}
    assert world.zoek({"bsn": A}, hs256(claims, secret=secret))[0] == 200
    gevallen = [
        (None, "token.ontbreekt"),
        ("dit-is-geen-token", "token.formaat"),
        (hs256(dict(claims, exp=now - 3600), secret=secret), "token.verlopen"),
        (hs256(dict(claims, aud="iemand-anders"), secret=secret), "token.publiek"),
        (hs256(claims, alg="none"), "token.algoritme"),
        (hs256(claims, secret=b"x" * 32), "token.handtekening"),
        (hs256(claims, kid="onbekend", secret=secret), "token.sleutel_onbekend"),
        # A token valid for thirty years is a standing key: capped per kind.
        (hs256(dict(claims, exp=now + 30 * 365 * 86400), secret=secret), "token.te_lang_geldig"),
        (hs256(dict(claims, iat=now - 7200, exp=now + 60), secret=secret), "token.te_lang_geldig"),
    ]
    for tok, code in gevallen:
        st, headers, p = world.get("/api/v1/zaken", tok)
        assert (st, p["code"]) == (401, code), tok
        assert headers["Content-Type"] == "application/problem+json" and "WWW-Authenticate" in headers
        assert p["status"] == 401 and p["title"] and p["instance"] == "/api/v1/zaken"
        past(p, "Fout")


def test_bad_parameters_are_400_problems_naming_the_parameter(world):
    tok = world.token("inwoner", "--bsn", A, "--loa", "midden")
    kcc = world.token("medewerker", "--id", "k.klant", "--rol", "kcc-medewerker", "--bsn", K)
    _, _, page = world.get(f"/api/v1/zaken?pageSize=1", tok)
    cursor = urllib.parse.parse_qs(urllib.parse.urlsplit(page["next"]).query)["cursor"][0]
    flipped = cursor[:5] + ("A" if cursor[5] != "A" else "B") + cursor[6:]
    gevallen = [
        (tok, "/api/v1/zaken?pageSize=0", "pageSize"),
        (tok, "/api/v1/zaken?pageSize=101", "pageSize"),
        (tok, "/api/v1/zaken?pageSize=tien", "pageSize"),
        (tok, "/api/v1/zaken?status=misschien", "status"),
        (tok, "/api/v1/zaken?cursor=garbage", "cursor"),
        (tok, f"/api/v1/zaken?cursor={flipped}", "cursor"),
        (tok, f"/api/v1/zaken?cursor={cursor}&status=open", "cursor"),  # another listing's cursor
        (tok, "/api/v1/zaken?status=open&status=gesloten", "status"),
        (tok, "/api/v1/zaken?zoek=alles", "zoek"),
        (tok, f"/api/v1/zaken?bsn={B}", "bsn"),
        (tok, "/api/v1/zaken?namens=123456789", "namens"),
        (kcc, "/api/v1/zaken?bsn=123456789&reden=x", "bsn"),
        (kcc, "/api/v1/zaken?reden=x", "bsn"),
        (kcc, f"/api/v1/zaken?bsn={A}&reden=%01", "reden"),
        (tok, "/api/v1/zaken/ZAAK%20%3B", "identificatie"),
        # A NUL byte once ended the identificatie: ZAAK-...%00anything was served as ZAAK-...
        (tok, f"/api/v1/zaken/{world.zaken['a_open']}%00anything", "path"),
        (tok, f"/api/v1/zaken/{world.zaken['a_open']}%0d%0aX-Injected:%201", "path"),
        (tok, f"/api/v1/zaken/{world.zaken['a_open']}%", "path"),
    ]
    for t, path, naam in gevallen:
        st, headers, p = world.get(path, t)
        assert st == 400, (path, p)
        assert headers["Content-Type"] == "application/problem+json"
        assert naam in [i["name"] for i in p["invalidParams"]], (path, p)
        assert all(i["reason"] for i in p["invalidParams"])
        past(p, "Fout")


def test_pagination_walks_every_zaak_once_newest_first(world):
    tok = world.token("inwoner", "--bsn", M, "--loa", "midden")
    gezien, pagina, path = [], 0, "/api/v1/zaken?pageSize=10"
    while path:
        st, _, body = world.get(path, tok)
        assert st == 200
        gezien += ids(body)
        pagina += 1
        assert len(body["results"]) == (10 if body["next"] else VEEL - 20)
        path = body["next"]
    assert pagina == 3
    verwacht = [r[0] for r in world.stack.sql(
        "select z.identificatie from status.zaken z join status.betrokkenen b on b.zaak = z.uuid"
        " where b.nummer = %s order by z.volgorde desc", (M,))]
    assert gezien == verwacht and len(set(gezien)) == VEEL
    # With a filter, the next link keeps it.
    _, _, body = world.get("/api/v1/zaken?pageSize=5&status=open", tok)
    assert "status=open" in body["next"]


def test_without_keys_the_daemon_refuses_to_start_and_says_how(world):
    env = {k: v for k, v in world.stack.env.items() if k != "ZS_JWT_TRUST"}
    d = Daemon("status", env, world.stack.dir / "status-zonder-sleutels.log")
    d.start(wait_ready=False)
    assert d.proc.wait(30) != 0
    log = d.log_text()
    assert "missing ZS_JWT_TRUST" in log and "deploy/local/keys.sh" in log


def test_sighup_reloads_the_policy_and_a_refused_policy_changes_nothing(world, tmp_path):
    matrix = json.loads((ROOT / "deploy" / "policy" / "autorisatiematrix.json").read_text())
    policy = tmp_path / "matrix.json"
    policy.write_text(json.dumps(matrix))
    d = world.stack.daemon("status", ZS_POLICY=str(policy), ZS_VANDAAG="2026-02-01")
    tok = world.token("inwoner", "--bsn", A, "--loa", "midden")
    pad = f"/api/v1/zaken/{world.zaken['a_open']}"
    url = d.url(pad)

    def status():
        req = urllib.request.Request(url, headers={"Authorization": f"Bearer {tok}"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    try:
        assert status() == 200
        # A matrix without the residents' rule: after SIGHUP, 404.
        matrix["versie"] = "2024.2"
        matrix["regels"] = [r for r in matrix["regels"] if r["id"] != "inwoner-eigen-zaak"]
        policy.write_text(json.dumps(matrix))
        d.proc.send_signal(signal.SIGHUP)
        wait_until(lambda: status() == 404, 10, what="the new policy")
        # A refused file (approved by its author) leaves the policy in force.
        matrix["goedgekeurdDoor"] = matrix["opgesteldDoor"]
        matrix["regels"] = json.loads((ROOT / "deploy" / "policy" / "autorisatiematrix.json").read_text())["regels"]
        policy.write_text(json.dumps(matrix))
        d.proc.send_signal(signal.SIGHUP)
        wait_until(lambda: "new policy refused" in d.log_text(), 10, what="the refusal")
        assert status() == 404
    finally:
        d.stop()


def test_no_data_leaves_when_its_raadpleging_cannot_be_recorded(infra):
    # Its own stack: the raadplegingen topic is taken away under a running
    # daemon. The reply must then be a 503 without zaak data, never the zaak
    # unrecorded; and once the topic is back, replies and records resume.
    from confluent_kafka.admin import AdminClient, NewTopic

    name = infra.database_name("tt_vastlegging")
    stack = Stack(infra, infra.create_database(name), "tt_vastlegging")
    try:
        stack.zs("catalogus", "publish")
        d = stack.daemon("status", ZS_VANDAAG="2026-02-01", ZS_RAADPLEGING_TIMEOUT_MS="1500")
        w = World(stack, d)
        z = zaak_van(A, 7001)
        stack.produce("zaken", z["uuid"], z, record="ZaakGeregistreerd")
        wait_until(lambda: stack.scalar("select count(*) from status.zaken") == 1, 60, what="the zaak")
        tok = w.token("inwoner", "--bsn", A)
        path = f"/api/v1/zaken/{z['identificatie']}"
        assert w.get(path, tok)[0] == 200

        admin = AdminClient({"bootstrap.servers": infra.brokers})
        topic = stack.topic("raadplegingen")
        admin.delete_topics([topic])[topic].result(timeout=30)
        wait_until(lambda: topic not in admin.list_topics(timeout=10).topics, 30, what="the topic gone")
        status, headers, body = w.get(path, tok)
        assert status == 503, body
        assert body["code"] == "niet_vastgelegd" and headers["Content-Type"] == "application/problem+json"
        # A problem document and nothing else (instance is the path the caller sent).
        assert set(body) <= {"type", "code", "title", "status", "detail", "instance"}, body
        status, _, body = w.get("/api/v1/zaken", tok)
        assert status == 503 and "results" not in body

        admin.create_topics([NewTopic(topic, 6, 1)])[topic].result(timeout=30)
        t, tp = trace()

        def weer_200():
            return w.get(path, tok, traceparent=tp)[0] == 200

        wait_until(weer_200, 60, interval=1, what="replies to resume once the topic is back")
        assert any(m.value["zaakIdentificatie"] == z["identificatie"] for m in w.raadplegingen(t))
    finally:
        stack.close()
        infra.drop_database(name)


# ---- The outside attack (issue 9): each attack as it was made, then what holds now. ----


def app_token(world, client_id, **extra):
    """An HS256 token of a service client, with the development secret of keys.sh."""
    with open(os.path.join(world.stack.env["ZS_KEYS_DIR"], "applicatie.jwks")) as f:
        (key,) = [k for k in json.load(f)["keys"] if k["kid"] == client_id]
    secret = base64.urlsafe_b64decode(key["k"] + "=" * (-len(key["k"]) % 4))
    now = int(time.time())
    return hs256(dict({"iss": "zaakstroom-dev-clients", "aud": "zaakstroom", "client_id": client_id,
                       "iat": now - 10, "exp": now + 600}, **extra), kid=client_id, secret=secret)


def kcc_token(world):
    return world.token("medewerker", "--id", "k.klant", "--rol", "kcc-medewerker", "--bsn", K)


def test_aanval_2_3_a_blank_or_missing_reason_is_a_recorded_denial(world):
    kcc = kcc_token(world)
    # "reden=%20" listed and opened zaken. Now it is no reason: 400 naming it ...
    t_zaak, tp = trace()
    st, _, p = world.get(f"/api/v1/zaken/{world.zaken['a_open']}", kcc, traceparent=tp, headers=reden_kop(" "))
    assert st == 400 and [i["name"] for i in p["invalidParams"]] == ["reden"]
    # ... and the look-up is recorded as a deny by the policy's own rule.
    (rec,) = world.raadplegingen(t_zaak)
    assert (rec.value["besluit"], rec.value["regel"], rec.value["betrokkene"]) == \
        ("deny", "kcc-reden-ontbreekt", world.pseudoniem(A))
    for body in ({"bsn": A, "reden": "   "}, {"bsn": A}, {"bsn": A, "reden": "belt"}):
        t_lijst, tp = trace()
        st, _, p = world.zoek(body, kcc, traceparent=tp)
        assert st == 400 and [i["name"] for i in p["invalidParams"]] == ["reden"], body
        (rec,) = world.raadplegingen(t_lijst)
        assert (rec.value["actie"], rec.value["besluit"], rec.value["regel"], rec.value["betrokkene"]) == \
            ("zaken.lijst", "deny", "kcc-reden-ontbreekt", world.pseudoniem(A)), body


def test_aanval_4_no_bsn_in_clear_on_the_audit_topic(world):
    kcc = kcc_token(world)
    t, tp = trace()
    reden = "belt namens 999990007, tel 06 1234 5678"
    st, _, _ = world.zoek({"bsn": A, "reden": reden}, kcc, traceparent=tp)
    assert st == 200
    (rec,) = world.raadplegingen(t)
    assert rec.value["reden"] == "belt namens *********, tel ** **** ****"
    assert b"999990007" not in rec.raw


def test_aanval_5_a_shielded_gemachtigde_shields_the_zaak(world):
    kcc = kcc_token(world)
    for wie in (SG, C):  # by the shielded gemachtigde, and by the initiator it was found through
        st, _, body = world.zoek({"bsn": wie, "reden": "inwoner belt"}, kcc)
        assert st == 200 and body["results"] == [], wie
    st, _, _ = world.get(f"/api/v1/zaken/{world.zaken['c_sg']}", kcc, headers=reden_kop("inwoner belt"))
    assert st == 404
    # The initiator and the shielded gemachtigde themselves (by machtiging) still see it.
    _, _, body = world.get("/api/v1/zaken", world.token("inwoner", "--bsn", C, "--loa", "midden"))
    assert ids(body) == [world.zaken["c_sg"]]
    _, _, body = world.get("/api/v1/zaken", world.token("inwoner", "--bsn", SG, "--loa", "midden",
                                                        "--machtiging", C))
    assert ids(body) == [world.zaken["c_sg"]]


def test_aanval_6_a_beheerder_sees_no_residents_zaken(world):
    beh = world.token("medewerker", "--id", "b.beheer", "--rol", "beheerder", "--bsn", K)
    t, tp = trace()
    st, _, body = world.zoek({"bsn": A}, beh, traceparent=tp)
    assert st == 200 and body["results"] == []
    (rec,) = world.raadplegingen(t)
    assert (rec.value["besluit"], rec.value["regel"], rec.value["doel"]) == ("deny", "standaard-weigeren", "beheer")
    assert world.get(f"/api/v1/zaken/{world.zaken['a_open']}", beh)[0] == 404


def test_aanval_7_8_each_application_its_own_grant_and_its_user_recorded(world):
    # The form builder has a key but no grant: nothing, recorded.
    formulieren = app_token(world, "open-formulieren")
    t, tp = trace()
    st, _, body = world.zoek({"bsn": A}, formulieren, traceparent=tp)
    assert st == 200 and body["results"] == []
    (rec,) = world.raadplegingen(t)
    assert (rec.value["besluit"], rec.value["regel"]) == ("deny", "applicatie-zonder-toekenning")
    assert world.get(f"/api/v1/zaken/{world.zaken['a_dicht']}", formulieren)[0] == 404
    # zac reads terugbelnotities only, and searches no one.
    zac = app_token(world, "zac")
    assert world.zoek({"bsn": A}, zac)[2]["results"] == []
    assert world.get(f"/api/v1/zaken/{world.zaken['a_open']}", zac)[0] == 200  # TERUGBELNOTITIE
    assert world.get(f"/api/v1/zaken/{world.zaken['a_dicht']}", zac)[0] == 404  # SUBSIDIE
    # gzac acting for a person: who that person is goes on the record.
    gzac = app_token(world, "gzac", user_id=A, user_representation=f"A. Jansen ({A})")
    t, tp = trace()
    st, _, t_ = world.get(f"/api/v1/zaken/{world.zaken['a_open']}", gzac, traceparent=tp)
    assert st == 200
    recs = world.raadplegingen(t)
    actor = recs[0].value["actor"]
    assert (actor["type"], actor["identificatie"]) == ("applicatie", "gzac")
    assert actor["gebruikersId"] == world.pseudoniem(A)
    assert actor["gebruikersWeergave"] == "A. Jansen (*********)"
    assert all(A.encode() not in r.raw for r in recs)


def test_aanval_11_the_caller_does_not_choose_the_purpose(world):
    kcc = kcc_token(world)
    t, tp = trace()
    st, _, p = world.get(f"/api/v1/zaken/{world.zaken['a_open']}", kcc, traceparent=tp,
                         headers={**reden_kop("inwoner belt"), "ZS-Doel": "datalek-onderzoek"})
    assert st == 400 and [(i["name"], i["code"]) for i in p["invalidParams"]] == [("doel", "not_allowed")]
    (rec,) = world.raadplegingen(t)
    assert (rec.value["besluit"], rec.value["regel"], rec.value["doel"]) == \
        ("deny", "doel-niet-toegestaan", "datalek-onderzoek")
    # Its own purpose is fine, and the FG's purposes are the FG's.
    assert world.zoek({"bsn": A, "reden": "inwoner belt", "doel": "klantcontact"}, kcc)[0] == 200
    fg = world.token("medewerker", "--id", "f.toezicht", "--rol", "fg", "--bsn", K)
    st, _, body = world.zoek({"bsn": A, "doel": "datalek-onderzoek"}, fg)
    assert st == 200 and len(body["results"]) == 3


def test_aanval_12_no_bsn_in_urls(world):
    kcc = kcc_token(world)
    # The GET form with a person in it is refused, and the person named is recorded.
    t, tp = trace()
    st, _, p = world.get(f"/api/v1/zaken?bsn={A}&reden=inwoner%20belt", kcc, traceparent=tp)
    assert st == 400 and {(i["name"], i["code"]) for i in p["invalidParams"]} == \
        {("bsn", "not_allowed"), ("reden", "not_allowed")}
    past(p, "Fout")
    (rec,) = world.raadplegingen(t)
    assert (rec.value["besluit"], rec.value["regel"], rec.value["betrokkene"]) == \
        ("deny", "ongeldig-verzoek", world.pseudoniem(A))
    gem = world.token("inwoner", "--bsn", G, "--loa", "midden", "--machtiging", A)
    assert world.get(f"/api/v1/zaken?namens={A}", gem)[0] == 400
    # The search: the person in the body, the next link and its cursor free of any BSN.
    fg = world.token("medewerker", "--id", "f.toezicht", "--rol", "fg", "--bsn", K)
    vraag = {"bsn": M, "doel": "toezicht", "pageSize": 10}
    gezien, path = [], "/api/v1/zaken/_zoek"
    while path:
        st, headers, body = world.zoek(vraag, fg, path=path)
        assert st == 200, body
        past(body, "ZaakLijst")
        gezien += ids(body)
        path = body["next"]
        assert path is None or (path.startswith("/api/v1/zaken/_zoek?cursor=") and M not in path)
        assert M not in json.dumps(headers)
    assert len(gezien) == len(set(gezien)) == VEEL
    # A cursor of one search serves no other person.
    _, _, body = world.zoek(vraag, fg)
    st, _, p = world.zoek(dict(vraag, bsn=A), fg, path=body["next"])
    assert st == 400 and p["invalidParams"][0]["name"] == "cursor"
    # A body that is not an object, not JSON, or not JSON at all is a 400/415 problem.
    assert world.zoek(None, fg, raw=b"[1]")[0] == 400
    assert world.zoek(None, fg, raw=b"{")[0] == 400
    assert world.zoek({"bsn": A, "bsn2": 1}, fg)[0] == 400


def test_aanval_12_no_reason_in_the_timelines_url(world):
    kcc = kcc_token(world)
    zaak = world.zaken["a_open"]
    # The reason in the URL: refused, and the look-up of A's zaak recorded (reason masked).
    t, tp = trace()
    st, _, p = world.get(f"/api/v1/zaken/{zaak}?reden=inwoner%20belt", kcc, traceparent=tp)
    assert st == 400 and [(i["name"], i["code"]) for i in p["invalidParams"]] == [("reden", "not_allowed")]
    past(p, "Fout")
    recs = world.raadplegingen(t)
    assert [(r.value["actie"], r.value["besluit"], r.value["regel"], r.value["betrokkene"]) for r in recs] == \
        [("zaak.tijdlijn", "deny", "ongeldig-verzoek", world.pseudoniem(A))]
    # In the headers (UTF-8, percent-encoded): the summary, recorded with reason and purpose.
    t, tp = trace()
    st, _, body = world.get(f"/api/v1/zaken/{zaak}", kcc, traceparent=tp,
                            headers={**reden_kop("inwoner belt over het café"), "ZS-Doel": "klantcontact"})
    assert st == 200 and body["identificatie"] == zaak and body["detailniveau"] == "samenvatting"
    tijdlijn = {r.value["actie"]: r.value for r in world.raadplegingen(t)}["zaak.tijdlijn"]
    assert (tijdlijn["besluit"], tijdlijn["reden"], tijdlijn["doel"]) == \
        ("permit", "inwoner belt over het café", "klantcontact")
    # A header that does not decode to text is named.
    st, _, p = world.get(f"/api/v1/zaken/{zaak}", kcc, headers={"ZS-Reden": "inwoner%00belt"})
    assert st == 400 and p["invalidParams"][0]["name"] == "ZS-Reden"


def test_aanval_1_an_unknown_zaak_takes_the_path_of_a_foreign_one(world):
    tok = world.token("inwoner", "--bsn", A, "--loa", "midden")
    t_vreemd, tp1 = trace()
    t_geen, tp2 = trace()
    st1, h1, p1 = world.get(f"/api/v1/zaken/{world.zaken['b']}", tok, traceparent=tp1)
    st2, h2, p2 = world.get("/api/v1/zaken/ZAAK-2026-0000009999", tok, traceparent=tp2)
    assert st1 == st2 == 404
    # The same body and the same headers, apart from what names the request itself.
    eigen = {"instance"}
    assert {k: v for k, v in p1.items() if k not in eigen} == {k: v for k, v in p2.items() if k not in eigen}
    assert len(p1["instance"]) == len(p2["instance"])
    weg = {"Date", "traceparent"}
    assert {k: v for k, v in h1.items() if k not in weg} == {k: v for k, v in h2.items() if k not in weg}
    # Both decided and recorded before the reply: the foreign one about B, the unknown one as the caller's.
    (vreemd,) = world.raadplegingen(t_vreemd)
    (geen,) = world.raadplegingen(t_geen)
    assert (vreemd.value["besluit"], vreemd.value["betrokkene"]) == ("deny", world.pseudoniem(B))
    assert (geen.value["besluit"], geen.value["regel"], geen.value["betrokkene"]) == \
        ("deny", "onbekend", world.pseudoniem(A))
    assert geen.value["zaakIdentificatie"] == "ZAAK-2026-0000009999" and geen.value["zaak"] is None


def metriek(d, naam):
    """The value of one sample on d's /metrics (0 when absent)."""
    with urllib.request.urlopen(d.url("/metrics"), timeout=10) as r:
        for regel in r.read().decode().splitlines():
            if regel.startswith(naam + " "):
                return float(regel.rsplit(" ", 1)[1])
    return 0.0


@pytest.fixture(scope="module")
def strikt(world):
    """A second status daemon on the same data with tight limits: 5 refused look-ups per
    caller per 10 minutes, a 2-second deadline for a whole request."""
    d = world.stack.daemon("status", ZS_VANDAAG="2026-02-01", ZS_TOEGANG_WEIGERINGEN_MAX="5",
                           ZS_TOEGANG_WEIGERINGEN_VENSTER_S="600", ZS_HTTP_REQUEST_DEADLINE_S="2")
    yield World(world.stack, d), d
    d.stop()


def test_aanval_1_a_sweep_of_zaak_numbers_is_recorded_and_held_back(world, strikt):
    w, d = strikt
    tok = w.token("inwoner", "--bsn", A, "--loa", "midden")
    # The attack: zaak numbers in a row, most nobody's, one someone else's.
    nummers = [world.zaken["b"]] + [f"ZAAK-2026-{n:010d}" for n in range(9001, 9013)]
    traces, statussen = [], []
    for nummer in nummers:
        t, tp = trace()
        traces.append(t)
        statussen.append(w.get(f"/api/v1/zaken/{nummer}", tok, traceparent=tp)[0])
    # The first five refused look-ups answer 404, each recorded before its reply ...
    assert statussen[:5] == [404] * 5 and statussen[5:] == [429] * (len(nummers) - 5)
    regels = [w.raadplegingen(t)[0].value for t in traces[:5]]
    assert [r["regel"] for r in regels] == ["standaard-weigeren"] + ["onbekend"] * 4
    assert all(r["besluit"] == "deny" and r["actor"]["identificatie"] == world.pseudoniem(A) for r in regels)
    # ... then the caller is held back, whatever they ask, even their own zaak (so a 429
    # tells nothing about what exists), and told when to come back.
    st, headers, p = w.get(f"/api/v1/zaken/{world.zaken['a_open']}", tok)
    assert st == 429 and p["code"] == "te_veel_weigeringen" and 0 < int(headers["Retry-After"]) <= 600
    past(p, "Fout")
    # Others are not.
    assert w.get(f"/api/v1/zaken/{world.zaken['b']}", w.token("inwoner", "--bsn", B, "--loa", "midden"))[0] == 200
    # The metric an alert watches (deploy/alerts.yml).
    wait_until(lambda: metriek(d, "zs_toegang_afgeremd_total") >= len(nummers) - 5 + 1, 10,
               what="zs_toegang_afgeremd_total")
    assert metriek(d, "zs_toegang_geweigerde_opvragingen_total") >= 5


def druppel(port, pad="/api/v1/zaken"):
    """Sends a request's headers one byte every 0.25 s; True when the daemon closed the
    connection before they were all in (they never are: 250 bytes take a minute)."""
    import socket

    verzoek = f"GET {pad} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Traag: ".encode() + b"x" * 200
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    afgebroken = False
    try:
        for byte in verzoek:
            try:
                s.sendall(bytes([byte]))
            except OSError:
                afgebroken = True
                break
            time.sleep(0.25)
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    afgebroken = True
                    break
            except BlockingIOError:
                pass
            except OSError:
                afgebroken = True
                break
            finally:
                s.setblocking(True)
    finally:
        s.close()
    return afgebroken


def test_aanval_1_a_sweep_of_bsns_runs_into_the_same_limit(world, strikt):
    # A search whose every betrokkene is denied is an empty 200, not a 404; it counts
    # as a refused look-up all the same.
    w, d = strikt
    beheer = w.token("medewerker", "--id", "b.sweep", "--rol", "beheerder", "--bsn", K)
    antwoorden = [w.zoek({"bsn": bsn(n)}, beheer) for n in range(20, 27)]
    assert [a[0] for a in antwoorden] == [200] * 5 + [429] * 2
    assert all(a[2]["results"] == [] for a in antwoorden[:5])
    # The resident's own list, nothing denied, never counts.
    eigen = w.token("inwoner", "--bsn", M, "--loa", "midden")
    assert [w.get("/api/v1/zaken?pageSize=1", eigen)[0] for _ in range(7)] == [200] * 7


def test_aanval_10_a_request_dribbled_in_is_cut_off(strikt):
    w, d = strikt
    # The attack: headers one byte at a time, slower than any whole request should take.
    # With a 2-second deadline for the whole request the daemon closes the connection long
    # before they are in (evhttp's own time-out is per read and never fired).
    assert druppel(d.port), "the whole request was sent and the connection was still open"
    wait_until(lambda: metriek(d, 'zs_http_afgewezen_total{reden="deadline"}') >= 1, 10,
               what="the deadline in /metrics")
    # A request that arrives whole is served as ever.
    assert w.get("/healthz")[0] == 200


def test_aanval_10_every_daemons_port_has_the_deadline(world):
    # intake serves on the main loop (http.c), not on the HTTP threads: the same guard.
    d = world.stack.daemon("intake", ZS_HTTP_REQUEST_DEADLINE_S="2")
    try:
        assert druppel(d.port, "/api/v1/aanvragen/0f8fad5b-d9cb-469f-a165-70867728950e")
        wait_until(lambda: metriek(d, 'zs_http_afgewezen_total{reden="deadline"}') >= 1, 10,
                   what="the deadline in intake's /metrics")
    finally:
        d.stop()


def test_aanval_10_connections_are_capped_per_address_and_in_total(world):
    import socket

    d = world.stack.daemon("status", ZS_VANDAAG="2026-02-01", ZS_HTTP_MAX_CONNECTIONS_PER_ADDRESS="3",
                           ZS_HTTP_MAX_CONNECTIONS="5")
    open_ = []

    def verbind(bron, bediend=True):
        """A connection from bron; bediend: one request on it answered (so it is counted
        before the next is made) and the connection kept open."""
        s = socket.socket()
        s.settimeout(10)
        s.bind((bron, 0))
        s.connect(("127.0.0.1", d.port))
        open_.append(s)
        if bediend:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            antwoord = b""
            while not antwoord.endswith(b"}"):
                deel = s.recv(4096)
                assert deel, f"connection from {bron} closed: {antwoord!r}"
                antwoord += deel
            assert antwoord.startswith(b"HTTP/1.1 200")
        return s

    def gesloten(s):
        """The server closed s (we sent nothing, so any end of stream is its doing)."""
        try:
            s.settimeout(10)
            return s.recv(1) == b""
        except OSError:
            return True

    try:
        for _ in range(3):
            verbind("127.0.0.1")
        # A fourth from the same address is closed by the daemon, unanswered ...
        assert gesloten(verbind("127.0.0.1", bediend=False))
        # ... while another address (loopback too) still gets in, up to the total of five.
        verbind("127.0.0.2")
        verbind("127.0.0.2")
        assert gesloten(verbind("127.0.0.2", bediend=False))
    finally:
        for s in open_:
            s.close()
    # Once they are gone the port serves again, and /metrics says what bit.
    wait_until(lambda: metriek(d, 'zs_http_afgewezen_total{reden="per_adres"}') >= 1, 30,
               what="the per-address cap in /metrics")
    assert metriek(d, 'zs_http_afgewezen_total{reden="totaal"}') >= 1
    d.stop()
