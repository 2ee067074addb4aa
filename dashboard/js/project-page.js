import { ApiError, getJson, mediaUrl, request, subscribe } from "./api.js";
import {
  emptyState,
  errorState,
  failureBox,
  loadingState,
  progressBlock,
  statusBadge,
} from "./components.js";
import { announce, h, replaceChildren } from "./dom.js";
import { formatDateTime, formatDuration, formatNumber, formatTimecode, t } from "./i18n.js";
import { renamableTitle } from "./rename.js";

const encode = encodeURIComponent;

function videoOrNote(path, label, note) {
  if (!path) return h("p", { class: "note" }, h("span", { "aria-hidden": "true" }, "◌ "), note);
  return h("video", {
    controls: true,
    preload: "metadata",
    src: mediaUrl(path),
    "aria-label": label,
    class: "player",
  });
}

function clipCard(project, clip, selected, actions) {
  const checkbox = h("input", {
    type: "checkbox",
    checked: selected.has(clip.id),
    "aria-label": t("clip.select", { title: clip.title }),
    dataset: { focusKey: `select-${clip.id}` },
    onchange: (event) => actions.toggle(clip.id, event.target.checked),
  });
  const download = `/api/v1/projects/${encode(project.id)}/download?clip_id=${encode(clip.id)}`;
  const reason = clip.clip_metadata?.recommend_reason || clip.description;

  return h(
    "li",
    { class: "card clip-card", dataset: { clipId: clip.id } },
    h(
      "div",
      { class: "card-head" },
      checkbox,
      renamableTitle({
        tag: "h3",
        title: clip.title,
        key: `clip-${clip.id}`,
        save: (title) => request("PATCH", `/clips/${encode(clip.id)}/title`, { title }),
        onSaved: actions.reloadQuietly,
      }),
    ),
    videoOrNote(clip.video_path, t("clip.videoLabel", { title: clip.title }), t("clip.noVideo")),
    h(
      "dl",
      { class: "facts" },
      h(
        "div",
        {},
        h("dt", {}, t("clip.range")),
        h("dd", {}, `${formatTimecode(clip.start_time)} – ${formatTimecode(clip.end_time)}`),
      ),
      h("div", {}, h("dt", {}, t("clip.duration")), h("dd", {}, formatDuration(clip.duration))),
      h(
        "div",
        {},
        h("dt", {}, t("clip.score")),
        h("dd", {}, formatNumber(clip.score, { maximumFractionDigits: 2 })),
      ),
      reason ? h("div", { class: "fact-wide" }, h("dt", {}, t("clip.reason")), h("dd", {}, reason)) : null,
    ),
    h(
      "div",
      { class: "card-actions" },
      clip.video_path
        ? h(
            "a",
            {
              class: "button button-small",
              href: mediaUrl(download),
              download: "",
              "aria-label": t("clip.download", { title: clip.title }),
            },
            h("span", { "aria-hidden": "true" }, "⤓ "),
            t("clip.downloadShort"),
          )
        : null,
      h(
        "button",
        {
          type: "button",
          class: "button button-small button-danger",
          "aria-label": t("clip.delete", { title: clip.title }),
          onclick: () => actions.deleteClip(clip),
        },
        h("span", { "aria-hidden": "true" }, "✕ "),
        t("clip.deleteShort"),
      ),
    ),
  );
}

function collectionCard(project, collection, clipsById, actions) {
  const title = collection.collection_title ?? collection.name;
  const order = collection.clip_ids.filter((id) => clipsById.has(id));
  const download = `/api/v1/projects/${encode(project.id)}/download?collection_id=${encode(collection.id)}`;
  const needsVideo = !collection.video_path || collection.video_outdated;
  const moveButton = (index, offset, label, symbol) =>
    h(
      "button",
      {
        type: "button",
        class: "button button-small button-icon",
        "aria-label": label,
        disabled: index + offset < 0 || index + offset >= order.length,
        dataset: { focusKey: `move-${collection.id}-${order[index]}-${offset}` },
        onclick: () => actions.move(collection, order, index, offset),
      },
      h("span", { "aria-hidden": "true" }, symbol),
    );

  return h(
    "li",
    { class: "card collection-card", dataset: { collectionId: collection.id } },
    h(
      "div",
      { class: "card-head" },
      renamableTitle({
        tag: "h3",
        title,
        key: `collection-${collection.id}`,
        save: (next) => request("PUT", `/collections/${encode(collection.id)}/title`, { title: next }),
        onSaved: actions.reloadQuietly,
      }),
      collection.collection_type === "manual" ? h("span", { class: "tag" }, t("collection.manual")) : null,
    ),
    collection.collection_summary ? h("p", { class: "muted" }, collection.collection_summary) : null,
    videoOrNote(collection.video_path, t("collection.videoLabel", { title }), t("collection.noVideo")),
    collection.video_path && collection.video_outdated
      ? h("p", { class: "note" }, h("span", { "aria-hidden": "true" }, "⚠ "), t("collection.outdated"))
      : null,
    h("h4", {}, t("collection.clips")),
    h(
      "ol",
      { class: "collection-clips" },
      order.map((id, index) => {
        const clip = clipsById.get(id);
        return h(
          "li",
          { dataset: { clipId: id } },
          h("span", { class: "order-title" }, clip.title),
          h("span", { class: "muted" }, formatDuration(clip.duration)),
          h(
            "span",
            { class: "order-buttons" },
            moveButton(index, -1, t("collection.moveUp", { title: clip.title }), "↑"),
            moveButton(index, 1, t("collection.moveDown", { title: clip.title }), "↓"),
          ),
        );
      }),
    ),
    h(
      "div",
      { class: "card-actions" },
      needsVideo
        ? h(
            "button",
            {
              type: "button",
              class: "button button-small",
              "aria-label": t("collection.render", { title }),
              onclick: (event) => actions.render(collection, title, event.currentTarget),
            },
            t("collection.renderShort"),
          )
        : null,
      collection.video_path
        ? h(
            "a",
            {
              class: "button button-small",
              href: mediaUrl(download),
              download: "",
              "aria-label": t("clip.download", { title }),
            },
            h("span", { "aria-hidden": "true" }, "⤓ "),
            t("clip.downloadShort"),
          )
        : null,
    ),
  );
}

function createForm(selected, onCreate) {
  const count = selected.size;
  const input = h("input", {
    id: "new-collection-title",
    type: "text",
    maxlength: "200",
    autocomplete: "off",
    required: true,
  });
  return h(
    "form",
    {
      class: "create-form",
      "aria-labelledby": "create-heading",
      onsubmit: (event) => {
        event.preventDefault();
        if (count > 0 && input.value.trim()) onCreate(input.value.trim());
      },
    },
    h("h3", { id: "create-heading" }, t("collection.create.heading")),
    count === 0 ? h("p", { class: "muted" }, t("collection.create.none")) : null,
    h("label", { for: input.id }, t("collection.create.title")),
    input,
    h(
      "button",
      { type: "submit", class: "button button-primary", disabled: count === 0 },
      t("collection.create.button", { count }),
    ),
  );
}

/**
 * Renders the page of one project into `main`: its status, clips and collections, with the
 * edits the API offers. Returns a function that stops its live updates.
 */
export function renderProjectPage(main, projectId, { onAuthRequired }) {
  const selected = new Set();
  let project = null;
  let stopped = false;

  replaceChildren(
    main,
    h("p", {}, h("a", { href: "#/" }, "← ", t("project.back"))),
    loadingState(t("loading.project"), 4),
  );

  const fail = (error) => {
    if (error instanceof ApiError && error.status === 401) return onAuthRequired();
    if (error instanceof ApiError && error.status === 404) {
      return replaceChildren(
        main,
        h("p", {}, h("a", { href: "#/" }, "← ", t("project.back"))),
        emptyState(t("project.notFound.title"), t("project.notFound.body")),
      );
    }
    replaceChildren(
      main,
      h("p", {}, h("a", { href: "#/" }, "← ", t("project.back"))),
      errorState(t("error.load.title"), t("error.load.body", { detail: error.message }), load),
    );
  };

  const edit = async (action, success) => {
    try {
      await action();
      if (success) announce(success);
      await load();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) onAuthRequired();
      else announce(t("edit.failed", { detail: error.message }), "error");
    }
  };

  const actions = {
    toggle: (id, on) => {
      if (on) selected.add(id);
      else selected.delete(id);
      const form = main.querySelector(".create-form");
      const title = form?.querySelector("input")?.value ?? "";
      form?.replaceWith(createForm(selected, actions.create));
      const input = main.querySelector("#new-collection-title");
      if (input) input.value = title;
    },
    reloadQuietly: () => load(),
    deleteClip: (clip) => {
      if (!window.confirm(t("clip.deleteConfirm", { title: clip.title }))) return;
      selected.delete(clip.id);
      edit(() => request("DELETE", `/clips/${encode(clip.id)}`), t("clip.deleted", { title: clip.title }));
    },
    create: (title) =>
      edit(
        async () => {
          const created = await request("POST", "/collections", {
            project_id: project.id,
            collection_title: title,
            clip_ids: [...selected],
          });
          selected.clear();
          await request(
            "POST",
            `/projects/${encode(project.id)}/collections/${encode(created.id)}/generate`,
          ).catch(() => null);
        },
        t("collection.created", { title }),
      ),
    move: (collection, order, index, offset) => {
      const next = [...order];
      [next[index], next[index + offset]] = [next[index + offset], next[index]];
      edit(
        () =>
          request(
            "PATCH",
            `/projects/${encode(project.id)}/collections/${encode(collection.id)}/reorder`,
            next,
          ),
        t("collection.reordered"),
      );
    },
    render: (collection, title, button) => {
      button.disabled = true;
      button.textContent = t("collection.rendering");
      edit(
        () =>
          request("POST", `/projects/${encode(project.id)}/collections/${encode(collection.id)}/generate`),
        t("collection.rendered", { title }),
      );
    },
  };

  function draw(statusInfo) {
    const focusKey = document.activeElement?.dataset?.focusKey;
    const clips = project.clips ?? [];
    const collections = project.collections ?? [];
    const clipsById = new Map(clips.map((clip) => [clip.id, clip]));
    const busy = project.status === "pending" || project.status === "processing";
    for (const id of selected) if (!clipsById.has(id)) selected.delete(id);

    replaceChildren(
      main,
      h("p", {}, h("a", { href: "#/" }, "← ", t("project.back"))),
      h(
        "section",
        { class: "panel project-header", dataset: { projectId: project.id, status: project.status } },
        h("div", { class: "project-head" }, h("h1", {}, project.name), statusBadge(project.status)),
        h("p", { class: "muted" }, t("project.created", { date: formatDateTime(project.created_at) })),
        busy ? progressBlock(project.name, project) : null,
        project.status === "failed" ? failureBox(project, statusInfo?.error, load) : null,
      ),
      h(
        "section",
        { class: "panel", "aria-labelledby": "clips-heading" },
        h(
          "h2",
          { id: "clips-heading" },
          t("clips.heading"),
          " ",
          h("span", { class: "count" }, formatNumber(clips.length)),
        ),
        clips.length === 0
          ? emptyState(t(project.status === "failed" ? "clips.emptyFailed" : "clips.empty"))
          : h(
              "ul",
              { class: "card-grid" },
              clips.map((clip) => clipCard(project, clip, selected, actions)),
            ),
      ),
      h(
        "section",
        { class: "panel", "aria-labelledby": "collections-heading" },
        h(
          "h2",
          { id: "collections-heading" },
          t("collections.heading"),
          " ",
          h("span", { class: "count" }, formatNumber(collections.length)),
        ),
        clips.length > 0 ? createForm(selected, actions.create) : null,
        collections.length === 0
          ? emptyState(
              t(
                project.status === "failed" && clips.length === 0
                  ? "collections.emptyFailed"
                  : "collections.empty",
              ),
            )
          : h(
              "ul",
              { class: "card-grid" },
              collections.map((collection) => collectionCard(project, collection, clipsById, actions)),
            ),
      ),
    );
    if (focusKey) main.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
  }

  async function load() {
    try {
      const path = `/projects/${encode(projectId)}`;
      const next = await getJson(`${path}?include_clips=true&include_collections=true`);
      const statusInfo = next.status === "failed" ? await getJson(`${path}/status`).catch(() => null) : null;
      if (stopped) return;

      project = next;
      draw(statusInfo);
    } catch (error) {
      if (!stopped) fail(error);
    }
  }

  const unsubscribe = subscribe((type, data) => {
    if (type !== "project" || data.id !== projectId || !project) return;

    if (data.status !== project.status) {
      load();
      return;
    }
    Object.assign(project, data);
    main.querySelector(".project-header .progress-block")?.replaceWith(progressBlock(project.name, project));
  });

  load();
  return () => {
    stopped = true;
    unsubscribe();
  };
}
