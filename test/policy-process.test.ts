// SPEC §3: the real `grasp-purgatory policy`, started through /bin/sh -c as strfry starts it,
// answers every request line in order on a stdout that carries answers only, survives bad
// and hostile input, and loses nothing it accepted when killed with SIGKILL.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, it } from "node:test";
import { newIdentity, announcementTags } from "./support/nostr-identity.js";
import { requestLine, startPolicy } from "./support/policy-process.js";
import type { PolicySettings } from "./support/policy-process.js";
import { tempDir } from "./support/temp-dir.js";

const serviceHost = "127.0.0.1:7777";

function settingsIn(dir: string): PolicySettings {
  return { serviceHost, gitRoot: join(dir, "git"), dataDir: join(dir, "data") };
}

describe("policy process (strfry plugin protocol)", () => {
  it("creates the announced repository with its settings and executable hooks before answering, and holds the announcement", async () => {
    const settings = settingsIn(tempDir());
    const policy = startPolicy(settings);
    const owner = newIdentity();
    const announcement = owner.sign({ kind: 30617, tags: announcementTags(owner, "hello world", serviceHost) });

    // Held (OK true to the client) until the repository receives data: SPEC §4.
    const answer = await policy.submit(announcement);
    assert.deepEqual(answer, { id: announcement.id, action: "shadowReject", msg: "purgatory: won't be served until git data arrives" });

    const repository = join(settings.gitRoot, owner.npub, "hello world.git");
    assert.equal(execFileSync("git", ["ls-remote", repository], { encoding: "utf8" }), "");
    for (const hook of ["pre-receive", "post-receive"]) {
      accessSync(join(repository, "hooks", hook), constants.X_OK);
    }
    const config = (key: string) => execFileSync("git", ["config", "--get", key], { cwd: repository, encoding: "utf8" }).trim();
    assert.equal(config("http.receivepack"), "true");
    assert.equal(config("uploadpack.allowTipSHA1InWant"), "true");
    assert.equal(config("uploadpack.allowReachableSHA1InWant"), "true");
    assert.equal(config("uploadpack.allowFilter"), "true");

    // The same announcement again (strfry resends, or a second relay syncs it): still fine.
    assert.deepEqual(await policy.submit(announcement), { id: announcement.id, action: "shadowReject", msg: "duplicate: in purgatory" });
    assert.equal(await policy.close(), 0);
  });

  it("answers bad lines that carry an id, skips the others, and keeps stdout to answers only", async () => {
    const dir = tempDir();
    const settings = settingsIn(dir);
    const policy = startPolicy(settings);
    const owner = newIdentity();
    const good = owner.sign({ kind: 30617, tags: announcementTags(owner, "repo", serviceHost) });
    const badId = "b".repeat(64);

    policy.sendLine("this is not json");
    policy.sendLine("[1,2,3]");
    policy.sendLine(JSON.stringify({ type: "new" }));
    policy.sendLine(JSON.stringify({ type: "new", event: { id: badId, kind: "one" } }));
    policy.sendLine(JSON.stringify({ type: "old", event: { ...good, id: badId } }));
    policy.sendLine(requestLine({ ...good, id: badId, tags: [["d", 7]] }));
    policy.sendLine(requestLine(good));

    const answers = [await policy.nextAnswer(), await policy.nextAnswer(), await policy.nextAnswer(), await policy.nextAnswer()];
    assert.deepEqual(
      answers.map(({ id, action }) => ({ id, action })),
      [
        { id: badId, action: "reject" },
        { id: badId, action: "reject" },
        { id: badId, action: "reject" },
        { id: good.id, action: "shadowReject" },
      ],
    );
    assert.match(answers[0]!.msg, /^invalid: event pubkey/);
    assert.match(answers[1]!.msg, /^invalid: unknown request type "old"/);
    assert.match(answers[2]!.msg, /^invalid: event tag 0 is not an array of strings/);
    assert.equal(await policy.close(), 0);

    for (const line of policy.stdoutLines) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      assert.deepEqual(Object.keys(parsed).sort(), ["action", "id", "msg"]);
    }
    assert.equal(policy.stdoutLines.length, 4);
    assert.match(policy.stderr(), /"problem":"input line is not JSON"/);
  });

  it("rejects hostile repository identifiers without touching anything outside the git root", async () => {
    const dir = tempDir();
    const settings = settingsIn(dir);
    const policy = startPolicy(settings);
    const owner = newIdentity();
    const hostile = ["..", ".", "", "../../escape", "a/b", "a\\b", "nul\0byte", "x".repeat(201)];

    for (const identifier of hostile) {
      const event = owner.sign({ kind: 30617, tags: announcementTags(owner, identifier, serviceHost) });
      const answer = await policy.submit(event);
      assert.equal(answer.action, "reject", `d ${JSON.stringify(identifier)}`);
      assert.match(answer.msg, /^invalid: kind 30617 has (an empty |a )?d tag/);
    }
    const state = owner.sign({ kind: 30618, tags: [["d", "../../escape"], ["refs/heads/main", "a".repeat(40)]] });
    assert.equal((await policy.submit(state)).action, "reject");

    assert.deepEqual(readdirSync(dir).sort(), ["data"]);
    assert.equal(existsSync(settings.gitRoot), false);
    assert.equal(await policy.close(), 0);
  });

  it("stays alive while idle and answers oversized and unicode events", async () => {
    const settings = { ...settingsIn(tempDir()), env: { GRASP_PURGATORY_MAX_HELD_EVENT_BYTES: "300000" } };
    const policy = startPolicy(settings);
    const owner = newIdentity();
    await sleep(1500);
    assert.equal(policy.child.exitCode, null);
    const announcement = owner.sign({
      kind: 30617,
      tags: announcementTags(owner, "ünïcødé-répø", serviceHost),
      content: "x".repeat(200_000),
    });
    assert.equal((await policy.submit(announcement)).action, "shadowReject");
    assert.ok(statSync(join(settings.gitRoot, owner.npub, "ünïcødé-répø.git")).isDirectory());
    assert.equal(await policy.close(), 0);
  });

  it("keeps every acknowledged announcement when killed with SIGKILL mid-stream", async () => {
    const settings = { ...settingsIn(tempDir()), env: { GRASP_PURGATORY_MAX_NEW_REPOSITORIES_PER_HOUR: "100" } };
    const owner = newIdentity();
    const announcements = Array.from({ length: 40 }, (_, index) =>
      owner.sign({ kind: 30617, tags: announcementTags(owner, `repo-${index}`, serviceHost) }),
    );

    const first = startPolicy(settings);
    for (const announcement of announcements) first.sendLine(requestLine(announcement));
    const answered: string[] = [];
    while (answered.length < 10) {
      const answer = await first.nextAnswer();
      assert.equal(answer.action, "shadowReject");
      answered.push(answer.id);
    }
    first.killHard();
    await first.exited;
    // Answers may have been written after our tenth read; those count as accepted too.
    const acceptedBeforeKill = first.stdoutLines.map((line) => (JSON.parse(line) as { id: string }).id);
    assert.ok(acceptedBeforeKill.length >= 10);

    const second = startPolicy(settings);
    for (const announcement of announcements) {
      if (!acceptedBeforeKill.includes(announcement.id)) continue;
      const identifier = announcement.tags[0]![1]!;
      // A state event is rejected when no announcement for its d is known: this asks the
      // restarted process whether it still knows each accepted announcement.
      const state = owner.sign({ kind: 30618, tags: [["d", identifier], ["HEAD", "ref: refs/heads/main"]] });
      const answer = await second.submit(state);
      assert.notEqual(answer.action, "reject", `${identifier}: ${answer.msg}`);
      accessSync(join(settings.gitRoot, owner.npub, `${identifier}.git`, "hooks", "pre-receive"), constants.X_OK);
    }
    const stranger = newIdentity().sign({ kind: 30618, tags: [["d", "repo-0"], ["HEAD", "ref: refs/heads/main"]] });
    assert.equal((await second.submit(stranger)).action, "reject");
    assert.equal(await second.close(), 0);
  });
});
