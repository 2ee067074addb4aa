import { currentLanguage, t } from "./i18n.js";

const API = "/api/v1";
const TOKEN_KEY = "autoclipd.apiToken";

/** An API call that failed: `status` 0 means the request never reached the daemon. */
export class ApiError extends Error {
  constructor(status, code, detail) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

export function storedToken() {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? "";
  } catch {
    return "";
  }
}

export function saveToken(token) {
  try {
    localStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage refused: the token is then asked for again on the next page load.
  }
}

/** Adds `?token=` to a media URL when a token is set, since `<video src>` cannot send headers. */
export function mediaUrl(path) {
  const token = storedToken();
  if (!path || !token) return path;

  return `${path}${path.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}`;
}

function headers(extra = {}) {
  const token = storedToken();
  return {
    "Accept-Language": currentLanguage(),
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
    ...extra,
  };
}

async function errorOf(response) {
  const body = await response.json().catch(() => null);
  return new ApiError(response.status, body?.code ?? "HTTP_ERROR", body?.detail ?? `HTTP ${response.status}`);
}

/** Sends a request to the API and returns its JSON body, or raises an ApiError. */
export async function request(method, path, body) {
  let response;
  try {
    response = await fetch(`${API}${path}`, {
      method,
      headers: headers(body === undefined ? {} : { "Content-Type": "application/json" }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "NETWORK", t("error.network"));
  }
  if (!response.ok) throw await errorOf(response);

  return response.status === 204 ? null : response.json();
}

export const getJson = (path) => request("GET", path);

/**
 * Uploads a form with XMLHttpRequest, because fetch reports no upload progress. Calls
 * `onProgress(fraction)` as bytes leave, and returns `{promise, abort}`.
 */
export function upload(formData, onProgress) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open("POST", `${API}/projects/upload`);
    for (const [name, value] of Object.entries(headers())) xhr.setRequestHeader(name, value);
    xhr.responseType = "json";
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener("load", () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.response);
      else
        reject(
          new ApiError(
            xhr.status,
            xhr.response?.code ?? "HTTP_ERROR",
            xhr.response?.detail ?? `HTTP ${xhr.status}`,
          ),
        );
    });
    xhr.addEventListener("error", () => reject(new ApiError(0, "NETWORK", t("error.network"))));
    xhr.addEventListener("abort", () => reject(new ApiError(0, "ABORTED", t("upload.canceled"))));
    xhr.send(formData);
  });
  return { promise, abort: () => xhr.abort() };
}

const listeners = new Set();
let source = null;

function dispatch(type, event) {
  let data;
  try {
    data = JSON.parse(event.data);
  } catch {
    return;
  }
  for (const listener of listeners) listener(type, data);
}

/**
 * Subscribes to the daemon's server-sent events (`counts`, `project`, `project-removed`) and
 * returns the function that unsubscribes. One EventSource is shared, and it reconnects by itself.
 */
export function subscribe(listener) {
  listeners.add(listener);
  if (!source) {
    const token = storedToken();
    source = new EventSource(`${API}/events${token ? `?token=${encodeURIComponent(token)}` : ""}`);
    for (const type of ["counts", "project", "project-removed"]) {
      source.addEventListener(type, (event) => dispatch(type, event));
    }
    source.addEventListener("open", () => {
      for (const listener of listeners) listener("open", null);
    });
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && source) {
      source.close();
      source = null;
    }
  };
}
