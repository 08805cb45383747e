"""System tests of the status daemon against the real Kafka broker and
PostgreSQL: afhandelcomponenten move zaken through their statuses, the rules
refuse what is not allowed, deadlines move and are watched."""

import datetime as dt
import uuid

import pytest

from zaakstroom import Stack, aanvraag, wait_until, wire

ACTOR = {"medewerkerIdentificatie": "m.devries", "naam": "M. de Vries", "bsn": "999992090",
         "applicatie": "gzac"}


def iso(ts):
    return ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


class Zaak:
    """A zaak registered through intake, with helpers to give it opdrachten."""

    def __init__(self, stack, rel="deploy/demo/aanvragen/subsidie-sanering-verkeerslawaai.json", **overrides):
        self.stack = stack
        doc = aanvraag(rel, **overrides)
        stack.produce("aanvragen", doc["aanvraagId"], doc, record="AanvraagIngediend")
        zaken = stack.read("zaken", until=lambda ms: any(
            m.record == "ZaakGeregistreerd" and m.value["aanvraagId"] == doc["aanvraagId"] for m in ms))
        self.event = [m.value for m in zaken if m.record == "ZaakGeregistreerd"
                      and m.value["aanvraagId"] == doc["aanvraagId"]][0]
        self.uuid = self.event["uuid"]
        self.start = dt.datetime.now(dt.timezone.utc)
        self.clock = 0
        wait_until(lambda: stack.scalar("select count(*) from status.zaken where uuid = %s", (self.uuid,)) == 1,
                   60, what="status to register the zaak")

    def geef(self, record, days=0, actor=ACTOR, **fields):
        """Gives an opdracht (gegevenOp `days` after the zaak started) and
        returns its outcome event."""
        self.clock += 1
        when = self.start + dt.timedelta(days=days, seconds=self.clock)
        body = {"opdrachtId": str(uuid.uuid4()), "zaak": self.uuid, "actor": actor, "gegevenOp": iso(when)}
        body.update(fields)
        self.stack.produce("zaak-opdrachten", self.uuid, body, record=record)
        return self.uitkomst(body["opdrachtId"])

    def uitkomst(self, opdracht_id, timeout=60):
        msgs = self.stack.read("opdracht-uitkomsten", until=lambda ms: any(
            m.value["opdrachtId"] == opdracht_id for m in ms), timeout=timeout)
        return [m for m in msgs if m.value["opdrachtId"] == opdracht_id][0]

    def feiten(self):
        return [m for m in self.stack.read("zaken") if m.key == self.uuid and m.record != "ZaakGeregistreerd"]

    def rij(self):
        cols = ["status", "einddatum_gepland", "uiterlijke_einddatum_afdoening", "opgeschort", "verlengd",
                "resultaat", "einddatum", "archiefnominatie"]
        row = self.stack.sql(f"select {', '.join(cols)} from status.zaken where uuid = %s", (self.uuid,))[0]
        return dict(zip(cols, row))


@pytest.fixture
def daemons(stack):
    stack.zs("catalogus", "publish")
    stack.daemon("intake")
    return stack.daemon("status", ZS_STATUS_WACHT_S="2")


def uitgevoerd(out):
    assert out.record == "OpdrachtUitgevoerd", out.value
    return out


def geweigerd(out):
    assert out.record == "OpdrachtGeweigerd", out.value
    return {r["code"] for r in out.value["redenen"]}


def test_zaak_walks_through_every_status_to_the_eindstatus_with_a_resultaat(stack, daemons):
    z = Zaak(stack)
    for v in (2, 3, 4):
        uitgevoerd(z.geef("StatusZetten", volgnummer=v, statustoelichting=f"stap {v}"))
    uitgevoerd(z.geef("ResultaatVastleggen", resultaattype="Toegekend"))
    uitgevoerd(z.geef("StatusZetten", volgnummer=5))

    feiten = z.feiten()
    gezet = [f.value for f in feiten if f.record == "StatusGezet"]
    assert [g["status"]["volgnummer"] for g in gezet] == [2, 3, 4, 5]
    last = gezet[-1]
    # Complete facts: what the resident reads, step k of n, deadlines, on time.
    assert last["status"]["isEindstatus"] and last["status"]["stap"] == 5 and last["status"]["aantalStappen"] == 5
    assert last["status"]["statustekst"] and last["vorigeVolgnummer"] == 4
    assert last["termijnen"]["uiterlijkeEinddatumAfdoening"] == z.event["uiterlijkeEinddatumAfdoening"]
    assert last["termijnen"]["opTijd"] is True
    afgesloten = [f.value for f in feiten if f.record == "ZaakAfgesloten"]
    assert len(afgesloten) == 1 and afgesloten[0]["resultaat"] == "Toegekend"
    einddatum = dt.date.fromisoformat(afgesloten[0]["einddatum"])
    assert afgesloten[0]["archiefactiedatum"] > afgesloten[0]["einddatum"]
    row = z.rij()
    assert row["status"] == 5 and row["resultaat"] == "Toegekend" and row["einddatum"] == einddatum
    assert row["archiefnominatie"] == afgesloten[0]["archiefnominatie"]
    # The timeline holds the registration and every fact, in order.
    soorten = [r[0] for r in stack.sql("select soort from status.tijdlijn where zaak = %s order by volgnr", (z.uuid,))]
    assert soorten == ["ZaakGeregistreerd", "StatusGezet", "StatusGezet", "StatusGezet", "ResultaatVastgesteld",
                       "StatusGezet", "ZaakAfgesloten"]
    # Nothing changes a closed zaak (no heropenen for this zaaktype).
    assert geweigerd(z.geef("StatusZetten", volgnummer=2, terugzettenReden="vergissing")) == {"zaak.afgesloten"}
    assert geweigerd(z.geef("ZaakHeropenen", reden="bezwaar gegrond")) == {"heropenen.niet_toegestaan"}


REFUSALS = [
    ("StatusZetten", dict(volgnummer=99), "status.onbekend"),
    ("StatusZetten", dict(volgnummer=1), "status.al_gezet"),
    ("StatusZetten", dict(volgnummer=5), "status.resultaat_ontbreekt"),
    ("ResultaatVastleggen", dict(resultaattype="Gewonnen"), "resultaat.onbekend"),
    ("ZaakOpschorten", dict(reden="  "), "opschorting.reden_ontbreekt"),
    ("ZaakHervatten", dict(), "hervatting.niet_opgeschort"),
    ("ZaakVerlengen", dict(reden="drukte", duur="P10W"), "verlenging.te_lang"),
    ("ZaakVerlengen", dict(reden="drukte", duur="vier weken"), "verlenging.duur_ongeldig"),
    ("BesluitVastleggen", dict(besluittype="Bouwvergunning", datum="2026-12-01", ingangsdatum="2026-12-01"),
     "besluit.onbekend"),
    ("ZaakHeropenen", dict(reden="toch niet"), "heropenen.niet_afgesloten"),
]


@pytest.mark.parametrize("record,fields,code", REFUSALS, ids=[r[2] for r in REFUSALS])
def test_forbidden_opdracht_is_refused_with_its_reason_and_changes_nothing(stack, daemons, record, fields, code):
    z = Zaak(stack)
    before = z.rij()
    out = z.geef(record, **fields)
    assert code in geweigerd(out)
    assert all(r["tekst"] for r in out.value["redenen"])
    assert z.rij() == before
    assert z.feiten() == []


def test_going_back_needs_the_configuration_and_a_reason(stack, daemons):
    z = Zaak(stack)
    uitgevoerd(z.geef("StatusZetten", volgnummer=3))
    assert geweigerd(z.geef("StatusZetten", volgnummer=2, terugzettenReden="vergissing")) == {
        "status.terugzetten_niet_toegestaan"}


def test_an_employee_cannot_handle_their_own_zaak(stack, daemons):
    z = Zaak(stack)
    eigen = dict(ACTOR, bsn=z.event["rollen"][0]["betrokkene"]["inpBsn"])
    assert geweigerd(z.geef("StatusZetten", volgnummer=2, actor=eigen)) == {"actor.eigen_zaak"}
    assert z.rij()["status"] == 1


def test_suspension_and_extension_move_both_deadlines_by_the_right_days(stack, daemons):
    z = Zaak(stack)
    gepland = dt.date.fromisoformat(z.event["einddatumGepland"])
    uiterlijk = dt.date.fromisoformat(z.event["uiterlijkeEinddatumAfdoening"])
    uitgevoerd(z.geef("ZaakOpschorten", days=3, reden="aanvullende gegevens gevraagd"))
    assert geweigerd(z.geef("StatusZetten", days=4, volgnummer=2)) == {"zaak.opgeschort"}
    uitgevoerd(z.geef("ZaakHervatten", days=13, toelichting="gegevens ontvangen"))
    hervat = [f.value for f in z.feiten() if f.record == "ZaakHervat"][0]
    assert hervat["opgeschorteDagen"] == 10
    row = z.rij()
    assert row["einddatum_gepland"] == gepland + dt.timedelta(days=10)
    assert row["uiterlijke_einddatum_afdoening"] == uiterlijk + dt.timedelta(days=10)

    uitgevoerd(z.geef("ZaakVerlengen", days=14, reden="advies van de GGD nodig", duur="P2W"))
    verlengd = [f.value for f in z.feiten() if f.record == "ZaakVerlengd"][0]
    assert verlengd["verlengingDagen"] == 14
    row = z.rij()
    assert row["uiterlijke_einddatum_afdoening"] == uiterlijk + dt.timedelta(days=24)
    assert row["einddatum_gepland"] == gepland + dt.timedelta(days=24) and row["verlengd"]
    assert verlengd["termijnen"]["uiterlijkeEinddatumAfdoening"] == str(uiterlijk + dt.timedelta(days=24))
    assert geweigerd(z.geef("ZaakVerlengen", days=15, reden="nog eens", duur="P1W")) == {"verlenging.al_verlengd"}


def test_besluit_carries_the_date_until_which_bezwaar_is_possible(stack, daemons):
    z = Zaak(stack)
    uitgevoerd(z.geef("BesluitVastleggen", besluittype="Subsidiebeschikking", datum="2026-12-01",
                      ingangsdatum="2026-12-02"))
    b = [f.value for f in z.feiten() if f.record == "BesluitGenomen"][0]
    assert b["uiterlijkeReactiedatum"] == "2027-01-12"  # + P6W
    assert b["besluitIdentificatie"]


def test_same_opdracht_twice_is_carried_out_once(stack, daemons):
    z = Zaak(stack)
    body = {"opdrachtId": str(uuid.uuid4()), "zaak": z.uuid, "actor": ACTOR,
            "gegevenOp": iso(dt.datetime.now(dt.timezone.utc)), "volgnummer": 2}
    for _ in range(2):
        stack.produce("zaak-opdrachten", z.uuid, body, record="StatusZetten")
    outs = stack.read("opdracht-uitkomsten", until=lambda ms: len(
        [m for m in ms if m.value["opdrachtId"] == body["opdrachtId"]]) >= 2)
    outs = [m for m in outs if m.value["opdrachtId"] == body["opdrachtId"]]
    assert {m.headers["ce_id"] for m in outs} == {outs[0].headers["ce_id"]}
    assert len([f for f in z.feiten() if f.record == "StatusGezet"]) == 1


def registratie_event(stack):
    """A ZaakGeregistreerd as intake makes it, but not published: for tests
    that need to decide when the registration arrives."""
    intake_free = Stack(stack.infra, stack.db_url, "registratie-bron")
    try:
        intake_free.zs("catalogus", "publish")
        d = intake_free.daemon("intake")
        doc = aanvraag()
        intake_free.produce("aanvragen", doc["aanvraagId"], doc, record="AanvraagIngediend")
        msgs = intake_free.read("zaken", count=1)
        d.stop()
        return msgs[0]
    finally:
        intake_free.close()


def test_opdracht_before_its_zaak_waits_and_is_applied_when_the_zaak_arrives(stack):
    stack.zs("catalogus", "publish")
    stack.daemon("status", ZS_STATUS_WACHT_S="300")
    reg = registratie_event(stack)
    zaak = reg.value["uuid"]
    body = {"opdrachtId": str(uuid.uuid4()), "zaak": zaak, "actor": ACTOR,
            "gegevenOp": iso(dt.datetime.now(dt.timezone.utc)), "volgnummer": 2}
    stack.produce("zaak-opdrachten", zaak, body, record="StatusZetten")
    wait_until(lambda: stack.scalar("select count(*) from status.wachtende_opdrachten") == 1, 30,
               what="the opdracht to wait")
    stack.produce("zaken", zaak, reg.raw, headers=reg.headers)
    out = stack.read("opdracht-uitkomsten", count=1)[0]
    assert out.record == "OpdrachtUitgevoerd" and out.value["opdrachtId"] == body["opdrachtId"]
    assert stack.scalar("select status from status.zaken where uuid = %s", (zaak,)) == 2
    assert stack.scalar("select count(*) from status.wachtende_opdrachten") == 0


def test_opdracht_for_a_zaak_that_never_comes_is_refused_after_the_wait(stack):
    stack.zs("catalogus", "publish")
    stack.daemon("status", ZS_STATUS_WACHT_S="2")
    zaak = str(uuid.uuid4())
    body = {"opdrachtId": str(uuid.uuid4()), "zaak": zaak, "actor": ACTOR,
            "gegevenOp": iso(dt.datetime.now(dt.timezone.utc)), "volgnummer": 2}
    stack.produce("zaak-opdrachten", zaak, body, record="StatusZetten")
    out = stack.read("opdracht-uitkomsten", count=1, timeout=60)[0]
    assert out.record == "OpdrachtGeweigerd" and {r["code"] for r in out.value["redenen"]} == {"zaak.onbekend"}


def test_deadline_events_fire_once_each_also_across_a_restart(stack):
    stack.zs("catalogus", "publish")
    stack.daemon("intake")
    z_status = stack.daemon("status", ZS_TERMIJN_INTERVAL_S="1")
    z = Zaak(stack)
    gepland = dt.date.fromisoformat(z.event["einddatumGepland"])
    uiterlijk = dt.date.fromisoformat(z.event["uiterlijkeEinddatumAfdoening"])
    z_status.stop()

    def bewakingen():
        return [f.value for f in z.feiten() if f.record == "TermijnBewaking"]

    # Three days before the expected date: "nadert" for einddatumGepland only (5-day window).
    dag = gepland - dt.timedelta(days=3)
    d = stack.daemon("status", ZS_TERMIJN_INTERVAL_S="1", ZS_VANDAAG=str(dag))
    wait_until(lambda: len(bewakingen()) == 1, 30, what="the first deadline event")
    b = bewakingen()[0]
    assert (b["termijn"], b["fase"], b["datum"], b["dagenResterend"]) == (
        "einddatum_gepland", "nadert", str(gepland), 3)
    d.stop()
    d = stack.daemon("status", ZS_TERMIJN_INTERVAL_S="1", ZS_VANDAAG=str(dag))  # restart, same day
    import time
    time.sleep(3)
    assert len(bewakingen()) == 1, "a restart does not announce again"
    d.stop()
    # The day after the legal deadline: both deadlines exceeded, the legal one
    # approaching was skipped (it had already passed).
    d = stack.daemon("status", ZS_TERMIJN_INTERVAL_S="1", ZS_VANDAAG=str(uiterlijk + dt.timedelta(days=1)))
    wait_until(lambda: len(bewakingen()) == 3, 30, what="the exceeded deadlines")
    got = {(b["termijn"], b["fase"]) for b in bewakingen()}
    assert got == {("einddatum_gepland", "nadert"), ("einddatum_gepland", "overschreden"),
                   ("uiterlijke_einddatum_afdoening", "overschreden")}
    time.sleep(2)
    assert len(bewakingen()) == 3


def test_a_moved_deadline_is_watched_again(stack):
    stack.zs("catalogus", "publish")
    stack.daemon("intake")
    d = stack.daemon("status", ZS_TERMIJN_INTERVAL_S="1")
    z = Zaak(stack)
    uiterlijk = dt.date.fromisoformat(z.event["uiterlijkeEinddatumAfdoening"])
    d.stop()
    dag = uiterlijk - dt.timedelta(days=2)
    d = stack.daemon("status", ZS_TERMIJN_INTERVAL_S="1", ZS_VANDAAG=str(dag))

    def nadert_uiterlijk():
        return [f.value for f in z.feiten() if f.record == "TermijnBewaking"
                and f.value["termijn"] == "uiterlijke_einddatum_afdoening" and f.value["fase"] == "nadert"]

    wait_until(lambda: len(nadert_uiterlijk()) == 1, 30, what="the legal deadline approaching")
    uitgevoerd(z.geef("ZaakVerlengen", reden="advies nodig", duur="P1W"))
    d.stop()
    d = stack.daemon("status", ZS_TERMIJN_INTERVAL_S="1",
                     ZS_VANDAAG=str(uiterlijk + dt.timedelta(days=7) - dt.timedelta(days=2)))
    wait_until(lambda: len(nadert_uiterlijk()) == 2, 30, what="the moved deadline approaching")
    assert nadert_uiterlijk()[1]["datum"] == str(uiterlijk + dt.timedelta(days=7))


def opdrachten_voor(zaak, start):
    """Ten opdrachten that take a zaak through the whole route, with a
    suspension, a besluit, an extension and one refusal at the end."""
    def at(days):
        return iso(start + dt.timedelta(days=days))

    base = lambda i: {"opdrachtId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{zaak}/{i}")), "zaak": zaak,
                      "actor": ACTOR}
    return [
        ("StatusZetten", dict(base(0), gegevenOp=at(1), volgnummer=2)),
        ("ZaakOpschorten", dict(base(1), gegevenOp=at(2), reden="aanvulling gevraagd")),
        ("ZaakHervatten", dict(base(2), gegevenOp=at(9))),
        ("StatusZetten", dict(base(3), gegevenOp=at(10), volgnummer=3)),
        ("BesluitVastleggen", dict(base(4), gegevenOp=at(11), besluittype="Subsidiebeschikking",
                                   datum="2026-12-01", ingangsdatum="2026-12-01")),
        ("ZaakVerlengen", dict(base(5), gegevenOp=at(12), reden="advies", duur="P2W")),
        ("StatusZetten", dict(base(6), gegevenOp=at(13), volgnummer=4)),
        ("ResultaatVastleggen", dict(base(7), gegevenOp=at(14), resultaattype="Toegekend")),
        ("StatusZetten", dict(base(8), gegevenOp=at(15), volgnummer=5)),
        ("StatusZetten", dict(base(9), gegevenOp=at(16), volgnummer=2, terugzettenReden="x")),  # refused: closed
    ]


def histories(stack):
    rows = stack.sql("select zaak::text, soort, feit from status.tijdlijn order by zaak, volgnr")
    out = {}
    for zaak, soort, feit in rows:
        out.setdefault(zaak, []).append((soort, feit))
    return out


def test_kill_9_during_10000_opdrachten_over_1000_zaken_gives_the_same_histories(stack, infra, request):
    # Run A, uninterrupted: 1,000 zaken through intake, then 10,000 opdrachten.
    stack.zs("catalogus", "publish")
    stack.daemon("intake")
    stack.daemon("status", ZS_TERMIJN_INTERVAL_S="100000", ZS_STATUS_TERUGZETTEN="false")
    for _ in range(1000):
        doc = aanvraag()
        stack.produce("aanvragen", doc["aanvraagId"], doc, record="AanvraagIngediend", flush=False)
    stack.flush()
    wait_until(lambda: stack.scalar("select count(*) from status.zaken") == 1000, 120,
               what="1,000 zaken registered")
    zaken = [r[0] for r in stack.sql("select uuid::text from status.zaken order by volgorde")]
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
    streams = [opdrachten_voor(z, start) for z in zaken]
    for step in range(10):  # round robin: every batch holds many zaken
        for z, ops in zip(zaken, streams):
            record, body = ops[step]
            stack.produce("zaak-opdrachten", z, body, record=record, flush=False)
    stack.flush()
    wait_until(lambda: stack.scalar("select count(*) from status.opdrachten") == 10000, 180,
               what="10,000 opdrachten decided")
    expected = histories(stack)
    assert len(expected) == 1000 and all(len(h) == 11 for h in expected.values())

    # Run B: the same messages into a stack of its own; kill -9 part-way, restart.
    name = infra.database_name("kill9_b")
    b = Stack(infra, infra.create_database(name), request.node.name + "-b")
    try:
        b.zs("catalogus", "publish")
        for m in stack.read("zaken", records={"ZaakGeregistreerd"}, count=1000, timeout=120):
            b.produce("zaken", m.key, m.raw, headers=m.headers, flush=False)
        for m in stack.read("zaak-opdrachten", count=10000, timeout=120):
            b.produce("zaak-opdrachten", m.key, m.raw, headers=m.headers, flush=False)
        b.flush()
        # Small batches, so that the kill lands between commits somewhere in the run.
        d = b.daemon("status", ZS_TERMIJN_INTERVAL_S="100000", ZS_BATCH_MAX="50")
        wait_until(lambda: (b.scalar("select count(*) from status.opdrachten") or 0) >= 300, 180,
                   interval=0.005, what="run B part-way")
        d.kill9()
        assert b.scalar("select count(*) from status.opdrachten") < 10000, "killed too late to prove anything"
        b.daemon("status", ZS_TERMIJN_INTERVAL_S="100000")
        wait_until(lambda: b.scalar("select count(*) from status.opdrachten") == 10000, 180,
                   what="run B to finish")
        assert histories(b) == expected
        # What went out on Kafka is the same facts after dedup on ce_id.
        a_ids = {m.headers["ce_id"] for m in stack.read("zaken", timeout=120) if m.record != "ZaakGeregistreerd"}
        b_msgs = [m for m in b.read("zaken", timeout=120) if m.record != "ZaakGeregistreerd"]
        assert {m.headers["ce_id"] for m in b_msgs} == a_ids
    finally:
        b.close()
        infra.drop_database(name)
