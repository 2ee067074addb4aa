import { getJson, upload } from "./api.js";
import { h } from "./dom.js";
import { currentLanguage, formatList, formatPercent, t } from "./i18n.js";

const VIDEO_EXTENSIONS = [".mp4", ".mov", ".mkv", ".webm", ".avi", ".flv", ".ts", ".m4v"];
const SUBTITLE_EXTENSIONS = [".srt", ".vtt", ".ass", ".ssa", ".sbv", ".sub"];

function extensionOf(name) {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot).toLowerCase();
}

function setFile(input, file) {
  const transfer = new DataTransfer();
  transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event("change"));
}

/**
 * Builds a file input drawn as a button beside the chosen file's name, both in the page's
 * language. The browser's own input would show its text in the browser's language instead.
 */
function filePicker(input) {
  const name = h("span", { class: "file-name" }, t("upload.noFile"));
  const update = () => {
    name.textContent = input.files?.[0]?.name ?? t("upload.noFile");
  };
  input.classList.add("file-input");
  input.addEventListener("change", update);
  return {
    update,
    element: h(
      "span",
      { class: "file-picker" },
      input,
      h("label", { for: input.id, class: "button button-small" }, t("upload.choose")),
      name,
    ),
  };
}

async function fillCategories(select) {
  try {
    const { categories, default_category: fallback } = await getJson("/video-categories");
    const zh = currentLanguage().startsWith("zh");
    select.replaceChildren(
      ...categories.map((category) =>
        h("option", { value: category.value }, zh ? category.name : (category.name_en ?? category.name)),
      ),
    );
    select.value = fallback;
  } catch {
    // Without the list the daemon uses its default category, so the select stays empty.
  }
}

let uploadCounter = 0;

/**
 * Builds the upload area: a drop zone, file inputs, a name and category, and upload progress.
 * After an upload, `onUploaded(result, reportRejection)` runs with the response body. The inbox
 * may still reject the file, and `reportRejection(detail)` then shows that in the form.
 */
export function uploadArea({ onUploaded } = {}) {
  const id = `upload-${++uploadCounter}`;
  const video = h("input", {
    type: "file",
    id: `${id}-video`,
    name: "video_file",
    accept: `video/*,${VIDEO_EXTENSIONS.join(",")}`,
  });
  const subtitle = h("input", {
    type: "file",
    id: `${id}-srt`,
    name: "srt_file",
    accept: SUBTITLE_EXTENSIONS.join(","),
  });
  const name = h("input", {
    type: "text",
    id: `${id}-name`,
    name: "project_name",
    maxlength: "200",
    autocomplete: "off",
  });
  const category = h("select", { id: `${id}-category`, name: "video_category" });
  const videoPicker = filePicker(video);
  const subtitlePicker = filePicker(subtitle);
  const bar = h("progress", { max: "1", value: "0", "aria-label": t("upload.progressLabel"), hidden: true });
  const message = h("p", { class: "upload-message", role: "status" });
  const submit = h("button", { type: "submit", class: "button button-primary" }, t("upload.submit"));
  const cancel = h("button", { type: "button", class: "button", hidden: true }, t("upload.cancel"));
  let running = null;

  const placeFiles = (files) => {
    const placed = [];
    for (const file of files) {
      const extension = extensionOf(file.name);
      if (VIDEO_EXTENSIONS.includes(extension) || file.type.startsWith("video/")) setFile(video, file);
      else if (SUBTITLE_EXTENSIONS.includes(extension)) setFile(subtitle, file);
      else {
        message.textContent = t("upload.unknownFile", { file: file.name });
        continue;
      }
      placed.push(file.name);
    }
    if (placed.length > 0) {
      message.textContent = t("upload.dropped", { files: formatList(placed) });
      message.dataset.kind = "info";
    }
  };

  const zone = h(
    "div",
    {
      class: "drop-zone",
      ondragenter: (event) => {
        event.preventDefault();
        zone.classList.add("drop-active");
      },
      ondragover: (event) => {
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
      },
      ondragleave: (event) => {
        if (!zone.contains(event.relatedTarget)) zone.classList.remove("drop-active");
      },
      ondrop: (event) => {
        event.preventDefault();
        zone.classList.remove("drop-active");
        placeFiles(event.dataTransfer.files);
      },
    },
    h("p", { class: "drop-title" }, h("span", { "aria-hidden": "true" }, "⇪ "), t("upload.drop")),
    h("p", { class: "drop-hint" }, t("upload.or")),
    h(
      "div",
      { class: "upload-fields" },
      h("label", { for: video.id }, t("upload.video")),
      videoPicker.element,
      h("label", { for: subtitle.id }, t("upload.subtitle")),
      subtitlePicker.element,
      h("label", { for: name.id }, t("upload.name")),
      name,
      h("label", { for: category.id }, t("upload.category")),
      category,
    ),
  );

  const finish = () => {
    running = null;
    submit.disabled = false;
    cancel.hidden = true;
  };

  const form = h(
    "form",
    {
      class: "upload",
      "aria-labelledby": `${id}-heading`,
      onsubmit: async (event) => {
        event.preventDefault();
        if (running) return;
        const file = video.files?.[0];
        if (!file) {
          message.textContent = t("upload.needVideo");
          message.dataset.kind = "error";
          video.focus();
          return;
        }

        const data = new FormData();
        data.append("video_file", file);
        if (subtitle.files?.[0]) data.append("srt_file", subtitle.files[0]);
        if (name.value.trim()) data.append("project_name", name.value.trim());
        if (category.value) data.append("video_category", category.value);

        submit.disabled = true;
        cancel.hidden = false;
        bar.hidden = false;
        bar.value = 0;
        message.dataset.kind = "info";
        message.textContent = t("upload.progress", { percent: formatPercent(0) });
        running = upload(data, (fraction) => {
          bar.value = fraction;
          message.textContent = t("upload.progress", { percent: formatPercent(fraction * 100) });
        });
        try {
          const result = await running.promise;
          bar.value = 1;
          message.dataset.kind = "success";
          message.textContent = t("upload.done", { file: file.name });
          form.reset();
          videoPicker.update();
          subtitlePicker.update();
          onUploaded?.(result, (detail) => {
            message.dataset.kind = "error";
            message.textContent = t("upload.rejected", { file: file.name, detail });
          });
          await fillCategories(category);
        } catch (failure) {
          message.dataset.kind = "error";
          message.textContent =
            failure.code === "ABORTED"
              ? t("upload.canceled")
              : t("upload.failed", { detail: failure.message });
        } finally {
          finish();
        }
      },
    },
    h("h2", { id: `${id}-heading` }, t("upload.heading")),
    zone,
    h("div", { class: "upload-actions" }, submit, cancel, bar),
    message,
  );
  cancel.addEventListener("click", () => running?.abort());
  fillCategories(category);
  return form;
}
