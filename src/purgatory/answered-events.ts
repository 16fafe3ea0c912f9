// Accepted regular events that change nothing but the index (issues, comments, patches, statuses):
// the policy's answer remembers them here, in memory, instead of committing a row. strfry
// stores them right after the answer, and the follower records them then (strfry's store is
// the truth). Until then the rules still see them, so a reply sent right after its issue is
// related. Lost with the process, and nothing depends on that: the follower's catch-up
// records what strfry stored meanwhile.

import type { NostrEvent } from "nostr-tools";
import { referencesOf } from "../policy/event-is-related.js";

interface Answered {
  until: number;
  pubkey: string;
  targets: string[];
}

export interface AnsweredEvents {
  /** Remembers an event until `until` (unix seconds); false when `capacity` wait already. */
  add(event: NostrEvent, until: number): boolean;
  /** strfry has it, or it is forgotten. */
  remove(id: string): void;
  hasEvent(id: string): boolean;
  /** It is remembered, and `pubkey` wrote it. */
  isBy(id: string, pubkey: string): boolean;
  /** One of them references this id or coordinate. */
  references(target: string): boolean;
}

const unixNow = () => Math.floor(Date.now() / 1000);

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function decrement(counts: Map<string, number>, key: string): void {
  const count = (counts.get(key) ?? 0) - 1;
  if (count > 0) counts.set(key, count);
  else counts.delete(key);
}

export function answeredEvents(capacity: number, now: () => number = unixNow): AnsweredEvents {
  // Insertion order is expiry order: every entry waits the same grace period.
  const byId = new Map<string, Answered>();
  const referenced = new Map<string, number>();

  const remove = (id: string) => {
    const answered = byId.get(id);
    if (answered === undefined) return;
    byId.delete(id);
    for (const target of answered.targets) decrement(referenced, target);
  };
  const dropExpired = () => {
    if (byId.size === 0) return;
    const at = now();
    for (const [id, answered] of byId) {
      if (answered.until >= at) return;
      remove(id);
    }
  };

  return {
    add(event, until) {
      dropExpired();
      if (byId.has(event.id)) return true;
      if (byId.size >= capacity) return false;
      const { ids, coordinates } = referencesOf(event);
      const answered: Answered = { until, pubkey: event.pubkey, targets: [...ids, ...coordinates] };
      byId.set(event.id, answered);
      for (const target of answered.targets) increment(referenced, target);
      return true;
    },
    remove,
    hasEvent(id) {
      dropExpired();
      return byId.has(id);
    },
    isBy(id, pubkey) {
      dropExpired();
      return byId.get(id)?.pubkey === pubkey;
    },
    references(target) {
      dropExpired();
      return referenced.has(target);
    },
  };
}
