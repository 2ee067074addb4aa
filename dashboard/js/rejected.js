import { getJson } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { formatDateTime, formatList, formatNumber, t } from "./i18n.js";

/** Interval between reads of the list while an upload is watched for its rejection. */
const WATCH_INTERVAL_MS = 1500;
/** Time after which a watched upload counts as taken, so the reads stop. */
const WATCH_LIMIT_MS = 90_000;

const keyOf = (item) => `${item.file}\n${item.rejected_at}`;

function rejectedItem(item) {
  const date = formatDateTime(item.rejected_at);
  const others = item.files.filter((name) => name !== item.file);
  return h(
    "li",
    { class: "rejected-item", dataset: { file: item.file, code: item.code } },
    h(
      "div",
      { class: "rejected-head" },
      h("h3", { class: "rejected-name" }, item.file),
      h(
        "span",
        { class: "status status-failed" },
        h("span", { class: "status-icon", "aria-hidden": "true" }, "✕"),
        t("rejected.badge"),
      ),
    ),
    date
      ? h(
          "p",
          { class: "muted rejected-date" },
          h("time", { datetime: item.rejected_at }, t("rejected.when", { date })),
        )
      : null,
    h("p", { class: "failure-message" }, item.detail),
    item.detail_hint
      ? h("p", { class: "failure-hint" }, h("strong", {}, t("rejected.hint")), " ", item.detail_hint)
      : null,
    others.length > 0
      ? h("p", { class: "muted rejected-files" }, t("rejected.files", { files: formatList(item.files) }))
      : null,
  );
}

/**
 * Builds the overview's section of files that the inbox rejected, hidden while there are none.
 * `refresh()` reads the list again. `watchFor(file, onRejected)` reads it every few seconds
 * until a new rejection of `file` appears, and then calls `onRejected(item)`.
 */
export function rejectedSection() {
  const section = h("section", {
    class: "panel rejected",
    "aria-labelledby": "rejected-heading",
    hidden: true,
  });
  let known = new Set();
  let watches = [];
  let stopped = false;

  const draw = ({ items, total }) => {
    section.hidden = items.length === 0;
    replaceChildren(
      section,
      h(
        "h2",
        { id: "rejected-heading" },
        t("rejected.heading"),
        " ",
        h("span", { class: "count" }, formatNumber(total)),
      ),
      h("p", { class: "muted" }, t("rejected.intro")),
      h("ul", { class: "rejected-list" }, items.map(rejectedItem)),
      total > items.length
        ? h("p", { class: "muted" }, t("rejected.more", { shown: items.length, total }))
        : null,
    );
  };

  async function refresh() {
    let page;
    try {
      page = await getJson("/inbox/rejected");
    } catch {
      // The project list reports an unreachable daemon, so this section keeps what it shows.
      return;
    }
    if (stopped) return;
    draw(page);
    const fresh = page.items.filter((item) => !known.has(keyOf(item)));
    known = new Set(page.items.map(keyOf));
    for (const watch of [...watches]) {
      const match = fresh.find((item) => item.file === watch.file);
      if (match) {
        watch.stop();
        watch.onRejected(match);
      }
    }
  }

  function watchFor(file, onRejected) {
    const started = Date.now();
    const watch = {
      file,
      onRejected,
      stop: () => {
        clearInterval(watch.timer);
        watches = watches.filter((other) => other !== watch);
      },
    };
    watch.timer = setInterval(() => {
      if (Date.now() - started > WATCH_LIMIT_MS) watch.stop();
      else refresh();
    }, WATCH_INTERVAL_MS);
    watches.push(watch);
  }

  return {
    element: section,
    refresh,
    watchFor,
    stop: () => {
      stopped = true;
      for (const watch of [...watches]) watch.stop();
    },
  };
}
