// The state events that can govern one repository: those of its owner's maintainer set,
// held ones and the newest accepted one. Read by the hooks and by the policy's alignment.

import * as kinds from "nostr-tools/kinds";
import { readRepositoryState } from "../nostr/repository-state.js";
import type { RepositoryState } from "../nostr/repository-state.js";
import { maintainerSet } from "../policy/maintainers.js";
import { winningState } from "../policy/winning-state.js";
import type { AcceptedView } from "../policy/view.js";
import type { AcceptedIndex } from "./accepted-index.js";
import type { Purgatory } from "./held-events.js";

export interface RepositoryStates {
  /** Held states by members of the owner's maintainer set. */
  heldStates: RepositoryState[];
  /** The newest accepted state by a member of the owner's maintainer set. */
  latestAccepted: RepositoryState | undefined;
}

/** `view` sees accepted and held announcements (src/purgatory/server-view.ts). */
export function repositoryStates(
  view: Pick<AcceptedView, "announcement">,
  index: AcceptedIndex,
  purgatory: Purgatory,
  owner: string,
  identifier: string,
): RepositoryStates {
  const maintainers = maintainerSet(owner, (pubkey) => view.announcement(pubkey, identifier));
  const heldStates = purgatory
    .heldWithIdentifier(identifier)
    .filter(({ event }) => event.kind === kinds.RepositoryState && maintainers.has(event.pubkey))
    .map(({ event }) => readRepositoryState(event));
  const accepted = [...maintainers]
    .map((pubkey) => index.latestAcceptedStateEvent(pubkey, identifier))
    .filter((event) => event !== undefined)
    .map(readRepositoryState);
  return { heldStates, latestAccepted: winningState(accepted) };
}
