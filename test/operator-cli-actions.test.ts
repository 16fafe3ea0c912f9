// Issue 5, the operator's actions: `release`, `drop`, `install-hooks` and `doctor` run as real
// processes against the real dev server (policy process, daemon socket, hooks, git smart HTTP),
// with the purgatory filled by real nostr events and real `git push`es. Each test breaks what
// it needs (a hook, the daemon's socket, a setting) and puts it back.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, chmodSync, constants, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { NostrEvent } from "nostr-tools";
import { connectRelay } from "./support/dev-relay-client.js";
import { startDevServerProcess } from "./support/dev-server.js";
import { workingRepository } from "./support/git-client.js";
import type { GitResult, WorkingRepository } from "./support/git-client.js";
import { hostedRepository, purgatoryAnswer, short, uniqueIdentifier } from "./support/hosted-repository.js";
import type { HostedRepository } from "./support/hosted-repository.js";
import { newIdentity } from "./support/nostr-identity.js";
import { assertOneLineReason, assertUsageError, operatorCli, serverSettings, withDaemonUnreachable } from "./support/operator-cli.js";
import type { CliResult } from "./support/operator-cli.js";
import { tempDir } from "./support/temp-dir.js";

// A long sweep interval: only the hooks and these commands release anything here.
const serverEnv = { GRASP_PURGATORY_SWEEP_SECONDS: "3600" };
const server = await startDevServerProcess({ env: serverEnv });
const relay = await connectRelay(server.relayUrl);
const cli = operatorCli(serverSettings(server, serverEnv));

const nameOf = (repository: HostedRepository) => `${repository.owner.npub}/${repository.identifier}.git`;
const served = async (...events: NostrEvent[]) => (await relay.query({ ids: events.map((event) => event.id) })).map((event) => event.id).sort();
const ids = (...events: { id: string }[]) => events.map((event) => event.id).sort();
const listedIds = async (...options: string[]) => (await cli.json<{ entries: { id: string }[] }>(["list", ...options])).entries.map((entry) => entry.id);
const historyOf = async (id: string) =>
  (await cli.json<{ history: { what: string; detail: string | null }[] }>(["show", id])).history.map((record) => [record.what, record.detail]);

function pushed(result: GitResult): GitResult {
  assert.equal(result.status, 0, `git push failed:\n${result.stderr}`);
  return result;
}

async function published(event: NostrEvent): Promise<NostrEvent> {
  assert.deepEqual(await relay.publish(event), purgatoryAnswer, `publishing kind ${event.kind}`);
  return event;
}

interface Announced {
  repository: HostedRepository;
  announcement: NostrEvent;
  work: WorkingRepository;
}

/** A new repository whose announcement is held (no data yet). */
async function announced(name: string): Promise<Announced> {
  const repository = hostedRepository(server, newIdentity(), uniqueIdentifier(name));
  const announcement = await published(repository.announcement());
  return { repository, announcement, work: workingRepository() };
}

/** A repository whose first push has been released, so PR tips may be pushed to it. */
async function withData(name: string): Promise<Announced> {
  const hosted = await announced(name);
  const tip = hosted.work.commit("first");
  await published(hosted.repository.state({ "refs/heads/main": tip }, { head: "ref: refs/heads/main" }));
  pushed(hosted.work.push(hosted.repository.url, "main"));
  return hosted;
}

/** A placeholder: a commit pushed to refs/nostr/<id> before any PR event with that id. */
async function placeholder(hosted: Announced): Promise<{ id: string; tip: string }> {
  const tip = hosted.work.commit("pull request tip");
  const id = randomBytes(32).toString("hex");
  pushed(hosted.work.push(hosted.repository.url, `${tip}:refs/nostr/${id}`));
  assert.equal(hosted.repository.refs("refs/nostr/").get(`refs/nostr/${id}`), tip);
  return { id, tip };
}

const hookPath = (repository: HostedRepository, name: string) => join(repository.path, "hooks", name);

/** A repository whose hooks no test touches: what the policy process installed. */
const pristine = (await announced("hooks-pristine")).repository;

/** Puts back a hook a test broke, without the CLI, so that one failure does not spread to later tests. */
function restoreHook(repository: HostedRepository, name: string): void {
  writeFileSync(hookPath(repository, name), readFileSync(hookPath(pristine, name)));
  chmodSync(hookPath(repository, name), 0o755);
}

describe("grasp-purgatory release", () => {
  it("leaves an incomplete state held, exits 1 and prints exactly what is still missing", async () => {
    const { repository, work } = await announced("release-incomplete");
    const missing = work.commit("never pushed");
    const state = await published(repository.state({ "refs/heads/main": missing }));

    const [text, json] = await Promise.all([cli.run(["release", short(state.id)]), cli.run(["release", state.id, "--json"])]);
    assertOneLineReason(text, 1, `${short(state.id)} was not released: its data is not complete`);
    assert.equal(text.stdout, `not released: ${state.id} still waits for:\n  commits ${short(missing)}\n`);
    assert.equal(json.status, 1, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), { id: state.id, released: false, missing: [`commits ${short(missing)}`] });
    assert.ok((await listedIds()).includes(state.id), "still held");
    assert.deepEqual(await served(state), []);
  });

  it("releases what data that came without a push completed, and it is then served", async () => {
    const { repository, announcement, work } = await announced("release-after-push");
    const tip = work.commit("first");
    const state = await published(repository.state({ "refs/heads/main": tip }, { head: "ref: refs/heads/main" }));
    // A fetch into the bare repository runs no hook: nothing asks for a release.
    execFileSync("git", ["fetch", "--quiet", work.dir, "main:refs/heads/main"], { cwd: repository.path });
    assert.deepEqual(await served(announcement, state), [], "nothing released them");
    const { entries } = await cli.json<{ entries: { id: string; waitingFor: string[] }[] }>(["list", "--repo", nameOf(repository)]);
    assert.deepEqual(entries.map((entry) => [entry.id, entry.waitingFor]).sort(), [[announcement.id, ["release (data present)"]], [state.id, ["release (data present)"]]].sort());

    const released = await cli.run(["release", short(announcement.id)]);
    assert.equal(released.status, 0, released.stderr);
    assert.equal(released.stdout, `released ${announcement.id}\n`);
    assert.deepEqual(await cli.json(["release", short(state.id)]), { id: state.id, released: true, missing: [] });

    assert.deepEqual(await served(announcement, state), ids(announcement, state));
    const [history, again] = await Promise.all([historyOf(state.id), cli.run(["release", state.id])]);
    assert.deepEqual(history, [["held", null], ["released", null]]);
    assertOneLineReason(again, 66, `${short(state.id)} is no longer in the purgatory`);
  });

  it("fails with exit 69 and a reason naming the daemon when the daemon is not running", async () => {
    const { announcement } = await announced("release-no-daemon");
    const result = await withDaemonUnreachable(server, () => cli.run(["release", announcement.id]));
    assertOneLineReason(result, 69, new RegExp(`cannot release ${short(announcement.id)}: the daemon is not reachable at \\S+daemon\\.sock .*is the policy process running\\?`));
    assert.ok((await listedIds()).includes(announcement.id), "still held");
  });

  it("refuses to release a placeholder (exit 64) and points at drop", async () => {
    const pending = await placeholder(await withData("release-placeholder"));
    assertOneLineReason(await cli.run(["release", pending.id]), 64, `${short(pending.id)} is a placeholder: it completes when its PR event arrives; use drop to remove it`);
  });
});

describe("grasp-purgatory drop", () => {
  it("drops a held state: gone from list, never served, recorded as dropped", async () => {
    const { repository, work } = await announced("drop-state");
    const state = await published(repository.state({ "refs/heads/main": work.commit("never pushed") }));

    const result = await cli.run(["drop", short(state.id)]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `dropped state ${state.id}\n`);
    const [listed, history, again] = await Promise.all([listedIds(), historyOf(short(state.id)), cli.run(["drop", state.id])]);
    assert.ok(!listed.includes(state.id));
    assert.deepEqual(history, [["held", null], ["dropped", "by the operator"]]);
    assertOneLineReason(again, 66, `${short(state.id)} is no longer in the purgatory`);
    assert.deepEqual(await served(state), []);
  });

  it("drops a placeholder and deletes its refs/nostr/<id> ref in the repository", async () => {
    const hosted = await withData("drop-placeholder");
    const pending = await placeholder(hosted);

    assert.deepEqual(await cli.json(["drop", pending.id]), { id: pending.id, type: "placeholder" });
    assert.deepEqual(hosted.repository.refs("refs/nostr/"), new Map(), "git for-each-ref finds no refs/nostr ref");
    const [listed, history] = await Promise.all([listedIds(), historyOf(pending.id)]);
    assert.ok(!listed.includes(pending.id));
    assert.deepEqual(history, [["placeholder", nameOf(hosted.repository)], ["dropped", nameOf(hosted.repository)]]);
  });
});

/** Every repository under the dev server's git root, as `<npub>/<d>.git`. */
function hostedNames(): string[] {
  return readdirSync(server.gitRoot)
    .sort()
    .flatMap((owner) => readdirSync(join(server.gitRoot, owner)).sort().map((repository) => `${owner}/${repository}`));
}

describe("grasp-purgatory install-hooks", () => {
  it("changes nothing in repositories with current hooks, repairs an overwritten hook and reports the repository", async () => {
    const { repository: broken } = await announced("hooks-broken");
    const total = hostedNames().length;

    const fresh = await cli.run(["install-hooks", "--all"]);
    assert.equal(fresh.status, 0, fresh.stderr);
    assert.equal(fresh.stdout, `0 of ${total} repositories changed\n`);

    writeFileSync(hookPath(broken, "pre-receive"), "#!/bin/sh\necho garbage\n");
    try {
      const repaired = await cli.run(["install-hooks", "--all"]);
      assert.equal(repaired.status, 0, repaired.stderr);
      assert.equal(repaired.stdout, `${nameOf(broken)}: installed pre-receive\n1 of ${total} repositories changed\n`);
      assert.equal(readFileSync(hookPath(broken, "pre-receive"), "utf8"), readFileSync(hookPath(pristine, "pre-receive"), "utf8"));
      accessSync(hookPath(broken, "pre-receive"), constants.X_OK);
    } finally {
      restoreHook(broken, "pre-receive");
    }
  });

  it("repairs one repository given as <npub>/<d>, and --json lists what it changed", async () => {
    const { repository: one } = await announced("hooks-one");
    const { repository: other } = await announced("hooks-other");
    writeFileSync(hookPath(one, "post-receive"), "garbage");
    writeFileSync(hookPath(other, "post-receive"), "garbage");
    try {
      const json = await cli.json(["install-hooks", `${one.owner.npub}/${one.identifier}`]);
      assert.deepEqual(json, { repositories: [{ repository: nameOf(one), changed: ["post-receive"] }] });
      assert.equal(readFileSync(hookPath(other, "post-receive"), "utf8"), "garbage", "only the repository named");

      const text = await cli.run(["install-hooks", nameOf(other)]);
      assert.equal(text.status, 0, text.stderr);
      assert.equal(text.stdout, `${nameOf(other)}: installed post-receive\n1 of 1 repositories changed\n`);

      const all = await cli.json<{ repositories: { repository: string; changed: string[] }[] }>(["install-hooks", "--all"]);
      assert.deepEqual(all.repositories, hostedNames().map((repository) => ({ repository, changed: [] })));
    } finally {
      restoreHook(one, "post-receive");
      restoreHook(other, "post-receive");
    }
  });

  it("fails with exit 66 for an unknown repository, and with a usage error for neither or both of --all and a repository", async () => {
    const unknown = `${newIdentity().npub}/nothing`;
    const [missing, neither, both] = await Promise.all([
      cli.run(["install-hooks", unknown]),
      cli.run(["install-hooks"]),
      cli.run(["install-hooks", "--all", unknown]),
    ]);
    assertOneLineReason(missing, 66, `no repository ${unknown} under ${server.gitRoot}: give <npub>/<d> as in the clone URL`);
    assertUsageError(neither, "give either --all or one repository <npub>/<d>");
    assertUsageError(both, "give either --all or one repository <npub>/<d>");
  });
});

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix: string | null;
}

const checkNames = ["config", "git root", "data directory", "daemon socket", "daemon", "store schema", "hooks", "release sink", "index"];

function doctorJson(result: CliResult): { ok: boolean; checks: Check[] } {
  return JSON.parse(result.stdout) as { ok: boolean; checks: Check[] };
}

function failedCheck(result: CliResult, name: string): Check {
  assert.equal(result.status, 1, `doctor should fail:\n${result.stdout}\n${result.stderr}`);
  assert.match(result.stderr, /^grasp-purgatory: \d+ check\(s\) failed\n$/);
  const check = doctorJson(result).checks.find((candidate) => candidate.name === name);
  assert.ok(check !== undefined && !check.ok, `the ${name} check should fail:\n${result.stdout}`);
  return check;
}

async function closedPort(): Promise<number> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  const { port } = listener.address() as { port: number };
  await new Promise((resolve) => listener.close(resolve));
  return port;
}

describe("grasp-purgatory doctor", () => {
  it("passes every check on a healthy dev deployment, from the environment or from --config", async () => {
    await announced("doctor-healthy");
    const configFile = join(tempDir("grasp-doctor-config-"), "grasp-purgatory.json");
    writeFileSync(
      configFile,
      JSON.stringify({ serviceHost: server.serviceHost, gitRoot: server.gitRoot, dataDir: join(server.dataDir, "data"), relayUrl: server.relayUrl, sweepIntervalSeconds: 3600 }),
    );
    const [text, json, fromFile] = await Promise.all([
      cli.run(["doctor"]),
      cli.json<{ ok: boolean; checks: Check[] }>(["doctor"]),
      operatorCli({}).json<{ ok: boolean; checks: Check[] }>(["--config", configFile, "doctor"]),
    ]);
    assert.equal(text.status, 0, `${text.stdout}\n${text.stderr}`);
    const lines = text.stdout.trimEnd().split("\n");
    assert.deepEqual(lines.map((line) => /^PASS {2}([^:]+): /.exec(line)?.[1]), checkNames, text.stdout);
    assert.equal(json.ok, true);
    assert.deepEqual(json.checks.map((check) => [check.name, check.ok, check.fix]), checkNames.map((name) => [name, true, null]));
    for (const check of json.checks) assert.deepEqual(Object.keys(check), ["name", "ok", "detail", "fix"]);
    assert.equal(json.checks.find((check) => check.name === "hooks")?.detail, `all ${hostedNames().length} repositories have current hooks`);
    assert.equal(fromFile.ok, true, JSON.stringify(fromFile.checks));
    assert.equal(fromFile.checks[0]?.detail, `valid (${configFile})`);
  });

  it("fails the hooks check when a hook is removed, with the fix, which then works", async () => {
    const { repository } = await announced("doctor-hook-removed");
    rmSync(hookPath(repository, "post-receive"));
    try {
      const [text, json] = await Promise.all([cli.run(["doctor"]), cli.run(["doctor", "--json"])]);
      const total = hostedNames().length;
      assert.equal(text.status, 1);
      assert.ok(
        text.stdout.includes(`FAIL  hooks: 1 of ${total} lack current hooks: ${nameOf(repository)}\n      fix: run grasp-purgatory install-hooks --all\n`),
        text.stdout,
      );
      assertOneLineReason(text, 1, "1 check(s) failed");
      assert.equal(doctorJson(json).ok, false);
      assert.deepEqual(doctorJson(json).checks.filter((check) => !check.ok).map((check) => check.name), ["hooks"]);
      assert.equal(failedCheck(json, "hooks").fix, "run grasp-purgatory install-hooks --all");

      assert.equal((await cli.run(["install-hooks", "--all"])).status, 0);
      assert.equal((await cli.run(["doctor"])).status, 0, "healthy again after the fix");
    } finally {
      restoreHook(repository, "post-receive");
    }
  });

  it("fails the release sink check when the relay URL points at a closed port, and the git root check when it is missing", async () => {
    const port = await closedPort();
    const missingRoot = join(tempDir("grasp-doctor-"), "no-such-git-root");
    const [closedRelay, noGitRoot] = await Promise.all([
      cli.run(["doctor", "--json"], { GRASP_PURGATORY_RELAY_URL: `ws://127.0.0.1:${port}` }),
      cli.run(["doctor", "--json"], { GRASP_PURGATORY_GIT_ROOT: missingRoot }),
    ]);
    const sink = failedCheck(closedRelay, "release sink");
    assert.match(sink.detail, new RegExp(`^ws://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    assert.equal(sink.fix, "start the relay, or set relayUrl to where strfry listens (e.g. ws://127.0.0.1:7777)");
    const gitRoot = failedCheck(noGitRoot, "git root");
    assert.equal(gitRoot.detail, `${missingRoot}: ENOENT`);
    assert.equal(gitRoot.fix, `create ${missingRoot} and make it writable by the user strfry runs as, or change gitRoot`);

    const text = await cli.run(["doctor"], { GRASP_PURGATORY_GIT_ROOT: missingRoot });
    assert.equal(text.status, 1);
    assert.match(text.stdout, new RegExp(`^FAIL {2}git root: ${missingRoot}: ENOENT\\n {6}fix: create ${missingRoot} `, "m"));
  });

  it("fails the config check naming a missing setting", async () => {
    const [text, json] = await Promise.all([
      cli.run(["doctor"], { GRASP_PURGATORY_SERVICE_HOST: "" }),
      cli.run(["doctor", "--json"], { GRASP_PURGATORY_SERVICE_HOST: "" }),
    ]);
    assert.equal(text.status, 1);
    assert.match(text.stdout, /^FAIL {2}config: setting serviceHost is missing: set "serviceHost" in the config file .* or GRASP_PURGATORY_SERVICE_HOST, e\.g\. /);
    const { checks } = doctorJson(json);
    assert.deepEqual(checks.map((check) => check.name), ["config"]);
    assert.match(failedCheck(json, "config").detail, /^setting serviceHost is missing/);
  });
});
