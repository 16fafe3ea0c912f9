#!/usr/bin/env node
// The README's walkthrough as a script, against a running `grasp-purgatory dev` (or any GRASP
// server): announce a repository, publish its state, push, then clone it and query the state.
//
//   npm start                                  # in one terminal
//   node examples/walkthrough.mjs              # in another (default http://127.0.0.1:7777)
//   node examples/walkthrough.mjs http://127.0.0.1:8080

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finalizeEvent, generateSecretKey, getPublicKey, nip19 } from "nostr-tools";
import WebSocket from "ws";

const httpUrl = (process.argv[2] ?? "http://127.0.0.1:7777").replace(/\/+$/, "");
const relayUrl = httpUrl.replace(/^http/, "ws");
const secretKey = generateSecretKey();
const npub = nip19.npubEncode(getPublicKey(secretKey));
const identifier = `walkthrough-${Date.now()}`;
const cloneUrl = `${httpUrl}/${npub}/${identifier}.git`;

const socket = new WebSocket(relayUrl);
await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
const messages = [];
const waiters = [];
socket.on("message", (data) => {
  const message = JSON.parse(String(data));
  const index = waiters.findIndex(({ matches }) => matches(message));
  if (index === -1) messages.push(message);
  else waiters.splice(index, 1)[0].resolve(message);
});
const next = (matches) =>
  new Promise((resolve) => {
    const index = messages.findIndex(matches);
    if (index === -1) waiters.push({ matches, resolve });
    else resolve(messages.splice(index, 1)[0]);
  });
const publish = async (template) => {
  const event = finalizeEvent({ created_at: Math.floor(Date.now() / 1000), content: "", ...template }, secretKey);
  socket.send(JSON.stringify(["EVENT", event]));
  const [, , ok, message] = await next((m) => m[0] === "OK" && m[1] === event.id);
  console.log(`kind ${event.kind}: OK ${ok} ${JSON.stringify(message)}`);
  return event;
};

const work = mkdtempSync(join(tmpdir(), "grasp-walkthrough-"));
const git = (...args) => execFileSync("git", args, { cwd: work, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
try {
  console.log(`1. announce ${cloneUrl}`);
  await publish({ kind: 30617, tags: [["d", identifier], ["name", identifier], ["clone", cloneUrl], ["relays", relayUrl]] });

  git("init", "--quiet", "--initial-branch=main");
  git("-c", "user.name=Walkthrough", "-c", "user.email=walkthrough@example.com", "commit", "--quiet", "--allow-empty", "-m", "first commit");
  const tip = git("rev-parse", "HEAD");
  console.log(`2. publish the state: main at ${tip.slice(0, 8)}`);
  const state = await publish({ kind: 30618, tags: [["d", identifier], ["refs/heads/main", tip], ["HEAD", "ref: refs/heads/main"]] });

  console.log("3. push");
  git("push", "--quiet", cloneUrl, "main");
  socket.send(JSON.stringify(["REQ", "state", { ids: [state.id] }]));
  const served = await next((m) => (m[0] === "EVENT" || m[0] === "EOSE") && m[1] === "state");
  console.log(`   the state is ${served[0] === "EVENT" ? "served" : "NOT served"} right after the push`);

  const clone = join(work, "clone");
  execFileSync("git", ["clone", "--quiet", cloneUrl, clone]);
  console.log(`4. cloned: main is at ${execFileSync("git", ["-C", clone, "rev-parse", "HEAD"], { encoding: "utf8" }).trim().slice(0, 8)}`);
  if (served[0] !== "EVENT") process.exitCode = 1;
} finally {
  socket.close();
  rmSync(work, { recursive: true, force: true });
}
