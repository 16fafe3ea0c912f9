import assert from "node:assert/strict";
import { basename, dirname, join, resolve, sep } from "node:path";
import { describe, it } from "node:test";
import { GraspError } from "../errors.js";
import { maxIdentifierBytes } from "../nostr/nip34.js";
import { newAuthor } from "../nostr/event-fixtures.js";
import { UnsafeRepositoryPathError, assertInsideGitRoot, repositoryPath } from "./repository-path.js";

const owner = newAuthor();
const root = "/srv/grasp/git";

function assertUnsafe(run: () => unknown, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof UnsafeRepositoryPathError, `expected UnsafeRepositoryPathError, got ${String(error)}`);
    assert.ok(error instanceof GraspError);
    assert.match(error.message, message);
    return true;
  });
}

describe("repositoryPath", () => {
  it("is <git root>/<owner npub>/<d>.git, with d as written", () => {
    assert.equal(repositoryPath(root, owner.pubkey, "repo"), `${root}/${owner.npub}/repo.git`);
    assert.equal(repositoryPath(root, owner.pubkey, "hello world"), `${root}/${owner.npub}/hello world.git`);
    assert.equal(repositoryPath(root, owner.pubkey, "dépôt%20"), `${root}/${owner.npub}/dépôt%20.git`);
  });

  it("resolves a relative or untidy git root", () => {
    assert.equal(repositoryPath("relative/git", owner.pubkey, "repo"), join(resolve("relative/git"), owner.npub, "repo.git"));
    assert.equal(repositoryPath("/srv/grasp/./git/", owner.pubkey, "repo"), `${root}/${owner.npub}/repo.git`);
  });

  const hostile: [string, string, RegExp][] = [
    ["empty", "", /^repository identifier has an empty d tag$/],
    [".", ".", /which is not a directory name/],
    ["..", "..", /which is not a directory name/],
    ["a climbing path", "../../../etc/passwd", /containing '\/'/],
    ["an absolute path", "/etc", /containing '\/'/],
    ["a nested path", "a/b", /containing '\/'/],
    ["a Windows climbing path", "..\\..\\x", /containing '\\'/],
    ["a NUL", "repo\0.git/../..", /containing '\/'|NUL/],
    ["a bare NUL", "repo\0", /NUL/],
    ["too many bytes", "é".repeat(maxIdentifierBytes), /more than the 200 allowed/],
  ];
  for (const [name, identifier, message] of hostile) {
    it(`refuses ${name}`, () => {
      assertUnsafe(() => repositoryPath(root, owner.pubkey, identifier), message);
    });
  }

  it("always lands exactly two levels inside the git root for every identifier it accepts", () => {
    const identifiers = [
      "...",
      "....",
      ".git",
      "..git",
      "-rf",
      "~",
      "$HOME",
      "`id`",
      " ",
      "..a",
      "a..",
      "%2e%2e",
      "%2F",
      "a:b",
      "*",
      "\n",
      "日本語",
      "x".repeat(maxIdentifierBytes),
    ];
    for (const identifier of identifiers) {
      const path = repositoryPath(root, owner.pubkey, identifier);
      assert.ok(path.startsWith(root + sep), path);
      assert.equal(dirname(dirname(path)), root, identifier);
      assert.equal(basename(dirname(path)), owner.npub);
      assert.equal(basename(path), `${identifier}.git`);
    }
  });
});

describe("assertInsideGitRoot", () => {
  it("allows paths below the root", () => {
    assert.doesNotThrow(() => assertInsideGitRoot(root, `${root}/npub/repo.git`));
    assert.doesNotThrow(() => assertInsideGitRoot(root, `${root}/..repo`));
    assert.doesNotThrow(() => assertInsideGitRoot(`${root}/`, `${root}/a/../b`));
  });

  const outside: [string, string][] = [
    ["the root itself", root],
    ["the root with a trailing slash", `${root}/`],
    ["its parent", dirname(root)],
    ["a sibling sharing its prefix", `${root}-evil/repo.git`],
    ["a path that climbs out", `${root}/npub/../../etc`],
    ["an unrelated absolute path", "/etc/passwd"],
  ];
  for (const [name, path] of outside) {
    it(`refuses ${name}`, () => {
      assertUnsafe(() => assertInsideGitRoot(root, path), /is not inside the git root/);
    });
  }
});
