/**
 * Benchmark of clip cutting: renders about 12 clips of 30–120 s spread over a 60-minute
 * 1280×720 source and joins them into 3 collections, in accurate and in copy mode. It times our
 * code (renderClip with its render checks, then concatVideos) next to the same ffmpeg command
 * lines run from bash right after each clip and join, which is the floor that our code can reach.
 *
 *   node --import tsx bench/cutting-bench.ts      # writes bench/results/cutting.md
 *
 * Set AUTOCLIP_BENCH_CACHE to a folder to keep the generated source there between runs.
 */
import { execFile } from "node:child_process";
import { createReadStream, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import {
  type ConcatMethod,
  CUT_MODES,
  type CutMode,
  concatVideos,
  type FfmpegBinaries,
  generateTestVideo,
  type MediaInfo,
  quoteConcatPath,
  resolveFfmpegBinaries,
} from "../src/pipeline/ffmpeg.ts";
import { probeVideoFast } from "../src/pipeline/probe-fast.ts";
import { renderClip } from "../src/pipeline/render-check.ts";
import { ATOMIC_TEMP_SUFFIX } from "../src/project/atomic-write.ts";
import { createLogger } from "../src/shared/logger.ts";
import type { Benchmark, BenchReport, BenchSettings, ResultRow } from "./support/bench-types.ts";
import { readMachineInfo } from "./support/machine-info.ts";
import { renderReport } from "./support/report.ts";
import { seconds } from "./support/statistics.ts";

export interface CuttingBenchOptions {
  /**
   * Folder that keeps the generated source between runs. When null, the source goes to a
   * temporary folder that is removed afterwards. @default process.env.AUTOCLIP_BENCH_CACHE
   */
  cacheDir?: string | null;
  /** Clips to cut. @default 12 */
  clips?: number;
  /** Length of the source in seconds. @default 3600 */
  sourceSeconds?: number;
  /** Modes to measure, in order. @default ["accurate", "copy"] */
  modes?: readonly CutMode[];
  /** x264 preset of accurate cuts. @default "veryfast" */
  preset?: string;
  /** Writes the report to `bench/results/cutting.md`. @default true */
  record?: boolean;
  /** Prints one progress line. @default writes to stderr */
  log?: (line: string) => void;
}

interface PlannedClip {
  id: string;
  start: number;
  end: number;
}

interface ModeResult {
  mode: CutMode;
  oursMs: number;
  bareMs: number;
  /** CPU time of the bench process and its children while our code ran, NaN off Linux. */
  oursCpuMs: number;
  /** CPU time of the bash scripts and their children, NaN off Linux. */
  bareCpuMs: number;
  commands: number;
  fallbacks: number;
  joinMethods: ConcatMethod[];
  clipSeconds: number;
}

/** One command that our code ran, read back from its debug log. */
type LoggedStep =
  | { kind: "ffmpeg"; binary: string; args: string[] }
  | { kind: "concat-list"; listFile: string; inputs: string[] };

const WIDTH = 1280;
const HEIGHT = 720;
const FPS = 25;
const COLLECTIONS = 3;
/** Target ratio: our cutting takes at most 10% longer than the same ffmpeg commands run from bash. */
const MAX_RATIO = 1.1;

/** USER_HZ of Linux on x86 and arm, the unit of the times in /proc/self/stat. */
const CLOCK_TICKS_PER_SECOND = 100;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Spreads `count` clips of 30–120 s over the source, one per equal slot, starting off the keyframe grid. */
function planClips(count: number, sourceSeconds: number): PlannedClip[] {
  const slot = sourceSeconds / count;

  return Array.from({ length: count }, (_, i) => {
    const length = Math.min(30 + ((i * 37) % 91), slot - 20);
    const start = i * slot + 3.37 + ((i * 7.3) % 10);
    return { id: String(i + 1), start, end: start + length };
  });
}

/**
 * Reads the CPU milliseconds used so far by this process and by its children that have exited
 * (ffmpeg, ffprobe, bash), from the utime, stime, cutime and cstime fields of /proc/self/stat.
 * Returns NaN where /proc is missing.
 */
function readCpuMs(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields after the command name, which is in brackets and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
    return (ticks / CLOCK_TICKS_PER_SECOND) * 1000;
  } catch {
    return Number.NaN;
  }
}

/** Quotes `value` for bash: single quotes, with each single quote closed, escaped and reopened. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** Creates a debug logger that keeps the ffmpeg command lines and concat lists that our code logs. */
function captureLogger(steps: LoggedStep[]) {
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split("\n")) {
        if (line.trim() === "") continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.msg === "ffmpeg started") {
          steps.push({ kind: "ffmpeg", binary: String(entry.binary), args: entry.args as string[] });
        } else if (entry.msg === "concat list written") {
          steps.push({
            kind: "concat-list",
            listFile: String(entry.listFile),
            inputs: entry.inputs as string[],
          });
        }
      }
      callback();
    },
  });

  return createLogger("debug", destination);
}

/**
 * Writes the logged commands as a bash script that writes into `bareDir` in place of `oursDir`.
 * Like our code, it renames each finished temporary output into place, and it writes each
 * concat list before the join that reads it.
 */
function buildScript(steps: readonly LoggedStep[], oursDir: string, bareDir: string): string {
  const move = (file: string) => file.split(oursDir).join(bareDir);
  const lines = ["#!/usr/bin/env bash", "set -euo pipefail"];

  for (const step of steps) {
    if (step.kind === "concat-list") {
      const body = [
        "ffconcat version 1.0",
        ...step.inputs.map((input) => `file ${quoteConcatPath(move(input))}`),
      ];
      lines.push(`printf '%s\\n' ${body.map(shellQuote).join(" ")} > ${shellQuote(move(step.listFile))}`);
      continue;
    }

    const args = step.args.map(move);
    lines.push(`${shellQuote(step.binary)} ${args.map(shellQuote).join(" ")} 2>/dev/null`);
    const output = args.at(-1) ?? "";
    const name = path.basename(output);
    if (name.startsWith(".") && name.endsWith(ATOMIC_TEMP_SUFFIX)) {
      const final = path.join(path.dirname(output), name.slice(1, -ATOMIC_TEMP_SUFFIX.length));
      lines.push(`mv -f -- ${shellQuote(output)} ${shellQuote(final)}`);
    }
  }

  return `${lines.join("\n")}\n`;
}

function runBash(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile("bash", [script], { maxBuffer: 16 * 2 ** 20 }, (error, _stdout, stderr) => {
      if (error)
        reject(new Error(`bash ${script} failed: ${stderr.trim() || error.message}`, { cause: error }));
      else resolve();
    });
  });
}

/** Reads the whole file once, so that both timed runs find it in the page cache. */
async function warmPageCache(file: string): Promise<void> {
  await pipeline(
    createReadStream(file),
    new Writable({ write: (_chunk, _encoding, callback) => callback() }),
  );
}

async function ensureSource(
  file: string,
  sourceSeconds: number,
  binaries: FfmpegBinaries,
  log: (line: string) => void,
): Promise<string> {
  const existing = await stat(file).catch(() => null);
  if (existing?.isFile()) return "reused from the cache folder";

  log(`generating a ${sourceSeconds} s ${WIDTH}x${HEIGHT} source in ${file}`);
  const started = performance.now();
  await generateTestVideo(
    { output: file, duration: sourceSeconds, width: WIDTH, height: HEIGHT, fps: FPS },
    binaries,
  );
  return `generated in ${seconds(performance.now() - started)}`;
}

async function measureMode(
  mode: CutMode,
  source: string,
  clips: readonly PlannedClip[],
  workDir: string,
  options: { preset: string; binaries: FfmpegBinaries; log: (line: string) => void },
): Promise<ModeResult> {
  const { preset, binaries, log } = options;
  const oursDir = path.join(workDir, mode, "ours");
  const bareDir = path.join(workDir, mode, "bare");
  await mkdir(path.join(oursDir, "clips"), { recursive: true });
  await mkdir(path.join(oursDir, "collections"), { recursive: true });
  await mkdir(path.join(bareDir, "clips"), { recursive: true });
  await mkdir(path.join(bareDir, "collections"), { recursive: true });

  const steps: LoggedStep[] = [];
  const logger = captureLogger(steps);
  const totals = { oursMs: 0, bareMs: 0, oursCpuMs: 0, bareCpuMs: 0 };
  let fallbacks = 0;
  let segment = 0;
  const joinMethods: ConcatMethod[] = [];

  // Each piece of our work is followed at once by its own ffmpeg command lines from bash, so
  // that load from other processes on the machine falls on both sides alike.
  const measurePiece = async (work: () => Promise<void>): Promise<void> => {
    const firstStep = steps.length;
    const oursCpuBefore = readCpuMs();
    const oursStarted = performance.now();
    await work();
    totals.oursMs += performance.now() - oursStarted;
    totals.oursCpuMs += readCpuMs() - oursCpuBefore;

    const pieceSteps = steps.slice(firstStep);
    if (!pieceSteps.some((step) => step.kind === "ffmpeg")) return;

    segment += 1;
    const script = path.join(workDir, `${mode}-bare-${segment}.sh`);
    await writeFile(script, buildScript(pieceSteps, oursDir, bareDir));
    const bareCpuBefore = readCpuMs();
    const bareStarted = performance.now();
    await runBash(script);
    totals.bareMs += performance.now() - bareStarted;
    totals.bareCpuMs += readCpuMs() - bareCpuBefore;
  };

  log(`${mode}: cutting ${clips.length} clips, each with our code and then from bash`);
  let sourceInfo: MediaInfo | undefined;
  const clipInfos = new Map<string, MediaInfo>();
  await measurePiece(async () => {
    sourceInfo = await probeVideoFast(source, binaries, logger);
  });
  for (const clip of clips) {
    const output = path.join(oursDir, "clips", `${clip.id}.mp4`);
    await measurePiece(async () => {
      const rendered = await renderClip(
        {
          clipId: clip.id,
          input: source,
          output,
          start: clip.start,
          end: clip.end,
          mode,
          preset,
          sourceInfo,
          logger,
        },
        binaries,
      );
      clipInfos.set(clip.id, rendered.info);
      if (rendered.mode !== mode) fallbacks += 1;
    });
  }
  for (let c = 0; c < COLLECTIONS; c += 1) {
    const members = clips.filter((_, i) => i % COLLECTIONS === c);
    const inputs = members.map((clip) => path.join(oursDir, "clips", `${clip.id}.mp4`));
    // Like the video step, the join takes each clip's facts from its render check.
    const inputInfos = members.map((clip) => clipInfos.get(clip.id) as MediaInfo);
    const output = path.join(oursDir, "collections", `c${c + 1}.mp4`);
    await measurePiece(async () => {
      joinMethods.push(await concatVideos({ inputs, output, inputInfos, logger }, binaries));
    });
  }

  const written = (await readdir(path.join(bareDir, "clips"))).length;
  if (written !== clips.length) {
    throw new Error(`The bare script wrote ${written} clips into ${bareDir}, expected ${clips.length}.`);
  }

  return {
    mode,
    ...totals,
    commands: steps.filter((step) => step.kind === "ffmpeg").length,
    fallbacks,
    joinMethods,
    clipSeconds: clips.reduce((sum, clip) => sum + clip.end - clip.start, 0),
  };
}

function rowsFor(result: ModeResult): ResultRow[] {
  const ratio = result.oursMs / result.bareMs;
  const cpuRatio = result.oursCpuMs / result.bareCpuMs;
  const joins = result.joinMethods.join(", ");
  const rows: ResultRow[] = [
    {
      measurement: `${result.mode}: our code, wall time`,
      result: seconds(result.oursMs),
      target: "",
      pass: null,
    },
    {
      measurement: `${result.mode}: same ffmpeg commands from bash, wall time`,
      result: `${seconds(result.bareMs)} (${result.commands} ffmpeg runs)`,
      target: "",
      pass: null,
    },
    {
      measurement: `${result.mode}: ours / bare, wall time`,
      result: `${ratio.toFixed(3)}×`,
      target: `≤ ${MAX_RATIO}×`,
      pass: ratio <= MAX_RATIO,
    },
  ];

  if (Number.isFinite(cpuRatio)) {
    rows.push({
      measurement: `${result.mode}: ours / bare, CPU time`,
      result: `${cpuRatio.toFixed(3)}× (${seconds(result.oursCpuMs)} / ${seconds(result.bareCpuMs)})`,
      target: `≤ ${MAX_RATIO}×`,
      pass: cpuRatio <= MAX_RATIO,
    });
  }
  rows.push({
    measurement: `${result.mode}: clips that fell back to accurate, collection joins`,
    result: `${result.fallbacks} fallbacks; joins: ${joins}`,
    target: "",
    pass: null,
  });

  return rows;
}

/** Measures cutting in both modes and returns the result table with its notes. */
async function measureCutting(options: CuttingBenchOptions = {}): Promise<BenchReport> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[bench] ${line}\n`));
  const cacheDir =
    options.cacheDir === undefined ? (process.env.AUTOCLIP_BENCH_CACHE ?? null) : options.cacheDir;
  const sourceSeconds = options.sourceSeconds ?? 3600;
  const clipCount = options.clips ?? 12;
  const preset = options.preset ?? "veryfast";
  const binaries = resolveFfmpegBinaries();
  const workDir = await mkdtemp(path.join(tmpdir(), "autoclipd-cutting-bench-"));

  try {
    const sourceDir = cacheDir ?? workDir;
    await mkdir(sourceDir, { recursive: true });
    const source = path.join(sourceDir, `source-${sourceSeconds}s-${WIDTH}x${HEIGHT}-${FPS}fps.mp4`);
    const origin = await ensureSource(source, sourceSeconds, binaries, log);
    await warmPageCache(source);

    const clips = planClips(clipCount, sourceSeconds);
    const results: ModeResult[] = [];
    for (const mode of options.modes ?? CUT_MODES) {
      results.push(await measureMode(mode, source, clips, workDir, { preset, binaries, log }));
    }

    const clipSeconds = results[0]?.clipSeconds ?? 0;
    const rows: ResultRow[] = [
      {
        measurement: "source",
        result: `${sourceSeconds} s, ${WIDTH}×${HEIGHT} at ${FPS} fps, keyframe every 10 s; ${origin}`,
        target: "",
        pass: null,
      },
      {
        measurement: "work",
        result: `${clips.length} clips, ${clipSeconds.toFixed(1)} s in total; ${COLLECTIONS} collections`,
        target: "",
        pass: null,
      },
      ...results.flatMap(rowsFor),
    ];
    const notes = [
      `Accurate cuts use x264 preset ${preset} at CRF 23 with 128 kbit/s AAC; copy cuts copy both streams.`,
      "Our time covers one read of the source's facts (from its MP4 header, as the video step does, with ffprobe only for other files), renderClip for each clip (in copy mode the keyframe lookup, whose first call reads the source's keyframe index from its MP4 header; the cut; the render check, which reads the output's MP4 header) and concatVideos (the join, with each clip's facts from its render check).",
      "The bash side runs the ffmpeg command lines that our code logged at debug level, with the same arguments and in the same order, and no ffprobe. Each clip and each join runs first with our code and then at once from bash, so load from other processes falls on both sides alike.",
      "CPU time is the user and system time of the bench process and its finished children (ffmpeg, ffprobe, bash), read from /proc/self/stat; it depends less on other load than wall time does.",
      "Each mode was measured once, so the ratios carry the noise of a single run.",
    ];

    return { rows, notes };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Runs the cutting benchmark and resolves with its report as Markdown, which it also writes to `bench/results/cutting.md`. */
export async function runCuttingBench(options: CuttingBenchOptions = {}): Promise<string> {
  const report = await measureCutting(options);
  const command = "node --import tsx bench/cutting-bench.ts";
  const body = `# Clip cutting\n\n${renderReport(report, readMachineInfo(), command, new Date())}`;

  if (options.record ?? true) {
    await mkdir(path.join(root, "bench", "results"), { recursive: true });
    await writeFile(path.join(root, "bench", "results", "cutting.md"), body);
  }

  return body;
}

export const benchmark: Benchmark = {
  name: "cutting",
  title: "Clip cutting",
  run: (settings: BenchSettings) => measureCutting({ log: settings.log }),
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(await runCuttingBench());
}
