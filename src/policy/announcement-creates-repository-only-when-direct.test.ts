import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { NostrEvent } from "nostr-tools";
import { announcement, newAuthor, repositoryState } from "../nostr/event-fixtures.js";
import { announcementCreatesRepositoryOnlyWhenDirect } from "./announcement-creates-repository-only-when-direct.js";
import type { GitFacts } from "./git-facts.js";
import { noGitFacts } from "./git-facts.js";
import { ruleInput } from "./view-fixture.js";

const rule = announcementCreatesRepositoryOnlyWhenDirect();
const owner = newAuthor();
const hosted = (hasData: boolean): GitFacts => ({
  repositories: [{ repository: `${owner.npub}/repo.git`, owner: owner.pubkey, hasData, missingObjects: [], nostrRef: undefined }],
});
const decide = (event: NostrEvent, type: string, git: GitFacts) => rule({ ...ruleInput(event), source: { type, authed: undefined }, git });

describe("announcementCreatesRepositoryOnlyWhenDirect", () => {
  it("refuses a new hosted announcement streamed or synced from elsewhere, naming the source", () => {
    for (const type of ["Stream", "Sync", "?"]) {
      assert.deepEqual(decide(announcement(owner, "repo"), type, hosted(false)), {
        action: "reject",
        msg: `blocked: a new repository is created only by an announcement published to this relay directly, not one from ${type}`,
      });
    }
  });

  it("lets a client's announcement and our own release through", () => {
    for (const type of ["IP4", "IP6", "release"]) assert.equal(decide(announcement(owner, "repo"), type, hosted(false)).action, "accept");
  });

  it("lets a synced update of a repository with data through, and announcements hosted elsewhere", () => {
    assert.equal(decide(announcement(owner, "repo"), "Sync", hosted(true)).action, "accept");
    assert.equal(decide(announcement(owner, "repo"), "Sync", noGitFacts).action, "accept");
  });

  it("has nothing to say about other kinds", () => {
    assert.equal(decide(repositoryState(owner, "repo"), "Stream", hosted(false)).action, "accept");
  });
});
