// Read-only questions operators ask of the store: what happened to an entry, and totals
// since the store was created. The CLI reads these; the policy never does.

import type { Db } from "./database.js";
import type { HistoryEntry } from "./held-events.js";

export interface HistoryRecord {
  what: HistoryEntry;
  at: number;
  detail: string | undefined;
}

export function historyOf(db: Db, entryId: string): HistoryRecord[] {
  return db
    .prepare<[string], { what: HistoryEntry; at: number; detail: string | null }>(
      "SELECT what, at, detail FROM purgatory_history WHERE entry_id = ? ORDER BY seq",
    )
    .all(entryId)
    .map((row) => ({ what: row.what, at: row.at, detail: row.detail ?? undefined }));
}

/** Entry ids in the history that start with `prefix` (for short ids typed by a person). */
export function historyIdsStartingWith(db: Db, prefix: string): string[] {
  return db
    .prepare<[string], { entry_id: string }>("SELECT DISTINCT entry_id FROM purgatory_history WHERE entry_id LIKE ? || '%' LIMIT 10")
    .all(prefix)
    .map((row) => row.entry_id);
}

export function historyTotals(db: Db): Record<HistoryEntry, number> {
  const totals: Record<HistoryEntry, number> = { held: 0, duplicate: 0, released: 0, "release-failed": 0, expired: 0, dropped: 0, deleted: 0, placeholder: 0, limited: 0 };
  const rows = db.prepare<[], { what: HistoryEntry; count: number }>("SELECT what, COUNT(*) AS count FROM purgatory_history GROUP BY what").all();
  for (const row of rows) totals[row.what] = row.count;
  return totals;
}

/** Seconds from arrival to release for every release: from the hold that the release ended. */
export function secondsToRelease(db: Db): number[] {
  return db
    .prepare<[], { seconds: number }>(
      `SELECT seconds FROM (
         SELECT released.at - (
           SELECT MAX(held.at) FROM purgatory_history AS held
           WHERE held.entry_id = released.entry_id AND held.what = 'held' AND held.seq < released.seq
         ) AS seconds
         FROM purgatory_history AS released
         WHERE released.what = 'released'
       ) WHERE seconds IS NOT NULL`,
    )
    .all()
    .map((row) => row.seconds);
}
