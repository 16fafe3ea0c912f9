import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { newAuthor, repositoryState } from "../nostr/event-fixtures.js";
import type { Db } from "./database.js";
import { purgatory } from "./held-events.js";
import type { Purgatory } from "./held-events.js";
import { historyIdsStartingWith, historyOf, historyTotals, secondsToRelease } from "./inspection.js";
import { storeFixture } from "./store-fixture.js";

const stores = storeFixture("inspection");
function freshStore(): { db: Db; store: Purgatory } {
  const { db } = stores.fresh();
  return { db, store: purgatory(db) };
}

const owner = newAuthor();
const zeroTotals = { held: 0, duplicate: 0, released: 0, "release-failed": 0, expired: 0, dropped: 0, deleted: 0, placeholder: 0, limited: 0 };

describe("historyOf", () => {
  it("is empty for an unknown entry", () => {
    const { db } = freshStore();
    assert.deepEqual(historyOf(db, "0".repeat(64)), []);
  });

  it("lists what happened to one entry in the order it happened, with details", () => {
    const { db, store } = freshStore();
    const event = repositoryState(owner, "repo");
    const other = repositoryState(owner, "other");
    store.hold(event, 300, 60);
    store.hold(other, 100, 60);
    store.hold(event, 200, 60); // recorded after, though earlier in time
    store.remove(event.id, "dropped", 250, "by the operator");
    assert.deepEqual(historyOf(db, event.id), [
      { what: "held", at: 300, detail: undefined },
      { what: "duplicate", at: 200, detail: undefined },
      { what: "dropped", at: 250, detail: "by the operator" },
    ]);
  });
});

describe("historyIdsStartingWith", () => {
  it("finds each id with that prefix once, whatever happened to it", () => {
    const { db, store } = freshStore();
    const ids = ["abc1".padEnd(64, "0"), "abc2".padEnd(64, "0"), "abd0".padEnd(64, "0")];
    for (const id of ids) store.record(id, undefined, "held", 1);
    store.record(ids[0]!, undefined, "released", 2);
    store.addPlaceholder({ eventId: "fff".padEnd(64, "1"), repository: "npub1x/repo.git", tip: "c".repeat(40), arrivedAt: 1, expiresAt: 2 });
    assert.deepEqual(historyIdsStartingWith(db, "abc").sort(), [ids[0], ids[1]]);
    assert.deepEqual(historyIdsStartingWith(db, "ab").sort(), ids);
    assert.deepEqual(historyIdsStartingWith(db, ids[2]!), [ids[2]]);
    assert.deepEqual(historyIdsStartingWith(db, "fff"), ["fff".padEnd(64, "1")]);
    assert.deepEqual(historyIdsStartingWith(db, "123"), []);
  });

  it("gives at most ten ids", () => {
    const { db, store } = freshStore();
    for (let n = 0; n < 15; n += 1) store.record(`a${n.toString(16)}`.padEnd(64, "0"), undefined, "held", 1);
    assert.equal(historyIdsStartingWith(db, "a").length, 10);
  });
});

describe("historyTotals", () => {
  it("counts zero of everything in a new store", () => {
    assert.deepEqual(historyTotals(freshStore().db), zeroTotals);
  });

  it("counts every history entry by what happened", () => {
    const { db, store } = freshStore();
    const [one, two, three] = [repositoryState(owner, "a"), repositoryState(owner, "b"), repositoryState(owner, "c")];
    store.hold(one, 100, 60);
    store.hold(one, 110, 60);
    store.hold(one, 120, 60);
    store.hold(two, 100, 60);
    store.hold(three, 100, 60);
    store.remove(one.id, "released", 130);
    store.remove(two.id, "expired", 160);
    store.remove(three.id, "dropped", 140);
    store.record("d".repeat(64), 1618, "deleted", 150);
    store.addPlaceholder({ eventId: "e".repeat(64), repository: "npub1x/repo.git", tip: "c".repeat(40), arrivedAt: 100, expiresAt: 160 });
    assert.deepEqual(historyTotals(db), { held: 3, duplicate: 2, released: 1, "release-failed": 0, expired: 1, dropped: 1, deleted: 1, placeholder: 1, limited: 0 });
  });
});

describe("secondsToRelease", () => {
  it("is empty when nothing was released", () => {
    const { db, store } = freshStore();
    const event = repositoryState(owner, "repo");
    store.hold(event, 100, 60);
    store.remove(event.id, "expired", 160);
    assert.deepEqual(secondsToRelease(db), []);
  });

  it("gives, per released event, the seconds from being held to its release", () => {
    const { db, store } = freshStore();
    const [quick, slow, expired] = [repositoryState(owner, "a"), repositoryState(owner, "b"), repositoryState(owner, "c")];
    store.hold(quick, 100, 1800);
    store.hold(slow, 100, 1800);
    store.hold(expired, 100, 60);
    store.hold(slow, 150, 1800); // a duplicate does not restart the clock
    store.remove(quick.id, "released", 103);
    store.remove(slow.id, "released", 400);
    store.remove(expired.id, "expired", 160);
    assert.deepEqual(secondsToRelease(db).sort((a, b) => a - b), [3, 300]);
  });

  it("ignores placeholders released by their PR event (they were never held)", () => {
    const { db, store } = freshStore();
    store.addPlaceholder({ eventId: "e".repeat(64), repository: "npub1x/repo.git", tip: "c".repeat(40), arrivedAt: 100, expiresAt: 1900 });
    store.removePlaceholder("e".repeat(64), "npub1x/repo.git", "released", 120);
    assert.deepEqual(secondsToRelease(db), []);
  });

  it(
    "gives one figure for an event held, expired, held again and released: from the hold its release ended",
    () => {
      const { db, store } = freshStore();
      const event = repositoryState(owner, "repo");
      store.hold(event, 100, 1800);
      store.remove(event.id, "expired", 1900);
      store.hold(event, 2000, 1800);
      store.remove(event.id, "released", 2030);
      // Measured from the hold the release ended: the event arrived again at 2000.
      assert.deepEqual(secondsToRelease(db), [30]);
    },
  );
});
