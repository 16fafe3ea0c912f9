import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import type { NostrEvent } from "nostr-tools";
import { announcement, announcementCoordinate, newAuthor, nextCreatedAt } from "../nostr/event-fixtures.js";
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
