#!/usr/bin/env python3
"""deploy/local/vertel.py — tells in plain words what `zs tail` prints (JSON
lines on stdin): the facts of a zaak as its resident would follow them, and
the refusals an afhandelcomponent got. Used by the demo."""

import json
import sys


def vertel(m):
    r, v = m.get("record"), m.get("value") or {}
    if r == "ZaakGeregistreerd":
        s = v["status"]
        return f"{v['identificatie']} ({v['zaaktypeOmschrijving']}): stap {s['stap']}/{s['aantalStappen']} {s['omschrijving']}"
    if r == "StatusGezet":
        s, t = v["status"], v["termijnen"]
        return (f"stap {s['stap']}/{s['aantalStappen']} {s['omschrijving']} — {s['statustekst'][:70]}\n"
                f"      verwacht klaar {t['einddatumGepland']}, uiterlijk {t['uiterlijkeEinddatumAfdoening']},"
                f" op tijd: {'ja' if t['opTijd'] else 'nee'}")
    if r == "ZaakOpgeschort":
        return f"opgeschort per {v['per']}: {v['reden']}"
    if r == "ZaakHervat":
        return f"hervat per {v['per']}: beide termijnen {v['opgeschorteDagen']} dagen later"
    if r == "ZaakVerlengd":
        return f"verlengd met {v['duur']} ({v['verlengingDagen']} dagen): {v['reden']}"
    if r == "BesluitGenomen":
        return f"besluit: {v['besluittype']}, bezwaar mogelijk tot {v['uiterlijkeReactiedatum']}"
    if r == "ResultaatVastgesteld":
        return f"resultaat: {v['resultaat']}"
    if r == "ZaakAfgesloten":
        return f"afgesloten op {v['einddatum']}, archiefactiedatum {v['archiefactiedatum']}"
    if r == "OpdrachtGeweigerd":
        return "\n".join(f"geweigerd: {v['opdrachtType']} [{x['code']}] {x['tekst']}" for x in v["redenen"])
    return None


for line in sys.stdin:
    text = vertel(json.loads(line))
    if text:
        print("  " + text)
