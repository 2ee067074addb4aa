/**
 * Creates an element. `props` keys starting with `on` add event listeners, `class` sets the
 * class name, `dataset` sets data attributes, `false`/`null`/`undefined` values are skipped,
 * and everything else becomes an attribute. Children may be nodes, strings, arrays or null.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === false || value === null || value === undefined) continue;

    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name === "value" || name === "checked" || name === "disabled") element[name] = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;

    if (Array.isArray(child)) append(parent, child);
    else parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `parent` with `children`. */
export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
}

let hideTimer = null;

/**
 * Shows `text` in the page's toast, a polite live region, so that screen readers read it too.
 * `kind` is "info" or "error"; the toast hides itself after a few seconds.
 */
export function announce(text, kind = "info") {
  const region = document.getElementById("announcer");
  if (!region) return;

  clearTimeout(hideTimer);
  region.dataset.kind = kind;
  region.textContent = "";
  // A new text node after a tick makes screen readers read the message again when it repeats.
  setTimeout(() => {
    region.textContent = text;
  }, 50);
  hideTimer = setTimeout(() => {
    region.textContent = "";
  }, 6000);
}
