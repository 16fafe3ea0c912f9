import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventShapeProblem, isHex64, isNostrEvent, tagListValues, tagValue, tagValues } from "./event.js";
import { newAuthor } from "./event-fixtures.js";

describe("isHex64", () => {
  it("accepts exactly 64 lower-case hex characters", () => {
    assert.equal(isHex64("0123456789abcdef".repeat(4)), true);
    for (const value of ["A".repeat(64), "a".repeat(63), "a".repeat(65), "g".repeat(64), ` ${"a".repeat(63)}`, `${"a".repeat(64)}\n`, 1, null, undefined]) {
      assert.equal(isHex64(value), false, JSON.stringify(value));
    }
  });
});

describe("eventShapeProblem", () => {
  const event = newAuthor().sign({ kind: 1, tags: [["t", "x"]], content: "hi" });

  it("accepts a signed event, and one with empty tags and content", () => {
    assert.equal(eventShapeProblem(event), undefined);
    assert.equal(isNostrEvent({ ...event, tags: [], content: "" }), true);
    assert.equal(isNostrEvent({ ...event, kind: 0, created_at: 0 }), true);
    assert.equal(isNostrEvent({ ...event, kind: 65535 }), true);
  });

  it("names the first thing wrong and never throws", () => {
    assert.equal(eventShapeProblem(undefined), "event is not an object");
    assert.equal(eventShapeProblem("event"), "event is not an object");
    assert.equal(eventShapeProblem([]), "event is not an object");
    assert.equal(eventShapeProblem({}), "event id is not 64 lower-case hex characters");
    assert.equal(eventShapeProblem({ ...event, pubkey: 1 }), "event pubkey is not 64 lower-case hex characters");
    assert.equal(eventShapeProblem({ ...event, sig: event.sig.toUpperCase() }), "event sig is not 128 lower-case hex characters");
    assert.equal(eventShapeProblem({ ...event, kind: Number.NaN }), "event kind is not an integer between 0 and 65535");
    assert.equal(eventShapeProblem({ ...event, created_at: null }), "event created_at is not a non-negative integer");
    assert.equal(eventShapeProblem({ ...event, content: 1 }), "event content is not a string");
    assert.equal(eventShapeProblem({ ...event, tags: "[]" }), "event tags is not an array");
    assert.equal(eventShapeProblem({ ...event, tags: [["a"], [{}]] }), "event tag 1 is not an array of strings");
  });
});

describe("tag readers", () => {
  const tags = { tags: [["d", "first"], ["d", "second"], ["clone", "a", "b"], ["clone", "c"], ["clone"], ["x"]] };

  it("tagValue is the first value of the first tag with the name", () => {
    assert.equal(tagValue(tags, "d"), "first");
    assert.equal(tagValue(tags, "x"), undefined);
    assert.equal(tagValue(tags, "missing"), undefined);
  });

  it("tagValues is the first value of each tag with the name", () => {
    assert.deepEqual(tagValues(tags, "d"), ["first", "second"]);
    assert.deepEqual(tagValues(tags, "clone"), ["a", "c"]);
  });

  it("tagListValues is every value of every tag with the name", () => {
    assert.deepEqual(tagListValues(tags, "clone"), ["a", "b", "c"]);
    assert.deepEqual(tagListValues(tags, "missing"), []);
  });
});
