import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import { announcement, announcementCoordinate, newAuthor, repositoryState } from "../nostr/event-fixtures.js";
import type { GitFacts, RepositoryFacts } from "../policy/git-facts.js";
import { describeWaitingFor, entryTypeOfKind, findEntry, selectEntries } from "./entries.js";
import { entry } from "./entry-fixture.js";

const owner = newAuthor();
const other = newAuthor();
const ids = (entries: { id: string }[]) => entries.map((found) => found.id);

describe("entryTypeOfKind", () => {
  it("names the kinds the purgatory holds, and other for the rest", () => {
    assert.equal(entryTypeOfKind(kinds.RepositoryAnnouncement), "announcement");
    assert.equal(entryTypeOfKind(kinds.RepositoryState), "state");
    assert.equal(entryTypeOfKind(kinds.GitPullRequest), "pull-request");
    assert.equal(entryTypeOfKind(kinds.GitPullRequestUpdate), "pull-request-update");
    assert.equal(entryTypeOfKind(kinds.Patch), "other");
  });
});

describe("selectEntries", () => {
  const now = 1000;
  const entries = [
    entry({ id: "c".repeat(64), type: "state", author: owner.pubkey, repositories: [`${owner.npub}/repo.git`], expiresAt: now + 600 }),
    entry({ id: "a".repeat(64), type: "announcement", author: owner.pubkey, repositories: [`${owner.npub}/other.git`], expiresAt: now + 60 }),
    entry({ id: "b".repeat(64), type: "pull-request", author: other.pubkey, repositories: [`${owner.npub}/repo.git`, `${other.npub}/repo.git`], expiresAt: now + 600 }),
    entry({ id: "d".repeat(64), type: "placeholder", author: undefined, kind: undefined, repositories: [`${other.npub}/repo.git`], expiresAt: now - 5 }),
  ];

  it("with no filters, gives everything, soonest expiry first, ties by id", () => {
    assert.deepEqual(ids(selectEntries(entries, {}, now)), ["d".repeat(64), "a".repeat(64), "b".repeat(64), "c".repeat(64)]);
  });

  it("does not reorder the caller's list", () => {
    const before = ids(entries);
    selectEntries(entries, {}, now);
    assert.deepEqual(ids(entries), before);
  });

  it("filters by type and by author", () => {
    assert.deepEqual(ids(selectEntries(entries, { type: "state" }, now)), ["c".repeat(64)]);
    assert.deepEqual(ids(selectEntries(entries, { author: other.pubkey }, now)), ["b".repeat(64)]);
    assert.deepEqual(ids(selectEntries(entries, { author: owner.pubkey, type: "announcement" }, now)), ["a".repeat(64)]);
    assert.deepEqual(selectEntries(entries, { type: "pull-request-update" }, now), []);
  });

  it("filters by repository, with or without .git", () => {
    assert.deepEqual(ids(selectEntries(entries, { repository: `${owner.npub}/repo.git` }, now)), ["b".repeat(64), "c".repeat(64)]);
    assert.deepEqual(ids(selectEntries(entries, { repository: `${owner.npub}/repo` }, now)), ["b".repeat(64), "c".repeat(64)]);
    assert.deepEqual(ids(selectEntries(entries, { repository: `${other.npub}/repo` }, now)), ["d".repeat(64), "b".repeat(64)]);
    assert.deepEqual(selectEntries(entries, { repository: owner.npub }, now), [], "an owner alone is not a repository");
  });

  it("filters by time left, counting what is already overdue", () => {
    assert.deepEqual(ids(selectEntries(entries, { expiringWithinSeconds: 60 }, now)), ["d".repeat(64), "a".repeat(64)]);
    assert.deepEqual(ids(selectEntries(entries, { expiringWithinSeconds: 0 }, now)), ["d".repeat(64)]);
  });

  it("ignores filters given as undefined", () => {
    const filters = { repository: undefined, type: undefined, author: undefined, expiringWithinSeconds: undefined };
    assert.equal(selectEntries(entries, filters, now).length, 4);
  });
});

describe("findEntry", () => {
  const entries = [entry({ id: "abc1".padEnd(64, "0") }), entry({ id: "abc2".padEnd(64, "0") }), entry({ id: "def0".padEnd(64, "0") })];

  it("finds by full id or by prefix, in either case", () => {
    assert.deepEqual(ids(findEntry(entries, "def0".padEnd(64, "0"))), ["def0".padEnd(64, "0")]);
    assert.deepEqual(ids(findEntry(entries, "de")), ["def0".padEnd(64, "0")]);
    assert.deepEqual(ids(findEntry(entries, "ABC1")), ["abc1".padEnd(64, "0")]);
  });

  it("gives every match for an ambiguous prefix and none for an unknown one", () => {
    assert.equal(findEntry(entries, "abc").length, 2);
    assert.deepEqual(findEntry(entries, "123"), []);
  });

  it("gives a held event and its placeholder together (the same id)", () => {
    const id = "e".repeat(64);
    const both = [entry({ id, type: "pull-request" }), entry({ id, type: "placeholder" })];
    assert.deepEqual(findEntry(both, "eeee").map((found) => found.type), ["pull-request", "placeholder"]);
  });
});

describe("describeWaitingFor", () => {
  const facts = (...repositories: Partial<RepositoryFacts>[]): GitFacts => ({
    repositories: repositories.map((fields) => ({ repository: "npub1x/repo.git", owner: owner.pubkey, hasData: false, missingObjects: [], nostrRef: undefined, ...fields })),
  });

  it("says nothing without an event or without git facts (placeholders)", () => {
    assert.deepEqual(describeWaitingFor("placeholder", undefined, undefined), []);
    assert.deepEqual(describeWaitingFor("state", repositoryState(owner, "repo"), undefined), []);
    assert.deepEqual(describeWaitingFor("state", undefined, facts({})), []);
  });

  it("an announcement waits for a first push, or only for release once data is there", () => {
    const event = announcement(owner, "repo");
    assert.deepEqual(describeWaitingFor("announcement", event, facts({ hasData: false })), ["a first push"]);
    assert.deepEqual(describeWaitingFor("announcement", event, facts({ hasData: true })), ["release (data present)"]);
    assert.deepEqual(describeWaitingFor("announcement", event, facts()), ["a first push"]);
  });

  it("a state waits for its missing commits per repository, abbreviated after three", () => {
    const event = repositoryState(owner, "repo");
    const oids = ["1", "2", "3", "4", "5"].map((digit) => digit.repeat(40));
    assert.deepEqual(
      describeWaitingFor("state", event, facts({ missingObjects: oids.slice(0, 2) }, { missingObjects: [] }, { missingObjects: oids })),
      ["commits 11111111, 22222222", "release (data present)", "commits 11111111, 22222222, 33333333 +2 more"],
    );
    assert.deepEqual(describeWaitingFor("state", event, facts({ missingObjects: oids.slice(0, 3) })), ["commits 11111111, 22222222, 33333333"]);
  });

  it("a state with no hosted repository waits for a maintainer's announcement", () => {
    assert.deepEqual(describeWaitingFor("state", repositoryState(owner, "repo"), facts()), ["a maintainer's announcement for its d"]);
  });

  it("a PR or PR update waits for refs/nostr/<id> at its tip", () => {
    const tip = "c".repeat(40);
    for (const [type, kind] of [["pull-request", kinds.GitPullRequest], ["pull-request-update", kinds.GitPullRequestUpdate]] as const) {
      const event = other.sign({ kind, tags: [["a", announcementCoordinate(owner, "repo")], ["c", tip]] });
      assert.deepEqual(describeWaitingFor(type, event, facts({ missingObjects: [tip] })), [`refs/nostr/${event.id.slice(0, 8)} at cccccccc`]);
    }
  });

  it("other events wait for nothing it can name", () => {
    assert.deepEqual(describeWaitingFor("other", other.sign({ kind: kinds.Comment }), facts({})), []);
  });
});
