#!/usr/bin/env python3
"""deploy/local/ontvangers.py — local stand-ins for the channels that belong to
others, for `make up` and `make demo`: a NotifyNL-shaped API (checking the
service's HS256 token as NotifyNL does) and an SMTP sink, on 127.0.0.1. Every
message received is appended as one JSON line to the file named by --uit, so
the demo can show what a resident would have received. The servers are the
test suite's own (tests/system/ontvangers.py).

    ontvangers.py --notifynl-poort P --smtp-poort Q --service-id UUID --secret UUID --uit FILE
"""

import argparse
import json
import signal
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "system"))

from ontvangers import NotifyNL, Smtp  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--notifynl-poort", type=int, required=True)
    ap.add_argument("--smtp-poort", type=int, required=True)
    ap.add_argument("--service-id", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--uit", required=True)
    a = ap.parse_args()
    lock = threading.Lock()

    def schrijf(regel):
        with lock, open(a.uit, "a") as f:
            f.write(json.dumps(regel, ensure_ascii=False) + "\n")

    notify = NotifyNL(a.service_id, a.secret, port=a.notifynl_poort)

    def via_notify(path, headers, body):
        p = body.get("personalisation") or {}
        schrijf({"kanaal": "sms" if path.endswith("/sms") else "email (NotifyNL)",
                 "aan": body.get("phone_number") or body.get("email_address"),
                 "onderwerp": p.get("onderwerp"), "tekst": p.get("bericht"), "id": body.get("reference")})
        return None

    notify.script = via_notify
    smtp = Smtp(port=a.smtp_poort)
    gewoon = smtp.log

    def via_smtp(mail):
        gewoon(mail)
        schrijf({"kanaal": "email (SMTP)", "aan": mail.rcpt, "onderwerp": mail.onderwerp, "tekst": mail.tekst,
                 "id": mail.message_id})

    smtp.log = via_smtp
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"ontvangers: NotifyNL http://127.0.0.1:{a.notifynl_poort}, SMTP 127.0.0.1:{a.smtp_poort}", flush=True)
    while not stop.is_set():
        time.sleep(0.2)
    notify.stop()
    smtp.stop()


if __name__ == "__main__":
    main()
