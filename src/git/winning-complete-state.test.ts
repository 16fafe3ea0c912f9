import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { RepositoryState } from "../nostr/repository-state.js";
import { gitSandbox } from "./git-fixture.js";
import { objectChecker } from "./object-checker.js";
import { winningCompleteState } from "./winning-complete-state.js";

const sandbox = gitSandbox("grasp-winning-test-");
const objects = objectChecker();
after(() => objects.close());

const bare = sandbox.bare();
const work = sandbox.working();
const present = work.commit("pushed");
work.push(bare, "main");
const absent = work.commit("never pushed");

function state(digit: string, createdAt: number, oids: readonly string[]): RepositoryState {
  return {
    id: digit.repeat(64),
    author: "0".repeat(64),
    identifier: "repo",
    createdAt,
    refs: new Map(oids.map((oid, index) => [`refs/heads/b${index}`, oid])),
    objects: oids,
    head: "refs/heads/b0",
  };
}

const winner = (heldStates: RepositoryState[], latestAccepted?: RepositoryState) =>
  winningCompleteState(bare, { heldStates, latestAccepted }, objects);

describe("winningCompleteState", () => {
  it("is undefined with no states, or only incomplete held ones", async () => {
    assert.equal(await winner([]), undefined);
    assert.equal(await winner([state("1", 10, [absent]), state("2", 20, [present, absent])]), undefined);
  });

  it("is the latest accepted state when nothing held is complete and newer", async () => {
    const latest = state("5", 50, [present]);
    assert.equal(await winner([], latest), latest);
    assert.equal(await winner([state("6", 60, [absent])], latest), latest);
  });

  it("is a complete held state newer than the latest accepted one", async () => {
    const latest = state("5", 50, [present]);
    const held = state("6", 60, [present]);
    assert.equal(await winner([held], latest), held);
    const empty = state("7", 70, []);
    assert.equal(await winner([held, empty], latest), empty, "a state that declares nothing is complete");
  });

  it("never a held state older than the latest accepted one, complete or not", async () => {
    const latest = state("5", 50, [absent]);
    const older = state("4", 40, [present]);
    assert.equal(await winner([older], latest), latest);
    const tieHigherId = state("9", 50, [present]);
    assert.equal(await winner([tieHigherId], latest), latest);
    const tieLowerId = state("1", 50, [present]);
    assert.equal(await winner([tieLowerId], latest), tieLowerId);
  });

  it("is the newest complete held state, passing over a newer incomplete one", async () => {
    const older = state("1", 10, [present]);
    const middle = state("2", 20, [present]);
    const newest = state("3", 30, [present, absent]);
    assert.equal(await winner([newest, older, middle]), middle);
    assert.equal(await winner([newest, older, middle], state("0", 5, [present])), middle);
  });
});
