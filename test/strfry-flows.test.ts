// The product on the real strfry: strfry is the relay, `grasp-purgatory policy` its
// writePolicy plugin, and a front on one host:port stands in for nginx (websockets to strfry,
// git smart HTTP to git http-backend with our hooks). Every client talks to the front only.
// The flows of purgatory-push-flows, purgatory-pull-requests and purgatory-release, end to
// end: what the dev server promises must hold on strfry itself.
//
// Without a runnable strfry each test is skipped naming why; with CI=true it fails instead,
// because CI must prove the product on strfry.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { NostrEvent } from "nostr-tools";
import { connectRelay } from "./support/dev-relay-client.js";
import type { RelayMessage, RelaySocket } from "./support/dev-relay-client.js";
import { workingRepository } from "./support/git-client.js";
import { assertPushed, graspSessionOn, ids } from "./support/grasp-session.js";
import type { GraspSession } from "./support/grasp-session.js";
import { acceptedAnswer, hostedRepository, kind, purgatoryAnswer, uniqueIdentifier } from "./support/hosted-repository.js";
import type { HostedRepository } from "./support/hosted-repository.js";
import { newIdentity } from "./support/nostr-identity.js";
import type { Identity } from "./support/nostr-identity.js";
import { importSinkEnvironment, shellQuote, startStrfryServer, strfrySkipReason } from "./support/strfry-server.js";
import type { StrfryServer, StrfryServerOptions } from "./support/strfry-server.js";
import { tempDir } from "./support/temp-dir.js";

const unavailable = strfrySkipReason();
const required = process.env.CI === "true";
const skip = unavailable !== undefined && !required ? unavailable : false;

type StrfrySession = GraspSession<StrfryServer>;

const strfrySession = async (options: StrfryServerOptions = {}): Promise<StrfrySession> => graspSessionOn(await startStrfryServer(options));

/** Every request strfry sends the policy, one JSON line each, recorded by a tee in front of it. */
const inputLog = (server: StrfryServer) => join(server.dataDir, "policy-input.jsonl");
const recordPolicyInput: StrfryServerOptions["wrapPolicy"] = (policyCommand, layout) =>
  `tee -a ${shellQuote(join(layout.root, "policy-input.jsonl"))} | ${policyCommand}`;

function policyRequests(server: StrfryServer): { event: NostrEvent; sourceType: string }[] {
  const path = inputLog(server);
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as { event: NostrEvent; sourceType: string });
}

const [websocketSink, importSink] =
  unavailable === undefined
    ? await Promise.all([strfrySession(), strfrySession({ env: importSinkEnvironment, wrapPolicy: recordPolicyInput })])
    : [undefined, undefined];

/** A test that needs strfry: skipped with the reason when it cannot run here, failed with it in CI. */
function onStrfry(name: string, session: StrfrySession | undefined, body: (session: StrfrySession) => Promise<void>): void {
  it(name, { skip, timeout: 60_000 }, async (t) => {
    if (session === undefined) return assert.fail(`CI=true needs strfry: ${unavailable}`);
    try {
      await body(session);
    } catch (error) {
      // What strfry and the policy said is the first thing to read when a flow fails.
      t.diagnostic(`strfry and policy stderr (tail):\n${session.server.stderr().slice(-6000)}`);
      t.diagnostic(`front stderr (tail):\n${session.server.frontStderr().slice(-3000)}`);
      throw error;
    }
  });
}

const isEventFor = (subscription: string, id: string) => (m: RelayMessage) => m[0] === "EVENT" && m[1] === subscription && (m[2] as NostrEvent).id === id;

/** A live subscription, open (past EOSE) before anything is released. */
async function subscribe(server: StrfryServer, subscription: string, filter: object): Promise<RelaySocket> {
  const watcher = await connectRelay(server.relayUrl);
  watcher.send(["REQ", subscription, filter]);
  await watcher.waitFor((m) => m[0] === "EOSE" && m[1] === subscription);
  return watcher;
}

/** (a) and (e): announcement, state, push; served when git push returns; git clone works. */
async function firstPushFlow(
  session: StrfrySession,
  owner: Identity = newIdentity(),
): Promise<{ repository: HostedRepository; state: NostrEvent; announcement: NostrEvent }> {
  const { relay, served, announced } = session;
  const repository = await announced("strfry-first-push", owner);
  assert.deepEqual(await relay.query({ kinds: [kind.announcement], authors: [repository.owner.pubkey] }), [], "the held announcement is not served");
  const work = workingRepository();
  const tip = work.commit("first");
  const state = repository.state({ "refs/heads/main": tip }, { head: "ref: refs/heads/main" });
  assert.deepEqual(await relay.publish(state), purgatoryAnswer);
  assert.deepEqual(await served(state), [], "the held state is not served");

  assertPushed(work.push(repository.url, "main"));

  // Right after git push returns, with no waiting: ngit never republishes.
  const events = await relay.query({ authors: [repository.owner.pubkey] });
  assert.deepEqual(events.map((event) => event.kind).sort(), [kind.announcement, kind.state]);
  assert.ok(events.some((event) => event.id === state.id), "the state strfry serves is the one pushed");
  const announcement = events.find((event) => event.kind === kind.announcement)!;
  assert.deepEqual(ids(...session.server.scan({ authors: [repository.owner.pubkey] })), ids(announcement, state), "both are in strfry's database");

  const cloneDir = join(tempDir("grasp-strfry-clone-"), "clone");
  execFileSync("git", ["clone", "--quiet", repository.url, cloneDir], { stdio: ["ignore", "pipe", "pipe"] });
  assert.equal(execFileSync("git", ["-C", cloneDir, "rev-parse", "HEAD"], { encoding: "utf8" }).trim(), tip);
  assert.equal(execFileSync("git", ["-C", cloneDir, "symbolic-ref", "HEAD"], { encoding: "utf8" }).trim(), "refs/heads/main");
  return { repository, state, announcement };
}

const nostrRef = (event: NostrEvent) => `refs/nostr/${event.id}`;
const contributor = newIdentity();

describe("the purgatory on real strfry (websocket release sink)", () => {
  onStrfry("(a) announcement, state, git push: strfry serves both when the push returns, and git clone works", websocketSink, async (session) => {
    await firstPushFlow(session);
  });

  onStrfry("(b) PR, git first: the tip pushed to refs/nostr/<id> waits, and the PR event (1618) is then served at once", websocketSink, async (session) => {
    const { relay, served, repositoryWithData } = session;
    const { repository, work } = await repositoryWithData("strfry-pr-git-first");
    work.git("checkout", "--quiet", "-b", "feature");
    const tip = work.commit("the change");
    const pullRequest = repository.pullRequest(contributor, tip);

    assertPushed(work.push(repository.url, `${tip}:${nostrRef(pullRequest)}`));
    assert.equal(repository.refs().get(nostrRef(pullRequest)), tip);
    assert.deepEqual(await served(pullRequest), []);

    assert.deepEqual(await relay.publish(pullRequest), acceptedAnswer);
    assert.deepEqual(await served(pullRequest), [pullRequest.id]);
    assert.equal(repository.refs().get(nostrRef(pullRequest)), tip);
  });

  onStrfry("(c) PR, event first: the PR is held until its tip is pushed, then served when git push returns", websocketSink, async (session) => {
    const { relay, served, repositoryWithData } = session;
    const { repository, work } = await repositoryWithData("strfry-pr-event-first");
    work.git("checkout", "--quiet", "-b", "feature");
    const tip = work.commit("the change");
    const pullRequest = repository.pullRequest(contributor, tip);

    assert.deepEqual(await relay.publish(pullRequest), purgatoryAnswer);
    assert.deepEqual(await served(pullRequest), []);

    assertPushed(work.push(repository.url, `${tip}:${nostrRef(pullRequest)}`));
    assert.deepEqual(await served(pullRequest), [pullRequest.id]);
    assert.equal(repository.refs().get(nostrRef(pullRequest)), tip);
  });

  onStrfry("(d) a subscription opened before the push receives the released announcement, state and PR", websocketSink, async (session) => {
    const { server, relay, served } = session;
    const repository = hostedRepository(server, newIdentity(), uniqueIdentifier("strfry-live"));
    const watcher = await subscribe(server, "live", { authors: [repository.owner.pubkey] });
    const announcement = repository.announcement();
    assert.deepEqual(await relay.publish(announcement), purgatoryAnswer);
    const work = workingRepository();
    const state = repository.state({ "refs/heads/main": work.commit("first") }, { head: "ref: refs/heads/main" });
    assert.deepEqual(await relay.publish(state), purgatoryAnswer);
    assert.equal(await watcher.receives((m) => m[0] === "EVENT" && m[1] === "live", 100), false, "nothing held is broadcast");

    assertPushed(work.push(repository.url, "main"));
    assert.deepEqual(await served(announcement, state), ids(announcement, state));
    await watcher.waitFor(isEventFor("live", announcement.id), 10_000);
    await watcher.waitFor(isEventFor("live", state.id), 10_000);

    const prWatcher = await subscribe(server, "prs", { authors: [contributor.pubkey], kinds: [kind.pullRequest] });
    const tip = work.commit("the change");
    const pullRequest = repository.pullRequest(contributor, tip);
    assert.deepEqual(await relay.publish(pullRequest), purgatoryAnswer);
    assertPushed(work.push(repository.url, `${tip}:${nostrRef(pullRequest)}`));
    assert.deepEqual(await served(pullRequest), [pullRequest.id]);
    await prWatcher.waitFor(isEventFor("prs", pullRequest.id), 10_000);
  });
});

describe("the purgatory on real strfry (import release sink: strfry import)", () => {
  onStrfry("(e) announcement, state, git push: written by strfry import, served when the push returns, and git clone works", importSink, async (session) => {
    const { server } = session;
    const owner = newIdentity();
    const watcher = await subscribe(server, "live", { authors: [owner.pubkey] });
    const { state, announcement } = await firstPushFlow(session, owner);

    // A running strfry notices what strfry import wrote and sends it to open subscriptions.
    await watcher.waitFor(isEventFor("live", announcement.id), 10_000);
    await watcher.waitFor(isEventFor("live", state.id), 10_000);
    // strfry import writes straight to strfry's database: the policy saw each event once, from
    // the client, and never the release.
    const seen = policyRequests(server).filter((request) => request.event.id === state.id || request.event.id === announcement.id);
    assert.deepEqual(seen.map((request) => `${request.event.kind} ${request.sourceType}`).sort(), [`${kind.announcement} IP4`, `${kind.state} IP4`]);
  });
});
