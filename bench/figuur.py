"""bench/figuur.py — one figure as every bench script writes it to
bench/results/*.json (and bench/table.py reads it): name, value, unit,
target and whether it was met, baseline and ratio."""


def figuur(figs, log, name, value, unit, target=None, baseline=None):
    """Appends the figure to figs and tells it with log."""
    met = None
    if target is not None and value is not None:
        op, t = target
        met = value >= t if op == ">=" else value <= t
    b = {"name": baseline[0], "value": baseline[1]} if baseline else None
    ratio = round(value / baseline[1], 3) if baseline and baseline[1] and value is not None else None
    figs.append({"name": name, "value": value, "unit": unit,
                 "target": {"op": target[0], "value": target[1]} if target else None, "met": met,
                 "baseline": b, "ratio": ratio})
    log(f"{name} = {value} {unit}" + (f" (target {target[0]} {target[1]}: {'met' if met else 'MISSED'})"
                                      if target else "") + (f" [{ratio}× {baseline[0]}]" if b else ""))
