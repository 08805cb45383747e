// dom.js — building the page from data without ever parsing it as HTML, and
// Dutch dates.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

// The check mark of a finished step (Den Haag's icon set draws the same).
export function vinkje() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  const pad = document.createElementNS(ns, "path");
  const zet = (el, attrs) => Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, v));
  zet(svg, { viewBox: "0 0 24 24", "aria-hidden": "true", focusable: "false", class: "denhaag-icon", width: "1em", height: "1em" });
  zet(pad, { d: "M20 6 9 17l-5-5", fill: "none", stroke: "currentColor", "stroke-width": "2.5", "stroke-linecap": "round", "stroke-linejoin": "round" });
  svg.append(pad);
  return svg;
}

// Form fields in the Utrecht/Den Haag markup.
export function veld(id, label, attrs = {}, hint = null) {
  return h("div", { class: "utrecht-form-field utrecht-form-field--text" },
    h("div", { class: "utrecht-form-field__label" }, h("label", { class: "utrecht-form-label", for: id }, label)),
    hint && h("div", { class: "utrecht-form-field-description", id: `${id}-hint` }, hint),
    h("div", { class: "utrecht-form-field__input" },
      h("input", { class: "utrecht-textbox utrecht-textbox--html-input", id, name: id, "aria-describedby": hint ? `${id}-hint` : null, ...attrs })));
}

export function keuze(naam, waarde, label, checked) {
  const id = `${naam}-${waarde}`;
  return h("div", { class: "utrecht-form-field utrecht-form-field--radio" },
    h("div", { class: "utrecht-form-field__input" },
      h("input", { type: "radio", class: "utrecht-radio-button utrecht-radio-button--html-input", id, name: naam, value: waarde, checked })),
    h("div", { class: "utrecht-form-field__label" }, h("label", { class: "utrecht-form-label utrecht-form-label--radio", for: id }, label)));
}

const DAG = new Intl.DateTimeFormat("nl-NL", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const MOMENT = new Intl.DateTimeFormat("nl-NL", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/Amsterdam" });
const ISO = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone: "Europe/Amsterdam" });

// "2026-03-02" → "2 maart 2026"; a date-time → its Dutch day.
export function datum(s) {
  if (!s) return null;
  if (s.length > 10) return MOMENT.format(new Date(s));
  const [y, m, d] = s.split("-").map(Number);
  return DAG.format(new Date(Date.UTC(y, m - 1, d)));
}

// Today in the Netherlands, as YYYY-MM-DD (comparable with the API's dates).
export function vandaag() {
  return ISO.format(new Date());
}

export function dagen(n) {
  return n === 1 ? "1 dag" : `${n} dagen`;
}
