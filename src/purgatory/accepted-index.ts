// The index of accepted events that the rules read: announcements with their maintainers,
// accepted ids and coordinates, and what accepted events reference. strfry keeps the events
// themselves; this index survives restarts so the policy decides the same after a crash.

import { kinds } from "nostr-tools";
import type { NostrEvent } from "nostr-tools";
import { coordinateOf, isNewerEvent, parseCoordinate } from "../nostr/coordinates.js";
import { isHex64, tagValue } from "../nostr/event.js";
import { readAnnouncement } from "../nostr/nip34.js";
import { referencesOf } from "../policy/event-is-related.js";
import type { AcceptedView, KnownAnnouncement } from "../policy/view.js";
import { pullRequestKinds } from "../policy/pull-request-tip-exists.js";
import type { Db } from "./database.js";

interface AnnouncementRow {
  id: string;
  owner: string;
  identifier: string;
  created_at: number;
  maintainers: string;
  lists_service: number;
}

function toKnownAnnouncement(row: AnnouncementRow): KnownAnnouncement {
  return {
    id: row.id,
    owner: row.owner,
    identifier: row.identifier,
    createdAt: row.created_at,
    maintainers: JSON.parse(row.maintainers) as string[],
    listsService: row.lists_service === 1,
  };
}

export interface RecordOptions {
  /** For announcements: whether it lists this service (the server hosts its repository). */
  listsService?: boolean;
}

export interface AcceptedIndex {
  view: AcceptedView;
  /**
   * Records an accepted event. Returns false when a newer event already holds its
   * coordinate: strfry drops such an event, so the index must not move backwards either.
   */
  recordAccepted(event: NostrEvent, options?: RecordOptions): boolean;
  /**
   * Records a held announcement where the maintainer graph can see it (it authorises states
   * and pushes for its repository) without making it accepted for references.
   */
  recordHeldAnnouncement(event: NostrEvent, options: RecordOptions): void;
  /** Forgets an announcement that expired in the purgatory. */
  forgetHeldAnnouncement(id: string): void;
  /** Applies a kind 5 deletion to the index: the author's own accepted events only. */
  applyDeletion(deletion: NostrEvent): void;
  /** The tip of an accepted PR or PR update. */
  acceptedPullRequestTip(id: string): string | undefined;
  /** The newest accepted state of this author for this `d`, as JSON. */
  latestAcceptedStateEvent(author: string, identifier: string): NostrEvent | undefined;
}

export function acceptedIndex(db: Db): AcceptedIndex {
  const statements = {
    announcement: db.prepare<[string, string], AnnouncementRow>(
      "SELECT id, owner, identifier, created_at, maintainers, lists_service FROM announcements WHERE owner = ? AND identifier = ?",
    ),
    announcementsWithIdentifier: db.prepare<[string], AnnouncementRow>(
      "SELECT id, owner, identifier, created_at, maintainers, lists_service FROM announcements WHERE identifier = ?",
    ),
    acceptedEvent: db.prepare<[string], { id: string }>("SELECT id FROM accepted_events WHERE id = ?"),
    atCoordinate: db.prepare<[string], { id: string; created_at: number }>(
      "SELECT id, created_at FROM accepted_events WHERE coordinate = ?",
    ),
    referenced: db.prepare<[string], { source_id: string }>("SELECT source_id FROM event_references WHERE target = ? LIMIT 1"),
    insertEvent: db.prepare("INSERT OR IGNORE INTO accepted_events (id, kind, pubkey, created_at, coordinate) VALUES (?, ?, ?, ?, ?)"),
    insertReference: db.prepare("INSERT OR IGNORE INTO event_references (source_id, target) VALUES (?, ?)"),
    upsertAnnouncement: db.prepare(
      `INSERT INTO announcements (owner, identifier, id, created_at, maintainers, lists_service, event_json)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (owner, identifier) DO UPDATE SET id = excluded.id, created_at = excluded.created_at,
         maintainers = excluded.maintainers, lists_service = excluded.lists_service, event_json = excluded.event_json`,
    ),
    deleteEvent: db.prepare("DELETE FROM accepted_events WHERE id = ?"),
    deleteReferencesFrom: db.prepare("DELETE FROM event_references WHERE source_id = ?"),
    authorsEvent: db.prepare<[string, string], { id: string; kind: number; coordinate: string | null }>(
      "SELECT id, kind, coordinate FROM accepted_events WHERE id = ? AND pubkey = ?",
    ),
    authorsEventsAtCoordinate: db.prepare<[string, number], { id: string }>(
      "SELECT id FROM accepted_events WHERE coordinate = ? AND created_at <= ?",
    ),
    deleteAnnouncementById: db.prepare("DELETE FROM announcements WHERE id = ?"),
    deleteAcceptedState: db.prepare("DELETE FROM accepted_states WHERE id = ?"),
    deletePullRequest: db.prepare("DELETE FROM accepted_pull_requests WHERE id = ?"),
    latestState: db.prepare<[string, string], { id: string; created_at: number; event_json: string }>(
      "SELECT id, created_at, event_json FROM accepted_states WHERE author = ? AND identifier = ?",
    ),
    upsertState: db.prepare(
      `INSERT INTO accepted_states (author, identifier, id, created_at, event_json) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (author, identifier) DO UPDATE SET id = excluded.id, created_at = excluded.created_at, event_json = excluded.event_json`,
    ),
    insertPullRequest: db.prepare("INSERT OR IGNORE INTO accepted_pull_requests (id, tip) VALUES (?, ?)"),
    pullRequestTip: db.prepare<[string], { tip: string }>("SELECT tip FROM accepted_pull_requests WHERE id = ?"),
    deleteAnnouncementUpTo: db.prepare("DELETE FROM announcements WHERE owner = ? AND identifier = ? AND created_at <= ?"),
  };

  const forgetEvent = (id: string) => {
    statements.deleteEvent.run(id);
    statements.deleteReferencesFrom.run(id);
    statements.deleteAnnouncementById.run(id);
    statements.deleteAcceptedState.run(id);
    statements.deletePullRequest.run(id);
  };

  const view: AcceptedView = {
    announcement: (owner, identifier) => {
      const row = statements.announcement.get(owner, identifier);
      return row === undefined ? undefined : toKnownAnnouncement(row);
    },
    announcementsWithIdentifier: (identifier) => statements.announcementsWithIdentifier.all(identifier).map(toKnownAnnouncement),
    isAcceptedEvent: (id) => statements.acceptedEvent.get(id) !== undefined,
    isAcceptedCoordinate: (coordinate) => statements.atCoordinate.get(coordinate) !== undefined,
    isReferencedByAccepted: (target) => statements.referenced.get(target) !== undefined,
    latestAcceptedState: (author, identifier) => {
      const row = statements.latestState.get(author, identifier);
      return row === undefined ? undefined : { id: row.id, createdAt: row.created_at };
    },
  };

  const upsertAnnouncement = (event: NostrEvent, listsService: boolean) => {
    const announcement = readAnnouncement(event);
    statements.upsertAnnouncement.run(
      announcement.owner,
      announcement.identifier,
      announcement.id,
      announcement.createdAt,
      JSON.stringify(announcement.maintainers),
      listsService ? 1 : 0,
      JSON.stringify(event),
    );
  };

  const recordAccepted = db.transaction((event: NostrEvent, options: RecordOptions = {}): boolean => {
    const coordinate = coordinateOf(event);
    if (coordinate !== undefined) {
      const current = statements.atCoordinate.all(coordinate);
      if (current.some((row) => row.id === event.id)) return true;
      if (current.some((row) => !isNewerEvent(event, { id: row.id, created_at: row.created_at }))) return false;
      for (const row of current) forgetEvent(row.id);
    }
    statements.insertEvent.run(event.id, event.kind, event.pubkey, event.created_at, coordinate ?? null);
    const { ids, coordinates } = referencesOf(event);
    for (const target of [...ids, ...coordinates]) statements.insertReference.run(event.id, target);
    if (event.kind === kinds.RepositoryAnnouncement) upsertAnnouncement(event, options.listsService ?? false);
    if (event.kind === kinds.RepositoryState) {
      statements.upsertState.run(event.pubkey, tagValue(event, "d") ?? "", event.id, event.created_at, JSON.stringify(event));
    }
    const tip = pullRequestKinds.has(event.kind) ? tagValue(event, "c") : undefined;
    if (tip !== undefined) statements.insertPullRequest.run(event.id, tip);
    return true;
  });

  const applyDeletion = db.transaction((deletion: NostrEvent) => {
    for (const [name, value] of deletion.tags) {
      if (name === "e" && isHex64(value)) {
        if (statements.authorsEvent.get(value, deletion.pubkey) !== undefined) forgetEvent(value);
      }
      const coordinate = name === "a" && value !== undefined ? parseCoordinate(value) : undefined;
      if (coordinate !== undefined && coordinate.pubkey === deletion.pubkey) {
        for (const row of statements.authorsEventsAtCoordinate.all(value!, deletion.created_at)) forgetEvent(row.id);
        if (coordinate.kind === kinds.RepositoryAnnouncement) {
          statements.deleteAnnouncementUpTo.run(coordinate.pubkey, coordinate.identifier, deletion.created_at);
        }
      }
    }
  });

  return {
    view,
    recordAccepted: (event, options) => recordAccepted(event, options),
    recordHeldAnnouncement: (event, options) => {
      const current = statements.announcement.get(event.pubkey, tagValue(event, "d") ?? "");
      if (current !== undefined && !isNewerEvent(event, { id: current.id, created_at: current.created_at })) return;
      upsertAnnouncement(event, options.listsService ?? false);
    },
    forgetHeldAnnouncement: (id) => {
      if (statements.acceptedEvent.get(id) === undefined) statements.deleteAnnouncementById.run(id);
    },
    applyDeletion: (deletion) => applyDeletion(deletion),
    acceptedPullRequestTip: (id) => statements.pullRequestTip.get(id)?.tip,
    latestAcceptedStateEvent: (author, identifier) => {
      const row = statements.latestState.get(author, identifier);
      return row === undefined ? undefined : (JSON.parse(row.event_json) as NostrEvent);
    },
  };
}
