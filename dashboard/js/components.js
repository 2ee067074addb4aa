import { request } from "./api.js";
import { h } from "./dom.js";
import { formatPercent, hasMessage, t } from "./i18n.js";

/** Pipeline steps in order, as `current_step` names them. */
export const STEPS = ["transcript", "outline", "timeline", "scoring", "titles", "collections", "video"];
/** A symbol per status, shown beside the status text so that colour is never the only sign. */
const STATUS_ICONS = { pending: "◷", processing: "↻", completed: "✓", failed: "✕", invalid: "⚠" };

export function statusBadge(status) {
  return h(
    "span",
    { class: `status status-${status}`, dataset: { status } },
    h("span", { class: "status-icon", "aria-hidden": "true" }, STATUS_ICONS[status] ?? "•"),
    t(`status.${status}`),
  );
}

/**
 * Builds the progress bar of a pending or processing project, with the step written out.
 * `state` has `status`, `progress` (0 to 100) and `current_step` (a step name or number).
 */
export function progressBlock(name, state) {
  const percent = Math.max(0, Math.min(100, Number(state.progress) || 0));
  const stepName =
    typeof state.current_step === "number" ? STEPS[state.current_step - 1] : state.current_step;
  const stepIndex = STEPS.indexOf(stepName);
  const stepText =
    state.status === "pending" || stepIndex < 0
      ? t("progress.waiting")
      : t("progress.step", { step: stepIndex + 1, total: STEPS.length, stepName: t(`step.${stepName}`) });

  return h(
    "div",
    { class: "progress-block", dataset: { step: stepName ?? "" } },
    h("progress", { max: "100", value: String(percent), "aria-label": t("progress.label", { name }) }),
    h(
      "p",
      { class: "progress-text" },
      h("span", { class: "progress-step" }, stepText),
      " · ",
      h("span", { class: "progress-percent" }, t("progress.percent", { percent: formatPercent(percent) })),
    ),
  );
}

/** Returns the message and hint of a pipeline error, in the page's language when the code is known. */
export function errorTexts(error, fallback) {
  if (error?.code && hasMessage(`error.${error.code}.message`)) {
    return { message: t(`error.${error.code}.message`), hint: t(`error.${error.code}.hint`) };
  }
  return { message: error?.message ?? fallback ?? "", hint: error?.hint ?? "" };
}

/**
 * Builds the box of a failed project: its message, its hint and a Retry button that queues the
 * project again at its failed step. `onRetried` runs after the daemon accepted the retry.
 */
export function failureBox(project, error, onRetried) {
  const { message, hint } = errorTexts(error, project.error_message);
  const status = h("p", { class: "retry-status", role: "status" });
  const button = h(
    "button",
    {
      type: "button",
      class: "button",
      "aria-label": t("failed.retry", { name: project.name }),
      onclick: async () => {
        button.disabled = true;
        try {
          await request("POST", `/projects/${encodeURIComponent(project.id)}/retry`);
          status.textContent = t("failed.retrying");
          onRetried?.();
        } catch (failure) {
          status.textContent = t("edit.failed", { detail: failure.message });
          button.disabled = false;
        }
      },
    },
    h("span", { "aria-hidden": "true" }, "↻ "),
    t("failed.retryShort"),
  );

  return h(
    "div",
    { class: "failure", role: "group", "aria-label": t("failed.title") },
    h("p", { class: "failure-title" }, h("span", { "aria-hidden": "true" }, "✕ "), t("failed.title")),
    h("p", { class: "failure-message" }, message),
    hint ? h("p", { class: "failure-hint" }, h("strong", {}, t("failed.hint")), " ", hint) : null,
    h("div", { class: "failure-actions" }, button, status),
  );
}

/** Builds the placeholder shown while data loads, marked `aria-busy` so that screen readers wait for it. */
export function loadingState(text, rows = 3) {
  return h(
    "div",
    { class: "state state-loading", role: "status", "aria-busy": "true" },
    h("p", { class: "state-title" }, h("span", { class: "spinner", "aria-hidden": "true" }), text),
    Array.from({ length: rows }, () => h("div", { class: "skeleton", "aria-hidden": "true" })),
  );
}

/** Builds the message shown in place of a list with nothing in it. */
export function emptyState(title, body) {
  return h(
    "div",
    { class: "state state-empty" },
    h("span", { class: "state-icon empty-tray", "aria-hidden": "true" }),
    h("p", { class: "state-title" }, title),
    body ? h("p", { class: "state-body" }, body) : null,
  );
}

/** Builds the message shown when a load failed, with a button that tries again. */
export function errorState(title, body, onRetry) {
  return h(
    "div",
    { class: "state state-error", role: "alert" },
    h("p", { class: "state-icon", "aria-hidden": "true" }, "⚠"),
    h("p", { class: "state-title" }, title),
    h("p", { class: "state-body" }, body),
    onRetry ? h("button", { type: "button", class: "button", onclick: onRetry }, t("retry.load")) : null,
  );
}
