"""System tests of the status daemon against the real Kafka broker and PostgreSQL:
afhandelcomponenten move zaken through their statuses; forbidden opdrachten are
refused with their reason and change nothing; deadlines move and are watched;
an opdracht may come before its zaak; kill -9 loses and duplicates nothing."""

import datetime as dt
import json
import urllib.request
import uuid

import pytest

from zaakstroom import ROOT, aanvraag, load_json, wait_until

CATALOGUS = {
    "SUBSIDIE": load_json("deploy/catalogus/subsidie-sanering-verkeerslawaai.json"),
    "TERUGBEL": load_json("deploy/catalogus/terugbelnotitie.json"),
    "CURATIEF": load_json("deploy/catalogus/curatieve-klantreis.json"),
}
INITIATOR_BSN = "999991772"
GEMACHTIGDE_BSN = "999990019"
MEDEWERKER_BSN = "999998456"


def plus(datum, duur):
    """Weeks and days only: what the catalogus uses."""
    n, eenheid = int(duur[1:-1]), duur[-1]
    return datum + dt.timedelta(weeks=n if eenheid == "W" else 0, days=n if eenheid == "D" else 0)


def registratie(soort="SUBSIDIE", start="2026-03-02", nummer=1, gemachtigde=False, zaak=None):
    """A complete ZaakGeregistreerd as intake would emit it."""
    zt = CATALOGUS[soort]
    begin = dt.date.fromisoformat(start)
    eerste = zt["statustypen"][0]
    rollen = [{"omschrijvingGeneriek": "initiator",
               "betrokkene": {"betrokkeneType": "natuurlijk_persoon", "inpBsn": INITIATOR_BSN},
               "indicatieMachtiging": "machtiginggever" if gemachtigde else None}]
    if gemachtigde:
        rollen.append({"omschrijvingGeneriek": "belanghebbende",
                       "betrokkene": {"betrokkeneType": "natuurlijk_persoon", "inpBsn": GEMACHTIGDE_BSN},
                       "indicatieMachtiging": "gemachtigde"})
    rollen.append({"omschrijvingGeneriek": "belanghebbende",
                   "betrokkene": {"betrokkeneType": "niet_natuurlijk_persoon", "kvkNummer": "68750110"}})
    return {
        "uuid": zaak or str(uuid.uuid4()),
        "identificatie": f"ZAAK-2026-{nummer:010d}",
        "bronorganisatie": "002220647",
        "zaaktype": zt["identificatie"],
        "zaaktypeVersiedatum": zt["versiedatum"],
        "zaaktypeOmschrijving": zt["omschrijving"],
        "omschrijving": zt["onderwerp"],
        "aanvraagId": str(uuid.uuid4()),
        "registratiedatum": start,
        "startdatum": start,
        "einddatumGepland": plus(begin, zt["servicenorm"]).isoformat(),
        "uiterlijkeEinddatumAfdoening": plus(begin, zt["doorlooptijd"]).isoformat(),
        "vertrouwelijkheidaanduiding": zt["vertrouwelijkheidaanduiding"],
        "tonenAanInitiator": zt["tonenAanInitiator"],
        "afdeling": zt["afdeling"],
        "kanaal": "web",
        "rollen": rollen,
        "status": {"volgnummer": eerste["volgnummer"], "omschrijving": eerste["omschrijving"],
                   "statustekst": eerste["statustekst"], "informeren": eerste["informeren"],
                   "tonenAanInitiator": eerste["tonenAanInitiator"], "isEindstatus": False,
                   "stap": 1, "aantalStappen": len(zt["statustypen"]),
                   "datumStatusGezet": f"{start}T08:00:00.000Z"},
        "eigenschappen": [{"naam": "postcode", "waarde": "2511 AB", "doel": "Adres van de woning",
                           "grondslag": "Algemene subsidieverordening", "persoonsgegeven": True}],
        "verwerkingsactiviteit": zt["verwerkingsactiviteit"],
        "statustypen": zt["statustypen"],
    }


def registreer(stack, zaak):
    stack.produce("zaken", zaak["uuid"], zaak, record="ZaakGeregistreerd")
    return zaak["uuid"]


def opdracht(zaak, op, bsn=MEDEWERKER_BSN, opdracht_id=None, **velden):
    return {"opdrachtId": opdracht_id or str(uuid.uuid4()), "zaak": zaak,
            "actor": {"medewerkerIdentificatie": "mw-0042", "naam": "A. de Behandelaar",
                      "bsn": bsn, "applicatie": "gzac"},
            "gegevenOp": op if "T" in op else f"{op}T10:00:00.000Z", **velden}


def geef(stack, soort, doc, flush=True):
    stack.produce("zaak-opdrachten", doc["zaak"], doc, record=soort, flush=flush)
    return doc["opdrachtId"]


def uitkomsten(stack, ids, timeout=60):
    """The outcome of each opdracht id (the last one read), in the order of ids."""
    ids = list(ids)
    msgs = stack.read("opdracht-uitkomsten", timeout=timeout,
                      until=lambda ms: set(ids) <= {m.value["opdrachtId"] for m in ms if m.value})
    laatste = {m.value["opdrachtId"]: m for m in msgs if m.value}
    return [laatste[i] for i in ids]


def codes(msg):
    assert msg.record == "OpdrachtGeweigerd", msg.value
    return {(r["code"], r["veld"]) for r in msg.value["redenen"]}


def sentinel(stack, zaak):
    """An opdracht sent after those under test on their partition (the same
    zaak) and refused without changing anything (an unknown volgnummer): once
    its outcome is read, status has decided everything sent before it."""
    oid = geef(stack, "StatusZetten", opdracht(zaak, "2026-03-03", volgnummer=99))
    (u,) = uitkomsten(stack, [oid])
    assert u.record == "OpdrachtGeweigerd", u.value


def feiten(stack, zaak, records=None, until=None):
    """The facts about one zaak on the zaken topic (not its registration):
    read until until(msgs) holds, or without until every one status wrote,
    read through a sentinel opdracht on the zaak."""
    if until is None:
        sentinel(stack, zaak)
        msgs = stack.read_written("zaken", "status")
    else:
        msgs = stack.read("zaken", until=until)
    return [m for m in msgs if m.key == zaak and m.record != "ZaakGeregistreerd"
            and (records is None or m.record in records)]


def momentopname(stack, zaak):
    """Everything the read model holds about one zaak."""
    rij = stack.sql("select to_jsonb(z) - 'bijgewerkt_op' from status.zaken z where uuid = %s", (zaak,))
    tellingen = {t: stack.scalar(f"select count(*) from status.{t} where zaak = %s", (zaak,))
                 for t in ("statussen", "tijdlijn", "resultaten", "opschortingen", "verlengingen",
                           "besluiten", "termijn_taken")}
    return rij, tellingen


@pytest.fixture
def status(stack):
    """The daemon on a fixed day before every deadline of these tests, so that
    the deadline watch stays quiet unless a test moves the day."""
    stack.zs("catalogus", "publish")
    return stack.daemon("status", ZS_VANDAAG="2026-02-01")


def test_zaak_from_intake_walks_through_every_status_to_the_eindstatus(stack):
    stack.zs("catalogus", "publish")
    stack.daemon("intake")
    d = stack.daemon("status")
    doc = aanvraag()
    stack.produce("aanvragen", doc["aanvraagId"], doc, record="AanvraagIngediend")
    geregistreerd = stack.read("zaken", until=lambda ms: any(m.record == "ZaakGeregistreerd" for m in ms))
    zg = [m for m in geregistreerd if m.record == "ZaakGeregistreerd"][0].value
    zaak = zg["uuid"]
    wait_until(lambda: stack.scalar("select count(*) from status.zaken where uuid = %s", (zaak,)) == 1, 30,
               what="status to know the zaak")

    vandaag = dt.date.today()
    stappen = [("StatusZetten", dict(volgnummer=2, statustoelichting="We zijn begonnen.")),
               ("StatusZetten", dict(volgnummer=3)),
               ("StatusZetten", dict(volgnummer=4)),
               ("ResultaatVastleggen", dict(resultaattype="Toegekend", toelichting="Volledig.")),
               ("StatusZetten", dict(volgnummer=5))]
    ids = []
    for i, (soort, velden) in enumerate(stappen):
        op = (dt.datetime.combine(vandaag, dt.time(10, i))).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        ids.append(geef(stack, soort, opdracht(zaak, op, **velden)))
    assert all(m.record == "OpdrachtUitgevoerd" for m in uitkomsten(stack, ids))
    # The same opdracht again: the same outcome, the same event id, nothing new.
    herhaald = opdracht(zaak, "2026-01-01", opdracht_id=ids[0], volgnummer=2)
    geef(stack, "StatusZetten", herhaald)
    outs = stack.read("opdracht-uitkomsten", until=lambda ms: len([m for m in ms if m.value["opdrachtId"] == ids[0]]) >= 2)
    eerste = [m for m in outs if m.value["opdrachtId"] == ids[0]]
    assert eerste[0].headers["ce_id"] == eerste[1].headers["ce_id"] and eerste[0].value == eerste[1].value
    assert stack.scalar("select herhaald from status.opdrachten where opdracht_id = %s", (ids[0],)) == 1

    fs = feiten(stack, zaak, until=lambda ms: any(m.record == "ZaakAfgesloten" for m in ms))
    assert [m.record for m in fs] == ["StatusGezet"] * 3 + ["ResultaatVastgesteld", "StatusGezet", "ZaakAfgesloten"]
    gezet = [m.value for m in fs if m.record == "StatusGezet"]
    assert [(s["status"]["volgnummer"], s["status"]["stap"], s["status"]["aantalStappen"]) for s in gezet] == \
        [(2, 2, 5), (3, 3, 5), (4, 4, 5), (5, 5, 5)]
    assert [s["vorigeVolgnummer"] for s in gezet] == [1, 2, 3, 4]
    statustypen = {s["volgnummer"]: s for s in CATALOGUS["SUBSIDIE"]["statustypen"]}
    for s in gezet:
        st = statustypen[s["status"]["volgnummer"]]
        assert s["status"]["omschrijving"] == st["omschrijving"] and s["status"]["statustekst"] == st["statustekst"]
        assert s["status"]["informeren"] == st["informeren"]
        assert s["status"]["isEindstatus"] == (st["volgnummer"] == 5)
        # Both deadlines as they now stand, and on time.
        assert s["termijnen"]["einddatumGepland"] == zg["einddatumGepland"]
        assert s["termijnen"]["uiterlijkeEinddatumAfdoening"] == zg["uiterlijkeEinddatumAfdoening"]
        assert s["termijnen"]["opTijd"] is True and s["termijnen"]["opgeschort"] is False
        assert s["actor"] == {"medewerkerIdentificatie": "mw-0042", "naam": "A. de Behandelaar", "applicatie": "gzac"}
        assert MEDEWERKER_BSN not in json.dumps(s), "facts never carry the employee's BSN"
    assert gezet[0]["statustoelichting"] == "We zijn begonnen."
    afgesloten = fs[-1].value
    assert afgesloten["einddatum"] == vandaag.isoformat() and afgesloten["resultaat"] == "Toegekend"
    assert afgesloten["archiefnominatie"] == "vernietigen"
    assert afgesloten["archiefactiedatum"] == vandaag.replace(year=vandaag.year + 10).isoformat()
    assert fs[0].headers["ce_subject"] == zaak and fs[0].headers["ce_type"] == "nl.zaakstroom.status-gezet"

    # The read model: state, history from the first status on, who it concerns.
    assert stack.sql("select status, stap, resultaat, einddatum::text, archiefnominatie from status.zaken"
                     " where uuid = %s", (zaak,)) == [(5, 5, "Toegekend", vandaag.isoformat(), "vernietigen")]
    assert [r[0] for r in stack.sql("select volgnummer from status.statussen where zaak = %s order by id",
                                    (zaak,))] == [1, 2, 3, 4, 5]
    assert stack.sql("select soort, rol from status.betrokkenen where zaak = %s and nummer = %s",
                     (zaak, "999991772")) == [("bsn", "initiator")]
    assert stack.scalar("select count(*) from status.eigenschappen where zaak = %s", (zaak,)) == len(zg["eigenschappen"])
    assert [r[0] for r in stack.sql("select soort from status.tijdlijn where zaak = %s order by id", (zaak,))] == \
        ["ZaakGeregistreerd"] + [m.record for m in fs]
    assert stack.scalar("select count(*) from status.termijn_taken where zaak = %s", (zaak,)) == 0, \
        "a closed zaak has no deadlines to watch"
    # /metrics on the HTTP threads is a snapshot the main loop publishes every
    # 250 ms: it may lag the commit a moment, never count wrong.
    verwacht = ['zs_status_opdrachten_total{uitkomst="uitgevoerd"} 5',
                'zs_status_opdrachten_total{uitkomst="herhaald"} 1']

    def metrics():
        with urllib.request.urlopen(d.url("/metrics"), timeout=10) as r:
            return r.read().decode()

    wait_until(lambda: all(v in metrics() for v in verwacht), 10, interval=0.1,
               what="the counters of the opdrachten in /metrics")


def test_every_forbidden_opdracht_is_refused_with_its_reason_and_changes_nothing(stack, status):
    s = registreer(stack, registratie("SUBSIDIE", nummer=1, gemachtigde=True))
    t = registreer(stack, registratie("TERUGBEL", nummer=2))
    c = registreer(stack, registratie("CURATIEF", nummer=3))
    wait_until(lambda: stack.scalar("select count(*) from status.zaken") == 3, 30, what="the zaken")
    voor = {z: momentopname(stack, z) for z in (s, t, c)}

    gevallen = [
        ("StatusZetten", opdracht(s, "2026-03-03", volgnummer=9), {("status.onbekend", "volgnummer")}),
        ("StatusZetten", opdracht(s, "2026-03-03", volgnummer=1), {("status.al_gezet", "volgnummer")}),
        ("StatusZetten", opdracht(s, "2026-03-03", volgnummer=5), {("status.resultaat_ontbreekt", "volgnummer")}),
        ("ResultaatVastleggen", opdracht(s, "2026-03-03", resultaattype="Misschien"),
         {("resultaat.onbekend", "resultaattype")}),
        ("ZaakOpschorten", opdracht(s, "2026-03-03", reden="  "), {("opschorting.reden_ontbreekt", "reden")}),
        ("ZaakHervatten", opdracht(s, "2026-03-03"), {("hervatting.niet_opgeschort", None)}),
        ("ZaakVerlengen", opdracht(s, "2026-03-03", reden="Advies nodig", duur="P7W"), {("verlenging.te_lang", "duur")}),
        ("ZaakVerlengen", opdracht(s, "2026-03-03", reden="Advies nodig", duur="PT5H"),
         {("verlenging.duur_ongeldig", "duur")}),
        ("ZaakVerlengen", opdracht(s, "2026-03-03", reden="", duur="P1W"), {("verlenging.reden_ontbreekt", "reden")}),
        ("BesluitVastleggen", opdracht(s, "2026-03-03", besluittype="Vergunning", datum="2026-03-03",
                                       ingangsdatum="2026-03-04"), {("besluit.onbekend", "besluittype")}),
        ("BesluitVastleggen", opdracht(s, "2026-03-03", besluittype="Subsidiebeschikking", datum="2026-03-03",
                                       ingangsdatum="2026-03-04", vervaldatum="2026-03-01"),
         {("besluit.datum_ongeldig", "vervaldatum")}),
        ("ZaakHeropenen", opdracht(s, "2026-03-03", reden="Fout"),
         {("heropenen.niet_afgesloten", None), ("heropenen.niet_toegestaan", None)}),
        ("StatusZetten", opdracht(s, "2026-03-03", bsn=INITIATOR_BSN, volgnummer=2), {("actor.eigen_zaak", "actor")}),
        ("StatusZetten", opdracht(s, "2026-03-03", bsn=GEMACHTIGDE_BSN, volgnummer=2), {("actor.eigen_zaak", "actor")}),
        ("StatusZetten", opdracht(s, "2026-03-03", volgnummer=2, statustoelichting="x" * 1001),
         {("opdracht.te_lang", "statustoelichting")}),
        ("ZaakOpschorten", opdracht(t, "2026-03-03", reden="Wacht op klant"), {("opschorting.niet_toegestaan", None)}),
        ("ZaakVerlengen", opdracht(t, "2026-03-03", reden="Druk", duur="P1D"), {("verlenging.niet_toegestaan", None)}),
        ("StatusZetten", opdracht("geen-uuid", "2026-03-03", volgnummer=2), {("opdracht.ongeldig", "zaak")}),
    ]
    ids = [geef(stack, soort, doc, flush=False) for soort, doc, _ in gevallen]
    stack.flush()
    for (soort, doc, verwacht), uit in zip(gevallen, uitkomsten(stack, ids)):
        assert codes(uit) == verwacht, (soort, doc)
        assert uit.value["opdrachtType"] == soort
        for r in uit.value["redenen"]:
            assert r["tekst"] and INITIATOR_BSN not in r["tekst"]
    assert {z: momentopname(stack, z) for z in (s, t, c)} == voor, "a refused opdracht changes nothing"
    stored = stack.scalar("select count(*) from status.opdrachten where uitkomst = 'geweigerd'")
    assert stored == len(gevallen)
    assert not feiten(stack, s) and not feiten(stack, t)

    # Going back is refused (not configured); a closed zaak only reopens, with a reason.
    ids = [geef(stack, "StatusZetten", opdracht(s, "2026-03-04", volgnummer=3)),
           geef(stack, "StatusZetten", opdracht(s, "2026-03-05", volgnummer=2, terugzettenReden="Vergist")),
           geef(stack, "ResultaatVastleggen", opdracht(c, "2026-03-04", resultaattype="Situatie stabiel")),
           geef(stack, "StatusZetten", opdracht(c, "2026-03-05", volgnummer=5)),
           geef(stack, "StatusZetten", opdracht(c, "2026-03-06", volgnummer=2)),
           geef(stack, "ZaakHeropenen", opdracht(c, "2026-03-06", reden="")),
           geef(stack, "ZaakHeropenen", opdracht(c, "2026-03-06", reden="Nieuwe schulden gemeld")),
           geef(stack, "StatusZetten", opdracht(c, "2026-03-07", volgnummer=3))]
    u = uitkomsten(stack, ids)
    assert u[0].record == "OpdrachtUitgevoerd"
    assert codes(u[1]) == {("status.terugzetten_niet_toegestaan", "volgnummer")}
    assert [m.record for m in u[2:4]] == ["OpdrachtUitgevoerd"] * 2
    assert codes(u[4]) == {("zaak.afgesloten", None)}
    assert codes(u[5]) == {("heropenen.reden_ontbreekt", "reden")}
    assert [m.record for m in u[6:]] == ["OpdrachtUitgevoerd"] * 2, "after heropenen the status may go back"
    assert [m.record for m in feiten(stack, c)] == ["ResultaatVastgesteld", "StatusGezet", "ZaakAfgesloten",
                                                   "ZaakHeropend", "StatusGezet"]
    assert stack.sql("select status, einddatum, resultaat from status.zaken where uuid = %s", (c,)) == [(3, None, None)]


def test_the_example_opdrachten_of_the_readme_walk_the_demo_zaak_through(stack, status, tmp_path):
    zaak = registreer(stack, registratie("SUBSIDIE"))
    wait_until(lambda: stack.scalar("select count(*) from status.zaken") == 1, 30, what="the zaak")
    map_ = ROOT / "deploy" / "demo" / "opdrachten"
    bestanden = sorted(map_.glob("0*.json")) + [map_ / "geweigerd-eigen-zaak.json", map_ / "geweigerd-afgesloten.json"]
    ids = []
    for f in bestanden:
        doc = json.loads(f.read_text().replace("00000000-0000-0000-0000-000000000000", zaak))
        doc["opdracht"]["opdrachtId"] = str(uuid.uuid4())
        ids.append(doc["opdracht"]["opdrachtId"])
        (tmp_path / f.name).write_text(json.dumps(doc))
        assert "gegeven" in stack.zs("opdracht", "submit", str(tmp_path / f.name)).stdout
    u = uitkomsten(stack, ids)
    assert [m.record for m in u[:-2]] == ["OpdrachtUitgevoerd"] * (len(bestanden) - 2), [m.value for m in u]
    assert codes(u[-2]) == {("actor.eigen_zaak", "actor")}
    assert codes(u[-1]) == {("zaak.afgesloten", None)}
    assert stack.sql("select status, resultaat, verlengd, aantal_besluiten from status.zaken") == [(5, "Toegekend", True, 1)]


def test_suspension_and_extension_move_both_deadlines_by_the_right_days(stack, status):
    z = registreer(stack, registratie("SUBSIDIE", start="2026-03-02"))
    # P6W / P8W from 2 March: 13 and 27 April.
    ids = [geef(stack, "ZaakOpschorten", opdracht(z, "2026-03-10", reden="Wacht op geluidsrapport")),
           geef(stack, "StatusZetten", opdracht(z, "2026-03-11", volgnummer=3)),
           geef(stack, "StatusZetten", opdracht(z, "2026-03-12", volgnummer=5)),
           geef(stack, "ZaakHervatten", opdracht(z, "2026-03-17", toelichting="Rapport ontvangen")),
           geef(stack, "ZaakVerlengen", opdracht(z, "2026-03-20", reden="Advies van de GGD nodig", duur="P3W")),
           geef(stack, "ZaakVerlengen", opdracht(z, "2026-03-21", reden="Nog meer advies", duur="P1W"))]
    u = uitkomsten(stack, ids)
    assert [m.record for m in u[:2]] == ["OpdrachtUitgevoerd"] * 2, "a status may be set while suspended"
    assert ("zaak.opgeschort", "volgnummer") in codes(u[2]), "but not the eindstatus"
    assert [m.record for m in u[3:5]] == ["OpdrachtUitgevoerd"] * 2
    assert codes(u[5]) == {("verlenging.al_verlengd", None)}

    fs = {m.record: m.value for m in feiten(stack, z, until=lambda ms: any(m.record == "ZaakVerlengd" for m in ms))}
    assert fs["ZaakOpgeschort"]["per"] == "2026-03-10"
    assert fs["ZaakOpgeschort"]["termijnen"] == {"einddatumGepland": "2026-04-13", "uiterlijkeEinddatumAfdoening": "2026-04-27",
                                                 "opgeschort": True, "opgeschortSinds": "2026-03-10", "verlengd": False,
                                                 "opTijd": True}
    assert fs["ZaakHervat"]["opgeschorteDagen"] == 7
    assert fs["ZaakHervat"]["termijnen"]["einddatumGepland"] == "2026-04-20"
    assert fs["ZaakHervat"]["termijnen"]["uiterlijkeEinddatumAfdoening"] == "2026-05-04"
    assert fs["ZaakVerlengd"]["verlengingDagen"] == 21
    assert fs["ZaakVerlengd"]["termijnen"]["einddatumGepland"] == "2026-05-11"
    assert fs["ZaakVerlengd"]["termijnen"]["uiterlijkeEinddatumAfdoening"] == "2026-05-25"
    assert fs["ZaakVerlengd"]["termijnen"]["verlengd"] is True

    assert stack.sql("select einddatum_gepland::text, uiterlijke_einddatum_afdoening::text, opgeschort_sinds,"
                     " verlengd, oorspronkelijke_uiterlijke_einddatum::text from status.zaken where uuid = %s", (z,)) == \
        [("2026-05-11", "2026-05-25", None, True, "2026-04-27")]
    assert stack.sql("select per::text, tot::text, dagen from status.opschortingen where zaak = %s", (z,)) == \
        [("2026-03-10", "2026-03-17", 7)]
    assert stack.sql("select duur, dagen from status.verlengingen where zaak = %s", (z,)) == [("P3W", 21)]
    assert sorted(stack.sql("select termijn, fase, deadline::text, wanneer::text from status.termijn_taken"
                            " where zaak = %s", (z,))) == [
        ("einddatum_gepland", "nadert", "2026-05-11", "2026-05-06"),
        ("einddatum_gepland", "overschreden", "2026-05-11", "2026-05-12"),
        ("uiterlijke_einddatum_afdoening", "nadert", "2026-05-25", "2026-05-20"),
        ("uiterlijke_einddatum_afdoening", "overschreden", "2026-05-25", "2026-05-26")]


def test_deadline_events_fire_once_each_also_across_restarts_and_again_when_the_deadline_moves(stack):
    stack.zs("catalogus", "publish")
    z = registratie("SUBSIDIE", start="2026-03-02", nummer=1)  # 13 April (gepland), 27 April (uiterlijk)
    opgeschort = registratie("SUBSIDIE", start="2026-03-02", nummer=2)
    registreer(stack, z)
    registreer(stack, opgeschort)
    geef(stack, "ZaakOpschorten", opdracht(opgeschort["uuid"], "2026-03-05", reden="Wacht op de eigenaar"))
    # First a day on which nothing is due, until both zaken are in place.
    d = stack.daemon("status", ZS_VANDAAG="2026-03-01")
    wait_until(lambda: stack.scalar("select count(*) from status.zaken where opgeschort_sinds is not null") == 1,
               30, what="the suspension")
    d.stop()

    def bewaking(msgs):
        assert all(m.key == z["uuid"] for m in msgs), "a suspended zaak's deadlines are not watched"
        return [(m.value["termijn"], m.value["fase"], m.value["datum"], m.value["dagenResterend"]) for m in msgs]

    def ticks(d):
        """How often the watch has run since this start."""
        with urllib.request.urlopen(d.url("/metrics"), timeout=10) as r:
            regels = [x for x in r.read().decode().splitlines()
                      if x.startswith("zs_status_termijn_tick_seconds_count")]
        return int(regels[0].split()[-1]) if regels else 0

    def draai(vandaag, verwacht, na_start=None):
        d = stack.daemon("status", ZS_VANDAAG=vandaag, ZS_TERMIJN_INTERVAL_S=1)
        if na_start:
            na_start()
        al = ticks(d)
        wait_until(lambda: ticks(d) > al, 30, what="the deadline watch to run")
        stack.read("zaken", records={"TermijnBewaking"}, count=len(verwacht), timeout=30)
        wait_until(lambda: stack.scalar("select count(*) from status.termijn_taken where wanneer <= %s",
                                        (vandaag,)) == 0, 30, what="the due rows to be handled")
        d.stop()  # the sentinel: a stopped daemon writes nothing more
        assert bewaking(stack.read_written("zaken", "status", records={"TermijnBewaking"})) == verwacht

    verwacht = [("einddatum_gepland", "nadert", "2026-04-13", 5)]
    draai("2026-04-08", verwacht)

    def kort_opgeschort():
        """Suspended and resumed on the same day: the same deadlines are
        scheduled again, and must not be announced again."""
        geef(stack, "ZaakOpschorten", opdracht(z["uuid"], "2026-04-08T08:00:00.000Z", reden="Even wachten"))
        geef(stack, "ZaakHervatten", opdracht(z["uuid"], "2026-04-08T09:00:00.000Z"))
        wait_until(lambda: stack.scalar("select count(*) from status.opschortingen where zaak = %s"
                                        " and tot is not null", (z["uuid"],)) == 1, 30, what="the hervatting")

    draai("2026-04-08", verwacht, kort_opgeschort)  # a restart on the same day announces nothing again
    verwacht += [("einddatum_gepland", "overschreden", "2026-04-13", -10),
                 ("uiterlijke_einddatum_afdoening", "nadert", "2026-04-27", 4)]
    draai("2026-04-23", verwacht)
    # A verlenging moves both deadlines 14 days: the moved planned date approaches again.
    verwacht += [("einddatum_gepland", "nadert", "2026-04-27", 4)]
    draai("2026-04-23", verwacht, lambda: geef(stack, "ZaakVerlengen",
                                               opdracht(z["uuid"], "2026-04-23", reden="Advies nodig", duur="P2W")))
    # Past both moved deadlines: "overschreden" for each, no stale "nadert".
    verwacht += [("einddatum_gepland", "overschreden", "2026-04-27", -15),
                 ("uiterlijke_einddatum_afdoening", "overschreden", "2026-05-11", -1)]
    draai("2026-05-12", verwacht)
    draai("2026-05-12", verwacht)
    assert stack.scalar("select count(*) from status.termijn_gemeld") == 6
    assert stack.scalar("select count(*) from status.tijdlijn where soort = 'TermijnBewaking'") == 6
    tb = stack.read_written("zaken", "status", records={"TermijnBewaking"})
    assert len({m.headers["ce_id"] for m in tb}) == 6
    assert tb[-1].value["termijnen"]["opTijd"] is False and tb[-1].value["identificatie"] == z["identificatie"]
    assert tb[0].value["termijnen"]["opTijd"] is True


def test_an_opdracht_before_its_zaak_waits_and_is_applied_when_the_registration_arrives(stack):
    stack.zs("catalogus", "publish")
    stack.daemon("status", ZS_STATUS_WACHT_S=3, ZS_VANDAAG="2026-02-01")
    z = registratie("SUBSIDIE", nummer=7)
    vroeg = [geef(stack, "StatusZetten", opdracht(z["uuid"], "2026-03-03", volgnummer=2)),
             geef(stack, "StatusZetten", opdracht(z["uuid"], "2026-03-04", volgnummer=4))]
    nooit = geef(stack, "StatusZetten", opdracht(str(uuid.uuid4()), "2026-03-03", volgnummer=2))
    wait_until(lambda: stack.scalar("select count(*) from status.wachtende_opdrachten where zaak = %s",
                                    (z["uuid"],)) == 2, 30, what="the opdrachten to wait")
    registreer(stack, z)
    u = uitkomsten(stack, vroeg + [nooit])
    assert [m.record for m in u[:2]] == ["OpdrachtUitgevoerd"] * 2
    assert codes(u[2]) == {("zaak.onbekend", "zaak")}
    gezet = [m.value["status"]["volgnummer"] for m in feiten(stack, z["uuid"], records={"StatusGezet"})]
    assert gezet == [2, 4], "applied in the order they came"
    assert stack.scalar("select count(*) from status.wachtende_opdrachten") == 0
    assert stack.scalar("select status from status.zaken where uuid = %s", (z["uuid"],)) == 4


def test_an_opdracht_for_a_zaaktype_not_yet_in_the_catalogus_waits_for_it(stack):
    stack.daemon("status", ZS_STATUS_WACHT_S=20, ZS_VANDAAG="2026-02-01")
    z = registreer(stack, registratie("TERUGBEL", nummer=8))
    oid = geef(stack, "StatusZetten", opdracht(z, "2026-03-03", volgnummer=2))
    wait_until(lambda: stack.scalar("select count(*) from status.wachtende_opdrachten") == 1, 30,
               what="the opdracht to wait for its zaaktype")
    stack.zs("catalogus", "publish", "deploy/catalogus/terugbelnotitie.json")
    (u,) = uitkomsten(stack, [oid])
    assert u.record == "OpdrachtUitgevoerd"
    assert stack.sql("select status, zaaktype_begin_geldigheid::text from status.zaken") == [(2, "2026-01-01")]


def script(zaak, i):
    """The deterministic opdrachten of zaak i in the kill -9 test: ten per zaak,
    one refused, every kind of fact."""
    dag = dt.date(2026, 3, 2) + dt.timedelta(days=i % 20)

    def op(n):
        return f"{(dag + dt.timedelta(days=n)).isoformat()}T09:{i % 60:02d}:00.000Z"

    def od(k, n, **v):
        return opdracht(zaak, op(n), opdracht_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{zaak}/{k}")), **v)

    return [("StatusZetten", od(0, 1, volgnummer=2)),
            ("ZaakOpschorten", od(1, 2, reden="Wacht op informatie")),
            ("StatusZetten", od(2, 3, volgnummer=3)),
            ("ZaakHervatten", od(3, 2 + i % 5, toelichting="Informatie ontvangen")),
            ("ZaakVerlengen", od(4, 9, reden="Advies nodig", duur=f"P{1 + i % 6}W")),
            ("StatusZetten", od(5, 10, volgnummer=2, terugzettenReden="Terug")),
            ("BesluitVastleggen", od(6, 11, besluittype="Subsidiebeschikking", datum=op(11)[:10],
                                     ingangsdatum=op(12)[:10])),
            ("ResultaatVastleggen", od(7, 12, resultaattype="Toegekend")),
            ("StatusZetten", od(8, 13, volgnummer=4)),
            ("StatusZetten", od(9, 14, volgnummer=5))]


def verwachte_geschiedenis(zg, i):
    """What the history of zaak i must be, from the script alone."""
    start = dt.date.fromisoformat(zg["startdatum"])
    dag = dt.date(2026, 3, 2) + dt.timedelta(days=i % 20)
    stil = (2 + i % 5) - 2
    verlenging = 7 * (1 + i % 6)
    gepland = plus(start, "P6W") + dt.timedelta(days=stil + verlenging)
    uiterlijk = plus(start, "P8W") + dt.timedelta(days=stil + verlenging)
    return {"soorten": ["ZaakGeregistreerd", "StatusGezet", "ZaakOpgeschort", "StatusGezet", "ZaakHervat",
                        "ZaakVerlengd", "BesluitGenomen", "ResultaatVastgesteld", "StatusGezet", "StatusGezet",
                        "ZaakAfgesloten"],
            "statussen": [1, 2, 3, 4, 5],
            "uitkomsten": ["uitgevoerd"] * 5 + ["geweigerd"] + ["uitgevoerd"] * 4,
            "zaak": (5, gepland.isoformat(), uiterlijk.isoformat(), (dag + dt.timedelta(days=14)).isoformat(),
                     "Toegekend")}


def test_kill_9_during_10000_opdrachten_over_1000_zaken_gives_every_history_as_without_it(stack):
    stack.zs("catalogus", "publish")
    zaken = [registratie("SUBSIDIE", start=(dt.date(2026, 3, 2) + dt.timedelta(days=i % 20)).isoformat(), nummer=i + 1)
             for i in range(1000)]
    for zg in zaken:
        stack.produce("zaken", zg["uuid"], zg, record="ZaakGeregistreerd", flush=False)
    scripts = [script(zg["uuid"], i) for i, zg in enumerate(zaken)]
    # Round robin over the zaken: every batch holds opdrachten of many zaken.
    for k in range(10):
        for s in scripts:
            soort, doc = s[k]
            stack.produce("zaak-opdrachten", doc["zaak"], doc, record=soort, flush=False)
    stack.flush()

    # Small batches until the kill: a busy machine may not look again before a
    # fast daemon is done, and a kill after the last batch proves nothing.
    d = stack.daemon("status", ZS_BATCH_MAX=50, ZS_VANDAAG="2026-02-01")
    wait_until(lambda: (stack.scalar("select count(*) from status.opdrachten") or 0) >= 2000, 120,
               what="status to be part-way")
    d.kill9()
    assert stack.scalar("select count(*) from status.opdrachten") < 10000, "killed too late to prove anything"
    stack.daemon("status", ZS_VANDAAG="2026-02-01")
    wait_until(lambda: stack.scalar("select count(*) from status.opdrachten") == 10000, 180,
               what="every opdracht to be decided")

    # The read model: every zaak's history exactly as the script makes it.
    soorten, statussen, uitkomst, staat = {}, {}, {}, {}
    for zaak, soort in stack.sql("select zaak::text, soort from status.tijdlijn order by id"):
        soorten.setdefault(zaak, []).append(soort)
    for zaak, v in stack.sql("select zaak::text, volgnummer from status.statussen order by id"):
        statussen.setdefault(zaak, []).append(v)
    for zaak, oid, u in stack.sql("select zaak, opdracht_id, uitkomst from status.opdrachten"):
        uitkomst[oid] = u
    for row in stack.sql("select uuid::text, status, einddatum_gepland::text, uiterlijke_einddatum_afdoening::text,"
                         " einddatum::text, resultaat from status.zaken"):
        staat[row[0]] = row[1:]
    for i, zg in enumerate(zaken):
        exp = verwachte_geschiedenis(zg, i)
        z = zg["uuid"]
        assert soorten[z] == exp["soorten"], (i, soorten[z])
        assert statussen[z] == exp["statussen"]
        assert [uitkomst[doc["opdrachtId"]] for _, doc in scripts[i]] == exp["uitkomsten"]
        assert staat[z] == exp["zaak"], (i, staat[z], exp["zaak"])

    # The topics: after dedup on ce_id, exactly one outcome per opdracht and
    # the facts the read model holds, identical.
    # Every opdracht decided: all that status will emit for them has been
    # committed, so what is written once its outbox is relayed is complete.
    outs = stack.read_written("opdracht-uitkomsten", "status", timeout=180)
    per_id = {}
    for m in outs:
        per_id.setdefault(m.value["opdrachtId"], set()).add(m.headers["ce_id"])
    assert len(per_id) == 10000 and all(len(v) == 1 for v in per_id.values())
    verwacht_feiten = stack.scalar("select count(*) from status.tijdlijn where soort <> 'ZaakGeregistreerd'")
    fs = stack.read_written("zaken", "status", timeout=180)
    uniek = {}
    for m in fs:
        if m.record == "ZaakGeregistreerd":
            continue
        assert uniek.setdefault(m.headers["ce_id"], m.value) == m.value, "a repeated event is the same event"
    assert len(uniek) == verwacht_feiten
    feit_db = {(r[0], r[1]): r[2] for r in stack.sql(
        "select zaak::text, opdracht_id, json_agg(feit order by id) from status.tijdlijn"
        " where opdracht_id is not null group by 1, 2")}
    feit_topic = {}
    for v in uniek.values():
        feit_topic.setdefault((v["zaak"], v["opdrachtId"]), []).append(v)
    assert feit_topic == feit_db
