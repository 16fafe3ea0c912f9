import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as kinds from "nostr-tools/kinds";
import { announcement, newAuthor, repositoryState } from "../nostr/event-fixtures.js";
import { stateIsFromMaintainer } from "./state-is-from-maintainer.js";
import { known, ruleInput, testView } from "./view-fixture.js";
import type { ServerView } from "./view.js";

const rule = stateIsFromMaintainer();
const decideState = (event: ReturnType<typeof repositoryState>, view: ServerView) => rule(ruleInput(event, view));

describe("stateIsFromMaintainer", () => {
  const owner = newAuthor();
  const maintainer = newAuthor();
  const deep = newAuthor();
  const stranger = newAuthor();
  const notListingUs = { clone: ["https://github.com/x/repo.git"], relays: ["wss://relay.damus.io"] };
  const view = testView({
    announcements: [
      known(announcement(owner, "repo", { maintainers: [maintainer.pubkey] })),
      known(announcement(maintainer, "repo", { ...notListingUs, maintainers: [deep.pubkey] }), false),
    ],
  });

  it("ignores other kinds", () => {
    assert.equal(rule(ruleInput(stranger.sign({ kind: kinds.ShortTextNote }))).action, "accept");
  });

  it("rejects a state for a d with no announcement, naming the d", () => {
    assert.deepEqual(decideState(repositoryState(owner, "unknown"), view), {
      action: "reject",
      msg: 'blocked: no repository announcement for d "unknown" on this server; publish the announcement first',
    });
  });

  it("rejects a state whose only announcement does not list this service (it is not hosted here)", () => {
    const other = newAuthor();
    const onlyElsewhere = testView({ announcements: [known(announcement(other, "elsewhere", notListingUs), false)] });
    assert.deepEqual(decideState(repositoryState(other, "elsewhere"), onlyElsewhere), {
      action: "reject",
      msg: 'blocked: no repository announcement for d "elsewhere" on this server; publish the announcement first',
    });
  });

  it("rejects a state from someone in no owner's maintainer set, naming them", () => {
    assert.deepEqual(decideState(repositoryState(stranger, "repo"), view), {
      action: "reject",
      msg: `blocked: ${stranger.pubkey} is not a maintainer of any repository "repo" on this server`,
    });
  });

  it("accepts the owner, a listed maintainer and a maintainer's maintainer", () => {
    for (const author of [owner, maintainer, deep]) {
      assert.deepEqual(decideState(repositoryState(author, "repo"), view), { action: "accept", msg: "" });
    }
  });

  it("does not let a maintainer of one d publish states for another", () => {
    const twoRepos = testView({
      announcements: [known(announcement(owner, "repo", { maintainers: [maintainer.pubkey] })), known(announcement(owner, "other"))],
    });
    assert.equal(decideState(repositoryState(maintainer, "other"), twoRepos).action, "reject");
  });

  it("is not symmetric: the owner is not a maintainer of a hosted repository of their maintainer", () => {
    const reversed = testView({
      announcements: [known(announcement(maintainer, "solo")), known(announcement(owner, "solo", { ...notListingUs, maintainers: [maintainer.pubkey] }), false)],
    });
    assert.equal(decideState(repositoryState(maintainer, "solo"), reversed).action, "accept");
    assert.equal(decideState(repositoryState(owner, "solo"), reversed).action, "reject");
  });
});
