import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import busboy from "busboy";
import type { RecognizedSegment } from "./recognizer.ts";

/** A transcription request as the fake server received it. */
export interface ReceivedTranscription {
  headers: IncomingHttpHeaders;
  /** Form fields other than the file, by name; a repeated field keeps its last value. */
  fields: Record<string, string>;
  fileName: string;
  contentType: string;
  audio: Buffer;
}

/** The fake server's response to one request. `json` is serialized; `body` is sent as it is. */
export interface TranscriptionResponse {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string;
  /** Delays the response, to test timeouts. */
  delayMs?: number;
}

/** Builds the response to the request numbered `index` (from 0). */
export type TranscriptionResponder = (
  request: ReceivedTranscription,
  index: number,
) => TranscriptionResponse | Promise<TranscriptionResponse>;

/** A running fake OpenAI-compatible transcription server on 127.0.0.1. */
export interface FakeTranscriptionServer {
  /** Base URL to configure, ending in `/v1`. */
  baseUrl: string;
  requests: ReceivedTranscription[];
  /** Highest number of requests that were open at the same time. */
  maxInFlight(): number;
  close(): Promise<void>;
}

/** A speech fixture: an audio file and, when its transcript is known, the sentences spoken. */
export interface SpeechFixture {
  file: string;
  sentences: string[] | null;
}

/** Folder of the speech recordings copied into the repository; ATTRIBUTION.md there names their sources. */
export const FIXTURE_MEDIA = fileURLToPath(new URL("../../../test/fixtures/media", import.meta.url));
const MEDIA = FIXTURE_MEDIA;

/** Reads the transcript of the Asterisk `demo-instruct` prompt, split into sentences. */
function instructTranscript(): string[] {
  return splitSentences(readFileSync(`${MEDIA}/demo-instruct.txt`, "utf8"));
}

/** Splits text after each `.`, `!` or `?` that a space follows. */
export function splitSentences(text: string): string[] {
  return text
    .trim()
    .split(/(?<=[.!?])\s+/)
    .map((sentence) => sentence.replace(/\s+/g, " ").trim())
    .filter(Boolean);
}

/** Speech fixtures by short name. The JFK excerpt is the public-domain inaugural address line. */
export const SPEECH_FIXTURES = {
  instruct: { file: `${MEDIA}/demo-instruct.wav`, sentences: null as string[] | null },
  jfk: {
    file: `${MEDIA}/jfk.wav`,
    sentences: [
      "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.",
    ],
  },
  commentary: { file: `${MEDIA}/new-commentary.mp3`, sentences: null },
  lena: { file: `${MEDIA}/lena.mp3`, sentences: null },
} satisfies Record<string, SpeechFixture>;

/** Loads the Asterisk transcript lazily, so that importing this module reads no file. */
export function fixtureSentences(name: keyof typeof SPEECH_FIXTURES): string[] | null {
  if (name === "instruct") return instructTranscript();
  return SPEECH_FIXTURES[name].sentences;
}

/**
 * Spreads sentences over `[0.2, duration - 0.2]` seconds in proportion to their length, as
 * a speaker at an even pace would speak them, with a 0.1 s pause before each.
 */
export function timeSentences(sentences: readonly string[], duration: number): RecognizedSegment[] {
  const from = 0.2;
  const span = Math.max(0.1, duration - 0.4);
  const total = sentences.reduce((sum, sentence) => sum + sentence.length, 0);

  let cursor = from;
  return sentences.map((text) => {
    const length = (span * text.length) / total;
    const segment = { start: round(cursor + Math.min(0.1, length / 4)), end: round(cursor + length), text };
    cursor += length;
    return segment;
  });
}

/** Builds segments for audio without a known transcript: one per `every` seconds, named by number. */
export function durationSegments(duration: number, every = 2): RecognizedSegment[] {
  const segments: RecognizedSegment[] = [];
  for (let start = 0, number = 1; start < duration - 0.05; start += every, number++) {
    segments.push({
      start: round(start),
      end: round(Math.min(duration, start + every)),
      text: `Passage number ${number}.`,
    });
  }
  return segments;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** Returns the samples of a WAV file: the bytes of its `data` chunk. */
export function pcmOf(wav: Buffer): Buffer {
  for (let position = 12; position + 8 <= wav.length; ) {
    const id = wav.toString("ascii", position, position + 4);
    const size = wav.readUInt32LE(position + 4);
    if (id === "data") return wav.subarray(position + 8, position + 8 + size);
    position += 8 + size + (size % 2);
  }
  throw new Error("the WAV file has no data chunk");
}

/**
 * Builds a responder that acts as a recognizer that heard `segments` (source times). It finds
 * the chunk's offset in `reference`, the whole 16 kHz mono audio. It returns, in `verbose_json`,
 * every segment that overlaps the chunk, cut to the chunk and shifted to its start.
 */
export function timelineResponder(
  reference: Buffer,
  segments: readonly RecognizedSegment[],
  language = "english",
): TranscriptionResponder {
  const samples = pcmOf(reference);

  return (request) => {
    const chunk = pcmOf(request.audio);
    const offsetBytes = samples.indexOf(chunk);
    if (offsetBytes < 0 || offsetBytes % 2 !== 0) {
      return { status: 400, json: { error: { message: "the audio is not part of the reference" } } };
    }

    const start = offsetBytes / 32_000;
    const end = start + chunk.length / 32_000;
    const inside = segments
      .filter((segment) => segment.start < end && segment.end > start)
      .map((segment, id) => ({
        id,
        start: round(Math.max(segment.start, start) - start),
        end: round(Math.min(segment.end, end) - start),
        text: ` ${segment.text}`,
      }));
    return {
      json: {
        task: "transcribe",
        language,
        duration: round(end - start),
        text: inside.map((segment) => segment.text).join(""),
        segments: inside,
      },
    };
  };
}

function readMultipart(request: import("node:http").IncomingMessage): Promise<ReceivedTranscription> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    const parts: Buffer[] = [];
    let fileName = "";
    let contentType = "";
    const parser = busboy({ headers: request.headers });
    parser.on("field", (name, value) => {
      fields[name] = value;
    });
    parser.on("file", (_name, stream, info) => {
      fileName = info.filename ?? "";
      contentType = info.mimeType;
      stream.on("data", (data: Buffer) => parts.push(data));
    });
    parser.on("error", reject);
    parser.on("close", () =>
      resolve({ headers: request.headers, fields, fileName, contentType, audio: Buffer.concat(parts) }),
    );
    request.pipe(parser);
  });
}

/**
 * Starts a fake OpenAI-compatible server on 127.0.0.1 with a free port. It serves
 * `POST /v1/audio/transcriptions` (multipart/form-data) with the responses of `responder`,
 * and 404 for any other path.
 */
export async function startFakeTranscriptionServer(
  responder: TranscriptionResponder,
): Promise<FakeTranscriptionServer> {
  const requests: ReceivedTranscription[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let maxInFlight = 0;

  const server: Server = createServer(async (request, response) => {
    if (request.method !== "POST" || request.url !== "/v1/audio/transcriptions") {
      request.resume();
      response.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
      return;
    }

    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    response.on("close", () => {
      inFlight--;
    });

    const received = await readMultipart(request);
    requests.push(received);
    const scripted = await responder(received, requests.length - 1);
    const send = () => {
      if (response.destroyed) return;
      const body = scripted.body ?? JSON.stringify(scripted.json ?? {});
      response
        .writeHead(scripted.status ?? 200, { "content-type": "application/json", ...scripted.headers })
        .end(body);
    };

    if (!scripted.delayMs) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, scripted.delayMs);
    timers.add(timer);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    maxInFlight: () => maxInFlight,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
