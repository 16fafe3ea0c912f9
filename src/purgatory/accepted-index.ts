// The index of accepted events that the rules read: announcements with their maintainers,
// accepted ids and coordinates, and what accepted events reference. strfry keeps the events
// themselves; this index survives restarts so the policy decides the same after a crash.

import { kinds } from "nostr-tools";
import type { NostrEvent } from "nostr-tools";
import { coordinateOf, isNewerEvent, parseCoordinate } from "../nostr/coordinates.js";
import { isHex64 } from "../nostr/event.js";
import { readAnnouncement } from "../nostr/nip34.js";
import { referencesOf } from "../policy/event-is-related.js";
import type { KnownAnnouncement, ServerView } from "../policy/view.js";
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
  view: ServerView;
  /**
   * Records an accepted event. Returns false when a newer event already holds its
   * coordinate: strfry drops such an event, so the index must not move backwards either.
   */
  recordAccepted(event: NostrEvent, options?: RecordOptions): boolean;
  /** Applies a kind 5 deletion to the index: the author's own events only. */
  applyDeletion(deletion: NostrEvent): void;
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
    deleteAnnouncementUpTo: db.prepare("DELETE FROM announcements WHERE owner = ? AND identifier = ? AND created_at <= ?"),
  };

  const forgetEvent = (id: string) => {
    statements.deleteEvent.run(id);
    statements.deleteReferencesFrom.run(id);
    statements.deleteAnnouncementById.run(id);
  };

  const view: ServerView = {
    announcement: (owner, identifier) => {
      const row = statements.announcement.get(owner, identifier);
      return row === undefined ? undefined : toKnownAnnouncement(row);
    },
    announcementsWithIdentifier: (identifier) => statements.announcementsWithIdentifier.all(identifier).map(toKnownAnnouncement),
    isAcceptedEvent: (id) => statements.acceptedEvent.get(id) !== undefined,
    isAcceptedCoordinate: (coordinate) => statements.atCoordinate.get(coordinate) !== undefined,
    isReferencedByAccepted: (target) => statements.referenced.get(target) !== undefined,
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
    if (event.kind === kinds.RepositoryAnnouncement) {
      const announcement = readAnnouncement(event);
      statements.upsertAnnouncement.run(
        announcement.owner,
        announcement.identifier,
        announcement.id,
        announcement.createdAt,
        JSON.stringify(announcement.maintainers),
        options.listsService ? 1 : 0,
        JSON.stringify(event),
      );
    }
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
    applyDeletion: (deletion) => applyDeletion(deletion),
  };
}
