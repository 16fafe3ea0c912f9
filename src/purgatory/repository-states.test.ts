import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import type { NostrEvent } from "nostr-tools";
import { announcement, announcementCoordinate, newAuthor } from "../nostr/event-fixtures.js";
import type { TestAuthor } from "../nostr/event-fixtures.js";
import { readRepositoryState } from "../nostr/repository-state.js";
import { acceptedIndex } from "./accepted-index.js";
import { deletions } from "./deletions.js";
import { purgatory } from "./held-events.js";
import { repositoryStates as statesOf } from "./repository-states.js";
import type { AcceptedIndex } from "./accepted-index.js";
import type { Purgatory } from "./held-events.js";
import { serverView } from "./server-view.js";
import { storeFixture } from "./store-fixture.js";

const stores = storeFixture("states");
function freshStore() {
  const { db } = stores.fresh();
  return { index: acceptedIndex(db), held: purgatory(db), deleted: deletions(db) };
}

/** As the hooks read them: through the view that sees accepted and held announcements. */
function repositoryStates(index: AcceptedIndex, held: Purgatory, owner: string, identifier: string) {
  return statesOf(serverView(index, held, deletions(stores.fresh().db)), index, held, owner, identifier);
}

const A = "a".repeat(40);
const B = "b".repeat(40);
const state = (author: TestAuthor, identifier: string, head = A) =>
  author.sign({ kind: kinds.RepositoryState, tags: [["d", identifier], ["refs/heads/main", head], ["HEAD", "ref: refs/heads/main"]] });
const ids = (states: { id: string }[]) => states.map((known) => known.id);
const notListingUs = { clone: ["https://github.com/x/repo.git"], relays: ["wss://relay.damus.io"] };

describe("repositoryStates", () => {
  const owner = newAuthor();
  const maintainer = newAuthor();
  const deep = newAuthor();
  const stranger = newAuthor();

  function storeWithMaintainers() {
    const store = freshStore();
    store.index.recordStored(announcement(owner, "repo", { maintainers: [maintainer.pubkey] }), { listsService: true });
    store.index.recordStored(announcement(maintainer, "repo", { ...notListingUs, maintainers: [deep.pubkey] }));
    return store;
  }

  it("is empty for a repository with no states", () => {
    const { index, held } = storeWithMaintainers();
    assert.deepEqual(repositoryStates(index, held, owner.pubkey, "repo"), { heldStates: [], latestAccepted: undefined });
  });

  it("gives the held states of the owner's maintainer set, read, oldest first", () => {
    const { index, held } = storeWithMaintainers();
    const byOwner = state(owner, "repo");
    const byMaintainer = state(maintainer, "repo");
    const byDeep = state(deep, "repo");
    for (const event of [byDeep, byOwner, byMaintainer]) held.hold(event, 100, 1800);
    const { heldStates } = repositoryStates(index, held, owner.pubkey, "repo");
    assert.deepEqual(ids(heldStates), [byOwner.id, byMaintainer.id, byDeep.id]);
    assert.deepEqual(heldStates[0], readRepositoryState(byOwner));
  });

  it("leaves out held states of strangers, of other d, and held events that are not states", () => {
    const { index, held } = storeWithMaintainers();
    const pullRequest = stranger.sign({ kind: kinds.GitPullRequest, tags: [["a", announcementCoordinate(owner, "repo")], ["c", A]] });
    const newerAnnouncement = announcement(owner, "repo", { maintainers: [maintainer.pubkey] });
    for (const event of [state(stranger, "repo"), state(owner, "other"), pullRequest, newerAnnouncement]) held.hold(event, 100, 1800);
    assert.deepEqual(repositoryStates(index, held, owner.pubkey, "repo").heldStates, []);
  });

  it("is not symmetric: a maintainer's repository does not take the owner's states", () => {
    const { index, held } = storeWithMaintainers();
    held.hold(state(owner, "repo"), 100, 1800);
    assert.deepEqual(repositoryStates(index, held, maintainer.pubkey, "repo").heldStates.length, 0);
    assert.deepEqual(repositoryStates(index, held, deep.pubkey, "repo").heldStates.length, 0);
  });

  it("counts maintainers listed by a held announcement (the view sees held announcements)", () => {
    const { index, held } = freshStore();
    const pending = announcement(owner, "fresh", { maintainers: [maintainer.pubkey] });
    held.hold(pending, 100, 1800);
    const byMaintainer = state(maintainer, "fresh");
    held.hold(byMaintainer, 100, 1800);
    assert.deepEqual(ids(repositoryStates(index, held, owner.pubkey, "fresh").heldStates), [byMaintainer.id]);
  });

  it("gives the newest accepted state across the maintainer set, ignoring strangers", () => {
    const { index, held } = storeWithMaintainers();
    const byOwner = state(owner, "repo");
    const byMaintainer = state(maintainer, "repo", B);
    const byStranger = state(stranger, "repo");
    const otherD = state(owner, "other");
    for (const event of [byOwner, byMaintainer, byStranger, otherD]) assert.equal(index.recordStored(event), true);
    assert.deepEqual(repositoryStates(index, held, owner.pubkey, "repo").latestAccepted, readRepositoryState(byMaintainer));
    assert.equal(repositoryStates(index, held, owner.pubkey, "other").latestAccepted?.id, otherD.id);
    assert.equal(repositoryStates(index, held, stranger.pubkey, "repo").latestAccepted?.id, byStranger.id, "each owner has their own set");
  });

  it("follows the accepted index as an author's state is replaced", () => {
    const { index, held } = storeWithMaintainers();
    const first = state(owner, "repo");
    const second = state(owner, "repo", B);
    index.recordStored(first);
    assert.equal(repositoryStates(index, held, owner.pubkey, "repo").latestAccepted?.id, first.id);
    index.recordStored(second);
    assert.equal(repositoryStates(index, held, owner.pubkey, "repo").latestAccepted?.id, second.id);
    assert.equal(index.recordStored(first), false);
    assert.equal(repositoryStates(index, held, owner.pubkey, "repo").latestAccepted?.id, second.id);
  });

  it("keeps a held state and the accepted one apart", () => {
    const { index, held } = storeWithMaintainers();
    const accepted: NostrEvent = state(owner, "repo");
    const waiting = state(maintainer, "repo", B);
    index.recordStored(accepted);
    held.hold(waiting, 100, 1800);
    const states = repositoryStates(index, held, owner.pubkey, "repo");
    assert.deepEqual(ids(states.heldStates), [waiting.id]);
    assert.equal(states.latestAccepted?.id, accepted.id);
    held.remove(waiting.id, "released", 110);
    index.recordStored(waiting);
    const after = repositoryStates(index, held, owner.pubkey, "repo");
    assert.deepEqual(after.heldStates, []);
    assert.equal(after.latestAccepted?.id, waiting.id);
  });
});
