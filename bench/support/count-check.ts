/**
 * The counts that the files of a load run held at some moment, and the checks of every count
 * the API returned against them.
 *
 * During the run the files change in one way only. The 10,000 generated projects are all on
 * disk from the start and never change, while the index that serves them grows from empty to
 * complete. One pipeline project appears (pending), is processed, and gains its clip and
 * collection files. So a value is legitimate when:
 * - a generated project shows status `completed`, its generated clip and collection counts,
 *   and a clip list of exactly that many clips;
 * - the pipeline project shows a status of its run (pending, processing, completed, in that
 *   order), and 0 or its final number of clips, and of collections, with the final numbers once
 *   it is completed;
 * - a total (stats, project list, event stream) is the sum of some k generated projects plus,
 *   possibly, the pipeline project with one of its legitimate states, and by status it adds up
 *   the same way;
 * - in real time nothing goes back: a request sent after another one's response arrived sees at
 *   least the same number of projects, and no earlier state of the pipeline project. Within one
 *   event stream, events are in server order, so the same holds from event to event.
 */

/** Statuses the pipeline project goes through, in order. */
const PIPELINE_STATUSES = ["pending", "processing", "completed"] as const;

export interface FixtureShape {
  projectIds: ReadonlySet<string>;
  clipsPerProject: number;
  collectionsPerProject: number;
}

/** Final counts of the pipeline project, read from its files after the run. */
export interface PipelineFinal {
  projectId: string;
  clips: number;
  collections: number;
}

/** A totals object as `/api/v1/stats` and the `counts` event send it. */
export interface Totals {
  projects: { total: number; by_status: Record<string, number> };
  clips: number;
  collections: number;
}

/** A project as the project list and the `project` event send it. */
export interface ProjectView {
  id: string;
  status: string;
  total_clips?: number | null;
  total_collections?: number | null;
}

/** Origin of a value: a request (with its send and arrival times) or an event stream. */
export interface Source {
  /** The request or event, as violations name it. */
  label: string;
  sentAt: number;
  receivedAt: number;
  /** Index of the event stream; undefined for requests. */
  stream?: number;
}

interface TimedValue {
  source: Source;
  value: number;
}

/** Collects observations during a run and reports every value that the files never had. */
export class CountChecker {
  readonly #fixture: FixtureShape;
  readonly violations: string[] = [];
  /** Values checked, by kind. */
  readonly checked = { totals: 0, projects: 0, clipLists: 0 };
  readonly #totals: Array<{ source: Source; totals: Totals }> = [];
  readonly #pipelineViews: Array<{ source: Source; view: ProjectView }> = [];
  readonly #pipelineClipLists: Array<{ source: Source; total: number }> = [];
  readonly #otherIds = new Set<string>();

  constructor(fixture: FixtureShape) {
    this.#fixture = fixture;
  }

  #violate(source: Source, message: string): void {
    if (this.violations.length < 1000) this.violations.push(`${source.label}: ${message}`);
  }

  /** Records a totals object; checked in `finish()`, once the pipeline project's final counts are known. */
  totals(source: Source, totals: Totals): void {
    this.checked.totals += 1;
    this.#totals.push({ source, totals });
  }

  /** Checks a project seen in a list or an event at once when it is a generated one. */
  project(source: Source, view: ProjectView): void {
    this.checked.projects += 1;
    if (!this.#fixture.projectIds.has(view.id)) {
      this.#otherIds.add(view.id);
      this.#pipelineViews.push({ source, view });
      return;
    }

    if (view.status !== "completed") this.#violate(source, `project ${view.id} has status ${view.status}`);
    if (view.total_clips !== undefined && view.total_clips !== this.#fixture.clipsPerProject) {
      this.#violate(source, `project ${view.id} has ${view.total_clips} clips`);
    }
    if (
      view.total_collections !== undefined &&
      view.total_collections !== this.#fixture.collectionsPerProject
    ) {
      this.#violate(source, `project ${view.id} has ${view.total_collections} collections`);
    }
  }

  /** Checks a clip list's total and the number of items on its page. */
  clipList(source: Source, projectId: string, total: number, items: number, size: number): void {
    this.checked.clipLists += 1;
    if (items !== Math.min(total, size)) this.#violate(source, `a page of ${items} clips of ${total}`);
    if (this.#fixture.projectIds.has(projectId)) {
      if (total !== this.#fixture.clipsPerProject)
        this.#violate(source, `project ${projectId} lists ${total} clips`);
      return;
    }
    this.#otherIds.add(projectId);
    this.#pipelineClipLists.push({ source, total });
  }

  /** Runs the checks that need the pipeline project's final counts and returns the violations. */
  finish(pipeline: PipelineFinal): string[] {
    for (const id of this.#otherIds) {
      if (id !== pipeline.projectId)
        this.violations.push(`a project ${id} that is neither generated nor the pipeline's`);
    }

    const statusRank: TimedValue[] = [];
    const clipsFinal: TimedValue[] = [];
    for (const { source, view } of this.#pipelineViews) {
      const rank = PIPELINE_STATUSES.indexOf(view.status as (typeof PIPELINE_STATUSES)[number]);
      if (rank < 0) this.#violate(source, `the pipeline project has status ${view.status}`);
      else statusRank.push({ source, value: rank });
      const completed = view.status === "completed";
      for (const [field, final] of [
        ["total_clips", pipeline.clips],
        ["total_collections", pipeline.collections],
      ] as const) {
        const value = view[field];
        if (value === undefined) continue;
        if (value !== final && (value !== 0 || completed)) {
          this.#violate(
            source,
            `the pipeline project (${view.status}) has ${field} ${value}; its files had 0 or ${final}`,
          );
        }
        if (field === "total_clips" && value !== null)
          clipsFinal.push({ source, value: value === final ? 1 : 0 });
      }
    }
    for (const { source, total } of this.#pipelineClipLists) {
      if (total !== 0 && total !== pipeline.clips) {
        this.#violate(
          source,
          `the pipeline project lists ${total} clips; its files had 0 or ${pipeline.clips}`,
        );
      }
      clipsFinal.push({ source, value: total === pipeline.clips ? 1 : 0 });
    }

    const projectTotals: TimedValue[] = [];
    for (const { source, totals } of this.#totals) {
      this.#checkTotals(source, totals, pipeline);
      projectTotals.push({ source, value: totals.projects.total });
    }

    this.#checkNeverBack("projects in total", projectTotals);
    this.#checkNeverBack("the pipeline project's status (0 pending, 1 processing, 2 completed)", statusRank);
    this.#checkNeverBack("the pipeline project's clips being final (0 no, 1 yes)", clipsFinal);
    return this.violations;
  }

  /** Records a project total from a project list page, for the real-time check. */
  listTotal(source: Source, total: number, items: number, page: number, size: number): void {
    const expected = Math.max(0, Math.min(size, total - (page - 1) * size));
    if (items !== expected)
      this.#violate(source, `page ${page} has ${items} items of ${total}; expected ${expected}`);
    this.#totals.push({
      source,
      totals: { projects: { total, by_status: {} }, clips: Number.NaN, collections: Number.NaN },
    });
  }

  /** Checks that a totals object is k generated projects plus the pipeline project in one of its states. */
  #checkTotals(source: Source, totals: Totals, pipeline: PipelineFinal): void {
    const { clipsPerProject, collectionsPerProject } = this.#fixture;
    const generated = this.#fixture.projectIds.size;
    const total = totals.projects.total;
    const fromList = Number.isNaN(totals.clips);
    if (!Number.isInteger(total) || total < 0 || total > generated + 1) {
      this.#violate(source, `${total} projects in total; the files had 0 to ${generated + 1}`);
      return;
    }
    if (fromList) return;

    const explanations: string[] = [];
    for (const withPipeline of [false, true]) {
      const k = total - (withPipeline ? 1 : 0);
      if (k < 0 || k > generated) continue;
      const extraClips = totals.clips - k * clipsPerProject;
      const extraCollections = totals.collections - k * collectionsPerProject;
      const byStatus = { ...totals.projects.by_status };
      byStatus.completed = (byStatus.completed ?? 0) - k;
      const left = Object.entries(byStatus).filter(([, count]) => count !== 0);
      if (!withPipeline) {
        if (extraClips === 0 && extraCollections === 0 && left.length === 0) return;
        continue;
      }
      const status = left.length === 1 && left[0]?.[1] === 1 ? left[0][0] : null;
      const completed = status === "completed";
      const clipsOk = extraClips === pipeline.clips || (extraClips === 0 && !completed);
      const collectionsOk =
        extraCollections === pipeline.collections || (extraCollections === 0 && !completed);
      if (
        status &&
        PIPELINE_STATUSES.includes(status as (typeof PIPELINE_STATUSES)[number]) &&
        clipsOk &&
        collectionsOk
      )
        return;
      explanations.push(
        `status left ${JSON.stringify(Object.fromEntries(left))}, clips +${extraClips}, collections +${extraCollections}`,
      );
    }
    this.#violate(
      source,
      `totals ${JSON.stringify(totals)} are no set of whole generated projects plus the pipeline project (${explanations.join("; ")})`,
    );
  }

  /**
   * Reports a value that went back. On one event stream, that is a later event with a smaller
   * value. Across requests, it is a request sent after another's response arrived that
   * returned a smaller value.
   */
  #checkNeverBack(name: string, values: TimedValue[]): void {
    const streams = new Map<number, TimedValue[]>();
    const requests: TimedValue[] = [];
    for (const value of values) {
      if (value.source.stream === undefined) requests.push(value);
      else streams.set(value.source.stream, [...(streams.get(value.source.stream) ?? []), value]);
    }

    for (const events of streams.values()) {
      let highest: TimedValue | undefined;
      for (const event of events) {
        if (highest && event.value < highest.value) {
          this.#violate(
            event.source,
            `${name} went back from ${highest.value} to ${event.value} on its stream`,
          );
        }
        if (!highest || event.value > highest.value) highest = event;
      }
    }

    const bySent = [...requests].sort((a, b) => a.source.sentAt - b.source.sentAt);
    const byReceived = [...requests].sort((a, b) => a.source.receivedAt - b.source.receivedAt);
    let next = 0;
    let highest: TimedValue | undefined;
    for (const request of bySent) {
      while (
        next < byReceived.length &&
        (byReceived[next] as TimedValue).source.receivedAt < request.source.sentAt
      ) {
        const done = byReceived[next] as TimedValue;
        if (!highest || done.value > highest.value) highest = done;
        next += 1;
      }
      if (highest && request.value < highest.value) {
        this.#violate(
          request.source,
          `${name} is ${request.value}, but ${highest.source.label} returned ${highest.value} before it was sent`,
        );
      }
    }
  }
}
