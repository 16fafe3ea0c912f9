import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeGid, describeUid, groupIdsOf, parseGroup, parsePasswd } from "./accounts.js";

const passwd = "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\ngrasp-git:x:991:990::/var/lib/grasp:/usr/sbin/nologin\nbroken line\n";
const group = "root:x:0:\nwww-data:x:33:grasp-git\ngrasp:x:990:\n";

describe("accounts", () => {
  const accounts = { users: parsePasswd(passwd), groups: parseGroup(group) };

  it("reads users and groups, skipping malformed lines", () => {
    assert.deepEqual(accounts.users.map((user) => user.name), ["root", "www-data", "grasp-git"]);
    assert.deepEqual(accounts.users[2], { name: "grasp-git", uid: 991, gid: 990, home: "/var/lib/grasp" });
    assert.deepEqual(accounts.groups[1], { name: "www-data", gid: 33, members: ["grasp-git"] });
  });

  it("gives a user's primary and supplementary groups", () => {
    assert.deepEqual(groupIdsOf(accounts, accounts.users[2]!), [990, 33]);
  });

  it("describes ids by name when there is one", () => {
    assert.equal(describeUid(accounts, 991), "grasp-git (uid 991)");
    assert.equal(describeUid(accounts, 4242), "uid 4242");
    assert.equal(describeGid(accounts, 990), "grasp");
    assert.equal(describeGid(accounts, 4242), "gid 4242");
  });
});
