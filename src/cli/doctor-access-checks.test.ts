import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig } from "../config.js";
import type { Accounts } from "../deploy/accounts.js";
import type { Ownership } from "../deploy/permissions.js";
import { socketAccessCheck, storeAccessCheck, usersCheck } from "./doctor-access-checks.js";

const accounts: Accounts = {
  users: [
    { name: "grasp-relay", uid: 990, gid: 990, home: "/" },
    { name: "grasp-git", uid: 991, gid: 990, home: "/" },
    { name: "stranger", uid: 992, gid: 992, home: "/" },
  ],
  groups: [
    { name: "grasp", gid: 990, members: [] },
    { name: "stranger", gid: 992, members: [] },
  ],
};

const config = (accountsEnv: Record<string, string>) =>
  loadConfig({ env: { GRASP_PURGATORY_SERVICE_HOST: "git.example.com", GRASP_PURGATORY_GIT_ROOT: "/g", GRASP_PURGATORY_DATA_DIR: "/d", ...accountsEnv }, defaultConfigFiles: [] });
const deployed = config({ GRASP_PURGATORY_STRFRY_USER: "grasp-relay", GRASP_PURGATORY_GIT_USER: "grasp-git", GRASP_PURGATORY_GROUP: "grasp" });

const tree = (overrides: Record<string, Ownership> = {}) => {
  const files: Record<string, Ownership> = {
    "/": { uid: 0, gid: 0, mode: 0o40755 },
    "/d": { uid: 990, gid: 990, mode: 0o42770 },
    "/d/purgatory.sqlite": { uid: 990, gid: 990, mode: 0o100660 },
    "/d/purgatory.sqlite-wal": { uid: 991, gid: 990, mode: 0o100660 },
    "/d/daemon.sock": { uid: 990, gid: 990, mode: 0o140660 },
    ...overrides,
  };
  return (path: string) => files[path];
};

describe("doctor's two-user checks", () => {
  it("passes users that exist and share the group", () => {
    const { check, users } = usersCheck(deployed, accounts);
    assert.equal(check.ok, true, check.detail);
    assert.equal(users?.git.name, "grasp-git");
  });

  it("fails, with the commands that fix it, a missing user and a user outside the group", () => {
    const missing = usersCheck(config({ GRASP_PURGATORY_STRFRY_USER: "nobody-here", GRASP_PURGATORY_GIT_USER: "stranger", GRASP_PURGATORY_GROUP: "grasp" }), accounts).check;
    assert.equal(missing.ok, false);
    assert.equal(missing.detail, "the user nobody-here does not exist; stranger is not in the group grasp");
    assert.match(missing.fix!, /useradd --system --gid grasp .* nobody-here; usermod --append --groups grasp stranger/);
    const partial = usersCheck(config({ GRASP_PURGATORY_GIT_USER: "grasp-git" }), accounts).check;
    assert.match(partial.detail, /does not name the deployment's strfryUser, group/);
  });

  it("store access: both users can write the store files and the directory, or the one who cannot is named", () => {
    const { users } = usersCheck(deployed, accounts);
    assert.equal(storeAccessCheck(deployed, users!, accounts, tree()).ok, true);
    const broken = storeAccessCheck(deployed, users!, accounts, tree({ "/d/purgatory.sqlite": { uid: 990, gid: 990, mode: 0o100644 } }));
    assert.equal(broken.ok, false);
    assert.equal(broken.detail, "grasp-git cannot write /d/purgatory.sqlite (owner grasp-relay (uid 990), group grasp, mode 0644)");
    assert.match(broken.fix!, /chmod 660 \/d\/purgatory\.sqlite \/d\/purgatory\.sqlite-wal/);
    const wal = storeAccessCheck(deployed, users!, accounts, tree({ "/d/purgatory.sqlite-wal": { uid: 991, gid: 991, mode: 0o100644 } }));
    assert.equal(wal.detail, "grasp-relay cannot write /d/purgatory.sqlite-wal (owner grasp-git (uid 991), group gid 991, mode 0644)");
  });

  it("socket access: the hooks' user must be able to connect", () => {
    const { users } = usersCheck(deployed, accounts);
    assert.equal(socketAccessCheck(deployed, users!, accounts, tree()).ok, true);
    const broken = socketAccessCheck(deployed, users!, accounts, tree({ "/d/daemon.sock": { uid: 990, gid: 990, mode: 0o140600 } }));
    assert.equal(broken.detail, "grasp-git cannot write /d/daemon.sock (owner grasp-relay (uid 990), group grasp, mode 0600)");
    assert.equal(socketAccessCheck(deployed, users!, accounts, tree({ "/d/daemon.sock": undefined as never })).ok, true, "no socket is the daemon check's business");
  });
});
