import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** A bundled script, or why there is none. */
export type WorkerBundle = { source: string; problem: null } | { source: null; problem: string };

/** Bundles made so far in this process, by entry file. */
const bundles = new Map<string, Promise<WorkerBundle>>();

/**
 * Bundles the TypeScript module `entry` and everything it imports into one CommonJS script, for
 * `new Worker(source, { eval: true })`. A worker started from it needs no tsx: loading tsx and
 * zod through tsx's hooks took each derive worker about 0.2 s of CPU time, and the hooks thread
 * that tsx adds to every worker used more. Bundling takes esbuild about 0.1 s, once per process.
 *
 * Resolves without a source when esbuild fails or warns (for example about `import.meta`, which
 * a CommonJS script lacks), so the caller can run the sources through tsx instead.
 */
export function bundleWorkerSource(entry: URL): Promise<WorkerBundle> {
  let bundle = bundles.get(entry.href);
  if (!bundle) {
    bundle = build({
      entryPoints: [fileURLToPath(entry)],
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      write: false,
      logLevel: "silent",
      // msgpackr loads this optional native decoder when it can; the workers only encode.
      external: ["msgpackr-extract"],
    }).then(
      (result): WorkerBundle => {
        const [warning] = result.warnings;
        if (warning) return { source: null, problem: `esbuild warned: ${warning.text}` };
        const text = result.outputFiles[0]?.text;
        return text ? { source: text, problem: null } : { source: null, problem: "esbuild wrote no output" };
      },
      (error: unknown): WorkerBundle => ({
        source: null,
        problem: `esbuild failed: ${error instanceof Error ? error.message : String(error)}`,
      }),
    );
    bundles.set(entry.href, bundle);
  }

  return bundle;
}
