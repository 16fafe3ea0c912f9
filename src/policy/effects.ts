// Effects are data: what a verdict asks of git, as plain values that one executor
// (src/plugin/run-effect.ts) carries out. The answer to strfry only records them; those that
// depend on strfry having stored the event wait for it (durable jobs that survive a crash),
// so deciding an event costs the same however many repositories it touches.

import * as kinds from "nostr-tools/kinds";
import type { NostrEvent } from "nostr-tools";
import { tagValue } from "../nostr/event.js";
import type { GitFacts } from "./git-facts.js";
import { pullRequestKinds } from "./pull-request-tip-exists.js";
import type { Verdict } from "./verdict.js";

export type Effect =
  /**
   * Make a repository (`<npub>/<d>.git`) follow its winning complete state, first fetching
   * `objects` from `copyFrom` when it lacks them (GRASP keeps every authorised repository in sync).
   */
  | { type: "align-repository"; repository: string; owner: string; identifier: string; copyFrom?: string; objects?: string[] }
  /** Point `refs/nostr/<eventId>` at a PR's tip where no such ref exists yet. */
  | { type: "set-pull-request-ref"; repository: string; eventId: string; tip: string }
  /** Delete a ref only while it still points at `expected`, so that a push made meanwhile is not clobbered. */
  | { type: "delete-ref"; repository: string; ref: string; expected: string }
  /** Remove the bare repository of an announcement that left the purgatory without data, unless announced again. */
  | { type: "remove-unused-repository"; owner: string; identifier: string }
  /** Drop objects nothing references any more (what expired placeholders brought), older than `olderThanSeconds`. */
  | { type: "prune-repository"; repository: string; olderThanSeconds: number };

export interface PlannedEffects {
  /** Run once strfry has stored the event. */
  afterStored: Effect[];
  /** Run at once (the event is held, it never reaches strfry as it is). */
  now: Effect[];
}

const nothing: PlannedEffects = { afterStored: [], now: [] };

export function planEffects(event: NostrEvent, verdict: Verdict, git: GitFacts): PlannedEffects {
  if (verdict.action === "reject") return nothing;
  if (event.kind === kinds.RepositoryState && verdict.action === "accept") {
    const complete = git.repositories.find((repository) => repository.missingObjects.length === 0);
    return {
      now: [],
      afterStored: git.repositories.map((repository): Effect => {
        const align: Effect = { type: "align-repository", repository: repository.repository, owner: repository.owner, identifier: tagValue(event, "d") ?? "" };
        if (repository.missingObjects.length === 0 || complete === undefined) return align;
        return { ...align, copyFrom: complete.repository, objects: [...repository.missingObjects] };
      }),
    };
  }
  if (pullRequestKinds.has(event.kind)) {
    const tip = tagValue(event, "c")!;
    const ref = `refs/nostr/${event.id}`;
    // A ref at another commit is someone's wrong guess: remove it so the right tip can be pushed.
    const wrongGuesses = git.repositories
      .filter((repository) => repository.nostrRef !== undefined && repository.nostrRef !== tip)
      .map((repository): Effect => ({ type: "delete-ref", repository: repository.repository, ref, expected: repository.nostrRef! }));
    if (verdict.action === "hold") return { afterStored: [], now: wrongGuesses };
    // Served: every repository that has the tip gets the ref at it (the wrong guesses go first).
    const tips = git.repositories
      .filter((repository) => repository.nostrRef !== tip && repository.missingObjects.length === 0)
      .map((repository): Effect => ({ type: "set-pull-request-ref", repository: repository.repository, eventId: event.id, tip }));
    return { afterStored: [...wrongGuesses, ...tips], now: [] };
  }
  return nothing;
}
