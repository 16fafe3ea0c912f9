import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { git, gitSandbox } from "./git-fixture.js";
import { objectChecker } from "./object-checker.js";
import type { ObjectChecker } from "./object-checker.js";
import { hasObject, packIndexes } from "./object-store.js";

const sandbox = gitSandbox("grasp-checker-test-");
const checkers: ObjectChecker[] = [];
const closeAll = () => {
  for (const checker of checkers) checker.close();
};
after(closeAll);
function newChecker(options?: Parameters<typeof objectChecker>[0]): ObjectChecker {
  const checker = objectChecker(options);
  checkers.push(checker);
  return checker;
}

const absent = "0123456789abcdef".repeat(3).slice(0, 40);
const eventId = "e".repeat(64);

/** A bare repository with `main` at a fresh commit, and the working repository that made it. */
function pushedRepository() {
  const bare = sandbox.bare();
  const work = sandbox.working();
  const main = work.commit("first");
  work.push(bare, "main");
  return { bare, work, main };
}

// Repositories shared by the tests that only ask questions (the pool test adds a ref to `two` and removes it).
const one = pushedRepository();
const two = pushedRepository();
const three = pushedRepository();
/** A layout the direct reader leaves to git (an alternates file): these exercise the cat-file pool. */
function askedOfGit(repository: ReturnType<typeof pushedRepository>) {
  const bare = sandbox.copy(repository.bare);
  writeFileSync(join(bare, "objects", "info", "alternates"), "");
  return { ...repository, bare };
}
const [oneByGit, twoByGit, threeByGit] = [askedOfGit(one), askedOfGit(two), askedOfGit(three)];
/** A copy of `one` that a test may change, with `one`'s working repository to push more into it. */
const copyOfOne = () => ({ ...one, bare: sandbox.copy(one.bare) });

const packCount = (bare: string) => readdirSync(join(bare, "objects", "pack")).filter((name) => name.endsWith(".pack")).length;

/** Child processes of this test process, as node counts its handles. */
const runningChildren = () => process.getActiveResourcesInfo().filter((resource) => resource === "ProcessWrap").length;

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe("objectChecker", () => {
  it("answers which of the asked objects the repository lacks", async () => {
    const { bare, work, main } = copyOfOne();
    const second = work.commit("second"); // never pushed
    const checker = newChecker();
    assert.deepEqual(await checker.missingObjects(bare, [main]), []);
    assert.deepEqual(await checker.missingObjects(bare, [main, absent, second]), [absent, second]);
    assert.deepEqual(await checker.missingObjects(bare, []), []);
    assert.deepEqual(await checker.missingObjects(bare, [absent, absent]), [absent, absent]);
  });

  it("knows trees and annotated tags as objects, not only commits", async () => {
    const { bare, work, main } = copyOfOne();
    work.git("tag", "-a", "v1", "-m", "version 1", main);
    work.push(bare, "refs/tags/v1");
    const tag = work.git("rev-parse", "v1");
    const tree = work.git("rev-parse", `${main}^{tree}`);
    assert.deepEqual(await newChecker().missingObjects(bare, [tag, tree, main]), []);
  });

  it("reports anything that is not a 40- or 64-hex id as missing without asking git", async () => {
    const { bare, main } = one;
    const checker = newChecker();
    // Each of these would name an existing object if git saw it; the injected newline would
    // also make git answer twice and shift every later answer by one.
    const bad = ["HEAD", "main", "refs/heads/main", main.toUpperCase(), main.slice(0, 12), `${main}\n${main}`, `${main} `, ""];
    assert.deepEqual(await checker.missingObjects(bare, bad), bad);
    assert.deepEqual(await checker.missingObjects(bare, [...bad, main, absent]), [...bad, absent]);
    assert.deepEqual(await checker.missingObjects(bare, [main]), [], "the process still answers in step");
  });

  it("sees loose objects added after it started", async () => {
    const { bare, work, main } = copyOfOne();
    const checker = newChecker();
    const later = work.commit("later");
    assert.deepEqual(await checker.missingObjects(bare, [main, later]), [later]);
    work.push(bare, "main");
    assert.equal(packCount(bare), 0, "a small push is unpacked into loose objects");
    assert.deepEqual(await checker.missingObjects(bare, [main, later]), []);
  });

  it("sees a pack added after it started", async () => {
    const { bare, work, main } = copyOfOne();
    git(bare, "config", "receive.unpackLimit", "1");
    const checker = newChecker();
    const later = work.commit("packed");
    assert.deepEqual(await checker.missingObjects(bare, [later]), [later]);
    const packsBefore = packCount(bare);
    work.push(bare, "main");
    assert.equal(packCount(bare), packsBefore + 1, "the push was kept as a pack");
    assert.deepEqual(await checker.missingObjects(bare, [main, later]), []);
  });

  it("finds objects once a repack replaces the packs it read", async () => {
    const { bare, work, main } = copyOfOne();
    git(bare, "config", "receive.unpackLimit", "1");
    const checker = newChecker();
    const later = work.commit("packed");
    work.push(bare, "main");
    assert.deepEqual(await checker.missingObjects(bare, [main, later]), []);
    git(bare, "repack", "-a", "-d", "-q");
    const absentNow = work.commit("never pushed");
    assert.deepEqual(await checker.missingObjects(bare, [main, later, absentNow]), [absentNow]);
  });

  it("searches pack indexes in memory and on disk alike, with few kept open", () => {
    const { bare, work, main } = copyOfOne();
    git(bare, "config", "receive.unpackLimit", "1");
    const later = work.commit("packed");
    work.push(bare, "main");
    const absentNow = work.commit("never pushed");
    for (const options of [{ capacity: 1 }, { capacity: 1, bucketReadLimit: 0 }, {}]) {
      const indexes = packIndexes(options);
      try {
        for (const round of [1, 2]) {
          assert.deepEqual([main, later, absentNow].map((oid) => hasObject(bare, oid, indexes)), [true, true, false], `${JSON.stringify(options)}, round ${round}`);
        }
      } finally {
        indexes.close();
      }
    }
  });

  it("answers for a repository that does not exist: everything is missing", async () => {
    const checker = newChecker();
    const nowhere = join(sandbox.root, "does-not-exist.git");
    assert.deepEqual(await checker.missingObjects(nowhere, [absent]), [absent]);
    assert.equal(await checker.nostrRef(nowhere, eventId), undefined);
  });

  describe("nostrRef", () => {
    it("gives where refs/nostr/<id> points, and undefined when it does not exist", async () => {
      const { bare, main } = copyOfOne();
      git(bare, "update-ref", `refs/nostr/${eventId}`, main);
      const checker = newChecker();
      assert.equal(await checker.nostrRef(bare, eventId), main);
      assert.equal(await checker.nostrRef(bare, "f".repeat(64)), undefined);
    });

    it("follows refs created, moved and deleted after it started", async () => {
      const { bare, work, main } = copyOfOne();
      const second = work.commit("second");
      work.push(bare, "main");
      const checker = newChecker();
      assert.equal(await checker.nostrRef(bare, eventId), undefined);
      git(bare, "update-ref", `refs/nostr/${eventId}`, main);
      assert.equal(await checker.nostrRef(bare, eventId), main);
      git(bare, "update-ref", `refs/nostr/${eventId}`, second);
      assert.equal(await checker.nostrRef(bare, eventId), second);
      git(bare, "pack-refs", "--all");
      assert.equal(await checker.nostrRef(bare, eventId), second, "a packed ref too");
      git(bare, "update-ref", "-d", `refs/nostr/${eventId}`);
      assert.equal(await checker.nostrRef(bare, eventId), undefined);
    });

    it("is undefined for an id that is not 64 lower-case hex, without asking git", async () => {
      const { bare, main } = copyOfOne();
      git(bare, "update-ref", `refs/nostr/${eventId.toUpperCase()}`, main);
      git(bare, "update-ref", "refs/nostr/short", main);
      const checker = newChecker();
      for (const id of [eventId.toUpperCase(), "short", `${eventId}\nrefs/heads/main`, "../heads/main", ""]) {
        assert.equal(await checker.nostrRef(bare, id), undefined, JSON.stringify(id));
      }
      assert.deepEqual(await checker.missingObjects(bare, [main]), [], "the process still answers in step");
    });

    it("shares the process with object questions, answering each in turn", async () => {
      const { bare, main } = copyOfOne();
      git(bare, "update-ref", `refs/nostr/${eventId}`, main);
      const checker = newChecker();
      const [missing, ref, again] = await Promise.all([
        checker.missingObjects(bare, [absent, main]),
        checker.nostrRef(bare, eventId),
        checker.missingObjects(bare, [main, absent]),
      ]);
      assert.deepEqual(missing, [absent]);
      assert.equal(ref, main);
      assert.deepEqual(again, [absent]);
    });
  });

  it("reads the object store and refs/nostr directly: no process starts, however many repositories", async () => {
    const checker = newChecker();
    closeAll();
    await waitUntil(() => runningChildren() === 0, "earlier tests' processes are gone");
    git(two.bare, "update-ref", `refs/nostr/${eventId}`, two.main);
    for (const { bare, main } of [one, two, three]) assert.deepEqual(await checker.missingObjects(bare, [main, absent]), [absent]);
    assert.equal(await checker.nostrRef(two.bare, eventId), two.main);
    assert.equal(await checker.nostrRef(one.bare, eventId), undefined);
    assert.equal(runningChildren(), 0);
    git(two.bare, "update-ref", "-d", `refs/nostr/${eventId}`);
  });

  describe("the pool (for layouts left to git cat-file)", () => {
    it("with room for one process, still answers correctly for two repositories asked in turn", async () => {
      git(twoByGit.bare, "update-ref", `refs/nostr/${eventId}`, twoByGit.main);
      const checker = newChecker({ maxProcesses: 1 });
      for (let round = 0; round < 3; round += 1) {
        assert.deepEqual(await checker.missingObjects(oneByGit.bare, [oneByGit.main, twoByGit.main]), [twoByGit.main]);
        assert.deepEqual(await checker.missingObjects(twoByGit.bare, [oneByGit.main, twoByGit.main]), [oneByGit.main]);
        assert.equal(await checker.nostrRef(oneByGit.bare, eventId), undefined);
        assert.equal(await checker.nostrRef(twoByGit.bare, eventId), twoByGit.main);
      }
      git(twoByGit.bare, "update-ref", "-d", `refs/nostr/${eventId}`);
    });

    it(
      "with room for one process, answers correctly for two repositories asked at once",
      async () => {
        const checker = newChecker({ maxProcesses: 1 });
        const [fromOne, fromTwo] = await Promise.all([checker.missingObjects(oneByGit.bare, [oneByGit.main]), checker.missingObjects(twoByGit.bare, [twoByGit.main])]);
        assert.deepEqual(fromOne, []);
        assert.deepEqual(fromTwo, []);
      },
    );

    it("keeps a process busy with a question alive, with the shortest idle time, after questions in turn", async () => {
      const { bare, main } = oneByGit;
      const checker = newChecker({ idleMilliseconds: 0 });
      await checker.missingObjects(bare, [main]);
      await checker.missingObjects(bare, [main]);
      const many = Array.from({ length: 2_000 }, () => main);
      assert.equal((await checker.missingObjects(bare, many)).length, 0);
    });

    it(
      "keeps a process busy with a question alive, after two questions to it overlapped",
      async () => {
        const { bare, main } = oneByGit;
        const checker = newChecker({ idleMilliseconds: 0 });
        // Two overlapping questions each arm an idle timer; the second overwrites the first.
        await Promise.all([checker.missingObjects(bare, [main]), checker.missingObjects(bare, [main])]);
        // A long question right after: the leaked timer fires while git is still answering it.
        const many = Array.from({ length: 2_000 }, () => main);
        const missing = await checker.missingObjects(bare, many);
        assert.equal(missing.length, 0, `${missing.length} present objects answered as missing`);
      },
    );

    it("runs one process per repository up to the bound", async () => {
      const repositories = [oneByGit, twoByGit, threeByGit];
      const checker = newChecker({ maxProcesses: 2 });
      closeAll();
      await waitUntil(() => runningChildren() === 0, "earlier tests' processes are gone");
      for (const { bare, main } of repositories) assert.deepEqual(await checker.missingObjects(bare, [main]), []);
      await waitUntil(() => runningChildren() === 2, "the least recently used process is stopped, two remain");
      checker.close();
      await waitUntil(() => runningChildren() === 0, "the pool's processes exit");
    });
  });

  it("close() stops every process; a later question starts a new one", async () => {
    const { bare, main } = oneByGit;
    const other = twoByGit;
    const checker = newChecker();
    closeAll();
    await waitUntil(() => runningChildren() === 0, "earlier tests' processes are gone");
    assert.deepEqual(await checker.missingObjects(bare, [main]), []);
    assert.deepEqual(await checker.missingObjects(other.bare, [other.main]), []);
    assert.equal(runningChildren(), 2);
    checker.close();
    await waitUntil(() => runningChildren() === 0, "the checkers exit after close()");
    assert.deepEqual(await checker.missingObjects(bare, [main, absent]), [absent]);
    checker.close();
    checker.close();
    await waitUntil(() => runningChildren() === 0, "closing twice is harmless");
  });
});
