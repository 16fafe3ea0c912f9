// SPEC §5: a held event must not expire while a push that may complete it is being received,
// however long the upload takes. git receives a pack into a quarantine directory
// (objects/tmp_objdir-incoming-*) until pre-receive has accepted it; the sweep leaves the
// events of a repository with one alone, and pre-receive extends what it authorised until
// post-receive has run. The quarantine is simulated here: no test can slow a real upload.

import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, it } from "node:test";
import { workingRepository } from "./support/git-client.js";
import { assertPushed, graspSession } from "./support/grasp-session.js";
import { hostedRepository, purgatoryAnswer, uniqueIdentifier } from "./support/hosted-repository.js";
import { newIdentity } from "./support/nostr-identity.js";
import { waitUntil } from "./support/wait-until.js";

const ttlSeconds = 2;
const { server, relay, served } = await graspSession({ env: { GRASP_PURGATORY_SWEEP_SECONDS: "1", GRASP_PURGATORY_TTL_SECONDS: String(ttlSeconds) } });
const duplicateAnswer: [boolean, string] = [true, "duplicate: in purgatory"];

describe("expiry while a push is being received", () => {
  it("keeps the held announcement and state past their TTL while the repository has a quarantine, then the push releases them", async () => {
    const repository = hostedRepository(server, newIdentity(), uniqueIdentifier("slow-upload"));
    const announcement = repository.announcement();
    assert.deepEqual(await relay.publish(announcement), purgatoryAnswer);
    const work = workingRepository();
    const tip = work.commit("first");
    const state = repository.state({ "refs/heads/main": tip }, { head: "ref: refs/heads/main" });
    assert.deepEqual(await relay.publish(state), purgatoryAnswer);

    const quarantine = join(repository.path, "objects", "tmp_objdir-incoming-simulated");
    mkdirSync(quarantine);
    // Proving that something does NOT happen needs time to pass: three TTLs, six sweeps.
    await sleep(3 * ttlSeconds * 1000);
    assert.deepEqual(await relay.publish(state), duplicateAnswer, "still held while the upload is under way");
    assert.ok(repository.exists(), "the announced repository is not deleted mid-upload");

    // The upload ends: pre-receive authorises with the held state (still there) and the push
    // releases both. The simulated quarantine stays until then, as the real one would.
    assertPushed(work.push(repository.url, "main"));
    rmSync(quarantine, { recursive: true });
    assert.deepEqual(await served(announcement, state), [announcement.id, state.id].sort());
  });

  it("expires them once no push is under way", async () => {
    const repository = hostedRepository(server, newIdentity(), uniqueIdentifier("abandoned-upload"));
    assert.deepEqual(await relay.publish(repository.announcement()), purgatoryAnswer);
    const quarantine = join(repository.path, "objects", "tmp_objdir-incoming-simulated");
    mkdirSync(quarantine);
    await sleep(2 * ttlSeconds * 1000);
    assert.ok(repository.exists());
    rmSync(quarantine, { recursive: true });
    await waitUntil(() => !repository.exists(), "the repository that never received data is deleted", 20_000);
  });
});
