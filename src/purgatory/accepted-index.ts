// The index of accepted events that the rules read: announcements with their maintainers,
// states, PR tips, accepted ids and coordinates, and what accepted events reference.
// strfry's store is the truth. A row is `stored` once strfry is seen to have the event (the
// follower, a look-up by id, or reindex); before that it is provisional: the policy answered
// accept, and at `check_at` strfry is asked, and a row strfry never stored is forgotten.
// Several rows may share a coordinate (a provisional newer one beside the stored older one);
// readers take the newest, and an older one goes only when strfry stores a newer one.

import * as kinds from "nostr-tools/kinds";
import type { NostrEvent } from "nostr-tools";
import { coordinateOf, isNewerEvent, parseCoordinate } from "../nostr/coordinates.js";
import { isHex64, tagValue } from "../nostr/event.js";
import { readAnnouncement } from "../nostr/nip34.js";
import { referencesOf } from "../policy/event-is-related.js";
import type { AcceptedView, KnownAnnouncement } from "../policy/view.js";
import { pullRequestKinds } from "../policy/pull-request-tip-exists.js";
import { answeredEvents } from "./answered-events.js";
import type { Db } from "./database.js";
import { writeTransaction } from "./database.js";

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

/** Rows are ordered newest first: strfry's rule for replaceable events. */
function newestFirst<T extends { id: string; created_at: number }>(rows: T[]): T[] {
  return rows.sort((a, b) => (isNewerEvent(a, b) ? -1 : isNewerEvent(b, a) ? 1 : 0));
}

export interface RecordOptions {
  /** For announcements: whether it lists this service (the server hosts its repository). */
  listsService?: boolean;
}

export interface IndexCounts {
  stored: number;
  provisional: number;
}

export interface AcceptedIndex {
  view: AcceptedView;
  /**
   * The policy answered accept; strfry may still refuse it. Returns false when strfry
   * already stores a newer event at its coordinate (strfry drops this one as replaced).
   */
  recordProvisional(event: NostrEvent, checkAt: number, options?: RecordOptions): boolean;
  /**
   * The policy answered accept for a regular event that changes nothing but this index: the
   * rules see it at once, from memory, and it is recorded when strfry is seen to store it.
   * Returns false (record it provisionally instead) for other events or when too many wait.
   */
  noteAnswered(event: NostrEvent, until: number): boolean;
  /**
   * strfry has the event: record it (if new) as stored; older events at its coordinate go.
   * Returns false when a newer stored event holds its coordinate (this one was replaced meanwhile).
   */
  recordStored(event: NostrEvent, options?: RecordOptions): boolean;
  isStored(id: string): boolean;
  isIndexed(id: string): boolean;
  /** Provisional ids whose look-up in strfry is due. */
  dueForCheck(now: number, limit: number): string[];
  postponeCheck(ids: readonly string[], checkAt: number): void;
  /** Forgets an event: strfry never stored it, or it was deleted. */
  forget(id: string): void;
  /** Applies a kind 5 deletion: the author's own events it names, by id or by coordinate up to its created_at. */
  applyDeletion(deletion: NostrEvent): void;
  /** The tip of an accepted PR or PR update. */
  acceptedPullRequestTip(id: string): string | undefined;
  /** The newest accepted state of this author for this `d`, as JSON. */
  latestAcceptedStateEvent(author: string, identifier: string): NostrEvent | undefined;
  /** Ids of stored events of these kinds (every kind when empty). */
  storedIds(kindsToList: readonly number[]): string[];
  counts(): IndexCounts;
}

/** Kinds the index only lists: nothing else on the server depends on them. */
const onlyListedKinds = (kind: number) =>
  kinds.isRegularKind(kind) && kind !== kinds.EventDeletion && kind !== kinds.RepositoryAnnouncement && !pullRequestKinds.has(kind);

/** Enough for a burst of answers while the follower is cut off for the grace period; beyond it, rows. */
const answeredCapacity = 10_000;

export function acceptedIndex(db: Db): AcceptedIndex {
  const answered = answeredEvents(answeredCapacity);
  const announcementColumns = "id, owner, identifier, created_at, maintainers, lists_service";
  const statements = {
    announcements: db.prepare<[string, string], AnnouncementRow>(
      `SELECT ${announcementColumns} FROM accepted_announcements WHERE owner = ? AND identifier = ?`,
    ),
    announcementsWithIdentifier: db.prepare<[string], AnnouncementRow>(
      `SELECT ${announcementColumns} FROM accepted_announcements WHERE identifier = ?`,
    ),
    indexedEvent: db.prepare<[string], { id: string; stored: number }>("SELECT id, stored FROM accepted_events WHERE id = ?"),
    atCoordinate: db.prepare<[string], { id: string; created_at: number; stored: number }>(
      "SELECT id, created_at, stored FROM accepted_events WHERE coordinate = ?",
    ),
    referenced: db.prepare<[string], { source_id: string }>("SELECT source_id FROM event_references WHERE target = ? LIMIT 1"),
    insertEvent: db.prepare(
      "INSERT OR IGNORE INTO accepted_events (id, kind, pubkey, created_at, coordinate, stored, check_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ),
    markStored: db.prepare("UPDATE accepted_events SET stored = 1, check_at = NULL WHERE id = ?"),
    insertReference: db.prepare("INSERT OR IGNORE INTO event_references (source_id, target) VALUES (?, ?)"),
    insertAnnouncement: db.prepare(
      `INSERT OR IGNORE INTO accepted_announcements (id, owner, identifier, created_at, maintainers, lists_service, event_json)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertState: db.prepare("INSERT OR IGNORE INTO accepted_state_events (id, author, identifier, created_at, event_json) VALUES (?, ?, ?, ?, ?)"),
    insertPullRequest: db.prepare("INSERT OR IGNORE INTO accepted_pull_requests (id, tip) VALUES (?, ?)"),
    deleteEvent: db.prepare("DELETE FROM accepted_events WHERE id = ?"),
    deleteReferencesFrom: db.prepare("DELETE FROM event_references WHERE source_id = ?"),
    deleteAnnouncement: db.prepare("DELETE FROM accepted_announcements WHERE id = ?"),
    deleteState: db.prepare("DELETE FROM accepted_state_events WHERE id = ?"),
    deletePullRequest: db.prepare("DELETE FROM accepted_pull_requests WHERE id = ?"),
    authorsEvent: db.prepare<[string, string], { id: string }>("SELECT id FROM accepted_events WHERE id = ? AND pubkey = ?"),
    authorsEventsAtCoordinate: db.prepare<[string, number], { id: string }>(
      "SELECT id FROM accepted_events WHERE coordinate = ? AND created_at <= ?",
    ),
    states: db.prepare<[string, string], { id: string; created_at: number; event_json: string }>(
      "SELECT id, created_at, event_json FROM accepted_state_events WHERE author = ? AND identifier = ?",
    ),
    pullRequestTip: db.prepare<[string], { tip: string }>("SELECT tip FROM accepted_pull_requests WHERE id = ?"),
    dueForCheck: db.prepare<[number, number], { id: string }>(
      "SELECT id FROM accepted_events WHERE stored = 0 AND check_at <= ? ORDER BY check_at LIMIT ?",
    ),
    postponeCheck: db.prepare("UPDATE accepted_events SET check_at = ? WHERE id = ? AND stored = 0"),
    counts: db.prepare<[], { stored: number; provisional: number }>(
      "SELECT COALESCE(SUM(stored), 0) AS stored, COALESCE(SUM(1 - stored), 0) AS provisional FROM accepted_events",
    ),
  };

  const forget = (id: string) => {
    answered.remove(id);
    statements.deleteEvent.run(id);
    statements.deleteReferencesFrom.run(id);
    statements.deleteAnnouncement.run(id);
    statements.deleteState.run(id);
    statements.deletePullRequest.run(id);
  };

  const view: AcceptedView = {
    announcement: (owner, identifier) => {
      const [newest] = newestFirst(statements.announcements.all(owner, identifier));
      return newest === undefined ? undefined : toKnownAnnouncement(newest);
    },
    announcementsWithIdentifier: (identifier) => {
      const newestByOwner = new Map<string, AnnouncementRow>();
      for (const row of newestFirst(statements.announcementsWithIdentifier.all(identifier))) {
        if (!newestByOwner.has(row.owner)) newestByOwner.set(row.owner, row);
      }
      return [...newestByOwner.values()].map(toKnownAnnouncement);
    },
    isAcceptedEvent: (id) => answered.hasEvent(id) || statements.indexedEvent.get(id) !== undefined,
    isAcceptedCoordinate: (coordinate) => statements.atCoordinate.get(coordinate) !== undefined,
    isReferencedByAccepted: (target) => answered.references(target) || statements.referenced.get(target) !== undefined,
    latestAcceptedState: (author, identifier) => {
      const [newest] = newestFirst(statements.states.all(author, identifier));
      return newest === undefined ? undefined : { id: newest.id, createdAt: newest.created_at };
    },
  };

  const insert = (event: NostrEvent, stored: boolean, checkAt: number | null, options: RecordOptions) => {
    const coordinate = coordinateOf(event);
    statements.insertEvent.run(event.id, event.kind, event.pubkey, event.created_at, coordinate ?? null, stored ? 1 : 0, checkAt);
    const { ids, coordinates } = referencesOf(event);
    for (const target of [...ids, ...coordinates]) statements.insertReference.run(event.id, target);
    if (event.kind === kinds.RepositoryAnnouncement) {
      const announcement = readAnnouncement(event);
      statements.insertAnnouncement.run(
        announcement.id,
        announcement.owner,
        announcement.identifier,
        announcement.createdAt,
        JSON.stringify(announcement.maintainers),
        options.listsService === true ? 1 : 0,
        JSON.stringify(event),
      );
    }
    if (event.kind === kinds.RepositoryState) {
      statements.insertState.run(event.id, event.pubkey, tagValue(event, "d") ?? "", event.created_at, JSON.stringify(event));
    }
    const tip = pullRequestKinds.has(event.kind) ? tagValue(event, "c") : undefined;
    if (tip !== undefined) statements.insertPullRequest.run(event.id, tip);
  };

  const recordProvisional = writeTransaction(db, (event: NostrEvent, checkAt: number, options: RecordOptions = {}): boolean => {
    if (statements.indexedEvent.get(event.id) !== undefined) return true;
    const coordinate = coordinateOf(event);
    if (coordinate !== undefined) {
      const storedNewer = statements.atCoordinate.all(coordinate).some((row) => row.stored === 1 && !isNewerEvent(event, row));
      if (storedNewer) return false;
    }
    insert(event, false, checkAt, options);
    return true;
  });

  const recordStored = writeTransaction(db, (event: NostrEvent, options: RecordOptions = {}): boolean => {
    const coordinate = coordinateOf(event);
    if (coordinate !== undefined) {
      const rows = statements.atCoordinate.all(coordinate);
      // strfry keeps one event per coordinate: a newer stored one means this one was replaced meanwhile.
      if (rows.some((row) => row.id !== event.id && row.stored === 1 && isNewerEvent(row, event))) {
        forget(event.id);
        return false;
      }
      for (const row of rows) if (row.id !== event.id && isNewerEvent(event, row)) forget(row.id);
    }
    if (statements.indexedEvent.get(event.id) === undefined) insert(event, true, null, options);
    else statements.markStored.run(event.id);
    answered.remove(event.id);
    return true;
  });

  const applyDeletion = writeTransaction(db, (deletion: NostrEvent) => {
    for (const [name, value] of deletion.tags) {
      if (name === "e" && isHex64(value)) {
        if (answered.isBy(value, deletion.pubkey) || statements.authorsEvent.get(value, deletion.pubkey) !== undefined) forget(value);
      }
      const coordinate = name === "a" && value !== undefined ? parseCoordinate(value) : undefined;
      if (coordinate !== undefined && coordinate.pubkey === deletion.pubkey) {
        for (const row of statements.authorsEventsAtCoordinate.all(value!, deletion.created_at)) forget(row.id);
      }
    }
  });

  const postponeCheck = writeTransaction(db, (ids: readonly string[], checkAt: number) => {
    for (const id of ids) statements.postponeCheck.run(checkAt, id);
  });

  const forgetOne = writeTransaction(db, (id: string) => forget(id));

  return {
    view,
    recordProvisional: (event, checkAt, options) => recordProvisional(event, checkAt, options),
    noteAnswered: (event, until) => onlyListedKinds(event.kind) && answered.add(event, until),
    recordStored: (event, options) => recordStored(event, options),
    isStored: (id) => statements.indexedEvent.get(id)?.stored === 1,
    isIndexed: (id) => statements.indexedEvent.get(id) !== undefined,
    dueForCheck: (now, limit) => statements.dueForCheck.all(now, limit).map((row) => row.id),
    postponeCheck: (ids, checkAt) => postponeCheck(ids, checkAt),
    forget: (id) => forgetOne(id),
    applyDeletion: (deletion) => applyDeletion(deletion),
    acceptedPullRequestTip: (id) => statements.pullRequestTip.get(id)?.tip,
    latestAcceptedStateEvent: (author, identifier) => {
      const [newest] = newestFirst(statements.states.all(author, identifier));
      return newest === undefined ? undefined : (JSON.parse(newest.event_json) as NostrEvent);
    },
    storedIds: (kindsToList) => {
      const ofKinds = kindsToList.length === 0 ? "" : ` AND kind IN (${kindsToList.map(() => "?").join(", ")})`;
      return db
        .prepare<number[], { id: string }>(`SELECT id FROM accepted_events WHERE stored = 1${ofKinds}`)
        .all(...kindsToList)
        .map((row) => row.id);
    },
    counts: () => statements.counts.get()!,
  };
}
