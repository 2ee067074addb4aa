/** Settings every benchmark gets from `bench/run.ts`. */
export interface BenchSettings {
  /** Project folders to generate. */
  projects: number;
  /** Seed of the generated text. */
  seed: number;
  /** Runs of each repeated measurement; the report gives the median and the range. */
  repeat: number;
  /** Folder for generated projects that later runs reuse; a fresh temporary folder when null. */
  fixturesDir: string | null;
  /** The command line, as shown in the report. */
  command: string;
  /** Prints one progress line to stderr. */
  log(line: string): void;
}

/** One row of a result table. */
export interface ResultRow {
  measurement: string;
  result: string;
  /** Empty for rows that only give context, such as the fixture size. */
  target: string;
  /** null for rows without a target. */
  pass: boolean | null;
}

/** Result table and notes of one benchmark run. */
export interface BenchReport {
  rows: ResultRow[];
  /** Sentences printed under the table: method, caveats. */
  notes: string[];
}

/** A benchmark file exports one of these as `benchmark`. */
export interface Benchmark {
  /** Short name, used for `--only` and the results file `bench/results/<name>.md`. */
  name: string;
  /** Heading of its section in BENCHMARKS.md. */
  title: string;
  run(settings: BenchSettings): Promise<BenchReport>;
}
