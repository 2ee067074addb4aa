import type { z } from "zod";
import { describeIssues } from "../../../project/read-json.ts";

/** A reply that passed validation, or the reason it did not. */
export type ParsedReply<T> = { ok: true; value: T } | { ok: false; issue: string };

/** Reasoning that some models (DeepSeek R1, Qwen3) write before the reply itself. */
const THINKING_BLOCK = /<think>[\s\S]*?<\/think>/gi;

/** The first Markdown code fence; a fence left open by a cut-off reply runs to the end. */
const CODE_FENCE = /```[\w-]*[ \t]*\n?([\s\S]*?)(?:```|$)/;

/**
 * Extracts the JSON text from a model reply: the content of the first code fence when there
 * is one, else the span from the first `{` or `[` to the last matching closer. A reply cut off
 * before its closer keeps everything after the opener, so that JSON.parse reports the cut.
 * Returns null when the reply contains no opener at all.
 */
export function extractJsonText(reply: string): string | null {
  const text = reply.replace(THINKING_BLOCK, "");
  const fenced = CODE_FENCE.exec(text)?.[1]?.trim();
  const body = fenced ? fenced : text;

  const objectStart = body.indexOf("{");
  const arrayStart = body.indexOf("[");
  if (objectStart < 0 && arrayStart < 0) return null;

  const isObject = objectStart >= 0 && (arrayStart < 0 || objectStart < arrayStart);
  const start = isObject ? objectStart : arrayStart;
  const end = body.lastIndexOf(isObject ? "}" : "]");
  return end > start ? body.slice(start, end + 1) : body.slice(start);
}

/**
 * Parses a model reply with `schema` after stripping code fences and prose around the JSON.
 * `finishReason` "length" adds a note that the reply was cut off at the token limit.
 */
export function parseReply<Schema extends z.ZodType>(
  reply: string,
  schema: Schema,
  finishReason: string | null = null,
): ParsedReply<z.output<Schema>> {
  const cutOff = finishReason === "length" ? " (the reply was cut off at the output token limit)" : "";
  const json = extractJsonText(reply);
  if (json === null) return { ok: false, issue: `the reply contains no JSON object${cutOff}` };

  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, issue: `the reply is not valid JSON: ${(error as Error).message}${cutOff}` };
  }

  const result = schema.safeParse(value);
  if (!result.success) return { ok: false, issue: `${describeIssues(result.error)}${cutOff}` };
  return { ok: true, value: result.data };
}
