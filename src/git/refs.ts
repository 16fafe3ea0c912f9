// Reading and changing refs of a hosted repository. Several ref changes go through one
// `git update-ref --stdin` transaction, so a repository is never left half-aligned.

import { runGit } from "./run.js";

/** Every ref under the given prefixes with the object it points at. */
export async function readRefs(repository: string, prefixes: readonly string[] = ["refs/"]): Promise<Map<string, string>> {
  const { stdout } = await runGit(["for-each-ref", "--format=%(objectname) %(refname)", ...prefixes], { cwd: repository });
  const refs = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const space = line.indexOf(" ");
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  }
  return refs;
}

export async function readBranchesAndTags(repository: string): Promise<Map<string, string>> {
  return readRefs(repository, ["refs/heads/", "refs/tags/"]);
}

export async function readRef(repository: string, ref: string): Promise<string | undefined> {
  const { stdout, exitCode } = await runGit(["rev-parse", "--verify", "--quiet", `${ref}^{object}`], {
    cwd: repository,
    allowedExitCodes: [1],
  });
  return exitCode === 0 ? stdout.trim() : undefined;
}

export interface RefChange {
  ref: string;
  /** The new object, or undefined to delete the ref. */
  oid: string | undefined;
  /** Change the ref only while it points at this object (`noRef`: only while it does not exist). */
  expected?: string;
}

/** As `expected`: the ref must not exist yet. */
export const noRef = "0".repeat(40);

export async function updateRefs(repository: string, changes: readonly RefChange[]): Promise<void> {
  if (changes.length === 0) return;
  const commands = changes.map(({ ref, oid, expected }) => {
    const old = expected === undefined ? "" : ` ${expected}`;
    return oid === undefined ? `delete ${ref}${old}` : `update ${ref} ${oid}${old}`;
  });
  await runGit(["update-ref", "--stdin"], { cwd: repository, input: ["start", ...commands, "prepare", "commit", ""].join("\n") });
}

export async function setHead(repository: string, branch: string): Promise<void> {
  await runGit(["symbolic-ref", "HEAD", branch], { cwd: repository });
}

export async function readHead(repository: string): Promise<string | undefined> {
  const { stdout, exitCode } = await runGit(["symbolic-ref", "--quiet", "HEAD"], { cwd: repository, allowedExitCodes: [1] });
  return exitCode === 0 ? stdout.trim() : undefined;
}
