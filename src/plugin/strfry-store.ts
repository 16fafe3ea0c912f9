// Reading strfry's store, the truth about what is accepted: look-ups by id (did strfry store
// what we answered accept?), and a paged scan of everything stored (catch-up and reindex).

import type { Filter, NostrEvent } from "nostr-tools";
import { relayQuery } from "./relay-request.js";

export interface StrfryStore {
  relayUrl: string;
  /** Those of these events strfry stores; undefined when strfry cannot be asked now. */
  events(ids: readonly string[]): Promise<NostrEvent[] | undefined>;
  /** Which of these ids strfry stores; undefined when strfry cannot be asked now. */
  stored(ids: readonly string[]): Promise<Set<string> | undefined>;
}

const lookupTimeoutMs = 10_000;

export function strfryStore(relayUrl: string): StrfryStore {
  const events = async (ids: readonly string[]): Promise<NostrEvent[] | undefined> => {
    const found: NostrEvent[] = [];
    // strfry caps every filter at relay.maxFilterLimit events, an ids filter too.
    for (let start = 0; start < ids.length; start += relayPageSize) {
      const batch = ids.slice(start, start + relayPageSize);
      const answer = await relayQuery(relayUrl, { ids: batch }, lookupTimeoutMs);
      if (!answer.ok) return undefined;
      found.push(...answer.events.filter((event) => batch.includes(event.id)));
    }
    return found;
  };
  return {
    relayUrl,
    events,
    stored: async (ids) => {
      const found = await events(ids);
      return found === undefined ? undefined : new Set(found.map((event) => event.id));
    },
  };
}

/** strfry's relay.maxFilterLimit: a REQ returns at most this many events, newest first. */
export const relayPageSize = 500;

/**
 * Every stored event matching `filter`, page by page (newest first), as REQs with `until`.
 * A page boundary inside one second is resumed at that second, skipping ids already seen.
 * Throws when the relay cannot be read.
 */
export async function scanRelay(relayUrl: string, filter: Filter, onPage: (events: NostrEvent[]) => void): Promise<number> {
  let until: number | undefined;
  let seenAtUntil = new Set<string>();
  let count = 0;
  for (;;) {
    const page = await relayQuery(relayUrl, { ...filter, limit: relayPageSize, ...(until === undefined ? {} : { until }) }, lookupTimeoutMs * 3);
    if (!page.ok) throw new Error(page.error);
    if (page.events.length === 0) return count;
    const fresh = page.events.filter((event) => !seenAtUntil.has(event.id));
    count += fresh.length;
    if (fresh.length > 0) onPage(fresh);
    const oldest = Math.min(...page.events.map((event) => event.created_at));
    if (fresh.length === 0) {
      // A whole page within one second, all seen: more than a page shares it; go past it.
      until = oldest - 1;
      seenAtUntil = new Set();
      continue;
    }
    if (oldest !== until) seenAtUntil = new Set();
    for (const event of page.events) if (event.created_at === oldest) seenAtUntil.add(event.id);
    until = oldest;
  }
}
