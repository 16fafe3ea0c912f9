// SPEC §4: the repository of a new announcement is created at once, but the announcement is
// held until that repository first receives git data, so relays never advertise an empty
// repository that may never be pushed to. Updates to a repository with data pass at once.

import * as kinds from "nostr-tools/kinds";
import type { Rule } from "./rule.js";
import { accept, hold, purgatoryMessage } from "./verdict.js";

export function announcementAwaitsData(): Rule {
  return ({ event, git }) => {
    if (event.kind !== kinds.RepositoryAnnouncement) return accept();
    // Facts name the hosted repository only when the announcement lists this service.
    const hosted = git.repositories[0];
    if (hosted === undefined || hosted.hasData) return accept();
    return hold(purgatoryMessage);
  };
}
