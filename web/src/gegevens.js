// gegevens.js — "Mijn gegevens" from zs-inzage: who looked at the resident's
// data and why, the messages sent, who received data, and what the data was
// used for (the Logboek Dataverwerkingen). Door inzicht minder inzage: what a
// formal request would ask, shown at once.

import { h, datum } from "./dom.js";

function tabel(kop, kolommen, rijen) {
  if (!rijen.length) return null;
  return h("div", { class: "zs-tabel-rol", role: "region", "aria-label": kop, tabindex: "0" },
    h("table", { class: "utrecht-table" },
      h("thead", { class: "utrecht-table__header" },
        h("tr", { class: "utrecht-table__row" }, kolommen.map(([, naam]) => h("th", { class: "utrecht-table__header-cell", scope: "col" }, naam)))),
      h("tbody", { class: "utrecht-table__body" },
        rijen.map((r) => h("tr", { class: "utrecht-table__row" },
          kolommen.map(([veld, naam], i) => i === 0
            ? h("th", { class: "utrecht-table__header-cell", scope: "row" }, r[veld] ?? "")
            : h("td", { class: "utrecht-table__cell", "data-label": naam }, r[veld] ?? "")))))));
}

export function gegevensPagina(doc, terug) {
  const gezien = (doc.raadplegingen || []).map((r) => ({ ...r, wanneer: datum(r.wanneer) }));
  const berichten = (doc.berichten || []).map((b) => ({ ...b, verstuurdOp: datum(b.verstuurdOp) }));
  const verwerkingen = (doc.verwerkingen || []).map((v) => ({ ...v, laatste: datum(v.laatste) }));
  return [
    terug,
    h("h1", { class: "utrecht-heading-1", tabindex: "-1" }, "Wie heeft mijn gegevens gezien?"),
    doc.toelichting && h("p", { class: "utrecht-paragraph" }, doc.toelichting),
    h("section", { "aria-labelledby": "kop-gezien" },
      h("h2", { class: "utrecht-heading-2", id: "kop-gezien" }, "Wie heeft uw gegevens bekeken"),
      gezien.length
        ? tabel("Wie heeft uw gegevens bekeken", [["wanneer", "Wanneer"], ["wie", "Wie"], ["waarom", "Waarom"], ["zaaknummer", "Zaak"]], gezien)
        : h("p", { class: "utrecht-paragraph" }, "Niemand anders heeft uw gegevens bekeken.")),
    h("section", { "aria-labelledby": "kop-verstuurd" },
      h("h2", { class: "utrecht-heading-2", id: "kop-verstuurd" }, "Berichten aan u"),
      berichten.length
        ? tabel("Berichten aan u", [["verstuurdOp", "Verstuurd op"], ["onderwerp", "Onderwerp"], ["kanaal", "Hoe"], ["zaaknummer", "Zaak"]], berichten)
        : h("p", { class: "utrecht-paragraph" }, "Wij hebben u nog geen berichten gestuurd.")),
    h("section", { "aria-labelledby": "kop-ontvangers" },
      h("h2", { class: "utrecht-heading-2", id: "kop-ontvangers" }, "Wie uw gegevens krijgt"),
      (doc.ontvangers || []).length
        ? h("ul", { class: "utrecht-unordered-list" }, doc.ontvangers.map((o) => h("li", { class: "utrecht-unordered-list__item" }, o)))
        : h("p", { class: "utrecht-paragraph" }, "Niemand buiten de afdeling die uw zaak behandelt.")),
    h("section", { "aria-labelledby": "kop-verwerkingen" },
      h("h2", { class: "utrecht-heading-2", id: "kop-verwerkingen" }, "Waarvoor wij uw gegevens gebruikten"),
      verwerkingen.length
        ? tabel("Waarvoor wij uw gegevens gebruikten", [["naam", "Waarvoor"], ["doel", "Doel"], ["aantal", "Hoe vaak"], ["laatste", "Laatste keer"]], verwerkingen)
        : h("p", { class: "utrecht-paragraph" }, "Er staat nog niets over u in ons logboek van verwerkingen.")),
  ];
}
