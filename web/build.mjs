// build.mjs — builds the page into dist/: the page's own files from src/,
// and one stylesheet (css/denhaag.css) made of exactly the parts of Den Haag's
// design system (NL Design System) the page uses, copied from node_modules as
// npm installed them from package-lock.json. No bundler, no network.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const nm = join(here, "node_modules");
const dist = join(here, "dist");

// [package, file]: the theme (tokens under .denhaag-theme), then components.
const delen = [
  ["@gemeente-denhaag/design-tokens-components", "dist/theme/index.css"],
  ...["root", "document", "paragraph", "heading-1", "heading-2", "heading-3", "link", "button", "form-field",
    "form-label", "form-fieldset", "form-field-description", "textbox", "radio-button", "alert", "data-list",
    "table", "unordered-list", "skip-link"].map((c) => [`@utrecht/${c}-css`, "dist/index.min.css"]),
  ["@gemeente-denhaag/step-marker", "dist/index.css"],
  ["@gemeente-denhaag/process-steps", "dist/index.css"],
];

function versie(pkg) {
  const p = JSON.parse(readFileSync(join(nm, pkg, "package.json"), "utf8"));
  return `${p.name}@${p.version} (${p.license})`;
}

let css = "/* Built by web/build.mjs from npm packages (see web/package-lock.json). */\n";
for (const [pkg, file] of delen) {
  let bron;
  try {
    bron = readFileSync(join(nm, pkg, file), "utf8");
  } catch {
    throw new Error(`${pkg}/${file} missing: run npm ci in web/`);
  }
  css += `/* ${versie(pkg)} ${file} */\n${bron.replace(/\/\*# sourceMappingURL=.*?\*\//g, "")}\n`;
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "css"), { recursive: true });
cpSync(join(here, "src"), dist, { recursive: true });
rmSync(join(dist, "app.css"));
writeFileSync(join(dist, "css", "app.css"), readFileSync(join(here, "src", "app.css")));
writeFileSync(join(dist, "css", "denhaag.css"), css);
console.log(`web: built dist/ (denhaag.css ${Math.round(css.length / 1024)} KiB from ${delen.length} parts)`);
