import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import { newAuthor } from "./event-fixtures.js";
import { isObjectId, readRepositoryState, refNameProblem, repositoryStateProblem, valuesThatAreNotObjects } from "./repository-state.js";
import type { RepositoryState } from "./repository-state.js";

const author = newAuthor();
const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);

const stateEvent = (tags: string[][]) => author.sign({ kind: kinds.RepositoryState, tags: [["d", "repo"], ...tags] });

describe("readRepositoryState", () => {
  it("reads id, author, d, created_at, branches, tags, objects and HEAD", () => {
    const event = stateEvent([
      ["refs/heads/main", A],
      ["refs/heads/feature/x", B],
      ["refs/tags/v1", C],
      ["HEAD", "ref: refs/heads/main"],
    ]);
    const state = readRepositoryState(event);
    assert.equal(state.id, event.id);
    assert.equal(state.author, author.pubkey);
    assert.equal(state.identifier, "repo");
    assert.equal(state.createdAt, event.created_at);
    assert.deepEqual([...state.refs], [
      ["refs/heads/main", A],
      ["refs/heads/feature/x", B],
      ["refs/tags/v1", C],
    ]);
    assert.deepEqual(state.objects, [A, B, C]);
    assert.equal(state.head, "refs/heads/main");
  });

  it("counts a peeled ^{} entry as an object that must exist, but not as a ref", () => {
    const state = readRepositoryState(stateEvent([["refs/heads/main", A], ["refs/tags/v1", B], ["refs/tags/v1^{}", C]]));
    assert.deepEqual([...state.refs], [["refs/heads/main", A], ["refs/tags/v1", B]]);
    assert.deepEqual(state.objects, [A, B, C]);
  });

  it("lists each object once", () => {
    const state = readRepositoryState(stateEvent([["refs/heads/main", A], ["refs/heads/dev", A], ["refs/tags/v1", B], ["refs/tags/v1^{}", A]]));
    assert.deepEqual(state.objects, [A, B]);
    assert.equal(state.refs.size, 3);
  });

  it("reads both forms of HEAD, and none", () => {
    assert.equal(readRepositoryState(stateEvent([["HEAD", "ref: refs/heads/dev"]])).head, "refs/heads/dev");
    assert.equal(readRepositoryState(stateEvent([["HEAD", "refs/heads/dev"]])).head, "refs/heads/dev");
    assert.equal(readRepositoryState(stateEvent([["HEAD", "ref:refs/heads/dev"]])).head, "refs/heads/dev");
    assert.equal(readRepositoryState(stateEvent([["refs/heads/main", A]])).head, undefined);
  });

  it("never takes HEAD as an object", () => {
    const state = readRepositoryState(stateEvent([["HEAD", A]]));
    assert.deepEqual(state.objects, []);
    assert.equal(state.refs.size, 0);
  });

  it("ignores tags that are not branches or tags, and tags without a value", () => {
    const state = readRepositoryState(
      stateEvent([
        ["refs/notes/commits", A],
        ["refs/remotes/origin/main", A],
        ["refs/nostr/" + "e".repeat(64), A],
        ["refs/heads/main"],
        ["refs/heads", B],
        ["t", "refs/heads/main"],
        ["heads/main", B],
        ["refs/heads/dev", C],
      ]),
    );
    assert.deepEqual([...state.refs], [["refs/heads/dev", C]]);
    assert.deepEqual(state.objects, [C]);
  });

  it("lower-cases upper-case hex object ids", () => {
    const state = readRepositoryState(stateEvent([["refs/heads/main", A.toUpperCase()], ["refs/tags/v1^{}", "Bb".repeat(20)]]));
    assert.deepEqual([...state.refs], [["refs/heads/main", A]]);
    assert.deepEqual(state.objects, [A, B]);
  });

  it("has an empty identifier when there is no d tag", () => {
    const event = author.sign({ kind: kinds.RepositoryState, tags: [["refs/heads/main", A]] });
    assert.equal(readRepositoryState(event).identifier, "");
  });
});

describe("isObjectId", () => {
  it("accepts 40 and 64 lower-case hex characters only", () => {
    assert.equal(isObjectId(A), true);
    assert.equal(isObjectId("0".repeat(64)), true);
    for (const value of [A.toUpperCase(), A.slice(1), "a".repeat(41), "a".repeat(63), "g".repeat(40), `${A}\n`, ""]) {
      assert.equal(isObjectId(value), false, JSON.stringify(value));
    }
  });
});

describe("repositoryStateProblem", () => {
  const state = (tags: string[][]): RepositoryState => readRepositoryState(stateEvent(tags));

  it("is undefined for a state of object ids with a branch HEAD (sha1 or sha256), or no HEAD", () => {
    assert.equal(repositoryStateProblem(state([["refs/heads/main", A], ["refs/tags/v1^{}", B], ["HEAD", "ref: refs/heads/main"]])), undefined);
    assert.equal(repositoryStateProblem(state([["refs/heads/main", "f".repeat(64)]])), undefined);
    assert.equal(repositoryStateProblem(state([])), undefined);
  });

  it("leaves values that are not object ids to valuesThatAreNotObjects: such a state is held, not refused", () => {
    assert.equal(repositoryStateProblem(state([["refs/heads/main", "abc123"]])), undefined);
  });

  it("names a HEAD that is not a branch", () => {
    assert.equal(repositoryStateProblem(state([["HEAD", "ref: refs/tags/v1"]])), 'has HEAD "refs/tags/v1", which is not a branch');
    assert.equal(repositoryStateProblem(state([["HEAD", A]])), `has HEAD "${A}", which is not a branch`);
    assert.equal(repositoryStateProblem(state([["HEAD", "main"]])), 'has HEAD "main", which is not a branch');
    assert.equal(repositoryStateProblem(state([["HEAD", ""]])), 'has HEAD "", which is not a branch');
  });

  it("names a HEAD whose branch name git refuses", () => {
    assert.equal(repositoryStateProblem(state([["HEAD", "ref: refs/heads/a..b"]])), `has HEAD "refs/heads/a..b", which contains '..' or '@{'`);
    assert.equal(repositoryStateProblem(state([["HEAD", "refs/heads/x.lock"]])), `has HEAD "refs/heads/x.lock", which has an empty component, one starting with '.' or one ending in '.lock'`);
  });
});

describe("valuesThatAreNotObjects", () => {
  const state = (tags: string[][]): RepositoryState => readRepositoryState(stateEvent(tags));

  it("is empty for object ids (sha1 or sha256), branches and peeled entries alike", () => {
    assert.deepEqual(valuesThatAreNotObjects(state([["refs/heads/main", A], ["refs/tags/v1^{}", B], ["refs/heads/x", "f".repeat(64)]])), []);
  });

  it("names every value that is not an object id, branch or peeled", () => {
    assert.deepEqual(valuesThatAreNotObjects(state([["refs/heads/main", "abc123"], ["refs/tags/v1", A], ["refs/tags/v1^{}", "abc"], ["refs/heads/x", `${A} `]])), [
      "abc123",
      "abc",
      `${A} `,
    ]);
  });
});

describe("refNameProblem (git check-ref-format, so update-ref never fails on a declared ref)", () => {
  it("allows ordinary branch and tag names", () => {
    for (const ref of ["refs/heads/main", "refs/heads/feature/x-1", "refs/tags/v1.0.0", "refs/heads/ünïcødé"]) {
      assert.equal(refNameProblem(ref), undefined, ref);
    }
  });

  it("refuses what git refuses", () => {
    const refused = [
      "refs/heads/a..b",
      "refs/heads/x y",
      "refs/heads/a~1",
      "refs/heads/a^",
      "refs/heads/a:b",
      "refs/heads/a?",
      "refs/heads/a*",
      "refs/heads/a[b",
      "refs/heads/a\\b",
      "refs/heads/a@{1}",
      "refs/heads/.hidden",
      "refs/heads/a.lock",
      "refs/heads//double",
      "refs/heads/trailing/",
      "refs/heads/dot.",
      "refs/heads/tab\there",
      `refs/heads/${"x".repeat(1100)}`,
    ];
    for (const ref of refused) assert.notEqual(refNameProblem(ref), undefined, ref);
  });

  it("makes a state with such a ref a problem, naming it", () => {
    const A = "a".repeat(40);
    const event = { id: "1".repeat(64), pubkey: "2".repeat(64), created_at: 1, kind: kinds.RepositoryState, content: "", sig: "3".repeat(128), tags: [["d", "r"], ["refs/heads/a..b", A]] };
    assert.match(repositoryStateProblem(readRepositoryState(event)) ?? "", /^declares ref "refs\/heads\/a\.\.b", which contains '\.\.'/);
  });
});
