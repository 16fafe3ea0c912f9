import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RepositoryState } from "../nostr/repository-state.js";
import { refAlignment, winningState } from "./winning-state.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);

function state(id: string, createdAt: number, refs: Record<string, string> = {}): RepositoryState {
  return { id, author: "0".repeat(64), identifier: "repo", createdAt, refs: new Map(Object.entries(refs)), objects: Object.values(refs), head: undefined };
}

describe("winningState", () => {
  it("is undefined for no states", () => {
    assert.equal(winningState([]), undefined);
  });

  it("is the only state of one", () => {
    const only = state("1".repeat(64), 5);
    assert.equal(winningState([only]), only);
  });

  it("is the newest created_at, wherever it is in the list", () => {
    const [old, mid, newest] = [state("1".repeat(64), 10), state("0".repeat(64), 20), state("9".repeat(64), 30)];
    assert.equal(winningState([old, newest, mid]), newest);
    assert.equal(winningState([newest, mid, old]), newest);
    assert.equal(winningState([mid, old, newest]), newest);
  });

  it("breaks a created_at tie with the lowest id, in either order", () => {
    const low = state("1".repeat(64), 10);
    const high = state("2".repeat(64), 10);
    const older = state("0".repeat(64), 9);
    assert.equal(winningState([low, high]), low);
    assert.equal(winningState([high, low]), low);
    assert.equal(winningState([older, high, low]), low);
  });
});

describe("refAlignment", () => {
  const none = new Set<string>();

  it("is a no-op when the refs already match", () => {
    const declared = state("1".repeat(64), 1, { "refs/heads/main": A, "refs/tags/v1": B });
    assert.deepEqual(refAlignment(new Map([["refs/tags/v1", B], ["refs/heads/main", A]]), declared, none), { changes: [], skipped: [] });
  });

  it("sets declared refs that are absent or elsewhere, leaving those already right", () => {
    const declared = state("1".repeat(64), 1, { "refs/heads/main": A, "refs/heads/dev": B, "refs/tags/v1": C });
    assert.deepEqual(refAlignment(new Map([["refs/heads/main", A], ["refs/heads/dev", C]]), declared, none), {
      changes: [
        { ref: "refs/heads/dev", oid: B },
        { ref: "refs/tags/v1", oid: C },
      ],
      skipped: [],
    });
  });

  it("deletes branches and tags the state does not declare", () => {
    const declared = state("1".repeat(64), 1, { "refs/heads/main": A });
    assert.deepEqual(refAlignment(new Map([["refs/heads/main", A], ["refs/heads/old", B], ["refs/tags/v0", C]]), declared, none), {
      changes: [
        { ref: "refs/heads/old", oid: undefined },
        { ref: "refs/tags/v0", oid: undefined },
      ],
      skipped: [],
    });
  });

  it("skips declared refs whose object is missing, leaving their current value alone", () => {
    const declared = state("1".repeat(64), 1, { "refs/heads/main": A, "refs/heads/dev": B, "refs/heads/new": C });
    assert.deepEqual(refAlignment(new Map([["refs/heads/dev", A]]), declared, new Set([B, C])), {
      changes: [{ ref: "refs/heads/main", oid: A }],
      skipped: ["refs/heads/dev", "refs/heads/new"],
    });
  });

  it("empties the repository for a state that declares nothing", () => {
    assert.deepEqual(refAlignment(new Map([["refs/heads/main", A]]), state("1".repeat(64), 1), none), {
      changes: [{ ref: "refs/heads/main", oid: undefined }],
      skipped: [],
    });
  });
});
