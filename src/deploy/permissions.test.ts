import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { accessProblem, formatMode, permits } from "./permissions.js";
import type { Ownership } from "./permissions.js";

const relay = { uid: 990, gids: [990] };
const git = { uid: 991, gids: [991, 990] };
const nginx = { uid: 33, gids: [33] };

describe("permits", () => {
  const store: Ownership = { uid: 990, gid: 990, mode: 0o100660 };

  it("uses the owner's bits for the owner, the group's for a member, the others' for the rest", () => {
    assert.equal(permits(relay, store, "rw"), true);
    assert.equal(permits(git, store, "rw"), true);
    assert.equal(permits(nginx, store, "r"), false);
    assert.equal(permits(git, { ...store, mode: 0o100644 }, "w"), false);
    assert.equal(permits(nginx, { ...store, mode: 0o100644 }, "r"), true);
  });

  it("uses only the owner's bits for the owner, even when the group's would allow", () => {
    assert.equal(permits(relay, { ...store, mode: 0o100060 }, "r"), false);
  });

  it("lets root do anything", () => {
    assert.equal(permits({ uid: 0, gids: [0] }, { ...store, mode: 0o100000 }, "rwx"), true);
  });
});

describe("accessProblem", () => {
  const tree: Record<string, Ownership> = {
    "/": { uid: 0, gid: 0, mode: 0o40755 },
    "/srv": { uid: 0, gid: 0, mode: 0o40700 },
    "/srv/data": { uid: 990, gid: 990, mode: 0o42770 },
    "/srv/data/store": { uid: 990, gid: 990, mode: 0o100660 },
  };
  const stat = (path: string) => tree[path];

  it("names the first directory on the way a user cannot enter", () => {
    assert.deepEqual(accessProblem(git, "/srv/data/store", "rw", stat), { path: "/srv", want: "x", owner: tree["/srv"] });
  });

  it("names the file itself when the way is open, and nothing when access is fine", () => {
    const open = (path: string) => (path === "/srv" ? { ...tree["/srv"]!, mode: 0o40755 } : tree[path]);
    assert.equal(accessProblem(git, "/srv/data/store", "rw", open), undefined);
    assert.deepEqual(accessProblem(nginx, "/srv/data/store", "r", open)?.path, "/srv/data");
    assert.deepEqual(accessProblem(git, "/srv/data/missing", "r", open), { path: "/srv/data/missing", want: "r", owner: undefined });
  });

  it("formats modes as four octal digits", () => {
    assert.equal(formatMode(0o42770), "2770");
    assert.equal(formatMode(0o100644), "0644");
  });
});
