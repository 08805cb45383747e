"""tests/run.sh's summary line is what the runners themselves reported.

run.sh is run as `make test` runs it, with a fake pytest (PYTEST) that prints
what a real run can print — a broker's log line "127.0.0.1:56509 failed", its
own summary — and writes a given JUnit XML, and fake unit tests (BUILD) that
print given TAP. Neither Kafka nor PostgreSQL is needed."""

import os
import stat
import subprocess
import textwrap

import pytest

from zaakstroom import ROOT

FAKE_PYTEST = """#!/usr/bin/env python3
import os, sys
junit = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--junitxml=")][0]
if os.environ.get("FAKE_JUNIT"):
    open(junit, "w").write(os.environ["FAKE_JUNIT"])
print(os.environ.get("FAKE_OUTPUT", ""))
sys.exit(int(os.environ.get("FAKE_RC", "0")))
"""


def junit(*cases):
    """A JUnit XML as pytest writes it; each case is passed, failure, error,
    skipped or failure+error."""
    body = []
    for i, kind in enumerate(cases):
        inner = "".join(f'<{k} message="x">x</{k}>' for k in kind.split("+") if k != "passed")
        body.append(f'<testcase classname="t" name="test_{i}" time="0.1">{inner}</testcase>')
    return ('<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" '
            f'tests="{len(cases)}">{"".join(body)}</testsuite></testsuites>')


def executable(path, text):
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def run(tmp_path):
    executable(tmp_path / "pytest", FAKE_PYTEST)
    (tmp_path / "build" / "tests").mkdir(parents=True)

    def run(what, unit=None, output="", rc=0, xml=None):
        """(exit code, last line) of tests/run.sh what; unit: name -> (TAP text, exit code)."""
        for old in (tmp_path / "build" / "tests").iterdir():
            old.unlink()
        for name, (tap, code) in (unit or {}).items():
            executable(tmp_path / "build" / "tests" / name,
                       f"#!/bin/sh\ncat <<'EOF'\n{textwrap.dedent(tap).strip()}\nEOF\nexit {code}\n")
        env = dict(os.environ, PYTEST=str(tmp_path / "pytest"), BUILD=str(tmp_path / "build"),
                   FAKE_OUTPUT=output, FAKE_RC=str(rc), FAKE_JUNIT=xml or "")
        env.pop("PYTEST_ARGS", None)
        r = subprocess.run([str(ROOT / "tests" / "run.sh"), what], env=env, capture_output=True, text=True,
                           timeout=60)
        return r.returncode, r.stdout.strip().splitlines()[-1]

    return run


BROKER_NOISE = ("%3|1765000000.123|FAIL|rdkafka#producer-1| [thrd:127.0.0.1:56509/bootstrap]: "
                "127.0.0.1:56509/bootstrap: Connect to ipv4#127.0.0.1:56509 failed: Connection refused\n"
                "127.0.0.1:56509 failed\n")


def test_a_number_in_a_log_line_is_not_a_count(run):
    rc, line = run("system", output=BROKER_NOISE + "3 passed in 1.20s", xml=junit("passed", "passed", "passed"))
    assert (rc, line) == (0, "3 passed, 0 failed")


def test_failures_and_errors_are_failed_and_skips_are_skipped(run):
    xml = junit("passed", "passed", "failure", "error", "failure+error", "skipped")
    rc, line = run("system", output=BROKER_NOISE + "2 passed, 2 failed, 1 skipped, 2 errors", rc=1, xml=xml)
    assert rc != 0 and line == "2 passed, 3 failed, 1 skipped (system)"


def test_pytest_failing_outside_any_test_is_a_failure(run):
    rc, line = run("system", output="INTERNALERROR> boom", rc=3)
    assert rc != 0 and line == "0 passed, 1 failed (system)"
    rc, line = run("system", output="no tests ran", rc=5, xml=junit())
    assert rc != 0 and line.startswith("0 passed, 1 failed")


def test_no_test_at_all_is_a_failure(run):
    rc, line = run("system", xml=junit())
    assert rc != 0 and line == "0 passed, 1 failed (no test ran)"
    rc, line = run("system", xml=junit("skipped", "skipped"))
    assert rc != 0 and line == "0 passed, 1 failed, 2 skipped (no test ran)"


def test_unit_tests_are_counted_from_their_tap_results(run):
    unit = {
        "test_good": ("""
            1..3
            ok 1 - een
            ok 2 - twee
            not ok 3 # SKIP drie
            # ok 9 is not a result, nor is: not ok 10
            """, 0),
        "test_bad": ("""
            1..2
            ok 1 - een
            not ok 2 - twee
            # test_bad.c:12: error: 127.0.0.1:56509 failed
            """, 1),
    }
    rc, line = run("unit", unit=unit)
    assert rc != 0 and line == "3 passed, 1 failed, 1 skipped (test_bad)"


def test_a_unit_test_that_stops_before_its_plan_is_a_failure(run):
    rc, line = run("unit", unit={"test_crash": ("1..3\nok 1 - een", 0)})
    assert rc != 0 and line == "1 passed, 1 failed (test_crash)"
    rc, line = run("unit", unit={"test_abort": ("1..1\nok 1 - een", 134)})
    assert rc != 0 and line == "1 passed, 1 failed (test_abort)"


def test_all_adds_both_and_passes_only_when_both_pass(run):
    unit = {"test_good": ("1..2\nok 1 - een\nok 2 - twee", 0)}
    assert run("all", unit=unit, output=BROKER_NOISE, xml=junit("passed")) == (0, "3 passed, 0 failed")
    rc, line = run("all", unit=unit, rc=1, xml=junit("failure"))
    assert rc != 0 and line == "2 passed, 1 failed (system)"
