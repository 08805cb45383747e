"""System tests of the inzage daemon against the real Kafka broker and PostgreSQL.

One stack serves the module (daemon start-up dominates a test's time): intake,
status and inzage run; a resident's aanvraag becomes a zaak through intake,
an afhandelcomponent sets a status through status, a message and two webhook
deliveries (one of A's zaak, one of B's) are recorded on the berichten topic
(written here with fastavro, as notificatie would) and a
KCC employee looks the zaak up through the Track & Trace API, which records
the look-up on the raadplegingen topic. Then: what mijn-gegevens shows and
to whom, a formal request answered with its art. 15 report, extensions
refused and allowed, bad input, and the deadline watch across restarts
(the last tests, which restart zs-inzage on other days). The kill -9 test
has a stack of its own: a stream of 3,200 events (scaled down from the
issue's "stream of events" to fit the time budget) into one daemon that is
killed half-way and one that runs undisturbed, compared table by table.
"""

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.request
import uuid

import pytest

from test_status import CATALOGUS, opdracht, registratie
from zaakstroom import ROOT, Stack, aanvraag, wait_until

A = "999991772"  # the demo aanvraag's initiator
B = "999990019"  # someone else
G = "999993653"  # acts for A (a machtiging in G's token)
BEH = "999998456"  # the behandelaar's own BSN
FG = "999990020"
KCC = "999992223"
BESTAAT_NIET = str(uuid.UUID(int=1))


def pseudoniem(stack, nummer, soort="BSN"):
    key = bytes.fromhex(stack.env["ZS_PSEUDONIEM_SLEUTEL"])
    return hmac.new(key, soort.encode() + b"\x00" + nummer.encode(), hashlib.sha256).hexdigest()


class Wereld:
    def __init__(self, stack, inzage, status):
        self.stack = stack
        self.d = inzage
        self.status = status
        self._tokens = {}

    def token(self, *args):
        if args not in self._tokens:
            self._tokens[args] = self.stack.zs("token", *args).stdout.strip()
        return self._tokens[args]

    def inwoner(self, bsn, *extra):
        return self.token("inwoner", "--bsn", bsn, "--loa", "substantieel", *extra)

    def medewerker(self, rol, bsn, ident="m.devries"):
        return self.token("medewerker", "--id", ident, "--rol", rol, "--bsn", bsn)

    def vraag(self, method, path, token=None, body=None, accept=None, daemon=None, traceparent=None):
        """(status, content type, body: parsed JSON or text)."""
        d = daemon or self.d
        h = {"traceparent": traceparent} if traceparent else {}
        if token:
            h["Authorization"] = f"Bearer {token}"
        if accept:
            h["Accept"] = accept
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        req = urllib.request.Request(d.url(path), data=data, headers=h, method=method)
        try:
            with urllib.request.urlopen(req, timeout=15) as r:
                status, ctype, raw = r.status, r.headers.get("Content-Type", ""), r.read()
        except urllib.error.HTTPError as e:
            status, ctype, raw = e.code, e.headers.get("Content-Type", ""), e.read()
        return status, ctype, (json.loads(raw) if "json" in ctype and raw else raw.decode())

    def get(self, path, token=None, **kw):
        return self.vraag("GET", path, token, **kw)

    def post(self, path, token, body):
        return self.vraag("POST", path, token, body)


def doorgifte(zaak, abonnement):
    return {"berichtId": str(uuid.uuid4()), "abonnement": abonnement, "origin": f"https://{abonnement}.example.nl",
            "vorm": "notificaties", "zaak": zaak["uuid"], "identificatie": zaak["identificatie"],
            "zaaktype": zaak["zaaktype"], "aanleiding": "zaak_ontvangen",
            "doorgegevenOp": "2026-03-02T10:00:00.000Z", "pogingen": 1}


def bericht(ontvanger, zaak=None, identificatie=None, onderwerp="Wij hebben uw aanvraag ontvangen"):
    return {"berichtId": str(uuid.uuid4()), "zaak": zaak, "identificatie": identificatie,
            "aanvraagId": None, "verzoekId": None, "aanleiding": "zaak_ontvangen", "kanaal": "email",
            "ontvanger": ontvanger, "onderwerp": onderwerp, "verstuurdOp": "2026-03-02T10:00:00.000Z",
            "pogingen": 1, "dedupSleutel": str(uuid.uuid4())}


TRACK_EN_TRACE = "urn:zaakstroom:verwerkingsactiviteit:track-en-trace"
INZAGE = "urn:zaakstroom:verwerkingsactiviteit:inzage"
PLATFORM = {v["id"]: v for v in json.loads(
    (ROOT / "deploy/verwerkingsregister/platform.json").read_text())["verwerkingsactiviteiten"]}


def dataverwerking(ps, activiteit, tijd, naam="zaak-geraadpleegd"):
    """A Dataverwerking as zs-audit writes it (one act, one betrokkene)."""
    return {"traceId": uuid.uuid4().hex, "spanId": uuid.uuid4().hex[:16], "parentSpanId": None,
            "name": naam, "startTime": tijd, "endTime": tijd, "status": "ok",
            "resource": {"serviceName": "zaakstroom-status", "serviceVersion": "1", "cmdbRef": None},
            "processingActivityId": activiteit, "dataSubjectId": ps, "dataSubjectIdType": "BSN",
            "foreignOperation": None, "exception": None}


def stuur_verwerking(stack, dv, ce_id=None, flush=True, key=None):
    ce_id = ce_id or str(uuid.uuid4())
    stack.produce("dataverwerkingen", key or dv["dataSubjectId"], dv, record="Dataverwerking",
                  headers={"ce_id": ce_id}, flush=flush)
    return ce_id


@pytest.fixture(scope="module")
def wereld(infra):
    name = infra.database_name("inzage")
    url = infra.create_database(name)
    stack = Stack(infra, url, "inzage")
    try:
        stack.zs("catalogus", "publish")
        stack.daemon("intake")
        status = stack.daemon("status", ZS_VANDAAG="2026-02-01")
        inzage = stack.daemon("inzage")
        w = Wereld(stack, inzage, status)
        # A's aanvraag through intake; someone else's zaak straight on the topic.
        doc = aanvraag()
        stack.produce("aanvragen", doc["aanvraagId"], doc, record="AanvraagIngediend")
        msgs = stack.read("zaken", until=lambda ms: any(m.record == "ZaakGeregistreerd" for m in ms))
        w.zaak = [m for m in msgs if m.record == "ZaakGeregistreerd"][0].value
        ander = registratie("TERUGBEL", nummer=777)
        ander["rollen"] = [{"omschrijvingGeneriek": "initiator", "indicatieMachtiging": None,
                            "betrokkene": {"betrokkeneType": "natuurlijk_persoon", "inpBsn": B,
                                           "naam": "B. Anders"}}]
        ander["eigenschappen"] = [{"naam": "geheimVanB", "waarde": "alleen-van-B", "doel": "x",
                                   "grondslag": "y", "persoonsgegeven": True}]
        stack.produce("zaken", ander["uuid"], ander, record="ZaakGeregistreerd")
        w.ander = ander
        # A status set by an afhandelcomponent, through the status daemon.
        nu = dt.datetime.now(dt.timezone.utc)
        op = opdracht(w.zaak["uuid"], nu.strftime("%Y-%m-%dT%H:%M:%S.") + f"{nu.microsecond // 1000:03d}Z",
                      volgnummer=2)
        stack.produce("zaak-opdrachten", w.zaak["uuid"], op, record="StatusZetten")
        # Messages: one to A about her zaak, one to B.
        stack.produce("berichten", w.zaak["uuid"],
                      bericht(pseudoniem(stack, A), w.zaak["uuid"], w.zaak["identificatie"]),
                      record="BerichtVerstuurd")
        stack.produce("berichten", ander["uuid"], bericht(pseudoniem(stack, B), ander["uuid"],
                                                          ander["identificatie"], "Voor B"),
                      record="BerichtVerstuurd")
        # zs-notificatie passed an event of A's zaak on to one webhook
        # subscriber, and one of B's to another.
        for z, abonnement in ((w.zaak, "gzac-webhook"), (ander, "parkeerapp")):
            stack.produce("berichten", z["uuid"], doorgifte(z, abonnement), record="GebeurtenisDoorgegeven")
        # The KCC looks A up, with a reason; and B, with another.
        kcc = w.medewerker("kcc-medewerker", KCC, "k.klant")
        for bsn, reden in ((A, "belt over subsidie"), (B, "reden-van-B")):
            st, _, _ = w.vraag("POST", "/api/v1/zaken/_zoek", kcc, {"bsn": bsn, "reden": reden},
                               daemon=status)
            assert st == 200
        # zs-audit's Logboek Dataverwerkingen, as it would write it: A's acts under Track & Trace
        # (one sent again in the same batch, with another startTime as a corrupted repeat would
        # have, and again in a batch of its own) and her zaaktype's; one of B's; one that names
        # no one. Then a sentinel on A's key, so on the same partition after all of hers, under
        # an activity zs-inzage does not know.
        a, b = pseudoniem(stack, A), pseudoniem(stack, B)
        subsidie = CATALOGUS["SUBSIDIE"]["verwerkingsactiviteit"]["id"]
        eerste = stuur_verwerking(stack, dataverwerking(a, TRACK_EN_TRACE, "2026-03-04T09:00:00.000Z"), flush=False)
        stuur_verwerking(stack, dataverwerking(a, subsidie, "2026-03-02T10:00:00.000Z", "zaak-geregistreerd"),
                         flush=False)
        stuur_verwerking(stack, dataverwerking(a, TRACK_EN_TRACE, "2026-03-01T08:00:00.000Z"), eerste, flush=False)
        stuur_verwerking(stack, dataverwerking(a, TRACK_EN_TRACE, "2026-03-06T12:30:00.000Z"))
        stuur_verwerking(stack, dataverwerking(b, INZAGE, "2026-03-05T09:00:00.000Z"))
        stuur_verwerking(stack, dataverwerking(a, TRACK_EN_TRACE, "2026-03-04T09:00:00.000Z"), eerste)
        w.slechte_verwerking = stuur_verwerking(
            stack, dataverwerking("iemand", TRACK_EN_TRACE, "2026-03-04T09:00:00.000Z"), key=a)
        w.sentinel = f"urn:test:onbekend:{uuid.uuid4()}"
        stuur_verwerking(stack, dataverwerking(a, w.sentinel, "2026-03-07T00:00:00.000Z"))

        # Everything in the register: the zaak in status "In behandeling", the Logboek up to
        # A's sentinel, B's act.
        def klaar():
            st, _, body = w.get("/api/v1/mijn-gegevens", w.inwoner(A))
            zaken = body.get("zaken", []) if st == 200 else []
            return (len(zaken) == 1 and zaken[0]["status"] == "In behandeling"
                    and len(body["berichten"]) == 1 and len(body["raadplegingen"]) == 1
                    and any("gzac-webhook" in o for o in body["ontvangers"])
                    and w.sentinel in [v["registerId"] for v in body["verwerkingen"]])
        wait_until(klaar, 60, what="the register to hold A's zaak, message, subscriber, look-up and Logboek")
        # B's subscriber and Dataverwerking are in B's register: were they taken for A's, A's
        # overview would show them.
        def van_b():
            body = w.get("/api/v1/mijn-gegevens", w.inwoner(B))[2]
            return any("parkeerapp" in o for o in body.get("ontvangers", [])) and body.get("verwerkingen")
        wait_until(van_b, 60, what="B's subscriber and Dataverwerking in B's register")
        yield w
    finally:
        stack.close()
        infra.drop_database(name)


def test_mijn_gegevens_shows_every_piece_with_purpose_and_source_and_nothing_of_anyone_else(wereld):
    w = wereld
    st, ctype, body = w.get("/api/v1/mijn-gegevens", w.inwoner(A))
    assert st == 200 and ctype.startswith("application/json")
    assert body["formeelVerzoek"] is False and "geen formeel verzoek" in body["toelichting"]
    (zaak,) = body["zaken"]
    assert zaak["zaaknummer"] == w.zaak["identificatie"]
    assert zaak["uwRol"] == ["aanvrager"]
    gegevens = {g["gegeven"]: g for g in zaak["gegevens"]}
    definitie = {e["naam"]: e["definitie"] for e in CATALOGUS["SUBSIDIE"]["eigenschappen"]}
    # Every eigenschap of her aanvraag, with the catalogus' purpose and legal basis.
    for e in w.zaak["eigenschappen"]:
        g = gegevens[e["naam"]]
        assert g["waarde"] == e["waarde"]
        assert g["doel"] == e["doel"] and g["wettelijkeGrondslag"] == e["grondslag"]
        assert g["bron"] == "U zelf, in uw aanvraag via de website"
        assert g["bewaartermijn"] == "10 jaar na afsluiting van de zaak"
        assert g["betekenis"] == definitie[e["naam"]]  # the catalogus' own words
    assert gegevens["Naam"]["waarde"] == "A. Jansen"
    assert gegevens["E-mailadres"]["waarde"] == "a.jansen@example.nl"
    assert zaak["verwerking"]["registerId"] == CATALOGUS["SUBSIDIE"]["verwerkingsactiviteit"]["id"]
    # The message sent to her, and the KCC's look-up with its reason.
    (b,) = body["berichten"]
    assert b["zaaknummer"] == w.zaak["identificatie"] and b["kanaal"] == "e-mail"
    (r,) = body["raadplegingen"]
    assert r["waarom"] == "belt over subsidie" and "kcc-medewerker" in r["wie"]
    assert any("NotifyNL" in o for o in body["ontvangers"])
    assert any("applicatie gzac-webhook (https://gzac-webhook.example.nl)" in o for o in body["ontvangers"])
    assert not any("parkeerapp" in o for o in body["ontvangers"])
    # Nothing of B: not the zaak, the data, the message or the look-up.
    tekst = json.dumps(body)
    for vreemd in (w.ander["identificatie"], "alleen-van-B", "Voor B", "reden-van-B", "B. Anders", A):
        assert vreemd not in tekst


def test_mijn_gegevens_names_each_processing_activity_with_how_often_and_when(wereld):
    """The Logboek Dataverwerkingen per activity: named from the catalogus or the platform's
    register, one unknown by its id; each act counted once (the fixture sent one twice more);
    nothing of B's; one that names no one a dead letter."""
    w = wereld
    st, _, body = w.get("/api/v1/mijn-gegevens", w.inwoner(A))
    assert st == 200
    va, tt = CATALOGUS["SUBSIDIE"]["verwerkingsactiviteit"], PLATFORM[TRACK_EN_TRACE]
    assert body["verwerkingen"] == [
        {"naam": va["naam"], "doel": va["doel"], "wettelijkeGrondslag": va["grondslag"], "aantal": 1,
         "eerste": "2026-03-02T10:00:00.000Z", "laatste": "2026-03-02T10:00:00.000Z", "registerId": va["id"]},
        # Two acts: the repeats of the one of 4 March (one claiming 1 March) are not counted.
        {"naam": tt["naam"], "doel": tt["doel"], "wettelijkeGrondslag": tt["grondslag"], "aantal": 2,
         "eerste": "2026-03-04T09:00:00.000Z", "laatste": "2026-03-06T12:30:00.000Z", "registerId": TRACK_EN_TRACE},
        {"naam": w.sentinel, "doel": "onbekend", "wettelijkeGrondslag": "onbekend", "aantal": 1,
         "eerste": "2026-03-07T00:00:00.000Z", "laatste": "2026-03-07T00:00:00.000Z", "registerId": w.sentinel}]
    # B's act is B's (counted: the fixture waited for it).
    assert INZAGE not in json.dumps(body)
    st, _, van_b = w.get("/api/v1/mijn-gegevens", w.inwoner(B))
    assert [(v["registerId"], v["aantal"]) for v in van_b["verwerkingen"]] == [(INZAGE, 1)]
    assert van_b["verwerkingen"][0]["naam"] == PLATFORM[INZAGE]["naam"]
    dood = w.stack.read("dlq", until=lambda ms: any(m.headers.get("ce_id") == w.slechte_verwerking for m in ms))
    (d,) = [m for m in dood if m.headers.get("ce_id") == w.slechte_verwerking]
    assert d.headers["zs_error_code"] == "verwerking_ongeldig" and "dataSubjectId" in d.headers["zs_error"]


def test_every_read_is_recorded_and_a_token_is_needed(wereld):
    w = wereld
    st, _, p = w.get("/api/v1/mijn-gegevens")
    assert st == 401 and p["code"].startswith("token.")
    trace = uuid.uuid4().hex
    req = urllib.request.Request(w.d.url("/api/v1/mijn-gegevens"), headers={
        "Authorization": f"Bearer {w.inwoner(A)}", "traceparent": f"00-{trace}-{'1' * 16}-01"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200
    # Complete once the reply came: it waited until Kafka acknowledged its records.
    msgs = w.stack.read_written("raadplegingen")
    (rec,) = [m.value for m in msgs if m.value and m.value["traceId"] == trace]
    assert rec["actie"] == "inzage.lezen" and rec["besluit"] == "permit" and rec["doel"] == "inzicht"
    assert rec["betrokkene"] == pseudoniem(w.stack, A) and A not in json.dumps(rec)


def test_a_gemachtigde_sees_the_person_they_act_for_and_no_one_else(wereld):
    w = wereld
    g = w.inwoner(G, "--machtiging", A)
    zoek = "/api/v1/mijn-gegevens/_zoek"
    trace = uuid.uuid4().hex
    st, _, body = w.vraag("POST", zoek, g, {"namens": A}, traceparent=f"00-{trace}-{'1' * 16}-01")
    assert st == 200 and [z["zaaknummer"] for z in body["zaken"]] == [w.zaak["identificatie"]]
    (rec,) = [m.value for m in w.stack.read_written("raadplegingen") if m.value and m.value["traceId"] == trace]
    assert rec["besluit"] == "permit" and rec["betrokkene"] == pseudoniem(w.stack, A)
    st, _, p = w.post(zoek, g, {"namens": B})
    assert st == 403 and p["invalidParams"][0]["name"] == "namens"
    st, _, p = w.post(zoek, g, {"namens": A, "bsn": A})
    assert st == 400 and p["invalidParams"][0]["name"] == "bsn"
    # Their own overview is their own: none of A's zaken (an empty body or the GET).
    for st, _, body in (w.post(zoek, g, {}), w.get("/api/v1/mijn-gegevens", g)):
        assert st == 200 and body["zaken"] == []
    # An employee has no mijn-gegevens of others.
    assert w.post(zoek, w.medewerker("behandelaar", BEH), {"namens": A})[0] == 403


def test_a_gemachtigde_for_some_diensten_sees_those_zaken_and_nothing_else(wereld):
    """A machtiging that names diensten (zaaktypen): her zaken of those zaaktypen and what
    is about them; for a dienst she has no zaak of, nothing of hers and nothing of anyone's."""
    w = wereld
    zoek = "/api/v1/mijn-gegevens/_zoek"
    nummer = w.zaak["identificatie"]
    st, _, heel = w.get("/api/v1/mijn-gegevens", w.inwoner(A))
    assert st == 200
    trace = uuid.uuid4().hex
    st, _, body = w.vraag("POST", zoek, w.inwoner(G, "--machtiging", f"{A}:{w.zaak['zaaktype']}"),
                          {"namens": A}, traceparent=f"00-{trace}-{'1' * 16}-01")
    assert st == 200 and [z["zaaknummer"] for z in body["zaken"]] == [nummer]
    assert body["zaken"] == [z for z in heel["zaken"] if z["zaaknummer"] == nummer]
    assert body["berichten"] and body["berichten"] == [b for b in heel["berichten"] if b.get("zaaknummer") == nummer]
    assert body["raadplegingen"] == [r for r in heel["raadplegingen"] if r.get("zaaknummer") == nummer]
    # The processing activity of her zaak's zaaktype; not the platform's own (about all her
    # zaken), nor one that no zaak of hers names.
    activiteit = body["zaken"][0]["verwerking"]["registerId"]
    assert body["verwerkingen"] == [v for v in heel["verwerkingen"] if v["registerId"] == activiteit]
    assert body["verwerkingen"] and len(heel["verwerkingen"]) > len(body["verwerkingen"])
    (rec,) = [m.value for m in w.stack.read_written("raadplegingen") if m.value and m.value["traceId"] == trace]
    assert rec["besluit"] == "permit" and rec["betrokkene"] == pseudoniem(w.stack, A)
    # A dienst she has no zaak of (B has one): an empty overview, nothing of B's.
    st, _, leeg = w.post(zoek, w.inwoner(G, "--machtiging", f"{A}:TERUGBEL"), {"namens": A})
    assert st == 200 and leeg["zaken"] == leeg["berichten"] == leeg["raadplegingen"] == leeg["verwerkingen"] == []
    assert "alleen-van-B" not in json.dumps(leeg) and w.ander["identificatie"] not in json.dumps(leeg)
    # A machtiging from someone else, whatever its diensten, is no machtiging from A.
    st, _, p = w.post(zoek, w.inwoner(G, "--machtiging", f"{B}:{w.zaak['zaaktype']}"), {"namens": A})
    assert st == 403 and p["invalidParams"][0]["name"] == "namens"


def test_namens_in_the_url_is_refused_and_recorded(wereld):
    """A BSN in a query string lands in proxy and access logs: the GET form names no one."""
    w = wereld
    g = w.inwoner(G, "--machtiging", A)
    trace = uuid.uuid4().hex
    st, _, p = w.get(f"/api/v1/mijn-gegevens?namens={A}", g, traceparent=f"00-{trace}-{'1' * 16}-01")
    assert st == 400 and [(i["name"], i["code"]) for i in p["invalidParams"]] == [("namens", "not_allowed")]
    assert A not in json.dumps(p)
    # The person was named: a refused look-up of A on the record, without A's BSN.
    msgs = w.stack.read_written("raadplegingen")
    (rec,) = [m for m in msgs if m.value and m.value["traceId"] == trace]
    assert (rec.value["besluit"], rec.value["regel"], rec.value["betrokkene"]) == \
        ("deny", "ongeldig-verzoek", pseudoniem(w.stack, A))
    assert A.encode() not in rec.raw


def test_her_own_look_is_recorded_but_not_kept_as_someone_who_looked(wereld):
    """Her look at her own overview is on the raadplegingen topic (so in the audit log), but the
    register of who looked at her data keeps only others' looks: the gemachtigde's is there."""
    w = wereld
    eigen, namens = uuid.uuid4().hex, uuid.uuid4().hex
    st, _, _ = w.get("/api/v1/mijn-gegevens", w.inwoner(A), traceparent=f"00-{eigen}-{'1' * 16}-01")
    assert st == 200
    # The sentinel: a later record on the same partition (both are keyed by her pseudonym).
    st, _, _ = w.vraag("POST", "/api/v1/mijn-gegevens/_zoek", w.inwoner(G, "--machtiging", A), {"namens": A},
                       traceparent=f"00-{namens}-{'1' * 16}-01")
    assert st == 200
    recs = {m.value["traceId"]: m.value for m in w.stack.read_written("raadplegingen") if m.value}
    assert recs[eigen]["besluit"] == recs[namens]["besluit"] == "permit"
    kept = "select count(*) from inzage.raadplegingen where raadpleging_id = %s"
    wait_until(lambda: w.stack.scalar(kept, (recs[namens]["raadplegingId"],)) == 1, 30,
               what="the gemachtigde's look in the register")
    assert w.stack.scalar(kept, (recs[eigen]["raadplegingId"],)) == 0
    ps = pseudoniem(w.stack, A)
    assert w.stack.scalar("select count(*) from inzage.raadplegingen where betrokkene = %s and actor = %s",
                          (ps, ps)) == 0


def inzage_events(w, until_id, record):
    """Every message on the inzage topic up to the first `record` of verzoek until_id."""
    return w.stack.read("inzage", until=lambda ms: any(
        m.record == record and m.value["verzoekId"] == until_id for m in ms))


def test_a_formal_request_is_answered_with_a_complete_art15_report(wereld):
    w = wereld
    a = w.inwoner(A)
    st, _, v = w.post("/api/v1/inzageverzoeken", a, {"recht": "inzage", "toelichting": "Wat weet u van mij?"})
    assert st == 201, v
    vandaag = dt.date.today()
    assert v["status"] == "in_behandeling" and v["recht"] == "inzage"
    assert v["ontvangenDatum"] == vandaag.isoformat()
    ontvangen = [m for m in inzage_events(w, v["verzoekId"], "InzageVerzoekOntvangen")
                 if m.record == "InzageVerzoekOntvangen" and m.value["verzoekId"] == v["verzoekId"]][0].value
    assert ontvangen["betrokkene"] == pseudoniem(w.stack, A)
    assert ontvangen["identiteitscontrole"]["middel"] == "digid"
    assert ontvangen["uitersteDatum"] == v["uitersteDatum"]

    # Not before it is answered; and only the handler reads the data to answer.
    st, _, _ = w.get(f"/api/v1/inzageverzoeken/{v['verzoekId']}/rapport", a)
    assert st == 404
    beh = w.medewerker("behandelaar", BEH, "b.handel")
    st, _, done = w.post(f"/api/v1/inzageverzoeken/{v['verzoekId']}/afhandeling", beh,
                         {"uitkomst": "verstrekt"})
    assert st == 200 and done["status"] == "afgehandeld" and done["binnenTermijn"] is True
    msgs = inzage_events(w, v["verzoekId"], "InzageAfgehandeld")
    af = [m.value for m in msgs if m.record == "InzageAfgehandeld" and m.value["verzoekId"] == v["verzoekId"]][0]
    art15 = af["art15"]
    va = CATALOGUS["SUBSIDIE"]["verwerkingsactiviteit"]
    assert va["doel"] in art15["doeleinden"]
    assert "iban" in art15["categorieenPersoonsgegevens"]
    assert "bouwjaarWoning" not in art15["categorieenPersoonsgegevens"]  # not personal data
    assert any("NotifyNL" in o for o in art15["ontvangers"])
    assert any(o.startswith("Een medewerker") for o in art15["ontvangers"])
    assert any("10 jaar" in t for t in art15["bewaartermijnen"])
    assert "U zelf, in uw aanvraag via de website" in art15["bronnen"]
    assert art15["geautomatiseerdeBesluitvorming"] is None
    # With what the Logboek says her data went through: Track & Trace's purpose and entry too
    # (the unknown activity has no entry to give).
    assert PLATFORM[TRACK_EN_TRACE]["doel"] in art15["doeleinden"]
    assert [x["id"] for x in art15["verwerkingsactiviteiten"]] == [va["id"], TRACK_EN_TRACE]
    assert art15["zaken"] == [w.zaak["identificatie"]] and art15["aantalRaadplegingen"] >= 1
    assert af["uitvoerder"]["medewerkerIdentificatie"] == "b.handel"

    # The resident receives it, as JSON and as a printable document.
    st, _, rapport = w.get(f"/api/v1/inzageverzoeken/{v['verzoekId']}/rapport", a)
    assert st == 200 and rapport["art15"] == art15
    (zaak,) = rapport["kopie"]["zaken"]
    assert {g["gegeven"] for g in zaak["gegevens"]} >= {e["naam"] for e in w.zaak["eigenschappen"]}
    st, _, overzicht = w.get("/api/v1/mijn-gegevens", a)
    assert rapport["kopie"]["verwerkingen"] == overzicht["verwerkingen"]
    st, ctype, html = w.get(f"/api/v1/inzageverzoeken/{v['verzoekId']}/rapport?formaat=html", a)
    assert st == 200 and ctype.startswith("text/html")
    assert w.zaak["identificatie"] in html and "NL91ABNA0417164300" in html and "Autoriteit Persoonsgegevens" in html
    assert "Track &amp; Trace" in html and w.sentinel in html
    assert "alleen-van-B" not in html
    # Someone else gets a 404 for it, as for one that does not exist.
    st, _, _ = w.get(f"/api/v1/inzageverzoeken/{v['verzoekId']}/rapport", w.inwoner(B))
    assert st == 404
    # Answered once.
    st, _, p = w.post(f"/api/v1/inzageverzoeken/{v['verzoekId']}/afhandeling", beh, {"uitkomst": "verstrekt"})
    assert st == 409


def test_the_fg_sees_requests_and_deadlines_not_the_data_unless_handling(wereld):
    w = wereld
    st, _, v = w.post("/api/v1/inzageverzoeken", w.inwoner(A), {"recht": "rectificatie"})
    assert st == 201
    fg = w.medewerker("fg", FG, "f.gerritsen")
    st, _, body = w.get("/api/v1/inzageverzoeken?termijn=open", fg)
    assert st == 200
    mine = [x for x in body["results"] if x["verzoekId"] == v["verzoekId"]]
    assert mine and mine[0]["uitersteDatum"] == v["uitersteDatum"] and mine[0]["dagenResterend"] >= 28
    assert "betrokkene" not in json.dumps(body) and A not in json.dumps(body)
    st, _, _ = w.get(f"/api/v1/inzageverzoeken/{v['verzoekId']}/rapport?doel=toezicht", fg)
    assert st == 403
    st, _, _ = w.get("/api/v1/inzageverzoeken?termijn=open", w.inwoner(A))
    assert st == 403
    st, _, p = w.get("/api/v1/inzageverzoeken?termijn=morgen", fg)
    assert st == 400 and p["invalidParams"][0]["name"] == "termijn"


def aantal_verzoeken(w):
    return w.stack.scalar("select count(*) from inzage.verzoeken")


def test_bad_input_names_the_field_and_writes_nothing(wereld):
    w = wereld
    a = w.inwoner(A)
    voor = aantal_verzoeken(w)
    st, _, p = w.post("/api/v1/inzageverzoeken", a, {"recht": "inzage", "betrokkene": {"bsn": B}})
    assert st == 403 and p["invalidParams"][0]["name"] == "betrokkene"
    st, _, p = w.post("/api/v1/inzageverzoeken", a, {"recht": "vergeten"})
    assert st == 400 and [x["name"] for x in p["invalidParams"]] == ["recht"]
    st, _, p = w.post("/api/v1/inzageverzoeken", a, {"recht": "inzage", "kleur": "blauw"})
    assert st == 400 and p["invalidParams"][0]["name"] == "kleur"
    st, _, p = w.vraag("POST", "/api/v1/inzageverzoeken", a, b"{\"recht\": ")
    assert st == 400 and p["invalidParams"][0]["name"] == "body"
    kcc = w.medewerker("kcc-medewerker", KCC, "k.klant")
    morgen = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    st, _, p = w.post("/api/v1/inzageverzoeken", kcc, {"recht": "inzage", "betrokkene": {"bsn": A},
                                                       "kanaal": "post", "ontvangenOp": morgen})
    assert st == 400 and {x["name"] for x in p["invalidParams"]} == {"ontvangenOp", "identiteitscontrole"}
    assert aantal_verzoeken(w) == voor


def test_extensions_refused_after_the_first_month_or_without_reason_or_beyond_two_months(wereld):
    w = wereld
    kcc = w.medewerker("kcc-medewerker", KCC, "k.klant")
    beh = w.medewerker("behandelaar", BEH, "b.handel")
    vandaag = dt.date.today()
    # A letter received 40 days ago, registered at the desk: its first month is over.
    oud = (vandaag - dt.timedelta(days=40)).isoformat()
    st, _, brief = w.post("/api/v1/inzageverzoeken", kcc, {
        "recht": "inzage", "betrokkene": {"bsn": A}, "kanaal": "post", "ontvangenOp": oud,
        "identiteitscontrole": {"middel": "paspoort"}})
    assert st == 201 and brief["ontvangenDatum"] == oud
    st, _, vers = w.post("/api/v1/inzageverzoeken", w.inwoner(A), {"recht": "inzage"})
    assert st == 201

    def verleng(v, body):
        return w.post(f"/api/v1/inzageverzoeken/{v['verzoekId']}/verlenging", beh, body)

    nieuw = (dt.date.fromisoformat(vers["uitersteDatum"]) + dt.timedelta(days=20)).isoformat()
    st, _, p = verleng(brief, {"reden": "veel zaken", "nieuweUitersteDatum": (vandaag + dt.timedelta(days=10)).isoformat()})
    assert st == 400 and ("verlenging.te_laat", "nieuweUitersteDatum") in {(x["code"], x["name"]) for x in p["invalidParams"]}
    st, _, p = verleng(vers, {"nieuweUitersteDatum": nieuw})
    assert st == 400 and [(x["code"], x["name"]) for x in p["invalidParams"]] == [("reden.ontbreekt", "reden")]
    te_ver = (dt.date.fromisoformat(vers["uiterstVerlengbaarTot"]) + dt.timedelta(days=1)).isoformat()
    st, _, p = verleng(vers, {"reden": "veel zaken", "nieuweUitersteDatum": te_ver})
    assert st == 400 and [(x["code"], x["name"]) for x in p["invalidParams"]] == [("verlenging.te_lang", "nieuweUitersteDatum")]
    st, _, p = verleng(vers, {"reden": "veel zaken", "nieuweUitersteDatum": (vandaag - dt.timedelta(days=1)).isoformat()})
    assert st == 400 and [(x["code"], x["name"]) for x in p["invalidParams"]] == [("datum.verleden", "nieuweUitersteDatum")]
    # Nothing changed by the refusals.
    st, _, nu = w.get(f"/api/v1/inzageverzoeken/{vers['verzoekId']}", w.inwoner(A))
    assert st == 200 and nu["uitersteDatum"] == vers["uitersteDatum"] and nu["verlengd"] is False
    # Allowed once, with a reason, within two months; the second is refused.
    st, _, ok = verleng(vers, {"reden": "Uw gegevens staan in drie systemen.", "nieuweUitersteDatum": nieuw})
    assert st == 200 and ok["uitersteDatum"] == nieuw and ok["verlengd"] is True
    st, _, p = verleng(vers, {"reden": "nog eens", "nieuweUitersteDatum": vers["uiterstVerlengbaarTot"]})
    assert st == 400 and p["invalidParams"][0]["code"] == "verlenging.herhaald"
    # On the topic: this extension is the only one (the refusals wrote no event before it).
    msgs = inzage_events(w, vers["verzoekId"], "InzageTermijnVerlengd")
    verlengd = [m.value for m in msgs if m.record == "InzageTermijnVerlengd"]
    assert [(x["verzoekId"], x["nieuweUitersteDatum"]) for x in verlengd] == [(vers["verzoekId"], nieuw)]
    assert verlengd[0]["reden"] == "Uw gegevens staan in drie systemen."


def test_a_request_from_a_portal_is_registered_and_an_unusable_one_dead_lettered(wereld):
    w = wereld
    nu = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    goed = {"verzoekId": str(uuid.uuid4()), "ingediendOp": nu, "kanaal": "web",
            "betrokkene": {"betrokkeneType": "natuurlijk_persoon", "inpBsn": A, "naam": "A. Jansen"},
            "authenticatie": {"middel": "digid", "betrouwbaarheidsniveau": "substantieel"},
            "toelichting": "Mijn BSN is 999991772; wat heeft u van mij?"}
    slecht = dict(goed, verzoekId=str(uuid.uuid4()),
                  betrokkene={"betrokkeneType": "medewerker", "medewerkerIdentificatie": "x"})
    w.stack.produce("inzage", slecht["verzoekId"], slecht, record="InzageVerzoekIngediend")
    w.stack.produce("inzage", goed["verzoekId"], goed, record="InzageVerzoekIngediend")
    (ontvangen,) = [m.value for m in inzage_events(w, goed["verzoekId"], "InzageVerzoekOntvangen")
                    if m.record == "InzageVerzoekOntvangen" and m.value["verzoekId"] == goed["verzoekId"]]
    assert ontvangen["betrokkene"] == pseudoniem(w.stack, A) and ontvangen["recht"] == "inzage"
    assert ontvangen["identiteitscontrole"]["middel"] == "digid" and A not in json.dumps(ontvangen)
    st, _, v = w.get(f"/api/v1/inzageverzoeken/{goed['verzoekId']}", w.inwoner(A))
    assert st == 200 and v["kanaal"] == "web" and v["status"] == "in_behandeling"
    dood = w.stack.read("dlq", until=lambda ms: any(m.key == slecht["verzoekId"] for m in ms))
    (d,) = [m for m in dood if m.key == slecht["verzoekId"]]
    assert d.headers["zs_error_code"] == "verzoek_ongeldig"
    st, _, _ = w.get(f"/api/v1/inzageverzoeken/{slecht['verzoekId']}", w.inwoner(A))
    assert st == 404


def herstart(w, dag):
    """zs-inzage stopped and started on another day; returns when its
    deadline watch has run once (the figures it sets after it)."""
    w.d.stop()
    w.d.env["ZS_VANDAAG"] = dag
    w.d.start()

    def gekeken():
        with urllib.request.urlopen(w.d.url("/metrics"), timeout=5) as r:
            for regel in r.read().decode().splitlines():
                if regel.startswith("zs_inzage_verzoeken_open "):
                    return float(regel.split()[1]) > 0
        return False

    wait_until(gekeken, 30, what="the deadline watch to have run")


def bewaking_tot_marker(w):
    """Deadline warnings on the inzage topic up to a fresh request (the marker)."""
    st, _, marker = w.post("/api/v1/inzageverzoeken", w.inwoner(B), {"recht": "bezwaar"})
    assert st == 201
    msgs = inzage_events(w, marker["verzoekId"], "InzageVerzoekOntvangen")
    return [m.value for m in msgs if m.record == "InzageTermijnBewaking"]


def test_deadline_warnings_once_each_across_restarts(wereld):
    # Before the first month ends the warning asks for a decision (extend, with reasons, or
    # answer); before an extended deadline it only says the deadline nears.
    w = wereld
    st, _, v = w.post("/api/v1/inzageverzoeken", w.inwoner(A), {"recht": "verwijdering"})
    assert st == 201
    st, _, c = w.post("/api/v1/inzageverzoeken", w.inwoner(A), {"recht": "rectificatie"})
    assert st == 201
    uiterste = dt.date.fromisoformat(v["uitersteDatum"])
    verlengd = (uiterste + dt.timedelta(days=10)).isoformat()
    beh = w.medewerker("behandelaar", BEH, "b.handel")
    st, _, _ = w.post(f"/api/v1/inzageverzoeken/{c['verzoekId']}/verlenging", beh,
                      {"reden": "Uw gegevens staan in drie systemen.", "nieuweUitersteDatum": verlengd})
    assert st == 200
    dagen = [(uiterste - dt.timedelta(days=7), "verlenging_besluit_nodig", 7),
             (uiterste - dt.timedelta(days=1), "verlenging_besluit_nodig", 1),
             (uiterste + dt.timedelta(days=1), "overschreden", -1)]
    for dag in [d for d, _, _ in dagen] + [uiterste + dt.timedelta(days=9)]:
        for _ in range(2):  # the same day twice: the second start finds it given
            herstart(w, dag.isoformat())
    warnings = bewaking_tot_marker(w)
    assert [(x["fase"], x["dagenResterend"], x["datum"]) for x in warnings if x["verzoekId"] == v["verzoekId"]] \
        == [(f, r, v["uitersteDatum"]) for _, f, r in dagen]
    # The extended one: nothing while its deadline was weeks away, then the most urgent that
    # applies on the day before it ("7 days left" is not announced on the last day).
    assert [(x["fase"], x["dagenResterend"], x["datum"]) for x in warnings if x["verzoekId"] == c["verzoekId"]] \
        == [("nadert", 1, verlengd)]
    # The FG's view on that day, and the figures.
    fg = w.medewerker("fg", FG, "f.gerritsen")
    st, _, body = w.get("/api/v1/inzageverzoeken?termijn=overschreden", fg)
    assert st == 200 and v["verzoekId"] in [x["verzoekId"] for x in body["results"]]
    with urllib.request.urlopen(w.d.url("/metrics"), timeout=5) as r:
        metrics = r.read().decode()
    assert "zs_inzage_verzoeken_overschreden " in metrics
    assert 'zs_inzage_afhandeltijd_dagen{quantile="0.95"}' in metrics
    assert "zs_inzage_binnen_termijn_ratio 1" in metrics


def stroom(stack, n_zaken):
    """A resident's life in events, many residents: registrations with two
    roles, status facts, messages, look-ups and their Dataverwerkingen (every
    third one sent twice, as zs-audit's relay does after a crash), in a
    deterministic order. Each (topic, key, record, value, headers)."""
    events = []
    for i in range(n_zaken):
        bsn_i = f"{100000000 + i:09d}"
        zg = registratie("SUBSIDIE", nummer=10000 + i)
        zg["rollen"][0]["betrokkene"]["inpBsn"] = bsn_i
        zg["rollen"][0]["betrokkene"]["naam"] = f"Persoon {i}"
        ps = pseudoniem(stack, bsn_i)
        events.append(("zaken", zg["uuid"], "ZaakGeregistreerd", zg, None))
        st = dict(zg["status"], volgnummer=2, omschrijving="In behandeling", stap=2,
                  datumStatusGezet="2026-03-03T08:00:00.000Z")
        termijnen = {"einddatumGepland": zg["einddatumGepland"],
                     "uiterlijkeEinddatumAfdoening": zg["uiterlijkeEinddatumAfdoening"],
                     "opgeschort": False, "opgeschortSinds": None, "verlengd": False, "opTijd": True}
        events.append(("zaken", zg["uuid"], "StatusGezet", {
            "zaak": zg["uuid"], "identificatie": zg["identificatie"], "opdrachtId": None, "actor": None,
            "tijdstip": "2026-03-03T08:00:00.000Z", "status": st, "vorigeVolgnummer": 1,
            "statustoelichting": None, "terugzettenReden": None, "termijnen": termijnen}, None))
        events.append(("berichten", zg["uuid"], "BerichtVerstuurd",
                       bericht(ps, zg["uuid"], zg["identificatie"]), None))
        events.append(("raadplegingen", ps, "GegevensGeraadpleegd", {
            "raadplegingId": str(uuid.uuid4()), "tijdstip": "2026-03-04T09:00:00.000Z",
            "actor": {"type": "medewerker", "identificatie": "k.klant", "rol": "kcc-medewerker"},
            "betrokkene": ps, "betrokkeneType": "natuurlijk_persoon", "zaak": zg["uuid"],
            "zaakIdentificatie": zg["identificatie"], "actie": "zaak.tijdlijn", "doel": "klantcontact",
            "grondslag": None, "verwerkingsactiviteit": None, "regel": "kcc-samenvatting",
            "besluit": "permit", "detailniveau": "samenvatting", "reden": f"belt {i}",
            "traceId": uuid.uuid4().hex}, None))
        dv = ("dataverwerkingen", ps, "Dataverwerking", dataverwerking(ps, TRACK_EN_TRACE, "2026-03-04T09:00:00.000Z"),
              {"ce_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"dv-{i}"))})
        events.append(dv)
        if i % 3 == 0:
            events.append(dv)
    return events


REGISTER_DUMP = [
    "select uuid::text, identificatie, status, status_gezet_op::text, einddatum::text, eigenschappen::text"
    " from inzage.zaken order by uuid",
    "select betrokkene, zaak::text, rol, machtiging, gegevens::text from inzage.betrokkenheden order by 1, 2, 3",
    "select bericht_id, ontvanger, zaak::text, onderwerp from inzage.berichten order by 1",
    "select raadpleging_id, betrokkene, actor, reden from inzage.raadplegingen order by 1",
    "select betrokkene, activiteit, aantal, eerste::text, laatste::text from inzage.verwerkingen order by 1, 2",
]


def test_kill_9_during_a_stream_gives_the_register_of_an_uninterrupted_run(stack, infra):
    n = 600  # 3,200 events
    events = stroom(stack, n)
    n_dv = sum(1 for e in events if e[0] == "dataverwerkingen")
    for topic, key, record, doc, headers in events:
        stack.produce(topic, key, doc, record=record, headers=headers, flush=False)
    stack.flush()
    def rijen(url):
        try:
            return infra.scalar("select (select count(*) from inzage.zaken) + (select count(*) from"
                                " inzage.betrokkenheden) + (select count(*) from inzage.berichten) +"
                                " (select count(*) from inzage.raadplegingen)", url=url)
        except Exception:  # not migrated yet
            return 0

    ref_name = infra.database_name("inzage_referentie")
    ref_url = infra.create_database(ref_name)
    try:
        referentie = stack.daemon("inzage", ZS_PG_URL=ref_url, ZS_GROUP_ID="inzage-referentie")
        # Small batches: many transactions, so that the kill lands between them.
        slachtoffer = stack.daemon("inzage", ZS_BATCH_MAX=10)
        wait_until(lambda: rijen(stack.db_url) >= n, 120, what="zs-inzage to be part-way")
        slachtoffer.kill9()
        assert rijen(stack.db_url) < 5 * n, "killed too late to prove anything"
        stack.daemon("inzage", ZS_BATCH_MAX=10)

        def compleet(url):
            tel = [infra.scalar(f"select count(*) from inzage.{t}", url=url)
                   for t in ("zaken", "betrokkenheden", "berichten", "raadplegingen")]
            gezet = infra.scalar("select count(*) from inzage.zaken where status = 'In behandeling'", url=url)
            # Every Dataverwerking read (the offsets stored with the rows), repeats included.
            gelezen = infra.scalar("select coalesce(sum(next_offset), 0) from inzage.consumer_offsets"
                                   " where topic like '%dataverwerkingen'", url=url)
            return tel == [n, 2 * n, n, n] and gezet == n and gelezen == n_dv

        wait_until(lambda: compleet(stack.db_url) and compleet(ref_url), 180, what="both registers complete")
        # One act per person, counted once however often it came, across the kill too.
        assert infra.psql("select aantal, count(*) from inzage.verwerkingen group by aantal", url=stack.db_url) \
            == [(1, n)]
        for q in REGISTER_DUMP:
            assert infra.psql(q, url=stack.db_url) == infra.psql(q, url=ref_url), q
        # Never a BSN in the register.
        dump = json.dumps([infra.psql(q, url=stack.db_url) for q in REGISTER_DUMP])
        assert "100000001" not in dump and "100000599" not in dump
    finally:
        for d in stack.daemons:
            d.stop()
        infra.drop_database(ref_name)
