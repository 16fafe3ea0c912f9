import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import { announcement, announcementCoordinate, newAuthor, nextCreatedAt, repositoryState } from "../nostr/event-fixtures.js";
import type { KnownAnnouncement, ServerView } from "../policy/view.js";
import { acceptedIndex } from "./accepted-index.js";
import type { AcceptedIndex } from "./accepted-index.js";
import { deletions } from "./deletions.js";
import type { Deletions } from "./deletions.js";
import { purgatory } from "./held-events.js";
import type { Purgatory } from "./held-events.js";
import { serverView } from "./server-view.js";
import { storeFixture } from "./store-fixture.js";

const stores = storeFixture("server-view");

interface Server {
  index: AcceptedIndex;
  held: Purgatory;
  deleted: Deletions;
  view: ServerView;
}

function freshServer(): Server {
  const { db } = stores.fresh();
  const index = acceptedIndex(db);
  const held = purgatory(db);
  const deleted = deletions(db);
  return { index, held, deleted, view: serverView(index, held, deleted) };
}

const ttl = 1800;
const now = 1000;
/** The fields of a KnownAnnouncement (a held one carries more from readAnnouncement). */
const knownFields = (known: KnownAnnouncement | undefined) =>
  known === undefined
    ? undefined
    : { id: known.id, owner: known.owner, identifier: known.identifier, createdAt: known.createdAt, maintainers: known.maintainers, listsService: known.listsService };
const ids = (announcements: { id: string }[]) => announcements.map((known) => known.id).sort();

describe("serverView", () => {
  it("starts empty", () => {
    const { view } = freshServer();
    assert.equal(view.announcement("0".repeat(64), "repo"), undefined);
    assert.deepEqual(view.announcementsWithIdentifier("repo"), []);
    assert.equal(view.isHeld("0".repeat(64)), false);
    assert.equal(view.isHeldCoordinate(`30617:${"0".repeat(64)}:repo`), false);
    assert.equal(view.deletionOf(newAuthor().sign({ kind: kinds.ShortTextNote })), undefined);
  });

  describe("announcements", () => {
    it("an accepted announcement is seen as the index has it", () => {
      const { index, view } = freshServer();
      const owner = newAuthor();
      const hosted = announcement(owner, "repo", { clone: ["https://github.com/x/y.git"] });
      index.recordStored(hosted, { listsService: false });
      assert.deepEqual(view.announcement(owner.pubkey, "repo"), index.view.announcement(owner.pubkey, "repo"));
      assert.equal(view.announcement(owner.pubkey, "repo")?.listsService, false);
      assert.deepEqual(view.announcementsWithIdentifier("repo"), index.view.announcementsWithIdentifier("repo"));
    });

    it("a held announcement counts when nothing is accepted: it lists this service, with its maintainers", () => {
      const { held, view } = freshServer();
      const owner = newAuthor();
      const maintainer = newAuthor();
      const hosted = announcement(owner, "repo", { maintainers: [maintainer.pubkey] });
      held.hold(hosted, now, ttl);
      assert.deepEqual(knownFields(view.announcement(owner.pubkey, "repo")), {
        id: hosted.id,
        owner: owner.pubkey,
        identifier: "repo",
        createdAt: hosted.created_at,
        maintainers: [maintainer.pubkey],
        listsService: true,
      });
      assert.deepEqual(ids(view.announcementsWithIdentifier("repo")), [hosted.id]);
      assert.equal(view.announcement(owner.pubkey, "other"), undefined);
      assert.equal(view.announcement(maintainer.pubkey, "repo"), undefined, "only the owner's own announcement");
    });

    it("a held replacement newer than the accepted announcement wins for its owner", () => {
      const { index, held, view } = freshServer();
      const owner = newAuthor();
      const maintainer = newAuthor();
      const accepted = announcement(owner, "repo");
      const replacement = announcement(owner, "repo", { maintainers: [maintainer.pubkey] });
      index.recordStored(accepted, { listsService: true });
      held.hold(replacement, now, ttl);
      assert.equal(view.announcement(owner.pubkey, "repo")?.id, replacement.id);
      assert.deepEqual(view.announcement(owner.pubkey, "repo")?.maintainers, [maintainer.pubkey]);
      assert.deepEqual(ids(view.announcementsWithIdentifier("repo")), [replacement.id], "one per owner");
    });

    it("a held announcement older than the accepted one does not hide it", () => {
      const { index, held, view } = freshServer();
      const owner = newAuthor();
      const older = announcement(owner, "repo");
      const accepted = announcement(owner, "repo");
      index.recordStored(accepted, { listsService: true });
      held.hold(older, now, ttl);
      assert.equal(view.announcement(owner.pubkey, "repo")?.id, accepted.id);
      assert.deepEqual(ids(view.announcementsWithIdentifier("repo")), [accepted.id]);
    });

    it("of several held announcements of one owner, the newest wins; a created_at tie goes to the lower id", () => {
      const { held, view } = freshServer();
      const owner = newAuthor();
      const createdAt = nextCreatedAt();
      const tied = [0, 1, 2].map((n) => announcement(owner, "repo", { created_at: createdAt, extraTags: [["n", String(n)]] }));
      const lowest = [...tied].sort((a, b) => (a.id < b.id ? -1 : 1))[0]!;
      const older = announcement(owner, "repo", { created_at: createdAt - 5 });
      for (const event of [older, ...tied]) held.hold(event, now, ttl);
      assert.equal(view.announcement(owner.pubkey, "repo")?.id, lowest.id);
      assert.deepEqual(ids(view.announcementsWithIdentifier("repo")), [lowest.id]);
    });

    it("a tie between an accepted and a held announcement goes to the lower id", () => {
      const owner = newAuthor();
      const createdAt = nextCreatedAt();
      const [low, high] = [0, 1]
        .map((n) => announcement(owner, "repo", { created_at: createdAt, extraTags: [["n", String(n)]] }))
        .sort((a, b) => (a.id < b.id ? -1 : 1));

      const acceptedLow = freshServer();
      acceptedLow.index.recordStored(low!, { listsService: true });
      acceptedLow.held.hold(high!, now, ttl);
      assert.equal(acceptedLow.view.announcement(owner.pubkey, "repo")?.id, low!.id);

      const heldLow = freshServer();
      heldLow.index.recordStored(high!, { listsService: true });
      heldLow.held.hold(low!, now, ttl);
      assert.equal(heldLow.view.announcement(owner.pubkey, "repo")?.id, low!.id);
    });

    it("announcementsWithIdentifier gives the newest per owner among accepted and held ones, every owner", () => {
      const { index, held, view } = freshServer();
      const [alice, bob, carol, dave] = [newAuthor(), newAuthor(), newAuthor(), newAuthor()];
      const aliceAccepted = announcement(alice, "repo");
      const bobAccepted = announcement(bob, "repo");
      const aliceHeldNewer = announcement(alice, "repo");
      const bobHeldOlder = announcement(bob, "repo", { created_at: bobAccepted.created_at - 1 });
      const carolHeld = announcement(carol, "repo");
      const daveAccepted = announcement(dave, "repo");
      const elsewhere = announcement(alice, "other");
      for (const event of [aliceAccepted, bobAccepted, daveAccepted]) index.recordStored(event, { listsService: true });
      for (const event of [aliceHeldNewer, bobHeldOlder, carolHeld, elsewhere]) held.hold(event, now, ttl);

      assert.deepEqual(ids(view.announcementsWithIdentifier("repo")), [aliceHeldNewer.id, bobAccepted.id, carolHeld.id, daveAccepted.id].sort());
      assert.deepEqual(ids(view.announcementsWithIdentifier("other")), [elsewhere.id]);
      assert.deepEqual(view.announcementsWithIdentifier("Repo"), []);
    });

    // The bug this module fixes, "the maintainer graph loses accepted announcements": a held
    // replacement must sit beside the accepted announcement, not in its place.
    for (const [how, leave] of [
      ["expires", (held: Purgatory, id: string) => held.remove(id, "expired", now + ttl)],
      ["is dropped by the operator", (held: Purgatory, id: string) => held.remove(id, "dropped", now + 1)],
      ["is withdrawn by its author's kind 5", undefined],
    ] as const) {
      it(`a held replacement that ${how} leaves the accepted announcement visible, maintainers and all`, () => {
        const { index, held, view } = freshServer();
        const owner = newAuthor();
        const maintainer = newAuthor();
        const accepted = announcement(owner, "repo", { maintainers: [maintainer.pubkey] });
        const replacement = announcement(owner, "repo", { maintainers: [] });
        index.recordStored(accepted, { listsService: true });
        held.hold(replacement, now, ttl);
        const before = index.view.announcement(owner.pubkey, "repo");
        assert.equal(view.announcement(owner.pubkey, "repo")?.id, replacement.id);

        if (leave === undefined) {
          const withdrawal = owner.sign({ kind: kinds.EventDeletion, tags: [["e", replacement.id]] });
          assert.deepEqual(held.withdraw(withdrawal, now + 1).map((removed) => removed.id), [replacement.id]);
        } else {
          assert.equal(leave(held, replacement.id), true);
        }

        assert.deepEqual(view.announcement(owner.pubkey, "repo"), before);
        assert.deepEqual(view.announcement(owner.pubkey, "repo")?.maintainers, [maintainer.pubkey]);
        assert.deepEqual(ids(view.announcementsWithIdentifier("repo")), [accepted.id]);
        assert.equal(view.isAcceptedEvent(accepted.id), true);
        assert.equal(view.isAcceptedCoordinate(announcementCoordinate(owner, "repo")), true);
      });
    }

    it("a held announcement that leaves the purgatory with nothing accepted leaves nothing behind", () => {
      const { held, view } = freshServer();
      const owner = newAuthor();
      const hosted = announcement(owner, "repo");
      held.hold(hosted, now, ttl);
      held.remove(hosted.id, "expired", now + ttl);
      assert.equal(view.announcement(owner.pubkey, "repo"), undefined);
      assert.deepEqual(view.announcementsWithIdentifier("repo"), []);
    });
  });

  it("passes the rest of the accepted view through", () => {
    const { index, view } = freshServer();
    const owner = newAuthor();
    const state = repositoryState(owner, "repo");
    const target = "9".repeat(64);
    const note = owner.sign({ kind: kinds.Comment, tags: [["e", target]] });
    index.recordStored(state);
    index.recordStored(note);
    assert.equal(view.isAcceptedEvent(note.id), true);
    assert.equal(view.isAcceptedCoordinate(`${kinds.RepositoryState}:${owner.pubkey}:repo`), true);
    assert.equal(view.isReferencedByAccepted(target), true);
    assert.deepEqual(view.latestAcceptedState(owner.pubkey, "repo"), { id: state.id, createdAt: state.created_at });
  });

  it("isHeld and isHeldCoordinate are the purgatory's, and held events are not accepted", () => {
    const { held, view } = freshServer();
    const owner = newAuthor();
    const state = repositoryState(owner, "repo");
    held.hold(state, now, ttl);
    assert.equal(view.isHeld(state.id), true);
    assert.equal(view.isHeldCoordinate(`${kinds.RepositoryState}:${owner.pubkey}:repo`), true);
    assert.equal(view.isAcceptedEvent(state.id), false);
    assert.equal(view.latestAcceptedState(owner.pubkey, "repo"), undefined);
    held.remove(state.id, "dropped", now);
    assert.equal(view.isHeld(state.id), false);
    assert.equal(view.isHeldCoordinate(`${kinds.RepositoryState}:${owner.pubkey}:repo`), false);
  });

  it("deletionOf is the remembered deletions', by id and by coordinate, for the author only", () => {
    const { deleted, view } = freshServer();
    const owner = newAuthor();
    const note = owner.sign({ kind: kinds.ShortTextNote });
    const hosted = announcement(owner, "repo");
    const removal = owner.sign({ kind: kinds.EventDeletion, tags: [["e", note.id], ["a", announcementCoordinate(owner, "repo")]] });
    assert.equal(view.deletionOf(note), undefined);
    deleted.remember(removal);
    assert.equal(view.deletionOf(note), removal.id);
    assert.equal(view.deletionOf(hosted), removal.id);
    assert.equal(view.deletionOf(announcement(owner, "repo")), undefined, "newer than the deletion");
    assert.equal(view.deletionOf(owner.sign({ kind: kinds.ShortTextNote, content: "other" })), undefined);
  });
});
