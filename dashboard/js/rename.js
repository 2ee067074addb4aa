import { announce, h } from "./dom.js";
import { t } from "./i18n.js";

/**
 * Builds a title that can be renamed in place: the heading with a Rename button, which turns
 * into a labelled input with Save and Cancel. Enter saves and Escape cancels. `save(title)`
 * sends the change and raises on failure; `onSaved` runs after it succeeded.
 */
export function renamableTitle({ tag, title, save, onSaved, key }) {
  const wrapper = h("div", { class: "renamable", dataset: { renameKey: key } });

  const showTitle = (focusButton) => {
    const button = h(
      "button",
      {
        type: "button",
        class: "button button-small",
        "aria-label": t("rename.button", { title }),
        // The page is drawn again after a save, and this key lets it put focus back here.
        dataset: { focusKey: `rename-${key}` },
        onclick: showForm,
      },
      h("span", { "aria-hidden": "true" }, "✎ "),
      t("rename.short"),
    );
    wrapper.replaceChildren(h(tag, { class: "item-title" }, title), button);
    if (focusButton) button.focus();
  };

  function showForm() {
    const inputId = `rename-${key}`;
    const input = h("input", {
      id: inputId,
      type: "text",
      value: title,
      maxlength: "200",
      required: true,
      autocomplete: "off",
    });
    const message = h("p", { class: "form-message", role: "status" });
    const form = h(
      "form",
      {
        class: "rename-form",
        onsubmit: async (event) => {
          event.preventDefault();
          const next = input.value.trim();
          if (!next) {
            message.textContent = t("rename.empty");
            return;
          }
          form.querySelectorAll("button, input").forEach((control) => {
            control.disabled = true;
          });
          try {
            await save(next);
            title = next;
            announce(t("rename.saved", { title: next }));
            showTitle(true);
            onSaved?.(next);
          } catch (failure) {
            form.querySelectorAll("button, input").forEach((control) => {
              control.disabled = false;
            });
            message.textContent = t("edit.failed", { detail: failure.message });
            input.focus();
          }
        },
        onkeydown: (event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            showTitle(true);
          }
        },
      },
      h("label", { for: inputId }, t("rename.label")),
      input,
      h("button", { type: "submit", class: "button button-small button-primary" }, t("rename.save")),
      h(
        "button",
        { type: "button", class: "button button-small", onclick: () => showTitle(true) },
        t("rename.cancel"),
      ),
      message,
    );
    wrapper.replaceChildren(form);
    input.focus();
    input.select();
  }

  showTitle(false);
  return wrapper;
}
