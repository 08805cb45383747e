"""System tests of the notificatie daemon against the real Kafka broker and
PostgreSQL, with real local servers of the test suite for the channels that
belong to others (tests/system/ontvangers.py): a NotifyNL-shaped API that
checks the service's HS256 token, a webhook receiver and an SMTP sink.

One stack for the module (~1 minute): zs-notificatie sends e-mail over SMTP
and SMS over NotifyNL, merges inside a 3-second window (15 minutes in
production), and gives up after 6 attempts from 200 ms (about a day in
production). Facts are produced as the status daemon emits them, encoded by
fastavro. The kill -9 test streams 600 messages (the issue's 5,000 scaled to
what fits in about 30 s here)."""

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import time
import uuid

import pytest

from ontvangers import NotifyNL, Smtp, Webhook, vrije_poort
from test_status import CATALOGUS, registratie
from test_trackandtrace import bsn
from zaakstroom import BUILD, ROOT, Daemon, Stack, wait_until

SUBSIDIE = CATALOGUS["SUBSIDIE"]
TERUGBEL = CATALOGUS["TERUGBEL"]
CURATIEF = CATALOGUS["CURATIEF"]
VENSTER_S = 3
POGINGEN = 6
START = "2026-03-02"


_volgend = iter(range(1, 100000))


def zaak(soort=SUBSIDIE, email=None, telefoon=None, nummer=None):
    """A ZaakGeregistreerd of a fresh resident with the given contact."""
    n = nummer or next(_volgend)
    key = {v["identificatie"]: k for k, v in CATALOGUS.items()}[soort["identificatie"]]
    z = registratie(key, start=START, nummer=7000 + n)
    z["rollen"] = [{"omschrijvingGeneriek": "initiator",
                    "betrokkene": {"betrokkeneType": "natuurlijk_persoon", "inpBsn": bsn(n)},
                    "contactpersoonRol": {"emailadres": email, "telefoonnummer": telefoon}
                    if (email or telefoon) else None}]
    return z


TERMIJNEN = {"einddatumGepland": "2026-04-27", "uiterlijkeEinddatumAfdoening": "2026-05-11",
             "opgeschort": False, "opgeschortSinds": None, "verlengd": False, "opTijd": True}


MAANDEN = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december"]


def nl(iso):
    d = dt.date.fromisoformat(iso)
    return f"{d.day} {MAANDEN[d.month - 1]} {d.year}"


def feit(z, **velden):
    return {"zaak": z["uuid"], "identificatie": z["identificatie"], "opdrachtId": None, "actor": None,
            "tijdstip": "2026-03-10T10:00:00.000Z", **velden, "termijnen": dict(TERMIJNEN)}


def status_feit(z, volgnummer):
    types = z["statustypen"]
    st = next(t for t in types if t["volgnummer"] == volgnummer)
    return feit(z, status={"volgnummer": volgnummer, "omschrijving": st["omschrijving"],
                           "statustekst": st["statustekst"], "informeren": st["informeren"],
                           "tonenAanInitiator": True, "isEindstatus": volgnummer == types[-1]["volgnummer"],
                           "stap": [t["volgnummer"] for t in types].index(volgnummer) + 1,
                           "aantalStappen": len(types), "datumStatusGezet": "2026-03-10T10:00:00.000Z"},
                vorigeVolgnummer=None, statustoelichting=None, terugzettenReden=None)


class World:
    def __init__(self, stack, d, notify, smtp, hook, later_poort, dir):
        self.stack, self.d, self.notify, self.smtp, self.hook = stack, d, notify, smtp, hook
        self.later_poort = later_poort
        self.dir = dir

    def geef(self, *events):
        for record, doc in events:
            self.stack.produce("zaken", doc.get("zaak") or doc["uuid"], doc, record=record, flush=False)
        self.stack.flush()

    def mails(self, adres):
        return self.smtp.lijst(lambda m: m.rcpt == adres)

    def wacht_mails(self, adres, n, timeout=60):
        try:
            wait_until(lambda: len(self.mails(adres)) >= n, timeout, what=f"{n} mails to {adres}")
        except AssertionError as e:
            rijen = self.stack.sql("select aanleiding, kanaal, status, pogingen, foutcode, fout, gepland_op < now()"
                                   " from notificatie.berichten where kanaal <> 'webhook'")
            raise AssertionError(f"{e}; queue: {rijen}") from None
        return self.mails(adres)

    def sms(self, nummer, afgeleverd=False):
        pred = lambda o: o.body.get("phone_number") == nummer  # noqa: E731
        return self.notify.afgeleverd(pred) if afgeleverd else self.notify.lijst(pred)

    def rijen(self, zaak_uuid):
        return self.stack.sql("select aanleiding, kanaal, status, pogingen, abonnement from notificatie.berichten"
                              " where zaak = %s order by aangemaakt_op, abonnement", (zaak_uuid,))

    def token(self, *args):
        return self.stack.zs("token", *args).stdout.strip()

    def post(self, path, token=None):
        return self.call("POST", path, token)

    def call(self, method, path, token=None, body=None):
        import urllib.error
        import urllib.request
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if body is not None:
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.d.url(path), method=method,
                                     data=b"" if body is None else json.dumps(body).encode(), headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")


def start_daemon(stack, env):
    return stack.daemon("notificatie", **env)


@pytest.fixture(scope="module")
def world(infra):
    name = infra.database_name("notificatie")
    url = infra.create_database(name)
    stack = Stack(infra, url, "notificatie")
    notify = NotifyNL(str(uuid.uuid4()), str(uuid.uuid4()))
    smtp, hook = Smtp(), Webhook()
    later = vrije_poort()
    abonnementen = stack.dir / "abonnementen.json"
    abonnementen.write_text(json.dumps({"abonnementen": [
        {"id": "portaal", "url": hook.url("/portaal"), "vorm": "notificaties",
         "authorization": "Token portaal-geheim", "aanleidingen": ["status_gewijzigd"]},
        {"id": "app", "url": hook.url("/app"), "vorm": "cloudevents", "zaaktypen": ["TERUGBELNOTITIE"]},
        {"id": "later", "url": f"http://127.0.0.1:{later}/later", "zaaktypen": ["CURATIEVE-KLANTREIS"]},
    ]}))
    env = dict(ZS_NOTIFICATIE_EMAIL="smtp", ZS_SMTP_URL=smtp.url(), ZS_SMTP_VAN="noreply@denhaag.nl",
               ZS_NOTIFYNL_URL=notify.url(), ZS_NOTIFYNL_API_KEY=notify.api_key(),
               ZS_NOTIFYNL_EMAIL_TEMPLATE=str(uuid.uuid4()), ZS_NOTIFYNL_SMS_TEMPLATE=str(uuid.uuid4()),
               ZS_NOTIFICATIE_VENSTER_S=VENSTER_S, ZS_NOTIFICATIE_POGINGEN=POGINGEN,
               ZS_NOTIFICATIE_BACKOFF_MS=200, ZS_NOTIFICATIE_BACKOFF_MAX_S=1,
               ZS_NOTIFICATIE_ABONNEMENTEN=abonnementen)
    stack.zs("catalogus", "publish")
    d = start_daemon(stack, env)
    w = World(stack, d, notify, smtp, hook, later, stack.dir)
    # The Track & Trace timeline shows what was sent (status consumes berichten).
    w.status = stack.daemon("status", ZS_VANDAAG="2026-02-01")
    w.env = env
    try:
        yield w
    finally:
        stack.close()
        notify.stop()
        smtp.stop()
        hook.stop()
        if os.environ.get("ZS_TEST_KEEP") != "1":
            infra.drop_database(name)


def test_zaak_life_gives_exactly_the_expected_messages(world):
    """Receipt; nothing for a status without informeren; "actie vereist"; the
    we-are-late apology with the new date; a status update; the closing
    message. A redelivered event sends nothing (proven by a sentinel fact
    after it, on the same zaak and so the same partition)."""
    adres = "a.jansen@example.nl"
    z = zaak(email=adres)
    world.geef(("ZaakGeregistreerd", z))
    [ontvangst] = world.wacht_mails(adres, 1)
    assert ontvangst.onderwerp == f"We hebben uw aanvraag ontvangen ({z['identificatie']})"
    assert "Subsidie sanering verkeerslawaai" in ontvangst.tekst
    assert f"uiterlijk {nl(z['einddatumGepland'])} klaar" in ontvangst.tekst
    assert SUBSIDIE["statustypen"][0]["statustekst"] in ontvangst.tekst
    assert z["rollen"][0]["betrokkene"]["inpBsn"] not in ontvangst.tekst  # no BSN in any text

    world.geef(("StatusGezet", status_feit(z, 2)), ("StatusGezet", status_feit(z, 3)))
    actie = world.wacht_mails(adres, 2)[1]
    assert actie.onderwerp == f"Wij hebben iets van u nodig ({z['identificatie']})"
    assert SUBSIDIE["statustypen"][2]["statustekst"] in actie.tekst
    assert "---" not in actie.tekst  # status 2 (informeren: false) made no message to merge

    laat = feit(z, termijn="einddatum_gepland", fase="overschreden", datum="2026-04-27", dagenResterend=-1)
    world.geef(("TermijnBewaking", laat))
    sorry = world.wacht_mails(adres, 3)[2]
    assert sorry.onderwerp == f"Het duurt langer dan we beloofden ({z['identificatie']})"
    assert "uiterlijk 27 april 2026 klaar zou zijn" in sorry.tekst
    assert "Het spijt ons" in sorry.tekst and "uiterlijk 11 mei 2026 van ons" in sorry.tekst

    world.geef(("StatusGezet", status_feit(z, 4)))
    nieuws = world.wacht_mails(adres, 4)[3]
    assert nieuws.onderwerp == f"Nieuws over uw zaak {z['identificatie']}: Besluit genomen"
    assert "stap 4 van 5" in nieuws.tekst

    dicht = feit(z, einddatum="2026-04-01", resultaat="Toegekend", archiefnominatie="vernietigen",
                 archiefactiedatum="2036-04-01")
    world.geef(("StatusGezet", status_feit(z, 5)), ("ZaakAfgesloten", dicht))
    einde = world.wacht_mails(adres, 5)[4]
    assert einde.onderwerp == f"Uw zaak {z['identificatie']} is afgerond"
    assert "De uitkomst is: Toegekend." in einde.tekst and "---" not in einde.tekst

    # Redelivery of events already told (fresh ce_ids, same content), then a sentinel.
    schildwacht = feit(z, reden="Schildwacht", per="2026-04-02")
    world.geef(("ZaakGeregistreerd", z), ("StatusGezet", status_feit(z, 3)), ("StatusGezet", status_feit(z, 4)),
               ("ZaakOpgeschort", schildwacht))
    mails = world.wacht_mails(adres, 6)
    assert "Schildwacht" in mails[5].tekst
    assert len(mails) == 6 and len({m.message_id for m in mails}) == 6
    assert all(m.message_id.endswith("@zaakstroom>") for m in mails)
    # The receiver has the sentinel's mail a moment before the daemon records
    # the delivery (outcomes are written a round at a time): wait for that.
    verwacht = [
        ("zaak_ontvangen", "verstuurd"), ("status_gewijzigd", "verstuurd"), ("termijn_overschreden", "verstuurd"),
        ("status_gewijzigd", "verstuurd"), ("zaak_afgesloten", "verstuurd"), ("zaak_opgeschort", "verstuurd")]

    def vastgelegd():
        return [(r[0], r[2]) for r in world.rijen(z["uuid"]) if r[1] != "webhook"] == verwacht

    wait_until(vastgelegd, 30, what="every delivery recorded as verstuurd")
    rijen = world.rijen(z["uuid"])
    assert [(r[0], r[2]) for r in rijen if r[1] != "webhook"] == verwacht
    # Each delivery is a BerichtVerstuurd on berichten, with a pseudonym, never the address.
    msgs = world.stack.read("berichten", records={"BerichtVerstuurd"},
                            until=lambda ms: sum(m.key == z["uuid"] for m in ms) >= 6)
    verstuurd = [m.value for m in msgs if m.key == z["uuid"] and m.record == "BerichtVerstuurd"]
    assert [v["aanleiding"] for v in verstuurd] == ["zaak_ontvangen", "status_gewijzigd", "termijn_overschreden",
                                                    "status_gewijzigd", "zaak_afgesloten", "zaak_opgeschort"]
    assert all(v["kanaal"] == "email" and len(v["ontvanger"]) == 64 for v in verstuurd)
    assert "@" not in json.dumps(verstuurd)
    assert {f"<{v['berichtId']}@zaakstroom>" for v in verstuurd} == {m.message_id for m in mails}

    # The resident sees in her timeline what was sent, when and how.
    tok = world.token("inwoner", "--bsn", z["rollen"][0]["betrokkene"]["inpBsn"])

    laatste = []

    def tijdlijn():
        st, body = world.status.get(f"/api/v1/zaken/{z['identificatie']}", {"Authorization": f"Bearer {tok}"})
        laatste[:] = [st, body]
        return body if st == 200 and len(body["berichten"]) == 6 else None

    try:
        wait_until(tijdlijn, 30, what="the timeline's berichten")
    except AssertionError:
        raise AssertionError(f"last timeline: {laatste[0]} {laatste[1].get('berichten') if isinstance(laatste[1], dict) else laatste[1]}")
    berichten = tijdlijn()["berichten"]
    assert [b["aanleiding"] for b in berichten] == [v["aanleiding"] for v in verstuurd]
    assert {b["kanaal"] for b in berichten} == {"email"}
    assert [b["onderwerp"] for b in berichten] == [m.onderwerp for m in mails]


def test_updates_inside_the_window_are_merged(world):
    adres = "merge@example.nl"
    z = zaak(email=adres)
    world.geef(("ZaakGeregistreerd", z), ("StatusGezet", status_feit(z, 3)), ("StatusGezet", status_feit(z, 4)))
    mails = world.wacht_mails(adres, 2)
    samen = mails[1]
    # Both updates in one message, newest subject, neither dropped.
    assert samen.onderwerp == f"Nieuws over uw zaak {z['identificatie']}: Besluit genomen"
    assert SUBSIDIE["statustypen"][2]["statustekst"] in samen.tekst
    assert SUBSIDIE["statustypen"][3]["statustekst"] in samen.tekst
    assert "\n---\n" in samen.tekst
    # Sentinel on the same zaak after the window: a message of its own.
    world.geef(("ZaakOpgeschort", feit(z, reden="Schildwacht", per="2026-04-02")))
    mails = world.wacht_mails(adres, 3)
    assert len(mails) == 3 and "Schildwacht" in mails[2].tekst and "---" not in mails[2].tekst
    assert world.stack.scalar("select samengevoegd from notificatie.berichten where zaak = %s"
                              " and aanleiding = 'status_gewijzigd' and kanaal = 'email'", (z["uuid"],)) == 1


def test_notifynl_500_three_times_then_201_delivers_once(world):
    tel = "0611111111"
    antwoorden = [500, 500, 500]
    world.notify.script = lambda p, h, b: (antwoorden.pop(0), {}) if b.get("phone_number") == tel and antwoorden else None
    z = zaak(telefoon=tel)
    world.geef(("ZaakGeregistreerd", z))
    wait_until(lambda: world.sms(tel, afgeleverd=True), 30, what="the SMS delivered")
    pogingen = world.sms(tel)
    assert [o.status for o in pogingen] == [500, 500, 500, 201]
    assert len({o.body["reference"] for o in pogingen}) == 1  # the same stable id every time
    assert pogingen[0].body["template_id"] == world.env["ZS_NOTIFYNL_SMS_TEMPLATE"]
    assert z["identificatie"] in pogingen[0].body["personalisation"]["bericht"]
    assert world.stack.scalar("select pogingen from notificatie.berichten where zaak = %s", (z["uuid"],)) == 4


def test_429_retry_after_is_waited_for(world):
    tel = "0622222222"
    eerst = [True]

    def script(p, h, b):
        if b.get("phone_number") == tel and eerst:
            eerst.pop()
            return 429, {"Retry-After": "2"}
        return None

    world.notify.script = script
    world.geef(("ZaakGeregistreerd", zaak(telefoon=tel)))
    wait_until(lambda: world.sms(tel, afgeleverd=True), 30, what="the SMS delivered")
    a, b = world.sms(tel)
    assert (a.status, b.status) == (429, 201)
    # Without Retry-After the next try would come after 100-200 ms.
    assert b.tijd - a.tijd >= 1.9


def test_past_the_budget_berichtmislukt_then_resend(world):
    tel = "0633333333"
    kapot = [True]
    world.notify.script = lambda p, h, b: (500, {}) if b.get("phone_number") == tel and kapot else None
    z = zaak(telefoon=tel)
    world.geef(("ZaakGeregistreerd", z))
    msgs = world.stack.read("berichten", records={"BerichtMislukt"},
                            until=lambda ms: any(m.key == z["uuid"] for m in ms))
    [mislukt] = [m.value for m in msgs if m.key == z["uuid"]]
    assert mislukt["definitief"] and mislukt["pogingen"] == POGINGEN and mislukt["kanaal"] == "sms"
    assert mislukt["foutcode"] == "technical_failure" and tel not in json.dumps(mislukt)
    assert len(world.sms(tel)) == POGINGEN
    # The alert metric counts it.
    import urllib.request
    with urllib.request.urlopen(world.d.url("/metrics")) as r:
        tekst = r.read().decode()
    assert any(l.startswith("zs_notificatie_mislukt_definitief_total") and float(l.split()[-1]) >= 1
               for l in tekst.splitlines())

    pad = f"/api/v1/berichten/{mislukt['berichtId']}/opnieuw"
    assert world.post(pad)[0] == 401
    assert world.post(pad, world.token("inwoner", "--bsn", bsn(9000)))[0] == 403
    beheerder = world.token("medewerker", "--id", "b.eheer", "--rol", "beheerder", "--bsn", bsn(9001))
    assert world.post(f"/api/v1/berichten/{uuid.uuid4()}/opnieuw", beheerder)[0] == 404
    kapot.clear()
    status, body = world.post(pad, beheerder)
    assert status == 202, body
    wait_until(lambda: world.sms(tel, afgeleverd=True), 30, what="the resent SMS")
    assert {o.body["reference"] for o in world.sms(tel)} == {mislukt["berichtId"]}
    msgs = world.stack.read("berichten", records={"BerichtVerstuurd"},
                            until=lambda ms: any(m.key == z["uuid"] for m in ms))
    assert [m.value["berichtId"] for m in msgs if m.key == z["uuid"]] == [mislukt["berichtId"]]
    # Delivered now: not again.
    assert world.post(pad, beheerder)[0] == 409


def test_webhook_filters_and_authorization(world):
    """portaal: status changes only, Notificaties API shape, its own
    Authorization; app: TERUGBELNOTITIE zaken only, CloudEvents. The last
    event of each zaak is the sentinel: when it arrived, the queue is checked
    empty, so nothing else is still to come."""
    x = zaak(email="x@example.nl")
    y = zaak(soort=TERUGBEL, email="y@example.nl")
    world.geef(("ZaakGeregistreerd", x), ("ZaakGeregistreerd", y), ("StatusGezet", status_feit(x, 3)),
               ("StatusGezet", status_feit(y, 3)), ("StatusGezet", status_feit(x, 4)))

    def van(zaak_doc):
        return world.hook.lijst(lambda o: zaak_doc["identificatie"] in json.dumps(o.body))

    wait_until(lambda: len(van(x)) >= 2 and len(van(y)) >= 3, 30, what="the webhooks")
    wait_until(lambda: world.stack.scalar("select count(*) from notificatie.berichten where kanaal = 'webhook'"
                                          " and status in ('wacht', 'bezig') and zaak in (%s, %s)",
                                          (x["uuid"], y["uuid"])) == 0, 30, what="the webhook queue empty")
    px = van(x)
    assert {o.path for o in px} == {"/portaal"}
    assert sorted(o.body["resourceUrl"] for o in px) == [f"http://127.0.0.1:8082/api/v1/zaken/{x['identificatie']}"] * 2
    assert all(o.body["kanaal"] == "zaken" and o.body["resource"] == "status" and o.body["actie"] == "create"
               for o in px)
    assert all(o.headers["authorization"] == "Token portaal-geheim" for o in px)
    assert len({o.headers["idempotency-key"] for o in px}) == 2
    py = van(y)
    assert sorted(o.path for o in py) == ["/app", "/app", "/portaal"], [(o.path, o.headers.get("idempotency-key"), o.body) for o in py]
    for o in py:
        if o.path == "/app":
            assert o.body["specversion"] == "1.0" and o.body["subject"] == y["uuid"]
            assert o.headers["idempotency-key"] == o.body["id"]
            assert "authorization" not in o.headers
    assert sorted(o.body["data"]["aanleiding"] for o in py if o.path == "/app") == ["status_gewijzigd",
                                                                                    "zaak_ontvangen"]
    assert bsn(1) not in json.dumps([o.body for o in world.hook.lijst()])


def test_each_accepted_webhook_is_one_gebeurtenis_doorgegeven(world):
    """Every webhook a subscriber accepted is recorded on berichten as one
    GebeurtenisDoorgegeven: which subscription, its origin only (no path, no
    Authorization), the zaak and what happened. The sentinel is a later fact
    of the same zaak: once its own GebeurtenisDoorgegeven is on the topic
    (same key, same partition, relayed in order), everything before it is
    too, and the topic holds exactly one per delivery."""
    z = zaak(soort=TERUGBEL, email="doorgifte@example.nl")
    world.geef(("ZaakGeregistreerd", z), ("StatusGezet", status_feit(z, 3)))

    def van(zaak_doc):
        return world.hook.lijst(lambda o: zaak_doc["identificatie"] in json.dumps(o.body) and o.status < 300)

    # app: both (cloudevents, TERUGBELNOTITIE); portaal: the status change only.
    wait_until(lambda: len(van(z)) >= 3, 30, what="the webhooks")
    world.geef(("ZaakOpgeschort", feit(z, reden="Schildwacht", per="2026-04-02")))  # app only

    def doorgegeven(ms):
        return [m.value for m in ms if m.key == z["uuid"] and m.record == "GebeurtenisDoorgegeven"]

    world.stack.read("berichten", records={"GebeurtenisDoorgegeven"},
                     until=lambda ms: any(v["aanleiding"] == "zaak_opgeschort" for v in doorgegeven(ms)))
    msgs = [m for m in world.stack.read_written("berichten", schema="notificatie")
            if m.key == z["uuid"] and m.record == "GebeurtenisDoorgegeven"]
    feiten = [m.value for m in msgs]
    ontvangen = van(z)
    assert len(ontvangen) == 4
    assert sorted(v["berichtId"] for v in feiten) == sorted(o.headers["idempotency-key"] for o in ontvangen)
    assert sorted((v["abonnement"], v["aanleiding"], v["vorm"]) for v in feiten) == [
        ("app", "status_gewijzigd", "cloudevents"), ("app", "zaak_ontvangen", "cloudevents"),
        ("app", "zaak_opgeschort", "cloudevents"), ("portaal", "status_gewijzigd", "notificaties")]
    for v in feiten:
        assert v["origin"] == world.hook.url("")  # http://127.0.0.1:<port>, nothing after it
        assert (v["zaak"], v["identificatie"], v["zaaktype"]) == (z["uuid"], z["identificatie"], "TERUGBELNOTITIE")
        assert v["pogingen"] == 1 and v["doorgegevenOp"] is not None
    assert "portaal-geheim" not in json.dumps(feiten, default=str)
    # A name-based ce_id per delivery: a replayed record would carry the same one.
    assert len({m.headers["ce_id"] for m in msgs}) == 4


def test_abonnementen_api_add_deliver_remove(world):
    """The beheerder manages webhook subscriptions over the API: one added
    receives the next event, one removed receives nothing more. The removed
    one's absence is proven by the sentinel: the next zaak's event reaches
    "app" (still subscribed, same filter) and the webhook queue for that zaak
    is empty, so nothing is still to come for "nieuw". The Authorization value
    is never in a reply or the log; a resident or KCC token gets 403, each
    attempt recorded as GegevensGeraadpleegd; bad input names the field."""
    beheerder = world.token("medewerker", "--id", "b.eheer", "--rol", "beheerder", "--bsn", bsn(9001))
    geheim = "Token nieuw-" + uuid.uuid4().hex
    nieuw = {"id": "nieuw", "url": world.hook.url("/nieuw"), "vorm": "cloudevents", "authorization": geheim,
             "aanleidingen": ["zaak_ontvangen"], "zaaktypen": ["TERUGBELNOTITIE"]}
    status, body = world.call("POST", "/api/v1/abonnementen", beheerder, nieuw)
    assert status == 201, body
    assert body["authorizationGezet"] is True and body["zaaktypen"] == ["TERUGBELNOTITIE"]
    assert world.call("POST", "/api/v1/abonnementen", beheerder, nieuw)[0] == 409
    status, lijst = world.call("GET", "/api/v1/abonnementen", beheerder)
    assert status == 200
    # The file's subscriptions were imported; the new one is there too.
    assert {"portaal", "app", "later", "nieuw"} <= {a["id"] for a in lijst["results"]}
    assert geheim not in json.dumps(lijst) and "portaal-geheim" not in json.dumps(lijst)

    # Bad input: a problem document naming the field, in Dutch; nothing written.
    for fout, veld in [({**nieuw, "id": "x", "url": "ftp://h/x"}, "url"),
                       ({**nieuw, "id": "x", "url": "/relatief"}, "url"),
                       ({**nieuw, "id": "x", "vorm": "xml"}, "vorm"),
                       ({**nieuw, "id": "x", "zaaktypen": "TERUGBELNOTITIE"}, "zaaktypen"),
                       ({**nieuw, "id": "x", "kleur": "rood"}, "kleur")]:
        status, body = world.call("POST", "/api/v1/abonnementen", beheerder, fout)
        assert status == 400 and body["invalidParams"][0]["name"] == veld, (fout, body)
    assert world.call("GET", "/api/v1/abonnementen/x", beheerder)[0] == 404
    assert world.call("PUT", "/api/v1/abonnementen/onbekend", beheerder, {"url": "http://127.0.0.1:1/"})[0] == 404
    assert world.call("DELETE", "/api/v1/abonnementen/onbekend", beheerder)[0] == 404

    # Residents and the KCC may not; each attempt is recorded as a deny.
    inwoner = world.token("inwoner", "--bsn", bsn(9002))
    kcc = world.token("medewerker", "--id", "k.cc", "--rol", "kcc-medewerker", "--bsn", bsn(9003))
    assert world.call("GET", "/api/v1/abonnementen", inwoner)[0] == 403
    assert world.call("DELETE", "/api/v1/abonnementen/nieuw", kcc)[0] == 403
    assert world.call("POST", "/api/v1/abonnementen", kcc, {**nieuw, "id": "kcc"})[0] == 403
    assert world.call("GET", "/api/v1/abonnementen")[0] == 401

    # Added: the next event reaches it, with its own Authorization.
    z1 = zaak(soort=TERUGBEL, email="n1@example.nl")
    world.geef(("ZaakGeregistreerd", z1))

    def naar(pad, z):
        return world.hook.lijst(lambda o: o.path == pad and z["uuid"] in json.dumps(o.body))

    wait_until(lambda: naar("/nieuw", z1), 30, what="the new subscription's webhook")
    assert naar("/nieuw", z1)[0].headers["authorization"] == geheim

    # Changed (PUT keeps the secret when it is not sent), then removed.
    status, body = world.call("PUT", "/api/v1/abonnementen/nieuw", beheerder,
                              {k: v for k, v in nieuw.items() if k not in ("id", "authorization")})
    assert status == 200 and body["authorizationGezet"] is True, body
    assert world.stack.scalar("select autorisatie from notificatie.abonnementen where id = 'nieuw'") == geheim
    assert world.call("DELETE", "/api/v1/abonnementen/nieuw", beheerder)[0] == 200
    assert world.call("GET", "/api/v1/abonnementen/nieuw", beheerder)[0] == 404

    z2 = zaak(soort=TERUGBEL, email="n2@example.nl")
    world.geef(("ZaakGeregistreerd", z2))
    wait_until(lambda: naar("/app", z2), 30, what="the sentinel webhook to app")
    wait_until(lambda: world.stack.scalar("select count(*) from notificatie.berichten where kanaal = 'webhook'"
                                          " and status in ('wacht', 'bezig') and zaak = %s", (z2["uuid"],)) == 0,
               30, what="the webhook queue empty")
    assert naar("/nieuw", z2) == []
    assert world.stack.scalar("select count(*) from notificatie.berichten where zaak = %s and abonnement = 'nieuw'",
                              (z2["uuid"],)) == 0

    def soorten(ms):
        return {(m.value["actor"]["rol"], m.value["besluit"], m.value["regel"]) for m in ms
                if m.value and m.value.get("actie") == "abonnementen.beheren"}

    verwacht = {("inwoner", "deny", "standaard-weigeren"), ("kcc-medewerker", "deny", "standaard-weigeren"),
                ("beheerder", "deny", "ongeldig-verzoek"), ("beheerder", "permit", "beheerder-abonnementen")}
    msgs = world.stack.read("raadplegingen", until=lambda ms: verwacht <= soorten(ms))
    assert verwacht <= soorten(msgs)
    beheer = [m.value for m in msgs if m.value and m.value.get("actie") == "abonnementen.beheren"]
    assert geheim not in json.dumps(beheer)
    assert geheim not in world.d.log_text() and "portaal-geheim" not in world.d.log_text()


def test_zs_abonnement_manages_subscriptions(world):
    """zs abonnement add/list/show/remove against the daemon's API with a
    development beheerder token; the secret is never printed; a resident's
    token (ZS_TOKEN) is refused with a clear message; an unknown id fails."""
    env = {**world.stack.env, "ZS_NOTIFICATIE_URL": world.d.url("")}

    def zs(*args, input=None, **extra):
        return subprocess.run([str(BUILD / "bin" / "zs"), "abonnement", *args], env={**env, **extra},
                              capture_output=True, text=True, input=input, timeout=60)

    geheim = "Bearer zs-" + uuid.uuid4().hex
    r = zs("add", "-", input=json.dumps({"id": "via-zs", "url": "https://portaal.example.nl/in",
                                         "vorm": "notificaties", "authorization": geheim,
                                         "zaaktypen": ["TERUGBELNOTITIE"]}))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["authorizationGezet"] is True
    r = zs("list")
    assert r.returncode == 0 and any(line.split()[:3] == ["via-zs", "notificaties", "auth"]
                                     for line in r.stdout.splitlines()), r.stdout
    r = zs("show", "via-zs")
    assert r.returncode == 0 and json.loads(r.stdout)["url"] == "https://portaal.example.nl/in"
    r = zs("add", "-", input=json.dumps({"id": "kapot", "url": "portaal.example.nl"}))
    assert r.returncode == 1 and 'field "url"' in r.stderr, r.stderr
    r = zs("list", ZS_TOKEN=world.token("inwoner", "--bsn", bsn(9004)))
    assert r.returncode == 1 and "403" in r.stderr and "beheerder" in r.stderr, r.stderr
    assert zs("remove", "via-zs").returncode == 0
    r = zs("show", "via-zs")
    assert r.returncode == 1 and "404" in r.stderr
    r = zs("show", "../x")
    assert r.returncode == 1 and "invalid subscription id" in r.stderr
    assert geheim not in "".join([r.stdout, r.stderr, world.d.log_text()])


def test_channel_down_then_back_gets_every_message(world):
    z = zaak(soort=CURATIEF, email="c@example.nl")
    world.geef(("ZaakGeregistreerd", z), ("StatusGezet", status_feit(z, 2)))
    # Nobody listens on the subscription's port: attempts fail and are retried.
    wait_until(lambda: (world.stack.scalar("select min(pogingen) from notificatie.berichten where zaak = %s"
                                          " and abonnement = 'later'", (z["uuid"],)) or 0) >= 2,
               30, what="failed attempts")
    assert world.stack.scalar("select count(*) from notificatie.berichten where zaak = %s and abonnement = 'later'",
                              (z["uuid"],)) == 2
    terug = Webhook(port=world.later_poort)
    try:
        wait_until(lambda: len(terug.lijst()) >= 2, 30, what="both webhooks after the receiver came back")
        assert sorted(o.body["kenmerken"]["aanleiding"] for o in terug.lijst()) == ["status_gewijzigd",
                                                                                    "zaak_ontvangen"]
    finally:
        terug.stop()


def test_voorkeuren_api_and_opted_out_resident_gets_only_actie_vereist(world):
    """The resident reads and changes their preferences with their own DigiD
    token (each request recorded as a GegevensGeraadpleegd); opted out, a
    status update is not sent, "actie vereist" is."""
    adres = "stil@example.nl"
    z = zaak(email=adres)
    eigen_bsn = z["rollen"][0]["betrokkene"]["inpBsn"]
    world.geef(("ZaakGeregistreerd", z))
    world.wacht_mails(adres, 1)
    tok = world.token("inwoner", "--bsn", eigen_bsn)
    antwoord = world.call("GET", "/api/v1/voorkeuren", tok)
    assert antwoord == (200, {"emailadres": adres, "telefoonnummer": None, "updates": True}), antwoord
    assert world.call("GET", "/api/v1/voorkeuren")[0] == 401
    status, body = world.call("PUT", "/api/v1/voorkeuren", tok, {"updates": False, "kleur": "rood"})
    assert status == 400 and body["invalidParams"][0]["name"] == "kleur"
    status, body = world.call("PUT", "/api/v1/voorkeuren", tok, {"emailadres": "geen adres"})
    assert status == 400 and body["invalidParams"][0]["name"] == "emailadres"
    assert world.call("PUT", "/api/v1/voorkeuren", tok, {"updates": False}) == (
        200, {"emailadres": adres, "telefoonnummer": None, "updates": False})
    beheerder = world.token("medewerker", "--id", "b.eheer", "--rol", "beheerder", "--bsn", bsn(9001))
    assert world.call("GET", "/api/v1/voorkeuren", beheerder)[0] == 403
    # The read and the change recorded (as permitted reads of her own data),
    # with the resident as a pseudonym.
    msgs = world.stack.read("raadplegingen", until=lambda ms: sum(
        m.value.get("doel") == "inzicht" for m in ms if m.value) >= 2)
    mijn = [m.value for m in msgs if m.value and m.value.get("doel") == "inzicht"]
    assert len(mijn) == 2
    assert all(m["actie"] == "inzage.lezen" and m["besluit"] == "permit" for m in mijn), mijn
    assert eigen_bsn not in json.dumps(mijn) and adres not in json.dumps(mijn)

    world.geef(("StatusGezet", status_feit(z, 4)), ("StatusGezet", status_feit(z, 3)))
    mails = world.wacht_mails(adres, 2)
    assert mails[1].onderwerp.startswith("Wij hebben iets van u nodig")
    assert "---" not in mails[1].tekst  # status 4 was not made, so nothing merged into it
    assert [r[0] for r in world.rijen(z["uuid"]) if r[1] != "webhook"] == ["zaak_ontvangen", "status_gewijzigd"]


def test_inzageverzoek_received_extended_answered(world):
    """A request under the AVG: the resident is told it was received (with
    the deadline), extended (with the reason) and answered; a redelivered
    event sends nothing (the answer comes after it on the same key)."""
    import hashlib
    import hmac

    adres = "inzage@example.nl"
    z = zaak(email=adres)
    eigen_bsn = z["rollen"][0]["betrokkene"]["inpBsn"]
    world.geef(("ZaakGeregistreerd", z))
    world.wacht_mails(adres, 1)
    sleutel = bytes.fromhex(world.stack.env["ZS_PSEUDONIEM_SLEUTEL"])
    ps = hmac.new(sleutel, b"BSN\x00" + eigen_bsn.encode(), hashlib.sha256).hexdigest()
    vid = str(uuid.uuid4())
    ontvangen = {"verzoekId": vid, "recht": "inzage", "betrokkene": ps, "betrokkeneType": "natuurlijk_persoon",
                 "kanaal": "web", "vertegenwoordigd": False, "ontvangenOp": "2026-03-02T09:00:00.000Z",
                 "uitersteDatum": "2026-04-02", "uiterstVerlengbaarTot": "2026-06-02",
                 "identiteitscontrole": None, "toelichting": None, "uitvoerder": None}
    verlengd = {"verzoekId": vid, "reden": "Uw verzoek gaat over veel zaken.", "vorigeUitersteDatum": "2026-04-02",
                "nieuweUitersteDatum": "2026-05-04", "beslotenOp": "2026-03-20T09:00:00.000Z",
                "meldingAanBetrokkeneOp": None, "uitvoerder": None}
    klaar = {"verzoekId": vid, "afgehandeldOp": "2026-04-20T09:00:00.000Z", "uitkomst": "verstrekt",
             "uitersteDatum": "2026-05-04", "binnenTermijn": True, "art15": None, "toelichting": None,
             "uitvoerder": None}
    for record, doc in (("InzageVerzoekOntvangen", ontvangen), ("InzageTermijnVerlengd", verlengd),
                        ("InzageVerzoekOntvangen", ontvangen), ("InzageAfgehandeld", klaar)):
        world.stack.produce("inzage", vid, doc, record=record, flush=False)
    world.stack.flush()
    # Messages without a zaak have no window: they leave at once, side by side.
    mails = {m.onderwerp: m for m in world.wacht_mails(adres, 4)[1:]}
    assert sorted(mails) == ["Het antwoord op uw verzoek over uw gegevens staat klaar",
                             "We hebben meer tijd nodig voor uw verzoek over uw gegevens",
                             "We hebben uw verzoek over uw gegevens ontvangen"]
    assert "uiterlijk 2 april 2026 antwoord" in mails["We hebben uw verzoek over uw gegevens ontvangen"].tekst
    verlenging = mails["We hebben meer tijd nodig voor uw verzoek over uw gegevens"].tekst
    assert "Uw verzoek gaat over veel zaken." in verlenging and "uiterlijk 4 mei 2026" in verlenging
    # The redelivered receipt made nothing: its key was known, and the queue is empty.
    assert world.stack.scalar("select count(*) from notificatie.berichten where verzoek_id = %s", (vid,)) == 3
    try:
        msgs = world.stack.read("berichten", until=lambda ms: sum(m.key == vid for m in ms) >= 3, timeout=20)
    except AssertionError:
        rijen = world.stack.sql("select status, pogingen, foutcode, fout, zaak, aanvraag_id, verzoek_id"
                                " from notificatie.berichten where verzoek_id = %s", (vid,))
        raise AssertionError(f"rows: {rijen}; log: {world.d.log_tail(15)}") from None
    van = [m.value for m in msgs if m.key == vid]
    assert sorted(v["aanleiding"] for v in van) == ["inzage_afgehandeld", "inzage_ontvangen", "inzage_verlengd"]
    assert all(v["verzoekId"] == vid and v["zaak"] is None and v["ontvanger"] == ps for v in van)


def test_kill9_during_deliveries_loses_nothing(world):
    n = 600
    stack = world.stack
    telefoons = [f"07{i:08d}" for i in range(n)]
    for i, tel in enumerate(telefoons):
        z = zaak(telefoon=tel)
        stack.produce("zaken", z["uuid"], z, record="ZaakGeregistreerd", flush=False)
    stack.flush()
    wait_until(lambda: len(world.notify.afgeleverd(lambda o: o.body.get("phone_number", "").startswith("07")))
               >= n // 4, 60, what="a quarter delivered")
    world.d.kill9()
    world.d.start()
    mijn = lambda o: o.body.get("phone_number", "").startswith("07")  # noqa: E731
    wait_until(lambda: {o.body["phone_number"] for o in world.notify.afgeleverd(mijn)} == set(telefoons),
               120, what="every message delivered")
    ontvangen = world.notify.afgeleverd(mijn)
    per_tel = {}
    for o in ontvangen:
        per_tel.setdefault(o.body["phone_number"], set()).add(o.body["reference"])
    assert all(len(refs) == 1 for refs in per_tel.values())  # a repeat carries its first copy's id
    herhaald = len(ontvangen) - n
    assert 0 <= herhaald <= 64  # at most the deliveries in flight at the kill
    wait_until(lambda: stack.scalar("select count(*) from notificatie.berichten where status <> 'verstuurd'"
                                    " and kanaal = 'sms' and aanleiding = 'zaak_ontvangen'"
                                    " and aangemaakt_op > now() - interval '10 minutes'") == 0, 30,
               what="the queue recorded")


def test_template_with_missing_placeholder_stops_startup(world, tmp_path):
    sjablonen = tmp_path / "sjablonen"
    shutil.copytree(ROOT / "deploy" / "notificatie" / "sjablonen", sjablonen)
    (sjablonen / "zaak-ontvangen.txt").write_text("Onderwerp: Ontvangen\n\nUw zaak {{identificatie}} is binnen.\n")
    env = dict(world.d.env, ZS_NOTIFICATIE_SJABLONEN=str(sjablonen))
    r = subprocess.run([str(BUILD / "bin" / "zs-notificatie")], env=env, capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 1
    fout = [json.loads(l) for l in r.stderr.splitlines() if l.startswith("{")]
    assert any(f.get("msg") == "rules or templates refused" and "template zaak-ontvangen" in f.get("detail", "")
               and "{{einddatum}} is missing" in f["detail"] for f in fout), r.stderr
    # zs checks the same before deploying: the broken folder refused, the shipped one and the
    # module's subscriptions accepted.
    regels = str(ROOT / "deploy" / "notificatie" / "regels.json")
    r = world.stack.zs("notificatie", "check", regels, str(sjablonen), check=False)
    assert r.returncode == 1 and "template zaak-ontvangen" in r.stderr and "{{einddatum}}" in r.stderr
    r = world.stack.zs("notificatie", "check", "--abonnementen", str(world.dir / "abonnementen.json"))
    assert re.search(r"\d+ rules, \d+ templates", r.stdout) and "3 webhook subscriptions" in r.stdout
