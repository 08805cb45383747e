#!/usr/bin/env python3
"""bench/notificatie_bench.py — zs-notificatie: event → message received at a
NotifyNL-shaped receiver that answers every request after 50 ms.

    python3 bench/notificatie_bench.py              # own PostgreSQL and Kafka, ~3 minutes
    ZS_BENCH_QUICK=1 python3 bench/notificatie_bench.py   # short phases
    ZS_BENCH_REUSE=1 ...                            # against the running `make up`

Figures go to stdout and bench/results/notificatie-latest.json (the figure
shape of bench/run.py), the raw samples to notificatie-latest-detail.json.

What it does:
* the receiver: tests/system/ontvangers.py's NotifyNL (HS256 token checked
  on every request) with a 50 ms pause before each 201, threaded, on
  127.0.0.1; zs-notificatie sends SMS through it (ZS_NOTIFICATIE_IN_FLIGHT
  256: 2,000/s at 50 ms needs 100 in flight), window 0 (each event its own
  message).
* latency: R zaken are registered first (their receipts are not timed),
  then one StatusGezet per zaak (status 3, actie vereist) is produced at
  500/s open loop; each message's latency is its arrival at the receiver
  minus the moment its StatusGezet was handed to the producer, matched by
  the zaak's identificatie in the text. p50/p99 over the phase.
* throughput: the daemon is stopped, N ZaakGeregistreerd are published,
  the daemon is started; messages/s at the receiver from the first to the
  last arrival (so the start-up is not in it).
* peak RSS of zs-notificatie (VmHWM) at the end.
"""

import os
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "system"))
sys.path.insert(0, str(ROOT / "bench"))

import api_bench  # noqa: E402
import audit_bench  # noqa: E402
from figuur import figuur  # noqa: E402
from infra import Infra  # noqa: E402
from ontvangers import NotifyNL  # noqa: E402
from test_status import registratie  # noqa: E402
from zaakstroom import Stack, wire  # noqa: E402

QUICK = os.environ.get("ZS_BENCH_QUICK") == "1"
RATE = 500
LAT_S = 5 if QUICK else 20
DRAIN = 3000 if QUICK else 20000


def log(msg):
    print(f"notificatie-bench: {msg}", flush=True)


def pct(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(p / 100 * len(xs)))] * 1000, 1)


class Bench(api_bench.Bench):
    """close() is the API bench's (same attributes)."""

    def __init__(self):  # noqa: super's loads the Track & Trace data
        self.infra = Infra.start(reuse=os.environ.get("ZS_BENCH_REUSE") == "1")
        self.dbname = self.infra.database_name("bench_notificatie")
        self.db = self.infra.create_database(self.dbname)
        self.stack = Stack(self.infra, self.db, "bench-notificatie")
        self.figs, self.detail = [], {}
        self.daemon = None
        self.notify = NotifyNL(str(uuid.uuid4()), str(uuid.uuid4()))
        self.aankomst = {}  # identificatie -> arrival (monotonic)
        self.lock = threading.Lock()

        def traag(path, headers, body):
            time.sleep(0.05)
            tekst = (body.get("personalisation") or {}).get("bericht", "")
            i = tekst.find("ZAAK-")
            with self.lock:
                self.aankomst.setdefault((path, tekst[i:i + 20], body.get("reference")), time.monotonic())
            return None

        self.notify.script = traag

    rss_peak_mib = audit_bench.Bench.rss_peak_mib

    def zaak(self, n):
        z = registratie("SUBSIDIE", start="2026-03-02", nummer=n)
        z["rollen"] = [{"omschrijvingGeneriek": "initiator",
                        "betrokkene": {"betrokkeneType": "natuurlijk_persoon", "inpBsn": f"{100000000 + n}"},
                        "contactpersoonRol": {"emailadres": None, "telefoonnummer": f"06{n:08d}"}}]
        return z

    def status3(self, z):
        st = z["statustypen"][2]
        return {"zaak": z["uuid"], "identificatie": z["identificatie"], "opdrachtId": None, "actor": None,
                "tijdstip": "2026-03-10T10:00:00.000Z",
                "status": {"volgnummer": 3, "omschrijving": st["omschrijving"], "statustekst": st["statustekst"],
                           "informeren": True, "tonenAanInitiator": True, "isEindstatus": False, "stap": 3,
                           "aantalStappen": 5, "datumStatusGezet": "2026-03-10T10:00:00.000Z"},
                "vorigeVolgnummer": 2, "statustoelichting": None, "terugzettenReden": None,
                "termijnen": {"einddatumGepland": "2026-04-13", "uiterlijkeEinddatumAfdoening": "2026-04-27",
                              "opgeschort": False, "opgeschortSinds": None, "verlengd": False, "opTijd": True}}

    def produce(self, record, doc):
        p = self.stack.producer()
        value = wire().encode(record, doc)
        while True:
            try:
                p.produce(self.stack.topic("zaken"), key=doc.get("zaak") or doc["uuid"], value=value,
                          headers=[("ce_specversion", "1.0"), ("ce_id", str(uuid.uuid4())),
                                   ("ce_source", "urn:bench"), ("ce_type", f"nl.zaakstroom.{record}")])
                return
            except BufferError:
                p.poll(0.05)

    def wacht(self, pred, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if pred():
                    return
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}")

    def run(self):
        self.stack.zs("catalogus", "publish")
        env = dict(ZS_NOTIFICATIE_EMAIL="notifynl", ZS_NOTIFYNL_URL=self.notify.url(),
                   ZS_NOTIFYNL_API_KEY=self.notify.api_key(), ZS_NOTIFYNL_EMAIL_TEMPLATE=str(uuid.uuid4()),
                   ZS_NOTIFYNL_SMS_TEMPLATE=str(uuid.uuid4()), ZS_NOTIFICATIE_VENSTER_S=0,
                   ZS_NOTIFICATIE_IN_FLIGHT=256, ZS_LOG_LEVEL="warn")
        self.daemon = self.stack.daemon("notificatie", **env)

        # Latency: register R zaken (receipts untimed), then StatusGezet at RATE/s.
        n = RATE * LAT_S
        zaken = [self.zaak(i + 1) for i in range(n)]
        log(f"registering {n:,} zaken")
        for z in zaken:
            self.produce("ZaakGeregistreerd", z)
        self.stack.flush()
        self.wacht(lambda: sum(1 for k in self.aankomst if k[0].endswith("/sms")) >= n, 300, "the receipts")
        ontvangst = set(self.aankomst)
        log(f"StatusGezet at {RATE}/s for {LAT_S} s")
        verzonden = {}
        t0 = time.monotonic()
        p = self.stack.producer()
        for i, z in enumerate(zaken):
            due = t0 + i / RATE
            while time.monotonic() < due:
                p.poll(0)
                time.sleep(max(0.0, min(0.002, due - time.monotonic())))
            verzonden[z["identificatie"]] = time.monotonic()
            self.produce("StatusGezet", self.status3(z))
        self.stack.flush()
        self.wacht(lambda: len(self.aankomst) - len(ontvangst) >= n, 300, "the status messages")
        with self.lock:
            nieuw = {k: t for k, t in self.aankomst.items() if k not in ontvangst}
        lat = [t - verzonden[k[1]] for k, t in nieuw.items() if k[1] in verzonden]
        self.detail["latency"] = {"messages": len(lat), "rate": RATE, "seconds": LAT_S,
                                  "p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99), "max_ms": pct(lat, 100)}
        figuur(self.figs, log, f"notificatie.latency.p50@{RATE}/s", pct(lat, 50), "ms")
        figuur(self.figs, log, f"notificatie.latency.p99@{RATE}/s", pct(lat, 99), "ms", ("<=", 200))

        # Throughput: a backlog of receipts, the daemon started on it.
        self.daemon.stop()
        with self.lock:
            self.aankomst.clear()
        log(f"publishing {DRAIN:,} registrations with the daemon stopped")
        for i in range(DRAIN):
            self.produce("ZaakGeregistreerd", self.zaak(100000 + i))
        self.stack.flush()
        self.daemon.start()
        self.wacht(lambda: len(self.aankomst) >= DRAIN, 900, "the backlog")
        with self.lock:
            ts = sorted(self.aankomst.values())
        rate = round((len(ts) - 1) / (ts[-1] - ts[0]), 1)
        self.detail["drain"] = {"messages": len(ts), "seconds": round(ts[-1] - ts[0], 2)}
        figuur(self.figs, log, "notificatie.sustained", rate, "messages/s", (">=", 2000))
        figuur(self.figs, log, "notificatie.peak_rss", self.rss_peak_mib(), "MiB", ("<=", 64))

    def close(self):
        try:
            super().close()
        finally:
            self.notify.stop()


def main():
    api_bench.run_and_write(Bench(), "notificatie")


if __name__ == "__main__":
    main()
