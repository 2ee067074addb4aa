import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod";
import { extractJsonText, parseReply } from "./parse-reply.ts";

const schema = z.object({ topics: z.array(z.object({ start_cue: z.number() })) });

describe("extractJsonText", () => {
  const cases: Array<[string, string, string | null]> = [
    ["bare object", '{"a":1}', '{"a":1}'],
    ["json fence", 'Sure!\n```json\n{"a":1}\n```\nDone.', '{"a":1}'],
    ["plain fence", '```\n{"a":1}\n```', '{"a":1}'],
    ["prose around", 'The answer is {"a":{"b":2}} as requested.', '{"a":{"b":2}}'],
    ["thinking first", '<think>maybe {"a":0}</think>\n{"a":1}', '{"a":1}'],
    ["array", "Result: [1, 2] ok", "[1, 2]"],
    ["cut off", '```json\n{"a": [1, 2', '{"a": [1, 2'],
    ["no json", "I cannot help with that.", null],
  ];

  for (const [name, reply, expected] of cases) {
    test(name, () => {
      assert.equal(extractJsonText(reply), expected);
    });
  }
});

describe("parseReply", () => {
  test("valid fenced reply", () => {
    const parsed = parseReply('```json\n{"topics":[{"start_cue":4}]}\n```', schema);
    assert.deepEqual(parsed, { ok: true, value: { topics: [{ start_cue: 4 }] } });
  });

  test("truncated JSON", () => {
    const parsed = parseReply('{"topics":[{"start_cue":4}', schema, "length");
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? "" : parsed.issue, /not valid JSON/);
    assert.match(parsed.ok ? "" : parsed.issue, /cut off at the output token limit/);
  });

  test("wrong shape names the field", () => {
    const parsed = parseReply('{"topics":[{"start_cue":"four"}]}', schema);
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? "" : parsed.issue, /topics\.0\.start_cue/);
  });

  test("no JSON at all", () => {
    const parsed = parseReply("Sorry.", schema);
    assert.deepEqual(parsed, { ok: false, issue: "the reply contains no JSON object" });
  });
});
