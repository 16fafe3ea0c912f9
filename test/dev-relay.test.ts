// The dev relay is a NIP-01 relay with strfry's storage rules, behind an accept-everything
// plugin: filters, live subscriptions, replaceable and addressable events, kind 5 deletions,
// strfry's answers to bad input, and `dev import` reaching live subscriptions.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import type { NostrEvent } from "nostr-tools";
import { cliPath } from "../src/paths.js";
import { newIdentity } from "./support/nostr-identity.js";
import { startDevServerProcess } from "./support/dev-server.js";
import { connectRelay } from "./support/dev-relay-client.js";
import type { RelayMessage } from "./support/dev-relay-client.js";
import { tempDir } from "./support/temp-dir.js";

const scriptedPlugin = fileURLToPath(new URL("./support/scripted-plugin.js", import.meta.url));
const logPath = join(tempDir("grasp-dev-relay-"), "requests.jsonl");
writeFileSync(logPath, "");
const server = await startDevServerProcess({ plugin: `node ${scriptedPlugin}`, env: { SCRIPTED_PLUGIN_LOG: logPath } });
const relay = await connectRelay(server.relayUrl);
const alice = newIdentity();
const bob = newIdentity();

const ids = (events: NostrEvent[]) => events.map((event) => event.id);
const isEventFor = (subscription: string, id: string) => (m: RelayMessage) => m[0] === "EVENT" && m[1] === subscription && (m[2] as NostrEvent).id === id;
const isNotice = (m: RelayMessage) => m[0] === "NOTICE";

async function publishAll(...events: NostrEvent[]): Promise<void> {
  for (const event of events) assert.deepEqual(await relay.publish(event), [true, ""], `publishing kind ${event.kind}`);
}

test("REQ answers each filter field and ends with EOSE", async () => {
  const first = alice.sign({ kind: 1, content: "first", tags: [["t", "grasp"]] });
  const second = alice.sign({ kind: 1, content: "second" });
  const issue = alice.sign({ kind: 1621, content: "issue", tags: [["t", "grasp"]] });
  const other = bob.sign({ kind: 1, content: "bob's", tags: [["t", "grasp"]] });
  await publishAll(first, second, issue, other);

  assert.deepEqual(ids(await relay.query({ ids: [second.id, other.id] })).sort(), [second.id, other.id].sort());
  assert.deepEqual(ids(await relay.query({ authors: [alice.pubkey] })), [issue.id, second.id, first.id]);
  assert.deepEqual(ids(await relay.query({ authors: [alice.pubkey], kinds: [1621] })), [issue.id]);
  assert.deepEqual(ids(await relay.query({ "#t": ["grasp"], authors: [alice.pubkey, bob.pubkey] })), [other.id, issue.id, first.id]);
  assert.deepEqual(ids(await relay.query({ authors: [alice.pubkey], since: second.created_at, until: issue.created_at })), [issue.id, second.id]);
  assert.deepEqual(ids(await relay.query({ authors: [alice.pubkey], limit: 2 })), [issue.id, second.id]);
  assert.deepEqual(ids(await relay.query({ authors: [alice.pubkey], kinds: [] })), []);
  assert.deepEqual(ids(await relay.query({ ids: [first.id] }, { ids: [other.id] })).sort(), [first.id, other.id].sort());
});

test("an open subscription receives matching events live, and nothing after CLOSE", async () => {
  const watcher = await connectRelay(server.relayUrl);
  watcher.send(["REQ", "live", { authors: [bob.pubkey], kinds: [1] }]);
  await watcher.waitFor((m) => m[0] === "EOSE" && m[1] === "live");
  const matching = bob.sign({ kind: 1, content: "live one" });
  const otherKind = bob.sign({ kind: 7, content: "+", tags: [["e", matching.id]] });
  await publishAll(matching, otherKind);
  await watcher.waitFor(isEventFor("live", matching.id), 2000);
  assert.equal(await watcher.receives(isEventFor("live", otherKind.id), 200), false);
  watcher.send(["CLOSE", "live"]);
  const afterClose = bob.sign({ kind: 1, content: "too late" });
  await publishAll(afterClose);
  assert.equal(await watcher.receives(isEventFor("live", afterClose.id), 300), false);
});

test("replaceable events: the newest wins, a tie goes to the lowest id, an older one is refused", async () => {
  const carol = newIdentity();
  const old = carol.sign({ kind: 0, content: '{"name":"old"}' });
  const current = carol.sign({ kind: 0, content: '{"name":"new"}' });
  await publishAll(old, current);
  assert.deepEqual(ids(await relay.query({ authors: [carol.pubkey], kinds: [0] })), [current.id]);
  assert.deepEqual(await relay.publish(carol.sign({ kind: 0, content: "{}", created_at: old.created_at - 5 })), [false, "replaced: have newer event"]);

  const tied = [0, 1, 2, 3].map((n) => carol.sign({ kind: 10002, content: String(n), created_at: current.created_at + 10 }));
  const [lowest, ...higher] = [...tied].sort((a, b) => (a.id < b.id ? -1 : 1));
  await publishAll(higher[0]!);
  await publishAll(lowest!);
  assert.deepEqual(await relay.publish(higher[1]!), [false, "replaced: have newer event"]);
  assert.deepEqual(ids(await relay.query({ authors: [carol.pubkey], kinds: [10002] })), [lowest!.id]);
});

test("addressable events are replaced per d tag", async () => {
  const first = alice.sign({ kind: 30078, content: "a1", tags: [["d", "a"]] });
  const other = alice.sign({ kind: 30078, content: "b1", tags: [["d", "b"]] });
  const second = alice.sign({ kind: 30078, content: "a2", tags: [["d", "a"]] });
  await publishAll(first, other, second);
  assert.deepEqual(ids(await relay.query({ authors: [alice.pubkey], kinds: [30078] })), [second.id, other.id]);
  assert.deepEqual(await relay.publish(first), [false, "replaced: have newer event"]);
});

test("kind 5 deletes the author's events by id and by coordinate, up to its created_at", async () => {
  const note = alice.sign({ kind: 1, content: "regret" });
  const bobsNote = bob.sign({ kind: 1, content: "not alice's to delete" });
  const address = alice.sign({ kind: 30078, content: "old", tags: [["d", "gone"]] });
  await publishAll(note, bobsNote, address);
  const deletion = alice.sign({
    kind: 5,
    content: "",
    tags: [["e", note.id], ["e", bobsNote.id], ["a", `30078:${alice.pubkey}:gone`]],
  });
  await publishAll(deletion);
  assert.deepEqual(ids(await relay.query({ ids: [note.id, bobsNote.id, address.id] })), [bobsNote.id]);
  assert.deepEqual(await relay.publish(note), [false, "deleted: user requested deletion"]);
  const olderAtAddress = alice.sign({ kind: 30078, content: "older", tags: [["d", "gone"]], created_at: deletion.created_at - 1 });
  assert.deepEqual(await relay.publish(olderAtAddress), [false, "deleted: user requested deletion"]);
  const newerAtAddress = alice.sign({ kind: 30078, content: "back", tags: [["d", "gone"]] });
  await publishAll(newerAtAddress);
  assert.deepEqual(ids(await relay.query({ "#d": ["gone"], authors: [alice.pubkey] })), [newerAtAddress.id]);
});

test("bad input gets strfry's NOTICE or OK false, and the connection stays usable", async () => {
  const client = await connectRelay(server.relayUrl);
  const expectNotice = async (frame: string, text: RegExp) => {
    client.send(frame);
    const [, message] = await client.waitFor(isNotice);
    assert.match(message as string, text, frame.slice(0, 60));
  };
  await expectNotice("hello", /^ERROR: bad msg: unparseable message$/);
  await expectNotice("[not json", /^ERROR: bad msg: /);
  await expectNotice('["EVENT"]', /^ERROR: bad msg: bad message$/);
  await expectNotice('["AUTH", {}]', /^ERROR: bad msg: unknown cmd/);
  await expectNotice('["COUNT", "c", {}]', /^ERROR: bad msg: unknown cmd/);
  await expectNotice('["EVENT", {"kind": 1}]', /^ERROR: bad msg: event has no string id$/);
  await expectNotice('["REQ", "s"]', /^ERROR: bad req: arr too small$/);
  await expectNotice('["REQ", "s", {"kinds": "1"}]', /^ERROR: bad req: kinds must be/);
  await expectNotice('["REQ", "s", {"authors": ["abc"]}]', /^ERROR: bad req: authors must be/);
  await expectNotice('["REQ", "s", {"#tag": ["x"]}]', /^ERROR: bad req: unindexed tag filter/);
  await expectNotice('["REQ", "s", {"search": "x"}]', /^ERROR: bad req: unrecognised filter item/);
  await expectNotice('["REQ", "s", 5]', /^ERROR: bad req: filter is not an object$/);
  await expectNotice('["REQ", 7, {}]', /^ERROR: bad req: subscription id is not a string$/);
  await expectNotice('["CLOSE", "a", "b"]', /^ERROR: bad close: /);

  client.send(JSON.stringify(["EVENT", { id: "x", kind: 1 }]));
  assert.deepEqual((await client.waitFor((m) => m[0] === "OK")).slice(1), ["x", false, "invalid: event id is not 64 lower-case hex characters"]);
  const huge = alice.sign({ kind: 1, content: "x".repeat(70_000) });
  assert.deepEqual(await client.publish(huge), [false, `invalid: event too large: ${Buffer.byteLength(JSON.stringify(huge))}`]);
  const tooLate = alice.sign({ kind: 1, content: "future", created_at: Math.floor(Date.now() / 1000) + 3600 });
  assert.deepEqual(await client.publish(tooLate), [false, "invalid: created_at too late"]);

  const fine = alice.sign({ kind: 1, content: "still fine" });
  assert.deepEqual(await client.publish(fine), [true, ""]);
});

test("a message over 128 KiB closes that connection (1009) and nothing else", async () => {
  const client = await connectRelay(server.relayUrl);
  client.send(JSON.stringify(["EVENT", { content: "x".repeat(140_000) }]));
  assert.equal((await client.closed).code, 1009);
  const next = await connectRelay(server.relayUrl);
  assert.deepEqual(await next.query({ kinds: [1], limit: 1 }).then((events) => events.length), 1);
});

test("dev import writes straight to the store, without the plugin, and reaches live subscriptions", async () => {
  const dave = newIdentity();
  const watcher = await connectRelay(server.relayUrl);
  watcher.send(["REQ", "imports", { authors: [dave.pubkey] }]);
  await watcher.waitFor((m) => m[0] === "EOSE");

  const newer = dave.sign({ kind: 10002, content: "newer" });
  const older = dave.sign({ kind: 10002, content: "older", created_at: newer.created_at - 100 });
  const note = dave.sign({ kind: 1, content: "imported" });
  const forged = { ...dave.sign({ kind: 1, content: "forged" }), sig: "f".repeat(128) };
  const input = [newer, older, note, forged, note].map((event) => JSON.stringify(event)).join("\n") + "\nnot json\n";
  const output = await new Promise<string>((resolve, reject) => {
    const child = execFile(process.execPath, [cliPath, "dev", "import", "--data", server.dataDir], (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
    child.stdin!.end(input);
  });
  assert.match(output, /read 6 events: 2 added, 1 already stored, 3 rejected/);

  await watcher.waitFor(isEventFor("imports", newer.id), 1000);
  await watcher.waitFor(isEventFor("imports", note.id), 1000);
  assert.deepEqual(ids(await relay.query({ authors: [dave.pubkey] })).sort(), [newer.id, note.id].sort());
  const asked = readFileSync(logPath, "utf8");
  for (const event of [newer, older, note]) assert.equal(asked.includes(event.id), false, "the plugin saw an imported event");
  // Once stored, a resubmission over the websocket is a duplicate, as in strfry.
  assert.deepEqual(await relay.publish(note), [true, "duplicate: have this event"]);
});
