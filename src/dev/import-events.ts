// `dev import`, the stand-in for `strfry import`: JSON events, one per line, written straight
// into the relay's store without asking the write policy. Like strfry it verifies ids and
// signatures but not timestamps, applies the store's replace and delete rules, and skips a
// bad line with a warning instead of stopping.

import { errorMessage, log } from "../log.js";
import { checkEvent } from "./event-checks.js";
import type { EventStore } from "./event-store.js";

export interface ImportSummary {
  processed: number;
  added: number;
  /** Invalid lines, and events the store refused as replaced or deleted. */
  rejected: number;
  duplicates: number;
}

export async function importEvents(lines: AsyncIterable<string>, store: EventStore, now: () => number): Promise<ImportSummary> {
  const summary: ImportSummary = { processed: 0, added: 0, rejected: 0, duplicates: 0 };
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === "") continue;
    summary.processed++;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      log.warn("unable to parse JSON", { line: lineNumber, error: errorMessage(error) });
      summary.rejected++;
      continue;
    }
    const checked = checkEvent(value, { now: now(), checkTime: false });
    if (!checked.ok) {
      log.warn("rejected invalid event", { line: lineNumber, reason: checked.reason });
      summary.rejected++;
      continue;
    }
    const status = store.write(checked.event, { receivedAt: now(), sourceType: "Import", sourceInfo: "" });
    if (status === "written") summary.added++;
    else if (status === "duplicate") summary.duplicates++;
    else {
      log.warn("rejected event", { line: lineNumber, id: checked.event.id, status });
      summary.rejected++;
    }
  }
  return summary;
}
