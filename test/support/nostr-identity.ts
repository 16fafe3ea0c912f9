import { newSigner } from "../../src/nostr/event-fixtures.js";
import type { TestAuthor } from "../../src/nostr/event-fixtures.js";

export type Identity = TestAuthor;

// Recent times: the dev relay refuses created_at more than 3 years back, as strfry does.
// Each event gets a later created_at than the last, so replacement order is the signing order.
let clock = Math.floor(Date.now() / 1000) - 1000;

export function newIdentity(): Identity {
  return newSigner(() => (clock += 1));
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
