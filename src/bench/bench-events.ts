// Signed nostr events for the bench, as a client would publish them: a key with a clock that
// hands out increasing created_at values (so signing order is replacement order), and strfry's
// request line around an event for the plugin pipe.

import { randomBytes } from "node:crypto";
import { finalizeEvent, generateSecretKey, getPublicKey, nip19 } from "nostr-tools";
import type { NostrEvent } from "nostr-tools";

export const kind = { note: 1, issue: 1621, announcement: 30617, state: 30618 } as const;

export interface BenchAuthor {
  pubkey: string;
  npub: string;
  sign(kind: number, tags: string[][], content?: string): NostrEvent;
}

/**
 * A fresh key. created_at starts `lead` seconds back and goes up by one per event: relays refuse
 * created_at more than 15 minutes ahead, so `lead` must cover every event this author signs.
 */
export function benchAuthor(lead = 3600): BenchAuthor {
  const secretKey = generateSecretKey();
  const pubkey = getPublicKey(secretKey);
  let createdAt = Math.floor(Date.now() / 1000) - lead;
  return {
    pubkey,
    npub: nip19.npubEncode(pubkey),
    sign: (eventKind, tags, content = "") => finalizeEvent({ kind: eventKind, tags, content, created_at: (createdAt += 1) }, secretKey),
  };
}

export function announcementOf(author: BenchAuthor, identifier: string, serviceHost: string): NostrEvent {
  return author.sign(kind.announcement, [
    ["d", identifier],
    ["name", identifier],
    ["clone", `http://${serviceHost}/${author.npub}/${identifier}.git`],
    ["relays", `ws://${serviceHost}`],
  ]);
}

export function stateOf(author: BenchAuthor, identifier: string, main: string): NostrEvent {
  return author.sign(kind.state, [["d", identifier], ["refs/heads/main", main], ["HEAD", "ref: refs/heads/main"]]);
}

/** A commit id no repository has: a state naming it is held. */
export const missingObjectId = () => randomBytes(20).toString("hex");

/** What strfry writes to its plugin for one event from a client. */
export function requestLine(event: NostrEvent): string {
  return JSON.stringify({ type: "new", event, receivedAt: Math.floor(Date.now() / 1000), sourceType: "IP4", sourceInfo: "127.0.0.1" });
}
