// Issue 10: what an anonymous client can make the server spend is capped, placeholders follow
// their ref and take their objects with them when they expire, the daemon socket has one owner
// per data directory and survives hostile input, and the rules' rough edges are gone.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { join } from "node:path";
import { describe, it } from "node:test";
import { askDaemon } from "../src/plugin/daemon-client.js";
import { assertPushed, assertRejected, graspSession } from "./support/grasp-session.js";
import { kind, purgatoryAnswer, uniqueIdentifier } from "./support/hosted-repository.js";
import { announcementTags, newIdentity } from "./support/nostr-identity.js";
import { operatorCli, serverSettings } from "./support/operator-cli.js";
import { requestLine, startPolicy } from "./support/policy-process.js";
import { tempDir } from "./support/temp-dir.js";
import { waitUntil } from "./support/wait-until.js";

// The default expiry: nothing here may expire while a test looks at it, however busy the machine.
const { server, relay, served, announced, repositoryWithData } = await graspSession({ env: { GRASP_PURGATORY_SWEEP_SECONDS: "1" } });
const nostrRef = (id: string) => `refs/nostr/${id}`;
const randomId = () => randomBytes(32).toString("hex");

/** Bytes of every file under the repository's objects directory. */
function objectBytes(path: string): number {
  let total = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else total += statSync(full).size;
    }
  };
  walk(join(path, "objects"));
  return total;
}

describe("limits on what an anonymous push may leave", () => {
  it("a push of 500 refs/nostr refs without PR events is refused past maxPlaceholdersPerPush; one under it is accepted", async () => {
    const { repository, work } = await repositoryWithData("many-refs");
    const tip = work.commit("a guess");
    const many = Array.from({ length: 500 }, () => `${tip}:${nostrRef(randomId())}`);
    const refused = work.push(repository.url, ...many);
    assertRejected(refused, "refs/nostr: this push leaves 500 refs/nostr/<id> refs without a PR event, more than 10 (maxPlaceholdersPerPush): publish the PR events first, or push fewer at a time");
    assert.match(refused.stderr, /push rejected: 1 problem\(s\) above/);
    assert.equal(repository.refs("refs/nostr/").size, 0);
    assertPushed(work.push(repository.url, ...many.slice(0, 3)));
    assert.equal(repository.refs("refs/nostr/").size, 3);
    const stats = await operatorCli(serverSettings(server)).json<{ totals: { limited: number } }>(["stats"]);
    assert.ok(stats.totals.limited >= 1, "the refusal is counted");
  });

  it("a placeholder follows its ref: pushed at X then at Y, it is gone at expiry, and its objects with it", async () => {
    // Its own server: both pushes must land before the placeholder expires, even on a busy machine.
    const patient = await graspSession({ env: { GRASP_PURGATORY_TTL_SECONDS: "8", GRASP_PURGATORY_SWEEP_SECONDS: "1" } });
    const { repository, work } = await patient.repositoryWithData("moved-placeholder");
    const before = objectBytes(repository.path);
    writeFileSync(join(work.dir, "noise.bin"), randomBytes(2 * 2 ** 20));
    work.git("add", "noise.bin");
    const x = work.commit("x");
    const y = work.commit("y");
    const id = randomId();
    assertPushed(work.push(repository.url, `${x}:${nostrRef(id)}`));
    assertPushed(work.push(repository.url, `${y}:${nostrRef(id)}`));
    assert.equal(repository.refs("refs/nostr/").get(nostrRef(id)), y);
    assert.ok(objectBytes(repository.path) > before + 2 ** 20, "the push brought its objects");

    await waitUntil(() => !repository.refs("refs/nostr/").has(nostrRef(id)), "the expired placeholder's ref is gone, wherever it pointed", 60_000);
    await waitUntil(() => objectBytes(repository.path) < before + 2 ** 19, "the objects only it referenced are pruned", 60_000);
  });
});

describe("the rules' rough edges", () => {
  it("a state whose HEAD names a branch git refuses is rejected as invalid", async () => {
    const repository = await announced("bad-head");
    const state = repository.state({ "refs/heads/main": "a".repeat(40) }, { head: "ref: refs/heads/a..b" });
    assert.deepEqual(await relay.publish(state), [false, `invalid: state has HEAD "refs/heads/a..b", which contains '..' or '@{'`]);
  });

  it("a state declaring `abc123` (not an object id) is held like any incomplete one, and never served", async () => {
    const repository = await announced("not-an-object");
    const state = repository.state({ "refs/heads/main": "abc123" });
    assert.deepEqual(await relay.publish(state), purgatoryAnswer);
    assert.deepEqual(await served(state), []);
    const show = await operatorCli(serverSettings(server)).json<{ entry: { waitingFor: string[] } }>(["show", state.id]);
    assert.deepEqual(show.entry.waitingFor, ['nothing: "abc123" is not a git object id; the author must publish a corrected state']);
  });

  it("a kind 5 from someone else naming a held state is refused and changes nothing", async () => {
    const repository = await announced("foreign-deletion");
    const state = repository.state({ "refs/heads/main": "b".repeat(40) });
    assert.deepEqual(await relay.publish(state), purgatoryAnswer);
    const foreign = newIdentity().sign({ kind: kind.deletion, tags: [["e", state.id], ["a", `${kind.state}:${repository.owner.pubkey}:${repository.identifier}`]] });
    const [ok, message] = await relay.publish(foreign);
    assert.equal(ok, false);
    assert.match(message, /^blocked: kind 5 event references no repository or event on this server/);
    assert.deepEqual(await relay.publish(state), [true, "duplicate: in purgatory"], "still held");
  });

  it("drop of a held announcement removes its repository", async () => {
    const repository = await announced("dropped");
    assert.ok(repository.exists());
    const announcementId = (await operatorCli(serverSettings(server)).json<{ entries: { id: string }[] }>(["list", "--repo", `${repository.owner.npub}/${repository.identifier}`])).entries[0]!.id;
    const dropped = await operatorCli(serverSettings(server)).run(["drop", announcementId]);
    assert.equal(dropped.status, 0, dropped.stderr);
    await waitUntil(() => !repository.exists(), "the dropped announcement's repository is removed", 60_000);
  });
});

describe("the policy process on its own", () => {
  const settings = () => {
    const dir = tempDir("abuse-");
    return { serviceHost: "127.0.0.1:7777", gitRoot: join(dir, "git"), dataDir: join(dir, "data") };
  };

  it("events strfry streams or syncs from elsewhere create no repository", async () => {
    const config = settings();
    const policy = startPolicy(config);
    const owner = newIdentity();
    const identifier = uniqueIdentifier("synced");
    const announcement = owner.sign({ kind: kind.announcement, tags: announcementTags(owner, identifier, config.serviceHost) });
    for (const sourceType of ["Stream", "Sync", "?"]) {
      policy.sendLine(requestLine(announcement, sourceType));
      const answer = await policy.nextAnswer();
      assert.deepEqual(answer, {
        id: announcement.id,
        action: "reject",
        msg: `blocked: a new repository is created only by an announcement published to this relay directly, not one from ${sourceType}`,
      });
    }
    assert.equal(existsSync(join(config.gitRoot, owner.npub, `${identifier}.git`)), false);
    assert.equal((await policy.submit(announcement)).action, "shadowReject", "the same announcement from a client is held");
    assert.equal(existsSync(join(config.gitRoot, owner.npub, `${identifier}.git`)), true);
    await policy.close();
  });

  it("two policy processes on one data directory: the first owns the socket, the second takes it over when the first exits", async () => {
    const config = settings();
    const socketPath = join(config.dataDir, "daemon.sock");
    const first = startPolicy(config);
    await waitUntil(async () => (await askDaemon(socketPath, { op: "ping" }, 2000)).ok, "the first daemon answers");
    const firstPid = ((await askDaemon(socketPath, { op: "ping" }, 2000)) as unknown as { pid: number }).pid;
    const second = startPolicy(config);
    await waitUntil(() => second.stderr().includes('"msg":"policy process ready"'), "the second process runs");
    assert.equal(((await askDaemon(socketPath, { op: "ping" }, 2000)) as unknown as { pid: number }).pid, firstPid, "the second neither steals nor removes it");
    await first.close();
    await waitUntil(async () => {
      const answer = await askDaemon(socketPath, { op: "ping" }, 2000);
      return answer.ok && answer.pid !== firstPid;
    }, "the second process serves the socket");
    await second.close();
  });

  it("a 10 MB line on the socket gets an error and the daemon stays up", async () => {
    const config = settings();
    const policy = startPolicy(config);
    const socketPath = join(config.dataDir, "daemon.sock");
    await waitUntil(async () => (await askDaemon(socketPath, { op: "ping" }, 2000)).ok, "the daemon answers");
    const answer = await new Promise<string>((resolve, reject) => {
      const connection = createConnection(socketPath);
      let text = "";
      connection.on("data", (chunk) => (text += chunk));
      connection.on("close", () => resolve(text));
      connection.on("error", reject);
      connection.on("connect", () => connection.write("x".repeat(10 * 2 ** 20)));
    });
    assert.deepEqual(JSON.parse(answer.split("\n")[0]!), { ok: false, error: "request line longer than 65536 bytes" });
    assert.equal((await askDaemon(socketPath, { op: "ping" }, 5000)).ok, true, "still answering");
    await policy.close();
  });

  it("the hook's client takes a daemon that closes without answering as no answer, not as a wait", async () => {
    const socketPath = join(tempDir("closing-"), "daemon.sock");
    // As a policy process dying mid-release does: the request arrives, no answer ever leaves.
    const closing = createServer((connection) => connection.once("data", () => connection.destroy()));
    await new Promise<void>((resolve) => closing.listen(socketPath, resolve));
    const answer = await askDaemon(socketPath, { op: "release", repository: "x/y.git" }, 30_000);
    closing.close();
    assert.deepEqual(answer, { ok: false, error: `the daemon at ${socketPath} closed the connection without answering` });
  });
});
