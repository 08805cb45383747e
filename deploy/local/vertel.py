#!/usr/bin/env python3
"""deploy/local/vertel.py — tells in plain words what `zs tail` prints (JSON
lines on stdin): the facts of a zaak as its resident would follow them, the
refusals an afhandelcomponent got, and the raadplegingen recorded. With
`api`, one reply of the Track & Trace API on stdin (a list, a timeline or a
problem document) as the resident's screen would show it. Used by the demo."""

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
    if r == "GegevensGeraadpleegd":
        wie = v["actor"]["rol"] or v["actor"]["type"]
        waarom = f", reden: {v['reden']}" if v.get("reden") else ""
        return (f"vastgelegd: {wie} {v['actie']} {v.get('zaakIdentificatie') or '(lijst)'} → {v['besluit']}"
                f" ({v['regel']}, {v.get('detailniveau') or '-'}{waarom})")
    if r == "OpdrachtGeweigerd":
        return "\n".join(f"geweigerd: {v['opdrachtType']} [{x['code']}] {x['tekst']}" for x in v["redenen"])
    if r == "AuditRegel":
        wie = v.get("gebruikersId") or v.get("applicatieId") or "(het platform)"
        if len(wie) == 64:
            wie = f"inwoner {wie[:8]}… (pseudoniem)"
        return f"#{v['volgnummer']} {v['aanmaakdatum'][:19]} {wie}: {v['actie']} {v['resource']} → {v['resultaat']}"
    if r == "BoomhoofdGetekend":
        return f"boomhoofd: {v['boomgrootte']} regels, getekend met sleutel {v['sleutelId']}"
    return None


def scherm(d):
    """One API reply, as a portal page would put it."""
    if "verwerkingsactiviteiten" in d:
        return [f"{v['naam']} ({v['bron']}{', ' + v['zaaktype'] if v.get('zaaktype') else ''}):"
                f" grondslag {'ja' if v.get('grondslag') else 'NEE'}, bewaren {v.get('bewaartermijn') or '?'}"
                for v in d["verwerkingsactiviteiten"]]
    if "bevindingen" in d:
        return [f"[{b['code']}] {b['tekst']}" for b in d["bevindingen"]] or ["geen bevindingen"]
    if "pad" in d and "boomhoofd" in d:
        h = d["boomhoofd"]
        return [f"regel {d['volgnummer']} ({d['regel']['actie']} {d['regel']['resource']}) zit in de boom van"
                f" {h['boomgrootte']} regels: {len(d['pad'])} hashes naar de getekende wortel {h['wortelHash'][:16]}…"]
    if "status" in d and isinstance(d["status"], int):
        fouten = "; ".join(f"{p['name']}: {p['reason']}" for p in d.get("invalidParams", []))
        return [f"HTTP {d['status']} {d.get('code')}: {d.get('title')}" + (f" ({fouten})" if fouten else "")]
    if "results" in d:
        return [f"{z['identificatie']} {z['zaaktypeOmschrijving']}: {(z.get('status') or {}).get('omschrijving')}"
                f", verwacht klaar {z.get('einddatumGepland')}" + (f", afgerond {z['einddatum']}" if z.get("einddatum") else "")
                for z in d["results"]] or ["(geen zaken)"]
    v = d.get("voortgang") or {}
    out = [f"{d['identificatie']} {d['zaaktypeOmschrijving']} — stap {v.get('stap')} van {v.get('aantalStappen')}"
           f" ({d.get('detailniveau')})",
           f"verwacht klaar {d.get('einddatumGepland')}, uiterlijk {d.get('uiterlijkeEinddatumAfdoening')}"]
    out += [f"  {s['datumStatusGezet'][:10]} {s['omschrijving']}" for s in d.get("statussen", [])]
    out += [f"besluit {b['besluittype']}: bezwaar kan tot {b['uiterlijkeReactiedatum']}" for b in d.get("besluiten", [])]
    if "gebruikteGegevens" in d:
        out.append("gebruikte gegevens: " + ", ".join(g["naam"] for g in d["gebruikteGegevens"]))
    else:
        out.append("gebruikte gegevens: niet voor deze raadpleger")
    return out


if sys.argv[1:] == ["api"]:
    for line in scherm(json.load(sys.stdin)):
        print("    " + line)
    sys.exit(0)

for line in sys.stdin:
    text = vertel(json.loads(line))
    if text:
        print("  " + text)
