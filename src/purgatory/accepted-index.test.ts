import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import type { NostrEvent } from "nostr-tools";
import { announcement, announcementCoordinate, newAuthor, nextCreatedAt, repositoryState } from "../nostr/event-fixtures.js";
import type { TestAuthor } from "../nostr/event-fixtures.js";
import { acceptedIndex } from "./accepted-index.js";
import type { AcceptedIndex } from "./accepted-index.js";
import type { Db } from "./database.js";
import { storeFixture } from "./store-fixture.js";

const stores = storeFixture("index");
function freshIndex(): { index: AcceptedIndex; db: Db; path: string } {
  const { db, path } = stores.fresh();
  return { index: acceptedIndex(db), db, path };
}

function reopen(path: string): { index: AcceptedIndex; db: Db } {
  const db = stores.open(path);
  return { index: acceptedIndex(db), db };
}

/** Two events at the same coordinate and created_at, ordered so that `low.id < high.id`. */
function tiedPair(sign: (createdAt: number) => NostrEvent): { low: NostrEvent; high: NostrEvent } {
  const createdAt = nextCreatedAt();
  let a = sign(createdAt);
  let b = sign(createdAt);
  while (a.id === b.id) b = sign(createdAt);
  if (a.id > b.id) [a, b] = [b, a];
  return { low: a, high: b };
}

const deletion = (author: TestAuthor, tags: string[][], created_at?: number) =>
  author.sign({ kind: kinds.EventDeletion, tags, ...(created_at === undefined ? {} : { created_at }) });

describe("acceptedIndex", () => {
  it("starts empty", () => {
    const { index } = freshIndex();
    assert.equal(index.view.announcement("0".repeat(64), "repo"), undefined);
    assert.deepEqual(index.view.announcementsWithIdentifier("repo"), []);
    assert.equal(index.view.isAcceptedEvent("0".repeat(64)), false);
    assert.equal(index.view.isAcceptedCoordinate(`30617:${"0".repeat(64)}:repo`), false);
    assert.equal(index.view.isReferencedByAccepted("0".repeat(64)), false);
  });

  it("records an event: its id, and the ids and coordinates it references", () => {
    const { index } = freshIndex();
    const author = newAuthor();
    const target = "9".repeat(64);
    const coordinate = announcementCoordinate(author, "repo");
    const note = author.sign({ kind: kinds.Comment, tags: [["E", target], ["a", coordinate], ["p", author.pubkey], ["e", "bad"]] });
    assert.equal(index.recordStored(note), true);
    assert.equal(index.view.isAcceptedEvent(note.id), true);
    assert.equal(index.view.isReferencedByAccepted(target), true);
    assert.equal(index.view.isReferencedByAccepted(coordinate), true);
    assert.equal(index.view.isReferencedByAccepted(author.pubkey), false, "p tags are not references");
    assert.equal(index.view.isReferencedByAccepted("bad"), false);
    assert.equal(index.view.isAcceptedCoordinate(coordinate), false, "a regular event has no coordinate");
    assert.equal(index.recordStored(note), true, "recording twice is harmless");
  });

  it("records an announcement with its maintainers and whether it lists this service", () => {
    const { index } = freshIndex();
    const owner = newAuthor();
    const maintainer = newAuthor();
    const hosted = announcement(owner, "repo", { maintainers: [maintainer.pubkey, "not-a-pubkey", maintainer.pubkey] });
    const elsewhere = announcement(maintainer, "repo", { clone: ["https://github.com/x/y.git"] });
    assert.equal(index.recordStored(hosted, { listsService: true }), true);
    assert.equal(index.recordStored(elsewhere), true);

    assert.deepEqual(index.view.announcement(owner.pubkey, "repo"), {
      id: hosted.id,
      owner: owner.pubkey,
      identifier: "repo",
      createdAt: hosted.created_at,
      maintainers: [maintainer.pubkey],
      listsService: true,
    });
    assert.equal(index.view.announcement(maintainer.pubkey, "repo")?.listsService, false);
    assert.deepEqual(index.view.announcementsWithIdentifier("repo").map((known) => known.id).sort(), [hosted.id, elsewhere.id].sort());
    assert.deepEqual(index.view.announcementsWithIdentifier("other"), []);
    assert.equal(index.view.announcement(owner.pubkey, "other"), undefined);
    assert.equal(index.view.isAcceptedCoordinate(announcementCoordinate(owner, "repo")), true);
    assert.equal(index.view.isAcceptedEvent(hosted.id), true);
  });

  it("keeps identifiers exactly as written (case, unicode, colons)", () => {
    const { index } = freshIndex();
    const owner = newAuthor();
    for (const d of ["Repo", "repo", "dépôt", "a:b"]) index.recordStored(announcement(owner, d), { listsService: true });
    assert.equal(index.view.announcementsWithIdentifier("Repo").length, 1);
    assert.equal(index.view.announcementsWithIdentifier("dépôt").length, 1);
    assert.equal(index.view.isAcceptedCoordinate(`30617:${owner.pubkey}:a:b`), true);
  });

  describe("replaceable and addressable events", () => {
    it("a newer announcement replaces the older one, maintainers and all", () => {
      const { index } = freshIndex();
      const owner = newAuthor();
      const old = announcement(owner, "repo", { maintainers: [newAuthor().pubkey] });
      const newer = announcement(owner, "repo", { clone: [] });
      index.recordStored(old, { listsService: true });
      assert.equal(index.recordStored(newer, { listsService: false }), true);
      assert.deepEqual(index.view.announcement(owner.pubkey, "repo"), {
        id: newer.id,
        owner: owner.pubkey,
        identifier: "repo",
        createdAt: newer.created_at,
        maintainers: [],
        listsService: false,
      });
      assert.equal(index.view.isAcceptedEvent(old.id), false);
      assert.equal(index.view.isAcceptedEvent(newer.id), true);
      assert.equal(index.view.announcementsWithIdentifier("repo").length, 1);
    });

    it("an older announcement never replaces a newer one, and says so by returning false", () => {
      const { index } = freshIndex();
      const owner = newAuthor();
      const old = announcement(owner, "repo");
      const newer = announcement(owner, "repo", { maintainers: [newAuthor().pubkey] });
      index.recordStored(newer, { listsService: true });
      assert.equal(index.recordStored(old, { listsService: true }), false);
      assert.equal(index.view.announcement(owner.pubkey, "repo")?.id, newer.id);
      assert.equal(index.view.isAcceptedEvent(old.id), false);
      assert.equal(index.recordStored(newer, { listsService: true }), true, "the current one again is fine");
    });

    it("a tie in created_at goes to the lower id, in either order of arrival", () => {
      const owner = newAuthor();
      const { low, high } = tiedPair((created_at) => announcement(owner, "repo", { created_at, extraTags: [["nonce", String(Math.random())]] }));

      const first = freshIndex().index;
      first.recordStored(high, { listsService: true });
      assert.equal(first.recordStored(low, { listsService: true }), true);
      assert.equal(first.view.announcement(owner.pubkey, "repo")?.id, low.id);
      assert.equal(first.view.isAcceptedEvent(high.id), false);

      const second = freshIndex().index;
      second.recordStored(low, { listsService: true });
      assert.equal(second.recordStored(high, { listsService: true }), false);
      assert.equal(second.view.announcement(owner.pubkey, "repo")?.id, low.id);
    });

    it("a replaced event's references go with it", () => {
      const { index } = freshIndex();
      const author = newAuthor();
      const target = "7".repeat(64);
      const old = author.sign({ kind: 30023, tags: [["d", "post"], ["e", target]] });
      const newer = author.sign({ kind: 30023, tags: [["d", "post"]] });
      index.recordStored(old);
      assert.equal(index.view.isReferencedByAccepted(target), true);
      index.recordStored(newer);
      assert.equal(index.view.isReferencedByAccepted(target), false);
      assert.equal(index.view.isAcceptedCoordinate(`30023:${author.pubkey}:post`), true);
    });

    it("replaceable kinds (10000-19999) replace at kind:pubkey: with an empty d", () => {
      const { index } = freshIndex();
      const author = newAuthor();
      const old = author.sign({ kind: kinds.UserGraspList, tags: [["g", "wss://a.example"]] });
      const newer = author.sign({ kind: kinds.UserGraspList, tags: [["g", "wss://b.example"]] });
      index.recordStored(newer);
      assert.equal(index.recordStored(old), false);
      assert.equal(index.view.isAcceptedCoordinate(`10317:${author.pubkey}:`), true);
      assert.equal(index.view.isAcceptedEvent(newer.id), true);
    });

    it("different authors and different d do not replace each other", () => {
      const { index } = freshIndex();
      const [a, b] = [newAuthor(), newAuthor()];
      const events = [announcement(a, "repo"), announcement(b, "repo"), announcement(a, "other")];
      for (const event of events) assert.equal(index.recordStored(event, { listsService: true }), true);
      for (const event of events) assert.equal(index.view.isAcceptedEvent(event.id), true);
    });
  });

  describe("kind 5 deletions", () => {
    it("remove the author's own event named by e, with its references", () => {
      const { index } = freshIndex();
      const author = newAuthor();
      const target = "8".repeat(64);
      const note = author.sign({ kind: kinds.Comment, tags: [["e", target]] });
      index.recordStored(note);
      index.applyDeletion(deletion(author, [["e", note.id]]));
      assert.equal(index.view.isAcceptedEvent(note.id), false);
      assert.equal(index.view.isReferencedByAccepted(target), false);
    });

    it("remove the author's own announcement named by e", () => {
      const { index } = freshIndex();
      const owner = newAuthor();
      const hosted = announcement(owner, "repo");
      index.recordStored(hosted, { listsService: true });
      index.applyDeletion(deletion(owner, [["e", hosted.id]]));
      assert.equal(index.view.announcement(owner.pubkey, "repo"), undefined);
      assert.equal(index.view.isAcceptedCoordinate(announcementCoordinate(owner, "repo")), false);
    });

    it("remove the author's announcement named by a, when it is not newer than the deletion", () => {
      const { index } = freshIndex();
      const owner = newAuthor();
      const hosted = announcement(owner, "repo");
      index.recordStored(hosted, { listsService: true });
      index.applyDeletion(deletion(owner, [["a", announcementCoordinate(owner, "repo")]], hosted.created_at));
      assert.equal(index.view.announcement(owner.pubkey, "repo"), undefined);
      assert.equal(index.view.isAcceptedEvent(hosted.id), false);
      assert.equal(index.view.isAcceptedCoordinate(announcementCoordinate(owner, "repo")), false);
    });

    it("keep an announcement named by a that is newer than the deletion", () => {
      const { index } = freshIndex();
      const owner = newAuthor();
      const hosted = announcement(owner, "repo");
      index.recordStored(hosted, { listsService: true });
      index.applyDeletion(deletion(owner, [["a", announcementCoordinate(owner, "repo")]], hosted.created_at - 1));
      assert.equal(index.view.announcement(owner.pubkey, "repo")?.id, hosted.id);
      assert.equal(index.view.isAcceptedEvent(hosted.id), true);
    });

    it("remove other addressable events named by a", () => {
      const { index } = freshIndex();
      const author = newAuthor();
      const article = author.sign({ kind: 30023, tags: [["d", "post"]] });
      index.recordStored(article);
      index.applyDeletion(deletion(author, [["a", `30023:${author.pubkey}:post`]]));
      assert.equal(index.view.isAcceptedEvent(article.id), false);
    });

    it("never remove another author's events, by e or by a", () => {
      const { index } = freshIndex();
      const owner = newAuthor();
      const attacker = newAuthor();
      const hosted = announcement(owner, "repo");
      const note = owner.sign({ kind: kinds.Comment, tags: [["a", announcementCoordinate(owner, "repo")]] });
      index.recordStored(hosted, { listsService: true });
      index.recordStored(note);
      index.applyDeletion(deletion(attacker, [["e", hosted.id], ["e", note.id], ["a", announcementCoordinate(owner, "repo")]]));
      assert.equal(index.view.announcement(owner.pubkey, "repo")?.id, hosted.id);
      assert.equal(index.view.isAcceptedEvent(hosted.id), true);
      assert.equal(index.view.isAcceptedEvent(note.id), true);
      assert.equal(index.view.isAcceptedCoordinate(announcementCoordinate(owner, "repo")), true);
    });

    it("ignore malformed and unknown targets without failing", () => {
      const { index } = freshIndex();
      const author = newAuthor();
      const note = author.sign({ kind: kinds.Comment });
      index.recordStored(note);
      assert.doesNotThrow(() =>
        index.applyDeletion(deletion(author, [["e"], ["a"], ["e", "nothex"], ["a", "30617:bad:x"], ["e", "0".repeat(64)], ["k", "1"]])),
      );
      assert.equal(index.view.isAcceptedEvent(note.id), true);
    });

    it("remove only the events they name", () => {
      const { index } = freshIndex();
      const author = newAuthor();
      const [one, two] = [author.sign({ kind: kinds.Comment, content: "1" }), author.sign({ kind: kinds.Comment, content: "2" })];
      index.recordStored(one);
      index.recordStored(two);
      index.applyDeletion(deletion(author, [["e", one.id]]));
      assert.equal(index.view.isAcceptedEvent(one.id), false);
      assert.equal(index.view.isAcceptedEvent(two.id), true);
    });
  });

  it("survives closing and reopening the same file", () => {
    const { index, db, path } = freshIndex();
    const owner = newAuthor();
    const maintainer = newAuthor();
    const hosted = announcement(owner, "repo", { maintainers: [maintainer.pubkey] });
    const note = owner.sign({ kind: kinds.Comment, tags: [["a", announcementCoordinate(owner, "repo")]] });
    index.recordStored(hosted, { listsService: true });
    index.recordStored(note);
    const before = index.view.announcement(owner.pubkey, "repo");
    db.close();

    const again = reopen(path).index;
    assert.deepEqual(again.view.announcement(owner.pubkey, "repo"), before);
    assert.equal(again.view.isAcceptedEvent(note.id), true);
    assert.equal(again.view.isReferencedByAccepted(announcementCoordinate(owner, "repo")), true);
    assert.equal(again.recordStored(announcement(owner, "repo", { created_at: hosted.created_at - 10 })), false);
  });

  it("is shared by two connections to one file (the policy and the hooks)", () => {
    const { index, path } = freshIndex();
    const other = reopen(path).index;
    const owner = newAuthor();
    const hosted = announcement(owner, "repo");
    index.recordStored(hosted, { listsService: true });
    assert.equal(other.view.announcement(owner.pubkey, "repo")?.id, hosted.id);
  });
});

// The provisional side: rows the policy answered accept for, before strfry is seen to store them.

const tip = "c".repeat(40);
const checkAt = 1000;

describe("acceptedIndex, provisional rows", () => {
  describe("recordProvisional", () => {
    it("is visible to the view at once: id, coordinate, references, announcement, state and PR tip", () => {
      const { index } = freshIndex();
      const owner = newAuthor();
      const maintainer = newAuthor();
      const hosted = announcement(owner, "repo", { maintainers: [maintainer.pubkey] });
      const state = repositoryState(owner, "repo");
      const pr = newAuthor().sign({ kind: kinds.GitPullRequest, tags: [["a", announcementCoordinate(owner, "repo")], ["c", tip]] });
      assert.equal(index.recordProvisional(hosted, checkAt, { listsService: true }), true);
      assert.equal(index.recordProvisional(state, checkAt), true);
      assert.equal(index.recordProvisional(pr, checkAt), true);

      assert.deepEqual(index.view.announcement(owner.pubkey, "repo"), {
        id: hosted.id,
        owner: owner.pubkey,
        identifier: "repo",
        createdAt: hosted.created_at,
        maintainers: [maintainer.pubkey],
        listsService: true,
      });
      assert.deepEqual(index.view.announcementsWithIdentifier("repo").map((known) => known.id), [hosted.id]);
      assert.equal(index.view.isAcceptedEvent(hosted.id), true);
      assert.equal(index.view.isAcceptedCoordinate(announcementCoordinate(owner, "repo")), true);
      assert.equal(index.view.isReferencedByAccepted(announcementCoordinate(owner, "repo")), true, "the PR's a tag");
      assert.deepEqual(index.view.latestAcceptedState(owner.pubkey, "repo"), { id: state.id, createdAt: state.created_at });
      assert.equal(index.latestAcceptedStateEvent(owner.pubkey, "repo")?.id, state.id);
      assert.equal(index.acceptedPullRequestTip(pr.id), tip);
      assert.equal(index.isIndexed(hosted.id), true);
      assert.equal(index.isStored(hosted.id), false);
      assert.deepEqual(index.counts(), { stored: 0, provisional: 3 });
    });

    it("recording it twice is harmless and keeps the first check time", () => {
      const { index } = freshIndex();
      const note = newAuthor().sign({ kind: kinds.Comment });
      assert.equal(index.recordProvisional(note, checkAt), true);
      assert.equal(index.recordProvisional(note, checkAt + 500), true);
      assert.deepEqual(index.dueForCheck(checkAt, 10), [note.id]);
      assert.deepEqual(index.counts(), { stored: 0, provisional: 1 });
    });

    it("of an event already stored keeps it stored", () => {
      const { index } = freshIndex();
      const note = newAuthor().sign({ kind: kinds.Comment });
      index.recordStored(note);
      assert.equal(index.recordProvisional(note, checkAt), true);
      assert.equal(index.isStored(note.id), true);
      assert.deepEqual(index.dueForCheck(Number.MAX_SAFE_INTEGER, 10), []);
    });

    it("is refused (false) when a stored newer event holds the coordinate, and records nothing", () => {
      const { index } = freshIndex();
      const owner = newAuthor();
      const old = announcement(owner, "repo");
      const newer = announcement(owner, "repo");
      index.recordStored(newer, { listsService: true });
      assert.equal(index.recordProvisional(old, checkAt, { listsService: true }), false);
      assert.equal(index.isIndexed(old.id), false);
      assert.equal(index.view.announcement(owner.pubkey, "repo")?.id, newer.id);
      assert.deepEqual(index.dueForCheck(Number.MAX_SAFE_INTEGER, 10), []);
      assert.deepEqual(index.counts(), { stored: 1, provisional: 0 });
    });

    it("is refused on a created_at tie with a stored event of lower id, accepted against one of higher id", () => {
      const owner = newAuthor();
      const { low, high } = tiedPair((created_at) => announcement(owner, "repo", { created_at, extraTags: [["nonce", String(Math.random())]] }));

      const lowStored = freshIndex().index;
      lowStored.recordStored(low, { listsService: true });
      assert.equal(lowStored.recordProvisional(high, checkAt, { listsService: true }), false);

      const highStored = freshIndex().index;
      highStored.recordStored(high, { listsService: true });
      assert.equal(highStored.recordProvisional(low, checkAt, { listsService: true }), true);
      assert.equal(highStored.view.announcement(owner.pubkey, "repo")?.id, low.id);
    });

    it("is not refused by a provisional newer event: both wait for strfry, readers take the newest", () => {
      const { index } = freshIndex();
      const owner = newAuthor();
      const old = announcement(owner, "repo");
      const newer = announcement(owner, "repo");
      index.recordProvisional(newer, checkAt, { listsService: true });
      assert.equal(index.recordProvisional(old, checkAt, { listsService: true }), true);
      assert.equal(index.view.announcement(owner.pubkey, "repo")?.id, newer.id);
      assert.deepEqual(index.counts(), { stored: 0, provisional: 2 });
    });

    it("a newer provisional announcement shows beside the older stored one, which comes back when it is forgotten", () => {
      const { index } = freshIndex();
      const owner = newAuthor();
      const maintainer = newAuthor();
      const old = announcement(owner, "repo", { maintainers: [maintainer.pubkey] });
      const newer = announcement(owner, "repo");
      index.recordStored(old, { listsService: true });
      assert.equal(index.recordProvisional(newer, checkAt, { listsService: true }), true);

      assert.equal(index.view.announcement(owner.pubkey, "repo")?.id, newer.id);
      assert.deepEqual(index.view.announcementsWithIdentifier("repo").map((known) => known.id), [newer.id], "the newest per owner");
      assert.equal(index.view.isAcceptedEvent(old.id), true, "the stored one stays until strfry stores the newer one");
      assert.equal(index.isStored(old.id), true);
      assert.deepEqual(index.counts(), { stored: 1, provisional: 1 });

      index.forget(newer.id);
      assert.deepEqual(index.view.announcement(owner.pubkey, "repo")?.maintainers, [maintainer.pubkey]);
      assert.equal(index.view.announcement(owner.pubkey, "repo")?.id, old.id);
      assert.deepEqual(index.view.announcementsWithIdentifier("repo").map((known) => known.id), [old.id]);
      assert.equal(index.view.isAcceptedEvent(newer.id), false);
      assert.deepEqual(index.counts(), { stored: 1, provisional: 0 });
    });

    it("a newer provisional state shows beside the older stored one, which comes back when it is forgotten", () => {
      const { index } = freshIndex();
      const owner = newAuthor();
      const old = repositoryState(owner, "repo");
      const newer = repositoryState(owner, "repo", [["refs/heads/next", tip]]);
      index.recordStored(old);
      index.recordProvisional(newer, checkAt);
      assert.equal(index.view.latestAcceptedState(owner.pubkey, "repo")?.id, newer.id);
      assert.equal(index.latestAcceptedStateEvent(owner.pubkey, "repo")?.id, newer.id);
      index.forget(newer.id);
      assert.equal(index.view.latestAcceptedState(owner.pubkey, "repo")?.id, old.id);
      assert.deepEqual(index.latestAcceptedStateEvent(owner.pubkey, "repo"), JSON.parse(JSON.stringify(old)));
    });
  });

  describe("dueForCheck and postponeCheck", () => {
    it("lists provisional ids whose check time has come, soonest first, at most `limit`", () => {
      const { index } = freshIndex();
      const author = newAuthor();
      const [late, soon, middle, future] = [1300, 1100, 1200, 5000].map((at) => {
        const note = author.sign({ kind: kinds.Comment, content: String(at) });
        index.recordProvisional(note, at);
        return note;
      });
      index.recordStored(author.sign({ kind: kinds.Comment, content: "stored" }));
      assert.deepEqual(index.dueForCheck(1099, 10), []);
      assert.deepEqual(index.dueForCheck(1100, 10), [soon!.id]);
      assert.deepEqual(index.dueForCheck(1300, 10), [soon!.id, middle!.id, late!.id]);
      assert.deepEqual(index.dueForCheck(1300, 2), [soon!.id, middle!.id]);
      assert.deepEqual(index.dueForCheck(Number.MAX_SAFE_INTEGER, 10), [soon!.id, middle!.id, late!.id, future!.id], "stored rows are never due");
    });

    it("postponeCheck moves the check of provisional rows and leaves the others", () => {
      const { index } = freshIndex();
      const author = newAuthor();
      const [one, two] = [1, 2].map((n) => author.sign({ kind: kinds.Comment, content: String(n) }));
      const stored = author.sign({ kind: kinds.Comment, content: "stored" });
      index.recordProvisional(one!, 1000);
      index.recordProvisional(two!, 1000);
      index.recordStored(stored);
      index.postponeCheck([one!.id, stored.id, "0".repeat(64)], 3000);
      assert.deepEqual(index.dueForCheck(2999, 10), [two!.id]);
      assert.deepEqual(index.dueForCheck(3000, 10), [two!.id, one!.id]);
      assert.equal(index.isStored(stored.id), true);
      assert.deepEqual(index.dueForCheck(Number.MAX_SAFE_INTEGER, 10).includes(stored.id), false, "postponing a stored row does not make it provisional");
      index.postponeCheck([], 9000);
      assert.deepEqual(index.dueForCheck(3000, 10), [two!.id, one!.id]);
    });
  });

  describe("forget", () => {
    it("removes a provisional row with everything it brought: references, announcement, state, PR tip", () => {
      const { index } = freshIndex();
      const owner = newAuthor();
      const hosted = announcement(owner, "repo");
      const state = repositoryState(owner, "repo");
      const pr = newAuthor().sign({ kind: kinds.GitPullRequest, tags: [["a", announcementCoordinate(owner, "repo")], ["c", tip]] });
      for (const event of [hosted, state, pr]) index.recordProvisional(event, checkAt, { listsService: true });
      for (const event of [hosted, state, pr]) index.forget(event.id);

      assert.equal(index.view.announcement(owner.pubkey, "repo"), undefined);
      assert.deepEqual(index.view.announcementsWithIdentifier("repo"), []);
      assert.equal(index.view.isAcceptedCoordinate(announcementCoordinate(owner, "repo")), false);
      assert.equal(index.view.isReferencedByAccepted(announcementCoordinate(owner, "repo")), false);
      assert.equal(index.view.latestAcceptedState(owner.pubkey, "repo"), undefined);
      assert.equal(index.acceptedPullRequestTip(pr.id), undefined);
      for (const event of [hosted, state, pr]) assert.equal(index.isIndexed(event.id), false);
      assert.deepEqual(index.dueForCheck(Number.MAX_SAFE_INTEGER, 10), []);
      assert.deepEqual(index.counts(), { stored: 0, provisional: 0 });
    });

    it("removes a stored row too (a deletion), and an unknown id is harmless", () => {
      const { index } = freshIndex();
      const note = newAuthor().sign({ kind: kinds.Comment });
      index.recordStored(note);
      index.forget(note.id);
      assert.equal(index.isIndexed(note.id), false);
      assert.doesNotThrow(() => index.forget("0".repeat(64)));
    });

    it("a forgotten event may be recorded again", () => {
      const { index } = freshIndex();
      const owner = newAuthor();
      const hosted = announcement(owner, "repo");
      index.recordProvisional(hosted, checkAt, { listsService: true });
      index.forget(hosted.id);
      assert.equal(index.recordProvisional(hosted, checkAt, { listsService: true }), true);
      assert.equal(index.view.announcement(owner.pubkey, "repo")?.id, hosted.id);
    });
  });

  describe("recordStored of a provisional row", () => {
    it("marks it stored: no longer due for a check, counted as stored", () => {
      const { index } = freshIndex();
      const owner = newAuthor();
      const hosted = announcement(owner, "repo");
      index.recordProvisional(hosted, checkAt, { listsService: true });
      assert.equal(index.recordStored(hosted, { listsService: true }), true);
      assert.equal(index.isStored(hosted.id), true);
      assert.equal(index.isIndexed(hosted.id), true);
      assert.deepEqual(index.dueForCheck(Number.MAX_SAFE_INTEGER, 10), []);
      assert.deepEqual(index.counts(), { stored: 1, provisional: 0 });
      assert.equal(index.view.announcement(owner.pubkey, "repo")?.listsService, true);
    });

    it("removes the older rows at its coordinate, stored or provisional", () => {
      const { index } = freshIndex();
      const owner = newAuthor();
      const oldest = announcement(owner, "repo");
      const older = announcement(owner, "repo");
      const newest = announcement(owner, "repo");
      const otherRepo = announcement(owner, "other", { created_at: oldest.created_at - 10 });
      index.recordStored(oldest, { listsService: true });
      index.recordProvisional(older, checkAt, { listsService: true });
      index.recordProvisional(newest, checkAt, { listsService: true });
      index.recordStored(otherRepo, { listsService: true });
      assert.deepEqual(index.counts(), { stored: 2, provisional: 2 });

      assert.equal(index.recordStored(newest, { listsService: true }), true);
      assert.equal(index.isIndexed(oldest.id), false);
      assert.equal(index.isIndexed(older.id), false);
      assert.equal(index.isStored(newest.id), true);
      assert.equal(index.isStored(otherRepo.id), true, "another coordinate is untouched");
      assert.deepEqual(index.view.announcementsWithIdentifier("repo").map((known) => known.id), [newest.id]);
      assert.deepEqual(index.dueForCheck(Number.MAX_SAFE_INTEGER, 10), []);
      assert.deepEqual(index.counts(), { stored: 2, provisional: 0 });
    });

    it("keeps a newer provisional row at its coordinate (strfry has not stored that one yet)", () => {
      const { index } = freshIndex();
      const owner = newAuthor();
      const old = announcement(owner, "repo");
      const newer = announcement(owner, "repo");
      index.recordProvisional(newer, checkAt, { listsService: true });
      assert.equal(index.recordStored(old, { listsService: true }), true);
      assert.equal(index.isStored(old.id), true);
      assert.equal(index.isIndexed(newer.id), true);
      assert.equal(index.view.announcement(owner.pubkey, "repo")?.id, newer.id);
      index.forget(newer.id);
      assert.equal(index.view.announcement(owner.pubkey, "repo")?.id, old.id);
    });

    it("of a provisional row replaced meanwhile by a stored newer one: false, and the row goes", () => {
      const { index } = freshIndex();
      const owner = newAuthor();
      const old = announcement(owner, "repo");
      const newer = announcement(owner, "repo");
      index.recordProvisional(old, checkAt, { listsService: true });
      index.recordStored(newer, { listsService: true });
      assert.equal(index.isIndexed(old.id), false, "storing the newer one removed the older provisional row");
      assert.equal(index.recordStored(old, { listsService: true }), false);
      assert.equal(index.isIndexed(old.id), false);
      assert.equal(index.view.announcement(owner.pubkey, "repo")?.id, newer.id);
    });
  });

  describe("isStored and isIndexed", () => {
    it("tell an unknown id, a provisional row and a stored row apart", () => {
      const { index } = freshIndex();
      const author = newAuthor();
      const provisional = author.sign({ kind: kinds.Comment, content: "p" });
      const stored = author.sign({ kind: kinds.Comment, content: "s" });
      index.recordProvisional(provisional, checkAt);
      index.recordStored(stored);
      assert.deepEqual([index.isIndexed("0".repeat(64)), index.isStored("0".repeat(64))], [false, false]);
      assert.deepEqual([index.isIndexed(provisional.id), index.isStored(provisional.id)], [true, false]);
      assert.deepEqual([index.isIndexed(stored.id), index.isStored(stored.id)], [true, true]);
    });
  });

  describe("storedIds", () => {
    it("lists stored ids of the given kinds, or of every kind when none are given; never provisional ones", () => {
      const { index } = freshIndex();
      const owner = newAuthor();
      const hosted = announcement(owner, "repo");
      const state = repositoryState(owner, "repo");
      const note = owner.sign({ kind: kinds.Comment });
      const provisionalAnnouncement = announcement(owner, "other");
      const provisionalNote = owner.sign({ kind: kinds.Comment, content: "waiting" });
      index.recordStored(hosted, { listsService: true });
      index.recordStored(state);
      index.recordStored(note);
      index.recordProvisional(provisionalAnnouncement, checkAt, { listsService: true });
      index.recordProvisional(provisionalNote, checkAt);

      const sorted = (ids: string[]) => [...ids].sort();
      assert.deepEqual(sorted(index.storedIds([kinds.RepositoryAnnouncement])), [hosted.id]);
      assert.deepEqual(sorted(index.storedIds([kinds.RepositoryAnnouncement, kinds.RepositoryState])), sorted([hosted.id, state.id]));
      assert.deepEqual(sorted(index.storedIds([])), sorted([hosted.id, state.id, note.id]));
      assert.deepEqual(index.storedIds([kinds.GitPullRequest]), []);

      index.recordStored(provisionalAnnouncement, { listsService: true });
      assert.deepEqual(sorted(index.storedIds([kinds.RepositoryAnnouncement])), sorted([hosted.id, provisionalAnnouncement.id]));
    });
  });

  describe("counts", () => {
    it("count stored and provisional rows as they come and go", () => {
      const { index } = freshIndex();
      const author = newAuthor();
      assert.deepEqual(index.counts(), { stored: 0, provisional: 0 });
      const [one, two, three] = [1, 2, 3].map((n) => author.sign({ kind: kinds.Comment, content: String(n) }));
      index.recordProvisional(one!, checkAt);
      index.recordProvisional(two!, checkAt);
      index.recordStored(three!);
      assert.deepEqual(index.counts(), { stored: 1, provisional: 2 });
      index.recordStored(one!);
      assert.deepEqual(index.counts(), { stored: 2, provisional: 1 });
      index.forget(two!.id);
      assert.deepEqual(index.counts(), { stored: 2, provisional: 0 });
    });
  });

  it("provisional rows survive closing and reopening the same file", () => {
    const { index, db, path } = freshIndex();
    const owner = newAuthor();
    const hosted = announcement(owner, "repo");
    index.recordProvisional(hosted, 1234, { listsService: true });
    db.close();

    const again = acceptedIndex(stores.open(path));
    assert.equal(again.isStored(hosted.id), false);
    assert.equal(again.view.announcement(owner.pubkey, "repo")?.id, hosted.id);
    assert.deepEqual(again.dueForCheck(1234, 10), [hosted.id]);
  });
});

describe("acceptedIndex: answered events, in memory until strfry stores them", () => {
  const repositoryCoordinate = (author: TestAuthor) => announcementCoordinate(author, "repo");
  const issueOf = (author: TestAuthor) => author.sign({ kind: 1621, tags: [["a", repositoryCoordinate(author)]] });

  it("takes regular events that change nothing but the index, and nothing else", () => {
    const { index } = freshIndex();
    const author = newAuthor();
    const until = Math.floor(Date.now() / 1000) + 15;
    assert.equal(index.noteAnswered(issueOf(author), until), true);
    assert.equal(index.noteAnswered(author.sign({ kind: 1111, tags: [] }), until), true);
    assert.equal(index.noteAnswered(repositoryState(author, "repo"), until), false, "a state");
    assert.equal(index.noteAnswered(announcement(author, "repo"), until), false, "an announcement");
    assert.equal(index.noteAnswered(author.sign({ kind: kinds.GitPullRequest, tags: [] }), until), false, "a PR");
    assert.equal(index.noteAnswered(deletion(author, []), until), false, "a deletion");
    assert.equal(index.noteAnswered(author.sign({ kind: 10317, tags: [] }), until), false, "a replaceable event");
  });

  it("shows them to the rules at once, writes no row, and records them as stored when strfry has them", () => {
    const { index, db } = freshIndex();
    const author = newAuthor();
    const issue = issueOf(author);
    index.noteAnswered(issue, Math.floor(Date.now() / 1000) + 15);
    assert.equal(index.view.isAcceptedEvent(issue.id), true);
    assert.equal(index.view.isReferencedByAccepted(repositoryCoordinate(author)), true);
    const rows = () => (db.prepare("SELECT COUNT(*) AS count FROM accepted_events").get() as { count: number }).count;
    assert.equal(rows(), 0);
    index.recordStored(issue);
    assert.equal(rows(), 1);
    assert.equal(index.isStored(issue.id), true);
    assert.deepEqual(index.counts(), { stored: 1, provisional: 0 });
  });

  it("forgets one its author deletes", () => {
    const { index } = freshIndex();
    const author = newAuthor();
    const issue = issueOf(author);
    index.noteAnswered(issue, Math.floor(Date.now() / 1000) + 15);
    index.applyDeletion(deletion(newAuthor(), [["e", issue.id]]));
    assert.equal(index.view.isAcceptedEvent(issue.id), true, "someone else's deletion counts for nothing");
    index.applyDeletion(deletion(author, [["e", issue.id]]));
    assert.equal(index.view.isAcceptedEvent(issue.id), false);
    assert.equal(index.view.isReferencedByAccepted(repositoryCoordinate(author)), false);
  });
});
