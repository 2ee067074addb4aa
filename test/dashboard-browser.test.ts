/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser, so they use DOM types.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { generateTestVideo, resolveFfmpegBinaries } from "../src/pipeline/ffmpeg.ts";
import { browserSkipReason, launchBrowser, type TestBrowser } from "./helpers/browser.ts";
import { type DaemonProcess, startDaemonProcess } from "./helpers/daemon-process.ts";
import { assertFocusVisible, assertLabelled, saveScreenshot } from "./helpers/dashboard-page.ts";
import { waitFor } from "./helpers/wait-for.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sample = path.join(root, "samples", "talk.zh.srt");
const binaries = resolveFfmpegBinaries();
/** Generous, because two cores may be shared with other work while ffmpeg cuts the clips. */
const PROCESSING_TIMEOUT_MS = 180_000;

interface ProgressSample {
  status: string | undefined;
  value: number | null;
  step: string | null;
}

interface ClipItem {
  id: string;
  title: string;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  assert.equal(response.status, 200, `GET ${url} returned ${response.status}`);
  return (await response.json()) as T;
}

/** Records every state a project card shows, so that the test catches progress that is quickly over. */
async function recordProgress(page: Page): Promise<void> {
  // A string, because tsx adds helper calls to functions written in TypeScript that the page lacks.
  await page.evaluate(`(() => {
    const samples = [];
    window.progressSamples = samples;
    new MutationObserver(() => {
      for (const card of document.querySelectorAll(".project-card")) {
        const bar = card.querySelector("progress");
        samples.push({
          status: card.dataset.status,
          value: bar ? Number(bar.value) : null,
          step: card.querySelector(".progress-step")?.textContent ?? null,
        });
      }
    }).observe(document.body, { childList: true, subtree: true, attributes: true });
  })()`);
}

/** Reloads `page` and delays its request for the project list while `whileLoading` runs. */
async function holdProjectList(page: Page, whileLoading: () => Promise<void>): Promise<void> {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route("**/api/v1/projects/?size=*", async (route) => {
    await gate;
    await route.continue();
  });

  try {
    await page.reload();
    await whileLoading();
  } finally {
    release();
    await page.unrouteAll({ behavior: "wait" });
  }
}

describe("dashboard in a browser", { timeout: 400_000, skip: browserSkipReason() }, () => {
  let work: string;
  let daemon: DaemonProcess;
  let browser: TestBrowser;
  let page: Page;
  let video: string;
  let silentVideo: string;
  let projectId: string;
  const requested: string[] = [];

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "autoclipd-dashboard-"));
    const srt = await readFile(sample, "utf8");
    const ends = [...srt.matchAll(/--> (\d+):(\d+):(\d+),(\d+)/g)].map(
      (m) => Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000,
    );
    video = path.join(work, "talk.mp4");
    silentVideo = path.join(work, "no subtitles.mp4");
    const small = { width: 160, height: 90, fps: 10 };
    await generateTestVideo(
      { output: video, duration: Math.ceil(Math.max(...ends)) + 1, ...small },
      binaries,
    );
    await generateTestVideo({ output: silentVideo, duration: 2, ...small }, binaries);

    daemon = await startDaemonProcess([
      "--data-dir",
      path.join(work, "data"),
      "--inbox-settle-ms",
      "300",
      "--encoder-preset",
      "ultrafast",
    ]);
    browser = await launchBrowser("en-US");
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on("pageerror", (error) => assert.fail(`page error: ${error.message}`));
    browser.context.on("request", (request) => requested.push(request.url()));
  });

  after(async () => {
    await browser?.close();
    if (daemon) assert.equal(await daemon.stop(), 0, "daemon exits with 0 on SIGTERM");
    await rm(work, { recursive: true, force: true });
  });

  it("shows the empty state in the browser's language", async () => {
    const chinese = await launchBrowser("zh-CN");
    try {
      const zhPage = chinese.context.pages()[0] ?? (await chinese.context.newPage());
      await zhPage.goto(`${daemon.url}/`);
      await zhPage.getByText("还没有项目").waitFor();
      assert.equal(await zhPage.locator("html").getAttribute("lang"), "zh-CN");
      await saveScreenshot(zhPage, "overview-empty-zh");

      await zhPage.getByRole("button", { name: "上传", exact: true }).click();
      await zhPage.getByText("请先选择视频文件。").waitFor();
      await saveScreenshot(zhPage, "upload-error-zh");

      await holdProjectList(zhPage, async () => {
        await zhPage.locator(".state-loading").filter({ hasText: "正在加载项目…" }).waitFor();
        await saveScreenshot(zhPage, "overview-loading-zh");
      });
    } finally {
      await chinese.close();
    }

    await page.goto(`${daemon.url}/`);
    await page.getByText("No projects yet").waitFor();
    assert.equal(await page.locator("html").getAttribute("lang"), "en");
    await assertLabelled(page, "the empty overview");
    await assertFocusVisible(page);
    await saveScreenshot(page, "overview-empty-en");

    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await page.getByText("Choose a video file first.").waitFor();
    assert.equal(
      await page.evaluate(() => document.activeElement?.id.endsWith("-video")),
      true,
      "focus moves to the video input",
    );
    await saveScreenshot(page, "upload-error-en");
  });

  it("shows a loading state until the projects arrive", async () => {
    await holdProjectList(page, async () => {
      const loading = page.locator(".state-loading").filter({ hasText: "Loading projects…" });
      await loading.waitFor();
      assert.equal(await loading.getAttribute("aria-busy"), "true");
      await saveScreenshot(page, "overview-loading-en");
    });

    await page.getByText("No projects yet").waitFor();
  });

  it("uploads a video and follows its progress to done", async () => {
    await page.reload();
    await page.getByText("No projects yet").waitFor();
    await recordProgress(page);

    await page.getByLabel("Video file").setInputFiles(video);
    // The subtitle file arrives by drag and drop, as a person would bring it.
    const subtitleText = await readFile(sample, "utf8");
    const transfer = await page.evaluateHandle((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], "talk.zh.srt", { type: "application/x-subrip" }));
      return data;
    }, subtitleText);
    await page.locator(".drop-zone").dispatchEvent("drop", { dataTransfer: transfer });
    assert.equal(
      await page
        .getByLabel("Subtitle file (.srt, .vtt, .ass, .ssa, .sbv, .sub)")
        .evaluate((input) => (input as HTMLInputElement).files?.[0]?.name),
      "talk.zh.srt",
    );
    await page.getByLabel("Project name (optional)").fill("Coffee, sleep and running");
    await page.getByRole("button", { name: "Upload", exact: true }).click();

    await page.getByText("Uploaded talk.mp4").waitFor({ timeout: 60_000 });
    assert.equal(
      await page.getByLabel("Upload progress").evaluate((bar) => (bar as HTMLProgressElement).value),
      1,
    );

    const card = page.locator(".project-card", { hasText: "Coffee, sleep and running" });
    await card.waitFor({ timeout: 60_000 });
    await card.locator('[data-status="completed"]').first().waitFor({ timeout: PROCESSING_TIMEOUT_MS });
    projectId = (await card.getAttribute("data-project-id")) ?? "";
    assert.ok(projectId, "the card names its project id");

    const samples = await page.evaluate(
      () => (window as unknown as { progressSamples: ProgressSample[] }).progressSamples,
    );
    const moving = samples.filter((sample) => sample.status === "processing" && sample.value !== null);
    assert.ok(
      moving.length > 0,
      `the card showed a progress bar while processing: ${JSON.stringify(samples.slice(-5))}`,
    );
    assert.ok(
      moving.some((sample) => /^Step \d of 7: /.test(sample.step ?? "")),
      `the progress text names the step: ${JSON.stringify(moving.slice(-3))}`,
    );
    const values = moving.map((sample) => sample.value as number);
    assert.ok(Math.max(...values) > Math.min(...values), `the bar advanced: ${values.join(", ")}`);
    assert.equal(await card.locator("progress").count(), 0, "a finished project has no progress bar");

    const project = await getJson<{ total_clips: number }>(`${daemon.url}/api/v1/projects/${projectId}`);
    assert.ok(project.total_clips > 0, "the project has clips");
    assert.equal(await card.locator('[data-count="clips"]').textContent(), String(project.total_clips));
    await page.locator('.total[data-total="completed"] dd', { hasText: "1" }).waitFor();
    await assertLabelled(page, "the overview");
    await saveScreenshot(page, "overview-en");
  });

  it("plays, renames, groups, reorders and deletes clips", async () => {
    await page.getByRole("link", { name: "Coffee, sleep and running" }).click();
    await page.locator(".clip-card").first().waitFor();
    const clips = await getJson<{ items: ClipItem[] }>(`${daemon.url}/api/v1/clips/?project_id=${projectId}`);
    assert.equal(await page.locator(".clip-card").count(), clips.items.length);
    await assertLabelled(page, "the project page");
    await saveScreenshot(page, "project-en");

    const first = page.locator(".clip-card").first();
    const firstId = (await first.getAttribute("data-clip-id")) ?? "";
    const player = first.locator("video");
    await player.evaluate((element) => {
      const media = element as HTMLVideoElement;
      media.muted = true;
      return media.play();
    });
    await page.waitForFunction(
      (id) =>
        ((document.querySelector(`[data-clip-id="${id}"] video`) as HTMLVideoElement | null)?.readyState ??
          0) >= 3,
      firstId,
      { timeout: 30_000 },
    );
    const readyState = await player.evaluate((element) => (element as HTMLVideoElement).readyState);
    assert.ok(readyState >= 3, `the clip can play, readyState ${readyState}`);

    const href = await first.getByRole("link", { name: /^Download / }).getAttribute("href");
    const download = await fetch(`${daemon.url}${href}`, { method: "HEAD" });
    assert.equal(download.status, 200);
    assert.match(download.headers.get("content-disposition") ?? "", /^attachment;/);

    await first.getByRole("button", { name: /^Rename / }).click();
    const input = first.getByLabel("New title");
    await input.fill("先看懂睡眠周期");
    await input.press("Enter");
    await first.getByRole("heading", { name: "先看懂睡眠周期" }).waitFor();
    await page.waitForFunction(
      (id) => (document.activeElement as HTMLElement | null)?.dataset.focusKey === `rename-clip-${id}`,
      firstId,
    );
    const renamed = await getJson<ClipItem>(`${daemon.url}/api/v1/clips/${firstId}`);
    assert.equal(renamed.title, "先看懂睡眠周期");

    await page.reload();
    await page
      .locator(`[data-clip-id="${firstId}"]`)
      .getByRole("heading", { name: "先看懂睡眠周期" })
      .waitFor();

    // A collection from the first two clips, then the second moved up.
    const cards = page.locator(".clip-card");
    const secondId = (await cards.nth(1).getAttribute("data-clip-id")) ?? "";
    await cards.nth(0).getByRole("checkbox").check();
    await cards.nth(1).getByRole("checkbox").check();
    await page.getByLabel("Title of the new collection").fill("My picks");
    await page.getByRole("button", { name: "Create from 2 selected clips" }).click();
    const created = page.locator(".collection-card", { hasText: "My picks" });
    await created.locator("video").waitFor({ timeout: 60_000 });
    await created
      .getByRole("button", { name: /^Move .* down$/ })
      .first()
      .click();
    await created.locator(`.collection-clips li:first-child[data-clip-id="${secondId}"]`).waitFor();
    const collections = await getJson<{ items: { collection_title: string; clip_ids: string[] }[] }>(
      `${daemon.url}/api/v1/collections/?project_id=${projectId}`,
    );
    const mine = collections.items.find((collection) => collection.collection_title === "My picks");
    assert.deepEqual(mine?.clip_ids, [secondId, firstId]);
    await saveScreenshot(page, "project-edited-en");

    const before = await cards.count();
    const last = cards.last();
    const lastId = (await last.getAttribute("data-clip-id")) ?? "";
    page.once("dialog", (dialog) => dialog.accept());
    await last.getByRole("button", { name: /^Delete / }).click();
    await page.locator(`[data-clip-id="${lastId}"].clip-card`).waitFor({ state: "detached" });
    assert.equal(await cards.count(), before - 1);
    const left = await getJson<{ items: ClipItem[] }>(`${daemon.url}/api/v1/clips/?project_id=${projectId}`);
    assert.equal(left.items.length, before - 1);
  });

  it("switches to Chinese and remembers it", async () => {
    await page.getByLabel("Language").selectOption("zh-CN");
    await page.getByRole("heading", { name: /^切片 \d+$/ }).waitFor();
    assert.equal(await page.locator("html").getAttribute("lang"), "zh-CN");
    await page.getByText("时间范围").first().waitFor();
    await saveScreenshot(page, "project-zh");

    // A phone-sized screen: the cards stack and nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page fits 390 px without scrolling sideways, it is ${width} px wide`);
    await saveScreenshot(page, "project-narrow-zh");
    await page.setViewportSize({ width: 1100, height: 800 });

    await page.reload();
    await page.getByRole("heading", { name: /^合集 \d+$/ }).waitFor();
    await page.getByRole("link", { name: "全部项目" }).click();
    await page.getByRole("heading", { name: "项目", exact: true }).waitFor();
    await page.locator(".project-card").first().waitFor();
    await saveScreenshot(page, "overview-zh");
  });

  it("shows a failed project's message, hint and retry", async () => {
    await page.getByLabel("视频文件").setInputFiles(silentVideo);
    await page.getByLabel("项目名称（可选）").fill("没有字幕");
    await page.getByRole("button", { name: "上传", exact: true }).click();
    const card = page.locator(".project-card", { hasText: "没有字幕" });
    await card.locator('[data-status="failed"]').first().waitFor({ timeout: PROCESSING_TIMEOUT_MS });
    await card.getByText("视频没有附带字幕文件").waitFor();
    await card.getByText("处理办法：").waitFor();
    await saveScreenshot(page, "overview-error-zh");

    await page.getByLabel("语言").selectOption("en");
    const failed = page.locator(".project-card", { hasText: "没有字幕" });
    await failed.getByText("The video came without a subtitle file").waitFor();
    await failed.getByText("What to do:").waitFor();
    await saveScreenshot(page, "overview-error-en");

    await failed.getByRole("link", { name: "没有字幕" }).click();
    await page.locator(".project-header .failure").waitFor();
    await page.getByText("No clips, because processing failed.").waitFor();
    assert.equal(await page.getByText("They appear when processing ends").count(), 0);
    await page.getByText("No collections, because processing failed").waitFor();
    await saveScreenshot(page, "project-error-en");
    await page.getByLabel("Language").selectOption("zh-CN");
    await page.getByText("没有切片，因为处理失败了。").waitFor();
    await page.getByText("没有合集，因为处理在生成切片之前就失败了。").waitFor();
    await saveScreenshot(page, "project-error-zh");
    await page.getByLabel("语言").selectOption("en");

    const failedId = (await page.locator(".project-header").getAttribute("data-project-id")) ?? "";
    const statusUrl = `${daemon.url}/api/v1/projects/${failedId}/status`;
    const before = await getJson<{ status: string; updated_at: string }>(statusUrl);
    assert.equal(before.status, "failed");
    await page.getByRole("button", { name: "Retry 没有字幕" }).click();
    // The retry queues the project again; without subtitles it fails again, quickly.
    await waitFor(
      "the retried project to be queued again",
      async () => {
        const now = await getJson<{ updated_at: string }>(statusUrl);
        return now.updated_at !== before.updated_at ? now : undefined;
      },
      60_000,
      100,
    );
    await page
      .locator('.project-header[data-status="failed"] .failure')
      .waitFor({ timeout: PROCESSING_TIMEOUT_MS });
    assert.equal(await page.getByText("The change was not saved").count(), 0, "the retry raised no error");
  });

  it("lists files that the inbox rejected, with their reason", async () => {
    await page.goto(`${daemon.url}/#/`);
    await page.locator(".project-card").first().waitFor();
    assert.equal(await page.locator("section.rejected").isHidden(), true, "no rejected files yet");

    // The upload route probes the video first, so a text file named .mp4 fails at once and
    // never reaches the inbox.
    const broken = path.join(work, "broken.mp4");
    await writeFile(broken, "This is a text file, not a video.\n");
    await page.getByLabel("Video file").setInputFiles(broken);
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await page.getByText("The upload was discarded (MEDIA_UNREADABLE)").waitFor({ timeout: 60_000 });
    assert.equal(await page.locator("section.rejected").isHidden(), true, "a refused upload is not listed");

    // The same file dropped into the inbox folder by hand is rejected there and listed.
    await writeFile(path.join(work, "data", "inbox", "broken.mp4"), "This is a text file, not a video.\n");
    await waitFor(
      "the dropped file to be rejected and listed",
      async () => {
        if ((await page.locator('.rejected-item[data-file="broken.mp4"]').count()) > 0) return true;
        await page.reload();
        await page.locator(".project-card").first().waitFor();
        return undefined;
      },
      PROCESSING_TIMEOUT_MS,
      1000,
    );

    const section = page.locator("section.rejected");
    await section.getByRole("heading", { name: "Rejected files 1" }).waitFor();
    const item = section.locator('.rejected-item[data-file="broken.mp4"]');
    await item.getByRole("heading", { name: "broken.mp4" }).waitFor();
    await item.getByText("broken.mp4 could not be read as a video").waitFor();
    await item.getByText("What to do:").waitFor();
    await item.getByText("Check that the file is a complete video").waitFor();
    assert.equal(
      await item.locator(".status").textContent(),
      "✕Rejected",
      "the status is a word, not a colour",
    );
    assert.match((await item.locator("time").getAttribute("datetime")) ?? "", /^\d{4}-\d\d-\d\dT/);
    await assertLabelled(page, "the overview with a rejected file");
    await saveScreenshot(page, "overview-rejected-en");

    // A file dropped into the inbox folder by hand shows up at the next refresh, in Chinese.
    await writeFile(path.join(work, "data", "inbox", "notes.mkv"), "not a video either\n");
    await page.getByLabel("Language").selectOption("zh-CN");
    const zhItem = page.locator('.rejected-item[data-file="notes.mkv"]');
    await waitFor(
      "the dropped file to be rejected and listed",
      async () => {
        if ((await zhItem.count()) > 0) return true;
        await page.reload();
        await page.locator(".project-card").first().waitFor();
        return undefined;
      },
      PROCESSING_TIMEOUT_MS,
      1000,
    );
    await section.getByRole("heading", { name: "被拒收的文件 2" }).waitFor();
    await zhItem.getByText("无法将 notes.mkv 读取为视频").waitFor();
    await section.locator('.rejected-item[data-file="broken.mp4"]').getByText("处理办法：").waitFor();
    await page.getByText("已拒收").first().waitFor();
    await saveScreenshot(page, "overview-rejected-zh");
    await page.getByLabel("语言").selectOption("en");
  });

  it("shows an error state when the daemon cannot be reached", async () => {
    await page.route("**/api/v1/stats", (route) => route.abort("connectionrefused"));
    await page.goto(`${daemon.url}/#/`);
    const alert = page.getByRole("alert").filter({ hasText: "The dashboard cannot reach the daemon" });
    await alert.waitFor();
    await saveScreenshot(page, "overview-unreachable-en");
    await page.getByLabel("Language").selectOption("zh-CN");
    await page.getByRole("alert").filter({ hasText: "仪表盘无法连接到守护进程" }).waitFor();
    await saveScreenshot(page, "overview-unreachable-zh");

    await page.unrouteAll();
    await page.getByRole("button", { name: "重试" }).click();
    await page.locator(".project-card").first().waitFor();
    await page.getByLabel("语言").selectOption("en");
  });

  it("works at /dashboard/ beside another frontend", async () => {
    const frontendDir = path.join(work, "frontend");
    await mkdir(frontendDir);
    await writeFile(
      path.join(frontendDir, "index.html"),
      "<!doctype html><title>Other</title><h1>Other frontend</h1>",
    );
    const second = await startDaemonProcess([
      "--data-dir",
      path.join(work, "data-2"),
      "--frontend-dir",
      frontendDir,
      "--api-token",
      "dashboard-test-token",
    ]);
    try {
      await page.goto(`${second.url}/`);
      await page.getByRole("heading", { name: "Other frontend" }).waitFor();

      // The page loads without a token, and requests the daemon's token before it reads the API.
      await page.goto(`${second.url}/dashboard/`);
      await page.getByRole("heading", { name: "This daemon needs an API token" }).waitFor();
      await assertLabelled(page, "the token form");
      await saveScreenshot(page, "token-en");
      await page.getByLabel("API token", { exact: true }).fill("dashboard-test-token");
      await page.getByRole("button", { name: "Use this token" }).click();
      await page.getByText("No projects yet").waitFor();
      await page.getByLabel("Language").selectOption("zh-CN");
      await page.getByText("还没有项目").waitFor();
      await saveScreenshot(page, "frontend-dir-dashboard-zh");

      await page.goto(`${second.url}/dashboard/#/projects/no-such-project`);
      await page.getByText("未找到项目").waitFor();
      await saveScreenshot(page, "project-not-found-zh");
      await page.getByLabel("语言").selectOption("en");
      await page.getByText("Project not found").waitFor();
      await saveScreenshot(page, "project-not-found-en");
    } finally {
      assert.equal(await second.stop(), 0, "second daemon exits with 0 on SIGTERM");
    }
  });

  it("loads nothing from another host", () => {
    const origins = new Set(
      requested.filter((url) => !url.startsWith("data:")).map((url) => new URL(url).hostname),
    );

    assert.ok(requested.length > 20, `requests were recorded: ${requested.length}`);
    assert.deepEqual([...origins], ["127.0.0.1"]);
  });
});
