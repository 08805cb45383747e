// voorkeuren.js — how the resident wants to hear about their zaken, kept by
// zs-notificatie: an e-mail address, a mobile number, and whether every
// update or only "u moet iets doen".

import { h, veld, keuze } from "./dom.js";

export function voorkeurenFormulier(v, opslaan) {
  const melding = h("div", { id: "voorkeuren-melding" });
  const form = h("form", { class: "utrecht-form", novalidate: true },
    veld("emailadres", "E-mailadres", { type: "email", autocomplete: "email", value: v.emailadres || "", maxlength: "254" },
      "Laat leeg als u geen e-mail wilt."),
    veld("telefoonnummer", "Mobiel nummer", { type: "tel", autocomplete: "tel", value: v.telefoonnummer || "", maxlength: "20" },
      "Voor een sms. Bijvoorbeeld 06 12345678. Laat leeg als u geen sms wilt."),
    h("fieldset", { class: "utrecht-form-fieldset" },
      h("legend", { class: "utrecht-form-fieldset__legend" }, "Wanneer wilt u een bericht?"),
      keuze("updates", "ja", "Bij elke stap van mijn zaak", v.updates !== false),
      keuze("updates", "nee", "Alleen als ik iets moet doen", v.updates === false)),
    melding,
    h("p", { class: "utrecht-paragraph" }, h("button", { type: "submit", class: "utrecht-button utrecht-button--primary-action" }, "Opslaan")));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const email = form.emailadres.value.trim();
    const tel = form.telefoonnummer.value.replace(/[\s-]/g, "");
    melding.replaceChildren(await opslaan({ emailadres: email || null, telefoonnummer: tel || null, updates: form.updates.value === "ja" }));
    melding.querySelector("[role]")?.focus?.();
  });
  return form;
}
