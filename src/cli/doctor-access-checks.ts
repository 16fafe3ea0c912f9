// `doctor`'s checks of the two-user deployment (strfryUser, gitUser, group in the config):
// that both users exist and share the group, and that each can write the store, reach the
// daemon's socket and write every repository. Decided from the file modes for each user
// (src/deploy/permissions.ts), so that they hold whoever runs doctor, root included.

import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config.js";
import { daemonSocketPath, databasePath } from "../config.js";
import { describeGid, describeUid, findGroup, findUser, groupIdsOf } from "../deploy/accounts.js";
import type { Accounts } from "../deploy/accounts.js";
import { accessProblem, formatMode, statOf } from "../deploy/permissions.js";
import type { Identity, StatOf, Want } from "../deploy/permissions.js";
import { hostedRepositories } from "../git/hosted-repositories.js";
import { storeFiles } from "../purgatory/database.js";
import type { Check } from "./doctor-check.js";
import { fail, pass } from "./doctor-check.js";

export interface DeploymentUsers {
  strfry: { name: string; identity: Identity };
  git: { name: string; identity: Identity };
  group: { name: string; gid: number };
}

/** The users check, and the users for the others when it passes. */
export function usersCheck(config: Config, accounts: Accounts): { check: Check; users: DeploymentUsers | undefined } {
  const { strfryUser, gitUser, group } = config.accounts;
  const name = "users";
  if (strfryUser === undefined || gitUser === undefined || group === undefined) {
    const missing = [["strfryUser", strfryUser], ["gitUser", gitUser], ["group", group]].filter(([, value]) => value === undefined).map(([key]) => key);
    return {
      check: fail(name, `the config does not name the deployment's ${missing.join(", ")}`, "set strfryUser, gitUser and group in the config (grasp-purgatory deploy writes them)"),
      users: undefined,
    };
  }
  const sharedGroup = findGroup(accounts, group);
  const problems: string[] = [];
  const fixes: string[] = [];
  if (sharedGroup === undefined) {
    problems.push(`the group ${group} does not exist`);
    fixes.push(`groupadd --system ${group}`);
  }
  const identityOf = (user: string) => {
    const found = findUser(accounts, user);
    if (found === undefined) {
      problems.push(`the user ${user} does not exist`);
      fixes.push(`useradd --system --gid ${group} --no-create-home --shell /usr/sbin/nologin ${user}`);
      return undefined;
    }
    const gids = groupIdsOf(accounts, found);
    if (sharedGroup !== undefined && !gids.includes(sharedGroup.gid)) {
      problems.push(`${user} is not in the group ${group}`);
      fixes.push(`usermod --append --groups ${group} ${user}, then restart its service`);
    }
    return { uid: found.uid, gids };
  };
  const strfry = identityOf(strfryUser);
  const git = identityOf(gitUser);
  if (problems.length > 0 || strfry === undefined || git === undefined || sharedGroup === undefined) {
    return { check: fail(name, problems.join("; "), `as root: ${fixes.join("; ")} (or grasp-purgatory deploy --setup)`), users: undefined };
  }
  return {
    check: pass(name, `strfry runs as ${strfryUser}, git as ${gitUser}, both in ${group}`),
    users: { strfry: { name: strfryUser, identity: strfry }, git: { name: gitUser, identity: git }, group: { name: group, gid: sharedGroup.gid } },
  };
}

function describe(accounts: Accounts, path: string, stat: StatOf): string {
  const found = stat(path);
  return found === undefined ? `${path} (missing)` : `${path} (owner ${describeUid(accounts, found.uid)}, group ${describeGid(accounts, found.gid)}, mode ${formatMode(found.mode)})`;
}

interface Need {
  user: { name: string; identity: Identity };
  path: string;
  want: Want;
}

/** The first need that is not met, described with the path that stops it. */
function firstUnmet(needs: readonly Need[], accounts: Accounts, stat: StatOf): string | undefined {
  for (const need of needs) {
    const problem = accessProblem(need.user.identity, need.path, need.want, stat);
    if (problem !== undefined) return `${need.user.name} cannot ${problem.want === "x" ? "enter" : need.want.includes("w") ? "write" : "read"} ${describe(accounts, problem.path, stat)}`;
  }
  return undefined;
}

export function storeAccessCheck(config: Config, users: DeploymentUsers, accounts: Accounts, stat: StatOf = statOf): Check {
  const both = [users.strfry, users.git];
  const files = storeFiles(databasePath(config)).filter((path) => stat(path) !== undefined);
  // Either user may create -wal and -shm (SQLite removes them when the last connection closes).
  const needs = both.flatMap((user) => [{ user, path: config.dataDir, want: "rwx" as const }, ...files.map((path) => ({ user, path, want: "rw" as const }))]);
  const problem = firstUnmet(needs, accounts, stat);
  return problem === undefined
    ? pass("store access", `${users.strfry.name} and ${users.git.name} can write ${files.length === 0 ? config.dataDir : files.join(", ")}`)
    : fail(
        "store access",
        problem,
        `as root: chgrp ${users.group.name} ${config.dataDir} ${files.join(" ")} && chmod 2770 ${config.dataDir}${files.length === 0 ? "" : ` && chmod 660 ${files.join(" ")}`}`,
      );
}

export function socketAccessCheck(config: Config, users: DeploymentUsers, accounts: Accounts, stat: StatOf = statOf): Check {
  const socket = daemonSocketPath(config);
  if (stat(socket) === undefined) return pass("socket access", `no socket yet at ${socket} (the daemon check says why)`);
  const problem = firstUnmet([{ user: users.git, path: socket, want: "w" }], accounts, stat);
  return problem === undefined
    ? pass("socket access", `${users.git.name} (the hooks) can connect to ${socket}`)
    : fail("socket access", problem, `as root: chgrp ${users.group.name} ${config.dataDir} && chmod 2770 ${config.dataDir}, then restart strfry: the policy makes the socket 0660 in the data directory's group`);
}

/** Every directory of a repository: new objects, refs and lock files are created in them. */
function directoriesOf(path: string): string[] {
  const found = [path];
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory()) found.push(...directoriesOf(join(path, entry.name)));
  }
  return found;
}

const isShared = (configText: string) => /^\s*sharedrepository\s*=\s*(group|true|1)\s*$/im.test(configText);

export function repositoryAccessCheck(config: Config, users: DeploymentUsers, accounts: Accounts, readText: (path: string) => string, stat: StatOf = statOf): Check {
  const name = "repository access";
  const rootProblem = firstUnmet([{ user: users.strfry, path: config.gitRoot, want: "rwx" }, { user: users.git, path: config.gitRoot, want: "x" }], accounts, stat);
  if (rootProblem !== undefined) {
    return fail(name, rootProblem, `as root: chown ${users.strfry.name}:${users.group.name} ${config.gitRoot} && chmod 2775 ${config.gitRoot}`);
  }
  const repositories = hostedRepositories(config.gitRoot);
  for (const repository of repositories) {
    let shared = false;
    try {
      shared = isShared(readText(join(repository.path, "config")));
    } catch {
      // unreadable: the directory check below names who cannot read it
    }
    const needs = directoriesOf(repository.path).flatMap((path) => [users.strfry, users.git].map((user) => ({ user, path, want: "rwx" as const })));
    const problem = firstUnmet(needs, accounts, stat) ?? (shared ? undefined : `${repository.name} is not a shared repository (core.sharedRepository), so git creates files only its user can write`);
    if (problem !== undefined) {
      const path = repository.path;
      return fail(
        name,
        problem,
        `as root: git --git-dir ${path} config core.sharedRepository group && chgrp -R ${users.group.name} ${path} && chmod -R g+rwX ${path} && find ${path} -type d -exec chmod g+s {} + (and the same for any other repository doctor names)`,
      );
    }
  }
  return pass(name, `${users.strfry.name} and ${users.git.name} can write all ${repositories.length} repositories (shared with ${users.group.name})`);
}
