// Test helper: hand-built operator entries for the CLI's pure functions (never used by the product).

import type { Entry } from "./entries.js";

export function entry(fields: Partial<Entry> & Pick<Entry, "id">): Entry {
  return {
    type: "state",
    kind: 30618,
    author: "a".repeat(64),
    repositories: [],
    arrivedAt: 0,
    expiresAt: 1800,
    waitingFor: [],
    event: undefined,
    tip: undefined,
    git: undefined,
    ...fields,
  };
}
