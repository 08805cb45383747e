#!/usr/bin/env bash
# bench/run.sh — what `make bench` runs after building: the driver in
# bench/run.py (infrastructure, intake, load, baselines, figures).
set -euo pipefail
exec python3 "$(dirname "${BASH_SOURCE[0]}")/run.py" "$@"
