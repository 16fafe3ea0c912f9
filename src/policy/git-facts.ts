// What git says about the repositories an event concerns, gathered by src/plugin before the
// rules run (git is I/O; the rules stay pure and synchronous).

export interface RepositoryFacts {
  /** `<npub>/<d>.git`, relative to the git root. */
  repository: string;
  owner: string;
  /** The repository has at least one branch or tag (it has received data). */
  hasData: boolean;
  /** Of the objects the event needs (a state's declared objects, a PR's tip), those absent here. */
  missingObjects: readonly string[];
  /** For a PR event: where `refs/nostr/<event id>` points, if it exists. */
  nostrRef: string | undefined;
}

export interface GitFacts {
  repositories: readonly RepositoryFacts[];
}

export const noGitFacts: GitFacts = { repositories: [] };
