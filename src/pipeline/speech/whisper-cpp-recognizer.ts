import { execFile } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { isNotFound } from "../../shared/fs-errors.ts";
import type { Logger } from "../../shared/logger.ts";
import { isSpawnFailure } from "../ffmpeg-errors.ts";
import type { AudioChunk, RawReply, Recognizer } from "./recognizer.ts";
import type { ResolvedSpeechConfig } from "./speech-config.ts";
import { SpeechError } from "./speech-errors.ts";

/** Lines of the program's stderr quoted in an error. */
const STDERR_TAIL_LINES = 3;
/** whisper.cpp prints its progress and timings; this bounds what is kept of them. */
const MAX_OUTPUT_BYTES = 16 * 2 ** 20;

interface ProgramResult {
  error: (Error & { code?: unknown; killed?: boolean; signal?: unknown }) | null;
  stderr: string;
}

function runProgram(
  program: string,
  args: readonly string[],
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ProgramResult> {
  return new Promise((resolve) => {
    execFile(
      program,
      args,
      { timeout: timeoutMs, signal, maxBuffer: MAX_OUTPUT_BYTES, encoding: "utf8" },
      (error, _stdout, stderr) => resolve({ error, stderr }),
    );
  });
}

function tail(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.slice(-STDERR_TAIL_LINES).join(" / ") || "no error output";
}

async function assertModelExists(model: string): Promise<void> {
  try {
    await stat(model);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw new SpeechError("SPEECH_MODEL_NOT_FOUND", {
      en: `the whisper.cpp model file ${model} does not exist`,
      zh: `whisper.cpp 模型文件 ${model} 不存在`,
    });
  }
}

function failure(result: ProgramResult, program: string, timeoutMs: number): SpeechError {
  const { error } = result;
  if (isSpawnFailure(error)) {
    return new SpeechError(
      "SPEECH_PROGRAM_NOT_FOUND",
      {
        en: `the whisper.cpp program ${program} could not be started (${String(error?.code)})`,
        zh: `无法启动 whisper.cpp 程序 ${program}（${String(error?.code)}）`,
      },
      { cause: error },
    );
  }
  if (error?.killed && error.signal === "SIGTERM") {
    return new SpeechError("SPEECH_TIMEOUT", {
      en: `the whisper.cpp program ${program} did not finish within ${timeoutMs / 1000} s`,
      zh: `whisper.cpp 程序 ${program} 未在 ${timeoutMs / 1000} 秒内完成`,
    });
  }

  const exit =
    typeof error?.code === "number" ? `exit code ${error.code}` : `signal ${String(error?.signal)}`;
  return new SpeechError(
    "SPEECH_PROGRAM_FAILED",
    {
      en: `the whisper.cpp program ${program} failed with ${exit}: ${tail(result.stderr)}`,
      zh: `whisper.cpp 程序 ${program} 运行失败（${exit}）：${tail(result.stderr)}`,
    },
    { cause: error },
  );
}

/**
 * Creates a recognizer that runs a whisper.cpp command-line program (`whisper-cli`, formerly
 * `main`) on each chunk file: `-m MODEL -f CHUNK.wav -of BASE -oj|-osrt -l LANGUAGE -np`, then
 * reads the `BASE.json` or `BASE.srt` file it writes. The language is `auto` when unset.
 * A run is stopped after `timeoutMs`. Failures are not retried, because a local program that
 * failed once fails again.
 *
 * NOTE: tested only against a fake program that follows whisper-cli's flags and its `-oj`
 * layout (`transcription[].offsets` in milliseconds), not against a real whisper.cpp build.
 */
export function createWhisperCppRecognizer(config: ResolvedSpeechConfig, logger: Logger): Recognizer {
  const program = config.whisperCppPath ?? "whisper-cli";
  const model = config.whisperCppModel ?? "";
  const extension = config.whisperCppOutput === "json" ? "json" : "srt";

  return {
    kind: "whisper-cpp",
    identity: { model, language: config.language ?? null, output: config.whisperCppOutput },

    async transcribe(chunk: AudioChunk, signal: AbortSignal): Promise<RawReply> {
      await assertModelExists(model);
      signal.throwIfAborted();

      const base = chunk.file.replace(/\.wav$/, "");
      const args = [
        ...["-m", model, "-f", chunk.file, "-of", base],
        extension === "json" ? "-oj" : "-osrt",
        ...["-l", config.language ?? "auto", "-np"],
      ];
      logger.debug({ program, args, chunk: chunk.index + 1 }, "whisper.cpp started");
      const result = await runProgram(program, args, config.timeoutMs, signal);
      signal.throwIfAborted();
      if (result.error) throw failure(result, program, config.timeoutMs);

      const output = `${base}.${extension}`;
      try {
        const text = await readFile(output, "utf8");
        return { format: extension === "json" ? "whisper_json" : "srt", text };
      } catch (error) {
        if (!isNotFound(error)) throw error;
        throw new SpeechError("SPEECH_PROGRAM_FAILED", {
          en: `the whisper.cpp program ${program} exited without writing ${output}: ${tail(result.stderr)}`,
          zh: `whisper.cpp 程序 ${program} 退出时没有写出 ${output}：${tail(result.stderr)}`,
        });
      }
    },
  };
}
