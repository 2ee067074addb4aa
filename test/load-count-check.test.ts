import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CountChecker, type Source, type Totals } from "../bench/support/count-check.ts";

const fixture = { projectIds: new Set(["a", "b", "c"]), clipsPerProject: 20, collectionsPerProject: 4 };
const pipeline = { projectId: "p", clips: 5, collections: 2 };

function request(label: string, sentAt: number, receivedAt: number): Source {
  return { label, sentAt, receivedAt };
}

function totals(generated: number, extra?: { status: string; clips: number; collections: number }): Totals {
  const byStatus: Record<string, number> = { completed: generated };
  if (extra) byStatus[extra.status] = (byStatus[extra.status] ?? 0) + 1;
  return {
    projects: { total: generated + (extra ? 1 : 0), by_status: byStatus },
    clips: generated * 20 + (extra?.clips ?? 0),
    collections: generated * 4 + (extra?.collections ?? 0),
  };
}

describe("load benchmark count check", () => {
  it("accepts growing totals and pipeline states", () => {
    const checker = new CountChecker(fixture);
    checker.totals(request("s1", 0, 1), totals(0));
    checker.totals(request("s2", 2, 3), totals(1, { status: "pending", clips: 0, collections: 0 }));
    checker.totals(request("s3", 4, 5), totals(2, { status: "processing", clips: 5, collections: 0 }));
    checker.totals(request("s4", 6, 7), totals(3, { status: "completed", clips: 5, collections: 2 }));
    checker.project(request("l1", 8, 9), {
      id: "a",
      status: "completed",
      total_clips: 20,
      total_collections: 4,
    });
    checker.project(request("l1", 8, 9), {
      id: "p",
      status: "completed",
      total_clips: 5,
      total_collections: 2,
    });
    checker.listTotal(request("l1", 8, 9), 4, 4, 1, 50);
    checker.clipList(request("c1", 10, 11), "b", 20, 20, 100);
    checker.clipList(request("c2", 10, 11), "p", 5, 5, 100);

    assert.deepEqual(checker.finish(pipeline), []);
  });

  it("accepts a smaller total from overlapping requests", () => {
    const checker = new CountChecker(fixture);
    checker.totals(request("late", 0, 10), totals(1));
    checker.totals(request("early", 1, 5), totals(2));

    assert.deepEqual(checker.finish(pipeline), []);
  });

  it("reports partial, decreasing and wrong counts", () => {
    const checker = new CountChecker(fixture);
    checker.totals(request("half", 0, 1), { ...totals(2), clips: 30 });
    checker.totals(request("more", 2, 3), totals(3));
    checker.totals(request("back", 4, 5), totals(2));
    checker.project(request("list", 6, 7), {
      id: "c",
      status: "completed",
      total_clips: 0,
      total_collections: 4,
    });
    checker.project(request("list", 6, 7), {
      id: "p",
      status: "completed",
      total_clips: 0,
      total_collections: 2,
    });
    checker.clipList(request("clips", 8, 9), "a", 19, 19, 100);
    checker.listTotal(request("page", 10, 11), 3, 2, 1, 50);

    const violations = checker.finish(pipeline);
    assert.equal(violations.length, 6, violations.join("\n"));
    assert.match(violations.join("\n"), /half: totals .* are no set of whole generated projects/);
    assert.match(violations.join("\n"), /back: projects in total is 2, but more returned 3/);
    assert.match(violations.join("\n"), /project c has 0 clips/);
    assert.match(violations.join("\n"), /pipeline project \(completed\) has total_clips 0/);
    assert.match(violations.join("\n"), /project a lists 19 clips/);
    assert.match(violations.join("\n"), /page 1 has 2 items of 3/);
  });

  it("reports a pipeline state going back", () => {
    const checker = new CountChecker(fixture);
    const event = (at: number): Source => ({ label: `event ${at}`, sentAt: at, receivedAt: at, stream: 0 });
    checker.project(event(1), { id: "p", status: "processing" });
    checker.project(event(2), { id: "p", status: "pending" });

    assert.deepEqual(checker.finish(pipeline), [
      "event 2: the pipeline project's status (0 pending, 1 processing, 2 completed) went back from 1 to 0 on its stream",
    ]);
  });
});
