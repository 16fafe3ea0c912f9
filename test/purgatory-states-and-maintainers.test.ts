// SPEC §4 and §7, who may declare a repository's state and what a state may declare, end to
// end: maintainers and their maintainers, outsiders, annotated tags, HEAD in both forms, kind 5
// withdrawing a held state, `ngit sync` re-publishing a state whose data is already here, and
// GRASP-01's copying of a released state into the maintainer's own repository of the same d.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { workingRepository } from "./support/git-client.js";
import { waitUntil } from "./support/wait-until.js";
import { assertPushed, assertRejected, graspSession, ids } from "./support/grasp-session.js";
import { acceptedAnswer, hostedRepository, kind, purgatoryAnswer, short, uniqueIdentifier } from "./support/hosted-repository.js";
import { newIdentity } from "./support/nostr-identity.js";

const { server, relay, served, announced, repositoryWithData } = await graspSession();

describe("state events: maintainers, refs, HEAD, withdrawal and sync", () => {
  it("a maintainer listed in the owner's announcement pushes with their own state", async () => {
    const maintainer = newIdentity();
    const repository = await announced("maintained", newIdentity(), [["maintainers", maintainer.pubkey]]);
    const work = workingRepository();
    const tip = work.commit("by the maintainer");
    const state = repository.state({ "refs/heads/main": tip }, { author: maintainer });
    assert.deepEqual(await relay.publish(state), purgatoryAnswer);
    assertPushed(work.push(repository.url, "main"));
    assert.deepEqual(await served(state), [state.id]);
    assert.equal(repository.refs().get("refs/heads/main"), tip);
  });

  it("a maintainer of a maintainer (listed in the maintainer's own announcement of the same d) pushes too", async () => {
    const maintainer = newIdentity();
    const theirMaintainer = newIdentity();
    const repository = await announced("recursive", newIdentity(), [["maintainers", maintainer.pubkey]]);
    // The maintainer's announcement names another server only; it is kept because its author maintains ours.
    const maintainersAnnouncement = maintainer.sign({
      kind: kind.announcement,
      tags: [
        ["d", repository.identifier],
        ["clone", `https://elsewhere.example/${maintainer.npub}/${repository.identifier}.git`],
        ["relays", "wss://elsewhere.example"],
        ["maintainers", theirMaintainer.pubkey],
      ],
    });
    assert.deepEqual(await relay.publish(maintainersAnnouncement), acceptedAnswer);

    const work = workingRepository();
    const tip = work.commit("by the maintainer's maintainer");
    const state = repository.state({ "refs/heads/main": tip }, { author: theirMaintainer });
    assert.deepEqual(await relay.publish(state), purgatoryAnswer);
    assertPushed(work.push(repository.url, "main"));
    assert.deepEqual(await served(state), [state.id]);
    assert.equal(repository.refs().get("refs/heads/main"), tip);
  });

  it("a state from someone outside the maintainer set, or for a d nobody announced here, is rejected", async () => {
    const repository = await announced("outsider", newIdentity(), [["maintainers", newIdentity().pubkey]]);
    const stranger = newIdentity();
    const work = workingRepository();
    const tip = work.commit("by a stranger");
    const [accepted, message] = await relay.publish(repository.state({ "refs/heads/main": tip }, { author: stranger }));
    assert.equal(accepted, false);
    assert.equal(message, `blocked: ${stranger.pubkey} is not a maintainer of any repository "${repository.identifier}" on this server`);
    assertRejected(work.push(repository.url, "main"), "no repository state event (kind 30618) from a maintainer authorises this push");

    const nowhere = stranger.sign({ kind: kind.state, tags: [["d", "never-announced"], ["refs/heads/main", tip]] });
    const [acceptedNowhere, messageNowhere] = await relay.publish(nowhere);
    assert.equal(acceptedNowhere, false);
    assert.match(messageNowhere, /^blocked: no repository announcement for d "never-announced" on this server/);
  });

  it("annotated tags: a state declaring refs/tags/v1 (tag object) and refs/tags/v1^{} (commit) is authorised and served", async () => {
    const repository = await announced("annotated-tag");
    const work = workingRepository();
    const tip = work.commit("release");
    work.git("tag", "-a", "v1", "-m", "version 1");
    const tagObject = work.git("rev-parse", "refs/tags/v1");
    assert.notEqual(tagObject, tip);
    const state = repository.state({ "refs/heads/main": tip, "refs/tags/v1": tagObject, "refs/tags/v1^{}": tip }, { head: "ref: refs/heads/main" });
    assert.deepEqual(await relay.publish(state), purgatoryAnswer);

    assertPushed(work.push(repository.url, "main", "refs/tags/v1"));
    assert.deepEqual(await served(state), [state.id]);
    assert.deepEqual(repository.refs(), new Map([["refs/heads/main", tip], ["refs/tags/v1", tagObject]]));
  });

  it("HEAD follows the state: `ref: refs/heads/dev` after the push, then bare `refs/heads/main`", async () => {
    const repository = await announced("head");
    const work = workingRepository();
    const main = work.commit("main");
    work.git("checkout", "--quiet", "-b", "dev");
    const dev = work.commit("dev");
    const state = repository.state({ "refs/heads/main": main, "refs/heads/dev": dev }, { head: "ref: refs/heads/dev" });
    assert.deepEqual(await relay.publish(state), purgatoryAnswer);
    assertPushed(work.push(repository.url, "main", "dev"));
    assert.equal(repository.head(), "refs/heads/dev");
    assert.match(execFileSync("git", ["ls-remote", "--symref", repository.url, "HEAD"], { encoding: "utf8" }), /^ref: refs\/heads\/dev\tHEAD$/m);

    const back = repository.state({ "refs/heads/main": main, "refs/heads/dev": dev }, { head: "refs/heads/main" });
    assert.deepEqual(await relay.publish(back), acceptedAnswer);
    await waitUntil(() => repository.head() === "refs/heads/main", "HEAD follows the accepted state once strfry stored it");
  });

  it("a kind 5 deletion withdraws a held state (by e id, or by a coordinate), and its push is then rejected", async () => {
    const { repository, work, tip } = await repositoryWithData("withdrawn");
    const next = work.commit("next");
    const held = repository.state({ "refs/heads/main": next });
    assert.deepEqual(await relay.publish(held), purgatoryAnswer);
    const deletion = repository.owner.sign({ kind: kind.deletion, tags: [["e", held.id], ["k", String(kind.state)]] });
    assert.deepEqual(await relay.publish(deletion), acceptedAnswer);
    assertRejected(work.push(repository.url, "main"), `refs/heads/main: pushed ${short(next)}, state declares ${short(tip)}`);
    assert.deepEqual(await served(held), []);

    const fresh = await announced("withdrawn-by-coordinate");
    const first = work.commit("first elsewhere");
    const heldFirst = fresh.state({ "refs/heads/main": first });
    assert.deepEqual(await relay.publish(heldFirst), purgatoryAnswer);
    const byCoordinate = fresh.owner.sign({ kind: kind.deletion, tags: [["a", `${kind.state}:${fresh.owner.pubkey}:${fresh.identifier}`]] });
    assert.deepEqual(await relay.publish(byCoordinate), acceptedAnswer);
    assertRejected(work.push(fresh.url, `${first}:refs/heads/main`), "no repository state event (kind 30618) from a maintainer authorises this push");
  });

  it("ngit sync: a state whose data is already here is accepted at once, without a purgatory message, and served", async () => {
    const { repository, tip, state } = await repositoryWithData("sync");
    assert.deepEqual(await relay.publish(state), [true, "duplicate: have this event"], "the relay answers for what it stores");
    const republished = repository.state({ "refs/heads/main": tip }, { head: "ref: refs/heads/main" });
    assert.deepEqual(await relay.publish(republished), acceptedAnswer);
    assert.deepEqual(await served(state, republished), ids(republished));
  });

  it("a state released for the owner's repository is copied into the maintainer's own repository of the same d", async () => {
    const maintainer = newIdentity();
    const identifier = uniqueIdentifier("synchronised");
    const owners = hostedRepository(server, newIdentity(), identifier);
    const maintainers = hostedRepository(server, maintainer, identifier);
    assert.deepEqual(await relay.publish(owners.announcement([["maintainers", maintainer.pubkey]])), purgatoryAnswer);
    const maintainersAnnouncement = maintainers.announcement();
    assert.deepEqual(await relay.publish(maintainersAnnouncement), purgatoryAnswer);
    const work = workingRepository();
    const tip = work.commit("first");
    const state = maintainers.state({ "refs/heads/main": tip }, { head: "ref: refs/heads/main" });
    assert.deepEqual(await relay.publish(state), purgatoryAnswer);

    assertPushed(work.push(owners.url, "main"));
    assert.deepEqual(await served(state), [state.id]);
    assert.deepEqual(owners.refs(), new Map([["refs/heads/main", tip]]));
    // The daemon copies the objects once strfry stored the state: it is authoritative for both repositories.
    await waitUntil(() => maintainers.refs().get("refs/heads/main") === tip, "the state's objects are copied into the maintainer's repository");
    // The copy gave the maintainer's repository its data, so its announcement is released.
    await waitUntil(async () => (await served(maintainersAnnouncement)).length === 1, "the maintainer's announcement is released");
  });
});
