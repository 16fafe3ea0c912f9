// SPEC §4 and §5, the push flows, end to end: the real `grasp-purgatory dev` server with its
// policy process and hooks, real `git push` over smart HTTP, and a websocket nostr client.
// A state event is held (OK true, `purgatory:`) until a push makes the repository match it,
// the push is authorised only by a state it matches exactly, and the state is served before
// `git push` returns.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { workingRepository } from "./support/git-client.js";
import { waitUntil } from "./support/wait-until.js";
import { assertPushed, assertRejected, graspSession } from "./support/grasp-session.js";
import { acceptedAnswer, kind, purgatoryAnswer, short } from "./support/hosted-repository.js";

const { relay, served, announced, repositoryWithData } = await graspSession();

describe("SPEC §5 push flows", () => {
  it("announcement, then state, then push: both are served when git push returns, and the repository clones", async () => {
    const repository = await announced("first-push");
    const announcement = (await relay.query({ kinds: [kind.announcement], authors: [repository.owner.pubkey] }))[0];
    assert.equal(announcement, undefined, "the held announcement is not served");
    const work = workingRepository();
    const tip = work.commit("first");
    const state = repository.state({ "refs/heads/main": tip }, { head: "ref: refs/heads/main" });
    assert.deepEqual(await relay.publish(state), purgatoryAnswer);
    assert.deepEqual(await served(state), [], "the held state is not served");

    assertPushed(work.push(repository.url, "main"));

    const events = await relay.query({ authors: [repository.owner.pubkey] });
    assert.deepEqual(events.map((event) => event.kind).sort(), [kind.announcement, kind.state]);
    assert.ok(events.some((event) => event.id === state.id));
    const advertised = execFileSync("git", ["ls-remote", "--symref", repository.url], { encoding: "utf8" });
    assert.match(advertised, new RegExp(`^ref: refs/heads/main\\tHEAD$`, "m"));
    assert.match(advertised, new RegExp(`^${tip}\\trefs/heads/main$`, "m"));
    const clone = workingRepository();
    clone.git("fetch", "--quiet", repository.url, "main");
    assert.equal(clone.git("rev-parse", "FETCH_HEAD"), tip);
  });

  it("a new state for a repository with data is held until its push, then served in place of the old one", async () => {
    const { repository, work, state: first } = await repositoryWithData("second-state");
    const next = work.commit("second");
    const second = repository.state({ "refs/heads/main": next }, { head: "ref: refs/heads/main" });
    assert.deepEqual(await relay.publish(second), purgatoryAnswer);
    assert.deepEqual(await relay.publish(second), [true, "duplicate: in purgatory"], "a resubmitted held event");
    assert.deepEqual(await served(first, second), [first.id], "readers still see the state the repository matches");

    assertPushed(work.push(repository.url, "main"));

    assert.deepEqual(await served(first, second), [second.id]);
    assert.equal(repository.refs().get("refs/heads/main"), next);
  });

  it("a push with no state event behind it is rejected, and the error says so", async () => {
    const repository = await announced("no-state");
    const work = workingRepository();
    work.commit("first");
    assertRejected(work.push(repository.url, "main"), "no repository state event (kind 30618) from a maintainer authorises this push");
    assert.deepEqual(repository.refs(), new Map());

    const { repository: withData, work: author, tip } = await repositoryWithData("no-new-state");
    const unannounced = author.commit("not in any state");
    assertRejected(
      author.push(withData.url, "main"),
      /remote: error: the push does not match the newest state event [0-9a-f]{8}:/,
      `refs/heads/main: pushed ${short(unannounced)}, state declares ${short(tip)}`,
    );
    assert.equal(withData.refs().get("refs/heads/main"), tip);
  });

  it("a push of another commit than the held state declares is rejected naming the ref and both commits; the right one then goes through", async () => {
    const repository = await announced("wrong-commit");
    const work = workingRepository();
    const declared = work.commit("declared");
    const other = work.commit("other");
    const state = repository.state({ "refs/heads/main": declared });
    assert.deepEqual(await relay.publish(state), purgatoryAnswer);

    assertRejected(work.push(repository.url, "main"), `refs/heads/main: pushed ${short(other)}, state declares ${short(declared)}`);
    assert.deepEqual(await served(state), [], "a rejected push releases nothing");

    assertPushed(work.push(repository.url, `${declared}:refs/heads/main`));
    assert.deepEqual(await served(state), [state.id]);
  });

  it("a push of only some of the declared refs is rejected naming the missing one", async () => {
    const repository = await announced("partial");
    const work = workingRepository();
    const main = work.commit("main");
    work.git("checkout", "--quiet", "-b", "dev");
    const dev = work.commit("dev");
    const state = repository.state({ "refs/heads/main": main, "refs/heads/dev": dev });
    assert.deepEqual(await relay.publish(state), purgatoryAnswer);

    assertRejected(work.push(repository.url, "main"), `refs/heads/dev: state ${short(state.id)} declares ${short(dev)}, the push leaves it absent`);
    assert.deepEqual(repository.refs(), new Map());

    assertPushed(work.push(repository.url, "main", "dev"));
    assert.deepEqual(await served(state), [state.id]);
    assert.deepEqual(repository.refs(), new Map([["refs/heads/dev", dev], ["refs/heads/main", main]]));
  });

  it("deletions: a state that drops a branch is served at once and the server deletes it; a push that deletes what the state omits is allowed", async () => {
    const repository = await announced("deletion");
    const work = workingRepository();
    const main = work.commit("main");
    work.git("branch", "dev");
    work.git("branch", "topic");
    const first = repository.state({ "refs/heads/main": main, "refs/heads/dev": main, "refs/heads/topic": main });
    assert.deepEqual(await relay.publish(first), purgatoryAnswer);
    assertPushed(work.push(repository.url, "main", "dev", "topic"));

    // Every object it declares is here already: nothing to wait for.
    const withoutTopic = repository.state({ "refs/heads/main": main, "refs/heads/dev": main });
    assert.deepEqual(await relay.publish(withoutTopic), acceptedAnswer);
    // The daemon aligns the repository once strfry has stored the state.
    await waitUntil(() => !repository.refs().has("refs/heads/topic"), "the server deleted topic");
    assert.deepEqual([...repository.refs().keys()].sort(), ["refs/heads/dev", "refs/heads/main"]);
    // The client's own deletion push comes after the state (ngit's order) and finds it done.
    assertPushed(work.push(repository.url, ":refs/heads/topic"));

    const next = work.commit("next");
    const withoutDev = repository.state({ "refs/heads/main": next });
    assert.deepEqual(await relay.publish(withoutDev), purgatoryAnswer);
    assertRejected(work.push(repository.url, "main"), `refs/heads/dev: pushed ${short(main)}, state ${short(withoutDev.id)} does not declare it`);
    assertPushed(work.push(repository.url, "main", ":refs/heads/dev"));
    assert.deepEqual(repository.refs(), new Map([["refs/heads/main", next]]));
    assert.deepEqual(await served(first, withoutTopic, withoutDev), [withoutDev.id]);
  });

  it("a push that changes nothing succeeds without any new state, and releases nothing", async () => {
    const { repository, work, tip, state } = await repositoryWithData("no-op");
    const later = work.commit("later");
    const pending = repository.state({ "refs/heads/main": later });
    assert.deepEqual(await relay.publish(pending), purgatoryAnswer);

    // git sends no update for a ref that is already there, so the hooks see a no-op push.
    assertPushed(work.push(repository.url, `${tip}:refs/heads/main`));
    assert.equal(repository.refs().get("refs/heads/main"), tip);
    assert.deepEqual(await served(state, pending), [state.id]);
  });

  it("two held states: the push that matches the older one releases it, and the newer one waits for its own push", async () => {
    const repository = await announced("two-states");
    const work = workingRepository();
    const first = work.commit("first");
    const second = work.commit("second");
    const older = repository.state({ "refs/heads/main": first });
    const newer = repository.state({ "refs/heads/main": second });
    assert.deepEqual(await relay.publish(older), purgatoryAnswer);
    assert.deepEqual(await relay.publish(newer), purgatoryAnswer);

    assertPushed(work.push(repository.url, `${first}:refs/heads/main`));
    assert.deepEqual(await served(older, newer), [older.id]);
    assert.equal(repository.refs().get("refs/heads/main"), first);

    assertPushed(work.push(repository.url, `${second}:refs/heads/main`));
    assert.deepEqual(await served(older, newer), [newer.id]);
    assert.equal(repository.refs().get("refs/heads/main"), second);

    // The older state is served no more and can never roll the repository back.
    assertRejected(work.push(repository.url, `${first}:refs/heads/main`), `refs/heads/main: pushed ${short(first)}, state declares ${short(second)}`);
  });

  it("two held states both complete after one push: the newer one is what the repository and the relay end up with", async () => {
    const repository = await announced("two-complete");
    const work = workingRepository();
    const first = work.commit("first");
    const second = work.commit("second");
    const older = repository.state({ "refs/heads/main": first });
    const newer = repository.state({ "refs/heads/main": second });
    assert.deepEqual(await relay.publish(older), purgatoryAnswer);
    assert.deepEqual(await relay.publish(newer), purgatoryAnswer);

    // Pushing `second` brings `first` too, so both states are complete.
    assertPushed(work.push(repository.url, "main"));
    assert.deepEqual(await served(older, newer), [newer.id]);
    assert.equal(repository.refs().get("refs/heads/main"), second);
  });
});
