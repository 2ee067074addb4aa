import { accessSync, constants } from "node:fs";
import { access, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

/** Debian's Chromium; Playwright's own browser download is not used. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Skip reason for the browser tests when Chromium is missing, or false when they can run. With
 * `AUTOCLIP_REQUIRE_BROWSER=1`, which `.ci/run` sets after installing Chromium, they never skip
 * and a missing Chromium fails them instead.
 */
export function browserSkipReason(): string | false {
  if (process.env.AUTOCLIP_REQUIRE_BROWSER === "1") return false;
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return false;
  } catch {
    return `Chromium was not found at ${CHROMIUM_PATH}; install it with "apt-get install chromium fonts-noto-cjk" or set CHROMIUM_PATH to run the dashboard's browser tests`;
  }
}

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A headless Chromium with a fresh profile, removed again by `close()`. */
export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts Debian's Chromium through playwright-core with a fresh user-data folder. `locale`
 * sets `navigator.language`, which the dashboard picks its language from.
 */
export async function launchBrowser(locale = "en-US"): Promise<TestBrowser> {
  await access(CHROMIUM_PATH, constants.X_OK).catch((error: unknown) => {
    throw new Error(
      `Chromium was not found at ${CHROMIUM_PATH}. Install it with "apt-get install chromium fonts-noto-cjk" (.ci/run does this), or set CHROMIUM_PATH.`,
      { cause: error },
    );
  });
  const profile = await mkdtemp(path.join(tmpdir(), "autoclipd-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    locale,
    viewport: { width: 1100, height: 800 },
    timeout: 60_000,
  });
  context.setDefaultTimeout(30_000);

  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
