import { saveToken, storedToken } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { currentLanguage, LANGUAGES, setLanguage, t } from "./i18n.js";
import { renderOverview } from "./overview.js";
import { renderProjectPage } from "./project-page.js";

const main = document.getElementById("main");
const header = document.getElementById("header");
let stopView = () => {};

function tokenForm() {
  const input = h("input", {
    id: "api-token",
    type: "password",
    autocomplete: "off",
    required: true,
    value: storedToken(),
  });
  return h(
    "section",
    { class: "panel state state-error", "aria-labelledby": "auth-heading" },
    h("h1", { id: "auth-heading", class: "state-title" }, t("auth.title")),
    h("p", { class: "state-body" }, t("auth.body")),
    h(
      "form",
      {
        class: "token-form",
        onsubmit: (event) => {
          event.preventDefault();
          saveToken(input.value.trim());
          window.location.reload();
        },
      },
      h("label", { for: input.id }, t("auth.label")),
      input,
      h("button", { type: "submit", class: "button button-primary" }, t("auth.save")),
    ),
  );
}

function showTokenForm() {
  stopView();
  stopView = () => {};
  replaceChildren(main, tokenForm());
}

function drawHeader() {
  const select = h(
    "select",
    {
      id: "language",
      onchange: (event) => {
        setLanguage(event.target.value);
        render();
      },
    },
    LANGUAGES.map((language) => h("option", { value: language.tag, lang: language.tag }, language.name)),
  );
  select.value = currentLanguage();

  replaceChildren(
    header,
    h(
      "a",
      {
        class: "skip-link",
        href: "#main",
        // The hash names screens, so the link moves focus itself instead of changing the hash.
        onclick: (event) => {
          event.preventDefault();
          main.focus();
        },
      },
      t("nav.skip"),
    ),
    h(
      "div",
      { class: "header-inner" },
      h(
        "a",
        { class: "brand", href: "#/" },
        h("span", { class: "brand-mark", "aria-hidden": "true" }, "✂"),
        h("span", { class: "brand-name" }, t("app.title")),
        h("span", { class: "brand-sub" }, t("app.subtitle")),
      ),
      h("div", { class: "language" }, h("label", { for: select.id }, t("lang.label")), select),
    ),
  );
}

/** Draws the screen that the URL's hash names: `#/projects/<id>` or the overview. */
function render() {
  document.documentElement.lang = currentLanguage();
  document.title = t("app.title");
  // A message from the previous screen or language would be out of place on the new one.
  document.getElementById("announcer").textContent = "";
  drawHeader();
  stopView();

  const match = window.location.hash.match(/^#\/projects\/([^/?#]+)/);
  const options = { onAuthRequired: showTokenForm };
  stopView = match
    ? renderProjectPage(main, decodeURIComponent(match[1]), options)
    : renderOverview(main, options);
}

window.addEventListener("hashchange", () => {
  render();
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
});
render();
