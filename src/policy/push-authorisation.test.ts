import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import { newAuthor } from "../nostr/event-fixtures.js";
import { readRepositoryState } from "../nostr/repository-state.js";
import type { RepositoryState } from "../nostr/repository-state.js";
import { authorisePush, refDifferences } from "./push-authorisation.js";
import type { PushInput, RefUpdate } from "./push-authorisation.js";

const zero = "0".repeat(40);
/** A 40-hex object id whose short form (8 characters) is `prefix` repeated. */
const oid = (prefix: string) => prefix.repeat(40 / prefix.length);
const short = (value: string) => value.slice(0, 8);

const A = oid("a1");
const B = oid("b2");
const C = oid("c3");
const D = oid("d4");
const eventId = "e".repeat(64);
const otherEventId = "f".repeat(64);

const create = (ref: string, newOid: string): RefUpdate => ({ ref, oldOid: zero, newOid });
const change = (ref: string, oldOid: string, newOid: string): RefUpdate => ({ ref, oldOid, newOid });
const remove = (ref: string, oldOid: string): RefUpdate => ({ ref, oldOid, newOid: zero });
const noop = (ref: string, at: string): RefUpdate => ({ ref, oldOid: at, newOid: at });

const owner = newAuthor().pubkey;

/** A state as readRepositoryState would return it, with an id and created_at of our choosing. */
function state(id: string, createdAt: number, refs: Record<string, string>): RepositoryState {
  return {
    id,
    author: owner,
    identifier: "repo",
    createdAt,
    refs: new Map(Object.entries(refs)),
    objects: [...new Set(Object.values(refs))],
    head: "refs/heads/main",
  };
}

const stateId = (digit: string) => digit.repeat(64);

/** The decision, without the problem count (tested on its own below). */
function push(updates: readonly RefUpdate[], input: Partial<Omit<PushInput, "updates">> = {}) {
  const decision = decisionFor(updates, input);
  if (decision.allowed) return decision;
  const { problems: _problems, ...rest } = decision;
  return rest;
}

function decisionFor(updates: readonly RefUpdate[], input: Partial<Omit<PushInput, "updates">> = {}) {
  return authorisePush({
    updates,
    current: new Map(),
    heldStates: [],
    latestAccepted: undefined,
    pullRequestTip: () => undefined,
    hasPlaceholder: () => false,
    placeholdersInRepository: 0,
    limits: { placeholdersPerPush: 10, placeholdersPerRepository: 100 },
    ...input,
  });
}

const noStateMessage =
  "no repository state event (kind 30618) from a maintainer authorises this push: publish the state first (ngit does this for you)";

describe("authorisePush", () => {
  describe("no-op pushes", () => {
    it("allows a push with no updates", () => {
      assert.deepEqual(push([]), { allowed: true, authorisingState: undefined, placeholders: [] });
    });

    it("allows a push where every ref has old == new, whatever the ref and with no state at all", () => {
      const updates = [noop("refs/heads/main", A), noop("refs/heads/pr/x", B), noop("refs/notes/commits", C), noop("refs/nostr/NOTHEX", D)];
      assert.deepEqual(push(updates), { allowed: true, authorisingState: undefined, placeholders: [] });
    });

    it("ignores the no-op refs of a push that changes others", () => {
      const held = state(stateId("1"), 10, { "refs/heads/main": B });
      const decision = push([noop("refs/notes/commits", C), change("refs/heads/main", A, B)], {
        current: new Map([["refs/heads/main", A]]),
        heldStates: [held],
      });
      assert.deepEqual(decision, { allowed: true, authorisingState: held.id, placeholders: [] });
    });
  });

  describe("refs/nostr/<event id>", () => {
    it("allows an unknown id and records a placeholder, without any state event", () => {
      const asked: string[] = [];
      const decision = push([create(`refs/nostr/${eventId}`, A)], { pullRequestTip: (id) => (asked.push(id), undefined) });
      assert.deepEqual(decision, { allowed: true, authorisingState: undefined, placeholders: [{ eventId, tip: A }] });
      assert.deepEqual(asked, [eventId]);
    });

    it("allows the tip an accepted or held PR event declares, without a placeholder", () => {
      const decision = push([create(`refs/nostr/${eventId}`, A)], { pullRequestTip: (id) => (id === eventId ? A : undefined) });
      assert.deepEqual(decision, { allowed: true, authorisingState: undefined, placeholders: [] });
    });

    it("allows moving the ref to the declared tip (a PR update pushed again)", () => {
      const decision = push([change(`refs/nostr/${eventId}`, B, A)], { pullRequestTip: () => A });
      assert.deepEqual(decision, { allowed: true, authorisingState: undefined, placeholders: [] });
    });

    it("rejects a tip other than the one the PR event declares, with both short ids", () => {
      const decision = push([create(`refs/nostr/${eventId}`, B)], { pullRequestTip: () => A });
      assert.deepEqual(decision, { allowed: false, errors: [`refs/nostr/${eventId}: pushed ${short(B)}, PR event declares ${short(A)}`] });
      assert.equal(short(B), "b2b2b2b2");
    });

    it("rejects an id that is not 64 lower-case hex characters, without asking for its PR", () => {
      const asked: string[] = [];
      for (const id of [eventId.toUpperCase(), eventId.slice(1), "not-an-id", `${eventId}/extra`, "", `${"g".repeat(64)}`]) {
        const ref = `refs/nostr/${id}`;
        assert.deepEqual(push([create(ref, A)], { pullRequestTip: (asking) => (asked.push(asking), undefined) }), {
          allowed: false,
          errors: [`${ref}: not a 64-character lower-case hex event id`],
        });
      }
      assert.deepEqual(asked, []);
    });

    it("names at most 100 characters of a long bad ref", () => {
      const ref = `refs/nostr/${"x".repeat(500)}`;
      const decision = push([create(ref, A)]);
      assert.deepEqual(decision, { allowed: false, errors: [`${ref.slice(0, 100)}: not a 64-character lower-case hex event id`] });
    });

    it("rejects deleting a PR ref, known or not", () => {
      const message = `refs/nostr/${eventId}: PR refs cannot be deleted by a push`;
      assert.deepEqual(push([remove(`refs/nostr/${eventId}`, A)]), { allowed: false, errors: [message] });
      assert.deepEqual(push([remove(`refs/nostr/${eventId}`, A)], { pullRequestTip: () => A }), { allowed: false, errors: [message] });
    });

    it("records one placeholder per unknown id, and none for known ones", () => {
      const third = "d".repeat(64);
      const decision = push([create(`refs/nostr/${eventId}`, A), create(`refs/nostr/${otherEventId}`, B), create(`refs/nostr/${third}`, C)], {
        pullRequestTip: (id) => (id === otherEventId ? B : undefined),
      });
      assert.deepEqual(decision, {
        allowed: true,
        authorisingState: undefined,
        placeholders: [
          { eventId, tip: A },
          { eventId: third, tip: C },
        ],
      });
    });

    it("keeps the placeholders of a push that also updates branches under a state", () => {
      const held = state(stateId("1"), 10, { "refs/heads/main": A });
      const decision = push([create("refs/heads/main", A), create(`refs/nostr/${eventId}`, B)], { heldStates: [held] });
      assert.deepEqual(decision, { allowed: true, authorisingState: held.id, placeholders: [{ eventId, tip: B }] });
    });
  });

  describe("refs the server does not take", () => {
    it("rejects refs/heads/pr/* (PRs travel as nostr events), even when a state declares it", () => {
      const held = state(stateId("1"), 10, { "refs/heads/pr/feature": A });
      for (const update of [create("refs/heads/pr/feature", A), remove("refs/heads/pr/feature", A)]) {
        assert.deepEqual(push([update], { heldStates: [held] }), {
          allowed: false,
          errors: ["refs/heads/pr/feature: pull requests travel as nostr events (kind 1618), not as refs/heads/pr/ branches"],
        });
      }
    });

    it("rejects any other ref namespace", () => {
      for (const ref of ["refs/notes/x", "refs/pull/1/head", "refs/remotes/origin/main", "refs/nostrx/abc", "refs/meta/config"]) {
        assert.deepEqual(push([create(ref, A)]), { allowed: false, errors: [`${ref}: only branches, tags and refs/nostr/<event id> can be pushed here`] });
      }
    });

    it("reports every bad ref together, in push order, and does not go on to compare states", () => {
      const decision = push(
        [
          create("refs/heads/main", A),
          create("refs/nostr/bad", A),
          create("refs/heads/pr/x", B),
          create("refs/notes/x", C),
          create(`refs/nostr/${eventId}`, D),
          remove(`refs/nostr/${otherEventId}`, D),
        ],
        { pullRequestTip: (id) => (id === eventId ? A : undefined) },
      );
      assert.deepEqual(decision, {
        allowed: false,
        errors: [
          "refs/nostr/bad: not a 64-character lower-case hex event id",
          "refs/heads/pr/x: pull requests travel as nostr events (kind 1618), not as refs/heads/pr/ branches",
          "refs/notes/x: only branches, tags and refs/nostr/<event id> can be pushed here",
          `refs/nostr/${eventId}: pushed ${short(D)}, PR event declares ${short(A)}`,
          `refs/nostr/${otherEventId}: PR refs cannot be deleted by a push`,
        ],
      });
    });
  });

  describe("branches and tags against a held state", () => {
    it("allows the first push into an empty repository that a held state declares exactly", () => {
      const held = state(stateId("1"), 10, { "refs/heads/main": A, "refs/heads/dev": B });
      const decision = push([create("refs/heads/main", A), create("refs/heads/dev", B)], { heldStates: [held] });
      assert.deepEqual(decision, { allowed: true, authorisingState: held.id, placeholders: [] });
    });

    it("allows an update: current refs plus the push's updates", () => {
      const held = state(stateId("1"), 10, { "refs/heads/main": C, "refs/heads/dev": B });
      const decision = push([change("refs/heads/main", A, C)], {
        current: new Map([
          ["refs/heads/main", A],
          ["refs/heads/dev", B],
        ]),
        heldStates: [held],
      });
      assert.deepEqual(decision, { allowed: true, authorisingState: held.id, placeholders: [] });
    });

    it("allows deleting a ref the state omits", () => {
      const held = state(stateId("1"), 10, { "refs/heads/main": A });
      const decision = push([remove("refs/heads/old", B)], {
        current: new Map([
          ["refs/heads/main", A],
          ["refs/heads/old", B],
        ]),
        heldStates: [held],
      });
      assert.deepEqual(decision, { allowed: true, authorisingState: held.id, placeholders: [] });
    });

    it("allows tags, ignoring HEAD and the peeled ^{} entries of the state", () => {
      const author = newAuthor();
      const event = author.sign({
        kind: kinds.RepositoryState,
        tags: [
          ["d", "repo"],
          ["HEAD", "ref: refs/heads/main"],
          ["refs/heads/main", A],
          ["refs/tags/v1", B],
          ["refs/tags/v1^{}", A],
          ["refs/tags/light", A],
        ],
      });
      const decision = push([create("refs/heads/main", A), create("refs/tags/v1", B), create("refs/tags/light", A)], {
        heldStates: [readRepositoryState(event)],
      });
      assert.deepEqual(decision, { allowed: true, authorisingState: event.id, placeholders: [] });
    });

    it("rejects a partial push, naming the ref it leaves absent", () => {
      const held = state(stateId("1"), 10, { "refs/heads/main": A, "refs/heads/dev": B });
      assert.deepEqual(push([create("refs/heads/main", A)], { heldStates: [held] }), {
        allowed: false,
        errors: [
          `the push does not match the newest state event ${short(held.id)}:`,
          `refs/heads/dev: state ${short(held.id)} declares ${short(B)}, the push leaves it absent`,
        ],
      });
    });

    it("rejects a push of a ref the state does not declare", () => {
      const held = state(stateId("1"), 10, { "refs/heads/main": A });
      assert.deepEqual(push([create("refs/heads/main", A), create("refs/heads/feature", C)], { heldStates: [held] }), {
        allowed: false,
        errors: [
          `the push does not match the newest state event ${short(held.id)}:`,
          `refs/heads/feature: pushed ${short(C)}, state ${short(held.id)} does not declare it`,
        ],
      });
    });

    it("counts the refs already there: a branch the push leaves in place but the state omits is reported", () => {
      const held = state(stateId("1"), 10, { "refs/heads/main": B });
      assert.deepEqual(push([change("refs/heads/main", A, B)], { current: new Map([["refs/heads/main", A], ["refs/tags/v0", C]]), heldStates: [held] }), {
        allowed: false,
        errors: [`the push does not match the newest state event ${short(held.id)}:`, `refs/tags/v0: pushed ${short(C)}, state ${short(held.id)} does not declare it`],
      });
    });

    it("rejects the wrong commit: pushed X, state declares Y, as 8-character short ids", () => {
      const pushed = "1234abcd" + "0".repeat(32);
      const declared = "9f8e7d6c" + "1".repeat(32);
      const held = state(stateId("1"), 10, { "refs/heads/dev": declared });
      assert.deepEqual(push([create("refs/heads/dev", pushed)], { heldStates: [held] }), {
        allowed: false,
        errors: [`the push does not match the newest state event 11111111:`, "refs/heads/dev: pushed 1234abcd, state declares 9f8e7d6c"],
      });
    });
  });

  describe("which state authorises", () => {
    const current = new Map([["refs/heads/main", A]]);

    it("the latest accepted state, when the push leaves the repository equal to it (no held state to extend)", () => {
      const latest = state(stateId("5"), 50, { "refs/heads/main": A, "refs/heads/dev": B });
      assert.deepEqual(push([create("refs/heads/dev", B)], { current, latestAccepted: latest }), {
        allowed: true,
        authorisingState: undefined,
        placeholders: [],
      });
    });

    it("the latest accepted state allows deleting a ref it omits", () => {
      const latest = state(stateId("5"), 50, { "refs/heads/main": A });
      const decision = push([remove("refs/heads/stale", B)], { current: new Map([...current, ["refs/heads/stale", B]]), latestAccepted: latest });
      assert.deepEqual(decision, { allowed: true, authorisingState: undefined, placeholders: [] });
    });

    it("prefers a newer held state over an equal latest accepted one", () => {
      const latest = state(stateId("5"), 50, { "refs/heads/main": B });
      const held = state(stateId("6"), 60, { "refs/heads/main": B });
      assert.deepEqual(push([change("refs/heads/main", A, B)], { current, latestAccepted: latest, heldStates: [held] }), {
        allowed: true,
        authorisingState: held.id,
        placeholders: [],
      });
    });

    it("never a held state older than the latest accepted one, even when it matches exactly", () => {
      const latest = state(stateId("5"), 50, { "refs/heads/main": C });
      const old = state(stateId("4"), 40, { "refs/heads/main": B });
      assert.deepEqual(push([change("refs/heads/main", A, B)], { current, latestAccepted: latest, heldStates: [old] }), {
        allowed: false,
        errors: [`the push does not match the newest state event ${short(latest.id)}:`, `refs/heads/main: pushed ${short(B)}, state declares ${short(C)}`],
      });
    });

    it("a held state with the latest's created_at authorises only with the lower id (strfry's replacement rule)", () => {
      const latest = state(stateId("5"), 50, { "refs/heads/main": C });
      const lower = state(stateId("3"), 50, { "refs/heads/main": B });
      const higher = state(stateId("7"), 50, { "refs/heads/main": B });
      assert.equal(push([change("refs/heads/main", A, B)], { current, latestAccepted: latest, heldStates: [higher] }).allowed, false);
      assert.deepEqual(push([change("refs/heads/main", A, B)], { current, latestAccepted: latest, heldStates: [lower] }), {
        allowed: true,
        authorisingState: lower.id,
        placeholders: [],
      });
    });

    it("the newest of two matching held states, in either order", () => {
      const older = state(stateId("1"), 10, { "refs/heads/main": B });
      const newer = state(stateId("2"), 20, { "refs/heads/main": B });
      for (const heldStates of [[older, newer], [newer, older]]) {
        assert.deepEqual(push([change("refs/heads/main", A, B)], { current, heldStates }), {
          allowed: true,
          authorisingState: newer.id,
          placeholders: [],
        });
      }
    });

    it("the lowest id of two matching held states with the same created_at", () => {
      const low = state(stateId("2"), 20, { "refs/heads/main": B });
      const high = state(stateId("9"), 20, { "refs/heads/main": B });
      for (const heldStates of [[low, high], [high, low]]) {
        const decision = push([change("refs/heads/main", A, B)], { current, heldStates });
        assert.deepEqual(decision, { allowed: true, authorisingState: low.id, placeholders: [] });
      }
    });

    it("an older held state that matches, when a newer held one does not (both wait at once)", () => {
      const older = state(stateId("1"), 10, { "refs/heads/main": B });
      const newer = state(stateId("2"), 20, { "refs/heads/main": C });
      assert.deepEqual(push([change("refs/heads/main", A, B)], { current, heldStates: [newer, older] }), {
        allowed: true,
        authorisingState: older.id,
        placeholders: [],
      });
      assert.deepEqual(push([change("refs/heads/main", A, C)], { current, heldStates: [newer, older] }), {
        allowed: true,
        authorisingState: newer.id,
        placeholders: [],
      });
    });

    it("with no state at all, the push is rejected with the message that names the fix", () => {
      assert.deepEqual(push([create("refs/heads/main", A)]), { allowed: false, errors: [noStateMessage] });
      assert.deepEqual(push([remove("refs/heads/main", A)], { current }), { allowed: false, errors: [noStateMessage] });
    });

    it("when nothing matches, the differences are with the newest state, held or accepted", () => {
      const latest = state(stateId("5"), 50, { "refs/heads/main": C });
      const held = state(stateId("6"), 60, { "refs/heads/main": D });
      assert.deepEqual(push([change("refs/heads/main", A, B)], { current, latestAccepted: latest, heldStates: [held] }), {
        allowed: false,
        errors: [`the push does not match the newest state event ${short(held.id)}:`, `refs/heads/main: pushed ${short(B)}, state declares ${short(D)}`],
      });
      assert.deepEqual(push([change("refs/heads/main", A, B)], { current, latestAccepted: latest }), {
        allowed: false,
        errors: [`the push does not match the newest state event ${short(latest.id)}:`, `refs/heads/main: pushed ${short(B)}, state declares ${short(C)}`],
      });
    });

    it("reports every differing ref of the closest state together", () => {
      const held = state(stateId("1"), 10, { "refs/heads/main": B, "refs/heads/dev": C, "refs/tags/v1": D });
      const decision = push([change("refs/heads/main", A, C), create("refs/heads/extra", D)], { current, heldStates: [held] });
      assert.deepEqual(decision, {
        allowed: false,
        errors: [
          `the push does not match the newest state event ${short(held.id)}:`,
          `refs/heads/main: pushed ${short(C)}, state declares ${short(B)}`,
          `refs/heads/extra: pushed ${short(D)}, state ${short(held.id)} does not declare it`,
          `refs/heads/dev: state ${short(held.id)} declares ${short(C)}, the push leaves it absent`,
          `refs/tags/v1: state ${short(held.id)} declares ${short(D)}, the push leaves it absent`,
        ],
      });
    });
  });
});

describe("refDifferences", () => {
  const declared = state(stateId("1"), 10, { "refs/heads/main": A, "refs/tags/v1": B });

  it("is empty when the refs are exactly those declared", () => {
    assert.deepEqual(refDifferences(new Map([["refs/tags/v1", B], ["refs/heads/main", A]]), declared), []);
  });

  it("names each difference once: wrong commit, undeclared, absent", () => {
    assert.deepEqual(refDifferences(new Map([["refs/heads/main", C], ["refs/heads/new", D]]), declared), [
      `refs/heads/main: pushed ${short(C)}, state declares ${short(A)}`,
      `refs/heads/new: pushed ${short(D)}, state 11111111 does not declare it`,
      `refs/tags/v1: state 11111111 declares ${short(B)}, the push leaves it absent`,
    ]);
  });

  it("against a state that declares nothing, every ref is undeclared", () => {
    assert.deepEqual(refDifferences(new Map([["refs/heads/main", A]]), state(stateId("2"), 1, {})), [
      `refs/heads/main: pushed ${short(A)}, state 22222222 does not declare it`,
    ]);
    assert.deepEqual(refDifferences(new Map(), state(stateId("2"), 1, {})), []);
  });
});

describe("authorisePush: limits on placeholders", () => {
  const ids = (count: number) => Array.from({ length: count }, (_, index) => index.toString(16).padStart(64, "0"));
  const limits = { placeholdersPerPush: 3, placeholdersPerRepository: 5 };

  it("refuses a push leaving more refs/nostr refs without a PR event than maxPlaceholdersPerPush, and allows one at it", () => {
    const over = decisionFor(ids(4).map((id) => create(`refs/nostr/${id}`, A)), { limits });
    assert.deepEqual(over, {
      allowed: false,
      errors: ["refs/nostr: this push leaves 4 refs/nostr/<id> refs without a PR event, more than 3 (maxPlaceholdersPerPush): publish the PR events first, or push fewer at a time"],
      problems: 1,
      limit: "maxPlaceholdersPerPush",
    });
    assert.equal(decisionFor(ids(3).map((id) => create(`refs/nostr/${id}`, A)), { limits }).allowed, true);
  });

  it("counts the repository's placeholders for maxPlaceholdersPerRepository; moving one already there adds none", () => {
    const two = ids(2).map((id) => create(`refs/nostr/${id}`, A));
    const full = decisionFor(two, { limits, placeholdersInRepository: 4 });
    assert.equal(full.allowed, false);
    assert.equal(!full.allowed && full.limit, "maxPlaceholdersPerRepository");
    assert.equal(decisionFor(two, { limits, placeholdersInRepository: 4, hasPlaceholder: () => true }).allowed, true);
    assert.equal(decisionFor(two, { limits, placeholdersInRepository: 3 }).allowed, true);
  });
});

describe("authorisePush: the refusal's lines", () => {
  it("counts the problems, not the header line", () => {
    const held = state(stateId("1"), 5, { "refs/heads/main": A, "refs/heads/dev": B });
    const decision = decisionFor([create("refs/heads/main", B)], { heldStates: [held] });
    assert.equal(decision.allowed, false);
    assert.equal(!decision.allowed && decision.problems, 2);
  });

  it("names the newest state and says to publish a corrected one when it declares no branch (a tag like [\"main\", <id>])", () => {
    const typo = state(stateId("1"), 5, {});
    const decision = decisionFor([create("refs/heads/main", A)], { heldStates: [typo] });
    assert.deepEqual(decision, {
      allowed: false,
      errors: [
        "the push does not match the newest state event 11111111:",
        `refs/heads/main: pushed ${short(A)}, state 11111111 does not declare it`,
        'state 11111111 declares no branch: if that is a mistake (a tag like ["main", "<commit id>"] where ["refs/heads/main", "<commit id>"] was meant), publish a corrected state',
      ],
      problems: 1,
    });
  });
});
