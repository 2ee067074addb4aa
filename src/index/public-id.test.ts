import assert from "node:assert/strict";
import { test } from "node:test";
import { bucketIndexOf } from "./keys.ts";
import { bucketOfPublicId, isUuid, PROJECT_PREFIX_LENGTH, projectPrefixOf, publicIdOf } from "./public-id.ts";

test("publicIdOf returns a UUIDv8", () => {
  const id = publicIdOf("p1", "clip", "1");

  assert.ok(isUuid(id), id);
  assert.equal(id[14], "8");
  assert.match(id[19] ?? "", /[89ab]/);
});

test("publicIdOf depends only on its inputs", () => {
  assert.equal(publicIdOf("p1", "clip", "1"), publicIdOf("p1", "clip", "1"));
  // The same ids after another project was requested in between.
  const first = publicIdOf("talk-2026", "collection", "3");
  publicIdOf("other", "clip", "9");
  assert.equal(publicIdOf("talk-2026", "collection", "3"), first);
});

test("publicIdOf keeps clips and collections apart", () => {
  assert.notEqual(publicIdOf("p1", "clip", "1"), publicIdOf("p1", "collection", "1"));
});

test("publicIdOf gives other projects other ids", () => {
  assert.notEqual(publicIdOf("p1", "clip", "1"), publicIdOf("p2", "clip", "1"));
});

test("project ids share one prefix", () => {
  const projectId = "lecture_2026-12.part1";
  const prefix = projectPrefixOf(projectId);

  for (const fileId of ["1", "2", "manual-best", "片段-长标题"]) {
    assert.equal(publicIdOf(projectId, "clip", fileId).slice(0, PROJECT_PREFIX_LENGTH), prefix);
  }
});

test("bucketOfPublicId returns the bucket of the id's project", () => {
  for (const projectId of ["p1", "p2", "a", "000242b5-587c-4a94-9191-2bf98651251c", "x".repeat(128)]) {
    const id = publicIdOf(projectId, "clip", "7");
    assert.equal(bucketOfPublicId(id), bucketIndexOf(projectId), projectId);
    assert.equal(bucketOfPublicId(id.toUpperCase()), bucketIndexOf(projectId), projectId);
  }
});

test("bucketOfPublicId rejects other schemes", () => {
  // A UUIDv5 (the scheme of index format 3), a UUIDv4 and text that is not a UUID.
  assert.equal(bucketOfPublicId("2ed6657d-e927-568b-95e1-2665a8aea6a2"), null);
  assert.equal(bucketOfPublicId("0b6f8c1e-2f4a-4c3d-9e7b-5a1d2c3b4e5f"), null);
  assert.equal(bucketOfPublicId("not-a-uuid"), null);
  // Version 8 without the RFC variant.
  assert.equal(bucketOfPublicId("00000000-0000-8000-c000-000000000000"), null);
});

test("24,000 public ids are distinct", () => {
  const seen = new Set<string>();
  for (let project = 0; project < 1000; project++) {
    for (let clip = 1; clip <= 20; clip++) seen.add(publicIdOf(`project-${project}`, "clip", String(clip)));
    for (let collection = 1; collection <= 4; collection++) {
      seen.add(publicIdOf(`project-${project}`, "collection", String(collection)));
    }
  }

  assert.equal(seen.size, 24_000);
});
