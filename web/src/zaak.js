// zaak.js — one zaak as a resident follows it: the steps (Den Haag's
// process steps), the dates, what held it up, the besluiten and the data used.

import { h, vinkje, datum, dagen } from "./dom.js";

// [class, words] for how the zaak stands against its dates.
export function termijn(z, peil) {
  if (z.einddatum)
    return z.einddatum <= z.uiterlijkeEinddatumAfdoening
      ? ["op-tijd", "Afgerond op tijd"]
      : ["vertraagd", "Later afgerond dan de wettelijke termijn"];
  if (z.opgeschort || z.opschorting?.indicatie) return ["stil", "Staat stil: wij wachten op iets"];
  if (!z.einddatumGepland || peil <= z.einddatumGepland) return ["op-tijd", "Op tijd"];
  if (peil <= z.uiterlijkeEinddatumAfdoening) return ["vertraagd", "Vertraagd, maar nog binnen de wettelijke termijn"];
  return ["vertraagd", "Vertraagd: de wettelijke termijn is voorbij"];
}

export function termijnBadge(z, peil) {
  const [soort, tekst] = termijn(z, peil);
  return h("span", { class: `utrecht-badge-status zs-termijn zs-termijn--${soort}` }, tekst);
}

// A text from the catalogus or an afhandelcomponent as a sentence.
function zin(t) {
  const s = String(t).trim();
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

// "P10Y" → "10 jaar", "P6W" → "6 weken", "P1Y6M" → "1 jaar en 6 maanden".
export function duur(iso) {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(iso || "");
  if (!m) return iso;
  const namen = [["jaar", "jaar"], ["maand", "maanden"], ["week", "weken"], ["dag", "dagen"]];
  const delen = namen.map(([een, meer], i) => (m[i + 1] ? `${m[i + 1]} ${m[i + 1] === "1" ? een : meer}` : null)).filter(Boolean);
  return delen.length ? delen.join(" en ") : iso;
}

function stap(soort, nummer, titel, meta, heeftVolgende, volgendeSoort) {
  const lijn = soort === "not-checked" || volgendeSoort === "not-checked" ? "not-checked" : "checked";
  return h(
    "li",
    { class: `denhaag-process-steps__step denhaag-process-steps__step--${soort}`, "aria-current": soort === "current" ? "step" : null },
    h(
      "div",
      { class: "denhaag-process-steps__step-header" },
      h("div", { class: `denhaag-step-marker denhaag-step-marker--${soort}`, "aria-hidden": "true" }, soort === "checked" ? vinkje() : String(nummer)),
      h("p", { class: `denhaag-process-steps__step-heading denhaag-process-steps__step-heading--${soort}` },
        h("span", { class: "zs-visueel-verborgen" }, soort === "checked" ? "Klaar: " : soort === "current" ? "Nu: " : "Nog te doen: "),
        titel),
    ),
    h(
      "div",
      { class: "denhaag-process-steps__step-body" },
      heeftVolgende && h("div", { class: `denhaag-step-marker__connector denhaag-step-marker__connector--${lijn} denhaag-step-marker__connector--main-to-main` }),
      meta && h("div", { class: "denhaag-process-steps__step-meta denhaag-process-steps__step-meta--date" }, meta),
    ),
  );
}

function stappen(z) {
  const gedaan = z.statussen || [];
  const volgende = z.voortgang?.volgende || [];
  const items = [];
  gedaan.forEach((s, i) => {
    const laatste = i === gedaan.length - 1;
    items.push({ soort: laatste && !z.einddatum ? "current" : "checked", titel: s.statustekst || s.omschrijving, meta: `${laatste && !z.einddatum ? "Sinds" : "Op"} ${datum(s.datumStatusGezet)}` });
  });
  for (const s of volgende) items.push({ soort: "not-checked", titel: s.statustekst || s.omschrijving, meta: null });
  return h(
    "ol",
    { class: "denhaag-process-steps", "aria-label": "Stappen van uw zaak" },
    items.map((it, i) => stap(it.soort, i + 1, it.titel, it.meta, i < items.length - 1, items[i + 1]?.soort)),
  );
}

function rij(term, ...waarde) {
  return [h("dt", { class: "utrecht-data-list__item-key" }, term), h("dd", { class: "utrecht-data-list__item-value" }, ...waarde)];
}

function datums(z, peil) {
  return h(
    "dl",
    { class: "utrecht-data-list zs-datums" },
    h("div", { class: "utrecht-data-list__item" }, rij("Ingediend op", datum(z.startdatum))),
    z.einddatum
      ? h("div", { class: "utrecht-data-list__item" }, rij("Afgerond op", datum(z.einddatum)))
      : h("div", { class: "utrecht-data-list__item" }, rij("Wij verwachten klaar te zijn op", z.einddatumGepland ? datum(z.einddatumGepland) : "Nog niet bekend")),
    h("div", { class: "utrecht-data-list__item" }, rij("Uiterlijk klaar volgens de wet", datum(z.uiterlijkeEinddatumAfdoening))),
    h("div", { class: "utrecht-data-list__item" }, rij("Hoe staat het ervoor", termijnBadge(z, peil))),
  );
}

// Words for whom the page speaks to: the resident ("uw zaak"), or a KCC
// employee reading it to them on the phone ("de zaak").
const UW = { zaak: "uw zaak", u: "u" };
const DE = { zaak: "de zaak", u: "de inwoner" };

function stilEnVerlengd(z, w) {
  const delen = [];
  for (const o of z.opschortingen || []) {
    const wanneer = o.tot ? `Van ${datum(o.van)} tot ${datum(o.tot)} stond ${w.zaak} stil` : `Sinds ${datum(o.van)} staat ${w.zaak} stil`;
    const gevolg = o.dagen ? ` De datums zijn daardoor ${dagen(o.dagen)} later.` : "";
    delen.push(h("li", { class: "utrecht-unordered-list__item" }, `${wanneer}.${gevolg}`, o.reden ? ` Reden: ${zin(o.reden)}` : "", o.toelichting ? ` Bij het verdergaan: ${zin(o.toelichting)}` : ""));
  }
  for (const v of z.verlengingen || []) {
    delen.push(h("li", { class: "utrecht-unordered-list__item" }, `Op ${datum(v.datum)} hebben wij de termijn met ${dagen(v.dagen)} verlengd.`, v.reden ? ` Reden: ${zin(v.reden)}` : ""));
  }
  if (!delen.length) return null;
  return h("section", { "aria-labelledby": "kop-vertraging" },
    h("h2", { class: "utrecht-heading-2", id: "kop-vertraging" }, "Stilstand en verlenging"),
    h("ul", { class: "utrecht-unordered-list" }, delen));
}

function besluiten(z) {
  if (!z.besluiten?.length && !z.resultaat) return null;
  return h("section", { "aria-labelledby": "kop-besluit" },
    h("h2", { class: "utrecht-heading-2", id: "kop-besluit" }, "Besluit"),
    z.resultaat && h("p", { class: "utrecht-paragraph" }, `Uitkomst: ${z.resultaat.omschrijving}.`, z.resultaat.toelichting ? ` ${z.resultaat.toelichting}` : ""),
    (z.besluiten || []).map((b) =>
      h("div", { class: "zs-besluit" },
        h("p", { class: "utrecht-paragraph" }, `Besluit van ${datum(b.datum)} (${b.identificatie}), geldig vanaf ${datum(b.ingangsdatum)}.`, b.toelichting ? ` ${b.toelichting}` : ""),
        b.uiterlijkeReactiedatum &&
          h("p", { class: "utrecht-paragraph zs-bezwaar" }, "Bent u het niet eens met dit besluit? Dan kunt u bezwaar maken tot en met ", h("strong", null, datum(b.uiterlijkeReactiedatum)), "."),
      ),
    ));
}

// What a message was about, when its subject is not shown (a summary).
const AANLEIDING = {
  zaak_ontvangen: "Uw aanvraag is ontvangen", status_gewijzigd: "De status is veranderd",
  termijn_nadert: "De termijn is bijna voorbij", termijn_overschreden: "De termijn is voorbij",
  zaak_opgeschort: "De zaak staat stil", zaak_hervat: "De zaak gaat verder", zaak_verlengd: "De termijn is verlengd",
  besluit_genomen: "Er is een besluit genomen", zaak_afgesloten: "De zaak is afgerond",
};
const KANAAL = { email: "per e-mail", sms: "per sms", berichtenbox: "in de Berichtenbox van MijnOverheid", brief: "per brief" };

function berichten(z, w) {
  return h("section", { "aria-labelledby": "kop-berichten" },
    h("h2", { class: "utrecht-heading-2", id: "kop-berichten" }, "Berichten"),
    (z.berichten || []).length
      ? h("ul", { class: "utrecht-unordered-list" }, z.berichten.map((b) =>
          h("li", { class: "utrecht-unordered-list__item" },
            b.verstuurdOp ? `${datum(b.verstuurdOp)}: ` : "",
            h("strong", null, b.onderwerp || AANLEIDING[b.aanleiding] || "Bericht"),
            KANAAL[b.kanaal] ? ` (${KANAAL[b.kanaal]})` : "")))
      : h("p", { class: "utrecht-paragraph" }, `Wij hebben ${w.u} over deze zaak nog geen berichten gestuurd.`));
}

function gegevens(z) {
  if (!z.gebruikteGegevens) return null;
  const va = z.verwerkingsactiviteit || {};
  const metWaarde = z.gebruikteGegevens.some((g) => g.waarde !== undefined);
  return h("section", { "aria-labelledby": "kop-gegevens" },
    h("h2", { class: "utrecht-heading-2", id: "kop-gegevens" }, "Welke gegevens wij gebruiken"),
    va.doel && h("p", { class: "utrecht-paragraph" }, `Waarvoor wij uw gegevens gebruiken: ${zin(va.doel)}`),
    va.grondslag && h("p", { class: "utrecht-paragraph" }, `Dit mag op grond van: ${zin(va.grondslag)}`),
    va.bewaartermijn && h("p", { class: "utrecht-paragraph" }, `Hoe lang wij de gegevens bewaren: ${duur(va.bewaartermijn)}.`),
    z.gebruikteGegevens.length
      ? h("div", { class: "zs-tabel-rol", role: "region", "aria-labelledby": "kop-gegevens", tabindex: "0" },
          h("table", { class: "utrecht-table" },
            h("thead", { class: "utrecht-table__header" },
              h("tr", { class: "utrecht-table__row" },
                h("th", { class: "utrecht-table__header-cell", scope: "col" }, "Gegeven"),
                metWaarde && h("th", { class: "utrecht-table__header-cell", scope: "col" }, "Wat wij hebben"),
                h("th", { class: "utrecht-table__header-cell", scope: "col" }, "Waarvoor"),
                h("th", { class: "utrecht-table__header-cell", scope: "col" }, "Waarom dit mag"))),
            h("tbody", { class: "utrecht-table__body" },
              z.gebruikteGegevens.map((g) =>
                h("tr", { class: "utrecht-table__row" },
                  h("th", { class: "utrecht-table__header-cell", scope: "row" }, g.naam),
                  metWaarde && h("td", { class: "utrecht-table__cell", "data-label": "Wat wij hebben" }, g.waarde ?? ""),
                  h("td", { class: "utrecht-table__cell", "data-label": "Waarvoor" }, g.doel || ""),
                  h("td", { class: "utrecht-table__cell", "data-label": "Waarom dit mag" }, g.grondslag || ""))))))
      : h("p", { class: "utrecht-paragraph" }, "Voor deze zaak gebruiken wij geen extra gegevens."));
}

export function zaakPagina(z, peil, terug, medewerker = false) {
  const v = z.voortgang;
  const w = medewerker ? DE : UW;
  return [
    terug,
    h("h1", { class: "utrecht-heading-1", tabindex: "-1" }, z.zaaktypeOmschrijving),
    h("p", { class: "utrecht-paragraph zs-zaaknummer" }, `Zaaknummer ${z.identificatie}`),
    z.omschrijving && z.omschrijving !== z.zaaktypeOmschrijving && h("p", { class: "utrecht-paragraph" }, z.omschrijving),
    h("section", { "aria-labelledby": "kop-stappen" },
      h("h2", { class: "utrecht-heading-2", id: "kop-stappen" }, `Waar staat ${w.zaak}`),
      v && h("p", { class: "utrecht-paragraph zs-stap" }, z.einddatum ? `Afgerond: alle ${v.aantalStappen} stappen zijn klaar.` : `Stap ${v.stap} van ${v.aantalStappen}`),
      stappen(z)),
    h("section", { "aria-labelledby": "kop-datums" },
      h("h2", { class: "utrecht-heading-2", id: "kop-datums" }, "Wanneer is het klaar"),
      datums(z, peil)),
    stilEnVerlengd(z, w),
    besluiten(z),
    berichten(z, w),
    gegevens(z),
  ];
}
