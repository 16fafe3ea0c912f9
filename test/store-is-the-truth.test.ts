// Issue 8, end to end: strfry's store is the truth. On the dev relay and on real strfry alike:
// a release lost with a killed plugin is retried and served; git work larger than the plugin
// timeout happens after the answer; announcements naming someone as maintainer cannot make
// their state's answer expensive; a deleted held state stays deleted; a held replacement
// announcement never hides the accepted one; reindex starts from a relay that already holds
// repositories; a push with no policy process running is released before `git push` returns.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { cliPath, projectRoot } from "../src/paths.js";
import type { RelaySocket } from "./support/dev-relay-client.js";
import { startDevServerProcess } from "./support/dev-server.js";
import type { DevServerProcess } from "./support/dev-server.js";
import { workingRepository } from "./support/git-client.js";
import { assertPushed, assertRejected, graspSessionOn } from "./support/grasp-session.js";
import { acceptedAnswer, hostedRepository, kind, purgatoryAnswer, short, uniqueIdentifier } from "./support/hosted-repository.js";
import type { HostedRepository } from "./support/hosted-repository.js";
import { newIdentity } from "./support/nostr-identity.js";
import type { Identity } from "./support/nostr-identity.js";
import { operatorCli, serverSettings } from "./support/operator-cli.js";
import { startStrfryServer, strfrySkipReason } from "./support/strfry-server.js";
import type { StrfryServer } from "./support/strfry-server.js";
import { tempDir } from "./support/temp-dir.js";
import { isRunning, policyProcessId, policyProcessIds } from "./support/processes.js";
import { waitUntil } from "./support/wait-until.js";

interface ServerOptions {
  /** Wraps the policy command (a whole command line) in another plugin command. */
  wrapPolicy?: (policyCommand: string) => string;
  pluginTimeoutSeconds?: number;
  env?: Record<string, string>;
}

interface Backend {
  name: string;
  skip: string | undefined;
  start(options: ServerOptions): Promise<DevServerProcess>;
  /** Writes events straight into the relay's store, bypassing the policy. */
  importCommand(server: DevServerProcess): string;
}

const policyCommand = `${process.execPath} ${cliPath} policy`;

const backends: Backend[] = [
  {
    name: "dev relay",
    skip: undefined,
    start: (options) =>
      startDevServerProcess({
        ...(options.wrapPolicy === undefined ? {} : { plugin: options.wrapPolicy(policyCommand) }),
        ...(options.pluginTimeoutSeconds === undefined ? {} : { pluginTimeoutSeconds: options.pluginTimeoutSeconds }),
        env: options.env ?? {},
      }),
    importCommand: (server) => `${process.execPath} ${cliPath} dev import --data ${server.dataDir}`,
  },
  {
    name: "strfry",
    skip: strfrySkipReason(),
    start: (options) =>
      startStrfryServer({
        ...(options.pluginTimeoutSeconds === undefined ? {} : { timeoutSeconds: options.pluginTimeoutSeconds }),
        ...(options.env === undefined ? {} : { env: options.env }),
        ...(options.wrapPolicy === undefined ? {} : { wrapPolicy: (command: string) => `exec ${options.wrapPolicy!(command)}` }),
      }),
    importCommand: (server) => {
      const strfry = server as StrfryServer;
      return `${strfry.strfry} --config ${strfry.configPath} import`;
    },
  },
];

const killOnAccept = join(projectRoot, "dist", "test", "support", "kill-on-accept.js");

async function session(backend: Backend, options: ServerOptions = {}) {
  return graspSessionOn(await backend.start(options));
}

/** announce, publish a state for one new commit, push: what ngit does for a new repository. */
async function pushFirstCommit(relay: RelaySocket, repository: HostedRepository, author?: Identity) {
  const work = workingRepository();
  const tip = work.commit("first");
  const state = repository.state({ "refs/heads/main": tip }, { head: "ref: refs/heads/main", ...(author === undefined ? {} : { author }) });
  assert.deepEqual(await relay.publish(state), purgatoryAnswer);
  return { work, tip, state };
}

for (const backend of backends) {
  describe(`strfry's store is the truth, on the ${backend.name}`, { skip: process.env.CI === "true" ? undefined : backend.skip }, () => {
    it("a release whose answer never reached the relay (plugin killed right after committing it) is served after the restart", async () => {
      const killFile = join(tempDir("kill-"), "kill-on-accept");
      const { server, relay, served, announced } = await session(backend, {
        wrapPolicy: (command) => `${process.execPath} ${killOnAccept} ${killFile} ${command}`,
      });
      const repository = await announced("killed-release");
      const { work, state } = await pushFirstCommit(relay, repository);
      // The policy answers accept for the released state, and dies before the relay hears it.
      writeFileSync(killFile, state.id);
      assertPushed(work.push(repository.url, "main"));
      assert.equal(existsSync(killFile), false, "the policy was killed on its answer");
      await waitUntil(async () => (await served(state)).length === 1, "the state is served");
      const show = await operatorCli(serverSettings(server)).json<{ history: { what: string }[] }>(["show", state.id]);
      assert.equal(show.history.at(-1)?.what, "released");
    });

    it("git work larger than the plugin timeout runs after the answer: the state is served, other writes are answered, the copy arrives", async () => {
      const { server, relay, served } = await session(backend, { pluginTimeoutSeconds: 2 });
      // The plugin's own start may take longer than that on a busy machine: start it first.
      const warmUp = newIdentity().sign({ kind: kind.userGraspList, tags: [["g", server.relayUrl]] });
      await waitUntil(async () => (await relay.publish(warmUp))[0], "the policy process answers");
      const identifier = uniqueIdentifier("large-copy");
      const owners = hostedRepository(server, newIdentity(), identifier);
      // A second owner whose repository follows the first owner's states (GRASP keeps it in sync).
      const seconds = hostedRepository(server, newIdentity(), identifier);
      assert.deepEqual(await relay.publish(owners.announcement()), purgatoryAnswer);
      assert.deepEqual(await relay.publish(seconds.announcement([["maintainers", owners.owner.pubkey]])), purgatoryAnswer);
      const work = workingRepository();
      writeFileSync(join(work.dir, "large.bin"), randomBytes(24 * 2 ** 20));
      work.git("add", "large.bin");
      const tip = work.commit("24 MB that do not compress");
      const state = owners.state({ "refs/heads/main": tip }, { head: "ref: refs/heads/main" });
      assert.deepEqual(await relay.publish(state), purgatoryAnswer);

      assertPushed(work.push(owners.url, "main"));
      assert.deepEqual(await served(state), [state.id], "served when git push returns");
      const issue = newIdentity().sign({ kind: 1621, content: "meanwhile", tags: [["a", owners.coordinate], ["subject", "hello"]] });
      assert.deepEqual(await relay.publish(issue), acceptedAnswer, "the relay's writes go on while the copy runs");
      await waitUntil(() => seconds.refs().get("refs/heads/main") === tip, "the second owner's repository received the copy", 120_000);
    });

    it("130 throwaway announcements naming the victim as maintainer do not stop the victim's state being served", async () => {
      const { server, relay, served } = await session(backend);
      const identifier = uniqueIdentifier("amplified");
      const victim = hostedRepository(server, newIdentity(), identifier);
      assert.deepEqual(await relay.publish(victim.announcement()), purgatoryAnswer);
      for (let index = 0; index < 130; index++) {
        const throwaway = hostedRepository(server, newIdentity(), identifier);
        assert.deepEqual(await relay.publish(throwaway.announcement([["maintainers", victim.owner.pubkey]])), purgatoryAnswer);
      }
      const { work, state } = await pushFirstCommit(relay, victim);
      assertPushed(work.push(victim.url, "main"));
      assert.deepEqual(await served(state), [state.id], "served when git push returns");
    });

    it("a deleted held state resent is refused, cannot authorise a push, and is never served", async () => {
      const { relay, served, announced } = await session(backend);
      const repository = await announced("deleted-held");
      const { work, tip, state } = await pushFirstCommit(relay, repository);
      assertPushed(work.push(repository.url, "main"));
      assert.deepEqual(await served(state), [state.id]);

      const next = work.commit("next");
      const held = repository.state({ "refs/heads/main": next }, { head: "ref: refs/heads/main" });
      assert.deepEqual(await relay.publish(held), purgatoryAnswer);
      const deletion = repository.owner.sign({ kind: kind.deletion, tags: [["e", held.id], ["k", String(kind.state)]] });
      assert.deepEqual(await relay.publish(deletion), acceptedAnswer);

      // Anyone may resend the signed state; it stays deleted.
      assert.deepEqual(await relay.publish(held), [false, `blocked: deleted by its author (kind 5 ${deletion.id})`]);
      assertRejected(work.push(repository.url, "main"), `refs/heads/main: pushed ${short(next)}, state declares ${short(tip)}`);
      assert.equal(repository.refs().get("refs/heads/main"), tip);
      assert.deepEqual(await served(held), []);
      assert.deepEqual(await served(state), [state.id], "the accepted state is still served");
    });

    it("a held replacement announcement withdrawn by its author leaves the accepted one in the maintainer graph", async () => {
      const { server, relay, served, announced } = await session(backend);
      const maintainer = newIdentity();
      const theirMaintainer = newIdentity();
      const repository = await announced("graph", newIdentity(), [["maintainers", maintainer.pubkey]]);
      const { work, state } = await pushFirstCommit(relay, repository);
      assertPushed(work.push(repository.url, "main"));
      assert.deepEqual(await served(state), [state.id]);

      // The maintainer's accepted announcement names another server and their own maintainer.
      const elsewhere = maintainer.sign({
        kind: kind.announcement,
        tags: [
          ["d", repository.identifier],
          ["clone", `https://elsewhere.example/${maintainer.npub}/${repository.identifier}.git`],
          ["relays", "wss://elsewhere.example"],
          ["maintainers", theirMaintainer.pubkey],
        ],
      });
      assert.deepEqual(await relay.publish(elsewhere), acceptedAnswer);
      // Their replacement lists this server (so it is held until data arrives), then they withdraw it.
      const maintainersRepository = hostedRepository(server, maintainer, repository.identifier);
      const replacement = maintainersRepository.announcement();
      assert.deepEqual(await relay.publish(replacement), purgatoryAnswer);
      assert.ok(maintainersRepository.exists(), "the held replacement created its repository");
      const withdrawal = maintainer.sign({ kind: kind.deletion, tags: [["e", replacement.id]] });
      assert.deepEqual(await relay.publish(withdrawal), acceptedAnswer);
      await waitUntil(() => !maintainersRepository.exists(), "the withdrawn announcement's empty repository is removed", 60_000);

      assert.deepEqual(await served(elsewhere), [elsewhere.id], "strfry still serves the accepted announcement");
      const next = work.commit("by the maintainer's maintainer");
      const theirs = repository.state({ "refs/heads/main": next }, { author: theirMaintainer, head: "ref: refs/heads/main" });
      assert.deepEqual(await relay.publish(theirs), purgatoryAnswer, "still a maintainer through the accepted announcement");
      assertPushed(work.push(repository.url, "main"));
      assert.deepEqual(await served(theirs), [theirs.id]);
    });

    it("reindex starts from a relay that already holds a repository, its state, an issue and a deletion", async () => {
      const { server, relay, served } = await session(backend);
      const owner = newIdentity();
      const repository = hostedRepository(server, owner, uniqueIdentifier("existing"));
      // What an older server left: a bare repository with data, and its events in the relay only.
      const work = workingRepository();
      const tip = work.commit("from before");
      mkdirSync(repository.path, { recursive: true });
      execFileSync("git", ["init", "--quiet", "--bare", repository.path]);
      execFileSync("git", ["config", "http.receivepack", "true"], { cwd: repository.path });
      execFileSync("git", ["fetch", "--quiet", work.dir, "main:refs/heads/main"], { cwd: repository.path });
      const announcement = repository.announcement();
      const state = repository.state({ "refs/heads/main": tip }, { head: "ref: refs/heads/main" });
      const issue = owner.sign({ kind: 1621, content: "an old issue", tags: [["a", repository.coordinate], ["subject", "old"]] });
      const typo = owner.sign({ kind: 1621, content: "typo", tags: [["a", repository.coordinate]] });
      const deletion = owner.sign({ kind: kind.deletion, tags: [["e", typo.id]] });
      execFileSync("/bin/sh", ["-c", backend.importCommand(server)], { input: [announcement, state, issue, typo, deletion].map((event) => JSON.stringify(event) + "\n").join("") });

      const cli = operatorCli(serverSettings(server));
      assert.equal((await cli.run(["install-hooks", "--all"])).status, 0);
      const first = await cli.json<{ events: number; forgotten: number; released: number }>(["reindex"]);
      assert.equal(first.events, 4, "strfry applied the deletion: four events stored");
      assert.deepEqual(await cli.json(["reindex"]), { ...first, forgotten: 0 }, "running it again changes nothing");

      // What strfry gets while no daemon follows it: doctor names the disagreement and the fix.
      const another = owner.sign({ kind: kind.announcement, tags: [["d", uniqueIdentifier("imported")], ["clone", "https://elsewhere.example/x.git"]] });
      execFileSync("/bin/sh", ["-c", backend.importCommand(server)], { input: JSON.stringify(another) + "\n" });
      const indexCheck = async () => {
        const doctor = await cli.run(["doctor", "--json"]);
        return (JSON.parse(doctor.stdout) as { checks: { name: string; ok: boolean; detail: string; fix: string | null }[] }).checks.find((check) => check.name === "index")!;
      };
      const disagreeing = await indexCheck();
      assert.equal(disagreeing.ok, false);
      assert.match(disagreeing.detail, /^1 announcements and states in strfry are not in the index, 0 in the index are not in strfry$/);
      assert.equal(disagreeing.fix, "run grasp-purgatory reindex");
      await cli.json(["reindex"]);
      assert.equal((await indexCheck()).ok, true);

      const comment = newIdentity().sign({ kind: 1111, content: "still here?", tags: [["E", issue.id], ["K", "1621"]] });
      assert.deepEqual(await relay.publish(comment), acceptedAnswer, "related to an event the index learned from strfry");
      const next = work.commit("after the reindex");
      const newer = repository.state({ "refs/heads/main": next }, { head: "ref: refs/heads/main" });
      assert.deepEqual(await relay.publish(newer), purgatoryAnswer);
      assertPushed(work.push(repository.url, "main"));
      assert.deepEqual(await served(newer), [newer.id], "served when git push returns");
    });

    it("a push while no policy process runs has strfry start one from pre-receive, whose daemon then releases it", async () => {
      const { server, relay, served, announced } = await session(backend);
      const repository = await announced("wake");
      const { work, state } = await pushFirstCommit(relay, repository);
      // Every one of them: a policy process that still runs would take the daemon's socket over.
      const killed = policyProcessIds(server).filter(isRunning);
      for (const pid of killed) process.kill(pid, "SIGKILL");
      await waitUntil(() => !killed.some(isRunning), "no policy process runs");
      const pushed = work.push(repository.url, "main");
      assertPushed(pushed);
      assert.doesNotMatch(pushed.stderr, /the daemon did not answer/, "post-receive found the new daemon");
      assert.deepEqual(await served(state), [state.id], "served when git push returns");
      await waitUntil(() => !killed.includes(policyProcessId(server)), "the new policy process's log is read");
    });

    it("a push while no policy process runs is released before git push returns", async () => {
      const { server, relay, served, announced } = await session(backend);
      const repository = await announced("no-policy");
      const { work, state } = await pushFirstCommit(relay, repository);
      const pid = policyProcessId(server);
      process.kill(pid, "SIGKILL");
      await waitUntil(() => !isRunning(pid), "the policy process is gone");
      // pre-receive has strfry start a new policy process; it, or post-receive, releases them.
      const pushed = work.push(repository.url, "main");
      assertPushed(pushed);
      assert.doesNotMatch(pushed.stderr, /not released yet/);
      assert.deepEqual(await served(state), [state.id], "served when git push returns");
    });
  });
}
