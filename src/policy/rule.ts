// A rule is built once from typed options and then only reads its arguments.

import type { NostrEvent } from "nostr-tools";
import type { GitFacts } from "./git-facts.js";
import type { Verdict } from "./verdict.js";
import type { ServerView } from "./view.js";

export interface RuleInput {
  event: NostrEvent;
  view: ServerView;
  /** Unix seconds. */
  now: number;
  git: GitFacts;
}

export type Rule = (input: RuleInput) => Verdict;
