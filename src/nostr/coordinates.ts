// NIP-01 event classes and `kind:pubkey:d` coordinates, as strfry keys replaceable events.

import type { NostrEvent } from "nostr-tools";
import { isHex64, tagValue } from "./event.js";

export function isReplaceableKind(kind: number): boolean {
  return kind === 0 || kind === 3 || (kind >= 10000 && kind < 20000);
}

export function isAddressableKind(kind: number): boolean {
  return kind >= 30000 && kind < 40000;
}

export interface Coordinate {
  kind: number;
  pubkey: string;
  identifier: string;
}

export function formatCoordinate(coordinate: Coordinate): string {
  return `${coordinate.kind}:${coordinate.pubkey}:${coordinate.identifier}`;
}

/** The coordinate of a replaceable or addressable event; undefined for regular events. */
export function coordinateOf(event: Pick<NostrEvent, "kind" | "pubkey" | "tags">): string | undefined {
  if (isAddressableKind(event.kind)) {
    return formatCoordinate({ kind: event.kind, pubkey: event.pubkey, identifier: tagValue(event, "d") ?? "" });
  }
  if (isReplaceableKind(event.kind)) return formatCoordinate({ kind: event.kind, pubkey: event.pubkey, identifier: "" });
  return undefined;
}

/** Parses `kind:pubkey:d` (the identifier may itself contain colons); undefined if malformed. */
export function parseCoordinate(value: string): Coordinate | undefined {
  const match = /^(\d{1,5}):([0-9a-f]{64}):(.*)$/s.exec(value);
  if (match === null) return undefined;
  const kind = Number(match[1]);
  if (kind > 65535 || !isHex64(match[2])) return undefined;
  return { kind, pubkey: match[2]!, identifier: match[3]! };
}

/** strfry's order for replaceable events: newer created_at wins, a tie goes to the lower id. */
export function isNewerEvent(
  candidate: Pick<NostrEvent, "created_at" | "id">,
  current: Pick<NostrEvent, "created_at" | "id">,
): boolean {
  if (candidate.created_at !== current.created_at) return candidate.created_at > current.created_at;
  return candidate.id < current.id;
}
