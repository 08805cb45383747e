#!/usr/bin/env python3
"""bench/api_bench.py — the Track & Trace API under HTTP load from a second
process (wrk), with authorisation on, against a read model of 1,000,000 zaken
and 10,000,000 statuses.

    python3 bench/api_bench.py            # own PostgreSQL and Kafka, ~6 minutes (most of it the load)
    ZS_BENCH_QUICK=1 python3 bench/api_bench.py     # 100,000 zaken, short phases
    ZS_BENCH_REUSE=1 ...                  # against the running `make up` (own database and topics)

Figures go to stdout and bench/results/api-latest.json (the figure shape of
bench/run.py: name, value, unit, target, met, baseline, ratio), the raw runs to
bench/results/api-latest-detail.json.

What it does:
* data: the read model written by SQL (generate_series), not through Kafka:
  N zaken of N/4 residents (SUBSIDIE and TERUGBEL, a third closed), 10
  statuses each, an initiator row each and a gemachtigde on every tenth,
  two eigenschappen each, and opschortingen, verlengingen, besluiten and
  resultaten on some; then VACUUM ANALYZE.
* requests: 2,000 residents, each with their own RS256 token (the development
  key of deploy/local/keys.sh), asking GET /api/v1/zaken, or the timeline of
  one of their zaken; wrk rotates through them (bench/api_wrk.lua).
* phases, for the list and for the timeline: warm-up; a fixed rate of about
  1,000/s (wrk paced with a delay per connection: wrk measures from the
  actual send, so this is closed-loop: a stall delays the following requests
  instead of being counted against them); saturation (64 connections); the
  same with ZS_STATUS_API_THREADS=1 (the single event-loop thread); and as
  baselines in the same run: GET /healthz through the same server and the
  API's two SQL statements through libpq directly (bench/api_pgbaseline.c,
  as many connections as the API has threads).
* every request's raadpleging is produced and acknowledged (acks=all) before
  its reply: the figures include that.
"""

import base64
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

from figuur import figuur  # noqa: E402
from infra import Infra, wait_until  # noqa: E402
from zaakstroom import BUILD, Stack  # noqa: E402

QUICK = os.environ.get("ZS_BENCH_QUICK") == "1"
N_ZAKEN = 100_000 if QUICK else 1_000_000
PER_ZAAK = 10
N_TOKENS = 2000
PHASE_S = 8 if QUICK else 20
WARM_S = 3 if QUICK else 8
RATE_CONNS, RATE_DELAY_MS = 10, 9  # ≈ 1,000/s with a millisecond or so per request
SAT_CONNS = 64


def log(msg):
    print(f"api-bench: {msg}", flush=True)


def valid_bsns(n):
    """n BSNs that pass the elfproef (test data: 100000009 upwards)."""
    out, x = [], 100000000
    while len(out) < n:
        x += 1
        s = f"{x:09d}"
        if (sum(int(s[i]) * (9 - i) for i in range(8)) - int(s[8])) % 11 == 0:
            out.append(s)
    return out


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


class Signer:
    """RS256 resident tokens with the development key, as `zs token inwoner`
    makes them (2,000 processes would take longer than the bench)."""

    def __init__(self, keys_dir):
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding

        self.key = serialization.load_pem_private_key(
            (Path(keys_dir) / "dev-inwoner-rs256.pem").read_bytes(), password=None)
        self.hashes, self.padding = hashes, padding

    def token(self, bsn):
        now = int(time.time())
        head = b64url(json.dumps({"alg": "RS256", "typ": "JWT", "kid": "dev-inwoner-rs256"}).encode())
        body = b64url(json.dumps({"iss": "https://digid-broker.zaakstroom.test", "aud": "zaakstroom",
                                  "sub": f"bench-{bsn}", "iat": now, "nbf": now, "exp": now + 3600,
                                  "bsn": bsn, "loa": "substantieel"}).encode())
        sig = self.key.sign(f"{head}.{body}".encode(), self.padding.PKCS1v15(), self.hashes.SHA256())
        return f"{head}.{body}.{b64url(sig)}"


def cpu_ticks():
    """CPU ticks (user + system) per command name over every process."""
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        out[name] = out.get(name, 0) + int(fields[11]) + int(fields[12])
    return out


class Bench:
    def __init__(self):
        reuse = os.environ.get("ZS_BENCH_REUSE") == "1"
        self.infra = Infra.start(reuse=reuse)
        self.dbname = self.infra.database_name("bench_api")
        self.db = self.infra.create_database(self.dbname)
        self.stack = Stack(self.infra, self.db, "bench-api")
        self.stack.zs("catalogus", "publish")
        self.tmp = Path(tempfile.mkdtemp(prefix="api-bench-"))
        self.figs, self.detail = [], {"runs": {}}
        self.daemon = None

    # -- data

    def load(self):
        # The daemon migrates the schema and stores the catalogus' zaaktypen.
        d = self.stack.daemon("status")
        wait_until(lambda: self.stack.scalar("select count(*) from status.zaaktypen") >= 3, 60,
                   what="the zaaktypen")
        d.stop()
        residents = N_ZAKEN // 4
        log(f"writing {N_ZAKEN} zaken of {residents} residents, {N_ZAKEN * PER_ZAAK} statuses")
        t0 = time.time()
        bsns = valid_bsns(residents)
        import psycopg

        with psycopg.connect(self.db, autocommit=True) as c:
            c.execute("set search_path to status")
            c.execute("set maintenance_work_mem = '256MB'")
            c.execute("create unlogged table bench_bsn (r int primary key, bsn text not null)")
            with c.cursor().copy("copy bench_bsn (r, bsn) from stdin") as cp:
                for i, b in enumerate(bsns):
                    cp.write_row((i, b))
            # Indexes after the rows: the load, not their upkeep, is not what is measured.
            c.execute("drop index statussen_zaak; drop index betrokkenen_zaak; drop index zaken_identificatie;"
                      " alter table eigenschappen drop constraint eigenschappen_pkey")
            # Rows that are consistent by construction: no foreign-key trigger per row.
            c.execute("set session_replication_role = replica")
            c.execute(f"""
                insert into zaken (uuid, identificatie, bronorganisatie, zaaktype, zaaktype_versiedatum,
                    zaaktype_begin_geldigheid, zaaktype_omschrijving, omschrijving, aanvraag_id, kanaal,
                    registratiedatum, startdatum, vertrouwelijkheidaanduiding, tonen_aan_initiator, afdeling,
                    behandelaar, status, status_omschrijving, status_gezet_op, stap, aantal_stappen,
                    einddatum_gepland, uiterlijke_einddatum_afdoening, oorspronkelijke_einddatum_gepland,
                    oorspronkelijke_uiterlijke_einddatum, opgeschort_sinds, verlengd, resultaat, einddatum,
                    archiefnominatie)
                select ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid,
                    'ZAAK-2025-' || lpad(g::text, 10, '0'), '002220647', t.identificatie, t.versiedatum,
                    t.begin_geldigheid, t.doc->>'omschrijving', t.doc->>'onderwerp', null, 'web',
                    d, d, t.doc->>'vertrouwelijkheidaanduiding', true, t.doc->>'afdeling', 'mw-0042',
                    n, 'Status ' || n, d + time '09:00' + make_interval(days => {PER_ZAAK}), n, n,
                    d + 42, d + 56, d + 42, d + 56,
                    case when g % 10 = 3 then d + 5 end, g % 10 = 4,
                    case when g % 3 = 0 then 'Toegekend' end, case when g % 3 = 0 then d + 30 end,
                    case when g % 3 = 0 then 'vernietigen' end
                from generate_series(1, {N_ZAKEN}) g
                cross join lateral (select date '2025-01-01' + (g % 700) as d) dd
                join zaaktypen t on t.identificatie = case when g % 3 = 1 then 'TERUGBELNOTITIE'
                                                          else 'SUBSIDIE-SANERING-VERKEERSLAWAAI' end
                cross join lateral (select jsonb_array_length(t.doc->'statustypen') as aantal) a
                cross join lateral (select 1 + ({PER_ZAAK} - 1) % a.aantal as n) nn
                order by g""")
            c.execute(f"""
                insert into statussen (zaak, volgnummer, omschrijving, statustekst, informeren,
                    tonen_aan_initiator, is_eindstatus, stap, aantal_stappen, gezet_op, vorige_volgnummer,
                    toelichting, opdracht_id, medewerker)
                select z.uuid, v, 'Status ' || v,
                    'Wat deze stap voor u betekent en wat er hierna gebeurt (stap ' || v || ').',
                    true, true, k = {PER_ZAAK} and v = a, v, a, z.startdatum + time '09:00' + make_interval(days => k),
                    case when k > 1 then 1 + (k - 2) % a end,
                    case when k % 4 = 0 then 'Toelichting bij deze stap.' end,
                    case when k > 1 then z.uuid::text || '/' || k end, case when k > 1 then 'mw-0042' end
                from zaken z
                cross join lateral (select case when z.zaaktype = 'TERUGBELNOTITIE' then 3 else 5 end as a) aa
                cross join generate_series(1, {PER_ZAAK}) k
                cross join lateral (select 1 + (k - 1) % aa.a as v) vv
                order by z.volgorde, k""")
            c.execute("""
                insert into betrokkenen (soort, nummer, volgorde, rol, betrokkene_type, zaak)
                select 'bsn', b.bsn, z.volgorde, 'initiator', 'natuurlijk_persoon', z.uuid
                from zaken z join bench_bsn b on b.r = z.volgorde % (select count(*) from bench_bsn)""")
            c.execute("""
                insert into betrokkenen (soort, nummer, volgorde, rol, betrokkene_type, zaak)
                select 'bsn', b.bsn, z.volgorde, 'gemachtigde', 'natuurlijk_persoon', z.uuid
                from zaken z join bench_bsn b on b.r = (z.volgorde * 7 + 1) % (select count(*) from bench_bsn)
                where z.volgorde % 10 = 0""")
            c.execute("""
                insert into eigenschappen (zaak, naam, waarde, doel, grondslag, persoonsgegeven)
                select z.uuid, e.naam, e.waarde, e.doel, 'Algemene subsidieverordening', true
                from zaken z, (values ('postcode', '2511 AB', 'Adres van de woning'),
                                      ('huisnummer', '12', 'Adres van de woning')) e(naam, waarde, doel)""")
            c.execute("""
                insert into opschortingen (zaak, nr, reden, per, opdracht_id, tot, dagen)
                select uuid, 1, 'Wij wachten op uw stukken.', startdatum + 2, uuid::text || '/o',
                    case when opgeschort_sinds is null then startdatum + 5 end,
                    case when opgeschort_sinds is null then 3 end
                from zaken where volgorde % 10 in (3, 5)""")
            c.execute("""
                insert into verlengingen (zaak, reden, duur, dagen, verlengd_op, opdracht_id)
                select uuid, 'Advies nodig.', 'P2W', 14, startdatum + time '10:00', uuid::text || '/v'
                from zaken where verlengd""")
            c.execute("""
                insert into resultaten (zaak, resultaat, omschrijving_generiek, archiefnominatie,
                    archiefactietermijn, toelichting, vastgesteld_op, opdracht_id)
                select uuid, resultaat, resultaat, 'vernietigen', 'P10Y', 'Volledig toegekend.',
                    einddatum + time '10:00', uuid::text || '/r'
                from zaken where resultaat is not null""")
            c.execute("""
                insert into besluiten (uuid, zaak, identificatie, besluittype, datum, ingangsdatum,
                    uiterlijke_reactiedatum, toelichting, genomen_op, opdracht_id)
                select gen_random_uuid(), uuid, 'BESLUIT-' || volgorde, 'Subsidiebeschikking',
                    einddatum - 1, einddatum, einddatum + 41, 'Zie de brief.', einddatum + time '09:00',
                    uuid::text || '/b'
                from zaken where resultaat is not null and zaaktype <> 'TERUGBELNOTITIE'""")
            c.execute("set session_replication_role = default")
            log(f"  rows written in {time.time() - t0:.0f} s; indexes")
            c.execute("create index statussen_zaak on statussen (zaak, id)")
            c.execute("create index betrokkenen_zaak on betrokkenen (zaak, soort, nummer)")
            c.execute("create index zaken_identificatie on zaken (identificatie)")
            c.execute("alter table eigenschappen add primary key (zaak, naam)")
            c.execute("vacuum analyze")
            counts = {t: c.execute(f"select count(*) from {t}").fetchone()[0]
                      for t in ("zaken", "statussen", "betrokkenen", "eigenschappen", "besluiten")}
            # The residents asked for: spread over the whole range, with their zaken.
            step = max(1, residents // N_TOKENS)
            self.residents = []
            for r in range(0, residents, step)[:N_TOKENS]:
                zaken = [row[0] for row in c.execute(
                    "select z.identificatie from betrokkenen b join zaken z on z.uuid = b.zaak"
                    " where b.soort = 'bsn' and b.nummer = %s and b.rol = 'initiator'", (bsns[r],))]
                self.residents.append((bsns[r], zaken))
            c.execute("drop table bench_bsn")
            size = c.execute("select pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
        self.detail["data"] = dict(counts, seconds=round(time.time() - t0), size=size)
        log(f"  {counts} in {time.time() - t0:.0f} s, database {size}")

    def requests(self):
        signer = Signer(self.stack.env["ZS_KEYS_DIR"])
        tokens = {bsn: signer.token(bsn) for bsn, _ in self.residents}
        files = {}
        with open(self.tmp / "lijst.tsv", "w") as f, open(self.tmp / "lijst.params", "w") as p:
            for bsn, _ in self.residents:
                f.write(f"/api/v1/zaken\t{tokens[bsn]}\n")
                p.write(f"{bsn}\n")
        with open(self.tmp / "zaak.tsv", "w") as f, open(self.tmp / "zaak.params", "w") as p:
            for i, (bsn, zaken) in enumerate(self.residents):
                z = zaken[i % len(zaken)]
                f.write(f"/api/v1/zaken/{z}\t{tokens[bsn]}\n")
                p.write(f"{z}\n")
        with open(self.tmp / "healthz.tsv", "w") as f:
            f.write("/healthz\t\n")
        files = {k: self.tmp / f"{k}.tsv" for k in ("lijst", "zaak", "healthz")}
        self.files = files

    # -- load

    def start(self, threads):
        if self.daemon:
            self.daemon.stop()
        # ZS_RAADPLEGING_* and ZS_TOKEN_CACHE from the environment reach the daemon (experiments).
        knobs = {k: v for k, v in os.environ.items() if k.startswith(("ZS_RAADPLEGING_", "ZS_TOKEN_"))}
        # All of wrk's connections come from one address: above the per-address cap
        # (64 by default), which is for clients, not for a load generator.
        self.daemon = self.stack.daemon("status", ZS_STATUS_API_THREADS=str(threads),
                                        ZS_LOG_LEVEL="warn",
                                        ZS_HTTP_MAX_CONNECTIONS_PER_ADDRESS="1024", **knobs)
        # Every request must be a 200 with data: check one of each first.
        for kind in ("lijst", "zaak"):
            path, token = self.files[kind].read_text().splitlines()[0].split("\t")
            req = urllib.request.Request(self.daemon.url(path), headers={"Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(req, timeout=10) as r:
                body = json.loads(r.read())
                assert r.status == 200 and (body.get("results") or body.get("statussen")), body

    def wrk(self, kind, seconds, conns, delay_ms=None, threads=2):
        env = dict(os.environ, API_BENCH_REQUESTS=str(self.files[kind]))
        if delay_ms:
            env["API_BENCH_DELAY_MS"] = str(delay_ms)
        before = cpu_ticks()
        t0 = time.time()
        r = subprocess.run(["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{seconds}s",
                            "--timeout", "10s", "-s", str(ROOT / "bench" / "api_wrk.lua"),
                            self.daemon.url("")], env=env, capture_output=True, text=True,
                           timeout=seconds + 60)
        wall = time.time() - t0
        after = cpu_ticks()
        m = re.search(r"^API_BENCH_JSON (.*)$", r.stdout, re.M)
        if not m:
            raise RuntimeError(f"wrk said:\n{r.stdout}{r.stderr}")
        out = json.loads(m.group(1))
        hz = os.sysconf("SC_CLK_TCK")
        cpu = {k: round((after.get(k, 0) - before.get(k, 0)) / hz / wall, 2) for k in after}
        out["cpu_cores"] = {k: v for k, v in sorted(cpu.items(), key=lambda kv: -kv[1]) if v >= 0.02}
        out["rate"] = round(out["requests"] / (out["duration_us"] / 1e6), 1)
        out["wrk_text"] = r.stdout.split("API_BENCH_JSON")[0].strip().splitlines()
        errors = sum(out["errors"].values())
        if errors:
            log(f"  {errors} errors: {out['errors']}")
        return out

    def at_rate(self, kind, target=1000):
        """About `target` requests/s: wrk paces each connection with a delay, so
        the rate is connections × 1000 / (delay + latency); a short pilot run
        measures the latency and the connections are scaled to reach the target."""
        conns = RATE_CONNS
        pilot = self.wrk(kind, 3, conns, RATE_DELAY_MS)
        conns = max(2, round(conns * target / max(pilot["rate"], 1.0)))
        out = self.wrk(kind, PHASE_S, conns, RATE_DELAY_MS)
        out["connections"] = conns
        return out

    def pg(self, kind, seconds, threads):
        r = subprocess.run([str(BUILD / "bench" / "api_pgbaseline"), "--url", self.db, "--file",
                            str(self.tmp / f"{kind}.params"), "--kind", kind, "--threads", str(threads),
                            "--seconds", str(seconds)], capture_output=True, text=True, timeout=seconds + 60)
        if r.returncode != 0:
            raise RuntimeError(f"api_pgbaseline: {r.stdout}{r.stderr}")
        return json.loads(r.stdout)

    def fig(self, name, value, unit, target=None, baseline=None):
        figuur(self.figs, log, name, value, unit, target, baseline)

    def run(self):
        self.load()
        self.requests()
        api_threads = int(os.environ.get("ZS_STATUS_API_THREADS", "2"))
        self.start(api_threads)
        runs = self.detail["runs"]
        for kind in ("lijst", "zaak"):
            log(f"{kind}: warm-up, ~1,000/s, saturation")
            self.wrk(kind, WARM_S, SAT_CONNS)
            runs[f"{kind}@1000"] = rate = self.at_rate(kind)
            runs[f"{kind}@sat"] = sat = self.wrk(kind, PHASE_S, SAT_CONNS)
            self.fig(f"api.{kind}.rate_at_fixed", rate["rate"], "req/s")
            self.fig(f"api.{kind}.p50@1000", round(rate["latency_us"]["p50"] / 1000, 2), "ms")
            self.fig(f"api.{kind}.p99@1000", round(rate["latency_us"]["p99"] / 1000, 2), "ms", ("<=", 5))
            self.fig(f"api.{kind}.saturation", sat["rate"], "req/s", (">=", 10000))
            self.fig(f"api.{kind}.p50@sat", round(sat["latency_us"]["p50"] / 1000, 2), "ms")
            self.fig(f"api.{kind}.p99@sat", round(sat["latency_us"]["p99"] / 1000, 2), "ms")
        runs["healthz@sat"] = hz = self.wrk("healthz", PHASE_S, SAT_CONNS)
        self.fig("api.healthz.saturation", hz["rate"], "req/s")
        for kind in ("lijst", "zaak"):
            runs[f"pg.{kind}"] = pg = self.pg(kind, PHASE_S, api_threads)
            self.fig(f"pg.{kind}.saturation", round(pg["rate"], 1), "req/s")
            self.fig(f"pg.{kind}.p50", round(pg["latency_ms"]["p50"], 3), "ms")
            sat = runs[f"{kind}@sat"]["rate"]
            self.fig(f"api.{kind}.saturation_vs_pg", sat, "req/s", baseline=(f"pg.{kind}.saturation", pg["rate"]))
            self.fig(f"api.{kind}.saturation_vs_healthz", sat, "req/s",
                     baseline=("api.healthz.saturation", hz["rate"]))
        # The single event-loop thread: the same server with one HTTP thread.
        self.start(1)
        for kind in ("lijst", "zaak"):
            self.wrk(kind, WARM_S, SAT_CONNS)
            runs[f"{kind}@sat.1thread"] = one = self.wrk(kind, PHASE_S, SAT_CONNS)
            self.fig(f"api.{kind}.saturation.1thread", one["rate"], "req/s",
                     baseline=(f"api.{kind}.saturation", runs[f"{kind}@sat"]["rate"]))
        self.daemon.stop()

    def close(self):
        try:
            self.stack.close()
        finally:
            if os.environ.get("ZS_TEST_KEEP") != "1":
                self.infra.drop_database(self.dbname)
            self.infra.stop()


def run_and_write(b, stem):
    """Runs bench b, always cleans up, and writes its figures to
    bench/results/<stem>-latest.json and the raw runs to <stem>-latest-detail.json."""
    try:
        b.run()
    finally:
        b.close()
    head = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True,
                          text=True).stdout.strip()
    out = ROOT / "bench" / "results" / f"{stem}-latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"commit": head, "figures": b.figs}, indent=1) + "\n")
    (out.parent / f"{stem}-latest-detail.json").write_text(json.dumps(b.detail, indent=1) + "\n")
    print(f"{stem}-bench: written {out}", flush=True)


def main():
    run_and_write(Bench(), "api")


if __name__ == "__main__":
    main()
