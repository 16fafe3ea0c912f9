// One dev server and one nostr client, with the steps the purgatory tests repeat: publish an
// announcement (held), bring a repository to its first released push, ask what is served,
// and check how `git push` ended (git shows pre-receive's `error: ...` as `remote: error: ...`).

import assert from "node:assert/strict";
import type { NostrEvent } from "nostr-tools";
import { connectRelay } from "./dev-relay-client.js";
import type { RelaySocket } from "./dev-relay-client.js";
import { startDevServerProcess } from "./dev-server.js";
import type { DevServerProcess, DevServerProcessOptions } from "./dev-server.js";
import { workingRepository } from "./git-client.js";
import type { GitResult, WorkingRepository } from "./git-client.js";
import { hostedRepository, purgatoryAnswer, uniqueIdentifier } from "./hosted-repository.js";
import type { HostedRepository } from "./hosted-repository.js";
import { newIdentity } from "./nostr-identity.js";
import type { Identity } from "./nostr-identity.js";

export function assertPushed(result: GitResult): void {
  assert.equal(result.status, 0, `git push failed:\n${result.stderr}`);
}

/** Each expected string must appear as a `remote: error: <text>` line; a RegExp anywhere in stderr. */
export function assertRejected(result: GitResult, ...expected: (string | RegExp)[]): void {
  assert.notEqual(result.status, 0, `git push succeeded but should not have:\n${result.stdout}`);
  assert.match(result.stderr, /remote: error: /);
  for (const text of expected) {
    if (typeof text === "string") assert.ok(result.stderr.includes(`remote: error: ${text}`), `stderr lacks "remote: error: ${text}":\n${result.stderr}`);
    else assert.match(result.stderr, text);
  }
}

export const ids = (...events: NostrEvent[]) => events.map((event) => event.id).sort();

export interface WithData {
  repository: HostedRepository;
  /** The working repository that pushed, on main. */
  work: WorkingRepository;
  tip: string;
  /** The released state: main at `tip`, HEAD at main. */
  state: NostrEvent;
}

export interface GraspSession<Server extends DevServerProcess = DevServerProcess> {
  server: Server;
  relay: RelaySocket;
  /** Which of these events the relay serves, sorted by id. */
  served(...events: NostrEvent[]): Promise<string[]>;
  /** A new repository whose announcement has been published (and held). */
  announced(name: string, owner?: Identity, extraTags?: string[][]): Promise<HostedRepository>;
  /** An announced repository whose first push (main at one commit) has been released. */
  repositoryWithData(name: string): Promise<WithData>;
}

export async function graspSession(options: DevServerProcessOptions = {}): Promise<GraspSession> {
  return graspSessionOn(await startDevServerProcess(options));
}

/** The same steps on any server shaped like the dev server (the strfry harness's front, say). */
export async function graspSessionOn<Server extends DevServerProcess>(server: Server): Promise<GraspSession<Server>> {
  const relay = await connectRelay(server.relayUrl);
  const served = async (...events: NostrEvent[]) => ids(...(await relay.query({ ids: events.map((event) => event.id) })));
  const announced = async (name: string, owner: Identity = newIdentity(), extraTags: string[][] = []) => {
    const repository = hostedRepository(server, owner, uniqueIdentifier(name));
    assert.deepEqual(await relay.publish(repository.announcement(extraTags)), purgatoryAnswer, "a new announcement is held");
    assert.ok(repository.exists(), "the repository is created at once");
    return repository;
  };
  return {
    server,
    relay,
    served,
    announced,
    async repositoryWithData(name) {
      const repository = await announced(name);
      const work = workingRepository();
      const tip = work.commit("first");
      const state = repository.state({ "refs/heads/main": tip }, { head: "ref: refs/heads/main" });
      assert.deepEqual(await relay.publish(state), purgatoryAnswer);
      assertPushed(work.push(repository.url, "main"));
      assert.deepEqual(await served(state), [state.id]);
      return { repository, work, tip, state };
    },
  };
}
