import { open } from "node:fs/promises";

/** One edit of an `elst` box. `mediaTime` is -1 for an empty edit, which delays the track. */
export interface Mp4Edit {
  /** Length of the edit in the movie's timescale. */
  segmentDuration: number;
  /** Media time where the edit starts, in the track's timescale, or -1 for an empty edit. */
  mediaTime: number;
  /** Playback rate of the edit, 1 for normal playback. */
  rate: number;
}

/** A run of samples that share one value, as stored by the `stts` and `ctts` boxes. */
export interface Mp4Run {
  count: number;
  value: number;
}

/** The fields of one `trak` box that {@link readMp4Movie} reads. */
export interface Mp4Track {
  /** Handler type of the track's media: `vide`, `soun`, `text`, `sbtl` … */
  handler: string;
  /** Units per second of the track's media times. */
  timescale: number;
  /** Four-character code of the first sample description, such as `avc1` or `mp4a`. */
  format: string;
  /** Frame size from the visual sample description, 0 for other tracks. */
  width: number;
  height: number;
  /**
   * Decoder configuration of the `esds` box of an audio sample description of version 0, or
   * null without one. QuickTime's versions 1 and 2 place other fields before it and are not read.
   */
  audioConfig: Mp4AudioConfig | null;
  edits: Mp4Edit[];
  /** Sample durations (`stts`). */
  durations: Mp4Run[];
  /** Composition offsets (`ctts`), empty when every sample is presented at its decoding time. */
  offsets: Mp4Run[];
  /** 1-based numbers of the sync samples (`stss`), or null when every sample is a sync sample. */
  syncSamples: number[] | null;
}

/** The fields of a `moov` box that {@link readMp4Movie} reads. */
export interface Mp4Movie {
  /** Units per second of the movie's times (`mvhd`). */
  timescale: number;
  /** Length of the movie in its timescale, 0 when unknown (as in a fragmented file). */
  duration: number;
  /** True when the movie has an `mvex` box, so its samples sit in fragments that the tables above leave out. */
  fragmented: boolean;
  tracks: Mp4Track[];
}

interface Box {
  type: string;
  /** Offset of the body, after the header. */
  start: number;
  end: number;
}

const HEADER_BYTES = 16;
/** Largest movie index read into memory. ffprobe reads a file with a larger one instead. */
const MAX_MOOV_BYTES = 256 * 2 ** 20;

/** Lists the boxes in `data` between `start` and `end`, or returns null when one runs past `end`. */
function childBoxes(data: Buffer, start: number, end: number): Box[] | null {
  const boxes: Box[] = [];
  let offset = start;

  while (offset + 8 <= end) {
    let size = data.readUInt32BE(offset);
    const type = data.toString("latin1", offset + 4, offset + 8);
    let header = 8;
    if (size === 1) {
      if (offset + 16 > end) return null;
      size = Number(data.readBigUInt64BE(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < header || offset + size > end) return null;

    boxes.push({ type, start: offset + header, end: offset + size });
    offset += size;
  }

  return boxes;
}

function child(data: Buffer, parent: Box, type: string): Box | undefined {
  return childBoxes(data, parent.start, parent.end)?.find((box) => box.type === type);
}

/** Reads the runs of an `stts` or `ctts` box. Composition offsets are read as signed, as ffmpeg does. */
function readRuns(data: Buffer, box: Box | undefined, signed: boolean): Mp4Run[] {
  if (!box) return [];

  const count = data.readUInt32BE(box.start + 4);
  const runs: Mp4Run[] = [];
  for (let i = 0; i < count; i += 1) {
    const at = box.start + 8 + i * 8;
    if (at + 8 > box.end) break;
    const value = signed ? data.readInt32BE(at + 4) : data.readUInt32BE(at + 4);
    runs.push({ count: data.readUInt32BE(at), value });
  }

  return runs;
}

function readSyncSamples(data: Buffer, box: Box | undefined): number[] | null {
  if (!box) return null;

  const count = data.readUInt32BE(box.start + 4);
  const samples: number[] = [];
  for (let i = 0; i < count && box.start + 8 + i * 4 + 4 <= box.end; i += 1) {
    samples.push(data.readUInt32BE(box.start + 8 + i * 4));
  }

  return samples;
}

function readEdits(data: Buffer, box: Box | undefined): Mp4Edit[] {
  if (!box) return [];

  const version = data.readUInt8(box.start);
  const count = data.readUInt32BE(box.start + 4);
  const entryBytes = version === 1 ? 20 : 12;
  const edits: Mp4Edit[] = [];
  for (let i = 0; i < count; i += 1) {
    const at = box.start + 8 + i * entryBytes;
    if (at + entryBytes > box.end) break;
    const long = version === 1;
    edits.push({
      segmentDuration: long ? Number(data.readBigUInt64BE(at)) : data.readUInt32BE(at),
      mediaTime: long ? Number(data.readBigInt64BE(at + 8)) : data.readInt32BE(at + 4),
      rate: data.readInt16BE(at + (long ? 16 : 8)),
    });
  }

  return edits;
}

/** Reads the length of an MPEG-4 descriptor, stored in 1–4 bytes of 7 bits each. */
function readDescriptorLength(data: Buffer, at: number): { length: number; next: number } {
  let length = 0;
  let next = at;
  for (let i = 0; i < 4; i += 1) {
    const byte = data.readUInt8(next);
    next += 1;
    length = (length << 7) | (byte & 0x7f);
    if (!(byte & 0x80)) break;
  }

  return { length, next };
}

/** Decoder configuration of an `esds` box: the MPEG-4 object type and, for AAC, its AudioSpecificConfig. */
export interface Mp4AudioConfig {
  /** MPEG-4 object type of the stream, 0x40 for MPEG-4 audio. */
  objectType: number;
  /** Audio object type of the AudioSpecificConfig (2 for AAC LC), or null without one. */
  audioObjectType: number | null;
  /** Sample rate in Hz from the AudioSpecificConfig, or null without one. */
  sampleRate: number | null;
  /** Channel configuration of the AudioSpecificConfig, 0 when a program config element defines the channels. */
  channelConfig: number | null;
}

/** Sample rates of the AudioSpecificConfig's frequency index (ISO/IEC 14496-3). */
const AAC_SAMPLE_RATES = [
  96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
];

/** Reads the first five bits, the frequency index and the channel configuration of an AudioSpecificConfig. */
function readAudioSpecificConfig(data: Buffer, at: number): Omit<Mp4AudioConfig, "objectType"> {
  const bits = data.readUInt16BE(at);
  const audioObjectType = bits >> 11;
  const frequencyIndex = (bits >> 7) & 0x0f;
  // An escaped object type or an explicit 24-bit frequency moves the channel bits, so such files go to ffprobe.
  if (audioObjectType === 31 || frequencyIndex === 15) {
    return { audioObjectType, sampleRate: null, channelConfig: null };
  }

  return {
    audioObjectType,
    sampleRate: AAC_SAMPLE_RATES[frequencyIndex] ?? null,
    channelConfig: (bits >> 3) & 0x0f,
  };
}

/** Reads the decoder configuration of an `esds` box, or null when the box is not as expected. */
function readAudioConfig(data: Buffer, box: Box | undefined): Mp4AudioConfig | null {
  if (!box || data.readUInt8(box.start + 4) !== 0x03) return null;

  let at = readDescriptorLength(data, box.start + 5).next;
  const flags = data.readUInt8(at + 2);
  at += 3;
  if (flags & 0x80) at += 2;
  if (flags & 0x40) at += 1 + data.readUInt8(at);
  if (flags & 0x20) at += 2;
  if (at + 2 > box.end || data.readUInt8(at) !== 0x04) return null;

  const decoderConfig = readDescriptorLength(data, at + 1);
  const objectType = data.readUInt8(decoderConfig.next);
  // Object type, stream type, buffer size and two bit rates come before the decoder specific info.
  const specific = decoderConfig.next + 13;
  if (specific + 2 > box.end || data.readUInt8(specific) !== 0x05) {
    return { objectType, audioObjectType: null, sampleRate: null, channelConfig: null };
  }

  return { objectType, ...readAudioSpecificConfig(data, readDescriptorLength(data, specific + 1).next) };
}

function readTrack(data: Buffer, trak: Box): Mp4Track | null {
  const mdia = child(data, trak, "mdia");
  const mdhd = mdia && child(data, mdia, "mdhd");
  const hdlr = mdia && child(data, mdia, "hdlr");
  const minf = mdia && child(data, mdia, "minf");
  const stbl = minf && child(data, minf, "stbl");
  const stsd = stbl && child(data, stbl, "stsd");
  if (!mdhd || !hdlr || !stbl || !stsd) return null;

  const timescale = data.readUInt32BE(mdhd.start + (data.readUInt8(mdhd.start) === 1 ? 20 : 12));
  const entry = childBoxes(data, stsd.start + 8, stsd.end)?.[0];
  if (!entry || !(timescale > 0)) return null;

  const handler = data.toString("latin1", hdlr.start + 8, hdlr.start + 12);
  const isVideo = handler === "vide" && entry.end - entry.start >= 28;
  const isAudio = handler === "soun" && entry.end - entry.start >= 28;
  const edts = child(data, trak, "edts");
  const isSoundVersion0 = isAudio && data.readUInt16BE(entry.start + 8) === 0;
  const esds = isSoundVersion0
    ? childBoxes(data, entry.start + 28, entry.end)?.find((box) => box.type === "esds")
    : undefined;

  return {
    handler,
    timescale,
    format: entry.type,
    width: isVideo ? data.readUInt16BE(entry.start + 24) : 0,
    height: isVideo ? data.readUInt16BE(entry.start + 26) : 0,
    audioConfig: readAudioConfig(data, esds),
    edits: readEdits(data, edts && child(data, edts, "elst")),
    durations: readRuns(data, child(data, stbl, "stts"), false),
    offsets: readRuns(data, child(data, stbl, "ctts"), true),
    syncSamples: readSyncSamples(data, child(data, stbl, "stss")),
  };
}

function readMovie(data: Buffer): Mp4Movie | null {
  const boxes = childBoxes(data, 0, data.length);
  const mvhd = boxes?.find((box) => box.type === "mvhd");
  if (!boxes || !mvhd) return null;

  const long = data.readUInt8(mvhd.start) === 1;
  const tracks: Mp4Track[] = [];
  for (const trak of boxes.filter((box) => box.type === "trak")) {
    const track = readTrack(data, trak);
    if (!track) return null;
    tracks.push(track);
  }

  return {
    timescale: data.readUInt32BE(mvhd.start + (long ? 20 : 12)),
    duration: long ? Number(data.readBigUInt64BE(mvhd.start + 24)) : data.readUInt32BE(mvhd.start + 16),
    fragmented: boxes.some((box) => box.type === "mvex"),
    tracks,
  };
}

/**
 * Reads the movie index (`moov` box) of an MP4 or QuickTime file: its timescale and duration,
 * and per track the sample description, edit list and sample timing tables. Only the
 * top-level box headers and the `moov` box are read, never the media data. Resolves with null
 * when the file is not an MP4 with one `moov` box, or any box in it runs past the end of the
 * file (as in a file cut short). A missing file rejects.
 */
export async function readMp4Movie(file: string): Promise<Mp4Movie | null> {
  const handle = await open(file, "r");

  try {
    const { size } = await handle.stat();
    const header = Buffer.alloc(HEADER_BYTES);
    let movie: Mp4Movie | null = null;
    let offset = 0;

    while (offset + 8 <= size) {
      const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, offset);
      if (bytesRead < 8) return null;

      let boxSize = header.readUInt32BE(0);
      const type = header.toString("latin1", 4, 8);
      let headerBytes = 8;
      if (boxSize === 1) {
        if (bytesRead < 16) return null;
        boxSize = Number(header.readBigUInt64BE(8));
        headerBytes = 16;
      } else if (boxSize === 0) {
        boxSize = size - offset;
      }
      if (boxSize < headerBytes || offset + boxSize > size) return null;

      if (type === "moov") {
        const bodyBytes = boxSize - headerBytes;
        if (movie || bodyBytes > MAX_MOOV_BYTES) return null;
        const body = Buffer.alloc(bodyBytes);
        const read = await handle.read(body, 0, bodyBytes, offset + headerBytes);
        if (read.bytesRead < bodyBytes) return null;
        movie = readMovie(body);
        if (!movie) return null;
      }
      offset += boxSize;
    }

    // Every box up to the end of the file was read, so media data cut short is noticed even after the index.
    return offset === size ? movie : null;
  } catch (error) {
    // A box whose fields run past its end reads outside the buffer.
    if (error instanceof RangeError) return null;
    throw error;
  } finally {
    await handle.close();
  }
}
