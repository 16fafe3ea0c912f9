// GRASP-01: a state is served only when the server has every object it declares, so readers
// never see refs pointing at missing commits. Until then it waits in the purgatory (the
// client still hears OK true and pushes the data next).

import * as kinds from "nostr-tools/kinds";
import { readRepositoryState, repositoryStateProblem, valuesThatAreNotObjects } from "../nostr/repository-state.js";
import type { Rule } from "./rule.js";
import { accept, hold, purgatoryMessage, reject } from "./verdict.js";
import { isNewerEvent } from "../nostr/coordinates.js";

export function stateObjectsExist(): Rule {
  return ({ event, view, git }) => {
    if (event.kind !== kinds.RepositoryState) return accept();
    const state = readRepositoryState(event);
    const problem = repositoryStateProblem(state);
    if (problem !== undefined) return reject(`invalid: state ${problem}`);
    // An older state than the one served is dropped by strfry as replaced; never hold it.
    const latest = view.latestAcceptedState(state.author, state.identifier);
    if (latest !== undefined && !isNewerEvent(event, { id: latest.id, created_at: latest.createdAt })) return accept();
    // A value that is not an object id never arrives: held like any incomplete state, it expires.
    if (valuesThatAreNotObjects(state).length > 0) return hold(purgatoryMessage);
    if (git.repositories.some((repository) => repository.missingObjects.length === 0)) return accept();
    return hold(purgatoryMessage);
  };
}
