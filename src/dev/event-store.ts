// The relay's own event store: what strfry keeps in LMDB, here in SQLite so that
// `dev import` (another process) can write to it while the server runs. Writes follow
// strfry's writeEvents (events.cpp): duplicates, deletion tombstones, replaceable and
// addressable events (newest created_at wins, a tie goes to the lowest id) and kind 5
// deletions. Rows get ever-increasing sequence numbers, never reused, so a running server
// finds new rows by polling for a higher number.

import Database from "better-sqlite3";
import { matchFilter } from "nostr-tools/filter";
import type { Filter, NostrEvent } from "nostr-tools";
import { formatCoordinate, isAddressableKind, isNewerEvent, isReplaceableKind, parseCoordinate } from "../nostr/coordinates.js";
import { tagValue } from "../nostr/event.js";
import { maxFilterLimit } from "./strfry-defaults.js";

/** strfry's EventWriteStatus, as the OK message will name it. */
export type WriteStatus = "written" | "duplicate" | "replaced" | "deleted";

export interface EventSource {
  receivedAt: number;
  /** strfry's sourceType: IP4, IP6, Import, ... */
  sourceType: string;
  sourceInfo: string;
}

export interface StoredEvent {
  seq: number;
  event: NostrEvent;
}

export interface QueryResult {
  events: NostrEvent[];
  /** The newest row the query could see: live delivery starts after it. */
  lastSeq: number;
}

export interface EventStore {
  has(id: string): boolean;
  write(event: NostrEvent, source: EventSource): WriteStatus;
  query(filters: readonly Filter[]): QueryResult;
  /** Rows added after `seq`, oldest first. */
  readAfter(seq: number, max: number): StoredEvent[];
  lastSeq(): number;
  deleteEphemeralReceivedBefore(receivedAt: number): number;
  close(): void;
}

const schema = `
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  pubkey TEXT NOT NULL,
  kind INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  -- the d value of a replaceable ('') or addressable event; NULL for every other kind
  replace_key TEXT,
  json TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  source_type TEXT NOT NULL,
  source_info TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_time ON events (created_at DESC, id);
CREATE INDEX IF NOT EXISTS events_by_author ON events (pubkey, kind, created_at);
CREATE INDEX IF NOT EXISTS events_by_address ON events (pubkey, kind, replace_key) WHERE replace_key IS NOT NULL;
`;

/** The `d` under which strfry replaces this event, or undefined for regular events. */
export function replaceKeyOf(event: Pick<NostrEvent, "kind" | "tags">): string | undefined {
  if (isReplaceableKind(event.kind)) return "";
  if (isAddressableKind(event.kind)) return tagValue(event, "d") ?? "";
  return undefined;
}

export interface DeletionTargets {
  ids: string[];
  /** Coordinates of the deletion's own author; another author's coordinates are ignored. */
  addresses: { kind: number; pubkey: string; replaceKey: string }[];
}

/** What a kind 5 event asks to delete (NIP-09): `e` ids and `a` coordinates. */
export function deletionTargets(deletion: Pick<NostrEvent, "pubkey" | "tags">): DeletionTargets {
  const ids: string[] = [];
  const addresses: DeletionTargets["addresses"] = [];
  for (const [name, value] of deletion.tags) {
    if (value === undefined) continue;
    if (name === "e") ids.push(value);
    if (name === "a") {
      const coordinate = parseCoordinate(value);
      if (coordinate !== undefined && coordinate.pubkey === deletion.pubkey) {
        addresses.push({ kind: coordinate.kind, pubkey: coordinate.pubkey, replaceKey: coordinate.identifier });
      }
    }
  }
  return { ids, addresses };
}

interface EventRow {
  seq: number;
  id: string;
  pubkey: string;
  created_at: number;
  json: string;
}

export function openEventStore(path: string): EventStore {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  // `dev import` and the server write to the same file; wait for each other instead of failing.
  db.pragma("busy_timeout = 5000");
  db.exec(schema);

  const byId = db.prepare<[string], EventRow>("SELECT seq, id, pubkey, created_at, json FROM events WHERE id = ?");
  const byAddress = db.prepare<[string, number, string], EventRow>(
    "SELECT seq, id, pubkey, created_at, json FROM events WHERE pubkey = ? AND kind = ? AND replace_key = ?",
  );
  // A stored kind 5 is strfry's tombstone: it keeps blocking what it deleted.
  const tombstone = db.prepare<[{ pubkey: string; name: string; value: string; notBefore: number }], { found: number }>(`
    SELECT 1 AS found FROM events AS deletion, json_each(deletion.json, '$.tags') AS tag
    WHERE deletion.kind = 5 AND deletion.pubkey = @pubkey AND deletion.created_at >= @notBefore
      AND json_extract(tag.value, '$[0]') = @name AND json_extract(tag.value, '$[1]') = @value
    LIMIT 1`);
  const insert = db.prepare(`
    INSERT INTO events (id, pubkey, kind, created_at, replace_key, json, received_at, source_type, source_info)
    VALUES (@id, @pubkey, @kind, @created_at, @replace_key, @json, @received_at, @source_type, @source_info)`);
  const deleteSeq = db.prepare<[number]>("DELETE FROM events WHERE seq = ?");
  const after = db.prepare<[number, number], { seq: number; json: string }>("SELECT seq, json FROM events WHERE seq > ? ORDER BY seq LIMIT ?");
  const maxSeq = db.prepare<[], { seq: number | null }>("SELECT max(seq) AS seq FROM events");

  const isDeleted = (event: NostrEvent, replaceKey: string | undefined): boolean => {
    if (tombstone.get({ pubkey: event.pubkey, name: "e", value: event.id, notBefore: 0 }) !== undefined) return true;
    if (replaceKey === undefined) return false;
    const address = formatCoordinate({ kind: event.kind, pubkey: event.pubkey, identifier: replaceKey });
    return tombstone.get({ pubkey: event.pubkey, name: "a", value: address, notBefore: event.created_at }) !== undefined;
  };

  const seqsDeletedBy = (deletion: NostrEvent): number[] => {
    const { ids, addresses } = deletionTargets(deletion);
    const seqs: number[] = [];
    for (const id of ids) {
      const row = byId.get(id);
      if (row !== undefined && row.pubkey === deletion.pubkey) seqs.push(row.seq);
    }
    for (const { pubkey, kind, replaceKey } of addresses) {
      for (const row of byAddress.all(pubkey, kind, replaceKey)) {
        if (row.created_at <= deletion.created_at) seqs.push(row.seq);
      }
    }
    return seqs;
  };

  const write = db.transaction((event: NostrEvent, source: EventSource): WriteStatus => {
    if (byId.get(event.id) !== undefined) return "duplicate";
    const replaceKey = replaceKeyOf(event);
    if (isDeleted(event, replaceKey)) return "deleted";
    const toDelete: number[] = [];
    if (replaceKey !== undefined) {
      for (const row of byAddress.all(event.pubkey, event.kind, replaceKey)) {
        if (!isNewerEvent(event, row)) return "replaced";
        toDelete.push(row.seq);
      }
    }
    if (event.kind === 5) toDelete.push(...seqsDeletedBy(event));
    insert.run({
      id: event.id,
      pubkey: event.pubkey,
      kind: event.kind,
      created_at: event.created_at,
      replace_key: replaceKey ?? null,
      json: JSON.stringify(event),
      received_at: source.receivedAt,
      source_type: source.sourceType,
      source_info: source.sourceInfo,
    });
    for (const seq of toDelete) deleteSeq.run(seq);
    return "written";
  });

  const queryOne = (filter: Filter): NostrEvent[] => {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const within = (column: string, values: readonly (string | number)[]) => {
      where.push(`${column} IN (${values.map(() => "?").join(", ")})`);
      params.push(...values);
    };
    // SQL narrows the scan; nostr-tools' matchFilter has the last word on every row.
    if (filter.ids !== undefined) within("id", filter.ids);
    if (filter.authors !== undefined) within("pubkey", filter.authors);
    if (filter.kinds !== undefined) within("kind", filter.kinds);
    if (filter.since !== undefined) {
      where.push("created_at >= ?");
      params.push(filter.since);
    }
    if (filter.until !== undefined) {
      where.push("created_at <= ?");
      params.push(filter.until);
    }
    const limit = Math.min(filter.limit ?? maxFilterLimit, maxFilterLimit);
    const sql = `SELECT json FROM events ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id`;
    const events: NostrEvent[] = [];
    if (limit === 0) return events;
    for (const row of db.prepare<(string | number)[], { json: string }>(sql).iterate(...params)) {
      const event = JSON.parse(row.json) as NostrEvent;
      if (!matchFilter(filter, event)) continue;
      events.push(event);
      if (events.length >= limit) break;
    }
    return events;
  };

  // One read transaction, so that the events and lastSeq come from the same snapshot.
  const query = db.transaction((filters: readonly Filter[]): QueryResult => {
    const seen = new Set<string>();
    const events: NostrEvent[] = [];
    for (const filter of filters) {
      for (const event of queryOne(filter)) {
        if (seen.has(event.id)) continue;
        seen.add(event.id);
        events.push(event);
      }
    }
    return { events, lastSeq: maxSeq.get()?.seq ?? 0 };
  });

  return {
    has: (id) => byId.get(id) !== undefined,
    write: (event, source) => write.immediate(event, source),
    query: (filters) => query(filters),
    readAfter: (seq, max) => after.all(seq, max).map((row) => ({ seq: row.seq, event: JSON.parse(row.json) as NostrEvent })),
    lastSeq: () => maxSeq.get()?.seq ?? 0,
    deleteEphemeralReceivedBefore: (receivedAt) =>
      db.prepare("DELETE FROM events WHERE kind >= 20000 AND kind < 30000 AND received_at < ?").run(receivedAt).changes,
    close: () => db.close(),
  };
}
