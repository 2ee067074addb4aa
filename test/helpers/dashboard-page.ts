/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser, so they use DOM types.
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Screenshots of every screen, kept as test artifacts and ignored by git. */
export const SCREENSHOT_DIR = path.join(root, "test-artifacts", "dashboard");

/** Saves a full-page screenshot as `test-artifacts/dashboard/<name>.png`. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  // Hide the caret and finish animations, so that screenshots show a settled page.
  await page.screenshot({
    path: path.join(SCREENSHOT_DIR, `${name}.png`),
    fullPage: true,
    animations: "disabled",
  });
}

/**
 * Lists the visible controls of the page that have no accessible name: inputs and selects
 * without a label or `aria-label`, and buttons and links without text or `aria-label`.
 */
export async function unlabelledControls(page: Page): Promise<string[]> {
  // A string, because tsx adds helper calls to functions written in TypeScript that the page lacks.
  return page.evaluate(`(() => {
    const missing = [];
    for (const field of document.querySelectorAll("input, select, textarea")) {
      if (field.offsetParent === null) continue;
      if ((field.labels?.length ?? 0) === 0 && !field.getAttribute("aria-label")) missing.push(field.outerHTML);
    }
    for (const element of document.querySelectorAll("button, a[href], video")) {
      if (element.offsetParent === null) continue;
      if (!element.textContent.trim() && !element.getAttribute("aria-label")) missing.push(element.outerHTML);
    }
    return missing;
  })()`);
}

/** Asserts that every visible control of the page has an accessible name. */
export async function assertLabelled(page: Page, screen: string): Promise<void> {
  assert.deepEqual(await unlabelledControls(page), [], `controls without a label on ${screen}`);
}

/** Moves focus with Tab and asserts that the focused control draws a visible outline. */
export async function assertFocusVisible(page: Page): Promise<void> {
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  const outline = await page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    return { style: style.outlineStyle, width: Number.parseFloat(style.outlineWidth), tag: element.tagName };
  });
  assert.ok(outline, "Tab moved focus to a control");
  assert.notEqual(outline.style, "none", `focused ${outline.tag} has an outline`);
  assert.ok(outline.width >= 2, `focused ${outline.tag} outline is at least 2px wide, got ${outline.width}`);
}
