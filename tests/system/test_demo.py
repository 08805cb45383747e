"""make demo, played for real: the newcomer's first command must keep working.

The demo has broken before without any test noticing (a case arm in daemons.sh
left zs-notificatie without channels, and the demo went on, printing only what
it had not received). This test runs deploy/local/demo.sh itself — its own
PostgreSQL, Kafka and every daemon through daemons.sh, on free ports in a
private run directory — and checks what a newcomer is shown, then stops it all
with down.sh as `make down` does."""

import os
import re
import subprocess
import tempfile
from pathlib import Path

from infra import free_ports

ROOT = Path(__file__).resolve().parents[2]
LOCAL = ROOT / "deploy" / "local"
PORTS = ["ZS_PG_PORT", "ZS_KAFKA_PORT", "ZS_KAFKA_CONTROLLER_PORT", "ZS_INTAKE_HTTP_PORT",
         "ZS_STATUS_HTTP_PORT", "ZS_NOTIFICATIE_HTTP_PORT", "ZS_AUDIT_HTTP_PORT",
         "ZS_INZAGE_HTTP_PORT", "ZS_ONTVANGERS_NOTIFYNL_PORT", "ZS_ONTVANGERS_SMTP_PORT"]
DAEMONS = sorted(p.parent.name for p in (ROOT / "services").glob("*/main.c"))
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def section(out, heading):
    """The lines under a '== heading' up to the next heading."""
    parts = re.split(r"^== ", out, flags=re.M)
    found = [p for p in parts if p.startswith(heading)]
    assert found, f"the demo has no step '{heading}':\n{out}"
    return found[0]


def test_make_demo_tells_the_whole_story_and_make_down_stops_it():
    run = Path(tempfile.mkdtemp(prefix="zs-demo-", dir=os.environ.get("ZS_TEST_TMPDIR")))
    run.chmod(0o755)
    env = dict(os.environ, ZS_RUN=str(run), ZS_KEYS_DIR=str(run / "keys"),
               **{k: str(p) for k, p in zip(PORTS, free_ports(len(PORTS)))})
    for k in ("ZS_PG_URL", "ZS_KAFKA_BROKERS", "ZS_VANDAAG"):
        env.pop(k, None)
    try:
        r = subprocess.run([str(LOCAL / "demo.sh")], env=env, capture_output=True, text=True,
                           timeout=600)
        out = ANSI.sub("", r.stdout)
        assert r.returncode == 0, f"demo.sh exited {r.returncode}\n{out}\n{r.stderr}"

        started = section(out, "Daemons starten")
        for d in DAEMONS:
            assert re.search(rf"^  {d}: ready \(pid \d+, http://127\.0\.0\.1:{env[f'ZS_{d.upper()}_HTTP_PORT']}",
                             started, re.M), f"{d} was not started on its port:\n{started}"

        intake = section(out, "Een portaal dient aanvragen in")
        assert intake.count("geaccepteerd: zaak ZAAK-") == 3, intake
        assert "afgewezen, 6 redenen" in intake, intake

        # The resident follows her zaak; a stranger cannot tell it exists.
        tt = section(out, "De inwoner volgt haar zaak")
        assert "stap 5 van 5 (volledig)" in tt and "HTTP 404 not_found" in tt, tt
        assert "reden: inwoner belt over de status" in tt, tt

        # Every message the demo waits for arrived (it prints what did not).
        assert "nog niet ontvangen" not in out, out
        assert "is afgerond" in section(out, "De inwoners horen het zelf")
        assert "Het duurt langer dan we beloofden" in section(out, "Te laat?")

        fg = section(out, "De FG ziet")
        assert re.search(r"audit log verified: \d+ entries, \d+ signed tree heads", fg), fg
        assert re.search(r"entry \d+ is in the signed tree of \d+ entries", fg), fg
        assert "HTTP 403 geen_toegang" in fg, fg
        assert "geen bevindingen" in fg, fg

        mijn = section(out, "Door inzicht minder inzage")
        assert "Zaak ZAAK-" in mijn and "waarvoor:" in mijn and "bron:" in mijn, mijn
        assert "Bericht via e-mail" in mijn, mijn
        assert "reden: inwoner belt over de status" in mijn, mijn
        # The Logboek Dataverwerkingen as zs-audit wrote them and zs-inzage read them: her zaak's
        # processing under its zaaktype's activity, and the Track & Trace reads.
        assert re.search(r"Verwerkt voor: Subsidies voor sanering van verkeerslawaai verstrekken — \d+ keer", mijn), mijn
        assert re.search(r"Verwerkt voor: Inwoners hun zaken laten volgen .*— \d+ keer", mijn), mijn

        verzoek = section(out, "A. Jansen dient een formeel inzageverzoek in")
        vid = re.search(r"Ontvangen: verzoek ([0-9a-f-]{36}), antwoord uiterlijk \d{4}-\d\d-\d\d",
                        verzoek)
        assert vid, verzoek
        assert "Doeleinden:" in verzoek and "Bewaartermijnen:" in verzoek, verzoek
        html = (run / "inzage-rapport.html").read_text(encoding="utf-8")
        assert html.lstrip().lower().startswith("<!doctype html") and vid.group(1) in html
    finally:
        down = subprocess.run([str(LOCAL / "down.sh")], env=env, capture_output=True, text=True,
                              timeout=180)
    assert down.returncode == 0, down.stdout + down.stderr
    # Nothing the demo started is left running.
    left = subprocess.run(["pgrep", "-af", str(run)], capture_output=True, text=True).stdout
    assert not left.strip(), f"still running after down.sh:\n{left}"
    status = subprocess.run([str(LOCAL / "daemons.sh"), "status"], env=env, capture_output=True,
                            text=True, timeout=60).stdout
    for d in DAEMONS:
        assert re.search(rf"^\s*{d}: stopped", status, re.M), status
