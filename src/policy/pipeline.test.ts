import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import type { NostrEvent } from "nostr-tools";
import { parseServiceHost } from "../config.js";
import { announcement, announcementCoordinate, newAuthor, repositoryState, testServiceHost } from "../nostr/event-fixtures.js";
import type { GitFacts } from "./git-facts.js";
import { buildRules, decide, duplicateHoldMessage } from "./pipeline.js";
import type { Rule } from "./rule.js";
import { known, ruleInput, testView } from "./view-fixture.js";
import { accept, hold, purgatoryMessage, reject } from "./verdict.js";

const author = newAuthor();
const input = ruleInput(author.sign({ kind: kinds.ShortTextNote }), testView(), 123);

describe("decide", () => {
  it("accepts when there are no rules", () => {
    assert.deepEqual(decide([], input), accept());
  });

  it("accepts when every rule accepts, asking each one in order", () => {
    const asked: number[] = [];
    const rules: Rule[] = [1, 2, 3].map((n) => () => (asked.push(n), accept(`rule ${n}`)));
    assert.deepEqual(decide(rules, input), { action: "accept", msg: "" });
    assert.deepEqual(asked, [1, 2, 3]);
  });

  it("returns the first verdict that is not accept and asks no further rule", () => {
    const asked: string[] = [];
    const rules: Rule[] = [
      () => (asked.push("first"), accept()),
      () => (asked.push("second"), reject("blocked: second")),
      () => (asked.push("third"), reject("blocked: third")),
    ];
    assert.deepEqual(decide(rules, input), reject("blocked: second"));
    assert.deepEqual(asked, ["first", "second"]);
  });

  it("lets a hold win over a later reject, and a reject win over a later hold", () => {
    assert.deepEqual(decide([() => hold(purgatoryMessage), () => reject("blocked: never")], input), {
      action: "hold",
      msg: "purgatory: won't be served until git data arrives",
    });
    assert.deepEqual(decide([() => reject("blocked: first"), () => hold(purgatoryMessage)], input), reject("blocked: first"));
  });

  it("answers a hold for an event already held as a duplicate", () => {
    const event = author.sign({ kind: kinds.ShortTextNote, content: "held" });
    const held = ruleInput(event, testView({ held: [{ id: event.id }] }));
    assert.deepEqual(decide([() => hold(purgatoryMessage)], held), { action: "hold", msg: duplicateHoldMessage });
    assert.equal(duplicateHoldMessage, "duplicate: in purgatory");
    assert.deepEqual(decide([() => reject("blocked: no")], held), reject("blocked: no"), "a reject stays a reject");
  });

  it("passes the same input to every rule", () => {
    const seen: unknown[] = [];
    decide([(i) => (seen.push(i), accept()), (i) => (seen.push(i), accept())], input);
    assert.equal(seen[0], input);
    assert.equal(seen[1], input);
  });
});

describe("buildRules", () => {
  const rules = buildRules({ service: parseServiceHost(testServiceHost) });
  const owner = newAuthor();
  const hosted = announcement(owner, "repo");
  const view = testView({ announcements: [known(hosted)], coordinates: [announcementCoordinate(owner, "repo")], acceptedIds: [hosted.id] });

  it("checks the identifier before the listing: an unsafe d is reported as invalid, not as unlisted", () => {
    const verdict = decide(rules, ruleInput(announcement(owner, "..", { clone: [], relays: [] }), view));
    assert.deepEqual(verdict, { action: "reject", msg: 'invalid: kind 30617 has d tag "..", which is not a directory name' });
  });

  it("accepts an announcement update and a patch on a hosted repository", () => {
    assert.equal(decide(rules, ruleInput(announcement(owner, "repo"), view)).action, "accept");
    const patch = owner.sign({ kind: kinds.Patch, tags: [["a", announcementCoordinate(owner, "repo")]] });
    assert.equal(decide(rules, ruleInput(patch, view)).action, "accept");
  });

  it("does not reject a state from the owner (whether it is held is git's business)", () => {
    assert.notEqual(decide(rules, ruleInput(repositoryState(owner, "repo"), view)).action, "reject");
  });

  it("rejects a state from a stranger, an unlisted announcement from a stranger and an orphan note", () => {
    assert.match(decide(rules, ruleInput(repositoryState(author, "repo"), view)).msg, /^blocked: .* is not a maintainer/);
    assert.match(decide(rules, ruleInput(announcement(author, "repo", { relays: [] }), view)).msg, /^blocked: announcement does not list/);
    assert.match(decide(rules, ruleInput(author.sign({ kind: kinds.ShortTextNote }), view)).msg, /references no repository/);
  });
});

describe("decide with the server's rules: an event resubmitted while it is held", () => {
  const rules = buildRules({ service: parseServiceHost(testServiceHost) });
  const owner = newAuthor();
  const contributor = newAuthor();
  const hosted = announcement(owner, "repo");
  const coordinate = announcementCoordinate(owner, "repo");
  const tip = "c".repeat(40);
  const git = (facts: { hasData?: boolean; missingObjects?: string[]; nostrRef?: string }): GitFacts => ({
    repositories: [
      { repository: `${owner.npub}/repo.git`, owner: owner.pubkey, hasData: facts.hasData ?? true, missingObjects: facts.missingObjects ?? [], nostrRef: facts.nostrRef },
    ],
  });
  const viewHolding = (...ids: string[]) =>
    testView({ announcements: [known(hosted)], coordinates: [coordinate], acceptedIds: [hosted.id], held: ids.map((id) => ({ id })) });
  const decideWith = (event: NostrEvent, facts: GitFacts, heldIds: string[]) => decide(rules, { event, source: { type: "IP4", authed: undefined }, view: viewHolding(...heldIds), now: 0, git: facts });

  const state = repositoryState(owner, "repo");
  const pullRequest = contributor.sign({ kind: kinds.GitPullRequest, tags: [["a", coordinate], ["c", tip]] });
  const newAnnouncement = announcement(owner, "new-repo");

  it("answers a state still waiting for its objects with duplicate: in purgatory, and a first one with the purgatory message", () => {
    assert.deepEqual(decideWith(state, git({ missingObjects: ["a".repeat(40)] }), [state.id]), { action: "hold", msg: "duplicate: in purgatory" });
    assert.deepEqual(decideWith(state, git({ missingObjects: ["a".repeat(40)] }), []), { action: "hold", msg: purgatoryMessage });
  });

  it("answers a PR still waiting for its tip with duplicate: in purgatory", () => {
    assert.deepEqual(decideWith(pullRequest, git({ missingObjects: [tip] }), [pullRequest.id]), { action: "hold", msg: duplicateHoldMessage });
    assert.deepEqual(decideWith(pullRequest, git({ missingObjects: [tip] }), []), { action: "hold", msg: purgatoryMessage });
  });

  it("answers an announcement still waiting for a first push with duplicate: in purgatory", () => {
    const facts: GitFacts = { repositories: [{ repository: `${owner.npub}/new-repo.git`, owner: owner.pubkey, hasData: false, missingObjects: [], nostrRef: undefined }] };
    assert.deepEqual(decideWith(newAnnouncement, facts, [newAnnouncement.id]), { action: "hold", msg: duplicateHoldMessage });
    assert.deepEqual(decideWith(newAnnouncement, facts, []), { action: "hold", msg: purgatoryMessage });
  });

  it("accepts a held event whose git data has arrived meanwhile: only a hold becomes a duplicate", () => {
    assert.deepEqual(decideWith(state, git({}), [state.id]), accept());
    assert.deepEqual(decideWith(pullRequest, git({ nostrRef: tip }), [pullRequest.id]), accept());
  });

  it("does not call an event a duplicate because another event is held", () => {
    assert.deepEqual(decideWith(state, git({ missingObjects: [tip] }), [pullRequest.id]), { action: "hold", msg: purgatoryMessage });
  });
});
