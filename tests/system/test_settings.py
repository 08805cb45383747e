"""Every setting a daemon obeys is in its checked table: --help prints it, the
README documents it, a malformed or out-of-range value stops start-up with an
error naming the key, the value and what is allowed, and a ZS_* variable that
nothing reads is warned about. The layers of common/ are kept by the build.

These run the real binaries; a daemon that refuses its settings stops before it
would connect anywhere, so no broker or database is needed."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / os.environ.get("BUILD", "build")
DAEMONS = sorted(p.parent.name for p in (ROOT / "services").glob("*/main.c"))


def run(program, *args, env=None, timeout=30):
    base = {"PATH": os.environ["PATH"], "ZS_HOME": str(ROOT)}
    return subprocess.run([str(BUILD / "bin" / program), *args], capture_output=True, text=True,
                          env=dict(base, **(env or {})), timeout=timeout)


def help_settings(program):
    r = run(program, "--help")
    assert r.returncode == 0, r.stderr
    return dict(re.findall(r"^  (ZS_[A-Z0-9_]+) \(([a-z]+)\)", r.stdout, re.M))


def log_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


@pytest.mark.parametrize("daemon", DAEMONS)
def test_help_lists_the_common_settings_and_the_daemons_own(daemon):
    settings = help_settings(f"zs-{daemon}")
    for common in ("ZS_LOG_LEVEL", "ZS_KAFKA_BROKERS", "ZS_PG_URL", "ZS_BATCH_MAX", "ZS_HTTP_ADDR",
                   "ZS_HTTP_TIMEOUT_S", "ZS_SHUTDOWN_GRACE_S"):
        assert common in settings, f"zs-{daemon} --help lacks {common}"
    assert f"ZS_{daemon.upper()}_HTTP_PORT" in settings


@pytest.mark.parametrize("daemon", DAEMONS)
@pytest.mark.parametrize("key,value,allowed", [
    ("ZS_BATCH_MAX", "0", "from 1 to 10000"),
    ("ZS_BATCH_MAX", "500x", "from 1 to 10000"),
    ("ZS_HTTP_TIMEOUT_S", "-1", "from 1 to 3600"),
    ("ZS_LOG_LEVEL", "loud", "debug|info|warn|error"),
])
def test_a_malformed_setting_stops_start_up_naming_key_value_and_range(daemon, key, value, allowed):
    r = run(f"zs-{daemon}", env={key: value})
    assert r.returncode != 0, f"zs-{daemon} started with {key}={value}"
    errors = [line for line in log_lines(r.stderr) if line["level"] == "error"]
    assert errors, r.stderr
    assert errors[0]["msg"] == f"invalid setting {key}"
    assert f'"{value}"' in errors[0]["detail"] and allowed in errors[0]["detail"]
    assert not any(line["msg"].endswith(" ready") for line in log_lines(r.stderr))


@pytest.mark.parametrize("daemon", DAEMONS)
def test_an_out_of_range_port_of_the_daemons_own_table_stops_start_up(daemon):
    key = f"ZS_{daemon.upper()}_HTTP_PORT"
    r = run(f"zs-{daemon}", env={key: "70000"})
    assert r.returncode != 0
    assert any(line["msg"] == f"invalid setting {key}" and "from 1 to 65535" in line["detail"]
               for line in log_lines(r.stderr)), r.stderr


def test_a_secret_is_not_repeated_in_the_error_about_it():
    r = run("zs-intake", env={"ZS_PG_URL": "postgresql://user:hunter2@x/db", "ZS_BATCH_MAX": "0"})
    assert r.returncode != 0 and "hunter2" not in r.stderr


def test_a_typo_in_a_settings_name_is_warned_about_and_a_known_name_is_not():
    # ZS_BATCH_MAX=0 stops the start before it would connect anywhere.
    r = run("zs-intake", env={"ZS_BACTH_MAX": "100", "ZS_STATUS_HTTP_PORT": "8082",
                              "ZS_BATCH_MAX": "0"})
    warnings = [line for line in log_lines(r.stderr) if line["level"] == "warn"]
    assert [w["msg"] for w in warnings] == ["unknown setting ZS_BACTH_MAX"], r.stderr


def test_the_readme_settings_table_is_every_setting_of_every_program():
    documented = set(re.findall(r"`(ZS_[A-Z0-9_]+)`", (ROOT / "README.md").read_text()))
    obeyed = set(help_settings("zs"))
    for d in DAEMONS:
        obeyed |= set(help_settings(f"zs-{d}"))
    assert not obeyed - documented, f"settings missing from README.md: {sorted(obeyed - documented)}"


def test_the_layer_check_passes_on_the_tree_and_refuses_a_wrong_way_include(tmp_path):
    check = ROOT / "tools" / "build" / "check-layers.sh"
    assert subprocess.run([str(check)], capture_output=True, text=True).returncode == 0
    shutil.copytree(ROOT / "common", tmp_path / "common")
    log_c = tmp_path / "common" / "core" / "log.c"
    log_c.write_text('#include "zgw/identificatie.h"\n' + log_c.read_text())
    r = subprocess.run([str(check), str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 1
    assert 'common/core/log.c:1: core may not include zgw ("zgw/identificatie.h")' in r.stderr


def test_the_layer_check_refuses_an_include_that_does_not_name_its_folder(tmp_path):
    check = ROOT / "tools" / "build" / "check-layers.sh"
    shutil.copytree(ROOT / "common", tmp_path / "common")
    http_c = tmp_path / "common" / "http" / "http.c"
    http_c.write_text('#include "log.h"\n' + http_c.read_text())
    r = subprocess.run([str(check), str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 1 and "does not name its folder" in r.stderr
