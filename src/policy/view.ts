// What the rules may know about the server: a read-only view, built by src/purgatory from
// SQLite. Rules receive it as an argument and never open the database themselves.

import type { NostrEvent } from "nostr-tools";

export interface KnownAnnouncement {
  id: string;
  owner: string;
  identifier: string;
  createdAt: number;
  maintainers: readonly string[];
  /** True when it lists this service, so the server hosts a repository for it. */
  listsService: boolean;
}

/** What the server has accepted (src/purgatory/accepted-index.ts). */
export interface AcceptedView {
  /** The newest accepted announcement of this owner for this `d`. */
  announcement(owner: string, identifier: string): KnownAnnouncement | undefined;
  /** Every accepted announcement with this `d`, whoever the owner. */
  announcementsWithIdentifier(identifier: string): KnownAnnouncement[];
  isAcceptedEvent(id: string): boolean;
  /** A replaceable or addressable event is accepted at this `kind:pubkey:d`. */
  isAcceptedCoordinate(coordinate: string): boolean;
  /** Some accepted event references this id or coordinate (a forward reference). */
  isReferencedByAccepted(target: string): boolean;
  /** The newest accepted state event of this author for this `d`. */
  latestAcceptedState(author: string, identifier: string): { id: string; createdAt: number } | undefined;
}

/** What the rules see: the accepted index and the purgatory (src/purgatory/server-view.ts). */
export interface ServerView extends AcceptedView {
  isHeld(id: string): boolean;
  /** This event is held, and `pubkey` wrote it. */
  isHeldBy(id: string, pubkey: string): boolean;
  /** Held events of this author, counted up to `atMost`. */
  heldCountByAuthor(pubkey: string, atMost: number): number;
  /** Held events of repositories with this `d`, whoever wrote them, counted up to `atMost`. */
  heldCountWithIdentifier(identifier: string, atMost: number): number;
  /** Repositories this author's announcements created since `since` (unix seconds). */
  repositoriesCreatedSince(author: string, since: number): number;
  /** The id of the author's kind 5 that deleted this event, if any. */
  deletionOf(event: Pick<NostrEvent, "id" | "kind" | "pubkey" | "tags" | "created_at">): string | undefined;
  /** Some event at this coordinate is held. */
  isHeldCoordinate(coordinate: string): boolean;
}
