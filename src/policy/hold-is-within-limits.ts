// What one client may make the server keep for it. Holding costs storage, a repository on disk
// for a new announcement, and work at every push and sweep; anyone may publish, so each is
// capped (the operator's settings), and a refusal says which limit and what to do.

import * as kinds from "nostr-tools/kinds";
import type { Limits } from "../config.js";
import { npubOf, repositoryIdentifierOf } from "../nostr/nip34.js";
import type { Rule } from "./rule.js";
import { accept, limited } from "./verdict.js";

export type HoldLimits = Pick<Limits, "heldPerAuthor" | "heldPerRepository" | "newRepositoriesPerAuthorPerHour" | "heldEventBytes">;

/** Applied only to an event that would be held now (not to one already held). */
export function holdIsWithinLimits(limits: HoldLimits): Rule {
  return ({ event, view, now }) => {
    const bytes = Buffer.byteLength(JSON.stringify(event));
    if (bytes > limits.heldEventBytes) {
      return limited("maxHeldEventBytes", `invalid: this event is ${bytes} bytes; one that waits for its git data may be at most ${limits.heldEventBytes} (maxHeldEventBytes)`);
    }
    const byAuthor = view.heldCountByAuthor(event.pubkey, limits.heldPerAuthor);
    if (byAuthor >= limits.heldPerAuthor) {
      return limited("maxHeldPerAuthor", `rate-limited: ${npubOf(event.pubkey)} already has ${byAuthor} events waiting for git data here (maxHeldPerAuthor); push their data or wait for them to expire`);
    }
    const identifier = repositoryIdentifierOf(event);
    const byRepository = identifier === undefined ? 0 : view.heldCountWithIdentifier(identifier, limits.heldPerRepository);
    if (byRepository >= limits.heldPerRepository) {
      return limited("maxHeldPerRepository", `rate-limited: ${byRepository} events already wait for git data of repository "${identifier!.slice(0, 80)}" here (maxHeldPerRepository); try again later`);
    }
    if (event.kind === kinds.RepositoryAnnouncement) {
      const created = view.repositoriesCreatedSince(event.pubkey, now - 3600);
      if (created >= limits.newRepositoriesPerAuthorPerHour) {
        return limited("maxNewRepositoriesPerAuthorPerHour", `rate-limited: ${npubOf(event.pubkey)} created ${created} repositories here in the last hour (maxNewRepositoriesPerAuthorPerHour); try again later`);
      }
    }
    return accept();
  };
}
