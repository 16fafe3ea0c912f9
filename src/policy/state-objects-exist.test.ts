import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import type { NostrEvent } from "nostr-tools";
import { announcement, newAuthor, repositoryState } from "../nostr/event-fixtures.js";
import type { GitFacts, RepositoryFacts } from "./git-facts.js";
import { stateObjectsExist } from "./state-objects-exist.js";
import { ruleInput, testView } from "./view-fixture.js";
import type { TestViewContents } from "./view-fixture.js";

const rule = stateObjectsExist();
const owner = newAuthor();
const A = "a".repeat(40);
const B = "b".repeat(40);

function repository(missingObjects: readonly string[], name = `${owner.npub}/repo.git`): RepositoryFacts {
  return { repository: name, owner: owner.pubkey, hasData: true, missingObjects, nostrRef: undefined };
}

function decideState(event: NostrEvent, git: GitFacts, contents: TestViewContents = {}) {
  return rule({ ...ruleInput(event, testView(contents)), git });
}

const accepted = { action: "accept", msg: "" };
const held = { action: "hold", msg: "purgatory: won't be served until git data arrives" };

describe("stateObjectsExist", () => {
  it("ignores other kinds, whatever git says", () => {
    const missing = { repositories: [repository([A])] };
    assert.deepEqual(decideState(owner.sign({ kind: kinds.ShortTextNote }), missing), accepted);
    assert.deepEqual(decideState(announcement(owner, "repo"), missing), accepted);
    assert.deepEqual(decideState(owner.sign({ kind: kinds.GitPullRequest, tags: [["c", A]] }), missing), accepted);
  });

  it("accepts a state whose objects all exist in the repository", () => {
    assert.deepEqual(decideState(repositoryState(owner, "repo"), { repositories: [repository([])] }), accepted);
  });

  it("holds a state with missing objects, with the purgatory message", () => {
    assert.deepEqual(decideState(repositoryState(owner, "repo"), { repositories: [repository([A])] }), held);
  });

  it("accepts when any one of the owners' repositories has every object", () => {
    const state = repositoryState(owner, "repo");
    const two = { repositories: [repository([A], "one/repo.git"), repository([], "two/repo.git")] };
    assert.deepEqual(decideState(state, two), accepted);
    assert.deepEqual(decideState(state, { repositories: [repository([A], "one/repo.git"), repository([B], "two/repo.git")] }), held);
  });

  it("holds a state when no hosted repository was found for it", () => {
    assert.deepEqual(decideState(repositoryState(owner, "repo"), { repositories: [] }), held);
  });

  it("holds a state that declares something other than an object id: it can never complete, so it expires", () => {
    const event = repositoryState(owner, "repo", [["refs/heads/dev", "abc123"]]);
    assert.deepEqual(decideState(event, { repositories: [repository([])] }), held);
  });

  it("holds a bad peeled entry the same way", () => {
    const event = repositoryState(owner, "repo", [["refs/tags/v1", A], ["refs/tags/v1^{}", "1234"]]);
    assert.deepEqual(decideState(event, { repositories: [repository([])] }), held);
  });

  it("rejects a state whose HEAD is not a branch", () => {
    const event = owner.sign({ kind: kinds.RepositoryState, tags: [["d", "repo"], ["refs/heads/main", A], ["HEAD", "ref: refs/tags/v1"]] });
    assert.deepEqual(decideState(event, { repositories: [repository([])] }), {
      action: "reject",
      msg: 'invalid: state has HEAD "refs/tags/v1", which is not a branch',
    });
  });

  it("rejects a ref name git refuses even when the state is older than the latest accepted one", () => {
    const event = repositoryState(owner, "repo", [["refs/heads/a..b", A]]);
    const latest = { author: owner.pubkey, identifier: "repo", id: "0".repeat(64), createdAt: event.created_at + 100 };
    assert.equal(decideState(event, { repositories: [repository([A])] }, { states: [latest] }).action, "reject");
  });

  it("accepts (never holds) a state not newer than the latest accepted one of its author and d: strfry drops it as replaced", () => {
    const event = repositoryState(owner, "repo");
    const missing = { repositories: [repository([A])] };
    const newerAccepted = { author: owner.pubkey, identifier: "repo", id: "0".repeat(64), createdAt: event.created_at + 1 };
    assert.deepEqual(decideState(event, missing, { states: [newerAccepted] }), accepted);
    const itself = { author: owner.pubkey, identifier: "repo", id: event.id, createdAt: event.created_at };
    assert.deepEqual(decideState(event, missing, { states: [itself] }), accepted, "the accepted state itself, resubmitted");
    const tieLowerId = { author: owner.pubkey, identifier: "repo", id: "0".repeat(64), createdAt: event.created_at };
    assert.deepEqual(decideState(event, missing, { states: [tieLowerId] }), accepted, "same created_at, the accepted one has the lower id");
  });

  it("still holds a state newer than the latest accepted one", () => {
    const event = repositoryState(owner, "repo");
    const missing = { repositories: [repository([A])] };
    const older = { author: owner.pubkey, identifier: "repo", id: "0".repeat(64), createdAt: event.created_at - 1 };
    assert.deepEqual(decideState(event, missing, { states: [older] }), held);
    const tieHigherId = { author: owner.pubkey, identifier: "repo", id: "f".repeat(64), createdAt: event.created_at };
    assert.deepEqual(decideState(event, missing, { states: [tieHigherId] }), held);
  });

  it("compares only with the latest state of the same author and d", () => {
    const event = repositoryState(owner, "repo");
    const missing = { repositories: [repository([A])] };
    const someoneElse = { author: newAuthor().pubkey, identifier: "repo", id: "0".repeat(64), createdAt: event.created_at + 100 };
    const otherD = { author: owner.pubkey, identifier: "other", id: "0".repeat(64), createdAt: event.created_at + 100 };
    assert.deepEqual(decideState(event, missing, { states: [someoneElse, otherD] }), held);
  });
});
