// SPEC §5, how held events are released, end to end, through either sink (re-published over
// the relay's websocket, or written by the import command as `strfry import` would): to a
// subscription opened before the push and to a query issued as soon as `git push` exits; and,
// when the daemon could not be reached during the push or was killed, by the sweep.

import assert from "node:assert/strict";
import { renameSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { NostrEvent } from "nostr-tools";
import { cliPath } from "../src/paths.js";
import { connectRelay } from "./support/dev-relay-client.js";
import type { RelayMessage, RelaySocket } from "./support/dev-relay-client.js";
import type { DevServerProcess } from "./support/dev-server.js";
import { workingRepository } from "./support/git-client.js";
import type { GitResult } from "./support/git-client.js";
import { assertPushed, graspSession, ids } from "./support/grasp-session.js";
import type { GraspSession } from "./support/grasp-session.js";
import { hostedRepository, purgatoryAnswer, uniqueIdentifier } from "./support/hosted-repository.js";
import { newIdentity } from "./support/nostr-identity.js";
import { tempDir } from "./support/temp-dir.js";
import { isRunning, policyProcessId } from "./support/processes.js";
import { waitUntil } from "./support/wait-until.js";

/** The release sink's settings; the import sink writes into the dev relay's own store. */
function sinkEnvironment(sink: "websocket" | "import", dataDir: string): NodeJS.ProcessEnv {
  if (sink === "websocket") return { GRASP_PURGATORY_RELEASE_SINK: "websocket" };
  return { GRASP_PURGATORY_RELEASE_SINK: "import", GRASP_PURGATORY_IMPORT_COMMAND: `${cliPath} dev import --data ${dataDir}` };
}

/**
 * Per sink, one server with the default sweep (60 s), so that what a push releases can only
 * have been released by its post-receive hook, and one sweeping every second, so that what
 * the daemon missed is released within the test.
 */
async function sinkSessions(sink: "websocket" | "import"): Promise<{ sink: string; afterPush: GraspSession; bySweep: GraspSession }> {
  const [afterPushDir, bySweepDir] = [tempDir(`grasp-dev-${sink}-`), tempDir(`grasp-dev-${sink}-sweep-`)];
  const [afterPush, bySweep] = await Promise.all([
    graspSession({ dataDir: afterPushDir, env: sinkEnvironment(sink, afterPushDir) }),
    graspSession({ dataDir: bySweepDir, env: { ...sinkEnvironment(sink, bySweepDir), GRASP_PURGATORY_SWEEP_SECONDS: "1" } }),
  ]);
  return { sink, afterPush, bySweep };
}

const [websocketSessions, importSessions] = await Promise.all([sinkSessions("websocket"), sinkSessions("import")]);

const isEventFor = (subscription: string, id: string) => (m: RelayMessage) => m[0] === "EVENT" && m[1] === subscription && (m[2] as NostrEvent).id === id;

/** A watcher's live subscription, open (past EOSE) before anything is released. */
async function subscribe(server: DevServerProcess, subscription: string, filter: object): Promise<RelaySocket> {
  const watcher = await connectRelay(server.relayUrl);
  watcher.send(["REQ", subscription, filter]);
  await watcher.waitFor((m) => m[0] === "EOSE" && m[1] === subscription);
  return watcher;
}

for (const { sink, afterPush, bySweep } of [websocketSessions, importSessions]) {
  describe(`release through the ${sink} sink`, () => {
    it("a subscription opened before the push receives the announcement and state, and a query right after git push exits finds them", async () => {
      const { server, relay, served } = afterPush;
      const repository = hostedRepository(server, newIdentity(), uniqueIdentifier(`live-${sink}`));
      const watcher = await subscribe(server, "live", { authors: [repository.owner.pubkey] });
      const announcement = repository.announcement();
      assert.deepEqual(await relay.publish(announcement), purgatoryAnswer);
      const work = workingRepository();
      const state = repository.state({ "refs/heads/main": work.commit("first") }, { head: "ref: refs/heads/main" });
      assert.deepEqual(await relay.publish(state), purgatoryAnswer);
      assert.equal(await watcher.receives((m) => m[0] === "EVENT" && m[1] === "live", 100), false, "nothing held is broadcast");

      assertPushed(work.push(repository.url, "main"));
      assert.deepEqual(await served(announcement, state), ids(announcement, state));
      await watcher.waitFor(isEventFor("live", announcement.id), 5000);
      await watcher.waitFor(isEventFor("live", state.id), 5000);

      // A released announcement counts as accepted: a PR may now refer to it, and is released on its push.
      const contributor = newIdentity();
      const prWatcher = await subscribe(server, "prs", { authors: [contributor.pubkey] });
      const tip = work.commit("the change");
      const pullRequest = repository.pullRequest(contributor, tip);
      assert.deepEqual(await relay.publish(pullRequest), purgatoryAnswer);
      assertPushed(work.push(repository.url, `${tip}:refs/nostr/${pullRequest.id}`));
      assert.deepEqual(await served(pullRequest), [pullRequest.id]);
      await prWatcher.waitFor(isEventFor("prs", pullRequest.id), 5000);
    });

    it("with the daemon unreachable during the push, post-receive releases the events itself before the push returns", async () => {
      const { server, relay, served } = bySweep;
      const repository = hostedRepository(server, newIdentity(), uniqueIdentifier(`daemon-down-${sink}`));
      const announcement = repository.announcement();
      assert.deepEqual(await relay.publish(announcement), purgatoryAnswer);
      const work = workingRepository();
      const state = repository.state({ "refs/heads/main": work.commit("first") });
      assert.deepEqual(await relay.publish(state), purgatoryAnswer);
      const watcher = await subscribe(server, "late", { ids: [state.id] });

      // The post-receive hook finds no socket, as if the policy process were down.
      const socket = join(server.dataDir, "data", "daemon.sock");
      renameSync(socket, `${socket}.away`);
      let pushed: GitResult;
      try {
        pushed = work.push(repository.url, "main");
      } finally {
        renameSync(`${socket}.away`, socket);
      }
      assertPushed(pushed);
      assert.match(pushed.stderr, /remote: purgatory: released 2 held event\(s\) through strfry \(the daemon did not answer: the daemon is not reachable at .*daemon\.sock/);
      assert.deepEqual(await served(announcement, state), ids(announcement, state), "served when git push returns");
      await watcher.waitFor(isEventFor("late", state.id), 5000);
    });

    it("with the policy process killed before the push, post-receive releases the events before the push returns", async () => {
      const { server, relay, served } = bySweep;
      const repository = hostedRepository(server, newIdentity(), uniqueIdentifier(`daemon-killed-${sink}`));
      const announcement = repository.announcement();
      assert.deepEqual(await relay.publish(announcement), purgatoryAnswer);
      const work = workingRepository();
      const state = repository.state({ "refs/heads/main": work.commit("first") });
      assert.deepEqual(await relay.publish(state), purgatoryAnswer);

      const pid = policyProcessId(server);
      process.kill(pid, "SIGKILL");
      await waitUntil(() => !isRunning(pid), "the policy process is gone");
      // pre-receive finds no daemon and has the relay start the plugin (its first throwaway
      // event finds the dead plugin, `error: internal error`, the second starts it, as strfry
      // does). The new daemon releases the events, or post-receive does when it is not up yet.
      const pushed = work.push(repository.url, "main");
      assertPushed(pushed);
      assert.doesNotMatch(pushed.stderr, /not released yet/);
      assert.deepEqual(await served(announcement, state), ids(announcement, state), "served when git push returns");
    });
  });
}
