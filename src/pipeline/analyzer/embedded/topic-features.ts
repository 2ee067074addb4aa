import type { Cue } from "../../../../schemas/step-files.ts";
import { countCjkCharacters } from "../../subtitles/cjk.ts";
import { endsSentence } from "./sentences.ts";
import { CHINESE_FUNCTION_CHARACTERS, extractTerms } from "./tokenize.ts";

/** Measurements of one topic that scoring combines, each from 0 to 1 unless stated. */
export interface TopicFeatures {
  /** Share of content words (English) or content characters (Chinese), rescaled to 0..1. */
  density: number;
  /** 1 when the topic starts and ends on sentence boundaries, 0.5 when unknown. */
  completeness: number;
  startsMidSentence: boolean;
  endsMidSentence: boolean;
  /** 1 within the preferred length, falling off outside it. */
  lengthFit: number;
  durationSeconds: number;
  questions: number;
  exclamations: number;
  numbers: number;
  /** Questions, exclamations and numbers per minute, rescaled to 0..1. */
  hooks: number;
}

/** Clip lengths in seconds that score best, and where the length score reaches 0. */
const SWEET_SPOT_SECONDS = { min: 45, max: 180 };
const ZERO_FIT_SECONDS = { min: 15, max: 420 };

/** Hooks per minute that give the full hook score. */
const FULL_HOOK_RATE = 3;

/** Number of heaviest terms whose weights make up the salience. */
const SALIENT_TERMS = 10;

const NUMBER = /\d+(?:[.,]\d+)?%?/g;
const CHINESE_NUMBER =
  /[一二两三四五六七八九十百千万]+(?:个|种|步|点|年|月|天|周|次|分钟|秒|小时|公里|度|克|倍|成)/g;
const WORD = /[\p{L}\p{N}]+(?:['’]\p{L}+)*/gu;

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/** Rates a clip length: 1 in the sweet spot, falling linearly to 0 at 15 s and at 420 s. */
export function rateLength(seconds: number): number {
  if (seconds < SWEET_SPOT_SECONDS.min) {
    return clamp01((seconds - ZERO_FIT_SECONDS.min) / (SWEET_SPOT_SECONDS.min - ZERO_FIT_SECONDS.min));
  }
  if (seconds > SWEET_SPOT_SECONDS.max) {
    return clamp01((ZERO_FIT_SECONDS.max - seconds) / (ZERO_FIT_SECONDS.max - SWEET_SPOT_SECONDS.max));
  }
  return 1;
}

function rateDensity(text: string): number {
  const cjk = countCjkCharacters(text);
  if (cjk > 0) {
    let functionCharacters = 0;
    for (const character of text) if (CHINESE_FUNCTION_CHARACTERS.has(character)) functionCharacters++;
    const share = 1 - functionCharacters / cjk;
    // Chinese speech is typically 60-85% content characters.
    return clamp01((share - 0.5) / 0.4);
  }

  const words = text.match(WORD)?.length ?? 0;
  if (words === 0) return 0;
  // English speech is typically 30-50% content words.
  return clamp01((extractTerms(text).length / words - 0.2) / 0.4);
}

/**
 * Measures the features of one topic from its cues. `previous` is the cue before the topic
 * (undefined at the start), and `endsTranscript` is true when the topic ends at the last cue.
 * `punctuated` is false when the transcript marks no sentence ends. Then completeness cannot
 * be judged and is 0.5.
 */
export function measureTopic(
  cues: readonly Cue[],
  previous: Cue | undefined,
  endsTranscript: boolean,
  punctuated: boolean,
): TopicFeatures {
  const text = cues.map((cue) => cue.text).join("\n");
  const durationSeconds = Math.max(0, (cues.at(-1)?.end ?? 0) - (cues[0]?.start ?? 0));

  const startsMidSentence = punctuated && previous !== undefined && !endsSentence(previous.text);
  const endsMidSentence = punctuated && !endsTranscript && !endsSentence(cues.at(-1)?.text ?? "");
  let completeness = 0.5;
  if (punctuated) completeness = (startsMidSentence ? 0 : 0.5) + (endsMidSentence ? 0 : 0.5);

  const questions = text.match(/[?？]/g)?.length ?? 0;
  const exclamations = text.match(/[!！]/g)?.length ?? 0;
  const numbers = (text.match(NUMBER)?.length ?? 0) + (text.match(CHINESE_NUMBER)?.length ?? 0);
  const minutes = Math.max(durationSeconds, 30) / 60;
  const hooks = clamp01((2 * questions + exclamations + numbers) / minutes / FULL_HOOK_RATE);

  return {
    density: rateDensity(text),
    completeness,
    startsMidSentence,
    endsMidSentence,
    lengthFit: rateLength(durationSeconds),
    durationSeconds,
    questions,
    exclamations,
    numbers,
    hooks,
  };
}

/**
 * Returns the salience of a TF-IDF term vector: the mean of its ten heaviest weights, counting
 * missing ones as 0, so a topic with few distinctive terms scores low.
 */
export function salienceOf(weights: Iterable<number>): number {
  const top = [...weights].sort((a, b) => b - a).slice(0, SALIENT_TERMS);
  return top.reduce((sum, weight) => sum + weight, 0) / SALIENT_TERMS;
}
