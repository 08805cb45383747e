#!/usr/bin/env bash
# bench/run.sh — what `make bench` runs after building: intake against its
# baselines (bench/run.py: infrastructure, load, raw Kafka and PostgreSQL,
# figures in bench/results/latest.json), then the status daemon
# (bench/status_bench.py → bench/results/status-latest.json), then the Track &
# Trace API when its script is there (bench/api_bench.py), then zs-inzage
# (bench/inzage_bench.py → bench/results/inzage-latest.json), then the
# resident's page in a browser (bench/web_bench.py → bench/results/web-latest.json),
# then zs-audit (bench/audit_bench.py → bench/results/audit-latest.json), then
# zs-notificatie (bench/notificatie_bench.py → bench/results/notificatie-latest.json).
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
rc=0
python3 "$here/run.py" "$@" || rc=$?
python3 "$here/status_bench.py" || rc=$?
if [ -f "$here/api_bench.py" ]; then
	python3 "$here/api_bench.py" || rc=$?
fi
python3 "$here/inzage_bench.py" || rc=$?
# The resident's page in headless Chromium (skipped where there is none).
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
	python3 "$here/web_bench.py" || rc=$?
fi
python3 "$here/audit_bench.py" || rc=$?
python3 "$here/notificatie_bench.py" || rc=$?
exit "$rc"
