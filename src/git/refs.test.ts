import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { git, gitSandbox } from "./git-fixture.js";
import { readBranchesAndTags, readHead, readRef, readRefs, setHead, updateRefs } from "./refs.js";
import { GitError } from "./run.js";

const sandbox = gitSandbox("grasp-refs-test-");
const eventId = "e".repeat(64);
const absent = "0123456789abcdef".repeat(3).slice(0, 40);

/** A bare repository with main, dev, a light and an annotated tag, a note and a refs/nostr ref. */
function build() {
  const bare = sandbox.bare();
  const work = sandbox.working();
  const main = work.commit("main");
  work.git("checkout", "--quiet", "-b", "dev");
  const dev = work.commit("dev");
  work.git("tag", "light", main);
  work.git("tag", "-a", "v1", "-m", "version 1", dev);
  work.git("notes", "add", "-m", "a note", main);
  work.push(bare, "main", "dev", "refs/tags/light", "refs/tags/v1", "refs/notes/commits");
  git(bare, "update-ref", `refs/nostr/${eventId}`, dev);
  const tag = work.git("rev-parse", "v1");
  const notes = work.git("rev-parse", "refs/notes/commits");
  return { bare, work, main, dev, tag, notes };
}

const shared = build();
/** A fresh copy of the shared repository, for a test that changes it. */
const populated = () => ({ ...shared, bare: sandbox.copy(shared.bare) });

describe("readRefs", () => {
  it("reads every ref with the object it points at (a tag object for an annotated tag)", async () => {
    const { bare, main, dev, tag, notes } = shared;
    assert.deepEqual(
      await readRefs(bare),
      new Map([
        ["refs/heads/dev", dev],
        ["refs/heads/main", main],
        [`refs/nostr/${eventId}`, dev],
        ["refs/notes/commits", notes],
        ["refs/tags/light", main],
        ["refs/tags/v1", tag],
      ]),
    );
  });

  it("reads only the prefixes asked for", async () => {
    assert.deepEqual(await readRefs(shared.bare, ["refs/nostr/"]), new Map([[`refs/nostr/${eventId}`, shared.dev]]));
    assert.deepEqual(await readRefs(shared.bare, ["refs/none/"]), new Map());
  });

  it("is empty for an empty repository", async () => {
    assert.deepEqual(await readRefs(sandbox.bare()), new Map());
  });

  it("fails with a GitError outside a repository", async () => {
    await assert.rejects(readRefs(sandbox.root), GitError);
  });
});

describe("readBranchesAndTags", () => {
  it("reads branches and tags only: no notes, no refs/nostr", async () => {
    const { bare, main, dev, tag } = shared;
    assert.deepEqual(
      await readBranchesAndTags(bare),
      new Map([
        ["refs/heads/dev", dev],
        ["refs/heads/main", main],
        ["refs/tags/light", main],
        ["refs/tags/v1", tag],
      ]),
    );
  });
});

describe("readRef", () => {
  it("gives the object a ref points at, unpeeled", async () => {
    const { bare, main, dev, tag } = shared;
    assert.equal(await readRef(bare, "refs/heads/main"), main);
    assert.equal(await readRef(bare, `refs/nostr/${eventId}`), dev);
    assert.equal(await readRef(bare, "refs/tags/v1"), tag);
  });

  it("is undefined for a ref that does not exist or an object that is not there", async () => {
    assert.equal(await readRef(shared.bare, "refs/heads/nope"), undefined);
    assert.equal(await readRef(shared.bare, `refs/nostr/${"f".repeat(64)}`), undefined);
    assert.equal(await readRef(shared.bare, absent), undefined);
  });
});

describe("updateRefs", () => {
  it("creates, moves and deletes several refs at once", async () => {
    const { bare, main, dev } = populated();
    await updateRefs(bare, [
      { ref: "refs/heads/main", oid: dev },
      { ref: "refs/heads/new", oid: main },
      { ref: "refs/tags/light", oid: undefined },
      { ref: `refs/nostr/${eventId}`, oid: undefined },
    ]);
    const refs = await readRefs(bare, ["refs/heads/", "refs/tags/", "refs/nostr/"]);
    assert.equal(refs.get("refs/heads/main"), dev);
    assert.equal(refs.get("refs/heads/new"), main);
    assert.equal(refs.has("refs/tags/light"), false);
    assert.equal(refs.has(`refs/nostr/${eventId}`), false);
    assert.equal(refs.get("refs/heads/dev"), dev, "refs not named are left alone");
  });

  it("does nothing for no changes", async () => {
    const before = await readRefs(shared.bare);
    await updateRefs(shared.bare, []);
    assert.deepEqual(await readRefs(shared.bare), before);
  });

  it("accepts deleting a ref that is already gone", async () => {
    const { bare, main } = populated();
    await updateRefs(bare, [{ ref: "refs/heads/gone", oid: undefined }, { ref: "refs/heads/main", oid: main }]);
    assert.equal(await readRef(bare, "refs/heads/main"), main);
  });

  it("is one transaction: when one change fails, none is made, and the GitError says why", async () => {
    const { bare, main, dev } = populated();
    const before = await readRefs(bare);
    await assert.rejects(
      updateRefs(bare, [
        { ref: "refs/heads/main", oid: dev },
        { ref: "refs/heads/dev", oid: undefined },
        { ref: "refs/heads/broken", oid: absent },
        { ref: "refs/heads/later", oid: main },
      ]),
      (error: unknown) => {
        assert.ok(error instanceof GitError, String(error));
        assert.deepEqual(error.args, ["update-ref", "--stdin"]);
        assert.match(error.message, /^git update-ref --stdin failed \(exit \d+\): /);
        assert.ok(error.stderr.includes(absent) || error.stderr.includes("refs/heads/broken"), error.stderr);
        return true;
      },
    );
    assert.deepEqual(await readRefs(bare), before);
  });

  it("refuses an invalid ref name, changing nothing", async () => {
    const { bare, main } = populated();
    const before = await readRefs(bare);
    await assert.rejects(updateRefs(bare, [{ ref: "refs/heads/new", oid: main }, { ref: "refs/heads/bad..name", oid: main }]), GitError);
    assert.deepEqual(await readRefs(bare), before);
  });
});

describe("setHead and readHead", () => {
  it("reads the branch HEAD points at, even before it exists", async () => {
    assert.equal(await readHead(shared.bare), "refs/heads/main");
    assert.equal(await readHead(sandbox.bare()), "refs/heads/main");
  });

  it("points HEAD at another branch, existing or not yet", async () => {
    const { bare } = populated();
    await setHead(bare, "refs/heads/dev");
    assert.equal(await readHead(bare), "refs/heads/dev");
    assert.equal(git(bare, "symbolic-ref", "HEAD"), "refs/heads/dev");
    await setHead(bare, "refs/heads/future");
    assert.equal(await readHead(bare), "refs/heads/future");
  });

  it("reads a detached HEAD as undefined", async () => {
    const { bare, main } = populated();
    git(bare, "update-ref", "--no-deref", "HEAD", main);
    assert.equal(await readHead(bare), undefined);
  });

  it("refuses to point HEAD outside refs/", async () => {
    await assert.rejects(setHead(populated().bare, "main"), GitError);
  });
});
