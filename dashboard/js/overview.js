import { ApiError, getJson, subscribe } from "./api.js";
import {
  emptyState,
  errorState,
  failureBox,
  loadingState,
  progressBlock,
  statusBadge,
} from "./components.js";
import { h, replaceChildren } from "./dom.js";
import { formatDateTime, formatNumber, t } from "./i18n.js";
import { rejectedSection } from "./rejected.js";
import { uploadArea } from "./upload.js";

const STATUSES = ["pending", "processing", "completed", "failed", "invalid"];
const PAGE_SIZE = 100;

function totalsView(stats) {
  const card = (label, value, status) =>
    h(
      "div",
      { class: `total${status ? ` total-${status}` : ""}`, dataset: { total: status ?? label } },
      h("dt", {}, status ? statusBadge(status) : label),
      h("dd", {}, formatNumber(value)),
    );
  return h(
    "dl",
    { class: "totals" },
    card(t("totals.projects"), stats.projects.total),
    card(t("totals.clips"), stats.clips),
    card(t("totals.collections"), stats.collections),
    STATUSES.map((status) => card(status, stats.projects.by_status[status] ?? 0, status)),
  );
}

function countText(value) {
  return value === null || value === undefined ? t("project.countUnknown") : formatNumber(value);
}

/** Builds one project's card. `live` contains the newest event fields and `error` a failed project's error. */
function projectCard(project, live, error, reload) {
  const state = { ...project, ...live };
  const busy = state.status === "pending" || state.status === "processing";
  const link = h(
    "a",
    { href: `#/projects/${encodeURIComponent(project.id)}`, class: "project-link" },
    project.name,
  );

  return h(
    "li",
    { class: "project-card", dataset: { projectId: project.id, status: state.status } },
    h("div", { class: "project-head" }, h("h3", { class: "project-name" }, link), statusBadge(state.status)),
    h(
      "dl",
      { class: "project-meta" },
      h(
        "div",
        {},
        h("dt", {}, t("project.clips")),
        h("dd", { dataset: { count: "clips" } }, countText(project.total_clips)),
      ),
      h(
        "div",
        {},
        h("dt", {}, t("project.collections")),
        h("dd", { dataset: { count: "collections" } }, countText(project.total_collections)),
      ),
    ),
    h(
      "p",
      { class: "muted project-date" },
      t("project.created", { date: formatDateTime(project.created_at) }),
    ),
    busy ? progressBlock(project.name, state) : null,
    state.status === "failed" ? failureBox(project, error, reload) : null,
    state.status === "invalid"
      ? h("p", { class: "failure-message" }, t("invalid.body", { detail: project.error_message ?? "" }))
      : null,
  );
}

/**
 * Renders the overview into `main`: the upload area, the totals and the project list, kept
 * current by the event stream. Returns a function that stops the updates.
 */
export function renderOverview(main, { onAuthRequired }) {
  const totals = h("section", { class: "panel", "aria-labelledby": "totals-heading" });
  const list = h("section", { class: "panel", "aria-labelledby": "projects-heading", "aria-live": "off" });
  const live = new Map();
  const errors = new Map();
  let projects = [];
  let total = 0;
  let reloadTimer = null;
  let stopped = false;
  const rejected = rejectedSection();
  // An upload is accepted before the inbox looks at it, so its rejection comes later.
  const onUploaded = (result, reportRejection) => {
    if (result?.file) rejected.watchFor(result.file, (item) => reportRejection(item.detail));
  };

  replaceChildren(
    main,
    h("h1", { class: "visually-hidden" }, t("nav.overview")),
    h("section", { class: "panel" }, uploadArea({ onUploaded })),
    rejected.element,
    totals,
    list,
  );
  replaceChildren(
    totals,
    h("h2", { id: "totals-heading" }, t("totals.heading")),
    loadingState(t("loading"), 1),
  );
  replaceChildren(
    list,
    h("h2", { id: "projects-heading" }, t("projects.heading")),
    loadingState(t("loading.projects")),
  );

  const drawList = () => {
    const heading = h("h2", { id: "projects-heading" }, t("projects.heading"));
    if (projects.length === 0) {
      replaceChildren(list, heading, emptyState(t("projects.empty.title"), t("projects.empty.body")));
      return;
    }
    replaceChildren(
      list,
      heading,
      h(
        "ul",
        { class: "project-list" },
        projects.map((project) =>
          projectCard(project, live.get(project.id), errors.get(project.id), scheduleReload),
        ),
      ),
      total > projects.length
        ? h("p", { class: "muted" }, t("projects.more", { shown: projects.length, total }))
        : null,
    );
  };

  const showError = (error) => {
    if (error instanceof ApiError && error.status === 401) {
      onAuthRequired();
      return;
    }
    replaceChildren(
      list,
      h("h2", { id: "projects-heading" }, t("projects.heading")),
      errorState(t("error.load.title"), t("error.load.body", { detail: error.message }), load),
    );
    replaceChildren(totals, h("h2", { id: "totals-heading" }, t("totals.heading")));
  };

  async function load() {
    rejected.refresh();
    try {
      const [stats, page] = await Promise.all([getJson("/stats"), getJson(`/projects/?size=${PAGE_SIZE}`)]);
      const failed = page.items.filter((project) => project.status === "failed");
      const statuses = await Promise.all(
        failed.map((project) =>
          getJson(`/projects/${encodeURIComponent(project.id)}/status`).catch(() => null),
        ),
      );
      if (stopped) return;

      for (const [index, project] of failed.entries()) errors.set(project.id, statuses[index]?.error ?? null);
      projects = page.items;
      total = page.pagination.total;
      live.clear();
      replaceChildren(totals, h("h2", { id: "totals-heading" }, t("totals.heading")), totalsView(stats));
      drawList();
    } catch (error) {
      if (!stopped) showError(error);
    }
  }

  function scheduleReload() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(load, 250);
  }

  const unsubscribe = subscribe((type, data) => {
    if (type === "counts") {
      replaceChildren(totals, h("h2", { id: "totals-heading" }, t("totals.heading")), totalsView(data));
      return;
    }
    if (type === "open" || type === "project-removed") {
      scheduleReload();
      return;
    }
    if (type !== "project") return;

    const known = projects.find((project) => project.id === data.id);
    const previous = live.get(data.id)?.status ?? known?.status;
    live.set(data.id, data);
    // A new project, or one that finished or failed, has new counts or an error to fetch.
    if (!known || previous !== data.status) {
      scheduleReload();
      return;
    }
    const card = list.querySelector(`[data-project-id="${CSS.escape(data.id)}"]`);
    card?.replaceWith(projectCard(known, data, errors.get(data.id), scheduleReload));
  });

  load();
  return () => {
    stopped = true;
    rejected.stop();
    clearTimeout(reloadTimer);
    unsubscribe();
  };
}
