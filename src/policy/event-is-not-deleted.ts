// NIP-09: an event its author deleted stays deleted. strfry refuses deleted events it stored;
// one that was only held never reached strfry, so without this rule anyone could resend it
// and have it held again, authorise a push and be released.

import type { Rule } from "./rule.js";
import { accept, reject } from "./verdict.js";

export function eventIsNotDeleted(): Rule {
  return ({ event, view }) => {
    const deletion = view.deletionOf(event);
    return deletion === undefined ? accept() : reject(`blocked: deleted by its author (kind 5 ${deletion})`);
  };
}
