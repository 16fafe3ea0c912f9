// Which state a repository follows, and what changing its refs to match would take.
// The winner among states is the newest created_at, ties to the lowest id (strfry's rule).

import { isNewerEvent } from "../nostr/coordinates.js";
import type { RepositoryState } from "../nostr/repository-state.js";

export function winningState(states: readonly RepositoryState[]): RepositoryState | undefined {
  let winner: RepositoryState | undefined;
  for (const state of states) {
    if (winner === undefined || isNewerEvent({ id: state.id, created_at: state.createdAt }, { id: winner.id, created_at: winner.createdAt })) {
      winner = state;
    }
  }
  return winner;
}

export interface RefAlignment {
  changes: { ref: string; oid: string | undefined }[];
  /** Declared refs left alone because their object is not in the repository. */
  skipped: string[];
}

/**
 * The ref changes that make `current` (branches and tags) match `state`: declared refs whose
 * object exists are set, branches and tags the state does not declare are removed.
 */
export function refAlignment(
  current: ReadonlyMap<string, string>,
  state: RepositoryState,
  missingObjects: ReadonlySet<string>,
): RefAlignment {
  const changes: RefAlignment["changes"] = [];
  const skipped: string[] = [];
  for (const [ref, oid] of state.refs) {
    if (missingObjects.has(oid)) skipped.push(ref);
    else if (current.get(ref) !== oid) changes.push({ ref, oid });
  }
  for (const ref of current.keys()) {
    if (!state.refs.has(ref)) changes.push({ ref, oid: undefined });
  }
  return { changes, skipped };
}
