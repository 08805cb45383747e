#!/usr/bin/env python3
"""bench/status_bench.py — the status daemon measured: opdrachten/s sustained
(backlog drain), publish → StatusGezet latency at fixed open-loop rates, the
deadline watch with 1,000,000 open zaken, and zs-status's peak RSS.

    python3 bench/status_bench.py            # own PostgreSQL and Kafka, ~4 minutes
    ZS_BENCH_QUICK=1 python3 bench/status_bench.py

Figures go to stdout and bench/results/status-latest.json (same figure shape
as bench/run.py: name, value, unit, target, met), the worst latency per
second and the daemon's own counters to status-latest-detail.json. The Kafka
baseline at the same rates is bench/run.py's kafka.latency.* (same machine,
same client). The load generator is Python in this process: on a busy
machine its own lag (status.sender_lag.*) and the machine's load count; look
at /proc/loadavg before believing a latency.

Phases:
* drain: N zaken registered, then 10·N opdrachten (the kill -9 test's script:
  statuses, opschorting, hervatting, verlenging, besluit, resultaat,
  eindstatus, one refusal) published while zs-status is stopped; started, it
  decides them all; the rate is taken from the decision times it stored.
* open loop: opdrachten sent at their intended times (rate R, fixed), each
  StatusGezet matched by its name-based ce_id; latency from the intended send
  time, so a stall anywhere counts.
* termijn: 1,000,000 open zaken and their 4,000,000 watch rows written by SQL;
  the watch's time per tick with nothing due and with one day's rows due.
"""

import json
import os
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "system"))

from confluent_kafka import Consumer, Producer, TopicPartition  # noqa: E402
from figuur import figuur  # noqa: E402
from infra import Infra, wait_until  # noqa: E402
from test_status import registratie, script  # noqa: E402
from zaakstroom import Stack, wire  # noqa: E402

QUICK = os.environ.get("ZS_BENCH_QUICK") == "1"
DRAIN_ZAKEN = 500 if QUICK else 3000
RATES = [1000, 2500]
OPEN_S = 5 if QUICK else 20
WATCH_ZAKEN = 100000 if QUICK else 1000000
NS = uuid.UUID("9b4b7c2e-6f1d-4b5e-9a7c-3d2f1e0a8b6c")  # ZS_UUID_NAMESPACE


def log(msg):
    print(f"status-bench: {msg}", flush=True)


def vm(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def metrics(d):
    out = {}
    with urllib.request.urlopen(d.url("/metrics"), timeout=30) as r:
        for line in r.read().decode().splitlines():
            if line and not line.startswith("#"):
                k, _, v = line.rpartition(" ")
                out[k] = float(v)
    return out


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100.0 * len(xs)))] if xs else None


class Run:
    def __init__(self):
        self.infra = Infra.start()
        self.db = self.infra.create_database("bench_status")
        self.stack = Stack(self.infra, self.db, "bench-status")
        self.stack.zs("catalogus", "publish")
        self.peak_kib = 0
        self.fase = "start"
        self.figs = []
        self.detail = {}
        self.nummer = 0

    def fig(self, name, value, unit, target=None):
        figuur(self.figs, log, name, value, unit, target)

    def daemon(self, **env):
        env.setdefault("ZS_VANDAAG", "2025-01-01")
        return self.stack.daemon("status", **env)

    def bij(self):
        """Whether zs-status has consumed its topics to their end: its own
        facts come back on the zaken topic, and the next phase must not pay
        for this one's."""
        c = Consumer({"bootstrap.servers": self.infra.brokers, "group.id": f"bench-{uuid.uuid4()}"})
        try:
            eind = 0
            for suffix in ("zaken", "zaak-opdrachten"):
                topic = self.stack.topic(suffix)
                for p in c.list_topics(topic, timeout=10).topics[topic].partitions:
                    eind += c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
        finally:
            c.close()
        gelezen = self.stack.scalar("select coalesce(sum(next_offset), 0) from status.consumer_offsets"
                                    " where group_id = 'status'")
        return gelezen >= eind

    def stop(self, d):
        wait_until(self.bij, 300, interval=0.5, what="zs-status to read its topics to the end")
        try:
            kib = vm(d.proc.pid, "VmHWM")
            self.peak_kib = max(self.peak_kib, kib)
            # Each phase runs its own zs-status: its peak says which phase set the figure.
            self.detail.setdefault("peak_rss_mib", []).append([self.fase, round(kib / 1024, 1)])
            log(f"  peak RSS of zs-status in '{self.fase}': {kib / 1024:.1f} MiB")
        except OSError:
            pass
        d.stop()

    def zaken(self, n):
        out = []
        for _ in range(n):
            self.nummer += 1
            out.append(registratie("SUBSIDIE", start="2026-03-02", nummer=self.nummer))
        for zg in out:
            self.stack.produce("zaken", zg["uuid"], zg, record="ZaakGeregistreerd", flush=False)
        self.stack.flush()
        return out

    def registered(self, n):
        wait_until(lambda: self.stack.scalar("select count(*) from status.zaken") >= n, 300,
                   what=f"{n} zaken registered")

    # -- sustained throughput

    def drain(self, n_zaken=DRAIN_ZAKEN, meet=True):
        zaken = self.zaken(n_zaken)
        self.fase = f"registering {n_zaken} zaken"
        d = self.daemon()
        self.registered(self.nummer)
        self.stop(d)
        voor = self.stack.scalar("select count(*) from status.opdrachten")
        scripts = [script(zg["uuid"], i) for i, zg in enumerate(zaken)]
        for k in range(10):
            for s in scripts:
                soort, doc = s[k]
                self.stack.produce("zaak-opdrachten", doc["zaak"], doc, record=soort, flush=False)
        self.stack.flush()
        n = 10 * len(zaken)
        self.fase = f"drain of {n} opdrachten" + ("" if meet else " (warm-up)")
        d = self.daemon()
        wait_until(lambda: self.stack.scalar("select count(*) from status.opdrachten") >= voor + n, 600,
                   what="the backlog to be decided")
        # besloten_op is the start of each batch's transaction: the first
        # batch's opdrachten are left out of the rate, as bench/run.py does.
        first, last, in_first = self.stack.sql(
            "with t as (select besloten_op from status.opdrachten order by besloten_op desc limit %s)"
            " select extract(epoch from min(besloten_op)), extract(epoch from max(besloten_op)),"
            " (select count(*) from t where besloten_op = (select min(besloten_op) from t)) from t", (n,))[0]
        rate = (n - in_first) / max(float(last) - float(first), 1e-3)
        m = metrics(d)
        self.stop(d)
        if not meet:
            log(f"warm-up: {round(rate)} opdrachten/s")
            return
        self.fig("status.drain", round(rate), "opdrachten/s", (">=", 5000))
        self.fig("status.drain.batches", int(m.get('zs_batches_committed_total{service="status"}', 0)), "batches")

    # -- latency at fixed rates

    def open_loop(self, rate):
        n = rate * OPEN_S
        zaken = self.zaken((n + 9) // 10)
        warm = self.zaken(50)
        self.fase = f"open loop {rate}/s"
        d = self.daemon()
        self.registered(self.nummer)
        # A daemon just started pays once for its producer (metadata, the
        # idempotent producer's id) on its first fact: start-up, not latency
        # (bench/run.py does the same before its clock).
        voor = self.stack.scalar("select count(*) from status.opdrachten")
        for i, zg in enumerate(warm):
            soort, doc = script(zg["uuid"], 10_000 + i)[0]
            self.stack.produce("zaak-opdrachten", doc["zaak"], doc, record=soort, flush=False)
        self.stack.flush()
        wait_until(lambda: self.stack.scalar("select count(*) from status.opdrachten") >= voor + len(warm), 60,
                   what="the warm-up opdrachten")
        scripts = [script(zg["uuid"], i) for i, zg in enumerate(zaken)]
        plan = []  # (record, key, bytes, ce_id of its StatusGezet or None)
        for k in range(10):
            for s in scripts:
                soort, doc = s[k]
                # Step 5 of the script is refused: no StatusGezet to wait for.
                gezet = soort == "StatusZetten" and k != 5
                cid = str(uuid.uuid5(NS, f"feit:{doc['opdrachtId']}:0")) if gezet else None
                plan.append((soort, doc["zaak"], wire().encode(soort, doc), cid))
        plan = plan[:n]

        topic = self.stack.topic("zaken")
        c = Consumer({"bootstrap.servers": self.infra.brokers, "group.id": f"bench-{uuid.uuid4()}",
                      "enable.auto.commit": False, "fetch.wait.max.ms": 5})
        md = c.list_topics(topic, timeout=10)
        parts = []
        for p in md.topics[topic].partitions:
            lo, hi = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            parts.append(TopicPartition(topic, p, hi))
        c.assign(parts)
        arrived = {}
        stop = threading.Event()

        def consume():
            while not stop.is_set():
                m = c.poll(0.05)
                if m is None or m.error():
                    continue
                t = time.time()
                for k, v in m.headers() or []:
                    if k == "ce_id":
                        arrived.setdefault(v.decode(), t)

        th = threading.Thread(target=consume, daemon=True)
        th.start()
        time.sleep(1.0)
        prod = Producer({"bootstrap.servers": self.infra.brokers, "enable.idempotence": True, "linger.ms": 1})
        intended = {}
        t0 = time.time() + 0.5
        lag = 0.0
        for i, (soort, key, raw, cid) in enumerate(plan):
            due = t0 + i / rate
            now = time.time()
            if due > now:
                time.sleep(due - now)
            else:
                lag = max(lag, now - due)
            prod.produce(self.stack.topic("zaak-opdrachten"), key=key, value=raw,
                         headers=[("ce_id", str(uuid.uuid4())), ("ce_type", "nl.zaakstroom.x"),
                                  ("content-type", "application/avro")])
            prod.poll(0)
            if cid:
                intended[cid] = due
        prod.flush(30)
        wait_until(lambda: all(c in arrived for c in intended), 120, interval=0.2,
                   what=f"every StatusGezet at {rate}/s")
        stop.set()
        th.join()
        c.close()
        m = metrics(d)
        self.detail[f"daemon@{rate}/s"] = {
            k: v for k, v in m.items()
            if k.startswith(("zs_batches", "zs_event_latency", "zs_events_consumed"))}
        self.peak_kib = max(self.peak_kib, vm(d.proc.pid, "VmHWM"))
        self.stop(d)
        lat = [(arrived[c] - t) * 1000 for c, t in intended.items()]
        per_s = {}
        for c, t in intended.items():
            sec = int(t - t0)
            per_s[sec] = max(per_s.get(sec, 0), (arrived[c] - t) * 1000)
        self.detail[f"worst_per_second@{rate}/s"] = [round(per_s[k], 1) for k in sorted(per_s)]
        log(f"  worst latency per second: {self.detail[f'worst_per_second@{rate}/s']}")
        for p, target in ((50, None), (99, ("<=", 100) if rate == 1000 else None), (99.9, None)):
            self.fig(f"status.latency.p{p}@{rate}/s", round(pct(lat, p), 1), "ms", target)
        self.fig(f"status.latency.max@{rate}/s", round(max(lat), 1), "ms")
        self.fig(f"status.sender_lag.max@{rate}/s", round(lag * 1000, 1), "ms")

    # -- the deadline watch with a million open zaken

    def watch(self):
        n = WATCH_ZAKEN
        log(f"writing {n} open zaken and {4 * n} watch rows")
        t = time.time()
        self.stack.sql(
            "insert into status.zaken (uuid, identificatie, bronorganisatie, zaaktype, zaaktype_versiedatum,"
            " zaaktype_omschrijving, omschrijving, registratiedatum, startdatum, vertrouwelijkheidaanduiding,"
            " tonen_aan_initiator, afdeling, status, status_omschrijving, status_gezet_op, stap, aantal_stappen,"
            " einddatum_gepland, uiterlijke_einddatum_afdoening, oorspronkelijke_einddatum_gepland,"
            " oorspronkelijke_uiterlijke_einddatum)"
            " select gen_random_uuid(), 'ZAAK-2030-' || lpad(g::text, 10, '0'), '002220647',"
            " 'SUBSIDIE-SANERING-VERKEERSLAWAAI', '2026-01-01', 'Subsidie', 'Subsidie', d, d, 'zaakvertrouwelijk',"
            " true, 'Milieu', 1, 'Ontvangen', now(), 1, 5, d + 42, d + 56, d + 42, d + 56"
            " from generate_series(1, %s) g, lateral (select date '2030-01-01' + (g %% 365) as d) s", (n,))
        self.stack.sql(
            "insert into status.termijn_taken (zaak, termijn, fase, deadline, wanneer)"
            " select uuid, t, f, dl, case f when 'nadert' then dl - 5 else dl + 1 end"
            " from status.zaken z, lateral (values ('einddatum_gepland', z.einddatum_gepland),"
            " ('uiterlijke_einddatum_afdoening', z.uiterlijke_einddatum_afdoening)) v(t, dl),"
            " unnest(array['nadert', 'overschreden']) f where z.identificatie like 'ZAAK-2030-%%'")
        self.stack.sql("analyze status.zaken; analyze status.termijn_taken")
        log(f"  written in {time.time() - t:.0f} s")
        # Nothing due: what every minute costs with a million open zaken.
        self.fase = "termijn, nothing due"
        d = self.daemon(ZS_VANDAAG="2029-12-01", ZS_TERMIJN_INTERVAL_S=1)
        wait_until(lambda: metrics(d).get("zs_status_termijn_tick_seconds_count", 0) >= 5, 60,
                   what="five idle ticks")
        m = metrics(d)
        self.stop(d)
        self.fig("status.termijn.idle_tick", round(1000 * m["zs_status_termijn_tick_seconds_sum"]
                                                   / m["zs_status_termijn_tick_seconds_count"], 2), "ms")
        # One day due: the first nadert of the planned date of zaken started on 1 January 2030.
        due = self.stack.scalar("select count(*) from status.termijn_taken where wanneer <= '2030-02-07'")
        self.fase = "termijn, a day due"
        d = self.daemon(ZS_VANDAAG="2030-02-07", ZS_TERMIJN_INTERVAL_S=3600)
        wait_until(lambda: metrics(d).get("zs_status_termijn_tick_seconds_count", 0) >= 1, 120,
                   what="the tick with a day's rows due")
        m = metrics(d)
        self.stop(d)
        self.fig("status.termijn.due_rows", due, "rows")
        self.fig("status.termijn.due_tick", round(1000 * m["zs_status_termijn_tick_seconds_sum"], 1), "ms")
        self.fig("status.termijn.events", int(m.get("zs_status_termijnbewaking_total", 0)), "events")
        self.fig("status.termijn.rows_touched", int(m.get("zs_status_termijn_rijen_total", 0)), "rows")

    def close(self):
        self.stack.close()
        self.infra.stop()


def main():
    r = Run()
    try:
        # The broker's JIT compiles for its first seconds of load: not ours to measure.
        r.drain(300 if QUICK else 1000, meet=False)
        r.drain()
        for rate in RATES:
            r.open_loop(rate)
        r.watch()
        r.fig("status.peak_rss", round(r.peak_kib / 1024, 1), "MiB", ("<=", 64))
    finally:
        r.close()
    out = ROOT / "bench" / "results" / "status-latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(r.figs, indent=1) + "\n")
    (out.parent / "status-latest-detail.json").write_text(json.dumps(r.detail, indent=1) + "\n")
    log(f"written {out}")


if __name__ == "__main__":
    main()
