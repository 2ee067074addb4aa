import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { jsonSchemaTargets } from "./json-schema-targets.ts";

const schemasDir = path.dirname(fileURLToPath(import.meta.url));

it("exported JSON Schema files are current", async () => {
  for (const target of jsonSchemaTargets) {
    const expected = {
      ...z.toJSONSchema(target.schema, { io: "input", unrepresentable: "any" }),
      title: target.file,
    };
    const stored = JSON.parse(await readFile(path.join(schemasDir, `${target.name}.schema.json`), "utf8"));
    assert.deepEqual(stored, expected, `${target.name}.schema.json is stale; run npm run schemas:export`);
  }
});
