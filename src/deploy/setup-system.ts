// The system side of a deployment: the group both users share, the two users, and the
// directories with the owners and modes that make the two-user model work. Planned as steps
// from what exists (so that running it again changes nothing), each a shell command the
// operator can read, run by `deploy --setup` and `stack start` or printed for the operator.

import { spawnSync } from "node:child_process";
import { ExitCode, GraspError } from "../errors.js";
import { findGroup, findUser, readAccounts } from "./accounts.js";
import type { Accounts } from "./accounts.js";
import type { Deployment } from "./deployment.js";
import type { Ownership } from "./permissions.js";

export type SetupStep =
  | { kind: "group"; name: string }
  | { kind: "user"; name: string; group: string; home: string }
  | { kind: "join"; user: string; group: string }
  | { kind: "directory"; path: string; owner: string; group: string; mode: number };

export interface DirectorySpec {
  path: string;
  owner: string;
  group: string;
  mode: number;
}

/**
 * Who owns what. Directories are setgid so that what either user creates belongs to the
 * shared group; the git root is readable by others because nginx tests for a repository's
 * directory before it passes a request on; the store and strfry's database are not.
 */
export function deploymentDirectories(deployment: Deployment, options: { stack: boolean }): DirectorySpec[] {
  const { paths, strfryUser, group } = deployment;
  const shared = (path: string, mode: number): DirectorySpec => ({ path, owner: strfryUser, group, mode });
  const root = (path: string): DirectorySpec => ({ path, owner: "root", group: "root", mode: 0o755 });
  return [
    shared(paths.stateDir, 0o2775),
    shared(paths.gitRoot, 0o2775),
    shared(paths.dataDir, 0o2770),
    shared(paths.strfryDbDir, 0o2770),
    shared(`${paths.stateDir}/metrics`, 0o2775),
    root(paths.acmeDir),
    ...(options.stack
      ? [
          root(paths.nginxLogDir),
          root(paths.logDir),
          root(`${deployment.prefix}/run`),
          root(paths.stackDir),
          { path: `${paths.stackDir}/nginx-temp`, owner: deployment.nginxUser, group: deployment.nginxGroup, mode: 0o700 },
        ]
      : []),
  ];
}

export function planSetup(
  deployment: Deployment,
  accounts: Accounts,
  directoryOf: (path: string) => Ownership | undefined,
  options: { stack: boolean },
): SetupStep[] {
  const steps: SetupStep[] = [];
  const group = findGroup(accounts, deployment.group);
  if (group === undefined) steps.push({ kind: "group", name: deployment.group });
  for (const name of [deployment.strfryUser, deployment.gitUser]) {
    const user = findUser(accounts, name);
    if (user === undefined) steps.push({ kind: "user", name, group: deployment.group, home: deployment.paths.stateDir });
    else if (group === undefined || (user.gid !== group.gid && !group.members.includes(name))) steps.push({ kind: "join", user: name, group: deployment.group });
  }
  const gids = new Map(accounts.groups.map((candidate) => [candidate.name, candidate.gid]));
  const uids = new Map(accounts.users.map((candidate) => [candidate.name, candidate.uid]));
  for (const spec of deploymentDirectories(deployment, options)) {
    const current = directoryOf(spec.path);
    // A directory made inside a setgid one inherits the setgid bit; only a wanted one counts.
    const setgid = 0o2000;
    const right =
      current !== undefined &&
      current.uid === uids.get(spec.owner) &&
      current.gid === gids.get(spec.group) &&
      (current.mode & 0o777) === (spec.mode & 0o777) &&
      ((spec.mode & setgid) === 0 || (current.mode & setgid) !== 0);
    if (!right) steps.push({ kind: "directory", ...spec });
  }
  return steps;
}

/** The step as the command that does it, with its arguments. */
export function commandOf(step: SetupStep): string[] {
  switch (step.kind) {
    case "group":
      return ["groupadd", "--system", step.name];
    case "user":
      return ["useradd", "--system", "--gid", step.group, "--home-dir", step.home, "--no-create-home", "--shell", "/usr/sbin/nologin", step.name];
    case "join":
      return ["usermod", "--append", "--groups", step.group, step.user];
    case "directory":
      return ["install", "-d", "-o", step.owner, "-g", step.group, "-m", step.mode.toString(8), step.path];
  }
}

export const formatCommand = (argv: readonly string[]) => argv.join(" ");

/** The account a step creates exists now (another setup, run at the same time, made it). */
function madeMeanwhile(step: SetupStep): boolean {
  const accounts = readAccounts();
  if (step.kind === "group") return findGroup(accounts, step.name) !== undefined;
  if (step.kind === "user") return findUser(accounts, step.name) !== undefined;
  return false;
}

/** Runs the steps in order (as root); the first failure stops with its command and output. */
export function runSetup(steps: readonly SetupStep[]): void {
  for (const step of steps) {
    const [program, ...args] = commandOf(step);
    for (let attempt = 1; ; attempt += 1) {
      const result = spawnSync(program!, args, { encoding: "utf8" });
      if (result.error === undefined && result.status === 0) break;
      const output = `${result.stderr ?? ""}${result.error?.message ?? ""}`.trim();
      if (madeMeanwhile(step)) break;
      // useradd and groupadd refuse while another one holds /etc/passwd's lock.
      if (/cannot lock/i.test(output) && attempt < 20) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
        continue;
      }
      throw new GraspError(`${formatCommand(commandOf(step))} failed: ${output || `exit ${result.status}`}`, ExitCode.failure);
    }
  }
}

export function requireUser(accounts: Accounts, name: string, flag: string): void {
  if (findUser(accounts, name) === undefined) {
    throw new GraspError(`the user ${name} does not exist: install nginx (it brings www-data) or give ${flag} <user>`, ExitCode.config);
  }
}
