#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so a clone works without a build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/daemon/main.ts");
const code = await main(process.argv.slice(2), process.env);
if (code !== undefined) process.exitCode = code;
