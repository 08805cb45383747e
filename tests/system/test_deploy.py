"""The deployment files cannot run here (no Docker engine), so they are checked
against the code instead: what the compose file and the image configure must be
what the daemons read, in the versions the local setup pins and tests."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "deploy" / "container" / "Dockerfile").read_text()
DAEMONS = sorted(p.parent.name for p in (ROOT / "services").glob("*/main.c"))

# Runtime packages of the libraries the Makefile links (Debian 12 names).
RUNTIME_PACKAGE = {"rdkafka": "librdkafka1", "avro": "libavro23", "pq": "libpq5",
                   "jansson": "libjansson4", "event": "libevent-2.1-7", "ssl": "libssl3",
                   "crypto": "libssl3", "curl": "libcurl4", "z": "zlib1g", "m": None}


def settings_of(daemon):
    """The ZS_* names in the daemon's own settings table, as --help prints them."""
    import subprocess

    build = ROOT / __import__("os").environ.get("BUILD", "build")
    out = subprocess.run([str(build / "bin" / f"zs-{daemon}"), "--help"], capture_output=True,
                         text=True, timeout=30, check=True).stdout
    return set(re.findall(r"^  (ZS_[A-Z0-9_]+) \(", out, re.M))


def env_of(service):
    return {k: str(v) for k, v in (COMPOSE["services"][service].get("environment") or {}).items()}


def test_every_daemon_has_a_compose_service_running_it():
    commands = {tuple(s.get("command") or ()) for s in COMPOSE["services"].values()}
    for d in DAEMONS:
        assert (f"zs-{d}",) in commands, f"docker-compose.yml has no service running zs-{d}"


def test_every_setting_in_compose_is_in_that_daemons_table():
    for d in DAEMONS:
        table = settings_of(d)
        for key in env_of(d):
            if key.startswith("ZS_"):
                assert key in table, f"{d}: {key} is set in docker-compose.yml but zs-{d} does not obey it"


def test_http_ports_agree_with_the_daemons_settings():
    for d in DAEMONS:
        env = env_of(d)
        port = env[f"ZS_{d.upper()}_HTTP_PORT"]
        svc = COMPOSE["services"][d]
        assert f"{port}:{port}" in svc.get("ports", []), f"{d}: port {port} not published"
        assert port in " ".join(svc["healthcheck"]["test"]), f"{d}: healthcheck probes another port"


def test_a_daemon_serving_personal_data_gets_its_keys():
    # Without them zs-status refuses to start (toegang_setup): the service
    # must name both, the pseudonym key from the environment, not this file.
    env = env_of("status")
    trust = env["ZS_JWT_TRUST"]
    for kind in ("inwoner", "medewerker", "applicatie"):
        assert re.search(rf"(^|;)\s*{kind} iss=\S+ aud=\S+ jwks=/etc/zaakstroom/keys/{kind}.jwks", trust), kind
    assert any(v.endswith(":/etc/zaakstroom/keys:ro") for v in COMPOSE["services"]["status"]["volumes"])
    assert env["ZS_PSEUDONIEM_SLEUTEL"].startswith("${ZS_PSEUDONIEM_SLEUTEL:?")


def test_kafka_and_postgres_versions_match_what_the_tests_run_against():
    env_sh = (ROOT / "deploy" / "local" / "env.sh").read_text()
    kafka_version = re.search(r'KAFKA_VERSION:=([0-9.]+)', env_sh).group(1)
    assert COMPOSE["services"]["kafka"]["image"] == f"apache/kafka:{kafka_version}"
    pg_major = re.search(r"PG_BIN=/usr/lib/postgresql/(\d+)/bin", env_sh).group(1)
    assert COMPOSE["services"]["postgres"]["image"] == f"postgres:{pg_major}"


def test_the_image_has_the_runtime_libraries_the_makefile_links():
    makefile = (ROOT / "Makefile").read_text()
    libs = re.search(r"^LDLIBS\s*\+=(.*)$", makefile, re.M).group(1).split()
    runtime = DOCKERFILE.split("FROM debian:12-slim", 1)[1]
    for lib in libs:
        pkg = RUNTIME_PACKAGE[lib[2:]]
        if pkg:
            assert pkg in runtime, f"runtime image lacks {pkg} for {lib}"


def test_the_image_carries_schemas_and_migrations_where_zs_home_points():
    home = re.search(r"ENV ZS_HOME=(\S+)", DOCKERFILE).group(1)
    assert f"COPY schemas {home}/schemas" in DOCKERFILE
    assert f"COPY services {home}/services" in DOCKERFILE
    assert f"COPY deploy/catalogus {home}/deploy/catalogus" in DOCKERFILE
    # notificatie's rules and templates, where its defaults point under ZS_HOME.
    assert f"COPY deploy/notificatie {home}/deploy/notificatie" in DOCKERFILE
    # The resident's page, where ZS_WEB_ROOT's default points under ZS_HOME.
    assert f"COPY --from=build /src/web/dist {home}/web/dist" in DOCKERFILE


def test_development_keys_land_where_a_relative_keys_dir_points(tmp_path):
    # daemons.sh and the demo call keys.sh from the checkout's root with a
    # relative folder; keys.sh works from its own folder and must not put
    # the keys (and trust.env) somewhere else.
    import subprocess

    root = Path(__file__).resolve().parents[2]
    r = subprocess.run([str(root / "deploy/local/keys.sh")], cwd=tmp_path, capture_output=True, text=True,
                       env={"PATH": "/usr/bin:/bin", "ZS_KEYS_DIR": "keys"}, timeout=120)
    assert r.returncode == 0, r.stderr
    trust = (tmp_path / "keys" / "trust.env").read_text()
    assert f"jwks={tmp_path}/keys/inwoner.jwks" in trust
    assert not (root / "deploy/local/keys/keys").exists()


def test_daemons_sh_starts_each_daemon_on_its_configured_port(tmp_path):
    # daemons.sh once started every daemon on its fixed port whatever ZS_*_HTTP_PORT said
    # (and then waited for /readyz on the wrong one). Its status names the port it uses.
    import os
    import subprocess

    env = dict(os.environ, ZS_RUN=str(tmp_path), ZS_STATUS_HTTP_PORT="18082", ZS_INTAKE_HTTP_PORT="18081")
    out = subprocess.run([str(ROOT / "deploy" / "local" / "daemons.sh"), "status"], env=env,
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert "status: stopped (port 18082)" in out and "intake: stopped (port 18081)" in out, out
    env.pop("ZS_STATUS_HTTP_PORT")
    out = subprocess.run([str(ROOT / "deploy" / "local" / "daemons.sh"), "status"], env=env,
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert "status: stopped (port 8082)" in out, out

