import { type FileHandle, open } from "node:fs/promises";
import { AUDIO_BYTES_PER_SECOND } from "./speech-config.ts";

/** The PCM samples of a 16 kHz mono 16-bit WAV file, read by time range. */
export interface WavReader {
  /** Length of the audio in seconds. */
  duration: number;
  /** Reads the samples from `start` to `end` seconds and returns them as a complete WAV file. */
  readRange(start: number, end: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

const SAMPLE_RATE = 16_000;
const BYTES_PER_SAMPLE = 2;

/** Builds the 44-byte header of a 16 kHz mono 16-bit PCM WAV file with `dataBytes` of samples. */
function wavHeader(dataBytes: number): Buffer {
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(AUDIO_BYTES_PER_SECOND, 28);
  header.writeUInt16LE(BYTES_PER_SAMPLE, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36, "ascii");
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/** Walks the RIFF chunks to the `data` chunk and returns its offset and length in bytes. */
async function findDataChunk(
  handle: FileHandle,
  fileSize: number,
): Promise<{ offset: number; length: number }> {
  const riff = Buffer.alloc(12);
  await handle.read(riff, 0, 12, 0);
  if (riff.toString("ascii", 0, 4) !== "RIFF" || riff.toString("ascii", 8, 12) !== "WAVE") {
    throw new Error("the extracted audio is not a RIFF WAVE file");
  }

  const header = Buffer.alloc(8);
  for (let position = 12; position + 8 <= fileSize; ) {
    await handle.read(header, 0, 8, position);
    const id = header.toString("ascii", 0, 4);
    const size = header.readUInt32LE(4);
    // ffmpeg writes a size of 0 or 0xFFFFFFFF when it could not seek back, so the file size rules.
    if (id === "data")
      return { offset: position + 8, length: Math.min(size || fileSize, fileSize - position - 8) };
    position += 8 + size + (size % 2);
  }
  throw new Error("the extracted audio has no data chunk");
}

/** Opens a WAV file written by `extractAudio` for reading time ranges of it. */
export async function openWav(file: string): Promise<WavReader> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const data = await findDataChunk(handle, size);
    const samples = Math.floor(data.length / BYTES_PER_SAMPLE);
    const toByte = (seconds: number) =>
      Math.min(samples, Math.max(0, Math.round(seconds * SAMPLE_RATE))) * BYTES_PER_SAMPLE;

    return {
      duration: samples / SAMPLE_RATE,
      async readRange(start, end) {
        const from = toByte(start);
        const length = Math.max(0, toByte(end) - from);
        const bytes = Buffer.alloc(44 + length);
        wavHeader(length).copy(bytes, 0);
        await handle.read(bytes, 44, length, data.offset + from);
        return bytes;
      },
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
