// SPEC §4 and §5, pull requests end to end: a PR (1618) or PR update (1619) names its tip in
// `c`, and the tip travels to `refs/nostr/<event id>`, in either order. Git first leaves a
// placeholder and the event is then served at once; event first holds it until the push; a
// ref at the wrong commit is removed, and a wrong push after the event is refused.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { NostrEvent } from "nostr-tools";
import { assertPushed, assertRejected, graspSession, ids } from "./support/grasp-session.js";
import { waitUntil } from "./support/wait-until.js";
import type { WithData } from "./support/grasp-session.js";
import { acceptedAnswer, kind, purgatoryAnswer, short } from "./support/hosted-repository.js";
import { newIdentity } from "./support/nostr-identity.js";

const { relay, served, announced, repositoryWithData } = await graspSession();
const contributor = newIdentity();

const nostrRef = (event: NostrEvent) => `refs/nostr/${event.id}`;

/** A repository that has received data, so its announcement is accepted and PRs relate to it. */
async function hostedWithData(name: string): Promise<WithData> {
  const hosted = await repositoryWithData(name);
  hosted.work.git("checkout", "--quiet", "-b", "feature");
  return hosted;
}

describe("pull requests and the purgatory", () => {
  it("git first: the tip pushed to refs/nostr/<id> waits as a placeholder, and the PR event is then served at once", async () => {
    const { repository, work } = await hostedWithData("pr-git-first");
    const tip = work.commit("the change");
    const pullRequest = repository.pullRequest(contributor, tip);

    assertPushed(work.push(repository.url, `${tip}:${nostrRef(pullRequest)}`));
    assert.equal(repository.refs().get(nostrRef(pullRequest)), tip);
    assert.deepEqual(await served(pullRequest), []);

    assert.deepEqual(await relay.publish(pullRequest), acceptedAnswer);
    assert.deepEqual(await served(pullRequest), [pullRequest.id]);
    assert.equal(repository.refs().get(nostrRef(pullRequest)), tip);
  });

  it("event first: the PR is held until its tip is pushed, then served when git push returns", async () => {
    const { repository, work } = await hostedWithData("pr-event-first");
    const tip = work.commit("the change");
    const pullRequest = repository.pullRequest(contributor, tip);

    assert.deepEqual(await relay.publish(pullRequest), purgatoryAnswer);
    assert.deepEqual(await served(pullRequest), []);

    assertPushed(work.push(repository.url, `${tip}:${nostrRef(pullRequest)}`));
    assert.deepEqual(await served(pullRequest), [pullRequest.id]);
    assert.equal(repository.refs().get(nostrRef(pullRequest)), tip);
  });

  it("a wrong tip pushed before the event is deleted when the event arrives; the event waits for the right one", async () => {
    const { repository, work } = await hostedWithData("pr-wrong-tip-first");
    const wrong = work.commit("a guess");
    const right = work.commit("the change");
    const pullRequest = repository.pullRequest(contributor, right);

    assertPushed(work.push(repository.url, `${wrong}:${nostrRef(pullRequest)}`));
    assert.equal(repository.refs().get(nostrRef(pullRequest)), wrong);

    assert.deepEqual(await relay.publish(pullRequest), purgatoryAnswer);
    // The daemon removes it right after the answer.
    await waitUntil(() => repository.refs().get(nostrRef(pullRequest)) === undefined, "the ref at the wrong commit is gone");
    assert.deepEqual(await served(pullRequest), []);

    assertPushed(work.push(repository.url, `${right}:${nostrRef(pullRequest)}`));
    assert.deepEqual(await served(pullRequest), [pullRequest.id]);
    assert.equal(repository.refs().get(nostrRef(pullRequest)), right);
  });

  it("a wrong tip pushed after the event is rejected, naming the ref, the pushed and the declared commit", async () => {
    const { repository, work } = await hostedWithData("pr-wrong-tip-after");
    const right = work.commit("the change");
    const wrong = work.commit("something else");
    const pullRequest = repository.pullRequest(contributor, right);
    assert.deepEqual(await relay.publish(pullRequest), purgatoryAnswer);

    assertRejected(work.push(repository.url, `${wrong}:${nostrRef(pullRequest)}`), `${nostrRef(pullRequest)}: pushed ${short(wrong)}, PR event declares ${short(right)}`);
    assert.equal(repository.refs().get(nostrRef(pullRequest)), undefined);
    assert.deepEqual(await served(pullRequest), []);
  });

  it("a PR update (1619) is held until its new tip is pushed to refs/nostr/<update id>, then served", async () => {
    const { repository, work } = await hostedWithData("pr-update");
    const first = work.commit("the change");
    const pullRequest = repository.pullRequest(contributor, first);
    assertPushed(work.push(repository.url, `${first}:${nostrRef(pullRequest)}`));
    assert.deepEqual(await relay.publish(pullRequest), acceptedAnswer);

    const revised = work.commit("after review");
    const update = repository.pullRequest(contributor, revised, [["E", pullRequest.id], ["P", contributor.pubkey]], kind.pullRequestUpdate);
    assert.deepEqual(await relay.publish(update), purgatoryAnswer);
    assert.deepEqual(await served(update), []);

    assertPushed(work.push(repository.url, `${revised}:${nostrRef(update)}`));
    assert.deepEqual(await served(pullRequest, update), ids(pullRequest, update));
    assert.equal(repository.refs().get(nostrRef(update)), revised);
  });

  it("a PR must relate to an accepted repository and name its tip", async () => {
    const { repository, work } = await hostedWithData("pr-invalid");
    const tip = work.commit("the change");

    const withoutTip = contributor.sign({ kind: kind.pullRequest, tags: [["a", repository.coordinate]] });
    assert.deepEqual(await relay.publish(withoutTip), [false, `invalid: kind ${kind.pullRequest} has no c tag naming its tip commit`]);

    // An announcement still in the purgatory (its repository has no data yet) does not count.
    const empty = await announced("pr-to-empty");
    const [accepted, message] = await relay.publish(empty.pullRequest(contributor, tip));
    assert.equal(accepted, false);
    assert.match(message, /^blocked: kind 1618 event references no repository or event on this server/);
  });

  it("pushes to refs/nostr/<not an event id> and to refs/heads/pr/* are rejected", async () => {
    const { repository, work } = await hostedWithData("pr-bad-refs");
    const tip = work.commit("the change");
    assertRejected(work.push(repository.url, `${tip}:refs/nostr/not-an-id`), "refs/nostr/not-an-id: not a 64-character lower-case hex event id");
    assertRejected(
      work.push(repository.url, `${tip}:refs/heads/pr/feature`),
      "refs/heads/pr/feature: pull requests travel as nostr events (kind 1618), not as refs/heads/pr/ branches",
    );
    assert.deepEqual([...repository.refs().keys()], ["refs/heads/main"]);
  });
});
