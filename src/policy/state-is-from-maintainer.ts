// GRASP-01: a repository state is authoritative only for repositories whose owner's maintainer
// set includes its author, and it needs an announcement for its `d` on this server.

import * as kinds from "nostr-tools/kinds";
import { tagValue } from "../nostr/event.js";
import { ownersAuthorising } from "./maintainers.js";
import type { Rule } from "./rule.js";
import { accept, reject } from "./verdict.js";

export function stateIsFromMaintainer(): Rule {
  return ({ event, view }) => {
    if (event.kind !== kinds.RepositoryState) return accept();
    const identifier = tagValue(event, "d") ?? "";
    const hosted = view.announcementsWithIdentifier(identifier).filter((announcement) => announcement.listsService);
    if (hosted.length === 0) {
      return reject(`blocked: no repository announcement for d "${identifier}" on this server; publish the announcement first`);
    }
    if (ownersAuthorising(event.pubkey, identifier, (d) => view.announcementsWithIdentifier(d)).length === 0) {
      return reject(`blocked: ${event.pubkey} is not a maintainer of any repository "${identifier}" on this server`);
    }
    return accept();
  };
}
