import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { newAuthor } from "../nostr/event-fixtures.js";
import { gitSandbox } from "./git-fixture.js";
import { hostedRepositories } from "./hosted-repositories.js";

const sandbox = gitSandbox("grasp-hosted-test-");

describe("hostedRepositories", () => {
  it("is empty for a git root that does not exist or holds nothing", () => {
    assert.deepEqual(hostedRepositories(join(sandbox.root, "missing")), []);
    const empty = join(sandbox.root, "empty");
    mkdirSync(empty);
    assert.deepEqual(hostedRepositories(empty), []);
  });

  it("lists <npub>/<d>.git directories, sorted by owner and name", () => {
    const gitRoot = join(sandbox.root, "hosted");
    const [first, second] = [newAuthor().npub, newAuthor().npub].sort();
    const names = [`${second!}/zeta.git`, `${first!}/repo.git`, `${first!}/Alpha.git`, `${second!}/dépôt.git`, `${first!}/a b.git`];
    for (const name of names) sandbox.bare(join("hosted", name));
    assert.deepEqual(hostedRepositories(gitRoot), [
      { name: `${first!}/Alpha.git`, path: join(gitRoot, first!, "Alpha.git") },
      { name: `${first!}/a b.git`, path: join(gitRoot, first!, "a b.git") },
      { name: `${first!}/repo.git`, path: join(gitRoot, first!, "repo.git") },
      { name: `${second!}/dépôt.git`, path: join(gitRoot, second!, "dépôt.git") },
      { name: `${second!}/zeta.git`, path: join(gitRoot, second!, "zeta.git") },
    ]);
  });

  it("leaves out what is not a hosted repository", () => {
    const gitRoot = join(sandbox.root, "mixed");
    const owner = newAuthor().npub;
    sandbox.bare(join("mixed", owner, "good.git"));
    mkdirSync(join(gitRoot, owner, "no-suffix"), { recursive: true });
    mkdirSync(join(gitRoot, owner, ".git"), { recursive: true }); // an empty d
    mkdirSync(join(gitRoot, owner, "nested", "deeper.git"), { recursive: true });
    writeFileSync(join(gitRoot, owner, "file.git"), "not a directory");
    mkdirSync(join(gitRoot, "not-an-npub", "repo.git"), { recursive: true });
    const badChecksum = `${owner.slice(0, -1)}${owner.endsWith("q") ? "p" : "q"}`;
    mkdirSync(join(gitRoot, badChecksum, "repo.git"), { recursive: true });
    mkdirSync(join(gitRoot, "nsec1abc", "repo.git"), { recursive: true });
    writeFileSync(join(gitRoot, "loose-file"), "");
    assert.deepEqual(hostedRepositories(gitRoot), [{ name: `${owner}/good.git`, path: join(gitRoot, owner, "good.git") }]);
  });
});
