import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseMicroDvd } from "./parse-microdvd.ts";

describe("parseMicroDvd", () => {
  test("frame rate from the first line", () => {
    const result = parseMicroDvd("{1}{1}25\n{25}{50}One\n{75}{100}{y:i}Two|lines\n", {});
    assert.deepEqual(
      result.cues.map((cue) => [cue.start, cue.end, cue.text]),
      [
        [1, 2, "One"],
        [3, 4, "{y:i}Two\nlines"],
      ],
    );
    assert.equal(result.timingLines, 2);
    assert.equal(result.error, undefined);
  });

  test("fractional frame rate", () => {
    const result = parseMicroDvd("{1}{1}23.976\n{24}{48}Hi\n", {});
    assert.equal(result.cues[0]?.start, 1.001);
    assert.equal(result.cues[0]?.end, 2.002);
  });

  test("frame rate from the video", () => {
    const result = parseMicroDvd("{30}{60}Hi\n", { fps: 30 });
    assert.equal(result.cues[0]?.start, 1);
    assert.match(result.notes?.join("\n") ?? "", /video's 30 fps/);
  });

  test("declared rate wins over the video's", () => {
    const result = parseMicroDvd("{1}{1}25\n{50}{75}Hi\n", { fps: 30 });
    assert.equal(result.cues[0]?.start, 2);
    assert.match(result.notes?.join("\n") ?? "", /declares 25 fps and the video has 30 fps/);
  });

  test("no frame rate is an error", () => {
    const result = parseMicroDvd("{30}{60}Hi\n", {});
    assert.equal(result.cues.length, 0);
    assert.equal(result.timingLines, 1);
    assert.match(result.error ?? "", /frame rate/);
  });

  test("missing end frame", () => {
    const result = parseMicroDvd("{1}{1}10\n{10}{}Open\n{30}{40}Closed\n{50}{}Last\n", {});
    assert.deepEqual(
      result.cues.map((cue) => [cue.start, cue.end]),
      [
        [1, 3],
        [3, 4],
        [5, 7],
      ],
    );
    assert.match(result.warnings.join("\n"), /2 cue\(s\) had no end frame/);
  });

  test("other lines are counted", () => {
    const result = parseMicroDvd("{1}{1}25\nnot a cue\n{25}{50}One\n", {});
    assert.equal(result.cues.length, 1);
    assert.match(result.warnings.join("\n"), /ignored 1 line/);
  });
});
