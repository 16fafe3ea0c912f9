// The server's rules in the order they apply; the first verdict that is not "accept" wins.
// Read this list as the policy's configuration.

import type { ServiceAddress } from "../config.js";
import { announcementListsService } from "./announcement-lists-service.js";
import { eventIsRelated } from "./event-is-related.js";
import { repositoryIdentifierIsSafe } from "./repository-identifier-is-safe.js";
import type { Rule, RuleInput } from "./rule.js";
import { stateIsFromMaintainer } from "./state-is-from-maintainer.js";
import { accept } from "./verdict.js";
import type { Verdict } from "./verdict.js";

export interface PolicyOptions {
  service: ServiceAddress;
}

export function buildRules(options: PolicyOptions): Rule[] {
  return [
    repositoryIdentifierIsSafe(),
    announcementListsService({ service: options.service }),
    stateIsFromMaintainer(),
    eventIsRelated(),
  ];
}

export function decide(rules: readonly Rule[], input: RuleInput): Verdict {
  for (const rule of rules) {
    const verdict = rule(input);
    if (verdict.action !== "accept") return verdict;
  }
  return accept();
}
