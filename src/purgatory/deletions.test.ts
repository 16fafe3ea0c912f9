import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import { announcement, announcementCoordinate, newAuthor, nextCreatedAt, repositoryState } from "../nostr/event-fixtures.js";
import type { TestAuthor } from "../nostr/event-fixtures.js";
import type { Db } from "./database.js";
import { deletions } from "./deletions.js";
import type { Deletions } from "./deletions.js";
import { storeFixture } from "./store-fixture.js";

const stores = storeFixture("deletions");
function freshDeletions(): { deleted: Deletions; db: Db; path: string } {
  const { db, path } = stores.fresh();
  return { deleted: deletions(db), db, path };
}

const deletion = (author: TestAuthor, tags: string[][], created_at?: number) =>
  author.sign({ kind: kinds.EventDeletion, tags, ...(created_at === undefined ? {} : { created_at }) });

describe("deletions", () => {
  it("starts empty: nothing is deleted", () => {
    const { deleted } = freshDeletions();
    const owner = newAuthor();
    assert.equal(deleted.deletionOf(owner.sign({ kind: kinds.ShortTextNote })), undefined);
    assert.equal(deleted.deletionOf(announcement(owner, "repo")), undefined);
  });

  describe("by e id", () => {
    it("covers the author's own event named by id, and names the deletion", () => {
      const { deleted } = freshDeletions();
      const author = newAuthor();
      const note = author.sign({ kind: kinds.ShortTextNote });
      const kept = author.sign({ kind: kinds.ShortTextNote, content: "kept" });
      const removal = deletion(author, [["e", note.id]]);
      deleted.remember(removal);
      assert.equal(deleted.deletionOf(note), removal.id);
      assert.equal(deleted.deletionOf(kept), undefined, "only the events it names");
    });

    it("covers a replaceable or addressable event named by id whatever its created_at", () => {
      const { deleted } = freshDeletions();
      const owner = newAuthor();
      const deletedAt = nextCreatedAt();
      const hosted = announcement(owner, "repo", { created_at: deletedAt + 100 });
      const named = deletion(owner, [["e", hosted.id]], deletedAt);
      deleted.remember(named);
      assert.equal(deleted.deletionOf(hosted), named.id);
      const sameCoordinate = announcement(owner, "repo", { created_at: deletedAt - 100 });
      assert.equal(deleted.deletionOf(sameCoordinate), undefined, "an e tag names one event, not its coordinate");
    });

    it("covers nothing of another author's, however it names it", () => {
      const { deleted } = freshDeletions();
      const owner = newAuthor();
      const attacker = newAuthor();
      const note = owner.sign({ kind: kinds.ShortTextNote });
      const hosted = announcement(owner, "repo");
      deleted.remember(deletion(attacker, [["e", note.id], ["e", hosted.id], ["a", announcementCoordinate(owner, "repo")]]));
      assert.equal(deleted.deletionOf(note), undefined);
      assert.equal(deleted.deletionOf(hosted), undefined);
      assert.equal(deleted.deletionOf(announcement(owner, "repo")), undefined);
    });

    it("asks by the event's own author: the same id presented with another pubkey is not covered", () => {
      const { deleted } = freshDeletions();
      const author = newAuthor();
      const note = author.sign({ kind: kinds.ShortTextNote });
      deleted.remember(deletion(author, [["e", note.id]]));
      assert.equal(deleted.deletionOf({ ...note, pubkey: newAuthor().pubkey }), undefined);
    });
  });

  describe("by a coordinate", () => {
    it("covers the author's events at the coordinate up to and including the deletion's created_at", () => {
      const { deleted } = freshDeletions();
      const owner = newAuthor();
      const removal = deletion(owner, [["a", announcementCoordinate(owner, "repo")]]);
      deleted.remember(removal);
      const at = (created_at: number) => announcement(owner, "repo", { created_at });
      assert.equal(deleted.deletionOf(at(removal.created_at - 1000)), removal.id);
      assert.equal(deleted.deletionOf(at(removal.created_at)), removal.id);
      assert.equal(deleted.deletionOf(at(removal.created_at + 1)), undefined, "a newer event at the coordinate is not deleted");
    });

    it("covers only that coordinate: another d, another kind or another author is not covered", () => {
      const { deleted } = freshDeletions();
      const owner = newAuthor();
      const removal = deletion(owner, [["a", announcementCoordinate(owner, "repo")]]);
      deleted.remember(removal);
      const before = removal.created_at - 10;
      assert.equal(deleted.deletionOf(announcement(owner, "other", { created_at: before })), undefined);
      assert.equal(deleted.deletionOf(owner.sign({ kind: kinds.RepositoryState, tags: [["d", "repo"]], created_at: before })), undefined);
      assert.equal(deleted.deletionOf(announcement(newAuthor(), "repo", { created_at: before })), undefined);
      assert.equal(deleted.deletionOf(owner.sign({ kind: kinds.ShortTextNote, created_at: before })), undefined, "regular events have no coordinate");
    });

    it("covers a replaceable kind at kind:pubkey: (empty d)", () => {
      const { deleted } = freshDeletions();
      const author = newAuthor();
      const list = author.sign({ kind: kinds.UserGraspList, tags: [["g", "wss://a.example"]] });
      const removal = deletion(author, [["a", `${kinds.UserGraspList}:${author.pubkey}:`]]);
      deleted.remember(removal);
      assert.equal(deleted.deletionOf(list), removal.id);
    });

    it("keeps identifiers exactly as written (case, colons)", () => {
      const { deleted } = freshDeletions();
      const owner = newAuthor();
      const removal = deletion(owner, [["a", announcementCoordinate(owner, "a:b")]]);
      deleted.remember(removal);
      const before = removal.created_at - 1;
      assert.equal(deleted.deletionOf(announcement(owner, "a:b", { created_at: before })), removal.id);
      assert.equal(deleted.deletionOf(announcement(owner, "a", { created_at: before })), undefined);
      assert.equal(deleted.deletionOf(announcement(owner, "A:B", { created_at: before })), undefined);
    });

    it("ignores another author's coordinate, even beside the author's own", () => {
      const { deleted } = freshDeletions();
      const owner = newAuthor();
      const attacker = newAuthor();
      const removal = deletion(attacker, [["a", announcementCoordinate(owner, "repo")], ["a", announcementCoordinate(attacker, "repo")]]);
      deleted.remember(removal);
      const before = removal.created_at - 1;
      assert.equal(deleted.deletionOf(announcement(owner, "repo", { created_at: before })), undefined);
      assert.equal(deleted.deletionOf(announcement(attacker, "repo", { created_at: before })), removal.id);
    });

    it("of several deletions at one coordinate, the one reaching the event's created_at covers it", () => {
      const { deleted } = freshDeletions();
      const owner = newAuthor();
      const coordinate = announcementCoordinate(owner, "repo");
      const earlier = deletion(owner, [["a", coordinate]]);
      const later = deletion(owner, [["a", coordinate]], earlier.created_at + 100);
      deleted.remember(earlier);
      deleted.remember(later);
      assert.ok([earlier.id, later.id].includes(deleted.deletionOf(announcement(owner, "repo", { created_at: earlier.created_at }))!));
      assert.equal(deleted.deletionOf(announcement(owner, "repo", { created_at: earlier.created_at + 50 })), later.id);
      assert.equal(deleted.deletionOf(announcement(owner, "repo", { created_at: later.created_at + 1 })), undefined);
    });
  });

  it("applies every tag of one deletion, e and a together", () => {
    const { deleted } = freshDeletions();
    const owner = newAuthor();
    const note = owner.sign({ kind: kinds.ShortTextNote });
    const state = repositoryState(owner, "repo");
    const removal = deletion(owner, [["e", note.id], ["a", `${kinds.RepositoryState}:${owner.pubkey}:repo`], ["k", "1"]], state.created_at);
    deleted.remember(removal);
    assert.equal(deleted.deletionOf(note), removal.id);
    assert.equal(deleted.deletionOf(state), removal.id);
  });

  it("ignores malformed tags without failing, and keeps the well-formed ones beside them", () => {
    const { deleted, db } = freshDeletions();
    const owner = newAuthor();
    const note = owner.sign({ kind: kinds.ShortTextNote });
    const removal = deletion(owner, [
      ["e"],
      ["a"],
      [],
      ["e", "nothex"],
      ["e", note.id.toUpperCase()],
      ["e", `${note.id}0`],
      ["a", "not-a-coordinate"],
      ["a", `30617:${"X".repeat(64)}:repo`],
      ["a", `99999999:${owner.pubkey}:repo`],
      ["e", note.id],
    ]);
    assert.doesNotThrow(() => deleted.remember(removal));
    assert.equal(deleted.deletionOf(note), removal.id);
    assert.deepEqual(db.prepare("SELECT target FROM deletions").all(), [{ target: note.id }], "only the well-formed tag is remembered");
  });

  it("remembers a deletion once, however often it arrives", () => {
    const { deleted, db } = freshDeletions();
    const author = newAuthor();
    const note = author.sign({ kind: kinds.ShortTextNote });
    const removal = deletion(author, [["e", note.id], ["e", note.id]]);
    deleted.remember(removal);
    deleted.remember(removal);
    assert.equal(deleted.deletionOf(note), removal.id);
    assert.deepEqual(db.prepare("SELECT COUNT(*) AS count FROM deletions").get(), { count: 1 });
  });

  it("survives closing and reopening the same file", () => {
    const { deleted, db, path } = freshDeletions();
    const owner = newAuthor();
    const note = owner.sign({ kind: kinds.ShortTextNote });
    const removal = deletion(owner, [["e", note.id], ["a", announcementCoordinate(owner, "repo")]]);
    deleted.remember(removal);
    db.close();

    const again = deletions(stores.open(path));
    assert.equal(again.deletionOf(note), removal.id);
    assert.equal(again.deletionOf(announcement(owner, "repo", { created_at: removal.created_at })), removal.id);
    assert.equal(again.deletionOf(announcement(owner, "repo", { created_at: removal.created_at + 1 })), undefined);
  });
});
