"""tests/system/infra.py — the real PostgreSQL and Kafka under the system tests.

A session gets its own PostgreSQL cluster and Kafka broker in a temporary run
directory on free ports, started and stopped by deploy/local/pg.sh and
kafka.sh (one implementation for `make up` and the tests). With
ZS_TEST_REUSE=1 the instance that `make up` started is used instead and left
running. ZS_TEST_KEEP=1 keeps the run directory and the per-test databases
for a look afterwards. ZS_TEST_TMPDIR says where run directories go.
"""

import atexit
import itertools
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
LOCAL = ROOT / "deploy" / "local"
BUILD = ROOT / os.environ.get("BUILD", "build")


def wait_until(predicate, timeout=30.0, interval=0.1, what="the condition"):
    """Calls predicate until it returns something true and returns that.
    Exceptions count as "not yet"; the last one is named on time-out."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 — any failure means "not yet"
            last = e
        if time.monotonic() >= deadline:
            why = f" (last error: {last!r})" if last else ""
            raise AssertionError(f"timed out after {timeout}s waiting for {what}{why}")
        time.sleep(interval)


def wait_for_port(host, port, timeout=30.0):
    """Waits until something accepts TCP connections on host:port."""

    def accepts():
        with socket.create_connection((host, port), timeout=1):
            return True

    return wait_until(accepts, timeout, what=f"{host}:{port} to accept connections")


def free_ports(n):
    """n distinct loopback ports that were free a moment ago (bound together
    so that they differ, released for the servers to take)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


_DB_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class Infra:
    """One PostgreSQL and one Kafka broker, with helpers for tests."""

    wait_until = staticmethod(wait_until)
    wait_for_port = staticmethod(wait_for_port)

    def __init__(self, run_dir, env, owned):
        self.run_dir = Path(run_dir)
        # The environment the deploy scripts and the daemons under test see.
        self.env = env
        self.owned = owned
        self.pg_url = self.script("pg.sh", "url").stdout.strip()
        self.brokers = self.script("kafka.sh", "brokers").stdout.strip()
        self.env["ZS_PG_URL"] = self.pg_url
        self.env["ZS_KAFKA_BROKERS"] = self.brokers
        self._names = itertools.count(1)
        self._stopped = False

    @classmethod
    def start(cls, reuse=None):
        """A private instance, or the running `make up` one when reuse (by
        default: ZS_TEST_REUSE=1)."""
        env = dict(os.environ)
        if reuse is None:
            reuse = os.environ.get("ZS_TEST_REUSE") == "1"
        if reuse:
            inf = cls(env.get("ZS_RUN", ROOT / ".run"), env, owned=False)
            for name in ("pg.sh", "kafka.sh"):
                r = inf.script(name, "status", check=False)
                if r.returncode != 0:
                    raise RuntimeError(
                        f"ZS_TEST_REUSE=1 but {r.stdout.strip()}; start it with make up"
                    )
            return inf
        run_dir = tempfile.mkdtemp(prefix="zs-test-", dir=os.environ.get("ZS_TEST_TMPDIR"))
        # As root PostgreSQL runs as an unprivileged user who must reach it.
        os.chmod(run_dir, 0o755)
        pg_port, kafka_port, controller_port = free_ports(3)
        env.update(
            ZS_RUN=run_dir,
            ZS_PG_PORT=str(pg_port),
            ZS_KAFKA_PORT=str(kafka_port),
            ZS_KAFKA_CONTROLLER_PORT=str(controller_port),
        )
        inf = cls(run_dir, env, owned=True)
        atexit.register(inf.stop)
        try:
            inf.script("pg.sh", "start")
            inf.script("kafka.sh", "start")
        except BaseException:
            inf.stop()
            raise
        return inf

    def stop(self):
        """Stops what start() started, and only that; idempotent."""
        if not self.owned or self._stopped:
            return
        self._stopped = True
        errors = []
        for name in ("kafka.sh", "pg.sh"):
            r = self.script(name, "stop", check=False)
            if r.returncode != 0:
                errors.append(f"{name} stop: {r.stdout}{r.stderr}")
        if os.environ.get("ZS_TEST_KEEP") != "1":
            shutil.rmtree(self.run_dir, ignore_errors=True)
        if errors:
            raise RuntimeError("; ".join(errors))

    def script(self, name, *args, check=True, timeout=300):
        """Runs deploy/local/<name> against this instance."""
        r = subprocess.run(
            [str(LOCAL / name), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and r.returncode != 0:
            raise RuntimeError(
                f"{name} {' '.join(args)} exited {r.returncode}:\n{r.stdout}{r.stderr}"
            )
        return r

    def url(self, dbname):
        """The URL of another database on this server."""
        parts = urlsplit(self.pg_url)
        return urlunsplit(parts._replace(path="/" + dbname))

    def database_name(self, hint):
        """A database name unique in this session, readable after the hint."""
        stem = re.sub(r"[^a-z0-9_]+", "_", hint.lower()).strip("_")[:40] or "t"
        return f"t_{os.getpid()}_{next(self._names)}_{stem}"

    def create_database(self, name):
        """Creates an empty database and returns its URL."""
        if not _DB_NAME.match(name):
            raise ValueError(f"bad database name {name!r}")
        self.psql(sql.SQL("create database {}").format(sql.Identifier(name)))
        return self.url(name)

    def drop_database(self, name):
        self.psql(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
        )

    def psql(self, query, params=None, url=None):
        """Runs one statement (or, without params, several) in autocommit and
        returns the rows of the last one ([] when it returns none)."""
        with psycopg.connect(url or self.pg_url, autocommit=True) as conn:
            cur = conn.execute(query, params)
            return cur.fetchall() if cur.description else []

    def scalar(self, query, params=None, url=None):
        """The first column of the first row, or None."""
        rows = self.psql(query, params, url)
        return rows[0][0] if rows else None
