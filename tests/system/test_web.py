"""System tests of the resident's page ("Mijn zaken", web/) in a real browser:
Debian's headless Chromium driven by Selenium (no browser is downloaded:
/usr/bin/chromium and /usr/bin/chromedriver are named explicitly), against
the status daemon serving the page next to the Track & Trace API, with the
real Kafka broker and PostgreSQL.

One daemon, one data set and one browser serve the module. Every page is
checked with axe-core (from web/node_modules) for serious and critical
violations, and every request the browser made is read from its performance
log: none may go to another origin. Screenshots of every step go to
build/test-artefacts/web/. The OIDC login (authorization code + PKCE) runs
against a small issuer this module plays on 127.0.0.1."""

import base64
import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.parse
import uuid

import pytest

from infra import free_ports, wait_until
from test_inzage import PLATFORM, TRACK_EN_TRACE, dataverwerking, stuur_verwerking
from test_inzage import pseudoniem as pseudoniem_van
from test_status import geef, script
from test_trackandtrace import zaak_van
from zaakstroom import BUILD, ROOT

pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

A = "999991772"  # the demo resident
B = "999993653"  # another resident
G = "999990019"  # acts for A (a gemachtigde)
K = "999990020"  # a KCC employee's own BSN
VANDAAG = "2026-03-20"  # ZS_VANDAAG: the page's "today" too
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
ARTEFACTS = BUILD / "test-artefacts" / "web"


@pytest.fixture(scope="module")
def site(infra):
    from zaakstroom import Stack

    if not (ROOT / "web" / "dist" / "index.html").exists():
        pytest.fail("web/dist is not built: run make web")
    name = infra.database_name("web")
    url = infra.create_database(name)
    stack = Stack(infra, url, "web")
    try:
        stack.zs("catalogus", "publish")
        # zs-inzage answers the page's "wie heeft mijn gegevens gezien" from
        # another port: the page's origin is allowed there (CORS).
        # So does zs-notificatie for the voorkeuren (no delivery channel here).
        inzage = stack.daemon("inzage", start=False)
        (dicht_poort,) = free_ports(1)  # NotifyNL stand-in: nothing listens, nothing is delivered
        notificatie = stack.daemon("notificatie", start=False, ZS_NOTIFYNL_URL=f"http://127.0.0.1:{dicht_poort}",
                                   ZS_NOTIFYNL_API_KEY=f"zaakstroom_test-{uuid.uuid4()}-{uuid.uuid4()}",
                                   ZS_NOTIFYNL_EMAIL_TEMPLATE=str(uuid.uuid4()),
                                   ZS_NOTIFYNL_SMS_TEMPLATE=str(uuid.uuid4()))
        d = stack.daemon("status", ZS_VANDAAG=VANDAAG, ZS_WEB_DEV_LOGIN="true", ZS_RAADPLEGING_TIMEOUT_MS="1500",
                         ZS_WEB_INZAGE_URL=inzage.url(""), ZS_WEB_NOTIFICATIE_URL=notificatie.url(""))
        for buur in (inzage, notificatie):
            buur.env["ZS_HTTP_CORS_ORIGINS"] = d.url("")
            buur.start()
        zaken = {}
        nr = iter(range(7001, 8000))

        def zet(naam, z):
            stack.produce("zaken", z["uuid"], z, record="ZaakGeregistreerd", flush=False)
            zaken[naam] = z["identificatie"]
            return z["uuid"]

        dicht = zet("a_dicht", zaak_van(A, next(nr)))
        half = zet("a_open", zaak_van(A, next(nr)))
        zet("a_terugbel", zaak_van(A, next(nr), soort="TERUGBEL"))
        zet("b", zaak_van(B, next(nr)))
        stack.flush()
        # One zaak walks to its end (suspension, extension, besluit,
        # resultaat); another stops halfway (suspended and resumed, step 3).
        for soort, o in script(dicht, 0):
            geef(stack, soort, o, flush=False)
        # What zs-notificatie reports having sent about it (not running here).
        stack.produce("berichten", dicht, {
            "berichtId": str(uuid.uuid4()), "zaak": dicht, "identificatie": zaken["a_dicht"], "aanvraagId": None,
            "verzoekId": None, "aanleiding": "zaak_ontvangen", "kanaal": "email", "ontvanger": "0" * 64,
            "onderwerp": "Wij hebben uw aanvraag ontvangen", "verstuurdOp": "2026-03-02T10:00:00.000Z", "pogingen": 1,
            "dedupSleutel": "test"}, record="BerichtVerstuurd", flush=False)
        # What zs-audit's Logboek Dataverwerkingen says was done with A's data (not running here).
        stuur_verwerking(stack, dataverwerking(pseudoniem_van(stack, A), TRACK_EN_TRACE,
                                               "2026-03-03T09:00:00.000Z"), flush=False)
        for soort, o in script(half, 1)[:4]:
            geef(stack, soort, o, flush=False)
        stack.flush()
        wait_until(lambda: stack.scalar("select count(*) from status.zaken") == 4, 60, what="every zaak")
        wait_until(lambda: stack.scalar("select einddatum from status.zaken where uuid = %s", (dicht,)), 60,
                   what="the first zaak to close")
        wait_until(lambda: stack.scalar("select count(*) from status.statussen where zaak = %s", (half,)) == 3,
                   60, what="the second zaak at step 3")
        d.inzage, d.notificatie = inzage, notificatie
        yield stack, d, zaken
    finally:
        stack.close()
        if os.environ.get("ZS_TEST_KEEP") != "1":
            infra.drop_database(name)


class Browser:
    """One headless Chromium: pages, axe, screenshots, the requests it made."""

    def __init__(self, artefacts=ARTEFACTS):
        opts = webdriver.ChromeOptions()
        opts.binary_location = "/usr/bin/chromium"
        for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                  "--window-size=1280,1000", "--lang=nl-NL", "--no-first-run", "--disable-extensions",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-default-apps", "--no-default-browser-check", "--disable-features=Translate,OptimizationHints,MediaRouter"):
            opts.add_argument(a)
        opts.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        os.environ.setdefault("SE_OFFLINE", "true")  # never selenium-manager downloads
        self.d = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=opts)
        self.d.set_page_load_timeout(30)
        self.urls = []
        self.n = 0
        self.artefacts = artefacts
        if artefacts:
            shutil.rmtree(artefacts, ignore_errors=True)
            artefacts.mkdir(parents=True, exist_ok=True)

    def requests(self):
        """The URLs the browser asked for since the last call (all of them
        stay in self.urls)."""
        new = []
        for e in self.d.get_log("performance"):
            m = json.loads(e["message"])["message"]
            if m["method"] == "Network.requestWillBeSent":
                new.append(m["params"]["request"]["url"])
        self.urls += new
        return new

    def shot(self, name):
        """The whole page, not just the window."""
        self.n += 1
        size = self.d.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        png = self.d.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 6000), "scale": 1}})
        (self.artefacts / f"{self.n:02d}-{name}.png").write_bytes(base64.b64decode(png["data"]))

    def axe(self):
        """Serious or critical axe-core violations on the current page."""
        self.d.execute_script(AXE.read_text())
        res = self.d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map("
            "v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))));")
        return [v for v in res if v["impact"] in ("serious", "critical")]

    def wait(self, predicate, timeout=20):
        return WebDriverWait(self.d, timeout, ignored_exceptions=(
            NoSuchElementException, StaleElementReferenceException)).until(lambda d: predicate())

    def text(self):
        return self.d.find_element(By.ID, "inhoud").text

    def h1(self):
        return self.wait(lambda: self.d.find_element(By.CSS_SELECTOR, "#inhoud h1").text)

    def close(self):
        self.d.quit()


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b
    b.close()


def page(browser, base, name, check_axe=True, ook=()):
    """Waits for the page to be built, keeps a screenshot, runs axe; no
    request since the last look went anywhere but base (and ook)."""
    browser.wait(lambda: browser.d.execute_script("return document.documentElement.dataset.klaar === '1'"))
    browser.h1()
    browser.shot(name)
    if check_axe:
        assert browser.axe() == [], name
    assert [u for u in browser.requests() if not u.startswith(tuple(o + "/" for o in (base, *ook)))] == []


def login(browser, base, soort, bsn, machtiging=None, medewerker=None):
    d = browser.d
    d.get(base + "/")
    browser.wait(lambda: d.find_elements(By.ID, "bsn"))
    d.find_element(By.ID, f"soort-{soort}").click()
    d.find_element(By.ID, "bsn").send_keys(bsn)
    if machtiging:
        d.find_element(By.ID, "machtiging").send_keys(machtiging)
    if medewerker:
        d.find_element(By.ID, "medewerker").send_keys(medewerker)
    d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()


def op_zaak(browser, identificatie):
    """Waits for the zaak's own page (the list names the zaaknummer too)."""
    browser.wait(lambda: browser.d.find_elements(By.CSS_SELECTOR, "#inhoud .denhaag-process-steps")
                 and f"Zaaknummer {identificatie}\n" in browser.text() + "\n")


def zaak_links(browser):
    return [a.get_attribute("href").rsplit("/", 1)[1] for a in browser.d.find_elements(By.CSS_SELECTOR, ".zs-zaak a")]


def nieuwste_eerst(stack, *ids):
    rows = stack.sql("select identificatie from status.zaken where identificatie = any(%s) order by volgorde desc",
                     (list(ids),))
    return [r[0] for r in rows]


def test_the_resident_follows_her_zaken_step_by_step(site, browser):
    stack, d, zaken = site
    base = d.url("")
    browser.d.get(base + "/")
    page(browser, base, "login")
    assert browser.d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "nl"
    assert "Ontwikkelomgeving" in browser.text()
    login(browser, base, "inwoner", A)
    browser.wait(lambda: browser.h1() == "Mijn zaken" and zaak_links(browser))
    page(browser, base, "mijn-zaken-lopend")
    # Open zaken, newest first (registration order); the closed one under its own tab.
    assert zaak_links(browser) == nieuwste_eerst(stack, zaken["a_terugbel"], zaken["a_open"])
    browser.d.find_element(By.LINK_TEXT, "Afgeronde zaken").click()
    browser.wait(lambda: zaak_links(browser) == [zaken["a_dicht"]])
    page(browser, base, "mijn-zaken-afgerond")
    assert "Afgerond op" in browser.text()

    # The closed zaak: every step done, the besluit with its bezwaar date, the data used.
    browser.d.find_element(By.CSS_SELECTOR, ".zs-zaak a").click()
    op_zaak(browser, zaken["a_dicht"])
    page(browser, base, "zaak-afgerond")
    t = browser.text()
    assert browser.h1() == "Subsidie sanering verkeerslawaai"
    steps = browser.d.find_elements(By.CSS_SELECTOR, ".denhaag-process-steps__step")
    assert len(steps) == 5 and all("--checked" in s.get_attribute("class") for s in steps)
    assert "Afgerond: alle 5 stappen zijn klaar." in t
    assert re.search(r"bezwaar maken tot en met \d{1,2} [a-z]+ 2026", t), t
    assert "Stilstand en verlenging" in t and "Reden: Wacht op informatie." in t and "Reden: Advies nodig." in t
    assert "Hoe lang wij de gegevens bewaren: 10 jaar." in t
    assert "Welke gegevens wij gebruiken" in t and "Dit mag op grond van" in t
    assert browser.d.find_elements(By.CSS_SELECTOR, "#kop-gegevens ~ div table th[scope=row]")
    assert "2 maart 2026: Wij hebben uw aanvraag ontvangen (per e-mail)" in t

    # The open zaak: step 3 of 5 is the current one, the rest to come, dates in Dutch.
    browser.d.get(f"{base}/#/zaak/{zaken['a_open']}")
    op_zaak(browser, zaken["a_open"])
    page(browser, base, "zaak-lopend")
    t = browser.text()
    assert "Stap 3 van 5" in t
    assert "Wij hebben u over deze zaak nog geen berichten gestuurd." in t
    soorten = [s.get_attribute("class").split("--")[-1] for s in
               browser.d.find_elements(By.CSS_SELECTOR, ".denhaag-process-steps__step")]
    assert soorten == ["checked", "checked", "current", "not-checked", "not-checked"]
    assert browser.d.find_element(By.CSS_SELECTOR, "[aria-current=step]").text.startswith("Nu:") or \
        "Nu:" in browser.d.find_element(By.CSS_SELECTOR, "[aria-current=step]").get_attribute("textContent")
    assert re.search(r"Wij verwachten klaar te zijn op\s+\d{1,2} (april|mei|juni) 2026", t), t
    assert re.search(r"Uiterlijk klaar volgens de wet\s+\d{1,2} (april|mei|juni) 2026", t), t
    assert "Op tijd" in t
    assert "Van 4 maart 2026 tot 4 maart 2026" not in t and "stond uw zaak stil" in t

    # The page keeps no token anywhere but in memory.
    assert browser.d.execute_script("return localStorage.length + sessionStorage.length") == 0
    assert browser.d.get_cookies() == []


def test_another_resident_gets_niet_gevonden_for_her_zaak(site, browser):
    stack, d, zaken = site
    base = d.url("")
    login(browser, base, "inwoner", B)
    browser.wait(lambda: zaak_links(browser) == [zaken["b"]])
    browser.d.get(f"{base}/#/zaak/{zaken['a_dicht']}")
    browser.wait(lambda: browser.h1() == "Zaak niet gevonden")
    page(browser, base, "andere-inwoner-niet-gevonden")
    assert zaken["a_dicht"] not in browser.text()


def test_a_gemachtigde_chooses_whom_she_acts_for(site, browser):
    stack, d, zaken = site
    base = d.url("")
    login(browser, base, "gemachtigde", G, machtiging=A)
    browser.wait(lambda: browser.h1() == "Voor wie wilt u de zaken zien?")
    page(browser, base, "gemachtigde-kiest")
    # For herself: G has no zaken of her own.
    browser.d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    browser.wait(lambda: "Er zijn geen lopende zaken." in browser.text())
    page(browser, base, "gemachtigde-eigen-zaken-leeg")
    # Switch to A.
    browser.d.find_element(By.LINK_TEXT, "Wisselen").click()
    browser.wait(lambda: browser.d.find_elements(By.ID, f"namens-{A}"))
    browser.d.find_element(By.ID, f"namens-{A}").click()
    browser.d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    browser.wait(lambda: browser.h1() == f"Zaken van BSN {A}")
    browser.wait(lambda: zaak_links(browser) == nieuwste_eerst(stack, zaken["a_terugbel"], zaken["a_open"]))
    page(browser, base, "gemachtigde-namens")
    assert f"Namens BSN {A}" in browser.d.find_element(By.ID, "kop-rechts").text
    # What was done with A's data: zs-inzage is asked with A in a POST body, not in a URL.
    browser.requests()
    voor = len(browser.urls)
    browser.d.find_element(By.LINK_TEXT, "Wie heeft mijn gegevens gezien?").click()
    browser.wait(lambda: browser.h1() == "Wie heeft mijn gegevens gezien?" and "Wie uw gegevens krijgt" in browser.text())
    browser.requests()
    assert [u for u in browser.urls[voor:] if "/api/v1/mijn-gegevens/_zoek" in u]
    assert not [u for u in browser.urls[voor:] if "/api/v1/" in u and (A in u or "namens" in u)]


def test_kcc_is_asked_for_the_reason_first_and_sees_no_data_used(site, browser):
    stack, d, zaken = site
    base = d.url("")
    browser.requests()
    voor = len(browser.urls)
    login(browser, base, "kcc", K, medewerker="k.klant")
    browser.wait(lambda: browser.h1() == "Klantcontact: eerst de reden")
    page(browser, base, "kcc-reden")
    assert not [u for u in browser.urls[voor:] if "/api/v1/zaken" in u], "zaken read before the reason"
    # Without a reason: told so, still nothing read.
    browser.d.find_element(By.ID, "inwoner").send_keys(A)
    browser.d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    browser.wait(lambda: "Vul in waarom u de gegevens bekijkt." in browser.text())
    browser.shot("kcc-zonder-reden")
    browser.requests()
    assert not [u for u in browser.urls[voor:] if "/api/v1/zaken" in u]
    browser.d.find_element(By.ID, "reden").send_keys("Inwoner belt over de status")
    browser.d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    browser.wait(lambda: browser.h1() == f"Zaken van BSN {A}")
    browser.wait(lambda: zaak_links(browser))
    page(browser, base, "kcc-zaken")
    browser.requests()
    # The inwoner and the reason travel in a POST body, never in a URL (proxy logs).
    assert [u for u in browser.urls[voor:] if "/api/v1/zaken/_zoek" in u]
    assert not [u for u in browser.urls[voor:]
                if "/api/v1/" in u and (A in u or "reden" in u or "bsn=" in u or "namens" in u)]
    browser.d.get(f"{base}/#/zaak/{zaken['a_open']}")
    browser.wait(lambda: "Stap 3 van 5" in browser.text())
    page(browser, base, "kcc-zaak")
    assert "Welke gegevens wij gebruiken" not in browser.text()
    # The timeline too: the reason went in a header (ZS-Reden), not into its URL.
    browser.requests()
    assert [u for u in browser.urls[voor:] if f"/api/v1/zaken/{zaken['a_open']}" in u]
    assert not [u for u in browser.urls[voor:]
                if "/api/v1/" in u and (A in u or "reden" in u or "bsn=" in u or "namens" in u)]
    # Every raadpleging of the KCC carries the reason.
    msgs = stack.read("raadplegingen", timeout=30, until=lambda ms: any(
        m.value and m.value.get("reden") == "Inwoner belt over de status" and m.value.get("zaak") for m in ms))
    assert any(m.value.get("reden") == "Inwoner belt over de status" for m in msgs if m.value)


def test_the_resident_sees_who_looked_at_her_data_and_why(site, browser):
    """After the KCC looked (the test before): zs-inzage's mijn-gegevens,
    called by the page across origins, names the look and its reason, and
    what her data was used for (the Logboek Dataverwerkingen)."""
    stack, d, zaken = site
    base, inzage = d.url(""), d.inzage.url("")
    login(browser, base, "inwoner", A)
    browser.wait(lambda: browser.h1() == "Mijn zaken" and zaak_links(browser))

    def kcc_te_zien():
        browser.d.get(f"{base}/#/zaken/open")
        browser.d.find_element(By.LINK_TEXT, "Wie heeft mijn gegevens gezien?").click()
        browser.wait(lambda: browser.h1() == "Wie heeft mijn gegevens gezien?")
        return "Inwoner belt over de status" in browser.text() and \
            browser.d.find_elements(By.CSS_SELECTOR, "#kop-verwerkingen ~ div tbody tr")

    wait_until(kcc_te_zien, 60, interval=1, what="the KCC's look and the Logboek in mijn-gegevens")
    page(browser, base, "wie-heeft-gekeken", ook=(inzage,))
    rij = [r.text for r in browser.d.find_elements(By.CSS_SELECTOR, "#kop-gezien ~ div tbody tr")
           if "Inwoner belt over de status" in r.text][0]
    assert "kcc-medewerker" in rij and re.search(r"\d{1,2} [a-z]+ 20\d\d", rij), rij
    (verwerkt,) = [r.text for r in browser.d.find_elements(By.CSS_SELECTOR, "#kop-verwerkingen ~ div tbody tr")]
    assert PLATFORM[TRACK_EN_TRACE]["naam"] in verwerkt and "3 maart 2026" in verwerkt, verwerkt
    # CORS only for the page's own origin: another site's page gets no answer it may read.
    st, kop = options(inzage + "/api/v1/mijn-gegevens", "https://evil.example")
    assert "access-control-allow-origin" not in kop
    st, kop = options(inzage + "/api/v1/mijn-gegevens", base)
    assert st == 204 and kop["access-control-allow-origin"] == base
    assert "Authorization" in kop["access-control-allow-headers"]


def test_the_resident_chooses_how_she_hears_about_her_zaken(site, browser):
    stack, d, zaken = site
    base, notificatie = d.url(""), d.notificatie.url("")
    login(browser, base, "inwoner", B)
    browser.wait(lambda: browser.h1() == "Mijn zaken" and zaak_links(browser))
    browser.d.find_element(By.LINK_TEXT, "Hoe wilt u berichten krijgen?").click()
    browser.wait(lambda: browser.d.find_elements(By.ID, "emailadres"))
    page(browser, base, "voorkeuren", ook=(notificatie,))
    # A wrong address is told in Dutch, naming the field; nothing is stored.
    browser.d.find_element(By.ID, "emailadres").send_keys("geen-adres")
    browser.d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    browser.wait(lambda: "Controleer wat u invulde" in browser.text())
    browser.shot("voorkeuren-fout")
    browser.d.find_element(By.ID, "emailadres").clear()
    browser.d.find_element(By.ID, "emailadres").send_keys("b.bakker@example.nl")
    browser.d.find_element(By.ID, "telefoonnummer").send_keys("06 1234 5678")
    browser.d.find_element(By.ID, "updates-nee").click()
    browser.d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    browser.wait(lambda: "Opgeslagen" in browser.text())
    page(browser, base, "voorkeuren-opgeslagen", ook=(notificatie,))
    # What zs-notificatie now holds for her, read back as the page reads it.
    import urllib.request
    tok = stack.zs("token", "inwoner", "--bsn", B).stdout.strip()
    with urllib.request.urlopen(urllib.request.Request(notificatie + "/api/v1/voorkeuren",
                                                       headers={"Authorization": f"Bearer {tok}"})) as r:
        assert json.loads(r.read()) == {"emailadres": "b.bakker@example.nl", "telefoonnummer": "0612345678",
                                        "updates": False}


def options(url, origin):
    """A CORS preflight as a browser sends it: (status, lowercase headers)."""
    u = urllib.parse.urlsplit(url)
    import http.client
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    c.request("OPTIONS", u.path, headers={"Origin": origin, "Access-Control-Request-Method": "GET",
                                          "Access-Control-Request-Headers": "authorization"})
    r = c.getresponse()
    r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}


def test_keyboard_only_from_login_to_a_zaak(site, browser):
    stack, d, zaken = site
    base = d.url("")
    drv = browser.d
    drv.get(base + "/")
    browser.wait(lambda: drv.find_elements(By.ID, "bsn"))
    # Focus is on the page's heading; the skip link is the one thing before it.
    browser.wait(lambda: drv.switch_to.active_element.tag_name == "h1")
    drv.switch_to.active_element.send_keys(Keys.SHIFT, Keys.TAB)
    assert drv.switch_to.active_element.get_attribute("textContent") == "Direct naar de inhoud"

    def tab_to(pred, limit=30):
        for _ in range(limit):
            drv.switch_to.active_element.send_keys(Keys.TAB)
            if pred(drv.switch_to.active_element):
                return drv.switch_to.active_element
        raise AssertionError("not reached with the keyboard")

    tab_to(lambda e: e.get_attribute("id") == "bsn").send_keys(A + Keys.ENTER)
    browser.wait(lambda: browser.h1() == "Mijn zaken" and zaak_links(browser))
    # Focus moved to the heading, so the next Tabs walk the page in order.
    assert drv.switch_to.active_element.tag_name == "h1"
    link = tab_to(lambda e: e.get_attribute("href", ) and "/#/zaak/" in (e.get_attribute("href") or ""))
    link.send_keys(Keys.ENTER)
    browser.wait(lambda: "Stap " in browser.text())
    assert drv.switch_to.active_element.tag_name == "h1"
    browser.shot("toetsenbord-zaak")
    # The focus indicator is visible on a link (WCAG 2.4.7).
    link = tab_to(lambda e: e.tag_name == "a")
    outline = drv.execute_script(
        "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth, s.boxShadow];", link)
    assert outline[0] != "none" or outline[2] != "none", outline


@pytest.mark.parametrize("breedte", [320, 640])
def test_small_screens_and_zoom_need_no_sideways_scrolling(site, browser, breedte):
    """320 CSS px is 1280 px at 400 % zoom (WCAG 1.4.10); 640 is 200 %."""
    stack, d, zaken = site
    base = d.url("")
    login(browser, base, "inwoner", A)
    browser.wait(lambda: zaak_links(browser))
    browser.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                              {"width": breedte, "height": 900, "deviceScaleFactor": 1, "mobile": False})
    try:
        for pad, teken in (("#/zaken/open", ".zs-zaken"), (f"#/zaak/{zaken['a_dicht']}", ".denhaag-process-steps")):
            browser.d.get(f"{base}/{pad}")
            browser.wait(lambda: browser.d.find_elements(By.CSS_SELECTOR, f"#inhoud {teken}"))
            browser.shot(f"breed-{breedte}-{pad.split('/')[1]}")
            sw, cw = browser.d.execute_script(
                "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            breed = browser.d.execute_script(
                "return [...document.querySelectorAll('body *')].map(e => [e.getBoundingClientRect().right, e.scrollWidth - e.clientWidth,"
                " e.tagName + '.' + e.className]).sort((a, b) => b[0] - a[0]).slice(0, 4)")
            assert sw <= cw, (pad, sw, cw, breed)
    finally:
        browser.d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_page_is_served_safely(site):
    stack, d, zaken = site
    import urllib.error
    import urllib.request

    with urllib.request.urlopen(urllib.request.Request(d.url("/"), headers={"Accept-Encoding": "gzip"})) as r:
        h = r.headers
        body = r.read()
    assert h["Content-Type"] == "text/html; charset=utf-8" and h["Content-Encoding"] == "gzip"
    csp = h["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    # Besides itself the page may only call zs-inzage and zs-notificatie (other ports here).
    assert "unsafe-inline" not in csp and f"connect-src 'self' {d.inzage.url('')} {d.notificatie.url('')};" in csp
    assert h["X-Content-Type-Options"] == "nosniff" and h["Referrer-Policy"] == "no-referrer"
    import gzip
    assert b'<html lang="nl"' in gzip.decompress(body)
    for pad, ctype in (("/app.js", "text/javascript; charset=utf-8"), ("/css/denhaag.css", "text/css; charset=utf-8"),
                       ("/config.json", "application/json")):
        with urllib.request.urlopen(d.url(pad)) as r:
            assert r.headers["Content-Type"] == ctype, pad
    with urllib.request.urlopen(d.url("/config.json")) as r:
        assert json.loads(r.read()) == {"login": "ontwikkel", "vandaag": VANDAAG, "inzage": d.inzage.url(""),
                                        "notificatie": d.notificatie.url("")}
    # Revalidation: the same ETag is a 304 without a body; HEAD has headers only.
    with urllib.request.urlopen(d.url("/app.js")) as r:
        etag, lengte = r.headers["ETag"], len(r.read())
    try:
        urllib.request.urlopen(urllib.request.Request(d.url("/app.js"), headers={"If-None-Match": etag}))
        raise AssertionError("no 304 for a known ETag")
    except urllib.error.HTTPError as e:
        assert e.code == 304 and e.read() == b""
    with urllib.request.urlopen(urllib.request.Request(d.url("/app.js"), method="HEAD")) as r:
        assert r.status == 200 and r.read() == b"" and int(r.headers["Content-Length"]) == lengte
    # Only GET and HEAD: a page file is not something to post to.
    try:
        urllib.request.urlopen(urllib.request.Request(d.url("/index.html"), method="POST", data=b"x"))
        raise AssertionError("POST to a page file answered")
    except urllib.error.HTTPError as e:
        assert e.code == 404
    # Nothing outside the page's files, however the path is spelled.
    for pad in ("/../Makefile", "/%2e%2e/Makefile", "/css/../index.html", "/web/src/app.js", "/.gitignore",
                "/index.html/", "/app.js%00", "/css", "/css/"):
        st, doc = raw_get(d.url(pad))
        assert st in (400, 404) and b"build, test, run" not in doc and b"<html" not in doc, (pad, st, doc)
        assert st == 400 or json.loads(doc)["code"] == "not_found", (pad, doc)
    # The development login checks what it mints.
    req = urllib.request.Request(d.url("/api/v1/ontwikkel/token"), method="POST",
                                 data=json.dumps({"soort": "inwoner", "claims": {"bsn": "123456789"}}).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(req)
        raise AssertionError("a BSN failing the elfproef got a token")
    except urllib.error.HTTPError as e:
        doc = json.loads(e.read())
        assert e.code == 400 and [p["name"] for p in doc["invalidParams"]] == ["claims"]
    assert "eyJ" not in d.log_text()  # no token in the log


# OIDC: authorization code with PKCE against an issuer played here.


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


class Issuer:
    """A DigiD broker as a portal sees it: /authorize logs the resident in at
    once and sends the browser back with a code; /token checks the code, the
    redirect URI and the PKCE verifier, and answers an RS256 token."""

    def __init__(self, run_dir, bsn):
        self.dir = run_dir / "oidc"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.key = self.dir / "issuer.pem"
        if not self.key.exists():
            subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                            "-out", str(self.key)], check=True, capture_output=True)
        modulus = subprocess.run(["openssl", "rsa", "-in", str(self.key), "-noout", "-modulus"], check=True,
                                 capture_output=True, text=True).stdout.strip().split("=")[1]
        self.jwks = self.dir / "issuer.jwks"
        self.jwks.write_text(json.dumps({"keys": [{"kty": "RSA", "kid": "test-broker", "alg": "RS256", "use": "sig",
                                                   "n": b64url(bytes.fromhex(modulus)),
                                                   "e": b64url((65537).to_bytes(3, "big"))}]}))
        self.bsn = bsn
        self.codes = {}
        self.exchanges = []  # (verifier ok, status)
        (self.port,) = free_ports(1)
        self.url = f"http://127.0.0.1:{self.port}"
        issuer = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                u = urllib.parse.urlparse(self.path)
                q = dict(urllib.parse.parse_qsl(u.query))
                if u.path != "/authorize" or q.get("response_type") != "code" or \
                        q.get("code_challenge_method") != "S256" or q.get("client_id") != "mijn-zaken":
                    self.send_response(400)
                    self.end_headers()
                    return
                code = uuid.uuid4().hex
                issuer.codes[code] = (q["code_challenge"], q["redirect_uri"])
                self.send_response(302)
                self.send_header("Location", q["redirect_uri"] + "?" + urllib.parse.urlencode(
                    {"code": code, "state": q["state"]}))
                self.end_headers()

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                q = dict(urllib.parse.parse_qsl(self.rfile.read(n).decode()))
                code = issuer.codes.pop(q.get("code"), None)
                ok = bool(code) and b64url(hashlib.sha256(q.get("code_verifier", "").encode()).digest()) == code[0] \
                    and q.get("redirect_uri") == code[1] and q.get("grant_type") == "authorization_code"
                body = json.dumps({"access_token": issuer.token(), "token_type": "Bearer", "expires_in": 600}
                                  if ok else {"error": "invalid_grant"}).encode()
                issuer.exchanges.append((ok, self.headers.get("Origin")))
                self.send_response(200 if ok else 400)
                self.send_header("Content-Type", "application/json")
                self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin", "*"))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), H)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def token(self):
        now = int(time.time())
        head = b64url(json.dumps({"alg": "RS256", "typ": "JWT", "kid": "test-broker"}).encode())
        claims = b64url(json.dumps({"iss": self.url, "aud": "zaakstroom", "sub": uuid.uuid4().hex, "iat": now,
                                    "exp": now + 600, "bsn": self.bsn, "loa": "substantieel"}).encode())
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", str(self.key)], input=f"{head}.{claims}".encode(),
                             check=True, capture_output=True).stdout
        return f"{head}.{claims}.{b64url(sig)}"

    def close(self):
        self.server.shutdown()


def test_oidc_login_with_pkce_and_no_development_login_beside_real_trust(site, browser, infra):
    stack, d, zaken = site
    from pathlib import Path

    issuer = Issuer(Path(infra.run_dir), A)
    try:
        trust = stack.env["ZS_JWT_TRUST"] + f"; inwoner iss={issuer.url} aud=zaakstroom jwks={issuer.jwks}"
        # A development login next to a real issuer is refused at start.
        bad = stack.daemon("status", start=False, ZS_JWT_TRUST=trust, ZS_WEB_DEV_LOGIN="true")
        bad.start(wait_ready=False)
        assert bad.proc.wait(30) != 0
        assert "development login refused" in bad.log_text()
        prod = stack.daemon("status", ZS_JWT_TRUST=trust, ZS_VANDAAG=VANDAAG, ZS_GROUP_ID="status-oidc",
                            ZS_WEB_OIDC_AUTHORIZE_URL=issuer.url + "/authorize",
                            ZS_WEB_OIDC_TOKEN_URL=issuer.url + "/token", ZS_WEB_OIDC_CLIENT_ID="mijn-zaken")
        base = prod.url("")
        st, _ = prod.get("/api/v1/ontwikkel/token")
        assert st == 404  # no development login here
        browser.requests()
        browser.d.get(base + "/")
        browser.wait(lambda: browser.d.find_elements(By.XPATH, "//button[text()='Inloggen met DigiD']"))
        page(browser, base, "oidc-login")
        browser.d.find_element(By.XPATH, "//button[text()='Inloggen met DigiD']").click()
        browser.wait(lambda: browser.h1() == "Mijn zaken" and zaak_links(browser))
        page_urls = browser.requests()
        browser.shot("oidc-mijn-zaken")
        assert zaak_links(browser) == nieuwste_eerst(stack, zaken["a_terugbel"], zaken["a_open"])
        assert issuer.exchanges == [(True, base)]
        # The code left the address bar, and nothing is kept but in memory.
        assert "code=" not in browser.d.current_url
        assert browser.d.execute_script("return localStorage.length + sessionStorage.length") == 0
        # Only the page's own origin and the broker were asked anything.
        assert [u for u in page_urls if not u.startswith((base + "/", issuer.url + "/"))] == []
        with urllib_open(base + "/") as r:
            assert f"connect-src 'self' {issuer.url};" in r.headers["Content-Security-Policy"]
        assert issuer.codes == {}
        # A callback the page did not start (no state of its own) is refused
        # without asking the broker anything.
        browser.d.get(base + "/?code=gestolen&state=verzonnen")
        browser.wait(lambda: "Inloggen is niet gelukt" in browser.text())
        assert issuer.exchanges == [(True, base)] and "code=" not in browser.d.current_url
        assert [u for u in browser.requests() if not u.startswith(base + "/")] == []
    finally:
        issuer.close()


def test_when_a_look_cannot_be_recorded_the_page_says_so_and_recovers(site, browser, infra):
    """Last in the module: it takes the raadplegingen topic away under the
    running daemon (and puts it back)."""
    from confluent_kafka.admin import AdminClient, NewTopic

    stack, d, zaken = site
    base = d.url("")
    login(browser, base, "inwoner", A)
    browser.wait(lambda: browser.h1() == "Mijn zaken" and zaak_links(browser))
    admin = AdminClient({"bootstrap.servers": infra.brokers})
    topic = stack.topic("raadplegingen")
    admin.delete_topics([topic])[topic].result(timeout=30)
    wait_until(lambda: topic not in admin.list_topics(timeout=10).topics, 30, what="the topic gone")
    try:
        browser.d.find_element(By.CSS_SELECTOR, ".zs-zaak a").click()
        browser.wait(lambda: browser.h1() == "Nu even niet te zien", timeout=30)
        page(browser, base, "niet-vastgelegd")
        t = browser.text()
        assert "pas zien als we hebben vastgelegd wie ze bekijkt" in t and "Zaaknummer" not in t
    finally:
        admin.create_topics([NewTopic(topic, 6, 1)])[topic].result(timeout=30)

    def weer_te_zien():
        if "Zaaknummer" in browser.text():
            return True
        for knop in browser.d.find_elements(By.XPATH, "//button[text()='Opnieuw proberen']"):
            knop.click()
        return False

    wait_until(weer_te_zien, 60, interval=1, what="the zaak to show again once the topic is back")
    browser.shot("weer-te-zien")


def raw_get(url):
    """(status, body bytes) over a plain socket: urllib would clean up the path."""
    import socket
    u = urllib.parse.urlsplit(url)
    path = url[len(f"{u.scheme}://{u.netloc}"):]
    with socket.create_connection((u.hostname, u.port), timeout=10) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {u.netloc}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def urllib_open(url):
    import urllib.request
    return urllib.request.urlopen(url)
