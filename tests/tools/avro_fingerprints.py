#!/usr/bin/env python3
"""avro_fingerprints.py — expected values for tests/unit/test_avro.c, computed by
implementations other than ours.

Writes two files (run from anywhere; paths are relative to the checkout):

* tests/unit/avro_fingerprints.tsv: for every schemas/*.avsc and
  tests/unit/schemas/{,*/}*.avsc, its Parsing Canonical Form and CRC-64-AVRO
  fingerprint (the 64-bit value, 0x-hex; on the wire it is written little-endian).
* tests/unit/schemas/wire.tsv: single-object encoded messages written by fastavro
  (schemaless_writer after C3 01 + fingerprint) from the documents in
  tests/unit/schemas/wire_docs.json, and what fastavro reads back from them,
  possibly with a newer reader schema (schema resolution with defaults).

Where the values come from. Apache Avro for Python (avro 1.12.2) parses and
validates every schema, and its canonical form is compared with fastavro's
(fastavro.schema.to_parsing_canonical_form). Apache's canonical_form has two
known departures from the specification, which Java's SchemaNormalization and
fastavro do not share: it keeps a primitive with attributes as {"type":"int"}
instead of "int" ([PRIMITIVES]; every logicalType hits this), and it writes a
named type in full again where it is referred to from inside an array, map or
union that follows its definition ([FULLNAMES]). The tool removes exactly those
two departures from Apache's output and requires the result to equal
fastavro's, so that any other disagreement stops it. The fingerprint is
computed by fastavro and by Apache's CRC-64-AVRO routine over the agreed form,
and must agree too.

Usage: python3 tests/tools/avro_fingerprints.py [--check]
  --check  write nothing; exit 1 when a checked-in file is out of date.
"""
import io
import json
import pathlib
import sys

import avro.schema
import fastavro
from fastavro.schema import fingerprint as fa_fingerprint
from fastavro.schema import to_parsing_canonical_form

ROOT = pathlib.Path(__file__).resolve().parents[2]
PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
NAMED = {"record", "enum", "fixed", "error"}


def schema_files():
    files = sorted((ROOT / "schemas").glob("*.avsc"))
    files += sorted((ROOT / "tests/unit/schemas").glob("*.avsc"))
    files += sorted((ROOT / "tests/unit/schemas").glob("*/*.avsc"))
    return files


def undo_apache_departures(node, defined):
    """Apache's PCF (as JSON) with its two known departures from the spec undone."""
    if isinstance(node, list):
        return [undo_apache_departures(b, defined) for b in node]
    if isinstance(node, str):
        return node
    t = node["type"]
    if isinstance(t, str) and t in PRIMITIVES and set(node) == {"type"}:
        return t
    if t in NAMED:
        if node["name"] in defined:
            return node["name"]
        defined.add(node["name"])
        out = dict(node)
        if "fields" in node:
            out["fields"] = [
                {"name": f["name"], "type": undo_apache_departures(f["type"], defined)}
                for f in node["fields"]
            ]
        return out
    out = dict(node)
    for k in ("items", "values"):
        if k in node:
            out[k] = undo_apache_departures(node[k], defined)
    return out


def dumps_pcf(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def canonical(path):
    text = path.read_text(encoding="utf-8")
    apache = avro.schema.parse(text)  # validates; raises on an invalid schema
    fast = to_parsing_canonical_form(json.loads(text))
    fixed = dumps_pcf(undo_apache_departures(json.loads(apache.canonical_form), set()))
    if fixed != fast:
        sys.exit(
            f"{path}: Apache Avro and fastavro disagree beyond the known departures\n"
            f"  apache:   {apache.canonical_form}\n  fastavro: {fast}"
        )
    fp = int.from_bytes(bytes.fromhex(fa_fingerprint(fast, "CRC-64-AVRO")), "little")
    fp_apache = int.from_bytes(avro.schema._crc_64_fingerprint(fast.encode("utf-8")), "little")
    if fp != fp_apache:
        sys.exit(f"{path}: fingerprints disagree: fastavro {fp:016x}, Apache {fp_apache:016x}")
    return fast, fp


def fingerprint_rows():
    out = [
        "# Parsing Canonical Form and CRC-64-AVRO fingerprint of every schema, from Apache Avro",
        "# for Python and fastavro (see tests/tools/avro_fingerprints.py). Regenerate with:",
        "#   python3 tests/tools/avro_fingerprints.py",
        "# path\tcanonical form\tfingerprint (64-bit value; little-endian on the wire)",
    ]
    fps = {}
    for path in schema_files():
        pcf, fp = canonical(path)
        rel = path.relative_to(ROOT).as_posix()
        fps[rel] = (pcf, fp)
        out.append(f"{rel}\t{pcf}\t0x{fp:016x}")
    return "\n".join(out) + "\n", fps


def load_schema(rel):
    return fastavro.parse_schema(json.loads((ROOT / rel).read_text(encoding="utf-8")))


def strict_json(schema, record):
    buf = io.StringIO()
    fastavro.json_writer(buf, schema, [record])
    return json.loads(buf.getvalue())


def wire_rows(fps):
    docs = json.loads((ROOT / "tests/unit/schemas/wire_docs.json").read_text(encoding="utf-8"))
    out = [
        "# Messages written by fastavro (schemaless_writer after C3 01 + fingerprint) and what",
        "# fastavro reads from them with the reader schema. Regenerate with:",
        "#   python3 tests/tools/avro_fingerprints.py",
        "# writer\treader\tdocument (Avro JSON)\tmessage (hex)\tread with reader (Avro JSON)",
    ]
    for case in docs:
        wrel, rrel = case["writer"], case.get("reader", case["writer"])
        wschema, rschema = load_schema(wrel), load_schema(rrel)
        doc = case["doc"]
        record = next(fastavro.json_reader(io.StringIO(json.dumps(doc)), wschema))
        body = io.BytesIO()
        fastavro.schemaless_writer(body, wschema, record)
        msg = b"\xc3\x01" + fps[wrel][1].to_bytes(8, "little") + body.getvalue()
        read = fastavro.schemaless_reader(io.BytesIO(body.getvalue()), wschema, rschema)
        expected = strict_json(rschema, read)
        if wrel == rrel and expected != doc:
            sys.exit(f"{wrel}: fastavro does not read back its own document: {expected}")
        line = "\t".join(
            [wrel, rrel, json.dumps(doc, ensure_ascii=True, separators=(",", ":")), msg.hex(),
             json.dumps(expected, ensure_ascii=True, separators=(",", ":"))]
        )
        out.append(line)
    return "\n".join(out) + "\n"


def main():
    check = "--check" in sys.argv[1:]
    tsv, fps = fingerprint_rows()
    targets = {
        ROOT / "tests/unit/avro_fingerprints.tsv": tsv,
        ROOT / "tests/unit/schemas/wire.tsv": wire_rows(fps),
    }
    stale = []
    for path, text in targets.items():
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old == text:
            continue
        stale.append(path.relative_to(ROOT).as_posix())
        if not check:
            path.write_text(text, encoding="utf-8")
    if check and stale:
        sys.exit("out of date: " + ", ".join(stale) + " (run python3 tests/tools/avro_fingerprints.py)")
    print(f"{len(fps)} schemas; " + ("up to date" if not stale else "wrote " + ", ".join(stale)))


if __name__ == "__main__":
    main()
