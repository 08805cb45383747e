#!/usr/bin/env python3
"""bench/audit_bench.py — zs-audit: how fast it logs, proves and finds.

    python3 bench/audit_bench.py                  # own PostgreSQL and Kafka
    ZS_BENCH_QUICK=1 python3 bench/audit_bench.py # 1,000,000 entries instead of 10,000,000
    ZS_BENCH_REUSE=1 ...                          # against the running `make up`
    ZS_BENCH_DRAIN_ONLY=1 ...                     # the drain phase only (~1 minute)
    ZS_BENCH_DRAIN=N ...                          # entries drained (default 100,000; quick 20,000)

Figures go to stdout and bench/results/audit-latest.json (the figure shape of
bench/run.py), the raw measurements to bench/results/audit-latest-detail.json.

What it does:
* drain: zs-audit stopped, DRAIN GegevensGeraadpleegd published (bytes encoded
  once, each its own ce_id), then zs-audit started: entries per second from its
  first entry to its last (zs_audit_regels_total, polled every 100 ms), each
  batch of ZS_BATCH_MAX (500) with its signed tree head, its Dataverwerkingen
  and everything through the outbox; the heads it signed; peak RSS (VmHWM);
  the CPU time of zs-audit, of PostgreSQL (postmaster and every backend) and
  of the broker over the same span, per entry, and what the rest of the
  machine used (other users' work: how noisy the run was).
* proofs at scale: the log filled up to TOTAAL entries by bench/audit_bewijs
  (synthetic entries continuing the drained tree, with the subtrees zs-audit
  stores, by COPY), then 1,000 inclusion and 1,000 consistency proofs of random
  entries and sizes, each computed by services/audit/boom.c as the proof API
  does and verified against the root of the whole log.
* lookup per betrokkene: the same load adds TOTAAL Dataverwerkingen of
  PERSONEN persons; zs-audit restarted on the full log; GET
  /api/v1/audit/dataverwerkingen as fg for 200 random persons, one after
  another (each query recorded in the log, with a signed head, before its
  answer), p50/p99; and GET /api/v1/audit/bewijs likewise.
* zs audit verify over the whole log: entries per second.
"""

import json
import os
import random
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / os.environ.get("BUILD", "build")
sys.path.insert(0, str(ROOT / "tests" / "system"))
sys.path.insert(0, str(ROOT / "bench"))

import api_bench  # noqa: E402
from infra import Infra  # noqa: E402
from run import CpuMeter  # noqa: E402
from status_bench import metrics, pct as status_pct  # noqa: E402
from zaakstroom import Stack, wire  # noqa: E402

QUICK = os.environ.get("ZS_BENCH_QUICK") == "1"
DRAIN = int(os.environ.get("ZS_BENCH_DRAIN") or (20_000 if QUICK else 100_000))
DRAIN_ONLY = os.environ.get("ZS_BENCH_DRAIN_ONLY") == "1"
BATCH_MAX = int(os.environ.get("ZS_BATCH_MAX") or 500)  # zs-audit's batch, one signed head each
TOTAAL = 1_000_000 if QUICK else 10_000_000
PERSONEN = 100_000 if QUICK else 1_000_000
VRAGEN = 200


def log(msg):
    print(f"audit-bench: {msg}", flush=True)


def pct(xs, p):
    v = status_pct(xs, p)
    return round(v, 2) if v is not None else None


class Bench(api_bench.Bench):
    """fig() and close() are the API bench's (same attributes)."""

    def __init__(self):  # noqa: super's loads the Track & Trace data
        self.infra = Infra.start(reuse=os.environ.get("ZS_BENCH_REUSE") == "1")
        self.dbname = self.infra.database_name("bench_audit")
        self.db = self.infra.create_database(self.dbname)
        self.stack = Stack(self.infra, self.db, "bench-audit")
        self.figs, self.detail = [], {}
        self.daemon = None

    def rss_peak_mib(self):
        for line in Path(f"/proc/{self.daemon.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
        return None

    def publish(self, n):
        value = wire().encode("GegevensGeraadpleegd", {
            "raadplegingId": str(uuid.uuid4()), "tijdstip": "2026-12-06T03:00:00.000Z",
            "actor": {"type": "medewerker", "identificatie": "k.klant", "rol": "kcc-medewerker"},
            "betrokkene": "ab" * 32, "betrokkeneType": "natuurlijk_persoon", "zaak": str(uuid.uuid4()),
            "zaakIdentificatie": "ZAAK-2026-0000000001", "actie": "zaak.tijdlijn", "doel": "klantcontact",
            "regel": "kcc-samenvatting", "besluit": "permit", "traceId": uuid.uuid4().hex})
        p = self.stack.producer()
        topic = self.stack.topic("raadplegingen")
        for i in range(n):
            hdrs = [("ce_specversion", "1.0"), ("ce_id", str(uuid.uuid4())),
                    ("ce_source", "urn:bench"), ("ce_type", "nl.zaakstroom.gegevens-geraadpleegd"),
                    ("traceparent", f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01")]
            while True:
                try:
                    p.produce(topic, key=f"b{i % 1000}", value=value, headers=hdrs)
                    break
                except BufferError:
                    p.poll(0.05)
            if i % 1000 == 0:
                p.poll(0)
        self.stack.flush()

    def drain(self):
        self.daemon = self.stack.daemon("audit", ZS_LOG_LEVEL="warn", ZS_BATCH_MAX=str(BATCH_MAX))  # migrates, then waits
        self.daemon.stop()
        log(f"publishing {DRAIN:,} raadplegingen")
        self.publish(DRAIN)
        self.daemon.start(wait_ready=False)
        meter = CpuMeter(self.infra)
        samples, first, cpu_first = [], None, None
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            try:
                m = metrics(self.daemon)
            except OSError:
                m = {}
            n = m.get("zs_audit_regels_total", 0)
            t = time.monotonic()
            # rows waiting for Kafka: near 20,000 the projector holds back (back-pressure)
            samples.append((t, n, m.get('zs_outbox_unacked{service="audit"}')))
            if n > 0 and first is None:
                first = (t, n)
                cpu_first = meter.snap(self.daemon.proc)
            if n >= DRAIN:
                break
            time.sleep(0.1)
        cpu = meter.delta(cpu_first, meter.snap(self.daemon.proc))
        cpu["audit"] = cpu.pop("intake")
        last = samples[-1]
        rate = round((last[1] - first[1]) / (last[0] - first[0]), 1)
        unacked = [u for _, _, u in samples if u is not None]
        m = metrics(self.daemon)
        self.detail["drain"] = {"entries": last[1], "seconds": round(last[0] - first[0], 2),
                                "heads": m.get("zs_audit_boomhoofden_total"),
                                "dataverwerkingen": m.get("zs_audit_dataverwerkingen_total"),
                                "batch_max": BATCH_MAX,
                                "cpu_s": cpu, "load_average": os.getloadavg(),
                                "samples": [(round(t - first[0], 2), n, u) for t, n, u in samples]}
        self.fig("audit.drain", rate, "entries/s", (">=", 20000))
        self.fig("audit.drain.heads_per_s", round(m.get("zs_audit_boomhoofden_total", 0) /
                                                  max(last[0] - first[0], 0.001), 1), "heads/s")
        self.fig("audit.drain.peak_rss", self.rss_peak_mib(), "MiB", ("<=", 64))
        entries = max(last[1] - first[1], 1)
        for who in ("audit", "postgresql", "kafka", "bench", "other"):
            self.fig(f"{who}.cpu_us_per_entry_in_drain", round(cpu[who] * 1e6 / entries, 1), "CPU-µs")
        log(f"drain: {rate:,} entries/s; CPU s {cpu}; load {os.getloadavg()};"
            f" outbox unacked max {max(unacked, default=None)}")
        self.daemon.stop()

    def fill(self):
        log(f"filling the log to {TOTAAL:,} entries and as many Dataverwerkingen of {PERSONEN:,} persons")
        t0 = time.time()
        subprocess.run([str(BUILD / "bench" / "audit_bewijs"), "laad", self.db, str(TOTAAL), str(PERSONEN)],
                       check=True, timeout=3600)
        self.detail["fill_s"] = round(time.time() - t0, 1)
        log(f"filled in {self.detail['fill_s']} s")

    def proofs(self):
        r = subprocess.run([str(BUILD / "bench" / "audit_bewijs"), "meet", self.db, "1000"],
                           capture_output=True, text=True, timeout=1200)
        if r.returncode != 0:
            raise RuntimeError(f"audit_bewijs meet: {r.stdout}{r.stderr}")
        out = json.loads(r.stdout)
        self.detail["proofs"] = out
        self.fig("audit.inclusion_proof.p50", out["inclusie_ms"]["p50"], "ms")
        self.fig("audit.inclusion_proof.p99", out["inclusie_ms"]["p99"], "ms", ("<=", 1))
        self.fig("audit.consistency_proof.p99", out["consistentie_ms"]["p99"], "ms")
        self.fig("audit.proofs_failing", out["fouten"], "proofs", ("<=", 0))

    def api(self):
        self.daemon = self.stack.daemon("audit", ZS_LOG_LEVEL="warn")
        fg = self.stack.zs("token", "medewerker", "--id", "f.gegevens", "--rol", "fg", "--bsn",
                           "999990020").stdout.strip()
        # the loaded persons are pseudonyms of "persoon i": ask by pseudonym's owner is not
        # possible (a BSN is needed), so the lookup asks for real BSNs whose rows are added here
        bsns = api_bench.valid_bsns(VRAGEN)
        key = bytes.fromhex(self.stack.env["ZS_PSEUDONIEM_SLEUTEL"])
        import hashlib
        import hmac
        rows = []
        for b in bsns:
            p = hmac.new(key, b"BSN\x00" + b.encode(), hashlib.sha256).hexdigest()
            rows.append(p)
        self.infra.psql("INSERT INTO audit.dataverwerkingen (pseudoniem, bron_sleutel, naam, tijd, activiteit, doc)"
                        " SELECT p, 'bench-bsn ' || p || ' ' || g, 'zaak-geraadpleegd', now(), 'urn:x',"
                        " '{}'::jsonb FROM unnest(%s::text[]) p, generate_series(1, 10) g", (rows,), url=self.db)

        def get(path, body=None):
            h = {"Authorization": f"Bearer {fg}"}
            if body is not None:
                h["Content-Type"] = "application/json"
            req = urllib.request.Request(self.daemon.url(path), headers=h,
                                         data=None if body is None else json.dumps(body).encode())
            t0 = time.perf_counter()
            with urllib.request.urlopen(req, timeout=30) as r:
                body = json.loads(r.read())
                assert r.status == 200
            return (time.perf_counter() - t0) * 1000, body

        lookup = []
        for b in bsns:
            # the person in the body: a BSN in a URL lands in proxy logs
            ms, body = get("/api/v1/audit/dataverwerkingen/_zoek", {"doel": "toezicht", "bsn": b, "aantal": 100})
            assert len(body["dataverwerkingen"]) == 10, body
            lookup.append(ms)
        self.fig("audit.lookup_betrokkene.api.p50", pct(lookup, 50), "ms")
        self.fig("audit.lookup_betrokkene.api.p99", pct(lookup, 99), "ms")
        # the lookup itself, the statement the API runs, without the recording of the question
        import psycopg
        sql = []
        with psycopg.connect(self.db) as conn:
            for p in rows:
                t0 = time.perf_counter()
                conn.execute("SELECT id, doc::text FROM audit.dataverwerkingen WHERE pseudoniem = %s"
                             " AND id > %s ORDER BY id LIMIT %s", (p, 0, 100), prepare=True).fetchall()
                sql.append((time.perf_counter() - t0) * 1000)
        self.fig("audit.lookup_betrokkene.p50", pct(sql, 50), "ms")
        self.fig("audit.lookup_betrokkene.p99", pct(sql, 99), "ms", ("<=", 10))
        proofs = []
        for _ in range(VRAGEN):
            # real entries (the API returns the entry itself, decoded): the proof is in the whole tree
            ms, body = get(f"/api/v1/audit/bewijs?doel=toezicht&volgnummer={random.randrange(DRAIN)}")
            assert body["boomhoofd"]["boomgrootte"] > TOTAAL
            proofs.append(ms)
        self.fig("audit.api_bewijs.p50", pct(proofs, 50), "ms")
        self.fig("audit.api_bewijs.p99", pct(proofs, 99), "ms")
        self.detail["api_ms"] = {"lookup": lookup, "lookup_sql": sql, "bewijs": proofs}
        self.daemon.stop()

    def verify(self):
        # the synthetic entries carry no signed heads: verify checks each entry's leaf and
        # order throughout and the drained part's heads; its speed is what is measured
        t0 = time.time()
        r = self.stack.zs("audit", "verify", check=False, timeout=3600)
        s = time.time() - t0
        self.detail["verify"] = {"seconds": round(s, 1), "stdout": r.stdout, "stderr": r.stderr}
        self.fig("audit.verify", round(TOTAAL / s, 1), "entries/s")

    def run(self):
        self.drain()
        if DRAIN_ONLY:
            return
        self.fill()
        self.proofs()
        self.api()
        self.verify()


def main():
    api_bench.run_and_write(Bench(), "audit")


if __name__ == "__main__":
    main()
