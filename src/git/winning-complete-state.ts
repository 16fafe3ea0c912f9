// The state a repository's refs should follow now: the newest of the latest accepted state
// and the held states newer than it whose objects are all in the repository. Aligning to
// anything older would roll the repository back, even for a moment.

import { isNewerEvent } from "../nostr/coordinates.js";
import type { RepositoryState } from "../nostr/repository-state.js";
import type { RepositoryStates } from "../purgatory/repository-states.js";
import { winningState } from "../policy/winning-state.js";
import type { ObjectChecker } from "./object-checker.js";

export async function winningCompleteState(
  repository: string,
  states: RepositoryStates,
  objects: ObjectChecker,
): Promise<RepositoryState | undefined> {
  const latest = states.latestAccepted;
  const complete: RepositoryState[] = [];
  for (const state of states.heldStates) {
    const newer = latest === undefined || isNewerEvent({ id: state.id, created_at: state.createdAt }, { id: latest.id, created_at: latest.createdAt });
    if (newer && (await objects.missingObjects(repository, state.objects)).length === 0) complete.push(state);
  }
  return winningState(latest === undefined ? complete : [...complete, latest]);
}
