// SPEC §5 expiry, end to end: with a short TTL, held events are forgotten, the ref of a
// placeholder (a PR tip pushed before an event that never came) is deleted, and the directory
// of a repository whose announcement never received data is removed. What received data stays.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { workingRepository } from "./support/git-client.js";
import { assertPushed, assertRejected, graspSession } from "./support/grasp-session.js";
import { acceptedAnswer, hostedRepository, purgatoryAnswer, short, uniqueIdentifier } from "./support/hosted-repository.js";
import { newIdentity } from "./support/nostr-identity.js";
import { waitUntil } from "./support/wait-until.js";

const ttlSeconds = 6;
const { server, relay, served } = await graspSession({ env: { GRASP_PURGATORY_SWEEP_SECONDS: "1", GRASP_PURGATORY_TTL_SECONDS: String(ttlSeconds) } });

describe("expiry", () => {
  it(`after ${ttlSeconds} s a held state and PR are forgotten, a placeholder's ref is deleted, a repository that never got data is removed, and what completed stays`, async () => {
    const repository = hostedRepository(server, newIdentity(), uniqueIdentifier("expiry"));
    assert.deepEqual(await relay.publish(repository.announcement()), purgatoryAnswer);
    const work = workingRepository();
    const tip = work.commit("first");
    assert.deepEqual(await relay.publish(repository.state({ "refs/heads/main": tip })), purgatoryAnswer);
    assertPushed(work.push(repository.url, "main"));

    const next = work.commit("never pushed");
    const heldState = repository.state({ "refs/heads/main": next });
    assert.deepEqual(await relay.publish(heldState), purgatoryAnswer);
    // On a side branch, so that the placeholder's push brings neither the held state's commit
    // nor the held PR's tip (either would complete, and release, that event).
    work.git("checkout", "--quiet", "-b", "side", tip);
    const contributor = newIdentity();
    const acceptedTip = work.commit("a PR that is accepted");
    const acceptedPullRequest = repository.pullRequest(contributor, acceptedTip);
    assertPushed(work.push(repository.url, `${acceptedTip}:refs/nostr/${acceptedPullRequest.id}`));
    assert.deepEqual(await relay.publish(acceptedPullRequest), acceptedAnswer);
    const placeholderTip = work.commit("a PR nobody publishes");
    const heldPullRequest = repository.pullRequest(contributor, work.commit("a PR nobody pushes"));
    assert.deepEqual(await relay.publish(heldPullRequest), purgatoryAnswer);
    const unpublished = repository.pullRequest(contributor, placeholderTip);
    const placeholderRef = `refs/nostr/${unpublished.id}`;
    assertPushed(work.push(repository.url, `${placeholderTip}:${placeholderRef}`));
    assert.equal(repository.refs().get(placeholderRef), placeholderTip);
    const neverPushed = hostedRepository(server, newIdentity(), uniqueIdentifier("never-pushed"));
    const abandoned = neverPushed.announcement();
    assert.deepEqual(await relay.publish(abandoned), purgatoryAnswer);
    assert.ok(neverPushed.exists());

    await waitUntil(() => !neverPushed.exists(), "the repository that never received data is deleted", 20_000);
    await waitUntil(() => !repository.refs().has(placeholderRef), "the expired placeholder's ref is deleted", 20_000);
    // It was held before both of those expired. Resubmitted, a forgotten event is held anew
    // rather than answered `duplicate: in purgatory`.
    assert.deepEqual(await relay.publish(heldPullRequest), purgatoryAnswer);

    // The forgotten state no longer authorises its push; the repository with data stays.
    assertRejected(work.push(repository.url, `${next}:refs/heads/main`), `refs/heads/main: pushed ${short(next)}, state declares ${short(tip)}`);
    assert.equal(repository.refs().get("refs/heads/main"), tip);
    // The placeholder of a PR whose event came was settled then, and its ref stays.
    assert.equal(repository.refs().get(`refs/nostr/${acceptedPullRequest.id}`), acceptedTip);
    assert.deepEqual(await served(acceptedPullRequest), [acceptedPullRequest.id]);
    assert.deepEqual(await relay.publish(heldState), purgatoryAnswer, "held anew, not a duplicate");
    assert.deepEqual(await served(abandoned, heldState, heldPullRequest), []);
  });
});
