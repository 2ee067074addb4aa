import assert from "node:assert/strict";
import { test } from "node:test";
import { isUuid, publicIdOf, uuidV5 } from "./uuid-v5.ts";

const DNS_NAMESPACE = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";

test("uuidV5 matches published vectors", () => {
  // Python's uuid.uuid5(uuid.NAMESPACE_DNS, "www.example.com").
  assert.equal(uuidV5("www.example.com", DNS_NAMESPACE), "2ed6657d-e927-568b-95e1-2665a8aea6a2");
  // The uuidv5 function reference of OpenTofu.
  assert.equal(uuidV5("www.opentofu.org", DNS_NAMESPACE), "df1e675d-b743-5f6c-9952-6311d0f141df");
  // The test fixtures of the Rust uuid crate.
  assert.equal(uuidV5("example.org", DNS_NAMESPACE), "aad03681-8b63-5304-89e0-8ca8f49461b5");
});

test("uuidV5 sets version 5 and the RFC variant", () => {
  const id = uuidV5("any name", DNS_NAMESPACE);

  assert.equal(id[14], "5");
  assert.match(id[19] ?? "", /[89ab]/);
});

test("uuidV5 rejects a namespace that is not a UUID", () => {
  assert.throws(() => uuidV5("x", "not-a-uuid"), /Expected the namespace as a UUID/);
});

test("publicIdOf keeps clips and collections apart", () => {
  const clip = publicIdOf("p1", "clip", "1");
  const collection = publicIdOf("p1", "collection", "1");

  assert.ok(isUuid(clip));
  assert.notEqual(clip, collection);
  assert.equal(publicIdOf("p1", "clip", "1"), clip);
  assert.notEqual(publicIdOf("p2", "clip", "1"), clip);
});
