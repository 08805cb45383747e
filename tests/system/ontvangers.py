"""tests/system/ontvangers.py — the channels that belong to someone else, played
by real local servers of the test suite on 127.0.0.1:

* NotifyNL: the GOV.UK Notify API shape (POST /v2/notifications/email and
  /sms), checking the service's HS256 bearer token (iss = service id, iat
  recent) as NotifyNL does, answering 201 with a notification id;
* a webhook receiver (any path), keeping headers and body;
* an SMTP sink (EHLO, MAIL, RCPT, DATA, QUIT) over a plain socket.

Each records every request it got and answers from a script: a function of
the request that returns what to answer, so a test can make a channel fail,
throttle or refuse."""

import base64
import email
import email.header
import email.policy
import hashlib
import hmac
import json
import socket
import socketserver
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Ontvangen:
    """One request as received."""

    def __init__(self, path, headers, body, status):
        self.tijd = time.monotonic()
        self.path = path
        self.headers = headers
        self.body = body
        self.status = status

    def __repr__(self):
        return f"<{self.path} {self.status} {str(self.body)[:80]}>"


class _Server:
    """What every receiver shares: what it received, under a lock."""

    def __init__(self):
        self.ontvangen = []
        self.lock = threading.Lock()
        self.script = None

    def log(self, o):
        with self.lock:
            self.ontvangen.append(o)

    def lijst(self, pred=None):
        with self.lock:
            return [o for o in self.ontvangen if pred is None or pred(o)]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class _Http(_Server):
    def __init__(self, handle, port=0):
        super().__init__()  # f(path, headers, body) -> (status, headers) or None
        ontvanger = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(n)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, extra, body = handle(ontvanger, self.path, headers, raw)
                out = b"" if status == 204 else json.dumps(body).encode()
                self.send_response(status)
                for k, v in extra.items():
                    self.send_header(k, v)
                if status != 204:
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        class S(ThreadingHTTPServer):
            # Many deliveries connect at once: the default backlog of 5
            # refused some, which then waited out their retry.
            request_queue_size = 1024

        self.server = S(("127.0.0.1", port), H)
        self.server.daemon_threads = True
        # A client gone mid-answer (the daemon killed) is part of the tests.
        self.server.handle_error = lambda *a: None
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path=""):
        return f"http://127.0.0.1:{self.port}{path}"

    def antwoord(self, path, headers, body):
        if self.script:
            r = self.script(path, headers, body)
            if r is not None:
                return r
        return None



def _json(raw):
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class NotifyNL(_Http):
    """Accepts only requests with a valid HS256 token of the service."""

    def __init__(self, service_id, secret, port=0):
        self.service_id = service_id
        self.secret = secret
        super().__init__(NotifyNL._handle, port)

    def api_key(self):
        return f"zaakstroom_test-{self.service_id}-{self.secret}"

    def _token_fout(self, auth):
        if not auth or not auth.startswith("Bearer "):
            return "no bearer token"
        parts = auth[7:].split(".")
        if len(parts) != 3:
            return "malformed token"
        head = json.loads(_b64url_decode(parts[0]))
        claims = json.loads(_b64url_decode(parts[1]))
        sig = hmac.new(self.secret.encode(), f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
        if head.get("alg") != "HS256" or not hmac.compare_digest(sig, _b64url_decode(parts[2])):
            return "bad signature"
        if claims.get("iss") != self.service_id or abs(time.time() - claims.get("iat", 0)) > 30:
            return "bad iss or iat"
        return None

    @staticmethod
    def _handle(self, path, headers, raw):
        body = _json(raw)
        fout = self._token_fout(headers.get("authorization"))
        if fout:
            self.log(Ontvangen(path, headers, body, 403))
            return 403, {}, {"errors": [{"error": "AuthError", "message": fout}], "status_code": 403}
        if path not in ("/v2/notifications/email", "/v2/notifications/sms") or not isinstance(body, dict):
            self.log(Ontvangen(path, headers, body, 400))
            return 400, {}, {"errors": [{"error": "BadRequestError"}], "status_code": 400}
        r = self.antwoord(path, headers, body)
        status, extra = r if r else (201, {})
        self.log(Ontvangen(path, headers, body, status))
        return status, extra, {"id": str(uuid.uuid4()), "reference": body.get("reference")}

    def afgeleverd(self, pred=None):
        return self.lijst(lambda o: o.status == 201 and (pred is None or pred(o)))


class Webhook(_Http):
    def __init__(self, port=0):
        super().__init__(Webhook._handle, port)

    @staticmethod
    def _handle(self, path, headers, raw):
        body = _json(raw)
        r = self.antwoord(path, headers, body)
        status, extra = r if r else (204, {})
        self.log(Ontvangen(path, headers, body, status))
        return status, extra, {}


class Mail:
    def __init__(self, rcpt, data):
        self.tijd = time.monotonic()
        self.rcpt = rcpt
        self.msg = email.message_from_bytes(data, policy=email.policy.default)
        self.onderwerp = str(self.msg["Subject"])
        self.message_id = self.msg["Message-ID"]
        self.tekst = self.msg.get_content().replace("\r\n", "\n")

    def __repr__(self):
        return f"<mail {self.rcpt} {self.onderwerp!r}>"


class Smtp(_Server):
    """A plain SMTP sink; script(rcpt) -> reply code for RCPT (None: 250)."""

    def __init__(self, port=0):
        super().__init__()
        self.weigeringen = []
        sink = self

        class H(socketserver.StreamRequestHandler):
            def reply(self, line):
                self.wfile.write((line + "\r\n").encode())

            def handle(self):
                self.reply("220 127.0.0.1 zaakstroom-test ESMTP")
                rcpt = []
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    cmd = line.decode(errors="replace").strip()
                    up = cmd.upper()
                    if up.startswith("EHLO") or up.startswith("HELO"):
                        self.reply("250-127.0.0.1")
                        self.reply("250 8BITMIME")
                    elif up.startswith("MAIL FROM"):
                        rcpt = []
                        self.reply("250 OK")
                    elif up.startswith("RCPT TO"):
                        adres = cmd.split(":", 1)[1].strip().strip("<>")
                        code = sink.script(adres) if sink.script else None
                        if code:
                            with sink.lock:
                                sink.weigeringen.append((adres, code))
                            self.reply(f"{code} no")
                        else:
                            rcpt.append(adres)
                            self.reply("250 OK")
                    elif up == "DATA":
                        self.reply("354 go on")
                        data = []
                        while True:
                            ln = self.rfile.readline()
                            if not ln or ln in (b".\r\n", b".\n"):
                                break
                            data.append(ln[1:] if ln.startswith(b"..") else ln)
                        for r in rcpt:
                            sink.log(Mail(r, b"".join(data)))
                        self.reply("250 queued")
                    elif up == "QUIT":
                        self.reply("221 bye")
                        return
                    elif up in ("RSET", "NOOP"):
                        self.reply("250 OK")
                    else:
                        self.reply("502 not implemented")

        class S(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True
            request_queue_size = 1024

        self.server = S(("127.0.0.1", port), H)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self):
        return f"smtp://127.0.0.1:{self.port}"


def vrije_poort():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p
