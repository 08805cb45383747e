#!/usr/bin/env python3
"""deploy/local/mijn_gegevens.py overzicht|rapport — a reply of zs-inzage on
stdin, told as a resident's page would show it (the demo's last steps)."""

import json
import sys


def overzicht(doc):
    print(f"    {doc['toelichting'][:120]}...")
    for z in doc["zaken"]:
        print(f"    Zaak {z['zaaknummer']} ({z['soortZaak']}), status {z['status']}, uw rol: {', '.join(z['uwRol'])}")
        for g in z["gegevens"]:
            print(f"      - {g['gegeven']}: {g['waarde']}")
            print(f"          waarvoor: {g['doel']}")
            print(f"          bron: {g['bron']}; bewaard: {g['bewaartermijn']}")
    for b in doc["berichten"]:
        print(f"    Bericht via {b['kanaal']} op {b['verstuurdOp']}: {b['onderwerp']}")
    for r in doc["raadplegingen"]:
        print(f"    Bekeken op {r['wanneer']} door {r['wie']}, reden: {r.get('waarom') or '-'} ({r['doel']})")
    for o in doc["ontvangers"]:
        print(f"    Ontvanger: {o}")
    # The Logboek Dataverwerkingen (from zs-audit): which processing her data went through.
    for v in doc.get("verwerkingen") or []:
        print(f"    Verwerkt voor: {v['naam']} — {v['aantal']} keer, "
              f"van {v['eerste'][:10]} tot {v['laatste'][:10]}")


def rapport(doc):
    a = doc["art15"]
    print(f"    Verzoek {doc['verzoek']['verzoekId']}, ontvangen {doc['verzoek']['ontvangenOp']}, "
          f"uiterlijk {doc['verzoek']['uitersteDatum']}")
    for kop, veld in (("Doeleinden", "doeleinden"), ("Soorten gegevens", "categorieenPersoonsgegevens"),
                      ("Ontvangers", "ontvangers"), ("Bewaartermijnen", "bewaartermijnen"),
                      ("Bronnen", "bronnen")):
        print(f"    {kop}:")
        for x in a[veld]:
            print(f"      - {x}")
    print(f"    Geautomatiseerde besluiten: {a['geautomatiseerdeBesluitvorming'] or 'geen'}")
    print(f"    Zaken: {', '.join(a['zaken'])}; raadplegingen vastgelegd: {a['aantalRaadplegingen']}")


def main():
    doc = json.load(sys.stdin)
    if "status" in doc and "title" in doc:  # a problem document
        print(f"    {doc['status']} {doc['title']} {doc.get('detail') or ''}")
        return
    {"overzicht": overzicht, "rapport": rapport}[sys.argv[1]](doc)


if __name__ == "__main__":
    main()
