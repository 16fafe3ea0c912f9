// NIP-34 PRs (1618) and PR updates (1619) name their tip commit in `c`; ngit pushes it to
// `refs/nostr/<event id>`. The event is served once that ref points at `c`; until then (or
// after a ref at the wrong commit is removed) it waits in the purgatory.

import * as kinds from "nostr-tools/kinds";
import { tagValue } from "../nostr/event.js";
import { isObjectId } from "../nostr/repository-state.js";
import type { Rule } from "./rule.js";
import { accept, hold, purgatoryMessage, reject } from "./verdict.js";

export const pullRequestKinds = new Set<number>([kinds.GitPullRequest, kinds.GitPullRequestUpdate]);

export function pullRequestTipExists(): Rule {
  return ({ event, git }) => {
    if (!pullRequestKinds.has(event.kind)) return accept();
    const tip = tagValue(event, "c");
    if (tip === undefined) return reject(`invalid: kind ${event.kind} has no c tag naming its tip commit`);
    if (!isObjectId(tip)) return reject(`invalid: c tag "${tip.slice(0, 80)}" is not a commit id`);
    // Related only through events (its repository lives elsewhere): its data never comes here.
    if (git.repositories.length === 0) return accept();
    const arrived = git.repositories.some(
      (repository) => repository.nostrRef === tip || (repository.nostrRef === undefined && repository.missingObjects.length === 0),
    );
    return arrived ? accept() : hold(purgatoryMessage);
  };
}
