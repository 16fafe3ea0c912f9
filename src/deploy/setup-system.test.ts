import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Accounts } from "./accounts.js";
import { planDeployment } from "./deployment.js";
import { exampleDeploymentOptions } from "./deployment-fixture.js";
import type { Ownership } from "./permissions.js";
import { commandOf, deploymentDirectories, planSetup } from "./setup-system.js";

const deployment = planDeployment({ ...exampleDeploymentOptions, tls: undefined, prefix: "/srv/g" });

const fresh: Accounts = { users: [{ name: "root", uid: 0, gid: 0, home: "/root" }, { name: "www-data", uid: 33, gid: 33, home: "/var/www" }], groups: [{ name: "root", gid: 0, members: [] }, { name: "www-data", gid: 33, members: [] }] };
const done: Accounts = {
  users: [...fresh.users, { name: "grasp-relay", uid: 990, gid: 990, home: "/srv/g/var/lib/grasp" }, { name: "grasp-git", uid: 991, gid: 33, home: "/var/www" }],
  groups: [...fresh.groups, { name: "grasp", gid: 990, members: ["grasp-git"] }],
};

/** Directories as they would be once set up. */
function setUp(accounts: Accounts): (path: string) => Ownership | undefined {
  const uid = (name: string) => accounts.users.find((user) => user.name === name)!.uid;
  const gid = (name: string) => accounts.groups.find((group) => group.name === name)!.gid;
  const specs = new Map(deploymentDirectories(deployment, { stack: false }).map((spec) => [spec.path, spec]));
  return (path) => {
    const spec = specs.get(path);
    // A root-owned directory inside a setgid one has the setgid bit too.
    return spec === undefined ? undefined : { uid: uid(spec.owner), gid: gid(spec.group), mode: spec.mode | (spec.owner === "root" ? 0o2000 : 0) };
  };
}

describe("planSetup", () => {
  it("on a fresh machine: the group, both users in it, and every directory with its owner and mode", () => {
    const steps = planSetup(deployment, fresh, () => undefined, { stack: false });
    assert.deepEqual(steps.slice(0, 3).map(commandOf), [
      ["groupadd", "--system", "grasp"],
      ["useradd", "--system", "--gid", "grasp", "--home-dir", "/srv/g/var/lib/grasp", "--no-create-home", "--shell", "/usr/sbin/nologin", "grasp-relay"],
      ["useradd", "--system", "--gid", "grasp", "--home-dir", "/srv/g/var/lib/grasp", "--no-create-home", "--shell", "/usr/sbin/nologin", "grasp-git"],
    ]);
    const directories = steps.slice(3).map(commandOf);
    assert.deepEqual(directories[0], ["install", "-d", "-o", "grasp-relay", "-g", "grasp", "-m", "2775", "/srv/g/var/lib/grasp"]);
    assert.ok(directories.some((command) => command.join(" ") === "install -d -o grasp-relay -g grasp -m 2770 /srv/g/var/lib/grasp/data"));
    assert.ok(directories.some((command) => command.join(" ") === "install -d -o grasp-relay -g grasp -m 2775 /srv/g/var/lib/grasp/git"));
  });

  it("adds an existing user to the group rather than creating it", () => {
    const withGitUser: Accounts = { users: [...fresh.users, { name: "grasp-git", uid: 991, gid: 33, home: "/var/www" }], groups: [...fresh.groups, { name: "grasp", gid: 990, members: [] }] };
    const steps = planSetup(deployment, withGitUser, () => undefined, { stack: false }).filter((step) => step.kind !== "directory");
    assert.deepEqual(steps.map(commandOf), [
      ["useradd", "--system", "--gid", "grasp", "--home-dir", "/srv/g/var/lib/grasp", "--no-create-home", "--shell", "/usr/sbin/nologin", "grasp-relay"],
      ["usermod", "--append", "--groups", "grasp", "grasp-git"],
    ]);
  });

  it("does nothing once everything is right, setgid bits inherited by root's directories included", () => {
    assert.deepEqual(planSetup(deployment, done, setUp(done), { stack: false }), []);
  });

  it("repairs a directory whose mode lost the group's write bit", () => {
    const right = setUp(done);
    const steps = planSetup(deployment, done, (path) => (path === deployment.paths.dataDir ? { ...right(path)!, mode: 0o755 } : right(path)), { stack: false });
    assert.deepEqual(steps.map(commandOf), [["install", "-d", "-o", "grasp-relay", "-g", "grasp", "-m", "2770", "/srv/g/var/lib/grasp/data"]]);
  });
});
