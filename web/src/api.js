// api.js — the Track & Trace API, and what its errors mean for a person.

export class ApiFout extends Error {
  constructor(status, doc) {
    super(doc?.title || `HTTP ${status}`);
    this.status = status;
    this.code = doc?.code || null;
    this.invalidParams = doc?.invalidParams || [];
  }
}

export async function vraag(pad, token, init = {}) {
  let r;
  try {
    r = await fetch(pad, {
      ...init,
      headers: { Accept: "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(init.headers || {}) },
      cache: "no-store",
      credentials: "omit",
    });
  } catch {
    throw new ApiFout(0, null);
  }
  let doc = null;
  try {
    doc = await r.json();
  } catch {
    doc = null;
  }
  if (!r.ok) throw new ApiFout(r.status, doc);
  return doc;
}

// [title, text] in plain Dutch for what went wrong.
export function uitleg(fout, wat = "uw zaken") {
  if (!(fout instanceof ApiFout)) return ["Er ging iets mis", "Probeer het later opnieuw."];
  if (fout.status === 0) return ["Geen verbinding", "Controleer uw internetverbinding en probeer het opnieuw."];
  if (fout.status === 401) return ["U bent niet meer ingelogd", "Log opnieuw in om verder te gaan."];
  if (fout.status === 404) return ["Zaak niet gevonden", "We kunnen deze zaak niet vinden. Misschien klopt het zaaknummer niet, of is het niet uw zaak."];
  if (fout.status === 403) return ["Dit mag niet", "U mag de zaken van deze persoon niet bekijken."];
  if (fout.status === 503 && fout.code === "niet_vastgelegd")
    return ["Nu even niet te zien", `We laten ${wat} pas zien als we hebben vastgelegd wie ze bekijkt. Dat lukte nu niet. Probeer het over een paar minuten opnieuw.`];
  if (fout.status === 503) return ["Nu even niet beschikbaar", "Deze pagina werkt nu even niet. Probeer het over een paar minuten opnieuw."];
  if (fout.status === 400 && fout.invalidParams.length)
    return ["Controleer wat u invulde", fout.invalidParams.map((p) => p.reason).join(" ")];
  return ["Er ging iets mis", "Probeer het later opnieuw."];
}
