// Test helper: real, signed nostr events for the unit tests (never used by the product).

import * as kinds from "nostr-tools/kinds";
import * as nip19 from "nostr-tools/nip19";
import { finalizeEvent, generateSecretKey, getPublicKey } from "nostr-tools/pure";
import type { NostrEvent } from "nostr-tools";

export interface EventTemplate {
  kind: number;
  tags?: string[][];
  content?: string;
  created_at?: number;
}

export interface TestAuthor {
  secretKey: Uint8Array;
  pubkey: string;
  npub: string;
  sign(template: EventTemplate): NostrEvent;
}

let clock = 1_700_000_000;

/** A created_at later than every one handed out before, so signing order is replacement order. */
export function nextCreatedAt(): number {
  clock += 1;
  return clock;
}

/** A fresh key whose events take their created_at from `clock` unless the template sets one. */
export function newSigner(clock: () => number): TestAuthor {
  const secretKey = generateSecretKey();
  const pubkey = getPublicKey(secretKey);
  return {
    secretKey,
    pubkey,
    npub: nip19.npubEncode(pubkey),
    sign: (template) => finalizeEvent({ tags: [], content: "", created_at: clock(), ...template }, secretKey),
  };
}

export function newAuthor(): TestAuthor {
  return newSigner(nextCreatedAt);
}

export interface AnnouncementOptions {
  /** host[:port] used for the default clone and relay URLs. */
  host?: string;
  /** Replace the default clone URLs; an empty list leaves the tag out. */
  clone?: string[];
  /** Replace the default relay URLs; an empty list leaves the tag out. */
  relays?: string[];
  maintainers?: string[];
  created_at?: number;
  extraTags?: string[][];
}

export const testServiceHost = "127.0.0.1:7777";

export function cloneUrlFor(author: Pick<TestAuthor, "npub">, identifier: string, host = testServiceHost, scheme = "http"): string {
  return `${scheme}://${host}/${author.npub}/${encodeURIComponent(identifier)}.git`;
}

/** A kind 30617 announcement; by default it lists `testServiceHost` in clone and relays. */
export function announcement(author: TestAuthor, identifier: string, options: AnnouncementOptions = {}): NostrEvent {
  const host = options.host ?? testServiceHost;
  const clone = options.clone ?? [cloneUrlFor(author, identifier, host)];
  const relays = options.relays ?? [`ws://${host}`];
  const tags: string[][] = [["d", identifier], ["name", identifier]];
  if (clone.length > 0) tags.push(["clone", ...clone]);
  if (relays.length > 0) tags.push(["relays", ...relays]);
  if (options.maintainers !== undefined) tags.push(["maintainers", ...options.maintainers]);
  tags.push(...(options.extraTags ?? []));
  return author.sign({
    kind: kinds.RepositoryAnnouncement,
    tags,
    ...(options.created_at === undefined ? {} : { created_at: options.created_at }),
  });
}

/** A kind 30618 state for `identifier` with one branch. */
export function repositoryState(author: TestAuthor, identifier: string, extraTags: string[][] = []): NostrEvent {
  return author.sign({
    kind: kinds.RepositoryState,
    tags: [["d", identifier], ["refs/heads/main", "a".repeat(40)], ["HEAD", "ref: refs/heads/main"], ...extraTags],
  });
}

/** The `kind:pubkey:d` coordinate of an announcement. */
export function announcementCoordinate(author: Pick<TestAuthor, "pubkey">, identifier: string): string {
  return `${kinds.RepositoryAnnouncement}:${author.pubkey}:${identifier}`;
}
