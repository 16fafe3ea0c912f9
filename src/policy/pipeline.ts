// The server's rules in the order they apply; the first verdict that is not "accept" wins.
// Read this list as the policy's configuration.

import type { ServiceAddress } from "../config.js";
import { announcementAwaitsData } from "./announcement-awaits-data.js";
import { announcementListsService } from "./announcement-lists-service.js";
import { eventIsNotDeleted } from "./event-is-not-deleted.js";
import { eventIsRelated } from "./event-is-related.js";
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

export function buildRules(options: PolicyOptions): Rule[] {
  return [
    eventIsNotDeleted(),
    repositoryIdentifierIsSafe(),
    announcementListsService({ service: options.service }),
    stateIsFromMaintainer(),
    eventIsRelated(),
    pullRequestTipExists(),
    stateObjectsExist(),
    announcementAwaitsData(),
  ];
}

export const duplicateHoldMessage = "duplicate: in purgatory";

export function decide(rules: readonly Rule[], input: RuleInput): Verdict {
  for (const rule of rules) {
    const verdict = rule(input);
    if (verdict.action === "accept") continue;
    // strfry resends what it did not store; say so, and the hold keeps its first expiry.
    if (verdict.action === "hold" && input.view.isHeld(input.event.id)) return hold(duplicateHoldMessage);
    return verdict;
  }
  return accept();
}
