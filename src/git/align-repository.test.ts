import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { RepositoryState } from "../nostr/repository-state.js";
import { alignRepository } from "./align-repository.js";
import { git, gitSandbox } from "./git-fixture.js";
import { objectChecker } from "./object-checker.js";
import { readHead, readRefs } from "./refs.js";

const sandbox = gitSandbox("grasp-align-test-");
const objects = objectChecker();
after(() => objects.close());

const eventId = "e".repeat(64);

/**
 * A bare repository with main and dev, a stale branch, a refs/nostr ref, and the objects of
 * `feature` and an annotated tag present without any ref naming them.
 */
function build() {
  const bare = sandbox.bare();
  const work = sandbox.working();
  const main = work.commit("main");
  work.git("checkout", "--quiet", "-b", "dev");
  const dev = work.commit("dev");
  work.git("checkout", "--quiet", "-b", "feature");
  const feature = work.commit("feature");
  work.git("tag", "-a", "v1", "-m", "version 1", feature);
  const tag = work.git("rev-parse", "v1");
  work.push(bare, "main", "dev", "dev:refs/heads/stale", "feature:refs/heads/carrier", "refs/tags/v1:refs/tags/carrier");
  git(bare, "update-ref", "-d", "refs/heads/carrier");
  git(bare, "update-ref", "-d", "refs/tags/carrier");
  git(bare, "update-ref", `refs/nostr/${eventId}`, dev);
  const absent = work.commit("never pushed");
  return { bare, main, dev, feature, tag, absent };
}

const template = build();
/** A fresh copy of the repository above, for each test to change. */
const repository = () => ({ ...template, bare: sandbox.copy(template.bare) });

function state(refs: Record<string, string>, head: string | undefined, peeled: string[] = []): RepositoryState {
  return {
    id: "1".repeat(64),
    author: "0".repeat(64),
    identifier: "repo",
    createdAt: 1,
    refs: new Map(Object.entries(refs)),
    objects: [...new Set([...Object.values(refs), ...peeled])],
    head,
  };
}

describe("alignRepository", () => {
  it("sets declared refs, removes undeclared branches and tags, points HEAD, and leaves refs/nostr alone", async () => {
    const { bare, main, dev, feature, tag } = repository();
    await alignRepository(bare, state({ "refs/heads/main": dev, "refs/heads/feature": feature, "refs/tags/v1": tag }, "refs/heads/feature", [feature]), objects);
    assert.deepEqual(
      await readRefs(bare),
      new Map([
        ["refs/heads/feature", feature],
        ["refs/heads/main", dev],
        [`refs/nostr/${eventId}`, dev],
        ["refs/tags/v1", tag],
      ]),
    );
    assert.equal(await readHead(bare), "refs/heads/feature");
    assert.notEqual(main, dev);
  });

  it("skips a declared ref whose object is missing, aligning the rest", async () => {
    const { bare, main, dev, absent } = repository();
    await alignRepository(bare, state({ "refs/heads/main": main, "refs/heads/dev": absent, "refs/heads/later": absent }, "refs/heads/main"), objects);
    assert.deepEqual(
      await readRefs(bare, ["refs/heads/", "refs/tags/"]),
      new Map([
        ["refs/heads/dev", dev],
        ["refs/heads/main", main],
      ]),
    );
  });

  it("changes nothing when the repository already matches, and can run again", async () => {
    const { bare, main, dev } = repository();
    const matching = state({ "refs/heads/main": main, "refs/heads/dev": dev, "refs/heads/stale": dev }, "refs/heads/main");
    const before = await readRefs(bare);
    await alignRepository(bare, matching, objects);
    await alignRepository(bare, matching, objects);
    assert.deepEqual(await readRefs(bare), before);
    assert.equal(await readHead(bare), "refs/heads/main");
  });

  it("leaves HEAD as it is when the state names none", async () => {
    const { bare, dev } = repository();
    git(bare, "symbolic-ref", "HEAD", "refs/heads/dev");
    await alignRepository(bare, state({ "refs/heads/dev": dev }, undefined), objects);
    assert.equal(await readHead(bare), "refs/heads/dev");
    assert.deepEqual(await readRefs(bare, ["refs/heads/"]), new Map([["refs/heads/dev", dev]]));
  });

  it("points HEAD at the state's branch even when the repository has no such branch yet", async () => {
    const { bare, main } = repository();
    await alignRepository(bare, state({ "refs/heads/main": main }, "refs/heads/trunk"), objects);
    assert.equal(await readHead(bare), "refs/heads/trunk");
  });

  it("empties the branches and tags of a repository whose state declares none", async () => {
    const { bare, dev } = repository();
    await alignRepository(bare, state({}, undefined), objects);
    assert.deepEqual(await readRefs(bare), new Map([[`refs/nostr/${eventId}`, dev]]));
  });
});
