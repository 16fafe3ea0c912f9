// SPEC §5 / issue 4: the daemon's Unix socket inside the real policy process. Mode 0660; a
// request is only a hint (a forged or repeated release releases nothing incomplete);
// malformed requests get an error answer and never stop the daemon.

import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, it } from "node:test";
import { announcementTags, newIdentity } from "./support/nostr-identity.js";
import { startPolicy } from "./support/policy-process.js";
import { tempDir } from "./support/temp-dir.js";
import { waitUntil } from "./support/wait-until.js";

const serviceHost = "127.0.0.1:7777";

/** Writes raw text to the socket and collects one answer line per request line. */
function exchange(socketPath: string, text: string, answers: number): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const connection = createConnection(socketPath);
    const received: unknown[] = [];
    connection.on("error", reject);
    createInterface({ input: connection }).on("line", (line) => {
      received.push(JSON.parse(line));
      if (received.length === answers) {
        connection.destroy();
        resolve(received);
      }
    });
    connection.on("connect", () => connection.write(text));
  });
}

describe("daemon socket", () => {
  it("answers ping, refuses malformed requests, and releases nothing whose data is missing", async () => {
    const dir = tempDir();
    const settings = { serviceHost, gitRoot: join(dir, "git"), dataDir: join(dir, "data") };
    const policy = startPolicy(settings);
    const socketPath = join(settings.dataDir, "daemon.sock");
    await waitUntil(() => existsSync(socketPath), "the daemon socket exists");
    assert.equal(statSync(socketPath).mode & 0o777, 0o660);

    // A held announcement and state whose commit was never pushed.
    const owner = newIdentity();
    const announcement = owner.sign({ kind: 30617, tags: announcementTags(owner, "repo", serviceHost) });
    const state = owner.sign({ kind: 30618, tags: [["d", "repo"], ["refs/heads/main", "c".repeat(40)], ["HEAD", "ref: refs/heads/main"]] });
    assert.equal((await policy.submit(announcement)).action, "shadowReject");
    assert.equal((await policy.submit(state)).action, "shadowReject");

    const requests = [
      "not json",
      "[]",
      JSON.stringify({ op: "explode" }),
      JSON.stringify({ op: "release" }),
      JSON.stringify({ op: "release", repository: "../../etc/passwd" }),
      JSON.stringify({ op: "release-event", id: "not-hex" }),
      JSON.stringify({ op: "release-event", id: "d".repeat(64) }),
      JSON.stringify({ op: "release", repository: `${owner.npub}/repo.git` }),
      JSON.stringify({ op: "release-event", id: state.id }),
      JSON.stringify({ op: "ping" }),
    ];
    const answers = (await exchange(socketPath, requests.join("\n") + "\n", requests.length)) as Record<string, unknown>[];
    // Answers may come back in any order (each is handled as it completes): match them by content.
    const errors = answers.filter((answer) => answer.ok === false).map((answer) => String(answer.error));
    assert.equal(errors.length, 7, JSON.stringify(answers));
    for (const expected of [
      /^request is not JSON$/,
      /^unknown op undefined/,
      /^unknown op "explode": use ping, release or release-event$/,
      /^release needs a repository string$/,
      /"\.\.\/\.\.\/etc\/passwd" is not a repository under the git root$/,
      /^release-event needs a 64-hex id$/,
      /is not held in the purgatory$/,
    ]) {
      assert.ok(errors.some((error) => expected.test(error)), `${expected} in ${JSON.stringify(errors)}`);
    }
    const successes = answers.filter((answer) => answer.ok === true);
    assert.equal(successes.length, 3);
    for (const answer of successes.filter((answer) => "released" in answer)) {
      assert.deepEqual(answer.released, [], "a forged or repeated request releases nothing whose data is missing");
    }
    assert.ok(successes.some((answer) => typeof answer.pid === "number"), "ping answers with the daemon's pid");

    // Still held, and the daemon and the plugin both still answer.
    assert.deepEqual(await policy.submit(state), { id: state.id, action: "shadowReject", msg: "duplicate: in purgatory" });
    const [pong] = (await exchange(socketPath, JSON.stringify({ op: "ping" }) + "\n", 1)) as Record<string, unknown>[];
    assert.equal(pong!.ok, true);
    assert.equal(await policy.close(), 0);
  });
});
