// A new hosted announcement creates a bare repository at once. Only one a client published to
// this relay may do that: strfry also calls the plugin for events it streams or syncs from
// other relays (`Stream`, `Sync`, router `?`), and those must never fill the git root with
// repositories nobody here asked for.

import * as kinds from "nostr-tools/kinds";
import type { Rule } from "./rule.js";
import { isDirectSource } from "./rule.js";
import { accept, reject } from "./verdict.js";

export function announcementCreatesRepositoryOnlyWhenDirect(): Rule {
  return ({ event, source, git }) => {
    if (event.kind !== kinds.RepositoryAnnouncement || isDirectSource(source)) return accept();
    // Facts name the hosted repository only when the announcement lists this service.
    const hosted = git.repositories[0];
    if (hosted === undefined || hosted.hasData) return accept();
    return reject(`blocked: a new repository is created only by an announcement published to this relay directly, not one from ${source.type || "an unknown source"}`);
  };
}
