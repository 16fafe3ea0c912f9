// The view the rules read: the accepted index, the purgatory and the remembered deletions, as
// one read-only object. Held announcements count for the maintainer graph (they authorise
// states and pushes for their repository) but are kept apart from accepted ones: a held
// replacement expiring or being withdrawn never hides the accepted announcement strfry serves.

import { isNewerEvent } from "../nostr/coordinates.js";
import type { KnownAnnouncement, ServerView } from "../policy/view.js";
import type { AcceptedIndex } from "./accepted-index.js";
import type { Deletions } from "./deletions.js";
import type { Purgatory } from "./held-events.js";

const newer = (a: KnownAnnouncement, b: KnownAnnouncement) => isNewerEvent({ id: a.id, created_at: a.createdAt }, { id: b.id, created_at: b.createdAt });

/** The newest announcement per owner among accepted and held ones. */
function newestPerOwner(announcements: readonly KnownAnnouncement[]): KnownAnnouncement[] {
  const byOwner = new Map<string, KnownAnnouncement>();
  for (const announcement of announcements) {
    const current = byOwner.get(announcement.owner);
    if (current === undefined || newer(announcement, current)) byOwner.set(announcement.owner, announcement);
  }
  return [...byOwner.values()];
}

export function serverView(index: AcceptedIndex, purgatory: Purgatory, deleted: Deletions): ServerView {
  return {
    ...index.view,
    announcement: (owner, identifier) => {
      const accepted = index.view.announcement(owner, identifier);
      const held = purgatory.heldAnnouncements(identifier).filter((announcement) => announcement.owner === owner);
      return newestPerOwner(accepted === undefined ? held : [accepted, ...held])[0];
    },
    announcementsWithIdentifier: (identifier) =>
      newestPerOwner([...index.view.announcementsWithIdentifier(identifier), ...purgatory.heldAnnouncements(identifier)]),
    isHeld: purgatory.isHeld,
    isHeldBy: purgatory.isHeldBy,
    heldCountByAuthor: purgatory.heldCountByAuthor,
    heldCountWithIdentifier: purgatory.heldCountWithIdentifier,
    repositoriesCreatedSince: purgatory.repositoriesCreatedSince,
    isHeldCoordinate: purgatory.isHeldCoordinate,
    deletionOf: deleted.deletionOf,
  };
}

/**
 * The announcement look-ups of `view`, remembered for one decision: the maintainer graph is
 * read by several rules and by the git facts of the same event, and each read parses rows.
 */
export function viewForOneDecision(view: ServerView): ServerView {
  const byIdentifier = new Map<string, KnownAnnouncement[]>();
  const announcementsWithIdentifier = (identifier: string) => {
    let found = byIdentifier.get(identifier);
    if (found === undefined) byIdentifier.set(identifier, (found = view.announcementsWithIdentifier(identifier)));
    return found;
  };
  return {
    ...view,
    announcementsWithIdentifier,
    announcement: (owner, identifier) => announcementsWithIdentifier(identifier).find((announcement) => announcement.owner === owner),
  };
}
