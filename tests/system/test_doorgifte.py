"""Webhook subscribers as recipients (issues #11 and #12), across daemons, on
the real broker and PostgreSQL: zs-notificatie delivers zaak events to
subscribers (real HTTP servers of the test suite on loopback), and every
delivery a subscriber accepted is one GebeurtenisDoorgegeven on berichten;
zs-audit names the subscriber as a recipient under the platform's notificatie
activity and reports one its register does not name, until it does;
zs-inzage tells each resident which subscribers received their zaak's events.

One stack for the module: notificatie, audit and inzage; the zaken's facts are
produced as intake and status emit them. Subscriptions (from a file, as
ZS_NOTIFICATIE_ABONNEMENTEN imports it):

* portaal   every zaak, Notificaties API shape, a secret in its query string
            and its Authorization header; named in the register;
* archief   SUBSIDIE zaken only, CloudEvents; not named in the register;
* klantreis CURATIEVE-KLANTREIS zaken only: receives the other resident's
            zaak's events, none of the first resident's.
"""

import json
import os
import uuid

import pytest

from ontvangers import Smtp, Webhook
from test_notificatie import CURATIEF, SUBSIDIE, status_feit, zaak
from test_inzage import Wereld
from test_status import MEDEWERKER_BSN
from zaakstroom import ROOT, Stack, wait_until

NOTIFICATIE = "urn:zaakstroom:verwerkingsactiviteit:notificatie"


class World:
    def __init__(self, stack, hook):
        self.stack, self.hook = stack, hook

    def token(self, *args):
        return self.stack.zs("token", *args).stdout.strip()

    def register(self, *ontvangers):
        """A copy of the shipped platform register whose notificatie entry
        also names these recipients."""
        doc = json.loads((ROOT / "deploy" / "verwerkingsregister" / "platform.json").read_text())
        for e in doc["verwerkingsactiviteiten"]:
            if e["id"] == NOTIFICATIE:
                e["ontvangers"] += list(ontvangers)
        path = self.stack.dir / f"register-{uuid.uuid4().hex[:8]}.json"
        path.write_text(json.dumps(doc))
        return path

    def bevindingen(self):
        fg = self.token("medewerker", "--id", "f.gegevens", "--rol", "fg", "--bsn", MEDEWERKER_BSN)
        status, body = self.audit.get("/api/v1/verwerkingsregister/bevindingen?doel=toezicht",
                                      {"Authorization": f"Bearer {fg}"})
        assert status == 200, body
        return {(b["activiteit"], b.get("waarde")) for b in body["bevindingen"]
                if b["code"] == "register.ontvanger_niet_genoemd"}


@pytest.fixture(scope="module")
def world(infra):
    name = infra.database_name("doorgifte")
    url = infra.create_database(name)
    stack = Stack(infra, url, "doorgifte")
    hook, smtp = Webhook(), Smtp()
    w = World(stack, hook)
    try:
        abonnementen = stack.dir / "abonnementen.json"
        abonnementen.write_text(json.dumps({"abonnementen": [
            {"id": "portaal", "url": hook.url("/portaal?sleutel=geheim-in-de-url"), "vorm": "notificaties",
             "authorization": "Token portaal-geheim"},
            {"id": "archief", "url": hook.url("/archief"), "vorm": "cloudevents",
             "zaaktypen": [SUBSIDIE["identificatie"]]},
            {"id": "klantreis", "url": hook.url("/klantreis"), "zaaktypen": [CURATIEF["identificatie"]]},
        ]}))
        stack.zs("catalogus", "publish")
        w.notificatie = stack.daemon("notificatie", ZS_NOTIFICATIE_ABONNEMENTEN=abonnementen,
                                     ZS_NOTIFICATIE_EMAIL="smtp", ZS_SMTP_URL=smtp.url())
        w.audit = stack.daemon("audit", ZS_AUDIT_REGISTER=w.register("webhook:portaal"))
        w.inzage = stack.daemon("inzage")
        # Two residents without contact details: no messages, only webhooks.
        w.zaak, w.ander = zaak(soort=SUBSIDIE), zaak(soort=CURATIEF)
        for z in (w.zaak, w.ander):
            stack.produce("zaken", z["uuid"], z, record="ZaakGeregistreerd", flush=False)
            stack.produce("zaken", z["uuid"], status_feit(z, 3), record="StatusGezet", flush=False)
        stack.flush()
        yield w
    finally:
        stack.close()
        hook.stop()
        smtp.stop()
        if os.environ.get("ZS_TEST_KEEP") != "1":
            infra.drop_database(name)


def doorgegeven(msgs, zaak_doc):
    return [m for m in msgs if m.record == "GebeurtenisDoorgegeven" and m.key == zaak_doc["uuid"]]


def test_each_delivery_a_subscriber_accepted_is_one_fact(world):
    """Both zaken's events reach the subscribers that want them; each accepted
    delivery is one GebeurtenisDoorgegeven, naming the subscription and only the
    origin of its URL. The sentinel is a later fact of each zaak, delivered to
    portaal: once its GebeurtenisDoorgegeven is on the topic (same key, same
    partition, relayed in order), the topic holds exactly one per delivery."""
    w, s = world, world.stack
    paden = {w.zaak["uuid"]: ["/archief", "/archief", "/portaal", "/portaal"],
             w.ander["uuid"]: ["/klantreis", "/klantreis", "/portaal", "/portaal"]}

    def ontvangen(z):
        return sorted(o.path.split("?")[0] for o in w.hook.lijst(lambda o: z["identificatie"] in json.dumps(o.body)))

    wait_until(lambda: all(ontvangen(z) == paden[z["uuid"]] for z in (w.zaak, w.ander)), 30, what="the webhooks")
    for z in (w.zaak, w.ander):
        s.produce("zaken", z["uuid"], dict(status_feit(z, 4)), record="StatusGezet", flush=False)
    s.flush()
    s.read("berichten", records={"GebeurtenisDoorgegeven"}, until=lambda ms: all(
        len(doorgegeven(ms, z)) >= 6 for z in (w.zaak, w.ander)))
    msgs = s.read_written("berichten", schema="notificatie")
    for z in (w.zaak, w.ander):
        feiten = [m.value for m in doorgegeven(msgs, z)]
        idem = [o.headers["idempotency-key"] for o in w.hook.lijst(lambda o: z["identificatie"] in json.dumps(o.body))]
        assert len(idem) == 6 and sorted(v["berichtId"] for v in feiten) == sorted(idem)
        assert len({m.headers["ce_id"] for m in doorgegeven(msgs, z)}) == 6
        assert {v["origin"] for v in feiten} == {w.hook.url("")}
        assert {(v["zaak"], v["zaaktype"]) for v in feiten} == {(z["uuid"], z["zaaktype"])}
    assert sorted(v.value["abonnement"] for v in doorgegeven(msgs, w.zaak)) == ["archief"] * 3 + ["portaal"] * 3
    assert sorted(v.value["abonnement"] for v in doorgegeven(msgs, w.ander)) == ["klantreis"] * 3 + ["portaal"] * 3
    raw = b"".join(m.raw for m in msgs)
    assert b"geheim" not in raw and b"/portaal" not in raw  # no secret, no path
    for z in (w.zaak, w.ander):
        assert z["rollen"][0]["betrokkene"]["inpBsn"].encode() not in raw  # nobody in clear


def test_the_register_names_subscribers_and_finds_the_unnamed(world):
    """Every accepted delivery is an audit entry and, for the zaak's
    betrokkene, a Dataverwerking under notificatie; the subscriber is a
    recipient seen. archief, which the register does not name, is a finding;
    portaal, which it names, is not. Once the register names archief too (a
    restart with the new file), no finding is left. The sentinel: every
    GebeurtenisDoorgegeven on berichten has its audit entry."""
    w, s = world, world.stack
    feiten = [m for z in (w.zaak, w.ander) for m in doorgegeven(
        s.read("berichten", until=lambda ms: all(len(doorgegeven(ms, z)) >= 6 for z in (w.zaak, w.ander))), z)]
    ids = {m.headers["ce_id"] for m in feiten}
    s.read("audit", timeout=60, until=lambda ms: ids <= {
        m.value["eventId"] for m in ms if m.record == "AuditRegel"})
    regels = [m.value for m in s.read_written("audit", "audit")
              if m.record == "AuditRegel" and m.value["eventId"] in ids]
    assert len(regels) == len(ids) == 12
    assert {(r["actie"], r["resource"], r["resultaat"]) for r in regels} == {
        ("gebeurtenis_doorgegeven", "webhook", 200)}
    assert {r["resourceWeergave"] for r in regels} == {"portaal", "archief", "klantreis"}
    # Dataverwerkingen: one per delivery per betrokkene of its zaak (the
    # initiator, pseudonymised), under notificatie.
    # (a delivery read before its zaak's registration waits for it)
    def verwerkingen(ms):
        return {m.headers["ce_id"]: m.value for m in ms
                if m.record == "Dataverwerking" and m.value["name"] == "gebeurtenis-doorgegeven"}

    dv = verwerkingen(s.read("dataverwerkingen", until=lambda ms: len(verwerkingen(ms)) >= 12))
    assert len(dv) == 12
    assert {v["processingActivityId"] for v in dv.values()} == {NOTIFICATIE}
    assert len({v["dataSubjectId"] for v in dv.values()}) == 2

    assert w.bevindingen() >= {(NOTIFICATIE, "webhook:archief"), (NOTIFICATIE, "webhook:klantreis")}
    assert (NOTIFICATIE, "webhook:portaal") not in w.bevindingen()

    w.audit.stop()
    w.audit.env["ZS_AUDIT_REGISTER"] = str(w.register("webhook:portaal", "webhook:archief", "webhook:klantreis"))
    w.audit.start()
    assert not {b for b in w.bevindingen() if b[1].startswith("webhook:")}


def test_mijn_gegevens_names_the_subscribers_that_received_the_residents_events(world):
    """The resident's overview and her art. 15 report name the subscribers that
    received her zaak's events (portaal and archief, with their origin), not
    klantreis, which received only the other resident's. The other resident's
    overview is read first and names klantreis: its deliveries are projected,
    so they would show in the first resident's overview if they were taken for
    hers."""
    w = world
    z = Wereld(w.stack, w.inzage, None)

    def webhooks(ontvangers):
        return {a for a in ("portaal", "archief", "klantreis") if any(f"applicatie {a} " in o for o in ontvangers)}

    def overzicht(doc, verwacht):
        def klaar():
            st, _, body = z.get("/api/v1/mijn-gegevens", z.inwoner(doc["rollen"][0]["betrokkene"]["inpBsn"]))
            return body if st == 200 and webhooks(body["ontvangers"]) >= verwacht else None
        return wait_until(klaar, 60, what=f"{sorted(verwacht)} in the overview")

    ander = overzicht(w.ander, {"portaal", "klantreis"})
    hare = overzicht(w.zaak, {"portaal", "archief"})
    assert webhooks(ander["ontvangers"]) == {"portaal", "klantreis"}
    assert webhooks(hare["ontvangers"]) == {"portaal", "archief"}
    for body in (ander, hare):
        regels = [o for o in body["ontvangers"] if "applicatie" in o]
        assert len(regels) == 2 and all(w.hook.url("") in o for o in regels), regels
        assert "geheim" not in json.dumps(body) and "/portaal" not in json.dumps(body)

    # Her art. 15 report says the same.
    a = z.inwoner(w.zaak["rollen"][0]["betrokkene"]["inpBsn"])
    st, _, v = z.post("/api/v1/inzageverzoeken", a, {"recht": "inzage"})
    assert st == 201, v
    st, _, done = z.post(f"/api/v1/inzageverzoeken/{v['verzoekId']}/afhandeling",
                         z.medewerker("behandelaar", MEDEWERKER_BSN, "b.handel"), {"uitkomst": "verstrekt"})
    assert st == 200, done
    st, _, rapport = z.get(f"/api/v1/inzageverzoeken/{v['verzoekId']}/rapport", a)
    assert st == 200, rapport
    assert webhooks(rapport["art15"]["ontvangers"]) == {"portaal", "archief"}


def test_a_delivery_read_before_its_zaaks_registration_reaches_its_betrokkene(world):
    """zs-inzage reads berichten and zaken as two topics: a delivery can be
    projected before the zaak's registration. Here it is, for certain: the
    delivery (as notificatie writes it) is in zs-inzage's table before the
    registration is sent; once the registration is read, the resident's
    overview names the subscriber."""
    w, s = world, world.stack
    # zs-notificatie would pass the registration on to portaal, and that
    # later delivery would bring the zaak's earlier ones along: not this one.
    w.notificatie.stop()
    z = zaak(soort=SUBSIDIE)
    feit = {"berichtId": str(uuid.uuid4()), "abonnement": "vroeg", "origin": "https://vroeg.example.nl",
            "vorm": "cloudevents", "zaak": z["uuid"], "identificatie": z["identificatie"],
            "zaaktype": z["zaaktype"], "aanleiding": "zaak_ontvangen",
            "doorgegevenOp": "2026-03-02T10:00:00.000Z", "pogingen": 1}
    s.produce("berichten", z["uuid"], feit, record="GebeurtenisDoorgegeven")
    wait_until(lambda: s.scalar("SELECT count(*) FROM inzage.doorgegeven WHERE bericht_id = %s",
                                (feit["berichtId"],)) == 1, 30, what="the delivery in zs-inzage")
    assert s.scalar("SELECT count(*) FROM inzage.betrokkenheden WHERE zaak = %s", (z["uuid"],)) == 0
    s.produce("zaken", z["uuid"], z, record="ZaakGeregistreerd")
    v = Wereld(s, w.inzage, None)

    def genoemd():
        st, _, body = v.get("/api/v1/mijn-gegevens", v.inwoner(z["rollen"][0]["betrokkene"]["inpBsn"]))
        return st == 200 and any("applicatie vroeg (https://vroeg.example.nl)" in o for o in body["ontvangers"])

    wait_until(genoemd, 60, what="the early delivery in the overview")
