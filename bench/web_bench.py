#!/usr/bin/env python3
"""bench/web_bench.py — the resident's page (web/) measured in a real browser
(Debian's headless Chromium, as tests/system/test_web.py drives it) on an
account with 1,000 zaken, over loopback, from the browser's Performance API:

* web.first_paint: a cold load of the page, navigation start to the first
  contentful paint (the login page; median of 5 loads, cache off);
* web.mijn_zaken: from pressing "Inloggen" to the first page of Mijn zaken
  shown (development token minted, the list of 1,000 read with the policy
  and recorded, the page built; median of 5);
* web.zaak_interactief: from following a zaak's link to its page built and
  focus on its heading (timeline read, decided, recorded, rendered; median
  and worst of 20 zaken);
* web.transfer: every byte the browser received for a whole visit (page,
  styles, scripts, config, login, list, one zaak), compressed as sent.

    python3 bench/web_bench.py             # own PostgreSQL and Kafka, ~1 minute
    ZS_BENCH_QUICK=1 python3 bench/web_bench.py

Figures go to stdout and bench/results/web-latest.json. On a busy machine the
times include whatever else runs; look at /proc/loadavg before believing one.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "system"))
sys.path.insert(0, str(ROOT / "bench"))

from figuur import figuur  # noqa: E402
from infra import Infra, wait_until  # noqa: E402
from test_trackandtrace import zaak_van  # noqa: E402
from test_web import A, Browser, login  # noqa: E402
from zaakstroom import Stack  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

QUICK = os.environ.get("ZS_BENCH_QUICK") == "1"
ZAKEN = 200 if QUICK else 1000
HERHAAL = 3 if QUICK else 5
ZAAK_KEER = 5 if QUICK else 20


def log(msg):
    print(f"web-bench: {msg}", flush=True)


class Figures:
    def __init__(self):
        self.figs = []

    def fig(self, name, value, unit, target=None):
        figuur(self.figs, log, name, value, unit, target)


def mark_tijd(b, start, eind):
    """ms between two performance marks (the last of each name)."""
    return b.d.execute_script(
        "const s = performance.getEntriesByName(arguments[0]).pop(), e = performance.getEntriesByName(arguments[1]).pop();"
        "return s && e ? e.startTime - s.startTime : null;", start, eind)


def main():
    f = Figures()
    infra = Infra.start()
    b = stack = None
    try:
        stack = Stack(infra, infra.create_database("bench_web"), "bench-web")
        stack.zs("catalogus", "publish")
        d = stack.daemon("status", ZS_VANDAAG="2026-03-20", ZS_WEB_DEV_LOGIN="true")
        for i in range(ZAKEN):
            z = zaak_van(A, 10001 + i, soort="TERUGBEL" if i % 2 else "SUBSIDIE")
            stack.produce("zaken", z["uuid"], z, record="ZaakGeregistreerd", flush=False)
        stack.flush()
        wait_until(lambda: stack.scalar("select count(*) from status.zaken") == ZAKEN, 300,
                   what=f"{ZAKEN} zaken")
        base = d.url("")
        b = Browser(artefacts=None)
        b.d.execute_cdp_cmd("Network.enable", {})
        b.d.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})

        fcp, lijst = [], []
        for _ in range(HERHAAL):
            b.d.get(base + "/")
            b.wait(lambda: b.d.find_elements(By.ID, "bsn"))
            fcp.append(b.d.execute_script(
                "const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : null;"))
            b.d.find_element(By.ID, "bsn").send_keys(A)
            b.d.execute_script("performance.mark('login')")
            b.d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
            b.wait(lambda: b.d.execute_script("return performance.getEntriesByName('zaken-getoond').length > 0"))
            lijst.append(mark_tijd(b, "login", "zaken-getoond"))
        f.fig("web.first_paint", round(statistics.median(fcp), 1), "ms")
        f.fig("web.mijn_zaken", round(statistics.median(lijst), 1), "ms")

        # One whole visit's bytes: this load, login, the list, one zaak.
        links = [a.get_attribute("href").rsplit("/", 1)[1] for a in b.d.find_elements(By.CSS_SELECTOR, ".zs-zaak a")]
        zaak = []
        for i in range(ZAAK_KEER):
            ident = links[i % len(links)]
            b.d.execute_script("performance.mark('zaak-start'); location.hash = arguments[0];", f"#/zaak/{ident}")
            b.wait(lambda: b.d.execute_script(
                "return performance.getEntriesByName('zaak-interactief').length > arguments[0]", i))
            zaak.append(mark_tijd(b, "zaak-start", "zaak-interactief"))
            if i == 0:
                transfer = b.d.execute_script(
                    "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
                    ".reduce((n, e) => n + e.transferSize, 0)")
            b.d.execute_script("location.hash = '#/zaken/open'")
            b.wait(lambda: b.d.find_elements(By.CSS_SELECTOR, ".zs-zaken"))
        f.fig("web.zaak_interactief", round(statistics.median(zaak), 1), "ms", ("<=", 300))
        f.fig("web.zaak_interactief.max", round(max(zaak), 1), "ms")
        f.fig("web.transfer", round(transfer / 1024, 1), "KiB", ("<=", 150))
        f.fig("web.zaken_op_account", ZAKEN, "zaken")
    finally:
        if b:
            b.close()
        if stack:
            stack.close()
        infra.stop()
    out = ROOT / "bench" / "results" / "web-latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(f.figs, indent=1) + "\n")
    log(f"written {out} (load: {Path('/proc/loadavg').read_text().strip()})")


if __name__ == "__main__":
    main()
