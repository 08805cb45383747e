#!/usr/bin/env python3
"""Checks the event schemas (schemas/*.avsc) and the catalogus (deploy/catalogus/*.json).

Owns the rules of schemas/README.md that a machine can check, and the plain-JSON → Avro
datum conversion for catalogus files. Every check is a function returning a list of
problems (empty = fine); tests/system/test_schemas.py runs each one as a pytest test.

    python3 tests/tools/check_schemas.py              run every check, exit 1 on a problem
    python3 tests/tools/check_schemas.py --avro-json deploy/catalogus/terugbelnotitie.json
                                                      print the file as Avro JSON
"""
import argparse
import datetime
import glob
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import avro.schema
import fastavro
import fastavro.validation

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCHEMA_DIR = os.path.join(ROOT, "schemas")
CATALOGUS_DIR = os.path.join(ROOT, "deploy", "catalogus")
NAMESPACE = "nl.zaakstroom"
FILE_RE = re.compile(r"^([A-Z][A-Za-z0-9]*)\.v([1-9][0-9]*)\.avsc$")
NAMED = ("record", "enum", "fixed")
PRIMITIVES = ("null", "boolean", "int", "long", "float", "double", "bytes", "string")
# Calendar durations only: the daemons count terms in calendar days (DESIGN.md, Deadlines).
DURATION_RE = re.compile(r"^P(?=[0-9])([0-9]+Y)?([0-9]+M)?([0-9]+W)?([0-9]+D)?$")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
MAX_DURATION_DAYS = 100 * 366


# ------------------------------------------------------------------ loading

def schema_files(schema_dir=SCHEMA_DIR):
    return sorted(glob.glob(os.path.join(schema_dir, "*.avsc")))


def load_json(path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def fullname(node, enclosing):
    name = node["name"]
    if "." in name:
        return name
    ns = node.get("namespace", enclosing)
    return f"{ns}.{name}" if ns else name


def walk_named(node, enclosing, visit):
    """Calls visit(definition, fullname, namespace) for every named type defined in node."""
    if isinstance(node, list):
        for n in node:
            walk_named(n, enclosing, visit)
        return
    if not isinstance(node, dict):
        return
    t = node.get("type")
    if t in NAMED:
        full = fullname(node, enclosing)
        ns = full.rpartition(".")[0]
        visit(node, full, ns)
        for fl in node.get("fields", []):
            walk_named(fl.get("type"), ns, visit)
    elif t == "array":
        walk_named(node.get("items"), enclosing, visit)
    elif t == "map":
        walk_named(node.get("values"), enclosing, visit)
    elif isinstance(t, (dict, list)):
        walk_named(t, enclosing, visit)


def named_types(schema):
    """Full name → definition of every named type a schema file defines."""
    out = {}

    def visit(node, full, _ns):
        out[full] = node

    walk_named(schema, None, visit)
    return out


def resolve(node, names, enclosing=NAMESPACE):
    """A type reference as its definition (named references looked up in names)."""
    if isinstance(node, str) and node not in PRIMITIVES:
        key = node if "." in node else f"{enclosing}.{node}"
        return names[key]
    return node


def expand(node, names, enclosing=NAMESPACE, seen=()):
    """node with every named reference replaced by its definition, for comparing types."""
    if isinstance(node, str):
        if node in PRIMITIVES:
            return node
        key = node if "." in node else f"{enclosing}.{node}"
        if key in seen:
            return key
        return expand(names[key], names, key.rpartition(".")[0], seen)
    if isinstance(node, list):
        return [expand(n, names, enclosing, seen) for n in node]
    out = dict(node)
    t = node.get("type")
    if t in NAMED:
        full = fullname(node, enclosing)
        out["name"], out["namespace"] = full.rpartition(".")[2], full.rpartition(".")[0]
        ns, seen = out["namespace"], seen + (full,)
        if "fields" in node:
            out["fields"] = [dict(fl, type=expand(fl["type"], names, ns, seen))
                             for fl in node["fields"]]
    elif t == "array":
        out["items"] = expand(node["items"], names, enclosing, seen)
    elif t == "map":
        out["values"] = expand(node["values"], names, enclosing, seen)
    elif isinstance(t, (dict, list)):
        out["type"] = expand(t, names, enclosing, seen)
    return out


def latest_versions(schema_dir=SCHEMA_DIR):
    """Record name → path of its newest version."""
    best = {}
    for path in schema_files(schema_dir):
        m = FILE_RE.match(os.path.basename(path))
        if m and (m.group(1) not in best or int(m.group(2)) > best[m.group(1)][0]):
            best[m.group(1)] = (int(m.group(2)), path)
    return {name: path for name, (_, path) in best.items()}


# ------------------------------------------------------------------ schema checks

def check_parse_apache_avro(schema_dir=SCHEMA_DIR):
    """Every .avsc parses with Apache Avro for Python."""
    problems = []
    for path in schema_files(schema_dir):
        try:
            with open(path, encoding="utf-8") as fh:
                avro.schema.parse(fh.read())
        except Exception as e:  # any parse failure is the finding
            problems.append(f"{os.path.basename(path)}: apache avro: {e}")
    return problems


def check_parse_fastavro(schema_dir=SCHEMA_DIR):
    """Every .avsc parses with fastavro."""
    problems = []
    for path in schema_files(schema_dir):
        try:
            fastavro.parse_schema(load_json(path))
        except Exception as e:
            problems.append(f"{os.path.basename(path)}: fastavro: {e}")
    return problems


AVRO_C_PROBE = r"""
#include <avro.h>
#include <stdio.h>
#include <stdlib.h>

/* Loads each schema the way the daemons do; prints one line per failure. */
int
main(int argc, char **argv)
{
	static char buf[1 << 20];
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t n;
		avro_schema_t s;
		avro_value_iface_t *iface;

		if (f == NULL) {
			printf("%s: cannot open\n", argv[i]);
			rc = 1;
			continue;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		if (avro_schema_from_json_length(buf, n, &s)) {
			printf("%s: %s\n", argv[i], avro_strerror());
			rc = 1;
			continue;
		}
		iface = avro_generic_class_from_schema(s);
		if (iface == NULL) {
			printf("%s: %s\n", argv[i], avro_strerror());
			rc = 1;
		} else {
			avro_value_iface_decref(iface);
		}
		avro_schema_decref(s);
	}
	return rc;
}
"""


def avro_c_available():
    return shutil.which("cc") is not None and os.path.exists("/usr/include/avro.h")


def check_parse_avro_c(schema_dir=SCHEMA_DIR):
    """Every .avsc loads with avro-c (the library the daemons use), when it is installed."""
    if not avro_c_available():
        return []
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = os.path.join(tmp, "probe.c"), os.path.join(tmp, "probe")
        with open(src, "w") as fh:
            fh.write(AVRO_C_PROBE)
        cc = subprocess.run(["cc", "-o", exe, src, "-lavro"], capture_output=True, text=True)
        if cc.returncode != 0:
            return [f"avro-c probe does not build: {cc.stderr.strip()}"]
        run = subprocess.run([exe] + schema_files(schema_dir), capture_output=True, text=True)
        return [f"avro-c: {line}" for line in run.stdout.splitlines()] + (
            [f"avro-c probe failed without output (exit {run.returncode})"]
            if run.returncode != 0 and not run.stdout.strip() else [])


def check_file_names(schema_dir=SCHEMA_DIR):
    """<Name>.v<N>.avsc holds record <Name>; versions of a record run 1..N without gaps."""
    problems, versions = [], {}
    for path in schema_files(schema_dir):
        base = os.path.basename(path)
        m = FILE_RE.match(base)
        if not m:
            problems.append(f"{base}: file name is not <Name>.v<N>.avsc")
            continue
        schema = load_json(path)
        if not isinstance(schema, dict) or schema.get("type") != "record":
            problems.append(f"{base}: top level is not a record")
            continue
        if schema.get("name") != m.group(1):
            problems.append(f"{base}: holds record {schema.get('name')!r}, not {m.group(1)!r}")
        versions.setdefault(m.group(1), []).append(int(m.group(2)))
    for name, vs in sorted(versions.items()):
        if sorted(vs) != list(range(1, max(vs) + 1)):
            problems.append(f"{name}: versions {sorted(vs)} do not run from 1 without gaps")
    return problems


def check_namespace(schema_dir=SCHEMA_DIR):
    """Every record and named type lives in namespace nl.zaakstroom."""
    problems = []
    for path in schema_files(schema_dir):
        base = os.path.basename(path)
        schema = load_json(path)
        if isinstance(schema, dict) and schema.get("namespace") != NAMESPACE:
            problems.append(f"{base}: top-level namespace is {schema.get('namespace')!r}")
        for full in named_types(schema):
            if full.rpartition(".")[0] != NAMESPACE:
                problems.append(f"{base}: named type {full} is outside {NAMESPACE}")
    return problems


def each_named_type(schema_dir, visit):
    """Problems visit(file name, definition, full name) finds in every named type of every
    schema file."""
    problems = []
    for path in schema_files(schema_dir):
        base = os.path.basename(path)
        walk_named(load_json(path), None,
                   lambda node, full, _ns: problems.extend(visit(base, node, full)))
    return problems


def check_docs(schema_dir=SCHEMA_DIR):
    """Every record, field, enum and fixed has a non-empty doc."""

    def visit(base, node, full):
        if not str(node.get("doc", "")).strip():
            yield f"{base}: {node['type']} {full} has no doc"
        for fl in node.get("fields", []):
            if not str(fl.get("doc", "")).strip():
                yield f"{base}: field {full}.{fl.get('name')} has no doc"

    return each_named_type(schema_dir, visit)


def check_shared_types(schema_dir=SCHEMA_DIR):
    """A named type is defined identically (docs and defaults included) in the newest version
    of every record that uses it. Older versions are frozen and may hold an older form."""
    problems, first = [], {}
    for name, path in sorted(latest_versions(schema_dir).items()):
        schema = load_json(path)
        names = named_types(schema)
        for full, node in names.items():
            if full == f"{NAMESPACE}.{name}":
                continue
            form = json.dumps(expand(node, names, full.rpartition(".")[0]), sort_keys=True)
            if full not in first:
                first[full] = (os.path.basename(path), form)
            elif first[full][1] != form:
                problems.append(f"{os.path.basename(path)}: {full} differs from its "
                                f"definition in {first[full][0]}")
    return problems


def check_optional_defaults(schema_dir=SCHEMA_DIR):
    """Optional fields are ["null", T] with "default": null."""

    def visit(base, node, full):
        for fl in node.get("fields", []):
            t = fl.get("type")
            if isinstance(t, list) and "null" in t:
                where = f"{base}: field {full}.{fl.get('name')}"
                if t[0] != "null":
                    yield f"{where}: optional type must list \"null\" first"
                if "default" not in fl or fl["default"] is not None:
                    yield f"{where}: optional field needs \"default\": null"

    return each_named_type(schema_dir, visit)


def readme_events(readme=os.path.join(SCHEMA_DIR, "README.md")):
    """Record names in the first column of README.md's event table."""
    names, in_table = set(), False
    with open(readme, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("| record |"):
                in_table = True
                continue
            if in_table:
                if not line.startswith("|"):
                    break
                cell = line.split("|")[1]
                names.update(n.strip() for n in cell.split(",")
                             if re.fullmatch(r"\s*[A-Z][A-Za-z0-9]*\s*", n))
    return names


def check_events_complete(schema_dir=SCHEMA_DIR):
    """Every record in README.md's event table has a version 1, and every schema file is an
    event in that table."""
    listed = readme_events(os.path.join(schema_dir, "README.md"))
    present = {m.group(1) for m in (FILE_RE.match(os.path.basename(p))
                                    for p in schema_files(schema_dir)) if m}
    v1 = {FILE_RE.match(os.path.basename(p)).group(1) for p in schema_files(schema_dir)
          if FILE_RE.match(os.path.basename(p)) and p.endswith(".v1.avsc")}
    problems = [f"{n}: listed in README.md but has no {n}.v1.avsc" for n in sorted(listed - v1)]
    problems += [f"{n}: schema file but not in README.md's event table"
                 for n in sorted(present - listed)]
    if not listed:
        problems.append("README.md: no event table found")
    return problems


# ------------------------------------------------------------------ plain JSON → Avro datum

class ConversionError(ValueError):
    pass


def plain_to_datum(schema, value, names=None, path="", enclosing=NAMESPACE):
    """Converts plain JSON (unions unwrapped, dates "YYYY-MM-DD", instants ISO-8601) into the
    Python datum fastavro writes. Missing fields take their schema default; unknown fields are
    an error, so a typo does not pass silently."""
    if names is None:
        names = named_types(schema)
    node = resolve(schema, names, enclosing)
    where = path or "(top)"
    if isinstance(node, list):
        if value is None:
            if "null" in node:
                return None
            raise ConversionError(f"{where}: null is not allowed")
        errors = []
        for branch in node:
            if branch == "null":
                continue
            try:
                return plain_to_datum(branch, value, names, path, enclosing)
            except ConversionError as e:
                errors.append(str(e))
        raise ConversionError(errors[0] if len(errors) == 1 else
                              f"{where}: fits no branch of the union ({'; '.join(errors)})")
    if isinstance(node, str):
        node = {"type": node}
    t, logical = node["type"], node.get("logicalType")
    if isinstance(t, (dict, list)) or (isinstance(t, str) and t not in PRIMITIVES
                                       and t not in NAMED + ("array", "map")):
        return plain_to_datum(t, value, names, path, enclosing)
    if t == "int" and logical == "date":
        if not isinstance(value, str) or not DATE_RE.match(value):
            raise ConversionError(f"{where}: {value!r} is not a date YYYY-MM-DD")
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as e:
            raise ConversionError(f"{where}: {value!r}: {e}") from None
    if t == "long" and logical == "timestamp-millis":
        if not isinstance(value, str):
            raise ConversionError(f"{where}: {value!r} is not an instant")
        try:
            ts = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as e:
            raise ConversionError(f"{where}: {value!r}: {e}") from None
        if ts.tzinfo is None:
            raise ConversionError(f"{where}: {value!r} has no time zone")
        return ts
    if t == "null":
        if value is not None:
            raise ConversionError(f"{where}: expected null")
        return None
    if t == "boolean":
        if not isinstance(value, bool):
            raise ConversionError(f"{where}: {value!r} is not a boolean")
        return value
    if t in ("int", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConversionError(f"{where}: {value!r} is not an integer")
        return value
    if t in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConversionError(f"{where}: {value!r} is not a number")
        return float(value)
    if t == "string":
        if not isinstance(value, str):
            raise ConversionError(f"{where}: {value!r} is not a string")
        return value
    if t in ("bytes", "fixed"):
        if not isinstance(value, str):
            raise ConversionError(f"{where}: {value!r} is not a string of bytes")
        try:
            raw = value.encode("latin-1")  # Avro JSON's convention: one code point per byte
        except UnicodeEncodeError:
            raise ConversionError(f"{where}: bytes must be code points 0..255") from None
        if t == "fixed" and len(raw) != node["size"]:
            raise ConversionError(f"{where}: {len(raw)} bytes, fixed size is {node['size']}")
        return raw
    if t == "enum":
        if value not in node["symbols"]:
            raise ConversionError(f"{where}: {value!r} is not one of {node['symbols']}")
        return value
    if t == "array":
        if not isinstance(value, list):
            raise ConversionError(f"{where}: expected an array")
        return [plain_to_datum(node["items"], v, names, f"{path}[{i}]", enclosing)
                for i, v in enumerate(value)]
    if t == "map":
        if not isinstance(value, dict):
            raise ConversionError(f"{where}: expected an object")
        return {k: plain_to_datum(node["values"], v, names, f"{path}.{k}", enclosing)
                for k, v in value.items()}
    if t == "record":
        if not isinstance(value, dict):
            raise ConversionError(f"{where}: expected an object")
        ns = fullname(node, enclosing).rpartition(".")[0]
        known = {fl["name"] for fl in node["fields"]}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ConversionError(f"{where}: unknown field(s) {', '.join(unknown)}")
        out = {}
        for fl in node["fields"]:
            sub = f"{path}.{fl['name']}" if path else fl["name"]
            if fl["name"] in value:
                out[fl["name"]] = plain_to_datum(fl["type"], value[fl["name"]], names, sub, ns)
            elif "default" in fl:
                out[fl["name"]] = default_datum(fl["type"], fl["default"], names, ns)
            else:
                raise ConversionError(f"{sub}: required field is missing")
        return out
    raise ConversionError(f"{where}: unsupported type {t!r}")


def default_datum(typ, default, names, enclosing):
    """A field default (Avro JSON, for the first union branch) as a datum."""
    node = resolve(typ, names, enclosing)
    if isinstance(node, list):
        return default_datum(node[0], default, names, enclosing)
    if isinstance(node, dict) and node.get("logicalType") == "date":
        return datetime.date(1970, 1, 1) + datetime.timedelta(days=default)
    return default


def to_avro_json(schema, datum, names=None, enclosing=NAMESPACE):
    """A datum in Avro's JSON encoding (unions wrapped, dates as day numbers)."""
    if names is None:
        names = named_types(schema)
    node = resolve(schema, names, enclosing)
    if isinstance(node, list):
        if datum is None:
            return None
        for branch in node:
            if branch == "null":
                continue
            b = resolve(branch, names, enclosing)
            key = b if isinstance(b, str) else (
                fullname(b, enclosing) if b.get("type") in NAMED else b["type"])
            return {key: to_avro_json(branch, datum, names, enclosing)}
    if isinstance(node, str):
        node = {"type": node}
    t = node["type"]
    if isinstance(t, (dict, list)):
        return to_avro_json(t, datum, names, enclosing)
    if node.get("logicalType") == "date":
        return (datum - datetime.date(1970, 1, 1)).days
    if node.get("logicalType") == "timestamp-millis":
        return int(datum.timestamp() * 1000)
    if t in ("bytes", "fixed"):
        return datum.decode("latin-1")
    if t == "array":
        return [to_avro_json(node["items"], v, names, enclosing) for v in datum]
    if t == "map":
        return {k: to_avro_json(node["values"], v, names, enclosing) for k, v in datum.items()}
    if t == "record":
        ns = fullname(node, enclosing).rpartition(".")[0]
        return {fl["name"]: to_avro_json(fl["type"], datum[fl["name"]], names, ns)
                for fl in node["fields"]}
    return datum


# ------------------------------------------------------------------ catalogus checks

def catalogus_files(catalogus_dir=CATALOGUS_DIR):
    return sorted(glob.glob(os.path.join(catalogus_dir, "*.json")))


def zaaktype_schema(schema_dir=SCHEMA_DIR):
    return load_json(latest_versions(schema_dir)["ZaaktypeGepubliceerd"])


def check_catalogus_avro(catalogus_dir=CATALOGUS_DIR, schema_dir=SCHEMA_DIR):
    """Every catalogus file converts to a ZaaktypeGepubliceerd datum that fastavro validates
    and encodes."""
    schema = zaaktype_schema(schema_dir)
    parsed = fastavro.parse_schema(schema)
    problems = []
    files = catalogus_files(catalogus_dir)
    if not files:
        return [f"{catalogus_dir}: no catalogus files"]
    for path in files:
        base = os.path.basename(path)
        try:
            datum = plain_to_datum(schema, load_json(path))
            fastavro.validation.validate(datum, parsed, raise_errors=True, strict=True)
            buf = io.BytesIO()
            fastavro.schemaless_writer(buf, parsed, datum)
            buf.seek(0)
            if fastavro.schemaless_reader(buf, parsed) != datum:
                problems.append(f"{base}: does not survive an Avro round trip")
        except (ConversionError, ValueError, json.JSONDecodeError) as e:
            problems.append(f"{base}: {e}")
    return problems


def duration_days(text):
    """Approximate length in days of a calendar duration (for comparisons only)."""
    m = DURATION_RE.match(text)
    y, mo, w, d = (int(g[:-1]) if g else 0 for g in m.groups())
    return y * 365 + mo * 30 + w * 7 + d


def _ere_to_python(pattern):
    """POSIX ERE as Python re, for the subset the catalogus uses (no back-references)."""
    for cls, py in (("[:digit:]", "0-9"), ("[:alpha:]", "A-Za-z"), ("[:alnum:]", "A-Za-z0-9"),
                    ("[:upper:]", "A-Z"), ("[:lower:]", "a-z"), ("[:space:]", r"\s")):
        pattern = pattern.replace(cls, py)
    return pattern


def zaaktype_problems(base, z):
    """Semantic problems of one plain-JSON zaaktype."""
    p = []

    def need(cond, msg):
        if not cond:
            p.append(f"{base}: {msg}")

    required = ("identificatie", "versiedatum", "omschrijving", "doel", "aanleiding",
                "onderwerp", "handelingInitiator", "handelingBehandelaar", "doorlooptijd",
                "afdeling", "beginGeldigheid", "verwerkingsactiviteit", "statustypen",
                "resultaattypen", "eigenschappen", "besluittypen")
    for key in required:
        v = z.get(key)
        need(v not in (None, "", []) or key in ("eigenschappen", "besluittypen"),
             f"{key} is required and empty")
    if p:
        return p
    ident = z["identificatie"]
    need(re.fullmatch(r"[A-Z0-9][A-Z0-9_-]{0,49}", ident or "") is not None,
         f"identificatie {ident!r} is not 1..50 of A-Z 0-9 _ -")
    need(base == f"{ident.lower()}.json", f"file name should be {ident.lower()}.json")
    need(len(z["omschrijving"]) <= 80, "omschrijving is longer than 80 characters")

    durations = [("doorlooptijd", z.get("doorlooptijd")), ("servicenorm", z.get("servicenorm")),
                 ("verlengingstermijn", z.get("verlengingstermijn")),
                 ("verwerkingsactiviteit.bewaartermijn",
                  z["verwerkingsactiviteit"].get("bewaartermijn"))]
    durations += [(f"statustypen[{i}].doorlooptijd", s.get("doorlooptijd"))
                  for i, s in enumerate(z["statustypen"])]
    durations += [(f"resultaattypen[{i}].archiefactietermijn", r.get("archiefactietermijn"))
                  for i, r in enumerate(z["resultaattypen"])]
    durations += [(f"besluittypen[{i}].reactietermijn", b.get("reactietermijn"))
                  for i, b in enumerate(z["besluittypen"])]
    bad = False
    for where, v in durations:
        if v is None:
            continue
        if not isinstance(v, str) or not DURATION_RE.match(v) or duration_days(v) == 0 \
                or duration_days(v) > MAX_DURATION_DAYS:
            p.append(f"{base}: {where} {v!r} is not an ISO-8601 duration of years, months, "
                     "weeks and days (e.g. P8W), above zero")
            bad = True
    if not bad:
        if z.get("servicenorm"):
            need(duration_days(z["servicenorm"]) <= duration_days(z["doorlooptijd"]),
                 "servicenorm is longer than doorlooptijd (the promise beyond the legal term)")
        if z.get("verlengingMogelijk"):
            need(bool(z.get("verlengingstermijn")), "verlengingMogelijk needs a "
                 "verlengingstermijn")
        else:
            need(not z.get("verlengingstermijn"), "verlengingstermijn set but "
                 "verlengingMogelijk is false")

    begin, einde = z.get("beginGeldigheid"), z.get("eindeGeldigheid")
    if einde is not None and isinstance(begin, str) and isinstance(einde, str):
        need(einde >= begin, "eindeGeldigheid is before beginGeldigheid")

    va = z["verwerkingsactiviteit"]
    need(re.fullmatch(r"https://[^\s/]+/\S+", va.get("id") or "") is not None,
         "verwerkingsactiviteit.id must be an https URI")
    for key in ("naam", "doel", "grondslag"):
        need(bool((va.get(key) or "").strip()), f"verwerkingsactiviteit.{key} is empty")

    st = z["statustypen"]
    need(len(st) >= 2, "needs at least two statustypen (a start and an eindstatus)")
    vn = [s.get("volgnummer") for s in st]
    need(bool(vn) and vn[0] == 1, "the first statustype must have volgnummer 1")
    need(all(isinstance(a, int) and isinstance(b, int) and a < b for a, b in zip(vn, vn[1:])),
         f"volgnummers {vn} must be unique and ascending")
    need(all(isinstance(v, int) and 1 <= v <= 9999 for v in vn), "volgnummers lie in 1..9999")
    for i, s in enumerate(st):
        for key in ("omschrijving", "statustekst"):
            need(bool((s.get(key) or "").strip()), f"statustypen[{i}].{key} is empty")
        need(len(s.get("omschrijving") or "") <= 80,
             f"statustypen[{i}].omschrijving is longer than 80 characters")
        need(len(s.get("statustekst") or "") <= 1000,
             f"statustypen[{i}].statustekst is longer than 1000 characters")
    if st:
        need(bool(st[-1].get("tonenAanInitiator")) or not z.get("tonenAanInitiator"),
             "the eindstatus of a zaaktype residents see must be shown to them")

    def unique(key, items, label):
        seen = [it.get(key) for it in items]
        dup = sorted({x for x in seen if seen.count(x) > 1})
        need(not dup, f"{label} {key}s are not unique: {dup}")

    unique("omschrijving", st, "statustypen")
    need(len(z["resultaattypen"]) >= 1, "needs at least one resultaattype")
    unique("omschrijving", z["resultaattypen"], "resultaattypen")
    unique("omschrijving", z["besluittypen"], "besluittypen")
    unique("naam", z["eigenschappen"], "eigenschappen")

    for i, e in enumerate(z["eigenschappen"]):
        where = f"eigenschappen[{i}] ({e.get('naam')})"
        need(re.fullmatch(r"[a-z][A-Za-z0-9]{0,19}", e.get("naam") or "") is not None,
             f"{where}: naam must be camelCase, at most 20 characters")
        for key in ("definitie", "doel", "grondslag"):
            need(bool((e.get(key) or "").strip()), f"{where}: {key} is empty")
        lengte = e.get("lengte")
        need(isinstance(lengte, int) and lengte >= 1, f"{where}: lengte must be at least 1")
        rx = None
        if e.get("patroon") is not None:
            pat = e["patroon"]
            need(pat.startswith("^") and pat.endswith("$"),
                 f"{where}: patroon must be anchored with ^ and $")
            try:
                rx = re.compile(_ere_to_python(pat))
            except re.error as err:
                p.append(f"{base}: {where}: patroon does not compile: {err}")
        for w in e.get("waardenverzameling") or []:
            if isinstance(lengte, int):
                need(len(w) <= lengte, f"{where}: value {w!r} is longer than lengte {lengte}")
            if rx is not None:
                need(rx.search(w) is not None, f"{where}: value {w!r} does not match patroon")
    return p


def check_catalogus_semantics(catalogus_dir=CATALOGUS_DIR):
    """Catalogus rules: required fields, volgnummers unique and ascending from 1, at least two
    statustypen, valid durations, unique names, well-formed eigenschappen."""
    problems, idents = [], {}
    for path in catalogus_files(catalogus_dir):
        base = os.path.basename(path)
        try:
            z = load_json(path)
        except json.JSONDecodeError as e:
            problems.append(f"{base}: not JSON: {e}")
            continue
        if not isinstance(z, dict):
            problems.append(f"{base}: top level is not an object")
            continue
        try:
            problems += zaaktype_problems(base, z)
        except (AttributeError, TypeError, KeyError) as e:
            problems.append(f"{base}: malformed ({e!r}); run check_catalogus_avro first")
        idents.setdefault(z.get("identificatie"), []).append(base)
    for ident, files in idents.items():
        if len(files) > 1:
            problems.append(f"identificatie {ident!r} is in more than one file: {files}")
    return problems


CHECKS = [
    check_parse_apache_avro,
    check_parse_fastavro,
    check_parse_avro_c,
    check_file_names,
    check_namespace,
    check_docs,
    check_shared_types,
    check_optional_defaults,
    check_events_complete,
    check_catalogus_avro,
    check_catalogus_semantics,
]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--avro-json", metavar="FILE",
                    help="print a plain-JSON catalogus file as Avro JSON and exit")
    args = ap.parse_args(argv)
    if args.avro_json:
        schema = zaaktype_schema()
        try:
            datum = plain_to_datum(schema, load_json(args.avro_json))
        except ConversionError as e:
            print(f"check_schemas: {e}", file=sys.stderr)
            return 1
        print(json.dumps(to_avro_json(schema, datum), ensure_ascii=False, indent=2))
        return 0
    failed = 0
    for check in CHECKS:
        problems = check()
        status = "ok" if not problems else f"{len(problems)} problem(s)"
        print(f"{check.__name__:32s} {status}")
        for line in problems:
            print(f"  {line}")
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
