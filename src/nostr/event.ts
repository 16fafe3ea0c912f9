// Events arrive from strfry as untrusted JSON. This guard never throws: it names the first
// thing that is wrong so the answer can say it (strfry has already checked id and signature).

import type { NostrEvent } from "nostr-tools";

export type { NostrEvent };

const hex64 = /^[0-9a-f]{64}$/;
const hex128 = /^[0-9a-f]{128}$/;

export function isHex64(value: unknown): value is string {
  return typeof value === "string" && hex64.test(value);
}

/** Why this value is not a nostr event, or undefined when it is one. */
export function eventShapeProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "event is not an object";
  const event = value as Record<string, unknown>;
  if (!isHex64(event.id)) return "event id is not 64 lower-case hex characters";
  if (!isHex64(event.pubkey)) return "event pubkey is not 64 lower-case hex characters";
  if (typeof event.sig !== "string" || !hex128.test(event.sig)) return "event sig is not 128 lower-case hex characters";
  if (!Number.isSafeInteger(event.kind) || (event.kind as number) < 0 || (event.kind as number) > 65535) {
    return "event kind is not an integer between 0 and 65535";
  }
  if (!Number.isSafeInteger(event.created_at) || (event.created_at as number) < 0) {
    return "event created_at is not a non-negative integer";
  }
  if (typeof event.content !== "string") return "event content is not a string";
  if (!Array.isArray(event.tags)) return "event tags is not an array";
  for (const [index, tag] of event.tags.entries()) {
    if (!Array.isArray(tag) || !tag.every((item) => typeof item === "string")) {
      return `event tag ${index} is not an array of strings`;
    }
  }
  return undefined;
}

export function isNostrEvent(value: unknown): value is NostrEvent {
  return eventShapeProblem(value) === undefined;
}

/** The first value of the first tag with this name. */
export function tagValue(event: Pick<NostrEvent, "tags">, name: string): string | undefined {
  return event.tags.find((tag) => tag[0] === name)?.[1];
}

/** The first value of every tag with this name. */
export function tagValues(event: Pick<NostrEvent, "tags">, name: string): string[] {
  return event.tags.filter((tag) => tag[0] === name && tag.length > 1).map((tag) => tag[1]!);
}

/** Every value after the name, across all tags with this name (clone, relays, maintainers lists). */
export function tagListValues(event: Pick<NostrEvent, "tags">, name: string): string[] {
  return event.tags.filter((tag) => tag[0] === name).flatMap((tag) => tag.slice(1));
}
