// Where a repository lives: `<git root>/<owner npub>/<d>.git`. The identifier is checked as a
// single safe segment and the result is re-checked to be inside the git root, so no event
// can make us touch a path outside it.

import { isAbsolute, relative, resolve, sep } from "node:path";
import { GraspError } from "../errors.js";
import { npubOf, pubkeyOfNpub, repositoryIdentifierProblem } from "../nostr/nip34.js";

export class UnsafeRepositoryPathError extends GraspError {}

export function repositoryPath(gitRoot: string, owner: string, identifier: string): string {
  const problem = repositoryIdentifierProblem(identifier);
  if (problem !== undefined) throw new UnsafeRepositoryPathError(`repository identifier ${problem}`);
  const root = resolve(gitRoot);
  const path = resolve(root, npubOf(owner), `${identifier}.git`);
  assertInsideGitRoot(root, path);
  return path;
}

export function assertInsideGitRoot(gitRoot: string, path: string): void {
  const fromRoot = relative(resolve(gitRoot), resolve(path));
  if (fromRoot === "" || fromRoot.startsWith(`..${sep}`) || fromRoot === ".." || isAbsolute(fromRoot)) {
    throw new UnsafeRepositoryPathError(`refusing ${path}: it is not inside the git root ${gitRoot}`);
  }
}

/** `<npub>/<d>.git`: how a repository is named relative to the git root (and in URLs, decoded). */
export function repositoryName(owner: string, identifier: string): string {
  return `${npubOf(owner)}/${identifier}.git`;
}

/** The owner and `d` of a repository directory under the git root, or undefined if it is not one. */
export function repositoryOfPath(gitRoot: string, path: string): { owner: string; identifier: string } | undefined {
  const fromRoot = relative(resolve(gitRoot), resolve(path));
  const segments = fromRoot.split(sep);
  if (segments.length !== 2 || !segments[1]!.endsWith(".git")) return undefined;
  const owner = pubkeyOfNpub(segments[0]!);
  const identifier = segments[1]!.slice(0, -".git".length);
  if (owner === undefined || repositoryIdentifierProblem(identifier) !== undefined) return undefined;
  return { owner, identifier };
}
