/**
 * `npm run schemas:export`: writes the JSON Schema of every project file next to its zod
 * schema in `schemas/`, so tools in other languages can validate the files.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { jsonSchemaTargets } from "../schemas/json-schema-targets.ts";

const schemasDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "schemas");

for (const target of jsonSchemaTargets) {
  const schema = z.toJSONSchema(target.schema, { io: "input", unrepresentable: "any" });
  const file = path.join(schemasDir, `${target.name}.schema.json`);
  await writeFile(file, `${JSON.stringify({ ...schema, title: target.file }, null, 2)}\n`);
  console.log(path.relative(process.cwd(), file));
}
