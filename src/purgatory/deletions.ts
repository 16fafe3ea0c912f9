// NIP-09 deletions, remembered: an event its author deleted is never held, released or
// allowed to authorise a push again, however often anyone resends it. A deletion counts
// only for its own author's events: by `e` id, or by `a` coordinate up to its created_at.

import type { NostrEvent } from "nostr-tools";
import { coordinateOf, parseCoordinate } from "../nostr/coordinates.js";
import { isHex64 } from "../nostr/event.js";
import type { Db } from "./database.js";
import { writeTransaction } from "./database.js";

export interface Deletions {
  remember(deletion: NostrEvent): void;
  /** The id of a deletion by the event's author that covers it, if any. */
  deletionOf(event: Pick<NostrEvent, "id" | "kind" | "pubkey" | "tags" | "created_at">): string | undefined;
}

export function deletions(db: Db): Deletions {
  const statements = {
    insert: db.prepare("INSERT OR IGNORE INTO deletions (deletion_id, author, target, until) VALUES (?, ?, ?, ?)"),
    // One look-up for both ways (asked for every event): by id, or by coordinate up to `until`.
    covering: db.prepare<[{ author: string; id: string; coordinate: string | null; createdAt: number }], { deletion_id: string }>(
      `SELECT deletion_id FROM deletions
       WHERE (target = @id AND author = @author AND until IS NULL) OR (target = @coordinate AND author = @author AND until >= @createdAt) LIMIT 1`,
    ),
  };
  const remember = writeTransaction(db, (deletion: NostrEvent) => {
    for (const [name, value] of deletion.tags) {
      if (name === "e" && isHex64(value)) statements.insert.run(deletion.id, deletion.pubkey, value, null);
      const coordinate = name === "a" && value !== undefined ? parseCoordinate(value) : undefined;
      if (coordinate !== undefined && coordinate.pubkey === deletion.pubkey) {
        statements.insert.run(deletion.id, deletion.pubkey, value, deletion.created_at);
      }
    }
  });
  return {
    remember: (deletion) => remember(deletion),
    deletionOf: (event) =>
      statements.covering.get({ author: event.pubkey, id: event.id, coordinate: coordinateOf(event) ?? null, createdAt: event.created_at })?.deletion_id,
  };
}
