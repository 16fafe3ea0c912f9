import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { announcement, newAuthor, repositoryState } from "../nostr/event-fixtures.js";
import { npubOf } from "../nostr/nip34.js";
import { holdIsWithinLimits } from "./hold-is-within-limits.js";
import { ruleInput, testView } from "./view-fixture.js";
import type { TestViewContents } from "./view-fixture.js";

const limits = { heldPerAuthor: 2, heldPerRepository: 3, newRepositoriesPerAuthorPerHour: 1, heldEventBytes: 2000 };
const rule = holdIsWithinLimits(limits);
const author = newAuthor();
const decide = (event = repositoryState(author, "repo"), heldCounts: TestViewContents["heldCounts"] = {}) => rule(ruleInput(event, testView({ heldCounts }), 10_000));

describe("holdIsWithinLimits", () => {
  it("lets a hold within every limit through", () => {
    assert.equal(decide(repositoryState(author, "repo"), { byAuthor: { [author.pubkey]: 1 }, byIdentifier: { repo: 2 } }).action, "accept");
  });

  it("refuses an event larger than maxHeldEventBytes, with its size", () => {
    const large = repositoryState(author, "repo", [["description", "x".repeat(3000)]]);
    const verdict = decide(large);
    assert.equal(verdict.action, "reject");
    assert.match(verdict.msg, /^invalid: this event is \d+ bytes; one that waits for its git data may be at most 2000 \(maxHeldEventBytes\)$/);
    assert.equal(verdict.action === "reject" && verdict.limit, "maxHeldEventBytes");
  });

  it("refuses an author with maxHeldPerAuthor events waiting", () => {
    assert.deepEqual(decide(repositoryState(author, "repo"), { byAuthor: { [author.pubkey]: 2 } }), {
      action: "reject",
      msg: `rate-limited: ${npubOf(author.pubkey)} already has 2 events waiting for git data here (maxHeldPerAuthor); push their data or wait for them to expire`,
      limit: "maxHeldPerAuthor",
    });
  });

  it("refuses more than maxHeldPerRepository events for one d, whoever wrote them", () => {
    const verdict = decide(repositoryState(newAuthor(), "repo"), { byIdentifier: { repo: 3 } });
    assert.equal(verdict.action === "reject" && verdict.limit, "maxHeldPerRepository");
    assert.equal(decide(repositoryState(newAuthor(), "other"), { byIdentifier: { repo: 3 } }).action, "accept");
  });

  it("refuses an announcement past maxNewRepositoriesPerAuthorPerHour, and only announcements", () => {
    const counts = { repositoriesCreated: { [author.pubkey]: 1 } };
    assert.deepEqual(decide(announcement(author, "new"), counts), {
      action: "reject",
      msg: `rate-limited: ${npubOf(author.pubkey)} created 1 repositories here in the last hour (maxNewRepositoriesPerAuthorPerHour); try again later`,
      limit: "maxNewRepositoriesPerAuthorPerHour",
    });
    assert.equal(decide(repositoryState(author, "new"), counts).action, "accept");
  });
});
