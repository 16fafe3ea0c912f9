// GRASP-01: a git server's relay keeps what belongs to the repositories it hosts. An event is
// related when it references an accepted announcement or event (`a`/`A`/`q` coordinates,
// `e`/`E`/`q` ids), or when an accepted event already references it (it arrived late).

import * as kinds from "nostr-tools/kinds";
import type { NostrEvent } from "nostr-tools";
import { coordinateOf, parseCoordinate } from "../nostr/coordinates.js";
import { isHex64 } from "../nostr/event.js";
import type { Rule } from "./rule.js";
import type { ServerView } from "./view.js";
import { accept, unrelated } from "./verdict.js";

/** Kinds admitted by rules of their own rather than by their references. */
const kindsWithTheirOwnAdmission = new Set<number>([kinds.RepositoryAnnouncement, kinds.RepositoryState, kinds.UserGraspList]);

export interface EventReferences {
  ids: string[];
  coordinates: string[];
}

/** The ids and coordinates an event points at, as the tags that count for GRASP-01 name them. */
export function referencesOf(event: Pick<NostrEvent, "tags">): EventReferences {
  const ids = new Set<string>();
  const coordinates = new Set<string>();
  for (const [name, value] of event.tags) {
    if (value === undefined) continue;
    if ((name === "e" || name === "E" || name === "q") && isHex64(value)) ids.add(value);
    if ((name === "a" || name === "A" || name === "q") && parseCoordinate(value) !== undefined) coordinates.add(value);
  }
  return { ids: [...ids], coordinates: [...coordinates] };
}

export function isRelated(event: NostrEvent, view: ServerView): boolean {
  const { ids, coordinates } = referencesOf(event);
  if (ids.some((id) => view.isAcceptedEvent(id))) return true;
  if (coordinates.some((coordinate) => view.isAcceptedCoordinate(coordinate))) return true;
  // A deletion may name what is only held: its author withdrawing it from the purgatory.
  if (event.kind === kinds.EventDeletion) {
    const authorsOwn = (coordinate: string) => parseCoordinate(coordinate)?.pubkey === event.pubkey && view.isHeldCoordinate(coordinate);
    if (ids.some((id) => view.isHeldBy(id, event.pubkey)) || coordinates.some(authorsOwn)) return true;
  }
  if (view.isReferencedByAccepted(event.id)) return true;
  const coordinate = coordinateOf(event);
  return coordinate !== undefined && view.isReferencedByAccepted(coordinate);
}

export function eventIsRelated(): Rule {
  return ({ event, view }) => {
    if (kindsWithTheirOwnAdmission.has(event.kind)) return accept();
    if (isRelated(event, view)) return accept();
    return unrelated(`blocked: kind ${event.kind} event references no repository or event on this server`);
  };
}
