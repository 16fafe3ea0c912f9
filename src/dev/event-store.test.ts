import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { finalizeEvent, generateSecretKey, getPublicKey } from "nostr-tools/pure";
import type { NostrEvent } from "nostr-tools";
import { deletionTargets, openEventStore, replaceKeyOf } from "./event-store.js";

const dir = mkdtempSync(join(tmpdir(), "grasp-dev-store-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let storeNumber = 0;
const newStore = () => {
  const store = openEventStore(join(dir, `store-${++storeNumber}.sqlite`));
  after(() => store.close());
  return store;
};
const source = { receivedAt: 1_750_000_000, sourceType: "IP4", sourceInfo: "127.0.0.1" };

const alice = generateSecretKey();
const bob = generateSecretKey();
let clock = 1_700_000_000;
const sign = (secretKey: Uint8Array, template: Partial<Pick<NostrEvent, "kind" | "tags" | "content" | "created_at">>) =>
  finalizeEvent({ kind: 1, tags: [], content: "", created_at: (clock += 1), ...template }, secretKey);
const ids = (events: NostrEvent[]) => events.map((event) => event.id);

describe("replaceKeyOf and deletionTargets", () => {
  it("keys replaceable events by '' and addressable ones by d", () => {
    assert.equal(replaceKeyOf({ kind: 0, tags: [] }), "");
    assert.equal(replaceKeyOf({ kind: 10002, tags: [["d", "ignored"]] }), "");
    assert.equal(replaceKeyOf({ kind: 30617, tags: [["d", "repo"]] }), "repo");
    assert.equal(replaceKeyOf({ kind: 30617, tags: [] }), "");
    assert.equal(replaceKeyOf({ kind: 1, tags: [["d", "x"]] }), undefined);
  });

  it("reads e ids and the author's own a coordinates", () => {
    const pubkey = getPublicKey(alice);
    const other = getPublicKey(bob);
    const targets = deletionTargets({
      pubkey,
      tags: [["e", "1".repeat(64)], ["a", `30617:${pubkey}:repo:with:colons`], ["a", `30617:${other}:theirs`], ["a", "nonsense"], ["e"]],
    });
    assert.deepEqual(targets, { ids: ["1".repeat(64)], addresses: [{ kind: 30617, pubkey, replaceKey: "repo:with:colons" }] });
  });
});

describe("openEventStore", () => {
  it("writes once, then reports duplicates", () => {
    const store = newStore();
    const event = sign(alice, {});
    assert.equal(store.write(event, source), "written");
    assert.equal(store.write(event, source), "duplicate");
    assert.equal(store.has(event.id), true);
  });

  it("keeps the newest replaceable event, a tie going to the lowest id", () => {
    const store = newStore();
    const old = sign(alice, { kind: 0 });
    const current = sign(alice, { kind: 0 });
    assert.equal(store.write(current, source), "written");
    assert.equal(store.write(old, source), "replaced");
    const tied = [1, 2, 3].map((n) => sign(alice, { kind: 0, content: String(n), created_at: current.created_at + 5 }));
    const [lowest, middle, highest] = [...tied].sort((a, b) => (a.id < b.id ? -1 : 1));
    assert.equal(store.write(middle!, source), "written");
    assert.equal(store.write(highest!, source), "replaced");
    assert.equal(store.write(lowest!, source), "written");
    assert.deepEqual(ids(store.query([{ kinds: [0] }]).events), [lowest!.id]);
  });

  it("replaces addressable events per d, and per author", () => {
    const store = newStore();
    const a1 = sign(alice, { kind: 30617, tags: [["d", "a"]] });
    const b1 = sign(alice, { kind: 30617, tags: [["d", "b"]] });
    const bobs = sign(bob, { kind: 30617, tags: [["d", "a"]] });
    const a2 = sign(alice, { kind: 30617, tags: [["d", "a"]] });
    for (const event of [a1, b1, bobs, a2]) assert.equal(store.write(event, source), "written");
    assert.deepEqual(ids(store.query([{ kinds: [30617] }]).events), [a2.id, bobs.id, b1.id]);
  });

  it("applies kind 5 by id and by coordinate, and keeps blocking what it deleted", () => {
    const store = newStore();
    const note = sign(alice, {});
    const bobsNote = sign(bob, {});
    const address = sign(alice, { kind: 30618, tags: [["d", "r"]] });
    for (const event of [note, bobsNote, address]) store.write(event, source);
    const pubkey = getPublicKey(alice);
    const deletion = sign(alice, { kind: 5, tags: [["e", note.id], ["e", bobsNote.id], ["a", `30618:${pubkey}:r`]] });
    assert.equal(store.write(deletion, source), "written");
    assert.deepEqual(ids(store.query([{ ids: [note.id, bobsNote.id, address.id] }]).events), [bobsNote.id]);
    assert.equal(store.write(note, source), "deleted");
    assert.equal(store.write(sign(alice, { kind: 30618, tags: [["d", "r"]], created_at: deletion.created_at }), source), "deleted");
    assert.equal(store.write(sign(alice, { kind: 30618, tags: [["d", "r"]] }), source), "written");
    // Another author's deletion neither removes nor blocks.
    const bobsDeletion = sign(bob, { kind: 5, tags: [["e", bobsNote.id]] });
    store.write(bobsDeletion, source);
    assert.equal(store.has(bobsNote.id), false);
  });

  it("answers filters newest first, with limit capped and matchFilter's tag rules", () => {
    const store = newStore();
    const events = [1, 2, 3].map((n) => sign(alice, { kind: 1621, tags: [["t", n % 2 ? "odd" : "even"]] }));
    for (const event of events) store.write(event, source);
    const [first, second, third] = events as [NostrEvent, NostrEvent, NostrEvent];
    assert.deepEqual(ids(store.query([{ kinds: [1621] }]).events), [third.id, second.id, first.id]);
    assert.deepEqual(ids(store.query([{ "#t": ["odd"] }]).events), [third.id, first.id]);
    assert.deepEqual(ids(store.query([{ kinds: [1621], limit: 1 }]).events), [third.id]);
    assert.deepEqual(ids(store.query([{ since: second.created_at, until: second.created_at }]).events), [second.id]);
    assert.deepEqual(ids(store.query([{ ids: [first.id] }, { ids: [first.id, second.id] }]).events), [first.id, second.id]);
  });

  it("numbers rows so that a poller finds what was added after what it saw, even from another connection", () => {
    const path = join(dir, "shared.sqlite");
    const server = openEventStore(path);
    const importer = openEventStore(path);
    after(() => {
      server.close();
      importer.close();
    });
    const seen = server.lastSeq();
    const event = sign(alice, {});
    importer.write(event, { ...source, sourceType: "Import", sourceInfo: "" });
    const added = server.readAfter(seen, 10);
    assert.deepEqual(added.map((row) => row.event.id), [event.id]);
    assert.equal(server.query([{ ids: [event.id] }]).lastSeq, added[0]!.seq);
  });
});
