#!/usr/bin/env python3
"""bench/inzage_bench.py — zs-inzage under HTTP load (wrk, authorisation and
recording on) against a register of 1,000,000 persons, of whom the residents
asked for have 50 zaken each.

    python3 bench/inzage_bench.py           # own PostgreSQL and Kafka, ~5 minutes
    ZS_BENCH_QUICK=1 python3 bench/inzage_bench.py   # 50,000 persons, short phases
    ZS_BENCH_REUSE=1 ...                    # against the running `make up`

Figures go to stdout and bench/results/inzage-latest.json (the figure shape of
bench/run.py), the raw load runs to bench/results/inzage-latest-detail.json.

What it does:
* data, written by SQL (not through Kafka): R residents asked for (real BSNs,
  pseudonyms with the run's key) with 50 zaken each (two eigenschappen, the
  subsidie's verwerkingsactiviteit), 50 messages and 100 look-ups by
  employees each; filler persons with one zaak each up to 1,000,000 persons;
  the Logboek Dataverwerkingen as zs-inzage keeps it, counted per activity:
  four activities for each resident asked for (their zaaktype's and the
  platform's three), two for each filler; the catalogus published, so the
  zaaktype's activity is named from it; then VACUUM ANALYZE and a CHECKPOINT.
* the art. 15 report: for each resident asked for, a request through the
  API and its answer by a behandelaar (the report is assembled from the
  register then): the time of that POST, one after another.
* load, each for mijn-gegevens, the report as JSON and as HTML: 200
  requests/s open loop (build/bench/httpload: request i is due at i/200 s
  whatever the answers before it did, on up to 64 keep-alive connections;
  latency from the due time, so a stall is counted, not waited out), after
  a warm-up at the same rate; each request by another resident with their
  own token, each decision recorded (acks=all) before the reply. Figures:
  the rate reached (answers per second), p50 and p99.
* headroom: mijn-gegevens at rising open-loop rates until p99 passes 20 ms
  or the rate reached falls behind the rate asked; the highest that held.
* peak RSS of zs-inzage (VmHWM) at the end; the load average of the machine
  before each phase (bench/README.md: it is shared).
"""

import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "system"))
sys.path.insert(0, str(ROOT / "bench"))

import api_bench  # noqa: E402
from figuur import figuur  # noqa: E402
from api_bench import valid_bsns  # noqa: E402
from infra import Infra, wait_until  # noqa: E402
from zaakstroom import Stack, load_json  # noqa: E402

QUICK = os.environ.get("ZS_BENCH_QUICK") == "1"
PERSONEN = 50_000 if QUICK else 1_000_000
GEVRAAGD = 50 if QUICK else 200  # residents asked for, 50 zaken each
ZAKEN_PER = 50
PHASE_S = 8 if QUICK else 20
WARM_S = 3 if QUICK else 5
RATE = 200
HEADROOM = (300, 400, 500, 600, 800, 1000)  # after 200/s, while p99 <= 20 ms
HEADROOM_S = 5 if QUICK else 10


def log(msg):
    print(f"inzage-bench: {msg}", flush=True)


class Bench(api_bench.Bench):
    """close() is the API bench's (same attributes)."""

    def __init__(self):  # noqa: super's loads the Track & Trace data
        self.infra = Infra.start(reuse=os.environ.get("ZS_BENCH_REUSE") == "1")
        self.dbname = self.infra.database_name("bench_inzage")
        self.db = self.infra.create_database(self.dbname)
        self.stack = Stack(self.infra, self.db, "bench-inzage")
        self.tmp = Path(tempfile.mkdtemp(prefix="inzage-bench-"))
        self.figs, self.detail = [], {"runs": {}}
        self.daemon = None

    def sql(self, q, params=None):
        return self.infra.psql(q, params, url=self.db)

    def pseudoniem(self, bsn):
        key = bytes.fromhex(self.stack.env["ZS_PSEUDONIEM_SLEUTEL"])
        return hmac.new(key, b"BSN\x00" + bsn.encode(), hashlib.sha256).hexdigest()

    def load(self):
        self.stack.zs("catalogus", "publish")  # names the zaaktype's verwerkingsactiviteit
        self.daemon = self.stack.daemon("inzage", ZS_LOG_LEVEL="warn")  # migrates
        self.bsns = valid_bsns(GEVRAAGD)
        ps = [self.pseudoniem(b) for b in self.bsns]
        va = json.dumps(load_json("deploy/catalogus/subsidie-sanering-verkeerslawaai.json")["verwerkingsactiviteit"])
        eig = json.dumps([{"naam": "postcode", "waarde": "2511 AB", "doel": "De woning vinden", "grondslag": "Asv",
                           "persoonsgegeven": True},
                          {"naam": "iban", "waarde": "NL91ABNA0417164300", "doel": "Uitbetalen", "grondslag": "Asv",
                           "persoonsgegeven": True}])
        gevraagd_zaken = GEVRAAGD * ZAKEN_PER
        n_zaken = gevraagd_zaken + (PERSONEN - GEVRAAGD)
        t0 = time.time()
        log(f"loading {n_zaken:,} zaken of {PERSONEN:,} persons")
        self.sql("insert into inzage.zaken (uuid, identificatie, zaaktype, zaaktype_omschrijving, omschrijving,"
                 " afdeling, kanaal, startdatum, tonen_aan_initiator, verwerkingsactiviteit, eigenschappen, status,"
                 " status_gezet_op)"
                 " select md5('z' || i)::uuid, 'ZAAK-2026-' || lpad(i::text, 10, '0'),"
                 " 'SUBSIDIE-SANERING-VERKEERSLAWAAI', 'Subsidie sanering verkeerslawaai', 'Subsidie',"
                 " 'Milieu en Geluid', 'web', date '2026-01-01' + (i %% 300), true, %s::jsonb, %s::jsonb,"
                 " 'In behandeling', now() from generate_series(1, %s) i", (va, eig, n_zaken))
        self.sql("insert into inzage.betrokkenheden (betrokkene, zaak, rol, machtiging, betrokkene_type, gegevens)"
                 " select case when i <= %s then (%s::text[])[(i - 1) / %s + 1]"
                 "  else encode(sha256(('f' || i)::bytea), 'hex') end,"
                 " md5('z' || i)::uuid, 'initiator', null, 'natuurlijk_persoon',"
                 " '{\"naam\": \"Inwoner\", \"emailadres\": \"inwoner@example.nl\"}'::jsonb"
                 " from generate_series(1, %s) i", (gevraagd_zaken, ps, ZAKEN_PER, n_zaken))
        self.sql("insert into inzage.berichten (bericht_id, ontvanger, zaak, identificatie, aanleiding, kanaal,"
                 " onderwerp, verstuurd_op)"
                 " select 'b' || i, (%s::text[])[(i - 1) / 50 + 1], md5('z' || i)::uuid,"
                 " 'ZAAK-2026-' || lpad(i::text, 10, '0'), 'status_gewijzigd', 'email', 'Uw zaak is verder',"
                 " now() - (i || ' minutes')::interval from generate_series(1, %s) i", (ps, GEVRAAGD * 50))
        self.sql("insert into inzage.raadplegingen (raadpleging_id, betrokkene, tijdstip, actor_type, actor, rol,"
                 " actie, doel, grondslag, regel, besluit, reden, zaak_identificatie)"
                 " select 'r' || i, (%s::text[])[(i - 1) / 100 + 1], now() - (i || ' minutes')::interval,"
                 " 'medewerker', 'k.klant', 'kcc-medewerker', 'zaak.tijdlijn', 'klantcontact', null,"
                 " 'kcc-samenvatting', 'permit', 'belt over de status', 'ZAAK-2026-0000000001'"
                 " from generate_series(1, %s) i", (ps, GEVRAAGD * 100))
        # The Logboek: per person and activity a count, the first and the last act.
        platform = ["urn:zaakstroom:verwerkingsactiviteit:" + a for a in ("track-en-trace", "notificatie", "inzage")]
        activiteiten = [json.loads(va)["id"]] + platform
        self.sql("insert into inzage.verwerkingen (betrokkene, activiteit, aantal, eerste, laatste)"
                 " select p.ps, a.id, 1 + (p.n + 7 * a.k) %% 40, now() - interval '300 days' + a.k * interval '1 day',"
                 " now() - a.k * interval '1 hour'"
                 " from unnest(%s::text[]) with ordinality p(ps, n)"
                 " cross join unnest(%s::text[]) with ordinality a(id, k)", (ps, activiteiten))
        self.sql("insert into inzage.verwerkingen (betrokkene, activiteit, aantal, eerste, laatste)"
                 " select encode(sha256(('f' || i)::bytea), 'hex'), a.id, 1 + i %% 10,"
                 " now() - interval '200 days', now() - interval '2 days'"
                 " from generate_series(%s + 1, %s) i cross join unnest(%s::text[]) a(id)",
                 (gevraagd_zaken, n_zaken, activiteiten[:2]))
        wait_until(lambda: self.sql("select count(*) from inzage.zaaktypen")[0][0] > 0, 60,
                   what="zs-inzage to have read the catalogus")
        self.sql("vacuum analyze")
        # The load's dirty pages written out now, not by a checkpoint during the measurements
        # (probably what made one stall of 272 ms in the first run with 1,000,000 persons).
        self.sql("checkpoint")
        self.detail["load_s"] = round(time.time() - t0, 1)
        log(f"loaded in {self.detail['load_s']} s")

    def token(self, *args):
        return self.stack.zs("token", *args).stdout.strip()

    def post(self, path, token, body):
        req = urllib.request.Request(self.daemon.url(path), data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())

    def verzoeken(self):
        """A request per resident, answered: the report assembled, timed."""
        beh = self.token("medewerker", "--id", "b.handel", "--rol", "behandelaar", "--bsn", "999998456")
        self.tokens, ids, tijden = [], [], []
        for bsn in self.bsns:
            tok = self.token("inwoner", "--bsn", bsn, "--loa", "substantieel", "--ttl", "3600")
            self.tokens.append(tok)
            st, v = self.post("/api/v1/inzageverzoeken", tok, {"recht": "inzage"})
            assert st == 201, v
            t0 = time.perf_counter()
            st, done = self.post(f"/api/v1/inzageverzoeken/{v['verzoekId']}/afhandeling", beh,
                                 {"uitkomst": "verstrekt"})
            tijden.append((time.perf_counter() - t0) * 1000)
            assert st == 200 and done["status"] == "afgehandeld", done
            ids.append(v["verzoekId"])
        tijden.sort()
        self.detail["afhandeling_ms"] = tijden
        pct = lambda p: round(tijden[min(len(tijden) - 1, int(p * len(tijden)))], 1)  # noqa: E731
        self.fig("inzage.rapport_opstellen.p50", pct(0.5), "ms")
        self.fig("inzage.rapport_opstellen.p99", pct(0.99), "ms", ("<=", 200))
        for kind, fmt in (("overzicht", "/api/v1/mijn-gegevens"), ("rapport", "/api/v1/inzageverzoeken/{}/rapport"),
                          ("rapport_html", "/api/v1/inzageverzoeken/{}/rapport?formaat=html")):
            f = self.tmp / f"{kind}.tsv"
            f.write_text("".join(f"{fmt.format(i)}\t{t}\n" for i, t in zip(ids, self.tokens)))
            setattr(self, f"f_{kind}", f)
        # Each must answer with data: check one of each.
        for kind in ("overzicht", "rapport", "rapport_html"):
            path, tok = getattr(self, f"f_{kind}").read_text().splitlines()[0].split("\t")
            req = urllib.request.Request(self.daemon.url(path), headers={"Authorization": f"Bearer {tok}"})
            with urllib.request.urlopen(req, timeout=10) as r:
                body = r.read()
                assert r.status == 200 and len(body) > 10_000, (kind, len(body))
                self.detail[f"{kind}_bytes"] = len(body)

    def last(self, kind, rate, seconds, warmup):
        """An open-loop run of httpload: its JSON, with the load average before it."""
        load1 = float(Path("/proc/loadavg").read_text().split()[0])
        r = subprocess.run([str(ROOT / "build" / "bench" / "httpload"), "--url", self.daemon.url(""),
                            "--requests", str(getattr(self, f"f_{kind}")), "--rate", str(rate),
                            "--duration", str(seconds), "--warmup", str(warmup), "--connections", "64",
                            "--timeout", "10"], capture_output=True, text=True, timeout=seconds + warmup + 60)
        if r.returncode != 0:
            raise RuntimeError(f"httpload exited {r.returncode}: {r.stderr}")
        res = json.loads(r.stdout)
        res["loadavg_1m_before"] = load1
        errors = sum(res["errors"].values())
        if errors:
            raise RuntimeError(f"{kind}: {errors} requests without a 200: {res['errors']}")
        return res

    def rss_peak_mib(self):
        for line in Path(f"/proc/{self.daemon.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
        return None

    def fig(self, name, value, unit, target=None):
        figuur(self.figs, log, name, value, unit, target)

    def logboek_getoond(self):
        """What is measured includes the Logboek: a resident's overview names four activities."""
        st, doc = self.post("/api/v1/mijn-gegevens/_zoek",
                            self.token("inwoner", "--bsn", self.bsns[0], "--loa", "substantieel"), {})
        namen = [v["naam"] for v in doc["verwerkingen"]]
        assert st == 200 and len(namen) == 4 and not any(n.startswith("urn:") for n in namen), namen
        self.detail["overzicht_bytes"] = len(json.dumps(doc, separators=(",", ":")).encode())
        log(f"one overview: {self.detail['overzicht_bytes']:,} bytes, {len(namen)} processing activities")

    def run(self):
        self.load()
        self.logboek_getoond()
        self.verzoeken()
        runs = self.detail["runs"]
        targets = {"overzicht": 20, "rapport": 200, "rapport_html": 200}
        for kind in ("overzicht", "rapport", "rapport_html"):
            log(f"{kind}: {RATE}/s open loop, {WARM_S} s warm-up, {PHASE_S} s measured")
            runs[f"{kind}@{RATE}"] = r = self.last(kind, RATE, PHASE_S, WARM_S)
            log(f"  load average before: {r['loadavg_1m_before']}")
            self.fig(f"inzage.{kind}.rate_reached@{RATE}", round(r["rate"], 1), "req/s", (">=", RATE * 0.99))
            self.fig(f"inzage.{kind}.p50@{RATE}", round(r["latency_ms"]["p50"], 2), "ms")
            self.fig(f"inzage.{kind}.p99@{RATE}", round(r["latency_ms"]["p99"], 2), "ms", ("<=", targets[kind]))
        # Headroom: the overview at rising rates, each warmed up briefly.
        held = RATE if runs[f"overzicht@{RATE}"]["latency_ms"]["p99"] <= 20 else 0
        for rate in HEADROOM if held else ():
            runs[f"overzicht@{rate}"] = r = self.last("overzicht", rate, HEADROOM_S, 2)
            log(f"  overzicht@{rate}: rate {r['rate']:.1f}, p50 {r['latency_ms']['p50']:.2f} ms,"
                f" p99 {r['latency_ms']['p99']:.2f} ms (load average before {r['loadavg_1m_before']})")
            if r["latency_ms"]["p99"] > 20 or r["rate"] < rate * 0.99:
                break
            held = rate
        self.fig("inzage.overzicht.highest_rate_p99_20ms", held, "req/s", (">=", RATE))
        self.fig("inzage.peak_rss", self.rss_peak_mib(), "MiB", ("<=", 64))
        self.daemon.stop()


def main():
    api_bench.run_and_write(Bench(), "inzage")


if __name__ == "__main__":
    main()
