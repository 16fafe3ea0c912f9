// Issue 9: the production deployment as shipped. `grasp-purgatory stack start` renders the
// deployment (nginx site, strfry.conf, policy wrapper, config, systemd units) and runs
// strfry, nginx and fcgiwrap from those files as two users; every client here talks to nginx
// only. The flows of the purgatory, CORS, NIP-11, pages and 404s, doctor (and what it says
// when a permission breaks), nginx -t and systemd-analyze verify on the generated files.
//
// Skipped, saying why, without root, strfry, nginx or fcgiwrap; failed instead with CI=true.

import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { NostrEvent } from "nostr-tools";
import { freePort } from "../src/deploy/stack.js";
import { cliPath } from "../src/paths.js";
import { connectRelay } from "./support/dev-relay-client.js";
import type { RelayMessage, RelaySocket } from "./support/dev-relay-client.js";
import { workingRepository } from "./support/git-client.js";
import { assertPushed, assertRejected, ids } from "./support/grasp-session.js";
import { acceptedAnswer, hostedRepository, kind, purgatoryAnswer, short, uniqueIdentifier } from "./support/hosted-repository.js";
import type { HostedRepository } from "./support/hosted-repository.js";
import { newIdentity } from "./support/nostr-identity.js";
import { idsOf, productionStackSkipReason, stackPaths, startProductionStack } from "./support/production-stack.js";
import type { ProductionStack } from "./support/production-stack.js";
import { tempDir } from "./support/temp-dir.js";
import { waitUntil } from "./support/wait-until.js";

const unavailable = productionStackSkipReason();
const required = process.env.CI === "true";
const skip = unavailable !== undefined && !required ? unavailable : false;
if (skip !== false) process.stdout.write(`# production stack tests skipped: ${skip}\n`);

const stack = unavailable === undefined ? await startProductionStack() : undefined;
const relay = stack === undefined ? undefined : await connectRelay(stack.relayUrl);

interface Session {
  stack: ProductionStack;
  relay: RelaySocket;
  served(...events: NostrEvent[]): Promise<string[]>;
  announced(name: string): Promise<HostedRepository>;
  withData(name: string): Promise<{ repository: HostedRepository; work: ReturnType<typeof workingRepository>; tip: string; state: NostrEvent }>;
}

function session(server: ProductionStack, socket: RelaySocket): Session {
  const served = async (...events: NostrEvent[]) => ids(...(await socket.query({ ids: events.map((event) => event.id) })));
  const announced = async (name: string) => {
    const repository = hostedRepository(server, newIdentity(), uniqueIdentifier(name));
    assert.deepEqual(await socket.publish(repository.announcement()), purgatoryAnswer, "a new announcement is held");
    assert.ok(repository.exists(), "the repository is created at once");
    return repository;
  };
  return {
    stack: server,
    relay: socket,
    served,
    announced,
    async withData(name) {
      const repository = await announced(name);
      const work = workingRepository();
      const tip = work.commit("first");
      const state = repository.state({ "refs/heads/main": tip }, { head: "ref: refs/heads/main" });
      assert.deepEqual(await socket.publish(state), purgatoryAnswer);
      assertPushed(work.push(repository.url, "main"));
      assert.deepEqual(await served(state), [state.id]);
      return { repository, work, tip, state };
    },
  };
}

/** A test on the production stack: skipped with the reason when it cannot run here, failed with it in CI. */
function onStack(name: string, body: (session: Session) => Promise<void>): void {
  it(name, { skip, timeout: 120_000 }, async (t) => {
    if (stack === undefined || relay === undefined) return assert.fail(`CI=true needs the production stack: ${unavailable}`);
    try {
      await body(session(stack, relay));
    } catch (error) {
      t.diagnostic(`the stack's logs (tails):\n${stack.logs()}`);
      throw error;
    }
  });
}

const isEventFor = (subscription: string, id: string) => (m: RelayMessage) => m[0] === "EVENT" && m[1] === subscription && (m[2] as NostrEvent).id === id;

async function subscribe(url: string, subscription: string, filter: object): Promise<RelaySocket> {
  const watcher = await connectRelay(url);
  watcher.send(["REQ", subscription, filter]);
  await watcher.waitFor((m) => m[0] === "EOSE" && m[1] === subscription);
  return watcher;
}

const nostrRef = (event: NostrEvent) => `refs/nostr/${event.id}`;
const contributor = newIdentity();
const user = { relay: "grasp-relay", git: "grasp-git", group: "grasp" };

/** The user id a process runs as: /proc/<pid> belongs to it. */
function processUid(pid: number): number {
  return statSync(`/proc/${pid}`).uid;
}

/** The pids in a process group that have `argument` among their arguments. */
function groupProcesses(processGroup: number, argument: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return Number(fields[2]) === processGroup && fields[0] !== "Z" && readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes(argument);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const cors = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST",
  "access-control-allow-headers": "Content-Type, Git-Protocol",
};

function assertCors(response: Response, what: string): void {
  for (const [name, value] of Object.entries(cors)) assert.equal(response.headers.get(name), value, `${what}: ${name}`);
}

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix: string | null;
}

describe("the production deployment (strfry + nginx + fcgiwrap, two users), over nginx only", () => {
  onStack("runs strfry and the policy as grasp-relay and fcgiwrap as grasp-git, sharing the group grasp", async ({ stack: server, relay: socket, served, announced }) => {
    const strfry = server.processes.find((entry) => entry.name === "strfry")!;
    const fcgiwrap = server.processes.find((entry) => entry.name === "fcgiwrap")!;
    assert.equal(processUid(strfry.pid), idsOf(user.relay).uid);
    const policy = groupProcesses(strfry.pid, "policy");
    assert.ok(policy.length > 0, "strfry started the policy process");
    for (const pid of policy) assert.equal(processUid(pid), idsOf(user.relay).uid, "the policy runs as strfry's user");
    assert.equal(processUid(fcgiwrap.pid), idsOf(user.git).uid);

    const repository = await announced("two-users");
    const work = workingRepository();
    const state = repository.state({ "refs/heads/main": work.commit("first") }, { head: "ref: refs/heads/main" });
    assert.deepEqual(await socket.publish(state), purgatoryAnswer);
    assertPushed(work.push(repository.url, "main"));
    assert.deepEqual(await served(state), [state.id]);

    // The policy created the repository; the push (git http-backend, as grasp-git) wrote its objects.
    const groupGid = idsOf(user.git).gid;
    assert.equal(statSync(repository.path).uid, idsOf(user.relay).uid);
    const objectDirs = readdirSync(join(repository.path, "objects")).filter((name) => /^[0-9a-f]{2}$/.test(name));
    assert.ok(objectDirs.length > 0);
    for (const name of objectDirs) {
      const dir = statSync(join(repository.path, "objects", name));
      assert.equal(dir.gid, groupGid, "in the shared group");
      assert.equal(dir.mode & 0o2070, 0o2070, "group-writable and setgid");
    }
    const paths = stackPaths(server.dir);
    for (const name of ["purgatory.sqlite", "purgatory.sqlite-wal", "purgatory.sqlite-shm", "daemon.sock"]) {
      const file = statSync(join(paths.dataDir, name));
      assert.equal(file.gid, groupGid, `${name} is in the shared group`);
      assert.equal(file.mode & 0o777, 0o660, `${name} is 660`);
    }
  });

  onStack("announce, state, push (3 MB, streamed through nginx), clone: both events are served when git push returns", async ({ relay: socket, served, announced }) => {
    const repository = await announced("first-push");
    assert.deepEqual(await socket.query({ kinds: [kind.announcement], authors: [repository.owner.pubkey] }), [], "the held announcement is not served");
    const work = workingRepository();
    writeFileSync(join(work.dir, "large.bin"), randomBytes(3 * 1024 * 1024));
    work.git("add", "large.bin");
    const tip = work.commit("first, with a large file");
    const state = repository.state({ "refs/heads/main": tip }, { head: "ref: refs/heads/main" });
    assert.deepEqual(await socket.publish(state), purgatoryAnswer);
    assert.deepEqual(await served(state), [], "the held state is not served");

    assertPushed(work.push(repository.url, "main"));
    const events = await socket.query({ authors: [repository.owner.pubkey] });
    assert.deepEqual(events.map((event) => event.kind).sort(), [kind.announcement, kind.state]);

    const cloneDir = join(tempDir("grasp-stack-clone-"), "clone");
    execFileSync("git", ["clone", "--quiet", repository.url, cloneDir], { stdio: ["ignore", "pipe", "pipe"] });
    assert.equal(execFileSync("git", ["-C", cloneDir, "rev-parse", "HEAD"], { encoding: "utf8" }).trim(), tip);
    assert.equal(execFileSync("git", ["-C", cloneDir, "symbolic-ref", "HEAD"], { encoding: "utf8" }).trim(), "refs/heads/main");
    assert.equal(statSync(join(cloneDir, "large.bin")).size, 3 * 1024 * 1024);
  });

  onStack("a new state first, the push after: held until the push, served when git push returns", async ({ relay: socket, served, withData }) => {
    const { repository, work, state: first } = await withData("state-first");
    const next = work.commit("second");
    const state = repository.state({ "refs/heads/main": next }, { head: "ref: refs/heads/main" });
    assert.deepEqual(await socket.publish(state), purgatoryAnswer);
    assert.deepEqual(await served(state), [], "held while its commit is missing");
    assert.deepEqual(await served(first), [first.id], "the older state is still served");
    assertPushed(work.push(repository.url, "main"));
    assert.deepEqual(await served(state), [state.id]);
    assert.equal(repository.refs().get("refs/heads/main"), next);
  });

  onStack("a PR, git first: the tip pushed to refs/nostr/<id> waits, and the PR event is then accepted at once", async ({ relay: socket, served, withData }) => {
    const { repository, work } = await withData("pr-git-first");
    work.git("checkout", "--quiet", "-b", "feature");
    const tip = work.commit("the change");
    const pullRequest = repository.pullRequest(contributor, tip);
    assertPushed(work.push(repository.url, `${tip}:${nostrRef(pullRequest)}`));
    assert.equal(repository.refs().get(nostrRef(pullRequest)), tip);
    assert.deepEqual(await socket.publish(pullRequest), acceptedAnswer);
    assert.deepEqual(await served(pullRequest), [pullRequest.id]);
  });

  onStack("a PR, event first: held until its tip is pushed, served when git push returns", async ({ relay: socket, served, withData }) => {
    const { repository, work } = await withData("pr-event-first");
    work.git("checkout", "--quiet", "-b", "feature");
    const tip = work.commit("the change");
    const pullRequest = repository.pullRequest(contributor, tip);
    assert.deepEqual(await socket.publish(pullRequest), purgatoryAnswer);
    assert.deepEqual(await served(pullRequest), []);
    assertPushed(work.push(repository.url, `${tip}:${nostrRef(pullRequest)}`));
    assert.deepEqual(await served(pullRequest), [pullRequest.id]);
  });

  onStack("a subscription opened before the push receives the released announcement and state", async ({ stack: server, relay: socket, served }) => {
    const repository = hostedRepository(server, newIdentity(), uniqueIdentifier("live"));
    const watcher = await subscribe(server.relayUrl, "live", { authors: [repository.owner.pubkey] });
    const announcement = repository.announcement();
    assert.deepEqual(await socket.publish(announcement), purgatoryAnswer);
    const work = workingRepository();
    const state = repository.state({ "refs/heads/main": work.commit("first") }, { head: "ref: refs/heads/main" });
    assert.deepEqual(await socket.publish(state), purgatoryAnswer);
    assert.equal(await watcher.receives((m) => m[0] === "EVENT" && m[1] === "live", 100), false, "nothing held is broadcast");
    assertPushed(work.push(repository.url, "main"));
    assert.deepEqual(await served(announcement, state), ids(announcement, state));
    await watcher.waitFor(isEventFor("live", announcement.id), 10_000);
    await watcher.waitFor(isEventFor("live", state.id), 10_000);
  });

  onStack("a push of another commit than the state declares is refused, with the reason in git push's output", async ({ relay: socket, served, announced }) => {
    const repository = await announced("wrong-commit");
    const work = workingRepository();
    const declared = work.commit("declared");
    const other = work.commit("other");
    const state = repository.state({ "refs/heads/main": declared });
    assert.deepEqual(await socket.publish(state), purgatoryAnswer);
    assertRejected(work.push(repository.url, "main"), `refs/heads/main: pushed ${short(other)}, state declares ${short(declared)}`);
    assert.deepEqual(await served(state), [], "a refused push releases nothing");
    assertPushed(work.push(repository.url, `${declared}:refs/heads/main`));
    assert.deepEqual(await served(state), [state.id]);
  });

  onStack("CORS on /, on a repository, on a 404 and on a preflight (204)", async ({ stack: server, withData }) => {
    const { repository } = await withData("cors");
    const unknown = `${server.httpUrl}/${repository.owner.npub}/no-such-repository.git/info/refs?service=git-upload-pack`;
    const answers: [string, Response, number][] = [
      ["/", await fetch(`${server.httpUrl}/`), 200],
      ["NIP-11", await fetch(`${server.httpUrl}/`, { headers: { Accept: "application/nostr+json" } }), 200],
      ["a repository page", await fetch(repository.url), 200],
      ["info/refs", await fetch(`${repository.url}/info/refs?service=git-upload-pack`), 200],
      ["an unknown repository", await fetch(unknown), 404],
      ["an unknown path", await fetch(`${server.httpUrl}/favicon.ico`), 404],
      ["a preflight", await fetch(`${repository.url}/git-upload-pack`, { method: "OPTIONS", headers: { "Access-Control-Request-Method": "POST", Origin: "https://app.example" } }), 204],
    ];
    for (const [what, response, status] of answers) {
      assert.equal(response.status, status, what);
      assertCors(response, what);
    }
  });

  onStack("NIP-11: our document, with supported_grasps and repo_acceptance_criteria, not strfry's", async ({ stack: server }) => {
    const response = await fetch(`${server.httpUrl}/`, { headers: { Accept: "application/nostr+json" } });
    assert.equal(response.headers.get("content-type"), "application/nostr+json");
    const document = (await response.json()) as Record<string, unknown>;
    assert.deepEqual(document.supported_grasps, ["GRASP-01"]);
    assert.equal(typeof document.repo_acceptance_criteria, "string");
    assert.ok((document.repo_acceptance_criteria as string).includes(`${server.httpUrl}/<npub>/<d>.git`));
    assert.notEqual(document.name, "strfry default");
    assert.ok(Array.isArray(document.supported_nips) && (document.supported_nips as number[]).includes(34));
  });

  onStack("a page for an existing repository, 404 for an unknown one, and git http-backend only for repositories that exist", async ({ stack: server, announced }) => {
    const repository = await announced("page");
    const page = await fetch(repository.url);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.ok(html.includes(`<h1>${repository.identifier}</h1>`), html);
    assert.ok(html.includes(`git clone ${repository.url}`), html);
    const unknownOwner = newIdentity();
    for (const url of [
      `${server.httpUrl}/${unknownOwner.npub}/${repository.identifier}.git`,
      `${server.httpUrl}/${unknownOwner.npub}/${repository.identifier}.git/info/refs?service=git-upload-pack`,
      `${server.httpUrl}/${repository.owner.npub}/${repository.identifier}.git/config`,
      `${server.httpUrl}/not-a-repository`,
    ]) {
      const response = await fetch(url);
      assert.equal(response.status, 404, url);
      assert.match(await response.text(), /<h1>Not found<\/h1>/);
    }
    const clone = spawnSync("git", ["clone", "--quiet", `${server.httpUrl}/${unknownOwner.npub}/x.git`, join(tempDir("grasp-stack-404-"), "x")], { encoding: "utf8" });
    assert.notEqual(clone.status, 0);
    assert.match(clone.stderr, /not found|404/i);
  });

  onStack("the operator CLI works as root and as either user", async ({ stack: server, relay: socket, announced }) => {
    const repository = await announced("cli-users");
    const state = repository.state({ "refs/heads/main": workingRepository().commit("never pushed") });
    assert.deepEqual(await socket.publish(state), purgatoryAnswer);
    for (const as of [undefined, idsOf(user.relay), idsOf(user.git)]) {
      const list = await server.cli(["list", "--json"], as);
      assert.equal(list.status, 0, list.stderr);
      const entries = (JSON.parse(list.stdout) as { entries: { id: string }[] }).entries;
      assert.ok(entries.some((entry) => entry.id === state.id));
      const show = await server.cli(["show", state.id.slice(0, 8), "--json"], as);
      assert.equal(show.status, 0, show.stderr);
      const stats = await server.cli(["stats", "--json"], as);
      assert.equal(stats.status, 0, stats.stderr);
    }
    const metrics = await server.cli(["metrics"]);
    assert.match(metrics.stdout, /^grasp_purgatory_daemon_up 1$/m);
    assert.match(metrics.stdout, /^grasp_purgatory_entries\{type="state"\} [1-9]/m);
    // The same figures over HTTP on loopback, as grasp-git (any user of the group can serve them).
    const port = await freePort();
    const git = idsOf(user.git);
    const serving = spawn(process.execPath, [cliPath, "--config", server.configPath, "metrics", "--listen", `127.0.0.1:${port}`], { uid: git.uid, gid: git.gid, stdio: "ignore" });
    try {
      const scraped = await waitUntil(async () => {
        const response = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
        return response?.status === 200 ? response.text() : undefined;
      }, "metrics --listen serves /metrics");
      assert.match(scraped, /^grasp_purgatory_daemon_up 1$/m);
    } finally {
      serving.kill("SIGTERM");
    }
    assert.deepEqual(await socket.publish(state), [true, "duplicate: in purgatory"], "still held, nothing broke");
  });

  onStack("doctor passes every check, as root and as either user; with the store made unwritable for git's user it fails naming the fix", async ({ stack: server, withData }) => {
    await withData("doctor");
    for (const as of [undefined, idsOf(user.relay), idsOf(user.git)]) {
      const result = await server.cli(["doctor", "--json"], as);
      const { ok, checks } = JSON.parse(result.stdout) as { ok: boolean; checks: Check[] };
      assert.equal(ok, true, JSON.stringify(checks.filter((check) => !check.ok), null, 2));
      assert.equal(result.status, 0);
      for (const name of ["users", "store access", "socket access", "repository access", "daemon", "hooks", "index", "relay via nginx", "NIP-11", "CORS and 404", "git via nginx"]) {
        assert.ok(checks.some((check) => check.name === name && check.ok), `${name} passes`);
      }
    }

    const store = join(stackPaths(server.dir).dataDir, "purgatory.sqlite");
    chmodSync(store, 0o640);
    try {
      const result = await server.cli(["doctor", "--json"]);
      assert.equal(result.status, 1);
      const failed = (JSON.parse(result.stdout) as { checks: Check[] }).checks.filter((check) => !check.ok);
      assert.deepEqual(failed.map((check) => check.name), ["store access"]);
      assert.match(failed[0]!.detail, new RegExp(`^${user.git} cannot write ${store} \\(owner ${user.relay} \\(uid \\d+\\), group ${user.group}, mode 0640\\)`));
      assert.ok(failed[0]!.fix!.includes(`chmod 660 ${store}`), failed[0]!.fix!);
      const text = await server.cli(["doctor"]);
      assert.match(text.stdout, /^FAIL {2}store access: /m);
    } finally {
      chmodSync(store, 0o660);
    }
    assert.equal((await server.cli(["doctor"])).status, 0, "healthy again after the fix");
  });

  onStack("the generated files pass nginx -t (without and with TLS) and systemd-analyze verify", async ({ stack: server }) => {
    const paths = stackPaths(server.dir);
    const nginx = spawnSync("nginx", ["-t", "-c", paths.stackNginxConf], { encoding: "utf8" });
    assert.equal(nginx.status, 0, nginx.stderr);
    assert.match(nginx.stderr, /syntax is ok/);

    // The TLS site for a public host, with a throwaway certificate, under the stack's nginx.conf.
    const tls = tempDir("grasp-stack-tls-");
    const openssl = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=git.example.com", "-keyout", join(tls, "key.pem"), "-out", join(tls, "cert.pem")], { encoding: "utf8" });
    if (openssl.error === undefined && openssl.status === 0) {
      const prefix = join(tls, "root");
      const deployed = await server.cli(["deploy", "--host", "git.example.com", "--prefix", prefix, "--tls-certificate", join(tls, "cert.pem"), "--tls-key", join(tls, "key.pem"), "--json"]);
      assert.equal(deployed.status, 0, deployed.stderr);
      mkdirSync(join(prefix, "var/log/nginx"), { recursive: true });
      const main = readFileSync(paths.stackNginxConf, "utf8").replace(paths.nginxSitePath, join(prefix, "etc/nginx/sites-available/grasp-purgatory.conf"));
      writeFileSync(join(tls, "nginx.conf"), main);
      const tested = spawnSync("nginx", ["-t", "-c", join(tls, "nginx.conf")], { encoding: "utf8" });
      assert.equal(tested.status, 0, tested.stderr);
      assert.match(readFileSync(join(prefix, "etc/nginx/sites-available/grasp-purgatory.conf"), "utf8"), /listen 443 ssl;/);
    } else if (required) {
      assert.fail(`CI=true checks the TLS site too, which needs openssl: apt-get install -y openssl (${openssl.error?.message ?? openssl.stderr})`);
    }
    const analyzer = spawnSync("systemd-analyze", ["--version"], { encoding: "utf8" });
    if (analyzer.error !== undefined) {
      if (required) assert.fail("CI=true needs systemd-analyze: apt-get install -y systemd");
      return;
    }
    const units = readdirSync(paths.unitDir).map((name) => join(paths.unitDir, name));
    assert.deepEqual(units.map((unit) => unit.split("/").pop()).sort(), [
      "grasp-fcgiwrap.service",
      "grasp-fcgiwrap.socket",
      "grasp-purgatory-metrics.service",
      "grasp-purgatory-metrics.timer",
      "grasp-strfry.service",
    ]);
    const verify = spawnSync("systemd-analyze", ["verify", ...units], { encoding: "utf8", env: { ...process.env, SYSTEMD_LOG_LEVEL: "warning" } });
    assert.equal(verify.status, 0, `${verify.stdout}\n${verify.stderr}`);
    assert.equal(verify.stderr.trim(), "", "no warnings");
  });
});
