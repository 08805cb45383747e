"""The event schemas and the catalogus obey schemas/README.md (no broker needed).

One test per check of tests/tools/check_schemas.py over the real files, and, per check, a
broken copy that the check must reject, so a check that cannot fail is caught too.
"""
import copy
import io
import json
import os
import shutil
import sys

import fastavro
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
import check_schemas as cs  # noqa: E402


@pytest.mark.parametrize("check", cs.CHECKS, ids=lambda c: c.__name__)
def test_repository_passes(check):
    problems = check()
    assert not problems, f"{check.__name__}:\n  " + "\n  ".join(problems)


# ------------------------------------------------------------------ each check can fail

@pytest.fixture
def tree(tmp_path):
    """A copy of schemas/ and deploy/catalogus/ to break."""
    schemas = tmp_path / "schemas"
    catalogus = tmp_path / "catalogus"
    shutil.copytree(cs.SCHEMA_DIR, schemas)
    shutil.copytree(cs.CATALOGUS_DIR, catalogus)
    return schemas, catalogus


def edit_json(path, change):
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    change(data)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)


def field(record, name):
    return next(fl for fl in record["fields"] if fl["name"] == name)


def test_unparsable_schema_is_reported_by_both_parsers(tree):
    schemas, _ = tree
    edit_json(schemas / "AanvraagAfgewezen.v1.avsc",
              lambda s: field(s, "redenen").update(type="nosuchtype"))
    assert any("AanvraagAfgewezen" in p for p in cs.check_parse_apache_avro(str(schemas)))
    assert any("AanvraagAfgewezen" in p for p in cs.check_parse_fastavro(str(schemas)))


@pytest.mark.skipif(not cs.avro_c_available(), reason="avro-c headers or cc not installed")
def test_avro_c_rejects_what_it_cannot_load(tree):
    schemas, _ = tree
    (schemas / "Kapot.v1.avsc").write_text('{"type": "record", "name": "Kapot", "fields": [')
    assert any("Kapot" in p for p in cs.check_parse_avro_c(str(schemas)))


def test_file_name_must_match_record(tree):
    schemas, _ = tree
    os.rename(schemas / "ZaakHervat.v1.avsc", schemas / "ZaakHervatten2.v1.avsc")
    (schemas / "StatusGezet.v3.avsc").write_text((schemas / "StatusGezet.v1.avsc").read_text())
    problems = cs.check_file_names(str(schemas))
    assert any("ZaakHervatten2.v1.avsc" in p for p in problems)
    assert any("StatusGezet: versions [1, 3]" in p for p in problems)


def test_foreign_namespace_is_reported(tree):
    schemas, _ = tree
    edit_json(schemas / "ZaakGeregistreerd.v1.avsc",
              lambda s: field(s, "rollen")["type"]["items"].update(namespace="nl.elders"))
    assert any("nl.elders.Rol" in p for p in cs.check_namespace(str(schemas)))


def test_missing_doc_is_reported(tree):
    schemas, _ = tree

    def strip(s):
        del field(s, "termijnen")["type"]["fields"][0]["doc"]
        s["doc"] = " "

    edit_json(schemas / "TermijnBewaking.v1.avsc", strip)
    problems = cs.check_docs(str(schemas))
    assert any("Termijnen.einddatumGepland has no doc" in p for p in problems)
    assert any("record nl.zaakstroom.TermijnBewaking has no doc" in p for p in problems)


def newest(schemas, name):
    """The newest version's file of a record (the checks look at those)."""
    return max(schemas.glob(f"{name}.v*.avsc"), key=lambda p: int(p.name.split(".v")[1].split(".")[0]))


def test_diverging_shared_type_is_reported(tree):
    schemas, _ = tree
    edit_json(newest(schemas, "InzageVerzoekIngediend"),
              lambda s: field(s, "betrokkene")["type"]["fields"].append(
                  {"name": "extra", "type": "string", "doc": "x"}))
    problems = cs.check_shared_types(str(schemas))
    assert any("nl.zaakstroom.Betrokkene differs" in p for p in problems)


def test_doc_change_in_shared_type_is_a_difference(tree):
    schemas, _ = tree
    edit_json(schemas / "BerichtMislukt.v1.avsc",
              lambda s: field(s, "aanleiding")["type"].update(doc="anders"))
    assert any("Aanleiding differs" in p for p in cs.check_shared_types(str(schemas)))


def test_optional_without_null_default_is_reported(tree):
    schemas, _ = tree

    def change(s):
        del field(s, "servicenorm")["default"]
        field(s, "eindeGeldigheid")["type"].reverse()

    edit_json(schemas / "ZaaktypeGepubliceerd.v1.avsc", change)
    problems = cs.check_optional_defaults(str(schemas))
    assert any("servicenorm: optional field needs" in p for p in problems)
    assert any("eindeGeldigheid: optional type must list" in p for p in problems)


def test_event_table_and_files_must_agree(tree):
    schemas, _ = tree
    os.remove(schemas / "ZaakHeropend.v1.avsc")
    (schemas / "Onbekend.v1.avsc").write_text("{}")
    problems = cs.check_events_complete(str(schemas))
    assert any(p.startswith("ZaakHeropend: listed") for p in problems)
    assert any(p.startswith("Onbekend: schema file") for p in problems)


# ------------------------------------------------------------------ catalogus

def test_converter_unwraps_plain_json():
    schema = cs.zaaktype_schema()
    with open(os.path.join(cs.CATALOGUS_DIR, "terugbelnotitie.json"), encoding="utf-8") as fh:
        plain = json.load(fh)
    datum = cs.plain_to_datum(schema, plain)
    avro_json = cs.to_avro_json(schema, datum)
    # Another Avro implementation reads it back as the same datum.
    read = next(fastavro.json_reader(io.StringIO(json.dumps(avro_json)), schema))
    assert read == datum
    # Avro JSON: dates as days since 1970-01-01, union values wrapped with their branch.
    assert avro_json["beginGeldigheid"] == 20454  # 2026-01-01
    assert avro_json["servicenorm"] == {"string": "P2D"}
    assert avro_json["eindeGeldigheid"] is None
    assert avro_json["statustypen"][0]["doorlooptijd"] is None
    assert avro_json["statustypen"][1]["doorlooptijd"] == {"string": "P1D"}


def test_converter_fills_defaults_and_rejects_typos():
    schema = cs.zaaktype_schema()
    with open(os.path.join(cs.CATALOGUS_DIR, "terugbelnotitie.json"), encoding="utf-8") as fh:
        plain = json.load(fh)
    lean = copy.deepcopy(plain)
    del lean["eindeGeldigheid"]  # optional: may be left out
    assert cs.plain_to_datum(schema, lean)["eindeGeldigheid"] is None

    typo = copy.deepcopy(plain)
    typo["statustypen"][0]["informeeren"] = True
    with pytest.raises(cs.ConversionError, match=r"statustypen\[0\]: unknown field"):
        cs.plain_to_datum(schema, typo)

    baddate = copy.deepcopy(plain)
    baddate["versiedatum"] = "2026-02-30"
    with pytest.raises(cs.ConversionError, match="versiedatum"):
        cs.plain_to_datum(schema, baddate)

    missing = copy.deepcopy(plain)
    del missing["afdeling"]
    with pytest.raises(cs.ConversionError, match="afdeling: required field is missing"):
        cs.plain_to_datum(schema, missing)


def test_catalogus_that_does_not_fit_the_schema_is_reported(tree):
    schemas, catalogus = tree
    edit_json(catalogus / "terugbelnotitie.json",
              lambda z: z.update(vertrouwelijkheidaanduiding="geheimzinnig"))
    problems = cs.check_catalogus_avro(str(catalogus), str(schemas))
    assert any(p.startswith("terugbelnotitie.json: vertrouwelijkheidaanduiding") for p in problems)


@pytest.mark.parametrize("change, expected", [
    (lambda z: z["statustypen"].reverse(), "must have volgnummer 1"),
    (lambda z: z["statustypen"][2].update(volgnummer=2), "must be unique and ascending"),
    (lambda z: z.update(statustypen=z["statustypen"][:1]), "at least two statustypen"),
    (lambda z: z.update(doorlooptijd="8 weken"), "doorlooptijd '8 weken' is not"),
    (lambda z: z.update(servicenorm="PT2H"), "servicenorm 'PT2H' is not"),
    (lambda z: z.update(servicenorm="P6D"), "servicenorm is longer than doorlooptijd"),
    (lambda z: z.update(verlengingMogelijk=True), "needs a verlengingstermijn"),
    (lambda z: z["eigenschappen"].append(dict(z["eigenschappen"][0])),
     "eigenschappen naams are not unique"),
    (lambda z: z["eigenschappen"][3]["waardenverzameling"].append("rond etenstijd graag"),
     "longer than lengte"),
    (lambda z: z["eigenschappen"][2].update(patroon="^(0[1-9]$"), "does not compile"),
    (lambda z: z.update(afdeling=""), "afdeling is required"),
    (lambda z: z.update(identificatie="TERUGBEL"), "file name should be terugbel.json"),
    (lambda z: z["verwerkingsactiviteit"].update(id="terugbel"), "https URI"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_catalogus_semantic_errors_are_reported(tree, change, expected):
    _, catalogus = tree
    edit_json(catalogus / "terugbelnotitie.json", change)
    problems = cs.check_catalogus_semantics(str(catalogus))
    assert any(expected in p for p in problems), problems
