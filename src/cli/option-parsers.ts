// Parsers for option values people type: durations, authors, entry kinds.

import { InvalidArgumentError } from "commander";
import { isHex64 } from "../nostr/event.js";
import { pubkeyOfNpub } from "../nostr/nip34.js";
import { entryTypes } from "./entries.js";
import type { EntryType } from "./entries.js";

const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90s`, `5m`, `2h`, `1d`. A bare number is refused: `5` could mean five minutes as well as seconds. */
export function parseDuration(value: string): number {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) throw new InvalidArgumentError(`"${value}" needs a unit: use e.g. ${trimmed}s, ${trimmed}m, ${trimmed}h or ${trimmed}d`);
  const match = /^(\d+)([smhd])$/.exec(trimmed);
  if (match === null) throw new InvalidArgumentError(`"${value}" is not a duration: use e.g. 90s, 5m, 2h or 1d`);
  return Number(match[1]) * units[match[2]!]!;
}

export function parseAuthor(value: string): string {
  if (isHex64(value)) return value;
  const pubkey = pubkeyOfNpub(value);
  if (pubkey === undefined) throw new InvalidArgumentError(`"${value}" is neither an npub nor a 64-hex pubkey`);
  return pubkey;
}

const kindAliases: Record<string, EntryType> = { pr: "pull-request", "pr-update": "pull-request-update" };

export function parseEntryType(value: string): EntryType {
  const type = kindAliases[value] ?? value;
  if (!(entryTypes as readonly string[]).includes(type)) {
    throw new InvalidArgumentError(`"${value}" is not a kind of entry: use one of ${entryTypes.join(", ")} (or pr, pr-update)`);
  }
  return type as EntryType;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) throw new InvalidArgumentError(`"${value}" is not a port: give a number from 1 to 65535`);
  return port;
}

export function parseCount(value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value) || count < 1) throw new InvalidArgumentError(`"${value}" is not a count: give a whole number above 0`);
  return count;
}
