import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import type { NostrEvent } from "nostr-tools";
import { announcementCoordinate, newAuthor, repositoryState } from "../nostr/event-fixtures.js";
import type { GitFacts, RepositoryFacts } from "./git-facts.js";
import { pullRequestKinds, pullRequestTipExists } from "./pull-request-tip-exists.js";
import { ruleInput } from "./view-fixture.js";

const rule = pullRequestTipExists();
const owner = newAuthor();
const contributor = newAuthor();
const tip = "c".repeat(40);
const elsewhere = "d".repeat(40);

const pullRequest = (tags: string[][], kind: number = kinds.GitPullRequest): NostrEvent =>
  contributor.sign({ kind, tags: [["a", announcementCoordinate(owner, "repo")], ["p", owner.pubkey], ...tags] });

function repository(facts: Partial<RepositoryFacts>): RepositoryFacts {
  return { repository: `${owner.npub}/repo.git`, owner: owner.pubkey, hasData: false, missingObjects: [tip], nostrRef: undefined, ...facts };
}

const decide = (event: NostrEvent, git: GitFacts) => rule({ ...ruleInput(event), git });

const accepted = { action: "accept", msg: "" };
const held = { action: "hold", msg: "purgatory: won't be served until git data arrives" };

describe("pullRequestTipExists", () => {
  it("covers PRs (1618) and PR updates (1619)", () => {
    assert.deepEqual([...pullRequestKinds].sort(), [kinds.GitPullRequest, kinds.GitPullRequestUpdate].sort());
  });

  it("ignores other kinds, patches included", () => {
    const nothing = { repositories: [repository({})] };
    assert.deepEqual(decide(contributor.sign({ kind: kinds.Patch, tags: [["c", tip]] }), nothing), accepted);
    assert.deepEqual(decide(repositoryState(owner, "repo"), nothing), accepted);
    assert.deepEqual(decide(contributor.sign({ kind: kinds.ShortTextNote }), nothing), accepted);
  });

  for (const kind of [kinds.GitPullRequest, kinds.GitPullRequestUpdate]) {
    describe(`kind ${kind}`, () => {
      it("rejects a PR without a c tag as invalid", () => {
        assert.deepEqual(decide(pullRequest([], kind), { repositories: [repository({ nostrRef: tip })] }), {
          action: "reject",
          msg: `invalid: kind ${kind} has no c tag naming its tip commit`,
        });
      });

      it("accepts when refs/nostr/<id> is at c (git arrived first)", () => {
        assert.deepEqual(decide(pullRequest([["c", tip]], kind), { repositories: [repository({ nostrRef: tip, missingObjects: [] })] }), accepted);
      });

      it("holds when refs/nostr/<id> is at another commit, even if c itself is present", () => {
        const event = pullRequest([["c", tip]], kind);
        assert.deepEqual(decide(event, { repositories: [repository({ nostrRef: elsewhere })] }), held);
        assert.deepEqual(decide(event, { repositories: [repository({ nostrRef: elsewhere, missingObjects: [] })] }), held);
      });

      it("holds when the commit is absent", () => {
        assert.deepEqual(decide(pullRequest([["c", tip]], kind), { repositories: [repository({})] }), held);
      });

      it("accepts when the commit is present without the ref", () => {
        assert.deepEqual(decide(pullRequest([["c", tip]], kind), { repositories: [repository({ missingObjects: [] })] }), accepted);
      });
    });
  }

  it("rejects a c tag that is not a commit id, quoting at most 80 characters", () => {
    for (const bad of ["main", tip.toUpperCase(), tip.slice(1), `${tip}\n`, ""]) {
      assert.deepEqual(decide(pullRequest([["c", bad]]), { repositories: [repository({ nostrRef: bad })] }), {
        action: "reject",
        msg: `invalid: c tag "${bad}" is not a commit id`,
      });
    }
    const long = "x".repeat(300);
    assert.equal(decide(pullRequest([["c", long]]), { repositories: [] }).msg, `invalid: c tag "${"x".repeat(80)}" is not a commit id`);
  });

  it("reads the first c tag", () => {
    const event = pullRequest([["c", tip], ["c", elsewhere]]);
    assert.deepEqual(decide(event, { repositories: [repository({ nostrRef: tip })] }), accepted);
  });

  it("accepts when any one of several repositories has it", () => {
    const event = pullRequest([["c", tip]]);
    const git = { repositories: [repository({ repository: "one/repo.git" }), repository({ repository: "two/repo.git", nostrRef: tip })] };
    assert.deepEqual(decide(event, git), accepted);
  });

  it("accepts when it names no repository hosted here (related by other references): no data will come here", () => {
    assert.deepEqual(decide(pullRequest([["c", tip]]), { repositories: [] }), accepted);
  });
});
