// REQ filters arrive as untrusted JSON. strfry refuses a filter of the wrong shape with a
// NOTICE naming the problem (filters.h); this guard does the same and never throws, so that
// nostr-tools' matchFilter only ever sees well-formed filters.

import type { Filter } from "nostr-tools";
import { isHex64 } from "../nostr/event.js";
import { maxTagValueBytes } from "./strfry-defaults.js";

export type ParsedFilters = { ok: true; filters: Filter[] } | { ok: false; problem: string };

type ParsedFilter = { ok: true; filter: Filter | "never matches" } | { ok: false; problem: string };

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function parseFilter(value: unknown): ParsedFilter {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, problem: "filter is not an object" };
  const filter: Filter = {};
  let tagFilters = 0;
  for (const [key, item] of Object.entries(value)) {
    // strfry drops a filter with an empty list: it can match nothing.
    if (Array.isArray(item) && item.length === 0) return { ok: true, filter: "never matches" };
    if (key === "ids" || key === "authors") {
      if (!isStringList(item) || !item.every(isHex64)) return { ok: false, problem: `${key} must be a list of 64-character lower-case hex strings` };
      filter[key] = item;
    } else if (key === "kinds") {
      if (!Array.isArray(item) || !item.every(isCount)) return { ok: false, problem: "kinds must be a list of non-negative integers" };
      filter.kinds = item;
    } else if (key.startsWith("#")) {
      if (key.length !== 2) return { ok: false, problem: `unindexed tag filter ${JSON.stringify(key)}` };
      tagFilters++;
      if (!isStringList(item)) return { ok: false, problem: `${key} must be a list of strings` };
      const fixedSize = key === "#e" || key === "#p";
      if (fixedSize && !item.every(isHex64)) return { ok: false, problem: `${key} values must be 64-character lower-case hex strings` };
      if (item.some((tagValue) => Buffer.byteLength(tagValue) > maxTagValueBytes)) return { ok: false, problem: "filter item too large" };
      filter[key as `#${string}`] = item;
    } else if (key === "since" || key === "until" || key === "limit") {
      if (!isCount(item)) return { ok: false, problem: `${key} must be a non-negative integer` };
      filter[key] = item;
    } else {
      return { ok: false, problem: `unrecognised filter item ${JSON.stringify(key)}` };
    }
  }
  // Matching more tags than this is quadratic in strfry, which refuses it outright.
  if (tagFilters > 2) return { ok: false, problem: "too many tags in filter" };
  return { ok: true, filter };
}

/** The filters of a REQ (everything after the subscription id). */
export function parseFilters(values: readonly unknown[]): ParsedFilters {
  const filters: Filter[] = [];
  for (const value of values) {
    const parsed = parseFilter(value);
    if (!parsed.ok) return parsed;
    if (parsed.filter !== "never matches") filters.push(parsed.filter);
  }
  return { ok: true, filters };
}
