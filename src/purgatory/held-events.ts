// The purgatory proper: events acknowledged but not yet served, and placeholders left by git
// data that arrived before its PR event. Each write is its own transaction and commits before
// the policy answers, so the pre-receive hook that runs a moment later sees it.

import * as kinds from "nostr-tools/kinds";
import type { NostrEvent } from "nostr-tools";
import { coordinateOf, parseCoordinate } from "../nostr/coordinates.js";
import { isHex64, tagValue } from "../nostr/event.js";
import { readAnnouncement, repositoryIdentifierOf } from "../nostr/nip34.js";
import type { KnownAnnouncement } from "../policy/view.js";
import type { Db } from "./database.js";
import { writeTransaction } from "./database.js";

export interface HeldEvent {
  event: NostrEvent;
  arrivedAt: number;
  expiresAt: number;
}

export interface Placeholder {
  eventId: string;
  /** `<npub>/<d>.git`, relative to the git root. */
  repository: string;
  tip: string;
  arrivedAt: number;
  expiresAt: number;
}

export type HistoryEntry = "held" | "duplicate" | "released" | "release-failed" | "expired" | "dropped" | "deleted" | "placeholder" | "limited";

interface HeldRow {
  event_json: string;
  arrived_at: number;
  expires_at: number;
}

interface PlaceholderRow {
  event_id: string;
  repository: string;
  tip: string;
  arrived_at: number;
  expires_at: number;
}

const toHeld = (row: HeldRow): HeldEvent => ({
  event: JSON.parse(row.event_json) as NostrEvent,
  arrivedAt: row.arrived_at,
  expiresAt: row.expires_at,
});

const toPlaceholder = (row: PlaceholderRow): Placeholder => ({
  eventId: row.event_id,
  repository: row.repository,
  tip: row.tip,
  arrivedAt: row.arrived_at,
  expiresAt: row.expires_at,
});

export interface Purgatory {
  /** Holds an event; false when it is already held (its expiry is then left as it was). */
  hold(event: NostrEvent, now: number, ttlSeconds: number): boolean;
  isHeld(id: string): boolean;
  isHeldBy(id: string, pubkey: string): boolean;
  /** Held events of this author, counted up to `atMost` (a limit needs no more, and counting stays bounded). */
  heldCountByAuthor(pubkey: string, atMost: number): number;
  heldCountWithIdentifier(identifier: string, atMost: number): number;
  /** The policy created this author's repository (for the per-hour limit). */
  recordRepositoryCreation(author: string, repository: string, now: number): void;
  repositoriesCreatedSince(author: string, since: number): number;
  isHeldCoordinate(coordinate: string): boolean;
  heldEvent(id: string): HeldEvent | undefined;
  /** Held announcements, states and PRs of repositories with this `d`, oldest first. */
  heldWithIdentifier(identifier: string): HeldEvent[];
  heldAtCoordinate(coordinate: string): HeldEvent[];
  /** Held announcements for this `d`, whoever the owner (they list this service: only hosted ones are held). */
  heldAnnouncements(identifier: string): KnownAnnouncement[];
  all(): HeldEvent[];
  /** The soonest `limit` entries past their expiry. */
  expired(now: number, limit: number): HeldEvent[];
  /** A release that strfry refused or never stored: try again at `at`, and say why in the history. */
  releaseFailed(id: string, now: number, at: number, why: string): void;
  /** Held events whose release is due to be retried. */
  dueForRelease(now: number, limit: number): HeldEvent[];
  /** Attempts so far to release this event. */
  releaseAttempts(id: string): number;
  /** A push brought data to this repository (`<npub>/<d>.git`): the sweep looks at its held events. */
  recordPush(repository: string, now: number): void;
  receivedPushes(limit: number): { repository: string; at: number }[];
  /** Done with a repository's pushes up to `at` (a later push records itself again). */
  clearPush(repository: string, at: number): void;
  /** Removes a held event, recording why; false when it was not held (someone else got there first). */
  remove(id: string, what: HistoryEntry, now: number, detail?: string): boolean;
  /**
   * A kind 5 deletion withdraws the author's own held events it names: by `e` id, or by `a`
   * coordinate up to its created_at. Returns what it removed (recorded as deleted).
   */
  withdraw(deletion: NostrEvent, now: number): { id: string; kind: number; event: NostrEvent }[];
  /** Keeps these entries until at least `until` (a push is using them). */
  extendUntil(ids: readonly string[], until: number): void;

  placeholder(eventId: string, repository: string): Placeholder | undefined;
  placeholdersFor(eventId: string): Placeholder[];
  /** Records a placeholder, or moves an existing one to the new tip (it keeps its expiry); true when new. */
  addPlaceholder(placeholder: Placeholder): boolean;
  placeholderCount(repository: string): number;
  removePlaceholder(eventId: string, repository: string, what: HistoryEntry, now: number): boolean;
  expiredPlaceholders(now: number, limit: number): Placeholder[];
  allPlaceholders(): Placeholder[];

  record(entryId: string, kind: number | undefined, what: HistoryEntry, now: number, detail?: string): void;
}

/**
 * A coordinate as the repository index finds it: held events with a coordinate are
 * announcements and states, whose identifier column is their `d`, so (identifier, kind)
 * narrows to one repository's few rows and the coordinate itself picks the author's.
 */
type CoordinateKey = [identifier: string, kind: number, coordinate: string];
const atCoordinate = "identifier = ? AND kind = ? AND coordinate = ?";

function coordinateKey(coordinate: string): CoordinateKey | undefined {
  const parsed = parseCoordinate(coordinate);
  return parsed === undefined ? undefined : [parsed.identifier, parsed.kind, coordinate];
}

export function purgatory(db: Db): Purgatory {
  const statements = {
    insert: db.prepare(
      `INSERT OR IGNORE INTO held_events (id, kind, pubkey, created_at, identifier, coordinate, tip, event_json, arrived_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    byId: db.prepare<[string], HeldRow & { kind: number }>("SELECT kind, event_json, arrived_at, expires_at FROM held_events WHERE id = ?"),
    byIdentifier: db.prepare<[string], HeldRow>(
      "SELECT event_json, arrived_at, expires_at FROM held_events WHERE identifier = ? ORDER BY created_at, id",
    ),
    byCoordinate: db.prepare<CoordinateKey, HeldRow>(
      `SELECT event_json, arrived_at, expires_at FROM held_events WHERE ${atCoordinate} ORDER BY created_at, id`,
    ),
    all: db.prepare<[], HeldRow>("SELECT event_json, arrived_at, expires_at FROM held_events ORDER BY expires_at"),
    expired: db.prepare<[number, number], HeldRow>(
      "SELECT event_json, arrived_at, expires_at FROM held_events WHERE expires_at <= ? ORDER BY expires_at LIMIT ?",
    ),
    // Kept by triggers (migration 4), whoever writes held_events.
    heldCount: db.prepare<[string], { count: number }>("SELECT count FROM held_counts WHERE key = ?"),
    recordCreation: db.prepare("INSERT INTO repository_creations (author, repository, at) VALUES (?, ?, ?)"),
    creationsSince: db.prepare<[string, number], { count: number }>("SELECT COUNT(*) AS count FROM repository_creations WHERE author = ? AND at >= ?"),
    announcements: db.prepare<[number, string], HeldRow>(
      "SELECT event_json, arrived_at, expires_at FROM held_events WHERE kind = ? AND identifier = ?",
    ),
    releaseFailed: db.prepare("UPDATE held_events SET release_attempts = release_attempts + 1, next_release_at = ? WHERE id = ?"),
    releaseAttempts: db.prepare<[string], { release_attempts: number }>("SELECT release_attempts FROM held_events WHERE id = ?"),
    dueForRelease: db.prepare<[number, number], HeldRow>(
      "SELECT event_json, arrived_at, expires_at FROM held_events WHERE next_release_at <= ? ORDER BY next_release_at LIMIT ?",
    ),
    recordPush: db.prepare("INSERT INTO received_pushes (repository, at) VALUES (?, ?) ON CONFLICT (repository) DO UPDATE SET at = MAX(at, excluded.at)"),
    receivedPushes: db.prepare<[number], { repository: string; at: number }>("SELECT repository, at FROM received_pushes ORDER BY at LIMIT ?"),
    clearPush: db.prepare("DELETE FROM received_pushes WHERE repository = ? AND at <= ?"),
    delete: db.prepare("DELETE FROM held_events WHERE id = ?"),
    coordinateHeld: db.prepare<CoordinateKey, { id: string }>(`SELECT id FROM held_events WHERE ${atCoordinate} LIMIT 1`),
    authorsHeld: db.prepare<[string, string], { id: string; kind: number }>("SELECT id, kind FROM held_events WHERE id = ? AND pubkey = ?"),
    authorsHeldAtCoordinate: db.prepare<[...CoordinateKey, number], { id: string; kind: number }>(
      `SELECT id, kind FROM held_events WHERE ${atCoordinate} AND created_at <= ?`,
    ),
    extend: db.prepare("UPDATE held_events SET expires_at = MAX(expires_at, ?) WHERE id = ?"),
    placeholder: db.prepare<[string, string], PlaceholderRow>("SELECT * FROM placeholders WHERE event_id = ? AND repository = ?"),
    placeholdersFor: db.prepare<[string], PlaceholderRow>("SELECT * FROM placeholders WHERE event_id = ?"),
    insertPlaceholder: db.prepare(
      "INSERT OR IGNORE INTO placeholders (event_id, repository, tip, arrived_at, expires_at) VALUES (?, ?, ?, ?, ?)",
    ),
    movePlaceholder: db.prepare("UPDATE placeholders SET tip = ? WHERE event_id = ? AND repository = ?"),
    placeholderCount: db.prepare<[string], { count: number }>("SELECT COUNT(*) AS count FROM placeholders WHERE repository = ?"),
    deletePlaceholder: db.prepare("DELETE FROM placeholders WHERE event_id = ? AND repository = ?"),
    expiredPlaceholders: db.prepare<[number, number], PlaceholderRow>("SELECT * FROM placeholders WHERE expires_at <= ? ORDER BY expires_at LIMIT ?"),
    allPlaceholders: db.prepare<[], PlaceholderRow>("SELECT * FROM placeholders ORDER BY expires_at"),
    history: db.prepare("INSERT INTO purgatory_history (entry_id, kind, what, at, detail) VALUES (?, ?, ?, ?, ?)"),
  };

  const record = (entryId: string, kind: number | undefined, what: HistoryEntry, now: number, detail?: string) => {
    statements.history.run(entryId, kind ?? null, what, now, detail ?? null);
  };

  const hold = writeTransaction(db, (event: NostrEvent, now: number, ttlSeconds: number): boolean => {
    const tip = event.kind === kinds.GitPullRequest || event.kind === kinds.GitPullRequestUpdate ? tagValue(event, "c") : undefined;
    const { changes } = statements.insert.run(
      event.id,
      event.kind,
      event.pubkey,
      event.created_at,
      repositoryIdentifierOf(event) ?? null,
      coordinateOf(event) ?? null,
      tip ?? null,
      JSON.stringify(event),
      now,
      now + ttlSeconds,
    );
    record(event.id, event.kind, changes === 1 ? "held" : "duplicate", now);
    return changes === 1;
  });

  const remove = writeTransaction(db, (id: string, what: HistoryEntry, now: number, detail?: string): boolean => {
    const row = statements.byId.get(id);
    if (row === undefined) return false;
    statements.delete.run(id);
    record(id, row.kind, what, now, detail);
    return true;
  });

  const withdraw = writeTransaction(db, (deletion: NostrEvent, now: number) => {
    const named: { id: string; kind: number }[] = [];
    for (const [name, value] of deletion.tags) {
      const held = name === "e" && isHex64(value) ? statements.authorsHeld.get(value, deletion.pubkey) : undefined;
      if (held !== undefined) named.push(held);
      const coordinate = name === "a" && value !== undefined ? parseCoordinate(value) : undefined;
      if (coordinate?.pubkey === deletion.pubkey) named.push(...statements.authorsHeldAtCoordinate.all(...coordinateKey(value!)!, deletion.created_at));
    }
    const withdrawn: { id: string; kind: number; event: NostrEvent }[] = [];
    for (const { id, kind } of named) {
      const row = statements.byId.get(id);
      if (row !== undefined && remove(id, "deleted", now, `kind 5 ${deletion.id}`)) withdrawn.push({ id, kind, event: toHeld(row).event });
    }
    return withdrawn;
  });

  const releaseFailed = writeTransaction(db, (id: string, now: number, at: number, why: string) => {
    const row = statements.byId.get(id);
    if (row === undefined) return;
    statements.releaseFailed.run(at, id);
    record(id, row.kind, "release-failed", now, why);
  });

  const extendUntil = writeTransaction(db, (ids: readonly string[], until: number) => {
    for (const id of ids) statements.extend.run(until, id);
  });

  const addPlaceholder = writeTransaction(db, (placeholder: Placeholder): boolean => {
    const { changes } = statements.insertPlaceholder.run(
      placeholder.eventId,
      placeholder.repository,
      placeholder.tip,
      placeholder.arrivedAt,
      placeholder.expiresAt,
    );
    if (changes === 1) record(placeholder.eventId, undefined, "placeholder", placeholder.arrivedAt, placeholder.repository);
    // A later push to the same unclaimed ref moves it: the placeholder follows its ref, so expiry removes it wherever it points.
    else statements.movePlaceholder.run(placeholder.tip, placeholder.eventId, placeholder.repository);
    return changes === 1;
  });

  const removePlaceholder = writeTransaction(db, (eventId: string, repository: string, what: HistoryEntry, now: number): boolean => {
    const { changes } = statements.deletePlaceholder.run(eventId, repository);
    if (changes === 1) record(eventId, undefined, what, now, repository);
    return changes === 1;
  });

  return {
    hold: (event, now, ttlSeconds) => hold(event, now, ttlSeconds),
    isHeld: (id) => statements.byId.get(id) !== undefined,
    isHeldBy: (id, pubkey) => statements.authorsHeld.get(id, pubkey) !== undefined,
    heldCountByAuthor: (pubkey, atMost) => Math.min(statements.heldCount.get(`author:${pubkey}`)?.count ?? 0, atMost),
    heldCountWithIdentifier: (identifier, atMost) => Math.min(statements.heldCount.get(`identifier:${identifier}`)?.count ?? 0, atMost),
    recordRepositoryCreation: (author, repository, now) => void statements.recordCreation.run(author, repository, now),
    repositoriesCreatedSince: (author, since) => statements.creationsSince.get(author, since)!.count,
    isHeldCoordinate: (coordinate) => {
      const key = coordinateKey(coordinate);
      return key !== undefined && statements.coordinateHeld.get(...key) !== undefined;
    },
    heldEvent: (id) => {
      const row = statements.byId.get(id);
      return row === undefined ? undefined : toHeld(row);
    },
    heldWithIdentifier: (identifier) => statements.byIdentifier.all(identifier).map(toHeld),
    heldAtCoordinate: (coordinate) => {
      const key = coordinateKey(coordinate);
      return key === undefined ? [] : statements.byCoordinate.all(...key).map(toHeld);
    },
    heldAnnouncements: (identifier) =>
      statements.announcements.all(kinds.RepositoryAnnouncement, identifier).map((row) => {
        const { id, owner, identifier, createdAt, maintainers } = readAnnouncement(JSON.parse(row.event_json) as NostrEvent);
        return { id, owner, identifier, createdAt, maintainers, listsService: true };
      }),
    all: () => statements.all.all().map(toHeld),
    expired: (now, limit) => statements.expired.all(now, limit).map(toHeld),
    releaseFailed: (id, now, at, why) => releaseFailed(id, now, at, why),
    dueForRelease: (now, limit) => statements.dueForRelease.all(now, limit).map(toHeld),
    releaseAttempts: (id) => statements.releaseAttempts.get(id)?.release_attempts ?? 0,
    recordPush: (repository, now) => void statements.recordPush.run(repository, now),
    receivedPushes: (limit) => statements.receivedPushes.all(limit),
    clearPush: (repository, at) => void statements.clearPush.run(repository, at),
    remove: (id, what, now, detail) => remove(id, what, now, detail),
    withdraw: (deletion, now) => withdraw(deletion, now),
    extendUntil: (ids, until) => extendUntil(ids, until),
    placeholder: (eventId, repository) => {
      const row = statements.placeholder.get(eventId, repository);
      return row === undefined ? undefined : toPlaceholder(row);
    },
    placeholdersFor: (eventId) => statements.placeholdersFor.all(eventId).map(toPlaceholder),
    addPlaceholder: (placeholder) => addPlaceholder(placeholder),
    placeholderCount: (repository) => statements.placeholderCount.get(repository)!.count,
    removePlaceholder: (eventId, repository, what, now) => removePlaceholder(eventId, repository, what, now),
    expiredPlaceholders: (now, limit) => statements.expiredPlaceholders.all(now, limit).map(toPlaceholder),
    allPlaceholders: () => statements.allPlaceholders.all().map(toPlaceholder),
    record,
  };
}
