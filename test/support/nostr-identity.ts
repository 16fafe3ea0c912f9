import { finalizeEvent, generateSecretKey, getPublicKey, nip19 } from "nostr-tools";
import type { NostrEvent } from "nostr-tools";

export interface Identity {
  secretKey: Uint8Array;
  pubkey: string;
  npub: string;
  sign(template: { kind: number; tags?: string[][]; content?: string; created_at?: number }): NostrEvent;
}

let clock = Math.floor(Date.now() / 1000) - 1000;

export function newIdentity(): Identity {
  const secretKey = generateSecretKey();
  const pubkey = getPublicKey(secretKey);
  return {
    secretKey,
    pubkey,
    npub: nip19.npubEncode(pubkey),
    // Each event gets a later created_at than the last, so replacement order is the signing order.
    sign: (template) =>
      finalizeEvent({ tags: [], content: "", created_at: (clock += 1), ...template }, secretKey),
  };
}

export function announcementTags(owner: Identity, identifier: string, serviceHost: string, extra: string[][] = []): string[][] {
  return [
    ["d", identifier],
    ["name", identifier],
    ["clone", `http://${serviceHost}/${owner.npub}/${encodeURIComponent(identifier)}.git`],
    ["relays", `ws://${serviceHost}`],
    ...extra,
  ];
}
