// A rule is built once from typed options and then only reads its arguments.

import type { NostrEvent } from "nostr-tools";
import type { GitFacts } from "./git-facts.js";
import type { Verdict } from "./verdict.js";
import type { ServerView } from "./view.js";

/** Where strfry says the event came from (its request's sourceType and authed), or our own release. */
export interface EventSource {
  /** `IP4` / `IP6` (a client), `Stream`, `Sync`, `?` (strfry router), ..., or `release` (the daemon itself). */
  type: string;
  /** The pubkey the client authenticated as (NIP-42), if any. */
  authed: string | undefined;
}

export const releaseSource: EventSource = { type: "release", authed: undefined };

/** A client connected to this relay, or our own release of what a client published. */
export function isDirectSource(source: EventSource): boolean {
  return source.type === "IP4" || source.type === "IP6" || source.type === "release";
}

export interface RuleInput {
  event: NostrEvent;
  source: EventSource;
  view: ServerView;
  /** Unix seconds. */
  now: number;
  git: GitFacts;
}

export type Rule = (input: RuleInput) => Verdict;
