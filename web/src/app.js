// app.js — Mijn zaken: the pages and how one leads to the next. Routes live
// in the hash (#/zaken, #/zaak/ZAAK-...), so the token in memory survives
// every step; a reload means logging in again.

import { h, datum, vandaag, veld, keuze } from "./dom.js";
import { vraag, uitleg } from "./api.js";
import { huidigToken, wie, uitloggen, ontwikkelLogin, oidcStart, oidcTerug } from "./login.js";
import { zaakPagina, termijnBadge } from "./zaak.js";
import { gegevensPagina } from "./gegevens.js";
import { voorkeurenFormulier } from "./voorkeuren.js";

const main = document.getElementById("inhoud");
const kopRechts = document.getElementById("kop-rechts");
let config = { login: null };
// Whom a gemachtigde acts for (null: themselves); the KCC's person and reason.
let namens = null;
let kcc = null;
let melding = null;

const isMedewerker = () => !!wie()?.medewerker_id;
const machtigingen = () => (wie()?.machtigingen || []).map((m) => m.bsn || m.kvk).filter(Boolean);
// A gemachtigde chooses: herself (her own BSN) or one she acts for. Without a
// choice the API would mix everyone's zaken.
const anders = () => (namens && namens !== (wie()?.bsn || wie()?.kvk) ? namens : null);
const peil = () => config.vandaag || vandaag();

function toon(...inhoud) {
  main.replaceChildren(...inhoud.flat(Infinity).filter(Boolean));
  kop();
  const h1 = main.querySelector("h1");
  if (h1) h1.focus();
}

function kop() {
  kopRechts.replaceChildren();
  if (!huidigToken()) return;
  const wat = isMedewerker()
    ? kcc ? `KCC: BSN ${kcc.bsn}` : "KCC-medewerker"
    : anders() ? `Namens BSN ${anders()}` : null;
  if (wat) kopRechts.append(h("span", { class: "zs-namens" }, wat));
  if (machtigingen().length || isMedewerker())
    kopRechts.append(h("a", { class: "utrecht-link", href: isMedewerker() ? "#/kcc" : "#/namens" }, isMedewerker() ? "Andere inwoner" : "Wisselen"));
  kopRechts.append(
    h("button", { type: "button", class: "utrecht-button utrecht-button--secondary-action", onclick: () => { uitloggen(); namens = kcc = null; location.hash = "#/"; route(); } }, "Uitloggen"),
  );
}

function alert(soort, titel, tekst, ...extra) {
  return h("div", { class: `utrecht-alert utrecht-alert--${soort}`, role: soort === "error" ? "alert" : "status" },
    h("div", { class: "utrecht-alert__content" },
      h("div", { class: "utrecht-alert__message" },
        h("p", { class: "utrecht-paragraph zs-alert-titel" }, h("strong", null, titel)),
        h("p", { class: "utrecht-paragraph" }, tekst),
        extra)));
}

function foutPagina(fout, opnieuw, wat) {
  const [titel, tekst] = uitleg(fout, wat);
  if (fout.status === 401) {
    uitloggen();
    melding = [titel, tekst];
    location.hash = "#/";
    return;
  }
  toon(
    h("h1", { class: "utrecht-heading-1", tabindex: "-1" }, titel),
    alert(fout.status === 404 ? "info" : "error", titel, tekst),
    h("p", { class: "utrecht-paragraph zs-acties" },
      opnieuw && h("button", { type: "button", class: "utrecht-button utrecht-button--primary-action", onclick: opnieuw }, "Opnieuw proberen"),
      " ",
      h("a", { class: "utrecht-link", href: "#/zaken" }, "Naar Mijn zaken")),
  );
}

function knop(tekst) {
  return h("button", { type: "submit", class: "utrecht-button utrecht-button--primary-action" }, tekst);
}

// Pages.

function loginPagina() {
  const delen = [h("h1", { class: "utrecht-heading-1", tabindex: "-1" }, "Inloggen bij Mijn zaken")];
  if (melding) {
    delen.push(alert("warning", melding[0], melding[1]));
    melding = null;
  }
  delen.push(h("p", { class: "utrecht-paragraph" }, "Hier ziet u uw aanvragen bij de gemeente, hoe ver ze zijn en wanneer ze klaar zijn."));
  if (config.login === "oidc") {
    delen.push(h("p", { class: "utrecht-paragraph" },
      h("button", { type: "button", class: "utrecht-button utrecht-button--primary-action", onclick: () => oidcStart(config.oidc) }, "Inloggen met DigiD")));
  } else if (config.login === "ontwikkel") {
    delen.push(ontwikkelFormulier());
  } else {
    delen.push(alert("info", "Inloggen is niet ingesteld", "Deze omgeving heeft geen inlogmethode. Vraag de beheerder om DigiD in te stellen."));
  }
  toon(delen);
}

function ontwikkelFormulier() {
  const fout = h("div", { id: "login-fout" });
  const form = h("form", { class: "utrecht-form", novalidate: true },
    alert("warning", "Ontwikkelomgeving", "U logt hier in zonder DigiD, met een testpersoon. Dit kan alleen in een ontwikkelomgeving."),
    h("fieldset", { class: "utrecht-form-fieldset" },
      h("legend", { class: "utrecht-form-fieldset__legend" }, "Wie bent u?"),
      keuze("soort", "inwoner", "Inwoner", true),
      keuze("soort", "gemachtigde", "Gemachtigde: ik regel zaken voor iemand anders", false),
      keuze("soort", "kcc", "Medewerker van het KCC (14070)", false)),
    veld("bsn", "Uw BSN", { inputmode: "numeric", autocomplete: "off", maxlength: "9" }, "9 cijfers, bijvoorbeeld 999991772."),
    h("div", { id: "groep-machtiging", hidden: true }, veld("machtiging", "BSN van wie u vertegenwoordigt", { inputmode: "numeric", autocomplete: "off", maxlength: "9" })),
    h("div", { id: "groep-medewerker", hidden: true }, veld("medewerker", "Uw medewerkernummer", { autocomplete: "off", maxlength: "40" })),
    fout,
    h("p", { class: "utrecht-paragraph" }, knop("Inloggen")),
  );
  form.addEventListener("change", () => {
    const soort = form.soort.value;
    form.querySelector("#groep-machtiging").hidden = soort !== "gemachtigde";
    form.querySelector("#groep-medewerker").hidden = soort !== "kcc";
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const soort = form.soort.value;
    const bsn = form.bsn.value.trim();
    const claims = soort === "kcc"
      ? { medewerker_id: form.medewerker.value.trim(), roles: ["kcc-medewerker"], bsn }
      : { bsn, loa: "midden", ...(soort === "gemachtigde" ? { machtigingen: [{ bsn: form.machtiging.value.trim() }] } : {}) };
    try {
      await ontwikkelLogin(soort === "kcc" ? "medewerker" : "inwoner", claims);
      namens = kcc = null;
      location.hash = isMedewerker() ? "#/kcc" : machtigingen().length ? "#/namens" : "#/zaken";
      route();
    } catch (err) {
      const [titel, tekst] = uitleg(err);
      fout.replaceChildren(alert("error", titel, tekst));
      fout.querySelector(".utrecht-alert").focus?.();
    }
  });
  return form;
}

function namensPagina() {
  const form = h("form", { class: "utrecht-form" },
    h("fieldset", { class: "utrecht-form-fieldset" },
      h("legend", { class: "utrecht-form-fieldset__legend" }, "Kies voor wie u kijkt"),
      keuze("namens", "zelf", "Voor mijzelf", !anders()),
      machtigingen().map((n) => keuze("namens", n, `Namens BSN ${n}`, anders() === n))),
    h("p", { class: "utrecht-paragraph" }, knop("Bekijk de zaken")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    namens = form.namens.value === "zelf" ? wie().bsn || wie().kvk : form.namens.value;
    location.hash = "#/zaken";
  });
  toon(h("h1", { class: "utrecht-heading-1", tabindex: "-1" }, "Voor wie wilt u de zaken zien?"),
    h("p", { class: "utrecht-paragraph" }, "U mag ook de zaken bekijken van iemand die u daarvoor een machtiging heeft gegeven."), form);
}

function kccPagina() {
  const fout = h("div");
  const form = h("form", { class: "utrecht-form", novalidate: true },
    veld("reden", "Waarom bekijkt u deze gegevens?", { autocomplete: "off", maxlength: "200", required: true, value: kcc?.reden || "" },
      "Bijvoorbeeld: inwoner belt over de status van haar aanvraag. Dit wordt vastgelegd."),
    veld("inwoner", "BSN van de inwoner", { inputmode: "numeric", autocomplete: "off", maxlength: "9", required: true, value: kcc?.bsn || "" }),
    fout,
    h("p", { class: "utrecht-paragraph" }, knop("Zaken bekijken")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const reden = form.reden.value.trim();
    const bsn = form.inwoner.value.trim();
    const fouten = [];
    if (!reden) fouten.push("Vul in waarom u de gegevens bekijkt.");
    else if (reden.length < 5 || (reden.match(/\p{L}/gu) || []).length < 3)
      fouten.push("Schrijf de reden in een paar woorden, bijvoorbeeld: inwoner belt over de status.");
    if (!/^[0-9]{9}$/.test(bsn)) fouten.push("Vul een BSN van 9 cijfers in.");
    if (fouten.length) {
      fout.replaceChildren(alert("error", "Controleer wat u invulde", fouten.join(" ")));
      return;
    }
    kcc = { bsn, reden };
    location.hash = "#/zaken";
  });
  toon(h("h1", { class: "utrecht-heading-1", tabindex: "-1" }, "Klantcontact: eerst de reden"),
    h("p", { class: "utrecht-paragraph" }, "U ziet de zaken van een inwoner alleen met een reden. Wij leggen vast wie er kijkt en waarom."), form);
}

// The list: a resident's own zaken by GET; as soon as someone is named (a
// machtiging chosen, the KCC's inwoner and reason) by POST _zoek with them
// in the body, because a BSN or reason in a URL ends up in proxy logs. The
// next page is the next link with the same body.
function lijstVraag(status) {
  const body = { status, pageSize: 20 };
  if (namens) body.namens = namens;
  if (kcc) {
    body.bsn = kcc.bsn;
    body.reden = kcc.reden;
  }
  if (!body.namens && !body.bsn) return { pad: `/api/v1/zaken?${new URLSearchParams({ status, pageSize: "20" })}` };
  return { pad: "/api/v1/zaken/_zoek", body };
}

const lijstInit = (body) =>
  body ? { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) } : {};

function zaakItem(z) {
  const status = z.status?.statustekst || z.status?.omschrijving;
  return h("li", { class: "zs-zaak" },
    h("h2", { class: "utrecht-heading-3 zs-zaak__titel" }, h("a", { class: "utrecht-link", href: `#/zaak/${encodeURIComponent(z.identificatie)}` }, z.zaaktypeOmschrijving)),
    h("p", { class: "utrecht-paragraph zs-zaak__meta" }, `Zaaknummer ${z.identificatie} · ingediend op ${datum(z.startdatum)}`),
    status && h("p", { class: "utrecht-paragraph" }, status),
    h("p", { class: "utrecht-paragraph zs-zaak__meta" },
      z.einddatum ? `Afgerond op ${datum(z.einddatum)}` : z.einddatumGepland ? `Verwacht klaar op ${datum(z.einddatumGepland)}` : null,
      " ", termijnBadge(z, peil())));
}

async function zakenPagina(status) {
  if (isMedewerker() && !kcc) {
    location.hash = "#/kcc";
    return;
  }
  if (machtigingen().length && !namens) {
    location.hash = "#/namens";
    return;
  }
  const titel = kcc ? `Zaken van BSN ${kcc.bsn}` : anders() ? `Zaken van BSN ${anders()}` : "Mijn zaken";
  const tab = (s, tekst) => h("a", { class: "utrecht-link zs-tab", href: `#/zaken/${s}`, "aria-current": s === status ? "page" : null }, tekst);
  const lijst = h("ul", { class: "zs-zaken", "aria-label": status === "open" ? "Lopende zaken" : "Afgeronde zaken" });
  const meer = h("p", { class: "utrecht-paragraph" });
  const { pad: begin, body } = lijstVraag(status);
  const laad = async (pad) => {
    const doc = await vraag(pad, huidigToken(), lijstInit(body));
    lijst.append(...doc.results.map(zaakItem));
    meer.replaceChildren();
    if (doc.next) {
      const b = h("button", { type: "button", class: "utrecht-button utrecht-button--secondary-action" }, "Meer zaken laden");
      b.addEventListener("click", async () => {
        b.disabled = true;
        const eerste = lijst.children.length;
        try {
          await laad(doc.next);
          lijst.children[eerste]?.querySelector("a")?.focus();
        } catch (err) {
          foutPagina(err, () => route(), kcc ? "deze zaken" : "uw zaken");
        }
      });
      meer.append(b);
    }
    return doc;
  };
  try {
    const doc = await laad(begin);
    toon(
      h("h1", { class: "utrecht-heading-1", tabindex: "-1" }, titel),
      h("nav", { class: "zs-tabs", "aria-label": "Soort zaken" }, tab("open", "Lopende zaken"), tab("gesloten", "Afgeronde zaken")),
      !isMedewerker() && (config.inzage || config.notificatie) &&
        h("ul", { class: "zs-links" },
          config.inzage && h("li", null, h("a", { class: "utrecht-link", href: "#/mijn-gegevens" }, "Wie heeft mijn gegevens gezien?")),
          config.notificatie && !anders() && h("li", null, h("a", { class: "utrecht-link", href: "#/voorkeuren" }, "Hoe wilt u berichten krijgen?"))),
      doc.results.length
        ? lijst
        : h("p", { class: "utrecht-paragraph zs-leeg" }, status === "open" ? "Er zijn geen lopende zaken." : "Er zijn geen afgeronde zaken."),
      meer,
    );
    performance.mark("zaken-getoond");
  } catch (err) {
    foutPagina(err, () => route(), kcc ? "deze zaken" : "uw zaken");
  }
}

async function zaakDetail(id) {
  if (isMedewerker() && !kcc) {
    location.hash = "#/kcc";
    return;
  }
  // The KCC's reason in a header, never in the URL (proxy logs); a header is ASCII.
  const init = kcc ? { headers: { "ZS-Reden": encodeURIComponent(kcc.reden) } } : {};
  try {
    const z = await vraag(`/api/v1/zaken/${encodeURIComponent(id)}`, huidigToken(), init);
    const terug = h("p", { class: "utrecht-paragraph zs-terug" }, h("a", { class: "utrecht-link", href: `#/zaken/${z.einddatum ? "gesloten" : "open"}` }, "← Terug naar de zaken"));
    toon(zaakPagina(z, peil(), terug, isMedewerker()));
    performance.mark("zaak-interactief");
  } catch (err) {
    foutPagina(err, () => route(), "deze zaak");
  }
}

async function mijnGegevens() {
  // Whom a gemachtigde acts for goes in a POST body: a BSN in a URL ends up in proxy logs.
  const basis = `${config.inzage.replace(/\/$/, "")}/api/v1/mijn-gegevens`;
  try {
    const doc = anders()
      ? await vraag(`${basis}/_zoek`, huidigToken(), lijstInit({ namens: anders() }))
      : await vraag(basis, huidigToken());
    const terug = h("p", { class: "utrecht-paragraph zs-terug" }, h("a", { class: "utrecht-link", href: "#/zaken" }, "← Terug naar de zaken"));
    toon(gegevensPagina(doc, terug));
    performance.mark("gegevens-getoond");
  } catch (err) {
    foutPagina(err, () => route(), "uw gegevens");
  }
}

// A resident's own preferences only: a gemachtigde sets their own, not
// those of whom they act for.
async function voorkeuren() {
  const url = `${config.notificatie.replace(/\/$/, "")}/api/v1/voorkeuren`;
  const terug = h("p", { class: "utrecht-paragraph zs-terug" }, h("a", { class: "utrecht-link", href: "#/zaken" }, "← Terug naar de zaken"));
  try {
    const v = await vraag(url, huidigToken());
    const opslaan = async (nieuw) => {
      try {
        await vraag(url, huidigToken(), { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify(nieuw) });
        return alert("ok", "Opgeslagen", "Wij sturen u berichten zoals u hebt gekozen.");
      } catch (err) {
        const [titel, tekst] = uitleg(err);
        return alert("error", titel, tekst);
      }
    };
    toon(terug, h("h1", { class: "utrecht-heading-1", tabindex: "-1" }, "Hoe wilt u berichten krijgen?"),
      h("p", { class: "utrecht-paragraph" }, "Wij laten u weten wat er met uw zaken gebeurt. Kies hoe en hoe vaak."),
      voorkeurenFormulier(v, opslaan));
  } catch (err) {
    foutPagina(err, () => route(), "uw voorkeuren");
  }
}

async function route() {
  const pad = location.hash.replace(/^#/, "") || "/";
  if (!huidigToken()) return loginPagina();
  if (pad === "/namens" && machtigingen().length) return namensPagina();
  if (pad === "/kcc" && isMedewerker()) return kccPagina();
  if (pad === "/mijn-gegevens" && config.inzage && !isMedewerker()) return mijnGegevens();
  if (pad === "/voorkeuren" && config.notificatie && !isMedewerker()) return voorkeuren();
  const zaak = pad.match(/^\/zaak\/([A-Za-z0-9._-]{1,64})$/);
  if (zaak) return zaakDetail(zaak[1]);
  const lijst = pad.match(/^\/zaken(?:\/(open|gesloten))?$/);
  if (lijst) return zakenPagina(lijst[1] || "open");
  location.hash = isMedewerker() ? "#/kcc" : "#/zaken";
}

async function start() {
  try {
    config = await vraag("/config.json", null);
  } catch {
    config = { login: null };
  }
  if (config.login === "oidc") {
    try {
      if (await oidcTerug(config.oidc)) location.hash = "#/zaken";
    } catch {
      melding = ["Inloggen is niet gelukt", "Probeer het opnieuw."];
    }
  }
  window.addEventListener("hashchange", route);
  await route();
  document.documentElement.dataset.klaar = "1";
}

start();
