import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { newAuthor } from "../nostr/event-fixtures.js";
import { eventIsNotDeleted } from "./event-is-not-deleted.js";
import { ruleInput, testView } from "./view-fixture.js";

describe("event-is-not-deleted", () => {
  const rule = eventIsNotDeleted();
  const alice = newAuthor();

  it("refuses an event its author deleted, naming the deletion", () => {
    const state = alice.sign({ kind: 30618, tags: [["d", "demo"]] });
    const verdict = rule(ruleInput(state, testView({ deleted: new Map([[state.id, "ab".repeat(32)]]) })));
    assert.deepEqual(verdict, { action: "reject", msg: `blocked: deleted by its author (kind 5 ${"ab".repeat(32)})` });
  });

  it("passes an event nobody deleted", () => {
    assert.equal(rule(ruleInput(alice.sign({ kind: 1621, tags: [] }))).action, "accept");
  });
});
