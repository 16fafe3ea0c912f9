// Test helper: an in-memory ServerView built from plain lists, so that each rule can be tested
// on exactly the server contents a case needs. A fixture, not a copy of the SQLite index.

import type { NostrEvent } from "nostr-tools";
import { readAnnouncement } from "../nostr/nip34.js";
import { noGitFacts } from "./git-facts.js";
import type { RuleInput } from "./rule.js";
import type { KnownAnnouncement, ServerView } from "./view.js";

export interface TestViewContents {
  announcements?: readonly KnownAnnouncement[];
  acceptedIds?: readonly string[];
  coordinates?: readonly string[];
  /** Ids and coordinates that some accepted event references. */
  references?: readonly string[];
  /** Events held in the purgatory. */
  held?: readonly { id: string; coordinate?: string; pubkey?: string }[];
  /** The newest accepted state per author and `d`. */
  states?: readonly { author: string; identifier: string; id: string; createdAt: number }[];
  /** What the purgatory holds, counted, for the limits. */
  heldCounts?: { byAuthor?: Record<string, number>; byIdentifier?: Record<string, number>; repositoriesCreated?: Record<string, number> };
  /** Event id → the id of the author's deletion that covers it. */
  deleted?: ReadonlyMap<string, string>;
}

export function testView(contents: TestViewContents = {}): ServerView {
  const announcements = contents.announcements ?? [];
  const acceptedIds = new Set(contents.acceptedIds ?? []);
  const coordinates = new Set(contents.coordinates ?? []);
  const references = new Set(contents.references ?? []);
  const held = contents.held ?? [];
  const states = contents.states ?? [];
  return {
    announcement: (owner, identifier) =>
      announcements.find((known) => known.owner === owner && known.identifier === identifier),
    announcementsWithIdentifier: (identifier) => announcements.filter((known) => known.identifier === identifier),
    isAcceptedEvent: (id) => acceptedIds.has(id),
    isAcceptedCoordinate: (coordinate) => coordinates.has(coordinate),
    isReferencedByAccepted: (target) => references.has(target),
    latestAcceptedState: (author, identifier) => {
      const state = states.find((known) => known.author === author && known.identifier === identifier);
      return state === undefined ? undefined : { id: state.id, createdAt: state.createdAt };
    },
    isHeld: (id) => held.some((entry) => entry.id === id),
    heldCountByAuthor: (pubkey, atMost) => Math.min(atMost, contents.heldCounts?.byAuthor?.[pubkey] ?? 0),
    heldCountWithIdentifier: (identifier, atMost) => Math.min(atMost, contents.heldCounts?.byIdentifier?.[identifier] ?? 0),
    repositoriesCreatedSince: (author) => contents.heldCounts?.repositoriesCreated?.[author] ?? 0,
    isHeldBy: (id, pubkey) => held.some((entry) => entry.id === id && (entry.pubkey === undefined || entry.pubkey === pubkey)),
    isHeldCoordinate: (coordinate) => held.some((entry) => entry.coordinate === coordinate),
    deletionOf: (event) => contents.deleted?.get(event.id),
  };
}

/** What the index would know about this signed announcement. */
export function known(event: NostrEvent, listsService = true): KnownAnnouncement {
  const { id, owner, identifier, createdAt, maintainers } = readAnnouncement(event);
  return { id, owner, identifier, createdAt, maintainers, listsService };
}

/** A known announcement without an event behind it, for graph-only tests. */
export function knownAnnouncement(owner: string, identifier: string, maintainers: readonly string[] = [], listsService = true): KnownAnnouncement {
  return { id: "0".repeat(64), owner, identifier, createdAt: 1, maintainers, listsService };
}

/** A rule's input with no git facts (the rules of this test do not look at git). */
export function ruleInput(event: NostrEvent, view: ServerView = testView(), now = 0): RuleInput {
  return { event, source: { type: "IP4", authed: undefined }, view, now, git: noGitFacts };
}
