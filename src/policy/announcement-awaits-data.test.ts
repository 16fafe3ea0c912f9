import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import type { NostrEvent } from "nostr-tools";
import { announcement, newAuthor, repositoryState } from "../nostr/event-fixtures.js";
import { announcementAwaitsData } from "./announcement-awaits-data.js";
import type { GitFacts, RepositoryFacts } from "./git-facts.js";
import { noGitFacts } from "./git-facts.js";
import { ruleInput } from "./view-fixture.js";

const rule = announcementAwaitsData();
const owner = newAuthor();

function hosted(hasData: boolean): RepositoryFacts {
  return { repository: `${owner.npub}/repo.git`, owner: owner.pubkey, hasData, missingObjects: [], nostrRef: undefined };
}

const decide = (event: NostrEvent, git: GitFacts) => rule({ ...ruleInput(event), git });

describe("announcementAwaitsData", () => {
  it("holds an announcement whose hosted repository has no data yet", () => {
    assert.deepEqual(decide(announcement(owner, "repo"), { repositories: [hosted(false)] }), {
      action: "hold",
      msg: "purgatory: won't be served until git data arrives",
    });
  });

  it("accepts an announcement whose repository has data (an update)", () => {
    assert.deepEqual(decide(announcement(owner, "repo"), { repositories: [hosted(true)] }), { action: "accept", msg: "" });
  });

  it("accepts an announcement that names no hosted repository (it does not list this service)", () => {
    assert.deepEqual(decide(announcement(owner, "repo", { clone: [], relays: [] }), noGitFacts), { action: "accept", msg: "" });
  });

  it("ignores other kinds, even when the repository is empty", () => {
    const empty = { repositories: [hosted(false)] };
    assert.deepEqual(decide(repositoryState(owner, "repo"), empty), { action: "accept", msg: "" });
    assert.deepEqual(decide(owner.sign({ kind: kinds.GitPullRequest, tags: [["c", "c".repeat(40)]] }), empty), { action: "accept", msg: "" });
    assert.deepEqual(decide(owner.sign({ kind: kinds.ShortTextNote }), empty), { action: "accept", msg: "" });
  });
});
