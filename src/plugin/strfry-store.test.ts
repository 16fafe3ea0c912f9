// Reading strfry's store, against the project's own dev relay (strfry's REQ rules, its 500-event
// page limit among them) started in-process behind an accept-everything plugin. Events go in
// as `dev import` puts them (straight into the relay's store) or over the websocket.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import type { Filter, NostrEvent } from "nostr-tools";
import { importEvents } from "../dev/import-events.js";
import { openEventStore } from "../dev/event-store.js";
import { startDevServer } from "../dev/server.js";
import { announcement, newAuthor, newSigner } from "../nostr/event-fixtures.js";
import type { TestAuthor } from "../nostr/event-fixtures.js";
import { relayRequest } from "./relay-request.js";
import { relayPageSize, scanRelay, strfryStore } from "./strfry-store.js";

// The accept-everything plugin of the end-to-end tests (compiled beside this file's tree).
const scriptedPlugin = fileURLToPath(new URL("../../test/support/scripted-plugin.js", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "grasp-strfry-store-test-"));
const server = await startDevServer({ host: "127.0.0.1", port: 0, dataDir, pluginCommand: `node ${scriptedPlugin}`, pluginTimeoutSeconds: 10 });
after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

/** Every id the relay holds, as the tests put them in (for the scan without a filter). */
const inRelay = new Set<string>();

async function* linesOf(events: readonly NostrEvent[]): AsyncIterable<string> {
  for (const event of events) yield JSON.stringify(event);
}

/** What `grasp-purgatory dev import` does: straight into the relay's store, no plugin. */
async function importIntoRelay(events: readonly NostrEvent[]): Promise<void> {
  const store = openEventStore(server.storePath);
  try {
    const summary = await importEvents(linesOf(events), store, () => Math.floor(Date.now() / 1000));
    assert.equal(summary.added, events.length, "every event imported");
  } finally {
    store.close();
  }
  for (const event of events) inRelay.add(event.id);
}

async function publish(event: NostrEvent): Promise<void> {
  const answer = await relayRequest(server.relayUrl, ["EVENT", event], (message) => message[0] === "OK" && message[1] === event.id, 10_000);
  assert.ok(answer.ok, answer.ok ? "" : answer.error);
  assert.deepEqual(answer.message.slice(2), [true, ""]);
  inRelay.add(event.id);
}

/** `count` events of one author, the newest at `newest`, `perSecond` of them in each second going back. */
function eventsOf(author: TestAuthor, count: number, newest: number, perSecond: number): NostrEvent[] {
  return Array.from({ length: count }, (_, n) =>
    author.sign({ kind: kinds.ShortTextNote, content: String(n), created_at: newest - Math.floor(n / perSecond) }),
  );
}

async function scan(filter: Filter) {
  const pages: NostrEvent[][] = [];
  const count = await scanRelay(server.relayUrl, filter, (page) => pages.push(page));
  const ids = pages.flat().map((event) => event.id);
  return { count, pages, ids };
}

const sorted = (ids: Iterable<string>) => [...ids].sort();

function assertEachOnce(result: Awaited<ReturnType<typeof scan>>, expected: readonly NostrEvent[]): void {
  assert.equal(new Set(result.ids).size, result.ids.length, "no event is given twice");
  assert.deepEqual(sorted(result.ids), sorted(expected.map((event) => event.id)));
  assert.equal(result.count, expected.length, "the count is the number of events given");
  for (const page of result.pages) assert.ok(page.length > 0 && page.length <= relayPageSize, `a page of ${page.length}`);
}

const base = 1_600_000_000;

/**
 * More than a page of one author's events: 120 in their own seconds, then 450 sharing one
 * second (so the first page ends inside it), then 200 two to a second.
 */
const spread = await (async () => {
  const author = newAuthor();
  const second = base + 10_000;
  const newer = eventsOf(author, 120, second + 120, 1);
  const crowded = eventsOf(author, 450, second, 450);
  const older = eventsOf(author, 200, second - 1, 2);
  const all = [...newer, ...crowded, ...older];
  await importIntoRelay(all);
  return { author, crowded, all };
})();

describe("scanRelay", () => {
  it("gives every one of more than a page of events exactly once, newest pages first, resuming inside a second a page boundary splits", async () => {
    assert.ok(spread.all.length > relayPageSize);
    const result = await scan({ authors: [spread.author.pubkey] });
    assertEachOnce(result, spread.all);
    assert.ok(result.pages.length >= 2, `${result.pages.length} pages`);
    for (let n = 1; n < result.pages.length; n++) {
      const previousOldest = Math.min(...result.pages[n - 1]!.map((event) => event.created_at));
      const newest = Math.max(...result.pages[n]!.map((event) => event.created_at));
      assert.ok(newest <= previousOldest, "each page goes further back");
    }
    const first = new Set(result.pages[0]!.map((event) => event.id));
    const crowdedInFirst = spread.crowded.filter((event) => first.has(event.id)).length;
    assert.ok(crowdedInFirst > 0 && crowdedInFirst < spread.crowded.length, "the first page ends inside the crowded second");
  });

  it("passes a second holding exactly a page of events, after newer ones and before older ones", async () => {
    const author = newAuthor();
    const second = base + 20_000;
    const newer = eventsOf(author, 20, second + 20, 1);
    const crowded = eventsOf(author, relayPageSize, second, relayPageSize);
    const older = eventsOf(author, 30, second - 1, 5);
    await importIntoRelay([...newer, ...crowded, ...older]);
    assert.equal(new Set(crowded.map((event) => event.created_at)).size, 1);
    assertEachOnce(await scan({ authors: [author.pubkey] }), [...newer, ...crowded, ...older]);
  });

  it("gives nothing, and calls no page, when nothing matches", async () => {
    const result = await scan({ authors: [newAuthor().pubkey] });
    assert.deepEqual(result, { count: 0, pages: [], ids: [] });
  });

  it("keeps the filter: kinds and since narrow the scan", async () => {
    const author = newAuthor();
    const notes = eventsOf(author, 30, base + 50_000, 1);
    const hosted = announcement(author, "repo", { created_at: base + 50_000 - 5 });
    await importIntoRelay([...notes, hosted]);
    assertEachOnce(await scan({ authors: [author.pubkey], kinds: [kinds.RepositoryAnnouncement] }), [hosted]);
    assertEachOnce(await scan({ authors: [author.pubkey], kinds: [kinds.ShortTextNote], since: base + 50_000 - 9 }), notes.slice(0, 10));
  });

  it("throws when the relay cannot be read", async () => {
    await assert.rejects(scanRelay(await unreachableRelay(), {}, () => assert.fail("no page from a relay that is not there")), /ECONNREFUSED|closed|no answer/);
  });
});

describe("strfryStore", () => {
  it("stored() gives exactly the ids the relay has, of those asked, and events() the events themselves", async () => {
    const owner = newSigner(() => Math.floor(Date.now() / 1000) - 60);
    const imported = eventsOf(owner, 3, base + 60_000, 1);
    await importIntoRelay(imported);
    const published = owner.sign({ kind: kinds.ShortTextNote, content: "over the websocket" });
    await publish(published);
    const neverSent = owner.sign({ kind: kinds.ShortTextNote, content: "never sent" });
    const store = strfryStore(server.relayUrl);
    assert.equal(store.relayUrl, server.relayUrl);

    const asked = [imported[0]!.id, neverSent.id, published.id, imported[2]!.id, "0".repeat(64)];
    assert.deepEqual(sorted((await store.stored(asked))!), sorted([imported[0]!.id, published.id, imported[2]!.id]));
    assert.deepEqual((await store.stored([neverSent.id]))!.size, 0);
    const events = (await store.events([published.id, neverSent.id]))!;
    assert.deepEqual(events, [JSON.parse(JSON.stringify(published)) as NostrEvent]);
  });

  it("stored() leaves out what strfry replaced or deleted", async () => {
    const owner = newSigner(() => Math.floor(Date.now() / 1000) - 30);
    const old = announcement(owner, "repo", { created_at: base + 70_000 });
    const newer = announcement(owner, "repo", { created_at: base + 70_001 });
    const note = owner.sign({ kind: kinds.ShortTextNote, content: "regret", created_at: base + 70_002 });
    await importIntoRelay([old]);
    await importIntoRelay([newer]);
    inRelay.delete(old.id);
    await importIntoRelay([note]);
    const deletion = owner.sign({ kind: kinds.EventDeletion, tags: [["e", note.id]] });
    await publish(deletion);
    inRelay.delete(note.id);

    const stored = await strfryStore(server.relayUrl).stored([old.id, newer.id, note.id, deletion.id]);
    assert.deepEqual(sorted(stored!), sorted([newer.id, deletion.id]));
  });

  it("stored() of no ids is an empty set, without asking the relay", async () => {
    assert.deepEqual(await strfryStore(await unreachableRelay()).stored([]), new Set());
    assert.deepEqual(await strfryStore(await unreachableRelay()).events([]), []);
  });

  it("stored() and events() are undefined when the relay cannot be asked", async () => {
    const store = strfryStore(await unreachableRelay());
    const id = newAuthor().sign({ kind: kinds.ShortTextNote }).id;
    assert.equal(await store.stored([id]), undefined);
    assert.equal(await store.events([id]), undefined);
  });

  it(
    "stored() answers for more ids than one REQ returns (the relay's page limit)",
    async () => {
      const stored = await strfryStore(server.relayUrl).stored(spread.all.map((event) => event.id));
      assert.equal(stored?.size, spread.all.length);
    },
  );
});

describe("scanRelay without a filter (reindex)", () => {
  it("gives every event the relay holds, each once", async () => {
    const result = await scan({});
    assert.equal(new Set(result.ids).size, result.ids.length, "no event is given twice");
    assert.equal(result.count, inRelay.size);
    assert.deepEqual(sorted(result.ids), sorted(inRelay));
  });
});

// Last: strfry's REQ cannot page inside one second, so a scan of the whole relay would miss
// some of this second's events.
describe("scanRelay, more than a page in one second", () => {
  it("still ends, reads the older seconds, and gives what it gives once", async () => {
    const author = newAuthor();
    const second = base + 40_000;
    const crowded = eventsOf(author, relayPageSize + 20, second, relayPageSize + 20);
    const older = eventsOf(author, 30, second - 1, 3);
    await importIntoRelay([...crowded, ...older]);
    const result = await scan({ authors: [author.pubkey] });
    assert.equal(new Set(result.ids).size, result.ids.length, "no event is given twice");
    assert.equal(result.count, result.ids.length);
    const given = new Set(result.ids);
    for (const event of older) assert.ok(given.has(event.id), "the older seconds are all read");
    assert.ok(crowded.filter((event) => given.has(event.id)).length >= relayPageSize, "at least a page of the crowded second");
  });
});

/** A websocket URL at which nothing listens (a port just freed). */
async function unreachableRelay(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `ws://127.0.0.1:${port}`;
}
