#!/usr/bin/env python3
"""bench/inzage_bench.py — zs-inzage under HTTP load (wrk, authorisation and
recording on) against a register of 1,000,000 persons, of whom the residents
asked for have 50 zaken each.

    python3 bench/inzage_bench.py           # own PostgreSQL and Kafka, ~5 minutes
    ZS_BENCH_QUICK=1 python3 bench/inzage_bench.py   # 50,000 persons, short phases
    ZS_BENCH_REUSE=1 ...                    # against the running `make up`

Figures go to stdout and bench/results/inzage-latest.json (the figure shape of
bench/run.py), the raw wrk runs to bench/results/inzage-latest-detail.json.

What it does:
* data, written by SQL (not through Kafka): R residents asked for (real BSNs,
  pseudonyms with the run's key) with 50 zaken each (two eigenschappen, the
  subsidie's verwerkingsactiviteit), 50 messages and 100 look-ups by
  employees each; filler persons with one zaak each up to 1,000,000 persons;
  then VACUUM ANALYZE.
* the art. 15 report: for each resident asked for, a request through the
  API and its answer by a behandelaar (the report is assembled from the
  register then): the time of that POST, one after another.
* load, each for mijn-gegevens, the report as JSON and as HTML: warm-up, then
  about 200 requests/s (wrk, 4 connections paced by a delay: closed loop, a
  stall delays the following requests instead of being counted), each
  request by another resident with their own token, each decision recorded
  (acks=all) before the reply.
* peak RSS of zs-inzage (VmHWM) at the end.
"""

import hashlib
import hmac
import json
import os
import re
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
from infra import Infra  # noqa: E402
from zaakstroom import Stack, load_json  # noqa: E402

QUICK = os.environ.get("ZS_BENCH_QUICK") == "1"
PERSONEN = 50_000 if QUICK else 1_000_000
GEVRAAGD = 50 if QUICK else 200  # residents asked for, 50 zaken each
ZAKEN_PER = 50
PHASE_S = 8 if QUICK else 20
WARM_S = 3 if QUICK else 5
CONNS, DELAY_MS = 4, 18  # ≈ 200/s when a request takes a couple of milliseconds


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
        self.sql("vacuum analyze")
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

    def wrk(self, kind, seconds, conns, delay_ms=None):
        env = dict(os.environ, API_BENCH_REQUESTS=str(getattr(self, f"f_{kind}")))
        if delay_ms:
            env["API_BENCH_DELAY_MS"] = str(delay_ms)
        r = subprocess.run(["wrk", "-t", "2", "-c", str(conns), "-d", f"{seconds}s", "--timeout", "10s",
                            "-s", str(ROOT / "bench" / "api_wrk.lua"), self.daemon.url("")],
                           env=env, capture_output=True, text=True, timeout=seconds + 60)
        m = re.search(r"^API_BENCH_JSON (.*)$", r.stdout, re.M)
        if not m:
            raise RuntimeError(f"wrk said: {r.stdout}{r.stderr}")
        res = json.loads(m.group(1))
        res["rate"] = round(res["requests"] / (res["duration_us"] / 1e6), 1)
        errors = sum(res["errors"].values())
        if errors:
            raise RuntimeError(f"{kind}: {errors} errors: {res['errors']}")
        return res

    def rss_peak_mib(self):
        for line in Path(f"/proc/{self.daemon.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
        return None

    def fig(self, name, value, unit, target=None):
        figuur(self.figs, log, name, value, unit, target)

    def run(self):
        self.load()
        self.verzoeken()
        runs = self.detail["runs"]
        targets = {"overzicht": 20, "rapport": 200, "rapport_html": 200}
        for kind in ("overzicht", "rapport", "rapport_html"):
            log(f"{kind}: warm-up, ~200/s")
            self.wrk(kind, WARM_S, CONNS)
            runs[f"{kind}@200"] = r = self.wrk(kind, PHASE_S, CONNS, DELAY_MS)
            self.fig(f"inzage.{kind}.rate_at_fixed", r["rate"], "req/s")
            self.fig(f"inzage.{kind}.p50@200", round(r["latency_us"]["p50"] / 1000, 2), "ms")
            self.fig(f"inzage.{kind}.p99@200", round(r["latency_us"]["p99"] / 1000, 2), "ms",
                     ("<=", targets[kind]))
        self.fig("inzage.peak_rss", self.rss_peak_mib(), "MiB", ("<=", 64))
        self.daemon.stop()


def main():
    api_bench.run_and_write(Bench(), "inzage")


if __name__ == "__main__":
    main()
