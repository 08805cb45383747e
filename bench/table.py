#!/usr/bin/env python3
"""bench/table.py — the figures of the last `make bench` as one Markdown
table for the README: every figure with a target, and the baselines they are
compared with, from bench/results/{latest,status-latest,api-latest,inzage-latest,web-latest,audit-latest}.json.

    python3 bench/table.py            # every figure
    python3 bench/table.py --targets  # only those with a target
"""

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
FILES = ("latest.json", "status-latest.json", "api-latest.json", "inzage-latest.json", "web-latest.json",
         "audit-latest.json")


def figures(path):
    d = json.loads(path.read_text())
    return d["figures"] if isinstance(d, dict) else d


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, float) and v >= 100:
        v = round(v)
    return f"{v:,}" if isinstance(v, int) else f"{v:,.3g}" if v < 100 else f"{v:,.1f}"


def main():
    only_targets = "--targets" in sys.argv
    print("| figure | value | unit | target | met | baseline | ratio |")
    print("|---|---:|---|---|---|---|---:|")
    for name in FILES:
        p = RESULTS / name
        if not p.exists():
            continue
        for f in figures(p):
            t, b = f.get("target"), f.get("baseline")
            if only_targets and not t:
                continue
            target = f"{t['op']} {fmt(t['value'])}" if t else ""
            met = "" if f.get("met") is None else ("yes" if f["met"] else "**no**")
            base = f"{b['name']} = {fmt(b['value'])}" if b else ""
            ratio = f"×{f['ratio']:.3g}" if f.get("ratio") is not None else ""
            print(f"| `{f['name']}` | {fmt(f['value'])} | {f['unit']} | {target} | {met} | {base} | {ratio} |")


if __name__ == "__main__":
    main()
