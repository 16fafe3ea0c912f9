// NIP-34 repository announcements as the server needs them, and the rule for a safe `d`.

import * as kinds from "nostr-tools/kinds";
import * as nip19 from "nostr-tools/nip19";
import type { NostrEvent } from "nostr-tools";
import { parseCoordinate } from "./coordinates.js";
import { isHex64, tagListValues, tagValue, tagValues } from "./event.js";

/** Room for `.git` and more in a 255-byte file name. */
export const maxIdentifierBytes = 200;

/**
 * Why this `d` cannot name a repository directory, or undefined when it can. It becomes one
 * path segment on disk, so anything that could climb out of the git root is refused.
 */
export function repositoryIdentifierProblem(identifier: string | undefined): string | undefined {
  if (identifier === undefined) return "has no d tag";
  if (identifier === "") return "has an empty d tag";
  if (identifier === "." || identifier === "..") return `has d tag "${identifier}", which is not a directory name`;
  if (identifier.includes("/")) return "has a d tag containing '/'";
  if (identifier.includes("\\")) return "has a d tag containing '\\'";
  if (identifier.includes("\0")) return "has a d tag containing a NUL character";
  const bytes = Buffer.byteLength(identifier, "utf8");
  if (bytes > maxIdentifierBytes) return `has a d tag of ${bytes} bytes, more than the ${maxIdentifierBytes} allowed`;
  return undefined;
}

export interface Announcement {
  id: string;
  owner: string;
  identifier: string;
  createdAt: number;
  cloneUrls: string[];
  relayUrls: string[];
  /** Valid hex pubkeys from the `maintainers` tags; anything else is ignored. */
  maintainers: string[];
}

export function readAnnouncement(event: NostrEvent): Announcement {
  return {
    id: event.id,
    owner: event.pubkey,
    identifier: tagValue(event, "d") ?? "",
    createdAt: event.created_at,
    cloneUrls: tagListValues(event, "clone"),
    relayUrls: tagListValues(event, "relays"),
    maintainers: [...new Set(tagListValues(event, "maintainers").filter(isHex64))],
  };
}

/** Encoded npubs of recent pubkeys: every event's repository paths need them, and bech32 costs. */
const npubs = new Map<string, string>();
const npubsKept = 10_000;

export function npubOf(pubkey: string): string {
  let npub = npubs.get(pubkey);
  if (npub === undefined) {
    npub = nip19.npubEncode(pubkey);
    if (npubs.size >= npubsKept) npubs.delete(npubs.keys().next().value!);
    npubs.set(pubkey, npub);
  }
  return npub;
}

/** The hex pubkey of a valid npub, or undefined. */
export function pubkeyOfNpub(npub: string): string | undefined {
  try {
    const decoded = nip19.decode(npub);
    return decoded.type === "npub" ? decoded.data : undefined;
  } catch {
    return undefined;
  }
}

/** The repository `d` an event belongs to: its own for announcements and states, its `a` tag's for PRs and the like. */
export function repositoryIdentifierOf(event: Pick<NostrEvent, "kind" | "tags">): string | undefined {
  if (event.kind === kinds.RepositoryAnnouncement || event.kind === kinds.RepositoryState) return tagValue(event, "d") ?? "";
  for (const value of tagValues(event, "a")) {
    const coordinate = parseCoordinate(value);
    if (coordinate?.kind === kinds.RepositoryAnnouncement) return coordinate.identifier;
  }
  return undefined;
}
