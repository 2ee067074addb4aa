#!/usr/bin/env -S node --max-semi-space-size=1
// Runs the TypeScript sources through tsx, so a clone works without a build step.
//
// --max-semi-space-size=1 keeps each of V8's two young-generation semi-spaces at 1 MB instead
// of letting them grow to 16 MB. V8 grows them while start-up allocates and keeps them
// afterwards, so without the flag an idle daemon uses about 30 to 40 MB more resident memory.
// The cost is more frequent minor GCs: a rebuild of 10,000 projects took about 6 % more CPU
// time (Node.js 20, 2 cores). Node.js takes the flag only at start-up, from its command line or
// NODE_OPTIONS, so `npm start` passes it too, and `node bin/autoclipd.js` runs without it.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/daemon/main.ts");
const code = await main(process.argv.slice(2), process.env);
if (code !== undefined) process.exitCode = code;
