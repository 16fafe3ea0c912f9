// The server's rules in the order they apply; the first verdict that is not "accept" wins.
// Read this list as the policy's configuration.

import type { ServiceAddress } from "../config.js";
import { announcementAwaitsData } from "./announcement-awaits-data.js";
import { announcementCreatesRepositoryOnlyWhenDirect } from "./announcement-creates-repository-only-when-direct.js";
import { announcementListsService } from "./announcement-lists-service.js";
import { eventIsNotDeleted } from "./event-is-not-deleted.js";
import { eventIsRelated } from "./event-is-related.js";
import { holdIsWithinLimits } from "./hold-is-within-limits.js";
import type { HoldLimits } from "./hold-is-within-limits.js";
import { protectedEventIsAuthed } from "./protected-event-is-authed.js";
import { pullRequestTipExists } from "./pull-request-tip-exists.js";
import { repositoryIdentifierIsSafe } from "./repository-identifier-is-safe.js";
import type { Rule, RuleInput } from "./rule.js";
import { stateIsFromMaintainer } from "./state-is-from-maintainer.js";
import { stateObjectsExist } from "./state-objects-exist.js";
import { accept, hold } from "./verdict.js";
import type { Verdict } from "./verdict.js";

export interface PolicyOptions {
  service: ServiceAddress;
}

/** Checked only when an event would be held anew. */
export function buildHoldLimits(limits: HoldLimits): Rule[] {
  return [holdIsWithinLimits(limits)];
}

export function buildRules(options: PolicyOptions): Rule[] {
  return [
    // First: most events a public relay is sent have nothing to do with this server.
    eventIsRelated(),
    eventIsNotDeleted(),
    protectedEventIsAuthed(),
    repositoryIdentifierIsSafe(),
    announcementListsService({ service: options.service }),
    stateIsFromMaintainer(),
    pullRequestTipExists(),
    stateObjectsExist(),
    announcementCreatesRepositoryOnlyWhenDirect(),
    announcementAwaitsData(),
  ];
}

export const duplicateHoldMessage = "duplicate: in purgatory";

/**
 * The first verdict of `rules` that is not accept wins. A new hold must also pass
 * `holdLimits` (the same way): what one client may make the server keep.
 */
export function decide(rules: readonly Rule[], input: RuleInput, holdLimits: readonly Rule[] = []): Verdict {
  for (const rule of rules) {
    const verdict = rule(input);
    if (verdict.action === "accept") continue;
    if (verdict.action !== "hold") return verdict;
    // strfry resends what it did not store; say so, and the hold keeps its first expiry.
    if (input.view.isHeld(input.event.id)) return hold(duplicateHoldMessage);
    const limited = decide(holdLimits, input);
    return limited.action === "accept" ? verdict : limited;
  }
  return accept();
}
