// Issue 3's end-to-end flow on `grasp-purgatory dev` with the real policy plugin, a nostr-tools
// client and the git CLI: announce a repository listing the server, see it created, clone it,
// push the git data its state event declares, see the held events released, orphan events
// rejected and related ones accepted, queried back with filters and delivered live.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import * as kinds from "nostr-tools/kinds";
import type { NostrEvent } from "nostr-tools";
import { Relay, useWebSocketImplementation } from "nostr-tools/relay";
import WebSocket from "ws";
import { announcementTags, newIdentity } from "./support/nostr-identity.js";
import { startDevServerProcess } from "./support/dev-server.js";
import { fixedGitEnvironment } from "../src/git/git-fixture.js";
import { tempDir } from "./support/temp-dir.js";

useWebSocketImplementation(WebSocket);
const execFileAsync = promisify(execFile);
const work = tempDir("grasp-dev-flow-");
const gitEnv = { ...process.env, ...fixedGitEnvironment, GIT_AUTHOR_DATE: "2024-01-01T00:00:00Z", GIT_COMMITTER_DATE: "2024-01-01T00:00:00Z" };
const git = (args: string[], cwd = work) =>
  execFileAsync("git", ["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", ...args], { cwd, env: gitEnv });

const server = await startDevServerProcess();
const relay = await Relay.connect(server.relayUrl);
const owner = newIdentity();
const identifier = "hello world";
const announcement = owner.sign({ kind: kinds.RepositoryAnnouncement, tags: announcementTags(owner, identifier, server.serviceHost) });
const coordinate = `${kinds.RepositoryAnnouncement}:${owner.pubkey}:${identifier}`;
const cloneUrl = `${server.httpUrl}/${owner.npub}/${encodeURIComponent(identifier)}.git`;
const repositoryDir = join(server.gitRoot, owner.npub, `${identifier}.git`);

function query(filter: Parameters<Relay["subscribe"]>[0][number]): Promise<NostrEvent[]> {
  return new Promise((resolve) => {
    const events: NostrEvent[] = [];
    const subscription = relay.subscribe([filter], {
      onevent: (event) => events.push(event),
      oneose: () => {
        subscription.close();
        resolve(events);
      },
    });
  });
}

test("an announcement listing the server is acknowledged and its repository created at once", async () => {
  await relay.publish(announcement);
  assert.ok(existsSync(join(repositoryDir, "HEAD")), `no repository at ${repositoryDir}`);
});

test("the new repository clones over HTTP", async () => {
  await git(["clone", "--quiet", cloneUrl, join(work, "empty-clone")]);
  assert.ok(existsSync(join(work, "empty-clone", ".git")));
});

test("a state event is held until its git data is pushed, then released with the announcement", async () => {
  const source = join(work, "source");
  await git(["init", "--quiet", source]);
  writeFileSync(join(source, "README.md"), "hello\n");
  await git(["add", "README.md"], source);
  await git(["commit", "--quiet", "-m", "first"], source);
  const commit = (await git(["rev-parse", "HEAD"], source)).stdout.trim();
  const state = owner.sign({
    kind: kinds.RepositoryState,
    tags: [["d", identifier], ["refs/heads/main", commit], ["HEAD", "ref: refs/heads/main"]],
  });
  const held = await relay.publish(state);
  assert.match(held, /^purgatory:/);
  assert.deepEqual(await query({ ids: [state.id] }), []);

  await git(["push", "--quiet", cloneUrl, "main"], source);
  const served = await query({ authors: [owner.pubkey], kinds: [kinds.RepositoryAnnouncement, kinds.RepositoryState] });
  assert.deepEqual(served.map((event) => event.id).sort(), [announcement.id, state.id].sort());

  const clone = join(work, "clone");
  await git(["clone", "--quiet", cloneUrl, clone]);
  assert.equal(readFileSync(join(clone, "README.md"), "utf8"), "hello\n");
});

test("orphan events are rejected, related ones accepted, queried back and delivered live", async () => {
  const contributor = newIdentity();
  const live: NostrEvent[] = [];
  const subscription = relay.subscribe([{ kinds: [kinds.Issue], "#a": [coordinate] }], { onevent: (event) => live.push(event) });

  const orphan = contributor.sign({ kind: kinds.Issue, content: "lost", tags: [["a", `${kinds.RepositoryAnnouncement}:${owner.pubkey}:no-such-repo`]] });
  await assert.rejects(relay.publish(orphan));
  const issue = contributor.sign({ kind: kinds.Issue, content: "it works", tags: [["a", coordinate], ["p", owner.pubkey]] });
  await relay.publish(issue);
  const reply = contributor.sign({ kind: 1111, content: "indeed", tags: [["E", issue.id], ["K", String(kinds.Issue)], ["P", contributor.pubkey]] });
  await relay.publish(reply);

  assert.deepEqual((await query({ "#a": [coordinate], kinds: [kinds.Issue] })).map((event) => event.id), [issue.id]);
  assert.deepEqual((await query({ authors: [contributor.pubkey] })).map((event) => event.id).sort(), [issue.id, reply.id].sort());
  assert.deepEqual(await query({ ids: [orphan.id] }), []);
  for (let waited = 0; live.length === 0 && waited < 2000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(live.map((event) => event.id), [issue.id]);
  subscription.close();
  relay.close();
});
