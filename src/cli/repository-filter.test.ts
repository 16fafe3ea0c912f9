import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ExitCode, GraspError } from "../errors.js";
import { newAuthor } from "../nostr/event-fixtures.js";
import { shortRepository } from "./format.js";
import { resolveRepositoryFilter } from "./repository-filter.js";

describe("resolveRepositoryFilter", () => {
  const alice = newAuthor();
  const bob = newAuthor();
  const known = [`${alice.npub}/demo.git`, `${alice.npub}/other.git`, `${bob.npub}/demo.git`];

  it("takes a full name with or without .git", () => {
    assert.equal(resolveRepositoryFilter(`${alice.npub}/demo`, known), `${alice.npub}/demo.git`);
    assert.equal(resolveRepositoryFilter(`${alice.npub}/demo.git`, known), `${alice.npub}/demo.git`);
  });

  it("takes what list prints, with … or ...", () => {
    const printed = shortRepository(`${bob.npub}/demo.git`);
    assert.equal(resolveRepositoryFilter(printed, known), `${bob.npub}/demo.git`);
    assert.equal(resolveRepositoryFilter(printed.replace("…", "..."), known), `${bob.npub}/demo.git`);
    assert.equal(resolveRepositoryFilter(`${printed}.git`, known), `${bob.npub}/demo.git`);
  });

  it("matches nothing when no repository fits", () => {
    assert.equal(resolveRepositoryFilter(shortRepository(`${alice.npub}/absent.git`), known).endsWith("/absent.git"), true);
    assert.ok(!known.includes(resolveRepositoryFilter(shortRepository(`${alice.npub}/absent.git`), known)));
  });

  it("refuses a short form that fits two repositories, naming them", () => {
    const twin = `${alice.npub.slice(0, 10)}zzzz${alice.npub.slice(-4)}/demo.git`;
    assert.throws(
      () => resolveRepositoryFilter(shortRepository(`${alice.npub}/demo.git`), [...known, twin]),
      (error: unknown) => error instanceof GraspError && error.exitCode === ExitCode.usage && error.message.includes(twin) && error.message.includes("give the full <npub>/<d>"),
    );
  });
});
