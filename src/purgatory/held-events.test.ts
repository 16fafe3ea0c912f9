import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import type { NostrEvent } from "nostr-tools";
import { announcement, announcementCoordinate, newAuthor, nextCreatedAt, repositoryState } from "../nostr/event-fixtures.js";
import type { TestAuthor } from "../nostr/event-fixtures.js";
import type { Db } from "./database.js";
import { repositoryIdentifierOf as heldIdentifierOf } from "../nostr/nip34.js";
import { purgatory } from "./held-events.js";
import type { Placeholder, Purgatory } from "./held-events.js";
import { historyOf } from "./inspection.js";
import { migrate } from "./database.js";
import { migrations } from "./migrations.js";
import { storeFixture } from "./store-fixture.js";

const stores = storeFixture("held");
function freshStore(): { store: Purgatory; db: Db; path: string } {
  const { db, path } = stores.fresh();
  return { store: purgatory(db), db, path };
}

function reopen(path: string): { store: Purgatory; db: Db } {
  const db = stores.open(path);
  return { store: purgatory(db), db };
}

const ttl = 1800;
const tip = "c".repeat(40);
const owner = newAuthor();

const pullRequest = (author: TestAuthor, identifier: string, extraTags: string[][] = [], kind: number = kinds.GitPullRequest, created_at?: number) =>
  author.sign({
    kind,
    tags: [["a", announcementCoordinate(owner, identifier)], ["c", tip], ...extraTags],
    ...(created_at === undefined ? {} : { created_at }),
  });

/** The event as it comes back from SQLite: its JSON fields (nostr-tools marks signed events with a symbol). */
const stored = (event: NostrEvent): NostrEvent => JSON.parse(JSON.stringify(event)) as NostrEvent;
const ids = (held: { event: NostrEvent }[]) => held.map(({ event }) => event.id);
const whats = (db: Db, id: string) => historyOf(db, id).map((record) => record.what);

describe("repositoryIdentifierOf (the d a held event is kept under)", () => {
  it("is the d of an announcement or a state, empty when it has none", () => {
    assert.equal(heldIdentifierOf(announcement(owner, "repo")), "repo");
    assert.equal(heldIdentifierOf(repositoryState(owner, "other")), "other");
    assert.equal(heldIdentifierOf(owner.sign({ kind: kinds.RepositoryState, tags: [] })), "");
    assert.equal(heldIdentifierOf(owner.sign({ kind: kinds.RepositoryAnnouncement, tags: [] })), "");
  });

  it("is the d of the first repository announcement a PR's a tags name", () => {
    const contributor = newAuthor();
    assert.equal(heldIdentifierOf(pullRequest(contributor, "repo")), "repo");
    assert.equal(heldIdentifierOf(pullRequest(contributor, "repo", [], kinds.GitPullRequestUpdate)), "repo");
    const afterOthers = contributor.sign({
      kind: kinds.GitPullRequest,
      tags: [["a", "not-a-coordinate"], ["a", `30023:${owner.pubkey}:article`], ["a", announcementCoordinate(owner, "second")], ["a", announcementCoordinate(owner, "third")]],
    });
    assert.equal(heldIdentifierOf(afterOthers), "second");
  });

  it("is undefined for an event that names no repository", () => {
    assert.equal(heldIdentifierOf(owner.sign({ kind: kinds.GitPullRequest, tags: [["c", tip]] })), undefined);
    assert.equal(heldIdentifierOf(owner.sign({ kind: kinds.ShortTextNote })), undefined);
  });
});

describe("purgatory", () => {
  it("starts empty", () => {
    const { store } = freshStore();
    assert.deepEqual(store.all(), []);
    assert.deepEqual(store.expired(Number.MAX_SAFE_INTEGER, 100), []);
    assert.deepEqual(store.allPlaceholders(), []);
    assert.equal(store.isHeld("0".repeat(64)), false);
    assert.equal(store.heldEvent("0".repeat(64)), undefined);
  });

  it("holds an event with its arrival and expiry, and gives it back as it came", () => {
    const { store, db } = freshStore();
    const event = repositoryState(owner, "repo", [["refs/tags/v1^{}", "b".repeat(40)]]);
    assert.equal(store.hold(event, 1000, ttl), true);
    assert.equal(store.isHeld(event.id), true);
    assert.deepEqual(store.heldEvent(event.id), { event: stored(event), arrivedAt: 1000, expiresAt: 1000 + ttl });
    assert.deepEqual(store.all(), [{ event: stored(event), arrivedAt: 1000, expiresAt: 1000 + ttl }]);
    assert.deepEqual(historyOf(db, event.id), [{ what: "held", at: 1000, detail: undefined }]);
  });

  it("holds an event once: a resubmission is a duplicate and does not extend the expiry", () => {
    const { store, db } = freshStore();
    const event = repositoryState(owner, "repo");
    assert.equal(store.hold(event, 1000, ttl), true);
    assert.equal(store.hold(event, 1500, ttl), false);
    assert.equal(store.hold(event, 1600, ttl * 10), false);
    assert.deepEqual(store.heldEvent(event.id), { event: stored(event), arrivedAt: 1000, expiresAt: 1000 + ttl });
    assert.equal(store.all().length, 1);
    assert.deepEqual(historyOf(db, event.id), [
      { what: "held", at: 1000, detail: undefined },
      { what: "duplicate", at: 1500, detail: undefined },
      { what: "duplicate", at: 1600, detail: undefined },
    ]);
  });

  it("finds held announcements, states and PRs by the d of their repository, oldest first (ties by id)", () => {
    const { store } = freshStore();
    const contributor = newAuthor();
    const base = nextCreatedAt() + 1000;
    const newestState = owner.sign({ kind: kinds.RepositoryState, tags: [["d", "repo"]], created_at: base + 3 });
    const hosted = announcement(owner, "repo", { created_at: base });
    const pr = pullRequest(contributor, "repo", [], kinds.GitPullRequest, base + 2);
    const [tieA, tieB] = [0, 1].map((n) => newAuthor().sign({ kind: kinds.RepositoryState, tags: [["d", "repo"], ["n", String(n)]], created_at: base + 1 }));
    const [lowTie, highTie] = tieA!.id < tieB!.id ? [tieA!, tieB!] : [tieB!, tieA!];
    const otherRepo = repositoryState(owner, "other");
    for (const event of [newestState, highTie, pr, otherRepo, hosted, lowTie]) store.hold(event, 100, ttl);

    assert.deepEqual(ids(store.heldWithIdentifier("repo")), [hosted.id, lowTie.id, highTie.id, pr.id, newestState.id]);
    assert.deepEqual(ids(store.heldWithIdentifier("other")), [otherRepo.id]);
    assert.deepEqual(store.heldWithIdentifier("Repo"), [], "identifiers are case-sensitive");
    assert.deepEqual(store.heldWithIdentifier("none"), []);
  });

  it("finds held replaceable events by their coordinate, oldest first", () => {
    const { store } = freshStore();
    const older = announcement(owner, "repo");
    const newer = announcement(owner, "repo");
    const otherAuthor = announcement(newAuthor(), "repo");
    const state = repositoryState(owner, "repo");
    for (const event of [newer, state, otherAuthor, older]) store.hold(event, 100, ttl);
    assert.deepEqual(ids(store.heldAtCoordinate(announcementCoordinate(owner, "repo"))), [older.id, newer.id]);
    assert.deepEqual(ids(store.heldAtCoordinate(`${kinds.RepositoryState}:${owner.pubkey}:repo`)), [state.id]);
    assert.deepEqual(store.heldAtCoordinate(announcementCoordinate(owner, "other")), []);
  });

  it("lists every held event, soonest expiry first", () => {
    const { store } = freshStore();
    const [late, early, middle] = [repositoryState(owner, "a"), repositoryState(owner, "b"), repositoryState(owner, "c")];
    store.hold(late, 300, ttl);
    store.hold(early, 100, ttl);
    store.hold(middle, 200, ttl);
    assert.deepEqual(ids(store.all()), [early.id, middle.id, late.id]);
  });

  it("reports as expired what expires at or before now", () => {
    const { store } = freshStore();
    const [first, second] = [repositoryState(owner, "a"), repositoryState(owner, "b")];
    store.hold(first, 100, 60);
    store.hold(second, 200, 60);
    assert.deepEqual(store.expired(159, 100), []);
    assert.deepEqual(ids(store.expired(160, 100)), [first.id]);
    assert.deepEqual(ids(store.expired(1000, 100)).sort(), [first.id, second.id].sort());
    assert.equal(store.isHeld(first.id), true, "reporting does not remove");
  });

  it("removes a held event once, recording why, and answers false the second time", () => {
    const { store, db } = freshStore();
    const event = pullRequest(newAuthor(), "repo");
    store.hold(event, 100, ttl);
    assert.equal(store.remove(event.id, "released", 150, "by a push"), true);
    assert.equal(store.isHeld(event.id), false);
    assert.equal(store.heldEvent(event.id), undefined);
    assert.deepEqual(store.heldWithIdentifier("repo"), []);
    assert.equal(store.remove(event.id, "expired", 160), false);
    assert.deepEqual(historyOf(db, event.id), [
      { what: "held", at: 100, detail: undefined },
      { what: "released", at: 150, detail: "by a push" },
    ]);
    const kindsRecorded = db.prepare("SELECT kind FROM purgatory_history WHERE entry_id = ? ORDER BY seq").all(event.id);
    assert.deepEqual(kindsRecorded, [{ kind: kinds.GitPullRequest }, { kind: kinds.GitPullRequest }]);
  });

  it("answers false when removing what was never held, recording nothing", () => {
    const { store, db } = freshStore();
    assert.equal(store.remove("0".repeat(64), "dropped", 1), false);
    assert.deepEqual(historyOf(db, "0".repeat(64)), []);
  });

  it("can hold an event again after it left (a resubmission after expiry)", () => {
    const { store, db } = freshStore();
    const event = repositoryState(owner, "repo");
    store.hold(event, 100, 60);
    store.remove(event.id, "expired", 160);
    assert.equal(store.hold(event, 500, 60), true);
    assert.deepEqual(store.heldEvent(event.id), { event: stored(event), arrivedAt: 500, expiresAt: 560 });
    assert.deepEqual(whats(db, event.id), ["held", "expired", "held"]);
  });

  it("extends expiry only forwards, and only for the ids named", () => {
    const { store } = freshStore();
    const [one, two, other] = [repositoryState(owner, "a"), repositoryState(owner, "b"), repositoryState(owner, "c")];
    for (const event of [one, two, other]) store.hold(event, 100, 60);
    store.extendUntil([one.id, two.id, "0".repeat(64)], 5000);
    assert.equal(store.heldEvent(one.id)?.expiresAt, 5000);
    assert.equal(store.heldEvent(two.id)?.expiresAt, 5000);
    assert.equal(store.heldEvent(other.id)?.expiresAt, 160);
    store.extendUntil([one.id], 1000);
    assert.equal(store.heldEvent(one.id)?.expiresAt, 5000, "an earlier time never shortens it");
    store.extendUntil([], 9000);
    assert.equal(store.heldEvent(two.id)?.expiresAt, 5000);
    assert.equal(store.heldEvent(one.id)?.arrivedAt, 100, "arrival is unchanged");
  });

  it("withdraws, for a kind 5 deletion, the author's own held events named by e id or by a coordinate up to its created_at", () => {
    const { db, store } = freshStore();
    const stranger = newAuthor();
    const named = repositoryState(owner, "by-id");
    const atCoordinate = repositoryState(owner, "by-coordinate");
    const strangers = repositoryState(stranger, "by-id");
    const tooNew = announcement(owner, "later");
    for (const event of [named, atCoordinate, strangers, tooNew]) store.hold(event, 100, ttl);
    const deletion = owner.sign({
      kind: kinds.EventDeletion,
      created_at: tooNew.created_at - 1,
      tags: [
        ["e", named.id],
        ["e", strangers.id],
        ["a", `${kinds.RepositoryState}:${owner.pubkey}:by-coordinate`],
        ["a", announcementCoordinate(owner, "later")],
        ["e", "not hex"],
        ["a", "30617:bad"],
      ],
    });
    const withdrawn = store.withdraw(deletion, 200);
    assert.deepEqual(withdrawn.map(({ id }) => id).sort(), [named.id, atCoordinate.id].sort());
    assert.deepEqual(withdrawn.map(({ kind }) => kind), [kinds.RepositoryState, kinds.RepositoryState]);
    assert.equal(store.isHeld(strangers.id), true, "another author's event stays");
    assert.equal(store.isHeld(tooNew.id), true, "an event newer than the deletion stays");
    assert.deepEqual(whats(db, named.id), ["held", "deleted"]);
    assert.deepEqual(store.withdraw(deletion, 300), [], "a repeated deletion withdraws nothing more");
  });

  describe("placeholders", () => {
    const eventId = "e".repeat(64);
    const placeholder = (repository: string, arrivedAt = 100, expiresAt = 160): Placeholder => ({ eventId, repository, tip, arrivedAt, expiresAt });

    it("are added once per event id and repository, recording their arrival; a later push moves the tip, not the expiry", () => {
      const { store, db } = freshStore();
      assert.equal(store.addPlaceholder(placeholder("npub1a/repo.git")), true);
      assert.equal(store.addPlaceholder({ ...placeholder("npub1a/repo.git", 200, 900), tip: "d".repeat(40) }), false);
      assert.deepEqual(store.placeholder(eventId, "npub1a/repo.git"), { ...placeholder("npub1a/repo.git"), tip: "d".repeat(40) }, "it follows its ref");
      assert.equal(store.placeholderCount("npub1a/repo.git"), 1);
      assert.equal(store.addPlaceholder(placeholder("npub1b/repo.git", 110, 170)), true);
      assert.deepEqual(store.placeholdersFor(eventId).map((found) => found.repository).sort(), ["npub1a/repo.git", "npub1b/repo.git"]);
      assert.deepEqual(historyOf(db, eventId), [
        { what: "placeholder", at: 100, detail: "npub1a/repo.git" },
        { what: "placeholder", at: 110, detail: "npub1b/repo.git" },
      ]);
    });

    it("are found by event id and repository, not across them", () => {
      const { store } = freshStore();
      store.addPlaceholder(placeholder("npub1a/repo.git"));
      assert.equal(store.placeholder(eventId, "npub1b/repo.git"), undefined);
      assert.equal(store.placeholder("f".repeat(64), "npub1a/repo.git"), undefined);
      assert.deepEqual(store.placeholdersFor("f".repeat(64)), []);
      assert.equal(store.isHeld(eventId), false, "a placeholder is not a held event");
    });

    it("are removed once, recording why", () => {
      const { store, db } = freshStore();
      store.addPlaceholder(placeholder("npub1a/repo.git"));
      assert.equal(store.removePlaceholder(eventId, "npub1a/repo.git", "released", 130), true);
      assert.equal(store.removePlaceholder(eventId, "npub1a/repo.git", "expired", 140), false);
      assert.equal(store.placeholder(eventId, "npub1a/repo.git"), undefined);
      assert.deepEqual(whats(db, eventId), ["placeholder", "released"]);
      assert.deepEqual(historyOf(db, eventId)[1], { what: "released", at: 130, detail: "npub1a/repo.git" });
    });

    it("expire at or before now, and are listed soonest first", () => {
      const { store } = freshStore();
      store.addPlaceholder(placeholder("npub1late/repo.git", 100, 300));
      store.addPlaceholder(placeholder("npub1early/repo.git", 100, 200));
      assert.deepEqual(store.expiredPlaceholders(199, 100), []);
      assert.deepEqual(store.expiredPlaceholders(200, 100).map((found) => found.repository), ["npub1early/repo.git"]);
      assert.deepEqual(store.allPlaceholders().map((found) => found.repository), ["npub1early/repo.git", "npub1late/repo.git"]);
    });
  });

  it("records history for any entry through record()", () => {
    const { store, db } = freshStore();
    store.record("1".repeat(64), undefined, "dropped", 42, "operator");
    store.record("1".repeat(64), kinds.RepositoryState, "deleted", 43);
    assert.deepEqual(historyOf(db, "1".repeat(64)), [
      { what: "dropped", at: 42, detail: "operator" },
      { what: "deleted", at: 43, detail: undefined },
    ]);
  });

  it("survives closing and reopening the same file", () => {
    const { store, db, path } = freshStore();
    const event = pullRequest(newAuthor(), "repo");
    store.hold(event, 100, ttl);
    store.extendUntil([event.id], 9999);
    store.addPlaceholder({ eventId: "e".repeat(64), repository: "npub1a/repo.git", tip, arrivedAt: 100, expiresAt: 160 });
    db.close();

    const again = reopen(path);
    assert.deepEqual(again.store.heldEvent(event.id), { event: stored(event), arrivedAt: 100, expiresAt: 9999 });
    assert.deepEqual(ids(again.store.heldWithIdentifier("repo")), [event.id]);
    assert.equal(again.store.placeholder("e".repeat(64), "npub1a/repo.git")?.tip, tip);
    assert.equal(again.store.hold(event, 200, ttl), false, "still a duplicate after a restart");
    assert.deepEqual(whats(again.db, event.id), ["held", "duplicate"]);
  });

  it("is shared by two connections to one file (the policy holds, the hook reads)", () => {
    const { store, path } = freshStore();
    const hook = reopen(path).store;
    const event = repositoryState(owner, "repo");
    store.hold(event, 100, ttl);
    assert.equal(hook.isHeld(event.id), true);
    assert.equal(hook.remove(event.id, "released", 110), true);
    assert.equal(store.isHeld(event.id), false);
  });
});

describe("held counts (kept by the store's triggers)", () => {
  it("count per author and per identifier as events are held and leave, up to the limit asked", () => {
    const { store } = freshStore();
    const [alice, bob] = [newAuthor(), newAuthor()];
    const states = [repositoryState(alice, "one"), repositoryState(alice, "two"), repositoryState(bob, "one")];
    for (const state of states) store.hold(state, 1000, ttl);
    store.hold(states[0]!, 1001, ttl); // a resend counts once
    assert.equal(store.heldCountByAuthor(alice.pubkey, 100), 2);
    assert.equal(store.heldCountByAuthor(alice.pubkey, 1), 1, "counted up to the limit asked");
    assert.equal(store.heldCountByAuthor(bob.pubkey, 100), 1);
    assert.equal(store.heldCountWithIdentifier("one", 100), 2);
    assert.equal(store.heldCountWithIdentifier("two", 100), 1);
    store.remove(states[0]!.id, "released", 1002);
    assert.equal(store.heldCountByAuthor(alice.pubkey, 100), 1);
    assert.equal(store.heldCountWithIdentifier("one", 100), 1);
    store.remove(states[2]!.id, "expired", 1003);
    assert.equal(store.heldCountByAuthor(bob.pubkey, 100), 0);
    assert.equal(store.heldCountWithIdentifier("one", 100), 0);
  });

  it("are filled from the held events when an older store is migrated", () => {
    const path = stores.freshPath();
    const db = stores.open(path, { migrate: false });
    db.exec(migrations.slice(0, 3).join("\n"));
    db.pragma("user_version = 3");
    const alice = newAuthor();
    const insert = db.prepare(
      "INSERT INTO held_events (id, kind, pubkey, created_at, identifier, coordinate, tip, event_json, arrived_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, 1000, 2800)",
    );
    for (const identifier of ["one", "one", "two"]) {
      const state = repositoryState(alice, identifier);
      insert.run(state.id, state.kind, state.pubkey, state.created_at, identifier, announcementCoordinate(alice, identifier).replace("30617", "30618"), JSON.stringify(state));
    }
    migrate(db);
    const store = purgatory(db);
    assert.equal(store.heldCountByAuthor(alice.pubkey, 100), 3);
    assert.equal(store.heldCountWithIdentifier("one", 100), 2);
    assert.equal(store.heldCountWithIdentifier("two", 100), 1);
  });
});
