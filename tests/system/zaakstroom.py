"""tests/system/zaakstroom.py — driving zaakstroom from the outside in system tests.

* Wire: our wire format written and read by another Avro implementation
  (fastavro: datum, canonical form, fingerprint), so
  every system test also checks that the C daemons speak standard
  single-object Avro.
* Stack: per test, a topic prefix of its own (topics created by `zs topics
  create`), a database of its own, and daemons started as subprocesses.
* Kafka helpers over confluent-kafka: produce events, read a topic.
"""

import datetime
import glob
import json
import os
import signal
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import fastavro
from fastavro.schema import fingerprint, to_parsing_canonical_form
from confluent_kafka import Consumer, Producer, TopicPartition

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / os.environ.get("BUILD", "build")
sys.path.insert(0, str(ROOT / "tests" / "tools"))

import check_schemas  # noqa: E402  (the plain JSON → datum converter)

from infra import free_ports, wait_until  # noqa: E402

MARKER = b"\xc3\x01"


class Wire:
    """Single-object Avro encoding with the schemas of schemas/, done by
    fastavro (datum, canonical form and fingerprint)."""

    def __init__(self, schemas_dir=ROOT / "schemas"):
        self.by_name = {}  # record name → (schema json, parsed fastavro schema, fingerprint)
        self.by_fp = {}
        for path in sorted(glob.glob(str(schemas_dir / "*.avsc"))):
            text = Path(path).read_text()
            js = json.loads(text)
            # fastavro gives the 8 fingerprint bytes in wire order (little-endian).
            # (Apache Avro for Python 1.12 does not reduce {"type": "long",
            # "logicalType": ...} to "long" in its canonical form, unlike the
            # specification and the Java implementation, so its fingerprints of
            # schemas with logical types differ; fastavro follows the spec.)
            fp = struct.unpack("<Q", bytes.fromhex(fingerprint(to_parsing_canonical_form(js), "CRC-64-AVRO")))[0]
            parsed = fastavro.parse_schema(js)
            name = js["name"]
            version = int(Path(path).name.split(".v")[1].split(".")[0])
            entry = (js, parsed, fp, version)
            if name not in self.by_name or self.by_name[name][3] < version:
                self.by_name[name] = entry
            self.by_fp[fp] = (name, entry)

    def encode(self, record, plain):
        js, parsed, fp, _ = self.by_name[record]
        datum = check_schemas.plain_to_datum(js, plain)
        import io

        buf = io.BytesIO()
        buf.write(MARKER)
        buf.write(struct.pack("<Q", fp))
        fastavro.schemaless_writer(buf, parsed, datum)
        return buf.getvalue()

    def decode(self, data):
        """(record name, datum) — raises ValueError on anything else."""
        if len(data) < 10 or data[:2] != MARKER:
            raise ValueError("not single-object encoded")
        (fp,) = struct.unpack("<Q", data[2:10])
        if fp not in self.by_fp:
            raise ValueError(f"unknown fingerprint {fp:016x}")
        name, (_, parsed, _, _) = self.by_fp[fp]
        import io

        buf = io.BytesIO(data[10:])
        datum = fastavro.schemaless_reader(buf, parsed)
        if buf.read(1):
            raise ValueError("trailing bytes")
        return name, _plain(datum)


def _plain(v):
    """fastavro's Python values as plain JSON values (dates as strings)."""
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, datetime.datetime):
        return v.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + (
            f"{v.microsecond // 1000:03d}Z"
        )
    if isinstance(v, datetime.date):
        return v.isoformat()
    return v


WIRE = None


def wire():
    global WIRE
    if WIRE is None:
        WIRE = Wire()
    return WIRE


class Message:
    def __init__(self, m):
        self.topic = m.topic()
        self.partition = m.partition()
        self.offset = m.offset()
        self.key = m.key().decode() if m.key() is not None else None
        self.headers = {k: (v.decode(errors="replace") if v is not None else None) for k, v in (m.headers() or [])}
        self.raw = m.value()
        try:
            self.record, self.value = wire().decode(self.raw)
        except Exception as e:  # noqa: BLE001 — anything undecodable is just that
            self.record, self.value, self.error = None, None, str(e)

    def __repr__(self):
        return f"<{self.topic}[{self.partition}]@{self.offset} {self.record} key={self.key}>"


class Daemon:
    """One daemon process under test."""

    def __init__(self, name, env, log_path):
        self.name = name
        self.env = env
        self.log_path = log_path
        self.proc = None
        self.port = None

    def start(self, wait_ready=True):
        binary = BUILD / "bin" / f"zs-{self.name}"
        cmd = [str(binary)]
        if os.environ.get("ZS_VALGRIND") == "1":
            cmd = ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
                   "--errors-for-leak-kinds=definite"] + cmd
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, env=self.env, stdout=self.log, stderr=self.log)
        if wait_ready:
            self.wait_ready()
        return self

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_ready(self, timeout=60):
        def ready():
            if self.proc.poll() is not None:
                raise AssertionError(f"zs-{self.name} exited {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url("/readyz"), timeout=1) as r:
                    return r.status == 200
            except (urllib.error.URLError, ConnectionError):
                return False

        wait_until(ready, timeout, what=f"zs-{self.name} to be ready")

    def stop(self, timeout=30):
        """SIGTERM and wait: the graceful path."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError(f"zs-{self.name} did not stop within {timeout}s")
        return self.proc.returncode if self.proc else None

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def log_tail(self, n=40):
        try:
            return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def log_text(self):
        return Path(self.log_path).read_text(errors="replace")

    def get(self, path, headers=None):
        """(status, parsed JSON body)."""
        req = urllib.request.Request(self.url(path), headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            body = e.read()
            return e.code, json.loads(body) if body else None


_KEYS = {}


def dev_keys(run_dir):
    """ZS_JWT_TRUST, ZS_PSEUDONIEM_SLEUTEL and ZS_KEYS_DIR for development keys
    that deploy/local/keys.sh makes once per run directory (never in the
    checkout): daemons that serve personal data need them, `zs token` mints
    with them."""
    keys_dir = Path(run_dir) / "keys"
    if keys_dir not in _KEYS:
        subprocess.run([str(ROOT / "deploy" / "local" / "keys.sh")], check=True, capture_output=True,
                       env=dict(os.environ, ZS_KEYS_DIR=str(keys_dir)), timeout=120)
        env = {"ZS_KEYS_DIR": str(keys_dir)}
        for line in (keys_dir / "trust.env").read_text().splitlines():
            if line.startswith("export "):
                name, _, value = line[len("export "):].partition("=")
                env[name] = value.strip('"')
        _KEYS[keys_dir] = env
    return _KEYS[keys_dir]


class Stack:
    """The topics, database and daemons of one test."""

    HTTP_PORT_VARS = {"intake": "ZS_INTAKE_HTTP_PORT", "status": "ZS_STATUS_HTTP_PORT",
                      "notificatie": "ZS_NOTIFICATIE_HTTP_PORT", "audit": "ZS_AUDIT_HTTP_PORT",
                      "inzage": "ZS_INZAGE_HTTP_PORT"}

    def __init__(self, infra, db_url, name):
        self.infra = infra
        self.prefix = f"t{uuid.uuid4().hex[:10]}."
        self.env = dict(infra.env)
        self.env.update(ZS_PG_URL=db_url, ZS_TOPIC_PREFIX=self.prefix, ZS_HOME=str(ROOT),
                        ZS_LOG_LEVEL=os.environ.get("ZS_LOG_LEVEL", "info"),
                        ZS_SHUTDOWN_GRACE_S="10")
        self.env.update(dev_keys(infra.run_dir))
        self.db_url = db_url
        self.dir = Path(infra.run_dir) / "tests" / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.daemons = []
        self._producer = None
        self.zs("topics", "create")

    def topic(self, suffix):
        return self.prefix + suffix

    def zs(self, *args, check=True, input=None, timeout=60):
        r = subprocess.run([str(BUILD / "bin" / "zs"), *args], env=self.env, capture_output=True,
                           text=input is None or isinstance(input, str), input=input, timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError(f"zs {' '.join(args)} exited {r.returncode}:\n{r.stdout}{r.stderr}")
        return r

    def daemon(self, name, start=True, **env):
        (port,) = free_ports(1)
        e = dict(self.env, **{k: str(v) for k, v in env.items()})
        e[self.HTTP_PORT_VARS[name]] = str(port)
        d = Daemon(name, e, self.dir / f"{name}.log")
        d.port = port
        self.daemons.append(d)
        if start:
            d.start()
        return d

    def sql(self, query, params=None):
        return self.infra.psql(query, params, url=self.db_url)

    def scalar(self, query, params=None):
        return self.infra.scalar(query, params, url=self.db_url)

    # Kafka

    def producer(self):
        if self._producer is None:
            self._producer = Producer({"bootstrap.servers": self.infra.brokers, "enable.idempotence": True,
                                       "linger.ms": 5, "partitioner": "murmur2_random"})
        return self._producer

    def produce(self, suffix, key, value, record=None, headers=None, flush=True):
        """value: bytes, or plain JSON encoded as record."""
        if record is not None:
            value = wire().encode(record, value)
        hdrs = {"ce_specversion": "1.0", "ce_id": str(uuid.uuid4()), "ce_source": "urn:test",
                "ce_type": f"nl.zaakstroom.{record or 'raw'}", "content-type": "application/avro"}
        hdrs.update(headers or {})
        p = self.producer()
        while True:
            try:
                p.produce(self.topic(suffix), key=key, value=value, headers=list(hdrs.items()))
                break
            except BufferError:
                p.poll(0.1)
        p.poll(0)
        if flush:
            assert p.flush(30) == 0, "producer did not flush"

    def flush(self):
        assert self.producer().flush(60) == 0

    def read(self, suffix, until=None, count=None, timeout=60, records=None):
        """Every message on the topic from the beginning (records: only those
        kinds), until until(msgs) is true or count messages have been read — a
        time-out fails the test. This proves that something came, never that
        nothing else did: for that, read_written after a sentinel."""
        if until is None and count is None:
            raise TypeError("read() needs until or count; to prove that nothing else came, "
                            "send a sentinel and use read_written()")
        c = self._consumer()
        topic = self.topic(suffix)
        md = c.list_topics(topic, timeout=10)
        c.assign([TopicPartition(topic, p, 0) for p in md.topics[topic].partitions])
        msgs = []
        deadline = time.monotonic() + timeout
        try:
            while True:
                m = c.poll(0.2)
                if m is not None and not m.error():
                    msg = Message(m)
                    if records is None or msg.record in records:
                        msgs.append(msg)
                if until is not None and until(msgs):
                    return msgs
                if count is not None and len(msgs) >= count:
                    return msgs
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"timed out reading {topic}: got {len(msgs)} messages: {msgs[:5]}...")
        finally:
            c.close()

    def read_written(self, suffix, schema=None, timeout=60, records=None):
        """Every message written to the topic before this call (records: only
        those kinds): the way to prove that nothing else came.

        With schema, first every event the daemon of that schema committed
        before this call is waited for until Kafka has acknowledged it (its
        relay deletes an outbox row only then); then every partition is read
        to the end offset it has after that. So call it after a sentinel: an
        input sent after the thing under test on the same input partition,
        whose answer has been read. A daemon decides one partition's messages
        in order, so whatever the thing under test made was committed before
        the sentinel's answer, and is in what this returns. After a daemon
        stopped, the stop is the sentinel. Without schema: events the writer
        had acknowledged before the test saw their effect (a raadpleging
        before its HTTP reply)."""
        if schema is not None:
            upto = self.scalar(f"select coalesce(max(id), 0) from {schema}.outbox")
            wait_until(lambda: self.scalar(f"select count(*) from {schema}.outbox where id <= %s",
                                           (upto,)) == 0, timeout, what=f"the {schema} outbox to be relayed")
        c = self._consumer()
        topic = self.topic(suffix)

        def end_offsets():
            # A topic created a moment ago (a test that takes one away and
            # brings it back) answers NOT_LEADER until its partitions have
            # leaders: that is "not yet", not an error.
            md = c.list_topics(topic, timeout=10)
            ends = {}
            for p in md.topics[topic].partitions:
                _, high = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
                if high > 0:
                    ends[p] = high
            return (ends,)

        (ends,) = wait_until(end_offsets, timeout, what=f"the end offsets of {topic}")
        parts = [TopicPartition(topic, p, 0) for p in ends]
        msgs = []
        deadline = time.monotonic() + timeout
        try:
            if not parts:
                return msgs
            c.assign(parts)
            # The position, not the last offset seen, says when a partition is
            # read: it steps over offsets that hold no message.
            while any(tp.offset < ends[tp.partition] for tp in c.position(parts)):
                m = c.poll(0.2)
                if m is not None and not m.error():
                    msg = Message(m)
                    if msg.offset < ends[msg.partition] and (records is None or msg.record in records):
                        msgs.append(msg)
                if time.monotonic() > deadline:
                    raise AssertionError(f"timed out reading {topic} to {ends}: got {len(msgs)} messages")
            return msgs
        finally:
            c.close()

    def _consumer(self):
        return Consumer({"bootstrap.servers": self.infra.brokers, "group.id": f"reader-{uuid.uuid4()}",
                         "enable.auto.commit": False})

    def close(self):
        for d in self.daemons:
            try:
                d.stop()
            except AssertionError:
                pass
        if self._producer is not None:
            self._producer.flush(5)


def load_json(rel):
    return json.loads((ROOT / rel).read_text())


def aanvraag(rel="deploy/demo/aanvragen/subsidie-sanering-verkeerslawaai.json", **overrides):
    """A sample aanvraag with a fresh id and ingediendOp now, plus overrides."""
    doc = load_json(rel)
    doc.setdefault("aanvraagId", str(uuid.uuid4()))
    now = datetime.datetime.now(datetime.timezone.utc)
    doc.setdefault("ingediendOp", now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z")
    doc.update(overrides)
    return doc
