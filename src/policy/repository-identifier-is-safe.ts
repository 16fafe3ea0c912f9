// A repository's `d` becomes a directory under the git root, so it must be one harmless
// path segment. Checked for announcements and state events, the two kinds that name a repository.

import * as kinds from "nostr-tools/kinds";
import { tagValue } from "../nostr/event.js";
import { repositoryIdentifierProblem } from "../nostr/nip34.js";
import type { Rule } from "./rule.js";
import { accept, reject } from "./verdict.js";

const kindsNamingARepository = new Set<number>([kinds.RepositoryAnnouncement, kinds.RepositoryState]);

export function repositoryIdentifierIsSafe(): Rule {
  return ({ event }) => {
    if (!kindsNamingARepository.has(event.kind)) return accept();
    const problem = repositoryIdentifierProblem(tagValue(event, "d"));
    return problem === undefined ? accept() : reject(`invalid: kind ${event.kind} ${problem}`);
  };
}
