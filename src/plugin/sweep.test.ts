import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { newAuthor, repositoryState } from "../nostr/event-fixtures.js";
import { purgatory } from "../purgatory/held-events.js";
import { storeFixture } from "../purgatory/store-fixture.js";
import { pruneHistory } from "./sweep.js";

const stores = storeFixture("sweep");

describe("pruneHistory", () => {
  it("removes history older than the cut-off, keeps the rest, and gives the pages back", () => {
    const { db } = stores.fresh();
    const held = purgatory(db);
    const author = newAuthor();
    db.transaction(() => {
      for (let index = 0; index < 12_000; index++) held.record(`${index}`.padStart(64, "0"), 30618, "held", index < 11_000 ? 100 : 300, "x".repeat(200));
    })();
    held.hold(repositoryState(author, "kept"), 400, 1800);
    const pages = () => db.pragma("page_count", { simple: true }) as number;
    const before = pages();
    assert.equal(pruneHistory(db, 200), 11_000);
    const count = db.prepare("SELECT COUNT(*) AS count FROM purgatory_history").get() as { count: number };
    assert.equal(count.count, 1_001);
    assert.ok(pages() < before, `the file shrank: ${before} pages before, ${pages()} after`);
    assert.equal(pruneHistory(db, 200), 0, "nothing left to prune");
  });

  it("removes all of it when none is recent", () => {
    const { db } = stores.fresh();
    const held = purgatory(db);
    for (let index = 0; index < 30; index++) held.record(`${index}`.padStart(64, "0"), 30618, "held", 100);
    assert.equal(pruneHistory(db, 200), 30);
    assert.equal(pruneHistory(db, 200), 0);
  });
});
