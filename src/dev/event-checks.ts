// What strfry checks before an event may reach the write policy (events.cpp,
// parseAndVerifyEvent), with strfry's reasons, so that a client sees the same
// `invalid: ...` answers here as in production. Never throws.

import * as kinds from "nostr-tools/kinds";
import { getEventHash, verifyEvent } from "nostr-tools/pure";
import type { NostrEvent } from "nostr-tools";
import { eventShapeProblem, isHex64 } from "../nostr/event.js";
import {
  maxEventBytes,
  maxNumTags,
  maxTagValueBytes,
  rejectEphemeralEventsOlderThanSeconds,
  rejectEventsNewerThanSeconds,
  rejectEventsOlderThanSeconds,
} from "./strfry-defaults.js";

export interface EventCheckOptions {
  now: number;
  /** The relay checks created_at and expiration; `strfry import` does not. */
  checkTime: boolean;
}

export type CheckedEvent = { ok: true; event: NostrEvent } | { ok: false; reason: string };

/**
 * The event with only the seven NIP-01 fields, in strfry's key order: this is what strfry
 * stores, serves and hands to the plugin.
 */
export function normalizeEvent(event: NostrEvent): NostrEvent {
  const { content, created_at, id, kind, pubkey, sig, tags } = event;
  return { content, created_at, id, kind, pubkey, sig, tags };
}

function tagProblem(tags: string[][]): string | undefined {
  if (tags.length > maxNumTags) return `too many tags: ${tags.length}`;
  for (const tag of tags) {
    const [name, value = ""] = tag;
    if (name === undefined) return "too few fields in tag";
    // strfry indexes e and p values as 32-byte ids, so anything else cannot be stored.
    if ((name === "e" || name === "p") && !isHex64(value)) return "unexpected size for fixed-size tag";
    if (name.length === 1 && Buffer.byteLength(value) > maxTagValueBytes) return `tag val too large: ${Buffer.byteLength(value)}`;
  }
  return undefined;
}

/** The NIP-40 expiration strfry reads (the first `expiration` tag), 0 when there is none. */
function expirationOf(tags: string[][]): number | "invalid" {
  const value = tags.find((tag) => tag[0] === "expiration")?.[1];
  if (value === undefined) return 0;
  if (!/^\d+$/.test(value)) return "invalid";
  const expiration = Number(value);
  return expiration < 100 ? "invalid" : expiration;
}

function timeProblem(event: NostrEvent, expiration: number, now: number): string | undefined {
  const maxAge = kinds.isEphemeralKind(event.kind) ? rejectEphemeralEventsOlderThanSeconds : rejectEventsOlderThanSeconds;
  if (event.created_at < now - maxAge) return "created_at too early";
  if (event.created_at > now + rejectEventsNewerThanSeconds) return "created_at too late";
  if (expiration > 0 && expiration <= now) return "event expired";
  return undefined;
}

export function checkEvent(value: unknown, options: EventCheckOptions): CheckedEvent {
  const shapeProblem = eventShapeProblem(value);
  if (shapeProblem !== undefined) return { ok: false, reason: shapeProblem };
  const event = normalizeEvent(value as NostrEvent);

  const problem = tagProblem(event.tags);
  if (problem !== undefined) return { ok: false, reason: problem };
  const expiration = expirationOf(event.tags);
  if (expiration === "invalid") return { ok: false, reason: "invalid expiration" };
  if (options.checkTime) {
    const problem = timeProblem(event, expiration, options.now);
    if (problem !== undefined) return { ok: false, reason: problem };
  }
  if (getEventHash(event) !== event.id) return { ok: false, reason: "bad event id" };
  // A copy: verifyEvent marks the object it checks with a symbol, and callers compare events.
  if (!verifyEvent({ ...event })) return { ok: false, reason: "bad signature" };
  const bytes = Buffer.byteLength(JSON.stringify(event));
  if (bytes > maxEventBytes) return { ok: false, reason: `event too large: ${bytes}` };
  return { ok: true, event };
}

/** NIP-70: a `["-"]` tag. strfry refuses these without AUTH, which this relay does not offer. */
export function isProtectedEvent(event: Pick<NostrEvent, "tags">): boolean {
  return event.tags.some((tag) => tag.length === 1 && tag[0] === "-");
}
