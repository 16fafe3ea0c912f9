// SPEC §3: the dev relay drives a write-policy plugin exactly as strfry does, seen from a
// websocket client: the OK for every answer the plugin can give, restarts after a crash,
// a timeout, a wrong id or a missing action, one event at a time, duplicates answered
// without the plugin, and a restart when the plugin file changes.

import assert from "node:assert/strict";
import { chmodSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { newIdentity } from "./support/nostr-identity.js";
import { startDevServerProcess } from "./support/dev-server.js";
import { connectRelay } from "./support/dev-relay-client.js";
import { tempDir } from "./support/temp-dir.js";
import { isRunning } from "./support/processes.js";
import { waitUntil } from "./support/wait-until.js";

const scriptedPlugin = fileURLToPath(new URL("./support/scripted-plugin.js", import.meta.url));

interface LoggedRequest {
  pid: number;
  request: { type: string; event: { id: string; content: string }; receivedAt: number; sourceType: string; sourceInfo: string; authed?: string };
  env: Record<string, string>;
  overlapping: boolean;
}

const author = newIdentity();
const note = (content: string) => author.sign({ kind: 1, content });

const dir = tempDir("grasp-dev-fidelity-");
const logPath = join(dir, "requests.jsonl");
writeFileSync(logPath, "");
// A bare path (no space), so that strfry's restart on mtime change applies.
const pluginPath = join(dir, "scripted-plugin");
writeFileSync(pluginPath, `#!/bin/sh\nexec '${process.execPath}' '${scriptedPlugin}'\n`);
chmodSync(pluginPath, 0o755);
const server = await startDevServerProcess({ plugin: pluginPath, pluginTimeoutSeconds: 1, env: { SCRIPTED_PLUGIN_LOG: logPath } });
const relay = await connectRelay(server.relayUrl);

const requests = (): LoggedRequest[] =>
  readFileSync(logPath, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as LoggedRequest);
const requestsFor = (id: string) => requests().filter((entry) => entry.request.event.id === id);
const pluginPid = async (): Promise<number> => {
  const [accepted, message] = await relay.publish(note("whoami"));
  assert.equal(accepted, false);
  return Number(/^pid:(\d+)$/.exec(message)?.[1]);
};

test("accept stores and serves the event, OK true with an empty message", async () => {
  const event = note("accept");
  assert.deepEqual(await relay.publish(event), [true, ""]);
  assert.deepEqual((await relay.query({ ids: [event.id] })).map((e) => e.id), [event.id]);
});

test("sends strfry's request line and the service environment", async () => {
  const event = note("accept");
  await relay.publish(event);
  const [logged] = requestsFor(event.id);
  assert.ok(logged);
  assert.equal(logged.request.type, "new");
  assert.deepEqual(logged.request.event, {
    content: event.content,
    created_at: event.created_at,
    id: event.id,
    kind: event.kind,
    pubkey: event.pubkey,
    sig: event.sig,
    tags: event.tags,
  });
  assert.ok(Math.abs(logged.request.receivedAt - Date.now() / 1000) < 60);
  assert.equal(logged.request.sourceType, "IP4");
  assert.equal(logged.request.sourceInfo, "127.0.0.1");
  assert.equal("authed" in logged.request, false);
  // The service's settings; the test runner's own GRASP_PURGATORY_STRFRY may come along too.
  const { GRASP_PURGATORY_STRFRY: _strfry, ...settings } = logged.env;
  assert.deepEqual(settings, {
    GRASP_PURGATORY_SERVICE_HOST: server.serviceHost,
    GRASP_PURGATORY_GIT_ROOT: server.gitRoot,
    GRASP_PURGATORY_DATA_DIR: join(server.dataDir, "data"),
    GRASP_PURGATORY_RELAY_URL: server.relayUrl,
  });
});

test("answers a duplicate of a stored event itself, without the plugin", async () => {
  const event = note("accept");
  await relay.publish(event);
  assert.deepEqual(await relay.publish(event), [true, "duplicate: have this event"]);
  assert.equal(requestsFor(event.id).length, 1);
});

test("reject is OK false with the plugin's message, or an empty one", async () => {
  const withMessage = note("reject:blocked: not here");
  assert.deepEqual(await relay.publish(withMessage), [false, "blocked: not here"]);
  const bare = note("reject");
  assert.deepEqual(await relay.publish(bare), [false, ""]);
  assert.deepEqual(await relay.query({ ids: [withMessage.id, bare.id] }), []);
});

test("shadowReject is OK true with the message, neither stored nor broadcast, and asks again on resubmission", async () => {
  const watcher = await connectRelay(server.relayUrl);
  watcher.send(["REQ", "live", { authors: [author.pubkey], kinds: [1] }]);
  await watcher.waitFor((m) => m[0] === "EOSE");
  const held = note("shadowReject:purgatory: won't be served until git data arrives");
  assert.deepEqual(await relay.publish(held), [true, "purgatory: won't be served until git data arrives"]);
  assert.deepEqual(await relay.publish(note("shadowReject")), [true, ""]);
  assert.deepEqual(await relay.query({ ids: [held.id] }), []);
  assert.deepEqual(await relay.publish(held), [true, "purgatory: won't be served until git data arrives"]);
  assert.equal(requestsFor(held.id).length, 2);
  assert.equal(await watcher.receives((m) => m[0] === "EVENT" && (m[2] as { id: string }).id === held.id, 300), false);
});

for (const [word, what] of [
  ["crash", "a crash"],
  ["sleep:2500", "an answer slower than the timeout"],
  ["wrong-id", "an answer for another id"],
  ["no-action", "an answer without an action"],
  ["unknown-action", "an unknown action"],
  ["silent-noise", "output that is not JSON only"],
] as const) {
  test(`${what} is OK false "error: internal error", and the plugin is restarted for the next event`, async () => {
    const before = await pluginPid();
    const event = note(word);
    assert.deepEqual(await relay.publish(event), [false, "error: internal error"]);
    assert.deepEqual(await relay.query({ ids: [event.id] }), []);
    const after = await pluginPid();
    assert.notEqual(after, before);
    assert.deepEqual(await relay.publish(note("accept")), [true, ""]);
  });
}

test("skips output lines that are not JSON and uses the answer after them", async () => {
  const pid = await pluginPid();
  assert.deepEqual(await relay.publish(note("noise")), [true, ""]);
  assert.equal(await pluginPid(), pid);
});

test("costs the next event an internal error when the plugin dies while idle, as strfry does", async () => {
  // Its own server with a timeout no busy machine reaches: only the plugin's death is tested here.
  const patient = await startDevServerProcess({ plugin: pluginPath, pluginTimeoutSeconds: 60, env: { SCRIPTED_PLUGIN_LOG: logPath } });
  const client = await connectRelay(patient.relayUrl);
  const dying = note("exit-after-answer");
  assert.deepEqual(await client.publish(dying), [true, ""]);
  const pid = requestsFor(dying.id)[0]!.pid;
  await waitUntil(() => !isRunning(pid), "the plugin has exited");
  assert.deepEqual(await client.publish(note("accept")), [false, "error: internal error"]);
  assert.deepEqual(await client.publish(note("accept")), [true, ""]);
});

test("sends one event at a time, from every connection", async () => {
  const others = await Promise.all([connectRelay(server.relayUrl), connectRelay(server.relayUrl)]);
  const events = [note("sleep:150"), note("sleep:150"), note("sleep:150")];
  const answers = await Promise.all(events.map((event, i) => [relay, ...others][i]!.publish(event)));
  assert.deepEqual(answers, [[true, ""], [true, ""], [true, ""]]);
  for (const event of events) assert.equal(requestsFor(event.id)[0]?.overlapping, false);
});

test("restarts the plugin when its file's mtime changes", async () => {
  const before = await pluginPid();
  assert.equal(await pluginPid(), before);
  const later = new Date(Date.now() + 5000);
  utimesSync(pluginPath, later, later);
  assert.notEqual(await pluginPid(), before);
});

test("answers replaced and deleted events with strfry's messages after the plugin accepted them", async () => {
  const newer = author.sign({ kind: 10002, content: "accept" });
  const older = author.sign({ kind: 10002, content: "accept:older", created_at: newer.created_at - 10 });
  assert.deepEqual(await relay.publish(newer), [true, ""]);
  assert.deepEqual(await relay.publish(older), [false, "replaced: have newer event"]);
  assert.equal(requestsFor(older.id).length, 1);

  const doomed = note("accept");
  await relay.publish(doomed);
  assert.deepEqual(await relay.publish(author.sign({ kind: 5, content: "accept", tags: [["e", doomed.id]] })), [true, ""]);
  assert.deepEqual(await relay.query({ ids: [doomed.id] }), []);
  assert.deepEqual(await relay.publish(doomed), [false, "deleted: user requested deletion"]);
});

test("refuses invalid and protected events before the plugin sees them", async () => {
  const forged = { ...note("accept"), sig: "0".repeat(128) };
  assert.deepEqual(await relay.publish(forged), [false, "invalid: bad signature"]);
  const tampered = { ...note("accept"), content: "changed" };
  assert.deepEqual(await relay.publish(tampered), [false, "invalid: bad event id"]);
  const protectedEvent = author.sign({ kind: 1, content: "accept", tags: [["-"]] });
  assert.deepEqual(await relay.publish(protectedEvent), [false, "blocked: event marked as protected"]);
  for (const event of [forged, tampered, protectedEvent]) assert.equal(requestsFor(event.id).length, 0);
});

test("stops cleanly on SIGTERM", async () => {
  assert.equal(await server.stop(), 0);
});
