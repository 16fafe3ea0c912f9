// Issue 5, the operator's view of the purgatory: `list`, `show` and `stats` run as real
// processes against a store and repositories that the real dev server (policy process, hooks,
// git smart HTTP) filled from real nostr events and real `git push`es. Tables for people,
// `--json` parsed and checked, and the failures: bad options, unknown ids, an unreadable store.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { NostrEvent } from "nostr-tools";
import { connectRelay } from "./support/dev-relay-client.js";
import { startDevServerProcess } from "./support/dev-server.js";
import { workingRepository } from "./support/git-client.js";
import { hostedRepository, kind, purgatoryAnswer, short, uniqueIdentifier } from "./support/hosted-repository.js";
import type { HostedRepository } from "./support/hosted-repository.js";
import { newIdentity } from "./support/nostr-identity.js";
import type { Identity } from "./support/nostr-identity.js";
import { assertOneLineReason, assertUsageError, operatorCli, serverSettings } from "./support/operator-cli.js";
import { tempDir } from "./support/temp-dir.js";
import type { EntryJson } from "../src/cli/list-command.js";

// A short TTL puts every entry within `stats`' five minutes; a long sweep interval keeps the
// sweep from changing anything while the tests look.
const ttlSeconds = 240;
const serverEnv = { GRASP_PURGATORY_TTL_SECONDS: String(ttlSeconds), GRASP_PURGATORY_SWEEP_SECONDS: "3600" };
const server = await startDevServerProcess({ env: serverEnv });
const relay = await connectRelay(server.relayUrl);
const cli = operatorCli(serverSettings(server, serverEnv));

const alice = newIdentity();
const bob = newIdentity();
const carol = newIdentity();

const nameOf = (repository: HostedRepository) => `${repository.owner.npub}/${repository.identifier}.git`;
/** How the table abbreviates an npub and a repository. */
const shortNpub = (identity: Identity) => `${identity.npub.slice(0, 10)}…${identity.npub.slice(-4)}`;
const shortRepository = (repository: HostedRepository) => `${shortNpub(repository.owner)}/${repository.identifier}`;
/** An event as JSON carries it (nostr-tools marks signed events with a symbol). */
const plain = (event: NostrEvent) => JSON.parse(JSON.stringify(event)) as NostrEvent;
const isoTimestamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function published(event: NostrEvent, expected: [boolean, string] = purgatoryAnswer): Promise<NostrEvent> {
  assert.deepEqual(await relay.publish(event), expected, `publishing kind ${event.kind}`);
  return event;
}

function pushed(result: { status: number; stderr: string }): void {
  assert.equal(result.status, 0, `git push failed:\n${result.stderr}`);
}

// "waiting": announced, and its state declares a commit nobody ever pushes.
const waiting = hostedRepository(server, alice, uniqueIdentifier("waiting"));
const neverPushed = workingRepository().commit("never pushed");
const waitingAnnouncement = await published(waiting.announcement());
const waitingState = await published(waiting.state({ "refs/heads/main": neverPushed }, { head: "ref: refs/heads/main" }));

// "busy": its first push released announcement and state; then a PR tip pushed before its
// event (a placeholder), a second state naming a branch that never comes, and a PR and a PR
// update whose tips never come.
const busy = hostedRepository(server, bob, uniqueIdentifier("busy"));
const work = workingRepository();
const base = work.commit("base");
const busyAnnouncement = await published(busy.announcement());
const busyState = await published(busy.state({ "refs/heads/main": base }, { head: "ref: refs/heads/main" }));
pushed(work.push(busy.url, "main"));
assert.equal((await relay.query({ ids: [busyAnnouncement.id, busyState.id] })).length, 2, "the first push released both");

const placeholderTip = work.commit("pull request pushed first");
// Shares six hex digits with the waiting state's id (an ambiguous prefix) and differs in the seventh.
const seventh = ((parseInt(waitingState.id[6]!, 16) + 1) % 16).toString(16);
const placeholderId = waitingState.id.slice(0, 6) + seventh + randomBytes(29).toString("hex").slice(0, 57);
pushed(work.push(busy.url, `${placeholderTip}:refs/nostr/${placeholderId}`));

const missingBranch = work.commit("dev, never pushed");
const secondState = await published(busy.state({ "refs/heads/main": base, "refs/heads/dev": missingBranch }, { head: "ref: refs/heads/main" }));
await published(secondState, [true, "duplicate: in purgatory"]);
const pullRequestTip = work.commit("pull request, never pushed");
const pullRequest = await published(busy.pullRequest(carol, pullRequestTip));
const updateTip = work.commit("pull request update, never pushed");
const pullRequestUpdate = await published(busy.pullRequest(carol, updateTip, [], kind.pullRequestUpdate));


/** What every entry should look like, apart from its times. */
const expected: Omit<EntryJson, "arrivedAt" | "expiresAt">[] = [
  { type: "announcement", id: waitingAnnouncement.id, kind: kind.announcement, author: alice.pubkey, repositories: [nameOf(waiting)], waitingFor: ["a first push"] },
  { type: "state", id: waitingState.id, kind: kind.state, author: alice.pubkey, repositories: [nameOf(waiting)], waitingFor: [`commits ${short(neverPushed)}`] },
  { type: "placeholder", id: placeholderId, kind: null, author: null, repositories: [nameOf(busy)], waitingFor: [`PR event ${short(placeholderId)} (c = ${short(placeholderTip)})`] },
  { type: "state", id: secondState.id, kind: kind.state, author: bob.pubkey, repositories: [nameOf(busy)], waitingFor: [`commits ${short(missingBranch)}`] },
  { type: "pull-request", id: pullRequest.id, kind: kind.pullRequest, author: carol.pubkey, repositories: [nameOf(busy)], waitingFor: [`refs/nostr/${short(pullRequest.id)} at ${short(pullRequestTip)}`] },
  { type: "pull-request-update", id: pullRequestUpdate.id, kind: kind.pullRequestUpdate, author: carol.pubkey, repositories: [nameOf(busy)], waitingFor: [`refs/nostr/${short(pullRequestUpdate.id)} at ${short(updateTip)}`] },
];
const allIds = expected.map((entry) => entry.id).sort();

const listedIds = async (...options: string[]) => (await cli.json<{ entries: EntryJson[] }>(["list", ...options])).entries.map((entry) => entry.id).sort();

describe("grasp-purgatory list", () => {
  it("prints a table with a row per entry: kind, short id, repository, author, age, time left and what it waits for", async () => {
    const result = await cli.run(["list"]);
    assert.equal(result.status, 0, result.stderr);
    const [header, ...rows] = result.stdout.trimEnd().split("\n");
    assert.match(header!, /^KIND +ID +REPOSITORY +AUTHOR +AGE +EXPIRES +WAITING FOR$/);
    assert.equal(rows.length, expected.length, result.stdout);
    for (const entry of expected) {
      const row = rows.find((line) => line.split(/ {2,}/)[1] === short(entry.id));
      assert.ok(row !== undefined, `no row for ${entry.type} ${short(entry.id)}:\n${result.stdout}`);
      const [type, , repository, author, age, expires, waitingFor] = row.split(/ {2,}/);
      const owner = entry.repositories[0]!.startsWith(alice.npub) ? waiting : busy;
      const authorIdentity = [alice, bob, carol].find((identity) => identity.pubkey === entry.author);
      assert.deepEqual(
        { type, repository, author, waitingFor },
        { type: entry.type, repository: shortRepository(owner), author: authorIdentity === undefined ? "-" : shortNpub(authorIdentity), waitingFor: entry.waitingFor.join("; ") },
      );
      assert.match(age!, /^\d+[sm]$/);
      assert.match(expires!, /^in \d+[sm]$/);
    }
  });

  it("--json gives every entry in the documented shape with ISO times, sorted by time left", async () => {
    const { entries } = await cli.json<{ entries: EntryJson[] }>(["list"]);
    assert.equal(entries.length, expected.length);
    for (const entry of entries) {
      assert.deepEqual(Object.keys(entry).sort(), ["arrivedAt", "author", "expiresAt", "id", "kind", "repositories", "type", "waitingFor"]);
      assert.match(entry.arrivedAt, isoTimestamp);
      assert.match(entry.expiresAt, isoTimestamp);
      assert.equal(Date.parse(entry.expiresAt) - Date.parse(entry.arrivedAt), ttlSeconds * 1000);
      const { arrivedAt: _arrived, expiresAt: _expires, ...rest } = entry;
      assert.deepEqual(rest, expected.find((candidate) => candidate.id === entry.id));
    }
    const expiries = entries.map((entry) => Date.parse(entry.expiresAt));
    assert.deepEqual(expiries, [...expiries].sort((a, b) => a - b), "soonest to expire first");
  });

  it("filters by --repo, --kind (and its aliases), --author (npub or hex) and --expiring-within", async () => {
    const ids = (...events: { id: string }[]) => events.map((event) => event.id).sort();
    const [byRepo, byRepoWithSuffix, states, prs, updates, placeholders, byNpub, byHex, soon, later, combined] = await Promise.all([
      listedIds("--repo", `${alice.npub}/${waiting.identifier}`),
      listedIds("--repo", nameOf(busy)),
      listedIds("--kind", "state"),
      listedIds("--kind", "pr"),
      listedIds("--kind", "pr-update"),
      listedIds("--kind", "placeholder"),
      listedIds("--author", alice.npub),
      listedIds("--author", carol.pubkey),
      listedIds("--expiring-within", "1m"),
      listedIds("--expiring-within", "5m"),
      listedIds("--repo", `${bob.npub}/${busy.identifier}`, "--kind", "state"),
    ]);
    assert.deepEqual(byRepo, ids(waitingAnnouncement, waitingState));
    assert.deepEqual(byRepoWithSuffix, ids({ id: placeholderId }, secondState, pullRequest, pullRequestUpdate));
    assert.deepEqual(states, ids(waitingState, secondState));
    assert.deepEqual(prs, ids(pullRequest));
    assert.deepEqual(updates, ids(pullRequestUpdate));
    assert.deepEqual(placeholders, [placeholderId]);
    assert.deepEqual(byNpub, ids(waitingAnnouncement, waitingState));
    assert.deepEqual(byHex, ids(pullRequest, pullRequestUpdate));
    assert.deepEqual(soon, [], `nothing expires within a minute of a ${ttlSeconds} s TTL`);
    assert.deepEqual(later, allIds);
    assert.deepEqual(combined, ids(secondState));
  });

  it("says when a filter matches nothing rather than that the purgatory is empty", async () => {
    const result = await cli.run(["list", "--repo", `${carol.npub}/nothing-here`]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, "Nothing in the purgatory matches these filters.\n");
  });

  it("rejects bad option values with exit 64 and says what is wrong", async () => {
    const [badKind, badAuthor, badDuration, unknownOption] = await Promise.all([
      cli.run(["list", "--kind", "nonsense"]),
      cli.run(["list", "--author", "npub1nobody"]),
      cli.run(["list", "--expiring-within", "soon"]),
      cli.run(["list", "--colour"]),
    ]);
    assertUsageError(badKind, `"nonsense" is not a kind of entry: use one of announcement, state, pull-request`);
    assertUsageError(badAuthor, `"npub1nobody" is neither an npub nor a 64-hex pubkey`);
    assertUsageError(badDuration, `"soon" is not a duration: use e.g. 90s, 5m, 2h or 1d`);
    assertUsageError(unknownOption, "unknown option '--colour'");
  });
});

interface DetailsJson {
  id: string;
  inPurgatory: boolean;
  entry: EntryJson | null;
  event: NostrEvent | null;
  repositories: { name: string; path: string; exists: boolean }[];
  refs: { repository: string; ref: string; oid: string; present: boolean }[];
  history: { what: string; at: string; detail: string | null }[];
}

/** Relative times move on between two runs; the rest must not. */
const withoutRelativeTimes = (text: string) => text.replace(/\((?:in )?\d+[smhd](?: ago)?\)/g, "(…)");

describe("grasp-purgatory show", () => {
  it("shows one entry by id or short id: repository, each declared ref present or MISSING, history and event", async () => {
    const [byId, byShortId] = await Promise.all([cli.run(["show", secondState.id]), cli.run(["show", short(secondState.id)])]);
    assert.equal(byId.status, 0, byId.stderr);
    assert.equal(byShortId.status, 0, byShortId.stderr);
    assert.equal(withoutRelativeTimes(byShortId.stdout), withoutRelativeTimes(byId.stdout));
    const lines = byId.stdout.split("\n");
    for (const line of [
      `id:           ${secondState.id}`,
      `kind:         state (${kind.state})`,
      `author:       ${bob.pubkey}`,
      `waiting for:  commits ${short(missingBranch)}`,
      `repository:   ${busy.path}`,
      "declared refs:",
      `  present  refs/heads/main ${base}  (${nameOf(busy)})`,
      `  MISSING  refs/heads/dev ${missingBranch}  (${nameOf(busy)})`,
      "history:",
      "event:",
    ]) {
      assert.ok(lines.includes(line), `no line "${line}" in:\n${byId.stdout}`);
    }
    assert.match(byId.stdout, /^arrived: +\S+Z \(\d+[sm] ago\)$/m);
    assert.match(byId.stdout, /^expires: +\S+Z \(in \d+[sm]\)$/m);
    assert.match(byId.stdout, /^history:\n {2}\S+Z {2}held\n {2}\S+Z {2}duplicate\nevent:\n/m);
    assert.deepEqual(JSON.parse(byId.stdout.slice(byId.stdout.indexOf("event:\n") + "event:\n".length)), plain(secondState));
  });

  it("--json gives the entry, its event, repository, declared refs and history", async () => {
    const details = await cli.json<DetailsJson>(["show", short(secondState.id)]);
    assert.equal(details.id, secondState.id);
    assert.equal(details.inPurgatory, true);
    assert.equal(details.entry?.type, "state");
    assert.deepEqual(details.entry?.waitingFor, [`commits ${short(missingBranch)}`]);
    assert.deepEqual(details.event, plain(secondState));
    assert.deepEqual(details.repositories, [{ name: nameOf(busy), path: busy.path, exists: true }]);
    assert.deepEqual(
      [...details.refs].sort((a, b) => a.ref.localeCompare(b.ref)),
      [
        { repository: nameOf(busy), ref: "refs/heads/dev", oid: missingBranch, present: false },
        { repository: nameOf(busy), ref: "refs/heads/main", oid: base, present: true },
      ],
    );
    assert.deepEqual(details.history.map((record) => [record.what, record.detail]), [["held", null], ["duplicate", null]]);
    for (const record of details.history) assert.match(record.at, isoTimestamp);
  });

  it("shows a placeholder with the tip that was pushed and the repository it waits in", async () => {
    const result = await cli.run(["show", placeholderId]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^kind: +placeholder$/m);
    assert.ok(result.stdout.includes(`pushed tip:   ${placeholderTip}\n`), result.stdout);
    assert.ok(result.stdout.includes(`repository:   ${busy.path}\n`), result.stdout);
    assert.match(result.stdout, new RegExp(`^ {2}\\S+Z {2}placeholder {2}${nameOf(busy)}$`, "m"));
  });

  it("still finds an event after its release, in the history, with when it was released", async () => {
    const [text, details] = await Promise.all([cli.run(["show", short(busyState.id)]), cli.json<DetailsJson>(["show", busyState.id])]);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^status: +not in the purgatory now \(see history\)$/m);
    assert.match(text.stdout, /^history:\n {2}\S+Z {2}held\n {2}\S+Z {2}released$/m);
    assert.equal(details.inPurgatory, false);
    assert.equal(details.entry, null);
    assert.deepEqual(details.history.map((record) => record.what), ["held", "released"]);
  });

  it("fails with exit 66 and one line for an unknown id, and with exit 64 for an ambiguous prefix or something that is no id", async () => {
    const unknown = randomBytes(32).toString("hex");
    const prefix = waitingState.id.slice(0, 6);
    const [notFound, ambiguous, wildcard] = await Promise.all([cli.run(["show", unknown]), cli.run(["show", prefix]), cli.run(["show", "_"])]);
    assertOneLineReason(notFound, 66, `no entry ${unknown} in the purgatory or its history`);
    assertOneLineReason(wildcard, 64, `"_" is not an event id: give the 64-hex id or a prefix of it`);
    assertOneLineReason(ambiguous, 64, `${prefix} is ambiguous`);
    assert.ok(ambiguous.stderr.includes(short(waitingState.id)) && ambiguous.stderr.includes(short(placeholderId)), ambiguous.stderr);
  });
});

interface StatsJson {
  now: string;
  total: number;
  byType: Record<string, number>;
  byRepository: Record<string, number>;
  oldest: { id: string; type: string; arrivedAt: string } | null;
  expiringWithin5Minutes: number;
  totals: Record<string, number>;
  secondsToRelease: { count: number; median: number | null; p95: number | null };
}

describe("grasp-purgatory stats", () => {
  it("--json counts by type and repository, what expires within 5 minutes, and totals and release times since the store was created", async () => {
    const [stats, { entries }] = await Promise.all([cli.json<StatsJson>(["stats"]), cli.json<{ entries: EntryJson[] }>(["list"])]);
    assert.match(stats.now, isoTimestamp);
    assert.equal(stats.total, expected.length);
    assert.deepEqual(stats.byType, { announcement: 1, state: 2, placeholder: 1, "pull-request": 1, "pull-request-update": 1 });
    assert.deepEqual(stats.byRepository, { [nameOf(waiting)]: 2, [nameOf(busy)]: 4 });
    assert.equal(stats.expiringWithin5Minutes, expected.length, `a ${ttlSeconds} s TTL puts everything within 5 minutes`);
    const firstArrival = entries.map((entry) => entry.arrivedAt).sort()[0];
    const { oldest } = stats;
    assert.ok(oldest !== null && oldest.arrivedAt === firstArrival, JSON.stringify(oldest));
    assert.ok(entries.some((entry) => entry.id === oldest.id && entry.type === oldest.type && entry.arrivedAt === firstArrival));
    // Held: two announcements, three states, the PR and its update; released: busy's announcement and first state.
    assert.deepEqual(stats.totals, { held: 7, placeholders: 1, released: 2, expired: 0, dropped: 0, deleted: 0, duplicates: 1, releaseFailures: 0, limited: 0 });
    const { count, median, p95 } = stats.secondsToRelease;
    assert.equal(count, 2);
    assert.ok(typeof median === "number" && typeof p95 === "number" && median >= 0 && p95 >= median, JSON.stringify(stats.secondsToRelease));
  });

  it("prints the same figures for people", async () => {
    const result = await cli.run(["stats"]);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.split("\n");
    for (const line of [
      `in the purgatory now: ${expected.length}`,
      "  state: 2",
      "  placeholder: 1",
      `expiring within 5 minutes: ${expected.length}`,
      "since the store was created:",
      "  held 7, placeholders 1, released 2, expired 0, dropped 0, deleted 0, duplicates 1, release failures 0, refused by limits 0",
    ]) {
      assert.ok(lines.includes(line), `no line "${line}" in:\n${result.stdout}`);
    }
    assert.match(result.stdout, /^oldest: [a-z-]+ [0-9a-f]{8}, arrived \d+[sm] ago$/m);
    assert.match(result.stdout, /^REPOSITORY +ENTRIES$/m);
    assert.match(result.stdout, new RegExp(`^${shortRepository(waiting)} +2$`, "m"));
    assert.match(result.stdout, new RegExp(`^${shortRepository(busy)} +4$`, "m"));
    assert.match(result.stdout, /^ {2}arrival to release: median \d+s, p95 \d+s \(2 releases\)$/m);
  });
});

describe("every operator command", () => {
  it("--help exits 0 and shows an example", async () => {
    const commands = ["list", "show", "stats", "release", "drop", "install-hooks", "doctor"];
    const results = await Promise.all(commands.map((command) => cli.run([command, "--help"])));
    commands.forEach((command, index) => {
      const result = results[index]!;
      assert.equal(result.status, 0, `${command} --help: ${result.stderr}`);
      assert.match(result.stdout, new RegExp(`^Usage: grasp-purgatory ${command} `));
      assert.match(result.stdout, new RegExp(`^Examples?:\\n {2}grasp-purgatory .*${command}`, "m"), `${command} --help has no example:\n${result.stdout}`);
    });
  });

  it("fails with one line when the store is unreadable or missing", async () => {
    const garbage = tempDir("grasp-cli-garbage-");
    writeFileSync(join(garbage, "purgatory.sqlite"), "this is not a SQLite database, just some text ".repeat(100));
    const empty = tempDir("grasp-cli-empty-");
    const storeIn = (dataDir: string) => operatorCli({ ...cli.settings, GRASP_PURGATORY_DATA_DIR: dataDir });
    const [list, show, stats, missing] = await Promise.all([
      storeIn(garbage).run(["list"]),
      storeIn(garbage).run(["show", "abcdef12"]),
      storeIn(garbage).run(["stats", "--json"]),
      storeIn(empty).run(["list"]),
    ]);
    for (const result of [list, show, stats]) {
      assertOneLineReason(result, 69, new RegExp(`cannot open the store ${join(garbage, "purgatory.sqlite")}: .*check the dataDir setting`));
      assert.equal(result.stdout, "");
    }
    assertOneLineReason(missing, 69, `no store at ${join(empty, "purgatory.sqlite")}`);
  });
});
