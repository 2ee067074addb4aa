import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { VIDEO_CATEGORIES } from "../../../../schemas/project.ts";
import { countCjkCharacters } from "../../subtitles/cjk.ts";
import { buildRepairMessage, buildSystemPrompt, PROMPTS } from "./prompts.ts";

const TASKS = ["outline", "score", "title", "collections"] as const;
const VALUES = { min_seconds: 30, max_seconds: 300 };

describe("prompts", () => {
  for (const language of ["en", "zh"] as const) {
    test(`${language} prompts are complete`, () => {
      for (const task of TASKS) {
        for (const category of VIDEO_CATEGORIES) {
          const prompt = buildSystemPrompt(language, task, category, VALUES);
          assert.doesNotMatch(prompt, /\{[a-z_]+\}/, `${task}/${category} has no unfilled placeholder`);
          assert.ok(
            prompt.includes(PROMPTS[language].categoryGuidance[category]),
            `${task}/${category} guidance`,
          );
          assert.match(prompt, /JSON/);
          assert.equal(countCjkCharacters(prompt) > 0, language === "zh", `${task}/${category} language`);
        }
      }
    });

    test(`${language} categories differ`, () => {
      const guidance = VIDEO_CATEGORIES.map((category) => PROMPTS[language].categoryGuidance[category]);
      assert.equal(new Set(guidance).size, VIDEO_CATEGORIES.length);
    });
  }

  test("outline limits are filled in", () => {
    assert.match(buildSystemPrompt("en", "outline", "speech", VALUES), /between 30 and 300 seconds/);
    assert.match(buildSystemPrompt("zh", "outline", "speech", VALUES), /在 30 到 300 秒之间/);
  });

  test("repair quotes the issue", () => {
    assert.match(buildRepairMessage("en", "topics: Required"), /could not be used: topics: Required\./);
    assert.match(buildRepairMessage("zh", "topics: Required"), /无法使用：topics: Required。/);
  });
});
