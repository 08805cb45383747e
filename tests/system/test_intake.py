"""System tests of intake against the real Kafka broker and PostgreSQL: a
portal's aanvraag becomes a registered zaak, or a refusal with every reason."""

import uuid

import pytest

from zaakstroom import aanvraag, wait_until, wire


@pytest.fixture
def intake(stack):
    stack.zs("catalogus", "publish")
    return stack.daemon("intake")


def submit(stack, doc):
    stack.produce("aanvragen", doc["aanvraagId"], doc, record="AanvraagIngediend")
    return doc["aanvraagId"]


def outcome(stack, aanvraag_id, timeout=60):
    msgs = stack.read("aanvraag-uitkomsten", until=lambda ms: any(m.key == aanvraag_id for m in ms),
                      timeout=timeout)
    return [m for m in msgs if m.key == aanvraag_id][-1]


def sentinel(stack, key):
    """An aanvraag sent after those under test on their partition (the same
    key) and accepted: once its outcome is read, intake has decided everything
    sent before it. Returns its id."""
    doc = aanvraag()
    stack.produce("aanvragen", key, doc, record="AanvraagIngediend")
    assert outcome(stack, doc["aanvraagId"]).record == "AanvraagGeaccepteerd"
    return doc["aanvraagId"]


def refusal_codes(msg):
    assert msg.record == "AanvraagAfgewezen", msg.value
    return {(r["code"], r["veld"]) for r in msg.value["redenen"]}


def test_aanvraag_becomes_registered_zaak(stack, intake):
    doc = aanvraag()
    aid = submit(stack, doc)

    out = outcome(stack, aid)
    assert out.record == "AanvraagGeaccepteerd", out.value
    zaken = stack.read("zaken", until=lambda ms: any(m.value["aanvraagId"] == aid for m in ms))
    zaak = [m for m in zaken if m.value["aanvraagId"] == aid][0]

    # The event is complete: initiator, first status, both deadlines, the data used.
    z = zaak.value
    assert zaak.key == z["uuid"] == out.value["zaak"]
    assert z["identificatie"].startswith("ZAAK-") and len(z["identificatie"]) == 20
    assert z["zaaktype"] == "SUBSIDIE-SANERING-VERKEERSLAWAAI"
    assert z["status"]["volgnummer"] == 1 and z["status"]["stap"] == 1
    assert z["status"]["aantalStappen"] == len(z["statustypen"]) == 5
    initiator = [r for r in z["rollen"] if r["omschrijvingGeneriek"] == "initiator"][0]
    assert initiator["betrokkene"]["inpBsn"] == "999991772"
    # P6W servicenorm, P8W doorlooptijd from the start date.
    import datetime as dt

    start = dt.date.fromisoformat(z["startdatum"])
    assert z["einddatumGepland"] == (start + dt.timedelta(weeks=6)).isoformat()
    assert z["uiterlijkeEinddatumAfdoening"] == (start + dt.timedelta(weeks=8)).isoformat()
    iban = [e for e in z["eigenschappen"] if e["naam"] == "iban"][0]
    assert iban["doel"] and iban["grondslag"], "the data used carries its purpose and legal basis"

    # CloudEvents headers, the trace continued, subject = zaak (never a BSN).
    assert zaak.headers["ce_type"] == "nl.zaakstroom.zaak-geregistreerd"
    assert zaak.headers["ce_subject"] == z["uuid"]
    assert zaak.headers["traceparent"].startswith("00-")

    # The read model has it, without personal data.
    row = stack.sql("select identificatie, zaaktype from intake.zaken where uuid = %s", (z["uuid"],))
    assert row == [(z["identificatie"], "SUBSIDIE-SANERING-VERKEERSLAWAAI")]
    cols = {r[0] for r in stack.sql("select column_name from information_schema.columns"
                                    " where table_schema = 'intake'")}
    assert not any("bsn" in c for c in cols)

    # A portal polling gets the outcome.
    status, body = intake.get(f"/api/v1/aanvragen/{aid}")
    assert status == 200 and body["status"] == "geaccepteerd"
    assert body["uitkomst"]["identificatie"] == z["identificatie"]


def test_same_aanvraag_three_times_gives_one_zaak_and_the_same_outcome(stack, intake):
    doc = aanvraag()
    for _ in range(3):
        submit(stack, doc)

    outs = stack.read("aanvraag-uitkomsten", until=lambda ms: len([m for m in ms if m.key == doc["aanvraagId"]]) >= 3)
    outs = [m for m in outs if m.key == doc["aanvraagId"]]
    assert {m.headers["ce_id"] for m in outs} == {outs[0].headers["ce_id"]}, "a repeat carries the same event id"
    assert all(m.value == outs[0].value for m in outs)
    assert stack.scalar("select count(*) from intake.zaken") == 1
    assert stack.scalar("select herhaald from intake.aanvragen where aanvraag_id = %s", (doc["aanvraagId"],)) == 2
    na = sentinel(stack, doc["aanvraagId"])
    zaken = stack.read_written("zaken", "intake")
    assert sorted(m.value["aanvraagId"] for m in zaken) == sorted([doc["aanvraagId"], na])


REFUSALS = {
    "unknown zaaktype": (dict(zaaktype="PARKEERVERGUNNING"), {("zaaktype.onbekend", "zaaktype")}),
    "bsn fails the elfproef": (
        dict(initiator={"betrokkeneType": "natuurlijk_persoon", "inpBsn": "123456789"}),
        {("initiator.bsn_ongeldig", "initiator.inpBsn")}),
    "required eigenschap missing": (
        dict(eigenschappen={"postcode": "2511 AB", "huisnummer": "12", "bouwjaarWoning": "1962",
                            "eigenaar": "ja", "geschatteKosten": "100"}),
        {("eigenschap.ontbreekt", "eigenschappen.iban")}),
    "value not in waardenverzameling": (
        dict(eigenschappen={"postcode": "2511 AB", "huisnummer": "12", "bouwjaarWoning": "1962",
                            "eigenaar": "nvt", "geschatteKosten": "100", "iban": "NL91ABNA0417164300"}),
        {("eigenschap.formaat", "eigenschappen.eigenaar")}),
    "kvk number of seven digits": (
        dict(initiator={"betrokkeneType": "niet_natuurlijk_persoon", "kvkNummer": "1234567"}),
        {("initiator.kvk_ongeldig", "initiator.kvkNummer")}),
    "bad e-mail address": (dict(contact={"emailadres": "geen-adres"}), {("contact.emailadres_ongeldig", "contact.emailadres")}),
}


@pytest.mark.parametrize("case", REFUSALS.keys())
def test_invalid_aanvraag_is_refused_with_its_reason(stack, intake, case):
    overrides, expected = REFUSALS[case]
    doc = aanvraag(**overrides)
    out = outcome(stack, submit(stack, doc))
    codes = refusal_codes(out)
    assert expected <= codes, codes
    for r in out.value["redenen"]:
        assert r["tekst"] and "123456789" not in r["tekst"], "reasons are Dutch text and never quote a BSN"
    assert stack.scalar("select count(*) from intake.zaken") == 0
    status, body = intake.get(f"/api/v1/aanvragen/{doc['aanvraagId']}")
    assert status == 200 and body["status"] == "afgewezen"


def test_every_reason_is_reported_at_once(stack, intake):
    doc = aanvraag("deploy/demo/aanvragen/afgewezen.json")
    codes = refusal_codes(outcome(stack, submit(stack, doc)))
    assert {("initiator.bsn_ongeldig", "initiator.inpBsn"),
            ("contact.emailadres_ongeldig", "contact.emailadres"),
            ("eigenschap.formaat", "eigenschappen.postcode"),
            ("eigenschap.formaat", "eigenschappen.eigenaar"),
            ("eigenschap.ontbreekt", "eigenschappen.geschatteKosten"),
            ("eigenschap.niet_gedeclareerd", "eigenschappen.geboortedatum")} <= codes, codes


def test_undeclared_data_is_refused_and_not_stored(stack, intake):
    doc = aanvraag()
    doc["eigenschappen"]["geboortedatum"] = "1970-01-01"
    codes = refusal_codes(outcome(stack, submit(stack, doc)))
    assert ("eigenschap.niet_gedeclareerd", "eigenschappen.geboortedatum") in codes
    stored = stack.scalar("select uitkomst_event::text from intake.aanvragen where aanvraag_id = %s",
                          (doc["aanvraagId"],))
    assert "1970-01-01" not in stored and "geboortedatum" in stored  # named, never kept
    na = sentinel(stack, doc["aanvraagId"])
    assert [m.value["aanvraagId"] for m in stack.read_written("zaken", "intake")] == [na]


def test_garbage_and_truncated_messages_go_to_the_dead_letter_topic_and_the_partition_moves_on(stack, intake):
    key = str(uuid.uuid4())
    good = aanvraag(aanvraagId=key)
    encoded = __import__("zaakstroom").wire().encode("AanvraagIngediend", good)
    # Same key = same partition: the good one comes after the bad ones.
    stack.produce("aanvragen", key, b"\x00\x01garbage that is not avro")
    stack.produce("aanvragen", key, encoded[: len(encoded) // 2])
    stack.produce("aanvragen", key, encoded)

    assert outcome(stack, key).record == "AanvraagGeaccepteerd"
    dead = stack.read("dlq", count=2)
    assert [m.raw for m in dead] == [b"\x00\x01garbage that is not avro", encoded[: len(encoded) // 2]]
    for m in dead:
        assert m.headers["zs_service"] == "intake"
        assert m.headers["zs_source_topic"] == stack.topic("aanvragen")
        assert m.headers["zs_error"] and m.headers["zs_error_code"]
        assert int(m.headers["zs_source_offset"]) >= 0
    assert dead[0].headers["zs_error_code"] != dead[1].headers["zs_error_code"]


def test_unknown_aanvraag_is_a_404_problem_and_a_bad_id_a_400(stack, intake):
    status, body = intake.get(f"/api/v1/aanvragen/{uuid.uuid4()}")
    assert status == 404 and body["status"] == 404 and body["code"] == "not_found"
    # People read the title and detail: Dutch, as in every daemon.
    assert body["title"] == "Geen uitkomst voor deze aanvraag (nog niet)."
    assert "nog niet beslist" in body["detail"]
    status, body = intake.get("/api/v1/aanvragen/not-a-uuid")
    assert status == 400 and body["invalidParams"][0]["name"] == "id"
    assert body["title"] == "Het aanvraag-id is ongeldig."
    assert body["invalidParams"][0]["reason"] == "Dit is geen uuid."
    status, body = intake.get("/api/v1/geen-resource")
    assert status == 404 and body["title"] == "Deze resource bestaat niet."


# The runtime tables as 000_runtime made them, before their columns had
# English names (and the migrations' own bookkeeping as it was then).
LEGACY_RUNTIME = """
CREATE SCHEMA intake;
CREATE TABLE intake.schema_migrations (versie text PRIMARY KEY,
    toegepast_op timestamptz NOT NULL DEFAULT now());
INSERT INTO intake.schema_migrations (versie) VALUES ('000_runtime');
CREATE TABLE intake.consumer_offsets (groep text NOT NULL, topic text NOT NULL,
    partitie int NOT NULL, volgende bigint NOT NULL,
    bijgewerkt timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (groep, topic, partitie));
CREATE TABLE intake.outbox (id bigserial PRIMARY KEY, topic text NOT NULL, sleutel bytea,
    waarde bytea NOT NULL, headers jsonb NOT NULL DEFAULT '{}',
    aangemaakt timestamptz NOT NULL DEFAULT now());
"""


def columns(stack, table):
    return {r[0] for r in stack.sql("SELECT column_name FROM information_schema.columns"
                                    " WHERE table_schema = 'intake' AND table_name = %s", (table,))}


def test_runtime_tables_of_the_old_layout_are_renamed_keeping_offsets_and_unsent_rows(stack):
    """A database from before the rename: its stored offset still decides
    where intake resumes, and an outbox row it left unsent is still sent."""
    stack.zs("catalogus", "publish")
    stack.sql(LEGACY_RUNTIME)
    skipped, resumed = aanvraag(aanvraagId=str(uuid.uuid4())), aanvraag(aanvraagId=str(uuid.uuid4()))
    p = stack.producer()
    for doc in (skipped, resumed):  # offsets 0 and 1 of partition 0
        p.produce(stack.topic("aanvragen"), key=doc["aanvraagId"], partition=0,
                  value=wire().encode("AanvraagIngediend", doc),
                  headers=[("ce_id", str(uuid.uuid4())), ("content-type", "application/avro")])
    assert p.flush(30) == 0
    # The old layout says partition 0 was read up to offset 1: skipped is done.
    stack.sql("INSERT INTO intake.consumer_offsets (groep, topic, partitie, volgende)"
              " VALUES ('intake', %s, 0, 1)", (stack.topic("aanvragen"),))
    legacy_id = str(uuid.uuid4())
    stack.sql("INSERT INTO intake.outbox (topic, sleutel, waarde, headers) VALUES (%s, %s, %s, %s)",
              (stack.topic("aanvraag-uitkomsten"), b"legacy-row", b"a row the old layout left unsent",
               '{"ce_id": "%s"}' % legacy_id))

    stack.daemon("intake")
    msgs = stack.read("aanvraag-uitkomsten", until=lambda ms: {m.key for m in ms} >= {
        "legacy-row", resumed["aanvraagId"]})
    legacy = [m for m in msgs if m.key == "legacy-row"]
    assert len(legacy) == 1 and legacy[0].raw == b"a row the old layout left unsent"
    assert legacy[0].headers["ce_id"] == legacy_id
    # skipped came before resumed in the same partition: it would have been
    # decided in the same transaction or an earlier one.
    assert stack.scalar("SELECT count(*) FROM intake.aanvragen WHERE aanvraag_id = %s",
                        (resumed["aanvraagId"],)) == 1
    assert stack.scalar("SELECT count(*) FROM intake.aanvragen WHERE aanvraag_id = %s",
                        (skipped["aanvraagId"],)) == 0
    assert skipped["aanvraagId"] not in {m.key for m in msgs}

    assert columns(stack, "consumer_offsets") == {"group_id", "topic", "partition", "next_offset",
                                                  "updated_at"}
    assert columns(stack, "outbox") == {"id", "topic", "key", "value", "headers", "created_at"}
    assert columns(stack, "schema_migrations") == {"version", "applied_at"}
    assert stack.scalar("SELECT next_offset FROM intake.consumer_offsets WHERE group_id = 'intake'"
                        " AND topic = %s AND partition = 0", (stack.topic("aanvragen"),)) == 2
    versions = [r[0] for r in stack.sql("SELECT version FROM intake.schema_migrations ORDER BY 1")]
    assert versions[:2] == ["000_runtime", "000_runtime_english"] and "001_init" in versions
    # Acknowledged, the legacy row is deleted like any other.
    wait_until(lambda: stack.scalar("SELECT count(*) FROM intake.outbox") == 0,
               what="the relayed rows deleted")


def test_kill_9_in_the_middle_of_10000_aanvragen_loses_and_duplicates_nothing(stack):
    stack.zs("catalogus", "publish")
    ids = []
    for i in range(10000):
        doc = aanvraag(aanvraagId=str(uuid.uuid4()))
        ids.append(doc["aanvraagId"])
        stack.produce("aanvragen", doc["aanvraagId"], doc, record="AanvraagIngediend", flush=False)
    stack.flush()

    # Small batches until the kill: a busy machine may not look again before a
    # fast daemon is done, and a kill after the last batch proves nothing.
    d = stack.daemon("intake", ZS_BATCH_MAX=50)
    wait_until(lambda: (stack.scalar("select count(*) from intake.zaken") or 0) >= 2000, 120,
               what="intake to be part-way")
    d.kill9()
    done_at_kill = stack.scalar("select count(*) from intake.zaken")
    assert done_at_kill < 10000, "killed too late to prove anything"
    stack.daemon("intake")
    wait_until(lambda: stack.scalar("select count(*) from intake.aanvragen") == 10000, 180,
               what="all aanvragen to be decided")

    assert stack.scalar("select count(*) from intake.zaken") == 10000
    assert stack.scalar("select count(distinct aanvraag_id) from intake.zaken") == 10000
    assert stack.scalar("select count(distinct identificatie) from intake.zaken") == 10000

    # Every aanvraag decided: all that intake will ever emit for them has been
    # committed, so what is written once its outbox is relayed is complete.
    outs = stack.read_written("aanvraag-uitkomsten", "intake", timeout=180)
    zaken = stack.read_written("zaken", "intake", timeout=180)
    # After dedup on ce_id: one outcome per aanvraag, one zaak per aanvraag.
    by_id = {}
    for m in outs:
        by_id.setdefault(m.key, set()).add(m.headers["ce_id"])
    assert set(by_id) == set(ids) and all(len(v) == 1 for v in by_id.values())
    zaak_events = {}
    for m in zaken:
        zaak_events[m.headers["ce_id"]] = m.value["aanvraagId"]
    assert sorted(zaak_events.values()) == sorted(ids), "every aanvraag exactly one ZaakGeregistreerd"
