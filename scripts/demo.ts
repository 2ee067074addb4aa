/**
 * `npm run demo`: generates the built-in sample talk, starts the daemon on a fresh data folder
 * under `.demo/`, drops the sample into its inbox, shows progress, prints the counts and the
 * URLs to look at, and keeps serving until Ctrl-C. `--exit` stops once processing ends.
 */

import { createWriteStream } from "node:fs";
import { copyFile, mkdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseCli } from "../src/daemon/cli-args.ts";
import { ListenError, startDaemon } from "../src/daemon/daemon.ts";
import { generateTestVideo, resolveFfmpegBinaries } from "../src/pipeline/ffmpeg.ts";
import { pickLocale } from "../src/shared/locale.ts";
import { createLogger } from "../src/shared/logger.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const demoDir = path.join(root, ".demo");
const sampleSubtitle = path.join(root, "samples", "talk.zh.srt");
const locale = pickLocale(process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG);
const exitWhenDone = process.argv.includes("--exit");
const { version } = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as {
  version: string;
};

const TEXT = {
  en: {
    generating: "Generating the sample video (about 6 minutes of test pattern and tone)…",
    starting: "Starting the daemon on a fresh data folder:",
    dropped: "Dropped the sample into the inbox. Processing:",
    done: (clips: number, collections: number) =>
      `Done: ${clips} ${clips === 1 ? "clip" : "clips"} and ${collections} ${collections === 1 ? "collection" : "collections"}.`,
    failed: (message: string) => `The sample project failed: ${message}`,
    look: "Look at:",
    logs: "Daemon log:",
    serving: "Serving until Ctrl-C.",
    portBusy: (port: number) => `Port ${port} is in use; serving on a free port instead.`,
  },
  zh: {
    generating: "正在生成示例视频（约 6 分钟的测试画面和音调）……",
    starting: "正在用新的数据文件夹启动守护进程：",
    dropped: "已把示例放入收件箱，处理中：",
    done: (clips: number, collections: number) => `完成：${clips} 个切片，${collections} 个合集。`,
    failed: (message: string) => `示例项目处理失败：${message}`,
    look: "可以查看：",
    logs: "守护进程日志：",
    serving: "持续提供服务，按 Ctrl-C 退出。",
    portBusy: (port: number) => `端口 ${port} 已被占用，改用一个空闲端口。`,
  },
}[locale];

/** Reads the end time of the last cue of an SRT file, in seconds. */
function lastCueEnd(srt: string): number {
  const ends = [...srt.matchAll(/--> (\d+):(\d+):(\d+)[,.](\d+)/g)].map(
    (match) => Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]) + Number(match[4]) / 1000,
  );
  return Math.max(...ends);
}

function bar(percent: number): string {
  const filled = Math.round(percent / 5);
  return `[${"#".repeat(filled)}${".".repeat(20 - filled)}] ${String(percent).padStart(3)}%`;
}

async function main(): Promise<void> {
  const dataDir = path.join(demoDir, "data");
  const workDir = path.join(demoDir, "work");
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });

  const request = parseCli(["--data-dir", dataDir, "--inbox-settle-ms", "500"], process.env, locale);
  if (request.kind !== "run") throw new Error("unexpected demo arguments");
  const settings = request.settings;
  const binaries = resolveFfmpegBinaries({ ffmpeg: settings.ffmpegPath, ffprobe: settings.ffprobePath });

  const video = path.join(workDir, "talk.mp4");
  console.log(TEXT.generating);
  const duration = Math.ceil(lastCueEnd(await readFile(sampleSubtitle, "utf8"))) + 2;
  await generateTestVideo({ output: video, duration }, binaries);

  const logFile = path.join(demoDir, "daemon.log");
  const logger = createLogger(settings.logLevel, createWriteStream(logFile));
  console.log(TEXT.starting, dataDir);
  let daemon: Awaited<ReturnType<typeof startDaemon>>;
  try {
    daemon = await startDaemon(settings, logger, version);
  } catch (error) {
    if (!(error instanceof ListenError)) throw error;
    // The default port is taken (often by another demo), so the demo takes a free one.
    console.log(TEXT.portBusy(settings.port));
    daemon = await startDaemon({ ...settings, port: 0 }, logger, version);
  }

  const inbox = path.join(dataDir, "inbox");
  await copyFile(sampleSubtitle, path.join(inbox, "示例演讲.srt"));
  await copyFile(video, path.join(inbox, ".示例演讲.mp4.part"));
  await rename(path.join(inbox, ".示例演讲.mp4.part"), path.join(inbox, "示例演讲.mp4"));
  console.log(TEXT.dropped);

  const finished = new Promise<{ id: string; status: string; message: string }>((resolve) => {
    let lastLine = "";
    daemon.index.on(
      "change",
      ({
        record,
      }: {
        record: {
          id: string;
          status: string;
          current_step: string | null;
          progress: number | null;
          message?: string;
          error_message?: string | null;
        } | null;
      }) => {
        if (!record) return;
        const line = `  ${bar(Math.round(record.progress ?? 0))} ${record.current_step ?? record.status}`;
        if (line !== lastLine) console.log(line);
        lastLine = line;
        if (record.status === "completed" || record.status === "failed") {
          resolve({
            id: record.id,
            status: record.status,
            message: record.error_message ?? record.message ?? "",
          });
        }
      },
    );
  });

  const outcome = await finished;
  const stats = (await (await fetch(`${daemon.url}/api/v1/stats`)).json()) as {
    clips: number;
    collections: number;
  };
  if (outcome.status === "failed") console.log(TEXT.failed(outcome.message));
  else console.log(TEXT.done(stats.clips, stats.collections));

  console.log(TEXT.look);
  console.log(`  ${daemon.url}/api/v1/stats`);
  console.log(`  ${daemon.url}/api/v1/projects/`);
  console.log(`  ${daemon.url}/api/v1/projects/${outcome.id}`);
  console.log(`  ${path.join(dataDir, "projects", outcome.id, "output", "clips")}`);
  console.log(TEXT.logs, logFile);

  if (exitWhenDone) {
    await daemon.stop();
    process.exitCode = outcome.status === "completed" ? 0 : 1;
    return;
  }

  console.log(TEXT.serving);
  const stop = () => {
    daemon.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

await main();
